"""Threat ballistic trajectories on a rotating Earth.

Units inside this module: km, s, rad (``_deg`` names at the API). Time is seconds after the threat's launch.

The model
---------
A missile launched at t = 0 from a surface point flies a boost phase that ends at burnout, ``burn_time_s``
after launch, ``burnout_altitude_km`` above the Earth model and ``burnout_range_km`` downrange along the
geodesic toward the target (all three default to 0: an impulsive burnout at the launch point). It then
coasts on a Keplerian arc (central gravity, no drag) and arrives at the surface at the target's *moving*
position: with the inertial frame aligned with Earth-fixed axes at burnout, the target is at
``R_z(ω T) r_target`` after a coast of T seconds, so the coast is the Lambert arc
``r_burnout → R_z(ω T) r_target`` in time T. The velocity the missile must supply is relative to the
rotating Earth, ``v_rel = v_inertial − ω × r_burnout`` (Bate, Mueller & White 1971, ch. 6, on the effect of
Earth rotation).

Shapes select T:

``min-energy``
    the smallest burnout speed relative to the rotating Earth, ``min_T |v_rel(T)|``.
``apogee``
    the coast arc whose apogee is ``apogee_km`` above the Earth model.
``flight-time``
    a total flight time (boost + coast) of ``flight_time_s``.
``burnout-speed``
    a burnout speed relative to the Earth of ``burnout_speed_km_s``, on the ``lofted`` (longer, higher) or
    ``depressed`` (shorter, lower) branch either side of the minimum-energy arc.

The apogee reported is the apoapsis of the coast conic when the arc passes through it (otherwise the
higher end of the arc), as an altitude above the Earth model at that point. The boost phase is treated
kinematically: only its end state enters the coast; ``sample_trajectory`` draws it with a smooth
illustrative profile (see there).

Results carry a status: ``ok``, ``unreachable`` (the missile's maximum burnout speed is less than the
trajectory needs; the fields then describe the trajectory it would need), ``no_solution`` (the shape
asked for does not exist, e.g. a lofted arc at a speed above its limit, a target inside the missile's
burnout range, coincident or antipodal end points) or ``in_atmosphere`` (the coast flies below
`ATMOSPHERE_EDGE_KM` over most of its ground distance, where the drag this coast ignores would shorten
it: `mark_atmospheric_coasts`), with the reason in words. Only invalid input (a
latitude of 95°, a negative burn time) raises `InputError`. Every arc returned stays above the ground:
the minimum-energy arc is the least-speed arc whose perigee is not underground, and a ``burnout-speed``
arc flies at the speed asked for to 1 mm/s or is not ``ok``.

Sources: Bate, Mueller & White, *Fundamentals of Astrodynamics* (1971), ch. 5 (Lambert) and ch. 6
(ballistic missile trajectories); Wheelon, "Free flight of a ballistic missile", ARS Journal 29 (1959).

>>> t = trajectory((35.69, 51.39), (52.52, 13.40), earth="sphere", rotation=False)
>>> print(t.status, round(t.ground_range_km), round(t.burnout_speed_relative_km_s, 3))
ok 3505 5.17
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace

import numba
import numpy as np

from shieldcheck import earth as _earth
from shieldcheck._numba import run_chunks
from shieldcheck.earth import MU_KM3_S2, SPHERE_RADIUS_KM, geodetic_kernel
from shieldcheck.errors import InputError
from shieldcheck.orbits import _as_mu, _illinois_step, kepler, lambert_kernel

__all__ = [
    "SHAPES",
    "BRANCHES",
    "FULL_BURN_SHAPES",
    "BOOSTS",
    "staged_vehicle",
    "kinematic_shape",
    "ATMOSPHERE_EDGE_KM",
    "mark_atmospheric_coasts",
    "Trajectory",
    "TrajectoryBatch",
    "TrajectorySamples",
    "trajectory",
    "solve_trajectories",
    "sample_trajectory",
    "trajectory_state",
    "boost_position_kernel",
    "boost_endpoints",
    "sphere_min_energy",
    "sphere_range_angle",
    "sphere_flight_path_angles",
    "sphere_free_flight_time",
    "sphere_apogee_altitude",
]

SHAPES = ("min-energy", "apogee", "flight-time", "burnout-speed")
BRANCHES = ("lofted", "depressed")
FULL_BURN_SHAPES = ("lofted", "depressed")
"""Shapes of `trajectory` beyond `SHAPES`: the full burn's high or low arc to the target (staged: the kick
that lands the full burn there; kinematic: the ``burnout-speed`` arc at the class's maximum speed)."""
BOOSTS = ("auto", "kinematic", "staged")

_MODE = {"min-energy": 0, "apogee": 1, "flight-time": 2, "burnout-speed": 3}

# internal status codes written by the numba driver
_OK = 0
_LAMBERT_FAILED = 1
_NO_LOFTED = 2
_BRACKET_FAILED = 3
_BELOW_SURFACE = 4
_SPEED_BELOW_MIN = 5
_UNREACHABLE = 6  # set in Python when the needed speed exceeds the missile's maximum
_SPEED_JUMP = 7  # set in Python: the root search converged on a jump of the speed, not the speed asked

_SPEED_TOL_KM_S = 1e-9
_SPEED_MATCH_KM_S = 1e-6
"""A burnout-speed arc must fly at the requested speed to 1 mm/s, or it is not returned as ``ok``."""
MAX_COAST_S = 86400.0
"""Longest coast (s) the searches consider: one day, the same bound as ``flight_time_s``."""
MAX_BATCH = 1_000_000
"""Most trajectories one `solve_trajectories` call solves (about 0.5 GB of results)."""
MAX_SAMPLES = 1_000_000
"""Most time samples `trajectory_state` and `sample_trajectory` return in one call."""
_GRID = 13  # coarse grid of coast times for the minimum-energy search


# ============================================================================ closed forms (sphere)
def sphere_range_angle(q, gamma_rad):
    """Free-flight range angle Ψ (rad) from Q = v²r/μ and flight-path angle γ, non-rotating sphere.

    Range equation with burnout and re-entry at the same radius (Bate, Mueller & White 1971, eq. 6.2-8):
    tan(Ψ/2) = Q sin γ cos γ / (1 − Q cos² γ). Valid for Q < 2 (elliptic); Ψ in (0, 2π).

    >>> round(float(np.degrees(sphere_range_angle(1.0, np.radians(45.0)))), 9)
    90.0
    """
    q = np.asarray(q, dtype=float)
    g = np.asarray(gamma_rad, dtype=float)
    return 2.0 * np.arctan2(q * np.sin(g) * np.cos(g), 1.0 - q * np.cos(g) ** 2)


def sphere_flight_path_angles(q, psi_rad):
    """Both flight-path angles (low, high), rad, that give range angle Ψ at Q, non-rotating sphere.

    From sin(2γ + Ψ/2) = ((2 − Q)/Q) sin(Ψ/2) (Bate, Mueller & White 1971, eq. 6.2-16). NaN where the
    range is beyond the maximum for that Q.

    >>> lo, hi = sphere_flight_path_angles(0.8, 1.0)
    >>> print(round(float(np.degrees(lo)), 4), round(float(np.degrees(hi)), 4))
    8.6677 52.6844
    """
    q = np.asarray(q, dtype=float)
    psi = np.asarray(psi_rad, dtype=float)
    s = (2.0 - q) / q * np.sin(psi / 2.0)
    with np.errstate(invalid="ignore"):
        # at the maximum range s = 1 up to rounding: accept 1e-12 over, as the double root γ*
        x = np.arcsin(np.where(s <= 1.0 + 1e-12, np.minimum(s, 1.0), np.nan))
    low = (x - psi / 2.0) / 2.0
    high = (np.pi - x - psi / 2.0) / 2.0
    return low, high


def sphere_free_flight_time(q, gamma_rad, psi_rad, radius_km=SPHERE_RADIUS_KM, mu_km3_s2=MU_KM3_S2):
    """Time of free flight (s) for a symmetric arc between two points at radius ``radius_km``.

    a = r/(2 − Q), e² = 1 + Q(Q − 2)cos²γ, cos E₁ = (e − cos(Ψ/2))/(1 − e cos(Ψ/2)),
    t = 2√(a³/μ)(π − E₁ + e sin E₁) (Bate, Mueller & White 1971, eq. 6.3-7 and fig. 6.3-1).

    >>> q = float(sphere_min_energy(10000.0)["q"]); g = np.radians(45 - np.degrees(10000 / 6371.0) / 4)
    >>> round(float(sphere_free_flight_time(q, g, 10000 / 6371.0)), 1)
    1931.0
    """
    q = np.asarray(q, dtype=float)
    g = np.asarray(gamma_rad, dtype=float)
    psi = np.asarray(psi_rad, dtype=float)
    a = radius_km / (2.0 - q)
    e = np.sqrt(np.maximum(1.0 + q * (q - 2.0) * np.cos(g) ** 2, 0.0))
    c = np.cos(psi / 2.0)
    e1 = np.arccos(np.clip((e - c) / (1.0 - e * c), -1.0, 1.0))
    return 2.0 * np.sqrt(a**3 / mu_km3_s2) * (np.pi - e1 + e * np.sin(e1))


def sphere_apogee_altitude(q, gamma_rad, radius_km=SPHERE_RADIUS_KM):
    """Apogee altitude (km) of the arc, a(1 + e) − R (Bate, Mueller & White 1971, §6.2)."""
    q = np.asarray(q, dtype=float)
    g = np.asarray(gamma_rad, dtype=float)
    a = radius_km / (2.0 - q)
    e = np.sqrt(np.maximum(1.0 + q * (q - 2.0) * np.cos(g) ** 2, 0.0))
    return a * (1.0 + e) - radius_km


