"""Diagnostics for a network in training, written once: what makemore part 3 shows, as
functions. Pure: arrays in, small dataclasses or arrays out (the plots are in ``vgteach.plots``).
Layers are numbered from 1 (layer 1 = next to the input), as in every lesson.

What "saturated" means, for the whole course
--------------------------------------------
A unit is **saturated** when its slope ``f'(z)`` is below ``SATURATION_SHARE`` (10%) of the
activation's peak slope: the gradient through it is cut to less than a tenth of the best case.
The slope is read off the unit's output ``a = f(z)`` (``activations.PRIME_FROM_OUTPUT``), so a
layer's recorded outputs are enough:

==============  ========  ==================================  ==================================
activation      peak f'   saturated when                      in terms of the output ``a``
==============  ========  ==================================  ==================================
``sigmoid``     0.25      ``a (1 - a) < 0.025``               ``a < 0.026`` or ``a > 0.974``
``tanh``        1         ``1 - a**2 < 0.1``                  ``|a| > 0.949``
``relu``        1         slope 0: the unit is *inactive*     ``a == 0``
``leaky_relu``  1         slope ``alpha`` (0.01)              ``a <= 0``
``linear``      1         never                               never
==============  ========  ==================================  ==================================

For ReLU a saturated unit is an *inactive* one (for this example); a *dead* unit is inactive
for every example of the batch (``dead_units``). About half the units of a healthy ReLU layer
are inactive on any one example; dead units are the problem.

Examples
--------
>>> import numpy as np
>>> from vgteach.mlp import MLP
>>> net = MLP([4, 8, 8, 3], activation="tanh", seed=0)
>>> X = np.random.default_rng(0).normal(size=(16, 4))
>>> stats = activation_stats(hidden_activations(net, X), "tanh")
>>> stats.saturated.shape
(2,)
"""
from dataclasses import dataclass

import numpy as np

from .. import activations

__all__ = [
    "SATURATION_SHARE", "SATURATION", "peak_slope", "slope_from_output", "saturated_slope",
    "saturation_mask",
    "saturation_fraction", "hidden_activations", "ActivationStats", "activation_stats",
    "GradientStats", "gradient_stats", "dead_units", "dead_fraction", "near_zero_fraction",
    "relative_change",
]

#: A unit is saturated when its slope is below this share of the activation's peak slope.
SATURATION_SHARE = 0.1

#: activation -> the rule ``saturation_mask`` applies, in words (for titles and legends).
SATURATION = {
    "sigmoid": "a(1-a) < 0.025, i.e. a < 0.026 or a > 0.974",
    "tanh": "1 - a^2 < 0.1, i.e. |a| > 0.949",
    "relu": "a == 0 (inactive)",
    "leaky_relu": "a <= 0 (slope alpha)",
    "linear": "never",
}


def peak_slope(activation):
    """The largest slope ``max f'(z)`` of an activation: 0.25 for sigmoid, 1 for the others.

    Examples
    --------
    >>> peak_slope("sigmoid"), peak_slope("relu")
    (0.25, 1.0)
    """
    _, f_prime = activations.get(activation)
    # every activation in the table peaks in [-1, 1] (at 0, or on the whole positive side)
    return float(np.max(f_prime(np.linspace(-1.0, 1.0, 201))))


def slope_from_output(a, activation):
    """The slope ``f'(z)`` of every unit, computed from its output ``a = f(z)``.

    Examples
    --------
    >>> slope_from_output([0.5, 0.99], "sigmoid").round(4).tolist()
    [0.25, 0.0099]
    """
    activations.get(activation)  # the shared error message for an unknown name
    return activations.PRIME_FROM_OUTPUT[activation](a)


def saturated_slope(slope, activation):
    """The rule itself: True where a unit's slope ``f'(z)`` is below ``SATURATION_SHARE`` of the
    activation's peak slope. ``saturation_mask`` applies it to a layer's outputs; use this one
    when you have the slopes (e.g. ``f_prime(z)``).

    Examples
    --------
    >>> saturated_slope([0.2, 0.01], "sigmoid").tolist()
    [False, True]
    """
    return np.asarray(slope, dtype=float) < SATURATION_SHARE * peak_slope(activation)


def saturation_mask(a, activation):
    """Boolean mask of the saturated entries of a layer's output ``a`` (see the module text):
    slope below ``SATURATION_SHARE`` of the activation's peak slope.

    Parameters
    ----------
    a : array_like, any shape, outputs of one hidden layer (``a[l+1] = f(z[l])``)
    activation : str, a name in ``vgteach.activations.ACTIVATIONS``

    Returns
    -------
    ndarray of bool, same shape as ``a``

    Examples
    --------
    >>> saturation_mask([0.99, -0.5, -0.96], "tanh").tolist()
    [True, False, True]
    >>> saturation_mask([0.0, 0.2], "relu").tolist()
    [True, False]
    """
    return saturated_slope(slope_from_output(a, activation), activation)


