"""`make full`: the book's stored experiments, run under the fair protocol (`lstm_helpers/protocol.py`).

    python benchmarks/full_runs.py [--quick] [--workers N] [--out benchmarks/full_run.json]

The grid (FULL): the recall task at gaps 10, 20, 50 and 100 and the adding problem at T = 100, for the
RNN, the GRU and the LSTM with b_f in {0, 1, 3} x b_i in {0, -3} (plus, at recall gap 50 and adding
T = 100, Greff et al.'s one-gate-removed LSTMs); every learning rate of protocol.LR_GRID; seeds 0-4;
the same budget of 2000 batches of 32 sequences for every run, trained in float32 (PyTorch's default).
Chapters 1, 8, 12 and 15 print this stored run; results.summarise picks each model's learning rate on
validation.

Runs go to worker processes (one per core, one BLAS thread each), longest first. Each finished run is
appended to benchmarks/results/full_run_cache.jsonl, so an interrupted `make full` resumes where it
stopped (delete that file to start afresh). Seeded: the same machine gives the same numbers.
--quick: a tiny grid (for the tests).
"""
from __future__ import annotations

import argparse
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

LSTMS = tuple(m for m in protocol.MODELS if m.startswith("lstm_f"))     # the initialisation grid
ABLATIONS = ("lstm_nfg", "lstm_nig", "lstm_nog")                          # chapter 15 (Greff et al.)
FULL = {"steps": 2000, "batch": 32, "hidden": 32, "seeds": (0, 1, 2, 3, 4), "lrs": protocol.LR_GRID,
        "dtype": "float32",
        "grid": [("recall", 10, ("rnn", "gru", "lstm_f0_i0", "lstm_f1_i0", "lstm_f3_i-3")),
                 ("recall", 20, ("rnn", "gru") + LSTMS),
                 ("recall", 50, ("rnn", "gru") + LSTMS + ABLATIONS),
                 ("recall", 100, ("rnn", "gru") + LSTMS),
                 ("adding", 100, ("rnn", "gru", "lstm_f1_i0", "lstm_f3_i-3") + ABLATIONS)]}
QUICK = {"steps": 6, "batch": 8, "hidden": 4, "seeds": (0, 1), "lrs": (1e-2, 1e-3), "dtype": "float64",
         "grid": [("recall", 3, ("rnn", "lstm_f1_i0")), ("adding", 4, ("gru", "lstm_nfg"))]}
CACHE = ROOT / "benchmarks" / "results" / "full_run_cache.jsonl"


def jobs(setting):
    """Every (model, task, size, lr, seed) of a setting, the longest runs first."""
    cost = {"rnn": 1, "gru": 4, "lstm": 4}
    out = [(m, task, size, lr, seed) for task, size, ms in setting["grid"] for m in ms
           for lr in setting["lrs"] for seed in setting["seeds"]]
    return sorted(out, key=lambda j: -cost[protocol.MODELS[j[0]][1]] * j[2])


def _kwargs(setting):
    return {k: setting[k] for k in ("steps", "batch", "hidden", "dtype")}


def _key(job, setting):
    return json.dumps([*job, setting["steps"], setting["batch"], setting["hidden"], setting["dtype"]])


def run_grid(setting, workers, cache=None):
    """Run every job (reusing finished runs from the cache file); returns the list of run dicts."""
    done = {}
    if cache is not None and cache.is_file():
        for line in cache.read_text().splitlines():
            rec = json.loads(line)
            done[rec["key"]] = rec["run"]
    todo = [j for j in jobs(setting) if _key(j, setting) not in done]
    bar = tqdm(total=len(todo), desc=f"make full: {len(todo)} runs on {workers} processes", unit="run")
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(workers) as pool:
        for run in pool.imap_unordered(protocol.run_job, [(j, _kwargs(setting)) for j in todo]):
            job = (run["model"], run["task"], run["size"], run["lr"], run["seed"])
            done[_key(job, setting)] = run
            if cache is not None:
                cache.parent.mkdir(parents=True, exist_ok=True)
                with cache.open("a") as f:
                    f.write(json.dumps({"key": _key(job, setting), "run": run}) + "\n")
            bar.set_postfix_str(f"{protocol.label(job[0])}, {job[1]} {job[2]}, lr {job[3]:g}, seed {job[4]}")
            bar.update()
        pool.close()
        pool.join()
    bar.close()
    return [done[_key(j, setting)] for j in jobs(setting)]


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
    runs = run_grid(setting, max(1, args.workers), cache=None if args.quick else CACHE)
    runs, chosen = stored(runs)
    res = {"machine": performance.machine_info(), "quick": args.quick, "workers": args.workers,
           "settings": {k: (list(v) if isinstance(v, tuple) else v) for k, v in setting.items()},
           "protocol": {"solved": protocol.SOLVED, "stop": protocol.STOP, "checkpoints": list(protocol.CHECKPOINTS)},
           "chosen_lr": {"|".join(map(str, k)): lr for k, lr in chosen.items()},
           "seconds": time.perf_counter() - start, "runs": runs}
    out = pathlib.Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, separators=(",", ":")))
    summary = results.summarise(runs)
    for (m, task, size), s in summary.items():
        print(f"{protocol.label(m):<28}{task:>7}{size:>5}  lr {s['lr']:<6g} median {s['median']:<9.4g}"
              f" solved {s['solved']:.0%}  seeds {s['test']}")
    print(f"{res['seconds']:.0f} s on {args.workers} processes; written: {out}")
    return res


if __name__ == "__main__":
    main()
