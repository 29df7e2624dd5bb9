"""The per-layer gain rule: how much of the backward signal one layer keeps (lessons 2-5).

One step of backprop, ``delta[l] = (delta[l+1] @ W[l+1].T) * f'(z[l])``, multiplies the squared
size of the error term by about

    g = n * Var(W) * E[f'(z)**2]

where ``n`` is the number of units of layer ``l`` (the rows of ``W[l+1]``), ``Var(W)`` the
variance of the entries of ``W[l+1]`` and ``E[f'(z)**2]`` the mean squared slope of layer ``l``
over units and examples. ``W.T`` scales the squared size by ``n * Var(W)`` (a sum of ``n`` random
terms), the slopes by ``E[f'(z)**2]`` (when slopes and incoming errors are independent). Over
many layers the gains multiply: ``||delta_1||**2 / ||delta_L||**2 ~ g_1 g_2 ... g_(L-1)``.

``backprop_at_init`` runs one backward pass through a freshly initialized net and returns both
sides of the rule, layer by layer: the gains predicted from the net's own weights and
pre-activations, and the measured ratios ``||delta_l||**2 / ||delta_(l+1)||**2``. With
``init="lecun"`` it reproduces ``vgteach.measure.depth.compute_depth`` draw for draw, and it also
accepts ``"centred_sigmoid"``, the sigmoid minus 1/2: the same slopes, no offset.

Examples
--------
>>> view = backprop_at_init("relu", depth=10, width=64, init="xavier", seed=0)
>>> view.predicted.shape, view.measured.shape
((10,), (10,))
>>> bool(0.4 < view.predicted.mean() < 0.6)   # ReLU with Xavier keeps about half
True
"""
from dataclasses import dataclass

import numpy as np

from .. import activations, initializers, layers
from .._validation import check_choice, check_float, check_int
from . import diagnostics

__all__ = ["ACTIVATIONS", "centred_sigmoid", "layer_gain", "GainView", "backprop_at_init",
           "ScaleSweep", "sweep_weight_scale"]


def centred_sigmoid(z):
    """``sigmoid(z) - 1/2``: the sigmoid moved down to be centred at 0 (range (-1/2, 1/2)).

    It equals ``tanh(z / 2) / 2`` and has the sigmoid's slope ``sigmoid'(z)``.

    Examples
    --------
    >>> float(centred_sigmoid(0.0))
    0.0
    """
    return activations.sigmoid(z) - 0.5


#: name -> (f, f_prime): the engine's activations plus ``"centred_sigmoid"`` (same slope as the
#: sigmoid, values shifted by -1/2).
ACTIVATIONS = {**activations.ACTIVATIONS,
               "centred_sigmoid": (centred_sigmoid, activations.sigmoid_prime)}

#: which activation's definition of "saturated" (slope below 10% of the peak) a name uses
_SATURATION_AS = {"centred_sigmoid": "sigmoid"}


def _activation(name, func):
    check_choice(name, "activation", func, tuple(ACTIVATIONS))
    return ACTIVATIONS[name]


def layer_gain(W, z, activation):
    """The rule for one step back: ``n * Var(W) * E[f'(z)**2]``.

    Parameters
    ----------
    W : ndarray (n, m), the weights ``W[l+1]`` from layer ``l`` (n units) to layer ``l+1``
    z : ndarray (N, n), the pre-activations ``z[l]`` of layer ``l``
    activation : str, the activation of layer ``l`` (a name in ``ACTIVATIONS``)

    Returns
    -------
    float, the predicted ratio ``||delta[l]||**2 / ||delta[l+1]||**2``

    Examples
    --------
    >>> W = np.full((4, 4), 0.5)                          # Var(W) = 0: the rule says 0
    >>> layer_gain(W, np.zeros((2, 4)), "tanh")
    0.0
    >>> W = np.array([[1.0, -1.0], [-1.0, 1.0]])          # n = 2, Var(W) = 1, relu' = 1 at z > 0
    >>> layer_gain(W, np.ones((3, 2)), "relu")
    2.0
    """
    _, f_prime = _activation(activation, "layer_gain")
    W = np.asarray(W, dtype=float)
    return float(W.shape[0] * W.var() * np.mean(f_prime(np.asarray(z, dtype=float)) ** 2))


