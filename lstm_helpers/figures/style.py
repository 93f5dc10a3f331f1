"""One look for every figure in the book: sharp, legible, readable in the light and the dark theme.

Figures are opaque white "cards" (the website shows them as light cards in its dark theme too, undimmed), so
dark text and lines keep their contrast everywhere; colours come from a colour-blind-safe palette (Okabe & Ito).
Gate colours are fixed book-wide so a reader learns them once.

In a notebook (IPython with matplotlib's inline backend) figures are shown as SVG: sharp at any screen density
and the lightest sharp choice. Measured on the whole book (30 figures, as the website serves them): 1x PNG
(blurry on high-DPI screens) 1415 KB; 2x ("retina") PNG 3067 KB, 2802 KB gzip-compressed; SVG 2199 KB,
360 KB gzip-compressed (web hosts such as GitHub Pages compress SVG, not PNG). Heatmaps keep one image pixel
per data cell (interpolation "none"), which SVG scales without blurring.
"""
from __future__ import annotations

import matplotlib
import matplotlib.pyplot as plt

WIDTH = 7.0                # inches: every figure is drawn at the page column's width (700 CSS px at RC's 100 dpi)
FIGURE_FORMAT = "svg"      # what the inline backend shows: "svg", or "retina" for 2x PNG
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
    "figure.dpi": 100,            # 1 inch = 100 CSS px: a 7 in figure fills the page column
    "image.interpolation": "none",  # heatmaps: one pixel per cell, scaled crisply (not resampled at 1x)
    "svg.hashsalt": "lstm-book",  # the same figure gives the same SVG (stable file names on the website)
}


def use_book_style():
    """Apply the book's matplotlib style (called by every chapter module that draws); in a notebook, also make
    the inline backend show figures as ``FIGURE_FORMAT`` (SVG)."""
    plt.rcParams.update(RC)
    use_sharp_inline_figures()


def use_sharp_inline_figures(fmt=None):
    """Switch IPython's inline backend to ``fmt`` (default ``FIGURE_FORMAT``); returns whether it did.

    Does nothing outside IPython or with another backend (a script, the tests, a GUI window)."""
    fmt = fmt or FIGURE_FORMAT
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None or "inline" not in matplotlib.get_backend().lower():
        return False
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    kwargs = {"metadata": {"Date": None}} if fmt == "svg" else {}   # no timestamp: the same figure, the same file
    set_matplotlib_formats(fmt, **kwargs)
    return True


def new_figure(nrows=1, ncols=1, width=None, height=3.0, **kwargs):
    """A styled (fig, axes) pair; width (default WIDTH, the page column) and height in inches."""
    use_book_style()
    width = WIDTH if width is None else width
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

