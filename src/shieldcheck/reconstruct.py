"""Reconstruct a missile's reach from a lofted flight test's observed apogee, range and flight time.

Units: km, s, kg; angles in degrees at the API.

Two methods, as in the public analyses of North Korea's 2017-2023 tests (e.g. D. Wright, Union of Concerned
Scientists, "North Korean ICBM appears able to reach major US cities", 28 Jul 2017):

impulsive
    The missile is given its whole speed at the surface: find the burnout speed and flight-path angle whose
    Keplerian arc over a non-rotating sphere (R = 6371 km) has the observed apogee and range (Bate, Mueller
    & White, *Fundamentals of Astrodynamics*, 1971, ch. 6), then fly that speed on the range-maximising
    angle. This ignores the boost and is known to underestimate the range of long-burning missiles by
    12-27 % (the boost of a lofted shot climbs far higher than that of a standard one).
staged
    With a booster class (:mod:`shieldcheck.catalog.boosters`): fit the staged boost
    (:mod:`shieldcheck.boost`) to the observation by scaling one of the class's masses (the lofted
    trajectory's kick is solved for the observed range and the mass for the observed apogee), then fly the
    fitted missile on its range-maximising program. ``fit="payload"`` (the default) scales the payload;
    ``fit="propellant"`` keeps the class's payload and scales every stage's propellant mass by one factor
    at the class's burn times (:func:`scale_propellant`: the mass flow and thrust scale with the load; dry
    masses unchanged): how much propellant, burnt in the observed times, explains the test.

The observed flight time is not fitted: it is predicted and compared, a check of the model. The minimum-
energy ("standard trajectory") range is given on the non-rotating sphere, the convention of the published
figures, and, from a launch point, on the rotating WGS84 Earth along each azimuth and to named targets.
Uncertainty bands propagate the stated 1-sigma precision of apogee and range linearly (central differences).

>>> r = reconstruct(2802.0, 933.0, 2340.0)
>>> r.method, round(r.burnout_speed_km_s, 2)
('impulsive', 6.2)
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from shieldcheck.boost import _impact_many, solve_kick
from shieldcheck.earth import (
    MU_KM3_S2,
    OMEGA_RAD_S,
    SPHERE_RADIUS_KM,
    ellipsoid,
    enu_basis,
    geodesic_inverse,
    geodetic_to_ecef,
)
from shieldcheck.errors import InputError, require_within

__all__ = [
    "FITS",
    "MAX_TARGETS",
    "PROPELLANT_FACTOR_RANGE",
    "Reconstruction",
    "TargetMargin",
    "free_fall_time_s",
    "impulsive_burnout",
    "parse_measurement",
    "reconstruct",
    "scale_propellant",
]

_R = SPHERE_RADIUS_KM

MAX_TARGETS = 100
"""Most named targets one reconstruction reports margins for (a user controls the count: 5,000 took 52 s)."""
FITS = ("payload", "propellant")
"""What the staged method scales to meet the observed apogee (`reconstruct`'s ``fit``)."""
PROPELLANT_FACTOR_RANGE = (0.2, 3.0)
"""Propellant factors the fit searches: a test that needs a factor outside is ``no-fit`` (a fifth of the
class's load, or three times it, is another missile, not this class flown differently)."""


# -------------------------------------------------------------------------------------------- sphere conics
def _conic(v, g, rb):
    """Apogee altitude (km), ground range (km), time (s) of a Keplerian arc from radius rb to the sphere."""
    q = v * v * rb / MU_KM3_S2
    a = rb / (2.0 - q)
    h = rb * v * math.cos(g)
    p = h * h / MU_KM3_S2
    e = math.sqrt(max(0.0, 1.0 + q * (q - 2.0) * math.cos(g) ** 2))
    nub = math.atan2(p / rb * math.tan(g), p / rb - 1.0)
    nui = 2.0 * math.pi - math.acos(max(-1.0, min(1.0, (p / _R - 1.0) / e)))
    k = math.sqrt((1.0 - e) / (1.0 + e))

    def mean(nu):
        ecc = 2.0 * math.atan(k * math.tan(0.5 * nu))
        return ecc - e * math.sin(ecc)

    dm = (mean(nui) - mean(nub)) % (2.0 * math.pi)
    return a * (1.0 + e) - _R, _R * (nui - nub), dm / math.sqrt(MU_KM3_S2 / a**3)


def impulsive_burnout(apogee_km: float, range_km: float, burnout_altitude_km: float = 0.0):
    """Burnout speed and flight-path angle of the lofted Keplerian arc with a given apogee and range.

    Non-rotating sphere (R = 6371 km), burnout at ``burnout_altitude_km`` (0: at the surface), impact at the
    surface; the lofted (steep) solution. Bate, Mueller & White 1971, ch. 6.

    Returns
    -------
    (burnout_speed_km_s, flight_path_angle_deg, free_flight_time_s)

    Raises
    ------
    InputError
        An input out of range, or no lofted arc with that apogee and range (an apogee too low for the
        range): a helper for `reconstruct`, which reports that case as the status ``"no-fit"``.

    >>> v, g, t = impulsive_burnout(2802.0, 933.0)
    >>> round(v, 3), round(g, 2)
    (6.204, 83.16)
    """
    apogee_km = require_within("apogee_km", apogee_km, 0.0, 1e5, lo_open=True)
    range_km = require_within("range_km", range_km, 0.0, 20000.0, lo_open=True)
    burnout_altitude_km = require_within("burnout_altitude_km", burnout_altitude_km, 0.0, 5000.0)
    if apogee_km <= burnout_altitude_km:
        raise InputError(
            f"apogee_km must exceed the burnout altitude {burnout_altitude_km:g} km, got {apogee_km}"
        )
    fit = _lofted(apogee_km, range_km, burnout_altitude_km)
    if fit is None:
        raise InputError(_too_long(apogee_km, range_km))
    return fit


def _too_long(apogee_km: float, range_km: float) -> str:
    return (
        f"range {range_km:g} km is too long for a lofted arc with apogee {apogee_km:g} km (a lofted "
        "arc, flight-path angle 45 deg or more, with this apogee comes down sooner); check the observation"
    )


def _lofted(apogee_km: float, range_km: float, burnout_altitude_km: float = 0.0):
    """(speed, flight-path angle deg, free-flight time) of the lofted arc, or None when none exists."""
    from scipy.optimize import brentq  # on first use: `import shieldcheck` stays free of scipy.optimize

    rb = _R + burnout_altitude_km
    vesc = math.sqrt(2.0 * MU_KM3_S2 / rb) * (1.0 - 1e-9)

    def v_for(g):
        return brentq(lambda v: _conic(v, g, rb)[0] - apogee_km, 1e-3, vesc, xtol=1e-13)

    g_hi = math.radians(89.99)
    g_lo = math.radians(45.0)
    if _conic(v_for(g_lo), g_lo, rb)[1] < range_km:
        return None
    g = brentq(lambda g: _conic(v_for(g), g, rb)[1] - range_km, g_lo, g_hi, xtol=1e-13)
    v = v_for(g)
    return v, math.degrees(g), _conic(v, g, rb)[2]


def free_fall_time_s(apogee_km: float) -> float:
    """Time to fall from rest at ``apogee_km`` to the surface of the sphere under central gravity, s.

    The shortest descent any ballistic arc with that apogee can make (a horizontal speed at apogee only
    lengthens it), hence a lower bound on a flight's time. Radial Kepler motion is the degenerate ellipse
    (e = 1) of semi-major axis r_a/2: with R/r_a = cos²(E/2), Kepler's equation t = √(a³/μ)(E − sin E)
    gives t = √(r_a³/2μ) (√(x(1 − x)) + arccos √x), x = R/r_a (Bate, Mueller & White 1971, ch. 4 (the
    rectilinear ellipse)).

    >>> round(free_fall_time_s(1000.0), 1)
    510.1
    """
    ra = _R + require_within("apogee_km", apogee_km, 0.0, 1e6)
    x = _R / ra
    return math.sqrt(ra**3 / (2.0 * MU_KM3_S2)) * (math.sqrt(x * (1.0 - x)) + math.acos(math.sqrt(x)))


def _sphere_max_range(v, burnout_altitude_km=0.0, burnout_range_km=0.0):
    from scipy.optimize import minimize_scalar  # on first use (start-up time)

    rb = _R + burnout_altitude_km
    res = minimize_scalar(
        lambda g: -_conic(v, g, rb)[1], bounds=(1e-4, 1.5), method="bounded", options={"xatol": 1e-10}
    )
    return -res.fun + burnout_range_km


# -------------------------------------------------------------------------------------------- rotating Earth
def _impulsive_reach(v_km_s, latitude_deg, longitude_deg, azimuth_deg):
    """Maximum range (km) with Earth-relative burnout speed v at the surface, along each azimuth (WGS84)."""
    az = np.atleast_1d(np.asarray(azimuth_deg, dtype=float))
    g = np.radians(np.arange(1.0, 89.0, 0.05))
    r0 = geodetic_to_ecef(latitude_deg, longitude_deg, 0.0)
    east, north, up = enu_basis(latitude_deg, longitude_deg)
    azr = np.radians(az)[:, None, None]
    horiz = np.sin(azr) * east + np.cos(azr) * north
    gg = g[None, :, None]
    v_rel = v_km_s * (np.cos(gg) * horiz + np.sin(gg) * up)
    v = v_rel + OMEGA_RAD_S * np.array([-r0[1], r0[0], 0.0])
    n = v.shape[0] * v.shape[1]
    r = np.ascontiguousarray(np.broadcast_to(r0, (n, 3)))
    out = np.zeros((n, 6))
    a_e, e2 = ellipsoid("wgs84")
    _impact_many(r, np.ascontiguousarray(v.reshape(n, 3)), np.zeros(n), MU_KM3_S2, OMEGA_RAD_S, a_e, e2, out)
    from shieldcheck.earth import ecef_to_geodetic

    lat, lon, _ = ecef_to_geodetic(out[:, 2:5])
    d = np.where(out[:, 0] == 0, geodesic_inverse(latitude_deg, longitude_deg, lat, lon)[0], np.nan)
    return np.nanmax(d.reshape(v.shape[0], v.shape[1]), axis=1)


# -------------------------------------------------------------------------------------------- staged fit
def scale_propellant(vehicle, factor: float):
    """The vehicle with every stage's propellant load scaled by ``factor`` at the same burn times.

    Each stage's propellant mass is multiplied by ``factor`` and burnt over the stage's own burn time, so
    its mass flow ``ṁ = m_p / t_b`` and thrust (``F = ṁ g₀ I_sp``) scale with it; dry masses, specific
    impulses, diameters, coasts and the payload are unchanged. Why the burn time is held: it is what
    observers measure (launch videos, infrared early-warning satellites), while the propellant masses of
    the catalog's classes are estimates; a reconstruction asks how much propellant, burnt in the observed
    times, explains the test (the "rubber rocket" of conceptual design: engines sized with the load).
    Holding the thrust instead (tanks partly filled, the same engines, burn times scaling with the load)
    cannot explain the higher tests: the lift-off thrust-to-weight ratio falls as the load grows and the
    apogee peaks (Hwasong-14, 28 July 2017: at most 3,279 km, at 1.26 times the class's load, against
    3,725 km observed). Keeping the dry masses makes a larger load slightly optimistic (bigger tanks and
    engines weigh more).

    Parameters
    ----------
    vehicle : shieldcheck.boost.Vehicle
    factor : float
        Propellant scale factor, in :data:`PROPELLANT_FACTOR_RANGE` ([0.2, 3]).

    Returns
    -------
    shieldcheck.boost.Vehicle

    Raises
    ------
    InputError
        ``factor`` outside [0.2, 3] (or not a number).

    >>> from shieldcheck.boost import Vehicle
    >>> v = Vehicle.single_stage(propellant_mass_kg=1000.0, dry_mass_kg=100.0, burn_time_s=50.0,
    ...                          isp_vac_s=280.0, isp_sl_s=250.0, diameter_m=1.0, payload_kg=10.0)
    >>> s = scale_propellant(v, 0.8).stages[0]
    >>> s.propellant_mass_kg, s.burn_time_s, s.dry_mass_kg
    (800.0, 50.0, 100.0)
    """
    from shieldcheck.boost import Stage, Vehicle

    lo, hi = PROPELLANT_FACTOR_RANGE
    f = require_within("factor", factor, lo, hi)
    stages = tuple(
        Stage(s.propellant_mass_kg * f, s.dry_mass_kg, s.burn_time_s, s.isp_vac_s, s.isp_sl_s,
              s.diameter_m, s.coast_after_s)
        for s in vehicle.stages
    )
    return Vehicle(stages, vehicle.payload_kg, vehicle.cd_mach, vehicle.name)


def _staged_fit(vehicle, apogee_km, range_km, fit="payload"):
    """The fitted mass and lofted solution that reproduce a test's apogee and range (non-rotating sphere).

    ``fit="payload"``: (payload kg, solution); ``fit="propellant"``: (propellant factor, solution) at the
    class's payload. For each payload (factor) the kick is solved for the observed range on the lofted side;
    the apogee then falls as the payload grows (rises as the factor grows). Two batched grid passes
    (log-spaced, then linear inside the first bracketing pair: the lightest payload, the smallest factor)
    bracket the observed apogee, and a final linear interpolation gives the mass (to well under 1 kg; a
    factor to about 1e-8). None when no grid pair brackets it; for the propellant fit, the reason instead
    (text).
    """
    kw = dict(earth="sphere", rotation=False, iterations=30)
    if fit == "payload":
        sign = 1.0  # apogee falls as the payload grows

        def apogees(payloads):
            s = solve_kick(vehicle, 0.0, 0.0, 90.0, "range", range_km=range_km, payload_kg=payloads, **kw)
            return np.where(s["status"] == "ok", s["apogee_altitude_km"], np.nan), s

        grid = np.concatenate([[0.0], np.geomspace(10.0, 50000.0, 47)])
    else:
        sign = -1.0  # apogee rises with the propellant load (the comparisons below are on -apogee)

        def apogees(factors):
            n = len(factors)
            vehicles = [scale_propellant(vehicle, f) for f in factors]
            zero = np.zeros(n)
            s = solve_kick(vehicles if n > 1 else vehicles[0], zero, zero, np.full(n, 90.0), "range",
                           range_km=range_km, **kw)
            return np.where(s["status"] == "ok", s["apogee_altitude_km"], np.nan), s

        grid = np.geomspace(*PROPELLANT_FACTOR_RANGE, 29)
    target = sign * apogee_km
    for i_pass in range(2):
        ap, _ = apogees(grid)
        sap = sign * ap
        cross = np.where((sap[:-1] > target) & (sap[1:] <= target))[0]
        if cross.size == 0:
            if fit == "propellant" and i_pass == 0:
                return _factor_out_of_range(vehicle.name, apogee_km, range_km, grid, ap)
            return None
        i = int(cross[0])
        grid = np.linspace(grid[i], grid[i + 1], 17)
    ap, _ = apogees(grid)
    ok = np.isfinite(ap)
    g, a = grid[ok], ap[ok]
    j = np.where(sign * a <= target)[0]
    if j.size == 0 or j[0] == 0:
        return None
    k = int(j[0])
    value = g[k - 1] + (apogee_km - a[k - 1]) * (g[k] - g[k - 1]) / (a[k] - a[k - 1])
    _, s = apogees(np.array([value]))
    if s["status"][0] != "ok":
        return None
    return float(value), s


def _factor_out_of_range(name, apogee_km, range_km, factors, apogees) -> str:
    """Why no propellant factor in PROPELLANT_FACTOR_RANGE gives the observed apogee (text).

    ``apogees``: the lofted apogee (km) at each factor of the grid, NaN where the range is not flown."""
    lo, hi = PROPELLANT_FACTOR_RANGE
    head = f"missile {name!r} cannot fly a lofted arc with apogee {apogee_km:g} km and range {range_km:g} km"
    ok = np.isfinite(apogees)
    if ok.any() and np.all(apogees[ok] > apogee_km):
        k = int(np.flatnonzero(ok)[0])
        if k == 0:
            how = (f"even {lo:g} times its propellant gives an apogee of {apogees[0]:,.0f} km: it would need "
                   f"less than {lo:g} times its load")
        else:
            how = (f"the least load that flies this range, {factors[k]:.2f} times its propellant, already "
                   f"climbs to {apogees[k]:,.0f} km: no load in [{lo:g}, {hi:g}] gives this apogee")
    elif ok.any() and np.all(apogees[ok] < apogee_km):
        k = int(np.nanargmax(apogees))
        how = (f"no propellant factor in [{lo:g}, {hi:g}] reaches that apogee (the highest, "
               f"{apogees[k]:,.0f} km, at {factors[k]:.2f} times its load)")
    else:
        how = f"no propellant factor in [{lo:g}, {hi:g}] flies a lofted arc with that apogee and range"
    return f"{head}: {how}; try the payload fit (--fit payload; fit='payload' in Python) or another class"


# -------------------------------------------------------------------------------------------- results
@dataclass(frozen=True, slots=True)
class TargetMargin:
    """How far a reconstructed missile reaches beyond (positive) or short of (negative) a target."""

    name: str
    distance_km: float
    azimuth_deg: float
    max_range_km: float
    margin_km: float
    global_reach: bool = False
    """True when the maximum range along the target's azimuth reaches the antipode or orbit (see
    `Reconstruction.reach_global`): the target is within reach whatever its distance."""


@dataclass(frozen=True, slots=True)
class Reconstruction:
    """What a lofted test implies (see the module notes for the methods and their assumptions).

    Attributes
    ----------
    method : str
        ``"impulsive"`` or ``"staged"``.
    missile : str
        Booster name for the staged method, empty otherwise.
    fit : str
        What the staged method scaled to meet the apogee: ``"payload"`` or ``"propellant"``; empty for
        the impulsive method.
    apogee_km, range_km, flight_time_s : float
        The observation.
    burnout_speed_km_s, flight_path_angle_deg, burnout_altitude_km, burnout_time_s : float
        Burnout state of the lofted test (speed relative to the Earth).
    payload_kg : float
        Payload mass flown (staged): fitted (``fit="payload"``) or the class's (``fit="propellant"``);
        NaN for the impulsive method.
    propellant_factor : float
        Factor on every stage's propellant load (:func:`scale_propellant`): fitted (``fit="propellant"``)
        or 1 (``fit="payload"``); NaN for the impulsive method.
    stage_propellant_kg, stage_burn_time_s : tuple of float
        Each stage's propellant mass (kg) and burn time (s) as flown, first stage first (empty for the
        impulsive method).
    predicted_flight_time_s, flight_time_error_s : float
        Launch-to-impact time of the fitted lofted trajectory, and predicted minus observed.
    standard_range_km, standard_range_sigma_km : float
        Range on the range-maximising (minimum-energy) trajectory, non-rotating sphere, and its 1-sigma
        band from the observation's stated precision.
    azimuths_deg, reach_km : tuple of float
        From the launch point (rotating WGS84 Earth): maximum range along each azimuth.
    reach_global : tuple of bool
        Per azimuth: the maximum range is within 1 % of half the circumference, past it or NaN (the arc
        reaches the antipode or does not come down), the rule of status ``"global"``: any point on Earth
        is within reach along it, and the ``reach_km`` figure is not a range to quote.
    targets : tuple of TargetMargin
    launch : str
        The launch point's name ("" when none was given).
    status : str
        ``"ok"``; ``"no-fit"`` when no ballistic flight explains the observation (every number NaN; the
        reason says why); ``"sigma-unknown"`` when neither end of the ±sigma band can be fitted (the band
        is NaN); ``"global"`` when the fitted missile reaches the antipode or orbit on a standard
        trajectory (any point on Earth is within reach; the standard range is NaN); ``"time-mismatch"``
        when the predicted flight time differs from the observed one by more than 20 % (the apogee, range
        and time do not belong to one ballistic flight as modelled).
    reason : str
        Plain words for a status other than ``"ok"``.
    """

    method: str
    missile: str
    apogee_km: float
    range_km: float
    flight_time_s: float
    burnout_speed_km_s: float
    flight_path_angle_deg: float
    burnout_altitude_km: float
    burnout_time_s: float
    payload_kg: float
    predicted_flight_time_s: float
    flight_time_error_s: float
    standard_range_km: float
    standard_range_sigma_km: float
    azimuths_deg: tuple = ()
    reach_km: tuple = ()
    targets: tuple = ()
    launch: str = ""
    status: str = "ok"
    reason: str = ""
    fit: str = ""
    propellant_factor: float = math.nan
    stage_propellant_kg: tuple = ()
    stage_burn_time_s: tuple = ()
    reach_global: tuple = ()


def _reaches_antipode(range_km) -> bool:
    """The rule of status ``"global"``: a geodesic range saturates at half the circumference (the
    antipode), so one within 1 % of it, past it or NaN (the arc does not come down) reaches everywhere."""
    return not range_km < 0.99 * math.pi * _R


def _no_fit(observed: dict, reason: str) -> Reconstruction:
    """The result for an observation no ballistic flight explains: status ``"no-fit"``, numbers NaN."""
    nan = math.nan
    return Reconstruction(**observed, burnout_speed_km_s=nan, flight_path_angle_deg=nan,
                          burnout_altitude_km=nan, burnout_time_s=nan, payload_kg=nan,
                          predicted_flight_time_s=nan, flight_time_error_s=nan, standard_range_km=nan,
                          standard_range_sigma_km=nan, status="no-fit", reason=reason)


_NUM = r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
_MEAS = re.compile(rf"^\s*({_NUM})\s*(?:(?:±|\+-|\+/-)\s*({_NUM}))?\s*$")


def parse_measurement(text, field: str) -> tuple[float, float]:
    """A measured value with an optional 1-sigma precision: ``"2802"``, ``"2802±10"``, ``"2802+-10"``.

    >>> parse_measurement("2802±10", "apogee_km")
    (2802.0, 10.0)
    >>> parse_measurement("about 2802", "apogee_km")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    shieldcheck.errors.InputError: apogee_km must be a number with an optional ±sigma (e.g. 2802±10), got ...
    """
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text), 0.0
    m = _MEAS.match(str(text))
    try:
        if not m:
            raise ValueError
        return float(m.group(1)), float(m.group(2) or 0.0)
    except ValueError:
        raise InputError(
            f"{field} must be a number with an optional ±sigma (e.g. 2802±10), got {text!r}"
        ) from None


