"""The course's colour-blind-safe look: the Okabe-Ito palette, with line styles and markers that
tell series apart without colour.

The package's plot helpers draw their series with ``series_style`` (so their figures look the
same whatever matplotlib style a notebook uses); a lesson that draws its own lines gets the same
look by calling ``use_course_style()`` once, after its imports. Importing this module changes
nothing global (STYLE rule 6).

Okabe & Ito, "Color Universal Design" (2008): eight colours distinguishable under the common
colour-vision deficiencies. Yellow comes last: it has too little contrast on white for a line.

Examples
--------
>>> series_style(0)
{'color': '#0072B2', 'linestyle': '-', 'marker': 'o'}
>>> series_style(1)["linestyle"], series_style(9)["color"] == series_style(1)["color"]
('--', True)
"""
import matplotlib
from cycler import cycler

__all__ = ["PALETTE", "LINESTYLES", "MARKERS", "REFERENCE", "series_style", "next_series_style",
           "use_course_style", "course_rc"]

#: Okabe-Ito, in the order the course uses them (blue, vermillion, bluish green, reddish purple,
#: orange, sky blue, black, yellow).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
           "#F0E442")
#: one line style per palette colour, so series differ in black and white too
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 3)), (0, (8, 2)),
              (0, (3, 1, 1, 1)))
#: one marker per palette colour, for series with few points (per-layer plots)
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")
#: colour of reference lines (chance level, thresholds, zero)
REFERENCE = "0.35"


def series_style(i):
    """Colour, line style and marker of the ``i``-th series (0-based; wraps after eight)."""
    k = int(i) % len(PALETTE)
    return {"color": PALETTE[k], "linestyle": LINESTYLES[k], "marker": MARKERS[k]}


def next_series_style(ax, marker=True):
    """The style of the next series drawn on ``ax`` by a package helper, and count it.

    Repeated calls on one Axes (``plot_layer_norms(..., ax=ax)`` once per activation) get
    different colours, line styles and markers. ``marker=False`` leaves markers off (dense
    curves).
    """
    n = getattr(ax, "_vgteach_series", 0)
    ax._vgteach_series = n + 1
    style = series_style(n)
    if not marker:
        del style["marker"]
    return style


def course_rc():
    """The rcParams ``use_course_style`` sets, as a dict (for ``matplotlib.rc_context``)."""
    return {
        "axes.prop_cycle": cycler(color=list(PALETTE)) + cycler(linestyle=list(LINESTYLES)),
        "image.cmap": "cividis",
        "legend.framealpha": 0.9,
    }


def use_course_style():
    """Give every figure a lesson draws itself the course's colour-blind-safe look.

    An explicit call in a notebook (after its imports), never a side effect of importing
    vgteach: sets matplotlib's colour cycle to Okabe-Ito paired with line styles (``C0`` ... ``C7``
    and each new line get both) and the default colormap to cividis.

    Examples
    --------
    >>> import matplotlib
    >>> with matplotlib.rc_context():
    ...     use_course_style()
    ...     matplotlib.rcParams["axes.prop_cycle"].by_key()["color"][0]
    '#0072B2'
    """
    matplotlib.rcParams.update(course_rc())
