"""Learning a long time lag: the adding problem for a tanh RNN and an LSTM, and what a trained
LSTM's gates do.

``train_adding`` trains one model per (learning rate, seed) pair on the adding problem
(``data.adding_problem``: one marker in each half, Le, Jaitly & Hinton 2015's form) and records
the test loss as it goes. The copies run together, stacked along a leading axis; each one is
exactly ``train.train_sequence_model`` with the same data and random stream (the test suite
checks that both give the same parameters).

At T = 100 an LSTM needs several hundred Adam steps: a few minutes of compute for the sweep of
one lesson. So ``adding_experiment`` returns runs that the package stored for seeds 0-7
(``vgteach/data/adding_runs.npz``, written by ``python -m vgteach.measure.long_lag``) and
trains only the seeds it does not have, saying so before it starts.
``tests/test_measure_long_lag.py`` retrains the stored runs' first steps and one run in full,
and ``evaluate`` recomputes any stored model's final loss from its stored parameters.

``gate_profile`` and ``cell_path_share`` look inside a model (trained or not): its gates on the
marked steps and elsewhere, and how much of the gradient on the cell state came along the cell
path alone.

Examples
--------
>>> runs = train_adding("lstm", T=8, lrs=[0.02], seeds=[0], steps=4, eval_every=2)
>>> runs.test_loss.shape, runs.eval_steps.tolist()
((1, 1, 3), [0, 2, 4])
"""
import copy
import pathlib
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from .. import recurrent
from .._threads import blas_limited
from .._validation import check_choice, check_float, check_int
from ..data import adding_problem
from ._replicas import ReplicaAdam, clip_each

__all__ = ["AddingRuns", "train_adding", "adding_experiment", "Group", "GROUPS", "Evaluation",
           "evaluate", "initial_params", "GateProfile", "gate_profile", "CellShare",
           "cell_path_share", "LESSON_SETTINGS", "STORED"]

#: The lesson's settings (H = 16, Adam lr 0.02 at the centre of the sweep, batch 48, clip 1).
LESSON_SETTINGS = {"T": 100, "H": 16, "steps": 1000, "batch_size": 48, "clip": 1.0,
                   "n_train": 512, "n_test": 500, "eval_every": 25}
#: Learning rates of the lesson's sweep.
LESSON_LRS = (0.002, 0.005, 0.01, 0.02, 0.05, 0.1)


class Group(NamedTuple):
    """One group of runs of the lesson: a model and its learning rates, trained with
    ``LESSON_SETTINGS`` except where this says otherwise."""

    kind: str
    lrs: tuple
    forget_bias: float = 1.0      # LSTM forget-gate bias at init
    scale: float = 1.0            # singular value of the recurrent weight blocks at init
    steps: int = LESSON_SETTINGS["steps"]

    def settings(self):
        """``LESSON_SETTINGS`` with this group's number of steps."""
        return dict(LESSON_SETTINGS, steps=self.steps)

    def train(self, seeds):
        """Train this group's runs for ``seeds`` (``train_adding``)."""
        return train_adding(self.kind, lrs=self.lrs, seeds=seeds, forget_bias=self.forget_bias,
                            scale=self.scale, **self.settings())


#: The groups the lesson reads: the LSTM and the RNN over the sweep; controls: the LSTM from
#: forget-gate bias 0 (PyTorch's default), the RNN started at ||Wh||_2 = 1.5 (its gradient
#: reaches further back at init than the LSTM's at bias 1), the LSTM at the smallest rate for
#: three times the steps.
GROUPS = {"lstm": Group("lstm", LESSON_LRS), "rnn": Group("rnn", LESSON_LRS),
          "lstm_forget0": Group("lstm", (0.02,), forget_bias=0.0),
          "rnn_scale1.5": Group("rnn", LESSON_LRS, scale=1.5),
          "lstm_slow": Group("lstm", (0.002,), steps=3000)}
#: Where the stored runs live, and the seeds they cover.
STORED = pathlib.Path(__file__).resolve().parents[1] / "data" / "adding_runs.npz"
STORED_SEEDS = tuple(range(8))

_PARAMS = ("Wx", "Wh", "b", "W_out", "b_out")


