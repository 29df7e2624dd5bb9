"""Train several nets of the same shape at once: a sweep over learning rates and seeds in the
time of a few single runs.

A claim about training should hold at other seeds and learning rates, so the lessons rerun each
experiment at several of them. Small nets spend most of a training step on Python and NumPy
overhead, not on arithmetic; stacking the weights of all the runs along a first axis lets one
matrix product serve every run. ``train_lockstep`` does exactly what ``vgteach.train.train``
does with plain SGD for each net (same mini-batches from the same ``rng``, same order of
operations, so the same numbers) and records the same per-step quantities.

Examples
--------
>>> import numpy as np
>>> from vgteach.mlp import MLP
>>> X = np.random.default_rng(0).normal(size=(40, 3)); y = (X[:, 0] > 0).astype(int)
>>> nets = [MLP([3, 8, 2], activation="tanh", seed=s) for s in (0, 1)]
>>> run = train_lockstep(nets, lrs=[0.1, 0.3], X=X, y=y, steps=5, batch_size=10,
...                      rngs=[np.random.default_rng(s) for s in (0, 1)])
>>> run.loss.shape, run.delta_norms.shape
((5, 2), (5, 2, 2))
"""
from dataclasses import dataclass

import numpy as np

from .. import activations, layers
from .._threads import blas_limited
from .._validation import check_choice, check_int
from ..mlp import MLP
from ..stored import reusable

__all__ = ["LOSSES", "LockstepRun", "train_lockstep", "sweep_learning_rates", "train_on"]

#: the classification losses ``train_lockstep`` knows, as in ``MLP.loss_and_grads``
LOSSES = {"sigmoid_cross_entropy": layers.sigmoid_cross_entropy,
          "cross_entropy": layers.softmax_cross_entropy}


@dataclass
class LockstepRun:
    """Per-step records of runs trained together (axis ``runs`` follows the order given).

    Attributes
    ----------
    loss : ndarray (steps, runs), the mini-batch loss before each step; NaN after a run stopped
    delta_norms, dW_norms : ndarray (steps, runs, L), ``||delta_l||`` and ``||dLoss/dW_l||``
    stopped : ndarray of int (runs,), the step count at which a run met its stopping level
        (``train_lockstep``'s ``stop_level``), -1 if it never did
    nets : list of MLP, the trained nets (the ones given, updated in place)
    lrs : ndarray (runs,) or (runs, L), the learning rates as given
    """

    loss: np.ndarray
    delta_norms: np.ndarray
    dW_norms: np.ndarray
    stopped: np.ndarray
    nets: list
    lrs: np.ndarray

    def final_loss(self, last=20):
        """Mean of each run's last ``last`` recorded mini-batch losses, ndarray (runs,)."""
        return np.array([np.mean(v[~np.isnan(v)][-last:]) for v in self.loss.T])


