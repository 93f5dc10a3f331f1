"""minGRU and minLSTM: both scans ("linear", the default, and "log") against the step-by-step loop and each
other, gradients through both (finite differences and PyTorch autograd of the same sequential equations),
hand-computed values, no Python loop over time (the linear scan's Python work may grow with its log2(T)
levels only), input validation, float32."""
import math
import sys
import time

import numpy as np
import pytest

from lstm_helpers.engine import gradcheck, minrnn
from lstm_helpers.engine import scan as scan_module
from lstm_helpers.engine.minrnn import H0_DEFAULT, MINGRU, MINLSTM, SCANS

ENGINES = pytest.mark.parametrize("E", [MINGRU, MINLSTM], ids=lambda e: e.name)
ALL_SCANS = pytest.mark.parametrize("scan", ["linear", "log"])


def make_params(E, D, H, seed=0, scale=3.0, dtype=np.float64):
    """Book init with weights ×scale and N(0,1) biases (so bias gradients are exercised too)."""
    rng = np.random.default_rng(seed)
    p = E.init_params(D, H, rng)
    p = {k: v * scale if k.startswith("W_") else rng.normal(size=H) for k, v in p.items()}
    return {k: v.astype(dtype) for k, v in p.items()}, rng


def gates(E, trace):
    return [trace.z] if E is MINGRU else [trace.f, trace.i]


def test_default_scan_is_linear():
    assert SCANS == ("linear", "log")
    x = np.zeros((3, 1, 2))
    for E in (MINGRU, MINLSTM):
        assert E.forward(E.init_params(2, 3, np.random.default_rng(0)), x).scan == "linear"


# ------------------------------------------------------------------ scan == sequential loop
@ENGINES
@ALL_SCANS
@pytest.mark.parametrize("T", [1, 7, 1000])
@pytest.mark.parametrize("with_h0", [False, True], ids=["h0=None", "h0=given"])
def test_scan_matches_sequential_loop(E, scan, T, with_h0):
    D, H, B = 6, 8, 3
    params, rng = make_params(E, D, H, seed=T)
    x = rng.normal(size=(T, B, D))
    h0 = rng.uniform(0.05, 4.0, size=(B, H)) if with_h0 else None
    trace = E.forward(params, x, h0, scan=scan)
    ref = E.forward_sequential(params, x, h0)
    assert trace.h.shape == ref.shape == (T, B, H) and trace.scan == scan
    assert np.max(np.abs(trace.h - ref)) <= 1e-10
    if T == 1000:          # gates far from 0.5, so log A_t reaches the thousands
        assert all(np.mean(np.abs(gt - 0.5) > 0.25) > 0.3 for gt in gates(E, trace))


@ENGINES
@pytest.mark.parametrize("T", [1000, 20000])
def test_linear_scan_matches_loop_and_log_scan_with_gates_far_from_half(E, T):
    """Weights ×6: the scan's partial products of a_t underflow to 0 (checked on its own work array),
    and h still equals the loop's. float32 in, float32 out, within float32 accuracy."""
    D, H, B = 6, 8, 3
    params, rng = make_params(E, D, H, seed=T, scale=6.0)
    x = rng.normal(size=(T, B, D))
    h0 = rng.uniform(0.05, 4.0, size=(B, H))
    tr = E.forward(params, x, h0)
    ref = E.forward_sequential(params, x, h0)
    assert np.max(np.abs(tr.h - ref)) <= 1e-10
    assert np.max(np.abs(tr.h - E.forward(params, x, h0, scan="log").h)) <= 1e-10
    a = 1 / (1 + np.exp(tr.s))                                  # σ(−s), the multiplier of h_{t−1}
    work = a.copy()
    scan_module._linear_scan_inplace(work, np.zeros_like(work))
    assert np.count_nonzero(work == 0) > 0
    p32 = {k: v.astype(np.float32) for k, v in params.items()}
    h32 = E.forward(p32, x.astype(np.float32), h0.astype(np.float32)).h
    assert h32.dtype == np.float32 and np.max(np.abs(h32 - ref)) <= 1e-6 * np.abs(ref).max()


