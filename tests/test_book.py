"""The book (``make book``): built once per session (or reused when ``build/book`` is current),
then read as files and opened page by page in Chromium, served from 127.0.0.1 with every other
request aborted.

What a reader needs: every lesson and exercise is a page; no answers and no speaker notes on any
page; explorers are figures with a note on how to run them live; maths typeset without MathJax
errors; every image loads; no console errors; next/previous and sidebar navigation and search
work; axe-core finds no critical or serious accessibility violation; nothing leaves the machine.
"""
import contextlib
import fcntl
import functools
import html
import http.server
import os
import pathlib
import re
import shutil
import subprocess
import sys
import threading

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import build_book  # noqa: E402
from make_workspace import is_speaker_notes  # noqa: E402

OUT = ROOT / "build" / "book"
CHROMIUM = os.environ.get("VGTEACH_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
IN_CI = os.environ.get("CI", "").lower() == "true"
LESSONS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXERCISES = sorted((ROOT / "exercises").glob("*.ipynb"))
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
PAGES = ["intro.html"] + [f"notebooks/{p.stem}.html" for p in LESSONS] + \
    [f"exercises/{p.stem}.html" for p in EXERCISES]


def _unavailable(reason):
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: the book tests must run; .ci/run installs it)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def book():
    """build/book, built from the current sources (reused if ``make book`` already did)."""
    if shutil.which("npm") is None and not (ROOT / "build" / ".npm" / "book").exists():
        _unavailable("make book needs npm once to fetch MathJax (apt-get install npm)")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT.parent / ".book.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not build_book.is_current(OUT):
            subprocess.run([sys.executable, str(ROOT / "tools" / "build_book.py"),
                            "--out", str(OUT)], check=True, stdout=subprocess.DEVNULL)
    return OUT


def _text(page):
    """The visible text of a built page, tags stripped, whitespace collapsed."""
    raw = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", page.read_text())
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", raw)).split())


def _solution_lines():
    """Lines of every answer in solutions/ (between the solution markers), long enough to be
    unmistakable, and not written in the lessons or the exercises themselves."""
    taught = " ".join(" ".join(p.read_text().split()) for p in LESSONS + EXERCISES)
    lines = set()
    for path in SOLUTIONS:
        for cell in nbformat.read(path, as_version=4).cells:
            inside = False
            for line in cell.source.splitlines():
                if line.strip() in ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS"):
                    inside = True
                elif line.strip() in ("### END SOLUTION", "### END HIDDEN TESTS"):
                    inside = False
                elif inside and len(line.strip()) >= 25:
                    lines.add(" ".join(line.split()))
    return {line for line in lines if line not in taught}


def test_every_lesson_and_exercise_is_a_page_and_no_solution_is(book):
    for page in PAGES:
        assert (book / page).is_file(), page
    assert not (book / "solutions").exists()
    answers = _solution_lines()
    assert len(answers) >= 10, "the solutions' answer lines were not found"
    for page in PAGES:
        text = _text(book / page)
        leaked = [a for a in answers if a in text]
        assert not leaked, f"{page} shows answers: {leaked[:3]}"
        assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text, page
    for path in EXERCISES:
        assert "NotImplementedError" in _text(book / f"exercises/{path.stem}.html")


def _phrases(source, n=7):
    """Runs of ``n`` plain words from a notebook cell: text that survives Markdown rendering."""
    found = []
    for line in source.splitlines():
        for run in re.findall(r"(?:[A-Za-z]{2,}[,;]? ){%d}[A-Za-z]{2,}" % (n - 1), line):
            found.append(run)
    return found


def test_pages_leave_out_speaker_notes(book):
    checked = 0
    for path in LESSONS:
        text = _text(book / f"notebooks/{path.stem}.html")
        notes = [c for c in nbformat.read(path, as_version=4).cells if is_speaker_notes(c)]
        for cell in notes:
            for phrase in _phrases(cell.source)[:2]:
                assert phrase not in text, f"{path.stem}: speaker notes on the page: {phrase!r}"
                checked += 1
    # Lessons carry few notes cells (nothing a learner needs may live there); one phrase found
    # and not on its page is enough to show the filter works on the real build.
    assert checked >= 1, "no lesson has speaker notes with text to look for"


def test_explorers_are_figures_with_a_way_to_run_them_live(book):
    with_explorer = [p for p in LESSONS if "explore_" in p.read_text()]
    assert len(with_explorer) >= 5
    for path in LESSONS:
        page = (book / f"notebooks/{path.stem}.html").read_text()
        assert "widget-view+json" not in page and "embed-amd.js" not in page, \
            f"{path.stem}: a widget reached the page, where its controls cannot move"
        notes = page.count("this explorer at its default setting")
        if path in with_explorer:
            assert notes >= 1, f"{path.stem}: no live-edition note after its explorer"
            link = f"lite/lab/index.html?path=notebooks/{path.name}"
            assert link in page, f"{path.stem}: no link to the lesson in the live edition"
            # the explorer's figure comes right before the note
            before = page[:page.index("this explorer at its default setting")]
            assert before.rfind("<img") > before.rfind("</section>"), path.stem
        else:
            assert notes == 0, path.stem


