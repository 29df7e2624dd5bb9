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
import sys

from . import basics, core  # noqa: F401  (basics registers lessons 1-2)
from .core import EXERCISES, CheckResult, check, grade

__all__ = ["check", "grade", "CheckResult", "EXERCISES"]


class _Guarded(type(core)):
    """``vgteach.checks`` refuses to rebind ``grade``: it is what the hidden tests call."""

    def __setattr__(self, name, value):
        if name == "grade":
            raise AttributeError("vgteach.checks.grade is read-only: it grades your work.")
        super().__setattr__(name, value)

    def __delattr__(self, name):
        if name == "grade":
            raise AttributeError("vgteach.checks.grade is read-only: it grades your work.")
        super().__delattr__(name)


sys.modules[__name__].__class__ = _Guarded
