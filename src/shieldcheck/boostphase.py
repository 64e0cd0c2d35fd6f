"""Boost-phase intercept: can an interceptor reach a missile while its rocket still burns?

Units inside: km, s; degrees where a name ends in ``_deg``. Positions are Earth-fixed (ECEF) unless a
name says ``eci``. Time is seconds after the *threat's* launch.

The question (APS Study Group, *Report on Boost-Phase Intercept Systems for National Missile Defense*,
American Physical Society, July 2003, published as Rev. Mod. Phys. 76, S1, 2004; National Research Council,
*Making Sense of Ballistic Missile Defense*, National Academies Press, 2012, ch. 2): a missile launched from
a known area burns for a few minutes; satellites detect it, a decision is taken, an interceptor is fired
from a base on the ground, at sea or on an aircraft. Can the interceptor reach the missile before burnout
(or before a given time), how much time is there, how fast must the interceptor be at a given distance
from the launch point, and where must a base stand ("boost-phase basing zone")?

Model (kinematics only; no homing, no divert, no kill assessment)
-------------------------------------------------------------------
* **Threat**: the staged boost of a booster class (:mod:`shieldcheck.catalog.boosters`) flown by
  :func:`shieldcheck.boost.fly_batch` over the rotating Earth, its pitch-over kick solved for the longest
  range or for the range to a target (:func:`shieldcheck.boost.solve_kick`), sampled every ``step_s``
  (position and Earth-relative velocity) and interpolated between samples by cubic Hermite polynomials.
* **Interceptor**: fired at ``t_L = delay_s + launch_delay_s`` (``delay_s``: detection, tracking and
  decision after the threat's launch). With a fixed burnout point (the midcourse model of
  :mod:`shieldcheck.interceptors`), it burns out ``burn_time_s`` later ``burnout_altitude_km`` above its
  base, then flies out

  - ``"straight"``: along a straight line at its burnout speed (the boost-phase studies' fly-out model,
    gravity ignored over the short fly-out), plus the carrier's velocity for an airborne base. The point
    P is reached at time t when |P − B_bo − V_c τ| ≤ v (τ − t_b), τ = t − t_L, and the straight line
    clears the Earth (a point below the base's horizon cannot be reached: status ``"beyond_horizon"``);
  - ``"ballistic"``: on a Keplerian (Lambert) arc from the burnout point, relative speed no greater than
    its burnout speed (the carrier's velocity subtracted), as the midcourse engagement kernel does.

  With stages (:func:`shieldcheck.interceptors.staged_flyout`), its own integrated burn gives the distance
  it covers against time after launch (a direction-free reach sphere), then it flies straight on at its
  integrated burnout speed.
* **Least speed**: the smallest burnout speed v for which some time t in (t_L + t_b, deadline] satisfies the
  fly-out condition, i.e. the minimum over the samples of |P − B_bo − V_c τ| / (τ − t_b) (or of the Lambert
  speed). A base "can engage" when its least speed is at most the interceptor's speed. Because the decision
  is a minimum over the same samples, a faster interceptor, a shorter delay or a later deadline never
  shrinks the basing zone (property-tested).
* Altitude bands, the atmosphere's effect on the interceptor and the kill vehicle's divert are not
  modelled; the intercept altitude is reported for the reader to judge.

>>> p = BoostProfile.from_arrays([0.0, 100.0], [[6378.137, 0.0, 0.0], [6478.137, 0.0, 0.0]],
...                              [[0.0, 0.0, 0.0], [2.0, 0.0, 0.0]], name="test")
>>> r = engage_boost(p, 0.0, 1.0, speed_km_s=5.0, burn_time_s=0.0, burnout_altitude_km=0.0, delay_s=0.0)
>>> r.status, round(r.required_speed_km_s, 3)
('engageable', 1.503)
"""

from __future__ import annotations

import functools
import math
import os
import warnings
from dataclasses import dataclass, field

import numba
import numpy as np

from shieldcheck import earth as _earth
from shieldcheck._numba import run_chunks
from shieldcheck.earth import MU_KM3_S2
from shieldcheck.errors import InputError, require_array_within, require_within
from shieldcheck.interceptors import intercept_speed_kernel
from shieldcheck.orbits import _hermite, _segment_of

__all__ = [
    "FLYOUTS",
    "BoostProfile",
    "BoostPhaseResult",
    "BasingZone",
    "boost_profile",
    "boost_profiles",
    "sample_boost",
    "engage_boost",
    "least_speed_curve",
    "basing_zone",
]

FLYOUTS = ("straight", "ballistic", "staged")
_MODE = {"straight": 0, "ballistic": 1, "staged": 2}
MAX_SAMPLES = 20_000
"""Most samples a boost profile may hold."""
MAX_CELLS = 250_000
"""Most candidate bases a basing-zone grid (or a least-speed curve) may hold."""
_BISECT = 60  # halvings of a sample interval (<= 30 s) for the intercept edges: far below 1e-9 s


# ------------------------------------------------------------------------------------------- the profile
@dataclass(frozen=True)
class BoostProfile:
    """A boosting missile's Earth-fixed position and velocity against time, launch to deadline.

    Attributes
    ----------
    name : str
        Booster class (or a label).
    time_s : ndarray (K,)
        Sample times after launch, increasing, first 0, last the burnout (or the deadline), s.
    r_ecef_km, v_ecef_km_s : ndarray (K, 3)
        Earth-fixed position and velocity relative to the rotating Earth.
    launch_latitude_deg, launch_longitude_deg, azimuth_deg, kick_deg : float
    burnout_time_s, burnout_altitude_km, burnout_speed_km_s, burnout_range_km : float
        At final burnout of the full boost (not of a truncated profile).
    note : str
        How the pitch program was chosen (``"maximum range"``, ``"range to target"``, ...).
    """

    name: str
    time_s: np.ndarray = field(repr=False)
    r_ecef_km: np.ndarray = field(repr=False)
    v_ecef_km_s: np.ndarray = field(repr=False)
    launch_latitude_deg: float = 0.0
    launch_longitude_deg: float = 0.0
    azimuth_deg: float = 0.0
    kick_deg: float = float("nan")
    burnout_time_s: float = float("nan")
    burnout_altitude_km: float = float("nan")
    burnout_speed_km_s: float = float("nan")
    burnout_range_km: float = float("nan")
    note: str = ""

    @classmethod
    def from_arrays(cls, time_s, r_ecef_km, v_ecef_km_s, *, name: str = "profile", earth: str = "wgs84"):
        """A profile from your own samples (e.g. a published boost profile or a closed form).

        Raises
        ------
        InputError
            Times not increasing from 0, shapes that do not match, non-finite values, more than 20,000
            samples.
        """
        t = np.asarray(time_s, dtype=float)
        r = np.asarray(r_ecef_km, dtype=float)
        v = np.asarray(v_ecef_km_s, dtype=float)
        if t.ndim != 1 or t.size < 2 or t.size > MAX_SAMPLES:
            raise InputError(f"time_s must hold 2 to {MAX_SAMPLES} samples, got shape {t.shape}")
        if r.shape != (t.size, 3) or v.shape != (t.size, 3):
            raise InputError(
                f"r_ecef_km and v_ecef_km_s must have shape ({t.size}, 3), got {r.shape} and {v.shape}"
            )
        if not (np.all(np.isfinite(t)) and np.all(np.isfinite(r)) and np.all(np.isfinite(v))):
            raise InputError("time_s, r_ecef_km and v_ecef_km_s must be finite")
        if t[0] != 0.0 or np.any(np.diff(t) <= 0.0):
            raise InputError("time_s must start at 0 and increase")
        if np.any(np.linalg.norm(r, axis=1) > 1e6) or np.any(np.linalg.norm(v, axis=1) > 3e5):
            raise InputError("r_ecef_km must be within 1e6 km and v_ecef_km_s within 3e5 km/s of zero")
        lat, lon, alt = _earth.ecef_to_geodetic(r[[0, -1]], earth)
        speed = float(np.linalg.norm(v[-1]))
        rng = float(_earth.geodesic_inverse(lat[0], lon[0], lat[1], lon[1], earth)[0])
        return cls(
            name,
            t,
            r,
            v,
            float(lat[0]),
            float(lon[0]),
            0.0,
            float("nan"),
            float(t[-1]),
            float(alt[1]),
            speed,
            rng,
            "user samples",
        )

    def state(self, t_s):
        """Position (ECEF, km) and velocity (km/s) at times ``t_s`` (cubic Hermite between samples).

        >>> p = BoostProfile.from_arrays([0.0, 10.0], [[7000.0, 0, 0], [7100.0, 0, 0]],
        ...                              [[0.0, 0, 0], [20.0, 0, 0]])
        >>> float(p.state(5.0)[0][0])  # x = 7000 + t^2: exact for a quadratic
        7025.0
        """
        t = np.atleast_1d(np.asarray(t_s, dtype=float))
        if np.any(~np.isfinite(t)) or np.any(t < 0.0) or np.any(t > self.time_s[-1] + 1e-9):
            raise InputError(f"t_s must be within [0, {self.time_s[-1]:g}] s, got {t_s!r}")
        k = np.clip(np.searchsorted(self.time_s, t, side="right") - 1, 0, self.time_s.size - 2)
        h = (self.time_s[k + 1] - self.time_s[k])[:, None]
        s = ((t - self.time_s[k]) / h[:, 0])[:, None]
        p0, p1, v0, v1 = (
            self.r_ecef_km[k],
            self.r_ecef_km[k + 1],
            self.v_ecef_km_s[k],
            self.v_ecef_km_s[k + 1],
        )
        pos = (
            (2 * s**3 - 3 * s**2 + 1) * p0
            + (s**3 - 2 * s**2 + s) * h * v0
            + (3 * s**2 - 2 * s**3) * p1
            + (s**3 - s**2) * h * v1
        )
        vel = (
            (6 * s**2 - 6 * s) / h * p0
            + (3 * s**2 - 4 * s + 1) * v0
            + (6 * s - 6 * s**2) / h * p1
            + (3 * s**2 - 2 * s) * v1
        )
        if np.ndim(t_s) == 0:
            return pos[0], vel[0]
        return pos, vel

    def until(self, t_end_s: float) -> BoostProfile:
        """The profile cut at ``t_end_s`` (an interpolated last sample), for a deadline before burnout."""
        t_end = require_within("deadline_s", t_end_s, 0.0, float(self.time_s[-1]), lo_open=True)
        keep = self.time_s < t_end - 1e-9
        p, v = self.state(t_end)
        return BoostProfile(
            self.name,
            np.append(self.time_s[keep], t_end),
            np.vstack([self.r_ecef_km[keep], p]),
            np.vstack([self.v_ecef_km_s[keep], v]),
            self.launch_latitude_deg,
            self.launch_longitude_deg,
            self.azimuth_deg,
            self.kick_deg,
            self.burnout_time_s,
            self.burnout_altitude_km,
            self.burnout_speed_km_s,
            self.burnout_range_km,
            self.note,
        )


