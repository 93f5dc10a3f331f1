"""Chapter 8, "Why LSTM beats RNN -- with numbers": RNN, GRU and LSTM measured in one run.

Same hidden size, optimiser (Adam 1e-2, clipping 1), budget and seeds for every model, on the
recall task (accuracy) and the adding problem (test MSE; predicting 1.0 scores ≈ 0.167).
"""
from __future__ import annotations

import numpy as np

from . import forgetting, models, tasks, training
from .optim import Adam
from .plotting import label, new_figure
from .validation import check_option, check_positive_int

MODELS = {
    "rnn": ("RNN", "rnn", {}),
    "gru": ("GRU", "gru", {}),
    "lstm": ("LSTM (b_f = 1)", "lstm", {"forget_bias": 1.0}),
    "lstm_papers": ("LSTM (b_f = 3, b_i = −3)", "lstm", {"forget_bias": 3.0}),
}
V_RECALL = len(tasks.recall_vocab().tokens)


def init(model, input_size, hidden, output_size, rng):
    """(cell, params) for one of MODELS."""
    check_option("model", model, MODELS)
    _, cell, kw = MODELS[model]
    params = models.init_model(cell, input_size, hidden, output_size, rng, **kw)
    if model == "lstm_papers":
        params["b_i"][:] = -3.0
    return cell, params


def run(model, task, size, steps=300, batch=32, seed=0, hidden=32, n_test=500, progress=False):
    """Train one model on one task; returns {"score", "seconds"}.

    task "recall": size = gap, score = test accuracy.  task "adding": size = T, score = test MSE.
    """
    check_option("task", task, ("recall", "adding"))
    size = check_positive_int("size", size, minimum=1)
    rng = np.random.default_rng(seed)
    test_rng = np.random.default_rng(50_000 + size)
    if task == "recall":
        cell, p = init(model, V_RECALL, hidden, 6, rng)
        x_test, y_test, _ = tasks.recall_task(n_test, size, test_rng)
        sample = lambda r: tasks.recall_task(batch, size, r)[:2]          # noqa: E731
        loss = "xent"
    else:
        cell, p = init(model, 2, hidden, 1, rng)
        x_test, y_test = tasks.adding_problem(n_test, size, test_rng)
        sample = lambda r: tasks.adding_problem(batch, size, r)           # noqa: E731
        loss = "mse"
    p, hist = training.train(cell, p, sample, steps, rng, optimizer=Adam(1e-2), clip=1.0, loss=loss,
                             progress=progress, desc=f"{MODELS[model][0]}, {task} {size}, seed {seed}")
    if task == "recall":
        score = models.accuracy(cell, p, x_test, y_test)
    else:
        score = float(np.mean((models.predict(cell, p, x_test)[:, 0] - y_test) ** 2))
    return {"score": score, "seconds": hist["seconds"]}


def gradient_at_lag(model, lag=50, hidden=32, n=64, seed=0):
    """‖∂L/∂x_{T−lag}‖ at initialisation on recall sequences of gap ``lag`` (mean over n sequences)."""
    rng = np.random.default_rng(seed)
    cell, p = init(model, V_RECALL, hidden, 6, rng)
    x, y, _ = tasks.recall_task(n, lag, rng)
    return float(forgetting.input_gradient_norms(cell, p, x, y)[-1 - lag])


def compare(model_names=tuple(MODELS), recall_gaps=(10, 40), adding_T=(50,), seeds=(0, 1, 2), steps=300,
            hidden=32, progress=True):
    """The whole table. Returns {model: {"params", "grad_lag50", ("recall", g) / ("adding", T): {"scores",
    "seconds"}}} plus the settings under "settings"."""
    out = {"settings": dict(recall_gaps=list(recall_gaps), adding_T=list(adding_T), seeds=list(seeds),
                            steps=steps, hidden=hidden)}
    for m in model_names:
        cell, p = init(m, V_RECALL, hidden, 6, np.random.default_rng(0))
        row = {"params": models.n_params(models.cell_params(p)), "grad_lag50": gradient_at_lag(m, 50, hidden)}
        for task, sizes in (("recall", recall_gaps), ("adding", adding_T)):
            for size in sizes:
                runs = [run(m, task, size, steps, seed=s, hidden=hidden, progress=progress) for s in seeds]
                row[(task, size)] = {"scores": [r["score"] for r in runs], "seconds": [r["seconds"] for r in runs]}
        out[m] = row
    return out


