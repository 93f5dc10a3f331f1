"""The book's protocol for comparing sequence models fairly (chapters 1, 8, 12 and 15).

- Each model gets its **own learning rate**, chosen from ``LR_GRID`` on *validation* sequences
  (generated with their own seed, never the test set).
- Every model gets the **same budget** in training sequences (``steps`` batches of ``batch``).
- Every setting runs with **several seeds**; a run *solves* a task when its test score passes
  ``SOLVED`` (recall accuracy >= 0.9, adding-problem MSE < 0.01). Report the median, every seed and
  the fraction of seeds that solve.
- A run stops early once its validation score is far past that line (``STOP``): it has nothing left
  to learn, and the budget saved goes to the runs that are still learning.
- **Measured during training**, on a fixed probe batch: the gradient norm ‖∂L/∂x_{T−1−k}‖ against
  lag k at every evaluation (every 100 batches), and at a few checkpoints every unit's mean gate value
  (LSTM forget and input gate, GRU update gate) over the steps between the clue and the question.

One run is ``run(model, task, size, lr, seed)``; ``choose_lr`` and ``summarise`` turn a list of runs
into the reported numbers. ``benchmarks/full_runs.py`` (``make full``) runs the stored grid.
"""
from __future__ import annotations

import re

import numpy as np

from lstm_helpers.engine import rnn
from lstm_helpers.engine.losses import cross_entropy, init_readout, mse
from lstm_helpers.engine.optim import Adam
from lstm_helpers.engine.validation import check_dtype, check_number, check_option, check_positive_int
from lstm_helpers.training import loop, models, tasks

LR_GRID = (1e-2, 3e-3, 1e-3)                    # every setting starts here ...
LR_LADDER = (1.0, 3e-1, 1e-1, 3e-2, 1e-2, 3e-3, 1e-3, 3e-4, 1e-4, 3e-5, 1e-5)   # ... steps outwards while its choice is at an edge
TASKS = ("recall", "adding")
SOLVED = {"recall": 0.9, "adding": 0.01}        # accuracy at least / MSE below
STOP = {"recall": 0.99, "adding": 0.001}        # early stop once the validation score passes this
CHECKPOINTS = (0, 200, 500, 1000, 2000)         # batches at which the gate values are stored
LAGS = (1, 2, 5, 10, 20, 50, 100)               # lags stored for the gradient (plus the clue's lag)
V_RECALL = len(tasks.recall_vocab().tokens)


def _lstm_label(b_f, b_i):
    return f"LSTM (b_f = {b_f:g}, b_i = {b_i:g})".replace("-", "−")


# key: (label, cell, init).  The first model of each family is what the library gives (nn.RNN, nn.GRU,
# nn.LSTM: uniform weights; PyTorch's biases are small and uniform, ours 0); the others are initialisations
# that help that family keep a memory, each chosen from a paper (see ``init``).
MODELS = {"rnn": ("RNN (default)", "rnn", {}),
          "rnn_orth": ("RNN (orthogonal)", "rnn", {"init": "orthogonal"}),
          "irnn": ("IRNN (ReLU, W_hh = I)", "rnn_relu", {"init": "identity"}),
          "gru": ("GRU (default)", "gru", {}),
          "gru_z3": ("GRU (b_z = 3)", "gru", {"b_z": 3.0})}
for _bf in (0, 1, 3):
    for _bi in (0, -3):
        MODELS[f"lstm_f{_bf}_i{_bi}"] = (_lstm_label(_bf, _bi), "lstm", {"b_f": float(_bf), "b_i": float(_bi)})
MODELS["lstm_chrono"] = ("LSTM (chrono)", "lstm", {"b_f": 0.0, "b_i": 0.0, "init": "chrono"})
# Greff et al.'s ablations (chapter 15): one gate removed -- pinned open by weights 0 and bias +40
# (σ(40) = 1 in floating point, its gradient ≈ 4e-18) -- on top of the LSTM with b_f = 3, b_i = −3.
PINNED = 40.0
for _g, _name in (("f", "forget"), ("i", "input"), ("o", "output")):
    MODELS[f"lstm_n{_g}g"] = (f"no {_name} gate ({_g} = 1)", "lstm", {"b_f": 3.0, "b_i": -3.0, "pin": _g})
