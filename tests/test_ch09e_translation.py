import datetime as dt
import itertools

import numpy as np
import pytest

from lstm_helpers.chapters import ch09e_translation as ch09e
from lstm_helpers.engine import gradcheck


def test_every_format_of_one_date():
    d = dt.date(2026, 11, 24)                                              # a Tuesday
    got = {fmt: ch09e.write_date(d, fmt) for fmt in ch09e.FORMATS}
    assert got == {fmt: fmt for fmt in ch09e.FORMATS}                    # each format is named by this date
    assert all(set(t) <= set(ch09e.IN_CHARS) for t in got.values())


def test_held_out_dates_never_appear_in_training():
    train = ch09e.random_dates(3000, np.random.default_rng(0))
    test = ch09e.random_dates(300, np.random.default_rng(0), held_out=True)
    assert not {iso for _, iso in train} & {iso for _, iso in test}
    assert all(dt.date.fromisoformat(iso).toordinal() % 10 == 7 for _, iso in test)
    assert {iso[3] for _, iso in train} == set("0123456789")             # every digit is seen in every position


def test_inputs_are_left_padded_and_targets_shifted_for_teacher_forcing():
    x, dec_in, y = ch09e.batch([("1/2/2003", "2003-02-01"), ("24 Nov 2026", "2026-11-24")])
    assert x.shape == (11, 2, len(ch09e.IN_CHARS)) and x.dtype == np.float32
    first = "".join(ch09e.IN_CHARS[k] for k in x[:, 0].argmax(-1))
    assert first == "   1/2/2003"                                           # ends at the encoder's last step
    assert dec_in.shape == (10, 2, 12) and y.shape == (10, 2)
    assert dec_in[0].argmax(-1).tolist() == [ch09e.GO, ch09e.GO]
    np.testing.assert_array_equal(dec_in[1:].argmax(-1), y[:-1])          # the previous correct character
    assert "".join(ch09e.OUT_CHARS[k] for k in y[:, 1]) == "2026-11-24"


def test_held_out_set_is_every_tenth_day_of_the_calendar_in_every_format():
    triples = ch09e.held_out_set(every_format=True)
    dates = [dt.date.fromisoformat(iso) for _, iso, _ in triples[::5]]
    assert len(triples) == 36525 and len(dates) == 7305                   # 73,049 days from 1900 to 2099, / 10
    assert all(d.toordinal() % 10 == 7 for d in dates)
    assert {(b - a).days for a, b in itertools.pairwise(dates)} == {10}      # every tenth day
    assert dates[0] == dt.date(1900, 1, 2) and dates[-1] == dt.date(2099, 12, 24)   # ordinals 693,597 and 766,637
    assert {d.day for d in dates} == set(range(1, 32)) and {d.month for d in dates} == set(range(1, 13))
    assert [f for _, _, f in triples[:5]] == list(ch09e.FORMATS)
    assert triples[3] == ("02/01/1900", "1900-01-02", "24/11/2026")
    turns = ch09e.held_out_set()                                          # each date once, the formats in turn
    assert [iso for _, iso, _ in turns] == [iso for _, iso, _ in triples[::5]]
    assert [f for _, _, f in turns[:7]] == list(ch09e.FORMATS) + list(ch09e.FORMATS)[:2]
    assert turns[8] == ("23/03/1900", "1900-03-23", "24/11/2026")          # 2 January + 80 days, 8 mod 5 = 3


def test_read_date_inverts_write_date_and_rejects_what_it_would_not_write():
    for text, iso, _ in ch09e.held_out_set(every_format=True)[::7]:          # every format, many dates
        assert ch09e.read_date(text) == iso
    assert ch09e.read_date("5 May 2000") == "2000-05-05"                     # "May" is both a name and its abbreviation
    for bad in ("Monday, 13 March 2026", "05 Mar 1932", "24 Nov 2100", "31/02/2024", "2026-11-24"):
        with pytest.raises(ValueError, match="text must be a date from 1900 to 2099"):
            ch09e.read_date(bad)


def test_in_len_is_the_longest_date_any_format_writes():
    days = [dt.date(2000, 1, 1) + dt.timedelta(k) for k in range(7 * 366)]   # every weekday of every month
    assert max(len(ch09e.write_date(d, f)) for d in days for f in ch09e.FORMATS) == ch09e.IN_LEN
    assert len(ch09e.write_date(dt.date(2026, 9, 23), "Tuesday, 24 November 2026")) == ch09e.IN_LEN


def test_padding_to_in_len_makes_a_translation_independent_of_the_rest_of_the_list():
    model = ch09e.init_model(8, np.random.default_rng(0))
    x = ch09e.encode_inputs(["1/2/2003"], length=ch09e.IN_LEN)
    assert x.shape[0] == ch09e.IN_LEN and "".join(ch09e.IN_CHARS[k] for k in x[:, 0].argmax(-1)).strip() == "1/2/2003"
    assert ch09e.encode_inputs(["1/2/2003"]).shape[0] == 8                 # length=None: the longest text
    dates = ["1/2/2003", "Wednesday, 23 September 2026", "Dec 31, 1999"]
    together = ch09e.translate(model, dates)
    assert together == [ch09e.translate(model, [d])[0] for d in dates]
    texts = [a for a, _ in ch09e.random_dates(40, np.random.default_rng(3), held_out=True)]
    alone = [(a, ch09e.translate(model, [a], length=None)[0]) for a in texts]   # each with no spaces
    assert ch09e.accuracy_unpadded(model, alone) == 1.0
    padded = [(a, ch09e.translate(model, [a])[0]) for a in texts]
    assert ch09e.accuracy_unpadded(model, padded) < 1.0                     # the spaces change some answers


