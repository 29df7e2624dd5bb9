"""A corpus of learner answers, good, bad and hostile, that every checker must survive.

For each answer: ``check`` returns (never raises), passes exactly the right answers, and its
message contains the listed substrings (specific feedback, not a generic failure); the kernel
(this test process) stays alive and responsive. Add cases for new exercises to ``CORPUS`` with
``case(exercise_id, answer, passes, *substrings)``.
"""
import fractions
import math
import os
import signal
import sys
import time
from dataclasses import dataclass

import numpy as np
import pytest

from vgteach import activations as act
from vgteach.checks import check, grading, isolation
from vgteach.checks.results import EXERCISES

s, sp = act.sigmoid, act.sigmoid_prime


def mine(z):
    """A learner's own sigmoid slope (calling the package's is recognised as its answer)."""
    return s(z) * (1 - s(z))


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


def disarms_the_alarm(*args):
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    while True:
        pass


def exits_the_process(*args):
    os._exit(3)


def crashes(*args):
    import ctypes
    ctypes.string_at(0)  # reads address 0: a segmentation fault


class _EndlessList(list):
    def __iter__(self):
        while True:
            yield 0.25


def returns_an_endless_list(*args):
    return _EndlessList([0.25])


class _BadLen(list):
    def __len__(self):
        raise ValueError("no length")


def returns_a_list_whose_len_raises(*args):
    return _BadLen([0.25])


class _Interrupting:
    def __array__(self, *args, **kwargs):
        raise KeyboardInterrupt


def returns_an_interrupting_object(*args):
    return _Interrupting()


class _Exiting:
    def __array__(self, *args, **kwargs):
        raise SystemExit(2)


def returns_an_exiting_object(*args):
    return _Exiting()


def closes_stdout(*args):
    print("the answer is", 0.25)
    sys.stdout.close()


def exhausts_memory(*args):
    hoard = []
    while True:
        hoard.append(np.ones(10_000_000))


def allocates_too_much_at_once(*args):
    return np.ones(10 ** 11)


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
    (disarms_the_alarm, "did not finish within 0.5 s"),
    (exits_the_process, "ended the process", "exit 3"),
    (crashes, "ended the process", "SIGSEGV"),
    (returns_an_endless_list, "could not be turned into numbers within 0.5 s"),
    (returns_a_list_whose_len_raises, "not a number or an array of numbers"),
    (returns_an_interrupting_object, "raised KeyboardInterrupt"),
    (returns_an_exiting_object, "raised SystemExit"),
    (closes_stdout, "returned None", "instead of `print`"),
    (allocates_too_much_at_once, "ran out of memory"),
]
for _ex in ["sigmoid_prime", "tanh_prime", "chain_gradient", "error_term"]:  # add new ids here
    for _fn, *_subs in GENERIC:
        case(_ex, _fn, False, *_subs)
