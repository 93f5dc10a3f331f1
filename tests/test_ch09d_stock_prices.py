import numpy as np
import pytest

from lstm_helpers.chapters import ch09d_stock_prices as ch09d


def test_random_walk_is_seeded_and_positive():
    a, b = ch09d.random_walk(50, seed=3), ch09d.random_walk(50, seed=3)
    assert np.array_equal(a, b) and np.all(a > 0)
    # i.i.d. normal log-returns with the given sigma
    r = np.diff(np.log(ch09d.random_walk(5000, sigma=0.02, seed=1)))
    assert abs(r.std() - 0.02) < 0.001 and abs(r.mean()) < 0.002


def test_bad_input():
    with pytest.raises(ValueError, match="n must be an integer >= 2"):
        ch09d.random_walk(1)
