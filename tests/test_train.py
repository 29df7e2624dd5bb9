import numpy as np
import pytest

from vgteach.mlp import MLP
from vgteach.train import train


def _data(n=128, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    return X, (X[:, 0] * X[:, 1] > 0).astype(int)


@pytest.mark.parametrize("optimizer", [None, "momentum", "adam"])
def test_training_reduces_loss_and_records_every_step(optimizer):
    X, y = _data()
    net = MLP([2, 16, 16, 2], activation="tanh", seed=0)
    hist = train(net, X, y, steps=150, lr=0.05 if optimizer == "adam" else 0.5,
                 loss="cross_entropy", optimizer=optimizer)
    assert hist.loss.shape == (150,) and hist.delta_norms.shape == (150, 3)
    assert hist.loss[-10:].mean() < 0.7 * hist.loss[:10].mean()
    assert np.all(hist.update_ratio > 0)


def test_minibatches_need_explicit_rng_and_are_reproducible():
    X, y = _data()
    with pytest.raises(ValueError, match="explicit rng"):
        train(MLP([2, 4, 2]), X, y, steps=2, batch_size=16, loss="cross_entropy")
    runs = [train(MLP([2, 4, 2], seed=0), X, y, steps=5, batch_size=16, loss="cross_entropy",
                  rng=np.random.default_rng(3)).loss for _ in range(2)]
    np.testing.assert_array_equal(*runs)


def test_clipping_limits_the_step():
    X, y = _data()
    net = MLP([2, 8, 2], seed=0)
    before = [W.copy() for W in net.weights]
    hist = train(net, X, y, steps=1, lr=1.0, loss="cross_entropy", clip=1e-3)
    moved = np.sqrt(sum(np.sum((W - W0) ** 2) for W, W0 in zip(net.weights, before)))
    assert moved <= 1e-3 + 1e-12 and hist.grad_norm[0] > 1e-3


def test_bad_steps():
    X, y = _data()
    with pytest.raises(ValueError, match="'steps' parameter of train"):
        train(MLP([2, 2]), X, y, steps=0)