MAX_ROUTES = 1_000
"""Most launches `boost_profiles` flies in one call."""


def boost_profile(
    missile,
    latitude_deg: float,
    longitude_deg: float,
    *,
    azimuth_deg: float | None = None,
    toward: tuple[float, float] | None = None,
    payload_kg: float | None = None,
    step_s: float = 2.0,
    earth: str = "wgs84",
    rotation: bool = True,
    cache: bool = True,
) -> BoostProfile:
    """Fly a booster class from a launch point and sample its boost for boost-phase intercept.

    Parameters
    ----------
    missile : str or shieldcheck.boost.Vehicle
        A booster class with stages (``shieldcheck.catalog.boosters``: ``aps2003-solid``,
        ``aps2003-liquid``, ``hwasong-15``, ... or a ``missiles.yaml`` class they stand for), or a Vehicle.
    latitude_deg, longitude_deg : float
        Launch point, deg.
    azimuth_deg : float, optional
        Launch azimuth from north, deg; the kick is solved for the longest range along it.
    toward : (latitude_deg, longitude_deg), optional
        A target instead of an azimuth: the azimuth is the geodesic's and the kick gives the range to the
        target on the lofted side (the longest range when the target is beyond reach, noted in ``note``).
    payload_kg : float, optional
        Overrides the class's payload, kg.
    step_s : float
        Sample spacing within each stage burn, s, in [0.1, 30] (each stage's burnout is a sample).
    earth, rotation :
        As everywhere (``"wgs84"`` or ``"sphere"``; Earth rotation on or off).
    cache : bool
        Reuse a profile already flown with the same inputs (`ProfileCache`); False flies it afresh.

    Returns
    -------
    BoostProfile

    Raises
    ------
    InputError
        An unknown class, a missing or doubled direction, values out of range.

    The kick comes from :func:`shieldcheck.boost.solve_kick`; each sample is the state of the same
    vehicle cut short at that moment (:func:`sample_boost`). :func:`boost_profiles` flies many launches
    of one class at once, with the same answers.

    >>> p = boost_profile("aps2003-solid", 40.0, 127.0, azimuth_deg=45.0, step_s=10.0)
    >>> round(p.burnout_time_s), bool(p.r_ecef_km.shape == (p.time_s.size, 3))
    (170, True)
    """
    lat = require_within("latitude_deg", latitude_deg, -90.0, 90.0)
    lon = require_within("longitude_deg", longitude_deg, -360.0, 360.0)
    if toward is not None:
        try:
            tlat, tlon = (float(x) for x in toward)
        except (TypeError, ValueError):
            raise InputError(f"toward must be (latitude_deg, longitude_deg), got {toward!r}") from None
        toward = (tlat, tlon)
    return boost_profiles(
        missile,
        lat,
        lon,
        azimuth_deg=azimuth_deg,
        toward=toward,
        payload_kg=payload_kg,
        step_s=step_s,
        earth=earth,
        rotation=rotation,
        cache=cache,
    )[0]


def boost_profiles(
    missile,
    latitude_deg,
    longitude_deg,
    *,
    azimuth_deg=None,
    toward=None,
    payload_kg: float | None = None,
    step_s: float = 2.0,
    earth: str = "wgs84",
    rotation: bool = True,
    cache: bool = True,
) -> list[BoostProfile]:
    """`boost_profile` for many launches of one booster class at once: one kick search, one sampling pass.

    Parameters
    ----------
    missile, payload_kg, step_s, earth, rotation :
        As for :func:`boost_profile` (one class and payload for the whole batch).
    latitude_deg, longitude_deg : float or array_like, shape (N,)
        Launch points, deg (broadcast with the direction).
    azimuth_deg : float or array_like, shape (N,), optional
        Launch azimuths, deg from north (kick for the longest range along each).
    toward : (latitude_deg, longitude_deg), each a float or array_like of shape (N,), optional
        Targets instead of azimuths (kick for the range to each target, as :func:`boost_profile`).
    cache : bool
        Reuse profiles already flown with the same inputs, in this process and on disk (`profile_cache`);
        False flies every launch afresh (and stores nothing).

    Returns
    -------
    list of BoostProfile
        N profiles, in the order of the launches. Each equals :func:`boost_profile` of its launch alone
        (the kick searches stop row by row, `shieldcheck.boost.solve_kick`; the sampling is per row).

    Raises
    ------
    InputError
        As :func:`boost_profile`; more than 1,000 launches; shapes that do not broadcast.

    >>> ps = boost_profiles("aps2003-solid", 40.0, 127.0, azimuth_deg=[45.0, 90.0], step_s=10.0)
    >>> [round(p.azimuth_deg) for p in ps], ps[1].time_s.size == ps[0].time_s.size
    ([45, 90], True)
    """
    from shieldcheck.boost import Vehicle
    from shieldcheck.catalog.boosters import get_booster

    step = require_within("step_s", step_s, 0.1, 30.0)
    if isinstance(missile, Vehicle):
        vehicle, name = missile, missile.name or "vehicle"
    else:
        b = get_booster(missile)
        vehicle, name = b.vehicle, b.name
    if payload_kg is not None:
        vehicle = vehicle.with_payload(require_within("payload_kg", payload_kg, 0.0, 1e6))
    if (azimuth_deg is None) == (toward is None):
        raise InputError("give exactly one of azimuth_deg and toward (a target latitude, longitude)")
    earth = _earth.check_earth(earth)
    rotation = bool(rotation)
    lat = require_array_within("latitude_deg", latitude_deg, -90.0, 90.0)
    lon = require_array_within("longitude_deg", longitude_deg, -360.0, 360.0)
    if toward is not None:
        try:
            tlat, tlon = toward
        except (TypeError, ValueError):
            raise InputError(f"toward must be (latitude_deg, longitude_deg), got {toward!r:.80}") from None
        tlat = require_array_within("toward latitude_deg", tlat, -90.0, 90.0)
        tlon = require_array_within("toward longitude_deg", tlon, -360.0, 360.0)
        routes = _routes(lat, lon, tlat, tlon)
    else:
        az = require_array_within("azimuth_deg", azimuth_deg, -360.0, 360.0) % 360.0
        routes = _routes(lat, lon, az)
    keys = _profile_keys(vehicle, name, routes, step, earth, rotation)
    found = [profile_cache.get(k) if cache else None for k in keys]
    todo = [i for i, p in enumerate(found) if p is None]
    if todo:
        fresh = _fly_profiles(vehicle, name, [r[todo] for r in routes], step, earth, rotation)
        for i, p in zip(todo, fresh, strict=True):
            found[i] = p
            if cache:
                profile_cache.put(keys[i], p)
    return found


