"""Issue 9, fifth session: the faults found by the new-user trial and the breaker, fixed by kind.

Each test states the rule it checks; expected values come from the rule itself (exit 2 or a 4xx with one
line naming the field, the rule and the value; a blank where a number does not exist) or from an
independent source (geographiclib distances, the catalog's YAML read by ruamel.yaml).
"""

from __future__ import annotations

import csv
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from shieldcheck.cli import app

FLAGSHIP = "european-third-site-2007"

# ---------------------------------------------- kind 1: a threat that cannot fly to its target has no flight
BLANKED = ("threat_flight_time_s", "threat_apogee_km")


@pytest.fixture(scope="module")
def odd(tmp_path_factory):
    from test_study import SCENARIO  # three groups: reachable, inside the burnout range, too far

    p = tmp_path_factory.mktemp("odd") / "odd.yaml"
    p.write_text(SCENARIO)
    return p


def test_the_too_far_route_is_beyond_the_class_range_by_geographiclib():
    """The premise, from outside: Tehran to Washington is far beyond a 5,500 km class."""
    from geographiclib.geodesic import Geodesic

    from shieldcheck.catalog import resolve_place as get_place

    a, b = get_place("tehran"), get_place("washington")
    s12 = Geodesic.WGS84.Inverse(a.latitude_deg, a.longitude_deg, b.latitude_deg, b.longitude_deg)["s12"]
    assert s12 / 1e3 > 1.5 * 5500.0


STATUS = {"too-far": "unreachable", "short": "no_solution", "iran-berlin": "ok"}


def _check(rows, blank):
    """Every row of a route the threat cannot fly blank in both columns, every flown row a number > 0."""
    seen = set()
    for r in rows:
        assert r["threat_status"] == STATUS[r["threat"]], r
        seen.add(r["threat_status"])
        for k in BLANKED:
            if r["threat_status"] != "ok":
                assert r[k] == blank, (k, r[k])
            else:
                assert float(r[k]) > 0.0, (k, r[k])
    assert seen == set(STATUS.values())


def test_unreachable_rows_carry_no_flight_in_every_view(odd, tmp_path):
    """The study, its JSON, `engage --json`, `engage --csv`, the CSV export and the web app's study all
    read one row builder: a kinematic `unreachable` row used to carry the needed arc's flight time and
    apogee (2,158 s and 1,540 km here) while only the console views blanked them."""
    from shieldcheck.report.exports import collect, export
    from shieldcheck.study import build_study

    study = build_study(odd, thresholds=False)
    for r in study.rows:
        if r.threat != "iran-berlin":
            assert all(math.isnan(getattr(r, k)) for k in BLANKED)
    _check(study.to_dict()["rows"], None)
    res = CliRunner().invoke(app, ["engage", str(odd), "--json"])
    assert res.exit_code == 0, res.output
    _check(json.loads(res.stdout), None)
    out = tmp_path / "rows.csv"
    res = CliRunner().invoke(app, ["engage", str(odd), "--csv", str(out)])
    assert res.exit_code == 0, res.output
    _check(list(csv.DictReader(out.read_text().splitlines())), "")
    path = export(collect(study), "csv", tmp_path / "export.csv")
    _check(list(csv.DictReader(Path(path).read_text().splitlines())), "")
    pytest.importorskip("fastapi")
    from shieldcheck.web.service import Limits, ScenarioSource, Service, ViewKey

    service = Service(ScenarioSource([str(odd)], None), Limits())
    _check(service.study(ViewKey("odd-routes"))["rows"], None)


def test_report_timeline_draws_a_row_without_a_flight():
    """A lane whose threat does not fly (NaN flight time) shows its reason at the left, not at x = NaN."""
    from shieldcheck.report.plots import timeline_figure
    from shieldcheck.study import build_study

    study = build_study(FLAGSHIP, sets=["threats.iran-us-east-coast.missile=irbm-5500"], thresholds=False)
    rows = [r for r in study.rows if r.threat_status == "unreachable"][:1]
    rows += [r for r in study.rows if r.engageable][:1]
    fig = timeline_figure(rows, ["unreachable", "engageable"], "t")
    texts = [t for t in fig.axes[0].texts if t.get_text()]
    assert texts and all(np.isfinite(t.get_position()).all() for t in texts)


# ---------------------------------------------- kind 2: web numbers are finite, and given once
import test_trust_s4  # noqa: E402

web = test_trust_s4.web  # the loopback server fixture


@pytest.mark.parametrize("bad", ["nan", "NaN", "inf", "-inf", "1e400"])
def test_api_query_numbers_name_the_finite_rule(web, bad):
    """step_s=nan was refused as breaking "<= 600": the rule it breaks is being a finite number."""
    from web_server import call

    status, _, answer = call(web, f"/api/trajectory?launch=tehran&target=berlin&step_s={bad}")
    assert status == 422 and set(answer) == {"error"}
    assert answer["error"] == f"step_s: input should be a finite number, got {bad!r}"


