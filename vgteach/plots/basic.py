"""Basic plot helpers. Each takes ``ax=None`` (a new figure if None), draws one idea, returns
``ax``.

Gradient norms always go on a log axis: across layers they span decades. Nothing here calls
``plt.show()`` or changes matplotlib's global style.
"""
import matplotlib.pyplot as plt
import numpy as np

from .. import activations

__all__ = ["plot_activation", "plot_layer_norms", "plot_chain_factors", "plot_factor_table",
           "plot_loss", "plot_norm_history", "new_axes"]


def new_axes(ax=None, figsize=(6, 3.6)):
    """Return ``ax`` or a fresh Axes."""
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def plot_activation(name, z=None, ax=None, saturation=None):
    """Draw activation ``name`` and its derivative over ``z``; shade where ``f' < saturation``."""
    ax = new_axes(ax)
    z = np.linspace(-6, 6, 401) if z is None else np.asarray(z, dtype=float)
    f, fp = activations.get(name)
    ax.plot(z, f(z), label=f"{name}(z)", color="C0")
    ax.plot(z, fp(z), label=f"{name}'(z)", color="C1", linestyle="--")
    if saturation is not None:
        ax.fill_between(z, 0, 1, where=fp(z) < saturation, color="0.85",
                        transform=ax.get_xaxis_transform(), label=f"f' < {saturation:g}")
    ax.axhline(0, color="0.6", linewidth=0.8)
    ax.set(xlabel="pre-activation z", ylabel="value", title=f"{name} and its derivative")
    ax.legend(loc="upper left", fontsize="small")
    return ax


def plot_layer_norms(norms, ax=None, label=None, ylabel=r"$\|\delta_l\|$", title=None, **kw):
    """Per-layer norms (layer 1 = closest to the input) on a log axis."""
    ax = new_axes(ax)
    norms = np.asarray(norms, dtype=float)
    layers = np.arange(1, norms.size + 1)
    kw.setdefault("marker", "o")
    ax.semilogy(layers, np.where(norms > 0, norms, np.nan), label=label, **kw)
    ax.set(xlabel="layer l (1 = next to the input)", ylabel=ylabel,
           title=title or "Gradient size per layer")
    if norms.size <= 20:
        ax.set_xticks(layers)
    if label is not None:
        ax.legend(fontsize="small")
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
    ax.semilogy(layers, np.abs(grads.factors), "s--",
                label=rf"local factor $|w_i {fname}'(z_i)|$")
    ax.semilogy(layers, np.abs(grads.dout_dw), "o-", label=r"$|\partial \hat y / \partial w_i|$")
    values = np.abs(np.concatenate([grads.factors, grads.dout_dw]))
    values = values[values > 0]
    if values.size:
        ax.set_ylim(values.min() / 10, max(values.max(), 1.0) * 10)
    ax.set(xlabel="layer i (1 = next to the input)", ylabel="magnitude (log scale)",
           title="One-neuron chain: factors and gradients")
    if n <= 20:
        ax.set_xticks(layers)
    ax.legend(fontsize="small")
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
    cells = [[f"{i + 1}", f"{grads.trace.z[i]:.3g}", f"{fp[i]:.3g}", f"{w[i]:.3g}",
              f"{grads.factors[i]:.3g}", f"{grads.dout_dw[i]:.3g}"] for i in rows]
    table = ax.table(cellText=cells, loc="center", cellLoc="right",
                     colLabels=["layer i", "z_i", "f'(z_i)", "w_i", "w_i f'(z_i)",
                                "d y_hat / d w_i"])
    table.scale(1, 1.3)
    ax.set_axis_off()
    ax.set_title("Backward pass through the chain, layer by layer")
    return ax


def plot_loss(losses, ax=None, label=None, baseline=None):
    """A loss curve over training steps; ``baseline`` draws a reference level (e.g. predicting
    the mean)."""
    ax = new_axes(ax)
    ax.plot(np.arange(len(losses)), losses, label=label)
    if baseline is not None:
        ax.axhline(baseline, color="0.4", linestyle=":", label="baseline")
    ax.set(xlabel="training step", ylabel="loss", title="Training loss")
    if label is not None or baseline is not None:
        ax.legend(fontsize="small")
    return ax


def plot_norm_history(norms, ax=None, ylabel=r"$\|\delta_l\|$"):
    """Per-layer norms over training, ``norms`` (steps, L), one line per layer, log axis."""
    ax = new_axes(ax)
    norms = np.asarray(norms, dtype=float)
    colors = plt.cm.viridis(np.linspace(0, 0.9, norms.shape[1]))
    for l in range(norms.shape[1]):
        ax.semilogy(norms[:, l], color=colors[l], label=f"layer {l + 1}")
    ax.set(xlabel="training step", ylabel=ylabel, title="Gradient size per layer during training")
    ax.legend(fontsize="x-small", ncol=2)
    return ax
