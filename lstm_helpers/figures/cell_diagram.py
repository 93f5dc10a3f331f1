"""The LSTM cell diagram, drawn by code (chapters 3, 10 and 11).

``draw_cell(highlight="f")`` draws the cell with one part emphasised and the rest faded:
the cell-state line across the top, the σ σ tanh σ layers in the middle, the ×/+ operations,
h_{t−1} and x_t entering at the bottom left, C_t and h_t leaving at the right.
"""
from __future__ import annotations

from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from lstm_helpers.engine.validation import check_option
from lstm_helpers.figures.style import GATE_COLORS, WIDTH, new_figure

PARTS = ("f", "i", "c_tilde", "o", "cell")
TITLES = {None: "The LSTM cell", "f": r"Forget gate: what to keep of $C_{t-1}$",
          "i": r"Input gate: how much of $\tilde{C}_t$ to write", "c_tilde": "Candidate: what could be written",
          "o": r"Output gate: what to reveal as $h_t$", "cell": "Cell state: the conveyor belt"}
FADED = "#C8C8C8"
BUS_Y, GATE_Y, MID_Y, CELL_Y = 1.3, 3.0, 4.3, 5.6
GATE_X = {"f": 2.6, "i": 4.1, "c_tilde": 5.4, "o": 7.4}


def _color(part, highlight):
    base = GATE_COLORS["c"] if part == "cell" else GATE_COLORS[part] if part in GATE_COLORS else "#333333"
    return base if highlight in (None, part) else FADED


def _arrow(ax, pts, color, lw=2.0):
    for (x0, y0), (x1, y1) in zip(pts[:-2], pts[1:-1]):
        ax.plot([x0, x1], [y0, y1], color=color, lw=lw, solid_capstyle="round", zorder=1)
    ax.add_patch(FancyArrowPatch(pts[-2], pts[-1], arrowstyle="-|>", mutation_scale=12, color=color, lw=lw, zorder=1))


def _box(ax, x, y, text, color):
    half = 0.42 if len(text) == 1 else 0.6      # "tanh" needs a wider box than "σ"
    ax.add_patch(FancyBboxPatch((x - half, y - 0.32), 2 * half, 0.64, boxstyle="round,pad=0.02",
                                facecolor=color, edgecolor=color, zorder=3))
    ax.text(x, y, text, ha="center", va="center", color="white", fontsize=13 if len(text) == 1 else 9,
            fontweight="bold", zorder=4)


def _node(ax, x, y, sym, color):
    ax.add_patch(Circle((x, y), 0.27, facecolor="white", edgecolor=color, lw=2, zorder=3))
    ax.text(x, y, sym, ha="center", va="center", color=color, fontsize=13, fontweight="bold", zorder=4)


