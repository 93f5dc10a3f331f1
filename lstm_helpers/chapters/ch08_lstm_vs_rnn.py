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

FAMILIES = protocol.FAMILIES                       # every initialisation of each family
DEFAULTS = tuple(protocol.DEFAULTS.values())        # what nn.RNN, nn.GRU, nn.LSTM give
ALL = FAMILIES["RNN"] + FAMILIES["GRU"] + FAMILIES["LSTM"]
MODELS = ("rnn", "rnn_orth", "irnn", "gru", "gru_z3", "lstm_f0_i0", "lstm_f1_i0", "lstm_f3_i-3", "lstm_chrono")
COLORS = dict(zip(MODELS, ("#D55E00", "#E69F00", "#F0B060", "#009E73", "#56B4E9", "#CC79A7", "#9E9AC8", "#0072B2",
                           "#8C564B")))
SHORT = {"rnn": "default", "rnn_orth": "orth", "irnn": "IRNN", "gru": "default", "gru_z3": "b_z=3",
         "lstm_f0_i0": "f0", "lstm_f0_i-3": "f0,i-3", "lstm_f1_i0": "f1", "lstm_f1_i-3": "f1,i-3",
         "lstm_f3_i0": "f3", "lstm_f3_i-3": "f3,i-3", "lstm_chrono": "chrono"}
RECALL = tuple(("recall", g) for g in (20, 50, 100))
ADDING = (("adding", 100),)


def best_inits(summary, settings=RECALL + ADDING):
    """{(family, task, size): the family's initialisation chosen on validation (results.choose_init)}."""
    return {(f, t, n): results.choose_init(summary, ms, t, n) for f, ms in FAMILIES.items() for t, n in settings}


def best_table(summary, settings):
    """One row per family at its best initialisation and learning rate, both chosen on validation: each cell
    holds the median test score, the seeds solved, the chosen rate and the initialisation (SHORT)."""
    best = best_inits(summary, settings)
    cells = {(f, t, n): (f"{results.fmt_score(t, summary[(best[(f, t, n)], t, n)]['median'])} "
                         f"{results.solved_count(summary[(best[(f, t, n)], t, n)])} "
                         f"{results.fmt_lr(summary[(best[(f, t, n)], t, n)]['lr'])} {SHORT[best[(f, t, n)]]}")
             for f in FAMILIES for t, n in settings}
    width = max(len(c) for c in cells.values()) + 2
    rows = [f"{'':<5}" + "".join(f"{('gap ' if t == 'recall' else 'T = ') + str(n):>{width}}" for t, n in settings)]
    rows += [f"{f:<5}" + "".join(cells[(f, t, n)].rjust(width) for t, n in settings) for f in FAMILIES]
    return "\n".join(rows)


