"""Flagship engagement table: shieldcheck's engagement engine vs a plain per-point Python loop.

The table is every threat of `european-third-site-2007` against every site, for the base scenario and
every variant. The baseline is what one would write without the compiled window scan: for each intercept
time (5 s grid) and each launch time (5 s grid from the earliest launch), one call to the public
`shieldcheck.interceptors.required_speed`, with the same earliest launch, altitude band and coast limit
(it skips the radar-track condition, which does not bind for the engagements it is run on). It runs on a
few engagements and is reported as a rate. Run:
``python benchmarks/bench_engagement.py``.
"""

from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path

import numpy as np

from shieldcheck.engagement import engage_scenario
from shieldcheck.interceptors import required_speed
from shieldcheck.scenario import build, load_scenario
from shieldcheck.threats import trajectory_state

RESULTS = Path(__file__).parent / "results" / "engagement.json"


def baseline_engageable(traj, site, row, step_s=5.0):
    """Per-point loop: is any (launch, intercept) pair on 5 s grids feasible while tracked?"""
    it = site.interceptor
    ts = np.arange(traj.burn_time_s, traj.flight_time_s, step_s)
    r_ecef, _, _, _ = trajectory_state(traj, ts)
    from shieldcheck import earth

    _, _, alt = earth.ecef_to_geodetic(r_ecef)
    found = False
    for k, t in enumerate(ts):
        if not (it.min_intercept_altitude_km <= alt[k] <= it.max_intercept_altitude_km):
            continue
        for tl in np.arange(row.earliest_launch_s, t - it.burn_time_s, step_s):
            if t - tl - it.burn_time_s > it.max_coast_time_s:
                continue
            if required_speed(site, r_ecef[k], t - tl) <= it.burnout_speed_km_s:
                found = True
    return found


def main() -> None:
    model = load_scenario("european-third-site-2007")
    variants = [None, *model.variants]
    builts = [build(model, variant=v) for v in variants]
    engage_scenario(build(model, sets=["threats.iran-europe.targets=[berlin]"]))  # compile / load caches

    t0 = time.perf_counter()
    tables = [engage_scenario(b) for b in builts]
    total = time.perf_counter() - t0
    n = sum(len(t) for t in tables)
    base_table_s = total / len(builts)

    # baseline on a few engagements of the base scenario
    b = builts[0]
    picks = [0, 40, 50]
    t0 = time.perf_counter()
    agree = 0
    for i in picks:
        case = b.threats[i]
        traj = case.trajectory(b.architecture.earth, b.architecture.rotation)
        row = tables[0][i]
        agree += baseline_engageable(traj, b.architecture.sites[0], row) == row.engageable
    base_time = time.perf_counter() - t0
    base_rate = len(picks) / base_time
    rate = n / total
    result = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "variants": len(builts),
        "engagements": n,
        "all_variants_s": total,
        "one_table_s": base_table_s,
        "engagements_per_s": rate,
        "baseline_engagements_per_s": base_rate,
        "baseline_engagements": len(picks),
        "speedup_vs_loop": rate / base_rate,
        "baseline_agrees_on_engageable": f"{agree}/{len(picks)}",
    }
    print(f"flagship table: {len(tables[0])} rows; {len(builts)} variants -> {n} engagements")
    print(f"  shieldcheck     : {rate:10,.1f} engagements/s", end="")
    print(f"  (one table {base_table_s:.3f} s, all {total:.2f} s)")
    print(f"  per-point loop  : {base_rate:10,.2f} engagements/s  ({len(picks)} engagements)")
    print(f"  ratio           : {rate / base_rate:10,.0f} x", end="")
    print(f"   (baseline agrees on engageable: {agree}/{len(picks)})")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
