"""Chapter 9b: sentiment where word order matters -- LSTM vs bag of words vs bag of bigrams.

The reviews are written by templates for the book (generated, seeded; no licence question).
A review is one or two clauses about its subject:

    <subject> is [not] <2-4 intensifiers> <adjective>  [ , it is [not] <2-4 intensifiers> <adjective> ]

e.g. "the film is not really very so good , it is quite truly dull". Every clause of a review says the
same thing (label 1 = positive): a positive adjective, or a negated negative one. The "not" stands three
to five words before the adjective it flips, so no word pair and no triple of words contains both; and
two reviews with opposite labels can have the same bag of words *and* the same bag of bigrams (the
chapter shows one such pair).
"""
from __future__ import annotations

import collections

import numpy as np

from lstm_helpers.engine.optim import Adam
from lstm_helpers.engine.validation import check_array, check_number, check_positive_int
from lstm_helpers.training import loop, models

SUBJECTS = ("the film", "this movie", "the plot", "the acting", "the ending", "the music")
POSITIVE = ("good", "great", "fun", "clever", "moving")
NEGATIVE = ("bad", "dull", "boring", "awful", "silly")
INTENSIFIERS = ("really", "very", "quite", "truly", "so")
GAP = (2, 4)                  # fewest and most intensifiers between "not" (or "is") and the adjective
WORDS = sorted({w for s in SUBJECTS for w in s.split()} | set(POSITIVE) | set(NEGATIVE) |
               set(INTENSIFIERS) | {"is", "not", ",", "it"})


def _pick(options, rng):
    return options[rng.integers(len(options))]


def _clause(positive, rng):
    """["is", ("not",) intensifiers..., adjective] saying ``positive``; negated half of the time."""
    negated = bool(rng.integers(2))
    adjective = _pick(NEGATIVE if positive == negated else POSITIVE, rng)
    fill = [_pick(INTENSIFIERS, rng) for _ in range(rng.integers(GAP[0], GAP[1] + 1))]
    return ["is"] + ["not"] * negated + fill + [adjective]


def review(rng):
    """One (words, label, clauses) triple; label 1 = positive, clauses 1 or 2 (half each)."""
    positive = bool(rng.integers(2))
    words = _pick(SUBJECTS, rng).split() + _clause(positive, rng)
    if rng.integers(2):
        return words, int(positive), 1
    return words + [",", "it"] + _clause(positive, rng), int(positive), 2


def dataset(n, seed=0):
    """n reviews: (list of word lists, labels (n,), number of clauses (n,) each 1 or 2)."""
    n = check_positive_int("n", n)
    rng = np.random.default_rng(seed)
    rows = [review(rng) for _ in range(n)]
    return [r[0] for r in rows], np.array([r[1] for r in rows]), np.array([r[2] for r in rows])


def label_of(words):
    """The rule, read off the words: the last clause's adjective, flipped if that clause has "not"."""
    _check_reviews([words])
    if "is" not in words:
        raise ValueError(f"words must end with a clause 'is [not] ... <adjective>'; got {' '.join(words)!r}")
    clause = words[len(words) - words[::-1].index("is"):]                 # after the last "is"
    adjective = [w for w in clause if w in POSITIVE + NEGATIVE]
    if len(adjective) != 1:
        raise ValueError(f"words must end with a clause 'is [not] ... <adjective>'; got {' '.join(words)!r}")
    return int((adjective[0] in POSITIVE) != ("not" in clause))


def one_hot_batch(reviews):
    """Word lists -> x (T, B, V) one-hot, left-padded with zeros to the longest review."""
    _check_reviews(reviews)
    T = max(len(r) for r in reviews)
    x = np.zeros((T, len(reviews), len(WORDS)))
    for b, words in enumerate(reviews):
        for t, w in enumerate(words):
            x[T - len(words) + t, b, WORDS.index(w)] = 1.0
    return x


def ngram_counts(words, n):
    """Counter of the n-grams (tuples of n consecutive words) of one review."""
    n = check_positive_int("n", n)
    return collections.Counter(tuple(words[i:i + n]) for i in range(len(words) - n + 1))


