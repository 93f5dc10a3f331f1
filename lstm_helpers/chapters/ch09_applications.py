"""Chapter 9, "Applications": which sequences go in and come out, drawn by code."""
from __future__ import annotations

from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from lstm_helpers.engine.validation import check_option
from lstm_helpers.figures.style import GATE_COLORS, WIDTH, new_figure

SHAPES = {
    "many-to-one": ("sentiment, classification", ["not", "bad", "at", "all"], [None, None, None, "positive"]),
    "many-to-many": ("text generation, speech frames -> letters", ["t", "h", "e", " "], ["h", "e", " ", "c"]),
    "encoder-decoder": ("translation, chatbots, dates", ["24", "Nov", "2026", "<go>", "2026", "-11"],
                        [None, None, None, "2026", "-11", "-24"]),
}


def _box(ax, x, y, text, color, w=0.8, h=0.5):
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.03", facecolor=color,
                                edgecolor=color, zorder=2))
    ax.text(x, y, text, ha="center", va="center", fontsize=9, color="white", zorder=3)


def _arrow(ax, a, b):
    ax.add_patch(FancyArrowPatch(a, b, arrowstyle="-|>", mutation_scale=10, color="#555555", lw=1.2, zorder=1))


def draw_shape(kind, ax=None):
    """One unrolled recurrent network of the given kind: inputs (bottom), LSTM cells, outputs (top)."""
    check_option("kind", kind, SHAPES)
    use, inputs, outputs = SHAPES[kind]
    if ax is None:
        _, ax = new_figure(width=0.7 * WIDTH, height=2.6)
    n = len(inputs)
    ax.set_xlim(-0.7, n - 0.3)
    ax.set_ylim(-0.35, 2.3)
    ax.axis("off")
    for t, (x_t, y_t) in enumerate(zip(inputs, outputs)):
        decoder = kind == "encoder-decoder" and t >= 3
        cell_color = GATE_COLORS["o"] if decoder else GATE_COLORS["c"]
        ax.text(t, 0.0, x_t, ha="center", va="center", fontsize=9)
        _arrow(ax, (t, 0.18), (t, 0.72))
        _box(ax, t, 1.0, "decoder" if decoder else ("encoder" if kind == "encoder-decoder" else "LSTM"), cell_color)
        if t < n - 1:
            _arrow(ax, (t + 0.4, 1.0), (t + 0.6, 1.0))
        if y_t is not None:
            _arrow(ax, (t, 1.28), (t, 1.78))
            ax.text(t, 2.0, y_t, ha="center", va="center", fontsize=9, fontweight="bold")
    ax.set_title(f"{kind}: {use}", fontsize=10, loc="left")
    return ax


def draw_all():
    """The three shapes one above the other, on one time axis; returns the figure.

    Stacked rather than side by side so that the figure fits the page column (style.WIDTH) with its
    text at 9-10 pt: the boxes have the same size in every row.
    """
    fig, axes = new_figure(len(SHAPES), 1, height=4.8)
    longest = max(len(inputs) for _, inputs, _ in SHAPES.values())
    for ax, kind in zip(axes, SHAPES):
        draw_shape(kind, ax)
        ax.set_xlim(-0.7, longest - 0.3)
    return fig
