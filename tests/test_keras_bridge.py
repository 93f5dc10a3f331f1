import numpy as np
import pytest

from lstm_helpers.engine import lstm
from lstm_helpers.interop import keras_bridge

keras = keras_bridge.backend()         # Keras 3 on the PyTorch backend


def test_keras_weight_layout_and_round_trip():
    rng = np.random.default_rng(0)
    p = {k: v + rng.standard_normal(v.shape) for k, v in lstm.init_params(3, 2, rng).items()}
    kernel, recurrent, bias = keras_bridge.lstm_to_keras_weights(p)
    assert kernel.shape == (3, 8) and recurrent.shape == (2, 8) and bias.shape == (8,)
    np.testing.assert_array_equal(kernel[:, 2:4], p["W_f"][:, 2:].T)           # f is Keras' second block
    back = keras_bridge.keras_weights_to_lstm([kernel, recurrent, bias])
    assert all(np.array_equal(back[k], p[k]) for k in p)


def test_keras_layer_weights_come_back_unchanged():
    rng = np.random.default_rng(2)
    p = lstm.init_params(3, 4, rng)
    back = keras_bridge.keras_weights_to_lstm(keras_bridge.make_keras_lstm(p).get_weights())
    assert all(np.allclose(back[k], p[k]) for k in p)


def test_keras_model_params_reads_an_lstm_dense_model_back():
    rng = np.random.default_rng(3)
    cell = lstm.init_params(3, 4, rng)
    model = keras.Sequential([keras.Input((None, 3), dtype="float64"), keras_bridge.make_keras_lstm(cell),
                              keras.layers.Dense(2, dtype="float64")])
    W_y, b_y = rng.standard_normal((2, 4)), rng.standard_normal(2)
    model.layers[-1].set_weights([W_y.T, b_y])
    p = keras_bridge.keras_model_params(model)
    assert all(np.array_equal(p[k], cell[k]) for k in cell)
    assert np.array_equal(p["W_y"], W_y) and np.array_equal(p["b_y"], b_y)


def test_bad_model():
    with pytest.raises(ValueError, match="model must end with"):
        keras_bridge.keras_model_params(object())
