"""Greedy layer-wise pretraining: gradients against finite differences, training, stacking."""
import numpy as np
import pytest

from vgteach import gradcheck, pretrain
from vgteach.mlp import MLP


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_autoencoder_gradients_match_finite_differences(activation):
    rng = np.random.default_rng(0)
    X = rng.uniform(size=(6, 5))
    params = [rng.normal(size=(5, 3)), rng.normal(size=3), rng.normal(size=(3, 5)),
              rng.normal(size=5)]
    _, grads = pretrain.autoencoder_loss_and_grads(*params, X, activation=activation)
    for k, g in enumerate(grads):
        def f(p, k=k):
            args = list(params)
            args[k] = p
            return pretrain.autoencoder_loss_and_grads(*args, X, activation=activation)[0]
        num = gradcheck.numerical_gradient(f, params[k])
        assert gradcheck.relative_error(g, num) < 1e-7


def test_loss_formula():
    rng = np.random.default_rng(1)
    X = rng.uniform(size=(4, 3))
    W, b, V, c = rng.normal(size=(3, 2)), rng.normal(size=2), rng.normal(size=(2, 3)), np.zeros(3)
    loss, _ = pretrain.autoencoder_loss_and_grads(W, b, V, c, X)
    R = 1 / (1 + np.exp(-(X @ W + b))) @ V + c
    assert np.isclose(loss, np.sum((R - X) ** 2) / 8)


def test_train_autoencoder_reduces_loss_and_is_reproducible():
    X = np.random.default_rng(2).uniform(size=(64, 8))
    a = pretrain.train_autoencoder(X, 4, steps=100, lr=0.5, rng=np.random.default_rng(3))
    b = pretrain.train_autoencoder(X, 4, steps=100, lr=0.5, rng=np.random.default_rng(3))
    assert a.losses[-1] < 0.7 * a.losses[0]
    assert np.array_equal(a.W, b.W)
    with pytest.raises(ValueError, match="rng"):
        pretrain.train_autoencoder(X, 4, steps=2)


def test_pretrain_stack_and_load():
    rng = np.random.default_rng(4)
    X = rng.uniform(size=(40, 6))
    pairs, levels = pretrain.pretrain_autoencoders([6, 5, 4], X, steps=30, lr=0.1, rng=rng,
                                                   batch_size=16, return_levels=True)
    assert [W.shape for W, _ in pairs] == [(6, 5), (5, 4)]
    assert len(levels) == 2 and levels[1].losses.shape == (30,)
    # level 2 was trained on level 1's code
    h1 = pretrain.encode(pairs[:1], X)
    assert h1.shape == (40, 5) and np.all((h1 > 0) & (h1 < 1))
    net = MLP([6, 5, 4, 3], activation="sigmoid", seed=0)
    stacked = pretrain.load_pretrained(net, pairs)
    assert np.array_equal(stacked.weights[1], pairs[1][0])
    assert np.array_equal(stacked.weights[2], net.weights[2])
    assert not np.array_equal(net.weights[0], pairs[0][0])  # the original net is untouched
    np.testing.assert_allclose(stacked.trace(X).a[2], pretrain.encode(pairs, X))
    with pytest.raises(ValueError):
        pretrain.load_pretrained(MLP([6, 5, 4], seed=0), pairs)
    with pytest.raises(ValueError):
        pretrain.load_pretrained(MLP([6, 3, 4, 3], seed=0), pairs)
    with pytest.raises(ValueError, match="sizes"):
        pretrain.pretrain_autoencoders([5, 4], X, steps=2, rng=rng)


def test_standardization_is_folded_into_the_encoder():
    rng = np.random.default_rng(5)
    X = rng.uniform(size=(30, 4)) * [1, 10, 0.1, 1] + [0, 5, 0, 2]
    pairs, levels = pretrain.pretrain_autoencoders([4, 3], X, steps=5, lr=0.1, rng=rng,
                                                   return_levels=True)
    Xs = (X - X.mean(0)) / X.std(0)
    np.testing.assert_allclose(pretrain.encode(pairs, X),
                               pretrain.encode([(levels[0].W, levels[0].b)], Xs))
