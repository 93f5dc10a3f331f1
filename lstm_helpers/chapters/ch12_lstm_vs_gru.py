"""Chapter 12, "LSTM vs GRU": the two gated cells side by side -- parameters, speed, and the GRU's
update-gate bias read as its forget bias.

In this book's GRU, h_t = z_t*h_{t-1} + (1 - z_t)*h̃_t, so the update gate z plays the forget gate's
role: with the weighted inputs near 0, z ≈ σ(b_z) and an untrained memory lasts about 1/(1 − z) =
1 + e^{b_z} steps (chapter 4's time constant). The comparison of the trained models is chapter 8's
(the stored protocol run); this chapter quotes one line of it.
"""
from __future__ import annotations

import time

import numpy as np

from lstm_helpers.chapters import ch04_conveyor_belt as ch04
from lstm_helpers.engine import gru, lstm
from lstm_helpers.engine.validation import (
    check_array,
    check_number,
    check_option,
    check_positive_int,
)
from lstm_helpers.experiments import protocol, results
from lstm_helpers.training import models

GRUS = ("gru", "gru_z3")          # the stored run's GRUs: b_z = 0 (the default) and b_z = 3


def param_rows(sizes=((17, 32), (100, 256), (300, 1024))):
    """(D, H, LSTM params, GRU params, ratio) for each (D, H)."""
    return [(D, H, lstm.n_params(D, H), gru.n_params(D, H), gru.n_params(D, H) / lstm.n_params(D, H))
            for D, H in sizes]


def step_time(cell, B=32, T=50, D=16, H=64, repeats=20, seed=0):
    """Median seconds of one forward + backward of the engine for ``cell`` ("lstm" or "gru")."""
    B, T, D, H, repeats = (check_positive_int(n, v) for n, v in
                           (("B", B), ("T", T), ("D", D), ("H", H), ("repeats", repeats)))
    engine = models.engine(cell)
    rng = np.random.default_rng(seed)
    p = engine.init_params(D, H, rng)
    x, dh = rng.standard_normal((T, B, D)), rng.standard_normal((T, B, H))
    times = []
    for _ in range(repeats + 1):
        t = time.perf_counter()
        engine.backward(p, engine.forward(p, x), dh)
        times.append(time.perf_counter() - t)
    return float(np.median(times[1:]))


def update_bias_memory(b_z, steps):
    """How long an update gate with pre-activation b_z (its bias, inputs aside) keeps the GRU's state.

    steps: how many steps the memory must last (recall: gap + 1, from the clue to the question).
    Returns {"b_z", "z": σ(b_z), "time_constant": 1/(1 − z) = 1 + e^{b_z}, "half_life": ln 2/(−ln z),
    "left": z**steps, the part of the state still there after ``steps`` steps}, all floats.
    """
    b_z = check_number("b_z", b_z, -30.0, 30.0)
    steps = check_positive_int("steps", steps)
    m = ch04.bias_memory(b_z)                     # the same arithmetic as a forget gate f = σ(b_f)
    return {"b_z": m["b_f"], "z": m["f"], "time_constant": m["memory_time"], "half_life": m["half_life"],
            "left": m["f"] ** steps}


def mean_update_gate(params, x):
    """Mean update gate z_t of a GRU over the batch, the units and the filler steps (all but the first
    and the last step: the clue and the question).   params: a GRU cell's params; x: (T, B, D), T >= 3."""
    D, _ = gru.sizes(params)
    x = check_array("x", x, ("T", "B", D))
    if x.shape[0] < 3:
        raise ValueError(f"x must have at least 3 steps (clue, filler, question); got {x.shape[0]}")
    return float(gru.forward(params, x).z[1:-1].mean())


def untrained_update_gates(model, gap, seeds=(0, 1, 2, 3, 4), n=64):
    """Measured, not assumed: for each seed, an untrained GRU of the stored run (``model`` in GRUS,
    initialised as ``protocol.init`` does, H = 32) reads ``n`` recall validation sequences with this
    ``gap``; returns (len(seeds),) its mean update gate over the filler words."""
    check_option("model", model, GRUS)
    gap = check_positive_int("gap", gap)
    x, _ = protocol.data("recall", gap, check_positive_int("n", n), "val")
    out = []
    for seed in seeds:
        _, p = protocol.init(model, "recall", 32, np.random.default_rng(seed))
        out.append(mean_update_gate(models.cell_params(p), x))
    return np.array(out)


def solved_line(runs, model, task="recall", size=100):
    """One line of the stored run for (model, task, size): seeds solved at the learning rate chosen on
    validation, and every rate tried (largest first), e.g.
    "GRU (b_z = 3)   5/5 solved, lr 1e-1 of 1e-1 3e-2 1e-2 3e-3 1e-3".   runs: the stored list of runs."""
    check_option("model", model, protocol.MODELS)
    found = results.group(runs).get((model, task, size))
    if not found:
        raise ValueError(f"(model, task, size) must be in the stored runs; ({model}, {task}, {size}) is not")
    s = results.summarise(found)[(model, task, size)]
    _, tried, _ = results.lr_status(found)
    rates = " ".join(results.fmt_lr(lr) for lr in tried)
    return f"{protocol.label(model):<15}{results.solved_count(s)} solved, lr {results.fmt_lr(s['lr'])} of {rates}"
