"""The LSTM gate explorer (lesson 8): how the gate biases decide how far back a gradient
reaches, beside a tanh RNN."""
import dataclasses

import ipywidgets as widgets

from ..measure.through_time import compute_lstm_gates
from ..plots.explorers import LstmGatesPlot
from .base import Explorer, Precomputed, slider

__all__ = ["explore_lstm_gates"]


def _compute(forget_bias, input_bias, T):
    return compute_lstm_gates(forget_bias=forget_bias, input_bias=input_bias, T=T)


def _show_cell_path(view, cell_path):
    return dataclasses.replace(view, show_cell_path=bool(cell_path))


def explore_lstm_gates(**start):
    """Explorer: forget/input gate biases, sequence length, cell-path curve on/off -> gradient
    through time. ``start`` sets starting values, e.g. ``forget_bias=0.0``.

    Results are kept by setting and the settings one move away are computed ahead (a run at
    T = 300 takes longer than a frame); the cell-path checkbox only changes what is drawn.
    """
    controls = {
        "forget_bias": slider("float", 1.0, -3.0, 6.0, 0.5, "forget bias",
                               continuous_update=False),
        "input_bias": slider("float", 0.0, -3.0, 3.0, 0.5, "input bias",
                              continuous_update=False),
        "T": slider("int", 100, 10, 300, 10, "T (steps)", continuous_update=False),
        "cell_path": widgets.Checkbox(value=True, description="cell path only"),
    }
    compute = Precomputed(_compute, display=("cell_path",), present=_show_cell_path)
    return Explorer(controls, compute, LstmGatesPlot, start=start)
