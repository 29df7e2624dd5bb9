"""The graded exercises with the real nbgrader: generate, autograde, and resist tampering.

A temporary course is laid out by tools/nbgrader_course.py from solutions/ (the first two
notebooks, to keep this to about a minute).
The first assignment is graded for six students: the solutions, the untouched release, and four
tampered submissions. Everything runs the nbgrader command line, as an instructor would.
"""
import json
import os
import pathlib
import shutil
import subprocess
import sys

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import make_exercises  # noqa: E402
import nbgrader_course  # noqa: E402

pytest.importorskip("nbgrader", reason="nbgrader is in the test extra: pip install -e '.[test]'")

SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))[:2]

# A learner who patches every public checker object so that any answer passes.
PATCH_API = '''\
import vgteach.checks, vgteach.checks.core as _core, vgteach.activations as _act
from vgteach.checks.core import CheckResult as _R
def _always(exercise_id, answer):
    return _R(exercise_id, True, 99.0, 99.0, "Correct!")
vgteach.checks.check = check = _always
try:
    vgteach.checks.grade = _always
except AttributeError:
    pass
vgteach.checks.__dict__["grade"] = _always
_core.grade = _core.check = _core._run = _always
for _ex in list(_core.EXERCISES.values()):
    _ex.checker = lambda answer: None
_core.close = lambda *a, **k: True
_core.call = lambda fn, *a, **k: 0
for _name in dir(_act):
    if _name.endswith("_prime"):
        setattr(_act, _name, lambda z: 0 * z)
'''
# A learner who makes every numerical comparison succeed.
PATCH_NUMPY = '''\
import numpy as _np
_np.allclose = lambda *a, **k: True
_np.isclose = lambda *a, **k: True
'''


def _run(args, cwd):
    env = dict(os.environ)
    # conftest makes RuntimeWarning an error for our code; SQLAlchemy's SAWarning (a
    # RuntimeWarning) inside nbgrader's own database code is not ours to fail on.
    env.pop("PYTHONWARNINGS", None)
    env["PATH"] = os.pathsep.join([str(pathlib.Path(sys.executable).parent), env["PATH"]])
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[:20000]
    return proc


def _nbgrader(*args, cwd):
    return _run([sys.executable, "-m", "nbgrader", *args, "--log-level=WARN"], cwd)


def _grade_cells(nb):
    return [i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade")]


def _first_solution_cell(nb):
    return next(i for i, c in enumerate(nb.cells)
                if c.metadata.get("nbgrader", {}).get("solution"))


def _submissions(source, release):
    """student id -> submitted notebook, built from the source and release versions."""
    subs = {"solutions": source, "untouched": release}

    patched = nbformat.from_dict(json.loads(json.dumps(release)))
    at = _first_solution_cell(patched)
    patched.cells.insert(at, nbformat.v4.new_code_cell(PATCH_API))
    subs["patch_api"] = patched

    numpy_patched = nbformat.from_dict(json.loads(json.dumps(release)))
    numpy_patched.cells.insert(_first_solution_cell(numpy_patched),
                               nbformat.v4.new_code_cell(PATCH_NUMPY))
    subs["patch_numpy"] = numpy_patched

    edited = nbformat.from_dict(json.loads(json.dumps(release)))
    for i in _grade_cells(edited):
        edited.cells[i].source = "print('all tests passed')"
    subs["edit_locked"] = edited

    deleted = nbformat.from_dict(json.loads(json.dumps(release)))
    deleted.cells = [c for i, c in enumerate(deleted.cells) if i not in _grade_cells(deleted)]
    subs["delete_locked"] = deleted
    return subs


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """Generate every assignment, submit, autograde; returns (course dir, scores)."""
    root = tmp_path_factory.mktemp("nbgrader") / "course"
    names = nbgrader_course.lay_out(SOLUTIONS, root)
    scores = {}
    for k, name in enumerate(names):
        _nbgrader("generate_assignment", name, "--force", cwd=root)
        source = nbformat.read(root / "source" / name / f"{name}.ipynb", as_version=4)
        release = nbformat.read(root / "release" / name / f"{name}.ipynb", as_version=4)
        subs = _submissions(source, release)
        if k > 0:  # the tampering cases once are enough
            subs = {s: subs[s] for s in ["solutions", "untouched"]}
        for student, nb in subs.items():
            folder = root / "submitted" / student / name
            folder.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, folder / f"{name}.ipynb")
        _nbgrader("autograde", name, "--force", cwd=root)
    code = ("import json, sys\nfrom nbgrader.api import Gradebook\nout = {}\n"
            "with Gradebook('sqlite:///gradebook.db') as gb:\n"
            "    for a in gb.assignments:\n"
            "        for s in gb.assignment_submissions(a.name):\n"
            "            out.setdefault(a.name, {})[s.student.id] = [s.score, s.max_score]\n"
            "print(json.dumps(out))")
    scores = json.loads(_run([sys.executable, "-c", code], root).stdout)
    return root, names, scores


