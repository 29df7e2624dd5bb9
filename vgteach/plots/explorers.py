"""Plots of the explorers' results (``vgteach.measure``): one ``Plot`` class per result type,
whose artists are created once and updated in place (``base.Plot``).

The explorers (``vgteach.explorers``) keep one plot object and call ``update(result)`` on every
change; lessons draw static figures with the same classes through ``plot_<x>(result, ax=None)``
(one drawing path). Every plot describes its panels in words for the alt text, from its data.
"""
import numpy as np

from .access import format_number
from .base import Plot, new_axes, new_figure
from .basic import ActivationPanel, LayerNormsPanel
from .style import REFERENCE, series_style

__all__ = ["ActivationPlot", "DepthPlot", "LstmGatesPlot", "ResidualPlot", "DashboardPlot",
           "plot_activation_view", "plot_depth", "plot_lstm_gates", "plot_residual",
           "plot_dashboard"]


def _orders(ratio):
    """``ratio`` in words: '3.2e-05 times (4.5 orders of magnitude smaller)'."""
    if not np.isfinite(ratio) or ratio <= 0:
        return f"{format_number(ratio)} times"
    k = abs(np.log10(ratio))
    side = "smaller" if ratio < 1 else "larger"
    return f"{format_number(ratio)} times ({k:.1f} orders of magnitude {side})"


def _norms_sentence(norms, where="layer"):
    norms = np.asarray(norms, dtype=float)
    return (f"{format_number(norms[0])} at {where} 1 and {format_number(norms[-1])} at {where} "
            f"{norms.size}; {where} 1's is {_orders(norms[0] / norms[-1])} {where} "
            f"{norms.size}'s")


class ActivationPlot(Plot):
    """An ``ActivationView``: f, f', and the saturated range shaded."""

    title = "An activation and its slope"

    def build(self):
        self.panel = ActivationPanel(self.ax)

    def draw(self, view):
        self.panel.set(view.name, view.z, view.f, view.f_prime, view.threshold)

    def headline(self, view):
        return (f"{view.name}: peak slope {view.peak_slope:.3g} at z = {view.peak_at:.2g}; "
                f"{100 * view.saturated_fraction:.0f}% of the range has f' < "
                f"{view.threshold:.3g} ({view.share:.0%} of the peak)")

    def set_headline(self, text):
        self.ax.set_title(text.replace("; ", "\n"), fontsize="medium", y=1.0)

    def describe_panels(self, view):
        return [self.panel.describe()]


class DepthPlot(Plot):
    """A ``DepthView``: ``||delta_l||`` per layer of a fresh net, log axis."""

    title = "Gradient size per layer"

    def build(self):
        self.panel = LayerNormsPanel(self.ax)
        self.line = self.panel.add(label="sigmoid")
        self.legend = self.ax.legend(fontsize="small", loc="upper left")

    def draw(self, view):
        self.panel.set(self.line, view.delta_norms)
        self.line.set_label(view.activation)
        self.legend.get_texts()[0].set_text(view.activation)

    def headline(self, view):
        return (f"{view.depth} hidden layers, weight scale {view.weight_scale:g}: "
                f"||delta_1|| / ||delta_L|| = {view.first_to_last:.2e}, "
                f"{view.saturated_fraction:.0%} saturated")

    def describe_panels(self, view):
        return [f"Gradient size ||delta_l|| per layer (log scale) after one backward pass "
                f"through a fresh net of {view.depth} hidden {view.activation} layers, weight "
                f"scale {view.weight_scale:g}: {_norms_sentence(view.delta_norms)}. "
                f"{view.saturated_fraction:.0%} of hidden units are saturated."]


