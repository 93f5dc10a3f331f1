"""One-layer, one-head attention for the recall task, as an engine "cell" (chapter 17, "Where LSTMs
stand today"): the same API as ``lstm`` / ``rnn`` / ``gru`` (init_params, sizes, forward, backward,
n_params), so the book's models, training loop and protocol train it like any cell.

For x: (T, B, V) tokens (one-hot in the recall task) and head size d:

    e_t = x_t E + p_t                        (T, B, d)   embedding plus positional encoding
    q   = e_{T} W_qᵀ                         (B, d)      only the last token (the question) asks
    k_t = e_t W_kᵀ,  v_t = e_t W_vᵀ          (T, B, d)   every position, the question's own included
    a_t = softmax_t(q · k_t / √d)            (T, B)      attention weights, summing to 1 over t
    u   = Σ_t a_t v_t                        (B, d)      the attended vector

The book's read-out reads h_T (``models.forward`` with readout "last"), so ``forward`` returns a Trace
whose h (T, B, d) is 0 everywhere except h[-1] = u; ``backward`` uses dh[-1] only and raises if dh has
anything else (a read-out of every step would need a causal model, which this is not).

Positions: p_t is the fixed sinusoidal encoding of Vaswani et al. (2017), p_t[2j] = sin(t / 10000^(2j/d)),
p_t[2j+1] = cos(t / 10000^(2j/d)), with t counted from 0; it has no parameters. Without it attention would
be a bag of tokens, blind to order.

Streaming (``kv_cache``, ``step``): predicting after every token of a stream, the newest token is the
question over all tokens so far; its keys and values are appended to a preallocated cache, so token t
costs O(t·d) time and the cache holds 2·t·d numbers -- while an LSTM's state stays (h, c).

Init: E ~ normal(0, 1) (as torch.nn.Embedding); W_q, W_k, W_v ~ uniform [−1/√d, 1/√d] (as torch.nn.Linear
with fan-in d), no biases.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_helpers.engine.losses import softmax
from lstm_helpers.engine.validation import check_array, check_dtype, check_params, check_positive_int, check_rng

KEYS = ("E", "W_q", "W_k", "W_v")


@dataclass
class Trace:
    """h: (T, B, d), zeros except h[-1] = u; x: (T, B, V); e, k, v: (T, B, d); q, u: (B, d);
    a: (T, B) the attention weights of the last token over every position."""

    h: np.ndarray
    x: np.ndarray
    e: np.ndarray
    q: np.ndarray
    k: np.ndarray
    v: np.ndarray
    a: np.ndarray
    u: np.ndarray


def _scale(d):
    """1/√d as a Python float, so float32 arrays stay float32."""
    return 1.0 / float(np.sqrt(d))


def init_params(input_size, hidden_size, rng, dtype=np.float64):
    """E: (V, d) with V = input_size, d = hidden_size (the head size); W_q, W_k, W_v: (d, d)."""
    V = check_positive_int("input_size", input_size)
    d = check_positive_int("hidden_size", hidden_size)
    check_rng("rng", rng)
    check_dtype("dtype", dtype)
    s = 1.0 / np.sqrt(d)
    p = {"E": rng.normal(0.0, 1.0, (V, d))}
    p.update({k: rng.uniform(-s, s, (d, d)) for k in ("W_q", "W_k", "W_v")})
    return {k: v.astype(dtype) for k, v in p.items()}


def sizes(params):
    """(V, d) of an attention parameter dict, after checking every array's shape and dtype."""
    E = np.asarray(params.get("E")) if isinstance(params, dict) else None
    if E is None or E.ndim != 2:
        raise ValueError(f"params['E'] must have shape (V, d) (attention: keys {list(KEYS)}); "
                         f"got {None if E is None else E.shape}")
    V, d = E.shape
    check_params("params", params, {"E": (V, d), "W_q": (d, d), "W_k": (d, d), "W_v": (d, d)})
    return V, d


def n_params(input_size, hidden_size):
    """V·d + 3·d² (the positional encoding has no parameters)."""
    V = check_positive_int("input_size", input_size)
    d = check_positive_int("hidden_size", hidden_size)
    return V * d + 3 * d * d


