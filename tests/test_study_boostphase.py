"""Boost-phase intercept in the study, the scenario, the CLI, the report and the web API (issue 10, item 5).

The physics (`shieldcheck.boostphase`) is checked against closed forms in ``test_boostphase.py``; here the
expected numbers come from calling `boost_profile`, `engage_boost` and `basing_zone` directly, outside the
study, and the views are checked to carry the study's numbers unchanged.
"""

from __future__ import annotations

import copy
import json
import math

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from shieldcheck.boostphase import basing_zone, boost_profile, engage_boost
from shieldcheck.catalog import resolve_place
from shieldcheck.catalog.boosters import get_booster
from shieldcheck.cli import app as cli_app
from shieldcheck.errors import InputError
from shieldcheck.scenario import build, load_scenario, scenario_schema
from shieldcheck.study import build_study

SCENARIO = {
    "name": "bp-test",
    "title": "Boost-phase test",
    "question": "Can boost-phase bases near North Korea reach its ICBMs before burnout?",
    "interceptor_types": {
        "gbi": {"burnout_speed_km_s": 7.0, "burn_time_s": 120, "burnout_altitude_km": 200},
    },
    "interceptor_sites": [{"name": "greely", "place": "fort-greely", "interceptor": "gbi", "inventory": 4}],
    "early_warning": [{"name": "ew", "detection_delay_s": 60}],
    "threats": [
        {
            "name": "nk",
            "launch": ["tonghae", "pyongyang"],
            "targets": ["seattle", "anchorage"],
            "missile": "icbm-liquid-10000",
        }
    ],
    "boost_phase": {
        "boosters": {"nk": {"booster": "hwasong-15", "source": "estimate: test"}},
        "bases": [
            {
                "name": "ship",
                "place": "40.5,133.3",
                "platform": "sea",
                "burnout_speed_km_s": 5.0,
                "burn_time_s": 40,
                "delay_s": 90,
                "threats": "nk",
            },
            {
                "name": "plane",
                "place": "40,131.8",
                "platform": "airborne",
                "altitude_km": 12,
                "carrier_speed_km_s": 0.2,
                "interceptor": "gbi",
                "burnout_speed_km_s": 4.0,
                "delay_s": 90,
                "threats": ["nk"],
            },
            {
                "name": "far",
                "place": "20,150",
                "burnout_speed_km_s": 3.0,
                "burn_time_s": 40,
                "delay_s": 90,
                "threats": "nk",
            },
            {
                "name": "slow-decision",
                "place": "40.5,133.3",
                "burnout_speed_km_s": 5.0,
                "burn_time_s": 40,
                "delay_s": 500,
                "threats": "nk",
            },
        ],
        "zone": {
            "base": "ship",
            "lat_min_deg": 36,
            "lat_max_deg": 46,
            "lon_min_deg": 124,
            "lon_max_deg": 136,
            "step_deg": 1,
        },
    },
}


BOOSTER = get_booster("hwasong-15").name  # named in the block: the numbers below are for its 372 s burn


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("bp") / "bp-test.yaml"
    path.write_text(yaml.safe_dump(SCENARIO), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def study(scenario_file):
    return build_study(str(scenario_file), thresholds=False)


def _write(tmp_path, data) -> str:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return str(path)


def _direct(base_name: str, target: str, launch: str = "tonghae"):
    """The engagement of one base against the launch -> target boost, computed outside the study."""
    spec = {b["name"]: b for b in SCENARIO["boost_phase"]["bases"]}[base_name]
    la, ta = resolve_place(launch), resolve_place(target)
    prof = boost_profile(
        BOOSTER, la.latitude_deg, la.longitude_deg, toward=(ta.latitude_deg, ta.longitude_deg)
    )
    lat, lon = (float(x) for x in spec["place"].split(","))
    gbi = SCENARIO["interceptor_types"]["gbi"]
    kw = dict(
        speed_km_s=spec["burnout_speed_km_s"],
        burn_time_s=spec.get("burn_time_s", gbi["burn_time_s"] if spec.get("interceptor") else 0.0),
        burnout_altitude_km=gbi["burnout_altitude_km"] if spec.get("interceptor") else 0.0,
        delay_s=spec["delay_s"],
        base_altitude_km=spec.get("altitude_km", 0.0),
        carrier_speed_km_s=spec.get("carrier_speed_km_s", 0.0),
    )
    return prof, engage_boost(prof, lat, lon, **kw), kw, (lat, lon)


def test_study_boost_phase_equals_engage_boost_called_directly(study):
    recs = study.boost_phase
    assert len(recs) == 4 * 4  # four bases, four routes
    for r in recs:
        prof, d, _, _ = _direct(r.base, r.target, r.launch)
        assert r.booster == BOOSTER
        assert r.status == {"too_slow": "out_of_reach"}.get(d.status, d.status)
        for f in (
            "distance_km",
            "interceptor_launch_s",
            "deadline_s",
            "time_available_s",
            "required_speed_km_s",
            "interceptor_speed_km_s",
            "first_intercept_s",
            "last_intercept_s",
            "intercept_window_s",
            "intercept_altitude_km",
            "intercept_downrange_km",
        ):
            a, b = getattr(r, f), getattr(d, f)
            assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, rel=1e-12, abs=1e-9), (
                r.base,
                f,
            )
        assert r.deadline_s == pytest.approx(prof.burnout_time_s)


