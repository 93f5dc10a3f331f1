"""The one runner behind `make full` (``benchmarks/full_runs.py``): many independent training runs on
every core, resumable, each run appended to a cache file as it finishes, and the header every stored
run carries (which machine, when, how long).

Import this module before numpy in a script and call ``one_blas_thread()`` first: the book's matrices
are small, so one BLAS thread per process, with one process per core, is fastest (and gives the same
numbers as more threads).
"""
from __future__ import annotations

import concurrent.futures as cf
import json
import multiprocessing
import os
import pathlib
import platform

ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def one_blas_thread(environ=None):
    """Set ONE_THREAD in ``environ`` (default os.environ) where not set already; returns ``environ``.
    Must run before numpy is imported in this process (worker processes inherit it)."""
    environ = os.environ if environ is None else environ
    for k, v in ONE_THREAD.items():
        environ.setdefault(k, v)
    return environ


def machine_info():
    """What a stored run says about the machine: OS, CPU model (from /proc/cpuinfo on Linux, else the
    architecture), core count, numpy and Python versions."""
    import numpy as np

    cpu = platform.machine()
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"platform": platform.platform(), "processor": cpu, "cpus": os.cpu_count(),
            "numpy": np.__version__, "python": platform.python_version()}


def read_cache(path):
    """{key: run} from a cache file of JSON lines {"key", "run"}; {} when there is none."""
    path = None if path is None else pathlib.Path(path)
    if path is None or not path.is_file():
        return {}
    return {rec["key"]: rec["run"] for rec in map(json.loads, path.read_text().splitlines())}


def run_all(entry, jobs, workers, key, cache=None, extend=None, bar=None):
    """Run ``entry(job)`` for every job on ``workers`` processes (spawned, so each imports the package
    afresh), skipping jobs whose ``key(job)`` is already in the cache file and appending each finished
    run to it.

    extend: optional (done {key: run}) -> new jobs, called after every finished run (and once at the
    start): how a grid grows while it runs (the learning-rate ladder). bar: an optional tqdm bar.
    Returns {key: run} for every job run or found in the cache.
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1; got {workers}")
    done = read_cache(cache)
    pending = {}
    queued = set()
    asked = {key(j) for j in jobs}

    def submit(pool, new):
        for job in new:
            k = key(job)
            if k not in done and k not in queued:
                queued.add(k)
                pending[pool.submit(entry, job)] = job
                if bar is not None:
                    bar.total += 1
        if bar is not None:
            bar.refresh()

    with cf.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        submit(pool, jobs)
        while True:
            while extend is not None:       # until the grid stops growing: a new job may be in the cache already,
                new = [j for j in extend(done) if key(j) not in asked]   # and its result extend the grid again
                if not new:
                    break
                asked.update(key(j) for j in new)
                submit(pool, new)
            if not pending:
                break
            finished, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            for fut in finished:
                job = pending.pop(fut)
                run = fut.result()
                done[key(job)] = run
                if cache is not None:
                    cache = pathlib.Path(cache)
                    cache.parent.mkdir(parents=True, exist_ok=True)
                    with cache.open("a") as f:
                        f.write(json.dumps({"key": key(job), "run": run}) + "\n")
                if bar is not None:
                    bar.update()
    return done


def header(setting, workers, seconds, quick=False):
    """The fields every stored run starts with: machine, settings (tuples as lists), workers, seconds."""
    return {"machine": machine_info(), "quick": quick, "workers": workers,
            "settings": {k: (list(v) if isinstance(v, tuple) else v) for k, v in setting.items()},
            "seconds": round(seconds, 1)}
