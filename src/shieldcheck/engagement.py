"""Engagement timelines and intercept windows for one threat against a defense architecture.

Units: km, s (after the threat's launch), km/s; ``_deg`` at the API.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields

import numba
import numpy as np

from shieldcheck import earth as _earth
from shieldcheck.earth import MU_KM3_S2
from shieldcheck.errors import InputError
from shieldcheck.interceptors import InterceptorSite, intercept_speed_kernel
from shieldcheck.orbits import kepler, lambert

__all__ = ["Timeline", "Architecture", "EngagementResult", "engage", "engage_scenario", "interceptor_path"]


@dataclass(frozen=True)
class Timeline:
    """Delays of the kill chain, s.

    Parameters
    ----------
    track_formation_s : float
        From a fire-control radar's first detection to a track good enough to fire on.
    decision_s : float
        From that track to the fire decision (people and command-and-control).
    kill_assessment_s : float
        From an intercept to knowing whether it killed (for shoot-look-shoot).
    track_required_for_intercept : bool
        If true (default), an intercept counts only while a fire-control radar can track the threat
        (in-flight target updates).
    """

    track_formation_s: float = 30.0
    decision_s: float = 60.0
    kill_assessment_s: float = 60.0
    track_required_for_intercept: bool = True

    def __post_init__(self) -> None:
        for name in ("track_formation_s", "decision_s", "kill_assessment_s"):
            v = getattr(self, name)
            if not (math.isfinite(v) and 0.0 <= v <= 86400.0):
                raise InputError(f"timeline {name} must be within [0, 86400], got {v!r}")


@dataclass(frozen=True)
class Architecture:
    """A defense architecture: interceptor sites, radars, early-warning satellites, timeline, Earth model.

    ``radars`` are `shieldcheck.sensors.GroundRadar`; ``early_warning`` are
    `shieldcheck.sensors.EarlyWarningSatellites`.
    """

    sites: tuple[InterceptorSite, ...]
    radars: tuple = ()
    early_warning: tuple = ()
    timeline: Timeline = field(default_factory=Timeline)
    earth: str = "wgs84"
    rotation: bool = True


# ============================================================================ window kernel
_OK, _ALTITUDE, _TOO_EARLY, _TOO_SLOW = 0, 1, 2, 3
_TAU_MIN_S = 1.0
_BISECT = 34


@numba.njit(cache=True)
def _speed(tau, t, p, r_bo, omega, mu, r1, v1, v2):
    return intercept_speed_kernel(r_bo, t - tau, p, t, omega, mu, r1, v1, v2)


@numba.njit(parallel=True, cache=True)
def _scan(
    ts,
    p_eci,
    alt,
    r_bo,
    omega,
    mu,
    v_max,
    t_b,
    max_coast,
    t_l0,
    alt_min,
    alt_max,
    code,
    need,
    tau_used,
    latest_launch,
    v_arrive,
):
    """For each intercept time: can an interceptor launched at or after t_l0 be there?

    Coast time τ = t − t_launch − t_b ranges over [1 s, min(t − t_l0 − t_b, max_coast)]; the speed needed
    is U-shaped in τ, so the earliest launch (largest τ) is tried first, then the interior minimum.
    Writes the reason code, the least speed needed, the τ used (largest feasible) and the latest launch.
    """
    for k in numba.prange(ts.shape[0]):
        r1 = np.empty(3)
        v1 = np.empty(3)
        v2 = np.empty(3)
        p = p_eci[k]
        t = ts[k]
        tau_used[k] = np.nan
        latest_launch[k] = np.nan
        need[k] = np.nan
        v_arrive[k, 0] = np.nan
        v_arrive[k, 1] = np.nan
        v_arrive[k, 2] = np.nan
        if alt[k] < alt_min or alt[k] > alt_max:
            code[k] = _ALTITUDE
            continue
        tau_hi = min(t - t_l0 - t_b, max_coast)
        if tau_hi < _TAU_MIN_S:
            code[k] = _TOO_EARLY
            continue
        g_hi = _speed(tau_hi, t, p, r_bo, omega, mu, r1, v1, v2)
        feasible_tau = np.nan
        if g_hi <= v_max:
            feasible_tau = tau_hi
            need[k] = g_hi
        else:
            h = 1e-3 * tau_hi
            g_h = _speed(tau_hi - h, t, p, r_bo, omega, mu, r1, v1, v2)
            g_min = g_hi
            tau_min = tau_hi
            if g_h < g_hi:
                # golden-section search for the interior minimum on [τ_min, τ_hi]
                a = _TAU_MIN_S
                b = tau_hi
                gr = 0.6180339887498949
                c = b - gr * (b - a)
                d = a + gr * (b - a)
                gc = _speed(c, t, p, r_bo, omega, mu, r1, v1, v2)
                gd = _speed(d, t, p, r_bo, omega, mu, r1, v1, v2)
                for _ in range(60):
                    if b - a < 1e-3:
                        break
                    if gc < gd:
                        b, d, gd = d, c, gc
                        c = b - gr * (b - a)
                        gc = _speed(c, t, p, r_bo, omega, mu, r1, v1, v2)
                    else:
                        a, c, gc = c, d, gd
                        d = a + gr * (b - a)
                        gd = _speed(d, t, p, r_bo, omega, mu, r1, v1, v2)
                if gc < gd:
                    tau_min, g_min = c, gc
                else:
                    tau_min, g_min = d, gd
            need[k] = g_min
            if g_min <= v_max:
                # largest feasible τ: root of g = v_max on the rising side between τ_min and τ_hi
                lo = tau_min
                hi = tau_hi
                for _ in range(_BISECT):
                    mid = 0.5 * (lo + hi)
                    if _speed(mid, t, p, r_bo, omega, mu, r1, v1, v2) <= v_max:
                        lo = mid
                    else:
                        hi = mid
                feasible_tau = lo
        if not np.isfinite(feasible_tau):
            code[k] = _TOO_SLOW
            continue
        code[k] = _OK
        tau_used[k] = feasible_tau
        _speed(feasible_tau, t, p, r_bo, omega, mu, r1, v1, v2)
        v_arrive[k, 0] = v2[0]
        v_arrive[k, 1] = v2[1]
        v_arrive[k, 2] = v2[2]
        # latest launch: smallest feasible τ, on the falling side left of feasible_tau
        lo = _TAU_MIN_S
        hi = feasible_tau
        if _speed(lo, t, p, r_bo, omega, mu, r1, v1, v2) <= v_max:
            hi = lo
        else:
            for _ in range(_BISECT):
                mid = 0.5 * (lo + hi)
                if _speed(mid, t, p, r_bo, omega, mu, r1, v1, v2) <= v_max:
                    hi = mid
                else:
                    lo = mid
        latest_launch[k] = t - t_b - hi


# ============================================================================ results
@dataclass(frozen=True)
class EngagementResult:
    """One threat against one interceptor site. Field names are the JSON/CSV columns.

    Times are seconds after the threat's launch; NaN (JSON null) where an event does not happen.
    ``time_to_decide_s`` runs from the fire-control track to the last moment a fire decision still
    allows an intercept; ``shots`` counts sequential shoot-look-shoot opportunities.
    """

    threat: str
    launch: str
    target: str
    site: str
    engageable: bool
    reason: str
    threat_status: str
    ground_range_km: float
    threat_flight_time_s: float
    threat_apogee_km: float
    early_warning_s: float
    radar_detection_s: float
    track_s: float
    fire_decision_s: float
    earliest_launch_s: float
    window_start_s: float
    window_end_s: float
    window_s: float
    first_intercept_altitude_km: float
    last_intercept_altitude_km: float
    first_intercept_site_range_km: float
    last_intercept_site_range_km: float
    closing_speed_km_s: float
    first_intercept_launch_s: float
    required_speed_km_s: float
    interceptor_speed_km_s: float
    latest_launch_s: float
    time_to_decide_s: float
    decision_time_s: float
    shots: int

    def to_dict(self) -> dict:
        out = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, float) and not math.isfinite(v):
                v = None
            out[f.name] = v
        return out


COLUMNS = tuple(f.name for f in fields(EngagementResult))


class _Threat:
    """Coast-phase threat states at arbitrary times, from the burnout state (exact Kepler)."""

    def __init__(self, traj, earth: str, rotation: bool):
        self.traj = traj
        self.earth = earth
        self.rotation = rotation
        self.r0 = np.asarray(traj.burnout_r_eci_km, dtype=float)
        self.v0 = np.asarray(traj.burnout_v_eci_km_s, dtype=float)
        self.tb = traj.burn_time_s

    def states(self, t):
        t = np.atleast_1d(np.asarray(t, dtype=float))
        r, v = kepler(self.r0, self.v0, t - self.tb)
        r = np.ascontiguousarray(np.reshape(r, (-1, 3)))
        v = np.reshape(v, (-1, 3))
        r_ecef = _earth.eci_to_ecef(r, t, self.rotation)
        lat, lon, alt = _earth.ecef_to_geodetic(r_ecef, self.earth)
        return r, v, np.atleast_1d(lat), np.atleast_1d(lon), np.atleast_1d(alt)


def _first_at_or_after(intervals, t0: float) -> float:
    best = math.inf
    for a, b in intervals:
        if b >= t0:
            best = min(best, max(a, t0))
    return best


def _inside(intervals, t, t_from: float) -> np.ndarray:
    t = np.asarray(t, dtype=float)
    ok = np.zeros(t.shape, dtype=bool)
    for a, b in intervals:
        ok |= (t >= max(a, t_from)) & (t <= b)
    return ok


def _segments(mask: np.ndarray) -> list[tuple[int, int]]:
    """Index ranges [i, j] (inclusive) of consecutive True values."""
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(idx) > 1)
    starts = np.concatenate([[idx[0]], idx[breaks + 1]])
    ends = np.concatenate([idx[breaks], [idx[-1]]])
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


class _Engager:
    """Evaluate intercept feasibility at times t for one threat and one site."""

    def __init__(
        self,
        threat: _Threat,
        site: InterceptorSite,
        tracked_intervals,
        t_track_from: float,
        track_required: bool,
        mu: float,
    ):
        self.threat = threat
        self.site = site
        it = site.interceptor
        self.it = it
        self.r_bo = np.ascontiguousarray(
            _earth.geodetic_to_ecef(
                site.latitude_deg, site.longitude_deg, it.burnout_altitude_km, threat.earth
            )
        )
        self.omega = _earth.rotation_rate(threat.rotation)
        self.mu = mu
        self.tracked_intervals = tracked_intervals
        self.t_track_from = t_track_from
        self.track_required = track_required

    def tracked(self, t):
        if not self.track_required:
            return np.ones(np.shape(t), dtype=bool)
        return _inside(self.tracked_intervals, t, self.t_track_from)

    def evaluate(self, t, t_l0: float):
        t = np.atleast_1d(np.asarray(t, dtype=float))
        r, v, lat, lon, alt = self.threat.states(t)
        n = t.size
        code = np.empty(n, dtype=np.int64)
        need = np.empty(n)
        tau = np.empty(n)
        latest = np.empty(n)
        v2 = np.empty((n, 3))
        it = self.it
        _scan(
            t,
            r,
            alt,
            self.r_bo,
            self.omega,
            self.mu,
            it.burnout_speed_km_s,
            it.burn_time_s,
            it.max_coast_time_s,
            t_l0,
            it.min_intercept_altitude_km,
            it.max_intercept_altitude_km,
            code,
            need,
            tau,
            latest,
            v2,
        )
        ok = (code == _OK) & self.tracked(t)
        return {
            "t": t,
            "ok": ok,
            "code": code,
            "need": need,
            "latest": latest,
            "launch": t - it.burn_time_s - tau,
            "alt": alt,
            "lat": lat,
            "lon": lon,
            "closing": np.linalg.norm(v - v2, axis=-1),
        }

    def refine(self, t_bad: float, t_good: float, t_l0: float, iterations: int = 12) -> float:
        """Bisect between an infeasible and a feasible time; return the feasible edge."""
        for _ in range(iterations):
            mid = 0.5 * (t_bad + t_good)
            if self.evaluate(mid, t_l0)["ok"][0]:
                t_good = mid
            else:
                t_bad = mid
        return t_good

    def first_intercept(self, ts: np.ndarray, t_l0: float):
        """Earliest feasible intercept time on the grid ``ts`` (refined), or NaN."""
        cand = ts[ts > t_l0 + self.it.burn_time_s]
        if cand.size == 0:
            return math.nan
        ev = self.evaluate(cand, t_l0)
        idx = np.flatnonzero(ev["ok"])
        if idx.size == 0:
            return math.nan
        i = int(idx[0])
        if i == 0:
            return float(cand[0])
        return self.refine(float(cand[i - 1]), float(cand[i]), t_l0)


def engage(
    traj,
    site: InterceptorSite,
    architecture: Architecture,
    *,
    threat: str = "",
    launch: str = "",
    target: str = "",
    rcs_m2: float | None = None,
    views=None,
    step_s: float = 5.0,
    mu_km3_s2: float = MU_KM3_S2,
) -> EngagementResult:
    """Timeline and intercept window of one threat trajectory against one interceptor site.

    Kill chain: early-warning detection (first satellite alert) cues the fire-control radars; the first
    fire-control radar detection at or after the cue starts the track, which is ready after
    ``track_formation_s``; the fire decision follows after ``decision_s``; interceptors lift off after
    their ``launch_delay_s``. An intercept time t is in the window if some launch at or after that
    earliest launch reaches the threat at t (`shieldcheck.interceptors` kinematic model) within the
    interceptor's altitude band and coast limit and, by default, while a fire-control radar tracks it.

    ``views`` may pass precomputed `shieldcheck.sensors.SensorView` objects (one per radar, same order).
    The window edges are refined by bisection to ~``step_s``/4000.
    """
    from shieldcheck.sensors import view as sensor_view

    tl = architecture.timeline
    it = site.interceptor
    nan = math.nan
    base = dict(
        threat=threat,
        launch=launch,
        target=target,
        site=site.name,
        threat_status=traj.status,
        ground_range_km=traj.ground_range_km,
        threat_flight_time_s=traj.flight_time_s,
        threat_apogee_km=traj.apogee_km,
        interceptor_speed_km_s=it.burnout_speed_km_s,
        decision_time_s=tl.decision_s,
    )
    empty = dict(
        early_warning_s=nan,
        radar_detection_s=nan,
        track_s=nan,
        fire_decision_s=nan,
        earliest_launch_s=nan,
        window_start_s=nan,
        window_end_s=nan,
        window_s=0.0,
        first_intercept_altitude_km=nan,
        last_intercept_altitude_km=nan,
        first_intercept_site_range_km=nan,
        last_intercept_site_range_km=nan,
        closing_speed_km_s=nan,
        first_intercept_launch_s=nan,
        required_speed_km_s=nan,
        latest_launch_s=nan,
        time_to_decide_s=nan,
        shots=0,
    )

    def result(engageable: bool, reason: str, **kw) -> EngagementResult:
        return EngagementResult(engageable=engageable, reason=reason, **{**base, **empty, **kw})

    if traj.status != "ok":
        return result(False, f"threat trajectory is {traj.status}: {traj.reason}")

    if views is None:
        views = [sensor_view(r, traj, rcs_m2=rcs_m2, earth=architecture.earth) for r in architecture.radars]
    ew_times = [s.detection_time_s(traj) for s in architecture.early_warning]
    ew_times = [t for t in ew_times if math.isfinite(t)]
    t_ew = min(ew_times) if ew_times else nan
    cue = t_ew if math.isfinite(t_ew) else -math.inf
    fc_intervals = [iv for v in views if v.fire_control for iv in v.intervals]
    t_detect = _first_at_or_after(fc_intervals, cue)
    if not math.isfinite(t_detect):
        return result(False, "never seen by a fire-control radar", early_warning_s=t_ew)
    t_track = t_detect + tl.track_formation_s
    t_decision = t_track + tl.decision_s
    t_l0 = t_decision + it.launch_delay_s
    times = dict(
        early_warning_s=t_ew,
        radar_detection_s=t_detect,
        track_s=t_track,
        fire_decision_s=t_decision,
        earliest_launch_s=t_l0,
    )

    th = _Threat(traj, architecture.earth, architecture.rotation)
    eng = _Engager(th, site, fc_intervals, t_detect, tl.track_required_for_intercept, mu_km3_s2)
    t0, t1 = traj.burn_time_s, traj.flight_time_s
    ts = np.unique(np.concatenate([np.arange(t0, t1, step_s), [t1]]))
    ev = eng.evaluate(ts, t_l0)
    ok = ev["ok"]
    if not np.any(ok):
        return result(False, _no_window_reason(ev, eng, traj, t_l0), **times)

    segs = _segments(ok)
    edges = []
    for i, j in segs:
        a = float(ts[i]) if i == 0 else eng.refine(float(ts[i - 1]), float(ts[i]), t_l0)
        b = float(ts[j]) if j == ts.size - 1 else eng.refine(float(ts[j + 1]), float(ts[j]), t_l0)
        edges.append((a, b))
    start, end = edges[0][0], edges[-1][1]
    window = sum(b - a for a, b in edges)
    ends = eng.evaluate([start, end], t_l0)
    site_range, _, _ = _earth.geodesic_inverse(
        site.latitude_deg, site.longitude_deg, ends["lat"], ends["lon"], earth=architecture.earth
    )
    latest = float(np.nanmax(np.concatenate([ev["latest"][ok], ends["latest"][ends["ok"]]])))
    need = float(np.nanmin(ev["need"][ok]))
    # sequential shoot-look-shoot opportunities
    shots = 1
    t_int = start
    while shots < 10:
        t_next = t_int + tl.kill_assessment_s + it.launch_delay_s
        t_int = eng.first_intercept(ts, t_next)
        if not math.isfinite(t_int):
            break
        shots += 1
    return result(
        True,
        "",
        **times,
        window_start_s=start,
        window_end_s=end,
        window_s=window,
        first_intercept_altitude_km=float(ends["alt"][0]),
        last_intercept_altitude_km=float(ends["alt"][1]),
        first_intercept_site_range_km=float(site_range[0]),
        last_intercept_site_range_km=float(site_range[1]),
        closing_speed_km_s=float(ends["closing"][0]),
        first_intercept_launch_s=float(ends["launch"][0]),
        required_speed_km_s=need,
        latest_launch_s=latest,
        time_to_decide_s=latest - it.launch_delay_s - t_track,
        shots=shots,
    )


def _no_window_reason(ev, eng: _Engager, traj, t_l0: float) -> str:
    it = eng.it
    code, t = ev["code"], ev["t"]
    in_alt = code != _ALTITUDE
    if not np.any(in_alt):
        return (
            f"outside altitude limits: the threat (apogee {traj.apogee_km:,.0f} km) never flies between "
            f"{it.min_intercept_altitude_km:,.0f} and {it.max_intercept_altitude_km:,.0f} km"
        )
    kinematic = code == _OK
    if np.any(kinematic):
        spans = ", ".join(f"{a:,.0f}-{b:,.0f} s" for a, b in eng.tracked_intervals) or "none"
        return (
            "no intercept while a fire-control radar tracks the threat (tracks: " + spans + "); without "
            f"in-flight updates the kinematic window would be {float(t[kinematic][0]):,.0f}-"
            f"{float(t[kinematic][-1]):,.0f} s"
        )
    usable = in_alt & eng.tracked(t)
    if not np.any(usable):
        return (
            "never tracked by a fire-control radar while within the interceptor's altitude limits "
            f"({it.min_intercept_altitude_km:,.0f}-{it.max_intercept_altitude_km:,.0f} km)"
        )
    if np.all(code[usable] == _TOO_EARLY):
        return (
            f"the window closes before the earliest launch: interceptors lift off at {t_l0:,.0f} s, "
            f"the threat leaves the engageable part of its flight at {float(t[usable][-1]):,.0f} s"
        )
    slow = usable & (code == _TOO_SLOW)
    needs = float(np.nanmin(ev["need"][slow]))
    return f"too slow: needs {needs:.2f} km/s, has {it.burnout_speed_km_s:.2f}"


def engage_scenario(built, step_s: float = 5.0) -> list[EngagementResult]:
    """Every threat of a built scenario against every interceptor site (one row each).

    ``built`` is a `shieldcheck.scenario.BuiltScenario`. Trajectories and sensor views are computed once
    per threat and shared across sites.
    """
    from shieldcheck.sensors import view as sensor_view

    arch = built.architecture
    rows = []
    for case in built.threats:
        traj = case.trajectory(arch.earth, arch.rotation)
        views = None
        if traj.status == "ok":
            views = [sensor_view(r, traj, rcs_m2=case.rcs_m2, earth=arch.earth) for r in arch.radars]
        for site in arch.sites:
            rows.append(
                engage(
                    traj,
                    site,
                    arch,
                    threat=case.group,
                    launch=case.launch.name,
                    target=case.target.name,
                    rcs_m2=case.rcs_m2,
                    views=views,
                    step_s=step_s,
                )
            )
    return rows


def interceptor_path(
    site: InterceptorSite,
    launch_s: float,
    intercept_s: float,
    traj,
    *,
    earth: str = "wgs84",
    rotation: bool = True,
    step_s: float = 5.0,
    mu_km3_s2: float = MU_KM3_S2,
) -> dict:
    """Sampled flight of an interceptor launched at ``launch_s`` to meet the threat at ``intercept_s``.

    Returns a dict of arrays ``t_s``, ``latitude_deg``, ``longitude_deg``, ``altitude_km``, ``r_ecef_km``,
    plus ``phase`` ("boost" or "coast"). The coast is the Lambert arc of the kinematic model; the boost
    is drawn as a vertical rise to the burnout altitude (illustrative, like the threat's boost).
    """
    from shieldcheck.threats import trajectory_state

    it = site.interceptor
    t_bo = launch_s + it.burn_time_s
    if not (intercept_s > t_bo):
        raise InputError(
            f"intercept_s must be after the interceptor's burnout ({t_bo:g} s), got {intercept_s:g}"
        )
    r_bo_ecef = _earth.geodetic_to_ecef(site.latitude_deg, site.longitude_deg, it.burnout_altitude_km, earth)
    r1 = _earth.ecef_to_eci(r_bo_ecef, t_bo, rotation)
    _, p_eci, _, _ = trajectory_state(traj, intercept_s)
    sol = lambert(r1, p_eci, intercept_s - t_bo, mu_km3_s2=mu_km3_s2)
    t = np.unique(np.concatenate([np.arange(launch_s, intercept_s, step_s), [t_bo, intercept_s]]))
    coast = t >= t_bo
    r_ecef = np.empty((t.size, 3))
    rc, _ = kepler(r1, sol.v1_km_s, t[coast] - t_bo, mu_km3_s2)
    r_ecef[coast] = _earth.eci_to_ecef(np.reshape(rc, (-1, 3)), t[coast], rotation)
    f = (t[~coast] - launch_s) / it.burn_time_s if it.burn_time_s > 0 else np.ones((~coast).sum())
    r_ecef[~coast] = _earth.geodetic_to_ecef(
        site.latitude_deg, site.longitude_deg, it.burnout_altitude_km * f**2, earth
    )
    lat, lon, alt = _earth.ecef_to_geodetic(r_ecef, earth)
    return {
        "t_s": t,
        "latitude_deg": np.atleast_1d(lat),
        "longitude_deg": np.atleast_1d(lon),
        "altitude_km": np.atleast_1d(alt),
        "r_ecef_km": r_ecef,
        "phase": np.where(coast, "coast", "boost").astype(object),
    }
