"""Checkers for lessons 8-9: LSTM gating and residual connections.

Conventions the exercises state to the learner:

* LSTM step (gate order i, f, o, g): ``z = x @ Wx + h_prev @ Wh + b`` of shape (N, 4H),
  ``i, f, o = sigmoid`` of the first three blocks of H columns, ``g = tanh`` of the last,
  ``c = f * c_prev + i * g``, ``h = o * tanh(c)``.
* Cell-state gradient through time along the cell path only: ``dc_{t-1} = dc_t * f_t``.
* Residual block with tanh: ``z = x @ W + b``, ``out = x + tanh(z)``; its Jacobian for one
  example is ``J[j, i] = d out_j / d x_i``, i.e. ``J = I + diag(tanh'(z)) @ W.T``.
"""
import numpy as np

from .. import activations as act
from ..recurrent import lstm_step_forward
from .core import Incorrect, as_numbers, call, close, describe, exercise

sig, tanh, tanh_prime = act.sigmoid, np.tanh, act.tanh_prime


def _as_array(got, what, inputs):
    return as_numbers(got, what, inputs)


def _match(got, expected, wrong, context):
    """Raise Incorrect unless ``got`` matches; name a misconception when one matches."""
    if got.shape != expected.shape:
        raise Incorrect(f"For {context} expected shape {expected.shape}, got shape {got.shape}.")
    if close(got, expected):
        return
    for candidate, hint in wrong:
        with np.errstate(all="ignore"):
            value = candidate()
        if value is not None and value.shape == got.shape and close(got, value):
            raise Incorrect(f"For {context} expected {describe(expected)}, got {describe(got)}. "
                            f"Hint: {hint}")
    raise Incorrect(f"For {context} expected {describe(expected)}, got {describe(got)}.")


# ------------------------------------------------------------------------- lesson 8: LSTM
def _gates(x, h_prev, Wx, Wh, b):
    z = x @ Wx + h_prev @ Wh + b
    return np.split(z, 4, axis=1)


def _lstm(ai, af, ao, ag, c_prev, g_fn=tanh, out_fn=tanh):
    c = sig(af) * c_prev + sig(ai) * g_fn(ag)
    return sig(ao) * out_fn(c), c


def _lstm_cases():
    rng = np.random.default_rng(8)
    cases = []
    for N, D, H in [(1, 2, 1), (3, 4, 5), (2, 3, 4)]:
        cases.append((rng.normal(size=(N, D)), rng.normal(size=(N, H)), rng.normal(size=(N, H)),
                      rng.normal(0, 0.8, (D, 4 * H)), rng.normal(0, 0.8, (H, 4 * H)),
                      rng.normal(0, 0.5, 4 * H)))
    return cases


@exercise("lstm_step_forward", points=3, title="One LSTM step (gates i, f, o, g)")
def _check_lstm_step_forward(fn):
    for x, h_prev, c_prev, Wx, Wh, b in _lstm_cases():
        N, H = h_prev.shape
        inputs = f"x {x.shape}, h_prev {h_prev.shape}, c_prev {c_prev.shape}, H = {H}"
        got = call(fn, x, h_prev, c_prev, Wx, Wh, b, name="lstm_step_forward", inputs=inputs)
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            raise Incorrect(f"lstm_step_forward({inputs}) must return a pair (h, c); got "
                            f"{describe(got)}.")
        h, c = (_as_array(v, "lstm_step_forward", inputs) for v in got)
        ai, af, ao, ag = _gates(x, h_prev, Wx, Wh, b)
        h_ref, c_ref, _ = lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b)
        if (h.shape == c.shape == h_ref.shape and close(h, c_ref) and close(c, h_ref)
                and not close(h, h_ref)):
            raise Incorrect(f"lstm_step_forward({inputs}): your first output matches the cell "
                            "state c and your second the hidden state h. Hint: return them in the "
                            "order (h, c).")
        wrong_c = [
            (lambda: _lstm(af, ai, ao, ag, c_prev)[1],
             "the gate order is i, f, o, g: the first H columns of z are the input gate, the "
             "next H the forget gate."),
            (lambda: _lstm(ai, af, ag, ao, c_prev)[1],
             "the gate order is i, f, o, g: the candidate g is the LAST block of H columns."),
            (lambda: _lstm(ai, af, ao, ag, c_prev, g_fn=sig)[1],
             "the candidate g uses tanh (values in [-1, 1]); only i, f, o are sigmoids."),
            (lambda: sig(af) * c_prev + tanh(ag),
             "the candidate g enters the cell only through the input gate i."),
            (lambda: c_prev + sig(ai) * tanh(ag),
             "the old cell state is scaled by the forget gate before the new content is added."),
        ]
        _match(c, c_ref, wrong_c, f"the cell state c ({inputs})")
        wrong_h = [
            (lambda: sig(ao) * c_ref, "h squashes the cell state before gating it: "
                                      "h = o * tanh(c), not o * c."),
            (lambda: tanh(sig(ao) * c_ref), "apply tanh to c, then multiply by o."),
            (lambda: tanh(c_ref), "the output gate o scales what leaves the cell."),
            (lambda: sig(ao) * tanh(c_prev), "h uses the NEW cell state c, not c_prev."),
        ]
        _match(h, h_ref, wrong_h, f"the hidden state h ({inputs})")
    return "Correct on every test input. Well done!"


