"""Chapter 11, "A numerical example you can check by hand": one step, H = 2, D = 2, round numbers.

Units are numbered from 0, as everywhere in the book: row u of every W computes unit u.
"""
from __future__ import annotations

import numpy as np

from lstm_helpers.chapters import ch06_one_step as ch06
from lstm_helpers.engine import lstm
from lstm_helpers.engine.validation import check_array

ORDER = ("z", "a_f", "f", "a_i", "i", "a_c", "c_tilde", "f_c_prev", "i_c_tilde", "c", "a_o", "o", "tanh_c",
         "h")


def example(b_f=(1.0, 1.0)):
    """Round-number weights and states. Returns (params, x_t (2,), h_prev (2,), c_prev (2,)).

    Every W is (H, H + D) = (2, 4): row u computes unit u; the first H columns act on h_{t−1}, the last D on
    x_t. b_f: the forget bias (2,), (1, 1) in the chapter; exercise 2 changes it.
    """
    b_f = check_array("b_f", b_f, (2,), dtype=float)
    params = {
        "W_f": np.array([[0.5, 0.0, 1.0, 0.0], [0.0, 0.5, 0.0, -1.0]]), "b_f": b_f,
        "W_i": np.array([[0.0, 0.0, 1.0, 1.0], [1.0, 0.0, 0.0, -0.5]]), "b_i": np.array([0.0, 0.0]),
        "W_c": np.array([[0.0, 1.0, 1.0, 0.0], [-1.0, 0.0, 0.5, 0.5]]), "b_c": np.array([0.0, 0.0]),
        "W_o": np.array([[0.0, 0.0, 0.5, 0.5], [0.0, 0.0, -0.5, 1.0]]), "b_o": np.array([0.0, 0.0]),
    }
    return params, np.array([1.0, 0.5]), np.array([0.5, -0.5]), np.array([1.0, -1.0])


def worked_step(b_f=(1.0, 1.0)):
    """Every intermediate of the example step (the same function as chapter 6): {name: array}.

    b_f: the forget bias (2,); the chapter's example uses (1, 1).
    """
    return ch06.intermediates(*example(b_f))


def table(values, decimals=4):
    """A header "unit 0  unit 1 …", then one row per intermediate in the order a reader computes them
    (values from worked_step: (H,) arrays; the z row lists all H + D entries of z)."""
    missing = [n for n in ORDER if n not in values]
    if missing:
        raise ValueError(f"values must hold every intermediate of ch06.intermediates; missing {missing}")
    units = range(np.atleast_1d(values["h"]).size)
    rows = [f"{'':<18}" + "".join(f"{'unit ' + str(u):>10}" for u in units)]
    for name in ORDER:
        v = np.atleast_1d(values[name])
        rows.append(f"{ch06.LABELS.get(name, name):<18}" + "".join(f"{x:>10.{decimals}f}" for x in v))
    return "\n".join(rows)


def engine_difference():
    """max |worked example − lstm.step| over f, i, C̃, o, C, h (the engine recomputes the same step)."""
    params, x, h, c = example()
    s = lstm.step(params, x[None], h[None], c[None])
    v = worked_step()
    return float(max(np.abs(getattr(s, n)[0] - v[n]).max() for n in ("f", "i", "c_tilde", "o", "c", "h")))
