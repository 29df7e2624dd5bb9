import decimal
import warnings

import numpy as np
import pytest

from vgteach import activations as act
from vgteach.gradcheck import numerical_gradient, relative_error

NAMES = ["sigmoid", "tanh", "relu", "leaky_relu", "linear"]


@pytest.mark.parametrize("name", NAMES)
def test_derivative_matches_finite_differences(name):
    f, fp = act.ACTIVATIONS[name]
    z = np.linspace(-5, 5, 41) + 0.013  # avoid the ReLU kink at exactly 0
    num = numerical_gradient(lambda v: float(np.sum(f(v))), z)
    assert relative_error(fp(z), num) < 1e-7


def test_sigmoid_is_stable_at_extremes_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert act.sigmoid(-1000.0) == 0.0
        assert act.sigmoid(1000.0) == 1.0
        z = np.array([-np.inf, -745.0, -40.0, 0.0, 40.0, 745.0, np.inf])
        s = act.sigmoid(z)
        sp = act.sigmoid_prime(z)
    assert np.all((s >= 0) & (s <= 1)) and s[3] == 0.5
    assert np.all(np.isfinite(sp)) and sp[0] == 0.0 and sp[-1] == 0.0


def test_sigmoid_is_accurate_to_a_few_ulps_everywhere():
    """Against 40-digit decimal arithmetic: relative error below 4 units in the last place
    wherever the value is a normal float, including the far negative tail (where a sigmoid
    built from tanh, 0.5 + 0.5 tanh(z / 2), has no correct digit left)."""
    z = np.concatenate([np.linspace(-708, 708, 1417), np.linspace(-40, 40, 801) + 1e-3])
    with decimal.localcontext() as ctx:
        ctx.prec = 40
        exact = np.array([float(1 / (1 + decimal.Decimal(-v).exp())) for v in z.tolist()])
    rel = np.abs(act.sigmoid(z) - exact) / exact
    assert rel.max() < 4 * np.finfo(float).eps
    tail = np.linspace(-800, -709, 50)  # the exact values are below 1e-308
    assert np.all(act.sigmoid(tail) <= 1e-307)


def test_peak_slopes():
    z = np.linspace(-10, 10, 20001)
    assert act.sigmoid_prime(z).max() == pytest.approx(0.25, abs=1e-12)
    assert z[np.argmax(act.sigmoid_prime(z))] == pytest.approx(0.0)
    assert act.tanh_prime(z).max() == pytest.approx(1.0, abs=1e-12)


def test_relu_family_values_and_kink_convention():
    z = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(act.relu(z), [0, 0, 3])
    np.testing.assert_array_equal(act.relu_prime(z), [0, 0, 1])
    np.testing.assert_allclose(act.leaky_relu(z), [-0.02, 0, 3])
    np.testing.assert_allclose(act.leaky_relu_prime(z), [0.01, 0.01, 1])
    np.testing.assert_allclose(act.leaky_relu_prime(z, alpha=0.2), [0.2, 0.2, 1])


@pytest.mark.parametrize("name", NAMES)
def test_no_input_is_modified_and_shapes_are_kept(name):
    f, fp = act.ACTIVATIONS[name]
    z = np.random.default_rng(0).normal(size=(3, 4))
    before = z.copy()
    assert f(z).shape == z.shape and fp(z).shape == z.shape
    np.testing.assert_array_equal(z, before)
    assert np.ndim(f(0.5)) == 0


def test_scalars_and_lists_are_accepted():
    assert float(act.sigmoid_prime(0)) == 0.25
    np.testing.assert_allclose(act.tanh([0.0, 1.0]), np.tanh([0.0, 1.0]))


def test_unknown_activation_has_helpful_error():
    with pytest.raises(ValueError, match="The 'activation' parameter must be one of 'sigmoid'"):
        act.get("swish")
    with pytest.raises(ValueError, match="The 'activation' parameter of MLP must be one of"):
        act.get(["relu"], "MLP")  # unhashable: still the template, not a TypeError


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_slopes_are_accurate_to_a_few_ulps_everywhere(name):
    """sigmoid'(z) and tanh'(z) against 40-digit decimal arithmetic, far into the tails where
    ``s (1 - s)`` and ``1 - t**2`` cancel to 0 (z > 37 and |z| > 19.1)."""
    z = np.concatenate([np.linspace(-700, 700, 1401), np.linspace(-40, 40, 801) + 1e-3])
    if name == "tanh":
        z = z / 2
    with decimal.localcontext() as ctx:
        ctx.prec = 40
        exact = []
        for v in z.tolist():
            e = (-abs(decimal.Decimal(v)) * (2 if name == "tanh" else 1)).exp()
            exact.append(float((4 if name == "tanh" else 1) * e / (1 + e) ** 2))
    exact = np.array(exact)
    got = act.ACTIVATIONS[name][1](z)
    normal = exact > np.finfo(float).tiny
    rel = np.abs(got[normal] - exact[normal]) / exact[normal]
    assert rel.max() < 6 * np.finfo(float).eps
    assert np.all(got[np.abs(z) > 30] > 0)  # where the textbook forms give exactly 0
