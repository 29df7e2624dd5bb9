"""Residual blocks and layer Jacobians: why a skip connection gives the gradient a path.

A residual block (row convention, as in ``MLP``) computes ``z = x @ W + b`` and
``out = x + f(z)``; the plain block drops the ``x``. For one example, the Jacobian
``J[j, i] = d out_j / d x_i`` is

    plain:     J = diag(f'(z)) @ W.T
    residual:  J = I + diag(f'(z)) @ W.T

and backprop multiplies a row gradient by it: ``dL/dx = dL/dout @ J``. Through many blocks the
gradient is multiplied by a product of such matrices; the identity term keeps that product from
shrinking toward zero.

Examples
--------
>>> import numpy as np
>>> W, z = np.zeros((3, 3)), np.zeros(3)
>>> block_jacobian(W, z, residual=True)
array([[1., 0., 0.],
       [0., 1., 0.],
       [0., 0., 1.]])
"""
import numpy as np

from . import activations
from .mlp import MLP

__all__ = ["residual_block_forward", "residual_block_backward", "block_jacobian", "deep_mlp"]


def residual_block_forward(x, W, b, activation="tanh"):
    """``out = x + f(x @ W + b)``.  x (N, D), W (D, D), b (D,) -> out (N, D), cache (x, W, z)."""
    f, _ = activations.get(activation)
    z = x @ W + b
    return x + f(z), (x, W, z)


def residual_block_backward(dout, cache, activation="tanh"):
    """Gradients of a residual block: ``dx = dout + (dout * f'(z)) @ W.T``.

    Returns ``dx`` (N, D), ``dW`` (D, D), ``db`` (D,). The ``dout`` term is the identity path.
    """
    x, W, z = cache
    _, f_prime = activations.get(activation)
    dz = dout * f_prime(z)
    return dout + dz @ W.T, x.T @ dz, dz.sum(axis=0)


def block_jacobian(W, z, activation="tanh", residual=True):
    """Jacobian ``d out / d x`` of one block for one example at pre-activation ``z`` (D,).

    ``diag(f'(z)) @ W.T``, plus the identity when ``residual``. Returns ndarray (D, D).
    """
    _, f_prime = activations.get(activation)
    J = f_prime(np.asarray(z, dtype=float))[:, None] * W.T
    return J + np.eye(len(z)) if residual else J


def deep_mlp(depth, residual=False, width=16, activation="tanh", norm=None, n_in=2, n_out=3,
             seed=0):
    """An ``MLP`` with ``depth`` hidden layers of ``width`` (Xavier init).

    With ``residual=True`` every hidden-to-hidden weight matrix is scaled by ``1/sqrt(depth)``
    at init, so the sum of ``depth`` branches does not blow the residual stream up (the idea
    behind Fixup and SkipInit: start each branch small, keep the identity path exact).
    """
    net = MLP([n_in] + [width] * depth + [n_out], activation=activation, init="xavier",
              residual=residual, norm=norm, seed=seed)
    if residual:
        for l in range(1, depth):
            net.weights[l] = net.weights[l] / np.sqrt(depth)
    return net


