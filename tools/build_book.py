"""Build the course as an executed, browsable book: ``build/book/`` (``make book``).

Jupyter Book 1 (Sphinx + myst-nb + sphinx-book-theme), fully offline:

* every lesson in ``notebooks/`` is executed here (nbclient, one kernel per lesson) so its
  figures, printed numbers and maths are on the page; the exercises in ``exercises/`` (the
  generated student versions: no answers) are pages too, not executed; ``solutions/`` is never
  read;
* pages are *learner copies* (``make_workspace.learner_notebook``): no speaker notes;
* an explorer cannot move without a kernel, so its output is shown as its figure at the default
  setting, followed by a note on how to open the lesson live. A widget output that carries a
  static fallback in the same display bundle (an image or HTML next to the widget view) shows
  that fallback; otherwise the figure is taken from the widget's saved state (the plot inside
  its Output or Image widget). An explorer output with no figure at all fails the build;
* alt text of a figure comes from its output's metadata, ``{"image/png": {"alt": "..."}}``
  (any image type), or from an HTML fallback's own ``<img alt=...>``; the Sphinx extension in
  ``tools/book/vgteach_book.py`` puts it on the page's ``<img>``;
* MathJax 3, require.js and the Jupyter widget HTML manager come from the npm registry at the
  versions pinned in ``tools/book/package-lock.json`` and are copied to ``build/book/_vendor/``
  (outside ``_static/``, whose every ``.js`` file Sphinx would load on every page); the pages
  refer to them by relative paths, so the folder works from any static web server or a USB
  stick and no request leaves the machine;
* Sphinx runs with warnings as errors.

Usage: ``python tools/build_book.py [--out build/book] [--lite-url ../lite/]``
"""
import argparse
import base64
import hashlib
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import textwrap

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parents[1]
NPM_DIR = ROOT / "tools" / "book"
sys.path.insert(0, str(ROOT / "tools"))
from make_workspace import learner_notebook  # noqa: E402

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/svg+xml")
#: mime types that can stand in for a widget on a static page
STATIC_TYPES = IMAGE_TYPES + ("text/html",)
#: what the pages load: folder under build/book/_vendor -> folder inside node_modules
VENDOR = {
    "mathjax": "mathjax/es5",
    "requirejs": "requirejs",
    "html-manager": "@jupyter-widgets/html-manager/dist",
}
#: Sphinx resolves these relative to _static/, so "../_vendor" is build/book/_vendor
MATHJAX_PATH = "../_vendor/mathjax/tex-chtml.js"
WIDGETS_JS = {
    "../_vendor/requirejs/require.js": {},
    "../_vendor/html-manager/embed-amd.js": {},
}


STAMP = ".vgteach-inputs"


def fingerprint(lite_url="../lite/"):
    """sha256 over everything a build reads: lets tests reuse an up-to-date ``make book``."""
    h = hashlib.sha256(lite_url.encode())
    inputs = [*sorted((ROOT / "notebooks").glob("*.ipynb")),
              *sorted((ROOT / "exercises").glob("*.ipynb")),
              *sorted((ROOT / "vgteach").rglob("*.py")), ROOT / "README.md",
              ROOT / "tools" / "build_book.py", ROOT / "tools" / "make_workspace.py",
              *sorted(p for p in NPM_DIR.rglob("*")
                      if p.is_file() and "__pycache__" not in p.parts)]
    for path in inputs:
        h.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    return h.hexdigest()


def is_current(out=ROOT / "build" / "book", lite_url="../lite/"):
    """True if ``out`` holds a complete book built from the current sources."""
    stamp = pathlib.Path(out) / STAMP
    return stamp.exists() and stamp.read_text() == fingerprint(lite_url)


# --- JavaScript from npm ------------------------------------------------------------------------

def npm_modules(cache=ROOT / "build" / ".npm" / "book"):
    """``npm ci`` the pinned packages into ``cache`` (once per lock file); returns node_modules."""
    lock = (NPM_DIR / "package-lock.json").read_text()
    stamp = cache / ".installed-lock.json"
    modules = cache / "node_modules"
    if stamp.exists() and stamp.read_text() == lock and modules.is_dir():
        return modules
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("make book needs npm (Node.js) once, to fetch MathJax and the widget manager: "
                 "install nodejs/npm (Debian: apt-get install npm).")
    cache.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copy(NPM_DIR / name, cache / name)
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error", "--prefix",
                    str(cache)], check=True)
    stamp.write_text(lock)
    return modules


