import numpy as np
import pytest

from lstm_helpers.chapters import ch09a_text_generation as ch09a
from lstm_helpers.experiments import char_units


def test_wrap_keeps_every_line_within_the_width_and_the_sample_intact():
    sample = "MEMORY, n. " + "word " * 30 + "\n\nX" * 2 + "\nY" + "z" * 100
    out = ch09a.wrap(sample, width=40, label="  greedy : ")
    lines = out.split("\n")
    assert max(len(line) for line in lines) <= 40 and lines[0].startswith("  greedy : MEMORY, n.")
    assert all(line.startswith(" " * 11) for line in lines[1:] if line)   # lined up under the label
    assert "".join(out.split()) == "greedy:" + "".join(sample.split())   # no character lost
    assert "" in lines                                                   # empty lines kept
    assert ch09a.wrap("short") == "short"


def fake_stored():
    """Runs as ``make full (benchmarks/full_runs.py)`` stores them, with the same units in every run."""
    units = {f: {"state": "c", "unit": 3, "r_val": -0.8, "r_test": -0.6}
             for f in char_units.FEATURES}
    units["inside quotes"] = {"state": "h", "unit": 1, "r_val": 0.3, "r_test": -0.2}   # flipped
    untrained = {f: {"state": None, "unit": None, "r_val": np.nan, "r_test": np.nan}
                 for f in char_units.FEATURES}
    grid = [("rnn", 1e-2, 0, 2.1, 2.15), ("rnn", 1e-2, 1, 2.2, 2.12), ("rnn", 1e-3, 0, 2.4, 2.4),
            ("rnn", 1e-3, 1, 2.4, 2.4), ("lstm", 1e-2, 0, 2.0, 1.97), ("lstm", 1e-2, 1, 2.0, 2.13),
            ("lstm", 1e-3, 0, 2.6, 2.6), ("lstm", 1e-3, 1, 2.6, 2.6)]    # cell, lr, seed, val, test
    return {"runs": [{"model": c, "task": "text", "size": 48, "lr": lr, "seed": s, "val": v, "test": t, "units": units,
                      "units_untrained": untrained} for c, lr, s, v, t in grid]}


def test_report_prints_each_rate_the_choice_and_every_seed():
    stored = fake_stored()
    stored["machine"] = {"processor": "some CPU", "cpus": 2, "numpy": "2.0"}
    stored["settings"] = {"steps": 500, "batch": 32, "hidden": 128, "dtype": "float32",
                          "seeds": [0, 1], "lrs": [1e-2, 1e-3]}
    lines = ch09a.report(stored).splitlines()
    assert lines[0] == "machine: some CPU, 2 CPUs, numpy 2.0"
    assert lines[2].split() == ["H", "=", "128,", "float32,", "seeds", "0-1"]
    assert lines[5].split() == ["RNN", "2.150", "2.400", "1e-2"]          # median val per rate
    assert lines[8].split() == ["RNN", "2.150", "2.120", "median", "2.135"]
    assert lines[9].split() == ["LSTM", "1.970", "2.130", "median", "2.050"]
    assert lines[10] == "LSTM seeds below every RNN seed: 1/2; median RNN - median LSTM: 0.085"
    assert max(len(line) for line in lines) <= 76                        # fits the page's column


def test_units_report_aligns_the_sign_with_validation_and_marks_missing_units():
    rows = {line[:19].strip(): line[19:].split() for line in
            ch09a.units_report(fake_stored()).splitlines()[1:]}
    assert rows["headword"] == ["0.60", "0.60", "0.60", "nan", "0.60"]   # -0.6 on both texts
    assert rows["inside quotes"][:3] == ["-0.20", "-0.20", "-0.20"]      # direction flipped


def test_colour_html_paints_each_character_and_escapes_it():
    out = ch09a.colour_html("a<\nb", [1.0, 0.0, 0.0, -1.0], caption="unit 3 & co")
    assert out.count("<span") == 4 and "&lt;" in out and "↵\n" in out and "unit 3 &amp; co" in out
    assert "background:#fff;color:#000" in out                 # readable in the dark theme too
    assert "rgb(226,142,76)" in out and "rgb(76,156,201)" in out  # 70 % of #D55E00, #0072B2
    assert ch09a.colour_html("xy", [5.0, 5.0], "").count("rgb(255,255,255)") == 2


def test_plot_losses_draws_each_model_and_both_baselines():
    log = [{"step": 0, "val_loss": 4.3}, {"step": 100, "val_loss": 2.5}]
    ax = ch09a.plot_losses({"RNN": log, "LSTM": log}, unigram=3.2)
    assert len(ax.lines) == 4 and ax.get_ylabel() == "loss (nats per character)"
    assert [t.get_text().strip() for t in ax.texts] == ["uniform guess (ln 76)",
                                                        "character frequencies only"]


@pytest.mark.parametrize("call, match", [
    (lambda: ch09a.wrap("abc", width=8, label="sampled: "), "label must be shorter"),
    (lambda: ch09a.colour_html("ab", [1.0], ""), "values must be 2 finite numbers"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
