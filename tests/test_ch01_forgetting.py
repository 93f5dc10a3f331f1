"""Chapter 1: the RNN's live run at the stored rates, the gradient against lag, the repeated matrix."""
import matplotlib
import numpy as np
import pytest

from lstm_helpers.chapters import ch01_forgetting as ch01
from lstm_helpers.engine import gradcheck
from lstm_helpers.experiments import protocol
from lstm_helpers.training import models, tasks

matplotlib.use("Agg")


def test_live_run_uses_the_stored_rate_is_reproducible_and_learns_a_short_gap():
    stored = {"chosen_lr": {"rnn|recall|2": 1e-2}}
    a = ch01.live_run(stored, gaps=(2,), seeds=(0,), steps=60, progress=False)
    b = ch01.live_run(stored, gaps=(2,), seeds=(0,), steps=60, progress=False)
    s = a[("rnn", "recall", 2)]
    assert s["test"] == b[("rnn", "recall", 2)]["test"] and s["lr"] == 1e-2
    assert s["median"] > 0.5                                  # chance is 1/6
    rows = ch01.accuracy_rows(a, (2,), ("rnn",)).splitlines()
    assert rows[0] == "RNN (default)" and rows[1].startswith("  gap   2: median ") and "solved 1/1" in rows[1]
    with pytest.raises(ValueError, match="gaps must be gaps of the stored run"):
        ch01.live_run(stored, gaps=(3,), progress=False)


def test_gradient_against_lag_is_the_finite_difference_gradient_at_every_word():
    res = ch01.gradient_vs_lag(gap=4, hidden=5, seed=1, n=3, models_=("rnn",))
    x, y, _ = tasks.recall_task(3, 4, np.random.default_rng(1))
    cell, p = protocol.init("rnn", "recall", 5, np.random.default_rng(1))
    _, num = gradcheck.numerical_grad(lambda: models.loss_and_grads(cell, p, x, y)[0], x)
    by_word = np.linalg.norm(num.reshape(x.shape), axis=2).mean(axis=1)      # word t = 0 … T-1
    np.testing.assert_allclose(res["rnn"], by_word[::-1], rtol=1e-5)         # lag k = word T-1-k
    assert list(res["lag"]) == list(range(6))


def test_repeated_matrix_by_hand_for_one_unit():
    # one unit, W_hh = 0.5, no input weight: h stays 0, every tanh slope is 1, so the product is 0.5^k
    p = {"W_h": np.array([[0.5] + [0.0] * 17]), "b_h": np.zeros(1), "W_y": np.zeros((6, 1)), "b_y": np.zeros(6)}
    x, _, _ = tasks.recall_task(1, 3, np.random.default_rng(0))
    r = ch01.repeated_matrix(p, x)
    assert r["rho"] == r["sigma"] == 0.5 and np.all(r["slope"] == 1.0)
    np.testing.assert_allclose(r["product"], 0.5 ** np.arange(1, 6))
    np.testing.assert_allclose(r["power"], r["rho_k"])


def test_default_init_shrinks_like_its_spectral_radius_and_orthogonal_does_not():
    x, _, _ = tasks.recall_task(1, 100, np.random.default_rng(0))
    default = ch01.repeated_matrix(protocol.init("rnn", "recall", 32, np.random.default_rng(0))[1], x)
    orth = ch01.repeated_matrix(protocol.init("rnn_orth", "recall", 32, np.random.default_rng(0))[1], x)
    assert 0.5 < default["rho"] < 0.65 and default["sigma"] > 1.0      # one step can stretch, 100 steps cannot
    assert default["product"][99] < 1e-20 and default["product"][99] / default["rho_k"][99] < 10
    assert orth["rho"] == pytest.approx(1.0) and orth["power"][99] == pytest.approx(1.0)
    # what is left is the tanh slopes: the product stays between their product and 1
    assert np.prod(orth["slope"]) ** 1.5 < orth["product"][99] < 1.0


def test_spectral_radius_of_the_default_init_is_near_one_over_root_three_for_every_size():
    radii = ch01.spectral_radius("rnn", hiddens=(16, 128), seeds=(0, 1))
    assert all(abs(r - 3 ** -0.5) < 0.08 for r in radii.values())
    assert ch01.spectral_radius("rnn_orth", hiddens=(16,), seeds=(0,))[16] == pytest.approx(1.0)


def test_gated_teaser_reads_the_seeds_solved():
    runs = [{"model": "lstm_f3_i-3", "task": "recall", "size": 100, "lr": 1e-3, "seed": s, "val": v, "test": v,
             "solved": v >= 0.9, "solved_at": 3200 if v >= 0.9 else None} for s, v in enumerate([1, 1, 1, 0.2, 1])]
    assert ch01.gated_teaser({"runs": runs}) == (4, 5)
    with pytest.raises(ValueError, match="stored must hold the runs"):
        ch01.gated_teaser({"runs": runs}, gap=50)


def test_plots_draw_every_model_and_seed():
    summary = {(m, "recall", g): {"median": 0.5, "test": [0.4, 0.6]} for m in ch01.MODELS for g in (20, 50)}
    ax = ch01.plot_accuracy_vs_gap(summary, (20, 50))
    assert len(ax.lines) == 3 and sum(len(c.get_offsets()) for c in ax.collections) == 8
    ax = ch01.plot_gradient_vs_lag({"lag": np.arange(5), "rnn": np.ones(5), "rnn_orth": np.ones(5)})
    assert len(ax.lines) == 2


@pytest.mark.parametrize("call, match", [
    (lambda: ch01.live_run({"chosen_lr": {}}, model="lstm_f1_i0"), "model must be one of"),
    (lambda: ch01.repeated_matrix(protocol.init("rnn", "recall", 3, np.random.default_rng(0))[1],
                                  np.zeros((5, 2, 17))), "x must have shape"),
    (lambda: ch01.gradient_vs_lag(gap=0), "gap must be"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
