import matplotlib

from lstm_helpers import plotting

matplotlib.use("Agg")


def test_new_figure_is_an_opaque_labelled_card():
    fig, ax = plotting.new_figure(width=5, height=2)
    plotting.label(ax, "t", "x", "y")
    assert fig.get_facecolor()[:3] == (1.0, 1.0, 1.0) and fig.get_facecolor()[3] == 1.0
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("t", "x", "y")
    assert fig.get_size_inches().tolist() == [5, 2]


def test_gate_colours_are_distinct():
    assert len(set(plotting.GATE_COLORS.values())) == len(plotting.GATE_COLORS)
