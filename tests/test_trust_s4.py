"""Issue 9, fourth session: the known open faults of the README's caveats, fixed by kind.

Each test states the rule it checks; expected values come from the rule itself (exit 2 and one line
naming the field, the rule and the value) or from an independent source (geographiclib).
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from shieldcheck.errors import InputError, require_array_within

# ---------------------------------------------------------- kind 7: one array validator, bools refused


@pytest.mark.parametrize(
    "value",
    [True, np.bool_(False), [10.0, True], np.array([True, False]), "10", None, [1.0, None],
     [[1.0], [1.0, 2.0]]],
)
def test_require_array_within_refuses_non_numbers(value):
    with pytest.raises(InputError, match=r"^x_km must be a number or an array of numbers, got "):
        require_array_within("x_km", value, 0.0, 100.0)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (math.nan, "x_km must be within [0, 100], got nan"),
        ([1.0, 101.0], "x_km must be within [0, 100], got 101.0"),
        (np.array([0.0]), "x_km must be within (0, 100], got 0.0"),
    ],
)
def test_require_array_within_names_rule_and_value(value, message):
    lo_open = isinstance(value, np.ndarray)
    with pytest.raises(InputError) as info:
        require_array_within("x_km", value, 0.0, 100.0, lo_open=lo_open)
    assert str(info.value) == message


def test_require_array_within_keeps_numbers_and_shape():
    a = require_array_within("x_km", [[1, 2], [3, 4]], 0.0, 100.0)
    assert a.dtype == float and a.shape == (2, 2)
    assert require_array_within("x_km", 5).shape == ()


def _earth_call():
    from shieldcheck.earth import geodetic_to_ecef

    return lambda v: geodetic_to_ecef(v, 0.0)


def _sensors_call():
    from shieldcheck.sensors import radar_range_single_pulse_km

    return lambda v: radar_range_single_pulse_km(v, 10e-6, 20.0, 0.03, 1.0, 290.0, 0.0, 6.0)


def _boost_call():
    from shieldcheck.boost import atmosphere

    return atmosphere


@pytest.mark.parametrize(
    ("make", "field"),
    [(_earth_call, "latitude_deg"), (_sensors_call, "peak_power_w"), (_boost_call, "altitude_km")],
)
@pytest.mark.parametrize("bad", [True, [1.0, False]])
def test_every_array_call_site_refuses_bools(make, field, bad):
    """earth, sensors and boost share one rule: a bool is never a number (earth, sensors took True as 1)."""
    with pytest.raises(InputError, match=rf"{field} must be a number or an array of numbers, got "):
        make()(bad)


# ------------------------------------------------- kinds 1 and 2: output paths, checked before any work
from typer.testing import CliRunner  # noqa: E402

from shieldcheck.cli import app  # noqa: E402

FLAGSHIP = "european-third-site-2007"
_BP = ["boost-phase", "pyongyang", "--missile", "hwasong-15", "--azimuth", "90", "--speed-km-s", "5",
       "--region", "38,42,125,135"]
_FILE_OPTIONS = [  # (command line, option, a good suffix, text format: '-' is standard output)
    (["trajectory", "tehran", "berlin"], "--csv", ".csv", True),
    (["engage", FLAGSHIP], "--csv", ".csv", True),
    (["threshold", FLAGSHIP], "--csv", ".csv", True),
    (["reach", "pyongyang", "--missile", "hwasong-15"], "--geojson", ".geojson", True),
    (["reach", "pyongyang", "--missile", "hwasong-15"], "--map", ".png", False),
    (["compare", FLAGSHIP, "turkey-alternative-2007", "--no-thresholds"], "--csv", ".csv", True),
    (["compare", FLAGSHIP, "turkey-alternative-2007", "--no-thresholds"], "--map", ".png", False),
    (_BP, "--csv", ".csv", True),
    (_BP, "--geojson", ".geojson", True),
    (_BP, "--map", ".png", False),
]
_DIR_OPTIONS = [
    ["report", FLAGSHIP, "-o"],
    ["export", FLAGSHIP, "--format", "csv", "-o"],
    ["siting", FLAGSHIP, "--region", "53,55,16,20", "-o"],
    ["sweep", FLAGSHIP, "--vary", "timeline.decision_s=30,60", "--out"],
    ["compare", FLAGSHIP, "turkey-alternative-2007", "--no-thresholds", "-o"],
]


def _exit_2_line(args) -> str:
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 2, (args, r.exit_code, r.output, r.exception)
    lines = [x for x in r.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), r.stderr
    return lines[0]


@pytest.mark.parametrize(("args", "option", "good", "text"), _FILE_OPTIONS)
def test_output_file_rule_is_the_same_everywhere(tmp_path, monkeypatch, args, option, good, text):
    """Empty name, unknown suffix (the message lists the allowed ones) and '-' for an image: exit 2, one
    line naming the option and the value, nothing written."""
    monkeypatch.chdir(tmp_path)
    assert _exit_2_line([*args, option, ""]) == f"error: {option} needs a file name, got ''"
    line = _exit_2_line([*args, option, "x.txt"])
    assert line.startswith(f"error: {option} x.txt: unknown suffix .txt; use ") and good in line
    missing = f"no-such-folder/x{good}"
    assert f"{option} {missing}: cannot write" in _exit_2_line([*args, option, missing])
    if not text:
        assert "standard output takes text only" in _exit_2_line([*args, option, "-"])
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args", _DIR_OPTIONS)
def test_output_folder_rule_is_the_same_everywhere(tmp_path, args):
    assert _exit_2_line([*args, ""]) == f"error: {args[-1] if args[-1] == '--out' else '-o/--out'} needs a " \
        "folder name, got ''"
    assert "standard output cannot hold several files" in _exit_2_line([*args, "-"])
    f = tmp_path / "a-file"
    f.write_text("x")
    assert "is a file, not a folder" in _exit_2_line([*args, str(f)])


def test_dash_is_standard_output_for_text_and_no_file_named_dash(tmp_path, monkeypatch):
    import csv
    import io

    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(app, [*_BP, "--csv", "-"])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout)))  # nothing but the CSV on standard output
    assert len(rows) == 5 * 11 and {"latitude_deg", "engageable"} <= set(rows[0])
    r = CliRunner().invoke(app, ["trajectory", "tehran", "berlin", "--csv", "-"])
    assert r.exit_code == 0 and r.stdout.startswith("t_s,")
    assert not (tmp_path / "-").exists()
    assert "only one output can be standard output" in _exit_2_line([*_BP, "--csv", "-", "--geojson", "-"])


def test_compare_csv_says_what_it_wrote(tmp_path):
    out = tmp_path / "c.csv"
    r = CliRunner().invoke(app, ["compare", FLAGSHIP, "turkey-alternative-2007", "--no-thresholds", "--csv",
                                 str(out)])
    assert r.exit_code == 0 and out.exists()
    assert f"wrote {out}" in " ".join(r.output.split())


def test_reach_and_boost_phase_say_what_they_wrote(tmp_path):
    # README: every file written is announced; reach --map/--geojson and boost-phase --map/--geojson/--csv
    # wrote their files without a word.
    files = [tmp_path / "r.png", tmp_path / "r.geojson"]
    r = CliRunner().invoke(app, ["reach", "pyongyang", "--missile", "hwasong-14", "--azimuth-step-deg", "30",
                                 "--map", str(files[0]), "--geojson", str(files[1])])
    assert r.exit_code == 0, r.output
    assert all(f.exists() and f"wrote {f}" in " ".join(r.stdout.split()) for f in files)
    files = [tmp_path / "z.png", tmp_path / "z.geojson", tmp_path / "z.csv"]
    opts = ["--map", str(files[0]), "--geojson", str(files[1]), "--csv", str(files[2])]
    r = CliRunner().invoke(app, [*_BP, *opts])
    assert r.exit_code == 0, r.output
    assert all(f.exists() and f"wrote {f}" in " ".join(r.stdout.split()) for f in files)
    r = CliRunner().invoke(app, [*_BP, "--csv", str(tmp_path / "j.csv"), "--json"])
    assert r.exit_code == 0, r.output
    json.loads(r.stdout)  # standard output stays JSON; the file is named on stderr
    assert f"wrote {tmp_path / 'j.csv'}" in " ".join(r.stderr.split())


def test_siting_refuses_one_cell_tall_maps_before_writing(tmp_path):
    line = _exit_2_line(["siting", FLAGSHIP, "--region", "53,54,16,20", "-o", str(tmp_path / "o")])
    assert "at least 2 cells tall and 2 wide, got 1 x 4" in line
    assert not (tmp_path / "o").exists()  # the GeoJSON and Parquet were written before the map failed


def test_boost_phase_map_of_one_row_refused_before_writing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = [*_BP[:-1], "40,40.5,125,135", "--csv", "z.csv", "--map", "z.png"]
    assert "at least 2 cells tall and 2 wide, got 1 x 11" in _exit_2_line(args)
    assert list(tmp_path.iterdir()) == []


def test_siting_thresholds_cost_is_bounded():
    from shieldcheck.siting import MAX_THRESHOLD_CELLS, siting_grid

    line = _exit_2_line(["siting", FLAGSHIP, "--region", "40,60,0,40", "--thresholds"])
    assert f"at most {MAX_THRESHOLD_CELLS:,} cells" in line and "got 800 (20 x 40)" in line
    with pytest.raises(InputError, match="siting --thresholds must have at most 400 cells"):
        siting_grid((40.0, 60.0, 0.0, 40.0), 1.0, thresholds=True)
    assert siting_grid((40.0, 60.0, 0.0, 40.0), 1.0)[0].size == 20  # without thresholds: allowed


# ---------------------------------------------------------- kind 4: the web API's validation and 4xx shape
@pytest.fixture(scope="module")
def web(web_url):
    return web_url


_FP = {"scenario": FLAGSHIP, "threat": "iran-europe", "place": "tehran"}


@pytest.mark.parametrize("bad", [True, "0.5", None, [0.5]])
def test_api_numbers_are_strict_as_in_scenario_files(web, bad):
    """resolution_deg true or "0.5" was taken as 1.0 and 0.5; scenario files refuse both (strict)."""
    from web_server import call

    status, _, answer = call(web, "/api/footprint", {**_FP, "resolution_deg": bad})
    assert status == 422 and set(answer) == {"error"}
    assert answer["error"].startswith("resolution_deg: input should be a valid number"), answer


def test_api_footprint_box_across_the_date_line_wraps_as_the_cli(web):
    """170E to 170W is the 20-degree box the CLI's --region wraps (footprint.unwrap_longitudes)."""
    from web_server import call

    box = dict(lat_min_deg=50.0, lat_max_deg=56.0, lon_min_deg=170.0, lon_max_deg=-170.0, resolution_deg=2.0)
    status, _, answer = call(web, "/api/footprint", {**_FP, **box})
    assert status == 200, answer
    # cell centres every 2 deg: 50..56 (4 rows) by 170..190 (11 columns), not the 340-deg box the other way
    assert answer["properties"]["cells"] == 4 * 11


