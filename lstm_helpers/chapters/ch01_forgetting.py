"""Chapter 1, "Why RNNs forget": the recall task, the RNN's accuracy against the gap (a live run and the
stored one), and why the learning signal for early words vanishes -- the recurrent matrix's spectral radius.

The running example: "I grew up in Pakistan … I speak fluent ___" -> Urdu, as ``tasks.recall_task``
(a country token, ``gap`` filler words, a query token). Convention: the maths writes column vectors
(W_hh·h); the code multiplies a batch of row vectors (h @ W_hh.T).
"""
from __future__ import annotations

import numpy as np

from lstm_helpers.engine.validation import check_array, check_option, check_positive_int
from lstm_helpers.experiments import protocol, results
from lstm_helpers.figures.style import label, new_figure
from lstm_helpers.training import models, tasks

MODELS = ("rnn", "rnn_orth")                      # the library default and an orthogonal W_hh (spectral radius 1)
COLORS = {"rnn": "#D55E00", "rnn_orth": "#009E73"}


def live_run(stored, gaps=(20, 50), model="rnn", seeds=(0, 1), steps=300, progress=True):
    """The CI-sized recall experiment for one model: at each gap, the learning rate the stored run (``make
    full``) chose for it on validation; ``steps`` batches of 32; the given seeds; float32 as the stored run.

    Returns results.summarise's dict {(model, "recall", gap): {"median", "test", "solved", "lr", ...}}.
    """
    check_option("model", model, MODELS)
    steps = check_positive_int("steps", steps)
    runs = []
    for gap in gaps:
        lr = stored["chosen_lr"].get(f"{model}|recall|{gap}")
        if lr is None:
            raise ValueError(f"gaps must be gaps of the stored run; it chose no learning rate for {model} at gap {gap}")
        runs += [protocol.run(model, "recall", gap, lr, s, steps=steps, dtype=np.float32, progress=progress)
                 for s in seeds]
    return results.summarise(runs)


def accuracy_rows(summary, gaps, models_=MODELS):
    """Text: per model and gap the median test accuracy, every seed, and the seeds solved (accuracy >= 0.9)."""
    rows = []
    for m in models_:
        rows.append(protocol.label(m))
        for g in gaps:
            s = summary[(m, "recall", g)]
            rows.append(f"  gap {g:>3}: median {s['median']:.2f}, solved {results.solved_count(s)}"
                        f"   seeds {results.seeds_line(summary, m, 'recall', g)}")
    return "\n".join(rows)


def plot_accuracy_vs_gap(summary, gaps, models_=MODELS, title="Recall against the gap", ax=None):
    """Median test accuracy against the number of filler words (line) with every seed (dots)."""
    if ax is None:
        _, ax = new_figure(height=3.2)
    for k, m in enumerate(models_):
        med = [summary[(m, "recall", g)]["median"] for g in gaps]
        ax.plot(gaps, med, "o-", color=COLORS[m], label=protocol.label(m), lw=2)
        for g in gaps:
            seeds = summary[(m, "recall", g)]["test"]
            ax.scatter(np.full(len(seeds), g) * (1 + 0.04 * (k - 0.5)), seeds, s=14, color=COLORS[m], alpha=0.5)
    ax.axhline(1 / tasks.N_CLASSES, color="#555555", ls=":", lw=1)
    ax.text(gaps[0], 1 / tasks.N_CLASSES + 0.02, "chance (1/6)", color="#333333", va="bottom")
    ax.set_xscale("log")
    ax.set_xticks(gaps, [str(g) for g in gaps])
    ax.minorticks_off()
    ax.set_ylim(0, 1.05)
    label(ax, title, "filler words between the country and the question (gap)", "test accuracy")
    ax.legend(loc="lower left", frameon=False)
    return ax


def gradient_vs_lag(gap=100, hidden=32, seed=0, n=64, models_=MODELS):
    """‖∂L/∂x_{T−1−k}‖ (mean over ``n`` sequences) against the lag k for untrained models:
    {"lag": (T,), model: (T,)}; the country sits at lag gap + 1."""
    x, y, _ = tasks.recall_task(check_positive_int("n", n), check_positive_int("gap", gap), np.random.default_rng(seed))
    out = {"lag": np.arange(gap + 2)}
    for m in models_:
        cell, params = protocol.init(check_option("model", m, MODELS), "recall", hidden, np.random.default_rng(seed))
        out[m] = protocol.input_gradients(cell, params, "recall", x, y)
    return out


