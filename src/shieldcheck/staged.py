"""Threat trajectories with a staged boost: powered flight fitted to the target, then a Keplerian coast.

Units: km, s, kg; angles in degrees at the API. Time is seconds after the threat's launch. Frames follow
:mod:`shieldcheck.earth` and :mod:`shieldcheck.boost`: the inertial frame equals the Earth-fixed one at
launch.

The model
---------
A missile class with stage data (``catalog/boosters.yaml``) flies the 3-DOF staged boost of
:func:`shieldcheck.boost.fly_batch` (vertical rise, pitch-over kick, gravity turn; drag, rotating Earth)
and then coasts on a conic (central gravity, no drag) to the surface. A full burn carries the missile to
its maximum range; a shorter route is reached by **thrust termination**: the pitch program is the one
that maximises the full-burn range along the route's azimuth (the kick of
:func:`shieldcheck.boost.solve_kick`, goal ``"max-range"``, the same search as :mod:`shieldcheck.reach`),
and the thrust is cut at the time ``t_c`` at which the coast from the cut-off state lands on the target.
This is the least-burn ("minimum-energy for this missile") trajectory with that program; the burnout point
always lies short of the target, however short the route (the defect of a class's full boost applied to a
530 km route, issue 10). Solid missiles terminate thrust by venting or by releasing the payload bus;
liquid ones by engine cut-off (e.g. Wheelon 1959; APS 2003 study, ch. 5, on energy management of ICBMs
flown to less than their full range).

Thrust termination at ``t_c`` flies exactly the full burn's path up to ``t_c`` (constant mass flow): the
cut stage keeps its unburnt propellant as dead mass and the stages above are carried as payload
(:func:`shieldcheck.boost.cut_vehicle`, re-exported here). The launch azimuth is corrected for the
Earth's rotation by iterating on the azimuth of the impact point seen from the launch point. The coast
ignores drag on re-entry, as the kinematic model does.

A target farther than the full-burn maximum range along its azimuth is ``unreachable``; the result then
carries ``max_range_km`` and ``range_margin_km`` (maximum range minus the route's ground range: positive
when the target is within reach by that much, negative when the missile falls short by that much).

Sources: the boost model and kick search of :mod:`shieldcheck.boost` (Sutton & Biblarz 2017; Wheelon,
"Free flight of a ballistic missile", ARS Journal 29, 1959); conic coast and impact after Bate, Mueller &
White, *Fundamentals of Astrodynamics* (1971), ch. 6.

>>> from shieldcheck.catalog.boosters import get_booster
>>> v = get_booster("icbm-solid").vehicle
>>> t = staged_trajectory(v, (54.71, 20.51), (52.52, 13.40))
>>> t.status, t.burnout_range_km < t.ground_range_km, t.burnout_speed_relative_km_s > 2.0
('ok', True, True)
"""

from __future__ import annotations

import math

import numpy as np

from shieldcheck import earth as _earth
from shieldcheck.boost import Vehicle, cut_vehicle, fly_batch, free_flight, solve_kick
from shieldcheck.earth import MU_KM3_S2
from shieldcheck.errors import InputError
from shieldcheck.orbits import kepler

__all__ = [
    "MISS_TOLERANCE_KM",
    "PROFILE_SAMPLES",
    "boost_profile",
    "cut_vehicle",
    "staged_trajectories",
    "staged_trajectory",
    "to_trajectories",
]

MISS_TOLERANCE_KM = 0.5
"""A staged trajectory is ``ok`` when its impact point lies within this distance of the target, km."""
_MIN_CUT_S = 0.5  # earliest thrust termination considered, s (no propellant burnt is no missile)
_KICK_ITERATIONS = 20  # golden-section steps of the max-range kick (as reach.py: 0.005 deg, range flat)
_CUT_ITERATIONS = 40  # most Illinois steps on the cut-off time
_AZIMUTH_PASSES = 12  # most azimuth corrections for the Earth's rotation


