"""Chapter 7, "A story the LSTM remembers": token by token, which gates open and what the memory holds.

Twice: an LSTM wired by hand, so every gate's role is transparent, and a small LSTM trained on the
recall task, in which we look for the units that carry the country.
"""
from __future__ import annotations

import numpy as np

from . import lstm, models, tasks, training
from .optim import Adam
from .plotting import GATE_COLORS, label, new_figure
from .validation import check_number, check_option, check_positive_int

STORY = ["Pakistan", "school", "friends", "rain", "music", "city", "years", "food", "went", "<speak>"]


def hand_wired(big=10.0):
    """A 6-unit LSTM (one unit per country) plus read-out, with weights chosen by hand.

    Unit k: candidate C̃ ≈ 1 only on country k; input gate open only on a country token;
    forget gate open (≈ 1) except on a country token, where it clears the old country;
    output gate open only on <speak>. Read-out: language k's score = 5·h_k.
    big: how hard the gates saturate (σ(10) ≈ 0.99995).
    """
    big = check_number("big", big, 1.0, 40.0)
    vocab = tasks.recall_vocab()
    V, H, C = len(vocab.tokens), 6, len(vocab.countries)
    W = {g: np.zeros((H, H + V)) for g in "fico"}
    country_cols = H + np.arange(C)
    W["c"][np.arange(C), country_cols] = big                   # C̃_k = tanh(big) on country k, else 0
    W["i"][:, country_cols] = 2 * big                           # write on any country ...
    W["f"][:, country_cols] = -2 * big                          # ... and forget the previous one
    W["o"][:, H + V - 1] = 2 * big                              # speak only at <speak>
    p = {f"W_{g}": W[g] for g in "fico"}
    p.update(b_f=np.full(H, big), b_i=np.full(H, -big), b_c=np.zeros(H), b_o=np.full(H, -big))
    p.update(W_y=5.0 * np.eye(C), b_y=np.zeros(C))
    return p


def read_story(params, words):
    """Run the LSTM of a model (params with a read-out) over a list of words.

    Returns (trace, language): trace fields are (T, 1, H); language is the predicted class name.
    """
    vocab = tasks.recall_vocab()
    x = vocab.encode(words)
    trace, logits = models.forward("lstm", params, x)
    return trace, vocab.classes[int(logits[0].argmax())]


def accuracy(params, gap, n=500, seed=1):
    """Test accuracy of an LSTM model on ``n`` seeded recall sequences with ``gap`` distractors."""
    x, y, _ = tasks.recall_task(n, gap, np.random.default_rng(seed))
    return models.accuracy("lstm", params, x, y)


def plot_story(trace, words, unit, ax=None):
    """Gates and states of one unit, token by token: f, i, C̃, o as lines, C and h as markers."""
    if ax is None:
        _, ax = new_figure(width=7.5, height=3.2)
    t = np.arange(len(words))
    for name, title, style in (("f", "forget f", "-"), ("i", "input i", "-"), ("o", "output o", "-"),
                               ("c", "memory C", "o-"), ("h", "said h", "s--")):
        ax.plot(t, getattr(trace, name)[:, 0, unit], style, label=title, color=GATE_COLORS[name], ms=4)
    ax.set_xticks(t, words, rotation=40, ha="right")
    label(ax, f"Unit {unit}, word by word", None, "value")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return ax


def train_small(gap=15, hidden=16, steps=300, seed=0, progress=True):
    """A small LSTM trained on the recall task (papers' gate init: b_f = 3, b_i = −3).

    Returns (params, history). Adam lr 1e-2, clipping 1, batches of 32.
    """
    gap = check_positive_int("gap", gap, minimum=0)
    rng = np.random.default_rng(seed)
    V = len(tasks.recall_vocab().tokens)
    params = models.init_model("lstm", V, hidden, 6, rng, forget_bias=3.0)
    params["b_i"][:] = -3.0

    def sample(r):
        x, y, _ = tasks.recall_task(32, gap, r)
        return x, y

    return training.train("lstm", params, sample, steps, rng, optimizer=Adam(1e-2), clip=1.0,
                          progress=progress, desc="training the story LSTM")


def country_units(params, gap=15, n=600, seed=2):
    """Rank hidden units by how clearly their memory separates the six countries.

    For each unit: the variance of its mean C (at the step before the query) across countries,
    divided by the mean variance within a country (an F-ratio). Returns (order, scores).
    """
    x, y, _ = tasks.recall_task(n, gap, np.random.default_rng(seed))
    c = lstm.forward(models.cell_params(params), x).c[-2, :, :]            # (n, H) just before <speak>
    means = np.stack([c[y == k].mean(axis=0) for k in range(6)])
    within = np.mean([c[y == k].var(axis=0) for k in range(6)], axis=0)
    scores = means.var(axis=0) / (within + 1e-12)
    return np.argsort(scores)[::-1], scores


def plot_unit_memories(params, units, words_after, ax=None):
    """C_t of the given units while reading "<country> + words_after", one line per country."""
    check_option("number of units", len(units), (1, 2))
    vocab = tasks.recall_vocab()
    if ax is None:
        _, ax = new_figure(1, len(units), width=9, height=3.0, squeeze=False)
        ax = ax[0]
    colours = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]
    for a, unit in zip(ax, units):
        for k, country in enumerate(vocab.countries):
            trace, _ = read_story(params, [country] + list(words_after))
            a.plot(trace.c[:, 0, unit], color=colours[k], label=country)
        label(a, f"Memory of unit {unit}", "word position", "C_t")
    ax[-1].legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return ax
