"""A JupyterLab server on 127.0.0.1 and Debian's Chromium driven by Playwright, for measuring and
testing explorers in a real browser (``bench.explorers``, ``tests/test_browser_explorers.py``).

The server gets a temporary root, HOME and settings (no news or update pop-ups), no token, and
is stopped by its own process id; kernels it started are shut down first.
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
import tempfile
import time
import urllib.request

CHROMIUM = os.environ.get("VGTEACH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
#: variables a test or benchmark run sets that a learner's kernel does not have
_NOT_A_LEARNERS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                   "PYTHONWARNINGS", "MPLBACKEND", "PYTEST_CURRENT_TEST", "PYTEST_XDIST_WORKER",
                   "PYTEST_XDIST_WORKER_COUNT")


def learner_env(original=None):
    """The environment a learner's kernel starts with: ``original`` (default ``os.environ``)
    without the thread limits and test variables the benchmark or pytest set."""
    env = dict(os.environ if original is None else original)
    for name in _NOT_A_LEARNERS:
        env.pop(name, None)
    return env


def chromium_available():
    """True when Playwright and the Chromium binary are both there."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return os.path.exists(CHROMIUM) or shutil.which(CHROMIUM) is not None


@contextlib.contextmanager
def browser():
    """A headless Chromium (Playwright ``Browser``)."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def jupyterlab(files, env=None, tmp=None):
    """Serve copies of ``files`` (paths) from a fresh JupyterLab on 127.0.0.1; yield its URL.

    ``env`` is the server's (and so its kernels') environment, default ``learner_env()``.
    """
    owned = tmp is None
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="vgteach-lab-") if owned else tmp)
    root, home = tmp / "root", tmp / "home"
    root.mkdir(parents=True, exist_ok=True)
    for path in files:
        shutil.copy(path, root / pathlib.Path(path).name)
    settings = home / "lab-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True, exist_ok=True)
    # No "news" / update pop-ups over the page (the server is offline anyway).
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    env = dict(learner_env() if env is None else env, HOME=str(home),
               JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               IPYTHONDIR=str(home / "ipython"),
               JUPYTERLAB_SETTINGS_DIR=str(home / "lab-settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"))
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
        for _ in range(240):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(url + "/api/status", timeout=2)
                break
            if proc.poll() is not None:
                raise RuntimeError("JupyterLab did not start:\n" + (tmp / "lab.log").read_text())
            time.sleep(0.5)
        yield url
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
        if owned:
            shutil.rmtree(tmp, ignore_errors=True)


def open_notebook(browser, url, name, viewport=(1400, 1000)):
    """Open notebook ``name`` in JupyterLab, wait for its kernel, run all cells; the page."""
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    page.goto(f"{url}/lab/tree/{name}", timeout=120_000)
    page.wait_for_function("() => window.jupyterapp && document.querySelector("
                           "'.jp-Notebook .jp-Cell')", timeout=120_000)
    page.wait_for_function("""() => { const w = window.jupyterapp.shell.currentWidget;
        return w && w.sessionContext && w.sessionContext.session
               && w.sessionContext.session.kernel
               && w.sessionContext.session.kernel.connectionStatus === 'connected'; }""",
                           timeout=120_000)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    return page