def positions(T, d, start=0, dtype=np.float64):
    """The sinusoidal encoding p_t for t = start … start + T − 1: (T, d)."""
    T, d = check_positive_int("T", T), check_positive_int("d", d)
    t = np.arange(start, start + T)[:, None]
    angle = t / 10000.0 ** (2 * (np.arange(d) // 2) / d)
    return np.where(np.arange(d) % 2 == 0, np.sin(angle), np.cos(angle)).astype(dtype)


def forward(params, x, h0=None):
    """x: (T, B, V) -> Trace with h (T, B, d): zeros except h[-1] = u, the attended vector.

    h0 must be None: attention keeps no state between sequences (the argument exists for the engine API).
    """
    V, d = sizes(params)
    if h0 is not None:
        raise ValueError(f"h0 must be None: attention has no recurrent state; got {type(h0).__name__}")
    dtype = params["E"].dtype
    x = check_array("x", x, ("T", "B", V), dtype=dtype)
    T, B, _ = x.shape
    e = x @ params["E"] + positions(T, d, dtype=dtype)[:, None, :]           # (T, B, d)
    q = e[-1] @ params["W_q"].T                                               # (B, d)
    k = e @ params["W_k"].T                                                   # (T, B, d)
    v = e @ params["W_v"].T
    a = softmax(np.einsum("bd,tbd->bt", q, k) * _scale(d)).T                 # (T, B)
    u = np.einsum("tb,tbd->bd", a, v)                                         # (B, d)
    h = np.zeros((T, B, d), dtype=dtype)
    h[-1] = u
    return Trace(h=h, x=x, e=e, q=q, k=k, v=v, a=a, u=u)


def backward(params, trace, dh):
    """dh: (T, B, d), of which only dh[-1] = dL/du may be non-zero (h[:-1] is not an output).

    Returns grads for E, W_q, W_k, W_v and "x" (T, B, V).
    """
    V, d = sizes(params)
    if not isinstance(trace, Trace):
        raise ValueError(f"trace must be the Trace returned by attention.forward; got {type(trace).__name__}")
    dh = check_array("dh", dh, trace.h.shape, dtype=params["E"].dtype)
    if np.any(dh[:-1]):
        raise ValueError("dh must be 0 except at the last step: attention's output is h[-1] = u only "
                         "(read it out with readout 'last')")
    x, e, q, k, v, a = trace.x, trace.e, trace.q, trace.k, trace.v, trace.a
    du = dh[-1]                                                               # (B, d)
    dv = a[:, :, None] * du[None]                                             # (T, B, d)
    da = np.einsum("bd,tbd->tb", du, v)                                       # (T, B)
    ds = a * (da - (a * da).sum(axis=0, keepdims=True)) * _scale(d)           # softmax', with 1/√d
    dq = np.einsum("tb,tbd->bd", ds, k)                                       # (B, d)
    dk = ds[:, :, None] * q[None]                                             # (T, B, d)
    de = dk @ params["W_k"] + dv @ params["W_v"]
    de[-1] += dq @ params["W_q"]
    T, B, _ = x.shape
    e2, de2 = e.reshape(T * B, d), de.reshape(T * B, d)
    return {"E": x.reshape(T * B, V).T @ de2, "W_q": dq.T @ e[-1],
            "W_k": dk.reshape(T * B, d).T @ e2, "W_v": dv.reshape(T * B, d).T @ e2,
            "x": (de2 @ params["E"].T).reshape(T, B, V)}


# ---------------------------------------------------------------- streaming: one new token at a time
def kv_cache(capacity, batch, d, dtype=np.float64):
    """An empty cache for ``capacity`` tokens: {"K", "V": (B, capacity, d), "n": tokens held (0)}."""
    capacity = check_positive_int("capacity", capacity)
    B, d = check_positive_int("batch", batch), check_positive_int("d", d)
    return {"K": np.zeros((B, capacity, d), dtype), "V": np.zeros((B, capacity, d), dtype), "n": 0}


def kv_bytes(cache):
    """Bytes of the cache's filled rows: 2·n·B·d·itemsize."""
    n = cache["n"]
    return cache["K"][:, :n].nbytes + cache["V"][:, :n].nbytes


def step(params, cache, x_t):
    """Token n = cache["n"] (x_t: (B, V)) -> u_t (B, d), the newest token attending over all n + 1 so
    far; appends its key and value to the cache in place. Equals forward(params, x[:n + 1]).h[-1]."""
    V, d = sizes(params)
    dtype = params["E"].dtype
    x_t = check_array("x_t", x_t, ("B", V), dtype=dtype)
    n, (B, cap, d_cache) = cache["n"], cache["K"].shape
    if (B, d_cache) != (x_t.shape[0], d) or n >= cap:
        raise ValueError(f"cache must hold (B={x_t.shape[0]}, capacity, d={d}) with room for token {n}; "
                         f"got shape {cache['K'].shape} holding {n} tokens")
    e = x_t @ params["E"] + positions(1, d, start=n, dtype=dtype)            # (B, d)
    q = e @ params["W_q"].T
    cache["K"][:, n] = e @ params["W_k"].T
    cache["V"][:, n] = e @ params["W_v"].T
    cache["n"] = n = n + 1
    s = np.matmul(cache["K"][:, :n], q[:, :, None])[:, :, 0] * _scale(d)      # (B, n): O(n·d)
    a = softmax(s)
    return np.matmul(a[:, None, :], cache["V"][:, :n])[:, 0]                  # (B, d): O(n·d)
