"""Run time of the batch kernels on this tree against another git revision (default ``main``), same run.

The start-up work (issue 9, item 16) changed how the batch kernels run (serial ``nogil`` kernels on a
thread pool instead of ``parallel=True``): this checks that the footprint, siting, study, trajectory and
Lambert workloads did not get slower. The other revision is exported with ``git archive`` into a
temporary folder; each workload runs in a fresh process per tree (warm numba cache, one cache folder per
tree), the trees alternate, and each figure is the best of ``--rounds`` rounds, so both sides see the
same machine load. Reported: seconds per tree and the ratio this tree / other tree (below 1: faster).
Run: ``python benchmarks/bench_kernels_ab.py [--ref main] [--rounds 3]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).parent / "results" / "kernels_ab.json"

WORKLOADS = {
    "footprint": (
        "from shieldcheck.footprint import defended_area, grid\n"
        "from shieldcheck.scenario import build, load_scenario\n"
        "arch = build(load_scenario('european-third-site-2007')).architecture\n"
        "g = grid(34.0, 72.0, -15.0, 50.0, 0.25)\n"
        "run = lambda: defended_area(arch, 'tehran', g, missile='irbm-5500')"
    ),  # bench_footprint.py's grid: 39,933 cells
    "siting": (
        "from shieldcheck.siting import siting_map\n"
        "run = lambda: siting_map('european-third-site-2007', (28.0, 46.0, -10.0, 18.0), 1.0)"
    ),  # the quarter region of bench_siting.py: 504 cells x 58 threats
    "study": (
        "from shieldcheck.study import build_study\n"
        "run = lambda: build_study('european-third-site-2007')"
    ),  # bench_study.py: 58 routes with threshold speeds
    "trajectories": (
        "import numpy as np\n"
        "from shieldcheck.threats import solve_trajectories\n"
        "rng = np.random.default_rng(3)\n"
        "lat2, lon2 = rng.uniform(20, 60, 2000), rng.uniform(-10, 40, 2000)\n"
        "run = lambda: solve_trajectories(35.7, 51.4, lat2, lon2, burn_time_s=300.0,\n"
        "    burnout_altitude_km=200.0, burnout_range_km=300.0)"
    ),
    "lambert": (
        "import numpy as np\n"
        "from shieldcheck.orbits import lambert\n"
        "rng = np.random.default_rng(5)\n"
        "r1 = rng.normal(size=(200000, 3)); r1 *= 7000 / np.linalg.norm(r1, axis=1)[:, None]\n"
        "r2 = rng.normal(size=(200000, 3)); r2 *= 9000 / np.linalg.norm(r2, axis=1)[:, None]\n"
        "tof = rng.uniform(600, 6000, 200000)\n"
        "run = lambda: lambert(r1, r2, tof)"
    ),
}

CHILD = textwrap.dedent(
    """
    import json, time
    {setup}
    run()  # compile or load the cache
    best = float('inf')
    for _ in range(2):
        t0 = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - t0)
    print(json.dumps(best))
    """
)


def timed(src: Path, cache: Path, name: str) -> float:
    env = {**os.environ, "PYTHONPATH": str(src), "NUMBA_CACHE_DIR": str(cache)}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    code = CHILD.format(setup=WORKLOADS[name])
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{name} failed on {src}: {proc.stderr[-2000:]}")
    return float(proc.stdout.strip().splitlines()[-1])


def export_revision(ref: str, dest: Path) -> Path:
    """The ``src`` folder of git revision ``ref``, exported into ``dest`` (``git archive``); its path."""
    dest.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "src"], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    return dest / "src"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--ref", default="main")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--only", nargs="*", default=list(WORKLOADS))
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="shieldcheck-ab-"))
    try:
        other = export_revision(args.ref, tmp / "other")
        trees = {"this": (ROOT / "src", tmp / "cache-this"), "other": (other, tmp / "cache-other")}
        best = {t: dict.fromkeys(args.only, float("inf")) for t in trees}
        for _ in range(args.rounds):
            for name in args.only:
                for tree, (src, cache) in trees.items():
                    best[tree][name] = min(best[tree][name], timed(src, cache, name))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average_1min": os.getloadavg()[0],
        "other": args.ref,
        "rounds": args.rounds,
        "workloads": {
            n: {"this_s": t, "other_s": best["other"][n], "ratio": t / best["other"][n]}
            for n, t in best["this"].items()
        },
    }
    for n, r in result["workloads"].items():
        print(f"{n:13s}: this {r['this_s']:7.3f} s, {args.ref} {r['other_s']:7.3f} s, ratio {r['ratio']:.2f}")
    print(f"(load average {result['load_average_1min']:.1f} on {os.cpu_count()} cores)")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
