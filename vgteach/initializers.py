"""Weight initializers. Each takes ``(fan_in, fan_out, rng)`` and returns a new
``(fan_in, fan_out)`` float64 array drawn from the explicit ``numpy.random.Generator`` ``rng``.

=============  ===============================  ==========================================
name           distribution                     keeps which variance steady
=============  ===============================  ==========================================
``normal``     N(0, std**2), std given          none in particular (std = 0.01 is classic)
``lecun``      N(0, 1/fan_in)                   forward, for activations with slope 1 at 0
``xavier``     U[-a, a], a = sqrt(6/(in+out))   forward and backward average (Glorot 2010)
``he``         N(0, 2/fan_in)                   forward, for ReLU (He et al. 2015)
``orthogonal`` orthogonal matrix times ``gain`` all singular values equal (Saxe et al. 2014)
=============  ===============================  ==========================================

Examples
--------
>>> import numpy as np
>>> W = he(256, 128, np.random.default_rng(0))
>>> W.shape
(256, 128)
"""
import numpy as np

from ._validation import check_float, check_int

__all__ = ["normal", "lecun", "xavier", "he", "orthogonal", "INITIALIZERS", "initialize"]


def _fans(fan_in, fan_out, func):
    return (check_int(fan_in, "fan_in", func, low=1), check_int(fan_out, "fan_out", func, low=1))


def normal(fan_in, fan_out, rng, std=0.01):
    """Gaussian weights with a fixed standard deviation ``std`` (ignores the fan)."""
    fan_in, fan_out = _fans(fan_in, fan_out, "normal")
    std = check_float(std, "std", "normal", low=0.0)
    return rng.normal(0.0, std, size=(fan_in, fan_out))


def lecun(fan_in, fan_out, rng):
    """Gaussian weights with variance ``1 / fan_in``."""
    fan_in, fan_out = _fans(fan_in, fan_out, "lecun")
    return rng.normal(0.0, np.sqrt(1.0 / fan_in), size=(fan_in, fan_out))


def xavier(fan_in, fan_out, rng):
    """Glorot & Bengio's normalized init: uniform with variance ``2 / (fan_in + fan_out)``."""
    fan_in, fan_out = _fans(fan_in, fan_out, "xavier")
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))


def he(fan_in, fan_out, rng):
    """He et al.'s init for ReLU nets: Gaussian with variance ``2 / fan_in``."""
    fan_in, fan_out = _fans(fan_in, fan_out, "he")
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))


def orthogonal(fan_in, fan_out, rng, gain=1.0):
    """A (semi-)orthogonal matrix times ``gain``: every singular value equals ``gain``."""
    fan_in, fan_out = _fans(fan_in, fan_out, "orthogonal")
    a = rng.normal(size=(max(fan_in, fan_out), min(fan_in, fan_out)))
    q, r = np.linalg.qr(a)
    q = q * np.sign(np.diag(r))  # sign fix makes the distribution uniform (Haar)
    if fan_in < fan_out:
        q = q.T
    return gain * q


INITIALIZERS = {"normal": normal, "lecun": lecun, "xavier": xavier, "he": he,
                "orthogonal": orthogonal}


def initialize(init, fan_in, fan_out, rng, **kwargs):
    """Draw a weight matrix with ``init``: a name from INITIALIZERS or a callable
    ``(fan_in, fan_out, rng) -> ndarray``. Extra keyword arguments go to the initializer."""
    if callable(init):
        W = np.asarray(init(fan_in, fan_out, rng, **kwargs), dtype=float)
    elif init in INITIALIZERS:
        W = INITIALIZERS[init](fan_in, fan_out, rng, **kwargs)
    else:
        options = ", ".join(repr(k) for k in INITIALIZERS)
        raise ValueError(
            f"The 'init' parameter must be one of {options} or a callable. Got {init!r} instead."
        )
    if W.shape != (fan_in, fan_out):
        raise ValueError(f"The initializer returned shape {W.shape}, expected {(fan_in, fan_out)}.")
    return W
