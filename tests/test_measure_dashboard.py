"""vgteach.measure.dashboard: real short training runs, measured."""
import numpy as np
import pytest

from vgteach.measure.dashboard import compute_dashboard, saturation
from vgteach.mlp import MLP


def test_compute_shapes_and_reproducible():
    r = compute_dashboard(depth=4, steps=20)
    assert r.loss.shape == (20,)
    assert r.grad_norms_start.shape == r.grad_norms_end.shape == r.update_ratio.shape == (5,)
    assert r.saturation.shape == (4,) and np.all((r.saturation >= 0) & (r.saturation <= 100))
    assert r.ms_per_step > 0
    again = compute_dashboard(depth=4, steps=20)
    np.testing.assert_array_equal(r.loss, again.loss)
    assert 0.3 < r.loss[0] < 1.5


def test_deep_sigmoid_vanishes_and_batchnorm_helps():
    plain = compute_dashboard(depth=10, steps=5)
    bn = compute_dashboard(depth=10, steps=5, norm="batch")
    assert plain.first_to_last < 1e-3
    assert bn.first_to_last > 100 * plain.first_to_last


def test_adam_moves_early_layers_more_than_sgd():
    sgd = compute_dashboard(depth=8, steps=10, optimizer="sgd")
    adam = compute_dashboard(depth=8, steps=10, optimizer="adam")
    ratio = lambda r: r.update_ratio[0] / r.update_ratio[-1]  # noqa: E731
    assert ratio(adam) > 100 * ratio(sgd)


def test_saturation_counts_inactive_relu_and_saturated_sigmoid():
    X = np.random.default_rng(0).normal(size=(200, 2))
    relu = MLP([2, 50, 1], activation="relu", init="he", seed=0)
    assert 30 < saturation(relu, X)[0] < 70
    big = MLP([2, 50, 1], activation="sigmoid", init="normal", std=20.0, seed=0)
    assert saturation(big, X)[0] > 80


def test_bad_parameters():
    with pytest.raises(ValueError, match="optimizer"):
        compute_dashboard(optimizer="lbfgs")
    with pytest.raises(ValueError, match="depth"):
        compute_dashboard(depth=0)


def test_a_run_in_parts_is_the_run_in_one_go():
    from vgteach.measure.dashboard import DashboardRun
    one = compute_dashboard(depth=3, steps=12, optimizer="adam", norm="batch", activation="relu",
                            init="he")
    run = DashboardRun(depth=3, optimizer="adam", norm="batch", activation="relu", init="he")
    for k in (5, 3, 4):
        run.advance(k)
    assert run.recorded == [5, 8, 12]
    parts = run.result(12)
    for name in ("loss", "grad_norms_start", "grad_norms_end", "update_ratio", "saturation"):
        assert np.array_equal(getattr(one, name), getattr(parts, name)), name
    assert parts.settings == one.settings
    early = run.result(5)
    assert np.array_equal(early.loss, compute_dashboard(
        depth=3, steps=5, optimizer="adam", norm="batch", activation="relu", init="he").loss)
    with pytest.raises(ValueError, match="after \\[5, 8, 12\\] steps, not after 6"):
        run.result(6)


def test_the_default_sgd_rate_trains_a_deep_relu_net_with_he_init():
    # lesson 4's setting; at SGD lr 0.5 the same net dies (most units inactive, loss at chance)
    r = compute_dashboard(depth=8, activation="relu", init="he", steps=100)
    assert r.settings["lr"] == 0.1 and r.loss[-10:].mean() < 0.3
    dead = compute_dashboard(depth=8, activation="relu", init="he", steps=100, lr=0.5)
    assert dead.loss[-10:].mean() > 0.9 * np.log(2)


@pytest.mark.parametrize("seed, activation", [(1, "relu"), (5, "relu"), (5, "leaky_relu")])
def test_a_diverging_run_stops_before_the_step_that_blows_up(seed, activation):
    """Lesson 4's lr 1.0 with He init: at these seeds the loss blows up and overflows.

    No warning is raised (pytest turns RuntimeWarnings into errors), every record is finite,
    and the step after the last one kept is the one that blows up."""
    from vgteach.measure.dashboard import BLOW_UP, DashboardRun
    settings = dict(depth=8, activation=activation, init="he", lr=1.0, seed=seed)
    r = compute_dashboard(steps=100, **settings)
    assert r.diverged and 2 <= r.diverged_at <= 100
    assert r.loss.shape == (r.diverged_at - 1,) and r.settings["steps"] == 100
    for name in ("loss", "grad_norms_start", "grad_norms_end", "update_ratio", "saturation"):
        assert np.all(np.isfinite(getattr(r, name))), name
    assert np.all(r.loss <= BLOW_UP * r.loss[0]) and np.isfinite(r.first_to_last)
    run = DashboardRun(**settings)
    run.advance(r.diverged_at - 1)               # up to the last healthy step: no divergence
    assert run.diverged_at is None and not run.result(r.diverged_at - 1).diverged
    for name in ("loss", "saturation"):
        assert np.array_equal(getattr(run.result(r.diverged_at - 1), name), getattr(r, name))
    with np.errstate(all="ignore"):              # the next step is the one that blows up
        nxt = run._train(1)
    params = [np.isfinite(p).all() for p in run.net.parameters()]
    assert (nxt.loss[0] > BLOW_UP * r.loss[0] or not np.isfinite(nxt.grad_norm[0])
            or not np.all(np.isfinite(nxt.update_ratio)) or not all(params))


def test_a_diverged_run_in_parts_is_the_run_in_one_go_and_trains_no_further():
    from vgteach.measure.dashboard import DashboardRun
    settings = dict(depth=8, activation="relu", init="he", lr=1.0, seed=1)
    one = compute_dashboard(steps=100, **settings)
    run = DashboardRun(**settings)
    for k in (7, 30, 40, 23):                    # the divergence falls inside the third part
        run.advance(k)
    assert run.diverged_at == one.diverged_at and run.steps_done == one.diverged_at - 1
    assert run.recorded == [7, 37, one.diverged_at - 1]
    for steps in (one.diverged_at, 100, 300):    # any count from the divergence on: the same
        assert run.reports(steps)
        r = run.result(steps)
        assert r.diverged_at == one.diverged_at and r.settings["steps"] == steps
        for name in ("loss", "grad_norms_start", "grad_norms_end", "update_ratio",
                     "saturation"):
            assert np.array_equal(getattr(r, name), getattr(one, name)), name
    assert not run.reports(20) and not run.result(37).diverged
    run.advance(50)                              # a diverged run does not train again
    assert run.steps_done == one.diverged_at - 1


def test_a_run_that_diverges_at_its_first_step_says_so():
    with pytest.raises(ValueError, match="diverged at its first step.*smaller learning rate"):
        compute_dashboard(depth=8, activation="relu", init="he", lr=1e200, steps=10)
