"""Plots (matplotlib only). Each helper takes ``ax=None`` (a new figure if None), draws one
idea and returns ``ax``; nothing here calls ``plt.show()`` or changes matplotlib's global style.

- ``basic``: activations, per-layer norms, the one-neuron chain, loss curves
- ``diagnostics``: histograms, update:data ratios, weight distributions
- ``explorers``: the explorers' results (the lessons draw their static figures with them too)

Every public helper is also available here: ``from vgteach import plots; plots.plot_loss(...)``.
"""
from .basic import (new_axes, plot_activation, plot_chain_factors, plot_factor_table,
                    plot_layer_norms, plot_loss, plot_norm_history)
from .diagnostics import (plot_activation_histograms, plot_gradient_histograms,
                          plot_layer_bars, plot_update_ratios, plot_weight_distributions)
from .explorers import (plot_activation_view, plot_dashboard, plot_depth, plot_lstm_gates,
                        plot_residual)

__all__ = ["new_axes", "plot_activation", "plot_chain_factors", "plot_factor_table",
           "plot_layer_norms", "plot_loss", "plot_norm_history", "plot_activation_histograms",
           "plot_gradient_histograms", "plot_layer_bars", "plot_update_ratios",
           "plot_weight_distributions", "plot_activation_view", "plot_dashboard", "plot_depth",
           "plot_lstm_gates", "plot_residual"]
