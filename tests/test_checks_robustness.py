"""A corpus of learner answers, good and bad, that every checker must survive.

For each answer: ``check`` returns (never raises), passes exactly the right answers, and its
message contains the listed substrings (specific feedback, not a generic failure). Add cases for
new exercises to ``CORPUS`` with ``case(exercise_id, answer, passes, *substrings)``.
"""
import fractions
import math
import sys
import time
from dataclasses import dataclass

import numpy as np
import pytest

from vgteach import activations as act
from vgteach.checks import check, core

s, sp = act.sigmoid, act.sigmoid_prime


@dataclass
class Case:
    exercise_id: str
    label: str
    answer: object
    passes: bool
    substrings: tuple


CORPUS = []


def case(exercise_id, answer, passes, *substrings, label=None):
    label = label or getattr(answer, "__name__", "answer")
    CORPUS.append(Case(exercise_id, label, answer, passes, substrings))
    return answer


# ---------------------------------------------------------------- generic misbehaviour, any exercise
def stub(*args):
    raise NotImplementedError()


def raises_value_error(*args):
    raise ValueError("oops")


def returns_none_after_print(*args):
    print("the answer is", 0.25)


def returns_none_silently(*args):
    pass


def returns_text(*args):
    return "0.25"


def returns_generator(*args):
    return (v for v in np.ravel(args[0]))


class _Unconvertible:
    def __array__(self, *args, **kwargs):
        raise RuntimeError("no array for you")

    def __repr__(self):
        raise RuntimeError("no repr either")


def returns_unconvertible(*args):
    return _Unconvertible()


def runs_forever(*args):
    while True:
        pass


def swallows_the_first_alarm(*args):
    try:
        while True:
            pass
    except BaseException:  # noqa: BLE001 - a learner's bare except
        pass
    while True:
        pass


def recurses(*args):
    return recurses(*args)


def calls_sys_exit(*args):
    sys.exit(1)


def raises_keyboard_interrupt(*args):
    raise KeyboardInterrupt


def returns_huge_view(*args):
    return np.broadcast_to(0.0, (10 ** 8,))


def returns_bools(*args):
    return np.ones(np.shape(args[-1]), dtype=bool)


class _LyingArray(np.ndarray):
    """Claims to equal everything; the checker must compare plain numbers."""

    def __eq__(self, other):
        return True

    def __array_function__(self, func, types, args, kwargs):
        return True


def returns_lying_array(*args):
    return np.zeros(np.shape(args[-1])).view(_LyingArray)


GENERIC = [
    (stub, "Not done yet", "NotImplementedError"),
    (raises_value_error, "raised ValueError: oops"),
    (returns_none_after_print, "returned None", "use `return`", "instead of `print`"),
    (returns_none_silently, "returned None", "forget the `return`"),
    (returns_text, "which is text, not a number"),
    (returns_generator, "not a number or an array of numbers"),
    (returns_unconvertible, "converting it to numbers raised RuntimeError",
     "<a _Unconvertible object>"),
    (runs_forever, "did not finish within 0.5 s", "loop that never ends"),
    (swallows_the_first_alarm, "did not finish within 0.5 s"),
    (recurses, "recursed too deeply"),
    (calls_sys_exit, "sys.exit()", "`return`"),
    (raises_keyboard_interrupt, "interrupted (KeyboardInterrupt)"),
    (returns_huge_view, "a huge output of 100000000 entries"),
    (returns_bools, "True/False"),
    (returns_lying_array, "expected"),
]
for _ex in ["sigmoid_prime", "tanh_prime", "chain_gradient", "error_term"]:  # add new ids here
    for _fn, *_subs in GENERIC:
        case(_ex, _fn, False, *_subs)
case("sigmoid_prime", 0.25, False, "Expected a function", label="a number, not a function")
case("sigmoid_prime", sp(np.array([0.0])), False, "Expected a function",
     label="called the function instead of passing it")


# ---------------------------------------------------------------- fold_standardization
case("fold_standardization", lambda W, b, m, s: (W / s[:, None], b - (m / s) @ W), True,
     "Correct", label="rows scaled")
case("fold_standardization", lambda W, b, m, s: [(W.T / s).T.tolist(), list(b - (m / s) @ W)],
     True, "Correct", label="nested lists")
