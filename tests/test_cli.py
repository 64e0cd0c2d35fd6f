"""The command line: JSON keys, exit codes, one-line errors, CSV samples."""

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shieldcheck.cli import app

runner = CliRunner()
KEYS = (
    "status",
    "reason",
    "ground_range_km",
    "flight_time_s",
    "coast_time_s",
    "apogee_km",
    "burnout_speed_relative_km_s",
    "burnout_speed_inertial_km_s",
    "flight_path_angle_deg",
)


def run(*args):
    return runner.invoke(app, list(args))


def test_trajectory_json_has_the_documented_keys():
    res = run("trajectory", "tehran", "berlin", "--json")
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    for k in KEYS:
        assert k in d
    assert d["status"] == "ok" and d["reason"] == ""
    assert 3400 < d["ground_range_km"] < 3600


@pytest.mark.parametrize(
    "option, check",
    [
        (["--apogee-km", "1200"], lambda d: abs(d["apogee_km"] - 1200) < 1e-6),
        (["--flight-time-s", "1300"], lambda d: abs(d["flight_time_s"] - 1300) < 1e-9),
        (
            ["--burnout-speed-km-s", "5.6", "--branch", "depressed"],
            lambda d: abs(d["burnout_speed_relative_km_s"] - 5.6) < 1e-9,
        ),
    ],
)
def test_shape_options(option, check):
    res = run("trajectory", "tehran", "berlin", "--json", *option)
    assert res.exit_code == 0, res.output
    assert check(json.loads(res.stdout))


def test_unreachable_is_a_result_with_exit_zero():
    res = run("trajectory", "tehran", "washington", "--missile", "icbm-liquid", "--boost", "kinematic",
              "--json")
    assert res.exit_code == 0
    d = json.loads(res.stdout)
    assert d["status"] == "unreachable"
    assert d["reason"].startswith("too slow: needs 7.0")


def test_coordinates_sphere_and_no_rotation():
    res = run("trajectory", "0,0", "0,30", "--earth", "sphere", "--no-rotation", "--json")
    d = json.loads(res.stdout)
    # a 30° arc of the 6371 km sphere
    assert d["ground_range_km"] == pytest.approx(3335.85, abs=0.01)


def test_table_output_mentions_estimates():
    res = run("trajectory", "tehran", "berlin")
    assert res.exit_code == 0
    assert "burnout speed, relative to Earth" in res.stdout
    assert "Estimates" in res.stdout


def test_csv_samples(tmp_path):
    out = tmp_path / "t.csv"
    res = run(
        "trajectory",
        "tehran",
        "berlin",
        "--burn-time-s",
        "100",
        "--burnout-altitude-km",
        "80",
        "--step-s",
        "5",
        "--csv",
        str(out),
    )
    assert res.exit_code == 0, res.output
    with out.open() as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["phase"] == "boost" and rows[-1]["phase"] == "coast"
    assert float(rows[-1]["altitude_km"]) == pytest.approx(0.0, abs=1e-6)
    assert {"t_s", "latitude_deg", "longitude_deg", "x_ecef_km", "x_eci_km", "speed_inertial_km_s"} <= set(
        rows[0]
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (["95,0", "berlin"], "FROM latitude_deg must be within [-90, 90], got 95"),
        (["teheran", "berlin"], "did you mean 'tehran'?"),
        (["tehran", "berlin", "--step-s", "1e-4", "--csv", "never-written.csv"], "step_s must be at least"),
        (["tehran", "berlin", "--burn-time-s", "-3"], "burn_time_s must be within [0, 3600], got -3"),
        (["tehran", "berlin", "--apogee-km", "100", "--flight-time-s", "900"], "give at most one of"),
        (["tehran", "berlin", "--earth", "flat"], "earth must be one of wgs84, sphere, got 'flat'"),
        (["tehran", "berlin", "--missile", "icbm-liqid"], "did you mean"),
        (["tehran", "berlin", "--apogee-km", "nan"], "apogee_km must be a finite number"),
    ],
)
def test_bad_input_exits_2_with_one_line(args, message):
    res = run("trajectory", *args)
    assert res.exit_code == 2
    err = res.stderr.strip()
    assert message in err
    assert len(err.splitlines()) == 1
    assert "Traceback" not in res.output


