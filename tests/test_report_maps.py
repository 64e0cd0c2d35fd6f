"""Offline maps: the shipped Natural Earth data, rendering with the network blocked, overlays, coverage.

Pixel tests read the rendered RGBA buffer of the Agg canvas, so they check what a reader would see
(land, sea and coastline where they belong), not only that a file was written.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import math
import socket
import urllib.request
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.colors as mcolors  # noqa: E402
import matplotlib.image as mimage  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

pytest.importorskip("cartopy")
shapely = pytest.importorskip("shapely")

import cartopy.crs as ccrs  # noqa: E402
import cartopy.io  # noqa: E402
from cartopy.io import shapereader  # noqa: E402
from shapely.geometry import Point, box  # noqa: E402

from shieldcheck.earth import SPHERE_RADIUS_KM, geodesic_inverse  # noqa: E402
from shieldcheck.errors import InputError  # noqa: E402
from shieldcheck.report import maps  # noqa: E402
from shieldcheck.sensors import GroundRadar  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
LAYERS = [
    ("physical", "land"),
    ("physical", "coastline"),
    ("cultural", "admin_0_boundary_lines_land"),
]


# ============================================================================ fixtures
class NetworkBlocked(RuntimeError):
    pass


@pytest.fixture
def no_network(monkeypatch):
    """Make any attempt to open a connection or a URL fail loudly."""

    def refuse(*args, **kwargs):
        raise NetworkBlocked(f"network access attempted in an offline test: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    monkeypatch.setattr(cartopy.io, "urlopen", refuse)  # cartopy binds urlopen at import


def rgba_array(fig, dpi=100):
    """The figure rendered by the Agg canvas as an (H, W, 4) uint8 array, same pixels as ``ax.transData``."""
    fig.set_dpi(dpi)
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).copy()


def rgb255(color):
    return np.array(mcolors.to_rgb(color)) * 255.0


def near_color(img, color, tol=6.0):
    """Boolean mask of pixels within ``tol`` (per channel, 0-255) of ``color``."""
    return np.all(np.abs(img[..., :3].astype(float) - rgb255(color)) <= tol, axis=-1)


def pixel_of(ax, img, lon_deg, lat_deg):
    """(row, col) of a geographic point in the rendered array."""
    x, y = ax.projection.transform_point(lon_deg, lat_deg, ccrs.PlateCarree())
    px, py = ax.transData.transform((x, y))
    return int(round(img.shape[0] - py)), int(round(px))


def neighbourhood(img, row, col, r=4):
    return img[max(row - r, 0) : row + r + 1, max(col - r, 0) : col + r + 1]


def geometries(resolution, category, name):
    return list(shapereader.Reader(shapereader.natural_earth(resolution, category, name)).geometries())


def segments_lon_jumps(geom):
    """Number of segments with |Δlon| > 180° in a (multi)line or (multi)polygon, pole edges excluded."""
    parts = list(geom.geoms) if hasattr(geom, "geoms") else [geom]
    jumps = 0
    for part in parts:
        rings = [part.exterior, *part.interiors] if part.geom_type == "Polygon" else [part]
        for ring in rings:
            c = np.asarray(ring.coords)
            big = np.abs(np.diff(c[:, 0])) > 180.0
            at_pole = (np.abs(c[:-1, 1]) >= 89.9) & (np.abs(c[1:, 1]) >= 89.9)
            jumps += int(np.sum(big & ~at_pole))
    return jumps


# ============================================================================ shipped data
@pytest.mark.parametrize("resolution", maps.RESOLUTIONS)
@pytest.mark.parametrize(("category", "name"), LAYERS)
def test_shipped_layers_found_by_cartopy_offline(no_network, resolution, category, name):
    path = Path(shapereader.natural_earth(resolution, category, name))
    assert path.is_file()
    assert maps.MAPDATA_DIR in path.parents
    for suffix in (".shx", ".dbf", ".prj"):
        assert path.with_suffix(suffix).is_file()
    geoms = geometries(resolution, category, name)
    assert len(geoms) > 50
    kinds = {g.geom_type for g in geoms}
    expected = {"Polygon", "MultiPolygon"} if name == "land" else {"LineString", "MultiLineString"}
    assert kinds <= expected
    lon_lat = np.vstack([np.asarray(g.bounds).reshape(2, 2) for g in geoms])
    assert lon_lat[:, 0].min() >= -180.0 and lon_lat[:, 0].max() <= 180.0
    assert lon_lat[:, 1].min() >= -90.0 and lon_lat[:, 1].max() <= 90.0
    assert sum(segments_lon_jumps(g) for g in geoms) == 0


@pytest.mark.parametrize("resolution", maps.RESOLUTIONS)
@pytest.mark.parametrize(
    ("place", "bbox_deg"),
    [("Denmark", (8.0, 54.5, 13.0, 57.8)), ("Italy", (7.0, 37.0, 19.0, 46.0))],
)
def test_coastline_near_known_coasts(resolution, place, bbox_deg):
    region = box(*bbox_deg)
    coast = [g for g in geometries(resolution, "physical", "coastline") if g.intersects(region)]
    length_deg = sum(g.intersection(region).length for g in coast)
    assert length_deg > 10.0, f"{place}: only {length_deg:.1f}° of coastline in {bbox_deg}"


@pytest.mark.parametrize("resolution", maps.RESOLUTIONS)
def test_land_polygons_fixed_across_antimeridian_and_pole(resolution):
    land = shapely.union_all(geometries(resolution, "physical", "land"))
    on_land = {
        "Warsaw": (21.0, 52.2),
        "Chukotka, west of 180°": (-175.0, 66.5),
        "Chukotka, east of 180°": (175.0, 66.5),
        "Antarctica near the pole": (0.0, -89.0),
        "Vostok station": (106.8, -78.5),
    }
    at_sea = {"North Atlantic": (-30.0, 30.0), "Pacific": (-150.0, 0.0), "Caspian Sea": (51.0, 42.0)}
    for label, pt in on_land.items():
        assert land.contains(Point(pt)), label
    for label, pt in at_sea.items():
        assert not land.contains(Point(pt)), label


@pytest.mark.parametrize("resolution", maps.RESOLUTIONS)
def test_borders_are_shared_land_boundaries(resolution):
    reader = shapereader.Reader(
        shapereader.natural_earth(resolution, "cultural", "admin_0_boundary_lines_land")
    )
    pairs = {}
    for rec in reader.records():
        key = (rec.attributes["adm0_a"], rec.attributes["adm0_b"])
        pairs.setdefault(key, []).append(rec.geometry)
    assert ("Germany", "Poland") in pairs
    # the German-Polish border runs along the Oder/Neisse, about 14-15.1° E, 50.9-54.0° N
    minx, miny, maxx, maxy = shapely.union_all(pairs[("Germany", "Poland")]).bounds
    assert 14.0 < minx < 14.5 and 14.8 < maxx < 15.2 and 50.7 < miny < 51.3 and 53.6 < maxy < 54.2
    assert all(a < b for a, b in pairs)  # two different countries, in alphabetical order
    # borders are land lines: none of them lies in the middle of the Baltic
    assert not any(g.intersects(box(16.0, 55.0, 19.0, 57.0)) for gs in pairs.values() for g in gs)


def test_mapdata_is_small_and_matches_its_checksums():
    files = [p for p in maps.MAPDATA_DIR.rglob("*") if p.is_file()]
    total = sum(p.stat().st_size for p in files)
    assert total < 3.2e6, f"mapdata is {total / 1e6:.2f} MB"
    sums = (maps.MAPDATA_DIR / "SHA256SUMS").read_text().split("\n")
    listed = {}
    for line in filter(None, sums):
        digest, rel = line.split("  ", 1)
        listed[rel] = digest
    on_disk = {p.relative_to(maps.MAPDATA_DIR).as_posix() for p in files} - {"SHA256SUMS"}
    assert set(listed) == on_disk
    for rel, digest in listed.items():
        assert hashlib.sha256((maps.MAPDATA_DIR / rel).read_bytes()).hexdigest() == digest, rel
    readme = (maps.MAPDATA_DIR / "README.md").read_text()
    assert "world-atlas 2.0.2" in readme and "ISC" in readme and "public domain" in readme


# ============================================================================ the build script's pieces
@pytest.fixture(scope="module")
def build_mapdata():
    spec = importlib.util.spec_from_file_location("build_mapdata", REPO / "tools" / "build_mapdata.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_topojson_arcs_decode_delta_quantized(build_mapdata):
    # TopoJSON 1.0 section 2.1.2: positions are deltas of quantized integers, then scaled and translated
    topology = {
        "transform": {"scale": [0.5, 0.25], "translate": [-180.0, -90.0]},
        "arcs": [[[0, 0], [2, 4], [-1, 0]]],
    }
    (arc,) = build_mapdata.decode_arcs(topology)
    np.testing.assert_allclose(arc, [[-180.0, -90.0], [-179.0, -89.0], [-179.5, -89.0]])
    arcs = [
        np.array([[0.0, 0.0], [1.0, 0.0]]),
        np.array([[1.0, 1.0], [1.0, 0.0]]),
        np.array([[1.0, 1.0], [0.0, 0.0]]),
    ]
    ring = build_mapdata.ring_coords(arcs, [0, ~1, 2])  # ~1: arc 1 reversed; shared joins not repeated
    np.testing.assert_allclose(ring, [[0, 0], [1, 0], [1, 1], [0, 0]])


def test_split_antimeridian_interpolates_the_crossing(build_mapdata):
    line = np.array([[170.0, 50.0], [-170.0, 60.0], [-160.0, 60.0]])
    a, b = build_mapdata.split_antimeridian(line)
    np.testing.assert_allclose(a, [[170.0, 50.0], [180.0, 55.0]])
    np.testing.assert_allclose(b, [[-180.0, 55.0], [-170.0, 60.0], [-160.0, 60.0]])


def test_fix_polygon_cuts_at_180_and_closes_rings_round_the_pole(build_mapdata):
    # an island straddling 180° as world-atlas stores it (a jump from 175° to -175°)
    island = np.array([[175.0, 10.0], [-175.0, 10.0], [-175.0, 20.0], [175.0, 20.0], [175.0, 10.0]])
    parts = build_mapdata.fix_polygon([island])
    assert len(parts) == 2
    assert math.isclose(sum(p.area for p in parts), 100.0)
    assert sorted(round(p.bounds[0]) for p in parts) == [-180, 175]
    # a ring winding once round the south pole (Antarctica at 110m) becomes a polygon down to -90°
    lon = np.linspace(-180.0, 180.0, 73)
    ring = np.column_stack([lon, np.full(lon.size, -70.0)])
    ring[-1, 0] = -180.0  # stitched: the last point repeats the first
    (cap,) = build_mapdata.fix_polygon([ring])
    assert cap.bounds == (-180.0, -90.0, 180.0, -70.0)
    assert cap.contains(Point(0.0, -89.0)) and not cap.contains(Point(0.0, -60.0))


# ============================================================================ offline rendering
def test_europe_map_renders_offline_with_land_sea_and_coast_pixels(no_network):
    fig, ax = maps.base_map((-12.0, 45.0, 33.0, 66.0), title="Europe")
    assert fig.get_dpi() > 0
    img = rgba_array(fig, dpi=100)
    x0, y0, x1, y1 = (int(v) for v in ax.bbox.extents)  # axes area in pixels (y up)
    inside = img[img.shape[0] - y1 : img.shape[0] - y0, x0:x1]
    n = inside.shape[0] * inside.shape[1]
    land_share = near_color(inside, maps.LAND_COLOR).mean()
    sea_share = near_color(inside, maps.OCEAN_COLOR).mean()
    assert 0.35 < land_share < 0.8, land_share
    assert 0.1 < sea_share < 0.5, sea_share
    assert n > 100_000

    # a land point, a sea point, and the Polish Baltic coast near Łeba (54.76° N, 17.55° E)
    assert near_color(neighbourhood(img, *pixel_of(ax, img, 19.5, 52.0), r=2), maps.LAND_COLOR).all()
    assert near_color(neighbourhood(img, *pixel_of(ax, img, -8.0, 46.0), r=2), maps.OCEAN_COLOR).all()
    coast_near_leba = near_color(
        neighbourhood(img, *pixel_of(ax, img, 17.55, 54.76), r=4), maps.COASTLINE_COLOR, 45
    )
    assert coast_near_leba.sum() >= 2
    # ... and no coastline ink in the middle of Poland or of the Bay of Biscay
    for lon, lat in ((19.5, 52.0), (-8.0, 46.0)):
        assert not near_color(
            neighbourhood(img, *pixel_of(ax, img, lon, lat), r=4), maps.COASTLINE_COLOR, 45
        ).any()


def test_png_bytes_read_back_are_the_map(no_network):
    fig, ax = maps.base_map((-12.0, 45.0, 33.0, 66.0), resolution="110m")
    png = maps.fig_to_png_bytes(fig, dpi=60)
    img = (mimage.imread(io.BytesIO(png), format="png") * 255.0).round()
    assert img.shape[0] > 200 and img.shape[1] > 300
    assert near_color(img, maps.LAND_COLOR).mean() > 0.2
    assert near_color(img, maps.OCEAN_COLOR).mean() > 0.05


def test_save_png_writes_a_file(no_network, tmp_path):
    fig, _ = maps.base_map(None, projection="robinson")
    out = maps.save_png(fig, tmp_path / "world.png", dpi=40)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(InputError, match="existing folder"):
        maps.save_png(maps.base_map(None, projection="robinson")[0], tmp_path / "missing" / "x.png")


def test_resolution_not_shipped_teaches_and_never_downloads(no_network):
    with pytest.raises(InputError, match=r"resolution must be one of '110m', '50m'.*got '10m'"):
        maps.base_map((0.0, 10.0, 40.0, 50.0), resolution="10m")
    # cartopy asked directly for an unshipped layer: an error, not a download
    with pytest.raises(InputError, match="ships Natural Earth layers only"):
        shapereader.natural_earth("10m", "physical", "coastline")


def test_default_resolution_by_extent():
    assert maps.default_resolution((-12.0, 45.0, 33.0, 66.0)) == "50m"  # Europe
    assert maps.default_resolution((30.0, 65.0, 20.0, 45.0)) == "50m"  # Middle East
    assert maps.default_resolution((-100.0, 60.0, 0.0, 80.0)) == "110m"  # hemispheric
    assert maps.default_resolution(None) == "110m"


@pytest.mark.parametrize("projection", maps.PROJECTIONS)
def test_every_projection_draws(no_network, projection):
    fig, ax = maps.base_map((10.0, 40.0, 40.0, 60.0), projection=projection, resolution="110m")
    img = rgba_array(fig, dpi=40)
    assert near_color(img, maps.LAND_COLOR).any()


def test_bad_inputs_state_the_rule():
    with pytest.raises(InputError, match=r"lat_min must be within \[-90, 90\], got 95.0"):
        maps.base_map((0.0, 10.0, 95.0, 96.0))
    with pytest.raises(InputError, match="projection must be one of"):
        maps.base_map((0.0, 10.0, 40.0, 50.0), projection="gnomonic-ish")
    with pytest.raises(InputError, match="needs a regional extent_deg"):
        maps.base_map(None)
    fig, ax = maps.base_map((0.0, 10.0, 40.0, 50.0), resolution="110m")
    with pytest.raises(InputError, match="kind must be one of"):
        maps.plot_places(ax, ["a"], [45.0], [5.0], kind="submarine")
    with pytest.raises(InputError, match=r"values_2d must have shape .* \(2, 3\), got \(3, 2\)"):
        maps.plot_field(ax, [40.0, 50.0], [0.0, 5.0, 10.0], np.zeros((3, 2)))


# ============================================================================ overlays
def test_overlays_draw_without_warnings(no_network):
    fig, ax = maps.base_map((-12.0, 45.0, 33.0, 66.0), resolution="110m", title="overlays")
    lat = np.linspace(35.0, 64.0, 30)
    lon = np.linspace(-10.0, 43.0, 40)
    field = np.add.outer(lat, lon)
    field[:5, :5] = np.nan  # transparent corner
    cs = maps.plot_field(ax, lat, lon, field, levels=8, colorbar_label="warning time (s)")
    assert cs.colorbar is not None
    mask = np.hypot(*np.meshgrid(lat - 52.0, lon - 18.0, indexing="ij")) < 5.0
    assert maps.plot_mask(ax, lat, lon, mask, label="defended") is not None
    assert maps.plot_mask(ax, lat, lon, np.zeros_like(mask)) is None
    kinds = list(maps.PLACE_KINDS)
    arts = maps.plot_places(
        ax, kinds, np.linspace(40.0, 60.0, len(kinds)), np.linspace(0.0, 30.0, len(kinds)), kind=kinds
    )
    assert len(arts) == 2 * len(kinds)
    maps.plot_ground_track(ax, [35.7, 45.0, 52.5], [51.4, 30.0, 13.4], label="track")
    maps.plot_boundary(ax, [45.0, 55.0, 50.0], [10.0, 15.0, 30.0], fill=True, label="reach fan")
    rgba_array(fig, dpi=50)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    for expected in ("Radar", "City", "track", "reach fan", "defended"):
        assert expected in labels


def magenta_columns(fig, ax, dpi=50):
    """Column indices (relative to the axes' width, 0-1) of pure-magenta pixels inside the axes."""
    img = rgba_array(fig, dpi=dpi)
    hit = near_color(img, "#ff00ff", tol=40)
    x0, _, x1, _ = ax.bbox.extents
    cols = np.nonzero(hit.any(axis=0))[0]
    return (cols - x0) / (x1 - x0)


def test_ground_track_across_antimeridian_is_cut_not_dragged_across_the_map(no_network):
    fig, ax = maps.base_map(None, projection="robinson", borders=False, gridlines=False)
    maps.plot_ground_track(ax, [40.0, 50.0, 60.0], [165.0, 179.0, -160.0], color="#ff00ff", mark_ends=False)
    rel = magenta_columns(fig, ax)
    assert rel.size > 0
    assert rel.min() < 0.1 and rel.max() > 0.9  # both sides of the map ...
    assert not np.any((rel > 0.15) & (rel < 0.85))  # ... and nothing in between


def test_boundary_and_field_across_antimeridian(no_network):
    fig, ax = maps.base_map(None, projection="robinson", borders=False, gridlines=False)
    maps.plot_boundary(ax, [50.0, 60.0, 55.0], [170.0, 175.0, -170.0], color="#ff00ff", fill=True, alpha=1.0)
    rel = magenta_columns(fig, ax)
    assert rel.size > 0 and not np.any((rel > 0.15) & (rel < 0.85))

    fig, ax = maps.base_map((150.0, -150.0, 20.0, 75.0), resolution="110m")
    lat, lon = np.linspace(30.0, 70.0, 21), np.linspace(160.0, 200.0, 21)
    maps.plot_field(ax, lat, lon, np.add.outer(lat, lon), colorbar_label="x (unit)")
    maps.plot_ground_track(ax, np.linspace(40.0, 60.0, 20), np.linspace(150.0, 220.0, 20), label="t")
    rgba_array(fig, dpi=40)


# ============================================================================ radar coverage
def sphere_expected_ground_km(max_range_km, altitude_km, mask_deg=0.0):
    """Farthest ground distance a radar on a sphere sees a target at ``altitude_km``: the nearer of the
    horizon (elevation mask ε) and the slant-range limit.

    Horizon: the ray at elevation ε reaches radius R + h at ground angle θ = acos(R cos ε / (R + h)) − ε.
    Range: the law of cosines, ρ² = R² + (R + h)² − 2 R (R + h) cos θ (Skolnik, 3rd ed., 2001, ch. 8).
    """
    r, h, eps = SPHERE_RADIUS_KM, altitude_km, math.radians(mask_deg)
    theta_horizon = math.acos(r * math.cos(eps) / (r + h)) - eps
    cos_range = (r * r + (r + h) ** 2 - max_range_km**2) / (2.0 * r * (r + h))
    theta_range = math.acos(max(-1.0, min(1.0, cos_range)))
    return r * min(theta_horizon, theta_range)


@pytest.mark.parametrize(
    ("max_range_km", "altitude_km", "mask_deg", "limit"),
    [
        (1000.0, 100.0, 0.0, "slant range"),  # horizon at 1119 km ground, range binds first
        (5000.0, 300.0, 0.0, "horizon"),  # horizon at 1924 km ground
        (5000.0, 300.0, 5.0, "horizon with 5° mask"),
    ],
)
def test_radar_coverage_boundary_sphere_geometry(max_range_km, altitude_km, mask_deg, limit):
    radar = GroundRadar("r", 50.0, 10.0, max_range_km=max_range_km, elevation_mask_deg=mask_deg)
    lat, lon = maps.radar_coverage_boundary(radar, altitude_km, earth="sphere")
    assert lat.shape == (360,)
    dist, _, _ = geodesic_inverse(radar.latitude_deg, radar.longitude_deg, lat, lon, earth="sphere")
    expected = sphere_expected_ground_km(max_range_km, altitude_km, mask_deg)
    assert np.max(np.abs(dist - expected)) < 1.0, (limit, expected, dist.min(), dist.max())


def test_radar_coverage_boundary_sector_closes_through_the_radar():
    radar = GroundRadar(
        "x", 49.6, 13.7, max_range_km=2000.0, boresight_azimuth_deg=120.0, half_width_deg=60.0
    )
    lat, lon = maps.radar_coverage_boundary(radar, 300.0)
    assert (lat[0], lon[0]) == (radar.latitude_deg, radar.longitude_deg)
    dist, az, _ = geodesic_inverse(radar.latitude_deg, radar.longitude_deg, lat[1:], lon[1:])
    assert np.all((az % 360.0 >= 60.0 - 1e-6) & (az % 360.0 <= 180.0 + 1e-6))
    assert np.all(dist > 1500.0) and np.all(dist <= 2000.0)
    fig, ax = maps.base_map((-5.0, 40.0, 30.0, 62.0), resolution="110m")
    maps.plot_boundary(ax, lat, lon, fill=True, label="coverage at 300 km")


def test_plot_not_computed_hatches_only_outside_the_grid():
    box = (0.0, 40.0, 40.0, 60.0)
    fig, ax = maps.base_map(box, projection="lambert", resolution="110m")
    assert maps.plot_not_computed(ax, box)
    assert "not computed (outside the grid)" in [t.get_text() for t in ax.get_legend().get_texts()]
    fig, ax = maps.base_map(box, projection="platecarree", resolution="110m")
    assert not maps.plot_not_computed(ax, box)  # the drawn map is the grid
    fig, ax = maps.base_map((170.0, 200.0, 40.0, 60.0), projection="lambert", resolution="110m")
    assert maps.plot_not_computed(ax, (170.0, 200.0, 40.0, 60.0))  # across the antimeridian


def test_labels_do_not_collide_and_the_legend_is_below_the_map():
    """Close places (a cluster of European capitals): after placement, no two labels overlap, the
    legend lies outside the axes, and the picture is legible at 1,000 px (8 pt or more at
    150 dpi in a picture at most 1,300 px wide)."""
    names = ["berlin", "prague", "vienna", "bratislava", "budapest", "warsaw", "brdy", "redzikowo"]
    lat = [52.52, 50.08, 48.21, 48.15, 47.50, 52.23, 49.64, 54.48]
    lon = [13.40, 14.44, 16.37, 17.11, 19.04, 21.01, 13.78, 17.10]
    kinds = ["target"] * 6 + ["radar", "interceptor"]
    title = "A long title that says what the map shows, which on one line would make the picture far too wide"
    fig, ax = maps.base_map((8.0, 26.0, 44.0, 57.0), projection="lambert", resolution="110m", title=title)
    arts = maps.plot_places(ax, names, lat, lon, kind=kinds)
    anns = [a for a in arts if hasattr(a, "xyann")]
    fig.set_dpi(150.0)
    maps._place_labels(fig)  # what fig_to_png_bytes does before saving
    r = fig.canvas.get_renderer()
    boxes = [a.get_window_extent(r) for a in anns]
    for i, b in enumerate(boxes):
        for c in boxes[i + 1 :]:
            assert not b.overlaps(c), (b, c)
    legend = ax.get_legend().get_window_extent(r)
    assert legend.y1 <= ax.get_window_extent(r).y0 + 1.0
    sizes = [t.get_fontsize() for t in fig.findobj(lambda o: hasattr(o, "get_fontsize"))]
    assert min(sizes) >= 8.0
    width = int.from_bytes(maps.fig_to_png_bytes(fig, dpi=150.0)[16:20], "big")
    assert width <= 1300, width


def test_crowded_labels_are_never_drawn_over_each_other_and_none_is_lost():
    """Many close places (the PAA map drew "yoshkar-ola" over "teykovo" and "washington" over a marker,
    and a site and its radar at one place twice): after placement no two drawn labels overlap, no drawn
    label covers a marker, a place's name is drawn once, and every name not drawn is listed under the map
    (not in the legend: a longer legend moved the map after the labels were placed)."""
    import math

    names = ["Redzikowo", "Redzikowo", "yoshkar-ola", "teykovo", "vypolzovo", "kozelsk", "tatishchevo",
             "berlin", "warsaw", "prague", "vienna", "bratislava", "budapest", "brdy", "dresden", "leipzig",
             "poznan", "wroclaw", "krakow", "lodz"]
    lat = [54.48, 54.48, 56.63, 56.99, 57.15, 54.0, 51.7, 52.52, 52.23, 50.08, 48.21, 48.15, 47.50, 49.64,
           51.05, 51.34, 52.41, 51.11, 50.06, 51.76]
    lon = [17.1, 17.1, 47.9, 40.4, 34.2, 35.8, 45.6, 13.4, 21.0, 14.44, 16.37, 17.11, 19.04, 13.78, 13.74,
           12.37, 16.93, 17.03, 19.94, 19.46]
    kinds = ["interceptor", "radar"] + ["launch"] * 5 + ["target"] * 13
    for k in range(12):  # a dozen more within 1.5 degrees of Berlin
        names.append(f"place-{k}")
        lat.append(52.5 + 0.5 * math.sin(k))
        lon.append(13.4 + 1.5 * math.cos(1.7 * k))
        kinds.append("target")
    fig, ax = maps.base_map((5.0, 55.0, 44.0, 60.0), projection="lambert", resolution="110m", title="crowd")
    arts = maps.plot_places(ax, names, lat, lon, kind=kinds)
    anns = [a for a in arts if hasattr(a, "xyann")]
    fig.set_dpi(100.0)
    maps._place_labels(fig)
    r = fig.canvas.get_renderer()
    drawn = [a for a in anns if a.get_visible()]
    boxes = [a.get_window_extent(r) for a in drawn]
    for i, b in enumerate(boxes):
        for c in boxes[i + 1:]:
            assert not b.overlaps(c), (b, c)
    # markers: 4 pt around each place, as the placement counts them (independent: drawn from lat/lon here)
    import cartopy.crs as ccrs

    rad = 4.0 * fig.dpi / 72.0
    for la, lo in zip(lat, lon, strict=True):
        px, py = ax.transData.transform(ax.projection.transform_point(lo, la, ccrs.PlateCarree()))
        for b in boxes:
            assert not (b.x0 < px + rad and b.x1 > px - rad and b.y0 < py + rad and b.y1 > py - rad)
    shown = [a.get_text().replace("\n", " ") for a in drawn]
    assert shown.count("Redzikowo") == 1
    note = maps._HIDDEN_LABELS[ax]
    legend = note.get_text().replace("\n", " ")
    assert note.get_window_extent(r).y1 <= ax.get_tightbbox(r).y0  # under the map and its legend
    missing = [n for n in dict.fromkeys(names) if n not in shown]
    assert missing, "the crowd is meant to leave some names without room"
    assert all(n in legend for n in missing), (missing, legend)
