"""One sigmoid output unit that starts saturated and wrong, trained under two losses (lesson 1).

With the half squared error, ``dL/dz = (a - y) * sigmoid'(z)``: a saturated unit has
``sigmoid'(z) ~ 0`` and barely learns, however wrong it is. With cross-entropy,
``L = -[y log a + (1 - y) log(1 - a)]``, the slope cancels: ``dL/da = (a - y) / (a (1 - a))``
and ``da/dz = a (1 - a)``, so ``dL/dz = a - y``, largest exactly when the unit is confidently
wrong. ``fit_output_unit`` trains ``a = sigmoid(w x + b)`` by full-batch gradient descent on a
1-D task (``y = 1`` where ``x > 0``), starting from ``w0 < 0``: every prediction is on the wrong
side and the units with large ``|x|`` are saturated.

Examples
--------
>>> mse = fit_output_unit("mse", lrs=[1.0], steps=50)
>>> ce = fit_output_unit("cross_entropy", lrs=[1.0], steps=50)
>>> bool(ce.accuracy[0, -1] > mse.accuracy[0, -1])
True
"""
from dataclasses import dataclass

import numpy as np

from .. import activations
from .._validation import check_choice, check_float, check_int
from . import diagnostics

__all__ = ["LOSSES", "output_loss_and_dz", "OutputFit", "fit_output_unit"]

#: the two losses compared: half squared error and (binary) cross-entropy
LOSSES = ("mse", "cross_entropy")


def output_loss_and_dz(z, y, loss):
    """Per-example loss and its slope ``dL/dz`` for a sigmoid output ``a = sigmoid(z)``.

    Parameters
    ----------
    z : array_like, pre-activations of the output unit
    y : array_like (same shape), targets in {0, 1}
    loss : {"mse", "cross_entropy"}: ``(a - y)**2 / 2`` or ``-[y log a + (1-y) log(1-a)]``

    Returns
    -------
    (ndarray, ndarray): the loss per example and ``dL/dz`` per example

    Examples
    --------
    >>> _, dz = output_loss_and_dz([8.0], [0.0], "mse")
    >>> _, dz_ce = output_loss_and_dz([8.0], [0.0], "cross_entropy")
    >>> f"{dz[0]:.1e}", f"{dz_ce[0]:.4f}"
    ('3.4e-04', '0.9997')
    """
    check_choice(loss, "loss", "output_loss_and_dz", LOSSES)
    z, y = np.asarray(z, dtype=float), np.asarray(y, dtype=float)
    return _loss_and_dz(z, activations.sigmoid(z), y, loss)


def _loss_and_dz(z, a, y, loss):
    """``output_loss_and_dz`` given ``a = sigmoid(z)`` already computed."""
    if loss == "mse":
        return 0.5 * (a - y) ** 2, (a - y) * (a * (1 - a))
    # log a = -log(1 + e^-z) and log(1 - a) = -log(1 + e^z), computed without overflow
    return y * np.logaddexp(0.0, -z) + (1 - y) * np.logaddexp(0.0, z), a - y


@dataclass
class OutputFit:
    """Per-step records of ``fit_output_unit``, one row per learning rate (column ``t``: before
    update ``t``).

    Attributes
    ----------
    lrs : ndarray (R,), the learning rates
    loss : ndarray (R, steps), mean loss
    accuracy : ndarray (R, steps), share of examples on the right side of 0.5
    saturated : ndarray (R, steps), share of examples where the unit is saturated (slope below
        10% of the peak, ``diagnostics.saturated_slope``)
    mean_abs_dz : ndarray (R, steps), mean ``|dL/dz|`` over the examples
    predicted_one : ndarray (R, steps), share of examples the unit puts above 0.5 (near 0 or 1:
        it gives one answer to almost every input)
    w, b : ndarray (R,), the final weights and biases
    """

    lrs: np.ndarray
    loss: np.ndarray
    accuracy: np.ndarray
    saturated: np.ndarray
    mean_abs_dz: np.ndarray
    predicted_one: np.ndarray
    w: np.ndarray
    b: np.ndarray

    def steps_to(self, accuracy=0.9):
        """Per learning rate, the first step at which the accuracy reaches ``accuracy``, or -1
        if it never does: ndarray of int (R,)."""
        reached = self.accuracy >= accuracy
        return np.where(reached.any(axis=1), reached.argmax(axis=1), -1)

    def one_answer(self, share=0.05):
        """Per step, whether the unit gives the same answer to all but ``share`` of the
        examples (``predicted_one`` below ``share`` or above ``1 - share``): bool (R, steps)."""
        return (self.predicted_one < share) | (self.predicted_one > 1 - share)


def fit_output_unit(loss, lrs=(1.0,), w0=-8.0, steps=3000, n=200, seed=0):
    """Train one sigmoid unit ``a = sigmoid(w x + b)`` by full-batch gradient descent, once per
    learning rate (all runs side by side, on the same data).

    The data are ``n`` inputs ``x ~ N(0, 1)`` (from ``numpy.random.default_rng(seed)``) with
    targets ``y = 1`` where ``x > 0``, else 0. Training starts from ``w = w0``, ``b = 0``.

    Parameters
    ----------
    loss : {"mse", "cross_entropy"}
    lrs : sequence of float in (0, 100], the learning rates
    w0 : float in [-50, 50], the starting weight (negative: confidently wrong)
    steps : int in [1, 100000]
    n : int in [2, 100000]
    seed : int

    Returns
    -------
    OutputFit
    """
    check_choice(loss, "loss", "fit_output_unit", LOSSES)
    lrs = np.array([check_float(lr, "lrs", "fit_output_unit", 1e-12, 100.0)
                    for lr in np.atleast_1d(lrs)])
    w0 = check_float(w0, "w0", "fit_output_unit", -50.0, 50.0)
    steps = check_int(steps, "steps", "fit_output_unit", 1, 100_000)
    n = check_int(n, "n", "fit_output_unit", 2, 100_000)
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    y = (x > 0).astype(float)
    w, b = np.full((lrs.size, 1), w0), np.zeros((lrs.size, 1))
    flat = diagnostics.SATURATION_SHARE * diagnostics.peak_slope("sigmoid")
    rec = np.zeros((5, lrs.size, steps))
    for t in range(steps):
        z = w * x + b                                    # (R, n)
        a = activations.sigmoid(z)
        per_example, dz = _loss_and_dz(z, a, y, loss)
        rec[:, :, t] = (per_example.mean(axis=1), np.mean((z > 0) == (y > 0), axis=1),
                        np.mean(a * (1 - a) < flat, axis=1), np.abs(dz).mean(axis=1),
                        np.mean(z > 0, axis=1))
        w -= lrs[:, None] * np.mean(dz * x, axis=1, keepdims=True)
        b -= lrs[:, None] * np.mean(dz, axis=1, keepdims=True)
    return OutputFit(lrs, *rec, w=w[:, 0], b=b[:, 0])
