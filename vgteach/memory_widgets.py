"""Explorers for lessons 8-9 (LSTM gating, residual connections), built like ``widgets``:
``compute_x`` is pure and returns a dataclass, ``plot_x(result, ax=None) -> ax`` draws it,
``explore_x()`` wires controls to both through ``widgets.Explorer``.
"""
from dataclasses import dataclass

import ipywidgets as ipw
import numpy as np

from . import plots
from .residual import deep_mlp, spirals
from .train import train
from .widgets import Explorer, _slider

__all__ = ["ResidualView", "compute_residual", "plot_residual", "explore_residual"]


# ---------------------------------------------------------------- residual explorer
@dataclass
class ResidualView:
    """Per-layer error-term norms at init and a short training-loss curve of one deep net."""

    depth: int
    skip: bool
    activation: str
    delta_norms: np.ndarray
    loss: np.ndarray

    @property
    def first_to_last(self):
        """``||delta_1|| / ||delta_L||`` at init: far below 1 means vanishing."""
        return float(self.delta_norms[0] / self.delta_norms[-1])


def compute_residual(depth=30, skip=True, activation="tanh", steps=60, n=90, seed=0):
    """Build a ``depth``-layer net (``residual.deep_mlp``) on 3-class spirals, record its
    per-layer ``||delta_l||`` at init, then train it with Adam (lr 0.01) for ``steps`` steps."""
    X, y = spirals(n, rng=np.random.default_rng(seed))
    net = deep_mlp(depth, residual=skip, activation=activation, seed=seed)
    _, grads = net.loss_and_grads(X, y, loss="cross_entropy")
    hist = train(net, X, y, steps=steps, lr=0.01, loss="cross_entropy", optimizer="adam")
    return ResidualView(depth, bool(skip), activation, grads.delta_norms, hist.loss)


def plot_residual(view, ax=None):
    """Gradient norms per layer (log axis) with the loss curve in an inset."""
    ax = plots.plot_layer_norms(view.delta_norms, ax=ax, label="at init")
    kind = "residual" if view.skip else "plain"
    ax.set_title(f"{kind}, {view.depth} hidden {view.activation} layers: ||delta_1||/||delta_L|| "
                 f"= {view.first_to_last:.2g}, final loss {view.loss[-1]:.3f}", fontsize="small")
    inset = ax.inset_axes([0.62, 0.12, 0.35, 0.35])
    inset.plot(view.loss)
    inset.set_ylim(0, max(1.5, float(np.nanmax(view.loss[np.isfinite(view.loss)], initial=0))))
    inset.set_xlabel("step", fontsize="x-small")
    inset.set_ylabel("train loss", fontsize="x-small")
    inset.tick_params(labelsize="x-small")
    return ax


def explore_residual():
    """Explorer: depth, skip on/off, activation -> gradient size per layer and a short run."""
    controls = {
        "depth": _slider("int", 30, 2, 40, 1, "hidden layers", continuous_update=False),
        "skip": ipw.Checkbox(value=True, description="skip connections"),
        "activation": ipw.Dropdown(options=["tanh", "sigmoid", "relu"], value="tanh",
                                   description="activation"),
    }
    return Explorer(controls, compute_residual, plot_residual)
