"""The web API against the CLI, and every kind of bad input against its 4xx message.

Expected numbers come from the CLI's ``shieldcheck engage --json`` (a separate code path: typer, the
scenario loader and the engagement table), never from the web module itself. The server runs for real
on a loopback port (uvicorn in a thread) and is called with urllib.
"""

from __future__ import annotations

import json
import math
import re
import shutil
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

from typer.testing import CliRunner  # noqa: E402

from shieldcheck.cli import app as cli_app  # noqa: E402
from shieldcheck.web import Limits  # noqa: E402
from web_server import call, running_server  # noqa: E402

FLAGSHIP = "european-third-site-2007"
SPEED = "interceptor_types.gbi-2stage.burnout_speed_km_s"
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def base():
    with running_server() as url:
        yield url


def cli_rows(*args) -> list[dict]:
    result = CliRunner().invoke(cli_app, ["engage", FLAGSHIP, "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def same(a, b) -> bool:
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return a == b


def assert_rows_equal(api_rows, cli, variant):
    mine = [r for r in cli if r["variant"] == variant]
    assert len(api_rows) == len(mine) > 0
    for a, c in zip(api_rows, mine, strict=True):
        for k, v in c.items():
            if k in ("scenario", "row", "scenario_hash", "sets", "shieldcheck_version"):  # CSV provenance
                continue
            assert same(a[k], v), (variant, a["launch"], a["target"], a["site"], k, a[k], v)


def test_study_equals_cli_engage_for_the_flagship_and_every_variant(base):
    cli = cli_rows("--all-variants")
    variants = ["base", *sorted({r["variant"] for r in cli} - {"base"})]
    assert len(variants) == 9
    for v in variants:
        status, _, study = call(base, "/api/study", {"scenario": FLAGSHIP, "variant": v})
        assert status == 200, study
        assert_rows_equal(study["rows"], cli, v)
        # a route is defended exactly when some site has a window (the CLI's rows, grouped here)
        for route in study["routes"]:
            rows = [
                r
                for r in cli
                if r["variant"] == v
                and (r["threat"], r["launch"], r["target"])
                == (route["threat"], route["launch"], route["target"])
            ]
            assert (route["status"] == "defended") == any(r["engageable"] for r in rows)


@pytest.mark.parametrize("speed", [5.4, 8.0])
def test_set_override_equals_cli_set(base, speed):
    cli = cli_rows("--set", f"{SPEED}={speed}")
    status, _, study = call(base, "/api/study", {"scenario": FLAGSHIP, "sets": [f"{SPEED}={speed}"]})
    assert status == 200
    assert_rows_equal(study["rows"], cli, "base")
    russia = {g["threat"]: g for g in study["groups"]}["russia-us"]
    defended = {(r["launch"], r["target"]) for r in cli if r["threat"] == "russia-us" and r["engageable"]}
    assert russia["routes_defended"] == len(defended)


def test_moved_site_equals_cli_set_place(base):
    place = "interceptor_sites.redzikowo.place=50.0,25.0"
    cli = cli_rows("--set", place)
    status, _, study = call(base, "/api/study", {"scenario": FLAGSHIP, "sets": [place]})
    assert status == 200
    assert_rows_equal(study["rows"], cli, "base")


def test_added_site_adds_rows_for_it(base):
    body = {
        "scenario": FLAGSHIP,
        "add_sites": [{"name": "added-1", "latitude_deg": 41.0, "longitude_deg": 29.0}],
    }
    status, _, study = call(base, "/api/study", body)
    assert status == 200, study
    assert {r["site"] for r in study["rows"]} == {"redzikowo", "added-1"}
    # the added site answers as a catalog site there would (CLI, with the same site written as a --set)
    sites = (
        '[{"name": "redzikowo", "place": "redzikowo", "interceptor": "gbi-2stage", "inventory": 10},'
        ' {"name": "added-1", "place": "41.0000,29.0000", "interceptor": "gbi-2stage", "inventory": 10}]'
    )
    cli = cli_rows("--set", f"interceptor_sites={sites}")
    assert_rows_equal(study["rows"], cli, "base")


BAD = [
    # (path, body, status, words the message must contain)
    ("/api/study", {"scenario": "no-such-scenario"}, 400, ["scenario: must be one of", "'no-such-scenario'"]),
    (
        "/api/study",
        {"scenario": "../../etc/passwd"},
        422,
        ["scenario: string should match pattern", "'../../etc/passwd'"],
    ),
    ("/api/study", {"scenario": FLAGSHIP, "variant": "nope"}, 400, ["variant: must be one of", "got 'nope'"]),
    (
        "/api/study",
        {"scenario": FLAGSHIP, "sets": ["timeline.decison_s=1"]},
        400,
        ["unknown key 'decison_s'"],
    ),
    (
        "/api/study",
        {"scenario": FLAGSHIP, "sets": [f"{SPEED}=-1"]},
        400,
        [SPEED, "must be within (0, 15], got -1.0"],
    ),
    (
        "/api/study",
        {"scenario": FLAGSHIP, "sets": [f"{SPEED}=fast"]},
        400,
        [SPEED, "must be a number, got 'fast'"],
    ),
    ("/api/study", {"scenario": FLAGSHIP, "sets": ["timeline.decision_s"]}, 400, ["must be PATH=VALUE"]),
    (
        "/api/study",
        {"scenario": FLAGSHIP, "sets": ["timeline.decision_s=1"] * 41},
        422,
        ["sets: list should have at most 40 items"],
    ),
    (
        "/api/study",
        {"scenario": FLAGSHIP, "sets": ["x=" + "1" * 500]},
        422,
        ["sets.0: string should have at most 400 characters"],
    ),
    (
        "/api/study",
        {"scenario": FLAGSHIP, "sets": "timeline.decision_s=1"},
        422,
        ["sets: input should be a valid list"],
    ),
    (
        "/api/study",
        {"scenario": FLAGSHIP, "colour": "red"},
        422,
        ["colour: extra inputs are not permitted", "got 'red'"],
    ),
    ("/api/study", {}, 422, ["scenario: field required"]),
    (
        "/api/study",
        {"scenario": FLAGSHIP, "add_sites": [{"name": "x", "latitude_deg": 95, "longitude_deg": 0}]},
        422,
        ["add_sites.0.latitude_deg: input should be less than or equal to 90", "got 95"],
    ),
    (
        "/api/study",
        {"scenario": FLAGSHIP, "add_sites": [{"name": "redzikowo", "latitude_deg": 50, "longitude_deg": 20}]},
        400,
        ["add_sites.name: must differ from the existing sites", "'redzikowo'"],
    ),
    (
        "/api/footprint",
        {"scenario": FLAGSHIP, "threat": "iran-europe", "place": "tehran", "resolution_deg": 0.1},
        400,
        ["resolution_deg:", "at most 60,000 per request"],
    ),
    (  # 6.5 million cells: the request's 60,000 is the limit named, not the general 4,000,000 (breaker s4)
        "/api/footprint",
        {"scenario": FLAGSHIP, "threat": "iran-europe", "place": "tehran", "resolution_deg": 0.1,
         "lat_min_deg": -90, "lat_max_deg": 90, "lon_min_deg": -180, "lon_max_deg": 180},
        400,
        ["resolution_deg:", "at most 60,000 per request"],
    ),
    (
        "/api/footprint",
        {"scenario": FLAGSHIP, "threat": "martians", "place": "tehran"},
        400,
        ["threat: must be one of iran-europe", "got 'martians'"],
    ),
    (
        "/api/footprint",
        {"scenario": FLAGSHIP, "threat": "iran-europe", "place": "berlin"},
        400,
        ["place: must be a launch of iran-europe", "got 'berlin'"],
    ),
    (
        "/api/footprint",
        {
            "scenario": FLAGSHIP,
            "threat": "iran-europe",
            "place": "tehran",
            "lat_min_deg": 60,
            "lat_max_deg": 50,
        },
        400,
        ["grid lat_max_deg must exceed lat_min_deg"],
    ),
    ("/api/trajectory?launch=atlantis&target=berlin", None, 400, ["atlantis"]),
    (
        "/api/trajectory?launch=tehran&target=berlin&step_s=0",
        None,
        422,
        ["step_s: input should be greater than or equal to 1"],
    ),
]


@pytest.mark.parametrize(("path", "body", "status", "words"), BAD, ids=[f"{i}" for i in range(len(BAD))])
def test_bad_input_is_a_4xx_naming_field_rule_and_value(base, path, body, status, words):
    got, _, answer = call(base, path, body)
    assert got == status, answer
    for w in words:
        assert w in answer["error"], answer["error"]


def test_invalid_json_and_oversized_bodies_are_refused(base):
    status, _, answer = call(base, "/api/study", raw=b"{not json")
    assert status == 422 and "json" in answer["error"].lower()
    # names the body and the rule, not a character offset as a field and 'got dict' as the value
    assert answer["error"].startswith("request body: must be valid JSON"), answer["error"]
    assert "got dict" not in answer["error"] and "jSON" not in answer["error"]
    big = json.dumps({"scenario": FLAGSHIP, "sets": ["a=" + "1" * 70_000]}).encode()
    status, _, answer = call(base, "/api/study", raw=big)
    assert status == 413 and "at most 65,536 bytes" in answer["error"]


def test_chunked_oversized_body_is_refused(base):
    import http.client

    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    chunks = (b"x" * 10_000 for _ in range(10))
    conn.request(
        "POST", "/api/study", body=chunks, headers={"Content-Type": "application/json"}, encode_chunked=True
    )
    resp = conn.getresponse()
    assert resp.status == 413
    conn.close()


def test_foreign_host_header_is_refused(base):
    status, _, _ = call(base, "/api/scenarios", headers={"Host": "evil.example"})
    assert status == 400


def test_headers_csp_and_no_cors(base):
    for path in ("/", "/api/scenarios", "/static/app.js"):
        status, headers, _ = call(base, path, headers={"Origin": "http://evil.example"})
        assert status == 200
        csp = headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp and "unsafe" not in csp
        assert "access-control-allow-origin" not in {k.lower() for k in headers}


def test_cors_only_when_asked():
    with running_server(cors_origins=["http://localhost:3000"]) as url:
        _, headers, _ = call(url, "/api/scenarios", headers={"Origin": "http://localhost:3000"})
        assert headers.get("access-control-allow-origin") == "http://localhost:3000"


def test_openapi_served_locally_and_no_cdn_docs(base):
    status, _, doc = call(base, "/openapi.json")
    assert status == 200 and "/api/study" in doc["paths"] and "/api/footprint" in doc["paths"]
    assert call(base, "/docs")[0] == 404


def test_page_and_assets_reference_no_other_host():
    from shieldcheck.web.service import static_dir

    root = static_dir()
    for name in ("index.html", "app.js", "app.css"):
        text = (root / name).read_text()
        for scheme in ("http://", "https://", "//cdn"):
            hits = [
                line for line in text.splitlines() if scheme in line and "www.w3.org/2000/svg" not in line
            ]
            assert not hits, (name, hits)


def test_vendored_files_match_their_recorded_sha256():
    import hashlib

    sums = (REPO / "src/shieldcheck/web/static/vendor/SHA256SUMS").read_text().splitlines()
    assert any("leaflet.js" in s for s in sums) and any("axe.min.js" in s for s in sums)
    for line in sums:
        digest, rel = line.split("  ", 1)
        assert hashlib.sha256((REPO / rel).read_bytes()).hexdigest() == digest, rel


def test_scenario_dir_serves_its_files_and_nothing_outside(tmp_path):
    inside = tmp_path / "scenarios"
    inside.mkdir()
    shutil.copy(REPO / "examples" / "minimal-scenario.yaml", inside / "minimal-example.yaml")
    secret = tmp_path / "secret.yaml"
    shutil.copy(REPO / "examples" / "minimal-scenario.yaml", secret)
    (inside / "escape.yaml").symlink_to(secret)
    with running_server(scenario_dir=inside) as url:
        names = [s["name"] for s in call(url, "/api/scenarios")[2]]
        assert "minimal-example" in names and FLAGSHIP in names
        status, _, study = call(url, "/api/study", {"scenario": "minimal-example", "variant": "faster"})
        assert status == 200 and study["scenario"] == "minimal-example"
        status, _, answer = call(url, "/api/study", {"scenario": "escape"})
        assert status == 400 and "a link that leads outside it" in answer["error"]
        status, _, answer = call(url, "/api/study", {"scenario": "scenarios/../secret"})
        assert status == 422 and "should match pattern" in answer["error"]
        status, _, _ = call(url, "/static/../../../etc/passwd")
        assert status == 404


def test_compute_time_limit_gives_503_and_the_server_keeps_answering():
    limits = Limits(compute_timeout_s=0.001)
    with running_server(limits=limits) as url:
        body = {"scenario": FLAGSHIP, "threat": "iran-europe", "place": "tehran", "resolution_deg": 1.0}
        status, _, answer = call(url, "/api/footprint", body)
        assert status == 503 and "must finish within 0.001 s" in answer["error"]
        assert call(url, "/openapi.json")[0] == 200


def test_footprint_cells_equal_the_library_footprint(base):
    from shieldcheck.footprint import defended_area, grid
    from shieldcheck.scenario import build, load_scenario

    body = {"scenario": FLAGSHIP, "threat": "iran-europe", "place": "tehran", "resolution_deg": 2.0}
    status, _, fp = call(base, "/api/footprint", body)
    assert status == 200, fp
    built = build(load_scenario(FLAGSHIP))
    ref = defended_area(built.architecture, "tehran", grid(30, 72, -30, 60, 2.0), missile="irbm-5500")
    assert fp["properties"]["cells_engageable"] == int(ref.values["engageable"].sum()) > 0
    assert fp["features"][0]["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_snapshot_is_self_contained_and_escapes_user_strings(tmp_path):
    d = tmp_path / "s"
    d.mkdir()
    text = (REPO / "examples" / "minimal-scenario.yaml").read_text()
    evil = "</script><script>alert(1)</script><img src=x onerror=alert(2)>"
    text = re.sub(r"(?m)^title: .*$", "title: " + json.dumps(evil + " Minimal example"), text)
    (d / "evil.yaml").write_text(text)
    with running_server(scenario_dir=d) as url:
        status, headers, page = call(url, "/api/snapshot", {"scenario": "evil"})
    assert status == 200 and "attachment" in headers["content-disposition"]
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "\\u003c/script>\\u003cscript>alert(1)" in page
    markup = re.sub(r"(?s)<(script|style)[^>]*>.*?</\1>", "", page)  # Leaflet's code cites URLs in text
    assert "http" not in markup
    assert not re.search(r"url\((?!['\"]?(images/|data:|#))", page)  # CSS loads nothing from elsewhere
    assert page.count("<script") == 3  # data, Leaflet, the app: all inline


def test_trajectory_and_catalog(base):
    status, _, t = call(base, "/api/trajectory?launch=tehran&target=berlin&missile=irbm-3700&step_s=30")
    assert status == 200 and t["status"] == "ok" and len(t["samples"]["t_s"]) > 10
    result = CliRunner().invoke(
        cli_app, ["trajectory", "tehran", "berlin", "--missile", "irbm-3700", "--json"]
    )
    cli = json.loads(result.output)
    assert t["flight_time_s"] == pytest.approx(cli["flight_time_s"], abs=1e-6)
    status, _, cat = call(base, "/api/catalog")
    assert status == 200 and any(p["name"] == "tehran" for p in cat["places"]) and cat["missiles"]


def test_serve_refuses_a_bad_port():
    result = CliRunner().invoke(cli_app, ["serve", "--port", "70000"])
    assert result.exit_code == 2
    assert "--port must be within [1, 65535], got 70000" in result.output


def test_threshold_speed_brackets_the_cli_engage_answer(base):
    status, _, study = call(base, "/api/thresholds", {"scenario": FLAGSHIP})
    assert status == 200, study
    rec = next(
        t
        for t in study["thresholds"]
        if (t["launch"], t["target"], t["site"]) == ("kozelsk", "washington", "redzikowo")
    )
    assert rec["threshold_status"] == "found"
    v = rec["threshold_speed_km_s"]

    def engaged(speed):
        rows = cli_rows("--set", f"{SPEED}={speed:.3f}")
        return next(r for r in rows if (r["launch"], r["target"]) == ("kozelsk", "washington"))["engageable"]

    # the study's bisection tolerance is 0.01 km/s: just above it the CLI engages, just below it does not
    assert engaged(v + 0.02) and not engaged(v - 0.02)


def test_snapshot_carries_the_footprint_layer(base):
    fp = {"threat": "iran-europe", "place": "tehran", "resolution_deg": 2.0}
    status, _, page = call(base, "/api/snapshot", {"scenario": FLAGSHIP, "footprint": fp})
    assert status == 200 and '"footprint":{"type":"FeatureCollection"' in page
    status, _, answer = call(
        base, "/api/snapshot", {"scenario": FLAGSHIP, "footprint": {**fp, "resolution_deg": 0}}
    )
    assert (
        status == 422
        and "footprint.resolution_deg: input should be greater than or equal to 0.1" in answer["error"]
    )


# ---- the scheduler: slider updates never wait behind a whole grid; superseded work stops
def test_urgent_work_passes_grid_work_at_its_next_chunk_boundary():
    import threading

    from shieldcheck.web.service import Job, Scheduler

    sched = Scheduler(1)
    events, started, release = [], threading.Event(), threading.Event()

    def grid_work(job):
        for k in range(3):
            events.append(f"chunk {k}")
            started.set()
            release.wait(10)
            job.checkpoint()
        events.append("grid done")

    grid = Job(sched, urgent=False)
    t = threading.Thread(target=sched.run, args=(grid, grid_work, grid))
    t.start()
    started.wait(10)
    urgent = Job(sched, urgent=True)
    u = threading.Thread(target=sched.run, args=(urgent, lambda: events.append("route table")))
    u.start()
    while sched._urgent_waiting == 0:  # the urgent job is queued behind the running chunk
        threading.Event().wait(0.01)
    release.set()
    t.join(10)
    u.join(10)
    assert events == ["chunk 0", "route table", "chunk 1", "chunk 2", "grid done"]
    assert sched.stats["yielded"] == 1


def test_a_cancelled_job_stops_at_its_next_chunk_and_leaves_the_queue():
    from shieldcheck.web.service import Cancelled, Job, Scheduler

    sched = Scheduler(1)
    job = Job(sched, urgent=False)
    done = []

    def work(job):
        job.checkpoint()
        done.append(1)
        job.cancel()
        job.checkpoint()
        done.append(2)

    with pytest.raises(Cancelled):
        sched.run(job, work, job)
    assert done == [1]
    waiting = Job(sched, urgent=False)
    waiting.cancel()
    with pytest.raises(Cancelled):
        sched.run(waiting, lambda: done.append(3))
    assert done == [1] and sched._free == 1  # no slot leaked


def test_a_footprint_whose_client_goes_away_stops_computing():
    import socket
    import time
    from urllib.parse import urlsplit

    from shieldcheck.web import create_app

    app = create_app(limits=Limits(max_grid_cells=200_000))
    body = json.dumps(
        {
            "scenario": FLAGSHIP,
            "threat": "iran-europe",
            "place": "tehran",
            "lat_min_deg": 30.05,  # a grid no other test solved: seconds of work
            "resolution_deg": 0.2,
        }
    ).encode()
    with running_server(app=app) as url:
        u = urlsplit(url)
        with socket.create_connection((u.hostname, u.port), timeout=30) as s:
            s.sendall(
                b"POST /api/footprint HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )
            time.sleep(0.3)
        deadline = time.monotonic() + 60
        while app.state.scheduler.stats["cancelled"] == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert app.state.scheduler.stats["cancelled"] == 1
        assert call(url, "/api/scenarios")[0] == 200


def test_the_page_opens_the_named_scenario_else_the_flagship_else_the_first(monkeypatch):
    from shieldcheck.web import service
    from shieldcheck.web.service import ScenarioSource

    def default(src):
        flagged = [s["name"] for s in src.summary() if s["default"]]
        assert flagged == [src.default]  # exactly one entry carries the flag the page reads
        return src.default

    assert default(ScenarioSource()) == FLAGSHIP  # by its id, wherever it sorts
    assert default(ScenarioSource(["turkey-alternative-2007"])) == "turkey-alternative-2007"
    example = str(REPO / "examples" / "minimal-scenario.yaml")
    assert default(ScenarioSource([example, "turkey-alternative-2007"])) == "minimal-example"
    monkeypatch.setattr(service, "FLAGSHIP", "no-such-scenario")
    src = ScenarioSource()
    assert default(src) == src.names()[0]


def test_reach_equals_cli_reach_json(base):
    args = ["reach", "semnan", "--missile", "sejjil-2", "--azimuth-step-deg", "30", "--json"]
    result = CliRunner().invoke(cli_app, args)
    assert result.exit_code == 0, result.output
    cli = json.loads(result.output)
    body = {"launch": "semnan", "missile": "sejjil-2", "azimuth_step_deg": 30}
    status, _, answer = call(base, "/api/reach", body)
    assert status == 200, answer
    got = answer["reach"]
    assert got["azimuths_deg"] == cli["azimuths_deg"]
    for k in ("max_range_km", "boundary_latitude_deg", "boundary_longitude_deg"):
        assert got[k] == pytest.approx(cli[k], abs=1e-5)  # the API rounds to 6 digits
    assert [(p["name"], round(p["margin_km"], 3)) for p in got["places"]] == [
        (p["name"], round(p["margin_km"], 3)) for p in cli["places"]
    ]
    ring = answer["geojson"]["features"][0]["geometry"]["coordinates"]
    assert ring[0] == ring[-1] and len(ring) == len(cli["azimuths_deg"]) + 1
    status, _, answer = call(base, "/api/reach", {**body, "missile": "no-such-booster"})
    assert status == 400 and "no-such-booster" in answer["error"]
    status, _, answer = call(base, "/api/reach", {**body, "azimuth_step_deg": 0.01})
    assert status == 422 and answer["error"].startswith("azimuth_step_deg: ")


def test_footprints_are_cached_by_the_effective_scenario_not_the_spelling():
    from shieldcheck.web.service import ScenarioSource, Service, ViewKey

    svc = Service(ScenarioSource())
    spec = {"kind": "defended_area", "threat": "iran-europe", "place": "tehran", "resolution_deg": 3.0}
    spec.update(lat_min_deg=36.0, lat_max_deg=60.0, lon_min_deg=-6.0, lon_max_deg=30.0)
    a = svc.footprint(ViewKey(FLAGSHIP, sets=(f"{SPEED}=5.4",)), spec)
    assert svc.footprint(ViewKey(FLAGSHIP, sets=(f"{SPEED}=5.40",)), spec) is a  # the same inputs
    assert svc.footprint(ViewKey(FLAGSHIP, sets=(f"{SPEED}=5.4", f"{SPEED}=5.4")), spec) is a
    b = svc.footprint(ViewKey(FLAGSHIP, sets=(f"{SPEED}=9",)), spec)
    assert b is not a and b["properties"]["cells_engageable"] >= a["properties"]["cells_engageable"]


def test_grid_work_waits_for_route_tables_and_grids_run_one_at_a_time_in_order():
    # a grid never shares the cores with a route table (both kernels use every core) nor with another
    # grid: it starts only when no route table runs or waits, pauses at a chunk boundary for one that
    # arrives, then resumes ahead of a later grid
    import threading

    from shieldcheck.web.service import Job, Scheduler

    sched = Scheduler(2)
    events, hold, at_chunk, a_running = [], threading.Event(), threading.Event(), threading.Event()

    def first_table():
        events.append("table 1 starts")
        hold.wait(10)
        events.append("table 1 ends")

    def grid_a(job):
        events.append("A chunk 1")
        a_running.set()
        at_chunk.wait(10)
        job.checkpoint()  # table 2 waits: pause for it
        events.append("A chunk 2")

    def wait_until(cond):
        deadline = threading.Event()
        for _ in range(1000):
            if cond():
                return
            deadline.wait(0.01)
        raise AssertionError("timed out")

    u1 = threading.Thread(target=sched.run, args=(Job(sched, True), first_table))
    u1.start()
    wait_until(lambda: events)
    ga = Job(sched, urgent=False)
    ta = threading.Thread(target=sched.run, args=(ga, grid_a, ga))
    ta.start()
    wait_until(lambda: sched._grid_queue == [ga])  # a slot is free, but a route table runs: A waits
    gb = Job(sched, urgent=False)
    tb = threading.Thread(target=sched.run, args=(gb, lambda: events.append("B")))
    tb.start()
    wait_until(lambda: len(sched._grid_queue) == 2)
    assert events == ["table 1 starts"]
    hold.set()
    u1.join(10)
    a_running.wait(10)
    hold2 = threading.Event()

    def second_table():
        events.append("table 2 starts")  # on the free slot, beside A's chunk in progress
        hold2.wait(10)
        events.append("table 2 ends")

    u2 = threading.Thread(target=sched.run, args=(Job(sched, True), second_table))
    u2.start()
    wait_until(lambda: "table 2 starts" in events)
    at_chunk.set()
    wait_until(lambda: sched.stats["yielded"] == 1)  # A paused at its chunk boundary
    assert sched._free == 1 and events[-1] == "table 2 starts"
    hold2.set()
    for t in (u2, ta, tb):
        t.join(10)
    assert events == [
        "table 1 starts",
        "table 1 ends",
        "A chunk 1",
        "table 2 starts",
        "table 2 ends",
        "A chunk 2",
        "B",
    ]
    assert sched.stats["yielded"] == 1 and sched._free == 2 and sched._grid_owner is None


def test_a_paused_grid_that_is_cancelled_frees_its_lane_and_leaks_no_slot():
    import threading

    from shieldcheck.web.service import Cancelled, Job, Scheduler

    sched = Scheduler(2)
    table = Job(sched, urgent=True)
    grid = Job(sched, urgent=False)
    outcome = []

    def grid_work(job):
        sched._acquire(table)  # a route table takes the other slot: the grid pauses at its boundary
        threading.Thread(target=lambda: (threading.Event().wait(0.2), job.cancel())).start()
        job.checkpoint()
        outcome.append("resumed")

    with pytest.raises(Cancelled):
        sched.run(grid, grid_work, grid)
    assert outcome == [] and sched._grid_owner is None
    sched._release(table, done=True)
    assert sched._free == 2
    sched.run(Job(sched, urgent=False), lambda: outcome.append("next grid"))
    assert outcome == ["next grid"]


def test_a_stream_of_route_tables_cannot_starve_a_grid_past_its_pause_limit():
    import threading
    import time

    from shieldcheck.web.service import Job, Scheduler

    sched = Scheduler(2, grid_max_pause_s=0.2)
    release = threading.Event()
    table = threading.Thread(target=sched.run, args=(Job(sched, True), lambda: release.wait(10)))
    table.start()
    while sched._urgent_running == 0:
        time.sleep(0.01)
    grid = Job(sched, urgent=False)
    t0 = time.perf_counter()
    sched.run(grid, lambda job: (job.checkpoint(), job.checkpoint()), grid)  # the table never ends
    took = time.perf_counter() - t0
    release.set()
    table.join(10)
    assert 0.6 <= took < 3.0  # it waited 0.2 s to start and at each of its two chunk boundaries
    assert sched.stats["yielded"] == 2 and grid.wait_s >= 0.6 and sched._free == 2


def test_answers_say_where_their_time_went_and_a_repeated_view_is_served_from_memory(base):
    view = {"scenario": FLAGSHIP, "sets": [f"{SPEED}=7.25"]}
    status, headers, first = call(base, "/api/study", view)
    assert status == 200 and headers["content-type"] == "application/json"
    timing = dict(p.strip().split(";dur=") for p in headers["server-timing"].split(","))
    assert set(timing) == {"queue", "compute"} and all(float(v) >= 0.0 for v in timing.values())
    # the same effective scenario spelt differently: the same numbers, and its own sets echoed
    status, _, again = call(base, "/api/study", {"scenario": FLAGSHIP, "sets": [f"{SPEED}=7.250"]})
    assert status == 200 and again["sets"] == [f"{SPEED}=7.250"] and first["sets"] == [f"{SPEED}=7.25"]
    assert again["rows"] == first["rows"] and again["scenario_hash"] == first["scenario_hash"]


def test_two_served_files_with_one_name_are_refused(tmp_path):
    # regression: the second file silently replaced the first, and a file named like a built-in was never
    # served (the built-in won); now start-up says so
    from shieldcheck.errors import InputError
    from shieldcheck.web.service import ScenarioSource

    example = REPO / "examples" / "minimal-scenario.yaml"
    text = example.read_text()
    copy = tmp_path / "copy.yaml"
    copy.write_text(text)
    with pytest.raises(InputError, match="must differ from every other scenario served, got 'minimal-ex"):
        ScenarioSource([str(example), str(copy)])
    builtin = tmp_path / "builtin.yaml"
    builtin.write_text(text.replace("name: minimal-example", "name: turkey-alternative-2007"))
    with pytest.raises(InputError, match="already the name of a built-in scenario"):
        ScenarioSource([str(builtin)])
    assert ScenarioSource([str(example), str(example)]).names()  # the same file twice is one scenario
