"""Chapters 1 and 3: a recurrent cell unrolled over a sentence, drawn by code.

``layout(cell, n_steps)`` computes where every box and arrow goes (tested without a
display); ``plot_unrolled(cell, words)`` draws it: one box per word, the word x_t
entering from below, h_t flowing right from box to box (black), and for the LSTM the
cell state C_t as a thick conveyor belt through the top of every box (the book's
cell-state colour). After the last word an arrow up is the read-out: the answer
("Urdu" for chapter 1's sentence).

Chapter 14 draws the same chain with a width per arrow (``flow_widths``), e.g. the
size of the gradient flowing back along it on a log scale (``log_widths``), and stacks
such chains (``plot_flows``).
"""
from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

from lstm_helpers.engine.validation import check_array, check_number, check_option, check_positive_int
from lstm_helpers.figures.style import GATE_COLORS, new_figure
from lstm_helpers.figures.style import WIDTH as WIDTH_IN

CELLS = ("rnn", "lstm")
STORY = ("I", "grew up in", "Pakistan", "…", "I speak fluent")   # chapter 1's sentence
ANSWER = "Urdu"
MAX_STEPS = 6     # more boxes would not fit a page (or a phone) at a legible font size
MAX_WORD = 16     # characters; a longer word would run into its neighbours
# Geometry in data units: box centres are SPACING = 1 apart (about 1.2 in on the page).
SPACING, BOX_W, BOX_Y0 = 1.0, 0.62, 0.7
BOX_H = {"rnn": 0.6, "lstm": 1.0}
H_Y = {"rnn": 1.0, "lstm": 0.95}      # height of the h_t arrows
C_Y = 1.45                            # height of the LSTM's conveyor belt
GATES_Y, NAME_Y = 1.17, 0.88          # inside an LSTM box: gate colours, then "LSTM"
WORD_Y, STUB = 0.0, 0.45              # the words; length of h_0, C_0, read-out arrows
TEXT, GREY, FACE, EDGE = "#000000", "#555555", "#F4F4F4", "#333333"
FONT = 14                             # points; no text in the figure is below FONT - 1
WIDTH = {"h": 2.2, "C": 5.0}          # default line widths (points) of h_t and C_t
MAX_WIDTH = 9.0                       # points: a wider belt would cover the C_t labels


def layout(cell, n_steps):
    """Coordinates of the unrolled chain (pure geometry, no drawing).

    cell: "rnn" or "lstm"; n_steps: 1 to MAX_STEPS boxes, one per word.
    Returns a dict; a point is (x, y), an arrow is (start, end):
      boxes     n tuples (x_left, y_bottom, width, height), centres SPACING apart
      h_in      the h_0 arrow into box 1;  h_arrows  n - 1 arrows, box t -> box t+1
      c_in      the C_0 arrow (None for the RNN);  c_arrows  n - 1 (none for the RNN)
      x_arrows  n arrows, word t -> bottom of box t;  words  n points under the boxes
      readout   the arrow up from the last box;  answer  the point above it
      limits    (x_min, x_max, y_min, y_max) of the drawing
    """
    check_option("cell", cell, CELLS)
    n = check_positive_int("n_steps", n_steps)
    if n > MAX_STEPS:
        raise ValueError(f"n_steps must be at most {MAX_STEPS} (legibility); got {n}")
    lstm, top, hy = cell == "lstm", BOX_Y0 + BOX_H[cell], H_Y[cell]
    centres = [t * SPACING for t in range(n)]
    lefts = [x - BOX_W / 2 for x in centres]

    def between(y):   # right edge of box t -> left edge of box t + 1, at height y
        return [((x + BOX_W, y), (x + SPACING, y)) for x in lefts[:-1]]

    def entering(y):
        return ((lefts[0] - STUB, y), (lefts[0], y))

    return {
        "boxes": [(x, BOX_Y0, BOX_W, BOX_H[cell]) for x in lefts],
        "h_in": entering(hy),
        "h_arrows": between(hy),
        "c_in": entering(C_Y) if lstm else None,
        "c_arrows": between(C_Y) if lstm else [],
        "x_arrows": [((x, WORD_Y + 0.22), (x, BOX_Y0)) for x in centres],
        "words": [(x, WORD_Y) for x in centres],
        "readout": ((centres[-1], top), (centres[-1], top + STUB)),
        "answer": (centres[-1], top + STUB + 0.2),
        "limits": (lefts[0] - STUB - 0.4, centres[-1] + BOX_W / 2 + 0.4,
                   WORD_Y - 0.2, top + STUB + 0.45),
    }


