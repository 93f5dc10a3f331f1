"""The vanilla RNN engine (chapter 1, "Why RNNs forget"):  h_t = tanh(W_h·[h_{t-1}, x_t] + b_h).

Same shape of API as ``lstm``: init_params / forward / backward, inputs projected for all
steps at once, one (B, H) @ (H, H) product per step. ``nonlinearity="relu"`` gives the ReLU RNN
(h_t = max(0, ·)) of Le, Jaitly & Hinton (2015); ``RELU`` is that engine with the same API.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from types import SimpleNamespace

import numpy as np

from lstm_helpers.engine.validation import cell_sizes, check_array, check_positive_int, check_rng


@dataclass
class Trace:
    """h: (T, B, H) hidden states; h0: (B, H); x: (T, B, D) the inputs (params' dtype);
    nonlinearity: "tanh" or "relu"."""

    h: np.ndarray
    h0: np.ndarray
    x: np.ndarray
    nonlinearity: str = "tanh"


def uniform_params(input_size, hidden_size, gates, rng, dtype=np.float64):
    """PyTorch's default start for a recurrent cell: for each gate name g in ``gates`` (drawn in that order),
    W_g: (H, H+D) uniform in [-1/√H, 1/√H] (first H columns act on the hidden state), b_g: (H,) zeros."""
    D = check_positive_int("input_size", input_size)
    H = check_positive_int("hidden_size", hidden_size)
    check_rng("rng", rng)
    k = 1.0 / np.sqrt(H)
    params = {f"W_{g}": rng.uniform(-k, k, size=(H, H + D)).astype(dtype) for g in gates}
    params.update({f"b_{g}": np.zeros(H, dtype=dtype) for g in gates})
    return params


def init_params(input_size, hidden_size, rng, dtype=np.float64):
    """W_h: (H, H+D) (first H columns multiply h_{t-1}), b_h: (H,) zeros.

    Weights uniform in [-1/√H, 1/√H], as PyTorch's nn.RNN.
    """
    return uniform_params(input_size, hidden_size, "h", rng, dtype)


def sizes(params):
    """(D, H) of an RNN parameter dict, after checking every array's shape and dtype."""
    return cell_sizes(params, "h")


NONLINEARITIES = ("tanh", "relu")


def forward(params, x, h0=None, nonlinearity="tanh"):
    """x: (T, B, D), h0: (B, H) or None -> Trace with h (T, B, H).  nonlinearity: "tanh" or "relu"."""
    D, H = sizes(params)
    if nonlinearity not in NONLINEARITIES:
        raise ValueError(f"nonlinearity must be one of {NONLINEARITIES}; got {nonlinearity!r}")
    dtype = params["W_h"].dtype
    x = check_array("x", x, ("T", "B", D), dtype=dtype)
    T, B, _ = x.shape
    h0 = np.zeros((B, H), dtype) if h0 is None else check_array("h0", h0, (B, H), dtype=dtype)
    W_hT = np.ascontiguousarray(params["W_h"][:, :H].T)
    h = (x.reshape(T * B, D) @ params["W_h"][:, H:].T).reshape(T, B, H)
    h += params["b_h"]
    h_prev = h0
    for t in range(T):
        h[t] += h_prev @ W_hT
        if nonlinearity == "tanh":
            np.tanh(h[t], out=h[t])
        else:
            np.maximum(h[t], 0.0, out=h[t])
        h_prev = h[t]
    return Trace(h=h, h0=h0, x=x, nonlinearity=nonlinearity)


def backward(params, trace, dh):
    """dh: (T, B, H) dL/dh_t -> grads W_h, b_h plus "x" (T, B, D) and "h0" (B, H)."""
    D, H = sizes(params)
    if not isinstance(trace, Trace):
        raise ValueError(f"trace must be the Trace returned by rnn.forward; got {type(trace).__name__}")
    T, B, _ = trace.h.shape
    dtype = params["W_h"].dtype
    dh = check_array("dh", dh, (T, B, H), dtype=dtype)
    W_hh = params["W_h"][:, :H]
    if trace.nonlinearity == "tanh":
        dact = 1.0 - trace.h * trace.h                          # tanh'
    else:
        dact = (trace.h > 0).astype(dtype)                      # relu'
    da = np.empty_like(trace.h)                                 # dL/d(pre-activation)
    dh_next = np.zeros((B, H), dtype=dtype)
    for t in range(T - 1, -1, -1):
        np.add(dh[t], dh_next, out=da[t])
        da[t] *= dact[t]
        dh_next = da[t] @ W_hh
    h_prev = np.concatenate([trace.h0[None], trace.h[:-1]]).reshape(T * B, H)
    da2 = da.reshape(T * B, H)
    return {
        "W_h": np.concatenate([da2.T @ h_prev, da2.T @ trace.x.reshape(T * B, D)], axis=1),
        "b_h": da2.sum(axis=0),
        "x": (da2 @ params["W_h"][:, H:]).reshape(T, B, D),
        "h0": dh_next,
    }


def init_orthogonal(input_size, hidden_size, rng, dtype=np.float64):
    """init_params, then the recurrent block W_h[:, :H] replaced by a random orthogonal matrix
    (spectral radius 1: an untrained RNN neither shrinks nor grows a signal through it, up to tanh')."""
    params = init_params(input_size, hidden_size, rng, dtype=dtype)
    H = params["b_h"].shape[0]
    q, r = np.linalg.qr(rng.standard_normal((H, H)))
    params["W_h"][:, :H] = q * np.sign(np.diag(r))     # sign fix: uniform over orthogonal matrices
    return params


def init_identity(input_size, hidden_size, rng, dtype=np.float64, input_std=1e-3):
    """Le, Jaitly & Hinton's (2015) IRNN initialisation: W_hh = I, biases 0, input weights
    Gaussian with standard deviation ``input_std`` (they use 0.001). For ``RELU``."""
    params = init_params(input_size, hidden_size, rng, dtype=dtype)
    H = params["b_h"].shape[0]
    params["W_h"][:, :H] = np.eye(H)
    params["W_h"][:, H:] = rng.normal(0.0, input_std, size=params["W_h"][:, H:].shape)
    return params


def n_params(input_size, hidden_size):
    """H·(H+D) + H."""
    D = check_positive_int("input_size", input_size)
    H = check_positive_int("hidden_size", hidden_size)
    return H * (H + D) + H


# The ReLU RNN as an engine of its own (same API as this module), for models.CELLS["rnn_relu"].
RELU = SimpleNamespace(init_params=init_identity, forward=partial(forward, nonlinearity="relu"),
                       backward=backward, sizes=sizes, n_params=n_params, Trace=Trace)
