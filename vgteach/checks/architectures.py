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
from .. import residual
from ..recurrent import lstm_step_forward
from .compare import close, expect
from .isolation import Numbers, Several, call, describe
from .results import Incorrect, exercise

sig, tanh, tanh_prime = act.sigmoid, np.tanh, act.tanh_prime


# ------------------------------------------------------------------------- lesson 8: LSTM
def _gates(x, h_prev, Wx, Wh, b):
    z = x @ Wx + h_prev @ Wh + b
    return np.split(z, 4, axis=1)


def _lstm(ai, af, ao, ag, c_prev, g_fn=tanh, out_fn=tanh):
    c = sig(af) * c_prev + sig(ai) * g_fn(ag)
    return sig(ao) * out_fn(c), c


def _lstm_cases(rng):
    cases = []
    for N, D, H in [(1, 2, 1), (3, 4, 5)] + [tuple(int(v) for v in rng.integers(1, 6, size=3))]:
        cases.append((rng.normal(size=(N, D)), rng.normal(size=(N, H)), rng.normal(size=(N, H)),
                      rng.normal(0, 0.8, (D, 4 * H)), rng.normal(0, 0.8, (H, 4 * H)),
                      rng.normal(0, 0.5, 4 * H)))
    return cases


@exercise("lstm_step_forward", points=3, title="One LSTM step (gates i, f, o, g)",
          solved_by=("vgteach.recurrent.lstm_step_forward", "vgteach.recurrent.lstm_forward"))
def _check_lstm_step_forward(fn, rng):
    for x, h_prev, c_prev, Wx, Wh, b in _lstm_cases(rng):
        H = h_prev.shape[1]
        inputs = f"x {x.shape}, h_prev {h_prev.shape}, c_prev {c_prev.shape}, H = {H}"
        h, c = call(fn, x, h_prev, c_prev, Wx, Wh, b, name="lstm_step_forward", inputs=inputs,
                    returns=Several(("h", "c"), "it must return a pair (h, c)."))
        ai, af, ao, ag = _gates(x, h_prev, Wx, Wh, b)
        h_ref, c_ref, _ = lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b)
        if (h.shape == c.shape == h_ref.shape and close(h, c_ref) and close(c, h_ref)
                and not close(h, h_ref)):
            raise Incorrect(f"lstm_step_forward({inputs}): your first output matches the cell "
                            "state c and your second the hidden state h. Hint: return them in the "
                            "order (h, c).")
        expect(c, c_ref, [
            (lambda: _lstm(af, ai, ao, ag, c_prev)[1],
             "the gate order is i, f, o, g: the first H columns of z are the input gate, the "
             "next H the forget gate."),
            (lambda: _lstm(ai, af, ag, ao, c_prev)[1],
             "the gate order is i, f, o, g: the candidate g is the LAST block of H columns."),
            (lambda: _lstm(ai, af, ao, ag, c_prev, g_fn=sig)[1],
             "the candidate g uses tanh (values in [-1, 1]); only i, f, o are sigmoids."),
            (lambda: (1 - sig(af)) * c_prev + sig(ai) * tanh(ag),
             "the forget gate multiplies the old cell state directly: f near 1 keeps the memory "
             "(that is what lets the gradient survive), f near 0 forgets it. No 1 - f."),
            (lambda: sig(af) * c_prev + tanh(ag),
             "the candidate g enters the cell only through the input gate i."),
            (lambda: c_prev + sig(ai) * tanh(ag),
             "the old cell state is scaled by the forget gate before the new content is added."),
        ], context=f"For {inputs}: the cell state c")
        expect(h, h_ref, [
            (sig(ao) * c_ref, "h squashes the cell state before gating it: h = o * tanh(c), not "
                              "o * c."),
            (tanh(sig(ao) * c_ref), "apply tanh to c, then multiply by o."),
            (tanh(c_ref), "the output gate o scales what leaves the cell."),
            (sig(ao) * tanh(c_prev), "h uses the NEW cell state c, not c_prev."),
        ], context=f"For {inputs}: the hidden state h")
    return "Correct on every test input. Well done!"