def test_impossible_route_is_a_result_not_an_error():
    # Issue 9 item 14: valid input that no arc can fly is a row with its reason (exit 0), not exit 2.
    res = run("trajectory", "tehran", "tehran", "--json")
    assert res.exit_code == 0
    out = json.loads(res.stdout)
    assert out["status"] == "no_solution" and "coincide" in out["reason"]


def test_places_and_missiles_lists():
    assert "redzikowo" in run("places", "--json").stdout
    res = run("missiles", "--json")
    names = [m["name"] for m in json.loads(res.stdout)]
    assert "icbm-solid" in names


def test_demo_prints_a_table():
    res = run("demo")
    assert res.exit_code == 0
    assert "tehran" in res.stdout and "ok" in res.stdout


def test_demo_hint_gives_the_same_answer_as_its_row():
    # the demo's rows fly the kinematic boost; `trajectory --missile` defaults to --boost auto, which flies
    # a class's stages (tehran -> washington, icbm-liquid-10000: unreachable), so the hint must say kinematic
    res = run("demo")
    assert "--boost kinematic" in " ".join(res.stdout.split())
    args = ("tehran", "washington", "--missile", "icbm-liquid-10000")
    detail = run("trajectory", *args, "--boost", "kinematic", "--json")
    assert detail.exit_code == 0 and json.loads(detail.stdout)["status"] == "ok"


def test_staged_unreachable_trajectory_says_its_numbers_are_the_full_burn():
    # the staged icbm-liquid-10000 falls 1,955 km short of Washington; its table showed the full burn's
    # 6.479 km/s as "minimum-energy speed for this route" (the route needs 7.05 km/s)
    res = run("trajectory", "tehran", "washington", "--missile", "icbm-liquid-10000")
    text = " ".join(res.stdout.split())
    assert res.exit_code == 0 and "unreachable" in text
    assert "the full burn's trajectory, which falls short of the target" in text
    line = [ln for ln in res.stdout.splitlines() if "minimum-energy speed for this route" in ln][0]
    assert "6.479" not in line and line.rstrip(" │").endswith("-")
    ok = run("trajectory", "kozelsk", "washington", "--missile", "icbm-solid")
    assert "falls short" not in ok.stdout


def test_readme_python_example_trajectory_numbers():
    # README, "In Python": ('ok', 10199.2…, 7.05…); the API defaults to the kinematic boost
    import shieldcheck as sc

    t = sc.trajectory("tehran", "washington", missile="icbm-liquid-10000")
    assert t.status == "ok" and f"{t.ground_range_km:.1f}" == "10199.2"
    assert f"{t.burnout_speed_relative_km_s:.2f}" == "7.05"
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "# ('ok', 10199.2…, 7.05…)" in readme


def test_engage_json_rows_and_variant():
    res = run("engage", "european-third-site-2007", "--variant", "speed-postol-9", "--json")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert len(rows) == 58
    assert {
        "variant",
        "threat",
        "launch",
        "target",
        "site",
        "engageable",
        "reason",
        "window_start_s",
        "time_to_decide_s",
        "shots",
    } <= set(rows[0])
    assert all(r["variant"] == "speed-postol-9" for r in rows)
    russia = [r for r in rows if r["threat"] == "russia-us"]
    assert russia and all(r["engageable"] for r in russia)


def test_engage_csv_to_stdout_and_bad_inputs():
    res = run(
        "engage", "european-third-site-2007", "--csv", "-", "--set", "threats.iran-europe.targets=[berlin]"
    )
    assert res.exit_code == 0, res.output
    lines = res.stdout.strip().splitlines()
    assert lines[0].startswith(
        "row,scenario,scenario_hash,variant,sets,shieldcheck_version,threat,launch,target,site,engageable"
    )
    for args, message in [
        (["nope-scenario"], "nope-scenario"),
        (["european-third-site-2007", "--variant", "nope"], "variant 'nope' is not defined"),
        (
            ["european-third-site-2007", "--set", "timeline.decision_s=-3"],
            "must be within [0, 86400], got -3",
        ),
        (["european-third-site-2007", "--set", "timeline.decison_s=3"], "did you mean"),
    ]:
        bad = run("engage", *args)
        assert bad.exit_code == 2, args
        assert message in bad.stderr and len(bad.stderr.strip().splitlines()) == 1


