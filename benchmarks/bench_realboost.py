"""Engagements with the real boost: engage and footprint timings before and after, in the same run.

The engagement kernel follows a staged threat's tabulated boost (cubic Hermite) instead of the kinematic
sketch. This measures, in alternating subprocesses on the source of two revisions (``--before``, default
the commit before that change, exported with ``git archive``; and this working tree): the flagship's
engagement table (kinematic threats: must not slow), the same table with the Russian group staged
(trajectories solved once, so the kernel is timed), and a defended-area footprint over Europe at 0.5°
(trajectories cached after the first call). Best of several repeats per process, best process per side;
ratios after / before. A staged footprint (Kozelsk over the U.S. East Coast at 1°) is timed after only
(before, footprints could not fly staged threats).
Run: ``python benchmarks/bench_realboost.py [--before REV] [--rounds 3]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "realboost.json"
BEFORE = "854c8f3"  # main before the staged-boost kernel (s5-realboost branched here)
STAGED = ("threats.russia-us.boost=staged",)

WORKER = """
import json, sys, time
after = sys.argv[1] == "after"
from shieldcheck.scenario import build, load_scenario
from shieldcheck.engagement import engage_scenario, scenario_trajectories
from shieldcheck.footprint import defended_area, grid

def best(f, n):  # (wall s, CPU s of all threads), each the least of n repeats
    wall, cpu = [], []
    for _ in range(n):
        t0, c0 = time.perf_counter(), time.process_time(); f()
        wall.append(time.perf_counter() - t0); cpu.append(time.process_time() - c0)
    return min(wall), min(cpu)

model = load_scenario("european-third-site-2007")
kin = build(model)
stg = build(model, sets=STAGED_SETS)
tk, ts = scenario_trajectories(kin), scenario_trajectories(stg)
engage_scenario(kin, trajectories=tk); engage_scenario(stg, trajectories=ts)  # compile / load caches
g = grid(34.0, 72.0, -15.0, 50.0, 0.5)
defended_area(kin.architecture, "tehran", g, missile="irbm-5500")  # solves and caches the trajectories
res = {
    "engage_kinematic_s": best(lambda: engage_scenario(kin, trajectories=tk), 5),
    "engage_staged_s": best(lambda: engage_scenario(stg, trajectories=ts), 5),
    "footprint_kinematic_s": best(
        lambda: defended_area(kin.architecture, "tehran", g, missile="irbm-5500"), 3),
    "footprint_cells": g.shape[0] * g.shape[1],
}
if after:
    us = grid(30.0, 46.0, -86.0, -66.0, 1.0)
    case = [c for c in stg.threats if c.group == "russia-us"][0]
    t0 = time.perf_counter()
    defended_area(stg.architecture, "kozelsk", us, missile=case.missile, boost="staged")
    res["footprint_staged_first_s"] = (time.perf_counter() - t0, None)
    res["footprint_staged_s"] = best(
        lambda: defended_area(stg.architecture, "kozelsk", us, missile=case.missile, boost="staged"), 3)
    res["footprint_staged_cells"] = us.shape[0] * us.shape[1]
print(json.dumps(res))
""".replace("STAGED_SETS", repr(STAGED))


def _run(src: Path, label: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(src)}
    t0, c0 = time.perf_counter(), os.times()
    out = subprocess.run([sys.executable, "-c", WORKER, label], env=env, capture_output=True, text=True,
                         check=True)
    c1 = os.times()
    res = json.loads(out.stdout.strip().splitlines()[-1])
    res["process_wall_s"] = time.perf_counter() - t0
    res["process_cpu_s"] = (c1.children_user - c0.children_user) + (c1.children_system - c0.children_system)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--before", default=BEFORE, help="git revision of the 'before' source")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.before, "src"], capture_output=True,
                                 check=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        before_src = Path(tmp) / "src"
        runs: dict[str, list[dict]] = {"before": [], "after": []}
        load = [os.getloadavg()[0]]
        for _ in range(args.rounds):
            runs["before"].append(_run(before_src, "before"))
            runs["after"].append(_run(ROOT / "src", "after"))
            load.append(os.getloadavg()[0])
    def least(rs, k, j):
        v = [r[k][j] if isinstance(r[k], list) else r[k] for r in rs]
        return None if None in v else min(v)

    best = {side: {f"{k}{suffix}": least(rs, k, j) for k in rs[0] for j, suffix in ((0, ""), (1, "_cpu"))
                   if j == 0 or isinstance(rs[0][k], list)}
            for side, rs in runs.items()}
    ratios = {k: best["after"][k] / best["before"][k]
              for k in ("engage_kinematic_s", "engage_staged_s", "footprint_kinematic_s",
                        "engage_kinematic_s_cpu", "engage_staged_s_cpu", "footprint_kinematic_s_cpu")}
    result = {
        "benchmark": "bench_realboost",
        "before": args.before,
        "best": best,
        "ratio_after_over_before": ratios,
        "runs": runs,
        "load_average_1min": load,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "when_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    RESULTS.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps({"best": best, "ratio_after_over_before": ratios, "load": load}, indent=1))
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
