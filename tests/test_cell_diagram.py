import matplotlib
import pytest

from lstm_helpers.figures import cell_diagram

matplotlib.use("Agg")


def texts(ax):
    return [t.get_text() for t in ax.texts]


def test_diagram_labels_every_part():
    ax = cell_diagram.draw_cell()
    t = texts(ax)
    for label in (r"$C_{t-1}$", r"$C_t$", r"$h_{t-1}$", r"$x_t$", r"$f_t$", r"$i_t$", r"$\tilde{C}_t$", r"$o_t$"):
        assert label in t
    assert t.count("σ") == 3 and "tanh" in t and t.count("×") == 3 and "+" in t


def test_highlight_fades_the_other_parts():
    ax = cell_diagram.draw_cell(highlight="f")
    colours = {p.get_facecolor()[:3] for p in ax.patches if hasattr(p, "get_boxstyle")}
    faded = matplotlib.colors.to_rgb(cell_diagram.FADED)
    forget = matplotlib.colors.to_rgb(cell_diagram.GATE_COLORS["f"])
    assert forget in colours and faded in colours
    assert matplotlib.colors.to_rgb(cell_diagram.GATE_COLORS["o"]) not in colours


def test_values_are_written_on_the_diagram():
    ax = cell_diagram.draw_cell(values={"f": 0.73, "h": -0.25})
    assert "0.730" in texts(ax) and "-0.250" in texts(ax)


@pytest.mark.parametrize("kwargs, match", [
    ({"highlight": "g"}, "highlight must be one of"),
    ({"values": {"z": 1.0}}, "values has unknown names"),
])
def test_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        cell_diagram.draw_cell(**kwargs)


def test_diagrams_fit_the_page_column_with_readable_text():
    # the page column is 7 in wide: a wider figure is shrunk, and its text with it
    cell = cell_diagram.draw_cell().figure
    parts = cell_diagram.draw_all_parts()
    for fig in (cell, parts):
        assert fig.get_size_inches()[0] <= 7.0
        assert min(t.get_fontsize() for ax in fig.axes for t in ax.texts + [ax.title]) >= 9
    assert len(parts.axes) == 6
    assert [ax.title.get_text() for ax in parts.axes] == [cell_diagram.TITLES[p]
                                                          for p in (None,) + cell_diagram.PARTS]
