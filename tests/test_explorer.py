"""The explorer shown in a notebook: the live widget where a kernel runs, the website's version elsewhere."""
import matplotlib
import numpy as np
from conftest import decay_explorer as make

from lstm_helpers.explorers import web
from lstm_helpers.explorers.explorer import Explorer, Panel, Readout, Series, Slider

matplotlib.use("Agg")


def test_mimebundle_has_the_live_widget_and_the_website_explorer():
    e = make()
    bundle = e._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["text/html"] == web.html(e)        # what the book build shows


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