def plot_gradient_vs_lag(res, ax=None):
    """‖∂L/∂x_{T−1−k}‖ against k, log scale."""
    if ax is None:
        _, ax = new_figure(height=3.2)
    for m in (k for k in MODELS if k in res):
        ax.semilogy(res["lag"][1:], res[m][1:], color=COLORS[m], lw=2, label=protocol.label(m))
    label(ax, "How much each earlier word can still change the answer (untrained)", "k: steps before the question",
          r"$\|\partial L/\partial x_{T-1-k}\|$")
    ax.legend(frameon=False)
    return ax


def repeated_matrix(params, x):
    """Why the RNN's signal shrinks: the same recurrent matrix W_hh (maths: acting on a column h_{t-1}; the
    code multiplies rows, h @ W_hh.T) is applied at every step, each time also scaled unit by unit by the
    tanh slope 1 − h_t² (≤ 1).

    params: an RNN model's params; x: (T, 1, D), one sequence.
    Returns {"rho": the spectral radius of W_hh (largest |eigenvalue|), "sigma": its largest singular value,
    "slope": (T,) the mean tanh slope at each step, "product": (T,) the size (spectral norm) of the
    product of the last k steps' matrices diag(1 − h_t²)·W_hh for k = 1 … T, "power": (T,) ‖W_hh^k‖,
    "rho_k": (T,) rho^k}.
    """
    D, H = models.engine("rnn").sizes(models.cell_params(params))
    x = check_array("x", x, ("T", 1, D))
    W = params["W_h"][:, :H]
    h = models.engine("rnn").forward(models.cell_params(params), x).h[:, 0]       # (T, H)
    slope = 1.0 - h * h
    prod, power, product, powers = np.eye(H), np.eye(H), [], []
    for t in range(len(h) - 1, -1, -1):                                            # from the question back
        prod = prod @ (slope[t][:, None] * W)
        power = power @ W
        product.append(np.linalg.norm(prod, 2))
        powers.append(np.linalg.norm(power, 2))
    rho = float(np.abs(np.linalg.eigvals(W)).max())
    k = np.arange(1, len(h) + 1)
    return {"rho": rho, "sigma": float(np.linalg.norm(W, 2)), "slope": slope.mean(axis=1),
            "product": np.array(product), "power": np.array(powers), "rho_k": rho ** k}


def spectral_radius(model, hiddens=(8, 32, 128), seeds=(0, 1, 2)):
    """{H: spectral radius of W_hh at initialisation, mean over seeds} for an RNN model key: the default
    (uniform ±1/√H) gives about 1/√3 ≈ 0.58 whatever H; the orthogonal one exactly 1."""
    out = {}
    for H in hiddens:
        radii = [np.abs(np.linalg.eigvals(protocol.init(check_option("model", model, MODELS), "recall", H,
                                                         np.random.default_rng(s))[1]["W_h"][:, :H])).max()
                 for s in seeds]
        out[H] = float(np.mean(radii))
    return out


def plot_repeated_matrix(by_model, ax=None):
    """For each model: the measured product (solid), ‖W_hh^k‖ (dashed) and rho^k (dotted) against k."""
    if ax is None:
        _, ax = new_figure(height=3.2)
    for m, r in by_model.items():
        k = np.arange(1, len(r["product"]) + 1)
        ax.semilogy(k, r["product"], color=COLORS[m], lw=2.2, label=f"{protocol.label(m)}: measured")
        ax.semilogy(k, r["power"], color=COLORS[m], lw=1.4, ls="--", label=r"$\|W_{hh}^k\|$")
        ax.semilogy(k, r["rho_k"], color=COLORS[m], lw=1.4, ls=":", label=rf"$\rho^k$, $\rho = {r['rho']:.2f}$")
    label(ax, "The same matrix, k times", "k: steps back", "size of the product")
    ax.legend(frameon=False, fontsize=8, ncol=2, loc="lower left")
    return ax


def gated_teaser(stored, gap=100, model="lstm_f3_i-3"):
    """The stored result chapter 8 explains, quoted once here: (seeds solved, seeds run) at ``gap`` for a
    network with a gated memory that starts open."""
    s = results.summarise([r for r in stored["runs"] if r["model"] == model and r["task"] == "recall"
                           and r["size"] == gap])
    if (model, "recall", gap) not in s:
        raise ValueError(f"stored must hold the runs of {model} at gap {gap} (make full)")
    s = s[(model, "recall", gap)]
    return round(s["solved"] * len(s["test"])), len(s["test"])
