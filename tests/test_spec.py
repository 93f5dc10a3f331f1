"""An explorer's declaration: slider values, ranges, grids and the JSON the website reads."""
import json

import numpy as np
import pytest
from conftest import decay_explorer as make

from lstm_helpers.explorers.spec import Slider


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


def test_spec_carries_the_alt_text_and_is_json():
    e = make()
    spec = json.loads(json.dumps(e.spec()))
    assert spec["alt"] == "Memory decaying as f to the power k"     # the website's figure label
    assert spec["sliders"][0]["name"] == "f" and spec["panels"][0]["series"][0]["key"] == "c"
