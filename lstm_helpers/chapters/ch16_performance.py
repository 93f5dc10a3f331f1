"""Chapter 16, "How fast is a from-scratch LSTM?": the road from naive to fused, and the cost model.

The fused engine is ``lstm.forward`` / ``lstm.backward``. This module keeps the slower stepping
stones so the chapter (and ``benchmarks/bench.py``) can time each change on its own:

- ``forward_naive``: the six formulas as written, four (B, H+D) @ (H+D, H) products per step;
- ``forward_stacked``: the four gates stacked, one (B, H+D) @ (H+D, 4H) product per step;
- ``forward_hoisted``: the inputs of all steps projected at once, one (B, H) @ (H, 4H) per step;
- ``lstm.forward``: plus one tanh for all four gates and preallocated, in-place buffers;
- ``backward_per_step_weights``: BPTT that accumulates weight gradients inside the loop (the
  textbook way), against ``lstm.backward``, which does them as one product after the loop.
All return the same numbers as the engine (tested), only the time differs.

The appendix, "the machinery behind the numbers", also trains chapter 14's clipping runs again from
weights nudged in their last bit (``nudge_last_bit``, ``last_bit_copies``, ``compare_copies``).
"""
from __future__ import annotations

import timeit

import numpy as np

from lstm_helpers.chapters import ch14_bptt
from lstm_helpers.engine import lstm
from lstm_helpers.engine.activations import sigmoid
from lstm_helpers.engine.validation import check_positive_int, check_rng
from lstm_helpers.experiments.protocol import SOLVED

VARIANTS = ("naive", "stacked", "hoisted", "fused")


def forward_naive(params, x):
    """Four products per step on the concatenation [h_{t-1}, x_t].   x: (T, B, D) -> h: (T, B, H)."""
    D, H = lstm.sizes(params)
    T, B, _ = x.shape
    h, c = np.zeros((B, H), x.dtype), np.zeros((B, H), x.dtype)
    out = np.empty((T, B, H), x.dtype)
    for t in range(T):
        z = np.concatenate([h, x[t]], axis=1)
        f = sigmoid(z @ params["W_f"].T + params["b_f"])
        i = sigmoid(z @ params["W_i"].T + params["b_i"])
        g = np.tanh(z @ params["W_c"].T + params["b_c"])
        o = sigmoid(z @ params["W_o"].T + params["b_o"])
        c = f * c + i * g
        h = out[t] = o * np.tanh(c)
    return out


def forward_stacked(params, x):
    """One (B, H+D) @ (H+D, 4H) product per step.   x: (T, B, D) -> h: (T, B, H)."""
    D, H = lstm.sizes(params)
    W_h, W_x, b = lstm.stack(params)                  # order [o, f, i, c̃]
    W = np.concatenate([W_h, W_x])                    # (H+D, 4H)
    T, B, _ = x.shape
    h, c = np.zeros((B, H), x.dtype), np.zeros((B, H), x.dtype)
    out = np.empty((T, B, H), x.dtype)
    for t in range(T):
        a = np.concatenate([h, x[t]], axis=1) @ W + b
        o, f, i = (sigmoid(a[:, k * H:(k + 1) * H]) for k in range(3))
        c = f * c + i * np.tanh(a[:, 3 * H:])
        h = out[t] = o * np.tanh(c)
    return out


def forward_hoisted(params, x):
    """Inputs of all steps projected at once; one (B, H) @ (H, 4H) product per step."""
    D, H = lstm.sizes(params)
    W_h, W_x, b = lstm.stack(params)
    T, B, _ = x.shape
    ax = (x.reshape(T * B, D) @ W_x + b).reshape(T, B, 4 * H)
    h, c = np.zeros((B, H), x.dtype), np.zeros((B, H), x.dtype)
    out = np.empty((T, B, H), x.dtype)
    for t in range(T):
        a = ax[t] + h @ W_h
        o, f, i = (sigmoid(a[:, k * H:(k + 1) * H]) for k in range(3))
        c = f * c + i * np.tanh(a[:, 3 * H:])
        h = out[t] = o * np.tanh(c)
    return out