def test_every_status_comes_with_a_sentence(study):
    by = {(r.base, r.target): r for r in study.boost_phase if r.launch == "tonghae"}
    ok = by[("ship", "seattle")]
    assert ok.status == "engageable"
    assert "before burnout" in ok.reason and "5.0 km/s interceptor fired 90 s after launch" in ok.reason
    far = by[("far", "seattle")]
    assert far.status == "beyond_horizon" and "below the base's horizon" in far.reason
    plane = by[("plane", "seattle")]  # the gbi type's 120 s burn and 200 km burnout altitude, at 4 km/s
    assert plane.status == "out_of_reach" and plane.platform == "airborne"
    assert "would need a burnout speed of" in plane.reason and "this one has 4.00 km/s" in plane.reason
    late = by[("slow-decision", "seattle")]
    # fired at 500 s (its delay), after the Hwasong-15's burnout (372 s, the sum of its stage burns and coast
    # in boosters.yaml): no time available, never a negative one, and the reason says how late
    assert late.status == "too_late" and late.time_available_s == 0.0
    assert "fired 500 s after launch, 128 s after burnout (372 s)" in late.reason
    assert plane.interceptor_speed_km_s == 4.0


def test_basing_zone_is_every_route_of_the_group(study):
    (z,) = study.basing_zones
    assert (z.threat, z.base, z.routes) == ("nk", "ship", 4)
    zones = []
    for launch in ("tonghae", "pyongyang"):
        for target in ("seattle", "anchorage"):
            prof, _, kw, _ = _direct("ship", target, launch)
            zones.append(basing_zone(prof, (36, 46, 124, 136), 1.0, **kw))
    masks = [x.footprint.values["engageable"] for x in zones]
    every, anyr = masks[0] & masks[1] & masks[2] & masks[3], masks[0] | masks[1] | masks[2] | masks[3]
    need = np.maximum.reduce([x.footprint.values["required_speed_km_s"] for x in zones])
    v = z.zone.footprint.values
    assert np.array_equal(v["engageable"], every) and np.array_equal(v["engageable_any"], anyr)
    assert np.array_equal(v["required_speed_km_s"], need)
    assert (
        z.cells == 11 * 13
        and z.cells_engageable == int(every.sum())
        and z.cells_engageable_any == int(anyr.sum())
    )
    assert 0 < z.cells_engageable < z.cells_engageable_any < z.cells
    assert f"{z.cells_engageable:,} of {z.cells:,} cells" in z.caption and "estimate" in z.caption


def test_to_dict_json_and_csv_carry_boost_phase(study, tmp_path):
    from shieldcheck.report.exports import study_table, write_rows

    d = json.loads(json.dumps(study.to_dict(), allow_nan=False))
    assert len(d["boost_phase"]) == 16 and d["boost_phase"][0]["base"] == "ship"
    (zd,) = d["basing_zones"]
    assert zd["cells_engageable"] == study.basing_zones[0].cells_engageable
    assert zd["geojson"]["type"] == "FeatureCollection" and zd["geojson"]["features"]
    rows = study_table(study, "boost_phase")
    path = write_rows(rows, tmp_path / "bp.csv", "csv")
    text = path.read_text()
    assert text.splitlines()[0].startswith("row,scenario,scenario_hash,variant,sets,shieldcheck_version,base")
    assert len(text.splitlines()) == 17


