"""Interceptor types, sites and their kinematic reach.

Units: km, s, rad inside; ``_deg`` at the API. Time is seconds after the *threat's* launch unless a name
says otherwise (``time_after_launch_s`` is after the interceptor's launch).

The default kinematic model (documented, replaceable)
-----------------------------------------------------
An interceptor launched at t_L burns out at ``t_L + burn_time_s`` directly above its site at
``burnout_altitude_km`` (a fixed Earth point), then coasts on a Keplerian arc to the intercept point. A
point P (inertial position at time t) is *reachable* if the Lambert arc from the burnout point to P in the
remaining time ``t − t_L − burn_time_s`` (at most ``max_coast_time_s``) needs a burnout speed relative to the
rotating Earth no greater than ``burnout_speed_km_s``. This is the "kinematic reach" used by the public
studies of the 2007 European site (e.g. Postol 2007; Lewis & Postol 2010): it ignores the boost trajectory
shape, divert and homing, and treats the burnout speed as available in any direction.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass, field

import numba
import numpy as np

from shieldcheck import earth as _earth
from shieldcheck.earth import MU_KM3_S2
from shieldcheck.errors import InputError, require_within
from shieldcheck.orbits import lambert_kernel

__all__ = [
    "InterceptorType",
    "InterceptorSite",
    "ReachFan",
    "reach_fan",
    "required_speed",
    "intercept_speed_kernel",
    "StagedFlyout",
    "catalog_booster",
    "staged_flyout",
    "integrated_flyout",
    "catalog_type",
]


MAX_POINTS = 10_000_000
"""Most points `required_speed` takes per call."""


def _require(name: str, value: float, lo: float, hi: float = math.inf, lo_open: bool = False) -> None:
    require_within(name, value, lo, hi, lo_open=lo_open)


@dataclass(frozen=True)
class InterceptorType:
    """Kinematic description of an interceptor (all values public estimates; see the scenario files).

    Parameters
    ----------
    name : str
    burnout_speed_km_s : float
        Burnout speed relative to the rotating Earth, km/s.
    burn_time_s : float
        Launch to burnout, s.
    burnout_altitude_km : float
        Altitude of the burnout point above the site, km.
    min_intercept_altitude_km, max_intercept_altitude_km : float
        Altitude band in which the kill vehicle can intercept, km.
    max_coast_time_s : float
        Longest coast from burnout to intercept, s.
    launch_delay_s : float
        From the fire decision to lift-off, s.

    >>> InterceptorType("gbi-2", 6.3, 120.0, 200.0).burnout_speed_km_s
    6.3
    """

    name: str
    burnout_speed_km_s: float
    burn_time_s: float
    burnout_altitude_km: float
    min_intercept_altitude_km: float = 100.0
    max_intercept_altitude_km: float = 2000.0
    max_coast_time_s: float = 1500.0
    launch_delay_s: float = 0.0

    def __post_init__(self) -> None:
        _require(f"{self.name} burnout_speed_km_s", self.burnout_speed_km_s, 0.0, 15.0, lo_open=True)
        _require(f"{self.name} burn_time_s", self.burn_time_s, 0.0, 1000.0)
        _require(f"{self.name} burnout_altitude_km", self.burnout_altitude_km, 0.0, 2000.0)
        _require(f"{self.name} min_intercept_altitude_km", self.min_intercept_altitude_km, 0.0, 10000.0)
        _require(
            f"{self.name} max_intercept_altitude_km",
            self.max_intercept_altitude_km,
            self.min_intercept_altitude_km,
            40000.0,
        )
        _require(f"{self.name} max_coast_time_s", self.max_coast_time_s, 0.0, 86400.0, lo_open=True)
        _require(f"{self.name} launch_delay_s", self.launch_delay_s, 0.0, 86400.0)


@dataclass(frozen=True)
class InterceptorSite:
    """A launch site: a place, an interceptor type and an inventory.

    >>> t = InterceptorType("gbi-2", 6.3, 120.0, 200.0)
    >>> InterceptorSite("redzikowo", 54.472, 17.124, t, 10).inventory
    10
    """

    name: str
    latitude_deg: float
    longitude_deg: float
    interceptor: InterceptorType
    inventory: int = 10
    label: str = field(default="", compare=False)
    """The place's name for readers (``Incirlik Air Base`` for the site ``gbi-site``); ``name`` if empty."""

    def __post_init__(self) -> None:
        _require(f"{self.name} latitude_deg", self.latitude_deg, -90.0, 90.0)
        _require(f"{self.name} longitude_deg", self.longitude_deg, -180.0, 360.0)
        if not isinstance(self.inventory, int) or self.inventory < 0:
            raise InputError(f"{self.name} inventory must be an integer >= 0, got {self.inventory!r}")


