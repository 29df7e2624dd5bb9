"""The training dashboard (lessons 4 and 6): a real short training run of a choice of depth,
activation, initializer, normalization, optimizer and learning rate, summarised the way a
practitioner checks one."""
import ipywidgets as widgets

from ..measure.dashboard import DEFAULT_LR, INITS, compute_dashboard
from ..plots.explorers import plot_dashboard
from .base import Explorer, slider

__all__ = ["explore_dashboard"]


def _dropdown(options, value, description):
    return widgets.Dropdown(options=list(options), value=value, description=description,
                            layout=widgets.Layout(width="220px"))


def explore_dashboard(**start):
    """Explorer: depth × activation × init × normalization × optimizer × learning rate -> a real
    training run. Changing the optimizer resets the learning rate to that optimizer's usual
    value (``DEFAULT_LR``); ``start`` sets starting values, e.g. ``activation="relu", lr=0.1``.
    """
    controls = {
        "depth": slider("int", 8, 1, 20, 1, "hidden layers", continuous_update=False),
        "activation": _dropdown(["sigmoid", "tanh", "relu", "leaky_relu"], "sigmoid",
                                "activation"),
        "init": _dropdown(INITS, "xavier", "init"),
        "norm": _dropdown(["none", "batch"], "none", "norm"),
        "optimizer": _dropdown(DEFAULT_LR, "sgd", "optimizer"),
        "lr": widgets.FloatLogSlider(value=DEFAULT_LR["sgd"], base=10, min=-4, max=0, step=0.25,
                                     description="learning rate", continuous_update=False,
                                     style={"description_width": "initial"}),
        "steps": slider("int", 100, 20, 300, 20, "steps", continuous_update=False),
    }

    def reset_lr(change):
        controls["lr"].value = DEFAULT_LR[change["new"]]

    # registered before the Explorer's own observers, so the new rate is in place first
    controls["optimizer"].observe(reset_lr, names="value")
    return Explorer(controls, compute_dashboard, plot_dashboard, figsize=(11, 3.8),
                    height="430px", start=start)