def forward_variant(name, params, x):
    """Run one of VARIANTS; returns h: (T, B, H)."""
    if name not in VARIANTS:
        raise ValueError(f"name must be one of {list(VARIANTS)}; got {name!r}")
    if name == "fused":
        return lstm.forward(params, x).h
    return {"naive": forward_naive, "stacked": forward_stacked, "hoisted": forward_hoisted}[name](params, x)


def backward_per_step_weights(params, trace, dh):
    """BPTT with the weight gradients accumulated step by step (3 extra products per step).

    Same result as ``lstm.backward`` for the weights; returns {W_*, b_*} only.
    """
    D, H = lstm.sizes(params)
    T, B, _ = trace.h.shape
    W_h, _, _ = lstm.stack(params)
    grads_W = np.zeros((H + D, 4 * H))
    h_prev = np.concatenate([trace.h0[None], trace.h[:-1]])
    c_prev = np.concatenate([trace.c0[None], trace.c[:-1]])
    dh_next, dc = np.zeros((B, H)), np.zeros((B, H))
    for t in range(T - 1, -1, -1):
        o, f, i, g = trace.o[t], trace.f[t], trace.i[t], trace.c_tilde[t]
        tc = np.tanh(trace.c[t])
        dht = dh[t] + dh_next
        dc = dc + dht * o * (1 - tc * tc)
        dz = np.concatenate([dht * tc * o * (1 - o), dc * c_prev[t] * f * (1 - f),
                             dc * g * i * (1 - i), dc * i * (1 - g * g)], axis=1)
        grads_W += np.concatenate([h_prev[t], trace.x[t]], axis=1).T @ dz
        dh_next = dz @ W_h.T
        dc = dc * f
    return {f"W_{name}": grads_W[:, k * H:(k + 1) * H].T for k, name in enumerate(lstm.GATES)}


def matmul_flops(T, B, D, H):
    """Floating-point operations in the matrix products of one LSTM forward + backward.

    Forward: 2·T·B·(H+D)·4H (inputs and recurrence); backward: twice that (the gradient with
    respect to the weights and with respect to h and x). Total 24·T·B·H·(H+D).
    """
    return 24 * T * B * H * (H + D)


def trace_bytes(T, B, D, H, itemsize=8):
    """Memory a forward trace holds: 6 arrays of (T, B, H) (four gates, C, h) plus the inputs."""
    return (6 * T * B * H + T * B * D) * itemsize


def best_ms(fn, number=5, repeat=5):
    """Milliseconds per call of fn(): the fastest of ``repeat`` runs of ``number`` calls each."""
    number, repeat = check_positive_int("number", number), check_positive_int("repeat", repeat)
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e3


def fit_slope(sizes, seconds):
    """Slope of log(seconds) against log(size): ≈ 1 means linear cost, ≈ 2 quadratic."""
    sizes, seconds = np.asarray(sizes, float), np.asarray(seconds, float)
    if sizes.shape != seconds.shape or sizes.size < 2 or np.any(sizes <= 0) or np.any(seconds <= 0):
        raise ValueError("sizes and seconds must be equal-length positive sequences of at least 2 values")
    return float(np.polyfit(np.log(sizes), np.log(seconds), 1)[0])


def comparison_rows(results):
    """Rows (shape, dtype, ours ms, torch ms, ratio, × limit, torch × limit) from a bench run."""
    rows = []
    for r in results["lstm_vs_torch"]:
        rows.append(((r["B"], r["T"], r["D"], r["H"]), r["dtype"], r["ours_ms"], r["torch_ms"], r["ratio"],
                     r["x_limit"], r["torch_x_limit"]))
    return rows


