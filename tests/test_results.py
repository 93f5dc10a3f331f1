"""Summarising protocol runs: the learning rate chosen on validation, medians, seeds solved, tables."""
import pytest

from lstm_helpers.experiments import protocol, results


def fake(lr, seed, val, test, task="recall", model="rnn", size=20, solved_at=3200):
    """A run dict as protocol.run returns it; solved_at (sequences until validation passed the solved
    line) only when the final validation score passes it."""
    ok = protocol.passes(task, val, protocol.SOLVED[task])
    return {"model": model, "task": task, "size": size, "lr": lr, "seed": seed, "val": val, "test": test,
            "solved": protocol.passes(task, test, protocol.SOLVED[task]), "solved_at": solved_at if ok else None}


def test_learning_rate_is_chosen_on_validation_never_on_test():
    # lr 1e-2 looks best on test, lr 1e-3 on validation: the protocol must pick 1e-3.
    runs = [fake(1e-2, s, val=0.2, test=1.0) for s in range(5)] + [fake(1e-3, s, val=0.95, test=0.3) for s in range(5)]
    assert results.choose_lr(runs) == 1e-3
    s = results.summarise(runs)[("rnn", "recall", 20)]
    assert s["lr"] == 1e-3 and s["test"] == [0.3] * 5 and s["solved"] == 0.0
    assert s["by_lr"][1e-2]["median_test"] == 1.0


def test_most_seeds_solved_beats_a_higher_median_and_mse_is_lower_is_better():
    # 3/5 seeds past 0.9 beats a rate whose median is higher but that solves fewer seeds.
    a = [fake(1e-2, s, v, v) for s, v in enumerate([0.95, 0.95, 0.95, 0.2, 0.2])]
    b = [fake(3e-3, s, v, v) for s, v in enumerate([0.99, 0.85, 0.85, 0.85, 0.2])]
    assert results.choose_lr(a + b) == 1e-2
    c = [fake(1e-2, s, v, v, task="adding") for s, v in enumerate([0.02, 0.02, 0.03])]
    d = [fake(1e-3, s, v, v, task="adding") for s, v in enumerate([0.005, 0.2, 0.3])]
    e = [fake(3e-3, s, v, v, task="adding") for s, v in enumerate([0.011, 0.012, 0.013])]
    assert results.choose_lr(c + d + e) == 1e-3          # the only rate with a seed under 0.01
    assert results.choose_lr(c + e) == 3e-3              # no seed solves: the lower median MSE wins


def test_summary_reports_median_every_seed_and_fraction_solved():
    runs = [fake(1e-2, s, v, v) for s, v in enumerate([1.0, 0.17, 0.95, 0.4, 0.9])]
    s = results.summarise(runs)[("rnn", "recall", 20)]
    assert s["median"] == 0.9 and s["test"] == [1.0, 0.17, 0.95, 0.4, 0.9] and s["solved"] == 0.6
    assert s["seeds"] == [0, 1, 2, 3, 4]


def test_table_and_formats():
    runs = [fake(1e-3, s, v, v) for s, v in enumerate([1.0, 0.17, 0.95, 0.4, 0.9])]
    table = results.table(results.summarise(runs), ["rnn"], [("recall", 20)])
    assert table.splitlines()[1].split() == ["RNN", "(default)", "0.90", "3/5", "1e-3"]
    assert results.fmt_lr(3e-3) == "3e-3" and results.fmt_score("adding", 0.000123) == "1.2e-04"
    assert results.seeds_line(results.summarise(runs), "rnn", "recall", 20) == "1.00 0.17 0.95 0.40 0.90"


