"""A vanilla tanh RNN and an LSTM, forward and backward through time, in the CS231n style.

Every piece is a pair ``<name>_forward(...) -> (out, cache)`` and
``<name>_backward(dout, cache) -> grads``; gradients are named ``d<name>``. Shapes use
N = batch size, T = sequence length, D = input width, H = hidden width. Time is unrolled with
plain ``for`` loops (no recursion), so sequences of 1,000 steps and more are fine.

Vanilla RNN, one step::

    h_t = tanh(x_t @ Wx + h_{t-1} @ Wh + b)        Wx (D, H), Wh (H, H), b (H,)

LSTM, one step, with the four gate blocks of ``a`` in the order input, forget, output,
candidate (i, f, o, g)::

    a   = x_t @ Wx + h_{t-1} @ Wh + b              Wx (D, 4H), Wh (H, 4H), b (4H,)
    i   = sigmoid(a[:, :H]),    f = sigmoid(a[:, H:2H])
    o   = sigmoid(a[:, 2H:3H]), g = tanh(a[:, 3H:])
    c_t = f * c_{t-1} + i * g
    h_t = o * tanh(c_t)

Why the LSTM keeps gradients alive: going back one step, the RNN multiplies the gradient by
``Wh.T`` and by ``tanh'`` (at most 1), so over many steps it shrinks (or grows) geometrically.
The LSTM's cell state is updated additively, so ``dL/dc_{t-1}`` receives ``dL/dc_t * f``: no
weight matrix and no squashing derivative on that path. With ``f`` close to 1 the error flows
back unchanged for many steps, Hochreiter & Schmidhuber's *constant error carousel*.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> p = init_lstm(3, 4, rng)
>>> x = rng.normal(size=(2, 5, 3))
>>> h, cache = lstm_forward(x, np.zeros((2, 4)), p["Wx"], p["Wh"], p["b"])
>>> grads = lstm_backward(np.ones_like(h), cache)
>>> dx, dh0, dWx, dWh, db = grads             # unpacks like CS231n's tuple
>>> h.shape, dx.shape, dWh.shape, grads.dc.shape
((2, 5, 4), (2, 5, 3), (4, 16), (2, 5, 4))
"""
from dataclasses import dataclass

import numpy as np

from . import initializers
from ._threads import blas_limited
from ._validation import check_float, check_int, check_shape
from .activations import sigmoid

__all__ = [
    "rnn_step_forward", "rnn_step_backward", "rnn_forward", "rnn_backward",
    "lstm_step_forward", "lstm_step_backward", "lstm_forward", "lstm_backward",
    "lstm_gates", "init_rnn", "init_lstm", "RNNCache", "LSTMCache", "RecurrentGrads",
]


# ---------------------------------------------------------------------------------------------
# Caches and state gradients
# ---------------------------------------------------------------------------------------------

@dataclass
class RNNCache:
    """What ``rnn_forward`` keeps for the backward pass (and for a teacher to show).

    Attributes
    ----------
    x : ndarray (N, T, D), h0 : ndarray (N, H), Wx, Wh : the weights used
    h : ndarray (N, T, H), the hidden states ``h_t`` (``1 - h**2`` is the tanh slope at each step)
    """

    x: np.ndarray
    h0: np.ndarray
    Wx: np.ndarray
    Wh: np.ndarray
    h: np.ndarray


@dataclass
class LSTMCache:
    """What ``lstm_forward`` keeps for the backward pass (and for a teacher to show).

    Attributes
    ----------
    x : ndarray (N, T, D), h0 : ndarray (N, H), Wx, Wh : the weights used
    act : ndarray (N, T, 4H), the gate activations ``[i, f, o, g]`` side by side
    c : ndarray (N, T, H), the cell states ``c_t``
    tanh_c : ndarray (N, T, H), ``tanh(c_t)``
    h : ndarray (N, T, H), the hidden states ``h_t``
    c0 : ndarray (N, H), the initial cell state (zeros unless given)
    """

    x: np.ndarray
    h0: np.ndarray
    Wx: np.ndarray
    Wh: np.ndarray
    act: np.ndarray
    c: np.ndarray
    tanh_c: np.ndarray
    h: np.ndarray
    c0: np.ndarray

    @property
    def gates(self):
        """The gate activations as ``{"i", "f", "o", "g"} -> (N, T, H)`` (see ``lstm_gates``)."""
        return lstm_gates(self)


