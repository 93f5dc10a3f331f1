import numpy as np
import pytest

from lstm_helpers.engine import gradcheck


def test_exact_gradient_of_a_cubic_has_tiny_error(rng):
    a = rng.standard_normal((3, 4))
    errs = gradcheck.gradcheck(lambda: float((a ** 3).sum()), {"a": a}, {"a": 3 * a ** 2})
    assert errs["a"] < 1e-9


def test_wrong_gradient_is_flagged(rng):
    a = rng.standard_normal(5)
    assert gradcheck.gradcheck(lambda: float((a ** 2).sum()), {"a": a}, {"a": a})["a"] > 0.3


def test_subset_of_entries_and_array_is_restored(rng):
    a = rng.standard_normal(100)
    before = a.copy()
    idx, vals = gradcheck.numerical_grad(lambda: float(np.sin(a).sum()), a, max_entries=10, rng=rng)
    assert idx.size == 10 and np.array_equal(a, before)
    np.testing.assert_allclose(vals, np.cos(a[idx]), atol=1e-8)


def test_relative_error_scale():
    assert gradcheck.relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert gradcheck.relative_error([1.0], [-1.0]) == 1.0


@pytest.mark.parametrize("arrays, grads, match", [
    ({"a": np.ones(3, dtype=np.float32)}, {"a": np.ones(3)}, "must be float64"),
    ({"a": np.ones(3)}, {}, "grads has no entry 'a'"),
    ({"a": np.ones(3)}, {"a": np.ones(4)}, r"grads\['a'\] must have shape"),
])
def test_bad_input(arrays, grads, match):
    with pytest.raises(ValueError, match=match):
        gradcheck.gradcheck(lambda: 0.0, arrays, grads)
