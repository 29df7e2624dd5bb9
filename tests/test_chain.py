import numpy as np
import pytest

from vgteach import activations
from vgteach.chain import chain_forward, chain_gradients
from vgteach.gradcheck import numerical_gradient, relative_error


def test_seed_case_twenty_layers_weight_017():
    g = chain_gradients(np.full(20, 0.17), 1.0)
    assert g.dout_dw[0] == pytest.approx(2.0791e-27, rel=1e-4)
    assert np.all((g.factors > 0.04) & (g.factors < 0.045))
    # 0.25**19 is an upper bound here, far above the real value
    assert g.dout_dw[0] < 1e-14 * 0.25 ** 19


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "leaky_relu"])
def test_gradients_match_finite_differences(activation):
    rng = np.random.default_rng(1)
    w, b = rng.normal(0, 1.5, size=6), rng.normal(size=6)
    g = chain_gradients(w, 0.8, activation, b)
    num_w = numerical_gradient(lambda v: chain_forward(v, 0.8, activation, b).output, w)
    num_b = numerical_gradient(lambda v: chain_forward(w, 0.8, activation, v).output, b)
    assert relative_error(g.dout_dw, num_w) < 1e-7
    assert relative_error(g.dout_db, num_b) < 1e-7


def test_matches_explicit_product():
    w = np.array([0.5, 2.0, -1.0, 3.0])
    t = chain_forward(w, 0.3)
    sp = activations.sigmoid_prime(t.z)
    expected = 0.3 * sp[0] * np.prod(w[1:] * sp[1:])
    assert chain_gradients(w, 0.3).dout_dw[0] == pytest.approx(expected, rel=1e-14)


def test_nielsen_exploding_case():
    n = 10
    w = np.full(n, 100.0)
    # bias chosen so that every z_i = 0: b_1 = -100 x, b_i = -100 * sigmoid(0) = -50
    b = np.concatenate([[-100.0], np.full(n - 1, -50.0)])
    g = chain_gradients(w, 1.0, biases=b)
    np.testing.assert_allclose(g.trace.z, 0.0, atol=1e-12)
    np.testing.assert_allclose(g.factors, 25.0)
    assert g.dout_dz[0] == pytest.approx(0.25 * 25.0 ** (n - 1))


def test_trace_and_validation():
    t = chain_forward([1.0, 1.0], 0.0)
    assert t.a[0] == 0 and t.output == pytest.approx(activations.sigmoid(0.5))
    with pytest.raises(ValueError, match="'weights' parameter of chain_forward"):
        chain_forward([], 1.0)
    with pytest.raises(ValueError, match="'biases' parameter of chain_gradients"):
        chain_gradients([1.0, 2.0], 1.0, biases=[0.0])


def test_long_chain_runs_with_loops():
    g = chain_gradients(np.full(5000, 1.0), 1.0, "tanh")
    assert g.dout_dw.shape == (5000,) and np.all(np.isfinite(g.dout_dw))
