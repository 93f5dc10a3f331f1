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
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
