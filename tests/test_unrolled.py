import matplotlib
import numpy as np
import pytest

from lstm_helpers.figures import style, unrolled
from lstm_helpers.figures.style import GATE_COLORS

matplotlib.use("Agg")


def texts(ax):
    return [t.get_text() for t in ax.texts]


def centre(box):
    x, y, w, h = box
    return np.array([x + w / 2, y + h / 2])


@pytest.mark.parametrize("cell", unrolled.CELLS)
@pytest.mark.parametrize("n", [1, 3, 5])
def test_boxes_are_equal_and_equally_spaced_in_a_row(cell, n):
    geo = unrolled.layout(cell, n)
    boxes = geo["boxes"]
    assert len(boxes) == n
    assert len({b[2:] for b in boxes}) == 1 and len({b[1] for b in boxes}) == 1
    steps = np.diff([b[0] for b in boxes])
    np.testing.assert_allclose(steps, unrolled.SPACING)
    assert unrolled.SPACING > boxes[0][2]          # a visible gap for the h_t arrows


@pytest.mark.parametrize("cell", unrolled.CELLS)
def test_an_h_arrow_joins_each_pair_of_consecutive_boxes(cell):
    geo = unrolled.layout(cell, 5)
    boxes = geo["boxes"]
    assert len(geo["h_arrows"]) == 4
    pairs = zip(boxes, boxes[1:], geo["h_arrows"])
    for (x, y, w, h), nxt, ((xa, ya), (xb, yb)) in pairs:
        assert xa == pytest.approx(x + w) and xb == pytest.approx(nxt[0])   # rightwards
        assert ya == yb and y < ya < y + h
    (xa, _), (xb, _) = geo["h_in"]
    assert xa < xb == pytest.approx(boxes[0][0])   # h_0 enters box 1 from the left


def test_only_the_lstm_has_a_cell_state_belt_above_the_h_arrows():
    rnn, lstm = unrolled.layout("rnn", 5), unrolled.layout("lstm", 5)
    assert rnn["c_arrows"] == [] and rnn["c_in"] is None
    assert len(lstm["c_arrows"]) == 4 and lstm["c_in"] is not None
    for (c_start, c_end), (h_start, h_end) in zip(lstm["c_arrows"], lstm["h_arrows"]):
        assert c_start[0] == h_start[0] and c_end[0] == h_end[0]
        assert c_start[1] > h_start[1]                 # C_t along the top, h_t below
    top = lstm["boxes"][0][1] + lstm["boxes"][0][3]
    assert lstm["c_arrows"][0][0][1] < top             # the belt runs through the box


@pytest.mark.parametrize("cell", unrolled.CELLS)
def test_every_word_sits_under_its_box_with_an_arrow_up(cell):
    geo = unrolled.layout(cell, 5)
    for box, word, (start, end) in zip(geo["boxes"], geo["words"], geo["x_arrows"]):
        x, y, w, _ = box
        assert word[0] == pytest.approx(x + w / 2) and word[1] < start[1] < end[1]
        assert start[0] == end[0] == word[0] and end[1] == pytest.approx(y)
    (x, y, w, h), ((xa, ya), (_, yb)) = geo["boxes"][-1], geo["readout"]
    assert xa == pytest.approx(x + w / 2) and ya == pytest.approx(y + h) and ya < yb


@pytest.mark.parametrize("cell", unrolled.CELLS)
def test_everything_fits_inside_the_limits(cell):
    geo = unrolled.layout(cell, 5)
    x0, x1, y0, y1 = geo["limits"]
    arrows = geo["h_arrows"] + geo["c_arrows"] + geo["x_arrows"]
    points = [p for a in arrows for p in a]
    points += list(geo["h_in"]) + list(geo["readout"]) + geo["words"] + [geo["answer"]]
    for x, y, w, h in geo["boxes"]:
        points += [(x, y), (x + w, y + h)]
    xs, ys = np.array(points).T
    assert x0 < xs.min() and xs.max() < x1 and y0 < ys.min() and ys.max() < y1


@pytest.mark.parametrize("cell", unrolled.CELLS)
def test_figure_has_one_label_per_word_and_the_answer(cell):
    ax = unrolled.plot_unrolled(cell, unrolled.STORY, answer="Urdu")
    t = texts(ax)
    for word in unrolled.STORY:
        assert t.count(word) == 1
    assert t.count("Urdu") == 1
    assert [f"$x_{k}$" in t for k in range(1, 6)] == [True] * 5
    assert [f"$h_{k}$" in t for k in range(6)] == [True] * 6
    assert ("$C_0$" in t) == (cell == "lstm")
    cell_label = "LSTM" if cell == "lstm" else "tanh"
    assert t.count(cell_label) == 5                     # the same cell at every step
    matplotlib.pyplot.close(ax.figure)


