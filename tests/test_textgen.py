import importlib.util
import json
import pathlib

import numpy as np
import pytest

from lstm_helpers import models, text_units, textgen

ROOT = pathlib.Path(__file__).resolve().parents[1]
V = len(textgen.ALPHABET)


def tiny(cell="lstm", hidden=4, seed=0):
    return textgen.init(cell, hidden, np.random.default_rng(seed))


def test_wrap_keeps_every_line_within_the_width_and_the_sample_intact():
    sample = "MEMORY, n. " + "word " * 30 + "\n\nX" * 2 + "\nY" + "z" * 100
    out = textgen.wrap(sample, width=40, label="  greedy : ")
    lines = out.split("\n")
    assert max(len(line) for line in lines) <= 40 and lines[0].startswith("  greedy : MEMORY, n.")
    assert all(line.startswith(" " * 11) for line in lines[1:] if line)   # lined up under the label
    assert "".join(out.split()) == "greedy:" + "".join(sample.split())   # no character lost
    assert "" in lines                                                   # empty lines kept
    assert textgen.wrap("short") == "short"


def test_corpus_is_the_devils_dictionary_over_the_alphabet():
    text = textgen.corpus()
    assert text.startswith("ABASEMENT, n. A decent and customary mental attitude")
    assert "HISTORY, n. An account mostly false, of events mostly unimportant," in text
    assert text.rstrip().endswith("the domestic cow sheds its horn every two years.")
    assert 300_000 < len(text) < 400_000 and set(text) <= set(textgen.ALPHABET)
    assert "  " not in text                                               # indentation collapsed
    assert textgen.corpus(5000) == text[:5000]


def test_batches_predict_the_next_character():
    ids = textgen.encode("abcdefghij" * 20)
    x, y = textgen.batch(ids, T=5, B=3, rng=np.random.default_rng(0), dtype=np.float32)
    assert x.shape == (5, 3, V) and y.shape == (5, 3) and x.dtype == np.float32
    np.testing.assert_array_equal(x[1:].argmax(-1), y[:-1])                 # y is x shifted by one


def test_encode_maps_unknown_characters_to_space():
    ids = textgen.encode("A{b")
    assert "".join(textgen.ALPHABET[k] for k in ids) == "A b"


def test_split_cuts_train_validation_test_in_order():
    text = "abcd" * 50                                                     # 200 characters
    train, val, test = textgen.split_text(text, val=0.1, test=0.05)
    assert (len(train), len(val), len(test)) == (170, 20, 10) and train + val + test == text
    ids = textgen.split(text, val=0.1, test=0.05)
    assert [p.size for p in ids] == [170, 20, 10]
    np.testing.assert_array_equal(np.concatenate(ids), textgen.encode(text))


def test_unigram_loss_by_hand():
    train, val = textgen.encode("aab"), textgen.encode("a")
    # counts + 1: 'a' -> 3, 'b' -> 2, the other V - 2 characters -> 1; total V + 3
    assert textgen.unigram_loss(train, val) == pytest.approx(-np.log(3 / (V + 3)))


@pytest.mark.parametrize("cell", textgen.CELLS)
def test_heldout_loss_of_a_zero_model_is_log_of_the_alphabet_size(cell):
    params = {k: np.zeros_like(v) for k, v in tiny(cell).items()}          # uniform predictions
    ids = textgen.encode(textgen.corpus(2000))
    assert textgen.heldout_loss(params, ids, T=10, cell=cell) == pytest.approx(np.log(V))


def test_heldout_loss_reads_every_window_from_a_fresh_state():
    params = tiny(hidden=6)
    ids = textgen.encode(textgen.corpus(500))[:41]                          # 4 windows of 10, + 1
    T = 10
    x = np.eye(V, dtype=np.float32)[ids[:40].reshape(4, T).T]
    logits = models.predict("lstm", params, x, readout_mode="all").astype(np.float64)
    logp = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    y = ids[1:41].reshape(4, T).T
    by_hand = -np.mean(np.take_along_axis(logp, y[..., None], -1))
    assert textgen.heldout_loss(params, ids, T=T) == pytest.approx(by_hand, rel=1e-5)


