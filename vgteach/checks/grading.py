"""Grading: ``check`` for self-study feedback, ``grade`` for the hidden tests.

Both run an exercise's checker; they differ only in their inputs. ``check`` draws them from a
fixed seed per exercise, so the same answer always gets the same feedback. ``grade`` draws fresh
ones from the operating system's entropy every time (different shapes, values and parameters such
as eps, betas and learning rates), so an answer that looks its inputs up in a table or types a
parameter as a literal fails. Neither ever lets an exception through: ``check`` returns a
``CheckResult``; ``grade`` raises ``AssertionError`` (and only that) unless the answer passes.

In-kernel ``grade`` runs in the learner's own Python process, so code in earlier cells can bend
it; the points of a course built by ``make nbgrader-course`` come from ``vgteach.checks.judge``,
which runs outside the student's kernel.
"""
import zlib

import numpy as np

from . import isolation
from .results import EXERCISES, CheckResult, Incorrect

__all__ = ["check", "grade", "run", "BUDGET"]

#: seconds one check may take in all (every call of the learner's function together)
BUDGET = 60.0


def _fail(ex, message):
    return CheckResult(ex.exercise_id, False, 0.0, ex.points, message)


def run(exercise_id, answer, rng):
    """Run ``exercise_id``'s checker on ``answer`` with inputs drawn from ``rng``; returns a
    ``CheckResult`` and never raises."""
    ex = EXERCISES.get(exercise_id) if isinstance(exercise_id, str) else None
    if ex is None:
        known = ", ".join(sorted(EXERCISES))
        return CheckResult(str(exercise_id)[:80], False, 0.0, 0.0,
                           f"There is no exercise called {str(exercise_id)[:80]!r}. Known "
                           f"exercises: {known}.")
    try:
        with isolation.session(ex.solved_by, BUDGET):
            message = ex.checker(answer, rng)
    except Incorrect as exc:
        return _fail(ex, str(exc))
    except KeyboardInterrupt:
        return _fail(ex, "The check was interrupted (KeyboardInterrupt) before it finished, so "
                         "nothing was graded. Run it again and let it finish.")
    except BaseException as exc:  # noqa: BLE001 - a checker bug must not look like a learner bug
        return _fail(ex, f"The checker itself failed ({type(exc).__name__}: {exc}). This is "
                         "not your fault; please report it to the course maintainers.")
    return CheckResult(ex.exercise_id, True, ex.points, ex.points,
                       message or "Correct on every test input. Well done!")


def check_seed(exercise_id):
    """The fixed seed of ``check``'s inputs for one exercise."""
    return zlib.crc32(str(exercise_id).encode())


def check(exercise_id, answer):
    """Check a learner's ``answer`` for ``exercise_id``; returns a ``CheckResult``, never raises.

    The inputs are the same every time (a fixed seed per exercise), so feedback is reproducible.

    Examples
    --------
    >>> from vgteach.activations import sigmoid
    >>> check("sigmoid_prime", lambda z: sigmoid(z) * (1 - sigmoid(z))).passed
    True
    """
    return run(exercise_id, answer, np.random.default_rng(check_seed(exercise_id)))


def grade(exercise_id, answer):
    """For hidden tests: like ``check`` but on fresh random inputs, and raises
    ``AssertionError`` with the checker's message unless the answer passes (so an autograder
    gives the cell zero points). Returns the ``CheckResult`` when it passes."""
    try:
        result = run(exercise_id, answer, np.random.default_rng())
        passed, message = result.passed, result.message
    except BaseException:  # noqa: BLE001 - nothing but AssertionError leaves grade()
        passed, message = False, "The check could not finish; no points."
    if not passed:
        raise AssertionError(message)
    return result