def sphere_min_energy(range_km, radius_km=SPHERE_RADIUS_KM, mu_km3_s2=MU_KM3_S2) -> dict:
    """Minimum-energy ballistic arc between two surface points of a non-rotating sphere.

    γ* = 45° − Ψ/4 and Q* = 2 sin(Ψ/2)/(1 + sin(Ψ/2)) (Bate, Mueller & White 1971, eq. 6.2-18/19), with
    Ψ = range/R. Returns a dict of arrays: ``q``, ``speed_km_s``, ``flight_path_angle_deg``,
    ``apogee_km``, ``coast_time_s``.

    >>> m = sphere_min_energy(3000.0)
    >>> print(round(float(m["speed_km_s"]), 4), round(float(m["flight_path_angle_deg"]), 2))
    4.865 38.26
    """
    psi = np.asarray(range_km, dtype=float) / radius_km
    s = np.sin(psi / 2.0)
    q = 2.0 * s / (1.0 + s)
    gamma = np.pi / 4.0 - psi / 4.0
    return {
        "q": q,
        "speed_km_s": np.sqrt(q * mu_km3_s2 / radius_km),
        "flight_path_angle_deg": np.degrees(gamma),
        "apogee_km": sphere_apogee_altitude(q, gamma, radius_km),
        "coast_time_s": sphere_free_flight_time(q, gamma, psi, radius_km, mu_km3_s2),
    }


# ============================================================================ numba kernels
@numba.njit(cache=True, error_model="numpy")
def _coast(t, r1, rt, nref, omega, mu, v1, v2, r2):
    """Lambert arc from r1 (burnout frame) to the target rotated by ω t; returns (status, |v_rel|²)."""
    c = math.cos(omega * t)
    s = math.sin(omega * t)
    r2[0] = c * rt[0] - s * rt[1]
    r2[1] = s * rt[0] + c * rt[1]
    r2[2] = rt[2]
    cx = r1[1] * r2[2] - r1[2] * r2[1]
    cy = r1[2] * r2[0] - r1[0] * r2[2]
    cz = r1[0] * r2[1] - r1[1] * r2[0]
    long_way = cx * nref[0] + cy * nref[1] + cz * nref[2] < 0.0
    st = lambert_kernel(r1, r2, t, long_way, mu, v1, v2)
    if st != 0:
        return st, np.inf
    wx = v1[0] + omega * r1[1]
    wy = v1[1] - omega * r1[0]
    return 0, wx * wx + wy * wy + v1[2] * v1[2]


@numba.njit(cache=True, error_model="numpy")
def _apogee(t_coast, r1, v1, r2, v2, omega, mu, a_e, e2, out):
    """Apogee altitude and time after burnout of the arc (r1, v1) → (r2, v2); flag an arc dipping low.

    Writes out[0] = apogee altitude (km), out[1] = time from burnout to apogee (s), out[2] = 1.0 when
    the arc passes its periapsis (it then dips below the target's radius: underground).
    """
    rr1 = math.sqrt(r1[0] ** 2 + r1[1] ** 2 + r1[2] ** 2)
    rdv1 = r1[0] * v1[0] + r1[1] * v1[1] + r1[2] * v1[2]
    rdv2 = r2[0] * v2[0] + r2[1] * v2[1] + r2[2] * v2[2]
    out[2] = 1.0 if (rdv1 < 0.0 and rdv2 > 0.0) else 0.0
    vv = v1[0] ** 2 + v1[1] ** 2 + v1[2] ** 2
    energy = 0.5 * vv - mu / rr1
    # eccentricity vector e = ((v² − μ/r) r − (r·v) v)/μ
    k = vv - mu / rr1
    ex = (k * r1[0] - rdv1 * v1[0]) / mu
    ey = (k * r1[1] - rdv1 * v1[1]) / mu
    ez = (k * r1[2] - rdv1 * v1[2]) / mu
    ecc = math.sqrt(ex * ex + ey * ey + ez * ez)
    if rdv1 >= 0.0 and rdv2 <= 0.0 and energy < 0.0 and ecc > 1e-12:
        sma = -mu / (2.0 * energy)
        ra = sma * (1.0 + ecc)
        cos_e = (1.0 - rr1 / sma) / ecc
        sin_e = rdv1 / (ecc * math.sqrt(mu * sma))
        big_e = math.atan2(sin_e, cos_e)
        dt = math.sqrt(sma**3 / mu) * (math.pi - (big_e - ecc * math.sin(big_e)))
        # apoapsis position in the burnout frame, then in Earth-fixed axes at that time
        ax = -ra * ex / ecc
        ay = -ra * ey / ecc
        az = -ra * ez / ecc
        c = math.cos(-omega * dt)
        s = math.sin(-omega * dt)
        out[0] = geodetic_kernel(c * ax - s * ay, s * ax + c * ay, az, a_e, e2)[1]
        out[1] = dt
    else:
        h1 = geodetic_kernel(r1[0], r1[1], r1[2], a_e, e2)[1]
        c = math.cos(-omega * t_coast)
        s = math.sin(-omega * t_coast)
        h2 = geodetic_kernel(c * r2[0] - s * r2[1], s * r2[0] + c * r2[1], r2[2], a_e, e2)[1]
        if h1 >= h2:
            out[0] = h1
            out[1] = 0.0
        else:
            out[0] = h2
            out[1] = t_coast


@numba.njit(cache=True, error_model="numpy")
def _objective(mode, t, target, r1, rt, nref, omega, mu, a_e, e2, v1, v2, r2, work):
    """Scalar function whose root (modes 1, 3) the driver seeks; mode 0 returns d|v_rel|²/dT."""
    if mode == 0:
        h = 1e-4 * t
        st_a, fa = _coast(t + h, r1, rt, nref, omega, mu, v1, v2, r2)
        st_b, fb = _coast(t - h, r1, rt, nref, omega, mu, v1, v2, r2)
        if st_a != 0 or st_b != 0:
            return np.nan
        return (fa - fb) / (2.0 * h)
    st, f = _coast(t, r1, rt, nref, omega, mu, v1, v2, r2)
    if st != 0:
        return np.nan
    if mode == 1:
        _apogee(t, r1, v1, r2, v2, omega, mu, a_e, e2, work)
        return work[0] - target
    return math.sqrt(f) - target


@numba.njit(cache=True, error_model="numpy")
def _root(mode, lo, hi, flo, fhi, target, r1, rt, nref, omega, mu, a_e, e2, v1, v2, r2, work):
    """Illinois (modified regula falsi) root of _objective on a sign-changing bracket [lo, hi]."""
    side = 0
    for _ in range(200):
        t = (lo * fhi - hi * flo) / (fhi - flo)
        if not (lo < t < hi):
            t = 0.5 * (lo + hi)
        f = _objective(mode, t, target, r1, rt, nref, omega, mu, a_e, e2, v1, v2, r2, work)
        if not np.isfinite(f):
            return np.nan
        if f == 0.0:
            return t
        lo, flo, hi, fhi, side = _illinois_step((f > 0.0) == (fhi > 0.0), t, f, lo, flo, hi, fhi, side)
        if hi - lo <= 1e-11 * hi:
            break
    return 0.5 * (lo + hi)


@numba.njit(cache=True, inline="always", error_model="numpy")
def _min_energy_time(t_guess, r1, rt, nref, omega, mu, a_e, e2, v1, v2, r2, work):
    """Coast time of least |v_rel|: coarse log grid, then the root of the central-difference slope."""
    best = -1
    fbest = np.inf
    grid = np.empty(_GRID)
    for k in range(_GRID):
        grid[k] = t_guess * math.exp(math.log(0.3) + (math.log(3.0) - math.log(0.3)) * k / (_GRID - 1))
        st, f = _coast(grid[k], r1, rt, nref, omega, mu, v1, v2, r2)
        if st == 0 and f < fbest:
            fbest = f
            best = k
    if best <= 0 or best >= _GRID - 1:
        return np.nan
    lo = grid[best - 1]
    hi = grid[best + 1]
    glo = _objective(np.int64(0), lo, 0.0, r1, rt, nref, omega, mu, a_e, e2, v1, v2, r2, work)
    ghi = _objective(np.int64(0), hi, 0.0, r1, rt, nref, omega, mu, a_e, e2, v1, v2, r2, work)
    if not (glo < 0.0 < ghi):
        return np.nan
    return _root(np.int64(0), lo, hi, glo, ghi, 0.0, r1, rt, nref, omega, mu, a_e, e2, v1, v2, r2, work)


@numba.njit(cache=True, error_model="numpy")
def _arc_clear(t, r1, rt, nref, omega, mu, a_e, e2, v1, v2, r2, work):
    """1 if the coast arc of duration t stays above the target's radius, 0 if it dips under, -1 if none."""
    st, f = _coast(t, r1, rt, nref, omega, mu, v1, v2, r2)
    if st != 0:
        return -1
    _apogee(t, r1, v1, r2, v2, omega, mu, a_e, e2, work)
    return 1 if work[2] < 0.5 else 0


@numba.njit(cache=True, inline="always", error_model="numpy")
def _clear_of_ground(t_me, r1, rt, nref, omega, mu, a_e, e2, v1, v2, r2, work):
    """The least-speed coast time among arcs that stay above ground, from the unconstrained minimum.

    Where the unconstrained minimum-energy arc passes its perigee underground (near-antipodal eastward
    routes, where the Earth's rotation carries the target past the antipode), the constrained minimum is
    the shortest longer coast whose arc clears the ground: step up in t, then bisect the boundary.
    """
    if _arc_clear(t_me, r1, rt, nref, omega, mu, a_e, e2, v1, v2, r2, work) != 0:
        return t_me
    lo = t_me
    hi = t_me
    found = False
    for _ in range(400):
        hi = hi * 1.01
        if hi > MAX_COAST_S:
            break
        c = _arc_clear(hi, r1, rt, nref, omega, mu, a_e, e2, v1, v2, r2, work)
        if c == 1:
            found = True
            break
        if c == 0:
            lo = hi
    if not found:
        return t_me
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        if _arc_clear(mid, r1, rt, nref, omega, mu, a_e, e2, v1, v2, r2, work) == 1:
            hi = mid
        else:
            lo = mid
        if hi - lo <= 1e-11 * hi:
            break
    return hi


