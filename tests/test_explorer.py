import json

import matplotlib
import numpy as np
import pytest

from lstm_helpers.explorer import Explorer, Panel, Readout, Series, Slider

matplotlib.use("Agg")


def decay(f=0.9, c0=1.0):
    k = np.arange(20)
    return {"k": k, "c": c0 * f ** k, "final": c0 * f ** 19}


def make():
    return Explorer(
        title="Memory decay", compute=decay,
        sliders=(Slider("f", "forget f", 0.0, 1.0, 0.05, 0.9), Slider("c0", "C_0", -1.0, 1.0, 0.5, 1.0)),
        panels=(Panel((Series("c", "C_k"),), title="memory", xlabel="step k", ylabel="C", x="k"),),
        readouts=(Readout("final", "C_19"),), alt="Memory decaying as f to the power k")


def test_values_default_and_override():
    e = make()
    assert e.values() == {"f": 0.9, "c0": 1.0}
    assert e.result(f=0.5)["final"] == pytest.approx(0.5 ** 19)


def test_out_of_range_and_unknown_sliders_raise():
    with pytest.raises(ValueError, match=r"f must be a finite number in \[0.0, 1.0\]"):
        make().values(f=1.5)
    with pytest.raises(ValueError, match="slider name must be one of"):
        make().values(g=0.1)


def test_grid_covers_the_range():
    np.testing.assert_allclose(Slider("f", "f", 0.0, 1.0, 0.25, 0.5).grid(), [0, 0.25, 0.5, 0.75, 1.0])


def test_figure_draws_the_computed_values():
    fig = make().figure(f=0.5)
    line = fig.axes[0].lines[0]
    np.testing.assert_allclose(line.get_ydata(), 0.5 ** np.arange(20))
    assert fig.axes[0].get_xlabel() == "step k" and "C_19 = 0.000" in fig._suptitle.get_text()


def test_spec_carries_the_alt_text_and_is_json():
    e = make()
    spec = json.loads(json.dumps(e.spec()))
    assert spec["alt"] == "Memory decaying as f to the power k"     # the website's figure label
    assert spec["sliders"][0]["name"] == "f" and spec["panels"][0]["series"][0]["key"] == "c"


def test_mimebundle_has_the_live_widget_and_the_website_explorer():
    from lstm_helpers import web_explorer

    e = make()
    bundle = e._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/html"] == web_explorer.html(e)        # what the book build shows


def stepper():
    """An explorer with an integer slider and two series that coincide at the default setting."""
    def compute(t=3.0, gap=0.0):
        k = np.arange(8)
        return {"k": k, "a": np.sin(k / 2), "b": np.sin(k / 2) + gap, "a_t": float(np.sin(t / 2))}

    return Explorer(
        title="Step through", compute=compute,
        sliders=(Slider("t", "time step t", 0.0, 7.0, 1.0, 3.0), Slider("gap", "gap", 0.0, 0.5, 0.05, 0.0)),
        panels=(Panel((Series("a", "a", "#D55E00"), Series("b", "b", "#0072B2")), x="k", ylim=(-1.5, 1.5)),),
        readouts=(Readout("a_t", "a at t"),))


def test_coinciding_series_both_stay_visible():
    import io

    from PIL import Image

    rgb = np.asarray(Image.open(io.BytesIO(stepper().render_png(gap=0.0))).convert("RGB"), dtype=int)

    def pixels_near(hex_color):
        target = np.array([int(hex_color[i:i + 2], 16) for i in (1, 3, 5)])
        return int((np.abs(rgb - target).sum(axis=2) < 60).sum())

    # "a" (drawn first, wider) shows around and between the dashes of "b" lying exactly on it
    assert pixels_near("#D55E00") > 1000 and pixels_near("#0072B2") > 1000
