"""Checkers for lessons 3-4: reading per-layer diagnostics, ReLU's derivative and dead units.

Right answers come from the engine (``vgteach.measure.diagnostics``: one definition of
"saturated" and of "dead"); each checker keeps only its catalogue of wrong answers.
"""
import numpy as np

from .. import activations
from ..measure import diagnostics
from .compare import expect
from .isolation import Numbers, call, describe
from .results import Incorrect, exercise


# --- lesson 3 -------------------------------------------------------------------------------

def _speed_cases(rng):
    cases = [
        [np.array([3.0, -4.0])],
        [np.array([0.01, -0.02, 0.02]), np.array([0.5, -0.5])],
        [np.array([-1.0, -2.0, 2.0]), np.zeros(4), np.array([1e-8])],
    ]
    n_layers = int(rng.integers(3, 7))
    scales = 10.0 ** np.sort(rng.uniform(-5, 0, size=n_layers))
    cases.append([rng.normal(0, sc, size=int(rng.integers(2, 40))) for sc in scales])
    return cases


@exercise("layer_speeds", points=2, title="Nielsen's speed of learning per layer")
def _check_layer_speeds(fn, rng):
    for db_list in _speed_cases(rng):
        inputs = f"db_list = [{', '.join(f'array of shape {d.shape}' for d in db_list)}]"
        got = call(fn, db_list, name="layer_speeds", inputs=inputs,
                   returns=Numbers("an array of numbers, one speed per layer"))
        expected = np.array([np.sqrt(np.sum(d * d)) for d in db_list])
        if got.shape != expected.shape:
            raise Incorrect(f"layer_speeds({inputs}) returned shape {got.shape}; expected one "
                            f"speed per layer, shape {expected.shape}. Reduce each layer's bias "
                            "gradient to one number.")
        # every layer separately: a tiny layer's speed matters as much as a large one's
        for layer, (g, e) in enumerate(zip(got, expected)):
            wrong = [
                (e ** 2, "that is the squared length; Nielsen's speed is the length itself."),
                (np.sum(db_list[layer]), "summing the entries lets positive and negative "
                                         "gradients cancel; the speed is the length (norm) of the "
                                         "vector."),
                (np.sum(np.abs(db_list[layer])), "that is the sum of absolute values (L1); "
                                                 "Nielsen uses the usual Euclidean length."),
                (np.mean(np.abs(db_list[layer])), "the mean absolute entry depends on the "
                                                  "layer's width differently; use the Euclidean "
                                                  "length of the whole vector."),
                (np.max(np.abs(db_list[layer])), "the largest entry is not the length of the "
                                                 "vector."),
                (expected[::-1][layer], "the order is reversed: element 0 must be layer 1 (next "
                                        "to the input), as in db_list."),
            ]
            expect(g, e, wrong, context=f"For {inputs}: layer {layer + 1}")
    return None


def _saturation_cases(rng):
    cases = [
        (np.array([[0.01, 0.5, 0.99, 0.2], [0.985, 0.02, 0.6, 0.7]]), "sigmoid"),
        (np.array([0.99, -0.995, 0.1, -0.5, 0.3, -0.2, 0.5, 0.999]), "tanh"),
        (np.array([[0.0, 1.2, 0.0], [0.0, 0.0, 3.0], [0.0, 0.5, 0.0]]), "relu"),
    ]
    for name in ("tanh", "sigmoid", "relu"):
        shape = (int(rng.integers(3, 40)), int(rng.integers(2, 9)))
        z = rng.normal(0.0, rng.uniform(1.0, 5.0), size=shape)
        cases.append((activations.get(name)[0](z), name))
    return cases


@exercise("saturation_fraction", points=3, title="The share of saturated units",
          solved_by=("vgteach.measure.diagnostics.saturation_fraction",
                     "vgteach.measure.diagnostics.saturation_mask",
                     "vgteach.measure.diagnostics.saturated_slope"))
def _check_saturation_fraction(fn, rng):
    for a, name in _saturation_cases(rng):
        inputs = f"a = {describe(a, 50)}, activation = {name!r}"
        got = call(fn, a, name, name="saturation_fraction", inputs=inputs,
                   returns=Numbers("a number"))
        if got.size != 1:
            raise Incorrect(f"saturation_fraction({inputs}) returned {got.size} values; expected "
                            "one number, the fraction over all entries of a.")
        expected = diagnostics.saturation_fraction(a, name)
        mask = diagnostics.saturation_mask(a, name)
        one_side = float(np.mean(mask & (a > 0.5)))
        wrong = [
            (100 * expected, "that looks like a percentage; return a fraction between 0 and 1."),
            (expected * a.size, "that is the number of saturated entries; divide by the number "
                                "of entries."),
        ]
        if name == "tanh":
            wrong.append((one_side, "tanh saturates on both sides: near +1 and near -1."))
        if name == "sigmoid":
            wrong.append((one_side, "the sigmoid saturates on both sides: near 1 and near 0 (its "
                                    "outputs are in (0, 1), so the low side is near 0, not near "
                                    "-1)."))
        if name == "relu":
            wrong += [(float(np.mean(a < 0)), "ReLU outputs are never negative; an inactive unit "
                                              "outputs exactly 0."),
                      (float(np.mean(np.all(a == 0, axis=0))) if a.ndim == 2 else None,
                       "count entries that are 0, not units that are 0 on every example (that "
                       "would be dead units).")]
        expect(got.reshape(()), expected, [(v, h) for v, h in wrong if v is not None],
               context=f"For {inputs}",
               fallback="a unit is saturated when its slope, computed from its output, is below "
                        "10% of the activation's peak slope; check the slope formula and the "
                        "peak for this activation.")
    return None


