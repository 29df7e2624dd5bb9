"""When a learning rate is too large for the curvature: the step-size condition, measured.

Gradient descent on a quadratic loss ``L(w) = (w - w*)^T H (w - w*) / 2`` multiplies the error
along each eigenvector of ``H`` by ``1 - lr * lambda`` per step, so it converges when
``lr * lambda_max < 2`` and diverges when ``lr * lambda_max > 2``. A network's half-MSE loss is
exactly quadratic in its *output layer* when the hidden layers are held fixed, with the Hessian
``A1^T A1 / N`` (``A1``: the last hidden layer's outputs with a column of ones for the bias);
``output_curvature`` computes its largest eigenvalue. ``output_layer_descent`` runs gradient
descent on that quadratic, ``divergence_sweep`` trains whole nets at several learning rates,
``curvature_after_training`` measures how training changed the whole net's curvature, and
``dying_sweep`` / ``dead_unit_runs`` count the ReLU units a learning rate kills (and the ones that
come back).

Examples
--------
>>> import numpy as np
>>> A = np.random.default_rng(0).normal(size=(100, 3))
>>> lam = output_curvature(A)
>>> y = A @ np.ones((3, 1))
>>> below = output_layer_descent(A, y, 0.9 * 2 / lam, steps=200)
>>> above = output_layer_descent(A, y, 1.1 * 2 / lam, steps=200)
>>> bool(below[-1] < below[0] == above[0] < above[-1])
True
"""
from dataclasses import dataclass

import numpy as np

from .. import data, layers, optim
from ..mlp import MLP
from ..stored import reusable
from . import diagnostics

__all__ = ["output_curvature", "hessian_top_eigenvalue", "output_layer_descent", "LRSweep",
           "divergence_sweep", "curvature_after_training", "DyingSweep", "dying_sweep",
           "DeadUnitRuns", "dead_unit_runs"]

#: a run has diverged once its loss is not finite or exceeds this many times its first loss
BLOW_UP = 1e6


def output_curvature(features):
    """Largest eigenvalue of the Hessian of the half-MSE loss in the output layer's weights and
    bias, with the layers below held fixed.

    Parameters
    ----------
    features : ndarray (N, H), the last hidden layer's outputs ``a[L-1]`` for the N examples

    Returns
    -------
    float, ``lambda_max(A1^T A1 / N)`` with ``A1 = [features, 1]``; gradient descent on the
    output layer alone is stable for ``lr < 2 / lambda_max`` (the same for every output unit)
    """
    A = np.asarray(features, dtype=float)
    A1 = np.hstack([A, np.ones((len(A), 1))])
    return float(np.linalg.eigvalsh(A1.T @ A1 / len(A1))[-1])


def hessian_top_eigenvalue(net, X, y, rng, iters=60, h=1e-4, loss="mse"):
    """Largest eigenvalue of the Hessian of ``net``'s loss in *all* its parameters, at their
    current values, by power iteration.

    Each Hessian-vector product is a centred difference of two backprop gradients,
    ``H v ~ (g(theta + h v) - g(theta - h v)) / (2 h)`` (error of order ``h**2``). Power
    iteration finds the eigenvalue of largest magnitude; if that one is negative, a second run on
    ``H - lambda I`` finds the largest (most positive) one. The net is left unchanged.

    Parameters
    ----------
    net : MLP; X, y : the data the loss is computed on (full batch)
    rng : numpy.random.Generator, for the starting directions
    iters : int, power-iteration steps per run; h : float, finite-difference step
    loss : {"mse", "cross_entropy"}

    Returns
    -------
    float, ``lambda_max`` (gradient descent is locally stable only for ``lr < 2 / lambda_max``)
    """
    params = net.parameters()
    theta = [p.copy() for p in params]

    def hessian_times(v):
        grads = []
        for sign in (1.0, -1.0):
            for p, t, d in zip(params, theta, v):
                p[...] = t + sign * h * d
            grads.append(net.gradient_list(net.loss_and_grads(X, y, loss=loss)[1]))
        return [(a - b) / (2 * h) for a, b in zip(*grads)]

    def power(shift):
        v = [rng.normal(size=p.shape) for p in params]
        lam = 0.0
        for _ in range(iters):
            norm = optim.global_norm(v)
            v = [d / norm for d in v]
            hv = [a - shift * d for a, d in zip(hessian_times(v), v)]
            lam = float(sum(np.sum(a * b) for a, b in zip(v, hv)))
            v = hv
        return lam + shift

    try:
        lam = power(0.0)
        return lam if lam >= 0 else power(lam)
    finally:
        for p, t in zip(params, theta):
            p[...] = t


