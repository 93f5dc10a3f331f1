import numpy as np
import pytest

from lstm_helpers import lstm, papers


def test_pinned_gate_is_exactly_open_and_stays_put_under_training():
    p = papers.pin_gate(lstm.init_params(3, 4, np.random.default_rng(0)), "f")
    tr = lstm.forward(p, np.random.default_rng(1).standard_normal((5, 2, 3)))
    assert np.all(tr.f == 1.0)
    g = lstm.backward(p, tr, np.ones_like(tr.h))
    assert np.abs(g["W_f"]).max() < 1e-15 and np.abs(g["b_f"]).max() < 1e-15


def test_without_forget_gate_the_cell_state_grows_linearly_on_a_positive_stream():
    no_f = papers.stream_cell_state(True, T=400, hidden=4)
    with_f = papers.stream_cell_state(False, T=400, hidden=4)
    assert no_f[-1] > 1.8 * no_f[199] and no_f[-1] > 20 * with_f[-1]
    assert with_f.max() < 2.0


def test_adding_until_solved_reports_a_consistent_run():
    r = papers.adding_until_solved(T=5, max_sequences=3000, hidden=8)
    assert r["solved"] == (r["test_mse"] < 0.01) and r["sequences"] % 16 == 0 and r["sequences"] <= 3000


def test_ablations_are_reproducible():
    a = papers.forget_bias_ablation(biases=(1.0,), gap=2, seeds=(0,), steps=10, hidden=4)
    b = papers.forget_bias_ablation(biases=(1.0,), gap=2, seeds=(0,), steps=10, hidden=4)
    assert a == b
    g = papers.gate_ablation(("NIG",), T=5, gap=2, steps=5, hidden=4)
    assert set(g["NIG"]) == {"adding", "recall"}


@pytest.mark.parametrize("call, match", [
    (lambda: papers.pin_gate(lstm.init_params(3, 4, np.random.default_rng(0)), "c"), "gate must be one of"),
    (lambda: papers.gate_ablation(("NXG",)), "variant must be one of"),
    (lambda: papers.adding_until_solved(T=1), "T must be an integer >= 2"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
