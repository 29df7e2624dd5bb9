"""Isolated calls: run the learner's function where it cannot take the kernel down.

``call(fn, *args, returns=...)`` is the only way a checker runs learner code. Where the platform
has ``os.fork`` (Linux, macOS), each call runs in a forked child process:

* a wall-clock limit enforced from outside: the parent waits on a pipe and kills the child's
  whole process group when the time is up, so no alarm, ``except:`` or endless ``__iter__`` can
  outlast it; a memory cap (``RLIMIT_AS``, Linux) and a CPU-time backstop (``RLIMIT_CPU``);
* what the function returned is converted to plain float64 arrays *in the child*, under the same
  limit, and only those cross back, in a small self-describing format (no pickle), so no learner
  object ever reaches the checker;
* every way the child can end (a result, an exception, ``sys.exit``, ``os._exit``, a crash, a
  time-out, ``MemoryError``, recursion, ``KeyboardInterrupt``, output the checker cannot read)
  becomes a message written to the learner.

Without ``os.fork`` (Windows; Pyodide in the browser, i.e. the JupyterLite edition) the call runs
in the kernel itself: every exception and hostile return value still becomes the same message,
but there is no time or memory limit; an endless loop must be stopped with the kernel's
interrupt button (or, in the browser, by restarting the kernel).
"""
import contextlib
import copy
import faulthandler
import gc
import importlib
import inspect
import io
import json
import os
import signal
import struct
import sys
import time
import warnings
from dataclasses import dataclass

import numpy as np
import numpy.ma  # noqa: F401 - imported here, once, not lazily in every child process

from .results import Incorrect, NotDone

__all__ = ["call", "describe", "Numbers", "Several", "ArrayList", "Rng", "Returned", "Remote",
           "DEFAULT_TIMEOUT", "MEMORY_LIMIT", "FORK"]

#: seconds one call of the learner's function may take (read at call time)
DEFAULT_TIMEOUT = 5.0
#: bytes a call may allocate beyond what the kernel already uses (Linux only)
MEMORY_LIMIT = 1 << 30
#: whether calls run in a forked child; False on Windows and in the browser (Pyodide)
FORK = hasattr(os, "fork") and sys.platform != "emscripten"
#: entries a returned array may have (the test inputs are small)
MAX_OUTPUT_SIZE = 1_000_000
MAX_REPLY_BYTES = 64 << 20
EPS64 = float(np.finfo(np.float64).eps)


# ------------------------------------------------------------------ what a call hands back
class Returned(np.ndarray):
    """A plain float64 array converted from what the learner returned. ``eps`` is the machine
    epsilon of the dtype it came in (float32's for a float32 answer), for the precision policy."""

    eps = EPS64

    def __array_finalize__(self, obj):
        self.eps = getattr(obj, "eps", EPS64)


def _returned(arr, eps):
    out = np.asarray(arr, dtype=float).view(Returned)
    out.eps = float(eps)
    return out


@dataclass(frozen=True)
class Rng:
    """An argument placeholder: the learner's function receives ``np.random.default_rng(seed)``,
    made where it runs (a generator is not plain data)."""

    seed: int


class _Rejected(Exception):
    """Private: the returned value is not what the exercise asks for."""

    def __init__(self, why, part=None):
        super().__init__(why)
        self.why, self.part = why, part


@dataclass(frozen=True)
class Numbers:
    """Expect a number or an array of numbers; ``allow_bool`` counts True/False as 1/0."""

    what: str = "a number or an array of numbers"
    allow_bool: bool = False

    def convert(self, value):
        return _numbers(value, self.allow_bool)


@dataclass(frozen=True)
class Several:
    """Expect a tuple or list of exactly ``len(names)`` arrays, e.g. ``(dx, dgamma, dbeta)``."""

    names: tuple
    what: str = ""

    def convert(self, value):
        if not isinstance(value, (tuple, list)) or len(value) != len(self.names):
            raise _Rejected("")
        return [_numbers(v, False, part=k) for k, v in enumerate(value)]


