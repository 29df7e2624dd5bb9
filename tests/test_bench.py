"""The benchmark code runs and returns well-formed results (tiny sizes, no timing assertions).

PyTorch is never imported here: the comparisons are called with ``torch=None``.
"""
import math
import os

import ipywidgets
import nbformat
import numpy as np

from bench import engine, explorers, machine, report, series
from vgteach import explorers as vg_explorers


def test_machine_description_names_the_stack():
    info = machine.describe({"OMP_NUM_THREADS": "3"})
    assert {"CPU", "vector units", "cores", "Python", "NumPy", "BLAS", "torch",
            "threads"} <= set(info)
    assert info["threads in a learner's kernel"].startswith("OMP_NUM_THREADS=3, "
                                                            "OPENBLAS_NUM_THREADS=unset")


def test_engine_without_torch_times_vgteach_only():
    mlp = engine.compare_mlp(depth=2, width=4, batch=3, repeat=2, torch=None)
    assert mlp["vgteach_ms"] > 0 and mlp["ratio"] is None and mlp["max_rel_diff"] is None
    lstm = engine.compare_lstm(T=3, H=2, N=2, D=2, repeat=2, torch=None)
    assert lstm["vgteach_ms"] > 0 and lstm["fused_ratio"] is None


def test_rel_diff_is_relative_to_each_array():
    assert engine.rel_diff([np.array([1.0, 2.0])], [np.array([1.0, 2.0])]) == 0.0
    assert math.isclose(engine.rel_diff([np.array([1e-9, 0.0])], [np.array([2e-9, 0.0])]), 0.5)


def test_gate_reordering_is_its_own_inverse():
    w = np.arange(8.0)
    assert np.array_equal(engine._to_torch_gates(engine._to_torch_gates(w, 0), 0), w)


def test_scaling_rows():
    rows = engine.scaling(repeat=1, sizes={"MLP depth": ("depth", (1, 2)),
                                           "LSTM sequence length": ("T", (2,))})
    assert [(r["param"], r["value"]) for r in rows] == [("depth", 1), ("depth", 2), ("T", 2)]
    assert all(r["ms"] > 0 and r["ms_per_unit"] > 0 for r in rows)


def test_explorers_are_discovered_and_measured_part_by_part():
    found = explorers.discover()
    assert set(found) == {f"explore_{k}" for k in vg_explorers.EXPLORERS}
    explorer = found["explore_depth"](depth=3)
    result = explorers.measure(explorer, n_values=2)
    # depth 1, 40; weight scale 0.1, 16; tanh (sigmoid is current); each control then goes back
    assert result["n"] == 5 and explorer.n_updates == 1 + 5 + 3
    assert result["worst_ms"] >= result["median_ms"] > 0
    parts = [result[f"{p}_ms"] for p in explorers.PARTS]
    assert all(p >= 0 for p in parts) and result["draw_ms"] > 0 and result["encode_ms"] > 0
    assert sum(parts) <= result["median_ms"] * 3


def test_browser_bench_notebook_has_the_floor_and_every_explorer():
    nb = explorers.bench_notebook(["explore_depth", "explore_residual"])
    sources = [c.source for c in nb.cells]
    assert "vgteach-floor" in sources[0] and "observe" in sources[0]
    assert "explore_depth()" in sources[1] and "bench-explore_residual" in sources[2]


def test_learner_env_drops_what_a_test_or_bench_run_sets():
    from bench import lab
    env = lab.learner_env({"OMP_NUM_THREADS": "1", "PATH": "/bin", "PYTHONWARNINGS": "error"})
    assert env == {"PATH": "/bin"}


def test_sweep_values_cover_each_kind_of_control():
    assert explorers.sweep_values(ipywidgets.Dropdown(options=["a", "b"]), 5) == ["a", "b"]
    assert explorers.sweep_values(ipywidgets.IntSlider(value=1, min=1, max=3), 3) == [1, 2, 3]
    assert explorers.sweep_values(ipywidgets.Checkbox(value=True), 4) == [False, True]


