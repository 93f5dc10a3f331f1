"""Chapter 8: the stored protocol run read back, the live run at the stored learning rates, the probes."""
import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from lstm_helpers.chapters import ch08_lstm_vs_rnn as ch08
from lstm_helpers.engine import gru, lstm, rnn
from lstm_helpers.experiments import protocol, results  # noqa: E402


@pytest.fixture(scope="module")
def tiny():
    """A miniature stored run: two models, two rates, three seeds, a gap of 3."""
    runs = [protocol.run(m, "recall", 3, lr, s, steps=40, batch=8, hidden=4, eval_every=10, checkpoints=(0, 20))
            for m in ("rnn", "lstm_f3_i-3") for lr in (1e-2, 1e-3) for s in range(3)]
    summary = results.summarise(runs)
    stored = {"runs": runs, "chosen_lr": {f"{m}|recall|3": summary[(m, "recall", 3)]["lr"] for m in ("rnn", "lstm_f3_i-3")}}
    return stored, summary


def test_parameter_counts_are_one_three_four_blocks():
    V = protocol.V_RECALL
    assert ch08.n_params("rnn") == rnn.n_params(V, 32)
    assert ch08.n_params("gru") == gru.n_params(V, 32) == 3 * ch08.n_params("rnn")
    assert ch08.n_params("lstm_f1_i0") == lstm.n_params(V, 32) == 4 * ch08.n_params("rnn")


def test_live_run_uses_each_models_stored_learning_rate(tiny):
    stored, summary = tiny
    stored = dict(stored, chosen_lr={"rnn|recall|3": 1e-3, "lstm_f3_i-3|recall|3": 1e-2})
    live = ch08.live(stored, size=3, model_keys=("rnn", "lstm_f3_i-3"), seeds=(0,), steps=5, progress=False)
    assert live[("rnn", "recall", 3)]["lr"] == 1e-3 and live[("lstm_f3_i-3", "recall", 3)]["lr"] == 1e-2
    with pytest.raises(ValueError, match="must be in the stored run"):
        ch08.chosen_lr(stored, "gru", "recall", 3)


