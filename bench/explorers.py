"""Explorer latency, measured as a learner meets it: in JupyterLab, in Chromium, in a kernel
started with the user's default environment (no thread limits, no test variables).

Browser (``measure_in_browser``): one notebook shows a *floor* widget (a slider whose observer
only updates a label: the fastest anything can answer through JupyterLab, the kernel and
ipywidgets here) and every explorer in ``vgteach.explorers.EXPLORERS``. For each control of each
explorer, Playwright presses keys on it (arrow keys on a slider, a select or a checkbox) and the
page itself times the answer: from the ``keydown`` (a capturing listener) to the frame after the
new image is decoded (a ``MutationObserver`` on the image's ``src``, ``img.decode()``, then two
``requestAnimationFrame``). *Single* moves pause ``pause`` seconds in between, as a learner
looks at the plot; *bursts* are three presses ``burst_gap`` ms apart, timed from the last key to
the last image painted. Medians and p90 are reported with the floor's from the same run, and
their ratios.

Kernel (``measure_in_kernel``): every control sweeps its range in a fresh kernel (nbclient) and
each update's time is split into compute / update artists / layout / draw / PNG encode / send
(``Explorer.timings``).
"""
import io
import json
import pathlib
import subprocess
import tempfile
import time

import numpy as np

from . import lab


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
        if type(control).__name__ == "FloatLogSlider":
            values = control.base ** values
        if isinstance(control.value, (int, np.integer)):
            return sorted({int(round(v)) for v in values})
        return [float(v) for v in values]
    return []


#: the parts of one update, in order (``Explorer.timings``)
PARTS = ("compute", "update", "layout", "draw", "encode", "send")


def measure(explorer, n_values=6):
    """Time every update of ``explorer`` while each control sweeps ``n_values`` values.

    Returns a dict: ``n`` (updates), ``median_ms`` and ``worst_ms`` of the whole update,
    ``worst_at`` (the control and value of the slowest), ``cpu_ms`` (the median CPU time of
    the kernel's thread: less sensitive than wall time to other processes on a busy machine),
    ``<part>_ms``, the median of each part of ``PARTS``, and ``relayouts`` (updates that ran the
    layout again).
    """
    rows, where = [], []
    for name, control in explorer.controls.items():
        original = control.value
        for value in sweep_values(control, n_values):
            if value == control.value:
                continue
            before = explorer.n_updates
            control.value = value
            if explorer.n_updates > before:
                rows.append(dict(explorer.timings))
                where.append(f"{name}={value!r}")
        control.value = original
    if not rows:
        return {"n": 0, "median_ms": float("nan"), "worst_ms": float("nan"), "worst_at": ""}
    total = np.array([r["total"] for r in rows]) * 1e3
    out = {"n": len(rows), "median_ms": float(np.median(total)), "worst_ms": float(total.max()),
           "cpu_ms": float(np.median([r.get("cpu", np.nan) for r in rows]) * 1e3),
           "worst_at": where[int(total.argmax())],
           "relayouts": int(sum(bool(r.get("relayout")) for r in rows))}
    for part in PARTS:
        out[f"{part}_ms"] = float(np.median([r.get(part, 0.0) for r in rows]) * 1e3)
    return out


def measure_all(n_values=6):
    """``measure`` every discovered explorer; dict name -> result (or ``{"error": ...}``)."""
    results = {}
    for name, make in discover().items():
        try:
            explorer = make()
            measure(explorer, n_values=1)  # warm up imports and caches, untimed
            results[name] = measure(make(), n_values)  # a fresh explorer: nothing cached
        except Exception as exc:  # one broken explorer should not hide the others
            results[name] = {"error": f"{type(exc).__name__}: {exc}"}
    return results


def measure_in_kernel(n_values=6, cwd=".", timeout=900, env=None):
    """Run ``measure_all`` inside a fresh Jupyter kernel started with ``env`` (default: the
    learner's environment, ``lab.learner_env()``)."""
    import nbformat
    from nbclient import NotebookClient
    code = ("import json, bench.explorers as _b\n"
            f"print('RESULT', json.dumps(_b.measure_all(n_values={int(n_values)})))")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(code)]
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(cwd)}}).execute(
        stderr=subprocess.DEVNULL, env=lab.learner_env() if env is None else env)
    text = "".join(o.get("text", "") for o in nb.cells[0].outputs
                   if o.get("output_type") == "stream")
    line = next(ln for ln in text.splitlines() if ln.startswith("RESULT "))
    return json.loads(line[len("RESULT "):])


