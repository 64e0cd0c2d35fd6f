"""Exports (shieldcheck.report.exports): each file is read back by an independent reader.

Coordinates written to files round-trip to 1 m in position (compared as ECEF distances), numbers in
the tables round-trip exactly, and the geometry is valid for shapely.
"""

import csv
import dataclasses
import datetime as dt
import json
import math
import xml.etree.ElementTree as ET

import numpy as np
import pytest

pytest.importorskip("czml3")
pytest.importorskip("pyarrow")
shapely = pytest.importorskip("shapely")

from shapely.geometry import Point, box, shape  # noqa: E402

from shieldcheck.earth import geodesic_direct, geodesic_inverse, geodetic_to_ecef  # noqa: E402
from shieldcheck.errors import InputError  # noqa: E402
from shieldcheck.report import exports as ex  # noqa: E402
from shieldcheck.scenario import build, load_scenario  # noqa: E402
from shieldcheck.sensors import GroundRadar  # noqa: E402
from shieldcheck.threats import trajectory_state  # noqa: E402

KML_NS = {"k": "http://www.opengis.net/kml/2.2"}
TOL_M = 1.0

# Four threats: two Iranian IRBMs at European capitals, an Iranian ICBM at Washington (all engageable from
# Redzikowo in the base case) and a Russian ICBM that is not ("too slow").
SETS = [
    "threats.iran-europe.launch=[tehran]",
    "threats.iran-europe.targets=[berlin, london]",
    "threats.iran-us-east-coast.launch=[tehran]",
    "threats.iran-us-east-coast.targets=[washington]",
    "threats.russia-us.launch=[kozelsk]",
    "threats.russia-us.targets=[washington]",
]


@pytest.fixture(scope="module")
def built():
    return build(load_scenario("european-third-site-2007"), sets=SETS)


@pytest.fixture(scope="module")
def bundle(built):
    return ex.collect(built)


@pytest.fixture(scope="module")
def files(bundle, tmp_path_factory):
    d = tmp_path_factory.mktemp("exports")
    return {fmt: ex.export(bundle, fmt, d / f"scenario.{fmt}") for fmt in ex.FORMATS}


def _distance_m(lon1, lat1, alt1_m, lon2, lat2, alt2_m):
    """ECEF distance (m) between WGS84 points given as lon/lat degrees and meters."""
    a = geodetic_to_ecef(lat1, lon1, np.asarray(alt1_m, dtype=float) / 1000.0)
    b = geodetic_to_ecef(lat2, lon2, np.asarray(alt2_m, dtype=float) / 1000.0)
    return np.linalg.norm(a - b, axis=-1) * 1000.0


def _assert_track(coords, samples):
    """coords: (n, 3) lon, lat, alt_m read from a file; samples: the bundle's dict of arrays."""
    c = np.asarray(coords, dtype=float)
    assert c.shape == (samples["t_s"].size, 3)
    d = _distance_m(
        c[:, 0],
        c[:, 1],
        c[:, 2],
        samples["longitude_deg"],
        samples["latitude_deg"],
        samples["altitude_km"] * 1000.0,
    )
    assert d.max() < TOL_M, d.max()


# ============================================================================ the bundle
def test_bundle_rows_threats_and_intercepts(bundle, built):
    assert (bundle.scenario, bundle.variant) == ("european-third-site-2007", "base")
    assert bundle.scenario_hash == built.scenario_hash
    assert len(bundle.threats) == 4 and len(bundle.rows) == 4  # one site
    for i, row in enumerate(bundle.rows):
        assert tuple(row) == ex.TABLE_COLUMNS
        assert row["row"] == i + 1 and row["scenario_hash"] == built.scenario_hash
    assert [t["engageable"] for t in bundle.threats] == [True, True, True, False]
    assert bundle.threats[3]["reason"].startswith("too slow from Redzikowo")
    assert [c["row"] for c in bundle.intercepts] == [1, 2, 3]
    kinds = {s["kind"] for s in bundle.sites}
    assert kinds == {"interceptor_site", "radar", "launch", "target"}
    for t in bundle.threats:
        s = t["samples"]
        assert s["t_s"][0] == 0.0 and s["t_s"][-1] == pytest.approx(t["flight_time_s"], abs=1e-9)
        assert np.all(np.diff(s["t_s"]) > 0.0) and np.diff(s["t_s"]).max() <= 10.0 + 1e-9


