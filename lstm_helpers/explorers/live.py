"""The live slider explorer: ipywidgets sliders that recompute and redraw on every move.

``widget(explorer)`` turns a declared explorer (``spec.Spec``) into what a reader drags in a running
kernel; ``Explorer.widget()`` and ``Explorer.render_png()`` call this module.
- The figure is rendered at LIVE_SCALE times the size it is shown (sharp on high-DPI screens) and
  never stretched; sliders have aligned tracks of one length; sliders, figure and readouts fit a
  1280×800 screen.
- Every frame is drawn on one reused figure: only the data change, blitted over a cached background
  when every panel has a fixed ``ylim``, and the PNG is written without per-row filters (the slow
  step; ``make bench`` times a slider move).

The declaration is in ``spec``, the figure in ``figure``, the website's data in ``web``; this module
only runs it live.
"""
from __future__ import annotations

import html
import struct
import zlib

import numpy as np

from lstm_helpers.explorers.figure import draw, xs
from lstm_helpers.explorers.spec import CSS_PX_PER_INCH, WIDTH, Spec

LIVE_SCALE = 2            # the live figure's PNG has 2 pixels per CSS pixel: sharp on high-DPI screens
LIVE_MAX_HEIGHT = 4.8     # inches; with a title, 3 sliders and the readouts it fits a 1280×800 screen in JupyterLab


def _check(explorer):
    if not isinstance(explorer, Spec):
        raise ValueError(f"explorer must be an Explorer (lstm_helpers.explorers); got {type(explorer).__name__}")
    return explorer


def live_size(explorer):
    """(width, height) of the live figure in CSS pixels: the declared size, at most LIVE_MAX_HEIGHT tall."""
    e = _check(explorer)
    height = min(e.height_per_panel * len(e.panels), LIVE_MAX_HEIGHT)
    return round(WIDTH * CSS_PX_PER_INCH), round(height * CSS_PX_PER_INCH)


def widget(explorer):
    """ipywidgets: the title, one slider per ``Slider``, the figure (PNG) and the readouts, redrawn on every move.

    The title is shown once (above the sliders) and the readouts as text under the figure, as on the
    website. Slider labels share one width, so every track starts at the same place and has the same
    length; a slider whose values are all integers shows integers. The PNG has LIVE_SCALE pixels per
    CSS pixel and is shown at its CSS size (``live_size``), never wider: a narrow notebook shrinks it.
    Returns a ``VBox`` whose children are [title, *sliders, image, readout].
    """
    import ipywidgets as w

    e = _check(explorer)
    label_width = f"{0.6 * max(len(s.label) for s in e.sliders) + 1:.1f}em"   # the longest label fits
    controls = [_slider_widget(w, s, label_width) for s in e.sliders]
    width, _ = live_size(e)
    image = w.Image(format="png", layout=w.Layout(width=f"{width}px", max_width="100%", height="auto"))
    readout = w.HTML()

    def redraw(_=None):
        result = e.result(**{s.name: float(c.value) for s, c in zip(e.sliders, controls)})
        image.value = _render(e, result)
        if e.readouts:
            readout.value = f'<span style="font-family:monospace">{html.escape(e.readout_text(result))}</span>'

    for c in controls:
        c.observe(redraw, names="value")
    redraw()
    return w.VBox([w.HTML(f"<b>{html.escape(e.title)}</b>"), *controls, image, readout],
                  layout=w.Layout(align_items="flex-start"))   # children keep their own width: no stretching


def render_png(explorer, **overrides):
    """Recompute and redraw the explorer's (reused) live figure; returns PNG bytes. Used per slider move.

    overrides: slider values (defaults for the rest). When every panel has a fixed ``ylim``, only the
    data artists are redrawn over a cached background (blitting); otherwise the whole figure is redrawn.
    """
    e = _check(explorer)
    return _render(e, e.result(**overrides))


