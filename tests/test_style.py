import re

import matplotlib

from lstm_helpers.figures import style

matplotlib.use("Agg")


def test_new_figure_is_an_opaque_labelled_card():
    fig, ax = style.new_figure(width=5, height=2)
    style.label(ax, "t", "x", "y")
    assert fig.get_facecolor()[:3] == (1.0, 1.0, 1.0) and fig.get_facecolor()[3] == 1.0
    assert (ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) == ("t", "x", "y")
    assert fig.get_size_inches().tolist() == [5, 2]


def test_gate_colours_are_distinct():
    assert len(set(style.GATE_COLORS.values())) == len(style.GATE_COLORS)


def test_outside_a_notebook_the_figure_format_is_left_alone():
    assert style.use_sharp_inline_figures() is False       # plain Python (Agg): nothing to switch


def test_in_a_notebook_figures_are_svg_and_the_same_figure_gives_the_same_file():
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    backend = matplotlib.get_backend()
    matplotlib.use("module://matplotlib_inline.backend_inline")
    try:
        svgs = []
        for _ in range(2):
            fig, ax = style.new_figure(width=4, height=2)     # switches the inline backend to SVG
            ax.plot([0, 1, 2], [1, 3, 2], label=r"$\tilde{C}_t$")
            ax.legend()
            data, _ = shell.display_formatter.format(fig)
            svgs.append(data["image/svg+xml"])
            assert "image/png" not in data
            matplotlib.pyplot.close(fig)
        assert svgs[0] == svgs[1] and "<dc:date>" not in svgs[0]
        width = float(re.search(r'<svg [^>]*width="([\d.]+)pt"', svgs[0]).group(1))
        assert abs(width - 288) < 40                              # about 4 in (bbox "tight"): drawn size, not scaled
    finally:
        from IPython.core.pylabtools import select_figure_formats

        select_figure_formats(shell, {"png"})
        InteractiveShell.clear_instance()
        matplotlib.use(backend)


def test_heatmaps_keep_one_pixel_per_cell_in_svg():
    import io

    import numpy as np

    fig, ax = style.new_figure(width=4, height=2)
    ax.imshow(np.arange(12.0).reshape(3, 4), aspect="auto")
    buf = io.BytesIO()
    fig.savefig(buf, format="svg")
    assert 'width="4" height="3"' in buf.getvalue().decode() and "image-rendering:pixelated" in buf.getvalue().decode()
