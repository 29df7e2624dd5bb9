"""A training dashboard: real short training runs, summarised the way a practitioner checks them.

Choose depth, activation, initializer, normalization, optimizer and learning rate; ``compute_dashboard`` trains
a small net on a fixed 2-D task (two concentric circles) for ``steps`` updates and records the
loss curve, the per-layer error-term norms ``||delta_l||`` at the first and last step, the
per-layer update:data ratio, and the share of saturated hidden units. A run whose numbers
blow up (a learning rate too large for the net) stops before the step where they did and reports
it (``DashboardResult.diverged_at``) instead of filling the records with huge numbers, inf and NaN.
``vgteach.plots.plot_dashboard`` draws it in three panels and
``vgteach.explorers.explore_dashboard`` wires widgets to both (STYLE rule 1).

Examples
--------
>>> r = compute_dashboard(depth=3, steps=5)
>>> r.loss.shape, r.grad_norms_start.shape
((5,), (4,))
"""
import copy
import time
from dataclasses import dataclass, field

import numpy as np

from .. import activations, data, optim
from .._validation import check_choice, check_int
from ..mlp import MLP
from ..train import History, train
from . import diagnostics

__all__ = ["DashboardResult", "DashboardRun", "compute_dashboard", "saturation", "DEFAULT_LR",
           "INITS", "BLOW_UP"]

#: learning rates that train the default net without diverging (at SGD 0.5 deep ReLU nets die)
DEFAULT_LR = {"sgd": 0.1, "momentum": 0.1, "rmsprop": 0.003, "adam": 0.003}
INITS = ("xavier", "he", "lecun", "orthogonal", "normal")
#: a run has diverged once its loss exceeds this many times its first loss (or is not finite)
BLOW_UP = 1e6

@dataclass
class DashboardResult:
    """What one dashboard run measured (layers numbered from 1 = next to the input).

    Attributes
    ----------
    settings : dict of the inputs
    loss : ndarray (steps,), mini-batch cross-entropy before each step; (diverged_at - 1,) for a
        run that diverged
    grad_norms_start, grad_norms_end : ndarray (L,), ``||delta_l||`` at the first / last step
        recorded
    update_ratio : ndarray (L,), mean ``||dW|| / ||W||`` per step over the run
    saturation : ndarray (L-1,), % of hidden units (over the batch) with a near-zero slope at
        the end
    ms_per_step : float, wall-clock time of one training step (forward, backward, update)
    diverged_at : int or None
        The step (counted from 1) at which the run diverged: its loss exceeded ``BLOW_UP``
        times the first step's loss, or its loss, a gradient norm or its update was not a
        finite float64 number (they overflowed), or it left a parameter infinite or NaN. The
        run stopped there: the records cover steps 1 to ``diverged_at - 1``, all finite, and
        ``saturation`` is that of the net the diverging step started from. None when every
        step of ``settings["steps"]`` ran.
    """

    settings: dict
    loss: np.ndarray
    grad_norms_start: np.ndarray
    grad_norms_end: np.ndarray
    update_ratio: np.ndarray
    saturation: np.ndarray
    ms_per_step: float
    baseline: float = field(default=float(np.log(2)))
    diverged_at: int | None = None

    @property
    def diverged(self):
        """True when the run diverged before its last step (see ``diverged_at``)."""
        return self.diverged_at is not None

    @property
    def first_to_last(self):
        """``||delta_1|| / ||delta_L||`` at the first step."""
        return float(self.grad_norms_start[0] / self.grad_norms_start[-1])


def saturation(net, X):
    """% of hidden units per layer that are saturated (``diagnostics.saturated_slope``: slope
    below 10% of the peak; for ReLU, inactive), over the examples ``X`` (N, sizes[0]).
    Returns ndarray (L-1,) in percent. Uses the training-mode forward pass (batch statistics),
    and the slopes ``f'(z)`` themselves, so it also holds for nets with skips.
    """
    _, f_prime = activations.get(net.activation)
    zs = net.trace(X, train=True).z[:-1]
    return np.array([100.0 * np.mean(diagnostics.saturated_slope(f_prime(z), net.activation))
                     for z in zs])


