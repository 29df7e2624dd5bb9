"""vgteach.measure.init_sweep: one architecture trained from several inits over learning rates."""
import numpy as np
import pytest

from vgteach import optim
from vgteach.measure.init_sweep import sweep_inits
from vgteach.mlp import MLP
from vgteach.train import train


def _data(n=90, d=6, seed=0):
    """Three balanced classes: the largest of the first three inputs."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    return X, X[:, :3].argmax(axis=1)


def test_each_run_equals_a_separate_train_call():
    X, y = _data()
    sizes = [6, 8, 8, 3]
    s = sweep_inits(["he", "xavier"], [0.05, 0.2], sizes, X, y, steps=12, batch_size=30, seed=4)
    net = MLP(sizes, activation="relu", init="xavier", seed=4)
    hist = train(net, X, y, steps=12, batch_size=30, loss="cross_entropy",
                 optimizer=optim.Momentum(lr=0.2), rng=np.random.default_rng(5))
    np.testing.assert_allclose(s.loss[s.row("xavier"), 1], hist.loss, rtol=1e-13)
    assert s.first_to_last[1] == pytest.approx(hist.delta_norms[0, 0] / hist.delta_norms[0, -1])
    assert s.chance == pytest.approx(np.log(3)) and s.final_loss(last=3).shape == (2, 2)


def test_deep_relu_net_stalls_with_xavier_and_learns_with_he():
    """He et al.'s finding in miniature (30 ReLU layers of 16 units, 3 classes)."""
    X, y = _data(n=300, seed=1)
    s = sweep_inits(["xavier", "he"], [0.01], [6] + [16] * 30 + [3], X, y, steps=150,
                    batch_size=100, seed=0)
    final = s.final_loss()[:, 0]
    assert s.first_to_last[s.row("xavier")] < 1e-3 < 0.1 < s.first_to_last[s.row("he")]
    assert final[s.row("xavier")] > 0.97 * s.chance and final[s.row("he")] < 0.9 * s.chance


def test_a_far_too_large_rate_blows_up_without_warnings():
    X, y = _data()
    s = sweep_inits(["he"], [1e4], [6, 8, 8, 3], X, y, steps=20, batch_size=30)
    assert s.final_loss(last=5)[0, 0] > 100 * s.chance
    assert 0 <= s.dead_before[0] <= 1 and 0 <= s.dead_after[0, 0] <= 1


def test_steps_are_validated():
    X, y = _data()
    with pytest.raises(ValueError, match="'steps' parameter of sweep_inits"):
        sweep_inits(["he"], [0.1], [6, 3], X, y, steps=0)
