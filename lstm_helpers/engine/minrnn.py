"""minGRU and minLSTM (Feng et al. 2024, "Were RNNs All We Needed?"; chapter 17), with no Python loop
over time.

Their gates read only x_t, never h_{t−1}, so h_t = a_t ⊙ h_{t−1} + b_t has every a_t, b_t known before
the first step, and all h_t come out of one parallel scan (``scan.py``: the algorithms and their numerics).
    minGRU : z_t = σ(W_z x_t + b_z),  h_t = (1 − z_t) ⊙ h_{t−1} + z_t ⊙ g(W_h x_t + b_h)
    minLSTM: f_t = σ(W_f x_t + b_f),  i_t = σ(W_i x_t + b_i),  f'_t = f_t/(f_t + i_t),  i'_t = i_t/(f_t + i_t),
             h_t = f'_t ⊙ h_{t−1} + i'_t ⊙ g(W_h x_t + b_h)
Note the convention: minGRU's z_t is the share *written* (the paper's), the book's GRU's z_t the share kept.
g is the paper's g(u) = u + 0.5 (u ≥ 0), σ(u) (u < 0), positive, so that the log-space scan can take logs;
it is used in every path (both scans and ``forward_sequential``), so all three compute the same function.

forward(..., scan=) picks the scan: "linear" (default, the faster here) composes the affine steps in
linear space, a Python loop over its ~2·log2(T) levels only; "log" is the paper's log-space scan (its
Appendix B). One core serves both models; with a gate logit s:
    a_t = σ(−s_t), b_t = σ(s_t) g(u_t);  log a_t = −softplus(s_t), log b_t = −softplus(−s_t) + log g(u_t)
  minGRU : s = x W_zᵀ + b_z
  minLSTM: s = softplus(−k_f) − softplus(−k_i) = log(i/f)  (i' = σ(s), f' = σ(−s)), k_g = x W_gᵀ + b_g;
  both   : u = x W_hᵀ + b_h (the candidate's pre-activation).

h0: the log-space scan takes log(h_0), so h0 must be finite and > 0 (ValueError otherwise), for every
scan, so the choice of scan never changes which inputs are valid. h0=None means h_0 = g(0) = 0.5, what
the paper's minGRU listing computes from a zero start.

Shapes (batch of row vectors): x (T, B, D), h0 (B, H), h (T, B, H) = h_1 … h_T, W_* (H, D) (no h-columns:
the gates do not read h), b_* (H,). Float32 in, float32 out. The two engines MINGRU and MINLSTM have the
book's engine API (init_params, sizes, forward, backward, n_params) plus forward_sequential.
"""
from __future__ import annotations

import functools
import types
from dataclasses import dataclass

import numpy as np

from lstm_helpers.engine.scan import linear_adjoint, linear_scan, log_adjoint, log_scan
from lstm_helpers.engine.validation import check_array, check_dtype, check_params, check_positive_int, check_rng

SCANS = ("linear", "log")      # forward's choices; "linear" (the default) is the faster one here
H0_DEFAULT = 0.5               # g(0): the start the paper's minGRU listing gives a zero h_0


# ---------------------------------------------------------------- elementwise math (dtype-preserving,
# no overflow: built on e^{−|v|} ≤ 1, branch-free)
def _softplus(v):
    """log(1 + e^v) = max(v, 0) + log1p(e^{−|v|})."""
    return np.maximum(v, 0) + np.log1p(np.exp(-np.abs(v)))


def _sigmoid(v):
    """σ(v) = e^{min(v,0)} / (1 + e^{−|v|})."""
    return np.exp(np.minimum(v, 0)) / (1 + np.exp(-np.abs(v)))


def _sigmoid_pair(s):
    """(σ(s), σ(−s)), sharing the denominator."""
    d = 1 + np.exp(-np.abs(s))
    return np.exp(np.minimum(s, 0)) / d, np.exp(-np.maximum(s, 0)) / d


def g(u):
    """The paper's g: u + 0.5 (u ≥ 0), σ(u) (u < 0) = max(u, 0) + σ(min(u, 0)); positive, g(0) = 0.5."""
    e = np.exp(np.minimum(u, 0))
    return np.maximum(u, 0) + e / (1 + e)


def _log_g(u):
    """log g(u); log σ(u) = −softplus(−u) on the negative branch."""
    return np.where(u >= 0, np.log(np.maximum(u, 0) + 0.5), -_softplus(-u))


def _dg(u, gu):
    """g'(u) = 1 (u ≥ 0), σ'(u) = σ(u)(1 − σ(u)) = g(1 − g) (u < 0), from gu = g(u)."""
    return np.where(u >= 0, 1, gu * (1 - gu))


# ---------------------------------------------------------------- the recurrence, by either scan
def _core_forward(s, u, h0, scan):
    """h (T, B, H) for a_t = σ(−s_t), b_t = σ(s_t) g(u_t) from h0 (B, H) > 0; and σ(s), a, g(u)."""
    z, a = _sigmoid_pair(s)
    gu = g(u)
    if scan == "log":                                   # log σ(±s) = −softplus(∓s)
        return log_scan(-_softplus(s), _log_g(u) - _softplus(-s), np.log(h0)), z, a, gu
    return linear_scan(a, z * gu, h0), z, a, gu