@dataclass
class AddingRuns:
    """Runs of one model kind on the adding problem over a grid of learning rates and seeds.

    Attributes
    ----------
    kind : {"rnn", "lstm"}
    forget_bias : float, LSTM forget-gate bias at init (unused for the RNN)
    lrs : ndarray (n_lr,); seeds : ndarray (n_seed,)
    eval_steps : ndarray (n_eval,), the training steps at which the test loss was measured
    test_loss : ndarray (n_lr, n_seed, n_eval), half-MSE on the seed's fresh test sequences
    baseline : ndarray (n_seed,), the half-MSE of predicting the test targets' mean
    params : dict of ndarray (n_lr, n_seed, ...), the trained ``Wx, Wh, b, W_out, b_out``
    settings : dict, ``T, H, steps, batch_size, clip, n_train, n_test, eval_every``
    scale : float, singular value of the recurrent weight blocks at init
    """

    kind: str
    forget_bias: float
    lrs: np.ndarray
    seeds: np.ndarray
    eval_steps: np.ndarray
    test_loss: np.ndarray
    baseline: np.ndarray
    params: dict
    settings: dict = field(default_factory=dict)
    scale: float = 1.0

    @property
    def ratio(self):
        """Test loss over the mean-predictor baseline, (n_lr, n_seed, n_eval): 1 = learned
        nothing about the marked values, 0 = perfect."""
        return self.test_loss / self.baseline[None, :, None]

    def final_ratio(self):
        """``ratio`` at the end of training, (n_lr, n_seed)."""
        return self.ratio[:, :, -1]

    def escape_steps(self, lr, level=0.5):
        """For each seed, the first measured step at which the test loss fell below ``level``
        times the baseline (``inf`` if it never did), ndarray (n_seed,)."""
        below = self.ratio[self.at_lr(lr)] < level
        first = np.argmax(below, axis=1)
        return np.where(below.any(axis=1), self.eval_steps[first], np.inf)

    def at_lr(self, lr):
        """Index of learning rate ``lr`` in ``lrs``."""
        hits = np.flatnonzero(np.isclose(self.lrs, lr))
        if hits.size == 0:
            raise ValueError(f"No run at learning rate {lr!r}; the runs have "
                             f"{self.lrs.tolist()}.")
        return int(hits[0])

    def model(self, lr, seed):
        """The trained parameters of one run, ``{"Wx", "Wh", "b", "W_out", "b_out"}``."""
        i, j = self.at_lr(lr), int(np.flatnonzero(self.seeds == seed)[0])
        return {k: v[i, j].copy() for k, v in self.params.items()}

    def select(self, seeds):
        """The same runs restricted to ``seeds`` (in that order)."""
        idx = [int(np.flatnonzero(self.seeds == s)[0]) for s in seeds]
        return AddingRuns(self.kind, self.forget_bias, self.lrs.copy(), self.seeds[idx],
                          self.eval_steps.copy(), self.test_loss[:, idx], self.baseline[idx],
                          {k: v[:, idx] for k, v in self.params.items()}, dict(self.settings),
                          self.scale)

    @staticmethod
    def join(parts):
        """The runs of ``parts`` (same model, learning rates and settings; other seeds) as one
        ``AddingRuns``, seeds in the order of ``parts``."""
        first = parts[0]
        cat = lambda arrays, axis: np.concatenate(arrays, axis=axis)  # noqa: E731
        return AddingRuns(first.kind, first.forget_bias, first.lrs.copy(),
                          cat([r.seeds for r in parts], 0), first.eval_steps.copy(),
                          cat([r.test_loss for r in parts], 1), cat([r.baseline for r in parts], 0),
                          {k: cat([r.params[k] for r in parts], 1) for k in first.params},
                          dict(first.settings), first.scale)


def _streams(seed):
    """Independent random streams for a seed's data and for its model (init and mini-batches)."""
    data_seq, model_seq = np.random.SeedSequence(int(seed)).spawn(2)
    return np.random.default_rng(data_seq), np.random.default_rng(model_seq)


def _data(seed, T, n_train, n_test):
    """A seed's training and test sequences: ``((X, y), (X_test, y_test))``."""
    data_rng, _ = _streams(seed)
    return adding_problem(n_train, T, data_rng), adding_problem(n_test, T, data_rng)


def initial_params(kind, seed, H=16, D=2, forget_bias=1.0, scale=1.0):
    """The parameters a run with this ``seed`` starts from (``train_sequence_model``'s init)."""
    _, rng = _streams(seed)
    return _init(kind, rng, D, H, forget_bias, scale)


