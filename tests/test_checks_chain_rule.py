"""Checkers of lessons 1-2: right answers pass (however written), the stub says "Not done yet",
and the wrong answers learners really write fail with the hint aimed at their mistake."""
import numpy as np
import pytest

from vgteach import activations as act
from vgteach.checks import check, isolation
from vgteach.checks.results import EXERCISES, Incorrect

s, sp = act.sigmoid, act.sigmoid_prime


def mine(z):
    """A learner's own sigmoid slope (the package's is recognised as the package's answer)."""
    return s(z) * (1 - s(z))


def stub(*args):
    raise NotImplementedError()


def assert_fails_with(exercise_id, answer, *fragments):
    result = check(exercise_id, answer)
    assert not result.passed and result.points == 0, result
    for fragment in fragments:
        assert fragment in result.message, (fragment, result.message)
    assert "checker itself failed" not in result.message
    return result


# ---------------------------------------------------------------- every exercise
EXERCISE_IDS = ["sigmoid_prime", "tanh_prime", "chain_gradient", "error_term"]


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_stub_is_not_done_yet(exercise_id):
    result = assert_fails_with(exercise_id, stub, "Not done yet")
    assert result.max_points == EXERCISES[exercise_id].points


def test_points_add_up():
    assert [EXERCISES[e].points for e in EXERCISE_IDS] == [2, 2, 3, 3]


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_passing_the_answer_value_instead_of_the_function(exercise_id):
    assert_fails_with(exercise_id, 0.25, "Expected a function")


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_forgotten_return(exercise_id):
    def no_return(*args):
        print("computed it")
    assert_fails_with(exercise_id, no_return, "returned None", "use `return`")

    def silent(*args):
        pass
    assert_fails_with(exercise_id, silent, "returned None", "forget the `return`")


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_learner_exception_becomes_feedback(exercise_id):
    def broken(*args):
        return undefined_name  # noqa: F821 - the learner's typo
    assert_fails_with(exercise_id, broken, "raised NameError")


@pytest.mark.parametrize("exercise_id", EXERCISE_IDS)
def test_infinite_loop_is_stopped(exercise_id, monkeypatch):
    monkeypatch.setattr(isolation, "DEFAULT_TIMEOUT", 0.3)

    def forever(*args):
        while True:
            pass
    assert_fails_with(exercise_id, forever, "did not finish within 0.3 s")


def test_call_timeout_argument():
    def forever():
        while True:
            pass
    with pytest.raises(Incorrect, match="did not finish"):
        isolation.call(forever, timeout=0.2)


# ---------------------------------------------------------------- sigmoid_prime
@pytest.mark.parametrize("answer", [
    lambda z: s(z) * (1 - s(z)),
    lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2,
    lambda z: 0.25 / np.cosh(z / 2) ** 2,
    lambda z: s(z) - s(z) ** 2,
    lambda z: mine(z).tolist(),
    lambda z: mine(z).astype(np.float32),
], ids=["s(1-s)", "textbook exp", "sech", "s-s^2", "lists", "float32"])
def test_sigmoid_prime_right_answers_pass(answer):
    result = check("sigmoid_prime", answer)
    assert result.passed and result.points == 2, result


def test_sigmoid_prime_overflowing_form_passes_with_a_note():
    result = check("sigmoid_prime", lambda z: np.exp(-z) / (1 + np.exp(-z)) ** 2)
    assert result.passed and result.points == 2
    assert "exp(1000) overflows" in result.message and "not counted against you" in result.message


@pytest.mark.parametrize("answer, hint", [
    (lambda z: s(z) * (1 + s(z)), "check the sign"),
    (lambda z: s(z), "that is the sigmoid itself"),
    (lambda z: s(s(z)) * (1 - s(s(z))), "applied twice"),
    (lambda z: z * (1 - z), "expects the sigmoid's output"),
    (lambda z: s(z) * (1 - z), "one factor uses z where the sigmoid's output belongs"),
    (lambda z: 1 - s(z) ** 2, "tanh-style formula"),
    (lambda z: np.full_like(z, 0.25), "0.25 is only the peak"),
], ids=["s(1+s)", "sigmoid", "twice", "z(1-z)", "s(1-z)", "1-s^2", "0.25"])
def test_sigmoid_prime_wrong_answers_get_their_hint(answer, hint):
    assert_fails_with("sigmoid_prime", answer, "expected", "got", hint)


