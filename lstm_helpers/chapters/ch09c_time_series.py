"""Chapter 9c, "Time series": forecasting a real series (Seattle's daily maximum temperature) one day
ahead with an LSTM (``training.forecast``) against the naive "tomorrow = today" forecast; the data and
the forecast figure (also used by chapter 9d)."""
from __future__ import annotations

import csv
import pathlib

import numpy as np

from lstm_helpers.figures.style import label, new_figure

DATA = pathlib.Path(__file__).parents[1] / "data" / "seattle_weather.csv"


def load_seattle():
    """(dates: list of "YYYY/MM/DD", temp_max: (1461,) °C) from the shipped NOAA file."""
    with open(DATA, newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [r["date"] for r in rows], np.array([float(r["temp_max"]) for r in rows])


def plot_forecast(res, title, ylabel, n=120, ax=None):
    """The last ``n`` test days: truth, LSTM forecast, persistence forecast."""
    if ax is None:
        _, ax = new_figure(height=3.4)
    t = np.arange(n)
    ax.plot(t, res["truth"][-n:], color="#000000", lw=1.5, label="actual")
    ax.plot(t, res["pred"][-n:], color="#0072B2", lw=1.2, label=f"LSTM (MAE {res['lstm_mae']:.2f})")
    ax.plot(t, res["today"][-n:], color="#D55E00", lw=1.0, ls="--", label=f"tomorrow = today (MAE {res['persistence_mae']:.2f})")
    label(ax, title, "day of the test period (last days shown)", ylabel)
    # below the plot, in one row: the plot keeps the page's full width
    ax.legend(fontsize=10, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=3, frameon=False)
    return ax
