"""Chapter 14, "Backpropagation through time": the gradient along the cell state, truncation, clipping."""
from __future__ import annotations

import numpy as np

from . import gradcheck, lstm, models, tasks, training
from .losses import cross_entropy
from .optim import Adam
from .validation import check_array, check_number, check_positive_int, check_rng


def cell_gradient_vs_lag(forget_bias, T=100, hidden=32, batch=16, seed=0):
    """‖∂L/∂C_{T−k}‖ for k = 0 … T−1, L = Σ R·h_T (a fixed random read-out of the last output).

    Exact: ∂L/∂C_{T−k} is the gradient of L with respect to the starting memory of the last k steps,
    which ``lstm.backward`` returns as "c0" when run on that suffix from the stored states.
    Also returns the prediction from the forget gates alone: mean over units of Π f along the path.
    Returns {"k": (T,), "norm": (T,), "forget_product": (T,)}.
    """
    T, hidden, batch = (check_positive_int(n, v) for n, v in (("T", T), ("hidden", hidden), ("batch", batch)))
    forget_bias = check_number("forget_bias", forget_bias, -10, 10)
    rng = np.random.default_rng(seed)
    p = lstm.init_params(4, hidden, rng, forget_bias=forget_bias)
    x = rng.standard_normal((T, batch, 4))
    R = rng.standard_normal((batch, hidden))
    tr = lstm.forward(p, x)
    norm, prod = np.empty(T), np.empty(T)
    for k in range(T):
        start = T - k                                     # the suffix x[start:] follows C_{start-1}
        h0, c0 = (tr.h0, tr.c0) if start == 0 else (tr.h[start - 1], tr.c[start - 1])
        if k == 0:
            dh_T = R * tr.o[-1] * (1 - np.tanh(tr.c[-1]) ** 2)
            norm[k], prod[k] = np.linalg.norm(dh_T) / np.sqrt(batch), 1.0
            continue
        sub = lstm.forward(p, x[start:], h0, c0)
        dh = np.zeros_like(sub.h)
        dh[-1] = R
        g = lstm.backward(p, sub, dh)["c0"]
        norm[k] = np.linalg.norm(g) / np.sqrt(batch)
        prod[k] = np.prod(tr.f[start:], axis=0).mean()
    return {"k": np.arange(T), "norm": norm, "forget_product": prod}


def gradcheck_small(seed=0):
    """Relative errors of lstm.backward against finite differences for a tiny LSTM (every array)."""
    rng = np.random.default_rng(seed)
    p = {k: v + 0.3 * rng.standard_normal(v.shape) for k, v in lstm.init_params(3, 4, rng).items()}
    x, R = rng.standard_normal((6, 2, 3)), rng.standard_normal((6, 2, 4))
    g = lstm.backward(p, lstm.forward(p, x), R)
    return gradcheck.gradcheck(lambda: float((lstm.forward(p, x).h * R).sum()), {**p, "x": x}, g)


def truncated_grads(params, x, dh, window):
    """Truncated BPTT: gradients of chunks of ``window`` steps, states carried, gradients not.

    x: (T, B, D), dh: (T, B, H). Returns grads with params' keys plus "x" (T, B, D).
    With window ≥ T this equals ``lstm.backward``.
    """
    D, H = lstm.sizes(params)
    x = check_array("x", x, ("T", "B", D))
    dh = check_array("dh", dh, (x.shape[0], x.shape[1], H))
    window = check_positive_int("window", window)
    total = {k: np.zeros_like(v) for k, v in params.items()}
    dx = np.zeros_like(x)
    h0 = c0 = None
    for s in range(0, x.shape[0], window):
        tr = lstm.forward(params, x[s:s + window], h0, c0)
        g = lstm.backward(params, tr, dh[s:s + window])
        for k in total:
            total[k] += g[k]
        dx[s:s + window] = g["x"]
        h0, c0 = tr.h[-1], tr.c[-1]                       # carry the states, not the gradient
    total["x"] = dx
    return total


