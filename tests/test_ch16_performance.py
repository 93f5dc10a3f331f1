import importlib.util
import pathlib
import time

import numpy as np
import pytest

from lstm_helpers.chapters import ch16_performance as ch16
from lstm_helpers.engine import lstm
from lstm_helpers.experiments.results import load

ROOT = pathlib.Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", ch16.VARIANTS)
def test_every_forward_variant_computes_the_same_h(rng, name):
    p = {k: v + 0.3 * rng.standard_normal(v.shape) for k, v in lstm.init_params(3, 5, rng).items()}
    x = rng.standard_normal((7, 4, 3))
    np.testing.assert_allclose(ch16.forward_variant(name, p, x), lstm.forward(p, x).h, atol=1e-13, rtol=0)


def test_per_step_weight_gradients_equal_the_fused_backward(rng):
    p = {k: v + 0.3 * rng.standard_normal(v.shape) for k, v in lstm.init_params(3, 5, rng).items()}
    x, dh = rng.standard_normal((6, 2, 3)), rng.standard_normal((6, 2, 5))
    tr = lstm.forward(p, x)
    slow, fast = ch16.backward_per_step_weights(p, tr, dh), lstm.backward(p, tr, dh)
    for k in slow:
        np.testing.assert_allclose(slow[k], fast[k], atol=1e-12, rtol=0)


def test_flop_count_matches_the_products_written_out():
    T, B, D, H = 3, 4, 5, 6
    fwd = 2 * T * B * D * 4 * H + 2 * T * B * H * 4 * H                 # X @ W_x, h @ W_h
    bwd = 2 * T * B * 4 * H * H + 2 * T * B * 4 * H * (H + D) + 2 * T * B * 4 * H * D   # dh, dW, dx
    assert ch16.matmul_flops(T, B, D, H) == fwd + bwd


def test_trace_bytes_matches_a_real_trace(rng):
    T, B, D, H = 9, 3, 2, 4
    tr = lstm.forward(lstm.init_params(D, H, rng), rng.standard_normal((T, B, D)))
    held = tr.gates.nbytes + tr.c.nbytes + tr.h.nbytes + tr.x.nbytes
    assert ch16.trace_bytes(T, B, D, H) == held


def test_fit_slope_recovers_powers():
    n = np.array([10, 20, 40, 80])
    assert ch16.fit_slope(n, 3e-6 * n ** 2) == pytest.approx(2.0)
    with pytest.raises(ValueError, match="positive"):
        ch16.fit_slope([1, 2], [0.0, 1.0])
    with pytest.raises(ValueError, match="name must be one of"):
        ch16.forward_variant("fastest", {}, np.zeros((1, 1, 1)))


