"""The training dashboard (lessons 4 and 6): a real short training run of a choice of depth,
activation, initializer, normalization, optimizer and learning rate, summarised the way a
practitioner checks one."""
from collections import OrderedDict

import ipywidgets as widgets

from ..measure.dashboard import DEFAULT_LR, INITS, DashboardRun
from ..plots.explorers import DashboardPlot
from .base import Explorer, _key, slider

__all__ = ["explore_dashboard", "DashboardRuns"]


class DashboardRuns:
    """``compute_dashboard`` for an explorer: one resumable ``DashboardRun`` per setting (all
    but ``steps``), so moving the steps slider cuts or extends a run instead of training anew,
    and a run can be trained ahead ``chunk`` steps at a time (``advance``).

    Calling it returns exactly what ``compute_dashboard(**values, seed=seed)`` returns: every
    run uses the one ``seed`` (data, initial weights, mini-batches), so a lesson's explorer
    repeats the lesson's runs at the lesson's seed. A run that diverged trains no further: every
    ``steps`` from its ``diverged_at`` on shows the diverged run.
    """

    chunk = 10  # steps per part trained ahead (a few ms each); divides the slider's step

    def __init__(self, maxsize=64, seed=0):
        self.maxsize, self.seed = maxsize, seed
        self._runs = OrderedDict()

    def _new_run(self, values):
        return DashboardRun(**{k: v for k, v in values.items() if k != "steps"}, seed=self.seed)

    def _run(self, values):
        """The run kept for ``values``' settings; a new one if the kept run went past
        ``values["steps"]`` without stopping there (it cannot report that count)."""
        settings = {k: v for k, v in values.items() if k != "steps"}
        key = _key(settings)
        run = self._runs.get(key)
        steps = values["steps"]
        if run is None or (run.steps_done >= steps and not run.reports(steps)):
            run = self._runs[key] = self._new_run(values)
            while len(self._runs) > self.maxsize:
                self._runs.popitem(last=False)
        self._runs.move_to_end(key)
        return run

    def _part(self, run, steps):
        """Train ``run`` one part (``chunk`` steps, or fewer to land on ``steps``) toward
        ``steps``. Parts stop at every multiple of ``chunk``, so a run can later report any
        count the slider offers below the one it reached."""
        if run.steps_done < steps and run.diverged_at is None:
            run.advance(min(self.chunk - run.steps_done % self.chunk, steps - run.steps_done))

    def __call__(self, **values):
        steps, run = values["steps"], self._run(values)
        while not run.reports(steps):
            self._part(run, steps)
        return run.result(steps)

    def ready(self, **values):
        """True when the result for ``values`` needs no more training."""
        key = _key({k: v for k, v in values.items() if k != "steps"})
        return key in self._runs and self._runs[key].reports(values["steps"])

    def advance(self, **values):
        """Train the run of ``values`` one part further toward its ``steps``; True when ready.
        Every call makes progress, so computing ahead always ends."""
        self._part(self._run(values), values["steps"])
        return self.ready(**values)


def _dropdown(options, value, description):
    return widgets.Dropdown(options=list(options), value=value, description=description,
                            layout=widgets.Layout(width="220px"))


def _reset_lr(values, name, new):
    """Changing the optimizer resets the learning rate to that optimizer's usual value."""
    if name == "optimizer":
        values = dict(values, lr=DEFAULT_LR[new])
    return values


def explore_dashboard(seed=0, **start):
    """Explorer: depth × activation × init × normalization × optimizer × learning rate -> a real
    training run. Changing the optimizer resets the learning rate to that optimizer's usual
    value (``DEFAULT_LR``); ``start`` sets starting values, e.g. ``activation="relu", lr=0.1``.
    ``seed`` (not a control) fixes the data, initial weights and mini-batches of every run, as
    ``compute_dashboard(seed=...)`` does: a lesson passes its own ``seed``, so the explorer
    shows the runs the lesson computed.
    """
    controls = {
        "depth": slider("int", 8, 1, 20, 1, "hidden layers", continuous_update=False),
        "activation": _dropdown(["sigmoid", "tanh", "relu", "leaky_relu"], "sigmoid",
                                "activation"),
        "init": _dropdown(INITS, "xavier", "init"),
        "norm": _dropdown(["none", "batch"], "none", "norm"),
        "optimizer": _dropdown(DEFAULT_LR, "sgd", "optimizer"),
        "lr": widgets.FloatLogSlider(value=DEFAULT_LR["sgd"], base=10, min=-4, max=0, step=0.25,
                                     description="learning rate", continuous_update=False,
                                     style={"description_width": "initial"}),
        "steps": slider("int", 100, 20, 300, 20, "steps", continuous_update=False),
    }

    def reset_lr(change):
        controls["lr"].value = DEFAULT_LR[change["new"]]

    # registered before the Explorer's own observers, so the new rate is in place first
    controls["optimizer"].observe(reset_lr, names="value")
    return Explorer(controls, DashboardRuns(seed=seed), DashboardPlot, start=start,
                    link=_reset_lr)