def output_layer_descent(features, y, lr, steps, W=None, b=None):
    """Full-batch gradient descent on the output layer alone (the features do not change).

    Parameters
    ----------
    features : ndarray (N, H); y : ndarray (N, M) targets
    lr : float; steps : int
    W, b : ndarray (H, M) and (M,), the starting output layer (zeros if omitted)

    Returns
    -------
    ndarray (steps + 1,), the half-MSE loss before each step and after the last one. Once it
    exceeds ``BLOW_UP`` times its first value, the remaining entries are ``inf``.
    """
    A = np.asarray(features, dtype=float)
    y = np.asarray(y, dtype=float).reshape(len(A), -1)
    W = np.zeros((A.shape[1], y.shape[1])) if W is None else np.array(W, dtype=float)
    b = np.zeros(y.shape[1]) if b is None else np.array(b, dtype=float)
    losses = np.full(steps + 1, np.inf)
    for t in range(steps + 1):
        out, cache = layers.affine_forward(A, W, b)
        losses[t], dout = layers.mse_loss(out, y)
        if losses[t] > BLOW_UP * losses[0]:
            losses[t] = np.inf
            break
        _, dW, db = layers.affine_backward(dout, cache)
        W -= lr * dW
        b -= lr * db
    return losses


@dataclass
class LRSweep:
    """Whole-net training runs at several learning rates.

    Attributes
    ----------
    lrs : ndarray (K,)
    final_loss : ndarray (K,), full-data loss after the last step (``inf`` if the run diverged)
    diverged_at : ndarray (K,) of int, the step at which the run diverged (-1: it did not)
    """

    lrs: np.ndarray
    final_loss: np.ndarray
    diverged_at: np.ndarray

    @property
    def diverged(self):
        """ndarray (K,) of bool."""
        return self.diverged_at >= 0


def _descend(net, X, y, lr, steps, loss):
    """Full-batch gradient descent on ``net`` in place: ``(last loss, step it diverged or -1)``.

    A run has diverged once its loss is not finite or exceeds ``BLOW_UP`` times its first value;
    it stops there (so no overflow warning is ever raised).
    """
    first = None
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is what we measure
        for t in range(steps + 1):
            value, grads = net.loss_and_grads(X, y, loss=loss)
            first = value if first is None else first
            if not np.isfinite(value) or value > BLOW_UP * first:
                return value, t
            if t < steps:
                optim.SGD(lr).step(net.parameters(), net.gradient_list(grads))
    return value, -1


def divergence_sweep(make_net, X, y, lrs, steps=300, loss="mse"):
    """Train a fresh ``make_net()`` by full-batch gradient descent at each learning rate.

    Parameters
    ----------
    make_net : callable returning a new ``MLP`` (the same initial weights every call)
    X, y : the training data (full batch, no sampling)
    lrs : sequence of float
    steps : int
    loss : {"mse", "cross_entropy"}

    Returns
    -------
    LRSweep. A run counts as diverged once its loss is not finite or exceeds ``BLOW_UP`` times
    its first value; it stops there (so no overflow warning is ever raised).
    """
    lrs = np.asarray(lrs, dtype=float)
    final, where = np.full(len(lrs), np.inf), np.full(len(lrs), -1)
    for k, lr in enumerate(lrs):
        value, where[k] = _descend(make_net(), X, y, lr, steps, loss)
        if where[k] < 0:
            final[k] = value
    return LRSweep(lrs=lrs, final_loss=final, diverged_at=where)


