"""The checker machinery: result objects, the exercise registry, and safe calls into learner code.

A checker is a function ``checker(answer) -> None`` registered with ``@exercise(id, points)``.
It calls the learner's code through ``call`` (which copies the inputs, stops runaway code, and
turns every failure into an ``Incorrect`` with a message written to the learner) and raises
``Incorrect("...")`` itself when a value is wrong. ``check`` turns all of that into a
``CheckResult``; nothing the learner's code raises escapes it.
"""
import builtins
import contextlib
import copy
import html
import importlib
import importlib.util
import io
import math
import os
import signal
import sys
import threading
import uuid
import warnings
from dataclasses import dataclass

import numpy as np

__all__ = ["CheckResult", "Incorrect", "NotDone", "exercise", "check", "grade", "call",
           "EXERCISES", "describe", "close", "as_numbers"]

#: exercise id -> Exercise
EXERCISES = {}

DEFAULT_TIMEOUT = 5.0


class Incorrect(Exception):
    """Raised inside a checker: the answer is wrong; the message is written to the learner."""


class NotDone(Incorrect):
    """The learner's function still raises NotImplementedError (the exercise stub)."""


@dataclass
class Exercise:
    exercise_id: str
    points: float
    title: str
    checker: object


@dataclass
class CheckResult:
    """The outcome of checking one exercise.

    Attributes
    ----------
    exercise_id : str
    passed : bool
    points, max_points : float
    message : str, written to the learner
    """

    exercise_id: str
    passed: bool
    points: float
    max_points: float
    message: str

    def __bool__(self):
        return self.passed

    def __repr__(self):
        mark = "PASSED" if self.passed else "NOT YET"
        head = f"[{mark}] {self.exercise_id}: {self.points:g}/{self.max_points:g} points"
        return head + "\n" + self.message

    def _repr_html_(self):
        color, mark = ("#1b7f3b", "&#10004;") if self.passed else ("#b35900", "&#9998;")
        body = html.escape(self.message).replace("\n", "<br>")
        return (
            f'<div style="border-left:4px solid {color};padding:4px 10px;margin:4px 0">'
            f'<b style="color:{color}">{mark} {html.escape(self.exercise_id)}: '
            f"{self.points:g}/{self.max_points:g} points</b><br>{body}</div>"
        )


def exercise(exercise_id, points, title=""):
    """Decorator registering ``checker(answer)`` under ``exercise_id`` worth ``points``."""
    def register(checker):
        EXERCISES[exercise_id] = Exercise(exercise_id, float(points), title, checker)
        return checker
    return register


def describe(value, limit=70):
    """A short, readable rendering of a value for a feedback message (never raises)."""
    try:
        if isinstance(value, np.ndarray):
            return _describe_array(value, limit)
        with _time_limit(1.0, "repr"):
            text = f"{value:.6g}" if isinstance(value, float) else repr(value)
        text = " ".join(str(text)[:10 * limit].split())
    except BaseException:  # noqa: BLE001 - a learner object whose repr fails or hangs
        text = f"<a {type(value).__name__} object>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _describe_array(value, limit):
    with np.printoptions(precision=4, threshold=8, edgeitems=2):
        text = np.array2string(value, separator=", ")
    text = " ".join(text.split())
    if value.size > 8 or len(text) > limit:
        with np.printoptions(precision=4):  # .flat: no copy, even of a huge broadcast view
            head = ", ".join(np.array2string(np.asarray(v)) for v in value.flat[:2])
        text = f"array of shape {value.shape} [{head}, ...]"
    return text


def close(got, expected, rtol=1e-6, atol=1e-9):
    """True if ``got`` matches ``expected`` (same shape, finite, within tolerance)."""
    got = np.asarray(got, dtype=float)
    expected = np.asarray(expected, dtype=float)
    return got.shape == expected.shape and bool(
        np.all(np.isfinite(got)) and np.allclose(got, expected, rtol=rtol, atol=atol))


@contextlib.contextmanager
def _time_limit(seconds, name):
    """Stop learner code after ``seconds`` with SIGALRM (main thread on POSIX only; elsewhere
    the code simply runs to completion)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable or not seconds or signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        yield  # no signals here, or an outer limit is already running and governs
        return

    active = [True]

    def on_alarm(signum, frame):
        if active[0]:
            raise _Timeout

    old = signal.signal(signal.SIGALRM, on_alarm)
    # Re-fires every 0.2 s after the first alarm, so code that swallows one alarm with a bare
    # ``except:`` is interrupted again once it moves on.
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.2)
    try:
        yield
    finally:
        active[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


class _Timeout(BaseException):
    """Private: raised by the alarm; a BaseException so a learner's ``except Exception`` can't eat it."""


def _safe_str(exc, limit=300):
    """str(exc) for a learner's exception, which may itself fail or be huge."""
    try:
        text = str(exc)
    except BaseException:  # noqa: BLE001
        text = "<message could not be shown>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _snapshot(args):
    return [copy.deepcopy(a) for a in args]