def test_course_layout(tmp_path):
    names = nbgrader_course.lay_out(SOLUTIONS, tmp_path)
    assert names == [p.stem for p in SOLUTIONS]
    assert (tmp_path / "nbgrader_config.py").read_text().count("add_missing_cells = True") == 1
    for p in SOLUTIONS:
        assert (tmp_path / "source" / p.stem / p.name).read_bytes() == p.read_bytes()


def test_release_equals_our_exercises(course):
    root, names, _ = course
    for name in names:
        ours = ROOT / "exercises" / f"{name}.ipynb"
        ours = nbformat.read(ours, as_version=4) if ours.exists() else \
            make_exercises.student_version(
                nbformat.read(next(p for p in SOLUTIONS if p.stem == name), as_version=4))
        theirs = nbformat.read(root / "release" / name / f"{name}.ipynb", as_version=4)
        assert [(c.cell_type, c.source) for c in theirs.cells] == \
            [(c.cell_type, c.source) for c in ours.cells]
        assert not any("HIDDEN TESTS" in c.source or "BEGIN SOLUTION" in c.source
                       for c in theirs.cells)


def test_solutions_get_full_marks_and_stubs_zero(course):
    _, names, scores = course
    for name in names:
        score, max_score = scores[name]["solutions"]
        assert max_score > 0 and score == max_score, scores[name]
        assert scores[name]["untouched"] == [0.0, max_score], scores[name]


@pytest.mark.parametrize("student", ["patch_api", "patch_numpy", "edit_locked",
                                     "delete_locked"])
def test_tampering_earns_nothing(course, student):
    _, names, scores = course
    score, max_score = scores[names[0]][student]
    assert (score, max_score) == (0.0, scores[names[0]]["solutions"][1]), scores[names[0]]


def test_tampered_grade_cells_are_restored(course):
    root, names, _ = course
    name = names[0]
    for student in ["edit_locked", "delete_locked"]:
        graded = nbformat.read(root / "autograded" / student / name / f"{name}.ipynb",
                               as_version=4)
        hidden = [c for c in graded.cells if "_grade(" in c.source]
        assert len(hidden) == len(_grade_cells(graded)) > 0
        errors = [o for c in hidden for o in c.outputs if o.output_type == "error"]
        assert len(errors) == len(hidden)  # each restored hidden test ran and failed


def test_patched_api_is_reported(course):
    root, names, _ = course
    name = names[0]
    graded = nbformat.read(root / "autograded" / "patch_numpy" / name / f"{name}.ipynb",
                           as_version=4)
    text = json.dumps([o for c in graded.cells for o in c.get("outputs", [])])
    assert "Not graded: the notebook replaced numpy.allclose" in text
    shutil.rmtree(root / "autograded")  # read-only files; keep the temp dir easy to remove
