"""Chapter 9e: an encoder-decoder LSTM that translates dates ("24 Nov 2026" -> "2026-11-24").

The smallest real instance of the machine behind translation and chatbots (Sutskever et al. 2014):
an *encoder* LSTM reads the input characters; its final (h, C) is the only thing passed on; a
*decoder* LSTM starts from that state and writes the output one character at a time, reading the
previous output character (during training: the correct one, "teacher forcing"; when translating:
its own guess). Both are this book's engine; the gradient reaches the encoder through the
decoder's ``grads["h0"]`` and ``grads["c0"]``. ``error_types`` sorts a trained model's mistakes over every
held-out date; ``translate`` pads every input to the same length, so an answer never depends on the batch.
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
PATTERNS = {"24 Nov 2026": "%d %b %Y", "24 November 2026": "%d %B %Y", "Nov 24, 2026": "%b %d, %Y",
            "24/11/2026": "%d/%m/%Y", "Tuesday, 24 November 2026": "%A, %d %B %Y"}   # FORMATS for strptime
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
IN_CHARS = " ,/0123456789" + "".join(sorted(set("".join(MONTHS + WEEKDAYS))))
OUT_CHARS = "0123456789-"
GO = len(OUT_CHARS)                 # the decoder's first input: "start writing" (one extra input symbol)
OUT_LEN = 10                        # YYYY-MM-DD
IN_LEN = 28                         # the longest input ("Wednesday, 23 September 2026"): translate pads to it
FIRST, LAST = dt.date(1900, 1, 1).toordinal(), dt.date(2099, 12, 31).toordinal()
FIELDS = {"year": slice(0, 4), "month": slice(5, 7), "day": slice(8, 10)}      # where each sits in YYYY-MM-DD
DAY_GROUPS = ("1-9, one digit", "01-09, slash format", "10-31")                 # how the input writes the day


def write_date(date, fmt):
    """A ``datetime.date`` in one of FORMATS (named by its example, e.g. "24 Nov 2026")."""
    check_option("fmt", fmt, FORMATS)
    return FORMATS[fmt].format(d=date.day, dd=f"{date.day:02d}", mm=f"{date.month:02d}", y=date.year,
                               mon=MONTHS[date.month - 1][:3], month=MONTHS[date.month - 1],
                               weekday=WEEKDAYS[date.weekday()])


def read_date(text):
    """The ISO date that an input written as in FORMATS means: what ``translate`` should answer.
    "5 Mar 1932" -> "1932-03-05"; a text that ``write_date`` would not write (a wrong weekday, "05 Mar 1932",
    a year outside 1900-2099) is rejected."""
    for fmt, pattern in PATTERNS.items():
        try:
            date = dt.datetime.strptime(text, pattern).date()
        except (TypeError, ValueError):
            continue
        if write_date(date, fmt) == text and FIRST <= date.toordinal() <= LAST:
            return date.isoformat()
    raise ValueError(f"text must be a date from 1900 to 2099 written as in FORMATS (e.g. '24 Nov 2026'); got {text!r}")


def random_dates(n, rng, held_out=False):
    """n (input text, ISO text) pairs: uniform dates 1900-2099, each in a random one of FORMATS.

    Every tenth day of the calendar is held out: the dates whose serial number ``date.toordinal()`` (days
    counted from 1 January of the year 1) ends in 7. ``held_out=False`` never draws them (training),
    ``held_out=True`` draws only them (testing on dates the model has never seen, in any format).
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


def encode_inputs(texts, dtype=np.float32, length=None):
    """Input texts -> one-hot (T, B, len(IN_CHARS)), left-padded with spaces to T characters, so every sequence
    ends at the encoder's last step. T = ``length`` (e.g. IN_LEN, so a text is encoded the same whatever else is
    in the list), or the longest text when ``length`` is None (a training batch)."""
    if isinstance(texts, str) or not texts or not all(isinstance(t, str) and t for t in texts):
        raise ValueError(f"texts must be a non-empty list of non-empty strings; got {texts!r:.60}")
    bad = sorted({c for t in texts for c in t} - set(IN_CHARS))
    if bad:
        raise ValueError(f"texts may only use the characters of seq2seq.IN_CHARS (dates as in FORMATS); got {bad}")
    longest = max(texts, key=len)
    T = len(longest) if length is None else check_positive_int("length", length)
    if len(longest) > T:
        raise ValueError(f"texts must be at most length = {T} characters; got {longest!r} ({len(longest)})")
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


