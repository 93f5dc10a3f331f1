"""Chapter 2, "Intuition: a memory chip with gates": one memory cell whose gates the reader holds.

The chip keeps one number C (its memory). At every event it
- keeps the fraction f of its memory (forget gate),
- writes the fraction i of the event's value C̃ (input gate):  C_t = f·C_{t−1} + i·C̃_t,
- says the fraction o of what it remembers (output gate):     h_t = o·tanh(C_t).
Here the gates are fixed numbers the reader sets with sliders; in a real LSTM they are
computed from the input at every step (chapter 5).
"""
from __future__ import annotations

import numpy as np

from lstm_helpers.engine.validation import check_array, check_number
from lstm_helpers.explorers.explorer import Explorer, Panel, Readout, Series, Slider
from lstm_helpers.figures.style import GATE_COLORS

# A short story: each event offers a value to write. "Pakistan" is the one worth keeping.
EVENTS = ("Pakistan", "school", "friends", "rain", "music", "years", "<speak>")
VALUES = (1.0, 0.2, -0.3, 0.25, -0.2, 0.1, 0.0)


def run_chip(f, i, o, values=VALUES, c0=0.0):
    """Run the chip over a sequence of event values with fixed gates.

    f, i, o: gate values in [0, 1]; values: (T,) candidate values C̃_t; c0: starting memory.
    Returns {"c": (T,), "h": (T,), "c_tilde": (T,), "kept_first": (T,)} where kept_first[t] is
    the part of C_t that is left of the first event's write: i·C̃_0·f^t.
    """
    f, i, o = (check_number(n, v, 0.0, 1.0) for n, v in (("f", f), ("i", i), ("o", o)))
    values = check_array("values", values, ("T",))
    c0 = check_number("c0", c0)
    c = np.empty_like(values)
    prev = c0
    for t, v in enumerate(values):
        prev = c[t] = f * prev + i * v
    t = np.arange(values.size)
    return {"c": c, "h": o * np.tanh(c), "c_tilde": values, "kept_first": i * values[0] * f ** t}


def explore(f=0.9, i=1.0, o=1.0):
    """The explorer's pure compute: slider values -> arrays for the panels and readouts."""
    r = run_chip(f, i, o)
    r.update(t=np.arange(len(EVENTS)), tokens=list(EVENTS), c_end=r["c"][-1], h_end=r["h"][-1],
             first_share=r["kept_first"][-1])
    return r


def explorer():
    """Three sliders (forget, input, output) over the story; panels: writes, memory, what is said."""
    return Explorer(
        title="A memory chip with three gates",
        compute=explore,
        sliders=(Slider("f", "forget gate f (keep)", 0.0, 1.0, 0.1, 0.9),
                 Slider("i", "input gate i (write)", 0.0, 1.0, 0.1, 1.0),
                 Slider("o", "output gate o (say)", 0.0, 1.0, 0.1, 1.0)),
        panels=(
            Panel((Series("c_tilde", "value offered C̃_t", GATE_COLORS["c_tilde"], "marker"),
                   Series("c", "memory C_t", GATE_COLORS["c"], "marker"),
                   Series("kept_first", "left of 'Pakistan'", GATE_COLORS["f"], "line")),
                  title="What is remembered", xlabel="event", ylabel="value", x="t", xticklabels="tokens", ylim=(-1.5, 1.5)),
            Panel((Series("h", "said h_t = o·tanh(C_t)", GATE_COLORS["h"], "marker"),),
                  title="What is said", xlabel="event", ylabel="value", x="t", xticklabels="tokens", ylim=(-1.0, 1.0)),
        ),
        readouts=(Readout("c_end", "memory at <speak>"), Readout("h_end", "said at <speak>"),
                  Readout("first_share", "left of Pakistan")),
        alt="Two line plots over the events of a story: the memory C_t with the values offered and the part "
            "left of the first event, and the output h_t; they change with the forget, input and output gates.",
        height_per_panel=2.3,
    )