def test_series_finds_notebooks_and_runs_a_kernel(tmp_path, monkeypatch):
    (tmp_path / "notebooks").mkdir()
    nbformat.write(series.floor_notebook(), tmp_path / "notebooks" / "01_x.ipynb")
    paths = series.find_notebooks(tmp_path)
    assert [p.name for p in paths] == ["01_x.ipynb"]
    seconds, peak_kib, errors = series.run_notebook(series.floor_notebook(), tmp_path)
    assert seconds > 0 and peak_kib > 0 and errors == 0

    seen_envs = []

    def fake_run(nb, cwd, timeout, env=None):
        seen_envs.append(env)
        return (3.0 if env else 2.0), 2048, 0
    monkeypatch.setattr(series, "run_notebook", fake_run)
    result = series.series_vs_floor(paths)
    assert result["ratio"] == 1.0 and result["peak_mib"] == 2.0 and len(result["slowest"]) == 1
    assert "default_seconds" not in result["notebooks"][0] and seen_envs == [None, None]
    result = series.series_vs_floor(paths, default_env={"X": "1"}, pairs=1)
    assert seen_envs[2:] == [None, {"X": "1"}, None]  # own run, learner's kernel, floor
    assert result["notebooks"][0]["default_ratio"] == 1.5 == result["default_ratio_max"]
    assert "1.50x" in "\n".join(report.series_lines(result))
    times = iter([2.0, 9.0, 3.0, 2.5, 1.0, 3.5, 1.0])  # own, default, default, own, own, default
    del seen_envs[:]
    monkeypatch.setattr(series, "run_notebook",
                        lambda nb, cwd, timeout, env=None: seen_envs.append(env) or
                        (next(times), 2048, 0))
    result = series.series_vs_floor(paths, default_env={"X": "1"})  # three pairs, taking turns
    x = {"X": "1"}
    assert seen_envs == [None, x, x, None, None, x, None]  # ..., floor
    row = result["notebooks"][0]
    assert row["seconds"] == 2.0 and row["one_thread_median"] == 2.0  # of 2.0, 2.5, 1.0
    assert row["default_seconds"] == 3.5 and row["default_ratio"] == 1.75  # of 9.0, 3.0, 3.5


def test_a_lesson_that_stores_runs_also_runs_computing_everything(tmp_path, monkeypatch):
    (tmp_path / "notebooks").mkdir()
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("seed = 0\nuse_stored = True")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(
        "assert use_stored is True, 'computing everything'")]
    nbformat.write(nb, tmp_path / "notebooks" / "03_x.ipynb")
    nbformat.write(series.floor_notebook(), tmp_path / "notebooks" / "01_y.ipynb")
    injected = series.computing_everything(nb)
    assert injected.cells[1].source == "use_stored = False" and len(nb.cells) == 2
    assert series.computing_everything(series.floor_notebook()) is None
    assert series.run_notebook(injected, tmp_path)[2] == 1   # the injection reaches the kernel
    runs = []

    def fake_run(nb, cwd, timeout, env=None):
        computing = any(c.source == "use_stored = False" for c in nb.cells)
        runs.append(computing)
        return (5.0 if computing else 2.0), 1024, 0
    monkeypatch.setattr(series, "run_notebook", fake_run)
    result = series.series_vs_floor(series.find_notebooks(tmp_path))
    assert runs == [False, False, False, True, False]   # 01: own, floor; 03: own, computed, floor
    assert result["computed_series_seconds"] == 7.0 and result["series_seconds"] == 4.0
    assert result["computed_ratio"] == 7.0 / 4.0
    assert "ratio 1.75 (no target)" in "\n".join(report.series_lines(result))


def test_a_kernel_gets_the_environment_it_is_given(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "import os\nassert os.environ.get('VGTEACH_BENCH_PROBE') == 'yes'")]
    _, _, errors = series.run_notebook(nb, tmp_path)
    assert errors == 1
    _, _, errors = series.run_notebook(nb, tmp_path, env={**os.environ,
                                                          "VGTEACH_BENCH_PROBE": "yes"})
    assert errors == 0


def test_report_formats_every_section():
    results = {
        "machine": machine.describe(), "threads": 1,
        "mlp": engine.compare_mlp(depth=1, width=2, batch=2, repeat=1),
        "lstm": {"missing": "no module"},
        "scaling": [{"sweep": "MLP depth", "param": "depth", "value": 1, "ms": 1.0,
                     "ms_per_unit": 1.0}],
        "explorers": {"explore_x": {"n": 1, "median_ms": 1.0, "worst_ms": 1.0,
                                    "worst_at": "k=1", "draw_ms": 0.5},
                      "explore_y": {"error": "ValueError: boom"}},
        "explorer_browser": {
            "floor": {"single": {"n": 2, "median": 20.0, "p90": 25.0},
                      "burst": {"n": 1, "median": 30.0, "p90": 30.0}, "missed": 0},
            "explore_x": {"single": {"n": 2, "median": 60.0, "p90": 80.0},
                          "burst": {"n": 1, "median": 90.0, "p90": 90.0}, "missed": 0,
                          "single_ratio": 3.0, "burst_ratio": 3.0}},
        "series": series.series_vs_floor([]),
    }
    text = report.markdown(results)
    for heading in ("## Machine", "## Engine", "## Scaling", "## Explorer", "## Series"):
        assert heading in text
    assert "| explore_x | 2 | 60 | 80 | 3.00 | 1 | 90 | 90 | 3.00 |" in text
    assert "Slowest single-move median 60 ms: meets target" in text
    assert "| explore_y | error: ValueError: boom |" in text and "| CPU |" in text
