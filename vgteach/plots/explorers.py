"""Plots of the explorers' results (``vgteach.measure``): one function per result type, each
``plot_<x>(result, ax=None) -> ax`` (the dashboard draws three panels and returns them).
The explorers (``vgteach.explorers``) call these on every update; lessons call them for static
figures, so there is one drawing path.
"""
import matplotlib.pyplot as plt
import numpy as np

from .basic import new_axes, plot_activation, plot_layer_norms

__all__ = ["plot_activation_view", "plot_depth", "plot_lstm_gates", "plot_residual",
           "plot_dashboard"]


def plot_activation_view(view, ax=None):
    """Draw an ActivationView: f, f', and the saturated region shaded."""
    ax = plot_activation(view.name, view.z, ax=ax, saturation=view.threshold)
    ax.set_title(f"{view.name}: peak slope {view.peak_slope:.3g} at z = {view.peak_at:.2g}; "
                 f"{100 * view.saturated_fraction:.0f}% of the range has f' < {view.threshold:.3g} "
                 f"({view.share:.0%} of the peak)")
    return ax


def plot_depth(view, ax=None):
    """Draw a DepthView on a log axis."""
    ax = plot_layer_norms(view.delta_norms, ax=ax, label=view.activation)
    ax.set_title(f"{view.depth} hidden layers, weight scale {view.weight_scale:g}: "
                 f"||delta_1|| / ||delta_L|| = {view.first_to_last:.2e}, "
                 f"{view.saturated_fraction:.0%} saturated", fontsize="medium")
    return ax


def plot_lstm_gates(view, ax=None):
    """Gradient norm vs distance in time (log axis): LSTM cell, LSTM hidden, RNN hidden."""
    ax = new_axes(ax)
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


def plot_residual(view, ax=None):
    """Gradient norms per layer (log axis) with the loss curve in an inset."""
    ax = plot_layer_norms(view.delta_norms, ax=ax, label="at init")
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


def _three_axes(ax):
    if ax is None:
        fig = plt.figure(figsize=(11, 3.6), layout="constrained")
    elif isinstance(ax, plt.Figure):
        fig = ax
    else:  # one Axes given (e.g. by widgets.Explorer): split its figure into three panels
        fig = ax.figure
        ax.remove()
    return fig.subplots(1, 3)


def plot_dashboard(result, ax=None):
    """Three panels: loss curve, ``||delta_l||`` per layer (log), saturation % per layer.

    ``ax`` may be None (new figure), a Figure, or one Axes whose figure is split into three.
    Returns the array of three Axes.
    """
    axes = _three_axes(ax)
    s = result.settings
    axes[0].plot(result.loss, label="training loss")
    axes[0].axhline(result.baseline, color="0.5", linestyle=":", label="chance (log 2)")
    axes[0].set(xlabel="training step", ylabel="cross-entropy", title="Loss")
    axes[0].legend(fontsize="small")
    layer_ids = np.arange(1, result.grad_norms_start.size + 1)
    for norms, label in [(result.grad_norms_start, "step 1"), (result.grad_norms_end,
                                                               f"step {s['steps']}")]:
        axes[1].semilogy(layer_ids, np.where(norms > 0, norms, np.nan), marker="o", label=label)
    axes[1].set(xlabel="layer l (1 = next to the input)", ylabel=r"$\|\delta_l\|$ (log)",
                title="Gradient size per layer")
    axes[1].legend(fontsize="small")
    bars = axes[2].bar(np.arange(1, result.saturation.size + 1), result.saturation, color="C3")
    # label every bar, so an all-0% panel reads as "none saturated" rather than "empty"
    axes[2].bar_label(bars, labels=[f"{v:.0f}%" for v in result.saturation], fontsize=7)
    axes[2].set(xlabel="hidden layer", ylabel="% units with slope < 10% of peak", ylim=(0, 100),
                title="Saturation at the end")
    axes[0].figure.suptitle(
        f"{s['depth']} × {s['activation']}, {s['init']} init, norm={s['norm']}, "
        f"{s['optimizer']} (lr {s['lr']:g}): {result.ms_per_step:.1f} ms per step", fontsize=10)
    return axes
