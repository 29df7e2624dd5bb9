"""vgteach.measure.plateau: the chance level, the end of a plateau, speeds during training."""
import numpy as np
import pytest

from vgteach import data
from vgteach.measure.lockstep import train_lockstep
from vgteach.measure.plateau import (balancing_rates, chance_loss, plateau_end, sweep_plateaus,
                                     train_with_speeds)
from vgteach.mlp import MLP
from vgteach.train import train

X, Y = data.load_digits()
X, Y = X[:500], Y[:500]


def test_chance_loss_is_the_loss_of_predicting_the_class_frequencies():
    y = np.array([0, 0, 0, 1, 2, 2])
    p = np.bincount(y) / y.size
    net = MLP([1, 3], seed=0)  # a net that ignores its input: zero weights, biases = logits
    net.weights[0][:] = 0.0
    net.biases[0] = np.log(p)
    x = np.zeros((6, 1))
    assert chance_loss(y, "cross_entropy") == pytest.approx(net.loss(x, y, "cross_entropy"))
    net.biases[0] = np.log(p / (1 - p))
    assert chance_loss(y) == pytest.approx(net.loss(x, y, "sigmoid_cross_entropy"))
    # no constant guess does better: nudging the biases raises the loss
    for shift in ([0.1, 0, 0], [0, -0.1, 0.1]):
        net.biases[0] = np.log(p / (1 - p)) + shift
        assert net.loss(x, y, "sigmoid_cross_entropy") > chance_loss(y)
    assert chance_loss(np.arange(10), "cross_entropy") == pytest.approx(np.log(10))


def test_plateau_end_finds_the_first_window_below_the_level():
    curve = np.r_[np.full(100, 3.2), np.linspace(3.2, 1.0, 50), np.full(50, 1.0)]
    end = plateau_end(curve, level=2.9, window=10)
    assert 100 < end < 150
    assert np.mean(curve[end - 10:end]) < 2.9 <= np.mean(curve[end - 11:end - 1])
    assert plateau_end(np.full(30, 3.2), level=2.9) == -1
    assert plateau_end(np.ones(5), level=2.0, window=10) == -1


def test_train_with_speeds_is_an_ordinary_train_run_with_checkpoints():
    net = MLP([64, 10, 10, 10], activation="sigmoid", init="lecun", seed=1)
    start, alone = net.copy(), net.copy()
    rng = np.random.default_rng(1)
    rec = train_with_speeds(net, X, Y, steps=40, every=10, lr=0.5, batch_size=25,
                            rng=rng, snapshot_at=(20, 40))
    hist = train(alone, X, Y, steps=40, lr=0.5, batch_size=25, loss="sigmoid_cross_entropy",
                 rng=np.random.default_rng(1))
    np.testing.assert_array_equal(rec.history.loss, hist.loss)
    np.testing.assert_array_equal(rec.history.update_ratio, hist.update_ratio)
    np.testing.assert_array_equal(rec.net.weights[0], alone.weights[0])
    # the arguments are left as they were: a copy of the net trained, from a copy of rng
    for W, W0 in zip(net.weights + net.biases, start.weights + start.biases):
        np.testing.assert_array_equal(W, W0)
    assert rng.bit_generator.state == np.random.default_rng(1).bit_generator.state
    assert rec.steps.tolist() == [0, 10, 20, 30, 40] and rec.speeds.shape == (5, 2)
    _, grads = rec.net.loss_and_grads(X, Y, loss="sigmoid_cross_entropy")
    np.testing.assert_allclose(rec.speeds[-1], grads.db_norms[:-1])
    np.testing.assert_array_equal(rec.snapshots[40].weights[1], rec.net.weights[1])
    assert not np.array_equal(rec.snapshots[20].weights[1], rec.net.weights[1])
    with pytest.raises(ValueError, match="multiple"):
        train_with_speeds(net, X, Y, steps=25, every=10, lr=0.5, batch_size=25,
                          rng=np.random.default_rng(0))


def test_sweep_plateaus_matches_separate_runs_and_deeper_nets_wait_longer():
    sweep = sweep_plateaus(X, Y, depths=(1, 3), lrs=(1.0,), seeds=(0, 1), steps=1500)
    assert sweep.end.shape == (2, 1, 2) and np.all(sweep.ended)
    assert np.all(sweep.end[1] > 2 * sweep.end[0])  # the plateau grows with depth
    net = MLP([64, 30, 30, 30, 10], activation="sigmoid", init="lecun", seed=1)
    hist = train(net, X, Y, steps=int(sweep.end[1, 0, 1]), lr=1.0, batch_size=50,
                 loss="sigmoid_cross_entropy", rng=np.random.default_rng(1))
    np.testing.assert_allclose(sweep.loss[1, 0, 1, :hist.loss.size], hist.loss, rtol=1e-12)
    assert plateau_end(hist.loss, sweep.level) == sweep.end[1, 0, 1]
    assert sweep.level == pytest.approx(0.9 * chance_loss(Y))


def test_balancing_rates_undo_the_speed_ratio_at_initialization():
    net = MLP([64, 30, 30, 30, 10], activation="sigmoid", init="lecun", seed=2)
    rates = balancing_rates(net, X, Y, lr=0.5)
    _, grads = net.loss_and_grads(X, Y, loss="sigmoid_cross_entropy")
    speeds = grads.db_norms[:-1]
    np.testing.assert_allclose(rates[:-1] * speeds, 0.5 * speeds[-1])  # same pace in each
    assert rates[-2] == rates[-1] == 0.5 and rates[0] > 10 * rates[-1]
    np.testing.assert_array_equal(balancing_rates(MLP([64, 30, 10], seed=0), X, Y, 0.2),
                                  [0.2, 0.2])  # one hidden layer: nothing to balance


def test_a_balanced_sweep_trains_each_layer_at_its_own_rate_and_ends_sooner():
    plain = sweep_plateaus(X, Y, depths=(3,), lrs=(1.0,), seeds=(0, 1), steps=1500)
    balanced = sweep_plateaus(X, Y, depths=(3,), lrs=(1.0,), seeds=(0, 1), steps=1500,
                              balance=True)
    assert balanced.balanced and not plain.balanced and np.all(balanced.ended)
    assert np.all(balanced.end < plain.end / 2)  # the control: the wait was the small steps
    net = MLP([64, 30, 30, 30, 10], activation="sigmoid", init="lecun", seed=1)
    rates = balancing_rates(net, X, Y, 1.0)
    run = train_lockstep([net], [rates], [np.random.default_rng(1)], X, Y,
                         steps=int(balanced.end[0, 0, 1]), batch_size=50,
                         loss="sigmoid_cross_entropy")
    np.testing.assert_allclose(balanced.loss[0, 0, 1, :run.loss.shape[0]], run.loss[:, 0],
                               rtol=1e-12)
