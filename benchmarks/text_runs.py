"""Chapter 9a's stored experiment: the character RNN against the character LSTM, under the book's
protocol (``lstm_helpers/protocol.py``; the functions are in ``lstm_helpers/textgen.py``).

    python benchmarks/text_runs.py [--quick] [--workers N] [--out benchmarks/text_run.json]

Both models read The Devil's Dictionary with H = 128 units, windows of 48 characters, batches of 32,
Adam, clipping 1, float32, and get the same budget: 500 batches (768,000 characters), the budget the
page trains live. Each model's learning rate is chosen from LR_GRID on the validation text (the 5 %
before the last 5 %); the test text (the last 5 %) is read only to report. Five seeds per rate.
Every run also searches its units for ones that follow the text's features (``best_units``).

Runs go to worker processes (one per core, one BLAS thread each), longest first. Seeded: the same
machine gives the same numbers. Runs already in the output file with the same settings are kept, not
run again (so a grid can be extended); --fresh runs everything. --quick: a tiny grid (a smoke test).
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
    os.environ.setdefault(_var, "1")         # one BLAS thread per worker: workers fill the cores

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tqdm.auto import tqdm  # noqa: E402

from lstm_helpers import performance, textgen  # noqa: E402

LR_GRID = (1e-1, 3e-2, 1e-2, 3e-3, 1e-3)      # the protocol's grid and two larger rates, so that
                                                # no model's chosen rate sits at the grid's edge
FULL = {"cells": textgen.CELLS, "lrs": LR_GRID, "seeds": (0, 1, 2, 3, 4), "steps": 500,
        "hidden": 128, "T": 48, "batch": 32, "dtype": "float32"}
QUICK = {"cells": textgen.CELLS, "lrs": (1e-2, 1e-3), "seeds": (0,), "steps": 20,
         "hidden": 8, "T": 16, "batch": 4, "dtype": "float32"}


def jobs(setting):
    """Every (cell, lr, seed) of a setting, the LSTM runs (about 4x slower) first."""
    return [(cell, lr, seed) for cell in sorted(setting["cells"], key=lambda c: c != "lstm")
            for lr in setting["lrs"] for seed in setting["seeds"]]


def reusable(path, setting):
    """The runs stored in ``path`` that belong to ``setting``'s grid with the same settings."""
    if not path.is_file():
        return []
    same = ("steps", "hidden", "T", "batch", "dtype")
    return [r for r in json.loads(path.read_text())["runs"]
            if all(r[k] == setting[k] for k in same) and r["cell"] in setting["cells"]
            and r["lr"] in setting["lrs"] and r["seed"] in setting["seeds"]]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "text_run.json"))
    ap.add_argument("--fresh", action="store_true", help="ignore the runs stored in --out")
    args = ap.parse_args(argv)
    setting = QUICK if args.quick else FULL
    kwargs = {"steps": setting["steps"], "hidden": setting["hidden"], "T": setting["T"],
              "B": setting["batch"], "dtype": setting["dtype"],
              "steps_per_round": min(100, setting["steps"])}
    start = time.perf_counter()
    out = pathlib.Path(args.out)
    runs = [] if args.fresh else reusable(out, setting)
    done = {(r["cell"], r["lr"], r["seed"]) for r in runs}
    todo = [j for j in jobs(setting) if j not in done]
    print(f"{len(runs)} runs kept from {out}, {len(todo)} to run")
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(max(1, args.workers)) as pool, \
            tqdm(total=len(todo), desc=f"text runs on {args.workers} processes", unit="run") as bar:
        for run in pool.imap_unordered(textgen.run_job, [(j, kwargs) for j in todo]):
            runs.append(run)
            bar.set_postfix_str(f"{run['cell']}, lr {run['lr']:g}, seed {run['seed']}")
            bar.update()
        pool.close()
        pool.join()
    runs.sort(key=lambda r: (r["cell"], -r["lr"], r["seed"]))
    summary = textgen.summarise(runs)
    res = {"machine": performance.machine_info(), "quick": args.quick, "workers": args.workers,
           "settings": {k: (list(v) if isinstance(v, tuple) else v) for k, v in setting.items()},
           "chosen_lr": {cell: s["lr"] for cell, s in summary.items()},
           "seconds": round(time.perf_counter() - start, 1), "runs_kept": len(done), "runs": runs}
    out.write_text(json.dumps(res, indent=1))
    for cell, s in summary.items():
        print(f"{textgen.LABELS[cell]:<5} lr {s['lr']:<6g} median test {s['median']:.4f}  seeds "
              f"{s['test']}  median validation by lr {s['by_lr']}")
    print(f"{res['seconds']:.0f} s on {args.workers} processes; written: {out}")
    return res


if __name__ == "__main__":
    main()
