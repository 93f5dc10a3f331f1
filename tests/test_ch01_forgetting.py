import numpy as np
import pytest

from lstm_helpers.chapters import ch01_forgetting as ch01
from lstm_helpers.engine import gradcheck
from lstm_helpers.training import models, tasks


def test_initialisations_set_the_gate_biases():
    cell, p = ch01.init_kind("lstm_f3_i-3", 8, np.random.default_rng(0))
    assert cell == "lstm" and np.all(p["b_f"] == 3.0) and np.all(p["b_i"] == -3.0)
    _, d = ch01.init_kind("lstm_f1_i0", 8, np.random.default_rng(0))
    assert np.all(d["b_f"] == 1.0) and np.all(d["b_i"] == 0.0)


def test_recall_experiment_uses_the_stored_rates_is_reproducible_and_learns_a_short_gap():
    stored = {"chosen_lr": {"lstm_f3_i-3|recall|2": 1e-2}}
    a = ch01.recall_experiment(stored, gaps=(2,), kinds=("lstm_f3_i-3",), seeds=(0,), steps=60, progress=False)
    b = ch01.recall_experiment(stored, gaps=(2,), kinds=("lstm_f3_i-3",), seeds=(0,), steps=60, progress=False)
    s = a[("lstm_f3_i-3", "recall", 2)]
    assert s["test"] == b[("lstm_f3_i-3", "recall", 2)]["test"] and s["lr"] == 1e-2
    assert s["median"] > 0.5                                  # chance is 1/6
    table = ch01.accuracy_table(a, (2,), kinds=("lstm_f3_i-3",))
    assert "RNN" not in table and "b_f = 3, b_i = −3" in table and "1e-2" in table
    with pytest.raises(ValueError, match="gaps must be gaps of the stored run"):
        ch01.recall_experiment(stored, gaps=(3,), kinds=("lstm_f3_i-3",), progress=False)


def test_input_gradient_norms_match_finite_differences():
    rng = np.random.default_rng(1)
    cell, p = ch01.init_kind("lstm_f1_i0", 5, rng)
    x, y, _ = tasks.recall_task(3, 4, rng)
    norms = ch01.input_gradient_norms(cell, p, x, y)
    loss = lambda: models.loss_and_grads(cell, p, x, y)[0]        # noqa: E731
    _, num = gradcheck.numerical_grad(loss, x)
    num = num.reshape(x.shape)
    np.testing.assert_allclose(norms, np.linalg.norm(num, axis=2).mean(axis=1), rtol=1e-5)


def test_rnn_jacobian_for_one_unit_is_tanh_derivative_times_weight():
    p = {"W_h": np.array([[0.7, 0.3, -0.2]]), "b_h": np.array([0.1])}
    x = np.array([[[1.0, 0.0]], [[0.0, 1.0]]])
    h1 = np.tanh(0.3 + 0.1)
    h2 = np.tanh(0.7 * h1 - 0.2 + 0.1)
    jac = ch01.rnn_jacobians(p, x)
    np.testing.assert_allclose(jac["step_sigma"], [abs((1 - h1 ** 2) * 0.7), abs((1 - h2 ** 2) * 0.7)])
    np.testing.assert_allclose(jac["product_norm"], [abs((1 - h2 ** 2) * 0.7), abs((1 - h1 ** 2) * (1 - h2 ** 2) * 0.49)])


def test_cell_path_is_the_product_of_forget_gates():
    cell, p = ch01.init_kind("lstm_f3_i-3", 4, np.random.default_rng(2))
    x, _, _ = tasks.recall_task(1, 6, np.random.default_rng(3))
    from lstm_helpers.engine import lstm
    f = lstm.forward(models.cell_params(p), x).f[:, 0]
    path = ch01.lstm_cell_path(p, x)
    assert path[0] == pytest.approx(f[-1].mean())
    assert path[-1] == pytest.approx(np.prod(f, axis=0).mean())


def test_gradient_vs_lag_has_one_value_per_step():
    g = ch01.gradient_vs_lag(gap=10, hidden=4, n=4)
    assert g["lag"].shape == (12,) and all(g[k].shape == (12,) for k in ch01.KINDS)
    assert g["rnn"][-1] < g["rnn"][0]                          # the signal shrinks with lag


@pytest.mark.parametrize("call, match", [
    (lambda: ch01.init_kind("gru", 4, np.random.default_rng(0)), "kind must be one of"),
    (lambda: ch01.recall_experiment({}, steps=0), "steps must be an integer >= 1"),
    (lambda: ch01.rnn_jacobians(ch01.init_kind("rnn", 4, np.random.default_rng(0))[1], np.zeros((5, 2, 17))), "one sequence"),
    (lambda: ch01.input_gradient_norms("cnn", {}, np.zeros((2, 1, 17)), np.array([0])), "cell must be one of"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_training_gradient_table_reads_start_and_end_of_every_seed():
    from lstm_helpers.experiments import protocol, results
    runs = [protocol.run(k, "recall", 3, 1e-2, s, steps=20, batch=8, hidden=4, eval_every=10, checkpoints=(0, 20))
            for k in ch01.KINDS for s in (0, 1)]
    summary = results.summarise(runs)
    table = ch01.training_gradient_table(summary, gap=3)
    lines = table.splitlines()
    row = lines[2].split()                               # two header lines: the quantity, then start / end
    r0 = [r for r in runs if r["model"] == "rnn"]
    start = np.median([r["probes"]["0"]["grad"]["4"] for r in r0])
    assert row[0] == "RNN" and float(row[2]) == pytest.approx(start, rel=0.05)
    assert lines[1].split() == ["solved", "start", "end", "start", "end"]
    assert len(lines) == 2 + len(ch01.KINDS) and max(map(len, lines)) <= 76
