"""Chapter 14, "Backpropagation through time": the gradient along the cell state, the
backward flow on one recall sentence, truncation, clipping under plain SGD and under Adam."""
from __future__ import annotations

import numpy as np

from lstm_helpers.engine import gradcheck, lstm
from lstm_helpers.engine.losses import cross_entropy
from lstm_helpers.engine.optim import SGD, Adam
from lstm_helpers.engine.validation import check_array, check_number, check_option, check_positive_int
from lstm_helpers.experiments import protocol
from lstm_helpers.explorers.explorer import Explorer, Panel, Readout, Series, Slider
from lstm_helpers.figures.style import GATE_COLORS
from lstm_helpers.training import loop, models, tasks

RECALL_GAP = 12      # filler words between the country and the query in the explorer


def cell_gradient_vs_lag(forget_bias, T=100, hidden=32, batch=16, seed=0):
    """‖∂L/∂C_{T−k}‖ for k = 0 … T−1, L = Σ R·h_T (a fixed random read-out of the last output).

    Exact: ∂L/∂C_{T−k} is the gradient of L with respect to the starting memory of the last k steps,
    which ``lstm.backward`` returns as "c0" when run on that suffix from the stored states.
    Also returns the prediction from the forget gates alone: mean over units of Π f along the path.
    Returns {"k": (T,), "norm": (T,), "forget_product": (T,)}.
    """
    T, hidden, batch = (check_positive_int(n, v) for n, v in (("T", T), ("hidden", hidden), ("batch", batch)))
    forget_bias = check_number("forget_bias", forget_bias, -10, 10)
    rng = np.random.default_rng(seed)
    p = lstm.init_params(4, hidden, rng, forget_bias=forget_bias)
    x = rng.standard_normal((T, batch, 4))
    R = rng.standard_normal((batch, hidden))
    tr = lstm.forward(p, x)
    norm, prod = np.empty(T), np.empty(T)
    for k in range(T):
        start = T - k                                     # the suffix x[start:] follows C_{start-1}
        h0, c0 = (tr.h0, tr.c0) if start == 0 else (tr.h[start - 1], tr.c[start - 1])
        if k == 0:
            dh_T = R * tr.o[-1] * (1 - np.tanh(tr.c[-1]) ** 2)
            norm[k], prod[k] = np.linalg.norm(dh_T) / np.sqrt(batch), 1.0
            continue
        sub = lstm.forward(p, x[start:], h0, c0)
        dh = np.zeros_like(sub.h)
        dh[-1] = R
        g = lstm.backward(p, sub, dh)["c0"]
        norm[k] = np.linalg.norm(g) / np.sqrt(batch)
        prod[k] = np.prod(tr.f[start:], axis=0).mean()
    return {"k": np.arange(T), "norm": norm, "forget_product": prod}


def gradcheck_small(seed=0):
    """Relative errors of lstm.backward against finite differences for a tiny LSTM (every array)."""
    rng = np.random.default_rng(seed)
    p = {k: v + 0.3 * rng.standard_normal(v.shape) for k, v in lstm.init_params(3, 4, rng).items()}
    x, R = rng.standard_normal((6, 2, 3)), rng.standard_normal((6, 2, 4))
    g = lstm.backward(p, lstm.forward(p, x), R)
    return gradcheck.gradcheck(lambda: float((lstm.forward(p, x).h * R).sum()), {**p, "x": x}, g)


# -- the backward flow on one recall sentence: the explorer and the stacked chains ---


def recall_sentence(gap=RECALL_GAP):
    """The sentence's words: the country, ``gap`` filler words, the query.

    ["Pakistan", the task's distractors in order (repeated after 10), "<speak>"].
    """
    gap = check_positive_int("gap", gap, minimum=0)
    vocab = tasks.recall_vocab()
    fillers = [vocab.distractors[k % len(vocab.distractors)] for k in range(gap)]
    return [vocab.countries[0], *fillers, vocab.query]