def _fly_cut(vehicle, lat, lon, az, kick, t_cut, earth, rotation, payload_kg):
    """Fly each row with its thrust cut at t_cut; returns (BoostBatch, free-flight dict)."""
    vs = [cut_vehicle(vehicle, float(t)) for t in t_cut]
    kw = {} if payload_kg is None else {"payload_kg": payload_kg}
    b = fly_batch(vs, lat, lon, az, kick, earth=earth, rotation=rotation, **kw)
    return b, free_flight(b, earth=earth, rotation=rotation)


PROFILE_SAMPLES = 41
"""Evenly spaced samples of a staged boost's tabulated profile (phase boundaries are added to them)."""


def boost_profile(vehicle, lat, lon, az, kick, t_cut, *, earth="wgs84", rotation=True, payload_kg=None,
                  samples: int = PROFILE_SAMPLES) -> np.ndarray:
    """Tabulated boost of one staged flight: its state from launch to thrust termination.

    The state at each sample time is the burnout state of the flight cut off then (`cut_vehicle`), so the
    table is the staged integration itself, sampled. Sample times are ``samples`` even steps over
    [0, t_cut] plus every phase boundary inside (end of vertical rise and of kick, each stage's burnout),
    where the acceleration jumps, so that a cubic Hermite interpolation through the table keeps its order.

    Returns
    -------
    ndarray, shape (K, 8)
        Columns: t_s, x, y, z (ECEF, km), vx, vy, vz (velocity relative to the Earth in ECEF axes, km/s,
        the time derivative of the ECEF position), inertial speed (km/s).
    """
    from shieldcheck.boost import PitchProgram

    pitch = PitchProgram()
    bounds = [pitch.vertical_rise_s, pitch.vertical_rise_s + pitch.kick_duration_s]
    t = 0.0
    for st in vehicle.stages:
        t += st.burn_time_s
        bounds.append(t)
        t += st.coast_after_s
    times = np.union1d(np.linspace(0.0, t_cut, samples), [b for b in bounds if 0.0 < b < t_cut])
    times = times[times >= _MIN_CUT_S]
    vs = [cut_vehicle(vehicle, float(x)) for x in times]
    kw = {} if payload_kg is None else {"payload_kg": payload_kg}
    b = fly_batch(vs, lat, lon, az, kick, earth=earth, rotation=rotation, **kw)
    r0 = np.atleast_2d(_earth.geodetic_to_ecef(lat, lon, 0.0, earth))[0]
    omega = _earth.rotation_rate(rotation)
    rows = [[0.0, *r0, 0.0, 0.0, 0.0, omega * math.hypot(r0[0], r0[1])]]
    for i in range(len(vs)):
        rows.append([float(b.burnout_time_s[i]), *b.r_ecef_km[i], *b.v_rel_km_s[i],
                     float(b.burnout_inertial_speed_km_s[i])])
    table = np.array(rows)
    _, keep = np.unique(table[:, 0], return_index=True)  # a cut inside an inter-stage coast repeats a time
    return table[keep]


def _apogee(r, v, t_bo, earth, rotation):
    """Apogee altitude (km) and time (s after launch) of the coast conics from inertial burnout states.

    Time to apoapsis from Kepler's equation (Bate, Mueller & White 1971, §4.2); an arc already descending
    at burnout has its apogee at burnout.
    """
    rr = np.linalg.norm(r, axis=-1)
    vv = np.sum(v * v, axis=-1)
    rdv = np.sum(r * v, axis=-1)
    energy = 0.5 * vv - MU_KM3_S2 / rr
    sma = -MU_KM3_S2 / (2.0 * energy)
    evec = ((vv - MU_KM3_S2 / rr)[:, None] * r - rdv[:, None] * v) / MU_KM3_S2
    ecc = np.linalg.norm(evec, axis=-1)
    cos_e = (1.0 - rr / sma) / ecc
    sin_e = rdv / (ecc * np.sqrt(MU_KM3_S2 * sma))
    big_e = np.arctan2(sin_e, cos_e)
    dt = np.sqrt(sma**3 / MU_KM3_S2) * (np.pi - (big_e - ecc * np.sin(big_e)))
    rising = rdv > 0.0
    dt = np.where(rising, dt, 0.0)
    apo = -(sma * (1.0 + ecc) / ecc)[:, None] * evec
    pos = np.where(rising[:, None], apo, r)
    t_apo = t_bo + dt
    _, _, alt = _earth.ecef_to_geodetic(_earth.eci_to_ecef(pos, t_apo, rotation), earth)
    return np.atleast_1d(alt), t_apo


