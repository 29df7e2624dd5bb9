"""Parameter checks with one error template (scikit-learn's wording)."""
import numbers

import numpy as np


def check_int(value, name, func, low=None, high=None):
    """Return ``value`` as an int, or raise ValueError in the shared template."""
    ok = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if ok and ((low is not None and value < low) or (high is not None and value > high)):
        ok = False
    if not ok:
        raise ValueError(
            f"The {name!r} parameter of {func} must be an int in "
            f"[{low if low is not None else '-inf'}, {high if high is not None else 'inf'}]. "
            f"Got {value!r} instead."
        )
    return int(value)


def check_float(value, name, func, low=None, high=None):
    """Return ``value`` as a float, or raise ValueError in the shared template."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and np.isfinite(value)
    if ok and ((low is not None and value < low) or (high is not None and value > high)):
        ok = False
    if not ok:
        raise ValueError(
            f"The {name!r} parameter of {func} must be a finite float in "
            f"[{low if low is not None else '-inf'}, {high if high is not None else 'inf'}]. "
            f"Got {value!r} instead."
        )
    return float(value)


def check_choice(value, name, func, choices):
    """Return ``value`` if it is one of ``choices``, else raise ValueError."""
    if value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise ValueError(
            f"The {name!r} parameter of {func} must be one of {options}. Got {value!r} instead."
        )
    return value
