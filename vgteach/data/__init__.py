"""Small data sets for the lessons: real handwritten digits shipped with the package, toy 2-D
problems generated on the fly, and the adding problem for recurrent nets.

The digits
----------
``load_digits`` returns the UCI "Optical Recognition of Handwritten Digits" test set as
distributed with scikit-learn: 1,797 images of 8x8 pixels, each pixel a count in 0..16 (how
many of the 4x4 blocks of the original 32x32 bitmap were on), with labels 0..9 (about 180 per
class). It is a small stand-in for MNIST that trains in seconds on a laptop.

* Source: UCI Machine Learning Repository, "Optical Recognition of Handwritten Digits"
  (https://archive.ics.uci.edu/dataset/80), copy taken from ``sklearn.datasets.load_digits``.
* License: Creative Commons Attribution 4.0 International (CC BY 4.0).
* Citation: E. Alpaydin and C. Kaynak (1998). Optical Recognition of Handwritten Digits.
  UCI Machine Learning Repository. https://doi.org/10.24432/C50P49

The file ``vgteach/data/digits.npz`` holds ``images`` (1797, 8, 8) uint8 in 0..16 and
``labels`` (1797,) uint8; scikit-learn is not needed to read it.

Sequences with long lags
------------------------
``adding_problem`` (Hochreiter & Schmidhuber 1997, in the form of Le, Jaitly & Hinton 2015):
each sequence has T steps of two channels, a random value and a marker. Exactly two steps are
marked, one in each half; the target is the sum of the two marked values. To solve it a model
must carry the first value across up to T - 1 steps. Losses in the package are *half* the mean
squared error (``layers.mse_loss``), so predicting the mean scores ``Var(y) / 2 = 1/12``
(``ADDING_BASELINE_MSE``); a model that stays there has learned nothing about the marked values.

Randomness
----------
Every function that shuffles or samples takes ``rng``: a ``numpy.random.Generator`` or an int
seed. The same seed gives the same result; the global NumPy seed is never used.

Examples
--------
>>> X, y = load_digits()
>>> X.shape, y.shape, float(X.max())
((1797, 64), (1797,), 1.0)
>>> X_train, X_test, y_train, y_test = train_test_split(X, y, test_fraction=0.25, rng=0)
>>> len(X_train), len(X_test)
(1347, 450)
>>> one_hot(np.array([0, 2]), 3)
array([[1., 0., 0.],
       [0., 0., 1.]])
"""
from importlib import resources

import numpy as np

from .._validation import check_float, check_int

__all__ = ["load_digits", "train_test_split", "one_hot", "spirals", "two_spirals", "circles",
           "DIGITS_CITATION", "adding_problem", "mean_baseline_mse", "ADDING_BASELINE_MSE"]

#: One line to quote under a figure or in a README.
DIGITS_CITATION = ("UCI handwritten digits (Alpaydin & Kaynak 1998, "
                   "https://doi.org/10.24432/C50P49), CC BY 4.0")


def _as_rng(rng, func):
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise ValueError(f"The 'rng' parameter of {func} must be a numpy.random.Generator or an int "
                     f"seed. Got {rng!r} instead.")


def load_digits(scale=True):
    """The 1,797 UCI handwritten digits as flat 64-pixel rows.

    Parameters
    ----------
    scale : bool
        If True (default), divide the pixel counts by 16 so that every value is in [0, 1].
        If False, return the raw counts 0..16 (still as float64).

    Returns
    -------
    X : ndarray (1797, 64) float64, row ``i`` is image ``i`` read row by row
    y : ndarray (1797,) intp, the digit 0..9

    Examples
    --------
    >>> X, y = load_digits(scale=False)
    >>> float(X.max()), int(y[0])
    (16.0, 0)
    """
    path = resources.files("vgteach").joinpath("data", "digits.npz")
    with path.open("rb") as fh, np.load(fh) as archive:
        images = archive["images"]
        labels = archive["labels"]
    X = images.reshape(len(images), -1).astype(np.float64)
    if scale:
        X = X / 16.0
    return X, labels.astype(np.intp)  # intp: np.bincount needs it on 32-bit (wasm32) too


