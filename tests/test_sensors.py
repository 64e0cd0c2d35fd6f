"""Sensors: radar equation, σ^(1/4) scaling, radar horizon, field of regard, visibility intervals, early
warning and input errors.

References: shared/references.md, "Radar" (line-of-sight closed form, radar equations, the MathWorks
``radareqrng`` test vector); Skolnik, Introduction to Radar Systems, 3rd ed. (2001), ch. 2 and 8.
"""

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shieldcheck.earth import (
    SPHERE_RADIUS_KM,
    ellipsoid,
    enu_basis,
    geodesic_direct,
    geodetic_to_ecef,
)
from shieldcheck.errors import InputError
from shieldcheck.sensors import (
    BOLTZMANN_J_K,
    SPEED_OF_LIGHT_M_S,
    EarlyWarningSatellites,
    GroundRadar,
    SensorView,
    _euler_radius_km,
    coverage_boundary,
    horizon_min_altitude_km,
    radar_range_average_power_km,
    radar_range_single_pulse_km,
    view,
    visibility_intervals,
)
from shieldcheck.threats import trajectory, trajectory_state

R = SPHERE_RADIUS_KM


def along(radar, azimuth_deg, elevation_deg, slant_km, earth="sphere"):
    """ECEF point at a given azimuth, elevation and slant range from a radar (its ENU frame)."""
    east, north, up = enu_basis(radar.latitude_deg, radar.longitude_deg, earth)
    site = geodetic_to_ecef(radar.latitude_deg, radar.longitude_deg, radar.altitude_km, earth)
    az, el = np.radians(azimuth_deg), np.radians(elevation_deg)
    az, el, slant = np.broadcast_arrays(az, el, np.asarray(slant_km, dtype=float))
    d = (
        (np.cos(el) * np.sin(az))[..., None] * east
        + (np.cos(el) * np.cos(az))[..., None] * north
        + np.sin(el)[..., None] * up
    )
    return site + slant[..., None] * d


# ------------------------------------------------------------------------------------ radar equation
def test_radar_equation_reference_vector():
    # MathWorks radareqrng documentation example (shared/references.md): 10 GHz, SNR 6 dB, P_t = 1 MW,
    # tau = 10 us, G = 20 dB, sigma = 1 m^2, T_s = 290 K, no loss -> 41.057 km.
    wavelength_m = 299792458.0 / 10e9
    r = radar_range_single_pulse_km(1e6, 10e-6, 20.0, wavelength_m, 1.0, 290.0, 0.0, 6.0)
    assert float(r) == pytest.approx(41.057, abs=0.001)
    assert SPEED_OF_LIGHT_M_S == 299792458.0
    assert BOLTZMANN_J_K == 1.380649e-23


def test_average_power_form_hand_calculation():
    # P_av = 100 kW, t_dwell = 0.1 s, A = 100 m^2, eta = 0.6, lambda = 3 cm, sigma = 0.1 m^2, T_s = 500 K,
    # L = 5 dB, SNR = 15 dB. By hand: A_e = 60 m^2, G = 4 pi 60 / 9e-4 = 837 758.04, L x SNR = 10^2 exactly,
    # R^4 = 1e4 J * 837758.04 * 60 * 0.1 / (157.91367 * 1.380649e-23 * 500 * 100) = 4.6109e26 m^4,
    # R = 4634.0 km.
    a_e = 60.0
    gain = 4.0 * math.pi * a_e / 0.03**2
    assert gain == pytest.approx(837758.04, abs=0.01)
    r4 = 1e4 * gain * a_e * 0.1 / ((4.0 * math.pi) ** 2 * 1.380649e-23 * 500.0 * 100.0)
    assert r4 == pytest.approx(4.6109e26, rel=1e-4)
    r = radar_range_average_power_km(100e3, 0.1, 100.0, 0.6, 0.03, 0.1, 500.0, 5.0, 15.0)
    assert float(r) == pytest.approx(r4**0.25 / 1e3, abs=1e-6)
    assert float(r) == pytest.approx(4634.0, abs=0.5)


@pytest.mark.parametrize("wavelength_m, aperture_m2, eta", [(0.03, 100.0, 0.6), (0.23, 500.0, 0.5)])
def test_average_power_form_equals_single_pulse_for_one_pulse(wavelength_m, aperture_m2, eta):
    # One pulse: P_av t_dwell = P_t tau, and G = 4 pi A_e / lambda^2 (Skolnik 2001, ch. 2).
    p_t, tau = 2e6, 50e-6
    gain_db = 10.0 * math.log10(4.0 * math.pi * eta * aperture_m2 / wavelength_m**2)
    single = radar_range_single_pulse_km(p_t, tau, gain_db, wavelength_m, 0.5, 400.0, 3.0, 13.0)
    average = radar_range_average_power_km(p_t, tau, aperture_m2, eta, wavelength_m, 0.5, 400.0, 3.0, 13.0)
    assert float(average) == pytest.approx(float(single), rel=1e-12)