def test_day_group_tells_how_the_input_writes_the_day():
    assert ch09e.day_group("5 Mar 1932", "1932-03-05") == "1-9, one digit"
    assert ch09e.day_group("05/03/1932", "1932-03-05") == "01-09, slash format"
    assert ch09e.day_group("Mar 25, 1932", "1932-03-25") == "10-31"
    assert ch09e.day_group("10/03/1932", "1932-03-10") == "10-31"


def test_error_types_counts_each_wrong_field_and_group(monkeypatch):
    triples = [("5 Mar 1932", "1932-03-05", "24 Nov 2026"), ("05/03/1932", "1932-03-05", "24/11/2026"),
               ("Mar 25, 1932", "1932-03-25", "Nov 24, 2026"), ("25/03/1932", "1932-03-25", "24/11/2026")]
    answers = {"5 Mar 1932": "1932-03-03",        # day wrong
               "05/03/1932": "1932-05-03",        # day and month swapped
               "Mar 25, 1932": "1932-03-25",      # right
               "25/03/1932": "1923-03-25"}        # year wrong
    monkeypatch.setattr(ch09e, "translate", lambda model, texts: [answers[t] for t in texts])
    e = ch09e.error_types(None, triples, chunk=3)
    assert e["n"] == 4 and e["wrong"] == 3
    assert e["fields"] == {"year": 1, "month": 1, "day": 2}
    assert e["days"] == {"1-9, one digit": (1, 1), "01-09, slash format": (1, 1), "10-31": (2, 1)}
    assert e["formats"]["24/11/2026"] == (2, 2) and e["formats"]["Nov 24, 2026"] == (1, 0)
    lines = ch09e.error_table(e).splitlines()
    assert lines[0] == "held-out translations: 4, wrong: 3 (75.00%)" and max(len(x) for x in lines) <= 76
    assert lines[4].split() == ["day", "2", "67%"]                       # 2 of the 3 wrong ones
    assert lines[6].split()[-3:] == ["1", "1", "100.00%"]


def test_gradients_reach_the_encoder_and_match_finite_differences():
    model = ch09e.init_model(5, np.random.default_rng(0), dtype=np.float64)
    x, dec_in, y = ch09e.batch(ch09e.random_dates(3, np.random.default_rng(1)), dtype=np.float64)
    _, grads = ch09e.loss_and_grads(model, x, dec_in, y)
    for part in ("enc", "dec"):
        errors = gradcheck.gradcheck(lambda: ch09e.loss_and_grads(model, x, dec_in, y)[0], model[part],
                                     grads[part], max_entries=12, rng=np.random.default_rng(2))
        assert max(errors.values()) < 1e-6, (part, errors)
    assert np.abs(grads["enc"]["W_f"]).max() > 0                         # through the decoder's h0 and C0


def test_training_lowers_the_loss_and_translate_writes_iso_shaped_strings():
    model = ch09e.init_model(16, np.random.default_rng(0))
    trained, hist = ch09e.train(model, 60, np.random.default_rng(0), batch_size=16, eval_every=60, n_test=20,
                                  progress=False)
    assert np.mean(hist["loss"][-10:]) < np.mean(hist["loss"][:10])
    assert hist["eval"][-1][0] == 60 and 0.0 <= hist["eval"][-1][1] <= 1.0
    assert model["enc"]["W_f"] is not trained["enc"]["W_f"]              # the input model is not changed
    r = np.random.default_rng(0)                                          # the batches train drew
    assert hist["padded"] == [max(len(t) for t, _ in ch09e.random_dates(16, r)) for _ in range(60)]
    out = ch09e.translate(trained, ["24 Nov 2026", "1/2/2003"])
    assert len(out) == 2 and all(len(s) == 10 and set(s) <= set(ch09e.OUT_CHARS) for s in out)


@pytest.mark.parametrize("call, match", [
    (lambda: ch09e.write_date(dt.date(2026, 1, 1), "2026/01/01"), "fmt must be one of"),
    (lambda: ch09e.random_dates(0, np.random.default_rng(0)), "n must be an integer >= 1"),
    (lambda: ch09e.train(ch09e.init_model(4, np.random.default_rng(0)), 0, np.random.default_rng(0)),
     "steps must be an integer >= 1"),
    (lambda: ch09e.translate(ch09e.init_model(4, np.random.default_rng(0)), ["24 Nov 2026!"]), r"IN_CHARS.*'!'"),
    (lambda: ch09e.translate(ch09e.init_model(4, np.random.default_rng(0)), "24 Nov 2026"), "list of"),
    (lambda: ch09e.encode_targets(["2026-11-4"]), "ISO dates"),
    (lambda: ch09e.encode_inputs(["Wednesday, 23 September 2026"], length=20), "at most length = 20"),
    (lambda: ch09e.error_types(None, [("1/2/2003", "2003-02-01")]), "triples must be"),
    (lambda: ch09e.error_types(None, []), "triples must be"),
    (lambda: ch09e.accuracy_unpadded(None, []), "pairs must be a non-empty list"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
