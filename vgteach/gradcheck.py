"""Gradient checking with centred finite differences (CS231n's recipe).

Relative error ``|a - n| / max(|a|, |n|)``: below 1e-7 is good in float64; 1e-4..1e-2 is
suspicious unless the function has kinks; above 1e-2 the analytic gradient is wrong.

Examples
--------
>>> import numpy as np
>>> x = np.array([1.0, -2.0])
>>> num = numerical_gradient(lambda v: float(np.sum(v ** 3)), x)
>>> relative_error(3 * x ** 2, num) < 1e-7
True
"""
import numpy as np

__all__ = ["numerical_gradient", "relative_error", "check_mlp", "check_layer"]


def numerical_gradient(f, x, h=1e-5):
    """Centred-difference gradient of the scalar function ``f`` at ``x``.

    ``f`` is called with arrays of ``x``'s shape; ``x`` itself is never modified.
    Returns an ndarray of ``x``'s shape: ``(f(x + h e_i) - f(x - h e_i)) / (2h)``.
    """
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        plus = f(x.copy())
        x[i] = old - h
        minus = f(x.copy())
        x[i] = old
        grad[i] = (plus - minus) / (2 * h)
    return grad


def relative_error(analytic, numeric, floor=1e-8):
    """Largest elementwise ``|a - n| / max(|a|, |n|, floor)``.

    The ``floor`` (CS231n uses the same 1e-8) stops entries that are zero or tiny in both from
    dividing finite-difference noise by noise: a gradient that is exactly 0 (a bias in front of
    batch norm) and a numerical estimate of 1e-11 then count as agreeing.
    """
    a = np.asarray(analytic, dtype=float)
    n = np.asarray(numeric, dtype=float)
    if a.shape != n.shape:
        raise ValueError(f"Shapes differ: analytic {a.shape} vs numeric {n.shape}.")
    if a.size == 0:
        return 0.0
    denom = np.maximum(np.maximum(np.abs(a), np.abs(n)), floor)
    return float((np.abs(a - n) / denom).max())


def _numeric_into(param, loss_fn, h):
    """Numerical gradient of ``loss_fn()`` w.r.t. ``param``, perturbing it in place and restoring it."""
    grad = np.zeros_like(param)
    for i in np.ndindex(param.shape):
        old = param[i]
        param[i] = old + h
        plus = loss_fn()
        param[i] = old - h
        minus = loss_fn()
        param[i] = old
        grad[i] = (plus - minus) / (2 * h)
    return grad


def check_mlp(net, X, y, loss="mse", h=1e-5):
    """Largest relative error between ``net.loss_and_grads`` and finite differences, over every
    parameter of every layer (weights, biases and batch-norm scales/shifts)."""
    _, grads = net.loss_and_grads(X, y, loss=loss)
    params = net.parameters()
    analytic = net.gradient_list(grads)
    return max(relative_error(g, _numeric_into(p, lambda: net.loss(X, y, loss=loss), h))
               for p, g in zip(params, analytic))


def check_layer(forward, backward, inputs, dout=None, h=1e-5, seed=0):
    """Check a CS231n-style layer pair against finite differences.

    ``forward(*inputs) -> (out, cache)`` and ``backward(dout, cache) -> tuple of gradients``,
    one per input (in order). The scalar checked is ``sum(out * dout)`` for a random ``dout``.
    Returns the list of relative errors, one per input.
    """
    inputs = [np.array(x, dtype=float) for x in inputs]
    out, cache = forward(*inputs)
    if dout is None:
        dout = np.random.default_rng(seed).normal(size=np.shape(out))
    grads = backward(dout, cache)
    if not isinstance(grads, tuple):
        grads = (grads,)
    errors = []
    for k, x in enumerate(inputs):
        def scalar(xk, k=k):
            args = list(inputs)
            args[k] = xk
            return float(np.sum(forward(*args)[0] * dout))
        errors.append(relative_error(grads[k], numerical_gradient(scalar, x, h)))
    return errors