def _openapi_requests(doc):
    """(method, path, request parts) for every operation of the OpenAPI document, with bad inputs."""
    nested = ("[" * 100_000 + "]" * 100_000).encode()
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            if method == "get":
                query = [p for p in op.get("parameters", []) if p.get("in") == "query"]
                if any(p.get("required") for p in query):
                    yield path, "GET", {}  # a required query parameter missing
                yield path, "POST", {"body": {}}  # wrong method
            else:
                for raw in (b"{", nested, b"[]", b'{"no_such_field": 1}', b"true"):
                    yield path, "POST", {"raw": raw}
                yield path, "GET", {}  # wrong method
    yield "/api/no-such-endpoint", "GET", {}


def test_every_4xx_of_every_endpoint_has_the_error_shape(web):
    """Walk the OpenAPI document: every bad request to every operation answers a 4xx with one key,
    'error', holding a string (deeply nested JSON answered {"detail": ...}; 404 and 405 too)."""
    from web_server import call

    status, _, doc = call(web, "/openapi.json")
    assert status == 200 and len(doc["paths"]) >= 8
    seen = 0
    for path, method, parts in _openapi_requests(doc):
        if method == "GET":
            status, _, answer = call(web, path)
        else:
            status, _, answer = call(web, path, parts.get("body"), raw=parts.get("raw"))
        assert 400 <= status < 500, (method, path, status, answer)
        assert isinstance(answer, dict) and set(answer) == {"error"}, (method, path, status, answer)
        assert isinstance(answer["error"], str) and answer["error"], (method, path)
        seen += 1
    assert seen > 30