def staged_trajectories(
    vehicle: Vehicle,
    launch_latitude_deg,
    launch_longitude_deg,
    target_latitude_deg,
    target_longitude_deg,
    *,
    payload_kg=None,
    earth: str = "wgs84",
    rotation: bool = True,
) -> dict:
    """Fit the staged boost (thrust termination) and coast to each target; batched over routes.

    Parameters
    ----------
    vehicle : shieldcheck.boost.Vehicle
        The missile's stages, payload and drag curve.
    launch_latitude_deg, launch_longitude_deg, target_latitude_deg, target_longitude_deg : array_like
        Surface points, deg; broadcast to one batch of N routes.
    payload_kg : float, optional
        Overrides the vehicle's payload, kg.
    earth : {"wgs84", "sphere"}
    rotation : bool

    Returns
    -------
    dict of ndarray
        The fields of :class:`shieldcheck.threats.Trajectory` (``shape`` ``"min-energy"``, ``boost``
        ``"staged"``), each of shape ``(N,)`` (vectors ``(N, 3)``), plus ``kick_deg`` and ``miss_km``
        (impact point to target, km). ``max_range_km`` is the full-burn maximum range along the route's
        azimuth and ``range_margin_km`` the maximum range minus the ground range; ``launch_azimuth_deg``
        is the launch azimuth flown (the route's, corrected for the Earth's rotation).

    Raises
    ------
    InputError
        Inputs out of range (from the boost solver), or a payload light enough to reach orbit.
    """
    earth = _earth.check_earth(earth)
    if not isinstance(rotation, (bool, np.bool_)):
        raise InputError(f"rotation must be True or False, got {rotation!r}")
    lat1, lon1, lat2, lon2 = (
        np.array(np.ravel(x), dtype=float)
        for x in np.broadcast_arrays(
            *(np.asarray(a, dtype=float) for a in (launch_latitude_deg, launch_longitude_deg,
                                                   target_latitude_deg, target_longitude_deg))
        )
    )
    n = lat1.size
    ground, az0, _ = (np.atleast_1d(np.asarray(x, dtype=float))
                      for x in _earth.geodesic_inverse(lat1, lon1, lat2, lon2, earth=earth))
    az0 = np.mod(az0, 360.0)
    kw = {} if payload_kg is None else {"payload_kg": payload_kg}
    full = solve_kick(vehicle, lat1, lon1, az0, "max-range", iterations=_KICK_ITERATIONS, earth=earth,
                      rotation=rotation, **kw)
    kick = np.asarray(full["kick_deg"], dtype=float)
    max_range = np.asarray(full["max_range_km"], dtype=float)
    t_full = vehicle.burn_time_s
    reachable = max_range >= ground
    status = np.where(reachable, "ok", "unreachable").astype(object)
    reason = np.full(n, "", dtype=object)
    for i in np.flatnonzero(~reachable):
        reason[i] = (f"out of reach: the target is {ground[i]:.0f} km away and the missile's full burn "
                     f"reaches {max_range[i]:.0f} km along this azimuth, {ground[i] - max_range[i]:.0f} km "
                     "short")

    az = az0.copy()
    t_cut = np.full(n, float(t_full))
    rows = np.flatnonzero(reachable)
    prev_az, prev_turn = np.full(n, np.nan), np.full(n, np.nan)
    first = True
    for _ in range(_AZIMUTH_PASSES):
        if rows.size == 0:
            break
        t_cut[rows] = _solve_cut(vehicle, lat1[rows], lon1[rows], az[rows], kick[rows], ground[rows],
                                 t_full, earth, rotation, payload_kg, None if first else t_cut[rows])
        first = False
        b, ff = _fly_cut(vehicle, lat1[rows], lon1[rows], az[rows], kick[rows], t_cut[rows], earth, rotation,
                         payload_kg)
        miss = np.atleast_1d(_earth.geodesic_inverse(ff["impact_latitude_deg"], ff["impact_longitude_deg"],
                                                      lat2[rows], lon2[rows], earth=earth)[0])
        _, az_imp, _ = _earth.geodesic_inverse(lat1[rows], lon1[rows], ff["impact_latitude_deg"],
                                               ff["impact_longitude_deg"], earth=earth)
        turn = np.mod(az0[rows] - np.atleast_1d(az_imp) + 180.0, 360.0) - 180.0
        turn = np.where(np.isfinite(turn), turn, 0.0)
        # secant on the launch azimuth (the impact azimuth need not turn one-for-one with it: the max-range
        # kick is a fraction of a degree, so the Earth's rotation shares in the pitch-over); one-for-one on
        # the first pass or when the observed slope is implausible
        d_az = np.mod(az[rows] - prev_az[rows] + 180.0, 360.0) - 180.0
        slope = (prev_turn[rows] - turn) / np.where(np.abs(d_az) > 1e-12, d_az, np.nan)
        slope = np.where(np.isfinite(slope) & (slope > 0.05) & (slope < 3.0), slope, 1.0)
        step = np.clip(turn / slope, -60.0, 60.0)
        prev_az[rows], prev_turn[rows] = az[rows], turn
        az[rows] = np.mod(az[rows] + step, 360.0)
        coarse = rows[np.abs(turn) > 0.5]
        rows = rows[~(miss < 0.1 * MISS_TOLERANCE_KM)]
        coarse = np.intersect1d(coarse, rows)
        if coarse.size:
            # the kick belongs to the azimuth flown (a kick solved for another azimuth leaves the impact
            # azimuth barely following the launch azimuth); re-solved while the azimuth still moves by more
            # than half a degree, then held, because the flat range optimum leaves the kick noisy
            kick[coarse] = np.asarray(solve_kick(vehicle, lat1[coarse], lon1[coarse], az[coarse], "max-range",
                                                 iterations=_KICK_ITERATIONS, earth=earth, rotation=rotation,
                                                 **kw)["kick_deg"], dtype=float)

    # the final state: cut flights for reachable rows, full burns for the others
    b, ff = _fly_cut(vehicle, lat1, lon1, az, kick, t_cut, earth, rotation, payload_kg)
    miss = np.atleast_1d(_earth.geodesic_inverse(
        np.nan_to_num(ff["impact_latitude_deg"]), np.nan_to_num(ff["impact_longitude_deg"]), lat2, lon2,
        earth=earth)[0])
    miss = np.where(np.isfinite(ff["range_km"]), miss, np.nan)
    bad = reachable & ~(miss <= MISS_TOLERANCE_KM)
    for i in np.flatnonzero(bad):
        status[i] = "no_solution"
        reason[i] = (f"the staged boost found no thrust-termination time that lands on the target (nearest "
                     f"impact {miss[i]:.1f} km away)")
    return _fields(b, ff, status, reason, lat1, lon1, lat2, lon2, ground, kick, az, miss, max_range,
                   np.asarray(full["burnout_speed_km_s"], dtype=float), earth, rotation)