@numba.njit(cache=True, error_model="numpy")
def _bracket_root(mode, t0, f0, factor, target, r1, rt, nref, omega, mu, a_e, e2, v1, v2, r2, work):
    """Step t by ``factor`` from t0 until the objective changes sign, then solve for the root.

    Returns (t, ok); ok is False when no sign change appears before t leaves (1 s, 2e5 s).
    """
    t_prev, f_prev = t0, f0
    t = t0
    for _ in range(80):
        t = t_prev * factor
        if t < 1.0 or t > MAX_COAST_S:
            break
        f = _objective(mode, t, target, r1, rt, nref, omega, mu, a_e, e2, v1, v2, r2, work)
        if not np.isfinite(f):
            break
        if (f > 0.0) != (f_prev > 0.0):
            lo, hi, flo, fhi = (t_prev, t, f_prev, f) if t_prev < t else (t, t_prev, f, f_prev)
            return _root(
                mode, lo, hi, flo, fhi, target, r1, rt, nref, omega, mu, a_e, e2, v1, v2, r2, work
            ), True
        t_prev, f_prev = t, f
    return np.nan, False


@numba.njit(cache=True, inline="always", error_model="numpy")
def _scratch():
    """A row's work vectors: v1, v2, r2 (a Lambert arc's end velocities and target) and work (`_apogee`)."""
    return np.empty(3), np.empty(3), np.empty(3), np.empty(3)


@numba.njit(cache=True, inline="always", error_model="numpy")
def _min_energy_row(i, r1, rt, nref, t_guess, omega, mu, a_e, e2, v1, v2, r2, work, out_tmin, out_vmin):
    """Row i's minimum-energy arc (the answer of mode 0, the pivot of mode 3, reported by all shapes)."""
    out_tmin[i] = np.nan
    out_vmin[i] = np.nan
    t_me = _min_energy_time(t_guess[i], r1, rt, nref, omega, mu, a_e, e2, v1, v2, r2, work)
    if np.isfinite(t_me):
        t_me = _clear_of_ground(t_me, r1, rt, nref, omega, mu, a_e, e2, v1, v2, r2, work)
        st, f = _coast(t_me, r1, rt, nref, omega, mu, v1, v2, r2)
        out_tmin[i] = t_me
        out_vmin[i] = math.sqrt(f)


@numba.njit(cache=True, inline="always", error_model="numpy")
def _finish_row(
    i, status, t, r1, rt, nref, omega, mu, a_e, e2, v1, v2, r2, work, out_t, out_status, out_v1, out_v2,
    out_r2, out_apo,
):  # fmt: skip
    """Row i's arc of coast time t: its status, apogee and end states into the output arrays."""
    if status in (_OK, _SPEED_BELOW_MIN) and not np.isfinite(t):
        status = _BRACKET_FAILED
    out_t[i] = t
    out_apo[i, 0] = np.nan
    out_apo[i, 1] = np.nan
    if status in (_OK, _SPEED_BELOW_MIN):
        st, f = _coast(t, r1, rt, nref, omega, mu, v1, v2, r2)
        if st != 0:
            status = _LAMBERT_FAILED
        else:
            _apogee(t, r1, v1, r2, v2, omega, mu, a_e, e2, work)
            out_apo[i, 0] = work[0]
            out_apo[i, 1] = work[1]
            if work[2] > 0.5 and status == _OK:
                status = _BELOW_SURFACE
            for j in range(3):
                out_v1[i, j] = v1[j]
                out_v2[i, j] = v2[j]
                out_r2[i, j] = r2[j]
    if status not in (_OK, _SPEED_BELOW_MIN, _BELOW_SURFACE):
        for j in range(3):
            out_v1[i, j] = np.nan
            out_v2[i, j] = np.nan
            out_r2[i, j] = np.nan
    out_status[i] = status


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _solve_direct_batch(
    lo, hi, mode, r1s, rts, nrefs, t_guess, params, lofted, omega, mu, a_e, e2, out_t, out_status, out_v1,
    out_v2, out_r2, out_apo, out_tmin, out_vmin,
):  # fmt: skip
    """Rows lo to hi - 1 of the shapes that need no search: min-energy (mode 0) and flight-time (mode 2).

    Apart from `_solve_batch` (apogee and burnout-speed, modes 1 and 3) so that the minimum-energy arcs
    of a first run do not compile the root searches (`_bracket_root`). Same arguments as `_solve_batch`.
    """
    for i in range(lo, hi):
        r1, rt, nref = r1s[i], rts[i], nrefs[i]
        v1, v2, r2, work = _scratch()
        _min_energy_row(i, r1, rt, nref, t_guess, omega, mu, a_e, e2, v1, v2, r2, work, out_tmin, out_vmin)
        t = out_tmin[i] if mode == 0 else params[i]
        _finish_row(
            i, _OK, t, r1, rt, nref, omega, mu, a_e, e2, v1, v2, r2, work, out_t, out_status, out_v1,
            out_v2, out_r2, out_apo,
        )  # fmt: skip


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _solve_batch(
    lo, hi, mode, r1s, rts, nrefs, t_guess, params, lofted, omega, mu, a_e, e2, out_t, out_status, out_v1,
    out_v2, out_r2, out_apo, out_tmin, out_vmin,
):  # fmt: skip
    """Rows lo to hi - 1 of the shapes found by a root search: apogee (mode 1) and burnout speed (mode 3).

    Serial and without the GIL: `shieldcheck._numba.run_chunks` runs row ranges on threads.
    """
    for i in range(lo, hi):
        r1, rt, nref = r1s[i], rts[i], nrefs[i]
        v1, v2, r2, work = _scratch()
        status = _OK
        t = np.nan
        _min_energy_row(i, r1, rt, nref, t_guess, omega, mu, a_e, e2, v1, v2, r2, work, out_tmin, out_vmin)
        if mode == 1:
            target = params[i]
            f0 = _objective(
                np.int64(1), t_guess[i], target, r1, rt, nref, omega, mu, a_e, e2, v1, v2, r2, work
            )
            if np.isfinite(f0):
                factor = 0.7 if f0 > 0.0 else 1.3
                t, ok = _bracket_root(
                    np.int64(1), t_guess[i], f0, factor, target, r1, rt, nref, omega, mu, a_e, e2, v1, v2, r2,
                    work,
                )
        else:
            speed = params[i]
            t_me = out_tmin[i]
            if np.isfinite(t_me):
                if speed < out_vmin[i] - _SPEED_TOL_KM_S:
                    status = _SPEED_BELOW_MIN
                    t = t_me
                elif speed <= out_vmin[i]:
                    t = t_me
                else:
                    f0 = out_vmin[i] - speed
                    factor = 1.25 if lofted[i] else 0.8
                    t, ok = _bracket_root(
                        np.int64(3), t_me, f0, factor, speed, r1, rt, nref, omega, mu, a_e, e2, v1, v2, r2,
                        work,
                    )
                    if not ok and lofted[i]:
                        status = _NO_LOFTED
        _finish_row(
            i, status, t, r1, rt, nref, omega, mu, a_e, e2, v1, v2, r2, work, out_t, out_status, out_v1,
            out_v2, out_r2, out_apo,
        )  # fmt: skip


@numba.njit(cache=True, error_model="numpy")
def boost_position_kernel(f, r_launch, r_bo_ground, h_bo, a, e2, out):
    """Illustrative boost position at fraction ``f`` = (t/t_b)² of the boost (ECEF, km, into ``out``).

    The ground point moves along the great circle from the launch point toward the burnout ground point
    (spherical interpolation of directions, by the fraction ``f`` of the angle), projected on the Earth
    model's surface; the altitude above it is ``f · h_bo`` along the surface normal. Used by
    `trajectory_state` and by the compiled engagement loops, so both draw the same boost.
    """
    n1 = math.sqrt(r_launch[0] ** 2 + r_launch[1] ** 2 + r_launch[2] ** 2)
    n2 = math.sqrt(r_bo_ground[0] ** 2 + r_bo_ground[1] ** 2 + r_bo_ground[2] ** 2)
    dot = 0.0
    cx = r_launch[1] * r_bo_ground[2] - r_launch[2] * r_bo_ground[1]
    cy = r_launch[2] * r_bo_ground[0] - r_launch[0] * r_bo_ground[2]
    cz = r_launch[0] * r_bo_ground[1] - r_launch[1] * r_bo_ground[0]
    for j in range(3):
        dot += r_launch[j] * r_bo_ground[j]
    ang = math.atan2(math.sqrt(cx * cx + cy * cy + cz * cz), dot)
    if ang < 1e-12:
        w1, w2 = 1.0 / n1, 0.0
    else:
        w1 = math.sin((1.0 - f) * ang) / math.sin(ang) / n1
        w2 = math.sin(f * ang) / math.sin(ang) / n2
    dx = w1 * r_launch[0] + w2 * r_bo_ground[0]
    dy = w1 * r_launch[1] + w2 * r_bo_ground[1]
    dz = w1 * r_launch[2] + w2 * r_bo_ground[2]
    scale = a / math.sqrt(dx * dx + dy * dy + dz * dz / (1.0 - e2))
    px, py, pz = dx * scale, dy * scale, dz * scale
    nx, ny, nz = px, py, pz / (1.0 - e2)
    nn = math.sqrt(nx * nx + ny * ny + nz * nz)
    h = f * h_bo
    out[0] = px + h * nx / nn
    out[1] = py + h * ny / nn
    out[2] = pz + h * nz / nn


@numba.njit(cache=True, error_model="numpy")
def _boost_many(t, tb, r_launch, r_bo_ground, h_bo, a, e2, out):
    for i in range(t.shape[0]):
        boost_position_kernel((t[i] / tb) ** 2, r_launch, r_bo_ground, h_bo, a, e2, out[i])


def boost_endpoints(traj) -> tuple[np.ndarray, np.ndarray]:
    """Launch point and burnout ground point (ECEF, km, on the Earth model's surface) of a trajectory."""
    _, az, _ = _earth.geodesic_inverse(
        traj.launch_latitude_deg,
        traj.launch_longitude_deg,
        traj.target_latitude_deg,
        traj.target_longitude_deg,
        earth=traj.earth,
    )
    la, lo, _ = _earth.geodesic_direct(
        traj.launch_latitude_deg, traj.launch_longitude_deg, az, traj.burnout_range_km, earth=traj.earth
    )
    r_launch = _earth.geodetic_to_ecef(traj.launch_latitude_deg, traj.launch_longitude_deg, 0.0, traj.earth)
    return r_launch, _earth.geodetic_to_ecef(la, lo, 0.0, traj.earth)


