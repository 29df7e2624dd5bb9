"""How a gradient travels back through time in a tanh RNN and in an LSTM.

``gradient_through_time`` puts a loss on the last hidden state and records the gradient's size
at every earlier step; ``compute_lstm_gates`` runs it for an LSTM with chosen gate biases beside a
tanh RNN, for the gate explorer and lesson 8's figures.

Examples
--------
>>> import numpy as np
>>> g = gradient_through_time("lstm", 30, 8, np.random.default_rng(0), forget_bias=3.0)
>>> bool(g.dc_norm[0] > 1e-3 * g.dc_norm[-1])
True
"""
from dataclasses import dataclass

import numpy as np

from .. import recurrent
from .._threads import blas_limited
from .._validation import check_choice, check_int

__all__ = ["TimeGradients", "gradient_through_time", "GateView", "compute_lstm_gates"]


@dataclass
class TimeGradients:
    """Per-step gradient norms from ``gradient_through_time``; index ``t`` is time step ``t``.

    Attributes
    ----------
    kind : {"rnn", "lstm"}
    dh_norm : ndarray (T,), ``||dL/dh_t||``, with ``dh_norm[-1] == 1``
    dc_norm : ndarray (T,) or None, ``||dL/dc_t||``, the *total* cell gradient (LSTM only)
    dc_cell_norm : ndarray (T,) or None, LSTM only: the part that came along the cell path alone,
        ``||dc_{T-1} * f_{T-1} * ... * f_{t+1}||``; the rest reached ``c_t`` through
        ``h_t -> Wh -> gates`` of later steps. Equals ``dc_norm`` at the last step.
    """

    kind: str
    dh_norm: np.ndarray
    dc_norm: np.ndarray = None
    dc_cell_norm: np.ndarray = None

    @property
    def steps_back(self):
        """Distance in time from the last step, ndarray (T,): ``T-1, ..., 1, 0``."""
        return np.arange(len(self.dh_norm))[::-1]


@blas_limited
def gradient_through_time(kind, T, H, rng, D=1, N=16, scale=1.0, forget_bias=1.0,
                          params=None, x=None):
    """How the gradient of a loss on the *last* hidden state reaches earlier steps.

    Runs ``kind`` over standard-normal inputs (or ``x``), sets a loss ``L = sum(v * h_{T-1})``
    with ``v`` a random direction of norm 1, and backpropagates through time.

    Parameters
    ----------
    kind : {"rnn", "lstm"}
    T, H : int, sequence length and hidden width
    rng : numpy.random.Generator, for the parameters, the inputs and ``v``
    D, N : int, input width (taken from ``params`` when given) and batch size
    scale : float, singular value of the recurrent weight blocks (see ``init_rnn``)
    forget_bias : float, LSTM forget-gate bias (see ``init_lstm``)
    params : dict or None, use these ``{"Wx", "Wh", "b"}`` instead of drawing new ones
    x : ndarray (N, T, D) or None, use these inputs instead of drawing new ones

    Returns
    -------
    TimeGradients
        ``dh_norm[t] = ||dL/dh_t||`` (Frobenius norm over batch and units; 1 at the last step)
        and, for the LSTM, ``dc_norm[t] = ||dL/dc_t||`` and the cell-path-only part
        ``dc_cell_norm[t] = ||dL/dc_{T-1} * f_{T-1} * ... * f_{t+1}||``.

    Examples
    --------
    >>> import numpy as np
    >>> g = gradient_through_time("rnn", 50, 16, np.random.default_rng(0), scale=0.5)
    >>> g.dh_norm.shape, float(g.dh_norm[-1]), bool(g.dh_norm[0] < 1e-10)
    ((50,), 1.0, True)
    """
    check_choice(kind, "kind", "gradient_through_time", ("rnn", "lstm"))
    T = check_int(T, "T", "gradient_through_time", low=1)
    H = check_int(H, "H", "gradient_through_time", low=1)
    if x is None:
        D = params["Wx"].shape[0] if params is not None else D
        D = check_int(D, "D", "gradient_through_time", low=1)
        N = check_int(N, "N", "gradient_through_time", low=1)
        x = rng.normal(size=(N, T, D))
    else:
        x = np.asarray(x, dtype=float)
        N, T, D = x.shape
    if params is None:
        params = (recurrent.init_rnn(D, H, rng, scale=scale) if kind == "rnn"
                  else recurrent.init_lstm(D, H, rng, forget_bias=forget_bias, scale=scale))
    forward, backward = ((recurrent.rnn_forward, recurrent.rnn_backward) if kind == "rnn"
                         else (recurrent.lstm_forward, recurrent.lstm_backward))
    h, cache = forward(x, np.zeros((N, H)), params["Wx"], params["Wh"], params["b"])
    v = rng.normal(size=(N, H))
    dh = np.zeros_like(h)
    dh[:, -1] = v / np.linalg.norm(v)
    grads = backward(dh, cache)
    dh_norm = np.linalg.norm(grads.dh, axis=(0, 2))
    if grads.dc is None:
        return TimeGradients(kind=kind, dh_norm=dh_norm)
    f = recurrent.lstm_gates(cache)["f"]
    # prod_{s=t+1}^{T-1} f_s for every t: a reversed cumulative product, 1 at the last step
    carry = np.ones_like(f)
    carry[:, :-1] = np.cumprod(f[:, :0:-1], axis=1)[:, ::-1]
    dc_cell = grads.dc[:, -1:] * carry
    return TimeGradients(kind=kind, dh_norm=dh_norm,
                         dc_norm=np.linalg.norm(grads.dc, axis=(0, 2)),
                         dc_cell_norm=np.linalg.norm(dc_cell, axis=(0, 2)))


@dataclass
class GateView:
    """Gradient size through time for an LSTM (cell and hidden state) and a tanh RNN.

    Index ``t`` of every array is time step ``t``; the loss sits on the last step.
    """

    forget_bias: float
    input_bias: float
    T: int
    lstm_dc: np.ndarray
    lstm_dh: np.ndarray
    rnn_dh: np.ndarray
    mean_forget: float
    lstm_dc_cell: np.ndarray = None  # the part of lstm_dc that came along the cell path alone
    show_cell_path: bool = False

    @property
    def steps_back(self):
        """Distance in time from the loss, ``T-1, ..., 0``."""
        return np.arange(self.T)[::-1]


@blas_limited
def compute_lstm_gates(forget_bias=1.0, input_bias=0.0, T=100, rnn_scale=1.0, H=16, seed=0,
                       cell_path=False):
    """``gradient_through_time`` for an LSTM whose forget- and input-gate biases
    start at ``forget_bias`` and ``input_bias``, and for a tanh RNN with ``||Wh||_2 = rnn_scale``,
    on the same standard-normal inputs. ``mean_forget`` is the average forget gate value;
    ``lstm_dc_cell`` the cell-path-only part of ``lstm_dc`` (drawn when ``cell_path``)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(16, T, 1))
    params = recurrent.init_lstm(1, H, rng, forget_bias=forget_bias)
    params["b"][:H] = input_bias
    lstm = gradient_through_time("lstm", T, H, rng, params=params, x=x)
    rnn = gradient_through_time("rnn", T, H, rng, scale=rnn_scale, x=x)
    _, cache = recurrent.lstm_forward(x, np.zeros((16, H)), params["Wx"], params["Wh"],
                                      params["b"])
    return GateView(float(forget_bias), float(input_bias), int(T), lstm.dc_norm, lstm.dh_norm,
                    rnn.dh_norm, float(recurrent.lstm_gates(cache)["f"].mean()),
                    lstm.dc_cell_norm, bool(cell_path))
