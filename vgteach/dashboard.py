"""A training dashboard: real short training runs, summarised the way a practitioner checks them.

Choose depth, activation, initializer, normalization and optimizer; ``compute_dashboard`` trains
a small net on a fixed 2-D task (two concentric circles) for ``steps`` updates and records the
loss curve, the per-layer error-term norms ``||delta_l||`` at the first and last step, the
per-layer update:data ratio, and the share of saturated hidden units. ``plot_dashboard`` draws
three panels; ``explore_dashboard`` wires widgets to both (STYLE rule 1).

Examples
--------
>>> r = compute_dashboard(depth=3, steps=5)
>>> r.loss.shape, r.grad_norms_start.shape
((5,), (4,))
"""
import time
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np

from . import activations, data, optim
from ._validation import check_choice, check_int
from .mlp import MLP
from .train import train

__all__ = ["DashboardResult", "compute_dashboard", "saturation", "plot_dashboard",
           "explore_dashboard", "DEFAULT_LR"]

#: learning rates that train the default net without diverging (plain SGD needs a larger one)
DEFAULT_LR = {"sgd": 0.5, "momentum": 0.1, "rmsprop": 0.003, "adam": 0.003}
INITS = ("xavier", "he", "lecun", "orthogonal", "normal")
#: a unit counts as saturated where its slope is below this share of the activation's peak slope
SATURATION_SHARE = 0.1


@dataclass
class DashboardResult:
    """What one dashboard run measured (layers numbered from 1 = next to the input).

    Attributes
    ----------
    settings : dict of the inputs
    loss : ndarray (steps,), mini-batch cross-entropy before each step
    grad_norms_start, grad_norms_end : ndarray (L,), ``||delta_l||`` at the first / last step
    update_ratio : ndarray (L,), mean ``||dW|| / ||W||`` per step over the run
    saturation : ndarray (L-1,), % of hidden units (over the batch) with a near-zero slope at
        the end
    ms_per_step : float, wall-clock time of one training step (forward, backward, update)
    """

    settings: dict
    loss: np.ndarray
    grad_norms_start: np.ndarray
    grad_norms_end: np.ndarray
    update_ratio: np.ndarray
    saturation: np.ndarray
    ms_per_step: float
    baseline: float = field(default=float(np.log(2)))

    @property
    def first_to_last(self):
        """``||delta_1|| / ||delta_L||`` at the first step."""
        return float(self.grad_norms_start[0] / self.grad_norms_start[-1])


def saturation(net, X):
    """% of hidden units per layer whose slope ``f'(z)`` is below 10% of the peak slope.

    For sigmoid (peak 0.25) that is ``f' < 0.025`` (|z| > about 3.6); for tanh ``|z| > 1.8``;
    for ReLU it counts inactive units (``z <= 0``), where about half is normal. Returns ndarray
    (L-1,) in percent; ``X`` is (N, sizes[0]). Uses the training-mode forward pass.
    """
    _, f_prime = activations.get(net.activation)
    peak = float(np.max(f_prime(np.linspace(-1.0, 1.0, 201))))
    trace = net._forward(X, train=True)[0]
    return np.array([100.0 * np.mean(f_prime(z) < SATURATION_SHARE * peak)
                     for z in trace.z[:-1]])


def _task(n, seed):
    rng = np.random.default_rng(1000 + seed)
    X, y = data.circles(n, noise=0.08, factor=0.5, rng=rng)
    return X, np.asarray(y, dtype=int)


