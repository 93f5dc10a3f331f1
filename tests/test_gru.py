"""GRU (Cho et al. 2014, reset before the recurrent product): finite differences, a hand step,
and an independent PyTorch autograd implementation of the same equations."""
import numpy as np
import pytest
import torch
from conftest import perturbed

from lstm_helpers.engine import gradcheck, gru


def make(rng, D=3, H=4, T=6, B=2):
    p = perturbed(gru.init_params(D, H, rng), rng)
    return p, rng.standard_normal((T, B, D)), rng.standard_normal((B, H))


def sig(v):
    return 1 / (1 + np.exp(-v))


def test_hand_computed_step():
    p = {"W_z": np.array([[1.0, 0.5]]), "b_z": np.array([0.0]),
         "W_r": np.array([[0.0, 1.0]]), "b_r": np.array([-1.0]),
         "W_h": np.array([[2.0, 1.0]]), "b_h": np.array([0.0])}
    h_prev, x = 0.4, 1.0
    z, r = sig(0.4 + 0.5), sig(1.0 - 1.0)               # σ(0.9), σ(0) = 0.5
    hh = np.tanh(2.0 * r * h_prev + 1.0)                 # tanh(1.4)
    h = z * h_prev + (1 - z) * hh
    tr = gru.forward(p, np.array([[[x]]]), np.array([[h_prev]]))
    assert tr.r[0, 0, 0] == 0.5
    np.testing.assert_allclose([tr.z[0, 0, 0], tr.h_tilde[0, 0, 0], tr.h[0, 0, 0]], [z, hh, h], atol=1e-15)


def torch_gru(p, x, h0):
    P = {k: torch.tensor(v, requires_grad=True) for k, v in p.items()}
    xt, h = torch.tensor(x, requires_grad=True), torch.tensor(h0, requires_grad=True)
    hs = []
    hp = h
    for t in range(x.shape[0]):
        hx = torch.cat([hp, xt[t]], dim=1)
        z = torch.sigmoid(hx @ P["W_z"].T + P["b_z"])
        r = torch.sigmoid(hx @ P["W_r"].T + P["b_r"])
        hh = torch.tanh(torch.cat([r * hp, xt[t]], dim=1) @ P["W_h"].T + P["b_h"])
        hp = z * hp + (1 - z) * hh
        hs.append(hp)
    return P, xt, h, torch.stack(hs)


def test_equal_to_pytorch_autograd_of_the_same_equations(rng):
    p, x, h0 = make(rng, D=5, H=6, T=7, B=3)
    dh = rng.standard_normal((7, 3, 6))
    P, xt, h0t, out = torch_gru(p, x, h0)
    (out * torch.tensor(dh)).sum().backward()
    tr = gru.forward(p, x, h0)
    g = gru.backward(p, tr, dh)
    assert np.abs(out.detach().numpy() - tr.h).max() <= 1e-10
    errs = {k: np.abs(P[k].grad.numpy() - g[k]).max() for k in p}
    errs["x"] = np.abs(xt.grad.numpy() - g["x"]).max()
    errs["h0"] = np.abs(h0t.grad.numpy() - g["h0"]).max()
    assert max(errs.values()) <= 1e-10, errs


def test_gradcheck(rng):
    p, x, h0 = make(rng)
    R = rng.standard_normal((6, 2, 4))
    g = gru.backward(p, gru.forward(p, x, h0), R)
    errors = gradcheck.gradcheck(lambda: float((gru.forward(p, x, h0).h * R).sum()), {**p, "x": x, "h0": h0}, g)
    assert max(errors.values()) <= 1e-7, errors


def test_update_gate_one_copies_the_state(rng):
    p = gru.init_params(3, 4, rng)
    p["b_z"][:] = 1000.0                                  # z = 1: h_t = h_{t-1}
    h0 = rng.standard_normal((2, 4))
    tr = gru.forward(p, rng.standard_normal((10, 2, 3)), h0)
    np.testing.assert_allclose(tr.h[-1], h0, atol=0)


@pytest.mark.parametrize("call, match", [
    (lambda p, r: gru.forward(p, r.standard_normal((5, 2, 2))), "axis 2 is 2, expected 3"),
    (lambda p, r: gru.forward({k: v for k, v in p.items() if k != "b_r"}, r.standard_normal((5, 2, 3))), "missing keys"),
    (lambda p, r: gru.backward(p, gru.forward(p, r.standard_normal((5, 2, 3))), np.full((5, 2, 4), np.inf)), "dh must contain only finite"),
])
def test_bad_input(rng, call, match):
    with pytest.raises(ValueError, match=match):
        call(gru.init_params(3, 4, rng), rng)
