"""Chapter 9e: an encoder-decoder LSTM that translates dates ("24 Nov 2026" -> "2026-11-24").

The smallest real instance of the machine behind translation and chatbots (Sutskever et al. 2014):
an *encoder* LSTM reads the input characters; its final (h, C) is the only thing passed on; a
*decoder* LSTM starts from that state and writes the output one character at a time, reading the
previous output character (during training: the correct one, "teacher forcing"; when translating:
its own guess). Both are this book's engine; the gradient reaches the encoder through the
decoder's ``grads["h0"]`` and ``grads["c0"]``.
"""
from __future__ import annotations

import datetime as dt

import numpy as np

from lstm_helpers.engine import lstm
from lstm_helpers.engine.losses import cross_entropy, init_readout, readout, readout_backward
from lstm_helpers.engine.optim import Adam
from lstm_helpers.engine.validation import check_option, check_positive_int, check_rng
from lstm_helpers.training import loop, models

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
FORMATS = {"24 Nov 2026": "{d} {mon} {y}", "24 November 2026": "{d} {month} {y}", "Nov 24, 2026": "{mon} {d}, {y}",
           "24/11/2026": "{dd}/{mm}/{y}", "Tuesday, 24 November 2026": "{weekday}, {d} {month} {y}"}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
IN_CHARS = " ,/0123456789" + "".join(sorted(set("".join(MONTHS + WEEKDAYS))))
OUT_CHARS = "0123456789-"
GO = len(OUT_CHARS)                 # the decoder's first input: "start writing" (one extra input symbol)
OUT_LEN = 10                        # YYYY-MM-DD
FIRST, LAST = dt.date(1900, 1, 1).toordinal(), dt.date(2099, 12, 31).toordinal()


def write_date(date, fmt):
    """A ``datetime.date`` in one of FORMATS (named by its example, e.g. "24 Nov 2026")."""
    check_option("fmt", fmt, FORMATS)
    return FORMATS[fmt].format(d=date.day, dd=f"{date.day:02d}", mm=f"{date.month:02d}", y=date.year,
                               mon=MONTHS[date.month - 1][:3], month=MONTHS[date.month - 1],
                               weekday=WEEKDAYS[date.weekday()])


def random_dates(n, rng, held_out=False):
    """n (input text, ISO text) pairs: uniform dates 1900-2099, each in a random one of FORMATS.

    One date in ten (those whose day number ``date.toordinal()`` ends in 7) is held out:
    ``held_out=False`` never draws them (training), ``held_out=True`` draws only them (testing on dates
    the model has never seen, in any format).
    """
    n = check_positive_int("n", n)
    check_rng("rng", rng)
    names, pairs = list(FORMATS), []
    while len(pairs) < n:
        date = dt.date.fromordinal(int(rng.integers(FIRST, LAST + 1)))
        if (date.toordinal() % 10 == 7) == held_out:
            pairs.append((write_date(date, names[rng.integers(len(names))]), date.isoformat()))
    return pairs


def batch(pairs, dtype=np.float32):
    """(input, ISO) pairs -> x (T_in, B, V_in), decoder inputs (10, B, 12), targets (10, B)."""
    return (encode_inputs([a for a, _ in pairs], dtype),) + encode_targets([b for _, b in pairs], dtype)


def encode_inputs(texts, dtype=np.float32):
    """Input texts -> one-hot (T, B, len(IN_CHARS)), left-padded with spaces to the longest text, so every
    sequence ends at the encoder's last step."""
    if isinstance(texts, str) or not texts or not all(isinstance(t, str) and t for t in texts):
        raise ValueError(f"texts must be a non-empty list of non-empty strings; got {texts!r:.60}")
    bad = sorted({c for t in texts for c in t} - set(IN_CHARS))
    if bad:
        raise ValueError(f"texts may only use the characters of seq2seq.IN_CHARS (dates as in FORMATS); got {bad}")
    T = max(len(t) for t in texts)
    ids = np.array([[IN_CHARS.index(c) for c in t.rjust(T)] for t in texts]).T       # (T, B)
    return np.eye(len(IN_CHARS), dtype=dtype)[ids]


def encode_targets(isos, dtype=np.float32):
    """ISO dates -> (decoder inputs (OUT_LEN, B, len(OUT_CHARS) + 1) one-hot of [GO, y_1 .. y_9],
    targets (OUT_LEN, B) ids of y_1 .. y_10)."""
    if not all(isinstance(s, str) and len(s) == OUT_LEN and set(s) <= set(OUT_CHARS) for s in isos):
        raise ValueError("isos must be ISO dates such as '2026-11-24' (10 characters of 0-9 and -)")
    y = np.array([[OUT_CHARS.index(c) for c in s] for s in isos]).T                  # (10, B)
    prev = np.vstack([np.full((1, y.shape[1]), GO), y[:-1]])                         # teacher forcing
    return np.eye(len(OUT_CHARS) + 1, dtype=dtype)[prev], y


def init_model(hidden, rng, dtype=np.float32):
    """{"enc": encoder LSTM params, "dec": decoder LSTM params + read-out W_y (11, H), b_y (11,)}."""
    enc = lstm.init_params(len(IN_CHARS), hidden, rng, dtype=dtype)
    dec = lstm.init_params(len(OUT_CHARS) + 1, hidden, rng, dtype=dtype)
    dec.update(init_readout(hidden, len(OUT_CHARS), rng, dtype=dtype))
    return {"enc": enc, "dec": dec}


