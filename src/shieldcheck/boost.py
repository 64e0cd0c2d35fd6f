"""Powered flight of a multi-stage rocket: 3-DOF point mass over the rotating Earth.

Units inside this module: km, s, kg (thrust in kN = kg km/s², accelerations in km/s²); angles at the API are
degrees where a name ends in ``_deg``. Frames follow :mod:`shieldcheck.earth`: the equations of motion are
integrated in the ECI frame that equals ECEF at launch (t = 0); "relative" quantities are relative to the
rotating Earth (and to the co-rotating air).

Model
-----
Each stage burns its propellant mass ``m_p`` at a constant rate ``ṁ = m_p / t_b`` over its burn time. Thrust
varies with ambient pressure ``p`` between the vacuum and sea-level specific impulses,

    F = ṁ g₀ I_vac − (I_vac − I_sl) ṁ g₀ p / p₀,

the usual nozzle relation F = F_vac − A_e p written with the sea-level Isp (Sutton & Biblarz, *Rocket
Propulsion Elements*, 9th ed., 2017, eqs. 2-14 and 3-21). An empty stage is dropped at burnout; an optional
coast follows before the next stage ignites. Drag is ``D = ½ ρ v_rel² C_d(M) A`` against the air that turns
with the Earth, with ``A`` the cross-section of the lowest stage still attached; density, pressure and the
speed of sound come from the U.S. Standard Atmosphere 1976 through the ``ambiance`` package, sampled once
into a table every 0.1 km up to 81 km with their slopes and interpolated by cubic Hermite
polynomials (continuous slopes, so that Runge-Kutta keeps its order); above 81 km
density and pressure fall exponentially with the local scale height at 81 km, and the speed
of sound is held at its 81 km value (U.S. Standard Atmosphere, 1976, NOAA-S/T 76-1562, Table I; the tail is
an approximation that overestimates density by less than a factor two up to 120 km, where drag on a
boosting missile is already negligible). Gravity is central (μ/r²), optionally with the J2 term
(Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed., 2013, eq. 8-31), or, for tests, a
constant g₀ toward the Earth's centre, or none.

Pitch program (the standard three-part program of the public boost-phase studies, e.g. APS 2003, app. of
ch. 5; Wheelon 1959 for the gravity turn):

1. *vertical rise* for ``vertical_rise_s``: thrust along the local vertical (the geodetic normal on the
   ellipsoid);
2. *pitch-over kick* for ``kick_duration_s``: thrust held at the kick angle from the vertical, toward the
   launch azimuth;
3. *gravity turn* to the end of the last burn: thrust along the Earth-relative velocity.

The kick angle is the program's one free parameter; :func:`solve_kick` finds it for a goal (a burnout
flight-path angle, a ground range, or the maximum range) instead of guessing it.

The integrator is the classical Runge-Kutta 4 whose steps end exactly on every phase boundary (end of
vertical rise, end of kick, each burnout, each coast), where the right-hand side is discontinuous, and on
every kink of the atmosphere (the layer bases of the U.S. Standard Atmosphere, where the slopes of density,
pressure and the speed of sound jump, and the join with the exponential tail): a step that would climb
through one ends where the height, extrapolated linearly from the step's start, meets it. Without that,
each of the seven kinks costs RK4 its order (an error growing as step², not step⁴) and the burnout speed
missed DOP853 by up to 1.8 mm/s at the default step. Each step's length is set from the state at its start,
by the time scales of the terms that limit RK4's accuracy: 0.75 ``step_s`` in the densest air (0.375 s by
default), growing as the density falls, (ρ₀/ρ)^¼, up to eight times; in the gravity turn at most
(``step_s`` / 33.3 s) v/g, i.e. 0.015 v/g by default (the velocity turns at g cos γ / v, fast just after
the kick of a slow liquid missile); while thrusting at most (``step_s`` / 13.3 s) m/ṁ, 0.0375 m/ṁ by
default (thrust acceleration grows on the time scale m/ṁ). The step therefore follows the physics rather
than altitude bands, and ``step_s`` scales the accuracy; because the step depends only on the state at its
start, a flight restarted from any recorded step takes the same steps after it (:mod:`shieldcheck.staged`
relies on this). It is compiled with numba and runs a batch of vehicles or kick angles in parallel
(``prange``). The tests hold it against scipy's DOP853 (every booster of the catalog at its own payload,
kicks from 0.02 to 60 deg: within 1 m and 1 mm/s at burnout), the rocket equation and the energy balance.

>>> v = Vehicle.single_stage(propellant_mass_kg=10000.0, dry_mass_kg=1000.0, burn_time_s=60.0,
...                          isp_vac_s=280.0, isp_sl_s=250.0, diameter_m=1.0, payload_kg=500.0)
>>> r = fly(v, 0.0, 0.0, 90.0, kick_deg=5.0)
>>> r.status, 50.0 < r.burnout_altitude_km < 90.0
('ok', True)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache, lru_cache

import numba
import numpy as np

from shieldcheck.earth import (
    MU_KM3_S2,
    OMEGA_RAD_S,
    check_earth,
    ecef_to_geodetic,
    ellipsoid,
    enu_basis,
    geodesic_inverse,
    geodetic_kernel,
    geodetic_to_ecef,
)
from shieldcheck.errors import InputError, require_array_within, require_within

__all__ = [
    "MIN_BURNOUT_MASS_KG",
    "G0_KM_S2",
    "P0_PA",
    "J2_WGS84",
    "GRAVITY_MODELS",
    "GOALS",
    "Stage",
    "Vehicle",
    "PitchProgram",
    "BoostResult",
    "BoostBatch",
    "atmosphere",
    "cut_vehicle",
    "fly",
    "fly_batch",
    "solve_kick",
]

G0_KM_S2 = 9.80665e-3
"""Standard gravity, km/s² (defines the specific impulse in seconds)."""
P0_PA = 101325.0
"""Sea-level standard pressure, Pa (U.S. Standard Atmosphere 1976)."""
J2_WGS84 = 1.08262668e-3
"""Earth's J2 (NIMA TR8350.2, *WGS84*, 3rd ed., 2000, table 3.3 derived value)."""

GRAVITY_MODELS = ("central", "j2", "constant", "none")
GOALS = ("flight-path-angle", "range", "max-range")
_GRAV_CODE = {"none": 0, "constant": 1, "central": 2, "j2": 3}

_ATM_TOP_KM = 81.0
_ATM_STEP_KM = 0.1
_ATM_OFF_KM = 300.0  # no air above this altitude (density there < 1e-20 of sea level in the tail)

# column layout of a stage row in the kernel's stage table
_MP, _MD, _TB, _IV, _IS, _AREA, _COAST = range(7)
# status codes
_OK, _CRASHED, _NO_LIFTOFF = 0, 1, 2
_STATUS = {_OK: "ok", _CRASHED: "crashed", _NO_LIFTOFF: "no-liftoff"}
# output columns of the kernel
_NOUT = 15
(_O_T, _O_RX, _O_RY, _O_RZ, _O_VX, _O_VY, _O_VZ, _O_M, _O_WT, _O_WD, _O_DL, _O_QMAX, _O_ST, _O_GL, _O_TQ) = (
    range(_NOUT)
)


