"""One look for every figure in the book: readable in the light and the dark theme.

Figures have an opaque white "card" background, so dark text and lines stay readable when the
website is switched to its dark theme; colours come from a colour-blind-safe palette
(Okabe & Ito). Gate colours are fixed book-wide so a reader learns them once.
"""
from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt

PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
GATE_COLORS = {
    "f": "#D55E00",        # forget gate: vermillion
    "i": "#009E73",        # input gate: green
    "c_tilde": "#E69F00",  # candidate: orange
    "o": "#0072B2",        # output gate: blue
    "c": "#CC79A7",        # cell state: purple
    "h": "#000000",        # hidden state: black
}
RC = {
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "font.size": 10,
    "figure.dpi": 100,
}


def use_book_style():
    """Apply the book's matplotlib style (called by every chapter module that draws)."""
    plt.rcParams.update(RC)


def new_figure(nrows=1, ncols=1, width=7.0, height=3.0, **kwargs):
    """A styled (fig, axes) pair; width/height in inches (7 in fits the page width)."""
    use_book_style()
    return plt.subplots(nrows, ncols, figsize=(width, height), constrained_layout=True, **kwargs)


def label(ax, title=None, xlabel=None, ylabel=None):
    """Set title and axis labels in one call (every figure in the book has them)."""
    if title:
        ax.set_title(title)
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    return ax
