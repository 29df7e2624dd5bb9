"""vgteach.measure.dashboard: real short training runs, measured."""
import numpy as np
import pytest

from vgteach.measure.dashboard import compute_dashboard, saturation
from vgteach.mlp import MLP


def test_compute_shapes_and_reproducible():
    r = compute_dashboard(depth=4, steps=20)
    assert r.loss.shape == (20,)
    assert r.grad_norms_start.shape == r.grad_norms_end.shape == r.update_ratio.shape == (5,)
    assert r.saturation.shape == (4,) and np.all((r.saturation >= 0) & (r.saturation <= 100))
    assert r.ms_per_step > 0
    again = compute_dashboard(depth=4, steps=20)
    np.testing.assert_array_equal(r.loss, again.loss)
    assert 0.3 < r.loss[0] < 1.5


def test_deep_sigmoid_vanishes_and_batchnorm_helps():
    plain = compute_dashboard(depth=10, steps=5)
    bn = compute_dashboard(depth=10, steps=5, norm="batch")
    assert plain.first_to_last < 1e-3
    assert bn.first_to_last > 100 * plain.first_to_last


def test_adam_moves_early_layers_more_than_sgd():
    sgd = compute_dashboard(depth=8, steps=10, optimizer="sgd")
    adam = compute_dashboard(depth=8, steps=10, optimizer="adam")
    ratio = lambda r: r.update_ratio[0] / r.update_ratio[-1]  # noqa: E731
    assert ratio(adam) > 100 * ratio(sgd)


def test_saturation_counts_inactive_relu_and_saturated_sigmoid():
    X = np.random.default_rng(0).normal(size=(200, 2))
    relu = MLP([2, 50, 1], activation="relu", init="he", seed=0)
    assert 30 < saturation(relu, X)[0] < 70
    big = MLP([2, 50, 1], activation="sigmoid", init="normal", std=20.0, seed=0)
    assert saturation(big, X)[0] > 80


def test_bad_parameters():
    with pytest.raises(ValueError, match="optimizer"):
        compute_dashboard(optimizer="lbfgs")
    with pytest.raises(ValueError, match="depth"):
        compute_dashboard(depth=0)


def test_a_run_in_parts_is_the_run_in_one_go():
    from vgteach.measure.dashboard import DashboardRun
    one = compute_dashboard(depth=3, steps=12, optimizer="adam", norm="batch", activation="relu",
                            init="he")
    run = DashboardRun(depth=3, optimizer="adam", norm="batch", activation="relu", init="he")
    for k in (5, 3, 4):
        run.advance(k)
    assert run.recorded == [5, 8, 12]
    parts = run.result(12)
    for name in ("loss", "grad_norms_start", "grad_norms_end", "update_ratio", "saturation"):
        assert np.array_equal(getattr(one, name), getattr(parts, name)), name
    assert parts.settings == one.settings
    early = run.result(5)
    assert np.array_equal(early.loss, compute_dashboard(
        depth=3, steps=5, optimizer="adam", norm="batch", activation="relu", init="he").loss)
    with pytest.raises(ValueError, match="after \\[5, 8, 12\\] steps, not after 6"):
        run.result(6)


def test_the_default_sgd_rate_trains_a_deep_relu_net_with_he_init():
    # lesson 4's setting; at SGD lr 0.5 the same net dies (most units inactive, loss at chance)
    r = compute_dashboard(depth=8, activation="relu", init="he", steps=100)
    assert r.settings["lr"] == 0.1 and r.loss[-10:].mean() < 0.3
    dead = compute_dashboard(depth=8, activation="relu", init="he", steps=100, lr=0.5)
    assert dead.loss[-10:].mean() > 0.9 * np.log(2)