def _check_words(words):
    if isinstance(words, str) or not isinstance(words, (list, tuple)):
        raise ValueError("words must be a list of strings, one per step; "
                         f"got {words!r}")
    if not 1 <= len(words) <= MAX_STEPS:
        raise ValueError(f"words must hold 1 to {MAX_STEPS} strings; got {len(words)}")
    for w in words:
        if not isinstance(w, str) or not 1 <= len(w.strip()) <= MAX_WORD:
            raise ValueError(f"words must be non-empty strings of at most {MAX_WORD} "
                             f"characters; got {w!r}")
    return list(words)


def _arrow(ax, start, end, color, lw=2.2, head=16):
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=head,
                                 color=color, lw=lw, shrinkA=0, shrinkB=0, zorder=2))


def _text(ax, x, y, s, size=FONT, color=TEXT, **kw):
    kw = {"ha": "center", "va": "center", **kw}
    ax.text(x, y, s, fontsize=size, color=color, zorder=4, **kw)


def _gate_miniature(ax, x_centre, y):
    """Four small squares in the gate colours: the σ σ tanh σ of chapter 3's diagram."""
    size, gap = 0.11, 0.035
    x = x_centre - (4 * size + 3 * gap) / 2
    for g in ("f", "i", "c_tilde", "o"):
        ax.add_patch(Rectangle((x, y - size / 2), size, size, facecolor=GATE_COLORS[g],
                               edgecolor="none", zorder=4))
        x += size + gap


def plot_unrolled(cell, words=STORY, answer=ANSWER, ax=None, flow_widths=None):
    """Draw an RNN or LSTM unrolled over ``words``, one box per word; returns the axes.

    cell: "rnn" (boxes labelled tanh) or "lstm" (boxes labelled LSTM, in gate colours).
    words: 1 to MAX_STEPS short strings, the inputs x_1 ... x_T, written under the boxes
    answer: the read-out after the last word (a string), or None for no read-out.
    flow_widths: None (every h arrow WIDTH["h"], every C arrow WIDTH["C"]), or a dict
      with "h" and/or (LSTM) "C": line widths in points, 0 < width <= MAX_WIDTH, one per
      arrow from the left: "C" T widths (C_0 ... C_{T-1}; the belt inside box t is as
      wide as the arrow entering it), "h" T widths (h_0 ... h_{T-1}) plus one for the
      read-out h_T when there is one. Arrow heads grow with the width.
    Every box is the same cell with the same weights; only h_t (and C_t) carry the past.
    """
    check_option("cell", cell, CELLS)
    words = _check_words(words)
    if answer is not None and (not isinstance(answer, str) or not answer.strip()):
        raise ValueError(f"answer must be a non-empty string or None; got {answer!r}")
    widths = _check_widths(flow_widths, cell, len(words), answer is not None)
    if ax is not None and not isinstance(ax, Axes):
        kind = type(ax).__name__
        raise ValueError(f"ax must be a matplotlib Axes or None; got {kind}")
    geo = layout(cell, len(words))
    x0, x1, y0, y1 = geo["limits"]
    if ax is None:   # the page column's width; the height follows the drawing + title
        _, ax = new_figure(height=WIDTH_IN * (y1 - y0) / (x1 - x0) + 0.45)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal")
    ax.axis("off")
    lstm = cell == "lstm"
    for t, (x, y, w, h) in enumerate(geo["boxes"]):
        ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.02",
                                    facecolor=FACE, edgecolor=EDGE, lw=1.5, zorder=1))
        if lstm:   # the belt runs through every box: C_{t-1} is changed, not replaced
            ax.plot([x, x + w], [C_Y, C_Y], color=GATE_COLORS["c"], lw=widths["C"][t],
                    solid_capstyle="butt", zorder=3)
            _gate_miniature(ax, x + w / 2, GATES_Y)
            _text(ax, x + w / 2, NAME_Y, "LSTM", FONT - 1, fontweight="bold")
        else:
            _text(ax, x + w / 2, y + h / 2, "tanh", FONT + 1, fontweight="bold")
    _draw_flows(ax, geo, lstm, widths)
    for t, (word, (a, b)) in enumerate(zip(words, geo["x_arrows"]), start=1):
        _text(ax, *geo["words"][t - 1], word)
        _arrow(ax, a, b, GREY, lw=1.8, head=14)
        _text(ax, a[0] - 0.06, (a[1] + b[1]) / 2, f"$x_{t}$", FONT - 1, GREY,
              ha="right")
    if answer is not None:
        a, b = geo["readout"]
        lw = widths["h"][-1]
        _arrow(ax, a, b, GATE_COLORS["h"], lw=lw, head=_head(lw))
        beside = 0.07 + max(lw - WIDTH["h"], 0.0) / 150   # clear of a wide arrow's head
        _text(ax, b[0] + beside, (a[1] + b[1]) / 2, f"$h_{len(words)}$", FONT - 1,
              GATE_COLORS["h"], ha="left")
        _text(ax, *geo["answer"], answer, FONT + 1, va="bottom", fontweight="bold")
    name = "An LSTM" if lstm else "An RNN"
    ax.set_title(f"{name} unrolled: the same cell at every word", fontsize=FONT)
    return ax


