"""Plateaus: a deep sigmoid net sits at the loss of a constant guess for a while, then learns.

Vanishing gradients make the first layers learn slowly. In a deep net this shows up as a
*plateau*: the output layer quickly learns the class frequencies (the best guess that ignores the
input), and the loss then stays at that level, ``chance_loss``, until the hidden layers find
features; then it falls. This module measures that story:

- ``chance_loss``: the loss of predicting the class frequencies for every example;
- ``plateau_end``: the first step at which a loss curve has clearly left that level;
- ``train_with_speeds``: an ordinary ``train`` run (of a copy of the net) that also records
  Nielsen's *speed of learning* of every hidden layer (the norm of the bias gradient on the
  whole training set) at regular checkpoints;
- ``sweep_plateaus``: when the plateau ends, across depths, learning rates and seeds (the nets
  of one depth train together, ``lockstep.train_lockstep``: the numbers of separate ``train``
  calls in a fraction of the time); with ``balance=True``, the control that separates "small
  gradients" from "deep nets just need longer": every layer gets a step scaled up by how much
  slower it learns at initialization (``balancing_rates``).

Examples
--------
>>> import numpy as np
>>> round(chance_loss(np.array([0, 1, 1, 0]), "cross_entropy"), 4)  # ln 2
0.6931
>>> plateau_end(np.array([3.0, 3.0, 1.0, 1.0]), level=2.0, window=2)
4
"""
import copy
from dataclasses import dataclass

import numpy as np

from .._validation import check_choice, check_int
from ..mlp import MLP
from ..stored import reusable
from ..train import History, train
from .lockstep import LOSSES, train_lockstep

__all__ = ["chance_loss", "plateau_end", "SpeedRecord", "train_with_speeds", "PlateauSweep",
           "balancing_rates", "sweep_plateaus"]

def chance_loss(y, loss="sigmoid_cross_entropy", n_classes=None):
    """The loss of the best constant guess: every example gets the class frequencies of ``y``.

    A net that ignores its input can reach this level and no lower. With one sigmoid per class
    (``"sigmoid_cross_entropy"``) it is the sum over classes of the two-outcome entropy
    ``-(p ln p + (1 - p) ln(1 - p))``; with a softmax (``"cross_entropy"``) it is the entropy
    ``-sum p ln p`` (``ln 10`` for ten equally frequent classes).

    Parameters
    ----------
    y : ndarray (N,), integer labels
    loss : {"sigmoid_cross_entropy", "cross_entropy"}
    n_classes : int or None (``y.max() + 1``)

    Returns
    -------
    float

    Examples
    --------
    >>> round(chance_loss(np.arange(10)), 4)  # ten classes of 1/10 each: 10 * H(0.1)
    3.2508
    """
    check_choice(loss, "loss", "chance_loss", tuple(LOSSES))
    y = np.asarray(y).astype(int)
    p = np.bincount(y, minlength=n_classes or 0) / y.size
    p = p[p > 0]  # a class that never occurs costs nothing (0 ln 0 = 0)
    if loss == "cross_entropy":
        return float(-np.sum(p * np.log(p)))
    q = p[p < 1]
    return float(-np.sum(q * np.log(q) + (1 - q) * np.log(1 - q)))


def plateau_end(loss, level, window=20):
    """The first step at which the mean of the last ``window`` losses is below ``level``.

    Parameters
    ----------
    loss : ndarray (steps,), a loss curve (e.g. ``History.loss``)
    level : float, e.g. ``0.9 * chance_loss(y)``: the curve has clearly left the plateau
    window : int, steps averaged (mini-batch losses are noisy)

    Returns
    -------
    int, the step count at the end of that window (``window`` .. ``steps``), or -1 if the
    curve never gets there.
    """
    window = check_int(window, "window", "plateau_end", low=1)
    loss = np.asarray(loss, dtype=float)
    if loss.size < window:
        return -1
    means = np.convolve(loss, np.ones(window) / window, mode="valid")
    below = np.flatnonzero(means < level)
    return int(below[0]) + window if below.size else -1


def _speeds(net, X, y, loss):
    """Nielsen's speed of every hidden layer: ``||dLoss/db_l||`` on all of ``X``."""
    return net.loss_and_grads(X, y, loss=loss)[1].db_norms[:-1]


