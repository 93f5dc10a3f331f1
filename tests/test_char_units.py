import numpy as np
import pytest

from lstm_helpers.experiments import char_units, chars
from lstm_helpers.training import models

V = len(chars.ALPHABET)


def tiny(cell="lstm", hidden=4, seed=0):
    return chars.init(cell, hidden, np.random.default_rng(seed))


def test_features_on_a_hand_written_entry():
    text = 'AB CD, n. A "q (x)" y\n(z\n\nEF, v. "w'
    f = char_units.features(text)
    assert set(f) == set(char_units.FEATURES) and all(v.shape == (len(text),) for v in f.values())
    np.testing.assert_array_equal(f["line position"][:3], [1, 2, 3])
    assert f["line position"][text.index("\n")] == 0 and f["line position"][text.index("(z")] == 1
    on = lambda name: "".join(ch for ch, v in zip(text, f[name]) if v)     # noqa: E731
    assert on("headword") == "AB CDEF"                          # both entries, up to the comma
    assert on("inside quotes") == '"q (x)' + '"w'               # opening mark in, closing out
    assert on("inside parentheses") == "(x" + "(z\n"            # the blank line ends the stray (
    assert on("capital letter") == "ABCDAEF"


def test_states_are_the_engine_trace_of_one_continuous_reading():
    params, ids = tiny(hidden=5), chars.encode("ABC, n. x\ny")
    s = char_units.states(params, ids)
    trace = models.forward("lstm", params, np.eye(V, dtype=np.float32)[ids][:, None])[0]
    assert set(s) == {"h", "c"} and s["h"].shape == s["c"].shape == (ids.size, 5)
    np.testing.assert_array_equal(s["c"], trace.c[:, 0])
    assert set(char_units.states(tiny("rnn", hidden=3), ids, "rnn")) == {"h"}


def test_correlations_by_hand():
    f = np.array([0.0, 1.0, 2.0, 3.0])
    values = np.stack([2 * f + 1, -f, np.array([1.0, -1.0, 1.0, -1.0]), np.ones(4)], axis=1)
    r = char_units.correlations(values, f)
    np.testing.assert_allclose(r[:3], [1.0, -1.0, -0.4472135955], atol=1e-9)
    assert np.isnan(r[3])                                      # a constant unit has no correlation
    assert np.all(np.isnan(char_units.correlations(values, np.zeros(4))))


def test_best_units_choose_on_validation_and_report_the_test_correlation(monkeypatch):
    val, test = "AB, n. x\n\nCD, v. yz", "EF, n. w\n\nGH, v. uv"
    head = {t: char_units.features(t)["headword"] for t in (val, test)}
    # unit 0 follows the headword on the validation text only, unit 1 on the test text only
    fake = {val: np.stack([head[val], np.arange(len(val)) % 3], 1),
            test: np.stack([np.arange(len(test)) % 2, head[test]], 1)}
    monkeypatch.setattr(char_units, "states", lambda params, ids, cell: {
        "h": fake[val if np.array_equal(ids, chars.encode(val)) else test]})
    units = char_units.best_units({"W_y": np.zeros((V, 2))}, val, test, "rnn")
    u = units["headword"]
    assert (u["state"], u["unit"], u["r_val"]) == ("h", 0, pytest.approx(1.0))
    assert u["r_test"] == pytest.approx(char_units.correlations(fake[test][:, [0]], head[test])[0])
    assert units["inside quotes"] == {"state": None, "unit": None, "r_val": pytest.approx(np.nan,
                                      nan_ok=True), "r_test": pytest.approx(np.nan, nan_ok=True)}


def test_a_stored_run_reports_losses_curves_and_units():
    r = char_units.run("rnn", 1e-2, 0, steps=4, hidden=4, T=8, B=2, steps_per_round=2)
    assert (r["model"], r["task"], r["size"], r["lr"], r["seed"]) == ("rnn", "text", 8, 1e-2, 0)
    assert [p[0] for p in r["curve"]] == [0, 2, 4] and r["val"] == r["curve"][-1][1]
    assert 2.0 < r["test"] < 5.0 and set(r["units"]) == set(char_units.FEATURES)
    assert all(u["state"] == "h" and -1 <= u["r_test"] <= 1 for u in r["units_untrained"].values())


@pytest.mark.parametrize("call, match", [
    (lambda: char_units.features(""), "text must be a non-empty string"),
    (lambda: char_units.states(tiny(), chars.encode("ab"), "gru"), "cell must be one of"),
    (lambda: char_units.correlations(np.zeros((3, 2)), np.zeros(4)), "values must be"),
    (lambda: char_units.run("lstm", 1e-2, 0, steps=5, steps_per_round=2), "multiple of"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