def _head(lw):
    """Arrow-head size for a ``lw``-point line: 16 at 2.2 pt (h), 24 at 5 pt (C)."""
    return 16.0 + (lw - WIDTH["h"]) * 8.0 / (WIDTH["C"] - WIDTH["h"])


def log_widths(values, low, high, thinnest=0.5, widest=8.0):
    """Line widths (points) growing with log10 of ``values``: a map for flow_widths.

    low -> thinnest, high -> widest, linear in log10 between; values outside [low, high]
    are drawn as at the nearer end. values: (n,) positive numbers; 0 < low < high.
    """
    values = check_array("values", values, ("n",))
    if np.any(values <= 0):
        raise ValueError("values must be positive (their log is drawn); "
                         f"got minimum {values.min()}")
    low = check_number("low", low, 1e-300)
    high = check_number("high", high, low)
    thinnest = check_number("thinnest", thinnest, 1e-3, MAX_WIDTH)
    widest = check_number("widest", widest, thinnest, MAX_WIDTH)
    if high == low:
        raise ValueError(f"high must be larger than low; got low = high = {low}")
    share = (np.log10(values) - np.log10(low)) / (np.log10(high) - np.log10(low))
    return thinnest + (widest - thinnest) * np.clip(share, 0.0, 1.0)


def _check_widths(flow_widths, cell, n, readout):
    """{"h": n (+1 with a read-out) widths, "C": n widths}; defaults where not given."""
    counts = {"h": n + int(readout), "C": n}
    out = {k: [WIDTH[k]] * m for k, m in counts.items()}
    if flow_widths is None:
        return out
    keys = ("h", "C") if cell == "lstm" else ("h",)
    if not isinstance(flow_widths, dict) or not set(flow_widths) <= set(keys):
        raise ValueError("flow_widths must be None or a dict with keys from "
                         f"{list(keys)} (for the {cell}); got {flow_widths!r}")
    for k, w in flow_widths.items():
        w = check_array(f"flow_widths['{k}']", w, (counts[k],))
        if np.any(w <= 0) or np.any(w > MAX_WIDTH):
            raise ValueError(f"flow_widths['{k}'] must hold widths in (0, {MAX_WIDTH}] "
                             f"points; got {w.min():g} to {w.max():g}")
        out[k] = [float(v) for v in w]
    return out