# ---------------------------------------------- kind 3: boost-phase deadline and the Earth in the way
def _rising_profile(earth_radius_km):
    """A missile rising straight up from (0, 0) at 1 km/s for 100 s (non-rotating sphere)."""
    from shieldcheck.boostphase import BoostProfile

    t = np.linspace(0.0, 100.0, 101)
    r = np.zeros((t.size, 3))
    r[:, 0] = earth_radius_km + t
    v = np.zeros_like(r)
    v[:, 0] = 1.0
    return BoostProfile.from_arrays(t, r, v, name="riser", earth="sphere")


@pytest.mark.parametrize(("factor", "visible"), [(0.97, True), (1.03, False)])
def test_straight_flyout_never_passes_through_the_earth(factor, visible):
    """A base on the surface sees a point h above (0, 0) when its central angle is below arccos(R/(R+h))
    (closed form: the point is above the base's horizon plane). Beyond it every straight line passes
    through the Earth: the speed was finite before (e.g. 38.97 km/s from the South Pole)."""
    from shieldcheck.boostphase import engage_boost
    from shieldcheck.earth import SPHERE_RADIUS_KM as R

    theta = factor * math.degrees(math.acos(R / (R + 100.0)))
    r = engage_boost(_rising_profile(R), 0.0, theta, speed_km_s=14.9, burn_time_s=0.0,
                     burnout_altitude_km=0.0, delay_s=0.0, earth="sphere", rotation=False)
    if visible:
        assert math.isfinite(r.required_speed_km_s) and r.status == "engageable"
    else:
        assert r.status == "beyond_horizon" and r.required_speed_km_s == math.inf
        assert "passes through the Earth" in r.reason


