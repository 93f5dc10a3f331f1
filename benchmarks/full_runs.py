"""`make full`: the book's stored experiments, every one under the fair protocol
(``lstm_helpers/experiments/protocol.py``); the grids are in ``lstm_helpers/experiments/full.py``, run by
one runner (``lstm_helpers/experiments/runner.py``).

    python benchmarks/full_runs.py [--only protocol|text] [--quick] [--workers N] [--out-dir benchmarks]

protocol -> full_run.json. The recall task at gaps 20, 50 and 100 and the adding problem at T = 100, for
every family at every initialisation of protocol.FAMILIES -- the RNN (default, orthogonal, IRNN), the GRU
(default, b_z = 3) and the LSTM (b_f in {0, 1, 3} x b_i in {0, -3} at gap 20; beyond it b_i = -3 with
b_f = 3 only; chrono) -- plus, at recall gap 50 and adding T = 100, Greff et al.'s one-gate-removed LSTMs;
seeds 0-4; the same budget of 2000 batches of 32 sequences for every run, trained in float32.
Learning rates: every setting starts at protocol.LR_GRID; whenever the rate chosen on validation
(results.choose_lr) sits at an edge of the rates tried, the next rate of protocol.LR_LADDER beyond that
edge is run too (five seeds), until the choice is interior or the ladder ends (results.next_lr).

text -> text_run.json. Chapter 9a: the character RNN against the character LSTM on The Devil's
Dictionary (H = 128, windows of 48 characters, batches of 32, 500 batches each, float32), five learning
rates (1e-1 ... 1e-3, so that neither model's choice sits at an edge) x five seeds, chosen on the
validation text (experiments/char_units.run).

Runs go to worker processes (one per core, one BLAS thread each), longest first. Each finished run is
appended to benchmarks/results/<experiment>_cache.jsonl, so an interrupted `make full` resumes where it
stopped (delete the file to start afresh). Seeded: the same machine gives the same numbers.
--quick: tiny grids (for the tests), written nowhere unless --out-dir is given.
"""
from __future__ import annotations

import argparse
import os
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lstm_helpers.experiments import runner  # noqa: E402  (before numpy: one BLAS thread per worker)

runner.one_blas_thread()
# glibc keeps freed memory instead of returning it to the OS after every batch (chapter 16 measured the
# page faults this saves); read when each worker process starts.
os.environ.setdefault("MALLOC_TRIM_THRESHOLD_", str(2 ** 30))
os.environ.setdefault("MALLOC_MMAP_THRESHOLD_", str(32 * 2 ** 20))

from lstm_helpers.experiments import full  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", choices=sorted(full.FULL), action="append", help="run only this experiment")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--out-dir", default=None, help="where the stored runs go (default benchmarks/; --quick: nowhere)")
    args = ap.parse_args(argv)
    out_dir = pathlib.Path(args.out_dir) if args.out_dir else (None if args.quick else ROOT / "benchmarks")
    settings = full.QUICK if args.quick else full.FULL
    out = {}
    for name in args.only or list(full.FULL):
        cache = None if args.quick else ROOT / "benchmarks" / "results" / f"{name}_cache.jsonl"
        out[name] = full.experiment(name, settings[name], max(1, args.workers),
                                    None if out_dir is None else out_dir / full.OUT[name], cache)
    return out


if __name__ == "__main__":
    main()
