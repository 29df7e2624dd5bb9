"""Basic plot helpers and the panels they share with the explorers' plots.

Each ``plot_*`` function takes ``ax=None`` (a new figure if None, see ``base.new_axes``), draws
one idea, gives the panel a text alternative generated from its data (``access``) and returns
``ax``. Gradient norms always go on a log axis: across layers they span decades.

``LayerNormsPanel`` and ``ActivationPanel`` create their artists once and update them in place;
``plot_layer_norms`` and ``plot_activation`` draw with them, and so do the explorers' plots
(``plots.explorers``), so a lesson's static figure and an explorer look alike.
"""
import matplotlib
import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.ticker import LogLocator, MaxNLocator, NullLocator

from .. import activations
from .access import describe, describe_lines, format_number, plain_text
from .base import new_axes
from .style import LINESTYLES, REFERENCE, next_series_style, series_style

__all__ = ["plot_activation", "plot_layer_norms", "plot_chain_factors", "plot_factor_table",
           "plot_loss", "plot_norm_history", "new_axes", "LayerNormsPanel", "ActivationPanel"]

LAYER_AXIS = "layer l (1 = next to the input)"


class LayerNormsPanel:
    """Per-layer norms on a log axis (layer 1 = next to the input), one line per series.

    ``add`` creates a series (once), ``set`` changes its data in place. Integer ticks, one per
    layer, up to 20 layers; minor ticks only when the values span three decades or fewer (more
    would be dozens of unlabeled ticks to draw on every update).
    """

    def __init__(self, ax, ylabel=r"$\|\delta_l\|$", title="Gradient size per layer",
                 xlabel=LAYER_AXIS):
        self.ax = ax
        ax.set_yscale("log")
        ax.set(xlabel=xlabel, ylabel=ylabel)
        if title is not None:
            ax.set_title(title, y=1.0)

    def add(self, norms=None, label=None, **kw):
        """A new series in the next course style (``kw`` overrides it); returns its Line2D."""
        style = next_series_style(self.ax)
        style.update(kw)
        line, = self.ax.plot([], [], label=label, **style)
        if norms is not None:
            self.set(line, norms)
        return line

    def set(self, line, norms):
        """Show ``norms`` (L,) on ``line``; zero norms are left out (log axis)."""
        norms = np.asarray(norms, dtype=float)
        line.set_data(np.arange(1, norms.size + 1), np.where(norms > 0, norms, np.nan))
        self.rescale()

    def rescale(self):
        """Fit the axes to every series' current data."""
        ax = self.ax
        ax.relim()
        ax.autoscale_view()
        n = max((len(ln.get_xdata()) for ln in ax.get_lines()), default=0)
        if 0 < n <= 20:
            ax.set_xticks(np.arange(1, n + 1))
        else:
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        low, high = ax.get_ylim()
        few_decades = low > 0 and high / low <= 1e3
        ax.yaxis.set_minor_locator(LogLocator(subs="auto") if few_decades else NullLocator())


