"""Build the lecture decks once per test session, shared by test_slides and test_browser.

Both modules may run in different xdist workers, so the build holds a file lock and is skipped
when a stamp shows the same notebooks, package and JavaScript pins were already built.
"""
import fcntl
import hashlib
import os
import pathlib
import shutil
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import build_slides  # noqa: E402

OUT = ROOT / "build" / "test-slides"


def lessons():
    """The lessons to build: every notebooks/*.ipynb."""
    return sorted((ROOT / "notebooks").glob("*.ipynb"))


def _fingerprint(notebooks):
    h = hashlib.sha256()
    inputs = list(notebooks) + sorted((ROOT / "vgteach").rglob("*.py")) + \
        [ROOT / "tools" / "build_slides.py", ROOT / "tools" / "slides" / "package-lock.json",
         ROOT / "tools" / "slides" / "offline.html.j2"]
    for p in inputs:
        h.update(str(p).encode() + p.read_bytes())
    return h.hexdigest()


def built_decks():
    """(lesson, deck path) pairs in lesson order, building the decks if needed.

    Building needs npm the first time (to fetch reveal.js): without it the slide tests skip,
    except in CI (CI=true), where that is a failure; .ci/run installs npm with apt-get.
    """
    if shutil.which("npm") is None and not (OUT / "vendor" / ".package-lock.json").exists():
        reason = "make slides needs npm (Node.js) to fetch reveal.js; apt-get install npm"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    notebooks = lessons()
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stamp, want = OUT / ".stamp", _fingerprint(notebooks)
        decks = [OUT / f"{n.stem}.slides.html" for n in notebooks]
        if not (stamp.exists() and stamp.read_text() == want and all(d.exists() for d in decks)):
            stamp.unlink(missing_ok=True)
            build_slides.build(notebooks, OUT)
            stamp.write_text(want)
    return list(zip(notebooks, decks))