def reconstruct(
    apogee_km,
    range_km,
    flight_time_s,
    *,
    missile: str | None = None,
    apogee_sigma_km: float = 0.0,
    range_sigma_km: float = 0.0,
    launch=None,
    targets=(),
    azimuth_step_deg: float = 45.0,
    fit: str = "payload",
) -> Reconstruction:
    """Burnout state, standard-trajectory range and reach implied by a lofted test.

    Parameters
    ----------
    apogee_km, range_km, flight_time_s : float
        Observed apogee altitude (km, in (0, 20000]), ground range (km, in (0, 5000]) and flight time
        (s, in (0, 20000]).
    missile : str, optional
        Booster class (``shieldcheck.catalog.boosters``) for the staged method.
    apogee_sigma_km, range_sigma_km : float
        1-sigma precision of the observation (km).
    launch : str or Place, optional
        Launch point for the rotating-Earth reach (catalog name or ``"lat,lon"``).
    targets : sequence of str
        Named places to report margins for (needs ``launch``), at most `MAX_TARGETS`; a place named twice
        is reported once.
    azimuth_step_deg : float
        Azimuth spacing of the reach table, deg, in [1, 180].
    fit : {"payload", "propellant"}
        What the staged method scales to meet the observed apogee: the payload mass, or every stage's
        propellant mass by one factor in [0.2, 3] at the class's burn times (:func:`scale_propellant`;
        the class's payload is flown). The standard range and the reach are flown with the fitted
        vehicle. Needs ``missile`` when ``"propellant"``.

    Raises
    ------
    InputError
        An input out of range (bools and text are not numbers), an unknown missile or place, targets
        without a launch point, an unknown ``fit`` or a propellant fit without a missile.

    Notes
    -----
    An observation no ballistic flight explains is a result, not an error: status ``"no-fit"`` with the
    reason (a flight time shorter than the fall from the apogee, :func:`free_fall_time_s`; a range too
    long for a lofted arc with that apogee; no payload of the class, or no propellant factor in [0.2, 3],
    that flies it), its numbers NaN. A flight time that some arc could have but that differs from the
    fitted arc's by more than 20 % is status ``"time-mismatch"`` (the published tests agree within 12 %).

    >>> r = reconstruct(200.0, 3000.0, 900.0)
    >>> r.status, r.reason[:40]
    ('no-fit', 'range 3000 km is too long for a lofted a')
    """
    apogee_km = require_within("apogee_km", apogee_km, 0.0, 20000.0, lo_open=True)
    range_km = require_within("range_km", range_km, 0.0, 5000.0, lo_open=True)
    flight_time_s = require_within("flight_time_s", flight_time_s, 0.0, 20000.0, lo_open=True)
    apogee_sigma_km = require_within("apogee_sigma_km", apogee_sigma_km, 0.0, 0.2 * apogee_km)
    range_sigma_km = require_within("range_sigma_km", range_sigma_km, 0.0, 0.2 * range_km)
    azimuth_step_deg = require_within("azimuth_step_deg", azimuth_step_deg, 1.0, 180.0)
    if targets and launch is None:
        raise InputError("targets need a launch point: give launch (e.g. --from pyongyang)")
    if not isinstance(fit, str) or fit not in FITS:
        raise InputError(f"fit must be one of {', '.join(FITS)}, got {fit!r}")
    if fit == "propellant" and not missile:
        raise InputError("fit 'propellant' needs a missile class with stages (the impulsive method has no "
                         "propellant to scale): give missile")
    t_fall = free_fall_time_s(apogee_km)
    booster = None
    if missile:
        from shieldcheck.catalog.boosters import get_booster

        booster = get_booster(missile)

    def solve(a, r):
        """(burnout speed, fpa, burnout alt, burnout time, payload, predicted time, standard range,
        propellant factor), or the reason no lofted arc fits (text)."""
        if booster is None:
            arc = _lofted(a, r)
            if arc is None:
                return _too_long(a, r)
            v, g, t = arc
            return v, g, 0.0, 0.0, math.nan, t, _sphere_max_range(v), math.nan
        found = _staged_fit(booster.vehicle, a, r, fit)
        if isinstance(found, str):
            return found
        if found is None:
            how = ("any payload; try another class or the impulsive method" if fit == "payload" else
                   "any propellant factor in [0.2, 3]; try the payload fit (--fit payload; fit='payload' in "
                   "Python) or another class")
            return (
                f"missile {booster.name!r} cannot fly a lofted arc with apogee {a:g} km and range {r:g} km "
                f"at {how}"
            )
        value, s = found
        if fit == "payload":
            payload, factor = value, 1.0
            best = solve_kick(booster.vehicle, 0.0, 0.0, 90.0, "max-range", payload_kg=payload,
                              earth="sphere", rotation=False)
        else:
            payload, factor = booster.vehicle.payload_kg, value
            best = solve_kick(
                scale_propellant(booster.vehicle, factor), 0.0, 0.0, 90.0, "max-range", earth="sphere",
                rotation=False,
            )
        return (
            s["burnout_speed_km_s"][0],
            s["flight_path_angle_deg"][0],
            s["burnout_altitude_km"][0],
            s["burnout_time_s"][0],
            payload,
            s["flight_time_s"][0],
            best["range_km"][0],
            factor,
        )

    observed = dict(method="impulsive" if booster is None else "staged",
                    missile="" if booster is None else booster.name, apogee_km=apogee_km, range_km=range_km,
                    flight_time_s=flight_time_s, fit="" if booster is None else fit)
    if flight_time_s < t_fall:
        return _no_fit(observed, f"the observed flight time {flight_time_s:g} s is shorter than the "
                       f"{t_fall:,.0f} s it takes to fall from an apogee of {apogee_km:g} km alone: no "
                       "ballistic arc fits this observation")
    nominal = solve(apogee_km, range_km)
    if isinstance(nominal, str):
        return _no_fit(observed, nominal)
    v, g, h_bo, t_bo, payload, t_pred, std, factor = nominal
    var = 0.0
    for sig, da in ((apogee_sigma_km, (1.0, 0.0)), (range_sigma_km, (0.0, 1.0))):
        if sig > 0:
            # a side of the band no lofted arc fits (near the edge of the possible) leaves the other side
            ends = [solve(apogee_km + k * da[0] * sig, range_km + k * da[1] * sig) for k in (1.0, -1.0)]
            ranges = [e[6] for e in ends if not isinstance(e, str)]
            var += (0.5 * (ranges[0] - ranges[1])) ** 2 if len(ranges) == 2 else (
                (ranges[0] - std) ** 2 if ranges else math.nan)
    azimuths, reach, margins, launch_name, reach_global = (), (), (), "", ()
    if launch is not None:
        from shieldcheck.catalog import Place, resolve_place

        if not isinstance(launch, (str, Place)):
            raise InputError(f"launch must be a place name, 'lat,lon' or a Place, got {launch!r}")
        if isinstance(targets, str):
            raise InputError(f"targets must be a sequence of place names, got the text {targets!r}")
        lp = resolve_place(launch) if isinstance(launch, str) else launch
        launch_name = lp.name
        targets = list(targets)
        if len(targets) > MAX_TARGETS:
            raise InputError(f"targets (--to): at most {MAX_TARGETS} places, got {len(targets)}")
        once: dict = {}  # a place named twice is reported once, in the order first given
        for t in targets:
            p = resolve_place(t) if isinstance(t, str) else t
            once.setdefault(p.name, p)
        places = list(once.values())
        az_grid = np.arange(0.0, 360.0, azimuth_step_deg)
        t_d, t_az = [], []
        for p in places:
            d, a1, _ = geodesic_inverse(lp.latitude_deg, lp.longitude_deg, p.latitude_deg, p.longitude_deg)
            t_d.append(float(d))
            t_az.append(float(np.mod(a1, 360.0)))
        all_az = np.concatenate([az_grid, np.asarray(t_az, dtype=float)])
        if booster is None:
            rr = _impulsive_reach(v, lp.latitude_deg, lp.longitude_deg, all_az)
        elif fit == "payload":
            s = solve_kick(
                booster.vehicle, lp.latitude_deg, lp.longitude_deg, all_az, "max-range", payload_kg=payload
            )
            rr = s["range_km"]
        else:
            s = solve_kick(
                scale_propellant(booster.vehicle, factor), lp.latitude_deg, lp.longitude_deg, all_az,
                "max-range",
            )
            rr = s["range_km"]
        azimuths = tuple(float(a) for a in az_grid)
        reach = tuple(float(x) for x in rr[: az_grid.size])
        reach_global = tuple(_reaches_antipode(x) for x in reach)
        margins = tuple(
            TargetMargin(p.name, d, a, float(m), float(m) - d, _reaches_antipode(m))
            for p, d, a, m in zip(places, t_d, t_az, rr[az_grid.size :], strict=True)
        )
    stages_kg, stages_s = (), ()
    if booster is not None:
        flown = booster.vehicle if fit == "payload" else scale_propellant(booster.vehicle, factor)
        stages_kg = tuple(float(st.propellant_mass_kg) for st in flown.stages)
        stages_s = tuple(float(st.burn_time_s) for st in flown.stages)
    status, reason = "ok", ""
    if math.isnan(var):
        status = "sigma-unknown"
        reason = "no lofted arc fits either end of the observation's ±sigma band: the band is not given"
    # the geodesic range saturates at half the circumference (the antipode): a standard range within 1 %
    # of it, past it, or NaN (the arc does not come down) means the whole Earth is within reach
    if _reaches_antipode(std):
        status = "global"
        reason = (
            f"on a standard trajectory the fitted missile reaches the antipode or orbit (lofted-test "
            f"burnout speed {v:.2f} km/s): it could reach any point on Earth, so no standard range is given"
        )
        std, var = math.nan, math.nan
    elif abs(t_pred - flight_time_s) > 0.2 * flight_time_s:
        status = "time-mismatch"
        reason = (
            f"the observed flight time {flight_time_s:,.0f} s differs by "
            f"{100 * (flight_time_s - t_pred) / t_pred:+.0f} % from the {t_pred:,.0f} s of the arc with this "
            "apogee and range: check that the three figures belong to one flight"
        )
    return Reconstruction(
        method="impulsive" if booster is None else "staged",
        missile="" if booster is None else booster.name,
        apogee_km=apogee_km,
        range_km=range_km,
        flight_time_s=flight_time_s,
        burnout_speed_km_s=float(v),
        flight_path_angle_deg=float(g),
        burnout_altitude_km=float(h_bo),
        burnout_time_s=float(t_bo),
        payload_kg=float(payload),
        predicted_flight_time_s=float(t_pred),
        flight_time_error_s=float(t_pred - flight_time_s),
        standard_range_km=float(std),
        standard_range_sigma_km=float(math.sqrt(var)),
        azimuths_deg=azimuths,
        reach_km=reach,
        targets=margins,
        launch=launch_name,
        status=status,
        reason=reason,
        fit="" if booster is None else fit,
        propellant_factor=float(factor),
        stage_propellant_kg=stages_kg,
        stage_burn_time_s=stages_s,
        reach_global=reach_global,
    )
