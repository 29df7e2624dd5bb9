"""The explorers end to end in a real browser: JupyterLab on 127.0.0.1 (``bench.lab``: a
temporary root and HOME), Debian's Chromium driven by Playwright.

A lesson that shows an explorer runs all its cells; moving a slider with the keyboard changes
the plot, the headline and the screen-reader description; the page logs no error. Without
Chromium the test skips, except in CI (``CI=true``), where a missing browser is a failure.
"""
import os
import pathlib
import time

import pytest

from bench import lab

ROOT = pathlib.Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="module")
def browser():
    if not lab.chromium_available():
        reason = f"Playwright or Chromium ({lab.CHROMIUM}) is not installed"
        if IN_CI:
            pytest.fail(f"{reason} (CI=true: the browser tests must run; .ci/run installs "
                        "Chromium with apt-get)")
        pytest.skip(reason)
    with lab.browser() as b:
        yield b


def _lesson_with_explorer():
    return next(p for p in sorted((ROOT / "notebooks").glob("*.ipynb"))
                if "explore_" in p.read_text())


# The first explorer on the page: its image, headline and screen-reader description.
_STATE = """() => {
    const box = document.querySelector('.vgteach-explorer');
    if (!box) { return null; }
    const img = box.querySelector('img.widget-image');
    const head = box.querySelector('.vgteach-headline');
    const sr = box.querySelector('[role=status]');
    return {src: img && img.complete && img.naturalWidth > 0 ? img.src : null,
            headline: head ? head.textContent : '', description: sr ? sr.textContent : ''};
}"""


def _settled(page, previous, timeout=60):
    """Wait until the explorer's image differs from ``previous`` and stops changing."""
    deadline = time.time() + timeout
    last, stable_since = None, None
    while time.time() < deadline:
        state = page.evaluate(_STATE)
        src = state and state["src"]
        if src and src != previous:
            if src == last:
                if time.time() - stable_since > 1.0:
                    return state
            else:
                last, stable_since = src, time.time()
        page.wait_for_timeout(200)
    raise AssertionError("the explorer's plot did not change")


def test_explorer_answers_a_slider_in_jupyterlab(browser):
    lesson = _lesson_with_explorer()
    with lab.jupyterlab([lesson], env=dict(os.environ)) as url:
        page = lab.open_notebook(browser, url, lesson.name)
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        handle = page.locator(".vgteach-explorer .widget-slider .noUi-handle").first
        handle.wait_for(state="attached", timeout=180_000)
        handle.scroll_into_view_if_needed()
        handle.wait_for(state="visible", timeout=30_000)
        before = _settled(page, None)
        assert before["headline"] and len(before["description"]) > 40
        handle.focus()
        page.keyboard.press("End")
        after = _settled(page, before["src"])
        assert after["headline"] != before["headline"]
        assert after["description"] != before["description"]
        handle.focus()
        page.keyboard.press("Home")
        page.keyboard.press("ArrowRight")
        third = _settled(page, after["src"])
        assert third["src"] not in (before["src"], after["src"])
        assert not [e for e in errors if "Error" in e], errors
        page.close()


def test_explorer_computes_ahead_once_jupyterlab_shows_it(browser, tmp_path):
    """The kernel computes the settings one move away in its idle time (``Explorer.ahead``),
    after the browser reported a view of the explorer."""
    import nbformat
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(c) for c in [
        "from vgteach.explorers import explore_lstm_gates\ne = explore_lstm_gates(T=20)\ne",
        "print('views', e.image._view_count, 'ready', "
        "sum(e._compute.ready(**v) for v in e.ahead()), 'of', len(e.ahead()))"]]
    path = tmp_path / "ahead.ipynb"
    nbformat.write(nb, path)
    with lab.jupyterlab([path], env=dict(os.environ)) as url:
        page = lab.open_notebook(browser, url, path.name)
        page.locator(".vgteach-explorer img.widget-image").first.wait_for(timeout=180_000)
        deadline, text = time.time() + 90, ""
        while time.time() < deadline:
            page.wait_for_timeout(3000)
            page.evaluate("""() => { const nb = window.jupyterapp.shell.currentWidget;
                nb.content.activeCellIndex = 1;
                return window.jupyterapp.commands.execute('notebook:run-cell'); }""")
            page.wait_for_timeout(1000)
            text = page.evaluate("""() => { const outs = document.querySelectorAll(
                '.jp-Notebook .jp-Cell')[1].querySelectorAll('.jp-OutputArea-output');
                return outs.length ? outs[outs.length - 1].textContent : ''; }""")
            words = text.split()
            if len(words) == 6 and words[3] == words[5]:
                break
        words = text.split()
        # forget bias and input bias +-0.5, T +-10, and the cell-path box (display only)
        assert words[:2] == ["views", "1"] and words[3] == words[5] == "7", text
        page.close()
