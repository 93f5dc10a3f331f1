import numpy as np
import pytest

from lstm_helpers.engine import validation as v


def test_check_array_accepts_and_casts():
    a = v.check_array("x", [[1, 2, 3]], ("B", 3), dtype=np.float32)
    assert a.dtype == np.float32 and a.shape == (1, 3)


@pytest.mark.parametrize("value, shape, match", [
    (np.zeros((2, 3)), ("T", "B", 3), r"x must have shape \(T, B, 3\); got shape \(2, 3\)"),
    (np.zeros((2, 0)), ("B", "D"), "no empty axis"),
    (np.array(["a"]), ("N",), "real numbers"),
    (np.array([1.0, np.inf]), ("N",), "finite"),
    ([[1, 2], [3]], ("B", 2), "x must"),
])
def test_check_array_rejects(value, shape, match):
    with pytest.raises(ValueError, match=match):
        v.check_array("x", value, shape)


@pytest.mark.parametrize("fn, args, match", [
    (v.check_positive_int, ("n", 2.5), "n must be an integer"),
    (v.check_positive_int, ("n", True), "n must be an integer"),
    (v.check_number, ("f", 2.0, 0.0, 1.0), r"f must be a finite number in \[0.0, 1.0\]"),
    (v.check_option, ("cell", "cnn", {"lstm", "rnn"}), r"cell must be one of \['lstm', 'rnn'\]"),
    (v.check_rng, ("rng", 3), "numpy Generator"),
    (v.check_params, ("params", [], {}), "must be a dict"),
])
def test_scalar_checks(fn, args, match):
    with pytest.raises(ValueError, match=match):
        fn(*args)


def test_check_dtype_accepts_the_two_float_types_and_names_the_argument():
    assert v.check_dtype("dtype", "float32") == np.dtype(np.float32) and v.check_dtype("d", np.float64) == np.float64
    for bad in (np.int64, "banana", None, type(None)):
        with pytest.raises(ValueError, match="dtype must be float32 or float64; got"):
            v.check_dtype("dtype", bad)