def _solve_cut(vehicle, lat, lon, az, kick, ground, t_full, earth, rotation, payload_kg, t_prev=None):
    """Cut-off time whose impact range equals ``ground`` (Illinois on a bracket [0.5 s, full burn]).

    ``t_prev`` (a previous pass's answer, after a small change of azimuth) narrows the bracket to ±2 s
    around it where that still brackets the root; the other rows keep the whole burn.
    """
    n = lat.size
    lo = np.full(n, _MIN_CUT_S)
    hi = np.full(n, float(t_full))

    def miss(t):
        _, ff = _fly_cut(vehicle, lat, lon, az, kick, t, earth, rotation, payload_kg)
        r = np.where(np.isnan(ff["range_km"]), 0.0, ff["range_km"])
        return r - ground

    if t_prev is not None:
        lo_n = np.clip(t_prev - 2.0, _MIN_CUT_S, t_full)
        hi_n = np.clip(t_prev + 2.0, _MIN_CUT_S, t_full)
        flo_n, fhi_n = miss(lo_n), miss(hi_n)
        keep = (flo_n < 0.0) & (fhi_n > 0.0)
        lo, hi = np.where(keep, lo_n, lo), np.where(keep, hi_n, hi)
        flo = np.where(keep, flo_n, np.nan)
        fhi = np.where(keep, fhi_n, np.nan)
        rest = ~keep
        if np.any(rest):
            sub = np.flatnonzero(rest)
            _, ff = _fly_cut(vehicle, lat[sub], lon[sub], az[sub], kick[sub], lo[sub], earth, rotation,
                             payload_kg)
            flo[sub] = np.where(np.isnan(ff["range_km"]), 0.0, ff["range_km"]) - ground[sub]
            _, ff = _fly_cut(vehicle, lat[sub], lon[sub], az[sub], kick[sub], hi[sub], earth, rotation,
                             payload_kg)
            fhi[sub] = np.where(np.isnan(ff["range_km"]), 0.0, ff["range_km"]) - ground[sub]
    else:
        flo = miss(lo)
        fhi = miss(hi)
    done = flo >= 0.0  # even the shortest burn overshoots: keep it (the route is a few km long)
    hi = np.where(done, lo, hi)
    side = np.zeros(n)
    t = hi.copy()
    active = ~done & (fhi > 0.0)
    for _ in range(_CUT_ITERATIONS):
        if not np.any(active):
            break
        idx = np.flatnonzero(active)
        tt = (lo[idx] * fhi[idx] - hi[idx] * flo[idx]) / (fhi[idx] - flo[idx])
        bad = ~((tt > lo[idx]) & (tt < hi[idx]))
        tt[bad] = 0.5 * (lo[idx][bad] + hi[idx][bad])
        f = _fly_cut(vehicle, lat[idx], lon[idx], az[idx], kick[idx], tt, earth, rotation, payload_kg)[1]
        f = np.where(np.isnan(f["range_km"]), 0.0, f["range_km"]) - ground[idx]
        t[idx] = tt
        up = f > 0.0
        # Illinois: halve the stale end's value when the same end moves twice
        hi[idx] = np.where(up, tt, hi[idx])
        fhi[idx] = np.where(up, f, np.where(side[idx] == -1, 0.5 * fhi[idx], fhi[idx]))
        lo[idx] = np.where(up, lo[idx], tt)
        flo[idx] = np.where(up, np.where(side[idx] == 1, 0.5 * flo[idx], flo[idx]), f)
        side[idx] = np.where(up, 1, -1)
        conv = (np.abs(f) < 0.01 * MISS_TOLERANCE_KM) | (hi[idx] - lo[idx] < 1e-9)
        active[idx[conv]] = False
    return np.where(done, _MIN_CUT_S, t)


