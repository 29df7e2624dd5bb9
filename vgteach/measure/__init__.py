"""Measurements of networks and the experiments behind the lessons' figures and the explorers.

NumPy only (no matplotlib, no ipywidgets): every function takes arrays or nets and returns
arrays or small dataclasses, so it is tested directly and reused by lessons, explorers and
checkers. Import the module you need: ``from vgteach.measure import diagnostics``.

- ``diagnostics``: per-layer statistics, the one definition of *saturated*, dead units
- ``through_time``: gradient size back through time in an RNN and an LSTM
- ``plateau``: how long a deep net sits at the loss of a constant guess before it learns
- ``lockstep``: several nets of one shape trained at once (sweeps over learning rates, seeds)
- ``long_lag``: the adding problem for many RNN/LSTM runs at once, stored runs at T = 100,
  and what a trained LSTM's gates and cell-state gradient look like
- ``lr_window``: deep plain, batch-norm and residual nets trained at once over learning rates
- ``depth``, ``activation``, ``dashboard``, ``residual``: the explorers' computations
- ``step_size``, ``clipping``, ``adaptive``: blow-ups from the step size, exploding gradients
  through time, and what an adaptive optimizer changes
- ``layerwise``: what greedy layer-wise pretraining buys, with its random-encoder control
- ``gain``: the per-layer gain rule ``n * Var(W) * E[f'(z)**2]``, predicted and measured layer by
  layer, and the centred sigmoid as the control for the sigmoid's offset
- ``output_unit``: a saturated sigmoid output unit under squared error and cross-entropy
- ``init_sweep``: one deep architecture trained from several initializations over a range of
  learning rates
"""