@pytest.mark.parametrize(
    ("path", "raw", "field"),
    [
        ("/api/footprint", b'{"scenario":"%s","threat":"iran-europe","place":"tehran","resolution_deg":NaN}',
         "resolution_deg"),
        ("/api/reach", b'{"launch":"tehran","missile":"icbm-solid","payload_kg":Infinity}', "payload_kg"),
        ("/api/study", b'{"scenario":"%s","add_sites":[{"name":"x","latitude_deg":NaN,"longitude_deg":1}]}',
         "add_sites.0.latitude_deg"),
    ],
)
def test_api_body_numbers_name_the_finite_rule(web, path, raw, field):
    """Python's JSON reader takes NaN and Infinity; the bodies refuse them by the finite rule."""
    from web_server import call

    body = raw.replace(b"%s", FLAGSHIP.encode())
    status, _, answer = call(web, path, raw=body)
    assert status == 422 and answer["error"].startswith(f"{field}: input should be a finite number, got ")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("launch=tehran&target=berlin&step_s=5&step_s=20", "step_s: must be given once, got '5' and '20'"),
        ("launch=tehran&launch=paris&target=berlin", "launch: must be given once, got 'tehran' and 'paris'"),
    ],
)
def test_api_query_parameter_given_twice_is_refused(web, query, message):
    """A parameter given twice took the last value silently (step_s=5&step_s=20 sampled every 20 s)."""
    from web_server import call

    status, _, answer = call(web, f"/api/trajectory?{query}")
    assert (status, answer) == (422, {"error": message})


def test_api_body_key_given_twice_is_refused(web):
    from web_server import call

    raw = b'{"scenario":"%s","variant":"speed-postol-9","variant":"base"}' % FLAGSHIP.encode()
    status, _, answer = call(web, "/api/study", raw=raw)
    message = "request body: key 'variant' must be given once, got it twice"
    assert (status, answer) == (422, {"error": message})


def test_api_override_errors_name_the_request_not_the_cli(web):
    """A bad value in a request's sets said "(value from --set)", an option the web user never typed."""
    from web_server import call

    status, _, answer = call(web, "/api/study", {"scenario": FLAGSHIP, "sets": ["timeline.decision_s=-5"]})
    assert status == 400
    assert answer["error"] == (
        f"{FLAGSHIP}.yaml: timeline.decision_s: must be within [0, 86400], got -5.0 (value from request sets)"
    )
    status, _, answer = call(web, "/api/study", {"scenario": FLAGSHIP, "sets": ["timeline.decison_s=5"]})
    assert status == 400 and "--set" not in answer["error"] and "request sets timeline.decison_s" in answer[
        "error"]


# ---------------------------------------------- kind 3: one rule for output folders
_DIR_OPTIONS = test_trust_s4._DIR_OPTIONS  # every command with an output folder