def test_sweep_bad_specs_exit_2():
    for args, message in [
        (["--vary", "timeline.decision_s=30:10:5"], "empty range"),
        (["--vary", "timeline.decision_s=30:90:0"], "step"),
        (["--vary", "timeline.decision_s=a:b:c"], "timeline.decision_s=a:b:c"),
        (["--vary", "timeline.nope=1:2:1"], "timeline.nope"),
    ]:
        res = run("sweep", "european-third-site-2007", *args)
        assert res.exit_code == 2, (args, res.output)
        assert message in res.stderr


def test_schema_and_scenarios():
    res = run("schema")
    assert res.exit_code == 0
    schema = json.loads(res.stdout)
    assert "interceptor_types" in schema["properties"]
    assert "european-third-site-2007" in run("scenarios").stdout


def test_export_formats(tmp_path):
    res = run(
        "export",
        "european-third-site-2007",
        "--format",
        "geojson",
        "--format",
        "csv",
        "-o",
        str(tmp_path),
        "--set",
        "threats.iran-europe.targets=[berlin]",
        "--set",
        "threats.russia-us.launch=[kozelsk]",
    )
    assert res.exit_code == 0, res.output
    gj = json.loads((tmp_path / "european-third-site-2007.geojson").read_text())
    assert gj["type"] == "FeatureCollection" and gj["features"]
    with (tmp_path / "european-third-site-2007.csv").open() as fh:
        assert len(list(csv.DictReader(fh))) == 3 + 9 + 2
    bad = run("export", "european-third-site-2007", "--format", "shp", "-o", str(tmp_path))
    assert bad.exit_code == 2 and "--format must be one of kml, czml, geojson, csv, parquet" in bad.stderr


def test_engage_csv_file_is_quiet_and_matches_export_csv(tmp_path):
    """`engage --csv FILE` writes quietly, in the same layout as `export --format csv` (one writer)."""
    sets = ["--set", "threats.iran-europe.targets=[berlin]", "--set", "threats.russia-us.launch=[kozelsk]"]
    res = run("engage", "european-third-site-2007", "--csv", str(tmp_path / "e.csv"), *sets)
    assert res.exit_code == 0 and res.stdout == ""
    assert (
        run("export", "european-third-site-2007", "--format", "csv", "-o", str(tmp_path), *sets).exit_code
        == 0
    )
    with (tmp_path / "e.csv").open() as a, (tmp_path / "european-third-site-2007.csv").open() as b:
        ra, rb = list(csv.DictReader(a)), list(csv.DictReader(b))
    assert ra == rb and len(ra) == 3 + 9 + 2
    assert {r["variant"] for r in ra} == {"base"} and ra[0]["sets"].startswith("threats.iran-europe.targets")
    bad = run("engage", "european-third-site-2007", "--csv", str(tmp_path / "no" / "such" / "x.csv"))
    assert bad.exit_code == 2 and "cannot write" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1


def test_engage_summary_is_the_default_for_long_tables():
    res = run("engage", "european-third-site-2007")
    assert res.exit_code == 0, res.output
    assert "routes defended per threat group" in res.stdout and "36/39" in res.stdout
    rows = run(
        "engage", "european-third-site-2007", "--set", "threats.iran-europe.targets=[berlin]", "--rows"
    )
    assert "engagement windows" in rows.stdout


def test_engage_rows_name_sites_by_their_place():
    # the site column shows the place (as the maps, report and compare do), not the scenario's key
    res = run("engage", "turkey-alternative-2007", "--set", "threats.iran-europe.targets=[berlin]", "--rows")
    assert res.exit_code == 0, res.output
    table = " ".join(res.stdout.split("[1]")[0].split())  # the table, before the numbered reasons
    assert "Incirlik" in table and "gbi-site" not in table


def test_threshold_json_and_table():
    res = run("threshold", "european-third-site-2007", "--json")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert len(rows) == 58 and {r["site"] for r in rows} == {""}
    russia = [r["threshold_speed_km_s"] for r in rows if r["threat"] == "russia-us"]
    # README: Russia to Washington/New York needs 6.35-6.97 km/s
    assert round(min(russia), 2) == pytest.approx(6.35, abs=0.011) and round(max(russia), 2) == pytest.approx(
        6.97, abs=0.011
    )
    ankara = [r for r in rows if r["target"] == "ankara" and r["launch"] == "tabriz"][0]
    assert ankara["threshold_status"] == "none_below_escape" and ankara["threshold_speed_km_s"] is None
    table = run("threshold", "european-third-site-2007", "--set", "threats.iran-europe.targets=[berlin]")
    assert table.exit_code == 0 and "least interceptor speed per route" in table.stdout
    assert "6.35–6.97" in table.stdout.replace("\n", "")


