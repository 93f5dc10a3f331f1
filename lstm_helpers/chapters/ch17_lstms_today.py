"""Chapter 17, "Where LSTMs stand today": the sequential bottleneck measured (minLSTM and minGRU by a
parallel scan against the engine's LSTM loop), attention on the recall task and its price for streaming,
and the stored protocol runs of all three beside the LSTM, GRU and RNN.

Timings depend on the machine: the functions return them and the page prints them outside its checked
cells; the checked cells print only facts that hold on any machine (equalities, byte counts, generous
ratios).
"""
from __future__ import annotations

import time

import numpy as np

from lstm_helpers.engine import attention, gradcheck, lstm
from lstm_helpers.engine.minrnn import MINGRU, MINLSTM
from lstm_helpers.engine.validation import check_positive_int
from lstm_helpers.experiments import protocol, results
from lstm_helpers.figures.style import PALETTE, label, new_figure

ENGINES = {"lstm": lstm, "minlstm": MINLSTM, "mingru": MINGRU}
NAMES = {"lstm": "LSTM (loop)", "minlstm": "minLSTM (scan)", "mingru": "minGRU (scan)"}
COLORS = {"lstm": PALETTE[0], "minlstm": PALETTE[1], "mingru": PALETTE[2], "attention": PALETTE[3]}
LIVE = ("minlstm", "mingru", "attention", "lstm_f3_i-3")
# The stored table: the three newcomers; the LSTM and GRU at their default (zero) biases, as the newcomers
# start, and at the biases that keep memory from the start; the RNN family.
STORED = protocol.TODAY + ("lstm_f0_i0", "lstm_f3_i-3", "gru", "gru_z3") + protocol.FAMILIES["RNN"]
SETTINGS = (("recall", 20), ("recall", 50), ("recall", 100), ("adding", 100))
REQUIRED = {"minlstm": SETTINGS, "mingru": SETTINGS, "attention": SETTINGS[:3]}


# ---------------------------------------------------------------- the scan, by hand and checked
def scan_levels(a, b):
    """linear_scan's work on a tiny example, level by level: a, b (T,) -> list of (what, b copy).

    The same loops as ``scan._linear_scan_inplace`` (h_0 = 0), recording b after each level that
    changes something (for some T a down-sweep level has no element to update).
    """
    a, b = np.array(a, dtype=float), np.array(b, dtype=float)
    if a.ndim != 1 or a.shape != b.shape or a.size < 1:
        raise ValueError(f"a and b must be 1-D arrays of the same length >= 1; got shapes {a.shape}, {b.shape}")
    out, T, d = [("start", b.copy())], a.size, 1
    while 2 * d <= T:
        t, prev = slice(2 * d - 1, T, 2 * d), slice(d - 1, T - d, 2 * d)
        b[t] += a[t] * b[prev]
        a[t] *= a[prev]
        out.append((f"up, d = {d}", b.copy()))
        d *= 2
    while d > 1:
        d //= 2
        t, prev = slice(3 * d - 1, T, 2 * d), slice(2 * d - 1, T - d, 2 * d)
        b[t] += a[t] * b[prev]
        if b[t].size:
            out.append((f"down, d = {d}", b.copy()))
    return out


def _params(E, D, H, rng, scale=3.0):
    """Engine init with weights ×scale (gates far from 0.5) and N(0, 1) biases."""
    p = E.init_params(D, H, rng)
    return {k: v * scale if k.startswith("W_") else rng.normal(size=v.shape) for k, v in p.items()}


def scan_checks(T=1000, B=4, D=17, H=32, seed=0):
    """max |h(scan) − h(loop)| in float64 for minLSTM and minGRU, by both scans, at T steps:
    {(model, scan): error}."""
    rng = np.random.default_rng(seed)
    out = {}
    for name, E in (("minlstm", MINLSTM), ("mingru", MINGRU)):
        p, x = _params(E, D, H, rng), rng.normal(size=(check_positive_int("T", T), B, D))
        loop = E.forward_sequential(p, x)
        for s in ("linear", "log"):
            out[name, s] = float(np.max(np.abs(E.forward(p, x, scan=s).h - loop)))
    return out


def gradient_checks(T=8, B=2, D=3, H=4, seed=0):
    """Relative error (‖analytic − numeric‖ / (‖analytic‖ + ‖numeric‖), central differences) of the
    backward through each scan, the largest over every parameter, x and h0: {(model, scan): error}."""
    rng = np.random.default_rng(seed)
    out = {}
    for name, E in (("minlstm", MINLSTM), ("mingru", MINGRU)):
        p = _params(E, D, H, rng)
        x, h0, w = rng.normal(size=(T, B, D)), rng.uniform(0.2, 2.0, (B, H)), rng.normal(size=(T, B, H))
        for s in ("linear", "log"):
            grads = E.backward(p, E.forward(p, x, h0, scan=s), w)
            errs = gradcheck.gradcheck(lambda: float(np.sum(w * E.forward(p, x, h0, scan=s).h)),
                                       {**p, "x": x, "h0": h0}, grads)
            out[name, s] = max(errs.values())
    return out


