"""Engagement timelines and intercept windows for one threat against a defense architecture.

Units: km, s (after the threat's launch), km/s; ``_deg`` at the API.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields

import numba
import numpy as np

from shieldcheck import earth as _earth
from shieldcheck.earth import MU_KM3_S2, geodetic_kernel
from shieldcheck.errors import InputError
from shieldcheck.interceptors import InterceptorSite, intercept_speed_kernel
from shieldcheck.orbits import kepler, kepler_kernel, lambert
from shieldcheck.sensors import _P_FC, _P_RANGE, N_KERNEL_PARAMS, radar_sees_kernel
from shieldcheck.threats import boost_position_kernel

__all__ = [
    "Timeline",
    "Architecture",
    "EngagementResult",
    "engage",
    "engage_many",
    "engage_scenario",
    "interceptor_path",
]


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


# ============================================================================ compiled core
# Reason codes written by the kernel (the words are in `_reason`).
_OK, _THREAT, _NEVER_SEEN, _ALTITUDE, _TRACK_LIMITED, _NEVER_TRACKED, _TOO_EARLY, _TOO_SLOW = range(8)
_TAU_MIN_S = 1.0
_BISECT = 34
# Columns of the kernel's output row.
(
    _C_CODE,
    _C_EW,
    _C_DETECT,
    _C_TRACK,
    _C_DECIDE,
    _C_L0,
    _C_START,
    _C_END,
    _C_WINDOW,
    _C_ALT0,
    _C_ALT1,
    _C_LAT0,
    _C_LON0,
    _C_LAT1,
    _C_LON1,
    _C_CLOSING,
    _C_LAUNCH0,
    _C_NEED,
    _C_LATEST,
    _C_SHOTS,
    _C_KIN0,
    _C_KIN1,
    _C_LAST_USABLE,
    _C_TRACK0,
    _C_TRACK1,
) = range(25)
_NCOL = 25


@numba.njit(cache=True)
def _speed(tau, t, p, r_bo, omega, mu, r1, v1, v2):
    return intercept_speed_kernel(r_bo, t - tau, p, t, omega, mu, r1, v1, v2)


@numba.njit(cache=True)
def _feasible(t, p, r_bo, omega, mu, v_max, t_b, max_coast, t_l0, detail, r1, v1, v2, out):
    """Can an interceptor launched at or after ``t_l0`` be at the inertial point ``p`` at time ``t``?

    The coast τ = t − t_launch − t_b ranges over [1 s, min(t − t_l0 − t_b, max_coast)]. The speed needed
    is U-shaped in τ: the earliest launch (largest τ) is tried first, then the interior minimum by golden
    section. Returns a reason code (_OK, _TOO_EARLY, _TOO_SLOW) and writes out[0] = least speed needed,
    out[1] = the τ used (largest feasible), out[2] = the latest launch time (``detail`` only), and the
    interceptor's arrival velocity for τ used into ``v2``.
    """
    out[0] = np.nan
    out[1] = np.nan
    out[2] = np.nan
    tau_hi = min(t - t_l0 - t_b, max_coast)
    if tau_hi < _TAU_MIN_S:
        return _TOO_EARLY
    g_hi = _speed(tau_hi, t, p, r_bo, omega, mu, r1, v1, v2)
    feasible_tau = np.nan
    if g_hi <= v_max:
        feasible_tau = tau_hi
        out[0] = g_hi
    else:
        g_h = _speed(tau_hi * (1.0 - 1e-3), t, p, r_bo, omega, mu, r1, v1, v2)
        g_min = g_hi
        tau_min = tau_hi
        if g_h < g_hi:
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
        out[0] = g_min
        if g_min <= v_max:
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
        return _TOO_SLOW
    out[1] = feasible_tau
    _speed(feasible_tau, t, p, r_bo, omega, mu, r1, v1, v2)
    if detail:
        # latest launch: the smallest feasible τ, on the falling side left of feasible_tau
        lo = _TAU_MIN_S
        hi = feasible_tau
        w1 = np.empty(3)
        w2 = np.empty(3)
        w3 = np.empty(3)
        if _speed(lo, t, p, r_bo, omega, mu, w1, w2, w3) <= v_max:
            hi = lo
        else:
            for _ in range(_BISECT):
                mid = 0.5 * (lo + hi)
                if _speed(mid, t, p, r_bo, omega, mu, w1, w2, w3) <= v_max:
                    hi = mid
                else:
                    lo = mid
        out[2] = t - t_b - hi
    return _OK


@numba.njit(cache=True)
def _threat_state(t, r0, v0, tb, r_launch, r_bog, h_bo, omega, mu, a, e2, r_eci, v_eci, r_ecef):
    """Threat position (ECI, ECEF) and inertial velocity at time t; returns the altitude (km)."""
    if t >= tb:
        kepler_kernel(r0, v0, t - tb, mu, r_eci, v_eci)
        c = math.cos(-omega * t)
        s = math.sin(-omega * t)
        r_ecef[0] = c * r_eci[0] - s * r_eci[1]
        r_ecef[1] = s * r_eci[0] + c * r_eci[1]
        r_ecef[2] = r_eci[2]
    else:
        boost_position_kernel((t / tb) ** 2, r_launch, r_bog, h_bo, a, e2, r_ecef)
        c = math.cos(omega * t)
        s = math.sin(omega * t)
        r_eci[0] = c * r_ecef[0] - s * r_ecef[1]
        r_eci[1] = s * r_ecef[0] + c * r_ecef[1]
        r_eci[2] = r_ecef[2]
        v_eci[0] = np.nan
        v_eci[1] = np.nan
        v_eci[2] = np.nan
    return geodetic_kernel(r_ecef[0], r_ecef[1], r_ecef[2], a, e2)[1]


@numba.njit(cache=True)
def _seen(r_ecef, radars, ranges, a, e2):
    """Whether any fire-control radar sees the point (ranges: this threat's max range per radar)."""
    for j in range(radars.shape[0]):
        if radars[j, _P_FC] > 0.5 and ranges[j] > 0.0:
            p = radars[j].copy()
            p[_P_RANGE] = ranges[j]
            if radar_sees_kernel(p, r_ecef[0], r_ecef[1], r_ecef[2], a, e2):
                return True
    return False


@numba.njit(cache=True)
def _ok_at(
    t,
    i,
    r0s,
    v0s,
    tbs,
    r_launch,
    r_bog,
    h_bo,
    radars,
    ranges,
    t_detect,
    track_required,
    r_bo,
    omega,
    mu,
    a,
    e2,
    v_max,
    t_b,
    max_coast,
    alt_min,
    alt_max,
    t_l0,
    detail,
    r_eci,
    v_eci,
    r_ecef,
    r1,
    v1,
    v2,
    fout,
):
    """Full intercept predicate at time t for threat i: altitude band, radar track, kinematics.

    Returns (code, altitude); codes _OK, _ALTITUDE, _NEVER_TRACKED (not tracked at t), _TOO_EARLY,
    _TOO_SLOW. ``fout`` receives `_feasible`'s outputs.
    """
    alt = _threat_state(
        t, r0s[i], v0s[i], tbs[i], r_launch[i], r_bog[i], h_bo[i], omega, mu, a, e2, r_eci, v_eci, r_ecef
    )
    if alt < alt_min or alt > alt_max:
        return _ALTITUDE, alt
    if track_required and not (t >= t_detect and _seen(r_ecef, radars, ranges[i], a, e2)):
        return _NEVER_TRACKED, alt
    return _feasible(t, r_eci, r_bo, omega, mu, v_max, t_b, max_coast, t_l0, detail, r1, v1, v2, fout), alt


@numba.njit(parallel=True, cache=True)
def _engage_kernel(
    r0s,
    v0s,
    tbs,
    tfs,
    r_launch,
    r_bog,
    h_bo,
    t_ews,
    radars,
    ranges,
    r_bo,
    omega,
    mu,
    a,
    e2,
    v_max,
    t_b,
    max_coast,
    alt_min,
    alt_max,
    launch_delay,
    track_s,
    decision_s,
    ka_s,
    track_required,
    step,
    iters,
    detail,
    out,
):
    """Timeline and intercept window of many threats against one site (one output row per threat)."""
    n = r0s.shape[0]
    for i in numba.prange(n):
        row = out[i]
        for c in range(_NCOL):
            row[c] = np.nan
        row[_C_WINDOW] = 0.0
        row[_C_SHOTS] = 0.0
        r_eci = np.empty(3)
        v_eci = np.empty(3)
        r_ecef = np.empty(3)
        r1 = np.empty(3)
        v1 = np.empty(3)
        v2 = np.empty(3)
        fout = np.empty(3)
        tb = tbs[i]
        tf = tfs[i]
        if not (tf > tb):
            row[_C_CODE] = _THREAT
            continue
        # ---- detection: first fire-control radar sighting at or after the early-warning cue
        cue = t_ews[i] if np.isfinite(t_ews[i]) else 0.0
        row[_C_EW] = t_ews[i]
        kmax = int(math.ceil(tf / step))
        t_det = np.nan
        t_prev = -1.0
        for k in range(kmax + 1):
            t = min(k * step, tf)
            if t >= cue:
                _threat_state(
                    t,
                    r0s[i],
                    v0s[i],
                    tb,
                    r_launch[i],
                    r_bog[i],
                    h_bo[i],
                    omega,
                    mu,
                    a,
                    e2,
                    r_eci,
                    v_eci,
                    r_ecef,
                )
                if _seen(r_ecef, radars, ranges[i], a, e2):
                    if k == 0 or t_prev < cue:
                        lo = max(t_prev, cue) if t_prev >= 0.0 else 0.0
                        # the cue itself may fall inside visibility
                        _threat_state(
                            lo,
                            r0s[i],
                            v0s[i],
                            tb,
                            r_launch[i],
                            r_bog[i],
                            h_bo[i],
                            omega,
                            mu,
                            a,
                            e2,
                            r_eci,
                            v_eci,
                            r_ecef,
                        )
                        if _seen(r_ecef, radars, ranges[i], a, e2):
                            t_det = lo
                            break
                    else:
                        lo = t_prev
                    hi = t
                    for _ in range(20):
                        mid = 0.5 * (lo + hi)
                        _threat_state(
                            mid,
                            r0s[i],
                            v0s[i],
                            tb,
                            r_launch[i],
                            r_bog[i],
                            h_bo[i],
                            omega,
                            mu,
                            a,
                            e2,
                            r_eci,
                            v_eci,
                            r_ecef,
                        )
                        if mid >= cue and _seen(r_ecef, radars, ranges[i], a, e2):
                            hi = mid
                        else:
                            lo = mid
                    t_det = hi
                    break
            t_prev = t
        if not np.isfinite(t_det):
            row[_C_CODE] = _NEVER_SEEN
            continue
        t_l0 = t_det + track_s + decision_s + launch_delay
        row[_C_DETECT] = t_det
        row[_C_TRACK] = t_det + track_s
        row[_C_DECIDE] = t_det + track_s + decision_s
        row[_C_L0] = t_l0
        # ---- window scan over the coast
        ks = int(math.ceil((tf - tb) / step))
        any_alt = False
        any_usable = False
        all_early = True
        need_slow = np.inf
        need_ok = np.inf
        latest = -np.inf
        window = 0.0
        start = np.nan
        end = np.nan
        prev_ok = False
        t_prev = tb
        for k in range(ks + 1):
            t = min(tb + k * step, tf)
            code, alt = _ok_at(
                t,
                i,
                r0s,
                v0s,
                tbs,
                r_launch,
                r_bog,
                h_bo,
                radars,
                ranges,
                t_det,
                track_required,
                r_bo,
                omega,
                mu,
                a,
                e2,
                v_max,
                t_b,
                max_coast,
                alt_min,
                alt_max,
                t_l0,
                detail,
                r_eci,
                v_eci,
                r_ecef,
                r1,
                v1,
                v2,
                fout,
            )
            if code != _ALTITUDE:
                any_alt = True
            if code != _ALTITUDE and code != _NEVER_TRACKED:
                any_usable = True
                row[_C_LAST_USABLE] = t
                if code != _TOO_EARLY:
                    all_early = False
                if code == _TOO_SLOW:
                    need_slow = min(need_slow, fout[0])
            ok = code == _OK
            if ok:
                need_ok = min(need_ok, fout[0])
                if detail and fout[2] > latest:
                    latest = fout[2]
            if k > 0 and ok != prev_ok:
                # refine the edge between t_prev and t
                lo, hi = t_prev, t
                for _ in range(iters):
                    mid = 0.5 * (lo + hi)
                    c2, _ = _ok_at(
                        mid,
                        i,
                        r0s,
                        v0s,
                        tbs,
                        r_launch,
                        r_bog,
                        h_bo,
                        radars,
                        ranges,
                        t_det,
                        track_required,
                        r_bo,
                        omega,
                        mu,
                        a,
                        e2,
                        v_max,
                        t_b,
                        max_coast,
                        alt_min,
                        alt_max,
                        t_l0,
                        detail,
                        r_eci,
                        v_eci,
                        r_ecef,
                        r1,
                        v1,
                        v2,
                        fout,
                    )
                    if (c2 == _OK) == ok:
                        hi = mid
                    else:
                        lo = mid
                if ok:
                    if not np.isfinite(start):
                        start = hi
                    seg_start = hi
                else:
                    end = lo
                    window += lo - seg_start
            elif k == 0 and ok:
                start = t
                seg_start = t
            prev_ok = ok
            t_prev = t
        if prev_ok:
            end = tf
            window += tf - seg_start
        if np.isfinite(start):
            row[_C_CODE] = _OK
            row[_C_START] = start
            row[_C_END] = end
            row[_C_WINDOW] = window
            row[_C_NEED] = need_ok
            # the edges themselves
            for side in range(2):
                te = start if side == 0 else end
                c2, alt = _ok_at(
                    te,
                    i,
                    r0s,
                    v0s,
                    tbs,
                    r_launch,
                    r_bog,
                    h_bo,
                    radars,
                    ranges,
                    t_det,
                    False,
                    r_bo,
                    omega,
                    mu,
                    a,
                    e2,
                    v_max,
                    t_b,
                    max_coast,
                    -1e9,
                    1e9,
                    t_l0,
                    detail,
                    r_eci,
                    v_eci,
                    r_ecef,
                    r1,
                    v1,
                    v2,
                    fout,
                )
                lat, _h = geodetic_kernel(r_ecef[0], r_ecef[1], r_ecef[2], a, e2)
                lon = math.atan2(r_ecef[1], r_ecef[0])
                if side == 0:
                    row[_C_ALT0] = alt
                    row[_C_LAT0] = math.degrees(lat)
                    row[_C_LON0] = math.degrees(lon)
                    dvx = v_eci[0] - v2[0]
                    dvy = v_eci[1] - v2[1]
                    dvz = v_eci[2] - v2[2]
                    row[_C_CLOSING] = math.sqrt(dvx * dvx + dvy * dvy + dvz * dvz)
                    row[_C_LAUNCH0] = te - t_b - fout[1]
                else:
                    row[_C_ALT1] = alt
                    row[_C_LAT1] = math.degrees(lat)
                    row[_C_LON1] = math.degrees(lon)
                if detail and c2 == _OK and fout[2] > latest:
                    latest = fout[2]
            if detail:
                row[_C_LATEST] = latest
                # sequential shoot-look-shoot: each later shot lifts off after the previous intercept
                # and its kill assessment
                shots = 1
                t_int = start
                while shots < 10:
                    t_next = t_int + ka_s + launch_delay
                    found = np.nan
                    tp = -1.0
                    for k in range(ks + 1):
                        t = min(tb + k * step, tf)
                        if t <= t_next + t_b:
                            continue
                        c2, _ = _ok_at(
                            t,
                            i,
                            r0s,
                            v0s,
                            tbs,
                            r_launch,
                            r_bog,
                            h_bo,
                            radars,
                            ranges,
                            t_det,
                            track_required,
                            r_bo,
                            omega,
                            mu,
                            a,
                            e2,
                            v_max,
                            t_b,
                            max_coast,
                            alt_min,
                            alt_max,
                            t_next,
                            False,
                            r_eci,
                            v_eci,
                            r_ecef,
                            r1,
                            v1,
                            v2,
                            fout,
                        )
                        if c2 == _OK:
                            if tp < 0.0:
                                found = t
                            else:
                                lo, hi = tp, t
                                for _ in range(iters):
                                    mid = 0.5 * (lo + hi)
                                    c3, _ = _ok_at(
                                        mid,
                                        i,
                                        r0s,
                                        v0s,
                                        tbs,
                                        r_launch,
                                        r_bog,
                                        h_bo,
                                        radars,
                                        ranges,
                                        t_det,
                                        track_required,
                                        r_bo,
                                        omega,
                                        mu,
                                        a,
                                        e2,
                                        v_max,
                                        t_b,
                                        max_coast,
                                        alt_min,
                                        alt_max,
                                        t_next,
                                        False,
                                        r_eci,
                                        v_eci,
                                        r_ecef,
                                        r1,
                                        v1,
                                        v2,
                                        fout,
                                    )
                                    if c3 == _OK:
                                        hi = mid
                                    else:
                                        lo = mid
                                found = hi
                            break
                        tp = t
                    if not np.isfinite(found):
                        break
                    shots += 1
                    t_int = found
                row[_C_SHOTS] = shots
            else:
                row[_C_SHOTS] = 1.0
            continue
        # ---- no window: why
        if not any_alt:
            row[_C_CODE] = _ALTITUDE
            continue
        if track_required:
            # would it work without the track condition?
            first = np.nan
            last = np.nan
            tr0 = np.nan
            tr1 = np.nan
            for k in range(ks + 1):
                t = min(tb + k * step, tf)
                code, alt = _ok_at(
                    t,
                    i,
                    r0s,
                    v0s,
                    tbs,
                    r_launch,
                    r_bog,
                    h_bo,
                    radars,
                    ranges,
                    t_det,
                    False,
                    r_bo,
                    omega,
                    mu,
                    a,
                    e2,
                    v_max,
                    t_b,
                    max_coast,
                    alt_min,
                    alt_max,
                    t_l0,
                    False,
                    r_eci,
                    v_eci,
                    r_ecef,
                    r1,
                    v1,
                    v2,
                    fout,
                )
                if t >= t_det and _seen(r_ecef, radars, ranges[i], a, e2):
                    if not np.isfinite(tr0):
                        tr0 = t
                    tr1 = t
                if code == _OK:
                    if not np.isfinite(first):
                        first = t
                    last = t
            row[_C_TRACK0] = tr0
            row[_C_TRACK1] = tr1
            if np.isfinite(first):
                row[_C_CODE] = _TRACK_LIMITED
                row[_C_KIN0] = first
                row[_C_KIN1] = last
                continue
        if not any_usable:
            row[_C_CODE] = _NEVER_TRACKED
            continue
        if all_early:
            row[_C_CODE] = _TOO_EARLY
            continue
        row[_C_CODE] = _TOO_SLOW
        row[_C_NEED] = need_slow


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


def _threat_arrays(trajs, rcs, radars, earth: str):
    """Per-threat input arrays of the kernel from a list of `Trajectory` (all with status ok)."""
    from shieldcheck.threats import boost_endpoints

    n = len(trajs)
    r0 = np.empty((n, 3))
    v0 = np.empty((n, 3))
    tb = np.empty(n)
    tf = np.empty(n)
    r_launch = np.empty((n, 3))
    r_bog = np.empty((n, 3))
    h_bo = np.empty(n)
    for i, t in enumerate(trajs):
        r0[i] = t.burnout_r_eci_km
        v0[i] = t.burnout_v_eci_km_s
        tb[i] = t.burn_time_s
        tf[i] = t.flight_time_s
        r_launch[i], r_bog[i] = boost_endpoints(t)
        h_bo[i] = t.burnout_altitude_km
    ranges = np.empty((n, len(radars)))
    for j, r in enumerate(radars):
        ranges[:, j] = [r.max_range_for_rcs_km(x) for x in rcs]
    return r0, v0, tb, tf, r_launch, r_bog, h_bo, ranges


def _run_kernel(
    arrays,
    t_ew,
    architecture: Architecture,
    site: InterceptorSite,
    *,
    step_s: float,
    iters: int,
    detail: bool,
    mu_km3_s2: float,
) -> np.ndarray:
    r0, v0, tb, tf, r_launch, r_bog, h_bo, ranges = arrays
    earth = architecture.earth
    a, e2 = _earth.ellipsoid(earth)
    radar_params = np.array([r.kernel_params(earth=earth) for r in architecture.radars]).reshape(
        -1, N_KERNEL_PARAMS
    )
    it = site.interceptor
    tl = architecture.timeline
    r_bo = np.ascontiguousarray(
        _earth.geodetic_to_ecef(site.latitude_deg, site.longitude_deg, it.burnout_altitude_km, earth)
    )
    out = np.empty((r0.shape[0], _NCOL))
    _engage_kernel(
        r0,
        v0,
        tb,
        tf,
        r_launch,
        r_bog,
        h_bo,
        t_ew,
        radar_params,
        ranges,
        r_bo,
        _earth.rotation_rate(architecture.rotation),
        float(mu_km3_s2),
        a,
        e2,
        it.burnout_speed_km_s,
        it.burn_time_s,
        it.max_coast_time_s,
        it.min_intercept_altitude_km,
        it.max_intercept_altitude_km,
        it.launch_delay_s,
        tl.track_formation_s,
        tl.decision_s,
        tl.kill_assessment_s,
        bool(tl.track_required_for_intercept),
        float(step_s),
        int(iters),
        bool(detail),
        out,
    )
    return out


def _ew_time(architecture: Architecture, traj) -> float:
    times = [s.detection_time_s(traj) for s in architecture.early_warning]
    times = [t for t in times if math.isfinite(t)]
    return min(times) if times else math.nan


def _reason(code: int, row: np.ndarray, traj, it) -> str:
    if code == _OK:
        return ""
    if code == _NEVER_SEEN:
        return "never seen by a fire-control radar"
    if code == _ALTITUDE:
        return (
            f"outside altitude limits: the threat (apogee {traj.apogee_km:,.0f} km) never flies between "
            f"{it.min_intercept_altitude_km:,.0f} and {it.max_intercept_altitude_km:,.0f} km"
        )
    if code == _TRACK_LIMITED:
        tracks = (
            "none" if not math.isfinite(row[_C_TRACK0]) else f"{row[_C_TRACK0]:,.0f}-{row[_C_TRACK1]:,.0f} s"
        )
        return (
            "no intercept while a fire-control radar tracks the threat (tracked " + tracks + "); without "
            f"in-flight updates the kinematic window would be {row[_C_KIN0]:,.0f}-{row[_C_KIN1]:,.0f} s"
        )
    if code == _NEVER_TRACKED:
        return (
            "never tracked by a fire-control radar while within the interceptor's altitude limits "
            f"({it.min_intercept_altitude_km:,.0f}-{it.max_intercept_altitude_km:,.0f} km)"
        )
    if code == _TOO_EARLY:
        return (
            f"the window closes before the earliest launch: interceptors lift off at {row[_C_L0]:,.0f} s, "
            f"the threat leaves the engageable part of its flight at {row[_C_LAST_USABLE]:,.0f} s"
        )
    return f"too slow: needs {row[_C_NEED]:.2f} km/s, has {it.burnout_speed_km_s:.2f}"


def _result(
    row: np.ndarray, traj, site: InterceptorSite, architecture: Architecture, labels: dict
) -> EngagementResult:
    it = site.interceptor
    code = int(row[_C_CODE])
    base = dict(
        site=site.name,
        threat_status=traj.status,
        ground_range_km=traj.ground_range_km,
        threat_flight_time_s=traj.flight_time_s,
        threat_apogee_km=traj.apogee_km,
        interceptor_speed_km_s=it.burnout_speed_km_s,
        decision_time_s=architecture.timeline.decision_s,
        **labels,
    )
    if code == _THREAT:
        nan = math.nan
        return EngagementResult(
            engageable=False,
            reason=f"threat trajectory is {traj.status}: {traj.reason}",
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
            **base,
        )
    ranges = [math.nan, math.nan]
    if code == _OK:
        d, _, _ = _earth.geodesic_inverse(
            site.latitude_deg,
            site.longitude_deg,
            [row[_C_LAT0], row[_C_LAT1]],
            [row[_C_LON0], row[_C_LON1]],
            earth=architecture.earth,
        )
        ranges = [float(d[0]), float(d[1])]
    return EngagementResult(
        engageable=code == _OK,
        reason=_reason(code, row, traj, it),
        early_warning_s=float(row[_C_EW]),
        radar_detection_s=float(row[_C_DETECT]),
        track_s=float(row[_C_TRACK]),
        fire_decision_s=float(row[_C_DECIDE]),
        earliest_launch_s=float(row[_C_L0]),
        window_start_s=float(row[_C_START]),
        window_end_s=float(row[_C_END]),
        window_s=float(row[_C_WINDOW]),
        first_intercept_altitude_km=float(row[_C_ALT0]),
        last_intercept_altitude_km=float(row[_C_ALT1]),
        first_intercept_site_range_km=ranges[0],
        last_intercept_site_range_km=ranges[1],
        closing_speed_km_s=float(row[_C_CLOSING]),
        first_intercept_launch_s=float(row[_C_LAUNCH0]),
        required_speed_km_s=float(row[_C_NEED]),
        latest_launch_s=float(row[_C_LATEST]),
        time_to_decide_s=float(row[_C_LATEST] - it.launch_delay_s - row[_C_TRACK])
        if code == _OK
        else math.nan,
        shots=int(row[_C_SHOTS]),
        **base,
    )


def engage_many(
    trajs,
    site: InterceptorSite,
    architecture: Architecture,
    *,
    labels=None,
    rcs_m2=None,
    step_s: float = 5.0,
    detail: bool = True,
    refine_iterations: int = 14,
    mu_km3_s2: float = MU_KM3_S2,
) -> list[EngagementResult]:
    """Engage many threat trajectories against one site in one compiled pass (see `engage`).

    ``labels`` is an optional list of dicts with ``threat``, ``launch``, ``target``; ``rcs_m2`` a list of
    per-threat cross-sections (None: each radar's reference). ``detail=False`` skips the latest-launch and
    shoot-look-shoot searches (``time_to_decide_s`` and ``latest_launch_s`` are then NaN and ``shots`` is 1
    for an engageable threat), for grids of many engagements.
    """
    n = len(trajs)
    labels = labels or [dict(threat="", launch="", target="")] * n
    rcs = list(rcs_m2) if rcs_m2 is not None else [None] * n
    good = [i for i, t in enumerate(trajs) if t.status == "ok"]
    rows = np.full((n, _NCOL), np.nan)
    rows[:, _C_CODE] = _THREAT
    if good:
        arrays = _threat_arrays(
            [trajs[i] for i in good], [rcs[i] for i in good], architecture.radars, architecture.earth
        )
        t_ew = np.array([_ew_time(architecture, trajs[i]) for i in good])
        rows[good] = _run_kernel(
            arrays,
            t_ew,
            architecture,
            site,
            step_s=step_s,
            iters=refine_iterations,
            detail=detail,
            mu_km3_s2=mu_km3_s2,
        )
    return [_result(rows[i], trajs[i], site, architecture, labels[i]) for i in range(n)]


def engage(
    traj,
    site: InterceptorSite,
    architecture: Architecture,
    *,
    threat: str = "",
    launch: str = "",
    target: str = "",
    rcs_m2: float | None = None,
    step_s: float = 5.0,
    mu_km3_s2: float = MU_KM3_S2,
) -> EngagementResult:
    """Timeline and intercept window of one threat trajectory against one interceptor site.

    Kill chain: early-warning detection (the first satellite alert) cues the fire-control radars; the first
    fire-control radar sighting at or after the cue starts the track, ready after ``track_formation_s``;
    the fire decision follows after ``decision_s``; interceptors lift off after their ``launch_delay_s``.
    An intercept time t (in the threat's coast) is in the window if some launch at or after that earliest
    launch reaches the threat at t (`shieldcheck.interceptors` kinematic model) within the interceptor's
    altitude band and coast limit and, by default, while a fire-control radar sees the threat (in-flight
    updates). Times are sampled every ``step_s`` and the detection and window edges refined by bisection
    (to ~``step_s``/16000). With no window the reason says which condition failed first: detection,
    altitude, radar track, time, or speed.

    Every engagement, single or in a footprint grid, runs through the same compiled kernel
    (`engage_many`), so they agree.
    """
    return engage_many(
        [traj],
        site,
        architecture,
        labels=[dict(threat=threat, launch=launch, target=target)],
        rcs_m2=[rcs_m2],
        step_s=step_s,
        mu_km3_s2=mu_km3_s2,
    )[0]


def engage_scenario(built, step_s: float = 5.0) -> list[EngagementResult]:
    """Every threat of a built scenario against every interceptor site (rows ordered by threat, then site).

    ``built`` is a `shieldcheck.scenario.BuiltScenario`.
    """
    arch = built.architecture
    trajs = [case.trajectory(arch.earth, arch.rotation) for case in built.threats]
    labels = [dict(threat=c.group, launch=c.launch.name, target=c.target.name) for c in built.threats]
    rcs = [c.rcs_m2 for c in built.threats]
    per_site = [engage_many(trajs, s, arch, labels=labels, rcs_m2=rcs, step_s=step_s) for s in arch.sites]
    return [per_site[j][i] for i in range(len(trajs)) for j in range(len(arch.sites))]


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
