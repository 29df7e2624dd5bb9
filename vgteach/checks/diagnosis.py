"""Checkers for lessons 3-4: reading per-layer diagnostics, ReLU's derivative and dead units."""
import numpy as np

from ..measure import diagnostics
from .core import Incorrect, as_numbers, call, close, describe, exercise


def _as_array(got, call_text, what):
    # A boolean mask such as `z > 0` is a fair way to write a 0/1 slope: count it as 0/1.
    if isinstance(got, np.ndarray) and got.dtype == bool:
        got = got.astype(float)
    return as_numbers(got, "", "", what=what, call_text=call_text)


def _match_hint(got, expected, msg, hints):
    for candidate, hint in hints:
        if close(got, candidate) and not close(candidate, expected):
            raise Incorrect(msg + " Hint: " + hint)
    raise Incorrect(msg)


# --- lesson 3 -------------------------------------------------------------------------------

def _speed_cases():
    rng = np.random.default_rng(3)
    return [
        [np.array([3.0, -4.0])],
        [np.array([0.01, -0.02, 0.02]), np.array([0.5, -0.5])],
        [rng.normal(0, s, size=n) for s, n in [(1e-4, 30), (1e-3, 30), (1e-2, 30), (0.1, 10)]],
        [np.array([-1.0, -2.0, 2.0]), np.zeros(4), np.array([1e-8])],
    ]


@exercise("layer_speeds", points=2, title="Nielsen's speed of learning per layer")
def _check_layer_speeds(fn):
    for db_list in _speed_cases():
        inputs = f"db_list = [{', '.join(f'array of shape {d.shape}' for d in db_list)}]"
        call_text = f"layer_speeds({inputs})"
        got = _as_array(call(fn, db_list, name="layer_speeds", inputs=inputs), call_text,
                        "an array of numbers")
        expected = np.array([np.linalg.norm(d) for d in db_list])
        if got.shape != expected.shape:
            raise Incorrect(f"{call_text} returned shape {got.shape}; expected one speed per "
                            f"layer, shape {expected.shape}. Reduce each layer's bias gradient "
                            "to one number.")
        if close(got, expected, rtol=1e-6, atol=1e-15):
            continue
        msg = f"For {inputs}: expected {describe(expected)}, got {describe(got)}."
        _match_hint(got, expected, msg, [
            (expected ** 2, "that is the squared length; Nielsen's speed is the length itself."),
            (np.array([np.sum(d) for d in db_list]), "summing the entries lets positive and "
             "negative gradients cancel; the speed is the length (norm) of the vector."),
            (np.array([np.sum(np.abs(d)) for d in db_list]), "that is the sum of absolute values "
             "(L1); Nielsen uses the usual Euclidean length."),
            (np.array([np.mean(np.abs(d)) for d in db_list]), "the mean absolute entry depends on "
             "the layer's width differently; use the Euclidean length of the whole vector."),
            (np.array([np.max(np.abs(d)) for d in db_list]), "the largest entry is not the "
             "length of the vector."),
            (expected[::-1], "the order is reversed: element 0 must be layer 1 (next to the "
             "input), as in db_list."),
        ])
    return None


def _saturation_cases():
    rng = np.random.default_rng(5)
    sig = np.array([[0.01, 0.5, 0.99, 0.2], [0.985, 0.02, 0.6, 0.7]])
    tanh = np.array([0.99, -0.995, 0.1, -0.5, 0.3, -0.2, 0.5, 0.999])
    relu = np.array([[0.0, 1.2, 0.0], [0.0, 0.0, 3.0], [0.0, 0.5, 0.0]])
    big = np.tanh(rng.normal(0, 3, size=(40, 7)))
    return [(sig, "sigmoid"), (tanh, "tanh"), (relu, "relu"), (big, "tanh"),
            (1 / (1 + np.exp(-rng.normal(0, 4, size=(30, 5)))), "sigmoid")]


@exercise("saturation_fraction", points=3, title="The share of saturated units")
def _check_saturation_fraction(fn):
    for a, act in _saturation_cases():
        inputs = f"a = {describe(a, 50)}, activation = {act!r}"
        call_text = f"saturation_fraction({inputs})"
        got = _as_array(call(fn, a, act, name="saturation_fraction", inputs=inputs), call_text,
                        "a number")
        if got.size != 1:
            raise Incorrect(f"{call_text} returned {got.size} values; expected one number, the "
                            "fraction over all entries of a.")
        got = float(got.reshape(()))
        expected = diagnostics.saturation_fraction(a, act)
        if np.isclose(got, expected, rtol=1e-9, atol=1e-12):
            continue
        n_sat = expected * a.size
        msg = f"For {inputs}: expected {expected:.4g}, got {got:.4g}."
        hints = [
            (100 * expected, "that looks like a percentage; return a fraction between 0 and 1."),
            (n_sat, "that is the number of saturated entries; divide by the number of entries."),
        ]
        one_side = float(np.mean(diagnostics.saturation_mask(a, act) & (a > 0.5)))
        if act == "tanh":
            hints.append((one_side, "tanh saturates on both sides: near +1 and near -1."))
        if act == "sigmoid":
            hints.append((one_side, "the sigmoid saturates on both sides: near 1 and near 0 (its "
                                    "outputs are in (0, 1), so the low side is near 0, not near "
                                    "-1)."))
        if act == "relu":
            hints += [(float(np.mean(a < 0)), "ReLU outputs are never negative; an inactive "
                                              "unit outputs exactly 0."),
                      (float(np.mean(np.all(a == 0, axis=0))), "count entries that are 0, not "
                                                              "units that are 0 on every example "
                                                              "(that would be dead units).")]
        for value, hint in hints:
            if np.isclose(got, value, rtol=1e-9, atol=1e-12):
                raise Incorrect(msg + " Hint: " + hint)
        raise Incorrect(msg + " Hint: a unit is saturated when its slope, computed from its "
                              "output, is below 10% of the activation's peak slope; check the "
                              "slope formula and the peak for this activation.")
    return None