@ENGINES
@ALL_SCANS
def test_long_sequence_is_finite_and_a_convex_mix(E, scan):
    """h_t is a convex mix of h0 and g(u_1..t) (a_t + σ(s_t) = 1): it stays inside their range for any T."""
    params, rng = make_params(E, 4, 5, seed=1, scale=6.0)
    tr = E.forward(params, rng.normal(size=(20000, 2, 4)), scan=scan)
    gu = minrnn.g(tr.pre["h"])
    lo, hi = min(gu.min(), H0_DEFAULT), max(gu.max(), H0_DEFAULT)
    assert np.all(np.isfinite(tr.h)) and lo - 1e-9 <= tr.h.min() and tr.h.max() <= hi + 1e-9


# ------------------------------------------------------------------ gradients
@ENGINES
@ALL_SCANS
@pytest.mark.parametrize("with_h0", [False, True], ids=["h0=None", "h0=given"])
def test_finite_difference_gradients(E, scan, with_h0):
    T, B, D, H = 6, 2, 3, 4
    params, rng = make_params(E, D, H, seed=5)
    x = rng.normal(size=(T, B, D))
    h0 = rng.uniform(0.2, 2.0, size=(B, H)) if with_h0 else np.full((B, H), 0.5)   # None means 0.5
    w = rng.normal(size=(T, B, H))                                                 # L = Σ w ⊙ h
    grads = E.backward(params, E.forward(params, x, h0 if with_h0 else None, scan=scan), w)
    assert set(grads) == set(params) | {"x", "h0"}
    arrays = {**params, "x": x, "h0": h0}
    errors = gradcheck.gradcheck(lambda: float(np.sum(w * E.forward(params, x, h0, scan=scan).h)), arrays, grads)
    assert max(errors.values()) <= 1e-8, errors
    assert all(grads[k].shape == v.shape and grads[k].dtype == v.dtype for k, v in arrays.items())


def _torch_reference(E, params, x, h0, w):
    """PyTorch autograd of the SAME sequential equations, written independently of minrnn."""
    torch = pytest.importorskip("torch")
    tp = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    tx, th = torch.tensor(x, requires_grad=True), torch.tensor(h0, requires_grad=True)

    def g(u):
        return torch.where(u >= 0, u + 0.5, torch.sigmoid(u))

    def lin(n, xt):
        return xt @ tp[f"W_{n}"].T + tp[f"b_{n}"]

    h, hs = th, []
    for t in range(x.shape[0]):
        if E is MINGRU:
            z = torch.sigmoid(lin("z", tx[t]))
            h = (1 - z) * h + z * g(lin("h", tx[t]))
        else:
            f, i = torch.sigmoid(lin("f", tx[t])), torch.sigmoid(lin("i", tx[t]))
            h = f / (f + i) * h + i / (f + i) * g(lin("h", tx[t]))
        hs.append(h)
    hs = torch.stack(hs)
    (hs * torch.tensor(w)).sum().backward()
    grads = {k: v.grad.numpy() for k, v in tp.items()}
    grads.update(x=tx.grad.numpy(), h0=th.grad.numpy())
    return hs.detach().numpy(), grads


@ENGINES
@ALL_SCANS
@pytest.mark.parametrize("T", [7, 300])
@pytest.mark.parametrize("with_h0", [False, True], ids=["h0=None", "h0=given"])
def test_matches_torch_autograd(E, scan, T, with_h0):
    B, D, H = 3, 5, 6
    params, rng = make_params(E, D, H, seed=T + 11)
    x = rng.normal(size=(T, B, D))
    h0 = rng.uniform(0.1, 3.0, size=(B, H)) if with_h0 else None
    w = rng.normal(size=(T, B, H))
    h_ref, g_ref = _torch_reference(E, params, x, h0 if with_h0 else np.full((B, H), 0.5), w)
    tr = E.forward(params, x, h0, scan=scan)
    grads = E.backward(params, tr, w)
    assert np.max(np.abs(tr.h - h_ref)) <= 1e-10
    assert set(grads) == set(g_ref)
    for k in g_ref:
        assert np.max(np.abs(grads[k] - g_ref[k])) <= 1e-10, k