def _fly_profiles(vehicle, name, routes, step, earth, rotation) -> list[BoostProfile]:
    """Solve the kicks of the launches ``routes`` (lat, lon, then azimuth or target lat, lon) and sample."""
    from shieldcheck.boost import solve_kick

    if len(routes) == 4:
        lat, lon, tlat, tlon = routes
        dist, az, _ = _earth.geodesic_inverse(lat, lon, tlat, tlon, earth)
        dist, az = np.atleast_1d(dist).astype(float), np.atleast_1d(az) % 360.0
        if np.any(dist < 1.0):
            raise InputError("toward must be at least 1 km from the launch point")
        sol = solve_kick(
            vehicle, lat, lon, az, "range", range_km=np.minimum(dist, 20000.0), iterations=30,
            earth=earth, rotation=rotation,
        )  # fmt: skip
        rows = zip(sol["status"], sol["max_range_km"], dist, strict=True)
        notes = [_range_note(str(s), m, d) for s, m, d in rows]
    else:
        lat, lon, az = routes
        sol = solve_kick(vehicle, lat, lon, az, "max-range", iterations=30, earth=earth, rotation=rotation)
        notes = [f"kick for the longest range, {m:,.0f} km" for m in sol["max_range_km"]]
    return _sample_many(
        vehicle, lat, lon, az, sol["kick_deg"], step, name, notes, earth=earth, rotation=rotation
    )


def _routes(*arrays) -> list[np.ndarray]:
    """The launch arrays broadcast to one flat shape of at most `MAX_ROUTES`."""
    try:
        out = [np.ravel(x).astype(float) for x in np.broadcast_arrays(*arrays)]
    except ValueError:
        raise InputError(
            "the launch points and their azimuths or targets must broadcast to one shape, got shapes "
            + ", ".join(str(np.shape(x)) for x in arrays)
        ) from None
    if not 1 <= out[0].size <= MAX_ROUTES:
        raise InputError(f"boost_profiles flies 1 to {MAX_ROUTES:,} launches at once, got {out[0].size:,}")
    return out


def _range_note(status: str, max_range_km: float, dist_km: float) -> str:
    """How the kick of a route was chosen, in words (a clause without brackets: views put it in theirs)."""
    if status == "ok":
        return f"kick for the range to the target, {dist_km:,.0f} km"
    if status == "unreachable":
        return (
            f"kick for the longest range, {max_range_km:,.0f} km, short of the target {dist_km:,.0f} km away"
        )
    return f"smallest kick: the full boost overshoots the {dist_km:,.0f} km route"


def sample_boost(
    vehicle,
    latitude_deg: float,
    longitude_deg: float,
    azimuth_deg: float,
    kick_deg: float,
    *,
    step_s: float = 2.0,
    name: str = "",
    note: str = "",
    earth: str = "wgs84",
    rotation: bool = True,
) -> BoostProfile:
    """Sample one staged boost with a given kick every ``step_s`` within each burn (see `boost_profile`).

    Each sample is the state of the vehicle cut short at that moment (`shieldcheck.boost.cut_vehicle`),
    which is the full boost's state then: the boost is flown once with every Runge-Kutta step recorded,
    and each sample restarts from the last step before it with one step ending on it, the very steps the
    cut vehicle's own flight takes (`shieldcheck.boost.fly_batch`'s step rule ends a step on the end of
    a burn). Samples inside staging coasts are skipped (Hermite interpolation spans the coast).

    Raises
    ------
    InputError
        More than 20,000 samples, or a boost that crashes or cannot lift off.
    """
    step = require_within("step_s", step_s, 0.1, 30.0)
    lat = np.array([require_within("latitude_deg", latitude_deg, -90.0, 90.0)])
    lon = np.array([require_within("longitude_deg", longitude_deg, -360.0, 360.0)])
    az = np.array([require_within("azimuth_deg", azimuth_deg, -360.0, 360.0)])
    kick = np.array([require_within("kick_deg", kick_deg, 0.0, 89.0)])
    return _sample_many(vehicle, lat, lon, az, kick, step, name, [note], earth=earth, rotation=rotation)[0]


def _sample_times(vehicle, step: float) -> tuple[np.ndarray, np.ndarray]:
    """Sample times (s after launch) within each stage's burn, every ``step`` or less, each burn's end
    included, and the stage burning at each."""
    times, stage = [], []
    t0 = 0.0
    last = len(vehicle.stages) - 1
    for k, s in enumerate(vehicle.stages):
        n = max(1, math.ceil(s.burn_time_s / step - 1e-9))
        if len(times) + n + 1 > MAX_SAMPLES:
            raise InputError(f"step_s {step:g} gives more than {MAX_SAMPLES} samples (take a longer step)")
        for f in np.arange(1, n + 1) / n:
            times.append(t0 + f * s.burn_time_s)
            stage.append(k)
        t0 += s.burn_time_s + (s.coast_after_s if k < last else 0.0)
    return np.array(times), np.array(stage, dtype=np.int64)


def _sample_many(vehicle, lat, lon, az, kick, step, name, notes, *, earth, rotation) -> list[BoostProfile]:
    """Sample the boosts of one vehicle from N launches (flat arrays) in one compiled pass."""
    from shieldcheck.boost import (
        _GRAV_CODE,
        _MIN_STEP,
        _NOUT,
        _O_RX,
        _O_ST,
        _O_T,
        _O_VX,
        _OK,
        _STATUS,
        J2_WGS84,
        PitchProgram,
        _atmosphere_table,
        _cd_table,
        _check_vehicles,
        _states_rows,
        _to_batch,
    )

    vehicle = _check_vehicles(vehicle)[0]
    earth = _earth.check_earth(earth)
    times, stage = _sample_times(vehicle, step)
    n, k = lat.size, times.size
    pitch = PitchProgram()
    a_e, e2 = _earth.ellipsoid(earth)
    omega = _earth.rotation_rate(bool(rotation))
    lr, lp, aa = _atmosphere_table()
    cdm, cdv = _cd_table(vehicle.cd_mach)
    h_step = 0.5  # fly_batch's default base step, with which every boost of this module is flown
    phys = (float(omega), _GRAV_CODE["central"], MU_KM3_S2, J2_WGS84, a_e, a_e, e2, True, lr, lp, aa, cdm,
            cdv, h_step)  # fmt: skip
    st = np.array([s.row for s in vehicle.stages], dtype=float)
    # every step but a phase's last is at least h_step * _MIN_STEP long: the record cannot overflow
    cap = int(math.ceil(vehicle.burn_time_s / (h_step * _MIN_STEP))) + 64
    r0 = np.ascontiguousarray(np.reshape(_earth.geodetic_to_ecef(lat, lon, 0.0, earth), (-1, 3)))
    east, north, _ = _earth.enu_basis(lat, lon, earth)
    azr = np.radians(az)[:, None]
    h0 = np.ascontiguousarray(np.reshape(np.sin(azr) * east + np.cos(azr) * north, (-1, 3)))
    eci = np.empty((n, k, 6))
    status = np.zeros(n)
    veh = (st, len(vehicle.stages), float(vehicle.payload_kg), float(pitch.vertical_rise_s),
           float(pitch.kick_duration_s))  # fmt: skip
    run_chunks(_states_rows, n, veh, phys, r0, h0, np.radians(kick), times, stage, cap, eci, status)
    label = name or vehicle.name or "vehicle"
    if np.any(status != _OK):
        bad = _STATUS[int(status[status != _OK][0])]
        raise InputError(f"missile {label!r} cannot fly this boost ({bad}); check its stages and payload")
    out = np.zeros((n * k, _NOUT))
    out[:, _O_T] = np.tile(times, n)
    out[:, _O_RX : _O_RX + 3] = eci[:, :, :3].reshape(-1, 3)
    out[:, _O_VX : _O_VX + 3] = eci[:, :, 3:].reshape(-1, 3)
    out[:, _O_ST] = 0.0
    rep = np.repeat
    b = _to_batch(out, rep(lat, k), rep(lon, k), rep(az, k), rep(kick, k), omega, earth)
    t = np.concatenate([[0.0], times])
    profiles = []
    for i in range(n):
        rows = slice(i * k, (i + 1) * k)
        last = (i + 1) * k - 1
        profiles.append(
            BoostProfile(
                label,
                t,
                np.vstack([r0[i : i + 1], b.r_ecef_km[rows]]),
                np.vstack([np.zeros((1, 3)), b.v_rel_km_s[rows]]),
                float(lat[i]),
                float(lon[i]),
                float(az[i]),
                float(kick[i]),
                float(t[-1]),
                float(b.burnout_altitude_km[last]),
                float(b.burnout_speed_km_s[last]),
                float(b.burnout_range_km[last]),
                notes[i],
            )
        )
    return profiles