def test_threshold_flags_speeds_below_the_climb_to_burnout():
    # README, Limits: thresholds below ~1.95 km/s (the climb to the GBI's fixed 200 km burnout point) are
    # artefacts; the table must say so rather than let 1.41 km/s be quoted (tehran/semnan -> berlin, ...)
    res = run("threshold", "european-third-site-2007", "--json")
    rows = json.loads(res.stdout)
    low = [r for r in rows if r["threshold_status"] == "found" and r["threshold_speed_km_s"] < 1.95]
    assert low
    table = run("threshold", "european-third-site-2007")
    text = " ".join(table.stdout.split())
    assert f"{len(low)} route(s) need less than the 1.95 km/s" in text and "artefact" in text
    russia = run("threshold", "european-third-site-2007", "--set", "threats.iran-europe.targets=[london]")
    assert "artefact" not in russia.stdout


FEW_SETS = [
    "--set",
    "threats.iran-europe.targets=[berlin]",
    "--set",
    "threats.iran-europe.launch=[tehran]",
    "--set",
    "threats.iran-us-east-coast.launch=[tehran]",
    "--set",
    "threats.iran-us-east-coast.targets=[washington]",
    "--set",
    "threats.russia-us.launch=[kozelsk]",
    "--set",
    "threats.russia-us.targets=[washington]",
]


@pytest.mark.parametrize("option", ["--shots-per-warhead", "--shots"])
def test_sweep_salvo_size_option_and_its_deprecated_spelling(tmp_path, option):
    out = tmp_path / "s"
    res = run(
        "sweep", "european-third-site-2007", "--vary", "timeline.decision_s=30", *FEW_SETS,
        "--sspk", "0.8", option, "2", "--workers", "1", "--out", str(out),
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    spec = json.loads((out / "sweep.json").read_text())["spec"]
    assert spec["effectiveness"]["shots_per_warhead"] == 2 and spec["variant"] == "base"
    assert ("--shots is deprecated; use --shots-per-warhead" in res.stderr) == (option == "--shots")


@pytest.mark.parametrize("columns", [60, 200])
def test_console_follows_the_terminal_width(columns):
    import os
    import subprocess
    import sys

    env = {**os.environ, "COLUMNS": str(columns)}
    code = "from shieldcheck.cli import console; print(console.width)"
    width = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert int(width.stdout) == columns


@pytest.mark.parametrize("command", ["engage", "threshold"])
def test_engage_and_threshold_piped_are_130_columns_wide(command):
    # README: piped output, with no terminal to follow, is 130 columns wide. engage and threshold built
    # their own Console(), which wraps piped output at 80 ("tatishchevo→washing" / "ton").
    res = CliRunner().invoke(app, [command, "european-third-site-2007"], env={"COLUMNS": None})
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert max(len(line) for line in lines) > 80
    assert "tatishchevo" in res.stdout
    assert not any(line.rstrip().endswith(("washing", "tatishche")) for line in lines)


def test_readme_quotes_the_reason_as_engage_words_it():
    # The README quoted 'too slow from redzikowo: ...' after reasons began naming the site's place
    # ('Redzikowo'); a journalist copying the README's sentence should get the tool's words.
    import re

    from shieldcheck.study import build_study

    readme = " ".join((Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8").split())
    study = build_study("european-third-site-2007", thresholds=False)
    reason = study.route("base", "kozelsk", "washington").reason
    assert reason.startswith("too slow from Redzikowo: ")
    assert f'"{reason}"' in readme
    assert "too slow from redzikowo" not in readme
    assert not re.search(r"Boost-phase intercept is its own command[^.]*not yet part of studies", readme)


def test_engage_text_names_set_overrides():
    # the summary's title says "(base)"; a --set must be named, or a copied table reads as the scenario's own
    scen = str(Path(__file__).resolve().parents[1] / "examples" / "minimal-scenario.yaml")
    plain = run("engage", scen)
    assert plain.exit_code == 0 and "--set" not in plain.output
    changed = run("engage", scen, "--set", "timeline.decision_s=120")
    assert changed.exit_code == 0
    assert "numbers changed with --set: timeline.decision_s=120" in " ".join(changed.output.split())
