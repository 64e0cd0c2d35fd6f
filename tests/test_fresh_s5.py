"""What the fifth session's new-user trial found (each test failed before its fix)."""

from __future__ import annotations

from shieldcheck.earth import ecef_to_geodetic, geodesic_inverse
from shieldcheck.threats import trajectory, trajectory_state


def test_a_staged_flight_that_falls_short_does_not_end_on_the_target():
    # `trajectory tehran washington --missile icbm-liquid-10000 --csv` wrote the full burn's samples (the
    # status says 1,680 km short), but the last sample snapped to Washington: a plotted track reached it.
    t = trajectory("tehran", "washington", missile="icbm-liquid-10000", boost="staged")
    assert t.status == "unreachable" and t.range_margin_km < -1000.0
    r_ecef = trajectory_state(t, [t.flight_time_s - 1.0, t.flight_time_s])[0]
    lat, lon, alt = ecef_to_geodetic(r_ecef)
    short = geodesic_inverse(float(lat[1]), float(lon[1]), 38.90, -77.04)[0]
    assert abs(short + t.range_margin_km) < 200.0  # where the coast ends: the margin short of the target
    last = geodesic_inverse(float(lat[0]), float(lon[0]), float(lat[1]), float(lon[1]))[0]
    assert last < 10.0 and abs(float(alt[1])) < 1.0  # no jump in the last second, on the ground


def test_report_and_threshold_tables_show_a_site_by_its_place(tmp_path):
    # The report's engagement and threshold tables and `threshold`'s table showed the scenario's key
    # (`gbi-site` for the Turkey scenario), where engage's table, the maps and the architecture table show
    # the place (`Incirlik Air Base`), as the README promises for the report's tables.
    from pathlib import Path

    from typer.testing import CliRunner

    from shieldcheck.cli import app
    from shieldcheck.report.html import build_report
    from shieldcheck.scenario import build, load_scenario

    example = Path(__file__).resolve().parents[1] / "examples" / "minimal-scenario.yaml"
    p = tmp_path / "keyed.yaml"
    keyed = example.read_text().replace("{name: deveselu, place:", "{name: gbi-site, place:")
    p.write_text(keyed)
    place = build(load_scenario(p)).display_name("gbi-site")
    assert place != "gbi-site"
    text = build_report(str(p), tmp_path, resolution_deg=3.0).path.read_text(encoding="utf-8")
    engagements = text.split("id='engagements'")[1].split("<h2")[0]
    thresholds = text.split("id='thresholds'")[1].split("<h2")[0]
    assert f"<td>{place} (gbi-site)</td>" in engagements and "<td>gbi-site</td>" not in engagements
    assert f"<td>{place} (gbi-site)</td>" in thresholds and "<td>gbi-site</td>" not in thresholds
    out = CliRunner().invoke(app, ["threshold", str(p), "--per-site"], env={"COLUMNS": "200"})
    assert out.exit_code == 0, out.output
    assert f"{place}, " in out.output and "gbi-site" not in out.output


def test_make_demo_warms_the_readme_trajectory_shapes():
    # After `make demo`, `trajectory tehran berlin --apogee-km 1200` (the tour), `--burnout-speed-km-s` and
    # the staged shapes (`--missile icbm-solid --apogee-km 3000`, `--shape lofted`, `--flight-time-s`)
    # still printed "compiling numerical kernels": WARM_COMMANDS had only min-energy trajectories. Checked
    # by hand in a fresh NUMBA_CACHE_DIR: with these three warm commands none of the five compiles.
    from shieldcheck._numba import WARM_COMMANDS

    traj = [c for c in WARM_COMMANDS if c[0] == "trajectory"]
    assert any("--apogee-km" in c and "--missile" not in c for c in traj)  # kinematic apogee/speed solver
    assert any("--apogee-km" in c and "--missile" in c for c in traj)  # staged apogee / flight-time fit
    assert any("lofted" in c and "--missile" in c for c in traj)  # staged full-burn shapes