def test_radar_equations_broadcast():
    r = radar_range_single_pulse_km(1e6, 10e-6, 20.0, 0.03, [1.0, 16.0, 0.01], 290.0, 0.0, 6.0)
    assert r.shape == (3,)
    assert r[1] / r[0] == pytest.approx(2.0, rel=1e-12)
    assert isinstance(radar_range_average_power_km(1e5, 0.1, 100.0, 0.6, 0.03, 1.0, 500.0, 0.0, 13.0), float)


# ------------------------------------------------------------------------------------ sigma^(1/4)
def test_range_scales_as_fourth_root_of_rcs():
    # R^4 proportional to sigma (radar equation): 16x RCS doubles the range; 0.01 m^2 vs 1 m^2 -> 10^-0.5.
    radar = GroundRadar("x", 0.0, 0.0, max_range_km=1000.0, reference_rcs_m2=1.0)
    assert float(radar.max_range_for_rcs_km(16.0)) == pytest.approx(2000.0, abs=1e-9)
    assert float(radar.max_range_for_rcs_km(0.01)) == pytest.approx(1000.0 * 10**-0.5, abs=1e-9)
    assert radar.max_range_for_rcs_km(None) == 1000.0
    both = radar.max_range_for_rcs_km(np.array([16.0, 0.01]))
    np.testing.assert_allclose(both, [2000.0, 1000.0 * 10**-0.5], atol=1e-9)
    ref = GroundRadar("y", 0.0, 0.0, max_range_km=500.0, reference_rcs_m2=0.1)
    assert float(ref.max_range_for_rcs_km(1.6)) == pytest.approx(1000.0, abs=1e-9)


@pytest.mark.parametrize("rcs_m2", [None, 16.0, 0.01])
def test_sees_flips_at_the_scaled_range(rcs_m2):
    radar = GroundRadar("x", 20.0, 30.0, max_range_km=1000.0)
    limit = float(radar.max_range_for_rcs_km(rcs_m2))
    pts = along(radar, 75.0, 40.0, [limit - 0.001, limit + 0.001])  # 1 m either side
    np.testing.assert_array_equal(radar.sees(pts, rcs_m2=rcs_m2, earth="sphere"), [True, False])


def test_rcs_broadcasts_against_positions():
    radar = GroundRadar("x", 20.0, 30.0, max_range_km=1000.0)
    pts = along(radar, 75.0, 40.0, 1500.0)  # 1500 km: needs rcs >= (1.5)^4 = 5.0625 m^2
    np.testing.assert_array_equal(
        radar.sees(pts, rcs_m2=[1.0, 5.0, 5.2], earth="sphere"), [False, False, True]
    )
    with pytest.raises(InputError, match=r"rcs_m2 of shape \(2,\) does not broadcast"):
        radar.sees(np.stack([pts] * 3), rcs_m2=[1.0, 2.0], earth="sphere")


# ------------------------------------------------------------------------------------ horizon
def horizon_grid():
    """Ground distance (km), mask (deg), k, radar altitude (km) covering ε > 0, ε = 0, ε < 0 above and
    below the dip of the horizon, and both branches of the closed form."""
    cases = []
    for s in (20.0, 200.0, 600.0, 1500.0, 3000.0, 6000.0):
        for mask in (-5.0, -2.0, 0.0, 3.0, 10.0, 30.0):
            for k in (1.0, 4.0 / 3.0):
                for h_r in (0.0, 2.5, 10.0):
                    cases.append((s, mask, k, h_r))
    return cases


@pytest.mark.parametrize("k", [1.0, 4.0 / 3.0])
def test_line_of_sight_matches_closed_form_on_the_sphere(k):
    # h_min = (R_e + h_r) cos e / cos(theta_e + e) - R_e (shared/references.md, "Radar"): a target
    # 0.01 km above is seen and 0.01 km below is not, for every grid point with a finite h_min.
    checked = 0
    for s, mask, kk, h_r in horizon_grid():
        if kk != k:
            continue
        h_min = float(horizon_min_altitude_km(s / R, h_r, mask, k))
        if not math.isfinite(h_min):
            continue
        radar = GroundRadar(
            "x", 12.0, 40.0, altitude_km=h_r, max_range_km=50000.0, elevation_mask_deg=mask, k_factor=k
        )
        lat, lon, _ = geodesic_direct(12.0, 40.0, 37.0, s, earth="sphere")
        pts = geodetic_to_ecef(lat, lon, [h_min + 0.01, h_min - 0.01], earth="sphere")
        np.testing.assert_array_equal(
            radar.sees(pts, earth="sphere"),
            [True, False],
            err_msg=f"s={s} mask={mask} k={k} h_r={h_r} h_min={h_min}",
        )
        checked += 1
    assert checked >= 100


