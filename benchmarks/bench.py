"""`make bench`: our numpy LSTM against PyTorch on the CPU and against this machine's matmul limit.

    python benchmarks/bench.py [--quick] [--out benchmarks/results/latest.json] [--skip-notebooks]

Prints one table and writes it as JSON. Timings are noisy: every ratio compares two numbers
measured in the same run, alternating ours and PyTorch's, median of repeated runs.
--quick uses tiny sizes and skips the slow parts (used by the tests so this script never rots).
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import subprocess
import sys
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lstm_helpers.chapters import ch15_papers as ch15  # noqa: E402
from lstm_helpers.chapters import ch16_performance as ch16
from lstm_helpers.engine import lstm  # noqa: E402
from lstm_helpers.experiments import runner  # noqa: E402


def median_time(fn, repeats, warmup=2):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return float(np.median(times))


def peak_gflops(dtype, n):
    """Measured peak matrix-multiply rate (GFLOP/s) on n x n matrices."""
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((n, n)).astype(dtype), rng.standard_normal((n, n)).astype(dtype)
    return 2 * n ** 3 / median_time(lambda: a @ b, 5) / 1e9


def time_side(side, B, T, D, H, dtype, repeats):
    """Median seconds of one LSTM forward+backward: side "ours" or "torch" (runs in this process)."""
    rng = np.random.default_rng(0)
    p = lstm.init_params(D, H, rng, dtype=dtype)
    x, dh = rng.standard_normal((T, B, D)).astype(dtype), rng.standard_normal((T, B, H)).astype(dtype)
    if side == "ours":
        return median_time(lambda: lstm.backward(p, lstm.forward(p, x), dh), repeats)
    import torch

    from lstm_helpers.interop import torch_bridge

    m = torch_bridge.make_torch_lstm(p)
    xt, dht = torch.tensor(x, requires_grad=True), torch.tensor(dh)

    def run():
        m.zero_grad()
        out, _ = m(xt)
        out.backward(dht)

    return median_time(run, repeats)


# glibc returns large freed blocks to the OS and faults them in again on the next call; these two
# settings make it keep them. Timing our engine both ways measures what allocation costs it.
KEEP_MEMORY = {"MALLOC_TRIM_THRESHOLD_": str(2 ** 30), "MALLOC_MMAP_THRESHOLD_": str(32 * 2 ** 20)}


def lstm_vs_torch(B, T, D, H, dtype, repeats, rounds):
    """Ours vs torch.nn.LSTM, each timed in its own fresh process, alternating for ``rounds``.

    Separate processes keep the two libraries' thread pools (OpenBLAS, OpenMP) from spinning
    against each other on a 2-core machine; alternating rounds spread load changes over both.
    "ours_kept" is our engine again with glibc told to keep freed memory (KEEP_MEMORY).
    """
    times = {"ours": [], "torch": [], "ours_kept": []}
    for _ in range(rounds):
        for side in times:
            cmd = [sys.executable, __file__, "--worker", side.split("_")[0], "--shape", f"{B},{T},{D},{H}",
                   "--dtype", np.dtype(dtype).name, "--repeats", str(repeats)]
            env = {**os.environ, **KEEP_MEMORY} if side == "ours_kept" else None
            out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
            times[side].append(float(out.strip().splitlines()[-1]))
    a, b, k = (float(np.median(times[s])) for s in ("ours", "torch", "ours_kept"))
    return {"B": B, "T": T, "D": D, "H": H, "dtype": np.dtype(dtype).name, "ours_ms": a * 1e3,
            "torch_ms": b * 1e3, "ratio": a / b, "ours_kept_ms": k * 1e3,
            "flops": ch16.matmul_flops(T, B, D, H)}


def variants(B, T, D, H, repeats):
    rng = np.random.default_rng(0)
    p = lstm.init_params(D, H, rng)
    x = rng.standard_normal((T, B, D))
    dh = rng.standard_normal((T, B, H))
    out = {name: median_time(lambda n=name: ch16.forward_variant(n, p, x), repeats) * 1e3
           for name in ch16.VARIANTS}
    tr = lstm.forward(p, x)
    out["backward_per_step_weights"] = median_time(lambda: ch16.backward_per_step_weights(p, tr, dh), repeats) * 1e3
    out["backward_fused"] = median_time(lambda: lstm.backward(p, tr, dh), repeats) * 1e3
    return out


def breakdown(B, T, D, H, dtype, repeats):
    """Where one forward+backward spends its time: the matrix products alone vs everything."""
    rng = np.random.default_rng(0)
    p = lstm.init_params(D, H, rng, dtype=dtype)
    x, dh = rng.standard_normal((T, B, D)).astype(dtype), rng.standard_normal((T, B, H)).astype(dtype)
    W_h, W_x, _ = lstm.stack(p)
    h, big = rng.standard_normal((B, H)).astype(dtype), rng.standard_normal((T * B, 4 * H)).astype(dtype)
    hx = rng.standard_normal((H + D, T * B)).astype(dtype)
    x2 = x.reshape(T * B, D)

    def products():
        x2 @ W_x                                          # input projection
        for _ in range(T):
            h @ W_h                                       # forward recurrence
            big[:B] @ W_h.T                               # backward recurrence
        hx @ big                                          # weight gradients
        big @ W_x.T                                       # input gradients

    tr = lstm.forward(p, x)
    return {"dtype": np.dtype(dtype).name, "forward_ms": median_time(lambda: lstm.forward(p, x), repeats) * 1e3,
            "backward_ms": median_time(lambda: lstm.backward(p, tr, dh), repeats) * 1e3,
            "matmuls_only_ms": median_time(products, repeats) * 1e3}


def scaling(B, D, Ts, Hs, repeats):
    rng = np.random.default_rng(0)

    def run(T, H):
        p = lstm.init_params(D, H, rng)
        x, dh = rng.standard_normal((T, B, D)), rng.standard_normal((T, B, H))
        return median_time(lambda: lstm.backward(p, lstm.forward(p, x), dh), repeats)

    t_T = [run(T, 64) for T in Ts]
    t_H = [run(50, H) for H in Hs]
    return {"T": Ts, "seconds_vs_T": t_T, "slope_T": ch16.fit_slope(Ts, t_T),
            "H": Hs, "seconds_vs_H": t_H, "slope_H": ch16.fit_slope(Hs, t_H),
            "trace_bytes_vs_T": [ch16.trace_bytes(T, B, D, 64) for T in Ts]}


def notebook_times():
    import nbformat
    from nbclient import NotebookClient

    times = {}
    for path in sorted((ROOT / "book").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        t = time.perf_counter()
        NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
        times[path.name] = time.perf_counter() - t
    return {"per_notebook_s": times, "total_s": sum(times.values())}


def slider_latency(n=100):
    """Median and p95 of n explorer updates (compute + redraw to PNG, Agg backend)."""
    import importlib
    import pkgutil

    import matplotlib

    matplotlib.use("Agg")
    import lstm_helpers
    from lstm_helpers.explorers.explorer import Explorer

    out = {}
    for mod in pkgutil.iter_modules(lstm_helpers.__path__):
        module = importlib.import_module(f"lstm_helpers.{mod.name}")
        for name in dir(module):
            fn = getattr(module, name)
            if not (callable(fn) and (name == "explorer" or name.endswith("_explorer"))):
                continue
            try:
                e = fn()
            except TypeError:
                continue  # needs arguments
            if not isinstance(e, Explorer):
                continue
            grids = [s.grid() for s in e.sliders]
            rng = np.random.default_rng(0)
            e.render_png()
            times = []
            for _ in range(n):
                values = {s.name: float(rng.choice(g)) for s, g in zip(e.sliders, grids)}
                t = time.perf_counter()
                e.render_png(**values)
                times.append(time.perf_counter() - t)
            out[f"{mod.name}.{name}"] = {"median_ms": float(np.median(times) * 1e3),
                                         "p95_ms": float(np.percentile(times, 95) * 1e3)}
    return out


def machine():
    import torch

    return {**runner.machine_info(), "torch": torch.__version__, "torch_threads": torch.get_num_threads()}


def table(res):
    """The run as text (the same report chapter 16 prints from the stored run)."""
    return ch16.report(res)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--skip-notebooks", action="store_true")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "latest.json"))
    ap.add_argument("--worker", choices=["ours", "torch"], help=argparse.SUPPRESS)
    ap.add_argument("--shape", help=argparse.SUPPRESS)
    ap.add_argument("--dtype", help=argparse.SUPPRESS)
    ap.add_argument("--repeats", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:  # one side of lstm_vs_torch, in a fresh process
        print(time_side(args.worker, *map(int, args.shape.split(",")), np.dtype(args.dtype), args.repeats))
        return None
    q = args.quick
    shapes = [(4, 5, 3, 8)] if q else [(32, 50, 16, 64), (64, 100, 32, 128)]
    reps = 3 if q else 30
    res = {"machine": machine(), "quick": q}
    res["peak_gflops"] = {d: peak_gflops(d, 128 if q else 2048) for d in ("float64", "float32")}
    res["lstm_vs_torch"] = []
    for shape in shapes:
        for dtype in (np.float64, np.float32):
            r = lstm_vs_torch(*shape, dtype, reps, rounds=1 if q else 3)
            floor = r["flops"] / (res["peak_gflops"][r["dtype"]] * 1e9) * 1e3
            r.update(floor_ms=floor, x_limit=r["ours_ms"] / floor, torch_x_limit=r["torch_ms"] / floor)
            res["lstm_vs_torch"].append(r)
    res["variants_ms"] = variants(*(shapes[0]), reps)
    res["breakdown"] = [breakdown(*shape, dt, reps) for shape in shapes for dt in (np.float64, np.float32)]
    res["scaling"] = scaling(4 if q else 32, 16, [5, 10, 20] if q else [25, 50, 100, 200, 400],
                             [8, 16, 32] if q else [32, 64, 128, 256], reps if q else 10)
    res["sliders"] = slider_latency(5 if q else 100)
    if not q:
        res["adding_problem"] = ch15.adding_until_solved(T=100, max_sequences=60_000)
        if not args.skip_notebooks:
            res["notebooks"] = notebook_times()
    out = pathlib.Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=1))
    print(table(res))
    print(f"written: {out}")
    return res


if __name__ == "__main__":
    main()
