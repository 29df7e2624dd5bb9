"""Sequence tasks with long time lags, and a small trainer for recurrent models on them.

The adding problem (Hochreiter & Schmidhuber 1997, in the form of Le, Jaitly & Hinton 2015):
each sequence has T steps of two channels, a random value and a marker. Exactly two steps are
marked; the target is the sum of the two marked values. To solve it a model must carry the first
value across up to T - 1 steps, so the gradient that teaches it to do so has to travel that far.

Losses use the package's convention (``vgteach.layers.mse_loss``), *half* the mean squared error:
``L = sum((pred - y)**2) / (2 N)``. Predicting the mean target scores ``Var(y) / 2 = 1/12``
on the adding problem; a model that stays there has learned nothing about the marked values.

Examples
--------
>>> import numpy as np
>>> X, y = adding_problem(4, 10, np.random.default_rng(0))
>>> X.shape, y.shape, X[:, :, 1].sum(axis=1)
((4, 10, 2), (4, 1), array([2., 2., 2., 2.]))
"""
from dataclasses import dataclass

import numpy as np

from . import layers, optim, recurrent
from ._validation import check_choice, check_float, check_int

__all__ = ["adding_problem", "mse", "mean_baseline_mse", "ADDING_BASELINE_MSE",
           "SequenceHistory", "train_sequence_model", "predict_sequence_model"]

#: Half-MSE of predicting the mean on the adding problem: ``Var(u1 + u2) / 2 = (1/6) / 2``.
ADDING_BASELINE_MSE = 1.0 / 12.0

_MODELS = {"rnn": (recurrent.rnn_forward, recurrent.rnn_backward),
           "lstm": (recurrent.lstm_forward, recurrent.lstm_backward)}


def adding_problem(n, T, rng):
    """Draw ``n`` sequences of the adding problem with ``T`` steps.

    Rule: channel 0 holds values ``u_t ~ U[0, 1)``, independent. Channel 1 is 0 except at two
    steps, where it is 1: the first marked step is uniform in ``0 .. T//2 - 1`` (the first half),
    the second uniform in ``T//2 .. T - 1`` (the second half). The target is the sum of the two
    marked values, so ``y`` lies in [0, 2) with mean 1 and variance ``2 * 1/12 = 1/6``.

    Parameters
    ----------
    n : int, number of sequences (>= 1)
    T : int, sequence length (>= 2)
    rng : numpy.random.Generator

    Returns
    -------
    X : ndarray (n, T, 2)
    y : ndarray (n, 1)

    Examples
    --------
    >>> import numpy as np
    >>> X, y = adding_problem(1, 6, np.random.default_rng(1))
    >>> marked = np.flatnonzero(X[0, :, 1])
    >>> bool(marked[0] < 3 <= marked[1]), bool(np.isclose(y[0, 0], X[0, marked, 0].sum()))
    (True, True)
    """
    n = check_int(n, "n", "adding_problem", low=1)
    T = check_int(T, "T", "adding_problem", low=2)
    half = T // 2
    X = np.zeros((n, T, 2))
    X[:, :, 0] = rng.uniform(0.0, 1.0, size=(n, T))
    rows = np.arange(n)
    first = rng.integers(0, half, size=n)
    second = rng.integers(half, T, size=n)
    X[rows, first, 1] = 1.0
    X[rows, second, 1] = 1.0
    y = (X[rows, first, 0] + X[rows, second, 0])[:, None]
    return X, y


