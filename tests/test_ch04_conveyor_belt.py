import math

import numpy as np
import pytest

from lstm_helpers.chapters import ch04_conveyor_belt as ch04


@pytest.mark.parametrize("f", [1.0, 0.99, 0.9, 0.5])
def test_without_writes_the_belt_decays_exactly_as_f_to_the_k(f):
    b = ch04.belt(f, i=0.0, v=2.0, steps=50)
    np.testing.assert_allclose(b["c"], 2.0 * f ** np.arange(51), rtol=1e-12)
    np.testing.assert_allclose(b["noise"], 0.0, atol=1e-12)


def test_forget_one_keeps_the_value_for_100_steps():
    assert ch04.belt(1.0, i=0.0)["c"][-1] == 1.0


def test_writes_add_the_distractors():
    d = ch04.distractors(3, seed=0)
    b = ch04.belt(0.5, i=0.2, v=1.0, steps=3, seed=0)
    c1 = 0.5 + 0.2 * d[0]
    c2 = 0.5 * c1 + 0.2 * d[1]
    np.testing.assert_allclose(b["c"][:3], [1.0, c1, c2])
    np.testing.assert_allclose(b["left"] + b["noise"], b["c"])


def test_half_life():
    assert ch04.half_life(0.5) == pytest.approx(1.0)
    assert 0.9 ** ch04.half_life(0.9) == pytest.approx(0.5)
    assert ch04.half_life(1.0) == float("inf") and ch04.half_life(0.0) == 0.0


@pytest.mark.parametrize("f, steps", [(0.0, 1.0), (0.5, 2.0), (0.75, 4.0), (0.9, 10.0), (0.99, 100.0)])
def test_memory_time_by_hand(f, steps):
    assert ch04.memory_time(f) == pytest.approx(steps)


def test_memory_time_is_what_is_left_summed_over_every_step():
    left = ch04.belt(0.9, i=0.0, steps=2000)["left"]            # 1, 0.9, 0.81, ...
    assert left.sum() == pytest.approx(ch04.memory_time(0.9))    # 1 + f + f^2 + ... = 1/(1 - f) = 10
    assert ch04.memory_time(1.0) == float("inf")


def test_bias_memory_of_the_usual_forget_biases_by_hand():
    # f = σ(b) = 1/(1 + e^{-b}), so 1/(1 - f) = 1 + e^b; half-life ln 2 / ln(1 + e^{-b})
    assert ch04.bias_memory(0.0) == {"b_f": 0.0, "f": 0.5, "memory_time": 2.0, "half_life": 1.0}
    one, three = ch04.bias_memory(1.0), ch04.bias_memory(3.0)
    assert one["f"] == pytest.approx(0.7310585786)
    assert one["memory_time"] == pytest.approx(1 + math.e)                       # 3.718...
    assert one["half_life"] == pytest.approx(0.6931471806 / 0.3132616875)        # ln 2 / ln(1 + 1/e) = 2.2127
    assert three["f"] == pytest.approx(0.9525741268)
    assert three["memory_time"] == pytest.approx(1 + 20.0855369232)              # 1 + e^3
    assert three["half_life"] == pytest.approx(0.6931471806 / 0.0485873516)      # 14.266
    assert [round(one["memory_time"], 1), round(one["half_life"], 1)] == [3.7, 2.2]
    assert [round(three["memory_time"], 1), round(three["half_life"], 1)] == [21.1, 14.3]


def test_half_life_is_about_ln_2_of_the_time_constant_near_f_1():
    for f in (0.99, 0.999):
        assert ch04.half_life(f) / ch04.memory_time(f) == pytest.approx(math.log(2), rel=1 - f)


def test_plot_memory_time_has_bars_f_to_the_k_and_a_box_of_the_same_area():
    axes = ch04.plot_memory_time(biases=(1.0, 3.0), steps=20)
    assert len(axes) == 2
    f = 1 / (1 + math.exp(-3.0))
    bars = axes[1].patches
    assert len(bars) == 21
    np.testing.assert_allclose([b.get_height() for b in bars], f ** np.arange(21))
    np.testing.assert_allclose([b.get_x() for b in bars], np.arange(21))          # bar k spans [k, k + 1]
    box = axes[1].lines[0]
    np.testing.assert_allclose(box.get_xdata(), [0, 0, 1 + math.exp(3.0), 1 + math.exp(3.0)])
    half = axes[1].lines[1]
    np.testing.assert_allclose(half.get_xdata(), [ch04.half_life(f)] * 2)


def test_rnn_influence_is_the_product_of_step_derivatives():
    r = ch04.rnn_carry(0.8, i=0.0, v=0.5, steps=2)
    h1 = np.tanh(0.8 * 0.5)
    h2 = np.tanh(0.8 * h1)
    np.testing.assert_allclose(r["h"], [0.5, h1, h2])
    np.testing.assert_allclose(r["influence"], [1.0, 0.8 * (1 - h1 ** 2), 0.64 * (1 - h1 ** 2) * (1 - h2 ** 2)])


def test_explorer_shapes_and_readouts():
    e = ch04.explorer()
    r = e.result(f=0.9, i=0.0)
    assert r["c"].shape == (101,) and r["rnn_influence"].shape == (101,)
    assert r["left_end"] == pytest.approx(0.9 ** 100)
    assert e.panels[1].yscale == "log"


@pytest.mark.parametrize("call, match", [
    (lambda: ch04.belt(1.5), "f must be"),
    (lambda: ch04.belt(0.9, i=2.0), "i must be"),
    (lambda: ch04.belt(0.9, steps=0), "steps must be an integer >= 1"),
    (lambda: ch04.rnn_carry(1.0, v=3.0), "v must be"),
    (lambda: ch04.memory_time(1.5), "f must be"),
    (lambda: ch04.bias_memory(float("nan")), "b_f must be"),
    (lambda: ch04.plot_memory_time(steps=0), "steps must be an integer >= 1"),
    (lambda: ch04.plot_memory_time(biases=()), "biases must hold at least one"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
