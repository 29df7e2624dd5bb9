"""What an adaptive optimizer changes in a net whose gradients vanish toward the input.

Adam's step for one weight is ``lr * m_hat / (sqrt(v_hat) + eps)``: the gradient divided by
its own running RMS. Every weight therefore moves by about ``lr`` per step whether its gradient
is 1e-2 or 1e-7 — unless ``sqrt(v_hat)`` is comparable to ``eps``, where the step shrinks by
the factor ``sqrt(v_hat) / (sqrt(v_hat) + eps)``. ``compare_optimizers`` trains copies of one
net with several optimizers and records, per step, the loss, how much of the back-propagated
error reaches layer 1 (``||delta_1|| / ||delta_L||``), how far each layer moved, and the share
of layer 1's Adam step that ``eps`` takes away. ``PerLayer`` gives each layer its own optimizer (or
freezes it), for controls such as "Adam everywhere except layers 1-3", and ``escape_step`` reads
off when a loss curve left its plateau.

Examples
--------
>>> import numpy as np
>>> from vgteach import optim
>>> from vgteach.mlp import MLP
>>> X = np.random.default_rng(0).normal(size=(32, 2)); y = (X[:, 0] > 0).astype(int)
>>> runs = compare_optimizers(lambda: MLP([2, 8, 8, 2], seed=0), X, y,
...                           {"adam": optim.Adam(0.01)}, steps=3, batch_size=16, seed=0)
>>> runs["adam"].update_ratio.shape, runs["adam"].eps_share.shape
((3, 3), (3,))
"""
import copy
from dataclasses import dataclass

import numpy as np

from ..mlp import MLP
from ..stored import reusable

__all__ = ["OptimizerRun", "compare_optimizers", "eps_share", "PerLayer", "escape_step"]


def eps_share(rms, eps=1e-8):
    """The share of an Adam step that ``eps`` removes for a gradient of running RMS ``rms``:
    ``eps / (rms + eps)`` (0: no effect; 1/2 when ``rms == eps``).

    Examples
    --------
    >>> float(eps_share(1e-8)), round(float(eps_share(1e-3)), 8)
    (0.5, 1e-05)
    """
    rms = np.asarray(rms, dtype=float)
    return eps / (rms + eps)


class PerLayer:
    """An optimizer that updates each layer of a plain ``MLP`` (no batch norm) with its own
    optimizer, or not at all.

    Parameters
    ----------
    optimizers : list of optimizer objects or None, one per weight layer (layer 1 first);
        None freezes that layer's weights and bias. The same object may serve several layers
        (it then keeps one state for all of them).

    Examples
    --------
    >>> import numpy as np
    >>> from vgteach import optim
    >>> from vgteach.mlp import MLP
    >>> net = MLP([2, 4, 4, 2], seed=0)
    >>> adam = optim.Adam(0.01)
    >>> W0 = [W.copy() for W in net.weights]
    >>> X, y = np.ones((3, 2)), np.array([0, 1, 1])
    >>> grads = net.loss_and_grads(X, y, loss="cross_entropy")[1]
    >>> PerLayer([None, adam, adam]).step(net.parameters(), net.gradient_list(grads))
    >>> [bool(np.array_equal(W, W_old)) for W, W_old in zip(net.weights, W0)]
    [True, False, False]
    """

    def __init__(self, optimizers):
        self.optimizers = list(optimizers)

    def step(self, params, grads):
        """Update ``params`` (an MLP's ``parameters()``: weights, then biases) in place."""
        L = len(self.optimizers)
        if len(params) != 2 * L:
            raise ValueError(f"PerLayer was given {L} optimizers, so it expects the {2 * L} "
                             f"parameters (weights, then biases) of a net with {L} layers "
                             f"and no batch norm. Got {len(params)} parameters.")
        groups = {}
        for i, (p, g) in enumerate(zip(params, grads)):
            opt = self.optimizers[i % L]
            if opt is not None:
                groups.setdefault(id(opt), (opt, [], []))
                groups[id(opt)][1].append(p)
                groups[id(opt)][2].append(g)
        for opt, ps, gs in groups.values():
            opt.step(ps, gs)