def _init(kind, rng, D, H, forget_bias, scale=1.0):
    if kind == "rnn":
        p = recurrent.init_rnn(D, H, rng, scale=scale)
    else:
        p = recurrent.init_lstm(D, H, rng, forget_bias=forget_bias, scale=scale)
    p["W_out"] = rng.normal(0.0, np.sqrt(1.0 / H), size=(H, 1))
    p["b_out"] = np.zeros(1)
    return p


@blas_limited
def train_adding(kind, T, lrs, seeds, steps, H=16, batch_size=48, clip=1.0, forget_bias=1.0,
                 n_train=512, n_test=500, eval_every=25, scale=1.0):
    """Train a tanh RNN or an LSTM (with a linear readout of the last hidden state) on the
    adding problem at every learning rate in ``lrs`` and every seed in ``seeds``.

    Each seed draws its own ``n_train`` training and ``n_test`` test sequences and its own
    initial weights and mini-batches; the learning rates of one seed share them. Every run is
    ``train.train_sequence_model(kind, X, y, H, steps, lr, rng, "adam", clip, batch_size,
    forget_bias, scale)`` with the seed's data and model streams.

    Parameters
    ----------
    kind : {"rnn", "lstm"}
    T : int, sequence length
    lrs : sequence of float, Adam learning rates
    seeds : sequence of int
    steps : int, Adam steps (mini-batches of ``batch_size``)
    H : int, hidden width
    batch_size : int
    clip : float, clip each run's global gradient norm to this
    forget_bias : float, LSTM forget-gate bias at init
    n_train, n_test : int, training and test sequences per seed
    eval_every : int, measure the test loss every this many steps (and at the end)
    scale : float, singular value of the recurrent weight blocks at init (``init_rnn``)

    Returns
    -------
    AddingRuns
    """
    check_choice(kind, "kind", "train_adding", ("rnn", "lstm"))
    T = check_int(T, "T", "train_adding", low=2)
    steps = check_int(steps, "steps", "train_adding", low=1)
    H = check_int(H, "H", "train_adding", low=1)
    n_train = check_int(n_train, "n_train", "train_adding", low=1)
    n_test = check_int(n_test, "n_test", "train_adding", low=1)
    batch_size = check_int(batch_size, "batch_size", "train_adding", low=1, high=n_train)
    eval_every = check_int(eval_every, "eval_every", "train_adding", low=1)
    clip = check_float(clip, "clip", "train_adding", low=0.0)
    forget_bias = check_float(forget_bias, "forget_bias", "train_adding")
    scale = check_float(scale, "scale", "train_adding", low=0.0)
    lrs = np.asarray(lrs, dtype=float).ravel()
    seeds = np.asarray(seeds, dtype=int).ravel()
    if lrs.size == 0 or seeds.size == 0 or np.any(lrs <= 0):
        raise ValueError("train_adding needs at least one positive learning rate and one "
                         f"seed. Got lrs={lrs.tolist()} and seeds={seeds.tolist()} instead.")
    n_lr, n_seed = lrs.size, seeds.size
    train, test, rngs, start = [], [], [], []
    for s in seeds:
        _, model_rng = _streams(s)
        train_set, test_set = _data(s, T, n_train, n_test)
        train.append(train_set)
        test.append(test_set)
        start.append(_init(kind, model_rng, 2, H, forget_bias, scale))
        rngs.append(model_rng)
    # replica k runs lrs[k // n_seed] on seeds[k % n_seed]; it draws its mini-batches from a
    # copy of its seed's model stream as that stands after the init (as train_sequence_model)
    seed_of = [k % n_seed for k in range(n_lr * n_seed)]
    streams = [copy.deepcopy(rngs[j]) for j in seed_of]
    Xs, ys = (np.stack([train[j][m] for j in seed_of]) for m in (0, 1))
    Xt, yt = (np.stack([test[j][m] for j in seed_of]) for m in (0, 1))
    params = [np.stack([start[j][name] for j in seed_of]) for name in _PARAMS]
    adam = ReplicaAdam(params, np.repeat(lrs, n_seed))
    model = _MODELS[kind]
    rows = np.arange(n_lr * n_seed)[:, None]
    evals, eval_steps = [], []
    for s in range(steps + 1):
        if s % eval_every == 0 or s == steps:
            evals.append(_half_mse(model.predict(params, Xt), yt))
            eval_steps.append(s)
        if s == steps:
            break
        idx = np.stack([r.choice(n_train, batch_size, replace=False) for r in streams])
        grads = model.grads(params, Xs[rows, idx], ys[rows, idx])
        grads, _ = clip_each(grads, clip)
        adam.step(params, grads)
    baseline = np.array([0.5 * np.mean((yt[k] - yt[k].mean()) ** 2) for k in range(n_seed)])
    shape = (n_lr, n_seed)
    settings = {"T": T, "H": H, "steps": steps, "batch_size": batch_size, "clip": clip,
                "n_train": n_train, "n_test": n_test, "eval_every": eval_every}
    return AddingRuns(kind, forget_bias, lrs, seeds, np.array(eval_steps),
                      np.array(evals).T.reshape(shape + (-1,)), baseline,
                      {k: p.reshape(shape + p.shape[1:]) for k, p in zip(_PARAMS, params)},
                      settings, scale)