def copy_vendor(modules, dest):
    """Copy what the pages load (no source maps) to ``dest``."""
    if dest.exists():
        shutil.rmtree(dest)
    for name, src in VENDOR.items():
        shutil.copytree(modules / src, dest / name,
                        ignore=shutil.ignore_patterns("*.map", "*.d.ts"))


# --- notebooks ----------------------------------------------------------------------------------

def execute(nb, cwd, timeout=300):
    """Run every cell of ``nb`` in a fresh kernel in folder ``cwd``; keeps the widget state."""
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")  # the kernel inherits it: tiny matmuls, one thread
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", store_widget_state=True,
                            resources={"metadata": {"path": str(cwd)}})
    client.execute()
    return nb


def _widget_state(nb):
    return nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})


def _model_id(ref):
    return ref[len("IPY_MODEL_"):] if isinstance(ref, str) and ref.startswith("IPY_MODEL_") \
        else ref


def _image_from_image_model(model):
    """A display_data output for an ipywidgets ``Image`` (its bytes live in ``buffers``)."""
    state = model["state"]
    data = state.get("value")
    for buf in model.get("buffers", []):
        if buf.get("path") == ["value"]:
            data = buf["data"] if buf.get("encoding") == "base64" else \
                base64.b64encode(buf["data"].encode()).decode()
    if not data:
        return None
    fmt = state.get("format", "png")
    mime = "image/svg+xml" if fmt == "svg+xml" else f"image/{fmt}"
    metadata = {}
    if state.get("description"):  # the widget's accessible label doubles as alt text
        metadata = {mime: {"alt": state["description"]}}
    return nbformat.v4.new_output("display_data", data={mime: data}, metadata=metadata)


def static_outputs(model_id, state, seen=None):
    """The figures a widget shows, from its saved state: images and HTML of every Output
    widget and every Image widget in its tree, in display order."""
    seen = set() if seen is None else seen
    if model_id in seen or model_id not in state:
        return []
    seen.add(model_id)
    model = state[model_id]
    name, body = model.get("model_name", ""), model.get("state", {})
    if name == "OutputModel":
        return [nbformat.from_dict(o) for o in body.get("outputs", [])
                if o.get("output_type") in ("display_data", "execute_result")
                and any(m in o.get("data", {}) for m in STATIC_TYPES)]
    if name == "ImageModel":
        out = _image_from_image_model(model)
        return [out] if out else []
    found = []
    for child in body.get("children", []):
        found += static_outputs(_model_id(child), state, seen)
    return found


def live_note(path_in_site, depth, lite_url):
    """A markdown cell saying how to run this explorer live."""
    base = lite_url if re.match(r"^[a-z]+://", lite_url) else "../" * depth + lite_url
    href = f"{base}lab/index.html?path={path_in_site}"
    return nbformat.v4.new_markdown_cell(textwrap.dedent(f"""\
        ```{{note}}
        The figure above is this explorer at its default setting; on this page its controls
        cannot move. To move them, run the lesson live: in your browser with the
        <a href="{href}">live edition</a> (nothing to install), or on your own machine with
        `make lab`.
        ```"""))


def make_static(nb, path_in_site, depth, lite_url):
    """Replace every widget output of ``nb`` by its static figure and add a live-edition note
    after each such cell. Returns how many widget outputs were replaced."""
    state = _widget_state(nb)
    cells, replaced = [], 0
    for i, cell in enumerate(nb.cells):
        cells.append(cell)
        if cell.cell_type != "code" or not any(WIDGET_VIEW in o.get("data", {})
                                               for o in cell.outputs):
            continue
        outputs = []
        for out in cell.outputs:
            data = out.get("data", {})
            if WIDGET_VIEW not in data:
                outputs.append(out)
                continue
            replaced += 1
            if any(m in data for m in STATIC_TYPES):  # the display bundle has its own fallback
                del data[WIDGET_VIEW]
                data.pop("text/plain", None)
                outputs.append(out)
                continue
            figures = static_outputs(data[WIDGET_VIEW]["model_id"], state)
            if not figures:
                raise RuntimeError(f"{path_in_site}, cell {i}: a widget output with no figure "
                                   "in its state and no static fallback; the book cannot show it")
            outputs += figures
        cell.outputs = outputs
        cells.append(live_note(path_in_site, depth, lite_url))
    nb.cells = cells
    nb.metadata.pop("widgets", None)  # nothing left for the widget manager to render
    return replaced


