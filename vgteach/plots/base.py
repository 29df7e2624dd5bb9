"""Plot objects that redraw, not rebuild (STYLE rule 17), and the one way helpers get a figure.

A ``Plot`` declares its panels, creates its artists once (``build``) and changes them in place
on ``update(result)``. On a figure of its own (an explorer's) it renders PNG bytes itself:
constrained layout runs on the first render only, and again only when a title or label would
stick out of the figure or into the panel beside it (a few text extents, measured after the
draw); a text is laid out and rasterized once, and drawn from then on from the mask of its ink
and its place relative to its anchor, wherever its tick or label moves (``Plot._draw``); the
PNG is written at low compression, which is 2-3x faster to encode and barely larger.
Lessons draw the same objects on their own Axes through the ``plot_*`` functions, so a static
figure and an explorer share one drawing path.

Nothing here imports pyplot. ``new_axes(None)`` hands back an Axes on a new figure: made by
pyplot only when the session already uses pyplot (a lesson imported it), so the lesson's
``plt.show()`` and the inline backend show it, as for any plotting helper called without ``ax``;
otherwise a standalone ``matplotlib.figure.Figure``.
"""
import contextlib
import math
import sys
import time

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.colors import to_rgba
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
    timings : dict of the last ``png()``: ``layout``, ``draw``, ``encode`` seconds,
        ``relayout`` (True when a label stuck out and the layout ran again), and what the last
        draw did not typeset: ``pasted`` (legends and texts of several lines, from its pixels)
        and ``moved`` (one-line texts, from a ``_Stamp``)
    """

    figsize = (7.0, 3.8)
    n_panels = 1
    dpi = 100
    title = None
    max_stamps = 400  # text stamps kept (a few hundred bytes each)

    def __init__(self, result=None, ax=None, headline=True):
        self._own, self.show_headline = ax is None, bool(headline)
        if self._own:
            fig = Figure(figsize=self.figsize, dpi=self.dpi)
            self._canvas = _Canvas(fig)
            self._engine = ConstrainedLayoutEngine()
            self._laid_out = False
            self._pixels = {}  # legend, long text -> (what it showed, its pixels, its box)
            self._stamps = {}  # what a one-line text shows -> _Stamp: where a draw started it
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
        reused = self._draw()
        relayout = self._sticks_out()
        if relayout:
            self._layout()
            reused = self._draw()
        t2 = time.perf_counter()
        png = _encode(np.asarray(self._canvas.buffer_rgba()))
        t3 = time.perf_counter()
        self.timings = {"layout": t1 - t0, "draw": t2 - t1, "encode": t3 - t2,
                        "relayout": relayout, **reused}
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
        """Draw the figure without typesetting again what an earlier draw typeset (text is most
        of a draw's cost).

        A one-line text (title, axis label, tick label) whose text and style an earlier draw
        laid out (``_Stamp``) is left out of the draw and drawn after it from where its anchor
        puts it now, without being laid out again (ticks are located before the draw to know);
        the renderer draws text from a mask of its ink it keeps (``_TextRenderer``), so the
        pixels are exactly those of drawing it. It lands over the panels, where a draw puts
        text too. Legends and texts of several lines unchanged since the last draw are pasted
        from its pixels: between layouts they do not move, and a legend gets an opaque frame on
        whole pixels without a border stroke, so its pixels are exactly its box and never hold
        the lines behind it (a legend placed "best" is pasted only where the draw would place
        it, ``_stays``).

        Returns how many texts it did not typeset: ``{"pasted": n, "moved": n}``.
        """
        (texts, located), boxes, pasted, moved = self._texts(), {}, [], []
        renderer = self._canvas.get_renderer()
        for d, shown, axis, anchor in texts:
            if anchor is None:
                cached = self._pixels.get(d)
                if cached is not None and cached[0] == shown and _stays(d, cached[2], renderer):
                    pasted.append((d, cached[1]))
                    boxes[d] = cached[2]
            elif shown is not None:
                stamp = self._stamps.get(shown)
                if stamp is not None:
                    moved.append((d, stamp.origin_at(anchor)))
                    boxes[d] = stamp.box_at(anchor)
        hidden = [d for d, _ in pasted + moved]
        for d in hidden:
            d.set_visible(False)
        renderer.origins.clear()
        try:
            with _located(located):
                self._canvas.draw()
        finally:
            for d in hidden:
                d.set_visible(True)
        for _, pixels in pasted:
            self._canvas.restore_region(pixels)
        for text, origin in moved:  # over the panels, as a draw puts text
            _draw_text_at(text, origin, renderer)
        for d, shown, axis, anchor in texts:  # what the draw showed (it located the same ticks)
            if d in boxes:
                continue
            box = boxes[d] = d.get_window_extent(renderer)
            if anchor is None:
                # a legend's frame fills whole pixels; a text's ink may reach past its box, where
                # only figure background lies
                ink = _whole_pixels(box) if hasattr(d, "get_texts") else box.padded(2)
                self._pixels[d] = (shown, self._canvas.copy_from_bbox(ink), box)
            elif shown is not None and d in renderer.origins:
                self._stamps[shown] = _Stamp(renderer.origins[d], anchor, box)
        renderer.origins.clear()
        if len(self._stamps) > self.max_stamps:  # oldest first (dicts keep insertion order)
            for key in list(self._stamps)[:len(self._stamps) - self.max_stamps]:
                del self._stamps[key]
        self._boxes = {d: boxes[d] for d, *_ in texts}
        self._tick_boxes = {}
        for d, _, axis, _ in texts:
            if axis is not None:
                self._tick_boxes.setdefault(axis, []).append(boxes[d])
        return {"pasted": len(pasted), "moved": len(moved)}

    def _texts(self):
        """``(texts, located)``: ``(artist, what it shows, its axis or None, its anchor or
        None)`` for every decoration and tick label that shows something, and ``{axis: its
        ticks}``, located and formatted now, for the draw to use.

        A one-line text (a title, an axis label, a tick label) has an anchor, the display point
        its text is aligned to, and shows its text and style, not its place (``_text_style``;
        None for a tick label that cannot be drawn from a ``_Stamp``). A legend or a text of
        several lines has no anchor and shows what ``_showing`` says.
        """
        out = []
        for d in self._decorations():
            style = None if hasattr(d, "get_texts") else _text_style(d)
            if style is not None:
                out.append((d, style, None, _anchor(d)))
            elif (shown := _showing(d)) is not None:
                out.append((d, shown, None, None))
        located = {}
        for ax in self._all_axes():
            for axis in (ax.xaxis, ax.yaxis):
                if not axis.get_visible():
                    continue
                ticks = located[axis] = axis._update_ticks()
                # an offset text ("1e-3") is placed by the tick labels' boxes: draw them all
                if axis.major.formatter.get_offset():
                    continue
                for tick in ticks:
                    label = tick.label1
                    if label.get_visible() and label.get_text():
                        out.append((label, _text_style(label), axis, _anchor(label)))
        return out, located

    def _layout(self):
        """Constrained layout with matplotlib placing the axis labels, then pin them there.

        (``Axis._autolabelpos`` is matplotlib's own switch for that placement, which
        ``set_label_coords`` turns off too; flipping it keeps the label where it was drawn.)
        """
        axes = self._all_axes()
        for ax in axes:
            ax.xaxis._autolabelpos = ax.yaxis._autolabelpos = True
            legend = ax.get_legend()
            if legend is not None:  # opaque, no border stroke, edges on whole pixels: its
                frame = legend.get_frame()  # pixels are its own, no line shows through an edge
                frame.set_alpha(1.0)
                frame.set_edgecolor("none")
                frame.set_linewidth(0)
                frame.set_snap(True)
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


@contextlib.contextmanager
def _located(located):
    """Each axis in ``located`` draws the ticks located for it (``{axis: ticks}``) instead of
    locating and formatting them again (``Axis._update_ticks``, its draw's first step)."""
    for axis, ticks in located.items():
        axis._update_ticks = lambda ticks=ticks: ticks
    try:
        yield
    finally:
        for axis in located:
            del axis._update_ticks


def _whole(v):
    """The whole pixel nearest ``v`` (halves up)."""
    return math.floor(v + 0.5)


def _whole_pixels(box):
    """``box`` with its edges on the nearest pixel boundaries (as Agg snaps a path)."""
    return Bbox.from_extents(*(_whole(v) for v in box.extents))


class _TextRenderer(RendererAgg):
    """Agg that draws each line of text from the whole pixel nearest its origin, level text
    through a mask of it it keeps, and notes where each one-line ``Text`` asked to be drawn
    (``origins``: display pixels, y down).

    matplotlib places glyphs to 1/64 pixel, so one text drawn at two places differs in its
    antialiased edges. From whole-pixel origins its pixels are the same, only moved: a level
    text is typeset and rasterized once, into a mask of its ink (the glyphs' coverage, on a
    canvas of its own), and every later draw of it blends that mask in the text's colour,
    which gives exactly the pixels drawing the glyphs one by one gives (tested). Turned text
    (a y-axis label) is drawn as usual from its whole-pixel origin. Text sits at most half a
    pixel from where matplotlib would put it.
    """

    max_masks = 1000  # texts whose masks are kept (a few hundred bytes each)

    def __init__(self, width, height, dpi):
        super().__init__(width, height, dpi)
        self.origins = {}
        self._masks = {}

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if mtext is not None:
            self.origins[mtext] = (x, y)
        x, y = _whole(x), _whole(y)
        if angle % 360:  # turned text as usual: older matplotlib turns its raster, not glyphs
            return super().draw_text(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
        # what else shapes the glyphs: font features and language (matplotlib >= 3.10)
        features = tuple(getattr(mtext, name, lambda: None)()
                         for name in ("get_fontfeatures", "get_language"))
        key = (s, hash(prop), ismath, bool(gc.get_antialiased()), features)
        mask = self._masks.get(key)
        if mask is None:
            mask = self._masks[key] = self._mask(s, prop, ismath, gc, mtext)
            if len(self._masks) > self.max_masks:
                del self._masks[next(iter(self._masks))]
        ink, dx, dy = mask
        if ink is not None:
            self._renderer.draw_text_image(ink, x + dx, y + dy, 0, gc)

    def _mask(self, s, prop, ismath, gc, mtext):
        """``(coverage, dx, dy)``: the text's ink (uint8, or None if it has none) drawn from
        the origin (0, 0), and where the mask's left edge and bottom row end lie from it."""
        width, height, descent = self.get_text_width_height_descent(s, prop, ismath)
        pad = 4  # ink may reach a little past the metrics
        while True:
            left, top = pad, pad + math.ceil(height - descent)
            canvas = RendererAgg(left + math.ceil(width) + pad,
                                 top + math.ceil(descent) + pad, self.dpi)
            canvas.clear()  # transparent
            black = canvas.new_gc()
            black.set_foreground((0.0, 0.0, 0.0, 1.0), isRGBA=True)
            black.set_antialiased(gc.get_antialiased())
            RendererAgg.draw_text(canvas, black, left, top, s, prop, 0, ismath=ismath,
                                  mtext=mtext)
            alpha = np.asarray(canvas.buffer_rgba())[:, :, 3]
            rows, cols = np.flatnonzero(alpha.any(axis=1)), np.flatnonzero(alpha.any(axis=0))
            if not rows.size:
                return None, 0, 0
            if (rows[0] > 0 and cols[0] > 0 and rows[-1] < alpha.shape[0] - 1
                    and cols[-1] < alpha.shape[1] - 1):
                break
            pad += 4 + math.ceil(width + height)  # the ink reached the edge: a larger canvas
        ink = np.ascontiguousarray(alpha[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1])
        return ink, int(cols[0]) - left, int(rows[-1]) + 1 - top


class _Canvas(FigureCanvasAgg):
    """An Agg canvas whose renderer is a ``_TextRenderer``."""

    def get_renderer(self):
        w, h = self.get_width_height(physical=True)
        key = w, h, self.figure.dpi
        if self._lastKey != key:  # as FigureCanvasAgg: a new renderer when the size changes
            self.renderer = _TextRenderer(w, h, self.figure.dpi)
            self._lastKey = key
        return self.renderer


class _Stamp:
    """Where a one-line text started, from its anchor, and its box, in a draw. A text of the
    same characters and style keeps both wherever it is anchored."""

    def __init__(self, origin, anchor, box):
        # the origin is in display pixels with y down, the anchor with y up
        self.dx, self.dy = origin[0] - anchor[0], origin[1] + anchor[1]
        self.anchor, self.box = anchor, box

    def origin_at(self, anchor):
        return anchor[0] + self.dx, self.dy - anchor[1]

    def box_at(self, anchor):
        return self.box.translated(anchor[0] - self.anchor[0], anchor[1] - self.anchor[1])


def _text_style(text):
    """What a visible one-line ``Text`` shows, by its text and style (hashable), or None when
    it shows nothing or cannot be drawn from a ``_Stamp`` (several lines, a box, path effects,
    TeX, wrapping, rotation taken from its transform)."""
    s = text.get_text()
    if (not text.get_visible() or not s or "\n" in s or text.get_bbox_patch() is not None
            or text.get_path_effects() or text.get_usetex() or text.get_wrap()
            or text.get_transform_rotates_text()):
        return None
    return ("text", s, hash(text.get_fontproperties()), text.get_color(), text.get_alpha(),
            text.get_rotation(), text.get_ha(), text.get_va(), text.get_rotation_mode(),
            text.get_antialiased(), text.get_clip_on())


def _anchor(text):
    """The display point (pixels, y up) a ``Text`` is aligned to, as its draw computes it."""
    x, y = text.get_transform().transform(text.get_position())
    return float(x), float(y)


def _draw_text_at(text, origin, renderer):
    """Draw ``text``'s text (a one-line ``Text``) from ``origin``, where its draw would ask the
    renderer to start it, with the graphics context ``Text.draw`` gives it."""
    gc = renderer.new_gc()
    gc.set_foreground(to_rgba(text.get_color()), isRGBA=True)
    gc.set_alpha(text.get_alpha())
    gc.set_antialiased(text.get_antialiased())
    gc.set_snap(text.get_snap())
    text._set_gc_clip(gc)
    s, ismath = text._preprocess_math(text.get_text())
    renderer.draw_text(gc, origin[0], origin[1], s, text.get_fontproperties(),
                       text.get_rotation(), ismath=ismath, mtext=text)
    gc.restore()


def _stays(decoration, box, renderer):
    """Whether ``decoration``, last drawn in ``box``, would be drawn there again: False for a
    legend placed "best" (matplotlib's search for the corner with the least data under it)
    whose best place is elsewhere now, e.g. a new run's lines run where it was."""
    if getattr(decoration, "_loc", None) != 0:
        return True
    x, y = decoration._find_best_position(box.width, box.height, renderer)
    return abs(x - box.x0) < 1e-6 and abs(y - box.y0) < 1e-6


def _showing(decoration):
    """What a title, label or legend shows (a hashable summary), or None if nothing."""
    if not decoration.get_visible():
        return None
    if hasattr(decoration, "get_texts"):  # a legend ("best": see ``_stays``)
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
