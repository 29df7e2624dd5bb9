"""Check that every slide of a lesson's deck shows everything: build the deck, open it in
Chromium, visit every slide and sub-slide, and print what does not fit, by how many pixels,
and which notebook cell it comes from.

A slide fails when its content is taller or wider than the deck (960 x 700 slide pixels), when a
figure ends off the slide (or is never shown, or does not load), when an explorer's snapshot
does not render, and when maths is rendered twice, fails to typeset or is left as raw TeX.

Usage::

    python tools/check_slides.py notebooks/05_*.ipynb     # build, then check (make slides-check)
    python tools/check_slides.py --no-build notebooks/*.ipynb   # check decks already built
    python tools/check_slides.py -v notebooks/05_*.ipynb  # also every slide that fits

Exit status 1 when a slide fails. Needs Chromium (``/usr/bin/chromium``, or set
``VGTEACH_CHROMIUM``) and Playwright (installed with ``pip install -e '.[test]'``). Cell numbers
count from 0 in notebook order, as ``nbformat`` (and ``nb.cells[i]``) do; JupyterLab shows the
same cell as the (i+1)-th.
"""
import argparse
import contextlib
import dataclasses
import functools
import http.server
import os
import pathlib
import shutil
import sys
import threading

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import build_slides  # noqa: E402

INSPECT_JS = (build_slides.NPM_DIR / "inspect.js").read_text()
CHROMIUM = os.environ.get("VGTEACH_CHROMIUM", "/usr/bin/chromium")
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-quic"]
#: a window in which Reveal draws the 960 x 700 deck at scale 1 (4% margin on each axis)
VIEWPORT = {"width": 1000, "height": 730}
#: rounding slack, in slide pixels
TOLERANCE = 1.0


@dataclasses.dataclass
class Problem:
    """One thing a slide does not show (``px``: by how many slide pixels)."""

    kind: str
    detail: str
    px: int = 0
    cell: int | None = None

    def __str__(self):
        where = f"cell {self.cell}: " if self.cell is not None else ""
        return f"{self.kind}: {where}{self.detail}"


@dataclasses.dataclass
class Slide:
    """One slide or sub-slide of a deck, as measured in the browser."""

    h: int
    v: int
    title: str
    cells: list          # notebook indices of the cells on the slide
    key: str             # the id of the slide's first cell: stable when cells move
    height: int = 0      # content height in slide pixels
    fragments: int = 0   # steps that appear on a click
    problems: list = dataclasses.field(default_factory=list)
    remarks: list = dataclasses.field(default_factory=list)   # fine, but worth knowing

    @property
    def label(self):
        return f"slide {self.h + 1}" + (f".{self.v + 1}" if self.v else "")

    @property
    def fits(self):
        return not self.problems


@dataclasses.dataclass
class Deck:
    """A deck's slides and the problems found on each."""

    name: str
    slides: list
    width: int = 960
    height: int = 700

    @property
    def failing(self):
        return [s for s in self.slides if not s.fits]


def _cell_index(notebook):
    """{cell id: (index, first line of source)} for a notebook (or {} without one)."""
    if notebook is None:
        return {}
    import nbformat
    nb = nbformat.read(notebook, as_version=4)
    return {c.get("id"): (i, c.source.strip().splitlines()[0][:60] if c.source.strip() else "")
            for i, c in enumerate(nb.cells)}