@settings(max_examples=300, deadline=None)
@given(
    theta=st.floats(0.001, 1.5),
    mask=st.floats(-5.0, 85.0),
    k=st.floats(1.0, 2.0),
    h_r=st.floats(0.0, 10.0),
    azimuth=st.floats(0.0, 359.9),
)
def test_line_of_sight_property_on_the_sphere(theta, mask, k, h_r, azimuth):
    # the same closed form over random geometry: 10 m above h_min seen, 10 m below not
    h_min = float(horizon_min_altitude_km(theta, h_r, mask, k))
    if not math.isfinite(h_min) or h_min > 40000.0:
        return
    radar = GroundRadar(
        "x", -33.0, 151.0, altitude_km=h_r, max_range_km=50000.0, elevation_mask_deg=mask, k_factor=k
    )
    lat, lon, _ = geodesic_direct(-33.0, 151.0, azimuth, theta * R, earth="sphere")
    pts = geodetic_to_ecef(lat, lon, [h_min + 0.01, h_min - 0.01], earth="sphere")
    np.testing.assert_array_equal(radar.sees(pts, earth="sphere"), [True, False])


def test_horizon_closed_form_values_and_limits():
    theta = 1000.0 / R
    # plain formula for a zero mask at sea level: R / cos(theta) - R
    assert float(horizon_min_altitude_km(theta)) == pytest.approx(R / math.cos(theta) - R, abs=1e-9)
    # 4/3 Earth: R_e = 4R/3, theta_e = 3 theta / 4
    r_e = 4.0 * R / 3.0
    expected = r_e / math.cos(0.75 * theta) - r_e
    assert float(horizon_min_altitude_km(theta, k_factor=4 / 3)) == pytest.approx(expected, abs=1e-9)
    # radar altitude and mask: direct evaluation of the closed form
    eps = math.radians(5.0)
    expected = (R + 3.0) * math.cos(eps) / math.cos(theta + eps) - R
    assert float(horizon_min_altitude_km(theta, 3.0, 5.0)) == pytest.approx(expected, abs=1e-9)
    # no ray reaches theta + eps >= 90 deg
    assert horizon_min_altitude_km(math.radians(80.0), 0.0, 10.0) == math.inf
    assert horizon_min_altitude_km(math.radians(95.0)) == math.inf
    # negative mask below the dip of the horizon: the tangent ray limits, never below the surface
    dip = math.acos(R / (R + 10.0))
    assert float(horizon_min_altitude_km(theta, 10.0, -5.0)) == pytest.approx(
        R / math.cos(theta - dip) - R, abs=1e-9
    )
    assert float(horizon_min_altitude_km(200.0 / R, 10.0, -5.0)) == 0.0  # nearer than the dip
    out = horizon_min_altitude_km(np.array([[0.01, 0.1], [0.2, 2.0]]))
    assert out.shape == (2, 2) and out[1, 1] == math.inf


@pytest.mark.parametrize(
    "latitude_deg, azimuth_deg", [(0.0, 0.0), (0.0, 90.0), (49.62, 45.0), (49.62, 0.0), (80.0, 135.0)]
)
def test_line_of_sight_on_the_ellipsoid(latitude_deg, azimuth_deg):
    # k = 4/3 uses the osculating sphere (Euler radius in the target's azimuth, geodesic ground distance)
    # and so reproduces the closed form with that radius (0.01 km). For k = 1 the exact ellipsoid geometry
    # stays within 0.1 km of the same closed form at 1000 km and 1 km at 2500 km.
    a, e2 = ellipsoid("wgs84")
    r_alpha = float(_euler_radius_km(latitude_deg, azimuth_deg, a, e2))
    for s, tol_k1 in ((1000.0, 0.1), (2500.0, 1.0)):
        lat, lon, _ = geodesic_direct(latitude_deg, 13.0, azimuth_deg, s)
        for k, tol in ((4.0 / 3.0, 0.01), (1.0, tol_k1)):
            h_min = float(horizon_min_altitude_km(s / r_alpha, 0.0, 0.0, k, radius_km=r_alpha))
            radar = GroundRadar("x", latitude_deg, 13.0, max_range_km=50000.0, k_factor=k)
            seen = radar.sees(geodetic_to_ecef(lat, lon, [h_min + tol, h_min - tol]))
            np.testing.assert_array_equal(seen, [True, False], err_msg=f"s={s} k={k}")


def test_effective_earth_sees_lower_than_geometric():
    # 4/3 Earth: a target just below the geometric horizon is seen by a refracting radar
    lat, lon, _ = geodesic_direct(0.0, 0.0, 90.0, 300.0, earth="sphere")
    low = geodetic_to_ecef(lat, lon, 6.0, earth="sphere")  # h_min: 7.07 km (k = 1), 5.30 km (k = 4/3)
    assert not GroundRadar("g", 0.0, 0.0, k_factor=1.0).sees(low, earth="sphere")
    assert GroundRadar("r", 0.0, 0.0, k_factor=4 / 3).sees(low, earth="sphere")


def test_target_under_the_earth_is_not_seen_with_a_negative_mask():
    # A straight line from a radar at sea level to a point on the far side of the Earth passes through
    # the Earth even when its elevation is above a -5 deg mask.
    radar = GroundRadar("x", 0.0, 0.0, elevation_mask_deg=-5.0, max_range_km=50000.0)
    lat, lon, _ = geodesic_direct(0.0, 0.0, 90.0, 50.0, earth="sphere")
    surface = geodetic_to_ecef(lat, lon, 0.0, earth="sphere")  # elevation -0.22 deg, chord inside Earth
    assert not radar.sees(surface, earth="sphere")
    assert radar.sees(geodetic_to_ecef(lat, lon, 1.0, earth="sphere"), earth="sphere")


# ------------------------------------------------------------------------------------ field of regard
@pytest.mark.parametrize("boresight, half_width", [(350.0, 30.0), (10.0, 30.0), (180.0, 45.0), (0.0, 179.0)])
@pytest.mark.parametrize("earth", ["sphere", "wgs84"])
def test_field_of_regard_edges_and_wrap(boresight, half_width, earth):
    radar = GroundRadar(
        "x", 45.0, 10.0, max_range_km=3000.0, boresight_azimuth_deg=boresight, half_width_deg=half_width
    )
    inside = [boresight + half_width - 1.0, boresight - half_width + 1.0, boresight]
    outside = [boresight + half_width + 1.0, boresight - half_width - 1.0]
    azimuths = np.mod(np.array(inside + outside), 360.0)
    pts = along(radar, azimuths, 10.0, 800.0, earth=earth)
    np.testing.assert_array_equal(radar.sees(pts, earth=earth), [True, True, True, False, False])


def test_all_azimuths_without_a_boresight_and_full_half_width():
    everywhere = GroundRadar("x", 45.0, 10.0, max_range_km=3000.0)
    full = GroundRadar("y", 45.0, 10.0, max_range_km=3000.0, boresight_azimuth_deg=0.0, half_width_deg=180.0)
    pts = along(everywhere, np.arange(0.0, 360.0, 15.0), 10.0, 800.0)
    assert np.all(everywhere.sees(pts, earth="sphere"))
    assert np.all(full.sees(pts, earth="sphere"))


def test_max_elevation_limit():
    radar = GroundRadar("x", 45.0, 10.0, max_range_km=3000.0, elevation_mask_deg=5.0, max_elevation_deg=60.0)
    pts = along(radar, 120.0, [4.0, 6.0, 59.0, 61.0, 90.0], 500.0)
    np.testing.assert_array_equal(radar.sees(pts, earth="sphere"), [False, True, True, False, False])


# ------------------------------------------------------------------------------------ shapes and edges
def test_scalar_and_array_parity_and_shapes():
    radar = GroundRadar(
        "x", 49.62, 13.73, max_range_km=2000.0, boresight_azimuth_deg=120.0, half_width_deg=60.0
    )
    rng = np.random.default_rng(7)
    lat = rng.uniform(30.0, 65.0, 200)
    lon = rng.uniform(-10.0, 60.0, 200)
    alt = rng.uniform(0.0, 1500.0, 200)
    pts = geodetic_to_ecef(lat, lon, alt)
    many = radar.sees(pts)
    assert many.shape == (200,) and many.dtype == bool
    assert 0 < many.sum() < 200
    one_by_one = [radar.sees(p) for p in pts]
    assert all(isinstance(v, np.bool_) for v in one_by_one)
    np.testing.assert_array_equal(many, one_by_one)
    np.testing.assert_array_equal(radar.sees(pts.reshape(10, 20, 3)), many.reshape(10, 20))


def test_non_finite_positions_are_not_seen():
    radar = GroundRadar("x", 0.0, 0.0, max_range_km=3000.0)
    pts = along(radar, 0.0, 45.0, [100.0, 100.0])
    pts[1, 0] = np.nan
    np.testing.assert_array_equal(radar.sees(pts, earth="sphere"), [True, False])


def test_pole_and_antimeridian():
    pole = GroundRadar("pole", 90.0, 0.0, max_range_km=3000.0)
    assert pole.sees(geodetic_to_ecef(85.0, 123.0, 300.0))
    assert not pole.sees(geodetic_to_ecef(60.0, 123.0, 10.0))
    east = GroundRadar("east", 0.0, 179.9, max_range_km=3000.0)
    wrapped = GroundRadar("wrapped", 0.0, -180.1 + 360.0, max_range_km=3000.0)
    target = geodetic_to_ecef(0.0, -179.9, 200.0)
    assert east.sees(target) and wrapped.sees(target)
    a = GroundRadar("a", 40.0, 350.0, max_range_km=3000.0, k_factor=4 / 3)
    b = GroundRadar("b", 40.0, -10.0, max_range_km=3000.0, k_factor=4 / 3)
    pts = geodetic_to_ecef(np.linspace(30.0, 50.0, 9), 5.0, 150.0)
    np.testing.assert_array_equal(a.sees(pts), b.sees(pts))


# ------------------------------------------------------------------------------------ visibility on a threat
@pytest.fixture(scope="module")
def tehran_london():
    # min-energy, boost 170 s to 200 km altitude and 400 km downrange (references.md, solid ICBM boost)
    return trajectory(
        (35.69, 51.39), (51.51, -0.13), burn_time_s=170, burnout_altitude_km=200, burnout_range_km=400
    )


BRDY = GroundRadar("brdy", 49.62, 13.73, max_range_km=2000.0, source="references.md: Brdy, ~2000 km")


def test_visibility_intervals_on_a_real_threat(tehran_london):
    traj = tehran_london
    tol = 0.01
    intervals = visibility_intervals(BRDY, traj, tol_s=tol)
    assert intervals
    flat = [t for pair in intervals for t in pair]
    assert flat == sorted(flat)
    assert all(b > a for a, b in intervals)
    assert 0.0 <= flat[0] and flat[-1] <= traj.flight_time_s
    for a, b in intervals:
        times = [a, b, 0.5 * (a + b)]
        if a > 0.0:
            times.append(a - tol)
        if b < traj.flight_time_s:
            times.append(b + tol)
        seen = BRDY.sees(trajectory_state(traj, times)[0])
        np.testing.assert_array_equal(seen[:3], True)
        assert not np.any(seen[3:])


def test_visibility_intervals_against_fine_sampling(tehran_london):
    # brute force: sample every 0.1 s; every sample inside an interval is seen and every sample more
    # than 0.1 s outside all intervals is not
    traj = tehran_london
    intervals = visibility_intervals(BRDY, traj)
    t = np.arange(0.0, traj.flight_time_s, 0.1)
    seen = BRDY.sees(trajectory_state(traj, t)[0])
    inside = np.zeros(t.size, dtype=bool)
    near = np.zeros(t.size, dtype=bool)
    for a, b in intervals:
        inside |= (t >= a) & (t <= b)
        near |= (t >= a - 0.1) & (t <= b + 0.1)
    assert np.all(seen[inside])
    assert not np.any(seen[~near])
    # a finer step finds the same edges
    fine = visibility_intervals(BRDY, traj, step_s=1.0)
    np.testing.assert_allclose(np.ravel(fine), np.ravel(intervals), atol=0.02)


def test_small_rcs_shortens_and_short_range_empties(tehran_london):
    traj = tehran_london
    (a1, b1), *_ = visibility_intervals(BRDY, traj, rcs_m2=1.0)
    small = visibility_intervals(BRDY, traj, rcs_m2=0.01)
    assert small and small[0][0] > a1  # 632 km range instead of 2000 km: seen later
    short = GroundRadar("short", 49.62, 13.73, max_range_km=10.0)
    assert visibility_intervals(short, traj) == []
    v = view(short, traj)
    assert v.intervals == () and math.isnan(v.first_s) and math.isnan(v.last_s)
    d = v.to_dict()
    assert d["first_s"] is None and d["last_s"] is None and d["intervals"] == []


def test_view_and_to_dict(tehran_london):
    traj = tehran_london
    v = view(BRDY, traj)
    assert isinstance(v, SensorView)
    assert (v.sensor, v.kind, v.fire_control) == ("brdy", "radar", True)
    assert v.first_s == v.intervals[0][0] and v.last_s == v.intervals[-1][1]
    assert list(v.intervals) == visibility_intervals(BRDY, traj)
    d = v.to_dict()
    assert list(d) == ["sensor", "kind", "fire_control", "intervals", "first_s", "last_s"]
    assert d["intervals"][0] == [v.intervals[0][0], v.intervals[0][1]]
    ew_radar = GroundRadar("ew", 49.62, 13.73, max_range_km=2000.0, fire_control=False)
    assert view(ew_radar, traj).fire_control is False
    # same trajectory and radar on an explicit Earth model
    assert view(BRDY, traj, earth="wgs84") == v


# ------------------------------------------------------------------------------------ early warning
def test_early_warning_detects_during_boost(tehran_london):
    sat = EarlyWarningSatellites("sbirs", detection_delay_s=30.0)
    assert sat.detection_time_s(tehran_london) == 30.0
    assert sat.intervals(tehran_london) == [(30.0, 170.0)]
    assert visibility_intervals(sat, tehran_london) == [(30.0, 170.0)]
    v = view(sat, tehran_london)
    assert (v.kind, v.fire_control, v.first_s, v.last_s) == ("early_warning", False, 30.0, 170.0)
    assert v.to_dict()["intervals"] == [[30.0, 170.0]]
    at_burnout = EarlyWarningSatellites("edge", detection_delay_s=170.0)
    assert at_burnout.intervals(tehran_london) == [(170.0, 170.0)]


