"""Siting maps: a candidate site at every cell, checked against the studies at the real sites."""

import json

import numpy as np
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from shieldcheck.catalog import resolve_place
from shieldcheck.cli import app
from shieldcheck.errors import InputError
from shieldcheck.siting import MAX_SITING_CELLS, parse_region, siting_map
from shieldcheck.study import build_study


def _study_counts(scenario, variant="base"):
    study = build_study(scenario, variants=[variant], thresholds=False)
    return {g.threat: g.routes_defended for g in study.groups}, {
        g.threat: g.routes_reachable for g in study.groups
    }


@pytest.mark.parametrize(
    ("variant", "place", "region"),
    [
        ("poland", "redzikowo", (53.0, 56.0, 16.0, 19.0)),  # the flagship's site
        ("base", "incirlik", (36.0, 38.0, 34.0, 37.0)),  # the Turkish site
    ],
)
def test_turkey_siting_agrees_with_the_study_at_the_real_sites(variant, place, region):
    # The study (full engagement pass, detail mode) and the siting map (probe mode, one pass per cell)
    # are different paths through the kernel: at the real site they must give the same counts, and the
    # cell containing it the same within grid rounding (here exactly, at 1°).
    defended, reachable = _study_counts("turkey-alternative-2007", variant)
    m = siting_map("turkey-alternative-2007", region, 1.0, variant=variant)
    assert m.routes_reachable == reachable
    (site,) = m.sites
    assert site["engaged"] == defended
    p = resolve_place(place)
    assert (site["latitude_deg"], site["longitude_deg"]) == (p.latitude_deg, p.longitude_deg)
    i, j = m.cell_of(p.latitude_deg, p.longitude_deg)
    assert (
        abs(m.latitudes_deg[i] - p.latitude_deg) <= 0.5 and abs(m.longitudes_deg[j] - p.longitude_deg) <= 0.5
    )
    cell = {g: int(m.engaged[g][i, j]) for g in m.groups}
    # Grid rounding: the cell centre is up to half a cell from the site, which can move a route that is
    # marginal at the site (Tabriz-Ankara from Incirlik) by one; never more.
    assert all(abs(cell[g] - defended[g]) <= 1 for g in m.groups), (cell, defended)
    if place == "redzikowo":
        assert cell == defended
    assert m.share("iran-europe")[i, j] == pytest.approx(cell["iran-europe"] / 39)


def test_flagship_redzikowo_cell_gives_the_flagship_shares():
    defended, _ = _study_counts("european-third-site-2007")
    m = siting_map("european-third-site-2007", (54.0, 55.0, 17.0, 18.0), 1.0)
    assert (
        {g: int(m.engaged[g][0, 0]) for g in m.groups}
        == defended
        == {
            "iran-europe": 36,
            "iran-us-east-coast": 9,
            "russia-us": 0,
        }
    )


def test_siting_across_the_date_line(tmp_path):
    # A region from 170°E to 142°W: cells on both sides of the antimeridian, Fort Greely inside.
    m = siting_map("us-homeland-north-korea", (56.0, 68.0, 170.0, -142.0), 4.0)
    assert m.longitudes_deg.size == 12 and m.latitudes_deg.size == 3
    assert (m.longitudes_deg > 170).any() and (m.longitudes_deg < -170).any()
    assert np.all((m.longitudes_deg >= -180) & (m.longitudes_deg < 180))
    defended, _ = _study_counts("us-homeland-north-korea")
    greely = next(s for s in m.sites if s["name"] == "fort-greely")
    assert greely["engaged"] == defended  # every site gets the same type here
    paths = m.write(tmp_path, ("geojson", "parquet", "png"))
    assert paths[2].name == "us-homeland-north-korea-siting-nk-icbm.png"  # the map across the date line
    assert paths[2].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    data = json.loads(paths[0].read_text(encoding="utf-8"))
    for f in data["features"]:
        geom = f["geometry"]
        polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom.get("coordinates", [])
        if geom["type"] == "Point":
            continue
        if geom["type"] == "MultiPolygon":
            polys = geom["coordinates"]
        for poly in polys:
            lons = [c[0] for c in poly[0]]
            assert all(-180 <= x <= 180 for x in lons)
            assert max(lons) - min(lons) <= 4.0 + 1e-9  # no polygon wraps the globe
    table = pq.read_table(paths[1])  # an independent reader
    assert table.num_rows == 12 * 3 * 1
    assert json.loads(table.schema.metadata[b"provenance"])["scenario"] == "us-homeland-north-korea"