# ============================================================================ results
NEEDED_ARC = ("flight_time_s", "coast_time_s", "apogee_km", "apogee_time_s", "burnout_speed_relative_km_s",
              "burnout_speed_inertial_km_s", "flight_path_angle_deg", "burnout_azimuth_deg",
              "impact_speed_relative_km_s", "reentry_angle_deg")
"""`Trajectory.to_dict` keys that are None for an ``unreachable`` trajectory (no flight to its target)."""


@dataclass(frozen=True)
class Trajectory:
    """One threat trajectory. Field names are the JSON/CSV keys (``to_dict``).

    For ``status == "unreachable"`` the numbers describe the trajectory the missile would need.
    """

    status: str
    reason: str
    shape: str
    earth: str
    rotation: bool
    launch_latitude_deg: float
    launch_longitude_deg: float
    target_latitude_deg: float
    target_longitude_deg: float
    ground_range_km: float
    flight_time_s: float
    burn_time_s: float
    coast_time_s: float
    apogee_km: float
    apogee_time_s: float
    burnout_altitude_km: float
    burnout_range_km: float
    burnout_speed_relative_km_s: float
    burnout_speed_inertial_km_s: float
    flight_path_angle_deg: float
    burnout_azimuth_deg: float
    impact_speed_relative_km_s: float
    reentry_angle_deg: float
    max_burnout_speed_km_s: float
    min_energy_speed_km_s: float
    burnout_r_eci_km: np.ndarray = field(repr=False, compare=False)
    burnout_v_eci_km_s: np.ndarray = field(repr=False, compare=False)
    target_r_ecef_km: np.ndarray = field(repr=False, compare=False)
    boost: str = "kinematic"
    max_range_km: float = math.nan
    range_margin_km: float = math.nan
    boost_profile: np.ndarray | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict:
        """Scalar fields as a JSON-ready dict (NaN and infinity become None).

        An ``unreachable`` trajectory, kinematic or staged, has its flight's numbers (`NEEDED_ARC`) None:
        they describe the arc the route would need, or the staged full burn that falls short (or the
        limit of a shape), never a flight to this target, and a reader would quote them as flown (as the
        engagement rows blank them).
        """
        out = {}
        blank = NEEDED_ARC if self.status == "unreachable" else ()
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, np.ndarray) or f.name == "boost_profile":
                continue
            if (isinstance(v, float) and not math.isfinite(v)) or f.name in blank:
                v = None
            out[f.name] = v
        return out


_SCALAR_FIELDS = [
    f.name
    for f in fields(Trajectory)
    if f.name not in ("burnout_r_eci_km", "burnout_v_eci_km_s", "target_r_ecef_km", "boost_profile")
]


@dataclass(frozen=True)
class TrajectoryBatch:
    """Arrays of trajectory results, one entry per problem; ``batch[i]`` gives a `Trajectory`."""

    data: dict

    def __len__(self) -> int:
        return len(self.data["status"])

    def __getitem__(self, i: int) -> Trajectory:
        kw = {}
        for name, arr in self.data.items():
            v = arr[i]
            if isinstance(v, np.ndarray):
                kw[name] = v.copy()
            elif isinstance(v, (np.bool_, bool)):
                kw[name] = bool(v)
            elif isinstance(v, np.floating):
                kw[name] = float(v)
            elif isinstance(v, np.str_):
                kw[name] = str(v)
            else:
                kw[name] = v
        return Trajectory(**kw)

    def __getattr__(self, name: str):
        try:
            return self.data[name]
        except KeyError:
            raise AttributeError(name) from None


# ============================================================================ validation
def _as_float_array(value, name: str) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a number, got {value!r}") from None
    return arr


def _check(value, name: str, lo: float, hi: float, *, lo_open: bool = False, unit: str = "") -> np.ndarray:
    arr = _as_float_array(value, name)
    bad = ~np.isfinite(arr)
    if np.any(bad):
        v = arr[bad].flat[0] if arr.ndim else arr
        raise InputError(f"{name} must be a finite number, got {float(v)}")
    low_bad = arr <= lo if lo_open else arr < lo
    bad = low_bad | (arr > hi)
    if np.any(bad):
        v = float(arr[bad].flat[0] if arr.ndim else arr)
        lb = "(" if lo_open else "["
        hi_txt = "inf)" if math.isinf(hi) else f"{hi:g}]"
        raise InputError(f"{name} must be within {lb}{lo:g}, {hi_txt}{unit}, got {v:g}")
    return arr


def _point(p, name: str):
    """Split a (lat, lon) pair or a catalog Place / object with latitude_deg/longitude_deg."""
    if hasattr(p, "latitude_deg") and hasattr(p, "longitude_deg"):
        return p.latitude_deg, p.longitude_deg
    if isinstance(p, str):
        from shieldcheck.catalog import resolve_place

        place = resolve_place(p, field=name)
        return place.latitude_deg, place.longitude_deg
    try:
        lat, lon = p
    except (TypeError, ValueError):
        raise InputError(
            f"{name} must be a place name, 'lat,lon' or a (latitude_deg, longitude_deg) pair, got {p!r}"
        ) from None
    return lat, lon


