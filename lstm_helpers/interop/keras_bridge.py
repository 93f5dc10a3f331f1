"""Map our LSTM parameters to and from Keras' LSTM layer (chapter 13, and the tests).

Keras stacks the gates in the same order as PyTorch, (i, f, c, o), with a kernel (D, 4H) and a
recurrent_kernel (H, 4H) that multiply from the right and one bias (4H,). Keras 3 runs here on the
PyTorch backend (``backend()`` sets KERAS_BACKEND=torch before keras is imported): no TensorFlow.
"""
from __future__ import annotations

import os

import numpy as np

from lstm_helpers.engine import lstm
from lstm_helpers.interop.torch_bridge import TORCH_LSTM_ORDER as KERAS_ORDER  # the same stacking order


def backend():
    """Import keras on the PyTorch backend (KERAS_BACKEND=torch unless set) and return the module."""
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras

    return keras


def lstm_to_keras_weights(params):
    """Our LSTM params -> [kernel (D, 4H), recurrent_kernel (H, 4H), bias (4H,)] in Keras' gate order."""
    D, H = lstm.sizes(params)
    W = np.concatenate([params[f"W_{g}"] for g in KERAS_ORDER])        # (4H, H+D)
    return [W[:, H:].T.copy(), W[:, :H].T.copy(), np.concatenate([params[f"b_{g}"] for g in KERAS_ORDER])]


def keras_weights_to_lstm(weights):
    """[kernel, recurrent_kernel, bias] from a Keras LSTM -> our params (the inverse mapping)."""
    kernel, recurrent, bias = (np.asarray(w) for w in weights)
    H = recurrent.shape[0]
    W = np.concatenate([recurrent, kernel]).T                          # (4H, H+D)
    return {**{f"W_{g}": W[k * H:(k + 1) * H].copy() for k, g in enumerate(KERAS_ORDER)},
            **{f"b_{g}": bias[k * H:(k + 1) * H].copy() for k, g in enumerate(KERAS_ORDER)}}


def keras_model_params(model):
    """A Keras model ending in an LSTM layer and a Dense read-out -> our model params."""
    keras = backend()

    layers = getattr(model, "layers", [])
    if len(layers) < 2 or not isinstance(layers[-2], keras.layers.LSTM) or not isinstance(
            layers[-1], keras.layers.Dense):
        raise ValueError(f"model must end with a keras.layers.LSTM and a keras.layers.Dense; got {layers!r}")
    kernel, bias = (np.asarray(w) for w in layers[-1].get_weights())
    return {**keras_weights_to_lstm(layers[-2].get_weights()), "W_y": kernel.T.copy(), "b_y": bias.copy()}


def make_keras_lstm(params):
    """A keras.layers.LSTM (return_sequences=True, float64 when the params are) holding our weights."""
    keras = backend()

    D, H = lstm.sizes(params)
    dtype = "float64" if params["W_f"].dtype == np.float64 else "float32"
    layer = keras.layers.LSTM(H, return_sequences=True, dtype=dtype)
    layer.build((None, None, D))
    layer.set_weights(lstm_to_keras_weights(params))
    return layer