# ============================================================================ kinematic reach
@numba.njit(cache=True, error_model="numpy")
def intercept_speed_kernel(r_bo_ecef, t_burnout, p_eci, t_intercept, omega, mu, r1, v1, v2):
    """Burnout speed relative to the Earth (km/s) needed to reach ``p_eci`` at ``t_intercept``.

    The interceptor burns out at ``t_burnout`` at the Earth-fixed point ``r_bo_ecef`` (ECI position
    ``R_z(ω t_burnout) r_bo_ecef``) and coasts on the short-way Lambert arc. Writes the burnout ECI
    position to ``r1`` and the arc's velocities to ``v1``/``v2``; returns inf when no arc exists.
    """
    tau = t_intercept - t_burnout
    if not tau > 0.0:
        return np.inf
    c = math.cos(omega * t_burnout)
    s = math.sin(omega * t_burnout)
    r1[0] = c * r_bo_ecef[0] - s * r_bo_ecef[1]
    r1[1] = s * r_bo_ecef[0] + c * r_bo_ecef[1]
    r1[2] = r_bo_ecef[2]
    if lambert_kernel(r1, p_eci, tau, np.bool_(False), mu, v1, v2) != 0:
        return np.inf
    wx = v1[0] + omega * r1[1]
    wy = v1[1] - omega * r1[0]
    return math.sqrt(wx * wx + wy * wy + v1[2] * v1[2])


@numba.njit(parallel=True, cache=True, error_model="numpy")
def _fan_kernel(r_bo_ecef, t_burnout, points_ecef, t_after, omega, mu, out):
    for i in numba.prange(points_ecef.shape[0]):
        r1 = np.empty(3)
        v1 = np.empty(3)
        v2 = np.empty(3)
        p = np.empty(3)
        c = math.cos(omega * t_after)
        s = math.sin(omega * t_after)
        p[0] = c * points_ecef[i, 0] - s * points_ecef[i, 1]
        p[1] = s * points_ecef[i, 0] + c * points_ecef[i, 1]
        p[2] = points_ecef[i, 2]
        out[i] = intercept_speed_kernel(r_bo_ecef, t_burnout, p, t_after, omega, mu, r1, v1, v2)


def required_speed(
    site: InterceptorSite,
    points_ecef_km,
    time_after_launch_s,
    earth: str = "wgs84",
    rotation: bool = True,
    mu_km3_s2: float = MU_KM3_S2,
):
    """Burnout speed (km/s, relative to the Earth) an interceptor needs to be at Earth-fixed points
    ``points_ecef_km`` (ECEF at that moment) ``time_after_launch_s`` after its launch. Vectorised over
    points; inf where the time is shorter than the burn or no arc exists.

    >>> t = InterceptorType("gbi-2", 6.3, 120.0, 200.0)
    >>> s = InterceptorSite("redzikowo", 54.472, 17.124, t, 10)
    >>> p = _earth.geodetic_to_ecef(56.0, 25.0, 500.0)
    >>> round(float(required_speed(s, p, 400.0)), 3)
    3.03
    """
    _require("time_after_launch_s", time_after_launch_s, 0.0, 86400.0, lo_open=True)
    from shieldcheck.orbits import _as_mu, _as_vectors

    pts = _as_vectors(points_ecef_km, "points_ecef_km", limit=1e6, finite=True)
    if pts.size // 3 > MAX_POINTS:
        raise InputError(f"points_ecef_km may hold at most {MAX_POINTS:,} points, got {pts.size // 3:,}")
    mu_km3_s2 = _as_mu(mu_km3_s2)
    flat = np.ascontiguousarray(pts.reshape(-1, 3))
    it = site.interceptor
    r_bo = _earth.geodetic_to_ecef(site.latitude_deg, site.longitude_deg, it.burnout_altitude_km, earth)
    out = np.empty(flat.shape[0])
    _fan_kernel(
        np.ascontiguousarray(r_bo),
        it.burn_time_s,
        flat,
        float(time_after_launch_s),
        _earth.rotation_rate(rotation),
        float(mu_km3_s2),
        out,
    )
    out = out.reshape(pts.shape[:-1])
    return out[()] if out.ndim == 0 else out