# ------------------------------------------------------------------------------------ the profile cache
_CACHE_FORMAT = "shieldcheck boost profile 1"
PROFILE_CACHE_MAX_FILES = 4_000
"""Most boost profiles kept on disk (the oldest used are removed first); each is about 10 kB."""
PROFILE_CACHE_MAX_BYTES = 64 * 2**20
"""Most bytes the boost profiles kept on disk may take."""


def _profile_keys(vehicle, name, routes, step, earth, rotation) -> list[str]:
    """One SHA-256 per launch over every number its profile depends on, and over the code that flies it.

    The numbers: the vehicle's stage table, payload and drag curve, the pitch program, the launch point and
    azimuth or target, the sample step, the Earth model and rotation; the code: the sources of the modules
    that fly and sample the boost (the atmosphere table's too) and the versions of the libraries they call
    (``ambiance`` gives the atmosphere). A change to any of them is another key: the cache never returns a
    profile flown with other inputs or other code."""
    import hashlib

    from shieldcheck.boost import PitchProgram

    pitch = PitchProgram()
    head = "|".join(
        [
            _code_fingerprint(),
            name,
            ",".join(float(x).hex() for s in vehicle.stages for x in s.row),
            float(vehicle.payload_kg).hex(),
            ",".join(float(x).hex() for pair in vehicle.cd_mach for x in pair),
            float(pitch.vertical_rise_s).hex(),
            float(pitch.kick_duration_s).hex(),
            float(step).hex(),
            earth,
            str(rotation),
            str(len(routes)),
        ]
    )
    rows = np.stack(routes, axis=1)
    texts = (f"{head}|{','.join(x.hex() for x in r.tolist())}" for r in rows)
    return [hashlib.sha256(t.encode()).hexdigest() for t in texts]


@functools.cache
def _code_fingerprint() -> str:
    import hashlib
    from importlib.metadata import PackageNotFoundError, version
    from pathlib import Path

    from shieldcheck import __version__

    h = hashlib.sha256(f"{_CACHE_FORMAT}|{__version__}".encode())
    for module in ("boost.py", "boostphase.py", "earth.py", "errors.py", "catalog/boosters.py"):
        h.update((Path(__file__).parent / module).read_bytes())
    for package in ("numpy", "scipy", "numba", "pyproj", "ambiance"):
        try:
            h.update(f"{package} {version(package)}".encode())
        except PackageNotFoundError:
            h.update(f"{package} absent".encode())
    return h.hexdigest()


class ProfileCache:
    """Boost profiles already flown: in this process (the last 256) and on disk beside numba's cache.

    The disk folder is the compiled kernels' (`shieldcheck._numba.configure_cache`): next to the sources,
    ``NUMBA_CACHE_DIR``, the user's cache folder or a private temporary folder, in a subfolder
    ``boost-profiles``; none when numba caches nothing. A file is a NumPy ``.npz`` (no pickle) named
    after the profile's key (`_profile_keys`), written to a temporary name and renamed (atomic: a reader
    sees a whole file or none), read back only when every array has the right shape and is finite. A
    folder that cannot be written, or a file that cannot be read, leaves the profile to be flown again.
    At most `PROFILE_CACHE_MAX_FILES` files and `PROFILE_CACHE_MAX_BYTES` bytes stay: the least recently
    used go first.
    """

    def __init__(self, memory: int = 256):
        import threading
        from collections import OrderedDict

        self._memory: OrderedDict = OrderedDict()
        self._size = memory
        self._lock = threading.Lock()
        self._folder = None
        self._chosen = False

    def use_folder(self, folder) -> None:
        """Keep the files in ``folder`` (None: no disk cache) instead of beside numba's cache; forget the
        profiles held in memory."""
        from pathlib import Path

        with self._lock:
            self._folder = None if folder is None else Path(folder)
            self._chosen = True
            self._memory.clear()

    def folder(self):
        """The disk folder (a ``pathlib.Path``), or None when profiles are kept in memory only."""
        from pathlib import Path

        from shieldcheck._numba import cache_location

        if not self._chosen:
            where = cache_location()
            if where == "in-tree":
                self._folder = Path(__file__).parent / "__pycache__" / "boost-profiles"
            elif where != "none" and os.environ.get("NUMBA_CACHE_DIR"):
                self._folder = Path(os.environ["NUMBA_CACHE_DIR"]) / "shieldcheck-boost-profiles"
            self._chosen = True
        return self._folder

    def get(self, key: str) -> BoostProfile | None:
        with self._lock:
            if key in self._memory:
                self._memory.move_to_end(key)
                return self._memory[key]
        p = self._read(key)
        if p is not None:
            self._remember(key, p)
        return p

    def put(self, key: str, profile: BoostProfile) -> None:
        self._remember(key, profile)
        self._write(key, profile)

    def _remember(self, key, profile) -> None:
        with self._lock:
            self._memory[key] = profile
            self._memory.move_to_end(key)
            while len(self._memory) > self._size:
                self._memory.popitem(last=False)

    def _read(self, key: str) -> BoostProfile | None:
        import zipfile

        folder = self.folder()
        if folder is None:
            return None
        path = folder / f"{key}.npz"
        try:
            with open(path, "rb") as fh, np.load(fh, allow_pickle=False) as f:  # closed even if damaged
                t, r, v, num = f["time_s"], f["r_ecef_km"], f["v_ecef_km_s"], f["numbers"]
                name, note, stored = str(f["name"]), str(f["note"]), str(f["key"])
            os.utime(path)  # recently used: pruned last
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            return None
        k = t.shape[0] if t.ndim == 1 else -1
        if (
            stored != key
            or not 2 <= k <= MAX_SAMPLES
            or r.shape != (k, 3)
            or v.shape != (k, 3)
            or num.shape != (8,)
            or not all(np.all(np.isfinite(a)) for a in (t, r, v))
        ):
            return None
        lat0, lon0, az, kick, tb, hb, vb, rb = (float(x) for x in num)
        return BoostProfile(name, t, r, v, lat0, lon0, az, kick, tb, hb, vb, rb, note)

    def _write(self, key: str, p: BoostProfile) -> None:
        import tempfile

        folder = self.folder()
        if folder is None:
            return
        numbers = np.array(
            [p.launch_latitude_deg, p.launch_longitude_deg, p.azimuth_deg, p.kick_deg, p.burnout_time_s,
             p.burnout_altitude_km, p.burnout_speed_km_s, p.burnout_range_km]
        )  # fmt: skip
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{key}.", suffix=".tmp", dir=folder)
            try:
                with os.fdopen(fd, "wb") as out:
                    arrays = dict(time_s=p.time_s, r_ecef_km=p.r_ecef_km, v_ecef_km_s=p.v_ecef_km_s)
                    texts = dict(name=np.str_(p.name), note=np.str_(p.note), key=np.str_(key))
                    np.savez(out, numbers=numbers, **arrays, **texts)
                os.replace(tmp, folder / f"{key}.npz")
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
            self._prune(folder)
        except OSError:
            return  # a read-only or full folder: the profile is flown again next time

    @staticmethod
    def _prune(folder) -> None:
        files = []
        for e in os.scandir(folder):
            if e.name.endswith(".npz"):
                st = e.stat()
                files.append((st.st_mtime, st.st_size, e.path))
        total = sum(f[1] for f in files)
        if len(files) <= PROFILE_CACHE_MAX_FILES and total <= PROFILE_CACHE_MAX_BYTES:
            return
        files.sort()
        while files and (len(files) > 0.9 * PROFILE_CACHE_MAX_FILES or total > 0.9 * PROFILE_CACHE_MAX_BYTES):
            _, size, path = files.pop(0)
            try:
                os.unlink(path)
            except OSError:
                pass
            total -= size