case("sigmoid_prime", 0.25, False, "Expected a function", label="a number, not a function")
case("sigmoid_prime", mine(np.array([0.0])), False, "Expected a function",
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
case("sigmoid_prime", lambda z: mine(z).tolist(), True, "Correct", label="nested lists")
case("sigmoid_prime", lambda z: mine(z).astype(np.float32), True, "Correct", label="float32")
case("sigmoid_prime", lambda z: mine(z).astype(np.float16), False, "Compute in float64",
     label="float16")
case("sigmoid_prime", sp, False, "the package's own answer", label="the package's function")
case("sigmoid_prime", lambda z: np.ma.masked_array(mine(z)), True, "Correct",
     label="masked, none masked")
case("sigmoid_prime", lambda z: mine(z) + 0j, True, "Correct", label="complex, zero imaginary")
case("sigmoid_prime", np.vectorize(lambda v: 1 / (2 + math.exp(-v) + math.exp(v))
                                   if abs(v) < 700 else 0.0), True, "Correct",
     label="np.vectorize over math.exp")
case("sigmoid_prime", lambda z: np.ma.masked_less(mine(z), 0.2), False, "masked",
     label="masked entries")
case("sigmoid_prime", lambda z: np.full_like(z, np.nan), False, "NaN or inf", label="NaN")
case("sigmoid_prime", lambda z: np.full_like(z, np.inf), False, "NaN or inf", label="inf")
case("sigmoid_prime", lambda z: float(np.mean(mine(z))), False, "one value per entry",
     "shape (1,)", label="a scalar for an array")
case("sigmoid_prime", lambda z: mine(z).ravel()[:1], False, "shape", label="wrong shape")
case("sigmoid_prime", lambda z: mine(z).astype(int), False, "expected", label="int dtype")
case("sigmoid_prime", lambda z: s(z) * (1 + s(z)), False, "check the sign", label="sign error")
case("sigmoid_prime", lambda z: (s(z + 6e-6) - s(z - 6e-6)) / 1.2e-5, False, "finite difference",
     label="a centred difference at its best step")
case("tanh_prime", lambda z: (np.tanh(z + 1e-5) - np.tanh(z - 1e-5)) / 2e-5, False,
     "finite difference", label="a centred difference")
case("tanh_prime", lambda z: 1 / np.cosh(z) ** 2, True, "Correct", label="sech squared")
case("sigmoid_prime", lambda z: s(z), False, "the sigmoid itself", label="sigmoid itself")
case("sigmoid_prime", lambda z: z * (1 - z), False, "expects the sigmoid's output",
     label="formula on z")
case("sigmoid_prime", lambda z: np.full_like(z, 0.25), False, "peak of the slope",
     label="constant 0.25")
case("sigmoid_prime", lambda z: mine(z) + 1e-3, False, "expected", label="slightly off")
case("sigmoid_prime", lambda z: mine(z) + (np.abs(z) > 20) * 1.0, False, "z = [-30., 30.]",
     label="wrong only at large |z|")


def mutates_and_returns_right(z):
    z[...] = mine(z)
    return z


def mutates_after_copying_result(z):
    out = mine(z)
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


# ---------------------------------------------------------------- lookup tables and literals
def _lookup_table(exercise_id, cases, key):
    """A learner's answer that memorised check()'s inputs (they are deterministic)."""
    from vgteach.measure import diagnostics
    rng = np.random.default_rng(grading.check_seed(exercise_id))
    if exercise_id == "saturation_fraction":
        table = {key(a): diagnostics.saturation_fraction(a, n) for a, n in cases(rng)}
        return lambda a, activation: table.get(key(a), 0.0)
    table = {key(a): int(diagnostics.dead_units(a).sum()) for a in cases(rng)}
    return lambda a: table.get(key(a), 0)


# ---------------------------------------------------------------- the tests
@pytest.fixture
def short_timeout(monkeypatch):
    monkeypatch.setattr(isolation, "DEFAULT_TIMEOUT", 0.5)


def _budget(monkeypatch, answer):
    """Endless loops are cut at 0.5 s to keep the suite fast; recursing to Python's limit
    finishes by itself, but can take longer than that on a loaded machine."""
    monkeypatch.setattr(isolation, "DEFAULT_TIMEOUT", 5.0 if answer is recurses else 0.5)


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
    assert elapsed < 30, f"{c.label}: {elapsed:.1f} s"


def test_the_kernel_stays_responsive_after_a_hang(short_timeout):
    """The endless loop ran in a child that was killed: this process answers at once."""
    assert not check("sigmoid_prime", disarms_the_alarm).passed
    t0 = time.perf_counter()
    assert check("sigmoid_prime", mine).passed
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # no alarm left behind
    assert time.perf_counter() - t0 < 30


@pytest.mark.parametrize("c", [c for c in CORPUS if not c.passes and "forever" not in c.label
                               and "alarm" not in c.label][:12],
                         ids=lambda c: f"{c.exercise_id}-{c.label}")
def test_grade_raises_assertion_only(c, short_timeout):
    from vgteach.checks import grade
    with pytest.raises(AssertionError):
        grade(c.exercise_id, c.answer)


@pytest.mark.parametrize("answer", [calls_sys_exit, raises_keyboard_interrupt,
                                    returns_an_exiting_object, returns_an_interrupting_object,
                                    exits_the_process])
def test_nothing_but_assertion_error_leaves_grade(answer, short_timeout):
    from vgteach.checks import grade
    with pytest.raises(AssertionError):
        grade("sigmoid_prime", answer)


def test_a_hang_is_stopped_off_the_main_thread_too(short_timeout):
    """The limit is enforced from outside the learner's code, so any thread can check."""
    import threading
    out = {}
    t = threading.Thread(target=lambda: out.setdefault("r", check("sigmoid_prime", runs_forever)))
    t.start()
    t.join(60)
    assert "did not finish" in out["r"].message


@pytest.mark.parametrize("c", [c for c in CORPUS if c.answer not in
                               (runs_forever, swallows_the_first_alarm, disarms_the_alarm,
                                exits_the_process, crashes, returns_an_endless_list,
                                exhausts_memory, allocates_too_much_at_once, recurses)],
                         ids=lambda c: f"{c.exercise_id}-{c.label}")
def test_without_fork_the_same_feedback(c, monkeypatch):
    """Windows and the browser (Pyodide) have no fork: calls run in the kernel itself, without
    a time limit, but every answer that returns still gets the same verdict and message."""
    monkeypatch.setattr(isolation, "FORK", False)
    result = check(c.exercise_id, c.answer)
    assert result.passed is c.passes, result.message
    for text in c.substrings:
        assert text in result.message, (text, result.message)


def test_without_fork_the_package_functions_are_restored(monkeypatch):
    monkeypatch.setattr(isolation, "FORK", False)
    code = act.sigmoid_prime.__code__
    assert "package's own answer" in check("sigmoid_prime", sp).message
    assert act.sigmoid_prime.__code__ is code
    assert act.sigmoid_prime(np.array([0.0]))[0] == 0.25


def test_memory_is_capped(monkeypatch):
    monkeypatch.setattr(isolation, "DEFAULT_TIMEOUT", 30.0)
    result = check("sigmoid_prime", exhausts_memory)
    assert "ran out of memory" in result.message, result.message


@pytest.mark.parametrize("exercise_id, cases, key", [
    ("saturation_fraction", lambda rng: __import__("vgteach.checks.diagnosis").checks.diagnosis
     ._saturation_cases(rng), lambda a: a.shape),
    ("count_dead_units", lambda rng: __import__("vgteach.checks.diagnosis").checks.diagnosis
     ._dead_cases(rng), lambda a: (a.shape, float(a.sum()))),
])
def test_lookup_tables_pass_check_but_not_grade(exercise_id, cases, key):
    """check() keeps deterministic inputs (reproducible feedback); grade() draws fresh ones, so
    an answer that looks its inputs up fails where points are at stake (issue 10)."""
    from vgteach.checks import grade
    answer = _lookup_table(exercise_id, cases, key)
    assert check(exercise_id, answer).passed
    with pytest.raises(AssertionError):
        grade(exercise_id, answer)


def test_check_inputs_are_fixed_and_grade_inputs_fresh():
    from vgteach.checks.remedies import _adam_cases
    fixed = [_adam_cases(np.random.default_rng(grading.check_seed("adam_step"))) for _ in range(2)]
    assert all(np.array_equal(a, b) for a, b in zip(fixed[0][-1][:4], fixed[1][-1][:4]))
    fresh = [_adam_cases(np.random.default_rng()) for _ in range(2)]
    # every parameter of the signature varies: lr, beta1, beta2, eps (issue 10)
    assert all(fresh[0][-1][k] != fresh[1][-1][k] for k in range(5, 9))


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


def test_plain_data_crosses_back_and_malformed_data_is_refused():
    data = isolation.encode({"status": "ok", "value": [np.arange(3.0), (1, "a")],
                             "rng": isolation.Rng(4)})
    back = isolation.decode(data)
    assert np.array_equal(back["value"][0], np.arange(3.0)) and back["value"][1] == (1, "a")
    assert back["rng"] == isolation.Rng(4)
    for bad in (data[:-1], data + b"x", b"\0" * 16, data.replace(b"<f8", b"|O8")):
        with pytest.raises(ValueError):
            isolation.decode(bad)
    with pytest.raises(TypeError):
        isolation.encode({"value": object()})


UNIVERSAL = [stub, raises_value_error, returns_none_after_print, returns_none_silently,
             runs_forever, swallows_the_first_alarm, disarms_the_alarm, recurses,
             calls_sys_exit, raises_keyboard_interrupt, exits_the_process,
             returns_unconvertible, returns_lying_array, returns_an_endless_list,
             returns_an_interrupting_object, closes_stdout]


@pytest.mark.parametrize("exercise_id", sorted(EXERCISES))
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
