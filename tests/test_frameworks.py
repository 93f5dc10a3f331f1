import numpy as np
import pytest

from lstm_helpers import frameworks, lstm

torch = pytest.importorskip("torch")
frontends = frameworks.available()          # sets KERAS_BACKEND=torch before keras is imported


def test_keras_weight_layout_and_round_trip():
    rng = np.random.default_rng(0)
    p = {k: v + rng.standard_normal(v.shape) for k, v in lstm.init_params(3, 2, rng).items()}
    kernel, recurrent, bias = frameworks.lstm_to_keras_weights(p)
    assert kernel.shape == (3, 8) and recurrent.shape == (2, 8) and bias.shape == (8,)
    np.testing.assert_array_equal(kernel[:, 2:4], p["W_f"][:, 2:].T)           # f is Keras' second block
    back = frameworks.keras_weights_to_lstm([kernel, recurrent, bias])
    assert all(np.array_equal(back[k], p[k]) for k in p)


def test_three_implementations_agree():
    pytest.importorskip("keras")
    diff = frameworks.three_way(seed=1, T=6, B=3, D=4, H=5)
    assert diff["torch"] < 1e-12 and diff["keras"] < 1e-12


def test_keras_layer_weights_come_back_unchanged():
    pytest.importorskip("keras")
    rng = np.random.default_rng(2)
    p = lstm.init_params(3, 4, rng)
    back = frameworks.keras_weights_to_lstm(frameworks.make_keras_lstm(p).get_weights())
    assert all(np.allclose(back[k], p[k]) for k in p)


def test_torch_training_weights_give_the_same_predictions_in_our_engine():
    r = frameworks.train_torch_recall(gap=2, hidden=8, steps=40)
    assert r["accuracy"] == r["ours_accuracy"]


def test_install_hint_names_missing_packages(monkeypatch):
    monkeypatch.setattr(frameworks, "available", lambda: {"torch": True, "keras": False})
    assert frameworks.install_hint() == "keras is not installed: " + frameworks.INSTALL["keras"]


def test_bad_sizes():
    with pytest.raises(ValueError, match="H must be an integer >= 1"):
        frameworks.three_way(H=0)