# --- lesson 4 -------------------------------------------------------------------------------

RELU_TESTS = [np.array([2.0]), np.array([-3.0, -0.5, 0.5, 3.0]),
              np.array([[1e-9, -1e-9], [7.0, -7.0]]), np.linspace(-4.0, 4.0, 9)]


@exercise("relu_prime", points=1, title="The derivative of ReLU")
def _check_relu_prime(fn):
    for z in RELU_TESTS:
        inputs = f"z = {describe(z, 50)}"
        got = _as_array(call(fn, z, name="relu_prime", inputs=inputs), f"relu_prime({inputs})",
                        "a number or an array of numbers")
        expected = (z > 0).astype(float)
        if got.shape != z.shape:
            raise Incorrect(f"relu_prime(z) must return one slope per entry of z: for z of "
                            f"shape {z.shape} it returned shape {got.shape}.")
        at_kink = z == 0
        if at_kink.any():
            kink = got[at_kink]
            if not np.all((kink == 0.0) | (kink == 1.0)):
                raise Incorrect(f"For {inputs} you returned {describe(kink)} at z = 0. ReLU has "
                                "a kink there, so either 0 or 1 is accepted (vgteach uses 0), "
                                "but the slope elsewhere is only ever 0 or 1.")
            got = np.where(at_kink, expected, got)
        if close(got, expected):
            continue
        msg = f"For {inputs}: expected {describe(expected)}, got {describe(got)}."
        _match_hint(got, expected, msg, [
            (np.maximum(z, 0.0), "that is ReLU itself; the exercise asks for its slope."),
            (np.sign(z), "for z < 0 ReLU is flat (0), so the slope is 0, not -1."),
            (np.where(z > 0, 1.0, 0.01), "that is leaky ReLU's slope; plain ReLU is exactly "
                                         "flat for z < 0."),
            (np.ones_like(z), "the slope is 1 only where z > 0."),
            ((z < 0).astype(float), "the slope is 1 on the positive side, 0 on the negative side."),
        ])
    return ("Correct on every test input. (At exactly z = 0 ReLU has a kink: 0 and 1 are both "
            "accepted there; vgteach uses 0.)")


def _dead_cases():
    rng = np.random.default_rng(11)
    z = rng.normal(size=(20, 12))
    z[:, [1, 5, 6]] = -np.abs(z[:, [1, 5, 6]]) - 0.1      # three dead units
    z[0, 7] = 0.3                                          # alive on one example only
    return [
        np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 2.0]]),
        np.maximum(z, 0.0),
        np.zeros((5, 4)),
        np.array([[0.5, 1e-6, 0.0], [0.1, 0.0, 0.0], [0.2, 0.0, 0.0]]),
        np.maximum(rng.normal(size=(4, 9)) + 2.0, 0.0),
    ]


@exercise("count_dead_units", points=2, title="Counting dead ReLU units")
def _check_count_dead_units(fn):
    for a in _dead_cases():
        inputs = f"activations of shape {a.shape}"
        call_text = f"count_dead_units({inputs})"
        got = call(fn, a, name="count_dead_units", inputs=inputs)
        arr = _as_array(got, call_text, "a number")
        if arr.size != 1:
            raise Incorrect(f"{call_text} returned {arr.size} values; expected one whole "
                            "number, how many units are dead.")
        value = float(arr.reshape(()))
        expected = int(diagnostics.dead_units(a).sum())
        if value == expected:
            continue
        msg = f"For {inputs} (a = {describe(a, 50)}): expected {expected}, got {describe(got)}."
        hints = [
            (int(np.sum(a == 0)), "that counts every zero entry; a unit is dead only if it is 0 "
                                  "for every example (column)."),
            (int(np.sum(np.any(a == 0, axis=0))), "a unit that is 0 on some examples is just "
                                                  "inactive there; dead means 0 on every one."),
            (int(np.sum(np.all(a == 0, axis=1))), "rows are examples and columns are units: "
                                                  "check the axis you reduce over."),
            (expected / a.shape[1], "that is the fraction of dead units; return the count."),
            (int(np.sum(np.all(a < 1e-3, axis=0))), "a unit with a tiny positive output is "
                                                    "alive (its slope is 1 there); dead means "
                                                    "exactly 0."),
        ]
        for candidate, hint in hints:
            if value == candidate and candidate != expected:
                raise Incorrect(msg + " Hint: " + hint)
        raise Incorrect(msg)
    return None