def _core_backward(tr, dh):
    """dL/ds, dL/du (T, B, H) and dL/dh0 (B, H) from dh = ∂L/∂h_t (T, B, H); the total dL/dh_t (G)
    comes from the adjoint of the trace's scan (both compute the same G)."""
    z, a, gu = tr.write, tr.keep, tr.gu
    G = log_adjoint(-_softplus(tr.s), dh) if tr.scan == "log" else linear_adjoint(a, dh)
    h_prev = np.concatenate([tr.h0[None], tr.h[:-1]])
    ds = G * z * a * (gu - h_prev)                      # ∂h_t/∂s_t = σ(s)σ(−s)(g(u_t) − h_{t−1})
    du = G * z * _dg(tr.pre["h"], gu)                   # ∂h_t/∂u_t = σ(s) g'(u_t)
    return ds, du, a[0] * G[0]                          # ∂h_1/∂h_0 = a_1


# ---------------------------------------------------------------- traces and the two models
@dataclass
class Trace:
    """forward's record. x (T, B, D), h0 (B, H), h (T, B, H); pre: layer name -> pre-activation
    (T, B, H) ("h" is the candidate's u); s: the gate logit (T, B, H); keep = σ(−s) (a_t, the share of
    h_{t−1} kept), write = σ(s) (the share of g(u_t) written), gu = g(u) (T, B, H); scan: which scan."""
    x: np.ndarray
    h0: np.ndarray
    h: np.ndarray
    pre: dict
    s: np.ndarray
    keep: np.ndarray
    write: np.ndarray
    gu: np.ndarray
    scan: str


@dataclass
class GRUTrace(Trace):
    """minGRU trace; z (T, B, H) is the update gate σ(x W_zᵀ + b_z), the share of the candidate written."""
    z: np.ndarray


@dataclass
class LSTMTrace(Trace):
    """minLSTM trace; f, i (T, B, H) are the NORMALISED gates f' = f/(f+i), i' = i/(f+i) (f' + i' = 1)."""
    f: np.ndarray
    i: np.ndarray


@dataclass(frozen=True)
class _Spec:
    name: str
    layers: tuple          # linear layers, the candidate "h" last
    logit: object          # pre -> s
    logit_grad: object     # (pre, dL/ds) -> {layer: dL/dpre}
    gates: object          # (σ(s), σ(−s)) -> gate arrays for the trace
    step: object           # (pre at one t, h_{t−1}) -> h_t, the plain recurrence
    trace_cls: type

    @property
    def keys(self):
        return tuple(f"{p}_{n}" for n in self.layers for p in ("W", "b"))


def _gru_step(p, h):
    z = _sigmoid(p["z"])
    return (1 - z) * h + z * g(p["h"])


def _lstm_step(p, h):
    f, i = _sigmoid(p["f"]), _sigmoid(p["i"])
    return f / (f + i) * h + i / (f + i) * g(p["h"])


_GRU = _Spec("minGRU", ("z", "h"), lambda pre: pre["z"], lambda pre, ds: {"z": ds},
             lambda z, a: {"z": z}, _gru_step, GRUTrace)
_LSTM = _Spec("minLSTM", ("f", "i", "h"),
              lambda pre: _softplus(-pre["f"]) - _softplus(-pre["i"]),
              # ∂s/∂k_f = −σ(−k_f), ∂s/∂k_i = σ(−k_i)
              lambda pre, ds: {"f": -ds * _sigmoid(-pre["f"]), "i": ds * _sigmoid(-pre["i"])},
              lambda z, a: {"f": a, "i": z}, _lstm_step, LSTMTrace)


# ---------------------------------------------------------------- the engine functions
def _init_params(spec, input_size, hidden_size, rng, dtype=np.float64):
    """W_* (H, D) uniform in [−1/√H, 1/√H] (as the book's other cells), b_* (H,) zeros, in dtype."""
    D = check_positive_int("input_size", input_size)
    H = check_positive_int("hidden_size", hidden_size)
    check_rng("rng", rng)
    check_dtype("dtype", dtype)
    k = 1.0 / np.sqrt(H)
    params = {}
    for n in spec.layers:
        params[f"W_{n}"] = rng.uniform(-k, k, size=(H, D)).astype(dtype)
        params[f"b_{n}"] = np.zeros(H, dtype=dtype)
    return params


def _sizes(spec, params):
    """(D, H) of a parameter dict, after checking every key's shape and the common float dtype."""
    first = spec.keys[0]
    W = np.asarray(params.get(first)) if isinstance(params, dict) else None
    if W is None or W.ndim != 2:
        raise ValueError(f"params['{first}'] must have shape (H, D) ({spec.name}: keys {list(spec.keys)}); "
                         f"got {None if W is None else W.shape}")
    H, D = W.shape
    check_params("params", params, {k: (H, D) if k.startswith("W_") else (H,) for k in spec.keys})
    return D, H


