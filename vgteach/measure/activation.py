"""An activation over a range of pre-activations: its values, slopes, and where it saturates
(the activation explorer and lesson 1).

Examples
--------
>>> view = compute_activation("sigmoid", z_max=6.0)
>>> round(view.peak_slope, 4), view.peak_at
(0.25, 0.0)
"""
from dataclasses import dataclass

import numpy as np

from .. import activations
from . import diagnostics

__all__ = ["ActivationView", "compute_activation"]


@dataclass
class ActivationView:
    """An activation over a range of ``z``: values, slopes, and where it saturates.

    ``threshold`` is the slope below which a unit counts as saturated: ``share`` times the peak
    slope (``share = 0.1`` is the course's definition, ``diagnostics.SATURATION_SHARE``).
    """

    name: str
    z: np.ndarray
    f: np.ndarray
    f_prime: np.ndarray
    share: float
    threshold: float
    saturated_fraction: float
    peak_slope: float
    peak_at: float


def compute_activation(name="sigmoid", z_max=6.0, share=diagnostics.SATURATION_SHARE, n=401):
    """Evaluate activation ``name`` on ``[-z_max, z_max]``.

    ``saturated_fraction`` is the share of that range where the slope is below ``share`` of the
    activation's peak slope; at the default ``share`` that is ``diagnostics.saturated_slope``.
    """
    f, fp = activations.get(name)
    z = np.linspace(-z_max, z_max, n)
    slope = fp(z)
    k = int(np.argmax(slope))
    threshold = float(share) * diagnostics.peak_slope(name)
    return ActivationView(name, z, f(z), slope, float(share), threshold,
                          float(np.mean(slope < threshold)), float(slope[k]), float(z[k]))
