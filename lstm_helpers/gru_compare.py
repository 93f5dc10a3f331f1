"""Chapter 12, "LSTM vs GRU": parameters, speed and accuracy of the two gated cells side by side."""
from __future__ import annotations

import time

import numpy as np

from . import comparison, gru, lstm, models
from .validation import check_positive_int


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


def head_to_head(model_names=("lstm", "lstm_papers", "gru"), gap=20, T=30, seeds=(0, 1), steps=300, hidden=32,
                 progress=True):
    """Recall accuracy at ``gap`` and adding MSE at ``T`` for each model, per seed (comparison.run)."""
    out = {}
    for m in model_names:
        out[m] = {"recall": [comparison.run(m, "recall", gap, steps, seed=s, hidden=hidden, progress=progress)["score"]
                             for s in seeds],
                  "adding": [comparison.run(m, "adding", T, steps, seed=s, hidden=hidden, progress=progress)["score"]
                             for s in seeds]}
    return out


def head_to_head_table(res, gap, T):
    """Mean over seeds, rounded: accuracy to 2 decimals, MSE to 3."""
    rows = [f"{'model':<26}{'acc gap ' + str(gap):>12}{'MSE T=' + str(T):>12}"]
    for m, r in res.items():
        rows.append(f"{comparison.MODELS[m][0]:<26}{np.mean(r['recall']):>12.2f}{np.mean(r['adding']):>12.3f}")
    return "\n".join(rows)
