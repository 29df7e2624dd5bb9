"""vgteach.measure.adaptive: optimizers compared on the same batches, Adam's eps share."""
import numpy as np
import pytest

from vgteach import optim
from vgteach.mlp import MLP
from vgteach.measure import adaptive


def _data(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(64, 2))
    return X, (X[:, 0] * X[:, 1] > 0).astype(int)


def test_eps_share():
    assert float(adaptive.eps_share(1e-8)) == 0.5
    assert adaptive.eps_share([0.0, 1.0], eps=1.0).tolist() == [1.0, 0.5]


def test_records_match_a_hand_run_of_the_same_optimizer():
    X, y = _data()
    make = lambda: MLP([2, 5, 5, 2], activation="sigmoid", seed=1)
    run = adaptive.compare_optimizers(make, X, y, {"sgd": optim.SGD(0.3)}, steps=4,
                                      batch_size=16, seed=2)["sgd"]
    net, opt, rng = make(), optim.SGD(0.3), np.random.default_rng(2)
    for t in range(4):
        idx = rng.choice(64, 16, replace=False)
        loss, g = net.loss_and_grads(X[idx], y[idx], loss="cross_entropy")
        assert run.loss[t] == pytest.approx(loss)
        assert run.delta_ratio[t] == pytest.approx(g.delta_norms[0] / g.delta_norms[-1])
        assert run.grad_rms[t] == pytest.approx(np.sqrt(np.mean(g.dW[0] ** 2)))
        before = [W.copy() for W in net.weights]
        opt.step(net.parameters(), net.gradient_list(g))
        ratio = [np.linalg.norm(W - W0) / np.linalg.norm(W0) for W, W0 in zip(net.weights, before)]
        assert np.allclose(run.update_ratio[t], ratio)
    assert np.isnan(run.eps_share).all()          # SGD has no eps


def test_eps_share_follows_adams_own_second_moment():
    X, y = _data()
    opt = optim.Adam(0.01, eps=1e-3)    # _run steps the optimizer it is given
    run = adaptive._run(MLP([2, 4, 2], activation="tanh", seed=0), X, y, opt, steps=5,
                        batch_size=32, seed=0, loss="cross_entropy")
    v_hat = opt.v[0] / (1 - opt.beta2 ** opt.t)     # Adam's state for W_1 after the 5 steps
    assert run.eps_share[-1] == pytest.approx(np.median(1e-3 / (np.sqrt(v_hat) + 1e-3)))


def test_compare_optimizers_trains_copies_and_leaves_its_arguments_unchanged():
    """Each run starts from a copy of its optimizer (and of the net, when given a net), so the
    objects given can be used again and the call can be stored (vgteach.stored)."""
    X, y = _data()
    net, opt = MLP([2, 4, 2], activation="tanh", seed=0), optim.Adam(0.01, eps=1e-3)
    W0 = [W.copy() for W in net.weights]
    shared = optim.Adam(0.01)
    runs = adaptive.compare_optimizers(net, X, y, {"adam": opt, "again": opt,
                                                   "per layer": adaptive.PerLayer([shared] * 2)},
                                       steps=5, batch_size=32, seed=0)
    assert opt.t == 0 and shared.t == 0
    assert all(np.array_equal(W, W_old) for W, W_old in zip(net.weights, W0))
    np.testing.assert_array_equal(runs["adam"].loss, runs["again"].loss)
    by_hand = adaptive._run(net.copy(), X, y, optim.Adam(0.01, eps=1e-3), 5, 32, 0,
                            "cross_entropy")
    np.testing.assert_array_equal(runs["adam"].eps_share, by_hand.eps_share)
    # one Adam shared by both layers inside PerLayer stays one object in the copy: like Adam
    np.testing.assert_allclose(runs["per layer"].loss[1:], adaptive._run(
        net.copy(), X, y, optim.Adam(0.01), 5, 32, 0, "cross_entropy").loss[1:], rtol=1e-12)


def test_adam_equalises_update_sizes_where_sgd_does_not():
    X, y = _data()
    make = lambda: MLP([2] + [16] * 6 + [2], activation="sigmoid", seed=0)
    runs = adaptive.compare_optimizers(make, X, y, {"sgd": optim.SGD(0.5), "adam": optim.Adam(0.003)},
                                       steps=20, batch_size=32, seed=0)
    spread = {k: r.update_ratio.mean(0)[0] / r.update_ratio.mean(0)[-1] for k, r in runs.items()}
    assert spread["sgd"] < 1e-2 and 0.1 < spread["adam"] < 10
    assert np.median(runs["adam"].delta_ratio) < 1e-2   # the backward signal still vanishes


def test_per_layer_freezes_and_routes_each_layer():
    X, y = _data()
    net = MLP([2, 5, 5, 2], activation="tanh", seed=3)
    ref = net.copy()
    adam, sgd = optim.Adam(0.01), optim.SGD(0.1)
    ref_adam, ref_sgd = optim.Adam(0.01), optim.SGD(0.1)
    for _ in range(3):
        g = net.gradient_list(net.loss_and_grads(X, y, loss="cross_entropy")[1])
        adaptive.PerLayer([None, adam, sgd]).step(net.parameters(), g)
        gr = ref.gradient_list(ref.loss_and_grads(X, y, loss="cross_entropy")[1])
        p = ref.parameters()          # by hand: layer 2 by Adam, layer 3 by SGD, layer 1 frozen
        ref_adam.step([p[1], p[4]], [gr[1], gr[4]])
        ref_sgd.step([p[2], p[5]], [gr[2], gr[5]])
    for a, b in zip(net.parameters(), ref.parameters()):
        assert np.array_equal(a, b)
    assert np.array_equal(net.weights[0], MLP([2, 5, 5, 2], activation="tanh", seed=3).weights[0])
    with pytest.raises(ValueError, match="2 optimizers"):
        adaptive.PerLayer([sgd, sgd]).step(net.parameters(), g)


def test_escape_step():
    assert adaptive.escape_step([0.7] * 50, level=0.6) == -1
    loss = np.r_[np.full(40, 0.69), np.full(40, 0.2)]
    k = adaptive.escape_step(loss, level=0.6, window=20)
    assert np.mean(loss[k - 19:k + 1]) < 0.6 <= np.mean(loss[k - 20:k])