# ----------------------------------------------------------------------------------------- atmosphere
@cache
def _atmosphere_table() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Density (kg/m³), pressure (Pa), speed of sound (km/s) and their slopes every 0.1 km, 0-81 km."""
    from ambiance import Atmosphere

    h_km = np.arange(0.0, _ATM_TOP_KM + 0.5 * _ATM_STEP_KM, _ATM_STEP_KM)
    atm = Atmosphere(h_km * 1e3)
    cols = []
    for values in (atm.density, atm.pressure, np.asarray(atm.speed_of_sound) * 1e-3):
        v = np.asarray(values, dtype=float).ravel()
        # value and slope (per km) at each node, for cubic Hermite interpolation (C1: RK4 keeps its order)
        cols.append(np.ascontiguousarray(np.stack([v, np.gradient(v, _ATM_STEP_KM)], axis=-1)))
    return cols[0], cols[1], cols[2]


def atmosphere(altitude_km):
    """Density (kg/m³), pressure (Pa) and speed of sound (km/s) as the compiled kernel sees them.

    U.S. Standard Atmosphere 1976 (via ``ambiance``) below 81 km, sampled every 0.1 km and interpolated
    by cubic Hermite polynomials; an exponential tail above (see the module notes); no air above
    300 km. Below the surface the sea-level values hold.

    Parameters
    ----------
    altitude_km : float or array_like
        Geometric altitude, km.

    Returns
    -------
    density_kg_m3, pressure_pa, speed_of_sound_km_s : float or ndarray

    >>> rho, p, a = atmosphere(0.0)
    >>> round(float(rho), 4), round(float(p)), round(float(a), 4)
    (1.225, 101325, 0.3403)
    """
    lr, lp, aa = _atmosphere_table()
    h = _numbers("altitude_km", altitude_km, -1000.0, 1e6)
    out = np.empty((h.size, 3))
    for i, hi in enumerate(h.ravel()):
        out[i] = _atm(hi, lr, lp, aa)
    res = [out[:, k].reshape(h.shape) for k in range(3)]
    return tuple(float(x) if x.ndim == 0 else x for x in res)


@numba.njit(cache=True, inline="always")
def _atm(h, rho, p, aa):
    n = rho.shape[0]
    if h >= _ATM_OFF_KM:
        return 0.0, 0.0, aa[n - 1, 0]
    if h <= 0.0:
        return rho[0, 0], p[0, 0], aa[0, 0]
    x = h / _ATM_STEP_KM
    if x >= n - 1:
        # exponential tail with the scale height at the top of the table (continuous value and slope)
        dh = h - (n - 1) * _ATM_STEP_KM
        return (
            rho[n - 1, 0] * math.exp(rho[n - 1, 1] / rho[n - 1, 0] * dh),
            p[n - 1, 0] * math.exp(p[n - 1, 1] / p[n - 1, 0] * dh),
            aa[n - 1, 0],
        )
    # cubic Hermite between 0.1 km nodes (C1), relative error below 2e-4 (largest at the 11 km tropopause)
    i = int(x)
    t = x - i
    t2 = t * t
    t3 = t2 * t
    h00 = 2.0 * t3 - 3.0 * t2 + 1.0
    h10 = (t3 - 2.0 * t2 + t) * _ATM_STEP_KM
    h01 = 3.0 * t2 - 2.0 * t3
    h11 = (t3 - t2) * _ATM_STEP_KM
    return (
        h00 * rho[i, 0] + h10 * rho[i, 1] + h01 * rho[i + 1, 0] + h11 * rho[i + 1, 1],
        h00 * p[i, 0] + h10 * p[i, 1] + h01 * p[i + 1, 0] + h11 * p[i + 1, 1],
        h00 * aa[i, 0] + h10 * aa[i, 1] + h01 * aa[i + 1, 0] + h11 * aa[i + 1, 1],
    )


@numba.njit(cache=True, inline="always")
def _cd(mach, cdm, cdv):
    """Drag coefficient: monotone cubic Hermite (PCHIP slopes) through the C_d(M) points, held outside."""
    n = cdm.shape[0]
    if mach <= cdm[0]:
        return cdv[0, 0]
    if mach >= cdm[n - 1]:
        return cdv[n - 1, 0]
    for j in range(n - 1):
        if mach < cdm[j + 1]:
            d = cdm[j + 1] - cdm[j]
            t = (mach - cdm[j]) / d
            t2 = t * t
            t3 = t2 * t
            return (
                (2.0 * t3 - 3.0 * t2 + 1.0) * cdv[j, 0]
                + (t3 - 2.0 * t2 + t) * d * cdv[j, 1]
                + (3.0 * t2 - 2.0 * t3) * cdv[j + 1, 0]
                + (t3 - t2) * d * cdv[j + 1, 1]
            )
    return cdv[n - 1, 0]


def _cd_table(cd_mach) -> tuple[np.ndarray, np.ndarray]:
    """Mach nodes and (C_d, dC_d/dM) at each, the slopes from scipy's PCHIP (Fritsch & Carlson 1980).

    Built once per drag curve (about 2 ms: every `fly_batch` call paid it); the kernels only read it."""
    return _cd_table_of(tuple((float(m), float(c)) for m, c in cd_mach))


@lru_cache(maxsize=64)
def _cd_table_of(cd_mach: tuple) -> tuple[np.ndarray, np.ndarray]:
    cd = np.asarray(cd_mach, dtype=float)
    m, c = np.ascontiguousarray(cd[:, 0]), cd[:, 1]
    if m.size < 2:
        return m, np.ascontiguousarray(np.stack([c, np.zeros_like(c)], axis=-1))
    from scipy.interpolate import PchipInterpolator

    slope = PchipInterpolator(m, c).derivative()(m)
    return m, np.ascontiguousarray(np.stack([c, slope], axis=-1))


# -------------------------------------------------------------------------------------------- kernels
# step control (see fly_batch's step_s h0): _SEA h0 in the densest air, growing as (rho0 / rho)^_RHO_EXP up to
# _VAC_FACTOR _SEA h0; at most _TURN h0 v / g (per second of h0) in the gravity turn and _MASS h0 m / mdot
# while thrusting, never below _MIN_STEP h0 (but ending on phase boundaries and atmosphere kinks). s5: every
# term scaled by 0.75 from (1, 0.04, 0.1, 0.02), with the kinks added: the worst miss against DOP853 over the
# catalog's boosters and kicks of 0.02-60 deg fell from 1.81 to 0.66 mm/s (tests/test_boost.py)
_SEA = 0.75
_VAC_FACTOR = 8.0
_RHO_EXP = 0.25
_TURN = 0.03
_MASS = 0.075
_MIN_STEP = 0.015
# heights (km, geometric) where the air's properties have a kink: the bases of the U.S. Standard Atmosphere
# 1976's layers, where the temperature lapse rate changes (geopotential 11, 20, 32, 47, 51 and 71 km, NOAA-S/T
# 76-1562, Table 4; geometric h = r0 H / (r0 - H), r0 = 6,356.766 km, eq. 19), and the join of the table with
# the exponential tail. Density's and the speed of sound's slopes jump there; a Runge-Kutta step across such
# a kink loses its order (error ~ jump x step^2), so a step that would cross one ends on it (`_step_length`)
_R0_USSA_KM = 6356.766
_KINK_KM = np.array(
    [_R0_USSA_KM * hg / (_R0_USSA_KM - hg) for hg in (11.0, 20.0, 32.0, 47.0, 51.0, 71.0)] + [_ATM_TOP_KM]
)


@numba.njit(cache=True, inline="always")
def _height(x, y, z, a_e, e2):
    """Height above the ellipsoid along the radius (km): r minus the ellipsoid's geocentric radius.

    Differs from the geodetic altitude by about h δ²/2 (δ ≤ 0.19° the angle between the normal and the
    radius): under 1 m below 300 km, ample for the atmosphere and the ground test; the burnout altitude
    reported to users is the exact geodetic one.
    """
    r2 = x * x + y * y + z * z
    r = math.sqrt(r2)
    if e2 == 0.0:
        return 0.0, r - a_e
    c2 = (x * x + y * y) / r2
    return 0.0, r - a_e * math.sqrt((1.0 - e2) / (1.0 - e2 * c2))


@numba.njit(cache=True, inline="always")
def _gravity(x, y, z, gmode, mu, j2, re):
    r2 = x * x + y * y + z * z
    r = math.sqrt(r2)
    if gmode == 0:
        return 0.0, 0.0, 0.0
    if gmode == 1:
        g = G0_KM_S2 / r
        return -g * x, -g * y, -g * z
    k = -mu / (r2 * r)
    gx, gy, gz = k * x, k * y, k * z
    if gmode == 3:
        zr2 = z * z / r2
        c = -1.5 * j2 * mu * re * re / (r2 * r2 * r)
        gx += c * x * (1.0 - 5.0 * zr2)
        gy += c * y * (1.0 - 5.0 * zr2)
        gz += c * z * (3.0 - 5.0 * zr2)
    return gx, gy, gz


@numba.njit(cache=True)
def _potential(x, y, z, gmode, mu, j2, re):
    """Specific potential energy (km²/s²) whose negative gradient is `_gravity`."""
    r = math.sqrt(x * x + y * y + z * z)
    if gmode == 0:
        return 0.0
    if gmode == 1:
        return G0_KM_S2 * r
    u = -mu / r
    if gmode == 3:
        u += mu * j2 * re * re * (3.0 * z * z / (r * r) - 1.0) / (2.0 * r * r * r)
    return u


@numba.njit(cache=True, inline="always")
def _rhs(
    t,
    y,
    dy,
    mode,
    m0,
    mdot,
    tseg0,
    fvac,
    fp,
    area,
    kick,
    hx,
    hy,
    hz,
    omega,
    gmode,
    mu,
    j2,
    re,
    a_e,
    e2,
    drag,
    lr,
    lp,
    aa,
    cdm,
    cdv,
):
    """Derivatives of (r, v, thrust work, drag work, drag loss, gravity loss) into ``dy``.

    Returns the dynamic pressure (Pa), the height (km), the air density (kg/m³) and the air-relative
    speed (km/s) at (t, y), which the step control reuses.
    """
    x, yy, z = y[0], y[1], y[2]
    vx, vy, vz = y[3], y[4], y[5]
    m = m0 - mdot * (t - tseg0)
    _, h = _height(x, yy, z, a_e, e2)
    # air-relative velocity (the atmosphere turns with the Earth)
    wx, wy, wz = vx + omega * yy, vy - omega * x, vz
    w = math.sqrt(wx * wx + wy * wy + wz * wz)
    rho, p, a_snd = _atm(h, lr, lp, aa)
    ax = ay = az = 0.0
    atx = aty = atz = 0.0
    q = 0.0
    if drag and rho > 0.0 and w > 0.0:
        q = 0.5 * rho * w * w * 1e6  # Pa
        dk = q * _cd(w / a_snd, cdm, cdv) * area / m * 1e-3 / w  # km/s² per km/s
        ax, ay, az = -dk * wx, -dk * wy, -dk * wz
    if mode > 0:
        f = fvac - fp * p
        if f < 0.0:
            f = 0.0
        if mode == 3 and w >= 1e-6:
            # gravity turn: thrust along the air-relative velocity
            dx, dyy, dz = wx / w, wy / w, wz / w
        else:
            # local up: the geodetic normal (exact on the surface, within 0.2 deg up to a few hundred km)
            ux, uy, uz = x, yy, z / (1.0 - e2)
            un = math.sqrt(ux * ux + uy * uy + uz * uz)
            ux, uy, uz = ux / un, uy / un, uz / un
            dx, dyy, dz = ux, uy, uz
        if mode == 2:
            # launch-azimuth direction turned with the Earth, then made horizontal
            c, s = math.cos(omega * t), math.sin(omega * t)
            ex, ey, ez = c * hx - s * hy, s * hx + c * hy, hz
            d = ex * ux + ey * uy + ez * uz
            ex, ey, ez = ex - d * ux, ey - d * uy, ez - d * uz
            en = math.sqrt(ex * ex + ey * ey + ez * ez)
            ck, sk = math.cos(kick), math.sin(kick)
            dx, dyy, dz = ck * ux + sk * ex / en, ck * uy + sk * ey / en, ck * uz + sk * ez / en
        fm = f / m
        atx, aty, atz = fm * dx, fm * dyy, fm * dz
    gx, gy, gz = _gravity(x, yy, z, gmode, mu, j2, re)
    dy[0], dy[1], dy[2] = vx, vy, vz
    dy[3], dy[4], dy[5] = atx + ax + gx, aty + ay + gy, atz + az + gz
    dy[6] = atx * vx + aty * vy + atz * vz
    dy[7] = ax * vx + ay * vy + az * vz
    dy[8] = math.sqrt(ax * ax + ay * ay + az * az)
    v = math.sqrt(vx * vx + vy * vy + vz * vz)
    dy[9] = -(gx * vx + gy * vy + gz * vz) / v if v > 0.0 else math.sqrt(gx * gx + gy * gy + gz * gz)
    return q, h, rho, w


@numba.njit(cache=True, inline="always")
def _step_length(step, rho_ratio, mode, w, m, mdot, t_left, h_km, climb):
    """RK4 step (s) from the state at its start (module notes): ``step`` in sea-level air, growing as the
    density ratio ``rho_ratio`` falls, limited by the gravity-turn and mass-flow time scales, ended on the
    first layer kink of the atmosphere (`_KINK_KM`) that the height ``h_km``, changing at ``climb`` km/s,
    would cross, and cut to end on the segment's end ``t_left`` away."""
    # the step grows as the air thins (drag's truncation error falls with the density), up to
    # _VAC_FACTOR times the base step
    h = step * _SEA * (min(rho_ratio ** -_RHO_EXP, _VAC_FACTOR) if rho_ratio > 0.0 else _VAC_FACTOR)
    # the limits below scale with the base step, so that step sets the accuracy everywhere
    if mode == 3:
        # gravity turn: the velocity turns at g cos(gamma) / v, fast while the missile is slow
        h = min(h, max(step * _TURN * w / G0_KM_S2, step * _MIN_STEP))
    if mdot > 0.0:
        # thrust acceleration F/m grows on the time scale m / mdot
        h = min(h, max(step * _MASS * m / mdot, step * _MIN_STEP))
    if h_km < _ATM_OFF_KM:
        # end the step where the linear prediction of the height meets a kink (the prediction's miss, about
        # a h^2 / (2 climb), leaves the kink next to a step end, where it costs little). A kink nearer than
        # the shortest step is crossed, not aimed at: it then sits next to the step's start, where it costs
        # little too, and the steps aimed at it, each the square of the last, can never shrink below
        # rounding (a step that no longer moves the clock would never end the segment)
        for hb in _KINK_KM:
            d = hb - h_km
            if (climb > 0.0 and 0.0 < d < climb * h) or (climb < 0.0 and climb * h < d < 0.0):
                if d / climb >= step * _MIN_STEP:
                    h = d / climb
                break
    return t_left if h > t_left - 1e-9 else h


