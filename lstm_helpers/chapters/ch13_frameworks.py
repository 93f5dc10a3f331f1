"""Chapter 13, "LSTM in PyTorch and Keras": the same model in three implementations, then the
torch.nn.LSTM features a project needs.

Gate orders: ours (f, i, C̃, o as separate matrices on [h_{t−1}, x_t]); PyTorch (i, f, g, o stacked,
separate input and recurrent matrices, two biases -- see ``interop.torch_bridge``); Keras (i, f, c, o stacked,
kernel (D, 4H) and recurrent_kernel (H, 4H) multiplying from the right, one bias (4H,)).
The chapter writes the weight copies and a training step out in code; this module holds the tested
versions and the training runs; the weight mappings are in ``interop.torch_bridge`` and ``interop.keras_bridge``.

Second half, variable-length batches: ``last_state`` reads a padded batch either after the padding
(``out[:, -1]``) or packed (the state after each sequence's own last token), and ``train_torch_varlen``
trains the same model both ways on ``tasks.recall_task_varlen``.
"""
from __future__ import annotations

import time

import contextlib

import numpy as np

from lstm_helpers.engine.validation import (
    check_number,
    check_option,
    check_positive_int,
)
from lstm_helpers.experiments import protocol
from lstm_helpers.interop import torch_bridge
from lstm_helpers.training import models, tasks


