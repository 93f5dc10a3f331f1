import numpy as np
import pytest


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


def perturbed(params, rng, scale=0.5):
    """Params with every entry moved randomly, so no bias is exactly 0 or 1 (stronger tests)."""
    return {k: v + scale * rng.standard_normal(v.shape) for k, v in params.items()}


@pytest.fixture(autouse=True)
def _close_figures():
    """Every test starts without open matplotlib figures (a test that draws need not close what it drew)."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