def _forget_cases(rng):
    cases = [
        (np.full((5, 1), 0.9), np.array([1.0])),
        (rng.uniform(0.3, 1.0, size=(3, 3)), np.array([1.0, -0.5, 2.0])),  # T = H: catches axis 1
        (np.array([[0.99], [0.5]]), np.array([2.0])),
    ]
    for low in (0.0, 0.5):
        T, H = int(rng.integers(2, 25)), int(rng.integers(1, 6))
        cases.append((rng.uniform(low, 1.0, size=(T, H)), rng.normal(size=H)))
    return cases


_ONE_GATE = ("that uses only one step's forget gate. Going back T steps along the cell path, "
             "each step back multiplies by its own forget gate: f_T, then f_(T-1), ... down to "
             "f_1.")


@exercise("cell_gradient_through_time", points=2,
          title="The cell-state gradient after T steps back through the forget gates")
def _check_cell_gradient(fn, rng):
    for f, dc_T in _forget_cases(rng):
        T = f.shape[0]
        inputs = f"forget_gates of shape {f.shape} (T = {T}), dc_T = {describe(dc_T, 30)}"
        got = call(fn, f, dc_T, name="cell_gradient_through_time", inputs=inputs,
                   returns=Numbers(f"an array of shape {dc_T.shape}, one gradient per unit"))
        expected = dc_T * np.prod(f, axis=0)
        expect(got, expected, [
            (dc_T * np.sum(f, axis=0), "through time the factors multiply; they do not add up."),
            (dc_T * f[-1], _ONE_GATE),
            (dc_T * f[0], _ONE_GATE),
            (lambda: dc_T * np.prod(f[1:], axis=0) if T > 1 else None,
             "one factor is missing: each of the T steps back multiplies by its own f_t."),
            (lambda: dc_T * np.prod(f[:-1], axis=0) if T > 1 else None,
             "one factor is missing: each of the T steps back multiplies by its own f_t."),
            (dc_T * np.prod(f, axis=0) ** 2, "each forget gate is used once."),
            (dc_T * np.prod(1 - f, axis=0), "along the cell path c_t = f_t * c_(t-1) + ..., so "
                                            "each step back multiplies by f_t itself, not "
                                            "1 - f_t."),
            (dc_T * np.prod(f), "multiply over time only (axis 0); each unit keeps its own "
                                "product."),
            (lambda: dc_T * np.prod(f, axis=1) if f.shape[0] == f.shape[1] else None,
             "that product runs over the units of one step; multiply over time (rows, axis 0) so "
             "each unit keeps its own product."),
            (dc_T * np.mean(f) ** T, "each unit has its own gates: multiply its own f_t values, "
                                     "do not average the gates first."),
            (dc_T * np.mean(f, axis=0) ** T, "the gates differ from step to step: multiply the "
                                             "T values, do not raise their mean to the power T."),
            (dc_T * np.prod(sig(f), axis=0), "forget_gates are already gate values in (0, 1); do "
                                             "not apply the sigmoid again."),
        ], context=f"For {inputs}", reveal=False,
            fallback="one step back along the cell path multiplies the gradient, unit by unit, "
                     "by that step's forget gate; T steps back, by all T of them.")
    return "Correct on every test input. Well done!"


# ------------------------------------------------------------------------ lesson 9: residual
def _residual_cases(rng):
    cases = []
    for N, D in [(1, 1), (4, 3)] + [tuple(int(v) for v in rng.integers(1, 7, size=2))]:
        cases.append((rng.normal(size=(N, D)), rng.normal(0, 0.7, (D, D)),
                      rng.normal(0, 0.3, D), rng.normal(size=(N, D))))
    return cases


@exercise("residual_block_backward", points=3, title="Backward pass of a residual block",
          solved_by=("vgteach.residual.residual_block_backward",))
