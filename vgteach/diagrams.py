"""Diagrams of the two architectures that give the gradient a path: the LSTM cell and the
residual block.

Each function returns a ``Diagram``: a matplotlib ``Figure`` (made without pyplot, so nothing
global changes) together with its alt text. Displayed in Jupyter it renders as an ``<img>`` with
that alt text (SVG, crisp at any zoom, in JupyterLab, slides and the book) and falls back to a
PNG where HTML is not shown.

Examples
--------
>>> d = lstm_cell()
>>> d.figure.get_size_inches().tolist(), "forget gate" in d.alt
([6.4, 3.2], True)
"""
import base64
import html
import io

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyBboxPatch

__all__ = ["Diagram", "lstm_cell", "residual_block"]

_CELL = "C0"      # the cell-state path (the carousel) and the skip path
_GRAY = "0.25"


class Diagram:
    """A figure and the sentence that describes it to a reader who cannot see it.

    Attributes
    ----------
    figure : matplotlib.figure.Figure
    alt : str, the alt text
    """

    def __init__(self, figure, alt):
        self.figure, self.alt = figure, str(alt)

    def _render(self, fmt):
        buffer = io.BytesIO()
        # No creation date in the SVG, so the same diagram gives the same bytes.
        metadata = {"Date": None} if fmt == "svg" else None
        self.figure.savefig(buffer, format=fmt, metadata=metadata)
        return buffer.getvalue()

    def svg(self):
        """The diagram as SVG text."""
        return self._render("svg").decode("utf-8")

    def _repr_html_(self):
        data = base64.b64encode(self._render("svg")).decode("ascii")
        width = int(round(self.figure.get_size_inches()[0] * 96))
        return (f'<img src="data:image/svg+xml;base64,{data}" alt="{html.escape(self.alt)}" '
                f'style="max-width: 100%; width: {width}px">')

    def _repr_png_(self):
        return self._render("png")

    def __repr__(self):
        return f"Diagram({self.alt!r})"


def _canvas(width, height, xlim, ylim):
    fig = Figure(figsize=(width, height), layout="constrained")
    ax = fig.add_subplot()
    ax.set(xlim=xlim, ylim=ylim, aspect="equal")
    ax.axis("off")
    return fig, ax


def _box(ax, x, y, text, w=0.8, h=0.55, color=_GRAY, face="white", size=11):
    ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.04",
                                facecolor=face, edgecolor=color, linewidth=1.4, zorder=3))
    ax.text(x, y, text, ha="center", va="center", fontsize=size, zorder=4)


def _node(ax, x, y, text, color=_GRAY):
    ax.add_patch(Circle((x, y), 0.24, facecolor="white", edgecolor=color, linewidth=1.4,
                        zorder=3))
    ax.text(x, y, text, ha="center", va="center", fontsize=12, zorder=4)


def _arrow(ax, start, end, color=_GRAY, width=1.4, **kw):
    ax.annotate("", xy=end, xytext=start, zorder=2,
                arrowprops=dict(arrowstyle="-|>", color=color, linewidth=width,
                                shrinkA=0, shrinkB=0, **kw))


def _line(ax, xs, ys, color=_GRAY, width=1.4):
    ax.plot(xs, ys, color=color, linewidth=width, solid_capstyle="butt", zorder=2)