case("fold_standardization", lambda W, b, m, s: (W / s[:, None], b), False, "into the bias",
     label="bias not shifted")
case("fold_standardization", stub, False, "Not done yet")
case("fold_standardization", returns_none_silently, False, "returned None")


# ---------------------------------------------------------------- sigmoid_prime
def textbook(z):
    return np.exp(-z) / (1 + np.exp(-z)) ** 2


case("sigmoid_prime", lambda z: s(z) * (1 - s(z)), True, "Correct", label="s(1-s)")
case("sigmoid_prime", textbook, True, "Correct", "Note on numerical stability", "overflows")
case("sigmoid_prime", lambda z: sp(z).tolist(), True, "Correct", label="nested lists")
case("sigmoid_prime", lambda z: sp(z).astype(np.float32), True, "Correct", label="float32")
case("sigmoid_prime", lambda z: np.ma.masked_array(sp(z)), True, "Correct", label="masked, none masked")
case("sigmoid_prime", lambda z: sp(z) + 0j, True, "Correct", label="complex, zero imaginary")
case("sigmoid_prime", np.vectorize(lambda v: 1 / (2 + math.exp(-v) + math.exp(v))
                                   if abs(v) < 700 else 0.0), True, "Correct",
     label="np.vectorize over math.exp")
case("sigmoid_prime", lambda z: np.ma.masked_less(sp(z), 0.2), False, "masked",
     label="masked entries")
case("sigmoid_prime", lambda z: np.full_like(z, np.nan), False, "NaN or inf", label="NaN")
case("sigmoid_prime", lambda z: np.full_like(z, np.inf), False, "NaN or inf", label="inf")
case("sigmoid_prime", lambda z: float(np.mean(sp(z))), False, "one value per entry",
     "shape (1,)", label="a scalar for an array")
case("sigmoid_prime", lambda z: sp(z).ravel()[:1], False, "shape", label="wrong shape")
case("sigmoid_prime", lambda z: sp(z).astype(int), False, "expected", label="int dtype")
case("sigmoid_prime", lambda z: s(z) * (1 + s(z)), False, "check the sign", label="sign error")
case("sigmoid_prime", lambda z: s(z), False, "the sigmoid itself", label="sigmoid itself")
case("sigmoid_prime", lambda z: z * (1 - z), False, "expects the sigmoid's output",
     label="formula on z")
case("sigmoid_prime", lambda z: np.full_like(z, 0.25), False, "peak of the slope",
     label="constant 0.25")
case("sigmoid_prime", lambda z: sp(z) + 1e-3, False, "expected", label="slightly off")
case("sigmoid_prime", lambda z: sp(z) + (np.abs(z) > 20) * 1.0, False, "z = [-30., 30.]",
     label="wrong only at large |z|")


def mutates_and_returns_right(z):
    z[...] = sp(z)
    return z


def mutates_after_copying_result(z):
    out = sp(z)
    z *= 0
    return out


case("sigmoid_prime", mutates_and_returns_right, False, "changed its input array in place")
case("sigmoid_prime", mutates_after_copying_result, False, "changed its input array in place")

# ---------------------------------------------------------------- tanh_prime
case("tanh_prime", lambda z: 1 - np.tanh(z) ** 2, True, "Correct", label="1 - tanh^2")
case("tanh_prime", lambda z: 1 / np.cosh(np.clip(z, -300, 300)) ** 2, True, "Correct",
     label="sech^2")
case("tanh_prime", lambda z: (1 - np.tanh(z) ** 2).tolist(), True, "Correct", label="list")
case("tanh_prime", lambda z: 1 - np.tanh(z), False, "check how tanh(z) enters your formula", label="not squared")
case("tanh_prime", lambda z: 1 / np.cosh(np.clip(z, -300, 300)), False, "quotient rule",
     label="sech")
case("tanh_prime", lambda z: 1 - z ** 2, False, "expects tanh's output", label="1 - z^2")
case("tanh_prime", lambda z: np.tanh(z) * (1 - np.tanh(z)), False, "sigmoid-style",
     label="sigmoid-style")
case("tanh_prime", lambda z: np.where(z == 0, np.nan, 1 - np.tanh(z) ** 2), False, "NaN or inf",
     label="NaN at 0")


