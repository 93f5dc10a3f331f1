"""The runner behind make full: every job once, on several processes, resumable from its cache."""
import json

import numpy as np
import pytest

from lstm_helpers.experiments import runner


def test_every_job_runs_once_and_finished_runs_are_cached(tmp_path):
    cache = tmp_path / "c.jsonl"
    done = runner.run_all(abs, [-1, -2, -3], workers=2, key=str, cache=cache)
    assert done == {"-1": 1, "-2": 2, "-3": 3}
    assert sorted(json.loads(line)["run"] for line in cache.read_text().splitlines()) == [1, 2, 3]
    # resumed: the cached jobs are not run again (abs("x") would raise), only the new one is
    again = runner.run_all(abs, [-1, -2, -3, -4], workers=1, key=lambda j: str(j).replace("x", "-1"), cache=cache)
    assert again == {"-1": 1, "-2": 2, "-3": 3, "-4": 4}
    runner.run_all(abs, ["x"], workers=1, key=lambda j: "-1", cache=cache)


def test_extend_grows_the_grid_while_it_runs():
    def extend(done):                  # after -1 and -2 are in, ask for -3 (once)
        return [-3] if {"-1", "-2"} <= set(done) else []
    done = runner.run_all(abs, [-1, -2], workers=2, key=str, extend=extend)
    assert done == {"-1": 1, "-2": 2, "-3": 3}


def test_extend_follows_a_chain_through_the_cache(tmp_path):
    # -1 asks for -2, -2 for -3, -3 for -4: with -1 ... -3 cached, the chain must still reach -4 (a grid
    # extended along its learning-rate ladder through rates an earlier make full already ran)
    cache = tmp_path / "c.jsonl"
    cache.write_text("".join(json.dumps({"key": str(-k), "run": k}) + "\n" for k in (1, 2, 3)))

    last = [1]

    def extend(done):                  # one step at a time, as the ladder does: -(n + 1) once -n is in
        if str(-last[0]) not in done or last[0] == 4:
            return []
        last[0] += 1
        return [-last[0]]
    done = runner.run_all(abs, [-1], workers=1, key=str, cache=cache, extend=extend)
    assert done == {"-1": 1, "-2": 2, "-3": 3, "-4": 4}
    assert [json.loads(line)["run"] for line in cache.read_text().splitlines()] == [1, 2, 3, 4]


def test_one_blas_thread_sets_only_what_is_unset():
    env = runner.one_blas_thread({"OMP_NUM_THREADS": "4"})
    assert env == {"OMP_NUM_THREADS": "4", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def test_header_names_the_machine_and_settings():
    h = runner.header({"seeds": (0, 1), "steps": 5}, workers=2, seconds=12.345)
    assert h["settings"] == {"seeds": [0, 1], "steps": 5} and h["seconds"] == 12.3 and h["workers"] == 2
    assert h["machine"]["cpus"] >= 1 and h["machine"]["numpy"] == np.__version__ and h["machine"]["processor"]


def test_bad_workers():
    with pytest.raises(ValueError, match="workers must be at least 1"):
        runner.run_all(abs, [1], workers=0, key=str)
