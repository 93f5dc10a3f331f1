import numpy as np
import pytest

from lstm_helpers.training import tasks


def test_adding_problem_structure(rng):
    x, y = tasks.adding_problem(500, 20, rng)
    assert x.shape == (20, 500, 2) and y.shape == (500,)
    marks = x[..., 1]
    assert np.all(marks.sum(axis=0) == 2)
    assert np.all(marks[:10].sum(axis=0) == 1) and np.all(marks[10:].sum(axis=0) == 1)
    np.testing.assert_allclose(y, (x[..., 0] * marks).sum(axis=0))
    assert np.all((x[..., 0] >= 0) & (x[..., 0] <= 1))


def test_adding_problem_baseline_mse_is_one_sixth(rng):
    _, y = tasks.adding_problem(200_000, 10, rng)
    assert np.mean((y - 1.0) ** 2) == pytest.approx(1 / 6, abs=3e-3)


def test_recall_task_encodes_country_gap_and_query(rng):
    x, y, vocab = tasks.recall_task(64, gap=7, rng=rng)
    V = len(vocab.tokens)
    assert x.shape == (9, 64, V) and V == 6 + 10 + 1 and y.shape == (64,)
    assert np.all(x.sum(axis=-1) == 1)                       # one-hot
    assert np.array_equal(x[0].argmax(-1), y)                # first token is the country
    assert np.all(x[-1].argmax(-1) == V - 1)                 # last token is the query
    assert np.all((x[1:-1].argmax(-1) >= 6) & (x[1:-1].argmax(-1) < 16))
    words = vocab.decode(x[:, 0])
    assert words[0] == vocab.countries[y[0]] and words[-1] == "<speak>"
    assert vocab.classes[vocab.countries.index("Pakistan")] == "Urdu"


def test_recall_task_encode_decode_round_trip():
    vocab = tasks.recall_vocab()
    words = ["Pakistan", "school", "rain", "<speak>"]
    assert vocab.decode(vocab.encode(words)[:, 0]) == words


def test_recall_task_is_seeded():
    a = tasks.recall_task(10, 5, np.random.default_rng(3))
    b = tasks.recall_task(10, 5, np.random.default_rng(3))
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])


def test_zero_gap_is_allowed(rng):
    x, _, _ = tasks.recall_task(3, 0, rng)
    assert x.shape[0] == 2


def test_recall_task_varlen_pads_each_sequence_after_its_own_query(rng):
    x, y, lengths = tasks.recall_task_varlen(200, 2, 9, rng)
    V = 17
    assert x.shape == (lengths.max(), 200, V) and y.shape == lengths.shape == (200,)
    assert set(lengths) == set(range(4, 12))             # every gap 2 … 9 occurs
    for b in (0, 1, int(np.argmin(lengths)), int(np.argmax(lengths))):
        L = lengths[b]
        ids = x[:L, b].argmax(-1)
        assert np.all(x[:L, b].sum(-1) == 1) and np.all(x[L:, b] == 0)
        assert ids[0] == y[b] and ids[-1] == V - 1                 # country ... <speak>
        assert np.all((ids[1:-1] >= 6) & (ids[1:-1] < 16))         # distractors
    assert np.all(x.sum(axis=(0, 2)) == lengths)           # one token per real step


def test_recall_task_varlen_is_seeded_and_allows_one_length():
    a = tasks.recall_task_varlen(10, 0, 4, np.random.default_rng(3))
    b = tasks.recall_task_varlen(10, 0, 4, np.random.default_rng(3))
    assert all(np.array_equal(u, v) for u, v in zip(a, b))
    x, _, lengths = tasks.recall_task_varlen(5, 3, 3, np.random.default_rng(0))
    assert x.shape[0] == 5 and np.all(lengths == 5)


@pytest.mark.parametrize("call, match", [
    (lambda r: tasks.adding_problem(0, 10, r), "n must be an integer >= 1"),
    (lambda r: tasks.adding_problem(5, 1, r), "T must be an integer >= 2"),
    (lambda r: tasks.adding_problem(5, 10, None), "rng must be a numpy Generator"),
    (lambda r: tasks.recall_task(5, -1, r), "gap must be an integer >= 0"),
    (lambda r: tasks.recall_task(5, 3, r, n_countries=9), "n_countries must be at most 6"),
    (lambda r: tasks.recall_task_varlen(5, 4, 3, r), "gap_max must be an integer >= 4"),
    (lambda r: tasks.recall_task_varlen(5, -1, 3, r), "gap_min must be an integer >= 0"),
    (lambda r: tasks.recall_vocab().encode(["Mars"]), "unknown"),
    (lambda r: tasks.one_hot(np.array([0, 5]), 3), r"ids must be integers in \[0, 3\)"),
])
def test_bad_input(rng, call, match):
    with pytest.raises(ValueError, match=match):
        call(rng)