@ENGINES
def test_backward_runs_the_adjoint_of_the_traces_scan(E, monkeypatch):
    params, rng = make_params(E, 3, 4)
    x, dh = rng.normal(size=(9, 2, 3)), rng.normal(size=(9, 2, 4))
    lin, log = E.forward(params, x, scan="linear"), E.forward(params, x, scan="log")
    g_lin, g_log = E.backward(params, lin, dh), E.backward(params, log, dh)
    assert all(np.max(np.abs(g_lin[k] - g_log[k])) <= 1e-12 for k in g_lin)

    def boom(*args):
        raise AssertionError("wrong adjoint")
    monkeypatch.setattr(minrnn, "log_adjoint", boom)
    E.backward(params, lin, dh)                   # a linear trace never touches the log adjoint
    with pytest.raises(AssertionError, match="wrong adjoint"):
        E.backward(params, log, dh)
    monkeypatch.undo()
    monkeypatch.setattr(minrnn, "linear_adjoint", boom)
    E.backward(params, log, dh)
    with pytest.raises(AssertionError, match="wrong adjoint"):
        E.backward(params, lin, dh)


# ------------------------------------------------------------------ hand-computed values
@ALL_SCANS
def test_mingru_one_unit_by_hand(scan):
    # z = σ(ln 3) = 3/4; u = 1.5 ≥ 0 so g(u) = 2; default h0 = g(0) = 0.5
    p = {"W_z": np.array([[math.log(3)]]), "b_z": np.zeros(1), "W_h": np.array([[1.5]]), "b_h": np.zeros(1)}
    x = np.ones((2, 1, 1))
    tr = MINGRU.forward(p, x, scan=scan)
    # h1 = 1/4 · 0.5 + 3/4 · 2 = 1.625;  h2 = 1/4 · 1.625 + 3/4 · 2 = 1.90625
    np.testing.assert_allclose(tr.h[:, 0, 0], [1.625, 1.90625], rtol=0, atol=1e-14)
    np.testing.assert_allclose(tr.z[:, 0, 0], [0.75, 0.75], rtol=0, atol=1e-15)
    g = MINGRU.backward(p, MINGRU.forward(p, x[:1], scan=scan), np.ones((1, 1, 1)))
    assert g["h0"][0, 0] == pytest.approx(0.25, abs=1e-15)       # ∂h1/∂h0 = 1 − z
    assert g["b_h"][0] == pytest.approx(0.75, abs=1e-15)         # z · g'(u) = 3/4 · 1
    assert g["b_z"][0] == pytest.approx(0.28125, abs=1e-15)      # z(1−z)(g(u) − h0) = 3/16 · 1.5


@ALL_SCANS
def test_minlstm_one_unit_by_hand(scan):
    # f = σ(ln 3) = 3/4, i = σ(0) = 1/2 → f' = 0.6, i' = 0.4; u = −ln 3 < 0 → g(u) = σ(−ln 3) = 1/4
    p = {"W_f": np.array([[math.log(3)]]), "b_f": np.zeros(1), "W_i": np.zeros((1, 1)),
         "b_i": np.zeros(1), "W_h": np.array([[-math.log(3)]]), "b_h": np.zeros(1)}
    x, h0 = np.ones((1, 1, 1)), np.array([[2.0]])
    tr = MINLSTM.forward(p, x, h0, scan=scan)
    assert tr.h[0, 0, 0] == pytest.approx(1.3, abs=1e-14)        # 0.6 · 2 + 0.4 · 0.25
    assert (tr.f[0, 0, 0], tr.i[0, 0, 0]) == pytest.approx((0.6, 0.4), abs=1e-15)
    assert MINLSTM.forward_sequential(p, x, h0)[0, 0, 0] == pytest.approx(1.3, abs=1e-15)
    g = MINLSTM.backward(p, tr, np.ones((1, 1, 1)))
    assert g["h0"][0, 0] == pytest.approx(0.6, abs=1e-15)        # ∂h1/∂h0 = f'
    assert g["b_h"][0] == pytest.approx(0.075, abs=1e-15)        # i' · σ(u)σ(−u) = 0.4 · 3/16


def test_g_is_the_papers_function():
    np.testing.assert_allclose(minrnn.g(np.array([-2.0, 0.0, 1.5])), [1 / (1 + math.exp(2)), 0.5, 2.0], atol=1e-15)


