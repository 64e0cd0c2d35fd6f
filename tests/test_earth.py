"""Earth models, frames and geodesics against independent references.

Oracles: geographiclib (Karney, pure Python) for geodesics on WGS84 and on a sphere; closed forms written
here for frames and look angles.
"""

import math

import numpy as np
import pytest
from geographiclib.geodesic import Geodesic
from hypothesis import given, settings
from hypothesis import strategies as st

from shieldcheck import earth
from shieldcheck.errors import InputError

WGS84 = Geodesic.WGS84
SPHERE = Geodesic(earth.SPHERE_RADIUS_KM * 1e3, 0.0)

lat_st = st.floats(-90.0, 90.0)
lon_st = st.floats(-180.0, 180.0)
alt_st = st.floats(-5.0, 40000.0)


def test_wgs84_axes():
    # NIMA TR8350.2: a = 6378.137 km, b = a(1 - f) = 6356.752314 km
    np.testing.assert_allclose(earth.geodetic_to_ecef(0.0, 0.0), [6378.137, 0.0, 0.0], atol=1e-9)
    np.testing.assert_allclose(earth.geodetic_to_ecef(90.0, 0.0)[2], 6356.7523142, atol=1e-6)
    np.testing.assert_allclose(earth.geodetic_to_ecef(0.0, 90.0, 10.0), [0.0, 6388.137, 0.0], atol=1e-9)


@settings(max_examples=200, deadline=None)
@given(lat_st, lon_st, alt_st, st.sampled_from(["wgs84", "sphere"]))
def test_geodetic_ecef_round_trip(lat, lon, alt, model):
    r = earth.geodetic_to_ecef(lat, lon, alt, model)
    lat2, lon2, alt2 = earth.ecef_to_geodetic(r, model)
    assert abs(alt2 - alt) < 1e-6  # 1 mm
    back = earth.geodetic_to_ecef(lat2, lon2, alt2, model)
    np.testing.assert_allclose(back, r, atol=1e-6)  # 1 mm in position (longitude is undefined at the poles)


def test_scalar_and_array_shapes():
    r = earth.geodetic_to_ecef([0.0, 10.0], [0.0, 20.0], 0.0)
    assert r.shape == (2, 3)
    lat, lon, alt = earth.ecef_to_geodetic(r)
    assert lat.shape == (2,)
    lat0, _, _ = earth.ecef_to_geodetic(r[0])
    assert np.ndim(lat0) == 0
    d, a1, a2 = earth.geodesic_inverse(0.0, 0.0, [1.0, 2.0], [1.0, 2.0])
    assert np.shape(d) == (2,)