# ---------------------------------------------------------------- time per training batch
def _timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def batch_times(Ts=(100, 300, 1000), batches=(32, 1), D=17, H=32, repeats=5, seed=0):
    """Median seconds of one forward + backward (a training batch without the optimiser) of the engine's
    LSTM and of minLSTM, minGRU (linear scan), float64, and of minGRU's forward by scan and by its
    step-by-step loop. The repeats of all of them for one (B, T) are interleaved, so a change in the
    machine's load hits each alike. Returns a list of {"B", "T", "lstm", "minlstm", "mingru",
    "mingru_fwd_scan", "mingru_fwd_loop"}."""
    repeats = check_positive_int("repeats", repeats)
    rng = np.random.default_rng(seed)
    params = {k: E.init_params(D, H, rng) for k, E in ENGINES.items()}
    rows = []
    for B in batches:
        for T in Ts:
            x, dh = rng.normal(size=(T, B, D)), rng.normal(size=(T, B, H))
            jobs = {k: (lambda E=E, p=params[k]: E.backward(p, E.forward(p, x), dh)) for k, E in ENGINES.items()}
            jobs["mingru_fwd_scan"] = lambda: MINGRU.forward(params["mingru"], x)
            jobs["mingru_fwd_loop"] = lambda: MINGRU.forward_sequential(params["mingru"], x)
            times = {k: [] for k in jobs}
            for _ in range(repeats):
                for k, fn in jobs.items():
                    times[k].append(_timed(fn))
            rows.append({"B": B, "T": T, **{k: float(np.median(v)) for k, v in times.items()}})
    return rows


def format_times(rows):
    """The rows of batch_times as a text table in milliseconds (≤ 76 characters a line)."""
    lines = [f"{'B':>3}{'T':>6}{'LSTM':>9}{'minLSTM':>9}{'minGRU':>9}   minGRU forward: scan / loop",
             f"{'':>9}{'loop':>9}{'scan':>9}{'scan':>9}"]
    for r in rows:
        lines.append(f"{r['B']:>3}{r['T']:>6}{1e3 * r['lstm']:>9.2f}{1e3 * r['minlstm']:>9.2f}"
                     f"{1e3 * r['mingru']:>9.2f}   {1e3 * r['mingru_fwd_scan']:>7.2f} / "
                     f"{1e3 * r['mingru_fwd_loop']:.2f}")
    return "\n".join(lines)


def timing_facts(rows, T=1000):
    """Facts from batch_times that hold with a wide margin on a loaded 2-core machine (measured there
    5–10×, 30–50× and about 10×): at B = 1 minGRU's scan (forward + backward) is at least 3× faster
    than the LSTM's loop, and its forward at least 5× faster than its own loop; the LSTM at B = 32
    takes at least 3× its time at B = 1 (so at B = 32 most of the loop's time grows with B)."""
    r = {row["B"]: row for row in rows if row["T"] == T}
    if not {1, 32} <= set(r):
        raise ValueError(f"rows must hold B = 1 and B = 32 at T = {T} (from batch_times); got {sorted(r)}")
    return {"scan_3x_lstm_b1": r[1]["lstm"] >= 3 * r[1]["mingru"],
            "scan_5x_loop_b1": r[1]["mingru_fwd_loop"] >= 5 * r[1]["mingru_fwd_scan"],
            "lstm_b32_3x_b1": r[32]["lstm"] >= 3 * r[1]["lstm"]}


