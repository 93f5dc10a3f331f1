import numpy as np

from lstm_helpers.chapters import ch09c_time_series as ch09c


def test_seattle_data_loads_complete():
    dates, temp = ch09c.load_seattle()
    assert len(dates) == temp.size == 1461 and dates[0] == "2012/01/01" and np.all(np.isfinite(temp))
    assert -10 < temp.min() < temp.max() < 40


def test_forecast_figure_shows_the_last_days_of_truth_lstm_and_persistence():
    res = {"truth": np.arange(200.0), "pred": np.arange(200.0) + 1, "today": np.arange(200.0) - 1,
           "lstm_mae": 1.0, "persistence_mae": 1.0}
    ax = ch09c.plot_forecast(res, "t", "y", n=50)
    lines = ax.get_lines()
    assert [ln.get_ydata()[0] for ln in lines] == [150.0, 151.0, 149.0]
    assert all(len(ln.get_ydata()) == 50 for ln in lines)
