"""Interceptors with stages: catalog stage data, the integrated fly-out table, and where it is used."""

from __future__ import annotations

import math

import numpy as np
import pytest

from shieldcheck.boost import G0_KM_S2
from shieldcheck.errors import InputError
from shieldcheck.interceptors import (
    InterceptorSite,
    InterceptorType,
    StagedFlyout,
    catalog_booster,
    reach_fan,
    staged_flyout,
)


@pytest.fixture(scope="module")
def gbi2() -> StagedFlyout:
    return staged_flyout("gbi-2stage")


def test_catalog_stages_parse_with_sources():
    v = catalog_booster("GBI 2stage")
    assert len(v.stages) == 2 and v.payload_kg == 150.0
    assert [s.burn_time_s for s in v.stages] == [69.0, 70.0]
    assert len(catalog_booster("gbi-3stage").stages) == 3
    assert catalog_booster("sm3-iia") is None  # no stages: the fixed burnout point stays the model


def test_no_stages_is_a_clear_error():
    with pytest.raises(InputError, match="'thaad' has no stages in interceptors.yaml"):
        staged_flyout("thaad")
    with pytest.raises(InputError, match="flight_path_angle_deg must be within \\[0, 80\\], got 95.0"):
        staged_flyout("gbi-2stage", flight_path_angle_deg=95.0)


def test_flyout_table_is_the_integrated_burn(gbi2):
    assert gbi2.burn_time_s == pytest.approx(139.0)  # 69 s + 70 s, no coast
    assert gbi2.time_s[0] == 0.0 and gbi2.reach_km[0] == 0.0
    assert np.all(np.diff(gbi2.reach_km) > 0)
    # the last table entry is the burnout point: its straight distance from the launch point
    chord = math.hypot(gbi2.burnout_range_km, gbi2.burnout_altitude_km)
    assert gbi2.reach_km[-1] == pytest.approx(chord, rel=0.05)
    assert gbi2.flight_path_angle_deg == pytest.approx(20.0, abs=1e-6)


def test_burnout_speed_is_rocket_equation_less_losses(gbi2):
    # Tsiolkovsky per stage (Sutton & Biblarz 2017, eq. 4-6), computed here from the YAML numbers; the
    # integration must give that ideal speed less its gravity and drag losses, within the sea-level thrust
    # shortfall of the first stage (|Isp_vac - Isp_sl| / Isp_vac ~ 10 % over the first ~30 s: < 2.5 % of all)
    m, ideal = 150.0, 0.0
    for prop, dry, isp in reversed([(15000.0, 1400.0, 285.0), (3900.0, 380.0, 289.0)]):
        m0 = m + prop + dry
        ideal += G0_KM_S2 * isp * math.log(m0 / (m0 - prop))
        m = m0
    assert gbi2.ideal_delta_v_km_s == pytest.approx(ideal, rel=1e-12)
    budget = gbi2.burnout_speed_km_s + gbi2.gravity_loss_km_s + gbi2.drag_loss_km_s
    assert budget < ideal
    assert budget == pytest.approx(ideal, rel=0.025)


def test_gbi_gap_is_payload_not_losses(gbi2):
    # The flag of issue 10: with the estimated Pegasus/Taurus-class motors and a 150 kg kill-vehicle stack the
    # two-stage GBI burns out at ~8.5 km/s, above the MDA's 6.3 km/s (AFP, Aug 2007) and inside Postol's
    # 7.7-9 km/s (AAAS seminar, Aug 2007). Gravity and drag losses are under 1 km/s, far too small to close
    # the gap to 6.3; a payload near 900 kg would (a kill vehicle weighs 64-70 kg): the stage data or the
    # public figure describe something else. The README says so; these checks keep the statement true.
    assert gbi2.burnout_speed_km_s > 8.0
    assert gbi2.gravity_loss_km_s + gbi2.drag_loss_km_s < 1.0
    heavy = staged_flyout(catalog_booster("gbi-2stage").with_payload(900.0))
    assert heavy.burnout_speed_km_s == pytest.approx(6.3, abs=0.25)


