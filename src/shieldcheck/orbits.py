"""Two-body orbits: universal-variable Kepler propagation and a batch Lambert solver.

Units inside this module: km, s, rad; gravitational parameters in km^3/s^2. Positions and velocities are
inertial (ECI) vectors along the last axis of an array, shape ``(..., 3)``.

Model and assumptions
---------------------
Point-mass (Keplerian) gravity, no drag, no oblateness, non-rotating inertial frame. The Lambert solver
treats the single-revolution problem only: given two position vectors and a time of flight, find the conic
through both with that flight time.

Methods
-------
Both solvers use the universal variable formulation with the Stumpff functions

    C(z) = (1 - cos sqrt(z)) / z,        S(z) = (sqrt(z) - sin sqrt(z)) / sqrt(z)**3      (z > 0)

(with the cosh/sinh forms for z < 0 and their power series near z = 0), from

- R. R. Bate, D. D. Mueller, J. E. White, *Fundamentals of Astrodynamics*, Dover, 1971: ch. 4 (universal
  variable Kepler problem, eqs. 4.4-7 to 4.4-14) and ch. 5 (the Gauss problem by universal variables,
  sec. 5.3, eqs. 5.3-9 to 5.3-18; minimum-energy transfer geometry in ch. 6, sec. 6.2).
- D. A. Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed., Microcosm Press, 2013:
  sec. 2.3 (Kepler's problem with universal variables, Algorithm 8) and sec. 7.6 (Lambert's problem with
  universal variables, Algorithm 58).

The Lambert time equation ``t(z)`` is monotonic on the single-revolution branch ``z in (z_low, 4 pi^2)``;
the solver keeps a bracket on ``z`` and applies Newton steps to ``log t(z)`` (nearly linear in ``z`` at both
ends of the range), falling back to bisection whenever a step would leave the bracket. Kepler's equation in
the universal anomaly ``chi`` is solved with the Laguerre-Conway iteration (B. A. Conway, "An improved
algorithm due to Laguerre for the solution of Kepler's equation", Celestial Mechanics 39, 1986, 199-211).

The scalar kernels :func:`lambert_kernel` and :func:`kepler_kernel` are ``numba.njit`` functions that other
compiled code may call; they never raise and report a status instead (every division is guarded: the
Lambert kernels keep numba's default error model, measured 15 % faster here than ``error_model="numpy"``,
which the Kepler kernel uses).
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

import numba
import numpy as np

from shieldcheck.earth import MU_KM3_S2
from shieldcheck.errors import InputError

__all__ = [
    "LambertStatus",
    "LambertSolution",
    "lambert",
    "lambert_numpy",
    "lambert_kernel",
    "KeplerStatus",
    "KeplerSolution",
    "kepler",
    "kepler_kernel",
    "specific_energy",
    "angular_momentum",
    "conic_apoapsis_radius",
]

_TWO_PI = 2.0 * math.pi
_Z_MAX = 4.0 * math.pi * math.pi
"""Upper end of the single-revolution range of z = Delta E^2 (the time of flight diverges there)."""
_Z_MIN = -4.0e5
"""Lower clamp on z (hyperbolic); sinh(sqrt(4e5)) ~ 1e274 still fits a float64."""
_Z_SERIES = 0.5
"""|z| below which the Stumpff functions are evaluated by their power series."""
_SIN_DEGENERATE = 1e-12
"""|sin(transfer angle)| below which r1 and r2 count as collinear (transfer plane undefined)."""
_SIN_NEAR_180 = 1e-6
"""|sin(transfer angle)| below which a transfer close to 180 deg counts as degenerate: there the parameter
A = sqrt(r1 r2 (1 + cos)) carries a relative rounding error ~1e-16 / |sin|, and the arc found misses r2 by
~7e-16 |r2| / |sin| (measured against a scipy integration: 2.2 km at sin = 3e-12, 4.5 m at 1e-9); at 1e-6
that is ~5 mm at 7000 km, tested below 1 m."""
MAX_RADIUS_KM = 1.0e9
"""Largest position magnitude (km) the public solvers accept (about 6.7 AU)."""
MAX_SPEED_KM_S = 299792.458
"""Largest speed (km/s) the public solvers accept: the speed of light."""
MIN_MU = 1.0e-10
MAX_MU = 1.0e12
"""Bounds of ``mu_km3_s2``, km^3/s^2 (the Sun's is 1.327e11; a 1 kg body's is 6.7e-20 and useless here)."""
MAX_DT_S = 1.0e10
"""Largest |time step| (s) `kepler` accepts (about 317 years)."""
_LAMBERT_RTOL = 1e-13
_LAMBERT_MAXITER = 60
_KEPLER_MAXITER = 200
_KEPLER_RTOL = 1e-14

# Power-series coefficients: C(z) = sum_k (-z)^k / (2k+2)!, S(z) = sum_k (-z)^k / (2k+3)!   (k = 0..8)
_C_COEF = tuple((-1.0) ** k / math.factorial(2 * k + 2) for k in range(9))
_S_COEF = tuple((-1.0) ** k / math.factorial(2 * k + 3) for k in range(9))
(_C0, _C1, _C2, _C3, _C4, _C5, _C6, _C7, _C8) = _C_COEF
(_S0, _S1, _S2, _S3, _S4, _S5, _S6, _S7, _S8) = _S_COEF


class LambertStatus(enum.IntEnum):
    """Outcome of one Lambert solve; stored as ``int8`` in :attr:`LambertSolution.status`."""

    OK = 0
    NO_CONVERGENCE = 1
    """The iteration did not converge (or the hyperbolic solution lies beyond float range)."""
    DEGENERATE = 2
    """r1 or r2 has zero, non-finite or larger than `MAX_RADIUS_KM` length, or r1 and r2 are collinear
    (0 or 180 deg transfer: the transfer plane is undefined), or within |sin| < 1e-6 of a 180 deg
    transfer, too ill-conditioned to solve in float64 (the arc found would miss r2; ``_SIN_NEAR_180``)."""
    BAD_TIME = 3
    """The time of flight is not a finite positive number."""


@dataclass(frozen=True)
class LambertSolution:
    """Velocities at both ends of a Lambert arc.

    Attributes
    ----------
    v1_km_s : numpy.ndarray
        Inertial velocity at ``r1``, km/s, shape ``(..., 3)``; NaN where ``status != OK``.
    v2_km_s : numpy.ndarray
        Inertial velocity at ``r2``, km/s, shape ``(..., 3)``; NaN where ``status != OK``.
    status : numpy.ndarray
        ``int8`` array of :class:`LambertStatus` values, shape ``(...)`` (0-d for a single problem).
    """

    v1_km_s: np.ndarray
    v2_km_s: np.ndarray
    status: np.ndarray


# ---------------------------------------------------------------------------------------------------------
# Scalar numba kernels
# ---------------------------------------------------------------------------------------------------------


@numba.njit(cache=True, inline="always")
def _stumpff(z):
    """Stumpff functions C(z), S(z) (Bate, Mueller & White 1971, eqs. 4.5-14, 4.5-15)."""
    if z > _Z_SERIES:
        s = math.sqrt(z)
        h = math.sin(0.5 * s)
        c = 2.0 * h * h / z
        sc = (s - math.sin(s)) / (z * s)
        return c, sc
    if z < -_Z_SERIES:
        s = math.sqrt(-z)
        h = math.sinh(0.5 * s)
        c = -2.0 * h * h / z
        sc = (math.sinh(s) - s) / (-z * s)
        return c, sc
    c = _C0 + z * (_C1 + z * (_C2 + z * (_C3 + z * (_C4 + z * (_C5 + z * (_C6 + z * (_C7 + z * _C8)))))))
    sc = _S0 + z * (_S1 + z * (_S2 + z * (_S3 + z * (_S4 + z * (_S5 + z * (_S6 + z * (_S7 + z * _S8)))))))
    return c, sc


@numba.njit(cache=True, inline="always")
def _stumpff_derivatives(z, c, sc):
    """dC/dz and dS/dz: (1 - zS - 2C) / 2z and (C - 3S) / 2z, by series near z = 0."""
    if z > _Z_SERIES or z < -_Z_SERIES:
        return (1.0 - z * sc - 2.0 * c) / (2.0 * z), (c - 3.0 * sc) / (2.0 * z)
    dc = _C1 + z * (2.0 * _C2 + z * (3.0 * _C3 + z * (4.0 * _C4 + z * (5.0 * _C5 + z * (
        6.0 * _C6 + z * (7.0 * _C7 + z * 8.0 * _C8))))))
    ds = _S1 + z * (2.0 * _S2 + z * (3.0 * _S3 + z * (4.0 * _S4 + z * (5.0 * _S5 + z * (
        6.0 * _S6 + z * (7.0 * _S7 + z * 8.0 * _S8))))))
    return dc, ds


@numba.njit(cache=True, inline="always")
def _stumpff_d(z, c, sc):
    """D(z) = C^2 + z S^2 - S = (2 - 2 cos psi - psi sin psi) / psi^4, psi = sqrt(z), without cancellation."""
    if z > _Z_SERIES:
        h = 0.5 * math.sqrt(z)
        sh = math.sin(h)
        return 4.0 * sh * (sh - h * math.cos(h)) / (z * z)
    if z < -_Z_SERIES:
        h = 0.5 * math.sqrt(-z)
        sh = math.sinh(h)
        return 4.0 * sh * (h * math.cosh(h) - sh) / (z * z)
    return c * c + z * sc * sc - sc


@numba.njit(cache=True)
def lambert_kernel(r1, r2, tof, long_way, mu, v1_out, v2_out):
    """Solve one single-revolution Lambert problem (numba-callable scalar kernel).

    Parameters
    ----------
    r1, r2 : float64[3]
        Initial and final inertial positions, km.
    tof : float
        Time of flight, s.
    long_way : bool
        False: transfer angle in (0, pi), orbit normal along r1 x r2. True: angle in (pi, 2 pi), normal
        along -(r1 x r2).
    mu : float
        Gravitational parameter, km^3/s^2.
    v1_out, v2_out : float64[3]
        Written with the velocities at r1 and r2, km/s (NaN unless the status is OK).

    Returns
    -------
    int
        A :class:`LambertStatus` value.

    Notes
    -----
    Universal variables after Bate, Mueller & White (1971) sec. 5.3 and Vallado (2013) sec. 7.6, with
    Newton steps on log t(z) inside a bisection bracket.

    Examples
    --------
    >>> import numpy as np
    >>> v1, v2 = np.empty(3), np.empty(3)
    >>> lambert_kernel(np.array([7000.0, 0, 0]), np.array([0, 7000.0, 0]), 1500.0, False, 398600.4418,
    ...                v1, v2)
    0
    """
    nan = math.nan
    for k in range(3):
        v1_out[k] = nan
        v2_out[k] = nan
    if not (tof > 0.0) or not math.isfinite(tof):
        return 3
    r1n = math.sqrt(r1[0] * r1[0] + r1[1] * r1[1] + r1[2] * r1[2])
    r2n = math.sqrt(r2[0] * r2[0] + r2[1] * r2[1] + r2[2] * r2[2])
    if not (0.0 < r1n <= MAX_RADIUS_KM) or not (0.0 < r2n <= MAX_RADIUS_KM):
        return 2  # zero, non-finite or beyond MAX_RADIUS_KM
    # Unit vectors; |u1 x u2| = |sin(dtheta)| and |u1 + u2|^2 = 2 (1 + cos(dtheta)) without cancellation.
    u1x, u1y, u1z = r1[0] / r1n, r1[1] / r1n, r1[2] / r1n
    u2x, u2y, u2z = r2[0] / r2n, r2[1] / r2n, r2[2] / r2n
    cx = u1y * u2z - u1z * u2y
    cy = u1z * u2x - u1x * u2z
    cz = u1x * u2y - u1y * u2x
    sin_abs = math.sqrt(cx * cx + cy * cy + cz * cz)
    if not (sin_abs > _SIN_DEGENERATE):
        return 2
    if sin_abs < _SIN_NEAR_180 and u1x * u2x + u1y * u2y + u1z * u2z < 0.0:
        return 2  # within ~1e-6 rad of 180 deg: A cannot be computed to the precision a result needs
    sx, sy, sz = u1x + u2x, u1y + u2y, u1z + u2z
    # A = sin(dtheta) sqrt(r1 r2 / (1 - cos dtheta)) = +-sqrt(r1 r2 (1 + cos dtheta))   (BMW eq. 5.3-9)
    a_par = math.sqrt(0.5 * r1n * r2n) * math.sqrt(sx * sx + sy * sy + sz * sz)
    if long_way:
        a_par = -a_par
    rsum = r1n + r2n
    sqmu = math.sqrt(mu)
    tau = tof * sqmu  # target of sqrt(mu) t(z) = x^3 S + A sqrt(y)   (BMW eq. 5.3-12)
    if not (tau > 0.0) or not math.isfinite(tau):
        return 3  # the time underflows or overflows once scaled by sqrt(mu)
    log_tau = math.log(tau)

    lo = _Z_MIN
    hi = _Z_MAX
    lo_known = False
    z = 0.0
    y = 0.0
    status = 1
    for _ in range(_LAMBERT_MAXITER):
        c, sc = _stumpff(z)
        sqc = math.sqrt(c)
        y = rsum + a_par * (z * sc - 1.0) / sqc  # BMW eq. 5.3-10
        if not (y > 0.0):
            # Below z_low, where y(z) = 0 (only when A > 0): the time there is zero, so the root is above.
            lo = z
            lo_known = True
            z = 0.5 * (lo + hi)
            continue
        sqy = math.sqrt(y)
        x = sqy / sqc
        # sqrt(mu) t = x^3 S + A sqrt(y) = sqrt(y) (r_sum S / C^1.5 + A D / C^2) with D = C^2 + z S^2 - S:
        # the second form has no cancellation between the terms for long-way hyperbolic arcs.
        t_now = sqy * (rsum * sc / (c * sqc) + a_par * _stumpff_d(z, c, sc) / (c * c))
        if not (t_now > 0.0) or not math.isfinite(t_now):
            # Rounding near z_low can leave a tiny negative time: treat like y <= 0.
            lo = z
            lo_known = True
            z = 0.5 * (lo + hi)
            continue
        err = math.log(t_now) - log_tau
        if abs(err) <= _LAMBERT_RTOL:
            status = 0
            break
        if err < 0.0:
            lo = z
            lo_known = True
        else:
            hi = z
        # d(sqrt(mu) t)/dz by the chain rule; dy/dz = A sqrt(C) / 4 (BMW eq. 5.3-17).
        # d(sqrt(mu) t)/dz = x^3 (S' - 3 S C' / 2C) + A/8 (3 S sqrt(y) / C + A sqrt(C / y))
        # (Vallado 2013, eq. 7-68, written with C' and S' evaluated by series near z = 0).
        dc, ds = _stumpff_derivatives(z, c, sc)
        dt = x * x * x * (ds - 1.5 * sc * dc / c) + 0.125 * a_par * (3.0 * sc * sqy / c + a_par * sqc / sqy)
        if not (dt != 0.0) or not math.isfinite(dt):
            z_new = 0.5 * (lo + hi)  # no usable slope (degenerate rounding): bisect
        elif err > 0.0 and a_par > 0.0 and z < 0.0:
            # Close to z_low the time grows like sqrt(z - z_low): a Newton step on t^2 does not overshoot.
            z_new = z - 0.5 * (1.0 - math.exp(-2.0 * err)) * t_now / dt
        else:
            z_new = z - err * t_now / dt
        if not (z_new > lo and z_new < hi):
            if z_new <= lo and not lo_known:
                z_new = max(hi - 10.0 * (1.0 + abs(hi)), _Z_MIN)
            else:
                z_new = 0.5 * (lo + hi)
        if z_new == z or hi - lo <= 4e-16 * (abs(lo) + abs(hi)):
            # The bracket has collapsed to rounding level: accept if the time is still close.
            if abs(err) <= 1e-9:
                status = 0
            break
        z = z_new
    if status != 0:
        return 1
    # Lagrange coefficients (BMW eqs. 5.3-13 to 5.3-15)
    f = 1.0 - y / r1n
    g = a_par * math.sqrt(y) / sqmu
    gdot = 1.0 - y / r2n
    if not (g != 0.0) or not math.isfinite(g):
        return 1  # g underflowed (vanishing radii): no velocity can be formed
    for k in range(3):
        v1_out[k] = (r2[k] - f * r1[k]) / g
        v2_out[k] = (gdot * r2[k] - r1[k]) / g
    if not (math.isfinite(v1_out[0]) and math.isfinite(v1_out[1]) and math.isfinite(v1_out[2])
            and math.isfinite(v2_out[0]) and math.isfinite(v2_out[1]) and math.isfinite(v2_out[2])):
        for k in range(3):
            v1_out[k] = nan
            v2_out[k] = nan
        return 1
    return 0


@numba.njit(cache=True, inline="always", error_model="numpy")
def _kepler_bisect(lo, hi, chi):
    """Next chi inside the bracket [lo, hi]: the midpoint, or a step outward while one side is open."""
    if math.isfinite(lo) and math.isfinite(hi):
        return 0.5 * (lo + hi)
    if math.isfinite(lo):
        return max(2.0 * lo, lo + 1.0)
    if math.isfinite(hi):
        return min(2.0 * hi, hi - 1.0)
    return 0.5 * chi


@numba.njit(cache=True, error_model="numpy")
def kepler_kernel(r0, v0, dt, mu, r_out, v_out):
    """Propagate one two-body state by ``dt`` seconds (numba-callable scalar kernel).

    Parameters
    ----------
    r0, v0 : float64[3]
        Inertial position (km) and velocity (km/s) at the epoch.
    dt : float
        Time step, s; may be negative or zero.
    mu : float
        Gravitational parameter, km^3/s^2.
    r_out, v_out : float64[3]
        Written with the state at epoch + dt (NaN on failure).

    Returns
    -------
    int
        0 on success, 1 if the iteration did not converge or overflowed, 2 for a non-finite input or a zero
        radius.

    Notes
    -----
    Universal anomaly chi with Stumpff functions (Bate, Mueller & White 1971, sec. 4.4-4.5; Vallado 2013,
    sec. 2.3, Algorithm 8), solved by the Laguerre-Conway iteration; elliptic steps longer than one period
    are first reduced modulo the period.

    Examples
    --------
    >>> import numpy as np
    >>> r, v = np.empty(3), np.empty(3)
    >>> kepler_kernel(np.array([7000.0, 0, 0]), np.array([0, 7.5, 0]), 600.0, 398600.4418, r, v)
    0
    """
    for k in range(3):
        r_out[k] = math.nan
        v_out[k] = math.nan
    rn = math.sqrt(r0[0] * r0[0] + r0[1] * r0[1] + r0[2] * r0[2])
    vv = v0[0] * v0[0] + v0[1] * v0[1] + v0[2] * v0[2]
    rv = r0[0] * v0[0] + r0[1] * v0[1] + r0[2] * v0[2]
    if not (rn > 0.0) or not math.isfinite(rn) or not math.isfinite(vv) or not math.isfinite(dt):
        return 2
    if dt == 0.0:
        for k in range(3):
            r_out[k] = r0[k]
            v_out[k] = v0[k]
        return 0
    if abs(dt) * (math.sqrt(vv) / rn + math.sqrt(mu / (rn * rn * rn))) < 1e-9:
        # A step far shorter than the orbit's time scales: second-order Taylor step (error ~ 1e-27 of r),
        # where chi would underflow and the iteration could not resolve it.
        g_acc = -mu / (rn * rn * rn)
        for k in range(3):
            r_out[k] = r0[k] + v0[k] * dt + 0.5 * g_acc * r0[k] * dt * dt
            v_out[k] = v0[k] + g_acc * r0[k] * dt
        return 0
    sqmu = math.sqrt(mu)
    sigma0 = rv / sqmu
    alpha = 2.0 / rn - vv / mu  # 1/a; > 0 ellipse, < 0 hyperbola
    if alpha > 0.0:
        period = _TWO_PI / (sqmu * alpha * math.sqrt(alpha))
        if abs(dt) > period:
            dt = dt - period * math.floor(dt / period + 0.5)
            if dt == 0.0:  # a whole number of periods
                for k in range(3):
                    r_out[k] = r0[k]
                    v_out[k] = v0[k]
                return 0
    # Initial guesses (Vallado 2013, Algorithm 8)
    chi = sqmu * dt / rn
    if alpha * rn > 1e-6:
        chi = sqmu * dt * alpha
    elif alpha * rn < -1e-6:
        a = 1.0 / alpha
        sgn = 1.0 if dt > 0.0 else -1.0
        arg = (-2.0 * mu * alpha * dt) / (rv + sgn * math.sqrt(-mu * a) * (1.0 - rn * alpha))
        if arg > 1.0 and math.isfinite(arg):
            chi = sgn * math.sqrt(-a) * math.log(arg)
    one_m_ar = 1.0 - alpha * rn
    target = sqmu * dt
    # sqrt(mu) t(chi) increases monotonically with chi (its derivative is r > 0): keep a bracket
    # [lo, hi] on the root and bisect whenever a Laguerre step leaves it, overflows, or the residual is
    # still large (far out on a hyperbola t(chi) grows exponentially and Laguerre-Conway creeps).
    lo = -math.inf
    hi = math.inf
    if dt > 0.0:
        lo = 0.0
    else:
        hi = 0.0
    if not (lo < chi < hi):
        chi = 0.5 * (lo + hi) if math.isfinite(lo) and math.isfinite(hi) else (1.0 if dt > 0.0 else -1.0)
    converged = False
    last = math.inf
    c = sc = chi2 = t1 = t2 = t3 = 0.0
    for _ in range(_KEPLER_MAXITER):
        z = alpha * chi * chi
        f_val = math.inf  # for z < _Z_MIN sinh(sqrt(-z)) would overflow: chi is far beyond the root
        if z >= _Z_MIN:
            c, sc = _stumpff(z)
            chi2 = chi * chi
            t1 = sigma0 * chi2 * c
            t2 = one_m_ar * chi2 * chi * sc
            t3 = rn * chi
            f_val = t1 + t2 + t3 - target
        if not math.isfinite(f_val):
            # beyond float range on chi's side of the root: shrink the bracket there and bisect
            if chi > 0.0:
                hi = chi
            else:
                lo = chi
            chi = _kepler_bisect(lo, hi, chi)
            last = math.inf
            continue
        if f_val > 0.0:
            hi = min(hi, chi)
        else:
            lo = max(lo, chi)
        # Size of the rounding error of f_val: near-radial fast hyperbolas cancel large terms.
        noise = 1e-14 * (abs(t1) + abs(t2) + abs(t3) + abs(target))
        if abs(f_val) <= noise:
            converged = True  # residual at its rounding floor
            break
        df = chi2 * c + sigma0 * chi * (1.0 - z * sc) + rn * (1.0 - z * c)
        ddf = sigma0 * (1.0 - z * c) + one_m_ar * chi * (1.0 - z * sc)
        # Laguerre step, n = 5 (Conway 1986)
        disc = abs(16.0 * df * df - 20.0 * f_val * ddf)
        denom = df + math.copysign(math.sqrt(disc), df)
        chi_new = chi - 5.0 * f_val / denom if (math.isfinite(denom) and denom != 0.0) else math.nan
        far = abs(f_val) > 4.0 * abs(target) and math.isfinite(lo) and math.isfinite(hi)
        if far or not (lo < chi_new < hi):
            chi_new = _kepler_bisect(lo, hi, chi)
        step = abs(chi_new - chi)
        chi = chi_new
        if step <= _KEPLER_RTOL * abs(chi) + 1e-300 or (hi - lo) <= 4e-16 * (abs(lo) + abs(hi)) < math.inf:
            converged = True
            break
        if step <= 1e-9 * abs(chi) and step >= 0.5 * last:
            # steps stopped shrinking: chi is as good as Kepler's equation in float64 allows
            converged = True
            break
        last = step
    if not converged:
        return 1
    z = alpha * chi * chi
    c, sc = _stumpff(z)
    chi2 = chi * chi
    # Lagrange coefficients (BMW eqs. 4.4-31 to 4.4-36); g from Kepler's equation without dt cancellation.
    f = 1.0 - chi2 * c / rn
    g = (sigma0 * chi2 * c + rn * chi * (1.0 - z * sc)) / sqmu
    for k in range(3):
        r_out[k] = f * r0[k] + g * v0[k]
    r = math.sqrt(r_out[0] * r_out[0] + r_out[1] * r_out[1] + r_out[2] * r_out[2])
    fdot = sqmu / (r * rn) * chi * (z * sc - 1.0)
    gdot = 1.0 - chi2 * c / r
    for k in range(3):
        v_out[k] = fdot * r0[k] + gdot * v0[k]
    ok = True
    for k in range(3):
        ok = ok and math.isfinite(r_out[k]) and math.isfinite(v_out[k])
    if not ok:
        for k in range(3):
            r_out[k] = math.nan
            v_out[k] = math.nan
        return 1
    return 0


@numba.njit(cache=True, parallel=True)
def _lambert_batch(r1, r2, tof, long_way, mu, v1, v2, status):
    for i in numba.prange(tof.shape[0]):
        status[i] = lambert_kernel(r1[i], r2[i], tof[i], long_way[i], mu, v1[i], v2[i])


@numba.njit(cache=True, parallel=True, error_model="numpy")
def _kepler_batch(r0, v0, dt, mu, r, v, status):
    for i in numba.prange(dt.shape[0]):
        status[i] = kepler_kernel(r0[i], v0[i], dt[i], mu, r[i], v[i])


# ---------------------------------------------------------------------------------------------------------
# Input handling
# ---------------------------------------------------------------------------------------------------------


def _as_vectors(value, name, limit=MAX_RADIUS_KM, unit="km", finite=False):
    """A float array of shape (..., 3) whose vectors are at most ``limit`` long, else `InputError`.

    Non-finite components are rejected when ``finite`` is set, otherwise left to the per-problem status.
    """
    if isinstance(value, (str, bytes)) or value is None:
        raise InputError(f"{name} must be an array of numbers of shape (..., 3), got {value!r}")
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be an array of numbers of shape (..., 3), got {value!r}") from None
    if arr.ndim == 0 or arr.shape[-1] != 3:
        raise InputError(f"{name} must have shape (..., 3) (Cartesian x, y, z on the last axis), "
                         f"got shape {arr.shape}")
    if finite and not np.all(np.isfinite(arr)):
        bad = arr[~np.isfinite(arr)].flat[0]
        raise InputError(f"{name} must have finite components, got {float(bad)!r}")
    if math.isinf(limit):
        return arr
    with np.errstate(over="ignore", invalid="ignore"):
        too_long = np.max(np.abs(arr), axis=-1, initial=0.0) > limit  # NaN compares False
    if np.any(too_long):
        v = arr.reshape(-1, 3)[np.argmax(too_long.ravel())]
        raise InputError(f"{name} must have a length of at most {limit:g} {unit}, got {v.tolist()}")
    return arr


def _as_times(value, name, limit, allow_negative=False):
    """A float array of finite times within [-limit, limit] (or [0, limit]), else `InputError`."""
    if isinstance(value, (str, bytes)) or value is None:
        raise InputError(f"{name} must be a number of seconds, got {value!r}")
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a number of seconds, got {value!r}") from None
    lo = -limit if allow_negative else 0.0
    with np.errstate(invalid="ignore"):
        bad = ~(np.isfinite(arr) & (arr >= lo) & (arr <= limit))
    if np.any(bad):
        v = float(arr[bad].flat[0]) if arr.ndim else float(arr)
        raise InputError(f"{name} must be a finite number within [{lo:g}, {limit:g}] s, got {v!r}")
    return arr


def _as_mu(mu_km3_s2):
    try:
        mu = np.asarray(mu_km3_s2, dtype=np.float64)
    except (TypeError, ValueError):
        raise InputError(
            f"mu_km3_s2 must be a finite positive scalar (km^3/s^2), got {mu_km3_s2!r}"
        ) from None
    if mu.ndim != 0 or not (np.isfinite(mu) and MIN_MU <= mu <= MAX_MU):
        raise InputError(f"mu_km3_s2 must be a finite positive scalar within [{MIN_MU:g}, {MAX_MU:g}] "
                         f"(km^3/s^2), got {mu_km3_s2!r}")
    return float(mu)


def _batch_shape(named_shapes):
    try:
        return np.broadcast_shapes(*(shape for _, shape in named_shapes))
    except ValueError:
        described = ", ".join(f"{name} {shape}" for name, shape in named_shapes)
        raise InputError(f"inputs must broadcast to one batch shape, got {described}; give arrays of "
                         "matching leading shape or scalars") from None


def _lambert_inputs(r1_km, r2_km, tof_s, long_way, mu_km3_s2):
    r1 = _as_vectors(r1_km, "r1_km", limit=math.inf)  # lengths are checked per problem (status)
    r2 = _as_vectors(r2_km, "r2_km", limit=math.inf)
    if isinstance(tof_s, (str, bytes)) or tof_s is None:
        raise InputError(f"tof_s must be a number of seconds, got {tof_s!r}")
    try:
        tof = np.asarray(tof_s, dtype=np.float64)  # NaN, inf and <= 0 are reported per problem (BAD_TIME)
    except (TypeError, ValueError):
        raise InputError(f"tof_s must be a number of seconds, got {tof_s!r}") from None
    try:
        lw = np.asarray(long_way)
    except (TypeError, ValueError):
        raise InputError(f"long_way must be boolean, got {long_way!r}") from None
    if lw.dtype != np.bool_:
        if not np.issubdtype(lw.dtype, np.integer):
            raise InputError(f"long_way must be boolean (True for a transfer angle above 180 deg), got dtype "
                             f"{lw.dtype}")
        lw = lw.astype(np.bool_)
    mu = _as_mu(mu_km3_s2)
    shape = _batch_shape([("r1_km", r1.shape[:-1]), ("r2_km", r2.shape[:-1]), ("tof_s", tof.shape),
                          ("long_way", lw.shape)])
    n = math.prod(shape)
    r1f = np.ascontiguousarray(np.broadcast_to(r1, (*shape, 3)).reshape(n, 3))
    r2f = np.ascontiguousarray(np.broadcast_to(r2, (*shape, 3)).reshape(n, 3))
    tof_f = np.ascontiguousarray(np.broadcast_to(tof, shape).reshape(n))
    lw_f = np.ascontiguousarray(np.broadcast_to(lw, shape).reshape(n))
    return r1f, r2f, tof_f, lw_f, mu, shape


# ---------------------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------------------


def lambert(r1_km, r2_km, tof_s, long_way=False, mu_km3_s2=MU_KM3_S2) -> LambertSolution:
    """Solve single-revolution Lambert problems in a batch (numba, parallel over problems).

    Parameters
    ----------
    r1_km, r2_km : array_like, shape (..., 3)
        Inertial positions at departure and arrival, km.
    tof_s : array_like, shape (...)
        Time of flight, s.
    long_way : bool or array_like of bool, shape (...)
        False: transfer angle in (0, 180) deg with the orbit normal along r1 x r2. True: transfer angle in
        (180, 360) deg, orbit normal along -(r1 x r2).
    mu_km3_s2 : float
        Gravitational parameter, km^3/s^2 (default: Earth, :data:`shieldcheck.earth.MU_KM3_S2`).

    All array arguments broadcast against each other (the last axis of the positions excluded).

    Returns
    -------
    LambertSolution
        Velocities at both ends (km/s, NaN where the status is not OK) and a per-problem status.
        Degenerate geometry, a bad time of flight or a failed iteration is reported in ``status``, never
        raised.

    Raises
    ------
    InputError
        If a position does not have 3 components on its last axis, if the inputs do not broadcast, or if
        ``mu_km3_s2`` is not a finite positive scalar.

    Notes
    -----
    Elliptic, near-parabolic and hyperbolic transfers; universal-variable formulation of Bate, Mueller &
    White (1971), sec. 5.3, and Vallado (2013), sec. 7.6, solved to a relative time error of 1e-13.

    Examples
    --------
    A quarter-orbit transfer on a 7000 km circle returns the circular speed sqrt(mu / r):

    >>> import numpy as np
    >>> r = 7000.0
    >>> period = 2 * np.pi * np.sqrt(r**3 / 398600.4418)
    >>> sol = lambert([r, 0, 0], [0, r, 0], period / 4)
    >>> int(sol.status), np.round(sol.v1_km_s, 6) + 0.0
    (0, array([0.      , 7.546053, 0.      ]))
    """
    r1, r2, tof, lw, mu, shape = _lambert_inputs(r1_km, r2_km, tof_s, long_way, mu_km3_s2)
    n = tof.shape[0]
    v1 = np.empty((n, 3))
    v2 = np.empty((n, 3))
    status = np.empty(n, dtype=np.int8)
    if n:
        _lambert_batch(r1, r2, tof, lw, mu, v1, v2, status)
    return LambertSolution(v1.reshape(*shape, 3), v2.reshape(*shape, 3), status.reshape(shape))


def _stumpff_np(z):
    """Vectorised C(z), S(z), C'(z), S'(z), D(z) (same formulas and branches as the numba kernel)."""
    c = np.empty_like(z)
    sc = np.empty_like(z)
    dc = np.empty_like(z)
    ds = np.empty_like(z)
    d = np.empty_like(z)
    pos = z > _Z_SERIES
    neg = z < -_Z_SERIES
    mid = ~(pos | neg)
    zp = z[pos]
    s = np.sqrt(zp)
    h = 0.5 * s
    sh = np.sin(h)
    c[pos] = 2.0 * sh * sh / zp
    sc[pos] = (s - np.sin(s)) / (zp * s)
    d[pos] = 4.0 * sh * (sh - h * np.cos(h)) / (zp * zp)
    zn = z[neg]
    s = np.sqrt(-zn)
    h = 0.5 * s
    sh = np.sinh(h)
    c[neg] = -2.0 * sh * sh / zn
    sc[neg] = (np.sinh(s) - s) / (-zn * s)
    d[neg] = 4.0 * sh * (h * np.cosh(h) - sh) / (zn * zn)
    far = pos | neg
    zf = z[far]
    dc[far] = (1.0 - zf * sc[far] - 2.0 * c[far]) / (2.0 * zf)
    ds[far] = (c[far] - 3.0 * sc[far]) / (2.0 * zf)
    zm = z[mid]
    cm = np.polynomial.polynomial.polyval(zm, _C_COEF)
    sm = np.polynomial.polynomial.polyval(zm, _S_COEF)
    c[mid] = cm
    sc[mid] = sm
    dc[mid] = np.polynomial.polynomial.polyval(zm, [k * a for k, a in enumerate(_C_COEF)][1:])
    ds[mid] = np.polynomial.polynomial.polyval(zm, [k * a for k, a in enumerate(_S_COEF)][1:])
    d[mid] = cm * cm + zm * sm * sm - sm
    return c, sc, dc, ds, d


def lambert_numpy(r1_km, r2_km, tof_s, long_way=False, mu_km3_s2=MU_KM3_S2) -> LambertSolution:
    """Solve single-revolution Lambert problems with vectorised numpy (no numba).

    Same contract, algorithm and results as :func:`lambert` (to rounding); kept as a fallback for
    platforms without numba and as the benchmark baseline. Each iteration works on the problems that have
    not converged yet.

    Parameters
    ----------
    r1_km, r2_km : array_like, shape (..., 3)
        Inertial positions at departure and arrival, km.
    tof_s : array_like, shape (...)
        Time of flight, s.
    long_way : bool or array_like of bool, shape (...)
        False: transfer angle in (0, 180) deg, orbit normal along r1 x r2; True: (180, 360) deg.
    mu_km3_s2 : float
        Gravitational parameter, km^3/s^2.

    Returns
    -------
    LambertSolution
        As for :func:`lambert`.

    Raises
    ------
    InputError
        As for :func:`lambert`.

    Notes
    -----
    Universal variables (Bate, Mueller & White 1971, sec. 5.3; Vallado 2013, sec. 7.6).

    Examples
    --------
    >>> import numpy as np
    >>> sol = lambert_numpy([[7000.0, 0, 0]] * 2, [0, 7000.0, 0], [1500.0, 2500.0])
    >>> sol.status
    array([0, 0], dtype=int8)
    >>> bool(np.allclose(sol.v1_km_s, lambert([7000.0, 0, 0], [0, 7000.0, 0], [1500.0, 2500.0]).v1_km_s))
    True
    """
    r1, r2, tof, lw, mu, shape = _lambert_inputs(r1_km, r2_km, tof_s, long_way, mu_km3_s2)
    n = tof.shape[0]
    v1 = np.full((n, 3), np.nan)
    v2 = np.full((n, 3), np.nan)
    status = np.full(n, int(LambertStatus.NO_CONVERGENCE), dtype=np.int8)
    with np.errstate(all="ignore"):
        r1n = np.linalg.norm(r1, axis=-1)
        r2n = np.linalg.norm(r2, axis=-1)
        u1 = r1 / r1n[:, None]
        u2 = r2 / r2n[:, None]
        sin_abs = np.linalg.norm(np.cross(u1, u2), axis=-1)
        bad_time = ~(np.isfinite(tof) & (tof > 0.0))
        near_180 = (sin_abs < _SIN_NEAR_180) & (np.sum(u1 * u2, axis=-1) < 0.0)
        degenerate = ~bad_time & ~((r1n > 0.0) & (r2n > 0.0) & (r1n <= MAX_RADIUS_KM) & (r2n <= MAX_RADIUS_KM)
                                    & (sin_abs > _SIN_DEGENERATE) & ~near_180)
        status[bad_time] = LambertStatus.BAD_TIME
        status[degenerate] = LambertStatus.DEGENERATE
        idx = np.flatnonzero(~bad_time & ~degenerate)
        a_all = np.sqrt(0.5 * r1n * r2n) * np.linalg.norm(u1 + u2, axis=-1)
        a_all = np.where(lw, -a_all, a_all)
        sqmu = math.sqrt(mu)
        # Working arrays over the still-active problems
        a_par = a_all[idx]
        rsum = (r1n + r2n)[idx]
        log_tau = np.log(tof[idx] * sqmu)
        z = np.zeros(idx.size)
        lo = np.full(idx.size, _Z_MIN)
        hi = np.full(idx.size, _Z_MAX)
        lo_known = np.zeros(idx.size, dtype=bool)
        y_done = np.full(n, np.nan)
        for _ in range(_LAMBERT_MAXITER):
            if idx.size == 0:
                break
            c, sc, dc, ds, d = _stumpff_np(z)
            sqc = np.sqrt(c)
            y = rsum + a_par * (z * sc - 1.0) / sqc
            sqy = np.sqrt(y)
            x = sqy / sqc
            t_now = sqy * (rsum * sc / (c * sqc) + a_par * d / (c * c))
            valid = (y > 0.0) & (t_now > 0.0) & np.isfinite(t_now)
            err = np.where(valid, np.log(t_now) - log_tau, -np.inf)
            done = valid & (np.abs(err) <= _LAMBERT_RTOL)
            below = err < 0.0
            lo = np.where(below & ~done, z, lo)
            lo_known |= below & ~done
            hi = np.where(~below & ~done, z, hi)
            dt = x**3 * (ds - 1.5 * sc * dc / c) + 0.125 * a_par * (3.0 * sc * sqy / c + a_par * sqc / sqy)
            newton_log = z - err * t_now / dt
            newton_sq = z - 0.5 * (1.0 - np.exp(-2.0 * err)) * t_now / dt
            z_new = np.where((err > 0.0) & (a_par > 0.0) & (z < 0.0), newton_sq, newton_log)
            z_new = np.where(valid, z_new, 0.5 * (lo + hi))
            outside = ~((z_new > lo) & (z_new < hi))
            expand = outside & (z_new <= lo) & ~lo_known
            z_new = np.where(outside, np.where(expand, np.maximum(hi - 10.0 * (1.0 + np.abs(hi)), _Z_MIN),
                                               0.5 * (lo + hi)), z_new)
            stalled = valid & ~done & ((z_new == z) | (hi - lo <= 4e-16 * (np.abs(lo) + np.abs(hi))))
            accept = done | (stalled & (np.abs(err) <= 1e-9))
            y_done[idx[accept]] = y[accept]
            status[idx[accept]] = LambertStatus.OK
            keep = ~(done | stalled)
            idx, a_par, rsum, log_tau = idx[keep], a_par[keep], rsum[keep], log_tau[keep]
            z, lo, hi, lo_known = z_new[keep], lo[keep], hi[keep], lo_known[keep]
        ok = status == LambertStatus.OK
        y = y_done[ok]
        f = 1.0 - y / r1n[ok]
        g = a_all[ok] * np.sqrt(y) / sqmu
        gdot = 1.0 - y / r2n[ok]
        v1[ok] = (r2[ok] - f[:, None] * r1[ok]) / g[:, None]
        v2[ok] = (gdot[:, None] * r2[ok] - r1[ok]) / g[:, None]
        finite = np.isfinite(v1).all(axis=-1) & np.isfinite(v2).all(axis=-1)
        failed = ok & ~finite
        status[failed] = LambertStatus.NO_CONVERGENCE
        v1[failed] = np.nan
        v2[failed] = np.nan
    return LambertSolution(v1.reshape(*shape, 3), v2.reshape(*shape, 3), status.reshape(shape))


class KeplerStatus(enum.IntEnum):
    """Outcome of one Kepler propagation; stored as ``int8`` in :attr:`KeplerSolution.status`."""

    OK = 0
    NO_CONVERGENCE = 1
    """The iteration did not converge, or the state at epoch + dt lies beyond float range."""
    DEGENERATE = 2
    """The initial position has zero length (the orbit is undefined)."""


@dataclass(frozen=True)
class KeplerSolution:
    """Propagated states with a status; unpacks as ``r_km, v_km_s = kepler(...)``.

    Attributes
    ----------
    r_km, v_km_s : numpy.ndarray, shape (..., 3)
        Inertial position (km) and velocity (km/s) at epoch + dt; NaN where ``status != OK``.
    status : numpy.ndarray
        ``int8`` array of :class:`KeplerStatus` values, shape ``(...)``.
    """

    r_km: np.ndarray
    v_km_s: np.ndarray
    status: np.ndarray

    def __iter__(self):
        return iter((self.r_km, self.v_km_s))


def kepler(r0_km, v0_km_s, dt_s, mu_km3_s2=MU_KM3_S2) -> KeplerSolution:
    """Propagate two-body states by ``dt_s`` seconds with universal variables (numba, parallel).

    Parameters
    ----------
    r0_km : array_like, shape (..., 3)
        Inertial position at the epoch, km.
    v0_km_s : array_like, shape (..., 3)
        Inertial velocity at the epoch, km/s.
    dt_s : array_like, shape (...)
        Time step, s; negative propagates backwards, zero returns the input state.
    mu_km3_s2 : float
        Gravitational parameter, km^3/s^2.

    Returns
    -------
    KeplerSolution
        ``r_km``, ``v_km_s`` (shape (..., 3), broadcast over all inputs) and a per-state ``status``
        (:class:`KeplerStatus`); NaN where the status is not OK (zero radius, or a hyperbolic arc
        beyond float range). Unpacks as ``r_km, v_km_s``.

    Raises
    ------
    InputError
        If a vector does not have 3 components on its last axis or has a non-finite component, if a
        position is longer than `MAX_RADIUS_KM`, a velocity faster than light (`MAX_SPEED_KM_S`) or
        ``|dt_s|`` above `MAX_DT_S` or not finite, if the inputs do not broadcast, or if ``mu_km3_s2`` is
        not a finite positive scalar.

    Notes
    -----
    Elliptic, parabolic and hyperbolic orbits alike: Kepler's equation in the universal anomaly (Bate,
    Mueller & White 1971, sec. 4.4; Vallado 2013, sec. 2.3, Algorithm 8) solved by Laguerre-Conway
    iteration, then the f and g functions.

    Examples
    --------
    One state and three times give three states; a full circular period returns to the start:

    >>> import numpy as np
    >>> r, mu = 7000.0, 398600.4418
    >>> period = 2 * np.pi * np.sqrt(r**3 / mu)
    >>> rk, vk = kepler([r, 0, 0], [0, np.sqrt(mu / r), 0], [0.0, period / 4, period])
    >>> rk.shape
    (3, 3)
    >>> np.round(rk, 6) + 0.0
    array([[7000.,    0.,    0.],
           [   0., 7000.,    0.],
           [7000.,    0.,    0.]])
    """
    r0 = _as_vectors(r0_km, "r0_km", finite=True)
    v0 = _as_vectors(v0_km_s, "v0_km_s", MAX_SPEED_KM_S, "km/s", finite=True)
    dt = _as_times(dt_s, "dt_s", MAX_DT_S, allow_negative=True)
    mu = _as_mu(mu_km3_s2)
    shape = _batch_shape([("r0_km", r0.shape[:-1]), ("v0_km_s", v0.shape[:-1]), ("dt_s", dt.shape)])
    n = math.prod(shape)
    r0f = np.ascontiguousarray(np.broadcast_to(r0, (*shape, 3)).reshape(n, 3))
    v0f = np.ascontiguousarray(np.broadcast_to(v0, (*shape, 3)).reshape(n, 3))
    dtf = np.ascontiguousarray(np.broadcast_to(dt, shape).reshape(n))
    r = np.empty((n, 3))
    v = np.empty((n, 3))
    status = np.empty(n, dtype=np.int8)
    if n:
        _kepler_batch(r0f, v0f, dtf, mu, r, v, status)
    return KeplerSolution(r.reshape(*shape, 3), v.reshape(*shape, 3), status.reshape(shape))


def specific_energy(r_km, v_km_s, mu_km3_s2=MU_KM3_S2):
    """Specific orbital energy v^2/2 - mu/r, km^2/s^2 (vis-viva; Bate, Mueller & White 1971, eq. 1.4-2).

    Parameters
    ----------
    r_km, v_km_s : array_like, shape (..., 3)
        Inertial position (km) and velocity (km/s).
    mu_km3_s2 : float
        Gravitational parameter, km^3/s^2.

    Returns
    -------
    numpy.ndarray or float
        Energy per unit mass, km^2/s^2, shape ``(...)``: negative for ellipses, positive for hyperbolas.

    Examples
    --------
    >>> round(float(specific_energy([7000.0, 0, 0], [0, 7.5, 0])), 6)
    -28.81792
    """
    r = _as_vectors(r_km, "r_km")
    v = _as_vectors(v_km_s, "v_km_s")
    mu = _as_mu(mu_km3_s2)
    return 0.5 * np.sum(v * v, axis=-1) - mu / np.linalg.norm(r, axis=-1)


def angular_momentum(r_km, v_km_s):
    """Specific angular momentum vector h = r x v, km^2/s (Bate, Mueller & White 1971, eq. 1.5-1).

    Parameters
    ----------
    r_km, v_km_s : array_like, shape (..., 3)
        Inertial position (km) and velocity (km/s).

    Returns
    -------
    numpy.ndarray, shape (..., 3)
        The angular momentum per unit mass, km^2/s.

    Examples
    --------
    >>> angular_momentum([7000.0, 0, 0], [0, 7.5, 0])
    array([    0.,     0., 52500.])
    """
    r = _as_vectors(r_km, "r_km")
    v = _as_vectors(v_km_s, "v_km_s")
    return np.cross(r, v)


def conic_apoapsis_radius(r_km, v_km_s, mu_km3_s2=MU_KM3_S2):
    """Apoapsis radius a (1 + e) of the conic through a state, km; ``inf`` for parabolas and hyperbolas.

    Parameters
    ----------
    r_km, v_km_s : array_like, shape (..., 3)
        Inertial position (km) and velocity (km/s).
    mu_km3_s2 : float
        Gravitational parameter, km^3/s^2.

    Returns
    -------
    numpy.ndarray or float
        Apoapsis radius, km, shape ``(...)``.

    Notes
    -----
    a = -mu / (2 energy), p = h^2 / mu, e = sqrt(1 - p / a) (Bate, Mueller & White 1971, sec. 1.6).

    Examples
    --------
    >>> round(float(conic_apoapsis_radius([7000.0, 0, 0], [0, 7.8, 0])), 3)
    8028.528
    >>> float(conic_apoapsis_radius([7000.0, 0, 0], [0, 11.0, 0]))
    inf
    """
    r = _as_vectors(r_km, "r_km")
    v = _as_vectors(v_km_s, "v_km_s")
    mu = _as_mu(mu_km3_s2)
    energy = 0.5 * np.sum(v * v, axis=-1) - mu / np.linalg.norm(r, axis=-1)
    h = np.cross(r, v)
    h2 = np.sum(h * h, axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        a = -mu / (2.0 * energy)
        e = np.sqrt(np.maximum(1.0 - h2 / (mu * a), 0.0))
        ra = np.where(energy < 0.0, a * (1.0 + e), np.inf)
    return ra[()] if ra.ndim == 0 else ra


@numba.njit(cache=True, inline="always")
def _illinois_step(to_b, x, f, a, fa, b, fb, side):
    """One Illinois step (Dowell & Jarratt 1971) of the bracket (a, fa), (b, fb) with the new point (x, f):
    it replaces b when ``to_b`` (else a), and the value kept at the other end halves when the same end is
    replaced twice running. Returns (a, fa, b, fb, side)."""
    if to_b:
        b, fb = x, f
        if side == 1:
            fa *= 0.5
        side = 1
    else:
        a, fa = x, f
        if side == -1:
            fb *= 0.5
        side = -1
    return a, fa, b, fb, side


@numba.njit(cache=True, inline="always")
def _segment_of(t, ts, n):
    """The interval ``[ts[k], ts[k + 1])`` of the sorted times ``ts[:n]`` (n >= 2) holding t: the largest
    k in [0, n - 2] with ``ts[k] <= t`` (0 before ``ts[0]``), by bisection; numpy's
    ``searchsorted(ts[:n], t, side="right") - 1`` clipped to [0, n - 2]. The one segment search of the
    compiled kernels: the engagement kernel's tabulated boosts and the boost-phase kernel's reach table."""
    lo = 0
    hi = n - 1
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ts[mid] <= t:
            lo = mid
        else:
            hi = mid
    return lo


@numba.njit(cache=True, inline="always")
def _hermite(t, ts, P, V, k, out):
    """Cubic Hermite interpolation at time t on the interval [ts[k], ts[k+1]] of positions ``P`` (K, 3)
    and their rates ``V`` (K, 3) into ``out`` (3,); used by the boost-phase and engagement kernels."""
    h = ts[k + 1] - ts[k]
    s = (t - ts[k]) / h
    s2 = s * s
    s3 = s2 * s
    a, b, c, d = 2.0 * s3 - 3.0 * s2 + 1.0, (s3 - 2.0 * s2 + s) * h, 3.0 * s2 - 2.0 * s3, (s3 - s2) * h
    for j in range(3):
        out[j] = a * P[k, j] + b * V[k, j] + c * P[k + 1, j] + d * V[k + 1, j]
