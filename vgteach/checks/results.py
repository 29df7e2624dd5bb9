"""Results and the registry: what a check returns, what a checker raises, which exercises exist.

A checker is a function ``checker(answer, rng) -> str or None`` registered with
``@exercise(id, points, solved_by=...)``. It draws its test inputs from ``rng`` (a fixed seed in
self-study, fresh entropy when grading), calls the learner's code only through
``isolation.call``, and raises ``Incorrect("message to the learner")`` when an answer is wrong.
``grading`` turns that into a ``CheckResult``.
"""
import html
from dataclasses import dataclass

__all__ = ["CheckResult", "Incorrect", "NotDone", "Exercise", "EXERCISES", "exercise"]

#: exercise id -> Exercise
EXERCISES = {}


class Incorrect(Exception):
    """Raised inside a checker: the answer is wrong; the message is written to the learner."""


class NotDone(Incorrect):
    """The learner's function still raises NotImplementedError (the exercise stub)."""


@dataclass
class Exercise:
    """One registered exercise.

    Attributes
    ----------
    exercise_id : str
    points : float
    title : str
    checker : callable ``checker(answer, rng)``
    solved_by : tuple of str
        Dotted names of the package functions that compute this exercise's answer (e.g.
        ``"vgteach.activations.sigmoid_prime"``); an answer that calls one of them is told so
        instead of being graded.
    """

    exercise_id: str
    points: float
    title: str
    checker: object
    solved_by: tuple = ()


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
        body = html.escape(self.message)
        # pre-wrap: the message keeps its line breaks and wraps at the page edge, whole.
        return (
            f'<div style="border-left:4px solid {color};padding:4px 10px;margin:4px 0">'
            f'<b style="color:{color}">{mark} {html.escape(self.exercise_id)}: '
            f"{self.points:g}/{self.max_points:g} points</b>"
            f'<div style="white-space:pre-wrap;overflow-wrap:anywhere">{body}</div></div>'
        )


def exercise(exercise_id, points, title="", solved_by=()):
    """Decorator registering ``checker(answer, rng)`` under ``exercise_id`` worth ``points``."""
    def register(checker):
        EXERCISES[exercise_id] = Exercise(exercise_id, float(points), title, checker,
                                          tuple(solved_by))
        return checker
    return register