def escape_step(loss, level, window=20):
    """The first step at which the mean loss of the last ``window`` steps is below ``level``
    (int; -1 if it never is): when a run left its plateau.

    Examples
    --------
    >>> escape_step([0.7] * 30 + [0.1] * 30, level=0.6, window=10)  # steps 22-31: 0.58
    31
    """
    smooth = np.convolve(np.asarray(loss, dtype=float), np.ones(window) / window, mode="valid")
    below = np.flatnonzero(smooth < level)
    return int(below[0]) + window - 1 if below.size else -1


@dataclass
class OptimizerRun:
    """Per-step records of one training run (row ``t`` is step ``t``; columns are layers).

    Attributes
    ----------
    loss : ndarray (steps,), mini-batch loss before each step
    delta_ratio : ndarray (steps,), ``||delta_1|| / ||delta_L||``: the error term reaching
        layer 1, relative to the output layer's
    update_ratio : ndarray (steps, L), ``||W_new - W_old|| / ||W_old||`` per weight matrix
    grad_rms : ndarray (steps,), RMS over the entries of layer 1's weight gradient
    eps_share : ndarray (steps,), median over layer 1's weights of ``eps_share(sqrt(v_hat))``,
        with Adam's running ``v_hat`` of those gradients (NaN for optimizers other than Adam)
    """

    loss: np.ndarray
    delta_ratio: np.ndarray
    update_ratio: np.ndarray
    grad_rms: np.ndarray
    eps_share: np.ndarray


@reusable
def compare_optimizers(make_net, X, y, optimizers, steps, batch_size, seed, loss="cross_entropy"):
    """Train the same starting net with each optimizer on the same mini-batches.

    Parameters
    ----------
    make_net : MLP (each run trains a copy of it) or callable returning a new ``MLP`` (the
        same initial weights every call)
    X, y : training data
    optimizers : dict name -> optimizer object (``vgteach.optim``); each run starts from a copy
        of its optimizer, so the objects given keep their state and can be used again
    steps, batch_size : int
    seed : int, for the mini-batches (every optimizer sees the same sequence)
    loss : {"mse", "cross_entropy"}

    Returns
    -------
    dict name -> OptimizerRun
    """
    start = make_net.copy if isinstance(make_net, MLP) else make_net
    return {name: _run(start(), X, y, copy.deepcopy(opt), steps, batch_size, seed, loss)
            for name, opt in optimizers.items()}


def _run(net, X, y, opt, steps, batch_size, seed, loss):
    rng = np.random.default_rng(seed)
    L = net.n_layers
    rec = {k: np.zeros(steps) for k in ("loss", "delta_ratio", "grad_rms")}
    rec["eps_share"] = np.full(steps, np.nan)
    update = np.zeros((steps, L))
    eps, beta2 = getattr(opt, "eps", None), getattr(opt, "beta2", None)
    v = 0.0
    for t in range(steps):
        idx = rng.choice(len(X), batch_size, replace=False)
        rec["loss"][t], grads = net.loss_and_grads(X[idx], y[idx], loss=loss)
        norms = grads.delta_norms
        rec["delta_ratio"][t] = norms[0] / norms[-1]
        g1 = grads.dW[0]
        rec["grad_rms"][t] = np.sqrt(np.mean(g1 * g1))
        if eps is not None and beta2 is not None:  # Adam: its v_hat, recomputed here
            v = beta2 * v + (1 - beta2) * g1 * g1
            v_hat = v / (1 - beta2 ** (t + 1))
            rec["eps_share"][t] = np.median(eps_share(np.sqrt(v_hat), eps))
        before = [W.copy() for W in net.weights]
        opt.step(net.parameters(), net.gradient_list(grads))
        update[t] = [np.linalg.norm(W - W0) / np.linalg.norm(W0)
                     for W, W0 in zip(net.weights, before)]
    return OptimizerRun(loss=rec["loss"], delta_ratio=rec["delta_ratio"], update_ratio=update,
                        grad_rms=rec["grad_rms"], eps_share=rec["eps_share"])
