import datetime as dt

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
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()
