"""Test-session setup shared by the package tests and the notebook runs (nbval).

Kernels started by nbval inherit this process's environment, so pointing HOME and every
Jupyter/matplotlib/IPython directory at a temporary folder here keeps the tests from reading or
writing the user's configuration, and PYTHONWARNINGS makes a RuntimeWarning inside a notebook an
error just as it is in the package tests.
"""
import os
import tempfile

_home = tempfile.mkdtemp(prefix="vgteach-test-home-")
for var, sub in [("HOME", ""), ("JUPYTER_CONFIG_DIR", "jupyter-config"),
                 ("JUPYTER_DATA_DIR", "jupyter-data"), ("JUPYTER_RUNTIME_DIR", "jupyter-runtime"),
                 ("MPLCONFIGDIR", "mpl"), ("IPYTHONDIR", "ipython")]:
    path = os.path.join(_home, sub)
    os.makedirs(path, exist_ok=True)
    os.environ[var] = path
os.environ["MPLBACKEND"] = "agg"
os.environ["PYTHONWARNINGS"] = "error::RuntimeWarning"
os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")
# pytest-xdist runs two workers on two cores: one BLAS thread each, or small matmuls thrash.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")
