"""Diagnostics for a network in training, written once: what makemore part 3 shows, as functions.

Compute functions are pure (arrays in, small dataclasses or arrays out); plot functions take
``ax=None`` (or ``fig=None`` for several panels) and return it. Layers are numbered from 1
(layer 1 = next to the input), as in every lesson.

What counts as *saturated* depends on the activation; ``saturation_mask`` uses, on a unit's
output ``a``:

==============  ==================================  =======================================
activation      saturated / inactive when           why
==============  ==================================  =======================================
``tanh``        ``|a| > 0.97``                      slope ``1 - a**2 < 0.06``
``sigmoid``     ``a < 0.03`` or ``a > 0.97``        slope ``a (1 - a) < 0.03`` (peak 0.25)
``relu``        ``a == 0`` exactly                  slope 0: the unit passes no gradient
``leaky_relu``  ``a < 0``                           slope only ``alpha`` (0.01)
``linear``      never                               slope 1 everywhere
==============  ==================================  =======================================

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

import matplotlib.pyplot as plt
import numpy as np

from . import activations
from .plots import new_axes

__all__ = [
    "SATURATION", "saturation_mask", "saturation_fraction", "hidden_activations",
    "ActivationStats", "activation_stats", "GradientStats", "gradient_stats", "dead_units",
    "dead_fraction", "near_zero_fraction", "relative_change", "plot_activation_histograms",
    "plot_gradient_histograms", "plot_update_ratios", "plot_weight_distributions",
    "plot_layer_bars",
]

#: activation -> one-line definition of "saturated" used by ``saturation_mask``.
SATURATION = {
    "tanh": "|a| > 0.97",
    "sigmoid": "a < 0.03 or a > 0.97",
    "relu": "a == 0 (inactive)",
    "leaky_relu": "a < 0 (slope alpha)",
    "linear": "never",
}


def saturation_mask(a, activation):
    """Boolean mask of saturated (or, for ReLU, inactive) entries of a layer's output ``a``.

    Parameters
    ----------
    a : array_like, any shape, outputs of one hidden layer (``a[l+1] = f(z[l])``)
    activation : str, a name in ``SATURATION``

    Returns
    -------
    ndarray of bool, same shape as ``a``

    Examples
    --------
    >>> saturation_mask([0.99, -0.5, -0.98], "tanh").tolist()
    [True, False, True]
    >>> saturation_mask([0.0, 0.2], "relu").tolist()
    [True, False]
    """
    activations.get(activation)  # the shared error message for an unknown name
    a = np.asarray(a, dtype=float)
    if activation == "tanh":
        return np.abs(a) > 0.97
    if activation == "sigmoid":
        return (a < 0.03) | (a > 0.97)
    if activation == "relu":
        return a == 0.0
    if activation == "leaky_relu":
        return a < 0.0
    return np.zeros(a.shape, dtype=bool)


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


def _colors(n):
    return plt.cm.viridis(np.linspace(0, 0.9, max(n, 1)))


def plot_activation_histograms(acts, activation, ax=None, bins=50):
    """Overlaid histograms of each hidden layer's outputs; the legend gives mean, std and
    % saturated (makemore's activation plot)."""
    ax = new_axes(ax)
    stats = activation_stats(acts, activation)
    for l, (a, c) in enumerate(zip(acts, _colors(len(acts)))):
        hist, edges = np.histogram(np.ravel(a), bins=bins)
        centres = (edges[:-1] + edges[1:]) / 2
        ax.plot(centres, hist / max(hist.sum(), 1), color=c,
                label=(f"layer {l + 1}: mean {stats.mean[l]:+.2f}, std {stats.std[l]:.2f}, "
                       f"sat. {100 * stats.saturated[l]:.0f}%"))
    ax.set(xlabel=f"{activation} output a", ylabel="fraction of values",
           title=f"Activations per layer ({activation}; saturated: {SATURATION[activation]})")
    ax.legend(fontsize="x-small")
    return ax


def plot_gradient_histograms(arrays, ax=None, bins=50, name="dW"):
    """Overlaid histograms of ``log10 |g|`` for each layer's gradient array (``grads.dW`` or
    ``grads.delta``); a log axis because layers differ by decades."""
    ax = new_axes(ax)
    logs = [np.log10(np.abs(np.ravel(g))[np.abs(np.ravel(g)) > 0]) for g in arrays]
    finite = np.concatenate([v for v in logs if v.size] or [np.zeros(1)])
    edges = np.linspace(finite.min(), finite.max() + 1e-9, bins + 1)
    centres = (edges[:-1] + edges[1:]) / 2
    for l, (v, c) in enumerate(zip(logs, _colors(len(logs)))):
        hist, _ = np.histogram(v, bins=edges)
        med = np.median(v) if v.size else np.nan
        ax.plot(centres, hist / max(hist.sum(), 1), color=c,
                label=f"layer {l + 1}: median |{name}| = {10 ** med:.1e}")
    ax.set(xlabel=f"log10 |{name}|", ylabel="fraction of entries",
           title=f"Gradient entries per layer ({name})")
    ax.legend(fontsize="x-small")
    return ax


def plot_update_ratios(update_ratio, ax=None, reference=1e-3):
    """Update-to-weight ratio ``||dW_step|| / ||W||`` per layer over training, ndarray
    (steps, L) (``History.update_ratio``), on a log axis with a reference line (about 1e-3 is
    healthy for plain SGD, CS231n / makemore)."""
    ax = new_axes(ax)
    r = np.asarray(update_ratio, dtype=float)
    for l, c in zip(range(r.shape[1]), _colors(r.shape[1])):
        ax.semilogy(np.where(r[:, l] > 0, r[:, l], np.nan), color=c, label=f"layer {l + 1}")
    if reference:
        ax.axhline(reference, color="k", linestyle=":", label=f"reference {reference:g}")
    ax.set(xlabel="training step", ylabel="update / weight (log scale)",
           title="Update-to-weight ratio per layer")
    ax.legend(fontsize="x-small", ncol=2)
    return ax


def plot_weight_distributions(before, after, fig=None, bins=40):
    """One panel per layer: histogram of the weights before and after training; the title
    gives the relative change. Returns the figure."""
    L = len(before)
    if fig is None:
        fig = plt.figure(figsize=(2.6 * L, 2.6), layout="constrained")
    axes = fig.subplots(1, L, squeeze=False)[0]
    change = relative_change(before, after)
    for l, ax in enumerate(axes):
        lo = min(before[l].min(), after[l].min())
        hi = max(before[l].max(), after[l].max())
        edges = np.linspace(lo, hi + 1e-12, bins + 1)
        ax.hist(np.ravel(before[l]), bins=edges, histtype="step", color="0.5", label="before")
        ax.hist(np.ravel(after[l]), bins=edges, histtype="step", color="C3", label="after")
        ax.set(title=f"layer {l + 1}: moved {100 * change[l]:.2g}%", xlabel="weight value")
    axes[0].set_ylabel("count")
    axes[0].legend(fontsize="x-small")
    fig.suptitle("Weights before and after training")
    return fig


def plot_layer_bars(values, ax=None, ylabel="value", title=None, log=True, label=None, **kw):
    """A per-layer quantity as bars (layer 1 = next to the input); log axis by default."""
    ax = new_axes(ax)
    values = np.asarray(values, dtype=float)
    layers = np.arange(1, values.size + 1)
    ax.bar(layers, values, label=label, **kw)
    if log:
        ax.set_yscale("log")
    ax.set_xticks(layers)
    ax.set(xlabel="layer l (1 = next to the input)", ylabel=ylabel, title=title or ylabel)
    if label is not None:
        ax.legend(fontsize="small")
    return ax
