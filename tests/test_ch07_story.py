import matplotlib
import numpy as np
import pytest

from lstm_helpers.chapters import ch07_story as ch07
from lstm_helpers.engine import lstm
from lstm_helpers.training import models, tasks

matplotlib.use("Agg")


def sig(v):
    return 1 / (1 + np.exp(-v))


def small_trained(steps=120):
    rng = np.random.default_rng(0)
    start = ch07.init_small(8, rng)
    return start, ch07.train_small(start, rng, gap=5, steps=steps, progress=False)[0]


def test_hand_wired_lstm_answers_every_country():
    p = ch07.hand_wired()
    vocab = tasks.recall_vocab()
    for country, language in zip(vocab.countries, vocab.classes):
        _, answer = ch07.read_story(p, [country] + ch07.STORY[1:])
        assert answer == language


def test_hand_wired_gates_do_their_jobs():
    p = ch07.hand_wired()
    trace, _ = ch07.read_story(p, ch07.STORY)
    i, f, o = trace.i[:, 0, 0], trace.f[:, 0, 0], trace.o[:, 0, 0]
    assert i[0] > 0.999 and np.all(i[1:] < 1e-4)            # write only on the country
    assert np.all(f[1:] > 0.9999)                            # keep on every filler word
    assert np.all(o[:-1] < 1e-4) and o[-1] > 0.999           # speak only at <speak>
    assert trace.c[-1, 0, 0] == pytest.approx(np.tanh(10) * (1 / (1 + np.exp(-10))), rel=1e-3)


def test_a_second_country_replaces_the_first():
    _, answer = ch07.read_story(ch07.hand_wired(), ["Pakistan", "rain", "Japan", "music", "<speak>"])
    assert answer == "Japanese"


def test_hand_wired_accuracy_is_perfect_at_gap_100():
    assert ch07.accuracy(ch07.hand_wired(), 100, n=200) == 1.0


def test_init_small_sets_the_gate_biases_it_names():
    p = ch07.init_small(8, np.random.default_rng(0), forget_bias=3.0, input_bias=-3.0)
    assert np.all(p["b_f"] == 3.0) and np.all(p["b_i"] == -3.0) and np.all(p["b_o"] == 0.0)
    assert p["W_y"].shape == (6, 8) and p["W_f"].shape == (8, 8 + len(tasks.recall_vocab().tokens))


def test_training_is_reproducible_learns_and_leaves_the_start_untouched():
    start, a = small_trained()
    _, b = small_trained()
    assert np.array_equal(a["W_f"], b["W_f"])
    assert np.all(start["b_i"] == -3.0)                       # train_small trained a copy
    assert ch07.accuracy(a, 5, n=200) > 0.9


def test_one_adam_step_moves_every_weight_by_at_most_the_learning_rate():
    rng = np.random.default_rng(0)
    start = ch07.init_small(8, rng)
    moved, _ = ch07.train_small(start, rng, gap=5, steps=1, lr=1e-3, progress=False)
    step = max(np.abs(moved[k] - start[k]).max() for k in start)
    assert 0.9e-3 < step <= 1e-3 + 1e-12                      # Adam's first step is lr·g/(|g|+ε)


def test_country_units_ranks_the_only_unit_that_remembers_the_country_first():
    p = ch07.hand_wired()
    for k in (0, 1, 2, 4, 5):               # only unit 3 writes its country; the others never change C
        p["W_c"][k] = 0.0
    order, scores = ch07.country_units(p, gap=5, n=120)
    assert scores.shape == (6,) and order[0] == 3
    assert scores[3] > 1e6 and np.all(scores[[0, 1, 2, 4, 5]] == 0.0)   # C_3 ≈ 1 for Japan, 0 otherwise


def test_separation_by_word_of_the_hand_wired_lstm_is_hand_computed():
    sep = ch07.separation_by_word(ch07.hand_wired(), gap=15, n=120)
    assert sep["between"].shape == sep["within"].shape == (17, 6)
    # unit k: C_t = σ(10)·tanh(10)·σ(10)^t for country k, exactly 0 for the other five, whatever the filler words;
    # the variance across countries of (a, 0, 0, 0, 0, 0) is a²·5/36, and nothing varies within a country
    a = sig(10) * np.tanh(10) * sig(10) ** np.arange(16)
    np.testing.assert_allclose(sep["between"][:16], np.outer(a ** 2 * 5 / 36, np.ones(6)), rtol=1e-12)
    assert np.all(sep["within"] < 1e-30)                           # 0 but for rounding in the means
    shares = ch07.spread_shares(sep, [0, 5, 15])
    np.testing.assert_allclose(shares, np.outer(sig(10) ** (np.array([0, 5, 15]) - 15.0), np.ones(6)), rtol=1e-12)


