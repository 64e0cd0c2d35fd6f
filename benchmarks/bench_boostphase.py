"""Boost-phase basing-zone cells per second: the compiled, parallel grid against a per-cell Python loop.

The threat is the APS 2003 model liquid ICBM from 40°N 127°E toward azimuth 45° (boost sampled every 2 s,
126 samples), a 5 km/s interceptor with a 40 s burn fired 60 s after launch, straight-line fly-out. The
grid (`shieldcheck.boostphase.basing_zone`, one numba ``prange`` pass over cells, each a scan of the samples
with bisection for the intercept edges) is timed against a per-cell loop in plain Python/numpy that does
the same work: for each cell, the fly-out condition at every sample (vectorised over samples) and a bisection
on the interpolated profile for the first intercept. Both run in this process, on a random sample of cells
for the loop; the two must agree on every sampled cell. Also the ballistic (Lambert) fly-out.
Run: ``python benchmarks/bench_boostphase.py [--step-deg 0.25]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

from shieldcheck import earth
from shieldcheck.boostphase import basing_zone, boost_profile

RESULTS = Path(__file__).parent / "results" / "boostphase.json"
REGION = (30.0, 50.0, 115.0, 145.0)
SPEED, BURN, DELAY = 5.0, 40.0, 60.0


def _loop_cell(prof, lat, lon):
    """One cell in Python: least speed over the samples and the first intercept (bisection, 60 halvings)."""
    b = earth.geodetic_to_ecef(lat, lon, 0.0)
    t = prof.time_s
    tau = t - DELAY - BURN
    with np.errstate(divide="ignore", invalid="ignore"):
        need = np.where(tau > 0, np.linalg.norm(prof.r_ecef_km - b, axis=1) / tau, np.inf)
    keep = t > DELAY
    best = float(np.min(need[keep]))
    ok = keep & (need <= SPEED)
    if not np.any(ok):
        return best, float("nan")
    k = int(np.argmax(ok))
    lo, hi = max(DELAY, t[k - 1]), t[k]
    for _ in range(60):
        m = 0.5 * (lo + hi)
        p, _ = prof.state(m)
        f = m - DELAY - BURN
        if f > 0 and np.linalg.norm(p - b) / f <= SPEED:
            hi = m
        else:
            lo = m
    return best, hi


def _timed(fn):
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - t0, time.process_time() - c0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--step-deg", type=float, default=0.25)
    ap.add_argument("--baseline-cells", type=int, default=300)
    args = ap.parse_args()

    prof = boost_profile("aps2003-liquid", 40.0, 127.0, azimuth_deg=45.0, step_s=2.0)
    kw = dict(speed_km_s=SPEED, burn_time_s=BURN, delay_s=DELAY)
    basing_zone(prof, (39.0, 41.0, 126.0, 128.0), 1.0, **kw)  # warm the compiled kernels
    basing_zone(prof, (39.0, 41.0, 126.0, 128.0), 1.0, flyout="ballistic", **kw)
    z, wall, cpu = _timed(lambda: basing_zone(prof, REGION, args.step_deg, **kw))
    zb, wall_b, cpu_b = _timed(lambda: basing_zone(prof, REGION, 4 * args.step_deg, flyout="ballistic", **kw))
    cells, cells_b = z.cells, zb.cells

    rng = np.random.default_rng(1)
    lat, lon = z.footprint.grid.mesh()
    pick = rng.choice(lat.size, size=min(args.baseline_cells, lat.size), replace=False)
    (loop, loop_wall, loop_cpu) = _timed(lambda: [_loop_cell(prof, lat.flat[i], lon.flat[i]) for i in pick])
    req = z.footprint.values["required_speed_km_s"].ravel()[pick]
    first = z.footprint.values["first_intercept_s"].ravel()[pick]
    lreq = np.array([x[0] for x in loop])
    lfirst = np.array([x[1] for x in loop])
    agree = bool(
        np.allclose(req, lreq, rtol=1e-12) and np.allclose(first, lfirst, atol=1e-6, equal_nan=True)
    )
    grid_rate = cells / wall
    loop_rate = len(pick) / loop_wall
    res = {
        "machine": f"{platform.machine()} {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}",
        "profile_samples": int(prof.time_s.size),
        "cells": cells,
        "grid_wall_s": round(wall, 4),
        "grid_cpu_s": round(cpu, 4),
        "grid_cells_per_s": round(grid_rate),
        "grid_cells_per_cpu_s": round(cells / cpu),
        "loop_cells": int(len(pick)),
        "loop_wall_s": round(loop_wall, 4),
        "loop_cells_per_s": round(loop_rate, 1),
        "speedup_wall": round(grid_rate / loop_rate, 1),
        "speedup_cpu": round((cells / cpu) / (len(pick) / loop_cpu), 1),
        "loop_agrees": agree,
        "ballistic_cells": cells_b,
        "ballistic_wall_s": round(wall_b, 4),
        "ballistic_cells_per_s": round(cells_b / wall_b),
        "ballistic_cells_per_cpu_s": round(cells_b / cpu_b),
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(res, indent=2) + "\n")
    print(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