def translate(model, texts, length=IN_LEN):
    """Greedy decoding: each output character is the most likely one, fed back as the next input.

    texts: list of B input dates, each left-padded with spaces to ``length`` characters (IN_LEN: the longest
    date; None: the longest text in the list) -> list of B ISO-shaped strings (10 characters of 0-9 and -)."""
    x = encode_inputs(texts, model["enc"]["W_f"].dtype, length)
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
    accuracy on n_test held-out dates)], "padded": per step, the length the batch's inputs were padded to}.
    """
    steps = check_positive_int("steps", steps)
    check_rng("rng", rng)
    dtype = model["enc"]["W_f"].dtype
    test = random_dates(n_test, np.random.default_rng(2026), held_out=True)

    padded = []

    def sample(r):
        x, dec_in, y = batch(random_dates(batch_size, r), dtype)     # padded to the batch's longest date
        padded.append(len(x))
        return (x, dec_in), y

    def loss_fn(flat, x, y):
        loss, grads = loss_and_grads(_nest(flat), *x, y)
        return loss, _flat(grads)

    flat, hist = loop.train("lstm", _flat(model), sample, steps, rng, optimizer=Adam(lr), clip=clip,
                                loss_fn=loss_fn, evaluate=lambda f: accuracy(_nest(f), test), eval_every=eval_every,
                                progress=progress, desc="encoder-decoder")
    return _nest(flat), {"loss": hist["loss"], "eval": [(step, acc) for step, _, acc in hist["eval"]],
                         "padded": padded}


def accuracy(model, pairs, length=IN_LEN):
    """Fraction of (input, ISO) pairs translated exactly right (all 10 characters), inputs padded as in
    ``translate``."""
    got = translate(model, [a for a, _ in pairs], length)
    return float(np.mean([g == b for g, (_, b) in zip(got, pairs)]))


def accuracy_unpadded(model, pairs):
    """Like ``accuracy``, but each input padded only to its own length: no spaces before it at all (dates of
    the same length are translated together, which pads none of them)."""
    if not pairs:
        raise ValueError("pairs must be a non-empty list of (input, ISO) pairs; got none")
    right = 0
    for n in {len(a) for a, _ in pairs}:
        group = [(a, b) for a, b in pairs if len(a) == n]
        right += sum(g == b for g, (_, b) in zip(translate(model, [a for a, _ in group], length=n), group))
    return right / len(pairs)


def held_out_set(every_format=False):
    """Every held-out date of 1900-2099 (see ``random_dates``), in calendar order, as (input text, ISO text,
    format name) triples: 7,305 dates, the five FORMATS taking turns (the k-th date in format k mod 5), or with
    ``every_format`` each date in all five (36,525 triples)."""
    dates = [dt.date.fromordinal(k) for k in range(FIRST, LAST + 1) if k % 10 == 7]
    names = list(FORMATS)
    return [(write_date(d, fmt), d.isoformat(), fmt) for k, d in enumerate(dates)
            for fmt in (names if every_format else [names[k % len(names)]])]


def day_group(text, iso):
    """How an input writes its day: one of DAY_GROUPS (one digit, 01-09 in the slash format, or 10-31)."""
    if iso[8] != "0":
        return DAY_GROUPS[2]
    return DAY_GROUPS[1] if "/" in text else DAY_GROUPS[0]


def error_types(model, triples, chunk=4096):
    """Translate every (input, ISO, format) triple (e.g. ``held_out_set()``) and count the wrong ones by kind.

    Returns {"n": translations, "wrong": wrong ones (any of the 10 characters),
    "fields": {field: translations with that field of YYYY-MM-DD wrong} for year, month, day,
    "days": {day group: (n, wrong)} over DAY_GROUPS, "formats": {format: (n, wrong)} over FORMATS}.
    Translated ``chunk`` at a time (inputs are padded to IN_LEN, so the chunks do not change the answers).
    """
    if not triples or any(len(t) != 3 or t[2] not in FORMATS for t in triples):
        raise ValueError("triples must be a non-empty list of (input, ISO, format) as held_out_set() returns; "
                         f"got {triples!r:.60}")
    chunk = check_positive_int("chunk", chunk)
    got = [g for k in range(0, len(triples), chunk) for g in translate(model, [t for t, _, _ in triples[k:k + chunk]])]
    wrong = [g != iso for g, (_, iso, _) in zip(got, triples)]
    fields = {f: sum(g[s] != iso[s] for g, (_, iso, _) in zip(got, triples)) for f, s in FIELDS.items()}

    def count(key, names):
        keys = [key(t) for t in triples]
        return {name: (keys.count(name), sum(w for w, k in zip(wrong, keys) if k == name)) for name in names}

    return {"n": len(triples), "wrong": sum(wrong), "fields": fields,
            "days": count(lambda t: day_group(t[0], t[1]), DAY_GROUPS), "formats": count(lambda t: t[2], FORMATS)}


def error_table(errors):
    """``error_types`` as text, at most 76 characters a line: how many translations are wrong; for each field,
    how many have it wrong; for each way of writing the day and each format, the error rate."""
    n, wrong = errors["n"], errors["wrong"]
    rows = [f"held-out translations: {n:,}, wrong: {wrong:,} ({wrong / n:.2%})",
            f"{'field wrong':<30}{'translations':>14}{'of the wrong ones':>19}"]
    rows += [f"{f:<30}{k:>14,}{k / max(wrong, 1):>19.0%}" for f, k in errors["fields"].items()]
    for title, groups in (("day written as", errors["days"]), ("format", errors["formats"])):
        rows.append(f"{title:<30}{'translations':>14}{'wrong':>8}{'error rate':>11}")
        rows += [f"{name:<30}{m:>14,}{k:>8,}" + (f"{k / m:>11.2%}" if m else f"{'-':>11}")
                 for name, (m, k) in groups.items()]
    return "\n".join(rows)


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
