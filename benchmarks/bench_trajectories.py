"""Minimum-energy threat trajectories on a rotating WGS84 Earth: batch solver vs a scipy baseline.

The baseline is what a careful user would write without shieldcheck's batch kernel: for each problem,
`scipy.optimize.minimize_scalar` (bounded) over the coast time of |v_rel(T)|, each evaluation one call to
the public `shieldcheck.lambert`. Both run in this process, on the same problems, so the ratio is
meaningful on a noisy shared machine. Run: ``python benchmarks/bench_trajectories.py [--n 20000]``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import time
from pathlib import Path

import numpy as np
from scipy.optimize import minimize_scalar

import shieldcheck as sc
from shieldcheck.earth import OMEGA_RAD_S, geodetic_to_ecef

RESULTS = Path(__file__).parent / "results" / "trajectories.json"


def random_problems(n: int, seed: int = 2007):
    rng = np.random.default_rng(seed)
    lat1 = np.degrees(np.arcsin(rng.uniform(-0.9, 0.9, n)))
    lon1 = rng.uniform(-180, 180, n)
    az = rng.uniform(0, 360, n)
    dist = rng.uniform(1000, 12000, n)
    lat2, lon2, _ = sc.geodesic_direct(lat1, lon1, az, dist)
    return lat1, lon1, lat2, lon2


def baseline_one(lat1, lon1, lat2, lon2):
    """Per-problem scipy minimisation of |v_rel| over the coast time (impulsive burnout at launch)."""
    r1 = geodetic_to_ecef(lat1, lon1)
    rt = geodetic_to_ecef(lat2, lon2)
    nref = np.cross(r1, rt)
    w = np.array([0.0, 0.0, OMEGA_RAD_S])

    def speed(t):
        c, s = math.cos(OMEGA_RAD_S * t), math.sin(OMEGA_RAD_S * t)
        r2 = np.array([c * rt[0] - s * rt[1], s * rt[0] + c * rt[1], rt[2]])
        long_way = float(np.dot(np.cross(r1, r2), nref)) < 0.0
        sol = sc.lambert(r1, r2, t, long_way=long_way)
        if int(sol.status) != 0:
            return 1e9
        return float(np.linalg.norm(sol.v1_km_s - np.cross(w, r1)))

    chord = np.linalg.norm(rt - r1)
    s = 0.5 * (np.linalg.norm(r1) + np.linalg.norm(rt) + chord)
    beta = 2 * math.asin(math.sqrt((s - chord) / s))
    t_guess = math.sqrt(s**3 / (8 * sc.MU_KM3_S2)) * (math.pi - beta + math.sin(beta))
    res = minimize_scalar(
        speed, bounds=(0.3 * t_guess, 3.0 * t_guess), method="bounded", options={"xatol": 1e-6}
    )
    return res.fun


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=20000, help="problems for the batch solver")
    ap.add_argument("--n-baseline", type=int, default=200, help="problems for the scipy baseline")
    args = ap.parse_args()

    lat1, lon1, lat2, lon2 = random_problems(args.n)
    sc.solve_trajectories(lat1[:10], lon1[:10], lat2[:10], lon2[:10])  # compile / load the cache

    best = math.inf
    for _ in range(3):
        t0 = time.perf_counter()
        batch = sc.solve_trajectories(lat1, lon1, lat2, lon2)
        best = min(best, time.perf_counter() - t0)
    ours_rate = args.n / best
    ok = int(np.sum(batch.status == "ok"))

    m = args.n_baseline
    t0 = time.perf_counter()
    base = np.array([baseline_one(lat1[i], lon1[i], lat2[i], lon2[i]) for i in range(m)])
    base_time = time.perf_counter() - t0
    base_rate = m / base_time
    diff = np.max(np.abs(base - batch.burnout_speed_relative_km_s[:m]))

    result = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "problems": args.n,
        "ok": ok,
        "batch_trajectories_per_s": ours_rate,
        "batch_us_per_trajectory": 1e6 / ours_rate,
        "scipy_baseline_trajectories_per_s": base_rate,
        "scipy_baseline_problems": m,
        "speedup_vs_scipy_baseline": ours_rate / base_rate,
        "max_speed_difference_km_s": float(diff),
    }
    print("minimum-energy trajectories, rotating WGS84 Earth")
    print(f"  shieldcheck batch : {ours_rate:12,.0f} /s  ({1e6 / ours_rate:8.1f} µs each, {ok}/{args.n} ok)")
    print(f"  scipy baseline    : {base_rate:12,.0f} /s  ({1e6 / base_rate:8.1f} µs each, {m} problems)")
    print(f"  ratio             : {ours_rate / base_rate:12,.1f} x")
    print(f"  max |Δv| batch vs baseline: {diff:.2e} km/s (baseline tolerance 1e-6 s in T)")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
