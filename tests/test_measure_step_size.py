"""vgteach.measure.step_size: the curvature limit 2 / lambda_max, whole-net sweeps, dying ReLUs."""
import numpy as np
import pytest

from vgteach.mlp import MLP
from vgteach.measure import step_size


def _features(n=80, h=4, seed=0):
    rng = np.random.default_rng(seed)
    A = rng.normal(0.3, 1.0, size=(n, h))
    return A, A @ rng.normal(size=(h, 2)) + 0.5


def test_output_curvature_is_the_top_eigenvalue_of_the_output_layer_hessian():
    # The half-MSE loss of one output unit, as a function of (w, b), has Hessian A1^T A1 / N:
    # check by finite differences of the gradient.
    A, y = _features()
    A1 = np.hstack([A, np.ones((len(A), 1))])

    def grad(wb):
        return A1.T @ (A1 @ wb - y[:, :1]) / len(A)

    wb, h = np.zeros((5, 1)), 1e-5
    H = np.hstack([(grad(wb + h * e[:, None]) - grad(wb - h * e[:, None])) / (2 * h)
                   for e in np.eye(5)])
    assert step_size.output_curvature(A) == pytest.approx(np.linalg.eigvalsh(H)[-1], rel=1e-8)


def test_output_layer_descent_obeys_the_two_over_lambda_rule():
    A, y = _features()
    lam = step_size.output_curvature(A)
    below = step_size.output_layer_descent(A, y, 0.98 * 2 / lam, steps=400)
    above = step_size.output_layer_descent(A, y, 1.02 * 2 / lam, steps=2000)
    assert below.shape == (401,) and below[-1] < 0.1 * below[0]
    assert np.isinf(above[-1]) and np.isfinite(above[0])
    # the loss grows by (1 - lr lambda)^2 per step once the top direction dominates
    finite = above[np.isfinite(above)]
    assert finite[-1] / finite[-2] == pytest.approx((1.02 * 2 - 1) ** 2, rel=0.02)


def test_output_layer_descent_starts_from_given_weights_and_leaves_them_alone():
    A, y = _features()
    W, b = np.ones((4, 2)), np.zeros(2)
    losses = step_size.output_layer_descent(A, y, 0.01, steps=3, W=W, b=b)
    assert losses[0] == pytest.approx(np.sum((A @ W - y) ** 2) / (2 * len(A)))
    assert np.all(W == 1.0)


def _tiny_net(seed=0, std=0.5):
    return MLP([3, 6, 6, 1], activation="tanh", init="normal", std=std, seed=seed)


def test_hessian_top_eigenvalue_matches_the_dense_hessian():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(20, 3)), rng.normal(size=(20, 1))
    net = _tiny_net()
    before = [p.copy() for p in net.parameters()]
    params = net.parameters()
    theta = np.concatenate([p.ravel() for p in params])

    def grad(vec):
        i = 0
        for p in params:
            p[...] = vec[i:i + p.size].reshape(p.shape)
            i += p.size
        g = net.gradient_list(net.loss_and_grads(X, y)[1])
        return np.concatenate([q.ravel() for q in g])

    h = 1e-5
    H = np.array([(grad(theta + h * e) - grad(theta - h * e)) / (2 * h) for e in np.eye(theta.size)])
    grad(theta)
    top = np.linalg.eigvalsh((H + H.T) / 2)[-1]
    got = step_size.hessian_top_eigenvalue(net, X, y, np.random.default_rng(1), iters=300)
    assert got == pytest.approx(top, rel=1e-3)
    assert all(np.array_equal(a, b) for a, b in zip(before, net.parameters()))


def test_divergence_sweep_finds_the_blow_up_and_stops_it():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 3)), rng.normal(size=(40, 1))
    sweep = step_size.divergence_sweep(lambda: _tiny_net(std=1.0), X, y, [0.01, 50.0], steps=100)
    assert list(sweep.diverged) == [False, True]
    assert np.isfinite(sweep.final_loss[0]) and np.isinf(sweep.final_loss[1])
    assert 0 < sweep.diverged_at[1] <= 100


def test_dying_sweep_shapes_and_lr_induced_dying():
    sw = step_size.dying_sweep([0.05, 2.0], seeds=[0], steps=40, depth=4, width=16, n=128,
                               batch_size=64)
    assert sw.dead.shape == (1, 2) and sw.loss.shape == (1, 2) and sw.dead_at_init.shape == (1,)
    assert 0 <= sw.dead_at_init[0] < 0.5
    # a huge step kills (or blows up) the net; a small one keeps its units
    assert np.isnan(sw.dead[0, 1]) or sw.dead[0, 1] > sw.dead[0, 0] + 0.1


def test_curvature_after_training_falls_below_two_over_lr():
    """A net trained at a rate above 2 / lambda_max of its initialization ends where
    lr * lambda_max is about 2 or less (it moved to flatter weights)."""
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(64, 2))
    y = np.sin(2 * X[:, :1]) * X[:, 1:]
    make = lambda: MLP([2, 16, 16, 1], activation="tanh", init="normal", std=2 / 4, seed=1)  # noqa: E731
    lam0 = step_size.hessian_top_eigenvalue(make(), X, y, np.random.default_rng(2))
    lr = 1.5 * 2 / lam0
    assert not step_size.divergence_sweep(make, X, y, [lr]).diverged[0]
    after = step_size.curvature_after_training(make, X, y, [lr, 1e3], np.random.default_rng(2))
    assert after[0] * lr < 2.2 and np.isnan(after[1])


def test_dead_unit_runs_count_revived_units_and_agree_with_the_sweep():
    runs = step_size.dead_unit_runs([0.05, 0.8], [0], checkpoints=(20, 40), depth=4, width=8,
                                    n=128, batch_size=64)
    sweep = step_size.dying_sweep([0.05, 0.8], [0], steps=20, depth=4, width=8, n=128,
                                  batch_size=64)
    assert np.array_equal(runs.dead[:, :, 0], sweep.dead, equal_nan=True)
    assert np.array_equal(runs.loss[:, :, 0], sweep.loss)
    for k in range(2):
        if runs.diverged[0, k]:
            assert runs.revived[0, k] == -1
            continue
        assert 0 <= runs.revived[0, k] <= runs.dead_first[0, k]
        assert runs.dead_first[0, k] == round(runs.dead[0, k, 0] * 32)
        # dead at the end = dead at first - revived + newly dead
        assert round(runs.dead[0, k, 1] * 32) >= runs.dead_first[0, k] - runs.revived[0, k]
        assert np.all((0 <= runs.fewest_alive[0, k]) & (runs.fewest_alive[0, k] <= 8))