def test_interceptor_flyout_meets_the_threat_at_the_window_start(bundle, built):
    """The interceptor's track ends where the threat is at ``window_start_s`` (same kinematic model)."""
    arch = built.architecture
    for c in bundle.intercepts:
        row = bundle.rows[c["row"] - 1]
        assert c["launch_s"] == row["first_intercept_launch_s"] and c["intercept_s"] == row["window_start_s"]
        s = c["samples"]
        assert s["t_s"][0] == pytest.approx(c["launch_s"]) and s["t_s"][-1] == pytest.approx(c["intercept_s"])
        end = _distance_m(
            s["longitude_deg"][-1],
            s["latitude_deg"][-1],
            s["altitude_km"][-1] * 1000.0,
            c["longitude_deg"],
            c["latitude_deg"],
            c["altitude_km"] * 1000.0,
        )
        assert end < TOL_M
        # the engagement table's first-intercept altitude is the altitude of this point (to 10 m)
        assert c["altitude_km"] == pytest.approx(row["first_intercept_altitude_km"], abs=0.01)
        case = built.threats[[t["id"] for t in bundle.threats].index(c["threat_id"])]
        r_ecef, _, _, _ = trajectory_state(case.trajectory(arch.earth, arch.rotation), c["intercept_s"])
        here = geodetic_to_ecef(c["latitude_deg"], c["longitude_deg"], c["altitude_km"])
        assert np.linalg.norm(here - r_ecef) * 1000.0 < TOL_M


def test_radar_coverage_ring_is_the_visibility_edge(bundle, built):
    """Each boundary vertex is seen 2 km inside along its bearing and not seen 2 km outside."""
    radars = {r.name: r for r in built.architecture.radars}
    for r in bundle.radars:
        radar = radars[r["name"]]
        for h, (lat, lon) in r["coverage"].items():
            assert lat.size >= 4 and lat[0] == lat[-1] and lon[0] == lon[-1]
            dist, az, _ = geodesic_inverse(radar.latitude_deg, radar.longitude_deg, lat[:-1], lon[:-1])
            far = dist > 1.0  # vertices at the radar itself (a sector radar's apex) are skipped
            for sign, expect in ((-2.0, True), (2.0, False)):
                la, lo, _ = geodesic_direct(
                    radar.latitude_deg, radar.longitude_deg, az[far], dist[far] + sign
                )
                seen = radar.sees(geodetic_to_ecef(la, lo, h))
                assert np.all(seen == expect), (r["name"], h, sign)
    # the sector radar's boundary closes through the radar: its position appears once in the open ring
    k = radars["kurecik-fbx"]
    lat, lon = next(r for r in bundle.radars if r["name"] == "kurecik-fbx")["coverage"][500.0]
    at_radar = _distance_m(lon[:-1], lat[:-1], 0.0, k.longitude_deg, k.latitude_deg, 0.0) < TOL_M
    assert at_radar.sum() == 1


def test_coverage_ring_slant_range_closed_form_on_sphere():
    """Where the slant range binds, the ground angle θ solves ρ² = r₁² + r₂² − 2 r₁ r₂ cos θ (sphere)."""
    radar = GroundRadar("x", 30.0, 20.0, max_range_km=1000.0)
    lat, lon = ex._coverage_ring(radar, 500.0, "sphere")
    r1, r2, rho = 6371.0, 6871.0, 1000.0
    theta = math.acos((r1**2 + r2**2 - rho**2) / (2.0 * r1 * r2))
    d, _, _ = geodesic_inverse(30.0, 20.0, lat, lon, earth="sphere")
    np.testing.assert_allclose(d, 6371.0 * theta, atol=0.01)  # 10 m


# ============================================================================ KML
def _kml_coords(text: str) -> np.ndarray:
    return np.array([[float(v) for v in tok.split(",")] for tok in text.split()])


def _kml_folder(root, name):
    for f in root.iter("{http://www.opengis.net/kml/2.2}Folder"):
        if f.findtext("k:name", namespaces=KML_NS) == name:
            return f
    raise AssertionError(f"no folder {name!r}")


