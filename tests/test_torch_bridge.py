import numpy as np
import pytest
from conftest import perturbed

from lstm_helpers import lstm, rnn, torch_bridge

torch = pytest.importorskip("torch")


def test_lstm_state_uses_pytorch_gate_order(rng):
    p = lstm.init_params(3, 2, rng)
    for k, g in enumerate("ifco"):
        p[f"b_{g}"][:] = k + 1
    s = torch_bridge.lstm_to_torch_state(p)
    np.testing.assert_array_equal(s["bias_ih_l0"], [1, 1, 2, 2, 3, 3, 4, 4])
    assert s["weight_ih_l0"].shape == (8, 3) and s["weight_hh_l0"].shape == (8, 2)
    np.testing.assert_array_equal(s["weight_hh_l0"][2:4], p["W_f"][:, :2])


def test_lstm_round_trip_through_a_torch_module(rng):
    p = perturbed(lstm.init_params(3, 4, rng), rng)
    back = torch_bridge.lstm_from_torch_state(torch_bridge.make_torch_lstm(p).state_dict())
    assert all(np.array_equal(back[k], p[k]) for k in p)


def test_from_torch_sums_the_two_biases():
    torch.manual_seed(0)
    m = torch.nn.LSTM(3, 2).double()
    p = torch_bridge.lstm_from_torch_state(m.state_dict())
    x = torch.randn(4, 1, 3, dtype=torch.float64)
    np.testing.assert_allclose(lstm.forward(p, x.numpy()).h, m(x)[0].detach().numpy(), atol=1e-12)


def test_rnn_module_dtype_follows_params(rng):
    p = rnn.init_params(3, 4, rng, dtype=np.float32)
    assert torch_bridge.make_torch_rnn(p).weight_hh_l0.dtype == torch.float32
