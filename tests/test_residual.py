import numpy as np
import pytest

from vgteach import activations, data, residual
from vgteach.gradcheck import numerical_gradient, relative_error


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


def test_residual_block_backward_gradcheck():
    rng = np.random.default_rng(1)
    x, W, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 3)), rng.normal(size=3)
    dout = rng.normal(size=(4, 3))
    out, cache = residual.residual_block_forward(x, W, b)
    dx, dW, db = residual.residual_block_backward(dout, cache)
    for name, analytic, idx in [("x", dx, 0), ("W", dW, 1), ("b", db, 2)]:
        args = [x.copy(), W.copy(), b.copy()]

        def loss(p, args=args, idx=idx):
            args = list(args)
            args[idx] = p
            return float(np.sum(residual.residual_block_forward(*args)[0] * dout))
        num = numerical_gradient(loss, args[idx].copy())
        assert relative_error(analytic, num) < 1e-7, name


def test_network_jacobians_match_mlp_backprop():
    # The product of per-layer Jacobians must carry d a[L-1] into d a[1], as backprop does.
    for skip in (False, True):
        net = residual.deep_mlp(6, residual=skip, width=5, n_in=2, n_out=1, seed=3)
        x = np.array([0.3, -0.7])
        Js = residual.network_jacobians(net, x)
        assert len(Js) == 5
        P = np.eye(5)
        for J in Js:
            P = J @ P
        g_top = np.arange(1.0, 6.0)
        trace = net.trace(x[None, :])
        # finite differences on a[1] -> a[L-1] . g_top
        def top(a1):
            a = a1[None, :]
            for l in range(1, net.n_layers - 1):
                z = a @ net.weights[l] + net.biases[l]
                a = a + np.tanh(z) if skip else np.tanh(z)
            return float(a[0] @ g_top)
        num = numerical_gradient(top, trace.a[1][0].copy())
        assert relative_error(g_top @ P, num) < 1e-6


def test_network_jacobians_rejects_batch_norm():
    with pytest.raises(ValueError):
        residual.network_jacobians(residual.deep_mlp(3, norm="batch"), np.zeros(2))


def test_product_singular_values_plain_collapse_residual_not():
    X, _ = data.spirals(30)
    sv = {s: residual.product_singular_values(
        residual.network_jacobians(residual.deep_mlp(20, residual=s, seed=0), X[0]))
        for s in (False, True)}
    assert sv[False].shape == (19, 16)
    assert np.all(np.diff(sv[False], axis=1) <= 1e-12)  # sorted, largest first
    assert sv[False][-1, -1] < 1e-8 < 0.05 < sv[True][-1, -1]


def test_deep_mlp_scales_only_hidden_branches():
    plain = residual.deep_mlp(9, seed=4)
    res = residual.deep_mlp(9, residual=True, seed=4)
    assert np.allclose(res.weights[0], plain.weights[0])
    assert np.allclose(res.weights[-1], plain.weights[-1])
    assert np.allclose(res.weights[3], plain.weights[3] / 3)
    assert res.residual and not plain.residual


def test_spirals_shapes_and_balance():
    X, y = data.spirals(90, classes=3, rng=np.random.default_rng(0))
    assert X.shape == (90, 2) and y.shape == (90,)
    assert np.bincount(y).tolist() == [30, 30, 30]
    assert np.abs(X).max() <= 1.0 + 1e-12


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