@dataclass
class SpeedRecord:
    """A training run with Nielsen's speeds measured on the whole training set at checkpoints.

    Attributes
    ----------
    steps : ndarray (n_checkpoints,), the step count at each checkpoint (0 = before training)
    speeds : ndarray (n_checkpoints, n_hidden), ``||dLoss/db_l||`` per hidden layer
    history : train.History, every step of the run (mini-batch values)
    snapshots : dict step -> MLP, copies of the net taken at the requested steps
    net : MLP, the net at the end of the run
    """

    steps: np.ndarray
    speeds: np.ndarray
    history: History
    snapshots: dict
    net: MLP


@reusable
def train_with_speeds(net, X, y, steps, every, lr, batch_size, rng,
                      loss="sigmoid_cross_entropy", snapshot_at=()):
    """``train`` a copy of the net, measuring every hidden layer's speed every ``every`` steps.

    The run is exactly ``train(net.copy(), X, y, steps, lr, batch_size, loss, rng=rng)``: it is
    cut into pieces of ``every`` steps that share the generator, and between the pieces the
    speeds are measured on all of ``X`` (as Nielsen does), which changes nothing in the net.
    ``net`` and ``rng`` are left as they were (the run draws from a copy of ``rng``), so the
    result depends on the arguments alone and a lesson may read it back (``vgteach.stored``);
    the trained net is the result's ``net``.

    Parameters
    ----------
    net : MLP
    X, y : training data (N, D) and integer labels (N,)
    steps, every : int, ``steps`` a multiple of ``every``
    lr : float; batch_size : int; rng : numpy.random.Generator
    loss : {"sigmoid_cross_entropy", "cross_entropy"}
    snapshot_at : steps (multiples of ``every``) at which to keep a copy of the net

    Returns
    -------
    SpeedRecord
    """
    steps = check_int(steps, "steps", "train_with_speeds", low=1)
    every = check_int(every, "every", "train_with_speeds", low=1, high=steps)
    check_choice(loss, "loss", "train_with_speeds", tuple(LOSSES))
    if steps % every:
        raise ValueError(f"train_with_speeds needs 'steps' ({steps}) to be a multiple of "
                         f"'every' ({every}).")
    net, rng = net.copy(), copy.deepcopy(rng)  # the caller's generator stays where it was
    marks = np.arange(0, steps + 1, every)
    speeds, pieces, snapshots = [_speeds(net, X, y, loss)], [], {}
    for done in marks[:-1]:
        if done in snapshot_at:
            snapshots[int(done)] = net.copy()
        pieces.append(train(net, X, y, steps=every, lr=lr, batch_size=batch_size, loss=loss,
                            rng=rng))
        speeds.append(_speeds(net, X, y, loss))
    if steps in snapshot_at:
        snapshots[steps] = net.copy()
    history = History(**{name: np.concatenate([getattr(p, name) for p in pieces])
                         for name in History.__dataclass_fields__})
    return SpeedRecord(steps=marks, speeds=np.array(speeds), history=history,
                       snapshots=snapshots, net=net)


def balancing_rates(net, X, y, lr, loss="sigmoid_cross_entropy"):
    """Per-layer SGD rates that make every hidden layer start at the speed of the last one.

    Layer ``l``'s rate is ``lr * speed[-1] / speed[l]``, with Nielsen's speeds of the hidden
    layers (``||dLoss/db_l||`` on all of ``X``) at the net's current weights; the last hidden
    layer and the output layer keep ``lr``. A layer whose error terms are 100x smaller than the
    last hidden layer's takes 100x larger steps: the product of slopes is undone layer by
    layer, and nothing else about the net changes.

    Parameters
    ----------
    net : MLP (its current weights set the speeds)
    X, y : ndarray (N, D), integer labels (N,)
    lr : float, the rate of the last hidden layer and the output layer
    loss : {"sigmoid_cross_entropy", "cross_entropy"}

    Returns
    -------
    ndarray (L,), one rate per layer (hidden layers first, the output layer last)
    """
    check_choice(loss, "loss", "balancing_rates", tuple(LOSSES))
    speeds = _speeds(net, X, y, loss)
    return lr * np.r_[speeds[-1] / speeds, 1.0]