@dataclass
class RecurrentGrads:
    """What ``rnn_backward`` and ``lstm_backward`` return, always: the gradient w.r.t. every
    input of the forward pass, and the total gradient on the states at every step.

    It unpacks like CS231n's tuple of input gradients, in the forward's argument order:
    ``dx, dh0, dWx, dWh, db = lstm_backward(dh, cache)``; the per-step gradients are attributes.

    Attributes
    ----------
    dx : ndarray (N, T, D)
    dh0 : ndarray (N, H)
    dWx : ndarray (D, G*H), G = 1 for the RNN, 4 for the LSTM
    dWh : ndarray (H, G*H)
    db : ndarray (G*H,)
    dh : ndarray (N, T, H)
        ``dh[:, t] = dL/dh_t``, the total gradient on the hidden state ``h_t``: the upstream
        ``dh[:, t]`` given to the backward pass plus everything flowing back from later steps.
    dc : ndarray (N, T, H) or None
        LSTM only: ``dc[:, t] = dL/dc_t``, the total gradient on the cell state ``c_t``,
        including the path through ``h_t = o_t * tanh(c_t)``. None for the RNN.
    """

    dx: np.ndarray
    dh0: np.ndarray
    dWx: np.ndarray
    dWh: np.ndarray
    db: np.ndarray
    dh: np.ndarray
    dc: np.ndarray = None

    def __iter__(self):
        """The input gradients ``dx, dh0, dWx, dWh, db``, in the forward's argument order."""
        return iter((self.dx, self.dh0, self.dWx, self.dWh, self.db))


# ---------------------------------------------------------------------------------------------
# Vanilla RNN
# ---------------------------------------------------------------------------------------------

def _rnn_cell(a):
    """``h = tanh(a)`` from the step's pre-activation ``a`` (N, H)."""
    return np.tanh(a)


def _rnn_cell_backward(dh, h):
    """``da = dL/da`` (N, H) of one RNN cell; tanh's slope is read from its output ``h``."""
    return dh * (1.0 - h * h)


def rnn_step_forward(x, h_prev, Wx, Wh, b):
    """One step of a tanh RNN: ``h = tanh(x @ Wx + h_prev @ Wh + b)``.

    Parameters
    ----------
    x : ndarray (N, D)
    h_prev : ndarray (N, H)
    Wx : ndarray (D, H)
    Wh : ndarray (H, H)
    b : ndarray (H,)

    Returns
    -------
    h : ndarray (N, H)
    cache : tuple for ``rnn_step_backward``

    Examples
    --------
    >>> import numpy as np
    >>> h, _ = rnn_step_forward(np.ones((1, 2)), np.zeros((1, 3)), np.zeros((2, 3)),
    ...                         np.eye(3), np.zeros(3))
    >>> h
    array([[0., 0., 0.]])
    """
    h = _rnn_cell(x @ Wx + h_prev @ Wh + b)
    return h, (x, h_prev, Wx, Wh, h)


def rnn_step_backward(dh, cache):
    """Gradients of one RNN step, given ``dh = dL/dh`` (N, H).

    The tanh slope is read from the output: ``tanh'(a) = 1 - h**2``.

    Returns
    -------
    dx : ndarray (N, D)
    dh_prev : ndarray (N, H)
    dWx : ndarray (D, H)
    dWh : ndarray (H, H)
    db : ndarray (H,)
    """
    x, h_prev, Wx, Wh, h = cache
    da = _rnn_cell_backward(dh, h)
    return da @ Wx.T, da @ Wh.T, x.T @ da, h_prev.T @ da, da.sum(axis=0)