def test_sigmoid_prime_shape_nan_and_type_messages():
    assert_fails_with("sigmoid_prime", lambda z: float(np.mean(mine(z))) + 0 * z.sum(), "shape")
    assert_fails_with("sigmoid_prime", lambda z: mine(z) * np.nan, "NaN or inf")
    assert_fails_with("sigmoid_prime", lambda z: ["slope"] * z.size, "not a number")
    assert_fails_with("sigmoid_prime", lambda z: {"slope": 0.25}, "not a number")


def test_sigmoid_prime_squared_sigmoid_gets_its_hint():
    """A reviewer's real mistake (issue 9): the sigmoid times itself."""
    assert_fails_with("sigmoid_prime", lambda z: s(z) ** 2, "expected", "got",
                      "multiplies the sigmoid by itself")


@pytest.mark.parametrize("answer", [
    act.sigmoid_prime,
    lambda z: act.sigmoid_prime(z),
    lambda z: act.ACTIVATIONS["sigmoid"][1](z),
    lambda z: act.sigmoid_prime_from_output(s(z)),
], ids=["the function", "a wrapper", "the table", "from the output"])
def test_sigmoid_prime_calling_the_package_is_recognised(answer):
    assert_fails_with("sigmoid_prime", answer, "the package's own answer",
                      "vgteach.activations.sigmoid_prime")


def test_a_float16_answer_is_told_to_use_float64():
    result = assert_fails_with("sigmoid_prime", lambda z: mine(z).astype(np.float16),
                               "float16 precision", "Compute in float64")
    assert "expected" not in result.message  # no two equal-looking numbers


def test_sigmoid_prime_in_place_change_is_reported():
    def mutating(z):
        z[...] = s(z)
        return z * (1 - z)
    assert_fails_with("sigmoid_prime", mutating, "changed its input array in place")


# ---------------------------------------------------------------- tanh_prime
@pytest.mark.parametrize("answer", [
    lambda z: 1 - np.tanh(z) ** 2,
    lambda z: 1 / np.cosh(z) ** 2,
    lambda z: 4 * sp(2 * z),
    lambda z: (1 - np.tanh(z)) * (1 + np.tanh(z)),
    lambda z: (1 - np.tanh(z) ** 2).astype(np.float32),
], ids=["1-t^2", "sech^2", "via sigmoid", "factored", "float32"])
def test_tanh_prime_right_answers_pass(answer):
    result = check("tanh_prime", answer)
    assert result.passed and result.points == 2, result


@pytest.mark.parametrize("answer, hint", [
    (lambda z: 1 - np.tanh(z), "check how tanh(z) enters your formula"),
    (lambda z: 1 - z ** 2, "expects tanh's output"),
    (lambda z: 1 + np.tanh(z) ** 2, "check the sign"),
    (lambda z: np.tanh(z) * (1 - np.tanh(z)), "sigmoid-style formula"),
    (lambda z: 1 / np.cosh(z), "too wide"),
    (lambda z: 4 * sp(z), "the sigmoid's argument is 2z"),
    (lambda z: 2 * sp(2 * z), "the chain rule is applied only once"),
], ids=["1-t", "1-z^2", "1+t^2", "t(1-t)", "sech", "4 s'(z)", "2 s'(2z)"])
def test_tanh_prime_wrong_answers_get_their_hint(answer, hint):
    result = assert_fails_with("tanh_prime", answer, "expected", "got", hint)
    assert "square" not in result.message  # the hint aims at the mistake, not at the formula


def test_tanh_prime_square_of_the_difference_gets_its_hint():
    assert_fails_with("tanh_prime", lambda z: (1 - np.tanh(z)) ** 2, "expected", "got",
                      "the square belongs to tanh(z) alone")


def test_tanh_prime_other_wrong_answer_names_input_and_values():
    result = assert_fails_with("tanh_prime", lambda z: np.cos(z), "For z = array of shape (13,)",
                               "expected [", "got [", "they differ most at entry")
    assert "Hint" not in result.message


