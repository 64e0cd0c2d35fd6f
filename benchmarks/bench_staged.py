"""Benchmark targeted staged threat trajectories (boost + coast fitted to the target) against scipy.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_staged.py [--n 100 1000] [--n-scipy 1]

1. ``shieldcheck.staged.staged_trajectories`` for N targets 500-9,000 km from Kozelsk with the ``icbm-solid``
   class (Topol-M stages; drag, rotating WGS84 Earth): the max-range kick (from the launch point's kick
   table), the thrust-termination time and the rotation-corrected azimuth, fitted route by route inside one
   compiled parallel call, then the reported flights; after a warm-up, for each N: milliseconds per
   trajectory (wall clock and CPU), and what they are made of (the compiled fit, of which the kick table,
   and the rest: the final flights, the coast and apogee figures, geodesics), with the integrations each
   route cost.
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
from shieldcheck.staged import (  # noqa: E402
    _F_CUTS,
    _F_FLIGHTS,
    _KICK_ITERATIONS,
    _fit,
    _kick_tables,
    cut_vehicle,
    staged_trajectories,
)
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


def targets(n, lo_km=500.0, hi_km=9000.0, seed=3):
    """n targets lo_km-hi_km from Kozelsk, north-west toward Europe and America (lat, lon rows)."""
    rng = np.random.default_rng(seed)
    dist = rng.uniform(lo_km, hi_km, n)
    azi = rng.uniform(-60.0, 60.0, n) - 40.0  # north-west toward Europe and America
    geo = Geodesic.WGS84
    return np.array([[geo.Direct(*KOZELSK, a, d * 1000.0)[k] for k in ("lat2", "lon2")]
                     for a, d in zip(azi, dist, strict=True)])


def _timed(fn):
    c0, t0 = time.process_time(), time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0, time.process_time() - c0


def batch_figures(d, n, wall, cpu, f) -> dict:
    """The figures every staged benchmark reports for a timed batch ``d`` of n routes (``f``: its fit)."""
    ok = d["status"] == "ok"
    return {
        "n": n,
        "ok": int(ok.sum()),
        "batch_wall_s": wall,
        "batch_cpu_s": cpu,
        "ms_per_trajectory": 1e3 * wall / n,
        "cpu_ms_per_trajectory": 1e3 * cpu / n,
        "targeted_per_s": n / wall,
        "max_miss_km": float(np.nanmax(d["miss_km"][ok])),
        "restarts_per_route": float(np.mean(f[:, _F_CUTS])),
    }


def arguments():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, nargs="+", default=[100, 1000])
    ap.add_argument("--n-scipy", type=int, default=1)
    return ap.parse_args()


def run_batch(vehicle, n):
    """One timed batch of n targeted trajectories, and the same batch's compiled fit alone."""
    tgt = targets(n)
    d, wall, cpu = _timed(lambda: staged_trajectories(vehicle, *KOZELSK, tgt[:, 0], tgt[:, 1]))
    lat, lon = np.full(n, KOZELSK[0]), np.full(n, KOZELSK[1])
    az = np.mod([Geodesic.WGS84.Inverse(*KOZELSK, *t)["azi1"] for t in tgt], 360.0)
    table_rows = _kick_tables(lat, lon, az)[4].size
    f, fit_wall, fit_cpu = _timed(lambda: _fit(vehicle, vehicle.payload_kg, lat, lon, az, tgt[:, 0],
                                               tgt[:, 1], "wgs84", True))
    return d, tgt, {
        **batch_figures(d, n, wall, cpu, f),
        "fit_wall_s": fit_wall,
        "fit_cpu_s": fit_cpu,
        "kick_table_rows": table_rows,
        "full_burns_per_route": float((np.sum(f[:, _F_FLIGHTS]) + table_rows * (_KICK_ITERATIONS + 2)) / n),
    }


def main() -> None:
    args = arguments()
    vehicle = get_booster("icbm-solid").vehicle
    tgt = targets(2)
    staged_trajectories(vehicle, *KOZELSK, tgt[:, 0], tgt[:, 1])  # compile
    load_start = os.getloadavg()
    runs = []
    for n in args.n:
        d, tgt, r = run_batch(vehicle, n)
        runs.append(r)
        print(json.dumps(r), flush=True)
    ref = []
    for i in range(args.n_scipy):
        t0 = time.perf_counter()
        t_cut, _ = scipy_fit(vehicle, tuple(tgt[i]), float(d["kick_deg"][i]),
                             float(d["launch_azimuth_deg"][i]))
        ref.append((time.perf_counter() - t0, abs(t_cut - float(d["burn_time_s"][i]))))
    t_ref = float(np.mean([r[0] for r in ref]))
    for r in runs:
        r["speedup_vs_scipy"] = t_ref / (r["batch_wall_s"] / r["n"])
    write(RESULTS, load_start, runs=runs, scipy_s_per_trajectory=t_ref,
          scipy_cut_time_difference_s=max(r[1] for r in ref), target_ms=1.0)


def write(path, load_start, **fields) -> None:
    """Write and print a results file: the machine, the load at the start and end, then ``fields``."""
    out = {
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "load_average_1_5_15_start": list(load_start),
        "load_average_1_5_15_end": list(os.getloadavg()),
        **fields,
    }
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
