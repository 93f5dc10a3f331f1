"""make full: the grids grow along the learning-rate ladder and the stored runs keep what the book prints."""
import importlib.util
import json
import pathlib

from lstm_helpers.experiments import full

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_make_full_quick_grids_store_every_run_the_rates_tried_and_the_chosen_rates(tmp_path):
    spec = importlib.util.spec_from_file_location("full_runs", ROOT / "benchmarks" / "full_runs.py")
    full_runs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(full_runs)
    res = full_runs.main(["--quick", "--workers", "2", "--out-dir", str(tmp_path)])
    for name, file in full.OUT.items():
        stored = json.loads((tmp_path / file).read_text())
        q = full.QUICK[name]
        groups = {f"{m}|{t}|{n}" for t, n, ms in q["grid"] for m in ms}
        assert set(stored["chosen_lr"]) == set(stored["lrs_tried"]) == groups and stored["machine"]["cpus"] >= 1
        n = sum(len(lrs) for lrs in stored["lrs_tried"].values()) * len(q["seeds"])
        assert len(stored["runs"]) == n == len(res[name]["runs"])
        for g, lrs in stored["lrs_tried"].items():   # the grid grew along the ladder only while the choice sat at an edge
            chosen = stored["chosen_lr"][g]
            if q["ladder"] is None:
                assert lrs == sorted(q["lrs"], reverse=True)
                continue
            assert set(q["lrs"]) <= set(lrs) <= set(q["ladder"])
            assert chosen not in (lrs[0], lrs[-1]) or chosen in (q["ladder"][0], q["ladder"][-1])
        for r in stored["runs"]:                  # curves and probes are kept for the chosen rates only
            key = f"{r['model']}|{r['task']}|{r['size']}"
            assert ("curve" in r) == (r["lr"] == stored["chosen_lr"][key])
            assert r["lr"] == stored["chosen_lr"][key] or "probes" not in r


def test_jobs_run_the_longest_first_and_the_ladder_only_where_asked():
    js = full.jobs(full.PROTOCOL)
    assert all(full._cost(a) >= full._cost(b) for a, b in zip(js, js[1:]))
    assert full.TEXT["ladder"] is None and full.PROTOCOL["ladder"] == full.protocol.LR_LADDER
    # every family at every initialisation at every gap; the adding problem without the b_i = -3 grid
    models = {(t, n): set(ms) for t, n, ms in full.PROTOCOL["grid"]}
    assert set(full.protocol.FAMILIES["RNN"] + full.protocol.FAMILIES["GRU"]) <= models["recall", 100]
    assert "lstm_f1_i-3" in models["recall", 20] and "lstm_f1_i-3" not in models["recall", 50]
