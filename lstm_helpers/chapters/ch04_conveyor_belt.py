"""Chapter 4, "Key concepts: the conveyor belt": how long a value rides on C_t, and why h_t can't.

A value v is written into the cell at step 0. Then ``steps`` distractor steps follow; at each,
the cell keeps the fraction f (forget gate) and the input gate i lets in a random distractor
value C̃_t (seeded):  C_t = f·C_{t−1} + i·C̃_t.  What is left of v after k steps is exactly
v·f^k; the distractors add noise around it. For contrast, a one-unit RNN with recurrent
weight w carries v in h_t = tanh(w·h_{t−1} + i·C̃_t): its memory passes through tanh every step.
"""
from __future__ import annotations

import numpy as np

from lstm_helpers.engine.validation import check_number, check_positive_int
from lstm_helpers.explorers.explorer import Explorer, Panel, Readout, Series, Slider
from lstm_helpers.figures.style import GATE_COLORS

STEPS = 100


def distractors(steps=STEPS, seed=0):
    """(steps,) distractor values uniform in [−1, 1], seeded."""
    steps = check_positive_int("steps", steps)
    return np.random.default_rng(seed).uniform(-1.0, 1.0, size=steps)


def belt(f, i=0.0, v=1.0, steps=STEPS, seed=0):
    """Carry v on the cell state for ``steps`` steps with fixed gates f (keep) and i (write).

    Returns {"k": (steps+1,), "c": (steps+1,) the cell state, "left": (steps+1,) v·f^k, the part of
    C_k that is still v, "noise": (steps+1,) the rest (written by the distractors)}.
    """
    f = check_number("f", f, 0.0, 1.0)
    i = check_number("i", i, 0.0, 1.0)
    v = check_number("v", v)
    d = distractors(steps, seed)
    c = np.empty(steps + 1)
    c[0] = v
    for t in range(steps):
        c[t + 1] = f * c[t] + i * d[t]
    k = np.arange(steps + 1)
    left = v * f ** k
    return {"k": k, "c": c, "left": left, "noise": c - left}


def rnn_carry(w, i=0.0, v=1.0, steps=STEPS, seed=0):
    """A one-unit RNN h_t = tanh(w·h_{t−1} + i·C̃_t) started at h_0 = v (|v| < 1).

    Returns {"k", "h": (steps+1,), "influence": (steps+1,) ∂h_k/∂h_0, how much of v still matters}.
    """
    w = check_number("w", w)
    i = check_number("i", i, 0.0, 1.0)
    v = check_number("v", v, -1.0, 1.0)
    d = distractors(steps, seed)
    h = np.empty(steps + 1)
    infl = np.empty(steps + 1)
    h[0], infl[0] = v, 1.0
    for t in range(steps):
        h[t + 1] = np.tanh(w * h[t] + i * d[t])
        infl[t + 1] = infl[t] * w * (1.0 - h[t + 1] ** 2)
    return {"k": np.arange(steps + 1), "h": h, "influence": infl}


def half_life(f):
    """Steps until f^k falls to one half: ln 0.5 / ln f (inf for f = 1, 0 for f = 0)."""
    f = check_number("f", f, 0.0, 1.0)
    if f == 1.0:
        return float("inf")
    return 0.0 if f == 0.0 else float(np.log(0.5) / np.log(f))


def explore(f=0.96, i=0.0):
    """The explorer's pure compute: the belt and a tanh RNN (w = 1) side by side."""
    b = belt(f, i)
    r = rnn_carry(1.0, i, v=0.76)          # tanh(1) ≈ 0.76: the largest value a tanh unit holds easily
    return {"k": b["k"], "c": b["c"], "left": b["left"], "rnn_influence": np.abs(r["influence"]),
            "left_abs": np.maximum(np.abs(b["left"]), 1e-12), "left_end": b["left"][-1],
            "c_end": b["c"][-1], "rnn_end": abs(r["influence"][-1])}


def explorer():
    """Sliders f and i; panels: C_t with v·f^k, and what is left of v on a log scale vs an RNN."""
    return Explorer(
        title="The conveyor belt: one value carried for 100 steps",
        compute=explore,
        sliders=(Slider("f", "forget gate f", 0.5, 1.0, 0.02, 0.96),
                 Slider("i", "input gate i (distractor writes)", 0.0, 1.0, 0.2, 0.0)),
        panels=(
            Panel((Series("c", "cell state C_k", GATE_COLORS["c"]), Series("left", "v·f^k (what is left of v)",
                                                                                GATE_COLORS["f"])),
                  title="The belt", xlabel="steps k after writing v = 1", ylabel="value", x="k", ylim=(-2.0, 2.0)),
            Panel((Series("left_abs", "LSTM cell: f^k", GATE_COLORS["f"]),
                   Series("rnn_influence", "tanh RNN (w = 1): ∂h_k/∂h_0", GATE_COLORS["h"])),
                  title="How much of v still counts", xlabel="steps k", ylabel="fraction (log scale)", x="k",
                  ylim=(1e-8, 2.0), yscale="log"),
        ),
        readouts=(Readout("left_end", "left of v after 100 steps", "{:.4f}"),
                  Readout("c_end", "C_100", "{:.3f}"), Readout("rnn_end", "RNN after 100 steps", "{:.1e}")),
        alt="Top: the cell state over 100 steps and the decaying share f to the k of the first value. "
            "Bottom, log scale: f to the k for the LSTM cell against the influence of the first value in a tanh RNN.",
        height_per_panel=2.4,
    )