def test_eci_rotation_one_sidereal_day():
    # After one sidereal day (2π/ω s) a fixed point returns to the same ECI position.
    r = earth.geodetic_to_ecef(54.472, 17.124)
    day = 2.0 * math.pi / earth.OMEGA_RAD_S
    np.testing.assert_allclose(earth.ecef_to_eci(r, day), r, atol=1e-8)
    quarter = earth.ecef_to_eci([1.0, 0.0, 0.0], day / 4)
    np.testing.assert_allclose(quarter, [0.0, 1.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(earth.eci_to_ecef(earth.ecef_to_eci(r, 1234.5), 1234.5), r, atol=1e-9)
    np.testing.assert_allclose(earth.ecef_to_eci(r, 1234.5, rotation=False), r)


def test_ground_point_inertial_speed():
    # A point fixed on the equator moves at ωR = 0.4651 km/s eastward in inertial space.
    r = earth.geodetic_to_ecef(0.0, 0.0)
    v = earth.velocity_ecef_to_eci(r, [0.0, 0.0, 0.0], 0.0)
    np.testing.assert_allclose(v, [0.0, earth.OMEGA_RAD_S * 6378.137, 0.0], rtol=1e-12)
    back = earth.velocity_eci_to_ecef(r, v, 0.0)
    np.testing.assert_allclose(back, 0.0, atol=1e-15)
    # at time t, positions and velocities transform consistently
    t = 500.0
    v_eci = earth.velocity_ecef_to_eci(r, [1.0, 2.0, 3.0], t)
    np.testing.assert_allclose(
        earth.velocity_eci_to_ecef(earth.ecef_to_eci(r, t), v_eci, t), [1.0, 2.0, 3.0], atol=1e-12
    )


@settings(max_examples=150, deadline=None)
@given(lat_st, lon_st, lat_st, lon_st)
def test_geodesic_inverse_wgs84_matches_geographiclib(lat1, lon1, lat2, lon2):
    d, az1, az2 = earth.geodesic_inverse(lat1, lon1, lat2, lon2)
    ref = WGS84.Inverse(lat1, lon1, lat2, lon2)
    assert abs(d - ref["s12"] * 1e-3) < 1e-6  # 1 mm
    if ref["s12"] > 1.0 and abs(abs(lat1) - 90) > 1e-6 and abs(abs(lat2) - 90) > 1e-6:
        # azimuths are defined only away from the poles and coincident points
        assert abs(((az1 - ref["azi1"]) + 180) % 360 - 180) < 1e-6 or ref["s12"] > 19_900_000


@settings(max_examples=200, deadline=None)
@given(lat_st, lon_st, lat_st, lon_st)
def test_geodesic_inverse_sphere_matches_geographiclib(lat1, lon1, lat2, lon2):
    d, az1, az2 = earth.geodesic_inverse(lat1, lon1, lat2, lon2, earth="sphere")
    ref = SPHERE.Inverse(lat1, lon1, lat2, lon2)
    assert abs(d - ref["s12"] * 1e-3) < 1e-6
    far_from_degenerate = 1e3 < ref["s12"] < 19_990_000 and max(abs(lat1), abs(lat2)) < 89.999
    if far_from_degenerate:
        assert abs(((az1 - ref["azi1"]) + 180) % 360 - 180) < 1e-6
        assert abs(((az2 - ref["azi2"]) + 180) % 360 - 180) < 1e-6


@settings(max_examples=150, deadline=None)
@given(
    st.floats(-89.0, 89.0),
    lon_st,
    st.floats(0.0, 360.0),
    st.floats(1.0, 19000.0),
    st.sampled_from(["wgs84", "sphere"]),
)
def test_geodesic_direct_inverts_inverse(lat, lon, az, dist, model):
    lat2, lon2, az2 = earth.geodesic_direct(lat, lon, az, dist, earth=model)
    d, az1, az2b = earth.geodesic_inverse(lat, lon, lat2, lon2, earth=model)
    assert abs(d - dist) < 1e-6
    assert abs(((az1 - az) + 180) % 360 - 180) < 1e-6
    assert abs(((az2 - az2b) + 180) % 360 - 180) < 1e-6


def test_sphere_quarter_circumference():
    d, az1, az2 = earth.geodesic_inverse(0.0, 0.0, 90.0, 0.0, earth="sphere")
    assert d == pytest.approx(math.pi / 2 * 6371.0, abs=1e-9)
    assert az1 == pytest.approx(0.0, abs=1e-9)


def test_aer_closed_form_on_sphere():
    # A target at altitude h, ground angle θ due north of an observer on a sphere:
    # elevation = atan((cos θ - R/(R+h)) / sin θ), slant range by the law of cosines.
    R = 6371.0
    for theta_deg, h in [(5.0, 300.0), (15.0, 1000.0), (30.0, 400.0)]:
        th = math.radians(theta_deg)
        r = earth.geodetic_to_ecef(theta_deg, 0.0, h, "sphere")
        az, el, rng = earth.ecef_to_aer(r, 0.0, 0.0, 0.0, "sphere")
        expect_el = math.degrees(math.atan((math.cos(th) - R / (R + h)) / math.sin(th)))
        expect_rng = math.sqrt(R**2 + (R + h) ** 2 - 2 * R * (R + h) * math.cos(th))
        assert az == pytest.approx(0.0, abs=1e-9)
        assert el == pytest.approx(expect_el, abs=1e-9)
        assert rng == pytest.approx(expect_rng, abs=1e-9)
    # due east on the equator
    az, el, rng = earth.ecef_to_aer(
        earth.geodetic_to_ecef(0.0, 10.0, 500.0, "sphere"), 0.0, 0.0, 0.0, "sphere"
    )
    assert az == pytest.approx(90.0, abs=1e-9)


def test_bad_earth_model_message():
    with pytest.raises(InputError, match=r"earth must be one of wgs84, sphere, got 'ellipse'"):
        earth.check_earth("ellipse")


def test_ecef_to_geodetic_matches_proj():
    # PROJ (EPSG:4978 -> EPSG:4979) as an independent oracle; PROJ itself is good to ~1 mm here.
    import pyproj

    rng = np.random.default_rng(7)
    lat = rng.uniform(-90, 90, 500)
    lon = rng.uniform(-180, 180, 500)
    alt = rng.uniform(0, 3000, 500)
    r = earth.geodetic_to_ecef(lat, lon, alt)
    tr = pyproj.Transformer.from_crs("EPSG:4978", "EPSG:4979", always_xy=True)
    plon, plat, palt = tr.transform(r[:, 0] * 1e3, r[:, 1] * 1e3, r[:, 2] * 1e3)
    glat, glon, galt = earth.ecef_to_geodetic(r)
    np.testing.assert_allclose(galt, palt * 1e-3, atol=2e-6)
    np.testing.assert_allclose(glat, plat, atol=1e-8)
    np.testing.assert_allclose(galt, alt, atol=1e-8)  # our inverse is exact to 10 µm


# ------------------------------------------------------------------ issue 9: trustworthy under any input
@pytest.mark.parametrize("model", ["wgs84", "sphere"])
@pytest.mark.parametrize(
    "lat1, lon1, lat2, lon2",
    [(0.0, 0.0, 0.0, 90.0), (10.0, 20.0, -30.0, 150.0), (54.472, 17.124, 35.69, 51.39),
     (-60.0, 170.0, 50.0, -170.0)],
)
def test_geodesic_azimuth_at_point_2_is_forward_azimuth_geographiclib(model, lat1, lon1, lat2, lon2):
    # Oracle: geographiclib's azi2 is the forward azimuth at point 2 (Karney 2013); issue 9 item 1.
    ref = (WGS84 if model == "wgs84" else SPHERE).Inverse(lat1, lon1, lat2, lon2)
    _, _, az2 = earth.geodesic_inverse(lat1, lon1, lat2, lon2, earth=model)
    assert abs((float(az2) - ref["azi2"] + 180.0) % 360.0 - 180.0) < 1e-6
    _, _, az2d = earth.geodesic_direct(lat1, lon1, ref["azi1"], ref["s12"] * 1e-3, earth=model)
    assert abs((float(az2d) - ref["azi2"] + 180.0) % 360.0 - 180.0) < 1e-6


@pytest.mark.parametrize(
    "call, field",
    [
        (lambda: earth.geodetic_to_ecef(95.0, 0.0), "latitude_deg"),
        (lambda: earth.geodetic_to_ecef(math.nan, 0.0), "latitude_deg"),
        (lambda: earth.geodetic_to_ecef(0.0, math.inf), "longitude_deg"),
        (lambda: earth.geodetic_to_ecef(0.0, 0.0, math.nan), "altitude_km"),
        (lambda: earth.ecef_to_geodetic([math.nan, 0.0, 0.0]), "r_ecef_km"),
        (lambda: earth.ecef_to_geodetic([0.0, 0.0, 0.0]), "r_ecef_km"),
        (lambda: earth.ecef_to_eci([7000.0, 0.0, 0.0], math.inf), "t_s"),
        (lambda: earth.eci_to_ecef([math.inf, 0.0, 0.0], 0.0), "r_eci_km"),
        (lambda: earth.geodesic_inverse(91.0, 0.0, 0.0, 0.0), "latitude1_deg"),
        (lambda: earth.geodesic_inverse(0.0, 0.0, 0.0, math.nan), "longitude2_deg"),
        (lambda: earth.geodesic_direct(0.0, 0.0, math.nan, 10.0), "azimuth_deg"),
        (lambda: earth.geodesic_direct(0.0, 0.0, 0.0, -1.0), "distance_km"),
        (lambda: earth.ecef_to_aer([7000.0, 0.0, 0.0], -91.0, 0.0), "latitude_deg"),
    ],
)
def test_earth_conversions_reject_out_of_range_and_nan(call, field):
    with pytest.raises(InputError, match=field):
        call()


def test_ecef_to_geodetic_kernel_never_raises_at_the_centre():
    # The compiled kernel is called from compiled loops: it must not raise ZeroDivisionError.
    lat, h = earth.geodetic_kernel(0.0, 0.0, 0.0, earth.WGS84_A_KM, earth.WGS84_E2)
    assert math.isnan(lat) and math.isnan(h)


def test_ecef_to_geodetic_far_inside_and_far_out():
    # Oracles: the closed-form forward conversion (NIMA TR8350.2 eq. 4-14) for points deep inside the
    # Earth, where PROJ's own inverse is off by up to 10 km (measured); PROJ (EPSG:4978 -> EPSG:4979)
    # near the surface and far out.
    import pyproj

    deep = np.array([[60.0, 0.0, 0.0], [100.0, 50.0, 60.0], [3000.0, -2000.0, 1000.0]])
    lat, lon, alt = earth.ecef_to_geodetic(deep)
    np.testing.assert_allclose(earth.geodetic_to_ecef(lat, lon, alt), deep, atol=1e-9)  # 1 um
    tr = pyproj.Transformer.from_crs("EPSG:4978", "EPSG:4979", always_xy=True)
    pts = np.array([[6000.0, 1000.0, 2000.0], [42000.0, 100.0, -300.0], [1e5, 2e5, 3e5]])
    lat, lon, alt = earth.ecef_to_geodetic(pts)
    lo_ref, la_ref, h_ref = tr.transform(pts[:, 0] * 1e3, pts[:, 1] * 1e3, pts[:, 2] * 1e3)
    np.testing.assert_allclose(lat, la_ref, atol=1e-9)
    np.testing.assert_allclose(lon, lo_ref, atol=1e-9)
    np.testing.assert_allclose(alt, np.asarray(h_ref) * 1e-3, atol=1e-6)