def test_early_warning_misses_a_short_boost():
    short = trajectory(
        (35.69, 51.39), (51.51, -0.13), burn_time_s=20, burnout_altitude_km=20, burnout_range_km=20
    )
    sat = EarlyWarningSatellites("sbirs", detection_delay_s=30.0)
    assert math.isnan(sat.detection_time_s(short))
    assert sat.intervals(short) == []
    v = view(sat, short)
    assert v.to_dict()["first_s"] is None and v.intervals == ()
    no_boost = trajectory((35.69, 51.39), (51.51, -0.13))  # burn time 0: nothing to see
    assert math.isnan(EarlyWarningSatellites("zero", detection_delay_s=0.0).detection_time_s(no_boost))


# ------------------------------------------------------------------------------------ construction
def test_from_radar_equation():
    kw = dict(
        average_power_w=100e3,
        aperture_m2=100.0,
        aperture_efficiency=0.6,
        wavelength_m=0.03,
        system_temperature_k=500.0,
        losses_db=5.0,
        dwell_s=0.1,
        required_snr_db=15.0,
    )
    radar = GroundRadar.from_radar_equation(
        "xband", 49.62, 13.73, reference_rcs_m2=0.1, elevation_mask_deg=2.0, source="test", **kw
    )
    expected = radar_range_average_power_km(100e3, 0.1, 100.0, 0.6, 0.03, 0.1, 500.0, 5.0, 15.0)
    assert radar.max_range_km == pytest.approx(float(expected), abs=1e-9)
    assert (radar.reference_rcs_m2, radar.elevation_mask_deg, radar.source) == (0.1, 2.0, "test")
    with pytest.raises(InputError, match="xband max_range_km is computed from the radar equation"):
        GroundRadar.from_radar_equation("xband", 0.0, 0.0, max_range_km=5.0, **kw)
    with pytest.raises(InputError, match=r"aperture_efficiency must be within \(0, 1\], got 1.5"):
        GroundRadar.from_radar_equation("xband", 0.0, 0.0, **{**kw, "aperture_efficiency": 1.5})


def test_fields_are_stored_as_floats():
    radar = GroundRadar("x", np.float64(10.0), 20, altitude_km=np.float32(0.5))
    assert type(radar.latitude_deg) is float and type(radar.longitude_deg) is float
    assert repr(radar.altitude_km) == "0.5"


# ------------------------------------------------------------------------------------ input errors
@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"latitude_deg": 95.0}, "brdy latitude_deg must be within [-90, 90], got 95.0"),
        ({"latitude_deg": math.nan}, "brdy latitude_deg must be within [-90, 90], got nan"),
        ({"longitude_deg": -181.0}, "brdy longitude_deg must be within [-180, 360], got -181.0"),
        ({"longitude_deg": "east"}, "brdy longitude_deg must be a number, got 'east'"),
        ({"altitude_km": 11.0}, "brdy altitude_km must be within [0, 10], got 11.0"),
        ({"altitude_km": -0.1}, "brdy altitude_km must be within [0, 10], got -0.1"),
        ({"max_range_km": 0.0}, "brdy max_range_km must be within (0, 50000], got 0.0"),
        ({"max_range_km": 6e4}, "brdy max_range_km must be within (0, 50000], got 60000.0"),
        ({"max_range_km": math.inf}, "brdy max_range_km must be within (0, 50000], got inf"),
        ({"reference_rcs_m2": 0.0}, "brdy reference_rcs_m2 must be within (0, 10000], got 0.0"),
        ({"reference_rcs_m2": 2e4}, "brdy reference_rcs_m2 must be within (0, 10000], got 20000.0"),
        ({"elevation_mask_deg": 95.0}, "brdy elevation_mask_deg must be within [-5, 90), got 95.0"),
        ({"elevation_mask_deg": 90.0}, "brdy elevation_mask_deg must be within [-5, 90), got 90.0"),
        ({"elevation_mask_deg": -6.0}, "brdy elevation_mask_deg must be within [-5, 90), got -6.0"),
        (
            {"elevation_mask_deg": 10.0, "max_elevation_deg": 10.0},
            "brdy max_elevation_deg must be within (10, 90], got 10.0",
        ),
        ({"max_elevation_deg": 91.0}, "brdy max_elevation_deg must be within (0, 90], got 91.0"),
        ({"k_factor": 0.9}, "brdy k_factor must be within [1, 2], got 0.9"),
        ({"k_factor": 2.5}, "brdy k_factor must be within [1, 2], got 2.5"),
        (
            {"boresight_azimuth_deg": 360.0, "half_width_deg": 10.0},
            "brdy boresight_azimuth_deg must be within [0, 360), got 360.0",
        ),
        (
            {"boresight_azimuth_deg": -1.0, "half_width_deg": 10.0},
            "brdy boresight_azimuth_deg must be within [0, 360), got -1.0",
        ),
        (
            {"boresight_azimuth_deg": 10.0, "half_width_deg": 0.0},
            "brdy half_width_deg must be within (0, 180], got 0.0",
        ),
        (
            {"boresight_azimuth_deg": 10.0, "half_width_deg": 181.0},
            "brdy half_width_deg must be within (0, 180], got 181.0",
        ),
        (
            {"boresight_azimuth_deg": 10.0},
            "brdy boresight_azimuth_deg and half_width_deg must be given together (or neither, for all "
            "azimuths), got boresight_azimuth_deg=10.0 and half_width_deg=None",
        ),
        (
            {"half_width_deg": 10.0},
            "brdy boresight_azimuth_deg and half_width_deg must be given together (or neither, for all "
            "azimuths), got boresight_azimuth_deg=None and half_width_deg=10.0",
        ),
        ({"fire_control": "yes"}, "brdy fire_control must be True or False, got 'yes'"),
        ({"source": None}, "brdy source must be a string, got None"),
    ],
)
def test_ground_radar_rejects_bad_fields(kwargs, message):
    args = {"name": "brdy", "latitude_deg": 49.62, "longitude_deg": 13.73, **kwargs}
    with pytest.raises(InputError, match=re.escape(message) + "$"):
        GroundRadar(**args)