@dataclass(frozen=True)
class ArrayList:
    """Expect a list (or tuple) of arrays of a given length."""

    length: int
    what: str = ""

    def convert(self, value):
        if not isinstance(value, (tuple, list)) or len(value) != self.length:
            raise _Rejected("")
        return [_numbers(v, False, part=k) for k, v in enumerate(value)]


def _numbers(value, allow_bool, part=None):
    """(float64 array, eps) from a learner's value, or raise _Rejected (runs where the call ran)."""
    def reject(why):
        return _Rejected(why, part)

    if isinstance(value, (str, bytes)):
        raise reject(", which is text, not a number")
    if isinstance(value, np.ma.MaskedArray) and np.ma.count_masked(value):
        raise reject(", a masked array with masked (missing) entries")
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        raise reject(", which is not a number or an array of numbers") from None
    except BaseException as exc:  # noqa: BLE001 - conversions of learner objects can raise anything
        raise reject(f" (converting it to numbers raised {type(exc).__name__})") from None
    if arr.size > MAX_OUTPUT_SIZE:
        raise reject(f", a huge output of {arr.size} entries")
    kind = arr.dtype.kind
    if kind == "b":
        if not allow_bool:
            raise reject(", which is True/False values")
        return np.array(arr, dtype=float), EPS64
    if kind in "USVMm":
        raise reject(", which is text, not a number" if kind in "US" else
                     ", which is not a number or an array of numbers")
    if kind == "O":  # e.g. Fraction or Decimal entries; never text, bools or containers
        try:
            if any(isinstance(v, (str, bytes, bool, np.bool_)) for v in arr.flat):
                raise TypeError
            arr = np.array([float(v) for v in arr.flat], dtype=float).reshape(arr.shape)
        except BaseException:  # noqa: BLE001
            raise reject(", which is not a number or an array of numbers") from None
    eps = float(np.finfo(arr.dtype).eps) if arr.dtype.kind in "fc" else EPS64
    if arr.dtype.kind == "c":
        if np.any(arr.imag != 0):
            raise reject(", which has complex entries (non-zero imaginary part)")
        arr = arr.real
    return np.array(arr, dtype=float), eps


def describe(value, limit=70):
    """A short, readable rendering of a value for a feedback message (never raises)."""
    try:
        if isinstance(value, np.ndarray):
            return _describe_array(np.asarray(value), limit)
        text = f"{value:.6g}" if type(value) is float else repr(value)
        text = " ".join(str(text)[:10 * limit].split())
    except BaseException:  # noqa: BLE001 - a learner object whose repr fails
        text = f"<a {type(value).__name__} object>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _describe_array(value, limit):
    with np.printoptions(precision=4, threshold=8, edgeitems=2):
        text = np.array2string(value, separator=", ")
    text = " ".join(text.split())
    if value.size > 8 or len(text) > limit:
        with np.printoptions(precision=4):  # .flat: no copy, even of a huge broadcast view
            head = ", ".join(np.array2string(np.asarray(v)) for v in value.flat[:2])
        text = f"array of shape {value.shape} [{head}, ...]"
    return text


# ------------------------------------------------------------------ the package's own answers
class _UsedReference(BaseException):
    """Private: the learner's code called a package function that solves the exercise."""


_TRIPPED = []


def _tripwire_hook(name):
    _TRIPPED.append(name)
    raise _UsedReference(name)


