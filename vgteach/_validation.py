"""Parameter checks with one error template (scikit-learn's wording):

    The 'depth' parameter of chain_gradients must be an int in [1, 500]. Got 0 instead.

Every module of the engine raises its parameter errors through these functions. ``func`` names
the function or class the learner called; without it the message leaves the "of ..." out.
"""
import numbers

import numpy as np


def _parameter(name, func):
    """The message's subject: "The 'name' parameter of func" (or without "of" if no func)."""
    return f"The {name!r} parameter" + (f" of {func}" if func else "")


def check_int(value, name, func=None, low=None, high=None):
    """Return ``value`` as an int, or raise ValueError in the shared template.

    Examples
    --------
    >>> check_int(0, "depth", "chain_gradients", low=1, high=500)
    Traceback (most recent call last):
    ...
    ValueError: The 'depth' parameter of chain_gradients must be an int in [1, 500]. Got 0 instead.
    """
    ok = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    _check_range(ok, value, name, func, low, high, "an int")
    return int(value)


def check_float(value, name, func=None, low=None, high=None):
    """Return ``value`` as a float, or raise ValueError in the shared template."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and np.isfinite(value)
    _check_range(ok, value, name, func, low, high, "a finite float")
    return float(value)


def _check_range(ok, value, name, func, low, high, kind):
    """Raise unless ``ok`` (the type is right) and ``value`` lies in [low, high]."""
    if ok and ((low is not None and value < low) or (high is not None and value > high)):
        ok = False
    if not ok:
        interval = f"[{low if low is not None else '-inf'}, {high if high is not None else 'inf'}]"
        raise ValueError(f"{_parameter(name, func)} must be {kind} in {interval}. "
                         f"Got {value!r} instead.")


def check_choice(value, name, func=None, choices=(), extra=""):
    """Return ``value`` if it is one of ``choices``, else raise ValueError.

    ``extra`` adds an alternative the message lists after the choices (e.g. "or a callable").
    """
    try:
        ok = value in choices
    except TypeError:  # e.g. an unhashable value tested against a dict's keys
        ok = False
    if not ok:
        options = ", ".join(repr(c) for c in choices) + (f" {extra}" if extra else "")
        raise ValueError(f"{_parameter(name, func)} must be one of {options}. "
                         f"Got {value!r} instead.")
    return value


def check_shape(value, name, func, shape, why=""):
    """Raise ValueError in the shared template unless ``value.shape == shape``.

    ``why`` may say what the shape follows from (e.g. "for x of shape (2, 5, 3)").
    """
    if np.shape(value) != tuple(shape):
        raise ValueError(f"{_parameter(name, func)} must have shape {tuple(shape)}"
                         f"{' ' + why if why else ''}. Got {np.shape(value)} instead.")
    return value
