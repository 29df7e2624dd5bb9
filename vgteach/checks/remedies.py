"""Checkers for lessons 5-7: He initialization, batch-norm backward, an Adam step, clipping by
norm, one level's autoencoder loss, and folding the standardization into an encoder.

Right answers come from the engine (``vgteach.layers``, ``vgteach.optim``, ``vgteach.pretrain``);
each checker keeps only its catalogue of wrong answers. Grading draws every parameter of the
learner's signature afresh (shapes, eps, betas, learning rates, step numbers), so a parameter
typed as a literal fails.
"""
import numpy as np

from .. import activations, layers, optim, pretrain
from .compare import expect
from .isolation import ArrayList, Numbers, Rng, Several, call, describe
from .results import Incorrect, exercise

sig = activations.sigmoid

# ---------------------------------------------------------------- lesson 5: he_init
HE_FIXED = [(64, 32), (30, 30), (256, 128)]
Z_LIMIT = 6.0  # |z| above 6 has probability ~2e-9 per draw for a correct answer


def _variance_z(W, var):
    """z-score of the sample variance of W's entries against ``var``.

    For n independent draws with variance s2 and fourth moment m4, Var(sample variance) is about
    (m4 - s2**2) / n; for a Gaussian m4 = 3 s2**2, giving 2 s2**2 / n. We use the Gaussian value
    (a uniform with the right variance has a smaller spread, so it is not punished).
    """
    return (W.var() - var) / (var * np.sqrt(2.0 / W.size))


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


def _he_cases(rng):
    shapes = HE_FIXED + [(int(rng.integers(20, 400)), int(rng.integers(20, 200)))
                         for _ in range(2)]
    return [(i, o, int(rng.integers(2**31))) for i, o in shapes for _ in range(2)]


@exercise("he_init", points=3, title="He initialization",
          solved_by=("vgteach.initializers.he",))
def _check_he_init(fn, rng):
    for fan_in, fan_out, seed in _he_cases(rng):
        var = 2.0 / fan_in
        inputs = f"fan_in={fan_in}, fan_out={fan_out}, rng=np.random.default_rng({seed})"
        W = call(fn, fan_in, fan_out, Rng(seed), name="he_init", inputs=inputs,
                 returns=Numbers(f"an array of shape ({fan_in}, {fan_out})"))
        if W.shape != (fan_in, fan_out):
            hint = (" The rows index the inputs: shape (fan_in, fan_out), so that z = a @ W "
                    "works." if W.shape == (fan_out, fan_in) else "")
            raise Incorrect(f"he_init({inputs}) returned shape {W.shape}; expected "
                            f"{(fan_in, fan_out)}.{hint}")
        W = np.asarray(W)
        if not np.all(np.isfinite(W)):
            raise Incorrect(f"he_init({inputs}) returned NaN or inf entries.")
        if abs(W.mean() / np.sqrt(var / W.size)) > Z_LIMIT:
            raise Incorrect(f"he_init({inputs}): the entries average {W.mean():.4g}, far from 0 "
                            "for this many draws. The weights should be centred on zero "
                            "(positive and negative equally likely).")
        if abs(_variance_z(W, var)) > Z_LIMIT:
            # Never the target value itself: it would give the formula away.
            msg = (f"he_init({inputs}): the entries' variance is {W.var():.4g}, which is not the "
                   f"variance He et al. derived for this layer (a sample of {W.size} entries of "
                   "the right distribution lands within about "
                   f"±{100 * Z_LIMIT * np.sqrt(2 / W.size):.0f}% of it).")
            for wrong_var, hint in _he_hints(fan_in, fan_out):
                if abs(_variance_z(W, wrong_var)) <= Z_LIMIT:
                    raise Incorrect(msg + " Hint: " + hint)
            raise Incorrect(msg)
    # uses the given generator: same seed -> same weights, other seed -> other weights
    seed = int(rng.integers(2**31))
    a, b, c = (np.asarray(call(fn, 50, 20, Rng(s), name="he_init",
                               inputs=f"fan_in=50, fan_out=20, rng=np.random.default_rng({s})"))
               for s in (seed, seed, seed + 1))
    if not np.array_equal(a, b):
        raise Incorrect("Two calls with generators made from the same seed returned different "
                        "weights. Draw from the `rng` argument (e.g. rng.normal(...)) rather than "
                        "np.random.* so a run can be repeated exactly.")
    if np.array_equal(a, c):
        raise Incorrect("Generators with different seeds gave identical weights: the function "
                        "does not draw from the `rng` it is given (a fixed seed built inside it, "
                        "or np.random.* instead of rng.normal(...)).")
    return ("Correct: the variance matches He et al.'s value for every shape and seed, the mean "
            "is 0, and the given rng is used.")