def _fields(b, ff, status, reason, lat1, lon1, lat2, lon2, ground, kick, az, miss, max_range, v_full, earth,
            rotation) -> dict:
    """Trajectory fields from the burnout batch and its free flight."""
    n = lat1.size
    t_bo = np.asarray(b.burnout_time_s, dtype=float)
    r_b = np.asarray(b.r_eci_km, dtype=float)
    v_b = np.asarray(b.v_eci_km_s, dtype=float)
    t_f = np.asarray(ff["flight_time_s"], dtype=float)
    apo, t_apo = _apogee(r_b, v_b, t_bo, earth, rotation)
    # impact state: Kepler from burnout to the impact time (rows without an impact give NaN)
    dt = np.where(np.isfinite(t_f), t_f - t_bo, 0.0)
    r_i, v_i = kepler(r_b, v_b, dt)
    r_i, v_i = np.atleast_2d(r_i), np.atleast_2d(v_i)
    v_rel_i = np.atleast_2d(_earth.velocity_eci_to_ecef(r_i, v_i, t_f, rotation))
    imp_speed = np.linalg.norm(v_rel_i, axis=-1)
    up_i = _earth.surface_normal(np.nan_to_num(ff["impact_latitude_deg"]),
                                 np.nan_to_num(ff["impact_longitude_deg"]), earth)
    with np.errstate(invalid="ignore"):
        reentry = np.degrees(np.arcsin(np.clip(-np.sum(v_rel_i * up_i, -1) / imp_speed, -1.0, 1.0)))
    east, north, _ = _earth.enu_basis(b.burnout_latitude_deg, b.burnout_longitude_deg, earth)
    v_rel = np.asarray(b.v_rel_km_s, dtype=float)
    bo_az = np.mod(np.degrees(np.arctan2(np.sum(v_rel * east, -1), np.sum(v_rel * north, -1))), 360.0)
    no_impact = ~np.isfinite(t_f)
    for arr in (imp_speed, reentry):
        arr[no_impact] = np.nan
    speed = np.asarray(b.burnout_speed_km_s, dtype=float)
    return {
        "status": status,
        "reason": reason,
        "shape": np.full(n, "min-energy", dtype=object),
        "earth": np.full(n, earth, dtype=object),
        "rotation": np.full(n, bool(rotation)),
        "launch_latitude_deg": lat1,
        "launch_longitude_deg": lon1,
        "target_latitude_deg": lat2,
        "target_longitude_deg": lon2,
        "ground_range_km": ground,
        "flight_time_s": t_f,
        "burn_time_s": t_bo,
        "coast_time_s": t_f - t_bo,
        "apogee_km": apo,
        "apogee_time_s": t_apo,
        "burnout_altitude_km": np.asarray(b.burnout_altitude_km, dtype=float),
        "burnout_range_km": np.asarray(b.burnout_range_km, dtype=float),
        "burnout_speed_relative_km_s": speed,
        "burnout_speed_inertial_km_s": np.asarray(b.burnout_inertial_speed_km_s, dtype=float),
        "flight_path_angle_deg": np.asarray(b.flight_path_angle_deg, dtype=float),
        "burnout_azimuth_deg": bo_az,
        "impact_speed_relative_km_s": imp_speed,
        "reentry_angle_deg": reentry,
        "max_burnout_speed_km_s": v_full,
        "min_energy_speed_km_s": speed,
        "burnout_r_eci_km": r_b,
        "burnout_v_eci_km_s": v_b,
        "target_r_ecef_km": np.atleast_2d(_earth.geodetic_to_ecef(lat2, lon2, 0.0, earth)),
        "boost": np.full(n, "staged", dtype=object),
        "max_range_km": max_range,
        "range_margin_km": max_range - ground,
        "kick_deg": kick,
        "launch_azimuth_deg": az,
        "miss_km": miss,
    }