def bag_of_ngrams(reviews, vocab, n):
    """Counts of the n-grams in ``vocab`` (a list of tuples): (B, len(vocab)); others are ignored."""
    _check_reviews(reviews)
    column = {g: j for j, g in enumerate(vocab)}
    X = np.zeros((len(reviews), len(vocab)))
    for b, words in enumerate(reviews):
        for g, count in ngram_counts(words, n).items():
            if g in column:
                X[b, column[g]] = count
    return X


def train_ngrams(reviews, labels, n=1, steps=2000, lr=0.5):
    """Logistic regression on n-gram counts (n=1: bag of words, n=2: bag of bigrams).

    Full-batch gradient descent on the mean cross-entropy; the vocabulary is every n-gram of the
    training reviews. Returns {"n", "vocab": list of tuples, "w": (len(vocab),), "b": float}.
    """
    n, steps = check_positive_int("n", n), check_positive_int("steps", steps)
    lr = check_number("lr", lr, 1e-12, 100)
    vocab = sorted({g for words in reviews for g in ngram_counts(words, n)})
    X = bag_of_ngrams(reviews, vocab, n)
    y = check_array("labels", labels, (len(reviews),)).astype(float)
    w, b = np.zeros(len(vocab)), 0.0
    for _ in range(steps):
        p = 0.5 * (1 + np.tanh(0.5 * (X @ w + b)))                         # sigmoid
        w -= lr * X.T @ (p - y) / len(y)
        b -= lr * float(np.mean(p - y))
    return {"n": n, "vocab": vocab, "w": w, "b": b}


def ngram_predict(model, reviews):
    """Predicted labels (B,) of a ``train_ngrams`` model."""
    return (bag_of_ngrams(reviews, model["vocab"], model["n"]) @ model["w"] + model["b"] > 0).astype(int)


def train_lstm(reviews, labels, hidden=16, steps=200, batch=32, lr=1e-2, seed=0, progress=True):
    """An LSTM classifier reading the review word by word (read-out at the last word).

    Adam at ``lr``, gradient clipping at norm 1, ``steps`` batches of ``batch`` reviews drawn from
    the training set. Returns the trained model params.
    """
    hidden, steps, batch = (check_positive_int(k, v) for k, v in
                            (("hidden", hidden), ("steps", steps), ("batch", batch)))
    lr = check_number("lr", lr, 1e-12, 10)
    x_all = one_hot_batch(reviews)
    y_all = check_array("labels", labels, (len(reviews),)).astype(int)
    rng = np.random.default_rng(seed)
    p = models.init_model("lstm", len(WORDS), hidden, 2, rng, forget_bias=1.0)

    def sample(r):
        k = r.integers(0, len(reviews), size=batch)
        return x_all[:, k], y_all[k]

    p, _ = loop.train("lstm", p, sample, steps, rng, optimizer=Adam(lr), clip=1.0, progress=progress,
                          desc="training the sentiment LSTM")
    return p


def lstm_predict(params, reviews):
    """Predicted labels (B,) of the LSTM."""
    return models.predict("lstm", params, one_hot_batch(reviews)).argmax(axis=-1)


def accuracies(pred, labels, clauses):
    """{"all", "one clause", "two clauses"} accuracies of predictions (B,) against labels (B,)."""
    pred = check_array("pred", pred, ("B",))
    labels = check_array("labels", labels, (len(pred),))
    clauses = check_array("clauses", clauses, (len(pred),))
    ok = pred == labels
    return {"all": float(ok.mean()), "one clause": float(ok[clauses == 1].mean()),
            "two clauses": float(ok[clauses == 2].mean())}


def _check_reviews(reviews):
    if not isinstance(reviews, (list, tuple)) or not reviews:
        raise ValueError(f"reviews must be a non-empty list of word lists; got {type(reviews).__name__}")
    for words in reviews:
        unknown = [w for w in words if w not in WORDS] if isinstance(words, (list, tuple)) else [words]
        if unknown or not words:
            raise ValueError(f"reviews must be lists of the book's words (sentiment.WORDS); got {words!r}")