def _render(explorer, result):
    """The live frame for ``result``: the first call draws the figure, later calls update it in place."""
    live = explorer._live.get("blit")
    if live is None:
        _, height = live_size(explorer)
        fig = draw(explorer, result, titled=False, height=height / CSS_PX_PER_INCH,
                               dpi=CSS_PX_PER_INCH * LIVE_SCALE)
        live = explorer._live["blit"] = _LiveFigure(fig, all(p.ylim for p in explorer.panels))
    else:
        for ax, panel, artists in zip(live.fig.axes, explorer.panels, live.fig.explorer_artists):
            _update_panel(ax, panel, artists, result)
    return live.png()


def _decimals(*values):
    """The fewest decimals that write every value exactly (0 for integers), at most 6."""
    return next((d for d in range(7) if all(abs(round(v, d) - v) < 1e-9 for v in values)), 6)


def _slider_widget(w, s, label_width):
    """An ipywidgets slider for ``s``: integers for an integer grid, else as many decimals as the step has."""
    common = dict(description=s.label, continuous_update=True, style={"description_width": label_width},
                  layout=w.Layout(width=f"calc({label_width} + 26em)", max_width="100%"))
    decimals = _decimals(s.min, s.max, s.step, s.value)
    if decimals == 0:
        return w.IntSlider(value=int(s.value), min=int(s.min), max=int(s.max), step=int(s.step), **common)
    return w.FloatSlider(value=s.value, min=s.min, max=s.max, step=s.step, readout_format=f".{decimals}f", **common)


class _LiveFigure:
    """A figure kept on its own Agg canvas for fast repeated rendering (the live widget)."""

    def __init__(self, fig, blit):
        import matplotlib.pyplot as plt
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        plt.close(fig)                          # keep it out of the notebook's inline backend
        self.fig, self.canvas, self.blit = fig, FigureCanvasAgg(fig), blit
        self.canvas.draw()
        fig.set_layout_engine("none")           # freeze the layout: no re-layout per frame
        self.dynamic = [a for group in fig.explorer_artists for a in _flatten(group)]
        if fig._suptitle is not None:
            self.dynamic.append(fig._suptitle)
        if blit:
            for a in self.dynamic:
                a.set_animated(True)
            self.canvas.draw()
            self.background = self.canvas.copy_from_bbox(fig.bbox)

    def png(self):
        if self.blit:
            self.canvas.restore_region(self.background)
            for a in self.dynamic:
                a.axes.draw_artist(a) if a.axes is not None else self.fig.draw_artist(a)
        else:
            self.canvas.draw()
        return _png_unfiltered(np.asarray(self.canvas.buffer_rgba()))


def _png_unfiltered(rgba):
    """(H, W, 4) uint8 pixels -> PNG bytes (RGB), rows stored without PNG's per-row filters.

    Per slider move this is the slow step; plain zlib (level 1) on the raw rows takes about half
    the time of Pillow's adaptive filtering and gives files of the same size for a plot of flat
    colours on white.
    """
    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    h, w, _ = rgba.shape
    rows = np.zeros((h, 1 + 3 * w), dtype=np.uint8)          # a leading 0 per row: filter type "None"
    rows[:, 1:] = rgba[:, :, :3].reshape(h, 3 * w)
    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)    # 8-bit RGB, no interlace
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows.tobytes(), 1))
            + chunk(b"IEND", b""))


def _flatten(group):
    """Line2D artists as they are; a bar container as its rectangles."""
    out = []
    for art in group:
        out.extend(art.patches if hasattr(art, "patches") else [art])
    return out


def _update_panel(ax, panel, artists, result):
    """Move the artists ``figure.draw_panel`` made for ``panel`` to the values in ``result``."""
    for s, art in zip(panel.series, artists):
        y = np.asarray(result[s.key], dtype=float)
        if panel.kind == "bar":
            for rect, v in zip(art.patches, y):
                rect.set_height(v)
        else:
            art.set_data(xs(panel, result, y.size), y)
    if not panel.ylim:
        ax.relim()
        ax.autoscale_view()
