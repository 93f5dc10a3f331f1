"""scan.py on its own: the linear (work-efficient) and log-space scans and their adjoints against plain
loops, for every length pattern of the strided slices; underflow of the partial products is harmless."""
import numpy as np
import pytest

from lstm_helpers.engine import scan


def loop(a, b, h0):
    """The recurrence h_t = a_t h_{t-1} + b_t, one Python step per t."""
    h, out = h0, []
    for t in range(len(a)):
        h = a[t] * h + b[t]
        out.append(h)
    return np.array(out)


@pytest.mark.parametrize("T", [*range(1, 70), 511, 512, 513, 1000, 1023, 1024, 1025])
def test_linear_scan_and_adjoint_match_plain_loops_for_every_length(T):
    """Every T up to 69 and around powers of two: all the odd/even patterns of the strided slices.
    Any a (not only (0, 1)) and any-sign h0: the algebra must not depend on them."""
    rng = np.random.default_rng(T)
    a, b, h0 = rng.uniform(-1.2, 1.2, (T, 2, 3)), rng.normal(size=(T, 2, 3)), rng.normal(size=(2, 3))
    dh = rng.normal(size=(T, 2, 3))
    a_in, b_in, dh_in = a.copy(), b.copy(), dh.copy()
    ref = loop(a, b, h0)
    tol = 1e-12 * max(1.0, np.abs(ref).max())
    assert np.max(np.abs(scan.linear_scan(a, b, h0) - ref)) <= tol
    assert np.max(np.abs(scan.linear_scan(a, b) - loop(a, b, 0.0))) <= tol
    # G_t = dh_t + a_{t+1} G_{t+1}: the plain loop on reversed time
    G_ref = loop(np.concatenate([a[1:], np.zeros_like(a[:1])])[::-1], dh[::-1], 0.0)[::-1]
    G = scan.linear_adjoint(a, dh)
    assert np.max(np.abs(G - G_ref)) <= 1e-12 * max(1.0, np.abs(G_ref).max())
    assert (a == a_in).all() and (b == b_in).all() and (dh == dh_in).all()        # inputs untouched


@pytest.mark.parametrize("T", [1, 2, 7, 300, 1000])
def test_log_scan_and_adjoint_match_plain_loops(T):
    rng = np.random.default_rng(T + 1)
    a, b, h0 = rng.uniform(0.01, 0.99, (T, 2, 3)), rng.uniform(0.01, 2.0, (T, 2, 3)), rng.uniform(0.1, 2, (2, 3))
    dh = rng.normal(size=(T, 2, 3))
    ref = loop(a, b, h0)
    assert np.max(np.abs(scan.log_scan(np.log(a), np.log(b), np.log(h0)) - ref)) <= 1e-12 * np.abs(ref).max()
    G_ref = loop(np.concatenate([a[1:], np.zeros_like(a[:1])])[::-1], dh[::-1], 0.0)[::-1]
    assert np.max(np.abs(scan.log_adjoint(np.log(a), dh) - G_ref)) <= 1e-12 * max(1.0, np.abs(G_ref).max())


def test_hand_computed_three_steps():
    # h1 = 0.5·2 + 1 = 2, h2 = 0.25·2 + 0 = 0.5, h3 = 1·0.5 + 3 = 3.5
    a, b = np.array([0.5, 0.25, 1.0])[:, None, None], np.array([1.0, 0.0, 3.0])[:, None, None]
    np.testing.assert_array_equal(scan.linear_scan(a, b, np.array([[2.0]]))[:, 0, 0], [2.0, 0.5, 3.5])
    # G3 = 1, G2 = 1 + a3·G3 = 2, G1 = 1 + a2·G2 = 1.5
    np.testing.assert_array_equal(scan.linear_adjoint(a, np.ones_like(a))[:, 0, 0], [1.5, 2.0, 1.0])


def test_n_levels_is_twice_floor_log2():
    assert [scan.n_levels(T) for T in (1, 2, 3, 1000, 1023, 1024, 2000, 4000)] == [0, 2, 2, 18, 18, 20, 20, 22]


def test_underflowing_partial_products_lose_nothing_the_loop_keeps():
    """a ≈ 0.1 for 20,000 steps: the scan's partial products underflow to exactly 0 (checked on its
    own work array), and h still equals the loop's, which has lost those contributions the same way."""
    rng = np.random.default_rng(0)
    a, b = rng.uniform(0.05, 0.15, (20000, 2, 3)), rng.uniform(0.0, 1.0, (20000, 2, 3))
    work = a.copy()
    scan._linear_scan_inplace(work, np.zeros_like(work))
    assert np.count_nonzero(work == 0) > 0
    assert np.max(np.abs(scan.linear_scan(a, b, np.ones((2, 3))) - loop(a, b, np.ones((2, 3))))) <= 1e-12


def test_float32_stays_float32_and_float32_accurate():
    rng = np.random.default_rng(1)
    a, b = rng.uniform(0.5, 1.0, (1000, 2, 3)), rng.uniform(0.0, 1.0, (1000, 2, 3))
    h32 = scan.linear_scan(a.astype(np.float32), b.astype(np.float32))
    ref = loop(a, b, 0.0)
    assert h32.dtype == np.float32 and np.max(np.abs(h32 - ref)) <= 1e-6 * np.abs(ref).max()
    h32 = scan.log_scan(np.log(a).astype(np.float32), np.log(b).astype(np.float32), np.zeros((2, 3), np.float32) - 30)
    assert h32.dtype == np.float32 and np.max(np.abs(h32 - ref)) <= 1e-5 * np.abs(ref).max()