class ActivationPanel:
    """An activation ``f`` and its slope ``f'`` over ``z``, with the range where the slope is
    below a threshold shaded; artists created once, ``set`` changes them in place."""

    def __init__(self, ax):
        self.ax = ax
        s0, s1 = series_style(0), series_style(1)
        self.f_line, = ax.plot([], [], color=s0["color"], linestyle=s0["linestyle"])
        self.fp_line, = ax.plot([], [], color=s1["color"], linestyle=s1["linestyle"])
        # the saturated range: grey and hatched, readable without colour
        self.shade = PolyCollection([], facecolor="0.9", edgecolor="0.75", hatch="//",
                                    linewidth=0, transform=ax.get_xaxis_transform(), zorder=0)
        ax.add_collection(self.shade)
        ax.axhline(0, color="0.6", linewidth=0.8)
        ax.set(xlabel="pre-activation z", ylabel="value")
        self.legend = None
        self.name, self.threshold, self.saturated = None, None, np.zeros(0, dtype=bool)

    def set(self, name, z, f, f_prime, threshold=None):
        """Draw ``f`` and ``f_prime`` over ``z``; shade where ``f_prime < threshold``."""
        z = np.asarray(z, dtype=float)
        self.f_line.set_data(z, f)
        self.fp_line.set_data(z, f_prime)
        self.f_line.set_label(f"{name}(z)")
        self.fp_line.set_label(f"{name}'(z)")
        self.saturated = (np.asarray(f_prime) < threshold if threshold is not None
                          else np.zeros(z.size, dtype=bool))
        self.shade.set_verts([[(a, 0), (b, 0), (b, 1), (a, 1)]
                              for a, b in _spans(z, self.saturated)])
        self.shade.set_label(f"f' < {threshold:.3g}" if threshold is not None else "_shade")
        self.name, self.threshold = name, threshold
        self.ax.relim()
        self.ax.autoscale_view()
        if self.legend is None:
            handles = [self.f_line, self.fp_line] + ([self.shade] if threshold is not None
                                                     else [])
            self.legend = self.ax.legend(handles=handles, loc="upper left", fontsize="small")
        else:
            for text, handle in zip(self.legend.get_texts(),
                                    [self.f_line, self.fp_line, self.shade]):
                text.set_text(handle.get_label())

    def describe(self):
        """What the panel shows, in words, from its current data."""
        z, fp = self.fp_line.get_xdata(), np.asarray(self.fp_line.get_ydata())
        k = int(np.argmax(fp))
        text = (f"The activation {self.name} and its slope {self.name}' for z from "
                f"{format_number(z[0])} to {format_number(z[-1])}; the slope peaks at "
                f"{format_number(fp[k])} at z = {format_number(z[k])}.")
        if self.threshold is not None:
            spans = _spans(z, self.saturated)
            where = ", ".join(f"{format_number(a)} to {format_number(b)}" for a, b in spans)
            text += (f" Shaded: slope below {format_number(self.threshold)}, "
                     f"{100 * self.saturated.mean():.0f}% of the range"
                     + (f" (z from {where})." if spans else "."))
        return text


def _spans(z, mask):
    """``[(z_start, z_end), ...]`` of the runs where ``mask`` is True."""
    if not mask.any():
        return []
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    return [(float(z[a]), float(z[b - 1])) for a, b in zip(edges[::2], edges[1::2])]


def plot_activation(name, z=None, ax=None, saturation=None):
    """Draw activation ``name`` and its derivative over ``z``; shade where ``f' < saturation``."""
    ax = new_axes(ax)
    z = np.linspace(-6, 6, 401) if z is None else np.asarray(z, dtype=float)
    f, fp = activations.get(name)
    panel = ActivationPanel(ax)
    panel.set(name, z, f(z), fp(z), saturation)
    ax.set_title(f"{name} and its derivative")
    describe(ax, lambda _: panel.describe())
    return ax


def plot_layer_norms(norms, ax=None, label=None, ylabel=r"$\|\delta_l\|$", title=None, **kw):
    """Per-layer norms (layer 1 = closest to the input) on a log axis.

    Call it again on the same ``ax`` to add a series: each gets the next course colour, line
    style and marker (``kw`` such as ``color=`` overrides them).
    """
    ax = new_axes(ax)
    panel = LayerNormsPanel(ax, ylabel=ylabel, title=title or "Gradient size per layer")
    panel.add(norms, label=label, **kw)
    if label is not None:
        ax.legend(fontsize="small")
    describe(ax, lambda a: describe_lines(a, "Per-layer plot"))
    return ax


