"""Checkers for lessons 5-7: He initialization, batch-norm backward, an Adam step, clipping by
norm, one level's autoencoder loss, and folding the standardization into an encoder."""
import numpy as np

from .. import layers
from .core import Incorrect, as_numbers, call, close, describe, exercise

# ---------------------------------------------------------------- lesson 5: he_init
HE_SHAPES = [(64, 32), (30, 30), (256, 128), (100, 400), (512, 64)]
HE_SEEDS = [0, 1, 2]
Z_LIMIT = 6.0  # |z| above 6 has probability ~2e-9 per draw for a correct answer


def _variance_z(W, var):
    """z-score of the sample variance of W's entries against ``var``.

    For n independent draws with variance s2 and fourth moment m4, Var(sample variance) is about
    (m4 - s2**2) / n; for a Gaussian m4 = 3 s2**2, giving 2 s2**2 / n. We use the Gaussian value
    (a uniform with the right variance has a smaller spread, so it is not punished).
    """
    n = W.size
    return (W.var() - var) / (var * np.sqrt(2.0 / n))


def _he_hints(fan_in, fan_out):
    return [
        (2.0 / (fan_in + fan_out), "that is Glorot/Xavier's variance, which averages fan_in and "
                                   "fan_out. He et al. keep the *forward* signal steady through "
                                   "ReLUs, so only fan_in appears."),
        (1.0 / fan_in, "that variance (1/fan_in) suits tanh or linear units; a ReLU zeroes half "
                       "its inputs, which halves the signal's second moment. What must the "
                       "weights make up for?"),
        ((2.0 / fan_in) ** 2, "it looks like the target variance was used as the standard "
                              "deviation. NumPy's normal takes the standard deviation (the "
                              "square root of the variance)."),
        (2.0 / fan_in / 3, "a uniform on [-a, a] has variance a**2 / 3, not a**2: the limit "
                           "needs to be wider to give the target variance."),
        (2.0 / fan_out, "the variance should depend on fan_in (the number of inputs each unit "
                        "sums), not fan_out."),
        (1.0, "the entries have variance 1: the scale factor is missing."),
    ]


def _call_he(fn, fan_in, fan_out, seed, inputs=None):
    """Call ``fn(fan_in, fan_out, rng)``; drawing from ``rng`` changes its state, which is not
    the kind of input mutation ``call`` reports, so the generator is made inside the call."""
    if not callable(fn):
        return call(fn, name="he_init")  # reports "expected a function"
    return call(lambda i, o: fn(i, o, np.random.default_rng(seed)), fan_in, fan_out,
                name="he_init", inputs=inputs or
                f"fan_in={fan_in}, fan_out={fan_out}, rng=np.random.default_rng({seed})")


