import numpy as np
import pytest

from vgteach.checks import check

T = np.tanh


def tp(z):
    return 1 - np.tanh(z) ** 2


def stub(*args):
    raise NotImplementedError()


# ------------------------------------------------------------- residual_block_backward
def rbb_right(dout, cache):
    x, W, z = cache
    dz = dout * tp(z)
    return dout + dz @ W.T, x.T @ dz, dz.sum(axis=0)


def rbb_right_einsum(dout, cache):
    x, W, z = cache
    dz = dout / np.cosh(z) ** 2
    return (dout + np.einsum("nj,ij->ni", dz, W), np.einsum("ni,nj->ij", x, dz),
            np.einsum("nj->j", dz))


def rbb_no_identity(dout, cache):
    x, W, z = cache
    dz = dout * tp(z)
    return dz @ W.T, x.T @ dz, dz.sum(axis=0)


def rbb_slope_at_output(dout, cache):
    x, W, z = cache
    out = x + T(z)
    dz = dout * (1 - out ** 2)
    return dout + dz @ W.T, x.T @ dz, dz.sum(axis=0)


def rbb_dW_includes_skip(dout, cache):
    x, W, z = cache
    dz = dout * tp(z)
    return dout + dz @ W.T, x.T @ (dout + dz), dz.sum(axis=0)


def rbb_slope_from_z(dout, cache):
    x, W, z = cache
    dz = dout * (1 - z ** 2)
    return dout + dz @ W.T, x.T @ dz, dz.sum(axis=0)


def rbb_mean_db(dout, cache):
    dx, dW, db = rbb_right(dout, cache)
    return dx, dW, db / len(dout)


def test_residual_block_backward_right_answers_pass():
    assert check("residual_block_backward", rbb_right).passed
    assert check("residual_block_backward", rbb_right_einsum).passed


@pytest.mark.parametrize("fn, hint", [
    (rbb_no_identity, "identity path"),
    (rbb_slope_at_output, "not at the block's output"),
    (rbb_dW_includes_skip, "identity path has no weights"),
    (rbb_mean_db, "no mean"),
    (rbb_slope_from_z, "the cache holds z, not tanh z"),
])
def test_residual_block_backward_wrong_answers_get_hints(fn, hint):
    r = check("residual_block_backward", fn)
    assert not r.passed and hint in r.message, r.message


def test_residual_block_backward_stub_and_shape():
    assert "Not done yet" in check("residual_block_backward", stub).message
    r = check("residual_block_backward", lambda dout, cache: rbb_right(dout, cache)[:2])
    assert not r.passed and "(dx, dW, db)" in r.message


# ------------------------------------------------------------- residual_jacobian
@pytest.mark.parametrize("fn", [
    lambda W, z: np.eye(len(z)) + np.diag(tp(z)) @ W.T,
    lambda W, z: np.eye(len(z)) + tp(z)[:, None] * W.T,
    lambda W, z: (np.identity(W.shape[0]) * 1.0 + (W * (1 - np.tanh(z) ** 2)).T),
])
def test_residual_jacobian_right_answers_pass(fn):
    assert check("residual_jacobian", fn).passed


@pytest.mark.parametrize("fn, hint", [
    (lambda W, z: np.diag(tp(z)) @ W.T, "identity matrix"),
    (lambda W, z: np.eye(len(z)) + np.diag(tp(z)) @ W, "transposed"),
    (lambda W, z: np.eye(len(z)) + W.T @ np.diag(tp(z)), "scales row j"),
    (lambda W, z: np.eye(len(z)) + np.diag(T(z)) @ W.T, "derivative"),
    (lambda W, z: (np.eye(len(z)) + np.diag(tp(z)) @ W.T).T, "transpose of the Jacobian"),
], ids=["branch only", "W untransposed", "slope on columns", "tanh not slope", "transposed J"])
def test_residual_jacobian_wrong_answers_get_hints(fn, hint):
    r = check("residual_jacobian", fn)
    assert not r.passed and hint in r.message, r.message


def test_residual_jacobian_does_not_give_the_answer_away():
    """Without the identity the 1 x 1 case is off by exactly 1: printing the right value next
    to the learner's would hand over the answer."""
    r = check("residual_jacobian", lambda W, z: np.diag(tp(z)) @ W.T)
    assert not r.passed and "expected" not in r.message and "not the right answer" in r.message


def test_package_answers_are_recognised():
    from vgteach import recurrent, residual
    for exercise_id, fn in [
        ("residual_jacobian", lambda W, z: residual.block_jacobian(W, z)),
        ("residual_block_backward", lambda dout, cache: residual.residual_block_backward(
            dout, residual.residual_block_forward(cache[0], cache[1], 0 * cache[2][0])[1])),
        ("lstm_step_forward", lambda *args: recurrent.lstm_step_forward(*args)[:2]),
    ]:
        r = check(exercise_id, fn)
        assert not r.passed and "package's own answer" in r.message, r.message


def test_residual_jacobian_stub():
    assert "Not done yet" in check("residual_jacobian", stub).message


# ------------------------------------------------------------- lstm_step_forward
def sig(a):
    return 1 / (1 + np.exp(-a))


def _split(x, h_prev, Wx, Wh, b):
    a = x @ Wx + h_prev @ Wh + b
    H = h_prev.shape[1]
    return a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H], a[:, 3 * H:]


def lstm_right(x, h_prev, c_prev, Wx, Wh, b):
    ai, af, ao, ag = _split(x, h_prev, Wx, Wh, b)
    c = sig(af) * c_prev + sig(ai) * np.tanh(ag)
    return sig(ao) * np.tanh(c), c


