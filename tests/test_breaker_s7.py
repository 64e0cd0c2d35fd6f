"""Faults the session-7 breaker found, each pinned where it was fixed."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from shieldcheck.boost import Stage, Vehicle
from shieldcheck.cli import app
from shieldcheck.errors import InputError

RUN = CliRunner()
P = "interceptor_types.gbi-2stage"


@pytest.mark.parametrize("payload, dry", [(0.0, 0.0), (1e-300, 0.0), (0.0, 0.5)])
def test_a_vehicle_with_no_mass_left_at_burnout_is_refused(payload, dry):
    # the rocket equation ln(m0 / m_burnout) and F / m divide by the burnout mass: zero crashed the
    # compiled integrator (SystemError) in engage, threshold, sweep and the web API
    stage = Stage(15000.0, dry, 69.0, 285.0, 255.0, 1.27)
    with pytest.raises(InputError, match=r"payload_kg plus the last stage's dry_mass_kg .* at least 1 kg"):
        Vehicle((stage,), payload)


def test_a_zero_mass_booster_set_on_the_command_line_is_one_line_exit_2():
    booster = ("{payload_kg: 0, cd_mach: standard, stages: [{propellant_mass_kg: 15000, dry_mass_kg: 0, "
               "burn_time_s: 69, isp_vac_s: 285, isp_sl_s: 255, diameter_m: 1.27}]}")
    res = RUN.invoke(app, ["engage", "european-third-site-2007", "--set", f"{P}.staged=true",
                           "--set", f"{P}.flight_path_angle_deg=45", "--set", f"{P}.booster={booster}"])
    assert res.exit_code == 2, res.output
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1
    assert "interceptor_types.gbi-2stage.booster" in lines[0] and "at least 1 kg" in lines[0]


@pytest.mark.parametrize("field, value", [
    ("flight_path_angle_deg", "30"),
    ("booster", "{payload_kg: 150, cd_mach: standard, stages: [{propellant_mass_kg: 15000, "
                "dry_mass_kg: 1500, burn_time_s: 69, isp_vac_s: 285, isp_sl_s: 255, diameter_m: 1.27}]}"),
])
def test_a_staged_only_field_set_with_staging_off_is_refused(field, value):
    # a file refused it; --set (and variants, and the web's sets) ran it without effect
    for sets in ([f"{P}.staged=false", f"{P}.{field}={value}"], [f"{P}.{field}={value}"]):
        argv = ["engage", "european-third-site-2007"]
        for item in sets:
            argv += ["--set", item]
        res = RUN.invoke(app, argv)
        assert res.exit_code == 2, res.output
        assert f"{P}.{field}: only used with staged: true, but staged is false" in res.output
        assert f"{field} given by --set" in res.output


BP = ["boost-phase", "tehran", "--missile", "aps2003-solid", "--toward", "washington", "--interceptor",
      "gbi-2stage", "--base", "39.9,32.9", "--json"]


def test_boost_phase_staged_keeps_the_interceptor_types_launch_delay():
    # the fire decision -> lift-off delay of the catalog type (gbi-2stage: 5 s, interceptors.yaml) was
    # dropped with --staged: every staged boost-phase answer was 5 s early
    import json

    from shieldcheck.interceptors import catalog_type

    delay = catalog_type("gbi-2stage").launch_delay_s
    assert delay > 0
    kinematic = json.loads(RUN.invoke(app, BP).output)
    staged = json.loads(RUN.invoke(app, [*BP, "--staged"]).output)
    assert staged["interceptor_launch_s"] == pytest.approx(kinematic["interceptor_launch_s"], abs=1e-9)


def test_boost_phase_staged_refuses_a_flyout_it_would_ignore():
    res = RUN.invoke(app, [*BP, "--staged", "--flyout", "ballistic"])
    assert res.exit_code == 2 and "drop --flyout ballistic" in res.output


def test_reconstruct_targets_are_bounded_and_each_reported_once():
    # 5,000 x --to seattle ran 52 s and wrote 1 MB of JSON
    from shieldcheck.reconstruct import MAX_TARGETS, reconstruct

    too_many = rf"targets \(--to\): at most {MAX_TARGETS} places, got {MAX_TARGETS + 1}"
    with pytest.raises(InputError, match=too_many):
        reconstruct(2802.0, 933.0, 2400.0, launch="pyongyang", targets=["seattle"] * (MAX_TARGETS + 1))
    r = reconstruct(2802.0, 933.0, 2400.0, launch="pyongyang", targets=["seattle", "Seattle", "tokyo"])
    assert [t.name for t in r.targets] == ["seattle", "tokyo"]