def gate_of(model):
    """The memory-keeping quantity the probes store for a model: "f" (LSTM forget gate), "z" (GRU update gate,
    the share of the old state kept) or "abs_h" (RNN: mean |h_t|)."""
    cell = protocol.MODELS[check_option("model", model, protocol.MODELS)][1]
    return {"gru": "z", "rnn": "abs_h", "rnn_relu": "abs_h"}.get(cell, "f")


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
    words at each checkpoint and at the end of each run (x: batches trained, each seed's own), pooled over
    the seeds (strong dots: seeds that solved)."""
    if axes is None:
        axes = _grid(len(model_keys))
    for ax, m in zip(axes, model_keys):
        gate = gate_of(m)
        for p in results.probe_series(summary, m, task, size):
            for b, values in zip(p["gate_batches"], p[gate]):
                x = np.maximum(b, 10) * np.exp(np.linspace(-0.08, 0.08, values.size))   # spread the units
                ax.scatter(x, values, s=5, color=GATE_COLORS["f"] if gate == "f" else "#009E73",
                           alpha=0.6 if p["solved"] else 0.25, edgecolors="none")
        ax.set_xscale("log")
        ax.set_xticks([10, 100, 1000], ["0", "100", "1000"])
        ax.minorticks_off()
        ax.set_ylim(0, 1.02)
        label(ax, protocol.math_label(m), "batches trained", None)
    for ax in axes[::2 if len(axes) == 4 else 3]:
        ax.set_ylabel(r"unit's mean $f_t$ (GRU: $z_t$)")
    return axes


def rates_tried(runs, model_keys, settings):
    """Per model, one line per setting: the learning rates tried (largest first; the grid grew along the
    ladder while the choice sat at an edge), the one chosen on validation in brackets, and whether it is
    interior, e.g. "   gap  50: 3e-2 [1e-2] 3e-3 1e-3   interior". runs: the stored run's list of runs."""
    groups = results.group(runs)
    rows = []
    for m in model_keys:
        rows.append(protocol.label(m))
        for task, size in settings:
            if (m, task, size) not in groups:
                continue
            shown, where = results.rates_shown(groups[(m, task, size)])
            rows.append(f"  {('gap' if task == 'recall' else 'T =')} {size:>3}: {shown:<40}{where}")
    return "\n".join(rows)


def rates_summary(runs, model_keys, settings):
    """How many (model, setting) pairs chose a rate inside the grid; of those at an edge, how many had every
    rate tried solve every seed (then the rate that solved soonest wins, and the largest usually does), and
    the others by name. Returns {"n", "interior", "edge_all_solved", "edge_other": [(model, task, size, lr)]}."""
    groups, out = results.group(runs), {"n": 0, "interior": 0, "edge_all_solved": 0, "edge_other": []}
    for m in model_keys:
        for task, size in settings:
            rs = groups.get((m, task, size))
            if rs is None:
                continue
            lr, _, where = results.lr_status(rs)
            out["n"] += 1
            if where == "interior":
                out["interior"] += 1
            elif all(r["solved"] for r in rs):
                out["edge_all_solved"] += 1
            else:
                out["edge_other"].append((m, task, size, lr))
    return out


def lr_table(summary, model_keys, task="recall", size=50):
    """What each learning rate gave, per model (one column each, rates as rows): the median test score and
    the seeds solved, "*" on the rate chosen on validation, "–" where a rate was not tried. Shows whether
    one shared rate would favour a model."""
    lrs = sorted({lr for m in model_keys for lr in summary[(m, task, size)]["by_lr"]}, reverse=True)
    heads = [protocol.label(m).replace(", b_i = 0", "").replace(" (default)", "") for m in model_keys]
    width = max(12, max(len(h) for h in heads) + 2)
    rows = [f"{'rate':<6}" + "".join(h.rjust(width) for h in heads)]
    for lr in lrs:
        cells = []
        for m in model_keys:
            s = summary[(m, task, size)]
            b = s["by_lr"].get(lr)
            n = len(s["test"])
            cells.append("–" if b is None else f"{results.fmt_score(task, b['median_test'])} "
                         f"{round(b['solved'] * n)}/{n}" + ("*" if lr == s["lr"] else " "))
        rows.append(f"{results.fmt_lr(lr):<6}" + "".join(c.rjust(width) for c in cells))
    return "\n".join(rows)


def probe_table(summary, model_keys, task="recall", size=50):
    """Before and after training, median over the seeds: the gradient reaching the clue relative to
    lag 1, and the mean over units of the memory-keeping gate (LSTM f, GRU z; RNN: mean |h|)."""
    rows = [f"{'':<34}{'grad ratio':^18}{'gate':^15}".rstrip(),
            f"{'':<25}{'seeds':>9}{'start':>9}{'end':>9}{'start':>8}{'end':>7}"]
    for m in model_keys:
        series = results.probe_series(summary, m, task, size)
        gate = gate_of(m)
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


def around_the_jump(summary, model, task="recall", size=50):
    """For each seed at the chosen rate: the largest rise of its validation score between two evaluations
    (every 100 batches), and the clue's share of the gradient (‖∂L/∂x_clue‖ / ‖∂L/∂x_{T-2}‖) measured at
    those two evaluations -- what happened to the gradient when the model learned to use the clue.
    Returns [{"seed", "batches" (before, after), "score" (before, after), "ratio" (before, after)}]."""
    out = []
    for r, p in zip(summary[(model, task, size)]["runs"], results.probe_series(summary, model, task, size)):
        curve = [(0, None)] + [(seq // r["batch"], v) for seq, v in r["curve"]]
        scores = [v for _, v in curve[1:]]
        rises = np.diff(scores) if task == "recall" else -np.diff(scores)
        if not len(rises):
            continue
        k = int(np.argmax(rises))
        before, after = curve[k + 1][0], curve[k + 2][0]
        at = {int(b): q for b, q in zip(p["batches"], p["ratio"])}
        out.append({"seed": r["seed"], "batches": (before, after), "score": (scores[k], scores[k + 1]),
                    "ratio": (at.get(before, np.nan), at.get(after, np.nan))})
    return out


def jump_table(summary, model, task="recall", size=50):
    """around_the_jump as text: one line per seed."""
    rows = [f"{'seed':>4}{'batches':>13}{'accuracy' if task == 'recall' else 'MSE':>15}{'clue share':>20}"]
    for j in around_the_jump(summary, model, task, size):
        b, v, q = j["batches"], j["score"], j["ratio"]
        rows.append(f"{j['seed']:>4}{b[0]:>7}-{b[1]:<5}{v[0]:>8.2f} -> {v[1]:.2f}{q[0]:>10.1e} -> {q[1]:.1e}")
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
