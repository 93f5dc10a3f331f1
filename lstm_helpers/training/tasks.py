"""Seeded task generators; nothing is downloaded.

- ``adding_problem``: the adding problem in the variant of Arjovsky et al. (2016), also Le et al.'s (2015): values
  in [0, 1], one marked in each half, target their sum (chapters 8, 15, 16). Hochreiter & Schmidhuber's (1997)
  original differs: values in [-1, 1], the first mark among the first ten steps, target 0.5 + (X1 + X2)/4.
- ``recall_task``: the book's running example, "I grew up in Pakistan … I speak fluent ___ → Urdu".
- ``recall_task_varlen``: the same with a different gap per sequence, padded at the end (chapter 13).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_helpers.engine.validation import check_array, check_positive_int, check_rng

COUNTRIES = ("Pakistan", "France", "Japan", "Germany", "Brazil", "China")
LANGUAGES = ("Urdu", "French", "Japanese", "German", "Portuguese", "Mandarin")
DISTRACTORS = ("the", "and", "school", "friends", "rain", "city", "music", "food", "went", "years")
QUERY = "<speak>"
N_CLASSES = len(COUNTRIES)          # the recall task's classes: one language per country


def adding_problem(n, T, rng):
    """n sequences of length T for the adding problem.

    Channel 0 holds values uniform in [0, 1]; channel 1 marks exactly two positions, one in
    each half, with 1. The target is the sum of the two marked values; always predicting its
    mean 1.0 gives MSE = 1/6 ≈ 0.167.
    Returns x: (T, n, 2), y: (n,).
    """
    n = check_positive_int("n", n)
    T = check_positive_int("T", T, minimum=2)
    check_rng("rng", rng)
    values = rng.uniform(0.0, 1.0, size=(T, n))
    half = T // 2
    first = rng.integers(0, half, size=n)
    second = rng.integers(half, T, size=n)
    marks = np.zeros((T, n))
    marks[first, np.arange(n)] = 1.0
    marks[second, np.arange(n)] = 1.0
    y = values[first, np.arange(n)] + values[second, np.arange(n)]
    return np.stack([values, marks], axis=-1), y


@dataclass(frozen=True)
class Vocab:
    """The recall task's vocabulary.

    tokens: every input token; index k is the one-hot position k.
    classes: the languages to predict; class j is the language of ``countries[j]``.
    """

    countries: tuple
    classes: tuple
    distractors: tuple
    query: str

    @property
    def tokens(self):
        return self.countries + self.distractors + (self.query,)

    def decode(self, x):
        """x: (T, D) one-hot or (T,) token ids -> list of T token strings."""
        x = np.asarray(x)
        ids = x.argmax(axis=-1) if x.ndim == 2 else x
        if ids.ndim != 1 or ids.min() < 0 or ids.max() >= len(self.tokens):
            raise ValueError(f"x must be (T, {len(self.tokens)}) one-hot or (T,) token ids; got shape {x.shape}")
        return [self.tokens[k] for k in ids]

    def encode(self, words):
        """List of T token strings -> (T, 1, V) one-hot array (a batch of one)."""
        unknown = [w for w in words if w not in self.tokens]
        if unknown:
            raise ValueError(f"words must come from vocab.tokens; unknown: {unknown}")
        ids = np.array([self.tokens.index(w) for w in words])
        return np.eye(len(self.tokens))[ids][:, None, :]


def recall_vocab(n_countries=6):
    """The Vocab with the first ``n_countries`` countries (2 … 6)."""
    n_countries = check_positive_int("n_countries", n_countries, minimum=2)
    if n_countries > len(COUNTRIES):
        raise ValueError(f"n_countries must be at most {len(COUNTRIES)}; got {n_countries}")
    return Vocab(COUNTRIES[:n_countries], LANGUAGES[:n_countries], DISTRACTORS, QUERY)


def recall_task(n, gap, rng, n_countries=6):
    """n sequences "country, gap distractor words, <speak>" -> the country's language.

    Returns x: (gap + 2, n, V) one-hot with V = n_countries + 10 + 1, y: (n,) language class
    (chance accuracy is 1/n_countries), and the Vocab to decode them.
    """
    n = check_positive_int("n", n)
    gap = check_positive_int("gap", gap, minimum=0)
    check_rng("rng", rng)
    vocab = recall_vocab(n_countries)
    V, C = len(vocab.tokens), len(vocab.countries)
    y = rng.integers(0, C, size=n)
    ids = np.empty((gap + 2, n), dtype=np.int64)
    ids[0] = y
    ids[1:gap + 1] = C + rng.integers(0, len(vocab.distractors), size=(gap, n))
    ids[-1] = V - 1
    return np.eye(V)[ids], y, vocab


def recall_task_varlen(n, gap_min, gap_max, rng, n_countries=6):
    """n recall sequences of different lengths, padded at the end with zero vectors.

    Sequence b is "country, gap_b distractor words, <speak>" with gap_b drawn uniformly from
    gap_min … gap_max, so its length is gap_b + 2; after that it holds all-zero vectors up to
    T = the longest length in the batch (padding is no token at all).
    Returns x: (T, n, V) with V = n_countries + 10 + 1, y: (n,) language class, lengths: (n,).
    """
    n = check_positive_int("n", n)
    gap_min = check_positive_int("gap_min", gap_min, minimum=0)
    gap_max = check_positive_int("gap_max", gap_max, minimum=gap_min)
    check_rng("rng", rng)
    x, y, _ = recall_task(n, gap_max, rng, n_countries)
    gaps = rng.integers(gap_min, gap_max + 1, size=n)
    lengths = gaps + 2
    x[gaps + 1, np.arange(n)] = x[-1]                 # move <speak> right after each gap
    x[np.arange(len(x))[:, None] >= lengths] = 0.0     # everything after it is padding
    return x[:lengths.max()], y, lengths


def one_hot(ids, size):
    """ids: (...) integers in [0, size) -> (..., size) float64 one-hot."""
    ids = check_array("ids", ids, tuple(f"n{k}" for k in range(np.ndim(ids))))
    size = check_positive_int("size", size)
    if ids.dtype.kind not in "iu" or ids.min() < 0 or ids.max() >= size:
        raise ValueError(f"ids must be integers in [0, {size}); got dtype {ids.dtype}, range [{ids.min()}, {ids.max()}]")
    return np.eye(size)[ids]
