"""vgteach.measure.gain: the per-layer gain rule n * Var(W) * E[f'(z)**2], measured."""
import numpy as np
import pytest

from vgteach import activations
from vgteach.measure.depth import compute_depth
from vgteach.measure.gain import (ACTIVATIONS, backprop_at_init, centred_sigmoid, layer_gain,
                                  sweep_weight_scale)
from vgteach.mlp import MLP


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("scale", [0.5, 4.0])
def test_reproduces_compute_depth_draw_for_draw(activation, scale):
    mine = backprop_at_init(activation, depth=6, weight_scale=scale, seed=3)
    theirs = compute_depth(depth=6, weight_scale=scale, activation=activation, seed=3)
    np.testing.assert_allclose(mine.delta_norms, theirs.delta_norms, rtol=1e-12)
    saturated = np.mean(mine.saturated)  # equal-size layers: the mean of the per-layer shares
    assert saturated == pytest.approx(theirs.saturated_fraction, abs=1e-12)


def test_backward_pass_equals_the_mlp_engine():
    """Same weights and inputs as an MLP: the error terms agree with the engine's backprop."""
    view = backprop_at_init("tanh", depth=3, width=8, init="xavier", batch=5, seed=1)
    rng = np.random.default_rng(1)
    net = MLP([8] * 4 + [1], activation="tanh", init="xavier", seed=rng)
    X = rng.normal(size=(5, 8))
    _, grads = net.loss_and_grads(X, np.ones((5, 1)))
    np.testing.assert_allclose(view.delta_norms, grads.delta_norms, rtol=1e-12)


def test_measured_ratios_are_norm_ratios_and_predictions_the_rule():
    v = backprop_at_init("relu", depth=5, width=16, init="he", seed=2)
    np.testing.assert_allclose(v.measured, (v.delta_norms[:-1] / v.delta_norms[1:]) ** 2)
    np.testing.assert_allclose(v.predicted, v.n_var_w * v.mean_slope_sq)
    assert v.hidden_to_hidden == pytest.approx(np.sqrt(np.prod(v.measured[:-1])))


def test_layer_gain_is_the_formula():
    rng = np.random.default_rng(0)
    W, z = rng.normal(0, 0.3, size=(20, 7)), rng.normal(size=(9, 20))
    expected = 20 * W.var() * np.mean(activations.sigmoid_prime(z) ** 2)
    assert layer_gain(W, z, "sigmoid") == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize("activation, init, gain", [("relu", "xavier", 0.5), ("relu", "he", 1.0),
                                                     ("tanh", "he", 1.0)])
def test_rule_predicts_the_measured_gain_on_wide_layers(activation, init, gain):
    """The rule holds on average (wide layers, many examples): per-layer geometric means of the
    measured ratios agree with the prediction, and ReLU's are 1/2 (Xavier) and 1 (He)."""
    v = backprop_at_init(activation, depth=10, width=256, init=init, batch=512, seed=0)
    measured = np.exp(np.mean(np.log(v.measured[:-1])))
    predicted = np.exp(np.mean(np.log(v.predicted[:-1])))
    assert measured == pytest.approx(predicted, rel=0.1)
    if activation == "relu":
        assert predicted == pytest.approx(gain, rel=0.1)
    else:
        assert 0.8 < predicted < 1.2


def test_rule_holds_for_the_sigmoid_where_the_slopes_set_the_gain():
    """n * Var(W) is about 1, yet each layer keeps under a tenth: the slopes account for it."""
    v = backprop_at_init("sigmoid", depth=8, width=128, init="lecun", batch=256)
    assert np.all(v.n_var_w > 0.8) and np.all(v.measured < 0.1)
    np.testing.assert_allclose(v.measured[:-1], v.predicted[:-1], rtol=0.35)


def test_centred_sigmoid_is_half_tanh_of_half_z_with_the_sigmoid_slope():
    z = np.linspace(-30, 30, 601)
    np.testing.assert_allclose(centred_sigmoid(z), np.tanh(z / 2) / 2, atol=1e-15)
    f, fp = ACTIVATIONS["centred_sigmoid"]
    h = 1e-6
    np.testing.assert_allclose((f(z + h) - f(z - h)) / (2 * h), fp(z), atol=1e-9)


