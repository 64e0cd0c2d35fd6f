"""Footprints against single engagements, reach and coverage; grids, GeoJSON and input errors."""

import numpy as np
import pytest
import shapely

from shieldcheck import earth
from shieldcheck.engagement import engage
from shieldcheck.errors import InputError
from shieldcheck.footprint import (
    REASON_CODES,
    Footprint,
    coverage_footprint,
    defended_area,
    grid,
    launch_area_footprint,
    reach_footprint,
)
from shieldcheck.interceptors import reach_fan, required_speed
from shieldcheck.scenario import build, load_scenario
from shieldcheck.threats import trajectory


@pytest.fixture(scope="module")
def arch():
    return build(load_scenario("european-third-site-2007")).architecture


@pytest.fixture(scope="module")
def europe(arch):
    return defended_area(arch, "tehran", grid(34.0, 66.0, -12.0, 42.0, 2.0), missile="irbm-5500")


def test_defended_area_cells_agree_with_single_engagements(arch, europe):
    fp = europe
    site = arch.sites[0]
    rng = np.random.default_rng(42)
    lat, lon = fp.grid.mesh()
    picks = rng.choice(lat.size, 25, replace=False)
    codes = set()
    for k in picks:
        i, j = np.unravel_index(k, lat.shape)
        t = trajectory("tehran", (float(lat[i, j]), float(lon[i, j])), missile="irbm-5500")
        r = engage(
            t, site, arch, step_s=fp.metadata["step_s"], refine_iterations=fp.metadata["refine_iterations"]
        )
        assert bool(fp.values["engageable"][i, j]) == r.engageable, (lat[i, j], lon[i, j], r.reason)
        assert fp.values["window_s"][i, j] == pytest.approx(r.window_s, abs=1e-6)
        codes.add(int(fp.values["reason_code"][i, j]))
    assert 0 in codes and len(codes) >= 2  # the draw covers engageable and non-engageable cells
    # a named check: Berlin is defended, Ankara is not (as in the engagement table)
    assert fp.value_at("engageable", 52.0, 14.0)
    assert not fp.value_at("engageable", 40.0, 32.0)


def test_unreachable_cells_have_their_own_code(arch, europe):
    # beyond the IRBM's range (e.g. Lisbon-Dublin corner at 5,500+ km) the threat cannot fly
    far = defended_area(arch, "tehran", grid(50.0, 60.0, -40.0, -30.0, 5.0), missile="irbm-5500")
    assert np.all(far.values["reason_code"] == 1)
    assert REASON_CODES[1] == "no threat trajectory"


def test_launch_area_footprint_matches_engagement(arch):
    fp = launch_area_footprint(arch, "berlin", grid(30.0, 40.0, 44.0, 56.0, 2.0), missile="irbm-5500")
    t = trajectory((34.0, 52.0), "berlin", missile="irbm-5500")
    r = engage(t, arch.sites[0], arch, step_s=fp.metadata["step_s"], refine_iterations=8)
    assert bool(fp.value_at("engageable", 34.0, 52.0)) == r.engageable
    assert fp.value_at("window_s", 34.0, 52.0) == pytest.approx(r.window_s, abs=1e-6)


def test_geojson_polygon_covers_the_engageable_cells(europe):
    gj = europe.to_geojson()
    assert gj["type"] == "FeatureCollection" and len(gj["features"]) == 1
    geom = shapely.geometry.shape(gj["features"][0]["geometry"])
    assert geom.is_valid
    n = int(europe.values["engageable"].sum())
    assert geom.area == pytest.approx(n * 2.0 * 2.0, rel=1e-9)  # square degrees, cell by cell
    lat, lon = europe.grid.mesh()
    inside = shapely.contains_xy(geom, lon, lat)
    np.testing.assert_array_equal(inside, europe.values["engageable"])
    assert gj["features"][0]["properties"]["launch"] == "tehran"


