"""Generate exercises/ from solutions/ (the one source of truth).

Does what nbgrader's ``generate_assignment`` does to the *sources* of cells, so both routes give
the same student notebooks:

* code between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` becomes
  ``# YOUR CODE HERE`` / ``raise NotImplementedError()`` at the marker's indentation
  (in Markdown cells: ``YOUR ANSWER HERE``);
* lines between ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS`` are removed;
* outputs and execution counts are cleared; metadata is kept.

Usage: ``python tools/make_exercises.py [--check]``. With ``--check`` nothing is written; the
exit code is 1 if exercises/ is out of date.
"""
import argparse
import json
import pathlib
import re
import sys

import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[1]
BEGIN_SOL, END_SOL = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HID, END_HID = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
CODE_STUB = "# YOUR CODE HERE\nraise NotImplementedError()"
TEXT_STUB = "YOUR ANSWER HERE"


def _replace_regions(source, begin, end, stub_for_indent):
    lines = source.split("\n")
    out, inside = [], False
    for line in lines:
        if line.strip() == begin:
            if inside:
                raise ValueError(f"Nested {begin!r} in cell:\n{source}")
            inside = True
            indent = re.match(r"\s*", line).group(0)
            out.extend(stub_for_indent(indent))
        elif line.strip() == end:
            if not inside:
                raise ValueError(f"{end!r} without {begin!r} in cell:\n{source}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{begin!r} without {end!r} in cell:\n{source}")
    return "\n".join(out)


def student_version(nb):
    """Return a new notebook: solutions stubbed, hidden tests removed, outputs cleared."""
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    for cell in nb.cells:
        if cell.cell_type == "code":
            stub = [indent_line for indent_line in CODE_STUB.split("\n")]
            cell.source = _replace_regions(cell.source, BEGIN_SOL, END_SOL,
                                           lambda ind: [ind + s for s in stub])
            cell.source = _replace_regions(cell.source, BEGIN_HID, END_HID, lambda ind: [])
            cell.outputs = []
            cell.execution_count = None
        elif cell.cell_type == "markdown":
            cell.source = _replace_regions(cell.source, BEGIN_SOL, END_SOL,
                                           lambda ind: [ind + TEXT_STUB])
            cell.source = _replace_regions(cell.source, BEGIN_HID, END_HID, lambda ind: [])
    return nb


def render(nb):
    """The exact text we write, so a comparison is byte-for-byte."""
    return nbformat.writes(nb) + "\n"


def expected_exercises(solutions=ROOT / "solutions"):
    """Map exercise file name -> text, generated from every solutions/*.ipynb."""
    return {p.name: render(student_version(nbformat.read(p, as_version=4)))
            for p in sorted(pathlib.Path(solutions).glob("*.ipynb"))}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether it is stale")
    args = parser.parse_args(argv)
    target = ROOT / "exercises"
    wanted = expected_exercises()
    stale = [name for name, text in wanted.items()
             if not (target / name).exists() or (target / name).read_text() != text]
    extra = [p.name for p in target.glob("*.ipynb") if p.name not in wanted]
    if args.check:
        for name in stale + extra:
            print(f"out of date: exercises/{name}")
        return 1 if stale or extra else 0
    target.mkdir(exist_ok=True)
    for name in stale:
        (target / name).write_text(wanted[name])
        print(f"wrote exercises/{name}")
    for name in extra:
        (target / name).unlink()
        print(f"removed exercises/{name} (no matching solution)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