def test_pages_refer_to_nothing_outside_the_book(book):
    external = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""")
    for page in book.rglob("*.html"):
        for match in external.finditer(page.read_text()):
            line = page.read_text()[match.start():match.start() + 120]
            pytest.fail(f"{page.relative_to(book)} loads or links {line!r}")
    vendor = book / "_vendor"
    assert (vendor / "mathjax" / "tex-chtml.js").is_file()
    assert not list((book / "_static").rglob("tex-chtml.js")), "MathJax inside _static/"


def test_every_figure_has_alt_text(book):
    """Screen readers read a figure's alt text; a file name says nothing (Sphinx writes the
    file's path when a figure has none, which passes axe-core's image-alt rule)."""
    missing = []
    for page in PAGES:
        for img in re.findall(r"<img\b[^>]*>", (book / page).read_text()):
            alt = re.search(r'\balt="([^"]*)"', img)
            src = re.search(r'\bsrc="([^"]*)"', img)
            if not alt or not alt.group(1).strip() or (src and alt.group(1) == src.group(1)):
                missing.append(f"{page}: {src.group(1) if src else img[:60]}")
    assert not missing, f"{len(missing)} figures without alt text, e.g. {missing[:3]}"


# --- in the browser -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright is not installed (pip install -e '.[test]')")
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        _unavailable(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="module")
def site(book):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(Quiet, directory=str(book)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def _page(browser, base):
    """A page that may load only from ``base``; yields (page, problems)."""
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    problems = []

    def only_local(route):
        if route.request.url.startswith((base + "/", "data:", "blob:")):
            route.continue_()
        else:
            problems.append(f"request to {route.request.url}")
            route.abort()

    page.route("**/*", only_local)
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}")
            if r.status >= 400 else None)
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}")
            if r.url.startswith(base) else None)
    try:
        yield page, problems
    finally:
        page.close()


def _typeset(page):
    """Wait for MathJax's first typeset; return (formulas, typeset ones, MathJax errors)."""
    page.wait_for_function("() => !document.querySelector('.math') || (window.MathJax && "
                           "MathJax.startup && MathJax.startup.promise)", timeout=30_000)
    page.evaluate("() => window.MathJax && MathJax.startup ? MathJax.startup.promise : null")
    return page.evaluate("""() => {
        const maths = [...document.querySelectorAll('.math')];
        return [maths.length, maths.filter(m => m.querySelector('mjx-container')).length,
                document.querySelectorAll('mjx-merror, [data-mjx-error]').length]; }""")


@pytest.fixture(scope="module")
def axe_source():
    path = build_book.npm_modules() / "axe-core" / "axe.min.js"
    assert path.is_file(), path
    return path.read_text()


@pytest.mark.parametrize("name", PAGES)
def test_page_in_the_browser(browser, site, axe_source, name):
    with _page(browser, site) as (page, problems):
        page.goto(f"{site}/{name}", wait_until="load", timeout=60_000)
        formulas, typeset, errors = _typeset(page)
        assert typeset == formulas and errors == 0, \
            f"{typeset} of {formulas} formulas typeset, {errors} MathJax errors"
        source = ROOT / name.replace(".html", ".ipynb")
        if name.startswith("notebooks/") and any("$" in c.source for c in nbformat.read(
                source, as_version=4).cells if c.cell_type == "markdown"):
            assert formulas > 0, "no typeset formula in a lesson with maths: MathJax wired in?"
        broken = page.evaluate("""() => [...document.images].filter(i => !(i.complete &&
            i.naturalWidth > 0)).map(i => i.getAttribute('src'))""")
        assert not broken, f"images that did not load: {broken}"
        if name.startswith("notebooks/") and "explore_" in source.read_text():
            assert page.locator("img").count() >= 1
        page.add_script_tag(content=axe_source)
        violations = page.evaluate("""async () => {
            // preload fetches stylesheets for one rule (css-orientation-lock) and resolves the
            // theme's @import "../basic.css" against the wrong folder: a false 404
            const r = await axe.run(document, {resultTypes: ['violations'], preload: false});
            return r.violations.filter(v => ['critical', 'serious'].includes(v.impact))
                .map(v => `${v.impact} ${v.id}: ${v.help} (${v.nodes.length}x, e.g. ` +
                          `${v.nodes[0].target.join(' ')})`); }""")
        assert not violations, "\n".join(violations)
        assert not problems, "\n".join(problems)