# --- lesson 4 -------------------------------------------------------------------------------

RELU_FIXED = [np.array([2.0]), np.array([-3.0, -0.5, 0.5, 3.0]),
              np.array([[1e-9, -1e-9], [7.0, -7.0]]), np.linspace(-4.0, 4.0, 9)]


@exercise("relu_prime", points=1, title="The derivative of ReLU",
          solved_by=("vgteach.activations.relu_prime",
                     "vgteach.activations.relu_prime_from_output"))
def _check_relu_prime(fn, rng):
    tests = RELU_FIXED + [rng.normal(0.0, 2.0, size=(int(rng.integers(2, 6)),
                                                     int(rng.integers(2, 6))))]
    for z in tests:
        inputs = f"z = {describe(z, 50)}"
        # A boolean mask such as `z > 0` (array or list) is a fair way to write a 0/1 slope.
        got = call(fn, z, name="relu_prime", inputs=inputs,
                   returns=Numbers("a number or an array of numbers", allow_bool=True))
        expected = (z > 0).astype(float)
        if got.shape != z.shape:
            raise Incorrect(f"relu_prime(z) must return one slope per entry of z: for z of "
                            f"shape {z.shape} it returned shape {got.shape}.")
        at_kink = z == 0
        if at_kink.any():
            kink = np.asarray(got)[at_kink]
            if not np.all((kink == 0.0) | (kink == 1.0)):
                raise Incorrect(f"For {inputs} you returned {describe(kink)} at z = 0. ReLU has "
                                "a kink there, so either 0 or 1 is accepted (vgteach uses 0), "
                                "but the slope elsewhere is only ever 0 or 1.")
            got = np.where(at_kink, expected, got)
        expect(got, expected, [
            (np.maximum(z, 0.0), "that is ReLU itself; the exercise asks for its slope."),
            (np.sign(z), "for z < 0 ReLU is flat (0), so the slope is 0, not -1."),
            (np.where(z > 0, 1.0, 0.01), "that is leaky ReLU's slope; plain ReLU is exactly "
                                         "flat for z < 0."),
            (np.ones_like(z), "the slope is 1 only where z > 0."),
            ((z < 0).astype(float), "the slope is 1 on the positive side, 0 on the negative "
                                    "side."),
        ], context=f"For {inputs}")
    return ("Correct on every test input. (At exactly z = 0 ReLU has a kink: 0 and 1 are both "
            "accepted there; vgteach uses 0.)")


def _dead_cases(rng):
    cases = [
        np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 2.0]]),
        np.zeros((5, 4)),
        np.array([[0.5, 1e-6, 0.0], [0.1, 0.0, 0.0], [0.2, 0.0, 0.0]]),
    ]
    for _ in range(2):
        n, h = int(rng.integers(4, 30)), int(rng.integers(3, 15))
        z = rng.normal(size=(n, h))
        dead = rng.choice(h, size=int(rng.integers(1, h)), replace=False)
        z[:, dead] = -np.abs(z[:, dead]) - 0.1
        alive_once = int(rng.integers(h))
        z[int(rng.integers(n)), alive_once] = 0.3           # a unit alive on one example only
        cases.append(np.maximum(z, 0.0))
    return cases


@exercise("count_dead_units", points=2, title="Counting dead ReLU units",
          solved_by=("vgteach.measure.diagnostics.dead_units",))
def _check_count_dead_units(fn, rng):
    for a in _dead_cases(rng):
        inputs = f"activations of shape {a.shape}"
        got = call(fn, a, name="count_dead_units", inputs=inputs, returns=Numbers("a number"))
        if got.size != 1:
            raise Incorrect(f"count_dead_units({inputs}) returned {got.size} values; expected "
                            "one whole number, how many units are dead.")
        expected = int(diagnostics.dead_units(a).sum())
        expect(got.reshape(()), expected, [
            (int(np.sum(a == 0)), "that counts every zero entry; a unit is dead only if it is 0 "
                                  "for every example (column)."),
            # before the "any" candidate: on a case where both give the same count, an answer
            # with a tolerance should hear about the tolerance
            (int(np.sum(np.all(a < 1e-3, axis=0))), "a unit with a tiny positive output is "
                                                    "alive (its slope is 1 there); dead means "
                                                    "exactly 0."),
            (int(np.sum(np.any(a == 0, axis=0))), "a unit that is 0 on some examples is just "
                                                  "inactive there; dead means 0 on every one."),
            (int(np.sum(np.all(a == 0, axis=1))), "rows are examples and columns are units: "
                                                  "check the axis you reduce over."),
            (expected / a.shape[1], "that is the fraction of dead units; return the count."),
        ], context=f"For {inputs} (a = {describe(a, 50)})")
    return None
