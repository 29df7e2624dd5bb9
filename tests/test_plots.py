import matplotlib

matplotlib.use("agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from vgteach import plots  # noqa: E402
from vgteach.chain import chain_gradients  # noqa: E402


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
