"""Importing vgteach changes nothing global (STYLE rule 6): no seeds, styles, warning filters,
print options or matplotlib backend switches. Checked in a fresh interpreter."""
import subprocess
import sys

SCRIPT = r"""
import pkgutil, warnings, importlib
import numpy as np, matplotlib
rc = dict(matplotlib.rcParams)
backend = matplotlib.get_backend()
state = np.random.get_state()[1].copy()
filters = list(warnings.filters)
printopts = np.get_printoptions()
errstate = np.geterr()
import vgteach
names = [m.name for m in pkgutil.walk_packages(vgteach.__path__, "vgteach.")]
for name in names:
    importlib.import_module(name)
assert len(names) >= 20, names
assert dict(matplotlib.rcParams) == rc, "rcParams changed"
assert matplotlib.get_backend() == backend, "backend changed"
assert (np.random.get_state()[1] == state).all(), "global NumPy RNG touched"
assert list(warnings.filters) == filters, "warning filters changed"
assert np.get_printoptions() == printopts, "NumPy print options changed"
assert np.geterr() == errstate, "NumPy error state changed"
print("ok", len(names))
"""


def test_importing_every_module_changes_nothing_global():
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("ok")