def train_test_split(X, y, test_fraction=0.25, rng=0):
    """Shuffle and split into a training and a test part.

    Parameters
    ----------
    X : ndarray (N, ...); y : ndarray (N, ...)
    test_fraction : float in (0, 1), share of the rows that go to the test part (rounded up)
    rng : numpy.random.Generator or int seed

    Returns
    -------
    X_train, X_test, y_train, y_test : ndarrays (new arrays; the inputs are not modified)

    Examples
    --------
    >>> X, y = np.arange(10).reshape(5, 2), np.arange(5)
    >>> X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_fraction=0.4, rng=1)
    >>> X_tr.shape, X_te.shape
    ((3, 2), (2, 2))
    """
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same number of rows. Got {len(X)} and {len(y)}.")
    frac = check_float(test_fraction, "test_fraction", "train_test_split", low=0.0, high=1.0)
    if not 0.0 < frac < 1.0:
        raise ValueError("The 'test_fraction' parameter of train_test_split must be a float in "
                         f"(0, 1). Got {test_fraction!r} instead.")
    n = len(X)
    n_test = int(np.ceil(frac * n))
    order = _as_rng(rng, "train_test_split").permutation(n)
    test, train = order[:n_test], order[n_test:]
    return X[train], X[test], y[train], y[test]


def one_hot(y, n_classes=None):
    """One-hot rows for integer labels.

    Parameters
    ----------
    y : array_like of int (N,), labels in 0..n_classes-1
    n_classes : int or None (then ``max(y) + 1``)

    Returns
    -------
    ndarray (N, n_classes) float64 with a single 1 per row

    Examples
    --------
    >>> one_hot([1, 0])
    array([[0., 1.],
           [1., 0.]])
    """
    y = np.asarray(y)
    if y.ndim != 1 or (y.size and not np.issubdtype(y.dtype, np.integer)):
        raise ValueError(f"one_hot needs a 1-D array of integer labels. Got dtype {y.dtype}, "
                         f"shape {y.shape} instead.")
    if n_classes is None:
        n_classes = int(y.max()) + 1 if y.size else 0
    n_classes = check_int(n_classes, "n_classes", "one_hot", low=0)
    if y.size and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(f"Labels must be in 0..{n_classes - 1}. Got values from {y.min()} "
                         f"to {y.max()} instead.")
    out = np.zeros((y.size, n_classes))
    out[np.arange(y.size), y] = 1.0
    return out


def spirals(n=120, classes=3, noise=0.2, rng=0):
    """``classes`` interleaved spiral arms in the plane (the CS231n toy set): easy for a shallow
    net, so any trouble a deeper net has with it is about optimization, not capacity.

    Parameters
    ----------
    n : int, total number of points (``n // classes`` per arm; the remainder is dropped)
    classes : int >= 2
    noise : float >= 0, standard deviation of the Gaussian noise on each point's angle
    rng : numpy.random.Generator or int seed

    Returns
    -------
    X : ndarray (classes * (n // classes), 2) float64, within the unit disc
    y : ndarray of int, the arm of each point

    Examples
    --------
    >>> X, y = spirals(90, classes=3, rng=0)
    >>> X.shape, np.bincount(y).tolist()
    ((90, 2), [30, 30, 30])
    """
    classes = check_int(classes, "classes", "spirals", low=2)
    n = check_int(n, "n", "spirals", low=classes)
    noise = check_float(noise, "noise", "spirals", low=0.0)
    rng = _as_rng(rng, "spirals")
    m = n // classes
    X, y = [], []
    for c in range(classes):
        r = np.linspace(0.05, 1.0, m)
        t = c * 2 * np.pi / classes + np.linspace(0, 4, m) + rng.normal(0, noise, m)
        X.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))
        y.append(np.full(m, c))
    return np.vstack(X), np.concatenate(y)


