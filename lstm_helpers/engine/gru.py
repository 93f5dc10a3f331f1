"""The GRU engine of Cho et al. 2014 (chapter 12, "LSTM vs GRU").

    z_t  = σ(W_z·[h_{t-1}, x_t] + b_z)            update gate
    r_t  = σ(W_r·[h_{t-1}, x_t] + b_r)            reset gate
    h̃_t  = tanh(W_h·[r_t * h_{t-1}, x_t] + b_h)    candidate
    h_t  = z_t * h_{t-1} + (1 − z_t) * h̃_t

Note: PyTorch's nn.GRU applies the reset gate *after* the recurrent product
(r * (W_hn h + b_hn)); this is the original formulation, with the reset *before* it, so the
two are different models and cannot be mapped weight for weight.
Per step: one (B, H) @ (H, 2H) product for z and r, one (B, H) @ (H, H) for the candidate.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_helpers.engine.activations import sigmoid
from lstm_helpers.engine.rnn import uniform_params
from lstm_helpers.engine.validation import cell_sizes, check_array, check_positive_int


@dataclass
class Trace:
    """z, r, h_tilde, h: (T, B, H) (z, r, h_tilde are views into ``gates`` (T, B, 3H));
    h0: (B, H); x: (T, B, D)."""

    z: np.ndarray
    r: np.ndarray
    h_tilde: np.ndarray
    h: np.ndarray
    h0: np.ndarray
    x: np.ndarray
    gates: np.ndarray


def init_params(input_size, hidden_size, rng, dtype=np.float64):
    """W_z, W_r, W_h: (H, H+D) (first H columns act on the hidden state); b_z, b_r, b_h: (H,) zeros.

    Weights uniform in [-1/√H, 1/√H], as PyTorch's nn.GRU.
    """
    return uniform_params(input_size, hidden_size, "zrh", rng, dtype)


def sizes(params):
    """(D, H) of a GRU parameter dict, after checking every array's shape and dtype."""
    return cell_sizes(params, "zrh")


def _split(params, H):
    """Recurrent blocks W_zr (H, 2H), W_hh (H, H); input block W_x (D, 3H); bias (3H,)."""
    W_zr = np.ascontiguousarray(np.concatenate([params["W_z"][:, :H], params["W_r"][:, :H]]).T)
    W_hh = np.ascontiguousarray(params["W_h"][:, :H].T)
    W_x = np.ascontiguousarray(np.concatenate([params[f"W_{g}"][:, H:] for g in "zrh"]).T)
    b = np.concatenate([params[f"b_{g}"] for g in "zrh"])
    return W_zr, W_hh, W_x, b


def forward(params, x, h0=None):
    """x: (T, B, D), h0: (B, H) or None -> Trace with z, r, h_tilde, h (T, B, H)."""
    D, H = sizes(params)
    dtype = params["W_z"].dtype
    x = check_array("x", x, ("T", "B", D), dtype=dtype)
    T, B, _ = x.shape
    h0 = np.zeros((B, H), dtype) if h0 is None else check_array("h0", h0, (B, H), dtype=dtype)
    W_zr, W_hh, W_x, b = _split(params, H)
    gates = (x.reshape(T * B, D) @ W_x).reshape(T, B, 3 * H)
    gates += b
    h = np.empty((T, B, H), dtype=dtype)
    h_prev = h0
    for t in range(T):
        g = gates[t]
        g[:, :2 * H] += h_prev @ W_zr
        sigmoid(g[:, :2 * H], out=g[:, :2 * H])                  # z, r
        g[:, 2 * H:] += (g[:, H:2 * H] * h_prev) @ W_hh
        np.tanh(g[:, 2 * H:], out=g[:, 2 * H:])                  # h̃
        np.subtract(h_prev, g[:, 2 * H:], out=h[t])              # h = h̃ + z * (h_prev − h̃)
        h[t] *= g[:, :H]
        h[t] += g[:, 2 * H:]
        h_prev = h[t]
    return Trace(z=gates[..., :H], r=gates[..., H:2 * H], h_tilde=gates[..., 2 * H:],
                 h=h, h0=h0, x=x, gates=gates)


def backward(params, trace, dh):
    """dh: (T, B, H) dL/dh_t -> grads for every key of params plus "x" (T, B, D) and "h0" (B, H)."""
    D, H = sizes(params)
    if not isinstance(trace, Trace):
        raise ValueError(f"trace must be the Trace returned by gru.forward; got {type(trace).__name__}")
    T, B, _ = trace.h.shape
    dtype = params["W_z"].dtype
    dh = check_array("dh", dh, (T, B, H), dtype=dtype)
    W_zr, W_hh, W_x, _ = _split(params, H)
    z, r, hh = trace.z, trace.r, trace.h_tilde
    h_prev = np.concatenate([trace.h0[None], trace.h[:-1]])    # (T, B, H)
    dact = trace.gates * (1.0 - trace.gates)
    np.subtract(1.0, hh * hh, out=dact[..., 2 * H:])
    da = np.empty_like(trace.gates)                             # dL/d(pre-activations) [z, r, h̃]
    dh_next = np.zeros((B, H), dtype=dtype)
    for t in range(T - 1, -1, -1):
        dh_t = dh[t] + dh_next
        d = da[t]
        np.multiply(dh_t, h_prev[t] - hh[t], out=d[:, :H])      # dz
        np.multiply(dh_t, 1.0 - z[t], out=d[:, 2 * H:])         # dh̃
        d[:, 2 * H:] *= dact[t, :, 2 * H:]
        drh = d[:, 2 * H:] @ W_hh.T                             # dL/d(r * h_{t-1})
        np.multiply(drh, h_prev[t], out=d[:, H:2 * H])          # dr
        d[:, :2 * H] *= dact[t, :, :2 * H]
        dh_next = dh_t * z[t] + drh * r[t] + d[:, :2 * H] @ W_zr.T
    da2 = da.reshape(T * B, 3 * H)
    hp = h_prev.reshape(T * B, H)
    rh = (r * h_prev).reshape(T * B, H)
    dWx = da2.T @ trace.x.reshape(T * B, D)                     # (3H, D)
    grads = {
        "W_z": np.concatenate([da2[:, :H].T @ hp, dWx[:H]], axis=1),
        "W_r": np.concatenate([da2[:, H:2 * H].T @ hp, dWx[H:2 * H]], axis=1),
        "W_h": np.concatenate([da2[:, 2 * H:].T @ rh, dWx[2 * H:]], axis=1),
    }
    db = da2.sum(axis=0)
    grads.update(b_z=db[:H], b_r=db[H:2 * H], b_h=db[2 * H:])
    grads["x"] = (da2 @ W_x.T).reshape(T, B, D)
    grads["h0"] = dh_next
    return grads


def n_params(input_size, hidden_size):
    """3·(H·(H+D) + H)."""
    D = check_positive_int("input_size", input_size)
    H = check_positive_int("hidden_size", hidden_size)
    return 3 * (H * (H + D) + H)
