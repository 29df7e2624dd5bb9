"""One backward pass through a freshly initialized deep net: how the error term's size changes
from the output back to the input (the depth explorer, lessons 2-5).

Examples
--------
>>> view = compute_depth(depth=10, weight_scale=1.0, activation="sigmoid")
>>> view.delta_norms.shape, bool(view.first_to_last < 1e-2)
((11,), True)
"""
from dataclasses import dataclass

import numpy as np

from ..mlp import MLP
from .._threads import blas_limited
from . import diagnostics

__all__ = ["DepthView", "compute_depth"]


@dataclass
class DepthView:
    """Per-layer error-term norms of one backward pass through a freshly initialized net, and the
    share (0..1) of saturated hidden units (``diagnostics.saturation_fraction``; nan if unknown)."""

    activation: str
    depth: int
    weight_scale: float
    delta_norms: np.ndarray
    saturated_fraction: float = float("nan")

    @property
    def first_to_last(self):
        """``||delta_1|| / ||delta_L||``: below 1 the gradient shrinks toward the input."""
        return float(self.delta_norms[0] / self.delta_norms[-1])


@blas_limited
def compute_depth(depth=10, weight_scale=1.0, activation="sigmoid", width=32, batch=64, seed=0):
    """Backprop once through a ``depth``-layer net with weights ~ N(0, weight_scale**2 / width)
    (``init="lecun"`` with ``gain=weight_scale``).

    The inputs are standard normal, the targets are ones, the loss is MSE; what matters is how
    the error term's size changes from the output back to the input. ``saturated_fraction`` is
    the share of all hidden units (over the batch) that are saturated.
    """
    rng = np.random.default_rng(seed)
    net = MLP([width] * (depth + 1) + [1], activation=activation, init="lecun",
              gain=weight_scale, seed=rng)
    X = rng.normal(size=(batch, width))
    _, grads = net.loss_and_grads(X, np.ones((batch, 1)))
    hidden = np.concatenate([a.ravel() for a in grads.a[1:]])
    saturated = diagnostics.saturation_fraction(hidden, activation)
    return DepthView(activation, depth, weight_scale, grads.delta_norms, saturated)