def _resolve(dotted):
    parts = dotted.split(".")
    for k in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:k]))
        except ImportError:
            continue
        for attr in parts[k:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(dotted)


def _arm(names):
    """Make every function in ``names`` report its use (returns what ``_disarm`` restores).

    The function's code is swapped in place, so every reference to it (``from ... import``,
    ``ACTIVATIONS`` tables, bound methods) trips, not just the module attribute."""
    armed = []
    for dotted in names:
        try:
            # a decorated function (e.g. ``@blas_limited``) is a closure around the real one:
            # watch the function that does the work
            fn = inspect.unwrap(_resolve(dotted))
            source = f"def _t(*args, **kwargs):\n    return __vgteach_tripwire__({dotted!r})\n"
            namespace = {}
            exec(compile(source, "<vgteach>", "exec"), namespace)  # noqa: S102 - our own source
            fn.__globals__["__vgteach_tripwire__"] = _tripwire_hook
            old = fn.__code__
            fn.__code__ = namespace["_t"].__code__
            armed.append((fn, old))
        except (ImportError, AttributeError, ValueError, TypeError):
            continue  # renamed or a closure: that route simply is not watched
    return armed


def _disarm(armed):
    for fn, code in armed:
        fn.__code__ = code


# ------------------------------------------------------------------ running one call
class _Printed(io.TextIOBase):
    """Counts what the learner printed; survives being closed."""

    def __init__(self):
        self.count = 0

    def writable(self):
        return True

    def write(self, text):
        self.count += len(text) if isinstance(text, str) else 1
        return len(text) if isinstance(text, str) else 0

    def close(self):
        pass


def _same(a, b):
    if isinstance(a, Rng):
        return True
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape
                and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True))
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and (a == b or a != a)


def _materialize(arg):
    if isinstance(arg, Rng):
        return np.random.default_rng(arg.seed)
    if isinstance(arg, (list, tuple)):
        return type(arg)(_materialize(a) for a in arg)
    return arg


def _run_here(fn, args, returns, solved_by, announce=None):
    """Call ``fn`` on copies of ``args``, convert its value per ``returns``; a status dict of
    plain data (never raises). Runs in the child, or in the kernel without fork. ``announce()``
    is called once the function has returned, before its value is converted."""
    given = [_materialize(a) for a in copy.deepcopy(list(args))]
    kept = copy.deepcopy(list(args))
    printed = _Printed()
    _TRIPPED.clear()
    armed = _arm(solved_by)
    status = None
    try:
        with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed), \
                warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            out = fn(*given)
    except NotImplementedError:
        status = {"status": "notdone"}
    except _UsedReference:
        status = {"status": "reference"}
    except RecursionError:
        status = {"status": "recursion"}
    except MemoryError:
        status = {"status": "memory"}
    except SystemExit as exc:
        status = {"status": "exit", "code": _safe_str(exc)}
    except KeyboardInterrupt:
        status = {"status": "keyboard"}
    except BaseException as exc:  # noqa: BLE001 - any learner error becomes feedback
        status = {"status": "raised", "type": _safe_name(exc), "text": _safe_str(exc)}
    finally:
        _disarm(armed)
    if _TRIPPED:  # even if the learner's code caught the tripwire and went on
        return {"status": "reference", "name": _TRIPPED[0]}
    if status is not None:
        return status
    if announce is not None:
        announce()
    mutated = not all(_same(k, g) for k, g in zip(kept, given))
    if out is None:
        return {"status": "none", "printed": printed.count > 0, "mutated": mutated}
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            value = returns.convert(out)
    except _Rejected as exc:
        target = out if exc.part is None else _part(out, exc.part)
        return {"status": "rejected", "why": exc.why, "part": exc.part,
                "described": describe(target), "mutated": mutated}
    except MemoryError:
        return {"status": "memory"}
    except BaseException as exc:  # noqa: BLE001 - e.g. a __len__ that raises
        return {"status": "rejected", "part": None, "described": describe(out), "mutated": mutated,
                "why": f" (reading it raised {_safe_name(exc)})"}
    if isinstance(value, tuple):
        arrays, eps = value
    else:
        arrays, eps = [v[0] for v in value], max(v[1] for v in value)
    return {"status": "ok", "value": arrays, "eps": eps, "mutated": mutated}


def _part(out, k):
    try:
        return out[k]
    except BaseException:  # noqa: BLE001
        return out


def _safe_name(exc):
    try:
        return str(type(exc).__name__)
    except BaseException:  # noqa: BLE001
        return "an exception"


