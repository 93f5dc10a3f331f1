"""Reading and reporting protocol runs (chapters 1, 8, 12, 15): choose each model's learning rate on
validation, summarise the seeds, print tables, read the probes measured during training.

A run is the dict ``protocol.run`` returns; a stored run (``make full``) is a JSON file holding a list of
them ("runs"). ``summarise`` turns runs into {(model, task, size): {"lr", "median", "test" (per seed),
"solved" (fraction), ...}}; the other functions print or read that summary.
"""
from __future__ import annotations

import json
import pathlib

import numpy as np

from lstm_helpers.engine.validation import check_option
from lstm_helpers.experiments.protocol import LR_LADDER, MODELS, SOLVED, label, passes

LINE = 76   # characters per line of printed text that fit the website's page column


def group(runs):
    """{(model, task, size): [runs]} from a flat list of run dicts."""
    out = {}
    for r in runs:
        out.setdefault((r["model"], r["task"], r["size"]), []).append(r)
    return out


def _finite(x, worst=-np.inf):
    """x, or ``worst`` when x is NaN (a run that diverged ranks last)."""
    return worst if np.isnan(x) else x


def rank(runs):
    """How well a set of runs of one (model, task, size) did on *validation*, as a sortable key (larger is
    better): the fraction of seeds past the solved line; when every seed passed, fewer training sequences
    until the validation score first passed it (median over the seeds); then the median validation score,
    then the mean. A diverged run (NaN) counts as the worst score. Tasks without a solved line (the text
    task: loss per character) are ranked by the score alone."""
    task = runs[0]["task"]
    sign = 1.0 if task == "recall" else -1.0
    line = SOLVED.get(task)
    vals = [r["val"] for r in runs]
    solved = float(np.mean([line is not None and passes(task, v, line) for v in vals]))
    speed = -float(np.median([r["solved_at"] for r in runs])) if solved == 1.0 else 0.0
    return (solved, speed, _finite(sign * np.median(vals)), _finite(sign * np.mean(vals)))


def choose_lr(runs):
    """The learning rate whose runs ``rank`` best on validation. runs: one (model, task, size), any lrs."""
    if not runs:
        raise ValueError("runs must hold at least one run of one (model, task, size); got none")
    return max(sorted({r["lr"] for r in runs}, reverse=True), key=lambda lr: rank([r for r in runs if r["lr"] == lr]))


def choose_init(summary, model_keys, task, size):
    """Of several initialisations of one family (model keys), the one whose chosen learning rate's runs
    ``rank`` best on validation -- the same rule that chose each one's rate. Keys absent from the summary
    are skipped; ties go to the first key."""
    present = [m for m in model_keys if (m, task, size) in summary]
    if not present:
        raise ValueError(f"model_keys must have runs at ({task}, {size}) in the summary; none of {model_keys} has")
    return max(present, key=lambda m: rank(summary[(m, task, size)]["runs"]))


def next_lr(runs, ladder=LR_LADDER):
    """The next learning rate to try for one (model, task, size), or None: while the rate chosen on
    validation sits at an edge of the rates tried, one step further along ``ladder`` (which runs from
    the largest rate to the smallest), until the choice is interior or the ladder ends."""
    tried = sorted({r["lr"] for r in runs})
    lr = choose_lr(runs)
    steps = list(ladder)
    if lr == tried[-1] and lr in steps and steps.index(lr) > 0:
        return steps[steps.index(lr) - 1]
    if lr == tried[0] and lr in steps and steps.index(lr) < len(steps) - 1:
        return steps[steps.index(lr) + 1]
    return None


