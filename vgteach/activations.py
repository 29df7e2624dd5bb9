"""Activation functions and their exact derivatives, as a table of pure functions.

Every function takes a NumPy array (or a float) and returns a new array of the same shape;
no input is modified. Derivatives take the *pre-activation* ``z`` (the value that went into
the activation), not its output. All functions are numerically stable for any finite or
infinite float input and never emit a RuntimeWarning.

Examples
--------
>>> from vgteach.activations import ACTIVATIONS
>>> f, f_prime = ACTIVATIONS["sigmoid"]
>>> float(f_prime(0.0))
0.25
"""
import numpy as np

from ._validation import check_choice

__all__ = [
    "sigmoid", "sigmoid_prime", "tanh", "tanh_prime", "relu", "relu_prime",
    "leaky_relu", "leaky_relu_prime", "linear", "linear_prime", "ACTIVATIONS",
    "sigmoid_prime_from_output", "tanh_prime_from_output", "relu_prime_from_output",
    "leaky_relu_prime_from_output", "linear_prime_from_output", "PRIME_FROM_OUTPUT",
]


def sigmoid(z):
    """Logistic function ``1 / (1 + exp(-z))``, elementwise.

    Accurate to a few units in the last place for every z, and warning-free:
    ``sigmoid(-1000.0)`` is exactly 0 and ``sigmoid(1000.0)`` exactly 1.

    Parameters
    ----------
    z : array_like, any shape

    Returns
    -------
    ndarray, same shape as ``z``, values in [0, 1]
    """
    z = np.asarray(z, dtype=float)
    s = np.negative(z, out=np.empty_like(z))
    # exp(-z) overflows to inf only where z < -709.8, i.e. where the sigmoid is below 1e-308:
    # there 1 / (1 + inf) = 0 is the right answer, so that overflow is expected, not an error.
    # One exp and no branch: twice as fast as the textbook split into exp(-|z|) and a
    # np.where on the sign, and as accurate (bench/README.md).
    with np.errstate(over="ignore"):
        np.exp(s, out=s)
    s += 1.0
    return np.divide(1.0, s, out=s)  # (np.reciprocal is half as fast for float64)


def sigmoid_prime(z):
    """Derivative of the sigmoid, ``s (1 - s)`` with ``s = sigmoid(z)``; at most 0.25 (at z = 0).

    Computed as ``e / (1 + e)**2`` with ``e = exp(-|z|)``, the same value written so that no
    digit is lost on either side: ``s (1 - s)`` cancels in ``1 - s`` for large z (it gives
    exactly 0 from z = 37 on, where the slope is still 8.5e-17). Accurate to a few units in
    the last place for every z; 0 only where the slope is below 1e-308.

    Examples
    --------
    >>> float(sigmoid_prime(0.0)), float(sigmoid_prime(40.0)) == float(sigmoid_prime(-40.0))
    (0.25, True)
    """
    z = np.asarray(z, dtype=float)
    e = np.abs(z, out=np.empty_like(z))
    np.negative(e, out=e)
    np.exp(e, out=e)
    d = e + 1.0
    d *= d
    return np.divide(e, d, out=e)


def sigmoid_prime_from_output(s):
    """Derivative of the sigmoid given its output ``s = sigmoid(z)``: ``s (1 - s)``.

    What backpropagation uses (it keeps the outputs; PyTorch does the same). Where ``s`` has
    rounded to 1 (z above about 37) this gives 0, not the tiny true slope: the output no longer
    holds it. ``sigmoid_prime(z)`` is exact there."""
    s = np.asarray(s, dtype=float)
    slope = 1.0 - s
    slope *= s
    return slope


def tanh(z):
    """Hyperbolic tangent, elementwise; values in [-1, 1]."""
    return np.tanh(np.asarray(z, dtype=float))


