"""Every h_t of a linear recurrence at once (chapter 17, "Where LSTMs stand today").

    h_t = a_t ⊙ h_{t−1} + b_t          t = 1 … T, every a_t and b_t known before the first step

This is the recurrence of minGRU and minLSTM (``minrnn.py``), whose gates read only x_t. Two ways to
compute it, both on arrays (T, B, H) (time first; everything after axis 0 is elementwise), neither with
a Python loop over time, each with its adjoint (the backward pass of the recurrence).

LINEAR SPACE (``linear_scan``, ``linear_adjoint``; the default of minrnn.py)
One step is the affine map h ↦ a h + b, so a stretch of steps is one affine map too: applying
(a', b') (earlier) and then (a, b) (later) gives
        (a, b) ∘ (a', b') = (a·a', a·b' + b),
which is associative. An associative operator can be scanned in about log2(T) rounds of "combine element
t with element t − d" for d = 1, 2, 4, …, each round a few numpy slice operations on all the affected t at
once. We use the work-efficient arrangement (Blelloch; Brent–Kung), in place on strided views
(t = 0-based index):
  up-sweep,   d = 1, 2, 4, … while 2d ≤ T: element t = 2d−1, 4d−1, … (holding its last d steps)
              absorbs element t − d, so it then holds its last 2d steps;
  down-sweep, d = …, 4, 2, 1: element t = 3d−1, 5d−1, … absorbs element t − d, which by then holds
              the full prefix, so element t does too;
about 2T combines in all, over 2·floor(log2 T) levels. The Python code loops over those levels -- a
loop of length ~log2(T), NOT over time; ``n_levels(T)`` gives its length. h_0 is folded in first,
b_1 ← a_1 h_0 + b_1, so the prefix b's ARE the h_t.

Underflow is harmless. Partial products of a_t ∈ (0, 1) underflow to 0 (a ≈ 0.1 over 512 steps is
1e-512); such a product is the weight with which an early b_s still reaches a later h_t, so the scan
drops a contribution below ~1e-308·|b_s|. The step-by-step loop has dropped it long before: there
b_s's share is rounded away once it falls below half an ulp of h_t, ~1e-16·|h_t|. Nothing overflows:
products of a ∈ [0, 1] stay in [0, 1], and a combined b is Σ (product ≤ 1)·b_s. The scan runs in the
input dtype; each h_t comes out of at most 2·log2(T) combines (tests: scan = loop at T = 20000).

LOG SPACE (``log_scan``, ``log_adjoint``; Feng et al. 2024, Appendix B; Heinsen 2023)
h_t = A_t ⊙ (h_0 + Σ_{k≤t} b_k / A_k) with A_t = Π_{k≤t} a_k, so log h_t = log A_t +
logcumsumexp_{k≤t}(log b_k − log A_k) with log b_0 := log h_0: np.cumsum and np.logaddexp.accumulate,
loops in C, no Python loop at all. It needs a, b, h_0 > 0; numpy evaluates np.logaddexp element by
element, which makes it the slower of the two here. Its terms grow like |log A_t| ∝ t, so it
accumulates in float64 whatever the dtype and casts back.

ADJOINT. For a loss L reading every h_t with dh_t = ∂L/∂h_t (direct), the total derivative
G_t = dL/dh_t obeys the same recurrence run backwards, G_t = dh_t + a_{t+1} ⊙ G_{t+1}, G_T = dh_T:
the same scan on time-reversed arrays, with multipliers a_{t+1} and no start value.
"""
from __future__ import annotations

import numpy as np


# ---------------------------------------------------------------- linear space
def n_levels(T):
    """Iterations of linear_scan's Python loops (up- plus down-sweep) for T steps: 2·floor(log2 T)."""
    return 2 * (int(T).bit_length() - 1)


