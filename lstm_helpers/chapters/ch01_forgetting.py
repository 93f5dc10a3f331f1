"""Chapter 1, "Why RNNs forget": the recall experiment, gradients against lag, Jacobian products.

The running example: "I grew up in Pakistan … I speak fluent ___" -> Urdu, as
``tasks.recall_task`` (a country token, ``gap`` distractor words, a query token).
"""
from __future__ import annotations

import numpy as np
from matplotlib.ticker import NullLocator

from lstm_helpers.engine import lstm, rnn
from lstm_helpers.engine.losses import cross_entropy
from lstm_helpers.engine.validation import check_option, check_positive_int
from lstm_helpers.experiments import protocol, results
from lstm_helpers.figures.style import label, new_figure
from lstm_helpers.training import models, tasks

KINDS = {"rnn": "RNN", "lstm_f1_i0": "LSTM (b_f = 1, b_i = 0)", "lstm_f3_i-3": "LSTM (b_f = 3, b_i = −3)"}
COLORS = {"rnn": "#D55E00", "lstm_f1_i0": "#56B4E9", "lstm_f3_i-3": "#0072B2"}


def init_kind(kind, hidden, rng):
    """(cell name, params) for one of KINDS, with a 6-way read-out for the recall task.

    "lstm_f1_i0": forget-gate bias 1 (the value Jozefowicz et al. 2015 recommend and Keras uses),
    input-gate bias 0. "lstm_f3_i-3": the forget gate starts almost open (σ(3) ≈ 0.95) and the
    input gate almost shut (σ(−3) ≈ 0.05), so by default the memory keeps what it holds and filler
    words are not written into it.
    """
    check_option("kind", kind, KINDS)
    return protocol.init(kind, "recall", hidden, rng)


def recall_experiment(stored, gaps=(10, 20, 50), kinds=tuple(KINDS), seeds=(0, 1), steps=400, progress=True):
    """The CI-sized recall experiment: every model at the learning rate the stored run (``make full``)
    chose for it on validation at that gap; the same budget (``steps`` batches of 32) and seeds for all.

    Returns results.summarise's dict {(kind, "recall", gap): {"median", "test", "solved", "lr", ...}}.
    """
    steps = check_positive_int("steps", steps)
    runs = []
    for kind in kinds:
        check_option("kind", kind, KINDS)
        for gap in gaps:
            lr = stored["chosen_lr"].get(f"{kind}|recall|{gap}")
            if lr is None:
                raise ValueError(f"gaps must be gaps of the stored run; it chose no learning rate for {kind} at gap {gap}")
            runs += [protocol.run(kind, "recall", gap, lr, s, steps=steps, progress=progress) for s in seeds]
    return results.summarise(runs)


def accuracy_table(summary, gaps, kinds=tuple(KINDS)):
    """Median test accuracy, seeds solved (accuracy >= 0.9) and the chosen learning rate, per model and gap."""
    return results.table(summary, kinds, [("recall", g) for g in gaps])


def plot_accuracy_vs_gap(summary, gaps, kinds=tuple(KINDS), title="Recall against the gap", ax=None):
    """Median test accuracy against the number of filler words (line) with every seed (dots)."""
    if ax is None:
        _, ax = new_figure(height=3.4)
    for k, kind in enumerate(kinds):
        med = [summary[(kind, "recall", g)]["median"] for g in gaps]
        ax.plot(gaps, med, "-", label=protocol.math_label(kind), color=COLORS[kind], lw=2)
        for g in gaps:
            seeds = summary[(kind, "recall", g)]["test"]
            ax.scatter(np.full(len(seeds), g) * (1 + 0.04 * (k - 1)), seeds, s=16, color=COLORS[kind], alpha=0.7,
                       edgecolors="none", zorder=3)
    ax.axhline(1 / 6, color="grey", ls=":", label="chance (1/6)")
    ax.set_xscale("log")
    ax.set_xticks(list(gaps), [str(g) for g in gaps])
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_ylim(0, 1.05)
    label(ax, title, "gap (filler words)", "test accuracy")
    ax.legend(fontsize=9, loc="lower left")
    return ax


def input_gradient_norms(cell, params, x, y):
    """‖∂L/∂x_t‖ for every t (mean over the batch), L = cross-entropy of the last-step read-out.

    x: (T, B, V), y: (B,) -> (T,) array; entry T−1−k is the gradient k steps before the query.
    """
    check_option("cell", cell, tuple(models.CELLS))
    trace, logits = models.forward(cell, params, x)
    _, dlogits = cross_entropy(logits, y)
    dh = np.zeros_like(trace.h)
    dh[-1] = dlogits @ params["W_y"]
    dx = models.engine(cell).backward(models.cell_params(params), trace, dh)["x"]
    return np.linalg.norm(dx, axis=2).mean(axis=1)


