"""Chapter 7, "A story the LSTM remembers": token by token, which gates open and what the memory holds.

Twice: an LSTM wired by hand, so every gate's role is transparent, and a small LSTM trained on the
recall task, in which we look for the units that carry the country and compare their gates before
and after training, and measure in every unit how the countries' memories drift apart word by word.
Computing and drawing are separate: ``story_gates`` / ``gate_summary`` / ``unit_memories`` /
``separation_by_word`` return arrays, ``plot_story_gates`` / ``plot_unit_memories`` draw them.
"""
from __future__ import annotations

import numpy as np
from matplotlib.ticker import MaxNLocator

from lstm_helpers.engine import lstm
from lstm_helpers.engine.optim import Adam
from lstm_helpers.engine.validation import check_number, check_option, check_positive_int, check_rng
from lstm_helpers.figures.style import GATE_COLORS, PALETTE, label, new_figure
from lstm_helpers.training import loop, models, tasks

STORY = ["Pakistan", "school", "friends", "rain", "music", "city", "years", "food", "went", "<speak>"]
WHERE = ("country word", "filler words", "<speak>")     # the rows of gate_summary
ROWS = (("f", r"$f_t$"), ("i", r"$i_t$"), ("o", r"$o_t$"), ("c", r"$C_t$"))
FONT = 13   # pt; a 7 in figure shown on a ~360 px phone screen keeps 13 pt text at ~10 px


def _unit(name, unit, H):
    """A hidden-unit index checked against the H units of the LSTM."""
    if isinstance(unit, bool) or not isinstance(unit, (int, np.integer)) or not 0 <= unit < H:
        raise ValueError(f"{name} must be an integer unit index in [0, {H - 1}] (the LSTM has {H} units); got {unit!r}")
    return int(unit)


def _units(params, units):
    """A non-empty list of hidden-unit indices of a model's LSTM."""
    _, H = lstm.sizes(models.cell_params(params))
    units = [_unit("units[k]", u, H) for u in np.atleast_1d(units).tolist()] if np.size(units) else []
    if not units:
        raise ValueError("units must list at least one hidden-unit index; got none")
    return units


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


def init_small(hidden, rng, forget_bias=3.0, input_bias=-3.0):
    """An untrained LSTM model for the recall task: engine init (weights uniform in ±1/√H) with
    every forget-gate bias set to ``forget_bias`` and every input-gate bias to ``input_bias``.

    Returns the params dict (cell: W_* (H, H+V), b_* (H,); read-out W_y (6, H), b_y (6,)).
    """
    hidden = check_positive_int("hidden", hidden)
    check_rng("rng", rng)
    input_bias = check_number("input_bias", input_bias)
    V = len(tasks.recall_vocab().tokens)
    params = models.init_model("lstm", V, hidden, tasks.N_CLASSES, rng, forget_bias=forget_bias)
    params["b_i"][:] = input_bias
    return params


def train_small(params, rng, gap=15, steps=300, lr=1e-2, progress=True):
    """Train a copy of ``params`` (from ``init_small``) on recall sequences with ``gap`` filler words.

    Adam with learning rate ``lr``, gradient clipping at norm 1, batches of 32 drawn with ``rng``.
    Returns (trained params: a new dict, history); ``params`` is not modified.
    """
    lstm.sizes(models.cell_params(params))
    check_rng("rng", rng)
    gap = check_positive_int("gap", gap, minimum=0)
    steps = check_positive_int("steps", steps)
    lr = check_number("lr", lr, 1e-6, 1.0)

    def sample(r):
        x, y, _ = tasks.recall_task(32, gap, r)
        return x, y

    return loop.train("lstm", params, sample, steps, rng, optimizer=Adam(lr), clip=1.0,
                          progress=progress, desc="training the story LSTM")


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


def separation_by_word(params, gap=15, n=600, seed=2):
    """How far apart the six countries' memories are at every word of a story, in every unit.

    On ``n`` seeded recall stories with ``gap`` filler words, at word t (0: the country word, 1 ... gap:
    the filler words, gap + 1: <speak>) and for unit u:
    between[t, u]: the variance across the six countries of the unit's mean C_t;
    within[t, u]: the variance of C_t within one country, averaged over the countries.
    Returns {"between", "within": (gap + 2, H) arrays}. between / within at t = gap is the F-ratio of
    ``country_units``; at t = 0 within is 0 (every story of a country starts with the same word).
    """
    gap = check_positive_int("gap", gap, minimum=0)
    x, y, _ = tasks.recall_task(check_positive_int("n", n), gap, np.random.default_rng(seed))
    c = lstm.forward(models.cell_params(params), x).c                      # (gap + 2, n, H)
    means = np.stack([c[:, y == k].mean(axis=1) for k in range(tasks.N_CLASSES)])
    within = np.mean([c[:, y == k].var(axis=1) for k in range(tasks.N_CLASSES)], axis=0)
    return {"between": means.var(axis=0), "within": within}


