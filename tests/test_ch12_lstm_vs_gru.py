import pytest

from lstm_helpers.chapters import ch12_lstm_vs_gru as ch12
from lstm_helpers.experiments import results


def test_gru_has_three_quarters_of_the_lstm_parameters():
    for D, H, n_lstm, n_gru, ratio in ch12.param_rows(((3, 4), (10, 7))):
        assert n_lstm == 4 * (H * (H + D) + H) and n_gru == 3 * (H * (H + D) + H) and ratio == 0.75


def test_step_time_is_the_median_after_a_warm_up_of_forward_plus_backward(monkeypatch):
    # a fake clock: the k-th timed call takes k seconds (the first, the warm-up, is dropped)
    ticks = iter([0, 1, 10, 12, 20, 23, 30, 34])
    monkeypatch.setattr(ch12.time, "perf_counter", lambda: next(ticks))
    calls = []
    real = ch12.models.engine("gru").backward
    monkeypatch.setattr(ch12.models.engine("gru"), "backward", lambda *a: calls.append(a) or real(*a))
    assert ch12.step_time("gru", B=2, T=3, D=2, H=3, repeats=3) == 3.0      # median of 2, 3, 4
    assert len(calls) == 4 and calls[0][2].shape == (3, 2, 3)             # dh: (T, B, H)


def test_head_to_head_table_shows_median_solved_seeds_and_the_chosen_rate():
    runs = [{"model": "gru", "task": "recall", "size": 20, "lr": lr, "seed": s, "val": v, "test": v,
             "solved": v >= 0.9, "solved_at": 3200 if v >= 0.9 else None} for lr, vals in ((1e-2, [0.2] * 5), (3e-3, [1.0, 1.0, 0.2, 1.0, 0.9]))
            for s, v in enumerate(vals)]
    table = ch12.head_to_head_table(results.summarise(runs), ("gru",), (("recall", 20),))
    assert table.splitlines()[1].split() == ["GRU", "(default)", "1.00", "4/5", "3e-3"]


@pytest.mark.parametrize("call, match", [
    (lambda: ch12.step_time("cnn"), "cell must be one of"),
    (lambda: ch12.step_time("gru", B=0), "B must be an integer >= 1"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