def _half_mse(pred, y):
    """``layers.mse`` of every replica: ``sum((pred - y)**2) / (2 N)``, ndarray (K,)."""
    return 0.5 * np.sum((pred - y) ** 2, axis=(1, 2)) / y.shape[1]


# ------------------------------------------------------------------------------------------
# Stacked RNN and LSTM. Arrays are time-major inside: (T, K, N, ...). The formulas are those of
# vgteach.recurrent (the test suite compares them), written to touch each array as few times
# as possible, since at T = 100 a training step runs 100 small steps each way.
# ------------------------------------------------------------------------------------------

class _RNN:
    @staticmethod
    def forward(params, X):
        Wx, Wh, b = params[:3]
        K, N, T, D = X.shape
        xw = np.ascontiguousarray((X @ Wx[:, None] + b[:, None, None]).transpose(2, 0, 1, 3))
        h = np.empty((T + 1, K, N, Wh.shape[1]))
        h[0] = 0.0
        for t in range(T):
            np.matmul(h[t], Wh, out=h[t + 1])
            h[t + 1] += xw[t]
            np.tanh(h[t + 1], out=h[t + 1])
        return h

    @classmethod
    def predict(cls, params, X):
        return cls.forward(params, X)[-1] @ params[3] + params[4][:, None]

    @classmethod
    def grads(cls, params, X, y):
        h = cls.forward(params, X)
        dh, dW_out, db_out = _readout_backward(params, h[-1], y)
        slope = 1.0 - h[1:] * h[1:]
        WhT = params[1].transpose(0, 2, 1)
        dz = np.empty_like(slope)
        for t in range(len(slope) - 1, -1, -1):
            np.multiply(dh, slope[t], out=dz[t])
            dh = dz[t] @ WhT
        return list(_input_grads(dz, X, h)) + [dW_out, db_out]


