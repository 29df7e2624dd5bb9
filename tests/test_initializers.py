import numpy as np
import pytest

from vgteach import initializers as init


@pytest.mark.parametrize("name,expected_var", [
    ("lecun", lambda i, o: 1 / i), ("xavier", lambda i, o: 2 / (i + o)),
    ("he", lambda i, o: 2 / i), ("normal", lambda i, o: 0.01 ** 2)])
def test_variances(name, expected_var):
    rng = np.random.default_rng(0)
    for fan_in, fan_out in [(400, 300), (100, 900)]:
        W = init.INITIALIZERS[name](fan_in, fan_out, rng)
        assert W.shape == (fan_in, fan_out)
        assert W.var() == pytest.approx(expected_var(fan_in, fan_out), rel=0.03)
        assert abs(W.mean()) < 4 * np.sqrt(expected_var(fan_in, fan_out) / W.size)


@pytest.mark.parametrize("name,expected_var", [
    ("lecun", lambda i, o: 1 / i), ("xavier", lambda i, o: 2 / (i + o)),
    ("he", lambda i, o: 2 / i)])
def test_gain_multiplies_the_standard_deviation(name, expected_var):
    """``gain=g`` scales the draw by exactly g: ``lecun`` with a gain is Var = g**2 / fan_in."""
    plain = init.INITIALIZERS[name](300, 200, np.random.default_rng(4))
    scaled = init.INITIALIZERS[name](300, 200, np.random.default_rng(4), gain=2.5)
    np.testing.assert_allclose(scaled, 2.5 * plain, rtol=1e-14, atol=1e-15)
    assert scaled.var() == pytest.approx(2.5 ** 2 * expected_var(300, 200), rel=0.03)


@pytest.mark.parametrize("shape", [(5, 5), (8, 3), (3, 8)])
def test_orthogonal_singular_values(shape):
    W = init.orthogonal(*shape, np.random.default_rng(1), gain=2.0)
    np.testing.assert_allclose(np.linalg.svd(W, compute_uv=False), 2.0, rtol=1e-12)


def test_explicit_rng_reproducible_and_global_untouched():
    state = np.random.get_state()[1].copy()
    a = init.he(4, 3, np.random.default_rng(7))
    b = init.he(4, 3, np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(state, np.random.get_state()[1])


def test_initialize_dispatch_and_errors():
    rng = np.random.default_rng(0)
    assert init.initialize("normal", 2, 3, rng, std=1.0).shape == (2, 3)
    assert init.initialize(lambda i, o, r: np.ones((i, o)), 2, 3, rng).sum() == 6
    with pytest.raises(ValueError, match="The 'init' parameter of initialize must be one of "
                                         "'normal', .*, 'orthogonal' or a callable"):
        init.initialize("glorot", 2, 3, rng)
    with pytest.raises(ValueError, match=r"returned shape \(3, 2\); a layer from 2 to 3"):
        init.initialize(lambda i, o, r: np.ones((o, i)), 2, 3, rng)
    with pytest.raises(ValueError, match="The 'gain' parameter of lecun must be a finite float"):
        init.lecun(2, 3, rng, gain=-1.0)
    with pytest.raises(ValueError, match="'fan_in' parameter of he must be an int in"):
        init.he(0, 3, rng)
