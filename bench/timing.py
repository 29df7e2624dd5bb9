"""Small timing helpers shared by the benchmarks.

Each callable's previous result stays alive until its next call, as in a training loop
(``grads = step()`` binds the new gradients before the old ones are freed). Dropping every result
at once instead frees a few MB at the top of the heap, which glibc's malloc may hand back to the
kernel (its trim threshold is 128 KiB until a larger block has been freed), so the next call
page-faults its arrays in again: about 130 page faults and 10-20% more CPU time per call of
vgteach's 20-layer MLP here, a cost a training loop does not pay (bench/README.md).
"""
import time

import numpy as np


def time_calls(fn, repeat=10, warmup=1):
    """Call ``fn()`` ``warmup`` times untimed, then ``repeat`` times; the seconds, ndarray."""
    return interleaved({"fn": fn}, repeat, warmup)["fn"]


def interleaved(fns, repeat=10, warmup=1, cpu=False):
    """Time several callables taking turns (a, b, a, b, ...) so machine noise hits them alike.

    ``fns`` maps name -> callable; returns name -> ndarray of seconds (wall clock). With
    ``cpu=True`` it returns ``(wall, cpu)``, the second the process's CPU time per call: time
    spent waiting while other programs use the CPU counts in the first, not in the second.
    """
    last = {}
    for name, fn in fns.items():
        for _ in range(warmup):
            last[name] = fn()
    wall = {name: np.empty(repeat) for name in fns}
    used = {name: np.empty(repeat) for name in fns}
    for k in range(repeat):
        for name, fn in fns.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            result = fn()
            wall[name][k] = time.perf_counter() - start
            used[name][k] = time.process_time() - start_cpu
            last[name] = result  # the previous result is freed only now, after the call
            del result
    return (wall, used) if cpu else wall
