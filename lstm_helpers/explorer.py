"""Slider explorers: "slider values -> arrays" turned into a live widget and a static page.

An explorer is declared, not programmed: a pure ``compute(**slider_values) -> dict`` plus a
description of the sliders, the plot panels (which result keys to draw) and the numbers to
show. From that one declaration come
- ``figure(...)``: a matplotlib figure (tests, the static book, a kernel without widgets);
- ``widget()``: ipywidgets sliders that recompute and redraw on every move (a live kernel; the
  widget, its fast redraw and ``render_png`` are in ``explorer_widget``);
- ``spec()``: a JSON-able description, so the website can draw the same panels in the browser;
- displaying the explorer in a notebook shows the live widget where a widget front end runs,
  and everywhere else (``text/html``, which the book build picks) the same sliders drawn in the
  browser from results precomputed on the slider grid (``web_explorer``).

Chapter modules build explorers; this module knows nothing about LSTMs.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .plotting import label, new_figure
from .validation import check_number, check_option

STYLES = ("line", "step", "marker")
KINDS = ("line", "bar")
WIDTH = 7.0               # inches: the page width (as plotting.new_figure)
CSS_PX_PER_INCH = 100     # figures are laid out at 100 px per inch (plotting.RC): 7 in = 700 CSS px


@dataclass(frozen=True)
class Slider:
    """A slider for the keyword argument ``name`` of compute, from ``min`` to ``max`` by ``step``."""

    name: str
    label: str
    min: float
    max: float
    step: float
    value: float

    def grid(self):
        """Every position the slider can take: (n,)."""
        n = int(round((self.max - self.min) / self.step)) + 1
        return np.round(self.min + self.step * np.arange(n), 10)


@dataclass(frozen=True)
class Series:
    """One drawn quantity: ``key`` names a 1-D array in the compute result."""

    key: str
    label: str
    color: str | None = None
    style: str = "line"


@dataclass(frozen=True)
class Panel:
    """One axes. ``x`` names the x-values' key (None: 0, 1, 2, …); ``kind`` is "line" or "bar"."""

    series: tuple
    title: str = ""
    xlabel: str = ""
    ylabel: str = ""
    x: str | None = None
    ylim: tuple | None = None
    kind: str = "line"
    xticklabels: str | None = None  # key of a list of strings (e.g. the tokens of a sentence)
    yscale: str = "linear"          # or "log"


@dataclass(frozen=True)
class Readout:
    """A number shown under the plot: ``key`` names a scalar in the compute result."""

    key: str
    label: str
    fmt: str = "{:.3f}"


@dataclass
class Explorer:
    """A declared slider explorer (see the module docstring)."""

    title: str
    compute: Callable
    sliders: tuple
    panels: tuple
    readouts: tuple = ()
    alt: str = ""
    height_per_panel: float = 2.4
    _live: dict = field(default_factory=dict, repr=False)   # the live figure (explorer_widget)

    # -- pure part -------------------------------------------------------------------------
    def values(self, **overrides):
        """Slider values: the defaults, with ``overrides`` checked against each slider's range."""
        names = [s.name for s in self.sliders]
        for name in overrides:
            check_option("slider name", name, names)
        return {s.name: check_number(s.name, overrides.get(s.name, s.value), s.min, s.max) for s in self.sliders}

    def result(self, **overrides):
        """compute(**values) for the given slider values (defaults for the rest)."""
        return self.compute(**self.values(**overrides))

    def readout_text(self, result):
        """The readouts as one line of text, e.g. "C_T = 0.900 · h_T = 0.612"."""
        return " · ".join(f"{r.label} = {r.fmt.format(float(result[r.key]))}" for r in self.readouts)

    def spec(self):
        """A JSON-able description of sliders, panels and readouts (for the website viewer)."""
        return {
            "title": self.title, "alt": self.alt,
            "sliders": [vars(s) for s in self.sliders],
            "panels": [{**vars(p), "series": [vars(s) for s in p.series]} for p in self.panels],
            "readouts": [vars(r) for r in self.readouts],
        }

    # -- drawing ---------------------------------------------------------------------------
    def figure(self, result=None, **overrides):
        """A matplotlib figure of ``result`` (computed from the slider values when None), titled with
        the explorer's title and readouts: the picture for a page without sliders."""
        result = self.result(**overrides) if result is None else result
        return self._figure(result, titled=True)

    def _figure(self, result, titled, height=None, dpi=CSS_PX_PER_INCH):
        height = self.height_per_panel * len(self.panels) if height is None else height
        fig, axes = new_figure(len(self.panels), 1, width=WIDTH, height=height, squeeze=False, dpi=dpi)
        lines = []
        for ax, panel in zip(axes[:, 0], self.panels):
            lines.append(_draw_panel(ax, panel, result))
        if titled:
            fig.suptitle(self.title + (f"\n{self.readout_text(result)}" if self.readouts else ""), fontsize=10)
        fig.explorer_artists = lines  # what the live widget updates in place (explorer_widget)
        return fig

    # -- live widget (explorer_widget) -----------------------------------------------------
    def widget(self):
        """ipywidgets sliders, figure and readouts, redrawn on every move: ``explorer_widget.widget``."""
        from . import explorer_widget

        return explorer_widget.widget(self)

    def render_png(self, **overrides):
        """PNG bytes of the live figure at these slider values: ``explorer_widget.render_png``."""
        from . import explorer_widget

        return explorer_widget.render_png(self, **overrides)

    def _repr_mimebundle_(self, include=None, exclude=None):
        """Live widget where a widget front end runs; the static figure (text/html) elsewhere."""
        from . import web_explorer

        bundle = self.widget()._repr_mimebundle_(include=include, exclude=exclude)
        bundle["text/html"] = web_explorer.html(self)
        bundle["text/plain"] = f"<{self.title}: slider explorer>"
        return bundle


def _xs(panel, result, n):
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


def _draw_panel(ax, panel, result):
    check_option("panel kind", panel.kind, KINDS)
    artists = []
    n_series = len(panel.series)
    for k, s in enumerate(panel.series):
        check_option("series style", s.style, STYLES)
        y = np.asarray(result[s.key], dtype=float)
        x = _xs(panel, result, y.size)
        if panel.kind == "bar":
            width = 0.8 / n_series
            artists.append(ax.bar(x + (k - (n_series - 1) / 2) * width, y, width, label=s.label, color=s.color))
        else:
            artists.append(ax.plot(x, y, label=s.label, color=s.color, **series_style(k, n_series, s.style))[0])
    xs = _xs(panel, result, np.asarray(result[panel.series[0].key]).size)
    if panel.kind == "bar":
        ax.set_xticks(xs)
    elif xs.size > 1:                               # the full x range, even where y is NaN (not yet)
        pad = 0.03 * (xs.max() - xs.min())
        ax.set_xlim(xs.min() - pad, xs.max() + pad)
    if panel.xticklabels:
        ticks = list(result[panel.xticklabels])
        ax.set_xticks(np.arange(len(ticks)), ticks, rotation=45, ha="right", fontsize=8)
    ax.set_yscale(check_option("panel yscale", panel.yscale, ("linear", "log")))
    if panel.ylim:
        ax.set_ylim(*panel.ylim)
    label(ax, panel.title, panel.xlabel, panel.ylabel)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)  # never over the data
    return artists
