"""PNG bytes of a figure: a lesson's static figure drawn once and cropped tight, and the PNG
writer every figure of the package uses.

``tight_png(fig)`` gives what IPython's inline backend shows, ``print_figure(fig, "png",
bbox_inches="tight")``, for less. ``print_figure`` draws a figure twice: a pass that only
measures (the layout engine runs in it, then the tight box is measured), then the real draw, with
the layout engine off, into a canvas of the box's size; then Pillow encodes it. Here the figure is
drawn once at its own size (the layout engine runs inside that draw), the tight box is measured
on that draw's renderer and padded by ``savefig.pad_inches`` as matplotlib pads it, and the
canvas' pixels are cropped to it. On the lessons' 52 figures that takes 113 ms instead of 176
(medians, best of three runs; 1.44x per figure, 1.38x in all, with the 3 whose titles stick out
of the figure rendered by print_figure after the draw here): constrained layout, which both run
once, is about two thirds of what is left. The PNGs are a quarter smaller (RGB at zlib level 6,
where matplotlib writes RGBA).

In a notebook the draw is usually done already: after each cell IPython's pyplot hook draws
every figure that changed, just before the inline backend shows it, and ``tight_png`` uses those
pixels when nothing changed since (``_drawn``), so a lesson's figure costs one draw, not two.

A reader could see one difference only: ``print_figure`` starts its canvas at the box's corner, a
fraction of a pixel, the crop at the nearest whole pixel, so the picture sits up to half a pixel
from where ``print_figure`` puts it (tests/test_plots.py compares the pixels).
"""
import struct
import zlib

import matplotlib as mpl
import numpy as np
from matplotlib.backend_bases import FigureCanvasBase
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg

__all__ = ["tight_png"]

#: zlib level of a lesson's figure: 0.71-0.95x the size of matplotlib's PNG, where level 1
#: (the explorers') gives 0.81-1.30x, for 1-3 ms more on a figure of 100 ms or more
LEVEL = 6


def tight_png(fig, level=LEVEL):
    """``print_figure(fig, "png", bbox_inches="tight")`` in one draw, or None when that cannot
    be done here and the caller should call ``print_figure`` (see ``_can_crop``; also when
    something sticks out of the figure, which only a larger canvas could show).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        Left as it was (its canvas, dpi and layout engine); it is drawn, as ``print_figure``
        draws it, so its layout is up to date afterwards.
    level : int
        zlib compression level of the PNG.

    Returns
    -------
    bytes or None
        An RGB PNG (RGBA when the figure's background is not opaque) at ``fig.dpi``.
    """
    if not _can_crop(fig):
        return None
    canvas = fig.canvas
    own = type(canvas) is FigureCanvasBase  # a Figure made without pyplot has no pixels yet
    if own:  # as print_figure does: an Agg canvas for the draw, the figure's own put back
        canvas_was, canvas = canvas, FigureCanvasAgg(fig)
    saving = canvas._is_saving
    try:
        canvas._is_saving = True  # as in print_figure: no pyplot redraw while it lays out
        if not _drawn(fig, canvas):
            FigureCanvasAgg.draw(canvas)  # the layout engine runs in here, once
        box = fig.get_tightbbox(canvas.get_renderer())  # inches, from this draw's state
        rgba = np.asarray(canvas.buffer_rgba())
        background = _background(fig)
        crop = _crop(fig, box, rgba, background)
        return None if crop is None else _encode(crop, alpha=background[3] != 255,
                                                 dpi=fig.dpi, level=level)
    finally:
        canvas._is_saving = saving
        if own:
            fig.set_canvas(canvas_was)


def _drawn(fig, canvas):
    """Whether ``canvas`` holds ``fig``'s pixels as they are now, so they need no new draw.

    In IPython pyplot redraws every stale figure after each cell (its ``post_execute`` hook,
    ``draw_all``), just before the inline backend shows and closes them: without this check a
    lesson's figure was drawn twice, layout engine and all. The pixels are current when that
    draw was the figure's last change (not ``fig.stale``), on a renderer of the figure's size
    and dpi, and nothing in the figure is animated (a draw outside saving leaves those out)."""
    renderer = getattr(canvas, "renderer", None)
    if fig.stale or renderer is None or not isinstance(canvas, FigureCanvasAgg):
        return False
    width, height = fig.bbox.size
    if (renderer.width, renderer.height, renderer.dpi) != (int(width), int(height), fig.dpi):
        return False
    return not fig.findobj(lambda artist: artist.get_animated())


