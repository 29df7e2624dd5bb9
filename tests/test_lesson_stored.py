"""Every stored result equals a fresh run, and every stored file is one a lesson reads.

Each lesson with stored results runs at its default seed with ``use_stored = "verify"``: every
``@reusable`` call is computed and compared with its stored result (vgteach.stored raises on a
difference, so the lesson fails), and the calls that had a stored result must be exactly the
ones MANIFEST.json lists for that lesson. (The seed-0 nbval run reads them back; the seed tests
compute everything at other seeds.) Record again with ``python tools/record_stored.py``."""
import json

import nbformat
import pytest
from nbclient import NotebookClient

from _lessons import LESSONS, parameters_index
from vgteach import stored

MANIFEST = json.loads(stored.MANIFEST.read_text())
STORING = [p for p in LESSONS if any(e["lesson"] == p.stem for e in MANIFEST.values())]


def test_the_lessons_that_store_runs_are_the_slow_ones():
    assert {p.stem[:2] for p in STORING} == {"03", "04", "05", "06", "07", "09"}


@pytest.mark.parametrize("path", STORING, ids=[p.stem for p in STORING])
def test_stored_results_equal_a_fresh_run(path):
    nb = nbformat.read(path, as_version=4)
    i = parameters_index(nb)
    nb.cells.insert(i + 1, nbformat.v4.new_code_cell('use_stored = "verify"  # injected'))
    nb.cells.append(nbformat.v4.new_code_cell(
        "import json as _json; print(_json.dumps(stored.used()))"))
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    out = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    verified = set(json.loads(out))
    listed = {d for d, e in MANIFEST.items() if e["lesson"] == path.stem}
    assert verified == listed, (
        f"stored but not read by the lesson: {sorted(listed - verified)}; "
        f"read but not listed: {sorted(verified - listed)}. Record again: "
        "python tools/record_stored.py")