def test_interceptor_type_takes_the_integrated_burn(gbi2):
    base = InterceptorType("gbi-2", 6.3, 120.0, 200.0, launch_delay_s=5.0)
    staged = gbi2.interceptor_type(base)
    assert staged.burn_time_s == gbi2.burn_time_s
    assert staged.burnout_speed_km_s == pytest.approx(gbi2.burnout_speed_km_s)
    assert staged.burnout_altitude_km == pytest.approx(gbi2.burnout_altitude_km)
    assert staged.max_intercept_altitude_km == base.max_intercept_altitude_km
    # reach fans then carry the longer burn: nothing is reachable before burnout, more after
    site = InterceptorSite("redzikowo", 54.472, 17.124, staged)
    assert reach_fan(site, 130.0, 300.0, [0.0]).max_ground_range_km[0] == 0.0
    assert reach_fan(site, 400.0, 500.0, [0.0]).max_ground_range_km[0] > 0.0


def test_default_model_unchanged_without_stages():
    # the flagship's interceptor stays the fixed-burnout type (6.3 km/s, 120 s, 200 km) unless stages are
    # chosen
    from shieldcheck.scenario import build, load_scenario

    built = build(load_scenario("european-third-site-2007"))
    gbi = {s.interceptor.name: s.interceptor for s in built.architecture.sites}
    it = next(iter(gbi.values()))
    assert (it.burnout_speed_km_s, it.burn_time_s, it.burnout_altitude_km) == (6.3, 120.0, 200.0)


def test_staged_flyout_in_boost_phase_meets_at_the_reach_sphere(gbi2):
    # the first intercept of a staged fly-out lies on its reach sphere: |P(t) - B| = R(t - t_L), where R is
    # the table (linear between entries) during the burn; checked with numpy.interp
    from shieldcheck.boostphase import BoostProfile, engage_boost

    r0 = 6371.0
    t = np.arange(0.0, 301.0, 10.0)
    r = np.zeros((t.size, 3))
    v = np.zeros((t.size, 3))
    r[:, 0] = r0 + 0.5 * 0.02 * t**2
    v[:, 0] = 0.02 * t
    prof = BoostProfile.from_arrays(t, r, v, earth="sphere")
    theta = 250.0 / r0
    res = engage_boost(prof, 0.0, math.degrees(theta), gbi2, delay_s=20.0, earth="sphere")
    assert res.status == "engageable" and math.isnan(res.required_speed_km_s)
    tf = res.first_intercept_s
    p = np.array([r0 + 0.01 * tf**2, 0.0, 0.0])
    b = np.array([r0 * math.cos(theta), r0 * math.sin(theta), 0.0])
    tau = tf - 20.0
    if tau <= gbi2.time_s[-1]:
        reach = np.interp(tau, gbi2.time_s, gbi2.reach_km)
    else:
        reach = gbi2.reach_km[-1] + gbi2.burnout_speed_km_s * (tau - gbi2.time_s[-1])
    assert np.linalg.norm(p - b) == pytest.approx(reach, abs=1e-6)


def test_vertical_burnout_is_no_division_by_zero():
    # a first stage overridden to burn in 0.1 s: the kick search's vertical (kick 0) flight on the
    # non-rotating sphere burns out purely radially (angular momentum 0) and the conic kernel divided
    # by it: SystemError "CPUDispatcher(_impact_many) returned a result with an exception set"
    import dataclasses

    from shieldcheck.boost import _impact_one
    from shieldcheck.interceptors import catalog_booster, staged_flyout

    v = catalog_booster("gbi-3stage")
    fast = dataclasses.replace(v, stages=(dataclasses.replace(v.stages[0], burn_time_s=0.1), *v.stages[1:]))
    with pytest.raises(InputError, match="flight_path_angle_deg 20 cannot be reached"):
        staged_flyout(fast)
    # straight up at 3 km/s from 7,000 km: it comes down under the burnout point, apogee from energy
    out = np.zeros(6)
    r, vel = np.array([7000.0, 0.0, 0.0]), np.array([3.0, 0.0, 0.0])
    _impact_one(r, vel, 0.0, 398600.4418, 0.0, 6378.137, 0.0, out)
    assert out[0] == 0.0 and abs(out[2] - 6378.137) < 1e-6 and abs(out[3]) < 0.01
    assert out[5] == pytest.approx(398600.4418 / (398600.4418 / 7000.0 - 4.5) - 6378.137, abs=1e-3)
