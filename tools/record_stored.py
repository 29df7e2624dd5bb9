"""Record the lessons' stored runs (vgteach/data/stored), for maintainers.

Runs each lesson at its default seed with ``use_stored = "record"`` injected after its
parameters cell: every ``@reusable`` call computes and writes its result. Then rewrites
``MANIFEST.json`` (which lesson made which file, and the call) and deletes files no lesson made.
Run it after a change to the engine or a lesson that alters a stored run (the tests say so:
tests/test_stored.py runs every lesson with ``use_stored = "verify"``).

    python tools/record_stored.py                       # every lesson
    python tools/record_stored.py notebooks/09_*.ipynb  # some lessons (others' entries kept)
"""
import argparse
import json
import os
import pathlib
import sys

import nbformat
from nbclient import NotebookClient

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from vgteach import stored  # noqa: E402  (the repository's package, not an installed copy)

REPORT = "import json as _json; print(_json.dumps(stored.used()))"


def run_lesson(path, how):
    """Execute lesson ``path`` at its default seed with ``use_stored = how`` injected after its
    parameters cell; return the digests of the stored calls it made (``stored.used()``)."""
    nb = nbformat.read(path, as_version=4)
    i = next(i for i, c in enumerate(nb.cells)
             if c.cell_type == "code" and "parameters" in c.metadata.get("tags", []))
    injected = nbformat.v4.new_code_cell(f"use_stored = {how!r}  # injected")
    nb.cells.insert(i + 1, injected)
    nb.cells.append(nbformat.v4.new_code_cell(REPORT))
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
               PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    NotebookClient(nb, timeout=900, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute(env=env)
    out = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    return json.loads(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lessons", nargs="*", type=pathlib.Path,
                        help="lesson notebooks (default: every lesson in notebooks/)")
    args = parser.parse_args(argv)
    lessons = [p.resolve() for p in args.lessons] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    manifest = json.loads(stored.MANIFEST.read_text()) if stored.MANIFEST.exists() else {}
    for path in lessons:
        digests = run_lesson(path, "record")
        manifest = {d: e for d, e in manifest.items() if e["lesson"] != path.stem}
        for d in digests:
            manifest[d] = {"lesson": path.stem,
                           "call": stored.read_meta(stored.DIR / f"{d}.npz")["key"]}
        print(f"{path.stem}: {len(set(digests))} stored calls")
    manifest = dict(sorted(manifest.items(), key=lambda kv: (kv[1]["lesson"], kv[1]["call"])))
    for f in stored.DIR.glob("*.npz"):
        if f.stem not in manifest:
            f.unlink()
            print(f"removed {f.name} (no lesson makes it any more)")
    stored.MANIFEST.write_text(json.dumps(manifest, indent=1) + "\n")
    size = sum(f.stat().st_size for f in stored.DIR.glob("*.npz"))
    print(f"{len(manifest)} stored results, {size / 1e6:.1f} MB, in {stored.DIR}")


if __name__ == "__main__":
    main()
