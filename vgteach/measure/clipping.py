"""Exploding gradients through time in a tanh RNN, and what clipping by norm does about them.

Pascanu, Mikolov & Bengio (2013): going back one step multiplies the gradient by
``diag(1 - h_t**2) @ Wh.T``; with the largest singular value of ``Wh`` above 1 (necessary for
exploding, for tanh), the product over many steps can grow geometrically, so the gradient of a
loss on the last step can be orders of magnitude larger for long sequences than for short ones,
and can jump from one training step to the next. Clipping rescales the whole gradient when its
global norm exceeds a threshold: ``g <- theta * g / ||g||``.

The model is the one ``vgteach.train.train_sequence_model`` trains: a tanh RNN
(``vgteach.recurrent``) and a linear readout of its last hidden state, half-MSE loss, here with
plain SGD so that the step is ``lr * g`` and nothing else rescales it. ``_rnn_weight_grads`` is
the one place that calls the RNN's backward pass.

Examples
--------
>>> import numpy as np
>>> from vgteach.data import adding_problem
>>> X, y = adding_problem(32, 10, np.random.default_rng(0))
>>> run = train_rnn(X, y, H=8, steps=5, lr=0.1, seed=0, clip=1.0, batch_size=16)
>>> run.loss.shape, bool(run.grad_norm.min() > 0), run.diverged_at
((5,), True, -1)
"""
from dataclasses import dataclass

import numpy as np

from .. import layers, optim, recurrent
from ..data import adding_problem
from ..stored import reusable

__all__ = ["init_rnn_regressor", "rnn_loss_and_grads", "gradient_norm_vs_length", "RNNRun",
           "train_rnn"]

#: parameter names, in the order of the gradient lists below
NAMES = ("Wx", "Wh", "b", "W_out", "b_out")
#: a run has diverged once its loss is not finite or exceeds this many times its first loss
BLOW_UP = 1e6


def init_rnn_regressor(D, H, rng, scale=1.0):
    """Parameters of a tanh RNN with a linear readout of its last state (one output).

    ``Wx, Wh, b`` from ``recurrent.init_rnn`` (every singular value of ``Wh`` equals ``scale``);
    ``W_out`` normal with variance ``1/H``; ``b_out`` zero. Returns a dict of arrays.
    """
    params = recurrent.init_rnn(D, H, rng, scale=scale)
    params["W_out"] = rng.normal(0.0, np.sqrt(1.0 / H), size=(H, 1))
    params["b_out"] = np.zeros(1)
    return params


def _rnn_weight_grads(dh, cache):
    """``(dWx, dWh, db)`` from ``recurrent.rnn_backward``."""
    grads = recurrent.rnn_backward(dh, cache)
    return grads.dWx, grads.dWh, grads.db


def rnn_loss_and_grads(params, X, y):
    """Half-MSE loss of the readout ``h_{T-1} @ W_out + b_out`` and its gradients.

    Parameters
    ----------
    params : dict with ``NAMES``; X : ndarray (N, T, D); y : ndarray (N, 1)

    Returns
    -------
    loss : float
    grads : list of ndarray in the order of ``NAMES``
    """
    H = params["Wh"].shape[0]
    h, cache = recurrent.rnn_forward(X, np.zeros((len(X), H)), params["Wx"], params["Wh"],
                                     params["b"])
    out, out_cache = layers.affine_forward(h[:, -1], params["W_out"], params["b_out"])
    loss, dout = layers.mse_loss(out, y)
    dlast, dW_out, db_out = layers.affine_backward(dout, out_cache)
    dh = np.zeros_like(h)
    dh[:, -1] = dlast  # the loss sees only the last state: earlier ones get gradient via BPTT
    return loss, [*_rnn_weight_grads(dh, cache), dW_out, db_out]