def draw_cell(ax=None, highlight=None, values=None):
    """Draw the LSTM cell; returns the axes.

    highlight: None, or one of "f", "i", "c_tilde", "o", "cell" to emphasise that part.
    values: optional {name: float} for any of f, i, c_tilde, o, c, h, c_prev, h_prev, x; each is
    written next to its part (e.g. the numbers of chapter 11's worked example).
    """
    if highlight is not None:
        check_option("highlight", highlight, PARTS)
    values = {} if values is None else dict(values)
    unknown = set(values) - {"f", "i", "c_tilde", "o", "c", "h", "c_prev", "h_prev", "x"}
    if unknown:
        raise ValueError(f"values has unknown names {sorted(unknown)}; use f, i, c_tilde, o, c, h, c_prev, h_prev, x")
    if ax is None:
        _, ax = new_figure(height=4.0)
    ax.set_xlim(-0.6, 11.4)
    ax.set_ylim(0.0, 6.8)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.add_patch(FancyBboxPatch((1.3, 0.75), 8.6, 5.4, boxstyle="round,pad=0.1", facecolor="#F4F4F4",
                                edgecolor="#999999", zorder=0))
    col = {p: _color(p, highlight) for p in PARTS}
    dark = "#333333" if highlight is None else FADED
    # the conveyor belt: C_{t-1} -> x -> + -> C_t
    _arrow(ax, [(0.0, CELL_Y), (GATE_X["f"] - 0.27, CELL_Y)], col["cell"], 3)
    _arrow(ax, [(GATE_X["f"] + 0.27, CELL_Y), (GATE_X["c_tilde"] - 0.27 - 0.5, CELL_Y)], col["cell"], 3)
    _arrow(ax, [(GATE_X["c_tilde"] - 0.5 + 0.27, CELL_Y), (11.2, CELL_Y)], col["cell"], 3)
    # the bus: [h_{t-1}, x_t] feeding every gate
    _arrow(ax, [(0.0, BUS_Y), (GATE_X["o"], BUS_Y), (GATE_X["o"], GATE_Y - 0.35)], dark)
    _arrow(ax, [(1.9, 0.0), (1.9, BUS_Y - 0.02)], dark)
    for g in ("f", "i", "c_tilde"):
        _arrow(ax, [(GATE_X[g], BUS_Y), (GATE_X[g], GATE_Y - 0.35)], col[g])
    # gate layers
    for g, sym in (("f", "σ"), ("i", "σ"), ("c_tilde", "tanh"), ("o", "σ")):
        _box(ax, GATE_X[g], GATE_Y, sym, col[g])
    mult_in_x = GATE_X["c_tilde"] - 0.5
    _arrow(ax, [(GATE_X["f"], GATE_Y + 0.35), (GATE_X["f"], CELL_Y - 0.3)], col["f"])
    _arrow(ax, [(GATE_X["i"], GATE_Y + 0.35), (GATE_X["i"], MID_Y), (mult_in_x - 0.3, MID_Y)], col["i"])
    _arrow(ax, [(GATE_X["c_tilde"], GATE_Y + 0.35), (GATE_X["c_tilde"], MID_Y), (mult_in_x + 0.3, MID_Y)],
           col["c_tilde"])
    _arrow(ax, [(mult_in_x, MID_Y + 0.27), (mult_in_x, CELL_Y - 0.3)], _color("i", highlight)
           if highlight in ("i", "c_tilde") else col["i"])
    _node(ax, GATE_X["f"], CELL_Y, "×", col["f"])
    _node(ax, mult_in_x, MID_Y, "×", col["i"] if highlight != "c_tilde" else col["c_tilde"])
    _node(ax, mult_in_x, CELL_Y, "+", col["cell"])
    # output path: C_t -> tanh -> x o_t -> h_t
    out_x = 8.9
    _arrow(ax, [(out_x, CELL_Y), (out_x, MID_Y + 0.3)], col["o"])
    ax.add_patch(FancyBboxPatch((out_x - 0.5, MID_Y - 0.22), 1.0, 0.44, boxstyle="round,pad=0.05",
                                facecolor="white", edgecolor=col["o"], lw=2, zorder=3))
    ax.text(out_x, MID_Y, "tanh", ha="center", va="center", color=col["o"], fontsize=9, zorder=4)
    _arrow(ax, [(out_x, MID_Y - 0.25), (out_x, GATE_Y + 0.3)], col["o"])
    _arrow(ax, [(GATE_X["o"] + 0.45, GATE_Y), (out_x - 0.3, GATE_Y)], col["o"])
    _node(ax, out_x, GATE_Y, "×", col["o"])
    _arrow(ax, [(out_x, GATE_Y - 0.27), (out_x, BUS_Y), (11.2, BUS_Y)], col["o"])
    _arrow(ax, [(out_x + 0.7, BUS_Y), (out_x + 0.7, 6.7)], col["o"])
    # labels
    ax.text(-0.1, CELL_Y + 0.25, r"$C_{t-1}$", fontsize=12, color=col["cell"])
    ax.text(10.5, CELL_Y + 0.25, r"$C_t$", fontsize=12, color=col["cell"])
    ax.text(-0.1, BUS_Y + 0.2, r"$h_{t-1}$", fontsize=12, color=dark)
    ax.text(2.05, 0.1, r"$x_t$", fontsize=12, color=dark)
    ax.text(10.5, BUS_Y + 0.2, r"$h_t$", fontsize=12, color=col["o"])
    ax.text(out_x + 0.8, 6.45, r"$h_t$", fontsize=12, color=col["o"])
    for g, name in (("f", r"$f_t$"), ("i", r"$i_t$"), ("c_tilde", r"$\tilde{C}_t$"), ("o", r"$o_t$")):
        ax.text(GATE_X[g] + 0.12, GATE_Y + 0.45, name, fontsize=10, color=col[g])
    _annotate_values(ax, values)
    ax.set_title(TITLES[highlight], fontsize=11)
    return ax


def _annotate_values(ax, values):
    where = {"f": (GATE_X["f"] - 0.6, GATE_Y - 0.7), "i": (GATE_X["i"] - 0.5, GATE_Y - 0.7),
             "c_tilde": (GATE_X["c_tilde"] - 0.3, GATE_Y - 0.7), "o": (GATE_X["o"] - 0.4, GATE_Y - 0.7),
             "c": (10.3, CELL_Y - 0.45), "h": (10.3, BUS_Y - 0.45), "c_prev": (-0.1, CELL_Y - 0.45),
             "h_prev": (-0.1, BUS_Y - 0.45), "x": (2.05, -0.3)}
    for name, v in values.items():
        x, y = where[name]
        ax.text(x, y, f"{float(v):.3f}", fontsize=9, color="#000000",
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "#FFF6D5", "edgecolor": "#C9A227"}, zorder=5)


def draw_all_parts():
    """Six small diagrams in three rows of two: the whole cell, then one per highlighted part
    (f, i, c_tilde, o, cell); returns the figure (7 in wide: the page column, so nothing is shrunk)."""
    fig, axes = new_figure(3, 2, height=WIDTH)
    for ax, part in zip(axes.flat, (None,) + PARTS):
        draw_cell(ax, highlight=part)
        ax.title.set_fontsize(9)
    return fig
