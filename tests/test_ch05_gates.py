import numpy as np
import pytest

from lstm_helpers.chapters import ch05_gates as ch05
from lstm_helpers.engine import lstm


def test_forget_zero_erases_memory_and_one_keeps_it():
    np.testing.assert_allclose(ch05.forced_gate_run(0.0, values=(0.8, 0.5, -0.5)), [0.8, 0.5, -0.5], atol=1e-12)
    np.testing.assert_allclose(ch05.forced_gate_run(1.0, values=(0.8, 0.5, -0.5)), [0.8, 1.3, 0.8], atol=1e-12)


def test_forget_half_halves_the_past():
    np.testing.assert_allclose(ch05.forced_gate_run(0.5, values=(0.8, 0.0, 0.0)), [0.8, 0.4, 0.2], atol=1e-12)


def test_input_zero_writes_nothing():
    np.testing.assert_allclose(ch05.forced_gate_run(0.7, i=0.0), 0.0, atol=1e-12)


def test_output_zero_hides_the_memory():
    p = ch05.one_unit_params(b_f=4.0, b_i=4.0, b_o=-50.0)          # σ(−50) ≈ 2e-22
    tr = lstm.forward(p, ch05.demo_inputs())
    assert np.abs(tr.h).max() < 1e-20 and np.abs(tr.c).max() > 0.5


def test_explorer_compute_matches_the_engine():
    r = ch05.explore(b_f=1.0, b_i=-1.0, b_o=2.0)
    tr = lstm.forward(ch05.one_unit_params(1.0, -1.0, 2.0), ch05.demo_inputs())
    np.testing.assert_array_equal(r["c"], tr.c[:, 0, 0])
    assert r["f"].shape == (ch05.T_DEMO,) and r["c_end"] == tr.c[-1, 0, 0]
    e = ch05.explorer()
    assert len(e.sliders) == 3 and all(s.grid().size == 9 for s in e.sliders)


def test_larger_forget_bias_keeps_more_memory():
    assert ch05.explore(b_f=4.0)["c_end"] > ch05.explore(b_f=0.0)["c_end"] > ch05.explore(b_f=-4.0)["c_end"]


@pytest.mark.parametrize("call, match", [
    (lambda: ch05.forced_gate_run(1.5), r"f must be a finite number in \[0.0, 1.0\]"),
    (lambda: ch05.one_unit_params(b_f=float("inf")), "b_f must be"),
    (lambda: ch05.forced_gate_run(0.5, values=np.zeros((2, 2))), "values must have shape"),
    (lambda: ch05.forced_gate_run(0.5, values=(1.0, 0.0)), "strictly between -1 and 1"),
])
def test_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_gate_heatmaps_show_every_gate_within_the_page_column():
    import matplotlib

    matplotlib.use("Agg")
    rng = np.random.default_rng(0)
    trace = lstm.forward(lstm.init_params(4, 8, rng), rng.standard_normal((20, 1, 4)))
    axes = ch05.plot_gate_heatmaps(trace)
    assert axes[0].figure.get_size_inches()[0] <= 7.0
    assert [ax.get_title() for ax in axes] == ["forget f", "input i", "candidate C̃", "output o"]
    np.testing.assert_array_equal(axes[2].images[0].get_array(), trace.c_tilde[:, 0].T)
