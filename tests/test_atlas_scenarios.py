"""The built-in scenarios of the debate's atlas: headline answers per threat group and variant.

Counts are routes (launch, target) that some site can engage, over routes the threat can reach; the
numbers are the model's answers stated in the README, pinned here so that a change that moves them is
seen. Where an independent cross-check exists it is used: the Turkey scenario's `poland` variant must
give exactly the flagship's counts (same interceptors, radars and threats, built from another file).
"""

import json
import math
from functools import cache

import pytest
from typer.testing import CliRunner

from shieldcheck import sensors
from shieldcheck.cli import app
from shieldcheck.engagement import engage_scenario
from shieldcheck.scenario import build, list_scenarios, load_scenario

ATLAS = (
    "turkey-alternative-2007",
    "russian-counter-offer-2007",
    "phased-adaptive-approach-2009",
    "us-homeland-north-korea",
)


@cache
def rows(scenario: str, variant: str | None = None, sets: tuple[str, ...] = ()):
    return engage_scenario(build(load_scenario(scenario), variant=variant, sets=sets))


def counts(scenario: str, variant: str | None = None, sets: tuple[str, ...] = ()) -> dict[str, str]:
    """Per threat group: 'defended/reachable' routes (a route is defended if any site engages it)."""
    routes: dict[tuple[str, str, str], list] = {}
    for r in rows(scenario, variant, sets):
        routes.setdefault((r.threat, r.launch, r.target), []).append(r)
    out: dict[str, list[int]] = {}
    for (group, _, _), rs in routes.items():
        reach = all(r.threat_status == "ok" for r in rs)
        defended = reach and any(r.engageable for r in rs)
        c = out.setdefault(group, [0, 0])
        c[0] += defended
        c[1] += reach
    return {g: f"{d}/{n}" for g, (d, n) in out.items()}


def test_the_atlas_scenarios_are_built_in_with_questions_and_variants():
    names = dict(list_scenarios())
    for name in ATLAS:
        assert name in names
        model = load_scenario(name)
        assert model.question.strip() and model.variants
        built = build(model)
        for a in built.assumptions:
            assert a.source.strip(), (name, a.path)
            assert "references.md" not in a.source, (name, a.path)


# --------------------------------------------------------------------------------------------------------
# Turkey alternative


def test_turkey_poland_variant_reproduces_the_flagship():
    # Independent cross-check: the flagship file (developer A's) with the same interceptors, radars and
    # threats must give the same counts as this file with the site moved back to Redzikowo.
    assert counts("turkey-alternative-2007", "poland") == counts("european-third-site-2007")
    assert counts("turkey-alternative-2007", "poland") == {
        "iran-europe": "36/39",
        "iran-us-east-coast": "9/9",
        "russia-us": "0/10",
    }


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        (None, {"iran-europe": "38/39", "iran-us-east-coast": "0/9", "russia-us": "0/10"}),  # 6.3 km/s
        ("speed-mda-slides", {"iran-europe": "38/39", "iran-us-east-coast": "0/9", "russia-us": "0/10"}),
        ("speed-postol-8", {"iran-europe": "39/39", "iran-us-east-coast": "9/9", "russia-us": "0/10"}),
        ("speed-postol-9", {"iran-europe": "39/39", "iran-us-east-coast": "9/9", "russia-us": "7/10"}),
    ],
)
def test_turkey_headline_counts(variant, expected):
    assert counts("turkey-alternative-2007", variant) == expected


def test_turkey_leaves_only_tabriz_to_ankara_and_loses_the_east_coast_at_mda_speed():
    undefended = {
        (r.launch, r.target)
        for r in rows("turkey-alternative-2007")
        if r.threat == "iran-europe" and not r.engageable
    }
    assert undefended == {("tabriz", "ankara")}
    assert not any(r.engageable for r in rows("turkey-alternative-2007") if r.threat == "iran-us-east-coast")