profile_cache = ProfileCache()
"""The boost profiles `boost_profiles` has flown (see `ProfileCache`)."""


# ------------------------------------------------------------------------------------------- the kernel
@numba.njit(cache=True)
def _line_clears_earth(sx, sy, sz, p, ab):
    """True when the segment from (sx, sy, sz) (on or above the surface) to p stays outside the ellipsoid
    with radii ``ab`` = (equatorial, polar) km, to 1 m.

    Scaling z by a/b maps the ellipsoid onto the sphere of radius a and segments onto segments; the point
    of the line nearest the centre, s + u d with u = −s·d / d·d, decides (the ends when u is outside
    [0, 1]).
    """
    q = ab[0] / ab[1]
    sz = sz * q
    dx, dy, dz = p[0] - sx, p[1] - sy, p[2] * q - sz
    dd = dx * dx + dy * dy + dz * dz
    sd = sx * dx + sy * dy + sz * dz
    r_min = ab[0] - 1e-3
    if dd == 0.0 or sd >= 0.0:
        return True  # the start is the nearest point (a base on or above the surface)
    u = -sd / dd
    if u >= 1.0:
        ex, ey, ez = sx + dx, sy + dy, sz + dz
        return ex * ex + ey * ey + ez * ez >= r_min * r_min
    return sx * sx + sy * sy + sz * sz - sd * sd / dd >= r_min * r_min


@numba.njit(cache=True)
def _need(t, k, ts, P, V, base, vc, t_launch, t_burn, mode, tab_t, tab_r, omega, mu, p, r1, v1, v2, ab):
    """Speed needed (modes 0, 1: km/s) or shortfall in reach (mode 2: km) to meet the missile at t; inf
    when the straight line from the base to the missile passes through the Earth (beyond the horizon)."""
    _hermite(t, ts, P, V, k, p)
    tau = t - t_launch
    if mode != 1 and not _line_clears_earth(
        base[0] + vc[0] * tau, base[1] + vc[1] * tau, base[2] + vc[2] * tau, p, ab
    ):
        return np.inf
    if mode == 2:
        dx = p[0] - base[0] - vc[0] * tau
        dy = p[1] - base[1] - vc[1] * tau
        dz = p[2] - base[2] - vc[2] * tau
        need = math.sqrt(dx * dx + dy * dy + dz * dz)
        n = tab_t.shape[0]
        if tau <= tab_t[0]:
            reach = tab_r[0]
        elif tau >= tab_t[n - 1]:
            reach = tab_r[n - 1] + tab_r[n] * (tau - tab_t[n - 1])  # tab_r[n]: the burnout speed
        else:
            j = _segment_of(tau, tab_t, n)
            w = (tau - tab_t[j]) / (tab_t[j + 1] - tab_t[j])
            reach = tab_r[j] + w * (tab_r[j + 1] - tab_r[j])
        return need - reach
    fly = tau - t_burn
    if not fly > 0.0:
        return np.inf
    if mode == 0:
        dx = p[0] - base[0] - vc[0] * tau
        dy = p[1] - base[1] - vc[1] * tau
        dz = p[2] - base[2] - vc[2] * tau
        return math.sqrt(dx * dx + dy * dy + dz * dz) / fly
    # ballistic: Lambert arc from the burnout point (Earth-fixed, rotating) to the missile's inertial position
    c = math.cos(omega * t)
    s = math.sin(omega * t)
    pe0, pe1 = c * p[0] - s * p[1], s * p[0] + c * p[1]
    p[0], p[1] = pe0, pe1
    tb = t_launch + t_burn
    # the carrier moved the burnout point by vc * (burn time) and gives its velocity
    bx = base[0] + vc[0] * (tb - t_launch)
    by = base[1] + vc[1] * (tb - t_launch)
    bz = base[2] + vc[2] * (tb - t_launch)
    bo = np.empty(3)
    bo[0], bo[1], bo[2] = bx, by, bz
    sp = intercept_speed_kernel(bo, tb, p, t, omega, mu, r1, v1, v2)
    if not sp < np.inf:
        return np.inf
    cb = math.cos(omega * tb)
    sb = math.sin(omega * tb)
    wx = v1[0] + omega * r1[1] - (cb * vc[0] - sb * vc[1])
    wy = v1[1] - omega * r1[0] - (sb * vc[0] + cb * vc[1])
    wz = v1[2] - vc[2]
    return math.sqrt(wx * wx + wy * wy + wz * wz)


@numba.njit(cache=True)
def _edge(
    a, b, rising, k, ts, P, V, base, vc, t_launch, t_burn, mode, tab_t, tab_r, speed, omega, mu, p, r1, v1,
    v2, ab,
):
    """Bisect inside sample interval k for the time the fly-out condition starts (rising) or stops holding.

    ``a`` < ``b``; when rising the condition fails at a and holds at b (returns the first time it holds),
    else it holds at a and fails at b (returns the last time it holds).
    """
    for _ in range(_BISECT):
        m = 0.5 * (a + b)
        if m <= a or m >= b:
            break
        g = _need(
            m, k, ts, P, V, base, vc, t_launch, t_burn, mode, tab_t, tab_r, omega, mu, p, r1, v1, v2, ab
        )
        ok = g <= 0.0 if mode == 2 else g <= speed
        if ok == rising:
            b = m
        else:
            a = m
    return b if rising else a


@numba.njit(cache=True)
def _one_base(i, ts, P, V, bases, vcs, t_launch, t_burn, mode, tab_t, tab_r, speed, omega, mu, ab, out):
    """out[i] = least speed, first intercept, last intercept, intercept altitude index (sample)."""
    p = np.empty(3)
    r1 = np.empty(3)
    v1 = np.empty(3)
    v2 = np.empty(3)
    base = bases[i]
    vc = vcs[i]
    kmax = ts.shape[0] - 1
    best = np.inf
    first = np.nan
    last = np.nan
    prev_ok = False
    for k in range(1, kmax + 1):
        t = ts[k]
        if t <= t_launch:
            continue
        g = _need(
            t, k - 1, ts, P, V, base, vc, t_launch, t_burn, mode, tab_t, tab_r, omega, mu, p, r1, v1, v2, ab
        )
        if mode != 2 and g < best:
            best = g
        ok = g <= 0.0 if mode == 2 else g <= speed
        if ok != prev_ok and (prev_ok or np.isnan(first)):
            # the condition starts (ok) or stops holding inside this interval: bisect for the edge
            a = max(t_launch, ts[k - 1])
            # fmt: off
            edge = _edge(a, t, ok, k - 1, ts, P, V, base, vc, t_launch, t_burn, mode, tab_t, tab_r, speed,
                         omega, mu, p, r1, v1, v2, ab)
            # fmt: on
            if ok:
                first = edge
            else:
                last = edge
        if ok:
            last = t
        prev_ok = ok
    out[i, 0] = best if mode != 2 else np.nan
    out[i, 1] = first
    out[i, 2] = last


