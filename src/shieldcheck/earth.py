"""Earth models, rotation, frames and geodesics.

Units inside this module: km, s, rad; angles at the API are degrees where a name ends in ``_deg``.

Frames
------
geodetic
    latitude, longitude and altitude above the model surface (WGS84 ellipsoid or a sphere).
ECEF
    Earth-centred, Earth-fixed: x toward (0°N, 0°E), z toward the north pole.
ECI
    Earth-centred inertial, equal to ECEF at t = 0 (the threat's launch). A fixed Earth point has
    ``r_eci(t) = R_z(ω t) r_ecef``.
ENU / AER
    local east-north-up at an observer, with azimuth (from north, clockwise), elevation and slant range.
    On the ellipsoid "up" is the geodetic normal.

Models: ``earth="wgs84"`` (default; a = 6378.137 km, f = 1/298.257223563) or ``earth="sphere"``
(R = 6371.0 km). Gravity is central (μ = 398600.4418 km³/s²) for both: the ellipsoid gives the surface
shape, not J2 (an assumption of the public kinematic studies shieldcheck reproduces).

Ellipsoidal geodesics use pyproj (Karney's algorithms); the sphere uses closed forms. The inverse
geodetic conversion is a numba kernel that the trajectory code also calls from compiled loops.

>>> r = geodetic_to_ecef(0.0, 0.0, 0.0)
>>> print(r)
[6378.137    0.       0.   ]
>>> round(float(geodesic_inverse(0.0, 0.0, 0.0, 90.0, earth="sphere")[0]), 3)
10007.543
"""

from __future__ import annotations

import math
from functools import cache
from typing import TYPE_CHECKING

import numba
import numpy as np

from shieldcheck._numba import drop_stale_kernels
from shieldcheck.errors import InputError, require_array_within, require_broadcast

# Settle the sources' fingerprint before any kernel is cached: every module with kernels imports this one
# first. Left to `boost` alone, a fresh install's first staged command deleted the kernels that engage,
# threshold or trajectory had cached before it (so `make demo` compiled them twice).
drop_stale_kernels()

if TYPE_CHECKING:
    import pyproj

__all__ = [
    "MU_KM3_S2",
    "OMEGA_RAD_S",
    "SPHERE_RADIUS_KM",
    "WGS84_A_KM",
    "WGS84_F",
    "EARTH_MODELS",
    "check_earth",
    "geodetic_to_ecef",
    "split_antimeridian",
    "ecef_to_geodetic",
    "geodetic_kernel",
    "ellipsoid",
    "ecef_to_eci",
    "eci_to_ecef",
    "velocity_ecef_to_eci",
    "velocity_eci_to_ecef",
    "rotation_rate",
    "ecef_to_aer",
    "enu_basis",
    "geodesic_inverse",
    "geodesic_direct",
    "surface_normal",
]

MU_KM3_S2 = 398600.4418
"""Earth's gravitational parameter (WGS84 / IERS), km^3/s^2."""
OMEGA_RAD_S = 7.2921159e-5
"""Earth's rotation rate, rad/s (NIMA TR8350.2, *Department of Defense World Geodetic System 1984*, 3rd ed.,
2000, table 3.1: ω = 7292115e-11 rad/s; the value 7.2921159e-5 of the IERS Conventions 2010, IERS Technical
Note 36, table 1.1)."""
SPHERE_RADIUS_KM = 6371.0
"""Mean radius used by the spherical Earth model, km."""
WGS84_A_KM = 6378.137
"""WGS84 semi-major axis, km (NIMA TR8350.2, 2000)."""
WGS84_F = 1.0 / 298.257223563
"""WGS84 flattening (NIMA TR8350.2, 2000)."""
WGS84_E2 = WGS84_F * (2.0 - WGS84_F)
EARTH_MODELS = ("wgs84", "sphere")


def check_earth(earth: str) -> str:
    """Return the canonical Earth model name or raise an `InputError` naming the allowed values.

    >>> check_earth("WGS84")
    'wgs84'
    """
    name = str(earth).strip().lower()
    if name not in EARTH_MODELS:
        raise InputError(f"earth must be one of {', '.join(EARTH_MODELS)}, got {earth!r}")
    return name


def rotation_rate(rotation: bool = True) -> float:
    """Earth's rotation rate in rad/s, or 0 when rotation is switched off."""
    return OMEGA_RAD_S if rotation else 0.0


