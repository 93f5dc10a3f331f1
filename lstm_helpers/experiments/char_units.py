"""Chapter 9a's stored run, and "which units track what": looking inside a trained character model.

``run`` trains one character model (``text``) at one learning rate and seed and records every number
the page reports; ``benchmarks/full_runs.py`` (``make full``) runs the grid and
``results.summarise`` chooses each model's rate on the validation text.

As in Karpathy (2015), we ask whether single units of a character model follow something about
the text. ``features`` says what the text is doing at each character (position in the line, inside
quotes or parentheses, on a headword, a capital letter); ``states`` records every unit of h_t (and
the LSTM's cell state C_t) while the model reads; ``best_units`` picks, for each feature, the unit
that follows it best on the validation text and measures that unit on the test text.
"""
from __future__ import annotations

import re
import time

import numpy as np

from lstm_helpers.engine.validation import check_option, check_positive_int
from lstm_helpers.experiments import chars
from lstm_helpers.training import models

FEATURES = ("line position", "inside quotes", "inside parentheses", "headword", "capital letter")


def features(text):
    """What the text is doing at each character, as known once it is read: {name: (n,) floats}.

    line position: characters since the last newline (0 at a newline).
    inside quotes / inside parentheses: 1 from an opening " or ( up to, not including, its closing
    mark; both restart at a blank line, so one stray mark cannot flip the rest of the book.
    headword: 1 on an entry's upper-case headword, from the start of a line that follows a blank
    line (or starts the text) up to, not including, the first comma.
    capital letter: 1 on A-Z, a control that needs no memory: the character itself says it.
    """
    if not isinstance(text, str) or not text:
        raise ValueError(f"text must be a non-empty string; got {text!r:.40}")
    out = {name: np.zeros(len(text)) for name in FEATURES}
    col = quote = depth = 0
    for t, ch in enumerate(text):
        col = 0 if ch == "\n" else col + 1
        quote ^= ch == '"'
        depth = depth + 1 if ch == "(" else max(depth - (ch == ")"), 0)
        if ch == "\n" and text[t - 1: t] == "\n":
            quote = depth = 0
        out["line position"][t], out["inside quotes"][t] = col, quote
        out["inside parentheses"][t], out["capital letter"][t] = depth > 0, "A" <= ch <= "Z"
    for m in re.finditer(r"(?:\A|(?<=\n\n))[A-Z][A-Z0-9 '.-]*(?=,)", text):
        out["headword"][m.start():m.end()] = 1.0
    return out


def states(params, ids, cell="lstm"):
    """Every unit's value while reading ``ids`` (n,) as one continuous text, from a zero state:
    {"h": (n, H)}, and for the LSTM also {"c": (n, H)} (the cell state C_t)."""
    check_option("cell", cell, chars.CELLS)
    one_hot = np.eye(len(chars.ALPHABET), dtype=params["W_y"].dtype)
    x = one_hot[np.asarray(ids)][:, None]                                # (n, 1, V): one text
    trace = models.engine(cell).forward(models.cell_params(params), x)
    return {k: getattr(trace, k)[:, 0] for k in (("h", "c") if cell == "lstm" else ("h",))}


def correlations(values, feature):
    """Pearson r of each column of values (n, U) with feature (n,) -> (U,); nan where either is
    constant (a feature absent from a passage has no correlation)."""
    v, f = np.asarray(values, dtype=np.float64), np.asarray(feature, dtype=np.float64)
    if v.ndim != 2 or f.shape != (v.shape[0],):
        raise ValueError(f"values must be (n, U) and feature (n,); got {v.shape} and {f.shape}")
    v, f = v - v.mean(0), f - f.mean()
    den = np.sqrt((v * v).sum(0) * (f * f).sum())
    return np.where(den > 0, (v * f[:, None]).sum(0) / np.where(den > 0, den, 1.0), np.nan)


def best_units(params, val_text, test_text, cell="lstm"):
    """For each feature, the unit of h (or C) that correlates most (largest |r|) with it on the
    validation text, and its r on the test text: choosing and measuring on different text keeps
    the search over units from flattering the result.
    -> {feature: {"state": "h" or "c", "unit", "r_val", "r_test"}} (unit None, r nan when the
    feature does not vary in the validation text)."""
    parts = []
    for text in (val_text, test_text):
        s = states(params, chars.encode(text), cell)
        parts.append((np.concatenate(list(s.values()), axis=1), features(text)))
    H, out = params["W_y"].shape[1], {}
    for name in FEATURES:
        r_val = correlations(parts[0][0], parts[0][1][name])
        if np.all(np.isnan(r_val)):
            out[name] = {"state": None, "unit": None, "r_val": np.nan, "r_test": np.nan}
            continue
        k = int(np.nanargmax(np.abs(r_val)))
        r_test = float(correlations(parts[1][0][:, [k]], parts[1][1][name])[0])
        out[name] = {"state": "hc"[k // H], "unit": k % H, "r_val": float(r_val[k]),
                     "r_test": r_test}
    return out


def run(cell, lr, seed, steps=500, hidden=128, T=48, B=32, steps_per_round=100, dtype="float32"):
    """One stored run: ``cell`` trained at ``lr`` with ``seed`` for ``steps`` batches, and every
    number the page reports: "curve" [[batches, validation loss]], "val", "test" (nats per
    character), "units" (``best_units``, r to 3 decimals), "units_untrained" (the same
    search in the model before training: what a unit follows by chance) and "seconds"."""
    steps = check_positive_int("steps", steps)
    if steps % check_positive_int("steps_per_round", steps_per_round):
        raise ValueError(f"steps must be a multiple of steps_per_round = {steps_per_round}; "
                         f"got {steps}")
    start = time.perf_counter()
    text = chars.corpus()
    params, log = chars.train_with_samples(text, cell, lr, seed, steps // steps_per_round,
                                     steps_per_round, hidden, T, B, prefix=None,
                                     dtype=np.dtype(dtype), progress=False)
    _, val_text, test_text = chars.split_text(text)
    untrained = chars.init(cell, hidden, np.random.default_rng(seed), np.dtype(dtype))

    def rounded(units):
        return {f: {k: round(v, 3) if isinstance(v, float) else v for k, v in u.items()}
                for f, u in units.items()}
    return {"model": cell, "task": "text", "size": T, "lr": lr, "seed": seed, "steps": steps, "hidden": hidden,
            "batch": B, "dtype": str(np.dtype(dtype)), "val": round(log[-1]["val_loss"], 4),
            "test": round(chars.heldout_loss(params, chars.encode(test_text), T, cell), 4),
            "curve": [[e["step"], round(e["val_loss"], 4)] for e in log],
            "units": rounded(best_units(params, val_text, test_text, cell)),
            "units_untrained": rounded(best_units(untrained, val_text, test_text, cell)),
            "seconds": round(time.perf_counter() - start, 1)}
