"""Tests for vgteach.data: the shipped digits and the toy 2-D sets."""
from importlib import resources

import numpy as np
import pytest

from vgteach import data


def test_digits_file_is_small_and_raw():
    path = resources.files("vgteach").joinpath("data", "digits.npz")
    with path.open("rb") as fh:
        size = len(fh.read())
    assert size < 1_000_000
    with path.open("rb") as fh, np.load(fh) as archive:
        assert archive["images"].dtype == np.uint8 and archive["images"].shape == (1797, 8, 8)
        assert archive["labels"].dtype == np.uint8 and archive["labels"].shape == (1797,)
        assert archive["images"].max() == 16


def test_load_digits_scaled():
    X, y = data.load_digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and np.issubdtype(y.dtype, np.integer)
    assert X.min() == 0.0 and X.max() == 1.0
    counts = np.bincount(y)
    assert counts.size == 10 and counts.sum() == 1797
    assert counts.min() >= 170 and counts.max() <= 190


def test_load_digits_raw_counts():
    X, y = data.load_digits(scale=False)
    assert X.max() == 16.0 and np.all(X == np.round(X))
    X2, y2 = data.load_digits()
    np.testing.assert_allclose(X / 16, X2)
    np.testing.assert_array_equal(y, y2)


def test_train_test_split_shapes_and_determinism():
    X, y = data.load_digits()
    a = data.train_test_split(X, y, test_fraction=0.2, rng=3)
    b = data.train_test_split(X, y, test_fraction=0.2, rng=np.random.default_rng(3))
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    X_tr, X_te, y_tr, y_te = a
    assert len(X_te) == int(np.ceil(0.2 * 1797)) and len(X_tr) + len(X_te) == 1797
    assert len(y_tr) == len(X_tr) and len(y_te) == len(X_te)
    # a partition: every row ends up on exactly one side
    rows = np.concatenate([X_tr, X_te])
    assert np.isclose(rows.sum(), X.sum())
    c = data.train_test_split(X, y, test_fraction=0.2, rng=4)
    assert not np.array_equal(a[3], c[3])


@pytest.mark.parametrize("frac", [0.0, 1.0, -0.1, 1.5])
def test_train_test_split_rejects_bad_fraction(frac):
    with pytest.raises(ValueError, match="test_fraction"):
        data.train_test_split(np.zeros((4, 2)), np.zeros(4), test_fraction=frac)


def test_train_test_split_rejects_mismatch_and_bad_rng():
    with pytest.raises(ValueError, match="same number of rows"):
        data.train_test_split(np.zeros((4, 2)), np.zeros(3))
    with pytest.raises(ValueError, match="rng"):
        data.train_test_split(np.zeros((4, 2)), np.zeros(4), rng=None)


def test_one_hot():
    out = data.one_hot(np.array([2, 0, 1, 2]), 4)
    assert out.shape == (4, 4) and out.dtype == np.float64
    np.testing.assert_array_equal(out.sum(axis=1), 1)
    np.testing.assert_array_equal(out.argmax(axis=1), [2, 0, 1, 2])
    assert data.one_hot([0, 1]).shape == (2, 2)
    with pytest.raises(ValueError, match="0..2"):
        data.one_hot([0, 3], 3)
    with pytest.raises(ValueError, match="integer labels"):
        data.one_hot([0.5, 1.0])


