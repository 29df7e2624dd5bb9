"""Checkers for lessons 1-2: activation derivatives and the chain-rule product."""
import numpy as np

from .. import activations as act
from ..chain import chain_gradients
from .core import Incorrect, NotDone, as_numbers, call, close, describe, exercise

# Test inputs: moderate |z| so that a correct formula written the textbook way,
# exp(-z) / (1 + exp(-z))**2, is not punished for overflow; a stability note is added instead.
Z_TESTS = [np.array([0.0]), np.linspace(-6.0, 6.0, 13), np.array([[-2.0, 0.5], [3.0, -0.1]]),
           np.array([-30.0, 30.0])]


def _outputs(fn, name, z_tests):
    """(z, output) for every test input where ``fn`` returns a finite float array."""
    pairs = []
    for z in z_tests:
        try:
            out = as_numbers(call(fn, z, name=name), name, f"z = {describe(z, 40)}")
        except Incorrect:
            continue
        if out.shape == z.shape and np.all(np.isfinite(out)):
            pairs.append((z, out))
    return pairs


def _elementwise(fn, name, reference, wrong, z_tests=Z_TESTS):
    """Shared checker for an elementwise derivative: shape, values, known misconceptions."""
    for z in z_tests:
        inputs = f"z = {describe(z, 40)}"
        got = call(fn, z, name=name, inputs=inputs)
        got_arr = as_numbers(got, name, inputs, what="one number per entry of z")
        expected = reference(z)
        if got_arr.shape != expected.shape:
            raise Incorrect(f"{name}(z) must return one value per entry of z: for z of shape "
                            f"{z.shape} it returned shape {got_arr.shape}. Work elementwise "
                            "(NumPy operations like np.exp act on every entry).")
        if not np.all(np.isfinite(got_arr)):
            raise Incorrect(f"{name}(z = {describe(z, 40)}) returned a NaN or inf: "
                            f"{describe(got_arr)}. The derivative is finite everywhere.")
        if close(got_arr, expected):
            continue
        # Two misconceptions can agree on one input (at z = 0, s(1+s) = 1-s**2 = 0.75): hint
        # only at the one that matches on every test input the learner's function handles.
        others = _outputs(fn, name, z_tests)
        for candidate, hint in wrong:
            if close(got_arr, candidate(z)) and all(close(g, candidate(zz)) for zz, g in others):
                raise Incorrect(f"For z = {describe(z, 40)} expected {describe(expected)}, got "
                                f"{describe(got_arr)}. Hint: {hint}")
        raise Incorrect(f"For z = {describe(z, 40)} expected {describe(expected)}, got "
                        f"{describe(got_arr)}.")
    big = np.array([-1000.0, 1000.0])
    note = ""
    try:
        out = as_numbers(call(fn, big, name=name), name, "z = [-1000, 1000]")
        if out.shape != big.shape or not np.all(np.isfinite(out)):
            note = (f"for z = [-1000, 1000] your function returns {describe(out)}, because "
                    "exp(1000) overflows in float64.")
    except Incorrect:
        note = "your function fails for z = [-1000, 1000], where exp(1000) overflows in float64."
    if note:
        note = ("\n\nNote on numerical stability (not counted against you, full marks stand): "
                + note + " Lesson 1's last section shows how to write it so it stays finite "
                "for every z.")
    return "Correct on every test input. Well done!" + note


@exercise("sigmoid_prime", points=2, title="The derivative of the sigmoid")
def _check_sigmoid_prime(fn):
    s = act.sigmoid
    wrong = [
        (lambda z: s(z) * (1 + s(z)), "check the sign inside the product: the slope must shrink "
                                      "to 0 where the sigmoid saturates at 1."),
        (lambda z: s(z), "that is the sigmoid itself; the exercise asks for its slope."),
        (lambda z: s(s(z)) * (1 - s(s(z))), "the sigmoid was applied twice: the derivative takes "
                                            "the pre-activation z, not the output sigmoid(z)."),
        (lambda z: z * (1 - z), "that formula expects the sigmoid's output, but z is the input; "
                                "turn z into the output first."),
        (lambda z: s(z) * (1 - z), "one factor uses z where the sigmoid's output belongs: z is "
                                   "the input; every factor of the formula is built from the "
                                   "output sigmoid(z)."),
        (lambda z: 1 - s(z) ** 2, "that is the tanh-style formula; the sigmoid's slope has a "
                                  "different form (look at the lesson's derivation)."),
        (lambda z: np.full_like(z, 0.25), "0.25 is only the peak of the slope (at z = 0); the "
                                          "slope depends on z."),
    ]
    return _elementwise(fn, "sigmoid_prime", act.sigmoid_prime, wrong)


