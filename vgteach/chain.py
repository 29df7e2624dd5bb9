"""The one-neuron-per-layer chain: the simplest place to watch a gradient vanish.

Layer ``i`` (1-based, ``i = 1 .. n``) computes ``z_i = w_i * a_{i-1} + b_i`` and
``a_i = f(z_i)``, starting from ``a_0 = x``; the output is ``y_hat = a_n``. By the chain rule

    d y_hat / d w_i = a_{i-1} * f'(z_i) * prod_{j > i} (w_j * f'(z_j))

so the gradient for an early weight is a product of one *local factor* ``w_j f'(z_j)`` per later
layer. With sigmoid, ``f' <= 0.25``, so while every ``|w_j| <= 1`` the product is at most
``0.25**(n-i)``; the weights decide how far below that bound it falls (or, for large weights,
whether it explodes instead).

Examples
--------
>>> import numpy as np
>>> g = chain_gradients(np.full(20, 0.17), 1.0)
>>> f"{g.dout_dw[0]:.2e}"
'2.08e-27'
"""
from dataclasses import dataclass

import numpy as np

from . import activations

__all__ = ["ChainTrace", "ChainGradients", "chain_forward", "chain_gradients"]


@dataclass
class ChainTrace:
    """Forward pass of a chain: ``z`` (n,), ``a`` (n + 1,) with ``a[0] = x``, ``output = a[-1]``."""

    z: np.ndarray
    a: np.ndarray
    output: float


@dataclass
class ChainGradients:
    """Backward pass of a chain (all arrays have length n, index 0 is layer 1).

    Attributes
    ----------
    factors : local factors ``w_i f'(z_i)``
    dout_dz : ``d y_hat / d z_i``
    dout_dw : ``d y_hat / d w_i``
    dout_db : ``d y_hat / d b_i``
    trace : the ChainTrace of the forward pass
    weights : the weights ``w_i``
    f_prime : the slopes ``f'(z_i)``
    """

    factors: np.ndarray
    dout_dz: np.ndarray
    dout_dw: np.ndarray
    dout_db: np.ndarray
    trace: ChainTrace
    weights: np.ndarray = None
    f_prime: np.ndarray = None


def _as_params(weights, biases, func):
    w = np.array(weights, dtype=float).ravel()
    if w.size < 1 or w.size > 10_000:
        raise ValueError(
            f"The 'weights' parameter of {func} must hold between 1 and 10000 values. "
            f"Got {w.size} instead."
        )
    b = np.zeros_like(w) if biases is None else np.array(biases, dtype=float).ravel()
    if b.shape != w.shape:
        raise ValueError(
            f"The 'biases' parameter of {func} must have one value per weight ({w.size}). "
            f"Got {b.size} instead."
        )
    return w, b


def chain_forward(weights, x, activation="sigmoid", biases=None):
    """Run the chain forward.

    Parameters
    ----------
    weights : array_like (n,)
    x : float, the input ``a_0``
    activation : str, a name in ``activations.ACTIVATIONS``
    biases : array_like (n,) or None (zeros)

    Returns
    -------
    ChainTrace
    """
    w, b = _as_params(weights, biases, "chain_forward")
    f, _ = activations.get(activation)
    a = np.empty(w.size + 1)
    z = np.empty(w.size)
    a[0] = float(x)
    for i in range(w.size):  # a loop on purpose: each layer needs the one before
        z[i] = w[i] * a[i] + b[i]
        a[i + 1] = f(z[i])
    return ChainTrace(z=z, a=a, output=float(a[-1]))


def chain_gradients(weights, x, activation="sigmoid", biases=None):
    """Every local factor and every ``d y_hat / d w_i`` of the chain, by backprop.

    Parameters are those of ``chain_forward``. Returns ``ChainGradients``.
    """
    w, b = _as_params(weights, biases, "chain_gradients")
    trace = chain_forward(w, x, activation, b)
    _, f_prime = activations.get(activation)
    fp = f_prime(trace.z)
    factors = w * fp
    # d y_hat / d z_i = f'(z_i) * prod_{j>i} w_j f'(z_j): a reversed cumulative product.
    later = np.append(np.cumprod(factors[::-1])[::-1][1:], 1.0)
    dout_dz = fp * later
    return ChainGradients(factors=factors, dout_dz=dout_dz, dout_dw=dout_dz * trace.a[:-1],
                          dout_db=dout_dz, trace=trace, weights=w, f_prime=fp)
