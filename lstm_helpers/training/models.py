"""A sequence model = a cell (lstm, rnn, gru, rnn_relu; chapter 17's mingru, minlstm, attention) + a linear read-out.

The parameter dict holds the cell's keys plus ``W_y`` (K, H) and ``b_y`` (K,).
``readout="last"`` reads h_T (classification of a whole sequence, e.g. the recall task);
``readout="all"`` reads every h_t (e.g. next-character prediction).
"""
from __future__ import annotations

import numpy as np

from lstm_helpers.engine import attention, gru, lstm, rnn
from lstm_helpers.engine.losses import cross_entropy, init_readout, mse, readout, readout_backward
from lstm_helpers.engine.minrnn import MINGRU, MINLSTM
from lstm_helpers.engine.validation import check_option

CELLS = {"lstm": lstm, "rnn": rnn, "gru": gru, "rnn_relu": rnn.RELU,
         "mingru": MINGRU, "minlstm": MINLSTM, "attention": attention}   # chapter 17 ("attention": "last" only)
READOUTS = ("last", "all")
LOSSES = ("xent", "mse")


def engine(cell):
    """The engine module for a cell name: "lstm", "rnn", "gru", "rnn_relu" (the ReLU RNN), "mingru", "minlstm"
    (Feng et al. 2024's parallel-scan RNNs) or "attention" (one head; its output is h_T only: readout "last")."""
    return CELLS[check_option("cell", cell, CELLS)]


def init_model(cell, input_size, hidden_size, output_size, rng, dtype=np.float64, **cell_kwargs):
    """Cell parameters (``engine(cell).init_params``) plus a read-out W_y (K, H), b_y (K,).

    cell_kwargs go to the cell's init_params (e.g. ``forget_bias=3.0`` for the LSTM).
    """
    params = engine(cell).init_params(input_size, hidden_size, rng, dtype=dtype, **cell_kwargs)
    params.update(init_readout(hidden_size, output_size, rng, dtype=dtype))
    return params


def cell_params(params):
    """The cell's own entries of a model's parameter dict (no read-out)."""
    return {k: v for k, v in params.items() if k not in ("W_y", "b_y")}


def n_params(params):
    """Number of trainable numbers in a parameter dict."""
    return int(sum(np.size(v) for v in params.values()))


def forward(cell, params, x, readout_mode="last"):
    """x: (T, B, D) -> (trace, out) with out (B, K) for "last" or (T, B, K) for "all"."""
    check_option("readout_mode", readout_mode, READOUTS)
    trace = engine(cell).forward(cell_params(params), x)
    h = trace.h[-1] if readout_mode == "last" else trace.h
    return trace, readout(params, h)


def predict(cell, params, x, readout_mode="last"):
    """Model outputs only: (B, K) or (T, B, K)."""
    return forward(cell, params, x, readout_mode)[1]


def loss_and_grads(cell, params, x, y, loss="xent", readout_mode="last"):
    """Loss and gradients for every parameter.

    x: (T, B, D).  y: (B,) class labels ("xent") or (B, K) targets ("mse") for "last";
    (T, B) / (T, B, K) for "all".
    Returns (loss: float, grads: dict with the keys of params, out: the model outputs).
    """
    check_option("loss", loss, LOSSES)
    trace, out = forward(cell, params, x, readout_mode)
    T, B, H = trace.h.shape
    K = out.shape[-1]
    flat = out.reshape(-1, K)
    y = np.asarray(y)
    if loss == "xent":
        value, dout = cross_entropy(flat, y.reshape(-1))
    else:
        value, dout = mse(flat, y.reshape(flat.shape) if y.size == flat.size else y)
    h = trace.h[-1] if readout_mode == "last" else trace.h.reshape(T * B, H)
    grads, dh_read = readout_backward(params, h, dout.astype(out.dtype, copy=False))
    dh = np.zeros_like(trace.h)
    if readout_mode == "last":
        dh[-1] = dh_read
    else:
        dh[:] = dh_read.reshape(T, B, H)
    cell_grads = engine(cell).backward(cell_params(params), trace, dh)
    grads.update({k: cell_grads[k] for k in params if k in cell_grads})
    return value, grads, out


def accuracy(cell, params, x, y):
    """Fraction of sequences whose arg-max output at the last step equals the label y (B,)."""
    return float(np.mean(predict(cell, params, x).argmax(axis=-1) == np.asarray(y)))
