"""Interactive explorers, each built from three parts (STYLE rule 1):

* ``compute_<x>(...)``: pure, returns a small dataclass of arrays (tested directly);
* ``plot_<x>(result, ax=None) -> ax``: draws it;
* ``explore_<x>()``: only wires ipywidgets controls to those two through ``Explorer``.

An ``Explorer`` shows its controls above a fixed-height output; changing a control recomputes
and redraws. Tests drive it by setting ``explorer.controls[name].value`` and reading
``explorer.result`` and ``explorer.n_updates``.
"""
import io
from dataclasses import dataclass

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Image, display

from . import activations, diagnostics, plots
from .mlp import MLP

__all__ = ["Explorer", "ActivationView", "compute_activation", "plot_activation_view",
           "explore_activation", "DepthView", "compute_depth", "plot_depth", "explore_depth"]


class Explorer:
    """Wire ``controls`` (name -> widget) to ``compute(**values)`` and ``plot(result, ax)``.

    Displaying the explorer shows the controls and the plot. ``figsize`` and ``height`` are
    fixed so the page does not jump while a slider moves.
    """

    def __init__(self, controls, compute, plot, figsize=(7, 3.8), height="420px"):
        self.controls = controls
        self._compute, self._plot, self._figsize = compute, plot, figsize
        self.result = None
        self.n_updates = 0
        self.output = widgets.interactive_output(self._update, controls)
        self.output.layout.height = height
        self.widget = widgets.VBox([widgets.HBox(list(controls.values()),
                                                 layout=widgets.Layout(flex_flow="row wrap")),
                                    self.output])

    def _update(self, **values):
        self.result = self._compute(**values)
        fig, ax = plt.subplots(figsize=self._figsize, layout="constrained")
        self._plot(self.result, ax=ax)
        display(Image(_png(fig)))
        plt.close(fig)  # shown as an image; closing keeps memory flat while sliding
        self.n_updates += 1

    def _ipython_display_(self):
        display(self.widget)


def _png(fig):
    """The figure as PNG bytes, drawn once.

    ``display(fig)`` would draw it twice (the inline backend's ``bbox_inches="tight"`` draws
    once to measure); the constrained layout already fits everything inside the figure.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def _slider(kind, value, low, high, step, description, **kw):
    cls = widgets.IntSlider if kind == "int" else widgets.FloatSlider
    return cls(value=value, min=low, max=high, step=step, description=description,
               style={"description_width": "initial"}, **kw)


# ---------------------------------------------------------------- activation explorer
@dataclass
class ActivationView:
    """An activation over a range of ``z``: values, slopes, and where it saturates."""

    name: str
    z: np.ndarray
    f: np.ndarray
    f_prime: np.ndarray
    threshold: float
    saturated_fraction: float
    peak_slope: float
    peak_at: float


def compute_activation(name="sigmoid", z_max=6.0, threshold=0.05, n=401):
    """Evaluate activation ``name`` on ``[-z_max, z_max]``.

    ``saturated_fraction`` is the share of that range where ``f'(z) < threshold``.
    """
    f, fp = activations.get(name)
    z = np.linspace(-z_max, z_max, n)
    slope = fp(z)
    k = int(np.argmax(slope))
    return ActivationView(name, z, f(z), slope, threshold,
                          float(np.mean(slope < threshold)), float(slope[k]), float(z[k]))


def plot_activation_view(view, ax=None):
    """Draw an ActivationView: f, f', and the saturated region shaded."""
    ax = plots.plot_activation(view.name, view.z, ax=ax, saturation=view.threshold)
    ax.set_title(f"{view.name}: peak slope {view.peak_slope:.3g} at z = {view.peak_at:.2g}; "
                 f"{100 * view.saturated_fraction:.0f}% of the range has f' < {view.threshold:g}")
    return ax


def explore_activation():
    """Explorer: pick an activation and a threshold; see where its slope is almost zero."""
    controls = {
        "name": widgets.Dropdown(options=["sigmoid", "tanh", "relu", "leaky_relu"],
                                 value="sigmoid", description="activation"),
        "z_max": _slider("float", 6.0, 1.0, 40.0, 0.5, "z range ±"),
        "threshold": _slider("float", 0.05, 0.01, 0.25, 0.01, "saturated if f' <"),
    }
    return Explorer(controls, compute_activation, plot_activation_view)


# ---------------------------------------------------------------- depth explorer
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


def compute_depth(depth=10, weight_scale=1.0, activation="sigmoid", width=32, batch=64, seed=0):
    """Backprop once through a ``depth``-layer net with weights ~ N(0, (scale**2) / width).

    The inputs are standard normal, the targets are ones, the loss is MSE; what matters is how
    the error term's size changes from the output back to the input. ``saturated_fraction`` is
    the share of all hidden units (over the batch) that are saturated.
    """
    rng = np.random.default_rng(seed)
    net = MLP([width] * (depth + 1) + [1], activation=activation, init="normal",
              std=weight_scale / np.sqrt(width), seed=rng)
    X = rng.normal(size=(batch, width))
    _, grads = net.loss_and_grads(X, np.ones((batch, 1)))
    hidden = np.concatenate([a.ravel() for a in grads.a[1:]])
    saturated = diagnostics.saturation_fraction(hidden, activation)
    return DepthView(activation, depth, weight_scale, grads.delta_norms, saturated)


def plot_depth(view, ax=None):
    """Draw a DepthView on a log axis."""
    ax = plots.plot_layer_norms(view.delta_norms, ax=ax, label=view.activation)
    ax.set_title(f"{view.depth} hidden layers, weight scale {view.weight_scale:g}: "
                 f"||delta_1|| / ||delta_L|| = {view.first_to_last:.2e}, "
                 f"{view.saturated_fraction:.0%} saturated", fontsize="medium")
    return ax


def explore_depth():
    """Explorer: depth, weight scale and activation -> per-layer gradient size (real backprop)."""
    controls = {
        "depth": _slider("int", 10, 1, 40, 1, "hidden layers"),
        "weight_scale": _slider("float", 1.0, 0.1, 16.0, 0.1, "weight scale"),
        "activation": widgets.Dropdown(options=["sigmoid", "tanh", "relu", "leaky_relu"],
                                       value="sigmoid", description="activation"),
    }
    return Explorer(controls, compute_depth, plot_depth)
