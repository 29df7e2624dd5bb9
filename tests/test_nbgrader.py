"""The graded exercises with the real nbgrader: generate, autograde, feedback, and tampering.

A temporary course is laid out by tools/nbgrader_course.py (what ``make nbgrader-course`` runs)
from every solutions/ notebook, and graded with plain ``nbgrader autograde`` on its command line,
as an instructor would. Every assignment is graded for three students: the solutions, the
untouched release, and right answers written differently. The first assignment is also graded
for a corpus of attacks (issue 10), every one of which must score 0; lesson 3 and lesson 6 get
answers that look inputs up or type parameters as literals. About two minutes in all.
"""
import functools
import json
import os
import pathlib
import re
import subprocess
import sys

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import make_exercises  # noqa: E402
import nbgrader_course  # noqa: E402

pytest.importorskip("nbgrader", reason="nbgrader is in the test extra: pip install -e '.[test]'")

from vgteach.checks.judge import sandbox_identity, sandbox_runs_vgteach  # noqa: E402

SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
FIRST = SOLUTIONS[0].stem
AS_ROOT = sandbox_identity() is not None
PACKAGE = ROOT / "vgteach"
NO_SANDBOX = ("student code runs as 'nobody' only when the tests run as root and 'nobody' can "
              f"start {sys.executable} with vgteach (it cannot in a private directory, e.g. a "
              "clone made by `mktemp -d`; clone into a directory others may enter)")


@functools.cache
def _sandboxed():
    """Whether autograde runs student code as 'nobody' here. As root in a clone 'nobody' may
    not enter, the course is graded as a non-root instructor's is (student code as the grader's
    user) and the test that needs the sandbox is skipped, saying why."""
    return AS_ROOT and sandbox_runs_vgteach(sandbox_identity())


