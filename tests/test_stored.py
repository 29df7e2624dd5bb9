"""vgteach.stored: stored results of the lessons' long runs, read back only for the exact call.

The lesson-level check (every stored result equals a fresh run, and every stored file is one a
lesson reads) is in test_lesson_stored.py."""
import functools
import json
from dataclasses import dataclass

import numpy as np
import pytest

from vgteach import optim, stored
from vgteach.mlp import MLP

CALLS = []


@dataclass
class Box:  # a result type outside vgteach cannot be stored; tests use vgteach's own
    x: object


@stored.reusable
def _slow_square(x, scale=1.0, rng=None):
    CALLS.append(1)
    return {"y": np.asarray(x, dtype=float) ** 2 * scale, "n": len(CALLS)}


_slow_square.__wrapped__.__module__ = "vgteach.tests_fake"  # a key needs a vgteach name


@pytest.fixture()
def store(tmp_path, monkeypatch):
    monkeypatch.setattr(stored, "DIR", tmp_path)
    monkeypatch.setattr(stored, "MIN_SECONDS", 0.0)
    CALLS.clear()
    yield tmp_path
    stored.reuse(False)


def test_importing_sets_nothing_and_false_always_computes(store):
    assert stored.mode() is False
    _slow_square([1, 2])
    _slow_square([1, 2])
    assert len(CALLS) == 2 and not list(store.iterdir())


def test_a_recorded_call_is_read_back_only_for_the_same_arguments(store):
    stored.reuse("record")
    first = _slow_square(np.array([1.0, 2.0]), scale=3.0)
    assert len(list(store.glob("*.npz"))) == 1 and len(stored.used()) == 1
    stored.reuse(True)
    again = _slow_square(np.array([1.0, 2.0]), 3.0)  # positional or keyword: the same call
    assert len(CALLS) == 1 and stored.used() == [stored._digest(stored.call_key(
        _slow_square, (np.array([1.0, 2.0]),), {"scale": 3.0}))]
    np.testing.assert_array_equal(again["y"], first["y"])
    assert again["n"] == 1  # the stored value, not a new run's
    _slow_square(np.array([1.0, 2.5]), scale=3.0)   # other data
    _slow_square(np.array([1.0, 2.0]), scale=3.5)   # other setting
    _slow_square(np.array([1.0, 2.0]))              # the default is part of the key
    assert len(CALLS) == 4


def test_keys_see_values_not_identity_and_ignore_last_bit_noise():
    key = lambda *a, **k: stored.call_key(_slow_square, a, k)
    x = np.linspace(0, 1, 50)
    assert key(x) == key(x.copy()) == key(x * (1 + 1e-15))   # float32-rounded hash
    assert key(x) != key(x + 1e-6) and key(x) != key(x[:-1]) and key(x) != key(x.astype(int))
    assert key([1, 2]) != key((1, 2)) != key([1.0, 2.0])
    assert key(1, rng=np.random.default_rng(0)) != key(1, rng=np.random.default_rng(1))
    assert key({"b": 1, "a": 2}) == key({"a": 2, "b": 1})
    net = MLP([2, 3, 1], seed=0)
    assert key(net) == key(net.copy()) != key(MLP([2, 3, 1], seed=1))
    assert key(optim.Adam(0.01)) != key(optim.Adam(0.02))
    part = functools.partial(MLP, [2, 3, 1], seed=0)
    assert key(part) == key(functools.partial(MLP, [2, 3, 1], seed=0))
    with pytest.raises(TypeError, match="lambda"):
        key(lambda: 0)
    with pytest.raises(TypeError):
        key(object())


def test_a_call_that_cannot_be_keyed_is_computed_in_every_mode(store):
    for how in (True, "record", "verify"):
        stored.reuse(how)
        _slow_square([1.0], rng=lambda: 0)
    assert len(CALLS) == 3 and not list(store.glob("*.npz"))


def test_quick_calls_are_not_stored(store, monkeypatch):
    monkeypatch.setattr(stored, "MIN_SECONDS", 60.0)
    stored.reuse("record")
    _slow_square([1.0])
    assert not list(store.glob("*.npz")) and stored.used() == []


