"""The flagship study with threshold speeds, against running `engage` at a ladder of speeds, same run.

Measured (compiled, warm; best of a few repeats, as the machine is shared):

* ``study_s``: `shieldcheck.study.build_study` of `european-third-site-2007` (base) with thresholds for all
  58 routes, bisected to 0.01 km/s (loading the file included);
* ``study_no_thresholds_s``: the same without thresholds (the engagement table and its summaries);
* ``trajectories_batched_s`` vs ``trajectories_one_by_one_s``: the 58 threat trajectories solved one batch
  per threat group (`scenario_trajectories`) against one `ThreatCase.trajectory` call each;
* ``ladder_s``: the baseline, the public `engage_many` over all 58 routes at every speed of a ladder from
  0.1 km/s to the escape speed in ``LADDER_STEP`` steps (10x coarser than the bisection's 0.01 km/s; a
  0.01 km/s ladder would take ten times longer). Both must find the same routes with a threshold, and
  every bisected threshold must lie within one ladder step below the ladder's first speed with a window.

Run: ``python benchmarks/bench_study.py``; writes ``benchmarks/results/study.json``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

from shieldcheck.engagement import engage_many, escape_speed_km_s, scenario_trajectories
from shieldcheck.scenario import build, load_scenario
from shieldcheck.study import build_study

RESULTS = Path(__file__).parent / "results" / "study.json"
NAME = "european-third-site-2007"
LADDER_STEP = 0.1


def best_of(fn, repeats=3):
    best = np.inf
    out = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> None:
    build_study(NAME)  # compile / load the numba caches
    study_s, study = best_of(lambda: build_study(NAME))
    plain_s, _ = best_of(lambda: build_study(NAME, thresholds=False))

    built = build(load_scenario(NAME))
    arch = built.architecture
    batched_s, trajs = best_of(lambda: scenario_trajectories(built))
    single_s, _ = best_of(lambda: [c.trajectory(arch.earth, arch.rotation) for c in built.threats], repeats=1)

    site = arch.sites[0]
    labels = [dict(threat=c.group, launch=c.launch.name, target=c.target.name) for c in built.threats]
    rcs = [c.rcs_m2 for c in built.threats]
    v_esc = float(escape_speed_km_s(site.interceptor.burnout_altitude_km))
    ladder = np.arange(LADDER_STEP, v_esc, LADDER_STEP)
    first = np.full(len(trajs), np.nan)
    t0 = time.perf_counter()
    for v in ladder:
        s = dataclasses.replace(site, interceptor=dataclasses.replace(site.interceptor, burnout_speed_km_s=v))
        rows = engage_many(trajs, s, arch, labels=labels, rcs_m2=rcs)
        for i, r in enumerate(rows):
            if r.engageable and np.isnan(first[i]):
                first[i] = v
    ladder_s = time.perf_counter() - t0

    ths = [t for t in study.thresholds if t.site == site.name]
    same_routes = all(
        (t.threshold_status == "found") == bool(np.isfinite(first[i])) for i, t in enumerate(ths)
    )
    within = all(
        first[i] - LADDER_STEP - 0.011 <= t.threshold_speed_km_s <= first[i] + 0.011
        for i, t in enumerate(ths)
        if t.threshold_status == "found"
    )
    russia = [t.threshold_speed_km_s for t in study.thresholds if t.threat == "russia-us" and t.site == ""]
    result = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average_1min": os.getloadavg()[0],
        "routes": len(built.threats),
        "study_s": study_s,
        "study_no_thresholds_s": plain_s,
        "trajectories_batched_s": batched_s,
        "trajectories_one_by_one_s": single_s,
        "trajectory_batch_speedup": single_s / batched_s,
        "ladder_step_km_s": LADDER_STEP,
        "ladder_speeds": int(ladder.size),
        "ladder_s": ladder_s,
        "ratio_ladder_over_study": ladder_s / study_s,
        "same_routes_found": bool(same_routes),
        "thresholds_within_ladder_step": bool(within),
        "russia_to_dc_ny_threshold_km_s": [round(min(russia), 2), round(max(russia), 2)],
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
