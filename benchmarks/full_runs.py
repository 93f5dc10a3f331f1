"""`make full`: the book's stored experiments, run under the fair protocol (`lstm_helpers/protocol.py`).

    python benchmarks/full_runs.py [--quick] [--workers N] [--out benchmarks/full_run.json]

The grid (FULL): the recall task at gaps 20, 50 and 100 and the adding problem at T = 100, for every
family at every initialisation of protocol.FAMILIES -- the RNN (default, orthogonal, IRNN), the GRU
(default, b_z = 3) and the LSTM (b_f in {0, 1, 3} x b_i in {0, -3} at gap 20; beyond it b_i = -3 with b_f = 3
only; chrono) -- plus, at recall gap 50 and adding T = 100, Greff et al.'s one-gate-removed LSTMs; seeds 0-4; the same budget of 2000 batches of 32
sequences for every run, trained in float32 (PyTorch's default).

Learning rates: every setting starts at protocol.LR_GRID; whenever the rate chosen on validation
(results.choose_lr) sits at an edge of the rates tried, the next rate of protocol.LR_LADDER beyond that
edge is run too (five seeds), until the choice is interior or the ladder ends (results.next_lr).

Runs go to worker processes (one per core, one BLAS thread each), longest first. Each finished run is
appended to benchmarks/results/full_run_cache.jsonl, so an interrupted `make full` resumes where it
stopped (delete that file to start afresh). Seeded: the same machine gives the same numbers.
--quick: a tiny grid (for the tests).
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import multiprocessing
import os
import pathlib
import sys
import time

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")                 # one BLAS thread per worker: the workers fill the cores
# glibc keeps freed memory instead of returning it to the OS after every batch (chapter 16 measured the
# page faults this saves); read when each worker process starts.
os.environ.setdefault("MALLOC_TRIM_THRESHOLD_", str(2 ** 30))
os.environ.setdefault("MALLOC_MMAP_THRESHOLD_", str(32 * 2 ** 20))

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tqdm.auto import tqdm  # noqa: E402

from lstm_helpers import performance, protocol, results  # noqa: E402

ALL = protocol.FAMILIES["RNN"] + protocol.FAMILIES["GRU"] + protocol.FAMILIES["LSTM"]
ABLATIONS = ("lstm_nfg", "lstm_nig", "lstm_nog")                          # chapter 15 (Greff et al.)
# Beyond gap 20 the b_i = -3 variants of b_f = 0 and 1 are left out (they teach nothing the b_i = 0 ones do
# not: in the first stored run both failed every seed at gaps 50 and 100 at every rate), to pay for the rest.
LONG = tuple(m for m in ALL if m not in ("lstm_f0_i-3", "lstm_f1_i-3"))
ADDING = protocol.FAMILIES["RNN"] + protocol.FAMILIES["GRU"] + ("lstm_f0_i0", "lstm_f1_i0", "lstm_f3_i-3", "lstm_chrono")
FULL = {"steps": 2000, "batch": 32, "hidden": 32, "seeds": (0, 1, 2, 3, 4), "lrs": protocol.LR_GRID,
        "ladder": protocol.LR_LADDER, "dtype": "float32",
        "grid": [("recall", 20, ALL),
                 ("recall", 50, LONG + ABLATIONS),
                 ("recall", 100, LONG),
                 ("adding", 100, ADDING + ABLATIONS)]}
QUICK = {"steps": 6, "batch": 8, "hidden": 4, "seeds": (0, 1), "lrs": (1e-2, 1e-3), "ladder": (3e-2, 1e-2, 1e-3),
         "dtype": "float64",
         "grid": [("recall", 3, ("rnn", "irnn", "lstm_chrono")), ("adding", 4, ("gru_z3", "lstm_nfg"))]}
CACHE = ROOT / "benchmarks" / "results" / "full_run_cache.jsonl"
COST = {"rnn": 1, "rnn_relu": 1, "gru": 4, "lstm": 4}     # relative time of one step


def jobs(setting, lrs=None):
    """Every (model, task, size, lr, seed) of a setting (at ``lrs`` {(model, task, size): rates}, default
    the setting's starting rates), the longest runs first."""
    out = [(m, task, size, lr, seed) for task, size, ms in setting["grid"] for m in ms
           for lr in (setting["lrs"] if lrs is None else lrs[m, task, size]) for seed in setting["seeds"]]
    return sorted(out, key=lambda j: -COST[protocol.MODELS[j[0]][1]] * j[2])


def _kwargs(setting):
    return {k: setting[k] for k in ("steps", "batch", "hidden", "dtype")}


def _key(job, setting):
    return json.dumps([*job, setting["steps"], setting["batch"], setting["hidden"], setting["dtype"]])


def run_grid(setting, workers, cache=None):
    """Run every job, stepping each (model, task, size) along the ladder while its chosen learning rate
    is at an edge (reusing finished runs from the cache file). Returns (runs, {(model, task, size):
    the rates tried})."""
    done = {}
    if cache is not None and cache.is_file():
        for line in cache.read_text().splitlines():
            rec = json.loads(line)
            done[rec["key"]] = rec["run"]
    lrs = {(m, task, size): list(setting["lrs"]) for task, size, ms in setting["grid"] for m in ms}
    bar = tqdm(total=0, desc=f"make full on {workers} processes", unit="run")
    pending = {}

    def submit(pool, js):
        for j in js:
            if _key(j, setting) not in done:
                pending[pool.submit(protocol.run_job, (j, _kwargs(setting)))] = j
                bar.total += 1
        bar.refresh()

    def extend(pool, group):
        """Once every run of a (model, task, size) is in, its next learning rate (if any) is queued."""
        runs = [done[_key((*group, lr, s), setting)] for lr in lrs[group] for s in setting["seeds"]
                if _key((*group, lr, s), setting) in done]
        if len(runs) < len(lrs[group]) * len(setting["seeds"]):
            return
        nxt = results.next_lr(runs, setting["ladder"])
        if nxt is not None and nxt not in lrs[group]:
            lrs[group].append(nxt)
            submit(pool, [(*group, nxt, s) for s in setting["seeds"]])
            extend(pool, group)              # all of them cached already: decide at once

    ctx = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(workers, mp_context=ctx) as pool:
        submit(pool, jobs(setting))
        for group in lrs:
            extend(pool, group)
        while pending:
            finished, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            for fut in finished:
                job = pending.pop(fut)
                run = fut.result()
                done[_key(job, setting)] = run
                if cache is not None:
                    cache.parent.mkdir(parents=True, exist_ok=True)
                    with cache.open("a") as f:
                        f.write(json.dumps({"key": _key(job, setting), "run": run}) + "\n")
                bar.set_postfix_str(f"{protocol.label(job[0])}, {job[1]} {job[2]}, lr {job[3]:g}, seed {job[4]}")
                bar.update()
                extend(pool, job[:3])
    bar.close()
    return [done[_key(j, setting)] for j in jobs(setting, lrs)], lrs


def stored(runs):
    """Keep every run's numbers; keep the training curves and probes only for the chosen learning rates."""
    chosen = {k: s["lr"] for k, s in results.summarise(runs).items()}
    out = []
    for r in runs:
        keep = r["lr"] == chosen[(r["model"], r["task"], r["size"])]
        out.append(r if keep else {k: v for k, v in r.items() if k not in ("probes", "curve")})
    return out, chosen


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "full_run.json"))
    args = ap.parse_args(argv)
    setting = QUICK if args.quick else FULL
    start = time.perf_counter()
    runs, tried = run_grid(setting, max(1, args.workers), cache=None if args.quick else CACHE)
    runs, chosen = stored(runs)
    res = {"machine": performance.machine_info(), "quick": args.quick, "workers": args.workers,
           "settings": {k: (list(v) if isinstance(v, tuple) else v) for k, v in setting.items()},
           "protocol": {"solved": protocol.SOLVED, "stop": protocol.STOP, "checkpoints": list(protocol.CHECKPOINTS)},
           "chosen_lr": {"|".join(map(str, k)): lr for k, lr in chosen.items()},
           "lrs_tried": {"|".join(map(str, k)): sorted(v, reverse=True) for k, v in tried.items()},
           "seconds": time.perf_counter() - start, "runs": runs}
    out = pathlib.Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, separators=(",", ":")))
    summary, groups = results.summarise(runs), results.group(runs)
    for (m, task, size), s in summary.items():
        where = results.lr_status(groups[m, task, size])[2]
        print(f"{protocol.label(m):<28}{task:>7}{size:>5}  lr {s['lr']:<6g} ({where}) median {s['median']:<9.4g}"
              f" solved {s['solved']:.0%}  seeds {s['test']}")
    print(f"{res['seconds']:.0f} s on {args.workers} processes; written: {out}")
    return res


if __name__ == "__main__":
    main()
