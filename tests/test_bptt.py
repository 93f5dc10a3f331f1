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
    assert r["spike_ratio"] == r["grad_norm"].max() / np.median(r["grad_norm"])
    assert r["grad_norm"][r["spike_step"]] == r["grad_norm"].max()


def test_a_clip_above_every_norm_is_the_same_run_as_no_clipping():
    free = bptt.clipping_experiment(None, steps=15, hidden=8)
    high = bptt.clipping_experiment(1e12, steps=15, hidden=8)
    np.testing.assert_array_equal(free["grad_norm"], high["grad_norm"])
    low = bptt.clipping_experiment(0.1, steps=15, hidden=8)
    assert low["grad_norm"][0] == free["grad_norm"][0] > 0.1        # clipping acts after the first norm
    assert not np.array_equal(low["grad_norm"][1:], free["grad_norm"][1:])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_nudge_last_bit_moves_each_number_by_at_most_one_unit_in_the_last_place(dtype):
    rng = np.random.default_rng(0)
    p = {"W": rng.standard_normal((30, 20)).astype(dtype), "b": np.ones(50, dtype=dtype)}
    before = {k: v.copy() for k, v in p.items()}
    q = bptt.nudge_last_bit(p, np.random.default_rng(1))
    for k in p:
        np.testing.assert_array_equal(p[k], before[k])                  # the input is not changed
        assert q[k].dtype == dtype
        step = np.abs(q[k] - p[k])
        assert np.all(step <= np.spacing(np.abs(p[k])))
        assert 0 < np.count_nonzero(step) < step.size                   # u = 0 leaves some alone


def test_a_nudged_copy_starts_like_the_original_and_then_differs_in_its_last_bits():
    a = bptt.clipping_experiment(1.0, steps=10, hidden=8)
    b = bptt.clipping_experiment(1.0, steps=10, hidden=8, nudge=0)
    np.testing.assert_allclose(b["grad_norm"], a["grad_norm"], rtol=1e-9)
    assert not np.array_equal(b["grad_norm"], a["grad_norm"])


@pytest.mark.parametrize("call, match", [
    (lambda: bptt.cell_gradient_vs_lag(20.0), "forget_bias must be"),
    (lambda: bptt.clipping_experiment(0.0), "clip must be"),
    (lambda: bptt.clipping_experiment(1.0, nudge=-1), "nudge must be an integer >= 0"),
    (lambda: bptt.nudge_last_bit({}, 0), "rng must be a numpy Generator"),
    (lambda: bptt.truncated_grads(lstm.init_params(3, 4, np.random.default_rng(0)), np.zeros((5, 2, 3)), np.zeros((5, 2, 4)), 0), "window must be an integer >= 1"),
    (lambda: bptt.truncated_grads(lstm.init_params(3, 4, np.random.default_rng(0)), np.zeros((5, 2, 3)), np.zeros((4, 2, 4)), 2), "dh must have shape"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