# ---------------------------------------------------------------- lesson 6: batchnorm_backward
def _bn_cases(rng):
    cases = []
    for k in range(4):
        n, d = int(rng.integers(2, 17)), int(rng.integers(1, 6))
        eps = float(10 ** rng.uniform(-6, -2))
        # one batch whose variance is comparable to eps, so eps visibly matters
        scale = np.sqrt(eps) * rng.uniform(0.5, 2.0) if k == 1 else 10 ** rng.uniform(-1, 0.5)
        x = rng.normal(rng.uniform(-2, 2), scale, size=(n, d))
        gamma = rng.normal(1.0, 0.5, size=d)
        cases.append((rng.normal(size=(n, d)), x, gamma, eps))
    return cases


def _bn_dx(dout, x, gamma, eps, ddof):
    """A wrong dx: the closed form with the variance computed with ``ddof``."""
    n = x.shape[0]
    inv_std = 1.0 / np.sqrt(x.var(axis=0, ddof=ddof) + eps)
    xhat = (x - x.mean(axis=0)) * inv_std
    dxhat = dout * gamma
    return inv_std / n * (n * dxhat - dxhat.sum(axis=0) - xhat * (dxhat * xhat).sum(axis=0))


DDOF_HINT = ("that uses the N-1 (unbiased) variance, x.var(axis=0, ddof=1). The forward pass "
             "divides by N (x.var(axis=0)), and the backward pass must differentiate the same "
             "function.")


@exercise("batchnorm_backward", points=3, title="Batch norm's backward pass",
          solved_by=("vgteach.layers.batchnorm_backward",))