@exercise("he_init", points=3, title="He initialization")
def _check_he_init(fn):
    for fan_in, fan_out in HE_SHAPES:
        var = 2.0 / fan_in
        for seed in HE_SEEDS:
            inputs = f"fan_in={fan_in}, fan_out={fan_out}, rng=np.random.default_rng({seed})"
            W = _call_he(fn, fan_in, fan_out, seed, inputs)
            W = as_numbers(W, "he_init", inputs)
            if W.shape != (fan_in, fan_out):
                hint = (" The rows index the inputs: shape (fan_in, fan_out), so that "
                        "z = a @ W works." if W.shape == (fan_out, fan_in) else "")
                raise Incorrect(f"he_init({inputs}) returned shape {W.shape}; expected "
                                f"{(fan_in, fan_out)}.{hint}")
            if not np.all(np.isfinite(W)):
                raise Incorrect(f"he_init({inputs}) returned NaN or inf entries.")
            mean_z = W.mean() / np.sqrt(var / W.size)
            if abs(mean_z) > Z_LIMIT:
                raise Incorrect(f"he_init({inputs}): the entries average {W.mean():.4g}, far "
                                "from 0 for this many draws. The weights should be centred on "
                                "zero (positive and negative equally likely).")
            z = _variance_z(W, var)
            if abs(z) > Z_LIMIT:
                msg = (f"he_init({inputs}): the entries' variance is {W.var():.4g}; "
                       f"expected {var:.4g} (a {W.size}-entry sample of the right "
                       f"distribution lands within about ±{Z_LIMIT * var * np.sqrt(2 / W.size):.2g} "
                       "of it).")
                for wrong_var, hint in _he_hints(fan_in, fan_out):
                    if abs(_variance_z(W, wrong_var)) <= Z_LIMIT:
                        raise Incorrect(msg + " Hint: " + hint)
                raise Incorrect(msg)
    # uses the given generator: same seed -> same weights, other seed -> other weights
    a, b, c = (as_numbers(_call_he(fn, 50, 20, seed), "he_init", f"50, 20, rng (seed {seed})")
               for seed in (11, 11, 12))
    if not np.array_equal(a, b):
        raise Incorrect("Two calls with generators made from the same seed returned different "
                        "weights. Draw from the `rng` argument (e.g. rng.normal(...)) rather than "
                        "np.random.* so a run can be repeated exactly.")
    if np.array_equal(a, c):
        raise Incorrect("Generators with different seeds gave identical weights: is a fixed seed "
                        "built inside the function? Draw from the `rng` you are given.")
    return (f"Correct: the variance matches He et al.'s value for {len(HE_SHAPES)} shapes and "
            f"{len(HE_SEEDS)} seeds each, the mean is 0, and the given rng is used.")


# ---------------------------------------------------------------- lesson 6: batchnorm_backward
def bn_forward_for_exercise(x, gamma, beta, eps=1e-5):
    """The exercise's forward pass; its cache is ``(x, gamma, eps)``."""
    mean = x.mean(axis=0)
    var = x.var(axis=0)
    xhat = (x - mean) / np.sqrt(var + eps)
    return gamma * xhat + beta, (x, gamma, eps)


def _bn_cases():
    rng = np.random.default_rng(3)
    cases = []
    for n, d, scale, shift in [(4, 3, 1.0, 0.0), (8, 5, 3.0, 2.0), (16, 2, 0.1, -1.0),
                               (5, 1, 2.0, 0.5)]:
        x = rng.normal(shift, scale, size=(n, d))
        gamma = rng.normal(1.0, 0.5, size=d)
        dout = rng.normal(size=(n, d))
        cases.append((dout, x, gamma, 1e-5))
    return cases


def _bn_reference(dout, x, gamma, eps):
    _, cache = layers.batchnorm_forward(x, gamma, np.zeros_like(gamma), eps=eps)
    return layers.batchnorm_backward(dout, cache)


DDOF_HINT = ("that uses the N-1 (unbiased) variance, x.var(axis=0, ddof=1). The forward pass "
             "divides by N (x.var(axis=0)), and the backward pass must differentiate the same "
             "function.")


def _bn_dx(dout, x, gamma, eps, ddof=0):
    """dx of the closed form, with xhat and 1/std computed from the variance with ``ddof``."""
    n = x.shape[0]
    inv_std = 1.0 / np.sqrt(x.var(axis=0, ddof=ddof) + eps)
    xhat = (x - x.mean(axis=0)) * inv_std
    dxhat = dout * gamma
    return inv_std / n * (n * dxhat - dxhat.sum(axis=0) - xhat * (dxhat * xhat).sum(axis=0))


