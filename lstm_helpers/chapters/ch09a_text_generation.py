"""Chapter 9a: a character-level RNN and LSTM that learn to write like Ambrose Bierce -- what the page
prints and draws. The corpus, the models, their training and the stored run are in
``experiments.chars`` and ``experiments.char_units``.
"""
from __future__ import annotations

import html
import textwrap

import numpy as np

from lstm_helpers.engine.validation import check_positive_int
from lstm_helpers.experiments import char_units, results
from lstm_helpers.experiments.chars import ALPHABET, CELLS, LABELS
from lstm_helpers.experiments.results import LINE, fmt_lr
from lstm_helpers.figures.style import label, new_figure


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


def report(stored):
    """The stored comparison as text: the machine and budget; each model's median validation loss
    at every learning rate and the rate chosen; every seed's test loss at that rate, the median,
    and how many LSTM seeds beat every RNN seed."""
    by_model = {k[0]: v for k, v in results.summarise(stored["runs"]).items()}
    s = {c: by_model[c] for c in CELLS if c in by_model}                 # RNN first, as the page reads
    m, st = stored["machine"], stored["settings"]
    lrs = sorted(st["lrs"], reverse=True)
    rows = [f"machine: {m['processor']}, {m['cpus']} CPUs, numpy {m['numpy']}",
            f"each run: {st['steps']} batches of {st['batch']} windows of {stored['runs'][0]['size']} characters,",
            f"          H = {st['hidden']}, {st['dtype']}, seeds {min(st['seeds'])}-{max(st['seeds'])}",
            "median validation loss (nats per character) at each learning rate:",
            f"{'':6}" + "".join(f"{fmt_lr(lr):>7}" for lr in lrs) + "   chosen"]
    rows += [f"{LABELS[c]:<6}" + "".join(f"{s[c]['by_lr'][lr]['median_val']:7.3f}" for lr in lrs)
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
    if ax is None:
        _, ax = new_figure(height=3.0)
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


def units_report(stored):
    """Per feature, the best unit's correlation r on the test text (the unit chosen on validation;
    r counted negative if its direction flipped): every LSTM seed at its chosen rate and the median,
    then the medians for the same LSTMs untrained and for the trained RNN.
    stored: chapter 9a's stored run (``results.load``)."""
    s = {k[0]: v for k, v in results.summarise(stored["runs"]).items()}

    def r(runs, key, f):                   # test r, counted positive in the validation direction
        return [np.nan if x[key][f]["unit"] is None
                else x[key][f]["r_test"] * np.sign(x[key][f]["r_val"]) for x in runs]

    rows = [f"{'feature':<19}{'LSTM, seed by seed':<32}{'median':>7}{'untrained':>10}{'RNN':>6}"]
    for f in char_units.FEATURES:
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