@numba.njit(cache=True, nogil=True)
def _zone_kernel(
    lo, hi, ts, P, V, bases, vcs, t_launch, t_burn, mode, tab_t, tab_r, speed, omega, mu, ab, out
):
    """Bases lo to hi - 1 (`_one_base`). Serial and without the GIL: `shieldcheck._numba.run_chunks` runs
    row ranges on several threads, and one base in the calling thread (a parallel kernel's start cost
    tens of milliseconds per call on a loaded machine, more than one base's work)."""
    for i in range(lo, hi):
        _one_base(i, ts, P, V, bases, vcs, t_launch, t_burn, mode, tab_t, tab_r, speed, omega, mu, ab, out)


# ------------------------------------------------------------------------------------------- results
@dataclass(frozen=True)
class BoostPhaseResult:
    """One base against one boosting missile.

    Attributes
    ----------
    status : str
        ``"engageable"``, ``"too_slow"`` (the interceptor cannot reach the missile before the deadline),
        ``"beyond_horizon"`` (the missile stays below the base's horizon until the deadline: a straight
        fly-out would pass through the Earth) or ``"too_late"`` (the interceptor would be fired after the
        deadline).
    reason : str
        The status in words.
    distance_km : float
        Ground distance from the missile's launch point to the base (geodesic), km.
    interceptor_launch_s, deadline_s, time_available_s : float
        Interceptor launch after the threat's launch, the deadline (burnout or the given time), and the
        time from the launch to the deadline (the boost-phase intercept window open to the interceptor),
        s; 0 when the interceptor would be fired at or after the deadline (status ``"too_late"``, the
        reason says by how much), never negative.
    required_speed_km_s : float
        Least burnout speed that reaches the missile before the deadline (inf: none; NaN for a staged
        fly-out, whose speed is fixed by its stages).
    interceptor_speed_km_s : float
    first_intercept_s, last_intercept_s, intercept_window_s : float
        First and last times the interceptor can meet the missile and the time between them (NaN: none).
    intercept_altitude_km, intercept_downrange_km : float
        The missile's altitude and ground distance from its launch point at the first intercept.
    """

    status: str
    reason: str
    base_latitude_deg: float
    base_longitude_deg: float
    base_altitude_km: float
    distance_km: float
    interceptor_launch_s: float
    deadline_s: float
    time_available_s: float
    required_speed_km_s: float
    interceptor_speed_km_s: float
    first_intercept_s: float
    last_intercept_s: float
    intercept_window_s: float
    intercept_altitude_km: float
    intercept_downrange_km: float


@dataclass(frozen=True)
class BasingZone:
    """Where a boost-phase base must stand: least speed and engageability on a latitude/longitude grid.

    ``footprint`` is a :class:`shieldcheck.footprint.Footprint` (kind ``"boost_phase_basing_zone"``) with
    the arrays ``engageable`` (bool), ``required_speed_km_s``, ``first_intercept_s`` and
    ``intercept_window_s`` (each ``(n_lat, n_lon)``); ``to_geojson()`` gives the zone's outline.
    ``time_available_s`` is the deadline less the interceptor's launch, s (0 when it is fired at or after
    the deadline: no cell engages).
    """

    profile_name: str
    launch_latitude_deg: float
    launch_longitude_deg: float
    azimuth_deg: float
    burnout_time_s: float
    deadline_s: float
    interceptor_launch_s: float
    time_available_s: float
    interceptor: str
    interceptor_speed_km_s: float
    flyout: str
    base_altitude_km: float
    carrier_speed_km_s: float
    footprint: object = field(repr=False)
    track_latitude_deg: np.ndarray = field(repr=False, default=None)
    track_longitude_deg: np.ndarray = field(repr=False, default=None)

    @property
    def cells(self) -> int:
        g = self.footprint.grid
        return g.shape[0] * g.shape[1]

    @property
    def cells_engageable(self) -> int:
        return int(np.count_nonzero(self.footprint.values["engageable"]))

    def to_geojson(self) -> dict:
        """The zone's outline (cells that can engage) as a GeoJSON FeatureCollection."""
        return self.footprint.to_geojson("engageable")

    def table(self) -> list[dict]:
        """One row per cell: ``latitude_deg``, ``longitude_deg``, ``engageable``, ``required_speed_km_s``,
        ``first_intercept_s``, ``intercept_window_s`` (JSON-able: inf and NaN become None)."""
        lat, lon = self.footprint.grid.mesh()
        v = self.footprint.values
        rows = []
        for idx in np.ndindex(lat.shape):
            rows.append(
                {
                    "latitude_deg": float(lat[idx]),
                    "longitude_deg": float(lon[idx]),
                    "engageable": bool(v["engageable"][idx]),
                    **{
                        k: _num(v[k][idx])
                        for k in ("required_speed_km_s", "first_intercept_s", "intercept_window_s")
                    },
                }
            )
        return rows

    def to_dict(self) -> dict:
        """Summary and grid, JSON-able (what the CLI's ``--json``, the web app and a report read)."""
        g = self.footprint.grid
        v = self.footprint.values
        return {
            "kind": "boost_phase_basing_zone",
            **{
                k: _num(getattr(self, k)) if isinstance(getattr(self, k), float) else getattr(self, k)
                for k in (
                    "profile_name",
                    "launch_latitude_deg",
                    "launch_longitude_deg",
                    "azimuth_deg",
                    "burnout_time_s",
                    "deadline_s",
                    "interceptor_launch_s",
                    "time_available_s",
                    "interceptor",
                    "interceptor_speed_km_s",
                    "flyout",
                    "base_altitude_km",
                    "carrier_speed_km_s",
                )
            },
            "cells": self.cells,
            "cells_engageable": self.cells_engageable,
            "latitude_deg": g.latitude_deg.tolist(),
            "longitude_deg": g.longitude_deg.tolist(),
            "engageable": v["engageable"].astype(bool).tolist(),
            "required_speed_km_s": [[_num(x) for x in row] for row in v["required_speed_km_s"]],
            "track_latitude_deg": [float(x) for x in self.track_latitude_deg],
            "track_longitude_deg": [float(x) for x in self.track_longitude_deg],
            "note": "kinematic model estimate: no homing, divert or kill assessment",
        }


def _num(x):
    x = float(x)
    return x if math.isfinite(x) else None


# ------------------------------------------------------------------------------------------- the API
def _flyout_args(interceptor, speed_km_s, burn_time_s, burnout_altitude_km, launch_delay_s, flyout):
    """(name, speed, burn time, burnout altitude, launch delay, mode, table t, table r) from the inputs."""
    from shieldcheck.interceptors import InterceptorType, StagedFlyout

    if flyout not in FLYOUTS:
        raise InputError(f"flyout must be one of {', '.join(FLYOUTS)}, got {flyout!r}")
    empty = np.zeros(1), np.zeros(2)
    if isinstance(interceptor, StagedFlyout):
        sf = interceptor
        tab_t = np.ascontiguousarray(sf.time_s, dtype=float)
        tab_r = np.ascontiguousarray(np.append(sf.reach_km, sf.burnout_speed_km_s), dtype=float)
        return (sf.name, sf.burnout_speed_km_s, sf.burn_time_s, 0.0, sf.launch_delay_s, 2, tab_t, tab_r)
    if flyout == "staged":
        raise InputError(
            "flyout 'staged' needs an interceptor with stages (shieldcheck.interceptors.staged_flyout)"
        )
    if isinstance(interceptor, InterceptorType):
        it = interceptor
        name, v, tb, hb, ld = (
            it.name,
            it.burnout_speed_km_s,
            it.burn_time_s,
            it.burnout_altitude_km,
            it.launch_delay_s,
        )
        if speed_km_s is not None:
            v = speed_km_s
    elif interceptor is None:
        name, v = "interceptor", speed_km_s
        tb = 0.0 if burn_time_s is None else burn_time_s
        hb = 0.0 if burnout_altitude_km is None else burnout_altitude_km
        ld = 0.0 if launch_delay_s is None else launch_delay_s
        if v is None:
            raise InputError("give an interceptor type or speed_km_s")
    else:
        raise InputError(
            f"interceptor must be an InterceptorType or a StagedFlyout, got {type(interceptor).__name__}"
        )
    if burn_time_s is not None:
        tb = burn_time_s
    if burnout_altitude_km is not None:
        hb = burnout_altitude_km
    if launch_delay_s is not None:
        ld = launch_delay_s
    v = require_within("speed_km_s", v, 0.0, 15.0, lo_open=True)
    tb = require_within("burn_time_s", tb, 0.0, 1000.0)
    hb = require_within("burnout_altitude_km", hb, 0.0, 2000.0)
    ld = require_within("launch_delay_s", ld, 0.0, 86400.0)
    return (name, v, tb, hb, ld, _MODE[flyout], *empty)


