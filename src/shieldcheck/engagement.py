"""Engagement timelines and intercept windows for one threat against a defense architecture.

Units: km, s (after the threat's launch), km/s; ``_deg`` at the API.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field, fields

import numba
import numpy as np

from shieldcheck import earth as _earth
from shieldcheck._numba import await_compile_ahead, run_chunks
from shieldcheck.earth import MU_KM3_S2, geodetic_kernel
from shieldcheck.errors import InputError, require_within
from shieldcheck.interceptors import InterceptorSite, InterceptorType, intercept_speed_kernel
from shieldcheck.orbits import _hermite, _segment_of, kepler, kepler_kernel, lambert
from shieldcheck.sensors import _P_FC, N_KERNEL_PARAMS, radar_sees_kernel
from shieldcheck.threats import boost_position_kernel

__all__ = [
    "Timeline",
    "Architecture",
    "EngagementResult",
    "engage",
    "engage_many",
    "engage_scenario",
    "scenario_trajectories",
    "escape_speed_km_s",
    "REASON_CODES",
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
            require_within(f"timeline {name}", getattr(self, name), 0.0, 86400.0)


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
_BISECT = 24
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
    _C_COS,
) = range(26)
_NCOL = 26


@numba.njit(cache=True)
def _feasible(t, p, r_bo, omega, mu, v_max, t_b, max_coast, t_l0, need_tau, r1, v1, v2, out):
    """Can an interceptor launched at or after ``t_l0`` be at the inertial point ``p`` at time ``t``?

    The coast τ = t − t_launch − t_b ranges over [1 s, min(t − t_l0 − t_b, max_coast)]. The speed needed
    is U-shaped in τ: the earliest launch (largest τ) is tried first, then the interior minimum by golden
    section, stopping at the first feasible τ unless ``need_tau`` asks for the largest one. Returns a reason
    code (_OK, _TOO_EARLY, _TOO_SLOW) and writes out[0] = the speed needed (the least found), out[1] = the
    τ used (the largest feasible with ``need_tau``), and the interceptor's arrival velocity for τ used into
    ``v2``. The latest launch that reaches ``p`` at ``t`` is `_latest_launch`'s.
    """
    out[0] = np.nan
    out[1] = np.nan
    tau_hi = min(t - t_l0 - t_b, max_coast)
    if tau_hi < _TAU_MIN_S:
        return _TOO_EARLY
    g_hi = intercept_speed_kernel(r_bo, t - tau_hi, p, t, omega, mu, r1, v1, v2)
    feasible_tau = np.nan
    if g_hi <= v_max:
        feasible_tau = tau_hi
        out[0] = g_hi
    else:
        g_h = intercept_speed_kernel(r_bo, t - tau_hi * (1.0 - 1e-3), p, t, omega, mu, r1, v1, v2)
        g_min = g_hi
        tau_min = tau_hi
        if g_h < g_hi:
            a = _TAU_MIN_S
            b = tau_hi
            gr = 0.6180339887498949
            c = b - gr * (b - a)
            d = a + gr * (b - a)
            gc = intercept_speed_kernel(r_bo, t - c, p, t, omega, mu, r1, v1, v2)
            gd = intercept_speed_kernel(r_bo, t - d, p, t, omega, mu, r1, v1, v2)
            for _ in range(60):
                if b - a < 0.5 or (not need_tau and min(gc, gd) <= v_max):
                    break
                if gc < gd:
                    b, d, gd = d, c, gc
                    c = b - gr * (b - a)
                    gc = intercept_speed_kernel(r_bo, t - c, p, t, omega, mu, r1, v1, v2)
                else:
                    a, c, gc = c, d, gd
                    d = a + gr * (b - a)
                    gd = intercept_speed_kernel(r_bo, t - d, p, t, omega, mu, r1, v1, v2)
            if gc < gd:
                tau_min, g_min = c, gc
            else:
                tau_min, g_min = d, gd
        out[0] = g_min
        if g_min <= v_max and not need_tau:
            feasible_tau = tau_min
        elif g_min <= v_max:
            lo = tau_min
            hi = tau_hi
            for _ in range(_BISECT):
                mid = 0.5 * (lo + hi)
                if intercept_speed_kernel(r_bo, t - mid, p, t, omega, mu, r1, v1, v2) <= v_max:
                    lo = mid
                else:
                    hi = mid
            feasible_tau = lo
    if not np.isfinite(feasible_tau):
        return _TOO_SLOW
    out[1] = feasible_tau
    intercept_speed_kernel(r_bo, t - feasible_tau, p, t, omega, mu, r1, v1, v2)
    return _OK


@numba.njit(cache=True, inline="always")
def _latest_launch(t, p, r_bo, omega, mu, v_max, t_b, feasible_tau, latest):
    """Latest launch time (s) that still reaches the inertial point ``p`` at ``t``, unless it is at most
    ``latest``.

    The smallest feasible coast τ, by bisection on the falling side left of ``feasible_tau`` (a feasible
    τ from `_feasible`), gives the launch time ``t - t_b - τ``. ``latest`` is the largest launch time the
    caller has found so far (-inf for none), which it keeps as the maximum over intercept times: the
    search stops as soon as its answer cannot exceed ``latest`` (the answer ``t - t_b - hi`` is at most
    ``t - t_b - lo`` at every step, floating-point subtraction being monotonic) and returns a value at
    most ``latest``, so the caller's maximum is the same to the last bit with fewer Lambert solutions.
    Inlined into `_engage_kernel`, its one caller: compiled on its own it added about 0.5 s of CPU to the
    engagement kernel's first compilation, the critical path of a first run.
    """
    lo = _TAU_MIN_S
    hi = feasible_tau
    if t - t_b - lo <= latest:
        return t - t_b - hi
    w1 = np.empty(3)
    w2 = np.empty(3)
    w3 = np.empty(3)
    if intercept_speed_kernel(r_bo, t - lo, p, t, omega, mu, w1, w2, w3) <= v_max:
        hi = lo
    else:
        for _ in range(_BISECT):
            if t - t_b - lo <= latest:
                break  # the answer lies in [lo, hi]: it cannot exceed latest
            mid = 0.5 * (lo + hi)
            if intercept_speed_kernel(r_bo, t - mid, p, t, omega, mu, w1, w2, w3) <= v_max:
                hi = mid
            else:
                lo = mid
    return t - t_b - hi


@numba.njit(cache=True)
def _threat_state(t, i, th, env, w, want_alt=True):
    """Threat position and inertial velocity at time t into the work rows; returns the altitude (km).

    ``th`` = (r0, v0, t_burnout, t_impact, r_launch, r_burnout_ground, h_burnout) per-threat arrays;
    ``env`` = (ω, μ, a, e²); work rows of ``w``: 0 r_eci, 1 v_eci, 2 r_ecef. The boost is the kinematic
    sketch (`boost_position_kernel`): the intercept predicate only samples the coast, and detection, which
    samples the boost, goes through `_sighting_state`.
    """
    r0s, v0s, tbs, _tfs, r_launch, r_bog, h_bo = th
    omega, mu, a, e2 = env
    r_eci, v_eci, r_ecef = w[0], w[1], w[2]
    if t >= tbs[i]:
        kepler_kernel(r0s[i], v0s[i], t - tbs[i], mu, r_eci, v_eci)
        c = math.cos(-omega * t)
        s = math.sin(-omega * t)
        r_ecef[0] = c * r_eci[0] - s * r_eci[1]
        r_ecef[1] = s * r_eci[0] + c * r_eci[1]
        r_ecef[2] = r_eci[2]
    else:
        boost_position_kernel((t / tbs[i]) ** 2, r_launch[i], r_bog[i], h_bo[i], a, e2, r_ecef)
        c = math.cos(omega * t)
        s = math.sin(omega * t)
        r_eci[0] = c * r_ecef[0] - s * r_ecef[1]
        r_eci[1] = s * r_ecef[0] + c * r_ecef[1]
        r_eci[2] = r_ecef[2]
        v_eci[:] = np.nan
    if not want_alt:
        return np.nan
    return geodetic_kernel(r_ecef[0], r_ecef[1], r_ecef[2], a, e2)[1]


@numba.njit(cache=True)
def _sighting_state(t, i, th, boost, env, w):
    """`_threat_state` (without the altitude) for radar sightings, which also sample the boost.

    ``boost`` = (times (n, K), ECEF positions (n, K, 3), their rates (n, K, 3), row counts (n,)), the
    tabulated boosts of `_boost_tables`. During boost a threat with a table (count above 1: a staged
    threat, `shieldcheck.staged.boost_profile`) follows it by cubic Hermite interpolation, as
    `shieldcheck.threats.trajectory_state` does; one without (count 0: the kinematic boost) is drawn by
    the sketch of `_threat_state`. The table is kept out of ``th`` so that the coast's hot loops pass
    what they did before.
    """
    bt, bp, bv, bn = boost
    if t < th[2][i] and bn[i] > 1:
        r_eci, v_eci, r_ecef = w[0], w[1], w[2]
        lo = _segment_of(t, bt[i], bn[i])  # the segment [bt[lo], bt[lo + 1]) holding t
        _hermite(t, bt[i], bp[i], bv[i], lo, r_ecef)
        c = math.cos(env[0] * t)
        s = math.sin(env[0] * t)
        r_eci[0] = c * r_ecef[0] - s * r_ecef[1]
        r_eci[1] = s * r_ecef[0] + c * r_ecef[1]
        r_eci[2] = r_ecef[2]
        v_eci[:] = np.nan
    else:
        _threat_state(t, i, th, env, w, np.bool_(False))


@numba.njit(cache=True)
def _seen(r_ecef, radars, ranges, a, e2):
    """Whether any fire-control radar sees the point (``ranges``: this threat's max range per radar)."""
    for j in range(radars.shape[0]):
        if radars[j, _P_FC] > 0.5 and ranges[j] > 0.0:
            if radar_sees_kernel(radars[j], r_ecef[0], r_ecef[1], r_ecef[2], a, e2, ranges[j]):
                return True
    return False


@numba.njit(cache=True)
def _ok_at(t, i, th, radars, ranges, t_det, track, r_bo, env, ip, t_l0, w, fout, need_tau=False):
    """The intercept predicate at time t for threat i, in the order altitude, radar track, kinematics.

    ``ip`` = (v_max, t_b, max_coast, alt_min, alt_max, launch_delay). Returns (code, altitude) with code
    _OK, _ALTITUDE, _NEVER_TRACKED (not tracked at t), _TOO_EARLY or _TOO_SLOW; `_feasible` writes
    ``fout`` and the interceptor's arrival velocity into work row 5.
    """
    omega, mu, a, e2 = env
    alt = _threat_state(t, i, th, env, w, np.bool_(True))
    if alt < ip[3] or alt > ip[4]:
        return _ALTITUDE, alt
    if track and not (t >= t_det and _seen(w[2], radars, ranges[i], a, e2)):
        return _NEVER_TRACKED, alt
    code = _feasible(
        t, w[0], r_bo, omega, mu, ip[0], ip[1], ip[2], t_l0, need_tau, w[3], w[4], w[5], fout
    )
    return code, alt


@numba.njit(cache=True)
def _edge(lo, hi, ok_hi, i, th, radars, ranges, t_det, track, r_bo, env, ip, t_l0, iters, w, fout):
    """Bisect [lo, hi] where the predicate is ``not ok_hi`` at lo and ``ok_hi`` at hi; return (lo, hi)."""
    for _ in range(iters):
        mid = 0.5 * (lo + hi)
        c, _ = _ok_at(
            mid, i, th, radars, ranges, t_det, track, r_bo, env, ip, t_l0, w, fout,
            np.bool_(False),
        )
        if (c == _OK) == ok_hi:
            hi = mid
        else:
            lo = mid
    return lo, hi


@numba.njit(cache=True, inline="always")
def _detect(i, th, boost, t_ew, radars, ranges, env, step, iters, w):
    """First fire-control radar sighting at or after the early-warning cue (NaN if none)."""
    a, e2 = env[2], env[3]
    tf = th[3][i]
    cue = t_ew if np.isfinite(t_ew) else 0.0
    if cue > tf:
        return np.nan
    t_prev = -1.0
    t = cue
    while True:
        _sighting_state(t, i, th, boost, env, w)  # a tabulated boost, else the kinematic sketch
        if _seen(w[2], radars, ranges, a, e2):
            if t_prev < 0.0:
                return t
            lo, hi = t_prev, t
            for _ in range(iters + 6):
                mid = 0.5 * (lo + hi)
                _sighting_state(mid, i, th, boost, env, w)
                if _seen(w[2], radars, ranges, a, e2):
                    hi = mid
                else:
                    lo = mid
            return hi
        if t >= tf:
            break
        t_prev = t
        t = min(t + step, tf)
    return np.nan


@numba.njit(cache=True, nogil=True)
def _engage_kernel(
    lo, hi, th, boost, t_ews, radars, ranges, r_bo, env, ips, tl, track, step, iters, detail, probe, out
):
    """Timeline and intercept window of threats ``lo`` to ``hi - 1`` against one site (one row per threat).

    ``tl`` = (track_formation_s, decision_s, kill_assessment_s); see `_ok_at` for ``th``, ``env`` and
    each row of ``ips`` (the interceptor's parameters per threat, so that one pass can try a different
    burnout speed for each threat, as the threshold-speed bisection does). With ``probe`` only the
    window's existence and start are computed (the scan stops there; a missing window is not diagnosed).
    ``boost`` holds the threats' tabulated boosts, which the radar sightings follow (`_sighting_state`).
    Serial and without the GIL: `shieldcheck._numba.run_chunks` runs row ranges on several threads.
    """
    for i in range(lo, hi):
        ip = ips[i]
        t_b = ip[1]
        row = out[i]
        row[:] = np.nan
        row[_C_WINDOW] = 0.0
        row[_C_SHOTS] = 0.0
        w = np.empty((6, 3))
        fout = np.empty(3)
        tb = th[2][i]
        tf = th[3][i]
        if not (tf > tb):
            row[_C_CODE] = _THREAT
            continue
        row[_C_EW] = t_ews[i]
        t_det = _detect(i, th, boost, t_ews[i], radars, ranges[i], env, step, iters, w)
        if not np.isfinite(t_det):
            row[_C_CODE] = _NEVER_SEEN
            continue
        t_l0 = t_det + tl[0] + tl[1] + ip[5]
        row[_C_DETECT] = t_det
        row[_C_TRACK] = t_det + tl[0]
        row[_C_DECIDE] = t_det + tl[0] + tl[1]
        row[_C_L0] = t_l0
        # ---- window scan over the coast (samples before the first possible intercept are skipped)
        ks = int(math.ceil((tf - tb) / step))
        need_ok = np.inf
        latest = -np.inf
        # with detail: the intercept times whose latest launch is searched once the window is known, latest
        # times first (the latest launch mostly grows with the intercept time, so most searches then stop
        # early: `_latest_launch`), with the feasible coast each search starts from
        late_t = np.empty(ks + 3)
        late_tau = np.empty(ks + 3)
        n_late = 0
        window = 0.0
        start = np.nan
        end = np.nan
        seg_start = np.nan
        prev_ok = False
        t_prev = tb
        for k in range(ks + 1):
            t = min(tb + k * step, tf)
            if t - t_l0 - t_b < _TAU_MIN_S:
                t_prev = t
                continue
            code, _alt = _ok_at(
                t, i, th, radars, ranges, t_det, track, r_bo, env, ip, t_l0, w, fout,
                np.bool_(False),
            )
            ok = code == _OK
            if ok:
                need_ok = min(need_ok, fout[0])
                if detail:
                    late_t[n_late] = t
                    late_tau[n_late] = fout[1]
                    n_late += 1
            if ok != prev_ok:
                if t_prev - t_l0 - t_b < _TAU_MIN_S:
                    # the previous sample was skipped (too early): the edge is where launch becomes possible
                    lo, hi = max(t_prev, t_l0 + t_b + _TAU_MIN_S), t
                else:
                    lo, hi = t_prev, t
                if ok and lo < hi:
                    c0, _ = _ok_at(
                        lo, i, th, radars, ranges, t_det, track, r_bo, env, ip, t_l0,
                        w, fout,
                        np.bool_(False),
                    )
                    if c0 == _OK:
                        hi = lo
                if lo < hi:
                    lo, hi = _edge(
                        lo, hi, ok, i, th, radars, ranges, t_det, track, r_bo, env, ip, t_l0, iters, w, fout
                    )
                if ok:
                    seg_start = hi
                    if not np.isfinite(start):
                        start = hi
                    if probe:
                        break
                else:
                    end = lo
                    window += lo - seg_start
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
            for side in range(1 if probe else 2):
                te = start if side == 0 else end
                c2, alt = _ok_at(
                    te, i, th, radars, ranges, t_det, np.bool_(False), r_bo, env, ip, t_l0,
                    w, fout, np.bool_(True),
                )
                lat, _h = geodetic_kernel(w[2, 0], w[2, 1], w[2, 2], env[2], env[3])
                lon = math.atan2(w[2, 1], w[2, 0])
                if side == 0:
                    row[_C_ALT0] = alt
                    row[_C_LAT0] = math.degrees(lat)
                    row[_C_LON0] = math.degrees(lon)
                    row[_C_CLOSING] = math.sqrt(
                        (w[1, 0] - w[5, 0]) ** 2 + (w[1, 1] - w[5, 1]) ** 2 + (w[1, 2] - w[5, 2]) ** 2
                    )
                    # tail chase: velocities relative to the rotating Earth (v - ω × r) less than 90° apart
                    wx = -env[0] * w[0, 1]
                    wy = env[0] * w[0, 0]
                    tx, ty, tz = w[1, 0] - wx, w[1, 1] - wy, w[1, 2]
                    ix, iy, iz = w[5, 0] - wx, w[5, 1] - wy, w[5, 2]
                    nrm = math.sqrt(tx * tx + ty * ty + tz * tz) * math.sqrt(ix * ix + iy * iy + iz * iz)
                    row[_C_COS] = (tx * ix + ty * iy + tz * iz) / nrm if nrm > 0.0 else np.nan
                    row[_C_LAUNCH0] = te - t_b - fout[1]
                else:
                    row[_C_ALT1] = alt
                    row[_C_LAT1] = math.degrees(lat)
                    row[_C_LON1] = math.degrees(lon)
                if detail and c2 == _OK:
                    late_t[n_late] = te
                    late_tau[n_late] = fout[1]
                    n_late += 1
            row[_C_SHOTS] = 1.0
            if detail:
                for j in range(n_late - 1, -1, -1):  # the window's end, its start, then the samples backwards
                    tj = late_t[j]
                    _threat_state(tj, i, th, env, w, np.bool_(False))
                    tl_j = _latest_launch(tj, w[0], r_bo, env[0], env[1], ip[0], t_b, late_tau[j], latest)
                    latest = max(latest, tl_j)
                row[_C_LATEST] = latest
                row[_C_SHOTS] = _shots(
                    start, i, th, radars, ranges, t_det, track, r_bo, env, ip, tl, step, iters, w, fout
                )
            continue
        if probe:
            row[_C_CODE] = _TOO_SLOW
            continue
        _diagnose(row, i, th, radars, ranges, t_det, track, r_bo, env, ip, t_l0, step, detail, w, fout)


@numba.njit(cache=True, inline="always")
def _shots(start, i, th, radars, ranges, t_det, track, r_bo, env, ip, tl, step, iters, w, fout):
    """Sequential shoot-look-shoot opportunities: each later shot lifts off after the previous intercept
    plus the kill assessment (and the launch delay)."""
    tb, tf = th[2][i], th[3][i]
    t_b = ip[1]
    ks = int(math.ceil((tf - tb) / step))
    shots = 1
    t_int = start
    while shots < 10:
        t_next = t_int + tl[2] + ip[5]
        found = np.nan
        t_prev = -1.0
        for k in range(ks + 1):
            t = min(tb + k * step, tf)
            if t - t_next - t_b < _TAU_MIN_S:
                continue
            c, _ = _ok_at(
                t, i, th, radars, ranges, t_det, track, r_bo, env, ip, t_next, w, fout,
                np.bool_(False),
            )
            if c == _OK:
                found = t
                if t_prev > 0.0:
                    _, found = _edge(
                        t_prev,
                        t,
                        np.bool_(True),
                        i,
                        th,
                        radars,
                        ranges,
                        t_det,
                        track,
                        r_bo,
                        env,
                        ip,
                        t_next,
                        iters,
                        w,
                        fout,
                    )
                break
            t_prev = t
        if not np.isfinite(found):
            break
        shots += 1
        t_int = found
    return shots


@numba.njit(cache=True, inline="always")
def _diagnose(row, i, th, radars, ranges, t_det, track, r_bo, env, ip, t_l0, step, detail, w, fout):
    """No window: find the first failing condition (altitude, radar track, time, speed) over the coast.

    Without ``detail`` the pass stops at the first kinematically feasible but untracked time (the code is
    then settled; only the end of that kinematic window and the track span are left unmeasured).
    """
    tb, tf = th[2][i], th[3][i]
    a, e2 = env[2], env[3]
    ks = int(math.ceil((tf - tb) / step))
    any_alt = False
    any_usable = False
    all_early = True
    need_slow = np.inf
    kin0 = np.nan
    kin1 = np.nan
    for k in range(ks + 1):
        t = min(tb + k * step, tf)
        code, _alt = _ok_at(
            t, i, th, radars, ranges, t_det, np.bool_(False), r_bo, env, ip, t_l0, w, fout,
            np.bool_(False),
        )
        if code == _ALTITUDE:
            continue
        any_alt = True
        tracked = (not track) or (t >= t_det and _seen(w[2], radars, ranges[i], a, e2))
        if tracked:
            if not np.isfinite(row[_C_TRACK0]):
                row[_C_TRACK0] = t
            row[_C_TRACK1] = t
        if code == _OK:
            if not np.isfinite(kin0):
                kin0 = t
            kin1 = t
            if not detail:
                break
        if tracked:
            any_usable = True
            row[_C_LAST_USABLE] = t
            if code != _TOO_EARLY:
                all_early = False
            if code == _TOO_SLOW:
                need_slow = min(need_slow, fout[0])
    if not any_alt:
        row[_C_CODE] = _ALTITUDE
    elif np.isfinite(kin0):
        row[_C_CODE] = _TRACK_LIMITED
        row[_C_KIN0] = kin0
        row[_C_KIN1] = kin1
    elif not any_usable:
        row[_C_CODE] = _NEVER_TRACKED
    elif all_early:
        row[_C_CODE] = _TOO_EARLY
    else:
        row[_C_CODE] = _TOO_SLOW
        row[_C_NEED] = need_slow


# ============================================================================ results
@dataclass(frozen=True)
class EngagementResult:
    """One threat against one interceptor site. Field names are the JSON/CSV columns.

    Times are seconds after the threat's launch; NaN (JSON null) where an event does not happen.
    ``threat_flight_time_s`` and ``threat_apogee_km`` are NaN (JSON null, CSV empty) unless
    ``threat_status`` is ``ok``: a threat that cannot reach the target has no flight to it.
    ``time_to_decide_s`` runs from the fire-control track to the last moment a fire decision still
    allows an intercept; ``shots`` counts sequential shoot-look-shoot opportunities.
    """

    threat: str
    launch: str
    target: str
    site: str
    engageable: bool
    reason: str
    reason_code: str
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
    decision_s: float
    shots: int
    tail_chase: bool

    @property
    def decision_time_s(self) -> float:
        """Deprecated spelling of ``decision_s`` (the timeline's name); warns."""
        warnings.warn(_DECISION_DEPRECATED, DeprecationWarning, stacklevel=2)
        return self.decision_s

    def to_dict(self) -> dict:
        out = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if isinstance(v, float) and not math.isfinite(v):
                v = None
            out[f.name] = v
        return out


COLUMNS = tuple(f.name for f in fields(EngagementResult))
_DECISION_DEPRECATED = (
    "decision_time_s is now decision_s (the timeline's name, timeline.decision_s); the old spelling will go"
)


def _stack(trajs) -> dict:
    """The kernel's per-threat fields of a list of `Trajectory`, as arrays."""
    names = (
        "burnout_r_eci_km",
        "burnout_v_eci_km_s",
        "burn_time_s",
        "flight_time_s",
        "burnout_altitude_km",
        "burnout_range_km",
        "launch_latitude_deg",
        "launch_longitude_deg",
        "target_latitude_deg",
        "target_longitude_deg",
    )
    out = {k: np.array([getattr(t, k) for t in trajs], dtype=float) for k in names}
    out["boost_profile"] = np.empty(len(trajs), dtype=object)
    out["boost_profile"][:] = [getattr(t, "boost_profile", None) for t in trajs]
    return out


def _boost_tables(profiles, n: int):
    """The tabulated boosts of ``n`` threats as padded arrays for the compiled kernel.

    ``profiles`` holds one `shieldcheck.staged.boost_profile` table (columns t, ECEF position, its rate,
    ...) or None per threat, or is None for none at all. Returns (times (n, K), positions (n, K, 3),
    rates (n, K, 3), row counts (n,) int64); a threat without a table (the kinematic boost) counts 0 rows.
    """
    tabs = [None] * n if profiles is None else list(profiles)
    counts = np.array([0 if p is None else len(p) for p in tabs], dtype=np.int64)
    k = max(1, int(counts.max(initial=0)))
    bt, bp, bv = np.zeros((n, k)), np.zeros((n, k, 3)), np.zeros((n, k, 3))
    for i, p in enumerate(tabs):
        if p is not None:
            m = len(p)
            bt[i, :m], bp[i, :m], bv[i, :m] = p[:, 0], p[:, 1:4], p[:, 4:7]
    return bt, bp, bv, counts


def _threat_arrays(data: dict, rcs, radars, earth: str):
    """Kernel inputs from trajectory fields (a `TrajectoryBatch`'s data or `_stack`), vectorised.

    A ``boost_profile`` entry (one table or None per threat) hands the kernel each staged threat's
    tabulated boost (`_boost_tables`); without it every threat flies the kinematic boost's sketch.
    """
    lat1, lon1 = data["launch_latitude_deg"], data["launch_longitude_deg"]
    _, az, _ = _earth.geodesic_inverse(
        lat1, lon1, data["target_latitude_deg"], data["target_longitude_deg"], earth=earth
    )
    la, lo, _ = _earth.geodesic_direct(lat1, lon1, az, data["burnout_range_km"], earth=earth)
    r_launch = np.ascontiguousarray(_earth.geodetic_to_ecef(lat1, lon1, 0.0, earth).reshape(-1, 3))
    r_bog = np.ascontiguousarray(_earth.geodetic_to_ecef(la, lo, 0.0, earth).reshape(-1, 3))
    n = r_launch.shape[0]
    ranges = np.empty((n, len(radars)))
    for j, r in enumerate(radars):
        if rcs is None or all(x is None for x in rcs):
            ranges[:, j] = r.max_range_for_rcs_km(None)
        else:
            ranges[:, j] = [r.max_range_for_rcs_km(x) for x in rcs]
    as2 = lambda k: np.ascontiguousarray(np.reshape(data[k], (-1, 3)), dtype=float)  # noqa: E731
    as1 = lambda k: np.ascontiguousarray(np.ravel(data[k]), dtype=float)  # noqa: E731
    return (
        as2("burnout_r_eci_km"),
        as2("burnout_v_eci_km_s"),
        as1("burn_time_s"),
        as1("flight_time_s"),
        r_launch,
        r_bog,
        as1("burnout_altitude_km"),
        *_boost_tables(data.get("boost_profile"), n),
        ranges,
    )


def _ew_times(architecture: Architecture, burn_time_s) -> np.ndarray:
    """Earliest early-warning detection per threat (NaN where no satellite sees the boost)."""
    burn = np.asarray(burn_time_s, dtype=float)
    t = np.full(burn.shape, np.nan)
    for sat in architecture.early_warning:
        t = np.fmin(t, sat.detection_times_s(burn))
    return t


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
    speeds_km_s=None,
    probe: bool = False,
) -> np.ndarray:
    """Kernel rows for the threats in ``arrays`` against ``site``; ``speeds_km_s`` (one per threat)
    replaces the interceptor's burnout speed, for the threshold search."""
    r0, v0, tb, tf, r_launch, r_bog, h_bo, boost_t, boost_r, boost_v, boost_n, ranges = arrays
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
    th = (r0, v0, tb, tf, r_launch, r_bog, h_bo)
    boost = (boost_t, boost_r, boost_v, boost_n)
    env = (_earth.rotation_rate(architecture.rotation), float(mu_km3_s2), a, e2)
    ip = np.array(
        [
            it.burnout_speed_km_s,
            it.burn_time_s,
            it.max_coast_time_s,
            it.min_intercept_altitude_km,
            it.max_intercept_altitude_km,
            it.launch_delay_s,
        ]
    )
    ips = np.tile(ip, (r0.shape[0], 1))
    if speeds_km_s is not None:
        ips[:, 0] = speeds_km_s
    tlv = np.array([tl.track_formation_s, tl.decision_s, tl.kill_assessment_s])
    await_compile_ahead()  # a first run's second process may be compiling _engage_kernel: its code, not ours
    run_chunks(
        _engage_kernel,
        r0.shape[0],
        th,
        boost,
        t_ew,
        radar_params,
        ranges,
        r_bo,
        env,
        ips,
        tlv,
        bool(tl.track_required_for_intercept),
        float(step_s),
        int(iters),
        bool(detail),
        bool(probe),
        out,
    )
    return out


