"""Execute the book's notebooks on every core, into the cache the website build reads (a build tool).

    .venv/bin/python tools/execute_book.py [--jobs N] [--build]     # make build: with --build

--build: then build the website (jupyter-book build . -W -n --keep-going: warnings are errors) into _build/html.
Both steps run with TQDM_DISABLE=1: the website has no kernel, so training there shows no progress bar and no
page carries a progress-bar widget (in Jupyter the bars show as usual).

Jupyter Book 1 executes notebooks one after another (execute_notebooks: cache, through myst-nb and
jupyter-cache). This runs the same execution -- jupyter-cache's ``single_nb_execution`` in the notebook's own
folder, no errors allowed, the build's timeout -- for every notebook that is not cached yet, ``--jobs`` at a time
(default: every core), and stores each result in ``_build/.jupyter_cache`` exactly as myst-nb would. The build
then finds every notebook cached ("Using cached notebook"). A notebook that fails here is left out of the cache,
so the build executes it again and reports the error the usual way. Text notebooks (``.md``) are left to the build.

jupyter-cache knows a notebook by its code alone: an executed page would survive a change of the package behind
it, of a stored run it prints, or of an installed library (e.g. a chapter built without PyTorch). So the cache
carries a fingerprint of all of those (``fingerprint``), and is emptied when it no longer matches.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import os
import pathlib
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from lstm_helpers.experiments import runner  # noqa: E402

CACHE = ROOT / "_build" / ".jupyter_cache"
TIMEOUT = 600          # _config.yml: execute.timeout
# What an executed page depends on besides its own code: the package, the stored runs and data it reads.
INPUTS = ("lstm_helpers/**/*", "benchmarks/*.json", "references.bib")


def fingerprint(root=ROOT):
    """A hash of everything an executed page depends on besides its own code: every file of INPUTS (path and
    bytes) and every installed distribution's name and version."""
    h = hashlib.sha256()
    for pattern in INPUTS:
        for path in sorted(p for p in root.glob(pattern) if p.is_file() and "__pycache__" not in p.parts):
            h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    dists = sorted(f"{d.metadata['Name']}=={d.version}".lower() for d in importlib.metadata.distributions())
    h.update("\n".join(dists).encode())
    return h.hexdigest()


def renew_if_stale(cache_dir=CACHE, root=ROOT):
    """Empty the execution cache when the fingerprint it was made with is not the current one; returns True
    when it did."""
    stamp, now = pathlib.Path(cache_dir) / "FINGERPRINT", fingerprint(root)
    stale = pathlib.Path(cache_dir).is_dir() and (not stamp.is_file() or stamp.read_text() != now)
    if stale:
        shutil.rmtree(cache_dir)
    pathlib.Path(cache_dir).mkdir(parents=True, exist_ok=True)
    stamp.write_text(now)
    return stale


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

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--build", action="store_true", help="then build the website (jupyter-book build)")
    args = parser.parse_args(argv)
    os.environ["TQDM_DISABLE"] = "1"             # inherited by every kernel and by the build
    # The book's matrices are small: one BLAS thread per kernel (inherited by every kernel started below), or
    # the parallel kernels' threads fight over the cores (measured: 850 s wall for the book with two threads per
    # kernel on 2 cores).
    runner.one_blas_thread()
    if args.jobs < 1:
        raise ValueError(f"--jobs: expected a positive number of processes, got {args.jobs}")
    if renew_if_stale():
        print("execute_book: the package, a stored run or an installed library changed: cache emptied")
    cache = get_cache(str(CACHE))
    todo = pending(cache, sorted(str(p) for p in (ROOT / "book").glob("*.ipynb")))
    if todo:
        execute(cache, todo, args.jobs)
    else:
        print("execute_book: every notebook is cached")
    if args.build:
        jb = shutil.which("jupyter-book", path=os.path.dirname(sys.executable)) or "jupyter-book"   # this venv's
        return subprocess.call([jb, "build", str(ROOT), "-W", "-n", "--keep-going"], cwd=ROOT)
    return 0


def execute(cache, todo, jobs):
    """Execute the notebooks ``todo`` on ``jobs`` processes and store each success in ``cache``."""
    from jupyter_cache.base import CacheBundleIn

    start, failed = time.perf_counter(), 0
    print(f"execute_book: {len(todo)} notebooks on {jobs} processes")
    with ProcessPoolExecutor(max_workers=jobs) as pool:
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


if __name__ == "__main__":
    sys.exit(main())