def plot_scaling(results, axes=None):
    """Log-log time vs T and vs H from a bench run, with the fitted slopes in the legend."""
    from lstm_helpers.figures.style import label, new_figure

    s = results["scaling"]
    if axes is None:
        fig, axes = new_figure(1, 2, height=3)
    for ax, key, name, slope in ((axes[0], "T", "sequence length T", s["slope_T"]),
                                 (axes[1], "H", "hidden size H", s["slope_H"])):
        ax.loglog(s[key], s[f"seconds_vs_{key}"], "o-", label=f"measured (slope {slope:.2f})")
        ref = np.asarray(s[key], float)
        power = 1 if key == "T" else 2
        ax.loglog(ref, s[f"seconds_vs_{key}"][0] * (ref / ref[0]) ** power, "--", color="grey",
                  label=f"∝ {key}^{power}")
        label(ax, f"Cost vs {key}", name, "forward + backward (s)")
        ax.legend(fontsize=8)
    return axes


def allocation_share(row):
    """Share of our fwd+bwd time that goes to fetching fresh memory from the OS (page faults):
    1 − (time with freed memory kept) / (time as is), from one row of a bench run."""
    return 1.0 - row["ours_kept_ms"] / row["ours_ms"]


def matmul_share(entry):
    """Share of one forward + backward that the matrix products alone take, from one "breakdown" entry
    of a bench run: matmuls_only_ms / (forward_ms + backward_ms)."""
    return entry["matmuls_only_ms"] / (entry["forward_ms"] + entry["backward_ms"])


_SHAPE = "(B, T, D, H)"          # the column header of every table in report()


def report(results):
    """The stored benchmark run as text: machine, ours vs PyTorch, variants, breakdown, scaling, training.

    Lines stay within the book's code column (76 characters, apart from a long platform name):
    the results are several narrow tables, each under a title line, one row per (shape, dtype).
    """
    m = results["machine"]
    peak = results["peak_gflops"]
    torch_version = f"torch {m['torch']} ({m['torch_threads']} threads)"
    rows = [f"machine: {m['platform']}",
            f"  {m['cpus']} CPUs, numpy {m['numpy']}, {torch_version}",
            f"peak matmul: float64 {peak['float64']:.0f} GFLOP/s, float32 {peak['float32']:.0f} GFLOP/s"]
    comparison = comparison_rows(results)
    rows += ["", "forward + backward, ours and PyTorch's nn.LSTM:",
             f"{_SHAPE:<20}{'dtype':<9}{'ours ms':>7}{'torch ms':>10}{'ours/torch':>12}"]
    for shape, dtype, ours, torch, ratio, _, _ in comparison:
        rows.append(f"{str(shape):<20}{dtype:<9}{ours:>7.2f}{torch:>10.2f}{ratio:>12.2f}")
    rows += ["", "the same times divided by the floor (the products at peak rate):",
             f"{_SHAPE:<20}{'dtype':<9}{'ours x floor':>12}{'torch x floor':>15}"]
    for shape, dtype, _, _, _, x_lim, t_lim in comparison:
        rows.append(f"{str(shape):<20}{dtype:<9}{x_lim:>12.2f}{t_lim:>15.2f}")
    kept = [r for r in results["lstm_vs_torch"] if "ours_kept_ms" in r]
    if kept:
        rows += ["", "ours with freed memory kept (allocation: the share of ours it saves):",
                 f"{_SHAPE:<20}{'dtype':<9}{'kept ms':>7}{'allocation':>12}{'trace MB':>10}"]
    for r in kept:
        trace_mb = trace_bytes(r["T"], r["B"], r["D"], r["H"], np.dtype(r["dtype"]).itemsize) / 1e6
        shape = (r["B"], r["T"], r["D"], r["H"])
        rows.append(f"{str(shape):<20}{r['dtype']:<9}{r['ours_kept_ms']:>7.2f}"
                    f"{allocation_share(r):>12.0%}{trace_mb:>10.1f}")
    v = results["variants_ms"]
    rows += ["", "forward, (32, 50, 16, 64) float64, ms:",
             "  " + ", ".join(f"{k} {v[k]:.2f}" for k in VARIANTS),
             f"backward: weight gradients per step {v['backward_per_step_weights']:.2f} ms, "
             f"after the loop {v['backward_fused']:.2f} ms"]
    breakdown = results.get("breakdown", [])
    shapes = [(r["B"], r["T"], r["D"], r["H"]) for r in results["lstm_vs_torch"]]
    if len(shapes) != len(breakdown):          # bench.py times the same shapes in the same order
        shapes = [""] * len(breakdown)
    if breakdown:
        rows += ["", "breakdown, ms; products: the matrix products alone (share of the total)",
                 f"{_SHAPE:<20}{'dtype':<9}{'forward':>8}{'backward':>10}{'products':>13}"]
    for shape, b in zip(shapes, breakdown):
        products = f"{b['matmuls_only_ms']:.2f} ({matmul_share(b):.0%})"
        rows.append(f"{str(shape):<20}{b['dtype']:<9}{b['forward_ms']:>8.2f}"
                    f"{b['backward_ms']:>10.2f}{products:>13}")
    s = results["scaling"]
    rows += ["", f"cost vs T: slope {s['slope_T']:.2f}; cost vs H: slope {s['slope_H']:.2f}"]
    if "adding_problem" in results:
        a = results["adding_problem"]
        # papers.adding_until_solved stores its threshold; runs stored before it did used its default,
        # the book's solved line
        criterion = a.get("threshold", SOLVED["adding"])
        rows.append(f"adding problem T={a['T']}: solved={a['solved']} "
                    f"(test MSE {a['test_mse']:.4f}, criterion < {criterion})")
        rows.append(f"  after {a['sequences']:,} sequences in {a['seconds']:.1f} s")
    if "notebooks" in results:
        rows.append(f"whole book executed: {results['notebooks']['total_s']:.0f} s")
    if results.get("sliders"):
        worst = max(results["sliders"].values(), key=lambda r: r["median_ms"])
        rows.append("slider update (compute + redraw), slowest explorer:")
        rows.append(f"  median {worst['median_ms']:.1f} ms, p95 {worst['p95_ms']:.1f} ms")
    return "\n".join(rows)


