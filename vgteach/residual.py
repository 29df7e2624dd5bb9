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
    """``out = x + f(x @ W + b)``.

    Parameters
    ----------
    x : ndarray (N, D)
    W : ndarray (D, D)
    b : ndarray (D,)
    activation : str, a name in ``activations.ACTIVATIONS``

    Returns
    -------
    out : ndarray (N, D)
    cache : tuple ``(x, W, z, activation)`` for ``residual_block_backward``: the activation
        travels with the cache, so the backward pass cannot use a different one.

    Examples
    --------
    >>> import numpy as np
    >>> out, cache = residual_block_forward(np.ones((1, 2)), np.zeros((2, 2)), np.zeros(2), "relu")
    >>> out, cache[-1]
    (array([[1., 1.]]), 'relu')
    """
    f, _ = activations.get(activation, "residual_block_forward")
    z = x @ W + b
    return x + f(z), (x, W, z, activation)


def residual_block_backward(dout, cache):
    """Gradients of a residual block: ``dx = dout + (dout * f'(z)) @ W.T``.

    The ``dout`` term is the identity path. ``f`` is the activation the forward pass used,
    read from ``cache``.

    Parameters
    ----------
    dout : ndarray (N, D)
    cache : tuple from ``residual_block_forward``

    Returns
    -------
    dx : ndarray (N, D)
    dW : ndarray (D, D)
    db : ndarray (D,)
    """
    x, W, z, activation = cache
    _, f_prime = activations.get(activation)
    dz = dout * f_prime(z)
    return dout + dz @ W.T, x.T @ dz, dz.sum(axis=0)


def block_jacobian(W, z, activation="tanh", residual=True):
    """Jacobian of one layer or block for one example, in the course's one convention:
    ``J[j, i] = d out_j / d x_i`` (rows are outputs), so backprop is ``dL/dx = dL/dout @ J``.

    ``J = diag(f'(z)) @ W.T`` for the plain layer ``out = f(x @ W + b)``, plus the identity for
    the residual block ``out = x + f(x @ W + b)``.

    Parameters
    ----------
    W : ndarray (D, M), the layer's weights (M = D for a residual block)
    z : ndarray (M,), the example's pre-activation ``x @ W + b``
    activation : str, a name in ``activations.ACTIVATIONS``
    residual : bool, add the identity of the skip connection

    Returns
    -------
    ndarray (M, D)

    Examples
    --------
    >>> import numpy as np
    >>> W = np.array([[1.0, 2.0], [3.0, 4.0]])         # out_0 = f(x_0 + 3 x_1), ...
    >>> block_jacobian(W, np.zeros(2), "tanh", residual=False)   # row 0: d out_0 / d x
    array([[1., 3.],
           [2., 4.]])
    """
    _, f_prime = activations.get(activation, "block_jacobian")
    z = np.asarray(z, dtype=float)
    J = f_prime(z)[:, None] * np.asarray(W, dtype=float).T
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