def _same(a, b):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape
                and np.array_equal(a, b, equal_nan=True))
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def call(fn, *args, name=None, inputs=None, timeout=None):
    """Call the learner's ``fn(*args)`` safely and return what it returned.

    The arguments are copies, so a learner's function can't change the checker's test data;
    if it changes its inputs anyway, that is reported (a function that edits its caller's
    arrays is a bug a learner should hear about). Raises ``NotDone`` for the untouched stub and
    ``Incorrect`` with a learner-facing message for any exception, a time-out or a ``None``
    return.

    ``inputs`` is a short description of the arguments for messages, e.g. ``"z = [0, 1]"``.
    ``timeout`` (seconds) defaults to ``DEFAULT_TIMEOUT``, read at call time.
    """
    timeout = DEFAULT_TIMEOUT if timeout is None else timeout
    name = name or getattr(fn, "__name__", "your function")
    inputs = inputs or ", ".join(describe(a, 30) for a in args)
    if not callable(fn):
        raise Incorrect(f"Expected a function, but got {describe(fn)}. Pass the function itself "
                        f"(without calling it), e.g. check('...', {name}).")
    given = _snapshot(args)
    kept = _snapshot(args)
    printed = io.StringIO()
    try:
        with _time_limit(timeout, name), contextlib.redirect_stdout(printed), \
                warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            out = fn(*given)
    except NotImplementedError:
        raise NotDone(f"Not done yet: {name} still raises NotImplementedError. Replace the "
                      "`raise NotImplementedError()` line with your code, run that cell, then "
                      "run this check again.") from None
    except _Timeout:
        raise Incorrect(f"{name}({inputs}) did not finish within {timeout:g} s, so it was "
                        "stopped. Look for a loop that never ends (a `while` whose condition "
                        "never changes, or a loop over an array that grows).") from None
    except RecursionError:
        raise Incorrect(f"{name}({inputs}) recursed too deeply (RecursionError). Use a loop "
                        "instead of calling the function from itself.") from None
    except SystemExit as exc:
        raise Incorrect(f"{name}({inputs}) called sys.exit() / exit() (SystemExit: "
                        f"{_safe_str(exc)}). A function hands its result back with `return`; "
                        "exiting would stop the whole notebook.") from None
    except KeyboardInterrupt:
        raise Incorrect(f"{name}({inputs}) was interrupted (KeyboardInterrupt) before it "
                        "returned, so it could not be checked. Run the check again and let it "
                        "finish.") from None
    except BaseException as exc:  # noqa: BLE001 - any learner error becomes feedback
        raise Incorrect(f"{name}({inputs}) raised {type(exc).__name__}: "
                        f"{_safe_str(exc)}") from None
    if not all(_same(a, b) for a, b in zip(given, kept)):
        raise Incorrect(f"{name}({inputs}) changed its input array in place. Compute a new "
                        "array instead (e.g. `x = x * 2` rather than `x *= 2`), so the caller's "
                        "data stays as it was.")
    if out is None:
        hint = (" It printed something: use `return` to hand the value back instead of `print`."
                if printed.getvalue() else " Did you forget the `return` statement?")
        raise Incorrect(f"{name}({inputs}) returned None.{hint}")
    return out


MAX_OUTPUT_SIZE = 10_000_000


class _Huge(Exception):
    """Private: the learner's output has more than MAX_OUTPUT_SIZE entries."""


def as_numbers(value, name, inputs, what="an array of numbers", timeout=None, call_text=None):
    """Convert a learner's returned ``value`` to a float64 array, or raise ``Incorrect``.

    Accepts what NumPy accepts as numbers (arrays of any real dtype, lists, scalars, masked
    arrays without masked entries, complex values with zero imaginary part). Rejects strings,
    booleans, ``None``, generators, ragged lists, huge outputs and objects whose conversion
    raises or hangs, each with a message that says what came back. Messages start with
    ``call_text`` if given (e.g. ``"new_m from adam_step(...)"``), else ``name(inputs)``.
    """
    call_text = call_text or f"{name}({inputs})"

    def wrong(why):
        return Incorrect(f"{call_text} returned {describe(value)}{why}; it should "
                         f"return {what}.")

    timeout = DEFAULT_TIMEOUT if timeout is None else timeout
    if isinstance(value, (str, bytes)):
        raise wrong(", which is text, not a number")
    if isinstance(value, np.ma.MaskedArray) and np.ma.count_masked(value):
        raise wrong(", a masked array with masked (missing) entries")
    try:
        with _time_limit(timeout, name), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            arr = np.asarray(value)
            if arr.size > MAX_OUTPUT_SIZE:
                raise _Huge
            if arr.dtype.kind == "O":  # e.g. Fraction or Decimal entries; never text or bools
                if any(isinstance(v, (str, bytes, bool, np.bool_)) for v in arr.flat):
                    raise TypeError
                arr = np.array([float(v) for v in arr.flat], dtype=float).reshape(arr.shape)
            kind = arr.dtype.kind
            if kind in "USVMm" or kind == "b":
                raise TypeError
            if kind == "c":
                if np.any(arr.imag != 0):
                    raise wrong(", which has complex entries (non-zero imaginary part)")
                arr = arr.real
            return np.array(arr, dtype=float)
    except Incorrect:
        raise
    except _Huge:
        raise wrong(f", a huge output of {arr.size} entries") from None
    except _Timeout:
        raise wrong(", an object that could not be turned into numbers within "
                    f"{timeout:g} s") from None
    except BaseException as exc:  # noqa: BLE001 - conversions of learner objects can raise anything
        kind = getattr(getattr(locals().get("arr"), "dtype", None), "kind", "")
        why = {"b": ", which is True/False values", "U": ", which is text, not a number",
               "S": ", which is text, not a number"}.get(kind, ", which is not a number or "
                                                              "an array of numbers")
        if isinstance(exc, (TypeError, ValueError)) or kind:
            raise wrong(why) from None
        raise wrong(f" (converting it to numbers raised {type(exc).__name__})") from None


