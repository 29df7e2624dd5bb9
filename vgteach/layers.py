"""Layers with hand-written backprop, in the CS231n style.

Every layer is a pair ``<name>_forward(x, ...) -> (out, cache)`` and
``<name>_backward(dout, cache) -> grads``; gradients are named ``d<name>``. Shapes use
N = batch size, D = input width, M = output width.

Examples
--------
>>> import numpy as np
>>> x, W, b = np.ones((2, 3)), np.ones((3, 4)), np.zeros(4)
>>> out, cache = affine_forward(x, W, b)
>>> dx, dW, db = affine_backward(np.ones_like(out), cache)
>>> dx.shape, dW.shape, db.shape
((2, 3), (3, 4), (4,))
"""
import numpy as np

from . import activations

__all__ = [
    "affine_forward", "affine_backward", "activation_forward", "activation_backward",
    "batchnorm_forward", "batchnorm_backward", "mse_loss", "softmax", "softmax_cross_entropy",
    "sigmoid_cross_entropy",
]


def affine_forward(x, W, b):
    """``out = x @ W + b``.  x (N, D), W (D, M), b (M,) -> out (N, M)."""
    out = x @ W
    out += b  # into the product's own new array: one temporary less
    return out, (x, W)


def affine_backward(dout, cache):
    """Gradients of the affine layer.  dout (N, M) -> dx (N, D), dW (D, M), db (M,)."""
    x, W = cache
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)


def activation_forward(z, name):
    """``a = f(z)`` for an activation name from ``activations.ACTIVATIONS``."""
    f, _ = activations.get(name)
    return f(z), (z, name)


def activation_backward(da, cache):
    """``dz = da * f'(z)``: the activation's derivative is evaluated at the pre-activation."""
    z, name = cache
    _, f_prime = activations.get(name)
    return da * f_prime(z)


def batchnorm_forward(x, gamma, beta, eps=1e-5, running=None, momentum=0.9, train=True):
    """Batch normalization over the batch axis (Ioffe & Szegedy 2015).

    ``xhat = (x - mean) / sqrt(var + eps)``, ``out = gamma * xhat + beta``, with the batch mean
    and (biased) variance in training mode, or ``running["mean"]``/``running["var"]`` otherwise.

    Parameters
    ----------
    x : ndarray (N, D)
    gamma, beta : ndarray (D,)
    eps : float
    running : dict or None
        If given, holds ``"mean"`` and ``"var"`` (D,); updated in training mode as an
        exponential moving average with ``momentum``, used as the statistics when not training.
    train : bool

    Returns
    -------
    out : ndarray (N, D)
    cache : tuple for ``batchnorm_backward``
    """
    if train:
        mean = x.mean(axis=0)
        var = x.var(axis=0)
        if running is not None:
            running["mean"] = momentum * running.get("mean", mean) + (1 - momentum) * mean
            running["var"] = momentum * running.get("var", var) + (1 - momentum) * var
    else:
        mean, var = running["mean"], running["var"]
    inv_std = 1.0 / np.sqrt(var + eps)
    xhat = (x - mean) * inv_std
    return gamma * xhat + beta, (xhat, gamma, inv_std, train)


def batchnorm_backward(dout, cache):
    """Gradients of batch normalization, in the compact closed form.

    Because every ``xhat`` depends on the whole batch through the mean and variance,
    ``dx = inv_std / N * (N * dxhat - sum(dxhat) - xhat * sum(dxhat * xhat))``.

    Returns
    -------
    dx : ndarray (N, D)
    dgamma, dbeta : ndarray (D,)
    """
    xhat, gamma, inv_std, train = cache
    dbeta = dout.sum(axis=0)
    dgamma = (dout * xhat).sum(axis=0)
    dxhat = dout * gamma
    if not train:  # fixed statistics: a plain elementwise affine map
        return dxhat * inv_std, dgamma, dbeta
    n = dout.shape[0]
    dx = inv_std / n * (n * dxhat - dxhat.sum(axis=0) - xhat * (dxhat * xhat).sum(axis=0))
    return dx, dgamma, dbeta


def mse_loss(pred, y):
    """Half mean squared error: ``L = sum((pred - y)**2) / (2 N)``.

    pred, y : ndarray (N, M) (y may be (N,) when M = 1). Returns ``(L, dpred)``.
    """
    y = np.asarray(y, dtype=float).reshape(pred.shape)
    diff = pred - y
    n = pred.shape[0]
    return 0.5 * float(np.sum(diff * diff)) / n, diff / n


def mse(pred, y):
    """The value of ``mse_loss``: half mean squared error ``sum((pred - y)**2) / (2 N)``.

    Parameters
    ----------
    pred : ndarray (N, M); y : ndarray (N, M) or (N,) when M = 1

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> mse(np.array([[1.0], [3.0]]), np.array([[0.0], [1.0]]))
    1.25
    """
    return mse_loss(np.asarray(pred, dtype=float), y)[0]


def softmax(scores):
    """Row-wise softmax of ``scores`` (N, C)."""
    # Subtracting the row max changes nothing mathematically and keeps exp from overflowing.
    shifted = scores - scores.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


def softmax_cross_entropy(scores, y):
    """Mean cross-entropy of a softmax over ``scores`` (N, C) against labels ``y``.

    ``y`` is either integer class labels (N,) or one-hot/probability rows (N, C).
    Returns ``(L, dscores)`` with ``dscores = (softmax(scores) - onehot) / N``.
    """
    n = scores.shape[0]
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    target = _targets(scores, y)
    loss = -float(np.sum(target * log_probs)) / n
    return loss, (np.exp(log_probs) - target) / n


def sigmoid_cross_entropy(scores, y):
    """Mean cross-entropy of one sigmoid output per class (Nielsen's output layer, ch. 3).

    Each output ``p = sigmoid(scores)`` answers its own yes/no question, and the loss adds the
    two-outcome cross-entropy of every output: ``L = -sum(t ln p + (1 - t) ln(1 - p)) / N``
    with targets ``t`` (labels (N,) become one-hot rows (N, C)). The sigmoid's slope cancels in
    the gradient: ``dscores = (p - t) / N``.

    Parameters
    ----------
    scores : ndarray (N, C), the output layer's pre-activations
    y : ndarray (N,) integer labels, or (N, C) targets in [0, 1]

    Returns
    -------
    loss : float
    dscores : ndarray (N, C)

    Examples
    --------
    >>> import numpy as np
    >>> loss, d = sigmoid_cross_entropy(np.zeros((1, 2)), np.array([0]))
    >>> round(loss, 4), d.tolist()
    (1.3863, [[-0.5, 0.5]])
    """
    n = scores.shape[0]
    target = _targets(scores, y)
    # -t ln p - (1 - t) ln(1 - p) = softplus(s) - t s, with softplus(s) = ln(1 + e^s) written
    # as max(s, 0) + ln(1 + e^-|s|) so that no exp overflows
    softplus = np.maximum(scores, 0.0) + np.log1p(np.exp(-np.abs(scores)))
    loss = float(np.sum(softplus - target * scores)) / n
    return loss, (activations.sigmoid(scores) - target) / n


def _targets(scores, y):
    """Labels (N,) as one-hot rows shaped like ``scores``; (N, C) targets as floats."""
    y = np.asarray(y)
    if y.ndim == 1:
        target = np.zeros_like(scores)
        target[np.arange(scores.shape[0]), y.astype(int)] = 1.0
        return target
    return y.astype(float)
