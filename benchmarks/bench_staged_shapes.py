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

import json
import os
import sys
import time
from pathlib import Path

import numpy as np
from geographiclib.geodesic import Geodesic
from scipy.optimize import brentq

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_staged import KOZELSK, _timed, arguments, batch_figures, targets, write  # noqa: E402
from shieldcheck.catalog.boosters import get_booster  # noqa: E402
from shieldcheck.staged import (  # noqa: E402
    _F_FLIGHTS,
    _M_APOGEE,
    _M_LOFTED,
    _fit,
    cut_vehicle,
    staged_trajectories,  # noqa: E402
)
from test_boost import _dop853_reference  # noqa: E402
from test_staged_shapes import coast_dop853  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results" / "staged_shapes.json"
APOGEE_KM = 2000.0


def _coast(y, t0):
    """DOP853 two-body coast to the surface (tests/test_staged_shapes.py): (range km from Kozelsk, apogee
    altitude km)."""
    (lat, lon), _, apo = coast_dop853(y, t0)
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


def run_batch(vehicle, n, shape):
    tgt = targets(n, 3000.0, 7500.0, 5)
    kw = {"shape": shape, "apogee_km": APOGEE_KM} if shape == "apogee" else {"shape": shape}
    d, wall, cpu = _timed(lambda: staged_trajectories(vehicle, *KOZELSK, tgt[:, 0], tgt[:, 1], **kw))
    lat, lon = np.full(n, KOZELSK[0]), np.full(n, KOZELSK[1])
    az = np.mod([Geodesic.WGS84.Inverse(*KOZELSK, *t)["azi1"] for t in tgt], 360.0)
    mode = np.full(n, _M_APOGEE if shape == "apogee" else _M_LOFTED)
    f = _fit(vehicle, vehicle.payload_kg, lat, lon, az, tgt[:, 0], tgt[:, 1], "wgs84", True, mode,
             np.full(n, APOGEE_KM))
    r = batch_figures(d, n, wall, cpu, f)
    r["fits_per_s"] = r.pop("targeted_per_s")
    return d, tgt, {"shape": shape, **r, "full_burns_per_route": float(np.mean(f[:, _F_FLIGHTS]))}


def main() -> None:
    args = arguments()
    vehicle = get_booster("icbm-solid").vehicle
    tgt = targets(2, 3000.0, 7500.0, 5)
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
    write(RESULTS, load_start, apogee_km=APOGEE_KM, runs=runs, scipy=ref)


if __name__ == "__main__":
    main()
