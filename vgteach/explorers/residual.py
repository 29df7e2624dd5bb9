"""The residual explorer (lesson 9): a deep net with and without skip connections."""
import ipywidgets as widgets

from ..measure.residual import compute_residual, residual_steps
from ..plots.explorers import ResidualPlot
from .base import Explorer, Precomputed, slider

__all__ = ["explore_residual"]


def explore_residual(**start):
    """Explorer: depth, skip on/off, activation, Adam's learning rate -> gradient size per layer
    and a short run. ``start`` sets starting values, e.g. ``skip=False``.

    The learning rate matters: a deep plain net trains only in a narrow window of rates, a
    residual one in a wide window (lesson 9).

    Each setting trains a net, so results are kept by setting and the settings one move away
    are trained ahead, a few steps at a time, while the learner looks at the plot.
    """
    controls = {
        "depth": slider("int", 30, 2, 40, 1, "hidden layers", continuous_update=False),
        "skip": widgets.Checkbox(value=True, description="skip connections"),
        "activation": widgets.Dropdown(options=["tanh", "sigmoid", "relu"], value="tanh",
                                       description="activation"),
        "lr": widgets.FloatLogSlider(value=0.01, base=10, min=-4, max=-1, step=0.5,
                                     description="Adam learning rate", continuous_update=False,
                                     style={"description_width": "initial"}),
    }
    compute = Precomputed(compute_residual, stepwise=residual_steps)
    return Explorer(controls, compute, ResidualPlot, start=start)