def to_trajectories(fields: dict, vehicle: Vehicle | None = None, payload_kg=None) -> list:
    """The rows of a `staged_trajectories` result as `shieldcheck.threats.Trajectory` objects.

    With ``vehicle`` (the one flown), every row that flew (status ``ok``) carries its tabulated boost
    (`boost_profile`) in ``Trajectory.boost_profile``, which `shieldcheck.threats.trajectory_state` and the
    sensors then follow during boost.
    """
    from shieldcheck.threats import Trajectory

    names = set(Trajectory.__dataclass_fields__)
    out = []
    for i in range(len(fields["status"])):
        kw = {}
        for k, v in fields.items():
            if k not in names:
                continue
            x = v[i]
            if isinstance(x, np.ndarray):
                kw[k] = x.copy()
            elif isinstance(x, (np.bool_, bool)):
                kw[k] = bool(x)
            elif isinstance(x, (np.floating, float)):
                kw[k] = float(x)
            else:
                kw[k] = str(x)
        if vehicle is not None and kw["status"] == "ok":
            kw["boost_profile"] = boost_profile(
                vehicle, kw["launch_latitude_deg"], kw["launch_longitude_deg"],
                float(fields["launch_azimuth_deg"][i]), float(fields["kick_deg"][i]), kw["burn_time_s"],
                earth=kw["earth"], rotation=kw["rotation"], payload_kg=payload_kg)
        out.append(Trajectory(**kw))
    return out


def staged_trajectory(vehicle: Vehicle, launch, target, **kwargs):
    """One staged threat trajectory from ``launch`` to ``target`` ((lat, lon) pairs, deg).

    Returns a :class:`shieldcheck.threats.Trajectory` with ``boost == "staged"``; keyword arguments as
    for :func:`staged_trajectories`.
    """
    return to_trajectories(staged_trajectories(vehicle, launch[0], launch[1], target[0], target[1],
                                               **kwargs), vehicle, kwargs.get("payload_kg"))[0]