# ============================================================================ public solvers
def solve_trajectories(
    launch_latitude_deg,
    launch_longitude_deg,
    target_latitude_deg,
    target_longitude_deg,
    *,
    shape: str = "min-energy",
    apogee_km=None,
    flight_time_s=None,
    burnout_speed_km_s=None,
    branch: str = "lofted",
    burn_time_s=0.0,
    burnout_altitude_km=0.0,
    burnout_range_km=0.0,
    max_burnout_speed_km_s=np.inf,
    earth: str = "wgs84",
    rotation: bool = True,
    mu_km3_s2: float = MU_KM3_S2,
) -> TrajectoryBatch:
    """Solve many threat trajectories at once; all numeric arguments broadcast against each other.

    Parameters
    ----------
    launch_latitude_deg, launch_longitude_deg, target_latitude_deg, target_longitude_deg : array_like
        Surface points, degrees.
    shape : {"min-energy", "apogee", "flight-time", "burnout-speed"}
        How the coast arc is chosen (module docstring). ``apogee_km``, ``flight_time_s`` (total, boost +
        coast) or ``burnout_speed_km_s`` (relative to the Earth) and ``branch`` go with the last three.
    burn_time_s, burnout_altitude_km, burnout_range_km : array_like
        Boost phase: time to burnout, burnout altitude above the Earth model, and burnout ground distance
        along the geodesic toward the target. All 0 means an impulsive burnout at the launch point.
    max_burnout_speed_km_s : array_like
        The missile's largest burnout speed relative to the Earth; trajectories needing more are
        ``unreachable``. Infinite by default.
    earth : {"wgs84", "sphere"}
    rotation : bool
        Earth rotation on (default) or off.

    Returns
    -------
    TrajectoryBatch
        ``batch.data[field]`` arrays, fields as in `Trajectory`.

    >>> b = solve_trajectories(35.69, 51.39, [52.52, 38.90], [13.40, -77.04], max_burnout_speed_km_s=6.0)
    >>> print(list(b.status), [round(float(v), 2) for v in b.burnout_speed_relative_km_s])
    ['ok', 'unreachable'] [5.23, 7.39]
    """
    shape = str(shape).strip().lower()
    if shape not in SHAPES:
        raise InputError(f"shape must be one of {', '.join(SHAPES)}, got {shape!r}")
    branch = str(branch).strip().lower()
    if branch not in BRANCHES:
        raise InputError(f"branch must be one of {', '.join(BRANCHES)}, got {branch!r}")
    earth = _earth.check_earth(earth)
    if not isinstance(rotation, (bool, np.bool_)):
        raise InputError(f"rotation must be True or False, got {rotation!r}")
    rotation = bool(rotation)
    mu_km3_s2 = _as_mu(mu_km3_s2)

    lat1 = _check(launch_latitude_deg, "launch latitude_deg", -90.0, 90.0)
    lon1 = _check(launch_longitude_deg, "launch longitude_deg", -180.0, 360.0)
    lat2 = _check(target_latitude_deg, "target latitude_deg", -90.0, 90.0)
    lon2 = _check(target_longitude_deg, "target longitude_deg", -180.0, 360.0)
    tb = _check(burn_time_s, "burn_time_s", 0.0, 3600.0)
    hb = _check(burnout_altitude_km, "burnout_altitude_km", 0.0, 5000.0)
    db = _check(burnout_range_km, "burnout_range_km", 0.0, 20000.0)
    vmax = _as_float_array(max_burnout_speed_km_s, "max_burnout_speed_km_s")
    if np.any(np.isnan(vmax) | (vmax <= 0.0)):
        v = vmax[np.isnan(vmax) | (vmax <= 0.0)].flat[0] if vmax.ndim else vmax
        raise InputError(f"max_burnout_speed_km_s must be > 0 (or inf for no limit), got {float(v)!r}")

    param = np.asarray(0.0)
    if shape == "apogee":
        if apogee_km is None:
            raise InputError("apogee_km is required for shape 'apogee'")
        param = _check(apogee_km, "apogee_km", 0.0, 100000.0, lo_open=True)
    elif shape == "flight-time":
        if flight_time_s is None:
            raise InputError("flight_time_s is required for shape 'flight-time'")
        param = _check(flight_time_s, "flight_time_s", 0.0, 86400.0, lo_open=True)
    elif shape == "burnout-speed":
        if burnout_speed_km_s is None:
            raise InputError("burnout_speed_km_s is required for shape 'burnout-speed'")
        param = _check(burnout_speed_km_s, "burnout_speed_km_s", 0.0, 20.0, lo_open=True)

    try:
        shape_out = np.broadcast_shapes(
            *(np.shape(a) for a in (lat1, lon1, lat2, lon2, tb, hb, db, vmax, param))
        )
    except ValueError:
        raise InputError(
            "the trajectory inputs must broadcast to one batch shape (equal lengths or scalars), got shapes "
            f"{[np.shape(a) for a in (lat1, lon1, lat2, lon2)]} and others"
        ) from None
    if math.prod(shape_out) > MAX_BATCH:
        raise InputError(f"at most {MAX_BATCH:,} trajectories per call, got {math.prod(shape_out):,}: "
                         "split the batch")
    lat1, lon1, lat2, lon2, tb, hb, db, vmax, param = (
        np.ascontiguousarray(np.broadcast_to(a, shape_out).ravel().astype(float))
        for a in (lat1, lon1, lat2, lon2, tb, hb, db, vmax, param)
    )
    n = lat1.size

    ground_km, az_deg, _ = _earth.geodesic_inverse(lat1, lon1, lat2, lon2, earth=earth)
    ground_km = np.atleast_1d(np.asarray(ground_km, dtype=float))
    az_deg = np.atleast_1d(np.asarray(az_deg, dtype=float))
    r_launch = _earth.geodetic_to_ecef(lat1, lon1, 0.0, earth)
    r_tgt = _earth.geodetic_to_ecef(lat2, lon2, 0.0, earth)
    cosang = np.sum(r_launch * r_tgt, axis=-1) / (
        np.linalg.norm(r_launch, axis=-1) * np.linalg.norm(r_tgt, axis=-1)
    )
    # Valid inputs that no arc of this class can fly are results (status no_solution), not errors: the
    # other rows of a batch still compute. Each such row is solved on a harmless stand-in and overwritten.
    impossible = np.full(n, "", dtype=object)
    coincide = ground_km < 1.0
    antipodal = ~coincide & (cosang < math.cos(math.radians(179.5)))
    inside = ~coincide & ~antipodal & (db >= ground_km)
    for i in np.flatnonzero(coincide):
        impossible[i] = (f"launch and target coincide (ground range {ground_km[i]:.3f} km < 1 km): there is "
                         "no ballistic arc to compute")
    for i in np.flatnonzero(antipodal):
        impossible[i] = ("launch and target are (nearly) antipodal, within 0.5° of 180° apart: the plane of "
                         "flight, and so the route, is undefined")
    for i in np.flatnonzero(inside):
        impossible[i] = (f"the target is {ground_km[i]:.1f} km away, inside the missile's burnout range of "
                         f"{db[i]:g} km: this missile class cannot fly a ballistic arc that short")
    # A class's kinematic boost keeps its burnout point fixed whatever the route: on a route shorter than
    # twice its burnout range the coast would start past the midpoint at a fraction of the class's speed
    # (issue 10: 450 km down a 530 km route at 0.39 km/s). That is no trajectory of this missile; the
    # staged boost (shieldcheck.staged) flies such routes by thrust termination.
    past_mid = (impossible == "") & (db > 0.5 * ground_km)
    for i in np.flatnonzero(past_mid):
        impossible[i] = (f"the target is {ground_km[i]:.1f} km away and this missile class's kinematic boost "
                         f"ends {db[i]:g} km downrange, past the route's midpoint: a fixed burnout point "
                         "cannot stand for so short a flight; fly the staged boost (boost 'staged', for "
                         "classes with stage data) or give a shorter burnout_range_km")
    if shape == "apogee":
        low = (impossible == "") & (param <= hb)
        for i in np.flatnonzero(low):
            impossible[i] = (f"an apogee of {param[i]:g} km is not above the burnout altitude of "
                             f"{hb[i]:g} km: no coast arc has that shape")
    if shape == "flight-time":
        short = (impossible == "") & (param <= tb)
        for i in np.flatnonzero(short):
            impossible[i] = (f"a flight time of {param[i]:g} s does not exceed the burn time of {tb[i]:g} s: "
                             "the missile is still boosting")
    stand_in = impossible != ""
    orig = None
    if np.any(stand_in):
        orig = {k: v.copy() for k, v in dict(lat2=lat2, lon2=lon2, tb=tb, hb=hb, db=db, param=param,
                                              ground_km=ground_km, az_deg=az_deg).items()}
        lat2, lon2, tb, hb, db, param = (a.copy() for a in (lat2, lon2, tb, hb, db, param))
        bad_geo = stand_in & (coincide | antipodal)
        if np.any(bad_geo):
            la, lo, _ = _earth.geodesic_direct(lat1[bad_geo], lon1[bad_geo], 0.0, 1000.0, earth=earth)
            lat2[bad_geo], lon2[bad_geo] = la, lo
        db[stand_in] = 0.0
        hb[stand_in] = 0.0
        tb[stand_in] = 0.0
        if shape == "apogee":
            param[stand_in] = 500.0
        elif shape == "flight-time":
            param[stand_in] = 1000.0
        ground_km, az_deg, _ = _earth.geodesic_inverse(lat1, lon1, lat2, lon2, earth=earth)
        ground_km = np.atleast_1d(np.asarray(ground_km, dtype=float))
        az_deg = np.atleast_1d(np.asarray(az_deg, dtype=float))
        r_tgt = _earth.geodetic_to_ecef(lat2, lon2, 0.0, earth)

    # burnout point along the geodesic, Earth-fixed at t_b (the burnout frame's axes)
    bo_lat, bo_lon, _ = _earth.geodesic_direct(lat1, lon1, az_deg, db, earth=earth)
    bo_lat = np.atleast_1d(np.asarray(bo_lat, dtype=float))
    bo_lon = np.atleast_1d(np.asarray(bo_lon, dtype=float))
    r1 = np.ascontiguousarray(_earth.geodetic_to_ecef(bo_lat, bo_lon, hb, earth))
    rt = np.ascontiguousarray(r_tgt)
    nref = np.ascontiguousarray(np.cross(r_launch, r_tgt))

    omega = _earth.rotation_rate(rotation)
    a_e, e2 = _earth.ellipsoid(earth)

    # minimum-energy coast time on a non-rotating Earth (Lagrange; a = s/2) seeds every search
    rr1 = np.linalg.norm(r1, axis=-1)
    rr2 = np.linalg.norm(rt, axis=-1)
    chord = np.linalg.norm(rt - r1, axis=-1)
    s = 0.5 * (rr1 + rr2 + chord)
    beta = 2.0 * np.arcsin(np.sqrt(np.clip((s - chord) / s, 0.0, 1.0)))
    t_guess = np.sqrt(s**3 / (8.0 * mu_km3_s2)) * (np.pi - beta + np.sin(beta))
    if shape == "flight-time":
        param = param - tb
    lofted = np.full(n, branch == "lofted")

    out_t = np.empty(n)
    out_status = np.empty(n, dtype=np.int64)
    out_v1 = np.empty((n, 3))
    out_v2 = np.empty((n, 3))
    out_r2 = np.empty((n, 3))
    out_apo = np.empty((n, 2))
    out_tmin = np.empty(n)
    out_vmin = np.empty(n)
    run_chunks(
        _solve_batch if shape in ("apogee", "burnout-speed") else _solve_direct_batch,
        n,
        _MODE[shape],
        r1,
        rt,
        nref,
        t_guess,
        np.ascontiguousarray(param, dtype=float),
        lofted,
        omega,
        float(mu_km3_s2),
        a_e,
        e2,
        out_t,
        out_status,
        out_v1,
        out_v2,
        out_r2,
        out_apo,
        out_tmin,
        out_vmin,
    )

    # derived quantities (burnout frame = Earth-fixed axes at t_b; inertial velocities)
    w = np.array([0.0, 0.0, omega])
    v_rel = out_v1 - np.cross(w, r1)
    speed_rel = np.linalg.norm(v_rel, axis=-1)
    speed_in = np.linalg.norm(out_v1, axis=-1)
    east, north, up = _earth.enu_basis(bo_lat, bo_lon, earth)
    with np.errstate(invalid="ignore"):
        fpa = np.degrees(np.arcsin(np.clip(np.sum(v_rel * up, -1) / speed_rel, -1.0, 1.0)))
    bo_az = np.mod(np.degrees(np.arctan2(np.sum(v_rel * east, -1), np.sum(v_rel * north, -1))), 360.0)
    # at impact: relative velocity in Earth-fixed axes of the impact time
    v2_rel = out_v2 - np.cross(w, out_r2)
    imp_speed = np.linalg.norm(v2_rel, axis=-1)
    up_t = _earth.ecef_to_eci(_earth.surface_normal(lat2, lon2, earth), out_t, rotation)
    with np.errstate(invalid="ignore"):
        reentry = np.degrees(np.arcsin(np.clip(-np.sum(v2_rel * up_t, -1) / imp_speed, -1.0, 1.0)))

    needs = np.where(
        shape == "burnout-speed", np.where(out_status == _SPEED_BELOW_MIN, out_vmin, param), speed_rel
    )
    status_code = out_status.copy()
    if shape == "burnout-speed":
        # A result flies at the speed asked for or is not ok: along some routes the needed speed jumps
        # across it (where the Earth's rotation carries the target through the launch's plane of flight).
        with np.errstate(invalid="ignore"):
            missed = (status_code == _OK) & ~(np.abs(speed_rel - param) <= _SPEED_MATCH_KM_S)
        status_code[missed] = _SPEED_JUMP
    status_code[(status_code == _OK) & (needs > vmax + _SPEED_TOL_KM_S)] = _UNREACHABLE
    status_code[status_code == _SPEED_BELOW_MIN] = _UNREACHABLE

    statuses = np.empty(n, dtype=object)
    reasons = np.empty(n, dtype=object)
    for i in range(n):
        if status_code[i] == _SPEED_JUMP:
            statuses[i], reasons[i] = "no_solution", (
                f"no {branch} arc flies at exactly {param[i]:.3f} km/s on this route: the speed the arcs "
                f"need jumps across it (to {speed_rel[i]:.3f} km/s near a coast of {out_t[i]:.0f} s), where "
                "the Earth's rotation carries the target through the missile's plane of flight"
            )
            continue
        statuses[i], reasons[i] = _describe(
            int(status_code[i]), int(out_status[i]), shape, branch, needs[i], vmax[i], param[i], out_vmin[i]
        )
    failed = np.isin(status_code, (_LAMBERT_FAILED, _NO_LOFTED, _BRACKET_FAILED, _SPEED_JUMP))
    if orig is not None:
        statuses[stand_in] = "no_solution"
        reasons[stand_in] = impossible[stand_in]
        status_code[stand_in] = _BRACKET_FAILED
        failed |= stand_in
        lat2, lon2, tb, hb, db, param, ground_km = (
            orig[k] for k in ("lat2", "lon2", "tb", "hb", "db", "param", "ground_km")
        )
        for arr in (out_apo, out_vmin, speed_rel, speed_in, fpa, bo_az, imp_speed, reentry, out_v1, rt):
            arr[stand_in] = np.nan
        rt[stand_in] = _earth.geodetic_to_ecef(lat2[stand_in], lon2[stand_in], 0.0, earth)
        r1 = r1.copy()
        r1[stand_in] = np.nan
    coast = np.where(failed, np.nan, out_t)
    if shape == "burnout-speed":
        speed_rel = np.where(status_code == _UNREACHABLE, needs, speed_rel)

    # the kinematic class's reach: burnout range plus the maximum free-flight range at its largest burnout
    # speed, sin(Ψ/2) = Q/(2 − Q) for Q = v²r/μ < 1 (Bate, Mueller & White 1971, eq. 6.2-17; non-rotating
    # sphere, burnout and re-entry at the same radius); at or above circular speed, half the globe
    with np.errstate(invalid="ignore", over="ignore"):
        q_max = vmax**2 * (SPHERE_RADIUS_KM + hb) / mu_km3_s2
        psi_max = np.where(q_max < 1.0, 2.0 * np.arcsin(np.minimum(q_max / (2.0 - q_max), 1.0)), np.pi)
    max_range = np.minimum(db + SPHERE_RADIUS_KM * psi_max, math.pi * SPHERE_RADIUS_KM)
    # no missile class, no speed limit: no reach (inf, like max_burnout_speed_km_s; null in JSON), not half
    # the globe (it printed 20,015 km, "12,451 km beyond the target", for a 7.2 km/s arc reaching ~10,000)
    max_range = np.where(np.isfinite(vmax), max_range, np.inf)
    rot_b = _earth.ecef_to_eci(r1, tb, rotation)
    vel_b = _earth.ecef_to_eci(out_v1, tb, rotation)
    data = {
        "status": statuses,
        "reason": reasons,
        "shape": np.full(n, shape, dtype=object),
        "earth": np.full(n, earth, dtype=object),
        "rotation": np.full(n, rotation),
        "launch_latitude_deg": lat1,
        "launch_longitude_deg": lon1,
        "target_latitude_deg": lat2,
        "target_longitude_deg": lon2,
        "ground_range_km": ground_km,
        "flight_time_s": tb + coast,
        "burn_time_s": tb,
        "coast_time_s": coast,
        "apogee_km": out_apo[:, 0],
        "apogee_time_s": tb + out_apo[:, 1],
        "burnout_altitude_km": hb,
        "burnout_range_km": db,
        "burnout_speed_relative_km_s": speed_rel,
        "burnout_speed_inertial_km_s": speed_in,
        "flight_path_angle_deg": fpa,
        "burnout_azimuth_deg": bo_az,
        "impact_speed_relative_km_s": imp_speed,
        "reentry_angle_deg": reentry,
        "max_burnout_speed_km_s": vmax,
        "min_energy_speed_km_s": out_vmin,
        "burnout_r_eci_km": rot_b,
        "burnout_v_eci_km_s": vel_b,
        "target_r_ecef_km": rt,
        "boost": np.full(n, "kinematic", dtype=object),
        "max_range_km": max_range,
        "range_margin_km": max_range - ground_km,
    }
    # a burnout-speed arc is named by its branch (a full burn's lofted/depressed arc is one)
    mark_atmospheric_coasts(data, f"the {branch} arc" if shape == "burnout-speed" else None)
    if shape_out != (n,):
        data = {k: v.reshape(shape_out + v.shape[1:]) for k, v in data.items()}
    return TrajectoryBatch(data)


