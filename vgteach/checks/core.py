"""The checker machinery: result objects, the exercise registry, and safe calls into learner code.

A checker is a function ``checker(answer) -> None`` registered with ``@exercise(id, points)``.
It calls the learner's code through ``call`` (which copies the inputs, stops runaway code, and
turns every failure into an ``Incorrect`` with a message written to the learner) and raises
``Incorrect("...")`` itself when a value is wrong. ``check`` turns all of that into a
``CheckResult``; nothing the learner's code raises escapes it.
"""
import contextlib
import copy
import html
import io
import signal
import threading
import warnings
from dataclasses import dataclass

import numpy as np

__all__ = ["CheckResult", "Incorrect", "NotDone", "exercise", "check", "grade", "call",
           "EXERCISES", "describe", "close"]

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
    """A short, readable rendering of a value for a feedback message."""
    if isinstance(value, np.ndarray):
        with np.printoptions(precision=4, threshold=8, edgeitems=2):
            text = np.array2string(value, separator=", ")
        text = " ".join(text.split())
        if value.size > 8 or len(text) > limit:
            flat = value.ravel()
            with np.printoptions(precision=4):
                head = ", ".join(np.array2string(v) for v in flat[:2])
            text = f"array of shape {value.shape} [{head}, ...]"
        return text
    text = f"{value:.6g}" if isinstance(value, float) else repr(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


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
    if not usable or not seconds:
        yield
        return

    def on_alarm(signum, frame):
        raise _Timeout

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


class _Timeout(BaseException):
    """Private: raised by the alarm; a BaseException so a learner's ``except Exception`` can't eat it."""


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
    except Exception as exc:  # noqa: BLE001 - any learner error becomes feedback
        raise Incorrect(f"{name}({inputs}) raised {type(exc).__name__}: {exc}") from None
    if not all(_same(a, b) for a, b in zip(given, kept)):
        raise Incorrect(f"{name}({inputs}) changed its input array in place. Compute a new "
                        "array instead (e.g. `x = x * 2` rather than `x *= 2`), so the caller's "
                        "data stays as it was.")
    if out is None:
        hint = (" It printed something: use `return` to hand the value back instead of `print`."
                if printed.getvalue() else " Did you forget the `return` statement?")
        raise Incorrect(f"{name}({inputs}) returned None.{hint}")
    return out


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


def grade(exercise_id, answer):
    """For graders: like ``check`` but raises ``AssertionError`` unless the answer passes, so an
    autograder (nbgrader) gives the cell zero points. Returns the CheckResult when it passes."""
    result = _run(exercise_id, answer)
    if not result.passed:
        raise AssertionError(result.message)
    return result
