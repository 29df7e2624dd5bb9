"""Explorers for lessons 8-9 (LSTM gating, residual connections), built like ``widgets``:
``compute_x`` is pure and returns a dataclass, ``plot_x(result, ax=None) -> ax`` draws it,
``explore_x()`` wires controls to both through ``widgets.Explorer``.
"""
from dataclasses import dataclass

import ipywidgets as ipw
import numpy as np

from . import plots, recurrent
from .data import spirals
from .residual import deep_mlp
from .train import train
from .widgets import Explorer, _slider

__all__ = ["GateView", "compute_lstm_gates", "plot_lstm_gates", "explore_lstm_gates",
           "ResidualView", "compute_residual", "plot_residual", "explore_residual"]


# ---------------------------------------------------------------- LSTM gate explorer
@dataclass
class GateView:
    """Gradient size through time for an LSTM (cell and hidden state) and a tanh RNN.

    Index ``t`` of every array is time step ``t``; the loss sits on the last step.
    """

    forget_bias: float
    input_bias: float
    T: int
    lstm_dc: np.ndarray
    lstm_dh: np.ndarray
    rnn_dh: np.ndarray
    mean_forget: float
    lstm_dc_cell: np.ndarray = None  # the part of lstm_dc that came along the cell path alone
    show_cell_path: bool = False

    @property
    def steps_back(self):
        """Distance in time from the loss, ``T-1, ..., 0``."""
        return np.arange(self.T)[::-1]


def compute_lstm_gates(forget_bias=1.0, input_bias=0.0, T=100, rnn_scale=1.0, H=16, seed=0,
                       cell_path=False):
    """``recurrent.gradient_through_time`` for an LSTM whose forget- and input-gate biases
    start at ``forget_bias`` and ``input_bias``, and for a tanh RNN with ``||Wh||_2 = rnn_scale``,
    on the same standard-normal inputs. ``mean_forget`` is the average forget gate value;
    ``lstm_dc_cell`` the cell-path-only part of ``lstm_dc`` (drawn when ``cell_path``)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(16, T, 1))
    params = recurrent.init_lstm(1, H, rng, forget_bias=forget_bias)
    params["b"][:H] = input_bias
    lstm = recurrent.gradient_through_time("lstm", T, H, rng, params=params, x=x)
    rnn = recurrent.gradient_through_time("rnn", T, H, rng, scale=rnn_scale, x=x)
    _, cache = recurrent.lstm_forward(x, np.zeros((16, H)), params["Wx"], params["Wh"],
                                      params["b"])
    return GateView(float(forget_bias), float(input_bias), int(T), lstm.dc_norm, lstm.dh_norm,
                    rnn.dh_norm, float(recurrent.lstm_gates(cache)["f"].mean()),
                    lstm.dc_cell_norm, bool(cell_path))


def plot_lstm_gates(view, ax=None):
    """Gradient norm vs distance in time (log axis): LSTM cell, LSTM hidden, RNN hidden."""
    ax = plots.new_axes(ax)
    k = view.steps_back
    ax.semilogy(k, view.lstm_dc, label=r"LSTM $\|dL/dc_t\|$ (total)")
    if view.show_cell_path:
        ax.semilogy(k, view.lstm_dc_cell, "-.", color="C0", alpha=0.6,
                    label=r"LSTM cell path only, $dc_{T-1} \prod f$")
    ax.semilogy(k, view.lstm_dh, "--", label=r"LSTM $\|dL/dh_t\|$")
    ax.semilogy(k, view.rnn_dh, ":", color="C3", label=r"tanh RNN $\|dL/dh_t\|$")
    ax.set(xlabel="steps back from the loss", ylabel="gradient norm (log scale)",
           title=f"forget bias {view.forget_bias:g} (mean f = {view.mean_forget:.2f}), "
                 f"input bias {view.input_bias:g}")
    ax.legend(fontsize="small")
    return ax


def explore_lstm_gates():
    """Explorer: forget/input gate biases, sequence length, cell-path curve on/off -> gradient
    through time."""
    controls = {
        "forget_bias": _slider("float", 1.0, -3.0, 6.0, 0.5, "forget bias",
                               continuous_update=False),
        "input_bias": _slider("float", 0.0, -3.0, 3.0, 0.5, "input bias",
                              continuous_update=False),
        "T": _slider("int", 100, 10, 300, 10, "T (steps)", continuous_update=False),
        "cell_path": ipw.Checkbox(value=True, description="cell path only"),
    }
    return Explorer(controls, compute_lstm_gates, plot_lstm_gates)


# ---------------------------------------------------------------- residual explorer
@dataclass
class ResidualView:
    """Per-layer error-term norms at init and a short training-loss curve of one deep net."""

    depth: int
    skip: bool
    activation: str
    delta_norms: np.ndarray
    loss: np.ndarray

    @property
    def first_to_last(self):
        """``||delta_1|| / ||delta_L||`` at init: far below 1 means vanishing."""
        return float(self.delta_norms[0] / self.delta_norms[-1])


def compute_residual(depth=30, skip=True, activation="tanh", steps=60, n=90, seed=0):
    """Build a ``depth``-layer net (``residual.deep_mlp``) on 3-class spirals, record its
    per-layer ``||delta_l||`` at init, then train it with Adam (lr 0.01) for ``steps`` steps."""
    X, y = spirals(n, rng=np.random.default_rng(seed))
    net = deep_mlp(depth, residual=skip, activation=activation, seed=seed)
    _, grads = net.loss_and_grads(X, y, loss="cross_entropy")
    hist = train(net, X, y, steps=steps, lr=0.01, loss="cross_entropy", optimizer="adam")
    return ResidualView(depth, bool(skip), activation, grads.delta_norms, hist.loss)


def plot_residual(view, ax=None):
    """Gradient norms per layer (log axis) with the loss curve in an inset."""
    ax = plots.plot_layer_norms(view.delta_norms, ax=ax, label="at init")
    kind = "residual" if view.skip else "plain"
    ax.set_title(f"{kind}, {view.depth} hidden {view.activation} layers: ||delta_1||/||delta_L|| "
                 f"= {view.first_to_last:.2g}, final loss {view.loss[-1]:.3f}", fontsize="small")
    inset = ax.inset_axes([0.62, 0.12, 0.35, 0.35])
    inset.plot(view.loss)
    inset.set_ylim(0, max(1.5, float(np.nanmax(view.loss[np.isfinite(view.loss)], initial=0))))
    inset.set_xlabel("step", fontsize="x-small")
    inset.set_ylabel("train loss", fontsize="x-small")
    inset.tick_params(labelsize="x-small")
    return ax


def explore_residual():
    """Explorer: depth, skip on/off, activation -> gradient size per layer and a short run."""
    controls = {
        "depth": _slider("int", 30, 2, 40, 1, "hidden layers", continuous_update=False),
        "skip": ipw.Checkbox(value=True, description="skip connections"),
        "activation": ipw.Dropdown(options=["tanh", "sigmoid", "relu"], value="tanh",
                                   description="activation"),
    }
    return Explorer(controls, compute_residual, plot_residual)
