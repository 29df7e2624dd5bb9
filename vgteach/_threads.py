"""One BLAS thread inside the engine's hot loops, set per call, never at import.

NumPy hands every matmul to its BLAS (OpenBLAS in the wheels), which splits any product above
a small size across one thread per core. The course's products are tiny (a 128 x 64 batch times
a 64 x 64 weight matrix), so waking and synchronizing those threads costs far more than the
arithmetic; with another program busy on the machine the waiting threads compete with the one
doing the work, and a 20-layer MLP's forward and backward pass took 20x as long with two threads
as with one. The tests set ``OMP_NUM_THREADS=1`` for the whole process; a learner's kernel does
not, and importing vgteach must not change it (STYLE rule 6).

``single_blas_thread`` sets BLAS to one thread for the duration of a call and restores the
previous setting afterwards, through threadpoolctl. A call inside another costs one attribute
lookup: only the outermost call talks to the BLAS library. Where there is no BLAS thread pool
to limit (BLAS already on one thread; Pyodide in the browser, where WebAssembly runs one thread;
threadpoolctl missing), it does nothing.
"""
import contextlib
import functools
import os
import sys
import threading
import warnings

__all__ = ["single_blas_thread", "blas_limited"]

_state = threading.local()  # .depth: how many limited calls are running in this thread
_controller = None          # a threadpoolctl.ThreadpoolController for the BLAS, made on first use
_UNAVAILABLE = "unavailable"


def _blas_controller():
    """The cached BLAS controller, or ``_UNAVAILABLE``; listing the loaded libraries takes
    ~15 ms, so it happens once per process, at the first limited call."""
    global _controller
    if _controller is None:
        _controller = _make_controller()
    return _controller


def _make_controller():
    if sys.platform == "emscripten":  # Pyodide: BLAS cannot start threads
        return _UNAVAILABLE
    # threadpoolctl sets KMP_DUPLICATE_LIB_OK in os.environ when imported; a learner's
    # environment should look the same with or without vgteach, so that is undone.
    had_kmp = "KMP_DUPLICATE_LIB_OK" in os.environ
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "Could not find dl_iterate_phdr"
            import threadpoolctl
            blas = threadpoolctl.ThreadpoolController().select(user_api="blas")
    except Exception:  # no threadpoolctl, or no way to list the loaded libraries
        return _UNAVAILABLE
    finally:
        if not had_kmp:
            os.environ.pop("KMP_DUPLICATE_LIB_OK", None)
    return blas if blas.lib_controllers else _UNAVAILABLE


def _needs_limit(blas):
    return blas is not _UNAVAILABLE and any(
        (lib.get_num_threads() or 1) > 1 for lib in blas.lib_controllers)


@contextlib.contextmanager
def single_blas_thread():
    """Run the ``with`` block with BLAS on one thread; restore the previous count afterwards.

    Examples
    --------
    >>> import numpy as np
    >>> with single_blas_thread():
    ...     product = np.ones((64, 64)) @ np.ones((64, 64))
    >>> float(product[0, 0])
    64.0
    """
    if getattr(_state, "depth", 0):  # an outer call holds the limit already
        yield
        return
    blas = _blas_controller()
    _state.depth = 1
    try:
        with blas.limit(limits=1) if _needs_limit(blas) else contextlib.nullcontext():
            yield
    finally:
        _state.depth = 0


def blas_limited(func):
    """Decorator: ``func`` runs inside ``single_blas_thread`` (see the module docstring)."""
    @functools.wraps(func)
    def limited(*args, **kwargs):
        if getattr(_state, "depth", 0):
            return func(*args, **kwargs)
        with single_blas_thread():
            return func(*args, **kwargs)
    return limited
