import pathlib
import sys

import numpy as np
import pytest

# The repository tools (tools/notebooks.py, tools/prose_numbers.py) are scripts, not part of the package.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tools"))


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


@pytest.fixture(scope="session")
def _chromium():
    """Launches headless Chromium through Playwright, once per executable and arguments for the whole session.
    Under pytest-xdist a worker may run other modules' tests between those of a browser module; a module-scoped
    browser would be closed and launched again at every such switch."""
    from playwright.sync_api import sync_playwright

    launched = {}
    with sync_playwright() as p:
        def launch(chromium, args):
            key = (chromium, tuple(args))
            if key not in launched:
                launched[key] = p.chromium.launch(executable_path=chromium, args=list(args))
            return launched[key]

        yield launch
        for b in launched.values():
            b.close()


@pytest.fixture(scope="module")
def browser(request, _chromium):
    """Headless Debian Chromium through Playwright, launched with the test module's ``CHROMIUM`` and ``ARGS``
    (tests/test_site.py, tests/test_lab.py)."""
    chromium, args = request.module.CHROMIUM, request.module.ARGS
    if not pathlib.Path(chromium).exists():
        pytest.fail("Chromium is missing: apt-get install chromium (make test installs it)")
    return _chromium(chromium, args)


def decay_explorer():
    """A small explorer for the explorer tests: memory f**k C_0 over 20 steps, two sliders, one readout."""
    from lstm_helpers.explorers.explorer import Explorer, Panel, Readout, Series, Slider

    def decay(f=0.9, c0=1.0):
        k = np.arange(20)
        return {"k": k, "c": c0 * f ** k, "final": c0 * f ** 19}

    return Explorer(
        title="Memory decay", compute=decay,
        sliders=(Slider("f", "forget f", 0.0, 1.0, 0.05, 0.9), Slider("c0", "C_0", -1.0, 1.0, 0.5, 1.0)),
        panels=(Panel((Series("c", "C_k"),), title="memory", xlabel="step k", ylabel="C", x="k"),),
        readouts=(Readout("final", "C_19"),), alt="Memory decaying as f to the power k")


def torch_rnn(params, nonlinearity="tanh"):
    """A torch.nn.RNN (seq-first, one layer; "tanh" or "relu") holding exactly our RNN params, in their dtype:
    the independent reference the RNN engine is checked against. PyTorch has separate input and recurrent
    matrices and two biases; ours is one W_h (H, H+D) with the h_{t-1} columns first and one b_h."""
    import torch

    from lstm_helpers.engine import rnn

    D, H = rnn.sizes(params)
    W = params["W_h"]
    state = {"weight_ih_l0": W[:, H:], "weight_hh_l0": W[:, :H], "bias_ih_l0": params["b_h"],
             "bias_hh_l0": np.zeros_like(params["b_h"])}
    module = torch.nn.RNN(D, H, nonlinearity=nonlinearity).to(torch.float64 if W.dtype == np.float64 else torch.float32)
    module.load_state_dict({k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in state.items()})
    return module


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """The website's tests of one page run on one worker (``--dist loadgroup``), so each page's audit in a view and
    theme (one browser load, axe-core included: tests/test_site.py's ``audit``) is made once, not once per worker."""
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if item.nodeid.startswith("tests/test_site.py") and "name" in params:
            item.add_marker(pytest.mark.xdist_group(f"site-{params['name']}"))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node, ids):
    """Under ``--dist loadgroup`` pytest-xdist marks a grouped test by appending "@group" to its node id. Some pytest
    releases silently defeat that (pytest-xdist#1386: pytest 9.2); then every page's audits would be made on both
    workers and JupyterLab started twice. Fail instead of running slowly."""
    if node.config.getvalue("dist") != "loadgroup":
        return
    lost = [i for i in ids if "@" not in i and (i.startswith("tests/test_lab.py")
                                                or (i.startswith("tests/test_site.py") and ".html" in i))]
    if lost:
        raise pytest.UsageError(f"pytest-xdist did not group {len(lost)} tests (e.g. {lost[0]}): pytest "
                                f"{pytest.__version__} with this pytest-xdist -- see requirements-test.txt")