def _linear_scan_inplace(a, b):
    """Overwrite b (T, …) with the prefix b's of (a, b) under ∘ (and a with partial products).
    The loops run over the ~log2(T) levels d = 1, 2, 4, …, never over t."""
    T, d = a.shape[0], 1
    while 2 * d <= T:                                  # up-sweep: t = 2d−1, 4d−1, … absorbs t − d
        t, prev = slice(2 * d - 1, T, 2 * d), slice(d - 1, T - d, 2 * d)
        b[t] += a[t] * b[prev]
        a[t] *= a[prev]
        d *= 2
    while d > 1:                                       # down-sweep: t = 3d−1, 5d−1, … gets its prefix
        d //= 2
        t, prev = slice(3 * d - 1, T, 2 * d), slice(2 * d - 1, T - d, 2 * d)
        b[t] += a[t] * b[prev]                         # (the a's of these prefixes are never needed)
    return b


def linear_scan(a, b, h0=None):
    """h (T, B, H) with h_t = a_t h_{t−1} + b_t from h0 (B, H) (None: 0).

    a, b: (T, B, H) (or any (T, …)); the algebra holds for any a, the numerics above assume a ∈ [0, 1].
    Inputs are not modified; the result has b's dtype.
    """
    a, b = a.copy(), b.copy()
    if h0 is not None:
        b[0] += a[0] * h0                              # fold in h_0: h_1 = a_1 h_0 + b_1
    return _linear_scan_inplace(a, b)


def linear_adjoint(a, dh):
    """G (T, B, H), G_t = dh_t + a_{t+1} G_{t+1}, G_T = dh_T: linear_scan on reversed time.

    On the reversed axis j = T−1−t this reads G'[j] = dh'[j] + a[T−j] G'[j−1]: reversed element j ≥ 1
    has multiplier a[T−j] (a[:0:-1]) and element 0 none.
    """
    a_rev = np.empty_like(a)
    a_rev[0] = 0
    a_rev[1:] = a[:0:-1]
    return _linear_scan_inplace(a_rev, dh[::-1].copy())[::-1]


# ---------------------------------------------------------------- log space
def _f8(v):
    return v.astype(np.float64, copy=False)


def log_scan(log_a, log_b, log_h0):
    """h (T, B, H) from log a_t, log b_t (T, B, H) and log h_0 (B, H) (Heinsen 2023):
    log h_t = log A_t + logcumsumexp_{k≤t}(log b_k − log A_k), log b_0 := log h_0, accumulated in
    float64 (float32 would lose |log A_t|·6e-8 relative accuracy, ~1e-3 at T = 1000); the result has
    log_a's dtype."""
    log_A = np.cumsum(_f8(log_a), axis=0)
    terms = np.concatenate([_f8(log_h0)[None], _f8(log_b) - log_A])
    log_h = log_A + np.logaddexp.accumulate(terms, axis=0)[1:]
    return np.exp(log_h).astype(log_a.dtype, copy=False)


def _reverse_scan_positive(v, log_A):
    """Σ_{s≥t} (A_s / A_t) v_s for v ≥ 0 (T, B, H): a reverse log-cumulative-sum-exp (float64)."""
    with np.errstate(divide="ignore"):                 # log 0 = −inf is exact: that term adds nothing
        terms = np.log(v) + log_A
    return np.exp(np.logaddexp.accumulate(terms[::-1], axis=0)[::-1] - log_A)


def log_adjoint(log_a, dh):
    """G (T, B, H) as linear_adjoint, from log a_t: G_t = Σ_{s≥t} (A_s/A_t) dh_s. Logs need positive
    numbers, so dh's two signs are scanned apart (float64 inside; the result has dh's dtype)."""
    log_A, dh64 = np.cumsum(_f8(log_a), axis=0), _f8(dh)
    G = (_reverse_scan_positive(np.maximum(dh64, 0), log_A)
         - _reverse_scan_positive(np.maximum(-dh64, 0), log_A))
    return G.astype(dh.dtype, copy=False)
