"""Defended-area footprint over Europe at 0.25° for one launch area and the flagship architecture.

shieldcheck's grid (batch trajectories + the compiled engagement kernel over all cells) against the
per-cell loop over the public single-engagement API (for each cell, `trajectory(...)` then `engage(...)`,
both compiled) and against the plain per-point Python loop of `bench_engagement.py` (every intercept
time × launch time, one `required_speed` call each). Both loops run on random samples of cells and are
reported as rates, in the same run.
Run: ``python benchmarks/bench_footprint.py [--resolution 0.25]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

from shieldcheck.engagement import engage
from shieldcheck.footprint import defended_area, grid
from shieldcheck.scenario import build, load_scenario
from shieldcheck.threats import trajectory

RESULTS = Path(__file__).parent / "results" / "footprint.json"
BOX = (34.0, 72.0, -15.0, 50.0)  # Europe, Azores to the Volga, Crete to North Cape: about 40,000 cells


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--resolution", type=float, default=0.25)
    ap.add_argument("--baseline-cells", type=int, default=60)
    args = ap.parse_args()

    arch = build(load_scenario("european-third-site-2007")).architecture
    defended_area(arch, "tehran", grid(40.0, 50.0, 0.0, 10.0, 5.0), missile="irbm-5500")  # warm caches
    g = grid(*BOX, args.resolution)
    cells = g.shape[0] * g.shape[1]
    best = float("inf")
    for _ in range(2):
        t0 = time.perf_counter()
        fp = defended_area(arch, "tehran", g, missile="irbm-5500")
        best = min(best, time.perf_counter() - t0)

    rng = np.random.default_rng(1)
    lat, lon = g.mesh()
    picks = rng.choice(cells, args.baseline_cells, replace=False)
    t0 = time.perf_counter()
    agree = 0
    for k in picks:
        i, j = np.unravel_index(k, lat.shape)
        try:
            t = trajectory("tehran", (float(lat[i, j]), float(lon[i, j])), missile="irbm-5500")
            r = engage(t, arch.sites[0], arch, step_s=fp.metadata["step_s"], refine_iterations=8)
            agree += r.engageable == bool(fp.values["engageable"][i, j])
        except Exception:  # noqa: BLE001 - the loop only times; errors count as disagreement
            pass
    loop_rate = args.baseline_cells / (time.perf_counter() - t0)
    from bench_engagement import baseline_engageable

    t0 = time.perf_counter()
    naive_cells = 3
    for k in picks[:naive_cells]:
        i, j = np.unravel_index(k, lat.shape)
        t = trajectory("tehran", (float(lat[i, j]), float(lon[i, j])), missile="irbm-5500")
        r = engage(t, arch.sites[0], arch)
        if t.status == "ok" and np.isfinite(r.earliest_launch_s):
            baseline_engageable(t, arch.sites[0], r)
    naive_rate = naive_cells / (time.perf_counter() - t0)
    rate = cells / best
    result = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "box_deg": BOX,
        "resolution_deg": args.resolution,
        "cells": cells,
        "footprint_s": best,
        "cells_per_s": rate,
        "loop_cells_per_s": loop_rate,
        "loop_cells": args.baseline_cells,
        "speedup_vs_loop": rate / loop_rate,
        "naive_loop_cells_per_s": naive_rate,
        "speedup_vs_naive_loop": rate / naive_rate,
        "loop_agrees": f"{agree}/{args.baseline_cells}",
        "engageable_cells": int(fp.values["engageable"].sum()),
    }
    print(f"defended area, tehran irbm-5500, {cells:,} cells at {args.resolution}°")
    print(f"  shieldcheck grid : {best:6.2f} s  ({rate:10,.0f} cells/s)")
    print(f"  per-point loop   : {loop_rate:10,.1f} cells/s  ({args.baseline_cells} cells)")
    print(f"  ratio            : {rate / loop_rate:6.1f} x   (loop agrees on {agree}/{args.baseline_cells})")
    print(f"  naive point loop : {naive_rate:10,.2f} cells/s  -> ratio {rate / naive_rate:,.0f} x")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
