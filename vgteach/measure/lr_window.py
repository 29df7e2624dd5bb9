"""The learning-rate window of deep plain and residual nets: train many copies at once.

A claim such as "the 30-layer plain net trains worse than the 3-layer one" depends on the
learning rate. ``learning_rate_sweep`` trains one net per (seed, learning rate) pair for a few
hundred full-batch Adam steps on the 3-class spirals and records the training loss, so a lesson
can plot the final loss against the learning rate for several architectures and read off where
each one trains (its *window*).

The nets are exactly ``residual.deep_mlp(depth, residual, seed=seed)`` trained by
``train.train(..., loss="cross_entropy", optimizer="adam")``; the copies are stacked along a
leading axis and run together, which is many times faster than one ``train`` call per setting
(the test suite checks that both give the same losses).

Examples
--------
>>> s = learning_rate_sweep(3, False, lrs=[0.01, 0.1], seeds=[0], steps=5)
>>> s.loss.shape, s.final().shape
((2, 1, 5), (2, 1))
"""
from dataclasses import dataclass

import numpy as np

from .. import residual
from .._threads import blas_limited
from .._validation import check_choice, check_int
from ..data import spirals
from ..stored import reusable
from ._replicas import ReplicaAdam

__all__ = ["LRSweep", "learning_rate_sweep", "window"]


@dataclass
class LRSweep:
    """Training losses of one architecture over learning rates and seeds.

    Attributes
    ----------
    depth : int, number of hidden layers (width 16, tanh, Xavier; ``residual.deep_mlp``)
    residual : bool, identity skips around the hidden-to-hidden layers
    lrs : ndarray (n_lr,), Adam learning rates
    seeds : ndarray (n_seed,), each seed draws its own spirals and initial weights
    loss : ndarray (n_lr, n_seed, steps), full-batch cross-entropy before each step
    norm : None or "batch", batch normalization of the hidden layers
    chance : float, ``log(3)``: the loss of predicting 1/3 for every class
    hidden_scale : None or float, the control of ``learning_rate_sweep`` (None: ``deep_mlp``'s)
    """

    depth: int
    residual: bool
    lrs: np.ndarray
    seeds: np.ndarray
    loss: np.ndarray
    norm: str = None
    chance: float = float(np.log(3.0))
    hidden_scale: float = None

    @property
    def label(self):
        """``"plain, 30 layers"``, ``"plain + batch norm, 30 layers"``, ``"residual, ..."``
        (with ``", hidden weights x 0.18"`` for the ``hidden_scale`` control)."""
        kind = "residual" if self.residual else "plain"
        scale = "" if self.hidden_scale is None else f", hidden weights x {self.hidden_scale:.2g}"
        return f"{kind}{' + batch norm' if self.norm else ''}, {self.depth} layers{scale}"

    def final(self, steps=None):
        """Mean loss over the last 10 of the first ``steps`` steps (all by default),
        ndarray (n_lr, n_seed). The mean smooths the step-to-step wobble of Adam."""
        steps = self.loss.shape[2] if steps is None else check_int(
            steps, "steps", "LRSweep.final", low=10, high=self.loss.shape[2])
        return self.loss[:, :, steps - 10:steps].mean(axis=2)


def window(sweep, threshold=0.1, steps=None):
    """The learning rates at which every seed's final loss is below ``threshold``.

    Parameters
    ----------
    sweep : LRSweep
    threshold : float, a loss that counts as "trained" (chance is ``log 3 = 1.10``)
    steps : int or None, read the loss after this many steps (all steps by default)

    Returns
    -------
    ndarray, the learning rates that trained at every seed (possibly empty)
    """
    ok = np.all(sweep.final(steps) < threshold, axis=1)
    return sweep.lrs[ok]