def alt_texts(nb):
    """{sha256 of image bytes: alt text} for every image output that carries alt text."""
    found = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            for mime in IMAGE_TYPES:
                alt = out.get("metadata", {}).get(mime, {}).get("alt")
                content = out.get("data", {}).get(mime)
                if alt and content:
                    # the bytes myst-nb writes, whose sha256 names the page's image file
                    raw = os.linesep.join(content.splitlines()).encode() \
                        if mime == "image/svg+xml" else base64.b64decode(content)
                    found[hashlib.sha256(raw).hexdigest()] = str(alt)
    return found


# --- the book's sources -------------------------------------------------------------------------

def lesson_lines(readme=ROOT / "README.md"):
    """{lesson stem: one line on what the learner will be able to do}, from README's table."""
    rows = re.findall(r"^\|\s*\d+\s*\|\s*`(\w+)`\s*\|\s*(.+?)\s*\|\s*$", readme.read_text(), re.M)
    return dict(rows)


def title(nb):
    """The first heading of a notebook, without the ``#``."""
    for line in nb.cells[0].source.splitlines():
        if line.startswith("#"):
            return line.lstrip("#").strip()
    raise ValueError("a notebook's first cell must start with a heading")


def landing_page(lessons, exercises, lines, lite_url):
    """The book's front page (MyST markdown)."""
    live = f'<a href="{lite_url}lab/index.html">live edition</a>'
    rows = []
    for n, (stem, heading) in enumerate(lessons, 1):
        line = lines.get(stem)
        if line is None:
            raise ValueError(f"README.md's lesson table has no line for {stem}")
        rows.append(f"| {n} | [{heading}](notebooks/{stem}.ipynb) | {line} |")
    exercise_links = ", ".join(f"[{stem[:2]}](exercises/{stem}.ipynb)" for stem, _ in exercises)
    return textwrap.dedent("""\
        # vgteach — the vanishing gradient problem, hands on

        Why were deep networks so hard to train, and what fixed it? Nine short lessons answer
        with code you can run: sigmoid and tanh slopes, the chain-rule product over depth, how
        to recognise vanishing gradients in a real network, and the remedies — activation
        functions, initialization, normalization and adaptive optimizers, layer-wise
        pretraining, LSTM gates and residual connections. Every number is computed in front of
        you, and every lesson checks its own key claims with `assert`. Behind the lessons is
        `vgteach`, a small NumPy package with hand-written backprop.

        ## The lessons

        | # | lesson | what you will be able to do |
        |---|--------|-----------------------------|
        """) + "\n".join(rows) + "\n\n" + textwrap.dedent(f"""\
        This book shows every lesson already run: its figures, numbers and maths. An explorer
        (a figure with sliders) appears here at its default setting.

        ## Run it live

        - **In your browser, nothing to install**: the {live} runs every lesson,
          explorer and exercise checker in the page (JupyterLite with a Pyodide kernel).
          Build it with `make lite` and serve `build/lite/` from any static web server.
        - **On your own machine**: clone the repository and run `make lab` (Python 3.11+). It
          opens JupyterLab on your own copies of the lessons and exercises, in `workspace/`.

        ## Exercises and grading

        Each lesson has graded exercises ({exercise_links}). Write your answer in place of
        `raise NotImplementedError()` and run the check cell under it: the checker gives your
        points and, if something is off, which input failed and a hint, never the answer. The
        exercise pages here show the questions; run them live to answer.

        Instructors grade with nbgrader: `make nbgrader-course` lays out a course (one
        assignment per lesson) in `build/nbgrader/`; the guide is `docs/instructors.md` in the
        repository.
        """)


