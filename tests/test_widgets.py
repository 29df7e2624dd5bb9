import matplotlib

matplotlib.use("agg")
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from vgteach import widgets  # noqa: E402


def test_compute_activation():
    v = widgets.compute_activation("sigmoid", z_max=6, threshold=0.05)
    assert v.peak_slope == pytest.approx(0.25, abs=1e-4) and abs(v.peak_at) < 0.05
    assert 0.3 < v.saturated_fraction < 0.6
    assert widgets.compute_activation("relu").saturated_fraction == pytest.approx(0.5, abs=0.01)


def test_compute_depth_vanishes_for_sigmoid_and_depends_on_scale():
    shallow = widgets.compute_depth(depth=2, weight_scale=1.0, activation="sigmoid")
    deep = widgets.compute_depth(depth=20, weight_scale=1.0, activation="sigmoid")
    assert deep.delta_norms.shape == (21,)
    assert deep.first_to_last < 1e-6 < shallow.first_to_last
    big = widgets.compute_depth(depth=20, weight_scale=8.0, activation="tanh")
    assert big.first_to_last > deep.first_to_last


def test_compute_depth_reports_saturation():
    calm = widgets.compute_depth(depth=10, weight_scale=1.0, activation="sigmoid")
    wild = widgets.compute_depth(depth=10, weight_scale=16.0, activation="sigmoid")
    assert 0 <= calm.saturated_fraction < 0.05 < 0.5 < wild.saturated_fraction <= 1
    assert "saturated" in widgets.plot_depth(wild).get_title()


def test_explorers_redraw_when_controls_move():
    e = widgets.explore_activation()
    assert e.n_updates == 1 and e.result.name == "sigmoid"
    e.controls["name"].value = "tanh"
    assert e.n_updates == 2 and e.result.peak_slope == pytest.approx(1.0, abs=1e-3)
    e.controls["name"].value = "sigmoid"
    e.controls["z_max"].value = 30.0                     # wide enough for 90% saturated
    assert e.result.saturated_fraction > 0.9
    d = widgets.explore_depth()
    before = d.result.delta_norms.copy()
    d.controls["depth"].value = 5
    assert d.n_updates == 2 and d.result.delta_norms.shape == (6,)
    d.controls["weight_scale"].value = 3.0
    assert not np.array_equal(d.result.delta_norms[:2], before[:2])
    d.controls["weight_scale"].value = 16.0                 # the slider reaches saturation
    assert d.result.weight_scale == 16.0 and d.result.saturated_fraction > 0.5
