import math

import numpy as np
import pytest

from lstm_helpers.chapters import ch12_lstm_vs_gru as ch12
from lstm_helpers.engine import gru


def test_gru_has_three_quarters_of_the_lstm_parameters():
    for D, H, n_lstm, n_gru, ratio in ch12.param_rows(((3, 4), (10, 7))):
        assert n_lstm == 4 * (H * (H + D) + H) and n_gru == 3 * (H * (H + D) + H) and ratio == 0.75


def test_step_time_is_the_median_after_a_warm_up_of_forward_plus_backward(monkeypatch):
    # a fake clock: the k-th timed call takes k seconds (the first, the warm-up, is dropped)
    ticks = iter([0, 1, 10, 12, 20, 23, 30, 34])
    monkeypatch.setattr(ch12.time, "perf_counter", lambda: next(ticks))
    calls = []
    real = ch12.models.engine("gru").backward
    monkeypatch.setattr(ch12.models.engine("gru"), "backward", lambda *a: calls.append(a) or real(*a))
    assert ch12.step_time("gru", B=2, T=3, D=2, H=3, repeats=3) == 3.0      # median of 2, 3, 4
    assert len(calls) == 4 and calls[0][2].shape == (3, 2, 3)             # dh: (T, B, H)


def test_update_bias_memory_matches_hand_computed_values():
    m0 = ch12.update_bias_memory(0, steps=101)
    assert m0["z"] == 0.5 and m0["time_constant"] == pytest.approx(2.0) and m0["half_life"] == pytest.approx(1.0)
    assert m0["left"] == pytest.approx(0.5 ** 101)
    m3 = ch12.update_bias_memory(3, steps=51)
    z = 1 / (1 + math.exp(-3))                                              # 0.952574...
    assert m3["z"] == pytest.approx(0.9525741268) and m3["time_constant"] == pytest.approx(1 + math.exp(3))
    assert m3["half_life"] == pytest.approx(math.log(2) / -math.log(z)) and m3["left"] == pytest.approx(z ** 51)
    assert ch12.update_bias_memory(math.log(99), steps=1)["time_constant"] == pytest.approx(100.0)


def test_an_untrained_grus_memory_decays_as_z_to_the_k_when_its_weights_are_zero():
    # W = 0: z = σ(b_z) exactly and the candidate is tanh(b_h); with b_h = 0 the state only decays
    rng = np.random.default_rng(0)
    p = gru.init_params(2, 3, rng)
    for g in "zrh":
        p[f"W_{g}"][:] = 0.0
    p["b_z"][:] = 3.0
    h0 = np.ones((1, 3))
    trace = gru.forward(p, np.zeros((51, 1, 2)), h0)
    m = ch12.update_bias_memory(3.0, steps=51)
    assert np.allclose(trace.h[-1], m["left"]) and ch12.mean_update_gate(p, np.zeros((5, 4, 2))) == pytest.approx(m["z"])


def test_mean_update_gate_averages_z_over_the_filler_steps_only():
    rng = np.random.default_rng(1)
    p = gru.init_params(2, 4, rng)
    x = rng.standard_normal((6, 3, 2))
    z = gru.forward(p, x).z
    assert ch12.mean_update_gate(p, x) == pytest.approx(z[1:5].mean()) != pytest.approx(z.mean())


def test_untrained_update_gates_sit_near_sigma_of_their_bias():
    default, kept = ch12.untrained_update_gates("gru", gap=10, seeds=(0, 1)), ch12.untrained_update_gates(
        "gru_z3", gap=10, seeds=(0, 1))
    assert default.shape == (2,) and np.all(np.abs(default - 0.5) < 0.02)
    assert np.all(np.abs(kept - 1 / (1 + math.exp(-3))) < 0.02)


def test_pytorch_update_gate_keeps_the_state_like_ours():
    torch = pytest.importorskip("torch")
    g = torch.nn.GRU(1, 1)
    with torch.no_grad():
        for w in g.parameters():
            w.zero_()
        g.bias_ih_l0[1] = 20.0            # PyTorch's gate order is r, z, n: a large bias on z
        g.bias_ih_l0[2] = 5.0             # a candidate near 1, far from the state
        out, _ = g(torch.zeros(1, 1, 1), torch.full((1, 1, 1), 0.3))
    p = gru.init_params(1, 1, np.random.default_rng(0))
    for k in p:
        p[k][:] = 0.0
    p["b_z"][:], p["b_h"][:] = 20.0, 5.0
    ours = gru.forward(p, np.zeros((1, 1, 1)), np.full((1, 1), 0.3)).h[-1, 0, 0]
    assert float(out) == pytest.approx(0.3, abs=1e-6) and ours == pytest.approx(0.3, abs=1e-6)


def fake(model, lr, seed, test, size=100):
    ok = test >= 0.9
    return {"model": model, "task": "recall", "size": size, "lr": lr, "seed": seed, "val": test, "test": test,
            "solved": ok, "solved_at": 3200 if ok else None}


def test_solved_line_names_the_seeds_solved_the_chosen_rate_and_every_rate_tried():
    runs = ([fake("gru_z3", 1e-1, s, 1.0) for s in range(5)] + [fake("gru_z3", 1e-2, s, v) for s, v in
                                                               enumerate([1.0, 0.2, 1.0, 0.95, 0.3])]
            + [fake("gru", 1e-2, s, 0.2) for s in range(5)] + [fake("gru", 1e-2, 0, 0.2, size=50)])
    line = ch12.solved_line(runs, "gru_z3", "recall", 100)
    assert line.split() == ["GRU", "(b_z", "=", "3)", "5/5", "solved,", "lr", "1e-1", "of", "1e-1", "1e-2"]
    assert ch12.solved_line(runs, "gru").split()[2:] == ["0/5", "solved,", "lr", "1e-2", "of", "1e-2"]


@pytest.mark.parametrize("call, match", [
    (lambda: ch12.step_time("cnn"), "cell must be one of"),
    (lambda: ch12.step_time("gru", B=0), "B must be an integer >= 1"),
    (lambda: ch12.update_bias_memory(3, steps=0), "steps must be an integer >= 1"),
    (lambda: ch12.update_bias_memory("3", steps=5), "b_z must be a number"),
    (lambda: ch12.untrained_update_gates("lstm_f1_i0", gap=10), "model must be one of"),
    (lambda: ch12.mean_update_gate(gru.init_params(2, 3, np.random.default_rng(0)), np.zeros((2, 1, 2))),
     "x must have at least 3 steps"),
    (lambda: ch12.mean_update_gate(gru.init_params(2, 3, np.random.default_rng(0)), np.zeros((4, 1, 5))),
     "x must have shape"),
    (lambda: ch12.solved_line([fake("gru", 1e-2, 0, 0.2)], "gru_z3"), "must be in the stored runs"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