def loss_and_grads(model, x, dec_in, y):
    """Cross-entropy of the decoder's 10 outputs and the gradient of every weight of both LSTMs.

    x: (T_in, B, V_in)   dec_in: (10, B, 12)   y: (10, B) ids.   Returns (loss, grads like ``model``).
    """
    enc_tr = lstm.forward(model["enc"], x)
    dec_tr = lstm.forward(models.cell_params(model["dec"]), dec_in, h0=enc_tr.h[-1], c0=enc_tr.c[-1])   # the hand-over
    T, B, H = dec_tr.h.shape
    loss, dout = cross_entropy(readout(model["dec"], dec_tr.h).reshape(T * B, -1), y.reshape(-1))
    g_read, dh = readout_backward(model["dec"], dec_tr.h.reshape(T * B, H), dout.astype(dec_tr.h.dtype))
    g_dec = lstm.backward(models.cell_params(model["dec"]), dec_tr, dh.reshape(T, B, H))
    dh_enc = np.zeros_like(enc_tr.h)
    dh_enc[-1] = g_dec["h0"]                                    # the encoder is trained only through (h, C)
    g_enc = lstm.backward(model["enc"], enc_tr, dh_enc, dc_last=g_dec["c0"])
    grads = {"enc": {k: g_enc[k] for k in model["enc"]},
             "dec": {**{k: g_dec[k] for k in models.cell_params(model["dec"])}, **g_read}}
    return loss, grads


def translate(model, texts):
    """Greedy decoding: each output character is the most likely one, fed back as the next input."""
    x = encode_inputs(texts, model["enc"]["W_f"].dtype)
    enc_tr = lstm.forward(model["enc"], x)
    h, c = enc_tr.h[-1], enc_tr.c[-1]
    eye = np.eye(len(OUT_CHARS) + 1, dtype=x.dtype)
    prev = np.full(len(texts), GO)
    out = []
    for _ in range(OUT_LEN):
        s = lstm.step(models.cell_params(model["dec"]), eye[prev], h, c)
        h, c = s.h, s.c
        prev = readout(model["dec"], h).argmax(axis=-1)
        out.append(prev)
    return ["".join(OUT_CHARS[k] for k in col) for col in np.array(out).T]


def _flat(tree):
    """{"enc": {...}, "dec": {...}} -> {"enc.W_f": ..., "dec.W_y": ...} (the same arrays)."""
    return {f"{part}.{k}": v for part, sub in tree.items() for k, v in sub.items()}


def _nest(flat):
    """The inverse of ``_flat``."""
    tree = {"enc": {}, "dec": {}}
    for key, v in flat.items():
        part, _, k = key.partition(".")
        tree[part][k] = v
    return tree


def train(model, steps, rng, batch_size=64, lr=1e-2, clip=1.0, eval_every=250, n_test=500, progress=True):
    """The book's training loop (``loop.train``: Adam, clipping, progress bar) on fresh random dates.

    Returns (trained model: a copy, history) with history {"loss": per step, "eval": [(step, exact-match
    accuracy on n_test held-out dates)]}.
    """
    steps = check_positive_int("steps", steps)
    check_rng("rng", rng)
    dtype = model["enc"]["W_f"].dtype
    test = random_dates(n_test, np.random.default_rng(2026), held_out=True)

    def sample(r):
        x, dec_in, y = batch(random_dates(batch_size, r), dtype)
        return (x, dec_in), y

    def loss_fn(flat, x, y):
        loss, grads = loss_and_grads(_nest(flat), *x, y)
        return loss, _flat(grads)

    flat, hist = loop.train("lstm", _flat(model), sample, steps, rng, optimizer=Adam(lr), clip=clip,
                                loss_fn=loss_fn, evaluate=lambda f: accuracy(_nest(f), test), eval_every=eval_every,
                                progress=progress, desc="encoder-decoder")
    return _nest(flat), {"loss": hist["loss"], "eval": [(step, acc) for step, _, acc in hist["eval"]]}


def accuracy(model, pairs):
    """Fraction of (input, ISO) pairs translated exactly right (all 10 characters)."""
    got = translate(model, [a for a, _ in pairs])
    return float(np.mean([g == b for g, (_, b) in zip(got, pairs)]))


def plot_history(history, ax=None):
    """Exact-match accuracy on held-out dates (left axis) and the training loss (right axis) per step."""
    from lstm_helpers.figures.style import label, new_figure

    if ax is None:
        _, ax = new_figure(height=3.0)
    steps, acc = zip(*history["eval"])
    ax.plot(steps, acc, marker="o", label="exact-match accuracy, held-out dates")
    ax.set_ylim(0, 1.02)
    label(ax, "Encoder-decoder LSTM learning to translate dates", "training batches", "accuracy")
    right = ax.twinx()
    right.plot(np.arange(1, len(history["loss"]) + 1), history["loss"], color="#D55E00", alpha=0.5, lw=0.8,
               label="training loss (right axis)")
    right.set_ylabel("cross-entropy (nats per character)")
    right.grid(False)
    lines = ax.get_lines()[:1] + right.get_lines()
    ax.legend(lines, [ln.get_label() for ln in lines], fontsize=8, frameon=False, loc="center right")
    return ax
