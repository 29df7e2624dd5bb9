"""Build the lecture decks once per test session, shared by test_slides and test_browser_slides.

Both modules may run in different xdist workers, so the build holds a file lock and is skipped
when a stamp shows the same notebooks, package, template and JavaScript pins were already built.
Also here: the slides known not to fit yet (``KNOWN_BAD``) and a small synthetic lesson that
exercises every fitting rule of the template.
"""
import base64
import fcntl
import hashlib
import io
import os
import pathlib
import shutil
import sys

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import build_slides  # noqa: E402

OUT = ROOT / "build" / "test-slides"

#: Slides that do not fit yet (none today: every slide of every deck fits): lesson -> {id of the
#: slide's first cell: the kinds of problem ``tools/check_slides.py`` reports on it}. Only
#: problems a lesson fixes may be listed (see ``LISTABLE``). tests/test_browser_slides.py fails
#: on any problem not listed here AND on a listed one that went away, so this can only shrink:
#: when you fix a slide, delete its line (and a lesson's entry when it is empty).
KNOWN_BAD = {}

#: problems a lesson author fixes (re-cut the slide, smaller figure, fix the TeX); everything
#: else (maths rendered twice or not typeset, a figure that does not load, a widget that does not
#: render, loads from the web) is the build's job and never listed
LISTABLE = {"too tall", "too wide", "figure off-screen", "figure not shown", "maths shows TeX"}


def lessons():
    """The lessons to build: every notebooks/*.ipynb."""
    return sorted((ROOT / "notebooks").glob("*.ipynb"))


def _fingerprint(notebooks):
    h = hashlib.sha256()
    inputs = list(notebooks) + sorted((ROOT / "vgteach").rglob("*.py")) + \
        [ROOT / "tools" / "build_slides.py"] + \
        sorted(p for p in (ROOT / "tools" / "slides").iterdir()
               if p.is_file() and p.name != "inspect.js")  # the checker's, not the build's
    for p in inputs:
        h.update(str(p).encode() + p.read_bytes())
    return h.hexdigest()


def _need_npm():
    if shutil.which("npm") is None and not (OUT / "vendor" / ".package-lock.json").exists():
        reason = "make slides needs npm (Node.js) to fetch reveal.js; apt-get install npm"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)


def built_decks():
    """(lesson, deck path) pairs in lesson order, building the decks if needed.

    Building needs npm the first time (to fetch reveal.js): without it the slide tests skip,
    except in CI (CI=true), where that is a failure; .ci/run installs npm with apt-get.
    """
    _need_npm()
    notebooks = lessons()
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stamp, want = OUT / ".stamp", _fingerprint(notebooks)
        decks = [OUT / f"{n.stem}.slides.html" for n in notebooks]
        if not (stamp.exists() and stamp.read_text() == want and all(d.exists() for d in decks)):
            stamp.unlink(missing_ok=True)
            build_slides.build(notebooks, OUT)
            stamp.write_text(want)
    return list(zip(notebooks, decks))


def _png(width, height):
    """A PNG of ``width`` x ``height`` pixels (a filled rectangle), base64 as in a notebook."""
    import matplotlib
    matplotlib.use("agg")
    import matplotlib.pyplot as plt
    fig = plt.figure(figsize=(width / 100, height / 100), dpi=100)
    fig.patch.set_facecolor("#4477aa")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def _cell(kind, source, slide_type, cell_id, outputs=(), tags=(), **metadata):
    new = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
    cell = new(source)
    cell.id = cell_id
    cell.metadata["slideshow"] = {"slide_type": slide_type}
    if tags:
        cell.metadata["tags"] = list(tags)
    cell.metadata.update(metadata)
    if kind == "code":
        cell.outputs = list(outputs)
        cell.execution_count = 1
    return cell