@ENGINES
@ALL_SCANS
def test_default_h0_is_g_of_zero(E, scan):
    params, rng = make_params(E, 3, 4)
    x = rng.normal(size=(5, 2, 3))
    np.testing.assert_array_equal(E.forward(params, x, scan=scan).h,
                                  E.forward(params, x, np.full((2, 4), 0.5), scan=scan).h)


# ------------------------------------------------------------------ no Python loop over time
def _bytecodes_executed(fn):
    """Bytecode instructions run in every Python frame while fn runs (sys.settrace opcode events): any
    Python-level loop over time (for, while, comprehension, a Python callback) makes this grow with T."""
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        frame.f_trace_opcodes = True
        count += event == "opcode"
        return tracer

    sys.settrace(tracer)
    try:
        fn()
    finally:
        sys.settrace(None)
    return count


def _fwd_bwd_bytecodes(E, params, T, scan, rng):
    x, dh = rng.normal(size=(T, 2, 3)), rng.normal(size=(T, 2, 4))
    return _bytecodes_executed(lambda: E.backward(params, E.forward(params, x, scan=scan), dh))


@ENGINES
def test_log_scan_forward_and_backward_execute_no_per_timestep_python(E):
    params, rng = make_params(E, 3, 4)
    _fwd_bwd_bytecodes(E, params, 5, "log", rng)          # warm-up: first-call work is not per step
    work = {T: _fwd_bwd_bytecodes(E, params, T, "log", rng) for T in (10, 200, 2000)}
    seq = {T: _bytecodes_executed(lambda T=T: E.forward_sequential(params, rng.normal(size=(T, 2, 3))))
           for T in (10, 200)}
    assert work[10] == work[200] == work[2000]
    assert seq[200] > seq[10] + 190 * 20                  # the counter does see a loop over time


@ENGINES
def test_linear_scan_python_work_grows_with_log2_T_levels_not_with_T(E):
    """T = 1000 and 1023 have the same levels, so the counts must be EQUAL; 1000 → 2000 → 4000 each add
    one level to the forward AND the backward scan, so both steps must add the SAME small constant."""
    params, rng = make_params(E, 3, 4)
    _fwd_bwd_bytecodes(E, params, 5, "linear", rng)
    work = {T: _fwd_bwd_bytecodes(E, params, T, "linear", rng) for T in (1000, 1023, 2000, 4000)}
    assert scan_module.n_levels(1000) == scan_module.n_levels(1023) == scan_module.n_levels(2000) - 2
    assert work[1000] == work[1023]
    per_level_pair = work[2000] - work[1000]
    assert work[4000] - work[2000] == per_level_pair
    assert 0 < per_level_pair <= 400, per_level_pair
    seq = {T: _bytecodes_executed(lambda T=T: E.forward_sequential(params, rng.normal(size=(T, 2, 3))))
           for T in (1000, 1023)}
    assert seq[1023] >= seq[1000] + 23 * 20


@ENGINES
def test_scan_is_much_faster_than_the_loop_at_long_T(E):
    """A ratio of best-of-3 times (not an absolute time, so a loaded machine matters little)."""
    params, rng = make_params(E, 2, 2)
    x = rng.normal(size=(3000, 1, 2))

    def best(f):
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            f()
            times.append(time.perf_counter() - t0)
        return min(times)
    assert best(lambda: E.forward(params, x)) < 0.2 * best(lambda: E.forward_sequential(params, x))