def test_kml_tracks_round_trip(files, bundle):
    root = ET.parse(files["kml"]).getroot()
    doc = root.find("k:Document", KML_NS)
    assert doc.findtext("k:name", namespaces=KML_NS) == bundle.title
    assert "model estimate" in doc.findtext("k:description", namespaces=KML_NS).lower()
    tracks = _kml_folder(root, "Threat tracks").findall("k:Placemark", KML_NS)
    assert len(tracks) == len(bundle.threats)
    for pm, t in zip(tracks, bundle.threats, strict=True):
        ls = pm.find("k:LineString", KML_NS)
        assert ls.findtext("k:altitudeMode", namespaces=KML_NS) == "absolute"
        _assert_track(_kml_coords(ls.findtext("k:coordinates", namespaces=KML_NS)), t["samples"])
        desc = pm.findtext("k:description", namespaces=KML_NS)
        assert "model estimate" in desc.lower()
        assert all(f"Row {n} " in desc for n in t["rows"])
    interceptors = _kml_folder(root, "Interceptor tracks").findall("k:Placemark", KML_NS)
    assert len(interceptors) == len(bundle.intercepts)
    for pm, c in zip(interceptors, bundle.intercepts, strict=True):
        coords = pm.find("k:LineString/k:coordinates", KML_NS).text
        _assert_track(_kml_coords(coords), c["samples"])
    points = _kml_folder(root, "Intercept points").findall("k:Placemark", KML_NS)
    for pm, c in zip(points, bundle.intercepts, strict=True):
        (x, y, h) = _kml_coords(pm.find("k:Point/k:coordinates", KML_NS).text)[0]
        d = _distance_m(x, y, h, c["longitude_deg"], c["latitude_deg"], c["altitude_km"] * 1000.0)
        assert d < TOL_M


def test_kml_styles_coverage_and_sites(files, bundle):
    root = ET.parse(files["kml"]).getroot()
    doc = root.find("k:Document", KML_NS)
    ids = {s.get("id") for s in root.iter("{http://www.opengis.net/kml/2.2}Style")}
    urls = {u.text.lstrip("#") for u in root.iter("{http://www.opengis.net/kml/2.2}styleUrl")}
    assert urls <= ids
    shared = {s.get("id") for s in doc.findall("k:Style", KML_NS)}
    tracks = _kml_folder(root, "Threat tracks").findall("k:Placemark", KML_NS)
    track_styles = [pm.findtext("k:styleUrl", namespaces=KML_NS).lstrip("#") for pm in tracks]
    assert set(track_styles) <= shared
    assert track_styles[0] == track_styles[1] != track_styles[3]  # engageable vs not
    cov = _kml_folder(root, "Radar coverage")
    polys = list(cov.iter("{http://www.opengis.net/kml/2.2}Polygon"))
    assert len(polys) == sum(len(r["coverage"]) for r in bundle.radars)
    for pol in polys:
        assert pol.findtext("k:altitudeMode", namespaces=KML_NS) == "absolute"
        c = _kml_coords(pol.find("k:outerBoundaryIs/k:LinearRing/k:coordinates", KML_NS).text)
        assert np.all(c[0] == c[-1]) and len(np.unique(c[:, 2])) == 1
        assert c[0, 2] in (100_000.0, 500_000.0, 1_000_000.0)
    sites = _kml_folder(root, "Sites").findall("k:Placemark", KML_NS)
    assert len(sites) == len(bundle.sites)
    for pm, s in zip(sites, bundle.sites, strict=True):
        x, y, _ = _kml_coords(pm.find("k:Point/k:coordinates", KML_NS).text)[0]
        assert _distance_m(x, y, 0.0, s["longitude_deg"], s["latitude_deg"], 0.0) < TOL_M


