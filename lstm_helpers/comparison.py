"""Chapter 8, "RNN vs GRU vs LSTM, measured fairly": the stored protocol run, a live CI-sized run, and
what was measured during training.

Every number comes from ``protocol`` runs: each model at its own learning rate (chosen on validation
sequences), the same budget, five seeds in the stored run (``make full``), and the fraction of seeds
that solve. The probes (gradient against lag, gate values) are read from the stored runs' checkpoints.
"""
from __future__ import annotations

import numpy as np

from . import models, protocol
from .plotting import GATE_COLORS, PALETTE, label, new_figure
from .validation import check_option, check_positive_int

MODELS = ("rnn", "gru", "lstm_f0_i0", "lstm_f1_i0", "lstm_f3_i-3")
COLORS = dict(zip(MODELS, ("#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#0072B2")))
RECALL = tuple(("recall", g) for g in (10, 20, 50, 100))
ADDING = (("adding", 100),)


def n_params(model, hidden=32):
    """Trainable numbers of a model's recurrent cell on the recall task (read-out excluded)."""
    _, p = protocol.init(model, "recall", check_positive_int("hidden", hidden), np.random.default_rng(0))
    return models.n_params(models.cell_params(p))


def chosen_lr(stored, model, task, size):
    """The learning rate the stored run chose on validation for (model, task, size)."""
    key = f"{check_option('model', model, protocol.MODELS)}|{task}|{size}"
    if key not in stored.get("chosen_lr", {}):
        raise ValueError(f"(model, task, size) must be in the stored run; {key} is not")
    return stored["chosen_lr"][key]


def live(stored, task="recall", size=20, model_keys=MODELS, seeds=(0, 1, 2), steps=500, progress=True):
    """The CI-sized version: each model at the learning rate the stored run chose for it, float64,
    ``steps`` batches of 32, a few seeds. Returns protocol.summarise's dict."""
    steps = check_positive_int("steps", steps)
    runs = [protocol.run(m, task, size, chosen_lr(stored, m, task, size), s, steps=steps, progress=progress)
            for m in model_keys for s in seeds]
    return protocol.summarise(runs)


