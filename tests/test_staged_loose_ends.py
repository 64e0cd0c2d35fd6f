"""Seventh session: loose ends of the staged boost found by the sixth session's breaker (each test failed
before its fix).

1. `boost-phase` options accepted without effect (`--speed-km-s` without a base or region, `--step-deg`
   without a region): each option now changes the answer or is refused.
2. `study.boost_note` said "staged" for a group none of whose routes was flown (all no_solution).
3. `/api/trajectory` flew the kinematic boost while the CLI's `trajectory` flies `auto`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from example_scenarios import minimal_with_group
from shieldcheck.cli import app

RUN = CliRunner()
ENV = {"COLUMNS": "400"}

# ---------------------------------------------------------------- 1. boost-phase: every option has an effect
_BP = ["boost-phase", "40,127", "--missile", "aps2003-solid", "--azimuth", "45"]
_MODES = {"curve": [], "base": ["--base", "41.5,129"],
          "region": ["--region", "36,44,122,132", "--step-deg", "2"]}
# two values of one option (everything else equal); the JSON answers must differ
_VARIATIONS = {
    "--speed-km-s": (["--speed-km-s", "5"], ["--speed-km-s", "7"]),
    "--burn-time-s": (["--speed-km-s", "5", "--burn-time-s", "40"],
                      ["--speed-km-s", "5", "--burn-time-s", "20"]),
    "--delay-s": (["--speed-km-s", "5", "--delay-s", "60"], ["--speed-km-s", "5", "--delay-s", "30"]),
    "--deadline-s": (["--speed-km-s", "5"], ["--speed-km-s", "5", "--deadline-s", "150"]),
    "--base-altitude-km": (["--speed-km-s", "5"], ["--speed-km-s", "5", "--base-altitude-km", "12"]),
    "--carrier-speed-km-s": (["--speed-km-s", "5"], ["--speed-km-s", "5", "--carrier-speed-km-s", "0.25"]),
    "--flyout": (["--speed-km-s", "5"], ["--speed-km-s", "5", "--flyout", "ballistic"]),
    "--payload-kg": (["--speed-km-s", "5"], ["--speed-km-s", "5", "--payload-kg", "200"]),
    "--interceptor": (["--interceptor", "sm3-iia"], ["--interceptor", "gbi-2stage"]),
    "--speed-km-s over --interceptor": (["--interceptor", "sm3-iia"],
                                        ["--interceptor", "sm3-iia", "--speed-km-s", "3"]),
}


@pytest.mark.parametrize("mode", list(_MODES))
def test_every_boost_phase_option_changes_the_answer(mode):
    # before: `--speed-km-s 5` and `--speed-km-s 7` without --base or --region printed the same table
    same = []
    for name, (a, b) in _VARIATIONS.items():
        ra = RUN.invoke(app, [*_BP, *_MODES[mode], *a, "--json"])
        rb = RUN.invoke(app, [*_BP, *_MODES[mode], *b, "--json"])
        assert ra.exit_code == 0 and rb.exit_code == 0, (name, ra.output, rb.output)
        if json.loads(ra.output) == json.loads(rb.output):
            same.append(name)
    assert same == [], f"options without effect ({mode}): {same}"


def test_least_speed_table_marks_the_distances_a_given_speed_covers():
    res = RUN.invoke(app, [*_BP, "--speed-km-s", "5", "--burn-time-s", "40"], env=ENV)
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.split())
    assert "*: a base at this distance can engage with 5.00 km/s (--speed-km-s)" in text
    out = json.loads(RUN.invoke(app, [*_BP, "--speed-km-s", "5", "--burn-time-s", "40", "--json"]).output)
    assert out["speed_km_s"] == 5.0
    for label, speeds in out["required_speed_km_s"].items():
        # the mark is the comparison of the printed least speed with the speed given (None: out of reach)
        assert out["fast_enough"][label] == [s is not None and s <= 5.0 for s in speeds]
    assert any(out["fast_enough"]["under the track"]) and not all(out["fast_enough"]["under the track"])
    # a catalog interceptor's own speed marks the table when no --speed-km-s is given
    res = RUN.invoke(app, [*_BP, "--interceptor", "sm3-iia"], env=ENV)
    assert res.exit_code == 0 and "(sm3-iia's burnout speed)" in " ".join(res.output.split())


def test_step_deg_without_a_region_is_refused():
    res = RUN.invoke(app, [*_BP, "--speed-km-s", "5", "--step-deg", "3"])
    assert res.exit_code == 2
    words = "--step-deg sets the basing zone's cell size, got 3 without --region"
    assert words in " ".join(res.output.split())
    res = RUN.invoke(app, [*_BP, "--speed-km-s", "5", "--base", "41.5,129", "--step-deg", "3"])
    assert res.exit_code == 2 and "--step-deg" in res.output


# ---------------------------------------------------------------- 2. the boost note says what was flown
def _scenario(tmp_path) -> Path:
    """The README's minimal example plus a staged group whose one route is near-antipodal: the staged boost
    flies no such route (status no_solution, "nothing was flown")."""
    return minimal_with_group(tmp_path, '{name: tabriz-far, launch: [tabriz], targets: ["-38.2,-133.8"], '
                              "missile: icbm-solid, boost: staged}", "far.yaml")


def test_boost_note_says_nothing_was_flown_for_a_group_of_no_solution_routes(tmp_path):
    from shieldcheck.study import boost_note, boosts_flown, build_study

    study = build_study(str(_scenario(tmp_path)), thresholds=False)
    far = [t for c, t in zip(study.built["base"].threats, study.trajectories["base"], strict=True)
           if c.group == "tabriz-far"]
    assert far and all(t.status == "no_solution" for t in far)  # the premise: nothing flown
    assert boosts_flown(study) == {"kinematic": ["tabriz-west"], "not flown": ["tabriz-far"]}
    note = boost_note(study)
    assert "staged" not in note and "nothing flown" in note and "for tabriz-far" in note
    # the CLI footer reads the same note
    out = RUN.invoke(app, ["engage", str(_scenario(tmp_path))], env=ENV)
    assert out.exit_code == 0, out.output
    foot = " ".join(out.output.split()).split("Model estimates from public figures")[1]
    assert "nothing flown" in foot and "staged (" not in foot


# ---------------------------------------------------------------- 3. /api/trajectory flies what the CLI flies
@pytest.fixture(scope="module")
def base(web_url):
    return web_url


def test_api_trajectory_boost_defaults_to_the_cli_and_says_what_flew(base):
    from web_server import call

    q = "/api/trajectory?launch=tehran&target=washington&missile=icbm-liquid&step_s=60"
    cli = json.loads(RUN.invoke(app, ["trajectory", "tehran", "washington", "--missile", "icbm-liquid",
                                      "--json"]).output)
    status, _, t = call(base, q)
    assert status == 200, t
    # the CLI's default (auto) flies this class's stages; the web flew the kinematic boost before
    assert t["boost"] == cli["boost"] == "staged" and t["boost_asked"] == "auto"
    assert t["booster"] == cli["booster"] and t["booster"]
    assert t["max_range_km"] == pytest.approx(cli["max_range_km"], abs=1e-6)
    status, _, k = call(base, q + "&boost=kinematic")
    assert status == 200 and k["boost"] == "kinematic" and k["booster"] is None
    status, _, bad = call(base, q + "&boost=rocket")
    assert status == 422
    assert "boost: input should be 'auto', 'kinematic' or 'staged', got 'rocket'" in bad["error"]
