import pytest

from lstm_helpers import gru_compare


def test_gru_has_three_quarters_of_the_lstm_parameters():
    for D, H, n_lstm, n_gru, ratio in gru_compare.param_rows(((3, 4), (10, 7))):
        assert n_lstm == 4 * (H * (H + D) + H) and n_gru == 3 * (H * (H + D) + H) and ratio == 0.75


def test_step_time_is_positive_for_both_cells():
    assert gru_compare.step_time("gru", B=2, T=3, D=2, H=3, repeats=2) > 0
    assert gru_compare.step_time("lstm", B=2, T=3, D=2, H=3, repeats=2) > 0


def test_head_to_head_is_reproducible():
    a = gru_compare.head_to_head(("gru",), gap=2, T=4, seeds=(0,), steps=20, hidden=4, progress=False)
    b = gru_compare.head_to_head(("gru",), gap=2, T=4, seeds=(0,), steps=20, hidden=4, progress=False)
    assert a == b and "GRU" in gru_compare.head_to_head_table(a, 2, 4)


@pytest.mark.parametrize("call, match", [
    (lambda: gru_compare.step_time("cnn"), "cell must be one of"),
    (lambda: gru_compare.step_time("gru", B=0), "B must be an integer >= 1"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
