"""A training loop that records what a teacher wants to show at every step.

Examples
--------
>>> import numpy as np
>>> from vgteach.mlp import MLP
>>> rng = np.random.default_rng(0)
>>> X = rng.normal(size=(64, 2)); y = (X[:, :1] * X[:, 1:]) > 0
>>> hist = train(MLP([2, 8, 1], activation="tanh"), X, y.astype(float), steps=5, rng=rng)
>>> hist.delta_norms.shape
(5, 2)
"""
from dataclasses import dataclass

import numpy as np

from . import optim
from ._validation import check_int

__all__ = ["History", "train"]


@dataclass
class History:
    """Per-step records of a training run (row ``t`` is step ``t``; columns are layers).

    Attributes
    ----------
    loss : ndarray (steps,), the mini-batch loss before the step
    delta_norms, dW_norms, db_norms : ndarray (steps, L)
    update_ratio : ndarray (steps, L), ``||W_new - W_old|| / ||W_old||`` per weight matrix
    grad_norm : ndarray (steps,), global gradient norm before clipping
    """

    loss: np.ndarray
    delta_norms: np.ndarray
    dW_norms: np.ndarray
    db_norms: np.ndarray
    update_ratio: np.ndarray
    grad_norm: np.ndarray


def train(net, X, y, steps=100, lr=0.1, batch_size=None, loss="mse", optimizer=None,
          clip=None, rng=None):
    """Train ``net`` in place by mini-batch gradient descent and record every step.

    Parameters
    ----------
    net : MLP (anything with ``loss_and_grads``, ``parameters``, ``gradient_list``, ``weights``)
    X : ndarray (N, D); y : targets as ``net.loss_and_grads`` takes them
    steps : int, number of updates
    lr : float, learning rate for the default SGD optimizer
    batch_size : int or None (full batch)
    loss : {"mse", "cross_entropy"}
    optimizer : an object with ``step(params, grads)`` (see ``vgteach.optim``) or a name
    clip : float or None, clip the global gradient norm to this value before each step
    rng : numpy.random.Generator for mini-batch sampling (required when batch_size is set)

    Returns
    -------
    History
    """
    steps = check_int(steps, "steps", "train", low=1)
    if optimizer is None:
        optimizer = optim.SGD(lr)
    elif isinstance(optimizer, str):
        optimizer = optim.make_optimizer(optimizer, lr=lr)
    n = len(X)
    if batch_size is not None:
        batch_size = check_int(batch_size, "batch_size", "train", low=1, high=n)
        if rng is None:
            raise ValueError("train needs an explicit rng=np.random.default_rng(seed) "
                             "to sample mini-batches.")
    L = net.n_layers
    rec = {k: np.zeros((steps, L)) for k in ("delta_norms", "dW_norms", "db_norms",
                                             "update_ratio")}
    losses, gnorms = np.zeros(steps), np.zeros(steps)
    y = np.asarray(y)
    for t in range(steps):
        idx = slice(None) if batch_size is None else rng.choice(n, batch_size, replace=False)
        value, grads = net.loss_and_grads(X[idx], y[idx], loss=loss)
        losses[t] = value
        rec["delta_norms"][t] = grads.delta_norms
        rec["dW_norms"][t] = grads.dW_norms
        rec["db_norms"][t] = grads.db_norms
        gl = net.gradient_list(grads)
        gnorms[t] = optim.global_norm(gl)
        if clip is not None:
            gl = optim.clip_by_norm(gl, clip)
        before = [W.copy() for W in net.weights]
        optimizer.step(net.parameters(), gl)
        rec["update_ratio"][t] = [np.linalg.norm(W - W0) / max(np.linalg.norm(W0), 1e-300)
                                  for W, W0 in zip(net.weights, before)]
    return History(loss=losses, grad_norm=gnorms, **rec)