@pytest.fixture(scope="module")
def quick_bench(tmp_path_factory):
    """One ``make bench`` run in its quick mode (benchmarks/bench.py --quick), shared by the tests below:
    (its result dict, the JSON file it wrote)."""
    spec = importlib.util.spec_from_file_location("bench", ROOT / "benchmarks" / "bench.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    out = tmp_path_factory.mktemp("bench") / "r.json"
    return bench.main(["--quick", "--out", str(out)]), out


def test_bench_script_quick_smoke_run(quick_bench):
    res, out = quick_bench
    assert out.is_file()
    assert {r["dtype"] for r in res["lstm_vs_torch"]} == {"float64", "float32"}
    assert all(r["ours_ms"] > 0 and r["x_limit"] > 0 for r in res["lstm_vs_torch"])
    assert set(res["variants_ms"]) >= set(ch16.VARIANTS)


def test_report_reads_a_quick_bench_run(quick_bench, tmp_path):
    text = ch16.report(load(quick_bench[1], require=None))
    assert "ours/torch" in text and "naive" in text and "slope" in text
    with pytest.raises(ValueError, match="does not exist"):
        load(tmp_path / "missing.json")


def test_allocation_share_by_hand():
    assert ch16.allocation_share({"ours_ms": 10.0, "ours_kept_ms": 6.0}) == pytest.approx(0.4)


def test_matmul_share_by_hand():
    assert ch16.matmul_share({"forward_ms": 2.0, "backward_ms": 3.0, "matmuls_only_ms": 2.0}) == 0.4


def table_under(lines, title):
    """The rows of the report's table whose title line starts with ``title`` (header skipped)."""
    start = next(k for k, line in enumerate(lines) if line.startswith(title)) + 2
    end = lines.index("", start) if "" in lines[start:] else len(lines)
    return lines[start:end]


def test_report_prints_the_stored_runs_criterion_shares_and_trace_sizes():
    results = load(ROOT / "benchmarks" / "reference_run.json", require=None)
    text = ch16.report(results)
    lines = text.splitlines()
    assert f"(test MSE {results['adding_problem']['test_mse']:.4f}, criterion < 0.01)" in text
    first = results["breakdown"][0]
    breakdown = table_under(lines, "breakdown")
    assert len(breakdown) == len(results["breakdown"])
    assert breakdown[0].startswith(f"(32, 50, 16, 64)    {first['dtype']}")
    share = ch16.matmul_share(first)
    assert breakdown[0].endswith(f"{first['matmuls_only_ms']:.2f} ({share:.0%})")
    kept = table_under(lines, "ours with freed memory kept")
    # trace_bytes(50, 32, 16, 64) = 5.12e6 bytes: the last column, in MB
    assert kept[0].startswith("(32, 50, 16, 64)") and kept[0].split()[-1] == "5.1"


def test_report_fits_the_books_code_column_with_every_column_shown():
    results = load(ROOT / "benchmarks" / "reference_run.json", require=None)
    lines = ch16.report(results).splitlines()
    assert max(len(line) for line in lines) <= 76      # 77 characters fit the page at 1280 px
    header = lines[lines.index("forward + backward, ours and PyTorch's nn.LSTM:") + 1]
    assert header.split()[-1] == "ours/torch"
    ratios = [float(row.split()[-1]) for row in table_under(lines, "forward + backward")]
    assert ratios == pytest.approx([r["ratio"] for r in results["lstm_vs_torch"]], abs=0.005)
    floors = table_under(lines, "the same times divided by the floor")
    assert [float(row.split()[-2]) for row in floors] == pytest.approx(
        [r["x_limit"] for r in results["lstm_vs_torch"]], abs=0.005)


# -- the appendix: last-bit copies of chapter 14's clipping runs ------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_nudge_last_bit_moves_each_number_by_at_most_one_unit_in_the_last_place(dtype):
    rng = np.random.default_rng(0)
    p = {"W": rng.standard_normal((30, 20)).astype(dtype), "b": np.ones(50, dtype=dtype)}
    before = {k: v.copy() for k, v in p.items()}
    q = ch16.nudge_last_bit(p, np.random.default_rng(1))
    for k in p:
        np.testing.assert_array_equal(p[k], before[k])                  # the input is not changed
        assert q[k].dtype == dtype
        step = np.abs(q[k] - p[k])
        assert np.all(step <= np.spacing(np.abs(p[k])))
        assert 0 < np.count_nonzero(step) < step.size                   # u = 0 leaves some alone


def test_a_nudged_copy_starts_like_the_original_and_then_differs_in_its_last_bits():
    a, (b,) = ch16.last_bit_copies(1.0, copies=1, steps=10, hidden=8)
    np.testing.assert_allclose(b["grad_norm"], a["grad_norm"], rtol=1e-9)
    assert not np.array_equal(b["grad_norm"], a["grad_norm"])
    # copy k uses the rng seeded with k: the same copy twice is the same run
    _, (c,) = ch16.last_bit_copies(1.0, copies=1, steps=10, hidden=8)
    np.testing.assert_array_equal(b["grad_norm"], c["grad_norm"])


def test_compare_copies_by_hand():
    original = {"grad_norm": np.array([1.0, 2.0]), "spike_ratio": 1.4, "accuracy": 0.5}
    near = {"grad_norm": np.array([1.0, 2.002]), "spike_ratio": 1.3, "accuracy": 0.5}
    far = {"grad_norm": np.array([1.5, 2.0]), "spike_ratio": 1.4, "accuracy": 0.6}
    assert ch16.compare_copies(original, [near]) == (pytest.approx(0.001), True)
    assert ch16.compare_copies(original, [near, far]) == (pytest.approx(0.5), False)


def test_bad_input_of_the_appendix():
    with pytest.raises(ValueError, match="rng must be a numpy Generator"):
        ch16.nudge_last_bit({}, 0)
    with pytest.raises(ValueError, match="copies must be an integer >= 1"):
        ch16.last_bit_copies(1.0, copies=0)


def test_best_ms_is_the_fastest_run_per_call():
    calls = []
    ms = ch16.best_ms(lambda: calls.append(time.sleep(0.002)), number=2, repeat=3)
    assert len(calls) == 6 and 2.0 <= ms < 50.0
    with pytest.raises(ValueError, match="number must be an integer >= 1"):
        ch16.best_ms(lambda: None, number=0)