@dataclass(frozen=True)
class ReachFan:
    """Farthest ground range reachable along each azimuth at one altitude and one time after launch."""

    site: str
    time_after_launch_s: float
    altitude_km: float
    azimuth_deg: np.ndarray
    max_ground_range_km: np.ndarray  # 0 where nothing at that altitude is reachable along the azimuth
    latitude_deg: np.ndarray  # boundary points
    longitude_deg: np.ndarray


def reach_fan(
    site: InterceptorSite,
    time_after_launch_s: float,
    altitude_km: float,
    azimuths_deg=None,
    earth: str = "wgs84",
    rotation: bool = True,
    tol_km: float = 0.1,
) -> ReachFan:
    """The boundary of the set reachable at ``altitude_km`` exactly ``time_after_launch_s`` after launch.

    Along each azimuth from the site, bisect for the largest ground range whose point (fixed to the Earth
    at that moment) needs no more than the interceptor's burnout speed, to ``tol_km``. Assumes the
    reachable set along a ray is an interval starting near the site (true for the kinematic model at
    altitudes above the burnout altitude; checked in the tests). ``tol_km`` must be within [1e-4, 1000]
    km and ``azimuths_deg`` hold at most 36000 azimuths, else `InputError`.

    >>> t = InterceptorType("gbi-2", 6.3, 120.0, 200.0)
    >>> fan = reach_fan(InterceptorSite("redzikowo", 54.472, 17.124, t), 400.0, 500.0, [0.0, 90.0])
    >>> [round(float(r)) for r in fan.max_ground_range_km]
    [1574, 1576]
    """
    _require("altitude_km", altitude_km, 0.0, 40000.0)
    _require("time_after_launch_s", time_after_launch_s, 0.0, 86400.0, lo_open=True)
    tol_km = require_within("tol_km", tol_km, 1e-4, 1000.0)
    if azimuths_deg is None:
        az = np.arange(0.0, 360.0, 5.0)
    else:
        try:
            az = np.atleast_1d(np.asarray(azimuths_deg, float))
        except (TypeError, ValueError):
            raise InputError(f"azimuths_deg must be a sequence of numbers, got {azimuths_deg!r}") from None
        if az.ndim != 1 or az.size > 36_000 or not np.all(np.isfinite(az)):
            raise InputError(
                f"azimuths_deg must be a 1-D sequence of at most 36000 finite azimuths, got shape {az.shape}"
            )
    v = site.interceptor.burnout_speed_km_s
    tau = float(time_after_launch_s) - site.interceptor.burn_time_s
    hi = np.full(az.shape, min(max(tau, 0.0) * 12.0, 20000.0))
    lo = np.zeros(az.shape)

    def speed(dist):
        la, lo_, _ = _earth.geodesic_direct(site.latitude_deg, site.longitude_deg, az, dist, earth=earth)
        return required_speed(
            site, _earth.geodetic_to_ecef(la, lo_, altitude_km, earth), time_after_launch_s, earth, rotation
        )

    ok0 = speed(lo) <= v
    for _ in range(64):  # each pass halves the bracket (<= 20000 km) to tol_km >= 1e-4 km: < 30 passes
        if not np.any(hi - lo > tol_km):
            break
        mid = 0.5 * (lo + hi)
        good = speed(mid) <= v
        lo = np.where(good, mid, lo)
        hi = np.where(good, hi, mid)
    rng = np.where(ok0, lo, 0.0)
    la, lo_, _ = _earth.geodesic_direct(site.latitude_deg, site.longitude_deg, az, rng, earth=earth)
    return ReachFan(
        site.name, float(time_after_launch_s), float(altitude_km), az, rng, np.asarray(la), np.asarray(lo_)
    )


