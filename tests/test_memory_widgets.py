import matplotlib

matplotlib.use("agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from vgteach import memory_widgets as mw  # noqa: E402


def test_compute_residual_plain_vs_skip():
    plain = mw.compute_residual(depth=20, skip=False, activation="sigmoid", steps=5, n=30)
    res = mw.compute_residual(depth=20, skip=True, activation="sigmoid", steps=5, n=30)
    assert plain.delta_norms.shape == (21,) and plain.loss.shape == (5,)
    assert plain.first_to_last < 1e-8 < 1e-2 < res.first_to_last


def test_compute_residual_is_pure_and_deterministic():
    a = mw.compute_residual(depth=4, steps=3, n=30)
    b = mw.compute_residual(depth=4, steps=3, n=30)
    assert np.array_equal(a.delta_norms, b.delta_norms) and np.array_equal(a.loss, b.loss)


def test_plot_residual_returns_axes():
    ax = mw.plot_residual(mw.compute_residual(depth=3, steps=3, n=30))
    assert "residual" in ax.get_title() and ax.get_yscale() == "log"
    plt.close("all")


def test_explore_residual_controls_drive_the_result():
    e = mw.explore_residual()
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


def test_compute_lstm_gates_forget_bias_keeps_gradient():
    low = mw.compute_lstm_gates(forget_bias=-2.0, T=60)
    high = mw.compute_lstm_gates(forget_bias=4.0, T=60)
    assert low.lstm_dc.shape == low.rnn_dh.shape == (60,)
    assert np.array_equal(low.steps_back, np.arange(60)[::-1])
    assert high.mean_forget > 0.9 > 0.2 > low.mean_forget
    assert high.lstm_dc[0] > 1e-3 > 1e-15 > low.lstm_dc[0]
    assert np.array_equal(low.rnn_dh, high.rnn_dh)  # same RNN for comparison


def test_compute_lstm_gates_input_bias_sets_gate():
    v = mw.compute_lstm_gates(input_bias=2.0, T=10)
    assert v.input_bias == 2.0 and np.all(np.isfinite(v.lstm_dh))


def test_plot_lstm_gates_log_axis():
    ax = mw.plot_lstm_gates(mw.compute_lstm_gates(T=20))
    assert ax.get_yscale() == "log" and "forget bias" in ax.get_title()
    assert len(ax.get_lines()) == 3
    ax = mw.plot_lstm_gates(mw.compute_lstm_gates(T=20, cell_path=True))
    assert len(ax.get_lines()) == 4
    plt.close("all")


def test_cell_path_alone_is_a_product_of_forget_gates():
    v = mw.compute_lstm_gates(forget_bias=3.0, T=100)
    assert v.lstm_dc_cell[-1] == v.lstm_dc[-1]           # no later step: all of it is cell path
    assert np.all(np.diff(v.lstm_dc_cell) > 0)            # f < 1: shrinks every step back
    assert v.lstm_dc_cell[0] < 1e-2 * v.lstm_dc[0]        # most of the total came through h
    ib = [mw.compute_lstm_gates(input_bias=b, T=100) for b in (-3.0, 3.0)]
    assert ib[1].lstm_dc[0] > 1e6 * ib[0].lstm_dc[0]      # the input gate moves the total (via h)


def test_explore_lstm_gates_controls_drive_the_result():
    e = mw.explore_lstm_gates()
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
