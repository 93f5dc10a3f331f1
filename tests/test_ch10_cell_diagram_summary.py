import pytest

from lstm_helpers.chapters import ch10_cell_diagram_summary as ch10


def test_every_sheet_shape_matches_the_engine():
    text = ch10.sheet_text(D=5, H=3, B=4, T=2)
    assert "MISMATCH" not in text and text.count(" ok") == len(ch10.SHEET)
    assert max(len(line) for line in text.splitlines()) <= 76                  # fits the page column


def test_sheet_columns_line_up_on_screen_even_after_a_combining_tilde():
    lines = [line for line in ch10.sheet_text().splitlines() if " = " in line]
    arrows = {ch10._columns(line[:line.index("->")]) for line in lines}
    assert len(lines) == 6 and len(arrows) == 1


def test_measured_shapes_follow_the_sizes():
    s = ch10.measured_shapes(D=5, H=3, B=4, T=2)
    assert s["W_f, W_i, W_C, W_o"] == (3, 8) and s["h_t"] == (4, 3) and s["trace (all steps)"] == (2, 4, 3)


def test_bad_sizes():
    with pytest.raises(ValueError, match="H must be an integer >= 1"):
        ch10.measured_shapes(H=0)