@numba.njit(cache=True)
def _segment(
    y,
    t0,
    t1,
    step,
    mode,
    m0,
    mdot,
    fvac,
    fp,
    area,
    kick,
    hx,
    hy,
    hz,
    omega,
    gmode,
    mu,
    j2,
    re,
    a_e,
    e2,
    drag,
    lr,
    lp,
    aa,
    cdm,
    cdv,
    k1,
    k2,
    k3,
    k4,
    tmp,
    rec,
    nrec,
    qmax,
):
    """RK4 from t0 to t1 (base step ``step``, set per step as in the module notes, the last one ending
    on t1); returns (records written, qmax, crashed)."""
    if t1 - t0 <= 0.0:
        return nrec, qmax, False
    nv = y.shape[0]
    t = t0
    hstep = 0.0
    while t < t1 - 1e-12:
        # the four RK4 stages: stage s evaluates at t + c_s h from y + c_s h k_(s-1) (c = 0, 1/2, 1/2, 1);
        # stage 0 does not depend on the step and gives the state that sets it
        for s in range(4):
            c = 0.0 if s == 0 else (1.0 if s == 3 else 0.5)
            k_prev = k1 if s == 1 else (k2 if s == 2 else k3)
            k_out = k1 if s == 0 else (k2 if s == 1 else (k3 if s == 2 else k4))
            for j in range(nv):
                tmp[j] = y[j] if s == 0 else y[j] + c * hstep * k_prev[j]
            q_s, h_now, rho_now, w_now = _rhs(
                t + c * hstep,
                tmp,
                k_out,
                mode,
                m0,
                mdot,
                t0,
                fvac,
                fp,
                area,
                kick,
                hx,
                hy,
                hz,
                omega,
                gmode,
                mu,
                j2,
                re,
                a_e,
                e2,
                drag,
                lr,
                lp,
                aa,
                cdm,
                cdv,
            )
            if s == 0:
                if q_s > qmax:  # peak dynamic pressure, at the start of each step
                    qmax = q_s
                m_now = m0 - mdot * (t - t0)
                # rate of change of the height: the radial speed (the same inertial or Earth-relative)
                rn = math.sqrt(tmp[0] * tmp[0] + tmp[1] * tmp[1] + tmp[2] * tmp[2])
                climb = (tmp[0] * tmp[3] + tmp[1] * tmp[4] + tmp[2] * tmp[5]) / rn
                hstep = _step_length(step, rho_now / lr[0, 0], mode, w_now, m_now, mdot, t1 - t, h_now, climb)
        for j in range(nv):
            y[j] += hstep / 6.0 * (k1[j] + 2.0 * k2[j] + 2.0 * k3[j] + k4[j])
        t += hstep
        if rec.shape[0] > 0 and nrec < rec.shape[0]:
            rec[nrec, 0] = t
            for j in range(6):
                rec[nrec, 1 + j] = y[j]
            rec[nrec, 7] = m0 - mdot * (t - t0)
            nrec += 1
        _, halt = _height(y[0], y[1], y[2], a_e, e2)
        if halt < -1e-3 and t > 1.0:
            return nrec, qmax, True
    return nrec, qmax, False


@numba.njit(cache=True)
def _fly_one(
    st,
    nst,
    payload,
    r0,
    h0,
    kick,
    tvert,
    tkick,
    omega,
    gmode,
    mu,
    j2,
    re,
    a_e,
    e2,
    drag,
    lr,
    lp,
    aa,
    cdm,
    cdv,
    step,
    out,
    rec,
):
    y = np.zeros(10)
    k1 = np.empty(10)
    k2 = np.empty(10)
    k3 = np.empty(10)
    k4 = np.empty(10)
    tmp = np.empty(10)
    y[0], y[1], y[2] = r0[0], r0[1], r0[2]
    y[3], y[4], y[5] = -omega * r0[1], omega * r0[0], 0.0
    m = payload
    for k in range(nst):
        m += st[k, _MP] + st[k, _MD]
    t = 0.0
    qmax = 0.0
    gravity_turn, coasting = np.int64(3), np.int64(0)  # _segment's modes
    nrec = np.int64(0)  # typed ints, never literals: one compiled _segment
    status = _OK
    tq = 0.0
    # lift-off check: sea-level thrust against weight
    mdot0 = st[0, _MP] / st[0, _TB]
    f0 = mdot0 * G0_KM_S2 * st[0, _IS]
    gx, gy, gz = _gravity(r0[0], r0[1], r0[2], gmode, mu, j2, re)
    if gmode != 0 and f0 <= m * math.sqrt(gx * gx + gy * gy + gz * gz):
        status = _NO_LIFTOFF
    else:
        for k in range(nst):
            mdot = st[k, _MP] / st[k, _TB]
            fvac = mdot * G0_KM_S2 * st[k, _IV]
            fp = (st[k, _IV] - st[k, _IS]) * mdot * G0_KM_S2 / P0_PA
            area = st[k, _AREA]
            tb = st[k, _TB]
            crashed = False
            if k == 0:
                bounds = (0.0, min(tvert, tb), min(tvert + tkick, tb), tb)
                modes = (1, 2, 3)
                for s in range(3):
                    if bounds[s + 1] > bounds[s]:
                        q0 = qmax
                        nrec, qmax, crashed = _segment(
                            y,
                            t + bounds[s],
                            t + bounds[s + 1],
                            step,
                            modes[s],
                            m - mdot * bounds[s],
                            mdot,
                            fvac,
                            fp,
                            area,
                            kick,
                            h0[0],
                            h0[1],
                            h0[2],
                            omega,
                            gmode,
                            mu,
                            j2,
                            re,
                            a_e,
                            e2,
                            drag,
                            lr,
                            lp,
                            aa,
                            cdm,
                            cdv,
                            k1,
                            k2,
                            k3,
                            k4,
                            tmp,
                            rec,
                            nrec,
                            qmax,
                        )
                        if qmax > q0:
                            tq = t + bounds[s]
                        if crashed:
                            break
            else:
                nrec, qmax, crashed = _segment(
                    y,
                    t,
                    t + tb,
                    step,
                    gravity_turn,
                    m,
                    mdot,
                    fvac,
                    fp,
                    area,
                    kick,
                    h0[0],
                    h0[1],
                    h0[2],
                    omega,
                    gmode,
                    mu,
                    j2,
                    re,
                    a_e,
                    e2,
                    drag,
                    lr,
                    lp,
                    aa,
                    cdm,
                    cdv,
                    k1,
                    k2,
                    k3,
                    k4,
                    tmp,
                    rec,
                    nrec,
                    qmax,
                )
            if crashed:
                status = _CRASHED
                break
            t += tb
            m -= st[k, _MP] + st[k, _MD]  # burnt propellant and the dropped stage
            if k < nst - 1:
                m_next = m
                nrec, qmax, crashed = _segment(
                    y,
                    t,
                    t + st[k, _COAST],
                    step,
                    coasting,
                    m_next,
                    0.0,
                    0.0,
                    0.0,
                    st[k + 1, _AREA],
                    kick,
                    h0[0],
                    h0[1],
                    h0[2],
                    omega,
                    gmode,
                    mu,
                    j2,
                    re,
                    a_e,
                    e2,
                    drag,
                    lr,
                    lp,
                    aa,
                    cdm,
                    cdv,
                    k1,
                    k2,
                    k3,
                    k4,
                    tmp,
                    rec,
                    nrec,
                    qmax,
                )
                t += st[k, _COAST]
                if crashed:
                    status = _CRASHED
                    break
        # the final stage's dry mass stays with the payload at burnout
        m += st[nst - 1, _MD]
    out[_O_T] = t
    for j in range(6):
        out[_O_RX + j] = y[j]
    out[_O_M] = m
    out[_O_WT] = y[6]
    out[_O_WD] = y[7]
    out[_O_DL] = y[8]
    out[_O_GL] = y[9]
    out[_O_QMAX] = qmax
    out[_O_ST] = status
    out[_O_TQ] = tq
    return nrec