def _check_batchnorm_backward(fn, rng):
    names = ("dx", "dgamma", "dbeta")
    for dout, x, gamma, eps in _bn_cases(rng):
        inputs = f"dout {dout.shape}, cache = (x {x.shape}, gamma {gamma.shape}, eps={eps:.3g})"
        got = call(fn, dout, (x, gamma, eps), name="batchnorm_backward", inputs=inputs,
                   returns=Several(names, "return three arrays: (dx, dgamma, dbeta)."))
        _, cache = layers.batchnorm_forward(x, gamma, np.zeros_like(gamma), eps=eps)
        right = layers.batchnorm_backward(dout, cache)
        inv_std = 1.0 / np.sqrt(x.var(axis=0) + eps)
        xhat = (x - x.mean(axis=0)) * inv_std
        wrong = {
            "dx": [(dout * gamma * inv_std, "that treats the batch mean and variance as "
                                            "constants. Each x feeds the mean and the variance "
                                            "too, so every example's gradient also depends on "
                                            "the others."),
                   (lambda: _bn_dx(dout, x, np.ones_like(gamma), eps, 0),
                    "gamma is missing from dx: dL/dxhat = dout * gamma."),
                   (dout * gamma * inv_std - (dout * gamma * inv_std).mean(axis=0),
                    "the path through the variance is missing (only the mean's path is there)."),
                   (lambda: _bn_dx(dout, x, gamma, eps, 1), DDOF_HINT),
                   (lambda: _bn_dx(dout, x, gamma, 1e-5, 0) if abs(eps - 1e-5) > 1e-9 else None,
                    "use the eps stored in the cache, not a fixed 1e-5: the backward pass must "
                    "differentiate the forward pass that was run.")],
            "dgamma": [(dout.sum(axis=0), "dgamma multiplies xhat in the forward pass, so each "
                                          "term needs xhat."),
                       ((dout * x).sum(axis=0), "use the normalized xhat, not the raw x."),
                       ((dout * xhat).mean(axis=0), "sum over the batch, not the mean: the loss "
                                                    "already contains any 1/N."),
                       ((dout * (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0, ddof=1) + eps))
                        .sum(axis=0), DDOF_HINT),
                       ((dout * (x - x.mean(axis=0)) / np.sqrt(x.var(axis=0) + 1e-5)).sum(axis=0),
                        "use the eps stored in the cache, not a fixed 1e-5.")],
            "dbeta": [(dout.mean(axis=0), "sum over the batch, not the mean."),
                      (dout, "reduce over the batch axis: dbeta has shape (D,).")],
        }
        for name, value, ref in zip(names, got, right):
            if value.shape != ref.shape:
                raise Incorrect(f"{name} has shape {value.shape} for {inputs}; expected "
                                f"{ref.shape}.")
            expect(value, ref, wrong[name], context=f"For {inputs}: {name}",
                   fallback="compare with finite differences of sum(out * dout) "
                            "(vgteach.gradcheck.check_layer) to see which entries differ.")
    return "Correct: dx, dgamma and dbeta match finite differences on every test batch."


# ---------------------------------------------------------------- lesson 6: adam_step
def _adam_right(param, grad, m, v, t, lr, beta1, beta2, eps):
    """The engine's Adam, started at step t - 1 with the given moments."""
    opt = optim.Adam(lr=lr, beta1=beta1, beta2=beta2, eps=eps)
    opt.m, opt.v, opt.t = {0: m}, {0: v}, t - 1
    p = np.array(param, dtype=float)
    opt.step([p], [np.array(grad, dtype=float)])
    return p, opt.m[0], opt.v[0]


def _adam_wrong(param, grad, m, v, t, lr, beta1, beta2, eps, variant):
    """One known wrong version of the step (the catalogue below)."""
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
    step = {"sqrt_eps": m_hat / np.sqrt(v_hat + eps),
            "no_sqrt": m_hat / (v_hat + eps),
            "grad": grad / (np.sqrt(v_hat) + eps)}.get(variant, m_hat / (np.sqrt(v_hat) + eps))
    if variant == "plus":
        return param + lr * step, m2, v2
    return param - lr * step, m2, v2


ADAM_HINTS = {
    "plus": "the step must go against the gradient: a positive gradient should make the "
            "parameter smaller. Check the sign of the update.",
    "no_correction": "without the bias correction (dividing m and v by 1 - beta**t) the first "
                     "steps are too large, not too small: m and v start at zero, so at t=1 "
                     "m = (1 - beta1) g and v = (1 - beta2) g**2, and m / sqrt(v) is "
                     "(1 - beta1) / sqrt(1 - beta2) instead of 1 (Kingma & Ba, section 3).",
    "t_minus_1": "t here is the number of this step, 1 for the first one: use beta**t.",
    "t_plus_1": "t is already the number of this step (1 for the first): use beta**t.",
    "sqrt_eps": "eps goes outside the square root, added to sqrt(v_hat); inside it changes the "
                "step a lot when gradients are tiny.",
    "no_sqrt": "divide by the square root of v_hat (an RMS), not v_hat itself.",
    "swap": "the averages keep beta of the old value and (1 - beta) of the new one.",
    "grad": "the step uses the bias-corrected average m_hat, not the raw gradient.",
}
LITERAL_HINT = ("your step matches Adam with the default {name}={default:g}, but this call passed "
                "{name}={given:.4g}: use the argument, not a literal.")


