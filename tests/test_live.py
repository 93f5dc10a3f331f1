import io

import matplotlib
import numpy as np
import pytest
from PIL import Image
from test_explorer import make, stepper

from lstm_helpers.explorers import live
from lstm_helpers.explorers.explorer import Panel, Series

matplotlib.use("Agg")


def pixels(png):
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)


def test_live_redraw_updates_the_same_figure():
    # (how fast a slider move redraws is measured by make bench, not asserted here)
    e = make()
    e.render_png()
    fig = e._live["blit"].fig
    for f in np.linspace(0, 1, 21):
        png = e.render_png(f=float(f))
    assert png[:4] == b"\x89PNG" and e._live["blit"].fig is fig
    np.testing.assert_allclose(fig.axes[0].lines[0].get_ydata(), np.ones(20))


def test_the_explorer_method_and_the_module_function_draw_the_same_frame():
    assert live.render_png(make(), f=0.3) == make().render_png(f=0.3)


def test_blitted_frame_equals_a_full_redraw():
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


def test_live_figure_is_drawn_at_twice_the_size_it_is_shown_and_untitled():
    e = stepper()
    png = e.render_png()
    width, height = live.live_size(e)
    assert Image.open(io.BytesIO(png)).size == (2 * width, 2 * height)
    assert e._live["blit"].fig._suptitle is None       # the title is the widget's heading, shown once


def test_live_figure_height_is_capped_so_the_explorer_fits_a_laptop_screen():
    e = make()
    e.panels = e.panels * 3                        # 3 × 2.4 in declared
    assert live.live_size(e) == (700, 480)


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


def test_unfiltered_png_decodes_to_the_same_pixels():
    rgba = np.random.default_rng(0).integers(0, 256, size=(7, 5, 4), dtype=np.uint8)
    decoded = np.asarray(Image.open(io.BytesIO(live._png_unfiltered(rgba))).convert("RGBA"))
    np.testing.assert_array_equal(decoded[..., :3], rgba[..., :3])


@pytest.mark.parametrize("call", [live.widget, live.render_png, live.live_size])
def test_bad_input(call):
    with pytest.raises(ValueError, match="explorer must be an Explorer"):
        call({"title": "not an explorer"})