# ---------------------------------------------------------------- right answers written otherwise
DIFFERENT = {
    "sigmoid_prime": "def sigmoid_prime(z):\n    e = np.exp(-np.abs(z))\n"
                     "    return (e / (1 + e) ** 2).astype(np.float32)",
    "tanh_prime": "def tanh_prime(z):\n    return (1 - np.tanh(z)) * (1 + np.tanh(z))",
    "chain_gradient": "def chain_gradient(weights, x):\n    a = [x]\n    for w in weights:\n"
                      "        a.append(1 / (1 + np.exp(-w * a[-1])))\n    g = 1.0\n"
                      "    for i in range(len(weights) - 1, -1, -1):\n"
                      "        g = g * a[i + 1] * (1 - a[i + 1])\n        if i > 0:\n"
                      "            g = g * weights[i]\n    return [g * x]",
    "error_term": "def error_term(delta_next, W_next, z):\n    s = 1 / (1 + np.exp(-z))\n"
                  "    return (np.einsum('nk,mk->nm', delta_next, W_next) * s * (1 - s)).tolist()",
    "layer_speeds": "def layer_speeds(db_list):\n"
                    "    return [float(np.sqrt((d ** 2).sum())) for d in db_list]",
    "saturation_fraction": "def saturation_fraction(a, activation):\n    a = np.asarray(a)\n"
                           "    if activation == 'relu':\n        return float((a <= 0).mean())\n"
                           "    slope = a * (1 - a) if activation == 'sigmoid' else 1 - a * a\n"
                           "    peak = 0.25 if activation == 'sigmoid' else 1.0\n"
                           "    return np.count_nonzero(slope < peak / 10) / a.size",
    "relu_prime": "def relu_prime(z):\n    return (np.asarray(z) > 0).tolist()",
    "count_dead_units": "def count_dead_units(activations):\n"
                        "    return sum(1 for j in range(activations.shape[1])\n"
                        "               if not np.any(activations[:, j]))",
    "he_init": "def he_init(fan_in, fan_out, rng):\n    limit = np.sqrt(6 / fan_in)\n"
               "    return rng.uniform(-limit, limit, size=(fan_in, fan_out))",
    "batchnorm_backward": "def batchnorm_backward(dout, cache):\n    x, gamma, eps = cache\n"
                          "    n = x.shape[0]\n    xc = x - x.mean(axis=0)\n"
                          "    std = np.sqrt((xc ** 2).mean(axis=0) + eps)\n    xhat = xc / std\n"
                          "    dxhat = dout * gamma\n    dstd = -(dxhat * xc).sum(axis=0) / std ** 2\n"
                          "    dxc = dxhat / std + xc * dstd / std / n\n"
                          "    return dxc - dxc.mean(axis=0), (dout * xhat).sum(axis=0), "
                          "dout.sum(axis=0)",
    "adam_step": "def adam_step(param, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):\n"
                 "    m2 = beta1 * m + (1 - beta1) * grad\n"
                 "    v2 = beta2 * v + (1 - beta2) * np.square(grad)\n"
                 "    step = np.divide(m2 / (1 - beta1 ** t), np.sqrt(v2 / (1 - beta2 ** t)) + eps)\n"
                 "    return param - lr * step, m2, v2",
    "clip_by_norm": "def clip_by_norm(grads, max_norm):\n"
                    "    total = np.linalg.norm(np.concatenate([g.ravel() for g in grads]))\n"
                    "    return [min(1.0, max_norm / total) * g for g in grads]",
    "autoencoder_loss": "def autoencoder_loss(W, b, V, c, X):\n    total = 0.0\n    for x in X:\n"
                        "        r = (0.5 + 0.5 * np.tanh((x @ W + b) / 2)) @ V + c\n"
                        "        total += 0.5 * np.dot(r - x, r - x)\n    return total / len(X)",
    "fold_standardization": "def fold_standardization(W, b, mean, std):\n"
                            "    W2 = np.diag(1 / std) @ W\n    return W2, b - mean @ W2",
    "lstm_step_forward": "def lstm_step_forward(x, h_prev, c_prev, Wx, Wh, b):\n"
                         "    i, f, o, g = np.split(np.hstack([x, h_prev]) @ np.vstack([Wx, Wh]) + b,"
                         " 4, axis=1)\n    s = lambda v: 0.5 + 0.5 * np.tanh(v / 2)\n"
                         "    c = s(f) * c_prev + s(i) * np.tanh(g)\n    return [s(o) * np.tanh(c), c]",
    "cell_gradient_through_time": "def cell_gradient_through_time(forget_gates, dc_T):\n"
                                  "    dc = dc_T\n    for f in forget_gates[::-1]:\n"
                                  "        dc = dc * f\n    return dc",
    "residual_block_backward": "def residual_block_backward(dout, cache):\n    x, W, z = cache\n"
                               "    dz = dout / np.cosh(z) ** 2\n"
                               "    return (dout + np.einsum('nj,ij->ni', dz, W),\n"
                               "            np.einsum('ni,nj->ij', x, dz), dz.sum(axis=0))",
    "residual_jacobian": "def residual_jacobian(W, z):\n"
                         "    return np.eye(len(z)) + (1 - np.tanh(z) ** 2)[:, None] * W.T",
}

