"""Stored results of the lessons' longest runs, read back when a lesson asks for exactly them.

A lesson's sweeps (several seeds x learning rates x controls, so that its claims survive a
skeptic) take most of its running time. The functions that run them are marked
``@reusable``. After a lesson calls ``reuse(True)`` (its parameters cell holds
``use_stored = True``), a marked function called with *exactly* the arguments a stored run was
made with (same values, same data, defaults included) returns that stored result instead of
computing it again; any other call computes as usual. So at the lesson's default seed the sweeps
are read from ``vgteach/data/stored/`` in milliseconds, and at any other seed, or after any
change to a call's arguments, everything is computed in the kernel. ``reuse(False)``, the state
on import, computes everything.

The stored results were made by the same calls (``python tools/record_stored.py`` runs every
lesson with ``use_stored = "record"``), and the tests run every lesson with
``use_stored = "verify"``: each marked call is computed afresh and compared with its stored
result (``differences``), so a change to the engine that alters a stored result fails the tests
until the results are recorded again.

Modes of ``reuse``
------------------
``False``     compute every call (the default on import).
``True``      read a call's stored result if there is one, else compute it.
``"verify"``  compute every call, and raise if it has a stored result that differs.
``"record"``  compute every call and store the result of each that takes ``MIN_SECONDS`` or
              more (maintainers: tools/record_stored.py).

What makes a call storable: its arguments are numbers, strings, None, arrays, lists, tuples and
dicts of these, NumPy generators, and vgteach objects, functions and ``functools.partial`` of
them (a function defined in a notebook, e.g. a lambda, is not: such a call is computed). A stored
call must not change its arguments (checked when recording and verifying), since reading its
result back would not repeat that change.

Examples
--------
>>> from vgteach import stored
>>> stored.call_key(stored.differences, ([1.0, 2.0], (1, "a")), {})
"vgteach.stored.differences(stored=[1.0,2.0], fresh=(1,'a'), rtol=1e-06, where='result')"
"""
import functools
import hashlib
import importlib
import inspect
import json
import pathlib
import time

import numpy as np

__all__ = ["reusable", "reuse", "mode", "used", "call_key", "differences", "read_meta", "DIR",
           "MANIFEST", "RTOL", "MIN_SECONDS"]

#: Where stored results live: one ``<digest>.npz`` per call, and ``MANIFEST.json`` naming each
#: file's call and the lesson that recorded it.
DIR = pathlib.Path(__file__).resolve().parent / "data" / "stored"
MANIFEST = DIR / "MANIFEST.json"
#: How close a fresh result must be to its stored one (relative; each array's absolute floor is
#: 1e-12 of its largest magnitude): runs repeat bit for bit on one machine, and this leaves room
#: for another CPU's rounding.
RTOL = 1e-6
#: Calls quicker than this (seconds) are not stored: reading a file back would not save time.
MIN_SECONDS = 0.05
_FORMAT = 1
_MODES = (False, True, "verify", "record")
_state = {"mode": False, "used": []}  # set by reuse() only: importing changes nothing


def mode():
    """The current mode (``False``, ``True``, ``"verify"`` or ``"record"``)."""
    return _state["mode"]


def reuse(how=True):
    """Set how ``@reusable`` functions treat stored results from now on (see the module doc).

    ``how``: ``True`` (read stored results), ``False`` (compute everything), ``"verify"`` or
    ``"record"``. Clears the list ``used()`` returns.
    """
    if how not in _MODES or (isinstance(how, (int, float)) and not isinstance(how, bool)):
        raise ValueError("The 'how' parameter of reuse must be one of True, False, 'verify', "
                         f"'record'. Got {how!r} instead.")
    _state["mode"] = how
    _state["used"] = []


def used():
    """Digests of the stored results read, verified or recorded since the last ``reuse``."""
    return list(_state["used"])