def neighbour_lrs(runs, neighbour_lr, ladder=LR_LADDER):
    """Rates to add when no seed of any rate tried passed the solved line on validation: then the choice among
    them is noise, and the ladder rule may never reach the rates that work. So try the rate chosen for the same
    model at the neighbouring (shorter) setting, and every ladder rate between it and the rates tried.
    Returns the ladder rates to add, largest first ([] when a seed solved, or nothing is missing)."""
    task = runs[0]["task"]
    line = SOLVED.get(task)
    if neighbour_lr is None or line is None or any(passes(task, r["val"], line) for r in runs):
        return []
    tried = {r["lr"] for r in runs}
    steps = list(ladder)
    if neighbour_lr not in steps:
        return []
    lo, hi = min(tried), max(tried)
    want = [x for x in steps if neighbour_lr <= x < lo or hi < x <= neighbour_lr]
    return [x for x in want if x not in tried]


def lr_status(runs):
    """(chosen lr, the rates tried (largest first), "interior" or "edge") for one (model, task, size)."""
    tried = sorted({r["lr"] for r in runs}, reverse=True)
    lr = choose_lr(runs)
    return lr, tried, "interior" if lr not in (tried[0], tried[-1]) else "edge"


def rates_shown(runs):
    """(the rates tried for one (model, task, size), largest first, the chosen one in brackets -- e.g.
    "1e-2 [3e-3] 1e-3" --, "interior" or "edge")."""
    lr, tried, where = lr_status(runs)
    return " ".join(f"[{fmt_lr(x)}]" if x == lr else fmt_lr(x) for x in tried), where


def summarise(runs):
    """Per (model, task, size): the chosen learning rate and its seeds' test scores.

    Returns {(model, task, size): {"lr", "seeds", "test" (per seed), "median", "solved" (fraction),
    "solved_at" (per seed), "runs" (the chosen lr's run dicts), "by_lr" {lr: {"median_val",
    "median_test", "solved"}}}}.
    """
    out = {}
    for key, rs in group(runs).items():
        lr = choose_lr(rs)
        chosen = sorted((r for r in rs if r["lr"] == lr), key=lambda r: r["seed"])
        by_lr = {}
        for other in sorted({r["lr"] for r in rs}, reverse=True):
            o = [r for r in rs if r["lr"] == other]
            by_lr[other] = {"median_val": float(np.median([r["val"] for r in o])),
                            "median_test": float(np.median([r["test"] for r in o])),
                            "solved": float(np.mean([r.get("solved", False) for r in o]))}
        out[key] = {"lr": lr, "seeds": [r["seed"] for r in chosen], "test": [r["test"] for r in chosen],
                    "median": float(np.median([r["test"] for r in chosen])),
                    "solved": float(np.mean([r.get("solved", False) for r in chosen])),
                    "solved_at": [r.get("solved_at") for r in chosen], "runs": chosen, "by_lr": by_lr}
    return out


def load(path, require="runs"):
    """A stored run: a JSON dict written by ``make full`` (benchmarks/full_run.json, text_run.json, with
    "machine", "settings" and "runs") or ``make bench`` (benchmarks/reference_run.json). ``require``: a
    key the dict must hold (None: any dict)."""
    path = pathlib.Path(path)
    if not path.is_file():
        raise ValueError(f"path must be a stored run written by make full or make bench; {path} does not exist")
    stored = json.loads(path.read_text())
    if not isinstance(stored, dict) or (require is not None and require not in stored):
        raise ValueError(f"path must be a stored run with a {require!r} entry; {path} has none")
    return stored


def fmt_lr(lr):
    """1e-2, 3e-3, 1e-3: a learning rate as the book writes it."""
    mantissa, exponent = f"{lr:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def fmt_score(task, value):
    """Accuracy with 2 decimals, MSE in scientific notation with 1."""
    return f"{value:.2f}" if task == "recall" else f"{value:.1e}"