def write_sources(src, lesson_nbs, exercise_nbs, lite_url):
    """Write the Jupyter Book source folder ``src``; returns {sha256: alt} for all figures."""
    lessons = [(p.stem, title(nb)) for p, nb in lesson_nbs]
    exercises = [(p.stem, title(nb)) for p, nb in exercise_nbs]
    alts = {}
    for folder, items in (("notebooks", lesson_nbs), ("exercises", exercise_nbs)):
        (src / folder).mkdir(parents=True, exist_ok=True)
        for path, nb in items:
            alts.update(alt_texts(nb))
            nbformat.write(nb, src / folder / path.name)
    (src / "intro.md").write_text(landing_page(lessons, exercises, lesson_lines(), lite_url))
    toc = {"format": "jb-book", "root": "intro", "parts": [
        {"caption": "Lessons", "chapters": [{"file": f"notebooks/{s}"} for s, _ in lessons]},
        {"caption": "Exercises", "chapters": [{"file": f"exercises/{s}"} for s, _ in exercises]},
    ]}
    (src / "_toc.yml").write_text(json.dumps(toc, indent=1))  # JSON is YAML
    config = {
        "title": "vgteach: the vanishing gradient problem",
        "author": "the vgteach authors",
        "copyright": "",
        "logo": "",
        "only_build_toc_files": True,
        "execute": {"execute_notebooks": "off"},
        "html": {"use_repository_button": False, "use_issues_button": False,
                 "use_edit_page_button": False, "home_page_in_navbar": True},
        "launch_buttons": {"binderhub_url": "", "jupyterhub_url": "", "colab_url": "",
                           "thebe": False},
        "sphinx": {
            "local_extensions": {"vgteach_book": str(NPM_DIR)},
            "recursive_update": True,  # merge html_theme_options below into Jupyter Book's
            "config": {
                # Jupyter Book's list without sphinx_thebe (it puts a CDN URL for a live-code
                # button on every page) and intersphinx (it fetches inventories from the web)
                "extensions": ["sphinx_togglebutton", "sphinx_copybutton", "myst_nb",
                               "jupyter_book", "sphinx_comments", "sphinx_external_toc",
                               "sphinx_design", "sphinx_book_theme", "vgteach_book"],
                "language": "en",
                "mathjax_path": MATHJAX_PATH,
                "nb_ipywidgets_js": WIDGETS_JS,
                # a widget view never reaches a page: its static fallback does
                "nb_mime_priority_overrides": [["html", WIDGET_VIEW, None]],
                "vgteach_alt_texts": alts,
                "html_show_sourcelink": False,
                # light figures on a light page; the theme's empty default logs a console error
                "html_context": {"default_mode": "light"},
            },
        },
    }
    (src / "_config.yml").write_text(json.dumps(config, indent=1))
    return alts


def prepare(notebook_paths, exercise_paths, src, lite_url, timeout=300):
    """Learner copies of the lessons (executed, explorers made static) and of the exercises."""
    lesson_nbs, exercise_nbs = [], []
    work = src / "notebooks"
    work.mkdir(parents=True, exist_ok=True)
    for path in notebook_paths:
        nb = learner_notebook(nbformat.read(path, as_version=4))
        execute(nb, work, timeout)
        make_static(nb, f"notebooks/{path.name}", depth=1, lite_url=lite_url)
        lesson_nbs.append((path, nb))
    for path in exercise_paths:
        exercise_nbs.append((path, learner_notebook(nbformat.read(path, as_version=4))))
    return lesson_nbs, exercise_nbs


def build(out=ROOT / "build" / "book", lite_url="../lite/", notebooks=None, exercises=None,
          timeout=300):
    """Build the book into ``out``; returns ``out``."""
    out = pathlib.Path(out).resolve()
    complete = notebooks is None and exercises is None
    want = fingerprint(lite_url)
    modules = npm_modules()
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb")) if notebooks is None else notebooks
    exercises = sorted((ROOT / "exercises").glob("*.ipynb")) if exercises is None else exercises
    work = out.parent / f".{out.name}-src"
    if work.exists():
        shutil.rmtree(work)
    src = work / "src"
    src.mkdir(parents=True)
    lesson_nbs, exercise_nbs = prepare(notebooks, exercises, src, lite_url, timeout)
    write_sources(src, lesson_nbs, exercise_nbs, lite_url)
    jb = pathlib.Path(sys.executable).with_name("jupyter-book")
    subprocess.run([str(jb), "build", str(src), "--path-output", str(work), "--builder", "html",
                    "--warningiserror", "--keep-going", "--quiet"], check=True)
    if out.exists():
        shutil.rmtree(out)
    shutil.move(str(work / "_build" / "html"), str(out))
    copy_vendor(modules, out / "_vendor")
    shutil.rmtree(work)
    if complete:
        (out / STAMP).write_text(want)
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "build" / "book"))
    parser.add_argument("--lite-url", default="../lite/",
                        help="where the live edition is hosted, relative to the book's root "
                             "folder or a full URL (default: ../lite/, i.e. build/lite next to "
                             "build/book)")
    args = parser.parse_args(argv)
    out = build(args.out, args.lite_url)
    print(f"wrote {out}/index.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())
