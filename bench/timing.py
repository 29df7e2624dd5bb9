"""Small timing helpers shared by the benchmarks."""
import time

import numpy as np


def time_calls(fn, repeat=10, warmup=1):
    """Call ``fn()`` ``warmup`` times untimed, then ``repeat`` times; return the seconds, ndarray."""
    for _ in range(warmup):
        fn()
    times = np.empty(repeat)
    for k in range(repeat):
        start = time.perf_counter()
        fn()
        times[k] = time.perf_counter() - start
    return times


def interleaved(fns, repeat=10, warmup=1):
    """Time several callables taking turns (a, b, a, b, ...) so machine noise hits them alike.

    ``fns`` maps name -> callable; returns name -> ndarray of seconds.
    """
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    times = {name: np.empty(repeat) for name in fns}
    for k in range(repeat):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name][k] = time.perf_counter() - start
    return times
