"""vgteach.measure.clipping: RNN gradients through time, and SGD with and without clipping."""
import numpy as np
import pytest

from vgteach import recurrent
from vgteach.data import adding_problem
from vgteach.gradcheck import numerical_gradient
from vgteach.measure import clipping


def test_rnn_loss_and_grads_match_finite_differences():
    rng = np.random.default_rng(0)
    X, y = adding_problem(6, 7, rng)
    params = clipping.init_rnn_regressor(2, 5, rng, scale=1.3)
    loss, grads = clipping.rnn_loss_and_grads(params, X, y)
    for name, g in zip(clipping.NAMES, grads):
        def f(value, name=name):
            saved = params[name]
            params[name] = value
            try:
                return clipping.rnn_loss_and_grads(params, X, y)[0]
            finally:
                params[name] = saved
        num = numerical_gradient(f, params[name].copy())
        assert np.linalg.norm(g - num) <= 1e-7 * max(np.linalg.norm(g), 1e-12), name


def test_gradient_norm_grows_with_length_only_above_unit_scale():
    lengths = [5, 80]
    big = clipping.gradient_norm_vs_length(lengths, scale=2.0, seed=0)
    unit = clipping.gradient_norm_vs_length(lengths, scale=1.0, seed=0)
    assert big.shape == (2,) and big[1] > 10 * big[0]
    assert unit[1] < 3 * unit[0]


def test_train_rnn_clipping_bounds_every_step():
    X, y = adding_problem(256, 20, np.random.default_rng(0))
    theta, lr = 0.5, 0.1
    run = clipping.train_rnn(X, y, H=8, steps=30, lr=lr, seed=3, clip=theta, scale=2.0)
    assert run.diverged_at == -1 and run.wh_norm.shape == (31,)
    assert np.array_equal(run.clipped, run.grad_norm > theta)
    # one clipped step moves W_h by at most lr * theta in Frobenius (so in spectral) norm
    assert np.all(np.abs(np.diff(run.wh_norm)) <= lr * theta + 1e-12)
    assert 0 <= run.recurrent_share.min() and run.recurrent_share.max() <= 1
    assert run.largest_jump >= 1.0


def test_train_rnn_is_reproducible_and_reports_divergence_without_warnings():
    X, y = adding_problem(128, 20, np.random.default_rng(0))
    a = clipping.train_rnn(X, y, H=8, steps=10, lr=0.05, seed=1)
    b = clipping.train_rnn(X, y, H=8, steps=10, lr=0.05, seed=1)
    assert np.array_equal(a.loss, b.loss)
    blown = clipping.train_rnn(X, y, H=8, steps=50, lr=100.0, seed=1, scale=2.0)
    assert blown.diverged_at >= 0 and np.isnan(blown.loss[blown.diverged_at:]).all()
