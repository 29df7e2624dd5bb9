"""End to end in a real browser: Playwright for Python driving Debian's Chromium.

JupyterLab on 127.0.0.1 (temporary root and HOME): open the first lesson that shows an
explorer, run all cells, move the explorer's slider with the keyboard, see the plot change.
The slide decks are seen in the browser by tests/test_browser_slides.py.

Without Chromium (``/usr/bin/chromium``) the tests skip, except in CI (``CI=true``), where a
missing browser is a failure: ``.ci/run`` installs it with apt-get.
"""
import contextlib
import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
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


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _lesson_with_explorer():
    candidates = sorted((ROOT / "notebooks").glob("*.ipynb"))
    return next(p for p in candidates if "explore_" in p.read_text())


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 serving a copy of one lesson; yields (url, name)."""
    tmp = tmp_path_factory.mktemp("lab")
    root, home = tmp / "root", tmp / "home"
    root.mkdir()
    lesson = _lesson_with_explorer()
    shutil.copy(lesson, root / lesson.name)
    settings = home / "lab-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    # No "news" / update pop-ups over the page (the server is offline anyway).
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    env = dict(os.environ, HOME=str(home), JUPYTER_CONFIG_DIR=str(home / "config"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"), IPYTHONDIR=str(home / "ipython"),
               JUPYTERLAB_SETTINGS_DIR=str(home / "lab-settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"), MPLBACKEND="module://"
               "matplotlib_inline.backend_inline")
    env.pop("PYTHONWARNINGS", None)
    port = _free_port()
    log = open(tmp / "lab.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1",
         f"--port={port}", f"--ServerApp.root_dir={root}", "--IdentityProvider.token=",
         "--ServerApp.password=", "--allow-root", "--LabApp.expose_app_in_browser=True",
         "--ServerApp.disable_check_xsrf=True"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(url + "/api/status", timeout=2)
                break
            assert proc.poll() is None, (tmp / "lab.log").read_text()
            time.sleep(0.5)
        yield url, lesson.name
    finally:
        # Kernels outlive pages: shut them down, then stop the server we started, by its PID.
        with contextlib.suppress(Exception):
            kernels = json.load(urllib.request.urlopen(url + "/api/kernels", timeout=5))
            for k in kernels:
                req = urllib.request.Request(f"{url}/api/kernels/{k['id']}", method="DELETE")
                urllib.request.urlopen(req, timeout=10)
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # anything left in the session we created
        log.close()


def _plot_src(page):
    # The plot of the explorer that owns the first slider (its VBox: controls, then output).
    return page.evaluate("""() => {
        const handle = document.querySelector('.widget-slider .noUi-handle');
        const box = handle && handle.closest('.widget-vbox');
        const img = box && box.querySelector('.widget-output img, .jp-OutputArea-output img');
        return img ? img.src : null; }""")


def _settled(page, previous, timeout=60):
    """Wait until the explorer's image differs from ``previous`` and stops changing."""
    deadline = time.time() + timeout
    last, stable_since = None, None
    while time.time() < deadline:
        src = _plot_src(page)
        if src and src != previous:
            if src == last:
                if time.time() - stable_since > 1.5:
                    return src
            else:
                last, stable_since = src, time.time()
        page.wait_for_timeout(250)
    raise AssertionError("the explorer's plot did not change")


def test_explorer_in_jupyterlab(browser, lab):
    url, name = lab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{url}/lab/tree/{name}", timeout=120_000)
    page.wait_for_function("() => window.jupyterapp && document.querySelector("
                           "'.jp-Notebook .jp-Cell')", timeout=120_000)
    page.wait_for_function("""() => { const w = window.jupyterapp.shell.currentWidget;
        return w && w.sessionContext && w.sessionContext.session
               && w.sessionContext.session.kernel
               && w.sessionContext.session.kernel.connectionStatus === 'connected'; }""",
                           timeout=120_000)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    handle = page.locator(".widget-slider .noUi-handle").first
    handle.wait_for(state="attached", timeout=120_000)
    handle.scroll_into_view_if_needed()
    handle.wait_for(state="visible", timeout=30_000)
    before = _settled(page, None)
    handle.focus()
    page.keyboard.press("End")
    after = _settled(page, before)
    assert after != before
    handle.focus()
    page.keyboard.press("Home")
    page.keyboard.press("ArrowRight")
    third = _settled(page, after)
    assert third not in (before, after)
    assert not [e for e in errors if "Error" in e], errors
    page.close()
