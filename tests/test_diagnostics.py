"""Tests for vgteach.diagnostics: saturation rules, per-layer statistics, plot helpers."""
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from vgteach import diagnostics as dg
from vgteach.mlp import MLP
from vgteach.train import train

matplotlib.use("agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_saturation_rules():
    a = np.array([-1.0, -0.98, -0.97, 0.0, 0.5, 0.97, 0.99])
    assert dg.saturation_mask(a, "tanh").tolist() == [True, True, False, False, False, False,
                                                      True]
    s = np.array([0.0, 0.02, 0.03, 0.5, 0.97, 0.98, 1.0])
    assert dg.saturation_mask(s, "sigmoid").tolist() == [True, True, False, False, False, True,
                                                         True]
    r = np.array([0.0, 1e-12, 3.0, 0.0])
    assert dg.saturation_mask(r, "relu").tolist() == [True, False, False, True]
    assert dg.saturation_mask([-0.01, 0.0, 2.0], "leaky_relu").tolist() == [True, False, False]
    assert not dg.saturation_mask(a, "linear").any()
    assert dg.saturation_fraction(r, "relu") == 0.5
    with pytest.raises(ValueError, match="activation"):
        dg.saturation_mask(a, "softsign")


def test_saturation_mask_keeps_shape_and_input():
    a = np.array([[0.99, 0.1], [0.0, -0.999]])
    before = a.copy()
    m = dg.saturation_mask(a, "tanh")
    assert m.shape == (2, 2) and m.dtype == bool
    np.testing.assert_array_equal(a, before)


def test_activation_stats_match_numpy():
    rng = np.random.default_rng(0)
    acts = [np.tanh(rng.normal(0, s, size=(50, 7))) for s in (0.1, 1.0, 5.0)]
    st = dg.activation_stats(acts, "tanh")
    np.testing.assert_allclose(st.mean, [a.mean() for a in acts])
    np.testing.assert_allclose(st.std, [a.std() for a in acts])
    np.testing.assert_allclose(st.saturated, [np.mean(np.abs(a) > 0.97) for a in acts])
    # saturation grows with the pre-activation scale
    assert st.saturated[0] == 0 and st.saturated[2] > 0.5


def test_hidden_activations_and_gradient_stats():
    net = MLP([4, 6, 5, 3], activation="sigmoid", seed=1)
    X = np.random.default_rng(1).normal(size=(20, 4))
    y = np.arange(20) % 3
    acts = dg.hidden_activations(net, X)
    assert [a.shape for a in acts] == [(20, 6), (20, 5)]
    _, g = net.loss_and_grads(X, y, loss="cross_entropy")
    for a, b in zip(acts, g.a[1:]):
        np.testing.assert_allclose(a, b)
    st = dg.gradient_stats(g, net.weights)
    np.testing.assert_allclose(st.dW_norm, g.dW_norms)
    np.testing.assert_allclose(st.db_norm, g.db_norms)
    np.testing.assert_allclose(st.delta_norm, g.delta_norms)
    np.testing.assert_allclose(st.grad_to_data,
                               [d.std() / W.std() for d, W in zip(g.dW, net.weights)])
    assert np.isnan(dg.gradient_stats(g).grad_to_data).all()


def test_dead_units_and_fraction():
    a = np.array([[0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 2.0, 0.0]])
    assert dg.dead_units(a).tolist() == [True, False, False, True]
    np.testing.assert_allclose(dg.dead_fraction([a, np.ones((2, 3))]), [0.5, 0.0])
    with pytest.raises(ValueError, match="2-D"):
        dg.dead_units(np.zeros(3))


def test_born_dead_relu_net_has_dead_units():
    net = MLP([4, 16, 16, 2], activation="relu", init="he", seed=0)
    net.biases[0] = net.biases[0] - 10.0
    X = np.random.default_rng(0).normal(size=(64, 4))
    frac = dg.dead_fraction(dg.hidden_activations(net, X))
    assert frac[0] == 1.0


def test_near_zero_and_relative_change():
    W = [np.array([[0.0, 0.5], [0.001, -2.0]]), np.ones((2, 2))]
    np.testing.assert_allclose(dg.near_zero_fraction(W, tol=0.01), [0.5, 0.0])
    after = [w * 1.1 for w in W]
    np.testing.assert_allclose(dg.relative_change(W, after), [0.1, 0.1])


def test_plot_helpers_return_axes_and_figure():
    net = MLP([4, 8, 8, 3], activation="tanh", seed=0)
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(32, 4)), rng.integers(0, 3, size=32)
    before = [W.copy() for W in net.weights]
    _, g = net.loss_and_grads(X, y, loss="cross_entropy")
    ax = dg.plot_activation_histograms(g.a[1:], "tanh")
    assert len(ax.get_lines()) == 2 and "sat." in ax.get_legend().get_texts()[0].get_text()
    ax = dg.plot_gradient_histograms(g.dW)
    assert len(ax.get_lines()) == 3 and "log10" in ax.get_xlabel()
    ax = dg.plot_gradient_histograms(g.delta, name="delta")
    assert "delta" in ax.get_title()
    hist = train(net, X, y, steps=5, lr=0.1, loss="cross_entropy")
    ax = dg.plot_update_ratios(hist.update_ratio)
    assert ax.get_yscale() == "log" and len(ax.get_lines()) == 4  # 3 layers + reference
    fig = dg.plot_weight_distributions(before, net.weights)
    assert len(fig.axes) == 3 and "moved" in fig.axes[0].get_title()
    ax = dg.plot_layer_bars(g.delta_norms, ylabel="||delta||")
    assert ax.get_yscale() == "log" and len(ax.patches) == 3
    _, ax2 = plt.subplots()
    assert dg.plot_activation_histograms(g.a[1:], "tanh", ax=ax2) is ax2