def saturation_fraction(a, activation):
    """Fraction (0..1) of the entries of ``a`` that are saturated; see ``saturation_mask``.

    Examples
    --------
    >>> saturation_fraction([[0.01, 0.5], [0.99, 0.6]], "sigmoid")
    0.5
    """
    return float(np.mean(saturation_mask(a, activation)))


def hidden_activations(net, X):
    """Outputs of every hidden layer for inputs ``X``: list of ndarray (N, width), layer 1 first.

    Uses the network's forward pass without changing it (``net.trace(X).a[1:]``).
    """
    return net.trace(X).a[1:]


@dataclass
class ActivationStats:
    """Per-layer summary of hidden activations; every field is ndarray (n_layers,).

    ``saturated`` is a fraction in [0, 1] (multiply by 100 for percent).
    """

    mean: np.ndarray
    std: np.ndarray
    saturated: np.ndarray
    activation: str


def activation_stats(acts, activation):
    """Mean, standard deviation and saturated fraction of each layer's outputs.

    Parameters
    ----------
    acts : list of ndarray (N, width), e.g. ``hidden_activations(net, X)`` or ``grads.a[1:]``
    activation : str

    Returns
    -------
    ActivationStats

    Examples
    --------
    >>> s = activation_stats([np.array([[0.0, 1.0], [0.0, 3.0]])], "relu")
    >>> s.mean.tolist(), s.saturated.tolist()
    ([1.0], [0.5])
    """
    acts = [np.asarray(a, dtype=float) for a in acts]
    return ActivationStats(
        mean=np.array([a.mean() for a in acts]),
        std=np.array([a.std() for a in acts]),
        saturated=np.array([saturation_fraction(a, activation) for a in acts]),
        activation=activation,
    )


@dataclass
class GradientStats:
    """Per-layer gradient summary; every field is ndarray (L,), layer 1 first.

    Attributes
    ----------
    dW_norm, dW_std : size of the weight gradient ``dLoss/dW[l]``
    db_norm : size of the bias gradient (Nielsen's "speed of learning")
    delta_norm : size of the back-propagated error ``delta[l] = dLoss/dz[l]``
    grad_to_data : ``std(dW[l]) / std(W[l])`` (NaN if no weights given); makemore's
        gradient-to-data ratio: times the learning rate, roughly the relative update size
    """

    dW_norm: np.ndarray
    dW_std: np.ndarray
    db_norm: np.ndarray
    delta_norm: np.ndarray
    grad_to_data: np.ndarray


def gradient_stats(grads, weights=None):
    """Summarize a ``Gradients`` object (from ``net.loss_and_grads``) layer by layer.

    Parameters
    ----------
    grads : mlp.Gradients
    weights : list of ndarray or None, e.g. ``net.weights``, for the gradient-to-data ratio

    Returns
    -------
    GradientStats
    """
    dW_std = np.array([g.std() for g in grads.dW])
    if weights is None:
        ratio = np.full(len(grads.dW), np.nan)
    else:
        ratio = np.array([s / max(np.std(W), 1e-300) for s, W in zip(dW_std, weights)])
    return GradientStats(dW_norm=grads.dW_norms, dW_std=dW_std, db_norm=grads.db_norms,
                         delta_norm=grads.delta_norms, grad_to_data=ratio)


def dead_units(a):
    """Which units of a ReLU layer output exactly 0 for *every* example of the batch.

    Parameters
    ----------
    a : ndarray (N, H), one layer's outputs

    Returns
    -------
    ndarray of bool (H,)

    Examples
    --------
    >>> dead_units(np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 2.0]])).tolist()
    [True, False, False]
    """
    a = np.asarray(a, dtype=float)
    if a.ndim != 2:
        raise ValueError(f"dead_units needs a 2-D array (examples, units). Got shape {a.shape}.")
    return np.all(a == 0.0, axis=0)


def dead_fraction(acts):
    """Fraction of dead units (see ``dead_units``) in each layer, ndarray (n_layers,)."""
    return np.array([dead_units(a).mean() for a in acts])


def near_zero_fraction(weights, tol=0.01):
    """Fraction of the entries with ``|w| < tol`` in each weight matrix, ndarray (L,).

    A tool to test the claim "vanishing gradients show up as weights near zero".
    """
    return np.array([np.mean(np.abs(W) < tol) for W in weights])


def relative_change(before, after):
    """``||W_after - W_before|| / ||W_before||`` per layer, ndarray (L,): how far training
    moved each weight matrix."""
    return np.array([np.linalg.norm(Wa - Wb) / max(np.linalg.norm(Wb), 1e-300)
                     for Wb, Wa in zip(before, after)])