@contextlib.contextmanager
def seeded_torch(seed):
    """PyTorch seeded with ``seed`` on one thread (tiny matrices: one thread was fastest where we timed it),
    the previous thread count restored afterwards."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


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

    with seeded_torch(seed):
        rng = np.random.default_rng(seed)
        V = len(tasks.recall_vocab().tokens)
        net, head = torch.nn.LSTM(V, hidden), torch.nn.Linear(hidden, tasks.N_CLASSES)
        if forget_bias is not None:
            set_forget_bias(net, forget_bias)
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
    ours = torch_bridge.torch_model_params(net, head)
    ours_pred = models.predict("lstm", ours, x.astype(np.float32)).argmax(axis=-1)
    return {"accuracy": float(np.mean(pred == y)), "params": ours,
            "ours_accuracy": float(np.mean(ours_pred == y)),
            "same_predictions": bool(np.array_equal(pred, ours_pred))}


def set_forget_bias(net, value):
    """Make b_f = b_ih + b_hh of every layer (and direction) of a torch.nn.LSTM exactly ``value``.

    PyTorch stacks the gates i, f, g, o, so f is rows H … 2H of each bias_ih_l* and bias_hh_l*: the
    forget rows of bias_ih are set to ``value`` and those of bias_hh to 0. Changes net; returns it.
    """
    import torch

    if not isinstance(net, torch.nn.LSTM) or not net.bias:
        raise ValueError(f"net must be a torch.nn.LSTM with biases; got {net!r}")
    value = check_number("value", value, -10, 10)
    H = net.hidden_size
    with torch.no_grad():
        for name, b in net.named_parameters():
            if name.startswith("bias_"):
                b[H:2 * H] = value if name.startswith("bias_ih") else 0.0
    return net


def last_state(net, x, lengths, packed):
    """The (B, H) state a classifier reads from a batch-first, one-direction torch.nn.LSTM.

    x: (B, T, D) float tensor, padded at the end; lengths: (B,) real lengths, integers in 1 … T.
    packed=False reads out[:, -1], the state after all T steps: for a sequence shorter than T,
    the state after its padding too. packed=True packs the batch and reads h_n[-1], the state after
    each sequence's own last step (PyTorch returns h_n in the batch's own order).
    """
    import torch
    from torch.nn.utils.rnn import pack_padded_sequence

    if not isinstance(net, torch.nn.LSTM) or not net.batch_first or net.bidirectional:
        raise ValueError(f"net must be a torch.nn.LSTM with batch_first=True, one direction; got {net!r}")
    if not isinstance(x, torch.Tensor) or x.ndim != 3 or x.shape[2] != net.input_size:
        raise ValueError(f"x must be a tensor of shape (B, T, {net.input_size}); got "
                         f"{tuple(getattr(x, 'shape', ())) or type(x).__name__}")
    lengths = np.asarray(lengths.cpu() if isinstance(lengths, torch.Tensor) else lengths)
    B, T = x.shape[:2]
    if lengths.shape != (B,) or lengths.dtype.kind not in "iu" or lengths.min() < 1 or lengths.max() > T:
        raise ValueError(f"lengths must be ({B},) integers in 1 … {T}; got {lengths!r}")
    if not packed:
        return net(x)[0][:, -1]
    seq = pack_padded_sequence(x, torch.from_numpy(lengths.astype(np.int64)), batch_first=True,
                               enforce_sorted=False)
    return net(seq)[1][0][-1]


def varlen_test_set(gap_min, gap_max, n=1000):
    """Held-out variable-length recall sequences with their own seed (no training seed equals it).

    Returns x: (n, T, V) float32 tensor (batch-first), y: (n,) tensor of classes, lengths: (n,).
    """
    x, y, lengths = tasks.recall_task_varlen(n, gap_min, gap_max, np.random.default_rng([13, gap_min, gap_max]))
    return _batch_first(x), _tensor(y), lengths


def quarters(lengths):
    """Indices of the shortest and of the longest quarter (len(lengths) // 4 each) of a set."""
    lengths = np.asarray(lengths)
    if lengths.ndim != 1 or len(lengths) < 4:
        raise ValueError(f"lengths must be (n,) with n >= 4; got shape {lengths.shape}")
    order = np.argsort(lengths, kind="stable")
    return order[:len(lengths) // 4], order[-(len(lengths) // 4):]


def train_torch_varlen(packed, gap_min=0, gap_max=15, hidden=32, steps=80, seed=0, lr=1e-2, clip=1.0,
                       batch=32, forget_bias=1.0, n_test=1000):
    """Train nn.LSTM(batch_first=True) + nn.Linear on variable-length recall (float32, Adam, clipping).

    Each batch is read with ``last_state(net, x, lengths, packed)``. The seed fixes the initial
    weights and the batches, so packed=True and packed=False train the same model on the same data.
    Returns {"accuracy", "shortest", "longest": test accuracy on all n_test sequences and on their
    shortest and longest quarter, "read_after_padding": the same three with the trained model read
    with packed=False, "quarter_lengths": ((min, max) length of the shortest quarter, of the longest),
    "seconds": training time, "net", "head": the trained modules}.
    """
    check_option("packed", packed, (False, True))
    hidden, steps, batch = (check_positive_int(n, v) for n, v in (
        ("hidden", hidden), ("steps", steps), ("batch", batch)))
    seed = check_positive_int("seed", seed, minimum=0)
    lr, clip = check_number("lr", lr, 1e-8, 10), check_number("clip", clip, 1e-8)
    x_test, y_test, test_lengths = varlen_test_set(gap_min, gap_max, check_positive_int("n_test", n_test, 4))
    import torch

    with seeded_torch(seed):
        rng = np.random.default_rng(seed)
        V = len(tasks.recall_vocab().tokens)
        net = set_forget_bias(torch.nn.LSTM(V, hidden, batch_first=True), forget_bias)
        head = torch.nn.Linear(hidden, tasks.N_CLASSES)
        weights = list(net.parameters()) + list(head.parameters())
        opt = torch.optim.Adam(weights, lr=lr)
        start = time.perf_counter()
        for _ in range(steps):
            x, y, lengths = tasks.recall_task_varlen(batch, gap_min, gap_max, rng)
            logits = head(last_state(net, _batch_first(x), lengths, packed))
            loss = torch.nn.functional.cross_entropy(logits, _tensor(y))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(weights, clip)
            opt.step()
        seconds = time.perf_counter() - start
        with torch.no_grad():
            right = {p: (head(last_state(net, x_test, test_lengths, p)).argmax(-1) == y_test).numpy()
                     for p in (packed, False)}
    short, long_ = quarters(test_lengths)

    def scores(ok):
        return {"accuracy": float(ok.mean()), "shortest": float(ok[short].mean()),
                "longest": float(ok[long_].mean())}

    return {**scores(right[packed]), "read_after_padding": scores(right[False]), "seconds": seconds,
            "quarter_lengths": tuple((int(test_lengths[q].min()), int(test_lengths[q].max()))
                                     for q in (short, long_)),
            "net": net.eval(), "head": head.eval()}


def _batch_first(x):
    """(T, B, D) numpy -> (B, T, D) float32 tensor."""
    import torch

    return torch.from_numpy(np.ascontiguousarray(np.swapaxes(x, 0, 1), dtype=np.float32))


def _tensor(y):
    import torch

    return torch.from_numpy(np.asarray(y, dtype=np.int64))