def compute_dashboard(depth=6, activation="sigmoid", init="xavier", norm="none",
                      optimizer="sgd", steps=100, width=32, lr=None, batch=128, seed=0):
    """Train a ``depth``-hidden-layer net of ``width`` units on two circles; measure it.

    Parameters
    ----------
    depth : int, hidden layers (1..40)
    activation : str, hidden activation
    init : {"xavier", "he", "lecun", "orthogonal", "normal"} ("normal" means std 0.01)
    norm : {"none", "batch"}
    optimizer : {"sgd", "momentum", "rmsprop", "adam"}
    steps : int, training updates (mini-batches of ``batch`` from 512 points)
    lr : float or None (``DEFAULT_LR[optimizer]``)

    Returns
    -------
    DashboardResult
    """
    depth = check_int(depth, "depth", "compute_dashboard", low=1, high=40)
    steps = check_int(steps, "steps", "compute_dashboard", low=1, high=2000)
    check_choice(norm, "norm", "compute_dashboard", ("none", "batch"))
    check_choice(init, "init", "compute_dashboard", INITS)
    check_choice(optimizer, "optimizer", "compute_dashboard", tuple(DEFAULT_LR))
    lr = DEFAULT_LR[optimizer] if lr is None else float(lr)
    rng = np.random.default_rng(seed)
    X, y = _task(512, seed)
    net = MLP([2] + [width] * depth + [2], activation=activation, init=init, seed=rng,
              norm=None if norm == "none" else "batch")
    start = time.perf_counter()
    hist = train(net, X, y, steps=steps, batch_size=batch, loss="cross_entropy",
                 optimizer=optim.make_optimizer(optimizer, lr=lr), rng=rng)
    ms = 1000.0 * (time.perf_counter() - start) / steps
    settings = dict(depth=depth, activation=activation, init=init, norm=norm,
                    optimizer=optimizer, steps=steps, width=width, lr=lr, seed=seed)
    return DashboardResult(settings, hist.loss, hist.delta_norms[0], hist.delta_norms[-1],
                           hist.update_ratio.mean(axis=0), saturation(net, X[:batch]), ms)


def _three_axes(ax):
    if ax is None:
        fig = plt.figure(figsize=(11, 3.6), layout="constrained")
    elif isinstance(ax, plt.Figure):
        fig = ax
    else:  # one Axes given (e.g. by widgets.Explorer): split its figure into three panels
        fig = ax.figure
        ax.remove()
    return fig.subplots(1, 3)


def plot_dashboard(result, ax=None):
    """Three panels: loss curve, ``||delta_l||`` per layer (log), saturation % per layer.

    ``ax`` may be None (new figure), a Figure, or one Axes whose figure is split into three.
    Returns the array of three Axes.
    """
    axes = _three_axes(ax)
    s = result.settings
    axes[0].plot(result.loss, label="training loss")
    axes[0].axhline(result.baseline, color="0.5", linestyle=":", label="chance (log 2)")
    axes[0].set(xlabel="training step", ylabel="cross-entropy", title="Loss")
    axes[0].legend(fontsize="small")
    layer_ids = np.arange(1, result.grad_norms_start.size + 1)
    for norms, label in [(result.grad_norms_start, "step 1"), (result.grad_norms_end,
                                                               f"step {s['steps']}")]:
        axes[1].semilogy(layer_ids, np.where(norms > 0, norms, np.nan), marker="o", label=label)
    axes[1].set(xlabel="layer l (1 = next to the input)", ylabel=r"$\|\delta_l\|$ (log)",
                title="Gradient size per layer")
    axes[1].legend(fontsize="small")
    bars = axes[2].bar(np.arange(1, result.saturation.size + 1), result.saturation, color="C3")
    # label every bar, so an all-0% panel reads as "none saturated" rather than "empty"
    axes[2].bar_label(bars, labels=[f"{v:.0f}%" for v in result.saturation], fontsize=7)
    axes[2].set(xlabel="hidden layer", ylabel="% units with slope < 10% of peak", ylim=(0, 100),
                title="Saturation at the end")
    axes[0].figure.suptitle(
        f"{s['depth']} × {s['activation']}, {s['init']} init, norm={s['norm']}, "
        f"{s['optimizer']} (lr {s['lr']:g}): {result.ms_per_step:.1f} ms per step", fontsize=10)
    return axes


def explore_dashboard():
    """Explorer: depth × activation × init × normalization × optimizer -> a real training run."""
    import ipywidgets as widgets

    from .widgets import Explorer

    def dropdown(options, value, description):
        return widgets.Dropdown(options=list(options), value=value, description=description,
                                layout=widgets.Layout(width="220px"))

    controls = {
        "depth": widgets.IntSlider(value=8, min=1, max=20, step=1, description="hidden layers",
                                   continuous_update=False,
                                   style={"description_width": "initial"}),
        "activation": dropdown(["sigmoid", "tanh", "relu", "leaky_relu"], "sigmoid",
                               "activation"),
        "init": dropdown(INITS, "xavier", "init"),
        "norm": dropdown(["none", "batch"], "none", "norm"),
        "optimizer": dropdown(DEFAULT_LR, "sgd", "optimizer"),
        "steps": widgets.IntSlider(value=100, min=20, max=300, step=20, description="steps",
                                   continuous_update=False,
                                   style={"description_width": "initial"}),
    }
    return Explorer(controls, compute_dashboard, plot_dashboard, figsize=(11, 3.8),
                    height="430px")