@exercise("batchnorm_backward", points=3, title="Batch norm's backward pass")
def _check_batchnorm_backward(fn):
    for dout, x, gamma, eps in _bn_cases():
        inputs = f"dout {dout.shape}, cache = (x {x.shape}, gamma {gamma.shape}, eps={eps:g})"
        got = call(fn, dout, (x, gamma, eps), name="batchnorm_backward", inputs=inputs)
        if not isinstance(got, (tuple, list)) or len(got) != 3:
            raise Incorrect(f"batchnorm_backward({inputs}) returned {describe(got)}; return "
                            "three arrays: (dx, dgamma, dbeta).")
        names = ("dx", "dgamma", "dbeta")
        dx_ref, dg_ref, db_ref = _bn_reference(dout, x, gamma, eps)
        inv_std = 1.0 / np.sqrt(x.var(axis=0) + eps)
        xhat = (x - x.mean(axis=0)) * inv_std
        hints = {
            "dx": [(dout * gamma * inv_std, "that treats the batch mean and variance as "
                                            "constants. Each x feeds the mean and the variance "
                                            "too, so every example's gradient also depends on "
                                            "the others."),
                   (dout * inv_std - (dout * inv_std).mean(axis=0) - xhat * (dout * xhat * inv_std)
                    .mean(axis=0), "gamma is missing from dx: dL/dxhat = dout * gamma."),
                   (dout * gamma * inv_std - (dout * gamma * inv_std).mean(axis=0),
                    "the path through the variance is missing (only the mean's path is there)."),
                   (_bn_dx(dout, x, gamma, eps, ddof=1), DDOF_HINT),
                   ],
            "dgamma": [(dout.sum(axis=0), "dgamma multiplies xhat in the forward pass, so each "
                                          "term needs xhat."),
                       ((dout * x).sum(axis=0), "use the normalized xhat, not the raw x."),
                       ((dout * xhat).mean(axis=0), "sum over the batch, not the mean: the loss "
                                                    "already contains any 1/N."),
                       ((dout * (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0, ddof=1) + eps))
                        .sum(axis=0), DDOF_HINT)],
            "dbeta": [(dout.mean(axis=0), "sum over the batch, not the mean."),
                      (dout, "reduce over the batch axis: dbeta has shape (D,).")],
        }
        for name, value, ref in zip(names, got, (dx_ref, dg_ref, db_ref)):
            value = as_numbers(value, "", "", call_text=f"{name} from batchnorm_backward({inputs})")
            if value.shape != ref.shape:
                raise Incorrect(f"{name} has shape {value.shape} for {inputs}; expected "
                                f"{ref.shape}.")
            if close(value, ref, rtol=1e-5, atol=1e-8):
                continue
            msg = f"For {inputs}: {name} expected {describe(ref)}, got {describe(value)}."
            for wrong, hint in hints[name]:
                if close(value, wrong, rtol=1e-5, atol=1e-8):
                    raise Incorrect(msg + " Hint: " + hint)
            raise Incorrect(msg + " Hint: compare with finite differences of sum(out * dout) "
                                  "(vgteach.gradcheck.check_layer) to see which entries differ.")
    return "Correct: dx, dgamma and dbeta match finite differences on every test batch."


# ---------------------------------------------------------------- lesson 6: adam_step
def _adam_ref(param, grad, m, v, t, lr, beta1, beta2, eps, variant=None):
    m2 = beta1 * m + (1 - beta1) * grad
    v2 = beta2 * v + (1 - beta2) * grad * grad
    c1, c2 = 1 - beta1 ** t, 1 - beta2 ** t
    if variant == "swap":
        m2 = (1 - beta1) * m + beta1 * grad
        v2 = (1 - beta2) * v + beta2 * grad * grad
    if variant == "no_correction":
        c1 = c2 = 1.0
    if variant == "t_minus_1" and t > 1:
        c1, c2 = 1 - beta1 ** (t - 1), 1 - beta2 ** (t - 1)
    if variant == "t_plus_1":
        c1, c2 = 1 - beta1 ** (t + 1), 1 - beta2 ** (t + 1)
    m_hat, v_hat = m2 / c1, v2 / c2
    step = {None: m_hat / (np.sqrt(v_hat) + eps),
            "sqrt_eps": m_hat / np.sqrt(v_hat + eps),
            "no_sqrt": m_hat / (v_hat + eps),
            "grad": grad / (np.sqrt(v_hat) + eps)}
    key = variant if variant in step else None
    return param - lr * step[key], m2, v2


