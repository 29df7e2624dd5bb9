"""Exercise checkers: ``check(exercise_id, answer) -> CheckResult``.

Each lesson's checkers live in their own module and register themselves on import; this package
imports them all, so ``from vgteach.checks import check`` knows every exercise.

Examples
--------
>>> from vgteach.checks import check
>>> result = check("tanh_prime", lambda z: 1 - z)
>>> result.passed, result.points
(False, 0.0)
"""
from . import basics  # noqa: F401  (registers lessons 1-2)
from . import fixes_a  # noqa: F401  (registers lessons 3-4)
from . import fixes_b  # noqa: F401  (registers lessons 5-7)
from . import memory  # noqa: F401  (registers lessons 8-9)
from .core import EXERCISES, CheckResult, check, grade

__all__ = ["check", "grade", "CheckResult", "EXERCISES"]
