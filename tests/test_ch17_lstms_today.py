"""Chapter 17: the scan by hand, the checks the page prints, the timing and streaming measurements (their
structure and exact byte counts, not their times), the live run and the stored table."""
import numpy as np
import pytest

from lstm_helpers.chapters import ch17_lstms_today as ch17
from lstm_helpers.engine import attention, scan


def test_scan_levels_by_hand_end_at_the_loop():
    # a = 0.5, b = 1, 2, 3, 4: up d=1 gives 0.5·1 + 2 = 2.5 and 0.5·3 + 4 = 5.5; up d=2 gives 0.25·2.5 + 5.5
    # = 6.125; down d=1 gives 0.5·2.5 + 3 = 4.25 -- the loop's 1, 2.5, 4.25, 6.125
    levels = ch17.scan_levels([0.5] * 4, [1.0, 2.0, 3.0, 4.0])
    assert [w for w, _ in levels] == ["start", "up, d = 1", "up, d = 2", "down, d = 1"]
    np.testing.assert_array_equal(levels[1][1], [1.0, 2.5, 3.0, 5.5])
    np.testing.assert_array_equal(levels[-1][1], [1.0, 2.5, 4.25, 6.125])


@pytest.mark.parametrize("T", [1, 2, 5, 8, 13])
def test_scan_levels_compute_the_engines_scan(T):
    rng = np.random.default_rng(T)
    a, b = rng.uniform(0, 1, T), rng.normal(size=T)
    np.testing.assert_allclose(ch17.scan_levels(a, b)[-1][1], scan.linear_scan(a, b), atol=1e-15)
    with pytest.raises(ValueError, match="a and b must be 1-D"):
        ch17.scan_levels(a, b[:-1] if T > 1 else [])


def test_scan_and_gradient_checks_pass():
    assert max(ch17.scan_checks(T=50, B=2, D=3, H=4).values()) <= 1e-10
    errs = ch17.gradient_checks(T=4)
    assert set(errs) == {(m, s) for m in ("minlstm", "mingru") for s in ("linear", "log")}
    assert max(errs.values()) < 1e-7


def test_batch_times_structure_and_table_width():
    rows = ch17.batch_times(Ts=(5, 8), batches=(2, 1), D=3, H=4, repeats=1)
    assert [(r["B"], r["T"]) for r in rows] == [(2, 5), (2, 8), (1, 5), (1, 8)]
    assert all(r[k] > 0 for r in rows for k in ("lstm", "minlstm", "mingru", "mingru_fwd_scan", "mingru_fwd_loop"))
    table = ch17.format_times(rows)
    assert len(table.splitlines()) == 6 and max(map(len, table.splitlines())) <= 76
    assert len(ch17.plot_times(rows)) == 2


def test_timing_facts_by_hand():
    def row(B, lstm, mingru, scan_, loop):
        return {"B": B, "T": 1000, "lstm": lstm, "minlstm": 1.0, "mingru": mingru,
                "mingru_fwd_scan": scan_, "mingru_fwd_loop": loop}
    facts = ch17.timing_facts([row(32, 3.0, 2.0, 1.0, 1.0), row(1, 0.9, 0.3, 0.1, 0.5)])
    assert facts == {"scan_3x_lstm_b1": True, "scan_5x_loop_b1": True, "lstm_b32_3x_b1": True}
    facts = ch17.timing_facts([row(32, 2.0, 2.0, 1.0, 1.0), row(1, 0.8, 0.3, 0.1, 0.4)])
    assert facts == {"scan_3x_lstm_b1": False, "scan_5x_loop_b1": False, "lstm_b32_3x_b1": False}
    with pytest.raises(ValueError, match="rows must hold B = 1 and B = 32"):
        ch17.timing_facts([row(32, 3.0, 2.0, 1.0, 1.0)])


def test_filled_cache_equals_stepping_through_the_stream():
    rng = np.random.default_rng(0)
    p = attention.init_params(17, 8, rng)
    tokens = np.eye(17)[rng.integers(0, 17, size=(30, 2))]
    stepped = attention.kv_cache(40, 2, 8)
    for tok in tokens:
        attention.step(p, stepped, tok)
    filled = ch17.fill_cache(p, tokens, 40)
    assert filled["n"] == stepped["n"] == 30
    np.testing.assert_allclose(filled["K"], stepped["K"], atol=1e-13)
    np.testing.assert_allclose(filled["V"], stepped["V"], atol=1e-13)


def test_streaming_cost_counts_bytes_exactly():
    cost = ch17.streaming_cost(ts=(1, 10, 100), d=32, H=32, repeats=2)
    np.testing.assert_array_equal(cost["attention_bytes"], 2 * np.array([1, 10, 100]) * 32 * 8)
    np.testing.assert_array_equal(cost["lstm_bytes"], [512] * 3)
    assert np.all(cost["attention_s"] > 0) and np.all(cost["lstm_s"] > 0)
    assert len(ch17.plot_streaming(cost)) == 2


def test_live_run_is_the_protocols():
    runs = ch17.live(gap=3, lr=1e-2, seeds=(0,), steps=5, progress=False)
    assert [r["model"] for r in runs] == list(ch17.LIVE) and all(r["steps"] == 5 for r in runs)


def _fake_run(model, task, size, seed, test):
    solved = test >= 0.9 if task == "recall" else test < 0.01
    return {"model": model, "task": task, "size": size, "lr": 1e-2, "seed": seed, "val": test, "test": test,
            "solved": solved, "solved_at": 3200 if solved else None}


def test_stored_table_names_what_is_missing_and_prints_what_is_there():
    runs = [_fake_run("lstm_f3_i-3", t, n, s, 1.0 if t == "recall" else 1e-3) for t, n in ch17.SETTINGS
            for s in range(5)]
    with pytest.raises(ValueError, match="missing: minlstm recall 20, .*attention recall 100$"):
        ch17.stored_table({"runs": runs})
    runs += [_fake_run(m, t, n, s, 0.5 if t == "recall" else 0.1) for m, need in ch17.REQUIRED.items()
             for t, n in need for s in range(5)]
    table = ch17.stored_table({"runs": runs})
    assert "minLSTM" in table and "attention (1 head)" in table and max(map(len, table.splitlines())) <= 76
    assert "0.50 0/5 1e-2" in table and "1.00 5/5 1e-2" in table
    with pytest.raises(ValueError, match="stored must be a stored run"):
        ch17.stored_table([])
