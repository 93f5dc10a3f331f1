import numpy as np
import pytest

from lstm_helpers.chapters import ch00_one_lstm_step as ch00
from lstm_helpers.engine import lstm


def test_tiny_example_is_seeded_and_shaped():
    p, x, h, c = ch00.tiny_example(seed=0)
    p2, x2, _, _ = ch00.tiny_example(seed=0)
    assert x.shape == (1, 2) and h.shape == (1, 3) and np.all(c == 0.5)
    assert np.array_equal(p["W_f"], p2["W_f"]) and np.array_equal(x, x2)


def test_gate_table_prints_every_gate_value():
    p, x, h, c = ch00.tiny_example(seed=0)
    s = lstm.step(p, x, h, c)
    table = ch00.gate_table(s, decimals=4)
    lines = table.splitlines()
    assert len(lines) == 2 + 6 and "unit 2" in lines[0]
    forget_row = [float(v) for v in lines[2].split()[3:]]
    np.testing.assert_allclose(forget_row, s.f[0], atol=5e-5)


def test_gate_table_rejects_a_batch():
    p = lstm.init_params(2, 3, np.random.default_rng(0))
    s = lstm.step(p, np.zeros((2, 2)), np.zeros((2, 3)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match="batch of one"):
        ch00.gate_table(s)
