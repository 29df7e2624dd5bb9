"""Measurements behind lesson 9: layer Jacobians of a deep net, the singular values of their
products, and short plain-vs-residual training runs (the residual explorer).

Jacobians follow the course convention ``J[j, i] = d out_j / d x_i`` (``residual.block_jacobian``).

Examples
--------
>>> import numpy as np
>>> from vgteach.residual import deep_mlp
>>> Js = network_jacobians(deep_mlp(5, residual=True), np.ones(2))
>>> len(Js), Js[0].shape, product_singular_values(Js).shape
(4, (16, 16), (4, 16))
"""
from dataclasses import dataclass

import numpy as np

from .. import optim, residual
from ..data import spirals
from ..stored import reusable
from ..train import train

__all__ = ["network_jacobians", "product_singular_values", "ResidualView", "compute_residual",
           "residual_steps"]


def network_jacobians(net, x):
    """Jacobians ``d a[l+1] / d a[l]`` of an ``MLP``'s equal-width hidden layers, for one
    example ``x`` (D,). Layers with batch norm are not supported (their Jacobian couples the
    batch). Returns a list of (H, H) arrays, layer 2 first."""
    if net.norm is not None:
        raise ValueError("network_jacobians needs a net without batch norm.")
    trace = net.trace(np.asarray(x, dtype=float)[None, :])
    return [residual.block_jacobian(net.weights[l], trace.z[l][0], net.activation, net.skips(l))
            for l in range(1, net.n_layers - 1) if net.sizes[l] == net.sizes[l + 1]]


def product_singular_values(jacobians):
    """Singular values of the running products ``J_k ... J_1``, one row per depth k.

    Returns ndarray (len(jacobians), D), each row sorted from largest to smallest. Row ``k``
    says how much a gradient can grow or shrink on its way back through ``k + 1`` layers.
    """
    P = np.eye(jacobians[0].shape[0])
    rows = []
    for J in jacobians:
        P = J @ P
        rows.append(np.linalg.svd(P, compute_uv=False))
    return np.array(rows)


@dataclass
class ResidualView:
    """Per-layer error-term norms at init and a short training-loss curve of one deep net."""

    depth: int
    skip: bool
    activation: str
    delta_norms: np.ndarray
    loss: np.ndarray
    lr: float = 0.01

    @property
    def first_to_last(self):
        """``||delta_1|| / ||delta_L||`` at init: far below 1 means vanishing."""
        return float(self.delta_norms[0] / self.delta_norms[-1])


@reusable
def compute_residual(depth=30, skip=True, activation="tanh", steps=60, n=90, seed=0, lr=0.01):
    """Build a ``depth``-layer net (``residual.deep_mlp``) on 3-class spirals, record its
    per-layer ``||delta_l||`` at init, then train it with Adam (learning rate ``lr``) for
    ``steps`` full-batch steps."""
    work = residual_steps(depth, skip, activation, steps, n, seed, lr=lr)
    while True:
        try:
            next(work)
        except StopIteration as stop:
            return stop.value


def residual_steps(depth=30, skip=True, activation="tanh", steps=60, n=90, seed=0, lr=0.01,
                   chunk=4):
    """``compute_residual`` in chunks: a generator that pauses (``yield``) before every
    ``chunk`` training steps and returns the ``ResidualView``, bit for bit the same.

    The explorer computes settings ahead with it in the kernel's idle time, a few milliseconds
    at a time (training resumes with the same Adam state, so the chunks add up to one run).

    Examples
    --------
    >>> work = residual_steps(depth=3, steps=6, n=30, chunk=4)
    >>> next(work), next(work)
    (None, None)
    >>> try:
    ...     next(work)
    ... except StopIteration as stop:
    ...     stop.value.loss.shape
    (6,)
    """
    X, y = spirals(n, rng=np.random.default_rng(seed))
    net = residual.deep_mlp(depth, residual=skip, activation=activation, seed=seed)
    _, grads = net.loss_and_grads(X, y, loss="cross_entropy")
    adam = optim.make_optimizer("adam", lr=lr)
    losses = []
    for start in range(0, steps, chunk):
        yield
        k = min(chunk, steps - start)
        losses.append(train(net, X, y, steps=k, loss="cross_entropy", optimizer=adam).loss)
    return ResidualView(depth, bool(skip), activation, grads.delta_norms,
                        np.concatenate(losses) if losses else np.zeros(0), float(lr))
