import numpy as np

from lstm_helpers.chapters import ch03_architecture as ch03
from lstm_helpers.engine import lstm


def test_accumulating_example_grows_c_but_not_h():
    p, x = ch03.accumulating_example(T=12)
    r = ch03.state_ranges(p, x)
    assert r["max_abs_c"] > 8 and r["max_abs_h"] < 0.5 + 1e-9
    np.testing.assert_allclose(r["trace"].h, 0.5 * np.tanh(r["trace"].c), atol=1e-6)


def test_parameter_count_formula():
    assert lstm.n_params(100, 256) == 365_568
