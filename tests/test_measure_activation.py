"""vgteach.measure.activation: an activation's values, slopes and saturated range."""
import numpy as np
import pytest

from vgteach.measure.activation import compute_activation
from vgteach.measure.diagnostics import saturated_slope


def test_compute_activation():
    v = compute_activation("sigmoid", z_max=6, share=0.2)
    assert v.peak_slope == pytest.approx(0.25, abs=1e-4) and abs(v.peak_at) < 0.05
    assert 0.3 < v.saturated_fraction < 0.6
    assert compute_activation("relu").saturated_fraction == pytest.approx(0.5, abs=0.01)


def test_default_share_is_the_course_definition():
    v = compute_activation("tanh", z_max=4.0)
    assert v.share == 0.1 and v.threshold == pytest.approx(0.1)
    assert v.saturated_fraction == pytest.approx(np.mean(saturated_slope(v.f_prime, "tanh")))