@exercise("tanh_prime", points=2, title="The derivative of tanh")
def _check_tanh_prime(fn):
    t = np.tanh
    wrong = [
        (lambda z: 1 - t(z), "compare your value at z = 1 with the slope of tanh there "
                             "(measure it with a centred difference, as in Lesson 1), and check "
                             "how tanh(z) enters your formula: the slope must be symmetric in z."),
        (lambda z: 1 - z ** 2, "that formula expects tanh's output, but z is the input; turn z "
                               "into tanh(z) first."),
        (lambda z: 1 + t(z) ** 2, "check the sign: the slope must shrink to 0 as tanh saturates."),
        (lambda z: t(z) * (1 - t(z)), "that is the sigmoid-style formula; tanh's slope has a "
                                      "different form."),
        (lambda z: 1 / np.cosh(z), "the right bell shape, but too wide: compare your value at "
                                   "z = 1 with tanh's measured slope there (a centred "
                                   "difference), then redo the derivative of sinh/cosh with the "
                                   "quotient rule."),
        (lambda z: 4 * act.sigmoid_prime(z), "tanh(z) = 2 sigmoid(2z) - 1 is right, but the "
                                             "sigmoid's argument is 2z: by the chain rule, where "
                                             "must sigmoid' be evaluated?"),
    ]
    return _elementwise(fn, "tanh_prime", act.tanh_prime, wrong)


def _chain_cases():
    rng = np.random.default_rng(2024)
    return [
        (np.full(20, 0.17), 1.0),
        (np.array([0.8]), 0.5),
        (np.array([1.5, -0.7]), 2.0),
        (rng.normal(0, 2, size=5), -1.3),
        (rng.normal(0, 4, size=8), 0.7),
    ]


@exercise("chain_gradient", points=3, title="The gradient of a sigmoid chain w.r.t. its first weight")
def _check_chain_gradient(fn):
    s, sp = act.sigmoid, act.sigmoid_prime
    for w, x in _chain_cases():
        inputs = f"weights = {describe(w, 36)}, x = {x:g}"
        got = call(fn, w, x, name="chain_gradient", inputs=inputs)
        what = "one number, d(output)/d(w_1)"
        got_arr = as_numbers(got, "chain_gradient", inputs, what=what)
        if got_arr.size != 1:
            raise Incorrect(f"chain_gradient({inputs}) returned {got_arr.size} numbers (shape "
                            f"{got_arr.shape}); it should return {what}: the gradient with "
                            "respect to the first weight only.")
        got = float(got_arr.reshape(()))
        if not np.isfinite(got):
            raise Incorrect(f"chain_gradient({inputs}) returned {got}; the gradient is a finite "
                            "number. Look for a division by zero or an overflowing exp.")
        g = chain_gradients(w, x)
        expected = float(g.dout_dw[0])
        if np.isfinite(got) and np.isclose(got, expected, rtol=1e-6, atol=1e-300):
            continue
        z, a = g.trace.z, g.trace.a
        later = np.prod(g.factors[1:])
        hints = [
            (0.25 ** len(w), "|x| 0.25**n is only an upper bound (valid when every |w_i| <= 1; "
                             "it ignores the weights and the actual z values). Compute every "
                             "factor at its own z."),
            (abs(x) * 0.25 ** len(w), "|x| 0.25**n is only an upper bound (valid when every "
                                      "|w_i| <= 1; it ignores the weights and the actual z "
                                      "values). Compute every factor at its own z."),
            (0.25 ** (len(w) - 1), "0.25**(n-1) is only a bound; compute the real factors."),
            (sp(z[0]) * later, "you left out the factor that multiplies w_1 in z_1 = w_1 x: "
                               "d z_1 / d w_1 is not 1."),
            (w[0] * sp(z[0]) * later, "the first factor is d z_1/d w_1 = x, not w_1."),
            (x * s(z[0]) * np.prod(w[1:] * s(z[1:])), "use the sigmoid's derivative, not the "
                                                       "sigmoid itself, in every factor."),
            (x * sp(z[0]) * np.prod(w[1:] * sp(a[1:-1])), "evaluate sigmoid' at each layer's "
                                                          "pre-activation z_i, not at its input."),
            (x * later, "the first layer's own slope sigmoid'(z_1) is missing."),
            (x * sp(z[0]) * np.prod(sp(z[1:])), "each later layer contributes w_i * sigmoid'(z_i)"
                                                ": the weights are missing."),
        ]
        if not np.isfinite(got):
            raise Incorrect(f"chain_gradient({inputs}) returned {got}. The gradient is a finite "
                            "number: look for a division by zero or an overflowing exp.")
        msg = f"For {inputs} expected {expected:.6g}, got {got:.6g}."
        for value, hint in hints:
            if np.isfinite(got) and np.isclose(got, value, rtol=1e-6, atol=1e-300):
                raise Incorrect(msg + " Hint: " + hint)
        raise Incorrect(msg + " Hint: write the forward pass first (keep every z_i), then "
                              "multiply the factors.")
    return None


