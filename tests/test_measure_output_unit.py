"""vgteach.measure.output_unit: a saturated sigmoid output unit under MSE and cross-entropy."""
import numpy as np
import pytest

from vgteach import activations
from vgteach.measure.output_unit import fit_output_unit, output_loss_and_dz


@pytest.mark.parametrize("loss", ["mse", "cross_entropy"])
def test_dz_is_the_derivative_of_the_loss(loss):
    z = np.linspace(-30, 30, 121)
    for y in (0.0, 1.0):
        h = 1e-6
        up, _ = output_loss_and_dz(z + h, np.full_like(z, y), loss)
        down, _ = output_loss_and_dz(z - h, np.full_like(z, y), loss)
        _, dz = output_loss_and_dz(z, np.full_like(z, y), loss)
        np.testing.assert_allclose((up - down) / (2 * h), dz, atol=1e-8)


def test_cross_entropy_cancels_the_slope_and_mse_keeps_it():
    z, y = np.array([-9.0, 0.0, 9.0]), np.array([1.0, 1.0, 0.0])
    _, dz_ce = output_loss_and_dz(z, y, "cross_entropy")
    _, dz_mse = output_loss_and_dz(z, y, "mse")
    a = activations.sigmoid(z)
    np.testing.assert_allclose(dz_ce, a - y, rtol=1e-15)
    np.testing.assert_allclose(dz_mse, (a - y) * a * (1 - a), rtol=1e-12)
    assert abs(dz_ce[0]) > 0.999 and abs(dz_mse[0]) < 2e-4   # confidently wrong


def test_cross_entropy_is_finite_far_out():
    loss, dz = output_loss_and_dz(np.array([-800.0, 800.0]), np.array([1.0, 0.0]),
                                  "cross_entropy")
    np.testing.assert_allclose(loss, [800.0, 800.0])
    np.testing.assert_allclose(dz, [-1.0, 1.0])


def test_saturated_wrong_unit_recovers_much_faster_under_cross_entropy():
    lrs = [0.3, 1.0, 3.0]
    mse = fit_output_unit("mse", lrs=lrs, steps=600, seed=1)
    ce = fit_output_unit("cross_entropy", lrs=lrs, steps=600, seed=1)
    assert mse.loss.shape == (3, 600) and mse.w.shape == (3,)
    assert np.all(mse.saturated[:, 0] > 0.5) and np.all(mse.accuracy[:, 0] < 0.05)
    assert np.all((ce.steps_to() >= 0) & (ce.steps_to() < 60))
    done = mse.steps_to()
    assert np.all((done == -1) | (done > 10 * ce.steps_to()))
    assert np.all(ce.mean_abs_dz[:, 0] > 10 * mse.mean_abs_dz[:, 0])


def test_runs_side_by_side_equal_single_runs():
    both = fit_output_unit("mse", lrs=[0.5, 2.0], steps=40, seed=3)
    one = fit_output_unit("mse", lrs=[2.0], steps=40, seed=3)
    np.testing.assert_allclose(both.loss[1], one.loss[0], rtol=1e-14)
    assert both.steps_to(1.1).tolist() == [-1, -1]


@pytest.mark.parametrize("kw, word", [(dict(loss="hinge"), "'loss'"), (dict(lrs=[0.0]), "'lrs'"),
                                      (dict(steps=0), "'steps'"), (dict(w0=99.0), "'w0'")])
def test_parameter_errors(kw, word):
    kw = {"loss": "mse", **kw}
    with pytest.raises(ValueError, match=f"The {word} parameter of fit_output_unit"):
        fit_output_unit(**kw)


def test_predicted_one_and_the_one_answer_stall():
    fit = fit_output_unit("mse", lrs=[1.0], steps=3000, seed=0)
    # w0 < 0, b = 0: the unit says 1 exactly for the inputs below 0 (about half), all wrong
    assert 0.3 < fit.predicted_one[0, 0] < 0.7 and fit.accuracy[0, 0] == 0.0
    stall = fit.one_answer()[0]
    # squared error first moves the bias until one answer fits about half the examples...
    assert stall.sum() > 100
    assert np.all(np.abs(fit.accuracy[0, stall] - 0.5) < 0.1)
    # ...and only later turns w around and learns
    assert stall.nonzero()[0].max() < fit.steps_to(0.9)[0]
    ce = fit_output_unit("cross_entropy", lrs=[1.0], steps=3000, seed=0)
    assert ce.one_answer()[0].sum() < stall.sum() / 10