@dataclass
class GainView:
    """One backward pass through a fresh net with ``depth`` hidden layers, both sides of the
    gain rule layer by layer. Arrays over hidden layers have length ``depth``, layer 1 first.

    Attributes
    ----------
    delta_norms : ndarray (depth + 1,), ``||delta_l||`` for l = 1 .. L (L = depth + 1, the output)
    measured : ndarray (depth,), ``||delta_l||**2 / ||delta_(l+1)||**2``
    predicted : ndarray (depth,), ``n * Var(W[l+1]) * E[f'(z_l)**2]`` from the net's numbers
    n_var_w : ndarray (depth,), ``n * Var(W[l+1])``
    mean_slope_sq : ndarray (depth,), ``E[f'(z_l)**2]``
    saturated : ndarray (depth,), share (0..1) of saturated units per hidden layer
        (``diagnostics.saturated_slope``; the centred sigmoid uses the sigmoid's rule)
    offset_share : ndarray (depth,), share of ``z_l``'s spread that is a fixed offset per unit:
        the variance over units of each unit's mean ``z`` (over the batch), divided by the
        total variance of ``z_l``
    offset_std : ndarray (depth,), the standard deviation over units of each unit's mean ``z``
    """

    activation: str
    init: str
    weight_scale: float
    delta_norms: np.ndarray
    measured: np.ndarray
    predicted: np.ndarray
    n_var_w: np.ndarray
    mean_slope_sq: np.ndarray
    saturated: np.ndarray
    offset_share: np.ndarray
    offset_std: np.ndarray

    @property
    def first_to_last(self):
        """``||delta_1|| / ||delta_L||``: below 1 the gradient shrinks toward the input."""
        return float(self.delta_norms[0] / self.delta_norms[-1])

    @property
    def hidden_to_hidden(self):
        """``||delta_1|| / ||delta_depth||``: the shrinkage over the hidden layers alone, the
        square root of the product of ``measured[:-1]``."""
        return float(self.delta_norms[0] / self.delta_norms[-2])


def backprop_at_init(activation="sigmoid", depth=10, width=32, init="lecun", weight_scale=1.0,
                     batch=64, seed=0):
    """Backprop once through a fresh net and measure the per-layer gain rule.

    The net has ``depth`` hidden layers of ``width`` units, zero biases, one linear output unit;
    the weights are drawn with ``init`` (a name in ``vgteach.initializers.INITIALIZERS``) and
    multiplied by ``weight_scale``. The inputs are standard normal, the targets are ones and the
    loss is half the mean squared error, as in ``compute_depth`` (which this reproduces exactly
    for ``init="lecun"``: its weights have std ``weight_scale / sqrt(width)``).

    Parameters
    ----------
    activation : str, a name in ``ACTIVATIONS`` (the engine's, plus ``"centred_sigmoid"``)
    depth : int in [1, 200], number of hidden layers
    width : int in [2, 1024]
    init : str, a name in ``vgteach.initializers.INITIALIZERS`` except ``"normal"``
    weight_scale : float in (0, 100], multiplies every weight
    batch : int in [2, 4096]
    seed : int, seeds ``numpy.random.default_rng`` for the weights, then the inputs

    Returns
    -------
    GainView

    Examples
    --------
    >>> v = backprop_at_init("tanh", depth=4, width=16, init="xavier")
    >>> v.delta_norms.shape, bool(np.all(v.predicted > 0))
    ((5,), True)
    """
    f, f_prime = _activation(activation, "backprop_at_init")
    depth = check_int(depth, "depth", "backprop_at_init", 1, 200)
    width = check_int(width, "width", "backprop_at_init", 2, 1024)
    batch = check_int(batch, "batch", "backprop_at_init", 2, 4096)
    check_choice(init, "init", "backprop_at_init",
                 tuple(k for k in initializers.INITIALIZERS if k != "normal"))
    weight_scale = check_float(weight_scale, "weight_scale", "backprop_at_init", 1e-12, 100.0)
    rng = np.random.default_rng(seed)
    sizes = [width] * (depth + 1) + [1]
    weights = [weight_scale * initializers.initialize(init, m, n, rng)
               for m, n in zip(sizes[:-1], sizes[1:])]
    a, zs = [rng.normal(size=(batch, width))], []
    for W in weights:
        zs.append(a[-1] @ W)
        a.append(f(zs[-1]))
    _, delta = layers.mse_loss(zs[-1], np.ones((batch, 1)))  # the output layer is linear
    deltas = [delta]
    for W, z in zip(weights[:0:-1], zs[-2::-1]):  # W[l+1] and z[l], from the top down
        deltas.append((deltas[-1] @ W.T) * f_prime(z))
    norms = np.array([np.linalg.norm(d) for d in deltas[::-1]])
    hidden = list(zip(weights[1:], zs[:-1]))  # (W[l+1], z[l]) for hidden layers l = 1 .. depth
    slope_sq = np.array([np.mean(f_prime(z) ** 2) for _, z in hidden])
    n_var_w = np.array([W.shape[0] * W.var() for W, _ in hidden])
    rule = _SATURATION_AS.get(activation, activation)
    return GainView(
        activation=activation, init=init, weight_scale=weight_scale, delta_norms=norms,
        measured=norms[:-1] ** 2 / norms[1:] ** 2, predicted=n_var_w * slope_sq,
        n_var_w=n_var_w, mean_slope_sq=slope_sq,
        saturated=np.array([np.mean(diagnostics.saturated_slope(f_prime(z), rule))
                            for _, z in hidden]),
        offset_share=np.array([z.mean(axis=0).var() / z.var() for _, z in hidden]),
        offset_std=np.array([z.mean(axis=0).std() for _, z in hidden]))


