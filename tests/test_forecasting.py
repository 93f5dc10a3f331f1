import numpy as np
import pytest

from lstm_helpers import forecasting


def test_seattle_data_loads_complete():
    dates, temp = forecasting.load_seattle()
    assert len(dates) == temp.size == 1461 and dates[0] == "2012/01/01" and np.all(np.isfinite(temp))
    assert -10 < temp.min() < temp.max() < 40


def test_windows_pair_each_window_with_the_next_value():
    x, y = forecasting.windows(np.arange(10.0), 3)
    assert x.shape == (3, 7, 1) and y.tolist() == list(range(3, 10))
    np.testing.assert_array_equal(x[:, 0, 0], [0, 1, 2])


def test_persistence_baseline_by_hand():
    series = np.array([1.0, 2.0, 4.0, 7.0, 11.0, 16.0, 22.0, 29.0, 37.0, 46.0, 56.0, 67.0])
    r = forecasting.fit_and_compare(series, split=8, window=2, hidden=4, steps=2, progress=False)
    np.testing.assert_allclose(r["today"], [29.0, 37.0, 46.0, 56.0])
    assert r["persistence_mae"] == pytest.approx(np.mean([8, 9, 10, 11]))


def test_learning_rate_is_a_setting_of_the_run():
    series = np.sin(np.arange(40.0) / 3)
    kw = dict(split=30, window=3, hidden=4, steps=3, progress=False)
    default, same = forecasting.fit_and_compare(series, **kw), forecasting.fit_and_compare(series, lr=1e-2, **kw)
    other = forecasting.fit_and_compare(series, lr=1e-3, **kw)
    np.testing.assert_array_equal(default["pred"], same["pred"])       # 1e-2 is the default
    assert not np.allclose(default["pred"], other["pred"])


def test_random_walk_is_seeded_and_positive():
    a, b = forecasting.random_walk(50, seed=3), forecasting.random_walk(50, seed=3)
    assert np.array_equal(a, b) and np.all(a > 0)


@pytest.mark.parametrize("call, match", [
    (lambda: forecasting.windows(np.arange(3.0), 3), "longer than window"),
    (lambda: forecasting.fit_and_compare(np.arange(20.0), split=2, window=5), "split must lie between"),
    (lambda: forecasting.random_walk(1), "n must be an integer >= 2"),
    (lambda: forecasting.fit_and_compare(np.arange(20.0), split=10, window=5, lr=0.0), "lr must be"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
