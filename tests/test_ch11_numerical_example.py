import math

import numpy as np
import pytest

from lstm_helpers.chapters import ch11_numerical_example as ch11


def sig(v):
    return 1 / (1 + math.exp(-v))


def test_worked_step_matches_the_hand_computation():
    v = ch11.worked_step()
    np.testing.assert_allclose(v["z"], [0.5, -0.5, 1.0, 0.5])
    np.testing.assert_allclose(v["a_f"], [2.25, 0.25])
    np.testing.assert_allclose(v["a_i"], [1.5, 0.25])
    np.testing.assert_allclose(v["a_c"], [0.5, 0.25])
    np.testing.assert_allclose(v["a_o"], [0.75, 0.0])
    c1 = sig(2.25) * 1.0 + sig(1.5) * math.tanh(0.5)
    c2 = sig(0.25) * -1.0 + sig(0.25) * math.tanh(0.25)
    np.testing.assert_allclose(v["c"], [c1, c2], atol=1e-15)
    np.testing.assert_allclose(v["h"], [sig(0.75) * math.tanh(c1), 0.5 * math.tanh(c2)], atol=1e-15)
    assert round(c1, 4) == 1.2825 and round(c2, 4) == -0.4245


def test_row_u_of_every_matrix_computes_unit_u():
    params, x, h, _ = ch11.example()
    z = np.concatenate([h, x])
    v = ch11.worked_step()
    for g in "fico":                                                      # by hand: unit 0 = row 0, unit 1 = row 1
        assert v[f"a_{g}"].tolist() == [params[f"W_{g}"][0] @ z + params[f"b_{g}"][0],
                                        params[f"W_{g}"][1] @ z + params[f"b_{g}"][1]]
    assert (z[None] @ params["W_f"].T + params["b_f"]).tolist() == [[2.25, 0.25]]   # the page's z @ W_f.T


def test_engine_reproduces_it():
    assert ch11.engine_difference() < 1e-15


def test_table_has_a_header_and_one_row_per_intermediate():
    rows = ch11.table(ch11.worked_step()).splitlines()
    assert len(rows) == 1 + len(ch11.ORDER)
    assert rows[0].split() == ["unit", "0", "unit", "1"]                   # units numbered from 0
    assert rows[-1].split()[-2:] == ["0.5822", "-0.2004"]


def test_table_rejects_missing_values():
    with pytest.raises(ValueError, match="missing"):
        ch11.table({"z": np.zeros(4)})


def test_table_shows_what_is_kept_and_what_is_written():
    rows = {r[:18].strip(): r[18:].split() for r in ch11.table(ch11.worked_step()).splitlines()[1:]}
    assert rows["f_t * C_prev"] == ["0.9047", "-0.5622"]
    assert rows["i_t * C~_t"] == ["0.3778", "0.1377"]


def test_a_negative_forget_bias_moves_each_memory_towards_its_write():
    usual, low = ch11.worked_step(), ch11.worked_step(b_f=(-1.0, -1.0))
    np.testing.assert_allclose(low["a_f"], usual["a_f"] - 2.0)
    np.testing.assert_allclose(low["i_c_tilde"], usual["i_c_tilde"])        # the write does not change
    assert low["i_c_tilde"][0] < low["c"][0] < usual["c"][0]               # unit 0 falls towards it
    assert usual["c"][1] < low["c"][1] < low["i_c_tilde"][1]               # unit 1 rises towards it


def test_example_rejects_a_bad_forget_bias():
    with pytest.raises(ValueError, match="b_f"):
        ch11.example(b_f=(1.0, 1.0, 1.0))
