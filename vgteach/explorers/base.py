"""What every explorer is built from (STYLE rule 1): a pure ``compute`` function
(``vgteach.measure``), a ``plot`` function (``vgteach.plots``), and ``Explorer``, which only wires
ipywidgets controls to those two.

An ``Explorer`` shows its controls above a fixed-height output; changing a control recomputes
and redraws. Tests drive it by setting ``explorer.controls[name].value`` and reading
``explorer.result`` and ``explorer.n_updates``.
"""
import html
import io

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import Image, display

__all__ = ["Explorer", "slider", "hidden_answer", "HiddenAnswer"]


class Explorer:
    """Wire ``controls`` (name -> widget) to ``compute(**values)`` and ``plot(result, ax)``.

    ``start`` sets controls' starting values (``{"depth": 20}``) before the first draw, so a
    lesson can open an explorer where its question makes sense. Displaying the explorer shows
    the controls and the plot; ``figsize`` and ``height`` are fixed so the page does not jump
    while a slider moves.
    """

    def __init__(self, controls, compute, plot, figsize=(7, 3.8), height="420px", start=None):
        self.controls = controls
        for name, value in (start or {}).items():
            if name not in controls:
                options = ", ".join(repr(k) for k in controls)
                raise ValueError(f"The starting value {name!r} names no control of this "
                                 f"explorer; the controls are {options}.")
            controls[name].value = value
        self._compute, self._plot, self._figsize = compute, plot, figsize
        self.result = None
        self.n_updates = 0
        self.output = widgets.interactive_output(self._update, controls)
        self.output.layout.height = height
        self.widget = widgets.VBox([widgets.HBox(list(controls.values()),
                                                 layout=widgets.Layout(flex_flow="row wrap")),
                                    self.output])

    def _update(self, **values):
        self.result = self._compute(**values)
        fig, ax = plt.subplots(figsize=self._figsize, layout="constrained")
        self._plot(self.result, ax=ax)
        display(Image(_png(fig)))
        plt.close(fig)  # shown as an image; closing keeps memory flat while sliding
        self.n_updates += 1

    def _ipython_display_(self):
        display(self.widget)


def _png(fig):
    """The figure as PNG bytes, drawn once.

    ``display(fig)`` would draw it twice (the inline backend's ``bbox_inches="tight"`` draws
    once to measure); the constrained layout already fits everything inside the figure.
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


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
