"""The depth explorer (lessons 2-5): how the error term's size changes layer by layer."""
import ipywidgets as widgets

from ..measure.depth import compute_depth
from ..plots.explorers import DepthPlot
from .base import Explorer, slider

__all__ = ["explore_depth"]


def explore_depth(**start):
    """Explorer: depth, weight scale and activation -> per-layer gradient size (real backprop).
    ``start`` sets starting values, e.g. ``depth=20, activation="tanh"``."""
    controls = {
        "depth": slider("int", 10, 1, 40, 1, "hidden layers"),
        "weight_scale": slider("float", 1.0, 0.1, 16.0, 0.1, "weight scale"),
        "activation": widgets.Dropdown(options=["sigmoid", "tanh", "relu", "leaky_relu"],
                                       value="sigmoid", description="activation"),
    }
    return Explorer(controls, compute_depth, DepthPlot, start=start)
