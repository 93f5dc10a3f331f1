"""Chapter 12, "LSTM vs GRU": parameters, speed and accuracy of the two gated cells side by side.

Accuracy comes from the stored protocol run (``make full``): each cell at its own learning rate,
chosen on validation sequences, five seeds, the same budget.
"""
from __future__ import annotations

import time

import numpy as np

from lstm_helpers.engine import gru, lstm
from lstm_helpers.engine.validation import check_positive_int
from lstm_helpers.experiments import results
from lstm_helpers.training import models


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


MODELS = ("gru", "lstm_f0_i0", "lstm_f1_i0", "lstm_f3_i-3")
SETTINGS = (("recall", 20), ("recall", 50), ("recall", 100), ("adding", 100))


def head_to_head_table(summary, model_keys=MODELS, settings=SETTINGS):
    """The stored run's GRU and LSTM rows: median test score, seeds solved, chosen learning rate."""
    return results.table(summary, model_keys, settings)
