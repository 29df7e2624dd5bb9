"""Create or update the learner's workspace: their own copies of the lessons and exercises.

``make lab`` runs this, then opens JupyterLab on ``workspace/``, so a learner can open both
``notebooks/`` (the lessons) and ``exercises/`` from the file browser, as the lessons' text says.
The workspace is git-ignored: running, editing and saving a copy never touches the committed
notebooks, never fails ``make test`` and never blocks a ``git pull`` of course updates.

* A copy that already exists is **never overwritten**: it is the learner's work. To get the
  course's current version of one notebook, delete (or rename) the copy and run ``make lab``.
* A notebook new in the course is copied on the next run.
* Copies are *learner copies* (``learner_notebook``): speaker-notes cells (slide type
  ``notes``) and the test markers (``# NBVAL_...`` lines) are left out. The book and the
  in-browser edition use the same function.

Usage: ``python tools/make_workspace.py [--workspace workspace]``
"""
import argparse
import json
import pathlib
import re
import sys

import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[1]
#: folder in the repository -> folder in the workspace (same names, so "exercises/08_..." in a
#: lesson's text is a path a learner can open from the workspace root)
SOURCES = {"notebooks": "notebooks", "exercises": "exercises"}
_TEST_MARKER = re.compile(r"^\s*#\s*NBVAL_[A-Z_]+\s*$")

WELCOME = """\
# Your workspace

These are your own copies of the course: `notebooks/` holds the lessons, `exercises/` the graded
exercises. Run them, change them, save them: this folder is ignored by git, so your work never
conflicts with course updates and never breaks the course's tests.

`make lab` copies any lesson or exercise that is new in the course, and never overwrites a
copy you already have. To start a notebook afresh from the course's current version, delete
your copy (or rename it to keep it) and run `make lab` again.
"""


def is_speaker_notes(cell):
    """True for a presenter-only cell (reveal.js slide type ``notes``)."""
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type") == "notes"


def learner_notebook(nb):
    """A learner's copy of ``nb``: no speaker notes, no test markers; ``nb`` is left unchanged.

    Examples
    --------
    >>> nb = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_markdown_cell("Hi", metadata={"slideshow": {"slide_type": "notes"}}),
    ...     nbformat.v4.new_code_cell("# NBVAL_IGNORE_OUTPUT\\nx = 1")])
    >>> [c.source for c in learner_notebook(nb).cells]
    ['x = 1']
    """
    copy = nbformat.from_dict(json.loads(json.dumps(nb)))
    copy.cells = [c for c in copy.cells if not is_speaker_notes(c)]
    for cell in copy.cells:
        if cell.cell_type == "code":
            cell.source = "\n".join(line for line in cell.source.split("\n")
                                    if not _TEST_MARKER.match(line))
    return copy


def update_workspace(workspace, root=ROOT):
    """Copy every lesson and exercise that ``workspace`` does not have yet.

    Returns the list of files written; existing files are never touched.
    """
    workspace = pathlib.Path(workspace)
    written = []
    for source, target in SOURCES.items():
        (workspace / target).mkdir(parents=True, exist_ok=True)
        for path in sorted((pathlib.Path(root) / source).glob("*.ipynb")):
            dest = workspace / target / path.name
            if dest.exists():
                continue
            nb = learner_notebook(nbformat.read(path, as_version=4))
            nbformat.write(nb, dest)
            written.append(dest)
    readme = workspace / "README.md"
    if not readme.exists():
        readme.write_text(WELCOME)
        written.append(readme)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workspace", default=str(ROOT / "workspace"))
    args = parser.parse_args(argv)
    written = update_workspace(args.workspace)
    where = pathlib.Path(args.workspace)
    if written:
        print(f"{where}: copied {len(written)} new file(s); your existing copies are untouched.")
    else:
        print(f"{where}: up to date; your copies are untouched.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