def test_training_lowers_the_loss_and_samples_do_not_change_the_batches():
    text = textgen.corpus(20_000)
    kw = dict(hidden=8, T=16, B=8, progress=False)
    params, log = textgen.train_with_samples(text, rounds=2, steps_per_round=20, **kw)
    assert log[0]["train_loss"] is None and log[-1]["val_loss"] < log[0]["val_loss"] - 0.5
    assert params["W_f"].dtype == np.float32 and [e["step"] for e in log] == [0, 20, 40]
    quiet, qlog = textgen.train_with_samples(text, rounds=1, steps_per_round=40, prefix=None, **kw)
    for k in params:                            # two rounds of 20 with samples == one round of 40
        np.testing.assert_array_equal(params[k], quiet[k])
    assert "greedy" not in qlog[-1] and qlog[-1]["val_loss"] == log[-1]["val_loss"]


@pytest.mark.parametrize("cell", textgen.CELLS)
def test_greedy_sampling_is_deterministic(cell):
    params = tiny(cell, hidden=8)
    a = textgen.sample(params, "MEMORY, n.", 20, np.random.default_rng(0), 0.0, cell)
    b = textgen.sample(params, "MEMORY, n.", 20, np.random.default_rng(1), 0.0, cell)
    c = textgen.sample(params, "MEMORY, n.", 20, np.random.default_rng(1), 1.0, cell)
    assert a == b and len(a) == len(c) == 30 and a.startswith("MEMORY, n.")
    assert set(c) <= set(textgen.ALPHABET)


def fake_run(cell, lr, seed, val, test):
    return {"cell": cell, "lr": lr, "seed": seed, "val": val, "test": test}


def test_the_learning_rate_is_chosen_on_validation_never_on_test():
    runs = [fake_run("lstm", 1e-2, s, 2.0 + s / 100, 9.0) for s in range(3)]    # best validation
    runs += [fake_run("lstm", 1e-3, s, 2.5, 1.0) for s in range(3)]             # best test
    runs += [fake_run("lstm", 3e-2, s, np.nan if s else 1.0, 0.5) for s in range(3)]  # diverged
    assert textgen.choose_lr(runs) == 1e-2
    s = textgen.summarise(runs + [fake_run("rnn", 1e-3, 0, 3.0, 3.1)])
    assert s["lstm"]["lr"] == 1e-2 and s["lstm"]["test"] == [9.0] * 3 and s["lstm"]["median"] == 9.0
    assert s["lstm"]["seeds"] == [0, 1, 2] and s["lstm"]["by_lr"][1e-3] == 2.5
    assert list(s) == ["rnn", "lstm"] and s["rnn"]["lr"] == 1e-3


def test_a_stored_run_reports_losses_curves_and_units():
    r = textgen.run("rnn", 1e-2, 0, steps=4, hidden=4, T=8, B=2, steps_per_round=2)
    assert [p[0] for p in r["curve"]] == [0, 2, 4] and r["val"] == r["curve"][-1][1]
    assert 2.0 < r["test"] < 5.0 and set(r["units"]) == set(text_units.FEATURES)
    assert all(u["state"] == "h" and -1 <= u["r_test"] <= 1 for u in r["units_untrained"].values())


def fake_stored():
    """A stored experiment (the units each run records are tested in test_text_units.py)."""
    grid = [("rnn", 1e-2, 0, 2.1, 2.15), ("rnn", 1e-2, 1, 2.2, 2.12), ("rnn", 1e-3, 0, 2.4, 2.4),
            ("rnn", 1e-3, 1, 2.4, 2.4), ("lstm", 1e-2, 0, 2.0, 1.97), ("lstm", 1e-2, 1, 2.0, 2.13),
            ("lstm", 1e-3, 0, 2.6, 2.6), ("lstm", 1e-3, 1, 2.6, 2.6)]    # cell, lr, seed, val, test
    runs = [fake_run(*g) for g in grid]
    machine = {"processor": "some CPU", "cpus": 2, "numpy": "2.0"}
    settings = {"steps": 500, "batch": 32, "T": 48, "hidden": 128, "dtype": "float32",
                "seeds": [0, 1], "lrs": [1e-2, 1e-3]}
    return {"machine": machine, "settings": settings, "runs": runs}