@pytest.mark.parametrize("args", _DIR_OPTIONS)
@pytest.mark.parametrize("name", ["r.html", "t.CSV", "m.png"])
def test_a_folder_option_refuses_a_file_name_and_creates_nothing(tmp_path, args, name):
    """`report -o some/missing/folder/r.html` created three folders, the last named r.html."""
    target = tmp_path / "some" / "missing" / name
    r = CliRunner().invoke(app, [*args, str(target)])
    assert r.exit_code == 2, r.output
    lines = [x for x in r.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and "names a folder to write into, not a file" in lines[0], r.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_folder_is_created_with_its_missing_parents(tmp_path):
    """What the README says: output folders are created, parents too (files need an existing folder)."""
    out = tmp_path / "a" / "b"
    r = CliRunner().invoke(app, ["export", FLAGSHIP, "--format", "geojson", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert [p.suffix for p in out.iterdir()] == [".geojson"]


# ---------------------------------------------- kind 4: output that loses nothing and says what it is
def _piped(*args) -> str:
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    code = "from shieldcheck.cli import app; app()"
    res = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True, text=True,
                         check=True)
    return res.stdout


def test_piped_radars_table_has_every_name_whole():
    """Piped to a file, `radars` cut names at 130 columns ("an-tpy-2-f…"): every catalog name must appear
    whole, and no cell may end in an ellipsis. Names read from the YAML by ruamel.yaml."""
    from importlib.resources import files

    from ruamel.yaml import YAML

    doc = YAML(typ="safe").load(files("shieldcheck.catalog").joinpath("radars.yaml").read_text())
    entries = doc if isinstance(doc, list) else next(v for v in doc.values() if isinstance(v, list))
    names = [e["name"] for e in entries]
    text = _piped("radars")
    assert "…" not in text
    assert all(n in text for n in names), [n for n in names if n not in text]


def test_log_lines_carry_no_source_path():
    """`report`'s progress lines ended with "cli.py:714" (rich's log path)."""
    import io

    from shieldcheck.cli import _new_console

    con = _new_console()
    con.file = io.StringIO()
    con.log("computing the study")
    assert "computing the study" in con.file.getvalue() and ".py:" not in con.file.getvalue()


def test_sweep_figures_name_the_scenario_and_say_estimate():
    from shieldcheck.report import sweep_plots

    t = {"a.speed_km_s": [6.0, 6.0, 8.0, 8.0], "b.decision_s": [30, 90, 30, 90],
         "window_s": [0.0, 0.0, 120.0, 60.0], "engageable": [False, False, True, True],
         "scenario": ["my-scenario"] * 4, "threat": ["t"] * 4}
    figs = [
        sweep_plots.heatmap(t, "a.speed_km_s", "b.decision_s"),
        sweep_plots.feasibility_boundary(t, "a.speed_km_s", "b.decision_s"),
        sweep_plots.line_plot(t, "a.speed_km_s"),
    ]
    for fig in figs:
        title = fig.axes[0].get_title()
        assert "my-scenario" in title and "estimate" in title, title


def test_compare_map_labels_stay_inside_their_panels(tmp_path, monkeypatch):
    """The EPAA ship station's 62-character label ran out of its panel: `save_png` never placed labels."""
    from matplotlib.text import Annotation

    from shieldcheck.compare import compare
    from shieldcheck.report import maps

    c = compare([FLAGSHIP, "phased-adaptive-approach-2009:phase-4-cancelled"], thresholds=False)
    fig = c.map_figure()
    monkeypatch.setattr(maps, "_close", lambda fig: None)  # keep the figure to measure it once saved
    maps.save_png(fig, tmp_path / "m.png", dpi=110)
    renderer = fig.canvas.get_renderer()
    n = 0
    for ax in fig.axes:
        box = ax.get_window_extent(renderer)
        for a in ax.texts:
            if isinstance(a, Annotation) and a.get_text():
                b = a.get_window_extent(renderer)
                n += 1
                inside = box.x0 - 1 <= b.x0 <= b.x1 <= box.x1 + 1 and box.y0 - 1 <= b.y0 <= b.y1 <= box.y1 + 1
                assert inside, a.get_text()
    assert n >= 3


def test_cell_fields_are_shaded_to_the_region_edges():
    """A siting map of 6 deg cells over 30-66N was shaded only between the outer cells' centres (33-63N)."""
    from shieldcheck.report import maps

    fig, ax = maps.base_map((-10.0, 50.0, 30.0, 66.0), resolution="110m")
    lat, lon = np.arange(33.0, 64.0, 6.0), np.arange(-7.0, 48.0, 6.0)
    vals = np.add.outer(lat, lon)
    for cells, (lo, hi) in ((True, (30.0, 66.0)), (False, (33.0, 63.0))):
        cs = maps.plot_field(ax, lat, lon, vals, cells=cells)
        v = np.concatenate([p.vertices for p in cs.get_paths() if len(p.vertices)])
        assert (v[:, 1].min(), v[:, 1].max()) == pytest.approx((lo, hi), abs=1e-9)
        span = v[:, 0].max() - v[:, 0].min()
        assert span == pytest.approx(60.0 if cells else 54.0, abs=1e-9)


def test_trajectory_json_and_csv_of_an_unreachable_route_carry_no_flight(tmp_path):
    """The console blanked the needed arc of a route the missile cannot fly; `--json` still gave its flight
    time and apogee (2,158 s, 1,540 km) and `--csv` sampled it as a flight."""
    r = CliRunner().invoke(app, ["trajectory", "tehran", "washington", "--missile", "irbm-5500", "--json"])
    d = json.loads(r.stdout)
    assert d["status"] == "unreachable" and d["ground_range_km"] > 5500.0
    assert all(d[k] is None for k in ("flight_time_s", "apogee_km", "coast_time_s", "reentry_angle_deg"))
    out = tmp_path / "x.csv"
    args = ["trajectory", "tehran", "washington", "--missile", "irbm-5500", "--csv", str(out)]
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 0 and not out.exists() and "nothing written" in r.stderr
    r = CliRunner().invoke(app, ["trajectory", "tehran", "berlin", "--missile", "irbm-5500", "--json"])
    assert json.loads(r.stdout)["flight_time_s"] > 0.0


def test_the_page_permalink_may_repeat_set(web):
    """The page's own URL repeats ``set=`` (one per override); only the API's parameters are single."""
    from web_server import call

    status, _, page = call(web, "/?scenario=european-third-site-2007&set=timeline.decision_s=30&set=a=1")
    assert status == 200 and "<html" in page.lower()