def _run(exercise_id, answer):
    if exercise_id not in EXERCISES:
        known = ", ".join(sorted(EXERCISES))
        return CheckResult(str(exercise_id), False, 0.0, 0.0,
                           f"There is no exercise called {exercise_id!r}. Known exercises: {known}.")
    ex = EXERCISES[exercise_id]
    try:
        message = ex.checker(answer)
    except Incorrect as exc:
        return CheckResult(exercise_id, False, 0.0, ex.points, str(exc))
    except Exception as exc:  # noqa: BLE001 - a checker bug must not look like a learner bug
        return CheckResult(exercise_id, False, 0.0, ex.points,
                           f"The checker itself failed ({type(exc).__name__}: {exc}). This is "
                           "not your fault; please report it to the course maintainers.")
    return CheckResult(exercise_id, True, ex.points, ex.points,
                       message or "Correct on every test input. Well done!")


def check(exercise_id, answer):
    """Check a learner's ``answer`` for ``exercise_id``; returns a ``CheckResult``, never raises.

    Examples
    --------
    >>> import numpy as np
    >>> from vgteach.activations import sigmoid
    >>> check("sigmoid_prime", lambda z: sigmoid(z) * (1 - sigmoid(z))).passed
    True
    """
    return _run(exercise_id, answer)


# ---------------------------------------------------------------- grading that resists tampering
# What the learner's notebook could replace to make every answer pass, recorded when the checkers
# are first imported (the lesson imports them before any learner code runs).
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# (Only the builtins the checkers use: kernels legitimately swap others, e.g. ipykernel `input`.)
_BUILTINS_USED = ["abs", "all", "any", "bool", "callable", "enumerate", "float", "getattr",
                  "hasattr", "int", "isinstance", "issubclass", "iter", "len", "list", "max",
                  "min", "next", "range", "repr", "round", "setattr", "sorted", "str", "sum",
                  "tuple", "type", "zip", "__import__", "__build_class__"]
_GENUINE = {
    "numpy": (np, dict(vars(np))),
    "builtins": (builtins, {k: getattr(builtins, k) for k in _BUILTINS_USED}),
    "math": (math, dict(vars(math))),
}


def _tampered():
    """Names in numpy/builtins/math that were rebound since import (e.g. np.allclose = ...)."""
    changed = []
    for modname, (module, saved) in _GENUINE.items():
        now = vars(module)
        changed += [f"{modname}.{k}" for k, v in saved.items()
                    if (modname == "builtins" or not k.startswith("_")) and callable(v)
                    and now.get(k) is not v]
    return changed


def _fresh_checks(package_dir=_PACKAGE_DIR):
    """Load a private copy of the whole vgteach package from its files.

    The copy lives under a throwaway name and is removed from ``sys.modules`` right away, so
    nothing the learner's notebook did to ``vgteach`` (patched checkers, a rewritten
    ``EXERCISES`` registry, a replaced ``sigmoid_prime`` reference, a new ``check``) reaches it.
    """
    private = f"_vgteach_grading_{uuid.uuid4().hex}"
    spec = importlib.util.spec_from_file_location(
        private, os.path.join(package_dir, "__init__.py"),
        submodule_search_locations=[package_dir])
    package = importlib.util.module_from_spec(spec)
    sys.modules[private] = package
    try:
        spec.loader.exec_module(package)
        return importlib.import_module(private + ".checks.core"), \
            importlib.import_module(private + ".checks")
    finally:
        for name in [m for m in sys.modules if m == private or m.startswith(private + ".")]:
            del sys.modules[name]


def grade(exercise_id, answer):
    """For graders: like ``check`` but raises ``AssertionError`` unless the answer passes, so an
    autograder (nbgrader) gives the cell zero points. Returns the CheckResult when it passes.

    The answer is judged by a fresh, private copy of the checkers (see ``_fresh_checks``), and
    grading refuses to run if NumPy, ``math`` or the builtins were patched, so redefining the
    public checker objects cannot earn points.
    """
    changed = _tampered()
    if changed:
        raise AssertionError("Not graded: the notebook replaced " + ", ".join(changed[:5]) +
                             ", which the checkers rely on. Restart the kernel and run the "
                             "notebook without that change.")
    fresh_core, _ = _fresh_checks()
    result = fresh_core._run(exercise_id, answer)
    if not result.passed:
        raise AssertionError(result.message)
    return result
