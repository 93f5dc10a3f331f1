"""Linear read-out, softmax cross-entropy and mean squared error, each with its gradient."""
from __future__ import annotations

import numpy as np

from lstm_helpers.engine.validation import check_array, check_positive_int, check_rng


def init_readout(hidden_size, output_size, rng, dtype=np.float64):
    """W_y: (K, H) uniform in [-1/√H, 1/√H] (as nn.Linear), b_y: (K,) zeros."""
    H = check_positive_int("hidden_size", hidden_size)
    K = check_positive_int("output_size", output_size)
    check_rng("rng", rng)
    k = 1.0 / np.sqrt(H)
    return {"W_y": rng.uniform(-k, k, size=(K, H)).astype(dtype), "b_y": np.zeros(K, dtype=dtype)}


def readout(params, h):
    """y = h·W_yᵀ + b_y.   h: (..., H) -> (..., K)."""
    return h @ params["W_y"].T + params["b_y"]


def readout_backward(params, h, dy):
    """h: (N, H), dy: (N, K) -> ({"W_y", "b_y"} grads, dh (N, H))."""
    return {"W_y": dy.T @ h, "b_y": dy.sum(axis=0)}, dy @ params["W_y"]


def log_softmax(logits):
    """Stable log-softmax over the last axis.   logits: (..., K)."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(logits):
    """Stable softmax over the last axis.   logits: (..., K)."""
    return np.exp(log_softmax(logits))


def cross_entropy(logits, y):
    """Mean softmax cross-entropy and its gradient.

    logits: (N, K)   y: (N,) integer classes in [0, K).
    Returns (loss: float, dlogits: (N, K)).
    """
    logits = check_array("logits", logits, ("N", "K"))
    N, K = logits.shape
    y = np.asarray(y)
    if y.shape != (N,) or y.dtype.kind not in "iu" or y.min() < 0 or y.max() >= K:
        raise ValueError(f"y must be {N} integer class labels in [0, {K}); got shape {y.shape}, dtype {y.dtype}")
    logp = log_softmax(logits)
    loss = -logp[np.arange(N), y].mean()
    d = np.exp(logp)
    d[np.arange(N), y] -= 1.0
    return float(loss), d / N


def mse(pred, target):
    """Mean squared error and its gradient.   pred, target: same shape -> (loss, dpred)."""
    pred = check_array("pred", pred, tuple(f"n{k}" for k in range(np.ndim(pred))))
    target = check_array("target", target, pred.shape)
    diff = pred - target
    return float(np.mean(diff * diff)), (2.0 / diff.size) * diff
