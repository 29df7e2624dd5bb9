"""Checkers for lessons 1-2: activation derivatives and the chain-rule product.

Each checker takes its right answers from the engine (``vgteach.activations``, ``vgteach.chain``,
``vgteach.layers``) and keeps only its catalogue of wrong answers, each with a hint.
"""
import numpy as np

from .. import activations as act
from .. import layers
from ..chain import chain_gradients
from .compare import close, expect
from .isolation import EPS64, Numbers, call, describe
from .results import Incorrect, exercise

s, sp = act.sigmoid, act.sigmoid_prime
#: slopes of activations are at most 1: values below this are rounding noise of float64 near 1
# (e.g. 1 - sigmoid(30) cancels to ~1e-3 relative accuracy), so it is their absolute tolerance
SLOPE_ATOL = 1e-12

#: an exact formula written any way in float64 is within ~5e-14 of the slope at the scale of
#: the test array (checked for the textbook and the cosh forms up to |z| = 12); a centred
#: difference, at its best step h ~ 6e-6, is off by ~1e-10 relative: it is not a formula
SLOPE_RTOL = 1e-12

# Fixed inputs every run sees: moderate |z| so that a correct formula written the textbook way,
# exp(-z) / (1 + exp(-z))**2, is not punished for overflow; a stability note is added instead.
Z_FIXED = [np.array([0.0]), np.linspace(-6.0, 6.0, 13), np.array([[-2.0, 0.5], [3.0, -0.1]]),
           np.array([-30.0, 30.0])]


def _z_tests(rng):
    shape = tuple(int(n) for n in rng.integers(2, 6, size=int(rng.integers(1, 3))))
    return Z_FIXED + [rng.normal(0.0, 3.0, size=shape)]


def _outputs(fn, name, z_tests):
    """(z, output) for every test input where ``fn`` returns a finite array of z's shape."""
    pairs = []
    for z in z_tests:
        try:
            out = call(fn, z, name=name, inputs=f"z = {describe(z, 40)}")
        except Incorrect:
            continue
        if out.shape == z.shape and np.all(np.isfinite(out)):
            pairs.append((z, out))
    return pairs


def _elementwise(fn, name, reference, wrong, z_tests):
    """Shared checker for an elementwise derivative: shape, values, known misconceptions."""
    what = "one number per entry of z"
    for z in z_tests:
        inputs = f"z = {describe(z, 40)}"
        got = call(fn, z, name=name, inputs=inputs, returns=Numbers(what))
        expected = reference(z)
        if got.shape != expected.shape:
            raise Incorrect(f"{name}(z) must return one value per entry of z: for z of shape "
                            f"{z.shape} it returned shape {got.shape}. Work elementwise "
                            "(NumPy operations like np.exp act on every entry).")
        if not np.all(np.isfinite(got)):
            raise Incorrect(f"{name}({inputs}) returned a NaN or inf: {describe(np.asarray(got))}"
                            ". The derivative is finite everywhere.")
        try:
            expect(got, expected, context=f"For {inputs}", rtol=SLOPE_RTOL, atol=SLOPE_ATOL)
            continue
        except Incorrect:
            pass
        if getattr(got, "eps", EPS64) <= EPS64 and close(got, expected, atol=SLOPE_ATOL):
            err = np.max(np.abs(got - expected) / np.maximum(np.abs(expected), 1e-3))
            raise Incorrect(
                f"For {inputs} your slopes agree with the exact derivative to only about "
                f"{max(1, int(-np.log10(err)))} significant digits, where float64 keeps 15-16: "
                "that is what a finite difference (a measured slope) gives. The exercise asks "
                "for the exact derivative, a formula built from the activation's value at z "
                "(lesson 1 derives it).")
        # Two misconceptions can agree on one input (at z = 0, s(1+s) = 1-s**2 = 0.75): hint
        # only at one that matches on every test input the learner's function handles.
        others = _outputs(fn, name, z_tests)
        consistent = [(lambda c=c, z=z: c(z), hint) for c, hint in wrong
                      if all(expect_quiet(g, c(zz)) for zz, g in others)]
        expect(got, expected, consistent, context=f"For {inputs}", atol=SLOPE_ATOL)
    return "Correct on every test input. Well done!" + _overflow_note(fn, name)


def expect_quiet(got, value):
    try:
        expect(got, value, atol=SLOPE_ATOL)
        return True
    except Incorrect:
        return False


def _overflow_note(fn, name):
    big = np.array([-1000.0, 1000.0])
    try:
        out = call(fn, big, name=name, inputs="z = [-1000, 1000]")
        if out.shape == big.shape and np.all(np.isfinite(out)):
            return ""
        note = (f"for z = [-1000, 1000] your function returns {describe(np.asarray(out))}, "
                "because exp(1000) overflows in float64.")
    except Incorrect:
        note = "your function fails for z = [-1000, 1000], where exp(1000) overflows in float64."
    return ("\n\nNote on numerical stability (not counted against you, full marks stand): "
            + note + " Lesson 1's last section shows how to write it so it stays finite for "
            "every z.")


