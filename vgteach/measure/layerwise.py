"""What greedy layer-wise pretraining buys a deep sigmoid net, with the control it needs.

Pretraining (``vgteach.pretrain``) does two things at once: it *learns* each level's encoder on
the code below it, and it *rescales* each level's input to zero mean and unit variance over the
training set (the standardization folded into ``(W, b)``). ``random_encoders`` does only the
second: untrained Xavier encoders with the same per-level standardization, the random-init
control Erhan et al. (2010) compare pretraining against, plus the rescaling. ``fine_tune`` trains
any starting net the same way, so the starts can be compared like for like.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> X = rng.uniform(size=(50, 6))
>>> pairs = random_encoders([6, 4, 4], X, rng)
>>> [W.shape for W, b in pairs]
[(6, 4), (4, 4)]
>>> spread = level_spread(start_net([6, 4, 4, 2], pairs, seed=1), X)
>>> bool(spread.min() > 0.1)
True
"""
from dataclasses import dataclass

import numpy as np

from .. import activations, initializers, optim, pretrain
from ..mlp import MLP
from ..stored import reusable
from ..train import train

__all__ = ["standardize", "random_encoders", "start_net", "level_spread", "weight_scale",
           "backward_gains", "FineTuneRun", "fine_tune", "fine_tune_start"]


def standardize(h):
    """Per-feature statistics of ``h`` (N, D): ``(mean, std)``, each ndarray (D,).

    A constant feature gets ``std = 1`` (it stays constant, 0 after centring), as in
    ``vgteach.pretrain``.
    """
    h = np.asarray(h, dtype=float)
    std = h.std(axis=0)
    return h.mean(axis=0), np.where(std > 1e-8, std, 1.0)


def random_encoders(sizes, X, rng, activation="sigmoid"):
    """Untrained encoders with pretraining's per-level standardization folded in.

    Level ``k`` draws Xavier weights and zero biases, the way ``pretrain.train_autoencoder``
    draws its starting encoder (from ``rng``, so not the same numbers), and is fitted to the *standardized* code of the level below, like a pretrained level;
    only the training is skipped. The returned ``(W, b)`` take the raw code, as
    ``pretrain.pretrain_autoencoders``'s do.

    Parameters
    ----------
    sizes : sequence of int, ``[D, H1, H2, ...]`` (input width first)
    X : ndarray (N, D), the training inputs (the statistics are computed on them)
    rng : numpy.random.Generator
    activation : str, the encoders' activation

    Returns
    -------
    list of ``(W, b)``, level 1 first, ready for ``pretrain.load_pretrained``
    """
    f, _ = activations.get(activation)
    sizes = [int(s) for s in sizes]
    h = np.asarray(X, dtype=float)
    if len(sizes) < 2 or sizes[0] != h.shape[1]:
        raise ValueError("The 'sizes' parameter of random_encoders must start with the input "
                         f"width {h.shape[1]} and list at least one level. Got {sizes!r}.")
    pairs = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        mean, std = standardize(h)
        W = initializers.xavier(n_in, n_out, rng)
        # the same fold as vgteach.pretrain: the level then reads the raw code h
        W_raw = W / std[:, None]
        pairs.append((W_raw, -mean @ W_raw))
        h = f(h @ pairs[-1][0] + pairs[-1][1])
    return pairs


def start_net(sizes, pairs=None, activation="sigmoid", seed=0):
    """A fresh Xavier ``MLP(sizes)`` whose first layers hold ``pairs`` (none: from scratch).

    The output layer (and any layer without a pair) keeps the fresh net's weights, so two starts
    built with the same ``seed`` differ only in the layers that ``pairs`` fills.
    """
    net = MLP(sizes, activation=activation, init="xavier", seed=seed)
    return net if not pairs else pretrain.load_pretrained(net, pairs)


def level_spread(net, X):
    """How much each hidden layer's code varies across the examples: the standard deviation over
    ``X`` (N, D) of every unit, averaged over the layer's units. ndarray (L-1,), layer 1 first.

    Near 0 means the layer gives (almost) the same code to every example.
    """
    return np.array([a.std(axis=0).mean() for a in net.trace(X).a[1:]])


def weight_scale(net):
    """``sqrt(fan_in * Var(W))`` of every weight matrix, ndarray (L,): the weights' part of the
    per-layer gain ``n Var(W) E[f'(z)^2]`` (1 for Xavier at equal widths)."""
    return np.array([np.sqrt(W.shape[0] * W.var()) for W in net.weights])


def backward_gains(net, X, y, loss="cross_entropy"):
    """How much each layer's backward pass scales the error term: ``||delta_l|| /
    ||delta_{l+1}||`` for l = 1 .. L-1 on ``(X, y)``, ndarray (L-1,). Below 1: the signal
    shrinks on its way to the input."""
    d = net.loss_and_grads(X, y, loss=loss)[1].delta_norms
    return np.asarray(d[:-1]) / np.asarray(d[1:])


@dataclass
class FineTuneRun:
    """One supervised training run of a starting net (row ``t`` is step ``t``).

    Attributes
    ----------
    loss : ndarray (steps,), mini-batch cross-entropy before each step
    dW1_norm : ndarray (steps,), ``||dL/dW_1||``, the first layer's gradient norm
    test_accuracy : float, share of the test examples classified right after training
    """

    loss: np.ndarray
    dW1_norm: np.ndarray
    test_accuracy: float

    @property
    def final_loss(self):
        """Mean mini-batch loss over the last 20 steps (smooths the batch noise)."""
        return float(self.loss[-20:].mean())

    def loss_at(self, step, window=20):
        """Mean mini-batch loss over the ``window`` steps up to ``step`` (what a run of
        ``step`` steps reports as its ``final_loss``)."""
        if not window <= step <= self.loss.size:
            raise ValueError(f"loss_at: step must be in [{window}, {self.loss.size}]; got {step}.")
        return float(self.loss[step - window:step].mean())


def fine_tune(net, X_train, y_train, X_test, y_test, lr, steps=400, seed=0, batch_size=128):
    """Train ``net`` (in place) with plain SGD and softmax cross-entropy; measure it.

    Parameters
    ----------
    net : MLP, the starting net
    X_train, y_train : ndarray (N, D), int labels (N,)
    X_test, y_test : the held-out examples
    lr : float, SGD learning rate
    steps : int, number of mini-batch updates
    seed : int, for the mini-batches (the same seed gives every start the same batches)
    batch_size : int

    Returns
    -------
    FineTuneRun
    """
    hist = train(net, X_train, y_train, steps=steps, batch_size=batch_size,
                 loss="cross_entropy", optimizer=optim.SGD(lr),
                 rng=np.random.default_rng(seed))
    accuracy = float(np.mean(net.predict(X_test) == y_test))
    return FineTuneRun(loss=hist.loss, dW1_norm=hist.dW_norms[:, 0], test_accuracy=accuracy)


@reusable
def fine_tune_start(sizes, X_train, y_train, X_test, y_test, lr, pairs=None, steps=400,
                    net_seed=0, seed=0, batch_size=128, activation="sigmoid"):
    """``fine_tune`` of a fresh ``start_net(sizes, pairs, activation, seed=net_seed)``: one
    run from scratch (``pairs=None``) or from pretrained or random first layers, leaving
    nothing changed (so its result can be stored, ``vgteach.stored``).

    Returns
    -------
    FineTuneRun
    """
    net = start_net(sizes, pairs, activation=activation, seed=net_seed)
    return fine_tune(net, X_train, y_train, X_test, y_test, lr, steps=steps, seed=seed,
                     batch_size=batch_size)
