"""Text alternatives for figures: every figure the package draws says in words what it shows.

How it works (the contract lessons, the book and the slides rely on; CONTRIBUTING.md, "Figures"):

- A package helper that draws on an Axes gives that panel a *description*, generated from the
  data when the figure is shown (what is plotted, on which scale, the key numbers). A lesson
  describes a figure or panel it drew itself with ``describe(fig_or_ax, "...")``.
- A described figure shows itself (IPython's ``_ipython_display_``, so also through pyplot's
  inline backend and ``plt.show()``) as one output holding ``text/html`` (the PNG in an
  ``<img alt="...">``), ``image/png`` (same bytes, for PDF/LaTeX) and ``text/plain`` (the alt
  text). JupyterLab, nbconvert's HTML and slides exporters and myst-nb all rank ``text/html``
  above ``image/png`` (none of them reads an alt from ``image/png``'s metadata), so the alt
  text reaches every reader. The figure is rendered once, as the inline backend shows it
  (``bbox_inches="tight"``), in one draw (``render.tight_png``).
- ``alt_text(fig)`` is the text: the figure's own description if it has one, otherwise its
  panels' descriptions in order.

Examples
--------
>>> from matplotlib.figure import Figure
>>> fig = Figure()
>>> ax = fig.add_subplot()
>>> _ = ax.plot([1, 2, 3], [3, 1, 2])
>>> describe(ax, "Three points: 3, 1, 2.")
>>> alt_text(fig)
'Three points: 3, 1, 2.'
"""
import base64
import html
import re

import numpy as np

from .render import tight_png

__all__ = ["describe", "alt_text", "figure_bundle", "plain_text", "describe_lines",
           "format_number"]

_ATTR = "_vgteach_alt"


def describe(target, text):
    """Give a figure, or one panel (Axes) of it, its text alternative.

    Parameters
    ----------
    target : matplotlib Figure, SubFigure or Axes
        A Figure's description is the whole figure's alt text; an Axes' description is that
        panel's part of it (panels are described in order). The latest call wins.
    text : str or callable
        What the figure shows and its key numbers, in one or two sentences (compute the numbers
        with f-strings). A callable ``text(target) -> str`` is called each time the figure is
        shown (package helpers use that, so an updated plot describes its current data).

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> fig = Figure()
    >>> describe(fig, "Loss falls from 0.69 to 0.05 in 100 steps.")
    >>> alt_text(fig)
    'Loss falls from 0.69 to 0.05 in 100 steps.'
    """
    if not (callable(text) or isinstance(text, str)):
        raise TypeError("describe needs the alt text as a str, e.g. describe(fig, \"Loss "
                        f"falls from 0.69 to 0.05\"); got {type(text).__name__}.")
    setattr(target, _ATTR, text)
    _show_with_alt(root_figure(target))



def root_figure(artist):
    """The top-level Figure that ``artist`` (an Axes, a SubFigure or a Figure) is drawn on.

    ``get_figure(root=True)`` needs matplotlib 3.10; the browser edition's Pyodide ships 3.8,
    where an artist's ``.figure`` chain leads to the same Figure.
    """
    try:
        return artist.get_figure(root=True)
    except TypeError:
        fig = artist.figure if getattr(artist, "figure", None) is not None else artist
        while getattr(fig, "figure", fig) is not fig and fig.figure is not None:
            fig = fig.figure
        return fig

def _show_with_alt(fig):
    """Make the root figure ``fig`` display itself with its alt text (see module docstring)."""
    if getattr(fig, "_ipython_display_", None) is None:
        fig._ipython_display_ = _Display(fig)


class _Display:
    """``fig._ipython_display_``: publish ``figure_bundle(fig)``; no reference kept on failure."""

    def __init__(self, fig):
        self._fig = fig

    def __call__(self):
        from IPython.display import publish_display_data
        data, metadata = figure_bundle(self._fig)
        publish_display_data(data, metadata)


def _text_of(target):
    text = getattr(target, _ATTR, None)
    if callable(text):
        text = text(target)
    return text or None


def alt_text(fig):
    """The alt text of ``fig`` (str), or None if neither it nor any panel is described."""
    own = _text_of(fig)
    if own:
        return own
    parts = [t for t in (_text_of(ax) for ax in fig.axes) if t]
    if len(parts) <= 1:
        return parts[0] if parts else None
    return f"{len(parts)} panels. " + " ".join(f"({i}) {p}" for i, p in enumerate(parts, 1))