def test_reach_footprint_matches_required_speed_and_fan(arch):
    site = arch.sites[0]
    g = grid(44.0, 66.0, 0.0, 36.0, 1.0)
    fp = reach_footprint(site, 400.0, 300.0, g)
    lat, lon = g.mesh()
    need = required_speed(site, earth.geodetic_to_ecef(lat, lon, 300.0), 400.0)
    np.testing.assert_array_equal(fp.values["reachable"], need <= site.interceptor.burnout_speed_km_s)
    fan = reach_fan(site, 400.0, 300.0, [90.0])
    d, _, _ = earth.geodesic_inverse(site.latitude_deg, site.longitude_deg, 54.472, 17.124 + np.arange(1, 18))
    east_cells = [fp.value_at("reachable", 54.5, 17.124 + k) for k in range(1, 18)]
    # cells due east are reachable out to the fan's edge (within a cell)
    for dist, ok in zip(d, east_cells, strict=True):
        if dist < fan.max_ground_range_km[0] - 70.0:
            assert ok
        if dist > fan.max_ground_range_km[0] + 70.0:
            assert not ok


def test_coverage_footprint_is_radar_sees(arch):
    radar = arch.radars[0]
    g = grid(30.0, 72.0, -30.0, 60.0, 1.5)
    fp = coverage_footprint(radar, 500.0, g)
    lat, lon = g.mesh()
    np.testing.assert_array_equal(fp.values["covered"], radar.sees(earth.geodetic_to_ecef(lat, lon, 500.0)))
    assert fp.values["covered"].any() and not fp.values["covered"].all()


@pytest.mark.parametrize(
    "args, message",
    [
        ((95.0, 96.0, 0.0, 10.0, 1.0), r"grid lat_min_deg must be within \[-90, 90\], got 95"),
        ((10.0, 5.0, 0.0, 10.0, 1.0), r"grid lat_max_deg must exceed lat_min_deg \(10\), got 5"),
        ((0.0, 10.0, 0.0, 10.0, 0.0), r"grid resolution_deg must be within \[0.001, 30\], got 0"),
        ((0.0, 10.0, 0.0, 10.0, float("nan")), r"grid resolution_deg must be a finite number"),
        ((-80.0, 80.0, -180.0, 180.0, 0.01), r"at most 4,000,000 allowed"),
    ],
)
def test_grid_validation(args, message):
    with pytest.raises(InputError, match=message):
        grid(*args)


# engageable_only is the web's fast path: it must give the full computation's answer in every cell
EUROPE_2DEG = (30.0, 72.0, -30.0, 60.0, 2.0)


@pytest.mark.parametrize(
    ("scenario", "variant", "missile"),
    [
        ("european-third-site-2007", None, "irbm-5500"),
        ("european-third-site-2007", "speed-mda-slides", "irbm-5500"),
        ("european-third-site-2007", "speed-postol-9", "irbm-5500"),
        ("european-third-site-2007", "emr-oreilly-2007", "irbm-5500"),
        ("phased-adaptive-approach-2009", None, "mrbm-2000"),  # three sites: cells engaged by any
    ],
)
def test_engageable_only_equals_the_full_footprint(scenario, variant, missile):
    arch = build(load_scenario(scenario), variant=variant).architecture
    g = grid(*EUROPE_2DEG)
    for fn, place in ((defended_area, "tehran"), (launch_area_footprint, "berlin")):
        full = fn(arch, place, g, missile=missile)
        fast = fn(arch, place, g, missile=missile, engageable_only=True, checkpoint=lambda: None)
        assert set(fast.values) == {"engageable"}
        np.testing.assert_array_equal(fast.values["engageable"], full.values["engageable"])
        engaged = int(full.values["engageable"].sum())
        assert 0 < engaged < g.shape[0] * g.shape[1]  # the comparison covers both answers


