"""vgteach._validation: one template for every parameter error (scikit-learn's wording)."""
import numpy as np
import pytest

from vgteach._validation import check_choice, check_float, check_int, check_shape


def test_int_and_float_in_the_template():
    assert check_int(3, "depth", "f", low=1) == 3
    with pytest.raises(ValueError, match=r"^The 'depth' parameter of f must be an int in "
                                         r"\[1, inf\]\. Got True instead\.$"):
        check_int(True, "depth", "f", low=1)
    with pytest.raises(ValueError, match=r"^The 'lr' parameter must be a finite float in "
                                         r"\[0\.0, 1\.0\]\. Got nan instead\.$"):
        check_float(float("nan"), "lr", low=0.0, high=1.0)


def test_choice_lists_the_options_and_survives_unhashable_values():
    assert check_choice("a", "kind", "f", ("a", "b")) == "a"
    with pytest.raises(ValueError, match=r"^The 'init' parameter of MLP must be one of 'a', "
                                         r"'b' or a callable\. Got \['a'\] instead\.$"):
        check_choice(["a"], "init", "MLP", {"a": 1, "b": 2}, extra="or a callable")


def test_shape():
    x = np.zeros((2, 3))
    assert check_shape(x, "x", "f", (2, 3)) is x
    with pytest.raises(ValueError, match=r"^The 'c0' parameter of f must have shape \(2, 4\) "
                                         r"for h0 of shape \(2, 4\)\. Got \(2, 3\) instead\.$"):
        check_shape(x, "c0", "f", (2, 4), "for h0 of shape (2, 4)")