def _scalar(x: np.ndarray):
    """Return a 0-d array as a numpy scalar, anything else unchanged."""
    return x[()] if isinstance(x, np.ndarray) and x.ndim == 0 else x


MAX_ALTITUDE_KM = 1.0e6
"""Largest |altitude| (km) the frame conversions accept (beyond lunar distance; far past any use here)."""
MIN_GEOCENTRIC_RADIUS_KM = 50.0
"""Points closer than this to the Earth's centre have no unique geodetic latitude (inside the WGS84
ellipsoid's evolute, |p| < a e² ≈ 42.7 km): `ecef_to_geodetic` rejects them."""


def _vectors(value, name: str) -> np.ndarray:
    """``value`` as a finite float array of shape (..., 3), else `InputError`."""
    arr = require_array_within(name, value)
    if arr.ndim == 0 or arr.shape[-1] != 3:
        raise InputError(f"{name} must have shape (..., 3) (x, y, z in km on the last axis), got {arr.shape}")
    return arr


def _shaped(value, name: str) -> np.ndarray:
    """``value`` as a float array of shape (..., 3); infinities are rejected, NaN passes through.

    The frame rotations are linear and elementwise: a NaN component (the project's "no position at this
    time" marker) gives NaN in the same place and nowhere else.
    """
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be an array of numbers of shape (..., 3), got {value!r}") from None
    if arr.ndim == 0 or arr.shape[-1] != 3:
        raise InputError(f"{name} must have shape (..., 3) (x, y, z in km on the last axis), got {arr.shape}")
    if np.any(np.isinf(arr)):
        raise InputError(f"{name} must have finite components (NaN marks a missing value), got inf")
    return arr