def first_word_gradient(window, gap=20, hidden=16, seed=0):
    """‖∂L/∂x_0‖ (the country) for a recall batch under truncated BPTT with ``window``.

    L = cross-entropy at the query. Zero whenever the window does not reach back to the first word.
    """
    rng = np.random.default_rng(seed)
    p = models.init_model("lstm", len(tasks.recall_vocab().tokens), hidden, 6, rng)
    x, y, _ = tasks.recall_task(32, gap, rng)
    trace, logits = models.forward("lstm", p, x)
    _, dlogits = cross_entropy(logits, y)
    dh = np.zeros_like(trace.h)
    dh[-1] = dlogits @ p["W_y"]
    g = truncated_grads(models.cell_params(p), x, dh, window)
    return float(np.linalg.norm(g["x"][0]))


def nudge_last_bit(params, rng):
    """Every entry moved to the next float up or down, or left alone (one third each, at random).

    A change of one unit in the last place: the size of the differences between two CPUs'
    arithmetic kernels. Returns a new dict in the same dtypes; ``params`` is not changed.
    """
    check_rng("rng", rng)
    out = {}
    for k, v in params.items():
        u = rng.integers(-1, 2, size=np.shape(v))                  # −1, 0 or +1
        towards = np.where(u > 0, np.inf, -np.inf).astype(v.dtype)
        out[k] = np.where(u == 0, v, np.nextafter(v, towards))
    return out


def clipping_experiment(clip, gap=10, steps=200, hidden=32, lr=0.05, seed=0, nudge=None):
    """Train an RNN on the recall task with a large learning rate, with or without clipping.

    clip: the gradient-norm limit, or None for no clipping.
    nudge: None, or a seed: the initial weights then go through ``nudge_last_bit`` with that seed
    (the run is otherwise identical), to see how much a last-bit difference changes the run.
    Returns {"grad_norm": (steps,) norms before clipping, "loss": (steps,), "accuracy": on 500
    test sequences, "spike_ratio": max/median of grad_norm, "spike_step": where the max is}.
    """
    if clip is not None:
        clip = check_number("clip", clip, 1e-12)
    gap, steps, hidden = (check_positive_int(n, v) for n, v in (("gap", gap), ("steps", steps), ("hidden", hidden)))
    lr = check_number("lr", lr, 1e-12, 10)
    rng = np.random.default_rng(seed)
    V = len(tasks.recall_vocab().tokens)
    p = models.init_model("rnn", V, hidden, 6, rng)
    if nudge is not None:
        p = nudge_last_bit(p, np.random.default_rng(check_positive_int("nudge", nudge, minimum=0)))
    x_test, y_test, _ = tasks.recall_task(500, gap, np.random.default_rng(77))
    p, hist = training.train("rnn", p, lambda r: tasks.recall_task(32, gap, r)[:2], steps, rng,
                             optimizer=Adam(lr), clip=clip, progress=False)
    g = np.array(hist["grad_norm"])
    return {"grad_norm": g, "loss": np.array(hist["loss"]), "spike_ratio": float(g.max() / np.median(g)),
            "spike_step": int(g.argmax()), "accuracy": models.accuracy("rnn", p, x_test, y_test)}


def plot_cell_gradients(results, ax=None):
    """‖∂L/∂C_{T−k}‖ (solid) and the forget-gate product (dashed) against k, per forget bias."""
    from .plotting import PALETTE, label, new_figure

    if ax is None:
        _, ax = new_figure(width=7, height=3.2)
    for color, (fb, r) in zip(PALETTE, results.items()):
        ax.semilogy(r["k"][1:], r["norm"][1:], color=color,
                    label=rf"$b_f = {fb:g}$: $\|\partial L/\partial C_{{T-k}}\|$")
        ax.semilogy(r["k"][1:], r["forget_product"][1:], color=color, ls="--",
                    label=rf"$b_f = {fb:g}$: mean $\Pi f$")
    label(ax, "Gradient along the cell state", r"$k$ (steps back from the loss)", "size (log scale)")
    ax.legend(fontsize=9, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return ax


def plot_grad_norms(runs, ax=None):
    """Gradient norm (before clipping) at every training step, one line per run, log scale."""
    from .plotting import label, new_figure

    if ax is None:
        _, ax = new_figure(width=7, height=3.0)
    for name, r in runs.items():
        ax.semilogy(r["grad_norm"], label=name, lw=1)
    label(ax, "Gradient norm during training", "training step", r"$\|g\|$ before clipping (log scale)")
    ax.legend(fontsize=9)
    return ax