@contextlib.contextmanager
def serve(directory):
    """Serve ``directory`` on 127.0.0.1 (a free port); yields the base URL."""
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def chromium(executable=CHROMIUM):
    """A headless Chromium driven by Playwright (Debian's, or Playwright's own as a fallback)."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        if os.path.exists(executable) or shutil.which(executable):
            browser = p.chromium.launch(executable_path=executable, args=BROWSER_ARGS)
        else:
            browser = p.chromium.launch(args=BROWSER_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_deck(browser, base, deck_name, remote=None):
    """Open a deck from ``base`` with every other host blocked; returns the page once reveal.js
    is ready and the explorers' snapshots have rendered (or 30 s passed).

    Requests to other hosts are aborted and their URLs appended to ``remote``.
    """
    page = browser.new_page(viewport=VIEWPORT)

    def only_local(route):
        if route.request.url.startswith((base + "/", "data:", "blob:")):
            route.continue_()
        else:
            if remote is not None:
                remote.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    page.goto(f"{base}/{deck_name}", timeout=60_000)
    page.wait_for_function("() => document.querySelector('.reveal.ready')", timeout=60_000)
    page.add_script_tag(content=INSPECT_JS)
    with contextlib.suppress(Exception):  # a widget that never renders is reported per slide
        page.wait_for_function("""() => [...document.querySelectorAll(
            'script[type="application/vnd.jupyter.widget-view+json"]')].every(s => {
                const a = s.closest('.jupyter-widgets') || s.parentElement;
                return a.querySelector('.widget-subarea > *'); })""", timeout=30_000)
    return page


def _page_through(page):
    """Press the right arrow through the whole deck without waiting, as a lecturer skimming
    ahead does while MathJax is still typesetting (this is what exposed the double maths)."""
    total = page.evaluate("() => vgInspect.slides().length")
    for _ in range(total + 5):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Home")


def inspect_deck(page, notebook=None, name=""):
    """Visit every slide of the open deck and return a :class:`Deck` with its problems."""
    cells = _cell_index(notebook)

    def index(cell_id):
        return cells[cell_id][0] if cell_id in cells else None

    def describe(cell_id):
        if cell_id not in cells:
            return ""
        i, first = cells[cell_id]
        return f' "{first}"' if first else ""

    _page_through(page)
    slides = []
    for info in page.evaluate("() => vgInspect.slides()"):
        ids = [c for c in info["cells"] if c]
        slide = Slide(info["h"], info["v"], info["title"], [index(c) for c in ids],
                      ids[0] if ids else f"{info['h']}.{info['v']}", fragments=info["fragments"])
        m = page.evaluate("([h, v]) => vgInspect.measure(h, v)", [info["h"], info["v"]])
        W, H = m["width"], m["height"]
        if m["bottom"] is not None:
            slide.height = round(m["bottom"] - min(m["top"], 0))
        if m["bottom"] and m["bottom"] > H + TOLERANCE:
            over = [c for c in m["cells"] if c["bottom"] > H + TOLERANCE]
            where = "; ".join(f"cell {index(c['id'])}{describe(c['id'])} ends "
                              f"{c['bottom'] - H:.0f} px below" for c in over)
            slide.problems.append(Problem(
                "too tall", f"content is {m['bottom'] - min(m['top'], 0):.0f} px tall, "
                f"{m['bottom'] - H:.0f} px more than the slide ({where})",
                round(m["bottom"] - H)))
        if m["top"] is not None and m["top"] < -TOLERANCE:
            slide.problems.append(Problem("too tall", f"content starts {-m['top']:.0f} px above "
                                          "the slide", round(-m["top"])))
        if m["left"] is not None and m["left"] < -TOLERANCE:
            slide.problems.append(Problem("too wide", f"content starts {-m['left']:.0f} px left "
                                          "of the slide", round(-m["left"])))
        if m["right"] and m["right"] > W + TOLERANCE:
            over = [c for c in m["cells"] if c["right"] > W + TOLERANCE]
            for c in over or [None]:
                px = (c or m)["right"] - W
                slide.problems.append(Problem(
                    "too wide", f"{px:.0f} px wider than the slide", round(px),
                    index(c["id"]) if c else None))
        for n, fig in enumerate(m["figures"], 1):
            size = f"{fig['width']:.0f} x {fig['height']:.0f} px"
            cell = index(fig["cell"])
            if not fig["loaded"]:
                slide.problems.append(Problem("figure not loaded", f"figure {n} did not load",
                                              0, cell))
            elif fig["width"] < 1 or fig["height"] < 1:
                slide.problems.append(Problem("figure not shown", f"figure {n} is never "
                                              "displayed (zero size)", 0, cell))
            elif fig["bottom"] > H + TOLERANCE or fig["top"] < -TOLERANCE or \
                    fig["right"] > W + TOLERANCE or fig["left"] < -TOLERANCE:
                below = fig["bottom"] - H
                where = (f"starts {fig['top'] - H:.0f} px below the slide: never on screen"
                         if fig["top"] >= H else f"ends {below:.0f} px below the slide"
                         if below > TOLERANCE else "crosses the slide's edge")
                slide.problems.append(Problem("figure off-screen", f"figure {n} ({size}) "
                                              f"{where}", round(max(below, 0)), cell))
            elif fig["visibleHeight"] < fig["height"] - TOLERANCE:
                slide.problems.append(Problem(
                    "figure off-screen", f"figure {n} ({size}) is cut to "
                    f"{fig['visibleHeight']:.0f} px by a scrolled box",
                    round(fig["height"] - fig["visibleHeight"]), cell))
            nat_w = fig["natural"][0]
            if nat_w and fig["width"] < 0.99 * nat_w:
                slide.remarks.append(f"cell {cell}: figure {n} shown at "
                                     f"{fig['width'] / nat_w:.0%} of its size ({size})")
        for w in m["widgets"]:
            if not w["rendered"]:
                slide.problems.append(Problem("widget not rendered",
                                              "an explorer's snapshot did not render", 0,
                                              index(w["cell"])))
        for s in m["scrolled"]:
            slide.remarks.append(f"cell {index(s['cell'])}: a box scrolls, {s['px']} px out of "
                                 "view")
        slides.append(slide)
    width, height = (m["width"], m["height"]) if slides else (960, 700)
    by_pos = {(s.h, s.v): s for s in slides}
    for p in page.evaluate("() => vgInspect.maths()"):
        slide = by_pos.get((p["h"], p["v"]))
        if slide is None or p["notes"]:
            continue
        slide.problems.append(Problem(f"maths {p['kind']}", repr(p["text"]), 0,
                                      index(p["cell"])))
    return Deck(name, slides, width, height)


def check(decks, out, chromium_path=CHROMIUM):
    """Inspect built decks: ``decks`` is a list of (notebook or None, deck path) in ``out``.

    Returns (list of :class:`Deck`, URLs the decks tried to load from other hosts).
    """
    results, remote = [], []
    with serve(out) as base, chromium(chromium_path) as browser:
        for notebook, deck in decks:
            page = open_deck(browser, base, pathlib.Path(deck).name, remote)
            try:
                results.append(inspect_deck(page, notebook, pathlib.Path(deck).name))
            finally:
                page.close()
    return results, remote


def report(deck, verbose=False):
    """A deck's problems as text, one slide per paragraph."""
    bad = deck.failing
    lines = [f"{deck.name}: {len(deck.slides)} slides, {len(deck.slides) - len(bad)} fit, "
             f"{len(bad)} do not ({deck.width} x {deck.height} px)"]
    for s in deck.slides:
        if s.fits and not verbose:
            continue
        cells = (f"cells {s.cells[0]}-{s.cells[-1]}" if len(s.cells) > 1 else
                 f"cell {s.cells[0]}" if s.cells else "no cells")
        status = "FAILS" if s.problems else "fits"
        lines.append(f"  {s.label} \"{s.title}\" ({cells}, {s.height} px tall): {status}")
        lines += [f"    - {p}" for p in s.problems]
        if verbose or s.problems:
            lines += [f"    . {r}" for r in s.remarks]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="lessons (default: notebooks/*.ipynb)")
    parser.add_argument("--out", default=str(ROOT / "build" / "slides"),
                        help="deck folder (default build/slides)")
    parser.add_argument("--no-build", action="store_true",
                        help="check the decks already in --out instead of building them")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="list every slide, with notes on shrunk figures and scrolled boxes")
    parser.add_argument("--chromium", default=CHROMIUM)
    args = parser.parse_args(argv)
    notebooks = [pathlib.Path(n) for n in args.notebooks] or \
        sorted((ROOT / "notebooks").glob("*.ipynb"))
    out = pathlib.Path(args.out).resolve()
    if args.no_build:
        decks = [out / f"{n.stem}.slides.html" for n in notebooks]
        missing = [d for d in decks if not d.exists()]
        if missing:
            sys.exit(f"not built yet: {', '.join(map(str, missing))} (drop --no-build)")
    else:
        decks = build_slides.build(notebooks, out)
    results, remote = check(list(zip(notebooks, decks)), out, args.chromium)
    for deck in results:
        print(report(deck, args.verbose))
    if remote:
        print(f"the decks tried to load from the web (blocked): {sorted(set(remote))}")
    failing = sum(len(d.failing) for d in results)
    total = sum(len(d.slides) for d in results)
    print(f"{total - failing} of {total} slides fit" + ("" if not failing else
          f"; {failing} to fix (see CONTRIBUTING.md, 'Slides')"))
    return 1 if failing or remote else 0


if __name__ == "__main__":
    sys.exit(main())