# ============================================================================ CZML
def _parse_time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def test_czml_document_and_positions_round_trip(files, bundle):
    packets = json.loads(files["czml"].read_text(encoding="utf-8"))
    doc = packets[0]
    assert doc["id"] == "document" and doc["version"] == "1.0" and doc["name"] == bundle.title
    assert "model estimate" in doc["description"].lower()
    start, end = (_parse_time(x) for x in doc["clock"]["interval"].split("/"))
    epoch = dt.datetime(2007, 8, 30, tzinfo=dt.UTC)
    assert start == epoch
    longest = max(t["flight_time_s"] for t in bundle.threats)
    assert (end - start).total_seconds() == pytest.approx(longest, abs=1e-3)

    by_id = {p["id"]: p for p in packets}
    assert len(by_id) == len(packets)  # ids are unique
    moving = {t["id"]: t["samples"] for t in bundle.threats}
    moving |= {c["id"]: c["samples"] for c in bundle.intercepts}
    for pid, samples in moving.items():
        p = by_id[pid]
        pieces = p["position"] if isinstance(p["position"], list) else [p["position"]]  # split at burnout
        assert all(_parse_time(q["epoch"]) == epoch for q in pieces)
        v = np.concatenate([np.array(q["cartographicDegrees"], dtype=float).reshape(-1, 4) for q in pieces])
        v = v[np.sort(np.unique(v[:, 0], return_index=True)[1])]  # burnout ends one, starts the next
        np.testing.assert_allclose(v[:, 0], samples["t_s"], atol=1e-3)
        _assert_track(v[:, 1:], samples)
        a, b = (_parse_time(x) for x in p["availability"].split("/"))
        assert (a - epoch).total_seconds() == pytest.approx(samples["t_s"][0], abs=1e-3)
        assert (b - epoch).total_seconds() == pytest.approx(samples["t_s"][-1], abs=1e-3)
        assert "solidColor" in p["path"]["material"]
    for s in bundle.sites:
        x, y, h = by_id[f"site/{s['kind']}/{s['name']}"]["position"]["cartographicDegrees"]
        assert _distance_m(x, y, h, s["longitude_deg"], s["latitude_deg"], 0.0) < TOL_M
    for c in bundle.intercepts:
        x, y, h = by_id[f"intercept/{c['site']}/row-{c['row']}"]["position"]["cartographicDegrees"]
        assert _distance_m(x, y, h, c["longitude_deg"], c["latitude_deg"], c["altitude_km"] * 1000.0) < TOL_M


def test_czml_rereads_with_czml3(files):
    from czml3 import Document

    doc = Document.load(files["czml"])
    assert doc.packets[0].id == "document"


def test_czml_epoch_is_validated(bundle, tmp_path):
    with pytest.raises(InputError, match="epoch must carry a time zone"):
        ex.write_czml(bundle, tmp_path / "x.czml", epoch="2007-08-30T00:00:00")
    with pytest.raises(InputError, match="epoch must be an ISO 8601 date and time"):
        ex.write_czml(bundle, tmp_path / "x.czml", epoch="yesterday")
    p = ex.write_czml(bundle, tmp_path / "y.czml", epoch=dt.datetime(2030, 1, 1, 12, tzinfo=dt.UTC))
    assert json.loads(p.read_text())[0]["clock"]["currentTime"] == "2030-01-01T12:00:00Z"


