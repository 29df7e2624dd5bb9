"""Benchmarks for the course: notebooks vs a floor, explorer latency, engine vs PyTorch, scaling.

Run everything with ``make bench`` (or ``python -m bench``); results go to ``bench/results.md``.
Every figure is a ratio measured in one run, because the machine is shared and noisy.
"""