def lstm_cell():
    """One LSTM step, gate order i, f, o, g, with the cell-state path drawn bold.

    Returns
    -------
    Diagram
    """
    fig, ax = _canvas(6.4, 3.2, (-0.2, 10.2), (-0.35, 4.75))
    top, gate_y, bus = 3.8, 2.0, 0.75
    # the cell state: the only path from c_{t-1} to c_t
    _line(ax, [0.5, 2.26], [top, top], _CELL, 3.2)
    _line(ax, [2.74, 4.26], [top, top], _CELL, 3.2)
    _arrow(ax, (4.74, top), (9.6, top), _CELL, 3.2)
    ax.text(0.4, top, r"$c_{t-1}$", ha="right", va="center", fontsize=12, color=_CELL)
    ax.text(9.7, top, r"$c_t$", ha="left", va="center", fontsize=12, color=_CELL)
    _node(ax, 2.5, top, r"$\times$", _CELL)
    _node(ax, 4.5, top, "+", _CELL)
    ax.text(5.0, 4.3, r"backward: $dc_{t-1} = dc_t \, f_t$ on this path", fontsize=9.5,
            color=_CELL, ha="center")
    # the gates, all fed by z = x_t Wx + h_{t-1} Wh + b
    gates = {"f": (2.5, r"$\sigma$  f"), "i": (3.9, r"$\sigma$  i"), "g": (5.1, "tanh  g"),
             "o": (6.5, r"$\sigma$  o")}
    for x, label in gates.values():
        _box(ax, x, gate_y, label, w=0.95)
        _arrow(ax, (x, bus), (x, gate_y - 0.3))
    _line(ax, [0.5, 6.5], [bus, bus])
    ax.text(0.4, bus, r"$h_{t-1}$", ha="right", va="center", fontsize=12)
    _arrow(ax, (1.3, -0.3), (1.3, bus))
    ax.text(1.45, -0.2, r"$x_t$", ha="left", va="center", fontsize=12)
    ax.text(3.6, 0.35, r"each gate sees $z = x_t W_x + h_{t-1} W_h + b$", fontsize=9,
            ha="center")
    _arrow(ax, (2.5, gate_y + 0.3), (2.5, top - 0.25))
    _node(ax, 4.5, 3.0, r"$\times$")
    _arrow(ax, (3.9, gate_y + 0.3), (4.32, 2.84))
    _arrow(ax, (5.1, gate_y + 0.3), (4.68, 2.84))
    _arrow(ax, (4.5, 3.25), (4.5, top - 0.25))
    # output: h_t = o * tanh(c_t)
    _box(ax, 7.9, 2.95, "tanh", w=0.8, h=0.45, size=10)
    _arrow(ax, (7.9, top), (7.9, 3.2))
    _node(ax, 7.9, gate_y, r"$\times$")
    _arrow(ax, (7.9, 2.72), (7.9, gate_y + 0.25))
    _arrow(ax, (6.98, gate_y), (7.66, gate_y))
    _line(ax, [7.9, 7.9], [gate_y - 0.25, bus])
    _arrow(ax, (7.9, bus), (9.6, bus))
    ax.text(9.7, bus, r"$h_t$", ha="left", va="center", fontsize=12)
    alt = ("Diagram of one LSTM step. A bold horizontal line, the cell state, runs from "
           "c_{t-1} on the left to c_t on the right. On it, c_{t-1} is first multiplied by the "
           "forget gate f, then the product of the input gate i and the candidate g is added. "
           "Below, four gates (sigmoid f, sigmoid i, tanh g, sigmoid o) all read h_{t-1} and "
           "x_t. On the right, tanh of c_t is multiplied by the output gate o to give h_t. A "
           "note on the bold line says that going backward along it the gradient is only "
           "multiplied by f_t.")
    return Diagram(fig, alt)


def residual_block():
    """A residual block ``out = x + f(x @ W + b)``: the branch below, the identity skip above.

    Returns
    -------
    Diagram
    """
    fig, ax = _canvas(6.4, 2.6, (-0.3, 10.3), (-0.2, 3.7))
    y_skip, y_branch = 2.8, 1.0
    ax.text(0.35, 1.9, r"$x$", ha="right", va="center", fontsize=13)
    _line(ax, [0.5, 1.4], [1.9, 1.9])
    # the skip: x itself, unchanged, to the sum
    _line(ax, [1.4, 1.4], [1.9, y_skip], _CELL, 2.6)
    _line(ax, [1.4, 8.0], [y_skip, y_skip], _CELL, 2.6)
    _arrow(ax, (8.0, y_skip), (8.0, 2.15), _CELL, 2.6)
    ax.text(4.7, y_skip + 0.25, "skip: the identity, x passes unchanged", color=_CELL,
            ha="center", fontsize=10)
    # the branch F(x) = f(x W + b)
    _line(ax, [1.4, 1.4], [1.9, y_branch])
    _arrow(ax, (1.4, y_branch), (2.9, y_branch))
    _box(ax, 3.7, y_branch, r"$z = x W + b$", w=1.6)
    _arrow(ax, (4.5, y_branch), (5.6, y_branch))
    _box(ax, 6.2, y_branch, r"$f(z)$", w=1.1)
    _line(ax, [6.75, 8.0], [y_branch, y_branch])
    _arrow(ax, (8.0, y_branch), (8.0, 1.65))
    ax.text(4.9, 0.25, r"branch: $F(x) = f(x W + b)$", ha="center", fontsize=10)
    _node(ax, 8.0, 1.9, "+")
    _arrow(ax, (8.24, 1.9), (9.4, 1.9))
    ax.text(9.5, 1.9, r"$x + F(x)$", ha="left", va="center", fontsize=12)
    alt = ("Diagram of a residual block. The input x splits in two. Along the bottom, the "
           "branch computes z = x W + b and then f(z), which is F(x). Along the top, a bold "
           "line labelled skip carries x unchanged. The two meet at a plus sign, and the "
           "block outputs x + F(x).")
    return Diagram(fig, alt)
