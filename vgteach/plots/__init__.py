"""Plots (matplotlib only, never pyplot's global state). Each ``plot_*`` helper takes
``ax=None`` (a new figure if None), draws one idea, describes it in words for the alt text and
returns ``ax``; nothing here calls ``plt.show()`` or changes matplotlib's style on import.

- ``base``: ``Plot``, the plot object explorers and lessons share (artists built once,
  ``update(result)`` changes them in place), and ``new_axes``
- ``basic``: activations, per-layer norms, the one-neuron chain, loss curves
- ``diagnostics``: histograms, update:data ratios, weight distributions, plateau lengths
- ``explorers``: the explorers' results (``DepthPlot``, ``DashboardPlot``, ...; the lessons draw
  their static figures with them too)
- ``style``: the colour-blind-safe palette; ``use_course_style()`` applies it to a lesson's own
  figures
- ``access``: alt text; ``describe(fig_or_ax, "...")`` gives a lesson's own figure its text

Every public helper is also available here: ``from vgteach import plots; plots.plot_loss(...)``.
"""
from .access import alt_text, describe
from .base import Plot, new_axes
from .basic import (plot_activation, plot_chain_factors, plot_factor_table, plot_layer_norms,
                    plot_loss, plot_norm_history)
from .diagnostics import (plot_activation_histograms, plot_gradient_histograms,
                          plot_layer_bars, plot_plateaus, plot_update_ratios,
                          plot_weight_distributions)
from .explorers import (ActivationPlot, DashboardPlot, DepthPlot, LstmGatesPlot, ResidualPlot,
                        plot_activation_view, plot_dashboard, plot_depth, plot_lstm_gates,
                        plot_residual)
from .style import PALETTE, series_style, use_course_style

__all__ = ["new_axes", "plot_activation", "plot_chain_factors", "plot_factor_table",
           "plot_layer_norms", "plot_loss", "plot_norm_history", "plot_activation_histograms",
           "plot_gradient_histograms", "plot_layer_bars", "plot_update_ratios",
           "plot_weight_distributions", "plot_plateaus", "plot_activation_view", "plot_dashboard",
           "plot_depth", "plot_lstm_gates", "plot_residual", "Plot", "ActivationPlot", "DepthPlot",
           "LstmGatesPlot", "ResidualPlot", "DashboardPlot", "describe", "alt_text",
           "use_course_style", "series_style", "PALETTE"]