def _adam_cases(rng):
    cases = []
    for k, gscale in enumerate([1.0, 1e-6, 0.3, 1e-6, 10.0]):
        shape = tuple(int(n) for n in rng.integers(1, 6, size=int(rng.integers(1, 3))))
        t = 1 if k < 2 else int(rng.integers(2, 300))
        param = rng.normal(size=shape)
        grad = rng.normal(0, gscale, size=shape)
        m = rng.normal(0, gscale, size=shape) * 0.5 * (t > 1)
        v = rng.normal(0, gscale, size=shape) ** 2 * (t > 1)
        lr = float(10 ** rng.uniform(-4, -1))
        if t == 1:  # (1 - beta1) / sqrt(1 - beta2) in [2.6, 9]: a missing bias correction
            # makes the first step visibly too large, as the hint says, never about right
            beta1, beta2 = float(rng.uniform(0.8, 0.88)), float(rng.uniform(0.998, 0.9995))
        else:
            beta1, beta2 = float(rng.uniform(0.8, 0.95)), float(rng.uniform(0.99, 0.9995))
        # eps comparable to sqrt(v_hat) for the tiny gradients, so a literal 1e-8 shows
        eps = float(10 ** rng.uniform(-7.5, -6.5)) if gscale < 1e-3 else float(
            10 ** rng.uniform(-10, -7))
        cases.append((param, grad, m, v, t, lr, beta1, beta2, eps))
    return cases


@exercise("adam_step", points=3, title="One Adam step", solved_by=("vgteach.optim.Adam.step",))
def _check_adam_step(fn, rng):
    names = ("new_param", "new_m", "new_v")
    for case in _adam_cases(rng):
        param, grad, m, v, t, lr, beta1, beta2, eps = case
        inputs = (f"param {param.shape}, grad ~ {np.abs(grad).mean():.1g}, t={t}, lr={lr:.3g}, "
                  f"beta1={beta1:.4g}, beta2={beta2:.6g}, eps={eps:.3g}")
        got = call(fn, *case, name="adam_step", inputs=inputs,
                   returns=Several(names, "return three arrays: (new_param, new_m, new_v)."))
        right = _adam_right(*case)
        literals = {"lr": (0.001, lr), "beta1": (0.9, beta1), "beta2": (0.999, beta2),
                    "eps": (1e-8, eps)}
        for k, (name, value, ref) in enumerate(zip(names, got, right)):
            if value.shape != ref.shape:
                raise Incorrect(f"For {inputs}: {name} has shape {value.shape}; expected "
                                f"{ref.shape} (the shape of param).")
            wrong = [(lambda var=var: _adam_wrong(*case, variant=var)[k], hint)
                     for var, hint in ADAM_HINTS.items()]
            for arg, (default, given) in literals.items():
                fixed = dict(zip(("lr", "beta1", "beta2", "eps"), case[5:]), **{arg: default})
                wrong.append((lambda fixed=fixed: _adam_right(*case[:5], **fixed)[k],
                              LITERAL_HINT.format(name=arg, default=default, given=given)))
            expect(value, ref, wrong, context=f"For {inputs}: {name}",
                   fallback="a NaN or inf at the first step usually means a division by "
                            "1 - beta**0 = 0: t starts at 1." if not np.all(
                                np.isfinite(np.asarray(value))) else "")
    return "Correct on every test case, including tiny gradients and the first step."


# ---------------------------------------------------------------- lesson 6: clip_by_norm
def _clip_cases(rng):
    cases = [([np.array([3.0, 4.0])], 1.0), ([np.array([3.0, 4.0])], 10.0)]
    for below in (False, True, False):
        grads = [rng.normal(0, rng.uniform(0.1, 5.0),
                            size=tuple(int(n) for n in rng.integers(1, 5, size=int(rng.integers(1, 3)))))
                 for _ in range(int(rng.integers(2, 5)))]
        norm = optim.global_norm(grads)
        cases.append((grads, float(norm * (rng.uniform(1.2, 3.0) if below else
                                           rng.uniform(0.1, 0.8)))))
    return cases


