import json
import time

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


def test_live_redraw_updates_the_same_figure_and_is_fast():
    e = make()
    e.render_png()
    fig = e._live["blit"].fig
    times = []
    for f in np.linspace(0, 1, 21):
        t = time.perf_counter()
        png = e.render_png(f=float(f))
        times.append(time.perf_counter() - t)
    assert png[:4] == b"\x89PNG" and e._live["blit"].fig is fig
    np.testing.assert_allclose(fig.axes[0].lines[0].get_ydata(), np.ones(20))
    assert np.median(times) < 0.2          # generous here; the benchmark reports the real figure


def test_blitted_frame_equals_a_full_redraw():
    import io

    from PIL import Image

    def pixels(png):
        return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)

    e = make()                                    # fixed ylim below, so frames are blitted
    e.panels = (Panel((Series("c", "C_k"),), title="memory", xlabel="step k", ylabel="C", x="k", ylim=(-1, 1)),)
    e.render_png()
    assert e._live["blit"].blit
    fast = pixels(e.render_png(f=0.3, c0=-0.5))
    fresh = make()
    fresh.panels = e.panels
    full = pixels(fresh.render_png(f=0.3, c0=-0.5))  # first frame: a full draw
    assert fast.shape == full.shape
    assert np.mean(np.abs(fast - full) > 8) < 0.002   # identical up to antialiasing


def test_static_html_has_alt_text_and_spec_is_json():
    e = make()
    html = e.static_html()
    assert 'alt="Memory decaying as f to the power k"' in html and "data:image/png;base64," in html
    spec = json.loads(json.dumps(e.spec()))
    assert spec["sliders"][0]["name"] == "f" and spec["panels"][0]["series"][0]["key"] == "c"


def test_mimebundle_has_widget_and_static_html():
    bundle = make()._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle and "<img" in bundle["text/html"]
