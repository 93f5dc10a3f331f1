"""The fair-comparison protocol: learning rate chosen on validation, seeds summarised, probes measured."""
import pathlib

import numpy as np
import pytest

from lstm_helpers.engine import lstm
from lstm_helpers.experiments import protocol
from lstm_helpers.training import models

ROOT = pathlib.Path(__file__).resolve().parents[1]










def test_input_gradients_match_finite_differences():
    rng = np.random.default_rng(0)
    for model, task in (("lstm_f1_i0", "recall"), ("gru", "adding"), ("rnn", "recall")):
        cell, p = protocol.init(model, task, 5, rng)
        x, y = protocol.data(task, 6, 3, "val")
        g = protocol.input_gradients(cell, p, task, x, y)
        T = x.shape[0]

        def loss(xx):
            out = models.predict(cell, p, xx)
            if task == "recall":
                lp = out - np.log(np.exp(out).sum(axis=1, keepdims=True))
                return -lp[np.arange(len(y)), y].mean()
            return np.mean((out[:, 0] - y) ** 2)

        for k in (0, 2, T - 1):                 # lag k is the input at time T-1-k
            t = T - 1 - k
            num = np.zeros(x.shape[1:])
            for b in range(x.shape[1]):
                for d in range(x.shape[2]):
                    e = np.zeros_like(x)
                    e[t, b, d] = 1e-6
                    num[b, d] = (loss(x + e) - loss(x - e)) / 2e-6
            assert g[k] == pytest.approx(np.linalg.norm(num, axis=1).mean(), rel=1e-5), (model, k)


def test_gate_probe_of_an_lstm_with_zero_weights_is_sigmoid_of_its_biases():
    cell, p = protocol.init("lstm_f3_i-3", "recall", 4, np.random.default_rng(0))
    for k in p:
        if k.startswith("W_") and k != "W_y":
            p[k][:] = 0.0
    x, _ = protocol.data("recall", 5, 8, "val")
    u = protocol.gate_units(cell, p, "recall", x)
    assert np.allclose(u["f"], 1 / (1 + np.exp(-3))) and np.allclose(u["i"], 1 / (1 + np.exp(3)))


def test_removed_gate_is_pinned_open_and_stays_open_through_training():
    r = protocol.run("lstm_nfg", "adding", 6, 1e-2, seed=0, steps=30, batch=8, hidden=4, eval_every=10)
    assert all(f == 1.0 for f in r["probes"]["30"]["f"])
    cell, p = protocol.init("lstm_nog", "recall", 4, np.random.default_rng(0))
    assert np.all(p["W_o"] == 0) and np.all(p["b_o"] == protocol.PINNED) and np.all(p["b_f"] == 3.0)


def test_run_is_reproducible_learns_and_stops_early_once_solved():
    a = protocol.run("lstm_f3_i-3", "recall", 3, 1e-2, seed=1, steps=400, batch=16, hidden=8, eval_every=20)
    b = protocol.run("lstm_f3_i-3", "recall", 3, 1e-2, seed=1, steps=400, batch=16, hidden=8, eval_every=20)
    assert a["test"] == b["test"] and a["curve"] == b["curve"]
    assert a["solved"] and a["stopped_early"] and a["sequences"] < 400 * 16
    assert a["solved_at"] is not None and a["solved_at"] <= a["sequences"]
    assert "0" in a["probes"] and str(a["sequences"] // 16) in a["probes"]
    assert set(a["probes"]["0"]["grad"]) == {"1", "2", "4"}        # lags 1, 2 and the country's (gap + 1)


def test_float32_run_has_the_same_start_as_float64():
    r32 = protocol.run("rnn", "recall", 3, 1e-2, seed=0, steps=2, batch=4, hidden=4, eval_every=1, dtype=np.float32)
    r64 = protocol.run("rnn", "recall", 3, 1e-2, seed=0, steps=2, batch=4, hidden=4, eval_every=1)
    assert r32["dtype"] == "float32" and r64["dtype"] == "float64"
    assert r32["probes"]["0"]["grad"] == r64["probes"]["0"]["grad"]


def test_validation_and_test_sequences_differ_and_are_seeded():
    xv, yv = protocol.data("recall", 10, 50, "val")
    xt, yt = protocol.data("recall", 10, 50, "test")
    assert not np.array_equal(xv, xt)
    assert np.array_equal(xv, protocol.data("recall", 10, 50, "val")[0])


@pytest.mark.parametrize("call, match", [
    (lambda: protocol.run("transformer", "recall", 5, 1e-2, 0), "model must be one of"),
    (lambda: protocol.run("rnn", "copy", 5, 1e-2, 0), "task must be one of"),
    (lambda: protocol.run("rnn", "recall", 1, 1e-2, 0), "size must be an integer >= 2"),
    (lambda: protocol.run("rnn", "recall", 5, 5.0, 0), "lr must be a finite number"),
    (lambda: protocol.run("rnn", "recall", 5, 1e-2, 0, dtype=np.int32), "dtype must be float32 or float64"),
    (lambda: protocol.data("recall", 5, 10, "train"), "role must be one of"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_figure_labels_put_the_biases_in_mathtext():
    assert protocol.math_label("lstm_f3_i-3") == "LSTM ($b_f = 3$, $b_i = -3$)"
    assert protocol.math_label("gru_z3") == "GRU ($b_z = 3$)"
    assert protocol.math_label("irnn") == "IRNN (ReLU, $W_{hh} = I$)"
    assert protocol.math_label("rnn") == "RNN (default)" and protocol.label("lstm_f3_i-3") == "LSTM (b_f = 3, b_i = −3)"


def test_pinned_gate_is_exactly_open_and_stays_put_under_training():
    p = protocol.pin_gate(lstm.init_params(3, 4, np.random.default_rng(0)), "f")
    tr = lstm.forward(p, np.random.default_rng(1).standard_normal((5, 2, 3)))
    assert np.all(tr.f == 1.0)
    g = lstm.backward(p, tr, np.ones_like(tr.h))
    assert np.abs(g["W_f"]).max() < 1e-15 and np.abs(g["b_f"]).max() < 1e-15
    with pytest.raises(ValueError, match="gate must be one of"):
        protocol.pin_gate(p, "c")