def reusable(fn):
    """Mark ``fn`` (a pure function of its arguments) as one whose results may be stored."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        how = mode()
        if how is False:
            return fn(*args, **kwargs)
        key = _key_or_none(fn, args, kwargs)
        if key is None:  # e.g. a lambda among the arguments: computed in every mode
            return fn(*args, **kwargs)
        digest = _digest(key)
        path = DIR / f"{digest}.npz"
        if how is True:
            if not path.exists():
                return fn(*args, **kwargs)
            _state["used"].append(digest)
            return _load(path, key)
        if how == "verify" and not path.exists():
            return fn(*args, **kwargs)  # not stored (a quick call, or new): nothing to compare
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        took = time.perf_counter() - start
        if _key_or_none(fn, args, kwargs) != key:
            raise RuntimeError(f"{_name(fn)} changed its arguments, so its result cannot be "
                               "stored: reading it back would not repeat the change.")
        if how == "record":
            if took >= MIN_SECONDS:
                _save(path, key, result)
                _state["used"].append(digest)
            return result
        _state["used"].append(digest)
        diffs = differences(_load(path, key), result)
        if diffs:
            raise AssertionError(f"The stored result of {key[:300]} differs from a fresh run "
                                 f"({len(diffs)} differences, first: {diffs[0]}). Record the "
                                 "lessons' runs again: python tools/record_stored.py")
        return result

    wrapper.__wrapped__ = fn
    return wrapper


# --------------------------------------------------------------------------- keys
class _Unkeyable(TypeError):
    pass


def _name(fn):
    return f"{fn.__module__}.{fn.__qualname__}"


def call_key(fn, args, kwargs):
    """The text that identifies a call: the function, and every argument (defaults included)
    in canonical form; arrays by dtype, shape and a hash of their values (floats rounded to
    float32, so another machine's last-bit differences in the data do not matter).

    Raises TypeError if an argument cannot be keyed (see the module doc).
    """
    target = inspect.unwrap(fn)
    bound = inspect.signature(target).bind(*args, **kwargs)
    bound.apply_defaults()
    parts = []
    for name, value in bound.arguments.items():
        kind = inspect.signature(target).parameters[name].kind
        if kind is inspect.Parameter.VAR_KEYWORD:
            parts.append(f"**{_canon(value)}")
        elif kind is inspect.Parameter.VAR_POSITIONAL:
            parts.append(f"*{_canon(value)}")
        else:
            parts.append(f"{name}={_canon(value)}")
    return f"{_name(target)}({', '.join(parts)})"


def _key_or_none(fn, args, kwargs):
    try:
        return call_key(fn, args, kwargs)
    except _Unkeyable:
        return None


def _digest(key):
    return hashlib.sha256(f"{_FORMAT}:{key}".encode()).hexdigest()[:24]


def _ours(obj):
    module = getattr(obj, "__module__", None) or ""
    return module == "vgteach" or module.startswith("vgteach.")


def _canon(x):
    if isinstance(x, np.generic):  # a NumPy number keys as the Python number it equals
        x = x.item()
    if x is None or isinstance(x, (bool, int, str, float)):
        return repr(x)
    if isinstance(x, np.ndarray):
        if x.dtype == object:
            raise _Unkeyable("an array of Python objects")
        a = x.astype(np.float32) if x.dtype.kind == "f" else x
        h = hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()[:20]
        return f"array({x.dtype.str},{x.shape},{h})"
    if isinstance(x, list):
        return "[" + ",".join(_canon(v) for v in x) + "]"
    if isinstance(x, tuple):
        return "(" + ",".join(_canon(v) for v in x) + ("," if len(x) == 1 else "") + ")"
    if isinstance(x, dict):
        items = sorted((_canon(k), _canon(v)) for k, v in x.items())
        return "{" + ",".join(f"{k}:{v}" for k, v in items) + "}"
    if isinstance(x, np.random.Generator):
        return f"Generator({_canon(x.bit_generator.state)})"
    if isinstance(x, functools.partial):
        return f"partial({_canon(x.func)},{_canon(x.args)},{_canon(x.keywords)})"
    if (inspect.isfunction(x) or inspect.isclass(x)) and _ours(x):
        if "<" in x.__qualname__:
            raise _Unkeyable(f"{x.__qualname__} is defined inside a function")
        return _name(x)
    if _ours(type(x)) and hasattr(x, "__dict__") and not inspect.isroutine(x):
        return f"{_name(type(x))}({_canon(vars(x))})"
    what = getattr(x, "__qualname__", type(x).__name__)
    raise _Unkeyable(f"{what} ({type(x).__name__}) is not a number, string, array, container or "
                     "vgteach object (a function defined in a notebook cannot be keyed)")


# --------------------------------------------------------------------------- storing
def _encode(x, arrays):
    if isinstance(x, (np.ndarray, np.generic)):
        if np.asarray(x).dtype == object:
            raise TypeError("cannot store an array of Python objects")
        name = f"a{len(arrays)}"
        arrays[name] = np.asarray(x)
        return {"s" if isinstance(x, np.generic) else "a": name}
    if x is None or isinstance(x, (bool, int, str)):
        return {"v": x}
    if isinstance(x, float):
        return {"f": repr(x)}
    if isinstance(x, list):
        return {"l": [_encode(v, arrays) for v in x]}
    if isinstance(x, tuple):
        return {"t": [_encode(v, arrays) for v in x]}
    if isinstance(x, dict):
        return {"d": [[_encode(k, arrays), _encode(v, arrays)] for k, v in x.items()]}
    if (inspect.isfunction(x) or inspect.isclass(x)) and _ours(x) and "<" not in x.__qualname__:
        return {"fn": f"{x.__module__}:{x.__qualname__}"}
    if _ours(type(x)) and hasattr(x, "__dict__") and not hasattr(type(x), "__slots__"):
        return {"o": f"{type(x).__module__}:{type(x).__qualname__}",
                "attrs": _encode(dict(vars(x)), arrays)}
    raise TypeError(f"cannot store a {type(x).__name__}: results are stored as numbers, "
                    "strings, arrays, containers and vgteach objects")


def _lookup(path):
    module, _, qualname = path.partition(":")
    if not (module == "vgteach" or module.startswith("vgteach.")):
        raise ValueError(f"a stored result names {path!r}, outside vgteach")
    obj = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def _decode(node, arrays):
    (tag, value), *rest = node.items()
    if tag == "v":
        return value
    if tag == "f":
        return float(value)
    if tag == "a":
        return arrays[value]
    if tag == "s":
        return arrays[value][()]
    if tag == "l":
        return [_decode(v, arrays) for v in value]
    if tag == "t":
        return tuple(_decode(v, arrays) for v in value)
    if tag == "d":
        return {_decode(k, arrays): _decode(v, arrays) for k, v in value}
    if tag == "fn":
        return _lookup(value)
    if tag == "o":
        cls = _lookup(value)
        obj = cls.__new__(cls)
        obj.__dict__.update(_decode(node["attrs"], arrays))
        return obj
    raise ValueError(f"unknown node {tag!r} in a stored result")


def _save(path, key, result):
    arrays = {}
    tree = _encode(result, arrays)
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = json.dumps({"format": _FORMAT, "key": key, "tree": tree})
    with open(path, "wb") as f:
        np.savez_compressed(f, __meta__=np.frombuffer(meta.encode(), dtype=np.uint8), **arrays)


def _load(path, key):
    with np.load(path, allow_pickle=False) as f:
        meta = json.loads(f["__meta__"].tobytes().decode())
        if meta["key"] != key:
            raise LookupError(f"{path.name} holds another call than {key[:200]}")
        arrays = {name: f[name] for name in f.files if name != "__meta__"}
    return _decode(meta["tree"], arrays)


def read_meta(path):
    """The ``{"format", "key", "tree"}`` record of a stored file (for the manifest and tests)."""
    with np.load(path, allow_pickle=False) as f:
        return json.loads(f["__meta__"].tobytes().decode())


# --------------------------------------------------------------------------- comparing
def differences(stored, fresh, rtol=RTOL, where="result"):
    """Where ``fresh`` departs from ``stored``: a list of one-line descriptions (empty if they
    agree). Types, lengths, keys, strings and integers must be equal; floats and float arrays
    within ``rtol`` (NaN where NaN, infinities equal; each array's absolute floor is 1e-12 of its
    largest finite magnitude).

    Examples
    --------
    >>> differences({"a": [1.0, 2.0]}, {"a": [1.0, 2.5]})
    ["result['a'][1]: 2.0 stored, 2.5 now"]
    """
    out = []
    _diff(stored, fresh, rtol, where, out)
    return out


def _close(a, b, rtol):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    finite = np.abs(a[np.isfinite(a)])
    floor = 1e-12 * finite.max() if finite.size else 0.0
    return np.isclose(a, b, rtol=rtol, atol=floor, equal_nan=True)


def _diff(s, f, rtol, where, out):
    if len(out) >= 20:
        return
    if type(s) is not type(f) and not (isinstance(s, np.ndarray) and isinstance(f, np.ndarray)):
        out.append(f"{where}: {type(s).__name__} stored, {type(f).__name__} now")
    elif isinstance(s, (np.ndarray, np.generic)):
        s, f = np.asarray(s), np.asarray(f)
        if s.shape != f.shape or s.dtype.kind != f.dtype.kind:
            out.append(f"{where}: {s.dtype}{s.shape} stored, {f.dtype}{f.shape} now")
        elif s.dtype.kind in "fc":
            ok = _close(s, f, rtol)
            if not ok.all():
                i = np.unravel_index(np.argmin(ok), s.shape) if s.ndim else ()
                out.append(f"{where}: {int((~ok).sum())} of {s.size} values differ, e.g. at "
                           f"{tuple(int(k) for k in i)}: {s[i]!r} stored, {f[i]!r} now")
        elif not np.array_equal(s, f):
            out.append(f"{where}: values differ")
    elif isinstance(s, float):
        if not _close(s, f, rtol):
            out.append(f"{where}: {s!r} stored, {f!r} now")
    elif isinstance(s, (list, tuple)):
        if len(s) != len(f):
            out.append(f"{where}: length {len(s)} stored, {len(f)} now")
        for i, (a, b) in enumerate(zip(s, f)):
            _diff(a, b, rtol, f"{where}[{i}]", out)
    elif isinstance(s, dict):
        if list(s) != list(f):
            out.append(f"{where}: keys {list(s)} stored, {list(f)} now")
        for k in s:
            if k in f:
                _diff(s[k], f[k], rtol, f"{where}[{k!r}]", out)
    elif _ours(type(s)) and hasattr(s, "__dict__"):
        _diff(vars(s), vars(f), rtol, f"{where}", out)
    elif callable(s):
        if s is not f:
            out.append(f"{where}: {s!r} stored, {f!r} now")
    elif s != f:
        out.append(f"{where}: {s!r} stored, {f!r} now")
