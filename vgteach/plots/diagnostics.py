"""Plots of the training diagnostics in ``vgteach.measure.diagnostics`` (makemore part 3's
activation and gradient histograms, update:data ratios, weight distributions), and of how long
plateaus last (``vgteach.measure.plateau``).

Each takes ``ax=None`` (or ``fig=None`` for several panels), gives what it drew a text
alternative generated from the data (``access``) and returns it.
"""
import numpy as np

from ..measure.diagnostics import SATURATION, activation_stats, relative_change
from .access import describe, describe_lines, format_number, plain_text
from .base import new_axes, new_figure
from .basic import layer_colors
from .style import LINESTYLES, REFERENCE, next_series_style, series_style

__all__ = ["plot_activation_histograms", "plot_gradient_histograms", "plot_update_ratios",
           "plot_weight_distributions", "plot_layer_bars", "plot_plateaus"]


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
           title=f"Activations per layer ({activation})\nsaturated: {SATURATION[activation]}")
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
        ax.set(title=f"layer {l + 1}\nmoved {100 * change[l]:.2g}%", xlabel="weight value")
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


def plot_plateaus(sweep, ax=None, lrs=None, label=None):
    """Steps on the plateau against depth, from ``measure.plateau.sweep_plateaus``, log axis.

    One series per learning rate (``lrs`` picks some; default all): each run as a hollow
    marker, and a line through the geometric mean over seeds at the depths where every run
    left the plateau. A run that never left it within ``sweep.steps`` is drawn at
    ``sweep.steps`` with an ``x``. Call again on the same ``ax`` to add a sweep (e.g. the
    balanced control); ``label`` starts each series' legend entry.
    """
    ax = new_axes(ax)
    depths = np.asarray(sweep.depths)
    summary = []
    for j, lr in enumerate(sweep.lrs):
        if lrs is not None and lr not in lrs:
            continue
        style = next_series_style(ax)
        end = np.asarray(sweep.end[:, j], dtype=float)  # (depths, seeds)
        done = end > 0
        name = (f"{label}, " if label else "") + f"lr {lr:g}" + \
            (", per-layer rates" if getattr(sweep, "balanced", False) else "")
        typical = np.where(done.all(axis=1),
                           np.exp(np.log(np.where(done, end, 1.0)).mean(axis=1)), np.nan)
        ax.plot(depths, typical, color=style["color"], linestyle=style["linestyle"],
                marker=style["marker"], label=name)
        runs = np.repeat(depths[:, None], end.shape[1], axis=1)
        ax.plot(runs[done], end[done], linestyle="none", marker=style["marker"], mfc="none",
                color=style["color"], alpha=0.6)
        if (~done).any():
            ax.plot(runs[~done], np.full((~done).sum(), sweep.steps), linestyle="none",
                    marker="x", markersize=9, color=style["color"],
                    label=f"{name}: never left in {sweep.steps:,} steps")
        summary.append(f"{name}: geometric mean " + ", ".join(
            f"{format_number(t)} at {d}" for d, t in zip(depths, typical) if np.isfinite(t))
            + (f"; {(~done).sum()} of {done.size} runs never left the plateau"
               if (~done).any() else ""))
    ax.set_yscale("log")
    ax.set_xticks(depths)
    ax.set(xlabel="hidden layers", ylabel="steps on the plateau",
           title="How long the plateau lasts")
    ax.legend(fontsize="x-small")
    previous = getattr(ax, "_vgteach_plateaus", [])
    ax._vgteach_plateaus = previous + summary
    describe(ax, "Steps on the plateau (log scale) against the number of hidden layers, "
             f"{len(sweep.seeds)} seeds per setting (hollow markers), lines through their "
             "geometric mean. " + ". ".join(ax._vgteach_plateaus) + ".")
    return ax