def test_bad_names_and_early_warning_fields():
    with pytest.raises(InputError, match=re.escape("radar name must be a non-empty string, got ''")):
        GroundRadar("", 0.0, 0.0)
    with pytest.raises(InputError, match=re.escape("early-warning name must be a non-empty string, got 3")):
        EarlyWarningSatellites(3)
    with pytest.raises(
        InputError, match=re.escape("sbirs detection_delay_s must be within [0, 3600], got -1.0")
    ):
        EarlyWarningSatellites("sbirs", detection_delay_s=-1.0)
    with pytest.raises(
        InputError, match=re.escape("sbirs detection_delay_s must be within [0, 3600], got nan")
    ):
        EarlyWarningSatellites("sbirs", detection_delay_s=math.nan)
    with pytest.raises(
        InputError, match=re.escape("sbirs detection_delay_s must be within [0, 3600], got 4000.0")
    ):
        EarlyWarningSatellites("sbirs", detection_delay_s=4000.0)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda r: r.max_range_for_rcs_km(0.0), "rcs_m2 must be within (0, inf), got 0.0"),
        (lambda r: r.max_range_for_rcs_km([1.0, -2.0]), "rcs_m2 must be within (0, inf), got -2.0"),
        (lambda r: r.sees([7000.0, 0.0, 0.0], rcs_m2=math.nan), "rcs_m2 must be within (0, inf), got nan"),
        (lambda r: r.sees([7000.0, 0.0]), "r_ecef_km must have shape (..., 3), got shape (2,)"),
        (
            lambda r: r.sees([7000.0, 0.0, 0.0], earth="flat"),
            "earth must be one of wgs84, sphere, got 'flat'",
        ),
    ],
)
def test_radar_method_input_errors(call, message):
    with pytest.raises(InputError, match=re.escape(message) + "$"):
        call(GroundRadar("x", 0.0, 0.0))


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: radar_range_single_pulse_km(0.0, 1e-5, 20.0, 0.03, 1.0, 290.0, 0.0, 6.0),
            "peak_power_w must be within (0, inf), got 0.0",
        ),
        (
            lambda: radar_range_single_pulse_km(1e6, 1e-5, math.nan, 0.03, 1.0, 290.0, 0.0, 6.0),
            "gain_db must be a finite number, got nan",
        ),
        (
            lambda: radar_range_single_pulse_km(1e6, 1e-5, 20.0, 0.03, -1.0, 290.0, 0.0, 6.0),
            "rcs_m2 must be within (0, inf), got -1.0",
        ),
        (
            lambda: radar_range_single_pulse_km(1e6, 1e-5, 20.0, 0.03, 1.0, 290.0, -1.0, 6.0),
            "losses_db must be within [0, inf), got -1.0",
        ),
        (
            lambda: radar_range_average_power_km(1e5, 0.0, 100.0, 0.6, 0.03, 1.0, 500.0, 0.0, 13.0),
            "dwell_s must be within (0, inf), got 0.0",
        ),
        (
            lambda: radar_range_average_power_km(1e5, 0.1, 100.0, 0.6, 0.0, 1.0, 500.0, 0.0, 13.0),
            "wavelength_m must be within (0, inf), got 0.0",
        ),
        (lambda: horizon_min_altitude_km(4.0), "ground_angle_rad must be within [0, 3.14159], got 4.0"),
        (lambda: horizon_min_altitude_km(0.1, 11.0), "radar_altitude_km must be within [0, 10], got 11.0"),
        (
            lambda: horizon_min_altitude_km(0.1, 0.0, 90.0),
            "elevation_mask_deg must be within [-5, 90), got 90.0",
        ),
        (lambda: horizon_min_altitude_km(0.1, 0.0, 0.0, 3.0), "k_factor must be within [1, 2], got 3.0"),
        (
            lambda: visibility_intervals(object(), None),
            "sensor must be a GroundRadar or EarlyWarningSatellites, got object",
        ),
    ],
)
def test_function_input_errors(call, message):
    with pytest.raises(InputError, match=re.escape(message) + "$"):
        call()


