"""Interactive explorers (ipywidgets): wiring only. Each explorer is three parts (STYLE rule 1):
``vgteach.measure`` computes its result, ``vgteach.plots`` draws it, and the module here wires
controls to both through ``base.Explorer``.

``EXPLORERS`` lists every explorer by name: the one discovery rule (the benchmark and the tests
iterate it). Every ``explore_<x>(**start)`` takes starting values for its controls.

Examples
--------
>>> sorted(EXPLORERS)
['activation', 'dashboard', 'depth', 'lstm_gates', 'residual']
"""
from .activation import explore_activation
from .base import Explorer, HiddenAnswer, Precomputed, hidden_answer, slider
from .dashboard import explore_dashboard
from .depth import explore_depth
from .lstm_gates import explore_lstm_gates
from .residual import explore_residual

#: name -> factory of every explorer in the course.
EXPLORERS = {
    "activation": explore_activation,
    "depth": explore_depth,
    "dashboard": explore_dashboard,
    "lstm_gates": explore_lstm_gates,
    "residual": explore_residual,
}

__all__ = ["EXPLORERS", "Explorer", "Precomputed", "HiddenAnswer", "hidden_answer", "slider",
           "explore_activation", "explore_depth", "explore_dashboard", "explore_lstm_gates",
           "explore_residual"]
