import numpy as np
import pytest

from vgteach import layers
from vgteach import train as train_mod
from vgteach.data import adding_problem, mean_baseline_mse
from vgteach.gradcheck import numerical_gradient, relative_error
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


@pytest.mark.parametrize("kind", ["rnn", "lstm"])
def test_trainer_gradients_match_finite_differences(kind):
    # The trainer's loss on the last hidden state: check one step's gradients through a
    # plain SGD update, which moves every parameter by exactly -lr * grad.
    rng = np.random.default_rng(0)
    X, y = adding_problem(6, 5, rng)
    hist = train_mod.train_sequence_model(kind, X, y, H=3, steps=1, lr=1e-3,
                                          rng=np.random.default_rng(1), optimizer="sgd")
    start = train_mod.train_sequence_model(kind, X, y, H=3, steps=1, lr=0.0,
                                           rng=np.random.default_rng(1), optimizer="sgd").params
    for name in ["Wx", "Wh", "b", "W_out", "b_out"]:
        grad = (start[name] - hist.params[name]) / 1e-3

        def loss(value, name=name):
            params = dict(start, **{name: value})
            return layers.mse(train_mod.predict_sequence_model(kind, params, X), y)

        num = numerical_gradient(loss, start[name], 1e-5)
        assert relative_error(grad, num) < 1e-6, name


def test_trainer_history_and_inputs_untouched():
    rng = np.random.default_rng(0)
    X, y = adding_problem(40, 6, rng)
    X0, y0 = X.copy(), y.copy()
    hist = train_mod.train_sequence_model("lstm", X, y, H=4, steps=5, lr=0.01, rng=rng,
                                          batch_size=16, clip=1.0)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)
    assert hist.kind == "lstm"
    assert hist.loss.shape == hist.grad_norm.shape == hist.first_step_grad.shape == (5,)
    assert np.all(np.isfinite(hist.loss)) and np.all(hist.first_step_grad > 0)
    assert hist.params["Wh"].shape == (4, 16)
    assert train_mod.predict_sequence_model("lstm", hist.params, X).shape == (40, 1)


def test_trainer_rejects_unknown_kind():
    X, y = adding_problem(4, 4, np.random.default_rng(0))
    with pytest.raises(ValueError, match="The 'kind' parameter of train_sequence_model"):
        train_mod.train_sequence_model("gru", X, y, H=2, steps=1, lr=0.1,
                                       rng=np.random.default_rng(0))


def test_lstm_learns_a_short_adding_problem():
    # A small, fast version of the lesson's demonstration (T = 10, 200 steps). At this length
    # the RNN learns part of it too, so only the LSTM's success is asserted here.
    rng = np.random.default_rng(0)
    X, y = adding_problem(1000, 10, rng)
    X_test, y_test = adding_problem(500, 10, rng)
    hist = train_mod.train_sequence_model("lstm", X, y, H=8, steps=200, lr=0.02,
                                          rng=np.random.default_rng(1), batch_size=32)
    test_loss = layers.mse(train_mod.predict_sequence_model("lstm", hist.params, X_test),
                              y_test)
    assert test_loss < 0.2 * mean_baseline_mse(y_test)
