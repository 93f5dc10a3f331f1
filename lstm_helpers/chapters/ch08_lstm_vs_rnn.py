"""Chapter 8, "RNN vs GRU vs LSTM, measured fairly": the stored protocol run, a live CI-sized run, and
what was measured during training.

Every number comes from ``protocol`` runs: each model at its own learning rate (chosen on validation
sequences), the same budget, five seeds in the stored run (``make full``), and the fraction of seeds
that solve. The probes (gradient against lag, gate values) are read from the stored runs' checkpoints.
"""
from __future__ import annotations

import time

import numpy as np

from lstm_helpers.engine.optim import Adam
from lstm_helpers.engine.validation import check_option, check_positive_int
from lstm_helpers.experiments import protocol, results
from lstm_helpers.figures.style import GATE_COLORS, PALETTE, label, new_figure
from lstm_helpers.training import loop, models, tasks

MODELS = ("rnn", "gru", "lstm_f0_i0", "lstm_f1_i0", "lstm_f3_i-3")
COLORS = dict(zip(MODELS, ("#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#0072B2")))
MODELS_ADDING = ("rnn", "gru", "lstm_f1_i0", "lstm_f3_i-3")
RECALL = tuple(("recall", g) for g in (10, 20, 50, 100))
ADDING = (("adding", 100),)


def n_params(model, hidden=32):
    """Trainable numbers of a model's recurrent cell on the recall task (read-out excluded)."""
    _, p = protocol.init(model, "recall", check_positive_int("hidden", hidden), np.random.default_rng(0))
    return models.n_params(models.cell_params(p))


def seconds_per_batch(model, size=50, batch=32, repeats=20, seed=0):
    """Median wall time of one training step (forward, backward, Adam) on recall batches of ``batch``
    sequences with gap ``size``, float64, on this machine."""
    repeats = check_positive_int("repeats", repeats)
    rng = np.random.default_rng(seed)
    cell, p = protocol.init(model, "recall", 32, rng)
    times = []
    for _ in range(repeats + 1):
        t = time.perf_counter()
        loop.train(cell, p, lambda r: tasks.recall_task(batch, size, r)[:2], 1, rng, optimizer=Adam(1e-3),
                       progress=False)
        times.append(time.perf_counter() - t)
    return float(np.median(times[1:]))


def chosen_lr(stored, model, task, size):
    """The learning rate the stored run chose on validation for (model, task, size)."""
    key = f"{check_option('model', model, protocol.MODELS)}|{task}|{size}"
    if key not in stored.get("chosen_lr", {}):
        raise ValueError(f"(model, task, size) must be in the stored run; {key} is not")
    return stored["chosen_lr"][key]


def live(stored, task="recall", size=20, model_keys=MODELS, seeds=(0, 1, 2), steps=500, progress=True):
    """The CI-sized version: each model at the learning rate the stored run chose for it, float64,
    ``steps`` batches of 32, a few seeds. Returns results.summarise's dict."""
    steps = check_positive_int("steps", steps)
    runs = [protocol.run(m, task, size, chosen_lr(stored, m, task, size), s, steps=steps, progress=progress)
            for m in model_keys for s in seeds]
    return results.summarise(runs)


def plot_seeds(summary, model_keys, settings, ax=None):
    """Every seed as a dot and the median as a bar, per model, for each (task, size) in ``settings``
    (all of one task). Recall: test accuracy; adding: test MSE on a log axis."""
    task = settings[0][0]
    if ax is None:
        _, ax = new_figure(height=3.4)
    width = 0.8 / len(model_keys)
    for k, m in enumerate(model_keys):
        for j, (_, size) in enumerate(settings):
            s = summary.get((m, task, size))
            if s is None:
                continue
            x0 = j + (k - (len(model_keys) - 1) / 2) * width
            ax.plot([x0 - 0.4 * width, x0 + 0.4 * width], [s["median"]] * 2, color=COLORS.get(m, PALETTE[k % 8]),
                    lw=3, solid_capstyle="butt", label=protocol.math_label(m) if j == 0 else None)
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


