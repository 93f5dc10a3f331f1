"""xLSTM's sLSTM and mLSTM steps: the stabiliser changes nothing where nothing overflows and cancels exactly
in c/n, float32 overflows without it, values by hand, input validation."""
import math

import numpy as np
import pytest

from lstm_helpers.engine import xlstm as X


def _sig(x):
    return 1.0 / (1.0 + math.exp(-x))


@pytest.fixture
def rng():
    return np.random.default_rng(0)


# --- stabilised == unstabilised when nothing overflows -------------------------------

@pytest.mark.parametrize("forget", X.FORGET_KINDS)
@pytest.mark.parametrize("cell", ["slstm", "mlstm"])
def test_stabilised_equals_raw_float64(rng, cell, forget):
    if cell == "slstm":
        params, forward = X.init_slstm_params(rng, input_size=3, hidden_size=4, scale=1.0), X.slstm_forward
    else:
        params, forward = X.init_mlstm_params(rng, input_size=3, d=4, scale=1.0), X.mlstm_forward
    xs = rng.normal(size=(50, 3))
    h_raw, _ = forward(params, xs, stabilise=False, forget=forget)
    h_stab, _ = forward(params, xs, stabilise=True, forget=forget)
    assert np.all(np.isfinite(h_raw))
    assert np.max(np.abs(h_raw - h_stab)) <= 1e-12


def test_mlstm_floor_must_be_rescaled():
    # Why the stabilised floor is e^{-m}, not 1. One step from an empty memory, d = 1:
    # ĩ = 5, k = 0.5, q = 0.2, v = 1, o = 0.5. Raw: h = o·(e^5 v k q)/max(e^5|k q|, 1) = 0.5.
    # Stabilised, m = ĩ = 5 so C' = v k, n' = k: a literal floor 1 gives o·v k q/1 = 0.05.
    p = {"W_q": [[0.2]], "W_k": [[0.5]], "W_v": [[1.0]], "W_o": [[0.0]],
         "b_q": [0.0], "b_k": [0.0], "b_v": [0.0], "b_o": [0.0],
         "w_i": [5.0], "w_f": [0.0], "b_i": 0.0, "b_f": 0.0}
    empty = (np.zeros((1, 1)), np.zeros(1), 0.0)
    h_raw, _ = X.mlstm_step(p, [1.0], empty, stabilise=False)
    h_stab, (C, n, m) = X.mlstm_step(p, [1.0], empty, stabilise=True)
    assert float(m) == 5.0 and abs(h_raw[0] - 0.5) < 1e-15 and abs(h_stab[0] - 0.5) < 1e-15
    h_wrong = 0.5 * (C @ [0.2]) / max(abs(n @ [0.2]), 1.0)
    assert abs(h_wrong[0] - 0.05) < 1e-15


# --- the stabiliser cancels exactly in c/n ---------------------------------------------

@pytest.mark.parametrize("forget", X.FORGET_KINDS)
def test_stabiliser_rescales_c_and_n_by_exp_minus_m(rng, forget):
    params = X.init_slstm_params(rng, 3, 4, scale=1.0)
    xs = rng.normal(size=(30, 3))
    raw = stab = tuple(np.zeros(4) for _ in range(4))
    for x in xs:
        _, raw = X.slstm_step(params, x, raw, stabilise=False, forget=forget)
        _, stab = X.slstm_step(params, x, stab, stabilise=True, forget=forget)
        _, c_r, n_r, _ = raw
        _, c_s, n_s, m_s = stab
        # c' = c e^{-m} and n' = n e^{-m}: the common factor drops out of c'/n'.
        np.testing.assert_allclose(c_s * np.exp(m_s), c_r, rtol=1e-12, atol=0)
        np.testing.assert_allclose(n_s * np.exp(m_s), n_r, rtol=1e-12, atol=0)
        np.testing.assert_allclose(c_s / n_s, c_r / n_r, rtol=1e-12, atol=1e-15)


