"""Slider explorers, declared: "slider values -> arrays" plus what to draw.

An explorer is declared, not programmed: a pure ``compute(**slider_values) -> dict`` plus a
description of the sliders, the plot panels (which result keys to draw) and the numbers to show
(``Spec``). The same declaration is drawn by matplotlib (``figure``), run live with ipywidgets
(``live``) and precomputed for the website (``web``); ``explorer.Explorer`` binds them. This package
knows nothing about LSTMs: chapter modules build explorers.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from lstm_helpers.engine.validation import check_number, check_option
from lstm_helpers.figures import style

STYLES = ("line", "step", "marker")
KINDS = ("line", "bar")
WIDTH = style.WIDTH       # inches: the page column (figures.style)
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
class Spec:
    """A declared slider explorer: what it computes and shows (see the module docstring); ``Explorer``
    adds the ways to show it."""

    title: str
    compute: Callable
    sliders: tuple
    panels: tuple
    readouts: tuple = ()
    alt: str = ""
    height_per_panel: float = 2.4
    _live: dict = field(default_factory=dict, repr=False)   # the live figure (explorers.live)

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