def test_separation_by_word_ends_in_the_f_ratio_of_country_units():
    _, p = small_trained(steps=60)
    sep = ch07.separation_by_word(p, gap=5, n=120)
    _, scores = ch07.country_units(p, gap=5, n=120)
    np.testing.assert_allclose(sep["between"][-2] / sep["within"][-2], scores, rtol=1e-9)
    assert np.all(sep["within"][0] < 1e-20)            # every story of a country starts with the same word
    assert np.all(sep["within"][1:-1] > 1e-8)          # the filler words make stories of one country differ


def test_separation_table_lists_every_unit_and_the_range_within_the_page_width():
    _, p = small_trained(steps=60)
    sep = ch07.separation_by_word(p, gap=5, n=120)
    order, _ = ch07.country_units(p, gap=5, n=120)
    lines = ch07.separation_table(sep, order, words=(0, 2)).splitlines()
    assert len(lines) == 3 + 8 + 1 and max(len(line) for line in lines) <= 76
    shares = ch07.spread_shares(sep, [0, 2])
    assert lines[3].split() == [str(order[0])] + [f"{v:.2f}" for v in shares[:, order[0]]]
    assert lines[-1].split() == ["all", f"{shares[0].min():.2f}", "to", f"{shares[0].max():.2f}",
                                 f"{shares[1].min():.2f}", "to", f"{shares[1].max():.2f}"]


def test_gate_summary_of_the_hand_wired_lstm_is_its_saturations():
    s = ch07.gate_summary(ch07.hand_wired(), [0, 3], gap=4, n=50)
    assert set(s) == {"f", "i", "o"} and s["f"].shape == (3, 2)
    # rows: country word, filler words, <speak>; pre-activations are ±10 (b = ±10, ±20 from the token)
    np.testing.assert_allclose(s["i"], [[sig(10)] * 2, [sig(-10)] * 2, [sig(-10)] * 2], rtol=1e-12)
    np.testing.assert_allclose(s["f"], [[sig(-10)] * 2, [sig(10)] * 2, [sig(10)] * 2], rtol=1e-12)
    np.testing.assert_allclose(s["o"], [[sig(-10)] * 2, [sig(-10)] * 2, [sig(10)] * 2], rtol=1e-12)


def test_gate_summary_at_initialisation_sits_near_the_biases():
    p = ch07.init_small(8, np.random.default_rng(0))
    s = ch07.gate_summary(p, range(8), n=100)
    # on the country word h_{t-1} = 0 and x_t is one-hot: the pre-activation is b plus one weight in ±1/√8
    k = 1 / np.sqrt(8)
    assert np.all((sig(3 - k) <= s["f"][0]) & (s["f"][0] <= sig(3 + k)))
    assert np.all((sig(-3 - k) <= s["i"][0]) & (s["i"][0] <= sig(-3 + k)))
    assert np.all((sig(-k) <= s["o"][0]) & (s["o"][0] <= sig(k)))
    table = ch07.gate_table({"at init": s, "trained": s}, range(8), decimals=2)
    assert table.splitlines()[2].startswith("f_t  at init") and len(table.splitlines()) == 8


def test_unit_memories_are_the_engine_cell_states():
    p = ch07.hand_wired()
    m = ch07.unit_memories(p, [0, 3], ["rain", "music", "<speak>"])
    assert m.shape == (6, 4, 2)
    trace, _ = ch07.read_story(p, ["Germany", "rain", "music", "<speak>"])
    np.testing.assert_array_equal(m[3], trace.c[:, 0, [0, 3]])
    assert m[3, -1, 1] == pytest.approx(sig(10) * np.tanh(10) * sig(10) ** 3)   # written once, kept 3 times
    axes = ch07.plot_unit_memories(m, [0, 3])
    assert all(float(t).is_integer() for a in axes for t in a.get_xticks())


def test_story_gates_equal_the_engine_trace_of_that_unit():
    _, p = small_trained(steps=20)
    words = ["Japan"] + ch07.STORY[1:]
    g = ch07.story_gates(p, words, 5)
    trace = lstm.forward(models.cell_params(p), tasks.recall_vocab().encode(words))
    for name in ("f", "i", "o", "c"):
        np.testing.assert_array_equal(g[name], getattr(trace, name)[:, 0, 5])