# ---------------------------------------------------------------- chain_gradient
def chain_loop(weights, x):
    a, factors = x, []
    for i, w in enumerate(weights):
        z = w * a
        factors.append((x if i == 0 else w) * sp(z))
        a = s(z)
    return math.prod(factors)


case("chain_gradient", chain_loop, True, "Correct")
case("chain_gradient", lambda w, x: [chain_loop(w, x)], True, "Correct", label="one-item list")
case("chain_gradient", lambda w, x: np.array([[chain_loop(w, x)]]), True, "Correct",
     label="1x1 array")
case("chain_gradient", lambda w, x: np.float32(chain_loop(w, x)), True, "Correct",
     label="np.float32")
case("chain_gradient", lambda w, x: fractions.Fraction(chain_loop(w, x)), True, "Correct",
     label="Fraction")
case("chain_gradient", lambda w, x: np.array(chain_loop(w, x), dtype=object), True, "Correct",
     label="object array")
case("chain_gradient", lambda w, x: 0.25 ** len(w), False, "upper bound", label="0.25**n")
case("chain_gradient", lambda w, x: chain_loop(w, x) / x, False, "not 1", label="missing x")
case("chain_gradient", lambda w, x: np.full(len(w), chain_loop(w, x)), False,
     "returned 20 numbers", label="one per weight")
case("chain_gradient", lambda w, x: float("nan"), False, "returned nan", "finite", label="NaN")
case("chain_gradient", lambda w, x: 0, False, "expected", label="int 0")
case("chain_gradient", lambda w, x: str(chain_loop(w, x)), False, "text", label="str of right")


def chain_mutates(weights, x):
    weights[0] = 0.0
    return chain_loop(weights, x)


case("chain_gradient", chain_mutates, False, "changed its input array in place")


# ---------------------------------------------------------------- error_term
def error_term(delta_next, W_next, z):
    return (delta_next @ W_next.T) * sp(z)


case("error_term", error_term, True, "Correct")
case("error_term", lambda d, W, z: np.einsum("nk,mk->nm", d, W) * s(z) * (1 - s(z)), True,
     "Correct", label="einsum")
case("error_term", lambda d, W, z: error_term(d, W, z).tolist(), True, "Correct",
     label="nested lists")
case("error_term", lambda d, W, z: np.asmatrix(error_term(d, W, z)), True, "Correct",
     label="np.matrix")
case("error_term", lambda d, W, z: d @ W.T, False, "f'(z) of this layer is missing",
     label="missing f'")
case("error_term", lambda d, W, z: (d @ W.T) * s(z), False, "not the sigmoid itself",
     label="sigmoid instead of slope")
case("error_term", lambda d, W, z: d @ W, False, "expected", label="no transpose, no slope")
case("error_term", lambda d, W, z: error_term(d, W, z).T, False, "must have the shape of z",
     label="transposed result")
case("error_term", lambda d, W, z: error_term(d, W, z)[0], False, "shape", label="first row")
case("error_term", lambda d, W, z: error_term(d, W, z) * np.nan, False, "NaN or inf",
     label="NaN")


def error_term_in_place(delta_next, W_next, z):
    z *= 0
    return error_term(delta_next, W_next, z)


case("error_term", error_term_in_place, False, "changed its input array in place")


# ---------------------------------------------------------------- the tests
@pytest.fixture
def short_timeout(monkeypatch):
    monkeypatch.setattr(core, "DEFAULT_TIMEOUT", 0.5)


def _budget(monkeypatch, answer):
    """Endless loops are cut at 0.5 s to keep the suite fast; recursing to Python's limit
    finishes by itself, but can take longer than that on a loaded machine."""
    monkeypatch.setattr(core, "DEFAULT_TIMEOUT", 5.0 if answer is recurses else 0.5)


def test_corpus_is_large_and_covers_every_exercise():
    assert len(CORPUS) >= 50
    assert {c.exercise_id for c in CORPUS} >= {"sigmoid_prime", "tanh_prime", "chain_gradient",
                                                 "error_term"}


@pytest.mark.parametrize("c", CORPUS, ids=[f"{c.exercise_id}-{c.label}" for c in CORPUS])
def test_checker_survives(c, short_timeout, monkeypatch):
    _budget(monkeypatch, c.answer)
    t0 = time.perf_counter()
    result = check(c.exercise_id, c.answer)  # must not raise, whatever the answer does
    elapsed = time.perf_counter() - t0
    assert result.passed is c.passes, result.message
    assert result.points == (result.max_points if c.passes else 0.0)
    for text in c.substrings:
        assert text in result.message, (text, result.message)
    assert "checker itself failed" not in result.message
    assert elapsed < 5, f"{c.label}: {elapsed:.1f} s"