def lstm_right_split(x, h_prev, c_prev, Wx, Wh, b):
    i, f, o, g = np.split(np.hstack([x, h_prev]) @ np.vstack([Wx, Wh]) + b, 4, axis=1)
    c = c_prev * (0.5 + 0.5 * np.tanh(f / 2)) + np.tanh(g) * (0.5 + 0.5 * np.tanh(i / 2))
    return [np.tanh(c) * (0.5 + 0.5 * np.tanh(o / 2)), c]


def lstm_order_fiog(x, h_prev, c_prev, Wx, Wh, b):
    af, ai, ao, ag = _split(x, h_prev, Wx, Wh, b)
    c = sig(af) * c_prev + sig(ai) * np.tanh(ag)
    return sig(ao) * np.tanh(c), c


def lstm_sigmoid_g(x, h_prev, c_prev, Wx, Wh, b):
    ai, af, ao, ag = _split(x, h_prev, Wx, Wh, b)
    c = sig(af) * c_prev + sig(ai) * sig(ag)
    return sig(ao) * np.tanh(c), c


def lstm_h_no_tanh(x, h_prev, c_prev, Wx, Wh, b):
    ai, af, ao, ag = _split(x, h_prev, Wx, Wh, b)
    c = sig(af) * c_prev + sig(ai) * np.tanh(ag)
    return sig(ao) * c, c


def lstm_no_forget(x, h_prev, c_prev, Wx, Wh, b):
    ai, af, ao, ag = _split(x, h_prev, Wx, Wh, b)
    c = c_prev + sig(ai) * np.tanh(ag)
    return sig(ao) * np.tanh(c), c


def lstm_one_minus_f(x, h_prev, c_prev, Wx, Wh, b):
    ai, af, ao, ag = _split(x, h_prev, Wx, Wh, b)
    c = (1 - sig(af)) * c_prev + sig(ai) * np.tanh(ag)
    return sig(ao) * np.tanh(c), c


def test_lstm_step_forward_right_answers_pass():
    assert check("lstm_step_forward", lstm_right).passed
    assert check("lstm_step_forward", lstm_right_split).passed
    r = check("lstm_step_forward", lambda *a: [v.astype(np.float32) for v in lstm_right(*a)])
    assert r.passed or "Compute in float64" in r.message, r.message


@pytest.mark.parametrize("fn, hint", [
    (lstm_order_fiog, "first H columns of z are the input gate"),
    (lambda *a: lstm_right(*a)[::-1], "order (h, c)"),
    (lstm_sigmoid_g, "candidate g uses tanh"),
    (lstm_h_no_tanh, "h = o * tanh(c), not o * c"),
    (lstm_no_forget, "scaled by the forget gate"),
    (lstm_one_minus_f, "No 1 - f"),
])
def test_lstm_step_forward_wrong_answers_get_hints(fn, hint):
    r = check("lstm_step_forward", fn)
    assert not r.passed and hint in r.message, r.message


def test_lstm_step_forward_stub_and_single_output():
    assert "Not done yet" in check("lstm_step_forward", stub).message
    r = check("lstm_step_forward", lambda *a: lstm_right(*a)[0])
    assert not r.passed and "pair (h, c)" in r.message


# ------------------------------------------------------------- cell_gradient_through_time
@pytest.mark.parametrize("fn", [
    lambda f, dc: dc * np.prod(f, axis=0),
    lambda f, dc: dc * np.exp(np.log(f).sum(axis=0)) if np.all(f > 0) else dc * 0,
    lambda f, dc: _loop_back(f, dc),
])
def test_cell_gradient_right_answers_pass(fn):
    assert check("cell_gradient_through_time", fn).passed


def _loop_back(f, dc):
    for t in range(len(f) - 1, -1, -1):
        dc = dc * f[t]
    return dc


@pytest.mark.parametrize("fn, hint", [
    (lambda f, dc: dc * f.sum(axis=0), "multiply"),
    (lambda f, dc: dc * np.prod(f[1:], axis=0), "one factor is missing"),
    (lambda f, dc: dc * np.prod(f), "axis 0"),
    (lambda f, dc: dc * np.prod(f, axis=1) if f.shape[0] == f.shape[1] else dc * np.prod(f, 0),
     "units of one step"),
    (lambda f, dc: dc * f.mean() ** len(f), "each unit has its own gates"),
    (lambda f, dc: dc * f.mean(axis=0) ** len(f), "do not raise their mean"),
    (lambda f, dc: dc * np.prod(1 / (1 + np.exp(-f)), axis=0), "do not apply the sigmoid"),
    (lambda f, dc: dc * np.prod(1 - f, axis=0), "not 1 - f_t"),
    (lambda f, dc: dc * f[-1], "only one step's forget gate"),
    (lambda f, dc: dc * f[0], "only one step's forget gate"),
])
def test_cell_gradient_wrong_answers_get_hints(fn, hint):
    r = check("cell_gradient_through_time", fn)
    assert not r.passed and hint in r.message, r.message


@pytest.mark.parametrize("fn", [lambda f, dc: dc * f[-1], lambda f, dc: dc * f.max(axis=0)],
                         ids=["last gate only", "no known mistake"])
def test_cell_gradient_does_not_give_the_answer_away(fn):
    """Five gates of 0.9 and an expected 0.59049 would spell out 0.9 ** 5."""
    r = check("cell_gradient_through_time", fn)
    assert not r.passed and "expected" not in r.message and "0.59" not in r.message, r.message
    assert "Hint:" in r.message


def test_cell_gradient_stub():
    assert "Not done yet" in check("cell_gradient_through_time", stub).message
