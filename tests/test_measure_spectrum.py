"""vgteach.measure.spectrum: singular values of layer Jacobians and of chained layers."""
import numpy as np
import pytest
import threadpoolctl

from vgteach import activations, initializers
from vgteach.measure import spectrum
from vgteach.mlp import MLP


def test_singular_values_are_numpys_largest_first():
    W = np.random.default_rng(0).normal(size=(7, 5))
    s = spectrum.singular_values(W)
    np.testing.assert_allclose(s, np.linalg.svd(W, compute_uv=False), rtol=1e-14)
    assert s.shape == (5,) and np.all(np.diff(s) <= 0)


def test_layer_jacobian_values_match_a_finite_difference_jacobian():
    net = MLP([6, 5, 5, 5, 1], activation="tanh", seed=3)
    X = np.random.default_rng(4).normal(size=(3, 6))
    got = spectrum.layer_jacobian_singular_values(net, X)
    a = net.trace(X).a
    want = []
    for l in (1, 2):                      # d a[l+1] / d a[l], numerically, per example
        f = lambda v, l=l: activations.tanh(v @ net.weights[l] + net.biases[l])
        per = []
        for x in a[l]:
            J = np.array([(f(x + 1e-6 * e) - f(x - 1e-6 * e)) / 2e-6 for e in np.eye(5)]).T
            per.append(np.linalg.svd(J, compute_uv=False).mean())
        want.append(np.mean(per))
    np.testing.assert_allclose(got, want, rtol=1e-7)


def test_linear_product_is_the_matrix_product_of_the_same_draws():
    s = spectrum.product_singular_values("lecun", depth=4, width=9, seed=2, gain=1.5)
    rng = np.random.default_rng(2)
    P = np.linalg.multi_dot([initializers.lecun(9, 9, rng, gain=1.5) for _ in range(4)])
    np.testing.assert_allclose(s, np.linalg.svd(P, compute_uv=False), rtol=1e-10)


def test_tanh_product_is_the_jacobian_of_the_whole_net():
    width, depth, seed = 6, 4, 1
    s = spectrum.product_singular_values("orthogonal", depth=depth, width=width, seed=seed,
                                         activation="tanh")
    rng = np.random.default_rng(seed)
    weights = [initializers.orthogonal(width, width, rng) for _ in range(depth)]
    x = rng.normal(size=width)

    def net(v):
        for W in weights:
            v = np.tanh(v @ W)
        return v
    J = np.array([(net(x + 1e-6 * e) - net(x - 1e-6 * e)) / 2e-6 for e in np.eye(width)]).T
    np.testing.assert_allclose(s, np.linalg.svd(J, compute_uv=False), rtol=1e-6)


def test_orthogonal_keeps_every_direction_and_gaussian_spreads_them():
    ortho = spectrum.product_singular_values("orthogonal", depth=10, width=64, seed=0)
    lecun = spectrum.product_singular_values("lecun", depth=10, width=64, seed=0)
    np.testing.assert_allclose(ortho, 1.0, rtol=1e-10)
    assert spectrum.spread(ortho) == pytest.approx(1.0) and spectrum.spread(lecun) > 100
    # through tanh, orthogonal weights at gain 1 stay far closer to isometry than Gaussian ones
    t_ortho = spectrum.product_singular_values("orthogonal", depth=9, width=64, seed=0,
                                               activation="tanh")
    t_lecun = spectrum.product_singular_values("lecun", depth=9, width=64, seed=0,
                                               activation="tanh")
    assert spectrum.spread(t_ortho) < 50 < 1e4 < spectrum.spread(t_lecun)


def test_spread_uses_percentiles():
    s = np.concatenate([np.full(50, 2.0), np.full(50, 1.0), [1e-20]])
    assert spectrum.spread(s) == pytest.approx(2.0)
    assert spectrum.spread(s, high=100, low=0) == pytest.approx(2e20)


def test_runs_on_one_blas_thread():
    seen = []
    original = spectrum.np.linalg.svd

    def probe(*args, **kwargs):
        seen.append([lib["num_threads"] for lib in threadpoolctl.threadpool_info()
                     if lib["user_api"] == "blas"])
        return original(*args, **kwargs)
    info = [lib for lib in threadpoolctl.threadpool_info() if lib["user_api"] == "blas"]
    if not info:
        pytest.skip("NumPy has no BLAS thread pool that threadpoolctl can see")
    with threadpoolctl.threadpool_limits(limits=2, user_api="blas"):
        if {lib["num_threads"] for lib in threadpoolctl.threadpool_info()
                if lib["user_api"] == "blas"} != {2}:
            pytest.skip("this BLAS cannot run on two threads")
        spectrum.np.linalg.svd = probe
        try:
            spectrum.product_singular_values("lecun", depth=2, width=8)
            spectrum.layer_jacobian_singular_values(MLP([4, 4, 4, 1], seed=0), np.ones((2, 4)))
        finally:
            spectrum.np.linalg.svd = original
    assert seen and all(set(threads) == {1} for threads in seen)


@pytest.mark.parametrize("kw, word", [(dict(depth=0), "'depth'"), (dict(width=1), "'width'"),
                                      (dict(gain=0.0), "'gain'"),
                                      (dict(activation="swish"), "'activation'")])
def test_parameter_errors(kw, word):
    with pytest.raises(ValueError, match=f"The {word} parameter of product_singular_values"):
        spectrum.product_singular_values("lecun", **kw)
