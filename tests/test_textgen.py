import numpy as np
import pytest

from lstm_helpers import textgen


def test_corpus_is_the_books_prose_in_the_alphabet():
    text = textgen.corpus(5000)
    assert 1000 < len(text) <= 5000 and set(text) <= set(textgen.ALPHABET)
    assert "lstm" in text and "$" not in text


def test_batches_predict_the_next_character():
    ids = textgen.encode("abcdefghij" * 20)
    x, y = textgen.batch(ids, T=5, B=3, rng=np.random.default_rng(0))
    assert x.shape == (5, 3, len(textgen.ALPHABET)) and y.shape == (5, 3)
    np.testing.assert_array_equal(x[1:].argmax(-1), y[:-1])                 # y is x shifted by one


def test_training_lowers_the_loss_and_greedy_sampling_is_deterministic():
    params, log = textgen.train_with_samples(textgen.corpus(5000), rounds=1, steps_per_round=40, hidden=16,
                                             T=16, B=8, progress=False)
    assert log[-1]["loss"] < log[0]["loss"]
    a = textgen.sample(params, "the ", 20, np.random.default_rng(0), temperature=0.0)
    b = textgen.sample(params, "the ", 20, np.random.default_rng(1), temperature=0.0)
    assert a == b and len(a) == 24 and a.startswith("the ")


@pytest.mark.parametrize("call, match", [
    (lambda: textgen.corpus(10), "max_chars must be an integer >= 100"),
    (lambda: textgen.sample({}, "a", 0, np.random.default_rng(0)), "n must be an integer >= 1"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