# Chapter 17 ("Where LSTMs stand today"): models beside the LSTM family, each at its engine's default init.
TODAY = ("minlstm", "mingru", "attention")
MODELS.update({"minlstm": ("minLSTM", "minlstm", {}), "mingru": ("minGRU", "mingru", {}),
               "attention": ("attention (1 head)", "attention", {})})
# The families compared at their best initialisation, and what each library gives by default.
FAMILIES = {"RNN": ("rnn", "rnn_orth", "irnn"), "GRU": ("gru", "gru_z3"),
            "LSTM": tuple(m for m in MODELS if m.startswith("lstm_f")) + ("lstm_chrono",)}
DEFAULTS = {"RNN": "rnn", "GRU": "gru", "LSTM": "lstm_f0_i0"}


def label(model):
    """The name the book prints for a model key, e.g. "LSTM (b_f = 3, b_i = −3)"."""
    return MODELS[check_option("model", model, MODELS)][0]


def family(model):
    """"RNN", "GRU" or "LSTM" for a model key of FAMILIES; None for an ablation."""
    check_option("model", model, MODELS)
    return next((f for f, ms in FAMILIES.items() if model in ms), None)


def math_label(model):
    """label(model) for a figure: the biases in matplotlib mathtext, e.g. "LSTM ($b_f = 3$, $b_i = -3$)"."""
    lab = re.sub(r"(b_[fiz]) = ([−-]?\d+)", lambda m: f"${m.group(1)} = {m.group(2).replace('−', '-')}$", label(model))
    return lab.replace("W_hh = I", "$W_{hh} = I$")


def seq_len(task, size):
    """Steps in one sequence: recall gap + 2 (clue, gap fillers, question), adding T."""
    return size + 2 if task == "recall" else size


def init(model, task, hidden, rng, size=None):
    """(cell, params) for a model key of MODELS on a task (input and output sizes follow the task).

    Weights are PyTorch's uniform init; biases are 0 except as the key says:
    b_f, b_i (LSTM); b_z, the update gate (GRU: h_t = z*h_{t-1} + (1-z)*h̃_t, so b_z > 0 starts it keeping
    its state); "orthogonal" (RNN: W_hh orthogonal, spectral radius 1); "identity" (Le et al. 2015's IRNN:
    ReLU, W_hh = I, input weights N(0, 0.001²)); "chrono" (Tallec & Ollivier 2018: b_f ~ log U(1, T_max − 1),
    b_i = −b_f, with T_max the sequence length: needs ``size``).
    """
    check_option("model", model, MODELS)
    check_option("task", task, TASKS)
    _, cell, kw = MODELS[model]
    D, K = (V_RECALL, tasks.N_CLASSES) if task == "recall" else (2, 1)
    extra = {"forget_bias": kw["b_f"]} if "b_f" in kw else {}
    if kw.get("init") in ("orthogonal", "identity"):
        params = {"orthogonal": rnn.init_orthogonal, "identity": rnn.init_identity}[kw["init"]](D, hidden, rng)
        params.update(init_readout(hidden, K, rng))
    else:
        params = models.init_model(cell, D, hidden, K, rng, **extra)
    if "b_i" in kw:
        params["b_i"][:] = kw["b_i"]
    if "b_z" in kw:
        params["b_z"][:] = kw["b_z"]
    if kw.get("init") == "chrono":
        if size is None:
            raise ValueError("size must be given for the chrono initialisation (it sets T_max); got None")
        params["b_f"][:] = np.log(rng.uniform(1.0, seq_len(task, size) - 1.0, size=hidden))
        params["b_i"][:] = -params["b_f"]
    if "pin" in kw:
        params = pin_gate(params, kw["pin"])
    return cell, params