class LstmGatesPlot(Plot):
    """A ``GateView``: gradient norm against distance in time, LSTM beside a tanh RNN."""

    title = "Gradient size back through time"

    def build(self):
        ax = self.ax
        ax.set_yscale("log")
        style = lambda i: {k: v for k, v in series_style(i).items() if k != "marker"}  # noqa: E731
        self.dc, = ax.plot([], [], label=r"LSTM $\|dL/dc_t\|$ (total)", **style(0))
        self.cell, = ax.plot([], [], label=r"LSTM cell path only, $dc_{T-1} \prod f$",
                             **style(3))
        self.dh, = ax.plot([], [], label=r"LSTM $\|dL/dh_t\|$", **style(1))
        self.rnn, = ax.plot([], [], label=r"tanh RNN $\|dL/dh_t\|$", **style(2))
        ax.set(xlabel="steps back from the loss", ylabel="gradient norm (log scale)")
        self._legend_for = None

    def draw(self, view):
        k = view.steps_back
        for line, values in ((self.dc, view.lstm_dc), (self.dh, view.lstm_dh),
                             (self.rnn, view.rnn_dh), (self.cell, view.lstm_dc_cell)):
            values = np.asarray(values, dtype=float)
            line.set_data(k, np.where(values > 0, values, np.nan))
        self.cell.set_visible(bool(view.show_cell_path))
        self.ax.relim(visible_only=True)
        self.ax.autoscale_view()
        if self._legend_for != view.show_cell_path:  # the legend lists the visible lines
            lines = [self.dc] + ([self.cell] if view.show_cell_path else []) + [self.dh, self.rnn]
            self.ax.legend(handles=lines, fontsize="small")
            self._legend_for = view.show_cell_path

    def headline(self, view):
        """The settings, then the values at the first step, ``T - 1`` steps back (the curves'
        left ends), so that they can be read and compared without reading the log axis."""
        far = lambda values: f"{float(np.asarray(values)[0]):.1e}"  # noqa: E731
        cell = "" if view.lstm_dc_cell is None else f", cell path alone {far(view.lstm_dc_cell)}"
        return (f"forget bias {view.forget_bias:g} (mean f = {view.mean_forget:.2f}), "
                f"input bias {view.input_bias:g}, T = {view.T}; {view.T - 1} steps back: "
                f"LSTM ||dL/dc|| total {far(view.lstm_dc)}{cell}, RNN ||dL/dh|| "
                f"{far(view.rnn_dh)}")

    def set_headline(self, text):
        self.ax.set_title(text.replace("; ", "\n"), fontsize="small", y=1.0)

    def describe_panels(self, view):
        back = view.T - 1

        def at_start(values):
            return format_number(np.asarray(values)[0])
        text = (f"Gradient norm (log scale) against steps back from the loss, sequence length "
                f"{view.T}, forget-gate bias {view.forget_bias:g} (mean forget gate "
                f"{view.mean_forget:.2f}), input-gate bias {view.input_bias:g}. {back} steps "
                f"back: LSTM ||dL/dc_t|| {at_start(view.lstm_dc)}, LSTM ||dL/dh_t|| "
                f"{at_start(view.lstm_dh)}, tanh RNN ||dL/dh_t|| {at_start(view.rnn_dh)}")
        if view.show_cell_path:
            text += f", LSTM cell path alone {at_start(view.lstm_dc_cell)}"
        return [text + " (each is 1 at the loss)."]


class ResidualPlot(Plot):
    """A ``ResidualView``: ``||delta_l||`` per layer at init, the training loss in an inset."""

    title = "Gradient size per layer at initialization"

    def build(self):
        self.panel = LayerNormsPanel(self.ax, ylabel=r"$\|\delta_l\|$ at initialization")
        self.line = self.panel.add(label="at init")
        self.inset = self.ax.inset_axes([0.62, 0.12, 0.35, 0.35])
        self.loss, = self.inset.plot([], [], **{k: v for k, v in series_style(1).items()
                                                if k != "marker"})
        self.inset.set_xlabel("step", fontsize="x-small")
        self.inset.set_ylabel("train loss", fontsize="x-small")
        self.inset.tick_params(labelsize="x-small")

    def draw(self, view):
        self.panel.set(self.line, view.delta_norms)
        loss = np.asarray(view.loss, dtype=float)
        self.loss.set_data(np.arange(loss.size), loss)
        finite = loss[np.isfinite(loss)]
        self.inset.set_xlim(0, max(loss.size - 1, 1))
        self.inset.set_ylim(0, max(1.5, float(finite.max(initial=0))))

    def headline(self, view):
        kind = "residual" if view.skip else "plain"
        loss = np.asarray(view.loss, dtype=float)
        final = f"{loss[-1]:.3f}" if loss.size else "not trained yet"
        return (f"{kind}, {view.depth} hidden {view.activation} layers: "
                f"||delta_1||/||delta_L|| = {view.first_to_last:.2g}, final loss {final} "
                f"(Adam, lr {view.lr:g})")

    def set_headline(self, text):
        self.ax.set_title(text, fontsize="small", y=1.0)

    def describe_panels(self, view):
        kind = "with skip connections" if view.skip else "without skip connections (plain)"
        loss = np.asarray(view.loss, dtype=float)
        trained = (f" Inset: training loss over {loss.size} Adam steps at learning rate "
                   f"{view.lr:g}, from {format_number(loss[0])} to {format_number(loss[-1])}."
                   if loss.size else "")
        return [f"Gradient size ||delta_l|| per layer (log scale) at initialization of a net of "
                f"{view.depth} hidden {view.activation} layers {kind}: "
                f"{_norms_sentence(view.delta_norms)}.{trained}"]