def test_set_override_reaches_the_boost_phase_rows(scenario_file):
    s = build_study(
        str(scenario_file), thresholds=False, sets=["boost_phase.bases.far.burnout_speed_km_s=12"]
    )
    far = [r for r in s.boost_phase if r.base == "far"]
    assert all(r.interceptor_speed_km_s == 12.0 for r in far)
    a = [a for a in s.built["base"].assumptions if a.path == "boost_phase.bases.far.burnout_speed_km_s"]
    assert a and a[0].origin == "--set" and a[0].unit == "km/s"


def test_a_scenario_without_the_block_has_no_boost_phase(tmp_path):
    data = copy.deepcopy(SCENARIO)
    del data["boost_phase"]
    s = build_study(_write(tmp_path, data), thresholds=False)
    assert s.boost_phase == () and s.basing_zones == () and s.to_dict()["boost_phase"] == []


def _bad(mutate):
    data = copy.deepcopy(SCENARIO)
    mutate(data["boost_phase"])
    return data


BAD = [
    (
        lambda b: b["bases"][0].update(threats=["nx"]),
        "boost_phase.bases.ship.threats.0: unknown threat group 'nx'",
    ),
    (
        lambda b: b["bases"][0].update(altitude_km=10),
        "boost_phase.bases.ship.altitude_km: only for platform 'airborne'",
    ),
    (
        lambda b: b["bases"][1].pop("altitude_km"),
        "boost_phase.bases.plane.altitude_km: field required for platform",
    ),
    (
        lambda b: b["bases"][1].update(interceptor="gbj"),
        "boost_phase.bases.plane.interceptor: unknown interceptor type 'gbj'",
    ),
    (
        lambda b: b["bases"][0].pop("burn_time_s"),
        "boost_phase.bases.ship.burn_time_s: field required without interceptor",
    ),
    (
        lambda b: b["bases"][0].update(burnout_speed_km_s=20),
        "boost_phase.bases.ship.burnout_speed_km_s: must be within (0, 15], got 20.0",
    ),
    (
        lambda b: b["bases"][0].update(delay_s=-1),
        "boost_phase.bases.ship.delay_s: must be within [0, 3600], got -1.0",
    ),
    (
        lambda b: b["bases"][0].update(platform="space"),
        "boost_phase.bases.ship.platform: must be 'ground', 'sea' or 'airborne'",
    ),
    (
        lambda b: b["bases"][0].update(launch=["seoul"]),
        "boost_phase.bases.ship.launch.0: 'seoul' is not a launch place of nk",
    ),
    (
        lambda b: b["bases"][0].update(place="atlantis"),
        "boost_phase.bases.ship.place: unknown place 'atlantis'",
    ),
    (
        lambda b: b.update(boosters={"nk": {"booster": "hwasong-16"}}),
        "boost_phase.boosters.nk.booster: booster 'hwasong-16' has no stage data",
    ),
    (
        lambda b: b.update(boosters={"nx": {"booster": "hwasong-15"}}),
        "boost_phase.boosters.nx: unknown threat group",
    ),
    (lambda b: b["zone"].update(base="shop"), "boost_phase.zone.base: unknown base 'shop'"),
    (
        lambda b: b["zone"].update(step_deg=0.04),
        "boost_phase.zone.step_deg: must be within [0.1, 10], got 0.04",
    ),
    (
        lambda b: b["zone"].update(
            lat_min_deg=-80, lat_max_deg=80, lon_min_deg=-180, lon_max_deg=180, step_deg=0.5
        ),
        "at most 60,000",
    ),
    (lambda b: b["zone"].update(lat_max_deg=30), "boost_phase.zone: lat_max_deg must exceed lat_min_deg"),
    (lambda b: b.update(bases=[]), "boost_phase.bases: must not be empty"),
    (lambda b: b["bases"].append(dict(b["bases"][0])), "boost_phase.bases.4.name: duplicate name 'ship'"),
    (lambda b: b.update(flyout="staged"), "boost_phase.flyout: must be 'straight' or 'ballistic'"),
]


