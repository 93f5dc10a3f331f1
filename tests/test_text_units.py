import numpy as np
import pytest

from lstm_helpers import models, text_units, textgen

V = len(textgen.ALPHABET)


def tiny(cell="lstm", hidden=4, seed=0):
    return textgen.init(cell, hidden, np.random.default_rng(seed))


def test_features_on_a_hand_written_entry():
    text = 'AB CD, n. A "q (x)" y\n(z\n\nEF, v. "w'
    f = text_units.features(text)
    assert set(f) == set(text_units.FEATURES) and all(v.shape == (len(text),) for v in f.values())
    np.testing.assert_array_equal(f["line position"][:3], [1, 2, 3])
    assert f["line position"][text.index("\n")] == 0 and f["line position"][text.index("(z")] == 1
    on = lambda name: "".join(ch for ch, v in zip(text, f[name]) if v)     # noqa: E731
    assert on("headword") == "AB CDEF"                          # both entries, up to the comma
    assert on("inside quotes") == '"q (x)' + '"w'               # opening mark in, closing out
    assert on("inside parentheses") == "(x" + "(z\n"            # the blank line ends the stray (
    assert on("capital letter") == "ABCDAEF"


def test_states_are_the_engine_trace_of_one_continuous_reading():
    params, ids = tiny(hidden=5), textgen.encode("ABC, n. x\ny")
    s = text_units.states(params, ids)
    trace = models.forward("lstm", params, np.eye(V, dtype=np.float32)[ids][:, None])[0]
    assert set(s) == {"h", "c"} and s["h"].shape == s["c"].shape == (ids.size, 5)
    np.testing.assert_array_equal(s["c"], trace.c[:, 0])
    assert set(text_units.states(tiny("rnn", hidden=3), ids, "rnn")) == {"h"}


def test_correlations_by_hand():
    f = np.array([0.0, 1.0, 2.0, 3.0])
    values = np.stack([2 * f + 1, -f, np.array([1.0, -1.0, 1.0, -1.0]), np.ones(4)], axis=1)
    r = text_units.correlations(values, f)
    np.testing.assert_allclose(r[:3], [1.0, -1.0, -0.4472135955], atol=1e-9)
    assert np.isnan(r[3])                                      # a constant unit has no correlation
    assert np.all(np.isnan(text_units.correlations(values, np.zeros(4))))


def test_best_units_choose_on_validation_and_report_the_test_correlation(monkeypatch):
    val, test = "AB, n. x\n\nCD, v. yz", "EF, n. w\n\nGH, v. uv"
    head = {t: text_units.features(t)["headword"] for t in (val, test)}
    # unit 0 follows the headword on the validation text only, unit 1 on the test text only
    fake = {val: np.stack([head[val], np.arange(len(val)) % 3], 1),
            test: np.stack([np.arange(len(test)) % 2, head[test]], 1)}
    monkeypatch.setattr(text_units, "states", lambda params, ids, cell: {
        "h": fake[val if np.array_equal(ids, textgen.encode(val)) else test]})
    units = text_units.best_units({"W_y": np.zeros((V, 2))}, val, test, "rnn")
    u = units["headword"]
    assert (u["state"], u["unit"], u["r_val"]) == ("h", 0, pytest.approx(1.0))
    assert u["r_test"] == pytest.approx(text_units.correlations(fake[test][:, [0]], head[test])[0])
    assert units["inside quotes"] == {"state": None, "unit": None, "r_val": pytest.approx(np.nan,
                                      nan_ok=True), "r_test": pytest.approx(np.nan, nan_ok=True)}


def fake_stored():
    """Runs as ``benchmarks/text_runs.py`` stores them, with the same units in every run."""
    units = {f: {"state": "c", "unit": 3, "r_val": -0.8, "r_test": -0.6}
             for f in text_units.FEATURES}
    units["inside quotes"] = {"state": "h", "unit": 1, "r_val": 0.3, "r_test": -0.2}   # flipped
    untrained = {f: {"state": None, "unit": None, "r_val": np.nan, "r_test": np.nan}
                 for f in text_units.FEATURES}
    grid = [("rnn", 1e-2, 0, 2.1, 2.15), ("rnn", 1e-2, 1, 2.2, 2.12), ("rnn", 1e-3, 0, 2.4, 2.4),
            ("rnn", 1e-3, 1, 2.4, 2.4), ("lstm", 1e-2, 0, 2.0, 1.97), ("lstm", 1e-2, 1, 2.0, 2.13),
            ("lstm", 1e-3, 0, 2.6, 2.6), ("lstm", 1e-3, 1, 2.6, 2.6)]    # cell, lr, seed, val, test
    return {"runs": [{"cell": c, "lr": lr, "seed": s, "val": v, "test": t, "units": units,
                      "units_untrained": untrained} for c, lr, s, v, t in grid]}


def test_units_report_aligns_the_sign_with_validation_and_marks_missing_units():
    rows = {line[:19].strip(): line[19:].split() for line in
            text_units.units_report(fake_stored()).splitlines()[1:]}
    assert rows["headword"] == ["0.60", "0.60", "0.60", "nan", "0.60"]   # -0.6 on both texts
    assert rows["inside quotes"][:3] == ["-0.20", "-0.20", "-0.20"]      # direction flipped


def test_colour_html_paints_each_character_and_escapes_it():
    out = text_units.colour_html("a<\nb", [1.0, 0.0, 0.0, -1.0], caption="unit 3 & co")
    assert out.count("<span") == 4 and "&lt;" in out and "↵\n" in out and "unit 3 &amp; co" in out
    assert "background:#fff;color:#000" in out                 # readable in the dark theme too
    assert "rgb(226,142,76)" in out and "rgb(76,156,201)" in out  # 70 % of #D55E00, #0072B2
    assert text_units.colour_html("xy", [5.0, 5.0], "").count("rgb(255,255,255)") == 2


@pytest.mark.parametrize("call, match", [
    (lambda: text_units.features(""), "text must be a non-empty string"),
    (lambda: text_units.states(tiny(), textgen.encode("ab"), "gru"), "cell must be one of"),
    (lambda: text_units.correlations(np.zeros((3, 2)), np.zeros(4)), "values must be"),
    (lambda: text_units.colour_html("ab", [1.0], ""), "values must be 2 finite numbers"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
