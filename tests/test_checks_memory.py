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
])
def test_residual_jacobian_wrong_answers_get_hints(fn, hint):
    r = check("residual_jacobian", fn)
    assert not r.passed and hint in r.message, r.message


def test_residual_jacobian_stub():
    assert "Not done yet" in check("residual_jacobian", stub).message
