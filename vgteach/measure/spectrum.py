"""Singular values of layer Jacobians and of products of layers (lesson 5: Glorot & Bengio's
mean singular value, Saxe et al.'s orthogonal initialization).

A layer ``a_out = f(a_in @ W + b)`` has the Jacobian ``J = diag(f'(z)) @ W.T`` (the course's one
convention, ``J[j, i] = d out_j / d in_i``; ``vgteach.residual.block_jacobian``). Its singular
values say how much it stretches a small change of its input in each direction: near 1 means a
gradient passes through unchanged. Through many layers the Jacobians multiply, and so does any
spread of their singular values.

Every function here calls LAPACK (``numpy.linalg.svd``) or chains matrix products, so it runs
with BLAS on one thread (``vgteach._threads.blas_limited``): fast in a learner's kernel too.

Examples
--------
>>> import numpy as np
>>> s = product_singular_values("orthogonal", depth=5, width=16, seed=0)
>>> bool(np.allclose(s, 1.0))
True
>>> bool(spread(product_singular_values("lecun", depth=5, width=16, seed=0)) > 10)
True
"""
import numpy as np

from .. import activations, initializers
from .._threads import blas_limited
from .._validation import check_float, check_int
from ..residual import block_jacobian

__all__ = ["singular_values", "layer_jacobian_singular_values", "product_singular_values",
           "spread"]


@blas_limited
def singular_values(W):
    """The singular values of the matrix ``W``, largest first: ndarray (min(W.shape),).

    Examples
    --------
    >>> singular_values(np.diag([3.0, -4.0]))
    array([4., 3.])
    """
    return np.linalg.svd(np.asarray(W, dtype=float), compute_uv=False)


@blas_limited
def layer_jacobian_singular_values(net, X):
    """Mean singular value of each hidden-to-hidden layer's Jacobian ``d a[l+1] / d a[l]``,
    averaged over the examples of ``X``.

    Parameters
    ----------
    net : vgteach.mlp.MLP (plain: no batch norm, no residual blocks), with at least two hidden
        layers; its activation is used for the slopes
    X : ndarray (N, net.sizes[0]), the examples at which the Jacobians are taken

    Returns
    -------
    ndarray (len(net.weights) - 2,): one value per Jacobian between consecutive hidden layers,
    from the one into hidden layer 2 up

    Examples
    --------
    >>> from vgteach.mlp import MLP
    >>> net = MLP([8, 8, 8, 8, 1], activation="tanh", init="orthogonal", seed=0)
    >>> layer_jacobian_singular_values(net, np.zeros((2, 8)))   # tanh'(0) = 1: orthogonal
    array([1., 1.])
    """
    trace = net.trace(np.asarray(X, dtype=float))
    return np.array([np.mean([singular_values(block_jacobian(W, zi, net.activation,
                                                             residual=False)).mean()
                              for zi in z])
                     for W, z in zip(net.weights[1:-1], trace.z[1:-1])])


@blas_limited
def product_singular_values(init, depth=10, width=128, seed=0, gain=1.0, activation=None):
    """Singular values (largest first) of ``depth`` random ``width x width`` layers chained.

    Parameters
    ----------
    init : str or callable, a name in ``vgteach.initializers.INITIALIZERS`` but ``"normal"``,
        drawn with ``gain``
    depth : int in [1, 200]
    width : int in [2, 1024]
    seed : int, seeds ``numpy.random.default_rng``: the weights, layer 1 first, then the input
    gain : float in (0, 100], passed to the initializer
    activation : None or str. None: the product of the weight matrices alone (linear layers).
        A name in ``activations.ACTIVATIONS``: the Jacobian ``d a_depth / d a_0`` of a net of
        ``depth`` such layers (no biases) at one standard-normal input ``a_0``, the product of the
        layer Jacobians ``diag(f'(z_l)) @ W_l.T``.

    Returns
    -------
    ndarray (width,)

    Examples
    --------
    >>> s = product_singular_values("orthogonal", depth=3, width=8, gain=2.0)
    >>> bool(np.allclose(s, 8.0))
    True
    """
    depth = check_int(depth, "depth", "product_singular_values", 1, 200)
    width = check_int(width, "width", "product_singular_values", 2, 1024)
    gain = check_float(gain, "gain", "product_singular_values", 1e-12, 100.0)
    if activation is not None:
        activations.get(activation, "product_singular_values")
    rng = np.random.default_rng(seed)
    weights = [initializers.initialize(init, width, width, rng, func="product_singular_values",
                                       gain=gain) for _ in range(depth)]
    product = np.eye(width)
    if activation is None:
        for W in weights:
            product = product @ W
        return singular_values(product)
    f, _ = activations.get(activation)
    a = rng.normal(size=width)
    for W in weights:   # J_depth ... J_1, each J = diag(f'(z)) W.T (rows are outputs)
        z = a @ W
        product = block_jacobian(W, z, activation, residual=False) @ product
        a = f(z)
    return singular_values(product)


def spread(s, high=90, low=10):
    """How unequal singular values ``s`` are: the ``high``-th percentile over the ``low``-th.

    Percentiles rather than max/min: the smallest singular values of a long product are
    rounding noise.

    Examples
    --------
    >>> spread(np.array([1.0, 1.0, 1.0]))
    1.0
    """
    s = np.asarray(s, dtype=float)
    return float(np.percentile(s, high) / np.percentile(s, low))
