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


def test_forget_bias_option_sets_pytorchs_forget_block_and_our_b_f():
    # One Adam step at lr 1e-8 moves every number by about 1e-8: we see the initialisation.
    r = frameworks.train_torch_recall(gap=2, hidden=4, steps=1, lr=1e-8, forget_bias=1.5)
    np.testing.assert_allclose(r["params"]["b_f"], 1.5, atol=1e-6)
    plain = frameworks.train_torch_recall(gap=2, hidden=4, steps=1, lr=1e-8)
    np.testing.assert_allclose(plain["params"]["b_i"], r["params"]["b_i"], atol=1e-6)
    for b in (plain["params"]["b_f"], r["params"]["b_i"]):          # b_ih + b_hh, each in ±1/√H
        assert np.all(np.abs(b) <= 2 / np.sqrt(4) + 1e-6) and np.ptp(b) > 0


def test_forget_bias_one_solves_short_recall_where_the_engine_agrees():
    r = frameworks.train_torch_recall(gap=3, hidden=16, steps=150, forget_bias=1.0)
    assert r["accuracy"] > 0.95 and r["same_predictions"]


def test_torch_model_params_reads_a_trained_pair_back():
    torch.manual_seed(0)
    net, head = torch.nn.LSTM(3, 4).double(), torch.nn.Linear(4, 2).double()
    p = frameworks.torch_model_params(net, head)
    x = torch.randn(5, 2, 3, dtype=torch.float64)
    expected = head(net(x)[0][-1]).detach().numpy()
    from lstm_helpers import models
    np.testing.assert_allclose(models.predict("lstm", p, x.numpy()), expected, atol=1e-12)


def test_keras_model_params_reads_an_lstm_dense_model_back():
    pytest.importorskip("keras")
    import keras

    rng = np.random.default_rng(3)
    cell = lstm.init_params(3, 4, rng)
    model = keras.Sequential([keras.Input((None, 3), dtype="float64"), frameworks.make_keras_lstm(cell),
                              keras.layers.Dense(2, dtype="float64")])
    W_y, b_y = rng.standard_normal((2, 4)), rng.standard_normal(2)
    model.layers[-1].set_weights([W_y.T, b_y])
    p = frameworks.keras_model_params(model)
    assert all(np.array_equal(p[k], cell[k]) for k in cell)
    assert np.array_equal(p["W_y"], W_y) and np.array_equal(p["b_y"], b_y)


@pytest.mark.parametrize("call, match", [
    (lambda: frameworks.train_torch_recall(forget_bias=20.0), "forget_bias must be"),
    (lambda: frameworks.train_torch_recall(seed=-1), "seed must be an integer >= 0"),
    (lambda: frameworks.train_torch_recall(lr=0), "lr must be"),
    (lambda: frameworks.torch_model_params(torch.nn.GRU(3, 4), torch.nn.Linear(4, 2)), "net must be"),
    (lambda: frameworks.torch_model_params(torch.nn.LSTM(3, 4), torch.nn.Linear(5, 2)), "head must be"),
    (lambda: frameworks.keras_model_params(object()), "model must end with"),
])
def test_bad_training_and_read_back_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
