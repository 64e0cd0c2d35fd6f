"""Benchmark targeted staged threat trajectories (boost + coast fitted to the target) against scipy.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_staged.py [--n 200] [--n-scipy 1]

1. ``shieldcheck.staged.staged_trajectories`` for N targets 500-9,000 km from Kozelsk with the ``icbm-solid``
   class (Topol-M stages; drag, rotating WGS84 Earth): the max-range kick per route, the thrust-termination
   time and the rotation-corrected azimuth, all batched and compiled, after a warm-up: trajectories per
   second and milliseconds per trajectory.
2. The same fit per trajectory with scipy: the thrust-termination time found by ``brentq`` (xtol 1e-6 s),
   each evaluation a DOP853 integration of the boost (rtol 1e-10; the reference of tests/test_boost.py)
   and a DOP853 two-body coast to the surface, with the same azimuth passes. The reference is handed the
   batch's kick angle (it does no kick search), which flatters it.

Writes ``benchmarks/results/staged.json``. Figures depend on the machine's load: compare ratios from one
run; CPU times (all threads of this process) show the cost without the waiting for a shared CPU.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
from geographiclib.geodesic import Geodesic
from scipy.integrate import solve_ivp
from scipy.optimize import brentq

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from shieldcheck.catalog.boosters import get_booster  # noqa: E402
from shieldcheck.earth import MU_KM3_S2, OMEGA_RAD_S, ecef_to_geodetic  # noqa: E402
from shieldcheck.staged import cut_vehicle, staged_trajectories  # noqa: E402
from test_boost import _dop853_reference  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "staged.json"
KOZELSK = (54.0, 35.8)


def _coast(y, t0):
    def f(_, s):
        return np.concatenate([s[3:], -MU_KM3_S2 * s[:3] / np.linalg.norm(s[:3]) ** 3])

    def ecef(t, r):
        c, s = math.cos(OMEGA_RAD_S * t), math.sin(OMEGA_RAD_S * t)
        return np.array([c * r[0] + s * r[1], -s * r[0] + c * r[1], r[2]])

    def height(t, s):
        return float(ecef_to_geodetic(ecef(t, s[:3]))[2])

    height.terminal, height.direction = True, -1
    sol = solve_ivp(f, (t0, t0 + 20000.0), y[:6], method="DOP853", rtol=1e-10, atol=1e-9, events=height)
    t = float(sol.t_events[0][0])
    lat, lon, _ = ecef_to_geodetic(ecef(t, sol.y_events[0][0][:3]))
    return float(lat), float(lon)


def scipy_fit(vehicle, target, kick, az0):
    """Thrust-termination time and azimuth by brentq over DOP853 boost + coast integrations."""
    geo = Geodesic.WGS84
    g = geo.Inverse(*KOZELSK, *target)
    ground = g["s12"] / 1000.0
    az = az0

    def impact(t_cut, az):
        _, y = _dop853_reference(cut_vehicle(vehicle, t_cut), *KOZELSK, az, kick)
        return _coast(y, t_cut)

    def miss(t_cut, az):
        lat, lon = impact(t_cut, az)
        return geo.Inverse(*KOZELSK, lat, lon)["s12"] / 1000.0 - ground

    t_cut = vehicle.burn_time_s
    for _ in range(2):
        t_cut = brentq(miss, 20.0, vehicle.burn_time_s, args=(az,), xtol=1e-6)
        lat, lon = impact(t_cut, az)
        az += g["azi1"] - geo.Inverse(*KOZELSK, lat, lon)["azi1"]
    return t_cut, az


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--n-scipy", type=int, default=1)
    args = ap.parse_args()
    vehicle = get_booster("icbm-solid").vehicle
    rng = np.random.default_rng(3)
    dist = rng.uniform(500.0, 9000.0, args.n)
    azi = rng.uniform(-60.0, 60.0, args.n) - 40.0  # north-west toward Europe and America
    geo = Geodesic.WGS84
    tgt = np.array([[geo.Direct(*KOZELSK, a, d * 1000.0)[k] for k in ("lat2", "lon2")]
                    for a, d in zip(azi, dist, strict=True)])
    staged_trajectories(vehicle, *KOZELSK, tgt[:2, 0], tgt[:2, 1])  # compile
    c0 = time.process_time()
    t0 = time.perf_counter()
    d = staged_trajectories(vehicle, *KOZELSK, tgt[:, 0], tgt[:, 1])
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0
    ok = d["status"] == "ok"
    rate = args.n / wall

    ref = []
    for i in range(args.n_scipy):
        t0 = time.perf_counter()
        t_cut, _ = scipy_fit(vehicle, tuple(tgt[i]), float(d["kick_deg"][i]),
                             float(d["launch_azimuth_deg"][i]))
        ref.append((time.perf_counter() - t0, abs(t_cut - float(d["burn_time_s"][i]))))
    t_ref = float(np.mean([r[0] for r in ref]))
    out = {
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "n": args.n,
        "ok": int(ok.sum()),
        "batch_wall_s": wall,
        "batch_cpu_s": cpu,
        "targeted_per_s": rate,
        "ms_per_trajectory": 1e3 * wall / args.n,
        "cpu_ms_per_trajectory": 1e3 * cpu / args.n,
        "max_miss_km": float(np.nanmax(d["miss_km"][ok])),
        "scipy_s_per_trajectory": t_ref,
        "scipy_cut_time_difference_s": max(r[1] for r in ref),
        "speedup_vs_scipy": t_ref / (wall / args.n),
        "target_ms": 1.0,
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
