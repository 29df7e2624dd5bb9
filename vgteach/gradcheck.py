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

from ._threads import blas_limited

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


def relative_error(analytic, numeric, floor=1e-8, zero=0.0):
    """Largest elementwise ``|a - n| / max(|a|, |n|, floor)``.

    The ``floor`` (CS231n uses the same 1e-8) stops entries that are tiny in both from dividing
    finite-difference noise by noise. Entries where both magnitudes are below ``zero`` count as
    agreeing: pass the roundoff level of the numerical estimate (``check_mlp`` does) so that an
    exactly-zero gradient (a dead ReLU unit) and an estimate of 1e-13 are not called an error.
    """
    a = np.asarray(analytic, dtype=float)
    n = np.asarray(numeric, dtype=float)
    if a.shape != n.shape:
        raise ValueError(f"Shapes differ: analytic {a.shape} vs numeric {n.shape}.")
    if a.size == 0:
        return 0.0
    big = np.maximum(np.abs(a), np.abs(n))
    err = np.abs(a - n) / np.maximum(big, floor)
    return float(np.where(big < zero, 0.0, err).max())


def _numeric_into(param, loss_fn, h, order=2):
    """Numerical gradient of ``loss_fn()`` w.r.t. ``param``, perturbing it in place and restoring it.

    ``order=2``: ``(L(+h) - L(-h)) / 2h``. ``order=4``: the centred five-point stencil
    ``(-L(+2h) + 8 L(+h) - 8 L(-h) + L(-2h)) / 12h``, whose O(h**4) truncation error allows a
    larger h and so less roundoff; useful when many entries of the gradient are small.
    """
    grad = np.zeros_like(param)
    weights = {2: ((1, 0.5), (-1, -0.5)),
               4: ((2, -1 / 12), (1, 8 / 12), (-1, -8 / 12), (-2, 1 / 12))}[order]
    for i in np.ndindex(param.shape):
        old = param[i]
        total = 0.0
        for k, c in weights:
            param[i] = old + k * h
            total += c * loss_fn()
        param[i] = old
        grad[i] = total / h
    return grad


@blas_limited
def check_mlp(net, X, y, loss="mse", h=1e-5, order=2):
    """Largest relative error between ``net.loss_and_grads`` and finite differences, over every
    parameter of every layer (weights, biases and batch-norm scales/shifts).

    ``order`` selects the centred stencil (2 or 4 points, see ``_numeric_into``)."""
    _, grads = net.loss_and_grads(X, y, loss=loss)
    params = net.parameters()
    analytic = net.gradient_list(grads)
    # Roundoff in the numerical estimate is about eps * |loss| / h; below that, zero is zero.
    noise = 1e3 * np.finfo(float).eps * max(abs(net.loss(X, y, loss=loss)), 1.0) / h
    return max(relative_error(g, _numeric_into(p, lambda: net.loss(X, y, loss=loss), h, order),
                              zero=noise)
               for p, g in zip(params, analytic))


@blas_limited
def check_layer(forward, backward, inputs, dout=None, h=1e-5, seed=0):
    """Check a CS231n-style layer pair against finite differences.

    ``forward(*inputs) -> (out, cache)`` and ``backward(dout, cache) -> gradients``, one per
    input in order: a tuple, or anything that unpacks like one (``recurrent.RecurrentGrads``),
    or a single array for a one-input layer. The scalar checked is ``sum(out * dout)`` for a
    random ``dout``. Returns the list of relative errors, one per input.
    """
    inputs = [np.array(x, dtype=float) for x in inputs]
    out, cache = forward(*inputs)
    if dout is None:
        dout = np.random.default_rng(seed).normal(size=np.shape(out))
    grads = backward(dout, cache)
    grads = (grads,) if isinstance(grads, np.ndarray) else tuple(grads)
    errors = []
    for k, x in enumerate(inputs):
        def scalar(xk, k=k):
            args = list(inputs)
            args[k] = xk
            return float(np.sum(forward(*args)[0] * dout))
        errors.append(relative_error(grads[k], numerical_gradient(scalar, x, h)))
    return errors
