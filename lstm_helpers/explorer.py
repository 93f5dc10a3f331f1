"""Slider explorers: "slider values -> arrays" turned into a live widget and a static page.

An explorer is declared, not programmed: a pure ``compute(**slider_values) -> dict`` plus a
description of the sliders, the plot panels (which result keys to draw) and the numbers to
show. From that one declaration come
- ``figure(...)``: a matplotlib figure (tests, the static book, a kernel without widgets);
- ``widget()``: ipywidgets sliders that recompute and redraw on every move (a live kernel);
- ``spec()``: a JSON-able description, so the website can draw the same panels in the browser;
- displaying the explorer in a notebook shows the live widget where a widget front end runs,
  and everywhere else (``text/html``, which the book build picks) the same sliders drawn in the
  browser from results precomputed on the slider grid (``web_explorer``).

Chapter modules build explorers; this module knows nothing about LSTMs.
"""
from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .plotting import label, new_figure
from .validation import check_number, check_option

STYLES = ("line", "step", "marker")
KINDS = ("line", "bar")


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
    _live: dict = field(default_factory=dict, repr=False)

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
        """A matplotlib figure of ``result`` (computed from the slider values when None)."""
        result = self.result(**overrides) if result is None else result
        fig, axes = new_figure(len(self.panels), 1, height=self.height_per_panel * len(self.panels), squeeze=False)
        lines = []
        for ax, panel in zip(axes[:, 0], self.panels):
            lines.append(_draw_panel(ax, panel, result))
        fig.suptitle(self.title + (f"\n{self.readout_text(result)}" if self.readouts else ""), fontsize=10)
        fig.explorer_artists = lines  # what render_png updates in place
        return fig

    def static_html(self, result=None):
        """The default figure as an <img> with alt text, plus the readouts: no kernel needed."""
        import matplotlib.pyplot as plt

        fig = self.figure(result)
        png = _png(fig)
        plt.close(fig)
        alt = html.escape(self.alt or self.title, quote=True)
        return (f'<figure class="lstm-explorer-static"><img alt="{alt}" '
                f'src="data:image/png;base64,{base64.b64encode(png).decode()}"/>'
                f"<figcaption>{html.escape(self.title)} (default slider settings; run the notebook to drag the sliders)"
                "</figcaption></figure>")

    # -- live widget -----------------------------------------------------------------------
    def widget(self):
        """ipywidgets: one slider per ``Slider``, the figure as a PNG image, redrawn on every move."""
        import ipywidgets as w

        controls = [w.FloatSlider(value=s.value, min=s.min, max=s.max, step=s.step, description=s.label,
                                  continuous_update=True, style={"description_width": "initial"},
                                  layout=w.Layout(width="420px")) for s in self.sliders]
        image = w.Image(format="png", layout=w.Layout(max_width="100%"))

        def redraw(_=None):
            image.value = self.render_png(**{s.name: c.value for s, c in zip(self.sliders, controls)})

        for c in controls:
            c.observe(redraw, names="value")
        redraw()
        return w.VBox([w.HTML(f"<b>{html.escape(self.title)}</b>"), *controls, image])

    def render_png(self, **overrides):
        """Recompute and redraw the (reused) live figure; returns PNG bytes. Used per slider move.

        When every panel has a fixed ``ylim``, only the data artists are redrawn over a cached
        background (blitting); otherwise the whole figure is redrawn.
        """
        result = self.result(**overrides)
        live = self._live.get("blit")
        if live is None:
            live = self._live["blit"] = _LiveFigure(self.figure(result), all(p.ylim for p in self.panels))
        else:
            for ax, panel, artists in zip(live.fig.axes, self.panels, live.fig.explorer_artists):
                _update_panel(ax, panel, artists, result)
        if self.readouts:
            live.fig._suptitle.set_text(self.title + f"\n{self.readout_text(result)}")
        return live.png()

    def _repr_mimebundle_(self, include=None, exclude=None):
        """Live widget where a widget front end runs; the static figure (text/html) elsewhere."""
        from . import web_explorer

        bundle = self.widget()._repr_mimebundle_(include=include, exclude=exclude)
        bundle["text/html"] = web_explorer.html(self)
        bundle["text/plain"] = f"<{self.title}: slider explorer>"
        return bundle


def _png(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    return buf.getvalue()


class _LiveFigure:
    """A figure kept on its own Agg canvas for fast repeated rendering (the live widget)."""

    def __init__(self, fig, blit):
        import matplotlib.pyplot as plt
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        plt.close(fig)                          # keep it out of the notebook's inline backend
        self.fig, self.canvas, self.blit = fig, FigureCanvasAgg(fig), blit
        self.canvas.draw()
        fig.set_layout_engine("none")           # freeze the layout: no re-layout per frame
        self.dynamic = [a for group in fig.explorer_artists for a in _flatten(group)] + [fig._suptitle]
        if blit:
            for a in self.dynamic:
                a.set_animated(True)
            self.canvas.draw()
            self.background = self.canvas.copy_from_bbox(fig.bbox)

    def png(self):
        from PIL import Image

        if self.blit:
            self.canvas.restore_region(self.background)
            for a in self.dynamic:
                a.axes.draw_artist(a) if a.axes is not None else self.fig.draw_artist(a)
        else:
            self.canvas.draw()
        image = Image.frombuffer("RGBA", self.canvas.get_width_height(), self.canvas.buffer_rgba())
        buf = io.BytesIO()
        image.convert("RGB").save(buf, format="PNG", compress_level=1)
        return buf.getvalue()


def _flatten(group):
    """Line2D artists as they are; a bar container as its rectangles."""
    out = []
    for art in group:
        out.extend(art.patches if hasattr(art, "patches") else [art])
    return out


def _xs(panel, result, n):
    return np.asarray(result[panel.x]) if panel.x else np.arange(n)


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
            kw = {"drawstyle": "steps-mid"} if s.style == "step" else {"marker": "o", "ms": 3} if s.style == "marker" else {}
            artists.append(ax.plot(x, y, label=s.label, color=s.color, **kw)[0])
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


def _update_panel(ax, panel, artists, result):
    for s, art in zip(panel.series, artists):
        y = np.asarray(result[s.key], dtype=float)
        if panel.kind == "bar":
            for rect, v in zip(art.patches, y):
                rect.set_height(v)
        else:
            art.set_data(_xs(panel, result, y.size), y)
    if not panel.ylim:
        ax.relim()
        ax.autoscale_view()