def state_gradients(params, trace, dh):
    """The total gradients flowing backward into every cell state and hidden state.

    trace: from ``lstm.forward``;  dh: (T, B, H) the loss's own dL/dh_t (as for
    ``lstm.backward``). Index t = 0 is the initial state (C_0, h_0), t = 1 … T the state
    after step t. The same recursion as ``lstm.backward``, keeping what it passes back:
        dC_t = dC_{t+1} * f_{t+1}               "belt": along the cell state
             + dh_t * o_t * (1 − tanh²(C_t))    "via_h": through h_t = o_t * tanh(C_t)
    Returns {"dC", "dh", "belt", "via_h"}, each (T+1, B, H); belt + via_h = dC.
    """
    D, H = lstm.sizes(params)
    if not isinstance(trace, lstm.Trace):
        raise ValueError("trace must be the Trace returned by lstm.forward; "
                         f"got {type(trace).__name__}")
    T, B, _ = trace.h.shape
    dh = check_array("dh", dh, (T, B, H))
    W = {g: params[f"W_{g}"][:, :H] for g in "fico"}     # the columns that read h_{t-1}
    c_prev = np.concatenate([trace.c0[None], trace.c[:-1]])
    out = {k: np.zeros((T + 1, B, H)) for k in ("dC", "dh", "belt", "via_h")}
    dh_next, dc_next = np.zeros((B, H)), np.zeros((B, H))  # passed back from step t + 1
    for t in range(T, 0, -1):
        k = t - 1                                          # the trace's index of step t
        f, i, g, o = trace.f[k], trace.i[k], trace.c_tilde[k], trace.o[k]
        tanh_c = np.tanh(trace.c[k])
        out["dh"][t] = dh_t = dh[k] + dh_next
        out["belt"][t] = dc_next
        out["via_h"][t] = dh_t * o * (1 - tanh_c ** 2)
        out["dC"][t] = dC = dc_next + out["via_h"][t]
        da = {"o": dh_t * tanh_c * o * (1 - o), "f": dC * c_prev[k] * f * (1 - f),
              "i": dC * g * i * (1 - i), "c": dC * i * (1 - g ** 2)}   # pre-activations
        dh_next = sum(da[q] @ W[q] for q in "fico")
        dc_next = dC * f                                 # dC_{t-1} = dC_t * f_t + via h
    out["dh"][0], out["dC"][0], out["belt"][0] = dh_next, dc_next, dc_next
    return out


def recall_gradients(forget_bias, gap=RECALL_GAP, hidden=16, seed=0):
    """‖∂L/∂C_t‖ and ‖∂L/∂h_t‖ at every step of one untrained LSTM reading one sentence.

    The sentence is ``recall_sentence(gap)``; L is the cross-entropy of the read-out at
    "<speak>" against "Urdu". Fixed by ``seed``: every weight matrix (W_f, W_i, W_c, W_o
    and the read-out W_y, the engine's init, drawn in the same order whatever the bias);
    b_i, b_c, b_o and b_y are 0. Only b_f changes: every unit's is ``forget_bias``.
    Returns {"words": T strings, "dC", "dh", "belt", "via_h": (T+1,) norms over the H
    units (``state_gradients``; index 0 the initial state, t the state after word t),
    "mean_f": the mean forget gate over steps and units, "loss": L}.
    """
    forget_bias = check_number("forget_bias", forget_bias, -10, 10)
    hidden = check_positive_int("hidden", hidden)
    words = recall_sentence(gap)
    vocab = tasks.recall_vocab()
    rng = np.random.default_rng(seed)
    p = models.init_model("lstm", len(vocab.tokens), hidden, len(vocab.classes), rng,
                          forget_bias=forget_bias)
    trace, logits = models.forward("lstm", p, vocab.encode(words))
    loss, dlogits = cross_entropy(logits, np.array([vocab.classes.index("Urdu")]))
    dh = np.zeros_like(trace.h)
    dh[-1] = dlogits @ p["W_y"]                                # the loss reads h_T only
    g = state_gradients(models.cell_params(p), trace, dh)
    norms = {k: np.linalg.norm(v[:, 0], axis=-1) for k, v in g.items()}
    return {"words": words, **norms, "mean_f": float(trace.f.mean()),
            "loss": float(loss)}


def explore(b_f=1.0):
    """The explorer's pure compute: log10 ‖∂L/∂C_t‖ and ‖∂L/∂h_t‖ after each word."""
    r = recall_gradients(check_number("b_f", b_f, -10, 10))
    return {"words": r["words"], "log_dC": np.log10(r["dC"][1:]),
            "log_dh": np.log10(r["dh"][1:]), "country_C": r["dC"][1],
            "country_h": r["dh"][1], "mean_f": r["mean_f"]}


