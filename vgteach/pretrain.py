"""Greedy layer-wise pretraining with autoencoders (Hinton et al. 2006; Bengio et al. 2007).

One *level* is an autoencoder: an encoder ``h = f(X @ W + b)`` (the layer we keep) and a linear
decoder ``R = h @ V + c`` trained to reconstruct its own input, with the loss

    L = sum((R - X)**2) / (2 N)          (X has N rows)

Levels are trained one at a time: level 1 reconstructs the data, level 2 reconstructs level 1's
code ``h``, and so on. Each level sees its input standardized (zero mean, unit variance per
feature); otherwise a level could "reconstruct" a code of tiny spread almost for free by
predicting its mean, and the codes would shrink level after level. The standardization is then
folded into the encoder's ``(W, b)``, so the stacked layers take the raw codes. The encoders ``(W, b)`` are then stacked into a deep network
(``load_pretrained``), a fresh output layer goes on top, and the whole net is fine-tuned by
ordinary backprop.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> X = rng.uniform(size=(32, 6))
>>> pairs = pretrain_autoencoders([6, 4, 3], X, steps=5, lr=0.1, rng=rng)
>>> [W.shape for W, b in pairs]
[(6, 4), (4, 3)]
"""
from dataclasses import dataclass

import numpy as np

from . import activations, initializers, layers, optim
from ._threads import blas_limited
from ._validation import check_int

__all__ = ["Autoencoder", "autoencoder_loss_and_grads", "train_autoencoder",
           "pretrain_autoencoders", "encode", "fold_standardization", "load_pretrained"]


@dataclass
class Autoencoder:
    """One trained level: encoder ``(W, b)``, decoder ``(V, c)`` and its loss per step.

    Attributes
    ----------
    W : ndarray (D, H); b : ndarray (H,); V : ndarray (H, D); c : ndarray (D,)
    losses : ndarray (steps,), reconstruction loss before each step
    """

    W: np.ndarray
    b: np.ndarray
    V: np.ndarray
    c: np.ndarray
    losses: np.ndarray


@blas_limited
def autoencoder_loss_and_grads(W, b, V, c, X, activation="sigmoid"):
    """Reconstruction loss of one level and its gradients.

    Parameters
    ----------
    W : ndarray (D, H), b : ndarray (H,)   encoder
    V : ndarray (H, D), c : ndarray (D,)   linear decoder
    X : ndarray (N, D)                     what this level must reconstruct
    activation : str, the encoder's activation

    Returns
    -------
    loss : float, ``sum((R - X)**2) / (2 N)``
    grads : tuple ``(dW, db, dV, dc)`` with the parameters' shapes
    """
    f, f_prime = activations.get(activation)
    X = np.asarray(X, dtype=float)
    z, enc_cache = layers.affine_forward(X, W, b)
    h = f(z)
    R, dec_cache = layers.affine_forward(h, V, c)
    loss, dR = layers.mse_loss(R, X)
    dh, dV, dc = layers.affine_backward(dR, dec_cache)
    _, dW, db = layers.affine_backward(dh * f_prime(z), enc_cache)
    return loss, (dW, db, dV, dc)


@blas_limited
def train_autoencoder(X, n_hidden, steps=200, lr=0.5, rng=None, activation="sigmoid",
                      batch_size=None, optimizer="sgd"):
    """Train one level to reconstruct ``X`` (N, D) through ``n_hidden`` units.

    The encoder starts with Xavier weights, the decoder with its transpose-shaped Xavier
    weights, biases at zero. ``optimizer`` is a name from ``vgteach.optim`` (learning rate
    ``lr``). Returns an ``Autoencoder``.
    """
    steps = check_int(steps, "steps", "train_autoencoder", low=1)
    n_hidden = check_int(n_hidden, "n_hidden", "train_autoencoder", low=1)
    if rng is None:
        raise ValueError("train_autoencoder needs an explicit rng=np.random.default_rng(seed).")
    X = np.asarray(X, dtype=float)
    n, d = X.shape
    params = [initializers.xavier(d, n_hidden, rng), np.zeros(n_hidden),
              initializers.xavier(n_hidden, d, rng), np.zeros(d)]
    opt = optim.make_optimizer(optimizer, func="train_autoencoder", lr=lr)
    losses = np.zeros(steps)
    for t in range(steps):
        batch = X if batch_size is None else X[rng.choice(n, batch_size, replace=False)]
        losses[t], grads = autoencoder_loss_and_grads(*params, batch, activation=activation)
        opt.step(params, list(grads))
    return Autoencoder(*params, losses=losses)


