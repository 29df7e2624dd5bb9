import numpy as np
import pytest

from vgteach import activations
from vgteach import initializers as init_module
from vgteach.gradcheck import check_mlp
from vgteach.mlp import MLP

rng = np.random.default_rng(42)
X = rng.normal(size=(6, 3))
Y = rng.normal(size=(6, 2))
LABELS = rng.integers(0, 2, size=6)

CONFIGS = [dict(), dict(residual=True), dict(norm="batch"), dict(norm="batch", residual=True)]


@pytest.mark.parametrize("config", CONFIGS, ids=lambda c: ",".join(c) or "plain")
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu"])
@pytest.mark.parametrize("loss", ["mse", "cross_entropy", "sigmoid_cross_entropy"])
def test_backprop_matches_finite_differences(config, activation, loss):
    net = MLP([3, 5, 5, 5, 2], activation=activation, seed=1, **config)
    # Random biases keep every z away from ReLU's kink (zero biases give z == 0 exactly when a
    # whole input row is zero) and exercise the bias path.
    bias_rng = np.random.default_rng(7)
    net.biases = [bias_rng.normal(0, 0.5, size=b.shape) for b in net.biases]
    if net.norm == "batch":
        net.biases[:-1] = [np.zeros_like(b) for b in net.biases[:-1]]
        net.gammas = [bias_rng.uniform(0.5, 1.5, size=g.shape) for g in net.gammas]
        net.betas = [bias_rng.normal(0, 0.5, size=b.shape) for b in net.betas]
    y = Y if loss == "mse" else LABELS
    # The five-point centred stencil (truncation O(h^4)) lets h be large enough that roundoff
    # stays below 1e-7 even for small entries. Truncation and roundoff trade off differently per
    # activation, so the better of two steps counts; a wrong backward pass fails at both.
    assert min(check_mlp(net, X, y, loss=loss, h=h, order=4) for h in (1e-3, 3e-4)) < 1e-7


def test_two_point_check_also_agrees_on_a_well_scaled_net():
    net = MLP([3, 5, 2], activation="tanh", seed=1)
    assert check_mlp(net, X, Y, h=1e-5) < 1e-7


def test_error_terms_follow_the_recursion():
    net = MLP([3, 4, 4, 4, 2], activation="sigmoid", seed=0)
    _, g = net.loss_and_grads(X, Y)
    for l in range(net.n_layers - 1):
        expected = (g.delta[l + 1] @ net.weights[l + 1].T) * activations.sigmoid_prime(g.z[l])
        np.testing.assert_allclose(g.delta[l], expected, rtol=1e-12)
    np.testing.assert_allclose(g.db_norms, [np.linalg.norm(d.sum(axis=0)) for d in g.delta])
    np.testing.assert_allclose(g.delta_norms, [np.linalg.norm(d) for d in g.delta])
    np.testing.assert_allclose(g.dW[0], X.T @ g.delta[0])


def test_shapes_and_settable_parameters():
    net = MLP([3, 7, 2])
    assert [W.shape for W in net.weights] == [(3, 7), (7, 2)]
    assert [b.shape for b in net.biases] == [(7,), (2,)]
    net.weights[1] = np.zeros((7, 2))
    net.biases[1] = np.array([1.0, -1.0])
    np.testing.assert_array_equal(net.forward(X), np.tile([1.0, -1.0], (6, 1)))
    loss, g = net.loss_and_grads(X, Y)
    assert g["dW"][1].shape == (7, 2) and g.delta[0].shape == (6, 7)


def test_forward_trace_and_residual_formula():
    net = MLP([3, 4, 4, 1], activation="tanh", residual=True, seed=3)
    t = net.trace(X)
    assert not net.skips(0) and net.skips(1) and not net.skips(2)
    np.testing.assert_allclose(t.a[2], t.a[1] + np.tanh(t.a[1] @ net.weights[1] + net.biases[1]))
    np.testing.assert_allclose(t.output, net.forward(X))


def test_same_seed_same_net_and_rng_is_respected():
    a, b = MLP([3, 4, 1], seed=5), MLP([3, 4, 1], seed=5)
    np.testing.assert_array_equal(a.weights[0], b.weights[0])
    assert not np.array_equal(a.weights[0], MLP([3, 4, 1], seed=6).weights[0])
    state = np.random.get_state()[1].copy()
    MLP([3, 4, 1], seed=np.random.default_rng(0))
    np.testing.assert_array_equal(state, np.random.get_state()[1])  # global RNG untouched


def test_inputs_not_modified():
    Xc, Yc = X.copy(), Y.copy()
    MLP([3, 4, 2], norm="batch").loss_and_grads(X, Y)
    np.testing.assert_array_equal(X, Xc)
    np.testing.assert_array_equal(Y, Yc)


def test_batchnorm_eval_uses_running_statistics():
    net = MLP([3, 4, 1], norm="batch", seed=0)
    net.loss_and_grads(X, Y[:, :1])
    assert net.running[0]
    single = net.forward(X[:1])  # one example: batch statistics would be degenerate
    assert np.all(np.isfinite(single))


def test_copy_is_independent():
    net = MLP([3, 4, 1])
    twin = net.copy()
    twin.weights[0] += 1
    assert not np.array_equal(net.weights[0], twin.weights[0])


@pytest.mark.parametrize("sizes", [[3], [], [3, 0, 1]])
def test_bad_sizes(sizes):
    with pytest.raises(ValueError, match="'sizes' parameter of MLP"):
        MLP(sizes)


def test_bad_loss_and_norm():
    with pytest.raises(ValueError, match="'loss' parameter"):
        MLP([3, 2]).loss_and_grads(X, Y, loss="hinge")
    with pytest.raises(ValueError, match="'norm' parameter"):
        MLP([3, 2], norm="layer")


def test_initializer_options_pass_through_unchanged():
    """MLP knows no initializer's options: each goes to the initializer as given."""
    a = MLP([5, 7, 7, 1], init="lecun", gain=3.0, seed=2)
    rng = np.random.default_rng(2)
    for W, (m, n) in zip(a.weights, [(5, 7), (7, 7), (7, 1)]):
        np.testing.assert_array_equal(W, init_module.lecun(m, n, rng, gain=3.0))
    b = MLP([5, 7, 1], init="normal", std=0.5, seed=2)
    np.testing.assert_array_equal(b.weights[0], np.random.default_rng(2).normal(0, 0.5, (5, 7)))
    with pytest.raises(ValueError, match="MLP got an unknown option 'std': init='he' takes "
                                         "only 'gain'"):
        MLP([5, 7, 1], init="he", std=0.5)
    with pytest.raises(ValueError, match="The 'init' parameter of MLP must be one of"):
        MLP([5, 7, 1], init="glorot")


def test_deep_sigmoid_net_vanishes_and_relu_he_does_not():
    Xb = rng.normal(size=(64, 32))
    deep = MLP([32] * 11 + [1], activation="sigmoid", init="xavier", seed=0)
    _, g = deep.loss_and_grads(Xb, np.ones((64, 1)))
    assert g.delta_norms[0] < 1e-3 * g.delta_norms[-2]
    he = MLP([32] * 11 + [1], activation="relu", init="he", seed=0)
    _, g = he.loss_and_grads(Xb, np.ones((64, 1)))
    assert 0.1 < g.delta_norms[0] / g.delta_norms[-2] < 10