def _forget_cases():
    rng = np.random.default_rng(80)
    return [
        (np.full((5, 1), 0.9), np.array([1.0])),
        (rng.uniform(0.5, 1.0, size=(20, 3)), np.array([1.0, -2.0, 0.5])),
        (rng.uniform(0.0, 1.0, size=(3, 4)), rng.normal(size=4)),
        (np.array([[0.99], [0.5]]), np.array([2.0])),
        (rng.uniform(0.3, 1.0, size=(3, 3)), np.array([1.0, -0.5, 2.0])),  # T = H: catches axis 1
    ]


@exercise("cell_gradient_through_time", points=2,
          title="The cell-state gradient after T steps back through the forget gates")
def _check_cell_gradient(fn):
    for f, dc_T in _forget_cases():
        T = f.shape[0]
        inputs = f"forget_gates of shape {f.shape} (T = {T}), dc_T = {describe(dc_T, 30)}"
        got = _as_array(call(fn, f, dc_T, name="cell_gradient_through_time", inputs=inputs),
                        "cell_gradient_through_time", inputs)
        expected = dc_T * np.prod(f, axis=0)
        wrong = [
            (lambda: dc_T * np.sum(f, axis=0), "through time the factors multiply; they do not "
                                               "add up."),
            (lambda: dc_T * np.prod(f[1:], axis=0) if T > 1 else None,
             "one factor is missing: each of the T steps back multiplies by its own f_t."),
            (lambda: dc_T * np.prod(f[:-1], axis=0) if T > 1 else None,
             "one factor is missing: each of the T steps back multiplies by its own f_t."),
            (lambda: dc_T * np.prod(f, axis=0) ** 2, "each forget gate is used once."),
            (lambda: dc_T * np.prod(f), "multiply over time only (axis 0); each unit keeps its "
                                        "own product."),
            (lambda: dc_T * np.prod(f, axis=1) if f.shape[0] == f.shape[1] else None,
             "that product runs over the units of one step; multiply over time (rows, axis 0) so "
             "each unit keeps its own product."),
            (lambda: dc_T * np.mean(f) ** T, "each unit has its own gates: multiply its own f_t "
                                             "values, do not average the gates first."),
            (lambda: dc_T * np.mean(f, axis=0) ** T, "the gates differ from step to step: "
                                                     "multiply the T values, do not raise their "
                                                     "mean to the power T."),
            (lambda: dc_T * np.prod(sig(f), axis=0), "forget_gates are already gate values in "
                                                     "(0, 1); do not apply the sigmoid again."),
        ]
        _match(got, expected, wrong, inputs)
    return "Correct on every test input. Well done!"


# ------------------------------------------------------------------------ lesson 9: residual
def _residual_cases():
    rng = np.random.default_rng(9)
    cases = []
    for N, D in [(1, 1), (4, 3), (2, 5)]:
        x = rng.normal(size=(N, D))
        W = rng.normal(0, 0.7, (D, D))
        b = rng.normal(0, 0.3, D)
        cases.append((x, W, b, rng.normal(size=(N, D))))
    return cases


