"""A training dashboard: real short training runs, summarised the way a practitioner checks them.

Choose depth, activation, initializer, normalization, optimizer and learning rate; ``compute_dashboard`` trains
a small net on a fixed 2-D task (two concentric circles) for ``steps`` updates and records the
loss curve, the per-layer error-term norms ``||delta_l||`` at the first and last step, the
per-layer update:data ratio, and the share of saturated hidden units.
``vgteach.plots.plot_dashboard`` draws it in three panels and
``vgteach.explorers.explore_dashboard`` wires widgets to both (STYLE rule 1).

Examples
--------
>>> r = compute_dashboard(depth=3, steps=5)
>>> r.loss.shape, r.grad_norms_start.shape
((5,), (4,))
"""
import time
from dataclasses import dataclass, field

import numpy as np

from .. import activations, data, optim
from .._validation import check_choice, check_int
from ..mlp import MLP
from ..train import train
from . import diagnostics

__all__ = ["DashboardResult", "compute_dashboard", "saturation", "DEFAULT_LR", "INITS"]

#: learning rates that train the default net without diverging (plain SGD needs a larger one)
DEFAULT_LR = {"sgd": 0.5, "momentum": 0.1, "rmsprop": 0.003, "adam": 0.003}
INITS = ("xavier", "he", "lecun", "orthogonal", "normal")
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
    """% of hidden units per layer that are saturated (``diagnostics.saturated_slope``: slope
    below 10% of the peak; for ReLU, inactive), over the examples ``X`` (N, sizes[0]).
    Returns ndarray (L-1,) in percent. Uses the training-mode forward pass (batch statistics),
    and the slopes ``f'(z)`` themselves, so it also holds for nets with skips.
    """
    _, f_prime = activations.get(net.activation)
    zs = net.trace(X, train=True).z[:-1]
    return np.array([100.0 * np.mean(diagnostics.saturated_slope(f_prime(z), net.activation))
                     for z in zs])


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