def test_tanh_prime_wrong_shape_and_nan():
    assert_fails_with("tanh_prime", lambda z: (1 - np.tanh(z) ** 2).ravel(), "shape")
    assert_fails_with("tanh_prime", lambda z: np.log(z - 100), "NaN or inf")


# ---------------------------------------------------------------- chain_gradient
def chain_loop(weights, x):
    z, a = [], x
    for w in weights:
        z.append(w * a)
        a = s(z[-1])
    grad = x * sp(z[0])
    for w, zi in zip(weights[1:], z[1:]):
        grad = grad * w * sp(zi)
    return grad


def chain_backward(weights, x):
    """Backprop style: walk from the output back to layer 1."""
    a = [x]
    for w in weights:
        a.append(s(w * a[-1]))
    dz = 1.0
    for i in range(len(weights) - 1, -1, -1):
        dz = dz * a[i + 1] * (1 - a[i + 1])          # through sigmoid, from its output
        if i > 0:
            dz = dz * weights[i]                     # through z_i = w_i a_{i-1}
    return dz * x


def chain_vectorised(weights, x):
    z = np.empty(len(weights))
    a = x
    for i, w in enumerate(weights):
        z[i] = w * a
        a = s(z[i])
    factors = np.concatenate([[x], weights[1:]]) * sp(z)
    return np.array([factors.prod()])                # a 1-element array is fine too


@pytest.mark.parametrize("answer", [chain_loop, chain_backward, chain_vectorised])
def test_chain_gradient_right_answers_pass(answer):
    result = check("chain_gradient", answer)
    assert result.passed and result.points == 3, result


def forward(weights, x):
    z, a = [], [x]
    for w in weights:
        z.append(w * a[-1])
        a.append(float(s(z[-1])))
    return np.array(z), np.array(a)


def chain_with(first, later_factor):
    """A learner's chain answer: their first factor times their product of later factors."""
    def answer(weights, x):
        z, a = forward(weights, x)
        return float(first(weights, x, z) * np.prod(later_factor(weights, z, a)))
    return answer


@pytest.mark.parametrize("answer, hint", [
    (lambda w, x: 0.25 ** len(w), "|x| 0.25**n is only an upper bound"),
    (lambda w, x: abs(x) * 0.25 ** len(w), "|x| 0.25**n is only an upper bound"),
    (lambda w, x: 0.25 ** (len(w) - 1), "0.25**(n-1) is only a bound"),
    (chain_with(lambda w, x, z: sp(z[0]), lambda w, z, a: w[1:] * sp(z[1:])),
     "you left out the factor that multiplies w_1"),
    (chain_with(lambda w, x, z: w[0] * sp(z[0]), lambda w, z, a: w[1:] * sp(z[1:])),
     "the first factor is d z_1/d w_1 = x"),
    (chain_with(lambda w, x, z: x * s(z[0]), lambda w, z, a: w[1:] * s(z[1:])),
     "use the sigmoid's derivative"),
    (chain_with(lambda w, x, z: x * sp(z[0]), lambda w, z, a: w[1:] * sp(a[1:-1])),
     "not at its input"),
    (chain_with(lambda w, x, z: x, lambda w, z, a: w[1:] * sp(z[1:])),
     "the first layer's own slope"),
    (chain_with(lambda w, x, z: x * sp(z[0]), lambda w, z, a: sp(z[1:])),
     "the weights are missing"),
    (chain_with(lambda w, x, z: x * sp(s(z[0])), lambda w, z, a: w[1:] * sp(a[2:])),
     "at each layer's output a_i"),
], ids=["0.25^n", "|x| 0.25^n", "0.25^(n-1)", "no x", "w1 not x", "sigmoid not slope", "slope at input",
        "no first slope", "no weights", "slope of the output"])
def test_chain_gradient_wrong_answers_get_their_hint(answer, hint):
    assert_fails_with("chain_gradient", answer, "expected", "got", hint)


def test_chain_gradient_unknown_wrong_answer_gets_general_hint():
    assert_fails_with("chain_gradient", lambda w, x: 1e-27, "write the forward pass first")