def to_json(results):
    """``compare``'s results with string keys ("recall 10", "adding 50"), for a stored run (JSON)."""
    return {m: (row if m == "settings" else {(f"{k[0]} {k[1]}" if isinstance(k, tuple) else k): v
                                            for k, v in row.items()})
            for m, row in results.items()}


def from_json(stored):
    """The inverse of ``to_json``: a stored run back in ``compare``'s format (for ``table`` and ``plot``)."""
    if not isinstance(stored, dict) or "settings" not in stored:
        raise ValueError("stored must be a dict written by comparison.to_json (with a 'settings' entry)")

    def key(k):
        task, _, size = k.partition(" ")
        return (task, int(size)) if task in ("recall", "adding") and size.isdigit() else k

    return {m: (row if m == "settings" else {key(k): v for k, v in row.items()}) for m, row in stored.items()}


def table(results, mse_format=".3f"):
    """Text table: mean ± std of every score, cell parameter count, gradient at lag 50.

    Accuracies have 2 decimals; MSEs use ``mse_format`` (e.g. ".1e" when they are tiny).
    """
    s = results["settings"]
    cols = [("recall", g) for g in s["recall_gaps"]] + [("adding", T) for T in s["adding_T"]]
    heads = [("acc gap " if t == "recall" else "MSE T=") + str(n) for t, n in cols]
    body = {}
    for m, (name, _, _) in MODELS.items():
        if m in results:
            fmts = [".2f" if c[0] == "recall" else mse_format for c in cols]
            body[name] = [f"{np.mean(results[m][c]['scores']):{f}} ± {np.std(results[m][c]['scores']):{f}}"
                          for c, f in zip(cols, fmts)]
    widths = [max([len(h)] + [len(cells[k]) for cells in body.values()]) + 3 for k, h in enumerate(heads)]
    rows = [f"{'model':<26}{'params':>8}" + "".join(h.rjust(w) for h, w in zip(heads, widths)) + f"{'|dL/dx| lag 50':>16}"]
    for m, (name, _, _) in MODELS.items():
        if m in results:
            cells = "".join(c.rjust(w) for c, w in zip(body[name], widths))
            rows.append(f"{name:<26}{results[m]['params']:>8}{cells}{results[m]['grad_lag50']:>16.1e}")
    return "\n".join(rows)


def seconds_table(results):
    """Mean training seconds per run, per model and column (not in checked output: it varies)."""
    s = results["settings"]
    cols = [("recall", g) for g in s["recall_gaps"]] + [("adding", T) for T in s["adding_T"]]
    rows = []
    for m, (name, _, _) in MODELS.items():
        if m in results:
            rows.append(f"{name:<26}" + "".join(f"{np.mean(results[m][c]['seconds']):>8.2f} s" for c in cols))
    return "\n".join(rows)


def plot(results, axes=None):
    """Bars: recall accuracy per gap and adding-problem MSE per T, mean with std error bars."""
    s = results["settings"]
    names = [m for m in MODELS if m in results]
    if axes is None:
        _, axes = new_figure(1, 2, width=9, height=3.2)
    for ax, task, sizes, ylabel in ((axes[0], "recall", s["recall_gaps"], "test accuracy"),
                                    (axes[1], "adding", s["adding_T"], "test MSE")):
        width = 0.8 / len(names)
        for k, m in enumerate(names):
            means = [np.mean(results[m][(task, n)]["scores"]) for n in sizes]
            stds = [np.std(results[m][(task, n)]["scores"]) for n in sizes]
            ax.bar(np.arange(len(sizes)) + (k - (len(names) - 1) / 2) * width, means, width, yerr=stds,
                   label=MODELS[m][0], capsize=3)
        ax.set_xticks(np.arange(len(sizes)), [f"{'gap' if task == 'recall' else 'T'} {n}" for n in sizes])
        if task == "adding":
            ax.axhline(1 / 6, color="grey", ls=":", label="predict 1.0")
        label(ax, "Recall task" if task == "recall" else "Adding problem", None, ylabel)
    axes[1].legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return axes
