import matplotlib

matplotlib.use("agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

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


def _visible_lines(ax):
    return [ln for ln in ax.get_lines() if ln.get_visible()]


def test_plot_lstm_gates_log_axis():
    ax = plots.plot_lstm_gates(compute_lstm_gates(T=20))
    assert ax.get_yscale() == "log" and "forget bias" in ax.get_title()
    assert len(_visible_lines(ax)) == 3 and len(ax.get_legend().get_texts()) == 3
    ax = plots.plot_lstm_gates(compute_lstm_gates(T=20, cell_path=True))
    assert len(_visible_lines(ax)) == 4 and len(ax.get_legend().get_texts()) == 4
    plt.close("all")


def test_lstm_gates_headline_gives_the_values_at_the_first_step():
    """Two settings whose far-back gradients differ by 10x are told apart by their headlines
    (lesson 8's explorer question 1 is answered by reading it, not the log axis)."""
    views = [compute_lstm_gates(forget_bias=fb, T=200, cell_path=True) for fb in (3.5, 4.0)]
    plot = plots.LstmGatesPlot(views[0])
    for view in views:
        text = plot.headline(view)
        assert "199 steps back" in text
        assert f"total {view.lstm_dc[0]:.1e}" in text
        assert f"cell path alone {view.lstm_dc_cell[0]:.1e}" in text
        assert f"RNN ||dL/dh|| {view.rnn_dh[0]:.1e}" in text
    assert views[1].lstm_dc_cell[0] > 3 * views[0].lstm_dc_cell[0]
    plot.update(views[1])
    assert plot.ax.get_title().count("\n") == 1     # settings above, values below
    plt.close("all")


def test_plot_dashboard_takes_none_a_figure_or_three_axes():
    r = compute_dashboard(depth=2, steps=5)
    axes = plots.plot_dashboard(r)
    assert len(axes) == 3 and axes[1].get_yscale() == "log"
    fig = plt.figure()
    assert len(plots.plot_dashboard(r, fig)) == 3 and len(fig.axes) == 3
    _, three = plt.subplots(1, 3)
    assert list(plots.plot_dashboard(r, ax=three)) == list(three)
    _, one = plt.subplots()
    with pytest.raises(ValueError, match="3 panel"):  # no Axes is deleted to make room
        plots.plot_dashboard(r, ax=one)
    plt.close("all")


def test_plot_depth_title_reports_saturation():
    ax = plots.plot_depth(compute_depth(depth=10, weight_scale=16.0, activation="sigmoid"))
    assert "saturated" in ax.get_title() and ax.get_yscale() == "log"
    plt.close("all")


# ---------------------------------------------------------------- plot objects (STYLE rule 17)
def _artists(fig):
    return [id(a) for ax in fig.axes for a in (*ax.get_lines(), *ax.patches, *ax.collections,
                                               *ax.texts)]


@pytest.mark.parametrize("make, results", [
    (plots.DepthPlot, [compute_depth(depth=d, weight_scale=s) for d, s in ((10, 1), (3, 4))]),
    (plots.LstmGatesPlot, [compute_lstm_gates(T=t, cell_path=c) for t, c in ((20, 1), (40, 0))]),
    (plots.ResidualPlot, [compute_residual(depth=d, steps=3, n=30) for d in (3, 6)]),
    (plots.DashboardPlot, [compute_dashboard(depth=d, steps=s) for d, s in ((2, 5), (4, 8))]),
])
def test_plot_objects_update_their_artists_in_place(make, results):
    plot = make(results[0])
    assert isinstance(plot.figure, Figure)
    before, first_png = _artists(plot.figure), plot.png()
    first_data = [np.asarray(ln.get_ydata()).copy() for ln in plot.ax.get_lines()]
    plot.update(results[1])
    assert _artists(plot.figure) == before            # same artists, nothing created or removed
    assert plot.png() != first_png and plot.result is results[1]
    assert any(a.shape != b.shape or not np.array_equal(a, b, equal_nan=True)
               for a, b in zip(first_data, (np.asarray(ln.get_ydata())
                                             for ln in plot.ax.get_lines())))


def test_plot_objects_never_touch_pyplot():
    before = plt.get_fignums()
    plot = plots.DepthPlot(compute_depth(depth=4))
    plot.png()
    assert plt.get_fignums() == before and plot.figure.canvas.manager is None


def test_layout_runs_once_and_again_only_when_a_label_sticks_out():
    plot = plots.DepthPlot(compute_depth(depth=4), headline=False)
    plot.png()
    plot.update(compute_depth(depth=5, weight_scale=2.0))
    plot.png()
    assert plot.timings["relayout"] is False and plot.timings["layout"] < 1.0
    left = plot.ax.get_position().x0
    plot.ax.set_ylabel("a much, much longer label\nthat needs a second line\nand a third")
    plot.png()
    assert plot.timings["relayout"] is True and plot.ax.get_position().x0 > left
    plot.png()
    assert plot.timings["relayout"] is False


def test_layout_is_not_run_again_and_again_when_moving_back_and_forth():
    """A relayout keeps the room earlier layouts gave each panel and axis label, so settings
    whose tick labels differ in width, visited in turn, lay out once more, not on most moves
    (16 of 40 updates of this cycle re-ran it, ~250 ms each, before)."""
    results = [compute_dashboard(depth=4, **s) for s in
               (dict(), dict(lr=0.3), dict(activation="relu"), dict(init="he"), dict(steps=120))]
    plot = plots.DashboardPlot(results[0])
    plot.png()
    relayouts = 0
    for k in range(15):
        plot.update(results[k % 5])
        plot.png()
        relayouts += plot.timings["relayout"]
    assert relayouts <= 2
    assert not plot._sticks_out()  # every label clear of the figure's edge and its ticks


def test_dashboard_draws_its_middle_panel_with_plot_layer_norms_panel():
    from vgteach.plots.basic import LayerNormsPanel
    plot = plots.DashboardPlot(compute_dashboard(depth=3, steps=5))
    assert isinstance(plot.norms, LayerNormsPanel) and plot.norms.ax is plot.axes[1]
    ref = plots.plot_layer_norms(plot.result.grad_norms_start)
    assert ref.get_ylabel().split()[0] == plot.axes[1].get_ylabel().split()[0]
    assert np.array_equal(ref.get_lines()[0].get_xydata(), plot.first.get_xydata())
    plt.close("all")


# ---------------------------------------------------------------- accessibility
def test_every_package_figure_has_alt_text_from_its_data():
    ax = plots.plot_layer_norms([1e-6, 1e-3, 1.0], label="sigmoid")
    text = plots.alt_text(ax.figure)
    assert "log scale" in text and "0.000001" not in text and "1e-06" in text and "sigmoid" in text
    r = compute_dashboard(depth=3, steps=5)
    text = plots.DashboardPlot(r).alt_text()
    assert text.startswith("3 panels.") and f"{r.loss[-1]:.3g}" in text
    assert f"{r.grad_norms_start[0]:.3g}" in text and "layer 3" in text
    fig = plots.plot_weight_distributions([np.ones((2, 2))], [np.full((2, 2), 2.0)])
    assert "layer 1 1e+02%" in plots.alt_text(fig)
    plt.close("all")


def test_describe_gives_a_lesson_figure_alt_text_everywhere():
    fig, (a1, a2) = plt.subplots(1, 2)
    plots.plot_loss([3, 2, 1], ax=a1)
    a2.plot([1, 2])
    plots.describe(a2, "A rising line.")
    text = plots.alt_text(fig)
    assert text.startswith("2 panels. (1) Training curve") and text.endswith("(2) A rising line.")
    plots.describe(fig, "Two panels: loss falls from 3 to 1; a line rises.")
    data, metadata = plots.access.figure_bundle(fig)
    assert set(data) == {"text/html", "image/png", "text/plain"}
    assert 'alt="Two panels: loss falls from 3 to 1; a line rises."' in data["text/html"]
    assert data["image/png"] in data["text/html"]
    assert metadata["image/png"]["alt"].startswith("Two panels")
    assert callable(fig._ipython_display_)        # shown through IPython with this bundle
    with pytest.raises(TypeError, match="alt text as a str"):
        plots.describe(fig, 42)
    plt.close("all")


def test_figure_displays_itself_with_alt_text_in_ipython():
    from IPython.core.interactiveshell import InteractiveShell
    published = []
    shell = InteractiveShell.instance()
    shell.display_pub.publish = lambda data, metadata=None, **kw: published.append(data)
    try:
        fig = Figure()
        plots.plot_layer_norms([1.0, 0.5], ax=fig.add_subplot())
        from IPython.display import display
        display(fig)
    finally:
        InteractiveShell.clear_instance()
    assert len(published) == 1 and "alt=" in published[0]["text/html"]


def test_course_style_is_colour_blind_safe_and_explicit():
    import matplotlib as mpl
    ax = plots.plot_layer_norms([1.0, 0.5])
    plots.plot_layer_norms([2.0, 1.0], ax=ax)
    first, second = ax.get_lines()
    assert first.get_color() == plots.PALETTE[0] and second.get_color() == plots.PALETTE[1]
    assert first.get_linestyle() != second.get_linestyle()
    assert first.get_marker() != second.get_marker()
    assert mpl.rcParams["axes.prop_cycle"].by_key()["color"][0] != plots.PALETTE[0]
    with mpl.rc_context():
        plots.use_course_style()
        cycle = mpl.rcParams["axes.prop_cycle"].by_key()
        assert cycle["color"][:2] == list(plots.PALETTE[:2])
        assert len(set(map(str, cycle["linestyle"]))) == len(plots.PALETTE)
    plt.close("all")


@pytest.mark.parametrize("make, results", [
    (plots.LstmGatesPlot, [compute_lstm_gates(T=t, cell_path=True) for t in (30, 40)]),
    (plots.DashboardPlot, [compute_dashboard(depth=3, steps=8, lr=lr) for lr in (0.5, 0.3)]),
    # tick labels: some kept (steps, the saturation axis), some moved or new (depth 3 -> 5)
    (plots.DashboardPlot, [compute_dashboard(depth=d, steps=8, lr=0.3) for d in (3, 5)]),
    # a legend placed "best" moves with the data (sigmoid -> relu: the other corner); pasting
    # it where it was covered the new lines (1,900 pixels wrong before it was drawn anew)
    (plots.DashboardPlot, [compute_dashboard(depth=8, activation=a) for a in ("sigmoid", "relu")]),
    # the chance line runs along the loss legend's lower edge in the second: an edge row pasted
    # from the first draw lacked it (69 pixels) before the frame filled whole pixels
    (plots.DashboardPlot, [compute_dashboard(depth=12, **s) for s in ({"init": "he"},
                                                                     {"norm": "batch"})]),
    # the inset's axis labels lie over the main panel's lines: pasting their pixels from the
    # last draw brought its lines back (158 pixels)
    (plots.ResidualPlot, [compute_residual(activation=a) for a in ("tanh", "sigmoid")]),
])
def test_pasted_titles_labels_and_legends_look_as_if_drawn(make, results):
    import io
    from PIL import Image
    plot = make(results[0], headline=False)
    plot.png()
    plot.update(results[1])
    pasted = plot.png()  # texts drawn from stamps, unchanged legends pasted from pixels
    assert plot.timings["moved"] and not plot.timings["relayout"]
    drawn = _typeset_png(plot)
    a, b = (np.asarray(Image.open(io.BytesIO(p)), dtype=int) for p in (pasted, drawn))
    # identical but for the odd pixel on a legend box's rounded corner, where a line passes
    differ = np.any(a != b, axis=2)
    assert a.shape == b.shape and differ.sum() <= 20


def _typeset_png(plot):
    """``plot.png()`` with every text typeset and rasterized anew (no pasted pixels, stamps or
    masks); the plot keeps what it had kept."""
    renderer = plot._canvas.get_renderer()
    kept = plot._pixels, plot._stamps, renderer._masks
    plot._pixels, plot._stamps, renderer._masks = {}, {}, {}
    try:
        return plot.png()
    finally:
        plot._pixels, plot._stamps, renderer._masks = kept


@pytest.mark.parametrize("headline", [False, True])
def test_explorer_frames_look_as_if_drawn_anew_over_many_moves(headline):
    """Tick labels move between panels and places (depth 3 -> 20: crowded labels), the headline
    changes, a legend's edge meets a line: every frame as if typeset from scratch."""
    import io
    from PIL import Image
    results = [compute_dashboard(depth=d, steps=12, lr=lr, activation=a)
               for d in (3, 12, 20) for lr, a in ((0.3, "sigmoid"), (0.03, "relu"))]
    plot = plots.DashboardPlot(results[0], headline=headline)
    plot.png()
    moved, pasted, worst = 0, 0, 0
    for k in range(9):  # the first frame shows the same result again: nothing moves
        plot.update(results[(k * 5) % len(results)])
        png = plot.png()
        moved, pasted = moved + plot.timings["moved"], pasted + plot.timings["pasted"]
        a, b = (np.asarray(Image.open(io.BytesIO(p)), dtype=int) for p in (png, _typeset_png(plot)))
        worst = max(worst, int(np.any(a != b, axis=2).sum()))
    assert moved > 50 and pasted >= 9 and worst <= 20, (moved, pasted, worst)


def test_text_drawn_from_a_kept_mask_is_drawn_glyph_by_glyph():
    """``_TextRenderer`` blends a mask of a level text's ink: the pixels Agg's own
    glyph-by-glyph drawing gives from the nearest whole-pixel origin, in any colour, over a
    line, for mathtext too, the second time (from the mask kept) as the first; turned text is
    drawn as usual from there."""
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties
    from matplotlib.path import Path
    from matplotlib.transforms import Affine2D
    from vgteach.plots.base import _TextRenderer

    def draw(renderer, text, x, y, s, ismath, angle, color):
        renderer.clear()
        gc = renderer.new_gc()
        gc.set_foreground((0.9, 0.2, 0.1, 1), isRGBA=True)
        gc.set_linewidth(2)
        renderer.draw_path(gc, Path([(0, 40), (220, 70)]), Affine2D())
        gc = renderer.new_gc()
        gc.set_foreground(color, isRGBA=True)
        text(renderer, gc, x, y, s, FontProperties(size=10), angle, ismath=ismath)
        return np.asarray(renderer.buffer_rgba()).copy()

    mine = _TextRenderer(220, 120, 100)
    for s, ismath, angle in [("0.693", False, 0), ("Wavy AVAT fj", False, 0),
                             (r"$\mathdefault{10^{-3}}$", True, 0), (r"$\|\delta_l\|$", True, 0),
                             (r"$\|\delta_l\|$ (log)", True, 90), ("–0.5", False, 30)]:
        for color in [(0, 0, 0, 1), (0.2, 0.4, 0.7, 0.6)]:
            ref = draw(RendererAgg(220, 120, 100), RendererAgg.draw_text, 30, 81, s, ismath,
                       angle, color)
            for _ in range(2):
                got = draw(mine, _TextRenderer.draw_text, 30.4, 80.6, s, ismath, angle, color)
                assert np.array_equal(got, ref), (s, color, angle)
    assert len(mine._masks) == 4  # one per level text: colours share it


def test_no_pyplot_in_package_code():
    """Plots, explorers and their displays never import pyplot (a fresh interpreter)."""
    import subprocess
    import sys
    script = (
        "import sys\n"
        "from vgteach import explorers, plots\n"
        "from vgteach.measure.depth import compute_depth\n"
        "e = explorers.explore_depth(depth=3); e.controls['depth'].value = 4\n"
        "e._repr_mimebundle_()\n"
        "plots.access.figure_bundle(plots.DepthPlot(compute_depth(depth=3)).figure)\n"
        "plots.plot_layer_norms([1.0, 0.1])\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
        "print('ok')\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr


def test_plot_plateaus_marks_runs_that_never_left_and_describes_the_means():
    from vgteach.measure.plateau import PlateauSweep
    end = np.array([[[40, 50], [20, 30]], [[160, 90], [100, -1]]])
    sweep = PlateauSweep(depths=(1, 2), lrs=(0.5, 1.5), seeds=(0, 1), end=end, level=2.9,
                         steps=500, loss=np.zeros((2, 2, 2, 500)))
    ax = plots.plot_plateaus(sweep)
    lines = ax.get_lines()
    mean_05, mean_15 = lines[0].get_ydata(), lines[2].get_ydata()
    np.testing.assert_allclose(mean_05, [np.sqrt(40 * 50), np.sqrt(160 * 90)])
    assert np.isfinite(mean_15[0]) and np.isnan(mean_15[1])  # a run that never left: no mean
    never = [ln for ln in lines if ln.get_marker() == "x"]
    assert len(never) == 1 and never[0].get_ydata().tolist() == [500]
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "hidden layers"
    balanced = PlateauSweep((1, 2), (0.5,), (0, 1), end[:, :1] // 2, 2.9, 500,
                            np.zeros((2, 1, 2, 500)), balanced=True)
    plots.plot_plateaus(balanced, ax=ax, label="control")
    text = plots.alt_text(ax.figure)
    assert "lr 0.5: geometric mean 44.7 at 1, 120 at 2" in text
    assert "1 of 4 runs never left the plateau" in text
    assert "control, lr 0.5, per-layer rates: geometric mean 22.4 at 1" in text
    assert plots.plot_plateaus(sweep, lrs=(1.5,)).get_lines()[0].get_label() == "lr 1.5"
    plt.close("all")


def test_root_figure_without_the_root_keyword():
    """matplotlib < 3.10 (the browser edition's 3.8) has no get_figure(root=True)."""
    from matplotlib.figure import Figure

    from vgteach.plots.access import root_figure

    fig = Figure()
    sub = fig.subfigures(1, 2)[1]
    ax = sub.add_subplot()

    class OldAxes:  # what an Axes answers on matplotlib 3.8
        figure = sub

        def get_figure(self):
            return self.figure

    assert root_figure(ax) is fig and root_figure(sub) is fig and root_figure(fig) is fig
    assert root_figure(OldAxes()) is fig


def test_dashboard_says_where_a_run_diverged_and_draws_no_nan():
    """Lesson 4 at lr 1.0, seed 5: the run blows up at step 6 (tests/test_measure_dashboard)."""
    diverged = compute_dashboard(depth=8, activation="relu", init="he", lr=1.0, steps=100,
                                 seed=5)
    n = diverged.diverged_at
    plot = plots.DashboardPlot(compute_dashboard(depth=8, steps=20))
    before = _artists(plot.figure)
    plot.update(diverged)
    plot.png()
    assert _artists(plot.figure) == before
    assert f"DIVERGED at step {n}" in plot.headline(diverged)
    assert plot.axes[0].get_title() == f"Loss: diverged at step {n}"
    assert plot.diverged.get_visible() and list(plot.diverged.get_xdata()) == [n, n]
    text = plot.alt_text()
    assert f"diverged at step {n}" in text and f"over {n - 1} steps" in text
    assert plot.axes[0].get_xlim()[1] >= n and plot.axes[0].get_ylim()[1] > diverged.loss.max()
    for ax in plot.axes:
        for line in ax.get_lines():
            assert np.all(np.isfinite(np.asarray(line.get_xydata(), dtype=float)))
    plot.update(compute_dashboard(depth=8, activation="relu", init="he", steps=100, seed=5))
    assert not plot.diverged.get_visible() and plot.axes[0].get_title() == "Loss"
    assert "DIVERGED" not in plot.headline(plot.result) and "diverged" not in plot.alt_text()
    assert plot.axes[0].get_ylim()[1] < 2          # the blow-up's scale is gone


def test_dashboard_draws_a_run_that_diverged_at_step_2_as_a_dot():
    r = compute_dashboard(depth=20, activation="relu", init="xavier", optimizer="rmsprop",
                          lr=1.0, steps=20)
    assert r.diverged_at == 2 and r.loss.shape == (1,)
    plot = plots.DashboardPlot(r)
    assert plot.loss.get_marker() == "o" and "over 1 step:" in plot.alt_text()
    plot.update(compute_dashboard(depth=2, steps=20))
    assert plot.loss.get_marker() == "None" and "over 20 steps:" in plot.alt_text()


def test_describe_lines_names_reference_lines_and_the_log_scale_once():
    from matplotlib.figure import Figure
    ax = Figure().subplots()
    ax.plot([1, 2, 3], [1.0, 0.1, 0.01], label="gain")
    ax.axhline(0.25, ls=":")
    ax.set_yscale("log")
    ax.set_ylabel("gain (log)")
    ax.set_xlabel("layer")
    text = plots.access.describe_lines(ax)
    assert text.count("log") == 1, text
    assert "gain: from 1 at 1 to 0.01 at 3" in text
    ax.set_ylabel("gain")
    assert "gain (log scale) against layer" in plots.access.describe_lines(ax)
    ax2 = Figure().subplots()
    ax2.axhline(0.25)
    ax2.axvline(2.0)
    text = plots.access.describe_lines(ax2)
    assert "a horizontal line at 0.25." in text and "a vertical line at 2." in text, text


def test_explorer_png_is_the_canvas_pixel_for_pixel():
    import io
    from PIL import Image
    plot = plots.DashboardPlot(compute_dashboard(depth=3, steps=8), headline=False)
    png = plot.png()
    decoded = np.asarray(Image.open(io.BytesIO(png)))
    assert decoded.shape[2] == 3 and len(png) < decoded.size // 5  # RGB, compressed
    assert np.array_equal(decoded, np.asarray(plot._canvas.buffer_rgba())[:, :, :3])


# ---------------------------------------------------------------- static figures: one draw
def _png_pixels(png):
    import io
    from PIL import Image
    image = Image.open(io.BytesIO(png))
    return image.mode, np.asarray(image).astype(int)


def _one_panel():
    fig, ax = plt.subplots(figsize=(6.5, 3.0), layout="constrained")
    plots.plot_layer_norms([1e-6, 1e-4, 1e-2, 0.5, 1.0], ax=ax, title="4-layer sigmoid net")
    return fig


def _two_log_panels():
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(9, 3.2), layout="constrained")
    x = np.arange(1, 201)
    for k in range(4):
        a1.semilogy(x, np.exp(-x / (20 + k * 10)), label=f"layer {k}")
        a2.loglog(x, x ** (-0.5 - k / 4), label=rf"$\|\delta_{k}\|$")
    a1.set(xlabel="step", ylabel=r"$\|\partial L/\partial W_l\|$", title="weight gradients")
    a2.set(xlabel="step (log)", ylabel=r"$\|\delta_l\|$ (log)", title="error terms")
    a1.legend(fontsize="small")
    a2.legend(fontsize="x-small", ncol=2)
    return fig


def _suptitle_at_72_dpi():  # 201.6 pixels high: print_figure's canvas ends mid-pixel
    fig, axes = plt.subplots(1, 3, figsize=(6.5, 2.8), dpi=72, layout="constrained")
    rng = np.random.default_rng(0)
    for i, ax in enumerate(axes):
        ax.hist(rng.normal(size=300) * (i + 1), bins=20)
        ax.set(title=f"layer {i + 1}", xlabel="activation")
    fig.suptitle("Activations per layer")
    return fig


def _colorbar():
    fig, ax = plt.subplots(figsize=(5, 3.6), layout="constrained")
    z = np.outer(np.linspace(-3, 3, 40), np.linspace(0.1, 2, 30))
    fig.colorbar(ax.imshow(np.tanh(z), aspect="auto", origin="lower"), ax=ax,
                 label=r"$\tanh(wz)$")
    ax.set(xlabel="weight scale", ylabel="input", title="Saturation")
    return fig


def _described_without_pyplot():
    fig = Figure(figsize=(6.5, 3.2), layout="constrained")
    ax = fig.add_subplot()
    for i, w in enumerate((0.17, 1.0, 4.0)):
        ax.semilogy(np.arange(1, 21), w ** np.arange(20) + 1e-30, label=f"w = {w}",
                    **plots.series_style(i))
    ax.axhline(0.25, color="0.35", linestyle=":", label="0.25")
    ax.set(xlabel="layer i", ylabel=r"$|\partial \hat y / \partial w_i|$", title="Same chain")
    ax.legend(fontsize="small")
    plots.describe(fig, "Log scale: three chains, from 1e-15 to 3e+11.")
    return fig


def _transparent():
    fig, ax = plt.subplots(figsize=(4, 3), layout="constrained", facecolor=(1, 1, 1, 0))
    ax.plot([1, 2, 3], [3, 1, 2], label="a line")
    ax.set(xlabel="x", ylabel="y", title="Transparent background")
    ax.legend()
    return fig


STATIC_FIGURES = [_one_panel, _two_log_panels, _suptitle_at_72_dpi, _colorbar,
                  _described_without_pyplot, _transparent]


def _whole_pixel_box(fig):
    """print_figure's tight box (padded), moved to the nearest whole pixel as ``tight_png``
    crops it, in inches."""
    import matplotlib as mpl
    from matplotlib.transforms import Bbox
    dpi = fig.dpi
    box = fig.get_tightbbox().padded(mpl.rcParams["savefig.pad_inches"])
    w, h = int(box.width * dpi), int(box.height * dpi)
    left = round(box.x0 * dpi)
    bottom = int(fig.bbox.height) - h - round(int(fig.bbox.height) - h - box.y0 * dpi)
    eps = 1e-6  # so that print_figure's int() of the size gives w and h back
    return Bbox.from_bounds(left / dpi, bottom / dpi, (w + eps) / dpi, (h + eps) / dpi)


@pytest.mark.parametrize("make", STATIC_FIGURES, ids=lambda make: make.__name__[1:])
def test_static_figure_is_the_inline_backends_to_half_a_pixel(make):
    """A lesson's figure, drawn once and cropped, is what the inline backend shows, moved by
    less than half a pixel: the same size as print_figure's tight PNG, and the same pixels as
    print_figure gives when its box starts on the nearest whole pixel instead of a fraction
    of one (a colormapped image is resampled a little differently: 9 levels of 255 at most,
    measured; a bar's edge on a half pixel may round to the next one). Drawn a whole pixel
    off, 3-6 % of the pixels differ by more than 16 levels (measured)."""
    import matplotlib as mpl
    from IPython.core.pylabtools import print_figure
    with mpl.rc_context():
        plots.use_course_style()
        fig = make()
        data, _ = plots.access.figure_bundle(fig)
        png = __import__("base64").b64decode(data["image/png"])
        today = print_figure(fig, "png", bbox_inches="tight")
        aligned = print_figure(fig, "png", bbox_inches=_whole_pixel_box(fig))
    plt.close("all")
    mode, new = _png_pixels(png)
    _, old = _png_pixels(today)
    _, ref = _png_pixels(aligned)
    opaque = make is not _transparent
    assert mode == ("RGB" if opaque else "RGBA")
    assert np.all(old[..., 3] == 255) == opaque  # matplotlib writes RGBA
    assert new.shape[:2] == old.shape[:2] == ref.shape[:2]
    differ = np.abs(new - ref[..., :new.shape[2]]).max(axis=2) > 16
    assert differ.mean() < 1 / 2000, f"{differ.sum()} of {differ.size} pixels differ"


def test_static_figure_falls_back_when_something_sticks_out():
    """Text outside the figure shows in the inline backend's larger canvas; a crop of the
    figure's own could not show it, so the inline backend's call renders it."""
    from IPython.core.pylabtools import print_figure

    from vgteach.plots.render import tight_png
    fig = _one_panel()
    fig.text(1.3, 0.5, "outside")
    assert tight_png(fig) is None
    data, _ = plots.access.figure_bundle(fig)
    png = __import__("base64").b64decode(data["image/png"])
    assert png == print_figure(fig, "png", bbox_inches="tight")
    assert _png_pixels(png)[1].shape[1] > fig.bbox.width * 1.2  # the text is in it
    plt.close("all")


def test_static_figure_pads_as_set_and_falls_back_off_agg():
    import matplotlib as mpl
    from IPython.core.pylabtools import print_figure
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    from vgteach.plots.render import tight_png
    fig = _described_without_pyplot()
    with mpl.rc_context({"savefig.pad_inches": 0.5}):
        wide = _png_pixels(tight_png(fig))[1]
        assert wide.shape[:2] == _png_pixels(print_figure(fig, "png", bbox_inches="tight"))[
            1].shape[:2]
    assert wide.shape[1] - _png_pixels(tight_png(fig))[1].shape[1] == 80  # 2 x 0.4 in
    canvas = FigureCanvasSVG(fig)
    assert tight_png(fig) is None
    assert _png_pixels(__import__("base64").b64decode(
        plots.access.figure_bundle(fig)[0]["image/png"]))[0] == "RGBA"  # print_figure's
    assert fig.canvas is canvas
    assert tight_png(Figure()) is None  # nothing to show: print_figure returns None
    framed = _one_panel()
    framed.patch.set(linewidth=2, edgecolor="red")  # print_figure frames its own canvas
    assert tight_png(framed) is None
    plt.close("all")


@pytest.mark.parametrize("make", [_two_log_panels, _described_without_pyplot])
def test_static_figure_is_left_as_it_was_and_shows_the_same_twice(make):
    fig = make()
    state = (fig.canvas, type(fig.canvas), fig.dpi, fig.get_layout_engine(),
             tuple(fig.get_size_inches()), fig.canvas.manager)
    first = plots.access.figure_bundle(fig)
    assert (fig.canvas, type(fig.canvas), fig.dpi, fig.get_layout_engine(),
            tuple(fig.get_size_inches()), fig.canvas.manager) == state
    assert not fig.canvas.is_saving() and fig.get_layout_engine().get()["w_pad"] > 0
    assert plots.access.figure_bundle(fig) == first
    plt.close("all")


def test_static_figure_drawn_by_pyplot_is_not_drawn_again(monkeypatch):
    """After a cell IPython's pyplot hook draws every stale figure, then the inline backend
    shows it: those pixels are used as they are, and a figure changed since is drawn anew."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from vgteach.plots.render import tight_png
    fig = _two_log_panels()
    fig.canvas.draw_idle()  # what pyplot's post_execute hook does (Gcf.draw_all)
    draws = []
    real_draw = FigureCanvasAgg.draw
    monkeypatch.setattr(FigureCanvasAgg, "draw",
                        lambda canvas, *a, **k: draws.append(1) or real_draw(canvas, *a, **k))
    reused = tight_png(fig)
    assert draws == []
    fig.stale = True  # the same figure, drawn anew: the same picture
    assert tight_png(fig) == reused and draws == [1]
    fig.canvas.draw_idle()
    fig.axes[0].set_title("changed after the draw")
    changed = tight_png(fig)
    assert draws == [1, 1, 1] and changed != reused
    fig.canvas.draw_idle()
    fig.axes[0].lines[0].set_animated(True)  # left out of a draw outside saving
    fig.stale = False
    tight_png(fig)
    assert len(draws) == 5
    fig.canvas.draw_idle()
    fig.set_dpi(fig.dpi * 2)  # stale, and a renderer of another size
    fig.stale = False
    assert tight_png(fig) is not None and len(draws) == 7
    plt.close("all")


def test_png_writer_keeps_alpha_only_when_asked_and_writes_the_dpi():
    from vgteach.plots.render import _encode
    rgba = np.random.default_rng(0).integers(0, 256, (7, 5, 4), dtype=np.uint8)
    mode, rgb = _png_pixels(_encode(rgba))
    assert mode == "RGB" and np.array_equal(rgb, rgba[..., :3])
    mode, back = _png_pixels(_encode(rgba[1:6, 2:], alpha=True, dpi=72, level=6))
    assert mode == "RGBA" and np.array_equal(back, rgba[1:6, 2:])
    import io
    from PIL import Image
    assert Image.open(io.BytesIO(_encode(rgba, dpi=72))).info["dpi"] == pytest.approx((72, 72),
                                                                                         abs=0.01)
