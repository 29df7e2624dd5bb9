"""vgteach.measure.residual: layer Jacobians, their products, plain vs residual runs."""
import numpy as np
import pytest

from vgteach import data, residual
from vgteach.gradcheck import numerical_gradient, relative_error
from vgteach.measure.residual import (compute_residual, network_jacobians,
                                      product_singular_values)


def test_network_jacobians_match_mlp_backprop():
    # The product of per-layer Jacobians must carry d a[L-1] into d a[1], as backprop does.
    for skip in (False, True):
        net = residual.deep_mlp(6, residual=skip, width=5, n_in=2, n_out=1, seed=3)
        x = np.array([0.3, -0.7])
        Js = network_jacobians(net, x)
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
        network_jacobians(residual.deep_mlp(3, norm="batch"), np.zeros(2))


def test_product_singular_values_plain_collapse_residual_not():
    X, _ = data.spirals(30)
    sv = {s: product_singular_values(
        network_jacobians(residual.deep_mlp(20, residual=s, seed=0), X[0]))
        for s in (False, True)}
    assert sv[False].shape == (19, 16)
    assert np.all(np.diff(sv[False], axis=1) <= 1e-12)  # sorted, largest first
    assert sv[False][-1, -1] < 1e-8 < 0.05 < sv[True][-1, -1]


def test_compute_residual_plain_vs_skip():
    plain = compute_residual(depth=20, skip=False, activation="sigmoid", steps=5, n=30)
    res = compute_residual(depth=20, skip=True, activation="sigmoid", steps=5, n=30)
    assert plain.delta_norms.shape == (21,) and plain.loss.shape == (5,)
    assert plain.first_to_last < 1e-8 < 1e-2 < res.first_to_last


def test_compute_residual_is_pure_and_deterministic():
    a = compute_residual(depth=4, steps=3, n=30)
    b = compute_residual(depth=4, steps=3, n=30)
    assert np.array_equal(a.delta_norms, b.delta_norms) and np.array_equal(a.loss, b.loss)


def test_residual_steps_is_compute_residual_in_chunks():
    from vgteach.measure.residual import residual_steps
    work = residual_steps(depth=5, skip=False, activation="sigmoid", steps=10, n=30, chunk=4)
    chunks = 0
    while True:
        try:
            next(work)
            chunks += 1
        except StopIteration as stop:
            view = stop.value
            break
    one = compute_residual(depth=5, skip=False, activation="sigmoid", steps=10, n=30)
    assert chunks == 3 and view.loss.shape == (10,)
    assert np.array_equal(view.loss, one.loss) and np.array_equal(view.delta_norms,
                                                                  one.delta_norms)