def test_verify_recomputes_and_fails_on_a_stored_result_that_differs(store):
    stored.reuse("record")
    _slow_square([1.0, 2.0])
    stored.reuse("verify")
    CALLS.clear()       # "n" now comes out 1 again: the fresh run equals the stored one
    _slow_square([1.0, 2.0])
    assert len(CALLS) == 1 and len(stored.used()) == 1
    stored.reuse("verify")
    CALLS.clear()
    (path,) = store.glob("*.npz")
    key = stored.read_meta(path)["key"]
    stored._save(path, key, {"y": np.array([1.0, 4.0 * (1 + 1e-5)]), "n": 1})
    with pytest.raises(AssertionError, match=r"differs from a fresh run.*\['y'\]: 1 of 2 values"):
        _slow_square([1.0, 2.0])


def test_verify_catches_a_stale_counter(store):
    stored.reuse("record")
    _slow_square([3.0])
    stored.reuse("verify")
    with pytest.raises(AssertionError, match=r"\['n'\]"):
        _slow_square([3.0])          # CALLS grew: n = 2 now, 1 stored


def test_a_call_that_changes_its_arguments_is_refused(store):
    @stored.reusable
    def grow(a):
        a.append(1)
        return len(a)
    grow.__wrapped__.__module__ = "vgteach.tests_fake"
    stored.reuse("record")
    with pytest.raises(RuntimeError, match="changed its arguments"):
        grow([0])


def test_results_round_trip_exactly(store):
    net = MLP([3, 4, 2], activation="tanh", norm="batch", seed=2)
    net.running[0] = {"mean": np.ones(4), "var": np.full(4, 2.0)}
    result = {"net": net, (1, 0.5): [np.float64(0.25), np.int64(3), float("nan"), -0.0, None],
              "text": "é", "flag": True, "fn": optim.norm, "empty": np.zeros((0, 3)),
              "ints": np.arange(4), "inf": float("inf"), "tuple": (1, (2.5,))}
    stored._save(store / "r.npz", "k", result)
    back = stored._load(store / "r.npz", "k")
    assert stored.differences(result, back, rtol=0) == []
    assert type(back[(1, 0.5)][0]) is np.float64 and type(back[(1, 0.5)][1]) is np.int64
    assert str(back[(1, 0.5)][3]) == "-0.0" and back["fn"] is optim.norm
    assert isinstance(back["net"], MLP) and back["net"].running[0]["var"][0] == 2.0
    np.testing.assert_array_equal(back["net"].forward(np.ones((2, 3))),
                                  net.forward(np.ones((2, 3))))
    with pytest.raises(LookupError):
        stored._load(store / "r.npz", "another call")


def test_only_vgteach_types_are_stored_or_loaded(store):
    with pytest.raises(TypeError):
        stored._save(store / "x.npz", "k", Box(1))
    with pytest.raises(ValueError, match="outside vgteach"):
        stored._decode({"o": "os:system", "attrs": {"d": []}}, {})


def test_differences_names_what_differs():
    assert stored.differences([1.0, np.array([1.0, np.nan])], [1.0, np.array([1.0, np.nan])]) == []
    assert "length" in stored.differences([1], [1, 2])[0]
    assert "int stored, float now" in stored.differences(1, 1.0)[0]
    assert "keys" in stored.differences({"a": 1}, {"b": 1})[0]
    assert "1 of 3 values" in stored.differences(np.ones(3), np.array([1, 1, 1.1]))[0]
    assert stored.differences(np.array([1e-20, 1.0]), np.array([2e-20, 1.0])) == []  # floor
    assert stored.differences(np.array([1.0]), np.array([1.0 + 1e-9])) == []
    assert stored.differences(np.array([np.inf]), np.array([-np.inf])) != []


def test_reuse_takes_only_its_modes():
    for bad in (1, 0, "yes", None):
        with pytest.raises(ValueError, match="'how' parameter of reuse"):
            stored.reuse(bad)
    stored.reuse(False)


def test_the_manifest_lists_exactly_the_stored_files_and_their_calls():
    manifest = json.loads(stored.MANIFEST.read_text())
    files = {p.stem for p in stored.DIR.glob("*.npz")}
    assert files == set(manifest) and files
    for digest, entry in manifest.items():
        meta = stored.read_meta(stored.DIR / f"{digest}.npz")
        assert meta["key"] == entry["call"] and stored._digest(meta["key"]) == digest
        module, name = entry["call"].split("(")[0].rsplit(".", 1)
        fn = getattr(__import__(module, fromlist=[name]), name)
        assert getattr(fn, "__wrapped__", None) is not None, f"{name} is not @reusable"