def _flat(arrays):
    return np.concatenate([np.ravel(a) for a in arrays])


@exercise("clip_by_norm", points=2, title="Gradient clipping by global norm",
          solved_by=("vgteach.optim.clip_by_norm", "vgteach.optim.global_norm"))
def _check_clip_by_norm(fn, rng):
    for grads, max_norm in _clip_cases(rng):
        norm = optim.global_norm(grads)
        inputs = (f"grads = {len(grads)} array(s) with global norm {norm:.4g}, "
                  f"max_norm = {max_norm:.4g}")
        got = call(fn, grads, max_norm, name="clip_by_norm", inputs=inputs,
                   returns=ArrayList(len(grads), f"return a list with one array per gradient "
                                                 f"({len(grads)} here)."))
        right = optim.clip_by_norm(grads, max_norm)
        for k, (a, r) in enumerate(zip(got, right)):
            if a.shape != r.shape:
                raise Incorrect(f"For {inputs}: array {k} has shape {a.shape}; expected "
                                f"{r.shape}, the shape of grads[{k}].")
        summed = sum(float(np.sqrt(np.sum(g * g))) for g in grads)
        flat = _flat(got)
        flat = flat.view(type(got[0]))
        flat.eps = max(a.eps for a in got)
        expect(flat, _flat(right), [
            (_flat([np.clip(g, -max_norm, max_norm) for g in grads]),
             "np.clip limits each entry separately, which changes the gradient's direction. "
             "Clipping by norm rescales all arrays by one common factor."),
            (_flat([g * (max_norm / np.linalg.norm(g)) if np.linalg.norm(g) > max_norm else g
                    for g in grads]),
             "each array was clipped by its own norm. Use the global norm of all the arrays "
             "together, so every array gets the same factor."),
            (_flat([g * (max_norm / summed if summed > max_norm else 1.0) for g in grads]),
             "the global norm is not the sum of the arrays' norms: it is the length of all the "
             "entries taken together, the square root of the sum of all squares."),
            (_flat([g * (max_norm / norm) for g in grads]),
             "the gradient was rescaled even though its norm is already below max_norm; only "
             "rescale when the norm exceeds it."),
        ], context=f"For {inputs}: the clipped arrays, all entries in order")
    return "Correct: one common factor, applied only above the threshold, inputs untouched."


# ---------------------------------------------------------------- lesson 7: autoencoder_loss
def _ae_cases(rng):
    cases = []
    for n, d, h in [(4, 3, 2), (1, 5, 5)] + [tuple(int(v) for v in rng.integers(2, 12, size=3))
                                             for _ in range(2)]:
        cases.append((rng.normal(0, 0.7, (d, h)), rng.normal(0, 0.3, h),
                      rng.normal(0, 0.7, (h, d)), rng.normal(0, 0.3, d),
                      rng.uniform(size=(n, d))))
    return cases


@exercise("autoencoder_loss", points=2, title="One level's reconstruction loss",
          solved_by=("vgteach.pretrain.autoencoder_loss_and_grads",))
