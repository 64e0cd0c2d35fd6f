"""Benchmark staged threat trajectories in the lofted and apogee shapes against scipy.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_staged_shapes.py [--n 100 1000] [--n-scipy 1]

1. ``shieldcheck.staged.staged_trajectories`` with ``shape="lofted"`` (the full burn's high arc: the
   pitch-over tilt whose full burn lands on the target) and ``shape="apogee"`` (2,000 km: the tilt and the
   thrust-termination time together) for N targets 3,000-7,500 km from Kozelsk with the ``icbm-solid``
   class (Topol-M stages; drag, rotating WGS84 Earth), fitted route by route inside one compiled parallel
   call, then the reported flights; after a warm-up, for each N and shape: milliseconds per trajectory
   (wall clock and CPU) and the integrations each route cost.
2. The same fits per trajectory with scipy, handed the batch's launch azimuth (the kick's direction; the
   reference does no cross-range correction, which flatters it): lofted, ``brentq`` on the kick for the
   range; apogee, ``brentq`` on the kick for the apogee, each evaluation a ``brentq`` on the cut-off time
   for the range; every flight a DOP853 boost (rtol 1e-10; tests/test_boost.py's reference) and a DOP853
   two-body coast to the surface.

Writes ``benchmarks/results/staged_shapes.json``. Figures depend on the machine's load: compare ratios from
one run.
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
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_staged import KOZELSK, _timed  # noqa: E402
from shieldcheck.catalog.boosters import get_booster  # noqa: E402
from shieldcheck.earth import MU_KM3_S2, OMEGA_RAD_S, ecef_to_geodetic  # noqa: E402
from shieldcheck.staged import (  # noqa: E402
    _F_CUTS,
    _F_FLIGHTS,
    _M_APOGEE,
    _M_LOFTED,
    _fit,
    cut_vehicle,
    staged_trajectories,  # noqa: E402
)
from test_boost import _dop853_reference  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "staged_shapes.json"
APOGEE_KM = 2000.0


def _ecef(t, r):
    c, s = math.cos(OMEGA_RAD_S * t), math.sin(OMEGA_RAD_S * t)
    return np.array([c * r[0] + s * r[1], -s * r[0] + c * r[1], r[2]])


def _coast(y, t0):
    """DOP853 two-body coast to the surface: (range km from Kozelsk, apogee altitude km)."""

    def f(_, s):
        return np.concatenate([s[3:], -MU_KM3_S2 * s[:3] / np.linalg.norm(s[:3]) ** 3])

    def height(t, s):
        return float(ecef_to_geodetic(_ecef(t, s[:3]))[2])

    def top(_, s):
        return float(np.dot(s[:3], s[3:]))

    height.terminal, height.direction = True, -1
    top.direction = -1
    sol = solve_ivp(f, (t0, t0 + 40000.0), y[:6], method="DOP853", rtol=1e-10, atol=1e-9,
                    events=(height, top))
    t = float(sol.t_events[0][0])
    lat, lon, _ = ecef_to_geodetic(_ecef(t, sol.y_events[0][0][:3]))
    apo = (float(ecef_to_geodetic(_ecef(float(sol.t_events[1][0]), sol.y_events[1][0][:3]))[2])
           if len(sol.t_events[1]) else float(ecef_to_geodetic(_ecef(t0, y[:3]))[2]))
    return Geodesic.WGS84.Inverse(*KOZELSK, float(lat), float(lon))["s12"] / 1000.0, apo


def scipy_fit(vehicle, ground, kick, az, shape):
    """The kick (and cut-off) of the shape by brentq over DOP853 boost + coast flights."""

    def flight(k, t_cut):
        t_b, y = _dop853_reference(cut_vehicle(vehicle, t_cut), *KOZELSK, az, k)
        return _coast(y, t_b)

    if shape == "lofted":
        return brentq(lambda k: flight(k, vehicle.burn_time_s)[0] - ground, 0.8 * kick, 1.2 * kick, xtol=1e-9)

    def apogee_at(k):
        t = brentq(lambda tc: flight(k, tc)[0] - ground, 20.0, vehicle.burn_time_s, xtol=1e-6)
        return flight(k, t)[1] - APOGEE_KM

    return brentq(apogee_at, 0.97 * kick, 1.03 * kick, xtol=1e-9)


def _targets(n):
    rng = np.random.default_rng(5)
    dist = rng.uniform(3000.0, 7500.0, n)
    azi = rng.uniform(-60.0, 60.0, n) - 40.0  # north-west toward Europe and America
    geo = Geodesic.WGS84
    return np.array([[geo.Direct(*KOZELSK, a, d * 1000.0)[k] for k in ("lat2", "lon2")]
                     for a, d in zip(azi, dist, strict=True)])


def run_batch(vehicle, n, shape):
    tgt = _targets(n)
    kw = {"shape": shape, "apogee_km": APOGEE_KM} if shape == "apogee" else {"shape": shape}
    d, wall, cpu = _timed(lambda: staged_trajectories(vehicle, *KOZELSK, tgt[:, 0], tgt[:, 1], **kw))
    ok = d["status"] == "ok"
    lat, lon = np.full(n, KOZELSK[0]), np.full(n, KOZELSK[1])
    az = np.mod([Geodesic.WGS84.Inverse(*KOZELSK, *t)["azi1"] for t in tgt], 360.0)
    mode = np.full(n, _M_APOGEE if shape == "apogee" else _M_LOFTED)
    f = _fit(vehicle, vehicle.payload_kg, lat, lon, az, tgt[:, 0], tgt[:, 1], "wgs84", True, mode,
             np.full(n, APOGEE_KM))
    return d, tgt, {
        "shape": shape,
        "n": n,
        "ok": int(ok.sum()),
        "batch_wall_s": wall,
        "batch_cpu_s": cpu,
        "ms_per_trajectory": 1e3 * wall / n,
        "cpu_ms_per_trajectory": 1e3 * cpu / n,
        "fits_per_s": n / wall,
        "max_miss_km": float(np.nanmax(d["miss_km"][ok])),
        "full_burns_per_route": float(np.mean(f[:, _F_FLIGHTS])),
        "restarts_per_route": float(np.mean(f[:, _F_CUTS])),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, nargs="+", default=[100, 1000])
    ap.add_argument("--n-scipy", type=int, default=1)
    args = ap.parse_args()
    vehicle = get_booster("icbm-solid").vehicle
    tgt = _targets(2)
    for shape in ("lofted", "apogee"):  # compile
        staged_trajectories(vehicle, *KOZELSK, tgt[:, 0], tgt[:, 1], shape=shape, apogee_km=APOGEE_KM)
    load_start = os.getloadavg()
    runs, ref = [], {}
    for shape in ("lofted", "apogee"):
        for n in args.n:
            d, tgt, r = run_batch(vehicle, n, shape)
            runs.append(r)
            print(json.dumps(r), flush=True)
        times = []
        for i in range(args.n_scipy):
            t0 = time.perf_counter()
            k = scipy_fit(vehicle, float(d["ground_range_km"][i]), float(d["kick_deg"][i]),
                          float(d["launch_azimuth_deg"][i]), shape)
            times.append((time.perf_counter() - t0, abs(k - float(d["kick_deg"][i]))))
        ref[shape] = {"s_per_trajectory": float(np.mean([t[0] for t in times])),
                      "kick_difference_deg": max(t[1] for t in times)}
        print(json.dumps({shape: ref[shape]}), flush=True)
        for r in runs:
            if r["shape"] == shape:
                r["speedup_vs_scipy"] = ref[shape]["s_per_trajectory"] / (r["batch_wall_s"] / r["n"])
    out = {
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "load_average_1_5_15_start": list(load_start),
        "load_average_1_5_15_end": list(os.getloadavg()),
        "apogee_km": APOGEE_KM,
        "runs": runs,
        "scipy": ref,
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
