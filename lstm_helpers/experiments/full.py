"""The grids of `make full` and how they run: the protocol grid (chapters 1, 8, 10, 12, 15, 17) and chapter
9a's text grid, each run by ``runner.run_all`` with the learning-rate ladder, and the stored JSON they
write. ``benchmarks/full_runs.py`` is the command line.
"""
from __future__ import annotations

import json
import pathlib
import time

from tqdm.auto import tqdm

from lstm_helpers.experiments import char_units, protocol, results, runner

ALL = protocol.FAMILIES["RNN"] + protocol.FAMILIES["GRU"] + protocol.FAMILIES["LSTM"]
ABLATIONS = ("lstm_nfg", "lstm_nig", "lstm_nog")                          # chapter 15 (Greff et al.)
# Beyond gap 20 the b_i = -3 variants of b_f = 0 and 1 are left out (they teach nothing the b_i = 0 ones do
# not: in the first stored run both failed every seed at gaps 50 and 100 at every rate), to pay for the rest.
LONG = tuple(m for m in ALL if m not in ("lstm_f0_i-3", "lstm_f1_i-3"))
ADDING = protocol.FAMILIES["RNN"] + protocol.FAMILIES["GRU"] + ("lstm_f0_i0", "lstm_f1_i0", "lstm_f3_i-3", "lstm_chrono")
TODAY = protocol.TODAY                                                    # chapter 17: minLSTM, minGRU, attention
TODAY_ADDING = ("minlstm", "mingru")                                      # (attention reads h_T only: recall)
PROTOCOL = {"steps": 2000, "batch": 32, "hidden": 32, "seeds": (0, 1, 2, 3, 4), "lrs": protocol.LR_GRID,
            "ladder": protocol.LR_LADDER, "dtype": "float32",
            "grid": [("recall", 20, ALL + TODAY),
                     ("recall", 50, LONG + ABLATIONS + TODAY),
                     ("recall", 100, LONG + TODAY),
                     ("adding", 100, ADDING + ABLATIONS + TODAY_ADDING)]}
TEXT = {"steps": 500, "batch": 32, "hidden": 128, "seeds": (0, 1, 2, 3, 4), "lrs": (1e-1, 3e-2, 1e-2, 3e-3, 1e-3),
        "ladder": None, "dtype": "float32", "grid": [("text", 48, ("rnn", "lstm"))]}
QUICK = {"protocol": {"steps": 6, "batch": 8, "hidden": 4, "seeds": (0, 1), "lrs": (1e-2, 1e-3),
                      "ladder": (3e-2, 1e-2, 1e-3), "dtype": "float64",
                      "grid": [("recall", 3, ("rnn", "irnn", "lstm_chrono", "attention")),
                               ("adding", 4, ("gru_z3", "lstm_nfg"))]},
         "text": {"steps": 20, "batch": 4, "hidden": 8, "seeds": (0,), "lrs": (1e-2, 1e-3), "ladder": None,
                  "dtype": "float32", "grid": [("text", 16, ("rnn", "lstm"))]}}
FULL = {"protocol": PROTOCOL, "text": TEXT}
OUT = {"protocol": "full_run.json", "text": "text_run.json"}
COST = {"rnn": 1, "rnn_relu": 1, "gru": 4, "lstm": 4, "mingru": 3, "minlstm": 3, "attention": 1}  # relative time of one step


def _cost(job):
    model, task, size = job[:3]
    return 4 * size if task == "text" else COST[protocol.MODELS[model][1]] * size


def jobs(setting, lrs=None):
    """Every (model, task, size, lr, seed) of a setting (at ``lrs`` {(model, task, size): rates}, default
    the setting's starting rates), the longest runs first."""
    out = [(m, task, size, lr, seed) for task, size, ms in setting["grid"] for m in ms
           for lr in (setting["lrs"] if lrs is None else lrs[m, task, size]) for seed in setting["seeds"]]
    return sorted(out, key=lambda j: -_cost(j))


def _key(job, setting):
    return json.dumps([*job, setting["steps"], setting["batch"], setting["hidden"], setting["dtype"]])


