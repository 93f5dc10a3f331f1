"""Chapter 13, "LSTM in PyTorch and Keras": the same model in three implementations.

Gate orders: ours (f, i, C̃, o as separate matrices on [h_{t−1}, x_t]); PyTorch (i, f, g, o stacked,
separate input and recurrent matrices, two biases -- see ``interop.torch_bridge``); Keras (i, f, c, o stacked,
kernel (D, 4H) and recurrent_kernel (H, 4H) multiplying from the right, one bias (4H,)).
The chapter writes the weight copies and a training step out in code; this module holds the tested
versions and the training runs; the weight mappings are in ``interop.torch_bridge`` and ``interop.keras_bridge``.
"""
from __future__ import annotations

import numpy as np

from lstm_helpers.engine.validation import check_number, check_positive_int
from lstm_helpers.experiments import protocol
from lstm_helpers.interop import torch_bridge
from lstm_helpers.training import models, tasks


def train_torch_recall(gap=10, hidden=32, steps=300, seed=0, forget_bias=None, lr=1e-2, clip=1.0,
                       batch=32):
    """Train nn.LSTM + nn.Linear on the recall task in PyTorch (float32, Adam, global clipping).

    forget_bias: None keeps PyTorch's initialisation (every bias uniform in [−1/√H, 1/√H], and
    b_ih + b_hh is what acts); a number sets the forget block (rows H … 2H) of b_ih to it and of
    b_hh to 0, so b_f = forget_bias as in our engine.
    Returns {"accuracy": test accuracy on 500 sequences, "ours_accuracy": the same weights run by
    our engine, "same_predictions": whether both predict the same class for every test sequence,
    "params": our params (with W_y, b_y) copied out of the trained model}.
    """
    gap, hidden, steps, batch = (check_positive_int(n, v) for n, v in
                                 (("gap", gap), ("hidden", hidden), ("steps", steps), ("batch", batch)))
    seed = check_positive_int("seed", seed, minimum=0)
    if forget_bias is not None:
        forget_bias = check_number("forget_bias", forget_bias, -10, 10)
    lr = check_number("lr", lr, 1e-8, 10)
    clip = check_number("clip", clip, 1e-8)
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)                # tiny matrices: one thread was fastest where we timed it
    try:
        torch.manual_seed(seed)
        rng = np.random.default_rng(seed)
        V = len(tasks.recall_vocab().tokens)
        net, head = torch.nn.LSTM(V, hidden), torch.nn.Linear(hidden, tasks.N_CLASSES)
        if forget_bias is not None:
            with torch.no_grad():
                net.bias_ih_l0[hidden:2 * hidden] = forget_bias     # PyTorch's order: i, f, g, o
                net.bias_hh_l0[hidden:2 * hidden] = 0.0
        weights = list(net.parameters()) + list(head.parameters())
        opt = torch.optim.Adam(weights, lr=lr)
        for _ in range(steps):
            x, y, _ = tasks.recall_task(batch, gap, rng)
            out, _ = net(torch.tensor(x, dtype=torch.float32))          # (T, B, H)
            loss = torch.nn.functional.cross_entropy(head(out[-1]), torch.tensor(y))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(weights, clip)
            opt.step()
        x, y = protocol.data("recall", gap, 500, "test")
        with torch.no_grad():
            pred = head(net(torch.tensor(x, dtype=torch.float32))[0][-1]).argmax(-1).numpy()
    finally:
        torch.set_num_threads(threads)
    ours = torch_bridge.torch_model_params(net, head)
    ours_pred = models.predict("lstm", ours, x.astype(np.float32)).argmax(axis=-1)
    return {"accuracy": float(np.mean(pred == y)), "params": ours,
            "ours_accuracy": float(np.mean(ours_pred == y)),
            "same_predictions": bool(np.array_equal(pred, ours_pred))}