def compile_ahead() -> None:
    """Compile (or load from the cache) `_engage_kernel` and everything it calls, on zero threats.

    The same packing code as a real call (`_stack`, `_threat_arrays`, `_run_kernel`) with empty inputs, so
    the compiled types are a real call's and nothing runs. `shieldcheck._numba.compile_ahead` runs this in
    a second process on a first run.

    >>> compile_ahead()
    """
    site = InterceptorSite("ahead", 0.0, 0.0, InterceptorType("ahead", 6.0, 100.0, 200.0))
    architecture = Architecture(sites=(site,))
    data = _stack([])
    arrays = _threat_arrays(data, [], architecture.radars, architecture.earth)
    t_ew = _ew_times(architecture, data["burn_time_s"])
    _run_kernel(arrays, t_ew, architecture, site, step_s=5.0, iters=14, detail=True, mu_km3_s2=MU_KM3_S2)


REASON_CODES = {
    "engageable": "a window exists",
    "threat_cannot_reach": "the threat cannot reach its target (its trajectory has no solution)",
    "threat_invalid": "the threat's trajectory could not be set up (bad input for this route)",
    "threat_in_atmosphere": "the threat's coast stays mostly below 100 km, where this model's drag-free "
    "coast is not physics (trajectory status in_atmosphere)",
    "never_detected": "no fire-control radar sees the threat before impact",
    "outside_altitude": "the threat never flies inside the interceptor's altitude band",
    "never_tracked": "never tracked by a fire-control radar inside the altitude band",
    "track_lost": "the interceptor could reach the threat, but not while a fire-control radar tracks it",
    "too_late": "the threat leaves the engageable part of its flight before interceptors can get there",
    "too_slow": "the interceptor is too slow for this site and route",
    "out_of_reach": "out of reach: no interceptor slower than escape speed could get there before impact",
}
"""Stable ``reason_code`` values (the ``reason`` column says the same in words, with this case's numbers)."""

