"""The LSTM engine against hand computation, finite differences and PyTorch's nn.LSTM."""
import warnings

import numpy as np
import pytest
import torch
from conftest import perturbed

from lstm_helpers.engine import gradcheck, lstm
from lstm_helpers.interop import torch_bridge


def make(rng, D=3, H=4, T=6, B=2):
    params = perturbed(lstm.init_params(D, H, rng), rng)
    x = rng.standard_normal((T, B, D))
    return params, x, rng.standard_normal((B, H)), rng.standard_normal((B, H))


def sig(v):
    return 1.0 / (1.0 + np.exp(-v))


def test_init_params_shapes_and_forget_bias(rng):
    p = lstm.init_params(5, 7, rng, forget_bias=3.0)
    assert {k: v.shape for k, v in p.items()} == {
        **{f"W_{g}": (7, 12) for g in "fico"}, **{f"b_{g}": (7,) for g in "fico"}}
    assert np.all(p["b_f"] == 3.0) and np.all(p["b_i"] == 0.0)
    k = 1 / np.sqrt(7)
    assert all(np.abs(p[f"W_{g}"]).max() <= k for g in "fico")
    assert lstm.n_params(5, 7) == sum(v.size for v in p.values())


def test_hand_computed_single_step_h1():
    # H = 1, D = 1, round numbers: every intermediate computed by hand below.
    p = {"W_f": np.array([[0.5, 1.0]]), "b_f": np.array([0.0]),
         "W_i": np.array([[-1.0, 2.0]]), "b_i": np.array([0.5]),
         "W_c": np.array([[1.0, -1.0]]), "b_c": np.array([0.0]),
         "W_o": np.array([[0.0, 1.0]]), "b_o": np.array([-1.0])}
    h_prev, c_prev, x = np.array([[0.2]]), np.array([[1.5]]), np.array([[1.0]])
    # pre-activations with [h, x] = [0.2, 1.0]
    f = sig(0.5 * 0.2 + 1.0 * 1.0)            # σ(1.1)  = 0.750260105595
    i = sig(-0.2 + 2.0 + 0.5)                 # σ(2.3)  = 0.908877038985
    g = np.tanh(0.2 - 1.0)                    # tanh(-0.8) = -0.664036770268
    c = f * 1.5 + i * g                       # 0.521862384854
    o = sig(1.0 - 1.0)                        # σ(0) = 0.5
    h = o * np.tanh(c)
    assert f == pytest.approx(0.750260105595, abs=1e-12)
    assert i == pytest.approx(0.908877038985, abs=1e-12)
    assert g == pytest.approx(-0.664036770268, abs=1e-12)
    assert c == pytest.approx(0.521862384854, abs=1e-11)
    assert h == pytest.approx(0.239568063254, abs=1e-11)  # 0.5 * tanh(0.521862)
    s = lstm.step(p, x, h_prev, c_prev)
    for name, want in dict(f=f, i=i, c_tilde=g, c=c, o=o, h=h).items():
        assert getattr(s, name)[0, 0] == pytest.approx(want, abs=1e-15), name


def test_forward_equals_repeated_step(rng):
    p, x, h0, c0 = make(rng)
    tr = lstm.forward(p, x, h0, c0)
    h, c = h0, c0
    for t in range(x.shape[0]):
        s = lstm.step(p, x[t], h, c)
        for name in ("f", "i", "c_tilde", "o", "c", "h"):
            np.testing.assert_allclose(getattr(tr, name)[t], getattr(s, name), atol=1e-14, rtol=0)
        h, c = s.h, s.c


def test_forward_defaults_to_zero_states(rng):
    p, x, _, _ = make(rng)
    tr = lstm.forward(p, x)
    assert np.all(tr.h0 == 0) and np.all(tr.c0 == 0)
    np.testing.assert_allclose(tr.h, lstm.forward(p, x, np.zeros((2, 4)), np.zeros((2, 4))).h, atol=0)


def torch_run(p, x, h0, c0, dh, dc_last):
    m = torch_bridge.make_torch_lstm(p)
    xt = torch.tensor(x, requires_grad=True)
    h0t, c0t = (torch.tensor(a[None], requires_grad=True) for a in (h0, c0))
    out, (_, cn) = m(xt, (h0t, c0t))
    loss = (out * torch.tensor(dh)).sum() + (cn[0] * torch.tensor(dc_last)).sum()
    loss.backward()
    return m, out, cn, xt, h0t, c0t


def test_forward_and_backward_equal_pytorch_float64(rng):
    p, x, h0, c0 = make(rng, D=5, H=7, T=9, B=3)
    dh, dc_last = rng.standard_normal((9, 3, 7)), rng.standard_normal((3, 7))
    m, out, cn, xt, h0t, c0t = torch_run(p, x, h0, c0, dh, dc_last)
    tr = lstm.forward(p, x, h0, c0)
    g = lstm.backward(p, tr, dh, dc_last)
    assert np.abs(out.detach().numpy() - tr.h).max() <= 1e-10
    assert np.abs(cn[0].detach().numpy() - tr.c[-1]).max() <= 1e-10
    errors = {"x": np.abs(xt.grad.numpy() - g["x"]).max(),
              "h0": np.abs(h0t.grad[0].numpy() - g["h0"]).max(),
              "c0": np.abs(c0t.grad[0].numpy() - g["c0"]).max()}
    ours = torch_bridge.lstm_to_torch_state({k: g[k] for k in p})
    for name, prm in m.named_parameters():
        if name != "bias_hh_l0":  # our single bias maps to bias_ih; bias_hh's grad is the same
            errors[name] = np.abs(prm.grad.numpy() - ours[name]).max()
    np.testing.assert_allclose(m.bias_hh_l0.grad.numpy(), ours["bias_ih_l0"], atol=1e-10)
    assert max(errors.values()) <= 1e-10, errors