# --------------------------------------------------------------------------------------------------------
# Russian counter-offer


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        (None, {"iran-europe": "27/39", "iran-us-east-coast": "9/9"}),
        ("warning-only", {"iran-europe": "18/39", "iran-us-east-coast": "9/9"}),
        ("gabala-only", {"iran-europe": "23/39", "iran-us-east-coast": "9/9"}),
        ("us-radars", {"iran-europe": "36/39", "iran-us-east-coast": "9/9"}),
    ],
)
def test_counter_offer_headline_counts(variant, expected):
    assert counts("russian-counter-offer-2007", variant) == expected


def test_what_each_radar_sees_of_tehran_to_berlin_and_when():
    model = load_scenario("russian-counter-offer-2007")
    radars = {r.name: r for r in build(model).architecture.radars}
    radars |= {r.name: r for r in build(model, variant="us-radars").architecture.radars}
    case = next(c for c in build(model).threats if (c.launch.name, c.target.name) == ("tehran", "berlin"))
    traj = case.trajectory()
    seen = {name: sensors.view(radar, traj) for name, radar in radars.items()}
    first = {name: v.first_s for name, v in seen.items()}
    # Gabala sees the launch first, then Kürecik, then Armavir; Brdy only in the second half of the flight.
    assert first["gabala"] < first["kurecik-fbx"] < first["armavir"] < first["brdy-xband"]
    assert first["gabala"] == pytest.approx(109, abs=5)
    assert first["brdy-xband"] == pytest.approx(615, abs=5)
    assert first["kurecik-fbx"] == pytest.approx(164, abs=5)  # the README's figures
    assert first["armavir"] == pytest.approx(182, abs=5)
    assert seen["gabala"].last_s == pytest.approx(292, abs=5)
    # ... but Gabala loses it early (its southward field of regard), Brdy keeps it to the end.
    assert seen["gabala"].last_s < 300 < seen["armavir"].last_s < seen["brdy-xband"].last_s
    assert all(math.isfinite(v) for v in first.values())


# --------------------------------------------------------------------------------------------------------
# European Phased Adaptive Approach


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        ("phase-1", {"iran-europe": "3/39", "iran-us-east-coast": "0/9", "russia-us": "0/10"}),
        ("phase-2", {"iran-europe": "16/39", "iran-us-east-coast": "0/9", "russia-us": "0/10"}),
        (None, {"iran-europe": "36/39", "iran-us-east-coast": "0/9", "russia-us": "0/10"}),  # phase 3
        ("phase-4-cancelled", {"iran-europe": "37/39", "iran-us-east-coast": "9/9", "russia-us": "0/10"}),
    ],
)
def test_epaa_headline_counts(variant, expected):
    assert counts("phased-adaptive-approach-2009", variant) == expected


def test_epaa_cannot_reach_russian_icbms_even_far_above_sm3_speeds():
    # Every SM-3 at 10 km/s (about twice the IIB's 5.5): still no Russia-to-U.S. route, because the
    # radars lose the track before the ICBMs come down within the SM-3's altitude ceiling.
    fast = tuple(
        f"interceptor_types.{t}.burnout_speed_km_s=10" for t in ("sm3-ia", "sm3-ib", "sm3-iia", "sm3-iib")
    )
    assert counts("phased-adaptive-approach-2009", None, fast)["russia-us"] == "0/10"
    # the README's "first route at 13.1 km/s": none at 13.0, one at 13.2
    at = lambda v: tuple(x.replace("=10", f"={v}") for x in fast)  # noqa: E731
    assert counts("phased-adaptive-approach-2009", None, at(13.0))["russia-us"] == "0/10"
    assert counts("phased-adaptive-approach-2009", None, at(13.2))["russia-us"] != "0/10"
    codes = {
        r.reason_code
        for r in rows("phased-adaptive-approach-2009", None, fast)
        if r.threat == "russia-us" and r.site == "redzikowo"
    }
    assert codes == {"track_lost"}