def test_checkpoint_runs_between_chunks_and_can_stop_the_work(arch):
    g = grid(30.0, 72.0, -30.0, 60.0, 1.0)  # 3,913 cells: two chunks of at most 2,048
    calls = []
    fp = defended_area(arch, "tehran", g, missile="irbm-5500", checkpoint=lambda: calls.append(1))
    assert len(calls) == 2
    whole = defended_area(arch, "tehran", g, missile="irbm-5500")
    for k in ("engageable", "window_s", "reason_code"):
        np.testing.assert_array_equal(fp.values[k], whole.values[k])

    class Stop(Exception):
        pass

    def stop():
        raise Stop

    with pytest.raises(Stop):
        defended_area(arch, "tehran", g, missile="irbm-5500", checkpoint=stop)


def test_reused_trajectories_give_the_answer_of_a_fresh_solve(arch):
    from shieldcheck import footprint

    g = grid(40.0, 60.0, 0.0, 30.0, 2.0)
    moved = build(
        load_scenario("european-third-site-2007"), sets=["interceptor_sites.redzikowo.place=48.0,20.0"]
    ).architecture
    defended_area(arch, "tehran", g, missile="irbm-5500")  # fills the cache for this grid
    reused = defended_area(moved, "tehran", g, missile="irbm-5500")
    footprint._TRAJECTORY_CACHE.clear()
    fresh = defended_area(moved, "tehran", g, missile="irbm-5500")
    for k in ("engageable", "window_s", "reason_code"):
        np.testing.assert_array_equal(reused.values[k], fresh.values[k])
    # a different missile is a different set of trajectories, not a cache hit
    other = defended_area(moved, "tehran", g, missile="mrbm-2000")
    assert not np.array_equal(other.values["reason_code"], fresh.values["reason_code"])


def test_concurrent_footprints_of_one_grid_solve_its_trajectories_once(arch, monkeypatch):
    import threading
    import time

    from shieldcheck import footprint

    calls = []

    def slow_solve(*args, **kwargs):
        calls.append(1)
        time.sleep(0.3)  # the others ask while this one solves
        return solve_trajectories(*args, **kwargs)

    from shieldcheck.threats import solve_trajectories

    monkeypatch.setattr(footprint, "solve_trajectories", slow_solve)
    g = grid(41.0, 59.0, 1.0, 29.0, 3.0)  # a grid no other test uses
    out = []
    threads = [
        threading.Thread(target=lambda: out.append(defended_area(arch, "tehran", g, missile="irbm-5500")))
        for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(calls) == 1 and len(out) == 3
    for fp in out[1:]:
        np.testing.assert_array_equal(fp.values["reason_code"], out[0].values["reason_code"])


@pytest.mark.parametrize(
    "g",
    [
        grid(30.0, 72.0, -30.0, 60.0, 0.5),
        grid(-90.0, -70.0, 170.0, 200.0, 1.0),
        grid(80.0, 90.0, -180.0, 180.0, 2.0),
    ],
)
def test_polygons_equal_the_union_of_their_cells(g):
    # rows' runs of cells enter the union as rectangles; the oracle unions every cell box one by one
    # (random masks with holes and islands; a grid across the antimeridian; cells clipped at the poles)
    from shapely.affinity import translate

    rng = np.random.default_rng(7)
    mask = rng.random(g.shape) < 0.6
    mask[::3, ::4] = True
    fp = Footprint("test", g, {"engageable": mask})
    lat, lon = g.mesh()
    h = g.resolution_deg / 2.0
    cells = [
        shapely.box(x - h, max(y - h, -90.0), x + h, min(y + h, 90.0))
        for y, x in zip(lat[mask], lon[mask], strict=True)
    ]
    whole = shapely.union_all(cells)
    world = shapely.box(-180.0, -90.0, 180.0, 90.0)
    oracle = shapely.union_all(
        [translate(whole.intersection(translate(world, xoff=-s)), xoff=s) for s in (-360.0, 0.0, 360.0)]
    )
    got = fp.polygons("engageable")
    assert got.is_valid and shapely.symmetric_difference(got, oracle).area < 1e-9
    assert got.area == pytest.approx(oracle.area, rel=1e-12)