def test_offset_share_separates_sigmoid_from_its_centred_version():
    s = backprop_at_init("sigmoid", weight_scale=4.0, seed=0)
    c = backprop_at_init("centred_sigmoid", weight_scale=4.0, seed=0)
    assert s.offset_share.mean() > 0.7 > 0.1 > c.offset_share.mean()
    assert c.first_to_last > 10 * s.first_to_last
    assert c.mean_slope_sq.mean() > 1.5 * s.mean_slope_sq.mean()


def test_sweep_matches_single_runs():
    sweep = sweep_weight_scale(("sigmoid", "tanh"), [0.5, 2.0], depth=4, seed=5)
    assert sweep.first_to_last.shape == (2, 2)
    one = backprop_at_init("tanh", depth=4, weight_scale=2.0, seed=5)
    assert sweep.first_to_last[sweep.row("tanh"), 1] == one.first_to_last
    assert sweep.gain[1, 1] == pytest.approx(one.predicted.mean())


def test_default_sweep_scales_and_monotone_growth():
    sweep = sweep_weight_scale(("tanh",), depth=5)
    assert sweep.scales.size == 22 and sweep.scales[0] == 0.25 and sweep.scales[-1] == 32
    assert np.allclose(sweep.scales[[6, 9, 12, 15, 18]], [1, 2, 4, 8, 16])
    ratio = sweep.first_to_last[0]
    assert np.all(np.diff(np.log(ratio[sweep.scales <= 4])) > 0) and ratio[-1] > 1e5 * ratio[0]


@pytest.mark.parametrize("kw, word", [
    (dict(activation="softsign"), "'activation'"),
    (dict(depth=0), "'depth'"),
    (dict(init="normal"), "'init'"),
    (dict(weight_scale=-1.0), "'weight_scale'"),
    (dict(width=1), "'width'"),
])
def test_parameter_errors_use_the_shared_template(kw, word):
    with pytest.raises(ValueError, match=f"The {word} parameter of backprop_at_init"):
        backprop_at_init(**kw)


def test_layer_gain_names_unknown_activation():
    with pytest.raises(ValueError, match="'activation' parameter of layer_gain"):
        layer_gain(np.eye(2), np.zeros((1, 2)), "softsign")


def test_sigmoid_offset_is_a_shift_of_about_half_the_weight_scale():
    """z_j = 1/2 sum_i W_ij + ...: a fixed shift with std >= scale / 2 for the sigmoid only."""
    sweep = sweep_weight_scale(("sigmoid", "centred_sigmoid"), [1.0, 4.0], depth=6, seed=0)
    sig, cen = sweep.offset_std[sweep.row("sigmoid")], sweep.offset_std[sweep.row("centred_sigmoid")]
    assert np.all(sig >= 0.5 * sweep.scales) and np.all(sig < 0.8 * sweep.scales)
    assert np.all(cen < 0.1 * sweep.scales)


def test_crossing_interpolates_between_the_grid_scales():
    sweep = sweep_weight_scale(("sigmoid", "tanh"), depth=6, seed=2)
    for name in sweep.activations:
        for of in ("first_to_last", "gain"):
            scale, sat = sweep.crossing(name, of=of)
            values = getattr(sweep, of)[sweep.row(name)]
            k = int(np.argmax(values >= 1))
            assert values[k] >= 1 > values[k - 1] and k > 0
            assert sweep.scales[k - 1] <= scale <= sweep.scales[k]
            lo, hi = sorted(sweep.saturated[sweep.row(name), k - 1:k + 1])
            assert lo <= sat <= hi
    # a level never reached on the grid, and one reached at the first scale
    assert np.isnan(sweep.crossing("tanh", level=1e30)).all()
    assert sweep.crossing("tanh", level=1e-30) == (sweep.scales[0], sweep.saturated[1, 0])
    with pytest.raises(ValueError, match="'of' parameter of ScaleSweep.crossing"):
        sweep.crossing("tanh", of="offset_std")
