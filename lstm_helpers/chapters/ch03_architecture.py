"""Chapter 3, "Architecture": cell state and hidden state -- C_t can grow, h_t = o_t·tanh(C_t) cannot.
The cell diagram the chapter shows is drawn by ``figures.cell_diagram``.
"""
from __future__ import annotations

import numpy as np

from lstm_helpers.engine import lstm
from lstm_helpers.figures.style import GATE_COLORS, label, new_figure


def state_ranges(params, x):
    """max |C_t| and max |h_t| over a sequence: h is bounded by 1, C is not.   x: (T, B, D)."""
    tr = lstm.forward(params, x)
    return {"max_abs_c": float(np.abs(tr.c).max()), "max_abs_h": float(np.abs(tr.h).max()), "trace": tr}


def accumulating_example(T=12):
    """A one-unit LSTM that keeps adding its input: forget gate ≈ 1, input gate ≈ 1, output ≈ 0.5.

    Returns (params, x (T, 1, 1)): with C̃ ≈ 0.76 written at every step, C_t grows past 1 while
    h_t = o·tanh(C_t) stays below 1.
    """
    p = {f"W_{g}": np.zeros((1, 2)) for g in "fico"}
    p["W_c"][0, 1] = 1.0
    p.update(b_f=np.array([6.0]), b_i=np.array([6.0]), b_c=np.array([0.0]), b_o=np.array([0.0]))
    return p, np.ones((T, 1, 1))


def plot_c_vs_h(trace, ax=None, unit=0):
    """C_t and h_t of one unit over time (batch element 0)."""
    if ax is None:
        _, ax = new_figure(height=2.8)
    t = np.arange(trace.c.shape[0])
    ax.plot(t, trace.c[:, 0, unit], "o-", color=GATE_COLORS["c"], label="cell state C_t (long-term)")
    ax.plot(t, trace.h[:, 0, unit], "o-", color=GATE_COLORS["h"], label="hidden state h_t (short-term)")
    ax.axhline(1.0, color="grey", ls=":", lw=1)
    label(ax, "C_t can grow; h_t = o_t·tanh(C_t) cannot", "time step t", "value")
    ax.legend(fontsize=8)
    return ax