def run_job(args):
    """One (model, task, size, lr, seed) with a setting's budget: a picklable entry for the workers."""
    (model, task, size, lr, seed), setting = args
    if task == "text":
        return char_units.run(model, lr, seed, steps=setting["steps"], hidden=setting["hidden"], T=size,
                              B=setting["batch"], steps_per_round=min(100, setting["steps"]), dtype=setting["dtype"])
    return protocol.run(model, task, size, lr, seed, steps=setting["steps"], batch=setting["batch"],
                        hidden=setting["hidden"], dtype=setting["dtype"])


def run_grid(setting, workers, cache=None, desc="make full"):
    """Run every job, stepping each (model, task, size) along the ladder while its chosen learning rate
    is at an edge; where no seed solved at any rate, also trying the rates up to the one chosen at the next
    shorter setting (results.neighbour_lrs). Returns (runs, {(model, task, size): the rates tried})."""
    budget = {k: setting[k] for k in ("steps", "batch", "hidden", "dtype")}
    lrs = {(m, task, size): list(setting["lrs"]) for task, size, ms in setting["grid"] for m in ms}

    def complete(group):
        """The group's runs if every one of its tried rates and seeds is in, else None."""
        keys = [_key((*group, lr, s), setting) for lr in lrs[group] for s in setting["seeds"]]
        return [done_[k] for k in keys] if all(k in done_ for k in keys) else None

    def neighbour(group):
        """The rate chosen for the same model at the next shorter setting of the task (None if there is none yet)."""
        model, task, size = group
        shorter = [n for (m, t, n) in lrs if m == model and t == task and n < size]
        runs = complete((model, task, max(shorter))) if shorter else None
        return results.choose_lr(runs) if runs else None

    def extend(done):
        """For every (model, task, size) whose runs are all in: its next learning rate along the ladder, if any,
        and, when no seed solved at any rate, the rates that lead to its neighbour's choice."""
        done_.update(done)
        new = []
        for group, tried in lrs.items():
            runs = complete(group) if setting["ladder"] is not None else None
            if runs is None:
                continue
            add = results.neighbour_lrs(runs, neighbour(group), setting["ladder"])
            nxt = results.next_lr(runs, setting["ladder"]) if not add else None
            for lr in add + ([nxt] if nxt is not None and nxt not in tried else []):
                tried.append(lr)
                new += [((*group, lr, s), budget) for s in setting["seeds"]]
        return new

    done_ = {}

    bar = tqdm(total=0, desc=f"{desc} on {workers} processes", unit="run")
    done = runner.run_all(run_job, [(j, budget) for j in jobs(setting)], workers,
                          key=lambda a: _key(a[0], setting), cache=cache, extend=extend, bar=bar)
    bar.close()
    return [done[_key(j, setting)] for j in jobs(setting, lrs)], lrs


def stored(runs):
    """Keep every run's numbers; keep the training curves and probes only for the chosen learning rates."""
    chosen = {k: s["lr"] for k, s in results.summarise(runs).items()}
    out = []
    for r in runs:
        keep = r["lr"] == chosen[(r["model"], r["task"], r["size"])]
        out.append(r if keep else {k: v for k, v in r.items() if k not in ("probes", "curve")})
    return out, chosen


def experiment(name, setting, workers, out=None, cache=None):
    """Run one experiment's grid and (when ``out`` is given) write its stored run; returns the dict."""
    start = time.perf_counter()
    runs, tried = run_grid(setting, workers, cache, desc=f"make full: {name}")
    runs, chosen = stored(runs)
    res = runner.header(setting, workers, time.perf_counter() - start)
    res.update({"chosen_lr": {"|".join(map(str, k)): lr for k, lr in chosen.items()},
                "lrs_tried": {"|".join(map(str, k)): sorted(v, reverse=True) for k, v in tried.items()},
                "runs": runs})
    if out is not None:
        out = pathlib.Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(res, separators=(",", ":")))
    groups = results.group(runs)
    for (m, task, size), s in results.summarise(runs).items():
        where = results.lr_status(groups[m, task, size])[2]
        print(f"{m:<12}{task:>7}{size:>5}  lr {s['lr']:<6g} ({where}) median {s['median']:<9.4g}"
              f" solved {s['solved']:.0%}  seeds {s['test']}")
    print(f"{name}: {res['seconds']:.0f} s on {workers} processes; written: {out}")
    return res
