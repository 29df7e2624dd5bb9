"""Running a lesson at another seed, papermill's way: the code cell tagged ``parameters`` holds
``seed = 0``; a cell right after it sets the new seed; every cell must run without an error
(so every ``assert`` of the lesson holds at that seed too)."""
import pathlib

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parents[1]
LESSONS = sorted((ROOT / "notebooks").glob("*.ipynb"))

#: Lessons that do not yet take their randomness from a ``parameters`` cell (issue 9 gives every
#: lesson one). One per line; remove a lesson's line when it has one. The test below checks that
#: every lesson listed here really has none, so the list cannot go stale.
WITHOUT_PARAMETERS = {
}


def parameters_index(nb):
    """Index of the cell tagged ``parameters``, or None."""
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            return i
    return None


def run_at_seed(path, seed, timeout=300):
    """Execute lesson ``path`` with ``seed`` injected after its parameters cell."""
    nb = nbformat.read(path, as_version=4)
    i = parameters_index(nb)
    assert i is not None, f"{path.name} has no code cell tagged 'parameters'"
    injected = nbformat.v4.new_code_cell(f"seed = {int(seed)}  # injected by the seed test")
    injected.metadata["tags"] = ["injected-parameters"]
    nb.cells.insert(i + 1, injected)
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb
