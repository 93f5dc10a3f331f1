import numpy as np
import pytest

from lstm_helpers.engine import gradcheck, losses


def test_cross_entropy_hand_value_and_gradient(rng):
    logits = np.array([[0.0, np.log(3.0)]])               # softmax = [1/4, 3/4]
    loss, d = losses.cross_entropy(logits, np.array([1]))
    assert loss == pytest.approx(-np.log(0.75), abs=1e-15)
    np.testing.assert_allclose(d, [[0.25, -0.25]], atol=1e-15)
    L, y = rng.standard_normal((5, 4)), rng.integers(0, 4, 5)
    _, d = losses.cross_entropy(L, y)
    err = gradcheck.gradcheck(lambda: losses.cross_entropy(L, y)[0], {"L": L}, {"L": d})
    assert err["L"] <= 1e-8


def test_softmax_is_stable_for_huge_logits():
    p = losses.softmax(np.array([[1000.0, 0.0, -1000.0]]))
    np.testing.assert_allclose(p, [[1.0, 0.0, 0.0]], atol=1e-300)


def test_mse_and_gradient(rng):
    loss, d = losses.mse(np.array([1.0, 3.0]), np.array([0.0, 1.0]))
    assert loss == 2.5
    np.testing.assert_allclose(d, [1.0, 2.0])


def test_readout_backward_matches_finite_differences(rng):
    p = losses.init_readout(4, 3, rng)
    h, dy = rng.standard_normal((5, 4)), rng.standard_normal((5, 3))
    g, dh = losses.readout_backward(p, h, dy)
    errs = gradcheck.gradcheck(lambda: float((losses.readout(p, h) * dy).sum()), {**p, "h": h}, {**g, "h": dh})
    assert max(errs.values()) <= 1e-8


@pytest.mark.parametrize("call, match", [
    (lambda: losses.cross_entropy(np.zeros((2, 3)), np.array([0, 3])), r"y must be 2 integer class labels in \[0, 3\)"),
    (lambda: losses.cross_entropy(np.zeros(3), np.array([0])), r"logits must have shape \(N, K\)"),
    (lambda: losses.mse(np.zeros(3), np.zeros(4)), "target must have shape"),
    (lambda: losses.init_readout(4, 0, np.random.default_rng(0)), "output_size"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