# ---------------------------------------------------------------- attacks (issue 10), lesson 1
# Cells inserted before the first answer cell; the answers stay unsolved stubs unless an attack
# replaces them (ANSWER_ATTACKS). Every one of them must earn 0 points.
R = "from vgteach.checks.results import CheckResult as _R\n"
ALWAYS = "lambda exercise_id, answer, *a: _R(exercise_id, True, 9.0, 9.0, 'Correct!')"
CELL_ATTACKS = {
    "patch_api": "import vgteach.checks, vgteach.checks.grading as _g, vgteach.checks.isolation as _i\n"
                 + R + f"_always = {ALWAYS}\n"
                 "vgteach.checks.check = check = _always\n"
                 "try:\n    vgteach.checks.grade = _always\nexcept AttributeError:\n    pass\n"
                 "vgteach.checks.__dict__['grade'] = _always\n"
                 "_g.grade = _g.check = _g.run = _always\n"
                 "for _ex in list(vgteach.checks.EXERCISES.values()):\n"
                 "    _ex.checker = lambda answer, rng: None\n"
                 "_i.call = lambda fn, *a, **k: 0",
    "grade_code_swapped": R + "import vgteach.checks as _c\n"
                          "def _fake(exercise_id, answer):\n"
                          "    return _R(exercise_id, True, 9.0, 9.0, 'Correct!')\n"
                          "_c.grade.__code__ = _fake.__code__\n"
                          "_c.check.__code__ = _fake.__code__",
    "module_attributes": R + "import vgteach.checks.results as _r, vgteach.checks.compare as _k\n"
                         "_r.Incorrect = type('Incorrect', (BaseException,), {})\n"
                         "_k.expect = lambda *a, **k: None\n_k.close = lambda *a, **k: True",
    "patch_numpy": "import numpy as _np\n_np.allclose = lambda *a, **k: True\n"
                   "_np.isclose = lambda *a, **k: True",
    "patch_numpy_core": "import numpy._core.numeric as _n\n_n.isclose = lambda *a, **k: True\n"
                        "_n.allclose = lambda *a, **k: True\n"
                        "_n.array_equal = lambda *a, **k: True",
    "patch_linalg_norm": "import numpy as _np\n_np.linalg.norm = lambda *a, **k: 0.0\n"
                         "_np.abs = lambda x, *a, **k: 0 * x",
    "input_transformer": "get_ipython().input_transformers_post.append(\n"
                         "    lambda lines: ['pass\\n'] if any('_grade' in l for l in lines)"
                         " else lines)",
    "exits_the_kernel": "import os\nos._exit(0)",
}
ANSWER_ATTACKS = {
    "patches_while_graded": "def sigmoid_prime(z):\n    import numpy\n"
                            "    numpy.allclose = numpy.isclose = lambda *a, **k: True\n"
                            "    numpy.array_equal = lambda *a, **k: True\n    return 0 * z",
    "walks_the_frames": "def sigmoid_prime(z):\n    import sys\n    f = sys._getframe(1)\n"
                        "    while f is not None:\n"
                        "        for key in ('expected', 'ref', 'right'):\n"
                        "            if key in f.f_locals:\n"
                        "                return f.f_locals[key]\n"
                        "        f = f.f_back\n    return 0 * z",
    "calls_the_package": "def sigmoid_prime(z):\n    from vgteach import activations\n"
                         "    return activations.sigmoid_prime(z)",
    "hangs": "def sigmoid_prime(z):\n    import signal\n    signal.setitimer(signal.ITIMER_REAL, 0)\n"
             "    while True:\n        pass",
    "exits_when_called": "def sigmoid_prime(z):\n    import os\n    os._exit(0)",
    "hostile_return": "class _Evil(list):\n    def __len__(self):\n        raise KeyboardInterrupt\n"
                      "    def __iter__(self):\n        while True:\n            yield 0.25\n"
                      "def sigmoid_prime(z):\n    return _Evil([0.25])",
}
# Writes a version of the installed grading module that passes everything; the sandbox user
# cannot write the installed package. Only run where that sandbox exists (root + nobody).
REWRITE_INSTALLED = (
    "import pathlib, vgteach.checks.grading as _g\n"
    "_p = pathlib.Path(_g.__file__)\n"
    "try:\n"
    "    _p.write_text(_p.read_text().replace('def run(exercise_id, answer, rng):',\n"
    "        'def run(exercise_id, answer, rng):\\n    return CheckResult(exercise_id, True, 1.0, "
    "1.0, \"ok\")\\n\\n\\ndef _was_run(exercise_id, answer, rng):'))\n"
    "except OSError as exc:\n"
    "    print('could not write', exc)")
WHOAMI = "def sigmoid_prime(z):\n    import os\n    return 0 * z + os.getuid()"

# ---------------------------------------------------------------- lookup tables and literals
LOOKUP_03 = (
    "import numpy as np\n"
    "from vgteach.checks import grading\nfrom vgteach.checks.diagnosis import _saturation_cases, "
    "_dead_cases\nfrom vgteach.measure import diagnostics as _d\n"
    "_rng = np.random.default_rng(grading.check_seed('saturation_fraction'))\n"
    "_table = {a.shape: _d.saturation_fraction(a, n) for a, n in _saturation_cases(_rng)}\n"
    "def saturation_fraction(a, activation):\n    return _table.get(np.shape(a), 0.0)")
