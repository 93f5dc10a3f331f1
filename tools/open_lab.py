"""JupyterLab on the book with live sliders: what `make lab` runs, and the README's plain-Python path
(``.venv/bin/python tools/open_lab.py``; on Windows ``.venv\\Scripts\\python tools\\open_lab.py``).

It listens on this machine only (127.0.0.1), prints the URL to open (with its token) and starts on the
landing page, intro.md. Those defaults live in ``jupyter_config/`` (put in front of JUPYTER_CONFIG_PATH), which
also makes Markdown pages open as notebooks (jupytext; MyST renders through jupyterlab-myst) unless your own
JupyterLab settings choose otherwise. As root (Docker, cloud notebooks) it adds --allow-root. Any arguments are
passed on to JupyterLab and override those defaults, e.g. ``--port=8890 --no-browser``.
"""
from __future__ import annotations

import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
CONFIG = ROOT / "jupyter_config"


def command(args=(), uid=None, environ=None):
    """(argv, env) that start JupyterLab: this Python's jupyterlab, jupyter_config/ first on the config path,
    --allow-root when ``uid`` is 0 (default: this process's user id; None on Windows), then ``args``."""
    environ = dict(os.environ if environ is None else environ)
    uid = getattr(os, "getuid", lambda: None)() if uid is None else uid
    path = [str(CONFIG)] + ([environ["JUPYTER_CONFIG_PATH"]] if environ.get("JUPYTER_CONFIG_PATH") else [])
    environ["JUPYTER_CONFIG_PATH"] = os.pathsep.join(path)
    argv = [sys.executable, "-m", "jupyterlab"] + (["--allow-root"] if uid == 0 else []) + list(args)
    return argv, environ


def main(argv=None):
    argv, env = command(sys.argv[1:] if argv is None else argv)
    return subprocess.call(argv, env=env, cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main())
