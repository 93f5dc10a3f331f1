import pytest

from lstm_helpers.chapters import ch10_cell_diagram_summary as ch10


def test_every_sheet_shape_matches_the_engine():
    text = ch10.sheet_text(D=5, H=3, B=4, T=2)
    assert "MISMATCH" not in text and text.count(" ok") == len(ch10.SHEET)
    assert max(len(line) for line in text.splitlines()) <= 76                  # fits the page column


def test_sheet_columns_line_up_on_screen_even_after_a_combining_tilde():
    lines = [line for line in ch10.sheet_text().splitlines() if " = " in line]
    arrows = {ch10._columns(line[:line.index("->")]) for line in lines}
    assert len(lines) == 6 and len(arrows) == 1


def test_measured_shapes_follow_the_sizes():
    s = ch10.measured_shapes(D=5, H=3, B=4, T=2)
    assert s["W_f, W_i, W_C, W_o"] == (3, 8) and s["h_t"] == (4, 3) and s["trace (all steps)"] == (2, 4, 3)


def test_bad_sizes():
    with pytest.raises(ValueError, match="H must be an integer >= 1"):
        ch10.measured_shapes(H=0)


def fake_summary():
    from lstm_helpers.experiments import protocol, results
    runs = []
    for m in ("rnn", "gru") + tuple(f"lstm_f{bf}_i{bi}" for bf in (0, 1, 3) for bi in (0, -3)):
        for task, size in (("recall", 50), ("recall", 100), ("adding", 100)):
            for s in range(5):
                test = 1.0 if (m == "lstm_f3_i-3" or (task == "adding" and m != "rnn")) and s < 4 else \
                    (0.17 if task == "recall" else 0.17)
                if task == "adding":
                    test = 0.001 if test == 1.0 else 0.17
                runs.append({"model": m, "task": task, "size": size, "lr": 1e-3, "seed": s, "val": test, "test": test,
                             "solved": protocol.passes(task, test, protocol.SOLVED[task]),
                             "solved_at": 3200 if protocol.passes(task, test, protocol.SOLVED[task]) else None,
                             "probes": {"0": {"grad": {"1": 1.0, "50": 10.0 ** -(16 if m == "rnn" else 7)}}}})
    return results.summarise(runs)


def test_measured_table_reads_every_stored_run():
    text_run = {"chosen_lr": {"rnn": 1e-2, "lstm": 3e-2},
                "runs": [{"cell": "rnn", "lr": 1e-2, "test": 2.2}, {"cell": "rnn", "lr": 3e-2, "test": 9.9},
                         {"cell": "lstm", "lr": 3e-2, "test": 1.9}]}
    reference = {"lstm_vs_torch": [{"dtype": "float32", "ratio": 4.0, "B": 1, "T": 2, "H": 3},
                                   {"dtype": "float64", "ratio": 1.02, "B": 32, "T": 50, "H": 64}]}
    rows = ch10.measured_rows(fake_summary(), text_run, reference)
    answers = {q: a for q, a, _ in rows}
    assert answers["Recall across 50 filler words: seeds solved"] == \
        "RNN (default) 0/5; GRU (default) 0/5; LSTM (b_f = 1, b_i = 0) 0/5; LSTM (b_f = 3, b_i = −3) 4/5"
    assert "b_f = 3, b_i = −3: 4/5" in answers["Which gate biases let the LSTM recall at gap 100"]
    assert answers["Adding problem, T = 100: seeds solved"] == "RNN (default) 0/5; GRU (default) 4/5; LSTM (b_f = 1, b_i = 0) 4/5"
    assert answers["Text: held-out loss per character (nats), median"] == "RNN 2.200; LSTM 1.900"
    assert "1e-16" in answers["Gradient reaching a word 50 steps back, untrained"]
    table = ch10.measured_table(fake_summary(), text_run, reference)
    assert "1.02" in table and max(len(line) for line in table.splitlines()) <= 76
    # a long answer wraps between its items, never inside one
    lines = table.splitlines()
    grid = lines[lines.index("Which gate biases let the LSTM recall at gap 100 (chapter 15):") + 1:][:2]
    assert grid[0].startswith("    b_f = 0, b_i = 0: ") and grid[0].endswith(";") and grid[1].startswith("    b_f = ")
    with pytest.raises(ValueError, match="text_run must be the stored JSON"):
        ch10.measured_rows(fake_summary(), {}, reference)
