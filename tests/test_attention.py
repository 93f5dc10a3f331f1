"""One-head attention as an engine cell: values by hand, gradients by finite differences and PyTorch
autograd, the read-out of h_T through the book's models and protocol, the KV-cache step against the full
forward, and input validation."""
import math

import numpy as np
import pytest
import torch

from lstm_helpers.engine import attention as A
from lstm_helpers.engine import gradcheck
from lstm_helpers.experiments import protocol
from lstm_helpers.training import models, tasks


def tiny_params():
    return {"E": np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), "W_q": np.eye(2),
            "W_k": np.array([[2.0, 0.0], [0.0, 1.0]]), "W_v": np.array([[1.0, 1.0], [0.0, 1.0]])}


TINY_X = np.eye(3)[[0, 2]][:, None, :]          # (T=2, B=1, V=3): token 0, then the question, token 2


def test_forward_by_hand():
    # d = 2: p_t = (sin t, cos t); e0 = (1, 0) + (0, 1) = (1, 1), e1 = (1 + sin 1, 1 + cos 1)
    e1 = (1 + math.sin(1), 1 + math.cos(1))
    q, k0, k1 = e1, (2.0, 1.0), (2 * e1[0], e1[1])
    v0, v1 = (2.0, 1.0), (e1[0] + e1[1], e1[1])
    s0, s1 = (q[0] * k0[0] + q[1] * k0[1]) / math.sqrt(2), (q[0] * k1[0] + q[1] * k1[1]) / math.sqrt(2)
    a0 = 1 / (1 + math.exp(s1 - s0))
    a1 = 1 - a0
    tr = A.forward(tiny_params(), TINY_X)
    np.testing.assert_allclose(tr.a[:, 0], [a0, a1], rtol=0, atol=1e-15)
    np.testing.assert_allclose(tr.h[-1, 0], [a0 * v0[0] + a1 * v1[0], a0 * v0[1] + a1 * v1[1]], rtol=0, atol=1e-14)
    assert np.all(tr.h[:-1] == 0) and tr.h.shape == (2, 1, 2)


def test_positional_encoding_by_hand():
    p = A.positions(3, 4)
    assert p[2, 0] == pytest.approx(math.sin(2)) and p[2, 1] == pytest.approx(math.cos(2))
    assert p[2, 2] == pytest.approx(math.sin(2 / 100)) and p[2, 3] == pytest.approx(math.cos(2 / 100))
    np.testing.assert_array_equal(A.positions(1, 4, start=2), p[2:])


@pytest.mark.parametrize("loss", ["xent", "mse"])
def test_model_gradients_match_finite_differences(rng, loss):
    p = models.init_model("attention", 17, 6, 3, rng)
    x = tasks.recall_task(3, 4, rng)[0]
    y = rng.integers(0, 3, size=3) if loss == "xent" else rng.standard_normal((3, 3))
    value, g, out = models.loss_and_grads("attention", p, x, y, loss=loss)
    assert out.shape == (3, 3) and set(g) == set(p)
    errs = gradcheck.gradcheck(lambda: models.loss_and_grads("attention", p, x, y, loss)[0], p, g, eps=1e-5)
    assert max(errs.values()) <= 1e-7, errs


def test_input_gradient_matches_finite_differences(rng):
    p = A.init_params(5, 4, rng)
    x, w = rng.standard_normal((6, 2, 5)), rng.standard_normal((2, 4))
    dh = np.zeros((6, 2, 4))
    dh[-1] = w
    g = A.backward(p, A.forward(p, x), dh)
    errs = gradcheck.gradcheck(lambda: float(np.sum(w * A.forward(p, x).h[-1])), {**p, "x": x}, g)
    assert max(errs.values()) <= 1e-7, errs


