"""vgteach.measure.diagnostics: the one saturation rule, per-layer statistics, dead units."""
import numpy as np
import pytest

from vgteach import activations
from vgteach.measure import diagnostics
from vgteach.mlp import MLP


def test_saturation_is_a_slope_below_a_tenth_of_the_peak():
    a = np.array([0.96, -0.95, 0.94, 0.0, -0.5, 0.999])
    assert diagnostics.saturation_mask(a, "tanh").tolist() == [True, True, False, False, False,
                                                                 True]
    s = np.array([0.02, 0.03, 0.5, 0.97, 0.98])
    assert diagnostics.saturation_mask(s, "sigmoid").tolist() == [True, False, False, False,
                                                                    True]
    r = np.array([0.0, 0.1, 3.0, 0.0])
    assert diagnostics.saturation_mask(r, "relu").tolist() == [True, False, False, True]
    assert diagnostics.saturation_mask([-0.01, 0.0, 2.0], "leaky_relu").tolist() == [True, True,
                                                                                      False]
    assert not diagnostics.saturation_mask(a, "linear").any()
    assert diagnostics.saturation_fraction(r, "relu") == 0.5
    with pytest.raises(ValueError, match="activation"):
        diagnostics.saturation_mask(a, "softsign")


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu", "linear"])
def test_one_rule_from_outputs_and_from_slopes(name):
    f, f_prime = activations.get(name)
    z = np.linspace(-8.0, 8.0, 1601)
    from_outputs = diagnostics.saturation_mask(f(z), name)
    np.testing.assert_array_equal(from_outputs, diagnostics.saturated_slope(f_prime(z), name))
    assert diagnostics.peak_slope(name) == pytest.approx(np.max(f_prime(z)))


def test_saturation_mask_keeps_shape_and_input():
    a = np.array([[0.99, 0.1], [0.0, -0.999]])
    before = a.copy()
    m = diagnostics.saturation_mask(a, "tanh")
    assert m.shape == (2, 2) and m.dtype == bool
    np.testing.assert_array_equal(a, before)


def test_activation_stats_match_numpy():
    rng = np.random.default_rng(0)
    acts = [np.tanh(rng.normal(0, s, size=(50, 7))) for s in (0.1, 1.0, 5.0)]
    st = diagnostics.activation_stats(acts, "tanh")
    np.testing.assert_allclose(st.mean, [a.mean() for a in acts])
    np.testing.assert_allclose(st.std, [a.std() for a in acts])
    np.testing.assert_allclose(st.saturated, [np.mean(1 - a**2 < 0.1) for a in acts])
    # saturation grows with the pre-activation scale
    assert st.saturated[0] == 0 and st.saturated[2] > 0.5


def test_hidden_activations_and_gradient_stats():
    net = MLP([4, 6, 5, 3], activation="sigmoid", seed=1)
    X = np.random.default_rng(1).normal(size=(20, 4))
    y = np.arange(20) % 3
    acts = diagnostics.hidden_activations(net, X)
    assert [a.shape for a in acts] == [(20, 6), (20, 5)]
    _, g = net.loss_and_grads(X, y, loss="cross_entropy")
    for a, b in zip(acts, g.a[1:]):
        np.testing.assert_allclose(a, b)
    st = diagnostics.gradient_stats(g, net.weights)
    np.testing.assert_allclose(st.dW_norm, g.dW_norms)
    np.testing.assert_allclose(st.db_norm, g.db_norms)
    np.testing.assert_allclose(st.delta_norm, g.delta_norms)
    np.testing.assert_allclose(st.grad_to_data,
                               [d.std() / W.std() for d, W in zip(g.dW, net.weights)])
    assert np.isnan(diagnostics.gradient_stats(g).grad_to_data).all()


def test_dead_units_and_fraction():
    a = np.array([[0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 2.0, 0.0]])
    assert diagnostics.dead_units(a).tolist() == [True, False, False, True]
    np.testing.assert_allclose(diagnostics.dead_fraction([a, np.ones((2, 3))]), [0.5, 0.0])
    with pytest.raises(ValueError, match="2-D"):
        diagnostics.dead_units(np.zeros(3))


def test_born_dead_relu_net_has_dead_units():
    net = MLP([4, 16, 16, 2], activation="relu", init="he", seed=0)
    net.biases[0] = net.biases[0] - 10.0
    X = np.random.default_rng(0).normal(size=(64, 4))
    frac = diagnostics.dead_fraction(diagnostics.hidden_activations(net, X))
    assert frac[0] == 1.0


def test_near_zero_and_relative_change():
    W = [np.array([[0.0, 0.5], [0.001, -2.0]]), np.ones((2, 2))]
    np.testing.assert_allclose(diagnostics.near_zero_fraction(W, tol=0.01), [0.5, 0.0])
    after = [w * 1.1 for w in W]
    np.testing.assert_allclose(diagnostics.relative_change(W, after), [0.1, 0.1])
