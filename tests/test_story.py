import numpy as np
import pytest

from lstm_helpers import story, tasks


def test_hand_wired_lstm_answers_every_country():
    p = story.hand_wired()
    vocab = tasks.recall_vocab()
    for country, language in zip(vocab.countries, vocab.classes):
        _, answer = story.read_story(p, [country] + story.STORY[1:])
        assert answer == language


def test_hand_wired_gates_do_their_jobs():
    p = story.hand_wired()
    trace, _ = story.read_story(p, story.STORY)
    i, f, o = trace.i[:, 0, 0], trace.f[:, 0, 0], trace.o[:, 0, 0]
    assert i[0] > 0.999 and np.all(i[1:] < 1e-4)            # write only on the country
    assert np.all(f[1:] > 0.9999)                            # keep on every filler word
    assert np.all(o[:-1] < 1e-4) and o[-1] > 0.999           # speak only at <speak>
    assert trace.c[-1, 0, 0] == pytest.approx(np.tanh(10) * (1 / (1 + np.exp(-10))), rel=1e-3)


def test_a_second_country_replaces_the_first():
    _, answer = story.read_story(story.hand_wired(), ["Pakistan", "rain", "Japan", "music", "<speak>"])
    assert answer == "Japanese"


def test_hand_wired_accuracy_is_perfect_at_gap_100():
    assert story.accuracy(story.hand_wired(), 100, n=200) == 1.0


def test_training_is_reproducible_and_learns():
    a, _ = story.train_small(gap=5, hidden=8, steps=120, progress=False)
    b, _ = story.train_small(gap=5, hidden=8, steps=120, progress=False)
    assert np.array_equal(a["W_f"], b["W_f"])
    assert story.accuracy(a, 5, n=200) > 0.9


def test_country_units_ranks_a_hand_wired_unit_first():
    order, scores = story.country_units(story.hand_wired(), gap=5, n=120)
    assert scores.shape == (6,) and scores[order[0]] >= scores[order[-1]]


@pytest.mark.parametrize("call, match", [
    (lambda: story.hand_wired(big=100.0), r"big must be a finite number in \[1.0, 40.0\]"),
    (lambda: story.read_story(story.hand_wired(), ["Atlantis"]), "unknown"),
    (lambda: story.train_small(gap=-2), "gap must be an integer >= 0"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
