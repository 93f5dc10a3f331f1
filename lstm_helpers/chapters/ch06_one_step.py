"""Chapter 6, "One time step, step by step": every intermediate number, and a step-through explorer.

The five steps of a time step:
1. look: build z = [h_{t−1}, x_t];
2. forget: f_t = σ(W_f·z + b_f);
3. add: i_t = σ(W_i·z + b_i) and C̃_t = tanh(W_C·z + b_C);
4. update the memory: C_t = f_t * C_{t−1} + i_t * C̃_t;
5. output: o_t = σ(W_o·z + b_o), h_t = o_t * tanh(C_t).
"""
from __future__ import annotations

import numpy as np

from lstm_helpers.engine import lstm
from lstm_helpers.engine.activations import sigmoid
from lstm_helpers.engine.validation import check_array, check_number, check_positive_int
from lstm_helpers.explorers.explorer import Explorer, Panel, Readout, Series, Slider
from lstm_helpers.figures.style import GATE_COLORS

STEPS = (
    ("1 look", ("z",)),
    ("2 forget", ("a_f", "f")),
    ("3 add", ("a_i", "i", "a_c", "c_tilde")),
    ("4 update memory", ("f_c_prev", "i_c_tilde", "c")),
    ("5 output", ("a_o", "o", "tanh_c", "h")),
)
LABELS = {"z": "z = [h_prev, x_t]", "a_f": "W_f·z + b_f", "f": "f_t", "a_i": "W_i·z + b_i", "i": "i_t",
          "a_c": "W_C·z + b_C", "c_tilde": "C~_t", "f_c_prev": "f_t * C_prev", "i_c_tilde": "i_t * C~_t",
          "c": "C_t", "a_o": "W_o·z + b_o", "o": "o_t", "tanh_c": "tanh(C_t)", "h": "h_t"}


def intermediates(params, x_t, h_prev, c_prev):
    """Every number of one step, in the order of the five steps.

    x_t: (D,)  h_prev, c_prev: (H,) (one sequence). Returns {name: (H,) array} (z is (H+D,)).
    """
    D, H = lstm.sizes(params)
    x_t = check_array("x_t", x_t, (D,))
    h_prev = check_array("h_prev", h_prev, (H,))
    c_prev = check_array("c_prev", c_prev, (H,))
    z = np.concatenate([h_prev, x_t])
    r = {"z": z}
    for g in "fico":
        r[f"a_{g}"] = z @ params[f"W_{g}"].T + params[f"b_{g}"]     # W·z + b, as in lstm.step
    r["f"], r["i"], r["o"] = sigmoid(r["a_f"]), sigmoid(r["a_i"]), sigmoid(r["a_o"])
    r["c_tilde"] = np.tanh(r["a_c"])
    r["f_c_prev"], r["i_c_tilde"] = r["f"] * c_prev, r["i"] * r["c_tilde"]
    r["c"] = r["f_c_prev"] + r["i_c_tilde"]
    r["tanh_c"] = np.tanh(r["c"])
    r["h"] = r["o"] * r["tanh_c"]
    return r


def step_table(values, decimals=4):
    """The intermediates as a text table grouped by the five steps."""
    rows = []
    for step, names in STEPS:
        rows.append(step)
        for n in names:
            rows.append(f"    {LABELS[n]:<18}" + " ".join(f"{v:>8.{decimals}f}" for v in values[n]))
    return "\n".join(rows)


CHANGE_ROWS = (("c_prev", "C_prev"), ("f", "f_t"), ("lost", "f_t * C_prev - C_prev"), ("i", "i_t"),
               ("c_tilde", "C~_t"), ("written", "i_t * C~_t"), ("change", "C_t - C_prev"))


def memory_change(values, c_prev):
    """How C_{t−1} became C_t, per unit: what forgetting took away and what writing added.

    values: from ``intermediates``   c_prev: (H,) the C_{t−1} they were computed with.
    Returns {"c_prev", "f", "lost", "i", "c_tilde", "written", "change": (H,)} with
    lost = f_t·C_{t−1} − C_{t−1}, written = i_t·C̃_t and change = C_t − C_{t−1} = lost + written.
    """
    missing = [k for k in ("f", "i", "c_tilde", "c") if k not in values]
    if missing:
        raise ValueError(f"values must be the dict returned by intermediates(); missing {missing}")
    c_prev = check_array("c_prev", c_prev, (np.shape(values["c"])[0],))
    return {"c_prev": c_prev, "f": values["f"], "lost": values["f"] * c_prev - c_prev, "i": values["i"],
            "c_tilde": values["c_tilde"], "written": values["i"] * values["c_tilde"], "change": values["c"] - c_prev}


