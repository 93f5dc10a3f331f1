import math

import numpy as np
import pytest

from lstm_helpers import numerical


def sig(v):
    return 1 / (1 + math.exp(-v))


def test_worked_step_matches_the_hand_computation():
    v = numerical.worked_step()
    np.testing.assert_allclose(v["z"], [0.5, -0.5, 1.0, 0.5])
    np.testing.assert_allclose(v["a_f"], [2.25, 0.25])
    np.testing.assert_allclose(v["a_i"], [1.5, 0.25])
    np.testing.assert_allclose(v["a_c"], [0.5, 0.25])
    np.testing.assert_allclose(v["a_o"], [0.75, 0.0])
    c1 = sig(2.25) * 1.0 + sig(1.5) * math.tanh(0.5)
    c2 = sig(0.25) * -1.0 + sig(0.25) * math.tanh(0.25)
    np.testing.assert_allclose(v["c"], [c1, c2], atol=1e-15)
    np.testing.assert_allclose(v["h"], [sig(0.75) * math.tanh(c1), 0.5 * math.tanh(c2)], atol=1e-15)
    assert round(c1, 4) == 1.2825 and round(c2, 4) == -0.4245


def test_engine_reproduces_it():
    assert numerical.engine_difference() < 1e-15


def test_table_has_one_row_per_intermediate():
    rows = numerical.table(numerical.worked_step()).splitlines()
    assert len(rows) == len(numerical.ORDER)
    assert rows[-1].split()[-2:] == ["0.5822", "-0.2004"]


def test_table_rejects_missing_values():
    with pytest.raises(ValueError, match="missing"):
        numerical.table({"z": np.zeros(4)})
