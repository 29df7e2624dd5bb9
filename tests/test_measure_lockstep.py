"""vgteach.measure.lockstep: several nets trained at once give the numbers of separate runs."""
import numpy as np
import pytest

from vgteach import data
from vgteach.measure.lockstep import sweep_learning_rates, train_lockstep, train_on
from vgteach.measure.plateau import plateau_end
from vgteach.mlp import MLP
from vgteach.train import train

X, Y = data.load_digits()
X, Y = X[:300], Y[:300]


@pytest.mark.parametrize("activation,loss", [("sigmoid", "sigmoid_cross_entropy"),
                                             ("relu", "cross_entropy"),
                                             ("tanh", "cross_entropy")])
def test_lockstep_runs_match_separate_train_calls(activation, loss):
    settings = [(0.5, 0), (0.1, 1), (0.05, 0)]
    nets = [MLP([64, 12, 12, 10], activation=activation, init="xavier", seed=s)
            for _, s in settings]
    run = train_lockstep(nets, [lr for lr, _ in settings],
                         [np.random.default_rng(s) for _, s in settings], X, Y, steps=30,
                         batch_size=20, loss=loss)
    for r, (lr, s) in enumerate(settings):
        net = MLP([64, 12, 12, 10], activation=activation, init="xavier", seed=s)
        hist = train(net, X, Y, steps=30, lr=lr, batch_size=20, loss=loss,
                     rng=np.random.default_rng(s))
        np.testing.assert_allclose(run.loss[:, r], hist.loss, rtol=1e-12)
        np.testing.assert_allclose(run.delta_norms[:, r], hist.delta_norms, rtol=1e-10)
        np.testing.assert_allclose(run.dW_norms[:, r], hist.dW_norms, rtol=1e-10)
        for W_lock, W_alone in zip(run.nets[r].weights + run.nets[r].biases,
                                   net.weights + net.biases):
            np.testing.assert_allclose(W_lock, W_alone, rtol=1e-10, atol=1e-14)
    assert np.all(run.stopped == -1)


def test_a_run_stops_where_plateau_end_says_and_keeps_its_weights():
    nets = [MLP([64, 16, 10], activation="sigmoid", init="lecun", seed=0) for _ in range(2)]
    run = train_lockstep(nets, [1.0, 0.01], [np.random.default_rng(0) for _ in nets], X, Y,
                         steps=200, batch_size=20, loss="cross_entropy", stop_level=1.5,
                         window=10)
    fast, slow = run.stopped
    assert 10 <= fast < 200 and slow == -1
    assert fast == plateau_end(run.loss[:, 0], 1.5, window=10)
    assert np.all(np.isnan(run.loss[fast:, 0])) and not np.any(np.isnan(run.loss[:, 1]))
    alone = MLP([64, 16, 10], activation="sigmoid", init="lecun", seed=0)
    train(alone, X, Y, steps=fast, lr=1.0, batch_size=20, loss="cross_entropy",
          rng=np.random.default_rng(0))
    np.testing.assert_allclose(run.nets[0].weights[0], alone.weights[0], rtol=1e-10)
    assert run.final_loss(last=5)[0] == pytest.approx(np.mean(run.loss[fast - 5:fast, 0]))


def test_sweep_learning_rates_shares_the_start_and_the_batches():
    run = sweep_learning_rates([64, 8, 10], "relu", "he", [0.0, 0.1], 3, X, Y, steps=4,
                               batch_size=10)
    assert run.loss[0, 0] == run.loss[0, 1]  # same init, same first batch
    np.testing.assert_array_equal(run.nets[0].weights[0],
                                  MLP([64, 8, 10], activation="relu", init="he",
                                      seed=3).weights[0])  # lr 0 never moves
    assert not np.array_equal(run.nets[1].weights[0], run.nets[0].weights[0])


def test_lockstep_refuses_mixed_nets():
    nets = [MLP([64, 8, 10], activation="relu"), MLP([64, 8, 10], activation="tanh")]
    with pytest.raises(ValueError, match="one shape and one activation"):
        train_lockstep(nets, [0.1, 0.1], [np.random.default_rng(0)] * 2, X, Y, 2, 10)


class _LayerSGD:
    """SGD with one rate per layer (a layer's weights and biases share it), for the test."""

    def __init__(self, rates):
        self.rates = list(rates)

    def step(self, params, grads):
        L = len(self.rates)
        for i, (p, g) in enumerate(zip(params, grads)):  # weights of layers 1..L, then biases
            p -= self.rates[i % L] * g