def change_table(change, decimals=4):
    """``memory_change`` as a text table: one row per quantity, one column per unit."""
    H = len(change["c_prev"])
    rows = [f"{'unit':<22}" + " ".join(f"{u:>8}" for u in range(H))]
    rows += [f"{name:<22}" + " ".join(f"{v:>8.{decimals}f}" for v in change[key]) for key, name in CHANGE_ROWS]
    return "\n".join(rows)


def example(seed=0, D=2, H=3, T=8):
    """Seeded engine params (forget bias 1) and a (T, 1, D) input sequence for the chapter."""
    D, H, T = (check_positive_int(n, v) for n, v in (("D", D), ("H", H), ("T", T)))
    rng = np.random.default_rng(seed)
    return lstm.init_params(D, H, rng), np.round(rng.uniform(-1, 1, size=(T, 1, D)), 2) + 0.0  # no -0.0


def step_through(params, x):
    """Run lstm.step one time step at a time; returns (h, c): (T, H) each (x: (T, 1, D))."""
    D, H = lstm.sizes(params)
    x = check_array("x", x, ("T", 1, D))
    h, c = np.zeros((1, H)), np.zeros((1, H))
    hs, cs = [], []
    for x_t in x:
        s = lstm.step(params, x_t, h, c)
        h, c = s.h, s.c
        hs.append(h[0])
        cs.append(c[0])
    return np.array(hs), np.array(cs)


def explore(t=0.0, seed=0):
    """The step-through explorer's compute: the state of every unit at step t."""
    t = int(check_number("t", t, 0, 7))
    params, x = example(seed)
    tr = lstm.forward(params, x)
    unit = np.arange(tr.h.shape[2])
    out = {name: getattr(tr, name)[t, 0] for name in ("f", "i", "c_tilde", "o", "c", "h")}
    steps = np.arange(x.shape[0])
    c_upto = np.where(steps[:, None] <= t, tr.c[:, 0], np.nan)
    out.update(unit=unit, steps=steps, c0_upto=c_upto[:, 0], c1_upto=c_upto[:, 1], c2_upto=c_upto[:, 2],
               h0_at=tr.h[t, 0, 0], c0_at=tr.c[t, 0, 0])
    return out


def explorer():
    """One slider, the time step t; bars of every gate per unit, and the memory so far."""
    return Explorer(
        title="Step through a sequence, one time step at a time",
        compute=explore,
        sliders=(Slider("t", "time step t", 0.0, 7.0, 1.0, 0.0),),
        panels=(
            Panel((Series("f", "f_t", GATE_COLORS["f"]), Series("i", "i_t", GATE_COLORS["i"]),
                   Series("c_tilde", "C̃_t", GATE_COLORS["c_tilde"]), Series("o", "o_t", GATE_COLORS["o"]),
                   Series("c", "C_t", GATE_COLORS["c"]), Series("h", "h_t", GATE_COLORS["h"])),
                  title="Every gate and state at step t", xlabel="hidden unit", ylabel="value", x="unit",
                  kind="bar", ylim=(-1.2, 1.2)),
            Panel((Series("c0_upto", "C_t unit 0", "#0072B2", "marker"),
                   Series("c1_upto", "C_t unit 1", "#D55E00", "marker"),
                   Series("c2_upto", "C_t unit 2", "#009E73", "marker")),
                  title="The memory so far", xlabel="time step", ylabel="C_t", x="steps", ylim=(-1.2, 1.2)),
        ),
        readouts=(Readout("c0_at", "C_t (unit 0)"), Readout("h0_at", "h_t (unit 0)")),
        alt="Bar chart of the forget, input, candidate, output, cell and hidden values of three units at the "
            "chosen time step, and a line plot of the three cell states up to that step.",
    )
