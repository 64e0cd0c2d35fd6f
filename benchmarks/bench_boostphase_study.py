"""Boost-phase intercept in a scenario: `shieldcheck engage us-homeland-north-korea` (14 boost profiles).

Two measurements in the same run:

1. **The 14 boost profiles in this process** (Hwasong-15 class from Pyongyang and Tonghae toward seven
   U.S. cities, sampled every 2 s): the route-by-route method of the previous sessions, rebuilt here from
   the public functions it called (for each route, `solve_kick` alone, then every sample flown as a vehicle
   cut short at that moment, `cut_vehicle` + `fly_batch`, each from launch), against
   `boostphase.boost_profiles` with its cache off (one kick search for the batch; each boost flown once
   and every sample restarted from the step before it). Both must give the same profiles (1e-9 km).
2. **The command, each run a fresh process**, this tree against another revision (``--ref main``, exported
   with ``git archive``), interleaved so both see the same load: *cold* (an empty ``NUMBA_CACHE_DIR``:
   every kernel compiles and no profile is cached), *warm kernels* (compiled kernels cached, profile cache
   emptied before each run: what a changed scenario costs) and *warm* (both cached). Wall time and the
   child's CPU time (user + system) are reported, with the load average: this 2-core machine is shared.

Run: ``python benchmarks/bench_boostphase_study.py [--ref main] [--repeats 2]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from bench_kernels_ab import export_revision
from bench_startup import timed
from shieldcheck.boost import cut_vehicle, fly_batch, solve_kick
from shieldcheck.boostphase import boost_profiles
from shieldcheck.catalog import resolve_place
from shieldcheck.catalog.boosters import get_booster
from shieldcheck.earth import geodesic_inverse

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).parent / "results" / "boostphase_study.json"
COMMAND = ["engage", "us-homeland-north-korea"]
LAUNCHES = ("pyongyang", "tonghae")
TARGETS = ("anchorage", "honolulu", "seattle", "los-angeles", "chicago", "washington", "new-york")


def _routes():
    lat, lon, tlat, tlon = [], [], [], []
    for a in LAUNCHES:
        pa = resolve_place(a)
        for b in TARGETS:
            pb = resolve_place(b)
            lat.append(pa.latitude_deg)
            lon.append(pa.longitude_deg)
            tlat.append(pb.latitude_deg)
            tlon.append(pb.longitude_deg)
    return (np.array(x) for x in (lat, lon, tlat, tlon))


def _route_by_route(vehicle, lat, lon, tlat, tlon, times):
    """The previous sessions' method: per route, its own kick search, then each sample a cut vehicle."""
    out = []
    for i in range(lat.size):
        dist, az, _ = geodesic_inverse(lat[i], lon[i], tlat[i], tlon[i])
        s = solve_kick(vehicle, lat[i], lon[i], float(az) % 360.0, "range", range_km=min(float(dist), 2e4),
                       iterations=30)  # fmt: skip
        b = fly_batch([cut_vehicle(vehicle, float(t)) for t in times], lat[i], lon[i], float(az) % 360.0,
                      float(s["kick_deg"][0]))  # fmt: skip
        out.append(b.r_ecef_km)
    return out


def _clock(fn):
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - t0, time.process_time() - c0


def in_process() -> dict:
    lat, lon, tlat, tlon = _routes()
    vehicle = get_booster("hwasong-15").vehicle
    warm = boost_profiles("hwasong-15", lat[:1], lon[:1], toward=(tlat[:1], tlon[:1]), cache=False)  # compile
    _route_by_route(vehicle, lat[:1], lon[:1], tlat[:1], tlon[:1], warm[0].time_s[1:])
    new, new_wall, new_cpu = _clock(
        lambda: boost_profiles("hwasong-15", lat, lon, toward=(tlat, tlon), cache=False)
    )
    old, old_wall, old_cpu = _clock(lambda: _route_by_route(vehicle, lat, lon, tlat, tlon, new[0].time_s[1:]))
    diff = max(float(np.max(np.abs(p.r_ecef_km[1:] - o))) for p, o in zip(new, old, strict=True))
    return {
        "routes": int(lat.size),
        "samples_per_route": int(new[0].time_s.size),
        "route_by_route_wall_s": old_wall,
        "route_by_route_cpu_s": old_cpu,
        "batch_wall_s": new_wall,
        "batch_cpu_s": new_cpu,
        "speedup_wall": old_wall / new_wall,
        "speedup_cpu": old_cpu / new_cpu,
        "max_position_difference_km": diff,
    }


