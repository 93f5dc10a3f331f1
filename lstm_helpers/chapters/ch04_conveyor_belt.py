"""Chapter 4, "Key concepts: the conveyor belt": how long a value rides on C_t, and why h_t can't.

A value v is written into the cell at step 0. Then ``steps`` distractor steps follow; at each,
the cell keeps the fraction f (forget gate) and the input gate i lets in a random distractor
value C̃_t (seeded):  C_t = f·C_{t−1} + i·C̃_t.  What is left of v after k steps is exactly
v·f^k; the distractors add noise around it. For contrast, a one-unit RNN with recurrent
weight w carries v in h_t = tanh(w·h_{t−1} + i·C̃_t): its memory passes through tanh every step.

Two numbers say how long a memory lasts: its half-life ln 2 / (−ln f), and its time constant
1/(1 − f) = 1 + f + f² + …, the number of steps it is worth (chapter 8 reads the forget biases with it).
"""
from __future__ import annotations

import numpy as np

from lstm_helpers.engine.activations import sigmoid
from lstm_helpers.engine.validation import check_number, check_positive_int
from lstm_helpers.explorers.explorer import Explorer, Panel, Readout, Series, Slider
from lstm_helpers.figures.style import GATE_COLORS, label, new_figure

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


def memory_time(f):
    """The time constant of a memory kept with forget gate f: 1/(1 − f) steps (inf for f = 1).

    What is left after k steps is f^k, and 1 + f + f² + … = 1/(1 − f): the fading memory is worth as
    much as one kept whole for 1/(1 − f) steps and then dropped. For f near 1, −ln f ≈ 1 − f, so the
    half-life ln 2 / (−ln f) is about ln 2 ≈ 0.69 of it.
    """
    f = check_number("f", f, 0.0, 1.0)
    return float("inf") if f == 1.0 else 1.0 / (1.0 - f)


def bias_memory(b_f):
    """How long a forget gate with pre-activation b_f (its bias, inputs aside) keeps a memory.

    Returns {"b_f", "f": σ(b_f), "memory_time": 1/(1 − f) = 1 + e^{b_f}, "half_life"}, all floats.
    """
    b_f = check_number("b_f", b_f, -30.0, 30.0)
    f = float(sigmoid(np.array([b_f]))[0])
    return {"b_f": b_f, "f": f, "memory_time": memory_time(f), "half_life": half_life(f)}


def plot_memory_time(biases=(1.0, 3.0), steps=60, axes=None):
    """One panel per forget bias: bar k spans [k, k + 1] with height f^k (k = 0 … steps), a box of height 1
    from 0 to 1/(1 − f) with the same area, and the half-life. biases: forget biases b_f (f = σ(b_f)).
    Returns the axes."""
    steps = check_positive_int("steps", steps)
    if len(biases) == 0:
        raise ValueError("biases must hold at least one forget bias b_f, e.g. (1.0, 3.0); got ()")
    rows = [bias_memory(b) for b in biases]
    if axes is None:
        _, axes = new_figure(1, len(rows), height=2.8, sharey=True, squeeze=False)
    axes = np.ravel(axes)
    for ax, r in zip(axes, rows):
        b = belt(r["f"], steps=steps)
        tau, half = r["memory_time"], r["half_life"]
        ax.bar(b["k"], b["left"], width=1.0, align="edge", color=GATE_COLORS["f"], alpha=0.55,
               label=r"left of $v$: $f^k$")
        ax.plot([0, 0, tau, tau], [0, 1, 1, 0], color=GATE_COLORS["h"], ls="--", lw=1.4,
                label=f"kept whole {tau:.1f} steps\n(the same area)")
        ax.plot([half, half], [0, 0.5], color=GATE_COLORS["o"], lw=2.0, label=f"half-life {half:.1f} steps")
        label(ax, rf"$b_f = {r['b_f']:g}$: $f = \sigma({r['b_f']:g}) = {r['f']:.2f}$", "steps $k$",
              "what is left" if ax is axes[0] else None)
        ax.set_xlim(-1.0, steps)
        ax.set_ylim(0, 1.08)
        ax.legend(fontsize=8, loc="upper right")
    return axes


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
                   Series("rnn_influence", "tanh RNN (w = 1): influence of h_0", GATE_COLORS["h"])),
                  title="How much of v still counts", xlabel="steps k", ylabel="fraction (log scale)", x="k",
                  ylim=(1e-8, 2.0), yscale="log"),
        ),
        readouts=(Readout("left_end", "left of v after 100 steps", "{:.4f}"),
                  Readout("c_end", "C_100", "{:.3f}"), Readout("rnn_end", "RNN after 100 steps", "{:.1e}")),
        alt="Top: the cell state over 100 steps and the decaying share f to the k of the first value. "
            "Bottom, log scale: f to the k for the LSTM cell against the influence of the first value in a tanh RNN.",
        height_per_panel=2.4,
    )
