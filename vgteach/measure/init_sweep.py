"""Train one deep architecture from several initializations over a range of learning rates
(lesson 5: He et al.'s "Xavier stalls a 30-layer ReLU net").

A claim such as "init A trains and init B stalls" must survive the setting a skeptic varies first,
the learning rate: B's small gradients might only need larger steps, and A might train only in a
window of rates. ``sweep_inits`` runs every (init, learning rate) pair with the same net draw per
init and the same mini-batches, and records what explains the outcome: the error-term ratio at
the first step and the share of dead units before and after training.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> X, y = rng.normal(size=(60, 4)), rng.integers(0, 3, size=60)
>>> s = sweep_inits(["xavier", "he"], [0.01, 0.1], [4, 8, 8, 3], X, y, steps=5, batch_size=20)
>>> s.loss.shape, s.final_loss().shape
((2, 2, 5), (2, 2))
"""
from dataclasses import dataclass

import numpy as np

from .. import optim
from .._validation import check_int
from ..mlp import MLP
from ..stored import reusable
from ..train import train
from . import diagnostics

__all__ = ["InitSweep", "sweep_inits"]


@dataclass
class InitSweep:
    """Training runs of one architecture, one per (init, learning rate).

    Attributes
    ----------
    inits : tuple of str
    lrs : ndarray (R,)
    loss : ndarray (I, R, steps), the mini-batch cross-entropy before each step (NaN after a
        run diverged)
    first_to_last : ndarray (I,), ``||delta_1|| / ||delta_L||`` at the first step
    dead_before : ndarray (I,), share of dead hidden units (``diagnostics.dead_fraction``,
        averaged over layers) at initialization
    dead_after : ndarray (I, R), the same after training (NaN if the run diverged)
    chance : float, the cross-entropy of predicting every class equally, ``ln(classes)``
    """

    inits: tuple
    lrs: np.ndarray
    loss: np.ndarray
    first_to_last: np.ndarray
    dead_before: np.ndarray
    dead_after: np.ndarray
    chance: float

    def final_loss(self, last=10):
        """Mean of each run's last ``last`` mini-batch losses, ndarray (I, R) (NaN if it
        diverged)."""
        return self.loss[:, :, -last:].mean(axis=2)

    def row(self, init):
        """Index of ``init`` in the first axis."""
        return self.inits.index(init)


@reusable
def sweep_inits(inits, lrs, sizes, X, y, activation="relu", steps=150, batch_size=128,
                momentum=0.9, seed=0):
    """Train ``MLP(sizes, activation, init)`` with momentum SGD and softmax cross-entropy for
    every init and learning rate.

    Parameters
    ----------
    inits : sequence of str, names in ``vgteach.initializers.INITIALIZERS`` (or callables)
    lrs : sequence of float, learning rates
    sizes : sequence of int, layer widths from input to output (``sizes[-1]`` classes)
    X : ndarray (N, sizes[0]); y : ndarray of int (N,), class labels
    activation : str
    steps : int, updates per run
    batch_size : int
    momentum : float, the heavy-ball coefficient of ``optim.Momentum``
    seed : int; every init draws its net from ``seed`` (one draw per init, shared by all its
        learning rates) and every run samples the same mini-batches from ``seed + 1``

    Returns
    -------
    InitSweep
    """
    steps = check_int(steps, "steps", "sweep_inits", 1, 100_000)
    inits, lrs = tuple(inits), np.asarray(lrs, dtype=float)
    loss = np.full((len(inits), lrs.size, steps), np.nan)
    first, dead0, dead1 = np.zeros(len(inits)), np.zeros(len(inits)), np.full(loss.shape[:2], np.nan)
    for i, init in enumerate(inits):
        start = MLP(sizes, activation=activation, init=init, seed=seed)
        dead0[i] = diagnostics.dead_fraction(diagnostics.hidden_activations(start, X)).mean()
        for r, lr in enumerate(lrs):
            net = start.copy()
            with np.errstate(all="ignore"):  # a diverging run is a result, not an error
                hist = train(net, X, y, steps=steps, batch_size=batch_size,
                             loss="cross_entropy", rng=np.random.default_rng(seed + 1),
                             optimizer=optim.Momentum(lr=float(lr), beta=momentum))
            loss[i, r] = np.where(np.isfinite(hist.loss), hist.loss, np.nan)
            first[i] = hist.delta_norms[0, 0] / hist.delta_norms[0, -1]
            if np.all(np.isfinite(hist.loss)) and all(np.isfinite(W).all() for W in net.weights):
                dead1[i, r] = diagnostics.dead_fraction(
                    diagnostics.hidden_activations(net, X)).mean()
    return InitSweep(inits, lrs, loss, first, dead0, dead1, float(np.log(sizes[-1])))