def commands(trees: dict, tmp: Path, repeats: int) -> dict:
    runs = {t: {"cold": [], "warm_kernels": [], "warm": []} for t in trees}
    for t, src in trees.items():  # cold: a new cache folder each (kernels and profiles)
        runs[t]["cold"].append(timed(src, tmp / f"cold-{t}", COMMAND))
    for _ in range(repeats):
        for t, src in trees.items():
            shutil.rmtree(tmp / f"cold-{t}" / "shieldcheck-boost-profiles", ignore_errors=True)
            runs[t]["warm_kernels"].append(timed(src, tmp / f"cold-{t}", COMMAND))
    for _ in range(repeats):
        for t, src in trees.items():
            runs[t]["warm"].append(timed(src, tmp / f"cold-{t}", COMMAND))
    pairs = (("wall", 0), ("cpu", 1))
    return {
        t: {f"{kind}_{what}_s": min(x[i] for x in r[kind]) for kind in r for what, i in pairs}
        for t, r in runs.items()
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--ref", default=None, help="also time this git revision, interleaved")
    ap.add_argument("--repeats", type=int, default=2, help="warm runs per tree and kind (best kept)")
    args = ap.parse_args()
    load_before = os.getloadavg()[0]
    profiles = in_process()
    tmp = Path(tempfile.mkdtemp(prefix="shieldcheck-bench-bp-"))
    try:
        trees = {"this": ROOT / "src"}
        if args.ref:
            trees[args.ref] = export_revision(args.ref, tmp / "ref")
        best = commands(trees, tmp, args.repeats)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    result = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average_1min": load_before,
        "load_average_1min_after": os.getloadavg()[0],
        "profiles_in_process": profiles,
        "command": " ".join(["shieldcheck", *COMMAND]),
        **{f"{t}": b for t, b in best.items()},
    }
    if args.ref:
        ref = best[args.ref]
        for kind in ("cold", "warm_kernels", "warm"):
            result[f"{kind}_cpu_ref_over_this"] = ref[f"{kind}_cpu_s"] / best["this"][f"{kind}_cpu_s"]
            result[f"{kind}_wall_ref_over_this"] = ref[f"{kind}_wall_s"] / best["this"][f"{kind}_wall_s"]
    p = profiles
    print(f"14 profiles in process: route by route {p['route_by_route_wall_s']:.2f} s wall / "
          f"{p['route_by_route_cpu_s']:.2f} s CPU, batch {p['batch_wall_s']:.3f} s / "
          f"{p['batch_cpu_s']:.3f} s: "
          f"{p['speedup_wall']:.0f}x wall, {p['speedup_cpu']:.0f}x CPU (same profiles to "
          f"{p['max_position_difference_km']:.1e} km)")
    labels = {"cold": "empty caches", "warm_kernels": "kernels cached, profiles not", "warm": "both cached"}
    for name, b in best.items():
        print(f"[{name}] {result['command']}")
        for kind, label in labels.items():
            print(f"  {label:30s}: {b[kind + '_wall_s']:6.2f} s wall, {b[kind + '_cpu_s']:6.2f} s CPU")
    if args.ref:
        print("ref / this: " + ", ".join(
            f"{k} {result[k + '_wall_ref_over_this']:.1f}x wall {result[k + '_cpu_ref_over_this']:.1f}x CPU"
            for k in labels))  # fmt: skip
    print(f"(load average {load_before:.1f} before, {result['load_average_1min_after']:.1f} after)")
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
