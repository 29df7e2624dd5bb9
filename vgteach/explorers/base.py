"""What every explorer is built from (STYLE rule 1): a pure ``compute`` function
(``vgteach.measure``), a plot object (``vgteach.plots``, built once, ``update(result)`` on every
change) and ``Explorer``, which only wires ipywidgets controls to those two.

An ``Explorer`` shows its controls above a fixed-size image of the plot; moving a control
recomputes, updates the plot's artists in place and sends one PNG to an ``ipywidgets.Image``.
Tests drive it by setting ``explorer.controls[name].value`` and reading ``explorer.result``,
``explorer.plot`` and ``explorer.n_updates``.

Where a computation takes longer than a frame (the training dashboard, the residual explorer,
the LSTM gates at long sequences), ``Precomputed`` caches results by their settings and the
explorer computes the settings one move away in the kernel's idle time once a browser shows
it: in chunks of a few milliseconds where the work splits (training steps), one computation
at a time otherwise. A learner's next move then finds its result ready.

Displayed, an explorer is the live widget in JupyterLab; a static render (nbconvert HTML or
slides, a Jupyter Book) falls back to its figure at the current setting, with alt text, and one
line saying that the explorer is live only in a running kernel (``_repr_mimebundle_``;
CONTRIBUTING.md, "Explorers in static renders").
"""
import asyncio
import html
import math
import time
from collections import OrderedDict

import ipywidgets as widgets

from ..plots.access import figure_bundle

__all__ = ["Explorer", "Precomputed", "slider", "hidden_answer", "HiddenAnswer", "LIVE_NOTE"]

#: the line under an explorer's figure in a static render
LIVE_NOTE = ("This explorer is live only in a running kernel: run the lesson with "
             "<code>make lab</code> or open it in the in-browser edition, then move the controls.")
_HEADLINE = "font-size:14px;line-height:20px;height:20px;white-space:nowrap;overflow:hidden"
# Visually hidden but read by screen readers, and announced when it changes (aria-live).
_SR_ONLY = ("position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;"
            "clip:rect(0,0,0,0);white-space:nowrap;border:0")



def _cpu_time():
    """This thread's CPU time; Pyodide (the browser edition) has no ``time.thread_time``."""
    clock = getattr(time, "thread_time", None)
    return clock() if clock is not None else time.process_time()

