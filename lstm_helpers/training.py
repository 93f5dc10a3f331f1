"""A small, seeded training loop with a progress bar (used by chapters 1, 8, 9, 12, 15)."""
from __future__ import annotations

import copy
import time

from tqdm.auto import tqdm

from .models import loss_and_grads
from .optim import Adam, clip_grad_norm
from .validation import check_positive_int, check_rng


def train(cell, params, sample, n_steps, rng, optimizer=None, clip=1.0, loss="xent",
          readout_mode="last", evaluate=None, eval_every=50, stop=None, progress=True, desc=None):
    """Train a sequence model; returns (trained params: a new dict, history).

    sample: (rng) -> (x (T, B, D), y), one training batch.
    optimizer: default Adam(lr=1e-2).   clip: global gradient-norm limit (None = off).
    evaluate: optional (params) -> float, called every ``eval_every`` steps and at the end.
    stop: optional (value) -> bool; training ends early once it is true for an evaluation.
    progress: show a tqdm progress bar (False for tests and quiet runs).
    history: {"loss": [per step], "grad_norm": [per step], "eval": [(step, sequences, value)],
              "sequences": total sequences seen, "seconds": wall time}.
    """
    n_steps = check_positive_int("n_steps", n_steps)
    eval_every = check_positive_int("eval_every", eval_every)
    check_rng("rng", rng)
    if not callable(sample):
        raise ValueError(f"sample must be a function (rng) -> (x, y); got {type(sample).__name__}")
    params = copy.deepcopy(params)
    optimizer = Adam(lr=1e-2) if optimizer is None else optimizer
    history = {"loss": [], "grad_norm": [], "eval": [], "sequences": 0}
    start = time.perf_counter()
    bar = tqdm(range(1, n_steps + 1), desc=desc or f"training {cell}", disable=not progress, leave=False)
    for it in bar:
        x, y = sample(rng)
        value, grads, _ = loss_and_grads(cell, params, x, y, loss=loss, readout_mode=readout_mode)
        grads, norm = clip_grad_norm(grads, clip)
        optimizer.update(params, grads)
        history["loss"].append(value)
        history["grad_norm"].append(norm)
        history["sequences"] += x.shape[1]
        if evaluate is not None and (it % eval_every == 0 or it == n_steps):
            score = float(evaluate(params))
            history["eval"].append((it, history["sequences"], score))
            bar.set_postfix(loss=f"{value:.3f}", eval=f"{score:.3f}")
            if stop is not None and stop(score):
                break
    bar.close()
    history["seconds"] = time.perf_counter() - start
    return params, history
