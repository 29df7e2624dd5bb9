"""The judge: grade an answer outside the student's kernel.

In-kernel grading can always be bent by earlier cells of the same notebook (they share one
Python process with the grader). The judge separates the two:

* a **sandbox** process runs the student's code: a fresh ``python -I -B`` that executes the code
  cells above one check (with IPython, so magics work), then serves calls of the answer
  function, each in a forked child with a time limit and memory cap (``isolation``). It gets
  plain inputs and sends back plain numbers; it never sees a right answer. When the judge runs
  as root, the sandbox runs as an unprivileged user (``nobody`` by default), so it cannot write
  the installed package, the gradebook or anything else that user cannot write; it also gets
  ``RLIMIT_FSIZE = 0`` (no file can grow) and a CPU-time limit.
* the **judge** (this module, in the grading process) draws fresh inputs, computes the right
  answers with the engine, compares, and writes the verdict. It never runs student code and
  decodes the sandbox's replies with a format that cannot run code.

``vgteach.checks.autograde`` plugs this into nbgrader's ``autograde`` in place of its kernel
execution; ``make nbgrader-course`` configures that.

Usage of the sandbox (internal): ``python -I -B -m vgteach.checks.judge READ_FD WRITE_FD``.
"""
import contextlib
import dataclasses
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import numpy as np

from . import grading, isolation
from .isolation import ArrayList, Numbers, Reader, Remote, Several, decode, encode, frame
from .results import EXERCISES, CheckResult

__all__ = ["judge", "Sandbox", "sandbox_identity", "sandbox_runs_vgteach"]

#: seconds the code cells above a check may take in the sandbox
SETUP_TIMEOUT = 60.0
#: bytes of memory the sandbox may use beyond what it uses after start-up
SANDBOX_MEMORY = 2 << 30
_SPECS = {"Numbers": Numbers, "Several": Several, "ArrayList": ArrayList}


def _spec_to_plain(returns):
    fields = dataclasses.asdict(returns)
    return {"kind": type(returns).__name__,
            **{k: list(v) if isinstance(v, tuple) else v for k, v in fields.items()}}


def _spec_from_plain(plain):
    kind = _SPECS[plain["kind"]]
    values = {f.name: plain[f.name] for f in dataclasses.fields(kind)}
    if "names" in values:
        values["names"] = tuple(values["names"])
    return kind(**values)


def sandbox_identity(user="nobody"):
    """``(uid, gid)`` the sandbox runs as: ``user``'s when this process is root, else None (the
    sandbox then runs as the current user, who can write whatever the grader can)."""
    if not user or os.geteuid() != 0:
        return None
    entry = pwd.getpwnam(user)
    return entry.pw_uid, entry.pw_gid


def sandbox_runs_vgteach(identity, call_timeout=None, setup_timeout=SETUP_TIMEOUT):
    """Whether a sandbox running as ``identity`` can start this interpreter and import
    vgteach. It cannot when the user it runs as may not read them: a venv under ``/root``, a
    private home, or a clone in a directory only its owner may enter (``mktemp -d``)."""
    with Sandbox(identity, call_timeout, setup_timeout) as sandbox:
        status = sandbox.prepare(["import vgteach.checks"], "_nothing")
    return status.get("status") == "ready" and not status.get("errors")