def curvature_after_training(make_net, X, y, lrs, rng, steps=300, loss="mse", iters=60):
    """The whole net's largest Hessian eigenvalue after ``steps`` of full-batch gradient descent
    at each learning rate (``hessian_top_eigenvalue`` of the trained net).

    Gradient descent at a rate ``lr`` is locally stable only where ``lr * lambda_max < 2``; a net
    that trains at a rate above ``2 / lambda_max`` of its initialization has moved to flatter
    weights (Cohen et al. 2021 study how gradient descent then hovers near ``2 / lr``).

    Parameters
    ----------
    make_net : callable returning a new ``MLP`` (the same initial weights every call)
    X, y : the training data (full batch)
    lrs : sequence of float
    rng : numpy.random.Generator, for the power iteration's starting directions
    steps : int; loss : {"mse", "cross_entropy"}; iters : int, power-iteration steps

    Returns
    -------
    ndarray (len(lrs),), ``lambda_max`` after training (NaN where the run diverged)

    Examples
    --------
    >>> import numpy as np
    >>> from vgteach.mlp import MLP
    >>> X = np.random.default_rng(0).normal(size=(20, 2)); y = X[:, :1] * X[:, 1:]
    >>> lam = curvature_after_training(lambda: MLP([2, 8, 1], activation="tanh", seed=0), X, y,
    ...                                [0.1], np.random.default_rng(1), steps=20)
    >>> lam.shape, bool(lam[0] > 0)
    ((1,), True)
    """
    out = np.full(len(lrs), np.nan)
    for k, lr in enumerate(lrs):
        net = make_net()
        if _descend(net, X, y, float(lr), steps, loss)[1] < 0:
            out[k] = hessian_top_eigenvalue(net, X, y, rng, iters=iters, loss=loss)
    return out


@dataclass
class DyingSweep:
    """Dead ReLU units after short SGD runs at several learning rates (rows: seeds).

    Attributes
    ----------
    lrs : ndarray (K,)
    dead_at_init : ndarray (S,), share of dead hidden units before training
    dead : ndarray (S, K), share of dead hidden units after training (NaN if the run diverged)
    loss : ndarray (S, K), mean mini-batch loss over the last 10 steps (inf if it diverged)
    """

    lrs: np.ndarray
    dead_at_init: np.ndarray
    dead: np.ndarray
    loss: np.ndarray


@reusable
def dying_sweep(lrs, seeds, steps=100, depth=8, width=32, batch_size=128, n=512):
    """ReLU + He nets on two circles (the dashboard's task), trained by SGD at each ``lr``.

    A unit is *dead* when it outputs 0 for every one of the ``n`` examples
    (``diagnostics.dead_units``): no example sends a gradient to its own weights and bias (a
    change in the layers below can still bring it back: ``dead_unit_runs``). Each seed draws
    its own data, initial weights and mini-batches.

    Parameters
    ----------
    lrs : sequence of float; seeds : sequence of int
    steps, depth, width, batch_size, n : the run (``depth`` hidden layers of ``width``)

    Returns
    -------
    DyingSweep
    """
    runs = dead_unit_runs(lrs, seeds, (steps,), depth, width, batch_size, n)
    return DyingSweep(lrs=runs.lrs, dead_at_init=runs.dead_at_init, dead=runs.dead[:, :, 0],
                      loss=runs.loss[:, :, 0])


@dataclass
class DeadUnitRuns:
    """Dead ReLU units at several points of SGD runs (index ``[s, k, c]``: seed ``s``, learning
    rate ``k``, checkpoint ``c``).

    Attributes
    ----------
    lrs : ndarray (K,); checkpoints : ndarray (C,), step counts
    dead_at_init : ndarray (S,), share of dead hidden units before training
    dead : ndarray (S, K, C), share of dead hidden units (NaN once the run diverged)
    loss : ndarray (S, K, C), mean mini-batch loss over the 10 steps before each checkpoint
        (inf once the run diverged)
    revived : ndarray (S, K), units dead at the first checkpoint and alive at the last (-1 if
        the run diverged before the last)
    dead_first : ndarray (S, K), units dead at the first checkpoint (-1 if diverged)
    fewest_alive : ndarray (S, K, C), the fewest live units in any one hidden layer (-1 if
        diverged)
    """

    lrs: np.ndarray
    checkpoints: np.ndarray
    dead_at_init: np.ndarray
    dead: np.ndarray
    loss: np.ndarray
    revived: np.ndarray
    dead_first: np.ndarray
    fewest_alive: np.ndarray

    @property
    def diverged(self):
        """ndarray (S, K) of bool: runs that blew up before the last checkpoint."""
        return ~np.isfinite(self.loss[:, :, -1])


