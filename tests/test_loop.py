import numpy as np
import pytest

from lstm_helpers.training import loop, models, tasks


def recall_sampler(gap):
    def sample(rng):
        x, y, _ = tasks.recall_task(32, gap, rng)
        return x, y
    return sample


def test_lstm_learns_short_recall_and_is_reproducible():
    def run():
        rng = np.random.default_rng(0)
        p = models.init_model("lstm", 17, 16, 6, rng)
        xt, yt, _ = tasks.recall_task(300, 3, np.random.default_rng(99))
        return loop.train("lstm", p, recall_sampler(3), 150, rng, progress=False,
                              evaluate=lambda q: models.accuracy("lstm", q, xt, yt), eval_every=50)

    (p1, h1), (p2, h2) = run(), run()
    assert h1["eval"][-1][2] >= 0.95                       # chance is 1/6
    assert h1["loss"][-1] < h1["loss"][0] / 3
    assert h1["sequences"] == 150 * 32
    assert np.array_equal(p1["W_f"], p2["W_f"]) and h1["loss"] == h2["loss"]


def test_train_does_not_modify_the_initial_params():
    rng = np.random.default_rng(1)
    p = models.init_model("rnn", 17, 8, 6, rng)
    before = {k: v.copy() for k, v in p.items()}
    loop.train("rnn", p, recall_sampler(2), 3, rng, progress=False)
    assert all(np.array_equal(before[k], p[k]) for k in p)


def test_stop_ends_training_early():
    rng = np.random.default_rng(2)
    p = models.init_model("gru", 17, 8, 6, rng)
    _, h = loop.train("gru", p, recall_sampler(2), 100, rng, progress=False,
                          evaluate=lambda q: 1.0, eval_every=10, stop=lambda v: v >= 1.0)
    assert len(h["loss"]) == 10 and h["eval"] == [(10, 320, 1.0)]


def test_bad_input():
    rng = np.random.default_rng(0)
    p = models.init_model("rnn", 17, 8, 6, rng)
    with pytest.raises(ValueError, match="sample must be a function"):
        loop.train("rnn", p, None, 3, rng)
    with pytest.raises(ValueError, match="n_steps must be an integer >= 1"):
        loop.train("rnn", p, recall_sampler(2), 0, rng)
    with pytest.raises(ValueError, match="loss_fn must be a function"):
        loop.train("rnn", p, recall_sampler(2), 3, rng, loss_fn="mse")


def test_a_custom_loss_fn_replaces_the_model_loss():
    """loss_fn gets (params, x, y): here L = ||w - 3||^2, whose minimum SGD must find; x may be a tuple."""
    from lstm_helpers.engine.optim import SGD

    seen = []

    def loss_fn(params, x, y):
        seen.append((type(x), y))
        d = params["w"] - 3.0
        return float(d @ d), {"w": 2 * d}

    p, h = loop.train(None, {"w": np.zeros(2)}, lambda r: ((np.zeros((4, 5, 1)), np.zeros(1)), 0), 200,
                          np.random.default_rng(0), optimizer=SGD(0.1), clip=None, loss_fn=loss_fn, progress=False)
    np.testing.assert_allclose(p["w"], [3.0, 3.0], atol=1e-6)
    assert h["sequences"] == 200 * 5 and seen[0] == (tuple, 0)


@pytest.mark.parametrize("bad", ["loss", "gradient"])
def test_training_stops_before_the_update_whose_loss_or_gradient_is_not_finite(bad):
    """A learning rate far too large can overflow: the run ends at that step, with the weights of the step before."""
    from lstm_helpers.engine.optim import SGD

    def loss_fn(params, x, y):
        w = params["w"]
        blown = w[0] >= 3.0                 # after three updates of +1
        value = np.inf if blown and bad == "loss" else 0.0
        grad = np.full(2, np.nan) if blown and bad == "gradient" else np.array([-1.0, -1.0])
        return value, {"w": grad}

    p, h = loop.train(None, {"w": np.zeros(2)}, lambda r: (np.zeros((4, 5, 1)), 0), 10,
                      np.random.default_rng(0), optimizer=SGD(1.0), clip=None, loss_fn=loss_fn, progress=False)
    assert h["diverged"] == 4 and len(h["loss"]) == 3
    np.testing.assert_array_equal(p["w"], [3.0, 3.0])