@blas_limited
def train_lockstep(nets, lrs, rngs, X, y, steps, batch_size, loss="cross_entropy",
                   stop_level=None, window=50):
    """Train every net by plain SGD, all at once; the same as one ``train`` call per net.

    Run ``r`` is ``train(nets[r], X, y, steps, lrs[r], batch_size, loss, rng=rngs[r])``. If
    ``stop_level`` is given, a run stops as soon as the mean of its last ``window`` mini-batch
    losses is below it (``plateau.plateau_end`` gives the same step count). A row of ``L``
    rates gives each layer its own: layer ``l``'s weights and biases move by
    ``lrs[r][l]`` times their gradient (plain SGD with a rate per layer).

    Parameters
    ----------
    nets : list of MLP, all with the same sizes and activation (no batch norm, no skips);
        trained in place
    lrs : sequence of float, one learning rate per net; or (runs, L), one per net and layer
    rngs : sequence of numpy.random.Generator, one per net, for its mini-batches
    X : ndarray (N, D); y : ndarray (N,) integer labels
    steps, batch_size : int
    loss : {"cross_entropy", "sigmoid_cross_entropy"}
    stop_level : float or None
    window : int

    Returns
    -------
    LockstepRun
    """
    steps = check_int(steps, "steps", "train_lockstep", low=1)
    batch_size = check_int(batch_size, "batch_size", "train_lockstep", low=1, high=len(X))
    window = check_int(window, "window", "train_lockstep", low=1)
    check_choice(loss, "loss", "train_lockstep", tuple(LOSSES))
    first = nets[0]
    if any(n.sizes != first.sizes or n.activation != first.activation or n.norm or n.residual
           for n in nets):
        raise ValueError("train_lockstep needs nets of one shape and one activation, "
                         "without batch norm or skips.")
    if not len(nets) == len(rngs):
        raise ValueError(f"train_lockstep needs one rng per net ({len(nets)}); got {len(rngs)}.")
    f, _ = activations.get(first.activation)
    slope = activations.PRIME_FROM_OUTPUT[first.activation]
    loss_fn = LOSSES[loss]
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    n_runs, L = len(nets), first.n_layers
    lr = np.asarray(lrs, dtype=float)
    if lr.shape not in ((n_runs,), (n_runs, L)) or not np.all(lr >= 0):
        raise ValueError(f"train_lockstep needs one learning rate per net ({n_runs}) or one per "
                         f"net and layer ({n_runs} x {L}), none negative; got shape {lr.shape}.")
    per_layer = lr if lr.ndim == 2 else np.repeat(lr[:, None], L, axis=1)
    W = [np.stack([net.weights[l] for net in nets]) for l in range(L)]
    b = [np.stack([net.biases[l] for net in nets])[:, None, :] for l in range(L)]
    losses = np.full((steps, n_runs), np.nan)
    delta_norms = np.full((steps, n_runs, L), np.nan)
    dW_norms = np.full((steps, n_runs, L), np.nan)
    stopped = np.full(n_runs, -1)
    live = np.arange(n_runs)  # the runs still training; row i of W[l] belongs to run live[i]
    for t in range(steps):
        idx = np.stack([rngs[r].choice(len(X), batch_size, replace=False) for r in live])
        a = [X[idx]]
        for l in range(L - 1):
            a.append(f(a[-1] @ W[l] + b[l]))
        out = a[-1] @ W[-1] + b[-1]
        delta = np.empty_like(out)
        for i, r in enumerate(live):
            losses[t, r], delta[i] = loss_fn(out[i], y[idx[i]])
        for l in range(L - 1, -1, -1):
            rate = per_layer[live, l, None, None]
            dW, db = a[l].transpose(0, 2, 1) @ delta, delta.sum(axis=1, keepdims=True)
            delta_norms[t, live, l] = np.sqrt(np.sum(delta * delta, axis=(1, 2)))
            dW_norms[t, live, l] = np.sqrt(np.sum(dW * dW, axis=(1, 2)))
            if l:
                delta = (delta @ W[l].transpose(0, 2, 1)) * slope(a[l])
            W[l] -= rate * dW
            b[l] -= rate * db
        if stop_level is not None and t + 1 >= window:
            done = np.mean(losses[t + 1 - window:t + 1, live], axis=0) < stop_level
            if done.any():
                stopped[live[done]] = t + 1
                _write_back(nets, live[done], W, b, done)
                W, b, live = [w[~done] for w in W], [v[~done] for v in b], live[~done]
                if live.size == 0:
                    break
    _write_back(nets, live, W, b, np.ones(live.size, dtype=bool))
    return LockstepRun(losses, delta_norms, dW_norms, stopped, list(nets), lr)


def _write_back(nets, runs, W, b, rows):
    """Copy the stacked weights of ``rows`` back into the nets of ``runs``."""
    for r, i in zip(runs, np.flatnonzero(rows)):
        nets[r].weights = [w[i].copy() for w in W]
        nets[r].biases = [v[i, 0].copy() for v in b]


@reusable
def sweep_learning_rates(sizes, activation, init, lrs, seed, X, y, steps, batch_size=50,
                         loss="cross_entropy"):
    """One net per learning rate, all from the same initialization and the same mini-batches.

    Run ``j`` is ``train(MLP(sizes, activation, init, seed=seed), X, y, steps, lrs[j],
    batch_size, loss, rng=np.random.default_rng(seed))``, so the runs differ only in their
    learning rate.

    Returns
    -------
    LockstepRun
    """
    nets = [MLP(sizes, activation=activation, init=init, seed=seed) for _ in lrs]
    rngs = [np.random.default_rng(seed) for _ in lrs]
    return train_lockstep(nets, lrs, rngs, X, y, steps, batch_size, loss)


@reusable
def train_on(run, lr, X, y, steps, seed, which=None, batch_size=50, loss="cross_entropy"):
    """Go on training copies of ``run``'s nets at a new learning rate (``run`` is unchanged).

    Run ``j`` continues ``run.nets[j]`` with fresh mini-batches from
    ``np.random.default_rng([seed, j])``: e.g. a few hundred steps at a small rate after a run
    at a rate that was too large, to see whether the damage lasts.

    Parameters
    ----------
    run : LockstepRun
    lr : float, the new learning rate
    X, y, steps : as for ``train_lockstep``
    seed : int, for the new mini-batches
    which : sequence of int or None, the runs to continue (default all), e.g. ``[-1]``

    Returns
    -------
    LockstepRun of the continued copies, in the order of ``which``
    """
    which = range(len(run.nets)) if which is None else [j % len(run.nets) for j in which]
    nets = [run.nets[j].copy() for j in which]
    rngs = [np.random.default_rng([seed, j]) for j in which]
    return train_lockstep(nets, [lr] * len(nets), rngs, X, y, steps, batch_size, loss)