def test_story_gates_of_the_hand_wired_lstm_match_hand_computed_saturations():
    g = ch07.story_gates(ch07.hand_wired(), ch07.STORY, 0)       # unit 0 is Pakistan's
    assert g["i"][0] == pytest.approx(sig(10), rel=1e-12)            # −10 + 20 on a country word
    np.testing.assert_allclose(g["i"][1:], sig(-10), rtol=1e-12)     # filler words and <speak>
    np.testing.assert_allclose(g["f"][1:], sig(10), rtol=1e-12)
    np.testing.assert_allclose(g["o"][:-1], sig(-10), rtol=1e-12)
    assert g["o"][-1] == pytest.approx(sig(10), rel=1e-12)
    np.testing.assert_allclose(g["c"], sig(10) * np.tanh(10) * sig(10) ** np.arange(10), rtol=1e-12)
    other = ch07.story_gates(ch07.hand_wired(), ch07.STORY, 1)    # France's unit never writes here
    np.testing.assert_array_equal(other["c"], 0.0)


def test_plot_story_gates_labels_every_word_at_whole_positions_in_readable_text():
    words = ch07.STORY
    p = ch07.hand_wired()
    axes = ch07.plot_story_gates([("a", ch07.story_gates(p, words, 0)), ("b", ch07.story_gates(p, words, 1))], words)
    assert len(axes) == 2 and axes[0].figure.get_size_inches()[0] <= 7.2
    for ax in axes:
        assert ax.get_xticks().tolist() == list(range(len(words)))
        assert [t.get_text() for t in ax.get_xticklabels()] == words
        assert [t.get_text() for t in ax.get_yticklabels()] == [r"$f_t$", r"$i_t$", r"$o_t$", r"$C_t$"]
        cells = [t.get_text() for t in ax.texts]
        assert len(cells) == 4 * len(words) and cells[0] == "0.00" and cells[len(words)] == "1.00"
    texts = [t for ax in axes for t in ax.texts + ax.get_xticklabels() + ax.get_yticklabels() + [ax.title]]
    assert min(t.get_fontsize() for t in texts) >= 13               # ≥ ~10 px on a phone screen


@pytest.mark.parametrize("call, match", [
    (lambda: ch07.hand_wired(big=100.0), r"big must be a finite number in \[1.0, 40.0\]"),
    (lambda: ch07.read_story(ch07.hand_wired(), ["Atlantis"]), "unknown"),
    (lambda: ch07.init_small(0, np.random.default_rng(0)), "hidden must be an integer >= 1"),
    (lambda: ch07.init_small(4, 0), "rng must be a numpy Generator"),
    (lambda: ch07.train_small(ch07.init_small(4, np.random.default_rng(0)), np.random.default_rng(0), gap=-2),
     "gap must be an integer >= 0"),
    (lambda: ch07.train_small(ch07.init_small(4, np.random.default_rng(0)), np.random.default_rng(0), lr=5.0),
     r"lr must be a finite number in \[1e-06, 1.0\]"),
    (lambda: ch07.story_gates(ch07.hand_wired(), ch07.STORY, 6), r"unit must be an integer unit index in \[0, 5\]"),
    (lambda: ch07.story_gates(ch07.hand_wired(), ch07.STORY, -1), r"unit must be an integer unit index"),
    (lambda: ch07.story_gates(ch07.hand_wired(), ch07.STORY, 1.5), r"unit must be an integer unit index"),
    (lambda: ch07.gate_summary(ch07.hand_wired(), [0, 9]), r"units\[k\] must be an integer unit index in \[0, 5\]"),
    (lambda: ch07.gate_summary(ch07.hand_wired(), []), "units must list at least one hidden-unit index"),
    (lambda: ch07.gate_table({"a": {"f": np.zeros((3, 1))}}, [0]), r"summaries\['a'\] must be a gate_summary result"),
    (lambda: ch07.gate_table({}, [0]), "summaries must hold at least one"),
    (lambda: ch07.unit_memories(ch07.hand_wired(), [0, 1, 2], ["rain"]), r"number of units must be one of \[1, 2\]"),
    (lambda: ch07.spread_shares(ch07.separation_by_word(ch07.hand_wired(), gap=4, n=30), [5]),
     r"words must list word positions in \[0, 4\]"),
    (lambda: ch07.separation_table(ch07.separation_by_word(ch07.hand_wired(), gap=4, n=30), [6], words=[0]),
     r"units\[k\] must be an integer unit index in \[0, 5\]"),
    (lambda: ch07.separation_by_word(ch07.hand_wired(), gap=-1), "gap must be an integer >= 0"),
    (lambda: ch07.plot_unit_memories(np.zeros((6, 4, 1)), [0, 3]), r"memories must be the \(6, T, 2\) result"),
    (lambda: ch07.plot_story_gates([("a", ch07.story_gates(ch07.hand_wired(), ch07.STORY, 0))], ["rain"]),
     "panels must hold story_gates results for the 1 words"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