def mse(pred, y):
    """Half mean squared error ``sum((pred - y)**2) / (2 N)``, as ``layers.mse_loss`` computes it.

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
    pred = np.asarray(pred, dtype=float)
    return layers.mse_loss(pred, y)[0]


def mean_baseline_mse(y):
    """The ``mse`` of always predicting the mean of ``y``: half the (biased) variance of ``y``.

    For the adding problem the expected value is ``(1/6) / 2 = 1/12 ≈ 0.0833``
    (``ADDING_BASELINE_MSE``); in the plain-MSE convention of the papers it is ``1/6 ≈ 0.167``.
    A trained model has to go clearly below this to have used the marked values.

    Parameters
    ----------
    y : ndarray (N, 1) or (N,)

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> _, y = adding_problem(20000, 10, np.random.default_rng(0))
    >>> round(ADDING_BASELINE_MSE, 4), abs(mean_baseline_mse(y) - ADDING_BASELINE_MSE) < 0.002
    (0.0833, True)
    """
    y = np.asarray(y, dtype=float)
    y = y.reshape(len(y), -1)
    return mse(np.broadcast_to(y.mean(axis=0), y.shape), y)


@dataclass
class SequenceHistory:
    """A training run of ``train_sequence_model`` (row ``s`` is step ``s``).

    Attributes
    ----------
    kind : {"rnn", "lstm"}
    loss : ndarray (steps,), the mini-batch ``mse`` before the step
    grad_norm : ndarray (steps,), global gradient norm before clipping
    first_step_grad : ndarray (steps,)
        ``||dL/dh_0|| / ||dL/dh_{T-1}||``: how much of the gradient at the last hidden state
        reaches the first step. Tiny values mean the first marked value cannot be learned.
    params : dict, the trained ``{"Wx", "Wh", "b", "W_out", "b_out"}``
    """

    kind: str
    loss: np.ndarray
    grad_norm: np.ndarray
    first_step_grad: np.ndarray
    params: dict


def predict_sequence_model(kind, params, X):
    """Readout of the last hidden state: ``h_{T-1} @ W_out + b_out``, ndarray (N, 1).

    ``params`` as in ``SequenceHistory.params``; ``X`` (N, T, D). The initial state is zero.
    """
    check_choice(kind, "kind", "predict_sequence_model", tuple(_MODELS))
    forward, _ = _MODELS[kind]
    X = np.asarray(X, dtype=float)
    H = params["Wh"].shape[0]
    h, _ = forward(X, np.zeros((len(X), H)), params["Wx"], params["Wh"], params["b"])
    return h[:, -1] @ params["W_out"] + params["b_out"]


def train_sequence_model(kind, X, y, H, steps, lr, rng, optimizer="adam", clip=None,
                         batch_size=None, forget_bias=1.0, scale=1.0):
    """Train a recurrent layer and a linear readout of its last hidden state with ``mse``.

    The model is ``pred = h_{T-1} @ W_out + b_out`` with ``h`` from ``rnn_forward`` or
    ``lstm_forward`` (zero initial state). The loss only sees the last step, so everything the
    model learns about earlier inputs arrives by backprop through time.

    Parameters
    ----------
    kind : {"rnn", "lstm"}
    X : ndarray (n, T, D); y : ndarray (n, 1)
    H : int, hidden width
    steps : int, number of updates
    lr : float, learning rate
    rng : numpy.random.Generator, for the initial weights and the mini-batches
    optimizer : str or object with ``step(params, grads)`` (see ``vgteach.optim``)
    clip : float or None, clip the global gradient norm to this value before each step
    batch_size : int or None (full batch)
    forget_bias : float, LSTM forget-gate bias (see ``recurrent.init_lstm``)
    scale : float, singular value of the recurrent weight blocks (see ``recurrent.init_rnn``)

    Returns
    -------
    SequenceHistory

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X, y = adding_problem(32, 5, rng)
    >>> hist = train_sequence_model("lstm", X, y, H=4, steps=3, lr=0.01, rng=rng)
    >>> hist.loss.shape, sorted(hist.params)
    ((3,), ['W_out', 'Wh', 'Wx', 'b', 'b_out'])
    """
    check_choice(kind, "kind", "train_sequence_model", tuple(_MODELS))
    H = check_int(H, "H", "train_sequence_model", low=1)
    steps = check_int(steps, "steps", "train_sequence_model", low=1)
    lr = check_float(lr, "lr", "train_sequence_model", low=0.0)
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float).reshape(len(X), -1)
    n, T, D = X.shape
    if batch_size is not None:
        batch_size = check_int(batch_size, "batch_size", "train_sequence_model", low=1, high=n)
    if isinstance(optimizer, str):
        optimizer = optim.make_optimizer(optimizer, lr=lr)
    forward, backward = _MODELS[kind]
    if kind == "rnn":
        params = recurrent.init_rnn(D, H, rng, scale=scale)
    else:
        params = recurrent.init_lstm(D, H, rng, forget_bias=forget_bias, scale=scale)
    params["W_out"] = rng.normal(0.0, np.sqrt(1.0 / H), size=(H, y.shape[1]))
    params["b_out"] = np.zeros(y.shape[1])
    names = ["Wx", "Wh", "b", "W_out", "b_out"]
    losses, gnorms, first = np.zeros(steps), np.zeros(steps), np.zeros(steps)
    for s in range(steps):
        idx = slice(None) if batch_size is None else rng.choice(n, batch_size, replace=False)
        xb, yb = X[idx], y[idx]
        h, cache = forward(xb, np.zeros((len(xb), H)), params["Wx"], params["Wh"], params["b"])
        out, out_cache = layers.affine_forward(h[:, -1], params["W_out"], params["b_out"])
        losses[s], dout = layers.mse_loss(out, yb)
        dlast, dW_out, db_out = layers.affine_backward(dout, out_cache)
        dh = np.zeros_like(h)
        dh[:, -1] = dlast
        _, _, dWx, dWh, db, states = backward(dh, cache, return_state_grads=True)
        top = np.linalg.norm(states.dh[:, -1])
        first[s] = np.linalg.norm(states.dh[:, 0]) / top if top > 0 else 0.0
        grads = [dWx, dWh, db, dW_out, db_out]
        gnorms[s] = optim.global_norm(grads)
        if clip is not None:
            grads = optim.clip_by_norm(grads, clip)
        optimizer.step([params[k] for k in names], grads)
    return SequenceHistory(kind=kind, loss=losses, grad_norm=gnorms, first_step_grad=first,
                           params=params)
