"""Every lesson runs, and all its asserts hold, at seed 1 (seed 0 is nbval's run)."""
import pytest

from _lessons import LESSONS, WITHOUT_PARAMETERS, run_at_seed

SEED = 1


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_holds_at_this_seed(path):
    if path.stem in WITHOUT_PARAMETERS:
        pytest.skip("no parameters cell yet (tests/_lessons.py: WITHOUT_PARAMETERS)")
    run_at_seed(path, SEED)
