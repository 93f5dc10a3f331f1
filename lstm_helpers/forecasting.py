"""Chapter 9c/9d: forecasting a real series (Seattle's daily maximum temperature) and a random walk.

An LSTM reads the last ``window`` days (normalised) and predicts the next one; it is compared with
the naive "tomorrow = today" forecast. On a random walk, today *is* the best forecast of tomorrow,
and the chapter measures that an LSTM cannot beat it.
"""
from __future__ import annotations

import csv
import pathlib

import numpy as np

from . import models, training
from .optim import Adam
from .plotting import label, new_figure
from .validation import check_array, check_number, check_positive_int

DATA = pathlib.Path(__file__).with_name("data") / "seattle_weather.csv"


def load_seattle():
    """(dates: list of "YYYY/MM/DD", temp_max: (1461,) °C) from the shipped NOAA file."""
    with open(DATA, newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [r["date"] for r in rows], np.array([float(r["temp_max"]) for r in rows])


def random_walk(n=1500, sigma=0.01, seed=0, start=100.0):
    """A seeded geometric random walk (a price with i.i.d. normal log-returns): (n,)."""
    n = check_positive_int("n", n, minimum=2)
    rng = np.random.default_rng(seed)
    return start * np.exp(np.cumsum(rng.normal(0.0, sigma, size=n)))


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

    p, _ = training.train("lstm", p, sample, steps, rng, optimizer=Adam(lr), clip=1.0, loss="mse",
                          progress=progress, desc="training the forecaster")
    pred = models.predict("lstm", p, x_te)[:, 0] * sd + mu
    truth = y_te * sd + mu
    today = x_te[-1, :, 0] * sd + mu
    return {"lstm_mae": float(np.mean(np.abs(pred - truth))), "persistence_mae": float(np.mean(np.abs(today - truth))),
            "mean_mae": float(np.mean(np.abs(mu - truth))), "pred": pred, "truth": truth, "today": today}


def plot_forecast(res, title, ylabel, n=120, ax=None):
    """The last ``n`` test days: truth, LSTM forecast, persistence forecast."""
    if ax is None:
        _, ax = new_figure(width=7.0, height=3.4)
    t = np.arange(n)
    ax.plot(t, res["truth"][-n:], color="#000000", lw=1.5, label="actual")
    ax.plot(t, res["pred"][-n:], color="#0072B2", lw=1.2, label=f"LSTM (MAE {res['lstm_mae']:.2f})")
    ax.plot(t, res["today"][-n:], color="#D55E00", lw=1.0, ls="--", label=f"tomorrow = today (MAE {res['persistence_mae']:.2f})")
    label(ax, title, "day of the test period (last days shown)", ylabel)
    # below the plot, in one row: the plot keeps the page's full width
    ax.legend(fontsize=10, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3, frameon=False)
    return ax
