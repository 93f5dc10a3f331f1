import numpy as np
import pytest

from lstm_helpers import bptt, gradcheck, lstm


def test_cell_gradient_matches_finite_differences_on_c0():
    # k = T: the gradient with respect to the initial memory C_0, checked by finite differences.
    rng = np.random.default_rng(0)
    p = lstm.init_params(4, 3, rng, forget_bias=1.0)
    x, R = rng.standard_normal((5, 2, 4)), rng.standard_normal((2, 3))
    c0 = rng.standard_normal((2, 3))

    def loss():
        return float((lstm.forward(p, x, None, c0).h[-1] * R).sum())

    tr = lstm.forward(p, x, None, c0)
    dh = np.zeros_like(tr.h)
    dh[-1] = R
    g = lstm.backward(p, tr, dh)["c0"]
    assert gradcheck.gradcheck(loss, {"c0": c0}, {"c0": g})["c0"] < 1e-8


def test_cell_gradient_vs_lag_shapes_and_decay():
    r = bptt.cell_gradient_vs_lag(0.0, T=30, hidden=8, batch=4)
    assert r["norm"].shape == (30,) and r["forget_product"][0] == 1.0
    assert r["norm"][-1] < 1e-3 * r["norm"][1]                 # f ≈ 0.5: the gradient vanishes
    assert np.all(np.diff(r["forget_product"][1:]) <= 0)       # products of numbers < 1 only shrink


def test_truncated_equals_full_when_the_window_covers_the_sequence():
    rng = np.random.default_rng(1)
    p = lstm.init_params(3, 4, rng)
    x, dh = rng.standard_normal((7, 2, 3)), rng.standard_normal((7, 2, 4))
    full = lstm.backward(p, lstm.forward(p, x), dh)
    trunc = bptt.truncated_grads(p, x, dh, window=7)
    for k in list(p) + ["x"]:
        np.testing.assert_allclose(trunc[k], full[k], atol=1e-13)
    short = bptt.truncated_grads(p, x, dh, window=3)
    assert not np.allclose(short["W_f"], full["W_f"])


def test_truncation_cuts_the_gradient_to_the_first_word():
    assert bptt.first_word_gradient(21, gap=20, hidden=4) == 0.0
    assert bptt.first_word_gradient(22, gap=20, hidden=4) > 0.0


def test_gradcheck_small_is_tight():
    assert max(bptt.gradcheck_small().values()) < 1e-7


def test_clipping_experiment_records_norms_before_clipping():
    r = bptt.clipping_experiment(1.0, steps=20, hidden=8)
    assert r["grad_norm"].shape == (20,) and r["loss"].shape == (20,) and 0 <= r["accuracy"] <= 1


@pytest.mark.parametrize("call, match", [
    (lambda: bptt.cell_gradient_vs_lag(20.0), "forget_bias must be"),
    (lambda: bptt.truncated_grads(lstm.init_params(3, 4, np.random.default_rng(0)), np.zeros((5, 2, 3)), np.zeros((5, 2, 4)), 0), "window must be an integer >= 1"),
    (lambda: bptt.truncated_grads(lstm.init_params(3, 4, np.random.default_rng(0)), np.zeros((5, 2, 3)), np.zeros((4, 2, 4)), 2), "dh must have shape"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