def test_probe_series_reads_the_checkpoints_of_every_seed(tiny):
    _, summary = tiny
    series = results.probe_series(summary, "lstm_f3_i-3", "recall", 3)
    assert [p["seed"] for p in series] == [0, 1, 2]
    for p, r in zip(series, summary[("lstm_f3_i-3", "recall", 3)]["runs"]):
        assert p["lag"] == 4 and list(p["batches"][:3]) == [0, 10, 20]      # the country is 4 steps back
        assert list(p["gate_batches"]) == [0, 20, r["sequences"] // 8]      # the checkpoints and the end
        assert p["f"].shape == (len(p["gate_batches"]), 4)
        assert p["ratio"][0] == pytest.approx(r["probes"]["0"]["grad"]["4"] / r["probes"]["0"]["grad"]["1"])
    assert "abs_h" in results.probe_series(summary, "rnn", "recall", 3)[0]


def test_plots_draw_every_seed(tiny):
    _, summary = tiny
    ax = ch08.plot_seeds(summary, ("rnn", "lstm_f3_i-3"), [("recall", 3)])
    assert sum(len(c.get_offsets()) for c in ax.collections) == 6          # 2 models x 3 seeds
    axes = ch08.plot_gradient_in_training(summary, ("rnn", "lstm_f3_i-3"), size=3)
    assert len(axes[0].lines) == 3
    axes = ch08.plot_gates_in_training(summary, ("lstm_f3_i-3",), size=3)
    assert len(axes[0].collections) >= 3


def test_probe_series_needs_the_probes():
    runs = [protocol.run("rnn", "recall", 3, 1e-2, 0, steps=2, batch=4, hidden=4)]
    summary = results.summarise([{k: v for k, v in r.items() if k != "probes"} for r in runs])
    with pytest.raises(ValueError, match="kept its probes"):
        results.probe_series(summary, "rnn", "recall", 3)
    with pytest.raises(ValueError, match="must be in the summary"):
        results.probe_series(summary, "gru", "recall", 3)


def test_probe_and_initial_gradient_tables_read_the_probes_and_fit_the_page(tiny):
    _, summary = tiny
    models = ("rnn", "lstm_f3_i-3")
    probes = ch08.probe_table(summary, models, size=3)
    initial = ch08.init_gradient_table(summary, models, size=3, lag=4)
    for table in (probes, initial):
        assert max(len(line) for line in table.splitlines()) <= 76
    runs = summary[("lstm_f3_i-3", "recall", 3)]["runs"]
    grads = [r["probes"]["0"]["grad"]["4"] for r in runs]
    row = next(line for line in initial.splitlines() if line.startswith("LSTM")).split()[7:]
    assert [float(v) for v in row[:3]] == pytest.approx([np.median(grads), min(grads), max(grads)], rel=0.05)


def fake(model, lr, seed, val, task="recall", size=50, solved_at=3200):
    ok = protocol.passes(task, val, protocol.SOLVED[task])
    return {"model": model, "task": task, "size": size, "lr": lr, "seed": seed, "val": val, "test": val,
            "solved": ok, "solved_at": solved_at if ok else None}


def test_each_family_is_shown_at_its_best_start_chosen_on_validation():
    runs = [fake("rnn", 1e-2, s, 0.2) for s in range(5)] + [fake("rnn_orth", 1e-3, s, 0.95) for s in range(5)]
    runs += [fake("irnn", 1e-3, s, 0.95, solved_at=9600) for s in range(5)]
    runs += [fake(m, 1e-2, s, 0.95) for m in ("gru", "gru_z3") for s in range(5)]
    runs += [fake(m, 3e-3, s, 0.17) for m in protocol.FAMILIES["LSTM"] for s in range(5)]
    summary = results.summarise(runs)
    best = ch08.best_inits(summary, [("recall", 50)])
    assert best[("RNN", "recall", 50)] == "rnn_orth"                  # as good as the IRNN, and sooner
    assert best[("GRU", "recall", 50)] == "gru"                        # a tie goes to the default, listed first
    rows = ch08.best_table(summary, [("recall", 50)]).splitlines()
    assert rows[1].split() == ["RNN", "0.95", "5/5", "1e-3", "orth"] and rows[3].split()[:3] == ["LSTM", "0.17", "0/5"]


def test_rates_tried_mark_the_choice_and_whether_it_is_interior():
    runs = [fake("rnn", lr, s, v) for lr, v in ((3e-2, 0.3), (1e-2, 0.95), (3e-3, 0.5), (1e-3, 0.2)) for s in range(5)]
    runs += [fake("gru", lr, s, 0.95, solved_at=3200 if lr == 1e-1 else 6400) for lr in (1e-1, 3e-2) for s in range(5)]
    runs += [fake("lstm_f0_i0", lr, s, v) for lr, v in ((1e-1, 0.18), (3e-2, 0.17)) for s in range(5)]
    text = ch08.rates_tried(runs, ("rnn",), [("recall", 50)]).splitlines()
    assert text[0] == "RNN (default)" and text[1].split() == ["gap", "50:", "3e-2", "[1e-2]", "3e-3", "1e-3", "interior"]
    r = ch08.rates_summary(runs, ("rnn", "gru", "lstm_f0_i0"), [("recall", 50)])
    assert (r["n"], r["interior"], r["edge_all_solved"]) == (3, 1, 1)
    assert r["edge_other"] == [("lstm_f0_i0", "recall", 50, 1e-1)]


def test_learning_rate_table_has_one_column_per_model_and_stars_the_choice():
    runs = [fake("rnn", lr, s, v) for lr, v in ((1e-2, 0.64), (1e-3, 0.16)) for s in range(5)]
    runs += [fake("gru", 1e-1, s, 1.0) for s in range(5)]
    table = ch08.lr_table(results.summarise(runs), ("rnn", "gru")).splitlines()
    assert table[0].split() == ["rate", "RNN", "GRU"] and [row.split()[0] for row in table[1:]] == ["1e-1", "1e-2", "1e-3"]
    assert table[1].split()[1:] == ["–", "1.00", "5/5*"] and table[2].split()[1:] == ["0.64", "0/5*", "–"]


def test_around_the_jump_reads_the_probes_at_the_biggest_rise(tiny):
    _, summary = tiny
    for j, r in zip(ch08.around_the_jump(summary, "lstm_f3_i-3", "recall", 3), summary[("lstm_f3_i-3", "recall", 3)]["runs"]):
        scores = [v for _, v in r["curve"]]
        before, after = j["batches"]
        assert after - before == 10 and j["score"][1] - j["score"][0] == pytest.approx(max(np.diff(scores)))
        p = r["probes"][str(before)]["grad"]
        assert j["ratio"][0] == pytest.approx(p["4"] / p["1"])
    assert ch08.gate_of("gru_z3") == "z" and ch08.gate_of("irnn") == "abs_h" and ch08.gate_of("lstm_chrono") == "f"