@numba.njit(cache=True, parallel=True)
def _fly_many(
    st,
    nst,
    payload,
    r0,
    h0,
    kick,
    tvert,
    tkick,
    omega,
    gmode,
    mu,
    j2,
    re,
    a_e,
    e2,
    drag,
    lr,
    lp,
    aa,
    cdm,
    cdv,
    step,
    out,
):
    n = kick.shape[0]
    rec = np.empty((0, 8))
    for i in numba.prange(n):
        _fly_one(
            st[i],
            nst[i],
            payload[i],
            r0[i],
            h0[i],
            kick[i],
            tvert[i],
            tkick[i],
            omega,
            gmode,
            mu,
            j2,
            re,
            a_e,
            e2,
            drag,
            lr,
            lp,
            aa,
            cdm,
            cdv,
            step,
            out[i],
            rec,
        )


# ----------------------------------------------------------------------------------------- vehicle data
@dataclass(frozen=True, slots=True)
class Stage:
    """One rocket stage.

    Attributes
    ----------
    propellant_mass_kg, dry_mass_kg : float
        Propellant burnt and the empty (inert) mass dropped at burnout, kg.
    burn_time_s : float
        Burn time at constant mass flow, s.
    isp_vac_s, isp_sl_s : float
        Specific impulse in vacuum and at sea level, s (``isp_sl_s <= isp_vac_s``).
    diameter_m : float
        Body diameter (drag reference area is the circle of this diameter), m.
    coast_after_s : float
        Unpowered coast after this stage's burnout before the next stage ignites, s.
    """

    propellant_mass_kg: float
    dry_mass_kg: float
    burn_time_s: float
    isp_vac_s: float
    isp_sl_s: float
    diameter_m: float
    coast_after_s: float = 0.0

    def __post_init__(self):
        require_within("propellant_mass_kg", self.propellant_mass_kg, 0.0, 1e7, lo_open=True)
        require_within("dry_mass_kg", self.dry_mass_kg, 0.0, 1e7)
        require_within("burn_time_s", self.burn_time_s, 0.0, 2000.0, lo_open=True)
        require_within("isp_vac_s", self.isp_vac_s, 0.0, 600.0, lo_open=True)
        require_within("isp_sl_s", self.isp_sl_s, 0.0, self.isp_vac_s, lo_open=True)
        require_within("diameter_m", self.diameter_m, 0.0, 20.0)
        require_within("coast_after_s", self.coast_after_s, 0.0, 3000.0)

    @property
    def row(self) -> list[float]:
        area = math.pi * (0.5 * self.diameter_m) ** 2
        return [
            self.propellant_mass_kg,
            self.dry_mass_kg,
            self.burn_time_s,
            self.isp_vac_s,
            self.isp_sl_s,
            area,
            self.coast_after_s,
        ]


#: A generic drag-coefficient curve of a slender ballistic missile against Mach number: subsonic 0.2, the
#: transonic rise to 0.45 near Mach 1.1, falling to 0.2 at Mach 5 and above. estimate: the shape of the
#: power-off C_d(M) curves of slender rockets (e.g. Fleeman, *Tactical Missile Design*, 2nd ed., AIAA 2006,
#: fig. 2.13, and the V-2 wind-tunnel curve in Sutton & Biblarz 2017, fig. 4-2); drag costs a long-range
#: missile only 1-3 % of its burnout speed, so the curve's details matter little.
STANDARD_CD_MACH = (
    (0.0, 0.20),
    (0.8, 0.22),
    (1.1, 0.45),
    (1.5, 0.40),
    (2.0, 0.34),
    (3.0, 0.27),
    (5.0, 0.20),
    (10.0, 0.20),
)


MIN_BURNOUT_MASS_KG = 1.0
"""Least mass left at final burnout (payload plus the last stage's dry mass), kg: the rocket equation
``ln(m0 / m_burnout)`` and the acceleration ``F / m`` divide by it (a zero mass crashed the compiled
integrator, found by the session-7 breaker); a kilogram is far below any real payload."""


@dataclass(frozen=True, slots=True)
class Vehicle:
    """A multi-stage rocket: stages from the bottom up, payload, and a drag curve.

    Attributes
    ----------
    stages : tuple of Stage
        First stage first (at most 4).
    payload_kg : float
        Mass above the last stage (re-entry vehicle, bus, shroud), kg.
    cd_mach : tuple of (Mach, C_d) pairs
        Drag coefficient against Mach number (increasing Mach), interpolated linearly and held beyond the
        ends. Defaults to :data:`STANDARD_CD_MACH`.
    name : str
        A label.
    """

    stages: tuple[Stage, ...]
    payload_kg: float
    cd_mach: tuple[tuple[float, float], ...] = STANDARD_CD_MACH
    name: str = ""

    def __post_init__(self):
        if not 1 <= len(self.stages) <= 4:
            raise InputError(f"stages must number 1 to 4, got {len(self.stages)}")
        # users' payloads are bounded at 1e6 kg where they enter (fly_batch, solve_kick, scenarios); a cut
        # vehicle's payload also carries its unburnt upper stages (cut_vehicle), up to 3 x 2e7 kg more
        require_within("payload_kg", self.payload_kg, 0.0, 1e8)
        burnout_mass = self.payload_kg + self.stages[-1].dry_mass_kg
        if not burnout_mass >= MIN_BURNOUT_MASS_KG:  # the rocket equation and the thrust divide by it
            raise InputError(
                f"payload_kg plus the last stage's dry_mass_kg (the mass left at burnout) must be at least "
                f"{MIN_BURNOUT_MASS_KG:g} kg, got {burnout_mass:g} kg"
            )
        machs = [float(m) for m, _ in self.cd_mach]
        if len(machs) < 1 or any(b <= a for a, b in zip(machs, machs[1:], strict=False)):
            raise InputError(f"cd_mach must list Mach numbers in increasing order, got {machs}")
        for mach, cd in self.cd_mach:
            require_within("cd_mach Mach", mach, 0.0, 50.0)
            require_within("cd_mach C_d", cd, 0.0, 5.0)

    @classmethod
    def single_stage(
        cls,
        *,
        propellant_mass_kg,
        dry_mass_kg,
        burn_time_s,
        isp_vac_s,
        isp_sl_s,
        diameter_m,
        payload_kg,
        cd_mach=STANDARD_CD_MACH,
        name="",
    ) -> Vehicle:
        """A one-stage vehicle (convenience for tests and examples)."""
        stage = Stage(propellant_mass_kg, dry_mass_kg, burn_time_s, isp_vac_s, isp_sl_s, diameter_m)
        return cls((stage,), payload_kg, cd_mach, name)

    @property
    def launch_mass_kg(self) -> float:
        """Total mass at lift-off, kg."""
        return self.payload_kg + sum(s.propellant_mass_kg + s.dry_mass_kg for s in self.stages)

    @property
    def burn_time_s(self) -> float:
        """Launch to final burnout, coasts included, s."""
        return sum(s.burn_time_s for s in self.stages) + sum(s.coast_after_s for s in self.stages[:-1])

    def ideal_delta_v_km_s(self) -> float:
        """Sum of the stages' vacuum rocket-equation speed gains, Δv = g₀ I_vac ln(m₀/m_f), km/s.

        Tsiolkovsky's rocket equation per stage (Sutton & Biblarz 2017, eq. 4-6).

        >>> v = Vehicle.single_stage(propellant_mass_kg=9.0, dry_mass_kg=0.0, burn_time_s=10.0,
        ...                          isp_vac_s=300.0, isp_sl_s=300.0, diameter_m=0.0, payload_kg=1.0)
        >>> round(v.ideal_delta_v_km_s(), 6)
        6.774194
        """
        dv = 0.0
        above = self.payload_kg
        for s in reversed(self.stages):
            m0 = above + s.propellant_mass_kg + s.dry_mass_kg
            dv += G0_KM_S2 * s.isp_vac_s * math.log(m0 / (m0 - s.propellant_mass_kg))
            above = m0
        return dv

    def with_payload(self, payload_kg: float) -> Vehicle:
        """The same vehicle with another payload mass."""
        return Vehicle(self.stages, payload_kg, self.cd_mach, self.name)


_CUT_SNAP_S = 1e-9  # a thrust termination this close to a stage's burnout is taken at it, s


def cut_vehicle(vehicle: Vehicle, t_cut_s: float) -> Vehicle:
    """The vehicle whose thrust is terminated ``t_cut_s`` seconds after launch.

    The stage burning at ``t_cut_s`` burns only the fraction of its propellant of the elapsed fraction of
    its burn time (constant mass flow) and keeps the rest as dead mass; stages above it are carried as
    payload. A cut during an inter-stage coast ends the flight at the previous burnout. A cut at or after
    the last burnout returns the vehicle unchanged.

    Parameters
    ----------
    vehicle : shieldcheck.boost.Vehicle
    t_cut_s : float
        Time of thrust termination after launch, s, > 0.

    Returns
    -------
    Vehicle

    Raises
    ------
    InputError
        ``t_cut_s`` not > 0.

    >>> v = Vehicle.single_stage(propellant_mass_kg=1000.0, dry_mass_kg=100.0, burn_time_s=50.0,
    ...                          isp_vac_s=280.0, isp_sl_s=250.0, diameter_m=1.0, payload_kg=10.0)
    >>> c = cut_vehicle(v, 20.0).stages[0]
    >>> c.propellant_mass_kg, c.dry_mass_kg, c.burn_time_s
    (400.0, 700.0, 20.0)
    """
    if not (t_cut_s > 0.0):
        raise InputError(f"t_cut_s must be > 0 s, got {t_cut_s!r}")
    stages: list[Stage] = []
    t = 0.0
    n = len(vehicle.stages)
    for k, s in enumerate(vehicle.stages):
        if k and t_cut_s <= t + _CUT_SNAP_S:
            break
        if t_cut_s < t + s.burn_time_s - _CUT_SNAP_S:
            f = (t_cut_s - t) / s.burn_time_s
            stages.append(
                Stage(s.propellant_mass_kg * f, s.dry_mass_kg + s.propellant_mass_kg * (1.0 - f),
                      s.burn_time_s * f, s.isp_vac_s, s.isp_sl_s, s.diameter_m, 0.0)
            )
            break
        stages.append(s)
        t += s.burn_time_s
        if k < n - 1 and t_cut_s < t + s.coast_after_s - _CUT_SNAP_S:
            stages[-1] = Stage(s.propellant_mass_kg, s.dry_mass_kg, s.burn_time_s, s.isp_vac_s, s.isp_sl_s,
                               s.diameter_m, 0.0)
            break
        t += s.coast_after_s
    if len(stages) == n and stages[-1] is vehicle.stages[-1]:
        return vehicle
    above = sum(s.propellant_mass_kg + s.dry_mass_kg for s in vehicle.stages[len(stages):])
    return Vehicle(tuple(stages), vehicle.payload_kg + above, vehicle.cd_mach, vehicle.name)


