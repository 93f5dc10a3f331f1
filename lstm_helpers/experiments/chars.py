"""The character-level text experiment (chapter 9a): The Devil's Dictionary as data, a character RNN or
LSTM trained on it, sampling, held-out loss.

The corpus is *The Devil's Dictionary* (Ambrose Bierce, 1911; public domain), shipped in
``data/devils_dictionary.txt`` from the Internet Wiretap edition as packaged by Debian
(``dict-devil``; see ``data/README.md``): about 950 entries such as "HISTORY, n. An account mostly
false, ...". A model reads one character at a time and predicts the next at every step
(``readout_mode="all"``); sampling feeds its own predictions back in. The text is cut into training,
validation (chooses each model's learning rate) and test parts; ``char_units`` holds the stored run
(``run``) and the search for units that follow the text.
"""
from __future__ import annotations

import pathlib
import re

import numpy as np

from lstm_helpers.engine import lstm, rnn
from lstm_helpers.engine.losses import cross_entropy, softmax
from lstm_helpers.engine.optim import Adam
from lstm_helpers.engine.validation import check_number, check_option, check_positive_int
from lstm_helpers.training import loop, models

DATA = pathlib.Path(__file__).parents[1] / "data" / "devils_dictionary.txt"
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
        params, hist = loop.train(cell, params, lambda g: batch(train_ids, T, B, g, dtype),
                                      steps_per_round, rng, optimizer=opt, clip=clip,
                                      readout_mode="all", progress=progress,
                                      desc=f"character {LABELS[cell]}, round {k + 1}")
        log.append(record((k + 1) * steps_per_round, float(np.mean(hist["loss"][-20:]))))
    return params, log

