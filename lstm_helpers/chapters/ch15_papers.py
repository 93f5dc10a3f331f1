"""Chapter 15, "What the papers reported, and what we measured".

- Hochreiter & Schmidhuber 1997: the adding problem (ours is Arjovsky et al. 2016's variant) and a live run;
- Gers et al. 2000: without a forget gate the cell state grows on a stream -- illustrated with an untrained
  cell, not reproduced -- and their bias recipe (forget gate positive, input and output gates negative);
- the forget-gate bias: chapter 4's time constant 1 + e^{b_f} and the share f^{gap+1} of the clue an untrained
  memory keeps until the question; the stored grid b_f in {0, 1, 3} x b_i in {0, −3} and Tallec & Ollivier's
  chrono initialisation (``protocol``, ``make full``);
- Jozefowicz et al. 2015: the LSTM-GRU gap and the bias of 1; Le et al. 2015: the IRNN on the adding problem;
- Greff et al. 2017: which gates matter -- the stored ablations, one gate pinned open (weights 0,
  bias +40: σ(40) = 1 in floating point and its derivative ≈ 4e-18, so training leaves it there).
The comparisons follow the book's protocol: each variant at its own learning rate, five seeds.
"""
from __future__ import annotations

import textwrap

import numpy as np

from lstm_helpers.chapters import ch04_conveyor_belt as ch04
from lstm_helpers.engine import lstm
from lstm_helpers.engine.optim import Adam
from lstm_helpers.engine.validation import (
    check_number,
    check_option,
    check_positive_int,
)
from lstm_helpers.experiments import protocol, results
from lstm_helpers.figures.style import label, new_figure
from lstm_helpers.training import loop, models, tasks

ABLATIONS = ("lstm_f3_i-3", "lstm_nfg", "lstm_nig", "lstm_nog")
GAPS = (20, 50, 100)                                  # the recall gaps of the stored grid
JOZEFOWICZ = ("gru", "lstm_f0_i0", "lstm_f1_i0")      # the LSTM-GRU gap, and the bias that closes it
RNNS = ("rnn", "rnn_orth", "irnn")                    # the plain RNNs, Le et al.'s IRNN among them


def adding_until_solved(T=50, lr=1e-2, max_sequences=40_000, batch=16, hidden=32, seed=0,
                        threshold=protocol.SOLVED["adding"]):
    """Train an LSTM (b_f = 1, Adam at ``lr``, clipping 1) on the book's adding problem -- Arjovsky et al.
    2016's variant: values uniform in [0, 1], one marked in each half, the target their sum (not Hochreiter &
    Schmidhuber's 1997 task) -- until the MSE on 1000 held-out sequences is below ``threshold`` (checked
    every 20 batches).

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
    """Mean |C_t| of an untrained LSTM reading a long stream of positive inputs (uniform in [0, 1]): an
    illustration of Gers et al.'s point (the state of a cell that is never reset grows), not their experiment.

    pin_forget: True = no forget gate (f = 1, the 1997 cell), False = the usual b_f = 1.
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


def bias_reach(b_f, gaps=GAPS):
    """What a forget bias does to an untrained memory, with the weighted inputs near 0 (f ≈ σ(b_f)).

    Returns {"b_f", "f", "time_constant": 1/(1 − f) = 1 + e^{b_f} (chapter 4), "left": (len(gaps),)
    f**(gap + 1), the share of the clue's cell value still there at the question of a recall sequence
    with that gap (gap + 1 steps later)}.
    """
    m = ch04.bias_memory(check_number("b_f", b_f, -30.0, 30.0))
    steps = np.array([check_positive_int("gap", g) + 1 for g in gaps])
    return {"b_f": m["b_f"], "f": m["f"], "time_constant": m["memory_time"], "left": m["f"] ** steps}


def bias_reach_table(biases=(0, 1, 3), gaps=GAPS):
    """bias_reach as text: one row per forget bias, the share left at the question for each gap."""
    rows = [f"{'b_f':>4}{'f':>8}{'time constant':>16}   share left at the question",
            f"{'':>28}" + "".join(f"{'gap ' + str(g):>10}" for g in gaps)]
    for b in biases:
        r = bias_reach(b, gaps)
        rows.append(f"{b:>4g}{r['f']:>8.4f}{r['time_constant']:>10.1f} steps"
                    + "".join(f"{v:>10.1e}" for v in r["left"]))
    return "\n".join(rows)


