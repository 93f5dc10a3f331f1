import numpy as np
import pytest

from lstm_helpers import comparison, forgetting, gru, lstm, rnn


def test_parameter_counts_are_one_three_four_blocks():
    r = comparison.compare(model_names=("rnn", "gru", "lstm"), recall_gaps=(2,), adding_T=(4,), seeds=(0,),
                           steps=2, hidden=8, progress=False)
    V = comparison.V_RECALL
    assert r["rnn"]["params"] == rnn.n_params(V, 8)
    assert r["gru"]["params"] == gru.n_params(V, 8) == 3 * r["rnn"]["params"]
    assert r["lstm"]["params"] == lstm.n_params(V, 8) == 4 * r["rnn"]["params"]
    assert set(r["lstm"]) >= {("recall", 2), ("adding", 4)}
    assert "MSE T=4" in comparison.table(r) and "GRU" in comparison.seconds_table(r)


def test_runs_are_reproducible_and_learn_a_short_gap():
    a = comparison.run("gru", "recall", 2, steps=80, hidden=8)
    b = comparison.run("gru", "recall", 2, steps=80, hidden=8)
    assert a["score"] == b["score"] and a["score"] > 0.5


def test_adding_score_is_a_test_mse_that_training_lowers():
    before = comparison.run("gru", "adding", 5, steps=1, hidden=8)["score"]
    after = comparison.run("gru", "adding", 5, steps=150, hidden=8)["score"]
    assert after < 0.5 * before and after < 1 / 6


def test_papers_init_has_a_larger_gradient_at_lag_50_than_the_rnn():
    assert comparison.gradient_at_lag("lstm_papers", 50, hidden=8) > 1e3 * comparison.gradient_at_lag("rnn", 50, hidden=8)


def test_papers_init_sets_both_biases():
    _, p = comparison.init("lstm_papers", 3, 4, 2, np.random.default_rng(0))
    assert np.all(p["b_f"] == 3.0) and np.all(p["b_i"] == -3.0)


@pytest.mark.parametrize("call, match", [
    (lambda: comparison.run("transformer", "recall", 5), "model must be one of"),
    (lambda: comparison.run("rnn", "copy", 5), "task must be one of"),
    (lambda: comparison.run("rnn", "adding", 0), "size must be an integer >= 1"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_results_survive_a_json_round_trip():
    import json

    r = comparison.compare(model_names=("rnn", "lstm"), recall_gaps=(2,), adding_T=(4,), seeds=(0,), steps=2,
                           hidden=4, progress=False)
    stored = json.loads(json.dumps(comparison.to_json(r)))
    assert "recall 2" in stored["rnn"] and "adding 4" in stored["lstm"]
    assert comparison.table(comparison.from_json(stored)) == comparison.table(r)
    with pytest.raises(ValueError, match="stored must be a dict"):
        comparison.from_json({"rnn": {}})
