"""Optimisers (SGD, Adam) and gradient-norm clipping.

An optimiser keeps its own state (Adam's moments) and updates a parameter dict in place:
``opt.update(params, grads)``. Clipping is a pure function.
"""
from __future__ import annotations

import numpy as np

from lstm_helpers.engine.validation import check_number


def global_norm(grads, keys=None):
    """√(Σ‖g‖²) over ``keys`` of ``grads`` (all keys when None)."""
    keys = grads.keys() if keys is None else keys
    return float(np.sqrt(sum(float(np.vdot(grads[k], grads[k])) for k in keys)))


def clip_grad_norm(grads, max_norm):
    """Scale all gradients together so their global norm is at most ``max_norm``.

    Returns (clipped grads: new dict, norm before clipping). ``max_norm=None`` disables clipping.
    """
    norm = global_norm(grads)
    if max_norm is None:
        return dict(grads), norm
    max_norm = check_number("max_norm", max_norm, low=0.0)
    if max_norm <= 0:
        raise ValueError(f"max_norm must be > 0 (or None to disable clipping); got {max_norm}")
    scale = min(1.0, max_norm / (norm + 1e-12))
    return {k: g * scale for k, g in grads.items()}, norm


class SGD:
    """θ ← θ − lr·g."""

    def __init__(self, lr=0.1):
        self.lr = check_number("lr", lr, low=0.0)

    def update(self, params, grads):
        """Update ``params`` in place from ``grads`` (same keys, same shapes)."""
        for k in params:
            params[k] -= self.lr * grads[k]


class Adam:
    """Adam (Kingma & Ba 2015) with bias correction; state is created on the first update."""

    def __init__(self, lr=1e-2, beta1=0.9, beta2=0.999, eps=1e-8):
        self.lr = check_number("lr", lr, low=0.0)
        self.beta1 = check_number("beta1", beta1, low=0.0, high=1.0)
        self.beta2 = check_number("beta2", beta2, low=0.0, high=1.0)
        self.eps = check_number("eps", eps, low=0.0)
        self.t = 0
        self.m, self.v = {}, {}

    def update(self, params, grads):
        """Update ``params`` in place from ``grads`` (same keys, same shapes)."""
        self.t += 1
        c1 = 1.0 - self.beta1 ** self.t
        c2 = 1.0 - self.beta2 ** self.t
        for k, p in params.items():
            g = grads[k]
            if k not in self.m:                       # first update: moments start at zero
                self.m[k], self.v[k] = np.zeros_like(p), np.zeros_like(p)
            m, v = self.m[k], self.v[k]
            m *= self.beta1
            m += (1.0 - self.beta1) * g
            v *= self.beta2
            v += (1.0 - self.beta2) * (g * g)
            p -= (self.lr / c1) * m / (np.sqrt(v / c2) + self.eps)