def test_m_is_a_free_gauge(rng):
    # Any rescaling (c e^{-δ}, n e^{-δ}, m + δ) of a state gives the same next h.
    params = X.init_slstm_params(rng, 3, 4, scale=1.0)
    _, (h, c, n, m) = X.slstm_forward(params, rng.normal(size=(10, 3)))
    delta = rng.normal(scale=20.0, size=4)
    x = rng.normal(size=3)
    h1, _ = X.slstm_step(params, x, (h, c, n, m))
    h2, _ = X.slstm_step(params, x, (h, c * np.exp(-delta), n * np.exp(-delta), m + delta))
    assert np.max(np.abs(h1 - h2)) <= 1e-12


# --- float32 overflow ----------------------------------------------------------------

def test_float32_raw_overflows_at_100_stabilised_does_not():
    params = X._demo_params()
    xs = np.array([[0.0, 1.0], [100.0, -1.0]])
    with np.errstate(over="ignore", invalid="ignore"):
        h_raw, (_, c, n, _) = X.slstm_forward(params, xs, stabilise=False, dtype=np.float32)
    h_stab, _ = X.slstm_forward(params, xs, stabilise=True, dtype=np.float32)
    h64, _ = X.slstm_forward(params, xs, stabilise=False, dtype=np.float64)
    assert h_raw.dtype == np.float32 and np.isinf(c[0]) and np.isinf(n[0]) and np.isnan(h_raw[-1, 0])
    assert np.isfinite(h_stab[-1, 0]) and abs(float(h_stab[-1, 0]) - h64[-1, 0]) < 1e-6


def test_overflow_demo_values():
    demo = X.overflow_demo()
    assert abs(demo["log_float32_max"] - 88.7228) < 1e-3
    for r in demo["rows"]:
        assert math.isfinite(r["h_f32_stab"]) and r["abs_err_stab_vs_f64"] < 1e-6
        assert math.isfinite(r["h_f32_raw"]) == (r["i_tilde"] < 88.72)
    assert 85 <= demo["accumulation"]["first_step_n_inf_f32_raw"] <= 95
    assert math.isfinite(demo["accumulation"]["h_last_f32_stab"])
    table = X.format_overflow_table(demo)
    assert "h_2 stab" in table and all(len(line) <= 76 for line in table.splitlines())
    assert table.splitlines()[-1].split()[4] == "nan" and table.splitlines()[2].split()[4] == "-0.38077"


# --- hand-computed cases -------------------------------------------------------------

def test_slstm_one_unit_by_hand():
    # 1 unit, D = 1, x = 1: pre-activations z̃ = 0.5, ĩ = 1, f̃ = 0, õ = 0.
    params = {"W": np.array([0.5, 1.0, 0.0, 0.0]).reshape(4, 1, 1),
              "R": np.zeros((4, 1, 1)), "b": np.zeros((4, 1))}
    state = (np.array([0.2]), np.array([0.3]), np.array([1.5]), np.array([0.0]))
    z, i, f, o = math.tanh(0.5), math.e, 0.5, 0.5          # tanh, exp, σ(0), σ(0)
    c = f * 0.3 + i * z                                     # 0.15 + 1.2561647 = 1.4061647
    n = f * 1.5 + i                                         # 0.75 + 2.7182818 = 3.4682818
    h = o * c / n
    assert abs(h - 0.2027178) < 1e-7                        # the book can print this
    h_raw, (_, c_raw, n_raw, _) = X.slstm_step(params, [1.0], state, stabilise=False)
    assert abs(h_raw[0] - h) < 1e-15 and abs(c_raw[0] - c) < 1e-15 and abs(n_raw[0] - n) < 1e-15
    # Stabilised: m = max(log 0.5 + 0, 1) = 1, so i' = 1 and f' = 0.5/e.
    h_s, (_, c_s, n_s, m_s) = X.slstm_step(params, [1.0], state, stabilise=True)
    assert m_s[0] == 1.0
    assert abs(c_s[0] - (0.5 / math.e * 0.3 + z)) < 1e-15 and abs(n_s[0] - (0.5 / math.e * 1.5 + 1)) < 1e-15
    assert abs(h_s[0] - h) < 1e-15


