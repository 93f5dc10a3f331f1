"""Chapter 9d, "Stock prices": a random walk, where today *is* the best forecast of tomorrow; the
chapter measures that an LSTM (``training.forecast``) cannot beat it."""
from __future__ import annotations

import numpy as np

from lstm_helpers.engine.validation import check_positive_int


def random_walk(n=1500, sigma=0.01, seed=0, start=100.0):
    """A seeded geometric random walk (a price with i.i.d. normal log-returns): (n,)."""
    n = check_positive_int("n", n, minimum=2)
    rng = np.random.default_rng(seed)
    return start * np.exp(np.cumsum(rng.normal(0.0, sigma, size=n)))

