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