# ============================================================================ interceptors with stages
@dataclass(frozen=True)
class StagedFlyout:
    """An interceptor's own powered flight, integrated from its stages, tabulated for the fly-out models.

    Attributes
    ----------
    name : str
    time_s : ndarray (K,)
        Time after the interceptor's launch, 0 to final burnout, s.
    reach_km : ndarray (K,)
        Straight-line distance from the launch point at those times (the radius of the direction-free
        reach sphere during the burn), km.
    burn_time_s, burnout_speed_km_s, burnout_altitude_km, burnout_range_km, flight_path_angle_deg : float
        At final burnout: launch to burnout (coasts included), speed relative to the Earth, altitude,
        ground distance from the launch point, flight-path angle.
    ideal_delta_v_km_s, gravity_loss_km_s, drag_loss_km_s : float
        Rocket-equation speed of the stages and the losses the integration found (the gap between the two
        speeds), km/s.
    launch_delay_s : float
        From the fire decision to lift-off, s.
    payload_kg : float
        The kill vehicle and what rides with it above the last stage, kg.
    """

    name: str
    time_s: np.ndarray
    reach_km: np.ndarray
    burn_time_s: float
    burnout_speed_km_s: float
    burnout_altitude_km: float
    burnout_range_km: float
    flight_path_angle_deg: float
    ideal_delta_v_km_s: float
    gravity_loss_km_s: float
    drag_loss_km_s: float
    launch_delay_s: float
    payload_kg: float

    def interceptor_type(self, base: InterceptorType) -> InterceptorType:
        """``base`` with its burnout speed, burn time and burnout altitude replaced by the integrated ones.

        The midcourse engagement kernel keeps its burnout point above the site (the integrated burnout
        ``burnout_range_km`` downrange is not carried into it: a stated approximation).
        """
        return dataclasses.replace(
            base,
            burnout_speed_km_s=min(self.burnout_speed_km_s, 15.0),
            burn_time_s=min(self.burn_time_s, 1000.0),
            burnout_altitude_km=min(self.burnout_altitude_km, 2000.0),
            launch_delay_s=self.launch_delay_s,
        )


def catalog_booster(name: str):
    """The stages of a catalog interceptor type (``booster:`` in ``interceptors.yaml``), or None.

    Returns a :class:`shieldcheck.boost.Vehicle` with the kill vehicle as payload; every number carries its
    source or ``estimate:`` mark in the YAML file.

    Raises
    ------
    InputError
        An unknown interceptor name, or stage data that fail validation (file, entry and field named).

    >>> v = catalog_booster("gbi-2stage")
    >>> len(v.stages), v.payload_kg
    (2, 150.0)
    >>> catalog_booster("thaad") is None
    True
    """
    from shieldcheck.catalog import get_interceptor

    entry = _catalog_booster_entry(get_interceptor(name).name)
    return None if entry is None else entry.vehicle


@functools.cache
def _catalog_booster_entry(canonical: str):
    """The `shieldcheck.catalog.boosters.Booster` (vehicle and the source of each number) of a catalog
    interceptor's ``booster:`` block, or None; cached (the file is package data)."""
    from importlib import resources

    from shieldcheck._yaml import load_yaml
    from shieldcheck.catalog.boosters import _parse

    text = resources.files("shieldcheck.catalog").joinpath("interceptors.yaml").read_text(encoding="utf-8")
    for entry in load_yaml(text, "interceptors.yaml"):
        if entry.get("name") == canonical:
            raw = entry.get("booster")
            if raw is None:
                return None
            if not isinstance(raw, dict):
                raise InputError(f"interceptors.yaml: {canonical}: booster must be a mapping, got {raw!r}")
            return _parse({"name": canonical, "role": "interceptor", **raw}, file="interceptors.yaml")
    return None  # pragma: no cover - get_interceptor found it


