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
    assert e.n_updates == 4 and e.result.lr == 0.01
    loss = e.result.loss.copy()
    e.controls["lr"].value = 0.001                   # the control a skeptic moves first
    assert e.result.lr == pytest.approx(0.001) and not np.allclose(e.result.loss, loss)
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
    assert e.n_updates == 5  # the optimizer change resets the learning rate: one update
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


# ---------------------------------------------------------------- redraw, not rebuild
def test_explorer_keeps_one_plot_and_sends_one_png_per_move():
    e = explorers.explore_depth()
    plot, line, png = e.plot, e.plot.line, bytes(e.image.value)
    assert png.startswith(b"\x89PNG") and e.plot.figure.canvas.manager is None
    e.controls["depth"].value = 4
    assert e.plot is plot and e.plot.line is line and len(plot.ax.get_lines()) == 1
    assert bytes(e.image.value) != png and bytes(e.image.value) == e._png
    assert "4 hidden layers" in e.headline.value and "aria-live" in e.description.value
    assert set(e.timings) >= {"compute", "update", "layout", "draw", "encode", "send", "total"}


def test_explorer_shows_its_figure_where_no_kernel_runs():
    e = explorers.explore_activation(name="tanh")
    data, metadata = e._repr_mimebundle_()
    assert data["application/vnd.jupyter.widget-view+json"]["model_id"] == e.widget.model_id
    html = data["text/html"]
    assert "alt=\"The activation tanh" in html and "live only in a running kernel" in html
    import html as html_lib
    assert "make lab" in html and html_lib.escape(e.plot.headline(e.result)) in html
    import base64
    assert base64.b64decode(data["image/png"]) == bytes(e.image.value)
    assert metadata["image/png"]["alt"].startswith("The activation tanh")


def test_precomputed_caches_by_setting_and_finishes_work_started_ahead():
    from vgteach.measure.residual import compute_residual, residual_steps
    calls = []

    def compute(**values):
        calls.append(values)
        return compute_residual(**values)
    cached = explorers.Precomputed(compute, stepwise=residual_steps)
    settings = dict(depth=3, skip=False, activation="tanh", steps=9, n=30)
    assert not cached.advance(**settings) and not cached.ready(**settings)
    ahead = cached(**settings)                       # finishes the chunks begun ahead
    assert calls == [] and cached.ready(**settings) and cached(**settings) is ahead
    fresh = compute_residual(**settings)
    assert np.array_equal(ahead.loss, fresh.loss)
    assert np.array_equal(ahead.delta_norms, fresh.delta_norms)


def test_dashboard_reuses_its_runs_when_steps_move():
    from vgteach.measure.dashboard import compute_dashboard
    e = explorers.explore_dashboard(depth=2, steps=40)
    runs = e._compute
    run = next(iter(runs._runs.values()))
    assert run.steps_done == 40
    e.controls["steps"].value = 20                   # cut: no training
    assert run.steps_done == 40 and e.result.loss.shape == (20,)
    fresh = compute_dashboard(depth=2, steps=20, lr=e.result.settings["lr"])
    assert np.array_equal(e.result.loss, fresh.loss)
    assert np.array_equal(e.result.saturation, fresh.saturation)
    e.controls["steps"].value = 60                   # extend: 20 more steps only
    assert run.steps_done == 60 and len(runs._runs) == 1
    assert np.array_equal(e.result.grad_norms_end,
                          compute_dashboard(depth=2, steps=60,
                                            lr=e.result.settings["lr"]).grad_norms_end)
    assert runs.advance(**dict(e.values(), steps=80)) is False   # 10 of 20 steps ahead
    assert run.steps_done == 70 and runs.advance(**dict(e.values(), steps=80)) is True


def test_settings_ahead_are_one_move_away_most_likely_first():
    e = explorers.explore_dashboard(depth=2, steps=20)
    e.controls["depth"].value = 3
    ahead = e.ahead()
    assert ahead[0]["depth"] == 4 and ahead[1]["depth"] == 2    # the same way first, then back
    lrs = {a["optimizer"]: a["lr"] for a in ahead if a["optimizer"] != "sgd"}
    assert lrs == {k: DEFAULT_LR[k] for k in ("momentum", "rmsprop", "adam")}  # linked reset
    assert {a["init"] for a in ahead} == {"xavier", "he", "lecun", "orthogonal", "normal"}
    moved = [sum(a[k] != e.values()[k] for k in a if k != "lr") for a in ahead]
    assert set(moved) == {0, 1} and all(a["lr"] != e.values()["lr"]
                                        for a, m in zip(ahead, moved) if m == 0)


def test_explorer_computes_ahead_in_the_event_loop_once_shown():
    import asyncio

    async def main():
        e = explorers.explore_lstm_gates(T=20)
        e._compute_calls = []
        assert not e._compute.ready(**dict(e.values(), T=30))
        e.image._view_count = 1                      # what the browser reports when it shows it
        for _ in range(200):
            await asyncio.sleep(0.02)
            if all(e._compute.ready(**v) for v in e.ahead()):
                break
        return e
    e = asyncio.run(main())
    assert all(e._compute.ready(**v) for v in e.ahead())
    e.controls["T"].value = 30                       # found ready: no new computation
    assert e.timings["compute"] < 0.01 and e.result.T == 30