def _safe_str(exc, limit=300):
    """str(exc) for a learner's exception, which may itself fail or be huge."""
    try:
        text = str(exc)
    except BaseException:  # noqa: BLE001
        text = "<message could not be shown>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ------------------------------------------------------------------ plain data across a pipe
_DTYPES = {"<f8": np.float64, "|b1": np.bool_, "<i8": np.int64}


def encode(obj):
    """Bytes for a tree of None/bool/int/float/str, lists, tuples, dicts with str keys, ``Rng``
    and float64/bool/int64 arrays. The format is JSON plus raw array bytes: decoding it can
    never run code."""
    arrays = []

    def plain(o):
        if isinstance(o, np.ndarray):
            a = np.ascontiguousarray(o, dtype=np.float64 if o.dtype.kind in "fc" or
                                     o.dtype.kind == "O" else
                                     (np.bool_ if o.dtype.kind == "b" else np.int64))
            arrays.append(a)
            return {"__nd__": len(arrays) - 1, "dtype": a.dtype.str, "shape": list(a.shape)}
        if isinstance(o, Rng):
            return {"__rng__": int(o.seed)}
        if isinstance(o, tuple):
            return {"__tuple__": [plain(v) for v in o]}
        if isinstance(o, list):
            return [plain(v) for v in o]
        if isinstance(o, dict):
            return {str(k): plain(v) for k, v in o.items()}
        if isinstance(o, (bool, np.bool_)):
            return bool(o)
        if isinstance(o, (int, np.integer)):
            return int(o)
        if isinstance(o, (float, np.floating)):
            return float(o)
        if o is None or isinstance(o, str):
            return o
        raise TypeError(f"not plain data: {type(o).__name__}")

    head = json.dumps(plain(obj)).encode()
    body = b"".join(a.tobytes() for a in arrays)
    return struct.pack("<QQ", len(head), len(body)) + head + body


def decode(data):
    """Inverse of ``encode``; raises ValueError for anything malformed."""
    try:
        if len(data) < 16:
            raise ValueError("short")
        n_head, n_body = struct.unpack("<QQ", data[:16])
        if 16 + n_head + n_body != len(data):
            raise ValueError("length")
        tree = json.loads(bytes(data[16:16 + n_head]))
        body = memoryview(data)[16 + n_head:]
        offset = [0]

        def build(o):
            if isinstance(o, list):
                return [build(v) for v in o]
            if isinstance(o, dict):
                if "__nd__" in o:
                    dtype = np.dtype(_DTYPES[o["dtype"]])
                    shape = tuple(int(s) for s in o["shape"])
                    if any(s < 0 for s in shape):
                        raise ValueError("shape")
                    n = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
                    chunk = body[offset[0]:offset[0] + n]
                    if len(chunk) != n:
                        raise ValueError("array bytes")
                    offset[0] += n
                    return np.frombuffer(chunk, dtype=dtype).reshape(shape).copy()
                if "__rng__" in o:
                    return Rng(int(o["__rng__"]))
                if "__tuple__" in o:
                    return tuple(build(v) for v in o["__tuple__"])
                return {k: build(v) for k, v in o.items()}
            if o is None or isinstance(o, (bool, int, float, str)):
                return o
            raise ValueError("type")

        out = build(tree)
        if offset[0] != n_body:
            raise ValueError("trailing bytes")
        return out
    except ValueError:
        raise
    except Exception as exc:  # noqa: BLE001 - malformed input of any kind
        raise ValueError(f"malformed: {type(exc).__name__}") from None


def frame(payload):
    """A length-prefixed message for a stream."""
    return struct.pack("<Q", len(payload)) + payload


# ------------------------------------------------------------------ the forked child
def _memory_cap(extra, hard_cap=False):
    """Cap the address space at what is in use now plus ``extra`` bytes (Linux); with ``hard``
    the cap cannot be raised again by the capped process."""
    try:
        import resource
        with open("/proc/self/statm") as f:
            in_use = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = in_use + int(extra)
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap if hard_cap else hard))
    except (ImportError, OSError, ValueError):
        pass  # not Linux: no memory cap (the time limit still holds)