def gradient_vs_lag(gap=100, hidden=32, seed=0, n=64, trained=None):
    """Gradient norms against lag k for every kind, at initialisation (or ``trained``).

    trained: optional {kind: {"cell", "params"}} of trained models.
    Returns {"lag": (T,), kind: (T,) norms indexed by lag}.
    """
    rng = np.random.default_rng(seed)
    x, y, _ = tasks.recall_task(n, gap, rng)
    out = {"lag": np.arange(gap + 2)}
    for kind in KINDS:
        cell, params = init_kind(kind, hidden, np.random.default_rng(seed))
        if trained and kind in trained:
            cell, params = trained[kind]["cell"], trained[kind]["params"]
        out[kind] = input_gradient_norms(cell, params, x, y)[::-1]
    return out


def rnn_jacobians(params, x):
    """The RNN's step Jacobians J_t = ∂h_t/∂h_{t−1} = diag(1 − h_t²)·W_hh along one sequence.

    x: (T, 1, D). Returns {"step_sigma": (T,) largest singular value of each J_t,
    "product_norm": (T,) spectral norm of J_T·…·J_{T−k+1} for k = 1 … T}.
    """
    D, H = rnn.sizes(models.cell_params(params))
    if np.ndim(x) != 3 or np.shape(x)[1] != 1:
        raise ValueError(f"x must have shape (T, 1, {D}) (one sequence); got {np.shape(x)}")
    h = rnn.forward(models.cell_params(params), x).h[:, 0]         # (T, H)
    W_hh = params["W_h"][:, :H]
    J = (1.0 - h ** 2)[:, :, None] * W_hh[None]                       # (T, H, H)
    step_sigma = np.linalg.norm(J, ord=2, axis=(1, 2))
    prod, norms = np.eye(H), []
    for t in range(len(J) - 1, -1, -1):                                 # from the last step back
        prod = prod @ J[t]
        norms.append(np.linalg.norm(prod, ord=2))
    return {"step_sigma": step_sigma, "product_norm": np.array(norms)}


def lstm_cell_path(params, x):
    """Along the cell state, ∂C_T/∂C_{T−k} (direct path) = Π f: the mean over units of that product.

    x: (T, 1, D) -> (T,) values for k = 1 … T.
    """
    f = lstm.forward(models.cell_params(params), x).f[:, 0]          # (T, H)
    return np.cumprod(f[::-1], axis=0).mean(axis=1)


def plot_gradient_vs_lag(res, ax=None):
    """‖∂L/∂x_{T−k}‖ against k, log scale."""
    if ax is None:
        _, ax = new_figure(height=3.2)
    for kind in KINDS:
        if kind in res:
            ax.semilogy(res["lag"], res[kind], label=protocol.math_label(kind), color=COLORS[kind])
    label(ax, "How much the first words can still be learned from", "lag $k$ (steps before the query)",
          r"$\|\partial L/\partial x_{T-k}\|$ (log scale)")
    ax.legend(fontsize=8)
    return ax


def plot_jacobians(jac, cell_paths, ax=None):
    """Norm of the RNN's Jacobian product and the LSTMs' forget-gate products against k (log scale).

    cell_paths: {kind: (T,) from lstm_cell_path}.
    """
    if ax is None:
        _, ax = new_figure(height=3.2)
    k = np.arange(1, len(jac["product_norm"]) + 1)
    ax.semilogy(k, jac["product_norm"], label=r"RNN: $\|J_T \cdots J_{T-k+1}\|$", color=COLORS["rnn"])
    for kind, path in cell_paths.items():
        ax.semilogy(k, path, label=protocol.math_label(kind) + r": mean $\prod f$", color=COLORS[kind])
    label(ax, "Products of step Jacobians", "$k$ (steps back)", "size of the product (log scale)")
    ax.legend(fontsize=8)
    return ax


def training_gradient_table(summary, gap=100, kinds=tuple(KINDS)):
    """From the stored run's probes: ‖∂L/∂x‖ at the country (gap + 1 steps before the query) before and
    after training, and relative to lag 1, median over the seeds; and how many seeds solved the task."""
    rows = [f"{'':<32}{'|dL/dx| at the country':>24}{'ratio to lag 1':>20}",
            f"{'':<25}{'solved':>7}{'start':>12}{'end':>12}{'start':>10}{'end':>10}"]
    for kind in kinds:
        series = results.probe_series(summary, kind, "recall", gap)
        s = summary[(kind, "recall", gap)]
        solved = results.solved_count(s)
        med = lambda key, k: float(np.median([p[key][k] for p in series]))     # noqa: E731
        rows.append(f"{KINDS[kind]:<25}{solved:>7}{med('clue', 0):>12.1e}{med('clue', -1):>12.1e}"
                    f"{med('ratio', 0):>10.1e}{med('ratio', -1):>10.1e}")
    return "\n".join(rows)