@reusable
@blas_limited
def learning_rate_sweep(depth, residual_skips, lrs, seeds, steps=300, n=120, norm=None,
                        hidden_scale=None):
    """Train ``residual.deep_mlp(depth, residual_skips, norm=norm, seed=s)`` on
    ``spirals(n, rng=s)`` with full-batch Adam at every learning rate in ``lrs`` and every seed
    in ``seeds``.

    Parameters
    ----------
    depth : int, hidden layers (width 16, tanh)
    residual_skips : bool, identity skips around the hidden-to-hidden layers
    lrs : sequence of float, Adam learning rates
    seeds : sequence of int, one data set and one initialization per seed
    steps : int, Adam steps (full batch)
    n : int, spiral points per data set
    norm : None or "batch", batch normalization of every hidden pre-activation
    hidden_scale : None or float, a control: start the hidden-to-hidden weights at this multiple
        of their Xavier draw instead of ``deep_mlp``'s (1 for a plain net, ``1/sqrt(depth)``
        for a residual one), e.g. ``1.0`` for full-size residual branches

    Returns
    -------
    LRSweep
        ``loss[i, j, t]`` is the loss of learning rate ``lrs[i]``, seed ``seeds[j]`` before
        step ``t``, the same as ``train(deep_mlp(...), X, y, steps, lr, "cross_entropy",
        "adam").loss``.
    """
    depth = check_int(depth, "depth", "learning_rate_sweep", low=1)
    steps = check_int(steps, "steps", "learning_rate_sweep", low=1)
    check_choice(norm, "norm", "learning_rate_sweep", (None, "batch"))
    lrs = np.asarray(lrs, dtype=float).ravel()
    seeds = np.asarray(seeds, dtype=int).ravel()
    if lrs.size == 0 or seeds.size == 0 or np.any(lrs <= 0):
        raise ValueError("learning_rate_sweep needs at least one positive learning rate and "
                         f"one seed. Got lrs={lrs.tolist()} and seeds={seeds.tolist()} instead.")
    data = [spirals(n, rng=int(s)) for s in seeds]
    nets = [residual.deep_mlp(depth, residual=residual_skips, norm=norm, seed=int(s))
            for s in seeds]
    if hidden_scale is not None:
        own = 1.0 / np.sqrt(depth) if residual_skips else 1.0
        for net in nets:
            for l in range(1, depth):
                net.weights[l] = net.weights[l] * (float(hidden_scale) / own)
    # replica k = (learning rate k // n_seed, seed k % n_seed): lr-major, like the result
    X = np.stack([x for x, _ in data] * lrs.size)
    onehot = np.stack([np.eye(3)[y] for _, y in data] * lrs.size)
    n_arrays = len(nets[0].parameters())
    stacked = [np.stack([net.parameters()[i] for net in nets] * lrs.size)
               for i in range(n_arrays)]
    # One flat (K, P) array holds every parameter; ``params`` are views into it, so Adam
    # updates all of them with a handful of array operations instead of a few per layer.
    K = len(X)
    flat = np.concatenate([p.reshape(K, -1) for p in stacked], axis=1)
    params, start = [], 0
    for p in stacked:
        params.append(flat[:, start:start + p[0].size].reshape(p.shape))
        start += p[0].size
    net = nets[0]
    layout = _Layout([net.skips(l) for l in range(net.n_layers)], norm == "batch")
    adam = ReplicaAdam([flat], np.repeat(lrs, seeds.size))
    loss = np.empty((K, steps))
    for t in range(steps):
        loss[:, t], grads = _loss_and_grads(layout, params, X, onehot)
        adam.step([flat], [np.concatenate([g.reshape(K, -1) for g in grads], axis=1)])
    return LRSweep(depth, bool(residual_skips), lrs, seeds,
                   loss.reshape(lrs.size, seeds.size, steps), norm,
                   hidden_scale=None if hidden_scale is None else float(hidden_scale))


class _Layout:
    """Which of ``MLP.parameters()`` is which: weights of every layer, then the biases (only
    the output layer's with batch norm), then batch norm's gammas and betas."""

    def __init__(self, skips, batch_norm):
        self.skips, self.batch_norm, self.L = skips, batch_norm, len(skips)

    def split(self, params):
        L = self.L
        Ws = params[:L]
        if not self.batch_norm:
            return Ws, params[L:2 * L], None, None
        return Ws, [None] * (L - 1) + [params[L]], params[L + 1:2 * L], params[2 * L:]

    def join(self, dW, db, dgamma, dbeta):
        if not self.batch_norm:
            return dW + db
        return dW + db[-1:] + dgamma + dbeta


def _loss_and_grads(layout, params, X, onehot):
    """Cross-entropy of every replica and its gradients (in the order of ``params``).

    Every array has the replicas on axis 0; the hidden activation is tanh, the output layer is
    linear with a softmax, as in ``MLP.loss_and_grads``."""
    Ws, bs, gammas, betas = layout.split(params)
    L, skips = layout.L, layout.skips
    n = X.shape[1]
    a, h, bn = [X], [], []
    for l in range(L - 1):
        if gammas is None:
            z = a[-1] @ Ws[l] + bs[l][:, None, :]
        else:  # batch norm over each replica's batch (axis 1), as layers.batchnorm_forward
            u = a[-1] @ Ws[l]
            centred = u - u.sum(axis=1, keepdims=True) / n     # np.var's own steps, once
            var = (centred * centred).sum(axis=1, keepdims=True) / n
            inv_std = 1.0 / np.sqrt(var + 1e-5)
            xhat = centred * inv_std
            bn.append((xhat, inv_std))
            z = gammas[l][:, None, :] * xhat + betas[l][:, None, :]
        h.append(np.tanh(z))
        a.append(a[-1] + h[-1] if skips[l] else h[-1])
    scores = a[-1] @ Ws[-1] + bs[-1][:, None, :]
    # softmax minus the row max: exp never overflows
    shifted = scores - scores.max(axis=2, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=2, keepdims=True))
    loss = -np.sum(onehot * log_probs, axis=(1, 2)) / n
    dz = (np.exp(log_probs) - onehot) / n
    dW, db = [None] * L, [None] * L
    dgamma, dbeta = [None] * (L - 1), [None] * (L - 1)
    for l in range(L - 1, -1, -1):
        if l < L - 1 and gammas is not None:   # back through batch norm to u = a @ W
            xhat, inv_std = bn[l]
            dbeta[l] = dz.sum(axis=1)
            dgamma[l] = (dz * xhat).sum(axis=1)
            dxhat = dz * gammas[l][:, None, :]
            dz = inv_std / n * (n * dxhat - dxhat.sum(axis=1, keepdims=True)
                                - xhat * (dxhat * xhat).sum(axis=1, keepdims=True))
        dW[l] = a[l].transpose(0, 2, 1) @ dz
        db[l] = dz.sum(axis=1)
        if l == 0:
            break
        da_below = dz @ Ws[l].transpose(0, 2, 1)       # dLoss/da[l] through the weights
        if l < L - 1 and skips[l]:
            da_below += da                              # ... plus the skip's da[l+1]
        da = da_below
        dz = da * (1.0 - h[l - 1] * h[l - 1])           # tanh' read from the output
    return loss, layout.join(dW, db, dgamma, dbeta)