def _cpu_cap(seconds):
    try:
        import resource
        limit = int(seconds) + 2
        resource.setrlimit(resource.RLIMIT_CPU, (limit, limit + 1))
    except (ImportError, OSError, ValueError):
        pass


def _child(write_fd, fn, args, returns, solved_by, timeout):
    """In the forked child: never returns, never runs the parent's exit handlers."""
    code = 70
    try:
        gc.disable()  # a collection would touch (and so copy) every page of the parent's heap
        faulthandler.disable()  # a crash is reported by the parent, not dumped on its stderr
        with contextlib.suppress(OSError):
            os.setpgid(0, 0)
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_DFL if sig == signal.SIGTERM else
                          signal.default_int_handler)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        _memory_cap(MEMORY_LIMIT)
        _cpu_cap(timeout)
        def send(message):
            view = memoryview(frame(encode(message)))
            while view:
                view = view[os.write(write_fd, view):]

        send(_run_here(fn, args, returns, solved_by,
                       announce=lambda: send({"status": "returned"})))
        code = 0
    except BaseException:  # noqa: BLE001 - nothing may escape into the parent's code
        code = 71
    finally:
        os._exit(code)


class Reader:
    """Reads length-prefixed messages from a pipe, keeping bytes that arrive early."""

    def __init__(self, fd):
        self.fd, self.buf = fd, bytearray()

    def read(self, deadline, stop=lambda: False):
        """One message before ``deadline`` (time.monotonic): its payload, or a status string:
        "timeout", "eof" (the writer is gone) or "toolarge"."""
        import selectors  # here, not at the top: the browser edition (Pyodide) never forks
        with selectors.DefaultSelector() as sel:
            sel.register(self.fd, selectors.EVENT_READ)
            while True:
                if len(self.buf) >= 8:
                    need = 8 + struct.unpack("<Q", bytes(self.buf[:8]))[0]
                    if need > MAX_REPLY_BYTES:
                        return "toolarge"
                    if len(self.buf) >= need:
                        payload = bytes(self.buf[8:need])
                        del self.buf[:need]
                        return payload
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return "timeout"
                if not sel.select(min(remaining, 0.5)):
                    if stop():
                        return "eof"
                    continue
                chunk = os.read(self.fd, 1 << 16)
                if not chunk:
                    return "eof"
                self.buf += chunk


def _kill_group(pid):
    for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        with contextlib.suppress(OSError):
            target()


def _exit_status(pid, deadline):
    """Reap ``pid``; returns its wait status, or None if it had to be killed first."""
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        time.sleep(0.01)
    _kill_group(pid)
    os.waitpid(pid, 0)
    return None


def _describe_exit(status):
    if status is None:
        return "stopped"
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = f"signal {sig}"
        if sig == getattr(signal, "SIGXCPU", None):
            return "cpu"
        return f"crashed ({name})"
    return f"exit {os.WEXITSTATUS(status)}"


_RETURNED = encode({"status": "returned"})


def _fork_call(fn, args, returns, solved_by, timeout):
    read_fd, write_fd = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # 3.12+: "multi-threaded fork"
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the child (coverage cannot follow it)
        os.close(read_fd)
        _child(write_fd, fn, args, returns, solved_by, timeout)
    os.close(write_fd)
    with contextlib.suppress(OSError):
        os.setpgid(pid, pid)
    reaped = []

    def child_gone():
        if not reaped:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                reaped.append(status)
        return bool(reaped)

    returned, reply = False, "eof"
    reader = Reader(read_fd)
    try:
        deadline = time.monotonic() + timeout
        while True:
            reply = reader.read(deadline, child_gone)
            if isinstance(reply, bytes) and reply == _RETURNED and not returned:
                returned = True  # the function returned; its value is being converted
                continue
            break
    except KeyboardInterrupt:
        reply = "interrupted"
    finally:
        os.close(read_fd)
        if not reaped and reply == "eof":  # the pipe closed: the child is ending; how?
            status = _exit_status(pid, time.monotonic() + 2.0)
            if status is not None:
                reaped.append(status)
        if not reaped:
            _kill_group(pid)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        else:
            _kill_group(pid)  # anything it left behind in its group
    if reply == "interrupted":
        return {"status": "interrupted"}
    if reply == "timeout":
        return {"status": "unreadable" if returned else "timeout"}
    if reply == "toolarge":
        return {"status": "garbled"}
    if reply == "eof":
        how = _describe_exit(reaped[0]) if reaped else "stopped"
        return {"status": "cpu"} if how == "cpu" else {"status": "crashed", "how": how}
    try:
        status = decode(reply)
        if not isinstance(status, dict) or not isinstance(status.get("status"), str):
            raise ValueError("not a status")
        return status
    except ValueError:
        return {"status": "garbled"}


