import matplotlib
import numpy as np
import pytest

from lstm_helpers.chapters import ch14_bptt as ch14
from lstm_helpers.engine import gradcheck, lstm
from lstm_helpers.engine.losses import cross_entropy
from lstm_helpers.training import models, tasks

matplotlib.use("Agg")


def test_cell_gradient_matches_finite_differences_on_c0():
    # k = T: the gradient with respect to the initial memory C_0, checked by finite differences.
    rng = np.random.default_rng(0)
    p = lstm.init_params(4, 3, rng, forget_bias=1.0)
    x, R = rng.standard_normal((5, 2, 4)), rng.standard_normal((2, 3))
    c0 = rng.standard_normal((2, 3))

    def loss():
        return float((lstm.forward(p, x, None, c0).h[-1] * R).sum())

    tr = lstm.forward(p, x, None, c0)
    dh = np.zeros_like(tr.h)
    dh[-1] = R
    g = lstm.backward(p, tr, dh)["c0"]
    assert gradcheck.gradcheck(loss, {"c0": c0}, {"c0": g})["c0"] < 1e-8


def test_cell_gradient_vs_lag_shapes_and_decay():
    r = ch14.cell_gradient_vs_lag(0.0, T=30, hidden=8, batch=4)
    assert r["norm"].shape == (30,) and r["forget_product"][0] == 1.0
    assert r["norm"][-1] < 1e-3 * r["norm"][1]                 # f ≈ 0.5: the gradient vanishes
    assert np.all(np.diff(r["forget_product"][1:]) <= 0)       # products of numbers < 1 only shrink


def test_truncated_equals_full_when_the_window_covers_the_sequence():
    rng = np.random.default_rng(1)
    p = lstm.init_params(3, 4, rng)
    x, dh = rng.standard_normal((7, 2, 3)), rng.standard_normal((7, 2, 4))
    full = lstm.backward(p, lstm.forward(p, x), dh)
    trunc = ch14.truncated_grads(p, x, dh, window=7)
    for k in list(p) + ["x"]:
        np.testing.assert_allclose(trunc[k], full[k], atol=1e-13)
    short = ch14.truncated_grads(p, x, dh, window=3)
    assert not np.allclose(short["W_f"], full["W_f"])


def test_truncation_cuts_the_gradient_to_the_first_word():
    assert ch14.first_word_gradient(21, gap=20, hidden=4) == 0.0
    assert ch14.first_word_gradient(22, gap=20, hidden=4) > 0.0


def test_gradcheck_small_is_tight():
    assert max(ch14.gradcheck_small().values()) < 1e-7


def test_clipping_experiment_records_norms_before_clipping():
    r = ch14.clipping_experiment(1.0, steps=20, hidden=8)
    assert r["grad_norm"].shape == (20,) and r["loss"].shape == (20,) and 0 <= r["accuracy"] <= 1
    assert r["spike_ratio"] == r["grad_norm"].max() / np.median(r["grad_norm"])
    assert r["grad_norm"][r["spike_step"]] == r["grad_norm"].max()


def test_a_clip_above_every_norm_is_the_same_run_as_no_clipping():
    free = ch14.clipping_experiment(None, steps=15, hidden=8)
    high = ch14.clipping_experiment(1e12, steps=15, hidden=8)
    np.testing.assert_array_equal(free["grad_norm"], high["grad_norm"])
    low = ch14.clipping_experiment(0.1, steps=15, hidden=8)
    assert low["grad_norm"][0] == free["grad_norm"][0] > 0.1        # clipping acts after the first norm
    assert not np.array_equal(low["grad_norm"][1:], free["grad_norm"][1:])


def test_sgd_step_is_the_learning_rate_times_the_clipped_gradient():
    # the first update by hand: the same weights and batch, the engine's gradient, clipped at 0.1
    r = ch14.clipping_experiment(0.1, optimizer="sgd", lr=0.5, steps=1, hidden=8)
    rng = np.random.default_rng(0)
    p = models.init_model("rnn", len(tasks.recall_vocab().tokens), 8, 6, rng)
    x, y, _ = tasks.recall_task(32, 10, rng)
    grads = models.loss_and_grads("rnn", p, x, y)[1]
    norm = np.sqrt(sum(float((g ** 2).sum()) for g in grads.values()))
    assert r["grad_norm"][0] == pytest.approx(norm, rel=1e-12) and norm > 0.1
    largest = max(float(np.abs(g).max()) for g in grads.values())
    assert r["largest_step"][0] == pytest.approx(0.5 * 0.1 / norm * largest, rel=1e-9)


