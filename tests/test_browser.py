"""End to end in a real browser: Playwright for Python driving Debian's Chromium.

A built slide deck, served from 127.0.0.1 with every other host blocked: slides and an
embedded figure render. (The explorers in JupyterLab: tests/test_browser_explorers.py.)

Without Chromium (``/usr/bin/chromium``) the tests skip, except in CI (``CI=true``), where a
missing browser is a failure: ``.ci/run`` installs it with apt-get.
"""
import functools
import http.server
import os
import shutil
import threading

import pytest

from _slides import OUT, built_decks

CHROMIUM = os.environ.get("VGTEACH_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
IN_CI = os.environ.get("CI", "").lower() == "true"


def _unavailable(reason):
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: the browser tests must run; .ci/run installs "
                    "Chromium with apt-get)")
    pytest.skip(reason)


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
def deck_server():
    decks = built_decks()
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(OUT))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", decks
    finally:
        server.shutdown()
        server.server_close()


def test_slide_deck_offline(browser, deck_server):
    base, decks = deck_server
    nb_path, deck = next(((n, d) for n, d in decks if "<img" in d.read_text()), decks[0])
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    remote = []

    def only_local(route):
        if route.request.url.startswith((base, "data:")):
            route.continue_()
        else:
            remote.append(route.request.url)
            route.abort()

    page.route("**/*", only_local)
    page.goto(f"{base}/{deck.name}", timeout=60_000)
    # The template loads reveal.js through require.js (no window.Reveal): ask require for it.
    page.wait_for_function("() => document.querySelector('.reveal.ready')", timeout=60_000)
    page.evaluate("() => { window._reveal = window.Reveal || "
                  "require('vendor/reveal.js/dist/reveal.js'); }")
    total = page.evaluate("() => window._reveal.getTotalSlides()")
    assert total >= 2
    assert page.locator(".reveal .slides section.present").first.is_visible()
    # Go to the first slide with a figure and check the image really decoded.
    h, v = page.evaluate("""() => {
        const img = document.querySelector('.reveal .slides section img');
        const inner = img.closest('section'), outer = inner.parentElement.closest('section');
        const tops = [...document.querySelectorAll('.reveal .slides > section')];
        const h = tops.indexOf(outer || inner);
        const v = outer ? [...outer.querySelectorAll(':scope > section')].indexOf(inner) : 0;
        return [h, v]; }""")
    page.evaluate(f"() => window._reveal.slide({h}, {v})")
    img = page.locator(".reveal .slides section.present img").first
    img.wait_for(state="visible", timeout=30_000)
    assert page.evaluate("(el) => el.complete && el.naturalWidth > 0", img.element_handle())
    box = img.bounding_box()
    assert box and box["width"] > 50 and box["height"] > 50
    if "$" in nb_path.read_text():  # MathJax (vendored) typesets the lesson's formulas
        page.wait_for_function("() => document.querySelector('.reveal .MathJax_CHTML')",
                               timeout=30_000)
    assert not remote, f"the deck tried to load {remote}"
    page.close()