@dataclass
class PlateauSweep:
    """When the plateau ends, for every depth x learning rate x seed of ``sweep_plateaus``.

    Attributes
    ----------
    depths, lrs, seeds : tuples of the settings (axis 0, 1, 2 of the arrays)
    end : ndarray of int (n_depths, n_lrs, n_seeds), ``plateau_end`` of each run, -1 if the
        plateau did not end within ``steps``
    level : float, the loss level that counts as having left the plateau
    steps : int, the longest any run was trained
    loss : ndarray (n_depths, n_lrs, n_seeds, steps), the mini-batch loss curves; NaN after a
        run stopped (each run stops when its plateau ends)
    balanced : bool, were the rates per layer (``balancing_rates``)?
    """

    depths: tuple
    lrs: tuple
    seeds: tuple
    end: np.ndarray
    level: float
    steps: int
    loss: np.ndarray
    balanced: bool = False

    @property
    def ended(self):
        """ndarray of bool, same shape as ``end``: did the plateau end within ``steps``?"""
        return self.end >= 0


@reusable
def sweep_plateaus(X, y, depths=(1, 2, 3, 4), lrs=(0.5, 1.5), seeds=(0, 1, 2), steps=3000,
                   width=30, batch_size=50, activation="sigmoid", init="lecun",
                   loss="sigmoid_cross_entropy", level_share=0.9, window=20, balance=False):
    """Train a net of every depth at every learning rate and seed until its plateau ends.

    Each run is ``train(MLP([D] + [width] * depth + [C], activation, init, seed=seed), X, y,
    steps, lr, batch_size, loss, rng=np.random.default_rng(seed))``, stopped at
    ``plateau_end(loss curve, level_share * chance_loss(y, loss), window)`` or after ``steps``.
    The runs of one depth train together (``lockstep.train_lockstep``), with the numbers of the
    separate ``train`` calls. With ``balance=True`` each run's layers get the rates
    ``balancing_rates(net, X, y, lr, loss)`` instead of one rate ``lr``.

    Parameters
    ----------
    X, y : ndarray (N, D) training inputs, integer labels (N,)
    depths : hidden-layer counts; lrs : learning rates; seeds : initializations (and batches)
    steps : int, the most steps any run gets
    width, batch_size : int
    activation, init : as for ``MLP``
    loss : {"sigmoid_cross_entropy", "cross_entropy"}
    level_share : float, the plateau has ended when the loss is below this share of chance
    window : int, steps averaged by ``plateau_end``
    balance : bool, give every layer its own rate (``balancing_rates``): the control

    Returns
    -------
    PlateauSweep
    """
    steps = check_int(steps, "steps", "sweep_plateaus", low=1)
    check_choice(loss, "loss", "sweep_plateaus", tuple(LOSSES))
    X, y = np.asarray(X, dtype=float), np.asarray(y).astype(int)
    n_classes = int(y.max()) + 1
    level = level_share * chance_loss(y, loss, n_classes)
    depths, lrs, seeds = tuple(depths), tuple(lrs), tuple(seeds)
    shape = (len(depths), len(lrs), len(seeds))
    end, curves = np.full(shape, -1), np.full(shape + (steps,), np.nan)
    for i, depth in enumerate(depths):
        sizes = [X.shape[1]] + [width] * depth + [n_classes]
        nets = [MLP(sizes, activation=activation, init=init, seed=s) for _ in lrs for s in seeds]
        rngs = [np.random.default_rng(s) for _ in lrs for s in seeds]
        rates = [lr for lr in lrs for _ in seeds]
        if balance:
            rates = [balancing_rates(net, X, y, lr, loss) for net, lr in zip(nets, rates)]
        run = train_lockstep(nets, rates, rngs, X, y, steps, batch_size, loss,
                             stop_level=level, window=window)
        end[i] = run.stopped.reshape(shape[1:])
        curves[i] = run.loss.T.reshape(shape[1:] + (steps,))
    return PlateauSweep(depths, lrs, seeds, end, float(level), steps, curves, bool(balance))