def test_adams_first_update_moves_every_weight_by_the_learning_rate():
    # bias-corrected, m/sqrt(v) = g/|g| at the first step: a step of lr whatever the gradient's size
    r = ch14.clipping_experiment(None, lr=0.05, steps=3, hidden=8)
    assert r["largest_step"][0] == pytest.approx(0.05, rel=1e-5)
    assert r["largest_step"].shape == (3,)


def test_initial_recurrent_matrix_radius_and_largest_singular_value():
    r = ch14.clipping_experiment(None, steps=1, hidden=8, seed=3)
    W = models.init_model("rnn", len(tasks.recall_vocab().tokens), 8, 6,
                          np.random.default_rng(3))["W_h"][:, :8]
    assert r["singular"] == pytest.approx(np.sqrt(np.linalg.eigvalsh(W.T @ W).max()), rel=1e-12)
    assert r["radius"] == pytest.approx(max(abs(np.roots(np.poly(W)))), rel=1e-6)
    assert r["radius"] <= r["singular"]                      # ρ ≤ λ1 for every matrix


def test_perturb_changes_only_the_initial_weights():
    same = ch14.clipping_experiment(1.0, steps=5, hidden=8, perturb=lambda p: p)
    free = ch14.clipping_experiment(1.0, steps=5, hidden=8)
    np.testing.assert_array_equal(same["grad_norm"], free["grad_norm"])
    moved = ch14.clipping_experiment(1.0, steps=5, hidden=8,
                                     perturb=lambda p: {**p, "b_h": p["b_h"] + 0.1})
    assert moved["radius"] == free["radius"] and moved["grad_norm"][0] != free["grad_norm"][0]


def test_plot_training_draws_one_line_per_run():
    runs = [ch14.clipping_experiment(c, steps=4, hidden=4) for c in (None, 1.0)]
    ax = ch14.plot_training({"a": runs, "b": runs[0]}, key="loss")
    assert len(ax.lines) == 3 + 1                            # three runs and ln 6, dashed
    assert ax.lines[-1].get_ydata()[0] == pytest.approx(np.log(6))
    np.testing.assert_array_equal(ax.lines[2].get_ydata(), runs[0]["loss"])
    matplotlib.pyplot.close(ax.figure)


def test_the_cell_jacobian_is_diag_f_plus_the_paths_through_h():
    # chapter 14's formula for dC_t/dC_{t-1}, against finite differences of one step; o_{t-1} is fixed
    # (it depends on h_{t-2}, not on C_{t-1}), h_{t-1} = o_{t-1} tanh(C_{t-1})
    rng = np.random.default_rng(4)
    D, H = 3, 4
    p = {k: v + 0.5 * rng.standard_normal(v.shape) for k, v in lstm.init_params(D, H, rng).items()}
    x_t, c_prev = rng.standard_normal((1, D)), rng.standard_normal((1, H))
    o_prev = 1 / (1 + np.exp(-rng.standard_normal((1, H))))

    def c_t(c):
        return lstm.forward(p, x_t[None], o_prev * np.tanh(c), c).c[0, 0]

    eps, numerical = 1e-6, np.empty((H, H))
    for j in range(H):
        e = np.zeros((1, H))
        e[0, j] = eps
        numerical[:, j] = (c_t(c_prev + e) - c_t(c_prev - e)) / (2 * eps)
    tr = lstm.forward(p, x_t[None], o_prev * np.tanh(c_prev), c_prev)
    f, i, g = tr.f[0, 0], tr.i[0, 0], tr.c_tilde[0, 0]
    Wh = {k: p[f"W_{k}"][:, :H] for k in "fic"}
    through_h = (np.diag(c_prev[0] * f * (1 - f)) @ Wh["f"] + np.diag(g * i * (1 - i)) @ Wh["i"]
                 + np.diag(i * (1 - g ** 2)) @ Wh["c"]) @ np.diag(o_prev[0] * (1 - np.tanh(c_prev[0]) ** 2))
    np.testing.assert_allclose(numerical, np.diag(f) + through_h, atol=1e-8)
    assert np.abs(numerical - np.diag(f)).max() > 1e-2                 # the direct path alone is not all