def _draw_flows(ax, geo, lstm, widths):
    """The h_t arrows (black, lower) and, for the LSTM, the C_t belt (thick, on top)."""
    flows = [(geo["h_in"], geo["h_arrows"], "h", GATE_COLORS["h"])]
    if lstm:
        flows.append((geo["c_in"], geo["c_arrows"], "C", GATE_COLORS["c"]))
    for first, arrows, sym, col in flows:
        (x, y), _ = first
        lw = widths[sym][0]
        _arrow(ax, *first, col, lw=lw, head=_head(lw))
        _text(ax, x - 0.05, y, f"${sym}_0$", FONT, col, ha="right")
        for t, ((xa, y), (xb, _)) in enumerate(arrows, start=1):
            lw = widths[sym][t]
            _arrow(ax, (xa, y), (xb, y), col, lw=lw, head=_head(lw))
            _text(ax, (xa + xb) / 2, y + 0.08, f"${sym}_{t}$", FONT, col, va="bottom")


def plot_flows(flows, words, answer=ANSWER, low=1e-2, high=1.0,
               key="line width: the size, on a log scale"):
    """LSTM chains stacked, one per entry of ``flows``; each arrow as wide as log10 of
    a size carried along it. Returns the figure, the page column's width (style.WIDTH).

    flows: {title: {"C": (T,) sizes along C_0 ... C_{T-1}, "h": (T+1,) along h_0 ... h_T
    (the last for the read-out; T without one)}}, 1 to 3 chains over the same ``words``.
    Sizes become widths by ``log_widths(sizes, low, high)``, the same map for every
    chain; a key under the chains, titled ``key``, shows it.
    """
    from matplotlib.lines import Line2D

    if not isinstance(flows, dict) or not 1 <= len(flows) <= 3:
        raise ValueError("flows must be a dict {title: {'C': sizes, 'h': sizes}} of 1 "
                         f"to 3 chains; got {flows!r:.60}")
    words = _check_words(words)
    low = check_number("low", low, 1e-300)
    high = check_number("high", high, low)
    widths = {}
    for title, sizes in flows.items():
        if not isinstance(sizes, dict) or set(sizes) != {"C", "h"}:
            raise ValueError(f"flows[{title!r}] must be a dict with keys 'C' and 'h'; "
                             f"got {sizes!r:.60}")
        widths[title] = {k: log_widths(v, low, high) for k, v in sizes.items()}
        _check_widths(widths[title], "lstm", len(words), answer is not None)
    x0, x1, y0, y1 = layout("lstm", len(words))["limits"]
    chain = WIDTH_IN * (y1 - y0) / (x1 - x0) + 0.45          # inches, as plot_unrolled
    fig, axes = new_figure(len(flows), 1, height=chain * len(flows) + 0.7,
                           squeeze=False)
    for ax, (title, w) in zip(axes[:, 0], widths.items()):
        plot_unrolled("lstm", words, answer, ax=ax, flow_widths=w)
        ax.set_title(title, fontsize=FONT)
    sizes = high * 10.0 ** -np.arange(int(np.floor(np.log10(high / low) + 1e-9)) + 1)
    handles = [Line2D([], [], color=GREY, lw=w, solid_capstyle="butt")
               for w in log_widths(sizes, low, high)]
    labels = [_power(s) for s in sizes]
    labels[0], labels[-1] = rf"$\geq${labels[0]}", rf"$\leq${labels[-1]}"  # clipped
    fig.legend(handles, labels, loc="outside lower center", ncols=len(sizes),
               fontsize=FONT - 2, frameon=False, handlelength=2.5,
               title=key, title_fontsize=FONT - 2)
    return fig


def _power(s):
    """A size as mathtext to one significant digit, e.g. "$1$" or "$10^{-2}$"."""
    m, e = f"{s:.0e}".split("e")
    e = int(e)
    power = f"10^{{{e}}}"
    return f"${m}$" if not e else (f"${power}$" if m == "1" else rf"${m}\times{power}$")