@exercise("sigmoid_prime", points=2, title="The derivative of the sigmoid",
          solved_by=("vgteach.activations.sigmoid_prime",
                     "vgteach.activations.sigmoid_prime_from_output"))
def _check_sigmoid_prime(fn, rng):
    wrong = [
        (lambda z: s(z) * (1 + s(z)), "check the sign inside the product: the slope must shrink "
                                      "to 0 where the sigmoid saturates at 1."),
        (lambda z: s(z), "that is the sigmoid itself; the exercise asks for its slope."),
        (lambda z: s(z) ** 2, "sigmoid(z)**2 multiplies the sigmoid by itself, which grows "
                              "toward 1 as z grows; the slope must shrink to 0 there. One of "
                              "the two factors is something else."),
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
    return _elementwise(fn, "sigmoid_prime", sp, wrong, _z_tests(rng))


@exercise("tanh_prime", points=2, title="The derivative of tanh",
          solved_by=("vgteach.activations.tanh_prime",
                     "vgteach.activations.tanh_prime_from_output"))
def _check_tanh_prime(fn, rng):
    t = np.tanh
    wrong = [
        (lambda z: 1 - t(z), "compare your value at z = 1 with the slope of tanh there "
                             "(measure it with a centred difference, as in Lesson 1), and check "
                             "how tanh(z) enters your formula: the slope must be symmetric in z."),
        (lambda z: (1 - t(z)) ** 2, "the square belongs to tanh(z) alone: (1 - tanh z)**2 is not "
                                    "symmetric in z, but tanh's slope is (compare z = 1 and "
                                    "z = -1)."),
        (lambda z: 1 - z ** 2, "that formula expects tanh's output, but z is the input; turn z "
                               "into tanh(z) first."),
        (lambda z: 1 + t(z) ** 2, "check the sign: the slope must shrink to 0 as tanh saturates."),
        (lambda z: t(z) * (1 - t(z)), "that is the sigmoid-style formula; tanh's slope has a "
                                      "different form."),
        (lambda z: 1 / np.cosh(z), "the right bell shape, but too wide: compare your value at "
                                   "z = 1 with tanh's measured slope there (a centred "
                                   "difference), then redo the derivative of sinh/cosh with the "
                                   "quotient rule."),
        (lambda z: 4 * sp(z), "tanh(z) = 2 sigmoid(2z) - 1 is right, but the sigmoid's argument "
                              "is 2z: by the chain rule, where must sigmoid' be evaluated?"),
        (lambda z: 2 * sp(2 * z), "tanh(z) = 2 sigmoid(2z) - 1 and sigmoid' at 2z are right, but "
                                  "the chain rule is applied only once: the inner function 2z "
                                  "has a derivative of its own, which multiplies too."),
    ]
    return _elementwise(fn, "tanh_prime", act.tanh_prime, wrong, _z_tests(rng))


def _chain_cases(rng):
    cases = [(np.full(20, 0.17), 1.0), (np.array([0.8]), 0.5), (np.array([1.5, -0.7]), 2.0)]
    for scale in (2.0, 4.0):
        n = int(rng.integers(3, 9))
        cases.append((rng.normal(0.0, scale, size=n), float(rng.uniform(-2.0, 2.0))))
    return cases


@exercise("chain_gradient", points=3,
          title="The gradient of a sigmoid chain w.r.t. its first weight",
          solved_by=("vgteach.chain.chain_gradients",))
def _check_chain_gradient(fn, rng):
    what = "one number, d(output)/d(w_1)"
    for w, x in _chain_cases(rng):
        inputs = f"weights = {describe(w, 36)}, x = {x:.4g}"
        got = call(fn, w, x, name="chain_gradient", inputs=inputs, returns=Numbers(what))
        if got.size != 1:
            raise Incorrect(f"chain_gradient({inputs}) returned {got.size} numbers (shape "
                            f"{got.shape}); it should return {what}: the gradient with respect "
                            "to the first weight only.")
        got = got.reshape(())
        if not np.isfinite(got):
            raise Incorrect(f"chain_gradient({inputs}) returned {float(got)}; the gradient is a "
                            "finite number. Look for a division by zero or an overflowing exp.")
        g = chain_gradients(w, x)
        z, a = g.trace.z, g.trace.a
        later = np.prod(g.factors[1:])
        bound = ("|x| 0.25**n is only an upper bound (valid when every |w_i| <= 1; it ignores "
                 "the weights and the actual z values). Compute every factor at its own z.")
        wrong = [
            (0.25 ** len(w), bound),
            (abs(x) * 0.25 ** len(w), bound),
            (0.25 ** (len(w) - 1), "0.25**(n-1) is only a bound; compute the real factors."),
            (sp(z[0]) * later, "you left out the factor that multiplies w_1 in z_1 = w_1 x: "
                               "d z_1 / d w_1 is not 1."),
            (w[0] * sp(z[0]) * later, "the first factor is d z_1/d w_1 = x, not w_1."),
            (x * s(z[0]) * np.prod(w[1:] * s(z[1:])), "use the sigmoid's derivative, not the "
                                                       "sigmoid itself, in every factor."),
            (x * sp(a[1]) * np.prod(w[1:] * sp(a[2:])),
             "sigmoid' was evaluated at each layer's output a_i = sigmoid(z_i); the derivative "
             "is taken at the pre-activation z_i, the value that went into the sigmoid."),
            (x * sp(z[0]) * np.prod(w[1:] * sp(a[1:-1])), "evaluate sigmoid' at each layer's "
                                                          "pre-activation z_i, not at its input."),
            (x * later, "the first layer's own slope sigmoid'(z_1) is missing."),
            (x * sp(z[0]) * np.prod(sp(z[1:])), "each later layer contributes w_i * sigmoid'(z_i)"
                                                ": the weights are missing."),
        ]
        expect(got, g.dout_dw[0], wrong, context=f"For {inputs}",
               fallback="write the forward pass first (keep every z_i), then multiply the "
                        "factors.")
    return None


def _error_term_cases(rng):
    # A square W_next first, so a missing transpose meets its hint before a shape error; then
    # N equal to this layer's width, so `@` in place of `*` gives a value to name.
    shapes = [(2, 3, 3), (3, 3, 4), (1, 3, 2)]
    shapes += [tuple(int(v) for v in rng.integers(2, 7, size=3)) for _ in range(2)]
    return [(rng.normal(size=(n, k)), rng.normal(size=(m, k)), rng.normal(0.0, 2.0, size=(n, m)))
            for n, m, k in shapes]


def _backprop_through_layer(delta_next, W_next, z):
    """The engine's answer: back through the next layer's weights, then this layer's sigmoid."""
    _, affine_cache = layers.affine_forward(np.zeros_like(z), W_next, np.zeros(W_next.shape[1]))
    da, _, _ = layers.affine_backward(delta_next, affine_cache)
    _, act_cache = layers.activation_forward(z, "sigmoid")
    return layers.activation_backward(da, act_cache)


@exercise("error_term", points=3, title="One step of the error-term recursion")
def _check_error_term(fn, rng):
    for delta_next, W_next, z in _error_term_cases(rng):
        inputs = f"delta_next {delta_next.shape}, W_next {W_next.shape}, z {z.shape}"
        try:
            got = call(fn, delta_next, W_next, z, name="error_term", inputs=inputs,
                       returns=Numbers(f"an array of shape {z.shape}"))
        except Incorrect as exc:
            if "ValueError" in str(exc) and ("matmul" in str(exc) or "shape" in str(exc)):
                raise Incorrect(f"{exc}\nHint: the shapes do not fit together. delta_next is "
                                "(N, next width) and W_next is (this width, next width); the "
                                "result must be (N, this width). And f'(z) scales each unit by "
                                "its own slope: multiply by it elementwise (*), not with @."
                                ) from None
            raise
        expected = _backprop_through_layer(delta_next, W_next, z)
        if got.shape != expected.shape:
            raise Incorrect(f"error_term({inputs}) returned shape {got.shape}; delta for this "
                            f"layer must have the shape of z, {z.shape}. Check which way W_next "
                            "maps widths: W_next has shape (this layer's width, next width).")
        back = delta_next @ W_next.T
        wrong = [
            (back, "the factor f'(z) of this layer is missing."),
            (back * s(z), "multiply by the sigmoid's derivative at z, not the sigmoid itself."),
            (back * z, "multiply by f'(z), not by z."),
            (back * sp(s(z)), "sigmoid_prime takes the pre-activation z, but you gave it the "
                              "layer's output sigmoid(z): the derivative is taken at the input "
                              "of the sigmoid."),
            (back * sp(z) * sp(z), "f'(z) should appear once."),
            (lambda: back @ sp(z) if back.shape[1] == z.shape[0] else None,
             "f'(z) scales each unit's error by that unit's own slope: multiply elementwise "
             "(*); @ is a matrix product that mixes the units."),
            (lambda: (delta_next @ W_next) * sp(z) if W_next.shape[0] == W_next.shape[1] else None,
             "W_next needs a transpose: the error flows backwards through the weights."),
        ]
        expect(got, expected, wrong, context=f"For {inputs}")
    return None
