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


def test_live_figure_is_drawn_at_twice_the_size_it_is_shown_and_untitled():
    import io

    from PIL import Image

    e = stepper()
    png = e.render_png()
    width, height = e.live_size()
    assert Image.open(io.BytesIO(png)).size == (2 * width, 2 * height)
    assert e._live["blit"].fig._suptitle is None       # the title is the widget's heading, shown once


def test_widget_one_title_equal_tracks_integer_readout_and_unstretched_image():
    import ipywidgets as w

    box = stepper().widget()
    title, t_slider, gap_slider, image, readout = box.children
    assert "Step through" in title.value and "Step through" not in readout.value
    assert isinstance(t_slider, w.IntSlider) and t_slider.value == 3          # shows "3", not "3.00"
    assert isinstance(gap_slider, w.FloatSlider) and gap_slider.readout_format == ".2f"
    assert t_slider.style.description_width == gap_slider.style.description_width
    assert t_slider.layout.width == gap_slider.layout.width                  # same label width, same track
    assert image.layout.width == "700px" and image.layout.max_width == "100%"  # never wider than drawn
    assert box.layout.align_items == "flex-start"                            # the VBox does not stretch it
    assert readout.value.endswith("a at t = 0.997</span>")


def test_widget_redraws_figure_and_readout_when_a_slider_moves():
    box = stepper().widget()
    _, t_slider, gap_slider, image, readout = box.children
    before = image.value
    t_slider.value = 0
    assert "a at t = 0.000" in readout.value
    gap_slider.value = 0.5
    assert image.value != before and image.value[:4] == b"\x89PNG"


def test_coinciding_series_both_stay_visible():
    import io

    from PIL import Image

    rgb = np.asarray(Image.open(io.BytesIO(stepper().render_png(gap=0.0))).convert("RGB"), dtype=int)

    def pixels_near(hex_color):
        target = np.array([int(hex_color[i:i + 2], 16) for i in (1, 3, 5)])
        return int((np.abs(rgb - target).sum(axis=2) < 60).sum())

    # "a" (drawn first, wider) shows around and between the dashes of "b" lying exactly on it
    assert pixels_near("#D55E00") > 1000 and pixels_near("#0072B2") > 1000


def test_live_figure_height_is_capped_so_the_explorer_fits_a_laptop_screen():
    e = make()
    e.panels = e.panels * 3                        # 3 × 2.4 in declared
    assert e.live_size() == (700, 480)


def test_unfiltered_png_decodes_to_the_same_pixels():
    import io

    from PIL import Image

    from lstm_helpers.explorer import _png_unfiltered

    rgba = np.random.default_rng(0).integers(0, 256, size=(7, 5, 4), dtype=np.uint8)
    decoded = np.asarray(Image.open(io.BytesIO(_png_unfiltered(rgba))).convert("RGBA"))
    np.testing.assert_array_equal(decoded[..., :3], rgba[..., :3])
