"""Chapter 9a, "which units track what": looking inside a trained character model.

As in Karpathy (2015), we ask whether single units of a character model follow something about
the text. ``features`` says what the text is doing at each character (position in the line, inside
quotes or parentheses, on a headword, a capital letter); ``states`` records every unit of h_t (and
the LSTM's cell state C_t) while the model reads; ``best_units`` picks, for each feature, the unit
that follows it best on the validation text and measures that unit on the test text;
``units_report`` sums up that search over the stored runs; ``colour_html`` paints a passage by one
unit's value. The corpus, the models and their training are in ``textgen``.
"""
from __future__ import annotations

import html
import re

import numpy as np

from . import models, textgen
from .validation import check_option

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
    check_option("cell", cell, textgen.CELLS)
    one_hot = np.eye(len(textgen.ALPHABET), dtype=params["W_y"].dtype)
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
        s = states(params, textgen.encode(text), cell)
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


def units_report(stored):
    """Per feature, the best unit's correlation r on the test text (the unit chosen on validation;
    r counted negative if its direction flipped): every LSTM seed at its chosen rate and the median,
    then the medians for the same LSTMs untrained and for the trained RNN.
    stored: the experiment ``textgen.load`` reads."""
    s = textgen.summarise(stored["runs"])

    def r(runs, key, f):                   # test r, counted positive in the validation direction
        return [np.nan if x[key][f]["unit"] is None
                else x[key][f]["r_test"] * np.sign(x[key][f]["r_val"]) for x in runs]

    rows = [f"{'feature':<19}{'LSTM, seed by seed':<32}{'median':>7}{'untrained':>10}{'RNN':>6}"]
    for f in FEATURES:
        seeds = r(s["lstm"]["runs"], "units", f)
        untrained = np.median(r(s["lstm"]["runs"], "units_untrained", f))
        rnn_median = np.median(r(s["rnn"]["runs"], "units", f))
        rows.append(f"{f:<19}" + "".join(f"{v:6.2f}" for v in seeds).ljust(32)
                    + f"{np.median(seeds):7.2f}{untrained:10.2f}{rnn_median:6.2f}")
    return "\n".join(rows)


def colour_html(text, values, caption):
    """``text`` as HTML, each character on a background showing its value (n,) relative to the
    passage's mean: blue below, white at, vermillion above (Okabe-Ito colours, colour-blind safe),
    at most 70 % strength so the black text stays readable; a white card in light and dark themes.
    Newlines show as ↵. ``caption`` says what the colours mean (the figure's text alternative)."""
    v = np.asarray(values, dtype=np.float64)
    if not isinstance(text, str) or v.shape != (len(text),) or not np.all(np.isfinite(v)):
        raise ValueError(f"values must be {len(text)} finite numbers, one per character of text; "
                         f"got shape {v.shape}")
    v = v - v.mean()
    v = v / (np.abs(v).max() or 1.0)
    spans = []
    for ch, a in zip(text, v):
        end = np.array((0xD5, 0x5E, 0x00) if a > 0 else (0x00, 0x72, 0xB2))
        r, g, b = np.round(255 + 0.7 * abs(a) * (end - 255)).astype(int)
        shown = "↵\n" if ch == "\n" else html.escape(ch)
        spans.append(f'<span style="background:rgb({r},{g},{b})">{shown}</span>')
    return ('<figure style="margin:0"><div style="font-family:monospace;white-space:pre-wrap;'
            'line-height:1.6;background:#fff;color:#000;padding:0.6em;border:1px solid #888">'
            + "".join(spans) + "</div><figcaption>" + html.escape(caption)
            + "</figcaption></figure>")