class Explorer:
    """Wire ``controls`` (name -> widget) to ``compute(**values)`` and a plot object.

    Parameters
    ----------
    controls : dict name -> ipywidgets control (their values are ``compute``'s arguments)
    compute : callable ``compute(**values) -> result``; a ``Precomputed`` also gets the
        settings one move away computed ahead, in idle time
    plot : a ``vgteach.plots.Plot`` subclass (or a no-argument factory of one); the explorer
        makes one and calls ``update(result)`` on every change
    start : dict, starting values of controls (``{"depth": 20}``), set before the first draw so
        a lesson can open an explorer where its question makes sense
    link : callable ``link(values, name, new) -> values`` or None: what the other controls
        become when control ``name`` is set to ``new`` (the dashboard resets the learning rate
        when the optimizer changes), so the settings computed ahead are the ones a move gives
    """

    ahead_delay = 0.05  # seconds of quiet after an update before computing ahead

    def __init__(self, controls, compute, plot, start=None, link=None):
        self.controls = controls
        for name, value in (start or {}).items():
            if name not in controls:
                options = ", ".join(repr(k) for k in controls)
                raise ValueError(f"The starting value {name!r} names no control of this "
                                 f"explorer; the controls are {options}.")
            controls[name].value = value
        self._compute, self._link = compute, link
        self.plot = plot(headline=False)  # the headline is HTML above the image (cheaper)
        self.result, self.n_updates, self.timings = None, 0, {}
        self._values, self._png, self._last_move = None, None, None
        self._ahead_handle, self._live = None, False
        self._refresh()
        width, height = (int(round(v)) for v in self.plot.figure.bbox.size)
        self.image = widgets.Image(value=self._png, format="png",
                                   layout=widgets.Layout(width=f"{width}px", height=f"{height}px"))
        self.headline = widgets.HTML(self._headline_html())
        self.description = widgets.HTML(self._description_html())
        self.image._view_count = 0  # counted by the browser: > 0 once a view really shows
        self.image.observe(self._on_view_count, names="_view_count")
        self.widget = widgets.VBox([
            widgets.HBox(list(controls.values()), layout=widgets.Layout(flex_flow="row wrap")),
            self.headline, self.image, self.description])
        self.widget.add_class("vgteach-explorer")
        for name, control in controls.items():
            control.observe(self._on_change, names="value")

    # ------------------------------------------------------------------ updating
    def values(self):
        """The controls' current values, ``{name: value}``."""
        return {name: control.value for name, control in self.controls.items()}

    def _on_change(self, change):
        name = next(n for n, c in self.controls.items() if c is change["owner"])
        self._last_move = (name, change["old"], change["new"])
        if self._refresh():
            t0 = time.perf_counter()
            self.image.value = self._png
            self.headline.value = self._headline_html()
            self.description.value = self._description_html()
            self.timings["send"] = time.perf_counter() - t0
            self.timings["total"] += self.timings["send"]
            self.timings["cpu"] += self.timings["send"]
        self._schedule_ahead()

    def _refresh(self):
        """Recompute and redraw for the controls' values; False if nothing changed."""
        values = self.values()
        if values == self._values:  # e.g. a linked control already triggered this update
            return False
        t0, c0 = time.perf_counter(), _cpu_time()
        result = self._compute(**values)
        t1 = time.perf_counter()
        self.plot.update(result)
        t2 = time.perf_counter()
        self._png = self.plot.png()
        self.result, self._values = result, values
        self.n_updates += 1
        self.timings = {"compute": t1 - t0, "update": t2 - t1, **self.plot.timings,
                        "total": time.perf_counter() - t0, "cpu": _cpu_time() - c0}
        return True

    def _headline_html(self):
        text = html.escape(self.plot.headline(self.result))
        return f'<div class="vgteach-headline" style="{_HEADLINE}">{text}</div>'

    def _description_html(self):
        text = html.escape(self.plot.alt_text() or "")
        return f'<div role="status" aria-live="polite" style="{_SR_ONLY}">{text}</div>'

    # ------------------------------------------------------------------ computing ahead
    def _on_view_count(self, change):
        self._live = bool(change["new"])
        self._schedule_ahead()

    def _schedule_ahead(self):
        if not (self._live and hasattr(self._compute, "advance")) or self._ahead_handle:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (a script, a test): compute on demand only
            return
        self._ahead_handle = loop.call_later(self.ahead_delay, self._ahead_step)

    def _ahead_step(self):
        """One chunk of work for the first setting ahead that is not ready; reschedule."""
        self._ahead_handle = None
        for values in self.ahead():
            if not self._compute.ready(**values):
                self._compute.advance(**values)
                self._ahead_handle = asyncio.get_running_loop().call_soon(self._ahead_step)
                return

    def ahead(self):
        """The settings one move away from the current one, most likely first: the last moved
        control one more step the same way, then back, then every other control's neighbours
        (all options of a dropdown, nearest first)."""
        values = self.values()
        moved, sign = None, 1
        if self._last_move is not None:
            moved, old, new = self._last_move
            sign = -1 if _index(self.controls[moved], new) < _index(self.controls[moved],
                                                                      old) else 1
        order = sorted(self.controls, key=lambda n: n != moved)
        out = []
        for name in order:
            for new in _neighbours(self.controls[name], values[name],
                                   sign if name == moved else 1):
                moved_values = dict(values, **{name: new})
                if self._link is not None:
                    moved_values = self._link(moved_values, name, new)
                out.append(moved_values)
        return out

    # ------------------------------------------------------------------ display
    def _repr_mimebundle_(self, include=None, exclude=None):
        """The live widget, plus its figure for renderers without a kernel (see module)."""
        data = self.widget._repr_mimebundle_(include=include, exclude=exclude)
        static, metadata = figure_bundle(self.plot.figure, png=self._png, note=LIVE_NOTE,
                                         caption=self.plot.headline(self.result))
        data.update({"text/html": static["text/html"], "image/png": static["image/png"]})
        return data, metadata


def _index(control, value):
    """Position of ``value`` along ``control`` (for a move's direction)."""
    options = _options(control)
    if options is not None:
        return options.index(value) if value in options else 0
    return float(value)


def _options(control):
    options = getattr(control, "options", None)
    if options is None:
        return None
    return [o[1] if isinstance(o, tuple) else o for o in options]


def _neighbours(control, value, sign=1):
    """The values one move away from ``value``: a slider's next step up and down (``sign``'s
    way first), a checkbox toggled, every other option of a dropdown (nearest first)."""
    options = _options(control)
    if options is not None:
        i = options.index(value) if value in options else 0
        return sorted((o for o in options if o != value),
                      key=lambda o: (abs(options.index(o) - i), options.index(o) < i))
    if isinstance(value, bool):
        return [not value]
    if not all(hasattr(control, k) for k in ("min", "max", "step")):
        return []
    if isinstance(control, widgets.FloatLogSlider):
        exponent = math.log(value, control.base)
        candidates = [control.base ** (exponent + s * control.step) for s in (sign, -sign)]
        low, high = control.base ** control.min, control.base ** control.max
    else:
        candidates = [value + s * control.step for s in (sign, -sign)]
        low, high = control.min, control.max
        if isinstance(control.value, int):
            candidates = [int(c) for c in candidates]
        else:
            candidates = [round(c, 12) for c in candidates]
    return [c for c in candidates if low - 1e-12 <= c <= high + 1e-12]