@dataclass
class ScaleSweep:
    """``backprop_at_init`` over weight scales for several activations.

    Attributes
    ----------
    activations : tuple of str
    scales : ndarray (S,)
    first_to_last : ndarray (A, S), ``||delta_1|| / ||delta_L||`` per activation and scale
    saturated : ndarray (A, S), share (0..1) of saturated hidden units
    gain : ndarray (A, S), the predicted per-layer gain ``g`` averaged over the hidden layers
    offset_share : ndarray (A, S), ``GainView.offset_share`` averaged over the hidden layers
    offset_std : ndarray (A, S), ``GainView.offset_std`` averaged over hidden layers 2 .. depth
        (layer 1 sees the zero-mean inputs, so it has no offset from the activation)
    """

    activations: tuple
    scales: np.ndarray
    first_to_last: np.ndarray
    saturated: np.ndarray
    gain: np.ndarray
    offset_share: np.ndarray
    offset_std: np.ndarray

    def row(self, activation):
        """Index of ``activation`` in the arrays' first axis."""
        return self.activations.index(activation)

    def crossing(self, activation, of="first_to_last", level=1.0):
        """Where ``of`` (``"first_to_last"`` or ``"gain"``) first reaches ``level`` as the scale
        grows, and the share of saturated units there: ``(scale, saturated)``, both
        interpolated between the two grid scales around the crossing (linear in log scale and
        log value). ``(nan, nan)`` if it never reaches ``level`` on the grid; the first grid
        scale if it starts there.

        Examples
        --------
        >>> s = ScaleSweep(("tanh",), np.array([1.0, 4.0]), np.array([[0.25, 4.0]]),
        ...                np.array([[0.0, 0.5]]), np.ones((1, 2)), np.zeros((1, 2)),
        ...                np.zeros((1, 2)))
        >>> s.crossing("tanh")
        (2.0, 0.25)
        """
        check_choice(of, "of", "ScaleSweep.crossing", ("first_to_last", "gain"))
        values, sat = getattr(self, of)[self.row(activation)], self.saturated[self.row(activation)]
        above = np.flatnonzero(values >= level)
        if above.size == 0:
            return float("nan"), float("nan")
        k = int(above[0])
        if k == 0:
            return float(self.scales[0]), float(sat[0])
        lv, ls = np.log(values[k - 1:k + 1]), np.log(self.scales[k - 1:k + 1])
        t = (np.log(level) - lv[0]) / (lv[1] - lv[0])
        return float(np.exp(ls[0] + t * (ls[1] - ls[0]))), float(sat[k - 1] + t * (sat[k] - sat[k - 1]))


def sweep_weight_scale(activations=("sigmoid", "centred_sigmoid", "tanh"), scales=None, **kw):
    """Run ``backprop_at_init`` at every weight scale for every activation (same seed, so every
    net at one scale has the same random draws, only the activation differs).

    Parameters
    ----------
    activations : sequence of str, names in ``ACTIVATIONS``
    scales : array_like (S,), default ``np.geomspace(0.25, 32, 22)`` (steps of 2**(1/3):
        1, 2, 4, 8 and 16 are on the grid)
    **kw : passed to ``backprop_at_init`` (depth, width, init, batch, seed)

    Returns
    -------
    ScaleSweep

    Examples
    --------
    >>> s = sweep_weight_scale(("tanh",), [0.5, 2.0], depth=5)
    >>> s.first_to_last.shape
    (1, 2)
    """
    scales = np.geomspace(0.25, 32, 22) if scales is None else np.asarray(scales, dtype=float)
    views = [[backprop_at_init(act, weight_scale=float(s), **kw) for s in scales]
             for act in activations]
    pick = lambda get: np.array([[get(v) for v in row] for row in views])  # noqa: E731
    return ScaleSweep(
        activations=tuple(activations), scales=scales,
        first_to_last=pick(lambda v: v.first_to_last),
        saturated=pick(lambda v: v.saturated.mean()),
        gain=pick(lambda v: v.predicted.mean()),
        offset_share=pick(lambda v: v.offset_share.mean()),
        offset_std=pick(lambda v: v.offset_std[1:].mean() if v.offset_std.size > 1 else 0.0))
