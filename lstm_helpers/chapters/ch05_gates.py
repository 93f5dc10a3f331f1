"""Chapter 5, "The gates": each gate as a question, a formula, a line of code and a slider.

The explorer runs a one-unit LSTM (D = 1, H = 1) whose weights are fixed and whose three gate
biases are the sliders, over a short seeded input sequence: move a bias and the gate opens or
closes at every step; watch C_t and h_t respond. Everything is computed by ``lstm.forward``.
"""
from __future__ import annotations

import numpy as np

from lstm_helpers.engine import lstm
from lstm_helpers.engine.validation import check_array, check_number
from lstm_helpers.explorers.explorer import Explorer, Panel, Readout, Series, Slider
from lstm_helpers.figures.style import GATE_COLORS, WIDTH, label, new_figure

T_DEMO = 12


def demo_inputs(T=T_DEMO, seed=1):
    """(T, 1, 1) seeded inputs in [−1, 1]: the sequence the gate explorer reads."""
    return np.random.default_rng(seed).uniform(-1.0, 1.0, size=(T, 1, 1))


def one_unit_params(b_f=0.0, b_i=0.0, b_o=0.0):
    """A one-unit LSTM with fixed weights on [h_{t−1}, x_t]: forget (0.5, 1.0), input (0.0, 3.0) --
    it opens for large inputs --, output (1.0, −1.0), candidate (0.5, 2.0).

    The biases b_f, b_i, b_o are free (they are the sliders); b_c = 0.
    Returns the params dict (W_*: (1, 2), b_*: (1,)).
    """
    b = {g: check_number(f"b_{g}", v, -50.0, 50.0) for g, v in (("f", b_f), ("i", b_i), ("o", b_o))}
    p = {"W_f": np.array([[0.5, 1.0]]), "W_i": np.array([[0.0, 3.0]]), "W_o": np.array([[1.0, -1.0]]),
         "W_c": np.array([[0.5, 2.0]])}
    p.update({f"b_{g}": np.array([b[g]]) for g in "fio"})
    p["b_c"] = np.array([0.0])
    return p


def explore(b_f=2.0, b_i=0.0, b_o=0.0):
    """The explorer's compute: gate biases -> gates, candidate, memory and output over T_DEMO steps."""
    tr = lstm.forward(one_unit_params(b_f, b_i, b_o), demo_inputs())
    out = {name: getattr(tr, name)[:, 0, 0] for name in ("f", "i", "o", "c_tilde", "c", "h")}
    out.update(t=np.arange(T_DEMO), x=demo_inputs()[:, 0, 0], c_end=out["c"][-1], h_end=out["h"][-1],
               f_mean=out["f"].mean())
    return out


def explorer():
    """Sliders for the three gate biases; panels: the gates, then memory and output."""
    return Explorer(
        title="Move a gate: a one-unit LSTM reading 12 inputs",
        compute=explore,
        sliders=(Slider("b_f", "forget bias b_f", -4.0, 4.0, 1.0, 2.0),
                 Slider("b_i", "input bias b_i", -4.0, 4.0, 1.0, 0.0),
                 Slider("b_o", "output bias b_o", -4.0, 4.0, 1.0, 0.0)),
        panels=(
            Panel((Series("f", "forget f_t", GATE_COLORS["f"], "marker"),
                   Series("i", "input i_t", GATE_COLORS["i"], "marker"),
                   Series("o", "output o_t", GATE_COLORS["o"], "marker")),
                  title="The gates (0 = closed, 1 = open)", xlabel="time step t", ylabel="gate value", x="t",
                  ylim=(-0.05, 1.05)),
            Panel((Series("x", "input x_t", "#999999", "step"),
                   Series("c_tilde", "candidate C̃_t", GATE_COLORS["c_tilde"]),
                   Series("c", "cell state C_t", GATE_COLORS["c"], "marker"),
                   Series("h", "hidden state h_t", GATE_COLORS["h"], "marker")),
                  title="What the gates do to the memory", xlabel="time step t", ylabel="value", x="t",
                  ylim=(-3.0, 3.0)),
        ),
        readouts=(Readout("f_mean", "mean f"), Readout("c_end", "C_T"), Readout("h_end", "h_T")),
        alt="Two plots over 12 time steps: the forget, input and output gates, and below them the input, "
            "candidate, cell state and hidden state; the three sliders shift the gate biases.",
    )


def forced_gate_run(f, i=1.0, values=(0.8, 0.4, -0.4, 0.2)):
    """C_t when the forget gate is forced to f (and the input gate to i) at every step.

    Uses the real engine with zero gate weights and biases of ±∞-like size (σ(±40) is 0 or 1 to
    machine precision), or the logit of f in between. values: (T,) candidate values written, in (−1, 1).
    Returns C: (T,).
    """
    f = check_number("f", f, 0.0, 1.0)
    i = check_number("i", i, 0.0, 1.0)
    values = check_array("values", values, ("T",))
    if np.abs(values).max() >= 1.0:
        raise ValueError(f"values must lie strictly between -1 and 1 (a candidate is a tanh); got max |value| {np.abs(values).max()}")
    logit = lambda g: 40.0 if g == 1.0 else -40.0 if g == 0.0 else float(np.log(g / (1 - g)))  # noqa: E731
    p = {f"W_{g}": np.zeros((1, 2)) for g in "fico"}
    p["W_c"][0, 1] = 1.0
    p.update(b_f=np.array([logit(f)]), b_i=np.array([logit(i)]), b_o=np.array([40.0]), b_c=np.array([0.0]))
    x = np.arctanh(values)[:, None, None]                   # so that C̃_t = tanh(x_t) = value
    return lstm.forward(p, x).c[:, 0, 0]


def plot_activations(ax=None):
    """σ(z) and tanh(z) on one plot: a gate's range (0, 1) against a value's range (−1, 1)."""
    from lstm_helpers.engine.activations import sigmoid

    if ax is None:
        _, ax = new_figure(width=0.85 * WIDTH, height=2.8)
    z = np.linspace(-6, 6, 241)
    ax.plot(z, sigmoid(z), label="σ(z): gates, between 0 and 1", color=GATE_COLORS["f"])
    ax.plot(z, np.tanh(z), label="tanh(z): values, between −1 and 1", color=GATE_COLORS["c_tilde"])
    label(ax, "The two squashing functions", "pre-activation z", "output")
    ax.legend(fontsize=8)
    return ax


def plot_gate_heatmaps(trace, axes=None):
    """f, i, C̃, o of one sequence as heatmaps (unit × time), in two rows of two (7 in: the page column).
    trace: lstm.Trace with B ≥ 1."""
    if axes is None:
        _, axes = new_figure(2, 2, height=4.4, sharey=True)
    axes = np.ravel(axes)
    for ax, (name, title, cmap, lim) in zip(axes, (("f", "forget f", "Oranges", (0, 1)),
                                                   ("i", "input i", "Greens", (0, 1)),
                                                   ("c_tilde", "candidate C̃", "PuOr", (-1, 1)),
                                                   ("o", "output o", "Blues", (0, 1)))):
        im = ax.imshow(getattr(trace, name)[:, 0].T, aspect="auto", cmap=cmap, vmin=lim[0], vmax=lim[1])
        label(ax, title, "time step t", "unit" if ax in (axes[0], axes[2]) else None)
        ax.grid(False)
        ax.figure.colorbar(im, ax=ax, shrink=0.8)
    return axes