def _task(n, seed):
    rng = np.random.default_rng(1000 + seed)
    X, y = data.circles(n, noise=0.08, factor=0.5, rng=rng)
    return X, np.asarray(y, dtype=int)


def compute_dashboard(depth=6, activation="sigmoid", init="xavier", norm="none",
                      optimizer="sgd", steps=100, width=32, lr=None, batch=128, seed=0):
    """Train a ``depth``-hidden-layer net of ``width`` units on two circles; measure it.

    Parameters
    ----------
    depth : int, hidden layers (1..40)
    activation : str, hidden activation
    init : {"xavier", "he", "lecun", "orthogonal", "normal"} ("normal" means std 0.01)
    norm : {"none", "batch"}
    optimizer : {"sgd", "momentum", "rmsprop", "adam"}
    steps : int, training updates (mini-batches of ``batch`` from 512 points)
    lr : float or None (``DEFAULT_LR[optimizer]``)

    Returns
    -------
    DashboardResult
        With ``diverged_at`` set, and records for fewer than ``steps`` steps, when the run
        diverged.
    """
    steps = check_int(steps, "steps", "compute_dashboard", low=1, high=2000)
    run = DashboardRun(depth, activation, init, norm, optimizer, width, lr, batch, seed)
    run.advance(steps)
    return run.result(steps)


def _healthy(hist, net, first_loss):
    """True when every record of ``hist`` and every parameter of ``net`` is finite and no loss
    of ``hist`` exceeds ``BLOW_UP * first_loss``."""
    records = (hist.loss, hist.delta_norms, hist.dW_norms, hist.db_norms, hist.update_ratio,
               hist.grad_norm)
    return (all(np.isfinite(r).all() for r in records)
            and all(np.isfinite(p).all() for p in net.parameters())
            and not np.any(hist.loss > BLOW_UP * first_loss))