class DashboardPlot(Plot):
    """A ``DashboardResult`` in three panels: loss curve, ``||delta_l||`` per layer at the first
    and last step (the ``LayerNormsPanel`` of ``plot_layer_norms``), saturation per layer."""

    figsize = (11.0, 3.8)
    n_panels = 3
    max_layers = 40  # compute_dashboard's largest depth: bars beyond the net's are hidden

    def build(self):
        loss_ax, norm_ax, sat_ax = self.axes
        self.loss, = loss_ax.plot([], [], label="training loss",
                                  **{k: v for k, v in series_style(0).items() if k != "marker"})
        self.chance = loss_ax.axhline(np.log(2), color=REFERENCE, linestyle=":",
                                      label="chance (ln 2)")
        # where a diverged run stopped (hidden otherwise)
        self.diverged = loss_ax.axvline(1, color="black", linestyle="--", linewidth=1.2,
                                        visible=False)
        loss_ax.set(xlabel="training step", ylabel="cross-entropy")
        loss_ax.set_title("Loss", y=1.0)
        loss_ax.legend(fontsize="small", loc="upper right")
        self.norms = LayerNormsPanel(norm_ax, ylabel=r"$\|\delta_l\|$ (log)")
        self.first = self.norms.add(label="step 1")
        self.last = self.norms.add(label="last step")
        self.norm_legend = norm_ax.legend(fontsize="small")
        positions = np.arange(1, self.max_layers + 1)
        self.bars = sat_ax.bar(positions, np.zeros(positions.size), color=series_style(1)["color"],
                               hatch="//", edgecolor="white", linewidth=0)
        # a mark on every bar's top, so an all-0% panel reads as "none saturated", not "empty"
        self.tops, = sat_ax.plot([], [], linestyle="none", marker="_", markersize=12,
                                 markeredgewidth=2, color="black")
        sat_ax.set(xlabel="hidden layer",
                   ylabel="% slope < 10% of peak\n(ReLU: inactive)",
                   ylim=(-4, 105), yticks=np.arange(0, 101, 20))
        sat_ax.set_title("Saturated at the end", y=1.0)

    def draw(self, result):
        s = result.settings
        loss_ax, _, sat_ax = self.axes
        loss = np.asarray(result.loss, dtype=float)
        self.loss.set_data(np.arange(1, loss.size + 1), loss)
        self.loss.set_marker("o" if loss.size == 1 else "None")  # one step is a dot, not a line
        self.chance.set_ydata([result.baseline, result.baseline])
        diverged = result.diverged_at is not None
        self.diverged.set_visible(diverged)
        if diverged:
            self.diverged.set_xdata([result.diverged_at, result.diverged_at])
        loss_ax.set_title(f"Loss: diverged at step {result.diverged_at}" if diverged else "Loss",
                          y=1.0)
        loss_ax.relim(visible_only=True)
        loss_ax.autoscale_view()
        if diverged:  # room above the blow-up for the legend (the y-axis stays autoscaled)
            loss_ax.set_ylim(top=1.35 * loss.max(), auto=None)
        self.norms.set(self.first, result.grad_norms_start)
        self.norms.set(self.last, result.grad_norms_end)
        self.last.set_label(f"step {loss.size}")
        self.norm_legend.get_texts()[1].set_text(f"step {loss.size}")
        n = result.saturation.size
        for i, bar in enumerate(self.bars):
            bar.set_visible(i < n)
            if i < n:
                bar.set_height(float(result.saturation[i]))
        self.tops.set_data(np.arange(1, n + 1), result.saturation)
        sat_ax.set_xlim(0.4, n + 0.6)
        sat_ax.set_xticks(np.arange(1, n + 1) if n <= 20 else np.arange(1, n + 1, 5))

    def headline(self, result):
        s = result.settings
        setting = (f"{s['depth']} × {s['activation']}, {s['init']} init, norm={s['norm']}, "
                   f"{s['optimizer']} (lr {s['lr']:g})")
        if result.diverged_at is not None:
            return (f"{setting}: DIVERGED at step {result.diverged_at}, training stopped "
                    f"(loss {result.loss[-1]:.3g} at step {result.loss.size})")
        return (f"{setting}: final loss {result.loss[-1]:.3f}, "
                f"||delta_1|| / ||delta_L|| = {result.first_to_last:.1e} at step 1")

    def set_headline(self, text):
        fig = self.axes[0].figure
        if fig._suptitle is None:
            fig.suptitle(text, fontsize=10)
        else:  # where the layout put it (``suptitle()`` would move it back to y = 0.98)
            fig._suptitle.set_text(text)

    def describe_panels(self, result):
        s = result.settings
        loss = np.asarray(result.loss, dtype=float)
        steps = loss.size
        sat = ", ".join(f"layer {i} {v:.0f}%" for i, v in enumerate(result.saturation, 1))
        stop = "" if result.diverged_at is None else (
            f" The run diverged at step {result.diverged_at} (its loss or gradients blew up) "
            f"and training stopped there: a dashed line marks step {result.diverged_at}, and "
            f"every panel shows the run up to step {steps}.")
        return [
            f"Training loss (cross-entropy) of a net of {s['depth']} hidden {s['activation']} "
            f"layers, {s['init']} init, normalization {s['norm']}, {s['optimizer']} with learning "
            f"rate {s['lr']:g}, over {steps} step{'s' * (steps != 1)}: from "
            f"{format_number(loss[0])} to {format_number(loss[-1])}; chance level is "
            f"{format_number(result.baseline)}." + stop,
            f"Gradient size ||delta_l|| per layer (log scale). At step 1: "
            f"{_norms_sentence(result.grad_norms_start)}. At step {steps}: "
            f"{_norms_sentence(result.grad_norms_end)}.",
            f"Percent of hidden units with a slope below 10% of its peak (for ReLU: inactive) "
            f"at step {steps}: {sat}."]


def plot_activation_view(view, ax=None):
    """Draw an ActivationView: f, f', and the saturated region shaded. Returns ``ax``."""
    return ActivationPlot(view, ax=new_axes(ax, figsize=ActivationPlot.figsize)).ax


def plot_depth(view, ax=None):
    """Draw a DepthView on a log axis. Returns ``ax``."""
    return DepthPlot(view, ax=new_axes(ax)).ax


def plot_lstm_gates(view, ax=None):
    """Gradient norm vs distance in time (log axis): LSTM cell, LSTM hidden, RNN hidden."""
    return LstmGatesPlot(view, ax=new_axes(ax)).ax


def plot_residual(view, ax=None):
    """Gradient norms per layer (log axis) with the loss curve in an inset. Returns ``ax``."""
    return ResidualPlot(view, ax=new_axes(ax)).ax


def plot_dashboard(result, ax=None):
    """Three panels: loss curve, ``||delta_l||`` per layer (log), saturation % per layer.

    ``ax`` may be None (new figure), a Figure or SubFigure (divided into three panels), or
    three Axes. Returns the array of three Axes.
    """
    if ax is None:
        ax = new_figure(DashboardPlot.figsize)
    return np.array(DashboardPlot(result, ax=ax).axes, dtype=object)
