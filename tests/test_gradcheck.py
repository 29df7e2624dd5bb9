import numpy as np

from vgteach.gradcheck import check_layer, numerical_gradient, relative_error


def test_numerical_gradient_does_not_modify_input():
    x = np.array([[1.0, 2.0], [3.0, 4.0]])
    before = x.copy()
    g = numerical_gradient(lambda v: float(np.sum(v ** 2)), x)
    np.testing.assert_allclose(g, 2 * before, rtol=1e-9)
    np.testing.assert_array_equal(x, before)


def test_relative_error_definition():
    assert relative_error([1.0], [1.0]) == 0.0
    assert relative_error([2.0], [1.0]) == 0.5
    assert relative_error([0.0], [0.0]) == 0.0
    assert relative_error([0.0], [1e-12]) < 1e-3  # floor: noise around an exact zero
    assert relative_error([1.0, 0.0], [1.0, 1.0]) == 1.0


def test_check_layer_catches_a_wrong_backward():
    fwd = lambda x: (x ** 2, x)  # noqa: E731
    assert check_layer(fwd, lambda d, x: (2 * x * d,), [np.array([1.0, -2.0])])[0] < 1e-8
    assert check_layer(fwd, lambda d, x: (x * d,), [np.array([1.0, -2.0])])[0] > 0.1