def test_visibility_step_and_tolerance_errors(tehran_london):
    with pytest.raises(InputError, match=re.escape("step_s must be within (0, 3600], got 0.0")):
        visibility_intervals(BRDY, tehran_london, step_s=0.0)
    with pytest.raises(InputError, match=re.escape("tol_s must be within (0, 5], got 10.0")):
        visibility_intervals(BRDY, tehran_london, tol_s=10.0)
    with pytest.raises(InputError, match=re.escape("rcs_m2 must be within (0, inf), got -1.0")):
        visibility_intervals(BRDY, tehran_london, rcs_m2=-1.0)


# ------------------------------------------------------------------------------ compiled twin of sees
@pytest.mark.parametrize("model", ["wgs84", "sphere"])
@pytest.mark.parametrize("k", [1.0, 4.0 / 3.0])
def test_radar_kernel_matches_sees(model, k):
    # The engagement and footprint loops use radar_sees_kernel; it must agree with GroundRadar.sees: exactly
    # for k = 1 and on the sphere, and to a handful of grazing cases in 10^4 for k != 1 on the ellipsoid.
    from shieldcheck.earth import ellipsoid
    from shieldcheck.sensors import radar_sees_kernel

    radar = GroundRadar(
        "x",
        49.6,
        13.7,
        0.6,
        max_range_km=3000.0,
        elevation_mask_deg=2.0,
        k_factor=k,
        boresight_azimuth_deg=80.0,
        half_width_deg=70.0,
    )
    rng = np.random.default_rng(3)
    pts = geodetic_to_ecef(
        rng.uniform(30, 70, 10000), rng.uniform(-20, 50, 10000), rng.uniform(0, 1500, 10000), earth=model
    )
    p = radar.kernel_params(earth=model)
    a, e2 = ellipsoid(model)
    ref = radar.sees(pts, earth=model)
    ker = np.array([radar_sees_kernel(p, x, y, z, a, e2) for x, y, z in pts])
    assert ref.sum() > 1000
    mismatches = int(np.sum(ref != ker))
    assert mismatches == 0 if (k == 1.0 or model == "sphere") else mismatches <= 5


# ------------------------------------------------------------------ issue 9: trustworthy under any input
def test_numeric_controls_are_bounded_not_hanging(tehran_london):
    # Issue 9 item 10: tol_s=1e-300 looped forever; tolerance_km=0 divided by zero.
    with pytest.raises(InputError, match=r"tol_s must be within \[1e-06"):
        visibility_intervals(BRDY, tehran_london, tol_s=1e-300)
    with pytest.raises(InputError, match="tolerance_km"):
        coverage_boundary(BRDY, 100.0, tolerance_km=0.0)
    with pytest.raises(InputError, match="samples"):
        coverage_boundary(BRDY, 100.0, samples=10**9)
    with pytest.raises(InputError, match="azimuths_deg"):
        coverage_boundary(BRDY, 100.0, azimuths_deg=[float("nan")])


def test_radar_equation_extreme_inputs_error_not_zero_or_inf():
    # Issue 9 item 6: products of extreme inputs overflowed to inf or underflowed to 0.
    wl = SPEED_OF_LIGHT_M_S / 10e9
    with pytest.raises(InputError, match="give a range of"):
        radar_range_single_pulse_km(1e300, 1e300, 20.0, wl, 1.0, 290.0, 0.0, 6.0)
    with pytest.raises(InputError, match="give a range of"):
        radar_range_single_pulse_km(1e-300, 1e-300, 20.0, wl, 1.0, 290.0, 0.0, 6.0)
    # Only the product P τ enters the closed form R = (P τ G² λ² σ / ((4π)³ k T L S))^(1/4): scaling P by
    # 1e20 and τ by 1e-20 must give the same range.
    r_ref = float(radar_range_single_pulse_km(1e6, 10e-6, 20.0, wl, 1.0, 290.0, 0.0, 6.0))
    r_big = float(radar_range_single_pulse_km(1e6 * 1e20, 10e-6 * 1e-20, 20.0, wl, 1.0, 290.0, 0.0, 6.0))
    assert r_big == pytest.approx(r_ref, rel=1e-12)
    assert r_ref == pytest.approx(41.057, abs=5e-4)  # MathWorks radareqrng documentation
