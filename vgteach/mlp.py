"""A fully connected network with hand-written backprop that records what a teacher shows.

Notation (the same in every lesson): the input is ``a[0] = X`` with shape (N, sizes[0]).
Layer ``l`` (0-based, ``l = 0 .. L-1`` with ``L = len(sizes) - 1``) computes the pre-activation

    z[l] = a[l] @ W[l] + b[l]                      (N, sizes[l+1])

and, for a hidden layer, ``a[l+1] = f(z[l])``. The last layer is linear: its ``z[L-1]`` is the
network's output (regression values for ``loss="mse"``, class scores fed to a softmax for
``loss="cross_entropy"`` or to one sigmoid per class for ``loss="sigmoid_cross_entropy"``).
The *error term* of layer ``l`` is ``delta[l] = dLoss/dz[l]``, and backprop computes it from
the layer above:

    delta[l] = (delta[l+1] @ W[l+1].T) * f'(z[l])

Two options change a hidden layer:

* ``norm="batch"``: ``z[l] = BN(a[l] @ W[l])`` with learnable ``gamma[l], beta[l]``. The
  hidden bias ``b[l]`` would be cancelled by BN's mean subtraction, so it stays zero and is not
  a parameter (``beta[l]`` plays its role).
* ``residual=True``: every hidden layer whose input and output widths are equal adds a skip,
  ``a[l+1] = a[l] + f(z[l])``, so ``dLoss/da[l] = dLoss/da[l+1] + delta[l] @ W[l].T``.

Examples
--------
>>> import numpy as np
>>> net = MLP([2, 8, 8, 1], activation="tanh", seed=0)
>>> X, y = np.ones((4, 2)), np.zeros((4, 1))
>>> loss, grads = net.loss_and_grads(X, y)
>>> [d.shape for d in grads.delta]
[(4, 8), (4, 8), (4, 1)]
"""
from dataclasses import dataclass, field

import numpy as np

from . import activations, initializers, layers, optim
from ._threads import blas_limited
from ._validation import check_choice

__all__ = ["MLP", "Gradients", "Trace"]

LOSSES = ("mse", "cross_entropy", "sigmoid_cross_entropy")


@dataclass
class Trace:
    """What a forward pass computed: ``a[l]`` (inputs to each layer, ``a[0] = X``) and ``z[l]``."""

    a: list
    z: list
    output: np.ndarray


@dataclass
class Gradients:
    """Gradients of the loss and the error terms of every layer (lists indexed by layer).

    Attributes
    ----------
    dW, db : list of ndarray, shapes of ``net.weights[l]``, ``net.biases[l]``
    delta : list of ndarray (N, sizes[l+1]), ``dLoss/dz[l]``
    dgamma, dbeta : list of ndarray or None (only with ``norm="batch"``)
    a, z : list of ndarray, the forward pass (see ``Trace``)
    """

    dW: list
    db: list
    delta: list
    dgamma: list = field(default_factory=list)
    dbeta: list = field(default_factory=list)
    a: list = field(default_factory=list)
    z: list = field(default_factory=list)

    @property
    def delta_norms(self):
        """Frobenius norm of each layer's error term, ndarray (L,)."""
        return np.array([optim.norm(d) for d in self.delta])

    @property
    def dW_norms(self):
        """Frobenius norm of each layer's weight gradient, ndarray (L,)."""
        return np.array([optim.norm(g) for g in self.dW])

    @property
    def db_norms(self):
        """Norm of each layer's bias gradient, ndarray (L,): Nielsen's "speed of learning"."""
        return np.array([optim.norm(g) for g in self.db])

    def __getitem__(self, key):
        return getattr(self, key)