def test_a_rate_per_layer_is_sgd_with_that_rate_in_each_layer():
    rates = np.array([[2.0, 0.5, 0.1], [0.0, 0.3, 0.3]])
    nets = [MLP([64, 12, 12, 10], activation="sigmoid", init="lecun", seed=s) for s in (0, 1)]
    run = train_lockstep(nets, rates, [np.random.default_rng(s) for s in (0, 1)], X, Y,
                         steps=25, batch_size=20, loss="sigmoid_cross_entropy")
    for r, s in enumerate((0, 1)):
        net = MLP([64, 12, 12, 10], activation="sigmoid", init="lecun", seed=s)
        hist = train(net, X, Y, steps=25, batch_size=20, loss="sigmoid_cross_entropy",
                     optimizer=_LayerSGD(rates[r]), rng=np.random.default_rng(s))
        np.testing.assert_allclose(run.loss[:, r], hist.loss, rtol=1e-12)
        for W_lock, W_alone in zip(run.nets[r].weights + run.nets[r].biases,
                                   net.weights + net.biases):
            np.testing.assert_allclose(W_lock, W_alone, rtol=1e-10, atol=1e-14)
    start = MLP([64, 12, 12, 10], activation="sigmoid", init="lecun", seed=1)
    np.testing.assert_array_equal(run.nets[1].weights[0], start.weights[0])  # rate 0: frozen
    assert not np.array_equal(run.nets[1].weights[1], start.weights[1])
    with pytest.raises(ValueError, match="one learning rate per net"):
        train_lockstep(nets, np.ones((2, 2)), [np.random.default_rng(0)] * 2, X, Y, 2, 10)
    with pytest.raises(ValueError, match="none negative"):
        train_lockstep(nets, [0.1, -0.1], [np.random.default_rng(0)] * 2, X, Y, 2, 10)


def test_lockstep_training_runs_on_one_blas_thread():
    threadpoolctl = pytest.importorskip("threadpoolctl")

    def blas_threads():
        return [lib["num_threads"] for lib in threadpoolctl.threadpool_info()
                if lib["user_api"] == "blas"]

    class ProbeRng:
        """Draws mini-batches like a Generator and records the BLAS threads at each draw."""

        def __init__(self):
            self.rng, self.seen = np.random.default_rng(0), []

        def choice(self, *args, **kwargs):
            self.seen.append(blas_threads())
            return self.rng.choice(*args, **kwargs)

    if not blas_threads():
        pytest.skip("NumPy has no BLAS thread pool that threadpoolctl can see")
    with threadpoolctl.threadpool_limits(limits=2, user_api="blas"):
        if set(blas_threads()) != {2}:
            pytest.skip("this BLAS cannot run on two threads")
        probe = ProbeRng()
        train_lockstep([MLP([64, 8, 10], seed=0)], [0.1], [probe], X, Y, 3, 10)
        assert probe.seen == [[1] * len(probe.seen[0])] * 3
        assert set(blas_threads()) == {2}


def test_train_on_continues_copies_and_leaves_the_run_alone():
    run = sweep_learning_rates([64, 8, 10], "relu", "he", [0.1, 0.3], 3, X, Y, steps=6,
                               batch_size=10)
    before = [net.weights[0].copy() for net in run.nets]
    more = train_on(run, 0.05, X, Y, steps=4, seed=7, batch_size=10)
    for net, W in zip(run.nets, before):
        np.testing.assert_array_equal(net.weights[0], W)  # the run given is unchanged
    alone = run.nets[1].copy()
    hist = train(alone, X, Y, steps=4, lr=0.05, batch_size=10, loss="cross_entropy",
                 rng=np.random.default_rng([7, 1]))
    np.testing.assert_allclose(more.loss[:, 1], hist.loss, rtol=1e-12)
    np.testing.assert_allclose(more.nets[1].weights[0], alone.weights[0], rtol=1e-10)
    assert np.all(more.lrs == 0.05)
    last = train_on(run, 0.05, X, Y, steps=4, seed=7, which=[-1], batch_size=10)
    np.testing.assert_array_equal(last.loss[:, 0], more.loss[:, 1])  # run 1 = run -1


def test_recovery_after_a_too_large_step_depends_on_the_seed_for_relu_and_leaky_relu():
    """Lesson 4's claim, at the lesson's own settings (review L4-1 said ReLU stays dead while
    leaky ReLU revives: true at some seeds only). 200 steps at lr 0.5, then 1,200 at 0.05."""
    full_X, full_y = data.load_digits()
    sizes = [64] + [32] * 10 + [10]
    final = {}
    for seed, act in ((3, "relu"), (6, "leaky_relu")):
        X_train, _, y_train, _ = data.train_test_split(full_X, full_y, test_fraction=0.25,
                                                       rng=seed)
        X1k, y1k = X_train[:1000], y_train[:1000]
        big = sweep_learning_rates(sizes, act, "he", [0.5], seed, X1k, y1k, steps=200)
        low = train_on(big, 0.05, X1k, y1k, steps=1200, seed=seed)
        final[act] = (big.final_loss()[0], low.final_loss()[0])
    chance = np.log(10)
    assert all(before > 0.9 * chance for before, _ in final.values())  # both stalled
    assert final["relu"][1] < 0.5 * chance          # this ReLU net came back...
    assert final["leaky_relu"][1] > 0.9 * chance    # ...this leaky ReLU net did not
