import numpy as np
import pytest

from lstm_helpers.chapters import ch13_frameworks as ch13
from lstm_helpers.engine import lstm
from lstm_helpers.engine.validation import check_positive_int
from lstm_helpers.interop import keras_bridge, torch_bridge


def three_way(seed=0, T=12, B=4, D=5, H=8):
    """Run one sequence batch through ours, PyTorch and Keras with the same float64 weights.

    Returns {"torch": max |ours − torch| over h, "keras": max |ours − keras| over h}.
    """
    T, B, D, H = (check_positive_int(n, v) for n, v in (("T", T), ("B", B), ("D", D), ("H", H)))
    import torch

    rng = np.random.default_rng(seed)
    p = {k: v + 0.2 * rng.standard_normal(v.shape) for k, v in lstm.init_params(D, H, rng).items()}
    x = rng.standard_normal((T, B, D))
    ours = lstm.forward(p, x).h
    with torch.no_grad():
        theirs = torch_bridge.make_torch_lstm(p)(torch.from_numpy(x))[0].numpy()
    keras_out = np.asarray(keras_bridge.make_keras_lstm(p)(np.swapaxes(x, 0, 1)).detach().cpu().numpy())   # Keras: (B, T, H)
    return {"torch": float(np.abs(ours - theirs).max()),
            "keras": float(np.abs(ours - np.swapaxes(keras_out, 0, 1)).max())}



def test_three_implementations_agree():
    diff = three_way(seed=1, T=6, B=3, D=4, H=5)
    assert diff["torch"] < 1e-12 and diff["keras"] < 1e-12


def test_torch_training_weights_give_the_same_predictions_in_our_engine():
    r = ch13.train_torch_recall(gap=2, hidden=8, steps=40)
    assert r["accuracy"] == r["ours_accuracy"]


def test_forget_bias_option_sets_pytorchs_forget_block_and_our_b_f():
    # One Adam step at lr 1e-8 moves every number by about 1e-8: we see the initialisation.
    r = ch13.train_torch_recall(gap=2, hidden=4, steps=1, lr=1e-8, forget_bias=1.5)
    np.testing.assert_allclose(r["params"]["b_f"], 1.5, atol=1e-6)
    plain = ch13.train_torch_recall(gap=2, hidden=4, steps=1, lr=1e-8)
    np.testing.assert_allclose(plain["params"]["b_i"], r["params"]["b_i"], atol=1e-6)
    for b in (plain["params"]["b_f"], r["params"]["b_i"]):          # b_ih + b_hh, each in ±1/√H
        assert np.all(np.abs(b) <= 2 / np.sqrt(4) + 1e-6) and np.ptp(b) > 0


def test_forget_bias_one_solves_short_recall_where_the_engine_agrees():
    r = ch13.train_torch_recall(gap=3, hidden=16, steps=150, forget_bias=1.0)
    assert r["accuracy"] > 0.95 and r["same_predictions"]


@pytest.mark.parametrize("call, match", [
    (lambda: ch13.train_torch_recall(forget_bias=20.0), "forget_bias must be"),
    (lambda: ch13.train_torch_recall(seed=-1), "seed must be an integer >= 0"),
    (lambda: ch13.train_torch_recall(lr=0), "lr must be"),
])
def test_bad_training_and_read_back_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# Part two: variable-length batches.

def one_hot_batch(seqs, V=17):
    """Hand-built batch-first tensor (B, T_max, V) from token-id lists, zero-padded, and the lengths."""
    import torch

    x = torch.zeros(len(seqs), max(map(len, seqs)), V)
    for b, s in enumerate(seqs):
        x[b, torch.arange(len(s)), torch.tensor(s)] = 1.0
    return x, np.array([len(s) for s in seqs])


HAND = [[2, 7, 9, 11, 6, 16], [4, 8, 16], [0, 15, 12, 6, 16]]   # country, distractors, <speak>; unsorted


def test_set_forget_bias_sets_every_layer_and_direction_and_nothing_else():
    import torch

    torch.manual_seed(0)
    net = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    before = {k: v.clone() for k, v in net.state_dict().items()}
    ch13.set_forget_bias(net, 1.5)
    after = net.state_dict()
    biases = [k for k in after if k.startswith("bias_ih")]
    assert len(biases) == 4                                  # 2 layers x 2 directions
    for k in biases:
        hh = k.replace("ih", "hh")
        np.testing.assert_array_equal((after[k] + after[hh])[4:8].numpy(), 1.5)
        for name in (k, hh):                                 # i, g, o blocks untouched
            assert torch.equal(after[name][:4], before[name][:4])
            assert torch.equal(after[name][8:], before[name][8:])
    for k in after:
        if not k.startswith("bias"):
            assert torch.equal(after[k], before[k])