@blas_limited
def rnn_forward(x, h0, Wx, Wh, b):
    """Run a tanh RNN over a whole sequence.

    Parameters
    ----------
    x : ndarray (N, T, D)
    h0 : ndarray (N, H), the initial hidden state
    Wx : ndarray (D, H)
    Wh : ndarray (H, H)
    b : ndarray (H,)

    Returns
    -------
    h : ndarray (N, T, H), the hidden state after every step
    cache : RNNCache

    Examples
    --------
    >>> import numpy as np
    >>> p = init_rnn(2, 3, np.random.default_rng(0))
    >>> h, cache = rnn_forward(np.zeros((4, 7, 2)), np.zeros((4, 3)), p["Wx"], p["Wh"], p["b"])
    >>> h.shape, float(abs(h).max())
    ((4, 7, 3), 0.0)
    """
    x, h0, Wx, Wh, b = _as_float(x, h0, Wx, Wh, b)
    N, T, D, H = _check_shapes("rnn_forward", x, h0, Wx, Wh, b, gates=1)
    xw = _input_projections(x, Wx, b)
    h = np.empty((N, T, H))
    h_prev = h0
    for t in range(T):
        h[:, t] = _rnn_cell(xw[:, t] + h_prev @ Wh)
        h_prev = h[:, t]
    return h, RNNCache(x=x, h0=h0, Wx=Wx, Wh=Wh, h=h)


@blas_limited
def rnn_backward(dh, cache):
    """Backprop through time for ``rnn_forward``.

    Going back one step multiplies the gradient by ``tanh'`` and by ``Wh.T``::

        dL/dh_{t-1} = dh[:, t-1] + (dL/dh_t * (1 - h_t**2)) @ Wh.T

    which is why it vanishes (or explodes) geometrically over many steps.

    Parameters
    ----------
    dh : ndarray (N, T, H), the upstream gradient on every hidden state
    cache : RNNCache from ``rnn_forward``

    Returns
    -------
    RecurrentGrads
        ``dx`` (N, T, D), ``dh0`` (N, H), ``dWx`` (D, H), ``dWh`` (H, H), ``db`` (H,), and
        ``dh`` (N, T, H) with ``dL/dh_t`` at every step (``dc`` is None).

    Examples
    --------
    >>> import numpy as np
    >>> p = init_rnn(2, 3, np.random.default_rng(0))
    >>> h, cache = rnn_forward(np.ones((1, 4, 2)), np.zeros((1, 3)), p["Wx"], p["Wh"], p["b"])
    >>> dh = np.zeros_like(h); dh[:, -1] = 1.0          # a loss on the last state only
    >>> grads = rnn_backward(dh, cache)
    >>> grads.dh.shape, bool(np.all(grads.dh[:, -1] == 1.0)), grads.dWh.shape
    ((1, 4, 3), True, (3, 3))
    """
    h, Wh = cache.h, cache.Wh
    N, T, H = h.shape
    dh = np.asarray(dh, dtype=float)
    da = np.empty((N, T, H))
    dh_total = np.empty((N, T, H))
    dh_next = np.zeros((N, H))
    for t in range(T - 1, -1, -1):
        dh_total[:, t] = dh[:, t] + dh_next
        da[:, t] = _rnn_cell_backward(dh_total[:, t], h[:, t])
        dh_next = da[:, t] @ Wh.T
    return RecurrentGrads(*_input_grads(da, dh_next, cache), dh=dh_total)


# ---------------------------------------------------------------------------------------------
# LSTM
# ---------------------------------------------------------------------------------------------

def _lstm_cell(a, c_prev):
    """Gate activations ``[i, f, o, g]`` (N, 4H), ``c``, ``tanh(c)`` and ``h`` from ``a``."""
    H = c_prev.shape[1]
    act = np.empty_like(a)
    act[:, :3 * H] = sigmoid(a[:, :3 * H])
    act[:, 3 * H:] = np.tanh(a[:, 3 * H:])
    i, f, o, g = act[:, :H], act[:, H:2 * H], act[:, 2 * H:3 * H], act[:, 3 * H:]
    c = f * c_prev + i * g
    tanh_c = np.tanh(c)
    return act, c, tanh_c, o * tanh_c


def _lstm_cell_backward(dh, dc, act, c_prev, tanh_c):
    """Return ``da`` (N, 4H), ``dc_prev`` and the total ``dL/dc`` (N, H) of one LSTM cell."""
    H = c_prev.shape[1]
    i, f, o, g = act[:, :H], act[:, H:2 * H], act[:, 2 * H:3 * H], act[:, 3 * H:]
    dc_total = dc + dh * o * (1.0 - tanh_c * tanh_c)
    da = np.empty_like(act)
    da[:, :H] = dc_total * g * i * (1.0 - i)
    da[:, H:2 * H] = dc_total * c_prev * f * (1.0 - f)
    da[:, 2 * H:3 * H] = dh * tanh_c * o * (1.0 - o)
    da[:, 3 * H:] = dc_total * i * (1.0 - g * g)
    # The constant error carousel: the cell path back in time is a plain product with f.
    dc_prev = dc_total * f
    return da, dc_prev, dc_total