# ------------------------------------------------------------------ the checker's side
class Remote:
    """A learner's function living in another process (see ``judge``); ``call`` asks it."""

    name = "your function"

    def invoke(self, args, returns, solved_by, timeout):  # pragma: no cover - interface
        raise NotImplementedError


class Session:
    """What the running check knows: the exercise's ``solved_by`` names and a time budget."""

    def __init__(self, solved_by=(), budget=None):
        self.solved_by = tuple(solved_by)
        self.deadline = None if budget is None else time.monotonic() + budget


_SESSION = [Session()]


@contextlib.contextmanager
def session(solved_by=(), budget=None):
    _SESSION.append(Session(solved_by, budget))
    try:
        yield _SESSION[-1]
    finally:
        _SESSION.pop()


def _local_call(fn, args, returns, solved_by, timeout):
    if FORK:
        return _fork_call(fn, args, returns, solved_by, timeout)
    return _run_here(fn, args, returns, solved_by)


def call(fn, *args, name="your function", inputs=None, returns=Numbers(), timeout=None):
    """Call the learner's ``fn(*args)`` in isolation; return what it returned as plain arrays.

    Parameters
    ----------
    fn : the learner's function (or a ``Remote`` one)
    *args : plain data (arrays, numbers, lists/tuples of them, ``Rng`` placeholders)
    name : str, the function's name in messages
    inputs : str, a short description of the arguments for messages, e.g. ``"z = [0, 1]"``
    returns : Numbers, Several or ArrayList, what the exercise asks for
    timeout : float, seconds (``DEFAULT_TIMEOUT``, read at call time)

    Returns
    -------
    ``Returned`` (float64 array with ``.eps``) for ``Numbers``; a list of them otherwise.

    Raises
    ------
    NotDone for the untouched stub; Incorrect with a learner-facing message for anything else
    that is not a usable value (an exception, a time-out, a crash, ``None``, text, ...).
    """
    timeout = DEFAULT_TIMEOUT if timeout is None else float(timeout)
    sess = _SESSION[-1]
    if sess.deadline is not None:
        left = sess.deadline - time.monotonic()
        if left <= 0:
            raise Incorrect(f"The check ran out of time before it could call {name} again: "
                            "each call of your function takes too long. Look for loops that "
                            "do far more work than needed.")
        timeout = min(timeout, left)
    inputs = inputs or ", ".join(describe(a, 30) for a in args)
    if isinstance(fn, Remote):
        status = fn.invoke(args, returns, sess.solved_by, timeout)
    elif not callable(fn):
        raise Incorrect(f"Expected a function, but got {_describe_non_function(fn)}. Pass the "
                        f"function itself (without calling it), e.g. check('...', {name}).")
    else:
        status = _local_call(fn, args, returns, sess.solved_by, timeout)
    return _interpret(status, name, inputs, returns, timeout)


def _describe_non_function(obj):
    if isinstance(obj, (int, float, complex, str, bytes, bool, np.ndarray, np.generic)) \
            or obj is None:
        return describe(obj)
    return f"<a {type(obj).__name__} object>"


