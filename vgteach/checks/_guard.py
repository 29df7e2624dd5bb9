"""The module guard: ``vgteach.checks.grade`` always is the genuine function.

The hidden tests of graded notebooks import it, so a notebook that reassigns it
(``vgteach.checks.grade = ...`` or through ``vgteach.checks.__dict__``) must not change what they
get. This only keeps honest mistakes and casual tampering out of in-kernel grading; the points of
a course built by ``make nbgrader-course`` are decided outside the kernel (``judge``).
"""
import sys


def guard(module_name, genuine_grade):
    """Give module ``module_name`` a class whose ``grade`` attribute cannot be rebound."""
    module = sys.modules[module_name]
    module_type = type(module)
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

    module.__class__ = _Guarded