def _bases_ecef(lat, lon, alt, hb, carrier_speed, launch_lat, launch_lon, earth):
    """Burnout-point origins (base altitude + burnout altitude) and carrier velocities toward the launch."""
    lat = np.atleast_1d(lat)
    lon = np.atleast_1d(lon)
    bases = np.ascontiguousarray(_earth.geodetic_to_ecef(lat, lon, alt + hb, earth).reshape(-1, 3))
    vcs = np.zeros_like(bases)
    if carrier_speed > 0.0:
        _, az, _ = _earth.geodesic_inverse(
            lat, lon, np.full(lat.shape, launch_lat), np.full(lon.shape, launch_lon), earth
        )
        e, n, _ = _earth.enu_basis(lat, lon, earth)
        azr = np.radians(np.atleast_1d(az))[:, None]
        vcs = np.ascontiguousarray(carrier_speed * (np.sin(azr) * e + np.cos(azr) * n).reshape(-1, 3))
    return bases, vcs


def _radii(earth: str) -> np.ndarray:
    """(equatorial, polar) radius of the Earth model, km."""
    a, e2 = _earth.ellipsoid(earth)
    return np.array([a, a * math.sqrt(1.0 - e2)])


_OPTIONS = {
    "speed_km_s": None,
    "burn_time_s": None,
    "burnout_altitude_km": None,
    "launch_delay_s": None,
    "delay_s": 60.0,
    "deadline_s": None,
    "before_s": None,  # deprecated: the old name of deadline_s (it was always a time after launch)
    "base_altitude_km": 0.0,
    "carrier_speed_km_s": 0.0,
    "flyout": "straight",
    "earth": "wgs84",
    "rotation": True,
}
"""The keyword options of `engage_boost` (and of `least_speed_curve` and `basing_zone`) and their defaults."""


def _run(profile, lat, lon, interceptor, options: dict, *, speed_free: bool = False):
    """Validate the options and evaluate every base: (profile used, fly-out args, launch, deadline, out)."""
    unknown = sorted(set(options) - set(_OPTIONS))
    if unknown:
        raise InputError(f"unknown option(s) {unknown}; allowed: {', '.join(_OPTIONS)}")
    o = {**_OPTIONS, **options}
    if not isinstance(profile, BoostProfile):
        raise InputError(f"profile must be a BoostProfile (see boost_profile), got {type(profile).__name__}")
    speed = 1.0 if speed_free else o["speed_km_s"]
    args = _flyout_args(
        interceptor, speed, o["burn_time_s"], o["burnout_altitude_km"], o["launch_delay_s"], o["flyout"]
    )
    name, v, tb, hb, ld, mode, tab_t, tab_r = args
    if speed_free and mode == 2:
        raise InputError("a least-speed curve needs a speed model (flyout 'straight' or 'ballistic')")
    delay = require_within("delay_s", o["delay_s"], 0.0, 3600.0)
    alt = require_within("base_altitude_km", o["base_altitude_km"], 0.0, 30.0)
    cs = require_within("carrier_speed_km_s", o["carrier_speed_km_s"], 0.0, 1.0)
    earth = _earth.check_earth(o["earth"])
    if o["before_s"] is not None:
        if o["deadline_s"] is not None:
            raise InputError("give deadline_s only (before_s is its old name), got both")
        warnings.warn(
            "before_s is deprecated: use deadline_s, the time after the threat's launch by which the "
            "intercept must happen (it always meant that)",
            DeprecationWarning,
            stacklevel=3,
        )
        o["deadline_s"] = o["before_s"]
    prof = profile if o["deadline_s"] is None else profile.until(o["deadline_s"])
    t_launch = delay + ld
    bases, vcs = _bases_ecef(
        lat, lon, alt, hb, cs, prof.launch_latitude_deg, prof.launch_longitude_deg, earth
    )
    out = np.empty((bases.shape[0], 3))
    # fmt: off
    run_chunks(_zone_kernel, bases.shape[0], np.ascontiguousarray(prof.time_s),
               np.ascontiguousarray(prof.r_ecef_km), np.ascontiguousarray(prof.v_ecef_km_s), bases, vcs,
               float(t_launch), float(tb), int(mode), tab_t, tab_r, float(v),
               _earth.rotation_rate(bool(o["rotation"])), MU_KM3_S2, _radii(earth), out)
    # fmt: on
    return prof, args, t_launch, float(prof.time_s[-1]), out


def engage_boost(
    profile: BoostProfile,
    latitude_deg: float,
    longitude_deg: float,
    interceptor=None,
    *,
    speed_km_s: float | None = None,
    burn_time_s: float | None = None,
    burnout_altitude_km: float | None = None,
    launch_delay_s: float | None = None,
    delay_s: float = 60.0,
    deadline_s: float | None = None,
    base_altitude_km: float = 0.0,
    carrier_speed_km_s: float = 0.0,
    flyout: str = "straight",
    earth: str = "wgs84",
    rotation: bool = True,
    before_s: float | None = None,
) -> BoostPhaseResult:
    """Can an interceptor from this base reach the boosting missile before burnout (or ``deadline_s``)?

    Parameters
    ----------
    profile : BoostProfile
        The threat's boost (:func:`boost_profile`).
    latitude_deg, longitude_deg : float
        The base, deg.
    interceptor : InterceptorType or StagedFlyout, optional
        Its burnout speed, burn time, burnout altitude and launch delay (each may be overridden by the
        keyword of the same name); a ``StagedFlyout`` (from :func:`shieldcheck.interceptors.staged_flyout`)
        flies its integrated burn. Without one, give ``speed_km_s`` (burn time, burnout altitude and launch
        delay then default to 0).
    delay_s : float
        Detection, tracking and decision: threat launch to the fire command, s, in [0, 3600].
    deadline_s : float, optional
        The time after the threat's launch by which the intercept must happen, s, in (0, burnout time]
        (e.g. before the payload is released); default: burnout. A time, not a duration before burnout.
    base_altitude_km, carrier_speed_km_s : float
        An airborne base's altitude (km, ≤ 30) and speed (km/s, ≤ 1); the carrier flies toward the launch
        point and its velocity adds to the interceptor's.
    flyout : {"straight", "ballistic", "staged"}
        See the module notes.
    before_s : float, optional
        Deprecated (DeprecationWarning): the old name of ``deadline_s``.

    Returns
    -------
    BoostPhaseResult

    Raises
    ------
    InputError
        A value out of range (named), a missing speed, an unknown fly-out.

    >>> p = boost_profile("aps2003-liquid", 40.0, 127.0, azimuth_deg=45.0, step_s=5.0)
    >>> r = engage_boost(p, 41.0, 131.0, speed_km_s=5.0, burn_time_s=50.0, delay_s=60.0)
    >>> r.status, r.time_available_s
    ('engageable', 190.0)
    """
    lat = require_within("latitude_deg", latitude_deg, -90.0, 90.0)
    lon = require_within("longitude_deg", longitude_deg, -360.0, 360.0)
    options = dict(
        speed_km_s=speed_km_s,
        burn_time_s=burn_time_s,
        burnout_altitude_km=burnout_altitude_km,
        launch_delay_s=launch_delay_s,
        delay_s=delay_s,
        deadline_s=deadline_s,
        before_s=before_s,
        base_altitude_km=base_altitude_km,
        carrier_speed_km_s=carrier_speed_km_s,
        flyout=flyout,
        earth=earth,
        rotation=rotation,
    )
    prof, args, t_launch, deadline, out = _run(profile, lat, lon, interceptor, options)
    name, v = args[0], args[1]
    req, first, last = (float(x) for x in out[0])
    mode = args[5]
    dist = float(
        _earth.geodesic_inverse(prof.launch_latitude_deg, prof.launch_longitude_deg, lat, lon, earth)[0]
    )
    avail = max(0.0, deadline - t_launch)
    until = "burnout" if deadline_s is None and before_s is None else "the deadline"
    if deadline - t_launch <= 0.0:
        status = "too_late"
        reason = (
            f"too late: the interceptor would be fired {t_launch:,.0f} s after launch, "
            f"{t_launch - deadline:,.0f} s after {until} ({deadline:,.0f} s): no time for a boost-phase "
            "intercept"
        )
    elif not math.isnan(first):
        status = "engageable"
        reason = ""
    else:
        status = "too_slow"
        if mode == 2:
            reason = (
                f"{name} cannot reach the missile before {until} ({deadline:,.0f} s) from {dist:,.0f} km "
                f"away (fired at {t_launch:,.0f} s)"
            )
        elif math.isfinite(req):
            reason = (
                f"too slow: an interceptor {dist:,.0f} km from the launch point would need a burnout "
                f"speed of {req:.2f} km/s, this one has {v:.2f} km/s"
            )
        elif t_launch + args[2] < deadline:  # it flies in time, but no straight line clears the Earth
            status = "beyond_horizon"
            reason = (
                f"out of reach: {dist:,.0f} km from the launch point, every straight line from the base to "
                f"the missile before {until} ({deadline:,.0f} s) passes through the Earth (the missile "
                "stays below the base's horizon)"
            )
        else:
            reason = (
                f"{name} burns until {t_launch + args[2]:,.0f} s, after {until} ({deadline:,.0f} s)"
            )
    alt_km = rng_km = float("nan")
    if not math.isnan(first):
        p, _ = prof.state(first)
        la, lo_, al = _earth.ecef_to_geodetic(p, earth)
        alt_km = float(al)
        rng_km = float(
            _earth.geodesic_inverse(prof.launch_latitude_deg, prof.launch_longitude_deg, la, lo_, earth)[0]
        )
    return BoostPhaseResult(
        status,
        reason,
        lat,
        lon,
        float(base_altitude_km),
        dist,
        float(t_launch),
        deadline,
        avail,
        req if mode != 2 else float("nan"),
        float(v),
        first,
        last,
        (last - first) if not math.isnan(first) else float("nan"),
        alt_km,
        rng_km,
    )


