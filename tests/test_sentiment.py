import numpy as np

from lstm_helpers import sentiment


def test_labels_follow_the_non_negated_adjective():
    words, labels, neg = sentiment.dataset(300, seed=3)
    for w, y, n in zip(words, labels, neg):
        assert n == ("not" in w)
        free = [t for i, t in enumerate(w) if t in sentiment.POSITIVE + sentiment.NEGATIVE and (i == 0 or w[i - 1] != "not")]
        if free:
            assert y == int(free[0] in sentiment.POSITIVE)
        else:                                      # "is not <adj>": the negated adjective's opposite
            assert y == int(w[-1] in sentiment.NEGATIVE)


def test_bag_of_words_cannot_separate_not_good_from_not_bad_by_construction():
    a = sentiment.bag_of_words([["the", "film", "is", "good", ",", "not", "bad"]])
    b = sentiment.bag_of_words([["the", "film", "is", "bad", ",", "not", "good"]])
    assert np.array_equal(a, b)                   # same bag, opposite labels


def test_lstm_learns_negation_and_bow_does_not():
    tr, te = sentiment.dataset(1000, 0), sentiment.dataset(300, 1)
    bow = sentiment.accuracies(sentiment.bow_predict(sentiment.train_bow(tr[0], tr[1]), te[0]), te[1], te[2])
    net = sentiment.train_lstm(tr[0], tr[1], hidden=8, steps=200, progress=False)
    lstm = sentiment.accuracies(sentiment.lstm_predict(net, te[0]), te[1], te[2])
    assert lstm["negated"] > 0.95 and bow["negated"] < 0.7


def test_one_hot_batch_left_pads():
    x = sentiment.one_hot_batch([["the", "film", "is", "good"], ["the", "plot", "is", "not", "bad"]])
    assert x.shape == (5, 2, len(sentiment.WORDS)) and x[0, 0].sum() == 0 and x[0, 1].sum() == 1