# ============================================================================ GeoJSON
def test_geojson_features_valid_and_round_trip(files, bundle):
    doc = json.loads(files["geojson"].read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection" and doc["scenario_hash"] == bundle.scenario_hash
    feats = doc["features"]
    for f in feats:
        g = shape(f["geometry"])
        assert g.is_valid, f["properties"]
    kinds = [f["properties"]["kind"] for f in feats]
    assert kinds.count("threat_track") == 4 and kinds.count("interceptor_track") == 3
    assert kinds.count("radar_coverage") == 9 and kinds.count("intercept") == 3
    tracks = [f for f in feats if f["properties"]["kind"] == "threat_track"]
    for f, t in zip(tracks, bundle.threats, strict=True):
        assert f["geometry"]["type"] == "LineString"
        _assert_track(f["geometry"]["coordinates"], t["samples"])
        assert f["properties"]["rows"] == t["rows"] and f["properties"]["engageable"] == t["engageable"]
        assert f["properties"]["threat_apogee_km"] == bundle.rows[t["rows"][0] - 1]["threat_apogee_km"]
    inter = [f for f in feats if f["properties"]["kind"] == "interceptor_track"]
    for f, c in zip(inter, bundle.intercepts, strict=True):
        _assert_track(f["geometry"]["coordinates"], c["samples"])
        row = bundle.rows[c["row"] - 1]
        assert {k: f["properties"][k] for k in row} == row  # the row fields, unchanged
    brdy = next(r for r in bundle.radars if r["name"] == "brdy-xband")
    for f in feats:
        p = f["properties"]
        if p["kind"] == "radar_coverage" and p["radar"] == "brdy-xband":
            assert shape(f["geometry"]).contains(Point(brdy["longitude_deg"], brdy["latitude_deg"]))
            assert {c[2] for c in f["geometry"]["coordinates"][0]} == {p["altitude_km"] * 1000.0}
    for f in feats:
        if f["properties"]["kind"] in ("interceptor_site", "radar", "launch", "target"):
            assert f["geometry"]["type"] == "Point"


def test_geojson_carries_footprints(bundle, tmp_path):
    fp = [
        {
            "geometry": box(10.0, 50.0, 20.0, 55.0),
            "properties": {"name": "defended area", "site": "redzikowo"},
        },
        {"geometry": {"type": "Point", "coordinates": [1.0, 2.0]}, "properties": {"name": "pt"}},
    ]
    b = dataclasses.replace(bundle, footprints=fp)
    doc = json.loads(ex.write_geojson(b, tmp_path / "f.geojson").read_text())
    got = [f for f in doc["features"] if f["properties"]["kind"] == "footprint"]
    assert [f["properties"]["name"] for f in got] == ["defended area", "pt"]
    assert shape(got[0]["geometry"]).equals(box(10.0, 50.0, 20.0, 55.0))
    root = ET.parse(ex.write_kml(b, tmp_path / "f.kml")).getroot()
    assert len(_kml_folder(root, "Footprints").findall("k:Placemark", KML_NS)) == 1  # polygons and lines


def _synthetic_bundle(bundle):
    """A bundle with a track crossing the antimeridian and radars whose coverage crosses it or a pole."""
    t = np.arange(0.0, 61.0, 10.0)
    lon = np.array([170.0, 174.0, 178.0, -178.0, -174.0, -170.0, -166.0])
    lat = np.array([10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0])
    alt = np.array([0.0, 100.0, 200.0, 300.0, 200.0, 100.0, 0.0])
    track = {"t_s": t, "latitude_deg": lat, "longitude_deg": lon, "altitude_km": alt}
    threat = dict(bundle.threats[0], id="threat/pacific/a/b", samples=track, rows=[1])
    radars = []
    for name, la, lo in (("dateline", 0.0, 179.0), ("polar", 80.0, 0.0)):
        r = GroundRadar(name, la, lo, max_range_km=3000.0)
        radars.append(
            {
                "name": name,
                "latitude_deg": la,
                "longitude_deg": lo,
                "altitude_km": 0.0,
                "max_range_km": 3000.0,
                "reference_rcs_m2": 1.0,
                "fire_control": True,
                "coverage": {500.0: ex._coverage_ring(r, 500.0, "wgs84")},
            }
        )
    return dataclasses.replace(bundle, threats=[threat], intercepts=[], radars=radars, sites=[])


def test_geojson_antimeridian_split(bundle, tmp_path):
    b = _synthetic_bundle(bundle)
    doc = json.loads(ex.write_geojson(b, tmp_path / "am.geojson").read_text())
    (track,) = [f for f in doc["features"] if f["properties"]["kind"] == "threat_track"]
    g = track["geometry"]
    assert g["type"] == "MultiLineString" and len(g["coordinates"]) == 2
    west, east = (np.array(p) for p in g["coordinates"])
    assert west[-1, 0] == 180.0 and east[0, 0] == -180.0
    assert west[-1, 1] == east[0, 1] == pytest.approx(12.5)  # halfway in longitude, linear
    assert west[-1, 2] == east[0, 2] == pytest.approx(250_000.0)
    _assert_track(np.vstack([west[:-1], east[1:]]), b.threats[0]["samples"])  # the original vertices
    assert shape(g).is_valid and np.all(np.abs(np.vstack([west, east])[:, 0]) <= 180.0)

    cov = {
        f["properties"]["radar"]: f["geometry"]
        for f in doc["features"]
        if f["properties"]["kind"] == "radar_coverage"
    }
    dateline = shape(cov["dateline"])
    assert cov["dateline"]["type"] == "MultiPolygon" and dateline.is_valid
    assert dateline.bounds[0] == pytest.approx(-180.0) and dateline.bounds[2] == pytest.approx(180.0)
    assert dateline.contains(Point(179.0, 0.0)) and dateline.contains(Point(-179.0, 0.0))
    assert not dateline.contains(Point(0.0, 0.0))
    # the unwrapped ring has the same area as its two pieces
    lat, lon = b.radars[0]["coverage"][500.0]
    unwrapped = shapely.geometry.Polygon(zip(np.mod(lon, 360.0), lat, strict=True))
    assert dateline.area == pytest.approx(unwrapped.area, rel=1e-9)
    polar = shape(cov["polar"])
    assert polar.is_valid and polar.contains(Point(123.0, 89.9)) and polar.contains(Point(0.0, 80.0))
    assert not polar.contains(Point(0.0, 50.0))


# ============================================================================ tables
def _csv_back(text: str, kind: str):
    if kind == "str":
        return text  # CSV cannot tell "" from a missing string: both are written as an empty field
    if text == "":
        return None
    if kind == "bool":
        return {"true": True, "false": False}[text]
    if kind == "int":
        return int(text)
    if kind == "float":
        return float(text)
    return text


def test_csv_round_trip(files, bundle):
    kinds = ex._column_types()
    with files["csv"].open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == ex.TABLE_COLUMNS
    assert len(rows) == 1 + len(bundle.rows)
    for got, want in zip(rows[1:], bundle.rows, strict=True):
        back = {c: _csv_back(v, kinds[c]) for c, v in zip(rows[0], got, strict=True)}
        want = {c: ("" if v is None and kinds[c] == "str" else v) for c, v in want.items()}
        assert back == want  # floats exactly (repr round-trips)


def test_parquet_round_trip(files, bundle):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(files["parquet"])
    assert tuple(table.column_names) == ex.TABLE_COLUMNS
    assert table.to_pylist() == bundle.rows
    assert table.schema.field("engageable").type == pa.bool_()
    assert table.schema.field("shots").type == pa.int64()
    assert table.schema.field("window_start_s").type == pa.float64()
    meta = table.schema.metadata
    assert meta[b"scenario_hash"].decode() == bundle.scenario_hash
    assert b"model estimate" in meta[b"note"].lower()


# ============================================================================ errors and the one call
def test_bad_format_names_the_allowed_values(bundle, tmp_path):
    with pytest.raises(InputError) as err:
        ex.export(bundle, "shapefile", tmp_path / "x.shp")
    assert str(err.value) == "fmt must be one of kml, czml, geojson, csv, parquet, got 'shapefile'"
    with pytest.raises(InputError, match="table fmt must be one of csv, parquet, got 'xlsx'"):
        ex.write_table(bundle, tmp_path / "x.xlsx", fmt="xlsx")


def test_export_from_a_built_scenario_with_a_variant(tmp_path):
    b = build(
        load_scenario("european-third-site-2007"),
        variant="speed-postol-9",
        sets=["threats.iran-europe.launch=[tehran]", "threats.iran-europe.targets=[berlin]"] + SETS[2:],
    )
    p = ex.export(b, "CSV", tmp_path / "v.csv", step_s=30.0, coverage_altitudes_km=(300.0,))
    with p.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 3 and {r["variant"] for r in rows} == {"speed-postol-9"}
    assert {r["scenario_hash"] for r in rows} == {b.scenario_hash}


def test_unreachable_threat_keeps_its_row_but_draws_no_track(tmp_path):
    """A threat the missile cannot fly (srbm-600, Tehran to Berlin) is a row with a reason, not a track."""
    sets = ["threats.iran-europe.missile=srbm-600", "threats.iran-europe.launch=[tehran]"]
    sets += ["threats.iran-europe.targets=[berlin]", *SETS[2:]]
    b = ex.collect(build(load_scenario("european-third-site-2007"), sets=sets), coverage_altitudes_km=())
    assert b.threats[0]["status"] == "unreachable" and b.threats[0]["samples"] is None
    assert b.rows[0]["reason"].startswith("the threat cannot reach the target: too slow")
    assert b.rows[0]["reason_code"] == "threat_cannot_reach"
    doc = json.loads(ex.write_geojson(b, tmp_path / "u.geojson").read_text())
    ids = [f["properties"].get("id") for f in doc["features"] if f["properties"]["kind"] == "threat_track"]
    assert ids == [t["id"] for t in b.threats[1:]]
    packets = json.loads(ex.write_czml(b, tmp_path / "u.czml").read_text())
    assert b.threats[0]["id"] not in {p["id"] for p in packets}
    root = ET.parse(ex.write_kml(b, tmp_path / "u.kml")).getroot()
    assert len(_kml_folder(root, "Threat tracks").findall("k:Placemark", KML_NS)) == 2


def test_flagship_scenario_exports(tmp_path):
    """All 58 threats of european-third-site-2007: one row, one track each; every geometry valid."""
    built = build(load_scenario("european-third-site-2007"))
    b = ex.collect(built, step_s=30.0, coverage_altitudes_km=(500.0,))
    assert len(b.threats) == len(b.rows) == 58
    assert len(b.intercepts) == sum(r["engageable"] for r in b.rows)
    doc = json.loads(ex.export(b, "geojson", tmp_path / "all.geojson").read_text())
    assert all(shape(f["geometry"]).is_valid for f in doc["features"])
    tracks = [f for f in doc["features"] if f["properties"]["kind"] == "threat_track"]
    assert len(tracks) == 58
    with ex.export(b, "csv", tmp_path / "all.csv").open(newline="") as fh:
        assert len(list(csv.DictReader(fh))) == 58