def two_spirals(n=400, noise=0.05, rng=0):
    """Two interleaved spirals in the plane (1.5 turns each): a classic hard 2-D problem.

    Parameters
    ----------
    n : int, total number of points (class 0 gets ``n - n // 2``, class 1 ``n // 2``)
    noise : float >= 0, standard deviation of Gaussian noise added to each coordinate
    rng : numpy.random.Generator or int seed

    Returns
    -------
    X : ndarray (n, 2) float64, roughly within [-1, 1]
    y : ndarray (n,) int, 0 or 1

    Examples
    --------
    >>> X, y = two_spirals(10, rng=0)
    >>> X.shape, np.bincount(y).tolist()
    ((10, 2), [5, 5])
    """
    n = check_int(n, "n", "two_spirals", low=2)
    noise = check_float(noise, "noise", "two_spirals", low=0.0)
    rng = _as_rng(rng, "two_spirals")
    y = (np.arange(n) >= n - n // 2).astype(np.intp)  # intp: np.bincount needs it on wasm32
    # sqrt spreads the points evenly along the arc instead of crowding the centre
    t = np.sqrt(rng.uniform(0.02, 1.0, size=n)) * 3.0 * np.pi
    sign = np.where(y == 0, 1.0, -1.0)
    X = sign[:, None] * np.column_stack([t * np.cos(t), t * np.sin(t)]) / (3.0 * np.pi)
    X = X + noise * rng.normal(size=X.shape)
    return X, y


def circles(n=400, noise=0.05, factor=0.5, rng=0):
    """Two concentric circles: class 0 on the unit circle, class 1 on radius ``factor``.

    Parameters
    ----------
    n : int, total number of points (class 0 gets ``n - n // 2``, class 1 ``n // 2``)
    noise : float >= 0, standard deviation of Gaussian noise added to each coordinate
    factor : float in (0, 1), radius of the inner circle
    rng : numpy.random.Generator or int seed

    Returns
    -------
    X : ndarray (n, 2) float64; y : ndarray (n,) int, 0 (outer) or 1 (inner)

    Examples
    --------
    >>> X, y = circles(8, noise=0.0, rng=0)
    >>> np.round(np.hypot(X[:, 0], X[:, 1]), 3).tolist()
    [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5]
    """
    n = check_int(n, "n", "circles", low=2)
    noise = check_float(noise, "noise", "circles", low=0.0)
    factor = check_float(factor, "factor", "circles", low=0.0, high=1.0)
    rng = _as_rng(rng, "circles")
    y = (np.arange(n) >= n - n // 2).astype(np.intp)  # intp: np.bincount needs it on wasm32
    angle = rng.uniform(0.0, 2.0 * np.pi, size=n)
    radius = np.where(y == 0, 1.0, factor)
    X = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    X = X + noise * rng.normal(size=X.shape)
    return X, y


# ---------------------------------------------------------------- sequences with long lags
#: Half-MSE of predicting the mean on the adding problem: ``Var(u1 + u2) / 2 = (1/6) / 2``.
ADDING_BASELINE_MSE = 1.0 / 12.0


def adding_problem(n, T, rng):
    """Draw ``n`` sequences of the adding problem with ``T`` steps.

    Rule: channel 0 holds values ``u_t ~ U[0, 1)``, independent. Channel 1 is 0 except at two
    steps, where it is 1: the first marked step is uniform in ``0 .. T//2 - 1`` (the first half),
    the second uniform in ``T//2 .. T - 1`` (the second half). The target is the sum of the two
    marked values, so ``y`` lies in [0, 2) with mean 1 and variance ``2 * 1/12 = 1/6``.

    Parameters
    ----------
    n : int, number of sequences (>= 1)
    T : int, sequence length (>= 2)
    rng : numpy.random.Generator

    Returns
    -------
    X : ndarray (n, T, 2)
    y : ndarray (n, 1)

    Examples
    --------
    >>> import numpy as np
    >>> X, y = adding_problem(1, 6, np.random.default_rng(1))
    >>> marked = np.flatnonzero(X[0, :, 1])
    >>> bool(marked[0] < 3 <= marked[1]), bool(np.isclose(y[0, 0], X[0, marked, 0].sum()))
    (True, True)
    """
    n = check_int(n, "n", "adding_problem", low=1)
    T = check_int(T, "T", "adding_problem", low=2)
    half = T // 2
    X = np.zeros((n, T, 2))
    X[:, :, 0] = rng.uniform(0.0, 1.0, size=(n, T))
    rows = np.arange(n)
    first = rng.integers(0, half, size=n)
    second = rng.integers(half, T, size=n)
    X[rows, first, 1] = 1.0
    X[rows, second, 1] = 1.0
    y = (X[rows, first, 0] + X[rows, second, 0])[:, None]
    return X, y


def mean_baseline_mse(y):
    """Half-MSE (``layers.mse_loss``'s convention) of always predicting the mean of ``y``: half
    the (biased) variance of ``y``, summed over output columns.

    For the adding problem the expected value is ``(1/6) / 2 = 1/12 ≈ 0.0833``
    (``ADDING_BASELINE_MSE``); in the plain-MSE convention of the papers it is ``1/6 ≈ 0.167``.
    A trained model has to go clearly below this to have used the marked values.

    Parameters
    ----------
    y : ndarray (N, 1) or (N,)

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> _, y = adding_problem(20000, 10, np.random.default_rng(0))
    >>> round(ADDING_BASELINE_MSE, 4), abs(mean_baseline_mse(y) - ADDING_BASELINE_MSE) < 0.002
    (0.0833, True)
    """
    y = np.asarray(y, dtype=float)
    y = y.reshape(len(y), -1)
    return float(np.sum((y - y.mean(axis=0)) ** 2) / (2 * len(y)))
