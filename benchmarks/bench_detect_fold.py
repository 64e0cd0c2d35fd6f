"""A/B timing (and byte identity) of the engagement kernel's detection and the boost-phase kernel's reach
table after their segment search became one helper (`shieldcheck.orbits._segment_of`).

Run it in two source trees, interleaved, in fresh processes with warm caches::

    git archive BASE | tar -x -C /tmp/base
    python benchmarks/bench_detect_fold.py --ab /tmp/base/src src --rounds 3

Prints, per tree, the best wall time of: the flagship's engagement rows (every variant; kinematic), the
same with the Russian group flown staged (its detection follows the tabulated boost), and boost-phase
intercept (`engage_boost` of a staged interceptor fly-out, whose reach table the kernel interpolates,
and a 0.5° basing zone); plus a SHA-256 of every result, equal in both trees when the change is exact.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time


def _work() -> dict:
    import numpy as np

    from shieldcheck.boostphase import basing_zone, boost_profile, engage_boost
    from shieldcheck.engagement import engage_scenario, scenario_trajectories
    from shieldcheck.scenario import build, load_scenario

    model = load_scenario("european-third-site-2007")
    cases = []
    for sets in ((), ("threats.russia-us.boost=staged",)):
        for v in [None, *model.variants]:
            b = build(model, variant=v, sets=list(sets))
            cases.append((b, scenario_trajectories(b)))
    from shieldcheck.interceptors import staged_flyout

    gbi = staged_flyout("gbi-2stage")
    prof = boost_profile("hwasong-15", 39.03, 125.75, toward=(47.61, -122.33))
    out, h = {}, hashlib.sha256()

    def timed(name, fn, reps):
        best = np.inf
        for _ in range(reps):
            t0 = time.perf_counter()
            res = fn()
            best = min(best, time.perf_counter() - t0)
        out[name] = best
        h.update(repr(res).encode())

    timed("flagship_kinematic_s", lambda: [engage_scenario(b, trajectories=t) for b, t in cases[:9]], 5)
    timed("flagship_staged_s", lambda: [engage_scenario(b, trajectories=t) for b, t in cases[9:]], 5)
    bases = [(41.0 + 0.5 * k, 131.0) for k in range(8)]
    timed("boost_phase_engage_s",
          lambda: [engage_boost(prof, la, lo, gbi, flyout="staged") for la, lo in bases], 5)
    timed("basing_zone_s", lambda: basing_zone(prof, (34.0, 46.0, 120.0, 136.0), 0.5, gbi,
                                                flyout="staged"), 3)
    out["sha256"] = h.hexdigest()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ab", nargs=2, metavar=("BASE_SRC", "NEW_SRC"))
    ap.add_argument("--rounds", type=int, default=2)
    a = ap.parse_args()
    if not a.ab:
        print(json.dumps(_work()))
        return
    res = {"base": [], "new": []}
    for _ in range(a.rounds):
        for label, src in zip(("base", "new"), a.ab, strict=True):
            env = {**os.environ, "PYTHONPATH": os.path.abspath(src)}
            p = subprocess.run([sys.executable, __file__], env=env, capture_output=True, text=True,
                               check=True)
            res[label].append(json.loads(p.stdout.strip().splitlines()[-1]))
            print(label, res[label][-1], "load", os.getloadavg()[0], flush=True)
    keys = [k for k in res["base"][0] if k.endswith("_s")]
    for k in keys:
        b = min(r[k] for r in res["base"])
        n = min(r[k] for r in res["new"])
        print(f"{k}: base {b:.4f} s, new {n:.4f} s, new/base {n / b:.3f}")
    print("identical:", {r["sha256"] for r in res["base"]} == {r["sha256"] for r in res["new"]})


if __name__ == "__main__":
    main()