def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b):
    """One LSTM step (gate order i, f, o, g; see the module docstring for the formulas).

    Parameters
    ----------
    x : ndarray (N, D)
    h_prev, c_prev : ndarray (N, H)
    Wx : ndarray (D, 4H)
    Wh : ndarray (H, 4H)
    b : ndarray (4H,)

    Returns
    -------
    h, c : ndarray (N, H)
    cache : tuple for ``lstm_step_backward``

    Examples
    --------
    >>> import numpy as np
    >>> b = np.array([0.0, 50.0, 0.0, 0.0])      # forget gate wide open, f = 1
    >>> h, c, _ = lstm_step_forward(np.zeros((1, 1)), np.zeros((1, 1)), np.array([[0.3]]),
    ...                             np.zeros((1, 4)), np.zeros((1, 4)), b)
    >>> c                                          # the cell state carries over unchanged
    array([[0.3]])
    """
    a = x @ Wx + h_prev @ Wh + b
    act, c, tanh_c, h = _lstm_cell(a, c_prev)
    return h, c, (x, h_prev, c_prev, Wx, Wh, act, tanh_c)


def lstm_step_backward(dh, dc, cache):
    """Gradients of one LSTM step, given ``dh = dL/dh`` and ``dc = dL/dc`` from above (N, H).

    ``dc`` is the gradient arriving on ``c`` from the next step; the path through ``h`` is
    added here. The cell path back is ``dc_prev = dL/dc * f``: the constant error carousel.

    Returns
    -------
    dx : ndarray (N, D)
    dh_prev, dc_prev : ndarray (N, H)
    dWx : ndarray (D, 4H)
    dWh : ndarray (H, 4H)
    db : ndarray (4H,)
    """
    x, h_prev, c_prev, Wx, Wh, act, tanh_c = cache
    da, dc_prev, _ = _lstm_cell_backward(dh, dc, act, c_prev, tanh_c)
    return da @ Wx.T, da @ Wh.T, dc_prev, x.T @ da, h_prev.T @ da, da.sum(axis=0)


@blas_limited
def lstm_forward(x, h0, Wx, Wh, b, c0=None):
    """Run an LSTM over a whole sequence; the initial cell state is zero unless ``c0`` is given.

    Parameters
    ----------
    x : ndarray (N, T, D)
    h0 : ndarray (N, H), the initial hidden state
    Wx : ndarray (D, 4H)
    Wh : ndarray (H, 4H)
    b : ndarray (4H,), gate blocks in the order i, f, o, g
    c0 : ndarray (N, H) or None, the initial cell state (None means zeros)

    Returns
    -------
    h : ndarray (N, T, H), the hidden state after every step
    cache : LSTMCache (``cache.c`` holds the cell states, ``lstm_gates(cache)`` the gates)

    Examples
    --------
    >>> import numpy as np
    >>> p = init_lstm(2, 3, np.random.default_rng(0), forget_bias=1.0)
    >>> h, cache = lstm_forward(np.zeros((4, 6, 2)), np.zeros((4, 3)), p["Wx"], p["Wh"], p["b"])
    >>> f = lstm_gates(cache)["f"]
    >>> h.shape, f.shape, round(float(f[0, 0, 0]), 4)     # sigmoid(1) at the first step
    ((4, 6, 3), (4, 6, 3), 0.7311)
    """
    x, h0, Wx, Wh, b = _as_float(x, h0, Wx, Wh, b)
    N, T, D, H = _check_shapes("lstm_forward", x, h0, Wx, Wh, b, gates=4)
    c0 = np.zeros((N, H)) if c0 is None else np.asarray(c0, dtype=float)
    check_shape(c0, "c0", "lstm_forward", (N, H), f"for h0 of shape {h0.shape}")
    xw = _input_projections(x, Wx, b)
    act = np.empty((N, T, 4 * H))
    c, tanh_c, h = np.empty((N, T, H)), np.empty((N, T, H)), np.empty((N, T, H))
    h_prev, c_prev = h0, c0
    for t in range(T):
        act[:, t], c[:, t], tanh_c[:, t], h[:, t] = _lstm_cell(xw[:, t] + h_prev @ Wh, c_prev)
        h_prev, c_prev = h[:, t], c[:, t]
    return h, LSTMCache(x=x, h0=h0, Wx=Wx, Wh=Wh, act=act, c=c, tanh_c=tanh_c, h=h, c0=c0)