def _error_term_cases():
    rng = np.random.default_rng(7)
    cases = []
    # A square W_next first, so a missing transpose meets its hint before a shape error.
    for n, m, k in [(2, 3, 3), (1, 3, 2), (4, 5, 3), (6, 4, 4)]:
        cases.append((rng.normal(size=(n, k)), rng.normal(size=(m, k)), rng.normal(size=(n, m))))
    return cases


@exercise("error_term", points=3, title="One step of the error-term recursion")
def _check_error_term(fn):
    sp, s = act.sigmoid_prime, act.sigmoid
    for delta_next, W_next, z in _error_term_cases():
        inputs = (f"delta_next {delta_next.shape}, W_next {W_next.shape}, z {z.shape}")
        try:
            got = call(fn, delta_next, W_next, z, name="error_term", inputs=inputs)
        except NotDone:
            raise
        except Incorrect as exc:
            if "ValueError" in str(exc) and ("matmul" in str(exc) or "shape" in str(exc)):
                raise Incorrect(f"{exc}\nHint: the shapes do not fit together. delta_next is "
                                "(N, next width) and W_next is (this width, next width); the "
                                "result must be (N, this width).") from None
            raise
        got = as_numbers(got, "error_term", inputs, what=f"an array of shape {z.shape}")
        expected = (delta_next @ W_next.T) * sp(z)
        if got.shape != expected.shape:
            raise Incorrect(f"error_term({inputs}) returned shape {got.shape}; delta for this "
                            f"layer must have the shape of z, {z.shape}. Check which way W_next "
                            "maps widths: W_next has shape (this layer's width, next width).")
        if not np.all(np.isfinite(got)):
            raise Incorrect(f"error_term({inputs}) returned a NaN or inf: {describe(got)}. "
                            "Every entry of delta is finite here.")
        if close(got, expected):
            continue
        hints = [(delta_next @ W_next.T, "the factor f'(z) of this layer is missing."),
                 ((delta_next @ W_next.T) * s(z), "multiply by the sigmoid's derivative at z, "
                                                  "not the sigmoid itself."),
                 (delta_next @ W_next.T * z, "multiply by f'(z), not by z."),
                 ((delta_next @ W_next.T) * sp(s(z)), "sigmoid_prime takes the pre-activation "
                                                      "z, but you gave it the layer's output "
                                                      "sigmoid(z): the derivative is taken at "
                                                      "the input of the sigmoid."),
                 ((delta_next @ W_next.T) @ np.diag(np.ones(z.shape[1])) * sp(z) * sp(z),
                  "f'(z) should appear once.")]
        if W_next.shape[0] == W_next.shape[1]:
            hints.append(((delta_next @ W_next) * sp(z), "W_next needs a transpose: the error "
                                                         "flows backwards through the weights."))
        msg = f"For {inputs}: expected {describe(expected)}, got {describe(got)}."
        for value, hint in hints:
            if close(got, value):
                raise Incorrect(msg + " Hint: " + hint)
        raise Incorrect(msg)
    return None