def _times(value) -> np.ndarray:
    """Times ``t_s`` for the frame rotations: infinities rejected, NaN (a missing time) passes through."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"t_s must be a number of seconds, got {value!r}") from None
    if np.any(np.isinf(arr)):
        raise InputError("t_s must be finite (NaN marks a missing time), got inf")
    return arr


def _latlon(lat, lon, lat_name: str = "latitude_deg", lon_name: str = "longitude_deg"):
    lat_a = require_array_within(lat_name, lat, -90.0, 90.0)
    return lat_a, require_array_within(lon_name, lon, -540.0, 540.0)


# --------------------------------------------------------------------------------------------- frames
def geodetic_to_ecef(latitude_deg, longitude_deg, altitude_km=0.0, earth: str = "wgs84") -> np.ndarray:
    """Geodetic coordinates to ECEF position, km, shape ``(..., 3)``.

    Closed form (e.g. NIMA TR8350.2 eq. 4-14): with the prime-vertical radius
    N = a / sqrt(1 - e² sin²φ), x = (N + h) cos φ cos λ, y = (N + h) cos φ sin λ, z = (N(1 - e²) + h) sin φ.

    Raises `InputError` unless the latitude is within [-90, 90], the longitude within [-540, 540] and the
    altitude within ±`MAX_ALTITUDE_KM`, all finite.

    >>> print(geodetic_to_ecef(90.0, 0.0, 0.0, earth="sphere").round(6))
    [   0.    0. 6371.]
    """
    earth = check_earth(earth)
    lat, lon = _latlon(latitude_deg, longitude_deg)
    lat = np.radians(lat)
    lon = np.radians(lon)
    h = require_array_within("altitude_km", altitude_km, -MAX_ALTITUDE_KM, MAX_ALTITUDE_KM)
    lat, lon, h = require_broadcast("latitude_deg, longitude_deg and altitude_km", lat, lon, h)
    sl, cl = np.sin(lat), np.cos(lat)
    if earth == "sphere":
        n = np.full_like(lat, SPHERE_RADIUS_KM)
        e2 = 0.0
    else:
        n = WGS84_A_KM / np.sqrt(1.0 - WGS84_E2 * sl * sl)
        e2 = WGS84_E2
    x = (n + h) * cl * np.cos(lon)
    y = (n + h) * cl * np.sin(lon)
    z = (n * (1.0 - e2) + h) * sl
    return np.stack([x, y, z], axis=-1)


@numba.njit(cache=True, error_model="numpy")
def geodetic_kernel(x, y, z, a, e2):
    """Geodetic latitude (rad) and altitude (km) of an ECEF point; numba-callable scalar kernel.

    Bowring's (1976) closed-form start, then one fixed-point step on latitude,
    tan φ = z / (p (1 − e² N/(N + h))), with the altitude from the well-conditioned form
    h = p cos φ + z sin φ − a √(1 − e² sin² φ) (valid at the poles): machine precision from below the
    surface to beyond geostationary altitude (checked in the tests against round trips and PROJ).
    The sphere is e² = 0. The Earth's centre (no geodetic latitude) gives NaN, never an exception.
    """
    p = math.sqrt(x * x + y * y)
    if p == 0.0 and z == 0.0:
        return math.nan, math.nan
    if e2 == 0.0:
        return math.atan2(z, p), math.sqrt(p * p + z * z) - a
    # Bowring's (1976) starting latitude through the parametric latitude, then fixed-point steps
    b = a * math.sqrt(1.0 - e2)
    ep2 = e2 / (1.0 - e2)
    beta = math.atan2(a * z, b * p)
    lat = math.atan2(z + ep2 * b * math.sin(beta) ** 3, p - e2 * a * math.cos(beta) ** 3)
    # one step is enough near the surface; deep inside (rare) iterate to convergence
    n_steps = 1 if p * p + z * z > 0.25 * a * a else 60
    for _ in range(n_steps):
        s = math.sin(lat)
        w = math.sqrt(1.0 - e2 * s * s)
        n = a / w
        h = p * math.cos(lat) + z * s - a * w
        lat_new = math.atan2(z, p * (1.0 - e2 * n / (n + h)))
        if abs(lat_new - lat) <= 1e-15:
            lat = lat_new
            break
        lat = lat_new
    s = math.sin(lat)
    return lat, p * math.cos(lat) + z * s - a * math.sqrt(1.0 - e2 * s * s)


@numba.njit(cache=True, error_model="numpy")
def _geodetic_many(xyz, a, e2, lat_out, h_out):
    for i in range(xyz.shape[0]):
        lat_out[i], h_out[i] = geodetic_kernel(xyz[i, 0], xyz[i, 1], xyz[i, 2], a, e2)


def ellipsoid(earth: str) -> tuple[float, float]:
    """Semi-major axis (km) and first eccentricity squared of an Earth model.

    >>> ellipsoid("sphere")
    (6371.0, 0.0)
    """
    return (SPHERE_RADIUS_KM, 0.0) if check_earth(earth) == "sphere" else (WGS84_A_KM, WGS84_E2)


def ecef_to_geodetic(r_ecef_km, earth: str = "wgs84"):
    """ECEF position (km, ``(..., 3)``) to ``(latitude_deg, longitude_deg, altitude_km)``.

    Exact to machine precision (see `geodetic_kernel`); the tests check round trips and agreement with
    PROJ. Raises `InputError` for a non-finite component, a point within `MIN_GEOCENTRIC_RADIUS_KM` of
    the Earth's centre or farther than `MAX_ALTITUDE_KM` beyond the equatorial radius (the bound
    `geodetic_to_ecef` puts on altitudes; 1e300 km gave an infinite altitude).

    >>> lat, lon, alt = ecef_to_geodetic(geodetic_to_ecef(54.472, 17.124, 100.0))
    >>> print(round(float(lat), 9), round(float(lon), 9), round(float(alt), 9))
    54.472 17.124 100.0
    """
    a, e2 = ellipsoid(earth)
    r = _vectors(r_ecef_km, "r_ecef_km")
    flat = np.ascontiguousarray(r.reshape(-1, 3))
    r2 = np.einsum("ij,ij->i", flat, flat)
    near = r2 < MIN_GEOCENTRIC_RADIUS_KM**2
    if np.any(near):
        raise InputError(
            f"r_ecef_km must be at least {MIN_GEOCENTRIC_RADIUS_KM:g} km from the Earth's centre (geodetic "
            f"latitude is not unique closer in), got {flat[np.argmax(near)].tolist()}"
        )
    far = ~(r2 <= (a + MAX_ALTITUDE_KM) ** 2)  # r2 overflows to inf from about 1e154 km
    if np.any(far):
        raise InputError(
            f"r_ecef_km must be at most {a + MAX_ALTITUDE_KM:,.0f} km from the Earth's centre (altitudes "
            f"within ±{MAX_ALTITUDE_KM:g} km), got {flat[np.argmax(far)].tolist()}"
        )
    lat = np.empty(flat.shape[0])
    h = np.empty(flat.shape[0])
    _geodetic_many(flat, a, e2, lat, h)
    lon = np.degrees(np.arctan2(flat[:, 1], flat[:, 0]))
    shape = r.shape[:-1]
    return (
        _scalar(np.degrees(lat).reshape(shape)),
        _scalar(lon.reshape(shape)),
        _scalar(h.reshape(shape)),
    )


def _rz(angle_rad, r):
    """Rotate vectors ``r`` (..., 3) about +z by ``angle_rad`` (broadcast)."""
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    x, y, z = r[..., 0], r[..., 1], r[..., 2]
    return np.stack(np.broadcast_arrays(c * x - s * y, s * x + c * y, z), axis=-1)


def ecef_to_eci(r_ecef_km, t_s, rotation: bool = True) -> np.ndarray:
    """ECEF position at time ``t_s`` (s after launch) to ECI, km: ``R_z(ω t) r``.

    >>> ecef_to_eci([6371.0, 0.0, 0.0], 3600.0).round(3)
    array([6152.73 , 1653.347,    0.   ])
    """
    return _rz(rotation_rate(rotation) * _times(t_s), _shaped(r_ecef_km, "r_ecef_km"))


def eci_to_ecef(r_eci_km, t_s, rotation: bool = True) -> np.ndarray:
    """ECI position at time ``t_s`` to ECEF, km: ``R_z(-ω t) r``."""
    return _rz(-rotation_rate(rotation) * _times(t_s), _shaped(r_eci_km, "r_eci_km"))


def _omega_cross(r, rotation: bool):
    w = rotation_rate(rotation)
    return np.stack([-w * r[..., 1], w * r[..., 0], np.zeros_like(r[..., 2])], axis=-1)


def velocity_ecef_to_eci(r_ecef_km, v_ecef_km_s, t_s, rotation: bool = True) -> np.ndarray:
    """Velocity relative to the rotating Earth to inertial velocity, km/s: ``R_z(ω t)(v + ω × r)``."""
    r = _shaped(r_ecef_km, "r_ecef_km")
    v = _shaped(v_ecef_km_s, "v_ecef_km_s")
    return ecef_to_eci(v + _omega_cross(r, rotation), t_s, rotation)


def velocity_eci_to_ecef(r_eci_km, v_eci_km_s, t_s, rotation: bool = True) -> np.ndarray:
    """Inertial velocity to velocity relative to the rotating Earth (ECEF axes), km/s."""
    r = _shaped(r_eci_km, "r_eci_km")
    v = _shaped(v_eci_km_s, "v_eci_km_s")
    return eci_to_ecef(v - _omega_cross(r, rotation), t_s, rotation)


# ------------------------------------------------------------------------------------------ local frame
def surface_normal(latitude_deg, longitude_deg, earth: str = "wgs84") -> np.ndarray:
    """Unit "up" vector in ECEF: the geodetic normal (ellipsoid) or the radial direction (sphere).

    Both are ``(cos φ cos λ, cos φ sin λ, sin φ)`` with φ the geodetic latitude on the ellipsoid and the
    geocentric latitude on the sphere, where the two coincide.
    """
    check_earth(earth)
    lat, lon = _latlon(latitude_deg, longitude_deg)
    lat, lon = require_broadcast("latitude_deg and longitude_deg", np.radians(lat), np.radians(lon))
    return np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=-1)


def enu_basis(latitude_deg, longitude_deg, earth: str = "wgs84"):
    """East, north and up unit vectors (ECEF components, each ``(..., 3)``) at a geodetic point."""
    lat, lon = _latlon(latitude_deg, longitude_deg)
    lat, lon = require_broadcast("latitude_deg and longitude_deg", np.radians(lat), np.radians(lon))
    east = np.stack([-np.sin(lon), np.cos(lon), np.zeros_like(lon)], axis=-1)
    north = np.stack([-np.sin(lat) * np.cos(lon), -np.sin(lat) * np.sin(lon), np.cos(lat)], axis=-1)
    up = surface_normal(latitude_deg, longitude_deg, earth)
    return east, north, up


def ecef_to_aer(r_ecef_km, latitude_deg, longitude_deg, altitude_km=0.0, earth: str = "wgs84"):
    """Azimuth (deg from north, clockwise, in [0, 360)), elevation (deg) and slant range (km) of ECEF
    points seen from an observer at a geodetic position.

    >>> az, el, rng = ecef_to_aer(geodetic_to_ecef(0.0, 0.0, 1000.0), 0.0, 0.0)
    >>> print(float(az), float(el), float(rng))
    0.0 90.0 1000.0
    """
    obs = geodetic_to_ecef(latitude_deg, longitude_deg, altitude_km, earth)
    d = _vectors(r_ecef_km, "r_ecef_km") - obs
    east, north, up = enu_basis(latitude_deg, longitude_deg, earth)
    e = np.sum(d * east, axis=-1)
    n = np.sum(d * north, axis=-1)
    u = np.sum(d * up, axis=-1)
    rng = np.sqrt(e * e + n * n + u * u)
    az = np.mod(np.degrees(np.arctan2(e, n)), 360.0)
    el = np.degrees(np.arctan2(u, np.hypot(e, n)))
    return _scalar(az), _scalar(el), _scalar(rng)


def split_antimeridian(lon, lat, alt=None) -> list[list[tuple]]:
    """Split a polyline (deg) where it crosses ±180° longitude into parts that each stay on one side.

    RFC 7946 (sec. 3.1.9) asks for lines that cross the antimeridian to be cut there. A step with
    |Δlon| > 180° crosses it; the crossing latitude (and altitude) is interpolated linearly in unwrapped
    longitude, and the parts end and start exactly at ±180°.

    >>> parts = split_antimeridian([170.0, 179.0, -179.0, -170.0], [0.0, 1.0, 3.0, 4.0])
    >>> [[(lo, round(la, 3)) for lo, la in p] for p in parts]
    [[(170.0, 0.0), (179.0, 1.0), (180.0, 2.0)], [(-180.0, 2.0), (-179.0, 3.0), (-170.0, 4.0)]]
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    z = np.zeros_like(lon) if alt is None else np.asarray(alt, dtype=float)

    def pt(x, y, h):
        return (float(x), float(y)) if alt is None else (float(x), float(y), float(h))

    parts = [[pt(lon[0], lat[0], z[0])]] if lon.size else []
    for i in range(1, lon.size):
        d = lon[i] - lon[i - 1]
        if abs(d) > 180.0:
            edge = 180.0 if d < 0.0 else -180.0  # eastward across +180 has d < 0
            target = lon[i] + (360.0 if d < 0.0 else -360.0)
            f = (edge - lon[i - 1]) / (target - lon[i - 1])
            y = lat[i - 1] + f * (lat[i] - lat[i - 1])
            h = z[i - 1] + f * (z[i] - z[i - 1])
            parts[-1].append(pt(edge, y, h))
            parts.append([pt(-edge, y, h)])
        parts[-1].append(pt(lon[i], lat[i], z[i]))
    return [p for p in parts if len(p) >= 2]