def explorer():
    """A forget-bias slider; one panel: the gradient reaching each word's C_t and h_t.

    Sizes are drawn as log10 on a linear axis: the website ships every array in 16-bit
    steps of its range, which keeps a log10 exact but would flatten a gradient of 1e-9
    next to one of 0.5 to zero.
    """
    return Explorer(
        title=f"The backward flow: a loss at '<speak>', {RECALL_GAP + 2} words",
        compute=explore,
        sliders=(Slider("b_f", "forget bias b_f", -2.0, 5.0, 0.5, 1.0),),
        panels=(Panel((Series("log_dC", "cell state ‖∂L/∂C_t‖", GATE_COLORS["c"],
                              "marker"),
                       Series("log_dh", "hidden state ‖∂L/∂h_t‖", GATE_COLORS["h"],
                              "marker")),
                      title="How much gradient reaches the state after each word",
                      xlabel="the word just read", ylabel="log₁₀ of the size",
                      xticklabels="words", ylim=(-9.5, 0.5)),),
        readouts=(Readout("country_C", "after 'Pakistan': ‖∂L/∂C_1‖", "{:.1e}"),
                  Readout("country_h", "‖∂L/∂h_1‖", "{:.1e}"),
                  Readout("mean_f", "mean forget gate", "{:.2f}")),
        alt="Log-scale sizes of the gradient reaching the cell state and the hidden "
            "state after each word of the sentence, from 'Pakistan' on the left to "
            "'<speak>' on the right, where the loss is; the slider sets the "
            "forget-gate bias.",
        height_per_panel=3.2,
    )


def truncated_grads(params, x, dh, window):
    """Truncated BPTT: gradients of chunks of ``window`` steps, states carried, gradients not.

    x: (T, B, D), dh: (T, B, H). Returns grads with params' keys plus "x" (T, B, D).
    With window ≥ T this equals ``lstm.backward``.
    """
    D, H = lstm.sizes(params)
    x = check_array("x", x, ("T", "B", D))
    dh = check_array("dh", dh, (x.shape[0], x.shape[1], H))
    window = check_positive_int("window", window)
    total = {k: np.zeros_like(v) for k, v in params.items()}
    dx = np.zeros_like(x)
    h0 = c0 = None
    for s in range(0, x.shape[0], window):
        tr = lstm.forward(params, x[s:s + window], h0, c0)
        g = lstm.backward(params, tr, dh[s:s + window])
        for k in total:
            total[k] += g[k]
        dx[s:s + window] = g["x"]
        h0, c0 = tr.h[-1], tr.c[-1]                       # carry the states, not the gradient
    total["x"] = dx
    return total


def first_word_gradient(window, gap=20, hidden=16, seed=0):
    """‖∂L/∂x_0‖ (the country) for a recall batch under truncated BPTT with ``window``.

    L = cross-entropy at the query. Zero whenever the window does not reach back to the first word.
    """
    rng = np.random.default_rng(seed)
    p = models.init_model("lstm", len(tasks.recall_vocab().tokens), hidden, 6, rng)
    x, y, _ = tasks.recall_task(32, gap, rng)
    trace, logits = models.forward("lstm", p, x)
    _, dlogits = cross_entropy(logits, y)
    dh = np.zeros_like(trace.h)
    dh[-1] = dlogits @ p["W_y"]
    g = truncated_grads(models.cell_params(p), x, dh, window)
    return float(np.linalg.norm(g["x"][0]))


OPTIMIZERS = {"adam": Adam, "sgd": SGD}


def clipping_experiment(clip, optimizer="adam", gap=10, steps=200, hidden=32, lr=0.05, seed=0,
                        perturb=None):
    """Train an RNN on the recall task, with or without clipping the gradient by its norm.

    clip: the gradient-norm limit, or None for no clipping.  optimizer: "adam" or "sgd"
    (plain: θ ← θ − lr·g).  perturb: None, or a function params -> params applied to the
    initial weights (chapter 16 nudges their last bits with it); the run is otherwise the same.
    Returns {"grad_norm": (steps,) norms before clipping, "loss": (steps,), "largest_step":
    (steps,) the largest change of any one weight in each update, "accuracy": on 500 test
    sequences, "spike_ratio": max/median of grad_norm, "spike_step": where the max is,
    "radius", "singular": spectral radius and largest singular value of the initial W_hh}.
    """
    if clip is not None:
        clip = check_number("clip", clip, 1e-12)
    check_option("optimizer", optimizer, OPTIMIZERS)
    gap, steps, hidden = (check_positive_int(n, v) for n, v in (("gap", gap), ("steps", steps), ("hidden", hidden)))
    lr = check_number("lr", lr, 1e-12, 10)
    if perturb is not None and not callable(perturb):
        raise ValueError(f"perturb must be a function params -> params or None; got {perturb!r}")
    rng = np.random.default_rng(seed)
    p = models.init_model("rnn", len(tasks.recall_vocab().tokens), hidden, 6, rng)
    p = p if perturb is None else perturb(p)
    W_hh = p["W_h"][:, :hidden]                                    # the recurrent matrix
    before = {k: v.copy() for k, v in p.items()}

    def largest_step(q):                                           # called after every update
        step = max(float(np.abs(q[k] - before[k]).max()) for k in q)
        before.update({k: v.copy() for k, v in q.items()})
        return step

    x_test, y_test = protocol.data("recall", gap, 500, "test")
    p, hist = loop.train("rnn", p, lambda r: tasks.recall_task(32, gap, r)[:2], steps, rng,
                         optimizer=OPTIMIZERS[optimizer](lr), clip=clip, evaluate=largest_step,
                         eval_every=1, progress=False)
    g = np.array(hist["grad_norm"])
    return {"grad_norm": g, "loss": np.array(hist["loss"]), "spike_ratio": float(g.max() / np.median(g)),
            "spike_step": int(g.argmax()), "accuracy": models.accuracy("rnn", p, x_test, y_test),
            "largest_step": np.array([e[2] for e in hist["eval"]]),
            "radius": float(np.abs(np.linalg.eigvals(W_hh)).max()),
            "singular": float(np.linalg.norm(W_hh, 2))}


