"""Optimizers and gradient clipping, written out so every line can be read.

An optimizer updates a list of parameter arrays *in place* from a list of gradient arrays of the
same shapes (``net.parameters()`` and ``net.gradient_list(grads)``). It keeps its per-parameter
state (velocities, squared-gradient averages) by position in that list.

Examples
--------
>>> import numpy as np
>>> p, g = [np.array([1.0, 2.0])], [np.array([0.5, -0.5])]
>>> SGD(lr=0.1).step(p, g)
>>> p[0]
array([0.95, 2.05])
"""
import math

import numpy as np

from ._validation import check_choice, check_float

__all__ = ["SGD", "Momentum", "RMSProp", "Adam", "clip_by_norm", "global_norm", "norm",
           "OPTIMIZERS", "make_optimizer"]


class SGD:
    """Plain gradient descent: ``p <- p - lr * g``."""

    def __init__(self, lr=0.1):
        self.lr = check_float(lr, "lr", type(self).__name__, low=0.0)

    def step(self, params, grads):
        """Update every array in ``params`` in place."""
        for p, g in zip(params, grads):
            p -= self.lr * g


class Momentum(SGD):
    """Heavy-ball momentum: ``v <- beta v - lr g``, ``p <- p + v``."""

    def __init__(self, lr=0.1, beta=0.9):
        super().__init__(lr)
        self.beta = check_float(beta, "beta", "Momentum", low=0.0, high=1.0)
        self.v = {}

    def step(self, params, grads):
        for i, (p, g) in enumerate(zip(params, grads)):
            v = self.beta * self.v.get(i, 0.0) - self.lr * g
            self.v[i] = v
            p += v


class RMSProp(SGD):
    """Divide each step by a running RMS of its own gradient: ``s <- rho s + (1 - rho) g**2``,
    ``p <- p - lr g / (sqrt(s) + eps)``."""

    def __init__(self, lr=0.001, rho=0.9, eps=1e-8):
        super().__init__(lr)
        self.rho = check_float(rho, "rho", "RMSProp", low=0.0, high=1.0)
        self.eps = check_float(eps, "eps", "RMSProp", low=0.0)
        self.s = {}

    def step(self, params, grads):
        for i, (p, g) in enumerate(zip(params, grads)):
            s = self.rho * self.s.get(i, 0.0) + (1 - self.rho) * g * g
            self.s[i] = s
            p -= self.lr * g / (np.sqrt(s) + self.eps)


class Adam(SGD):
    """Adam (Kingma & Ba 2014): momentum on ``g`` and RMS scaling, both bias-corrected.

    ``m <- b1 m + (1-b1) g``; ``v <- b2 v + (1-b2) g**2``; ``m_hat = m / (1-b1**t)``;
    ``v_hat = v / (1-b2**t)``; ``p <- p - lr m_hat / (sqrt(v_hat) + eps)``.
    """

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(lr)
        self.beta1 = check_float(beta1, "beta1", "Adam", low=0.0, high=1.0)
        self.beta2 = check_float(beta2, "beta2", "Adam", low=0.0, high=1.0)
        self.eps = check_float(eps, "eps", "Adam", low=0.0)
        self.m, self.v, self.t = {}, {}, 0

    def step(self, params, grads):
        self.t += 1
        for i, (p, g) in enumerate(zip(params, grads)):
            m = self.beta1 * self.m.get(i, 0.0) + (1 - self.beta1) * g
            v = self.beta2 * self.v.get(i, 0.0) + (1 - self.beta2) * g * g
            self.m[i], self.v[i] = m, v
            m_hat = m / (1 - self.beta1 ** self.t)
            v_hat = v / (1 - self.beta2 ** self.t)
            p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


OPTIMIZERS = {"sgd": SGD, "momentum": Momentum, "rmsprop": RMSProp, "adam": Adam}


def make_optimizer(name, *, func="make_optimizer", **kwargs):
    """An optimizer by name (``"sgd"``, ``"momentum"``, ``"rmsprop"``, ``"adam"``).

    ``kwargs`` go to its constructor (``lr=...``); ``func`` names the caller in error messages.

    Examples
    --------
    >>> make_optimizer("adam", lr=0.01).lr
    0.01
    >>> make_optimizer("adagrad", func="train")
    Traceback (most recent call last):
    ...
    ValueError: The 'optimizer' parameter of train must be one of 'sgd', 'momentum', 'rmsprop', \
'adam'. Got 'adagrad' instead.
    """
    check_choice(name, "optimizer", func, tuple(OPTIMIZERS))
    return OPTIMIZERS[name](**kwargs)


def norm(a):
    """Frobenius norm of one float array: ``np.linalg.norm(a)`` bit for bit (the same dot
    product in the same order), without its few microseconds of argument handling, which a
    training loop recording every layer's norms at every step pays hundreds of times."""
    v = a.ravel(order="K")
    return math.sqrt(v.dot(v))


def global_norm(grads):
    """Euclidean norm of all gradient arrays taken together."""
    return math.sqrt(sum(float((g * g).sum()) for g in grads))


def clip_by_norm(grads, max_norm):
    """Pascanu et al.'s clipping: if ``||g|| > max_norm``, rescale every array by
    ``max_norm / ||g||`` (the direction is kept). Returns new arrays; the inputs are untouched."""
    max_norm = check_float(max_norm, "max_norm", "clip_by_norm", low=0.0)
    norm = global_norm(grads)
    scale = max_norm / norm if norm > max_norm else 1.0
    return [g * scale for g in grads]
