"""Chapter 9b: sentiment where word order matters ("not good", "not bad"), LSTM vs bag of words.

The data set is written for the book by templates (generated, seeded; no licence question):
"<subject> is [really] [not] <adjective>" and "<subject> is <adj>, not <adj>". A review is positive
when the adjective that is *not* negated is positive. A bag of words only counts words, so "not good"
and "good ... not bad"-style reviews are indistinguishable to it when they use the same words.
"""
from __future__ import annotations

import numpy as np

from . import models, training
from .optim import Adam
from .validation import check_positive_int

SUBJECTS = ("the film", "this movie", "the plot", "the acting", "the ending", "the music")
POSITIVE = ("good", "great", "fun", "clever", "moving")
NEGATIVE = ("bad", "dull", "boring", "awful", "silly")
WORDS = sorted({w for s in SUBJECTS for w in s.split()} | set(POSITIVE) | set(NEGATIVE) |
               {"is", "really", "not", ","})


def review(rng):
    """One (words, label, has_negation) triple; label 1 = positive."""
    subject = SUBJECTS[rng.integers(len(SUBJECTS))].split()
    pos, neg = POSITIVE[rng.integers(len(POSITIVE))], NEGATIVE[rng.integers(len(NEGATIVE))]
    kind = rng.integers(4)
    if kind == 0:                                                    # "is good" / "is bad"
        good = bool(rng.integers(2))
        return subject + ["is"] + (["really"] if rng.integers(2) else []) + [pos if good else neg], int(good), False
    if kind == 1:                                                    # "is not good" / "is not bad"
        good = bool(rng.integers(2))
        return subject + ["is", "not", neg if good else pos], int(good), True
    first_good = bool(rng.integers(2))                               # "is good , not bad" / "is bad , not good"
    a, b = (pos, neg) if first_good else (neg, pos)
    return subject + ["is", a, ",", "not", b], int(first_good), True


def dataset(n, seed=0):
    """n reviews: (list of word lists, labels (n,), negation flags (n,))."""
    n = check_positive_int("n", n)
    rng = np.random.default_rng(seed)
    rows = [review(rng) for _ in range(n)]
    return [r[0] for r in rows], np.array([r[1] for r in rows]), np.array([r[2] for r in rows])


def one_hot_batch(reviews):
    """Word lists -> x (T, B, V) one-hot, left-padded with zeros to the longest review."""
    T = max(len(r) for r in reviews)
    x = np.zeros((T, len(reviews), len(WORDS)))
    for b, words in enumerate(reviews):
        for t, w in enumerate(words):
            x[T - len(words) + t, b, WORDS.index(w)] = 1.0
    return x


def bag_of_words(reviews):
    """Word counts: (B, V)."""
    return one_hot_batch(reviews).sum(axis=0)


def train_bow(reviews, labels, steps=2000, lr=0.5):
    """Logistic regression on word counts, full-batch gradient descent; returns (w (V,), b)."""
    X, y = bag_of_words(reviews), np.asarray(labels, float)
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(steps):
        p = 0.5 * (1 + np.tanh(0.5 * (X @ w + b)))
        w -= lr * X.T @ (p - y) / len(y)
        b -= lr * float(np.mean(p - y))
    return w, b


def bow_predict(model, reviews):
    """Predicted labels (B,) of the bag-of-words model."""
    w, b = model
    return (bag_of_words(reviews) @ w + b > 0).astype(int)


def train_lstm(reviews, labels, hidden=16, steps=300, batch=64, seed=0, progress=True):
    """An LSTM classifier reading the review word by word (read-out at the last word)."""
    rng = np.random.default_rng(seed)
    x_all, y_all = one_hot_batch(reviews), np.asarray(labels)
    p = models.init_model("lstm", len(WORDS), hidden, 2, rng, forget_bias=1.0)

    def sample(r):
        k = r.integers(0, len(reviews), size=batch)
        return x_all[:, k], y_all[k]

    p, _ = training.train("lstm", p, sample, steps, rng, optimizer=Adam(1e-2), clip=1.0, progress=progress,
                          desc="training the sentiment LSTM")
    return p


def lstm_predict(params, reviews):
    """Predicted labels (B,) of the LSTM."""
    return models.predict("lstm", params, one_hot_batch(reviews)).argmax(axis=-1)


def accuracies(pred, labels, negation):
    """{"all", "negated", "plain"} accuracies of predictions against labels."""
    pred, labels, negation = map(np.asarray, (pred, labels, negation))
    ok = pred == labels
    return {"all": float(ok.mean()), "negated": float(ok[negation].mean()), "plain": float(ok[~negation].mean())}
