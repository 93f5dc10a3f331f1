import matplotlib
import pytest

from lstm_helpers.chapters import ch09_applications as ch09

matplotlib.use("Agg")


def test_each_shape_draws_its_inputs_and_outputs():
    for kind, (_, inputs, outputs) in ch09.SHAPES.items():
        ax = ch09.draw_shape(kind)
        texts = [t.get_text() for t in ax.texts]
        assert all(w in texts for w in inputs) and all(o in texts for o in outputs if o)
        assert kind in ax.get_title(loc="left")


def test_encoder_decoder_has_both_parts():
    texts = [t.get_text() for t in ch09.draw_shape("encoder-decoder").texts]
    assert texts.count("encoder") == 3 and texts.count("decoder") == 3


def test_unknown_shape():
    with pytest.raises(ValueError, match="kind must be one of"):
        ch09.draw_shape("one-to-one")


def test_all_shapes_fit_the_page_with_readable_text():
    fig = ch09.draw_all()
    width, _ = fig.get_size_inches()
    assert width <= 7.0                                   # the page column is 7 in
    sizes = [t.get_fontsize() for ax in fig.axes for t in ax.texts]
    assert len(fig.axes) == len(ch09.SHAPES) and min(sizes) >= 9