ADAM_HINTS = {
    "no_correction": "without the bias correction (dividing m and v by 1 - beta**t) the first "
                     "steps are too large, not too small: m and v start at zero, so at t=1 "
                     "m = 0.1 g but v = 0.001 g**2, and m / sqrt(v) = 0.1 / sqrt(0.001) = 3.16 "
                     "instead of 1 (Kingma & Ba, section 3).",
    "t_minus_1": "t here is the number of this step, 1 for the first one: use beta**t.",
    "t_plus_1": "t is already the number of this step (1 for the first): use beta**t.",
    "sqrt_eps": "eps goes outside the square root, added to sqrt(v_hat); inside it changes the "
                "step a lot when gradients are tiny.",
    "no_sqrt": "divide by the square root of v_hat (an RMS), not v_hat itself.",
    "swap": "the averages keep beta of the old value and (1 - beta) of the new one.",
    "grad": "the step uses the bias-corrected average m_hat, not the raw gradient.",
}


def _adam_cases():
    rng = np.random.default_rng(5)
    cases = []
    for shape, gscale, t in [((3,), 1.0, 1), ((2, 4), 1e-6, 1), ((5,), 0.3, 7), ((3, 2), 1e-6, 3),
                             ((4,), 10.0, 100)]:
        param = rng.normal(size=shape)
        grad = rng.normal(0, gscale, size=shape)
        m = rng.normal(0, gscale, size=shape) * (t > 1) * 0.5
        v = (rng.normal(0, gscale, size=shape) ** 2) * (t > 1)
        cases.append((param, grad, m, v, t, 0.01, 0.9, 0.999, 1e-8))
    return cases


@exercise("adam_step", points=3, title="One Adam step")
def _check_adam_step(fn):
    for case in _adam_cases():
        param, grad, m, v, t = case[:5]
        inputs = (f"param {param.shape}, grad ~ {np.abs(grad).mean():.1g}, t={t}, lr=0.01, "
                  "beta1=0.9, beta2=0.999, eps=1e-8")
        got = call(fn, *case, name="adam_step", inputs=inputs)
        if not isinstance(got, (tuple, list)) or len(got) != 3:
            raise Incorrect(f"adam_step({inputs}) returned {describe(got)}; return three arrays: "
                            "(new_param, new_m, new_v).")
        ref = _adam_ref(*case)
        for name, value, r in zip(("new_param", "new_m", "new_v"), got, ref):
            value = as_numbers(value, "", "", call_text=f"{name} from adam_step({inputs})")
            if value.shape == r.shape and close(value, r, rtol=1e-7, atol=1e-12):
                continue
            msg = f"For {inputs}: {name} expected {describe(r)}, got {describe(value)}."
            if not np.all(np.isfinite(value)):
                raise Incorrect(msg + " Hint: a NaN or inf at the first step usually means a "
                                      "division by 1 - beta**0 = 0: t starts at 1.")
            for variant, hint in ADAM_HINTS.items():
                wrong = _adam_ref(*case, variant=variant)
                idx = ("new_param", "new_m", "new_v").index(name)
                if value.shape == r.shape and close(value, wrong[idx], rtol=1e-7, atol=1e-12):
                    raise Incorrect(msg + " Hint: " + hint)
            raise Incorrect(msg)
    return "Correct on every test case, including tiny gradients and the first step."


# ---------------------------------------------------------------- lesson 6: clip_by_norm
def _clip_cases():
    rng = np.random.default_rng(9)
    return [
        ([np.array([3.0, 4.0])], 1.0),
        ([np.array([3.0, 4.0])], 10.0),
        ([rng.normal(0, 5, size=(3, 4)), rng.normal(0, 5, size=4)], 2.0),
        ([rng.normal(0, 0.1, size=(2, 2)), rng.normal(0, 0.1, size=3)], 5.0),
        ([np.array([0.5, -0.2]), rng.normal(0, 3, size=(4, 2)), np.array([10.0])], 1.0),
    ]


