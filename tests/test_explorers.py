"""vgteach.explorers: controls drive the compute and the redraw; registry; hidden answers."""
import matplotlib

matplotlib.use("agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from vgteach import explorers  # noqa: E402
from vgteach.measure.dashboard import DEFAULT_LR  # noqa: E402


def test_explorers_redraw_when_controls_move():
    e = explorers.explore_activation()
    assert e.n_updates == 1 and e.result.name == "sigmoid"
    e.controls["name"].value = "tanh"
    assert e.n_updates == 2 and e.result.peak_slope == pytest.approx(1.0, abs=1e-3)
    e.controls["name"].value = "sigmoid"
    e.controls["z_max"].value = 40.0                     # saturated beyond |z| = 3.6: 91%
    assert e.result.saturated_fraction > 0.9
    d = explorers.explore_depth()
    before = d.result.delta_norms.copy()
    d.controls["depth"].value = 5
    assert d.n_updates == 2 and d.result.delta_norms.shape == (6,)
    d.controls["weight_scale"].value = 3.0
    assert not np.array_equal(d.result.delta_norms[:2], before[:2])
    d.controls["weight_scale"].value = 16.0                 # the slider reaches saturation
    assert d.result.weight_scale == 16.0 and d.result.saturated_fraction > 0.5


def test_explore_residual_controls_drive_the_result():
    e = explorers.explore_residual()
    assert e.n_updates == 1 and e.result.skip and e.result.depth == 30
    e.controls["depth"].value = 12
    assert e.result.depth == 12 and e.result.delta_norms.size == 13
    before = e.result.first_to_last
    e.controls["activation"].value = "sigmoid"
    e.controls["skip"].value = False
    assert e.result.activation == "sigmoid" and not e.result.skip
    assert e.result.first_to_last < before * 1e-3
    assert e.n_updates == 4
    plt.close("all")


def test_explore_lstm_gates_controls_drive_the_result():
    e = explorers.explore_lstm_gates()
    assert e.n_updates == 1 and e.result.T == 100
    first = e.result.lstm_dc[0]
    e.controls["forget_bias"].value = 4.0
    assert e.result.forget_bias == 4.0 and e.result.lstm_dc[0] > 10 * first
    e.controls["T"].value = 40
    assert e.result.lstm_dc.size == 40
    e.controls["input_bias"].value = -1.0
    assert e.result.input_bias == -1.0 and e.n_updates == 4
    assert e.result.show_cell_path
    e.controls["cell_path"].value = False
    assert not e.result.show_cell_path and e.n_updates == 5
    plt.close("all")


def test_explorer_controls_drive_real_runs():
    e = explorers.explore_dashboard()
    assert e.n_updates == 1 and e.result.settings["optimizer"] == "sgd"
    for name in ("depth", "steps"):
        assert e.controls[name].continuous_update is False
    e.controls["steps"].value = 20
    e.controls["optimizer"].value = "adam"
    e.controls["norm"].value = "batch"
    e.controls["depth"].value = 3
    assert e.n_updates == 6  # the optimizer change also reset the learning rate: two runs
    assert e.result.settings == {**e.result.settings, "optimizer": "adam", "norm": "batch",
                                 "depth": 3, "steps": 20}
    assert e.result.loss.shape == (20,)
    plt.close("all")


def test_registry_lists_every_explorer_factory():
    import inspect
    import vgteach.explorers as pkg
    found = {name for name, fn in inspect.getmembers(pkg, inspect.isfunction)
             if name.startswith("explore_")}
    assert {f"explore_{k}" for k in explorers.EXPLORERS} == found
    assert all(fn.__name__ == f"explore_{k}" for k, fn in explorers.EXPLORERS.items())


def test_starting_values_and_unknown_names():
    d = explorers.explore_depth(depth=5, activation="tanh")
    assert d.n_updates == 1 and d.result.depth == 5 and d.result.activation == "tanh"
    with pytest.raises(ValueError, match="'width' names no control"):
        explorers.explore_depth(width=3)
    plt.close("all")


def test_dashboard_learning_rate_control_follows_the_optimizer():
    e = explorers.explore_dashboard(steps=20, depth=2, lr=0.05)
    assert e.result.settings["lr"] == 0.05
    e.controls["optimizer"].value = "adam"
    assert e.result.settings["optimizer"] == "adam"
    assert e.result.settings["lr"] == pytest.approx(DEFAULT_LR["adam"])
    plt.close("all")


def test_hidden_answer_is_collapsed_html():
    html = explorers.hidden_answer("first line\nratio < 1e-3 & more")._repr_html_()
    assert html.startswith("<details") and "<summary>" in html and "open" not in html
    assert "ratio &lt; 1e-3 &amp; more" in html and "first line<br>" in html