def _reachable_angles(vehicle, kw) -> str:
    """The burnout flight-path angles `vehicle`'s pitch program can give, for an error: those of the
    smallest and the largest kick `shieldcheck.boost.solve_kick` searches (the angle falls as the kick
    grows, so every angle between them is reachable), clipped to the field's [0, 80] deg."""
    from shieldcheck.boost import _KICK_HI, _KICK_LO, fly

    ends = [fly(vehicle, 0.0, 0.0, 0.0, k, **kw) for k in (_KICK_HI, _KICK_LO)]
    if any(e.status != "ok" for e in ends):  # a crash at the largest kick: the bound is not a closed form
        return ""
    lo, hi = (float(e.flight_path_angle_deg) for e in ends)
    lo_c, hi_c = max(lo, 0.0), min(hi, 80.0)
    if lo_c > hi_c:
        return f": its burnout angles run from {lo:.1f} to {hi:.1f} deg, none within [0, 80]"
    return (f": it gives {lo_c:.1f} to {hi_c:.1f} deg (kicks of {_KICK_HI:g} to {_KICK_LO:g} deg); "
            f"give flight_path_angle_deg within [{math.ceil(lo_c * 10) / 10:.1f}, "
            f"{math.floor(hi_c * 10) / 10:.1f}]")


def staged_flyout(
    vehicle,
    *,
    flight_path_angle_deg: float = 20.0,
    launch_delay_s: float = 0.0,
    step_s: float = 1.0,
    name: str | None = None,
) -> StagedFlyout:
    """Integrate an interceptor's stages (``shieldcheck.boost``) into its fly-out table.

    Parameters
    ----------
    vehicle : shieldcheck.boost.Vehicle or str
        The stages and kill-vehicle payload, or a catalog interceptor name with a ``booster:`` entry.
    flight_path_angle_deg : float
        Burnout flight-path angle the pitch-over kick is solved for, deg in [0, 80]. Default 20°: estimate
        of a fly-out toward a distant, high target; steeper flights lose more speed to gravity.
    launch_delay_s : float
        Fire decision to lift-off, s.
    step_s : float
        Table spacing, s, in [0.1, 30].

    Returns
    -------
    StagedFlyout

    Raises
    ------
    InputError
        A type without stages, a value out of range, or a kick that cannot give the flight-path angle.

    The flight is integrated from the equator toward the north over a non-rotating spherical Earth so that
    the table holds no eastward bonus (a reach sphere has no direction); drag and the U.S. Standard
    Atmosphere 1976 as in :func:`shieldcheck.boost.fly_batch`.

    >>> f = staged_flyout("gbi-2stage")
    >>> f.burn_time_s, 7.0 < f.burnout_speed_km_s < 10.0
    (139.0, True)
    """
    from shieldcheck.boost import Vehicle, fly, solve_kick
    from shieldcheck.boostphase import sample_boost

    if isinstance(vehicle, str):
        label = name or vehicle
        v = catalog_booster(vehicle)
        if v is None:
            raise InputError(f"interceptor {vehicle!r} has no stages in interceptors.yaml (booster:)")
    elif isinstance(vehicle, Vehicle):
        v, label = vehicle, name or vehicle.name or "interceptor"
    else:
        raise InputError(
            f"vehicle must be a Vehicle or a catalog interceptor name, got {type(vehicle).__name__}"
        )
    fpa = require_within("flight_path_angle_deg", flight_path_angle_deg, 0.0, 80.0)
    ld = require_within("launch_delay_s", launch_delay_s, 0.0, 86400.0)
    kw = dict(earth="sphere", rotation=False)
    sol = solve_kick(v, 0.0, 0.0, 0.0, "flight-path-angle", flight_path_angle_deg=fpa, **kw)
    if str(sol["status"][0]) != "ok":
        raise InputError(
            f"flight_path_angle_deg {fpa:g} cannot be reached by {label}'s pitch program "
            f"(status {sol['status'][0]}){_reachable_angles(v, kw)}"
        )
    kick = float(sol["kick_deg"][0])
    prof = sample_boost(v, 0.0, 0.0, 0.0, kick, step_s=step_s, name=label, **kw)
    reach = np.linalg.norm(prof.r_ecef_km - prof.r_ecef_km[0], axis=1)
    full = fly(v, 0.0, 0.0, 0.0, kick, **kw)  # the losses: rocket-equation speed against the integration
    return StagedFlyout(
        label,
        prof.time_s,
        reach,
        float(prof.time_s[-1]),
        float(sol["burnout_speed_km_s"][0]),
        float(sol["burnout_altitude_km"][0]),
        float(sol["burnout_range_km"][0]),
        float(sol["flight_path_angle_deg"][0]),
        v.ideal_delta_v_km_s(),
        full.gravity_loss_km_s,
        full.drag_loss_km_s,
        ld,
        float(v.payload_kg),
    )


