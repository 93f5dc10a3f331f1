import pytest

from lstm_helpers import summary


def test_every_sheet_shape_matches_the_engine():
    text = summary.sheet_text(D=5, H=3, B=4, T=2)
    assert "MISMATCH" not in text and text.count(" ok") == len(summary.SHEET)


def test_measured_shapes_follow_the_sizes():
    s = summary.measured_shapes(D=5, H=3, B=4, T=2)
    assert s["W_f, W_i, W_C, W_o"] == (3, 8) and s["h_t"] == (4, 3) and s["trace (all steps)"] == (2, 4, 3)


def test_bad_sizes():
    with pytest.raises(ValueError, match="H must be an integer >= 1"):
        summary.measured_shapes(H=0)