def _projections(spec, params, x):
    """Every layer's pre-activation x Wᵀ + b at all t at once (the layers stacked: one (T·B, D) product):
    name -> (T, B, H)."""
    W = np.concatenate([params[f"W_{n}"] for n in spec.layers])            # (nH, D)
    b = np.concatenate([params[f"b_{n}"] for n in spec.layers])
    pre = (x.reshape(-1, x.shape[2]) @ W.T + b).reshape(*x.shape[:2], len(spec.layers), -1)
    return {n: pre[:, :, k] for k, n in enumerate(spec.layers)}


def _prepare(spec, params, x, h0):
    D, H = _sizes(spec, params)
    dtype = params[spec.keys[0]].dtype
    x = check_array("x", x, ("T", "B", D), dtype=dtype)
    B = x.shape[1]
    if h0 is None:
        return x, np.full((B, H), H0_DEFAULT, dtype=dtype)
    h0 = check_array("h0", h0, (B, H), dtype=dtype)
    if not np.all(h0 > 0):
        raise ValueError(f"h0 must be > 0 everywhere (the log-space scan takes log(h0); every scan shares "
                         f"that rule); got min {h0.min()!r}")
    return x, h0


def _forward(spec, params, x, h0=None, scan="linear"):
    """Forward pass with no Python loop over time.

    x: (T, B, D); h0: (B, H) > 0 or None (= 0.5); scan: "linear" (default) or "log" (the paper's).
    Both give the h of forward_sequential. Returns a Trace with h (T, B, H) and the gates.
    """
    if not isinstance(scan, str) or scan not in SCANS:
        raise ValueError(f"scan must be one of {list(SCANS)}; got {scan!r}")
    x, h0 = _prepare(spec, params, x, h0)
    pre = _projections(spec, params, x)
    s = spec.logit(pre)
    h, z, a, gu = _core_forward(s, pre["h"], h0, scan)
    return spec.trace_cls(x=x, h0=h0, h=h, pre=pre, s=s, keep=a, write=z, gu=gu, scan=scan, **spec.gates(z, a))


def _backward(spec, params, trace, dh):
    """Analytic gradients through the adjoint of trace.scan, no loop over time.

    dh: (T, B, H), ∂L/∂h_t at every step. Returns grads for every key of params plus "x" (T, B, D)
    and "h0" (B, H).
    """
    D, H = _sizes(spec, params)
    if not isinstance(trace, spec.trace_cls):
        raise ValueError(f"trace must be the {spec.trace_cls.__name__} returned by {spec.name}.forward; "
                         f"got {type(trace).__name__}")
    if trace.x.shape[2] != D or trace.h.shape[2] != H:
        raise ValueError(f"trace must come from params of sizes D={D}, H={H}; got D={trace.x.shape[2]}, "
                         f"H={trace.h.shape[2]}")
    dh = check_array("dh", dh, trace.h.shape, dtype=trace.h.dtype)
    ds, du, dh0 = _core_backward(trace, dh)
    x2 = trace.x.reshape(-1, D)
    grads, dx = {}, np.zeros_like(x2)
    for n, dk in {**spec.logit_grad(trace.pre, ds), "h": du}.items():     # dL/d(pre-activation)
        dk = dk.reshape(-1, H)
        grads[f"W_{n}"] = dk.T @ x2
        grads[f"b_{n}"] = dk.sum(axis=0)
        dx += dk @ params[f"W_{n}"]
    grads["x"], grads["h0"] = dx.reshape(trace.x.shape), dh0
    return grads


def _forward_sequential(spec, params, x, h0=None):
    """Reference: the plain recurrence, one Python step per t (the projections precomputed, as they do
    not depend on h). Same x, h0 rules as forward. Returns h (T, B, H)."""
    x, h_t = _prepare(spec, params, x, h0)
    pre = _projections(spec, params, x)
    h = np.empty(pre["h"].shape, dtype=x.dtype)
    for t in range(x.shape[0]):
        h_t = spec.step({n: p[t] for n, p in pre.items()}, h_t)
        h[t] = h_t
    return h


def _n_params(spec, input_size, hidden_size):
    """Number of trainable numbers: one (H, D) matrix and one (H,) bias per layer."""
    D = check_positive_int("input_size", input_size)
    H = check_positive_int("hidden_size", hidden_size)
    return len(spec.layers) * H * (D + 1)


def _engine(spec):
    def bind(fn):
        return functools.update_wrapper(functools.partial(fn, spec), fn)
    return types.SimpleNamespace(
        name=spec.name, keys=spec.keys, Trace=spec.trace_cls,
        init_params=bind(_init_params), sizes=bind(_sizes), forward=bind(_forward),
        backward=bind(_backward), forward_sequential=bind(_forward_sequential), n_params=bind(_n_params))


# The two engines (same API as lstm, rnn, gru), for models.CELLS["mingru"] and ["minlstm"].
MINGRU = _engine(_GRU)
MINLSTM = _engine(_LSTM)
