import numpy as np
import pytest

from lstm_helpers.engine import gradcheck
from lstm_helpers.training import models, tasks


@pytest.mark.parametrize("cell", ["lstm", "rnn", "gru"])
@pytest.mark.parametrize("mode, loss", [("last", "xent"), ("all", "xent"), ("last", "mse")])
def test_model_gradients_match_finite_differences(rng, cell, mode, loss):
    p = models.init_model(cell, 3, 4, 2, rng)
    x = rng.standard_normal((5, 2, 3))
    if loss == "mse":
        y = rng.standard_normal((2, 2))
    else:
        y = rng.integers(0, 2, size=(5, 2) if mode == "all" else 2)
    value, g, out = models.loss_and_grads(cell, p, x, y, loss=loss, readout_mode=mode)
    assert out.shape == ((5, 2, 2) if mode == "all" else (2, 2))
    assert set(g) == set(p)
    # a mean loss of ~1 has small gradients: a larger step keeps round-off (~1e-16/eps) below them
    errs = gradcheck.gradcheck(lambda: models.loss_and_grads(cell, p, x, y, loss, mode)[0], p, g, eps=1e-5)
    assert max(errs.values()) <= 1e-7, errs


def test_parameter_counts(rng):
    for cell, blocks in (("rnn", 1), ("gru", 3), ("lstm", 4)):
        p = models.init_model(cell, 17, 32, 6, rng)
        assert models.n_params(p) == blocks * (32 * (32 + 17) + 32) + 6 * 32 + 6


def test_accuracy_counts_correct_argmax(rng):
    p = models.init_model("lstm", 17, 8, 6, rng)
    x, y, _ = tasks.recall_task(50, 3, rng)
    acc = models.accuracy("lstm", p, x, y)
    pred = models.predict("lstm", p, x).argmax(-1)
    assert acc == np.mean(pred == y)


@pytest.mark.parametrize("call, match", [
    (lambda r: models.init_model("transformer", 3, 4, 2, r), "cell must be one of"),
    (lambda r: models.forward("lstm", models.init_model("lstm", 3, 4, 2, r), np.zeros((2, 1, 3)), "middle"), "readout_mode"),
    (lambda r: models.loss_and_grads("lstm", models.init_model("lstm", 3, 4, 2, r), np.zeros((2, 1, 3)), np.array([0]), loss="hinge"), "loss must be one of"),
])
def test_bad_input(rng, call, match):
    with pytest.raises(ValueError, match=match):
        call(rng)