def test_load_rejects_a_missing_or_foreign_file(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        results.load(tmp_path / "none.json")
    (tmp_path / "old.json").write_text('{"forgetting": {}}')
    with pytest.raises(ValueError, match="with a 'runs' entry"):
        results.load(tmp_path / "old.json")
    assert results.load(tmp_path / "old.json", require=None) == {"forgetting": {}}
    (tmp_path / "list.json").write_text("[]")
    with pytest.raises(ValueError, match="stored run"):
        results.load(tmp_path / "list.json", require=None)
    with pytest.raises(ValueError, match="runs must hold at least one run"):
        results.choose_lr([])


def test_a_table_too_wide_for_the_page_is_split_by_task_then_into_equal_groups_of_gaps():
    runs = [fake(1e-2, s, 0.95, 0.95, model=m, size=g)
            for m in ("rnn", "lstm_f3_i-3") for g in (10, 20, 50, 100) for s in range(5)]
    runs += [fake(1e-3, s, 0.001, 0.0005, task="adding", size=100) for s in range(5)]
    summary = results.summarise(runs)
    recall = [("recall", g) for g in (10, 20, 50, 100)]
    assert len(results.table(summary, ["rnn"], recall[:2]).splitlines()) == 2        # fits: one table
    blocks = results.table(summary, ["rnn"], recall + [("adding", 100)], max_width=48).split("\n\n")
    assert [b.splitlines()[0].split() for b in blocks] == [["gap", "10", "gap", "20"], ["gap", "50", "gap", "100"],
                                                           ["T", "=", "100"]]
    assert blocks[2].splitlines()[1].split() == ["RNN", "(default)", "5.0e-04", "5/5", "1e-3"]
    assert all(len(line) <= 48 for b in blocks for line in b.splitlines())
    # four gaps with the longest model name (chapters 1 and 8) fit the page as two tables of two gaps
    wide = results.table(summary, ["rnn", "lstm_f3_i-3"], recall)
    assert wide.count("\n\n") == 1 and all(len(line) <= results.LINE for line in wide.splitlines())
    assert wide.count("0.95 5/5 1e-2") == 8                              # every cell is still there


def test_solved_count_is_seeds_solved_out_of_seeds_run():
    assert results.solved_count({"solved": 0.6, "test": [1.0, 0.2, 1.0, 0.95, 0.3]}) == "3/5"
    assert results.solved_count({"solved": 0.0, "test": [0.2] * 5}) == "0/5"


def test_when_every_seed_of_several_rates_solves_the_fastest_on_validation_wins():
    # Chapter 8's adding problem: both rates solve every seed; the MSEs below the line do not rank them.
    fast = [fake(1e-2, s, 0.0009, 0.0009, task="adding", solved_at=12_800) for s in range(5)]
    slow = [fake(3e-3, s, 0.0008, 0.0008, task="adding", solved_at=25_600) for s in range(5)]
    assert results.choose_lr(fast + slow) == 1e-2
    # fewer seeds solved still loses, however fast the ones that did
    some = [fake(3e-2, s, v, v, task="adding", solved_at=3200) for s, v in enumerate([0.001] * 4 + [0.5])]
    assert results.choose_lr(fast + some) == 1e-2


def test_a_diverged_run_ranks_last():
    nan = [fake(1e-1, s, float("nan"), float("nan"), task="adding") for s in range(5)]
    bad = [fake(1e-2, s, 0.16, 0.16, task="adding") for s in range(5)]
    assert results.choose_lr(nan + bad) == 1e-2
    nan_acc = [fake(1e-1, s, float("nan"), 0.17) for s in range(5)]
    chance = [fake(1e-2, s, 0.17, 0.17) for s in range(5)]
    assert results.choose_lr(nan_acc + chance) == 1e-2


@pytest.mark.parametrize("vals, expected", [
    ({1e-2: 0.95, 3e-3: 0.5, 1e-3: 0.3}, 3e-2),     # best at the top edge: one step up
    ({1e-2: 0.3, 3e-3: 0.5, 1e-3: 0.95}, 3e-4),     # best at the bottom edge: one step down
    ({1e-2: 0.3, 3e-3: 0.95, 1e-3: 0.5}, None),     # interior: done
    ({1.0: 0.95, 3e-1: 0.5}, None),                 # the ladder's end
])
def test_the_grid_steps_outwards_only_while_the_choice_is_at_an_edge(vals, expected):
    runs = [fake(lr, s, v, v) for lr, v in vals.items() for s in range(5)]
    assert results.next_lr(runs) == expected
    lr, tried, where = results.lr_status(runs)
    assert tried == sorted(vals, reverse=True) and where == ("interior" if expected is None and len(vals) == 3 else "edge")


def test_rates_shown_brackets_the_chosen_rate_among_those_tried_largest_first():
    runs = [fake(lr, s, v, v) for lr, v in {1e-3: 0.5, 1e-2: 0.3, 3e-3: 0.95}.items() for s in range(5)]
    assert results.rates_shown(runs) == ("1e-2 [3e-3] 1e-3", "interior")
    runs += [fake(3e-2, s, 0.99, 0.99) for s in range(5)]
    assert results.rates_shown(runs) == ("[3e-2] 1e-2 3e-3 1e-3", "edge")


def test_the_best_initialisation_is_chosen_by_the_same_rule_on_validation():
    runs = [fake(1e-2, s, v, v, model="rnn") for s, v in enumerate([0.95, 0.2, 0.2, 0.2, 0.2])]           # 1/5
    runs += [fake(1e-3, s, v, 0.1, model="rnn_orth") for s, v in enumerate([0.95, 0.95, 0.95, 0.3, 0.3])]  # 3/5 on val
    runs += [fake(1e-3, s, 0.97, 1.0, model="irnn", solved_at=9600) for s in range(5)]                    # 5/5, slow
    summary = results.summarise(runs)
    assert results.choose_init(summary, ("rnn", "rnn_orth"), "recall", 20) == "rnn_orth"   # test scores ignored
    assert results.choose_init(summary, ("rnn", "rnn_orth", "irnn", "gru"), "recall", 20) == "irnn"
    fast = [fake(1e-3, s, 0.97, 1.0, model="gru", solved_at=3200) for s in range(5)]
    summary = results.summarise(runs + fast)
    assert results.choose_init(summary, ("irnn", "gru"), "recall", 20) == "gru"           # same seeds, faster
    with pytest.raises(ValueError, match="model_keys must have runs"):
        results.choose_init(summary, ("lstm_f0_i0",), "recall", 20)


def test_when_no_rate_solved_the_neighbours_rate_and_the_rates_between_are_added():
    failing = [fake(lr, s, 0.17, 0.17) for lr in (1e-2, 3e-3, 1e-3) for s in range(5)]
    assert results.neighbour_lrs(failing, 1e-1) == [1e-1, 3e-2]              # up to the shorter gap's choice
    assert results.neighbour_lrs(failing, 3e-4) == [3e-4]
    assert results.neighbour_lrs(failing, 3e-3) == []                        # already tried
    assert results.neighbour_lrs(failing, None) == []
    one_solved = failing + [fake(3e-2, 0, 0.95, 0.95)]
    assert results.neighbour_lrs(one_solved, 1e-1) == []                     # a seed solved: the ladder rule decides