class _LSTM:
    @staticmethod
    def forward(params, X):
        Wx, Wh, b = params[:3]
        K, N, T, D = X.shape
        H = Wh.shape[1]
        # sigmoid(a) = (1 + tanh(a / 2)) / 2: one tanh call for all four gate blocks
        half = np.r_[np.full(3 * H, 0.5), np.ones(H)]
        xw = (X @ (Wx * half)[:, None] + (b * half)[:, None, None]).transpose(2, 0, 1, 3)
        xw = np.ascontiguousarray(xw)
        Wh_half = Wh * half
        act = np.empty((T, K, N, 4 * H))
        c, h = np.empty((T + 1, K, N, H)), np.empty((T + 1, K, N, H))
        tanh_c = np.empty((T, K, N, H))
        c[0], h[0] = 0.0, 0.0
        for t in range(T):
            a = act[t]
            np.matmul(h[t], Wh_half, out=a)
            a += xw[t]
            np.tanh(a, out=a)
            gates = a[..., :3 * H]
            gates *= 0.5
            gates += 0.5
            np.multiply(a[..., H:2 * H], c[t], out=c[t + 1])
            c[t + 1] += a[..., :H] * a[..., 3 * H:]
            np.tanh(c[t + 1], out=tanh_c[t])
            np.multiply(a[..., 2 * H:3 * H], tanh_c[t], out=h[t + 1])
        return act, c, tanh_c, h

    @classmethod
    def predict(cls, params, X):
        return cls.forward(params, X)[-1][-1] @ params[3] + params[4][:, None]

    @classmethod
    def grads(cls, params, X, y):
        act, c, tanh_c, h = cls.forward(params, X)
        dh, dW_out, db_out = _readout_backward(params, h[-1], y)
        T, K, N, G = act.shape
        H = G // 4
        i, f, o, g = (act[..., k * H:(k + 1) * H] for k in range(4))
        # what multiplies dL/dc (blocks i, f, g) or dL/dh (block o) to give dL/da, per step
        local = np.empty((T, K, N, 4, H))
        local[..., 0, :] = g * i * (1.0 - i)
        local[..., 1, :] = c[:-1] * f * (1.0 - f)
        local[..., 2, :] = tanh_c * o * (1.0 - o)
        local[..., 3, :] = i * (1.0 - g * g)
        via_h = o * (1.0 - tanh_c * tanh_c)
        forget = np.ascontiguousarray(f)
        WhT = np.ascontiguousarray(params[1].transpose(0, 2, 1))
        da = np.empty((T, K, N, 4, H))
        dc = np.zeros((K, N, H))
        for t in range(T - 1, -1, -1):
            dc += dh * via_h[t]                       # total dL/dc_t
            np.multiply(local[t], dc[..., None, :], out=da[t])
            np.multiply(dh, local[t, ..., 2, :], out=da[t, ..., 2, :])
            dc *= forget[t]                           # the carousel: dL/dc_{t-1} gets dc_t * f_t
            dh = da[t].reshape(K, N, G) @ WhT
        return list(_input_grads(da.reshape(T, K, N, G), X, h)) + [dW_out, db_out]


_MODELS = {"rnn": _RNN, "lstm": _LSTM}


def _readout_backward(params, h_last, y):
    """Gradients of the half-MSE through ``pred = h_last @ W_out + b_out``."""
    dpred = (h_last @ params[3] + params[4][:, None] - y) / y.shape[1]
    return (dpred @ params[3].transpose(0, 2, 1), h_last.transpose(0, 2, 1) @ dpred,
            dpred.sum(axis=1))


def _input_grads(da, X, h):
    """``dWx, dWh, db`` from the pre-activation gradients ``da`` (T, K, N, G)."""
    T, K, N, G = da.shape
    da = da.transpose(1, 0, 2, 3).reshape(K, T * N, G)
    x = X.transpose(0, 2, 1, 3).reshape(K, T * N, -1)
    h_prev = h[:-1].transpose(1, 0, 2, 3).reshape(K, T * N, -1)
    return (x.transpose(0, 2, 1) @ da, h_prev.transpose(0, 2, 1) @ da, da.sum(axis=1))


# ------------------------------------------------------------------------------------------
# The lesson's experiment, stored
# ------------------------------------------------------------------------------------------

def adding_experiment(seed, n_seeds=3, recompute=False, notify=print):
    """The lesson's adding-problem runs at T = 100 for seeds ``seed, seed + 1, ...``.

    One ``AddingRuns`` per group of ``GROUPS``, over ``n_seeds`` seeds: ``"lstm"`` and ``"rnn"``
    at the learning rates ``LESSON_LRS``; the controls ``"lstm_forget0"`` (forget-gate bias 0,
    PyTorch's default, lr 0.02), ``"rnn_scale1.5"`` (the RNN started at ``||Wh||_2 = 1.5``) and
    ``"lstm_slow"`` (lr 0.002 for 3,000 steps); settings ``LESSON_SETTINGS``. Seeds in
    ``STORED_SEEDS`` come from the stored file; only the seeds it does not hold are trained now
    (about two minutes of CPU per seed for all groups), and ``notify`` says so before training
    starts. ``recompute=True`` retrains every seed.

    Parameters
    ----------
    seed : int, the first seed
    n_seeds : int
    recompute : bool, ignore the stored runs and retrain them all
    notify : callable(str) or None, told which seeds will be trained before training starts

    Returns
    -------
    dict of AddingRuns, keyed by the names of ``GROUPS``
    """
    seeds = [int(seed) + k for k in range(check_int(n_seeds, "n_seeds", "adding_experiment",
                                                      low=1))]
    stored = {} if recompute else _load()
    have = {name: [s for s in seeds if name in stored and s in stored[name].seeds]
            for name in GROUPS}
    missing = sorted({s for name in GROUPS for s in seeds if s not in have[name]})
    if missing and notify is not None:
        which = ", ".join(str(s) for s in missing)
        why = ("recompute=True" if recompute else
               f"the package stores seeds {STORED_SEEDS[0]}-{STORED_SEEDS[-1]} only")
        notify(f"Training the adding-problem runs for seed{'s' if len(missing) > 1 else ''} "
               f"{which} now ({why}): about two minutes of CPU per seed. The other seeds are "
               "read from the stored file.")
    out = {}
    for name, group in GROUPS.items():
        new = [s for s in seeds if s not in have[name]]
        parts = ([stored[name].select(have[name])] if have[name] else []) + \
                ([group.train(new)] if new else [])
        out[name] = AddingRuns.join(parts).select(seeds)
    return out


