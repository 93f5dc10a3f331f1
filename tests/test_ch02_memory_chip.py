import numpy as np
import pytest

from lstm_helpers.chapters import ch02_memory_chip as ch02


def test_forget_one_input_zero_keeps_the_memory_exactly():
    r = ch02.run_chip(1.0, 0.0, 1.0, values=(1.0, 0.5, -0.5), c0=0.7)
    np.testing.assert_array_equal(r["c"], [0.7, 0.7, 0.7])


def test_forget_zero_erases_memory():
    r = ch02.run_chip(0.0, 1.0, 1.0, values=(1.0, 0.0, 0.0))
    np.testing.assert_array_equal(r["c"], [1.0, 0.0, 0.0])


def test_input_zero_writes_nothing():
    r = ch02.run_chip(0.9, 0.0, 1.0, values=(1.0, -1.0, 0.3))
    np.testing.assert_array_equal(r["c"], [0.0, 0.0, 0.0])


def test_output_zero_hides_the_memory():
    r = ch02.run_chip(1.0, 1.0, 0.0, values=(1.0, 0.0))
    np.testing.assert_array_equal(r["h"], [0.0, 0.0])
    np.testing.assert_array_equal(r["c"], [1.0, 1.0])


def test_hand_computed_two_steps():
    r = ch02.run_chip(0.5, 0.8, 0.6, values=(1.0, 0.5))
    c1 = 0.8 * 1.0
    c2 = 0.5 * c1 + 0.8 * 0.5
    np.testing.assert_allclose(r["c"], [c1, c2])
    np.testing.assert_allclose(r["h"], 0.6 * np.tanh([c1, c2]))
    np.testing.assert_allclose(r["kept_first"], [0.8, 0.4])


def test_explorer_values_and_shapes():
    e = ch02.explorer()
    r = e.result(f=0.9, i=1.0, o=1.0)
    n = len(ch02.EVENTS)
    assert all(r[k].shape == (n,) for k in ("c", "h", "c_tilde", "kept_first"))
    assert r["first_share"] == pytest.approx(0.9 ** 6)
    assert {s.name for s in e.sliders} == {"f", "i", "o"}
    assert all(s.grid().size == 11 for s in e.sliders)


@pytest.mark.parametrize("kwargs, match", [
    ({"f": 1.2, "i": 0.5, "o": 0.5}, r"f must be a finite number in \[0.0, 1.0\]"),
    ({"f": 0.5, "i": -0.1, "o": 0.5}, "i must be"),
    ({"f": 0.5, "i": 0.5, "o": 0.5, "values": [[1.0]]}, r"values must have shape \(T,\)"),
])
def test_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ch02.run_chip(**kwargs)
