"""Forecasting a series one step ahead with an LSTM, against the naive "tomorrow = today" forecast
(chapters 9c and 9d): the last ``window`` values (normalised) in, the next one out."""
from __future__ import annotations

import numpy as np

from lstm_helpers.engine.optim import Adam
from lstm_helpers.engine.validation import check_array, check_number, check_positive_int
from lstm_helpers.training import loop, models


def windows(series, window):
    """Sliding windows: x (window, N, 1) of past values, y (N,) the value that follows each."""
    series = check_array("series", series, ("n",))
    window = check_positive_int("window", window)
    if series.size <= window:
        raise ValueError(f"series must be longer than window={window}; got {series.size} values")
    idx = np.arange(series.size - window)[:, None] + np.arange(window)[None]
    return series[idx].T[:, :, None], series[window:]


def fit_and_compare(series, split, window=14, hidden=32, steps=400, batch=64, lr=1e-2, seed=0,
                    progress=True):
    """Train an LSTM on series[:split] and compare on series[split:] with "tomorrow = today".

    Training: ``steps`` batches of ``batch`` random windows, Adam at ``lr``, clipping 1, MSE loss.
    The series is normalised with the training part's mean and std. Returns {"lstm_mae",
    "persistence_mae", "mean_mae" (always the training mean), "pred": test predictions, "truth"}.
    """
    series = check_array("series", series, ("n",))
    lr = check_number("lr", lr, low=1e-6, high=1.0)
    if not window < split < series.size - 1:
        raise ValueError(f"split must lie between window={window} and len(series)-1={series.size - 1}; got {split}")
    mu, sd = series[:split].mean(), series[:split].std()
    z = (series - mu) / sd
    x_tr, y_tr = windows(z[:split], window)
    x_te, y_te = windows(z[split - window:], window)
    rng = np.random.default_rng(seed)
    p = models.init_model("lstm", 1, hidden, 1, rng, forget_bias=1.0)

    def sample(r):
        k = r.integers(0, x_tr.shape[1], size=batch)
        return x_tr[:, k], y_tr[k]

    p, _ = loop.train("lstm", p, sample, steps, rng, optimizer=Adam(lr), clip=1.0, loss="mse",
                          progress=progress, desc="training the forecaster")
    pred = models.predict("lstm", p, x_te)[:, 0] * sd + mu
    truth = y_te * sd + mu
    today = x_te[-1, :, 0] * sd + mu
    return {"lstm_mae": float(np.mean(np.abs(pred - truth))), "persistence_mae": float(np.mean(np.abs(today - truth))),
            "mean_mae": float(np.mean(np.abs(mu - truth))), "pred": pred, "truth": truth, "today": today}