@blas_limited
def lstm_backward(dh, cache):
    """Backprop through time for ``lstm_forward``.

    Two paths carry the gradient back one step: through ``h`` (a product with ``Wh.T`` and gate
    slopes, like the RNN) and along the cell state, where ``dL/dc_{t-1}`` receives
    ``dL/dc_t * f_t`` and nothing else. With ``f`` near 1 that path neither shrinks nor grows:
    the constant error carousel.

    Parameters
    ----------
    dh : ndarray (N, T, H), the upstream gradient on every hidden state
    cache : LSTMCache from ``lstm_forward``

    Returns
    -------
    RecurrentGrads
        ``dx`` (N, T, D), ``dh0`` (N, H), ``dWx`` (D, 4H), ``dWh`` (H, 4H), ``db`` (4H,), and
        ``dh``, ``dc`` (N, T, H) with ``dL/dh_t`` and ``dL/dc_t`` at every step.

    Examples
    --------
    >>> import numpy as np
    >>> p = init_lstm(1, 2, np.random.default_rng(0))
    >>> h, cache = lstm_forward(np.ones((1, 3, 1)), np.zeros((1, 2)), p["Wx"], p["Wh"], p["b"])
    >>> grads = lstm_backward(np.ones_like(h), cache)
    >>> grads.dh.shape, grads.dc.shape, grads.db.shape
    ((1, 3, 2), (1, 3, 2), (8,))
    """
    h, c, act, tanh_c = cache.h, cache.c, cache.act, cache.tanh_c
    N, T, H = h.shape
    dh = np.asarray(dh, dtype=float)
    da = np.empty((N, T, 4 * H))
    dh_total, dc_total = np.empty((N, T, H)), np.empty((N, T, H))
    dh_next, dc_next = np.zeros((N, H)), np.zeros((N, H))
    WhT = cache.Wh.T
    for t in range(T - 1, -1, -1):
        dh_total[:, t] = dh[:, t] + dh_next
        c_prev = c[:, t - 1] if t > 0 else cache.c0
        da[:, t], dc_next, dc_total[:, t] = _lstm_cell_backward(
            dh_total[:, t], dc_next, act[:, t], c_prev, tanh_c[:, t])
        dh_next = da[:, t] @ WhT
    return RecurrentGrads(*_input_grads(da, dh_next, cache), dh=dh_total, dc=dc_total)


def lstm_gates(cache):
    """The LSTM's gate activations at every step, ``{"i", "f", "o", "g"} -> ndarray (N, T, H)``.

    ``i, f, o`` are in (0, 1) (sigmoid), ``g`` in (-1, 1) (tanh). The arrays are copies, so
    changing them cannot corrupt the cache.
    """
    H = cache.h.shape[2]
    return {name: cache.act[:, :, k * H:(k + 1) * H].copy() for k, name in enumerate("ifog")}


# ---------------------------------------------------------------------------------------------
# Initialization and the gradient-through-time experiment
# ---------------------------------------------------------------------------------------------

def init_rnn(D, H, rng, scale=1.0):
    """Parameters for ``rnn_forward``: ``{"Wx": (D, H), "Wh": (H, H), "b": (H,)}``.

    ``Wx`` is LeCun-normal (variance 1/D); ``Wh`` is ``scale`` times a random orthogonal matrix,
    so every singular value of ``Wh`` equals ``scale``: below 1 the gradient through time must
    vanish (tanh' <= 1 only shrinks it further), above 1 it can explode. ``b`` is zero.

    Examples
    --------
    >>> import numpy as np
    >>> p = init_rnn(2, 3, np.random.default_rng(0), scale=0.5)
    >>> np.round(np.linalg.svd(p["Wh"], compute_uv=False), 6)
    array([0.5, 0.5, 0.5])
    """
    D = check_int(D, "D", "init_rnn", low=1)
    H = check_int(H, "H", "init_rnn", low=1)
    scale = check_float(scale, "scale", "init_rnn", low=0.0)
    return {"Wx": initializers.lecun(D, H, rng),
            "Wh": initializers.orthogonal(H, H, rng, gain=scale),
            "b": np.zeros(H)}


