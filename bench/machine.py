"""A description of the machine and the numerical stack, for the results file."""
import importlib.metadata
import os
import platform
import sys

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def _cpuinfo(key):
    """The value of the first ``key`` line of /proc/cpuinfo, or None (not Linux)."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith(key):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def _vector_units():
    """The widest x86 vector extension: NumPy vectorizes float64 exp only with AVX-512."""
    flags = set((_cpuinfo("flags") or "").split())
    for flag, name in (("avx512f", "AVX-512"), ("avx2", "AVX2"), ("sse2", "SSE2")):
        if flag in flags:
            return name
    return "unknown"


def _blas():
    import numpy as np
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except Exception:  # show_config's layout differs between NumPy versions
        return "unknown"


def _threads(env):
    return ", ".join(f"{k}={env.get(k, 'unset')}" for k in THREAD_VARIABLES)


def describe(default_env=None):
    """Dict of CPU, cores, Python/NumPy/torch versions, BLAS and thread settings.

    ``default_env``: the environment the benchmark was started with, for the kernels that run
    as a learner's would (its thread variables are listed)."""
    import numpy as np
    try:  # the version without importing torch (slow, and kept out of the tests)
        torch_version = importlib.metadata.version("torch")
    except importlib.metadata.PackageNotFoundError:
        torch_version = "not installed"
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    info = {
        "CPU": _cpuinfo("model name") or platform.processor() or "unknown",
        "vector units": _vector_units(),
        "cores": f"{os.cpu_count()} logical, {usable} usable",
        "OS": f"{platform.system()} {platform.release()}",
        "Python": sys.version.split()[0],
        "NumPy": np.__version__,
        "BLAS": _blas(),
        "torch": torch_version,
        "threads": _threads(os.environ),
    }
    if default_env is not None:
        info["threads in a learner's kernel"] = _threads(default_env)
    return info