def test_forward_float32_close_to_pytorch_float32(rng):
    p, x, h0, c0 = make(rng)
    p32 = {k: v.astype(np.float32) for k, v in p.items()}
    tr = lstm.forward(p32, x, h0, c0)
    assert tr.h.dtype == np.float32 and tr.c.dtype == np.float32
    out, _ = torch_bridge.make_torch_lstm(p32)(torch.tensor(x, dtype=torch.float32),
                                               tuple(torch.tensor(a[None], dtype=torch.float32) for a in (h0, c0)))
    assert np.abs(out.detach().numpy() - tr.h).max() <= 1e-5
    g = lstm.backward(p32, tr, np.ones_like(tr.h))
    assert all(v.dtype == np.float32 for v in g.values())



def test_gradcheck_every_parameter_and_input(rng):
    p, x, h0, c0 = make(rng)
    R, Rc = rng.standard_normal((6, 2, 4)), rng.standard_normal((2, 4))

    def loss():
        tr = lstm.forward(p, x, h0, c0)
        return float((tr.h * R).sum() + (tr.c[-1] * Rc).sum())

    g = lstm.backward(p, lstm.forward(p, x, h0, c0), R, Rc)
    errors = gradcheck.gradcheck(loss, {**p, "x": x, "h0": h0, "c0": c0}, g)
    assert set(errors) == set(p) | {"x", "h0", "c0"}
    assert max(errors.values()) <= 1e-7, errors


def test_gradcheck_detects_a_wrong_gradient(rng):
    p, x, h0, c0 = make(rng)
    R = rng.standard_normal((6, 2, 4))
    g = lstm.backward(p, lstm.forward(p, x, h0, c0), R)
    g["W_o"] = g["W_o"] * 1.01   # a 1% mistake must be visible

    def loss():
        return float((lstm.forward(p, x, h0, c0).h * R).sum())

    assert gradcheck.gradcheck(loss, {"W_o": p["W_o"]}, g)["W_o"] > 1e-3


def test_extreme_preactivations_raise_no_warning(rng):
    p = {k: v * 1e4 for k, v in lstm.init_params(3, 4, rng).items()}
    p["b_f"][:] = -1000.0
    x = 100 * rng.standard_normal((5, 2, 3))
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        tr = lstm.forward(p, x)
        g = lstm.backward(p, tr, np.ones_like(tr.h))
    assert np.all(np.isfinite(tr.h)) and all(np.all(np.isfinite(v)) for v in g.values())


def test_same_seed_gives_bit_identical_results():
    def run(seed):
        r = np.random.default_rng(seed)
        p, x, h0, c0 = make(r)
        tr = lstm.forward(p, x, h0, c0)
        return tr.h, lstm.backward(p, tr, np.ones_like(tr.h))["W_f"]

    a, b = run(7), run(7)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(a[0], run(8)[0])


@pytest.mark.parametrize("call, match", [
    (lambda p, r: lstm.forward(p, r.standard_normal((5, 3))), r"x must have shape \(T, B, 3\)"),
    (lambda p, r: lstm.forward(p, r.standard_normal((5, 2, 4))), r"axis 2 is 4, expected 3"),
    (lambda p, r: lstm.forward(p, np.full((5, 2, 3), np.nan)), "x must contain only finite"),
    (lambda p, r: lstm.forward(p, r.standard_normal((5, 2, 3)), h0=np.zeros((2, 5))), r"h0 must have shape \(2, 4\)"),
    (lambda p, r: lstm.forward({**p, "b_o": np.zeros(3)}, r.standard_normal((5, 2, 3))), r"params\['b_o'\]"),
    (lambda p, r: lstm.forward({k: v for k, v in p.items() if k != "W_c"}, r.standard_normal((5, 2, 3))), "missing keys"),
    (lambda p, r: lstm.forward({**p, "W_o": p["W_o"].astype(np.float32)}, r.standard_normal((5, 2, 3))), "float32 or all float64"),
    (lambda p, r: lstm.step(p, r.standard_normal((2, 3)), np.zeros((2, 4)), np.zeros((3, 4))), "c_prev must have shape"),
    (lambda p, r: lstm.backward(p, "trace", np.zeros((5, 2, 4))), "trace must be the Trace"),
    (lambda p, r: lstm.backward(p, lstm.forward(p, r.standard_normal((5, 2, 3))), np.zeros((4, 2, 4))), "dh must have shape"),
    (lambda p, r: lstm.init_params(0, 4, r), "input_size must be an integer >= 1"),
    (lambda p, r: lstm.init_params(3, -2, r), "hidden_size must be an integer >= 1"),
    (lambda p, r: lstm.init_params(3, 4, 42), "rng must be a numpy Generator"),
    (lambda p, r: lstm.init_params(3, 4, r, forget_bias=float("nan")), "forget_bias must be a finite"),
])
def test_bad_input_raises_one_clear_value_error(rng, call, match):
    p = lstm.init_params(3, 4, rng)
    with pytest.raises(ValueError, match=match):
        call(p, rng)
