"""nbgrader preprocessors that put the verdict outside the student's kernel.

``make nbgrader-course`` writes an ``nbgrader_config.py`` that uses them:

* ``Judge`` replaces nbgrader's ``Execute`` step of ``nbgrader autograde``. The notebook is not
  run in a Jupyter kernel at all. For every grade cell, the judge reads the hidden test that
  nbgrader restored from its database (``_grade("sigmoid_prime", sigmoid_prime)``), runs the code
  cells above it in a fresh sandbox process (``vgteach.checks.judge``), calls the answer on fresh
  inputs, compares in the grading process, and writes the verdict as the cell's output: the
  checker's message, plus an error output when it failed (so nbgrader gives 0 points). Nothing a
  notebook does to a kernel, NumPy, IPython or the checker modules changes a score.
* ``QuietOverwriteCells`` is nbgrader's ``OverwriteCells`` without the false alarm of nbgrader
  issue #1961: a locked cell with hidden tests is stored *with* them, released *without* them,
  so every untouched submission logged "Attribute 'checksum' ... has changed!". It now warns
  only when the submitted cell differs from the released one.

This module imports nbgrader; the rest of vgteach does not.
"""
import re
import sys
import warnings

with warnings.catch_warnings():  # nbgrader's dependencies add filters on import; keep ours
    import nbformat
    from nbgrader import utils
    from nbgrader.api import MissingEntry
    from nbgrader.preprocessors import NbGraderPreprocessor, OverwriteCells
    from traitlets import Float, Unicode

from .judge import SETUP_TIMEOUT, Sandbox, judge, sandbox_identity, sandbox_runs_vgteach

__all__ = ["Judge", "QuietOverwriteCells", "hidden_tests_removed", "graded_calls"]

BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
_GRADE_CALL = re.compile(r"""\b_?grade\(\s*["']([A-Za-z0-9_]+)["']\s*,\s*([A-Za-z_]\w*)\s*\)""")


def hidden_tests_removed(source):
    """The cell source as ``nbgrader generate_assignment`` releases it (nbgrader's
    ``ClearHiddenTests`` rule: lines from BEGIN to END HIDDEN TESTS go)."""
    lines, inside = [], False
    for line in source.split("\n"):
        if BEGIN_HIDDEN in line:
            inside = True
        elif END_HIDDEN in line:
            inside = False
        elif not inside:
            lines.append(line)
    return "\n".join(lines)


def graded_calls(source):
    """``[(exercise_id, function_name), ...]`` of the ``_grade(...)`` calls in a grade cell."""
    return _GRADE_CALL.findall(source)


class QuietOverwriteCells(OverwriteCells):
    """nbgrader's OverwriteCells, warning about a changed checksum only for real changes."""

    def preprocess_cell(self, cell, resources, cell_index):
        self._as_released = False
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id is not None and utils.is_locked(cell):
            try:
                stored = self.gradebook.find_source_cell(grade_id, self.notebook_id,
                                                         self.assignment_id)
                self._as_released = cell.source == hidden_tests_removed(stored.source)
            except MissingEntry:
                pass
        return super().preprocess_cell(cell, resources, cell_index)

    def report_change(self, name, attr, old, new):
        if attr == "checksum" and getattr(self, "_as_released", False):
            self.log.debug("Cell %s is the released version; its hidden tests are restored.",
                           name)
            return
        super().report_change(name, attr, old, new)


class Judge(NbGraderPreprocessor):
    """Grade every grade cell out of process (see the module docstring)."""

    sandbox_user = Unicode(
        "nobody", help="When autograde runs as root, student code runs as this user. Ignored "
                       "otherwise (student code then runs as the user running autograde).",
    ).tag(config=True)
    timeout = Float(5.0, help="Seconds each call of a student's function may take.").tag(
        config=True)
    setup_timeout = Float(SETUP_TIMEOUT, help="Seconds the code cells above one check may "
                                              "take.").tag(config=True)

    _probed = {}
    _warned = False

    def _probe(self, identity):
        """Fail loudly (once per run) if the sandbox user cannot start Python at all, instead of
        giving every student 0 points."""
        if identity not in self._probed:
            self._probed[identity] = sandbox_runs_vgteach(identity, self.timeout,
                                                          self.setup_timeout)
        if not self._probed[identity]:
            raise RuntimeError(
                f"vgteach judge: the sandbox user {self.sandbox_user!r} cannot run "
                f"{sys.executable} with vgteach. Install the grading environment where that "
                "user can read it (e.g. a venv under /opt or /usr/local, not under /root or a "
                "private home), or set c.Judge.sandbox_user to a user who can.")

    def preprocess(self, nb, resources):
        identity = sandbox_identity(self.sandbox_user)
        self._probe(identity)
        if identity is None and not Judge._warned:
            Judge._warned = True
            self.log.warning(
                "vgteach judge: student code runs as the user running autograde, so a notebook "
                "can write any file that user can (the gradebook, an editable vgteach install). "
                "Run autograde as root in a container or VM: student code then runs as %r "
                "(docs/instructors.md, 'The grading sandbox').", self.sandbox_user)
        with Sandbox(identity, self.timeout, self.setup_timeout) as sandbox:
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code" or not utils.is_grade(cell):
                    continue
                above = [c.source for c in nb.cells[:index]
                         if c.cell_type == "code" and not utils.is_grade(c)]
                results = [judge(exercise_id, name, above, sandbox)
                           for exercise_id, name in graded_calls(cell.source)]
                cell.outputs = _outputs(results)
                cell.execution_count = None
                for result in results:
                    self.log.info("%s: %s", result.exercise_id,
                                  "passed" if result.passed else "not passed")
        return nb, resources


def _outputs(results):
    """The grade cell's outputs: each verdict in full, and an error output unless all passed
    (nbgrader gives a code grade cell 0 points if it has an error output)."""
    if not results:
        return [nbformat.v4.new_output(
            "error", ename="NotGraded", evalue="no vgteach grade call in this cell",
            traceback=["NotGraded: this grade cell has no _grade(...) call, so nothing was "
                       "judged and it earns no points."])]
    outputs = [nbformat.v4.new_output("display_data", data={
        "text/plain": repr(r), "text/html": r._repr_html_()}) for r in results]
    if not all(r.passed for r in results):
        outputs.append(nbformat.v4.new_output(
            "error", ename="NotPassed", evalue="0 points: the message above says why.",
            traceback=["NotPassed: 0 points. The message above says why."]))
    return outputs
