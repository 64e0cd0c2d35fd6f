"""Loopback load test of ``shieldcheck serve`` on the flagship: N clients changing speeds and dragging sites.

Starts the real server (``shieldcheck serve --port P`` in a subprocess), then runs ``--clients`` threads
that each repeat, until ``--requests`` requests in all or ``--max-seconds``:

* **slider**: ``POST /api/study`` with a new interceptor burnout speed (a fresh value each time, so the
  server's cache does not answer);
* **drag**: ``POST /api/study`` with the site moved (``interceptor_sites.redzikowo.place=lat,lon``, a fresh
  place each time), then ``POST /api/footprint``: the defended area against Tehran's IRBMs over Europe at
  0.5° (about 15,000 cells) for that site.

The load is closed-loop: each client fires its next action as soon as the last one returned, with no
think time unless ``--think-ms`` gives one (a pause before each action, drawn per action from an
exponential distribution with that mean, as people at a map pause to read). Without think time the
server is never idle: that is harsher than people at a map, and the figure the README always shows.

It reports p50/p95/p99 latency per kind, throughput and errors (any non-200; 5xx counted apart), and
where the server's time went (its ``Server-Timing`` header: ``queue`` waiting for a compute slot or
paused for route tables, ``compute`` computing; the rest of a latency is HTTP, parsing and the event
loop). The
baseline, measured in the same run, is the same computation called in-process with no HTTP and no
concurrency (``build`` + ``build_study``; ``defended_area``): the ratio is what serving costs on top.
Targets (issue 12, this 2-core machine): p95 < 300 ms for a slider update, < 1.5 s for a drag's footprint,
zero 5xx. Run: ``python benchmarks/bench_web.py [--clients 4] [--requests 60] [--max-seconds 180]
[--think-ms 0]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np

RESULTS = Path(__file__).parent / "results" / "web-{clients}-clients{think}.json"
FLAGSHIP = "european-third-site-2007"
SPEED = "interceptor_types.gbi-2stage.burnout_speed_km_s"
EUROPE = {"lat_min_deg": 30.0, "lat_max_deg": 72.0, "lon_min_deg": -30.0, "lon_max_deg": 60.0}
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def post(base: str, path: str, body: dict) -> tuple[int, float, dict]:
    """Status, seconds, and the server's ``Server-Timing`` entries (s) of one POST."""
    req = urllib.request.Request(
        base + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    t0 = time.perf_counter()
    timing = {}
    try:
        with OPENER.open(req, timeout=120) as resp:
            resp.read()
            status = resp.status
            for part in (resp.headers.get("Server-Timing") or "").split(","):
                name, _, dur = part.strip().partition(";dur=")
                if dur:
                    timing[name] = float(dur) / 1000.0
    except urllib.error.HTTPError as err:
        status = err.code
    except OSError:
        status = 0
    return status, time.perf_counter() - t0, timing


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    exe = shutil.which("shieldcheck", path=str(Path(sys.executable).parent)) or "shieldcheck"
    proc = subprocess.Popen([exe, "serve", "--port", str(port)], stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            with OPENER.open(f"http://127.0.0.1:{port}/api/scenarios", timeout=5):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("the server did not start")


def percentiles(xs: list[float]) -> dict:
    if not xs:
        return {"n": 0}
    a = np.asarray(xs) * 1000.0
    return {
        "n": len(xs),
        "p50_ms": float(np.percentile(a, 50)),
        "p95_ms": float(np.percentile(a, 95)),
        "p99_ms": float(np.percentile(a, 99)),
        "max_ms": float(a.max()),
    }


def baseline(repeats: int) -> dict:
    """The same work in-process, one at a time, no HTTP (median seconds).

    ``footprint_s`` is what the server does for a drag (engageable cells only, the grid's threat
    trajectories reused); ``footprint_full_s`` is the full footprint with its trajectories solved
    afresh (what a drag cost before); their ratio is how much smaller the work became.
    """
    from shieldcheck import footprint
    from shieldcheck.footprint import defended_area, grid
    from shieldcheck.scenario import build, load_scenario
    from shieldcheck.study import build_study

    model = load_scenario(FLAGSHIP)
    g = grid(EUROPE["lat_min_deg"], EUROPE["lat_max_deg"], EUROPE["lon_min_deg"], EUROPE["lon_max_deg"], 0.5)
    build_study(build(model), thresholds=False)  # compile / warm
    defended_area(build(model).architecture, "tehran", g, missile="irbm-5500", engageable_only=True)
    study, fp, full = [], [], []
    for k in range(repeats):
        t0 = time.perf_counter()
        build_study(build(model, sets=[f"{SPEED}={6.0 + 0.013 * k:.3f}"]), thresholds=False)
        study.append(time.perf_counter() - t0)
        b = build(
            model, sets=[f"interceptor_sites.redzikowo.place={52.0 + 0.1 * k:.2f},{18.0 + 0.1 * k:.2f}"]
        )
        t0 = time.perf_counter()
        fast = defended_area(b.architecture, "tehran", g, missile="irbm-5500", engageable_only=True)
        fp.append(time.perf_counter() - t0)
        footprint._TRAJECTORY_CACHE.clear()
        t0 = time.perf_counter()
        whole = defended_area(b.architecture, "tehran", g, missile="irbm-5500")
        full.append(time.perf_counter() - t0)
        assert np.array_equal(fast.values["engageable"], whole.values["engageable"])
    return {
        "study_s": float(np.median(study)),
        "footprint_s": float(np.median(fp)),
        "footprint_full_s": float(np.median(full)),
        "cells": g.shape[0] * g.shape[1],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--requests", type=int, default=60, help="Slider and drag actions in all (bound).")
    ap.add_argument("--max-seconds", type=float, default=180.0, help="Stop starting actions after this.")
    ap.add_argument("--baseline-repeats", type=int, default=5)
    ap.add_argument(
        "--think-ms",
        type=float,
        default=0.0,
        help="Mean pause before each action, ms (exponential, drawn per action); 0: none (closed loop).",
    )
    args = ap.parse_args()
    if not (1 <= args.clients <= 32 and 1 <= args.requests <= 5000 and 1 <= args.max_seconds <= 3600):
        raise SystemExit(
            "--clients within [1, 32], --requests within [1, 5000], --max-seconds within [1, 3600]"
        )
    if not 0.0 <= args.think_ms <= 60_000.0:
        raise SystemExit("--think-ms within [0, 60000]")

    load_before = os.getloadavg()
    base_line = baseline(args.baseline_repeats)
    port = free_port()
    proc = start_server(port)
    base = f"http://127.0.0.1:{port}"
    try:
        post(base, "/api/study", {"scenario": FLAGSHIP})  # warm the server's compiled kernels
        post(
            base,
            "/api/footprint",
            {"scenario": FLAGSHIP, "threat": "iran-europe", "place": "tehran", "resolution_deg": 2.0},
        )
        lock = threading.Lock()
        counter = iter(range(args.requests))
        lat = {"slider": [], "drag_study": [], "drag_footprint": []}
        server = {k: {"queue": [], "compute": []} for k in lat}
        statuses: list[int] = []

        def record(kind, status, dt, timing):
            lat[kind].append(dt)
            statuses.append(status)
            for part in ("queue", "compute"):
                if part in timing:
                    server[kind][part].append(timing[part])

        t_end = time.monotonic() + args.max_seconds

        def client(seed: int) -> None:
            rng = random.Random(seed)
            while time.monotonic() < t_end:
                with lock:
                    k = next(counter, None)
                if k is None:
                    return
                if args.think_ms > 0:
                    time.sleep(rng.expovariate(1000.0 / args.think_ms))
                if k % 3 != 2:  # two slider moves for each drag
                    speed = f"{rng.uniform(5.0, 9.5):.3f}"
                    answer = post(base, "/api/study", {"scenario": FLAGSHIP, "sets": [f"{SPEED}={speed}"]})
                    with lock:
                        record("slider", *answer)
                    continue
                place = (
                    f"interceptor_sites.redzikowo.place={rng.uniform(45, 58):.3f},{rng.uniform(10, 28):.3f}"
                )
                view = {"scenario": FLAGSHIP, "sets": [place]}
                first = post(base, "/api/study", view)
                fp = {**view, **EUROPE, "threat": "iran-europe", "place": "tehran", "resolution_deg": 0.5}
                second = post(base, "/api/footprint", fp)
                with lock:
                    record("drag_study", *first)
                    record("drag_footprint", *second)

        t0 = time.perf_counter()
        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
    finally:
        proc.terminate()
        proc.wait(30)

    stats = {k: percentiles(v) for k, v in lat.items()}
    split = {k: {part: percentiles(xs) for part, xs in v.items()} for k, v in server.items()}
    errors = sum(s != 200 for s in statuses)
    five = sum(s >= 500 or s == 0 for s in statuses)
    result = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average_before": load_before,
        "load_average": os.getloadavg(),
        "clients": args.clients,
        "think_ms": args.think_ms,
        "requests": len(statuses),
        "wall_s": wall,
        "throughput_req_s": len(statuses) / wall,
        "errors": errors,
        "errors_5xx": five,
        "latency": stats,
        "server_timing": split,
        "baseline_in_process": base_line,
        "ratio_slider_p50_to_in_process": stats["slider"].get("p50_ms", float("nan"))
        / 1000
        / base_line["study_s"],
        "ratio_footprint_p50_to_in_process": stats["drag_footprint"].get("p50_ms", float("nan"))
        / 1000
        / base_line["footprint_s"],
        "targets": {"slider_p95_ms": 300, "drag_footprint_p95_ms": 1500, "errors_5xx": 0},
    }
    think = f", think time {args.think_ms:g} ms (mean)" if args.think_ms else ", no think time"
    print(
        f"{args.clients} clients{think}, {len(statuses)} requests in {wall:.1f} s: "
        f"{result['throughput_req_s']:.2f} req/s, "
        f"{errors} errors ({five} 5xx); load average {load_before[0]:.1f} before, "
        f"{result['load_average'][0]:.1f} after"
    )
    for k, v in stats.items():
        if v["n"]:
            print(
                f"  {k:15s} n={v['n']:3d}  p50 {v['p50_ms']:7.0f} ms  p95 {v['p95_ms']:7.0f} ms  "
                f"p99 {v['p99_ms']:7.0f} ms"
            )
            q, c = split[k]["queue"], split[k]["compute"]
            if q["n"] and c["n"]:
                print(
                    f"  {'':15s} server: queue p50 {q['p50_ms']:5.0f} ms p95 {q['p95_ms']:5.0f} ms, "
                    f"compute p50 {c['p50_ms']:5.0f} ms p95 {c['p95_ms']:5.0f} ms"
                )
    print(
        f"  in-process, one at a time: study {base_line['study_s'] * 1000:.0f} ms, "
        f"footprint ({base_line['cells']:,} cells) {base_line['footprint_s'] * 1000:.0f} ms "
        f"(full, trajectories solved afresh: {base_line['footprint_full_s'] * 1000:.0f} ms, "
        f"{base_line['footprint_full_s'] / base_line['footprint_s']:.1f}x the work)"
    )
    print(
        f"  ratio p50 / in-process: slider {result['ratio_slider_p50_to_in_process']:.2f}x, "
        f"footprint {result['ratio_footprint_p50_to_in_process']:.2f}x"
    )
    think = f"-think-{args.think_ms:g}ms" if args.think_ms else ""
    out = Path(str(RESULTS).format(clients=args.clients, think=think))
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
