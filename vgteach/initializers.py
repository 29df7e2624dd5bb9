"""Weight initializers. Each takes ``(fan_in, fan_out, rng)`` and returns a new
``(fan_in, fan_out)`` float64 array drawn from the explicit ``numpy.random.Generator`` ``rng``.

==============  ======================================  ========================================
name            distribution                            keeps which variance steady
==============  ======================================  ========================================
``normal``      N(0, std**2), std given                 none in particular (std = 0.01 is classic)
``lecun``       N(0, gain**2 / fan_in)                  forward, for activations with slope 1 at 0
``xavier``      U[-a, a], a = gain * sqrt(6/(in+out))   forward and backward average (Glorot 2010)
``he``          N(0, gain**2 * 2 / fan_in)              forward, for ReLU (He et al. 2015)
``orthogonal``  orthogonal matrix times ``gain``        all singular values equal (Saxe et al. 2014)
==============  ======================================  ========================================

Every initializer but ``normal`` takes a ``gain`` (default 1) that multiplies its standard
deviation, as in PyTorch's ``torch.nn.init``. ``lecun`` with a gain is the rule the lessons use to
sweep a weight scale ``g``: ``Var(W) = g**2 / fan_in``, so that ``g = 1`` keeps a linear layer's
variance steady and the gain alone says how far from steady the net starts.

Examples
--------
>>> import numpy as np
>>> W = he(256, 128, np.random.default_rng(0))
>>> W.shape
(256, 128)
>>> W = lecun(400, 300, np.random.default_rng(0), gain=2.0)     # Var = 4 / 400
>>> round(float(W.var() * 400), 1)
4.0
"""
import functools
import inspect

import numpy as np

from ._validation import check_choice, check_float, check_int

__all__ = ["normal", "lecun", "xavier", "he", "orthogonal", "INITIALIZERS", "initialize"]


def _fans(fan_in, fan_out, func):
    return (check_int(fan_in, "fan_in", func, low=1), check_int(fan_out, "fan_out", func, low=1))


def normal(fan_in, fan_out, rng, std=0.01):
    """Gaussian weights with a fixed standard deviation ``std`` (ignores the fan)."""
    fan_in, fan_out = _fans(fan_in, fan_out, "normal")
    std = check_float(std, "std", "normal", low=0.0)
    return rng.normal(0.0, std, size=(fan_in, fan_out))


def lecun(fan_in, fan_out, rng, gain=1.0):
    """Gaussian weights with variance ``gain**2 / fan_in``."""
    return _fan_in_normal("lecun", 1.0, fan_in, fan_out, rng, gain)


def xavier(fan_in, fan_out, rng, gain=1.0):
    """Glorot & Bengio's normalized init: uniform with variance
    ``gain**2 * 2 / (fan_in + fan_out)``."""
    fan_in, fan_out = _fans(fan_in, fan_out, "xavier")
    gain = check_float(gain, "gain", "xavier", low=0.0)
    limit = gain * np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))


def he(fan_in, fan_out, rng, gain=1.0):
    """He et al.'s init for ReLU nets: Gaussian with variance ``gain**2 * 2 / fan_in``."""
    return _fan_in_normal("he", 2.0, fan_in, fan_out, rng, gain)


def _fan_in_normal(func, numerator, fan_in, fan_out, rng, gain):
    """N(0, gain**2 * numerator / fan_in): LeCun's rule (numerator 1) and He's (numerator 2)."""
    fan_in, fan_out = _fans(fan_in, fan_out, func)
    gain = check_float(gain, "gain", func, low=0.0)
    return rng.normal(0.0, gain * np.sqrt(numerator / fan_in), size=(fan_in, fan_out))


def orthogonal(fan_in, fan_out, rng, gain=1.0):
    """A (semi-)orthogonal matrix times ``gain``: every singular value equals ``gain``."""
    fan_in, fan_out = _fans(fan_in, fan_out, "orthogonal")
    gain = check_float(gain, "gain", "orthogonal", low=0.0)
    a = rng.normal(size=(max(fan_in, fan_out), min(fan_in, fan_out)))
    q, r = np.linalg.qr(a)
    q = q * np.sign(np.diag(r))  # sign fix makes the distribution uniform (Haar)
    if fan_in < fan_out:
        q = q.T
    return gain * q


INITIALIZERS = {"normal": normal, "lecun": lecun, "xavier": xavier, "he": he,
                "orthogonal": orthogonal}


def initialize(init, fan_in, fan_out, rng, func="initialize", **options):
    """Draw a weight matrix with ``init``: a name from INITIALIZERS or a callable
    ``(fan_in, fan_out, rng, **options) -> ndarray``.

    ``options`` go to the initializer unchanged (``std`` for ``normal``, ``gain`` for the
    others); ``func`` names the caller in error messages.

    Examples
    --------
    >>> import numpy as np
    >>> initialize("orthogonal", 3, 3, np.random.default_rng(0), gain=0.5).shape
    (3, 3)
    >>> initialize("he", 3, 3, np.random.default_rng(0), std=0.5)
    Traceback (most recent call last):
    ...
    ValueError: initialize got an unknown option 'std': init='he' takes only 'gain'.
    """
    if not callable(init):
        check_choice(init, "init", func, tuple(INITIALIZERS), extra="or a callable")
        init = INITIALIZERS[init]
        _check_options(init, options, func)
    W = np.asarray(init(fan_in, fan_out, rng, **options), dtype=float)
    if W.shape != (fan_in, fan_out):
        raise ValueError(f"The initializer given to {func} returned shape {W.shape}; a layer "
                         f"from {fan_in} to {fan_out} units needs {(fan_in, fan_out)}.")
    return W


@functools.lru_cache(maxsize=None)
def _option_names(init):
    """The keyword options of a named initializer (its parameters after fan_in, fan_out, rng)."""
    skip = ("fan_in", "fan_out", "rng")
    return tuple(p for p in inspect.signature(init).parameters if p not in skip)


def _check_options(init, options, func):
    """Name the options an initializer takes when it is given one it does not know."""
    known = _option_names(init)
    unknown = sorted(set(options) - set(known))
    if unknown:
        raise ValueError(f"{func} got an unknown option {unknown[0]!r}: init={init.__name__!r} "
                         f"takes only {', '.join(repr(k) for k in known)}.")