def plot_cell_gradients(results, ax=None):
    """‖∂L/∂C_{T−k}‖ (solid) and the forget-gate product (dashed) against k, per forget bias."""
    from lstm_helpers.figures.style import PALETTE, label, new_figure

    if ax is None:
        _, ax = new_figure(height=3.2)
    for color, (fb, r) in zip(PALETTE, results.items()):
        ax.semilogy(r["k"][1:], r["norm"][1:], color=color,
                    label=rf"$b_f = {fb:g}$: $\|\partial L/\partial C_{{T-k}}\|$")
        ax.semilogy(r["k"][1:], r["forget_product"][1:], color=color, ls="--",
                    label=rf"$b_f = {fb:g}$: mean $\Pi f$")
    label(ax, "Gradient along the cell state", r"$k$ (steps back from the loss)", "size (log scale)")
    ax.legend(fontsize=9, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return ax


def plot_training(groups, key="grad_norm", ax=None):
    """``key`` ("grad_norm", before clipping, or "loss") at every training step, log scale.

    groups: {label: a clipping_experiment run, or a list of runs}: one colour per label, one
    thin line per run. The loss plot has the loss of guessing, ln 6, dashed.
    """
    from lstm_helpers.figures.style import PALETTE, label, new_figure

    title, ylabel = {"grad_norm": ("Gradient norm", r"$\|g\|$ before clipping"),
                     "loss": ("Loss", "training loss")}[check_option("key", key, ("grad_norm", "loss"))]
    if ax is None:
        _, ax = new_figure(height=3.0)
    for color, (name, runs) in zip(PALETTE, groups.items()):
        for k, r in enumerate(runs if isinstance(runs, list) else [runs]):
            ax.semilogy(r[key], color=color, lw=1, alpha=0.8, label=name if k == 0 else None)
    if key == "loss":
        ax.axhline(np.log(6), ls="--", color="grey", lw=1, label=r"guessing: $\ln K$")
    label(ax, f"{title} during training", "training step", ylabel + " (log scale)")
    ax.legend(fontsize=9)
    return ax


def plot_backward_flow(results, low=1e-2, high=1.0):
    """``unrolled.plot_flows`` for {b_f: recall_gradients(b_f, gap)} (1 to 3 biases, one
    sentence of at most 6 words): one chain per bias, the arrow C_t as wide as log10
    ‖∂L/∂C_t‖, h_t as log10 ‖∂L/∂h_t‖, the read-out as ‖∂L/∂h_T‖. Returns the figure."""
    from lstm_helpers.figures import unrolled

    if not isinstance(results, dict) or not results:
        raise ValueError("results must be a non-empty dict "
                         f"{{b_f: recall_gradients(b_f, gap)}}; got {results!r:.60}")
    words = [r["words"] for r in results.values()]
    if any(w != words[0] for w in words):
        raise ValueError("results must all be computed on the same sentence "
                         "(the same gap)")
    flows = {rf"$b_f = {fb:g}$: forget gates $f \approx {r['mean_f']:.2f}$ on average":
             {"C": r["dC"][:-1], "h": r["dh"]} for fb, r in results.items()}
    key = (r"line width: $\|\partial L/\partial C_t\|$ or $\|\partial L/\partial h_t\|$"
           " on a log scale")
    return unrolled.plot_flows(flows, words[0], "loss", low, high, key)