def _check_autoencoder_loss(fn, rng):
    for W, b, V, c, X in _ae_cases(rng):
        inputs = f"W {W.shape}, b {b.shape}, V {V.shape}, c {c.shape}, X {X.shape}"
        got = call(fn, W, b, V, c, X, name="autoencoder_loss", inputs=inputs,
                   returns=Numbers("one number"))
        if got.size != 1:
            raise Incorrect(f"autoencoder_loss({inputs}) returned {got.size} numbers; it should "
                            "return one number, the mean loss over the batch.")
        expected, _ = pretrain.autoencoder_loss_and_grads(W, b, V, c, X)
        n = X.shape[0]
        h = sig(X @ W + b)
        R = h @ V + c
        wrong = [
            (np.mean((R - X) ** 2) / 2, "average over the N examples but sum over the features: "
                                        "divide by 2N, not by the number of entries."),
            (np.mean((R - X) ** 2), "np.mean averages over all N*D entries. The loss is the mean "
                                    "over examples of the summed squared error, halved: "
                                    "sum((R - X)**2) / (2N)."),
            (np.sum((np.tanh(X @ W + b) @ V + c - X) ** 2) / (2 * n),
             "the encoder is the sigmoid, 1 / (1 + exp(-z)), not tanh."),
            (np.sum((R - X) ** 2) / n, "the loss has a factor 1/2 (sum((R - X)**2) / (2N))."),
            (np.sum((sig(h @ V + c) - X) ** 2) / (2 * n), "the decoder is linear: R = h @ V + c "
                                                         "with no sigmoid."),
            (np.sum((h @ W.T + c - X) ** 2) / (2 * n), "decode with the given V, not W.T."),
            (np.sum((sig(X @ W) @ V + c - X) ** 2) / (2 * n), "the encoder's bias b is missing."),
            (np.sum((h @ V + c - h) ** 2) / (2 * n) if h.shape == X.shape else None,
             "compare the reconstruction with the input X, not with the code h."),
        ]
        expect(got.reshape(()), expected, [(v, hint) for v, hint in wrong if v is not None],
               context=f"For {inputs}")
    return "Correct: encode with the sigmoid, decode linearly, half the mean squared error."


# ---------------------------------------------------------------- lesson 7: fold_standardization
def _fold_cases(rng):
    cases = []
    for d, h in [(3, 2), (4, 4)] + [tuple(int(v) for v in rng.integers(1, 8, size=2))
                                    for _ in range(2)]:
        cases.append((rng.normal(0, 0.8, (d, h)), rng.normal(0, 0.3, h),
                      rng.normal(0.5, 0.3, d), rng.uniform(0.05, 0.4, d)))
    return cases


@exercise("fold_standardization", points=2, title="Fold the standardization into the encoder",
          solved_by=("vgteach.pretrain.fold_standardization",))
def _check_fold_standardization(fn, rng):
    names = ("W_folded", "b_folded")
    for W, b, mean, std in _fold_cases(rng):
        inputs = f"W {W.shape}, b {b.shape}, mean {mean.shape}, std {std.shape}"
        got = call(fn, W, b, mean, std, name="fold_standardization", inputs=inputs,
                   returns=Several(names, "return two arrays: (W_folded, b_folded)."))
        right = pretrain.fold_standardization(W, b, mean, std)
        wrong = {
            "W_folded": [(W * std[:, None], "standardizing divides by std, it does not "
                                            "multiply."),
                         (lambda: W / std[None, :] if W.shape[0] == W.shape[1] else None,
                          "input feature d is divided by std[d], and feature d multiplies row d "
                          "of W: scale the rows, not the columns."),
                         (W, "W must absorb the division by std too, not only b the mean.")],
            "b_folded": [(b - mean @ W, "the mean is divided by std as well: the standardized "
                                        "input is (h - mean) / std."),
                         (b + (mean / std) @ W, "check the sign: the mean is subtracted."),
                         (b, "the centring (- mean) shifts every pre-activation by the same "
                             "amount: it moves into the bias.")],
        }
        for name, value, ref in zip(names, got, right):
            if value.shape != ref.shape:
                raise Incorrect(f"For {inputs}: {name} has shape {value.shape}; expected "
                                f"{ref.shape} (the folded layer has the same shapes as W and b).")
            expect(value, ref, wrong[name], context=f"For {inputs}: {name}",
                   fallback="write ((h - mean) / std) @ W + b as h @ (...) + (...) and read off "
                            "the two brackets.")
    return ("Correct: h @ W_folded + b_folded equals ((h - mean) / std) @ W + b, so the stacked "
            "layer takes the raw code below it.")
