import numpy as np
import pytest

from vgteach import layers
from vgteach.gradcheck import check_layer, numerical_gradient, relative_error

rng = np.random.default_rng(0)


def test_affine_backward():
    x, W, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 5)), rng.normal(size=5)
    assert max(check_layer(layers.affine_forward, layers.affine_backward, [x, W, b])) < 1e-7


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu"])
def test_activation_backward(name):
    z = rng.normal(size=(4, 6)) + 0.01
    errs = check_layer(lambda v: layers.activation_forward(v, name),
                       lambda d, c: (layers.activation_backward(d, c),), [z])
    assert errs[0] < 1e-7


def test_batchnorm_forward_normalizes():
    x = rng.normal(3.0, 5.0, size=(200, 4))
    out, _ = layers.batchnorm_forward(x, np.ones(4), np.zeros(4))
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=0), 1, atol=1e-3)


def test_batchnorm_backward_train_and_eval():
    x, g, b = rng.normal(size=(6, 3)), rng.normal(size=3), rng.normal(size=3)
    assert max(check_layer(layers.batchnorm_forward, layers.batchnorm_backward, [x, g, b])) < 1e-7
    running = {"mean": rng.normal(size=3), "var": rng.uniform(0.5, 2, size=3)}
    fwd = lambda x, g, b: layers.batchnorm_forward(x, g, b, running=running, train=False)  # noqa: E731
    assert max(check_layer(fwd, layers.batchnorm_backward, [x, g, b])) < 1e-7


def test_batchnorm_running_statistics_update():
    running = {}
    x = rng.normal(2.0, 1.0, size=(50, 2))
    layers.batchnorm_forward(x, np.ones(2), np.zeros(2), running=running, momentum=0.0)
    np.testing.assert_allclose(running["mean"], x.mean(axis=0))


def test_mse_loss_and_gradient():
    pred, y = rng.normal(size=(5, 2)), rng.normal(size=(5, 2))
    loss, d = layers.mse_loss(pred, y)
    assert loss == pytest.approx(np.sum((pred - y) ** 2) / 10)
    num = numerical_gradient(lambda p: layers.mse_loss(p, y)[0], pred)
    assert relative_error(d, num) < 1e-7


@pytest.mark.parametrize("onehot", [False, True])
def test_softmax_cross_entropy(onehot):
    scores, y = rng.normal(size=(6, 4)), rng.integers(0, 4, size=6)
    target = np.eye(4)[y] if onehot else y
    loss, d = layers.softmax_cross_entropy(scores, target)
    p = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    assert loss == pytest.approx(-np.mean(np.log(p[np.arange(6), y])))
    num = numerical_gradient(lambda s: layers.softmax_cross_entropy(s, target)[0], scores)
    assert relative_error(d, num) < 1e-7


@pytest.mark.parametrize("onehot", [False, True])
def test_sigmoid_cross_entropy(onehot):
    scores, y = rng.normal(size=(6, 4)), rng.integers(0, 4, size=6)
    target = np.eye(4)[y] if onehot else y
    loss, d = layers.sigmoid_cross_entropy(scores, target)
    p, t = 1 / (1 + np.exp(-scores)), np.eye(4)[y]
    assert loss == pytest.approx(-np.sum(t * np.log(p) + (1 - t) * np.log(1 - p)) / 6, rel=1e-12)
    num = numerical_gradient(lambda s: layers.sigmoid_cross_entropy(s, target)[0], scores)
    assert relative_error(d, num) < 1e-7


def test_sigmoid_cross_entropy_is_stable_for_huge_scores():
    loss, d = layers.sigmoid_cross_entropy(np.array([[1000.0, -1000.0]]), np.array([0]))
    assert loss == 0.0 and d.tolist() == [[0.0, 0.0]]
    loss, _ = layers.sigmoid_cross_entropy(np.array([[-1000.0, 0.0]]), np.array([0]))
    assert loss == pytest.approx(1000.0 + np.log(2))


def test_softmax_is_stable_for_huge_scores():
    scores = np.array([[1000.0, 0.0], [-1000.0, 1000.0]])
    loss, d = layers.softmax_cross_entropy(scores, np.array([0, 1]))
    assert np.isfinite(loss) and loss == pytest.approx(0.0) and np.all(np.isfinite(d))
    np.testing.assert_allclose(layers.softmax(scores).sum(axis=1), 1.0)


def test_mse_uses_the_package_convention():
    pred = np.array([[0.5], [2.0], [1.0]])
    y = np.array([[0.0], [1.0], [1.0]])
    assert layers.mse(pred, y) == pytest.approx((0.25 + 1.0) / (2 * 3), rel=1e-15)
    assert layers.mse(pred, y) == layers.mse_loss(pred, y)[0]