@dataclass(frozen=True, slots=True)
class PitchProgram:
    """Vertical rise, then a pitch-over kick held for a while, then a gravity turn.

    Attributes
    ----------
    vertical_rise_s : float
        Time of vertical flight after lift-off, s. Default 10 s.
    kick_duration_s : float
        Time the thrust is held at the kick angle from the vertical, s. Default 10 s.

    Both defaults are estimates typical of ballistic missiles (vertical rise of 5-15 s for clearance of
    the launcher and the dense air; e.g. Zarchan, *Tactical and Strategic Missile Guidance*, 6th ed., 2012,
    ch. 18); the kick angle, the program's free parameter, is solved for by :func:`solve_kick`.
    """

    vertical_rise_s: float = 10.0
    kick_duration_s: float = 10.0

    def __post_init__(self):
        require_within("vertical_rise_s", self.vertical_rise_s, 0.0, 120.0)
        require_within("kick_duration_s", self.kick_duration_s, 0.0, 120.0)


# ---------------------------------------------------------------------------------------------- results
@dataclass(frozen=True, slots=True)
class BoostResult:
    """State at final burnout of one powered flight.

    Attributes
    ----------
    status : str
        ``"ok"``, ``"crashed"`` (the vehicle hit the ground before burnout: the kick was too large) or
        ``"no-liftoff"`` (sea-level thrust below the launch weight).
    reason : str
        Plain-words explanation for a status other than ``"ok"``.
    kick_deg : float
        Pitch-over kick angle from the vertical, deg.
    burnout_time_s : float
        Launch to final burnout, s.
    burnout_altitude_km, burnout_latitude_deg, burnout_longitude_deg : float
        Geodetic position at burnout.
    burnout_range_km : float
        Ground distance from the launch point to the point under burnout, km.
    burnout_speed_km_s : float
        Speed relative to the rotating Earth, km/s.
    burnout_inertial_speed_km_s : float
        Speed in the inertial frame, km/s.
    flight_path_angle_deg : float
        Angle of the Earth-relative velocity above the local horizontal, deg.
    burnout_mass_kg : float
        Payload plus the last stage's dry mass, kg.
    drag_loss_km_s, gravity_loss_km_s : float
        ∫ D/m dt and ∫ g·sin γ dt over the flight (the standard speed losses), km/s.
    thrust_work_km2_s2, drag_work_km2_s2 : float
        ∫ a_T·v dt and ∫ a_D·v dt (inertial frame), km²/s²: with the potential change they balance the
        kinetic energy change.
    max_dynamic_pressure_kpa : float
        Largest ½ρv² met, kPa.
    r_eci_km, v_eci_km_s : ndarray (3,)
        Inertial burnout state (ECI = ECEF at launch).
    r_ecef_km, v_rel_km_s : ndarray (3,)
        Earth-fixed burnout position and velocity relative to the rotating Earth.
    """

    status: str
    reason: str
    kick_deg: float
    burnout_time_s: float
    burnout_altitude_km: float
    burnout_latitude_deg: float
    burnout_longitude_deg: float
    burnout_range_km: float
    burnout_speed_km_s: float
    burnout_inertial_speed_km_s: float
    flight_path_angle_deg: float
    burnout_mass_kg: float
    drag_loss_km_s: float
    gravity_loss_km_s: float
    thrust_work_km2_s2: float
    drag_work_km2_s2: float
    max_dynamic_pressure_kpa: float
    r_eci_km: np.ndarray = field(repr=False)
    v_eci_km_s: np.ndarray = field(repr=False)
    r_ecef_km: np.ndarray = field(repr=False)
    v_rel_km_s: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class BoostBatch:
    """Burnout states of a batch of flights: every field of :class:`BoostResult` as an array of shape
    ``(N,)`` (vectors ``(N, 3)``); ``status`` is an array of strings.
    """

    status: np.ndarray
    kick_deg: np.ndarray
    burnout_time_s: np.ndarray
    burnout_altitude_km: np.ndarray
    burnout_latitude_deg: np.ndarray
    burnout_longitude_deg: np.ndarray
    burnout_range_km: np.ndarray
    burnout_speed_km_s: np.ndarray
    burnout_inertial_speed_km_s: np.ndarray
    flight_path_angle_deg: np.ndarray
    burnout_mass_kg: np.ndarray
    drag_loss_km_s: np.ndarray
    gravity_loss_km_s: np.ndarray
    thrust_work_km2_s2: np.ndarray
    drag_work_km2_s2: np.ndarray
    max_dynamic_pressure_kpa: np.ndarray
    r_eci_km: np.ndarray
    v_eci_km_s: np.ndarray
    r_ecef_km: np.ndarray
    v_rel_km_s: np.ndarray
    launch_latitude_deg: np.ndarray
    launch_longitude_deg: np.ndarray
    azimuth_deg: np.ndarray

    def __len__(self) -> int:
        return self.status.shape[0]

    def __getitem__(self, i: int) -> BoostResult:
        st = str(self.status[i])
        kw = {f: self.__dict__[f][i] for f in BoostResult.__slots__ if f not in ("status", "reason")}
        kw = {k: (float(v) if np.ndim(v) == 0 else np.array(v)) for k, v in kw.items()}
        return BoostResult(status=st, reason=_reason(st), **kw)


def _reason(status: str) -> str:
    return {
        "ok": "",
        "crashed": "the missile hits the ground before burnout: the pitch-over kick is too large",
        "no-liftoff": (
            "the first stage's sea-level thrust is below the launch weight: the missile cannot lift off"
        ),
    }[status]


# -------------------------------------------------------------------------------------------- API
_MAX_BATCH = 5_000_000
_GRAVITY_HINT = f"one of {', '.join(GRAVITY_MODELS)}"


# the one array rule (bools, text and NaN refused): errors.require_array_within
_numbers = require_array_within


def _flag(name: str, value) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise InputError(f"{name} must be True or False, got {value!r:.80}")
    return bool(value)


def _check_vehicles(vehicles) -> list[Vehicle]:
    if isinstance(vehicles, Vehicle):
        return [vehicles]
    vs = list(vehicles) if isinstance(vehicles, (list, tuple, np.ndarray)) else [vehicles]
    for v in vs:
        if not isinstance(v, Vehicle):
            raise InputError(f"vehicle must be a shieldcheck.boost.Vehicle, got {type(v).__name__}")
    if not vs:
        raise InputError("vehicle must name at least one Vehicle, got none")
    return vs


def fly_batch(
    vehicle,
    latitude_deg,
    longitude_deg,
    azimuth_deg,
    kick_deg,
    *,
    payload_kg=None,
    pitch: PitchProgram = PitchProgram(),  # noqa: B008 (frozen, immutable)
    earth: str = "wgs84",
    rotation: bool = True,
    gravity: str = "central",
    drag: bool = True,
    step_s: float = 0.5,
) -> BoostBatch:
    """Fly a batch of staged boosts to final burnout (compiled, parallel over the batch).

    Parameters
    ----------
    vehicle : Vehicle or sequence of Vehicle
        One vehicle for the whole batch, or one per flight (broadcast with the other arrays).
    latitude_deg, longitude_deg : float or array_like
        Geodetic launch point, deg (at the surface).
    azimuth_deg : float or array_like
        Launch azimuth, deg clockwise from north.
    kick_deg : float or array_like
        Pitch-over kick angle from the vertical, deg, in [0, 89].
    payload_kg : float or array_like, optional
        Overrides the vehicle's payload mass, kg.
    pitch : PitchProgram
        Vertical-rise and kick durations.
    earth : {"wgs84", "sphere"}
        Surface shape (gravity is central for both unless ``gravity="j2"``).
    rotation : bool
        Earth rotation (Earth-relative launch at rest, co-rotating air).
    gravity : {"central", "j2", "constant", "none"}
        Gravity model (``"constant"``: g₀ toward the centre; for tests).
    drag : bool
        Include aerodynamic drag.
    step_s : float
        Scale of the Runge-Kutta step, s, in (0, 10]: the step is 0.75 ``step_s`` in the densest air,
        growing as the air thins, limited by the gravity-turn and mass-flow time scales, and ending on
        phase boundaries and the atmosphere's kinks (module notes). The default 0.5 s keeps the burnout
        state within 1 m and 1 mm/s of a DOP853 integration at 1e-12 tolerance for every booster of the
        catalog at its own payload and kicks from 0.02 to 60 deg (``tests/test_boost.py``; worst 0.06 m
        and 0.66 mm/s).

    Returns
    -------
    BoostBatch
        Arrays of shape ``(N,)`` where N is the broadcast size of the inputs.

    Raises
    ------
    InputError
        An input out of range (named, with the rule and the value), or a batch above 5,000,000 flights.

    >>> v = Vehicle.single_stage(propellant_mass_kg=10000.0, dry_mass_kg=1000.0, burn_time_s=60.0,
    ...                          isp_vac_s=280.0, isp_sl_s=250.0, diameter_m=1.0, payload_kg=500.0)
    >>> b = fly_batch(v, 40.0, 125.0, 90.0, [2.0, 5.0, 10.0])
    >>> bool(np.all(np.diff(b.flight_path_angle_deg) < 0))
    True
    """
    earth = check_earth(earth)
    if gravity not in _GRAV_CODE:
        raise InputError(f"gravity must be {_GRAVITY_HINT}, got {gravity!r}")
    require_within("step_s", step_s, 0.0, 10.0, lo_open=True)
    vs = _check_vehicles(vehicle)
    rotation, drag = _flag("rotation", rotation), _flag("drag", drag)
    if not isinstance(pitch, PitchProgram):
        raise InputError(f"pitch must be a shieldcheck.boost.PitchProgram, got {pitch!r:.80}")
    arrays = {
        name: _numbers(name, val, lo, hi)
        for name, val, lo, hi in (
            ("latitude_deg", latitude_deg, -90.0, 90.0),
            ("longitude_deg", longitude_deg, -360.0, 360.0),
            ("azimuth_deg", azimuth_deg, -360.0, 360.0),
            ("kick_deg", kick_deg, 0.0, 89.0),
        )
    }
    vid = np.arange(len(vs))
    if payload_kg is None:
        pl = np.asarray([v.payload_kg for v in vs], dtype=float)
    else:
        pl = _numbers("payload_kg", payload_kg, 0.0, 1e6)
    try:
        lat, lon, az, kick, vid_b, pl_b = np.broadcast_arrays(
            arrays["latitude_deg"],
            arrays["longitude_deg"],
            arrays["azimuth_deg"],
            arrays["kick_deg"],
            vid if len(vs) > 1 else vid[0],
            pl if (payload_kg is not None or len(vs) > 1) else pl[0],
        )
    except ValueError:
        raise InputError(
            "latitude_deg, longitude_deg, azimuth_deg, kick_deg, vehicle and payload_kg must "
            "broadcast to one shape"
        ) from None
    lat, lon, az, kick = (np.array(np.ravel(x), dtype=float) for x in (lat, lon, az, kick))
    vid_b, pl_b = np.array(np.ravel(vid_b), dtype=np.int64), np.array(np.ravel(pl_b), dtype=float)
    n = lat.size
    if n > _MAX_BATCH:
        raise InputError(f"batch size must be at most {_MAX_BATCH}, got {n}")
    nmax = max(len(v.stages) for v in vs)
    tab = np.zeros((len(vs), nmax, 7))
    nst_v = np.zeros(len(vs), dtype=np.int64)
    for i, v in enumerate(vs):
        for k, s in enumerate(v.stages):
            tab[i, k] = s.row
        nst_v[i] = len(v.stages)
    st = tab[vid_b]
    nst = nst_v[vid_b]
    # one drag curve per batch (the first vehicle's); vehicles with other curves go in separate batches
    cdm, cdv = _cd_table(vs[0].cd_mach)
    for v in vs[1:]:
        if tuple(v.cd_mach) != tuple(vs[0].cd_mach):
            raise InputError("vehicle drag curves (cd_mach) must be the same within one batch")
    a_e, e2 = ellipsoid(earth)
    r0 = np.ascontiguousarray(geodetic_to_ecef(lat, lon, 0.0, earth).reshape(-1, 3))
    east, north, _ = enu_basis(lat, lon, earth)
    azr = np.radians(az)[:, None]
    h0 = np.ascontiguousarray((np.sin(azr) * east + np.cos(azr) * north).reshape(-1, 3))
    omega = OMEGA_RAD_S if rotation else 0.0
    lr, lp, aa = _atmosphere_table()
    out = np.empty((n, _NOUT))
    _fly_many(
        st,
        nst,
        pl_b,
        r0,
        h0,
        np.radians(kick),
        np.full(n, pitch.vertical_rise_s),
        np.full(n, pitch.kick_duration_s),
        omega,
        _GRAV_CODE[gravity],
        MU_KM3_S2,
        J2_WGS84,
        a_e,
        a_e,
        e2,
        bool(drag),
        lr,
        lp,
        aa,
        cdm,
        cdv,
        float(step_s),
        out,
    )
    return _to_batch(out, lat, lon, az, kick, omega, earth)


