"""Benchmark the batch Lambert solvers against lamberthub's izzo2015 called per problem.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_lambert.py [--n 100000] [--n-lamberthub 3000]

Random problems (seeded): radii 6,300-50,000 km, isotropic directions, time of flight 60-20,000 s, short and
long way. Prints solves per second for the numba kernel (after a warm-up compile, best of 3), the numpy
fallback and lamberthub ``izzo2015`` in a Python loop as a library user would call it (a subset), with
ratios against the lamberthub figure from the same run, and writes them to
``benchmarks/results/lambert.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numba
import numpy as np

from shieldcheck.earth import MU_KM3_S2
from shieldcheck.orbits import LambertStatus, lambert, lambert_numpy

RESULTS = Path(__file__).resolve().parent / "results" / "lambert.json"


def random_problems(n: int, seed: int = 12345):
    """Seeded random Lambert problems (km, s)."""
    rng = np.random.default_rng(seed)

    def directions():
        d = rng.normal(size=(n, 3))
        return d / np.linalg.norm(d, axis=1)[:, None]

    r1 = directions() * rng.uniform(6300.0, 50000.0, n)[:, None]
    r2 = directions() * rng.uniform(6300.0, 50000.0, n)[:, None]
    tof = rng.uniform(60.0, 20000.0, n)
    long_way = rng.random(n) < 0.5
    return r1, r2, tof, long_way


def best_of(fn, repeat: int = 3) -> float:
    """Best wall time of ``repeat`` calls, s."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def bench_lamberthub(r1, r2, tof, long_way) -> tuple[float, int]:
    """Per-problem izzo2015 calls in a Python loop; returns (seconds, problems solved)."""
    from lamberthub import izzo2015

    h_z = np.cross(r1, r2)[:, 2]
    prograde = (h_z > 0.0) != long_way  # lamberthub's prograde means orbit normal along +z
    izzo2015(MU_KM3_S2, r1[0], r2[0], tof[0], M=0, prograde=bool(prograde[0]), low_path=True)  # warm-up
    t0 = time.perf_counter()
    for i in range(tof.shape[0]):
        izzo2015(MU_KM3_S2, r1[i], r2[i], tof[i], M=0, prograde=bool(prograde[i]), low_path=True)
    return time.perf_counter() - t0, tof.shape[0]


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="number of random problems (default 1e5)")
    parser.add_argument("--n-lamberthub", type=int, default=3000,
                        help="problems for the per-call lamberthub loop (default 3000)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="JSON results file")
    args = parser.parse_args(argv)

    r1, r2, tof, long_way = random_problems(args.n)

    t0 = time.perf_counter()
    lambert(r1[:10], r2[:10], tof[:10], long_way[:10])  # warm-up: compile or load the numba cache
    warmup_s = time.perf_counter() - t0
    sol = lambert(r1, r2, tof, long_way)
    t_numba = best_of(lambda: lambert(r1, r2, tof, long_way))
    t_numpy = best_of(lambda: lambert_numpy(r1, r2, tof, long_way))
    n_hub = min(args.n_lamberthub, args.n)
    t_hub, n_hub = bench_lamberthub(r1[:n_hub], r2[:n_hub], tof[:n_hub], long_way[:n_hub])

    rates = {
        "numba_prange": args.n / t_numba,
        "numpy": args.n / t_numpy,
        "lamberthub_izzo2015_loop": n_hub / t_hub,
    }
    base = rates["lamberthub_izzo2015_loop"]
    result = {
        "problems": args.n,
        "lamberthub_problems": n_hub,
        "solves_per_s": {k: round(v, 1) for k, v in rates.items()},
        "ratio_vs_lamberthub": {k: round(v / base, 2) for k, v in rates.items()},
        "ok_fraction": float(np.mean(sol.status == LambertStatus.OK)),
        "numba_warmup_s": round(warmup_s, 3),
        "numba_threads": numba.get_num_threads(),
        "numba_threading_layer": numba.threading_layer(),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numba": numba.__version__,
    }

    print(f"Lambert benchmark: {args.n} random problems ({n_hub} for lamberthub), "
          f"{result['numba_threads']} numba threads, warm-up {warmup_s:.2f} s")
    print(f"{'solver':<28}{'solves/s':>14}{'vs lamberthub':>16}")
    for name, rate in rates.items():
        print(f"{name:<28}{rate:>14,.0f}{rate / base:>15.1f}x")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")
    return result


if __name__ == "__main__":
    main()
