import numpy as np
import pytest
import torch
from conftest import perturbed, torch_rnn

from lstm_helpers.engine import lstm, rnn
from lstm_helpers.interop import torch_bridge
from lstm_helpers.training import models


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
    assert torch_rnn(p).weight_hh_l0.dtype == torch.float32


def test_torch_model_params_reads_a_trained_pair_back():
    torch.manual_seed(0)
    net, head = torch.nn.LSTM(3, 4).double(), torch.nn.Linear(4, 2).double()
    p = torch_bridge.torch_model_params(net, head)
    x = torch.randn(5, 2, 3, dtype=torch.float64)
    expected = head(net(x)[0][-1]).detach().numpy()
    np.testing.assert_allclose(models.predict("lstm", p, x.numpy()), expected, atol=1e-12)


@pytest.mark.parametrize("net, head, match", [
    (lambda: torch.nn.GRU(3, 4), lambda: torch.nn.Linear(4, 2), "net must be"),
    (lambda: torch.nn.LSTM(3, 4), lambda: torch.nn.Linear(5, 2), "head must be"),
])
def test_torch_model_params_rejects_other_layers(net, head, match):
    with pytest.raises(ValueError, match=match):
        torch_bridge.torch_model_params(net(), head())