LITERALS_06 = {
    "batchnorm_backward": "def batchnorm_backward(dout, cache):\n    x, gamma, _ = cache\n"
                          "    eps = 1e-5\n    n = x.shape[0]\n"
                          "    inv = 1 / np.sqrt(x.var(axis=0) + eps)\n"
                          "    xhat = (x - x.mean(axis=0)) * inv\n    d = dout * gamma\n"
                          "    dx = inv / n * (n * d - d.sum(axis=0) - xhat * (d * xhat).sum(axis=0))\n"
                          "    return dx, (dout * xhat).sum(axis=0), dout.sum(axis=0)",
    "adam_step": "def adam_step(param, grad, m, v, t, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):\n"
                 "    m = 0.9 * m + 0.1 * grad\n    v = 0.999 * v + 0.001 * grad ** 2\n"
                 "    m_hat, v_hat = m / (1 - 0.9 ** t), v / (1 - 0.999 ** t)\n"
                 "    return param - lr * m_hat / (np.sqrt(v_hat) + 1e-8), m, v",
}


def _env():
    env = dict(os.environ)
    # conftest makes RuntimeWarning an error for our code; nbgrader's own is not ours to fail on
    env.pop("PYTHONWARNINGS", None)
    env["PATH"] = os.pathsep.join([str(pathlib.Path(sys.executable).parent), env["PATH"]])
    return env


def _run(args, cwd):
    proc = subprocess.run(args, cwd=cwd, env=_env(), capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-20000:]
    return proc


def _nbgrader(*args, cwd):
    return _run([sys.executable, "-m", "nbgrader", *args], cwd)


def _copy(nb):
    return nbformat.from_dict(json.loads(json.dumps(nb)))


def _grade_cells(nb):
    return [i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade")]


def _answer_index(nb, exercise_id):
    return next(i for i, c in enumerate(nb.cells)
                if c.metadata.get("nbgrader", {}).get("grade_id") == f"{exercise_id}_answer")


def _exercises(nb):
    return [re.search(r'_grade\("([a-z0-9_]+)"', nb.cells[i].source).group(1)
            for i in _grade_cells(nb)]


def _with_answers(release, answers):
    nb = _copy(release)
    for exercise_id, source in answers.items():
        nb.cells[_answer_index(nb, exercise_id)].source = source
    return nb


def _with_cell(release, source):
    nb = _copy(release)
    first = min(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("solution"))
    nb.cells.insert(first, nbformat.v4.new_code_cell(source))
    return nb


def _submissions(name, source, release):
    """student id -> notebook for one assignment."""
    exercises = _exercises(source)
    subs = {"solutions": source, "untouched": release,
            "different": _with_answers(release, {e: DIFFERENT[e] for e in exercises})}
    if name == FIRST:
        subs.update({k: _with_cell(release, v) for k, v in CELL_ATTACKS.items()})
        subs.update({k: _with_answers(release, {"sigmoid_prime": v})
                     for k, v in ANSWER_ATTACKS.items()})
        edited = _copy(release)
        for i in _grade_cells(edited):
            edited.cells[i].source = "print('all tests passed')"
        deleted = _copy(release)
        deleted.cells = [c for i, c in enumerate(deleted.cells) if i not in _grade_cells(deleted)]
        subs.update({"edit_locked": edited, "delete_locked": deleted})
        if _sandboxed():
            subs["rewrite_installed"] = _with_cell(release, REWRITE_INSTALLED)
            subs["whoami"] = _with_answers(release, {"sigmoid_prime": WHOAMI})
            subs["zz_graded_after_the_rewrite"] = _copy(release)
    if "saturation_fraction" in exercises:
        subs["lookup_table"] = _with_answers(release, {"saturation_fraction": LOOKUP_03})
    if "adam_step" in exercises:
        subs["literals"] = _with_answers(release, LITERALS_06)
    return subs


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """Generate every assignment, submit, autograde; yields (root, names, scores, log)."""
    root = tmp_path_factory.mktemp("nbgrader") / "course"
    names = nbgrader_course.lay_out(SOLUTIONS, root)
    before = {p: p.read_bytes() for p in PACKAGE.rglob("*.py")}
    try:
        _nbgrader("generate_assignment", "*", "--force", cwd=root)  # every assignment at once
        for name in names:
            source = nbformat.read(root / "source" / name / f"{name}.ipynb", as_version=4)
            release = nbformat.read(root / "release" / name / f"{name}.ipynb", as_version=4)
            for student, nb in _submissions(name, source, release).items():
                folder = root / "submitted" / student / name
                folder.mkdir(parents=True, exist_ok=True)
                nbformat.write(nb, folder / f"{name}.ipynb")
        as_grader = [] if _sandboxed() or not AS_ROOT else ["--Judge.sandbox_user="]
        log = _nbgrader("autograde", "*", "--force", *as_grader, cwd=root).stderr
    finally:
        changed = [p for p, data in before.items() if p.read_bytes() != data]
        for p in changed:  # never leave a poisoned package behind, whatever happened
            p.write_bytes(before[p])
        assert not changed, f"a submission rewrote installed files: {changed}"
    code = ("import json\nfrom nbgrader.api import Gradebook\nout = {}\n"
            "with Gradebook('sqlite:///gradebook.db') as gb:\n"
            "    for a in gb.assignments:\n"
            "        for s in gb.assignment_submissions(a.name):\n"
            "            out.setdefault(a.name, {})[s.student.id] = [s.score, s.max_score]\n"
            "print(json.dumps(out))")
    scores = json.loads(_run([sys.executable, "-c", code], root).stdout)
    yield root, names, scores, log
    subprocess.run(["chmod", "-R", "u+w", str(root)], check=False)  # autograded/ is read-only


def _autograded(root, student, name):
    return nbformat.read(root / "autograded" / student / name / f"{name}.ipynb", as_version=4)


def _outputs_text(nb):
    return json.dumps([o for c in nb.cells for o in c.get("outputs", [])])


def test_course_layout(tmp_path):
    names = nbgrader_course.lay_out(SOLUTIONS[:2], tmp_path)
    assert names == [p.stem for p in SOLUTIONS[:2]]
    config = (tmp_path / "nbgrader_config.py").read_text()
    assert config.count("add_missing_cells = True") == 1
    assert "Judge" in config and "QuietOverwriteCells" in config
    for p in SOLUTIONS[:2]:
        assert (tmp_path / "source" / p.stem / p.name).read_bytes() == p.read_bytes()


def test_the_course_is_never_laid_out_where_make_clean_deletes(tmp_path):
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "nbgrader_course.py"), "--out",
                           str(ROOT / "build" / "nbgrader")], capture_output=True, text=True)
    assert proc.returncode != 0 and "make clean" in proc.stderr
    assert nbgrader_course.DEFAULT_OUT.parent == pathlib.Path.home()


