"""GeoJSON geometry across the antimeridian and at the poles (issue 9, item 8).

Every polygon written must follow RFC 7946 (H. Butler et al., "The GeoJSON Format", IETF RFC 7946, 2016):
positions [lon, lat] with lon in [-180, 180] and lat in [-90, 90] (sec. 3.1.1, 4), closed linear rings of
at least four positions (sec. 3.1.6), exterior rings counter-clockwise (sec. 3.1.6), geometries that cross
the antimeridian cut into parts (sec. 3.1.9); and be valid OGC simple features (shapely/GEOS). The
expected areas come from counting grid cells (a closed form), not from shieldcheck.
"""

from __future__ import annotations

import numpy as np
import pytest

shapely = pytest.importorskip("shapely")
from shapely.geometry import Point, shape  # noqa: E402

from shieldcheck.errors import InputError  # noqa: E402
from shieldcheck.footprint import Footprint, defended_area, grid, wrap_longitudes  # noqa: E402
from shieldcheck.report import exports as ex  # noqa: E402
from shieldcheck.scenario import build, load_scenario  # noqa: E402
from shieldcheck.sensors import GroundRadar, coverage_boundary  # noqa: E402


def _signed_area(ring) -> float:
    x, y = np.asarray(ring)[:, 0], np.asarray(ring)[:, 1]
    return 0.5 * float(np.sum(x[:-1] * y[1:] - x[1:] * y[:-1]))


def assert_rfc7946_polygonal(geom: dict) -> None:
    """Check a GeoJSON Polygon/MultiPolygon dict against the RFC 7946 rules above and GEOS validity."""
    assert geom["type"] in ("Polygon", "MultiPolygon")
    polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
    for rings in polys:
        for k, ring in enumerate(rings):
            r = np.asarray(ring, dtype=float)
            assert r.shape[0] >= 4 and np.array_equal(r[0], r[-1])
            assert np.all(np.abs(r[:, 0]) <= 180.0) and np.all(np.abs(r[:, 1]) <= 90.0)
            # no edge jumps across the antimeridian (edges along a pole, |lat| = 90, are not crossings)
            jump = np.abs(np.diff(r[:, 0])) > 180.0
            on_pole = (np.abs(r[:-1, 1]) == 90.0) & (np.abs(r[1:, 1]) == 90.0)
            assert np.all(~jump | on_pole)
            area = _signed_area(r)
            assert area > 0.0 if k == 0 else area < 0.0  # exterior counter-clockwise, holes clockwise
    g = shape(geom)
    assert g.is_valid, shapely.validation.explain_validity(g)


def _footprint(lat_min, lat_max, lon_min, lon_max, res, values):
    g = grid(lat_min, lat_max, lon_min, lon_max, res)
    return Footprint("test", g, {"covered": values(*g.mesh())}, {})


def test_footprint_across_the_antimeridian_and_to_the_pole_is_rfc7946():
    # A grid from 150° to 200° (past 180°) whose cells reach the North Pole (cell centres at 90°).
    fp = _footprint(70.0, 90.0, 150.0, 200.0, 0.5, lambda lat, lon: (lon > 170.0) | (lat > 85.0))
    doc = fp.to_geojson("covered")
    (feature,) = doc["features"]
    assert_rfc7946_polygonal(feature["geometry"])
    g = shape(feature["geometry"])
    # Closed form: cells clipped at the pole; longitudes shifted by 360 keep their areas.
    lat, lon = fp.grid.mesh()
    mask = (lon > 170.0) | (lat > 85.0)
    h = 0.25
    cell_area = 0.5 * (np.minimum(lat + h, 90.0) - np.maximum(lat - h, -90.0))
    assert g.area == pytest.approx(float(np.sum(cell_area[mask])), rel=1e-9)
    assert g.contains(Point(-179.0, 75.0)) and g.contains(Point(179.0, 75.0))
    assert not g.contains(Point(160.0, 75.0))


def test_value_at_compares_longitudes_modulo_360():
    # Cell value = its own longitude: the cell containing -179.5° on a 150°..200° grid is the 180.5° one.
    fp = _footprint(30.0, 40.0, 150.0, 200.0, 0.5, lambda lat, lon: lon)
    assert fp.value_at("covered", 38.0, -179.5) == pytest.approx(180.5)
    assert fp.value_at("covered", 38.0, 180.5) == pytest.approx(180.5)
    with pytest.raises(InputError, match="outside the footprint's grid"):
        fp.value_at("covered", 38.0, 0.0)
    with pytest.raises(InputError, match="name must be one of"):
        fp.value_at("engageable", 38.0, 160.0)


def test_wrap_longitudes_keeps_area_and_splits():
    box = shapely.box(170.0, -10.0, 200.0, 10.0)
    g = wrap_longitudes(box)
    assert g.geom_type == "MultiPolygon" and g.is_valid
    assert g.area == pytest.approx(box.area, rel=1e-12)
    assert g.bounds[0] == -180.0 and g.bounds[2] == 180.0


@pytest.mark.parametrize("lat0, lon0", [(89.0, 111.3), (88.0, -179.9), (-89.5, 45.0), (85.0, 180.0)])
def test_radar_coverage_around_a_pole_is_one_valid_polygon(lat0, lon0):
    # Issue 9 item 8: coverage around the North Pole was split at 111.3°E into an invalid MultiPolygon.
    radar = GroundRadar("polar", lat0, lon0, max_range_km=2500.0)
    lat, lon = coverage_boundary(radar, 500.0, earth="sphere")
    poly = ex._ring_polygons(lat, lon)
    geom = ex._geometry_with_altitude(poly, None)
    assert_rfc7946_polygonal(geom)
    g = shape(geom)
    pole = 90.0 if lat0 > 0 else -90.0
    assert g.geom_type == "Polygon"
    assert g.intersects(Point(0.0, pole)) and g.covers(Point(lon0, lat0))
    # every ring vertex lies on the boundary (the ring itself, wrapped into [-180, 180])
    lon_w = np.mod(np.asarray(lon) + 180.0, 360.0) - 180.0
    far = np.min(np.abs(lat))
    assert not g.contains(Point(float(lon_w[0]), float(np.sign(pole) * (far - 3.0))))
    assert max(g.boundary.distance(Point(x, y)) for x, y in zip(lon_w, lat, strict=True)) < 1e-6


def test_defended_area_accepts_every_grid_that_grid_accepts():
    # grid() accepts longitudes in [-360, 360]; defended_area refused -200 (issue 9 item 8). The same
    # cells at -200..-199 and 160..161 are the same places: the answers must agree.
    arch = build(load_scenario("european-third-site-2007")).architecture
    a = defended_area(arch, "tehran", grid(50.0, 51.0, -200.0, -199.0, 1.0), missile="irbm-5500", step_s=60.0)
    b = defended_area(arch, "tehran", grid(50.0, 51.0, 160.0, 161.0, 1.0), missile="irbm-5500", step_s=60.0)
    np.testing.assert_array_equal(a.values["reason_code"], b.values["reason_code"])
