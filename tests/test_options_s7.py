"""Session 7, new-user trial: options accepted without effect, under-labelled output, unhelpful errors.

Each test was seen failing on the code before its fix (see the README's "Seventh session: staged loose
ends"). Expected values come from closed forms written here, not from shieldcheck.
"""

from __future__ import annotations

import json
import math
import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shieldcheck.cli import app

RUN = CliRunner()
ENV = {"COLUMNS": "400"}
ROOT = Path(__file__).resolve().parents[1]
_STAGED = "interceptor_types.gbi-2stage.staged=true"


# ------------------------------------------------------------ 1. an option without effect is refused
@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["engage", "european-third-site-2007", "--set", _STAGED, "--table", "interceptors"],
         ["--table", "--json or --csv"]),
        (["engage", "european-third-site-2007", "--table", "groups"], ["--table", "--json or --csv"]),
        (["engage", "european-third-site-2007", "--rows", "--json"], ["--rows", "--json"]),
        (["engage", "european-third-site-2007", "--summary", "--csv", "-"], ["--summary", "--csv"]),
        (["sweep-plot", "no-such-dir", "--x", "timeline.decision_s", "--boundary"], ["--boundary", "--y"]),
        (["sweep-plot", "no-such-dir", "--x", "a", "--y", "b", "--boundary", "--value", "p_no_leak"],
         ["--value", "--boundary"]),
        (["export", "european-third-site-2007", "--format", "csv", "--step-s", "5", "-o", "/nonexistent/x"],
         ["--step-s", "kml, czml or geojson"]),
    ],
)
def test_an_option_that_needs_another_is_refused_without_it(args, words):
    # before: --table without --json/--csv printed the summary tables; --rows with --json wrote the rows
    # anyway; sweep-plot --boundary without --y drew a line plot
    res = RUN.invoke(app, args, env=ENV)
    assert res.exit_code == 2, res.output
    line = res.output.strip().splitlines()[-1]
    assert "Traceback" not in res.output
    for w in words:
        assert w in line, line


def test_table_with_json_still_writes_the_chosen_table():
    res = RUN.invoke(app, ["engage", "european-third-site-2007", "--set", _STAGED, "--table", "interceptors",
                           "--json"], env=ENV)
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert rows and rows[0]["model"] == "integrated from its stages"


# ------------------------------------------------------------ 2. the README's one-stage interceptor
def _readme_kv_block() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"```yaml\ninterceptor_types:\n(.*?my-kv:\n.*?)```", text, re.S)
    assert m, "the README's my-kv example is gone"
    lines = m.group(1).splitlines()
    i = next(k for k, x in enumerate(lines) if x.strip() == "my-kv:")
    return "\n".join(x.split("  #")[0].rstrip() for x in lines[i + 1:]) + "\n"


def _scenario_with_kv(tmp_path: Path, body: str) -> Path:
    """The minimal example with its interceptor type's fixed numbers replaced by the README's my-kv body."""
    text = (ROOT / "examples" / "minimal-scenario.yaml").read_text(encoding="utf-8")
    start = text.index("  notional-5:\n") + len("  notional-5:\n")
    end = text.index("interceptor_sites:")
    keep = ("    min_intercept_altitude_km: 100\n    max_intercept_altitude_km: 1000\n"
            "    max_coast_time_s: 900\n")
    text = text[:start] + body + keep + text[end:]
    text = text[: text.index("variants:")]  # the variant sets a fixed speed, refused with staged: true
    p = tmp_path / "kv.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_readme_one_stage_example_runs_as_written(tmp_path):
    body = _readme_kv_block()
    assert "staged: true" in body and "flight_path_angle_deg" in body
    res = RUN.invoke(app, ["engage", str(_scenario_with_kv(tmp_path, body)), "--json"], env=ENV)
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)


def test_an_unreachable_angle_names_the_reachable_ones(tmp_path):
    # before: "flight_path_angle_deg 20 cannot be reached by notional-5's pitch program (status
    # no-solution)" with no hint of which angles are reachable
    body = "".join(x + "\n" for x in _readme_kv_block().splitlines() if "flight_path_angle_deg" not in x)
    res = RUN.invoke(app, ["engage", str(_scenario_with_kv(tmp_path, body))], env=ENV)
    assert res.exit_code == 2, res.output
    line = res.output.strip().splitlines()[-1]
    m = re.search(r"within \[([0-9.]+), ([0-9.]+)\]", line)
    assert m and "flight_path_angle_deg 20" in line, line
    lo, hi = float(m.group(1)), float(m.group(2))
    assert lo > 20 and hi == 80.0
    # the bound is the edge: just inside flies, just outside is refused (the same solver's bracket)
    from shieldcheck.boost import Vehicle
    from shieldcheck.errors import InputError
    from shieldcheck.interceptors import staged_flyout

    v = Vehicle.single_stage(propellant_mass_kg=15000, dry_mass_kg=1400, burn_time_s=69, isp_vac_s=285,
                             isp_sl_s=255, diameter_m=1.27, payload_kg=150)
    staged_flyout(v, flight_path_angle_deg=lo)
    with pytest.raises(InputError, match="cannot be reached"):
        staged_flyout(v, flight_path_angle_deg=lo - 0.2)


