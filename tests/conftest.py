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


@pytest.fixture(scope="module")
def browser(request):
    """Headless Debian Chromium through Playwright, launched with the test module's ``CHROMIUM`` and ``ARGS``
    (tests/test_site.py, tests/test_lab.py); one per module."""
    import pathlib

    from playwright.sync_api import sync_playwright

    chromium, args = request.module.CHROMIUM, request.module.ARGS
    if not pathlib.Path(chromium).exists():
        pytest.fail("Chromium is missing: apt-get install chromium (make test installs it)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=args)
        yield b
        b.close()
