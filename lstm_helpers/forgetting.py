"""Chapter 1, "Why RNNs forget": the recall experiment, gradients against lag, Jacobian products.

The running example: "I grew up in Pakistan … I speak fluent ___" -> Urdu, as
``tasks.recall_task`` (a country token, ``gap`` distractor words, a query token).
"""
from __future__ import annotations

import numpy as np

from . import lstm, models, rnn, tasks, training
from .losses import cross_entropy
from .optim import Adam
from .plotting import label, new_figure
from .validation import check_option, check_positive_int

KINDS = {
    "rnn": "RNN",
    "lstm_default": "LSTM, default init (b_f = 1, b_i = 0)",
    "lstm_papers": "LSTM, papers' init (b_f = 3, b_i = −3)",
}
COLORS = {"rnn": "#D55E00", "lstm_default": "#56B4E9", "lstm_papers": "#0072B2"}


def init_kind(kind, hidden, rng):
    """(cell name, params) for one of KINDS, with a 6-way read-out for the recall task.

    "lstm_papers" starts the forget gate mostly open (b_f = 3, Gers et al. 2000; Jozefowicz et
    al. 2015) and the input gate mostly closed (b_i = −3, as Hochreiter & Schmidhuber 1997
    started theirs), so distractor words are not written into the memory by default.
    """
    check_option("kind", kind, KINDS)
    V = len(tasks.recall_vocab().tokens)
    if kind == "rnn":
        return "rnn", models.init_model("rnn", V, hidden, 6, rng)
    params = models.init_model("lstm", V, hidden, 6, rng, forget_bias=1.0 if kind == "lstm_default" else 3.0)
    if kind == "lstm_papers":
        params["b_i"][:] = -3.0
    return "lstm", params


def train_recall(kind, gap, steps=400, seed=0, hidden=32, batch=32, n_test=500, progress=False):
    """Train one model on the recall task; returns {"accuracy", "seconds", "loss", "params", "cell"}.

    Adam (lr 1e-2), gradient clipping at norm 1, ``steps`` batches of ``batch`` sequences.
    Test accuracy on ``n_test`` held-out sequences (seeded separately; chance is 1/6).
    """
    gap = check_positive_int("gap", gap, minimum=0)
    steps = check_positive_int("steps", steps)
    rng = np.random.default_rng(seed)
    cell, params = init_kind(kind, hidden, rng)
    x_test, y_test, _ = tasks.recall_task(n_test, gap, np.random.default_rng(10_000 + gap))

    def sample(r):
        x, y, _ = tasks.recall_task(batch, gap, r)
        return x, y

    params, hist = training.train(cell, params, sample, steps, rng, optimizer=Adam(1e-2), clip=1.0,
                                  progress=progress, desc=f"{KINDS[kind]}, gap {gap}")
    return {"accuracy": models.accuracy(cell, params, x_test, y_test), "seconds": hist["seconds"],
            "loss": hist["loss"], "params": params, "cell": cell}


def recall_experiment(gaps=(5, 10, 20, 40), kinds=tuple(KINDS), steps=400, seed=0, hidden=32, progress=True):
    """Accuracy against gap for every kind, same budget and seed for all.

    Returns {"gaps": [...], "accuracy": {kind: [...]}, "seconds": {kind: [...]}, "steps": steps,
    "trained": {kind: result of the largest gap}} (the trained models, reused for plots).
    """
    out = {"gaps": list(gaps), "steps": steps, "accuracy": {}, "seconds": {}, "trained": {}}
    for kind in kinds:
        check_option("kind", kind, KINDS)
        runs = [train_recall(kind, g, steps, seed, hidden, progress=progress) for g in gaps]
        out["accuracy"][kind] = [r["accuracy"] for r in runs]
        out["seconds"][kind] = [r["seconds"] for r in runs]
        out["trained"][kind] = runs[-1]
    return out


def accuracy_table(result):
    """The accuracies as a text table (rounded to 2 decimals), one row per model."""
    head = f"{'gap':<42}" + "".join(f"{g:>7}" for g in result["gaps"])
    rows = [head]
    for kind, accs in result["accuracy"].items():
        rows.append(f"{KINDS[kind]:<42}" + "".join(f"{a:>7.2f}" for a in accs))
    return "\n".join(rows)


def plot_accuracy_vs_gap(result, ax=None):
    """Test accuracy against the number of distractor words, one line per model."""
    if ax is None:
        _, ax = new_figure(width=6.5, height=3.2)
    for kind, accs in result["accuracy"].items():
        ax.plot(result["gaps"], accs, "o-", label=KINDS[kind], color=COLORS[kind])
    ax.axhline(1 / 6, color="grey", ls=":", label="chance (1/6)")
    ax.set_xscale("log")
    ax.set_xticks(result["gaps"], [str(g) for g in result["gaps"]])
    ax.set_ylim(0, 1.05)
    label(ax, f"Recall after {result['steps']} training batches", "gap (distractor words)", "test accuracy")
    ax.legend(fontsize=8)
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

    trained: optional {kind: {"cell", "params"}} (e.g. recall_experiment(...)["trained"]).
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
        _, ax = new_figure(width=6.5, height=3.2)
    for kind in KINDS:
        if kind in res:
            ax.semilogy(res["lag"], res[kind], label=KINDS[kind], color=COLORS[kind])
    label(ax, "How much the first words can still be learned from", "lag k (steps before the query)",
          "‖∂L/∂x_{T−k}‖ (log scale)")
    ax.legend(fontsize=8)
    return ax


def plot_jacobians(jac, cell_paths, ax=None):
    """Norm of the RNN's Jacobian product and the LSTMs' forget-gate products against k (log scale).

    cell_paths: {kind: (T,) from lstm_cell_path}.
    """
    if ax is None:
        _, ax = new_figure(width=6.5, height=3.2)
    k = np.arange(1, len(jac["product_norm"]) + 1)
    ax.semilogy(k, jac["product_norm"], label="RNN: ‖J_T ⋯ J_{T−k+1}‖", color=COLORS["rnn"])
    for kind, path in cell_paths.items():
        ax.semilogy(k, path, label=f"{KINDS[kind]}: mean Π f", color=COLORS[kind])
    label(ax, "Products of step Jacobians", "k (steps back)", "size of the product (log scale)")
    ax.legend(fontsize=8)
    return ax