# ---------------------------------------------------------------------- in the browser
FLOOR_CODE = """import ipywidgets as widgets
_floor_slider = widgets.IntSlider(value=50, min=0, max=100, description="floor")
_floor_label = widgets.Label("50")
_floor_label.add_class("vgteach-floor-label")
_floor_slider.observe(lambda change: setattr(_floor_label, "value", str(change["new"])),
                      names="value")
_floor = widgets.VBox([_floor_slider, _floor_label])
_floor.add_class("vgteach-floor")
_floor"""


def bench_notebook(names):
    """A notebook: the floor widget, then one explorer per cell (each tagged with a class)."""
    import nbformat
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    cells = [FLOOR_CODE]
    for name in names:
        cells.append(f"from vgteach.explorers import {name}\n_e = {name}()\n"
                     f"_e.widget.add_class('bench-{name}')\n_e")
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    return nb


# Installed in the page: time keydown -> new image (or label text) -> decoded -> painted.
_WATCH = """([rootSel, targetSel]) => {
    if (window.__vgWatch) { window.__vgWatch.disconnect(); }
    const root = document.querySelector(rootSel);
    const target = root.querySelector(targetSel);
    const st = {keys: [], changes: [], paints: []};
    root.addEventListener('keydown', () => st.keys.push(performance.now()), true);
    const painted = () => requestAnimationFrame(() => requestAnimationFrame(
        () => st.paints.push(performance.now())));
    const obs = new MutationObserver(() => {
        st.changes.push(performance.now());
        if (target.tagName === 'IMG') { target.decode().then(painted, painted); }
        else { painted(); }
    });
    if (target.tagName === 'IMG') {
        obs.observe(target, {attributes: true, attributeFilter: ['src']});
    } else {
        obs.observe(target, {childList: true, subtree: true, characterData: true});
    }
    window.__vgWatch = obs;
    window.__vgState = st;
}"""
_CONTROLS = ".noUi-handle, select, input[type=checkbox]"
_KEYS = {"slider": ("ArrowRight", "ArrowLeft"), "select": ("ArrowDown", "ArrowUp"),
         "checkbox": ("Space", "Space")}


def _kind(locator):
    return locator.evaluate("e => e.tagName === 'SELECT' ? 'select' : "
                            "(e.type === 'checkbox' ? 'checkbox' : 'slider')")


# A closed <select> ignores arrow keys in headless Chromium: choose the next option from the
# page itself, timed from just before the change event (what a key press would dispatch).
_SELECT = """(el, step) => {
    const i = Math.min(Math.max(el.selectedIndex + step, 0), el.options.length - 1);
    if (i === el.selectedIndex) { return false; }
    window.__vgState.keys.push(performance.now());
    el.selectedIndex = i;
    el.dispatchEvent(new Event('change', {bubbles: true}));
    return true;
}"""


def _press(page, control, kind, key):
    """Move ``control`` one step (``key`` up or down); False if it was at its end."""
    if kind == "select":
        step = 1 if key == _KEYS["select"][0] else -1
        return control.evaluate(_SELECT, step)
    control.focus()
    page.keyboard.press(key)
    return True


def _reset(page):
    page.evaluate("() => { const s = window.__vgState; s.keys.length = 0; "
                  "s.changes.length = 0; s.paints.length = 0; }")


def _state(page):
    return page.evaluate("() => window.__vgState")


def _settle(page, quiet=1.0, timeout=20.0):
    """Wait until no new paint came for ``quiet`` seconds (or ``timeout``); the page state."""
    deadline = time.time() + timeout
    count, since = -1, time.time()
    while time.time() < deadline:
        n = len(_state(page)["paints"])
        if n != count:
            count, since = n, time.time()
        elif time.time() - since >= quiet:
            break
        page.wait_for_timeout(50)
    return _state(page)


