import numpy as np
import pytest

from lstm_helpers.chapters import ch06_one_step as ch06
from lstm_helpers.engine import lstm


def sig(v):
    return 1 / (1 + np.exp(-v))


def test_intermediates_by_hand_for_one_unit():
    p = {"W_f": np.array([[1.0, 2.0]]), "b_f": np.array([0.0]), "W_i": np.array([[0.0, 1.0]]), "b_i": np.array([-1.0]),
         "W_c": np.array([[1.0, 1.0]]), "b_c": np.array([0.5]), "W_o": np.array([[-1.0, 0.0]]), "b_o": np.array([0.0])}
    r = ch06.intermediates(p, np.array([0.5]), np.array([0.2]), np.array([-1.0]))
    np.testing.assert_allclose(r["z"], [0.2, 0.5])
    assert r["a_f"][0] == pytest.approx(1.2) and r["f"][0] == pytest.approx(sig(1.2))
    assert r["a_i"][0] == pytest.approx(-0.5) and r["c_tilde"][0] == pytest.approx(np.tanh(1.2))
    c = sig(1.2) * -1.0 + sig(-0.5) * np.tanh(1.2)
    assert r["c"][0] == pytest.approx(c)
    assert r["h"][0] == pytest.approx(sig(-0.2) * np.tanh(c))


def test_intermediates_equal_lstm_step():
    params, x = ch06.example(seed=1)
    h, c = np.random.default_rng(0).standard_normal((2, 3))
    r = ch06.intermediates(params, x[0, 0], h, c)
    s = lstm.step(params, x[0], h[None], c[None])
    for name in ("f", "i", "c_tilde", "o", "c", "h"):
        np.testing.assert_allclose(r[name], getattr(s, name)[0], atol=1e-14)


def test_step_through_equals_forward():
    params, x = ch06.example()
    h, c = ch06.step_through(params, x)
    tr = lstm.forward(params, x)
    np.testing.assert_allclose(h, tr.h[:, 0], atol=1e-13)
    np.testing.assert_allclose(c, tr.c[:, 0], atol=1e-13)


def test_table_lists_the_five_steps_in_order():
    params, x = ch06.example()
    table = ch06.step_table(ch06.intermediates(params, x[0, 0], np.zeros(3), np.zeros(3)))
    heads = [line for line in table.splitlines() if not line.startswith(" ")]
    assert heads == ["1 look", "2 forget", "3 add", "4 update memory", "5 output"]


def test_explorer_shows_the_state_at_step_t():
    params, x = ch06.example()
    tr = lstm.forward(params, x)
    r = ch06.explore(t=4)
    np.testing.assert_array_equal(r["c"], tr.c[4, 0])
    assert np.isnan(r["c0_upto"][5:]).all() and not np.isnan(r["c0_upto"][:5]).any()
    assert ch06.explorer().sliders[0].grid().tolist() == list(range(8))


@pytest.mark.parametrize("call, match", [
    (lambda: ch06.intermediates(ch06.example()[0], np.zeros(3), np.zeros(3), np.zeros(3)), r"x_t must have shape \(2,\)"),
    (lambda: ch06.explore(t=9), r"t must be a finite number in \[0, 7\]"),
    (lambda: ch06.example(H=0), "H must be an integer >= 1"),
    (lambda: ch06.step_through(ch06.example()[0], np.zeros((4, 2, 2))), r"x must have shape \(T, 1, 2\)"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_memory_change_splits_the_update_into_lost_and_written_by_hand():
    p = {"W_f": np.array([[1.0, 2.0]]), "b_f": np.array([0.0]), "W_i": np.array([[0.0, 1.0]]), "b_i": np.array([-1.0]),
         "W_c": np.array([[1.0, 1.0]]), "b_c": np.array([0.5]), "W_o": np.array([[-1.0, 0.0]]), "b_o": np.array([0.0])}
    r = ch06.intermediates(p, np.array([0.5]), np.array([0.2]), np.array([-1.0]))
    m = ch06.memory_change(r, np.array([-1.0]))
    assert m["lost"][0] == pytest.approx(1.0 - sig(1.2))                  # f·(−1) − (−1): forgetting moves C towards 0
    assert m["written"][0] == pytest.approx(sig(-0.5) * np.tanh(1.2))
    assert m["change"][0] == pytest.approx(m["lost"][0] + m["written"][0])


def test_memory_change_of_the_chapter_step_adds_up_for_every_unit():
    params, x = ch06.example()
    tr = lstm.forward(params, x)
    m = ch06.memory_change(ch06.intermediates(params, x[3, 0], tr.h[2, 0], tr.c[2, 0]), tr.c[2, 0])
    np.testing.assert_allclose(m["change"], tr.c[3, 0] - tr.c[2, 0], atol=1e-14)
    np.testing.assert_allclose(m["lost"] + m["written"], m["change"], atol=1e-14)
    table = ch06.change_table(m)
    assert table.splitlines()[0].split() == ["unit", "0", "1", "2"] and len(table.splitlines()) == 8


@pytest.mark.parametrize("call, match", [
    (lambda: ch06.memory_change({"f": np.ones(3)}, np.zeros(3)), r"values must be the dict returned by intermediates\(\)"),
    (lambda: ch06.memory_change(ch06.intermediates(ch06.example()[0], np.zeros(2), np.zeros(3), np.zeros(3)),
                                    np.zeros(2)), r"c_prev must have shape \(3,\)"),
])
def test_memory_change_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
