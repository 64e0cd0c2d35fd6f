"""Start-up time of `shieldcheck engage european-third-site-2007`: empty kernel cache vs warm, beside
`shieldcheck --help`, in the same run; optionally against another git revision, interleaved.

Each timing is a fresh process running the command (``python -c 'from shieldcheck.cli import main;
main()'``, what the installed ``shieldcheck`` script runs). The cold run points ``NUMBA_CACHE_DIR`` at a new
empty folder (what a fresh install sees: every kernel compiles); the warm runs reuse it. Wall time on this
shared 2-core machine is noisy, so the CPU time of the child process (user + system, from ``os.wait4``) is
reported too, with the load average before and after, and the ratios are to ``--help`` measured in the
same run. ``--ref main`` also times that revision (exported with ``git archive``), each cold and warm run
right after this tree's, so both see the same load. ``--kernels`` adds the compile time of every kernel
in a cold in-process run (CPU seconds between numba's ``numba:compile`` events, nested compilations
subtracted).
A first run compiles the engagement kernel in a second process (`shieldcheck._numba.compile_ahead`); the
same cold run with ``SHIELDCHECK_COMPILE_AHEAD=0`` (one process compiles everything) is timed beside it,
and the CPU time of a cold run includes that second process (the command waits for it). Every tree's
Python bytecode is compiled first (``compileall``), as ``pip install`` does: with
``PYTHONDONTWRITEBYTECODE`` set (this machine's environment sets it) an editable tree would otherwise
recompile the package's Python source at every start, about 0.2 s that no installed copy pays.
Goals (issue 9): cold under 10 s, warm under 1 s. Run: ``python benchmarks/bench_startup.py [--ref main]
[--cold-runs 2] [--kernels]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from bench_kernels_ab import export_revision

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).parent / "results" / "startup.json"
ENGAGE = ["engage", "european-third-site-2007"]
MAIN = "from shieldcheck.cli import main; main()"

KERNELS = textwrap.dedent(
    """
    import json, resource, sys, time
    from numba.core import event
    buffer = []  # (CPU seconds of this process, event): compilation runs in the calling thread

    class Recorder(event.Listener):
        def on_start(self, ev):
            buffer.append((time.process_time(), ev))

        def on_end(self, ev):
            buffer.append((time.process_time(), ev))

    event.register("numba:compile", Recorder())
    from typer.testing import CliRunner
    from shieldcheck.cli import app
    assert CliRunner().invoke(app, sys.argv[1:]).exit_code == 0
    stack, own = [], {}
    for ts, ev in buffer:
        if ev.is_start:
            stack.append([ts, ev, 0.0])
            continue
        t0, start, nested = stack.pop()
        disp = (start.data or {}).get("dispatcher")
        fn = getattr(disp, "py_func", None)
        name = f"{fn.__module__}.{fn.__name__}" if fn is not None else "?"
        if not name.startswith("shieldcheck"):
            name = "numba internals"
        own[name] = own.get(name, 0.0) + (ts - t0) - nested
        if stack:
            stack[-1][2] += ts - t0
    ru = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"kernels": own, "process_cpu_s": ru.ru_utime + ru.ru_stime}))
    """
)


def timed(src: Path, cache: Path, args: list[str], **extra: str) -> tuple[float, float]:
    """(wall s, child CPU s) of one run of the command from the sources in ``src``."""
    env = {**os.environ, "PYTHONPATH": str(src), "NUMBA_CACHE_DIR": str(cache), **extra}
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", MAIN, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"shieldcheck {' '.join(args)} failed ({src})")
    return wall, usage.ru_utime + usage.ru_stime


def kernel_table(src: Path, cache: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(src), "NUMBA_CACHE_DIR": str(cache)}
    out = subprocess.run(
        [sys.executable, "-c", KERNELS, *ENGAGE], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(trees: dict, tmp: Path, repeats: int, cold_runs: int) -> dict:
    """Interleaved runs of every tree: --help, cold (fresh cache each), warm."""
    runs = {t: {"help": [], "cold": [], "cold_alone": [], "warm": []} for t in trees}
    for src in trees.values():  # the bytecode an installed copy has (see the module docstring)
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(src)], check=True,
                       stdout=subprocess.DEVNULL)
    for _ in range(repeats):
        for t, src in trees.items():
            runs[t]["help"].append(timed(src, tmp / f"help-{t}", ["--help"]))
    for k in range(cold_runs):
        for t, src in trees.items():
            runs[t]["cold"].append(timed(src, tmp / f"cache-{t}-{k}", ENGAGE))
            alone = timed(src, tmp / f"alone-{t}-{k}", ENGAGE, SHIELDCHECK_COMPILE_AHEAD="0")
            runs[t]["cold_alone"].append(alone)
    for _ in range(repeats):
        for t, src in trees.items():
            runs[t]["warm"].append(timed(src, tmp / f"cache-{t}-0", ENGAGE))
    best = {}
    for t, r in runs.items():  # the least disturbed run of each kind, and the median (a shared machine)
        best[t] = {
            f"{kind}_{what}_s": min(x[i] for x in r[kind])
            for kind in ("help", "cold", "cold_alone", "warm")
            for i, what in enumerate(("wall", "cpu"))
        }
        best[t].update(
            {
                f"{kind}_{what}_median_s": statistics.median(x[i] for x in r[kind])
                for kind in ("help", "warm")
                for i, what in enumerate(("wall", "cpu"))
            }
        )
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--ref", default=None, help="also time this git revision, interleaved")
    ap.add_argument("--repeats", type=int, default=3, help="--help and warm runs per tree (best kept)")
    ap.add_argument("--cold-runs", type=int, default=1, help="cold runs per tree (best kept)")
    ap.add_argument("--kernels", action="store_true", help="per-kernel compile times of a cold run")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="shieldcheck-bench-startup-"))
    load_before = os.getloadavg()[0]
    try:
        trees = {"this": ROOT / "src"}
        if args.ref:
            trees[args.ref] = export_revision(args.ref, tmp / "ref")
        best = measure(trees, tmp, args.repeats, args.cold_runs)
        kernels = kernel_table(trees["this"], tmp / "kernels") if args.kernels else None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    this = best["this"]
    result = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average_1min": load_before,
        "load_average_1min_after": os.getloadavg()[0],
        **this,
        "cold_over_help_wall": this["cold_wall_s"] / this["help_wall_s"],
        "cold_over_cold_alone_wall": this["cold_wall_s"] / this["cold_alone_wall_s"],
        "warm_over_help_cpu": this["warm_cpu_s"] / this["help_cpu_s"],
    }
    if args.ref:
        ref = best[args.ref]
        result["ref"] = {"revision": args.ref, **ref}
        result["cold_cpu_over_ref"] = this["cold_cpu_s"] / ref["cold_cpu_s"]
        result["cold_wall_over_ref"] = this["cold_wall_s"] / ref["cold_wall_s"]
        result["warm_wall_over_ref"] = this["warm_wall_s"] / ref["warm_wall_s"]
        result["warm_cpu_over_ref"] = this["warm_cpu_s"] / ref["warm_cpu_s"]
        result["warm_median_wall_over_ref"] = this["warm_wall_median_s"] / ref["warm_wall_median_s"]
        result["warm_median_cpu_over_ref"] = this["warm_cpu_median_s"] / ref["warm_cpu_median_s"]
    if kernels:
        result["kernel_compile_s"] = dict(sorted(kernels["kernels"].items(), key=lambda kv: -kv[1]))
        result["kernel_run_process_cpu_s"] = kernels["process_cpu_s"]
    labels = {
        "help": "shieldcheck --help",
        "cold": "engage, empty cache",
        "cold_alone": "  the same, one process",
        "warm": "engage, warm cache",
    }
    for name, b in best.items():
        print(f"[{name}]")
        for kind, label in labels.items():
            print(f"  {label:28s} : {b[kind + '_wall_s']:6.2f} s wall, {b[kind + '_cpu_s']:6.2f} s CPU")
        print(f"  {'engage, warm (median)':28s} : {b['warm_wall_median_s']:6.2f} s wall, "
              f"{b['warm_cpu_median_s']:6.2f} s CPU")
    if args.ref:
        print(
            f"this / {args.ref}: cold {result['cold_cpu_over_ref']:.2f} (CPU); warm, best run "
            f"{result['warm_wall_over_ref']:.2f} (wall) {result['warm_cpu_over_ref']:.2f} (CPU), median "
            f"{result['warm_median_wall_over_ref']:.2f} (wall) {result['warm_median_cpu_over_ref']:.2f} (CPU)"
        )
    if kernels:
        print("compile CPU time per kernel (s, cold in-process run, nested compilations subtracted):")
        for k, v in result["kernel_compile_s"].items():
            print(f"  {v:6.2f}  {k}")
    print(f"(load average {load_before:.1f} before, {result['load_average_1min_after']:.1f} after, "
          f"{os.cpu_count()} cores)")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