@pytest.mark.parametrize("c", [c for c in CORPUS if not c.passes and "forever" not in c.label
                               and "alarm" not in c.label][:12],
                         ids=lambda c: f"{c.exercise_id}-{c.label}")
def test_grade_raises_assertion_only(c, short_timeout):
    from vgteach.checks import grade
    with pytest.raises(AssertionError):
        grade(c.exercise_id, c.answer)


def test_alarm_is_restored_after_a_time_out(short_timeout):
    import signal
    before = signal.getsignal(signal.SIGALRM)
    check("sigmoid_prime", runs_forever)
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_no_time_limit_outside_the_main_thread(short_timeout):
    """Off the main thread there are no signals: slow code runs to completion (documented)."""
    import threading

    calls = []

    def slow(z):
        calls.append(1)
        if len(calls) == 1:
            time.sleep(0.8)  # longer than the 0.5 s limit, yet not stopped
        return sp(z)

    out = {}
    t = threading.Thread(target=lambda: out.setdefault("r", check("sigmoid_prime", slow)))
    t.start()
    t.join(30)
    assert out["r"].passed


def test_grade_cannot_be_replaced():
    import vgteach.checks as checks
    genuine = checks.grade
    with pytest.raises(AttributeError, match="read-only"):
        checks.grade = lambda *a: None
    with pytest.raises(AttributeError, match="read-only"):
        del checks.grade
    checks.__dict__["grade"] = lambda *a: None
    try:
        from vgteach.checks import grade
        assert grade is genuine
    finally:
        checks.__dict__["grade"] = genuine


def test_grade_ignores_patched_checkers_and_references(monkeypatch):
    from vgteach.checks import grade
    monkeypatch.setattr(core, "_run", lambda eid, ans: core.CheckResult(eid, True, 1, 1, "ok"))
    monkeypatch.setattr(core.EXERCISES["sigmoid_prime"], "checker", lambda answer: None)
    monkeypatch.setattr(act, "sigmoid_prime", lambda z: 0 * z)
    monkeypatch.setattr(core, "close", lambda *a, **k: True)
    assert check("sigmoid_prime", lambda z: 0 * z).passed  # the patched self-study check
    with pytest.raises(AssertionError, match="expected"):
        grade("sigmoid_prime", lambda z: 0 * z)
    assert grade("sigmoid_prime", lambda z: s(z) * (1 - s(z))).passed


def test_grade_refuses_patched_numpy(monkeypatch):
    from vgteach.checks import grade
    monkeypatch.setattr(np, "allclose", lambda *a, **k: True)
    with pytest.raises(AssertionError, match="numpy.allclose"):
        grade("sigmoid_prime", lambda z: s(z) * (1 - s(z)))


def test_checker_modules_import_the_package_relatively():
    """grade() judges with a private copy of vgteach; an absolute `import vgteach...` inside a
    checker module would reach the learner's (patchable) copy instead."""
    import pathlib
    import re
    for path in pathlib.Path(core.__file__).parent.glob("*.py"):
        text = path.read_text()
        assert not re.search(r"^\s*(from|import)\s+vgteach\b", text, re.M), path.name


UNIVERSAL = [stub, raises_value_error, returns_none_after_print, returns_none_silently,
             runs_forever, swallows_the_first_alarm, recurses, calls_sys_exit,
             raises_keyboard_interrupt, returns_unconvertible, returns_lying_array]


@pytest.mark.parametrize("exercise_id", sorted(core.EXERCISES))
def test_every_registered_exercise_survives_misbehaving_code(exercise_id, short_timeout,
                                                            monkeypatch):
    """Every exercise, including ones added after this corpus was written: misbehaving code
    never escapes check(), never passes, and never looks like a checker bug."""
    for answer in UNIVERSAL:
        _budget(monkeypatch, answer)
        result = check(exercise_id, answer)
        assert not result.passed and result.points == 0, (answer.__name__, result.message)
        assert "checker itself failed" not in result.message, (answer.__name__, result.message)
        assert result.message.strip()
