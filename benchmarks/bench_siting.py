"""Siting map at 1° over Europe and the Middle East against the flagship's 58 threats.

shieldcheck's siting grid (one probe-mode pass of the compiled engagement kernel per cell, over every
threat) against the per-site loop over the public API (for each candidate site, `engage(...)` for every
threat trajectory, solved once), run on a random sample of cells and reported as a rate, in the same run.
How the cost grows: the grid is timed again with a quarter of the cells and with one threat group, and the
cost per (cell x threat) is reported for each.
Run: ``python benchmarks/bench_siting.py [--step-deg 1]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

from shieldcheck.engagement import engage, scenario_trajectories
from shieldcheck.interceptors import InterceptorSite
from shieldcheck.scenario import build, load_scenario
from shieldcheck.siting import siting_map

RESULTS = Path(__file__).parent / "results" / "siting.json"
REGION = (28.0, 64.0, -10.0, 46.0)  # Europe and the Middle East: 36 x 56 = 2,016 cells at 1°
SCENARIO = "european-third-site-2007"


def _timed(fn):
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    _CPU.append(time.process_time() - c0)
    return out, time.perf_counter() - t0


_CPU: list[float] = []  # CPU seconds (all threads) of each timed call, to read beside wall time


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--step-deg", type=float, default=1.0)
    ap.add_argument("--baseline-cells", type=int, default=6)
    args = ap.parse_args()

    siting_map(SCENARIO, (50.0, 52.0, 10.0, 12.0), 1.0)  # warm the compiled kernels
    m, full_s = _timed(lambda: siting_map(SCENARIO, REGION, args.step_deg))
    full_cpu = _CPU[-1]
    cells = m.latitudes_deg.size * m.longitudes_deg.size
    threats = sum(m.routes_reachable.values())
    engagements = cells * threats

    # growth: a quarter of the cells, and one threat group (--set removes nothing, so use a sub-region
    # for cells and a one-group copy of the scenario for threats)
    lat0, lat1, lon0, lon1 = REGION
    quarter = (lat0, lat0 + (lat1 - lat0) / 2, lon0, lon0 + (lon1 - lon0) / 2)
    mq, quarter_s = _timed(lambda: siting_map(SCENARIO, quarter, args.step_deg))
    cells_q = mq.latitudes_deg.size * mq.longitudes_deg.size
    model = load_scenario(SCENARIO)
    one_group = model.model_copy(update={"threats": [t for t in model.threats if t.name == "russia-us"]})
    one_group._filename = model.filename
    mg, group_s = _timed(lambda: siting_map(one_group, REGION, args.step_deg))
    threats_g = sum(mg.routes_reachable.values())

    # baseline: per-site loop over engage() on a sample of cells
    built = build(model)
    arch = built.architecture
    trajs = scenario_trajectories(built)
    itype = arch.sites[0].interceptor
    rng = np.random.default_rng(1)
    picks = rng.choice(cells, args.baseline_cells, replace=False)
    agree = 0
    t0 = time.perf_counter()
    for k in picks:
        i, j = np.unravel_index(k, (m.latitudes_deg.size, m.longitudes_deg.size))
        site = InterceptorSite("candidate", float(m.latitudes_deg[i]), float(m.longitudes_deg[j]), itype, 1)
        counts = dict.fromkeys(m.groups, 0)
        for case, traj in zip(built.threats, trajs, strict=True):
            r = engage(traj, site, arch, rcs_m2=case.rcs_m2, step_s=5.0)
            counts[case.group] += r.engageable
        agree += all(counts[g] == m.engaged[g][i, j] for g in m.groups)
    loop_s = time.perf_counter() - t0
    loop_rate = args.baseline_cells / loop_s
    rate = cells / full_s
    result = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "region_deg": REGION,
        "step_deg": args.step_deg,
        "cells": cells,
        "threats": threats,
        "engagements": engagements,
        "siting_s": full_s,
        "siting_cpu_s": full_cpu,
        "load_average_1min": os.getloadavg()[0],
        "cells_per_s": rate,
        "us_per_engagement": full_s / engagements * 1e6,
        "quarter_cells": cells_q,
        "quarter_s": quarter_s,
        "us_per_engagement_quarter_cells": quarter_s / (cells_q * threats) * 1e6,
        "one_group_threats": threats_g,
        "one_group_s": group_s,
        "us_per_engagement_one_group": group_s / (cells * threats_g) * 1e6,
        "loop_cells_per_s": loop_rate,
        "loop_cells": args.baseline_cells,
        "speedup_vs_loop": rate / loop_rate,
        "loop_agrees": f"{agree}/{args.baseline_cells}",
    }
    print(f"siting map, {SCENARIO}, {cells:,} cells x {threats} threats = {engagements:,} engagements")
    us, uq, ug = (
        result[k]
        for k in ("us_per_engagement", "us_per_engagement_quarter_cells", "us_per_engagement_one_group")
    )
    print(
        f"  shieldcheck grid  : {full_s:6.1f} s wall, {full_cpu:6.1f} s CPU "
        f"({rate:.1f} cells/s, {us:.0f} µs each)"
    )
    print(f"  quarter of cells  : {quarter_s:6.1f} s  ({uq:.0f} µs each)")
    print(f"  one group ({threats_g:2d})    : {group_s:6.1f} s  ({ug:.0f} µs each)")
    print(f"  per-site loop     : {loop_rate:8.2f} cells/s ({args.baseline_cells} cells; agrees {agree})")
    print(f"  ratio             : {rate / loop_rate:6.1f} x")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