def test_siting_map_of_a_region_wider_than_half_the_globe_east_of_greenwich(tmp_path):
    # --region 50,60,24,14 (east from 24E round to 14E): the PNG unwrapped the longitudes to 371.5 and
    # failed after the whole computation with "lon_deg_1d must be within [-180, 360], got 361.5"
    m = siting_map("european-third-site-2007", (50.0, 60.0, 24.0, 14.0), 5.0)
    assert m.longitudes_deg.size == 70
    paths = m.write(tmp_path, ("png",))
    assert paths and all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in paths)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("30,65,-10", "--region must be four numbers LAT0,LAT1,LON0,LON1"),
        ("65,30,-10,45", "--region latitudes must satisfy -90 <= LAT0 < LAT1 <= 90, got 65, 30"),
        ("30,65,-190,45", "--region longitudes must be within [-180, 180], got -190"),
        ("30,65,nan,45", "--region must be four numbers"),
    ],
)
def test_bad_regions_are_named(text, message):
    with pytest.raises(InputError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_region(text)


def test_bounds_on_what_a_user_controls():
    with pytest.raises(InputError, match=f"at most {MAX_SITING_CELLS:,} cells"):
        siting_map("european-third-site-2007", (-89, 89, -180, 180), 0.1)
    with pytest.raises(InputError, match=r"--step-deg must be within \[0.05, 10\], got 0"):
        siting_map("european-third-site-2007", (50, 55, 10, 15), 0)
    with pytest.raises(InputError, match="--interceptor must be an interceptor type used by a site"):
        siting_map("european-third-site-2007", (50, 55, 10, 15), 5.0, interceptor="sm3-iia")


def test_cli_siting_writes_maps_and_exits_2_on_bad_input(tmp_path):
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "siting",
            "european-third-site-2007",
            "--region",
            "53,55,16,18",
            "--step-deg",
            "1",
            "-o",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Redzikowo 36/39" in result.output  # the real site, by its place name
    russia = next(line for line in result.output.splitlines() if "russia-us" in line)
    assert "0%" in russia and "none (no cell engages)" in russia  # no cell over Poland engages any
    names = sorted(p.name for p in tmp_path.iterdir())
    assert "european-third-site-2007-siting.geojson" in names
    assert "european-third-site-2007-siting-russia-us.png" in names
    result = runner.invoke(
        app, ["siting", "european-third-site-2007", "--region", "1,2", "-o", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "--region must be four numbers" in result.output


def test_siting_threshold_speeds_agree_with_the_study_band():
    # The study's any-site thresholds for the flagship (bisection from the engagement rows) against the
    # siting map's (bisection from zero) at Redzikowo: the README's 6.35-6.97 km/s for Russia to DC/NY.
    study = build_study("european-third-site-2007")
    m = siting_map("european-third-site-2007", (54.0, 55.0, 17.0, 18.0), 1.0, thresholds=True)
    (site,) = m.sites
    for group in m.groups:
        found = [
            t.threshold_speed_km_s
            for t in study.thresholds
            if t.threat == group and t.site == "redzikowo" and t.threshold_status == "found"
        ]
        reachable = m.routes_reachable[group]
        assert site["threshold_any_km_s"][group] == pytest.approx(min(found), abs=0.02)
        if len(found) == reachable:
            assert site["threshold_all_km_s"][group] == pytest.approx(max(found), abs=0.02)
        else:
            assert np.isnan(site["threshold_all_km_s"][group])
    assert site["threshold_any_km_s"]["russia-us"] == pytest.approx(6.35, abs=0.02)
    assert site["threshold_all_km_s"]["russia-us"] == pytest.approx(6.97, abs=0.02)
    rows = m.to_rows()
    assert {"threshold_any_km_s", "threshold_all_km_s"} <= set(rows[0])


@pytest.mark.parametrize("region", [None, 5, ("a", 1, 2, 3)])
def test_region_of_the_wrong_type_is_an_input_error(region):
    # the breaker's report: siting_map(scenario, None, 1) raised TypeError
    with pytest.raises(InputError, match="region must be four numbers"):
        siting_map("european-third-site-2007", region, 1.0)


def test_real_sites_are_marked_by_their_place_not_the_scenario_key(tmp_path, monkeypatch):
    # The Turkey scenario's site is keyed 'gbi-site'; maps, GeoJSON and the CLI must say Incirlik.
    from shieldcheck.report import maps

    m = siting_map("turkey-alternative-2007", (36.0, 38.0, 34.0, 36.0), 1.0)
    (site,) = m.sites
    assert (site["name"], site["label"]) == ("gbi-site", resolve_place("incirlik").label)
    points = [f for f in m.to_geojson()["features"] if f["geometry"]["type"] == "Point"]
    assert [f["properties"]["label"] for f in points] == ["Incirlik Air Base"]
    drawn: list = []
    real = maps.plot_places

    def spy(ax, names, *args, **kwargs):
        drawn.extend(names)
        return real(ax, names, *args, **kwargs)

    monkeypatch.setattr(maps, "plot_places", spy)
    m.write(tmp_path, formats=("png",))
    assert drawn and set(drawn) == {"Incirlik Air Base"}
    result = CliRunner().invoke(
        app,
        [
            "siting",
            "turkey-alternative-2007",
            "--region",
            "36,37,34,35",
            "--format",
            "geojson",
            "-o",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Incirlik Air Base" in result.output and "gbi-site" not in result.output


def test_turkey_comparison_table_and_siting_map_agree_at_the_two_real_sites():
    # Issue 11, "Must show": the comparison table (Incirlik against Redzikowo) and the siting map tell
    # the same story at the two real sites: the siting map's real site gives the table's counts exactly,
    # and the cell containing it the same within grid rounding (one route; Redzikowo exactly).
    from shieldcheck.compare import compare

    c = compare(["turkey-alternative-2007", "turkey-alternative-2007:poland"], thresholds=False)
    table = c.groups_table()
    for label, variant, place, region in (
        ("turkey-alternative-2007", "base", "incirlik", (36.0, 38.0, 34.0, 37.0)),
        ("turkey-alternative-2007:poland", "poland", "redzikowo", (53.0, 56.0, 16.0, 19.0)),
    ):
        m = siting_map("turkey-alternative-2007", region, 1.0, variant=variant)
        (site,) = m.sites
        p = resolve_place(place)
        i, j = m.cell_of(p.latitude_deg, p.longitude_deg)
        for row in table:
            g = row["threat"]
            assert f"{site['engaged'][g]}/{m.routes_reachable[g]}" == row[label], (label, g)
            defended = int(row[label].split("/")[0])
            assert abs(int(m.engaged[g][i, j]) - defended) <= (0 if place == "redzikowo" else 1)


def test_readme_siting_figures_two_degree_grid():
    # The README's siting paragraph (flagship radars and threats, the MDA's 6.3 km/s, 2° grid over
    # 30-66°N, 10°W-50°E): cells engaging every route of each group, and none over Redzikowo for Russia.
    m = siting_map("european-third-site-2007", (30.0, 66.0, -10.0, 50.0), 2.0)
    assert m.engaged["russia-us"].size == 540
    every = {g: int((m.engaged[g] == m.routes_reachable[g]).sum()) for g in m.groups}
    assert every == {"iran-europe": 11, "iran-us-east-coast": 354, "russia-us": 82}
    p = resolve_place("redzikowo")
    assert m.engaged["russia-us"][m.cell_of(p.latitude_deg, p.longitude_deg)] == 0


def test_threshold_speeds_are_drawn_as_maps_too(tmp_path):
    # Issue 11: the share "and the threshold speed, drawn as maps": with thresholds, one map per group
    # of the least speed engaging any and every route, beside the share maps.
    m = siting_map("european-third-site-2007", (53.0, 55.0, 16.0, 18.0), 1.0, thresholds=True)
    paths = m.write(tmp_path, formats=("png",))
    names = {p.name for p in paths}
    for g in m.groups:
        assert f"european-third-site-2007-siting-{g}.png" in names
        for kind in ("any", "all"):
            assert f"european-third-site-2007-siting-{g}-threshold-{kind}.png" in names
    assert len(paths) == 3 * len(m.groups)
    for p in paths:
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
