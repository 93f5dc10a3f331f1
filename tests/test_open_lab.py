"""tools/open_lab.py: how `make lab` and the README's plain-Python path start JupyterLab."""
import os
import sys

import open_lab


def test_jupyterlab_of_this_python_with_the_books_config_first_and_the_readers_arguments_last():
    argv, env = open_lab.command(["--port=9"], uid=1000, environ={"JUPYTER_CONFIG_PATH": "/mine"})
    assert argv == [sys.executable, "-m", "jupyterlab", "--port=9"]
    assert env["JUPYTER_CONFIG_PATH"].split(os.pathsep) == [str(open_lab.CONFIG), "/mine"]
    assert (open_lab.CONFIG / "jupyter_server_config.json").is_file()   # 127.0.0.1, book/, intro.md
    _, env = open_lab.command([], uid=1000, environ={})
    assert env["JUPYTER_CONFIG_PATH"] == str(open_lab.CONFIG)


def test_allow_root_only_as_root():
    assert "--allow-root" in open_lab.command([], uid=0, environ={})[0]
    assert "--allow-root" not in open_lab.command([], uid=1000, environ={})[0]
