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

from . import core  # noqa: F401
from . import chain_rule  # noqa: F401  (registers lessons 1-2: slopes, the chain-rule product)
from . import diagnosis  # noqa: F401  (lessons 3-4: layer speeds, saturation, ReLU, dead units)
from . import remedies  # noqa: F401  (lessons 5-7: init, batch norm, Adam, clipping, pretraining)
from . import architectures  # noqa: F401  (lessons 8-9: LSTM gating, residual blocks)
from .core import EXERCISES, CheckResult, check, grade

__all__ = ["check", "grade", "CheckResult", "EXERCISES"]


def _guard(genuine_grade):
    """Make ``vgteach.checks.grade`` always the genuine function: it is what the hidden tests
    of graded notebooks import, so a notebook that reassigns it (``vgteach.checks.grade = ...``
    or through ``vgteach.checks.__dict__``) must not change what they get."""
    module_type = type(sys.modules[__name__])
    message = "vgteach.checks.grade is read-only: it grades your work."

    class _Guarded(module_type):
        def __getattribute__(self, name):
            if name == "grade":
                return genuine_grade
            return module_type.__getattribute__(self, name)

        def __setattr__(self, name, value):
            if name in ("grade", "__class__"):
                raise AttributeError(message)
            module_type.__setattr__(self, name, value)

        def __delattr__(self, name):
            if name == "grade":
                raise AttributeError(message)
            module_type.__delattr__(self, name)

    sys.modules[__name__].__class__ = _Guarded


_guard(grade)
del _guard