def test_pole_bases_and_pole_launches_agree_with_geographiclib():
    """Bases at the poles: distance by geographiclib; beyond the horizon of every point of the boost (a
    bound from the rule: burnout range + horizon distance from the burnout altitude)."""
    geographiclib = pytest.importorskip("geographiclib.geodesic")
    from shieldcheck.boostphase import boost_profile, engage_boost, least_speed_curve

    g = geographiclib.Geodesic.WGS84
    p = boost_profile("hwasong-15", 39.0, 125.7, azimuth_deg=20.0)
    bound_km = p.burnout_range_km + 6356.0 * math.acos(6356.0 / (6378.2 + p.burnout_altitude_km))
    for lat in (90.0, -90.0):
        r = engage_boost(p, lat, 0.0, speed_km_s=5.0)
        d = g.Inverse(39.0, 125.7, lat, 0.0)["s12"] / 1000.0
        assert r.distance_km == pytest.approx(d, abs=1e-3)
        assert d > bound_km and r.status == "beyond_horizon" and r.required_speed_km_s == math.inf
    # a launch at the North Pole: bases along each bearing where geographiclib puts them
    polar = boost_profile("hwasong-15", 90.0, 0.0, azimuth_deg=180.0)
    for brg in (0.0, 90.0, 180.0):
        c = least_speed_curve(polar, [1000.0], bearing_deg=brg, speed_km_s=1.0)
        d = g.Direct(90.0, 0.0, brg, 1e6)
        assert c["latitude_deg"][0] == pytest.approx(d["lat2"], abs=1e-6)
        assert (c["longitude_deg"][0] - d["lon2"] + 180.0) % 360.0 - 180.0 == pytest.approx(0.0, abs=1e-6)


