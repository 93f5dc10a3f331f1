"""A small, seeded training loop with a progress bar (used by chapters 1, 8, 9, 12, 15)."""
from __future__ import annotations

import copy
import math
import os
import time

from tqdm.auto import tqdm

from lstm_helpers.engine.optim import Adam, clip_grad_norm
from lstm_helpers.engine.validation import check_positive_int, check_rng
from lstm_helpers.training.models import loss_and_grads


def train(cell, params, sample, n_steps, rng, optimizer=None, clip=1.0, loss="xent",
          readout_mode="last", evaluate=None, eval_every=50, stop=None, progress=True, desc=None, loss_fn=None):
    """Train a sequence model; returns (trained params: a new dict, history).

    sample: (rng) -> (x (T, B, D), y), one training batch (x may be a tuple of arrays whose first is (T, B, ...)).
    loss_fn: optional (params, x, y) -> (loss, grads) replacing ``models.loss_and_grads`` (e.g. the
    encoder-decoder of chapter 9e); then ``cell``, ``loss`` and ``readout_mode`` are not used.
    optimizer: default Adam(lr=1e-2).   clip: global gradient-norm limit (None = off).
    evaluate: optional (params) -> float, called every ``eval_every`` steps and at the end.
    stop: optional (value) -> bool; training ends early once it is true for an evaluation.
    progress: show a tqdm progress bar (False for tests and quiet runs; the environment variable TQDM_DISABLE=1
    hides it too).
    history: {"loss": [per step], "grad_norm": [per step], "eval": [(step, sequences, value)],
              "sequences": total sequences seen, "seconds": wall time}, plus "diverged": the step whose loss or
              gradient was not finite, when one was -- training stops there, before that step's update.
    """
    n_steps = check_positive_int("n_steps", n_steps)
    eval_every = check_positive_int("eval_every", eval_every)
    check_rng("rng", rng)
    if not callable(sample):
        raise ValueError(f"sample must be a function (rng) -> (x, y); got {type(sample).__name__}")
    if loss_fn is not None and not callable(loss_fn):
        raise ValueError(f"loss_fn must be a function (params, x, y) -> (loss, grads) or None; got {type(loss_fn).__name__}")
    params = copy.deepcopy(params)
    optimizer = Adam(lr=1e-2) if optimizer is None else optimizer
    history = {"loss": [], "grad_norm": [], "eval": [], "sequences": 0}
    start = time.perf_counter()
    # The website build sets TQDM_DISABLE=1: its pages have no kernel, so no progress bar (tqdm's notebook bar
    # would set disable=False itself and ignore the variable, hence the explicit check).
    show = progress and os.environ.get("TQDM_DISABLE", "").lower() not in ("1", "true")
    bar = tqdm(range(1, n_steps + 1), desc=desc or f"training {cell}", leave=False, disable=not show)
    for it in bar:
        x, y = sample(rng)
        if loss_fn is None:
            value, grads, _ = loss_and_grads(cell, params, x, y, loss=loss, readout_mode=readout_mode)
        else:
            value, grads = loss_fn(params, x, y)
        grads, norm = clip_grad_norm(grads, clip)
        if not (math.isfinite(value) and math.isfinite(norm)):     # diverged (e.g. far too large a learning rate)
            history["diverged"] = it
            break
        optimizer.update(params, grads)
        history["loss"].append(value)
        history["grad_norm"].append(norm)
        history["sequences"] += (x[0] if isinstance(x, tuple) else x).shape[1]
        if evaluate is not None and (it % eval_every == 0 or it == n_steps):
            score = float(evaluate(params))
            history["eval"].append((it, history["sequences"], score))
            bar.set_postfix(loss=f"{value:.3f}", eval=f"{score:.3f}")
            if stop is not None and stop(score):
                break
    bar.close()
    history["seconds"] = time.perf_counter() - start
    return params, history