def measure_widget(page, root, target, single=4, bursts=2, pause=1.0, burst_gap=40):
    """Single moves and bursts on every control inside ``root`` (a CSS selector); the answer
    is ``target`` changing (the plot image, or the floor's label). Returns lists of ms."""
    page.locator(root).scroll_into_view_if_needed()
    page.evaluate(_WATCH, [root, target])
    controls = page.locator(f"{root} :is({_CONTROLS})")
    singles, burst_ms, missed = [], [], 0
    for i in range(controls.count()):
        control = controls.nth(i)
        up, down = _KEYS[_kind(control)]
        kind = _kind(control)
        for k in range(single):
            _reset(page)
            if not _press(page, control, kind, up if k % 4 in (0, 1) else down):
                missed += 1
                continue
            try:
                page.wait_for_function("() => window.__vgState.paints.length > 0",
                                       timeout=15_000)
            except Exception:  # the control was at its end: no change, nothing to time
                missed += 1
                continue
            st = _settle(page, quiet=0.3)
            singles.append(st["paints"][0] - st["keys"][0])
            page.wait_for_timeout(int(pause * 1000))
        for k in range(bursts):
            _reset(page)
            for _ in range(3):
                _press(page, control, kind, up if k % 2 == 0 else down)
                page.wait_for_timeout(burst_gap)
            st = _settle(page)
            if st["paints"]:
                burst_ms.append(st["paints"][-1] - st["keys"][-1])
            else:
                missed += 1
            page.wait_for_timeout(int(pause * 1000))
    return {"single_ms": singles, "burst_ms": burst_ms, "missed": missed}


def _summary(ms):
    ms = np.asarray(ms, dtype=float)
    if not ms.size:
        return {"n": 0, "median": float("nan"), "p90": float("nan")}
    return {"n": int(ms.size), "median": float(np.median(ms)),
            "p90": float(np.percentile(ms, 90))}


def measure_in_browser(names=None, single=4, bursts=2, pause=1.0, warmup=8.0, env=None):
    """Every explorer (``names``: ``explore_x`` names, default all) and the floor in JupyterLab.

    Returns ``{"floor": {...}, "explore_x": {...}, ...}`` with ``single`` and ``burst``
    summaries (``n``, ``median``, ``p90`` in ms) and, for explorers, ``single_ratio`` and
    ``burst_ratio``: the medians over the floor's from the same run. Needs Playwright and
    Chromium (``lab.chromium_available()``).
    """
    import nbformat
    names = list(discover()) if names is None else list(names)
    with tempfile.TemporaryDirectory(prefix="vgteach-bench-") as tmp:
        path = pathlib.Path(tmp) / "explorer_bench.ipynb"
        nbformat.write(bench_notebook(names), path)
        with lab.jupyterlab([path], env=env, tmp=pathlib.Path(tmp) / "lab") as url, \
                lab.browser() as b:
            page = lab.open_notebook(b, url, path.name)
            last = f".bench-{names[-1]} .widget-image" if names else ".vgteach-floor-label"
            page.locator(last).first.wait_for(state="attached", timeout=300_000)
            page.wait_for_timeout(int(warmup * 1000))  # first draws and computing ahead settle
            raw = {"floor": measure_widget(page, ".vgteach-floor", ".vgteach-floor-label",
                                           single, bursts, pause)}
            for name in names:
                raw[name] = measure_widget(page, f".bench-{name}", ".widget-image", single,
                                           bursts, pause)
            page.close()
    results = {}
    for name, r in raw.items():
        results[name] = {"single": _summary(r["single_ms"]), "burst": _summary(r["burst_ms"]),
                         "missed": r["missed"]}
    floor = results["floor"]
    for name in names:
        for kind in ("single", "burst"):
            results[name][f"{kind}_ratio"] = results[name][kind]["median"] / floor[kind]["median"]
    return results


def _silence(fn):
    """Run ``fn`` with stdout captured (outside a kernel ``display`` prints reprs)."""
    import contextlib
    with contextlib.redirect_stdout(io.StringIO()):
        return fn()
