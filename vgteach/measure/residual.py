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

from .. import residual
from ..data import spirals
from ..train import train

__all__ = ["network_jacobians", "product_singular_values", "ResidualView", "compute_residual"]


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

    @property
    def first_to_last(self):
        """``||delta_1|| / ||delta_L||`` at init: far below 1 means vanishing."""
        return float(self.delta_norms[0] / self.delta_norms[-1])


def compute_residual(depth=30, skip=True, activation="tanh", steps=60, n=90, seed=0):
    """Build a ``depth``-layer net (``residual.deep_mlp``) on 3-class spirals, record its
    per-layer ``||delta_l||`` at init, then train it with Adam (lr 0.01) for ``steps`` steps."""
    X, y = spirals(n, rng=np.random.default_rng(seed))
    net = residual.deep_mlp(depth, residual=skip, activation=activation, seed=seed)
    _, grads = net.loss_and_grads(X, y, loss="cross_entropy")
    hist = train(net, X, y, steps=steps, lr=0.01, loss="cross_entropy", optimizer="adam")
    return ResidualView(depth, bool(skip), activation, grads.delta_norms, hist.loss)