def _load():
    if not STORED.exists():
        return {}
    with np.load(STORED) as f:
        stored = {}
        for name, group in GROUPS.items():
            want = group.settings()
            if f"{name}/lrs" not in f.files:
                continue
            settings = {k: f[f"{name}/settings/{k}"].item() for k in want}
            if settings != want or not np.allclose(f[f"{name}/lrs"], group.lrs):
                continue  # stored with other settings: recompute rather than mislead
            stored[name] = AddingRuns(
                group.kind, group.forget_bias, f[f"{name}/lrs"], f[f"{name}/seeds"],
                f[f"{name}/eval_steps"], f[f"{name}/test_loss"], f[f"{name}/baseline"],
                {k: f[f"{name}/params/{k}"] for k in _PARAMS}, settings, group.scale)
        return stored


def store(path=STORED, seeds=STORED_SEEDS, groups=None):
    """Train the groups of ``GROUPS`` (all, or the names in ``groups``) for ``seeds`` and write
    them to ``path`` (one seed at a time, which keeps memory small). Groups not retrained keep
    what the file holds for them."""
    names = list(GROUPS) if groups is None else list(groups)
    kept = {} if path != STORED else _load()
    runs = {name: [r] for name, r in kept.items() if name not in names}
    for name in names:
        runs[name] = [GROUPS[name].train([s]) for s in seeds]
    write(path, {name: runs[name] for name in GROUPS if name in runs})


def write(path, runs):
    """Write ``{group name: [AddingRuns of one seed each]}`` as ``store`` does."""
    arrays = {}
    for name, per_seed in runs.items():
        first = per_seed[0]
        arrays[f"{name}/lrs"] = first.lrs
        arrays[f"{name}/eval_steps"] = first.eval_steps
        arrays[f"{name}/seeds"] = np.concatenate([r.seeds for r in per_seed])
        arrays[f"{name}/baseline"] = np.concatenate([r.baseline for r in per_seed])
        arrays[f"{name}/test_loss"] = np.concatenate([r.test_loss for r in per_seed], axis=1)
        for k in _PARAMS:
            arrays[f"{name}/params/{k}"] = np.concatenate([r.params[k] for r in per_seed], axis=1)
        for k, v in first.settings.items():
            arrays[f"{name}/settings/{k}"] = np.array(v)
    np.savez_compressed(path, **arrays)


@dataclass
class Evaluation:
    """Losses of trained models recomputed from their parameters, on a seed's own sequences.

    Attributes
    ----------
    split : {"train", "test"}
    loss : ndarray (n_lr, n_seed), half-MSE of each trained model
    baseline : ndarray (n_seed,), half-MSE of predicting the mean target of those sequences
    """

    split: str
    loss: np.ndarray
    baseline: np.ndarray

    @property
    def ratio(self):
        """``loss / baseline``: 1 = no better than the mean, 0 = perfect."""
        return self.loss / self.baseline[None, :]


