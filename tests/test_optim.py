import numpy as np
import pytest

from vgteach import optim


def test_sgd_and_momentum_match_hand_computation():
    p, g = [np.array([1.0])], [np.array([2.0])]
    optim.SGD(lr=0.5).step(p, g)
    assert p[0][0] == 0.0
    m = optim.Momentum(lr=0.1, beta=0.5)
    p = [np.array([0.0])]
    m.step(p, g)
    m.step(p, g)  # v1 = -0.2, v2 = 0.5 * -0.2 - 0.2 = -0.3
    assert p[0][0] == pytest.approx(-0.5)


def test_adam_first_step_is_lr_sized_whatever_the_gradient_scale():
    for scale in [1e-4, 1.0, 1e4]:
        p = [np.zeros(3)]
        optim.Adam(lr=0.01).step(p, [np.array([1.0, -2.0, 3.0]) * scale])
        np.testing.assert_allclose(np.abs(p[0]), 0.01, rtol=1e-3)


def test_adam_matches_reference_two_steps():
    b1, b2, lr, eps = 0.9, 0.999, 0.1, 1e-8
    p, opt = [np.array([1.0])], optim.Adam(lr, b1, b2, eps)
    m = v = 0.0
    x = 1.0
    for t, g in enumerate([0.5, -1.5], start=1):
        opt.step(p, [np.array([g])])
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        x -= lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
    assert p[0][0] == pytest.approx(x, rel=1e-12)


def test_rmsprop_divides_by_rms():
    p = [np.array([0.0])]
    optim.RMSProp(lr=0.1, rho=0.0).step(p, [np.array([4.0])])
    assert p[0][0] == pytest.approx(-0.1, rel=1e-6)


def test_clip_by_norm_keeps_direction_and_inputs():
    grads = [np.array([3.0, 0.0]), np.array([[4.0]])]
    clipped = optim.clip_by_norm(grads, 1.0)
    assert optim.global_norm(clipped) == pytest.approx(1.0)
    np.testing.assert_allclose(clipped[0], [0.6, 0.0])
    np.testing.assert_array_equal(grads[0], [3.0, 0.0])  # untouched
    small = optim.clip_by_norm(grads, 10.0)
    np.testing.assert_array_equal(small[1], grads[1])


def test_make_optimizer():
    assert isinstance(optim.make_optimizer("adam", lr=0.1), optim.Adam)
    with pytest.raises(ValueError, match="The 'optimizer' parameter of make_optimizer must be "
                                         "one of 'sgd', 'momentum', 'rmsprop', 'adam'. Got 'lbfgs'"):
        optim.make_optimizer("lbfgs")
    with pytest.raises(ValueError, match="The 'eps' parameter of Adam must be a finite float"):
        optim.Adam(eps=-1e-8)
    with pytest.raises(ValueError, match="'lr' parameter of SGD"):
        optim.SGD(lr=-1)


def test_norm_is_numpys_bit_for_bit():
    rng = np.random.default_rng(0)
    arrays = [rng.normal(size=s) * 10.0 ** rng.integers(-200, 200) for s in
              [(7,), (64, 32), (3, 5, 4)]]
    arrays += [a.T for a in arrays] + [arrays[1][::2, 1::3], np.zeros((3, 2)),
                                       np.array([1e200, 1e200]), np.array([np.nan, 1.0])]
    for a in arrays:
        with np.errstate(over="ignore"):  # both overflow the same way (1e200: inf)
            expected = np.linalg.norm(a)
            got = optim.norm(a)
        assert (got == expected) or (np.isnan(got) and np.isnan(expected)), a.shape