@reusable
def dead_unit_runs(lrs, seeds, checkpoints=(100, 300), depth=8, width=32, batch_size=128,
                   n=512):
    """``dying_sweep``'s runs, recorded at several checkpoints: do dead units come back?

    A dead unit's own weights get no gradient, but the layers below it keep changing, and a
    change there can make its input positive again for some example: ``revived`` counts the
    units dead at the first checkpoint and alive at the last.

    Parameters
    ----------
    lrs : sequence of float; seeds : sequence of int
    checkpoints : increasing step counts at which the units are counted on all ``n`` points
    depth, width, batch_size, n : the run, as in ``dying_sweep``

    Returns
    -------
    DeadUnitRuns

    Examples
    --------
    >>> runs = dead_unit_runs([0.05], [0], checkpoints=(5, 10), depth=3, width=8, n=64,
    ...                       batch_size=32)
    >>> runs.dead.shape, runs.revived.shape
    ((1, 1, 2), (1, 1))
    """
    lrs, checkpoints = np.asarray(lrs, dtype=float), np.asarray(checkpoints, dtype=int)
    S, K, C = len(seeds), len(lrs), len(checkpoints)
    dead, loss = np.full((S, K, C), np.nan), np.full((S, K, C), np.inf)
    fewest, revived, first = np.full((S, K, C), -1), np.full((S, K), -1), np.full((S, K), -1)
    at_init = np.zeros(S)
    sizes = [2] + [width] * depth + [2]
    for s, seed in enumerate(seeds):
        X, y = data.circles(n, noise=0.08, factor=0.5, rng=np.random.default_rng(seed))
        at_init[s] = _dead_mask(MLP(sizes, activation="relu", init="he", seed=seed + 1), X).mean()
        for k, lr in enumerate(lrs):
            masks = _relu_run(sizes, X, y, lr, seed, checkpoints, batch_size)
            for c, (mask, value) in enumerate(masks):
                dead[s, k, c], loss[s, k, c] = mask.mean(), value
                fewest[s, k, c] = int(np.min(width - mask.reshape(depth, width).sum(axis=1)))
            if len(masks) == C:
                first[s, k] = int(masks[0][0].sum())
                revived[s, k] = int(np.sum(masks[0][0] & ~masks[-1][0]))
    return DeadUnitRuns(lrs=lrs, checkpoints=checkpoints, dead_at_init=at_init, dead=dead,
                        loss=loss, revived=revived, dead_first=first, fewest_alive=fewest)


def _relu_run(sizes, X, y, lr, seed, checkpoints, batch_size):
    """SGD on a ReLU + He net; ``[(dead mask, mean loss of the last 10 steps), ...]`` at each
    checkpoint reached before the loss stopped being finite."""
    net = MLP(sizes, activation="relu", init="he", seed=seed + 1)
    rng, opt, values, out = np.random.default_rng(seed + 2), optim.SGD(lr), [], []
    with np.errstate(over="ignore", invalid="ignore"):  # a blow-up is recorded, not warned
        for t in range(int(checkpoints[-1])):
            idx = rng.choice(len(X), batch_size, replace=False)
            value, grads = net.loss_and_grads(X[idx], y[idx], loss="cross_entropy")
            values.append(value)
            if not np.isfinite(value):
                break
            opt.step(net.parameters(), net.gradient_list(grads))
            if t + 1 in checkpoints:
                out.append((_dead_mask(net, X), float(np.mean(values[-10:]))))
    return out


def _dead_mask(net, X):
    """Which hidden units (all layers, layer 1 first) are dead on ``X``."""
    return np.concatenate([diagnostics.dead_units(a) for a in net.trace(X).a[1:]])
