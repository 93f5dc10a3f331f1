import numpy as np
import pytest

from lstm_helpers import models, textgen


def test_corpus_is_the_devils_dictionary_over_the_alphabet():
    text = textgen.corpus()
    assert text.startswith("ABASEMENT, n. A decent and customary mental attitude")
    assert "HISTORY, n. An account mostly false, of events mostly unimportant," in text
    assert text.rstrip().endswith("the domestic cow sheds its horn every two years.")
    assert 300_000 < len(text) < 400_000 and set(text) <= set(textgen.ALPHABET)
    assert "  " not in text                                               # indentation collapsed
    assert textgen.corpus(5000) == text[:5000]


def test_batches_predict_the_next_character():
    ids = textgen.encode("abcdefghij" * 20)
    x, y = textgen.batch(ids, T=5, B=3, rng=np.random.default_rng(0), dtype=np.float32)
    assert x.shape == (5, 3, len(textgen.ALPHABET)) and y.shape == (5, 3) and x.dtype == np.float32
    np.testing.assert_array_equal(x[1:].argmax(-1), y[:-1])                 # y is x shifted by one


def test_encode_maps_unknown_characters_to_space():
    ids = textgen.encode("A{b")
    assert "".join(textgen.ALPHABET[k] for k in ids) == "A b"


def test_split_holds_out_the_end_of_the_text():
    train, val = textgen.split("ab" * 50, fraction=0.9)
    assert train.size == 90 and val.size == 10
    np.testing.assert_array_equal(np.concatenate([train, val]), textgen.encode("ab" * 50))


def test_unigram_loss_by_hand():
    V = len(textgen.ALPHABET)
    train, val = textgen.encode("aab"), textgen.encode("a")
    # counts + 1: 'a' -> 3, 'b' -> 2, the other V - 2 characters -> 1; total = 3 + 2 + (V - 2) = V + 3
    assert textgen.unigram_loss(train, val) == pytest.approx(-np.log(3 / (V + 3)))


def test_validation_loss_of_a_zero_model_is_log_of_the_alphabet_size():
    V = len(textgen.ALPHABET)
    params = models.init_model("lstm", V, 8, V, np.random.default_rng(0))
    params = {k: np.zeros_like(v) for k, v in params.items()}               # uniform predictions
    ids = textgen.encode(textgen.corpus(2000))
    assert textgen.validation_loss(params, ids, T=10, n=4) == pytest.approx(np.log(V))


def test_training_lowers_the_held_out_loss_and_greedy_sampling_is_deterministic():
    params, log = textgen.train_with_samples(textgen.corpus(20_000), rounds=1, steps_per_round=40, hidden=16,
                                             T=16, B=8, progress=False)
    assert log[0]["train_loss"] is None and log[1]["val_loss"] < log[0]["val_loss"]
    assert params["W_f"].dtype == np.float32
    a = textgen.sample(params, "MEMORY, n.", 20, np.random.default_rng(0), temperature=0.0)
    b = textgen.sample(params, "MEMORY, n.", 20, np.random.default_rng(1), temperature=0.0)
    assert a == b and len(a) == 30 and a.startswith("MEMORY, n.")


@pytest.mark.parametrize("call, match", [
    (lambda: textgen.corpus(10), "max_chars must be an integer >= 100"),
    (lambda: textgen.sample({}, "a", 0, np.random.default_rng(0)), "n must be an integer >= 1"),
    (lambda: textgen.split("abc" * 100, fraction=1.5), "fraction"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