def _crop(fig, box, rgba, background):
    """The pixels ``print_figure`` would write for the tight box ``box`` (inches): ``rgba``
    cropped to it, padded with ``background`` where the pad reaches past the figure; None if
    the box itself does (something sticks out of the figure)."""
    width, height = fig.bbox.width, fig.bbox.height
    dpi = fig.dpi
    x0, y0, x1, y1 = box.x0 * dpi, box.y0 * dpi, box.x1 * dpi, box.y1 * dpi
    if x0 < 0 or y0 < 0 or x1 > width or y1 > height:
        return None
    padded = box.padded(mpl.rcParams["savefig.pad_inches"])  # print_figure's box, its way
    w, h = int(padded.width * dpi), int(padded.height * dpi)
    # its canvas shows the figure shifted by the box's corner, a fraction of a pixel here;
    # the nearest whole pixel (Agg flips y about its canvas' whole-pixel height)
    left = round(padded.x0 * dpi)
    top = round(rgba.shape[0] - h - padded.y0 * dpi)
    if left >= 0 and top >= 0 and left + w <= rgba.shape[1] and top + h <= rgba.shape[0]:
        return rgba[top:top + h, left:left + w]
    out = np.empty((h, w, 4), np.uint8)
    out[...] = background
    r0, c0 = max(top, 0), max(left, 0)
    r1, c1 = min(top + h, rgba.shape[0]), min(left + w, rgba.shape[1])
    out[r0 - top:r1 - top, c0 - left:c1 - left] = rgba[r0:r1, c0:c1]
    return out


def _background(fig):
    """The figure background's RGBA pixel as Agg draws it (its patch on an empty canvas)."""
    renderer = RendererAgg(1, 1, fig.dpi)
    fig.patch.draw(renderer)
    return np.asarray(renderer.buffer_rgba())[0, 0].copy()


def _can_crop(fig):
    """Whether ``tight_png`` can render ``fig``: something to show, on an Agg canvas (or none
    yet) at one pixel per pixel, with no frame drawn round it."""
    if not (fig.axes or fig.lines) or not fig.get_visible():
        return False  # print_figure returns None for an empty figure: let it
    patch = fig.patch
    if patch.get_visible() and patch.get_linewidth() > 0 and patch.get_edgecolor()[3] > 0:
        return False  # print_figure draws the frame round its canvas, not round the figure
    canvas = fig.canvas
    if type(canvas) is FigureCanvasBase:
        return True
    return isinstance(canvas, FigureCanvasAgg) and canvas.device_pixel_ratio == 1


def _encode(rgba, alpha=False, dpi=None, level=1):
    """PNG bytes of an ``(height, width, 4)`` uint8 RGBA array (an Agg buffer or a crop of it):
    RGB unless ``alpha``, rows unfiltered, zlib ``level``, and ``dpi`` in a pHYs chunk as
    Pillow writes it, if given. Written here (the format is a signature and a few chunks): at
    level 1 1.5-1.7x faster than Pillow at its fastest compression, whose per-row filter search
    buys nothing on a plot's flat colours, and as small (round-trip tested)."""
    height, width = rgba.shape[:2]
    channels = 4 if alpha else 3
    rows = np.empty((height, 1 + channels * width), np.uint8)
    rows[:, 0] = 0  # filter type "None" for every row
    pixels = rows[:, 1:]  # a view: the assignments write into ``rows``, no copy in between
    for c in range(channels):  # channel by channel: 2x faster than one (h, w, 3) assignment
        pixels[:, c::channels] = rgba[:, :, c]
    colour_type = 6 if alpha else 2  # 8-bit RGBA or RGB
    chunks = [_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0))]
    if dpi is not None:
        per_metre = int(dpi / 0.0254 + 0.5)
        chunks.append(_chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)))
    chunks += [_chunk(b"IDAT", zlib.compress(rows, level)), _chunk(b"IEND", b"")]
    return b"".join((b"\x89PNG\r\n\x1a\n", *chunks))


def _chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data)))