# ------------------------------------------------------------------------------------------- geodesics
MAX_GEODESIC_KM = 1.0e6
"""Longest distance (km) `geodesic_direct` accepts (25 times round the Earth)."""


@cache
def _geod() -> pyproj.Geod:
    import pyproj  # loaded on first use: most commands never need a geodesic (start-up time)

    return pyproj.Geod(ellps="WGS84")


def _forward_from_back(back_deg) -> np.ndarray:
    """Forward azimuth at point 2 (deg, in (-180, 180]) from PROJ's back azimuth az21 (point 2 to 1).

    The direction of travel at point 2 is the back azimuth reversed: az2 = az21 ± 180°, the convention of
    GeographicLib's ``azi2`` (Karney 2013, "Algorithms for geodesics", J. Geodesy 87, 43-55).
    """
    az2 = np.asarray(back_deg, dtype=float) + 180.0
    return np.where(az2 > 180.0, az2 - 360.0, az2)


def geodesic_inverse(latitude1_deg, longitude1_deg, latitude2_deg, longitude2_deg, earth: str = "wgs84"):
    """Shortest surface distance (km) and azimuths (deg, from north) between two points.

    Returns ``(distance_km, azimuth1_deg, azimuth2_deg)``: the forward azimuth at point 1 and at point 2
    (the direction of travel on arrival). Ellipsoid: pyproj ``Geod.inv`` (Karney 2013, "Algorithms for
    geodesics"). Sphere: the atan2 form of the great-circle distance and initial course, exact and well
    conditioned at all separations.

    >>> d, az1, az2 = geodesic_inverse(0.0, 0.0, 0.0, 90.0, earth="sphere")
    >>> print(round(float(az1), 6), round(float(az2), 6))
    90.0 90.0
    """
    earth = check_earth(earth)
    la1, lo1 = _latlon(latitude1_deg, longitude1_deg, "latitude1_deg", "longitude1_deg")
    la2, lo2 = _latlon(latitude2_deg, longitude2_deg, "latitude2_deg", "longitude2_deg")
    la1, lo1, la2, lo2 = require_broadcast("latitude1_deg, longitude1_deg, latitude2_deg and longitude2_deg",
                                    la1, lo1, la2, lo2)
    if earth == "wgs84":
        az1, back, dist_m = _geod().inv(np.ravel(lo1), np.ravel(la1), np.ravel(lo2), np.ravel(la2))
        shape = la1.shape
        az2 = _forward_from_back(back)
        return (
            _scalar(np.reshape(np.asarray(dist_m) * 1e-3, shape)),
            _scalar(np.reshape(np.asarray(az1), shape)),
            _scalar(np.reshape(az2, shape)),
        )
    p1, p2 = np.radians(la1), np.radians(la2)
    dl = np.radians(lo2 - lo1)
    sin_c = np.hypot(np.cos(p2) * np.sin(dl), np.cos(p1) * np.sin(p2) - np.sin(p1) * np.cos(p2) * np.cos(dl))
    cos_c = np.sin(p1) * np.sin(p2) + np.cos(p1) * np.cos(p2) * np.cos(dl)
    dist = SPHERE_RADIUS_KM * np.arctan2(sin_c, cos_c)
    az1 = np.degrees(
        np.arctan2(np.sin(dl) * np.cos(p2), np.cos(p1) * np.sin(p2) - np.sin(p1) * np.cos(p2) * np.cos(dl))
    )
    az2 = np.degrees(
        np.arctan2(np.sin(dl) * np.cos(p1), -np.cos(p2) * np.sin(p1) + np.sin(p2) * np.cos(p1) * np.cos(dl))
    )
    return _scalar(dist), _scalar(az1), _scalar(az2)


