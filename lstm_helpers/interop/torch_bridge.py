"""Map our LSTM parameter dicts to and from PyTorch's nn.LSTM (chapter 13, and the tests).

PyTorch keeps separate input and recurrent matrices, stacks the LSTM gates in the order
(i, f, g, o) -- g is our C̃ -- and has two bias vectors (b_ih + b_hh) where we have one.
Our W_g is (H, H+D) with the h_{t-1} columns first, so:

    weight_ih_l0 = [W_i; W_f; W_c; W_o][:, H:]      (4H, D)
    weight_hh_l0 = [W_i; W_f; W_c; W_o][:, :H]      (4H, H)
    bias_ih_l0   = [b_i; b_f; b_c; b_o],  bias_hh_l0 = 0

PyTorch is imported only when these functions are called.
"""
from __future__ import annotations

import numpy as np

from lstm_helpers.engine import lstm

TORCH_LSTM_ORDER = ("i", "f", "c", "o")


def _torch():
    try:
        import torch
    except ImportError as err:  # pragma: no cover - depends on the machine
        raise ImportError("PyTorch is not installed: pip install -r requirements-test.txt (CPU build)") from err
    return torch


def lstm_to_torch_state(params):
    """Our LSTM params -> {name: numpy array} with nn.LSTM's state_dict names (one layer)."""
    D, H = lstm.sizes(params)
    W = np.concatenate([params[f"W_{g}"] for g in TORCH_LSTM_ORDER])   # (4H, H+D)
    b = np.concatenate([params[f"b_{g}"] for g in TORCH_LSTM_ORDER])
    return {"weight_ih_l0": W[:, H:], "weight_hh_l0": W[:, :H], "bias_ih_l0": b, "bias_hh_l0": np.zeros_like(b)}


def lstm_from_torch_state(state):
    """nn.LSTM state_dict (one layer; tensors or arrays) -> our LSTM params (biases summed)."""
    arr = {k: np.asarray(v.detach().cpu().numpy() if hasattr(v, "detach") else v) for k, v in state.items()}
    W = np.concatenate([arr["weight_hh_l0"], arr["weight_ih_l0"]], axis=1)   # (4H, H+D)
    b = arr["bias_ih_l0"] + arr["bias_hh_l0"]
    H = W.shape[0] // 4
    params = {}
    for k, g in enumerate(TORCH_LSTM_ORDER):
        params[f"W_{g}"] = W[k * H:(k + 1) * H].copy()
        params[f"b_{g}"] = b[k * H:(k + 1) * H].copy()
    return params


def make_torch_lstm(params):
    """A torch.nn.LSTM (seq-first, one layer) holding exactly our weights, in their dtype."""
    torch = _torch()
    D, H = lstm.sizes(params)
    return _load(torch, torch.nn.LSTM(D, H), lstm_to_torch_state(params), params["W_f"].dtype)


def _load(torch, module, state, dtype):
    module = module.to(torch.float64 if dtype == np.float64 else torch.float32)
    module.load_state_dict({k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in state.items()})
    return module


def torch_model_params(net, head):
    """A trained nn.LSTM (one layer) + nn.Linear read-out -> our model params.

    The two PyTorch biases are summed into one; W_y: (K, H) and b_y: (K,) come from the read-out.
    """
    torch = _torch()

    if not isinstance(net, torch.nn.LSTM) or net.num_layers != 1 or net.batch_first:
        raise ValueError(f"net must be a one-layer, sequence-first torch.nn.LSTM; got {net!r}")
    if not isinstance(head, torch.nn.Linear) or head.in_features != net.hidden_size:
        raise ValueError(f"head must be a torch.nn.Linear with {net.hidden_size} inputs; got {head!r}")
    params = lstm_from_torch_state(net.state_dict())
    params.update(W_y=head.weight.detach().cpu().numpy().copy(), b_y=head.bias.detach().cpu().numpy().copy())
    return params
