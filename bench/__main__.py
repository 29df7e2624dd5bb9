"""``python -m bench``: run every benchmark, print the figures, write bench/results.md.

Options: ``--threads N`` (BLAS/OpenMP/torch threads, default 1, the same for NumPy and torch),
``--quick`` (smaller repeats, for a smoke run), ``--skip series,explorers,engine,scaling``,
``--out PATH``. The lessons also run once each in a kernel with the environment ``make bench``
was started with, as a learner's kernel would be (see ``series.py``).
"""
import argparse
import os
import sys

from . import machine  # imports no NumPy: safe before the thread variables are set


def _parse(argv):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--skip", default="", help="comma-separated sections to skip")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "results.md"))
    return parser.parse_args(argv)


def main(argv=None):
    args = _parse(argv)
    default_env = dict(os.environ)  # what a learner's kernel would inherit
    # Thread counts must be set before NumPy (and its BLAS) is imported.
    for var in machine.THREAD_VARIABLES:
        os.environ[var] = str(args.threads)
    from . import engine, explorers, report, series

    torch = engine.try_torch(args.threads)
    skip = set(filter(None, args.skip.split(",")))
    repeat = 3 if args.quick else 10
    results = {"machine": machine.describe(default_env), "threads": args.threads}
    _show(report.machine_lines(results["machine"], args.threads))
    if "engine" not in skip:
        for key, case in engine.MLP_CASES.items():  # a few ms a call: more repeats, steadier
            results[key] = engine.compare_mlp(**case, repeat=3 * repeat, torch=torch)
        results["lstm"] = _maybe(engine.compare_lstm, repeat=max(3, repeat // 2), torch=torch)
        _show(report.engine_lines(results))
    if "scaling" not in skip:
        results["scaling"] = engine.scaling(repeat=3 if args.quick else 5)
        _show(report.scaling_lines(results["scaling"]))
    if "explorers" not in skip:
        from . import lab
        env = lab.learner_env(default_env)  # explorer kernels run as a learner's would
        print("\nExplorers: kernel-side breakdown, then JupyterLab in Chromium ...", flush=True)
        results["explorers"] = explorers.measure_in_kernel(n_values=3 if args.quick else 6,
                                                           env=env)
        if lab.chromium_available():
            results["explorer_browser"] = explorers.measure_in_browser(
                single=2 if args.quick else 4, bursts=1 if args.quick else 2, env=env)
        else:
            results["explorer_browser"] = {"missing": f"Playwright or Chromium ({lab.CHROMIUM}) "
                                                      "is not installed"}
        _show(report.explorer_lines(results))
    if "series" not in skip:
        paths = series.find_notebooks()
        print(f"\nSeries vs floor: executing {len(paths)} notebooks, each followed by a floor "
              "notebook ...", flush=True)
        results["series"] = series.series_vs_floor(paths, default_env=default_env)
        _show(report.series_lines(results["series"]))
    with open(args.out, "w") as f:
        f.write(report.markdown(results))
    print(f"\nWrote {args.out}")
    return 0


def _show(lines):
    print("\n" + "\n".join(lines), flush=True)


def _maybe(fn, **kw):
    """Run a benchmark whose module may not exist yet (e.g. vgteach.recurrent)."""
    try:
        return fn(**kw)
    except ImportError as exc:
        return {"missing": str(exc)}


if __name__ == "__main__":
    sys.exit(main())
