"""Chapter 9a: a character-level LSTM that learns to write like Ambrose Bierce.

The corpus is *The Devil's Dictionary* (Ambrose Bierce, 1911; public domain, copyright expired),
shipped in ``lstm_helpers/data/devils_dictionary.txt`` from the Internet Wiretap edition as packaged
by Debian (``dict-devil``); see ``data/README.md``. About 950 entries such as
"HISTORY, n.  An account mostly false, of events mostly unimportant, ...": a format (upper-case
headword, part of speech, definition) that a small LSTM picks up within seconds. The model reads one
character at a time and predicts the next at every step (``readout_mode="all"``); sampling feeds its
own predictions back in.
"""
from __future__ import annotations

import pathlib
import re

import numpy as np

from . import lstm, models, training
from .losses import cross_entropy, softmax
from .optim import Adam
from .validation import check_number, check_positive_int

DATA = pathlib.Path(__file__).with_name("data") / "devils_dictionary.txt"
ALPHABET = ("\n !\"'(),-.:;?_0123456789"
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
FIRST_ENTRY = "ABASEMENT, n."


def corpus(max_chars=None):
    """The dictionary's entries (from the first, ABASEMENT, on) as one string over ALPHABET.

    Lines are stripped and runs of spaces collapsed (the poems' indentation would otherwise be most
    of what the model learns); other characters become spaces. max_chars: keep only the first
    ``max_chars`` characters (None = all, about 330,000).
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
    lookup = {ch: k for k, ch in enumerate(ALPHABET)}
    space = lookup[" "]
    return np.array([lookup.get(ch, space) for ch in text], dtype=np.int64)


def batch(ids, T, B, rng, dtype=np.float64):
    """Random windows: x (T, B, V) one-hot of ids[s : s+T] in ``dtype``, y (T, B) the next characters."""
    starts = rng.integers(0, ids.size - T - 1, size=B)
    idx = starts[None] + np.arange(T)[:, None]                      # (T, B)
    return np.eye(len(ALPHABET), dtype=dtype)[ids[idx]], ids[idx + 1]


def sample(params, prefix, n, rng, temperature=0.8):
    """Continue ``prefix`` by ``n`` characters, drawing each from softmax(logits / temperature).

    temperature 0 means greedy (always the most likely character).
    """
    n = check_positive_int("n", n)
    temperature = check_number("temperature", temperature, 0.0, 5.0)
    eye = np.eye(len(ALPHABET))
    cell = models.cell_params(params)
    H = params["W_f"].shape[0]
    h, c = np.zeros((1, H)), np.zeros((1, H))
    for i in encode(prefix):
        s = lstm.step(cell, eye[i][None], h, c)
        h, c = s.h, s.c
    out = []
    for _ in range(n):
        logits = (h @ params["W_y"].T + params["b_y"])[0]
        k = int(logits.argmax()) if temperature == 0 else int(rng.choice(len(ALPHABET), p=softmax(logits / temperature)))
        out.append(ALPHABET[k])
        s = lstm.step(cell, eye[k][None], h, c)
        h, c = s.h, s.c
    return prefix + "".join(out)


def split(text, fraction=0.9):
    """Ids of the first ``fraction`` of the text (training) and of the rest (validation): (n1,), (n2,).

    The dictionary is alphabetical, so validation is the last letters (about T to Z): entries the
    model never saw.
    """
    fraction = check_number("fraction", fraction, 0.05, 0.95)
    ids = encode(text)
    cut = int(fraction * ids.size)
    return ids[:cut], ids[cut:]


def validation_loss(params, ids, T=48, n=64, seed=1):
    """Mean next-character cross-entropy (nats per character) on ``n`` fixed windows of ``ids``."""
    x, y = batch(ids, T, n, np.random.default_rng(seed), dtype=params["W_f"].dtype)
    logits = models.predict("lstm", params, x, readout_mode="all")             # (T, n, V)
    return cross_entropy(logits.reshape(-1, len(ALPHABET)), y.reshape(-1))[0]


def unigram_loss(train_ids, val_ids):
    """The baseline that knows only how often each character occurs: cross-entropy (nats) on val_ids."""
    counts = np.bincount(train_ids, minlength=len(ALPHABET)) + 1.0            # +1: no zero probabilities
    return float(-np.mean(np.log(counts / counts.sum())[val_ids]))


def train_with_samples(text, rounds=3, steps_per_round=100, hidden=128, T=48, B=32, seed=0, prefix="MEMORY, n.",
                       dtype=np.float32, progress=True):
    """Train on 90% of ``text`` in rounds; after each, record the losses and two continuations of ``prefix``.

    Returns (params, log) with log = [{"step", "train_loss", "val_loss", "greedy", "sampled"}, ...];
    step 0 is the untrained model (train_loss None). val_loss: ``validation_loss`` on the held-out 10%.
    dtype: float32 (as deep-learning frameworks train) is about twice as fast as float64 here.
    """
    train_ids, val_ids = split(text)
    rng = np.random.default_rng(seed)
    V = len(ALPHABET)
    params = models.init_model("lstm", V, hidden, V, rng, dtype=dtype, forget_bias=1.0)
    opt = Adam(1e-2)

    def record(step, train_loss):
        return {"step": step, "train_loss": train_loss, "val_loss": validation_loss(params, val_ids, T),
                "greedy": sample(params, prefix, 80, rng, 0.0), "sampled": sample(params, prefix, 80, rng)}

    log = [record(0, None)]
    for r in range(rounds):
        params, hist = training.train("lstm", params, lambda g: batch(train_ids, T, B, g, dtype), steps_per_round,
                                      rng, optimizer=opt, clip=1.0, readout_mode="all", progress=progress,
                                      desc=f"character LSTM, round {r + 1}")
        log.append(record((r + 1) * steps_per_round, float(np.mean(hist["loss"][-20:]))))
    return params, log


def plot_losses(log, unigram, ax=None):
    """Held-out loss after each round against the two baselines (uniform ln V and unigram)."""
    from .plotting import label, new_figure

    if ax is None:
        _, ax = new_figure(width=6.5, height=3.0)
    steps = [e["step"] for e in log]
    ax.plot(steps, [e["val_loss"] for e in log], marker="o", label="LSTM, held-out text")
    ax.axhline(np.log(len(ALPHABET)), ls=":", color="#555555", label=f"uniform guess (ln {len(ALPHABET)})")
    ax.axhline(unigram, ls="--", color="#D55E00", label="character frequencies only")
    label(ax, "Character LSTM on The Devil's Dictionary", "training batches", "loss (nats per character)")
    ax.legend(fontsize=8, frameon=False, loc="center right")
    return ax
