"""Chapter 15, "What the papers reported, and what we measured".

- Hochreiter & Schmidhuber 1997: sequences needed to solve the adding problem;
- Gers et al. 2000: without a forget gate, the cell state grows without bound on a stream;
- Jozefowicz et al. 2015: forget-gate bias 0 vs 1 (vs 3);
- Greff et al. 2017: which gates matter -- ablations by pinning a gate open.
A gate is removed ("pinned open") by a bias of +40 and zero weights: σ(40) = 1 to machine precision
and its derivative (≈ 4e-18) is zero for all practical purposes, so training leaves it there.
"""
from __future__ import annotations

import numpy as np

from . import comparison, lstm, models, tasks, training
from .optim import Adam
from .plotting import label, new_figure
from .validation import check_option, check_positive_int

PINNED = 40.0
VARIANTS = {"vanilla": "LSTM (b_f = 3, b_i = −3)", "NFG": "no forget gate (f = 1)",
            "NIG": "no input gate (i = 1)", "NOG": "no output gate (o = 1)"}


def pin_gate(params, gate):
    """A copy of LSTM params with ``gate`` ("f", "i" or "o") pinned open: weights 0, bias +40."""
    check_option("gate", gate, ("f", "i", "o"))
    p = {k: v.copy() for k, v in params.items()}
    p[f"W_{gate}"][:] = 0.0
    p[f"b_{gate}"][:] = PINNED
    return p


def adding_until_solved(T=50, max_sequences=40_000, batch=16, hidden=32, seed=0, threshold=0.01):
    """H&S-style run: train an LSTM (b_f = 1, Adam 1e-2, clipping 1) on the adding problem until the test
    MSE on 1000 held-out sequences is below ``threshold`` (checked every 20 batches).

    Returns {"T", "solved", "sequences", "test_mse", "seconds"}.
    """
    T = check_positive_int("T", T, minimum=2)
    rng = np.random.default_rng(seed)
    x_test, y_test = tasks.adding_problem(1000, T, np.random.default_rng(seed + 1000))
    p = models.init_model("lstm", 2, hidden, 1, rng, forget_bias=1.0)

    def evaluate(q):
        return float(np.mean((models.predict("lstm", q, x_test)[:, 0] - y_test) ** 2))

    _, hist = training.train("lstm", p, lambda r: tasks.adding_problem(batch, T, r), max_sequences // batch, rng,
                             optimizer=Adam(1e-2), clip=1.0, loss="mse", evaluate=evaluate, eval_every=20,
                             stop=lambda v: v < threshold, progress=False)
    _, seqs, mse = hist["eval"][-1]
    return {"T": T, "solved": mse < threshold, "sequences": seqs, "test_mse": mse, "seconds": hist["seconds"]}


def stream_cell_state(pin_forget, T=2000, hidden=8, seed=0):
    """Mean |C_t| of an untrained LSTM reading a long stream of positive inputs (uniform in [0, 1]).

    pin_forget: True = no forget gate (f = 1, Gers et al.'s baseline), False = the usual b_f = 1.
    Returns (T,) mean absolute cell state per step.
    """
    T = check_positive_int("T", T)
    rng = np.random.default_rng(seed)
    p = lstm.init_params(3, hidden, rng, forget_bias=1.0)
    if pin_forget:
        p = pin_gate(p, "f")
    x = rng.uniform(0.0, 1.0, size=(T, 1, 3))
    return np.abs(lstm.forward(p, x).c[:, 0]).mean(axis=1)


def plot_stream(with_forget, without_forget, ax=None):
    """|C_t| against t for the two stream runs (log-log)."""
    if ax is None:
        _, ax = new_figure(width=6.5, height=3.0)
    t = np.arange(1, len(with_forget) + 1)
    ax.loglog(t, without_forget, label="no forget gate (f = 1)", color="#D55E00")
    ax.loglog(t, with_forget, label="with forget gate (b_f = 1)", color="#0072B2")
    label(ax, "A continual stream: the cell state", "time step t", "mean |C_t| (log)")
    ax.legend(fontsize=8)
    return ax


def forget_bias_ablation(biases=(0.0, 1.0, 3.0), gap=20, seeds=(0, 1), steps=300, hidden=32):
    """Recall accuracy (gap ``gap``) for LSTMs that differ only in the initial forget bias.

    Returns {bias: [accuracy per seed]}.
    """
    out = {}
    V = comparison.V_RECALL
    for b in biases:
        accs = []
        for s in seeds:
            rng = np.random.default_rng(s)
            p = models.init_model("lstm", V, hidden, 6, rng, forget_bias=b)
            p, _ = training.train("lstm", p, lambda r: tasks.recall_task(32, gap, r)[:2], steps, rng,
                                  optimizer=Adam(1e-2), clip=1.0, progress=False)
            x, y, _ = tasks.recall_task(500, gap, np.random.default_rng(10_000 + gap))
            accs.append(models.accuracy("lstm", p, x, y))
        out[b] = accs
    return out


def gate_ablation(variants=tuple(VARIANTS), T=30, gap=20, steps=300, hidden=32, seed=0):
    """Greff et al.-style ablation: each variant on the adding problem (MSE) and recall (accuracy).

    The base is the LSTM that solves both tasks in this budget (chapter 8): b_f = 3, b_i = −3;
    each variant pins one gate open on top of it.

    Returns {variant: {"adding": MSE, "recall": accuracy}}.
    """
    out = {}
    for v in variants:
        check_option("variant", v, VARIANTS)
        scores = {}
        for task, size, D, K in (("adding", T, 2, 1), ("recall", gap, comparison.V_RECALL, 6)):
            rng = np.random.default_rng(seed)
            p = models.init_model("lstm", D, hidden, K, rng, forget_bias=3.0)
            p["b_i"][:] = -3.0
            if v != "vanilla":
                p = pin_gate(p, v[1].lower())
            if task == "adding":
                sample, loss = (lambda r: tasks.adding_problem(32, size, r)), "mse"
            else:
                sample, loss = (lambda r: tasks.recall_task(32, size, r)[:2]), "xent"
            p, _ = training.train("lstm", p, sample, steps, rng, optimizer=Adam(1e-2), clip=1.0, loss=loss,
                                  progress=False)
            if task == "adding":
                x, y = tasks.adding_problem(500, size, np.random.default_rng(77))
                scores[task] = float(np.mean((models.predict("lstm", p, x)[:, 0] - y) ** 2))
            else:
                x, y, _ = tasks.recall_task(500, size, np.random.default_rng(77))
                scores[task] = models.accuracy("lstm", p, x, y)
        out[v] = scores
    return out