@exercise("clip_by_norm", points=2, title="Gradient clipping by global norm")
def _check_clip_by_norm(fn):
    for grads, max_norm in _clip_cases():
        norm = float(np.sqrt(sum(np.sum(g * g) for g in grads)))
        inputs = (f"grads = {len(grads)} array(s) with global norm {norm:.3g}, "
                  f"max_norm = {max_norm:g}")
        got = call(fn, grads, max_norm, name="clip_by_norm", inputs=inputs)
        if not isinstance(got, (list, tuple)) or len(got) != len(grads):
            raise Incorrect(f"clip_by_norm({inputs}) returned {describe(got)}; return a list "
                            f"with one array per gradient ({len(grads)} here).")
        got = [as_numbers(a, "", "", call_text=f"array {k} from clip_by_norm({inputs})")
               for k, a in enumerate(got)]
        scale = max_norm / norm if norm > max_norm else 1.0
        expected = [g * scale for g in grads]
        if all(close(a, e) for a, e in zip(got, expected)):
            continue
        got_norm = float(np.sqrt(sum(np.sum(a ** 2) for a in got)))
        msg = (f"For {inputs}: expected arrays with global norm {min(norm, max_norm):.4g}, got "
               f"global norm {got_norm:.4g}.")
        wrongs = [
            ([np.clip(g, -max_norm, max_norm) for g in grads],
             "np.clip limits each entry separately, which changes the gradient's direction. "
             "Clipping by norm rescales all arrays by one common factor."),
            ([g * (max_norm / np.linalg.norm(g)) if np.linalg.norm(g) > max_norm else g
              for g in grads],
             "each array was clipped by its own norm. Use the global norm of all the arrays "
             "together, so every array gets the same factor."),
            ([g * (max_norm / norm) for g in grads],
             "the gradient was rescaled even though its norm is already below max_norm; only "
             "rescale when the norm exceeds it."),
        ]
        for wrong, hint in wrongs:
            if all(close(a, w) for a, w in zip(got, wrong)):
                raise Incorrect(msg + " Hint: " + hint)
        raise Incorrect(msg)
    return "Correct: one common factor, applied only above the threshold, inputs untouched."


# ---------------------------------------------------------------- lesson 7: autoencoder_loss
def _ae_cases():
    rng = np.random.default_rng(13)
    cases = []
    for n, d, h in [(4, 3, 2), (10, 6, 4), (1, 5, 5), (7, 8, 3)]:
        X = rng.uniform(size=(n, d))
        cases.append((rng.normal(0, 0.7, (d, h)), rng.normal(0, 0.3, h),
                      rng.normal(0, 0.7, (h, d)), rng.normal(0, 0.3, d), X))
    return cases


def _sig(z):
    return 1.0 / (1.0 + np.exp(-z))


@exercise("autoencoder_loss", points=2, title="One level's reconstruction loss")
def _check_autoencoder_loss(fn):
    for W, b, V, c, X in _ae_cases():
        inputs = (f"W {W.shape}, b {b.shape}, V {V.shape}, c {c.shape}, X {X.shape}")
        got = call(fn, W, b, V, c, X, name="autoencoder_loss", inputs=inputs)
        got = as_numbers(got, "autoencoder_loss", inputs, what="one number")
        if got.size != 1:
            raise Incorrect(f"autoencoder_loss({inputs}) returned {got.size} numbers; it should "
                            "return one number, the mean loss over the batch.")
        got = float(got.reshape(()))
        n = X.shape[0]
        h = _sig(X @ W + b)
        R = h @ V + c
        expected = float(np.sum((R - X) ** 2) / (2 * n))
        if np.isclose(got, expected, rtol=1e-8, atol=1e-12):
            continue
        wrongs = [
            (np.mean((R - X) ** 2) / 2, "average over the N examples but sum over the features: "
                                        "divide by 2N, not by the number of entries."),
            (np.mean((R - X) ** 2), "np.mean averages over all N*D entries. The loss is the mean "
                                    "over examples of the summed squared error, halved: "
                                    "sum((R - X)**2) / (2N)."),
            (np.sum((np.tanh(X @ W + b) @ V + c - X) ** 2) / (2 * n),
             "the encoder is the sigmoid, 1 / (1 + exp(-z)), not tanh."),
            (np.sum((R - X) ** 2) / n, "the loss has a factor 1/2 (sum((R - X)**2) / (2N))."),
            (np.sum((_sig(h @ V + c) - X) ** 2) / (2 * n), "the decoder is linear: R = h @ V + c "
                                                          "with no sigmoid."),
            (np.sum((h @ W.T + c - X) ** 2) / (2 * n), "decode with the given V, not W.T."),
            (np.sum((_sig(X @ W) @ V + c - X) ** 2) / (2 * n), "the encoder's bias b is missing."),
            (np.sum((h @ V + c - h) ** 2) / (2 * n) if h.shape == X.shape else None,
             "compare the reconstruction with the input X, not with the code h."),
        ]
        msg = f"For {inputs}: expected {expected:.6g}, got {got:.6g}."
        for value, hint in wrongs:
            if value is not None and np.isclose(got, value, rtol=1e-8, atol=1e-12):
                raise Incorrect(msg + " Hint: " + hint)
        raise Incorrect(msg)
    return "Correct: encode with the sigmoid, decode linearly, half the mean squared error."


