"""The LSTM gate explorer (lesson 8): how the gate biases decide how far back a gradient
reaches, beside a tanh RNN."""
import ipywidgets as widgets

from ..measure.through_time import compute_lstm_gates
from ..plots.explorers import plot_lstm_gates
from .base import Explorer, slider

__all__ = ["explore_lstm_gates"]

def explore_lstm_gates(**start):
    """Explorer: forget/input gate biases, sequence length, cell-path curve on/off -> gradient
    through time. ``start`` sets starting values, e.g. ``forget_bias=0.0``."""
    controls = {
        "forget_bias": slider("float", 1.0, -3.0, 6.0, 0.5, "forget bias",
                               continuous_update=False),
        "input_bias": slider("float", 0.0, -3.0, 3.0, 0.5, "input bias",
                              continuous_update=False),
        "T": slider("int", 100, 10, 300, 10, "T (steps)", continuous_update=False),
        "cell_path": widgets.Checkbox(value=True, description="cell path only"),
    }
    return Explorer(controls, compute_lstm_gates, plot_lstm_gates, start=start)
