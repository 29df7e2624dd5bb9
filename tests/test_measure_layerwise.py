"""vgteach.measure.layerwise: untrained encoders with pretraining's rescaling, and fine-tuning."""
import numpy as np
import pytest

from vgteach import activations, pretrain
from vgteach.measure import layerwise


def _data(n=120, d=6, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(size=(n, d))
    return X, (X[:, 0] > X[:, 1]).astype(int)


def test_standardize_matches_pretrain_and_keeps_constant_features():
    X, _ = _data()
    X[:, 2] = 0.7
    mean, std = layerwise.standardize(X)
    assert np.allclose(mean, X.mean(axis=0)) and std[2] == 1.0
    Z = (X - mean) / std
    assert np.allclose(Z[:, [0, 1, 3]].std(axis=0), 1.0) and np.allclose(Z[:, 2], 0.0, atol=1e-12)


def test_random_encoders_standardize_every_level_like_pretraining():
    # Each level, fed the raw code below it, must compute Xavier weights applied to the
    # standardized code: its pre-activation has mean 0 per unit (zero bias after centring).
    X, _ = _data()
    pairs = layerwise.random_encoders([6, 5, 4, 3], X, np.random.default_rng(1))
    h = X
    for W, b in pairs:
        z = h @ W + b
        assert np.allclose(z.mean(axis=0), 0.0, atol=1e-12)
        mean, std = layerwise.standardize(h)
        W0 = W * std[:, None]                         # undo the fold: the raw Xavier draw
        assert np.allclose(((h - mean) / std) @ W0, z)
        limit = np.sqrt(6 / sum(W.shape))
        assert np.all(np.abs(W0) <= limit)            # Xavier uniform's range
        h = activations.sigmoid(z)


def test_random_encoders_are_untrained_pretraining_with_the_same_start():
    # With the same rng, pretraining's first level starts from the same Xavier draw, so zero
    # training steps would give back the random encoder: check the first level's weights.
    X, _ = _data()
    pairs = layerwise.random_encoders([6, 4], X, np.random.default_rng(3))
    level = pretrain.train_autoencoder(np.zeros((4, 6)), 4, steps=1, lr=0.0,
                                       rng=np.random.default_rng(3))
    mean, std = layerwise.standardize(X)
    assert np.allclose(pairs[0][0] * std[:, None], level.W)


def test_random_encoders_reject_a_wrong_input_width():
    X, _ = _data()
    with pytest.raises(ValueError, match="input width 6"):
        layerwise.random_encoders([5, 4], X, np.random.default_rng(0))


def test_start_net_differs_from_scratch_only_in_the_filled_layers():
    X, _ = _data()
    pairs = layerwise.random_encoders([6, 5], X, np.random.default_rng(0))
    scratch = layerwise.start_net([6, 5, 5, 2], seed=4)
    started = layerwise.start_net([6, 5, 5, 2], pairs, seed=4)
    assert np.array_equal(started.weights[0], pairs[0][0])
    for l in (1, 2):
        assert np.array_equal(started.weights[l], scratch.weights[l])


def test_level_spread_collapses_in_a_deep_sigmoid_net_and_not_after_rescaling():
    X, _ = _data(n=200, d=8)
    sizes = [8] + [8] * 6 + [2]
    scratch = layerwise.level_spread(layerwise.start_net(sizes, seed=0), X)
    pairs = layerwise.random_encoders(sizes[:-1], X, np.random.default_rng(0))
    rescaled = layerwise.level_spread(layerwise.start_net(sizes, pairs, seed=0), X)
    assert scratch.shape == (6,) and scratch[-1] < 0.01 * scratch[0]
    assert rescaled.min() > 0.1


def test_fine_tune_records_and_is_reproducible():
    X, y = _data()
    runs = [layerwise.fine_tune(layerwise.start_net([6, 8, 2], seed=0), X[:80], y[:80],
                                X[80:], y[80:], lr=0.5, steps=30, seed=5, batch_size=20)
            for _ in range(2)]
    assert runs[0].loss.shape == (30,) and runs[0].dW1_norm.shape == (30,)
    assert np.array_equal(runs[0].loss, runs[1].loss)
    assert 0.0 <= runs[0].test_accuracy <= 1.0
    assert runs[0].final_loss == pytest.approx(runs[0].loss[-20:].mean())
    assert runs[0].loss[-10:].mean() < runs[0].loss[:10].mean()   # it learns this easy task


def test_weight_scale_and_backward_gains():
    from vgteach.mlp import MLP
    net = MLP([8, 8, 8, 3], activation="sigmoid", init="xavier", seed=0)
    W = net.weights
    assert np.allclose(layerwise.weight_scale(net), [np.sqrt(w.shape[0] * w.var()) for w in W])
    X = np.random.default_rng(0).normal(size=(30, 8))
    y = np.arange(30) % 3
    d = net.loss_and_grads(X, y, loss="cross_entropy")[1].delta_norms
    gains = layerwise.backward_gains(net, X, y)
    assert gains.shape == (2,) and np.allclose(gains, np.array(d[:-1]) / np.array(d[1:]))
    assert np.all(gains < 0.5)   # sigmoid' <= 1/4 and Xavier: the signal shrinks layer by layer


def test_fine_tune_loss_at_is_a_shorter_runs_final_loss():
    X, y = _data()
    labels = (X[:, 0] > 0.5).astype(int)
    net = lambda: layerwise.start_net([6, 5, 2], seed=0)  # noqa: E731
    long = layerwise.fine_tune(net(), X, labels, X, labels, lr=0.3, steps=40, seed=1, batch_size=32)
    short = layerwise.fine_tune(net(), X, labels, X, labels, lr=0.3, steps=25, seed=1, batch_size=32)
    assert long.loss_at(25) == pytest.approx(short.final_loss)
    with pytest.raises(ValueError, match="step"):
        long.loss_at(41)


def test_fine_tune_start_is_fine_tune_of_a_fresh_start_net_and_changes_nothing():
    X, y = _data()
    pairs = layerwise.random_encoders([6, 8], X[:80], np.random.default_rng(1))
    kept = [(W.copy(), b.copy()) for W, b in pairs]
    by_hand = layerwise.fine_tune(layerwise.start_net([6, 8, 2], pairs, seed=3), X[:80], y[:80],
                                  X[80:], y[80:], lr=0.5, steps=30, seed=5, batch_size=20)
    run = layerwise.fine_tune_start([6, 8, 2], X[:80], y[:80], X[80:], y[80:], lr=0.5,
                                    pairs=pairs, steps=30, net_seed=3, seed=5, batch_size=20)
    np.testing.assert_array_equal(run.loss, by_hand.loss)
    assert run.test_accuracy == by_hand.test_accuracy
    assert all(np.array_equal(W, W0) and np.array_equal(b, b0)
               for (W, b), (W0, b0) in zip(pairs, kept))
