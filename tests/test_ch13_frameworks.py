import numpy as np
import pytest

from lstm_helpers.chapters import ch13_frameworks as ch13
from lstm_helpers.engine import lstm
from lstm_helpers.engine.validation import check_positive_int
from lstm_helpers.interop import keras_bridge, torch_bridge


def three_way(seed=0, T=12, B=4, D=5, H=8):
    """Run one sequence batch through ours, PyTorch and Keras with the same float64 weights.

    Returns {"torch": max |ours − torch| over h, "keras": max |ours − keras| over h}.
    """
    T, B, D, H = (check_positive_int(n, v) for n, v in (("T", T), ("B", B), ("D", D), ("H", H)))
    import torch

    rng = np.random.default_rng(seed)
    p = {k: v + 0.2 * rng.standard_normal(v.shape) for k, v in lstm.init_params(D, H, rng).items()}
    x = rng.standard_normal((T, B, D))
    ours = lstm.forward(p, x).h
    with torch.no_grad():
        theirs = torch_bridge.make_torch_lstm(p)(torch.from_numpy(x))[0].numpy()
    keras_out = np.asarray(keras_bridge.make_keras_lstm(p)(np.swapaxes(x, 0, 1)).detach().cpu().numpy())   # Keras: (B, T, H)
    return {"torch": float(np.abs(ours - theirs).max()),
            "keras": float(np.abs(ours - np.swapaxes(keras_out, 0, 1)).max())}



def test_three_implementations_agree():
    diff = three_way(seed=1, T=6, B=3, D=4, H=5)
    assert diff["torch"] < 1e-12 and diff["keras"] < 1e-12


def test_torch_training_weights_give_the_same_predictions_in_our_engine():
    r = ch13.train_torch_recall(gap=2, hidden=8, steps=40)
    assert r["accuracy"] == r["ours_accuracy"]


def test_forget_bias_option_sets_pytorchs_forget_block_and_our_b_f():
    # One Adam step at lr 1e-8 moves every number by about 1e-8: we see the initialisation.
    r = ch13.train_torch_recall(gap=2, hidden=4, steps=1, lr=1e-8, forget_bias=1.5)
    np.testing.assert_allclose(r["params"]["b_f"], 1.5, atol=1e-6)
    plain = ch13.train_torch_recall(gap=2, hidden=4, steps=1, lr=1e-8)
    np.testing.assert_allclose(plain["params"]["b_i"], r["params"]["b_i"], atol=1e-6)
    for b in (plain["params"]["b_f"], r["params"]["b_i"]):          # b_ih + b_hh, each in ±1/√H
        assert np.all(np.abs(b) <= 2 / np.sqrt(4) + 1e-6) and np.ptp(b) > 0


def test_forget_bias_one_solves_short_recall_where_the_engine_agrees():
    r = ch13.train_torch_recall(gap=3, hidden=16, steps=150, forget_bias=1.0)
    assert r["accuracy"] > 0.95 and r["same_predictions"]


@pytest.mark.parametrize("call, match", [
    (lambda: ch13.train_torch_recall(forget_bias=20.0), "forget_bias must be"),
    (lambda: ch13.train_torch_recall(seed=-1), "seed must be an integer >= 0"),
    (lambda: ch13.train_torch_recall(lr=0), "lr must be"),
])
def test_bad_training_and_read_back_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
