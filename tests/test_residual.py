import numpy as np
import pytest

from vgteach import activations, data, residual
from vgteach.gradcheck import check_layer, relative_error


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


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu", "leaky_relu"])
def test_residual_block_backward_gradcheck(activation):
    """The backward uses the activation its forward used (it travels in the cache). Before, a
    ReLU block checked with the default tanh backward was off by a relative error of ~2."""
    rng = np.random.default_rng(1)
    x, W, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 3)), rng.normal(size=3)
    dout = rng.normal(size=(4, 3))
    errors = check_layer(lambda *a: residual.residual_block_forward(*a, activation=activation),
                         residual.residual_block_backward, [x, W, b], dout=dout)
    assert max(errors) < 1e-7, dict(zip(["dx", "dW", "db"], errors))


def test_residual_block_backward_takes_no_activation_option():
    rng = np.random.default_rng(2)
    x, W, b = rng.normal(size=(2, 3)), rng.normal(size=(3, 3)), rng.normal(size=3)
    out, cache = residual.residual_block_forward(x, W, b, activation="relu")
    assert cache[-1] == "relu"
    with pytest.raises(TypeError):
        residual.residual_block_backward(np.ones_like(out), cache, activation="tanh")


@pytest.mark.parametrize("activation", ["tanh", "relu"])
def test_backward_multiplies_by_the_jacobian(activation):
    """One Jacobian convention, J[j, i] = d out_j / d x_i: backprop is ``dx = dout @ J``."""
    rng = np.random.default_rng(3)
    x, W, b = rng.normal(size=(1, 4)), rng.normal(size=(4, 4)), rng.normal(size=4)
    dout = rng.normal(size=(1, 4))
    out, cache = residual.residual_block_forward(x, W, b, activation)
    dx, _, _ = residual.residual_block_backward(dout, cache)
    J = residual.block_jacobian(W, (x @ W + b)[0], activation, residual=True)
    np.testing.assert_allclose(dx[0], dout[0] @ J, rtol=1e-13, atol=1e-15)


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