def pin_gate(params, gate):
    """A copy of LSTM params with ``gate`` ("f", "i" or "o") removed: pinned open by weights 0 and bias
    PINNED (σ(40) = 1 in floating point, its gradient ≈ 4e-18, so training leaves it open)."""
    check_option("gate", gate, ("f", "i", "o"))
    p = {k: v.copy() for k, v in params.items()}
    p[f"W_{gate}"][:] = 0.0
    p[f"b_{gate}"][:] = PINNED
    return p


def data(task, size, n, role):
    """Held-out sequences with their own seed: role "val" (choosing the learning rate) or "test".

    Returns (x (T, n, D), y): recall y (n,) classes, adding y (n,) sums.
    """
    check_option("task", task, TASKS)
    check_option("role", role, ("val", "test"))
    size = check_positive_int("size", size, minimum=2)
    rng = np.random.default_rng([("val", "test").index(role) + 1, TASKS.index(task), size])
    if task == "recall":
        return tasks.recall_task(n, size, rng)[:2]
    return tasks.adding_problem(n, size, rng)


def score(cell, params, task, x, y):
    """Recall: accuracy (higher is better). Adding: mean squared error (lower is better)."""
    out = models.predict(cell, params, x)
    if task == "recall":
        return float(np.mean(out.argmax(axis=-1) == y))
    return float(np.mean((out[:, 0] - y) ** 2))


def passes(task, value, line):
    """True when a score is past a line: accuracy >= line for recall, MSE < line for adding."""
    return value >= line if task == "recall" else value < line


def input_gradients(cell, params, task, x, y):
    """‖∂L/∂x_{T−1−k}‖ for k = 0 … T−1 (mean over the batch): entry k is the word k steps before
    the question (recall: k = gap + 1 is the country).   x: (T, B, D) -> (T,)."""
    trace, out = models.forward(cell, params, x)
    if task == "recall":
        _, dout = cross_entropy(out, y)
    else:
        _, dout = mse(out[:, 0], y)
        dout = dout[:, None]
    dh = np.zeros_like(trace.h)
    dh[-1] = dout @ params["W_y"]
    dx = models.engine(cell).backward(models.cell_params(params), trace, dh)["x"]
    return np.linalg.norm(dx, axis=2).mean(axis=1)[::-1]


def gate_units(cell, params, task, x):
    """Every unit's mean value over the probe batch and the steps that carry the memory (recall:
    the filler words; adding: all steps). LSTM: forget and input gate {"f", "i"}; GRU: update gate
    {"z"}; RNN: {"abs_h"}, mean |h_t| (tanh RNN: near 1 = saturated, its derivative near 0).
    minLSTM: {"f"}, the normalised forget gate f' = f/(f+i) (its i' is 1 − f'); minGRU: {"z"}, its update
    gate, the share of the candidate *written* (the paper's convention, the opposite of the GRU's z);
    attention: {} (no gate). Each entry: (H,)."""
    if cell == "attention":
        return {}
    trace = models.engine(cell).forward(models.cell_params(params), x)
    steps = slice(1, -1) if task == "recall" else slice(None)
    if cell in ("rnn", "rnn_relu"):
        return {"abs_h": np.abs(trace.h[steps]).mean(axis=(0, 1))}
    names = {"lstm": ("f", "i"), "minlstm": ("f",)}.get(cell, ("z",))
    return {g: getattr(trace, g)[steps].mean(axis=(0, 1)) for g in names}


def probe(cell, params, task, x, y, gates=True):
    """The during-training measurement at one checkpoint: {"grad": {lag: norm}, gate: [per unit]}
    (the gates only when ``gates``). Always in float64, so gradients far below float32's range (the
    RNN's reach 1e-30) stay exact."""
    params = {k: v.astype(np.float64) for k, v in params.items()}
    x = np.asarray(x, dtype=np.float64)
    g = input_gradients(cell, params, task, x, y)
    lags = sorted({k for k in LAGS if k < len(g)} | ({len(g) - 1} if task == "recall" else set()))
    out = {"grad": {str(k): float(f"{g[k]:.4g}") for k in lags}}
    if gates:
        out.update({k: [round(float(v), 4) for v in u] for k, u in gate_units(cell, params, task, x).items()})
    return out