# ------------------------------------------------------------ 3. booster --set errors say how
@pytest.mark.parametrize("path", ["booster.payload_kg=150", "booster.stages.0.isp_sl_s=260"])
def test_a_booster_field_without_a_block_says_the_block_is_written_whole(path):
    res = RUN.invoke(app, ["engage", "european-third-site-2007", "--set",
                           f"interceptor_types.gbi-2stage.{path}"], env=ENV)
    assert res.exit_code == 2, res.output
    line = res.output.strip().splitlines()[-1]
    assert "field required" not in line and "set it whole first" not in line
    assert "written whole" in line and "staged=true" in line and "booster={" in line, line


def test_the_booster_example_of_the_error_runs():
    res = RUN.invoke(app, ["engage", "european-third-site-2007", "--set",
                           "interceptor_types.gbi-2stage.booster.payload_kg=150"], env=ENV)
    line = res.output.strip().splitlines()[-1]
    example = shlex.split(line[line.index("e.g. ") + 5 : line.index(" (README")])
    assert example[::2] == ["--set"] * 3, example
    args = ["engage", "european-third-site-2007", "--json", *example]
    again = RUN.invoke(app, args, env=ENV)
    assert again.exit_code == 0, again.output


def test_a_sweep_error_names_the_option_the_value_came_from():
    # before: "given by --set" for a value from --vary
    from shieldcheck.errors import InputError
    from shieldcheck.sweep import SweepSpec, plan

    spec = SweepSpec.from_cli("european-third-site-2007", fixed=[_STAGED],
                              vary=["interceptor_types.gbi-2stage.burnout_speed_km_s=6:8:1"])
    with pytest.raises(InputError) as exc:
        plan(spec)
    assert "given by --vary" in str(exc.value) and "(from --set)" in str(exc.value), str(exc.value)


# ------------------------------------------------------------ 4. reconstruct labels what it prints
_RECON = ["reconstruct", "--apogee-km", "3724±10", "--range-km", "998", "--flight-time-s", "2820",
          "--missile", "hwasong-14", "--fit", "propellant", "--from", "pyongyang", "--to", "seattle"]


def test_reconstruct_says_sigma_global_beyond_and_the_rotating_earth():
    res = RUN.invoke(app, _RECON + ["--json"], env=ENV)
    assert res.exit_code == 0, res.output
    d = json.loads(res.output)
    half = math.pi * 6371.0  # half a great circle on the sphere of the standard range's status `global`
    want = [not x < 0.99 * half for x in d["reach_km"]]
    assert d["reach_global"] == want and any(want) and not all(want)
    res = RUN.invoke(app, _RECON, env=ENV)
    assert res.exit_code == 0, res.output
    out = res.output
    assert "(1 sigma)" in out
    for az, g, x in zip(d["azimuths_deg"], want, d["reach_km"], strict=True):
        row = next(line for line in out.splitlines() if f"reach at azimuth {az:g} deg" in line)
        assert ("global" in row) == g and (f"{x:,.0f}" in row) != g, row
    m = d["targets"][0]
    assert m["margin_km"] > 0
    assert f"{m['margin_km']:,.0f} beyond it" in out
    assert "reach and margins from pyongyang are on the rotating WGS84 Earth" in " ".join(out.split())


def test_a_no_fit_suggests_the_command_line_option():
    res = RUN.invoke(app, ["reconstruct", "--apogee-km", "200", "--range-km", "998", "--flight-time-s",
                           "600", "--missile", "hwasong-14", "--fit", "propellant"], env=ENV)
    assert res.exit_code == 0, res.output
    assert "--fit payload" in res.output


# ------------------------------------------------------------ 5. threshold rows under the climb speed
def test_threshold_marks_each_row_below_the_climb_speed():
    res = RUN.invoke(app, ["threshold", "european-third-site-2007", "--json"], env=ENV)
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    # vertical climb from rest to the scenario's 200 km burnout altitude: sqrt(2 mu (1/R - 1/(R+h)))
    mu, r_e, h = 398600.4418, 6371.0, 200.0
    climb = math.sqrt(2 * mu * (1 / r_e - 1 / (r_e + h)))
    assert 1.9 < climb < 2.0
    for r in rows:
        low = r["threshold_status"] == "found" and r["threshold_speed_km_s"] < climb
        assert r["below_climb_speed"] == low, r
    low = [r for r in rows if r["below_climb_speed"]]
    assert low and any(r["launch"] == "tehran" and r["target"] == "berlin" for r in low)
    out = RUN.invoke(app, ["threshold", "european-third-site-2007"], env=ENV).output
    for r in rows:
        line = next(x for x in out.splitlines() if f"{r['launch']} → {r['target']} " in x)
        assert ("†" in line) == r["below_climb_speed"], line