# --------------------------------------------------------------------------------------------------------
# U.S. homeland against North Korea (across the date line)


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        (None, {"nk-icbm": "14/14"}),
        ("gbi-7", {"nk-icbm": "14/14"}),
        ("before-lrdr", {"nk-icbm": "14/14"}),
        ("no-sbx", {"nk-icbm": "12/14"}),  # Honolulu from both launch areas is lost
        ("taepodong-2-class", {"nk-icbm": "6/6"}),  # 8 of 14 routes out of the threat's reach
    ],
)
def test_north_korea_headline_counts(variant, expected):
    assert counts("us-homeland-north-korea", variant) == expected


def test_north_korea_honolulu_has_the_shortest_window():
    windows: dict[str, float] = {}
    for r in rows("us-homeland-north-korea"):
        if r.engageable:
            windows[r.target] = max(windows.get(r.target, 0.0), r.window_s)
    assert min(windows, key=windows.get) == "honolulu"
    assert windows["honolulu"] < 200 < 400 < windows["anchorage"] < windows["seattle"]
    # the README's figures: about 125 s for Honolulu, 500 s for Anchorage, 840-1,160 s for the mainland
    assert windows["honolulu"] == pytest.approx(125, abs=10)
    assert windows["anchorage"] == pytest.approx(500, abs=10)
    mainland = [windows[t] for t in ("seattle", "los-angeles", "chicago", "washington", "new-york")]
    assert 830 < min(mainland) < 850 and 1150 < max(mainland) < 1170
    lost = {r.target for r in rows("us-homeland-north-korea", "no-sbx") if r.threat == "nk-icbm"} - {
        r.target for r in rows("us-homeland-north-korea", "no-sbx") if r.engageable
    }
    assert lost == {"honolulu"}


def test_north_korea_threat_cannot_reach_is_its_own_category():
    out = {
        (r.launch, r.target)
        for r in rows("us-homeland-north-korea", "taepodong-2-class")
        if r.threat_status != "ok"
    }
    assert ("pyongyang", "new-york") in out and ("pyongyang", "anchorage") not in out
    assert len(out) == 8


def test_north_korea_exports_work_across_the_date_line(tmp_path):
    result = CliRunner().invoke(
        app,
        ["export", "us-homeland-north-korea", "--format", "geojson", "--format", "kml", "-o", str(tmp_path)],
    )
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "us-homeland-north-korea.geojson").read_text(encoding="utf-8"))
    lons = []
    for f in data["features"]:
        geometry = f["geometry"]
        if geometry["type"] == "LineString":
            lons += [c[0] for c in geometry["coordinates"]]
        elif geometry["type"] == "MultiLineString":
            lons += [c[0] for line in geometry["coordinates"] for c in line]
    assert lons and all(-180.0 <= x <= 180.0 for x in lons)
    assert min(lons) < -150 and max(lons) > 120  # tracks on both sides of the date line