class MLP:
    """Fully connected network; see the module docstring for the exact formulas.

    Parameters
    ----------
    sizes : sequence of int
        Layer widths from input to output, e.g. ``[784, 30, 30, 10]``.
    activation : str
        Hidden activation, a name in ``activations.ACTIVATIONS``.
    init : str or callable
        Weight initializer name in ``initializers.INITIALIZERS`` or ``(fan_in, fan_out, rng)``
        callable. Biases start at zero.
    seed : int or numpy.random.Generator
        Randomness for the initial weights.
    residual : bool
        Add identity skips around equal-width hidden layers.
    norm : None or "batch"
        Batch-normalize each hidden pre-activation.
    **init_options
        Passed to the initializer unchanged: ``std`` for ``init="normal"``, ``gain`` for the
        others (``init="lecun", gain=g`` draws ``Var(W) = g**2 / fan_in``; see
        ``vgteach.initializers``).

    Examples
    --------
    >>> net = MLP([4, 8, 1], activation="tanh", init="lecun", gain=2.0, seed=0)
    >>> [W.shape for W in net.weights]
    [(4, 8), (8, 1)]
    """

    def __init__(self, sizes, activation="sigmoid", init="xavier", seed=0, residual=False,
                 norm=None, **init_options):
        sizes = [int(s) for s in sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(
                "The 'sizes' parameter of MLP must list at least two positive widths. "
                f"Got {sizes!r} instead."
            )
        activations.get(activation, "MLP")
        check_choice(norm, "norm", "MLP", (None, "batch"))
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        self.sizes = sizes
        self.activation = activation
        self.residual = bool(residual)
        self.norm = norm
        self.weights = [initializers.initialize(init, m, n, rng, func="MLP", **init_options)
                        for m, n in zip(sizes[:-1], sizes[1:])]
        self.biases = [np.zeros(n) for n in sizes[1:]]
        hidden = sizes[1:-1]
        self.gammas = [np.ones(n) for n in hidden] if norm == "batch" else []
        self.betas = [np.zeros(n) for n in hidden] if norm == "batch" else []
        self.running = [{} for _ in hidden] if norm == "batch" else []

    @property
    def n_layers(self):
        """Number of weight layers ``L``."""
        return len(self.weights)

    def skips(self, l):
        """True if hidden layer ``l`` has an identity skip."""
        return self.residual and l < self.n_layers - 1 and self.sizes[l] == self.sizes[l + 1]

    def parameters(self):
        """Current parameter arrays, in the order ``gradient_list`` uses."""
        biases = self.biases[-1:] if self.norm == "batch" else self.biases
        return self.weights + biases + self.gammas + self.betas

    def gradient_list(self, grads):
        """Gradients in the order of ``parameters()``."""
        db = grads.db[-1:] if self.norm == "batch" else grads.db
        return grads.dW + db + grads.dgamma + grads.dbeta

    @blas_limited
    def _forward(self, X, train):
        f, _ = activations.get(self.activation)
        a, zs, caches = [np.asarray(X, dtype=float)], [], []
        for l, (W, b) in enumerate(zip(self.weights, self.biases)):
            u, aff_cache = layers.affine_forward(a[-1], W, b)
            if l == self.n_layers - 1:
                zs.append(u)
                caches.append((aff_cache, None, None))
                break
            bn_cache = None
            if self.norm == "batch":
                u, bn_cache = self._batchnorm(l, u, train)
            zs.append(u)
            h = f(u)
            caches.append((aff_cache, bn_cache, h))
            a.append(a[-1] + h if self.skips(l) else h)
        return Trace(a=a, z=zs, output=zs[-1]), caches

    def _batchnorm(self, l, u, train):
        """Batch norm of hidden layer ``l``: training uses the batch's statistics and updates
        the running ones; inference uses the running ones once training has produced them."""
        gamma, beta, running = self.gammas[l], self.betas[l], self.running[l]
        if train:
            return layers.batchnorm_forward(u, gamma, beta, running=running)
        if running:
            return layers.batchnorm_forward(u, gamma, beta, running=running, train=False)
        return layers.batchnorm_forward(u, gamma, beta)  # never trained: nothing to reuse

    def forward(self, X):
        """Network output ``z[L-1]`` for inputs ``X`` (N, sizes[0]) -> (N, sizes[-1]).

        With ``norm="batch"`` this uses the running statistics once training has produced them.
        """
        return self._forward(X, train=False)[0].output

    def trace(self, X, train=False):
        """Forward pass that keeps every ``a[l]`` and ``z[l]``; returns a ``Trace``.

        ``train=True`` runs it as a training step does: batch norm uses (and updates) the
        batch's statistics.
        """
        return self._forward(X, train=train)[0]

    def predict(self, X):
        """Class predictions (argmax of the scores), ndarray (N,)."""
        return self.forward(X).argmax(axis=1)

    def loss(self, X, y, loss="mse"):
        """Loss value only (training-mode forward pass, no statistics updated)."""
        trace, _ = self._forward(X, train=True)
        return self._loss(trace.output, y, loss)[0]

    @staticmethod
    def _loss(out, y, loss):
        check_choice(loss, "loss", "MLP.loss_and_grads", LOSSES)
        if loss == "mse":
            return layers.mse_loss(out, y)
        if loss == "sigmoid_cross_entropy":
            return layers.sigmoid_cross_entropy(out, y)
        return layers.softmax_cross_entropy(out, y)

    @blas_limited
    def loss_and_grads(self, X, y, loss="mse"):
        """Loss and every gradient by backprop.

        Parameters
        ----------
        X : ndarray (N, sizes[0])
        y : ndarray (N, sizes[-1]) targets for ``"mse"``; int labels (N,) or one-hot (N, C)
            for ``"cross_entropy"`` (softmax over the output, mean over the batch) and for
            ``"sigmoid_cross_entropy"`` (one sigmoid per output, ``layers.sigmoid_cross_entropy``)
        loss : {"mse", "cross_entropy", "sigmoid_cross_entropy"}

        Returns
        -------
        loss : float
        grads : Gradients
            ``dW[l], db[l], delta[l]`` (and their norms), plus the forward pass ``a``, ``z``.
        """
        trace, caches = self._forward(X, train=True)
        value, dout = self._loss(trace.output, y, loss)
        _, f_prime = activations.get(self.activation)
        prime_from_output = activations.PRIME_FROM_OUTPUT.get(self.activation)
        L = self.n_layers
        dW, db, delta = [None] * L, [None] * L, [None] * L
        dgamma = [None] * len(self.gammas)
        dbeta = [None] * len(self.betas)
        delta[L - 1] = dout
        da, dW[L - 1], db[L - 1] = layers.affine_backward(dout, caches[L - 1][0])
        for l in range(L - 2, -1, -1):
            aff_cache, bn_cache, h = caches[l]
            # f'(z) from the stored output h = f(z) when cheaper: same value, no second exp.
            dz = prime_from_output(h) if prime_from_output else f_prime(trace.z[l])
            dz *= da  # the slope array is ours: dz = da * f'(z) without a temporary
            delta[l] = dz
            if bn_cache is not None:
                dz, dgamma[l], dbeta[l] = layers.batchnorm_backward(dz, bn_cache)
            da_in, dW[l], db[l] = layers.affine_backward(dz, aff_cache)
            da = da_in + da if self.skips(l) else da_in
        grads = Gradients(dW=dW, db=db, delta=delta, dgamma=dgamma, dbeta=dbeta,
                          a=trace.a, z=trace.z)
        return value, grads

    def copy(self):
        """An independent copy (arrays copied)."""
        new = object.__new__(MLP)
        new.__dict__.update(self.__dict__)
        for name in ("weights", "biases", "gammas", "betas"):
            setattr(new, name, [p.copy() for p in getattr(self, name)])
        new.running = [dict(r) for r in self.running]
        return new

    def __repr__(self):
        extra = (", residual=True" if self.residual else "") + (
            f", norm={self.norm!r}" if self.norm else "")
        return f"MLP({self.sizes}, activation={self.activation!r}{extra})"