def init_lstm(D, H, rng, forget_bias=1.0, scale=1.0):
    """Parameters for ``lstm_forward``: ``{"Wx": (D, 4H), "Wh": (H, 4H), "b": (4H,)}``.

    ``Wx`` is LeCun-normal (variance 1/D); each gate's block of ``Wh`` is ``scale`` times a random
    orthogonal matrix. ``b`` is zero except the forget-gate block, which is ``forget_bias``: a
    positive value starts ``f = sigmoid(forget_bias)`` near 1, so the cell remembers from the
    first update (Gers et al. 2000; Jozefowicz et al. 2015 recommend 1).

    Examples
    --------
    >>> import numpy as np
    >>> p = init_lstm(2, 3, np.random.default_rng(0), forget_bias=2.0)
    >>> p["b"]
    array([0., 0., 0., 2., 2., 2., 0., 0., 0., 0., 0., 0.])
    """
    D = check_int(D, "D", "init_lstm", low=1)
    H = check_int(H, "H", "init_lstm", low=1)
    forget_bias = check_float(forget_bias, "forget_bias", "init_lstm")
    scale = check_float(scale, "scale", "init_lstm", low=0.0)
    Wh = np.concatenate([initializers.orthogonal(H, H, rng, gain=scale) for _ in range(4)],
                        axis=1)
    b = np.zeros(4 * H)
    b[H:2 * H] = forget_bias
    return {"Wx": initializers.lecun(D, 4 * H, rng), "Wh": Wh, "b": b}


# ---------------------------------------------------------------------------------------------
# Private helpers
# ---------------------------------------------------------------------------------------------

def _as_float(*arrays):
    """The arrays as float64 ndarrays (no copy when they already are)."""
    return [np.asarray(a, dtype=float) for a in arrays]


def _input_projections(x, Wx, b):
    """``x_t @ Wx + b`` for every step, (N, T, G*H): the input part of a step does not depend
    on the recurrence, so one matmul serves all t."""
    N, T, D = x.shape
    return (x.reshape(N * T, D) @ Wx + b).reshape(N, T, -1)


def _input_grads(da, dh0, cache):
    """``(dx, dh0, dWx, dWh, db)`` from the pre-activation gradients ``da`` (N, T, G*H) of all
    steps: the weight gradients sum over time, and with every ``da`` known that is one matmul
    each."""
    x, h = cache.x, cache.h
    (N, T, D), H = x.shape, h.shape[2]
    da2 = da.reshape(N * T, -1)
    dx = (da2 @ cache.Wx.T).reshape(N, T, D)
    dWx = x.reshape(N * T, D).T @ da2
    dWh = _previous_states(cache.h0, h).reshape(N * T, H).T @ da2
    return dx, dh0, dWx, dWh, da2.sum(axis=0)


def _previous_states(h0, h):
    """``h_{t-1}`` for every step t: ``h0`` followed by ``h[:, :-1]``, shape (N, T, H)."""
    return np.concatenate([h0[:, None, :], h[:, :-1]], axis=1)


def _check_shapes(func, x, h0, Wx, Wh, b, gates):
    """Return ``(N, T, D, H)``, or raise ValueError naming the first mismatched argument."""
    if x.ndim != 3:
        raise ValueError(f"The 'x' parameter of {func} must have shape (N, T, D). "
                         f"Got {x.shape} instead.")
    N, T, D = x.shape
    if T < 1:
        raise ValueError(f"The 'x' parameter of {func} must hold at least one time step. "
                         f"Got shape {x.shape} instead.")
    H = h0.shape[-1] if h0.ndim == 2 else 0
    if H < 1:
        raise ValueError(f"The 'h0' parameter of {func} must have shape (N, H) with H >= 1 for "
                         f"x of shape {x.shape}. Got {h0.shape} instead.")
    for name, arr, shape in (("h0", h0, (N, H)), ("Wx", Wx, (D, gates * H)),
                             ("Wh", Wh, (H, gates * H)), ("b", b, (gates * H,))):
        check_shape(arr, name, func, shape, f"for x of shape {x.shape}")
    return N, T, D, H
