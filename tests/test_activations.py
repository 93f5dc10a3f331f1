import warnings

import numpy as np
import pytest

from lstm_helpers.engine.activations import sigmoid, tanh


def test_sigmoid_matches_definition():
    z = np.linspace(-20, 20, 401)
    np.testing.assert_allclose(sigmoid(z), 1.0 / (1.0 + np.exp(-z)), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extreme_inputs_give_no_warning_and_no_nan(dtype):
    z = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s, t = sigmoid(z), tanh(z)
    assert s.dtype == dtype and t.dtype == dtype
    np.testing.assert_array_equal(s[[0, 2, 4]], np.array([0.0, 0.5, 1.0], dtype=dtype))
    np.testing.assert_array_equal(t[[0, 2, 4]], np.array([-1.0, 0.0, 1.0], dtype=dtype))


def test_sigmoid_in_place():
    z = np.array([0.0, 2.0])
    out = sigmoid(z, out=z)
    assert out is z
    np.testing.assert_allclose(z, [0.5, 1 / (1 + np.exp(-2.0))])