def _check_residual_block_backward(fn, rng):
    for x, W, b, dout in _residual_cases(rng):
        z = x @ W + b
        inputs = f"dout {dout.shape}, cache = (x {x.shape}, W {W.shape}, z {z.shape})"
        dx, dW, db = call(fn, dout, (x, W, z), name="residual_block_backward", inputs=inputs,
                          returns=Several(("dx", "dW", "db"), "it must return (dx, dW, db)."))
        out, cache = residual.residual_block_forward(x, W, b, activation="tanh")
        dx_ref, dW_ref, db_ref = residual.residual_block_backward(dout, cache)
        dz = dout * tanh_prime(z)
        expect(dx, dx_ref, [
            (dz @ W.T, "the output is x + tanh(z): x reaches the output along TWO paths, and the "
                       "identity path contributes dout itself."),
            (dout + dout @ W.T, "on the branch, the gradient passes tanh'(z) before W."),
            (dout + (dout * (1 - out ** 2)) @ W.T,
             "tanh' is evaluated at z, the branch's pre-activation, not at the block's output."),
            (dout + (dout * (1 - z ** 2)) @ W.T,
             "the cache holds z, not tanh z: the slope is 1 - tanh(z)**2, not 1 - z**2."),
            (dout + dz @ W, "go back through z = x @ W with W transposed."),
            (dout * (1 + tanh_prime(z)) @ W.T, "add the two paths' gradients after each path is "
                                               "complete."),
        ], context=f"For {inputs}: dx")
        expect(dW, dW_ref, [
            (x.T @ dout, "the weights sit behind tanh: use the gradient at z."),
            (x.T @ (dout + dz), "only the branch goes through W; the identity path has no "
                                "weights."),
            (lambda: dz.T @ x if W.shape[0] == W.shape[1] else None,
             "that is dW transposed: dW[i, j] pairs input i (x) with unit j (dz), like W."),
        ], context=f"For {inputs}: dW")
        expect(db, db_ref, [
            (dout.sum(axis=0), "the bias sits behind tanh: use the gradient at z."),
            (dz.mean(axis=0), "sum over the batch, as for dW (no mean)."),
        ], context=f"For {inputs}: db")
    return "Correct on every test input. Well done!"


def _jacobian_cases(rng):
    cases = [(np.array([[0.5]]), np.array([0.3]))]
    for _ in range(2):
        D = int(rng.integers(2, 6))
        cases.append((rng.normal(0, 0.6, (D, D)), rng.normal(0, 1.5, size=D)))
    return cases


@exercise("residual_jacobian", points=2, title="The Jacobian of a residual block",
          solved_by=("vgteach.residual.block_jacobian",))
def _check_residual_jacobian(fn, rng):
    for W, z in _jacobian_cases(rng):
        inputs = f"W {W.shape}, z = {describe(z, 36)}"
        got = call(fn, W, z, name="residual_jacobian", inputs=inputs,
                   returns=Numbers(f"a {len(z)} x {len(z)} array"))
        I, d = np.eye(len(z)), np.diag(tanh_prime(z))
        expect(got, residual.block_jacobian(W, z, activation="tanh", residual=True), [
            (d @ W.T, "that is only the branch: the identity path adds the identity matrix I."),
            (I + W @ d, "that is the transpose of the Jacobian: with J[j, i] = d out_j / d x_i, "
                        "row j belongs to output j, so the slope tanh'(z_j) of output j scales "
                        "row j."),
            (I + d @ W, "with J[j, i] = d out_j / d x_i, out_j uses column j of W, so W appears "
                        "transposed."),
            (I + W.T @ d, "the slope tanh'(z_j) belongs to output j: it scales row j."),
            (I + np.diag(tanh(z)) @ W.T, "use the derivative tanh'(z), not tanh(z)."),
            (I + W.T, "the branch passes through tanh: include its slope at z."),
            (I * (1 + tanh_prime(z)), "the branch mixes units through W; it is not diagonal."),
        ], context=f"For {inputs}", reveal=False)
    return "Correct on every test input. Well done!"
