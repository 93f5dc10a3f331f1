import numpy as np
import pytest
import torch
from conftest import perturbed, torch_rnn

from lstm_helpers.engine import gradcheck, rnn


def make(rng, D=3, H=4, T=6, B=2):
    p = perturbed(rnn.init_params(D, H, rng), rng)
    return p, rng.standard_normal((T, B, D)), rng.standard_normal((B, H))


def test_hand_computed_two_steps():
    p = {"W_h": np.array([[0.5, -1.0]]), "b_h": np.array([0.1])}
    x = np.array([[[1.0]], [[2.0]]])
    h1 = np.tanh(0.5 * 0.0 - 1.0 * 1.0 + 0.1)          # tanh(-0.9) = -0.716297870
    h2 = np.tanh(0.5 * h1 - 1.0 * 2.0 + 0.1)
    assert h1 == pytest.approx(-0.716297870199, abs=1e-11)
    np.testing.assert_allclose(rnn.forward(p, x).h[:, 0, 0], [h1, h2], atol=1e-15)


def test_equal_to_pytorch_float64(rng):
    p, x, h0 = make(rng, D=5, H=6, T=8, B=3)
    dh = rng.standard_normal((8, 3, 6))
    m = torch_rnn(p)
    xt, h0t = torch.tensor(x, requires_grad=True), torch.tensor(h0[None], requires_grad=True)
    out, _ = m(xt, h0t)
    (out * torch.tensor(dh)).sum().backward()
    tr = rnn.forward(p, x, h0)
    g = rnn.backward(p, tr, dh)
    assert np.abs(out.detach().numpy() - tr.h).max() <= 1e-10
    assert np.abs(xt.grad.numpy() - g["x"]).max() <= 1e-10
    assert np.abs(h0t.grad[0].numpy() - g["h0"]).max() <= 1e-10
    W = np.concatenate([m.weight_hh_l0.grad.numpy(), m.weight_ih_l0.grad.numpy()], axis=1)
    assert np.abs(W - g["W_h"]).max() <= 1e-10
    assert np.abs(m.bias_ih_l0.grad.numpy() - g["b_h"]).max() <= 1e-10


def test_gradcheck(rng):
    p, x, h0 = make(rng)
    R = rng.standard_normal((6, 2, 4))
    g = rnn.backward(p, rnn.forward(p, x, h0), R)
    errors = gradcheck.gradcheck(lambda: float((rnn.forward(p, x, h0).h * R).sum()), {**p, "x": x, "h0": h0}, g)
    assert max(errors.values()) <= 1e-7, errors


def test_relu_rnn_equal_to_pytorch_and_to_finite_differences(rng):
    p, x, h0 = make(rng, D=5, H=6, T=8, B=3)
    dh = rng.standard_normal((8, 3, 6))
    m = torch_rnn(p, nonlinearity="relu")
    xt, h0t = torch.tensor(x, requires_grad=True), torch.tensor(h0[None], requires_grad=True)
    out, _ = m(xt, h0t)
    (out * torch.tensor(dh)).sum().backward()
    tr = rnn.RELU.forward(p, x, h0)
    g = rnn.RELU.backward(p, tr, dh)
    assert tr.nonlinearity == "relu" and (tr.h == 0).any() and (tr.h >= 0).all()
    assert np.abs(out.detach().numpy() - tr.h).max() <= 1e-10
    assert np.abs(xt.grad.numpy() - g["x"]).max() <= 1e-10
    W = np.concatenate([m.weight_hh_l0.grad.numpy(), m.weight_ih_l0.grad.numpy()], axis=1)
    assert np.abs(W - g["W_h"]).max() <= 1e-10
    errors = gradcheck.gradcheck(lambda: float((rnn.RELU.forward(p, x, h0).h * dh).sum()),
                                 {**p, "x": x, "h0": h0}, g)
    assert max(errors.values()) <= 1e-7, errors


def test_orthogonal_init_has_spectral_radius_one_and_identity_init_is_le_et_al(rng):
    p = rnn.init_orthogonal(3, 16, rng)
    W = p["W_h"][:, :16]
    np.testing.assert_allclose(W @ W.T, np.eye(16), atol=1e-12)
    assert np.abs(np.linalg.eigvals(W)).max() == pytest.approx(1.0, abs=1e-12)
    assert np.abs(np.linalg.eigvals(rnn.init_params(3, 16, rng)["W_h"][:, :16])).max() < 0.9  # default: contractive
    q = rnn.init_identity(3, 16, rng)
    assert (q["W_h"][:, :16] == np.eye(16)).all() and (q["b_h"] == 0).all()
    assert 0.5e-3 < q["W_h"][:, 16:].std() < 2e-3
    # with W_hh = I and no input, a ReLU RNN keeps a positive state exactly: a memory that does not fade
    h0 = np.abs(rng.standard_normal((2, 16)))
    tr = rnn.RELU.forward(q, np.zeros((100, 2, 3)), h0)
    np.testing.assert_array_equal(tr.h[-1], h0)


def test_float32_stays_float32(rng):
    p = rnn.init_params(3, 4, rng, dtype=np.float32)
    tr = rnn.forward(p, rng.standard_normal((5, 2, 3)))
    assert tr.h.dtype == np.float32
    assert all(v.dtype == np.float32 for v in rnn.backward(p, tr, np.ones_like(tr.h)).values())


@pytest.mark.parametrize("call, match", [
    (lambda p, r: rnn.forward(p, r.standard_normal((5, 2))), r"x must have shape \(T, B, 3\)"),
    (lambda p, r: rnn.forward(p, r.standard_normal((5, 2, 3)), h0=np.ones((2, 3))), "h0 must have shape"),
    (lambda p, r: rnn.forward({"W_h": np.zeros(3)}, r.standard_normal((5, 2, 3))), r"params\['W_h'\] must have shape"),
    (lambda p, r: rnn.backward(p, None, np.zeros((5, 2, 4))), "trace must be"),
    (lambda p, r: rnn.forward(p, r.standard_normal((5, 2, 3)), nonlinearity="sigmoid"), "nonlinearity must be one of"),
    (lambda p, r: rnn.init_params(3, 0, r), "hidden_size"),
])
def test_bad_input(rng, call, match):
    with pytest.raises(ValueError, match=match):
        call(rnn.init_params(3, 4, rng), rng)


def test_uniform_params_draws_each_gate_in_order_within_pytorchs_bound():
    """PyTorch's start for every cell: W_g uniform in ±1/√H, drawn gate after gate from the same rng; biases 0."""
    p = rnn.uniform_params(3, 16, "zrh", np.random.default_rng(5))
    first = rnn.init_params(3, 16, np.random.default_rng(5))          # the same rng's first draw
    np.testing.assert_array_equal(p["W_z"], first["W_h"])
    assert all(np.abs(p[f"W_{g}"]).max() <= 0.25 and p[f"W_{g}"].shape == (16, 19) for g in "zrh")
    assert 0.2 < np.abs(p["W_h"]).max() and all(not p[f"b_{g}"].any() for g in "zrh")
    with pytest.raises(ValueError, match="hidden_size"):
        rnn.uniform_params(3, 0, "h", np.random.default_rng(0))