_CODE_NAMES = {
    _OK: "engageable",
    _THREAT: "threat_cannot_reach",
    _NEVER_SEEN: "never_detected",
    _ALTITUDE: "outside_altitude",
    _TRACK_LIMITED: "track_lost",
    _NEVER_TRACKED: "never_tracked",
    _TOO_EARLY: "too_late",
    _TOO_SLOW: "too_slow",
}


def escape_speed_km_s(burnout_altitude_km, mu_km3_s2: float = MU_KM3_S2):
    """Escape speed at an interceptor's burnout altitude above the WGS84 equatorial radius, km/s.

    v = sqrt(2 μ / r) (Bate, Mueller & White 1971, eq. 1.7-3). It bounds the threshold-speed search: a
    burnout speed above it no longer describes a ballistic interceptor.

    >>> print(f"{escape_speed_km_s(200.0):.3f}")
    11.009
    """
    return np.sqrt(2.0 * mu_km3_s2 / (_earth.WGS84_A_KM + np.asarray(burnout_altitude_km, dtype=float)))


def _reason(code: int, row: np.ndarray, traj, site: InterceptorSite) -> tuple[str, str]:
    """(reason_code, reason in words) of one kernel row."""
    it = site.interceptor
    name = _CODE_NAMES[code]
    where = site.label or site.name  # the place as maps and reports name it (Incirlik Air Base, not gbi-site)
    if code == _OK:
        return name, ""
    if code == _THREAT:
        return name, f"the threat cannot reach the target: {traj.reason or traj.status}"
    if code == _NEVER_SEEN:
        return name, "no fire-control radar sees the threat at any time before impact"
    if code == _ALTITUDE:
        return name, (
            f"the threat (apogee {traj.apogee_km:,.0f} km) never flies between "
            f"{it.min_intercept_altitude_km:,.0f} and {it.max_intercept_altitude_km:,.0f} km, the altitudes "
            f"at which the interceptor from {where} can intercept"
        )
    if code == _TRACK_LIMITED:
        k0, k1, t0, t1 = row[_C_KIN0], row[_C_KIN1], row[_C_TRACK0], row[_C_TRACK1]
        if not math.isfinite(t0):
            return name, (
                f"no fire-control radar tracks the threat while it is within reach from {where} "
                f"(earliest kinematic intercept {k0:,.0f} s)"
            )
        if t1 < k0:
            return name, (
                f"radar track lost at {t1:,.0f} s, before any interceptor from {where} can arrive "
                f"(earliest kinematic intercept {k0:,.0f} s)"
            )
        kin = f"{k0:,.0f}-{k1:,.0f} s" if math.isfinite(k1) and k1 > k0 else f"from {k0:,.0f} s"
        return name, (
            f"no intercept from {where} while a fire-control radar tracks the threat (tracked "
            f"{t0:,.0f}-{t1:,.0f} s); without in-flight updates an interceptor could reach it {kin}"
        )
    if code == _NEVER_TRACKED:
        return name, (
            "never tracked by a fire-control radar while within the interceptor's altitude limits "
            f"({it.min_intercept_altitude_km:,.0f}-{it.max_intercept_altitude_km:,.0f} km)"
        )
    if code == _TOO_EARLY:
        return name, (
            f"too late: interceptors from {where} lift off at {row[_C_L0]:,.0f} s at the earliest, and "
            f"the threat leaves the engageable part of its flight at {row[_C_LAST_USABLE]:,.0f} s"
        )
    need = row[_C_NEED]
    if not math.isfinite(need) or need >= float(escape_speed_km_s(it.burnout_altitude_km)):
        return "out_of_reach", (
            f"out of reach from {where}: no interceptor slower than escape speed could get there "
            "before impact"
        )
    return name, (
        f"too slow from {where}: an interceptor would need a burnout speed of {need:.2f} km/s, "
        f"this one has {it.burnout_speed_km_s:.2f} km/s"
    )