def _grid(n):
    """n panels in rows of at most 3 (2 when n = 4), sharing the y axis; unused panels hidden.
    Returns the n axes in reading order."""
    ncols = 2 if n == 4 else min(n, 3)
    nrows = -(-n // ncols)
    _, axes = new_figure(nrows, ncols, height=2.9 * nrows, sharey=True, squeeze=False)
    axes = list(axes.ravel())
    for ax in axes[n:]:
        ax.set_visible(False)
    return axes[:n]


def plot_gradient_in_training(summary, model_keys, task="recall", size=50, axes=None):
    """Per model: ‖∂L/∂x‖ at the clue relative to lag 1, at each checkpoint, one line per seed
    (solid: the seed solved the task; dashed: it did not)."""
    if axes is None:
        axes = _grid(len(model_keys))
    for ax, m in zip(axes, model_keys):
        for p in results.probe_series(summary, m, task, size):
            ax.semilogy(np.maximum(p["batches"], 1), p["ratio"], "-" if p["solved"] else "--", marker="o", ms=3,
                        color=COLORS.get(m, "#000000"), alpha=0.8)
        ax.set_xscale("symlog", linthresh=100)
        label(ax, protocol.math_label(m), "batches trained", None)
    for ax in axes[::3]:
        ax.set_ylabel(r"$\|\partial L/\partial x_{\mathrm{clue}}\| \,/\, \|\partial L/\partial x_{T-2}\|$")
    return axes


def plot_gates_in_training(summary, model_keys, task="recall", size=50, axes=None):
    """Per gated model: every unit's mean forget gate f (LSTM) or update gate z (GRU) over the filler
    words, at each checkpoint, pooled over the seeds (filled dots: seeds that solved)."""
    if axes is None:
        axes = _grid(len(model_keys))
    for ax, m in zip(axes, model_keys):
        gate = "z" if m == "gru" else "f"
        for p in results.probe_series(summary, m, task, size):
            for j, b in enumerate(p["gate_batches"]):
                x = np.full(p[gate].shape[1], j) + np.linspace(-0.3, 0.3, p[gate].shape[1])
                ax.scatter(x, p[gate][j], s=5, color=GATE_COLORS["f"] if gate == "f" else "#009E73",
                           alpha=0.6 if p["solved"] else 0.25, edgecolors="none")
        ticks = results.probe_series(summary, m, task, size)[0]["gate_batches"]
        ax.set_xticks(range(len(ticks)), [str(b) for b in ticks], rotation=45)
        ax.set_ylim(0, 1.02)
        label(ax, protocol.math_label(m), "batches trained", None)
    for ax in axes[::2 if len(axes) == 4 else 3]:
        ax.set_ylabel(r"unit's mean $f_t$ (GRU: $z_t$)")
    return axes


def lr_table(summary, model_keys, task="recall", size=50):
    """What each learning rate of the grid gave, per model: median test score and seeds solved, with
    the rate chosen on validation marked "*". Shows whether one shared rate would favour a model."""
    lrs = sorted({lr for m in model_keys for lr in summary[(m, task, size)]["by_lr"]}, reverse=True)
    name = max(len(protocol.label(m)) for m in model_keys) + 1
    rows = [f"{'':<{name}}" + "".join(f"{'lr ' + results.fmt_lr(lr):>14}" for lr in lrs)]
    for m in model_keys:
        s = summary[(m, task, size)]
        n = len(s["test"])
        cells = [(f"{results.fmt_score(task, s['by_lr'][lr]['median_test'])} {round(s['by_lr'][lr]['solved'] * n)}/{n}"
                  + ("*" if lr == s["lr"] else " ")) if lr in s["by_lr"] else "–" for lr in lrs]
        rows.append(f"{protocol.label(m):<{name}}" + "".join(c.rjust(14) for c in cells))
    return "\n".join(rows)


def probe_table(summary, model_keys, task="recall", size=50):
    """Before and after training, median over the seeds: the gradient reaching the clue relative to
    lag 1, and the mean over units of the memory-keeping gate (LSTM f, GRU z; RNN: mean |h|)."""
    rows = [f"{'':<34}{'grad ratio':^18}{'gate':^15}".rstrip(),
            f"{'':<25}{'seeds':>9}{'start':>9}{'end':>9}{'start':>8}{'end':>7}"]
    for m in model_keys:
        series = results.probe_series(summary, m, task, size)
        gate = "z" if m == "gru" else ("abs_h" if m == "rnn" else "f")
        for solved in (True, False):
            ps = [p for p in series if p["solved"] == solved]
            if not ps:
                continue
            r0, r1 = np.median([p["ratio"][0] for p in ps]), np.median([p["ratio"][-1] for p in ps])
            g0, g1 = np.median([p[gate][0].mean() for p in ps]), np.median([p[gate][-1].mean() for p in ps])
            tag = f"{len(ps)} {'solved' if solved else 'not'}"
            rows.append(f"{protocol.label(m) if solved or len(ps) == len(series) else '':<25}{tag:>9}"
                        f"{r0:>9.1e}{r1:>9.1e}{g0:>8.2f}{g1:>7.2f}")
    return "\n".join(rows)


def init_gradient_table(summary, model_keys, task="recall", size=50, lag=50):
    """‖∂L/∂x‖ at ``lag`` steps before the query, measured at initialisation (checkpoint 0) on the stored
    runs' probe sequences: median and range over the seeds, and relative to lag 1."""
    rows = [f"{'':<25}{f'|dL/dx| at lag {lag}':^30}{'ratio to lag 1':>16}",
            f"{'':<25}{'median':>10}{'min':>10}{'max':>10}{'(median)':>16}"]
    for m in model_keys:
        runs = summary[(m, task, size)]["runs"]
        g = np.array([r["probes"]["0"]["grad"][str(lag)] for r in runs])
        ratio = np.array([r["probes"]["0"]["grad"][str(lag)] / r["probes"]["0"]["grad"]["1"] for r in runs])
        rows.append(f"{protocol.label(m):<25}{np.median(g):>10.1e}{g.min():>10.1e}{g.max():>10.1e}"
                    f"{np.median(ratio):>16.1e}")
    return "\n".join(rows)
