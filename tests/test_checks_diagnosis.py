"""Checkers of lessons 3-4: solutions pass, stubs are 'not done', wrong answers get the right hint."""
import numpy as np
import pytest

from vgteach.checks import check


def stub(*args):
    raise NotImplementedError()


# --- layer_speeds ---------------------------------------------------------------------------

def speeds_solution(db_list):
    return np.array([np.linalg.norm(db) for db in db_list])


@pytest.mark.parametrize("answer", [
    speeds_solution,
    lambda dbs: [float(np.sqrt(np.sum(d ** 2))) for d in dbs],
    lambda dbs: np.array([np.sqrt(d @ d) for d in dbs]),
])
def test_layer_speeds_right_answers(answer):
    r = check("layer_speeds", answer)
    assert r.passed and r.points == 2, r.message


@pytest.mark.parametrize("answer, hint", [
    (lambda dbs: np.array([np.sum(d ** 2) for d in dbs]), "squared"),
    (lambda dbs: np.array([d.sum() for d in dbs]), "cancel"),
    (lambda dbs: np.array([np.abs(d).sum() for d in dbs]), "L1"),
    (lambda dbs: np.array([np.abs(d).mean() for d in dbs]), "mean absolute"),
    (lambda dbs: np.array([np.linalg.norm(d) for d in dbs])[::-1], "reversed"),
    (lambda dbs: np.linalg.norm(np.concatenate(dbs)), "one speed per layer"),
])
def test_layer_speeds_wrong_answers(answer, hint):
    r = check("layer_speeds", answer)
    assert not r.passed and hint in r.message, r.message


def test_layer_speeds_stub():
    assert "Not done yet" in check("layer_speeds", stub).message


# --- saturation_fraction --------------------------------------------------------------------

def saturation_solution(a, activation):
    if activation == "tanh":
        return np.mean(1 - a**2 < 0.1)
    if activation == "sigmoid":
        return np.mean(a * (1 - a) < 0.025)
    return np.mean(a == 0)


def saturation_other(a, activation):
    a = np.asarray(a).ravel()
    limit = {"tanh": np.sqrt(0.9), "sigmoid": (1 + np.sqrt(0.9)) / 2}   # the slope's 10% points
    rules = {"tanh": lambda v: abs(v) > limit["tanh"],
             "sigmoid": lambda v: max(v, 1 - v) > limit["sigmoid"],
             "relu": lambda v: v <= 0}
    return sum(rules[activation](v) for v in a) / len(a)


def _one_side(a, act):
    return np.mean((a > 0.5) & (1 - a**2 < 0.1 if act == "tanh" else a * (1 - a) < 0.025))


@pytest.mark.parametrize("answer", [saturation_solution, saturation_other])
def test_saturation_right_answers(answer):
    r = check("saturation_fraction", answer)
    assert r.passed and r.points == 3, r.message


@pytest.mark.parametrize("answer, hint", [
    (lambda a, act: 100 * saturation_solution(a, act), "percentage"),
    (lambda a, act: saturation_solution(a, act) * np.size(a), "number of"),
    (lambda a, act: _one_side(a, act) if act != "relu" else np.mean(a == 0), "both sides"),
    (lambda a, act: np.mean(1 - a**2 < 0.1) if act != "relu" else np.mean(a == 0),
     "near 0, not near -1"),
    (lambda a, act: np.mean(a < 0) if act == "relu" else saturation_solution(a, act),
     "never negative"),
    (lambda a, act: np.mean(np.all(a == 0, axis=0)) if act == "relu"
     else saturation_solution(a, act), "dead units"),
    (lambda a, act: np.mean(np.abs(a) > 0.9) if act == "tanh" else saturation_solution(a, act),
     "10% of the activation's peak slope"),
    (lambda a, act: (np.abs(a) > 0.97).mean(axis=0), "one number"),
])
def test_saturation_wrong_answers(answer, hint):
    r = check("saturation_fraction", answer)
    assert not r.passed and hint in r.message, r.message


def test_saturation_stub():
    assert "Not done yet" in check("saturation_fraction", stub).message


# --- relu_prime -----------------------------------------------------------------------------

@pytest.mark.parametrize("answer", [
    lambda z: (z > 0).astype(float),
    lambda z: np.where(z >= 0, 1.0, 0.0),          # 1 at the kink is accepted too
    lambda z: np.heaviside(z, 0.0),
    lambda z: z > 0,                                # booleans are numbers 0/1
])
def test_relu_prime_right_answers(answer):
    r = check("relu_prime", answer)
    assert r.passed and r.points == 1 and "z = 0" in r.message, r.message


@pytest.mark.parametrize("answer, hint", [
    (lambda z: np.maximum(z, 0), "ReLU itself"),
    (lambda z: np.sign(z), "not -1"),
    (lambda z: np.where(z > 0, 1.0, 0.01), "leaky"),
    (lambda z: np.ones_like(z), "only where z > 0"),
    (lambda z: np.heaviside(z, 0.5), "either 0 or 1 is accepted"),
    (lambda z: 1.0 if np.all(z > 0) else 0.0, "one slope per entry"),
])
def test_relu_prime_wrong_answers(answer, hint):
    r = check("relu_prime", answer)
    assert not r.passed and hint in r.message, r.message


def test_relu_prime_stub():
    assert "Not done yet" in check("relu_prime", stub).message


# --- count_dead_units -----------------------------------------------------------------------

@pytest.mark.parametrize("answer", [
    lambda a: int(np.all(a == 0, axis=0).sum()),
    lambda a: sum(1 for col in a.T if not col.any()),
    lambda a: np.sum(a.max(axis=0) == 0),
    lambda a: float(np.count_nonzero(np.abs(a).sum(axis=0) == 0)),
])
def test_count_dead_right_answers(answer):
    r = check("count_dead_units", answer)
    assert r.passed and r.points == 2, r.message


@pytest.mark.parametrize("answer, hint", [
    (lambda a: int(np.sum(a == 0)), "every zero entry"),
    (lambda a: int(np.any(a == 0, axis=0).sum()), "dead means 0 on every one"),
    (lambda a: int(np.all(a == 0, axis=1).sum()), "axis"),
    (lambda a: np.all(a == 0, axis=0).mean(), "fraction"),
    (lambda a: np.all(a == 0, axis=0), "True/False"),
])
def test_count_dead_wrong_answers(answer, hint):
    r = check("count_dead_units", answer)
    assert not r.passed and hint in r.message, r.message


@pytest.mark.parametrize("answer", [
    lambda a: int(np.sum(np.all(a < 1e-3, axis=0))),
    lambda a: int(np.sum(np.all(a <= 1e-3, axis=0))),
    lambda a: int(np.sum(a.max(axis=0) < 1e-4)),
])
def test_count_dead_tiny_positive_is_alive(answer):
    r = check("count_dead_units", answer)
    assert not r.passed and "dead means exactly 0" in r.message, r.message


def test_count_dead_stub():
    assert "Not done yet" in check("count_dead_units", stub).message