def test_next_links_walk_the_whole_book_in_order(book):
    """Each page's "next" link leads to the following page of the table of contents."""
    for here, there in zip(PAGES, PAGES[1:] + [None]):
        page = (book / here).read_text()
        link = re.search(r'<a[^>]*class="[^"]*right-next[^"]*"[^>]*href="([^"]+)"', page) or \
            re.search(r'<a[^>]*href="([^"]+)"[^>]*class="[^"]*right-next', page)
        if there is None:
            assert link is None, f"{here} has a next link after the last page"
            continue
        assert link, f"{here} has no next link"
        target = (book / here).parent / link.group(1).split("#")[0]
        assert target.resolve() == (book / there).resolve(), (here, link.group(1), there)


def test_navigation_in_the_browser(browser, site):
    with _page(browser, site) as (page, problems):
        page.goto(f"{site}/intro.html", timeout=60_000)
        page.locator("a.right-next").first.click()
        page.wait_for_load_state("load")
        assert page.url.endswith(PAGES[1])
        page.locator("a.right-next").first.click()
        page.wait_for_load_state("load")
        assert page.url.endswith(PAGES[2])
        page.locator(".bd-sidebar a", has_text="Exercises for Lesson 1").first.click()
        page.wait_for_load_state("load")
        assert page.url.endswith(f"exercises/{EXERCISES[0].stem}.html")
        page.locator("a.left-prev").first.click()
        page.wait_for_load_state("load")
        assert page.url.endswith(f"notebooks/{LESSONS[-1].stem}.html")
        assert not problems, "\n".join(problems)


def test_search_finds_a_lesson(browser, site):
    with _page(browser, site) as (page, problems):
        page.goto(f"{site}/search.html?q=saturation", timeout=60_000)
        results = page.locator("#search-results li a")
        results.first.wait_for(timeout=30_000)
        hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
        assert any("notebooks/01_" in h for h in hrefs), hrefs
        assert not problems, "\n".join(problems)


# --- explorers on a static page, for the output forms an explorer can take ----------------------

_PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJ"
        "RU5ErkJggg==")  # a 1x1 PNG
_VIEW = "application/vnd.jupyter.widget-view+json"


def _explorer_notebook(data, state):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("explore()")
    cell.outputs = [nbformat.v4.new_output("display_data", data=data)]
    nb.cells = [cell]
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": state}}
    return nb


def test_a_static_fallback_in_the_display_bundle_replaces_the_widget():
    view = {"model_id": "box", "version_major": 2, "version_minor": 0}
    nb = _explorer_notebook({_VIEW: view, "image/png": _PNG, "text/plain": "Explorer"}, {})
    nb.cells[0].outputs[0].metadata = {"image/png": {"alt": "Sigmoid and its slope"}}
    assert build_book.make_static(nb, "notebooks/x.ipynb", 1, "../lite/") == 1
    out = nb.cells[0].outputs
    assert [list(o.data) for o in out] == [["image/png"]]
    assert "lite/lab/index.html?path=notebooks/x.ipynb" in nb.cells[1].source
    assert "widgets" not in nb.metadata
    assert list(build_book.alt_texts(nb).values()) == ["Sigmoid and its slope"]


def test_the_figure_is_taken_from_the_widget_state_otherwise():
    state = {
        "box": {"model_name": "VBoxModel", "state": {"children": ["IPY_MODEL_s", "IPY_MODEL_o",
                                                                  "IPY_MODEL_i"]}},
        "s": {"model_name": "FloatSliderModel", "state": {"value": 1.0}},
        "o": {"model_name": "OutputModel", "state": {"outputs": [
            {"output_type": "stream", "name": "stdout", "text": "log"},
            {"output_type": "display_data", "metadata": {}, "data": {"image/png": _PNG}}]}},
        "i": {"model_name": "ImageModel", "state": {"format": "png", "description": "Depth plot"},
              "buffers": [{"path": ["value"], "encoding": "base64", "data": _PNG}]},
    }
    view = {"model_id": "box", "version_major": 2, "version_minor": 0}
    nb = _explorer_notebook({_VIEW: view, "text/plain": "VBox(...)"}, state)
    build_book.make_static(nb, "notebooks/x.ipynb", 1, "../lite/")
    out = nb.cells[0].outputs
    assert [list(o.data) for o in out] == [["image/png"], ["image/png"]]
    assert out[1].metadata["image/png"]["alt"] == "Depth plot"


def test_a_widget_with_no_figure_fails_the_build():
    view = {"model_id": "s", "version_major": 2, "version_minor": 0}
    nb = _explorer_notebook({_VIEW: view}, {"s": {"model_name": "IntSliderModel", "state": {}}})
    with pytest.raises(RuntimeError, match="no figure"):
        build_book.make_static(nb, "notebooks/x.ipynb", 1, "../lite/")