def median_solved_at(summary, model, task, size):
    """Median over the seeds of the training sequences until the validation score first passed the solved
    line, at the chosen learning rate; None unless every seed passed it."""
    s = summary.get((check_option("model", model, protocol.MODELS), task, size))
    if s is None:
        raise ValueError(f"(model, task, size) must be in the summary; ({model}, {task}, {size}) is not")
    return None if None in s["solved_at"] else int(np.median(s["solved_at"]))


def rates_line(runs, model, task, size):
    """The learning rates tried for (model, task, size), largest first, the one chosen on validation in
    brackets, and whether it sits at an edge of them, e.g. "1e-2 3e-3 [1e-3] 3e-4 (interior)".
    runs: the stored list of runs."""
    found = results.group(runs).get((check_option("model", model, protocol.MODELS), task, size))
    if not found:
        raise ValueError(f"(model, task, size) must be in the stored runs; ({model}, {task}, {size}) is not")
    shown, where = results.rates_shown(found)
    return f"{shown} ({where})"


def ours_vs_theirs(summary, live_adding, stream_without, stream_with):
    """The closing comparison: [(paper, what it reports, what we measured)], every "ours" read from the
    stored run (``summary``), the live adding run (``adding_until_solved``'s dict) or the stream
    illustration (``stream_cell_state`` without and with a forget gate)."""
    def solved(m, task="recall", size=20):
        return results.solved_count(summary[(m, task, size)])

    def mse(m):
        return results.fmt_score("adding", summary[(m, "adding", 100)]["median"])

    nfg_at = median_solved_at(summary, "lstm_nfg", "adding", 100)
    chrono_at, f1_at = (median_solved_at(summary, m, "adding", 100) for m in ("lstm_chrono", "lstm_f1_i0"))
    return [
        ("Hochreiter & Schmidhuber 1997",
         "their adding task, T=100: ~74,000 sequences (mean, 10 trials)",
         (f"our variant, T=100, the cell without a forget gate (b_i=-3): {solved('lstm_nfg', 'adding', 100)}"
          f" solved, median {nfg_at:,} seqs; T={live_adding['T']} live, b_f=1: {live_adding['sequences']:,} seqs")),
        ("Gers et al. 2000",
         "without resets the cell state may grow indefinitely",
         (f"illustration (untrained cell): mean |C| {stream_without[-1]:.0f} after {len(stream_without)}"
          f" steps without a forget gate, {stream_with[-1]:.2f} with one")),
        ("Jozefowicz et al. 2015",
         "a forget bias of 1 closes the gap between the LSTM and the GRU",
         (f"recall gap 20 solved: GRU {solved('gru')}, LSTM b_f=0 {solved('lstm_f0_i0')},"
          f" b_f=1 {solved('lstm_f1_i0')}; gap 50: GRU {solved('gru', size=50)},"
          f" b_f=1 {solved('lstm_f1_i0', size=50)}")),
        ("Tallec & Ollivier 2018",
         "chrono converges 7 times faster (adding, T=750)",
         f"adding T=100, median seqs to solve: chrono {chrono_at:,}, b_f=1 {f1_at:,}"),
        ("Le et al. 2015",
         "the IRNN learns the adding problem (their setting)",
         f"IRNN, our variant, T=100: {solved('irnn', 'adding', 100)} solved, median MSE {mse('irnn')}"),
        ("Greff et al. 2017",
         ("no input gate: significantly worse on speech and handwriting, not on music;"
          " the forget gate among the most critical parts"),
         (f"no input gate: recall gap 50 {solved('lstm_nig', size=50)}, adding {solved('lstm_nig', 'adding', 100)};"
          f" no forget gate: recall {solved('lstm_nfg', size=50)}, adding {solved('lstm_nfg', 'adding', 100)}")),
    ]


def print_rows(rows, width=results.LINE):
    """ours_vs_theirs as text: the paper, then "theirs:" and "ours:" wrapped to ``width`` characters."""
    out = []
    for paper, theirs, ours in rows:
        out.append(paper)
        for tag, text in (("theirs: ", theirs), ("ours:   ", ours)):
            out += textwrap.wrap(text, width, initial_indent="  " + tag, subsequent_indent=" " * 10)
    return "\n".join(out)