# ---------------------------------------------------------------- lesson 7: fold_standardization
def _fold_cases():
    rng = np.random.default_rng(17)
    cases = []
    for d, h in [(3, 2), (4, 4), (6, 3), (1, 5)]:
        cases.append((rng.normal(0, 0.8, (d, h)), rng.normal(0, 0.3, h),
                      rng.normal(0.5, 0.3, d), rng.uniform(0.05, 0.4, d)))
    return cases


@exercise("fold_standardization", points=2, title="Fold the standardization into the encoder")
def _check_fold_standardization(fn):
    for W, b, mean, std in _fold_cases():
        inputs = f"W {W.shape}, b {b.shape}, mean {mean.shape}, std {std.shape}"
        got = call(fn, W, b, mean, std, name="fold_standardization", inputs=inputs)
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            raise Incorrect(f"fold_standardization({inputs}) returned {describe(got)}; return "
                            "two arrays: (W_folded, b_folded).")
        ref = (W / std[:, None], b - (mean / std) @ W)
        wrongs = {
            "W_folded": [(W * std[:, None], "standardizing divides by std, it does not "
                                            "multiply."),
                         (W / std[None, :] if W.shape[0] == W.shape[1] else None,
                          "input feature d is divided by std[d], and feature d multiplies row d "
                          "of W: scale the rows, not the columns."),
                         (W, "W must absorb the division by std too, not only b the mean.")],
            "b_folded": [(b - mean @ W, "the mean is divided by std as well: the standardized "
                                        "input is (h - mean) / std."),
                         (b + (mean / std) @ W, "check the sign: the mean is subtracted."),
                         (b, "the centring (- mean) shifts every pre-activation by the same "
                             "amount: it moves into the bias.")],
        }
        for name, value, r in zip(("W_folded", "b_folded"), got, ref):
            value = as_numbers(value, "", "",
                               call_text=f"{name} from fold_standardization({inputs})")
            if value.shape == r.shape and close(value, r, rtol=1e-8, atol=1e-12):
                continue
            if value.shape != r.shape:
                raise Incorrect(f"For {inputs}: {name} has shape {value.shape}; expected "
                                f"{r.shape} (the folded layer has the same shapes as W and b).")
            msg = f"For {inputs}: {name} expected {describe(r)}, got {describe(value)}."
            for wrong, hint in wrongs[name]:
                if wrong is not None and close(value, wrong, rtol=1e-8, atol=1e-12):
                    raise Incorrect(msg + " Hint: " + hint)
            raise Incorrect(msg + " Hint: write ((h - mean) / std) @ W + b as h @ (...) + (...) "
                                  "and read off the two brackets.")
    return ("Correct: h @ W_folded + b_folded equals ((h - mean) / std) @ W + b, so the stacked "
            "layer takes the raw code below it.")