def tanh_prime(z):
    """Derivative of tanh, ``1 - tanh(z)**2``; at most 1 (at z = 0).

    Computed as ``4 e / (1 + e)**2`` with ``e = exp(-2|z|)`` (that is ``1 / cosh(z)**2``),
    accurate to a few units in the last place for every z, where ``1 - tanh(z)**2`` cancels
    (exactly 0 from |z| = 19.1 on, where the slope is still 1e-16).

    Examples
    --------
    >>> float(tanh_prime(0.0)), float(tanh_prime(20.0)) > 0
    (1.0, True)
    """
    z = np.asarray(z, dtype=float)
    e = np.abs(z, out=np.empty_like(z))
    e *= -2.0
    np.exp(e, out=e)
    d = e + 1.0
    d *= d
    e *= 4.0
    return np.divide(e, d, out=e)


def tanh_prime_from_output(t):
    """Derivative of tanh given its output ``t = tanh(z)``: ``1 - t**2`` (0 where ``t`` has
    rounded to +-1, |z| above about 19; ``tanh_prime(z)`` is exact there)."""
    t = np.asarray(t, dtype=float)
    slope = t * t
    return np.subtract(1.0, slope, out=slope)


def relu(z):
    """Rectified linear unit ``max(0, z)``."""
    z = np.asarray(z, dtype=float)
    return np.maximum(z, 0.0)


def relu_prime(z):
    """Derivative of ReLU: 1 where ``z > 0``, else 0 (we take 0 at the kink z = 0)."""
    z = np.asarray(z, dtype=float)
    return (z > 0).astype(float)


def relu_prime_from_output(a):
    """Derivative of ReLU given its output ``a = relu(z)``: 1 where ``a > 0`` (exactly where
    ``z > 0``), else 0."""
    return (np.asarray(a, dtype=float) > 0).astype(float)


def leaky_relu(z, alpha=0.01):
    """Leaky ReLU: ``z`` where ``z > 0``, else ``alpha * z``."""
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, alpha * z)


def leaky_relu_prime(z, alpha=0.01):
    """Derivative of leaky ReLU: 1 where ``z > 0``, else ``alpha`` (never exactly 0)."""
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, 1.0, alpha)


def leaky_relu_prime_from_output(a, alpha=0.01):
    """Derivative of leaky ReLU given its output: 1 where ``a > 0``, else ``alpha``."""
    return np.where(np.asarray(a, dtype=float) > 0, 1.0, alpha)


def linear(z):
    """Identity, used for output layers."""
    return np.array(z, dtype=float)


def linear_prime(z):
    """Derivative of the identity: ones."""
    return np.ones_like(np.asarray(z, dtype=float))


#: name -> (f, f_prime); f_prime takes the pre-activation z.
ACTIVATIONS = {
    "sigmoid": (sigmoid, sigmoid_prime),
    "tanh": (tanh, tanh_prime),
    "relu": (relu, relu_prime),
    "leaky_relu": (leaky_relu, leaky_relu_prime),
    "linear": (linear, linear_prime),
}

def linear_prime_from_output(a):
    """Derivative of the identity given its output: ones."""
    return np.ones_like(np.asarray(a, dtype=float))


#: name -> derivative as a function of the activation's *output* ``a = f(z)``: backprop can
#: reuse the forward pass's output instead of paying for another ``exp``/``tanh`` (in float64
#: these dominate a small network's run time), and a layer's recorded outputs are enough to
#: measure its slopes (``vgteach.measure.diagnostics``).
PRIME_FROM_OUTPUT = {
    "sigmoid": sigmoid_prime_from_output,
    "tanh": tanh_prime_from_output,
    "relu": relu_prime_from_output,
    "leaky_relu": leaky_relu_prime_from_output,
    "linear": linear_prime_from_output,
}


def get(name, func=None):
    """Return ``(f, f_prime)`` for an activation name.

    An unknown name raises ValueError in the shared parameter template; ``func`` names the
    function the learner called, for the message.

    Examples
    --------
    >>> get("swish", "MLP")
    Traceback (most recent call last):
    ...
    ValueError: The 'activation' parameter of MLP must be one of 'sigmoid', 'tanh', 'relu', \
'leaky_relu', 'linear'. Got 'swish' instead.
    """
    check_choice(name, "activation", func, tuple(ACTIVATIONS))
    return ACTIVATIONS[name]