# -- the backward flow: dL/dC_t and dL/dh_t at every step ----------------------------
def small_case(T=5, B=2, D=4, H=3, seed=0):
    rng = np.random.default_rng(seed)
    p = {k: v + 0.3 * rng.standard_normal(v.shape)
         for k, v in lstm.init_params(D, H, rng).items()}
    x, R = rng.standard_normal((T, B, D)), rng.standard_normal((T, B, H))
    return p, x, R


@pytest.mark.parametrize("t", [0, 1, 3, 5])
def test_state_gradients_match_finite_differences(t):
    # L = Σ_s R_s·h_s. Perturb the state after step t and run the rest of the sequence
    # forward from it: a change of C_t also changes h_t = o_t tanh(C_t); a change of h_t
    # does not change C_t. Only forward passes: independent of the backward recursion.
    p, x, R = small_case()
    tr = lstm.forward(p, x)
    g = ch14.state_gradients(p, tr, R)
    T = x.shape[0]
    h = (tr.h0 if t == 0 else tr.h[t - 1]).copy()
    c = (tr.c0 if t == 0 else tr.c[t - 1]).copy()

    def loss(through_h):
        h_t = tr.o[t - 1] * np.tanh(c) if (through_h and t > 0) else h
        direct = float((R[t - 1] * h_t).sum()) if t > 0 else 0.0
        if t == T:
            return direct
        return direct + float((lstm.forward(p, x[t:], h_t, c).h * R[t:]).sum())

    err_c = gradcheck.gradcheck(lambda: loss(True), {"C": c}, {"C": g["dC"][t]})["C"]
    err_h = gradcheck.gradcheck(lambda: loss(False), {"h": h}, {"h": g["dh"][t]})["h"]
    assert err_c < 1e-8 and err_h < 1e-8


def test_state_gradients_split_and_agree_with_the_engine():
    p, x, R = small_case()
    tr = lstm.forward(p, x)
    g = ch14.state_gradients(p, tr, R)
    np.testing.assert_allclose(g["belt"] + g["via_h"], g["dC"], atol=1e-15)
    np.testing.assert_allclose(g["belt"][:-1], g["dC"][1:] * tr.f, atol=1e-15)
    assert not g["belt"][-1].any()          # no step after T passes anything to C_T
    assert not g["via_h"][0].any()          # h_0 is given, not computed from C_0
    e = lstm.backward(p, tr, R)
    np.testing.assert_allclose(g["dC"][0], e["c0"], atol=1e-14)
    np.testing.assert_allclose(g["dh"][0], e["h0"], atol=1e-14)


def test_recall_gradients_at_the_initial_state_match_finite_differences():
    # the whole pipeline (sentence, read-out, cross-entropy against Urdu) with a small H
    r = ch14.recall_gradients(1.0, gap=3, hidden=3, seed=2)
    vocab = tasks.recall_vocab()
    rng = np.random.default_rng(2)
    p = models.init_model("lstm", len(vocab.tokens), 3, 6, rng, forget_bias=1.0)
    x = vocab.encode(r["words"])
    h0, c0 = np.zeros((1, 3)), np.zeros((1, 3))

    def loss():
        h = lstm.forward(models.cell_params(p), x, h0, c0).h[-1]
        return cross_entropy(h @ p["W_y"].T + p["b_y"], np.array([0]))[0]

    for name, arr in (("dC", c0), ("dh", h0)):
        _, num = gradcheck.numerical_grad(loss, arr)
        assert np.linalg.norm(num) == pytest.approx(r[name][0], rel=1e-7)
    assert r["loss"] == pytest.approx(loss())


def test_recall_sentence_is_the_country_fillers_and_the_query():
    words = ch14.recall_sentence(12)
    assert len(words) == 14 and words[0] == "Pakistan" and words[-1] == "<speak>"
    assert set(words[1:-1]) <= set(tasks.DISTRACTORS)
    r = ch14.recall_gradients(0.0, gap=4, hidden=4)
    assert r["words"] == ch14.recall_sentence(4)
    assert r["dC"].shape == r["dh"].shape == (7,)


def test_only_the_forget_bias_changes_between_runs():
    a, b = ch14.recall_gradients(0.0), ch14.recall_gradients(0.0)
    np.testing.assert_array_equal(a["dC"], b["dC"])        # seeded: the same run
    assert ch14.recall_gradients(3.0)["mean_f"] > 0.9 > 0.6 > a["mean_f"]