def plot_seeds(summary, model_keys, settings, ax=None):
    """Every seed as a dot and the median as a bar, per model, for each (task, size) in ``settings``
    (all of one task). Recall: test accuracy; adding: test MSE on a log axis."""
    task = settings[0][0]
    if ax is None:
        _, ax = new_figure(width=7.0, height=3.4)
    width = 0.8 / len(model_keys)
    for k, m in enumerate(model_keys):
        for j, (_, size) in enumerate(settings):
            s = summary.get((m, task, size))
            if s is None:
                continue
            x0 = j + (k - (len(model_keys) - 1) / 2) * width
            ax.plot([x0 - 0.4 * width, x0 + 0.4 * width], [s["median"]] * 2, color=COLORS.get(m, PALETTE[k % 8]),
                    lw=3, solid_capstyle="butt", label=protocol.label(m) if j == 0 else None)
            jitter = np.linspace(-0.25, 0.25, len(s["test"])) * width
            ax.scatter(x0 + jitter, s["test"], s=14, color=COLORS.get(m, PALETTE[k % 8]), alpha=0.7,
                       edgecolors="none", zorder=3)
    ax.set_xticks(range(len(settings)), [("gap " if task == "recall" else "T = ") + str(n) for _, n in settings])
    if task == "recall":
        ax.axhline(1 / 6, color="grey", ls=":", lw=1)
        ax.axhline(protocol.SOLVED["recall"], color="grey", ls="--", lw=1)
        ax.set_ylim(0, 1.05)
        label(ax, "Recall: every seed (dots) and the median (bar)", None, "test accuracy")
    else:
        ax.set_yscale("log")
        ax.axhline(protocol.SOLVED["adding"], color="grey", ls="--", lw=1)
        ax.axhline(1 / 6, color="grey", ls=":", lw=1)
        label(ax, "Adding problem: every seed and the median", None, "test MSE (log)")
    ax.legend(fontsize=9, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return ax


def probe_series(summary, model, task, size):
    """What the chosen learning rate's runs measured during training, one entry per seed:
    {"seed", "solved", "batches" (checkpoints), "clue" (‖∂L/∂x‖ at the clue's lag, recall; the
    longest stored lag, adding), "ratio" (clue / lag 1), and per gate name the (checkpoints, H)
    unit values}."""
    s = summary.get((check_option("model", model, protocol.MODELS), task, size))
    if s is None:
        raise ValueError(f"(model, task, size) must be in the summary; ({model}, {task}, {size}) is not")
    out = []
    for r in s["runs"]:
        if "probes" not in r:
            raise ValueError("summary must come from a stored run that kept its probes (make full)")
        batches = sorted(int(b) for b in r["probes"])
        probes = [r["probes"][str(b)] for b in batches]
        far = max(probes[0]["grad"], key=int)
        clue = np.array([p["grad"][far] for p in probes])
        gates = {g: np.array([p[g] for p in probes]) for g in probes[0] if g != "grad"}
        out.append({"seed": r["seed"], "solved": r["solved"], "batches": np.array(batches), "lag": int(far),
                    "clue": clue, "ratio": clue / np.array([p["grad"]["1"] for p in probes]), **gates})
    return out


def plot_gradient_in_training(summary, model_keys, task="recall", size=50, axes=None):
    """Per model: ‖∂L/∂x‖ at the clue relative to lag 1, at each checkpoint, one line per seed
    (solid: the seed solved the task; dashed: it did not)."""
    if axes is None:
        _, axes = new_figure(1, len(model_keys), width=2.3 * len(model_keys) + 0.6, height=3.0, sharey=True,
                             squeeze=False)
        axes = axes[0]
    for ax, m in zip(axes, model_keys):
        for p in probe_series(summary, m, task, size):
            ax.semilogy(np.maximum(p["batches"], 1), p["ratio"], "-" if p["solved"] else "--", marker="o", ms=3,
                        color=COLORS.get(m, "#000000"), alpha=0.8)
        ax.set_xscale("symlog", linthresh=100)
        label(ax, protocol.label(m).replace(" (", "\n("), "batches trained", None)
    axes[0].set_ylabel(r"$\|\partial L/\partial x_{\mathrm{clue}}\| \,/\, \|\partial L/\partial x_{T-2}\|$")
    return axes


def plot_gates_in_training(summary, model_keys, task="recall", size=50, axes=None):
    """Per gated model: every unit's mean forget gate f (LSTM) or update gate z (GRU) over the filler
    words, at each checkpoint, pooled over the seeds (filled dots: seeds that solved)."""
    if axes is None:
        _, axes = new_figure(1, len(model_keys), width=2.3 * len(model_keys) + 0.6, height=3.0, sharey=True,
                             squeeze=False)
        axes = axes[0]
    for ax, m in zip(axes, model_keys):
        gate = "z" if m == "gru" else "f"
        for p in probe_series(summary, m, task, size):
            for j, b in enumerate(p["batches"]):
                x = np.full(p[gate].shape[1], j) + np.linspace(-0.3, 0.3, p[gate].shape[1])
                ax.scatter(x, p[gate][j], s=5, color=GATE_COLORS["f"] if gate == "f" else "#009E73",
                           alpha=0.6 if p["solved"] else 0.25, edgecolors="none")
        ticks = probe_series(summary, m, task, size)[0]["batches"]
        ax.set_xticks(range(len(ticks)), [str(b) for b in ticks], rotation=45)
        ax.set_ylim(0, 1.02)
        label(ax, protocol.label(m).replace(" (", "\n("), "batches trained", None)
    axes[0].set_ylabel(r"unit's mean $f_t$ (GRU: $z_t$)")
    return axes