def _key(values):
    """A hashable key of control values; floats to 10 significant digits, so a value the browser
    computed and one computed here for the same slider position match."""
    return tuple(sorted((k, float(f"{v:.10g}") if isinstance(v, float) else v)
                        for k, v in values.items()))


class Precomputed:
    """``compute`` with its results cached by their settings, and computable ahead in chunks.

    Parameters
    ----------
    compute : callable ``compute(**values) -> result`` (pure)
    stepwise : callable or None, ``stepwise(**values)`` a generator that does the same work in
        chunks of a few milliseconds (``yield`` between chunks) and returns the result; without
        it a chunk is one whole ``compute``
    maxsize : int, results kept (least recently used dropped first)
    display : names of controls that change only how a result is shown, not the result: they
        are left out of the cache key and passed to ``present``
    present : callable ``present(result, **display_values) -> result`` (with ``display``)

    Examples
    --------
    >>> calls = []
    >>> square = Precomputed(lambda x: calls.append(x) or x * x)
    >>> square(x=3), square(x=3), calls
    (9, 9, [3])
    """

    def __init__(self, compute, stepwise=None, maxsize=64, display=(), present=None):
        self.compute, self.stepwise, self.maxsize = compute, stepwise, maxsize
        self.display, self.present = tuple(display), present
        self._done, self._pending = OrderedDict(), {}

    def _split(self, values):
        shown = {k: values[k] for k in self.display}
        return {k: v for k, v in values.items() if k not in shown}, shown

    def __call__(self, **values):
        values, shown = self._split(values)
        key = _key(values)
        if key in self._done:
            self._done.move_to_end(key)
            result = self._done[key]
        else:
            work = self._pending.pop(key, None)
            # finish what was started ahead, or compute it all now
            result = self.compute(**values) if work is None else _finish(work)
            self._store(key, result)
        return self.present(result, **shown) if self.present else result

    def ready(self, **values):
        """True when the result for ``values`` is cached."""
        return _key(self._split(values)[0]) in self._done

    def advance(self, **values):
        """Do one chunk of the work for ``values``; True once its result is cached."""
        values = self._split(values)[0]
        key = _key(values)
        if key in self._done:
            return True
        if self.stepwise is None:
            self._store(key, self.compute(**values))
            return True
        work = self._pending.get(key)
        if work is None:
            work = self._pending[key] = self.stepwise(**values)
        try:
            next(work)
        except StopIteration as stop:
            del self._pending[key]
            self._store(key, stop.value)
            return True
        return False

    def _store(self, key, result):
        self._done[key] = result
        while len(self._done) > self.maxsize:
            self._done.popitem(last=False)
        while len(self._pending) > self.maxsize:
            self._pending.pop(next(iter(self._pending)))


def _finish(work):
    """Run a ``stepwise`` generator to its end; its return value."""
    while True:
        try:
            next(work)
        except StopIteration as stop:
            return stop.value


def slider(kind, value, low, high, step, description, **kw):
    """An ``IntSlider`` (``kind="int"``) or ``FloatSlider`` with the course's label style.

    Examples
    --------
    >>> s = slider("int", 10, 1, 40, 1, "hidden layers")
    >>> s.value, s.max
    (10, 40)
    """
    cls = widgets.IntSlider if kind == "int" else widgets.FloatSlider
    return cls(value=value, min=low, max=high, step=step, description=description,
               style={"description_width": "initial"}, **kw)


class HiddenAnswer:
    """An answer shown collapsed under "Show the answer" until the reader opens it.

    Renders as an HTML ``<details>`` block, so it stays hidden on Run All, in JupyterLab, in
    slides and in the book, with no kernel needed to open it.
    """

    def __init__(self, text, summary="Show the answer (try the explorer first)"):
        self.text, self.summary = str(text), str(summary)

    def _repr_html_(self):
        body = "<br>".join(html.escape(line) for line in self.text.splitlines())
        return (f'<details class="vgteach-answer"><summary>{html.escape(self.summary)}'
                f"</summary><div>{body}</div></details>")

    def __repr__(self):
        return f"{self.summary}:\n{self.text}"


def hidden_answer(text, summary="Show the answer (try the explorer first)"):
    """The answer to an explorer question, hidden until asked (see ``HiddenAnswer``).

    Compute the numbers in ``text`` in the cell (f-strings); never type them by hand.

    Examples
    --------
    >>> "<details" in hidden_answer("42")._repr_html_()
    True
    """
    return HiddenAnswer(text, summary)