@blas_limited
def evaluate(runs, split="test"):
    """Run every trained model of ``runs`` on its seed's training or test sequences.

    On ``"test"`` the loss is the last entry of ``runs.test_loss`` when the parameters are the
    ones that training produced: a check of a stored file that costs one forward pass, not a
    retraining. On ``"train"`` it says how well each model fits the sequences it was trained on.

    Parameters
    ----------
    runs : AddingRuns
    split : {"train", "test"}

    Returns
    -------
    Evaluation
    """
    check_choice(split, "split", "evaluate", ("train", "test"))
    s = runs.settings
    model = _MODELS[runs.kind]
    loss, baseline = np.empty((runs.lrs.size, runs.seeds.size)), np.empty(runs.seeds.size)
    for j, seed in enumerate(runs.seeds):
        X, y = _data(seed, s["T"], s["n_train"], s["n_test"])[split == "test"]
        params = [runs.params[k][:, j] for k in _PARAMS]
        pred = model.predict(params, np.broadcast_to(X, (runs.lrs.size,) + X.shape))
        loss[:, j] = _half_mse(pred, y[None])
        baseline[j] = 0.5 * np.mean((y - y.mean()) ** 2)
    return Evaluation(split, loss, baseline)


# ------------------------------------------------------------------------------------------
# Looking inside a model
# ------------------------------------------------------------------------------------------

@dataclass
class GateProfile:
    """Mean gate values of an LSTM on the marked steps and on all other steps, per hidden unit.

    Attributes
    ----------
    f_marked, f_other : ndarray (H,), forget gate
    i_marked, i_other : ndarray (H,), input gate
    """

    f_marked: np.ndarray
    f_other: np.ndarray
    i_marked: np.ndarray
    i_other: np.ndarray


def _lstm_cache(params, X):
    """Forward pass of the engine's LSTM: ``(h, cache)``."""
    N, H = len(X), params["Wh"].shape[0]
    return recurrent.lstm_forward(X, np.zeros((N, H)), params["Wx"], params["Wh"], params["b"])


def gate_profile(params, X):
    """Forget and input gates of the LSTM ``params`` on the adding sequences ``X`` (N, T, 2),
    averaged over the marked steps (``X[:, t, 1] == 1``) and over all the others."""
    gates = recurrent.lstm_gates(_lstm_cache(params, X)[1])
    marked = X[:, :, 1] == 1.0
    return GateProfile(gates["f"][marked].mean(axis=0), gates["f"][~marked].mean(axis=0),
                       gates["i"][marked].mean(axis=0), gates["i"][~marked].mean(axis=0))


@dataclass
class CellShare:
    """How the gradient of the loss reaches the cell state at every step of an LSTM.

    Index ``t`` is time step ``t`` (the loss sits on the last step ``T - 1``).

    Attributes
    ----------
    total : ndarray (T,), ``||dL/dc_t||`` over the batch
    cell_path : ndarray (T,), the part that came along the cell path alone,
        ``||dL/dc_{T-1} * f_{T-1} * ... * f_{t+1}||``; the rest left the cell through ``h``
        and came back through ``Wh`` and the gates of later steps
    """

    total: np.ndarray
    cell_path: np.ndarray

    @property
    def steps_back(self):
        """Distance in time from the loss, ``T-1, ..., 0``."""
        return np.arange(len(self.total))[::-1]

    @property
    def share(self):
        """``cell_path / total`` at every step: near 1 when the carousel carries the gradient."""
        return self.cell_path / self.total


def cell_path_share(params, X, y):
    """Backprop the adding problem's half-MSE through the LSTM ``params`` (with its readout)
    on ``X`` (N, T, 2), ``y`` (N, 1), and split the gradient on each cell state ``c_t`` into the
    cell-path part and the total (see ``CellShare``)."""
    h, cache = _lstm_cache(params, X)
    pred = h[:, -1] @ params["W_out"] + params["b_out"]
    dh = np.zeros_like(h)
    dh[:, -1] = ((pred - y) / len(X)) @ params["W_out"].T
    dc = _cell_grads(dh, cache)
    f = recurrent.lstm_gates(cache)["f"]
    carry = np.ones_like(f)   # prod_{s=t+1}^{T-1} f_s, 1 at the last step
    carry[:, :-1] = np.cumprod(f[:, :0:-1], axis=1)[:, ::-1]
    return CellShare(np.linalg.norm(dc, axis=(0, 2)),
                     np.linalg.norm(dc[:, -1:] * carry, axis=(0, 2)))


def _cell_grads(dh, cache):
    """``dL/dc_t`` at every step (N, T, H), from the engine's backward pass."""
    return recurrent.lstm_backward(dh, cache).dc


if __name__ == "__main__":  # python -m vgteach.measure.long_lag [group ...]: rewrite the file
    import sys
    store(groups=sys.argv[1:] or None)
    print(f"wrote {STORED}")