def _describe(code, raw, shape, branch, needs, vmax, param, vmin) -> tuple[str, str]:
    if code == _OK:
        return "ok", ""
    if code == _UNREACHABLE:
        if raw == _SPEED_BELOW_MIN:
            return "unreachable", (
                f"too slow: {param:.3f} km/s is below the minimum-energy speed {vmin:.3f} km/s "
                "this range needs"
            )
        return "unreachable", (
            f"too slow: needs {needs:.3f} km/s relative to the Earth, the missile has {vmax:.3f} km/s"
        )
    if code == _NO_LOFTED:
        return "no_solution", (
            f"no lofted arc at {param:.3f} km/s: the lofted branch approaches escape speed as its "
            "flight time grows and never reaches this speed"
        )
    if code == _BELOW_SURFACE:
        return "no_solution", (
            "the coast arc would pass its perigee below the target's radius, i.e. underground: the flight "
            "time is too short, or a depressed arc this fast does not exist, for this range"
        )
    if code == _LAMBERT_FAILED:
        return "no_solution", "the Lambert solver found no arc for this geometry and time"
    return "no_solution", f"no {shape} arc found for these inputs (search did not bracket a solution)"


ATMOSPHERE_EDGE_KM = 100.0
"""Altitude (km) below which a coast is inside the atmosphere: the Karman line, the 100 km boundary of
astronautics of the Federation Aeronautique Internationale, the customary edge of space in the public
missile-defence studies (U.S. Standard Atmosphere 1976, NOAA-S/T 76-1562: the density there is about
5.6e-7 kg/m^3, two millionths of sea level's; 100 times that at 70 km)."""
_ATMOSPHERIC_SHARE = 0.5
"""A coast is ``in_atmosphere`` when it flies below `ATMOSPHERE_EDGE_KM` over more than this share of its
ground distance."""
_COAST_SAMPLES = 65  # samples of a coast for `mark_atmospheric_coasts` (a 1,000 km coast: every 16 km)
_COAST_SCREEN_KM = 200.0
"""Coasts whose apogee is above this (km) are not sampled: the height of a coast over its ground track is
close to a parabola (tests/test_staged_faults.py: 54 % below 100 km at an apogee of 127 km against the
parabola's 54 %), whose share below 100 km is at most 1 - sqrt(1 - 100/H) for an apogee H, whatever part of
it is flown: 29 % at 200 km, far from `_ATMOSPHERIC_SHARE`."""


def mark_atmospheric_coasts(data: dict, what: str | None = None) -> None:
    """Give the ``ok`` rows whose coast stays in the atmosphere the status ``in_atmosphere``, in place.

    ``data`` holds `Trajectory` fields as arrays of one batch (`solve_trajectories`,
    `shieldcheck.staged.staged_trajectories`); ``what`` names the trajectory in the reason (default: "the
    <shape> trajectory"). Each ``ok`` row whose apogee is under `_COAST_SCREEN_KM`
    has its coast sampled at `_COAST_SAMPLES` even times (exact Kepler propagation from the burnout state,
    as `trajectory_state`), its altitude above the Earth model taken at each sample (geodetic, WGS84 or the
    sphere) and its ground distance summed along the track (geocentric angle times the mean radius). A
    coast that flies below `ATMOSPHERE_EDGE_KM` over more than half its ground distance, or whose apogee
    is below it (a coast straight up and down has no ground distance to share), is not physics in this
    model: the coast ignores drag, which over that distance would shorten the range and lengthen the
    flight (a depressed full burn on a short route; a kinematic depressed arc whose burnout is low). The
    re-entry of every other coast also crosses the atmosphere without drag, as in the public studies; only
    its last few hundred kilometres do.

    >>> t = trajectory("tehran", "berlin", missile="icbm-solid", shape="depressed", boost="staged")
    >>> print(t.status, t.reason[:51])
    in_atmosphere the depressed trajectory's coast stays below 100 km
    """
    status = np.asarray(data["status"])
    with np.errstate(invalid="ignore"):
        rows = np.flatnonzero((status == "ok") & (np.asarray(data["apogee_km"], dtype=float)
                                                  < _COAST_SCREEN_KM))
    if not rows.size:
        return
    tb = np.asarray(data["burn_time_s"], dtype=float)[rows]
    tf = np.asarray(data["flight_time_s"], dtype=float)[rows]
    dt = (tf - tb)[:, None] * np.linspace(0.0, 1.0, _COAST_SAMPLES)
    r_b = np.asarray(data["burnout_r_eci_km"], dtype=float)[rows]
    v_b = np.asarray(data["burnout_v_eci_km_s"], dtype=float)[rows]
    r, _ = kepler(r_b[:, None, :], v_b[:, None, :], dt)
    earth = str(np.asarray(data["earth"]).flat[0])
    r_ecef = _earth.eci_to_ecef(r, tb[:, None] + dt, bool(np.asarray(data["rotation"]).flat[0]))
    alt = np.asarray(_earth.ecef_to_geodetic(r_ecef, earth)[2], dtype=float).reshape(dt.shape)
    a, b = r_ecef[:, :-1], r_ecef[:, 1:]
    seg = SPHERE_RADIUS_KM * np.arctan2(np.linalg.norm(np.cross(a, b), axis=-1), np.sum(a * b, axis=-1))
    low = 0.5 * (alt[:, :-1] + alt[:, 1:]) < ATMOSPHERE_EDGE_KM
    below = np.sum(seg * low, axis=-1)
    total = np.sum(seg, axis=-1)
    apo = np.asarray(data["apogee_km"], dtype=float)[rows]
    # a coast under 1 km of ground (straight up and down) has no share to speak of: its apogee decides
    hit = (apo < ATMOSPHERE_EDGE_KM) | ((total >= 1.0) & (below > _ATMOSPHERIC_SHARE * total))
    for k in np.flatnonzero(hit):
        i = rows[k]
        name = what or f"the {data['shape'][i]} trajectory"
        where = (f"stays below {ATMOSPHERE_EDGE_KM:,.0f} km for {below[k]:,.0f} km of its {total[k]:,.0f} km"
                 if total[k] >= 1.0 else f"never rises above {ATMOSPHERE_EDGE_KM:,.0f} km")
        data["status"][i] = "in_atmosphere"
        data["reason"][i] = (
            f"{name}'s coast {where} (apogee {_fmt_km(apo[k])} km): drag, which this model ignores after "
            "burnout, would shorten it, so its range and flight time are not physics"
        )


def _fmt_km(x) -> str:
    """A distance or altitude in km for a reason: thousands separators, no fraction, never '-0'."""
    return f"{float(x) + 0.0:,.0f}" if abs(float(x)) >= 0.5 else "0"