@functools.lru_cache(maxsize=64)
def _flyout_once(vehicle, flight_path_angle_deg: float) -> StagedFlyout:
    fo = staged_flyout(vehicle, flight_path_angle_deg=flight_path_angle_deg)
    for a in (fo.time_s, fo.reach_km):
        a.flags.writeable = False  # shared by every caller of the cache
    return fo


def integrated_flyout(
    vehicle, flight_path_angle_deg: float = 20.0, *, launch_delay_s: float = 0.0, name: str | None = None
) -> StagedFlyout:
    """`staged_flyout` of a `shieldcheck.boost.Vehicle`, integrated once per (stages, flight-path angle).

    A scenario's types with ``staged: true`` come through here: every variant, sweep sample and web
    request that flies the same stages at the same angle reuses one integration (about 0.6 s each on
    this project's 2-core machine). The tables' arrays are read-only (they are shared).

    Parameters
    ----------
    vehicle : shieldcheck.boost.Vehicle
    flight_path_angle_deg : float
        As in `staged_flyout`, deg in [0, 80].
    launch_delay_s : float
        Fire decision to lift-off, s (carried, not integrated).
    name : str, optional
        The label of the result (default: the vehicle's name).

    Returns
    -------
    StagedFlyout

    Raises
    ------
    InputError
        As `staged_flyout`.

    >>> f = integrated_flyout(catalog_booster("gbi-2stage"), 20.0, launch_delay_s=5.0, name="gbi")
    >>> f.name, f.launch_delay_s, f.burn_time_s
    ('gbi', 5.0, 139.0)
    """
    from shieldcheck.boost import Vehicle

    if not isinstance(vehicle, Vehicle):
        raise InputError(f"vehicle must be a shieldcheck.boost.Vehicle, got {type(vehicle).__name__}")
    fpa = require_within("flight_path_angle_deg", flight_path_angle_deg, 0.0, 80.0)
    ld = require_within("launch_delay_s", launch_delay_s, 0.0, 86400.0)
    fo = _flyout_once(vehicle, fpa)
    return dataclasses.replace(fo, name=name or fo.name, launch_delay_s=ld)


def catalog_type(name: str, alternative: str | None = None) -> InterceptorType:
    """The catalog interceptor ``name`` (with a named ``alternative``) as an `InterceptorType`.

    Raises
    ------
    InputError
        An unknown name or alternative (the message lists what exists).

    >>> catalog_type("gbi-2stage", "postol-2007").burnout_speed_km_s
    8.0
    """
    from shieldcheck.catalog import get_interceptor

    system = get_interceptor(name, field="interceptor")
    values = {f: v["value"] for f, v in system.fields(alternative).items()}
    return InterceptorType(system.name, **values)
