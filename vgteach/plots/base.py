"""Plot objects that redraw, not rebuild (STYLE rule 17), and the one way helpers get a figure.

A ``Plot`` declares its panels, creates its artists once (``build``) and changes them in place
on ``update(result)``. On a figure of its own (an explorer's) it renders PNG bytes itself:
constrained layout runs on the first render only, and again only when a title or label would
stick out of the figure or into the panel beside it (a few text extents, measured after the
draw); the PNG is written at low compression, which is 2-3x faster to encode and barely larger.
Lessons draw the same objects on their own Axes through the ``plot_*`` functions, so a static
figure and an explorer share one drawing path.

Nothing here imports pyplot. ``new_axes(None)`` hands back an Axes on a new figure: made by
pyplot only when the session already uses pyplot (a lesson imported it), so the lesson's
``plt.show()`` and the inline backend show it, as for any plotting helper called without ``ax``;
otherwise a standalone ``matplotlib.figure.Figure``.
"""
import sys
import time

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.transforms import Bbox

from .access import _show_with_alt, describe, figure_bundle, root_figure
from .render import _encode

__all__ = ["Plot", "new_figure", "new_axes"]


def new_figure(figsize=(6, 3.6)):
    """A new Figure with constrained layout; in pyplot's registry only if pyplot is in use."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        return pyplot.figure(figsize=figsize, layout="constrained")
    return Figure(figsize=figsize, layout="constrained")


def new_axes(ax=None, figsize=(6, 3.6)):
    """Return ``ax``, or an Axes on a new figure (see ``new_figure``)."""
    if ax is None:
        ax = new_figure(figsize).add_subplot()
    return ax


class Plot:
    """A figure of one result type whose artists are built once and updated in place.

    Parameters
    ----------
    result : the result to draw first, or None (draw later with ``update``)
    ax : None, an Axes, a Figure / SubFigure, or a sequence of Axes
        None: the plot gets a ``matplotlib.figure.Figure`` of its own (``figsize``, no pyplot)
        and can render itself (``png``). Otherwise it draws into what it is given: one Axes
        for a one-panel plot, a (Sub)Figure it divides into its panels, or exactly as many
        Axes as it has panels.

    headline : bool
        Write the result's key numbers (``headline(result)``) as the figure's title (the
        default, for lessons' figures). An explorer passes False and shows the headline as HTML
        text above the image instead: the browser draws text for free, while every glyph costs
        matplotlib a few hundredths of a millisecond on each update.

    Subclasses set ``figsize`` and ``n_panels``, and implement ``build`` (create every artist),
    ``draw(result)`` (change the artists in place), ``headline(result)`` (one line with the key
    numbers) and ``describe_panels(result)`` (one sentence or two per panel, for the alt text).
    ``title`` is the short fixed title shown when the headline is not.

    Attributes
    ----------
    figure, axes, ax : the root Figure, the panels (list), the first panel
    result : the result drawn last
    timings : dict of the last ``png()``: ``layout``, ``draw``, ``encode`` seconds, and
        ``relayout`` (True when a label stuck out and the layout ran again)
    """

    figsize = (7.0, 3.8)
    n_panels = 1
    dpi = 100
    title = None

    def __init__(self, result=None, ax=None, headline=True):
        self._own, self.show_headline = ax is None, bool(headline)
        if self._own:
            fig = Figure(figsize=self.figsize, dpi=self.dpi)
            self._canvas = FigureCanvasAgg(fig)
            self._engine = ConstrainedLayoutEngine()
            self._laid_out = False
            self._pixels = {}  # text -> (what it showed, its pixels, its box) from a draw
            self._boxes, self._tick_boxes = {}, {}  # text / axis -> window extents, last draw
            self._positions, self._label_gaps = {}, {}  # panel / axis -> room kept (layouts)
            axes = self.make_panels(fig)
        elif hasattr(ax, "add_subplot"):  # a Figure or SubFigure: divide it into our panels
            axes = self.make_panels(ax)
        else:
            axes = [ax] if hasattr(ax, "plot") else list(ax)
            if len(axes) != self.n_panels:
                raise ValueError(f"{type(self).__name__} draws {self.n_panels} panel(s); it was "
                                 f"given {len(axes)} Axes. Pass ax=None, a Figure, or "
                                 f"{self.n_panels} Axes.")
        self.axes = list(axes)
        self.ax = self.axes[0]
        self.figure = root_figure(self.ax)
        self.result = None
        self.timings = {}
        self.build()
        if not self.show_headline and self.title:
            self.ax.set_title(self.title, fontsize="medium", y=1.0)
        if self._own:
            describe(self.figure, lambda _: self.alt_text())
        else:
            for i, panel in enumerate(self.axes):
                describe(panel, lambda _, i=i: self._panel_text(i))
        if result is not None:
            self.update(result)

    # ---------------------------------------------------------------- for subclasses
    def make_panels(self, fig):
        """Create the panels on ``fig`` (a Figure or SubFigure); return a list of Axes."""
        return list(fig.subplots(1, self.n_panels, squeeze=False)[0])

    def build(self):
        """Create every artist once (empty data is fine)."""
        raise NotImplementedError

    def draw(self, result):
        """Change the artists in place to show ``result``."""
        raise NotImplementedError

    def describe_panels(self, result):
        """One description per panel (what is plotted and the key numbers), list of str."""
        raise NotImplementedError

    def headline(self, result):
        """One line with the result's key numbers (str)."""
        raise NotImplementedError

    def set_headline(self, text):
        """Show the headline in the figure (the first panel's title by default)."""
        self.ax.set_title(text, fontsize="medium", y=1.0)

    # ---------------------------------------------------------------- public
    def update(self, result):
        """Show ``result``: change the artists in place (nothing is created or removed)."""
        self.draw(result)
        if self.show_headline:
            self.set_headline(self.headline(result))
        self.result = result
        return self

    def alt_text(self):
        """The figure's text alternative, generated from the result drawn last."""
        if self.result is None:
            return None
        parts = self.describe_panels(self.result)
        if len(parts) == 1:
            return parts[0]
        return f"{len(parts)} panels. " + " ".join(f"({i}) {p}" for i, p in enumerate(parts, 1))

    def _panel_text(self, i):
        return None if self.result is None else self.describe_panels(self.result)[i]

    # A title given y=1.0 is placed without measuring every tick label of the top axis first
    # (matplotlib's automatic title placement, ~10% of a draw); no plot here has top ticks.

    def png(self):
        """The figure as PNG bytes (a plot with a figure of its own only).

        Constrained layout runs on the first call and again only when a title or axis label
        would stick out of the figure, into the panel on its left, or into its tick labels.
        Between layouts the axis labels stay where the last layout put them, so a draw does
        not measure every tick label twice to place them.
        """
        if not self._own:
            raise ValueError("Only a Plot with a figure of its own (ax=None) renders itself; "
                             "show the lesson's figure as usual.")
        t0 = time.perf_counter()
        if not self._laid_out:
            self._layout()
        t1 = time.perf_counter()
        self._draw()
        relayout = self._sticks_out()
        if relayout:
            self._layout()
            self._draw()
        t2 = time.perf_counter()
        png = _encode(np.asarray(self._canvas.buffer_rgba()))
        t3 = time.perf_counter()
        self.timings = {"layout": t1 - t0, "draw": t2 - t1, "encode": t3 - t2,
                        "relayout": relayout}
        return png

    def _all_axes(self):
        return [a for ax in self.axes for a in (ax, *ax.child_axes)]

    def _decorations(self):
        """Titles, axis labels and legends: what stays put between layouts."""
        out = [d for ax in self._all_axes()
               for d in (ax.title, ax._left_title, ax._right_title, ax.xaxis.label,
                         ax.yaxis.label, ax.get_legend()) if d is not None]
        if self.figure._suptitle is not None:
            out.append(self.figure._suptitle)
        return out

    def _draw(self):
        """Draw the figure, pasting titles, axis labels, legends and tick labels unchanged since
        the last draw from its pixels instead of typesetting them again (text is most of a
        draw's cost).

        Between layouts titles and axis labels do not move (titles sit at y = 1, axis labels
        are pinned); a legend gets an opaque frame without a border stroke, so its pixels are
        exactly its box and never hold the lines behind it. A tick label is pasted when it
        shows the same text at the same pixel position as last time (ticks are located before
        the draw to know); tick labels lie outside the panel, on the figure's background.
        """
        texts, pasted = self._texts(), []
        for d, shown, _ in texts:
            cached = self._pixels.get(d)
            if cached is not None and cached[0] == shown:
                d.set_visible(False)
                pasted.append((d, cached[1]))
        try:
            self._canvas.draw()
        finally:
            for d, _ in pasted:
                d.set_visible(True)
        for _, pixels in pasted:
            self._canvas.restore_region(pixels)
        renderer = self._canvas.get_renderer()
        done = {d for d, _ in pasted}
        for d, shown, _ in texts:  # what the draw showed (it located the same ticks)
            if d not in done:
                box = d.get_window_extent(renderer)
                # a text's ink may reach past its box; only figure background lies around it
                ink = box if hasattr(d, "get_texts") else box.padded(2)
                self._pixels[d] = (shown, self._canvas.copy_from_bbox(ink), box)
        self._boxes = {d: self._pixels[d][2] for d, _, _ in texts}
        self._tick_boxes = {}
        for d, _, axis in texts:
            if axis is not None:
                self._tick_boxes.setdefault(axis, []).append(self._boxes[d])

    def _texts(self):
        """``(artist, what it shows, its axis or None)`` for every decoration and tick label
        that shows something, with the ticks located and formatted now (as the next draw
        will)."""
        out = [(d, shown, None) for d in self._decorations()
               if (shown := _showing(d)) is not None]
        for ax in self._all_axes():
            for axis in (ax.xaxis, ax.yaxis):
                if not axis.get_visible():
                    continue
                ticks = axis._update_ticks()
                # an offset text ("1e-3") is placed by the tick labels' boxes: draw them all
                if axis.major.formatter.get_offset():
                    continue
                for tick in ticks:
                    label = tick.label1
                    if label.get_visible() and label.get_text():
                        x, y = label.get_transform().transform(label.get_position())
                        out.append((label, ("tick", label.get_text(), round(x, 2), round(y, 2),
                                            label.get_fontsize(), label.get_color(),
                                            label.get_rotation()), axis))
        return out

    def _layout(self):
        """Constrained layout with matplotlib placing the axis labels, then pin them there.

        (``Axis._autolabelpos`` is matplotlib's own switch for that placement, which
        ``set_label_coords`` turns off too; flipping it keeps the label where it was drawn.)
        """
        axes = self._all_axes()
        for ax in axes:
            ax.xaxis._autolabelpos = ax.yaxis._autolabelpos = True
            legend = ax.get_legend()
            if legend is not None:  # opaque, no border stroke: its pixels are its own
                legend.get_frame().set_alpha(1.0)
                legend.get_frame().set_edgecolor("none")
        self._pixels = {}  # everything may move
        self._engine.execute(self.figure)
        kept = self._keep_margins()
        self._canvas.draw()
        if kept:
            self._keep_label_gaps()
        for ax in axes:
            ax.xaxis._autolabelpos = ax.yaxis._autolabelpos = False
        self._laid_out = True

    def _keep_margins(self):
        """After a layout, give no panel back room an earlier layout took from it.

        A layout fits the labels of the moment; with margins that could shrink again, moving
        back and forth between two settings whose tick labels differ in width re-ran the layout
        on most moves (16 of 40 on the dashboard at depth 4). Each panel keeps the part of its
        box that every layout so far gave it, so a label that once fitted fits again. Figures
        with axes of their own placement (e.g. a colorbar) keep constrained layout's boxes.
        """
        if set(self.figure.axes) != set(self.axes):
            return False
        last, now = self._positions, {}
        for ax in self.axes:
            box = ax.get_position(original=True)
            old = last.get(ax)
            if old is not None:
                kept = Bbox.from_extents(max(box.x0, old.x0), max(box.y0, old.y0),
                                         min(box.x1, old.x1), min(box.y1, old.y1))
                if kept.width > 0 and kept.height > 0:
                    box = kept
                    ax._set_position(box)  # as constrained layout places it (still in layout)
            now[ax] = box
        self._positions = now
        return True

    def _keep_label_gaps(self):
        """Keep every axis label at least as far from its panel as an earlier layout put it
        (room for the widest tick labels so far; ``_keep_margins`` keeps that room)."""
        gaps = self._label_gaps
        for ax in self.axes:
            box = ax.bbox
            for axis in (ax.xaxis, ax.yaxis):
                label = axis.label
                x, y = label.get_position()  # the across-axis coordinate is in pixels
                side = axis.get_label_position()
                sign = -1 if side in ("left", "bottom") else 1
                edge = {"left": box.x0, "right": box.x1, "bottom": box.y0, "top": box.y1}[side]
                at = x if axis is ax.yaxis else y
                gap = sign * (at - edge)
                wanted = max(gap, gaps.get(axis, gap))
                if wanted > gap:
                    moved = edge + sign * wanted
                    label.set_position((moved, y) if axis is ax.yaxis else (x, moved))
                gaps[axis] = wanted

    def _sticks_out(self):
        """True when a title or axis label lies outside the figure, over the panel to its left,
        or over its own tick labels (after a draw: the boxes it recorded, so this measures
        almost nothing)."""
        renderer = self._canvas.get_renderer()

        def extent(text):
            box = self._boxes.get(text)
            return text.get_window_extent(renderer) if box is None else box

        width, height = self.figure.bbox.width, self.figure.bbox.height
        texts = [t for ax in self.axes for t in (ax.title, ax._left_title, ax._right_title,
                                                 ax.xaxis.label, ax.yaxis.label)]
        if self.figure._suptitle is not None:
            texts.append(self.figure._suptitle)
        for text in texts:
            if text.get_visible() and text.get_text():
                bb = extent(text)
                if bb.x0 < -1 or bb.y0 < -1 or bb.x1 > width + 1 or bb.y1 > height + 1:
                    return True
        for left, right in zip(self.axes, self.axes[1:]):
            label = right.yaxis.label
            if label.get_text() and extent(label).x0 < left.bbox.x1:
                return True
        for ax in self._all_axes():
            for axis, side in ((ax.yaxis, "x"), (ax.xaxis, "y")):
                if not (axis.label.get_visible() and axis.label.get_text()):
                    continue
                label = extent(axis.label)
                ticks = self._tick_boxes.get(axis) or _tick_label_extents(axis, renderer)
                if ticks and (label.x1 > min(b.x0 for b in ticks) + 1 if side == "x"
                              else label.y1 > min(b.y0 for b in ticks) + 1):
                    return True
        return False

    def _repr_mimebundle_(self, include=None, exclude=None):
        if self._own:
            return figure_bundle(self.figure, png=self.png())
        _show_with_alt(self.figure)
        return {"text/plain": f"<{type(self).__name__} on a lesson's figure>"}


def _showing(decoration):
    """What a title, label or legend shows (a hashable summary), or None if nothing."""
    if not decoration.get_visible():
        return None
    if hasattr(decoration, "get_texts"):  # a legend
        if decoration._loc == 0:  # "best": placed anew by every draw, so never pasted
            return None
        frame = decoration.get_frame()
        return ("legend", tuple(t.get_text() for t in decoration.get_texts()),
                len(decoration.legend_handles), frame.get_alpha(), frame.get_edgecolor())
    text = decoration.get_text()
    return (text, decoration.get_fontsize(), decoration.get_color()) if text else None


def _tick_label_extents(axis, renderer):
    """Window extents of the tick labels ``axis`` drew last (inside its view interval)."""
    low, high = sorted(axis.get_view_interval())
    span = (high - low) * 1e-9
    out = []
    for locs, ticks in ((axis.get_majorticklocs(), axis.get_major_ticks),
                        (axis.get_minorticklocs(), axis.get_minor_ticks)):
        for loc, tick in zip(locs, ticks(len(locs))):
            label = tick.label1
            if low - span <= loc <= high + span and label.get_visible() and label.get_text():
                out.append(label.get_window_extent(renderer))
    return out