def _interpret(status, name, inputs, returns, timeout):
    kind = status.get("status")
    call_text = f"{name}({inputs})"
    if kind == "ok":
        if status.get("mutated"):
            raise Incorrect(_MUTATED.format(call_text=call_text))
        eps = float(status.get("eps", EPS64))
        value = status.get("value")
        if isinstance(returns, Numbers):
            return _returned(value, eps)
        return [_returned(v, eps) for v in value]
    if kind == "notdone":
        raise NotDone(f"Not done yet: {name} still raises NotImplementedError. Replace the "
                      "`raise NotImplementedError()` line with your code, run that cell, then run "
                      "this check again.")
    if kind == "none":
        if status.get("mutated"):
            raise Incorrect(_MUTATED.format(call_text=call_text))
        hint = (" It printed something: use `return` to hand the value back instead of `print`."
                if status.get("printed") else " Did you forget the `return` statement?")
        raise Incorrect(f"{call_text} returned None.{hint}")
    if kind == "rejected":
        if status.get("mutated"):
            raise Incorrect(_MUTATED.format(call_text=call_text))
        raise Incorrect(_rejection(status, call_text, returns))
    messages = {
        "timeout": f"{call_text} did not finish within {timeout:g} s, so it was stopped. Look for "
                   "a loop that never ends (a `while` whose condition never changes, or a loop "
                   "over an array that grows).",
        "cpu": f"{call_text} used more than {timeout:g} s of computing time, so it was stopped. "
               "Look for a loop that never ends.",
        "recursion": f"{call_text} recursed too deeply (RecursionError). Use a loop instead of "
                     "calling the function from itself.",
        "memory": f"{call_text} ran out of memory (MemoryError): it tried to use more than "
                  f"{MEMORY_LIMIT >> 20} MB. Look for an array that grows without end or a "
                  "shape far larger than the inputs.",
        "exit": f"{call_text} called sys.exit() / exit() (SystemExit: {status.get('code', '')}). "
                "A function hands its result back with `return`; exiting would stop the whole "
                "notebook.",
        "keyboard": f"{call_text} was interrupted (KeyboardInterrupt) before it returned, so it "
                    "could not be checked. Run the check again and let it finish.",
        "interrupted": f"The check was interrupted (KeyboardInterrupt) while {call_text} was "
                       "running, so it could not be checked. Run the check again and let it "
                       "finish.",
        "raised": f"{call_text} raised {status.get('type', 'an exception')}: "
                  f"{status.get('text', '')}",
        "reference": f"{name} calls {status.get('name', 'a vgteach function')}, the package's "
                     "own answer to this exercise, so there is nothing of yours to check. Write "
                     "the computation yourself (the package's version is there for the lessons "
                     "that come after this one).",
        "crashed": f"{call_text} ended the process it ran in before returning "
                   f"({status.get('how', 'stopped')}): e.g. os._exit(), a crash in C code, or "
                   "running out of memory. A function hands its result back with `return`.",
        "garbled": f"{call_text} interfered with the checker (what came back could not be "
                   "read), so it could not be checked. Return the value with `return`.",
        "unreadable": f"{call_text} returned an object that could not be turned into numbers "
                      f"within {timeout:g} s (reading it never finished), so it was stopped. "
                      "Return a NumPy array, a list of numbers or a number.",
        "gone": f"{call_text} could not be checked: an earlier call of {name} was stopped (see "
                "its message).",
    }
    raise Incorrect(messages.get(kind, f"{call_text} could not be checked ({kind})."))


_MUTATED = ("{call_text} changed its input array in place. Compute a new array instead (e.g. "
            "`x = x * 2` rather than `x *= 2`), so the caller's data stays as it was.")


def _rejection(status, call_text, returns):
    described, why, part = status.get("described", "?"), status.get("why", ""), status.get("part")
    if isinstance(returns, Numbers):
        return f"{call_text} returned {described}{why}; it should return {returns.what}."
    if part is None:
        return f"{call_text} returned {described}{why}; {returns.what}"
    names = getattr(returns, "names", None)
    label = names[part] if names and 0 <= part < len(names) else f"array {part}"
    return (f"{label} from {call_text} is {described}{why}; it should be an array of "
            "numbers.")