def gradient_norm_vs_length(lengths, H=16, scale=1.0, n=64, seed=0):
    """Global gradient norm at initialization on the adding problem, for several lengths ``T``.

    The same initial weights (``init_rnn_regressor`` with ``scale``) for every ``T``; each ``T``
    gets its own ``n`` sequences. Returns ndarray (len(lengths),).
    """
    params = init_rnn_regressor(2, H, np.random.default_rng(seed), scale=scale)
    norms = []
    for T in lengths:
        X, y = adding_problem(n, int(T), np.random.default_rng(seed + 1))
        norms.append(optim.global_norm(rnn_loss_and_grads(params, X, y)[1]))
    return np.array(norms)


@dataclass
class RNNRun:
    """A plain-SGD training run of ``train_rnn`` (index ``s`` is step ``s``).

    Attributes
    ----------
    loss : ndarray (steps,), mini-batch loss before each step (NaN after a divergence)
    grad_norm : ndarray (steps,), global gradient norm before clipping
    recurrent_share : ndarray (steps,), share of ``||g||**2`` in the recurrent layer's
        ``Wx, Wh, b`` (the rest is the readout's)
    wh_norm : ndarray (steps + 1,), largest singular value of ``Wh`` before each step and after
        the last
    clipped : ndarray (steps,) of bool, steps whose gradient was rescaled
    diverged_at : int, the step at which the loss stopped being finite or passed ``BLOW_UP``
        times its first value (-1: never)
    """

    loss: np.ndarray
    grad_norm: np.ndarray
    recurrent_share: np.ndarray
    wh_norm: np.ndarray
    clipped: np.ndarray
    diverged_at: int

    @property
    def largest_jump(self):
        """The largest factor by which one step changed ``||Wh||_2`` (up or down), float."""
        ratio = self.wh_norm[1:] / self.wh_norm[:-1]
        ratio = ratio[np.isfinite(ratio)]
        return float(np.max(np.maximum(ratio, 1 / ratio))) if ratio.size else float("nan")


@reusable
def train_rnn(X, y, H, steps, lr, seed, clip=None, scale=1.0, batch_size=64):
    """Train ``init_rnn_regressor(..., scale)`` by plain SGD, optionally clipping by norm.

    Parameters
    ----------
    X : ndarray (n, T, D); y : ndarray (n, 1)
    H : int, hidden width; steps : int; lr : float
    seed : int, for the initial weights and the mini-batches (same seed, same run until the
        clipping first acts)
    clip : float or None, the threshold theta of ``optim.clip_by_norm``
    scale : float, the singular value of the initial ``Wh``
    batch_size : int

    Returns
    -------
    RNNRun. A diverging run stops when its loss is no longer finite or passes ``BLOW_UP`` times
    its first value (no overflow warning is raised: the divergence is what it measures).
    """
    rng = np.random.default_rng(seed)
    params = init_rnn_regressor(X.shape[2], H, rng, scale=scale)
    rec = {k: np.full(steps, np.nan) for k in ("loss", "grad_norm", "recurrent_share")}
    wh_norm, clipped = np.full(steps + 1, np.nan), np.zeros(steps, dtype=bool)
    wh_norm[0], diverged_at = np.linalg.norm(params["Wh"], 2), -1
    with np.errstate(over="ignore", invalid="ignore"):
        for s in range(steps):
            idx = rng.choice(len(X), batch_size, replace=False)
            loss, grads = rnn_loss_and_grads(params, X[idx], y[idx])
            norm = optim.global_norm(grads)
            first = loss if s == 0 else first
            if not (np.isfinite(loss) and np.isfinite(norm)) or loss > BLOW_UP * first:
                diverged_at = s
                break
            rec["loss"][s], rec["grad_norm"][s] = loss, norm
            rec["recurrent_share"][s] = optim.global_norm(grads[:3]) ** 2 / norm ** 2
            if clip is not None:
                clipped[s] = norm > clip
                grads = optim.clip_by_norm(grads, clip)
            for name, g in zip(NAMES, grads):
                params[name] -= lr * g
            wh_norm[s + 1] = np.linalg.norm(params["Wh"], 2) if np.all(
                np.isfinite(params["Wh"])) else np.inf
    return RNNRun(loss=rec["loss"], grad_norm=rec["grad_norm"],
                  recurrent_share=rec["recurrent_share"], wh_norm=wh_norm, clipped=clipped,
                  diverged_at=diverged_at)
