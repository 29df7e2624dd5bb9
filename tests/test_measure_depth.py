"""vgteach.measure.depth: one backward pass through a fresh deep net."""
from vgteach.measure.depth import compute_depth


def test_compute_depth_vanishes_for_sigmoid_and_depends_on_scale():
    shallow = compute_depth(depth=2, weight_scale=1.0, activation="sigmoid")
    deep = compute_depth(depth=20, weight_scale=1.0, activation="sigmoid")
    assert deep.delta_norms.shape == (21,)
    assert deep.first_to_last < 1e-6 < shallow.first_to_last
    big = compute_depth(depth=20, weight_scale=8.0, activation="tanh")
    assert big.first_to_last > deep.first_to_last


def test_compute_depth_reports_saturation():
    calm = compute_depth(depth=10, weight_scale=1.0, activation="sigmoid")
    wild = compute_depth(depth=10, weight_scale=16.0, activation="sigmoid")
    assert 0 <= calm.saturated_fraction < 0.05 < 0.5 < wild.saturated_fraction <= 1