@pytest.mark.parametrize("mutate, message", BAD)
def test_bad_boost_phase_blocks_name_file_path_and_rule(tmp_path, mutate, message):
    data = _bad(mutate)
    with pytest.raises(InputError) as err:
        load_scenario(_write(tmp_path, data))
    assert str(err.value).startswith("bad.yaml: ") and message in str(err.value), str(err.value)


def test_zone_cells_times_routes_is_bounded(tmp_path):
    data = copy.deepcopy(SCENARIO)
    data["threats"][0]["launch"] = ["tonghae", "pyongyang", "39,127"]
    data["threats"][0]["targets"] = [
        "seattle",
        "anchorage",
        "honolulu",
        "los-angeles",
        "chicago",
        "washington",
        "new-york",
    ]
    # 201 x 241 = 48,441 cells, under the cell bound
    data["boost_phase"]["zone"].update(step_deg=0.1, lat_max_deg=56, lon_max_deg=148)
    with pytest.raises(
        InputError, match=r"boost_phase\.zone\.step_deg: 48,441 cells x 21 routes is more than 1,000,000"
    ):
        load_scenario(_write(tmp_path, data))


def test_a_group_whose_missile_has_no_stages_needs_a_booster(tmp_path):
    data = copy.deepcopy(SCENARIO)
    data["threats"][0]["missile"] = "irbm-5500"  # a class without stage data
    boosters = data["boost_phase"].pop("boosters")
    with pytest.raises(
        InputError, match=r"boost_phase\.boosters\.nk: field required \(the missile class .irbm-5500."
    ):
        load_scenario(_write(tmp_path, data))
    data["boost_phase"]["boosters"] = boosters
    assert build(load_scenario(_write(tmp_path, data))).boost_phase.boosters == {"nk": ("hwasong-15", None)}


def test_schema_documents_the_block():
    schema = scenario_schema()
    assert "boost_phase" in schema["properties"]
    defs = schema["$defs"]
    assert {"BoostPhaseSpec", "BoostPhaseBaseSpec", "BoostPhaseZoneSpec"} <= set(defs)
    base = defs["BoostPhaseBaseSpec"]["properties"]
    assert {"platform", "delay_s", "carrier_speed_km_s", "threats"} <= set(base)


def test_north_korea_scenario_has_sourced_boost_phase_bases():
    b = build(load_scenario("us-homeland-north-korea"))
    plan = b.boost_phase
    assert [x.platform for x in plan.bases] == ["sea", "airborne", "ground"]
    assert plan.boosters == {"nk-icbm": ("hwasong-15", None)} and plan.zone[0] == "sea-of-japan-ship"
    nums = [a for a in b.assumptions if a.path.startswith("boost_phase.bases.")]
    assert len(nums) >= 10 and all(a.source.startswith("estimate: ") for a in nums)


def test_north_korea_boost_phase_figures_stated_in_the_readme():
    # The README's "North Korea scenario" paragraph (base): it quoted 10 of 14 for Seoul, 5.25-5.51 km/s and
    # 708 (1,266) zone cells, figures from before the Hwasong-15 booster's corrected payload.
    st = build_study("us-homeland-north-korea", thresholds=False)
    by: dict[str, list] = {}
    for r in st.boost_phase:
        if r.variant == "base":
            by.setdefault(r.base, []).append(r)
    speeds = {b: [round(r.required_speed_km_s, 2) for r in rs] for b, rs in by.items()}
    band = {b: (min(v), max(v)) for b, v in speeds.items()}
    ok = {b: sum(r.status == "engageable" for r in rs) for b, rs in by.items()}
    assert ok == {"sea-of-japan-ship": 14, "airborne-sea-of-japan": 14, "south-korea-ground": 11}
    assert band["sea-of-japan-ship"] == (4.03, 4.64) and band["airborne-sea-of-japan"] == (3.47, 3.99)
    lost = {(r.launch, r.target): round(r.required_speed_km_s, 2) for r in by["south-korea-ground"]
            if r.status != "engageable"}  # fmt: skip
    assert set(lost) == {("tonghae", t) for t in ("chicago", "washington", "new-york")}
    assert (min(lost.values()), max(lost.values())) == (5.09, 5.21)
    (zone,) = [z for z in st.basing_zones if z.variant == "base"]
    assert (zone.cells_engageable, zone.cells, zone.cells_engageable_any) == (737, 1785, 1107)