def test_lstm_belt_is_thicker_and_in_the_cell_state_colour():
    ax = unrolled.plot_unrolled("lstm")
    belt = matplotlib.colors.to_rgba(GATE_COLORS["c"])
    widths = {p.get_linewidth() for p in ax.patches if p.get_edgecolor() == belt}
    h_widths = {p.get_linewidth() for p in ax.patches
                if p.get_edgecolor() == matplotlib.colors.to_rgba(GATE_COLORS["h"])}
    assert widths and h_widths and min(widths) > max(h_widths)
    matplotlib.pyplot.close(ax.figure)


@pytest.mark.parametrize("cell", unrolled.CELLS)
def test_text_is_large_enough_for_a_phone(cell):
    ax = unrolled.plot_unrolled(cell)
    sizes = [t.get_fontsize() for t in ax.texts] + [ax.title.get_fontsize()]
    assert min(sizes) >= 12
    assert ax.figure.get_size_inches()[0] == pytest.approx(style.WIDTH) and style.WIDTH <= 7.0
    matplotlib.pyplot.close(ax.figure)


def test_no_answer_draws_no_readout():
    ax = unrolled.plot_unrolled("rnn", ["a", "b"], answer=None)
    assert "Urdu" not in texts(ax) and "$h_2$" not in texts(ax)
    matplotlib.pyplot.close(ax.figure)


@pytest.mark.parametrize("kwargs, match", [
    ({"cell": "gru"}, "cell must be one of"),
    ({"cell": "lstm", "words": []}, "words must hold 1 to 6"),
    ({"cell": "lstm", "words": "Pakistan"}, "words must be a list of strings"),
    ({"cell": "rnn", "words": ["a"] * 7}, "words must hold 1 to 6"),
    ({"cell": "rnn", "words": ["a", ""]}, "words must be non-empty strings"),
    ({"cell": "rnn", "words": ["a", 3]}, "words must be non-empty strings"),
    ({"cell": "rnn", "words": ["a supercalifragilistic word"]}, "at most 16"),
    ({"cell": "rnn", "answer": 3}, "answer must be a non-empty string or None"),
    ({"cell": "rnn", "ax": "left"}, "ax must be a matplotlib Axes"),
])
def test_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        unrolled.plot_unrolled(**kwargs)


@pytest.mark.parametrize("args, match", [
    (("LSTM", 5), "cell must be one of"),
    (("lstm", 0), "n_steps must be an integer >= 1"),
    (("lstm", 2.0), "n_steps must be an integer >= 1"),
    (("lstm", 7), "n_steps must be at most 6"),
])
def test_layout_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        unrolled.layout(*args)


# -- per-arrow widths (chapter 14's backward flow) ------------------------------------
def arrows(ax, colour):
    """The FancyArrowPatches of one colour, left to right then bottom to top."""
    rgba = matplotlib.colors.to_rgba(colour)
    found = [p for p in ax.patches if isinstance(p, matplotlib.patches.FancyArrowPatch)
             and p.get_edgecolor() == rgba]
    return sorted(found, key=lambda p: (p._posA_posB[0][0], p._posA_posB[0][1]))


def test_default_widths_are_the_chapter_3_figure():
    ax = unrolled.plot_unrolled("lstm", ["a", "b", "c"])
    assert [p.get_linewidth() for p in arrows(ax, GATE_COLORS["c"])] == [5.0] * 3
    assert [p.get_linewidth() for p in arrows(ax, GATE_COLORS["h"])] == [2.2] * 4
    assert [p.get_mutation_scale() for p in arrows(ax, GATE_COLORS["c"])] == [24.0] * 3
    assert [p.get_mutation_scale() for p in arrows(ax, GATE_COLORS["h"])] == [16.0] * 4
    matplotlib.pyplot.close(ax.figure)


def test_flow_widths_set_every_arrow_and_the_belt_inside_each_box():
    widths = {"C": [1.0, 2.0, 3.0], "h": [0.5, 1.0, 1.5, 8.0]}   # the last: read-out
    ax = unrolled.plot_unrolled("lstm", ["a", "b", "c"], flow_widths=widths)
    assert [p.get_linewidth() for p in arrows(ax, GATE_COLORS["c"])] == widths["C"]
    assert [p.get_linewidth() for p in arrows(ax, GATE_COLORS["h"])] == widths["h"]
    belt = sorted(ax.lines, key=lambda line: line.get_xdata()[0])
    assert [line.get_linewidth() for line in belt] == widths["C"]   # as the arrow in
    heads = [p.get_mutation_scale() for p in arrows(ax, GATE_COLORS["c"])]
    assert heads == sorted(heads) and heads[0] < heads[-1]     # heads grow with width
    matplotlib.pyplot.close(ax.figure)


