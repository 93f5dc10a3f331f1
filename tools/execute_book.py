"""Execute the book's notebooks on every core, into the cache the website build reads (a build tool).

    .venv/bin/python tools/execute_book.py [--jobs N]      # make build runs it before jupyter-book build

Jupyter Book 1 executes notebooks one after another (execute_notebooks: cache, through myst-nb and
jupyter-cache). This runs the same execution -- jupyter-cache's ``single_nb_execution`` in the notebook's own
folder, no errors allowed, the build's timeout -- for every notebook that is not cached yet, ``--jobs`` at a time
(default: every core), and stores each result in ``_build/.jupyter_cache`` exactly as myst-nb would. The build
then finds every notebook cached ("Using cached notebook"). A notebook that fails here is left out of the cache,
so the build executes it again and reports the error the usual way. Text notebooks (``.md``) are left to the build.
"""
from __future__ import annotations

import argparse
import os
import pathlib
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed

ROOT = pathlib.Path(__file__).resolve().parents[1]
CACHE = ROOT / "_build" / ".jupyter_cache"
TIMEOUT = 600          # _config.yml: execute.timeout
# The book's matrices are small: one BLAS thread per kernel (as the Makefile sets), or the parallel kernels'
# threads fight over the cores (measured: 850 s wall for the book with two threads per kernel on 2 cores).
THREADS = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _execute(path):
    """Execute one notebook as myst-nb does; returns (path, executed notebook or None, seconds, error text)."""
    import nbformat
    from jupyter_cache.executors.utils import single_nb_execution

    nb = nbformat.read(path, as_version=4)
    result = single_nb_execution(nb, cwd=str(pathlib.Path(path).parent), allow_errors=False, timeout=TIMEOUT,
                                 meta_override=True)
    if result.err is not None:
        return path, None, result.time, result.exc_string
    return path, nb, result.time, None


def pending(cache, notebooks):
    """The notebooks whose current code is not in the cache yet."""
    import nbformat

    out = []
    for path in notebooks:
        try:
            cache.match_cache_notebook(nbformat.read(path, as_version=4))
        except KeyError:
            out.append(path)
    return out


def main(argv=None):
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    for name, value in THREADS.items():
        os.environ.setdefault(name, value)      # inherited by every kernel started below
    if args.jobs < 1:
        raise ValueError(f"--jobs: expected a positive number of processes, got {args.jobs}")
    cache = get_cache(str(CACHE))
    todo = pending(cache, sorted(str(p) for p in (ROOT / "book").glob("*.ipynb")))
    if not todo:
        print("execute_book: every notebook is cached")
        return 0
    start, failed = time.perf_counter(), 0
    print(f"execute_book: {len(todo)} notebooks on {args.jobs} processes")
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for future in as_completed([pool.submit(_execute, p) for p in todo]):
            path, nb, seconds, error = future.result()
            name = pathlib.Path(path).name
            if nb is None:
                failed += 1
                print(f"  {name}: FAILED after {seconds:.1f} s (the build will run it again and show the error)")
                continue
            cache.cache_notebook_bundle(CacheBundleIn(nb, path, data={"execution_seconds": seconds}),
                                        check_validity=False, overwrite=True)
            print(f"  {name}: {seconds:.1f} s")
    print(f"execute_book: {len(todo) - failed} executed, {failed} failed, {time.perf_counter() - start:.1f} s wall")
    return 0


if __name__ == "__main__":
    sys.exit(main())
