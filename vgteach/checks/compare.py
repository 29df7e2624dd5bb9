"""Comparing an answer with the expected value, and naming the misconception when it is wrong.

One precision policy for every exercise (``close``): values match when every entry is within
``RTOL`` of the expected one, relative to the expected array's own scale, so a float64 answer
written another way passes. An answer that came back in float32 (or float16) and is right to
that precision but not to ``RTOL`` fails with one message, "compute in float64", the same
everywhere; a float64 answer that is off gets "expected ..., got ..." printed with as many
digits as it takes for the two to look different.

``expect(got, expected, wrong, context)`` is the one definition of "compare with the right
answer, then with each known wrong answer, and raise the first matching wrong answer's hint".
"""
import numpy as np

from .isolation import EPS64, describe
from .results import Incorrect

__all__ = ["RTOL", "close", "expect", "show_pair", "show"]

#: relative tolerance of every comparison
RTOL = 1e-6


def _scale(expected):
    """The size an error is measured against: each entry, floored at 1e-3 of the largest one
    (entries near zero in an array of large ones are compared at the array's scale)."""
    e = np.abs(np.asarray(expected, dtype=float))
    peak = float(e.max()) if e.size else 0.0
    return np.maximum(e, 1e-3 * peak) if peak > 0 else np.full(e.shape, 1e-300)


def _within(got, expected, rtol, atol=0.0):
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    if got.shape != expected.shape or not np.all(np.isfinite(got)):
        return False
    if not np.all(np.isfinite(expected)):
        return False
    return bool(np.all(np.abs(got - expected) <= rtol * _scale(expected) + atol))


def close(got, expected, rtol=RTOL, atol=0.0):
    """True if ``got`` matches ``expected`` under the precision policy (same shape, finite,
    every entry within ``rtol`` of the expected array's scale, plus ``atol`` where an exercise's
    values have a natural absolute scale)."""
    return _within(got, expected, rtol, atol)


def _precision_note(got, expected, rtol, atol):
    """The "use float64" message if ``got`` is right only to its own lower precision."""
    eps = float(getattr(got, "eps", EPS64))
    if eps <= EPS64 or rtol >= 1e3 * eps:
        return None
    if _within(got, expected, max(rtol, 1e3 * eps), atol):
        name, digits = {float(np.finfo(np.float32).eps): ("float32", 7),
                        float(np.finfo(np.float16).eps): ("float16", 3)}.get(eps, ("a lower "
                                                                                 "precision", 3))
        return (f"your values are right to {name} precision, but they came back in {name}, "
                f"which keeps only about {digits} significant digits. Compute in float64, "
                "NumPy's default (no `.astype(np.float32)` or `dtype=np.float32`).")
    return None


def show(value, digits=4, limit=70):
    """A plain array or number for a message, with ``digits`` significant digits."""
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        return f"{float(arr):.{digits}g}"
    with np.printoptions(precision=digits, threshold=8, edgeitems=2, floatmode="maxprec"):
        text = " ".join(np.array2string(arr, separator=", ").split())
    if len(text) > limit:
        return f"array of shape {arr.shape}, e.g. {show(arr.flat[0], digits)} first"
    return text


def show_pair(got, expected):
    """'expected A, got B' with enough digits that A and B look different; for arrays, also
    where they differ most."""
    got = np.asarray(got, dtype=float)
    expected = np.asarray(expected, dtype=float)
    if got.shape != expected.shape:
        return f"expected shape {expected.shape}, got shape {got.shape}"
    if got.size == 1:
        g, e = float(got.reshape(())), float(expected.reshape(()))
        for digits in range(4, 18):
            if f"{g:.{digits}g}" != f"{e:.{digits}g}":
                return f"expected {e:.{digits}g}, got {g:.{digits}g}"
        return f"expected {e!r}, got {g!r}"
    diff = np.abs(np.where(np.isfinite(got), got, np.inf) - expected)
    worst = np.unravel_index(int(np.argmax(diff)), got.shape)
    g, e = float(got[worst]), float(expected[worst])
    where = f"[{', '.join(str(int(i)) for i in worst)}]"
    for digits in range(4, 18):
        if f"{g:.{digits}g}" != f"{e:.{digits}g}":
            break
    return (f"expected {show(expected)}, got {show(got)}; they differ most at entry {where}: "
            f"expected {e:.{digits}g}, got {g:.{digits}g}")


def _value(candidate):
    try:
        with np.errstate(all="ignore"):
            value = candidate() if callable(candidate) else candidate
            return None if value is None else np.asarray(value, dtype=float)
    except (ValueError, TypeError, IndexError):
        return None  # a wrong variant that does not apply to these shapes


def expect(got, expected, wrong=(), context="", rtol=RTOL, atol=0.0, fallback="", reveal=True):
    """Return if ``got`` matches ``expected``; else raise ``Incorrect``.

    Parameters
    ----------
    got : array (a ``Returned`` carries the precision it came in)
    expected : array, the right answer
    wrong : sequence of ``(candidate, hint)``; ``candidate`` is an array, or a function of no
        arguments returning one (or None to skip it). The first candidate that ``got`` matches
        (and the right answer does not) adds its hint to the message.
    context : str, e.g. ``"For z = [0.5]: dx"``; starts the message
    rtol, atol : the tolerances of ``close``
    fallback : str, a general hint when no known wrong answer matches
    reveal : bool, show the right answer next to ``got``; False where it would give the exercise
        away (five forget gates of 0.9 and an expected 0.59 spell out ``0.9 ** 5``)
    """
    expected = np.asarray(expected, dtype=float)
    got_arr = np.asarray(got, dtype=float)
    lead = f"{context}: " if context else ""
    if got_arr.shape != expected.shape:
        raise Incorrect(f"{lead}expected shape {expected.shape}, got shape {got_arr.shape}.")
    if close(got_arr, expected, rtol, atol):
        return
    if not np.all(np.isfinite(got_arr)):
        raise Incorrect(f"{lead}got a NaN or inf: {describe(got_arr)}. Every entry of the right "
                        "answer is finite here: look for a division by zero or an overflowing "
                        "exp." + (f" Hint: {fallback}" if fallback else ""))
    note = _precision_note(got, expected, rtol, atol)
    if note:
        raise Incorrect(f"{lead}{note}")
    msg = (f"{lead}{show_pair(got_arr, expected)}." if reveal else
           f"{lead}got {show(got_arr)}, which is not the right answer.")
    for candidate, hint in wrong:
        value = _value(candidate)
        if value is None or value.shape != expected.shape or close(value, expected, rtol, atol):
            continue
        if close(got_arr, value, rtol, atol):
            raise Incorrect(f"{msg} Hint: {hint}")
    raise Incorrect(msg + (f" Hint: {fallback}" if fallback else ""))