def test_north_korea_report_builds_across_the_date_line(tmp_path):
    # The report reads the study (issue 8); its maps must accept a North Pacific extent.
    result = CliRunner().invoke(app, ["report", "us-homeland-north-korea", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "us-homeland-north-korea.html").read_text(encoding="utf-8")
    # its answers are the engagement counts (counted here from engage_scenario's rows, not the study)
    table = text[text.index("How the variants change it"):]  # the key answers' table of variants
    for variant in (None, "no-sbx", "taepodong-2-class"):
        row = table[table.index(f"<td>{variant or 'base'}</td>"):]
        row = row[: row.index("</tr>")]
        answer = f">{counts('us-homeland-north-korea', variant)['nk-icbm']}<"
        assert answer in row, (answer, row)
    # the architecture map spans the date line and says so in words; sites are named by their place
    import re

    alts = re.findall(r'<img alt="([^"]*)"', text)
    assert any("14 threat ground tracks, 14 of them defended" in a for a in alts), alts[:2]
    assert "Fort Greely (fort-greely)" in text and "Shemya (Eareckson Air Station) (cobra-dane)" in text


# --------------------------------------------------------------------------------------------------------
# claims: each names a number of its scenario


@pytest.mark.parametrize("name", [n for n, _ in list_scenarios()])
def test_every_built_in_claim_names_a_number_of_its_scenario(name):
    # Checked against the built scenario's assumption list (what the report's table prints), not against
    # the loader's own check.
    model = load_scenario(name)
    paths = {a.path for a in build(model).assumptions}
    for claim in model.claims:
        assert claim.quantity in paths, (claim.label, claim.quantity)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "quantity: interceptor_types.gbi-2stage.burnout_speed_km_s\n    value: 8.0",
            "quantity: interceptor_types.gbi-2stag.burnout_speed_km_s\n    value: 8.0",
            "european-third-site-2007.yaml: claims.2.quantity: claim 'Postol: 8 km/s' names "
            "'interceptor_types.gbi-2stag.burnout_speed_km_s', which is not a number of this scenario; "
            "did you mean 'interceptor_types.gbi-2stage.burnout_speed_km_s'?",
        ),
        (
            "quantity: interceptor_types.gbi-2stage.burnout_speed_km_s\n    value: 5.4",
            "quantity: timeline\n    value: 5.4",
            "claims.0.quantity: claim 'MDA slides: 5.4 km/s' names 'timeline', which is not a number",
        ),
    ],
)
def test_a_claim_about_a_missing_quantity_is_an_error_naming_claim_and_path(tmp_path, old, new, message):
    from importlib import resources

    from shieldcheck.errors import InputError

    text = (
        resources.files("shieldcheck.scenarios")
        .joinpath("european-third-site-2007.yaml")
        .read_text(encoding="utf-8")
    )
    assert old in text
    path = tmp_path / "european-third-site-2007.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_scenario(path)
    assert message in str(err.value)
    result = CliRunner().invoke(app, ["engage", str(path)])
    assert result.exit_code == 2 and "claims." in result.output


# --------------------------------------------------------------------------------------------------------
# Display names: sites and radars are shown by their place, not by the scenario's key


def test_sites_and_radars_are_shown_by_their_place():
    turkey = build(load_scenario("turkey-alternative-2007"))
    assert turkey.display_name("gbi-site") == "Incirlik Air Base"  # catalog label of incirlik
    poland = build(load_scenario("turkey-alternative-2007"), variant="poland")
    assert poland.display_name("gbi-site") == "Redzikowo"
    nk = build(load_scenario("us-homeland-north-korea"))
    assert nk.display_name("cobra-dane") == "Shemya (Eareckson Air Station)"
    # a site at plain coordinates keeps its own name
    flagship = load_scenario("european-third-site-2007")
    coords = build(flagship, sets=["interceptor_sites.redzikowo.place=54.5,17.1"])
    assert coords.display_name("redzikowo") == "redzikowo"


def test_north_korea_every_export_format_across_the_date_line(tmp_path):
    # Every format of `export`, read back with independent readers: the OGC KML 2.2 schema, pyarrow and
    # the csv module, and CZML's own structure (positions as WGS84 degrees on both sides of 180°).
    import csv
    import importlib.util
    from pathlib import Path

    import pyarrow.parquet as pq

    formats = ["kml", "czml", "geojson", "csv", "parquet"]
    args = ["export", "us-homeland-north-korea", "-o", str(tmp_path)]
    result = CliRunner().invoke(app, [*args, *[x for f in formats for x in ("--format", f)]])
    assert result.exit_code == 0, result.output
    stem = tmp_path / "us-homeland-north-korea"
    with open(f"{stem}.csv", newline="", encoding="utf-8") as fh:
        table = list(csv.DictReader(fh))
    assert len(table) == 14 * 2  # 14 routes x 2 sites (Fort Greely, Vandenberg)
    assert pq.read_table(f"{stem}.parquet").num_rows == len(table)
    assert {r["target"] for r in table if r["engageable"] in ("True", "true")} >= {"honolulu", "new-york"}
    czml = json.loads(Path(f"{stem}.czml").read_text(encoding="utf-8"))
    assert czml[0]["id"] == "document"
    lons = []
    for packet in czml[1:]:
        position = packet.get("position", [])
        for part in position if isinstance(position, list) else [position]:  # intervals, or one
            pos = part.get("cartographicDegrees", [])
            lons += pos[0::3] if len(pos) == 3 else pos[1::4]  # a fixed point, or (t, lon, lat, h)
    assert lons and all(-180.0 <= x <= 180.0 for x in lons)
    assert min(lons) < -150 and max(lons) > 120
    labels = {p.get("label", {}).get("text") for p in czml}
    assert "Fort Greely" in labels and "fort-greely" not in labels
    spec = importlib.util.find_spec("fastkml")
    if spec is not None and spec.submodule_search_locations:
        xsd = Path(spec.submodule_search_locations[0]) / "schema" / "ogckml22.xsd"
        if xsd.exists():
            import xmlschema

            xmlschema.XMLSchema(str(xsd)).validate(f"{stem}.kml")


