"""Chapter 10, "The cell diagram and the summary": a cheat sheet whose shapes the engine confirms.
The diagram itself is ``figures.cell_diagram``."""
from __future__ import annotations

import unicodedata

import numpy as np

from lstm_helpers.engine import lstm
from lstm_helpers.engine.validation import check_positive_int

SHEET = (
    ("x_t", "input at step t", "(B, D)"),
    ("[h_{t-1}, x_t]", "what every gate reads", "(B, H+D)"),
    ("W_f, W_i, W_C, W_o", "one weight matrix per gate", "(H, H+D)"),
    ("b_f, b_i, b_C, b_o", "one bias per gate", "(H,)"),
    ("f_t = σ(W_f·[h_{t-1}, x_t] + b_f)", "forget gate", "(B, H)"),
    ("i_t = σ(W_i·[h_{t-1}, x_t] + b_i)", "input gate", "(B, H)"),
    ("C̃_t = tanh(W_C·[h_{t-1}, x_t] + b_C)", "candidate", "(B, H)"),
    ("C_t = f_t*C_{t-1} + i_t*C̃_t", "cell state", "(B, H)"),
    ("o_t = σ(W_o·[h_{t-1}, x_t] + b_o)", "output gate", "(B, H)"),
    ("h_t = o_t*tanh(C_t)", "hidden state", "(B, H)"),
)


def measured_shapes(D=3, H=4, B=2, T=5, seed=0):
    """Shapes the engine actually produces, keyed like SHEET's shape column with numbers filled in.

    Returns {name: shape tuple} for the inputs, the concatenation, the parameters and one step.
    """
    D, H, B, T = (check_positive_int(n, v) for n, v in (("D", D), ("H", H), ("B", B), ("T", T)))
    rng = np.random.default_rng(seed)
    p = lstm.init_params(D, H, rng)
    x = rng.standard_normal((T, B, D))
    tr = lstm.forward(p, x)
    s = lstm.step(p, x[0], tr.h0, tr.c0)
    return {"x_t": x[0].shape, "[h_{t-1}, x_t]": np.concatenate([tr.h0, x[0]], axis=1).shape,
            "W_f, W_i, W_C, W_o": p["W_f"].shape, "b_f, b_i, b_C, b_o": p["b_f"].shape,
            "f_t": s.f.shape, "i_t": s.i.shape, "C̃_t": s.c_tilde.shape, "C_t": s.c.shape, "o_t": s.o.shape,
            "h_t": s.h.shape, "trace (all steps)": tr.h.shape}


def _columns(text):
    """How many columns ``text`` takes on screen: a combining mark (the tilde of C̃) takes none."""
    return sum(not unicodedata.combining(ch) for ch in text)


def sheet_text(D=3, H=4, B=2, T=5):
    """The cheat sheet with each symbolic shape checked against the engine's measured shape.

    Two blocks, each with its own column widths so every line fits the page: the inputs and
    parameters, then the six equations."""
    shapes = measured_shapes(D, H, B, T)
    sizes = {"B": B, "D": D, "H": H, "H+D": H + D}
    blocks = [[row for row in SHEET if " = " not in row[0]], [row for row in SHEET if " = " in row[0]]]
    out = []
    for block in blocks:
        widths = [max(_columns(row[k]) for row in block) + 2 for k in range(3)]
        rows = []
        for formula, role, shape in block:
            key = formula.split(" = ")[0]
            want = tuple(sizes[s.strip()] for s in shape.strip("(),").split(",") if s.strip())
            got = shapes[key]
            cells = "".join(text + " " * (w - _columns(text)) for text, w in zip((formula, role, shape), widths))
            rows.append(f"{cells}-> {got} {'ok' if got == want else 'MISMATCH'}")
        out.append("\n".join(rows))
    return "\n\n".join(out)