def test_report_section_present_only_with_the_block(study, tmp_path):
    from shieldcheck.report.html import _boost_phase_section

    answers, text = _boost_phase_section(study, "base")
    assert "<h2 id='boost-phase'>Boost-phase intercept</h2>" in text
    assert "Model estimates" in text and text.count("data:image/png;base64,") == 1
    assert study.basing_zones[0].caption.replace("'", "&#x27;") in text
    assert len(answers) == 4 and "can reach the missile before burnout on 4 of 4 routes" in answers[0]
    for r in study.boost_phase:
        assert f"{r.launch} → {r.target}" in text
    data = copy.deepcopy(SCENARIO)
    del data["boost_phase"]
    none = build_study(_write(tmp_path, data), thresholds=False)
    assert _boost_phase_section(none, "base") == ([], "")


def test_cli_engage_prints_the_table_and_json_equals_the_study(study, scenario_file):
    runner = CliRunner()
    res = runner.invoke(cli_app, ["engage", str(scenario_file)], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert "boost-phase intercept (routes before burnout)" in res.output
    assert "plane, tonghae → seattle: out_of_reach (too slow:" in res.output
    res = runner.invoke(cli_app, ["engage", str(scenario_file), "--table", "boost_phase", "--json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    mine = study.table("boost_phase")
    assert len(rows) == len(mine)
    for a, b in zip(rows, mine, strict=True):
        assert {k: a[k] for k in b if k != "variant"} == {k: v for k, v in b.items() if k != "variant"}
    res = runner.invoke(cli_app, ["engage", "european-third-site-2007", "--table", "boost_phase", "--json"])
    assert res.exit_code == 2 and "has no boost_phase: block" in res.output


def test_web_study_carries_the_clis_boost_phase_numbers(scenario_file):
    pytest.importorskip("fastapi")
    pytest.importorskip("uvicorn")
    from web_server import call, running_server

    res = CliRunner().invoke(cli_app, ["engage", str(scenario_file), "--table", "boost_phase", "--json"])
    cli = json.loads(res.output)
    with running_server(scenarios=[str(scenario_file)]) as url:
        status, _, body = call(url, "/api/study", {"scenario": "bp-test"})
        assert status == 200, body
        assert len(body["boost_phase"]) == len(cli)
        for a, c in zip(body["boost_phase"], cli, strict=True):
            for k, v in a.items():
                assert c[k] == v, (k, v, c[k])
        (z,) = body["basing_zones"]
        assert z["geojson"]["features"] and z["base"] == "ship"
        status, _, body = call(
            url, "/api/study", {"scenario": "bp-test", "sets": ["boost_phase.bases.far.delay_s=-5"]}
        )
        assert (
            status == 400
            and "boost_phase.bases.far.delay_s: must be within [0, 3600], got -5.0" in body["error"]
        )
        status, _, body = call(url, "/openapi.json")
        assert "boost_phase" in body["paths"]["/api/study"]["post"]["description"]


def test_build_report_carries_the_boost_phase_section(scenario_file, study, tmp_path):
    from shieldcheck.report.html import build_report

    result = build_report(str(scenario_file), tmp_path, resolution_deg=2.0)
    text = result.path.read_text(encoding="utf-8")
    assert text.count("<h2 id='boost-phase'>Boost-phase intercept</h2>") == 1
    assert text.index("id='boost-phase'") < text.index("id='footprints'")
    assert study.basing_zones[0].caption.replace("'", "&#x27;") in text
    assert sum(a.startswith("Boost phase (base, estimate): from ship (sea)") for a in result.key_answers) == 1


def test_a_base_can_face_some_launch_places_only(tmp_path):
    data = copy.deepcopy(SCENARIO)
    data["boost_phase"]["bases"] = data["boost_phase"]["bases"][:1]
    data["boost_phase"]["bases"][0]["launch"] = ["tonghae"]
    s = build_study(_write(tmp_path, data), thresholds=False)
    assert [(r.base, r.launch, r.target) for r in s.boost_phase] == [
        ("ship", "tonghae", "seattle"),
        ("ship", "tonghae", "anchorage"),
    ]
    assert s.basing_zones[0].routes == 2
