import numpy as np
import pytest

from lstm_helpers.chapters import ch15_papers as ch15
from lstm_helpers.engine import lstm
from lstm_helpers.experiments import protocol, results


def test_without_forget_gate_the_cell_state_grows_linearly_on_a_positive_stream():
    no_f = ch15.stream_cell_state(True, T=400, hidden=4)
    with_f = ch15.stream_cell_state(False, T=400, hidden=4)
    assert no_f[-1] > 1.8 * no_f[199] and no_f[-1] > 20 * with_f[-1]
    assert with_f.max() < 2.0


def test_adding_until_solved_reports_a_consistent_run():
    r = ch15.adding_until_solved(T=5, max_sequences=3000, hidden=8)
    assert r["solved"] == (r["test_mse"] < 0.01) and r["sequences"] % 16 == 0 and r["sequences"] <= 3000
    assert r["threshold"] == 0.01


def fake(model, seed, test, solved_at=3200, task="recall", size=20):
    """A run whose validation score is its test score; solved_at only when that passes the line."""
    ok = protocol.passes(task, test, protocol.SOLVED[task])
    return {"model": model, "task": task, "size": size, "lr": 1e-3, "seed": seed, "val": test, "test": test,
            "solved": ok, "solved_at": solved_at if ok else None}


def test_init_grid_table_counts_solved_seeds_per_bias_pair():
    runs = [fake("lstm_f3_i-3", s, 1.0) for s in range(5)] + [fake("lstm_f1_i0", s, v) for s, v in
                                                             enumerate([1.0, 0.2, 0.2, 0.95, 0.3])]
    table = ch15.init_grid_table(results.summarise(runs), gaps=(20,))
    lines = table.splitlines()
    assert lines[0].split() == ["gap", "20"] and lines[1].split() == ["b_i", "=", "0", "b_i", "=", "−3"]
    rows = {line.split()[2]: line for line in lines[2:]}
    assert rows["3"].split()[-2:] == ["5/5", "1.00"] and rows["1"].split()[3:5] == ["2/5", "0.30"]
    assert rows["0"].split()[3] == "–"


def test_solved_at_lists_every_seed_and_marks_the_ones_that_never_solved():
    runs = [fake("gru", s, 0.001 if a else 0.02, a, task="adding", size=100) for s, a in enumerate([32000, None, 12800])]
    assert results.solved_at_line(results.summarise(runs), "gru") == "32,000 – 12,800"


def test_the_ablation_variants_pin_their_gate_open():
    for key, gate in (("lstm_nfg", "f"), ("lstm_nig", "i"), ("lstm_nog", "o")):
        _, p = protocol.init(key, "adding", 4, np.random.default_rng(0))
        tr = lstm.forward({k: v for k, v in p.items() if k not in ("W_y", "b_y")},
                          np.random.default_rng(1).standard_normal((5, 2, 2)))
        assert np.all(getattr(tr, gate) == 1.0) and key in ch15.ABLATIONS


@pytest.mark.parametrize("call, match", [
    (lambda: ch15.adding_until_solved(T=5, lr=0.0), "lr must be a finite number"),
    (lambda: ch15.adding_until_solved(T=1), "T must be an integer >= 2"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
