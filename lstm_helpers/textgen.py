"""Chapter 9a: a character-level LSTM that learns to write like this book.

The corpus is the book's own prose: the markdown cells of the chapter notebooks (no download, no
licence question). The model reads one character at a time and predicts the next at every step
(``readout_mode="all"``); sampling feeds its own predictions back in.
"""
from __future__ import annotations

import json
import pathlib
import re

import numpy as np

from . import lstm, models, training
from .losses import softmax
from .optim import Adam
from .validation import check_number, check_positive_int

BOOK = pathlib.Path(__file__).resolve().parents[1] / "book"
ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789 .,;:'()-?!\n"


def corpus(max_chars=40_000):
    """The book's prose, lower-cased, reduced to ALPHABET (math, code and markup removed)."""
    max_chars = check_positive_int("max_chars", max_chars, minimum=100)
    parts = []
    for path in sorted(BOOK.glob("0*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "markdown":
                parts.append("".join(cell["source"]))
    text = "\n".join(parts).lower()
    text = re.sub(r"\$\$.*?\$\$|\$[^$]*\$|```.*?```|`[^`]*`|:::.*?\n|\{[a-z]+\}", " ", text, flags=re.S)
    text = "".join(ch if ch in ALPHABET else " " for ch in text)
    text = re.sub(r"[ ]+", " ", re.sub(r"\n\s*\n+", "\n", text))
    return text[:max_chars]


def encode(text):
    """str -> (n,) int ids into ALPHABET (unknown characters become spaces)."""
    return np.array([ALPHABET.index(c) if c in ALPHABET else ALPHABET.index(" ") for c in text])


def batch(ids, T, B, rng):
    """Random windows: x (T, B, V) one-hot of ids[s : s+T], y (T, B) the next characters."""
    starts = rng.integers(0, ids.size - T - 1, size=B)
    idx = starts[None] + np.arange(T)[:, None]                      # (T, B)
    return np.eye(len(ALPHABET))[ids[idx]], ids[idx + 1]


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


def train_with_samples(text, rounds=3, steps_per_round=100, hidden=96, T=48, B=32, seed=0, prefix="the forget gate",
                       progress=True):
    """Train in rounds; after each, record the mean loss and a greedy and a sampled continuation.

    Returns (params, log) with log = [{"step", "loss", "greedy", "sampled"}, ...] (step 0 = untrained).
    """
    ids = encode(text)
    rng = np.random.default_rng(seed)
    V = len(ALPHABET)
    params = models.init_model("lstm", V, hidden, V, rng, forget_bias=1.0)
    opt = Adam(1e-2)
    log = [{"step": 0, "loss": float(np.log(V)), "greedy": sample(params, prefix, 60, rng, 0.0),
            "sampled": sample(params, prefix, 60, rng)}]
    for r in range(rounds):
        params, hist = training.train("lstm", params, lambda g: batch(ids, T, B, g), steps_per_round, rng,
                                      optimizer=opt, clip=1.0, readout_mode="all", progress=progress,
                                      desc=f"character LSTM, round {r + 1}")
        log.append({"step": (r + 1) * steps_per_round, "loss": float(np.mean(hist["loss"][-20:])),
                    "greedy": sample(params, prefix, 60, rng, 0.0), "sampled": sample(params, prefix, 60, rng)})
    return params, log