def test_report_prints_each_rate_the_choice_and_every_seed():
    lines = textgen.report(fake_stored()).splitlines()
    assert lines[0] == "machine: some CPU, 2 CPUs, numpy 2.0"
    assert lines[2].split() == ["H", "=", "128,", "float32,", "seeds", "0-1"]
    assert lines[5].split() == ["RNN", "2.150", "2.400", "1e-2"]          # median val per rate
    assert lines[8].split() == ["RNN", "2.150", "2.120", "median", "2.135"]
    assert lines[9].split() == ["LSTM", "1.970", "2.130", "median", "2.050"]
    assert lines[10] == "LSTM seeds below every RNN seed: 1/2; median RNN - median LSTM: 0.085"
    assert max(len(line) for line in lines) <= 76                        # fits the page's column


def test_load_reads_a_stored_run_and_rejects_anything_else(tmp_path):
    (tmp_path / "t.json").write_text(json.dumps(fake_stored()))
    assert len(textgen.load(tmp_path / "t.json")["runs"]) == 8
    (tmp_path / "bad.json").write_text("[]")
    for path in (tmp_path / "bad.json", tmp_path / "missing.json"):
        with pytest.raises(ValueError, match="path must be the run stored by benchmarks/text_runs"):
            textgen.load(path)


def test_plot_losses_draws_each_model_and_both_baselines():
    log = [{"step": 0, "val_loss": 4.3}, {"step": 100, "val_loss": 2.5}]
    ax = textgen.plot_losses({"RNN": log, "LSTM": log}, unigram=3.2)
    assert len(ax.lines) == 4 and ax.get_ylabel() == "loss (nats per character)"
    assert [t.get_text().strip() for t in ax.texts] == ["uniform guess (ln 76)",
                                                        "character frequencies only"]


def test_text_runs_script_quick_grid_stores_every_run_and_the_chosen_rates(tmp_path):
    spec = importlib.util.spec_from_file_location("text_runs", ROOT / "benchmarks" / "text_runs.py")
    text_runs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(text_runs)
    text_runs.main(["--quick", "--workers", "2", "--out", str(tmp_path / "t.json")])
    stored = json.loads((tmp_path / "t.json").read_text())
    q = text_runs.QUICK
    assert len(stored["runs"]) == len(q["cells"]) * len(q["lrs"]) * len(q["seeds"])
    assert set(stored["chosen_lr"]) == {"rnn", "lstm"} and stored["machine"]["cpus"] >= 1
    assert stored["chosen_lr"]["lstm"] == textgen.choose_lr(
        [r for r in stored["runs"] if r["cell"] == "lstm"])
    again = text_runs.main(["--quick", "--workers", "1", "--out", str(tmp_path / "t.json")])
    assert again["runs_kept"] == len(stored["runs"]) and again["runs"] == stored["runs"]


@pytest.mark.parametrize("call, match", [
    (lambda: textgen.corpus(10), "max_chars must be an integer >= 100"),
    (lambda: textgen.sample(tiny(), "a", 0, np.random.default_rng(0)), "n must be an integer"),
    (lambda: textgen.sample(tiny(), "", 3, np.random.default_rng(0)), "prefix must be"),
    (lambda: textgen.encode(None), "text must be a string"),
    (lambda: textgen.wrap("abc", width=8, label="sampled: "), "label must be shorter"),
    (lambda: textgen.batch(textgen.encode("abc"), 5, 2, np.random.default_rng(0)), "ids must be"),
    (lambda: textgen.split_text("abc" * 100, val=0.5), "val must be"),
    (lambda: textgen.heldout_loss(tiny(), textgen.encode("abc"), T=48), "ids must hold more"),
    (lambda: textgen.init("gru", 4, np.random.default_rng(0)), "cell must be one of"),
    (lambda: textgen.run("lstm", 1e-2, 0, steps=5, steps_per_round=2), "multiple of"),
    (lambda: textgen.choose_lr([fake_run("rnn", 1e-2, 0, 1, 1), fake_run("lstm", 1e-2, 0, 1, 1)]),
     "exactly one model"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
