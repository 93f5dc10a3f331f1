"""The vanilla RNN engine (chapter 1, "Why RNNs forget"):  h_t = tanh(W_h·[h_{t-1}, x_t] + b_h).

Same shape of API as ``lstm``: init_params / forward / backward, inputs projected for all
steps at once, one (B, H) @ (H, H) product per step.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .validation import cell_sizes, check_array, check_positive_int, check_rng


@dataclass
class Trace:
    """h: (T, B, H) hidden states; h0: (B, H); x: (T, B, D) the inputs (params' dtype)."""

    h: np.ndarray
    h0: np.ndarray
    x: np.ndarray


def init_params(input_size, hidden_size, rng, dtype=np.float64):
    """W_h: (H, H+D) (first H columns multiply h_{t-1}), b_h: (H,) zeros.

    Weights uniform in [-1/√H, 1/√H], as PyTorch's nn.RNN.
    """
    D = check_positive_int("input_size", input_size)
    H = check_positive_int("hidden_size", hidden_size)
    check_rng("rng", rng)
    k = 1.0 / np.sqrt(H)
    return {"W_h": rng.uniform(-k, k, size=(H, H + D)).astype(dtype), "b_h": np.zeros(H, dtype=dtype)}


def sizes(params):
    """(D, H) of an RNN parameter dict, after checking every array's shape and dtype."""
    return cell_sizes(params, "h")


def forward(params, x, h0=None):
    """x: (T, B, D), h0: (B, H) or None -> Trace with h (T, B, H)."""
    D, H = sizes(params)
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
        np.tanh(h[t], out=h[t])
        h_prev = h[t]
    return Trace(h=h, h0=h0, x=x)


def backward(params, trace, dh):
    """dh: (T, B, H) dL/dh_t -> grads W_h, b_h plus "x" (T, B, D) and "h0" (B, H)."""
    D, H = sizes(params)
    if not isinstance(trace, Trace):
        raise ValueError(f"trace must be the Trace returned by rnn.forward; got {type(trace).__name__}")
    T, B, _ = trace.h.shape
    dtype = params["W_h"].dtype
    dh = check_array("dh", dh, (T, B, H), dtype=dtype)
    W_hh = params["W_h"][:, :H]
    dact = 1.0 - trace.h * trace.h                              # tanh'
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


def n_params(input_size, hidden_size):
    """H·(H+D) + H."""
    D = check_positive_int("input_size", input_size)
    H = check_positive_int("hidden_size", hidden_size)
    return H * (H + D) + H