def figure_bundle(fig, png=None, note=None, caption=None):
    """``(data, metadata)`` of a figure output that carries its alt text (see module docstring).

    ``png`` reuses PNG bytes already rendered (the explorers' current image); by default the
    figure is rendered as the inline backend shows it, in one draw (``render.tight_png``), or
    by the inline backend's own call where that cannot (something sticks out of the figure, a
    canvas that is not Agg's). ``caption`` (plain text) goes above the image, ``note`` (HTML)
    under it: the explorers show their headline and say where they run live.
    """
    if png is None:
        png = tight_png(fig)
    if png is None:
        from IPython.core.pylabtools import print_figure
        png = print_figure(fig, "png", bbox_inches="tight")
    alt = alt_text(fig) or "A figure (no description was given)."
    b64 = base64.b64encode(png).decode("ascii")
    img = f'<img src="data:image/png;base64,{b64}" alt="{html.escape(alt, quote=True)}">'
    body = img
    if caption is not None or note is not None:
        top = "" if caption is None else f"<p>{html.escape(caption)}</p>"
        body = f"<div>{top}{img}" + ("" if note is None else f"<p>{note}</p>") + "</div>"
    return ({"text/html": body, "image/png": b64, "text/plain": f"<Figure: {alt}>"},
            {"image/png": {"alt": alt}})


# ------------------------------------------------------------------ text from the data
_TEX = [(r"\|", "||"), (r"\partial ", "d"), (r"\partial", "d"), (r"\hat", ""),
        (r"\prod", "product of "),
        (r"\sigma", "sigma"), (r"\delta", "delta"), (r"\mathcal{L}", "L"), (r"\ldots", "..."),
        (r"\,", " "), (r"\;", " "), (r"\ ", " "), ("\\", "")]


def plain_text(text):
    """Matplotlib mathtext made readable aloud: ``r"$\\|\\delta_l\\|$"`` -> ``"||delta_l||"``.

    Examples
    --------
    >>> plain_text(r"$\\|\\partial L/\\partial W_l\\|$ (log)")
    '||dL/dW_l|| (log)'
    """
    text = str(text)
    for tex, words in _TEX:
        text = text.replace(tex, words)
    text = re.sub(r"[{}$]", "", text)
    return re.sub(r"\s+", " ", text).strip()


def format_number(x):
    """A number as the alt text writes it: 3 significant digits, ``nan`` spelled out.

    Examples
    --------
    >>> format_number(0.000123456), format_number(12.0), format_number(float("nan"))
    ('0.000123', '12', 'not a number')
    """
    x = float(x)
    if not np.isfinite(x):
        return "not a number" if np.isnan(x) else ("infinity" if x > 0 else "minus infinity")
    return f"{x:.3g}"


def describe_lines(ax, what=None):
    """A description of ``ax``'s labelled line series from their current data.

    Says what is plotted against what (with the log scale), then for each series (at most
    six) its first and last values and its extremes. Lines without a label (reference lines)
    are left out unless nothing else is plotted.
    """
    lines = [ln for ln in ax.get_lines() if ln.get_visible() and len(ln.get_xdata())]
    named = [ln for ln in lines if not ln.get_label().startswith("_")]
    y = plain_text(ax.get_ylabel()) or "value"
    x = plain_text(ax.get_xlabel()) or "x"
    scale = " (log scale)" if ax.get_yscale() == "log" and "log" not in y.lower() else ""
    title = plain_text(ax.get_title())
    head = (f"{what or 'Line plot'}" + (f" '{title}'" if title else "")
            + f": {y}{scale} against {x}.")
    parts = [head]
    for ln in (named or lines)[:6]:
        xs = np.asarray(ln.get_xdata(), dtype=float)
        ys = np.asarray(ln.get_ydata(), dtype=float)
        ok = np.isfinite(ys)
        if not ok.any():
            continue
        xs, ys = xs[ok], ys[ok]
        name = "" if ln.get_label().startswith("_") else f"{plain_text(ln.get_label())}: "
        if ln.get_transform() is not ax.transData and np.ptp(ys) == 0:
            # axhline: x runs over the axes (0 to 1), not over the data
            parts.append(f"{name or 'a '}horizontal line at {format_number(ys[0])}.")
            continue
        if ln.get_transform() is not ax.transData and np.ptp(xs) == 0:
            parts.append(f"{name or 'a '}vertical line at {format_number(xs[0])}.")
            continue
        parts.append(f"{name}from {format_number(ys[0])} at {format_number(xs[0])} to "
                     f"{format_number(ys[-1])} at {format_number(xs[-1])} (lowest "
                     f"{format_number(ys.min())}, highest {format_number(ys.max())}).")
    if len(named) > 6:
        parts.append(f"{len(named) - 6} more series.")
    return " ".join(parts)
