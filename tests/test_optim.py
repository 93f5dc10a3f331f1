import numpy as np
import pytest

from lstm_helpers.engine import optim


def test_clip_scales_to_the_limit_and_reports_the_norm():
    g = {"a": np.array([3.0]), "b": np.array([4.0])}
    clipped, norm = optim.clip_grad_norm(g, 1.0)
    assert norm == 5.0
    assert optim.global_norm(clipped) == pytest.approx(1.0)
    np.testing.assert_allclose(clipped["a"], [0.6])
    same, _ = optim.clip_grad_norm(g, 10.0)
    np.testing.assert_array_equal(same["b"], g["b"])


def test_sgd_step():
    p = {"w": np.array([1.0, 2.0])}
    optim.SGD(lr=0.5).update(p, {"w": np.array([2.0, -2.0])})
    np.testing.assert_allclose(p["w"], [0.0, 3.0])


def test_adam_first_step_moves_every_weight_by_lr():
    # With bias correction, Adam's first step is lr * g / (|g| + eps) = lr * sign(g).
    p = {"w": np.array([1.0, 1.0, 1.0])}
    optim.Adam(lr=0.1).update(p, {"w": np.array([5.0, -0.01, 2.0])})
    np.testing.assert_allclose(p["w"], [0.9, 1.1, 0.9], atol=1e-6)


def test_adam_minimises_a_quadratic():
    p, opt = {"w": np.array([5.0, -3.0])}, optim.Adam(lr=0.1)
    for _ in range(500):
        opt.update(p, {"w": 2 * p["w"]})
    assert np.abs(p["w"]).max() < 1e-2


@pytest.mark.parametrize("call, match", [
    (lambda: optim.clip_grad_norm({"a": np.ones(2)}, -1.0), "max_norm"),
    (lambda: optim.Adam(lr=float("nan")), "lr must be a finite"),
    (lambda: optim.Adam(beta1=1.5), "beta1"),
    (lambda: optim.SGD(lr="fast"), "lr must be a number"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
