"""A description of the machine and the numerical stack, for the results file."""
import importlib.metadata
import os
import platform
import sys

import numpy as np


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _blas():
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except Exception:  # show_config's layout differs between NumPy versions
        return "unknown"


def describe():
    """Dict of CPU, cores, Python/NumPy/torch versions, BLAS and thread settings."""
    try:  # the version without importing torch (slow, and kept out of the tests)
        torch_version = importlib.metadata.version("torch")
    except importlib.metadata.PackageNotFoundError:
        torch_version = "not installed"
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    threads = {k: os.environ.get(k, "unset")
               for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    return {
        "CPU": _cpu_model(),
        "cores": f"{os.cpu_count()} logical, {usable} usable",
        "OS": f"{platform.system()} {platform.release()}",
        "Python": sys.version.split()[0],
        "NumPy": np.__version__,
        "BLAS": _blas(),
        "torch": torch_version,
        "threads": ", ".join(f"{k}={v}" for k, v in threads.items()),
    }
