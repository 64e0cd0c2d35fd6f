"""Tests of the staged powered-flight integrator against closed forms and scipy's DOP853.

Expected values come from formulas written out here (Tsiolkovsky's rocket equation; vertical flight in
constant gravity; the work-energy theorem) or from an independent integration (scipy ``solve_ivp`` with
DOP853 at 1e-12 tolerance), never from shieldcheck's own results.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from shieldcheck import boost
from shieldcheck.boost import G0_KM_S2, PitchProgram, Stage, Vehicle, fly, fly_batch, free_flight, solve_kick
from shieldcheck.earth import MU_KM3_S2, OMEGA_RAD_S, WGS84_A_KM, ellipsoid, geodetic_to_ecef
from shieldcheck.errors import InputError

THREE_STAGE = Vehicle(
    (
        Stage(20000.0, 2300.0, 60.0, 285.0, 255.0, 1.7, coast_after_s=2.0),
        Stage(6200.0, 800.0, 65.0, 295.0, 270.0, 1.3, coast_after_s=3.0),
        Stage(3300.0, 400.0, 60.0, 300.0, 280.0, 1.3),
    ),
    payload_kg=900.0,
    name="test three-stage",
)


def _no_air(**kw):
    return dict(drag=False, **kw)


def test_rocket_equation_single_stage_no_gravity_no_drag():
    # Tsiolkovsky: dv = g0 Isp ln(m0/mf), straight up (kick 0), no gravity, no drag, no rotation
    v = Vehicle.single_stage(
        propellant_mass_kg=9000.0,
        dry_mass_kg=600.0,
        burn_time_s=80.0,
        isp_vac_s=290.0,
        isp_sl_s=290.0,
        diameter_m=1.0,
        payload_kg=400.0,
    )
    r = fly(v, 10.0, 20.0, 45.0, 0.0, gravity="none", drag=False, rotation=False, step_s=0.05)
    m0, mf = 10000.0, 1000.0
    dv = G0_KM_S2 * 290.0 * math.log(m0 / mf)
    assert r.burnout_inertial_speed_km_s == pytest.approx(dv, rel=1e-9)
    assert r.burnout_mass_kg == pytest.approx(mf)


def test_rocket_equation_three_stages_with_kick_and_coasts():
    # staged Tsiolkovsky: each stage adds g0 Isp ln(m0/mf) with the spent stages dropped; with no gravity
    # and no drag, the thrust stays along the velocity after the kick, so speeds add only if the kick is 0
    # vacuum Isp at every altitude (sea-level Isp set equal), so the thrust does not depend on the air
    vac = Vehicle(
        tuple(
            Stage(
                s.propellant_mass_kg,
                s.dry_mass_kg,
                s.burn_time_s,
                s.isp_vac_s,
                s.isp_vac_s,
                s.diameter_m,
                s.coast_after_s,
            )
            for s in THREE_STAGE.stages
        ),
        900.0,
    )
    r = fly(vac, 0.0, 0.0, 90.0, 0.0, gravity="none", drag=False, rotation=False, step_s=0.05)
    dv = 0.0
    above = 900.0
    for mp, md, isp in ((3300.0, 400.0, 300.0), (6200.0, 800.0, 295.0), (20000.0, 2300.0, 285.0)):
        m0 = above + mp + md
        dv += G0_KM_S2 * isp * math.log(m0 / (m0 - mp))
        above = m0
    assert r.burnout_inertial_speed_km_s == pytest.approx(dv, rel=1e-9)
    assert r.burnout_time_s == pytest.approx(60.0 + 2.0 + 65.0 + 3.0 + 60.0)


def test_vertical_flight_constant_gravity_closed_form():
    # v(t) = ve ln(m0/m) - g t;  h(t) = ve t - ve (m/mdot) ln(m0/m) - g t^2/2  (no drag, constant g)
    mp, md, pl, tb, isp = 8000.0, 1000.0, 1000.0, 70.0, 260.0
    v = Vehicle.single_stage(
        propellant_mass_kg=mp,
        dry_mass_kg=md,
        burn_time_s=tb,
        isp_vac_s=isp,
        isp_sl_s=isp,
        diameter_m=1.0,
        payload_kg=pl,
    )
    r = fly(
        v, 0.0, 0.0, 0.0, 0.0, gravity="constant", drag=False, rotation=False, earth="sphere", step_s=0.05
    )
    ve = G0_KM_S2 * isp
    m0, mf, mdot = mp + md + pl, md + pl, mp / tb
    v_expected = ve * math.log(m0 / mf) - G0_KM_S2 * tb
    h_expected = ve * tb - ve * (mf / mdot) * math.log(m0 / mf) - 0.5 * G0_KM_S2 * tb * tb
    assert r.burnout_speed_km_s == pytest.approx(v_expected, rel=1e-9)
    assert r.burnout_altitude_km == pytest.approx(h_expected, rel=1e-9)
    assert r.flight_path_angle_deg == pytest.approx(90.0, abs=1e-9)


@pytest.mark.parametrize("gravity", ["central", "j2"])
def test_energy_bookkeeping(gravity):
    # work-energy theorem in the inertial frame: d(v^2/2) = thrust work + drag work - d(potential)
    r = fly(THREE_STAGE, 40.0, 127.0, 70.0, 12.0, gravity=gravity)
    assert r.status == "ok"
    r0 = geodetic_to_ecef(40.0, 127.0, 0.0)
    v0 = OMEGA_RAD_S * np.array([-r0[1], r0[0], 0.0])
    j2 = boost.J2_WGS84 if gravity == "j2" else 0.0

    def potential(p):
        rr = np.linalg.norm(p)
        return -MU_KM3_S2 / rr + MU_KM3_S2 * j2 * WGS84_A_KM**2 * (3 * p[2] ** 2 / rr**2 - 1) / (2 * rr**3)

    ke = 0.5 * (r.v_eci_km_s @ r.v_eci_km_s - v0 @ v0)
    budget = r.thrust_work_km2_s2 + r.drag_work_km2_s2 - (potential(r.r_eci_km) - potential(r0))
    assert r.drag_work_km2_s2 < 0.0
    assert ke == pytest.approx(budget, rel=1e-6)


def _dop853_reference(
    vehicle,
    lat,
    lon,
    az,
    kick_deg,
    pitch=PitchProgram(),  # noqa: B008
    earth="wgs84",
    drag=True,
):
    """Integrate the same equations of motion with scipy DOP853, restarting at every phase boundary."""
    rhs, table = boost._state_rhs_for_tests()
    lr, lp, aa = table()
    a_e, e2 = ellipsoid(earth)
    r0 = geodetic_to_ecef(lat, lon, 0.0, earth)
    azr = math.radians(az)
    la, lo = math.radians(lat), math.radians(lon)
    east = np.array([-math.sin(lo), math.cos(lo), 0.0])
    north = np.array([-math.sin(la) * math.cos(lo), -math.sin(la) * math.sin(lo), math.cos(la)])
    h0 = math.sin(azr) * east + math.cos(azr) * north
    cdm, cdv = boost._cd_table(vehicle.cd_mach)
    y = np.zeros(10)
    y[:3] = r0
    y[3:6] = OMEGA_RAD_S * np.array([-r0[1], r0[0], 0.0])
    m = vehicle.launch_mass_kg
    t = 0.0

    def run(y, t0, t1, mode, m0, mdot, fvac, fp, area):
        def f(tt, yy):
            dy = np.empty(10)
            rhs(
                tt,
                yy,
                dy,
                mode,
                m0,
                mdot,
                t0,
                fvac,
                fp,
                area,
                math.radians(kick_deg),
                h0[0],
                h0[1],
                h0[2],
                OMEGA_RAD_S,
                2,
                MU_KM3_S2,
                0.0,
                a_e,
                a_e,
                e2,
                drag,
                lr,
                lp,
                aa,
                cdm,
                cdv,
            )
            return dy

        sol = solve_ivp(f, (t0, t1), y, method="DOP853", rtol=1e-12, atol=1e-12)
        return sol.y[:, -1]

    for k, s in enumerate(vehicle.stages):
        mdot = s.propellant_mass_kg / s.burn_time_s
        fvac = mdot * G0_KM_S2 * s.isp_vac_s
        fp = (s.isp_vac_s - s.isp_sl_s) * mdot * G0_KM_S2 / boost.P0_PA
        area = math.pi * (s.diameter_m / 2) ** 2
        if k == 0:
            b = [0.0, pitch.vertical_rise_s, pitch.vertical_rise_s + pitch.kick_duration_s, s.burn_time_s]
            for i, mode in enumerate((1, 2, 3)):
                y = run(y, b[i], b[i + 1], mode, m - mdot * b[i], mdot, fvac, fp, area)
        else:
            y = run(y, t, t + s.burn_time_s, 3, m, mdot, fvac, fp, area)
        t += s.burn_time_s
        m -= s.propellant_mass_kg + s.dry_mass_kg
        if k < len(vehicle.stages) - 1 and s.coast_after_s > 0:
            nxt = vehicle.stages[k + 1]
            y = run(y, t, t + s.coast_after_s, 0, m, 0.0, 0.0, 0.0, math.pi * (nxt.diameter_m / 2) ** 2)
            t += s.coast_after_s
    return t, y


def test_staged_integrator_against_dop853_at_burnout():
    # 1 m in position and 1 mm/s in velocity at final burnout (issue 10's tolerance)
    t_ref, y_ref = _dop853_reference(THREE_STAGE, 40.0, 127.0, 70.0, 12.0)
    r = fly(THREE_STAGE, 40.0, 127.0, 70.0, 12.0)
    assert r.burnout_time_s == pytest.approx(t_ref)
    assert np.linalg.norm(r.r_eci_km - y_ref[:3]) < 1e-3
    assert np.linalg.norm(r.v_eci_km_s - y_ref[3:6]) < 1e-6


def _booster_names():
    from shieldcheck.catalog.boosters import boosters

    return [b.name for b in boosters()]


# lofted (a few hundredths of a degree: slow liquids) to flat (60 deg: through the densest air at speed)
DOP853_KICKS_DEG = (0.02, 0.1, 0.5, 2.0, 5.0, 10.0, 20.0, 30.0, 45.0, 60.0)


@pytest.mark.parametrize("name", _booster_names())
def test_catalog_boosters_against_dop853_at_burnout(name):
    # issue 10's tolerance, 1 m and 1 mm/s at final burnout, for every booster of the catalog at its own
    # payload and every kick from lofted to flat that reaches burnout (larger kicks crash: no burnout to
    # compare). Before s5 the 950 kg Minuteman III missed by 1.58 mm/s at 20 deg and the GBI by 1.81 at 40:
    # steps across the atmosphere's layer kinks lost RK4's order (boost.py module notes); worst now 0.66 mm/s
    from shieldcheck.catalog.boosters import get_booster

    v = get_booster(name).vehicle
    flown = 0
    for kick in DOP853_KICKS_DEG:
        r = fly(v, 40.0, 127.0, 70.0, kick)
        if r.status == "crashed":
            continue
        t_ref, y_ref = _dop853_reference(v, 40.0, 127.0, 70.0, kick)
        assert r.status == "ok" and r.burnout_time_s == pytest.approx(t_ref)
        assert np.linalg.norm(r.r_eci_km - y_ref[:3]) < 1e-3, kick
        assert np.linalg.norm(r.v_eci_km_s - y_ref[3:6]) < 1e-6, kick
        flown += 1
    assert flown >= 2  # at least a lofted and a steeper kick for the slowest liquid


def test_test_vehicle_with_a_large_kick_against_dop853_at_burnout():
    # a 35 deg kick through the densest air, with coasts between the stages
    t_ref, y_ref = _dop853_reference(THREE_STAGE, 40.0, 127.0, 70.0, 35.0)
    r = fly(THREE_STAGE, 40.0, 127.0, 70.0, 35.0)
    assert r.status == "ok" and r.burnout_time_s == pytest.approx(t_ref)
    assert np.linalg.norm(r.r_eci_km - y_ref[:3]) < 1e-3
    assert np.linalg.norm(r.v_eci_km_s - y_ref[3:6]) < 1e-6


def test_batch_matches_single_flights_and_kick_lowers_flight_path_angle():
    kicks = np.array([3.0, 8.0, 15.0, 25.0])
    b = fly_batch(THREE_STAGE, 35.0, 50.0, 300.0, kicks)
    for i, k in enumerate(kicks):
        r = fly(THREE_STAGE, 35.0, 50.0, 300.0, float(k))
        np.testing.assert_allclose(b.r_eci_km[i], r.r_eci_km, rtol=0, atol=1e-12)
    assert np.all(np.diff(b.flight_path_angle_deg) < 0)


def test_no_liftoff_and_crash_are_results_with_reasons():
    heavy = THREE_STAGE.with_payload(200000.0)
    r = fly(heavy, 0.0, 0.0, 90.0, 5.0)
    assert r.status == "no-liftoff" and "cannot lift off" in r.reason
    r = fly(THREE_STAGE, 0.0, 0.0, 90.0, 85.0)
    assert r.status == "crashed" and "hits the ground" in r.reason


def test_solve_kick_flight_path_angle_goal():
    s = solve_kick(THREE_STAGE, 40.0, 127.0, 70.0, "flight-path-angle", flight_path_angle_deg=25.0)
    assert s["status"][0] == "ok"
    assert s["flight_path_angle_deg"][0] == pytest.approx(25.0, abs=1e-6)


def test_solve_kick_range_goal_and_maximum():
    s = solve_kick(THREE_STAGE, 40.0, 127.0, 70.0, "max-range")
    rmax = s["range_km"][0]
    # the maximum beats kicks on either side of it
    b = fly_batch(THREE_STAGE, 40.0, 127.0, 70.0, [s["kick_deg"][0] - 1.0, s["kick_deg"][0] + 1.0])
    assert np.all(free_flight(b)["range_km"] < rmax)
    half = solve_kick(THREE_STAGE, 40.0, 127.0, 70.0, "range", range_km=0.5 * rmax)
    assert half["status"][0] == "ok"
    assert half["range_km"][0] == pytest.approx(0.5 * rmax, abs=0.01)
    too_far = solve_kick(THREE_STAGE, 40.0, 127.0, 70.0, "range", range_km=rmax + 500.0)
    assert too_far["status"][0] == "unreachable"
    assert too_far["max_range_km"][0] == pytest.approx(rmax, rel=1e-6)


def test_solve_kick_range_goal_converges_across_a_batch():
    # Illinois regula falsi on the lofted side: every reachable range is met to 1e-6 km, re-flown by
    # fly_batch + free_flight at the returned kicks, and the lofted kick grows with the range
    from shieldcheck.catalog.boosters import get_booster

    # payloads pinned to those the ranges were chosen for (the catalog's estimates changed in s4: the
    # 700 kg Hwasong-15 cannot come down at 7,900-8,700 km on the lofted side of a full burn: no-solution)
    cases = (("hwasong-15", 1000.0, np.linspace(7900.0, 9900.0, 6)),
             ("minuteman-iii", 1150.0, np.linspace(800.0, 7000.0, 6)))
    for name, payload_kg, ranges in cases:
        v = get_booster(name).vehicle.with_payload(payload_kg)
        s = solve_kick(v, 39.0, 125.7, 80.0, "range", range_km=ranges)
        assert list(s["status"]) == ["ok"] * len(ranges)
        again = free_flight(fly_batch(v, 39.0, 125.7, 80.0, s["kick_deg"]))["range_km"]
        np.testing.assert_allclose(again, ranges, rtol=0, atol=1e-6)
        assert np.all(np.diff(s["kick_deg"]) > 0)


def test_free_flight_matches_closed_form_range_on_sphere():
    # Bate, Mueller & White 1971 eq. 6.2-6: tan(Psi/2) = Q sin g cos g / (1 - Q cos^2 g), burnout radius r
    r = fly(THREE_STAGE, 0.0, 0.0, 90.0, 14.0, earth="sphere", rotation=False)
    ff = free_flight(
        fly_batch(THREE_STAGE, 0.0, 0.0, 90.0, 14.0, earth="sphere", rotation=False),
        earth="sphere",
        rotation=False,
    )
    rb = np.linalg.norm(r.r_eci_km)
    v = np.linalg.norm(r.v_eci_km_s)
    g = math.atan2(r.r_eci_km @ r.v_eci_km_s, np.linalg.norm(np.cross(r.r_eci_km, r.v_eci_km_s)))
    q = v * v * rb / MU_KM3_S2
    # from burnout radius rb down to R: solve the conic for the impact true anomaly
    h = rb * v * math.cos(g)
    p = h * h / MU_KM3_S2
    e = math.sqrt(1 + q * (q - 2) * math.cos(g) ** 2)
    nu_b = math.atan2(p / rb * math.tan(g), p / rb - 1)
    nu_i = 2 * math.pi - math.acos((p / 6371.0 - 1) / e)
    psi = nu_i - nu_b
    assert ff["range_km"][0] == pytest.approx(6371.0 * psi + r.burnout_range_km, abs=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kick_deg": 95.0}, "kick_deg must be within [0, 89], got 95.0"),
        ({"latitude_deg": 91.0}, "latitude_deg must be within [-90, 90], got 91.0"),
        ({"gravity": "moon"}, "gravity must be one of central, j2, constant, none, got 'moon'"),
        ({"step_s": 0.0}, "step_s must be within (0, 10], got 0.0"),
        ({"payload_kg": -1.0}, "payload_kg must be within [0, 1e+06], got -1.0"),
        # a bool is not a number (True flew as a 1 deg kick), nor is text; NaN and inf are refused
        ({"kick_deg": True}, "kick_deg must be a number or an array of numbers, got True"),
        (
            {"azimuth_deg": [90.0, False]},
            "azimuth_deg must be a number or an array of numbers, got [90.0, False]",
        ),
        ({"longitude_deg": "east"}, "longitude_deg must be a number or an array of numbers, got 'east'"),
        ({"latitude_deg": float("nan")}, "latitude_deg must be within [-90, 90], got nan"),
        ({"payload_kg": float("inf")}, "payload_kg must be within [0, 1e+06], got inf"),
        ({"payload_kg": True}, "payload_kg must be a number or an array of numbers, got True"),
        ({"step_s": True}, "step_s must be a number, got True"),
        ({"rotation": 1}, "rotation must be True or False, got 1"),
        ({"drag": "no"}, "drag must be True or False, got 'no'"),
        ({"pitch": 5.0}, "pitch must be a shieldcheck.boost.PitchProgram, got 5.0"),
    ],
)
def test_bad_input_names_field_rule_value(kwargs, message):
    args = {"latitude_deg": 0.0, "longitude_deg": 0.0, "azimuth_deg": 90.0, "kick_deg": 5.0}
    args.update({k: v for k, v in kwargs.items() if k in args})
    extra = {k: v for k, v in kwargs.items() if k not in args}
    with pytest.raises(InputError) as err:
        fly_batch(THREE_STAGE, **args, **extra)
    assert str(err.value) == message


def test_stage_validation_names_field():
    with pytest.raises(InputError, match=r"isp_sl_s must be within \(0, 250\], got 260.0"):
        Stage(100.0, 10.0, 10.0, 250.0, 260.0, 1.0)
    with pytest.raises(InputError, match="burn_time_s must be a number, got True"):
        Stage(100.0, 10.0, True, 250.0, 240.0, 1.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"range_km": True}, "range_km must be a number or an array of numbers, got True"),
        ({"range_km": float("nan")}, "range_km must be within (0, 20000], got nan"),
        ({"iterations": True}, "iterations must be a number, got True"),
        ({"payload_kg": False}, "payload_kg must be a number or an array of numbers, got False"),
    ],
)
def test_solve_kick_refuses_bools_nan_and_text(kwargs, message):
    args = {"goal": "range", "range_km": 1000.0, **kwargs}
    with pytest.raises(InputError) as err:
        solve_kick(THREE_STAGE, 0.0, 0.0, 90.0, **args)
    assert str(err.value) == message


def test_a_vehicle_of_the_wrong_type_is_an_input_error():
    with pytest.raises(InputError, match="vehicle must be a shieldcheck.boost.Vehicle, got int"):
        fly_batch(5, 0.0, 0.0, 90.0, 5.0)


def test_atmosphere_table_matches_ambiance_between_nodes():
    # independent values: ambiance (U.S. Standard Atmosphere 1976) at altitudes between the table's nodes
    from ambiance import Atmosphere

    h = np.array([0.05, 3.33, 11.07, 20.04, 47.55, 71.23, 80.95])
    ref = Atmosphere(h * 1e3)
    rho, p, a = boost.atmosphere(h)
    np.testing.assert_allclose(rho, ref.density, rtol=2e-4)  # linear between 0.1 km nodes
    np.testing.assert_allclose(p, ref.pressure, rtol=2e-4)
    np.testing.assert_allclose(a, ref.speed_of_sound * 1e-3, rtol=1e-4)
    tail = boost.atmosphere(np.array([81.0, 90.0, 120.0, 299.0, 301.0]))[0]
    assert np.all(np.diff(tail) < 0) and tail[-1] == 0.0


def test_free_flight_escape_and_orbit_are_statuses_not_errors():
    # a light upper stage flown flat leaves the Earth or goes into orbit: a status, with NaN figures
    from shieldcheck.catalog.boosters import get_booster

    light = get_booster("gbi-3stage").vehicle.with_payload(10.0)  # over 11 km/s: escape speed
    b = fly_batch(light, 0.0, 0.0, 90.0, [20.0, 40.0])
    ff = free_flight(b)
    assert list(ff["status"]) == ["escape", "escape"]
    assert np.all(np.isnan(ff["range_km"])) and np.all(np.isnan(ff["apogee_altitude_km"]))


def test_atmosphere_and_free_flight_refuse_bad_input():
    with pytest.raises(InputError, match="altitude_km must be a number or an array of numbers, got True"):
        boost.atmosphere(True)
    with pytest.raises(InputError, match=r"altitude_km must be within \[-1000, 1e\+06\], got nan"):
        boost.atmosphere([1.0, float("nan")])
    b = fly_batch(THREE_STAGE, 0.0, 0.0, 90.0, 10.0)
    with pytest.raises(InputError, match="rotation must be True or False, got 'yes'"):
        free_flight(b, rotation="yes")
    with pytest.raises(InputError, match="batch must be a shieldcheck.boost.BoostBatch"):
        free_flight(b[0])


def test_cut_vehicle_with_the_largest_allowed_payload_carries_its_upper_stages():
    # breaker (s4): a 1e6 kg payload (the users' bound) cut before the last stage was refused with
    # "payload_kg must be within [0, 1e+06], got 1008000.0", a number the user never gave; the cut vehicle's
    # payload is the user's plus every unburnt stage above the cut (arithmetic from the catalog's masses)
    from shieldcheck.boost import cut_vehicle
    from shieldcheck.catalog.boosters import get_booster

    v = get_booster("hwasong-15").vehicle.with_payload(1e6)
    first = v.stages[0]
    cut = cut_vehicle(v, 0.5 * first.burn_time_s)
    above = sum(s.propellant_mass_kg + s.dry_mass_kg for s in v.stages[1:])
    assert cut.payload_kg == pytest.approx(1e6 + above, rel=1e-12)


def test_a_changed_source_drops_every_cached_kernel(tmp_path):
    # numba checks a cached kernel only against its own file, but staged.py compiles boost.py's integrator
    # into its fit: after a change of boost.py's step rule the cached fit flew the old rule (s4's 1.2 m
    # "restart vs fresh cut" and 1.2e-4 km "reach margin" failures). A fingerprint of all the sources drops
    # every cached kernel when any source changes, and nothing while they stay the same.
    from shieldcheck._numba import drop_stale_kernels

    for name in ("staged._fit_many-1.py311.nbi", "staged._fit_many-1.py311.0.nbc", "boost._atm-2.py311.nbi"):
        (tmp_path / name).write_bytes(b"old")
    (tmp_path / "keep.pyc").write_bytes(b"x")
    assert drop_stale_kernels(tmp_path) == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.pyc", "shieldcheck-sources.sha256"]
    (tmp_path / "boost._atm-2.py311.nbi").write_bytes(b"new")
    assert drop_stale_kernels(tmp_path) == 0  # same sources: the fresh cache stays
    (tmp_path / "shieldcheck-sources.sha256").write_text("a fingerprint of other sources")
    assert drop_stale_kernels(tmp_path) == 1


def test_a_step_ends_on_an_atmosphere_kink_but_never_shrinks_to_nothing():
    # the U.S. Standard Atmosphere 1976's layer bases: geopotential H -> geometric h = r0 H / (r0 - H),
    # r0 = 6,356.766 km (NOAA-S/T 76-1562, eq. 19); ambiance's own conversion is the independent value
    from ambiance import Atmosphere

    kinks = np.asarray(boost._KINK_KM)
    bases = Atmosphere.geop2geom_height(np.array([11.0, 20.0, 32.0, 47.0, 51.0, 71.0]) * 1e3) / 1e3
    np.testing.assert_allclose(kinks[:6], bases, rtol=0, atol=1e-9)
    # vacuum, no turn or mass-flow limit: the free step is 0.75 x 8 x 0.5 s = 3 s; climbing at 1 km/s from
    # 0.1 km below the 20 km kink, the step ends on it
    def vacuum_step(h_km, climb_km_s):
        return boost._step_length(0.5, 0.0, 0, 0.0, 1000.0, 0.0, 100.0, h_km, climb_km_s)

    assert vacuum_step(kinks[1] - 0.1, 1.0) == pytest.approx(0.1, rel=1e-9)
    # descending onto it from above, the same
    assert vacuum_step(kinks[1] + 0.2, -2.0) == pytest.approx(0.1, rel=1e-9)
    # a kink nearer than the shortest step (0.0075 s at 0.5 s) is crossed: a step aimed at 1e-15 km would
    # not move the clock, and the segment would never end
    assert vacuum_step(kinks[1] - 1e-15, 1.0) == pytest.approx(3.0)
    assert vacuum_step(50.0, 1.0) == pytest.approx(1.41247963, abs=1e-6)  # to the 51 km (geopotential) base