def kinematic_shape(shape: str, branch: str = "lofted", burnout_speed_km_s=None, max_burnout_speed_km_s=None):
    """The `solve_trajectories` shape, branch and burnout speed that fly ``shape`` with the kinematic boost.

    A full-burn shape (`FULL_BURN_SHAPES`: ``lofted``, ``depressed``) is the ``burnout-speed`` arc at the
    class's maximum burnout speed on that branch; every other shape passes through. Returns
    ``(shape, branch, burnout_speed_km_s)``.

    Raises
    ------
    InputError
        A full-burn shape without a finite ``max_burnout_speed_km_s`` (no missile class and no speed given).

    >>> kinematic_shape("depressed", max_burnout_speed_km_s=6.5)
    ('burnout-speed', 'depressed', 6.5)
    """
    shape = str(shape).strip().lower()
    if shape not in FULL_BURN_SHAPES:
        return shape, branch, burnout_speed_km_s
    vmax = math.inf if max_burnout_speed_km_s is None else float(max_burnout_speed_km_s)
    if not math.isfinite(vmax):
        raise InputError(f"shape {shape!r} (the full burn's {shape} arc) needs a missile class or "
                         f"max_burnout_speed_km_s (the full burn's speed), got neither")
    return "burnout-speed", shape, vmax


def trajectory(
    launch,
    target,
    *,
    missile=None,
    shape: str = "min-energy",
    apogee_km: float | None = None,
    flight_time_s: float | None = None,
    burnout_speed_km_s: float | None = None,
    branch: str = "lofted",
    burn_time_s: float | None = None,
    burnout_altitude_km: float | None = None,
    burnout_range_km: float | None = None,
    max_burnout_speed_km_s: float | None = None,
    earth: str = "wgs84",
    rotation: bool = True,
    boost: str = "kinematic",
) -> Trajectory:
    """Solve one threat trajectory from ``launch`` to ``target``.

    ``launch``/``target`` are catalog names, ``"lat,lon"`` strings, `Place` objects or
    ``(latitude_deg, longitude_deg)`` pairs. ``missile`` (a catalog name or `MissileClass`) supplies the
    boost parameters and the maximum burnout speed; explicit keyword values override it. Other
    parameters as in `solve_trajectories`.

    ``shape`` may also be ``"lofted"`` or ``"depressed"`` (`FULL_BURN_SHAPES`): the full burn's high or
    low arc to the target.

    ``boost`` chooses the powered flight: ``"kinematic"`` (the class's fixed burnout point, time and
    altitude; only the coast is physics; ``lofted``/``depressed`` are the ``burnout-speed`` arcs at the
    class's maximum burnout speed), ``"staged"`` (the class's stages flown by `shieldcheck.staged`, the
    pitch-over kick and the thrust termination fitted so that the coast lands on the target with the
    shape asked; every shape but ``burnout-speed``) or ``"auto"`` (staged when the missile class has
    stage data, the shape is not ``burnout-speed`` and no boost figure is given explicitly; kinematic
    otherwise; the default of ``shieldcheck trajectory``).
    ``Trajectory.boost`` says which was flown; ``max_range_km`` and ``range_margin_km`` give the reach
    along the route (staged: the full burn's maximum range along its azimuth; kinematic: a non-rotating
    closed-form estimate from the burnout point).

    >>> t = trajectory("tehran", "washington", missile="icbm-liquid-10000")
    >>> print(t.status, round(t.ground_range_km), round(t.flight_time_s))
    ok 10199 2182
    >>> print(trajectory("tehran", "washington", missile="icbm-liquid").reason)
    too slow: needs 7.088 km/s relative to the Earth, the missile has 6.467 km/s
    >>> t = trajectory("tehran", "washington", missile="icbm-liquid", boost="auto")
    >>> print(t.boost, t.status, t.range_margin_km < 0)
    staged unreachable True
    """
    if isinstance(missile, str):
        from shieldcheck.catalog import get_missile

        missile = get_missile(missile)

    def pick(value, attr, default):
        if value is not None:
            return value
        if missile is not None:
            return getattr(missile, attr)
        return default

    lat1, lon1 = _point(launch, "launch")
    lat2, lon2 = _point(target, "target")
    for name, value in (("launch latitude_deg", lat1), ("launch longitude_deg", lon1),
                        ("target latitude_deg", lat2), ("target longitude_deg", lon2),
                        ("apogee_km", apogee_km), ("flight_time_s", flight_time_s),
                        ("burnout_speed_km_s", burnout_speed_km_s), ("burn_time_s", burn_time_s),
                        ("burnout_altitude_km", burnout_altitude_km), ("burnout_range_km", burnout_range_km),
                        ("max_burnout_speed_km_s", max_burnout_speed_km_s)):
        if value is not None and np.ndim(value) != 0:
            raise InputError(f"{name} must be a single number for trajectory (use solve_trajectories for "
                             f"arrays), got {value!r}")
    explicit = [name for name, value in (("burn_time_s", burn_time_s),
                                         ("burnout_altitude_km", burnout_altitude_km),
                                         ("burnout_range_km", burnout_range_km),
                                         ("max_burnout_speed_km_s", max_burnout_speed_km_s))
                if value is not None]
    vehicle = staged_vehicle(missile, shape, boost, explicit)
    shape = str(shape).strip().lower()
    if vehicle is not None:
        from shieldcheck.staged import staged_trajectory

        p1 = (float(_check(lat1, "launch latitude_deg", -90.0, 90.0)),
              float(_check(lon1, "launch longitude_deg", -180.0, 360.0)))
        p2 = (float(_check(lat2, "target latitude_deg", -90.0, 90.0)),
              float(_check(lon2, "target longitude_deg", -180.0, 360.0)))
        dist = float(_earth.geodesic_inverse(*p1, *p2, earth=_earth.check_earth(earth))[0])
        if dist >= 1.0 and dist < STAGED_MAX_GROUND_KM:
            return staged_trajectory(vehicle, p1, p2, earth=earth, rotation=rotation, shape=shape,
                                     apogee_km=apogee_km, flight_time_s=flight_time_s)
        # nothing is flown: never the kinematic solver's answer under the staged boost asked (or chosen)
        return _not_flown_staged(p1, p2, dist, shape, earth, rotation, str(boost).strip().lower())
    full_burn = shape in FULL_BURN_SHAPES
    # the kinematic full burn: the burnout-speed arc at the class's largest speed, on that branch
    shape, branch, burnout_speed_km_s = kinematic_shape(
        shape, branch, burnout_speed_km_s, pick(max_burnout_speed_km_s, "max_burnout_speed_km_s", None))

    batch = solve_trajectories(
        lat1,
        lon1,
        lat2,
        lon2,
        shape=shape,
        apogee_km=apogee_km,
        flight_time_s=flight_time_s,
        burnout_speed_km_s=burnout_speed_km_s,
        branch=branch,
        burn_time_s=pick(burn_time_s, "burn_time_s", 0.0),
        burnout_altitude_km=pick(burnout_altitude_km, "burnout_altitude_km", 0.0),
        burnout_range_km=pick(burnout_range_km, "burnout_range_km", 0.0),
        max_burnout_speed_km_s=pick(max_burnout_speed_km_s, "max_burnout_speed_km_s", np.inf),
        earth=earth,
        rotation=rotation,
    )
    t = batch[()] if batch.data["status"].ndim == 0 else batch[0]
    return replace(t, shape=branch) if full_burn else t


STAGED_MAX_GROUND_KM = 0.99 * math.pi * SPHERE_RADIUS_KM
"""Longest route (km) the staged boost flies: beyond it the route is within 1% of half the globe, where the
geodesic's azimuth, along which the kick is fitted, is ill-conditioned (no missile class reaches so far)."""


def _not_flown_staged(p1, p2, dist, shape, earth, rotation, boost) -> Trajectory:
    """A ``no_solution`` `Trajectory` (``boost`` "staged", every flight number NaN) for a route the staged
    boost does not fly: launch and target under 1 km apart, or farther than `STAGED_MAX_GROUND_KM`."""
    why = (f"launch and target are {dist:,.3f} km apart (under 1 km): there is no ballistic arc to compute"
           if dist < 1.0 else
           f"the route is {dist:,.0f} km long, within 1% of half the globe (near-antipodal, over "
           f"{STAGED_MAX_GROUND_KM:,.0f} km): its launch azimuth, along which the kick is fitted, is "
           "undefined")
    kw = {f.name: math.nan for f in fields(Trajectory)}
    kw.update(status="no_solution", shape=shape, earth=_earth.check_earth(earth), rotation=bool(rotation),
              reason=f"no staged flight (boost {boost!r}; nothing was flown, staged or kinematic): {why}",
              launch_latitude_deg=p1[0], launch_longitude_deg=p1[1], target_latitude_deg=p2[0],
              target_longitude_deg=p2[1], ground_range_km=dist, burnout_r_eci_km=np.full(3, np.nan),
              burnout_v_eci_km_s=np.full(3, np.nan),
              target_r_ecef_km=np.asarray(_earth.geodetic_to_ecef(p2[0], p2[1], 0.0, earth), dtype=float),
              boost="staged", boost_profile=None)
    return Trajectory(**kw)


def staged_vehicle(missile, shape: str = "min-energy", boost: str = "auto", explicit=()):
    """The stages to fly (a `shieldcheck.boost.Vehicle`) for a threat, or None for the kinematic boost.

    ``boost`` ``"auto"`` gives the class's stage data when it has some and no boost figure is
    ``explicit`` (a list of the names given) and the shape is not ``burnout-speed``; ``"staged"`` demands
    them; ``"kinematic"`` gives None. Every other shape of `SHAPES` and `FULL_BURN_SHAPES` flies staged
    (a staged burnout speed does not name one trajectory: `shieldcheck.staged.staged_trajectories`).

    Raises
    ------
    InputError
        An unknown ``boost`` or shape, or ``"staged"`` for a class without stage data, the
        ``burnout-speed`` shape or explicit boost figures.

    >>> staged_vehicle("icbm-solid").name, staged_vehicle("irbm-3700")
    ('topol-m', None)
    """
    boost = str(boost).strip().lower()
    if boost not in BOOSTS:
        raise InputError(f"boost must be one of {', '.join(BOOSTS)}, got {boost!r}")
    if boost == "kinematic" or missile is None:
        vehicle = None
    else:
        from shieldcheck.catalog.boosters import class_booster

        # the class names its stage set in missiles.yaml (booster: {name, why}); a replaced one flies
        b = class_booster(missile)
        vehicle = None if b is None else b.vehicle
    shape = str(shape).strip().lower()
    if shape not in SHAPES + FULL_BURN_SHAPES:
        raise InputError(f"shape must be one of {', '.join(SHAPES + FULL_BURN_SHAPES)}, got {shape!r}")
    if boost == "staged":
        if vehicle is None:
            from shieldcheck.catalog.boosters import load_boosters

            staged = sorted({b.missile_class for b in load_boosters()
                             if b.role == "threat" and b.missile_class})
            raise InputError(f"boost 'staged' needs a missile class with stage data ({', '.join(staged)}), "
                             f"got missile {getattr(missile, 'name', missile)!r}")
        if explicit:
            raise InputError(f"boost 'staged' flies the class's own stages, got {', '.join(explicit)}: use "
                             "boost 'kinematic' for explicit boost figures")
        if shape == "burnout-speed":
            raise InputError("boost 'staged' does not fly shape burnout-speed (along the staged landing "
                             "curve a burnout speed does not name one trajectory): use shape apogee or "
                             "flight-time, or boost 'kinematic'")
    return None if explicit or shape == "burnout-speed" else vehicle