def _result(
    row: np.ndarray, traj, site: InterceptorSite, architecture: Architecture, labels: dict
) -> EngagementResult:
    it = site.interceptor
    code = int(row[_C_CODE])
    # a threat that does not fly to this target (unreachable, no solution, invalid) has no flight time or
    # apogee on this route: an unreachable arc's numbers are the arc it would need (or, staged, a flight
    # that falls short), which a table reader would quote as flown; NaN (JSON null, CSV empty) instead
    flown = traj.status == "ok"
    base = dict(
        site=site.name,
        threat_status=traj.status,
        ground_range_km=traj.ground_range_km,
        threat_flight_time_s=traj.flight_time_s if flown else math.nan,
        threat_apogee_km=traj.apogee_km if flown else math.nan,
        interceptor_speed_km_s=it.burnout_speed_km_s,
        decision_s=architecture.timeline.decision_s,
        **labels,
    )
    reason_code, reason = _reason(code, row, traj, site)
    if code == _THREAT:
        nan = math.nan
        if traj.status == "invalid":
            reason_code, reason = (
                "threat_invalid",
                f"the threat's trajectory could not be set up: {traj.reason}",
            )
        elif traj.status == "in_atmosphere":  # flown, but not physics in this model (no drag on the coast)
            reason_code, reason = (
                "threat_in_atmosphere",
                f"the threat's trajectory is outside this model: {traj.reason}",
            )
        return EngagementResult(
            engageable=False,
            reason=reason,
            reason_code=reason_code,
            tail_chase=False,
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
        reason=reason,
        reason_code=reason_code,
        tail_chase=bool(code == _OK and row[_C_COS] > 0.0),
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


MAX_ENGAGEMENTS = 1_000_000
"""Most threat trajectories one `engage_many` call takes."""
MIN_STEP_S = 0.1
MAX_STEP_S = 600.0
"""Bounds of the timeline sampling step ``step_s``, s (finer steps only cost time; edges are bisected)."""
MAX_REFINE_ITERATIONS = 60
"""Most bisection steps per edge (60 halvings of a step reach float64 resolution)."""
MAX_PATH_SAMPLES = 1_000_000
"""Most samples `interceptor_path` returns."""


def _check_engage_args(n, labels, rcs_m2, step_s, refine_iterations, detail, mu_km3_s2):
    """Validate the numeric controls of `engage_many`; an `InputError` names the field, rule and value."""
    from shieldcheck.orbits import _as_mu

    if n > MAX_ENGAGEMENTS:
        raise InputError(f"at most {MAX_ENGAGEMENTS:,} trajectories per engage_many call, got {n:,}")
    step = require_within("step_s", step_s, MIN_STEP_S, MAX_STEP_S)
    if (isinstance(refine_iterations, bool) or not isinstance(refine_iterations, (int, np.integer))
            or not 1 <= refine_iterations <= MAX_REFINE_ITERATIONS):
        raise InputError(
            f"refine_iterations must be a whole number within [1, {MAX_REFINE_ITERATIONS}], "
            f"got {refine_iterations!r}"
        )
    if not isinstance(detail, (bool, np.bool_)):
        raise InputError(f"detail must be True or False, got {detail!r}")
    if labels is not None and len(labels) != n:
        raise InputError(f"labels must have one entry per trajectory ({n}), got {len(labels)}")
    if rcs_m2 is not None:
        if len(rcs_m2) != n:
            raise InputError(f"rcs_m2 must have one entry per trajectory ({n}), got {len(rcs_m2)}")
        for v in rcs_m2:
            if v is not None:
                require_within("rcs_m2", v, 0.0, 1e4, lo_open=True)
    return step, int(refine_iterations), _as_mu(mu_km3_s2)


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

    ``step_s`` must be within [`MIN_STEP_S`, `MAX_STEP_S`] s, ``refine_iterations`` within
    [1, `MAX_REFINE_ITERATIONS`], and at most `MAX_ENGAGEMENTS` trajectories are taken per call; otherwise
    `InputError`.
    """
    try:
        n = len(trajs)
    except TypeError:
        raise InputError(f"trajs must be a list of trajectories, got {type(trajs).__name__}") from None
    step_s, refine_iterations, mu_km3_s2 = _check_engage_args(
        n, labels, rcs_m2, step_s, refine_iterations, detail, mu_km3_s2
    )
    labels = labels or [dict(threat="", launch="", target="")] * n
    rcs = list(rcs_m2) if rcs_m2 is not None else [None] * n
    good = [i for i, t in enumerate(trajs) if t.status == "ok"]
    rows = np.full((n, _NCOL), np.nan)
    rows[:, _C_CODE] = _THREAT
    if good:
        data = _stack([trajs[i] for i in good])
        arrays = _threat_arrays(data, [rcs[i] for i in good], architecture.radars, architecture.earth)
        t_ew = _ew_times(architecture, data["burn_time_s"])
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
    refine_iterations: int = 14,
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
        refine_iterations=refine_iterations,
        mu_km3_s2=mu_km3_s2,
    )[0]


def _invalid_trajectory(case, earth: str, rotation: bool, message: str):
    """A `Trajectory` with status ``invalid`` (NaN numbers) standing for a route whose set-up failed."""
    from shieldcheck.threats import Trajectory

    kw = {f.name: math.nan for f in fields(Trajectory)}
    kw.update(
        status="invalid",
        reason=message,
        shape=case.shape,
        earth=earth,
        rotation=rotation,
        launch_latitude_deg=case.launch.latitude_deg,
        launch_longitude_deg=case.launch.longitude_deg,
        target_latitude_deg=case.target.latitude_deg,
        target_longitude_deg=case.target.longitude_deg,
        burnout_r_eci_km=np.full(3, np.nan),
        burnout_v_eci_km_s=np.full(3, np.nan),
        target_r_ecef_km=np.full(3, np.nan),
    )
    return Trajectory(**kw)


def scenario_trajectories(built) -> list:
    """The threat trajectories of a built scenario, one per `ThreatCase`, solved one batch per group.

    A group whose batch raises `InputError` (e.g. a target inside the missile's burnout range) is solved
    case by case; a case that still fails becomes a `Trajectory` with status ``invalid`` whose reason
    names the threat group, launch and target, so that the other routes still compute.
    """
    from dataclasses import replace

    from shieldcheck.threats import kinematic_shape, solve_trajectories

    arch = built.architecture
    earth, rotation = arch.earth, arch.rotation
    out: list = [None] * len(built.threats)
    groups: dict[str, list[int]] = {}
    for i, case in enumerate(built.threats):
        groups.setdefault(case.group, []).append(i)
    for idx in groups.values():
        c0 = built.threats[idx[0]]
        m = c0.missile

        def pick(value, attr, default, m=m):
            return value if value is not None else (getattr(m, attr) if m is not None else default)

        if len(idx) == 1:  # one case: the scalar path (a length-1 batch would hand numba broadcast views)
            out[idx[0]] = _solve_one(built.threats[idx[0]], earth, rotation)
            continue
        if _staged_group([built.threats[i] for i in idx], idx, out, earth, rotation):
            continue
        try:
            # a full burn (lofted, depressed) flies as trajectory() flies it: the burnout-speed arc at the
            # class's largest speed on that branch
            vmax = pick(c0.max_burnout_speed_km_s, "max_burnout_speed_km_s", None)
            shape, branch, speed = kinematic_shape(c0.shape, c0.branch, c0.burnout_speed_km_s, vmax)
            batch = solve_trajectories(
                [built.threats[i].launch.latitude_deg for i in idx],
                [built.threats[i].launch.longitude_deg for i in idx],
                [built.threats[i].target.latitude_deg for i in idx],
                [built.threats[i].target.longitude_deg for i in idx],
                shape=shape,
                apogee_km=c0.apogee_km,
                flight_time_s=c0.flight_time_s,
                burnout_speed_km_s=speed,
                branch=branch,
                burn_time_s=pick(c0.burn_time_s, "burn_time_s", 0.0),
                burnout_altitude_km=pick(c0.burnout_altitude_km, "burnout_altitude_km", 0.0),
                burnout_range_km=pick(c0.burnout_range_km, "burnout_range_km", 0.0),
                max_burnout_speed_km_s=pick(c0.max_burnout_speed_km_s, "max_burnout_speed_km_s", np.inf),
                earth=earth,
                rotation=rotation,
            )
            for k, i in enumerate(idx):
                out[i] = replace(batch[k], shape=c0.shape)  # the shape asked (lofted, not burnout-speed)
        except InputError:
            for i in idx:
                out[i] = _solve_one(built.threats[i], earth, rotation)
    return out


def _staged_group(cases, idx, out, earth: str, rotation: bool) -> bool:
    """Solve a threat group flown with the staged boost in one batch (`shieldcheck.staged`).

    Returns False when the group flies the kinematic boost, or when its boost settings are invalid (the
    cases are then solved one by one, so that each row carries the reason naming its threat).
    """
    from shieldcheck.threats import staged_vehicle

    c0 = cases[0]
    if c0.boost == "kinematic":
        return False
    explicit = [k for k in ("burn_time_s", "burnout_altitude_km", "burnout_range_km",
                            "max_burnout_speed_km_s")
                if getattr(c0, k) is not None]
    try:
        vehicle = staged_vehicle(c0.missile, c0.shape, c0.boost, explicit)
    except InputError:
        return False
    if vehicle is None:
        return False
    lat1, lon1, lat2, lon2 = (np.array([getattr(getattr(c, p), k) for c in cases], dtype=float)
                              for p, k in (("launch", "latitude_deg"), ("launch", "longitude_deg"),
                                           ("target", "latitude_deg"), ("target", "longitude_deg")))
    rows, trajs = staged_routes(vehicle, lat1, lon1, lat2, lon2, earth, rotation, shape=c0.shape,
                                apogee_km=c0.apogee_km, flight_time_s=c0.flight_time_s)
    for k in np.setdiff1d(np.arange(len(cases)), rows):  # coincident or antipodal: the case path words why
        out[idx[k]] = _solve_one(cases[k], earth, rotation)
    for k, t in zip(rows, trajs, strict=True):
        out[idx[k]] = t
    return True


def staged_routes(vehicle, lat1, lon1, lat2, lon2, earth: str, rotation: bool, *, shape="min-energy",
                  apogee_km=None, flight_time_s=None) -> tuple[np.ndarray, list]:
    """Staged trajectories (`shieldcheck.staged`) of the routes that can be flown, with their tabulated
    boosts; the one place scenarios and footprint grids fly a staged threat group (``shape``,
    ``apogee_km``, ``flight_time_s``: as `shieldcheck.staged.staged_trajectories`).

    Returns ``(rows, trajectories)``: the indices of the routes flown and one `Trajectory` per index.
    Coincident (under 1 km) and near-antipodal routes (over `shieldcheck.threats.STAGED_MAX_GROUND_KM`) are
    left out (no geodesic direction to fly): `shieldcheck.threats.trajectory` words them (no_solution,
    boost staged, nothing flown).
    """
    from shieldcheck.staged import staged_trajectories, to_trajectories  # only for staged groups
    from shieldcheck.threats import STAGED_MAX_GROUND_KM

    lat1, lon1, lat2, lon2 = np.broadcast_arrays(*(np.atleast_1d(np.asarray(x, dtype=float))
                                                   for x in (lat1, lon1, lat2, lon2)))
    dist = np.atleast_1d(_earth.geodesic_inverse(lat1, lon1, lat2, lon2, earth=earth)[0])
    rows = np.flatnonzero((dist >= 1.0) & (dist < STAGED_MAX_GROUND_KM))
    if not rows.size:
        return rows, []
    fields = staged_trajectories(vehicle, lat1[rows], lon1[rows], lat2[rows], lon2[rows], shape=shape,
                                 apogee_km=apogee_km, flight_time_s=flight_time_s, earth=earth,
                                 rotation=rotation)
    return rows, to_trajectories(fields, vehicle)


def _solve_one(case, earth: str, rotation: bool):
    try:
        return case.trajectory(earth, rotation)
    except InputError as exc:
        msg = f"threat {case.group}, {case.launch.name} to {case.target.name}: {exc}"
        return _invalid_trajectory(case, earth, rotation, msg)


def engage_scenario(built, step_s: float = 5.0, trajectories=None) -> list[EngagementResult]:
    """Every threat of a built scenario against every interceptor site (rows ordered by threat, then site).

    ``built`` is a `shieldcheck.scenario.BuiltScenario`; ``trajectories`` (optional) the list from
    `scenario_trajectories`, solved once and reused. A threat whose trajectory cannot be solved or set up
    is a row with its reason (``reason_code`` ``threat_cannot_reach`` or ``threat_invalid``).
    """
    arch = built.architecture
    trajs = scenario_trajectories(built) if trajectories is None else list(trajectories)
    labels = [dict(threat=c.group, launch=c.launch.name, target=c.target.name) for c in built.threats]
    rcs = [c.rcs_m2 for c in built.threats]
    per_site = [engage_many(trajs, s, arch, labels=labels, rcs_m2=rcs, step_s=step_s) for s in arch.sites]
    return [per_site[j][i] for i in range(len(trajs)) for j in range(len(arch.sites))]


_GROUND_CHECKS = 257
"""Points of a coast arc `interceptor_path` checks against the ground (a 1,000 s arc: every 4 s)."""


def _no_path(reason: str) -> dict:
    """The `interceptor_path` result for a path that cannot exist: status, reason, empty arrays."""
    empty = np.empty(0)
    return {
        "status": "no_path",
        "reason": reason,
        "t_s": empty,
        "latitude_deg": empty,
        "longitude_deg": empty,
        "altitude_km": empty,
        "r_ecef_km": np.empty((0, 3)),
        "phase": np.empty(0, dtype=object),
    }


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

    Returns a dict with ``status`` (``"ok"`` or ``"no_path"``), ``reason`` (empty when ok, otherwise a
    sentence saying why no path exists) and the arrays ``t_s``, ``latitude_deg``, ``longitude_deg``,
    ``altitude_km``, ``r_ecef_km`` (shape (n, 3)) and ``phase`` ("boost" or "coast"), empty when there
    is no path. The coast is the Lambert arc of the kinematic model; the boost is drawn as a vertical
    rise to the burnout altitude (illustrative, like the threat's boost). A well-formed request for a
    path that cannot exist (an intercept before the interceptor burns out, no coast arc between the two
    points in the time, an arc that would pass underground) is a ``no_path`` result, not an error.

    Raises
    ------
    InputError
        Malformed input: ``site`` not an `InterceptorSite`, ``traj`` not solved, times outside the
        threat's flight, ``step_s`` out of its bounds or too many samples.
    """
    from shieldcheck.threats import trajectory_state

    if not isinstance(site, InterceptorSite):
        raise InputError(f"site must be an InterceptorSite, got {type(site).__name__}")
    if getattr(traj, "status", None) not in ("ok", "unreachable"):
        status = getattr(traj, "status", None)
        raise InputError(f"traj must be a solved trajectory (status ok), got status {status!r}")
    earth = _earth.check_earth(earth)
    launch_s = require_within("launch_s", launch_s, 0.0, float(traj.flight_time_s))
    intercept_s = require_within(
        "intercept_s (must be during the threat's flight)", intercept_s, 0.0, float(traj.flight_time_s)
    )
    step_s = require_within("step_s", step_s, MIN_STEP_S, MAX_STEP_S)
    if (intercept_s - launch_s) / step_s > MAX_PATH_SAMPLES:
        raise InputError(
            f"step_s must be at least {(intercept_s - launch_s) / MAX_PATH_SAMPLES:.3g} s for this path (at "
            f"most {MAX_PATH_SAMPLES:,} samples), got {step_s:g}"
        )
    it = site.interceptor
    t_bo = launch_s + it.burn_time_s
    if not (intercept_s > t_bo):
        return _no_path(
            f"the interceptor launched at {launch_s:g} s is still boosting until {t_bo:g} s, so it cannot "
            f"meet the threat at {intercept_s:g} s"
        )
    r_bo_ecef = _earth.geodetic_to_ecef(site.latitude_deg, site.longitude_deg, it.burnout_altitude_km, earth)
    r1 = _earth.ecef_to_eci(r_bo_ecef, t_bo, rotation)
    _, p_eci, _, _ = trajectory_state(traj, intercept_s)
    sol = lambert(r1, p_eci, intercept_s - t_bo, mu_km3_s2=mu_km3_s2)
    if int(sol.status) != 0:
        return _no_path(
            f"no interceptor coast arc reaches the threat at {intercept_s:g} s from a launch at "
            f"{launch_s:g} s (Lambert status {int(sol.status)}); times from the engagement's window have one"
        )
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
    tc = t_bo + np.linspace(0.0, intercept_s - t_bo, _GROUND_CHECKS)[1:-1]  # whatever step_s samples
    rg, _ = kepler(r1, sol.v1_km_s, tc - t_bo, mu_km3_s2)
    rg = _earth.eci_to_ecef(np.reshape(rg, (-1, 3)), tc, rotation)
    _, _, alt_check = _earth.ecef_to_geodetic(rg, earth)
    if np.any(alt_check < 0.0):
        return _no_path(
            f"the only coast arc from a launch at {launch_s:g} s to the threat at {intercept_s:g} s passes "
            "underground"
        )
    return {
        "status": "ok",
        "reason": "",
        "t_s": t,
        "latitude_deg": np.atleast_1d(lat),
        "longitude_deg": np.atleast_1d(lon),
        "altitude_km": np.atleast_1d(alt),
        "r_ecef_km": r_ecef,
        "phase": np.where(coast, "coast", "boost").astype(object),
    }
