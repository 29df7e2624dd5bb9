"""The activation explorer (lesson 1): where does an activation's slope almost vanish?"""
import ipywidgets as widgets

from ..measure.activation import compute_activation
from ..plots.explorers import ActivationPlot
from .base import Explorer, slider

__all__ = ["explore_activation"]


def explore_activation(**start):
    """Explorer: pick an activation and a saturation threshold (a share of the peak slope); see
    where its slope is almost zero. ``start`` sets starting values, e.g. ``name="tanh"``."""
    controls = {
        "name": widgets.Dropdown(options=["sigmoid", "tanh", "relu", "leaky_relu"],
                                 value="sigmoid", description="activation"),
        "z_max": slider("float", 6.0, 1.0, 40.0, 0.5, "z range ±"),
        "share": slider("float", 0.1, 0.01, 0.5, 0.01, "saturated if f' / peak <"),
    }
    return Explorer(controls, compute_activation, ActivationPlot, start=start)