def _plain_log_ticks(axis):
    """Ticks at 1, 2, 5 × 10^k labelled as plain numbers, no minor ticks (which triple the drawing time)."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullLocator

    axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    axis.set_minor_locator(NullLocator())
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))


def plot_times(rows, axes=None):
    """Forward + backward time against T (log-log), one panel per batch size."""
    batches = sorted({r["B"] for r in rows}, reverse=True)
    if axes is None:
        _, axes = new_figure(1, len(batches), height=3.0, squeeze=False)
        axes = axes[0]
    for ax, B in zip(axes, batches):
        rs = [r for r in rows if r["B"] == B]
        for k in ENGINES:
            ax.loglog([r["T"] for r in rs], [1e3 * r[k] for r in rs], "o-", color=COLORS[k], label=NAMES[k])
        _plain_log_ticks(ax.yaxis)
        ax.set_xticks([r["T"] for r in rs], [str(r["T"]) for r in rs])
        label(ax, f"$B = {B}$", "sequence length $T$", "forward + backward (ms)")
        ax.legend(fontsize=8)
    return axes


# ---------------------------------------------------------------- the price of streaming
def fill_cache(params, tokens, capacity):
    """A KV cache (attention.kv_cache) holding ``tokens`` (n, B, V): their keys and values computed at
    once (they do not depend on each other), the same numbers n calls of attention.step store."""
    n, B, _ = tokens.shape
    d = params["W_k"].shape[0]
    cache = attention.kv_cache(capacity, B, d, params["E"].dtype)
    e = tokens @ params["E"] + attention.positions(n, d, dtype=params["E"].dtype)[:, None, :]   # (n, B, d)
    cache["K"][:, :n] = np.swapaxes(e @ params["W_k"].T, 0, 1)
    cache["V"][:, :n] = np.swapaxes(e @ params["W_v"].T, 0, 1)
    cache["n"] = n
    return cache


def streaming_cost(ts=(1, 10, 100, 1000, 3000, 10000), d=32, H=32, repeats=30, seed=0):
    """Per new token of one stream (B = 1, float64): attention with a preallocated KV cache holding the
    t − 1 tokens before (attention.step) against one LSTM step (lstm.step), both without the read-out.

    Returns {"t", "attention_s", "lstm_s" (median seconds of ``repeats``, interleaved), "attention_bytes"
    (the cache after token t: 2·t·d·8), "lstm_bytes" (h and C: 2·H·8)}, arrays over ts.
    """
    ts = sorted(check_positive_int("ts", t) for t in ts)
    rng = np.random.default_rng(seed)
    V = protocol.V_RECALL
    att, lp = attention.init_params(V, d, rng), lstm.init_params(V, H, rng)
    tokens = np.eye(V)[rng.integers(0, V, size=(ts[-1], 1))]          # (n, 1, V) a random stream
    cache = fill_cache(att, tokens[:ts[-1] - 1], ts[-1])
    h, c = np.zeros((1, H)), np.zeros((1, H))
    out = {k: [] for k in ("attention_s", "lstm_s", "attention_bytes")}
    for t in ts:
        ta, tl = [], []
        for _ in range(check_positive_int("repeats", repeats)):
            cache["n"] = t - 1                                          # rewind: token t sees t − 1 before it
            ta.append(_timed(lambda: attention.step(att, cache, tokens[t - 1])))
            tl.append(_timed(lambda: lstm.step(lp, tokens[t - 1], h, c)))
        out["attention_s"].append(np.median(ta))
        out["lstm_s"].append(np.median(tl))
        out["attention_bytes"].append(attention.kv_bytes(cache))
    return {"t": np.array(ts), **{k: np.array(v) for k, v in out.items()},
            "lstm_bytes": np.full(len(ts), h.nbytes + c.nbytes)}


def plot_streaming(cost, axes=None):
    """Time per new token and memory held against t, attention and the LSTM (log-log)."""
    if axes is None:
        _, axes = new_figure(1, 2, height=3.0)
    for key, name in (("attention", "attention (KV cache)"), ("lstm", "LSTM ($h$, $C$)")):
        color = COLORS["attention" if key == "attention" else "lstm"]
        axes[0].loglog(cost["t"], 1e6 * cost[f"{key}_s"], "o-", color=color, label=name)
        axes[1].loglog(cost["t"], cost[f"{key}_bytes"], "o-", color=color, label=name)
    label(axes[0], "Time per new token", "tokens so far $t$", r"time ($\mu$s)")
    label(axes[1], "Memory held", "tokens so far $t$", "bytes")
    _plain_log_ticks(axes[0].yaxis)
    for ax in axes:
        ax.minorticks_off()
        ax.legend(fontsize=8)
    return axes


# ---------------------------------------------------------------- accuracy: live and stored
def live(gap=20, model_keys=LIVE, lr=1e-2, seeds=(0,), steps=300, progress=True):
    """A small live run: each model at one shared learning rate ``lr`` (not its own, as the stored run
    gives it), ``steps`` batches of 32, float64, early stop as the protocol. Returns the run dicts."""
    return [protocol.run(m, "recall", gap, lr, s, steps=check_positive_int("steps", steps), eval_every=50,
                         progress=progress) for m in model_keys for s in seeds]


def stored_table(stored):
    """The stored protocol run (results.load of benchmarks/full_run.json) as text tables: STORED rows at
    SETTINGS, each cell the median test score, seeds solved and the chosen learning rate ("–": not run).

    Raises ValueError naming what is missing when the runs of minLSTM, minGRU or attention are not stored
    (``make full`` adds them).
    """
    if not isinstance(stored, dict) or "runs" not in stored:
        raise ValueError(f"stored must be a stored run (results.load); got {type(stored).__name__}")
    have = {(r["model"], r["task"], r["size"]) for r in stored["runs"]}
    missing = [f"{m} {t} {n}" for m, need in REQUIRED.items() for t, n in need if (m, t, n) not in have]
    if missing:
        raise ValueError("stored must hold the runs of chapter 17's models (run make full); missing: "
                         + ", ".join(missing))
    summary = results.summarise(stored["runs"])
    return results.table(summary, STORED, SETTINGS)
