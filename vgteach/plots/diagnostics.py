"""Plots of the training diagnostics in ``vgteach.measure.diagnostics`` (makemore part 3's
activation and gradient histograms, update:data ratios, weight distributions).

Each takes ``ax=None`` (or ``fig=None`` for several panels) and returns it.
"""
import matplotlib.pyplot as plt
import numpy as np

from ..measure.diagnostics import SATURATION, activation_stats, relative_change
from .basic import new_axes

__all__ = ["plot_activation_histograms", "plot_gradient_histograms", "plot_update_ratios",
           "plot_weight_distributions", "plot_layer_bars"]


def _colors(n):
    return plt.cm.viridis(np.linspace(0, 0.9, max(n, 1)))


def plot_activation_histograms(acts, activation, ax=None, bins=50):
    """Overlaid histograms of each hidden layer's outputs; the legend gives mean, std and
    % saturated (makemore's activation plot)."""
    ax = new_axes(ax)
    stats = activation_stats(acts, activation)
    for l, (a, c) in enumerate(zip(acts, _colors(len(acts)))):
        hist, edges = np.histogram(np.ravel(a), bins=bins)
        centres = (edges[:-1] + edges[1:]) / 2
        ax.plot(centres, hist / max(hist.sum(), 1), color=c,
                label=(f"layer {l + 1}: mean {stats.mean[l]:+.2f}, std {stats.std[l]:.2f}, "
                       f"sat. {100 * stats.saturated[l]:.0f}%"))
    ax.set(xlabel=f"{activation} output a", ylabel="fraction of values",
           title=f"Activations per layer ({activation}; saturated: {SATURATION[activation]})")
    ax.legend(fontsize="x-small")
    return ax


def plot_gradient_histograms(arrays, ax=None, bins=50, name="dW"):
    """Overlaid histograms of ``log10 |g|`` for each layer's gradient array (``grads.dW`` or
    ``grads.delta``); a log axis because layers differ by decades."""
    ax = new_axes(ax)
    logs = [np.log10(np.abs(np.ravel(g))[np.abs(np.ravel(g)) > 0]) for g in arrays]
    finite = np.concatenate([v for v in logs if v.size] or [np.zeros(1)])
    edges = np.linspace(finite.min(), finite.max() + 1e-9, bins + 1)
    centres = (edges[:-1] + edges[1:]) / 2
    for l, (v, c) in enumerate(zip(logs, _colors(len(logs)))):
        hist, _ = np.histogram(v, bins=edges)
        med = np.median(v) if v.size else np.nan
        ax.plot(centres, hist / max(hist.sum(), 1), color=c,
                label=f"layer {l + 1}: median |{name}| = {10 ** med:.1e}")
    ax.set(xlabel=f"log10 |{name}|", ylabel="fraction of entries",
           title=f"Gradient entries per layer ({name})")
    ax.legend(fontsize="x-small")
    return ax


def plot_update_ratios(update_ratio, ax=None, reference=1e-3):
    """Update-to-weight ratio ``||dW_step|| / ||W||`` per layer over training, ndarray
    (steps, L) (``History.update_ratio``), on a log axis with a reference line (about 1e-3 is
    healthy for plain SGD, CS231n / makemore)."""
    ax = new_axes(ax)
    r = np.asarray(update_ratio, dtype=float)
    for l, c in zip(range(r.shape[1]), _colors(r.shape[1])):
        ax.semilogy(np.where(r[:, l] > 0, r[:, l], np.nan), color=c, label=f"layer {l + 1}")
    if reference:
        ax.axhline(reference, color="k", linestyle=":", label=f"reference {reference:g}")
    ax.set(xlabel="training step", ylabel="update / weight (log scale)",
           title="Update-to-weight ratio per layer")
    ax.legend(fontsize="x-small", ncol=2)
    return ax


def plot_weight_distributions(before, after, fig=None, bins=40):
    """One panel per layer: histogram of the weights before and after training; the title
    gives the relative change. Returns the figure."""
    L = len(before)
    if fig is None:
        fig = plt.figure(figsize=(2.6 * L, 2.6), layout="constrained")
    axes = fig.subplots(1, L, squeeze=False)[0]
    change = relative_change(before, after)
    for l, ax in enumerate(axes):
        lo = min(before[l].min(), after[l].min())
        hi = max(before[l].max(), after[l].max())
        edges = np.linspace(lo, hi + 1e-12, bins + 1)
        ax.hist(np.ravel(before[l]), bins=edges, histtype="step", color="0.5", label="before")
        ax.hist(np.ravel(after[l]), bins=edges, histtype="step", color="C3", label="after")
        ax.set(title=f"layer {l + 1}: moved {100 * change[l]:.2g}%", xlabel="weight value")
    axes[0].set_ylabel("count")
    axes[0].legend(fontsize="x-small")
    fig.suptitle("Weights before and after training")
    return fig


def plot_layer_bars(values, ax=None, ylabel="value", title=None, log=True, label=None, **kw):
    """A per-layer quantity as bars (layer 1 = next to the input); log axis by default."""
    ax = new_axes(ax)
    values = np.asarray(values, dtype=float)
    layers = np.arange(1, values.size + 1)
    ax.bar(layers, values, label=label, **kw)
    if log:
        ax.set_yscale("log")
    ax.set_xticks(layers)
    ax.set(xlabel="layer l (1 = next to the input)", ylabel=ylabel, title=title or ylabel)
    if label is not None:
        ax.legend(fontsize="small")
    return ax