def test_static_html_shows_the_explorer_figure_and_lesson_figures_with_alt_text(tmp_path):
    """nbconvert (HTML and slides share its template) picks text/html, our fallback, when the
    notebook holds no widget state; with state saved it picks the widget view (CONTRIBUTING.md,
    "Figures and explorers in static renders")."""
    import nbformat
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in [
        "%matplotlib inline\nimport matplotlib.pyplot as plt\n"
        "from vgteach import explorers, plots",
        "ax = plots.plot_layer_norms([1e-4, 1e-2, 1.0], label='sigmoid')\nplt.show()",
        "fig, ax = plt.subplots()\nax.plot([1, 3])\nplots.describe(fig, 'A line from 1 to 3.')",
        "explorers.explore_activation()"]]
    NotebookClient(nb, timeout=300, kernel_name="python3", store_widget_state=False,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    page, _ = HTMLExporter().from_notebook_node(nb)
    assert page.count("alt=\"") >= 3 and "No description has been provided" not in page
    assert "alt=\"A line from 1 to 3.\"" in page and "Per-layer plot" in page
    assert "alt=\"The activation sigmoid" in page and "live only in a running kernel" in page
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {
        "state": {nb.cells[3].outputs[0]["data"]["application/vnd.jupyter.widget-view+json"]
                  ["model_id"]: {}}, "version_major": 2, "version_minor": 0}}
    page, _ = HTMLExporter().from_notebook_node(nb)
    assert "live only in a running kernel" not in page  # the saved widget wins


def test_dashboard_runs_at_the_seed_it_is_given():
    """A lesson opens the dashboard at its own seed (review of lessons 6-7, item 7)."""
    from vgteach.measure.dashboard import compute_dashboard
    e = explorers.explore_dashboard(seed=3, depth=2, steps=20)
    assert e.result.settings["seed"] == 3 and "seed" not in e.controls
    same = compute_dashboard(depth=2, steps=20, seed=3, lr=e.result.settings["lr"])
    other = compute_dashboard(depth=2, steps=20, seed=0, lr=e.result.settings["lr"])
    assert np.array_equal(e.result.loss, same.loss) and not np.array_equal(e.result.loss,
                                                                           other.loss)
    e.controls["steps"].value = 40                   # every later run keeps the seed
    assert np.array_equal(e.result.loss, compute_dashboard(
        depth=2, steps=40, seed=3, lr=e.result.settings["lr"]).loss)
    plt.close("all")


def test_dashboard_shows_a_diverged_run_at_every_later_step_count():
    """lr 1.0 with He init at seed 5 blows up (tests/test_measure_dashboard): the explorer
    says so and keeps the run, whatever the steps slider says from then on."""
    from vgteach.measure.dashboard import compute_dashboard
    settings = dict(depth=8, activation="relu", init="he", lr=1.0)
    e = explorers.explore_dashboard(seed=5, steps=100, **settings)
    expected = compute_dashboard(steps=100, seed=5, **settings)
    assert e.result.diverged_at == expected.diverged_at
    assert np.array_equal(e.result.loss, expected.loss)
    assert f"DIVERGED at step {expected.diverged_at}" in e._headline_html()
    run = next(iter(e._compute._runs.values()))
    for steps in (20, 300):
        assert e._compute.ready(**dict(e.values(), steps=steps))
        e.controls["steps"].value = steps
        assert e.result.diverged_at == expected.diverged_at and len(e._compute._runs) == 1
        assert run.steps_done == expected.diverged_at - 1
    assert e._compute.advance(**dict(e.values(), steps=200)) is True
    plt.close("all")


def _compute_ahead(e, limit):
    """Run the explorer's work ahead to its end, as the event loop would; the number of parts."""
    for n in range(limit):
        todo = [v for v in e.ahead() if not e._compute.ready(**v)]
        if not todo:
            return n
        e._compute.advance(**todo[0])
    raise AssertionError(f"work ahead did not end after {limit} parts: {todo[0]}")


@pytest.mark.parametrize("name", ["dashboard", "residual", "lstm_gates"])
def test_work_ahead_always_ends_and_leaves_every_neighbour_ready(name):
    """Computing ahead runs while the learner looks: every part must make progress, or the
    kernel spins and every widget slows (a run trained past a step count it never stopped at
    once made the dashboard advance forever). Moves up and down the first slider included."""
    e = explorers.EXPLORERS[name](depth=4) if name != "lstm_gates" else \
        explorers.EXPLORERS[name]()
    slider_name = "steps" if name == "dashboard" else next(
        n for n, c in e.controls.items() if hasattr(c, "step"))
    control = e.controls[slider_name]
    for value in (control.value + control.step, control.value, control.value - control.step):
        control.value = value
        _compute_ahead(e, limit=2000)
        assert all(e._compute.ready(**v) for v in e.ahead())
        n_before = e.n_updates
        control.value = value + control.step        # a neighbour: found ready, no training
        assert e._compute.ready(**e.values()) and e.n_updates == n_before + 1
        control.value = value
