"""Exercise checkers: ``check(exercise_id, answer) -> CheckResult``.

The package is split by job:

* ``results``: ``CheckResult``, ``Incorrect``, the ``EXERCISES`` registry and ``@exercise``;
* ``isolation``: ``call``, which runs the learner's code in a child process under a time and
  memory limit and brings back plain numbers only;
* ``compare``: the one precision policy and ``expect`` (right answer, else the matching
  misconception's hint);
* ``grading``: ``check`` (fixed inputs, feedback) and ``grade`` (fresh inputs, for hidden tests);
* ``judge``: grading outside the student's kernel, for nbgrader (``make nbgrader-course``);
* ``chain_rule``, ``diagnosis``, ``remedies``, ``architectures``: the checkers of lessons 1-9.

Each lesson's checkers register themselves on import; this package imports them all, so
``from vgteach.checks import check`` knows every exercise.

Examples
--------
>>> from vgteach.checks import check
>>> result = check("tanh_prime", lambda z: 1 - z)
>>> result.passed, result.points
(False, 0.0)
"""
from . import chain_rule  # noqa: F401  (lessons 1-2: slopes, the chain-rule product)
from . import diagnosis  # noqa: F401  (lessons 3-4: layer speeds, saturation, ReLU, dead units)
from . import remedies  # noqa: F401  (lessons 5-7: init, batch norm, Adam, clipping, pretraining)
from . import architectures  # noqa: F401  (lessons 8-9: LSTM gating, residual blocks)
from ._guard import guard as _guard
from .grading import check, grade
from .results import EXERCISES, CheckResult

__all__ = ["check", "grade", "CheckResult", "EXERCISES"]

_guard(__name__, grade)
del _guard
