"""Slider explorers: one declaration (``spec``), three ways to show it.

- ``figure(...)``: a matplotlib figure (tests, the static book, a kernel without widgets);
- ``widget()``: ipywidgets sliders that recompute and redraw on every move (``live``);
- displaying the explorer in a notebook shows the live widget where a widget front end runs, and
  everywhere else (``text/html``, which the book build picks) the same sliders drawn in the browser
  from results precomputed on the slider grid (``web``).
"""
from __future__ import annotations

from lstm_helpers.explorers import figure as _figure
from lstm_helpers.explorers import live, web
from lstm_helpers.explorers.spec import Panel, Readout, Series, Slider, Spec

__all__ = ["Explorer", "Panel", "Readout", "Series", "Slider"]


class Explorer(Spec):
    """A declared slider explorer (``spec.Spec``) that can be drawn, run live and shown on the website."""

    def figure(self, result=None, **overrides):
        """A matplotlib figure of ``result`` (computed from the slider values when None), titled with
        the explorer's title and readouts: the picture for a page without sliders."""
        result = self.result(**overrides) if result is None else result
        return _figure.draw(self, result, titled=True)

    def widget(self):
        """ipywidgets sliders, figure and readouts, redrawn on every move: ``live.widget``."""
        return live.widget(self)

    def render_png(self, **overrides):
        """PNG bytes of the live figure at these slider values: ``live.render_png``."""
        return live.render_png(self, **overrides)

    def _repr_mimebundle_(self, include=None, exclude=None):
        """Live widget where a widget front end runs; the static figure (text/html) elsewhere."""
        bundle = self.widget()._repr_mimebundle_(include=include, exclude=exclude)
        bundle["text/html"] = web.html(self)
        bundle["text/plain"] = f"<{self.title}: slider explorer>"
        return bundle