def geodesic_direct(latitude_deg, longitude_deg, azimuth_deg, distance_km, earth: str = "wgs84"):
    """Point reached by travelling ``distance_km`` from a point along initial ``azimuth_deg``.

    Returns ``(latitude_deg, longitude_deg, azimuth_deg)`` at the end point (azimuth of travel there).
    Ellipsoid: pyproj ``Geod.fwd``; sphere: spherical trigonometry.

    >>> lat, lon, az = geodesic_direct(0.0, 0.0, 90.0, 10007.543398, earth="sphere")
    >>> print(round(float(lat), 6), round(float(lon), 6))
    0.0 90.0
    """
    earth = check_earth(earth)
    la, lo = _latlon(latitude_deg, longitude_deg)
    az = require_array_within("azimuth_deg", azimuth_deg, -540.0, 540.0)
    d = require_array_within("distance_km", distance_km, 0.0, MAX_GEODESIC_KM)
    la, lo, az, d = require_broadcast(
        "latitude_deg, longitude_deg, azimuth_deg and distance_km", la, lo, az, d
    )
    if earth == "wgs84":
        lo2, la2, back = _geod().fwd(np.ravel(lo), np.ravel(la), np.ravel(az), np.ravel(d) * 1e3)
        shape = la.shape
        az2 = _forward_from_back(back)
        return (
            _scalar(np.reshape(np.asarray(la2), shape)),
            _scalar(np.reshape(np.asarray(lo2), shape)),
            _scalar(np.reshape(az2, shape)),
        )
    p1, l1, a = np.radians(la), np.radians(lo), np.radians(az)
    delta = d / SPHERE_RADIUS_KM
    sp2 = np.sin(p1) * np.cos(delta) + np.cos(p1) * np.sin(delta) * np.cos(a)
    p2 = np.arcsin(np.clip(sp2, -1.0, 1.0))
    l2 = l1 + np.arctan2(np.sin(a) * np.sin(delta) * np.cos(p1), np.cos(delta) - np.sin(p1) * sp2)
    lon2 = np.mod(np.degrees(l2) + 180.0, 360.0) - 180.0
    # arrival azimuth: reverse of the initial course from the end point back to the start
    az2 = np.degrees(
        np.arctan2(
            np.sin(a) * np.cos(p1), np.cos(p1) * np.cos(a) * np.cos(delta) - np.sin(p1) * np.sin(delta)
        )
    )
    return _scalar(np.degrees(p2)), _scalar(lon2), _scalar(az2)
