"""One finite-difference gradient check, used by every test and by chapter 14."""
from __future__ import annotations

import numpy as np


def numerical_grad(loss_fn, arr, eps=1e-6, max_entries=None, rng=None):
    """Central differences (L(a+ε) − L(a−ε)) / 2ε for entries of ``arr``, perturbed in place.

    loss_fn: () -> float, reads ``arr``.   arr: float64 array (any shape).
    max_entries: check only this many randomly chosen entries (needs ``rng``); None = all.
    Returns (indices, values): flat indices checked and the numerical derivative at each.
    """
    if not isinstance(arr, np.ndarray) or not arr.flags.c_contiguous:
        raise ValueError("arr must be a C-contiguous ndarray so it can be perturbed in place")
    flat = arr.reshape(-1)                                       # a view: writes reach arr
    idx = np.arange(flat.size)
    if max_entries is not None and max_entries < flat.size:
        if rng is None:
            raise ValueError("rng must be given when max_entries samples a subset of entries")
        idx = rng.choice(flat.size, size=max_entries, replace=False)
    vals = np.empty(idx.size)
    for n, k in enumerate(idx):
        old = flat[k]
        flat[k] = old + eps
        up = loss_fn()
        flat[k] = old - eps
        down = loss_fn()
        flat[k] = old
        vals[n] = (up - down) / (2 * eps)
    return idx, vals


def relative_error(analytic, numeric):
    """‖a − n‖ / max(‖a‖ + ‖n‖, 1e-300): 0 for a perfect match, ~1 for unrelated vectors."""
    a, n = np.ravel(analytic), np.ravel(numeric)
    return float(np.linalg.norm(a - n) / max(np.linalg.norm(a) + np.linalg.norm(n), 1e-300))


def gradcheck(loss_fn, arrays, grads, eps=1e-6, max_entries=None, rng=None):
    """Compare analytic gradients with central differences, array by array.

    loss_fn: () -> float, reading the arrays in ``arrays`` (perturbed in place).
    arrays: {name: float64 array}   grads: {name: analytic dL/d(array), same shape}
    Returns {name: relative error} (see ``relative_error``); float64 gives ~1e-10 when correct.
    """
    if not isinstance(arrays, dict) or not isinstance(grads, dict):
        raise ValueError("arrays and grads must be dicts of arrays keyed by name")
    errors = {}
    for name, arr in arrays.items():
        if name not in grads:
            raise ValueError(f"grads has no entry '{name}' to compare with arrays['{name}']")
        if np.asarray(arr).dtype != np.float64:
            raise ValueError(f"arrays['{name}'] must be float64 for a meaningful check; got {np.asarray(arr).dtype}")
        if np.shape(grads[name]) != np.shape(arr):
            raise ValueError(f"grads['{name}'] must have shape {np.shape(arr)}; got {np.shape(grads[name])}")
        idx, num = numerical_grad(loss_fn, arr, eps=eps, max_entries=max_entries, rng=rng)
        errors[name] = relative_error(np.ravel(grads[name])[idx], num)
    return errors