def test_deadline_is_a_time_after_launch_and_before_s_is_its_deprecated_name():
    from shieldcheck.boostphase import boost_profile, engage_boost

    p = boost_profile("hwasong-15", 39.0, 125.7, azimuth_deg=20.0)
    r = engage_boost(p, 41.0, 128.0, speed_km_s=5.0, deadline_s=150.0)
    assert r.deadline_s == 150.0 and r.time_available_s == 150.0 - 60.0
    with pytest.warns(DeprecationWarning, match="use deadline_s"):
        old = engage_boost(p, 41.0, 128.0, speed_km_s=5.0, before_s=150.0)
    assert old == r
    with pytest.raises(InputError, match="give deadline_s only"):
        engage_boost(p, 41.0, 128.0, speed_km_s=5.0, deadline_s=150.0, before_s=150.0)
    res = CliRunner().invoke(app, ["boost-phase", "pyongyang", "--missile", "hwasong-15", "--azimuth", "20",
                                   "--speed-km-s", "5", "--base", "41,128", "--deadline-s", "150"])
    assert res.exit_code == 0 and "until burnout/deadline (150 s)" in " ".join(res.output.split())
    assert "Time after the threat's launch" in " ".join(
        CliRunner().invoke(app, ["boost-phase", "--help"]).output.split())


# ---------------------------------------------- kind 5: statuses for impossible but well-formed requests
@pytest.mark.parametrize(
    ("args", "kw", "words"),
    [
        # a lofted arc (45 deg or steeper) with a 200 km apogee lands within about 4 x 200 km
        ((200.0, 3000.0, 900.0), {}, "too long for a lofted arc"),
        # a Nodong-class missile (an MRBM) lofts to nowhere near 4,000 km at any payload
        ((4000.0, 1000.0, 2500.0), {"missile": "nodong"}, "at any payload"),
        # 100 s is shorter than the fall from 20,000 km (radial free fall, scipy-checked in test_reconstruct)
        ((20000.0, 5000.0, 100.0), {}, "shorter than the"),
    ],
)
def test_reconstruct_impossible_observations_are_statuses(args, kw, words):
    from shieldcheck.reconstruct import reconstruct

    r = reconstruct(*args, **kw)
    assert r.status == "no-fit" and words in r.reason
    assert math.isnan(r.burnout_speed_km_s) and math.isnan(r.standard_range_km)
    res = CliRunner().invoke(app, ["reconstruct", "--apogee-km", str(args[0]), "--range-km", str(args[1]),
                                   "--flight-time-s", str(args[2]), "--json",
                                   *(["--missile", kw["missile"]] if kw else [])])
    assert res.exit_code == 0
    import json

    out = json.loads(res.output)
    assert out["status"] == "no-fit" and out["standard_range_km"] is None


