"""The LSTM engine: init_params / step / forward / backward, in plain numpy.

Notation is the book's (chapter 5): every gate reads the concatenation z = [h_{t-1}, x_t].

    f_t  = σ(W_f·[h_{t-1}, x_t] + b_f)          forget gate
    i_t  = σ(W_i·[h_{t-1}, x_t] + b_i)          input gate
    C̃_t  = tanh(W_c·[h_{t-1}, x_t] + b_c)       candidate memory
    C_t  = f_t * C_{t-1} + i_t * C̃_t            cell state (the conveyor belt)
    o_t  = σ(W_o·[h_{t-1}, x_t] + b_o)          output gate
    h_t  = o_t * tanh(C_t)                       hidden state

Speed (chapter "How fast is a from-scratch LSTM?"): the four gate matrices are stacked into one
(H+D, 4H) matrix, the inputs of all T steps are projected with one matrix product, and each step
does a single (B, H) @ (H, 4H) product for the recurrent part. The stacked order is [o, f, i, C̃]:
the three sigmoid gates are contiguous (o, f, i) and so are the three blocks that backward scales by
dC_t (f, i, C̃). Forward uses σ(z) = ½·(1 + tanh(z/2)), so after halving the sigmoid rows of the
stacked weights a single tanh call activates all four gates.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_helpers.engine.activations import sigmoid, tanh
from lstm_helpers.engine.validation import cell_sizes, check_array, check_dtype, check_number, check_positive_int, check_rng

GATES = ("o", "f", "i", "c")  # stacked order (see the module docstring)


@dataclass
class Step:
    """One time step: f, i, c_tilde, o, c, h, each (B, H)."""

    f: np.ndarray
    i: np.ndarray
    c_tilde: np.ndarray
    o: np.ndarray
    c: np.ndarray
    h: np.ndarray


@dataclass
class Trace:
    """Everything a forward pass computed, kept for backward and for plotting.

    f, i, c_tilde, o, c, h: (T, B, H) -- f, i, o, c_tilde are views into ``gates``.
    h0, c0: (B, H) initial states.   x: (T, B, D) the inputs (in the params' dtype).
    gates: (T, B, 4, H) the activations stacked as [o, f, i, c̃].
    """

    f: np.ndarray
    i: np.ndarray
    c_tilde: np.ndarray
    o: np.ndarray
    c: np.ndarray
    h: np.ndarray
    h0: np.ndarray
    c0: np.ndarray
    x: np.ndarray
    gates: np.ndarray


def init_params(input_size, hidden_size, rng, forget_bias=1.0, dtype=np.float64):
    """Random LSTM parameters.

    Returns W_f, W_i, W_c, W_o: (H, H+D) -- the first H columns multiply h_{t-1}, the last D
    multiply x_t -- and b_f, b_i, b_c, b_o: (H,).
    Weights are drawn uniformly from [-1/√H, 1/√H] (PyTorch's nn.LSTM default); biases are 0
    except b_f, which is filled with ``forget_bias`` (default 1.0, the value Jozefowicz et al. 2015 recommend and
    Keras' unit_forget_bias sets: the forget gate starts at σ(1) ≈ 0.73, a memory of about 1/(1 − 0.73) ≈ 3.7
    steps; chapter 4).
    """
    D = check_positive_int("input_size", input_size)
    H = check_positive_int("hidden_size", hidden_size)
    check_rng("rng", rng)
    forget_bias = check_number("forget_bias", forget_bias)
    check_dtype("dtype", dtype)
    k = 1.0 / np.sqrt(H)
    params = {f"W_{g}": rng.uniform(-k, k, size=(H, H + D)).astype(dtype) for g in ("f", "i", "c", "o")}
    for g in ("f", "i", "c", "o"):
        params[f"b_{g}"] = np.zeros(H, dtype=dtype)
    params["b_f"][:] = forget_bias
    return params


def sizes(params):
    """(D, H) of an LSTM parameter dict, after checking every array's shape and dtype."""
    return cell_sizes(params, "fico")


def stack(params):
    """Stack the four gates in the order [o, f, i, c̃]: W_h (H, 4H) multiplies h_{t-1}, W_x (D, 4H)
    multiplies x_t, b (4H,)."""
    H = params["W_f"].shape[0]
    W = np.concatenate([params[f"W_{g}"] for g in GATES], axis=0)  # (4H, H+D)
    b = np.concatenate([params[f"b_{g}"] for g in GATES])
    return np.ascontiguousarray(W[:, :H].T), np.ascontiguousarray(W[:, H:].T), b


def _half_sigmoid_rows(W_h, W_x, b):
    """Halve the o, f, i columns: then tanh of the stacked pre-activation gives tanh(z/2) for
    the sigmoid gates, and σ(z) = ½·(1 + tanh(z/2)) exactly (multiplying by ½ is exact)."""
    H = b.size // 4
    scale = np.ones(4 * H, dtype=b.dtype)
    scale[:3 * H] = 0.5
    return W_h * scale, W_x * scale, b * scale


def _states(name, s, B, H, dtype):
    if s is None:
        return np.zeros((B, H), dtype=dtype)
    return check_array(name, s, (B, H), dtype=dtype)


def step(params, x_t, h_prev, c_prev):
    """One LSTM time step, written exactly as the six formulas (chapter 5).

    x_t: (B, D)   h_prev, c_prev: (B, H)
    Returns a Step with f, i, c_tilde, o, c, h, each (B, H).
    """
    D, H = sizes(params)
    dtype = params["W_f"].dtype
    x_t = check_array("x_t", x_t, ("B", D), dtype=dtype)
    B = x_t.shape[0]
    h_prev = check_array("h_prev", h_prev, (B, H), dtype=dtype)
    c_prev = check_array("c_prev", c_prev, (B, H), dtype=dtype)
    z = np.concatenate([h_prev, x_t], axis=1)                     # [h_{t-1}, x_t]: (B, H+D)
    f = sigmoid(z @ params["W_f"].T + params["b_f"])              # what to forget
    i = sigmoid(z @ params["W_i"].T + params["b_i"])              # how much to write
    c_tilde = tanh(z @ params["W_c"].T + params["b_c"])           # what could be written
    c = f * c_prev + i * c_tilde                                  # the conveyor belt
    o = sigmoid(z @ params["W_o"].T + params["b_o"])              # what to reveal
    h = o * tanh(c)
    return Step(f=f, i=i, c_tilde=c_tilde, o=o, c=c, h=h)


def forward(params, x, h0=None, c0=None):
    """Run the LSTM over a whole sequence.

    x: (T, B, D)   h0, c0: (B, H) or None (zeros)
    Returns a Trace with f, i, c_tilde, o, c, h each (T, B, H), plus h0, c0 (B, H).
    """
    D, H = sizes(params)
    dtype = params["W_f"].dtype
    x = check_array("x", x, ("T", "B", D), dtype=dtype)
    T, B, _ = x.shape
    h0, c0 = _states("h0", h0, B, H, dtype), _states("c0", c0, B, H, dtype)
    W_h, W_x, b = _half_sigmoid_rows(*stack(params))
    gates = (x.reshape(T * B, D) @ W_x).reshape(T, B, 4, H)     # input part of every step at once
    gates += b.reshape(4, H)
    c = np.empty((T, B, H), dtype=dtype)
    h = np.empty((T, B, H), dtype=dtype)
    hW, tmp = np.empty((B, 4 * H), dtype=dtype), np.empty((B, H), dtype=dtype)
    h_prev, c_prev = h0, c0
    for t in range(T):
        g = gates[t]                                             # (B, 4, H): o, f, i, c̃
        np.matmul(h_prev, W_h, out=hW)                           # the one product per step
        g += hW.reshape(B, 4, H)
        np.tanh(g, out=g)                                        # all four gates in one call ...
        sig = g[:, :3]
        sig *= 0.5
        sig += 0.5                                               # ... σ = ½(1 + tanh(z/2)) for o, f, i
        np.multiply(g[:, 1], c_prev, out=c[t])                   # f * C_{t-1}
        np.multiply(g[:, 2], g[:, 3], out=tmp)
        c[t] += tmp                                              #   + i * C̃
        np.tanh(c[t], out=h[t])
        h[t] *= g[:, 0]                                          # h = o * tanh(C)
        h_prev, c_prev = h[t], c[t]
    return Trace(o=gates[:, :, 0], f=gates[:, :, 1], i=gates[:, :, 2], c_tilde=gates[:, :, 3],
                 c=c, h=h, h0=h0, c0=c0, x=x, gates=gates)


def backward(params, trace, dh, dc_last=None):
    """Backpropagation through time (chapter 14).

    trace: from ``forward``.   dh: (T, B, H), dL/dh_t at every step.
    dc_last: (B, H) or None, an extra dL/dC_T on the last cell state.
    Returns grads with the keys of ``params`` plus "x" (T, B, D), "h0" and "c0" (B, H).
    """
    D, H = sizes(params)
    if not isinstance(trace, Trace):
        raise ValueError(f"trace must be the Trace returned by lstm.forward; got {type(trace).__name__}")
    T, B, _ = trace.h.shape
    dtype = params["W_f"].dtype
    dh = check_array("dh", dh, (T, B, H), dtype=dtype)
    dc = _states("dc_last", dc_last, B, H, dtype).copy()
    W_h, W_x, _ = stack(params)
    W_hT = np.ascontiguousarray(W_h.T)                          # (4H, H)
    o, f, i, g = (trace.gates[:, :, k] for k in range(4))
    dz = _local_factors(trace)                                  # (T, B, 4, H), scaled in place below
    dC_dh = np.tanh(trace.c)
    np.square(dC_dh, out=dC_dh)
    np.subtract(1.0, dC_dh, out=dC_dh)
    dC_dh *= o                                                  # ∂h_t/∂C_t = o_t · (1 − tanh²(C_t))
    dh_next = np.zeros((B, H), dtype=dtype)
    dh_t, tmp = np.empty((B, H), dtype=dtype), np.empty((B, H), dtype=dtype)
    for t in range(T - 1, -1, -1):
        np.add(dh[t], dh_next, out=dh_t)                        # dh_t: from the loss and from step t+1
        np.multiply(dh_t, dC_dh[t], out=tmp)
        dc += tmp                                               # dC_t
        dz[t, :, 0] *= dh_t                                     # output gate
        dz[t, :, 1:] *= dc[:, None]                             # forget, input, candidate
        dc *= f[t]                                              # dC_{t-1} = dC_t * f_t (+ via h)
        dh_next = dz[t].reshape(B, 4 * H) @ W_hT
    return _weight_grads(trace, dz, dh_next, dc, W_x, H, D)


def _local_factors(trace):
    """Everything in dL/d(pre-activations) that does not depend on the backward recursion.

    Returns P: (T, B, 4, H) with dL/d(pre-activation of gate g) = (dh_t or dC_t) * P[:, :, g]:
    o: tanh(C_t)·σ',  f: C_{t-1}·σ',  i: C̃_t·σ',  C̃: i_t·tanh'. Computed in place in one
    buffer (fresh temporaries of this size cost more in page faults than in arithmetic).
    """
    gates = trace.gates
    P = np.subtract(1.0, gates)                                 # 1 − s for the sigmoid gates
    P[:, :, :3] *= gates[:, :, :3]                              # σ' = s (1 − s)
    np.square(gates[:, :, 3], out=P[:, :, 3])
    np.subtract(1.0, P[:, :, 3], out=P[:, :, 3])                # tanh' = 1 − C̃²
    P[:, :, 0] *= np.tanh(trace.c)
    P[0, :, 1] *= trace.c0
    P[1:, :, 1] *= trace.c[:-1]
    P[:, :, 2] *= gates[:, :, 3]
    P[:, :, 3] *= gates[:, :, 2]
    return P


def _weight_grads(trace, dz, dh0, dc0, W_x, H, D):
    """All weight gradients at once, as two matrix products over the T·B rows."""
    T, B = dz.shape[:2]
    h_prev = np.concatenate([trace.h0[None], trace.h[:-1]]).reshape(T * B, H)
    dz2 = dz.reshape(T * B, 4 * H)
    dW = np.concatenate([h_prev.T @ dz2, trace.x.reshape(T * B, D).T @ dz2])   # (H+D, 4H)
    db = dz2.sum(axis=0)
    grads = {}
    for k, gname in enumerate(GATES):
        grads[f"W_{gname}"] = np.ascontiguousarray(dW[:, k * H:(k + 1) * H].T)
        grads[f"b_{gname}"] = db[k * H:(k + 1) * H].copy()
    grads["x"] = (dz2 @ W_x.T).reshape(T, B, D)
    grads["h0"], grads["c0"] = dh0, dc0
    return grads


def n_params(input_size, hidden_size):
    """Number of trainable numbers in an LSTM layer: 4·(H·(H+D) + H)."""
    D = check_positive_int("input_size", input_size)
    H = check_positive_int("hidden_size", hidden_size)
    return 4 * (H * (H + D) + H)