@pytest.mark.parametrize("make", [data.two_spirals, data.circles])
def test_toy_sets(make):
    X, y = make(101, noise=0.05, rng=0)
    assert X.shape == (101, 2) and X.dtype == np.float64
    assert np.issubdtype(y.dtype, np.integer) and set(np.unique(y)) == {0, 1}
    assert np.bincount(y).tolist() == [51, 50]
    assert np.abs(X).max() < 1.5
    X2, y2 = make(101, noise=0.05, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    X3, _ = make(101, noise=0.05, rng=1)
    assert not np.array_equal(X, X3)


def test_circles_radii_and_spirals_symmetry():
    X, y = data.circles(200, noise=0.0, factor=0.3, rng=0)
    r = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(r[y == 0], 1.0)
    np.testing.assert_allclose(r[y == 1], 0.3)
    X, y = data.two_spirals(200, noise=0.0, rng=0)
    r = np.hypot(X[:, 0], X[:, 1])
    assert r.max() <= 1.0 + 1e-12 and r.min() > 0.0


def test_adding_problem_shapes_and_values():
    X, y = data.adding_problem(500, 11, np.random.default_rng(0))
    assert X.shape == (500, 11, 2) and y.shape == (500, 1)
    values, markers = X[:, :, 0], X[:, :, 1]
    assert np.all((values >= 0) & (values < 1))
    assert set(np.unique(markers)) == {0.0, 1.0}


def test_adding_problem_marks_one_step_in_each_half():
    T = 11
    X, y = data.adding_problem(2000, T, np.random.default_rng(1))
    markers = X[:, :, 1]
    np.testing.assert_array_equal(markers.sum(axis=1), 2.0)
    np.testing.assert_array_equal(markers[:, :T // 2].sum(axis=1), 1.0)
    np.testing.assert_array_equal(markers[:, T // 2:].sum(axis=1), 1.0)
    # Every position of each half is used (the first mark can sit at 0, the second at T - 1).
    positions = np.nonzero(markers)[1]
    assert set(positions) == set(range(T))


def test_adding_problem_target_is_the_sum_of_the_marked_values():
    X, y = data.adding_problem(300, 8, np.random.default_rng(2))
    expected = np.sum(X[:, :, 0] * X[:, :, 1], axis=1, keepdims=True)
    np.testing.assert_array_equal(y, expected)


def test_adding_problem_shortest_sequence():
    X, y = data.adding_problem(5, 2, np.random.default_rng(3))
    np.testing.assert_array_equal(X[:, :, 1], 1.0)
    np.testing.assert_allclose(y[:, 0], X[:, :, 0].sum(axis=1), rtol=0, atol=0)


def test_adding_problem_is_reproducible_and_uses_only_the_given_rng():
    state = np.random.get_state()
    a = data.adding_problem(20, 9, np.random.default_rng(7))
    b = data.adding_problem(20, 9, np.random.default_rng(7))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert np.array_equal(np.random.get_state()[1], state[1])


@pytest.mark.parametrize("n, T", [(0, 10), (10, 1), (10, 2.5)])
def test_adding_problem_rejects_bad_sizes(n, T):
    with pytest.raises(ValueError, match="parameter of adding_problem must be an int"):
        data.adding_problem(n, T, np.random.default_rng(0))


def test_mean_baseline_is_half_the_variance_of_the_target():
    y = np.array([[0.0], [2.0], [1.0], [1.0]])
    assert data.mean_baseline_mse(y) == pytest.approx(0.5 * np.var(y), rel=1e-15)
    assert data.mean_baseline_mse(y.ravel()) == data.mean_baseline_mse(y)


def test_adding_problem_baseline_value():
    # Var(u1 + u2) = 2 / 12 = 1/6 for independent U[0, 1); half of it is the baseline.
    assert data.ADDING_BASELINE_MSE == pytest.approx(1 / 12, rel=1e-15)
    _, y = data.adding_problem(200_000, 6, np.random.default_rng(4))
    assert float(y.mean()) == pytest.approx(1.0, abs=0.005)
    assert data.mean_baseline_mse(y) == pytest.approx(1 / 12, abs=0.001)


def test_spirals_shapes_and_balance():
    X, y = data.spirals(90, classes=3, rng=np.random.default_rng(0))
    assert X.shape == (90, 2) and y.shape == (90,)
    assert np.bincount(y).tolist() == [30, 30, 30]
    assert np.abs(X).max() <= 1.0 + 1e-12
