import matplotlib

matplotlib.use("agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from vgteach import plots  # noqa: E402
from vgteach.chain import chain_gradients  # noqa: E402
from vgteach.measure.dashboard import compute_dashboard  # noqa: E402
from vgteach.measure.depth import compute_depth  # noqa: E402
from vgteach.measure.residual import compute_residual  # noqa: E402
from vgteach.measure.through_time import compute_lstm_gates  # noqa: E402
from vgteach.mlp import MLP  # noqa: E402
from vgteach.train import train  # noqa: E402


def test_helpers_take_and_return_ax_and_label_everything():
    fig, axes = plt.subplots(1, 5)
    out = [
        plots.plot_activation("tanh", ax=axes[0], saturation=0.1),
        plots.plot_layer_norms([1e-6, 1e-3, 1.0], ax=axes[1], label="sigmoid"),
        plots.plot_chain_factors(chain_gradients(np.full(5, 0.5), 1.0), ax=axes[2]),
        plots.plot_loss([3, 2, 1], ax=axes[3], baseline=1.5),
        plots.plot_norm_history(np.ones((4, 3)), ax=axes[4]),
    ]
    assert out == list(axes)
    for ax in axes:
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    assert axes[1].get_yscale() == "log" and axes[4].get_yscale() == "log"
    plt.close(fig)


def test_new_figure_when_no_ax():
    ax = plots.plot_layer_norms([1.0, 0.0, 2.0])  # a zero norm is skipped, not log(0)
    assert ax.figure is not None
    plt.close(ax.figure)


def test_factor_table_shows_the_requested_layers():
    g = chain_gradients(np.full(20, 0.17), 1.0)
    ax = plots.plot_factor_table(g)
    table = ax.tables[0]
    assert table[(0, 4)].get_text().get_text() == "w_i f'(z_i)"
    assert table[(1, 0)].get_text().get_text() == "1"
    assert table[(5, 0)].get_text().get_text() == "20"
    assert table[(1, 3)].get_text().get_text() == "0.17"
    plt.close(ax.figure)


def test_chain_factors_has_integer_ticks_and_headroom_above_one():
    ax = plots.plot_chain_factors(chain_gradients(np.full(20, 0.17), 1.0), fname=r"\sigma")
    assert list(ax.get_xticks()) == list(range(1, 21))
    assert ax.get_ylim()[1] > 1 and ax.get_ylim()[0] < 1e-27
    assert r"\sigma'" in ax.get_legend().get_texts()[0].get_text()
    plt.close(ax.figure)


def test_plot_helpers_return_axes_and_figure():
    net = MLP([4, 8, 8, 3], activation="tanh", seed=0)
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(32, 4)), rng.integers(0, 3, size=32)
    before = [W.copy() for W in net.weights]
    _, g = net.loss_and_grads(X, y, loss="cross_entropy")
    ax = plots.plot_activation_histograms(g.a[1:], "tanh")
    assert len(ax.get_lines()) == 2 and "sat." in ax.get_legend().get_texts()[0].get_text()
    ax = plots.plot_gradient_histograms(g.dW)
    assert len(ax.get_lines()) == 3 and "log10" in ax.get_xlabel()
    ax = plots.plot_gradient_histograms(g.delta, name="delta")
    assert "delta" in ax.get_title()
    hist = train(net, X, y, steps=5, lr=0.1, loss="cross_entropy")
    ax = plots.plot_update_ratios(hist.update_ratio)
    assert ax.get_yscale() == "log" and len(ax.get_lines()) == 4  # 3 layers + reference
    fig = plots.plot_weight_distributions(before, net.weights)
    assert len(fig.axes) == 3 and "moved" in fig.axes[0].get_title()
    ax = plots.plot_layer_bars(g.delta_norms, ylabel="||delta||")
    assert ax.get_yscale() == "log" and len(ax.patches) == 3
    _, ax2 = plt.subplots()
    assert plots.plot_activation_histograms(g.a[1:], "tanh", ax=ax2) is ax2


def test_plot_residual_returns_axes():
    ax = plots.plot_residual(compute_residual(depth=3, steps=3, n=30))
    assert "residual" in ax.get_title() and ax.get_yscale() == "log"
    plt.close("all")


def test_plot_lstm_gates_log_axis():
    ax = plots.plot_lstm_gates(compute_lstm_gates(T=20))
    assert ax.get_yscale() == "log" and "forget bias" in ax.get_title()
    assert len(ax.get_lines()) == 3
    ax = plots.plot_lstm_gates(compute_lstm_gates(T=20, cell_path=True))
    assert len(ax.get_lines()) == 4
    plt.close("all")


def test_plot_accepts_none_figure_or_axes():
    r = compute_dashboard(depth=2, steps=5)
    axes = plots.plot_dashboard(r)
    assert len(axes) == 3 and axes[1].get_yscale() == "log"
    fig = plt.figure()
    assert len(plots.plot_dashboard(r, fig)) == 3
    _, ax = plt.subplots()
    axes = plots.plot_dashboard(r, ax=ax)
    assert len(axes[0].figure.axes) == 3
    plt.close("all")


def test_plot_depth_title_reports_saturation():
    ax = plots.plot_depth(compute_depth(depth=10, weight_scale=16.0, activation="sigmoid"))
    assert "saturated" in ax.get_title() and ax.get_yscale() == "log"
    plt.close("all")