def test_staged_boost_on_a_class_without_stages_is_an_input_error_at_load():
    line = _exit_2_line(["engage", FLAGSHIP, "--set", "threats.iran-europe.boost=staged"])
    assert line.startswith("error: threats.iran-europe.boost: boost 'staged' needs a missile class with "
                           "stage data (")
    assert "icbm-solid" in line and "got missile 'irbm-5500'" in line


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("foo", "missile 'foo' has no stage data; boosters with stages: "),
        ("hwasong-16",
         "missile 'hwasong-16' has no stage data; did you mean 'hwasong-15'? Boosters with stages: "),
    ],
)
def test_no_stage_data_message_is_punctuated(name, message):
    from shieldcheck.catalog.boosters import get_booster

    with pytest.raises(InputError) as info:
        get_booster(name)
    assert str(info.value).startswith(message)


# ------------------------------------- kind 6: reasons name places; unreachable arcs never shown as flown
def test_engagement_reasons_name_the_place_not_the_scenario_key():
    """turkey-alternative-2007 puts its site 'gbi-site' at the catalog place labelled Incirlik Air Base."""
    from shieldcheck.catalog import resolve_place
    from shieldcheck.study import build_study

    label = resolve_place("incirlik").label
    assert label == "Incirlik Air Base"
    study = build_study("turkey-alternative-2007")
    reasons = [r.reason for r in study.rows if r.reason and r.reason_code != "threat_cannot_reach"]
    assert reasons and all("gbi-site" not in x for x in reasons)
    assert sum(label in x for x in reasons) >= len(reasons) // 2


def test_unreachable_kinematic_arc_is_not_printed_as_flown():
    """irbm-3700 (5.28 km/s) cannot fly Tehran -> Washington (10,199 km): the table keeps the route's
    range and least speed and blanks the arc it would need (flight time, apogee, burnout state)."""
    r = CliRunner().invoke(app, ["trajectory", "tehran", "washington", "--missile", "irbm-3700"],
                           env={"COLUMNS": "160"})
    assert r.exit_code == 0 and "unreachable" in r.output
    cells = {}
    for line in r.output.splitlines():
        parts = [p.strip() for p in line.strip("│ ").split("│")]
        if len(parts) == 2 and parts[0]:
            cells[parts[0]] = parts[1]
    for k in ("flight time (boost + coast)", "apogee", "burnout speed, relative to Earth",
              "flight-path angle at burnout", "impact speed / re-entry angle"):
        assert cells[k] == "-", (k, cells[k])
    assert cells["ground range"].endswith("km") and cells["minimum-energy speed for this route"] != "-"
    demo = CliRunner().invoke(app, ["demo"], env={"COLUMNS": "200"})
    rows = [line for line in demo.output.splitlines() if "unreachable" in line]
    assert rows and all(line.count(" - ") >= 5 for line in rows)


def test_foreign_host_header_answers_in_the_error_shape(web):
    """The loopback server's host check (DNS rebinding guard) answered in plain text."""
    from web_server import call

    for path in ("/api/scenarios", "/api/study", "/"):
        status, _, answer = call(web, path, headers={"Host": "evil.example"})
        assert status == 400 and answer == {
            "error": "Host header: must be one of 127.0.0.1, localhost, testserver, got 'evil.example'"
        }
    status, _, _ = call(web, "/api/scenarios", headers={"Host": "localhost:8000"})
    assert status == 200


def test_boost_phase_zone_too_large_names_its_own_limit():
    # breaker (s4): a whole-globe zone at 0.1 deg was refused with the general grid bound ("at most
    # 4,000,000 allowed") although the boost_phase.zone limit the user must meet is 60,000 cells
    from typer.testing import CliRunner

    from shieldcheck.cli import app

    sets = ["boost_phase.zone.lat_min_deg=-90", "boost_phase.zone.lat_max_deg=90",
            "boost_phase.zone.lon_min_deg=-180", "boost_phase.zone.lon_max_deg=180",
            "boost_phase.zone.step_deg=0.1"]
    args = ["engage", "us-homeland-north-korea"]
    for x in sets:
        args += ["--set", x]
    res = CliRunner().invoke(app, args)
    text = " ".join(res.output.split())
    assert res.exit_code == 2 and "at most 60,000" in text and "4,000,000" not in text
