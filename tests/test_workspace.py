"""The learner's workspace (``make lab``, ``tools/make_workspace.py``).

A learner opens lessons and exercises from one root, works in their own copies (no speaker
notes), and whatever they run and save there never dirties git nor breaks ``make test``.
"""
import json
import pathlib
import re
import shutil
import subprocess
import sys

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import make_workspace  # noqa: E402

LESSONS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXERCISES = sorted((ROOT / "exercises").glob("*.ipynb"))


def test_workspace_holds_learner_copies_of_lessons_and_exercises(tmp_path):
    written = make_workspace.update_workspace(tmp_path / "ws")
    assert len(written) == len(LESSONS) + len(EXERCISES) + 1  # + README.md
    for folder, sources in (("notebooks", LESSONS), ("exercises", EXERCISES)):
        assert sorted(p.name for p in (tmp_path / "ws" / folder).glob("*.ipynb")) == \
            [p.name for p in sources]
    assert not (tmp_path / "ws" / "solutions").exists()
    notes_in_lessons = 0
    for path in LESSONS:
        source = nbformat.read(path, as_version=4)
        notes_in_lessons += sum(map(make_workspace.is_speaker_notes, source.cells))
        copy = nbformat.read(tmp_path / "ws" / "notebooks" / path.name, as_version=4)
        assert not [c for c in copy.cells if make_workspace.is_speaker_notes(c)], path.name
        assert "NBVAL_" not in json.dumps(copy), path.name
        expected = ["\n".join(line for line in c.source.split("\n")
                               if not line.strip().startswith("# NBVAL_"))
                    for c in source.cells if not make_workspace.is_speaker_notes(c)]
        assert [c.source for c in copy.cells] == expected, path.name
    assert notes_in_lessons > 0, "no speaker notes to leave out: the test proves nothing"


def test_every_lesson_reference_to_an_exercise_opens_from_the_workspace_root(tmp_path):
    make_workspace.update_workspace(tmp_path / "ws")
    refs = set()
    for path in LESSONS:
        refs |= set(re.findall(r"exercises/\d\d_\w+\.ipynb", path.read_text()))
    assert refs
    for ref in refs:
        assert (tmp_path / "ws" / ref).is_file(), ref


def test_a_learners_copy_is_never_overwritten(tmp_path):
    ws = tmp_path / "ws"
    make_workspace.update_workspace(ws)
    mine = ws / "exercises" / EXERCISES[0].name
    mine.write_text(mine.read_text().replace("NotImplementedError()", "42  # my answer"))
    before = mine.read_text()
    deleted = ws / "notebooks" / LESSONS[0].name
    deleted.unlink()
    written = make_workspace.update_workspace(ws)
    assert written == [deleted], "only the missing copy is written again"
    assert mine.read_text() == before
    assert "NotImplementedError" in EXERCISES[0].read_text(), "the course's own file unchanged"


def _working_tree_copy(dest):
    """A git repository holding this working tree's files (tracked and new, not ignored)."""
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           cwd=ROOT, capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c",
           "commit.gpgsign=false"]
    subprocess.run(git + ["init", "-q"], cwd=dest, check=True)
    subprocess.run(git + ["add", "-A"], cwd=dest, check=True)
    subprocess.run(git + ["commit", "-q", "-m", "course"], cwd=dest, check=True)


def test_a_saved_executed_lesson_leaves_git_clean_and_the_tests_green(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    _working_tree_copy(repo)
    subprocess.run([sys.executable, "tools/make_workspace.py"], cwd=repo, check=True,
                   stdout=subprocess.DEVNULL)
    # the learner runs the first lesson and presses Ctrl+S (JupyterLab also keeps a checkpoint)
    lesson = repo / "workspace" / "notebooks" / LESSONS[0].name
    nb = nbformat.read(lesson, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(lesson.parent)}}).execute()
    assert any(c.get("outputs") for c in nb.cells)
    nbformat.write(nb, lesson)
    checkpoints = lesson.parent / ".ipynb_checkpoints"
    checkpoints.mkdir()
    shutil.copy(lesson, checkpoints / lesson.name.replace(".ipynb", "-checkpoint.ipynb"))

    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=repo,
                            capture_output=True, text=True, check=True).stdout
    assert status == "", f"the learner's work shows in git:\n{status}"
    # make test would not look at the workspace, and the course's notebooks are still clean
    collected = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-n", "0"],
                               cwd=repo, capture_output=True, text=True)
    assert collected.returncode == 0, collected.stdout[-2000:] + collected.stderr[-2000:]
    assert "workspace/" not in collected.stdout
    assert f"notebooks/{LESSONS[0].name}" in collected.stdout
    conventions = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "0",
                                  "tests/test_notebooks.py", "-k", "valid_without_outputs"],
                                 cwd=repo, capture_output=True, text=True)
    assert conventions.returncode == 0, conventions.stdout[-2000:]


def test_make_lab_gives_learners_their_set_and_no_news_popup():
    plan = subprocess.run(["make", "-n", "-B", "lab"], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout
    assert 'pip install --quiet -e ".[lab]"' in plan, plan
    assert "tools/make_workspace.py --workspace workspace" in plan
    assert "--ServerApp.root_dir=workspace" in plan
    assert "share/jupyter/lab/settings/overrides.json" in plan
    overrides = json.loads((ROOT / "tools" / "lab" / "overrides.json").read_text())
    setting = overrides["@jupyterlab/apputils-extension:notification"]
    schema = pathlib.Path(sys.prefix) / "share" / "jupyter" / "lab" / "schemas" / \
        "@jupyterlab" / "apputils-extension" / "notification.json"
    properties = json.loads(schema.read_text())["properties"]
    assert set(setting) <= set(properties), "a setting JupyterLab does not know"
    assert setting["fetchNews"] == "false"
    assert {"const": "false", "title": "Never"} in properties["fetchNews"]["oneOf"]
