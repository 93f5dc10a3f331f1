"""An explorer drawn by matplotlib."""
import matplotlib
import numpy as np
import pytest
from conftest import decay_explorer as make

from lstm_helpers.explorers import figure

matplotlib.use("Agg")


def test_figure_draws_the_computed_values():
    fig = make().figure(f=0.5)
    line = fig.axes[0].lines[0]
    np.testing.assert_allclose(line.get_ydata(), 0.5 ** np.arange(20))
    assert fig.axes[0].get_xlabel() == "step k" and "C_19 = 0.000" in fig._suptitle.get_text()


def test_later_series_are_drawn_thinner_and_dashed_so_coinciding_ones_stay_visible():
    first, last = figure.series_style(0, 3, "line"), figure.series_style(2, 3, "line")
    assert first == {"lw": 2.8} and last["lw"] == pytest.approx(1.4) and last["ls"] == (0, (4, 1.5))
    assert figure.series_style(1, 2, "marker")["ms"] == pytest.approx(4.0)
    with pytest.raises(ValueError, match="series style must be one of"):
        figure.series_style(0, 1, "dots")


def test_draw_makes_one_row_per_panel_at_the_page_width():
    e = make()
    fig = figure.draw(e, e.result(), titled=False)
    assert len(fig.axes) == 1 and fig.get_size_inches()[0] == 7.0 and fig._suptitle is None
    assert fig.explorer_artists[0][0] is fig.axes[0].lines[0]