def run(model, task, size, lr, seed, steps=2000, batch=32, hidden=32, n_eval=500, eval_every=100,
        checkpoints=CHECKPOINTS, n_probe=64, early_stop=True, dtype=np.float64, progress=False):
    """Train one model with one learning rate and one seed; every number the protocol reports.

    size: the recall gap or the adding problem's T.  dtype: float64, or float32 (PyTorch's default;
    about 1.5x faster here, used by the stored runs); the initial weights are the same for both.  Returns a dict: the settings, "val" and "test"
    (final scores), "solved" (test passes SOLVED), "solved_at" (sequences until the validation score
    first passed SOLVED, or None), "sequences" (trained on), "stopped_early", "seconds" (a run whose loss or
    gradient stops being finite ends there and is scored with the weights it has),
    "curve" [[sequences, val score], ...] and "probes" {batch: probe(...)}: the gradient at every
    evaluation, the gate values too at the ``checkpoints`` reached and at the last batch.
    """
    check_option("model", model, MODELS)
    check_option("task", task, TASKS)
    size = check_positive_int("size", size, minimum=2)
    lr = check_number("lr", lr, low=1e-6, high=1.0)
    steps = check_positive_int("steps", steps)
    eval_every = check_positive_int("eval_every", eval_every)
    rng = np.random.default_rng(seed)
    check_dtype("dtype", dtype)
    cell, params = init(model, task, hidden, rng, size)
    params = {k: v.astype(dtype) for k, v in params.items()}
    x_val, y_val = data(task, size, n_eval, "val")
    x_test, y_test = data(task, size, n_eval, "test")
    x_val, x_test = x_val.astype(dtype), x_test.astype(dtype)
    x_probe, y_probe = x_val[:, :n_probe], y_val[:n_probe]
    probes = {0: probe(cell, params, task, x_probe, y_probe)}
    curve, done = [], [0]

    def evaluate(p):
        done[0] = min(done[0] + eval_every, steps)
        probes[done[0]] = probe(cell, p, task, x_probe, y_probe, gates=done[0] in checkpoints)
        value = score(cell, p, task, x_val, y_val)
        curve.append([done[0] * batch, round(value, 4)])
        return value

    def sample(r):
        x, y = tasks.recall_task(batch, size, r)[:2] if task == "recall" else tasks.adding_problem(batch, size, r)
        return x.astype(dtype, copy=False), y.astype(dtype, copy=False) if task == "adding" else y

    stop = (lambda v: passes(task, v, STOP[task])) if early_stop else None
    params, hist = loop.train(cell, params, sample, steps, rng, optimizer=Adam(lr), clip=1.0,
                                  loss="xent" if task == "recall" else "mse", evaluate=evaluate,
                                  eval_every=eval_every, stop=stop, progress=progress,
                                  desc=f"{label(model)}, {task} {size}, lr {lr:g}, seed {seed}")
    if "diverged" in hist:                              # training stopped at a non-finite loss: score what is left
        done[0] = hist["diverged"] - 1
        probes[done[0]] = probe(cell, params, task, x_probe, y_probe)
        curve.append([hist["sequences"], round(score(cell, params, task, x_val, y_val), 4)])
    if len(probes[done[0]]) == 1:                       # the last measurement always has the gates
        probes[done[0]] = probe(cell, params, task, x_probe, y_probe)
    test = score(cell, params, task, x_test, y_test)
    solved_at = next((s for s, v in curve if passes(task, v, SOLVED[task])), None)
    return {"model": model, "task": task, "size": size, "lr": lr, "seed": seed, "steps": steps, "batch": batch,
            "hidden": hidden, "dtype": np.dtype(dtype).name, "val": curve[-1][1], "test": round(test, 6), "solved": bool(passes(task, test, SOLVED[task])),
            "solved_at": solved_at, "sequences": hist["sequences"], "stopped_early": hist["sequences"] < steps * batch,
            "seconds": round(hist["seconds"], 2), "curve": curve, "probes": {str(k): v for k, v in probes.items()}}
