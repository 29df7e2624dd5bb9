"""The training dashboard: compute from real runs, plot, and the explorer's controls."""
import matplotlib
import numpy as np
import pytest

matplotlib.use("agg")
import matplotlib.pyplot as plt  # noqa: E402

from vgteach import dashboard  # noqa: E402
from vgteach.mlp import MLP  # noqa: E402


def test_compute_shapes_and_reproducible():
    r = dashboard.compute_dashboard(depth=4, steps=20)
    assert r.loss.shape == (20,)
    assert r.grad_norms_start.shape == r.grad_norms_end.shape == r.update_ratio.shape == (5,)
    assert r.saturation.shape == (4,) and np.all((r.saturation >= 0) & (r.saturation <= 100))
    assert r.ms_per_step > 0
    again = dashboard.compute_dashboard(depth=4, steps=20)
    np.testing.assert_array_equal(r.loss, again.loss)
    assert 0.3 < r.loss[0] < 1.5


def test_deep_sigmoid_vanishes_and_batchnorm_helps():
    plain = dashboard.compute_dashboard(depth=10, steps=5)
    bn = dashboard.compute_dashboard(depth=10, steps=5, norm="batch")
    assert plain.first_to_last < 1e-3
    assert bn.first_to_last > 100 * plain.first_to_last


def test_adam_moves_early_layers_more_than_sgd():
    sgd = dashboard.compute_dashboard(depth=8, steps=10, optimizer="sgd")
    adam = dashboard.compute_dashboard(depth=8, steps=10, optimizer="adam")
    ratio = lambda r: r.update_ratio[0] / r.update_ratio[-1]  # noqa: E731
    assert ratio(adam) > 100 * ratio(sgd)


def test_saturation_counts_inactive_relu_and_saturated_sigmoid():
    X = np.random.default_rng(0).normal(size=(200, 2))
    relu = MLP([2, 50, 1], activation="relu", init="he", seed=0)
    assert 30 < dashboard.saturation(relu, X)[0] < 70
    big = MLP([2, 50, 1], activation="sigmoid", init="normal", std=20.0, seed=0)
    assert dashboard.saturation(big, X)[0] > 80


def test_bad_parameters():
    with pytest.raises(ValueError, match="optimizer"):
        dashboard.compute_dashboard(optimizer="lbfgs")
    with pytest.raises(ValueError, match="depth"):
        dashboard.compute_dashboard(depth=0)


def test_plot_accepts_none_figure_or_axes():
    r = dashboard.compute_dashboard(depth=2, steps=5)
    axes = dashboard.plot_dashboard(r)
    assert len(axes) == 3 and axes[1].get_yscale() == "log"
    fig = plt.figure()
    assert len(dashboard.plot_dashboard(r, fig)) == 3
    _, ax = plt.subplots()
    axes = dashboard.plot_dashboard(r, ax=ax)
    assert len(axes[0].figure.axes) == 3
    plt.close("all")


def test_explorer_controls_drive_real_runs():
    e = dashboard.explore_dashboard()
    assert e.n_updates == 1 and e.result.settings["optimizer"] == "sgd"
    for name in ("depth", "steps"):
        assert e.controls[name].continuous_update is False
    e.controls["steps"].value = 20
    e.controls["optimizer"].value = "adam"
    e.controls["norm"].value = "batch"
    e.controls["depth"].value = 3
    assert e.n_updates == 5
    assert e.result.settings == {**e.result.settings, "optimizer": "adam", "norm": "batch",
                                 "depth": 3, "steps": 20}
    assert e.result.loss.shape == (20,)
    plt.close("all")