def torch_model(params, x, y):
    """The same model written independently in torch (float64, autograd): logits, loss, grads incl. x."""
    t = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True) for k, v in params.items()}
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    T, d = x.shape[0], params["E"].shape[1]
    ang = torch.arange(T, dtype=torch.float64)[:, None] / 10000.0 ** (2 * (torch.arange(d) // 2) / d).double()
    pe = torch.where(torch.arange(d) % 2 == 0, torch.sin(ang), torch.cos(ang))
    e = xt @ t["E"] + pe[:, None, :]
    q, k, v = e[-1] @ t["W_q"].T, e @ t["W_k"].T, e @ t["W_v"].T
    a = torch.softmax(torch.einsum("bd,tbd->tb", q, k) / math.sqrt(d), dim=0)
    logits = torch.einsum("tb,tbd->bd", a, v) @ t["W_y"].T + t["b_y"]
    loss = torch.nn.functional.cross_entropy(logits, torch.tensor(y))
    loss.backward()
    return logits.detach().numpy(), float(loss.detach()), {k: p.grad.numpy() for k, p in t.items()}, xt.grad.numpy()


def test_matches_torch_autograd(rng):
    params = models.init_model("attention", 17, 32, 6, rng)
    params["b_y"] = rng.normal(size=6)
    x, y, _ = tasks.recall_task(16, 20, rng)
    logits_t, loss_t, grads_t, dx_t = torch_model(params, x, y)
    loss, grads, logits = models.loss_and_grads("attention", params, x, y)
    assert np.max(np.abs(logits - logits_t)) <= 1e-10 and abs(loss - loss_t) <= 1e-10
    for k in params:
        assert np.max(np.abs(grads[k] - grads_t[k])) <= 1e-10, k
    tr = A.forward(models.cell_params(params), x)
    dh = np.zeros_like(tr.h)
    dh[-1] = (np.exp(logits - logits.max(1, keepdims=True)) / np.exp(logits - logits.max(1, keepdims=True)).sum(1,
              keepdims=True) - np.eye(6)[y]) / 16 @ params["W_y"]
    assert np.max(np.abs(A.backward(models.cell_params(params), tr, dh)["x"] - dx_t)) <= 1e-10


def test_attention_weights_sum_to_one_and_order_matters(rng):
    p = A.init_params(17, 32, rng)
    x = tasks.recall_task(8, 30, rng)[0]
    tr = A.forward(p, x)
    assert tr.a.shape == (32, 8) and np.all(tr.a >= 0)
    np.testing.assert_allclose(tr.a.sum(axis=0), 1.0, rtol=0, atol=1e-12)
    order = np.concatenate([[0], 1 + rng.permutation(30), [31]])     # shuffle the fillers only
    assert np.max(np.abs(A.forward(p, x[order]).h[-1] - tr.h[-1])) > 1e-6     # the positions see it


def test_float32_stays_float32(rng):
    p = A.init_params(17, 8, rng, dtype=np.float32)
    x = tasks.recall_task(4, 5, rng)[0].astype(np.float32)
    tr = A.forward(p, x)
    dh = np.zeros_like(tr.h)
    dh[-1] = 1.0
    assert tr.h.dtype == np.float32 and all(g.dtype == np.float32 for g in A.backward(p, tr, dh).values())


def test_protocol_trains_attention_on_recall():
    r = protocol.run("attention", "recall", 50, 3e-3, seed=0, steps=300, eval_every=25)
    assert r["solved"] and r["test"] >= 0.9 and r["curve"][0][1] < 0.5
    assert r["probes"]["0"].keys() == {"grad"}                       # no gate to probe


# ----------------------------------------------------------------------------- streaming
def test_cached_step_equals_full_attention_and_the_cache_grows_linearly(rng):
    p = A.init_params(17, 8, rng)
    tokens = np.eye(17)[rng.integers(0, 17, size=(40, 2))]            # (40, B=2, V)
    cache = A.kv_cache(40, 2, 8)
    for t in range(1, 41):
        u = A.step(p, cache, tokens[t - 1])
        assert np.max(np.abs(u - A.forward(p, tokens[:t]).h[-1])) <= 1e-12, t
        assert A.kv_bytes(cache) == 2 * t * 2 * 8 * 8
    assert A.n_params(17, 8) == sum(v.size for v in p.values()) == 17 * 8 + 3 * 64


# ----------------------------------------------------------------------------- bad inputs
def test_bad_inputs_raise_value_error_naming_the_argument(rng):
    p = A.init_params(17, 8, rng)
    x = tasks.recall_task(4, 3, rng)[0]
    tr = A.forward(p, x)
    cases = [
        ("input_size", lambda: A.init_params(0, 8, rng)),
        ("rng", lambda: A.init_params(17, 8, 0)),
        ("dtype", lambda: A.init_params(17, 8, rng, dtype=np.int32)),
        (r"params\['E'\]", lambda: A.forward({"W_q": p["W_q"]}, x)),
        (r"params\['W_k'\]", lambda: A.forward({**p, "W_k": np.zeros((8, 9))}, x)),
        ("x must have shape", lambda: A.forward(p, x[:, :, :16])),
        ("x must have shape", lambda: A.forward(p, x[0])),
        ("x must contain only finite", lambda: A.forward(p, np.full_like(x, np.nan))),
        ("h0 must be None", lambda: A.forward(p, x, np.zeros((4, 8)))),
        ("trace", lambda: A.backward(p, "trace", np.zeros_like(tr.h))),
        ("dh must have shape", lambda: A.backward(p, tr, np.zeros((5, 3, 8)))),
        ("dh must be 0 except at the last step", lambda: A.backward(p, tr, np.ones_like(tr.h))),
        ("x_t", lambda: A.step(p, A.kv_cache(4, 1, 8), np.zeros((1, 16)))),
        ("cache", lambda: A.step(p, A.kv_cache(1, 1, 8) | {"n": 1}, np.zeros((1, 17)))),
        ("cache", lambda: A.step(p, A.kv_cache(4, 2, 8), np.zeros((1, 17)))),
        ("capacity", lambda: A.kv_cache(0, 1, 8)),
        ("readout_mode", lambda: models.forward("attention", models.init_model("attention", 17, 8, 6, rng), x, "mid")),
    ]
    for match, call in cases:
        with pytest.raises(ValueError, match=match):
            call()
