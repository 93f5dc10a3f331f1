import numpy as np
import pytest

from lstm_helpers.chapters import ch09b_sentiment as ch09b


def bag_of_words(reviews):
    """Word counts: (B, V), columns in the order of ch09b.WORDS (the baseline the chapter argues against)."""
    return ch09b.one_hot_batch(reviews).sum(axis=0)

ADJECTIVES = ch09b.POSITIVE + ch09b.NEGATIVE


def clauses_of(words):
    """The clauses of a review, each from its "is" to its adjective (written here independently)."""
    starts = [i for i, w in enumerate(words) if w == "is"]
    ends = [i for i, w in enumerate(words) if w in ADJECTIVES]
    return [words[s:e + 1] for s, e in zip(starts, ends)]


def test_every_clause_says_the_label():
    words, labels, clauses = ch09b.dataset(400, seed=3)
    for w, y, n in zip(words, labels, clauses):
        parts = clauses_of(w)
        assert len(parts) == n
        for part in parts:
            assert y == int((part[-1] in ch09b.POSITIVE) != ("not" in part))
        assert ch09b.label_of(w) == y
    assert 0.4 < labels.mean() < 0.6 and 0.4 < np.mean(clauses == 2) < 0.6


def test_not_stands_three_to_five_words_before_its_adjective():
    words, _, _ = ch09b.dataset(400, seed=4)
    gaps = set()
    for w in words:
        for part in clauses_of(w):
            first = part.index("not") if "not" in part else 0          # from "not", or from "is"
            gaps.add(len(part) - 1 - first)
    assert gaps == {3, 4, 5}


def test_no_bigram_or_trigram_holds_both_a_not_and_an_adjective():
    words, _, _ = ch09b.dataset(400, seed=5)
    for w in words:
        for n in (2, 3):
            for gram in ch09b.ngram_counts(w, n):
                assert not ("not" in gram and set(gram) & set(ADJECTIVES))


def test_opposite_labels_can_have_the_same_bag_of_bigrams():
    a = "the film is not really very good , it is really so bad".split()
    b = "the film is really very good , it is not really so bad".split()
    assert (ch09b.label_of(a), ch09b.label_of(b)) == (0, 1)
    assert ch09b.ngram_counts(a, 2) == ch09b.ngram_counts(b, 2)
    assert np.array_equal(bag_of_words([a]), bag_of_words([b]))


def test_label_of_reads_the_last_clause():
    assert ch09b.label_of("the plot is not so very dull".split()) == 1
    assert ch09b.label_of("the plot is so very dull".split()) == 0
    assert ch09b.label_of("the plot is very fun , it is not really so boring".split()) == 1


def test_bag_of_ngrams_counts_the_vocabulary_and_ignores_the_rest():
    w = "the film is really really really good".split()
    vocab = [("really", "really"), ("really", "good"), ("is", "not")]
    np.testing.assert_array_equal(ch09b.bag_of_ngrams([w], vocab, 2), [[2, 1, 0]])
    np.testing.assert_array_equal(bag_of_words([w])[0, ch09b.WORDS.index("really")], 3)


def test_the_bag_of_words_learns_what_a_linear_model_can():
    # Without any "not", the adjective alone decides: a linear model of word counts is perfect.
    words, labels, _ = ch09b.dataset(600, seed=6)
    plain = [i for i, w in enumerate(words) if "not" not in w]
    x, y = [words[i] for i in plain], labels[plain]
    model = ch09b.train_ngrams(x, y, n=1)
    assert np.array_equal(ch09b.ngram_predict(model, x), y)


@pytest.mark.parametrize("n", [1, 2])
def test_the_baselines_are_trained_to_convergence(n):
    words, labels, _ = ch09b.dataset(1000, seed=0)

    def loss(model):
        z = ch09b.bag_of_ngrams(words, model["vocab"], n) @ model["w"] + model["b"]
        return float(np.mean(np.logaddexp(0, z) - labels * z))

    assert loss(ch09b.train_ngrams(words, labels, n=n)) - loss(
        ch09b.train_ngrams(words, labels, n=n, steps=8000)) < 1e-3


def test_lstm_learns_the_distant_negation_and_the_bags_do_not():
    (tr_x, tr_y, _), (te_x, te_y, te_c) = ch09b.dataset(1000, 0), ch09b.dataset(300, 1)
    net = ch09b.train_lstm(tr_x, tr_y, hidden=16, steps=200, progress=False)
    lstm = ch09b.accuracies(ch09b.lstm_predict(net, te_x), te_y, te_c)
    assert lstm["one clause"] > 0.95 and lstm["two clauses"] > 0.95
    for n in (1, 2):
        bag = ch09b.ngram_predict(ch09b.train_ngrams(tr_x, tr_y, n=n), te_x)
        assert ch09b.accuracies(bag, te_y, te_c)["all"] < 0.65


def test_one_hot_batch_left_pads():
    x = ch09b.one_hot_batch([["the", "film", "is", "so", "very", "good"],
                                 ["the", "plot", "is", "not", "so", "very", "bad"]])
    assert x.shape == (7, 2, len(ch09b.WORDS)) and x[0, 0].sum() == 0 and x[0, 1].sum() == 1
    assert x[-1, 0, ch09b.WORDS.index("good")] == 1 and x[-1, 1, ch09b.WORDS.index("bad")] == 1


@pytest.mark.parametrize("call, match", [
    (lambda: ch09b.one_hot_batch([["the", "film", "is", "meh"]]), "reviews must be lists of the book's words"),
    (lambda: ch09b.one_hot_batch([]), "reviews must be a non-empty list"),
    (lambda: ch09b.train_ngrams([["the", "film"]], [1], n=0), "n must be an integer >= 1"),
    (lambda: ch09b.train_ngrams([["the", "film"]], [1, 0]), "labels must have shape"),
    (lambda: ch09b.label_of(["the", "film"]), "words must end with a clause"),
    (lambda: ch09b.accuracies([1, 0], [1], [1, 1]), "labels must have shape"),
    (lambda: ch09b.dataset(0), "n must be an integer >= 1"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
