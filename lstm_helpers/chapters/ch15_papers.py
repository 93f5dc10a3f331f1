"""Chapter 15, "What the papers reported, and what we measured".

- Hochreiter & Schmidhuber 1997: sequences needed to solve the adding problem;
- Gers et al. 2000: without a forget gate, the cell state grows without bound on a stream;
- Jozefowicz et al. 2015: the forget-gate bias -- the stored initialisation grid b_f in {0, 1, 3} x
  b_i in {0, −3} (``protocol``, ``make full``);
- Greff et al. 2017: which gates matter -- the stored ablations, one gate pinned open (weights 0,
  bias +40: σ(40) = 1 in floating point and its derivative ≈ 4e-18, so training leaves it there).
The comparisons follow the book's protocol: each variant at its own learning rate, five seeds.
"""
from __future__ import annotations

import numpy as np

from lstm_helpers.engine import lstm
from lstm_helpers.engine.optim import Adam
from lstm_helpers.engine.validation import check_number, check_positive_int
from lstm_helpers.experiments import protocol, results
from lstm_helpers.figures.style import label, new_figure
from lstm_helpers.training import loop, models, tasks

ABLATIONS = ("lstm_f3_i-3", "lstm_nfg", "lstm_nig", "lstm_nog")


def adding_until_solved(T=50, lr=1e-2, max_sequences=40_000, batch=16, hidden=32, seed=0,
                        threshold=protocol.SOLVED["adding"]):
    """H&S-style run: train an LSTM (b_f = 1, Adam at ``lr``, clipping 1) on the adding problem until
    the test MSE on 1000 held-out sequences is below ``threshold`` (checked every 20 batches).

    Returns {"T", "solved", "sequences", "test_mse", "seconds", "threshold"}.
    """
    T = check_positive_int("T", T, minimum=2)
    lr = check_number("lr", lr, low=1e-6, high=1.0)
    rng = np.random.default_rng(seed)
    x_test, y_test = protocol.data("adding", T, 1000, "test")
    p = models.init_model("lstm", 2, hidden, 1, rng, forget_bias=1.0)

    def evaluate(q):
        return protocol.score("lstm", q, "adding", x_test, y_test)

    _, hist = loop.train("lstm", p, lambda r: tasks.adding_problem(batch, T, r), max_sequences // batch, rng,
                             optimizer=Adam(lr), clip=1.0, loss="mse", evaluate=evaluate, eval_every=20,
                             stop=lambda v: v < threshold, progress=False)
    _, seqs, mse = hist["eval"][-1]
    return {"T": T, "solved": mse < threshold, "sequences": seqs, "test_mse": mse, "seconds": hist["seconds"],
            "threshold": threshold}


def stream_cell_state(pin_forget, T=2000, hidden=8, seed=0):
    """Mean |C_t| of an untrained LSTM reading a long stream of positive inputs (uniform in [0, 1]).

    pin_forget: True = no forget gate (f = 1, Gers et al.'s baseline), False = the usual b_f = 1.
    Returns (T,) mean absolute cell state per step.
    """
    T = check_positive_int("T", T)
    rng = np.random.default_rng(seed)
    p = lstm.init_params(3, hidden, rng, forget_bias=1.0)
    if pin_forget:
        p = protocol.pin_gate(p, "f")
    x = rng.uniform(0.0, 1.0, size=(T, 1, 3))
    return np.abs(lstm.forward(p, x).c[:, 0]).mean(axis=1)


def plot_stream(with_forget, without_forget, ax=None):
    """|C_t| against t for the two stream runs (log-log)."""
    if ax is None:
        _, ax = new_figure(height=3.0)
    t = np.arange(1, len(with_forget) + 1)
    ax.loglog(t, without_forget, label="no forget gate (f = 1)", color="#D55E00")
    ax.loglog(t, with_forget, label="with forget gate (b_f = 1)", color="#0072B2")
    label(ax, "A continual stream: the cell state", "time step t", "mean |C_t| (log)")
    ax.legend(fontsize=8)
    return ax


def init_grid_table(summary, gaps=(20, 50, 100)):
    """The stored initialisation grid: rows b_f, columns b_i at each gap; each cell "seeds solved
    median accuracy", e.g. "5/5 1.00". Two header lines: the gap, then b_i under it."""
    rows = [f"{'':<8}" + "".join(f"  {'gap ' + str(g):^20}" for g in gaps).rstrip(),
            f"{'':<8}" + "".join(f"  {'b_i = 0':>10}{'b_i = −3':>10}" for _ in gaps)]
    for b_f in (0, 1, 3):
        cells = []
        for g in gaps:
            for b_i in (0, -3):
                s = summary.get((f"lstm_f{b_f}_i{b_i}", "recall", g))
                cells.append("–" if s is None else f"{results.solved_count(s)} {s['median']:.2f}")
        pairs = zip(cells[::2], cells[1::2])
        rows.append(f"b_f = {b_f:<2}" + "".join(f"  {a:>10}{b:>10}" for a, b in pairs))
    return "\n".join(rows)