def test_chain_gradient_type_and_nan_messages():
    def all_layers(weights, x):          # every d y_hat/d w_i instead of only the first
        return [chain_loop(weights, x)] * len(weights)
    assert_fails_with("chain_gradient", all_layers, "should return one number")
    assert_fails_with("chain_gradient", lambda w, x: None, "returned None")
    assert_fails_with("chain_gradient", lambda w, x: float("nan"), "returned nan", "finite")
    assert_fails_with("chain_gradient", lambda w, x: "2e-27", "which is text, not a number")


def test_chain_gradient_in_place_change_is_reported():
    def mutating(weights, x):
        weights[-1] = 0.0                # "just to try something", left in
        return chain_loop(weights, x)
    assert_fails_with("chain_gradient", mutating, "changed its input array in place")


# ---------------------------------------------------------------- error_term
@pytest.mark.parametrize("answer", [
    lambda d, W, z: (d @ W.T) * sp(z),
    lambda d, W, z: np.einsum("nk,mk->nm", d, W) * s(z) * (1 - s(z)),
    lambda d, W, z: (W @ d.T).T * sp(z),
    lambda d, W, z: np.array([[sum(d[i, k] * W[j, k] for k in range(W.shape[1])) * sp(z[i, j])
                               for j in range(z.shape[1])] for i in range(z.shape[0])]),
], ids=["matmul", "einsum", "transposed product", "loops"])
def test_error_term_right_answers_pass(answer):
    result = check("error_term", answer)
    assert result.passed and result.points == 3, result


@pytest.mark.parametrize("answer, hint", [
    (lambda d, W, z: d @ W.T, "the factor f'(z) of this layer is missing"),
    (lambda d, W, z: (d @ W.T) * s(z), "not the sigmoid itself"),
    (lambda d, W, z: (d @ W.T) * z, "not by z"),
    (lambda d, W, z: (d @ W.T) * sp(z) ** 2, "should appear once"),
    (lambda d, W, z: (d @ W) * sp(z), "W_next needs a transpose"),
    (lambda d, W, z: (d @ W.T) * sp(s(z)), "gave it the layer's output"),
], ids=["no f'", "sigmoid", "times z", "f' twice", "no transpose", "f' of output"])
def test_error_term_wrong_answers_get_their_hint(answer, hint):
    assert_fails_with("error_term", answer, "expected", "got", hint)


def test_error_term_matrix_product_for_the_slope_gets_its_hint():
    """A reviewer's real mistake (issue 9): `@` where the slope multiplies elementwise. Where the
    shapes do not fit it fails with the shape hint, which names `@` too."""
    result = assert_fails_with("error_term", lambda d, W, z: (d @ W.T) @ sp(z), "elementwise (*)")
    assert "not with @" in result.message or "mixes the units" in result.message
    square = isolation.call(lambda d, W, z: (d @ W.T) @ sp(z), np.ones((3, 2)), np.ones((3, 2)),
                            np.zeros((3, 3)))
    assert square.shape == (3, 3)  # the case the checker uses to show the `@` hint by value


def test_error_term_shape_messages():
    assert_fails_with("error_term", lambda d, W, z: (W @ d) * sp(z),
                      "shapes do not fit together")
    assert_fails_with("error_term", lambda d, W, z: (d @ W.T * sp(z)).sum(axis=0),
                      "must have the shape of z")


def test_error_term_type_and_nan_messages():
    assert_fails_with("error_term", lambda d, W, z: [["a"] * z.shape[1]] * z.shape[0],
                      "which is text, not a number")
    assert_fails_with("error_term", lambda d, W, z: (d @ W.T) * np.nan, "NaN or inf")
    result = check("error_term", lambda d, W, z: ((d @ W.T) * sp(z)).tolist())
    assert result.passed  # nested lists of the right numbers are accepted


def test_error_term_in_place_change_is_reported():
    def mutating(d, W, z):
        z[:] = sp(z)                     # reuses z's memory for the slope
        return (d @ W.T) * z
    assert_fails_with("error_term", mutating, "changed its input array in place")
