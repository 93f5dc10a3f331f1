"""Chapter 9a: a character-level RNN and LSTM that learn to write like Ambrose Bierce.

The corpus is *The Devil's Dictionary* (Ambrose Bierce, 1911; public domain), shipped in
``data/devils_dictionary.txt`` from the Internet Wiretap edition as packaged by Debian
(``dict-devil``; see ``data/README.md``): about 950 entries such as "HISTORY, n. An account mostly
false, ...". A model reads one character at a time and predicts the next at every step
(``readout_mode="all"``); sampling feeds its own predictions back in.

The comparison follows the book's protocol (``protocol.py``): the text is cut into training,
validation (chooses each model's learning rate) and test parts; every model gets the same budget;
``run`` is one (model, learning rate, seed) run, ``summarise`` picks each model's rate on validation
and ``benchmarks/text_runs.py`` runs the stored grid. Each run also records which units follow
which features of the text; that analysis (interpretable units, as in Karpathy 2015) is in
``text_units``.
"""
from __future__ import annotations

import json
import pathlib
import re
import textwrap
import time

import numpy as np

from . import lstm, models, rnn, training
from .losses import cross_entropy, softmax
from .optim import Adam
from .results import LINE, fmt_lr
from .validation import check_number, check_option, check_positive_int

DATA = pathlib.Path(__file__).with_name("data") / "devils_dictionary.txt"
ALPHABET = ("\n !\"'(),-.:;?_0123456789"
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
FIRST_ENTRY = "ABASEMENT, n."
CELLS = ("rnn", "lstm")
LABELS = {"rnn": "RNN", "lstm": "LSTM"}


def corpus(max_chars=None):
    """The dictionary's entries (from the first, ABASEMENT, on) as one string over ALPHABET.

    Lines are stripped and runs of spaces collapsed (the poems' indentation would otherwise be most
    of what the model learns); other characters become spaces. max_chars: keep only the first
    ``max_chars`` characters (None = all, about 350,000).
    """
    if max_chars is not None:
        max_chars = check_positive_int("max_chars", max_chars, minimum=100)
    text = DATA.read_text(encoding="utf-8")
    text = text[text.index(FIRST_ENTRY):]
    text = "".join(ch if ch in ALPHABET else " " for ch in text)
    text = "\n".join(re.sub(" +", " ", line).strip() for line in text.splitlines())
    return text[:max_chars]


def encode(text):
    """str -> (n,) int ids into ALPHABET (unknown characters become spaces)."""
    if not isinstance(text, str):
        raise ValueError(f"text must be a string; got {type(text).__name__}")
    lookup = {ch: k for k, ch in enumerate(ALPHABET)}
    return np.array([lookup.get(ch, lookup[" "]) for ch in text], dtype=np.int64)


def batch(ids, T, B, rng, dtype=np.float64):
    """Random windows: x (T, B, V) one-hot of ids[s : s+T] in ``dtype``, y (T, B) the next ids."""
    T, B = check_positive_int("T", T), check_positive_int("B", B)
    if np.ndim(ids) != 1 or np.size(ids) < T + 2:
        raise ValueError(f"ids must be a 1-d array of more than T + 1 = {T + 1} ids; "
                         f"got shape {np.shape(ids)}")
    starts = rng.integers(0, ids.size - T - 1, size=B)
    idx = starts[None] + np.arange(T)[:, None]                      # (T, B)
    return np.eye(len(ALPHABET), dtype=dtype)[ids[idx]], ids[idx + 1]


def split_text(text, val=0.05, test=0.05):
    """(train, val, test): the text cut in this order; the last two are the fractions ``val`` and
    ``test`` of it. The dictionary is alphabetical, so they are its last letters (about T to Z):
    entries the model never saw. Validation chooses settings; test is read once, at the end."""
    val = check_number("val", val, 0.01, 0.45)
    test = check_number("test", test, 0.01, 0.45)
    a, b = int((1 - val - test) * len(text)), int((1 - test) * len(text))
    return text[:a], text[a:b], text[b:]


def split(text, val=0.05, test=0.05):
    """``split_text`` as ids: (train (n1,), val (n2,), test (n3,))."""
    return tuple(encode(part) for part in split_text(text, val, test))


def _forward(cell, params, x, state=None):
    """Run ``cell`` over x (T, B, V) from ``state`` (None = zeros) -> (trace, final state)."""
    if cell == "lstm":
        tr = lstm.forward(models.cell_params(params), x, *(state or (None, None)))
        return tr, (tr.h[-1], tr.c[-1])
    tr = rnn.forward(models.cell_params(params), x, *(state or (None,)))
    return tr, (tr.h[-1],)


def _one_hot(ids, params):
    return np.eye(len(ALPHABET), dtype=params["W_y"].dtype)[np.asarray(ids)]


def sample(params, prefix, n, rng, temperature=0.8, cell="lstm"):
    """Continue ``prefix`` by ``n`` characters, each drawn from softmax(logits / temperature);
    temperature 0 means greedy (always the most likely character)."""
    n = check_positive_int("n", n)
    temperature = check_number("temperature", temperature, 0.0, 5.0)
    check_option("cell", cell, CELLS)
    if not isinstance(prefix, str) or not prefix:
        raise ValueError(f"prefix must be a non-empty string to start from; got {prefix!r}")
    _, state = _forward(cell, params, _one_hot(encode(prefix), params)[:, None])
    out = []
    for _ in range(n):
        logits = (state[0] @ params["W_y"].T + params["b_y"])[0].astype(np.float64)
        k = (int(logits.argmax()) if temperature == 0 else
             int(rng.choice(len(ALPHABET), p=softmax(logits / temperature))))
        out.append(ALPHABET[k])
        _, state = _forward(cell, params, _one_hot([[k]], params), state)
    return prefix + "".join(out)


def wrap(text, width=LINE, label=""):
    """``text`` in lines of at most ``width`` characters, to print a generated sample within the
    page: each of its own lines is wrapped on its own (at spaces, or inside a longer word); the
    first line starts with ``label``, the others are indented to line up under it."""
    width = check_positive_int("width", width)
    if len(label) >= width:
        raise ValueError(f"label must be shorter than width = {width}; got {len(label)} characters")
    indent = " " * len(label)
    lines = []
    for k, line in enumerate(text.split("\n")):
        first = label if k == 0 else indent
        lines.append(textwrap.fill(line, width, initial_indent=first, subsequent_indent=indent)
                     or first.rstrip())                   # an empty line stays empty
    return "\n".join(lines)


def heldout_loss(params, ids, T=48, cell="lstm"):
    """Mean next-character cross-entropy (nats per character) over every character of ``ids``,
    read in consecutive windows of T characters, each from a zero state (as in training)."""
    T = check_positive_int("T", T, minimum=2)
    m = (np.size(ids) - 1) // T
    if m < 1:
        raise ValueError(f"ids must hold more than T = {T} characters; got {np.size(ids)}")
    x = _one_hot(ids[:m * T].reshape(m, T).T, params)                          # (T, m, V)
    logits = models.predict(check_option("cell", cell, CELLS), params, x, readout_mode="all")
    y = ids[1:m * T + 1].reshape(m, T).T                                       # (T, m)
    return cross_entropy(logits.reshape(-1, len(ALPHABET)), y.reshape(-1))[0]


def unigram_loss(train_ids, val_ids):
    """The baseline that knows only how often each character occurs: cross-entropy on val_ids."""
    counts = np.bincount(train_ids, minlength=len(ALPHABET)) + 1.0       # +1: no zero probability
    return float(-np.mean(np.log(counts / counts.sum())[val_ids]))


def init(cell, hidden, rng, dtype=np.float32):
    """A model's starting weights: W (H, H+V) per gate, b (H,), read-out W_y (V, H), b_y (V,);
    PyTorch's uniform init, biases 0 except the LSTM's forget bias b_f = 1."""
    V = len(ALPHABET)
    return models.init_model(check_option("cell", cell, CELLS), V, hidden, V, rng, dtype=dtype,
                             **({"forget_bias": 1.0} if cell == "lstm" else {}))


def train_with_samples(text, cell="lstm", lr=1e-2, seed=0, rounds=5, steps_per_round=100,
                       hidden=128, T=48, B=32, clip=1.0, prefix="MEMORY, n.", temperature=0.8,
                       dtype=np.float32, progress=True):
    """Train on the training part of ``text`` in rounds of batches; after each round, record the
    losses and (unless prefix is None) two continuations of ``prefix``, greedy and sampled.

    Adam at ``lr``, gradient norm clipped at ``clip``, the LSTM's forget bias starting at 1.
    Returns (params, log), log = [{"step", "train_loss", "val_loss", "greedy", "sampled"}, ...];
    step 0 is the untrained model; val_loss is ``heldout_loss`` on the validation part. Samples
    draw from their own generator, so the batches depend only on ``seed``: the first rounds of a
    longer run are exactly a shorter run.
    """
    check_option("cell", cell, CELLS)
    rounds = check_positive_int("rounds", rounds)
    train_ids, val_ids, _ = split(text)
    rng = np.random.default_rng(seed)
    params = init(cell, hidden, rng, dtype)
    opt = Adam(check_number("lr", lr, 1e-6, 1.0))

    def record(step, train_loss):
        entry = {"step": step, "train_loss": train_loss,
                 "val_loss": heldout_loss(params, val_ids, T, cell)}
        if prefix is not None:
            r = np.random.default_rng([seed, step])
            entry["greedy"] = sample(params, prefix, 80, r, 0.0, cell)
            entry["sampled"] = sample(params, prefix, 80, r, temperature, cell)
        return entry

    log = [record(0, None)]
    for k in range(rounds):
        params, hist = training.train(cell, params, lambda g: batch(train_ids, T, B, g, dtype),
                                      steps_per_round, rng, optimizer=opt, clip=clip,
                                      readout_mode="all", progress=progress,
                                      desc=f"character {LABELS[cell]}, round {k + 1}")
        log.append(record((k + 1) * steps_per_round, float(np.mean(hist["loss"][-20:]))))
    return params, log


def run(cell, lr, seed, steps=500, hidden=128, T=48, B=32, steps_per_round=100, dtype="float32"):
    """One stored run: ``cell`` trained at ``lr`` with ``seed`` for ``steps`` batches, and every
    number the page reports: "curve" [[batches, validation loss]], "val", "test" (nats per
    character), "units" (``text_units.best_units``, r to 3 decimals), "units_untrained" (the same
    search in the model before training: what a unit follows by chance) and "seconds"."""
    steps = check_positive_int("steps", steps)
    if steps % check_positive_int("steps_per_round", steps_per_round):
        raise ValueError(f"steps must be a multiple of steps_per_round = {steps_per_round}; "
                         f"got {steps}")
    from .text_units import best_units        # imported here: text_units builds on this module

    start = time.perf_counter()
    text = corpus()
    params, log = train_with_samples(text, cell, lr, seed, steps // steps_per_round,
                                     steps_per_round, hidden, T, B, prefix=None,
                                     dtype=np.dtype(dtype), progress=False)
    _, val_text, test_text = split_text(text)
    untrained = init(cell, hidden, np.random.default_rng(seed), np.dtype(dtype))

    def rounded(units):
        return {f: {k: round(v, 3) if isinstance(v, float) else v for k, v in u.items()}
                for f, u in units.items()}
    return {"cell": cell, "lr": lr, "seed": seed, "steps": steps, "hidden": hidden, "T": T,
            "batch": B, "dtype": str(np.dtype(dtype)), "val": round(log[-1]["val_loss"], 4),
            "test": round(heldout_loss(params, encode(test_text), T, cell), 4),
            "curve": [[e["step"], round(e["val_loss"], 4)] for e in log],
            "units": rounded(best_units(params, val_text, test_text, cell)),
            "units_untrained": rounded(best_units(untrained, val_text, test_text, cell)),
            "seconds": round(time.perf_counter() - start, 1)}


def run_job(job):
    """``run(*args, **kwargs)`` for job = (args, kwargs): a picklable entry for worker processes."""
    args, kwargs = job
    return run(*args, **kwargs)


def choose_lr(runs):
    """The learning rate with the lowest median *validation* loss over its seeds (a diverged run,
    loss nan, counts as infinitely bad). runs: the run dicts of one model, any learning rates."""
    cells = sorted({r["cell"] for r in runs})
    if len(cells) != 1:
        raise ValueError(f"runs must hold the runs of exactly one model; got models {cells}")

    def median_val(lr):
        return np.median([np.nan_to_num(r["val"], nan=np.inf) for r in runs if r["lr"] == lr])
    return min(sorted({r["lr"] for r in runs}, reverse=True), key=median_val)


def summarise(runs):
    """{cell: {"lr" (chosen on validation), "seeds", "test" (per seed at that lr), "median" (of
    test), "by_lr" {lr: median validation loss}, "runs" (the chosen rate's run dicts)}}."""
    out = {}
    for cell in [c for c in CELLS if any(r["cell"] == c for r in runs)]:
        rs = [r for r in runs if r["cell"] == cell]
        lr = choose_lr(rs)
        chosen = sorted((r for r in rs if r["lr"] == lr), key=lambda r: r["seed"])
        out[cell] = {"lr": lr, "seeds": [r["seed"] for r in chosen],
                     "test": [r["test"] for r in chosen],
                     "median": float(np.median([r["test"] for r in chosen])),
                     "by_lr": {x: float(np.median([r["val"] for r in rs if r["lr"] == x]))
                               for x in sorted({r["lr"] for r in rs}, reverse=True)},
                     "runs": chosen}
    return out


def load(path):
    """The stored experiment written by ``benchmarks/text_runs.py``: a dict with "machine",
    "settings", "chosen_lr", "seconds" and "runs"."""
    path = pathlib.Path(path)
    stored = json.loads(path.read_text()) if path.is_file() else None
    if not isinstance(stored, dict) or "runs" not in stored:
        raise ValueError(f"path must be the run stored by benchmarks/text_runs.py; got {path}")
    return stored


def report(stored):
    """The stored comparison as text: the machine and budget; each model's median validation loss
    at every learning rate and the rate chosen; every seed's test loss at that rate, the median,
    and how many LSTM seeds beat every RNN seed."""
    s, m, st = summarise(stored["runs"]), stored["machine"], stored["settings"]
    lrs = sorted(st["lrs"], reverse=True)
    rows = [f"machine: {m['processor']}, {m['cpus']} CPUs, numpy {m['numpy']}",
            f"each run: {st['steps']} batches of {st['batch']} windows of {st['T']} characters,",
            f"          H = {st['hidden']}, {st['dtype']}, seeds {min(st['seeds'])}-{max(st['seeds'])}",
            "median validation loss (nats per character) at each learning rate:",
            f"{'':6}" + "".join(f"{fmt_lr(lr):>7}" for lr in lrs) + "   chosen"]
    rows += [f"{LABELS[c]:<6}" + "".join(f"{s[c]['by_lr'][lr]:7.3f}" for lr in lrs)
             + f"   {fmt_lr(s[c]['lr'])}" for c in s]
    rows += ["test loss at the chosen rate, seed by seed, and the median:"]
    rows += [f"{LABELS[c]:<6}" + "".join(f"{v:7.3f}" for v in s[c]["test"])
             + f"   median {s[c]['median']:.3f}" for c in s]
    if set(s) == set(CELLS):
        wins = sum(v < min(s["rnn"]["test"]) for v in s["lstm"]["test"])
        rows.append(f"LSTM seeds below every RNN seed: {wins}/{len(s['lstm']['test'])}; "
                    f"median RNN - median LSTM: {s['rnn']['median'] - s['lstm']['median']:.3f}")
    return "\n".join(rows)


def plot_losses(logs, unigram, ax=None):
    """Validation loss after each round for each model (logs: {label: log}) against the two
    baselines (uniform guess ln V, character frequencies)."""
    from .plotting import label, new_figure

    if ax is None:
        _, ax = new_figure(width=6.5, height=3.0)
    for (name, log), marker in zip(logs.items(), "os^"):
        ax.plot([e["step"] for e in log], [e["val_loss"] for e in log], marker=marker,
                label=f"{name}, validation text")
    for y, ls, name in ((np.log(len(ALPHABET)), ":", f"uniform guess (ln {len(ALPHABET)})"),
                        (unigram, "--", "character frequencies only")):
        ax.axhline(y, ls=ls, color="#555555")
        ax.text(1.0, y, name + " ", transform=ax.get_yaxis_transform(), ha="right",
                va="bottom", color="#333333")                # baselines labelled on their lines
    label(ax, "Character models on The Devil's Dictionary", "training batches",
          "loss (nats per character)")
    ax.set_ylim(top=np.log(len(ALPHABET)) + 0.3)
    ax.legend(loc="upper right", bbox_to_anchor=(1, 0.86), frameon=False)
    return ax