# ------------------------------------------------------------------ validation
def _bad_cases():
    def rng():
        return np.random.default_rng(0)
    gp, lp = MINGRU.init_params(3, 4, rng()), MINLSTM.init_params(3, 4, rng())
    x = np.zeros((5, 2, 3))
    tr = MINGRU.forward(gp, x)
    return [
        ("input_size", lambda: MINGRU.init_params(0, 4, rng())),
        ("input_size", lambda: MINGRU.init_params(True, 4, rng())),
        ("hidden_size", lambda: MINLSTM.init_params(3, 2.0, rng())),
        ("rng", lambda: MINGRU.init_params(3, 4, 0)),
        ("dtype", lambda: MINGRU.init_params(3, 4, rng(), dtype=np.int64)),
        ("dtype", lambda: MINGRU.init_params(3, 4, rng(), dtype="banana")),
        ("hidden_size", lambda: MINLSTM.n_params(3, 0)),
        ("W_h", lambda: MINGRU.sizes({k: v for k, v in gp.items() if k != "W_h"})),
        ("b_z", lambda: MINGRU.sizes({**gp, "b_z": np.zeros(5)})),
        ("float32 or all float64", lambda: MINLSTM.sizes({**lp, "W_i": lp["W_i"].astype(np.float32)})),
        ("W_f", lambda: MINLSTM.forward(gp, x)),
        (r"x must have shape \(T, B, 3\)", lambda: MINGRU.forward(gp, np.zeros((5, 2, 4)))),
        ("x", lambda: MINLSTM.forward(lp, np.zeros((5, 3)))),
        ("x", lambda: MINLSTM.forward(lp, np.zeros((0, 2, 3)))),
        ("x", lambda: MINGRU.forward(gp, np.full((5, 2, 3), np.nan))),
        ("h0", lambda: MINGRU.forward(gp, x, np.zeros((2, 4)))),
        ("h0", lambda: MINLSTM.forward(lp, x, -np.ones((2, 4)))),
        ("h0", lambda: MINLSTM.forward(lp, x, np.full((2, 4), np.nan))),
        ("h0", lambda: MINGRU.forward(gp, x, np.ones((3, 4)))),
        ("h0", lambda: MINGRU.forward_sequential(gp, x, np.zeros((2, 4)))),
        ("dh", lambda: MINGRU.backward(gp, tr, np.zeros((5, 2, 3)))),
        ("trace", lambda: MINLSTM.backward(lp, tr, np.zeros((5, 2, 4)))),
        ("trace", lambda: MINGRU.backward(MINGRU.init_params(3, 5, rng()), tr, np.zeros((5, 2, 4)))),
        ("scan", lambda: MINGRU.forward(gp, x, scan="Linear")),
        ("scan", lambda: MINGRU.forward(gp, x, scan=None)),
        ("scan", lambda: MINLSTM.forward(lp, x, None, "log-space")),
        ("h0", lambda: MINLSTM.forward(lp, x, np.full((2, 4), np.inf), scan="log")),
    ]


@pytest.mark.parametrize("case", range(len(_bad_cases())))
def test_bad_inputs_raise_value_error_naming_the_argument(case):
    name, call = _bad_cases()[case]
    with pytest.raises(ValueError, match=name):
        call()


# ------------------------------------------------------------------ init, sizes, float32
@ENGINES
def test_init_params_sizes_and_n_params(E):
    p = E.init_params(3, 16, np.random.default_rng(0))
    assert set(p) == set(E.keys) and E.sizes(p) == (3, 16)
    assert sum(v.size for v in p.values()) == E.n_params(3, 16) == len(E.keys) // 2 * 16 * 4
    for k, v in p.items():
        if k.startswith("W_"):
            assert v.shape == (16, 3) and np.all(np.abs(v) <= 0.25) and np.abs(v).max() > 0.2
        else:
            assert v.shape == (16,) and not v.any()


@ENGINES
@ALL_SCANS
def test_float32_stays_float32(E, scan):
    params64, rng = make_params(E, 4, 5, seed=3)
    x64, dh64 = rng.normal(size=(1000, 2, 4)), rng.normal(size=(1000, 2, 5))
    p32 = {k: v.astype(np.float32) for k, v in params64.items()}
    assert all(v.dtype == np.float32 for v in E.init_params(4, 5, rng, dtype=np.float32).values())
    tr = E.forward(p32, x64.astype(np.float32), scan=scan)
    grads = E.backward(p32, tr, dh64.astype(np.float32))
    seq = E.forward_sequential(p32, x64.astype(np.float32))
    arrays = [tr.h, tr.h0, tr.s, seq, *gates(E, tr), *tr.pre.values(), *grads.values()]
    assert all(a.dtype == np.float32 for a in arrays)
    ref = E.forward(params64, x64).h
    assert np.max(np.abs(tr.h - ref)) <= 1e-5 and np.max(np.abs(seq - ref)) <= 1e-5
    ref_g = E.backward(params64, E.forward(params64, x64), dh64)
    for k, gr in grads.items():
        assert np.max(np.abs(gr - ref_g[k])) <= 1e-4 * max(1.0, np.max(np.abs(ref_g[k]))), k