def test_every_assignment_is_graded(course):
    _, names, scores, _ = course
    assert sorted(scores) == sorted(names) and len(names) == len(SOLUTIONS) == 9


def test_release_equals_our_exercises(course):
    root, names, _, _ = course
    for name in names:
        ours = nbformat.read(ROOT / "exercises" / f"{name}.ipynb", as_version=4)
        theirs = nbformat.read(root / "release" / name / f"{name}.ipynb", as_version=4)
        assert [(c.cell_type, c.source) for c in theirs.cells] == \
            [(c.cell_type, c.source) for c in ours.cells]
        assert not any("HIDDEN TESTS" in c.source or "BEGIN SOLUTION" in c.source
                       for c in theirs.cells)
        assert make_exercises.render(make_exercises.student_version(
            nbformat.read(ROOT / "solutions" / f"{name}.ipynb", as_version=4))) == \
            (ROOT / "exercises" / f"{name}.ipynb").read_text()


def test_solutions_and_different_right_answers_get_full_marks_stubs_zero(course):
    _, names, scores, _ = course
    for name in names:
        score, max_score = scores[name]["solutions"]
        assert max_score > 0 and score == max_score, (name, scores[name])
        assert scores[name]["different"] == [max_score, max_score], (name, scores[name])
        assert scores[name]["untouched"] == [0.0, max_score], (name, scores[name])


ATTACKS = list(CELL_ATTACKS) + list(ANSWER_ATTACKS) + ["edit_locked", "delete_locked"]


@pytest.mark.parametrize("student", ATTACKS)
def test_tampering_earns_nothing(course, student):
    _, _, scores, _ = course
    assert scores[FIRST][student] == [0.0, scores[FIRST]["solutions"][1]], scores[FIRST]


@pytest.mark.parametrize("student, phrase", [
    ("calls_the_package", "the package's own answer"),
    ("hangs", "did not finish within 5 s"),
    ("exits_when_called", "ended the process"),
    ("exits_the_kernel", "ended the process it ran in"),
    ("untouched", "Not done yet"),
])
def test_each_failure_gets_its_own_message(course, student, phrase):
    root, _, _, _ = course
    assert phrase in _outputs_text(_autograded(root, student, FIRST))


