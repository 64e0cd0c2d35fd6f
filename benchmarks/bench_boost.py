"""Benchmark staged powered flight: batched compiled integrations against scipy solve_ivp, and a reach map.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_boost.py [--n 20000] [--n-scipy 3]

1. ``fly_batch`` over N kick angles of the three-stage solid ``minuteman-iii`` booster (drag, rotating WGS84
   Earth, the default step rule), after a warm-up compile, best of 3: boost integrations per second, and
   the Runge-Kutta steps per flight (a cost figure the machine's load does not change: compare it between
   revisions of the step rule).
2. The same flight with scipy ``solve_ivp`` (DOP853, rtol 1e-10) calling the same compiled right-hand side
   per trajectory, as a library user without the batch kernel would: integrations per second, and the ratio.
3. A reach map at 1 deg of azimuth (360 azimuths, maximum range each by golden-section search on the kick)
   for the ``hwasong-15`` class from Pyongyang: wall time.
4. Targeted boost + coast trajectories: ``solve_kick`` with goal ``"range"`` (the lofted-side kick that lands
   at a given ground range, rotating Earth, default 40 search steps) over a batch of ``--n-targeted``
   Minuteman III-class ranges between 3,000 and 9,000 km: trajectories per second.

Writes ``benchmarks/results/boost.json``. Figures depend on the machine's load: compare ratios from one run;
the CPU-time figures (all threads of this process) show the cost without the waiting for a shared CPU.
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

import numba
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from shieldcheck.boost import fly_batch, solve_kick  # noqa: E402
from shieldcheck.catalog.boosters import get_booster  # noqa: E402
from shieldcheck.reach import reach  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "boost.json"


def best_of(fn, repeat=3):
    best = math.inf
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def rk4_steps_per_flight(vehicle, lat, lon, az, kicks) -> float:
    """Mean Runge-Kutta steps of the compiled boost over ``kicks`` (the kernel's step record)."""
    from shieldcheck import boost
    from shieldcheck.earth import MU_KM3_S2, OMEGA_RAD_S, ellipsoid, enu_basis, geodetic_to_ecef

    st = np.array([s.row for s in vehicle.stages])
    a_e, e2 = ellipsoid("wgs84")
    r0 = np.asarray(geodetic_to_ecef(lat, lon, 0.0)).reshape(3)
    east, north, _ = enu_basis(lat, lon)
    a = math.radians(az)
    h0 = (math.sin(a) * np.asarray(east) + math.cos(a) * np.asarray(north)).ravel()
    lr, lp, aa = boost._atmosphere_table()
    cdm, cdv = boost._cd_table(vehicle.cd_mach)
    out, rec = np.empty(boost._NOUT), np.empty((200_000, 8))
    n = [boost._fly_one(st, len(vehicle.stages), vehicle.payload_kg, r0, h0, math.radians(k), 10.0, 10.0,
                        OMEGA_RAD_S, 2, MU_KM3_S2, boost.J2_WGS84, a_e, a_e, e2, True, lr, lp, aa, cdm, cdv,
                        0.5, out, rec) for k in kicks]
    return float(np.mean(n))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--n-scipy", type=int, default=3)
    ap.add_argument("--n-targeted", type=int, default=400)
    args = ap.parse_args()
    vehicle = get_booster("minuteman-iii").vehicle
    kicks = np.random.default_rng(1).uniform(5.0, 40.0, args.n)
    fly_batch(vehicle, 41.1, -104.8, 300.0, kicks[:4])  # compile
    t_batch = best_of(lambda: fly_batch(vehicle, 41.1, -104.8, 300.0, kicks))
    rate_batch = args.n / t_batch
    # CPU time used by this process (all threads): on a shared, loaded machine wall time overstates the
    # cost; integrations per CPU-second times the core count bounds what an idle machine would give
    c0 = time.process_time()
    fly_batch(vehicle, 41.1, -104.8, 300.0, kicks)
    rate_cpu = args.n / (time.process_time() - c0)

    steps = rk4_steps_per_flight(vehicle, 41.1, -104.8, 300.0, kicks[:200])

    from test_boost import _dop853_reference  # the scipy reference of the tests

    t0 = time.perf_counter()
    for k in kicks[: args.n_scipy]:
        _dop853_reference(vehicle, 41.1, -104.8, 300.0, float(k))
    rate_scipy = args.n_scipy / (time.perf_counter() - t0)

    b = get_booster("hwasong-15")
    reach(b.vehicle, 39.03, 125.75, azimuth_step_deg=90.0)  # warm-up
    c0 = time.process_time()
    t_reach = best_of(lambda: reach(b.vehicle, 39.03, 125.75, azimuth_step_deg=1.0), repeat=1)
    cpu_reach = time.process_time() - c0

    ranges = np.linspace(3000.0, 9000.0, args.n_targeted)
    solve_kick(vehicle, 41.1, -104.8, 300.0, "range", range_km=ranges[:4])  # warm-up
    c0 = time.process_time()
    t_tgt = best_of(lambda: solve_kick(vehicle, 41.1, -104.8, 300.0, "range", range_km=ranges), repeat=1)
    cpu_tgt = time.process_time() - c0

    res = {
        "machine": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "numba_threads": numba.get_num_threads(),
        "load_average_1min": os.getloadavg()[0],
        "boost_integrations_per_s_batch": round(rate_batch, 1),
        "boost_integrations_per_cpu_s_batch": round(rate_cpu, 1),
        "rk4_steps_per_flight": round(steps, 1),
        "boost_integrations_per_s_scipy_dop853": round(rate_scipy, 3),
        "ratio_batch_over_scipy": round(rate_batch / rate_scipy, 1),
        "reach_map_1deg_s": round(t_reach, 3),
        "reach_map_1deg_cpu_s": round(cpu_reach, 3),
        "targeted_trajectories_per_s": round(args.n_targeted / t_tgt, 1),
        "targeted_trajectories_per_cpu_s": round(args.n_targeted / cpu_tgt, 1),
        "n_batch": args.n,
        "n_targeted": args.n_targeted,
        "n_scipy": args.n_scipy,
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(res, indent=2) + "\n")
    print(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
