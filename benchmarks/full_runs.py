"""`make full`: the book's longer experiments in their full setting (not part of `make test`).

    python benchmarks/full_runs.py [--quick] [--out benchmarks/full_run.json]

- Chapter 1: recall accuracy against the gap, gaps 5 to 100, RNN and both LSTM initialisations.
- Chapter 8: RNN, GRU and LSTM (two initialisations) on the recall task (gaps 10, 50, 100) and the
  adding problem (T = 50, 100), seeds 0, 1, 2, the same budget for every model.

The chapters run a smaller, CI-sized version live and show this stored run beside it, with the
machine it ran on. Seeded: the same machine gives the same numbers. --quick: tiny sizes (tests).
"""
from __future__ import annotations

import argparse
import json
import pathlib
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lstm_helpers import comparison, forgetting, performance  # noqa: E402

FULL = {"forgetting": {"gaps": (5, 10, 20, 40, 70, 100), "steps": 2000},
        "comparison": {"recall_gaps": (10, 50, 100), "adding_T": (50, 100), "seeds": (0, 1, 2), "steps": 2000}}
QUICK = {"forgetting": {"gaps": (2, 4), "steps": 5},
         "comparison": {"recall_gaps": (2,), "adding_T": (4,), "seeds": (0,), "steps": 5}}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "full_run.json"))
    args = ap.parse_args(argv)
    setting = QUICK if args.quick else FULL
    res = {"machine": performance.machine_info(), "quick": args.quick, "settings": {k: {n: list(v) if isinstance(v, tuple) else v
                                                                      for n, v in s.items()}
                                                                  for k, s in setting.items()}}
    start = time.perf_counter()
    rec = forgetting.recall_experiment(**setting["forgetting"], progress=not args.quick)
    res["forgetting"] = {k: v for k, v in rec.items() if k != "trained"}
    res["comparison"] = comparison.to_json(comparison.compare(**setting["comparison"], progress=not args.quick))
    res["seconds"] = time.perf_counter() - start
    out = pathlib.Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=1))
    print(forgetting.accuracy_table(res["forgetting"]))
    print(comparison.table(comparison.from_json(res["comparison"])))
    print(f"{res['seconds']:.0f} s; written: {out}")
    return res


if __name__ == "__main__":
    main()
