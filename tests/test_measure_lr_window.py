"""vgteach.measure.lr_window: many deep nets trained at once over learning rates and seeds."""
import numpy as np
import pytest

from vgteach import data, residual
from vgteach.measure.lr_window import LRSweep, learning_rate_sweep, window
from vgteach.train import train


@pytest.mark.parametrize("depth, skips, norm", [(3, False, None), (8, True, None),
                                                (6, False, "batch"), (30, True, None)])
def test_every_run_is_the_engines_train(depth, skips, norm):
    lrs, seeds = [0.003, 0.03], [1, 2]
    sweep = learning_rate_sweep(depth, skips, lrs, seeds, steps=8, n=45, norm=norm)
    assert sweep.loss.shape == (2, 2, 8)
    for i, lr in enumerate(lrs):
        for j, seed in enumerate(seeds):
            X, y = data.spirals(45, rng=seed)
            net = residual.deep_mlp(depth, residual=skips, norm=norm, seed=seed)
            ref = train(net, X, y, steps=8, lr=lr, loss="cross_entropy", optimizer="adam")
            np.testing.assert_allclose(sweep.loss[i, j], ref.loss, rtol=1e-12, atol=0)


@pytest.mark.parametrize("skips, scale", [(True, 1.0), (False, 0.25)])
def test_the_hidden_scale_control_rescales_the_hidden_weights_at_init(skips, scale):
    sweep = learning_rate_sweep(6, skips, [0.01], [3], steps=5, n=30, hidden_scale=scale)
    X, y = data.spirals(30, rng=3)
    net = residual.deep_mlp(6, residual=skips, seed=3)
    plain = residual.deep_mlp(6, residual=False, seed=3)   # the unscaled Xavier draw
    for l in range(1, 6):
        np.testing.assert_allclose(scale * plain.weights[l], net.weights[l] * (
            np.sqrt(6) if skips else 1.0) * scale, rtol=1e-12)
        net.weights[l] = scale * plain.weights[l]
    ref = train(net, X, y, steps=5, lr=0.01, loss="cross_entropy", optimizer="adam")
    np.testing.assert_allclose(sweep.loss[0, 0], ref.loss, rtol=1e-12, atol=0)
    assert sweep.hidden_scale == scale and sweep.label.endswith(f"hidden weights x {scale:.2g}")


def test_labels_name_the_architecture():
    assert learning_rate_sweep(2, False, [0.01], [0], steps=1, n=30).label == "plain, 2 layers"
    assert learning_rate_sweep(3, True, [0.01], [0], steps=1, n=30).label == "residual, 3 layers"
    bn = learning_rate_sweep(3, False, [0.01], [0], steps=1, n=30, norm="batch")
    assert bn.label == "plain + batch norm, 3 layers"


def test_final_and_window_read_the_end_of_training():
    loss = np.ones((3, 2, 20))
    loss[0, :, 10:] = 0.05            # trains at both seeds by step 20 ...
    loss[1, 0, :] = 0.01              # only one seed
    sweep = LRSweep(5, False, np.array([0.1, 0.01, 0.001]), np.array([0, 1]), loss)
    np.testing.assert_allclose(sweep.final(), [[0.05, 0.05], [0.01, 1.0], [1.0, 1.0]])
    np.testing.assert_allclose(sweep.final(steps=10), [[1, 1], [0.01, 1], [1, 1]])
    np.testing.assert_array_equal(window(sweep), [0.1])
    np.testing.assert_array_equal(window(sweep, steps=10), [])
    assert sweep.chance == pytest.approx(np.log(3))


def test_learning_rate_sweep_rejects_bad_settings():
    with pytest.raises(ValueError, match="at least one positive learning rate"):
        learning_rate_sweep(3, False, [0.0], [0])
    with pytest.raises(ValueError, match="The 'norm' parameter of learning_rate_sweep"):
        learning_rate_sweep(3, False, [0.1], [0], norm="layer")
    with pytest.raises(ValueError, match="The 'steps' parameter of LRSweep.final"):
        learning_rate_sweep(3, False, [0.1], [0], steps=12, n=30).final(steps=5)
