import numpy as np
import pytest


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


def perturbed(params, rng, scale=0.5):
    """Params with every entry moved randomly, so no bias is exactly 0 or 1 (stronger tests)."""
    return {k: v + scale * rng.standard_normal(v.shape) for k, v in params.items()}