def _to_batch(out, lat, lon, az, kick, omega, earth) -> BoostBatch:
    t = out[:, _O_T]
    r = out[:, _O_RX : _O_RX + 3]
    v = out[:, _O_VX : _O_VX + 3]
    c, s = np.cos(omega * t), np.sin(omega * t)
    # ECI -> ECEF: rotate by -omega t about z
    r_ecef = np.stack([c * r[:, 0] + s * r[:, 1], -s * r[:, 0] + c * r[:, 1], r[:, 2]], axis=-1)
    v_rel_eci = v - np.stack([-omega * r[:, 1], omega * r[:, 0], np.zeros_like(t)], axis=-1)
    v_rel = np.stack(
        [
            c * v_rel_eci[:, 0] + s * v_rel_eci[:, 1],
            -s * v_rel_eci[:, 0] + c * v_rel_eci[:, 1],
            v_rel_eci[:, 2],
        ],
        axis=-1,
    )
    blat, blon, balt = (np.atleast_1d(x) for x in ecef_to_geodetic(r_ecef, earth))
    _, _, up = enu_basis(blat, blon, earth)
    speed = np.linalg.norm(v_rel, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        sin_g = np.where(speed > 0, np.sum(v_rel * up, axis=-1) / np.where(speed > 0, speed, 1.0), 1.0)
    fpa = np.degrees(np.arcsin(np.clip(sin_g, -1.0, 1.0)))
    rng = np.atleast_1d(geodesic_inverse(lat, lon, blat, blon, earth)[0])
    status = np.array([_STATUS[int(k)] for k in out[:, _O_ST]])
    return BoostBatch(
        status=status,
        kick_deg=kick,
        burnout_time_s=t,
        burnout_altitude_km=balt,
        burnout_latitude_deg=blat,
        burnout_longitude_deg=blon,
        burnout_range_km=rng,
        burnout_speed_km_s=speed,
        burnout_inertial_speed_km_s=np.linalg.norm(v, axis=-1),
        flight_path_angle_deg=fpa,
        burnout_mass_kg=out[:, _O_M],
        drag_loss_km_s=out[:, _O_DL],
        gravity_loss_km_s=out[:, _O_GL],
        thrust_work_km2_s2=out[:, _O_WT],
        drag_work_km2_s2=out[:, _O_WD],
        max_dynamic_pressure_kpa=out[:, _O_QMAX] * 1e-3,
        r_eci_km=r,
        v_eci_km_s=v,
        r_ecef_km=r_ecef,
        v_rel_km_s=v_rel,
        launch_latitude_deg=lat,
        launch_longitude_deg=lon,
        azimuth_deg=az,
    )


def fly(
    vehicle: Vehicle, latitude_deg: float, longitude_deg: float, azimuth_deg: float, kick_deg: float, **kwargs
) -> BoostResult:
    """Fly one staged boost to final burnout; see :func:`fly_batch` for the parameters.

    >>> v = Vehicle.single_stage(propellant_mass_kg=10000.0, dry_mass_kg=1000.0, burn_time_s=60.0,
    ...                          isp_vac_s=280.0, isp_sl_s=250.0, diameter_m=1.0, payload_kg=500.0)
    >>> fly(v, 0.0, 0.0, 90.0, 3.0).burnout_time_s
    60.0
    """
    for name, val in (
        ("latitude_deg", latitude_deg),
        ("longitude_deg", longitude_deg),
        ("azimuth_deg", azimuth_deg),
        ("kick_deg", kick_deg),
    ):
        if np.ndim(val) != 0:
            raise InputError(f"{name} must be a single number for fly(); use fly_batch for arrays")
    return fly_batch(vehicle, latitude_deg, longitude_deg, azimuth_deg, kick_deg, **kwargs)[0]


def _state_rhs_for_tests():
    """The compiled right-hand side, for the scipy reference integration in the tests (not public)."""
    return _rhs, _atmosphere_table


# ------------------------------------------------------------------------------------ free flight (conic)
@numba.njit(cache=True)
def _impact_one(r, v, t0, mu, omega, a_e, e2, out):
    """Conic free flight from an inertial burnout state to the ellipsoid surface (no drag on re-entry).

    out: [status, t_impact, x_ecef, y_ecef, z_ecef, apogee_altitude_km]; status 0 ok, 1 orbit (does not
    come down), 2 escape.
    """
    rx, ry, rz = r[0], r[1], r[2]
    vx, vy, vz = v[0], v[1], v[2]
    rn = math.sqrt(rx * rx + ry * ry + rz * rz)
    hx, hy, hz = ry * vz - rz * vy, rz * vx - rx * vz, rx * vy - ry * vx
    hn = math.sqrt(hx * hx + hy * hy + hz * hz)
    if hn <= 1e-12 * rn * math.sqrt(vx * vx + vy * vy + vz * vz):
        # a purely radial (vertical) flight has no orbital plane (h = 0, a division by zero below): add
        # 1 mm/s across the radius, which leaves a near-radial conic that comes down under the burnout
        ux, uy, uz = (-ry, rx, 0.0) if abs(rz) < 0.9 * rn else (rz, 0.0, -rx)
        un = math.sqrt(ux * ux + uy * uy + uz * uz)
        vx, vy, vz = vx + 1e-6 * ux / un, vy + 1e-6 * uy / un, vz + 1e-6 * uz / un
        hx, hy, hz = ry * vz - rz * vy, rz * vx - rx * vz, rx * vy - ry * vx
        hn = math.sqrt(hx * hx + hy * hy + hz * hz)
    v2 = vx * vx + vy * vy + vz * vz
    rv = rx * vx + ry * vy + rz * vz
    # eccentricity vector
    c1 = v2 - mu / rn
    ex, ey, ez = (c1 * rx - rv * vx) / mu, (c1 * ry - rv * vy) / mu, (c1 * rz - rv * vz) / mu
    e = math.sqrt(ex * ex + ey * ey + ez * ez)
    energy = 0.5 * v2 - mu / rn
    out[0] = 0.0
    if energy >= 0.0 or e >= 1.0:
        out[0] = 2.0
        return
    a = -mu / (2.0 * energy)
    p = hn * hn / mu
    if e < 1e-12:
        out[0] = 1.0
        return
    px, py, pz = ex / e, ey / e, ez / e
    qx, qy, qz = (hy * pz - hz * py) / hn, (hz * px - hx * pz) / hn, (hx * py - hy * px) / hn
    nu0 = math.atan2((rx * qx + ry * qy + rz * qz), (rx * px + ry * py + rz * pz))
    if nu0 < 0.0:
        nu0 += 2.0 * math.pi
    out[5] = -1.0
    # apogee altitude: highest point still ahead (or the burnout altitude when already descending)
    if nu0 < math.pi:
        ra = a * (1.0 + e)
        _, out[5] = geodetic_kernel(-ra * px, -ra * py, -ra * pz, a_e, e2)
    else:
        _, out[5] = geodetic_kernel(rx, ry, rz, a_e, e2)
    rimp = a_e
    sq = math.sqrt((1.0 - e) / (1.0 + e))
    n_mean = math.sqrt(mu / (a * a * a))
    e0 = 2.0 * math.atan(sq * math.tan(0.5 * nu0))
    m0 = e0 - e * math.sin(e0)
    if m0 < 0.0:
        m0 += 2.0 * math.pi
    ix = iy = iz = 0.0
    tof = 0.0
    for _ in range(4):
        cnu = (p / rimp - 1.0) / e
        if cnu > 1.0:
            out[0] = 1.0  # perigee above the surface: it does not come down
            return
        if cnu < -1.0:
            cnu = -1.0
        nui = 2.0 * math.pi - math.acos(cnu)
        ix = rimp * (math.cos(nui) * px + math.sin(nui) * qx)
        iy = rimp * (math.cos(nui) * py + math.sin(nui) * qy)
        iz = rimp * (math.cos(nui) * pz + math.sin(nui) * qz)
        # geocentric radius of the ellipsoid under the impact point
        s2 = iz * iz / (ix * ix + iy * iy + iz * iz)
        rimp = a_e * math.sqrt((1.0 - e2) / (1.0 - e2 * (1.0 - s2)))
        ei = 2.0 * math.atan(sq * math.tan(0.5 * nui))
        mi = ei - e * math.sin(ei)
        if mi < 0.0:
            mi += 2.0 * math.pi
        dm = mi - m0
        if dm < 0.0:
            dm += 2.0 * math.pi
        tof = dm / n_mean
    ti = t0 + tof
    c, s = math.cos(omega * ti), math.sin(omega * ti)
    out[1] = ti
    out[2], out[3], out[4] = c * ix + s * iy, -s * ix + c * iy, iz


@numba.njit(cache=True, parallel=True)
def _impact_many(r, v, t0, mu, omega, a_e, e2, out):
    for i in numba.prange(r.shape[0]):
        _impact_one(r[i], v[i], t0[i], mu, omega, a_e, e2, out[i])


def free_flight(batch: BoostBatch, *, earth: str = "wgs84", rotation: bool = True) -> dict[str, np.ndarray]:
    """Ballistic (conic, drag-free) flight from each burnout to the surface.

    Returns a dict of arrays: ``range_km`` (ground distance launch point to impact, geodesic),
    ``flight_time_s`` (launch to impact), ``apogee_altitude_km``, ``impact_latitude_deg``,
    ``impact_longitude_deg`` and ``status`` (``"ok"``, ``"orbital"`` or ``"escape"``; a boost that did not
    reach burnout has status ``"crashed"`` or ``"no-liftoff"`` and NaN figures). Keplerian two-body motion
    (Bate, Mueller & White 1971, ch. 4 and 6); the impact radius is iterated to the ellipsoid.
    """
    earth = check_earth(earth)
    if not isinstance(batch, BoostBatch):
        raise InputError(f"batch must be a shieldcheck.boost.BoostBatch (from fly_batch), got {batch!r:.80}")
    a_e, e2 = ellipsoid(earth)
    omega = OMEGA_RAD_S if _flag("rotation", rotation) else 0.0
    out = np.zeros((len(batch), 6))
    _impact_many(
        np.ascontiguousarray(batch.r_eci_km),
        np.ascontiguousarray(batch.v_eci_km_s),
        np.ascontiguousarray(batch.burnout_time_s),
        MU_KM3_S2,
        omega,
        a_e,
        e2,
        out,
    )
    code = out[:, 0].astype(int)
    st = np.where(code == 0, "ok", np.where(code == 1, "orbital", "escape")).astype(object)
    boosted = batch.status == "ok"
    st[~boosted] = batch.status[~boosted]
    ok = (code == 0) & boosted
    # rows without an impact (orbital, escape, crashed) get a stand-in point; their figures are NaN below
    pts = np.where((code == 0)[:, None], out[:, 2:5], np.array([a_e, 0.0, 0.0]))
    lat, lon, _ = (np.atleast_1d(x) for x in ecef_to_geodetic(pts, earth))
    rng = np.atleast_1d(
        geodesic_inverse(batch.launch_latitude_deg, batch.launch_longitude_deg, lat, lon, earth)[0]
    )
    nan = np.full(len(batch), np.nan)
    return {
        "status": st.astype(str),
        "range_km": np.where(ok, rng, nan),
        "flight_time_s": np.where(ok, out[:, 1], nan),
        "apogee_altitude_km": np.where(boosted & (code != 2), out[:, 5], nan),
        "impact_latitude_deg": np.where(ok, lat, nan),
        "impact_longitude_deg": np.where(ok, lon, nan),
    }


# ------------------------------------------------------------------------------------------ kick solving
_KICK_LO, _KICK_HI = 1e-4, 60.0


def solve_kick(
    vehicle,
    latitude_deg,
    longitude_deg,
    azimuth_deg,
    goal: str = "max-range",
    *,
    flight_path_angle_deg=None,
    range_km=None,
    iterations: int = 40,
    **kwargs,
) -> dict[str, np.ndarray]:
    """Solve the pitch-over kick angle for a goal, over a batch of launches.

    Parameters
    ----------
    vehicle, latitude_deg, longitude_deg, azimuth_deg :
        As for :func:`fly_batch` (broadcast together).
    goal : {"flight-path-angle", "range", "max-range"}
        ``"flight-path-angle"``: the burnout flight-path angle (Earth-relative) equals
        ``flight_path_angle_deg``; ``"range"``: the ground range at impact (boost + conic coast) equals
        ``range_km`` on the lofted side (the smaller kick); ``"max-range"``: the kick that maximises range.
    flight_path_angle_deg, range_km : float or array_like
        The goal's value, broadcast with the launches.
    iterations : int
        Most search steps, in [5, 80]: bisections (flight-path angle; 40 pin the kick to 1e-10 deg),
        golden-section steps (maximum range; they stop once the kick is pinned to 1e-6 of itself, about
        29 steps) and Illinois regula-falsi steps (a range; they stop within 0.1 mm of it, in about 10).
    **kwargs :
        Passed to :func:`fly_batch` (``payload_kg``, ``pitch``, ``earth``, ``rotation``, ``gravity``,
        ``drag``, ``step_s``).

    Returns
    -------
    dict of ndarray
        ``status`` (``"ok"``, ``"unreachable"`` with ``max_range_km`` set, or ``"no-solution"`` when the
        flight-path angle is outside what the program can give), ``kick_deg``, ``range_km``,
        ``max_range_km`` (for range goals), ``flight_time_s``, ``apogee_altitude_km``, and the burnout
        figures of the solution (``burnout_*``, ``flight_path_angle_deg``).

    Raises
    ------
    InputError
        An unknown goal, a missing goal value, or inputs out of range.

    The kick is searched in [1e-4, 60] deg (bisections on its logarithm; slow, low-thrust liquid
    missiles fly lofted tests with kicks of hundredths of a degree). The burnout flight-path angle falls
    as the kick grows, so a bisection finds it; range against kick rises to one maximum and then falls
    (lofted, then depressed trajectories), so a golden-section search finds the maximum and the Illinois
    variant of regula falsi on log(kick) (M. Dowell & P. Jarratt, BIT 11, 168-174, 1971) finds a given
    range on the lofted side, where range rises with the kick.

    >>> v = Vehicle.single_stage(propellant_mass_kg=10000.0, dry_mass_kg=1000.0, burn_time_s=60.0,
    ...                          isp_vac_s=280.0, isp_sl_s=250.0, diameter_m=1.0, payload_kg=500.0)
    >>> s = solve_kick(v, 0.0, 0.0, 90.0, "flight-path-angle", flight_path_angle_deg=40.0)
    >>> round(float(s["flight_path_angle_deg"][0]), 6)
    40.0
    """
    if goal not in GOALS:
        raise InputError(f"goal must be one of {', '.join(GOALS)}, got {goal!r}")
    iterations = int(require_within("iterations", iterations, 5, 80))
    earth = kwargs.get("earth", "wgs84")
    rotation = kwargs.get("rotation", True)
    lat, lon, az = (
        _numbers(name, x, -lim, lim)
        for name, x, lim in (
            ("latitude_deg", latitude_deg, 90.0),
            ("longitude_deg", longitude_deg, 360.0),
            ("azimuth_deg", azimuth_deg, 360.0),
        )
    )
    if goal == "flight-path-angle":
        if flight_path_angle_deg is None:
            raise InputError("flight_path_angle_deg is required for goal 'flight-path-angle'")
        gval = _numbers("flight_path_angle_deg", flight_path_angle_deg, -90.0, 90.0)
    elif goal == "range":
        if range_km is None:
            raise InputError("range_km is required for goal 'range'")
        gval = _numbers("range_km", range_km, 0.0, 20000.0, lo_open=True)
    else:
        gval = np.asarray(0.0)
    payload = kwargs.pop("payload_kg", None)
    pl = np.asarray(np.nan) if payload is None else _numbers("payload_kg", payload, 0.0, 1e6)
    try:
        lat, lon, az, gval, pl = (np.array(np.ravel(x)) for x in np.broadcast_arrays(lat, lon, az, gval, pl))
    except ValueError:
        raise InputError(
            "latitude_deg, longitude_deg, azimuth_deg, the goal value and payload_kg must "
            "broadcast to one shape"
        ) from None
    if payload is not None:
        kwargs["payload_kg"] = pl
    n = lat.size
    per_row = isinstance(vehicle, (list, tuple, np.ndarray)) and len(vehicle) == n and n > 1

    def run(kick, rows=None):
        # rows: the rows still searching (each row's search stops on its own test, so a route gives the
        # same kick alone or in any batch)
        if rows is None:
            b = fly_batch(vehicle, lat, lon, az, kick, **kwargs)
        else:
            kw = {k: (v[rows] if k == "payload_kg" else v) for k, v in kwargs.items()}
            veh = [vehicle[i] for i in rows] if per_row else vehicle
            b = fly_batch(veh, lat[rows], lon[rows], az[rows], kick, **kw)
        return b, free_flight(b, earth=earth, rotation=rotation)

    def rng(kick, rows=None):
        # a flight that crashes (kick too large) scores below every real range, and lower for larger
        # kicks, so that the searches move toward smaller kicks
        b, ff = run(kick, rows)
        return np.where(np.isnan(ff["range_km"]), -1.0 - kick, ff["range_km"])

    lo = np.full(n, _KICK_LO)
    hi = np.full(n, _KICK_HI)
    status = np.full(n, "ok", dtype=object)
    max_range = np.full(n, np.nan)
    if goal == "flight-path-angle":
        b_lo, _ = run(lo)
        b_hi, _ = run(hi)
        f_lo = np.where(b_lo.status == "ok", b_lo.flight_path_angle_deg, -90.0)
        f_hi = np.where(b_hi.status == "ok", b_hi.flight_path_angle_deg, -90.0)
        bad = (f_lo < gval) | (f_hi > gval)
        for _ in range(iterations):
            mid = np.sqrt(lo * hi)  # bisection on log(kick): kicks span 1e-4 to 60 deg
            b, _ = run(mid)
            f = np.where(b.status == "ok", b.flight_path_angle_deg, -90.0)
            up = f > gval
            lo = np.where(up, mid, lo)
            hi = np.where(up, hi, mid)
        status[bad] = "no-solution"
    else:
        # golden-section search for the range-maximising kick
        g = (math.sqrt(5.0) - 1.0) / 2.0
        a, bnd = lo.copy(), hi.copy()
        c = bnd - g * (bnd - a)
        d = a + g * (bnd - a)
        fc = rng(c)
        fd = rng(d)
        on = np.arange(n)  # rows still searching
        for _ in range(iterations):
            left = fc[on] > fd[on]
            a_, b_, c_, d_ = a[on], bnd[on], c[on], d[on]
            b_ = np.where(left, d_, b_)
            a_ = np.where(left, a_, c_)
            c_new = np.where(left, b_ - g * (b_ - a_), d_)
            d_new = np.where(left, c_, a_ + g * (b_ - a_))
            a[on], bnd[on], c[on], d[on] = a_, b_, c_new, d_new
            # one new evaluation per row: the point that moved
            x = np.where(left, c_new, d_new)
            fx = rng(x, on)
            fc[on], fd[on] = np.where(left, fx, fd[on]), np.where(left, fc[on], fx)
            # a bracket within 1e-6 of its kick is done: range is flat there (second order)
            on = on[~(b_ - a_ < 1e-6 * b_)]
            if on.size == 0:
                break
        kbest = 0.5 * (a + bnd)
        max_range = np.maximum(rng(kbest), 0.0)
        lo, hi = np.full(n, _KICK_LO), kbest
        if goal == "range":
            r_lo = rng(lo)
            unreachable = max_range < gval
            too_short = r_lo > gval
            # Illinois (modified regula falsi) on log(kick) between the smallest kick and the
            # range-maximising one, where range rises with the kick (Dowell & Jarratt 1971)
            ua, ub = np.log(lo), np.log(hi)
            fa, fb = r_lo - gval, max_range - gval
            last = np.zeros(n)
            best_u, best_f = ub.copy(), np.abs(fb)  # the evaluated kick closest to the range (unhalved)
            on = np.arange(n)  # rows still searching
            for _ in range(iterations):
                ua_, ub_, fa_, fb_, last_ = ua[on], ub[on], fa[on], fb[on], last[on]
                width = ub_ - ua_
                d = fb_ - fa_
                um = ub_ - fb_ * width / np.where(d != 0.0, d, 1.0)
                outside = (um <= np.minimum(ua_, ub_)) | (um >= np.maximum(ua_, ub_))
                bad = (d == 0.0) | ~np.isfinite(um) | outside
                um = np.where(bad, 0.5 * (ua_ + ub_), um)
                fm = rng(np.exp(um), on) - gval[on]
                closer = np.abs(fm) < best_f[on]
                best_u[on] = np.where(closer, um, best_u[on])
                best_f[on] = np.where(closer, np.abs(fm), best_f[on])
                # the new point replaces the end of the same sign; an end kept twice has its value halved
                low = fm < 0.0
                fb_ = np.where(low & (last_ == -1.0), 0.5 * fb_, fb_)
                fa_ = np.where(~low & (last_ == 1.0), 0.5 * fa_, fa_)
                ua_, fa_ = np.where(low, um, ua_), np.where(low, fm, fa_)
                ub_, fb_ = np.where(low, ub_, um), np.where(low, fb_, fm)
                ua[on], ub[on], fa[on], fb[on] = ua_, ub_, fa_, fb_
                last[on] = np.where(low, -1.0, 1.0)
                # a row within 0.1 mm of its range, or with its bracket closed, is done
                done = (np.abs(fm) < 1e-7) | (np.abs(ub_ - ua_) < 1e-13) | unreachable[on] | too_short[on]
                on = on[~done]
                if on.size == 0:
                    break
            lo = hi = np.exp(best_u)
            status[unreachable] = "unreachable"
            status[too_short & ~unreachable] = "no-solution"
            lo = np.where(unreachable, kbest, lo)
            hi = np.where(unreachable, kbest, hi)
        else:
            lo = hi = kbest
    kick = 0.5 * (lo + hi)
    b, ff = run(kick)
    status[(b.status != "ok") & (status == "ok")] = b.status[(b.status != "ok") & (status == "ok")]
    return {
        "status": status.astype(str),
        "kick_deg": kick,
        "range_km": ff["range_km"],
        "max_range_km": max_range,
        "flight_time_s": ff["flight_time_s"],
        "apogee_altitude_km": ff["apogee_altitude_km"],
        "burnout_time_s": b.burnout_time_s,
        "burnout_altitude_km": b.burnout_altitude_km,
        "burnout_range_km": b.burnout_range_km,
        "burnout_speed_km_s": b.burnout_speed_km_s,
        "flight_path_angle_deg": b.flight_path_angle_deg,
        "impact_latitude_deg": ff["impact_latitude_deg"],
        "impact_longitude_deg": ff["impact_longitude_deg"],
    }


# ------------------------------------------------------------------- states of boosts cut short (samples)
@numba.njit(cache=True, inline="always")
def _from_record(rec, nrec, t, r0, omega, y):
    """Put into ``y`` the recorded state of the last step at or before ``t`` (the launch state ``r0`` at
    rest on the Earth if none; work and loss terms zeroed) and return its time: where a flight cut short
    at ``t`` is restarted (`_states_rows`, `shieldcheck.staged`)."""
    j = np.searchsorted(rec[:nrec, 0], t + 1e-12) - 1
    if j >= 0:
        t0 = rec[j, 0]
        for c in range(6):
            y[c] = rec[j, 1 + c]
    else:
        t0 = 0.0
        y[0], y[1], y[2] = r0[0], r0[1], r0[2]
        y[3], y[4], y[5] = -omega * r0[1], omega * r0[0], 0.0
    for c in range(6, 10):
        y[c] = 0.0
    return t0


@numba.njit(cache=True, nogil=True)
def _states_rows(lo, hi, veh, phys, r0, h0, kick, times, stage, cap, eci, status):
    """The states of boosts cut short at given times, rows lo to hi - 1 (`shieldcheck.boostphase`'s samples).

    Row i flies vehicle ``veh`` (stage table, stage count, payload, vertical rise, kick duration) from
    ``r0[i]`` toward ``h0[i]`` with kick ``kick[i]`` (rad) once, recording every step (at most ``cap``),
    then restarts from the last step at or before each time ``times[s]`` (within stage ``stage[s]``'s
    burn) with one step ending on it: the steps `cut_vehicle`'s flight takes, since a step ends on the
    end of a burn. ``eci[i, s]`` gets the inertial position and velocity then, ``status[i]`` the
    flight's status (``_OK``, ``_CRASHED``, ``_NO_LIFTOFF``).

    Serial and without the GIL: `shieldcheck._numba.run_chunks` runs row ranges on several threads."""
    st, nst, payload, tvert, tkick = veh
    omega, gmode, mu, j2, re, a_e, e2, drag, lr, lp, aa, cdm, cdv, step = phys
    o = np.empty(_NOUT)
    rec = np.empty((cap, 8))
    norec = np.empty((0, 8))
    y = np.zeros(10)
    k1, k2, k3, k4, tmp = np.empty(10), np.empty(10), np.empty(10), np.empty(10), np.empty(10)
    for i in range(lo, hi):
        nrec = _fly_one(st, nst, payload, r0[i], h0[i], kick[i], tvert, tkick, omega, gmode, mu, j2, re,
                        a_e, e2, drag, lr, lp, aa, cdm, cdv, step, o, rec)  # fmt: skip
        status[i] = o[_O_ST]
        if status[i] != _OK:
            continue
        for s in range(times.shape[0]):
            t, k = times[s], stage[s]
            # the phase burning at t: stage k's engine and mass, and (first stage) rise, kick or turn
            m = payload
            for j in range(nst):
                m += st[j, _MP] + st[j, _MD]
            ts = 0.0
            for j in range(k):
                ts += st[j, _TB] + st[j, _COAST]
                m -= st[j, _MP] + st[j, _MD]
            tb = st[k, _TB]
            mdot = st[k, _MP] / tb
            fvac = mdot * G0_KM_S2 * st[k, _IV]
            fp = (st[k, _IV] - st[k, _IS]) * mdot * G0_KM_S2 / P0_PA
            mode = 3
            if k == 0:
                if t < min(tvert, tb):
                    mode = 1
                elif t < min(tvert + tkick, tb):
                    mode = 2
            t0 = _from_record(rec, nrec, t, r0[i], omega, y)
            if t > t0 + 1e-12:
                crashed = _segment(y, t0, t, step, mode, m - mdot * (t0 - ts), mdot, fvac, fp, st[k, _AREA],
                                   kick[i], h0[i, 0], h0[i, 1], h0[i, 2], omega, gmode, mu, j2, re, a_e, e2,
                                   drag, lr, lp, aa, cdm, cdv, k1, k2, k3, k4, tmp, norec, nrec - nrec,
                                   t0 - t0)[2]  # fmt: skip
                if crashed:
                    status[i] = _CRASHED
                    break
            for c in range(6):
                eci[i, s, c] = y[c]
