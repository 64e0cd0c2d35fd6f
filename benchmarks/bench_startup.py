"""Start-up time of `shieldcheck engage european-third-site-2007`: empty kernel cache vs warm, beside
`shieldcheck --help`, in the same run.

Each timing is a fresh process running the installed `shieldcheck` command. The cold run points
``NUMBA_CACHE_DIR`` at a new empty folder (what a fresh install sees: every kernel compiles); the warm
runs reuse it. Wall time on this shared 2-core machine is noisy, so the CPU time of the child process
(user + system, from ``os.wait4``) is reported too, and the ratios are to ``--help`` measured in the same
run. Goals (issue 9): cold under 10 s, warm under 1 s. Run: ``python benchmarks/bench_startup.py``.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results" / "startup.json"
COMMAND = Path(sys.executable).with_name("shieldcheck")


def timed(args: list[str], env: dict) -> tuple[float, float]:
    """(wall s, child CPU s) of one run of the command."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [str(COMMAND), *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"shieldcheck {' '.join(args)} failed")
    return wall, usage.ru_utime + usage.ru_stime


def main(repeats: int = 3) -> None:
    cache = Path(tempfile.mkdtemp(prefix="shieldcheck-bench-cache-"))
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache)}
    engage = ["engage", "european-third-site-2007"]
    try:
        help_runs = [timed(["--help"], env) for _ in range(repeats)]
        cold = timed(engage, env)
        warm_runs = [timed(engage, env) for _ in range(repeats)]
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    best = min  # the least disturbed run
    h_wall, h_cpu = best(w for w, _ in help_runs), best(c for _, c in help_runs)
    w_wall, w_cpu = best(w for w, _ in warm_runs), best(c for _, c in warm_runs)
    result = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average_1min": os.getloadavg()[0],
        "help_wall_s": h_wall,
        "help_cpu_s": h_cpu,
        "engage_cold_wall_s": cold[0],
        "engage_cold_cpu_s": cold[1],
        "engage_warm_wall_s": w_wall,
        "engage_warm_cpu_s": w_cpu,
        "cold_over_help_wall": cold[0] / h_wall,
        "warm_over_help_wall": w_wall / h_wall,
    }
    print(f"shieldcheck --help            : {h_wall:6.2f} s wall, {h_cpu:6.2f} s CPU")
    print(
        f"engage flagship, empty cache  : {cold[0]:6.2f} s wall, {cold[1]:6.2f} s CPU "
        f"({cold[0] / h_wall:.1f}x --help)"
    )
    print(
        f"engage flagship, warm cache   : {w_wall:6.2f} s wall, {w_cpu:6.2f} s CPU "
        f"({w_wall / h_wall:.1f}x --help)"
    )
    print(f"(load average {result['load_average_1min']:.1f} on {os.cpu_count()} cores)")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