def test_lookup_tables_and_literal_parameters_earn_nothing(course):
    """Hidden tests draw fresh inputs and vary eps, betas and lr (issue 10)."""
    root, names, scores, _ = course
    for name in names:
        for student in ("lookup_table", "literals"):
            if student in scores[name]:
                assert scores[name][student][0] == 0.0, (name, scores[name])
    graded = _outputs_text(_autograded(root, "literals", "06_normalization_optimizers_clipping"))
    assert "use the argument" in graded or "eps stored in the cache" in graded


def test_deleted_and_edited_grade_cells_are_restored_and_judged(course):
    root, _, _, log = course
    for student in ["edit_locked", "delete_locked"]:
        graded = _autograded(root, student, FIRST)
        cells = [graded.cells[i] for i in _grade_cells(graded)]
        assert len(cells) == 2 and all("_grade(" in c.source for c in cells)
        assert all(any(o.output_type == "error" for o in c.outputs) for c in cells)
    # the checksum warning names the real edit, and only that (nbgrader issue #1961)
    assert log.count("Attribute 'checksum'") == 2, log  # edit_locked's two cells, no others
    assert "SAWarning" not in log


def test_student_code_runs_as_nobody_and_cannot_rewrite_the_package(course):
    if not _sandboxed():
        pytest.skip(NO_SANDBOX)
    root, names, scores, _ = course
    assert "got 6.553e+04" in _outputs_text(_autograded(root, "whoami", FIRST))  # uid 65534
    assert scores[FIRST]["rewrite_installed"][0] == 0.0
    assert scores[FIRST]["zz_graded_after_the_rewrite"][0] == 0.0
    for name in names[1:]:  # graded by later autograde runs, which load the package afresh
        assert scores[name]["untouched"][0] == 0.0


def test_feedback_is_whole_offline_and_without_server_paths(course):
    root, _, _, _ = course
    _nbgrader("generate_feedback", FIRST, "--force", cwd=root)
    page = (root / "feedback" / "untouched" / FIRST / f"{FIRST}.html").read_text()
    message = ("Not done yet: sigmoid_prime still raises NotImplementedError. Replace the `raise "
               "NotImplementedError()` line with your code, run that cell, then run this check "
               "again.")
    assert message in page
    assert "white-space:pre-wrap" in page  # wrapped on the page, not clipped at its edge
    assert not re.search(r"""<script[^>]*\ssrc=["']https?:""", page)
    assert not re.search(r"""<link[^>]*\shref=["']https?:""", page)
    for path in (str(root), str(ROOT), str(PACKAGE)):
        assert path not in page
    assert "Traceback (most recent call last)" not in page


def test_make_clean_never_deletes_a_gradebook(tmp_path):
    """Issue 12: grades are never one `make clean` away from deletion (the Makefile is copied
    to a scratch folder, with a scratch venv, so nothing real is removed)."""
    import shutil
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "build" / "nbgrader").mkdir(parents=True)
    (tmp_path / "build" / "nbgrader" / "gradebook.db").write_bytes(b"grades")
    (tmp_path / "scratch-venv").mkdir()
    args = ["make", "-s", "clean", "VENV=scratch-venv"]
    refused = subprocess.run(args, cwd=tmp_path, capture_output=True, text=True)
    assert refused.returncode != 0 and "holds nbgrader grades" in refused.stdout
    assert (tmp_path / "build" / "nbgrader" / "gradebook.db").read_bytes() == b"grades"
    assert (tmp_path / "scratch-venv").exists()
    (tmp_path / "build" / "nbgrader" / "gradebook.db").unlink()
    assert subprocess.run(args, cwd=tmp_path).returncode == 0
    assert not (tmp_path / "build").exists() and not (tmp_path / "scratch-venv").exists()
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "scratch-venv").mkdir()
    (tmp_path / "scratch-venv" / ".installed").write_text("")  # newer than pyproject.toml
    course = subprocess.run(["make", "-n", "nbgrader-course", "VENV=scratch-venv"], cwd=tmp_path,
                            capture_output=True, text=True).stdout
    out = re.search(r'--out "([^"]+)"', course).group(1)
    assert pathlib.Path(os.path.normpath(out)) == pathlib.Path.home() / "vgteach-nbgrader"
