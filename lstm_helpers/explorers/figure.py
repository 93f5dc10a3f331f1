"""An explorer's panels drawn by matplotlib: the static picture, and the figure the live widget updates."""
from __future__ import annotations

import numpy as np

from lstm_helpers.engine.validation import check_option
from lstm_helpers.explorers.spec import CSS_PX_PER_INCH, KINDS, STYLES, WIDTH
from lstm_helpers.figures.style import label, new_figure


def draw(explorer, result, titled, height=None, dpi=CSS_PX_PER_INCH):
    """A figure of ``result`` for a ``spec.Spec``, one panel per row, ``WIDTH`` inches wide; titled with
    the explorer's title and readouts when ``titled``. fig.explorer_artists holds each panel's artists
    (what the live widget moves)."""
    height = explorer.height_per_panel * len(explorer.panels) if height is None else height
    fig, axes = new_figure(len(explorer.panels), 1, width=WIDTH, height=height, squeeze=False, dpi=dpi)
    lines = []
    for ax, panel in zip(axes[:, 0], explorer.panels):
        lines.append(draw_panel(ax, panel, result))
    if titled:
        fig.suptitle(explorer.title + (f"\n{explorer.readout_text(result)}" if explorer.readouts else ""), fontsize=10)
    fig.explorer_artists = lines
    return fig


def xs(panel, result, n):
    """The x-values of a panel: result[panel.x], or 0, 1, … n − 1."""
    return np.asarray(result[panel.x]) if panel.x else np.arange(n)


def series_style(k, n, style):
    """matplotlib keywords for series ``k`` of the ``n`` series of a line panel, drawn in order.

    Where two series coincide (chapter 2 at f = 0, chapter 4 at i = 0) both must stay visible, so
    each series is drawn on top of the ones before it and thinner than them: lines from 2.8 pt
    down to 1.4 pt, markers from 7 pt down to 4 pt (with a white rim), and every "line" series
    after the first dashed. An earlier series then shows as a coloured border around (and
    between the dashes of) a later one lying on it.
    """
    check_option("series style", style, STYLES)
    t = k / (n - 1) if n > 1 else 0.5          # 0: the first (bottom) series, 1: the last (top)
    kw = {"lw": 2.8 - 1.4 * t}
    if style == "step":
        kw["drawstyle"] = "steps-mid"
    elif style == "marker":
        kw.update(marker="o", ms=7.0 - 3.0 * t, mec="white", mew=0.8)
    elif k > 0:
        kw["ls"] = (0, (4, 1.5))
    return kw


def draw_panel(ax, panel, result):
    check_option("panel kind", panel.kind, KINDS)
    artists = []
    n_series = len(panel.series)
    for k, s in enumerate(panel.series):
        check_option("series style", s.style, STYLES)
        y = np.asarray(result[s.key], dtype=float)
        x = xs(panel, result, y.size)
        if panel.kind == "bar":
            width = 0.8 / n_series
            artists.append(ax.bar(x + (k - (n_series - 1) / 2) * width, y, width, label=s.label, color=s.color))
        else:
            artists.append(ax.plot(x, y, label=s.label, color=s.color, **series_style(k, n_series, s.style))[0])
    xv = xs(panel, result, np.asarray(result[panel.series[0].key]).size)
    if panel.kind == "bar":
        ax.set_xticks(xv)
    elif xv.size > 1:                               # the full x range, even where y is NaN (not yet)
        pad = 0.03 * (xv.max() - xv.min())
        ax.set_xlim(xv.min() - pad, xv.max() + pad)
    if panel.xticklabels:
        ticks = list(result[panel.xticklabels])
        ax.set_xticks(np.arange(len(ticks)), ticks, rotation=45, ha="right", fontsize=8)
    ax.set_yscale(check_option("panel yscale", panel.yscale, ("linear", "log")))
    if panel.ylim:
        ax.set_ylim(*panel.ylim)
    label(ax, panel.title, panel.xlabel, panel.ylabel)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)  # never over the data
    return artists