def synthetic_lesson():
    """An executed notebook with one slide per fitting rule; each cell id says what it tests.

    Slides (cell ids): ``maths`` 40 inline formulas; ``tall-figure`` text and a 900 x 800 px
    figure (fits once shrunk); ``long-output`` 80 printed lines (scroll in their box);
    ``hidden-code`` a cell tagged hide-input (code into the notes); ``removed`` remove-input
    and remove-output; ``alt`` figures with alt text in the output's and the cell's metadata;
    and two that cannot fit: ``too-tall`` (60 lines of prose) and ``figure-below`` (prose, then
    a figure that would have to shrink below 60%).
    """
    png = _png(900, 800)
    small = _png(300, 120)
    formulas = " ".join(f"${k}^{{-{k}}} \\approx \\sigma'(z_{{{k}}})$" for k in range(1, 41))
    long_text = "\n".join(f"line {k}: the gradient at layer {k} is {0.25 ** k:.3e}"
                          for k in range(80))
    lines = "\n\n".join(f"Sentence {k} of a slide that tries to say everything at once."
                        for k in range(60))
    cells = [
        _cell("markdown", "# Synthetic deck\n\n" + formulas, "slide", "maths"),
        _cell("markdown", "## A figure taller than the slide\n\nIt shrinks to fit.",
              "slide", "tall-figure"),
        _cell("code", "plot()", "-", "tall-figure-plot", [nbformat.v4.new_output(
            "display_data", data={"image/png": png, "text/plain": "<Figure>"})]),
        _cell("markdown", "## A long printed output", "slide", "long-output"),
        _cell("code", "print_all()", "-", "long-output-print",
              [nbformat.v4.new_output("stream", name="stdout", text=long_text)]),
        _cell("markdown", "## The code is in the notes", "slide", "hidden-code"),
        _cell("code", "secret_plotting_code = 1  # shown in the speaker notes", "-",
              "hidden-code-cell", [nbformat.v4.new_output(
                  "display_data", data={"image/png": small, "text/plain": "<Figure>"})],
              tags=["hide-input"]),
        _cell("markdown", "## Removed parts", "slide", "removed"),
        _cell("code", "removed_input_code = 1", "-", "removed-input",
              [nbformat.v4.new_output("stream", name="stdout", text="kept output\n")],
              tags=["remove-input"]),
        _cell("code", "kept_input_code = 1", "-", "removed-output",
              [nbformat.v4.new_output("stream", name="stdout", text="removed output\n")],
              tags=["remove-output"]),
        _cell("markdown", "## Alt text", "slide", "alt"),
        _cell("code", "show()", "-", "alt-output", [nbformat.v4.new_output(
            "display_data", data={"image/png": small, "text/plain": "<Figure>"},
            metadata={"image/png": {"alt": "Alt text from the output's metadata"}})]),
        _cell("code", "show()", "-", "alt-cell", [nbformat.v4.new_output(
            "display_data", data={"image/png": small, "text/plain": "<Figure>"})],
              alt="Alt text from the cell's metadata"),
        _cell("markdown", "## Too much prose\n\n" + lines, "slide", "too-tall"),
        _cell("markdown", "## A figure below the fold\n\n" + "\n\n".join(lines.split("\n\n")[:14]),
              "slide", "figure-below"),
        _cell("code", "plot()", "-", "figure-below-plot", [nbformat.v4.new_output(
            "display_data", data={"image/png": png, "text/plain": "<Figure>"})]),
    ]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def synthetic_deck(folder):
    """Write the synthetic lesson and its deck into ``folder`` (vendor files linked from the
    session's build); returns (notebook path, deck path)."""
    built_decks()  # the vendored JavaScript
    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    nb_path = folder / "00_synthetic.ipynb"
    nbformat.write(synthetic_lesson(), nb_path)
    if not (folder / "vendor").exists():
        (folder / "vendor").symlink_to(OUT / "vendor", target_is_directory=True)
    [deck] = build_slides.build_decks([nb_path], folder, execute=False)
    return nb_path, deck