def country_units(params, gap=15, n=600, seed=2):
    """Rank hidden units by how clearly their memory separates the six countries.

    For each unit: the variance of its mean C (at the step before the query) across countries,
    divided by the mean variance within a country (an F-ratio). Returns (order, scores).
    """
    sep = separation_by_word(params, gap, n, seed)
    scores = sep["between"][-2] / (sep["within"][-2] + 1e-12)               # just before <speak>
    return np.argsort(scores)[::-1], scores


def spread_shares(separation, words):
    """Each unit's spread between the countries (the standard deviation of their mean C_t) at the given word
    positions, as a share of its spread on the word before <speak> (1.0: as far apart as at the end).

    separation: a ``separation_by_word`` result.   Returns (len(words), H).
    """
    spread, words = np.sqrt(separation["between"]), np.atleast_1d(words).tolist()
    T = spread.shape[0]
    if not words or not all(isinstance(t, int) and not isinstance(t, bool) and 0 <= t <= T - 2 for t in words):
        raise ValueError(f"words must list word positions in [0, {T - 2}] (0: the country word, {T - 2}: the word "
                         f"before <speak>); got {words!r}")
    return spread[words] / spread[-2]


def separation_table(separation, units, words=(0, 5, 10)):
    """``spread_shares`` as text: one row per unit (in the order given), one column per word position
    (0: the country word), and a last row with the range over all units."""
    shares = spread_shares(separation, words)
    units = [_unit("units[k]", u, shares.shape[1]) for u in np.atleast_1d(units).tolist()]
    heads = ["the country word" if t == 0 else f"{t} words later" for t in words]
    lines = ["spread of the six countries' C_t, as a share of the spread",
             "on the word before <speak>, at",
             "unit" + "".join(f"{h:>19}" for h in heads)]
    lines += [f"{u:>4}" + "".join(f"{v:>19.2f}" for v in shares[:, u]) for u in units]
    lines.append(f"{'all':>4}" + "".join(f"{f'{lo:.2f} to {hi:.2f}':>19}"
                                         for lo, hi in zip(shares.min(axis=1), shares.max(axis=1))))
    return "\n".join(lines)


def gate_summary(params, units, gap=15, n=600, seed=2):
    """Mean f, i, o of some units on the country word, on the filler words and on <speak>.

    Averaged over ``n`` seeded recall stories with ``gap`` filler words (gap >= 1).
    Returns {"f", "i", "o": (3, U) array}, rows in the order of WHERE, columns in the order of units.
    """
    cell = models.cell_params(params)
    units = _units(params, units)
    gap = check_positive_int("gap", gap)
    x, _, _ = tasks.recall_task(check_positive_int("n", n), gap, np.random.default_rng(seed))
    trace = lstm.forward(cell, x)
    out = {}
    for g in "fio":
        a = getattr(trace, g)[:, :, units]                                 # (gap + 2, n, U)
        out[g] = np.stack([a[0].mean(axis=0), a[1:-1].mean(axis=(0, 1)), a[-1].mean(axis=0)])
    return out


def gate_table(summaries, units, decimals=3):
    """The gate_summary results side by side as text: {row name: summary} -> one row per gate and name."""
    units = [int(u) for u in units]
    decimals = check_positive_int("decimals", decimals)
    for name, s in summaries.items():
        if set(s) != {"f", "i", "o"} or any(np.shape(s[g]) != (3, len(units)) for g in s):
            raise ValueError(f"summaries[{name!r}] must be a gate_summary result for {len(units)} units "
                             f"(f, i, o each (3, {len(units)})); got {({g: np.shape(v) for g, v in s.items()})}")
    if not summaries:
        raise ValueError("summaries must hold at least one gate_summary result; got none")
    w = (decimals + 4) * len(units)
    lines = [f"{'':<16}" + "".join(f"{where:>{w + 3}}" for where in WHERE),
             f"{'unit':<16}" + "".join("   " + "".join(f"{u:>{decimals + 4}}" for u in units) for _ in WHERE)]
    for g in "fio":
        for name, s in summaries.items():
            head = f"{g}_t  {name}" if name == next(iter(summaries)) else f"     {name}"
            lines.append(f"{head:<16}" + "".join("   " + "".join(f"{v:>{decimals + 4}.{decimals}f}" for v in row)
                                                 for row in s[g]))
    return "\n".join(lines)


