"""Plots of the training diagnostics in ``vgteach.measure.diagnostics`` (makemore part 3's
activation and gradient histograms, update:data ratios, weight distributions).

Each takes ``ax=None`` (or ``fig=None`` for several panels), gives what it drew a text
alternative generated from the data (``access``) and returns it.
"""
import numpy as np

from ..measure.diagnostics import SATURATION, activation_stats, relative_change
from .access import describe, describe_lines, format_number, plain_text
from .base import new_axes, new_figure
from .basic import layer_colors
from .style import LINESTYLES, REFERENCE, series_style

__all__ = ["plot_activation_histograms", "plot_gradient_histograms", "plot_update_ratios",
           "plot_weight_distributions", "plot_layer_bars"]


def _styles(n):
    """Colour (viridis, by layer) and line style of layers 1..n."""
    return [{"color": c, "linestyle": LINESTYLES[l % len(LINESTYLES)]}
            for l, c in enumerate(layer_colors(n))]


def plot_activation_histograms(acts, activation, ax=None, bins=50):
    """Overlaid histograms of each hidden layer's outputs; the legend gives mean, std and
    % saturated (makemore's activation plot)."""
    ax = new_axes(ax)
    stats = activation_stats(acts, activation)
    for l, (a, style) in enumerate(zip(acts, _styles(len(acts)))):
        hist, edges = np.histogram(np.ravel(a), bins=bins)
        centres = (edges[:-1] + edges[1:]) / 2
        ax.plot(centres, hist / max(hist.sum(), 1), **style,
                label=(f"layer {l + 1}: mean {stats.mean[l]:+.2f}, std {stats.std[l]:.2f}, "
                       f"sat. {100 * stats.saturated[l]:.0f}%"))
    ax.set(xlabel=f"{activation} output a", ylabel="fraction of values",
           title=f"Activations per layer ({activation}; saturated: {SATURATION[activation]})")
    ax.legend(fontsize="x-small")
    describe(ax, f"Histograms of each hidden layer's {activation} outputs, one line per layer. "
             + " ".join(f"Layer {l + 1}: mean {stats.mean[l]:+.2f}, std {stats.std[l]:.2f}, "
                        f"{100 * stats.saturated[l]:.0f}% saturated." for l in range(len(acts))))
    return ax


def plot_gradient_histograms(arrays, ax=None, bins=50, name="dW"):
    """Overlaid histograms of ``log10 |g|`` for each layer's gradient array (``grads.dW`` or
    ``grads.delta``); a log axis because layers differ by decades."""
    ax = new_axes(ax)
    logs = [np.log10(np.abs(np.ravel(g))[np.abs(np.ravel(g)) > 0]) for g in arrays]
    finite = np.concatenate([v for v in logs if v.size] or [np.zeros(1)])
    edges = np.linspace(finite.min(), finite.max() + 1e-9, bins + 1)
    centres = (edges[:-1] + edges[1:]) / 2
    medians = []
    for l, (v, style) in enumerate(zip(logs, _styles(len(logs)))):
        hist, _ = np.histogram(v, bins=edges)
        medians.append(10 ** np.median(v) if v.size else np.nan)
        ax.plot(centres, hist / max(hist.sum(), 1), **style,
                label=f"layer {l + 1}: median |{name}| = {medians[-1]:.1e}")
    ax.set(xlabel=f"log10 |{name}|", ylabel="fraction of entries",
           title=f"Gradient entries per layer ({name})")
    ax.legend(fontsize="x-small")
    describe(ax, f"Histograms of log10 |{name}| per layer, one line per layer. Median |{name}| "
             + ", ".join(f"layer {l + 1} {format_number(m)}" for l, m in enumerate(medians))
             + ".")
    return ax


def plot_update_ratios(update_ratio, ax=None, reference=1e-3):
    """Update-to-weight ratio ``||dW_step|| / ||W||`` per layer over training, ndarray
    (steps, L) (``History.update_ratio``), on a log axis with a reference line (about 1e-3 is
    healthy for plain SGD, CS231n / makemore)."""
    ax = new_axes(ax)
    r = np.asarray(update_ratio, dtype=float)
    for l, style in enumerate(_styles(r.shape[1])):
        ax.semilogy(np.where(r[:, l] > 0, r[:, l], np.nan), **style, label=f"layer {l + 1}")
    if reference:
        ax.axhline(reference, color=REFERENCE, linestyle=":", label=f"reference {reference:g}")
    ax.set(xlabel="training step", ylabel="update / weight (log scale)",
           title="Update-to-weight ratio per layer")
    ax.legend(fontsize="x-small", ncol=2)
    describe(ax, lambda a: describe_lines(a, "One line per layer"))
    return ax


def plot_weight_distributions(before, after, fig=None, bins=40):
    """One panel per layer: histogram of the weights before and after training; the title
    gives the relative change. Returns the figure."""
    L = len(before)
    if fig is None:
        fig = new_figure(figsize=(2.6 * L, 2.6))
    axes = fig.subplots(1, L, squeeze=False)[0]
    change = relative_change(before, after)
    for l, ax in enumerate(axes):
        lo = min(before[l].min(), after[l].min())
        hi = max(before[l].max(), after[l].max())
        edges = np.linspace(lo, hi + 1e-12, bins + 1)
        ax.hist(np.ravel(before[l]), bins=edges, histtype="step", color=REFERENCE,
                linestyle="--", label="before")
        ax.hist(np.ravel(after[l]), bins=edges, histtype="step", color=series_style(1)["color"],
                label="after")
        ax.set(title=f"layer {l + 1}: moved {100 * change[l]:.2g}%", xlabel="weight value")
    axes[0].set_ylabel("count")
    axes[0].legend(fontsize="x-small")
    fig.suptitle("Weights before and after training")
    describe(fig, "Histograms of each layer's weights before training (dashed) and after "
             "(solid). Relative change per layer: "
             + ", ".join(f"layer {l + 1} {100 * c:.2g}%" for l, c in enumerate(change)) + ".")
    return fig


def plot_layer_bars(values, ax=None, ylabel="value", title=None, log=True, label=None, **kw):
    """A per-layer quantity as bars (layer 1 = next to the input); log axis by default."""
    ax = new_axes(ax)
    values = np.asarray(values, dtype=float)
    layers = np.arange(1, values.size + 1)
    kw.setdefault("color", series_style(0)["color"])
    ax.bar(layers, values, label=label, **kw)
    if log:
        ax.set_yscale("log")
    ax.set_xticks(layers)
    ax.set(xlabel="layer l (1 = next to the input)", ylabel=ylabel, title=title or ylabel)
    if label is not None:
        ax.legend(fontsize="small")
    describe(ax, f"Bar chart of {plain_text(ylabel)} per layer" + (" (log scale)" if log else "")
             + ": " + ", ".join(f"layer {l} {format_number(v)}" for l, v in zip(layers, values))
             + ".")
    return ax
