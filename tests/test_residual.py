import numpy as np
import pytest

from vgteach import activations, data, residual
from vgteach.gradcheck import numerical_gradient, relative_error


def _num_jacobian(block, x, h=1e-6):
    cols = []
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        cols.append((block(x + e) - block(x - e)) / (2 * h))
    return np.column_stack(cols)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
@pytest.mark.parametrize("skip", [False, True])
def test_block_jacobian_matches_finite_differences(activation, skip):
    rng = np.random.default_rng(0)
    W, b, x = rng.normal(size=(5, 5)), rng.normal(size=5), rng.normal(size=5)
    f, _ = activations.get(activation)
    num = _num_jacobian(lambda v: (v if skip else 0) + f(v @ W + b), x)
    got = residual.block_jacobian(W, x @ W + b, activation, residual=skip)
    assert relative_error(got, num) < 1e-7


def test_residual_block_backward_gradcheck():
    rng = np.random.default_rng(1)
    x, W, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 3)), rng.normal(size=3)
    dout = rng.normal(size=(4, 3))
    out, cache = residual.residual_block_forward(x, W, b)
    dx, dW, db = residual.residual_block_backward(dout, cache)
    for name, analytic, idx in [("x", dx, 0), ("W", dW, 1), ("b", db, 2)]:
        args = [x.copy(), W.copy(), b.copy()]

        def loss(p, args=args, idx=idx):
            args = list(args)
            args[idx] = p
            return float(np.sum(residual.residual_block_forward(*args)[0] * dout))
        num = numerical_gradient(loss, args[idx].copy())
        assert relative_error(analytic, num) < 1e-7, name








def test_deep_mlp_scales_only_hidden_branches():
    plain = residual.deep_mlp(9, seed=4)
    res = residual.deep_mlp(9, residual=True, seed=4)
    assert np.allclose(res.weights[0], plain.weights[0])
    assert np.allclose(res.weights[-1], plain.weights[-1])
    assert np.allclose(res.weights[3], plain.weights[3] / 3)
    assert res.residual and not plain.residual




@pytest.mark.parametrize("seed", [1, 2, 3])
def test_degradation_ranking_holds_for_other_seeds(seed):
    """Lesson 9's miniature degradation (seed 0 there): 3-layer plain < 30-layer plain, and the
    30-layer residual net below the 3-layer one, for other initializations too."""
    from vgteach.train import train
    X, y = data.spirals(120, rng=0)

    def final(depth, skip=False):
        net = residual.deep_mlp(depth, residual=skip, seed=seed)
        h = train(net, X, y, steps=100, lr=0.01, loss="cross_entropy", optimizer="adam")
        return h.loss[-10:].mean()

    shallow, deep, res = final(3), final(30), final(30, skip=True)
    assert deep > 3 * shallow and deep > 0.3
    assert res < shallow