@blas_limited
def encode(pairs, X, activation="sigmoid"):
    """Pass ``X`` through stacked encoders ``[(W, b), ...]``; returns the top code."""
    f, _ = activations.get(activation)
    h = np.asarray(X, dtype=float)
    for W, b in pairs:
        h = f(h @ W + b)
    return h


def _standardize(h):
    mean, std = h.mean(axis=0), h.std(axis=0)
    std = np.where(std > 1e-8, std, 1.0)  # constant features stay constant (0 after centring)
    return (h - mean) / std, mean, std


def fold_standardization(W, b, mean, std):
    """An encoder ``(W, b)`` trained on standardized input, rewritten to take the raw input.

    ``((h - mean) / std) @ W + b == h @ (W / std[:, None]) + (b - (mean / std) @ W)``.

    Parameters
    ----------
    W : ndarray (D, H); b : ndarray (H,)
    mean, std : ndarray (D,), the standardization of the input ``h`` (N, D)

    Returns
    -------
    W_folded : ndarray (D, H); b_folded : ndarray (H,)

    Examples
    --------
    >>> import numpy as np
    >>> W, b = np.array([[2.0], [1.0]]), np.array([0.5])
    >>> fold_standardization(W, b, mean=np.array([1.0, 0.0]), std=np.array([2.0, 1.0]))
    (array([[1.],
           [1.]]), array([-0.5]))
    """
    return W / std[:, None], b - (mean / std) @ W


@blas_limited
def pretrain_autoencoders(sizes, X, steps=200, lr=0.5, rng=None, activation="sigmoid",
                          batch_size=None, optimizer="sgd", return_levels=False):
    """Greedy layer-wise pretraining: one autoencoder per level, each on the code below it.

    Parameters
    ----------
    sizes : sequence of int, ``[D, H1, H2, ...]`` (input width first)
    X : ndarray (N, D)
    steps, lr, batch_size, optimizer : training of *each* level (on its standardized input) (see ``train_autoencoder``)
    rng : numpy.random.Generator
    activation : str
    return_levels : bool, also return the list of ``Autoencoder`` (with loss curves)

    Returns
    -------
    pairs : list of ``(W, b)``, level 1 first; with ``return_levels`` a tuple
        ``(pairs, levels)``.
    """
    sizes = [int(s) for s in sizes]
    X = np.asarray(X, dtype=float)
    if len(sizes) < 2 or sizes[0] != X.shape[1]:
        raise ValueError("The 'sizes' parameter of pretrain_autoencoders must start with the "
                         f"input width {X.shape[1]} and list at least one level. Got {sizes!r}.")
    levels, pairs, h = [], [], X
    for n_hidden in sizes[1:]:
        h_std, mean, std = _standardize(h)
        level = train_autoencoder(h_std, n_hidden, steps=steps, lr=lr, rng=rng,
                                  activation=activation, batch_size=batch_size,
                                  optimizer=optimizer)
        levels.append(level)
        pairs.append(fold_standardization(level.W, level.b, mean, std))
        h = encode(pairs[-1:], h, activation)
    return (pairs, levels) if return_levels else pairs


def load_pretrained(net, pairs):
    """A copy of ``net`` whose first ``len(pairs)`` layers hold the pretrained ``(W, b)``.

    The remaining layers (at least the output layer) keep ``net``'s own initial weights.
    """
    if len(pairs) >= net.n_layers:
        raise ValueError(f"load_pretrained: {len(pairs)} pretrained levels leave no output "
                         f"layer in a net with {net.n_layers} layers.")
    new = net.copy()
    for l, (W, b) in enumerate(pairs):
        if new.weights[l].shape != W.shape:
            raise ValueError(f"load_pretrained: level {l + 1} has shape {W.shape}, but the net's "
                             f"layer {l + 1} has shape {new.weights[l].shape}.")
        new.weights[l] = np.array(W, dtype=float)
        new.biases[l] = np.array(b, dtype=float)
    return new
