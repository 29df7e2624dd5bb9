"""The course's notebook conventions (CONTRIBUTING.md), checked on every notebook."""
import ast
import pathlib
import re
import subprocess
import sys

import nbformat
import pytest

from vgteach.checks import EXERCISES

ROOT = pathlib.Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
ALL = LESSONS + SOLUTIONS + sorted((ROOT / "exercises").glob("*.ipynb"))
SLIDE_TYPES = {"slide", "subslide", "fragment", "-", "skip", "notes"}
MAX_CELL_LINES = 18


def _read(path):
    return nbformat.read(path, as_version=4)


def _ids(paths):
    return [p.relative_to(ROOT).as_posix() for p in paths]


def test_there_are_lessons_and_solutions():
    assert len(LESSONS) >= 2 and len(SOLUTIONS) >= 2


@pytest.mark.parametrize("path", LESSONS + SOLUTIONS, ids=_ids(LESSONS + SOLUTIONS))
def test_names_are_numbered_in_order(path):
    assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", path.name)


def test_solutions_belong_to_lessons():
    lesson_numbers = {p.name[:2] for p in LESSONS}
    assert {p.name[:2] for p in SOLUTIONS} <= lesson_numbers


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_valid_without_outputs_and_with_slideshow_metadata(path):
    nb = _read(path)
    nbformat.validate(nb)
    assert nb.cells[0].cell_type == "markdown"
    assert nb.cells[0].metadata["slideshow"]["slide_type"] == "slide"
    for i, cell in enumerate(nb.cells):
        assert cell.metadata.get("slideshow", {}).get("slide_type") in SLIDE_TYPES, f"cell {i}"
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"cell {i} has outputs"


@pytest.mark.parametrize("path", LESSONS + SOLUTIONS, ids=_ids(LESSONS + SOLUTIONS))
def test_code_style(path):
    nb = _read(path)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    joined = "\n".join(code)
    assert "import *" not in joined and "sys.path" not in joined
    assert "np.random.seed" not in joined, "use rng = np.random.default_rng(seed)"
    if "matplotlib" in joined or "plots." in joined or "explore_" in joined:
        assert "%matplotlib inline" in joined
    for i, src in enumerate(code):
        lines = [l for l in src.splitlines() if l.strip()]
        assert len(lines) <= MAX_CELL_LINES, f"code cell {i} has {len(lines)} lines"
        stripped = "\n".join(l for l in src.splitlines() if not l.lstrip().startswith("%"))
        ast.parse(stripped)


@pytest.mark.parametrize("path", LESSONS, ids=_ids(LESSONS))
def test_lessons_assert_their_claims_and_end_with_a_summary(path):
    nb = _read(path)
    asserts = sum(len(re.findall(r"^\s*assert\b", c.source, re.M))
                  for c in nb.cells if c.cell_type == "code")
    assert asserts >= 3, f"only {asserts} asserts"
    first = nb.cells[0].source.lower()
    goals = ("after this lesson", "you will", "by the end", "able to")
    assert any(g in first for g in goals), "first cell: what the learner can do at the end"
    assert "you need" in first or "prerequisite" in first, "first cell: what to know first"
    tail = " ".join(c.source.lower() for c in nb.cells[-3:] if c.cell_type == "markdown")
    assert "summary" in tail or "recap" in tail or "key points" in tail


def _grade_cells(nb):
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]


@pytest.mark.parametrize("path", SOLUTIONS, ids=_ids(SOLUTIONS))
def test_solutions_carry_nbgrader_metadata(path):
    nb = _read(path)
    seen = set()
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader")
        if "### BEGIN SOLUTION" in cell.source:
            assert meta and meta["solution"] and not meta["grade"] and not meta["locked"]
        if meta:
            assert meta["schema_version"] == 3
            assert meta["grade_id"] not in seen
            seen.add(meta["grade_id"])
    graded = _grade_cells(nb)
    assert graded, "a solutions notebook needs at least one graded exercise"
    for cell in graded:
        meta = cell.metadata.nbgrader
        assert meta["locked"] and meta["points"] > 0
        m = re.search(r'^check\("([a-z0-9_]+)",', cell.source, re.M)
        assert m, "a grade cell shows check(...)"
        ex = m.group(1)
        assert ex in EXERCISES
        assert EXERCISES[ex].points == meta["points"], f"{ex}: points differ from the checker"
        assert "### BEGIN HIDDEN TESTS" in cell.source and f'_grade("{ex}"' in cell.source


def test_every_registered_exercise_is_graded_exactly_once():
    found = []
    for path in SOLUTIONS:
        for cell in _grade_cells(_read(path)):
            found += re.findall(r'^check\("([a-z0-9_]+)",', cell.source, re.M)
    assert sorted(found) == sorted(EXERCISES)


def test_committed_exercises_are_generated_from_solutions():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "make_exercises.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, "exercises/ is stale; run `make exercises`:\n" + result.stdout


def test_generator_stubs_solutions_and_hides_tests():
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import make_exercises
    finally:
        sys.path.pop(0)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "def f(z):\n    ### BEGIN SOLUTION\n    return z\n    ### END SOLUTION\n"),
        nbformat.v4.new_code_cell("### BEGIN HIDDEN TESTS\nsecret()\n### END HIDDEN TESTS\nshow()")])
    out = make_exercises.student_version(nb)
    assert out.cells[0].source == ("def f(z):\n    # YOUR CODE HERE\n"
                                   "    raise NotImplementedError()\n")
    assert out.cells[1].source == "show()"
    assert "return z" in nb.cells[0].source  # the input notebook is untouched


@pytest.mark.parametrize("path", LESSONS, ids=_ids(LESSONS))
def test_lesson_takes_its_randomness_from_one_parameters_cell(path):
    from _lessons import WITHOUT_PARAMETERS, parameters_index
    nb = _read(path)
    i = parameters_index(nb)
    if path.stem in WITHOUT_PARAMETERS:
        assert i is None, f"{path.stem} has a parameters cell: remove it from WITHOUT_PARAMETERS"
        return
    assert i is not None and i <= 4, "a code cell tagged 'parameters' near the top"
    lines = nb.cells[i].source.strip().splitlines()
    assert lines[0] == "seed = 0", "the parameters cell starts with `seed = 0`"
    stored_line = ("use_stored = True  # read the long sweeps back at the default seed "
                   "(see below)")
    assert lines[1:] in ([], [stored_line]), \
        "besides `seed = 0` the parameters cell holds at most the `use_stored = True` switch"
    if lines[1:]:
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        assert "stored.reuse(use_stored)" in code, "the switch is used: stored.reuse(use_stored)"
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    code = "\n".join(c.source for j, c in enumerate(nb.cells) if c.cell_type == "code" and j != i)
    assert "default_rng(0)" not in code and "seed=0" not in code.replace(" ", ""), \
        "every rng derives from `seed`, none from a literal 0"
