import numpy as np
import pytest

from lstm_helpers.training import forecast


def test_windows_pair_each_window_with_the_next_value():
    x, y = forecast.windows(np.arange(10.0), 3)
    assert x.shape == (3, 7, 1) and y.tolist() == list(range(3, 10))
    np.testing.assert_array_equal(x[:, 0, 0], [0, 1, 2])


def test_persistence_baseline_by_hand():
    series = np.array([1.0, 2.0, 4.0, 7.0, 11.0, 16.0, 22.0, 29.0, 37.0, 46.0, 56.0, 67.0])
    r = forecast.fit_and_compare(series, split=8, window=2, hidden=4, steps=2, progress=False)
    np.testing.assert_allclose(r["today"], [29.0, 37.0, 46.0, 56.0])
    assert r["persistence_mae"] == pytest.approx(np.mean([8, 9, 10, 11]))


def test_learning_rate_is_a_setting_of_the_run():
    series = np.sin(np.arange(40.0) / 3)
    kw = dict(split=30, window=3, hidden=4, steps=3, progress=False)
    default, same = forecast.fit_and_compare(series, **kw), forecast.fit_and_compare(series, lr=1e-2, **kw)
    other = forecast.fit_and_compare(series, lr=1e-3, **kw)
    np.testing.assert_array_equal(default["pred"], same["pred"])       # 1e-2 is the default
    assert not np.allclose(default["pred"], other["pred"])


@pytest.mark.parametrize("call, match", [
    (lambda: forecast.windows(np.arange(3.0), 3), "longer than window"),
    (lambda: forecast.fit_and_compare(np.arange(20.0), split=2, window=5), "split must lie between"),
    (lambda: forecast.fit_and_compare(np.arange(20.0), split=10, window=5, lr=0.0), "lr must be"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