def table(summary, model_keys, settings, max_width=LINE):
    """Text table: one row per model, one column per (task, size); each cell holds the median test
    score over the seeds, the seeds that solved (k/n) and the learning rate chosen on validation.

    A table wider than ``max_width`` characters is printed as several narrower tables, one under the
    other: first one per task, then, if a task's columns are still too wide, in equal groups of
    columns (four gaps become two tables of two)."""
    cells = {}
    for m in model_keys:
        for task, size in settings:
            s = summary.get((m, task, size))
            cells[m, task, size] = ("–" if s is None else
                                    f"{fmt_score(task, s['median'])} {solved_count(s)} {fmt_lr(s['lr'])}")
    name = max(len(label(m)) for m in model_keys) + 1

    def width(columns):
        return max(len(cells[m, t, n]) for m in model_keys for t, n in columns) + 2

    def fits(columns):
        return name + width(columns) * len(columns) <= max_width

    def block(columns):
        w = width(columns)
        heads = [("gap " if t == "recall" else "T = ") + str(n) for t, n in columns]
        rows = [f"{'':<{name}}" + "".join(h.rjust(w) for h in heads)]
        for m in model_keys:
            rows.append(f"{label(m):<{name}}" + "".join(cells[m, t, n].rjust(w) for t, n in columns))
        return "\n".join(rows)

    settings = list(settings)
    if fits(settings):
        return block(settings)
    by_task = []
    for setting in settings:
        if by_task and by_task[-1][0][0] == setting[0]:
            by_task[-1].append(setting)
        else:
            by_task.append([setting])
    blocks = []
    for columns in by_task:
        parts = 1
        while parts < len(columns) and not all(fits(g) for g in _split(columns, parts)):
            parts += 1
        blocks += _split(columns, parts)
    return "\n\n".join(block(columns) for columns in blocks)


def _split(items, parts):
    """items in ``parts`` consecutive groups whose sizes differ by at most one (earlier groups larger)."""
    size, extra = divmod(len(items), parts)
    groups, start = [], 0
    for k in range(parts):
        end = start + size + (k < extra)
        groups.append(items[start:end])
        start = end
    return groups


def solved_count(s):
    """How many seeds solved, as "k/n", from one entry of ``summarise`` (its "solved" fraction and
    its seeds' "test" scores)."""
    n = len(s["test"])
    return f"{round(s['solved'] * n)}/{n}"


def seeds_line(summary, model, task, size):
    """One line: every seed's test score at the chosen learning rate, e.g. "0.82 0.36 1.00 0.17 0.37"."""
    s = summary[(check_option("model", model, MODELS), task, size)]
    return " ".join(fmt_score(task, v) for v in s["test"])


def probe_series(summary, model, task, size):
    """What the chosen learning rate's runs measured during training, one entry per seed:
    {"seed", "solved", "batches" (every evaluation), "clue" (‖∂L/∂x‖ at the clue's lag, recall; the
    longest stored lag, adding), "ratio" (clue / lag 1), "gate_batches" (the checkpoints where the gates
    were measured) and per gate name the (len(gate_batches), H) unit values}."""
    s = summary.get((check_option("model", model, MODELS), task, size))
    if s is None:
        raise ValueError(f"(model, task, size) must be in the summary; ({model}, {task}, {size}) is not")
    out = []
    for r in s["runs"]:
        if "probes" not in r:
            raise ValueError("summary must come from a stored run that kept its probes (make full)")
        batches = sorted(int(b) for b in r["probes"])
        probes = [r["probes"][str(b)] for b in batches]
        far = max(probes[0]["grad"], key=int)
        clue = np.array([p["grad"][far] for p in probes])
        gated = [(b, p) for b, p in zip(batches, probes) if len(p) > 1]         # (attention has no gate)
        gates = {g: np.array([p[g] for _, p in gated]) for g in (gated[0][1] if gated else ()) if g != "grad"}
        out.append({"seed": r["seed"], "solved": r["solved"], "batches": np.array(batches), "lag": int(far),
                    "clue": clue, "ratio": clue / np.array([p["grad"]["1"] for p in probes]),
                    "gate_batches": np.array([b for b, _ in gated]), **gates})
    return out


def solved_at_line(summary, model, task="adding", size=100):
    """Training sequences each seed needed until its validation score first passed the solved line,
    at the chosen learning rate; "–" for a seed that never did within the budget."""
    s = summary[(check_option("model", model, MODELS), task, size)]
    return " ".join("–" if a is None else f"{a:,}" for a in s["solved_at"])
