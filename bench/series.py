"""Series vs floor: execute every notebook with nbclient, and as many near-empty notebooks.

The floor notebook only starts a kernel and imports numpy, matplotlib and vgteach: what no
lesson can avoid. ``ratio = series / floor`` says how much the lessons' own work costs on top.
Each lesson run is followed immediately by a floor run (interleaved), so a noisy neighbour
slows both alike. Every notebook gets one extra cell at the end that reads the kernel's peak
resident memory (``VmHWM`` in /proc/self/status), so memory is measured in the kernel itself.

The benchmark runs its kernels with one BLAS thread (``OMP_NUM_THREADS=1`` etc.), as the tests
do. A learner's kernel has no such setting, so each lesson of ``notebooks/`` also runs once in
a kernel started with the environment the benchmark itself was started with (``default_env``),
right after its one-thread run, and then ``pairs - 1`` more times each way, taking turns:
``default_ratio`` compares the medians. (A 3 s lesson run once each way swung 0.93-1.16x on a
shared machine: half a second of noise is 16 % of it.)

A lesson whose parameters cell sets ``use_stored`` reads its long sweeps back from stored results
at its default seed (``vgteach.stored``), as a learner's first run does. Such a lesson also runs
once with ``use_stored = False`` injected (``computed_seconds``): what every other seed costs.
"""
import pathlib
import subprocess
import time

import nbformat
import numpy as np
from nbclient import NotebookClient

FOLDERS = ("notebooks", "solutions", "exercises")
FLOOR_CODE = "import numpy\nimport matplotlib.pyplot\nimport vgteach"
# VmHWM is this process's own peak; getrusage's ru_maxrss would not do: Linux carries it over
# exec from the parent, so every kernel would report at least the benchmark process's size.
PEAK_CODE = """\
try:
    _hwm = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')]
except OSError:  # not Linux: no figure rather than a wrong one
    _hwm = []
print('PEAK_KIB', (_hwm or [0])[0])"""


def find_notebooks(root=".", folders=FOLDERS):
    """Every ``*.ipynb`` under ``root/<folder>`` for the given folders, sorted; list of Path."""
    root = pathlib.Path(root)
    return [p for folder in folders for p in sorted((root / folder).glob("*.ipynb"))
            if ".ipynb_checkpoints" not in p.parts]


def floor_notebook():
    """A notebook with one cell importing what every lesson imports."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(FLOOR_CODE)]
    return nb


def computing_everything(nb):
    """``nb`` with ``use_stored = False`` injected after its parameters cell, or None if its
    parameters cell does not set ``use_stored``."""
    for i, cell in enumerate(nb.cells):
        if (cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", [])
                and "use_stored" in cell.source):
            nb = nbformat.from_dict(nb)
            nb.cells.insert(i + 1, nbformat.v4.new_code_cell("use_stored = False"))
            return nb
    return None


def run_notebook(nb, cwd, timeout=600, env=None):
    """Execute ``nb`` (a NotebookNode) in a fresh kernel; return (seconds, peak KiB, n_errors).

    ``env`` is the kernel's environment (None: this process's own)."""
    nb = nbformat.from_dict(nb)
    nb.cells.append(nbformat.v4.new_code_cell(PEAK_CODE))
    # Killed once its last cell has run: a learner never waits for a kernel to shut down, and
    # ipykernel sometimes takes 3 s to exit after a graceful shutdown request, which landed at
    # random on lessons and floors alike (4.0 s for a 1 s notebook, in 1 run of 15).
    client = NotebookClient(nb, timeout=timeout, allow_errors=True, kernel_name="python3",
                            shutdown_kernel="immediate",
                            resources={"metadata": {"path": str(cwd)}})
    start = time.perf_counter()
    # The kernel's own log lines (transport warnings, shutdown notices) are not results.
    client.execute(stderr=subprocess.DEVNULL, **({} if env is None else {"env": dict(env)}))
    seconds = time.perf_counter() - start
    peak, errors = 0, 0
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                errors += 1
            if out.get("output_type") == "stream" and "PEAK_KIB" in out.get("text", ""):
                peak = int(out["text"].split()[-1])
    return seconds, peak, errors


def series_vs_floor(paths, timeout=600, default_env=None, default_folders=("notebooks",),
                    pairs=3):
    """Run each notebook in ``paths`` and one floor notebook after it.

    With ``default_env`` (a dict), each notebook in one of ``default_folders`` also runs in a
    kernel with that environment, between its own run and the floor run: ``pairs`` runs in that
    environment and as many with one thread (its own run the first), taking turns.

    Returns
    -------
    dict with ``notebooks`` (list of dicts: path, seconds, floor_seconds, peak_mib, errors and,
    where run, default_seconds and one_thread_median (medians of ``pairs`` runs each),
    default_errors, default_ratio, computed_seconds,
    computed_errors), ``series_seconds``,
    ``floor_seconds``, ``ratio``, ``computed_series_seconds`` and ``computed_ratio`` (the series
    with every stored run computed instead), ``peak_mib`` (largest kernel), ``floor_peak_mib``, ``slowest``
    (three notebook dicts, slowest first), ``default_ratio_max`` (largest default_ratio, nan if
    none ran) and ``wall_seconds``.
    """
    rows, start = [], time.perf_counter()
    for path in paths:
        path = pathlib.Path(path)
        nb = nbformat.read(path, as_version=4)
        seconds, peak, errors = run_notebook(nb, path.parent, timeout)
        row = {"path": str(path), "seconds": seconds, "peak_mib": peak / 1024, "errors": errors}
        if default_env is not None and path.parent.name in default_folders:
            own, default, row["default_errors"] = [seconds], [], 0
            for turn in range(pairs):
                # own run first in even turns, the learner's kernel first in odd ones
                for env in ((default_env, None) if turn % 2 else (None, default_env)):
                    if env is None and turn == 0:
                        continue  # the own run above
                    t, _, errs = run_notebook(nb, path.parent, timeout, env=env)
                    (own if env is None else default).append(t)
                    row["default_errors"] += errs if env is not None else 0
            row["default_seconds"] = float(np.median(default))
            row["one_thread_median"] = float(np.median(own))
            row["default_ratio"] = row["default_seconds"] / row["one_thread_median"]
        computing = computing_everything(nb)
        if computing is not None:
            row["computed_seconds"], _, row["computed_errors"] = run_notebook(
                computing, path.parent, timeout)
        floor_seconds, floor_peak, _ = run_notebook(floor_notebook(), path.parent, timeout)
        row.update(floor_seconds=floor_seconds, floor_peak_mib=floor_peak / 1024)
        rows.append(row)
    series = sum(r["seconds"] for r in rows)
    floor = sum(r["floor_seconds"] for r in rows)
    default_ratios = [r["default_ratio"] for r in rows if "default_ratio" in r]
    computed = sum(r.get("computed_seconds", r["seconds"]) for r in rows)
    return {
        "notebooks": rows,
        "series_seconds": series,
        "floor_seconds": floor,
        "ratio": series / floor if floor else float("nan"),
        "computed_series_seconds": computed,
        "computed_ratio": computed / floor if floor else float("nan"),
        "peak_mib": max((r["peak_mib"] for r in rows), default=0.0),
        "floor_peak_mib": max((r["floor_peak_mib"] for r in rows), default=0.0),
        "slowest": sorted(rows, key=lambda r: -r["seconds"])[:3],
        "default_ratio_max": max(default_ratios, default=float("nan")),
        "pairs": pairs,
        "wall_seconds": time.perf_counter() - start,
    }
