import math

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


def test_bias_reach_is_the_time_constant_and_f_to_the_gap_plus_one():
    r = ch15.bias_reach(3, gaps=(50, 100))
    f = 1 / (1 + math.exp(-3))
    assert r["f"] == pytest.approx(0.9525741268) and r["time_constant"] == pytest.approx(1 + math.exp(3))
    assert r["left"] == pytest.approx([f ** 51, f ** 101]) and r["left"][0] == pytest.approx(0.0839, abs=1e-4)
    assert ch15.bias_reach(0, gaps=(20,))["left"][0] == pytest.approx(0.5 ** 21)


def test_bias_reach_table_has_one_row_per_bias_and_one_column_per_gap():
    lines = ch15.bias_reach_table(biases=(0, 1), gaps=(20, 50)).splitlines()
    assert lines[1].split() == ["gap", "20", "gap", "50"] and len(lines) == 4
    assert lines[3].split() == ["1", "0.7311", "3.7", "steps", f"{0.7310586 ** 21:.1e}", f"{0.7310586 ** 51:.1e}"]


def test_an_untrained_cell_with_zero_weights_keeps_f_to_the_k_of_its_clue():
    # the share bias_reach prints is what the engine's cell state keeps when nothing else is written
    p = lstm.init_params(2, 3, np.random.default_rng(0), forget_bias=1.0)
    for g in "fico":
        p[f"W_{g}"][:] = 0.0
    p["b_i"][:] = -40.0                                   # input gate shut: nothing is written after step 0
    c = lstm.forward(p, np.zeros((21, 1, 2)), c0=np.ones((1, 3))).c
    assert np.allclose(c[-1], ch15.bias_reach(1.0, gaps=(20,))["left"][0])


def test_median_solved_at_is_none_unless_every_seed_solved():
    runs = [fake("gru", s, 0.001, a, task="adding", size=100) for s, a in enumerate([3200, 9600, 6400])]
    summary = results.summarise(runs)
    assert ch15.median_solved_at(summary, "gru", "adding", 100) == 6400
    runs[1] = fake("gru", 1, 0.02, None, task="adding", size=100)
    assert ch15.median_solved_at(results.summarise(runs), "gru", "adding", 100) is None


def test_rates_line_brackets_the_chosen_rate_and_says_if_it_sits_at_an_edge():
    runs = [dict(fake("irnn", s, v, task="adding", size=100), lr=lr) for lr, vals in
            ((1e-2, [0.2] * 3), (1e-3, [0.001] * 3), (1e-4, [0.05] * 3)) for s, v in enumerate(vals)]
    assert ch15.rates_line(runs, "irnn", "adding", 100) == "1e-2 [1e-3] 1e-4 (interior)"
    assert ch15.rates_line(runs[:6], "irnn", "adding", 100) == "1e-2 [1e-3] (edge)"


def test_ours_vs_theirs_reads_every_number_from_its_source():
    models = ("lstm_nfg", "lstm_chrono", "lstm_f1_i0", "irnn", "lstm_nig", "gru", "lstm_f0_i0")
    runs = [fake(m, s, 0.001 if m != "irnn" else 0.15, 3200 * (s + 1), task="adding", size=100)
            for m in models for s in range(5)]
    runs += [fake(m, s, 1.0 if m != "lstm_f0_i0" else 0.2, size=g) for m in models for s in range(5) for g in (20, 50)]
    rows = ch15.ours_vs_theirs(results.summarise(runs), {"T": 50, "sequences": 14080},
                               np.arange(1.0, 2001.0), np.full(2000, 0.25))
    ours = {paper.split()[0]: o for paper, _, o in rows}
    assert len(rows) == 6 and "5/5 solved, median 9,600 seqs" in ours["Hochreiter"] and "14,080" in ours["Hochreiter"]
    assert "mean |C| 2000 after 2000 steps" in ours["Gers"] and "0.25 with one" in ours["Gers"]
    assert "GRU 5/5, LSTM b_f=0 0/5, b_f=1 5/5" in ours["Jozefowicz"]
    assert "chrono 9,600, b_f=1 9,600" in ours["Tallec"] and "0/5 solved, median MSE 1.5e-01" in ours["Le"]
    assert "adding 5/5; no forget gate: recall 5/5" in ours["Greff"]
    text = ch15.print_rows(rows)
    assert max(len(line) for line in text.splitlines()) <= 76 and text.count("  theirs: ") == 6


@pytest.mark.parametrize("call, match", [
    (lambda: ch15.adding_until_solved(T=5, lr=0.0), "lr must be a finite number"),
    (lambda: ch15.adding_until_solved(T=1), "T must be an integer >= 2"),
    (lambda: ch15.bias_reach("1"), "b_f must be a number"),
    (lambda: ch15.bias_reach(1, gaps=(0,)), "gap must be an integer >= 1"),
    (lambda: ch15.median_solved_at({}, "gru", "adding", 100), "must be in the summary"),
    (lambda: ch15.rates_line([], "gru", "adding", 100), "must be in the stored runs"),
    (lambda: ch15.rates_line([], "lstm", "adding", 100), "model must be one of"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
