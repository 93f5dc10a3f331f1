"""Input checks shared by every public helper.

Each check raises one ``ValueError`` whose message names the argument, what was expected and
what was given, so a reader's mistake never surfaces as a traceback from deep inside numpy.
"""
from __future__ import annotations

import numbers

import numpy as np


def check_positive_int(name, value, minimum=1):
    """Return ``value`` as an int, or raise if it is not an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}; got {value}")
    return int(value)


def check_number(name, value, low=-np.inf, high=np.inf):
    """Return ``value`` as a float, or raise if it is not a finite number in [low, high]."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number in [{low}, {high}]; got {value!r}")
    value = float(value)
    if not np.isfinite(value) or not low <= value <= high:
        raise ValueError(f"{name} must be a finite number in [{low}, {high}]; got {value}")
    return value


def check_rng(name, rng):
    """Raise unless ``rng`` is a ``np.random.Generator`` (pass ``np.random.default_rng(seed)``)."""
    if not isinstance(rng, np.random.Generator):
        raise ValueError(
            f"{name} must be a numpy Generator, e.g. np.random.default_rng(0); got {type(rng).__name__}"
        )
    return rng


def check_dtype(name, dtype):
    """A float dtype the engine computes in: float32 or float64; returns it as np.dtype."""
    try:
        dt = np.dtype(dtype)
    except (TypeError, ValueError):
        dt = np.dtype(object)                   # not a dtype at all (np.dtype(None) would mean float64)
    if dtype is None or dt.name not in ("float32", "float64"):
        raise ValueError(f"{name} must be float32 or float64; got {dtype!r}")
    return dt


def check_option(name, value, options):
    """Raise unless ``value`` is one of ``options``."""
    if value not in options:
        raise ValueError(f"{name} must be one of {sorted(options)}; got {value!r}")
    return value


def check_array(name, a, shape, dtype=None):
    """Check an array's rank, sizes and values; return it as an ndarray (cast to ``dtype``).

    shape: tuple whose entries are an int (that size is required) or a string naming the
    dimension (any size >= 1). Example: ``check_array("x", x, ("T", "B", 3))``.
    Raises if the rank or a fixed size differs, or any value is NaN or infinite.
    """
    expected = "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"
    try:
        arr = np.asarray(a)
    except Exception as err:  # ragged lists and other non-arrays
        raise ValueError(f"{name} must be an array of shape {expected}; got {type(a).__name__}") from err
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"{name} must hold real numbers; got dtype {arr.dtype}")
    if arr.ndim != len(shape):
        raise ValueError(f"{name} must have shape {expected}; got shape {arr.shape}")
    for axis, (want, got) in enumerate(zip(shape, arr.shape)):
        if isinstance(want, int) and want != got:
            raise ValueError(
                f"{name} must have shape {expected}; got shape {arr.shape} (axis {axis} is {got}, expected {want})"
            )
        if got == 0:
            raise ValueError(f"{name} must have shape {expected} with no empty axis; got shape {arr.shape}")
    if dtype is not None:
        arr = arr.astype(dtype, copy=False)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must contain only finite numbers; it has NaN or inf")
    return arr


def check_params(name, params, shapes):
    """Check a parameter dict against ``shapes`` ({key: shape}); return its common float dtype.

    All arrays must share one floating dtype (float32 or float64); that dtype is what the
    engine computes in.
    """
    if not isinstance(params, dict):
        raise ValueError(f"{name} must be a dict of arrays (from init_params); got {type(params).__name__}")
    missing = [k for k in shapes if k not in params]
    if missing:
        raise ValueError(f"{name} is missing keys {missing}; expected keys {list(shapes)}")
    dtypes = {np.asarray(params[k]).dtype for k in shapes}
    if len(dtypes) != 1 or next(iter(dtypes)) not in (np.float32, np.float64):
        raise ValueError(f"{name} arrays must all be float32 or all float64; got dtypes {sorted(map(str, dtypes))}")
    for key, shape in shapes.items():
        check_array(f"{name}['{key}']", params[key], shape)
    return next(iter(dtypes))


def cell_sizes(params, gates):
    """(D, H) of a recurrent cell's parameter dict with W_g: (H, H+D) and b_g: (H,) for g in ``gates``.

    Checks every array (shape, one float dtype, finite values) and raises one clear ValueError.
    """
    first = f"W_{gates[0]}"
    W = np.asarray(params.get(first)) if isinstance(params, dict) else None
    if W is None or W.ndim != 2 or W.shape[1] <= W.shape[0]:
        raise ValueError(f"params['{first}'] must have shape (H, H+D) with D >= 1; "
                         f"got {None if W is None else W.shape}")
    H, D = W.shape[0], W.shape[1] - W.shape[0]
    check_params("params", params, {f"W_{g}": (H, H + D) for g in gates} | {f"b_{g}": (H,) for g in gates})
    return D, H