def plot_chain_factors(grads, ax=None, fname="f"):
    """Local factors ``|w_i f'(z_i)|`` and ``|d y_hat / d w_i|`` of a chain, on a log axis.

    ``fname`` names the activation in the legend (e.g. ``r"\\sigma"``). The y axis always reaches
    above 1 with headroom, so reference lines such as 0.25 (the sigmoid's peak slope) stay visible;
    chains of up to 20 layers get one integer tick per layer.
    """
    ax = new_axes(ax)
    n = grads.factors.size
    layers = np.arange(1, n + 1)
    ax.semilogy(layers, np.abs(grads.factors), label=rf"local factor $|w_i {fname}'(z_i)|$",
                **next_series_style(ax))
    ax.semilogy(layers, np.abs(grads.dout_dw), label=r"$|\partial \hat y / \partial w_i|$",
                **next_series_style(ax))
    values = np.abs(np.concatenate([grads.factors, grads.dout_dw]))
    values = values[values > 0]
    if values.size:
        ax.set_ylim(values.min() / 10, max(values.max(), 1.0) * 10)
    ax.set(xlabel="layer i (1 = next to the input)", ylabel="magnitude (log scale)",
           title="One-neuron chain: factors and gradients")
    if n <= 20:
        ax.set_xticks(layers)
    ax.legend(fontsize="small")
    describe(ax, lambda a: describe_lines(a, "Per-layer plot"))
    return ax


def plot_factor_table(grads, ax=None, rows=None):
    """A table of a chain's backward pass: per layer ``z_i``, ``f'(z_i)``, ``w_i``, the local
    factor ``w_i f'(z_i)`` and ``d y_hat / d w_i``. ``rows`` picks layers (0-based), default:
    the first three and the last two."""
    n = grads.factors.size
    if rows is None:
        rows = sorted(set(range(min(3, n))) | set(range(max(n - 2, 0), n)))
    ax = new_axes(ax, figsize=(7, 0.45 * (len(rows) + 2)))
    fp, w = grads.f_prime, grads.weights
    header = ["layer i", "z_i", "f'(z_i)", "w_i", "w_i f'(z_i)", "d y_hat / d w_i"]
    cells = [[f"{i + 1}", f"{grads.trace.z[i]:.3g}", f"{fp[i]:.3g}", f"{w[i]:.3g}",
              f"{grads.factors[i]:.3g}", f"{grads.dout_dw[i]:.3g}"] for i in rows]
    table = ax.table(cellText=cells, loc="center", cellLoc="right", colLabels=header)
    table.scale(1, 1.3)
    ax.set_axis_off()
    ax.set_title("Backward pass through the chain, layer by layer")
    text = (f"Table of the backward pass through a {n}-layer chain, columns "
            f"{', '.join(header)}. " + " ".join(
                "Row " + "; ".join(f"{h} {c}" for h, c in zip(header, row)) + "."
                for row in cells))
    describe(ax, text)
    return ax


def plot_loss(losses, ax=None, label=None, baseline=None):
    """A loss curve over training steps; ``baseline`` draws a reference level (e.g. predicting
    the mean)."""
    ax = new_axes(ax)
    ax.plot(np.arange(len(losses)), losses, label=label, **next_series_style(ax, marker=False))
    if baseline is not None:
        ax.axhline(baseline, color=REFERENCE, linestyle=":", label="baseline")
    ax.set(xlabel="training step", ylabel="loss", title="Training loss")
    if label is not None or baseline is not None:
        ax.legend(fontsize="small")
    describe(ax, lambda a: describe_lines(a, "Training curve"))
    return ax


def layer_colors(n):
    """``n`` colours for layers 1..n, light to dark along viridis (ordered, colour-blind
    safe); pair them with ``LINESTYLES`` so neighbouring layers also differ in style."""
    return matplotlib.colormaps["viridis"](np.linspace(0, 0.9, max(n, 1)))


def plot_norm_history(norms, ax=None, ylabel=r"$\|\delta_l\|$"):
    """Per-layer norms over training, ``norms`` (steps, L), one line per layer, log axis."""
    ax = new_axes(ax)
    norms = np.asarray(norms, dtype=float)
    for l, color in enumerate(layer_colors(norms.shape[1])):
        ax.semilogy(norms[:, l], color=color, linestyle=LINESTYLES[l % len(LINESTYLES)],
                    label=f"layer {l + 1}")
    ax.set(xlabel="training step", ylabel=ylabel, title="Gradient size per layer during training")
    ax.legend(fontsize="x-small", ncol=2)
    describe(ax, lambda a: describe_lines(a, f"One line per layer ({plain_text(ylabel)})"))
    return ax
