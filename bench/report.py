"""Format benchmark results as Markdown, printed to the terminal and written to results.md."""
import math

TARGETS = {"series_ratio": 2.0, "explorer_ms": 100.0, "explorer_burst_ms": 150.0,
           "rel_diff": 1e-10, "torch_ratio": 1.2, "default_ratio": 1.1}


def _f(x, spec=".3g"):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return format(x, spec)


def _verdict(ok):
    return "meets target" if ok else "MISSES target"


def machine_lines(info, threads):
    lines = ["## Machine", ""] + [f"- **{k}**: {v}" for k, v in info.items()]
    lines.append(f"- NumPy's BLAS and torch both use {threads} thread(s) "
                 "(OMP/OPENBLAS/MKL_NUM_THREADS and torch.set_num_threads).")
    return lines


def engine_lines(results):
    lines = ["## Engine vs PyTorch CPU (forward + backward, same weights, one process)", ""]
    rows = [results.get("mlp"), results.get("mlp_small"), results.get("lstm")]
    if any(r and r.get("torch_ms") is None and "missing" not in r for r in rows):
        lines += ["PyTorch is not installed (`pip install -e '.[bench]'`): "
                  "only vgteach's own times are shown.", ""]
    lines += ["| case | vgteach ms | torch ms | torch / vgteach | same, CPU time | "
              "max rel. grad diff |", "|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        if not r:
            continue
        if "missing" in r:
            lines.append(f"| LSTM | not available: {r['missing']} | | | | |")
            continue
        how = "torch autograd, Python loop" if "fused_ms" in r else "torch autograd"
        lines.append(f"| {r['case']} ({how}) | {_f(r['vgteach_ms'])} | {_f(r['torch_ms'])} | "
                     f"{_f(r['ratio'])} | {_f(r.get('cpu_ratio'))} | "
                     f"{_f(r['max_rel_diff'], '.1e')} |")
        if r.get("fused_ms") is not None:
            lines.append(f"| {r['case']} (torch.nn.LSTM, fused) | {_f(r['vgteach_ms'])} | "
                         f"{_f(r['fused_ms'])} | {_f(r['fused_ratio'])} | "
                         f"{_f(r.get('fused_cpu_ratio'))} | {_f(r['fused_max_rel_diff'], '.1e')} |")
    lines.append("")
    for r in rows:
        if r and r.get("ratio") is not None:
            ok = r["ratio"] >= TARGETS["torch_ratio"] and r["max_rel_diff"] <= TARGETS["rel_diff"]
            lines.append(f"- {r['case']}: {_verdict(ok)} (torch / vgteach time >= "
                         f"{TARGETS['torch_ratio']}, gradients within {TARGETS['rel_diff']:g}).")
    lines.append("- Relative difference of one gradient array: max|ours - torch| / max|torch|; "
                 "the table shows the largest over all arrays. Times are medians of wall-clock "
                 "runs that take turns, each keeping its previous result alive as a training "
                 "loop does; the CPU-time ratio leaves out time spent waiting for a busy CPU.")
    return lines


def scaling_lines(rows):
    lines = ["## Scaling of the engine (forward + backward, fastest of several runs, ms)", "",
             "Others held at MLP 20x64, batch 128; LSTM T=100, H=64, D=64, batch 32. "
             "`ms / unit` is flat where the cost grows linearly.", "",
             "| sweep | value | ms | ms / unit | x time vs first |", "|---|---:|---:|---:|---:|"]
    first = {}
    for r in rows:
        base = first.setdefault(r["sweep"], r)
        lines.append(f"| {r['sweep']} | {r['value']} | {_f(r['ms'])} | "
                     f"{_f(r['ms_per_unit'], '.3f')} | {_f(r['ms'] / base['ms'], '.2f')} "
                     f"(size x{r['value'] / base['value']:g}) |")
    return lines


def explorer_lines(results):
    """The explorer section: browser latency against the floor, then the kernel breakdown."""
    lines = ["## Explorer latency (JupyterLab in Chromium, a kernel with the user's default "
             "environment)", ""]
    browser = results.get("explorer_browser")
    if browser is None:
        pass
    elif "missing" in browser:
        lines += [f"Browser measurement skipped: {browser['missing']}.", ""]
    else:
        floor = browser["floor"]
        lines += ["Key press to painted plot, ms (single moves, a pause between; bursts: three "
                  "presses 40 ms apart, last key to last image). The floor is a slider that "
                  "only updates a label, measured in the same run.", "",
                  "| widget | single n | single median | single p90 | / floor | burst n | "
                  "burst median | burst p90 | / floor |", "|---|---:|---:|---:|---:|---:|---:|"
                  "---:|---:|"]
        for name, r in browser.items():
            s1, b1 = r["single"], r["burst"]
            ratio = (lambda k: "1" if name == "floor" else _f(r.get(f"{k}_ratio"), ".2f"))
            lines.append(f"| {name} | {s1['n']} | {_f(s1['median'])} | {_f(s1['p90'])} | "
                         f"{ratio('single')} | {b1['n']} | {_f(b1['median'])} | "
                         f"{_f(b1['p90'])} | {ratio('burst')} |")
        explorers = {k: v for k, v in browser.items() if k != "floor"}
        if explorers:
            single = max(r["single"]["median"] for r in explorers.values())
            burst = max(r["burst"]["median"] for r in explorers.values())
            lines += ["", f"- Slowest single-move median {_f(single)} ms: "
                      f"{_verdict(single <= TARGETS['explorer_ms'])} (<= 100 ms); slowest burst "
                      f"median {_f(burst)} ms: {_verdict(burst <= TARGETS['explorer_burst_ms'])}"
                      f" (<= 150 ms). Floor: {_f(floor['single']['median'])} ms single, "
                      f"{_f(floor['burst']['median'])} ms burst.", ""]
    kernel = results.get("explorers", {})
    lines += ["Kernel side: one update while each control sweeps its range (medians, ms; a "
              "fresh explorer, so settings are computed, not found ready).", "",
              "| explorer | updates | total | CPU | compute | update artists | layout | draw | "
              "PNG | send | relayouts | worst (at) |", "|---|---:|---:|---:|---:|---:|---:|"
              "---:|---:|---:|---:|---|"]
    for name, r in kernel.items():
        if "error" in r:
            lines.append(f"| {name} | error: {r['error']} | | | | | | | | | | |")
            continue
        lines.append(f"| {name} | {r['n']} | {_f(r['median_ms'])} | {_f(r.get('cpu_ms'))} | "
                     + " | ".join(_f(r.get(f"{p}_ms")) for p in
                                  ("compute", "update", "layout", "draw", "encode", "send"))
                     + f" | {r.get('relayouts', 0)} | {_f(r['worst_ms'])} ({r['worst_at']}) |")
    return lines


def series_lines(s):
    lines = ["## Series vs floor (every notebook executed with nbclient)", ""]
    if not s["notebooks"]:
        return lines + ["No notebooks found in notebooks/, solutions/, exercises/."]
    lines += [f"- Notebooks: {len(s['notebooks'])}; series {s['series_seconds']:.1f} s, "
              f"floor {s['floor_seconds']:.1f} s (kernel start + imports, same count), "
              f"**ratio {s['ratio']:.2f}** ({_verdict(s['ratio'] <= TARGETS['series_ratio'])}: "
              f"<= {TARGETS['series_ratio']}).",
              f"- Peak memory of one kernel: {s['peak_mib']:.0f} MiB "
              f"(floor kernel {s['floor_peak_mib']:.0f} MiB).",
              f"- The lessons that set `use_stored` read their long sweeps back from stored results "
              f"at their default seed (`vgteach.stored`), as a learner's first run does. With "
              f"every one of them computed instead (`use_stored = False`, what any other seed "
              f"costs): series {s.get('computed_series_seconds', float('nan')):.1f} s, ratio "
              f"{s.get('computed_ratio', float('nan')):.2f} (no target).",
              f"- Whole run including the floor: {s['wall_seconds']:.0f} s.",
              "- Slowest: " + ", ".join(f"{r['path']} {r['seconds']:.1f} s"
                                        for r in s["slowest"])]
    worst = s.get("default_ratio_max", float("nan"))
    if not math.isnan(worst):
        lines.append(f"- In a kernel with the environment the benchmark was started with (a "
                     f"learner's kernel: no thread settings unless yours has them), each lesson "
                     f"takes at most **{worst:.2f}x** its one-thread time (medians of "
                     f"{s.get('pairs', 1)} runs each way, taking turns) "
                     f"({_verdict(worst <= TARGETS['default_ratio'])}: "
                     f"<= {TARGETS['default_ratio']}).")
    lines += ["", "| notebook | s | default env s | default / one thread | all computed s | "
              "floor s | s - floor | peak MiB | errors |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in s["notebooks"]:
        default = (f"{r['default_seconds']:.1f} | {r['default_ratio']:.2f}"
                   if "default_seconds" in r else " | ")
        errors = r["errors"] + r.get("default_errors", 0) + r.get("computed_errors", 0)
        computed = f"{r['computed_seconds']:.1f}" if "computed_seconds" in r else ""
        lines.append(f"| {r['path']} | {r['seconds']:.1f} | {default} | {computed} | "
                     f"{r['floor_seconds']:.1f} | {r['seconds'] - r['floor_seconds']:.1f} | "
                     f"{r['peak_mib']:.0f} | {errors} |")
    return lines


def markdown(results):
    """The whole results file."""
    lines = ["# Benchmark results", "",
             "Generated by `make bench` (`python -m bench`); do not edit by hand.", ""]
    lines += machine_lines(results["machine"], results["threads"]) + [""]
    if "mlp" in results:
        lines += engine_lines(results) + [""]
    if "scaling" in results:
        lines += scaling_lines(results["scaling"]) + [""]
    if "explorers" in results:
        lines += explorer_lines(results) + [""]
    if "series" in results:
        lines += series_lines(results["series"]) + [""]
    return "\n".join(lines)