def test_larger_forget_bias_more_gradient_reaches_the_country():
    ex = ch14.explorer()
    at = {v: ex.result(b_f=v)["country_C"] for v in (1.0, 3.0)}
    assert at[3.0] > 10 * at[1.0]
    grid = [ex.result(b_f=float(v))["country_C"] for v in ex.sliders[0].grid()]
    assert np.all(np.diff(grid) > 0)        # for these weights, at every position


def test_explorer_draws_keys_that_compute_returns_inside_its_limits():
    ex = ch14.explorer()
    for v in ex.sliders[0].grid()[[0, -1]]:
        r = ex.result(b_f=float(v))
        for panel in ex.panels:
            assert len(r[panel.xticklabels]) == len(r[panel.series[0].key])
            for s in panel.series:
                y = np.asarray(r[s.key])
                assert y.shape == (ch14.RECALL_GAP + 2,) and np.all(np.isfinite(y))
                assert panel.ylim[0] < y.min() and y.max() < panel.ylim[1]
        for ro in ex.readouts:
            assert np.isfinite(float(r[ro.key]))
    np.testing.assert_allclose(10 ** r["log_dC"][0], r["country_C"])


def test_what_chapter_14_says_about_the_picture():
    r = {fb: ch14.recall_gradients(fb, gap=4) for fb in (0.0, 1.0, 3.0)}
    c = {fb: x["dC"][:-1] for fb, x in r.items()}             # the arrows C_0 ... C_5
    assert np.all(np.diff(c[0.0]) > 0)                       # b_f = 0: narrower each step back
    assert c[3.0].max() < 1.1 * c[3.0].min()                 # b_f = 3: the same width
    assert np.all((c[0.0] < c[1.0]) & (c[1.0] < c[3.0]))     # b_f = 1 between
    for x in r.values():                                     # h thinner than C beside it
        assert np.all(x["dh"][:-1] < x["dC"][:-1])


def test_backward_flow_picture_one_chain_per_bias():
    results = {fb: ch14.recall_gradients(fb, gap=4) for fb in (0.0, 3.0)}
    fig = ch14.plot_backward_flow(results)
    assert len(fig.axes) == 2 and "b_f = 3" in fig.axes[1].get_title()
    belt = matplotlib.colors.to_rgba("#CC79A7")
    first = [min((p for p in ax.patches if p.get_edgecolor() == belt),
                 key=lambda p: p._posA_posB[0][0]).get_linewidth() for ax in fig.axes]
    assert first[0] < first[1]              # C_0's arrow: thinner with less gradient
    matplotlib.pyplot.close(fig)


@pytest.mark.parametrize("call, match", [
    (lambda: ch14.cell_gradient_vs_lag(20.0), "forget_bias must be"),
    (lambda: ch14.recall_gradients(20.0), "forget_bias must be"),
    (lambda: ch14.recall_gradients(1.0, hidden=0), "hidden must be an integer >= 1"),
    (lambda: ch14.recall_sentence(-1), "gap must be an integer >= 0"),
    (lambda: ch14.explore(b_f="3"), "b_f must be a number"),
    (lambda: ch14.state_gradients(*small_case()[:2], np.zeros((5, 2, 3))),
     "trace must be the Trace"),
    (lambda: ch14.state_gradients(small_case()[0], lstm.forward(*small_case()[:2]),
                                  np.zeros((4, 2, 3))), "dh must have shape"),
    (lambda: ch14.plot_backward_flow({}), "results must be a non-empty dict"),
    (lambda: ch14.plot_backward_flow({0.0: ch14.recall_gradients(0.0, gap=2),
                                      1.0: ch14.recall_gradients(1.0, gap=3)}),
     "the same sentence"),
    (lambda: ch14.clipping_experiment(0.0), "clip must be"),
    (lambda: ch14.clipping_experiment(1.0, perturb=3), "perturb must be a function"),
    (lambda: ch14.clipping_experiment(1.0, optimizer="rmsprop"), "optimizer must be one of"),
    (lambda: ch14.plot_training({}, key="accuracy"), "key must be one of"),
    (lambda: ch14.truncated_grads(lstm.init_params(3, 4, np.random.default_rng(0)), np.zeros((5, 2, 3)), np.zeros((5, 2, 4)), 0), "window must be an integer >= 1"),
    (lambda: ch14.truncated_grads(lstm.init_params(3, 4, np.random.default_rng(0)), np.zeros((5, 2, 3)), np.zeros((4, 2, 4)), 2), "dh must have shape"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
