import numpy as np
import pytest

from lstm_helpers.experiments import chars
from lstm_helpers.training import models

V = len(chars.ALPHABET)


def tiny(cell="lstm", hidden=4, seed=0):
    return chars.init(cell, hidden, np.random.default_rng(seed))


def test_corpus_is_the_devils_dictionary_over_the_alphabet():
    text = chars.corpus()
    assert text.startswith("ABASEMENT, n. A decent and customary mental attitude")
    assert "HISTORY, n. An account mostly false, of events mostly unimportant," in text
    assert text.rstrip().endswith("the domestic cow sheds its horn every two years.")
    assert 300_000 < len(text) < 400_000 and set(text) <= set(chars.ALPHABET)
    assert "  " not in text                                               # indentation collapsed
    assert chars.corpus(5000) == text[:5000]


def test_batches_predict_the_next_character():
    ids = chars.encode("abcdefghij" * 20)
    x, y = chars.batch(ids, T=5, B=3, rng=np.random.default_rng(0), dtype=np.float32)
    assert x.shape == (5, 3, V) and y.shape == (5, 3) and x.dtype == np.float32
    np.testing.assert_array_equal(x[1:].argmax(-1), y[:-1])                 # y is x shifted by one


def test_encode_maps_unknown_characters_to_space():
    ids = chars.encode("A{b")
    assert "".join(chars.ALPHABET[k] for k in ids) == "A b"


def test_split_cuts_train_validation_test_in_order():
    text = "abcd" * 50                                                     # 200 characters
    train, val, test = chars.split_text(text, val=0.1, test=0.05)
    assert (len(train), len(val), len(test)) == (170, 20, 10) and train + val + test == text
    ids = chars.split(text, val=0.1, test=0.05)
    assert [p.size for p in ids] == [170, 20, 10]
    np.testing.assert_array_equal(np.concatenate(ids), chars.encode(text))


def test_unigram_loss_by_hand():
    train, val = chars.encode("aab"), chars.encode("a")
    # counts + 1: 'a' -> 3, 'b' -> 2, the other V - 2 characters -> 1; total V + 3
    assert chars.unigram_loss(train, val) == pytest.approx(-np.log(3 / (V + 3)))


@pytest.mark.parametrize("cell", chars.CELLS)
def test_heldout_loss_of_a_zero_model_is_log_of_the_alphabet_size(cell):
    params = {k: np.zeros_like(v) for k, v in tiny(cell).items()}          # uniform predictions
    ids = chars.encode(chars.corpus(2000))
    assert chars.heldout_loss(params, ids, T=10, cell=cell) == pytest.approx(np.log(V))


def test_heldout_loss_reads_every_window_from_a_fresh_state():
    params = tiny(hidden=6)
    ids = chars.encode(chars.corpus(500))[:41]                          # 4 windows of 10, + 1
    T = 10
    x = np.eye(V, dtype=np.float32)[ids[:40].reshape(4, T).T]
    logits = models.predict("lstm", params, x, readout_mode="all").astype(np.float64)
    logp = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    y = ids[1:41].reshape(4, T).T
    by_hand = -np.mean(np.take_along_axis(logp, y[..., None], -1))
    assert chars.heldout_loss(params, ids, T=T) == pytest.approx(by_hand, rel=1e-5)


def test_training_lowers_the_loss_and_samples_do_not_change_the_batches():
    text = chars.corpus(20_000)
    kw = dict(hidden=8, T=16, B=8, progress=False)
    params, log = chars.train_with_samples(text, rounds=2, steps_per_round=20, **kw)
    assert log[0]["train_loss"] is None and log[-1]["val_loss"] < log[0]["val_loss"] - 0.5
    assert params["W_f"].dtype == np.float32 and [e["step"] for e in log] == [0, 20, 40]
    quiet, qlog = chars.train_with_samples(text, rounds=1, steps_per_round=40, prefix=None, **kw)
    for k in params:                            # two rounds of 20 with samples == one round of 40
        np.testing.assert_array_equal(params[k], quiet[k])
    assert "greedy" not in qlog[-1] and qlog[-1]["val_loss"] == log[-1]["val_loss"]


@pytest.mark.parametrize("cell", chars.CELLS)
def test_greedy_sampling_is_deterministic(cell):
    params = tiny(cell, hidden=8)
    a = chars.sample(params, "MEMORY, n.", 20, np.random.default_rng(0), 0.0, cell)
    b = chars.sample(params, "MEMORY, n.", 20, np.random.default_rng(1), 0.0, cell)
    c = chars.sample(params, "MEMORY, n.", 20, np.random.default_rng(1), 1.0, cell)
    assert a == b and len(a) == len(c) == 30 and a.startswith("MEMORY, n.")
    assert set(c) <= set(chars.ALPHABET)


@pytest.mark.parametrize("call, match", [
    (lambda: chars.corpus(10), "max_chars must be an integer >= 100"),
    (lambda: chars.sample(tiny(), "a", 0, np.random.default_rng(0)), "n must be an integer"),
    (lambda: chars.sample(tiny(), "", 3, np.random.default_rng(0)), "prefix must be"),
    (lambda: chars.encode(None), "text must be a string"),
    (lambda: chars.batch(chars.encode("abc"), 5, 2, np.random.default_rng(0)), "ids must be"),
    (lambda: chars.split_text("abc" * 100, val=0.5), "val must be"),
    (lambda: chars.heldout_loss(tiny(), chars.encode("abc"), T=48), "ids must hold more"),
    (lambda: chars.init("gru", 4, np.random.default_rng(0)), "cell must be one of"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
