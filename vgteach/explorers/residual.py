"""The residual explorer (lesson 9): a deep net with and without skip connections."""
import ipywidgets as widgets

from ..measure.residual import compute_residual
from ..plots.explorers import plot_residual
from .base import Explorer, slider

__all__ = ["explore_residual"]

def explore_residual(**start):
    """Explorer: depth, skip on/off, activation -> gradient size per layer and a short run.
    ``start`` sets starting values, e.g. ``skip=False``."""
    controls = {
        "depth": slider("int", 30, 2, 40, 1, "hidden layers", continuous_update=False),
        "skip": widgets.Checkbox(value=True, description="skip connections"),
        "activation": widgets.Dropdown(options=["tanh", "sigmoid", "relu"], value="tanh",
                                   description="activation"),
    }
    return Explorer(controls, compute_residual, plot_residual, start=start)