# --------------------------------------------------------------------------------------------------------
# Threshold speeds: the README's bands of least interceptor speed (any site), per scenario


@pytest.mark.parametrize(
    ("specs", "expected"),
    [
        (
            [
                "russian-counter-offer-2007",
                "russian-counter-offer-2007:us-radars",
                "russian-counter-offer-2007:warning-only",
            ],
            {"iran-us-east-coast": ["4.23-4.37 km/s", "4.40-4.52 km/s", "5.87-6.29 km/s"]},
        ),
        (
            ["phased-adaptive-approach-2009:phase-2", "phased-adaptive-approach-2009"],
            {
                "iran-us-east-coast": ["none below escape speed", "5.07-8.02 km/s"],
                "russia-us": ["none below escape speed", "none below escape speed"],
            },
        ),
        (
            ["us-homeland-north-korea", "us-homeland-north-korea:no-sbx"],
            {"nk-icbm": ["0.64-6.61 km/s", "0.64-5.16 km/s (2 routes: none below escape speed)"]},
        ),
    ],
)
def test_headline_threshold_bands(specs, expected):
    from shieldcheck.compare import compare

    c = compare(specs)
    table = {r["threat"]: r for r in c.groups_table()}
    for group, bands in expected.items():
        assert [table[group][f"{label} threshold"] for label in c.labels] == bands, group


# What each radar of the counter-offer sees of every Iranian launch area (to Berlin), and when: the
# README's table, first and last second of visibility (a target of 1 m² at the radar's reference range).
SEEN_TO_BERLIN = {
    "tehran": {
        "gabala": (109, 292),
        "kurecik-fbx": (164, 423),
        "armavir": (182, 520),
        "brdy-xband": (615, 1146),
    },
    "semnan": {
        "gabala": (121, 328),
        "kurecik-fbx": (183, 459),
        "armavir": (194, 552),
        "brdy-xband": (659, 1172),
    },
    "tabriz": {
        "gabala": (74, 129),
        "kurecik-fbx": (112, 280),
        "armavir": (134, 382),
        "brdy-xband": (444, 1050),
    },
}


@pytest.mark.parametrize("launch", sorted(SEEN_TO_BERLIN))
def test_counter_offer_radar_views_of_each_iranian_launch(launch):
    model = load_scenario("russian-counter-offer-2007")
    radars = {r.name: r for r in build(model).architecture.radars}
    radars |= {r.name: r for r in build(model, variant="us-radars").architecture.radars}
    case = next(c for c in build(model).threats if (c.launch.name, c.target.name) == (launch, "berlin"))
    traj = case.trajectory()
    seen = {name: sensors.view(radars[name], traj) for name in SEEN_TO_BERLIN[launch]}
    for name, (first, last) in SEEN_TO_BERLIN[launch].items():
        v = seen[name]
        assert (v.first_s, v.last_s) == (pytest.approx(first, abs=3), pytest.approx(last, abs=3)), name
    # Gabala always sees the launch first, and has lost it before Brdy sees anything
    assert min(seen, key=lambda n: seen[n].first_s) == "gabala"
    assert seen["gabala"].last_s < seen["brdy-xband"].first_s