@exercise("residual_block_backward", points=3, title="Backward pass of a residual block")
def _check_residual_block_backward(fn):
    for x, W, b, dout in _residual_cases():
        z = x @ W + b
        cache = (x, W, z)
        inputs = f"dout {dout.shape}, cache = (x {x.shape}, W {W.shape}, z {z.shape})"
        got = call(fn, dout, cache, name="residual_block_backward", inputs=inputs)
        if not isinstance(got, (tuple, list)) or len(got) != 3:
            raise Incorrect(f"residual_block_backward({inputs}) must return (dx, dW, db); got "
                            f"{describe(got)}.")
        dx, dW, db = (_as_array(v, "residual_block_backward", inputs) for v in got)
        dz = dout * tanh_prime(z)
        out = x + tanh(z)
        wrong_dx = [
            (lambda: dz @ W.T, "the output is x + tanh(z): x reaches the output along TWO paths, "
                               "and the identity path contributes dout itself."),
            (lambda: dout + dout @ W.T, "on the branch, the gradient passes tanh'(z) before W."),
            (lambda: dout + (dout * (1 - out ** 2)) @ W.T,
             "tanh' is evaluated at z, the branch's pre-activation, not at the block's output."),
            (lambda: dout + (dout * (1 - z ** 2)) @ W.T,
             "the cache holds z, not tanh z: the slope is 1 - tanh(z)**2, not 1 - z**2."),
            (lambda: dout + dz @ W, "go back through z = x @ W with W transposed."),
            (lambda: dout * (1 + tanh_prime(z)) @ W.T, "add the two paths' gradients after each "
                                                       "path is complete."),
        ]
        _match(dx, dout + dz @ W.T, wrong_dx, f"dx ({inputs})")
        wrong_dW = [
            (lambda: x.T @ dout, "the weights sit behind tanh: use the gradient at z."),
            (lambda: x.T @ (dout + dz), "only the branch goes through W; the identity path has "
                                        "no weights."),
        ]
        _match(dW, x.T @ dz, wrong_dW, f"dW ({inputs})")
        wrong_db = [(lambda: dout.sum(axis=0), "the bias sits behind tanh: use the gradient at z."),
                    (lambda: dz.mean(axis=0), "sum over the batch, as for dW (no mean).")]
        _match(db, dz.sum(axis=0), wrong_db, f"db ({inputs})")
    return "Correct on every test input. Well done!"


def _jacobian_cases():
    rng = np.random.default_rng(90)
    return [(np.array([[0.5]]), np.array([0.3])),
            (rng.normal(0, 0.6, (3, 3)), rng.normal(size=3)),
            (rng.normal(0, 0.6, (4, 4)), rng.normal(0, 2, size=4))]


@exercise("residual_jacobian", points=2, title="The Jacobian of a residual block")
def _check_residual_jacobian(fn):
    for W, z in _jacobian_cases():
        inputs = f"W {W.shape}, z = {describe(z, 36)}"
        got = _as_array(call(fn, W, z, name="residual_jacobian", inputs=inputs),
                        "residual_jacobian", inputs)
        I, d = np.eye(len(z)), np.diag(tanh_prime(z))
        wrong = [
            (lambda: d @ W.T, "that is only the branch: the identity path adds the identity "
                              "matrix I."),
            (lambda: I + d @ W, "with J[j, i] = d out_j / d x_i, out_j uses column j of W, so "
                                "W appears transposed."),
            (lambda: I + W.T @ d, "the slope tanh'(z_j) belongs to output j: it scales row j."),
            (lambda: I + np.diag(tanh(z)) @ W.T, "use the derivative tanh'(z), not tanh(z)."),
            (lambda: I + W.T, "the branch passes through tanh: include its slope at z."),
            (lambda: I * (1 + tanh_prime(z)), "the branch mixes units through W; it is not "
                                              "diagonal."),
        ]
        _match(got, I + d @ W.T, wrong, f"W {W.shape}, z = {describe(z, 36)}")
    return "Correct on every test input. Well done!"
