"""Training loops that record what a teacher wants to show at every step: ``train`` for an
``MLP``, ``train_sequence_model`` for a recurrent layer (RNN or LSTM) with a linear readout of
its last hidden state.

Examples
--------
>>> import numpy as np
>>> from vgteach.mlp import MLP
>>> rng = np.random.default_rng(0)
>>> X = rng.normal(size=(64, 2)); y = (X[:, :1] * X[:, 1:]) > 0
>>> hist = train(MLP([2, 8, 1], activation="tanh"), X, y.astype(float), steps=5, rng=rng)
>>> hist.delta_norms.shape
(5, 2)
"""
from dataclasses import dataclass

import numpy as np

from . import layers, optim, recurrent
from ._threads import blas_limited
from ._validation import check_choice, check_float, check_int

__all__ = ["History", "train", "SequenceHistory", "train_sequence_model",
           "predict_sequence_model"]

_MODELS = {"rnn": (recurrent.rnn_forward, recurrent.rnn_backward),
           "lstm": (recurrent.lstm_forward, recurrent.lstm_backward)}


@dataclass
class History:
    """Per-step records of a training run (row ``t`` is step ``t``; columns are layers).

    Attributes
    ----------
    loss : ndarray (steps,), the mini-batch loss before the step
    delta_norms, dW_norms, db_norms : ndarray (steps, L)
    update_ratio : ndarray (steps, L), ``||W_new - W_old|| / ||W_old||`` per weight matrix
    grad_norm : ndarray (steps,), global gradient norm before clipping
    """

    loss: np.ndarray
    delta_norms: np.ndarray
    dW_norms: np.ndarray
    db_norms: np.ndarray
    update_ratio: np.ndarray
    grad_norm: np.ndarray


@blas_limited
def train(net, X, y, steps=100, lr=0.1, batch_size=None, loss="mse", optimizer=None,
          clip=None, rng=None):
    """Train ``net`` in place by mini-batch gradient descent and record every step.

    Parameters
    ----------
    net : MLP (anything with ``loss_and_grads``, ``parameters``, ``gradient_list``, ``weights``)
    X : ndarray (N, D); y : targets as ``net.loss_and_grads`` takes them
    steps : int, number of updates
    lr : float, learning rate for the default SGD optimizer
    batch_size : int or None (full batch)
    loss : {"mse", "cross_entropy", "sigmoid_cross_entropy"}
    optimizer : an object with ``step(params, grads)`` (see ``vgteach.optim``) or a name
    clip : float or None, clip the global gradient norm to this value before each step
    rng : numpy.random.Generator for mini-batch sampling (required when batch_size is set)

    Returns
    -------
    History
    """
    steps = check_int(steps, "steps", "train", low=1)
    if optimizer is None:
        optimizer = optim.SGD(lr)
    elif isinstance(optimizer, str):
        optimizer = optim.make_optimizer(optimizer, func="train", lr=lr)
    n = len(X)
    if batch_size is not None:
        batch_size = check_int(batch_size, "batch_size", "train", low=1, high=n)
        if rng is None:
            raise ValueError("train needs an explicit rng=np.random.default_rng(seed) "
                             "to sample mini-batches.")
    L = net.n_layers
    rec = {k: np.zeros((steps, L)) for k in ("delta_norms", "dW_norms", "db_norms",
                                             "update_ratio")}
    losses, gnorms = np.zeros(steps), np.zeros(steps)
    y = np.asarray(y)
    for t in range(steps):
        idx = slice(None) if batch_size is None else rng.choice(n, batch_size, replace=False)
        value, grads = net.loss_and_grads(X[idx], y[idx], loss=loss)
        losses[t] = value
        rec["delta_norms"][t] = grads.delta_norms
        rec["dW_norms"][t] = grads.dW_norms
        rec["db_norms"][t] = grads.db_norms
        gl = net.gradient_list(grads)
        gnorms[t] = optim.global_norm(gl)
        if clip is not None:
            gl = optim.clip_by_norm(gl, clip)
        before = [W.copy() for W in net.weights]
        optimizer.step(net.parameters(), gl)
        rec["update_ratio"][t] = [optim.norm(W - W0) / max(optim.norm(W0), 1e-300)
                                  for W, W0 in zip(net.weights, before)]
    return History(loss=losses, grad_norm=gnorms, **rec)


# ---------------------------------------------------------------- recurrent models
@dataclass
class SequenceHistory:
    """A training run of ``train_sequence_model`` (row ``s`` is step ``s``).

    Attributes
    ----------
    kind : {"rnn", "lstm"}
    loss : ndarray (steps,), the mini-batch half-MSE (``layers.mse``) before the step
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


@blas_limited
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


@blas_limited
def train_sequence_model(kind, X, y, H, steps, lr, rng, optimizer="adam", clip=None,
                         batch_size=None, forget_bias=1.0, scale=1.0):
    """Train a recurrent layer and a linear readout of its last hidden state with the half-MSE loss
    (``layers.mse_loss``).

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
    >>> from vgteach.data import adding_problem
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
        optimizer = optim.make_optimizer(optimizer, func="train_sequence_model", lr=lr)
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
        g = backward(dh, cache)
        top = np.linalg.norm(g.dh[:, -1])
        first[s] = np.linalg.norm(g.dh[:, 0]) / top if top > 0 else 0.0
        grads = [g.dWx, g.dWh, g.db, dW_out, db_out]
        gnorms[s] = optim.global_norm(grads)
        if clip is not None:
            grads = optim.clip_by_norm(grads, clip)
        optimizer.step([params[k] for k in names], grads)
    return SequenceHistory(kind=kind, loss=losses, grad_norm=gnorms, first_step_grad=first,
                           params=params)