class Sandbox:
    """One sandbox process for one notebook: runs its code cells in order, and for each check
    forks a fresh child holding the state after the cells above it, which serves the calls.

    Parameters
    ----------
    identity : (uid, gid) or None, see ``sandbox_identity``
    call_timeout : float or None, seconds per call (None: ``isolation.DEFAULT_TIMEOUT``)
    setup_timeout : float, seconds the cells above one check may take
    """

    def __init__(self, identity=None, call_timeout=None, setup_timeout=SETUP_TIMEOUT):
        self.identity, self.call_timeout, self.setup_timeout = identity, call_timeout, setup_timeout
        self.proc, self.dead, self.home = None, False, None
        self.req_w = self.rep_r = None

    def start(self):
        """Start the process (it runs nothing yet)."""
        self.home = tempfile.mkdtemp(prefix="vgteach-sandbox-")
        os.chmod(self.home, 0o700)
        if self.identity:
            os.chown(self.home, *self.identity)
        req_r, self.req_w = os.pipe()
        self.rep_r, rep_w = os.pipe()
        env = {"PATH": os.environ.get("PATH", os.defpath), "HOME": self.home,
               "IPYTHONDIR": os.path.join(self.home, "ip"),
               "MPLCONFIGDIR": os.path.join(self.home, "mpl"), "MPLBACKEND": "Agg",
               "LANG": "C.UTF-8", "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
               "MKL_NUM_THREADS": "1"}
        command = [sys.executable, "-I", "-B", "-m", "vgteach.checks.judge", str(req_r),
                   str(rep_w)]
        who = {}
        if self.identity and shutil.which("setpriv"):
            # util-linux's setpriv: every uid and gid becomes the sandbox user's, no capabilities
            uid, gid = self.identity
            command = ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups",
                       "--"] + command
        elif self.identity:
            who = {"user": self.identity[0], "group": self.identity[1], "extra_groups": []}
        try:
            self.proc = subprocess.Popen(
                command, pass_fds=(req_r, rep_w), cwd=self.home, env=env,
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True, **who)
        finally:
            os.close(req_r)
            os.close(rep_w)
        self.reader = Reader(self.rep_r)
        self._send({"memory": SANDBOX_MEMORY, "budget": self.setup_timeout})
        return self

    def prepare(self, cells, name):
        """Run ``cells`` (the ones not run yet), then fork the child that will serve calls of
        ``name``; returns the status dict ("ready", with "found" and "errors")."""
        if self.dead:
            return {"status": "gone"}
        self._send({"cells": list(cells), "name": name})
        return self._receive(self.setup_timeout + 5.0, "setup")

    def _send(self, message):
        data = frame(encode(message))
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(self.req_w, view):]
        except OSError:
            self.dead = True

    def _receive(self, seconds, what):
        if self.dead:
            return {"status": "gone"}
        reply = self.reader.read(time.monotonic() + seconds, lambda: self.proc.poll() is not None)
        if not isinstance(reply, bytes):
            self.close()
            return {"status": "timeout" if reply == "timeout" else f"{what}-died"}
        try:
            message = decode(reply)
            if not isinstance(message, dict) or not isinstance(message.get("status"), str):
                raise ValueError("not a status")
            return message
        except ValueError:
            self.close()
            return {"status": "garbled"}

    def invoke(self, args, returns, solved_by, timeout):
        if self.dead:
            return {"status": "gone"}
        timeout = self.call_timeout or timeout
        self._send({"args": list(args), "returns": _spec_to_plain(returns),
                    "solved_by": list(solved_by), "timeout": timeout})
        # the sandbox enforces ``timeout`` on its child; this margin covers its own overhead
        return self._receive(timeout + 5.0, "call")

    def close(self):
        self.dead = True
        if self.proc is not None:
            with contextlib.suppress(OSError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                self.proc.kill()
            self.proc.wait()
            self.proc = None
        for fd in ("req_w", "rep_r"):
            if getattr(self, fd, None) is not None:
                with contextlib.suppress(OSError):
                    os.close(getattr(self, fd))
                setattr(self, fd, None)
        if self.home:
            shutil.rmtree(self.home, ignore_errors=True)
            self.home = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()


class RemoteAnswer(Remote):
    """The student's function, living in a ``Sandbox``."""

    def __init__(self, sandbox, name):
        self.sandbox, self.name = sandbox, name

    def invoke(self, args, returns, solved_by, timeout):
        return self.sandbox.invoke(args, returns, solved_by, timeout)


def _setup_failure(status, name, timeout):
    kind = status.get("status")
    if kind == "timeout":
        return (f"The code above this check did not finish within {timeout:g} s, so {name} "
                "could not be graded. Remove long-running or endless code from the notebook.")
    if kind == "ready":
        errors = status.get("errors") or []
        why = f" (a cell above raised {errors[0]})" if errors else ""
        return (f"{name} is not defined as a function by the code above this check{why}, so it "
                "could not be graded. Keep the answer cell's `def` line and run the notebook "
                "from the top to see what goes wrong.")
    return (f"The code above this check ended the process it ran in before {name} could be "
            "graded (e.g. os._exit(), a crash, or running out of memory). Remove such code from "
            "the notebook.")


def judge(exercise_id, name, cells, sandbox=None, rng=None, **options):
    """Grade the function ``name`` defined by ``cells`` for ``exercise_id``, out of process.

    ``cells`` are the code cells above the check, in order. With ``sandbox`` (a started
    ``Sandbox`` for this notebook) only the cells it has not run yet are run there; without, a
    sandbox is started and closed for this one check (``options`` go to ``Sandbox``). Inputs are
    drawn from ``rng`` (fresh entropy by default), as by ``grade``. Returns a ``CheckResult``
    (never raises).
    """
    ex = EXERCISES.get(exercise_id)
    if ex is None:
        return CheckResult(str(exercise_id), False, 0.0, 0.0,
                           f"There is no exercise called {exercise_id!r}: nothing was graded.")
    own = sandbox is None
    try:
        if own:
            sandbox = Sandbox(**options).start()
        new_cells = list(cells)[getattr(sandbox, "cells_run", 0):]
        sandbox.cells_run = len(cells)
        status = sandbox.prepare(new_cells, name)
        if status.get("status") != "ready" or not status.get("found"):
            return CheckResult(exercise_id, False, 0.0, ex.points,
                               _setup_failure(status, name, sandbox.setup_timeout))
        rng = np.random.default_rng() if rng is None else rng
        return grading.run(exercise_id, RemoteAnswer(sandbox, name), rng)
    except Exception as exc:  # noqa: BLE001 - the sandbox could not even start
        return CheckResult(exercise_id, False, 0.0, ex.points,
                           f"The judge could not run this answer ({type(exc).__name__}: {exc}); "
                           "no points. Please tell your instructor.")
    finally:
        if own and sandbox is not None:
            sandbox.close()


# ---------------------------------------------------------------------- the sandbox process
def _limit(resource_name, soft, hard=None):
    try:
        import resource
        kind = getattr(resource, resource_name)
        resource.setrlimit(kind, (soft, soft if hard is None else hard))
    except (ImportError, AttributeError, OSError, ValueError):
        pass


_MAGIC = re.compile(r"^\s*[%!]|\?\s*$|get_ipython", re.M)


class _Runner:
    """Runs cells: with IPython where a cell needs it (magics, ``!``, ``get_ipython``), else
    with plain ``exec`` in one namespace (faster to start)."""

    def __init__(self):
        self.namespace = {"__name__": "__main__", "__builtins__": __builtins__}
        self.shell = None

    def run(self, source):
        """Run one cell; returns "Type: message" of its error, or None."""
        if self.shell is None and _MAGIC.search(source):
            try:
                from IPython.core.interactiveshell import InteractiveShell
                from traitlets.config import Config
                config = Config()
                config.HistoryManager.enabled = False  # nothing on disk
                self.shell = InteractiveShell.instance(config=config, user_ns=self.namespace)
            except Exception as exc:  # noqa: BLE001 - no IPython: the cell fails, like a typo
                return f"{type(exc).__name__}: IPython could not start ({exc})"
        if self.shell is not None:
            result = self.shell.run_cell(source, store_history=False, silent=True)
            err = result.error_before_exec or result.error_in_exec
        else:
            err = None
            try:
                exec(compile(source, "<cell>", "exec"), self.namespace)  # noqa: S102 - sandboxed
            except BaseException as exc:  # noqa: BLE001 - a cell's error, like a kernel's
                err = exc
        return None if err is None else f"{type(err).__name__}: {isolation._safe_str(err, 200)}"


def _serve(read_fd, write_fd):
    """The sandbox's loop: run cells when asked, call the answer (each call in a forked child,
    so it sees the state after the cells above its check and changes nothing here)."""
    reader = Reader(read_fd)

    def send(message):
        view = memoryview(frame(encode(message)))
        while view:
            view = view[os.write(write_fd, view):]

    setup = decode(reader.read(time.monotonic() + 3600.0))
    _limit("RLIMIT_CORE", 0)
    cpu = int(setup["budget"]) * 4 + 120
    _limit("RLIMIT_CPU", cpu, cpu + 5)
    isolation._memory_cap(setup["memory"], hard_cap=True)
    # IPython copies a README into its profile unless one exists; an empty one costs no size
    startup = os.path.join(os.environ.get("IPYTHONDIR", "."), "profile_default", "startup")
    with contextlib.suppress(OSError):
        os.makedirs(startup, exist_ok=True)
        open(os.path.join(startup, "README"), "a").close()
    _limit("RLIMIT_FSIZE", 0)  # no file can grow: nothing the cells write sticks
    runner, errors, fn = _Runner(), [], None
    while True:
        payload = reader.read(time.monotonic() + 3600.0)
        if not isinstance(payload, bytes):
            return
        request = decode(payload)
        if "cells" in request:
            for source in request["cells"]:
                error = runner.run(source)
                if error:
                    errors.append(error)
            fn = runner.namespace.get(request["name"])
            send({"status": "ready", "found": callable(fn), "errors": errors[-3:]})
        else:
            send(isolation._local_call(fn, request["args"], _spec_from_plain(request["returns"]),
                                       tuple(request["solved_by"]), float(request["timeout"])))


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    read_fd, write_fd = int(argv[0]), int(argv[1])
    try:
        _serve(read_fd, write_fd)
    finally:
        os._exit(0)


if __name__ == "__main__":
    main()
