"""vgteach._threads: BLAS runs on one thread inside the engine's calls and is left as it was
outside them; nothing changes at import; without a BLAS to limit everything still runs."""
import os
import subprocess
import sys

import numpy as np
import pytest
import threadpoolctl

from vgteach import _threads, optim
from vgteach.mlp import MLP
from vgteach.train import train


def _blas_threads():
    return [lib["num_threads"] for lib in threadpoolctl.threadpool_info()
            if lib["user_api"] == "blas"]


class _Probe(optim.SGD):
    """An optimizer that records the BLAS thread counts at every step of ``train``."""

    def __init__(self):
        super().__init__(lr=0.01)
        self.seen = []

    def step(self, params, grads):
        self.seen.append(_blas_threads())
        super().step(params, grads)


@pytest.fixture
def two_blas_threads():
    """BLAS on two threads, as in a learner's kernel on a multi-core machine."""
    if not _blas_threads():
        pytest.skip("NumPy has no BLAS thread pool that threadpoolctl can see")
    with threadpoolctl.threadpool_limits(limits=2, user_api="blas"):
        if set(_blas_threads()) != {2}:
            pytest.skip("this BLAS cannot run on two threads")
        yield


def test_training_runs_on_one_blas_thread_and_restores_it(two_blas_threads):
    probe = _Probe()
    X, y = np.ones((8, 3)), np.zeros((8, 1))
    train(MLP([3, 4, 1], seed=0), X, y, steps=3, optimizer=probe)
    assert probe.seen == [[1] * len(probe.seen[0])] * 3
    assert set(_blas_threads()) == {2}


def test_limits_nest_and_survive_errors(two_blas_threads):
    with _threads.single_blas_thread():
        with _threads.single_blas_thread():
            assert set(_blas_threads()) == {1}
        assert set(_blas_threads()) == {1}  # the inner exit must not restore early
    assert set(_blas_threads()) == {2}

    @_threads.blas_limited
    def fails():
        raise KeyError("boom")
    with pytest.raises(KeyError):
        fails()
    assert set(_blas_threads()) == {2} and _threads._state.depth == 0


@pytest.mark.parametrize("how", ["pyodide", "no threadpoolctl"])
def test_without_a_blas_to_limit_the_engine_still_runs(how, monkeypatch):
    monkeypatch.setattr(_threads, "_controller", None)
    if how == "pyodide":
        monkeypatch.setattr(sys, "platform", "emscripten")
    else:
        monkeypatch.setitem(sys.modules, "threadpoolctl", None)  # import fails
    X, y = np.ones((8, 3)), np.zeros((8, 1))
    hist = train(MLP([3, 4, 1], seed=0), X, y, steps=2)
    assert _threads._controller == _threads._UNAVAILABLE
    assert np.all(np.isfinite(hist.loss))


SCRIPT = r"""
import os, sys, pkgutil, importlib
env = dict(os.environ)
import numpy as np, vgteach
for m in pkgutil.walk_packages(vgteach.__path__, "vgteach."):
    importlib.import_module(m.name)
assert "threadpoolctl" not in sys.modules, "threadpoolctl imported at import time"
from vgteach.mlp import MLP
net = MLP([3, 4, 1])
net.loss_and_grads(np.ones((2, 3)), np.zeros((2, 1)))
import threadpoolctl
assert dict(os.environ) == env, set(os.environ.items()) ^ set(env.items())
print("threads", [i["num_threads"] for i in threadpoolctl.threadpool_info()
                  if i["user_api"] == "blas"])
"""


def test_import_and_use_leave_the_environment_and_blas_as_they_were():
    env = {k: v for k, v in os.environ.items()
           if k not in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                        "KMP_DUPLICATE_LIB_OK")}
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    default = subprocess.run(
        [sys.executable, "-c", "import numpy, threadpoolctl; print('threads', [i['num_threads'] "
         "for i in threadpoolctl.threadpool_info() if i['user_api'] == 'blas'])"],
        capture_output=True, text=True, env=env)
    assert out.stdout.strip() == default.stdout.strip()  # BLAS back to its default count
