"""Sensors: ground radars (horizon, field of regard, range) and space-based infrared early warning.

Units inside this module: km, s, rad. At the API a name carries its unit: ``_deg``, ``_km``, ``_s``,
``_m2`` (radar cross-section), ``_w``, ``_m``, ``_k`` (kelvin), ``_db``. Time is seconds after the
threat's launch.

Models (documented, replaceable)
--------------------------------
Radar line of sight
    With ``k_factor == 1`` (above the atmosphere, the default) the elevation is the geometric elevation in
    the radar's east-north-up frame (on the ellipsoid "up" is the geodetic normal), and the straight line
    from the radar to the target must not pass through the Earth (exact on the ellipsoid and the sphere).
    With ``k_factor != 1`` the standard effective-Earth construction models refraction in a standard
    atmosphere: the geometry is moved to a sphere of radius R_e = kR keeping the target's altitude and
    its ground distance from the radar, and straight lines on that sphere stand for the bent rays
    (Skolnik, *Introduction to Radar Systems*, 3rd ed., 2001, ch. 8; ITU-R P.834). See `GroundRadar.sees`.
Radar range
    A radar detects (and, if ``fire_control``, tracks) a target of cross-section σ out to
    ``max_range_km (σ / reference_rcs_m2)^(1/4)``, the σ^(1/4) scaling of the radar equation
    (`radar_range_single_pulse_km`, `radar_range_average_power_km`). The range ignores clutter,
    multipath, atmospheric attenuation and the radar's time budget.
Early warning
    Infrared satellites see the hot plume of a boosting missile: `EarlyWarningSatellites` reports a
    detection a fixed delay after launch if the boost is still burning then, and no track afterwards.

>>> radar = GroundRadar("brdy", 49.62, 13.73, max_range_km=2000.0)
>>> target = geodetic_to_ecef(52.0, 21.0, 300.0)   # over Poland, 300 km up
>>> bool(radar.sees(target))
True
>>> round(float(horizon_min_altitude_km(1000.0 / SPHERE_RADIUS_KM)), 1)   # 1000 km away, 0° mask
79.3
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numba
import numpy as np

from shieldcheck.earth import (
    SPHERE_RADIUS_KM,
    WGS84_A_KM,
    check_earth,
    ecef_to_geodetic,
    ellipsoid,
    enu_basis,
    geodesic_direct,
    geodesic_inverse,
    geodetic_kernel,
    geodetic_to_ecef,
)
from shieldcheck.errors import InputError, interval_text, require_array_within, require_within
from shieldcheck.threats import trajectory_state

__all__ = [
    "BOLTZMANN_J_K",
    "SPEED_OF_LIGHT_M_S",
    "MAX_K_FACTOR",
    "GroundRadar",
    "EarlyWarningSatellites",
    "SensorView",
    "radar_range_single_pulse_km",
    "radar_range_average_power_km",
    "horizon_min_altitude_km",
    "visibility_intervals",
    "view",
    "coverage_boundary",
    "radar_sees_kernel",
    "N_KERNEL_PARAMS",
]

BOLTZMANN_J_K = 1.380649e-23
"""Boltzmann constant, J/K (exact since the 2019 SI redefinition)."""
SPEED_OF_LIGHT_M_S = 299792458.0
"""Speed of light in vacuum, m/s (exact, SI)."""
MAX_K_FACTOR = 2.0
"""Largest accepted effective-Earth-radius factor: 1.5 times the standard 4/3."""
_CLEARANCE_TOL_KM = 1e-6
"""A target up to 1 mm under the surface (round-off of a surface point) counts as on it."""


# ============================================================================ validation helpers
_interval = interval_text
_require = require_within


# the one array rule (bools, text and NaN refused): errors.require_array_within
_check_array = require_array_within


def _scalar(x):
    """A 0-d array as a numpy scalar; anything else unchanged (scalar in, scalar out)."""
    return x[()] if isinstance(x, np.ndarray) and x.ndim == 0 else x


def _segment_clears_sphere(p0: np.ndarray, p1: np.ndarray, radius) -> np.ndarray:
    """True where the segment from p0 (the radar, on or above the sphere) to p1 (``(..., d)``) stays
    outside a sphere of ``radius`` centred at the origin.

    The line's point nearest the centre is at p0 + t d, t = −p0·d / d·d. If t <= 0 the nearest point of
    the segment is the radar (clear); if t >= 1 it is the target, which must not be under the surface
    (1 mm of round-off allowed); otherwise the squared distance |p0|² − (p0·d)²/d·d decides. No
    tolerance is applied to grazing rays, so the test is exact to round-off at any distance.
    """
    d = p1 - p0
    dd = np.sum(d * d, axis=-1)
    pd = np.sum(p0 * d, axis=-1)
    ahead = pd >= 0.0
    beyond = -pd >= dd
    with np.errstate(divide="ignore", invalid="ignore"):
        c2 = np.sum(p0 * p0, axis=-1) - pd * pd / np.where(dd > 0.0, dd, 1.0)
    target_above = np.linalg.norm(p1, axis=-1) >= radius - _CLEARANCE_TOL_KM
    return ahead | np.where(beyond, target_above, c2 >= radius * radius)


def _euler_radius_km(latitude_deg: float, azimuth_deg, a: float, e2: float):
    """Normal radius of curvature of the ellipsoid at a latitude in a given azimuth, km.

    Euler's theorem, 1/R_α = cos²α / M + sin²α / N, with the meridian radius M = a(1 − e²)/W³ and the
    prime-vertical radius N = a/W, W = √(1 − e² sin²φ) (e.g. Torge & Müller, *Geodesy*, 4th ed., 2012,
    ch. 4).
    """
    s = math.sin(math.radians(latitude_deg))
    w = math.sqrt(1.0 - e2 * s * s)
    m = a * (1.0 - e2) / w**3
    n = a / w
    alpha = np.radians(azimuth_deg)
    return 1.0 / (np.cos(alpha) ** 2 / m + np.sin(alpha) ** 2 / n)


# ============================================================================ compiled visibility
# Layout of the parameter vector `GroundRadar.kernel_params` hands to `radar_sees_kernel`.
_P_SITE, _P_EAST, _P_NORTH, _P_UP = 0, 3, 6, 9
_P_EL_MIN, _P_EL_MAX, _P_K, _P_BORESIGHT, _P_HALF, _P_RANGE, _P_ALT, _P_LAT, _P_FC = range(12, 21)
N_KERNEL_PARAMS = 21


@numba.njit(cache=True, error_model="numpy")
def _segment_clear(p0x, p0y, p0z, p1x, p1y, p1z, radius):
    """Scalar twin of `_segment_clears_sphere` (same rule, same tolerance)."""
    dx, dy, dz = p1x - p0x, p1y - p0y, p1z - p0z
    dd = dx * dx + dy * dy + dz * dz
    pd = p0x * dx + p0y * dy + p0z * dz
    if pd >= 0.0:
        return True
    if -pd >= dd:
        return math.sqrt(p1x * p1x + p1y * p1y + p1z * p1z) >= radius - _CLEARANCE_TOL_KM
    c2 = p0x * p0x + p0y * p0y + p0z * p0z - pd * pd / dd
    return c2 >= radius * radius


@numba.njit(cache=True, error_model="numpy")
def radar_sees_kernel(p, x, y, z, a, e2, max_range_km=-1.0):
    """Whether a radar (parameters ``p`` from `GroundRadar.kernel_params`) sees the ECEF point (x, y, z).

    The compiled twin of `GroundRadar.sees` for the engagement and footprint loops. With k = 1 (either
    Earth model) and with any k on the sphere it applies exactly the same geometry. With k != 1 on the
    ellipsoid it takes the ground angle as the angle between the geodetic normals at the radar and under
    the target (instead of the geodesic length over the radius of curvature): the two differ by well
    under 0.1 % of the angle. ``max_range_km`` > 0 replaces the range in ``p`` (a threat's own RCS).
    """
    if not (math.isfinite(x) and math.isfinite(y) and math.isfinite(z)):
        return False
    dx = x - p[0]
    dy = y - p[1]
    dz = z - p[2]
    e = dx * p[3] + dy * p[4] + dz * p[5]
    n = dx * p[6] + dy * p[7] + dz * p[8]
    u = dx * p[9] + dy * p[10] + dz * p[11]
    horizontal = math.sqrt(e * e + n * n)
    slant = math.sqrt(horizontal * horizontal + u * u)
    if slant > (max_range_km if max_range_km > 0.0 else p[_P_RANGE]):
        return False
    az = math.degrees(math.atan2(e, n)) % 360.0
    if math.isfinite(p[_P_BORESIGHT]):
        off = (az - p[_P_BORESIGHT] + 180.0) % 360.0 - 180.0
        if abs(off) > p[_P_HALF]:
            return False
    k = p[_P_K]
    if k == 1.0:
        el = math.degrees(math.atan2(u, horizontal))
        sz = 1.0 / math.sqrt(1.0 - e2)
        clear = _segment_clear(p[0], p[1], p[2] * sz, x, y, z * sz, a)
    else:
        lat_t, h = geodetic_kernel(x, y, z, a, e2)
        if e2 == 0.0:
            radius = a
            cx = p[1] * z - p[2] * y
            cy = p[2] * x - p[0] * z
            cz = p[0] * y - p[1] * x
            theta = math.atan2(math.sqrt(cx * cx + cy * cy + cz * cz), p[0] * x + p[1] * y + p[2] * z)
        else:
            sl = math.sin(math.radians(p[_P_LAT]))
            w = math.sqrt(1.0 - e2 * sl * sl)
            m_rad = a * (1.0 - e2) / w**3
            n_rad = a / w
            alpha = math.radians(az)
            radius = 1.0 / (math.cos(alpha) ** 2 / m_rad + math.sin(alpha) ** 2 / n_rad)
            lon_t = math.atan2(y, x)
            nx = math.cos(lat_t) * math.cos(lon_t)
            ny = math.cos(lat_t) * math.sin(lon_t)
            nz = math.sin(lat_t)
            dot = nx * p[9] + ny * p[10] + nz * p[11]
            cx = ny * p[11] - nz * p[10]
            cy = nz * p[9] - nx * p[11]
            cz = nx * p[10] - ny * p[9]
            theta = math.atan2(math.sqrt(cx * cx + cy * cy + cz * cz), dot)
        r_e = k * radius
        theta_e = theta * radius / r_e
        rho0 = r_e + p[_P_ALT]
        px = (r_e + h) * math.sin(theta_e)
        py = (r_e + h) * math.cos(theta_e)
        el = math.degrees(math.atan2(py - rho0, px))
        clear = _segment_clear(0.0, rho0, 0.0, px, py, 0.0, r_e)
    return clear and el >= p[_P_EL_MIN] and el <= p[_P_EL_MAX]


# ============================================================================ radar equation
_LN10_DB = math.log(10.0) / 10.0
"""ln(10)/10: a decibel value times this is the natural logarithm of the power ratio."""
MAX_RADAR_RANGE_KM = 1.0e9
"""Largest range (km) the radar equations return; inputs giving more (or a range below 1 mm) are errors."""


def _range_km(ln_r4_m4, names: str):
    """R = (R⁴)^(1/4) in km from ln R⁴ (m⁴); `InputError` if it is outside [1e-6, `MAX_RADAR_RANGE_KM`]."""
    ln_r_km = 0.25 * np.asarray(ln_r4_m4) - math.log(1e3)
    bad = ~((ln_r_km <= math.log(MAX_RADAR_RANGE_KM)) & (ln_r_km >= math.log(1e-6)))
    if np.any(bad):
        ln_v = float(np.asarray(ln_r_km)[bad].flat[0] if np.ndim(ln_r_km) else ln_r_km)
        v = f"1e{ln_v / math.log(10.0):+.0f}" if math.isfinite(ln_v) else str(math.exp(ln_v))
        raise InputError(
            f"the radar-equation inputs ({names}) give a range of about {v} km, outside [1e-06, "
            f"{MAX_RADAR_RANGE_KM:g}] km: check their units and magnitudes"
        )
    return _scalar(np.exp(ln_r_km))

def radar_range_single_pulse_km(
    peak_power_w,
    pulse_width_s,
    gain_db,
    wavelength_m,
    rcs_m2,
    system_temperature_k,
    losses_db,
    required_snr_db,
):
    """Maximum range (km) at which one pulse reaches the required signal-to-noise ratio.

    Solves the single-pulse radar equation for R (monostatic, one antenna for transmit and receive):

        SNR = P_t τ G² λ² σ / ((4π)³ k T_s L R⁴),

    with the noise power k T_s B and a matched filter, B τ = 1 (Skolnik, *Introduction to Radar
    Systems*, 3rd ed., 2001, ch. 2; Richards, *Fundamentals of Radar Signal Processing*, 2005, ch. 2).
    Decibel inputs are 10 log10 of power ratios. Broadcasts over array inputs.

    Parameters
    ----------
    peak_power_w : float or array
        Transmitted peak power P_t, W.
    pulse_width_s : float or array
        Pulse width τ, s.
    gain_db : float or array
        Antenna gain G (transmit = receive), dB.
    wavelength_m : float or array
        Wavelength λ, m (λ = c/f with `SPEED_OF_LIGHT_M_S`).
    rcs_m2 : float or array
        Target radar cross-section σ, m².
    system_temperature_k : float or array
        System noise temperature T_s, K.
    losses_db : float or array
        Total system losses L, dB (0 for none; must be >= 0).
    required_snr_db : float or array
        Signal-to-noise ratio needed for detection, dB.

    Returns
    -------
    float or array
        Range, km.

    Examples
    --------
    The public test vector of the MathWorks ``radareqrng`` documentation (10 GHz, 1 MW, 10 µs, 20 dB,
    1 m², 290 K, no loss, 6 dB):

    >>> wavelength_m = SPEED_OF_LIGHT_M_S / 10e9
    >>> r = radar_range_single_pulse_km(1e6, 10e-6, 20.0, wavelength_m, 1.0, 290.0, 0.0, 6.0)
    >>> round(float(r), 3)
    41.057
    """
    p = _check_array("peak_power_w", peak_power_w, 0.0, math.inf, lo_open=True)
    tau = _check_array("pulse_width_s", pulse_width_s, 0.0, math.inf, lo_open=True)
    g_db = _check_array("gain_db", gain_db, -math.inf, math.inf)
    lam = _check_array("wavelength_m", wavelength_m, 0.0, math.inf, lo_open=True)
    sigma = _check_array("rcs_m2", rcs_m2, 0.0, math.inf, lo_open=True)
    ts = _check_array("system_temperature_k", system_temperature_k, 0.0, math.inf, lo_open=True)
    loss_db = _check_array("losses_db", losses_db, 0.0, math.inf)
    snr_db = _check_array("required_snr_db", required_snr_db, -math.inf, math.inf)
    # in logarithms: the products of extreme (valid) inputs neither overflow nor underflow
    with np.errstate(all="ignore"):
        ln_r4 = (np.log(p) + np.log(tau) + 2.0 * _LN10_DB * g_db + 2.0 * np.log(lam) + np.log(sigma)
                 - 3.0 * math.log(4.0 * math.pi) - math.log(BOLTZMANN_J_K) - np.log(ts)
                 - _LN10_DB * (loss_db + snr_db))
    return _range_km(ln_r4, "peak_power_w, pulse_width_s, gain_db, wavelength_m, rcs_m2, "
                     "system_temperature_k, losses_db, required_snr_db")


def radar_range_average_power_km(
    average_power_w,
    dwell_s,
    aperture_m2,
    aperture_efficiency,
    wavelength_m,
    rcs_m2,
    system_temperature_k,
    losses_db,
    required_snr_db,
):
    """Maximum range (km) at which one dwell reaches the required signal-to-noise ratio.

    The average-power (energy) form of the radar equation used for search and track budgets:

        SNR = P_av t_dwell G A_e σ / ((4π)² k T_s L R⁴),   A_e = η A,   G = 4π A_e / λ²,

    i.e. the energy on target P_av t_dwell integrated ideally over the dwell (any integration loss goes
    into ``losses_db``), one aperture for transmit and receive with effective area A_e = η A and the
    gain–aperture relation G = 4π A_e/λ² (Skolnik, *Introduction to Radar Systems*, 3rd ed., 2001, ch. 2;
    Barton, *Radar Equations for Modern Radar*, 2013, ch. 1). With one pulse (P_av t_dwell = P_t τ) it
    equals the single-pulse form of `radar_range_single_pulse_km`, because G A_e/(4π)² = G² λ²/(4π)³.

    Parameters
    ----------
    average_power_w : float or array
        Average transmitted power P_av, W.
    dwell_s : float or array
        Time on target t_dwell, s.
    aperture_m2 : float or array
        Physical antenna area A, m².
    aperture_efficiency : float or array
        Aperture efficiency η in (0, 1].
    wavelength_m : float or array
        Wavelength λ, m.
    rcs_m2, system_temperature_k, losses_db, required_snr_db : float or array
        As in `radar_range_single_pulse_km`.

    Returns
    -------
    float or array
        Range, km.

    Examples
    --------
    >>> r = radar_range_average_power_km(100e3, 0.1, 100.0, 0.6, 0.03, 0.1, 500.0, 5.0, 15.0)
    >>> round(float(r))
    4634
    """
    p = _check_array("average_power_w", average_power_w, 0.0, math.inf, lo_open=True)
    t = _check_array("dwell_s", dwell_s, 0.0, math.inf, lo_open=True)
    area = _check_array("aperture_m2", aperture_m2, 0.0, math.inf, lo_open=True)
    eta = _check_array("aperture_efficiency", aperture_efficiency, 0.0, 1.0, lo_open=True)
    lam = _check_array("wavelength_m", wavelength_m, 0.0, math.inf, lo_open=True)
    sigma = _check_array("rcs_m2", rcs_m2, 0.0, math.inf, lo_open=True)
    ts = _check_array("system_temperature_k", system_temperature_k, 0.0, math.inf, lo_open=True)
    loss_db = _check_array("losses_db", losses_db, 0.0, math.inf)
    snr_db = _check_array("required_snr_db", required_snr_db, -math.inf, math.inf)
    # G A_e = 4π A_e² / λ², in logarithms so that extreme (valid) inputs neither overflow nor underflow
    with np.errstate(all="ignore"):
        ln_ae = np.log(eta) + np.log(area)
        ln_r4 = (np.log(p) + np.log(t) + math.log(4.0 * math.pi) + 2.0 * ln_ae - 2.0 * np.log(lam)
                 + np.log(sigma) - 2.0 * math.log(4.0 * math.pi) - math.log(BOLTZMANN_J_K) - np.log(ts)
                 - _LN10_DB * (loss_db + snr_db))
    return _range_km(ln_r4, "average_power_w, dwell_s, aperture_m2, aperture_efficiency, wavelength_m, "
                     "rcs_m2, system_temperature_k, losses_db, required_snr_db")


# ============================================================================ horizon
def horizon_min_altitude_km(
    ground_angle_rad,
    radar_altitude_km=0.0,
    elevation_mask_deg=0.0,
    k_factor=1.0,
    radius_km=SPHERE_RADIUS_KM,
):
    """Lowest altitude (km) a radar can see at a given ground angle, on a spherical (effective) Earth.

    A target at ground (great-circle) angle θ from a radar at height h_r is visible with elevation mask ε
    at altitudes above

        h_min = (R_e + h_r) cos ε / cos(θ_e + ε) − R_e,   R_e = k R,   θ_e = θ R / R_e,

    the polar equation of the ray leaving the radar at elevation ε (the 4/3-Earth construction of Skolnik,
    *Introduction to Radar Systems*, 3rd ed., 2001, ch. 8). The ground distance R θ is kept on the
    effective Earth, so its angle shrinks to θ_e. The result is ``inf`` where θ_e + ε >= 90° (no ray
    reaches that far).

    The line of sight must also clear the Earth, which matters only for a negative mask below the dip of
    the horizon, δ = arccos(R_e / (R_e + h_r)): beyond the tangent point (θ_e > δ) the mask is effectively
    max(ε, −δ), and no target below the surface is visible (h_min >= 0). For ε >= 0 this is the plain
    formula. `GroundRadar.sees` on ``earth="sphere"`` agrees with this function.

    Parameters
    ----------
    ground_angle_rad : float or array
        Great-circle angle between the radar and the target's sub-point, rad, in [0, π].
    radar_altitude_km : float or array
        Radar height above the surface, km, in [0, 10].
    elevation_mask_deg : float or array
        Minimum elevation, deg, in [-5, 90).
    k_factor : float or array
        Effective-Earth-radius factor in [1, `MAX_K_FACTOR`] (4/3 for a standard atmosphere).
    radius_km : float or array
        True Earth radius R, km.

    Returns
    -------
    float or array
        Minimum visible altitude, km (``inf`` if none).

    Examples
    --------
    >>> theta = 1000.0 / SPHERE_RADIUS_KM
    >>> print(round(float(horizon_min_altitude_km(theta)), 1),
    ...       round(float(horizon_min_altitude_km(theta, k_factor=4 / 3)), 1))
    79.3 59.2
    """
    theta = _check_array("ground_angle_rad", ground_angle_rad, 0.0, math.pi)
    h_r = _check_array("radar_altitude_km", radar_altitude_km, 0.0, 10.0)
    eps_deg = _check_array("elevation_mask_deg", elevation_mask_deg, -5.0, 90.0)
    if np.any(eps_deg >= 90.0):
        raise InputError(f"elevation_mask_deg must be within [-5, 90), got {float(np.max(eps_deg))!r}")
    k = _check_array("k_factor", k_factor, 1.0, MAX_K_FACTOR)
    radius = _check_array("radius_km", radius_km, 0.0, math.inf, lo_open=True)
    r_e = k * radius
    theta_e = theta / k
    eps = np.radians(eps_deg)
    dip = np.arccos(r_e / (r_e + h_r))
    near = theta_e <= dip
    eff = np.where(near, eps, np.maximum(eps, -dip))
    ang = theta_e + eff
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        h = (r_e + h_r) * np.cos(eff) / np.cos(ang) - r_e
    h = np.where(near, np.maximum(h, 0.0), h)
    h = np.where(ang >= 0.5 * math.pi, math.inf, h)
    return _scalar(h)


# ============================================================================ sensors
@dataclass(frozen=True)
class GroundRadar:
    """A ground-based radar: where it is, how far it sees, where it looks.

    Parameters
    ----------
    name : str
    latitude_deg, longitude_deg : float
        Site, deg (geodetic on the ellipsoid; on ``earth="sphere"`` the same numbers are geocentric).
    altitude_km : float
        Antenna height above the Earth model's surface, km, in [0, 10].
    max_range_km : float
        Detection/track range against a target of ``reference_rcs_m2``, km, in (0, 50000].
    reference_rcs_m2 : float
        Radar cross-section at which ``max_range_km`` applies, m², in (0, 1e4].
    elevation_mask_deg : float
        Minimum elevation, deg, in [-5, 90).
    max_elevation_deg : float
        Maximum elevation, deg, in (elevation_mask_deg, 90].
    k_factor : float
        Effective-Earth-radius factor in [1, 2]: 1 for targets above the atmosphere (default), 4/3 for
        low targets in a standard atmosphere.
    boresight_azimuth_deg : float or None
        Centre of the azimuth field of regard, deg from north in [0, 360); None for all azimuths.
    half_width_deg : float or None
        Half-width of the azimuth field of regard, deg, in (0, 180]; required with a boresight.
    fire_control : bool
        True if the radar can give a fire-control track (an X-band radar), False for early warning only.
    source : str
        Where the parameters come from.

    Examples
    --------
    >>> r = GroundRadar("brdy", 49.62, 13.73, max_range_km=2000.0, boresight_azimuth_deg=120.0,
    ...                 half_width_deg=60.0)
    >>> round(float(r.max_range_for_rcs_km(0.01)), 1)
    632.5
    """

    name: str
    latitude_deg: float
    longitude_deg: float
    altitude_km: float = 0.0
    max_range_km: float = 1000.0
    reference_rcs_m2: float = 1.0
    elevation_mask_deg: float = 0.0
    max_elevation_deg: float = 90.0
    k_factor: float = 1.0
    boresight_azimuth_deg: float | None = None
    half_width_deg: float | None = None
    fire_control: bool = True
    source: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise InputError(f"radar name must be a non-empty string, got {self.name!r}")
        name = self.name

        def req(field: str, lo: float, hi: float, **kw) -> None:
            object.__setattr__(self, field, _require(f"{name} {field}", getattr(self, field), lo, hi, **kw))

        req("latitude_deg", -90.0, 90.0)
        req("longitude_deg", -180.0, 360.0)
        req("altitude_km", 0.0, 10.0)
        req("max_range_km", 0.0, 50000.0, lo_open=True)
        req("reference_rcs_m2", 0.0, 1e4, lo_open=True)
        req("elevation_mask_deg", -5.0, 90.0, hi_open=True)
        req("max_elevation_deg", self.elevation_mask_deg, 90.0, lo_open=True)
        req("k_factor", 1.0, MAX_K_FACTOR)
        b, w = self.boresight_azimuth_deg, self.half_width_deg
        if (b is None) != (w is None):
            raise InputError(
                f"{name} boresight_azimuth_deg and half_width_deg must be given together (or neither, for "
                f"all azimuths), got boresight_azimuth_deg={b!r} and half_width_deg={w!r}"
            )
        if b is not None:
            req("boresight_azimuth_deg", 0.0, 360.0, hi_open=True)
            req("half_width_deg", 0.0, 180.0, lo_open=True)
        if not isinstance(self.fire_control, (bool, np.bool_)):
            raise InputError(f"{name} fire_control must be True or False, got {self.fire_control!r}")
        object.__setattr__(self, "fire_control", bool(self.fire_control))
        if not isinstance(self.source, str):
            raise InputError(f"{name} source must be a string, got {self.source!r}")

    # ------------------------------------------------------------------ range
    def max_range_for_rcs_km(self, rcs_m2=None):
        """Detection range against a target of ``rcs_m2`` (m²), km; ``None`` means the reference RCS.

        R = max_range_km (σ / σ_ref)^(1/4): at fixed radar parameters the radar equation gives
        R⁴ ∝ σ (Skolnik, *Introduction to Radar Systems*, 3rd ed., 2001, ch. 2). Vectorised.

        >>> r = GroundRadar("x", 0.0, 0.0, max_range_km=1000.0)
        >>> float(r.max_range_for_rcs_km(16.0))
        2000.0
        """
        if rcs_m2 is None:
            return self.max_range_km
        rcs = _check_array("rcs_m2", rcs_m2, 0.0, math.inf, lo_open=True)
        return _scalar(self.max_range_km * (rcs / self.reference_rcs_m2) ** 0.25)

    # ------------------------------------------------------------------ geometry
    def _look(self, r: np.ndarray, earth: str):
        """Azimuth (deg), elevation (deg), slant range (km) and Earth clearance of finite points ``(n, 3)``.

        The elevation is geometric for k = 1 and the effective-Earth (apparent) elevation otherwise.
        """
        a, e2 = ellipsoid(earth)
        site = geodetic_to_ecef(self.latitude_deg, self.longitude_deg, self.altitude_km, earth)
        east, north, up = enu_basis(self.latitude_deg, self.longitude_deg, earth)
        d = r - site
        e = d @ east
        n = d @ north
        u = d @ up
        horizontal = np.hypot(e, n)
        slant = np.hypot(horizontal, u)
        az = np.mod(np.degrees(np.arctan2(e, n)), 360.0)
        if self.k_factor == 1.0:
            el = np.degrees(np.arctan2(u, horizontal))
            # segment against the ellipsoid: scaling z by a/b maps it to a sphere of radius a (exact)
            scale = np.array([1.0, 1.0, 1.0 / math.sqrt(1.0 - e2)])
            clear = _segment_clears_sphere(site * scale, r * scale, a)
            return az, el, slant, clear
        # effective Earth: altitude h and ground distance s kept, on a sphere of radius k R
        lat_t, lon_t, h = (np.asarray(v, dtype=float) for v in ecef_to_geodetic(r, earth))
        if e2 == 0.0:
            radius = a
            cross = np.linalg.norm(np.cross(site, r), axis=-1)
            theta = np.arctan2(cross, r @ site)
        else:
            s, az1, _ = geodesic_inverse(self.latitude_deg, self.longitude_deg, lat_t, lon_t, earth=earth)
            radius = _euler_radius_km(self.latitude_deg, np.asarray(az1), a, e2)
            theta = np.asarray(s) / radius
        r_e = self.k_factor * radius
        theta_e = theta * radius / r_e
        rho0 = r_e + self.altitude_km
        x = (r_e + h) * np.sin(theta_e)
        y = (r_e + h) * np.cos(theta_e)
        el = np.degrees(np.arctan2(y - rho0, x))
        p0 = np.stack([np.zeros_like(x), np.broadcast_to(rho0, x.shape)], axis=-1)
        clear = _segment_clears_sphere(p0, np.stack([x, y], axis=-1), r_e)
        return az, el, slant, clear

    def kernel_params(self, rcs_m2=None, earth: str = "wgs84") -> np.ndarray:
        """Parameter vector for `radar_sees_kernel` (site, ENU axes, limits, range for ``rcs_m2``)."""
        earth = check_earth(earth)
        p = np.empty(N_KERNEL_PARAMS)
        p[0:3] = geodetic_to_ecef(self.latitude_deg, self.longitude_deg, self.altitude_km, earth)
        east, north, up = enu_basis(self.latitude_deg, self.longitude_deg, earth)
        p[3:6], p[6:9], p[9:12] = east, north, up
        p[_P_EL_MIN] = self.elevation_mask_deg
        p[_P_EL_MAX] = self.max_elevation_deg
        p[_P_K] = self.k_factor
        p[_P_BORESIGHT] = np.nan if self.boresight_azimuth_deg is None else self.boresight_azimuth_deg
        p[_P_HALF] = np.nan if self.half_width_deg is None else self.half_width_deg
        p[_P_RANGE] = float(self.max_range_for_rcs_km(rcs_m2))
        p[_P_ALT] = self.altitude_km
        p[_P_LAT] = self.latitude_deg
        p[_P_FC] = 1.0 if self.fire_control else 0.0
        return p

    def sees(self, r_ecef_km, rcs_m2=None, earth: str = "wgs84"):
        """Whether the radar sees targets at ECEF positions ``r_ecef_km`` (km, ``(..., 3)``).

        A target is seen if all hold:

        - the line of sight clears the (effective) Earth and the elevation is within
          [elevation_mask_deg, max_elevation_deg];
        - its azimuth is within ``half_width_deg`` of ``boresight_azimuth_deg`` (wrapped across 0°/360°),
          if a field of regard is set;
        - the slant range is at most ``max_range_for_rcs_km(rcs_m2)``.

        With ``k_factor == 1`` the elevation is the geometric elevation in the radar's east-north-up frame
        and the Earth test is exact for the chosen model. With ``k_factor != 1`` the effective-Earth
        construction (Skolnik, 3rd ed., 2001, ch. 8) keeps the target's altitude h and its great-circle
        angle θ from the radar on a sphere of the local radius R, maps them to R_e = kR and θ_e = θR/R_e
        (same ground distance), and uses the elevation on that sphere, from the plane triangle
        Earth-centre/radar/target,

            el = atan2((R_e + h) cos θ_e − (R_e + h_r), (R_e + h) sin θ_e).

        On the sphere R is the model radius and this is exact for the effective-Earth model (it agrees
        with `horizon_min_altitude_km`). On the ellipsoid h is the geodetic altitude, the ground distance
        is the geodesic (Karney, via pyproj) and R is the normal radius of curvature at the radar in the
        target's azimuth (Euler's theorem): an osculating-sphere approximation (against the exact k = 1
        geometry it moves h_min by < 0.1 km at 1000 km and < 1 km at 2500 km; see the tests). Azimuth
        and slant range are geometric (the ray's bending is ignored in both). The Earth test uses the
        effective sphere. Non-finite positions (e.g. NaN from `trajectory_state` outside the flight) are
        not seen.

        Parameters
        ----------
        r_ecef_km : array_like, shape (..., 3)
            Target positions, ECEF, km.
        rcs_m2 : float or array or None
            Target radar cross-section, m² (``> 0``); None means ``reference_rcs_m2``. Broadcasts with the
            leading shape of ``r_ecef_km``.
        earth : {"wgs84", "sphere"}
            Earth model of the radar site and the positions.

        Returns
        -------
        numpy.bool_ or numpy.ndarray of bool, shape (...)

        Examples
        --------
        >>> radar = GroundRadar("x", 0.0, 0.0, max_range_km=3000.0)
        >>> pts = geodetic_to_ecef(0.0, [5.0, 15.0], 200.0, earth="sphere")   # 556 and 1668 km away
        >>> radar.sees(pts, earth="sphere")
        array([ True, False])
        """
        earth = check_earth(earth)
        r = np.asarray(r_ecef_km, dtype=float)
        if r.ndim == 0 or r.shape[-1] != 3:
            raise InputError(f"r_ecef_km must have shape (..., 3), got shape {r.shape}")
        max_range = np.asarray(self.max_range_for_rcs_km(rcs_m2), dtype=float)
        shape = r.shape[:-1]
        try:
            out_shape = np.broadcast_shapes(shape, max_range.shape)
        except ValueError:
            raise InputError(
                f"rcs_m2 of shape {max_range.shape} does not broadcast with r_ecef_km of shape {r.shape}"
            ) from None
        flat = r.reshape(-1, 3)
        finite = np.all(np.isfinite(flat), axis=-1)
        az = np.full(flat.shape[0], np.nan)
        el = np.full(flat.shape[0], np.nan)
        slant = np.full(flat.shape[0], np.nan)
        ok = np.zeros(flat.shape[0], dtype=bool)
        if np.any(finite):
            az[finite], el[finite], slant[finite], ok[finite] = self._look(flat[finite], earth)
        ok &= (el >= self.elevation_mask_deg) & (el <= self.max_elevation_deg)
        if self.boresight_azimuth_deg is not None:
            off = np.mod(az - self.boresight_azimuth_deg + 180.0, 360.0) - 180.0
            ok &= np.abs(off) <= self.half_width_deg
        ok = ok.reshape(shape)
        slant = slant.reshape(shape)
        with np.errstate(invalid="ignore"):
            seen = np.broadcast_to(ok, out_shape) & (slant <= max_range)
        return _scalar(np.asarray(seen))

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_radar_equation(
        cls,
        name: str,
        latitude_deg: float,
        longitude_deg: float,
        *,
        average_power_w: float,
        aperture_m2: float,
        aperture_efficiency: float,
        wavelength_m: float,
        system_temperature_k: float,
        losses_db: float,
        dwell_s: float,
        required_snr_db: float,
        reference_rcs_m2: float = 1.0,
        **kwargs,
    ) -> GroundRadar:
        """A radar whose ``max_range_km`` comes from the average-power radar equation.

        ``max_range_km = radar_range_average_power_km(...)`` against ``reference_rcs_m2``; other fields
        (``altitude_km``, ``elevation_mask_deg``, ...) pass through ``kwargs``.

        >>> r = GroundRadar.from_radar_equation(
        ...     "xband", 49.62, 13.73, average_power_w=100e3, aperture_m2=100.0, aperture_efficiency=0.6,
        ...     wavelength_m=0.03, system_temperature_k=500.0, losses_db=5.0, dwell_s=0.1,
        ...     required_snr_db=15.0, reference_rcs_m2=0.1)
        >>> round(r.max_range_km)
        4634
        """
        if "max_range_km" in kwargs:
            raise InputError(
                f"{name} max_range_km is computed from the radar equation by from_radar_equation; "
                "pass it to GroundRadar(...) instead"
            )
        rng = radar_range_average_power_km(
            average_power_w,
            dwell_s,
            aperture_m2,
            aperture_efficiency,
            wavelength_m,
            _require(f"{name} reference_rcs_m2", reference_rcs_m2, 0.0, 1e4, lo_open=True),
            system_temperature_k,
            losses_db,
            required_snr_db,
        )
        if np.ndim(rng) != 0:
            raise InputError(
                f"{name} radar-equation parameters must be scalars, got a range of shape {np.shape(rng)}"
            )
        return cls(
            name,
            latitude_deg,
            longitude_deg,
            max_range_km=float(rng),
            reference_rcs_m2=reference_rcs_m2,
            **kwargs,
        )


@dataclass(frozen=True)
class EarlyWarningSatellites:
    """Space-based infrared early warning: sees a launch's boost after a delay and cues the radars; gives
    no fire-control track.

    The model is a single detection ``detection_delay_s`` after launch, provided the plume is still
    burning; a missile that burns out first is missed (a plain, conservative reading of how scanning and
    staring infrared sensors need the boost plume; e.g. APS, *Report of the APS Study Group on Boost-Phase
    Intercept Systems for National Missile Defense*, 2003).

    Parameters
    ----------
    name : str
    detection_delay_s : float
        From launch to detection, s, in [0, 3600].
    source : str

    >>> from shieldcheck.threats import trajectory
    >>> sbirs = EarlyWarningSatellites("sbirs", detection_delay_s=30.0)
    >>> t = trajectory("tehran", "berlin", missile="irbm-3700")
    >>> sbirs.detection_time_s(t), sbirs.intervals(t) == [(30.0, t.burn_time_s)]
    (30.0, True)
    """

    name: str
    detection_delay_s: float = 30.0
    source: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise InputError(f"early-warning name must be a non-empty string, got {self.name!r}")
        object.__setattr__(
            self,
            "detection_delay_s",
            _require(f"{self.name} detection_delay_s", self.detection_delay_s, 0.0, 3600.0),
        )
        if not isinstance(self.source, str):
            raise InputError(f"{self.name} source must be a string, got {self.source!r}")

    def detection_time_s(self, traj) -> float:
        """Detection time (s after launch): the delay if it falls within the boost, else NaN (missed).

        A burn time of 0 (no boost phase modelled) counts as missed.
        """
        return float(self.detection_times_s(traj.burn_time_s))

    def detection_times_s(self, burn_time_s):
        """Vectorised `detection_time_s` over burn times (s): the delay where it falls within the boost."""
        burn = np.asarray(burn_time_s, dtype=float)
        return np.where((burn > 0.0) & (self.detection_delay_s <= burn), self.detection_delay_s, np.nan)

    def intervals(self, traj) -> list[tuple[float, float]]:
        """``[(detection_time_s, burn_time_s)]`` while the plume is seen, or ``[]`` if missed."""
        t = self.detection_time_s(traj)
        return [] if math.isnan(t) else [(t, float(traj.burn_time_s))]


# ============================================================================ coverage
def coverage_boundary(
    radar,
    altitude_km: float,
    *,
    azimuths_deg=None,
    earth: str = "wgs84",
    rcs_m2=None,
    samples: int = 400,
    tolerance_km: float = 0.01,
):
    """The outer limit of a ground radar's coverage of targets at one altitude, as a closed boundary.

    Along each azimuth from the radar, the farthest ground range at which ``radar.sees`` a target at
    ``altitude_km`` is found: visibility is sampled at ``samples`` ranges out to the largest range any
    target could be seen at, then the last visible sample and the next one are bisected to
    ``tolerance_km``. The limit is whichever binds first of the slant range, the (effective-Earth)
    horizon with the elevation mask, and the azimuth field of regard; see `GroundRadar.sees`.

    Parameters
    ----------
    radar : shieldcheck.sensors.GroundRadar
    altitude_km : float
        Target altitude above the Earth model, km (>= 0).
    azimuths_deg : sequence of float or None
        Azimuths to trace, deg from north. None: every 1° around, or across the field of regard (about
        every 1°, the edges traced 0.01° inside) for a radar with a boresight, in which case the boundary
        starts at the radar so that the sector closes through it.
    earth : {"wgs84", "sphere"}
    rcs_m2 : float or None
        Target radar cross-section, m²; None uses the radar's reference RCS.
    samples : int
        Ground ranges sampled per azimuth before bisection, in [2, 5000] (a visible band thinner than the
        sample step at the far end could be missed).
    tolerance_km : float
        Bisection tolerance on the ground range, km, in [1e-6, 1000].

    Returns
    -------
    (latitude_deg, longitude_deg) : numpy arrays
        Boundary vertices in azimuth order (not repeated at the end). An azimuth along which nothing is
        seen contributes the radar's own position.

    Notes
    -----
    The search range is bounded by the slant range: a target seen at slant range ρ is at most the chord
    ρ from the radar, so its ground angle is at most 2 asin(ρ / 2a) (a = 6378.137 km, the largest radius
    of either model), padded by 1 % and 10 km. Ground ranges are geodesic (`geodesic_direct`).

    Examples
    --------
    >>> radar = GroundRadar("x", 50.0, 10.0, max_range_km=1000.0)
    >>> lat, lon = coverage_boundary(radar, 100.0, earth="sphere")
    >>> lat.shape
    (360,)
    """
    earth = check_earth(earth)
    if isinstance(altitude_km, bool) or not isinstance(altitude_km, (int, float, np.floating, np.integer)):
        raise InputError(f"altitude_km must be a number, got {altitude_km!r}")
    if not (math.isfinite(altitude_km) and altitude_km >= 0.0):
        raise InputError(f"altitude_km must be finite and >= 0, got {altitude_km!r}")
    if isinstance(samples, bool) or not isinstance(samples, (int, np.integer)) or not 2 <= samples <= 5000:
        raise InputError(f"samples must be a whole number within [2, 5000], got {samples!r}")
    tolerance_km = _require("tolerance_km", tolerance_km, 1e-6, 1000.0)
    sector = radar.boresight_azimuth_deg is not None and radar.half_width_deg < 180.0
    if azimuths_deg is None:
        if sector:
            b, w = radar.boresight_azimuth_deg, radar.half_width_deg
            n = max(2, math.ceil(2.0 * w) + 1)
            # The radar's azimuth of a point (in its east-north-up frame) differs from the geodesic's
            # initial azimuth by up to ~0.003° on the ellipsoid: trace the edges 0.01° inside the field.
            edge = 0.01
            az = np.linspace(b - w + edge, b + w - edge, n)
        else:
            az = np.arange(360.0)
    else:
        az = _check_array("azimuths_deg", azimuths_deg, -720.0, 720.0)
        az = np.atleast_1d(az)
        if az.ndim != 1 or az.size > 36_000:
            raise InputError(f"azimuths_deg must be a 1-D sequence of at most 36000 azimuths, got {az.shape}")
    az = np.mod(az, 360.0)

    rho = float(radar.max_range_for_rcs_km(rcs_m2))
    theta_max = 2.0 * math.asin(min(1.0, rho / (2.0 * WGS84_A_KM)))
    s_hi = min(math.pi * WGS84_A_KM, 1.01 * WGS84_A_KM * theta_max + 10.0)

    def seen(azimuth, ground_km):
        la, lo, _ = geodesic_direct(radar.latitude_deg, radar.longitude_deg, azimuth, ground_km, earth=earth)
        r = geodetic_to_ecef(la, lo, altitude_km, earth=earth)
        return np.asarray(radar.sees(r, rcs_m2=rcs_m2, earth=earth))

    s = np.linspace(0.0, s_hi, samples)
    grid = seen(az[:, None], s[None, :])  # (n_az, samples)
    any_seen = grid.any(axis=1)
    last = np.where(any_seen, samples - 1 - np.argmax(grid[:, ::-1], axis=1), 0)
    lo_km = s[last]
    hi_km = np.where(last < samples - 1, s[np.minimum(last + 1, samples - 1)], s_hi)
    beyond = last == samples - 1  # seen at the outermost sample: the bound itself
    n_iter = max(1, math.ceil(math.log2(max(s_hi / (samples - 1), tolerance_km) / tolerance_km)) + 1)
    for _ in range(n_iter):
        mid = 0.5 * (lo_km + hi_km)
        ok = seen(az, mid)
        lo_km = np.where(ok, mid, lo_km)
        hi_km = np.where(ok, hi_km, mid)
    ground = np.where(any_seen, np.where(beyond, s_hi, lo_km), 0.0)
    lat, lon, _ = geodesic_direct(radar.latitude_deg, radar.longitude_deg, az, ground, earth=earth)
    lat, lon = np.atleast_1d(lat), np.atleast_1d(lon)
    if sector and azimuths_deg is None:
        lat = np.concatenate([[radar.latitude_deg], lat])
        lon0 = radar.longitude_deg if radar.longitude_deg < 180.0 else radar.longitude_deg - 360.0
        lon = np.concatenate([[lon0], lon])
    return lat, lon


# ============================================================================ visibility
def visibility_intervals(
    radar_or_satellites,
    traj,
    rcs_m2=None,
    step_s: float = 5.0,
    tol_s: float = 0.01,
    *,
    earth: str | None = None,
) -> list[tuple[float, float]]:
    """Time intervals (s after launch) during which a sensor sees a threat.

    For a `GroundRadar` the whole flight [0, flight_time_s] is sampled with
    `shieldcheck.threats.trajectory_state` every ``step_s`` (plus the impact time), changes of
    `GroundRadar.sees` between neighbouring samples are located, and each edge is refined by bisection
    to ``tol_s``. Each reported end point is the refined time on the *seen* side, so the radar sees the
    threat at both ends of every interval and not ``tol_s`` beyond them (unless the end is launch or
    impact). Visibility gaps or windows shorter than ``step_s`` may be missed. For
    `EarlyWarningSatellites` this is ``radar_or_satellites.intervals(traj)``.

    Parameters
    ----------
    radar_or_satellites : GroundRadar or EarlyWarningSatellites
    traj : shieldcheck.threats.Trajectory
    rcs_m2 : float or None
        Threat radar cross-section, m² (None: the radar's reference RCS).
    step_s : float
        Sampling step, s, in (0, 3600], giving at most 1,000,000 samples over the flight.
    tol_s : float
        Edge precision, s, in [1e-6, step_s].
    earth : {"wgs84", "sphere"} or None
        Earth model for the radar site; None (default) uses the trajectory's.

    Returns
    -------
    list of (float, float)
        Sorted, disjoint ``(start_s, end_s)`` pairs.

    Examples
    --------
    >>> from shieldcheck.threats import trajectory
    >>> t = trajectory("tehran", "london", burn_time_s=170, burnout_altitude_km=200, burnout_range_km=400)
    >>> brdy = GroundRadar("brdy", 49.62, 13.73, max_range_km=2000.0)
    >>> [(round(a), round(b)) for a, b in visibility_intervals(brdy, t)]
    [(529, 1245)]
    """
    if isinstance(radar_or_satellites, EarlyWarningSatellites):
        return radar_or_satellites.intervals(traj)
    if not isinstance(radar_or_satellites, GroundRadar):
        raise InputError(
            "sensor must be a GroundRadar or EarlyWarningSatellites, got "
            f"{type(radar_or_satellites).__name__}"
        )
    radar = radar_or_satellites
    step = _require("step_s", step_s, 0.0, 3600.0, lo_open=True)
    tol = _require("tol_s", tol_s, 0.0, step, lo_open=True)
    if tol < 1e-6:
        raise InputError(f"tol_s must be within [1e-06, {step:g}] (the bisection's resolution), got {tol!r}")
    if rcs_m2 is not None:
        rcs_m2 = _require("rcs_m2", rcs_m2, 0.0, math.inf, lo_open=True)
    earth = check_earth(traj.earth if earth is None else earth)
    t_end = float(traj.flight_time_s)
    if not (math.isfinite(t_end) and t_end > 0.0):
        return []

    def seen(t: np.ndarray) -> np.ndarray:
        return np.asarray(radar.sees(trajectory_state(traj, t)[0], rcs_m2, earth))

    if t_end / step > 1_000_000:
        raise InputError(
            f"step_s must be at least {t_end / 1_000_000:.3g} s for this {t_end:.0f} s flight (at most "
            f"1,000,000 samples), got {step:g}"
        )
    t = np.append(np.arange(0.0, t_end, step), t_end)
    t = t[np.concatenate([np.diff(t) > 0.0, [True]])]
    s = seen(t)
    edges = np.flatnonzero(s[:-1] != s[1:])
    lo, hi = t[edges].copy(), t[edges + 1].copy()
    rising = ~s[edges]
    for _ in range(200):  # halvings of step_s down to tol_s >= 1e-6 s: far fewer than 200
        if not (lo.size and np.max(hi - lo) > tol):
            break
        mid = 0.5 * (lo + hi)
        sm = seen(mid)
        # keep the bracket: lo stays on the side of the earlier sample's state
        move_lo = sm == s[edges]
        lo = np.where(move_lo, mid, lo)
        hi = np.where(move_lo, hi, mid)
    edge_t = np.where(rising, hi, lo)  # the seen side of each edge

    intervals = []
    start = 0.0 if s[0] else None
    for k in range(edges.size):
        if rising[k]:
            start = float(edge_t[k])
        else:
            intervals.append((start, float(edge_t[k])))
            start = None
    if start is not None:
        intervals.append((start, t_end))
    return intervals


@dataclass(frozen=True)
class SensorView:
    """What one sensor sees of one threat. Field names are the JSON keys (`to_dict`).

    ``kind`` is ``"radar"`` or ``"early_warning"``; ``intervals`` are ``(start_s, end_s)`` pairs after
    launch; ``first_s``/``last_s`` are the first start and the last end (NaN if never seen).
    """

    sensor: str
    kind: str
    fire_control: bool
    intervals: tuple[tuple[float, float], ...]
    first_s: float
    last_s: float

    def to_dict(self) -> dict:
        """JSON-ready dict; NaN becomes None and the intervals become lists.

        >>> SensorView("sbirs", "early_warning", False, (), math.nan, math.nan).to_dict()["first_s"] is None
        True
        """

        def clean(v: float):
            return None if not math.isfinite(v) else float(v)

        return {
            "sensor": self.sensor,
            "kind": self.kind,
            "fire_control": self.fire_control,
            "intervals": [[clean(a), clean(b)] for a, b in self.intervals],
            "first_s": clean(self.first_s),
            "last_s": clean(self.last_s),
        }


def view(sensor, traj, rcs_m2=None, earth: str | None = None, step_s: float = 5.0) -> SensorView:
    """What ``sensor`` (a `GroundRadar` or `EarlyWarningSatellites`) sees of the threat ``traj``.

    Intervals from `visibility_intervals` (edges refined to 0.01 s); ``earth`` None uses the
    trajectory's Earth model.

    >>> from shieldcheck.threats import trajectory
    >>> t = trajectory("tehran", "london", burn_time_s=170, burnout_altitude_km=200, burnout_range_km=400)
    >>> v = view(GroundRadar("brdy", 49.62, 13.73, max_range_km=2000.0), t)
    >>> print(v.kind, v.fire_control, round(v.first_s), round(v.last_s))
    radar True 529 1245
    """
    intervals = visibility_intervals(sensor, traj, rcs_m2, step_s=step_s, earth=earth)
    if isinstance(sensor, GroundRadar):
        kind, fire_control = "radar", sensor.fire_control
    else:
        kind, fire_control = "early_warning", False
    return SensorView(
        sensor=sensor.name,
        kind=kind,
        fire_control=fire_control,
        intervals=tuple((float(a), float(b)) for a, b in intervals),
        first_s=float(intervals[0][0]) if intervals else math.nan,
        last_s=float(intervals[-1][1]) if intervals else math.nan,
    )