class DashboardRun:
    """A dashboard training run that goes on where it stopped (``compute_dashboard`` in parts).

    ``advance(k)`` trains ``k`` more steps (same net, optimizer state and mini-batch stream, so
    the parts add up to one run) and records the saturation there; ``result(steps)`` is then,
    bit for bit, ``compute_dashboard(..., steps=steps)`` for every ``steps`` at which an
    ``advance`` stopped. The explorer keeps runs by setting, so a change of ``steps`` only cuts
    or extends a run, and trains the settings one move away ahead in short parts.

    A run that diverges (see ``DashboardResult.diverged_at``) stops at the step before and
    trains no further; ``result(steps)`` for any ``steps`` from ``diverged_at`` on is then the
    diverged run.

    Examples
    --------
    >>> run = DashboardRun(depth=3)
    >>> run.advance(5); run.advance(5)
    >>> run.result(5).loss.shape, run.result(10).loss.shape, run.recorded
    ((5,), (10,), [5, 10])
    """

    def __init__(self, depth=6, activation="sigmoid", init="xavier", norm="none",
                 optimizer="sgd", width=32, lr=None, batch=128, seed=0):
        depth = check_int(depth, "depth", "compute_dashboard", low=1, high=40)
        check_choice(norm, "norm", "compute_dashboard", ("none", "batch"))
        check_choice(init, "init", "compute_dashboard", INITS)
        check_choice(optimizer, "optimizer", "compute_dashboard", tuple(DEFAULT_LR))
        lr = DEFAULT_LR[optimizer] if lr is None else float(lr)
        self.settings = dict(depth=depth, activation=activation, init=init, norm=norm,
                             optimizer=optimizer, width=width, lr=lr, seed=seed)
        self._rng = np.random.default_rng(seed)
        self._X, self._y = _task(512, seed)
        self._batch = batch
        self.net = MLP([2] + [width] * depth + [2], activation=activation, init=init,
                       seed=self._rng, norm=None if norm == "none" else "batch")
        self._optimizer = optim.make_optimizer(optimizer, lr=lr)
        self.steps_done, self._seconds = 0, 0.0
        self._parts, self._saturation = [], {}
        self.diverged_at = None

    @property
    def recorded(self):
        """The step counts where an ``advance`` stopped, sorted (``result`` reports these and,
        for a diverged run, every count from ``diverged_at`` on: see ``reports``)."""
        return sorted(self._saturation)

    def reports(self, steps):
        """True when ``result(steps)`` needs no more training."""
        return steps in self._saturation or (self.diverged_at is not None
                                             and steps >= self.diverged_at)

    def _train(self, steps):
        """``train`` for ``steps`` steps on the run's net, optimizer and mini-batch stream,
        with floating-point overflow reported by ``_healthy`` instead of by warnings."""
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            return train(self.net, self._X, self._y, steps=steps, batch_size=self._batch,
                         loss="cross_entropy", optimizer=self._optimizer, rng=self._rng)

    def _state(self):
        return copy.deepcopy((self.net, self._optimizer, self._rng))

    def _restore(self, state):
        self.net, self._optimizer, self._rng = state

    def advance(self, steps):
        """Train ``steps`` more updates and record the saturation after them; stop before the
        step that diverges, if one does (a diverged run does not train again)."""
        if self.diverged_at is not None:
            return
        before = self._state()
        start = time.perf_counter()
        hist = self._train(steps)
        if not _healthy(hist, self.net, self._first_loss(hist)):
            self._restore(before)  # rerun the part step by step, up to the bad step
            start = time.perf_counter()
            hist = self._until_divergence(steps)
        self._seconds += time.perf_counter() - start
        self._parts.append(hist)
        self.steps_done += hist.loss.size
        if self.steps_done == 0:
            raise ValueError(
                f"This run diverged at its first step (learning rate {self.settings['lr']:g}): "
                "there is nothing to show. Choose a smaller learning rate.")
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            self._saturation[self.steps_done] = saturation(self.net, self._X[:self._batch])

    def _first_loss(self, *new):
        """The loss of the run's first step: from the parts kept, or else from the
        ``History`` objects ``new`` that continue them."""
        return next(h.loss[0] for h in (*self._parts, *new) if h.loss.size)

    def _until_divergence(self, steps):
        """Train one step at a time until a step diverges; keep the steps before it and the
        net, optimizer and mini-batch stream as they were before it. Returns their History."""
        kept = []
        for _ in range(steps):
            before = self._state()
            hist = self._train(1)
            if not _healthy(hist, self.net, self._first_loss(*kept, hist)):
                self._restore(before)
                self.diverged_at = self.steps_done + len(kept) + 1
                break
            kept.append(hist)
        return History(**{name: np.concatenate([getattr(h, name) for h in kept]) if kept
                          else np.zeros((0,) + getattr(hist, name).shape[1:])
                          for name in History.__dataclass_fields__})

    def result(self, steps):
        """The ``DashboardResult`` of the run's first ``steps`` updates (a recorded count, or
        any count from ``diverged_at`` on)."""
        if not self.reports(steps):
            raise ValueError(f"This run recorded its state after {self.recorded} steps, not "
                             f"after {steps}; advance it to {steps} steps first.")
        diverged = self.diverged_at is not None and steps >= self.diverged_at
        kept = self.steps_done if diverged else steps
        loss = np.concatenate([h.loss for h in self._parts])[:kept]
        delta = np.concatenate([h.delta_norms for h in self._parts])[:kept]
        ratio = np.concatenate([h.update_ratio for h in self._parts])[:kept]
        settings = dict(self.settings, steps=steps)
        settings = {k: settings[k] for k in ("depth", "activation", "init", "norm", "optimizer",
                                             "steps", "width", "lr", "seed")}
        return DashboardResult(settings, loss, delta[0], delta[-1], ratio.mean(axis=0),
                               self._saturation[kept],
                               1000.0 * self._seconds / self.steps_done,
                               diverged_at=self.diverged_at if diverged else None)