def test_mlstm_d1_q_equals_k_is_a_scalar_recurrence():
    # d = 1 so √d = 1; W_q = W_k, b_q = b_k gives q = k. Then C, n are scalars and
    # h = o (C q) / max(|n q|, 1) with C = f C + i v k, n = f n + i k.
    p = {"W_q": [[0.8]], "W_k": [[0.8]], "W_v": [[-1.5]], "W_o": [[0.4]],
         "b_q": [0.1], "b_k": [0.1], "b_v": [0.2], "b_o": [0.0],
         "w_i": [1.2], "w_f": [0.7], "b_i": 0.3, "b_f": 1.0}
    xs = [0.5, -1.0, 2.0]
    C = n = 0.0
    expected = []
    for x in xs:
        k = 0.8 * x + 0.1
        v, o = -1.5 * x + 0.2, _sig(0.4 * x)
        i, f = math.exp(1.2 * x + 0.3), _sig(0.7 * x + 1.0)
        C, n = f * C + i * v * k, f * n + i * k
        expected.append(o * C * k / max(abs(n * k), 1.0))
    for stabilise in (False, True):
        hs, _ = X.mlstm_forward(p, np.array(xs)[:, None], stabilise=stabilise)
        np.testing.assert_allclose(hs[:, 0], expected, rtol=1e-13, atol=1e-15)


# --- validation ------------------------------------------------------------------------

def _slstm_ok(rng):
    return X.init_slstm_params(rng, 2, 3), np.zeros(2), tuple(np.zeros(3) for _ in range(4))


@pytest.mark.parametrize("change, name", [
    (lambda a: {**a, "x_t": np.zeros(5)}, "x_t"),
    (lambda a: {**a, "x_t": [np.nan, 0.0]}, "x_t"),
    (lambda a: {**a, "state": a["state"][:3]}, "state"),
    (lambda a: {**a, "state": (np.zeros(2),) + a["state"][1:]}, "state[0]"),
    (lambda a: {**a, "params": {"W": a["params"]["W"]}}, "params"),
    (lambda a: {**a, "params": {**a["params"], "R": np.zeros((4, 3, 2))}}, "params['R']"),
    (lambda a: {**a, "stabilise": "yes"}, "stabilise"),
    (lambda a: {**a, "forget": "tanh"}, "forget"),
    (lambda a: {**a, "dtype": np.int32}, "dtype"),
])
def test_slstm_step_value_errors(rng, change, name):
    p, x, s = _slstm_ok(rng)
    args = change({"params": p, "x_t": x, "state": s, "stabilise": True, "forget": "sigmoid", "dtype": np.float64})
    with pytest.raises(ValueError, match=r"^" + name.replace("[", r"\[").replace("]", r"\]") + " must"):
        X.slstm_step(**args)


def test_other_value_errors(rng):
    mp = X.init_mlstm_params(rng, 2, 3)
    with pytest.raises(ValueError, match=r"^state must"):
        X.mlstm_step(mp, np.zeros(2), (np.zeros((3, 3)), np.zeros(3)))
    with pytest.raises(ValueError, match=r"^params\['b_i'\] must have shape \(\)"):
        X.mlstm_step({**mp, "b_i": np.zeros(2)}, np.zeros(2), (np.zeros((3, 3)), np.zeros(3), 0.0))
    with pytest.raises(ValueError, match=r"^xs must"):
        X.mlstm_forward(mp, np.zeros((4, 5)))
    with pytest.raises(ValueError, match=r"^xs must"):
        X.slstm_forward(X.init_slstm_params(rng, 2, 3), np.zeros(2))
    with pytest.raises(ValueError, match=r"^rng must"):
        X.init_slstm_params(0, 2, 3)
    with pytest.raises(ValueError, match=r"^hidden_size must be an integer >= 1"):
        X.init_slstm_params(rng, 2, 0)
    with pytest.raises(ValueError, match=r"^i_tildes must"):
        X.overflow_demo([])
    with pytest.raises(ValueError, match=r"^demo must"):
        X.format_overflow_table([])