# -- the appendix: last-bit differences in chapter 14's clipping runs ---------------------------


def nudge_last_bit(params, rng):
    """Every entry moved to the next float up or down, or left alone (one third each, at random).

    A change of one unit in the last place: the size of the differences between two CPUs'
    arithmetic kernels. Returns a new dict in the same dtypes; ``params`` is not changed.
    """
    check_rng("rng", rng)
    out = {}
    for k, v in params.items():
        u = rng.integers(-1, 2, size=np.shape(v))                  # −1, 0 or +1
        towards = np.where(u > 0, np.inf, -np.inf).astype(v.dtype)
        out[k] = np.where(u == 0, v, np.nextafter(v, towards))
    return out


def last_bit_copies(clip, copies=12, **setting):
    """``ch14_bptt.clipping_experiment(clip, **setting)`` and ``copies`` copies of it whose initial
    weights went through ``nudge_last_bit`` (the rng of copy k seeded with k), all else the same.

    Returns (the original run, [the copies' runs]).
    """
    copies = check_positive_int("copies", copies)
    original = ch14_bptt.clipping_experiment(clip, **setting)
    return original, [
        ch14_bptt.clipping_experiment(
            clip, **setting, perturb=lambda p, k=k: nudge_last_bit(p, np.random.default_rng(k)))
        for k in range(copies)]


def compare_copies(original, copies):
    """How far copies moved from the original run: (the largest relative change of a gradient norm,
    over copies and steps; True if every copy has the original's spike ratio, rounded to an
    integer, and its test accuracy)."""
    change = max(float(np.max(np.abs(c["grad_norm"] - original["grad_norm"]) / original["grad_norm"]))
                 for c in copies)
    same = all(round(c["spike_ratio"]) == round(original["spike_ratio"])
               and c["accuracy"] == original["accuracy"] for c in copies)
    return change, same