def least_speed_curve(
    profile: BoostProfile,
    distances_km,
    *,
    bearing_deg: float | None = None,
    interceptor=None,
    **options,
) -> dict:
    """Least interceptor burnout speed against the base's distance from the launch point.

    Bases lie along the geodesic from the launch point at ``bearing_deg`` (deg from north; default the
    missile's azimuth: bases under its track). Returns ``{"distance_km", "required_speed_km_s",
    "latitude_deg", "longitude_deg"}`` (arrays of shape (N,); inf where no speed below the bound reaches
    the missile before the deadline), ``"bearing_deg"``, and the timeline ``"interceptor_launch_s"``,
    ``"deadline_s"`` and ``"time_available_s"`` (s; 0 when the interceptor is fired at or after the
    deadline, as in `BoostPhaseResult`). At most 250,000 distances in [0, 20,000] km. ``interceptor`` and
    ``options`` are those of :func:`engage_boost` (its speed is not used: the curve gives the speed).

    >>> p = boost_profile("aps2003-solid", 40.0, 127.0, azimuth_deg=45.0, step_s=10.0)
    >>> c = least_speed_curve(p, [200.0, 800.0], burn_time_s=50.0, delay_s=60.0)
    >>> bool(c["required_speed_km_s"][0] < c["required_speed_km_s"][1])
    True
    """
    d = np.atleast_1d(np.asarray(distances_km, dtype=float))
    if (
        d.ndim != 1
        or d.size == 0
        or d.size > MAX_CELLS
        or np.any(~np.isfinite(d))
        or np.any(d < 0)
        or np.any(d > 20000)
    ):
        raise InputError(f"distances_km must hold 1 to {MAX_CELLS} distances within [0, 20000] km")
    if not isinstance(profile, BoostProfile):
        raise InputError(f"profile must be a BoostProfile (see boost_profile), got {type(profile).__name__}")
    brg = (
        profile.azimuth_deg if bearing_deg is None else require_within("bearing_deg", bearing_deg, -360, 360)
    )
    earth = _earth.check_earth(options.get("earth", "wgs84"))
    la, lo_, _ = _earth.geodesic_direct(
        profile.launch_latitude_deg, profile.launch_longitude_deg, np.full(d.shape, brg), d, earth
    )
    _, _, t_launch, deadline, out = _run(
        profile, np.atleast_1d(la), np.atleast_1d(lo_), interceptor, options, speed_free=True
    )
    return {
        "distance_km": d,
        "required_speed_km_s": out[:, 0].copy(),
        "latitude_deg": np.atleast_1d(la),
        "longitude_deg": np.atleast_1d(lo_),
        "bearing_deg": float(brg),
        "interceptor_launch_s": float(t_launch),
        "deadline_s": float(deadline),
        "time_available_s": max(0.0, float(deadline - t_launch)),
    }


def basing_zone(
    profile: BoostProfile,
    region,
    resolution_deg: float = 1.0,
    interceptor=None,
    **options,
) -> BasingZone:
    """The boost-phase basing zone: every cell of a grid as a candidate base.

    Parameters
    ----------
    region : (lat_min_deg, lat_max_deg, lon_min_deg, lon_max_deg)
        The grid's bounds (cell centres), deg; ``lon_max < lon_min`` is not allowed, use longitudes past
        180 to cross the antimeridian (as :func:`shieldcheck.footprint.grid`).
    resolution_deg : float
        Cell size, deg; the grid may hold at most 250,000 cells.
    interceptor, **options :
        As for :func:`engage_boost` (``speed_km_s``, ``delay_s``, ``flyout``, ...).

    Returns
    -------
    BasingZone

    Raises
    ------
    InputError
        A bad region (named), too many cells, or any input :func:`engage_boost` refuses.

    >>> p = boost_profile("aps2003-liquid", 40.0, 127.0, azimuth_deg=45.0, step_s=10.0)
    >>> z = basing_zone(p, (35.0, 45.0, 122.0, 135.0), 1.0, speed_km_s=5.0, burn_time_s=50.0)
    >>> z.cells, 0 < z.cells_engageable < z.cells
    (154, True)
    """
    from shieldcheck.footprint import Footprint, grid

    try:
        lat0, lat1, lon0, lon1 = (float(x) for x in region)
    except (TypeError, ValueError):
        raise InputError(
            f"region must be (lat_min, lat_max, lon_min, lon_max) in degrees, got {region!r}"
        ) from None
    g = grid(lat0, lat1, lon0, lon1, resolution_deg)
    if g.shape[0] * g.shape[1] > MAX_CELLS:
        raise InputError(
            f"the basing-zone grid has {g.shape[0] * g.shape[1]:,} cells; at most {MAX_CELLS:,} allowed "
            "(coarsen resolution_deg or shrink the region)"
        )
    lat, lon = g.mesh()
    prof, args, t_launch, deadline, out = _run(profile, lat.ravel(), lon.ravel(), interceptor, options)
    name, v, flyout = args[0], args[1], ("straight", "ballistic", "staged")[args[5]]
    shape = g.shape
    first = out[:, 1].reshape(shape)
    engageable = ~np.isnan(first)
    values = {
        "engageable": engageable,
        "required_speed_km_s": out[:, 0].reshape(shape),
        "first_intercept_s": first,
        "intercept_window_s": (out[:, 2] - out[:, 1]).reshape(shape),
    }
    meta = {
        "missile": prof.name,
        "interceptor": name,
        "speed_km_s": float(v),
        "delay_s": float(t_launch - args[4]),
        "flyout": flyout,
    }
    tla, tlo, _ = _earth.ecef_to_geodetic(prof.r_ecef_km, options.get("earth", "wgs84"))
    return BasingZone(
        prof.name,
        prof.launch_latitude_deg,
        prof.launch_longitude_deg,
        prof.azimuth_deg,
        prof.burnout_time_s,
        deadline,
        float(t_launch),
        max(0.0, deadline - t_launch),
        name,
        float(v),
        flyout,
        float(options.get("base_altitude_km", 0.0)),
        float(options.get("carrier_speed_km_s", 0.0)),
        Footprint("boost_phase_basing_zone", g, values, meta),
        np.atleast_1d(tla),
        np.atleast_1d(tlo),
    )