def test_last_state_packed_is_each_sequence_alone_padded_is_after_the_padding():
    import torch

    x, lengths = one_hot_batch(HAND)
    torch.manual_seed(0)
    net = torch.nn.LSTM(17, 8, batch_first=True)
    with torch.no_grad():
        alone = torch.cat([net(x[b:b + 1, :n])[1][0][-1] for b, n in enumerate(lengths)])
        after_padding = torch.cat([net(x[b:b + 1])[1][0][-1] for b in range(3)])   # all T steps
        packed = ch13.last_state(net, x, torch.tensor(lengths), packed=True)
        padded = ch13.last_state(net, x, lengths, packed=False)
    assert (packed - alone).abs().max() < 1e-6
    assert (padded - after_padding).abs().max() < 1e-6
    assert (padded[0] - alone[0]).abs().max() < 1e-6                # the longest: no padding
    assert (padded[1] - alone[1]).abs().max() > 1e-3                # 3 padding steps after <speak>


def test_quarters_are_the_shortest_and_longest_quarter_by_length():
    short, long_ = ch13.quarters([5, 2, 9, 2, 7, 3, 8, 4])
    assert short.tolist() == [1, 3] and long_.tolist() == [6, 2]


def test_varlen_test_set_is_batch_first_and_fixed():
    x, y, lengths = ch13.varlen_test_set(0, 6, n=50)
    x2, _, lengths2 = ch13.varlen_test_set(0, 6, n=50)
    assert tuple(x.shape) == (50, lengths.max(), 17) and tuple(y.shape) == (50,)
    assert np.array_equal(lengths, lengths2) and bool((x == x2).all())
    assert float(x[int(np.argmin(lengths)), lengths.min():].abs().sum()) == 0.0   # padding is zeros


def test_without_padding_packed_and_padded_training_are_the_same_run():
    # One length only: nothing to pad, so the two read-outs are the same function, and the same seed
    # gives the same initial weights and batches -- the runs agree up to float rounding.
    runs = [ch13.train_torch_varlen(p, gap_min=3, gap_max=3, hidden=8, steps=15, n_test=40)
            for p in (False, True)]
    for k, v in runs[0]["net"].state_dict().items():
        np.testing.assert_allclose(runs[1]["net"].state_dict()[k].numpy(), v.numpy(), atol=1e-5)
    assert runs[0]["accuracy"] == runs[1]["accuracy"]


def test_packed_training_learns_short_variable_length_recall():
    r = ch13.train_torch_varlen(True, gap_min=0, gap_max=4, hidden=16, steps=60)
    assert r["accuracy"] > 0.95 and r["quarter_lengths"] == ((2, 3), (5, 6))


def test_keras_masking_gives_pytorchs_packed_state_and_no_mask_the_padded_one():
    import torch

    keras = keras_bridge.backend()
    x, lengths = one_hot_batch(HAND)
    torch.manual_seed(1)
    net = torch.nn.LSTM(17, 8, batch_first=True)
    layer = keras.layers.LSTM(8, dtype="float32")
    masked = keras.Sequential([keras.Input((None, 17)), keras.layers.Masking(0.0), layer])
    layer.set_weights(keras_bridge.lstm_to_keras_weights(torch_bridge.lstm_from_torch_state(net.state_dict())))
    with torch.no_grad():
        packed, padded = (ch13.last_state(net, x, lengths, p).numpy() for p in (True, False))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(masked(x.numpy())), packed, atol=1e-6)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(layer(x.numpy())), padded, atol=1e-6)


def _lstm(**kw):
    import torch

    return torch.nn.LSTM(17, 4, **kw)


@pytest.mark.parametrize("call, match", [
    (lambda: ch13.last_state(_lstm(), *one_hot_batch(HAND), True), "batch_first=True"),
    (lambda: ch13.last_state(_lstm(batch_first=True, bidirectional=True), *one_hot_batch(HAND), True),
     "one direction"),
    (lambda: ch13.last_state(_lstm(batch_first=True), one_hot_batch(HAND)[0][..., :5], [6, 3, 5], True),
     r"x must be a tensor of shape \(B, T, 17\)"),
    (lambda: ch13.last_state(_lstm(batch_first=True), one_hot_batch(HAND)[0], [6, 3, 7], True),
     r"lengths must be \(3,\) integers in 1 … 6"),
    (lambda: ch13.last_state(_lstm(batch_first=True), one_hot_batch(HAND)[0], [6, 0, 5], True), "lengths"),
    (lambda: ch13.last_state(_lstm(batch_first=True), one_hot_batch(HAND)[0], [6.0, 3.0, 5.0], True),
     "lengths"),
    (lambda: ch13.set_forget_bias(_lstm(bias=False), 1.0), "net must be a torch.nn.LSTM with biases"),
    (lambda: ch13.quarters([1, 2, 3]), "n >= 4"),
    (lambda: ch13.train_torch_varlen(True, n_test=3), "n_test must be an integer >= 4"),
    (lambda: ch13.train_torch_varlen("packed"), "packed must be one of"),
    (lambda: ch13.train_torch_varlen(True, gap_min=5, gap_max=2), "gap_max must be an integer >= 5"),
])
def test_bad_variable_length_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
