"""The "One LSTM step" quick start: a tiny, seeded example and a printable table of its gates."""
from __future__ import annotations

import numpy as np

from lstm_helpers.engine import lstm
from lstm_helpers.engine.validation import check_positive_int

FIELDS = ("f", "i", "c_tilde", "c", "o", "h")
NAMES = {"f": "f_t  forget gate", "i": "i_t  input gate", "c_tilde": "C~_t candidate",
         "c": "C_t  cell state", "o": "o_t  output gate", "h": "h_t  hidden state"}


def tiny_example(seed=0, input_size=2, hidden_size=3):
    """A seeded LSTM (forget bias 1) and one input, batch of one.

    Returns (params, x_t (1, D), h_prev (1, H), c_prev (1, H)); h_prev is 0 and c_prev holds
    a memory of 0.5 in every unit, so you can watch the forget gate scale it.
    """
    D = check_positive_int("input_size", input_size)
    H = check_positive_int("hidden_size", hidden_size)
    rng = np.random.default_rng(seed)
    params = lstm.init_params(D, H, rng, forget_bias=1.0)
    x_t = np.round(rng.uniform(-1, 1, size=(1, D)), 2)
    return params, x_t, np.zeros((1, H)), np.full((1, H), 0.5)


def gate_table(step, decimals=4):
    """A text table: one row per quantity (f, i, C̃, C, o, h), one column per hidden unit.

    step: a ``lstm.Step`` with fields (1, H) (a batch of one).
    """
    if getattr(step, "h", None) is None or np.shape(step.h)[0] != 1:
        raise ValueError("step must be an lstm.Step for a batch of one (fields of shape (1, H))")
    H = step.h.shape[1]
    head = f"{'quantity':<20}" + "".join(f"{'unit ' + str(k):>10}" for k in range(H))
    rows = [head, "-" * len(head)]
    for name in FIELDS:
        vals = getattr(step, name)[0]
        rows.append(f"{NAMES[name]:<20}" + "".join(f"{v:>10.{decimals}f}" for v in vals))
    return "\n".join(rows)