def test_only_the_given_flow_keeps_new_widths():
    ax = unrolled.plot_unrolled("rnn", ["a", "b"], None, flow_widths={"h": [1, 4]})
    assert [p.get_linewidth() for p in arrows(ax, GATE_COLORS["h"])] == [1.0, 4.0]
    matplotlib.pyplot.close(ax.figure)


def test_log_widths_grow_by_the_same_amount_per_factor_of_ten():
    w = unrolled.log_widths([1e-4, 1e-3, 0.01, 0.1, 1], 1e-4, 1, thinnest=1, widest=5)
    np.testing.assert_allclose(w, [1, 2, 3, 4, 5])
    clipped = unrolled.log_widths([1e-9, 3.0], 1e-4, 1.0, thinnest=1, widest=5)
    np.testing.assert_allclose(clipped, [1, 5])             # the ends, not beyond


def test_stacked_flows_one_chain_each_legible_with_a_key():
    sizes = {"C": [1e-3, 1e-2, 1e-1], "h": [1e-2, 1e-1, 1.0, 0.5]}
    fig = unrolled.plot_flows({"first": sizes, "second": sizes}, ["a", "b", "c"])
    assert [ax.get_title() for ax in fig.axes] == ["first", "second"]
    assert fig.get_size_inches()[0] == pytest.approx(style.WIDTH)
    texts_ = [t for ax in fig.axes for t in ax.texts] + fig.legends[0].get_texts()
    assert min(t.get_fontsize() for t in texts_) >= 12
    c = [p.get_linewidth() for p in arrows(fig.axes[0], GATE_COLORS["c"])]
    np.testing.assert_allclose(c, unrolled.log_widths(sizes["C"], 1e-2, 1.0))
    assert [t.get_text() for t in fig.legends[0].get_texts()] == [
        r"$\geq$$1$", "$10^{-1}$", r"$\leq$$10^{-2}$"]
    matplotlib.pyplot.close(fig)


@pytest.mark.parametrize("kwargs, match", [
    ({"cell": "rnn", "flow_widths": {"C": [1] * 5}}, r"flow_widths must be None or a"),
    ({"cell": "lstm", "flow_widths": [1, 2]}, r"flow_widths must be None or a dict"),
    ({"cell": "lstm", "flow_widths": {"C": [1] * 4}}, r"flow_widths\['C'\] must have"),
    ({"cell": "lstm", "flow_widths": {"h": [1] * 5}}, r"flow_widths\['h'\] must have"),
    ({"cell": "lstm", "answer": None, "flow_widths": {"h": [1] * 6}},
     r"flow_widths\['h'\] must have shape \(5,\)"),
    ({"cell": "lstm", "flow_widths": {"C": [1, 2, 0, 1, 1]}}, r"widths in \(0, 9.0\]"),
    ({"cell": "lstm", "flow_widths": {"C": [1, 2, 30, 1, 1]}}, r"widths in \(0, 9.0\]"),
])
def test_bad_flow_widths(kwargs, match):
    with pytest.raises(ValueError, match=match):
        unrolled.plot_unrolled(**kwargs)


@pytest.mark.parametrize("call, match", [
    (lambda: unrolled.log_widths([1.0, 0.0], 1e-2, 1.0), "values must be positive"),
    (lambda: unrolled.log_widths([[1.0]], 1e-2, 1.0), "values must have shape"),
    (lambda: unrolled.log_widths([1.0], 0.0, 1.0), "low must be"),
    (lambda: unrolled.log_widths([1.0], 1.0, 0.1), "high must be"),
    (lambda: unrolled.log_widths([1.0], 1.0, 1.0), "high must be larger than low"),
    (lambda: unrolled.log_widths([1.0], 0.1, 1.0, widest=20), "widest must be"),
    (lambda: unrolled.plot_flows({}, ["a"]), "flows must be a dict"),
    (lambda: unrolled.plot_flows({"t": {"C": [1.0]}}, ["a"]), r"flows\['t'\] must be"),
    (lambda: unrolled.plot_flows({"t": {"C": [1.0], "h": [1.0]}}, ["a"]),
     r"flow_widths\['h'\] must have shape"),
])
def test_bad_input_for_the_width_helpers(call, match):
    with pytest.raises(ValueError, match=match):
        call()
