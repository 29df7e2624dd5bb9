"""Explorer latency: one update (compute + redraw into the output) over a sweep of controls.

Explorers come from ``vgteach.explorers.EXPLORERS``, the package's one list of them. Setting a
control's value
triggers ``Explorer._update`` synchronously, so the time of the assignment is the update's time.
Beside it: a bare matplotlib redraw of a figure of the same size (create, plot one line, render
to PNG as the inline backend does), the cost no explorer can go below.

Run inside a Jupyter kernel (``measure_in_kernel``) the figure really is rendered to PNG and
sent to the output widget, as a learner sees it; in a plain process ``display`` only prints.
"""
import io
import json
import time

import numpy as np


def discover():
    """``{"explore_x": function}`` for every explorer in ``vgteach.explorers.EXPLORERS``."""
    from vgteach.explorers import EXPLORERS
    return {f"explore_{name}": make for name, make in EXPLORERS.items()}


def sweep_values(control, n):
    """Up to ``n`` values spread over a control's range (all options for a dropdown)."""
    options = getattr(control, "options", None)
    if options is not None:  # Dropdown, RadioButtons, ToggleButtons, SelectionSlider
        values = [o[1] if isinstance(o, tuple) else o for o in options]
        return values[:n] if len(values) > n else values
    if isinstance(control.value, bool):
        return [not control.value, control.value]
    if hasattr(control, "min") and hasattr(control, "max"):
        values = np.linspace(control.min, control.max, n)
        if isinstance(control.value, (int, np.integer)):
            return sorted({int(round(v)) for v in values})
        return [float(v) for v in values]
    return []


def bare_redraw(figsize, dpi=None):
    """Seconds for the cheapest honest redraw: new figure, one line, rendered to PNG."""
    import matplotlib.pyplot as plt
    from IPython.core.pylabtools import print_figure
    start = time.perf_counter()
    fig, ax = plt.subplots(figsize=figsize, dpi=dpi, layout="constrained")
    x = np.linspace(0.0, 1.0, 400)
    ax.plot(x, np.sin(6 * x))
    ax.set(title="bare redraw", xlabel="x", ylabel="y")
    print_figure(fig, "png", bbox_inches="tight")
    plt.close(fig)
    return time.perf_counter() - start


def measure(explorer, n_values=6):
    """Time every update of ``explorer`` while each control sweeps ``n_values`` values.

    Returns a dict: ``n`` (updates timed), ``median_ms``, ``worst_ms``, ``worst_at`` (the control
    and value of the slowest update) and ``bare_median_ms`` (bare redraws interleaved with them).
    """
    import matplotlib.pyplot as plt
    figsize = getattr(explorer, "_figsize", plt.rcParams["figure.figsize"])
    times, bare, where = [], [], []
    for name, control in explorer.controls.items():
        original = control.value
        for value in sweep_values(control, n_values):
            if value == control.value:
                continue
            before = explorer.n_updates
            start = time.perf_counter()
            control.value = value
            elapsed = time.perf_counter() - start
            if explorer.n_updates > before:
                times.append(elapsed)
                where.append(f"{name}={value!r}")
                bare.append(bare_redraw(figsize))
        control.value = original
    if not times:
        return {"n": 0, "median_ms": float("nan"), "worst_ms": float("nan"), "worst_at": "",
                "bare_median_ms": float("nan")}
    times = np.array(times) * 1e3
    return {"n": len(times), "median_ms": float(np.median(times)),
            "worst_ms": float(times.max()), "worst_at": where[int(times.argmax())],
            "bare_median_ms": float(np.median(bare) * 1e3)}


def measure_all(n_values=6):
    """``measure`` every discovered explorer; dict name -> result (or ``{"error": ...}``)."""
    results = {}
    for name, make in discover().items():
        try:
            explorer = make()
            measure(explorer, n_values=1)  # warm up imports and caches, untimed
            results[name] = measure(explorer, n_values)
        except Exception as exc:  # one broken explorer should not hide the others
            results[name] = {"error": f"{type(exc).__name__}: {exc}"}
    return results


def measure_in_kernel(n_values=6, cwd=".", timeout=600):
    """Run ``measure_all`` inside a fresh Jupyter kernel (real inline PNG rendering)."""
    import nbformat
    import subprocess

    from nbclient import NotebookClient
    code = ("import json, bench.explorers as _b\n"
            f"print('RESULT', json.dumps(_b.measure_all(n_values={int(n_values)})))")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code)]
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(cwd)}}).execute(stderr=subprocess.DEVNULL)
    text = "".join(o.get("text", "") for o in nb.cells[0].outputs
                   if o.get("output_type") == "stream")
    line = next(ln for ln in text.splitlines() if ln.startswith("RESULT "))
    return json.loads(line[len("RESULT "):])


def _silence(fn):
    """Run ``fn`` with stdout captured (outside a kernel ``display`` prints reprs)."""
    import contextlib
    with contextlib.redirect_stdout(io.StringIO()):
        return fn()