# ============================================================================ sampling
@dataclass(frozen=True)
class TrajectorySamples:
    """A trajectory sampled in time, with its events.

    ``phase`` is ``"boost"`` or ``"coast"`` per sample; ``events`` maps ``launch``, ``burnout``, ``apogee``
    and ``impact`` to their times (s after launch), each of which is also a sample time.
    """

    t_s: np.ndarray
    latitude_deg: np.ndarray
    longitude_deg: np.ndarray
    altitude_km: np.ndarray
    r_ecef_km: np.ndarray
    r_eci_km: np.ndarray
    speed_inertial_km_s: np.ndarray
    speed_relative_km_s: np.ndarray
    phase: np.ndarray
    events: dict

    def ground_track(self) -> tuple[np.ndarray, np.ndarray]:
        """Latitude and longitude (deg) of the sub-missile point at each sample."""
        return self.latitude_deg, self.longitude_deg

    def to_rows(self) -> list[dict]:
        """One dict per sample (for CSV): time, geodetic, ECEF and ECI components, speeds and phase."""
        rows = []
        for i in range(len(self.t_s)):
            rows.append(
                {
                    "t_s": float(self.t_s[i]),
                    "phase": str(self.phase[i]),
                    "latitude_deg": float(self.latitude_deg[i]),
                    "longitude_deg": float(self.longitude_deg[i]),
                    "altitude_km": float(self.altitude_km[i]),
                    "x_ecef_km": float(self.r_ecef_km[i, 0]),
                    "y_ecef_km": float(self.r_ecef_km[i, 1]),
                    "z_ecef_km": float(self.r_ecef_km[i, 2]),
                    "x_eci_km": float(self.r_eci_km[i, 0]),
                    "y_eci_km": float(self.r_eci_km[i, 1]),
                    "z_eci_km": float(self.r_eci_km[i, 2]),
                    "speed_inertial_km_s": float(self.speed_inertial_km_s[i]),
                    "speed_relative_km_s": float(self.speed_relative_km_s[i]),
                }
            )
        return rows


def trajectory_state(traj: Trajectory, t_s):
    """Threat position and speeds at times ``t_s`` (s after launch), vectorised.

    Returns ``(r_ecef_km, r_eci_km, speed_inertial_km_s, speed_relative_km_s)`` with shapes
    ``(..., 3), (..., 3), (...), (...)``. Coast states are exact Kepler propagation (universal variables)
    from the burnout state, and the impact time returns the target point exactly. A staged trajectory
    (``boost == "staged"``, with its ``boost_profile``) follows its tabulated staged integration during
    boost (cubic Hermite interpolation, `shieldcheck.staged.boost_profile`). Otherwise the boost phase is
    *illustrative only* (`boost_position_kernel`): altitude and downrange angle grow as (t/t_b)² from the
    launch point to the burnout point and the speed relative to the Earth grows linearly to its burnout
    value. Times outside
    [0, flight_time_s] give NaN (there is no missile then).

    >>> t = trajectory("tehran", "berlin")
    >>> r_ecef, r_eci, v_in, v_rel = trajectory_state(t, [0.0, t.flight_time_s])
    >>> bool(np.allclose(r_ecef[1], t.target_r_ecef_km))
    True
    """
    if traj.status == "no_solution":
        raise InputError(f"cannot propagate a trajectory with status no_solution: {traj.reason}")
    t_in = _as_float_array(t_s, "t_s")
    if t_in.size > MAX_SAMPLES:
        raise InputError(f"t_s may hold at most {MAX_SAMPLES:,} times per call, got {t_in.size:,}")
    if np.any(np.isinf(t_in)):
        raise InputError("t_s must be finite (NaN marks a missing time), got inf")
    t = np.atleast_1d(t_in).ravel()
    earth, rotation, tb = traj.earth, traj.rotation, traj.burn_time_s
    r_ecef = np.full((t.size, 3), np.nan)
    speed_in = np.full(t.size, np.nan)
    speed_rel = np.full(t.size, np.nan)
    inside = (t >= 0.0) & (t <= traj.flight_time_s)
    coast = inside & (t >= tb)
    if np.any(coast):
        r_c, v_c = kepler(
            np.asarray(traj.burnout_r_eci_km), np.asarray(traj.burnout_v_eci_km_s), t[coast] - tb
        )
        r_c = np.atleast_2d(r_c)
        v_c = np.atleast_2d(v_c)
        r_ecef[coast] = _earth.eci_to_ecef(r_c, t[coast], rotation)
        speed_in[coast] = np.linalg.norm(v_c, axis=-1)
        speed_rel[coast] = np.linalg.norm(_earth.velocity_eci_to_ecef(r_c, v_c, t[coast], rotation), axis=-1)
        # the impact point is exact (Kepler round-off is ~mm), for a flight that lands on the target: a
        # staged full burn out of reach comes down short of it and keeps its own impact
        end = coast & (t == traj.flight_time_s)
        target = np.asarray(traj.target_r_ecef_km, dtype=float)
        end &= np.linalg.norm(r_ecef - target, axis=-1) < 1.0
        r_ecef[end] = target
    boost = inside & ~coast
    profile = getattr(traj, "boost_profile", None)
    if np.any(boost) and profile is not None:
        # a staged boost: cubic Hermite through its tabulated integration (positions and their rates)
        from scipy.interpolate import CubicHermiteSpline

        tk = t[boost]
        r_ecef[boost] = CubicHermiteSpline(profile[:, 0], profile[:, 1:4], profile[:, 4:7], axis=0)(tk)
        speed_rel[boost] = np.interp(tk, profile[:, 0], np.linalg.norm(profile[:, 4:7], axis=-1))
        speed_in[boost] = np.interp(tk, profile[:, 0], profile[:, 7])
    elif np.any(boost):
        r_launch, r_bo_ground = boost_endpoints(traj)
        a, e2 = _earth.ellipsoid(earth)
        out = np.empty((int(boost.sum()), 3))
        _boost_many(t[boost], tb, r_launch, r_bo_ground, traj.burnout_altitude_km, a, e2, out)
        r_ecef[boost] = out
        speed_rel[boost] = traj.burnout_speed_relative_km_s * t[boost] / tb
        v_ground = _earth.velocity_ecef_to_eci(
            r_ecef[boost], np.zeros((int(boost.sum()), 3)), t[boost], rotation
        )
        speed_in[boost] = (
            np.linalg.norm(v_ground, axis=-1) + speed_rel[boost]
        )  # illustrative, not a vector sum
    r_eci = _earth.ecef_to_eci(r_ecef, t, rotation)
    shape = np.shape(t_in)
    return (
        r_ecef.reshape(shape + (3,)),
        r_eci.reshape(shape + (3,)),
        speed_in.reshape(shape),
        speed_rel.reshape(shape),
    )


def sample_trajectory(traj: Trajectory, step_s: float = 10.0) -> TrajectorySamples:
    """Sample a solved trajectory every ``step_s`` seconds, plus its event times.

    Positions and speeds come from `trajectory_state` (exact Kepler coast, illustrative boost). At most
    `MAX_SAMPLES` samples: a ``step_s`` that would give more raises `InputError` naming the smallest
    step allowed.

    >>> t = trajectory((35.69, 51.39), (52.52, 13.40), burn_time_s=100, burnout_altitude_km=80,
    ...                burnout_range_km=100)
    >>> s = sample_trajectory(t, step_s=30)
    >>> print(sorted(s.events), round(float(s.altitude_km[-1]), 6))
    ['apogee', 'burnout', 'impact', 'launch'] 0.0
    """
    if np.ndim(step_s) != 0:
        raise InputError(f"step_s must be a single number of seconds, got {step_s!r}")
    step = float(_check(step_s, "step_s", 0.0, 86400.0, lo_open=True))
    if traj.status == "no_solution":
        raise InputError(f"cannot sample a trajectory with status no_solution: {traj.reason}")
    tb = traj.burn_time_s
    t_end = traj.flight_time_s
    if t_end / step > MAX_SAMPLES - 4:
        raise InputError(
            f"step_s must be at least {t_end / (MAX_SAMPLES - 4):.3g} s for this {t_end:.0f} s flight "
            f"(at most {MAX_SAMPLES:,} samples), got {step:g}"
        )
    events = {"launch": 0.0, "burnout": tb, "apogee": traj.apogee_time_s, "impact": t_end}
    t = np.union1d(np.arange(0.0, t_end, float(step)), np.array(list(events.values())))
    t = t[(t >= 0.0) & (t <= t_end)]
    r_ecef, r_eci, speed_in, speed_rel = trajectory_state(traj, t)
    lat, lon, alt = _earth.ecef_to_geodetic(r_ecef, traj.earth)
    return TrajectorySamples(
        t_s=t,
        latitude_deg=np.asarray(lat),
        longitude_deg=np.asarray(lon),
        altitude_km=np.asarray(alt),
        r_ecef_km=r_ecef,
        r_eci_km=r_eci,
        speed_inertial_km_s=speed_in,
        speed_relative_km_s=speed_rel,
        phase=np.where(t < tb, "boost", "coast").astype(object),
        events=events,
    )
