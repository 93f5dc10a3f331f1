"""The website's explorer: every slider combination computed at build time, packed, and drawn by viewer.js."""
import base64
import json
import re

import numpy as np
import pytest
from conftest import decay_explorer as make

from lstm_helpers.explorers import web
from lstm_helpers.explorers.spec import Slider


def unpack(entry, G):
    """The inverse of web._pack for a quantised entry: (G, n) values to within its 16-bit step."""
    q = np.frombuffer(base64.b64decode(entry["b64"]), dtype="<u2").reshape(G, entry["n"]).astype(float)
    return entry["lo"] + q / 65534 * (entry["hi"] - entry["lo"])


def test_grid_lists_every_combination_last_slider_fastest():
    combos = web.grid(make())
    assert len(combos) == 21 * 5 and combos[0] == {"f": 0.0, "c0": -1.0} and combos[1] == {"f": 0.0, "c0": -0.5}
    assert combos[-1] == {"f": 1.0, "c0": 1.0}


def test_payload_holds_every_result_to_16_bits_and_the_readouts_exactly():
    e = make()
    p = web.payload(e)
    combos = web.grid(e)
    G = len(combos)
    assert p["grid_size"] == G and p["data"]["k"]["const"] == list(range(20))      # unchanged by the sliders: once
    truth = np.array([e.compute(**c)["c"] for c in combos])
    step = (truth.max() - truth.min()) / 65534
    assert np.abs(unpack(p["data"]["c"], G) - truth).max() <= step
    assert p["data"]["final"]["exact"] == [float(f"{e.compute(**c)['final']:.6g}") for c in combos]
    f = p["sliders"][0]
    assert f["values"][f["default_index"]] == pytest.approx(0.9)


def test_html_ships_the_data_once_with_its_title_and_no_closing_script_in_the_json():
    out = web.html(make())
    assert out.count('type="application/json"') == 1 and 'aria-label="Memory decay"' in out
    body = re.search(r'<script type="application/json">(.*?)</script>', out, re.S).group(1)
    assert json.loads(body.replace("<\\/", "</"))["title"] == "Memory decay" and "</" not in body
    assert "noscript" in out and web.VIEWER.read_text() in out


def test_too_many_slider_combinations_are_refused():
    e = make()
    fine = type(e)(title=e.title, compute=e.compute, panels=e.panels,
                   sliders=(Slider("f", "f", 0.0, 1.0, 0.001, 0.5), Slider("c0", "c", 0.0, 1.0, 0.1, 0.5)))
    with pytest.raises(ValueError, match="slider combinations; the website can ship at most 5000"):
        web.grid(fine)