def unit_memories(params, units, words_after):
    """C_t of some units while reading "<country> + words_after", for each of the six countries.

    Returns (6, T, U): country (in vocab order) × word position × unit, T = 1 + len(words_after).
    """
    units = _units(params, units)
    check_option("number of units", len(units), (1, 2))
    return np.stack([read_story(params, [country] + list(words_after))[0].c[:, 0, units]
                     for country in tasks.recall_vocab().countries])


def plot_unit_memories(memories, units, axes=None):
    """Draw ``unit_memories``: one panel per unit, one line per country.   memories: (6, T, U)."""
    if np.ndim(memories) != 3 or np.shape(memories)[0] != tasks.N_CLASSES or np.shape(memories)[2] != len(units):
        raise ValueError(f"memories must be the (6, T, {len(units)}) result of unit_memories for these units; "
                         f"got shape {np.shape(memories)}")
    if axes is None:
        _, axes = new_figure(1, len(units), height=3.2, squeeze=False)
        axes = axes[0]
    for k, (a, unit) in enumerate(zip(axes, units)):
        for j, country in enumerate(tasks.recall_vocab().countries):
            a.plot(memories[j, :, k], color=PALETTE[j], label=country)
        label(a, f"Memory of unit {int(unit)}", "word position", r"$C_t$")
        a.xaxis.set_major_locator(MaxNLocator(integer=True))          # word positions are whole numbers
    axes[-1].legend(fontsize=10, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return axes


def story_gates(params, words, unit):
    """f_t, i_t, o_t and C_t of one unit while an LSTM model reads ``words`` (the figure's numbers).

    Returns {"f", "i", "o", "c": (T,) array}, T = len(words).
    """
    cell = models.cell_params(params)
    _, H = lstm.sizes(cell)
    unit = _unit("unit", unit, H)
    trace = lstm.forward(cell, tasks.recall_vocab().encode(words))
    return {g: getattr(trace, g)[:, 0, unit].copy() for g, _ in ROWS}


def _blend(colour, v):
    """White blended towards ``colour`` by v in [0, 1] -> RGB."""
    rgb = np.array([int(colour[k:k + 2], 16) / 255 for k in (1, 3, 5)])
    return 1.0 - v * (1.0 - rgb)


def _text_colour(rgb):
    """Black or white, whichever contrasts more with the cell colour (WCAG relative luminance)."""
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    lum = float(lin @ [0.2126, 0.7152, 0.0722])
    return "black" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "white"


def plot_story_gates(panels, words, axes=None):
    """Draw ``story_gates`` results as grids: one column per word, rows f_t, i_t, o_t, C_t, numbers in the cells.

    panels: list of (title, story_gates result), one panel each, stacked. Gate cells go from white (0)
    to the gate's colour (1); C_t cells from white (0) to purple (positive) or sky blue (negative),
    scaled by the panel's largest |C_t| (at least 1).
    """
    words = list(words)
    if axes is None:
        _, axes = new_figure(len(panels), 1, height=2.6 * len(panels), squeeze=False)
        axes = axes[:, 0]
    for ax, (title, values) in zip(axes, panels):
        if any(np.shape(values[g]) != (len(words),) for g, _ in ROWS):
            raise ValueError(f"panels must hold story_gates results for the {len(words)} words; got shapes "
                             f"{[np.shape(values[g]) for g, _ in ROWS]}")
        c_max = max(1.0, float(np.abs(values["c"]).max()))
        image = np.ones((len(ROWS), len(words), 3))
        for r, (g, _) in enumerate(ROWS):
            for t, v in enumerate(values[g]):
                if g == "c":
                    image[r, t] = _blend(GATE_COLORS["c"] if v >= 0 else PALETTE[5], abs(v) / c_max)
                else:
                    image[r, t] = _blend(GATE_COLORS[g], v)
                ax.text(t, r, f"{np.round(v, 2) + 0.0:.2f}".replace("-", "−"), ha="center", va="center", fontsize=FONT,
                        color=_text_colour(image[r, t]))
        ax.imshow(image, aspect="auto")
        ax.set_xticks(np.arange(len(words)), words, rotation=30, ha="right", rotation_mode="anchor", fontsize=FONT)
        ax.set_yticks(np.arange(len(ROWS)), [name for _, name in ROWS], fontsize=FONT + 1)
        ax.set_title(title, fontsize=FONT)
        ax.tick_params(length=0)
        ax.grid(False)
        for side in ax.spines.values():
            side.set_visible(False)
    return axes
