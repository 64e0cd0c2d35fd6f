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

How it is computed: each route's whole fit runs serially inside one compiled call, parallel over the
routes (one call per batch: a parallel call costs milliseconds on a loaded machine). Routes from one launch
point read the max-range kick from a table solved every 10° of azimuth over their azimuths (a smooth
function of azimuth; linear interpolation; the search itself when a launch point has fewer routes than
table rows or the azimuth leaves the table). Each azimuth pass flies the full burn once, recording the
state after every Runge-Kutta step; a cut-off time is tried by restarting from the last recorded step
before it, which reproduces the cut flight (the same steps, the last one ending on the cut), and the
cut-off time is found by Illinois regula falsi on the impact's geocentric angle from the launch point.
The reported state is then flown again through :func:`shieldcheck.boost.fly_batch`.

A target farther than the full-burn maximum range along its azimuth is ``unreachable``; the result then
carries ``max_range_km`` and ``range_margin_km`` (maximum range minus the route's ground range: positive
when the target is within reach by that much, negative when the missile falls short by that much).

Shapes
------
The flights that land on a target closer than the full-burn maximum range form a curve: from the full
burn's high arc (``lofted``: the kick below the max-range kick whose full burn lands there), through the
least burn (``min-energy``), to its low arc (``depressed``: the kick above). Along each side the apogee and
the flight time change monotonically, so ``apogee`` (``apogee_km``) and ``flight-time`` (``flight_time_s``)
are one root on one side, two unknowns (kick and cut-off time) for two conditions (land on the target,
the value asked). A value beyond the curve's end is ``unreachable`` with that end in the reason. On a
rotating Earth a steep gravity turn leaves its launch plane (the Coriolis turn during the rise, amplified
by the turn), so the shapes write the kick as a tilt along and across the route's heading (`_tilt`; a
negative along-tilt kicks against the heading) and correct the cross-range with the across-tilt, where
min-energy turns the launch azimuth. ``burnout-speed`` is not a staged shape: the burnout speed is not
monotonic along the curve (a steep full burn loses more to gravity than the min-energy cut-off saves).

Sources: the boost model and kick search of :mod:`shieldcheck.boost` (Sutton & Biblarz 2017; Wheelon,
"Free flight of a ballistic missile", ARS Journal 29, 1959); conic coast and impact after Bate, Mueller &
White, *Fundamentals of Astrodynamics* (1971), ch. 6.

>>> from shieldcheck.catalog.boosters import get_booster
>>> v = get_booster("icbm-solid").vehicle
>>> t = staged_trajectory(v, (54.71, 20.51), (52.52, 13.40))
>>> t.burnout_range_km < t.ground_range_km, t.burnout_speed_relative_km_s > 2.0
(True, True)
>>> t.status  # a 530 km flight, apogee 108 km: its coast is mostly below 100 km (threats.ATMOSPHERE_EDGE_KM)
'in_atmosphere'
>>> t = staged_trajectory(v, (54.0, 35.8), (38.90, -77.04), shape="apogee", apogee_km=1200.0)
>>> t.status, t.shape, abs(t.apogee_km - 1200.0) < SHAPE_TOLERANCE["apogee"]
('ok', 'apogee', True)
"""

from __future__ import annotations

import math

import numba
import numpy as np

from shieldcheck import earth as _earth
from shieldcheck.boost import (
    _AREA,
    _COAST,
    _GRAV_CODE,
    _IS,
    _IV,
    _KICK_HI,
    _KICK_LO,
    _MD,
    _MIN_STEP,
    _MP,
    _NOUT,
    _O_RX,
    _O_RY,
    _O_ST,
    _O_T,
    _O_VX,
    _O_VY,
    _O_VZ,
    _OK,
    _TB,
    G0_KM_S2,
    J2_WGS84,
    P0_PA,
    PitchProgram,
    Vehicle,
    _atmosphere_table,
    _cd_table,
    _fly_one,
    _from_record,
    _impact_one,
    _numbers,
    _segment,
    cut_vehicle,
    fly_batch,
    free_flight,
)
from shieldcheck.earth import MU_KM3_S2
from shieldcheck.errors import InputError, require_array_within
from shieldcheck.orbits import _illinois_step as _illinois
from shieldcheck.orbits import kepler

__all__ = [
    "MISS_TOLERANCE_KM",
    "PROFILE_SAMPLES",
    "SHAPES",
    "SHAPE_TOLERANCE",
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
_AZIMUTH_PASSES = 16  # most azimuth corrections for the Earth's rotation


def _fly_cut(vehicle, lat, lon, az, kick, t_cut, earth, rotation):
    """Fly each row with its thrust cut at t_cut; returns (BoostBatch, free-flight dict)."""
    vs = [cut_vehicle(vehicle, float(t)) for t in t_cut]
    b = fly_batch(vs, lat, lon, az, kick, earth=earth, rotation=rotation)
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
    return boost_profiles(vehicle, lat, lon, az, kick, t_cut, earth=earth, rotation=rotation,
                          payload_kg=payload_kg, samples=samples)[0]


def boost_profiles(vehicle, lat, lon, az, kick, t_cut, *, earth="wgs84", rotation=True, payload_kg=None,
                   samples: int = PROFILE_SAMPLES) -> list:
    """`boost_profile` of many flights of one vehicle (arguments broadcast), flown in one `fly_batch` call.

    One batched call instead of one per flight: a parallel call costs milliseconds on a loaded machine,
    which made a staged footprint's cells cost 5-80 ms each. Returns one (K, 8) table per flight.
    """
    from shieldcheck.boost import PitchProgram

    lat, lon, az, kick, t_cut = np.broadcast_arrays(*(np.atleast_1d(np.asarray(x, dtype=float))
                                                      for x in (lat, lon, az, kick, t_cut)))
    pitch = PitchProgram()
    bounds = [pitch.vertical_rise_s, pitch.vertical_rise_s + pitch.kick_duration_s]
    t = 0.0
    for st in vehicle.stages:
        t += st.burn_time_s
        bounds.append(t)
        t += st.coast_after_s
    times = []
    for tc in t_cut:
        tk = np.union1d(np.linspace(0.0, tc, samples), [b for b in bounds if 0.0 < b < tc])
        times.append(tk[tk >= _MIN_CUT_S])
    if payload_kg is not None:
        # the payload is set before the cut: a cut vehicle carries the stages above it as payload
        vehicle = vehicle.with_payload(float(_numbers("payload_kg", payload_kg, 0.0, 1e6)))
    vs = [cut_vehicle(vehicle, float(x)) for tk in times for x in tk]
    row = np.repeat(np.arange(t_cut.size), [tk.size for tk in times])
    b = fly_batch(vs, lat[row], lon[row], az[row], kick[row], earth=earth, rotation=rotation)
    r0 = np.reshape(_earth.geodetic_to_ecef(lat, lon, 0.0, earth), (-1, 3))
    omega = _earth.rotation_rate(rotation)
    out, start = [], 0
    for k, tk in enumerate(times):
        sl = slice(start, start + tk.size)
        start += tk.size
        table = np.empty((tk.size + 1, 8))
        table[0] = [0.0, *r0[k], 0.0, 0.0, 0.0, omega * math.hypot(r0[k, 0], r0[k, 1])]
        table[1:, 0] = b.burnout_time_s[sl]
        table[1:, 1:4] = b.r_ecef_km[sl]
        table[1:, 4:7] = b.v_rel_km_s[sl]
        table[1:, 7] = b.burnout_inertial_speed_km_s[sl]
        _, keep = np.unique(table[:, 0], return_index=True)  # a cut in an inter-stage coast repeats a time
        out.append(table[keep])
    return out


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


# ------------------------------------------------------------------- the compiled fit: one route per thread
# Each route's whole fit (max-range kick, cut-off time, azimuth passes) runs serially inside one compiled
# call, and one parallel call fits the whole batch: a parallel call costs milliseconds on a loaded machine,
# so the batch pays it twice instead of once per solver step. A cut-off flight is the full burn's path up to
# the cut (`cut_vehicle`), so each pass flies the full burn once, recording the state after every
# Runge-Kutta step, and every cut-off time tried restarts from the last recorded step before it: one short
# step reproduces the cut flight (the same steps, the last one ending on the cut; module notes of boost.py).
_F_AZ, _F_KICK, _F_TCUT, _F_KICK0, _F_PX, _F_PY, _F_PZ, _F_MISS, _F_SPEED0, _F_FLIGHTS, _F_CUTS = range(11)
_F_CODE, _F_LIMIT, _F_VME = 11, 12, 13
_FIT_OUT = 14
# shapes of the compiled fit, and its codes
_M_MIN, _M_LOFTED, _M_DEPRESSED, _M_APOGEE, _M_TIME = range(5)
_MODE_NAMES = ("min-energy", "lofted", "depressed", "apogee", "flight-time")
_Q_SPEED = -1  # `_quantity`: the burnout speed relative to the Earth
_C_OK, _C_SHORT, _C_ABOVE, _C_BELOW, _C_NO_FULL = range(5)
_SHAPE_TOL = (0.0, 0.0, 0.0, 0.005, 0.005, 1e-6, 1e-6)
"""How close the fit brings each shape's quantity to the value asked: km of apogee, s, km/s."""
_KICK_SEARCH = 60  # most Illinois steps on the kick (the full-burn arcs and the shapes' root)
_NO_IMPACT = -10.0  # `_impact_angle` when the flight crashes in boost or its conic does not come down
_MISS_DONE_KM = 0.1 * MISS_TOLERANCE_KM  # a pass that lands this close ends the azimuth corrections
_CUT_TOL_KM = 0.01 * MISS_TOLERANCE_KM  # the cut-off search stops when the range is this close


@numba.njit(cache=True)
def _impact_angle(r0, y, t, phys, imp, href, proj):
    """Impact of the conic from the ECI state ``y`` at time ``t`` into ``imp`` (see `_impact_one`); returns
    the geocentric angle from the launch point ``r0`` to the impact, rad, negative when the impact lies
    less than 90° behind the launch point (against the horizontal heading ``href``: a steep flight the
    Earth's rotation carries back, or a kick against the heading), or `_NO_IMPACT` when nothing lands."""
    rb, vb = np.empty(3), np.empty(3)
    for j in range(3):
        rb[j], vb[j] = y[j], y[3 + j]
    _impact_one(rb, vb, t, phys[2], phys[0], phys[5], phys[6], imp)
    if imp[0] != 0.0:
        return _NO_IMPACT
    if proj:
        # the angle in the plane of the launch point and the heading (signed, continuous through the
        # vertical; a steep flight the Coriolis turn carries sideways keeps a small one)
        rn = math.sqrt(r0[0] * r0[0] + r0[1] * r0[1] + r0[2] * r0[2])
        return math.atan2(href[0] * imp[2] + href[1] * imp[3] + href[2] * imp[4],
                          (r0[0] * imp[2] + r0[1] * imp[3] + r0[2] * imp[4]) / rn)
    cx = r0[1] * imp[4] - r0[2] * imp[3]
    cy = r0[2] * imp[2] - r0[0] * imp[4]
    cz = r0[0] * imp[3] - r0[1] * imp[2]
    dot = r0[0] * imp[2] + r0[1] * imp[3] + r0[2] * imp[4]
    ang = math.atan2(math.sqrt(cx * cx + cy * cy + cz * cz), dot)
    if ang < 0.5 * math.pi and href[0] * imp[2] + href[1] * imp[3] + href[2] * imp[4] < 0.0:
        return -ang  # (an arc past the antipode keeps its angle the short way, as reach.py measures it)
    return ang


@numba.njit(cache=True)
def _full_burn(veh, phys, r0, h0, kick_deg, o15, rec, y, imp, href, proj):
    """Fly the full burn, kicked by ``kick_deg`` toward the horizontal unit vector ``h0`` (recording each
    step into ``rec`` when it has rows); returns (records written, impact angle from `_impact_angle`, signed
    by ``href``)."""
    st, nst, payload, tvert, tkick = veh[0], veh[1], veh[2], veh[3], veh[4]
    omega, gmode, mu, j2, re, a_e, e2, drag, lr, lp, aa, cdm, cdv, step = phys
    nrec = _fly_one(st, nst, payload, r0, h0, math.radians(kick_deg), tvert, tkick, omega, gmode, mu, j2, re,
                    a_e, e2, drag, lr, lp, aa, cdm, cdv, step, o15, rec)
    if o15[_O_ST] != _OK:
        imp[0] = 3.0
        return nrec, _NO_IMPACT
    for j in range(6):
        y[j] = o15[_O_RX + j]
    return nrec, _impact_angle(r0, y, o15[_O_T], phys, imp, href, proj)


@numba.njit(cache=True)
def _max_range_kick(veh, phys, r0, h0, iterations, o15, norec, y, imp):
    """Kick (deg) of the longest full-burn flight: golden-section search on [1e-4, 60] deg, as
    `shieldcheck.boost.solve_kick` (goal "max-range") does, scored by the geocentric angle flown."""
    g = (math.sqrt(5.0) - 1.0) / 2.0
    a, b = _KICK_LO, _KICK_HI
    c, d = b - g * (b - a), a + g * (b - a)
    fc = _full_burn(veh, phys, r0, h0, c, o15, norec, y, imp, h0, False)[1]
    fc = fc if fc >= 0.0 else -1.0 - c
    fd = _full_burn(veh, phys, r0, h0, d, o15, norec, y, imp, h0, False)[1]
    fd = fd if fd >= 0.0 else -1.0 - d
    for _ in range(iterations):
        if fc > fd:
            b, d, fd = d, c, fc
            c = b - g * (b - a)
            fc = _full_burn(veh, phys, r0, h0, c, o15, norec, y, imp, h0, False)[1]
            fc = fc if fc >= 0.0 else -1.0 - c
        else:
            a, c, fc = c, d, fd
            d = a + g * (b - a)
            fd = _full_burn(veh, phys, r0, h0, d, o15, norec, y, imp, h0, False)[1]
            fd = fd if fd >= 0.0 else -1.0 - d
        if b - a < 1e-6 * b:
            break
    return 0.5 * (a + b)


@numba.njit(cache=True)
def _cut_angle(veh, phys, r0, h0, kick_deg, rec, nrec, norec, t_cut, y, imp, k1, k2, k3, k4, tmp, href,
               proj):
    """Impact angle (`_impact_angle`) of the flight whose thrust is cut at ``t_cut``, restarted from the
    recorded full burn ``rec`` (the phase containing the cut gives the step's mode, mass and engine)."""
    st, nst, payload, tvert, tkick = veh[0], veh[1], veh[2], veh[3], veh[4]
    omega, gmode, mu, j2, re, a_e, e2, drag, lr, lp, aa, cdm, cdv, step = phys
    m = payload
    for k in range(nst):
        m += st[k, _MP] + st[k, _MD]
    ts = 0.0
    mode = -1  # stays -1 for a cut inside an inter-stage coast: the flight ends at the burnout before it
    seg0 = mdot = fvac = fp = area = m_seg = 0.0
    for k in range(nst):
        tb = st[k, _TB]
        if t_cut < ts + tb or k == nst - 1:
            t_cut = min(t_cut, ts + tb)
            mdot = st[k, _MP] / tb
            fvac = mdot * G0_KM_S2 * st[k, _IV]
            fp = (st[k, _IV] - st[k, _IS]) * mdot * G0_KM_S2 / P0_PA
            area = st[k, _AREA]
            mode, seg0 = 3, ts
            if k == 0:
                b1, b2 = min(tvert, tb), min(tvert + tkick, tb)
                if t_cut < b1:
                    mode, seg0 = 1, 0.0
                elif t_cut < b2:
                    mode, seg0 = 2, b1
                else:
                    seg0 = b2
            m_seg = m - mdot * (seg0 - ts)
            break
        ts += tb
        m -= st[k, _MP] + st[k, _MD]
        if t_cut < ts + st[k, _COAST]:
            t_cut = ts
            break
        ts += st[k, _COAST]
    t0 = _from_record(rec, nrec, t_cut, r0, omega, y)  # the last recorded step at or before the cut
    if mode >= 0 and t_cut > t0 + 1e-12:
        crashed = _segment(y, t0, t_cut, step, mode, m_seg - mdot * (t0 - seg0), mdot, fvac, fp, area,
                           math.radians(kick_deg), h0[0], h0[1], h0[2], omega, gmode, mu, j2, re, a_e, e2,
                           drag, lr, lp, aa, cdm, cdv, k1, k2, k3, k4, tmp, norec, nrec - nrec, t0 - t0)[2]
        if crashed:
            imp[0] = 3.0
            return _NO_IMPACT
    else:
        t_cut = t0
    return _impact_angle(r0, y, t_cut, phys, imp, href, proj)


@numba.njit(cache=True)
def _cut_search(veh, phys, r0, h0, kick, rec, nrec, norec, t_min, f_full, ang_t, r_launch, y, imp, k1, k2, k3,
                k4, tmp, href, proj):
    """Cut-off time whose coast lands at the geocentric angle ``ang_t`` from the launch point, for the full
    burn just flown and recorded in ``rec`` (``f_full``: its impact angle minus ``ang_t``, >= 0).

    Illinois regula falsi (Dowell & Jarratt 1971) on the cut-off time, the range rising with it; ``y`` and
    ``imp`` hold the returned flight's cut-off state and impact. Returns (t_cut, flights restarted).
    """
    t_full = veh[5]
    if abs(f_full) * r_launch < _CUT_TOL_KM:
        return t_full, 0  # the full burn itself lands there (y and imp hold it)
    lo, hi = t_min, t_full
    fhi = f_full
    flo = _cut_angle(veh, phys, r0, h0, kick, rec, nrec, norec, lo, y, imp, k1, k2, k3, k4, tmp, href, proj)
    flo = max(_reading(flo, y, imp, href, phys[0], proj), 0.0) - ang_t
    cuts = 1
    if flo >= 0.0:
        return lo, cuts  # even the shortest burn overshoots: keep it (the route is a few km long)
    t = lo
    side = 0
    for _ in range(_CUT_ITERATIONS):
        tt = (lo * fhi - hi * flo) / (fhi - flo)
        if not (lo < tt < hi):
            tt = 0.5 * (lo + hi)
        f = _cut_angle(veh, phys, r0, h0, kick, rec, nrec, norec, tt, y, imp, k1, k2, k3, k4, tmp, href, proj)
        f = max(_reading(f, y, imp, href, phys[0], proj), 0.0) - ang_t
        cuts += 1
        t = tt
        lo, flo, hi, fhi, side = _illinois(f > 0.0, tt, f, lo, flo, hi, fhi, side)
        if abs(f) * r_launch < _CUT_TOL_KM or hi - lo < 1e-9:
            break
    return t, cuts


@numba.njit(cache=True)
def _tilt(u, w, hr, xr, h0):
    """Pitch-over kick of the tilt (``u`` along the route's heading ``hr``, ``w`` across it toward ``xr``,
    deg): writes its horizontal direction into ``h0`` and returns its size, deg."""
    k = math.sqrt(u * u + w * w)
    for i in range(3):
        h0[i] = (u * hr[i] + w * xr[i]) / k if k > 0.0 else hr[i]
    return k


@numba.njit(cache=True)
def _quantity(mode, y, imp, omega):
    """The quantity ``mode`` of the flight in ``y`` (cut-off state) and ``imp`` (its impact): apogee
    altitude (km), flight time (s) or (`_Q_SPEED`) burnout speed relative to the Earth (km/s)."""
    if mode == _M_APOGEE:
        return imp[5]
    if mode == _M_TIME:
        return imp[1]
    vx, vy = y[3] + omega * y[1], y[4] - omega * y[0]
    return math.sqrt(vx * vx + vy * vy + y[5] * y[5])


@numba.njit(cache=True)
def _burn_at(veh, phys, r0, u, w, hr, xr, h0, o15, rec, y, imp, proj):
    """`_full_burn` at the tilt (u, w) (`_tilt`); returns (records written, impact angle read by
    `_reading`)."""
    nrec, ang = _full_burn(veh, phys, r0, h0, _tilt(u, w, hr, xr, h0), o15, rec, y, imp, hr, proj)
    return nrec, _reading(ang, y, imp, hr, phys[0], proj)


@numba.njit(cache=True)
def _reading(ang, y, imp, hr, omega, proj):
    """An impact angle as the searches read it: a flight that reaches orbit or escapes (``imp[0]`` 1 or 2)
    overshoots every target (pi); with ``proj`` (a signed angle in the route's plane), -pi when it flies
    against the heading ``hr``, and an angle wrapped past the antipode (a forward flight read as landing
    more than 90° behind, or the reverse) is pi or -pi."""
    if ang == _NO_IMPACT and not (imp[0] == 1.0 or imp[0] == 2.0):
        return ang  # crashed in boost
    if not proj:
        return math.pi if ang == _NO_IMPACT else ang
    fwd = (y[3] + omega * y[1]) * hr[0] + (y[4] - omega * y[0]) * hr[1] + y[5] * hr[2] >= 0.0
    if ang == _NO_IMPACT:
        return math.pi if fwd else -math.pi
    if fwd and ang < -0.5 * math.pi:
        return math.pi
    if not fwd and ang > 0.5 * math.pi:
        return -math.pi
    return ang


@numba.njit(cache=True)
def _on_curve(mode, veh, phys, r0, u, w, hr, xr, h0, ang_t, r_launch, t_min, rec, norec, o15, y, imp, k1, k2,
              k3, k4, tmp):
    """The point of the landing curve at the tilt (u, w): the full burn there, cut off so that it lands.

    Returns (t_cut, the shape's quantity, integrations); the quantity is NaN when the full burn at this
    tilt falls short (no point of the curve).
    """
    proj = True
    nrec, ang = _burn_at(veh, phys, r0, u, w, hr, xr, h0, o15, rec, y, imp, proj)
    if ang < ang_t:
        return veh[5], math.nan, 1
    t, n = _cut_search(veh, phys, r0, h0, math.sqrt(u * u + w * w), rec, nrec, norec, t_min, ang - ang_t,
                       ang_t, r_launch, y, imp, k1, k2, k3, k4, tmp, hr, proj)
    if imp[0] != 0.0:
        return t, math.nan, 1 + n
    return t, _quantity(mode, y, imp, phys[0]), 1 + n


@numba.njit(cache=True)
def _shape_pass(mode, value, veh, phys, r0, hr, xr, w, kick_mr, ang_t, r_launch, t_min, rec, norec, o15, y,
                imp, h0, k1, k2, k3, k4, tmp, res):
    """One pass of the fit of the shape ``mode`` (``_M_*``) with its requested ``value``, at the cross-range
    tilt ``w`` (deg; `_tilt`).

    The flights that land on the target form a curve in (tilt u, cut-off time): from the full burn's
    lofted arc (the u below the max-range kick ``kick_mr`` whose full burn lands there; u may be
    negative, a kick against the route's heading, which a steep flight needs to offset the Coriolis
    turn), through the min-energy point (``kick_mr``, the least cut-off time), to the full burn's
    depressed arc (the u above). Along each side the apogee and the flight time change monotonically,
    so a shape is one root on one side: u by Illinois regula falsi, each u's point of the
    curve by the cut-off search. ``res`` receives [u, t_cut, code (``_C_*``), the reachable limit,
    integrations, restarts, then the max-range kick's full burn: impact x, y, z (ECEF, km; NaN when it
    does not land) and burnout speed relative to the Earth, then the min-energy point's burnout speed];
    ``y``/``imp`` hold the returned flight.
    """
    flights = cuts = 0
    t_full = veh[5]
    proj = mode != _M_MIN  # the shapes measure range in the route's plane (`_impact_angle`)
    res[0], res[1], res[2], res[3] = kick_mr, t_full, _C_OK, math.nan
    nrec, ang = _burn_at(veh, phys, r0, kick_mr, w, hr, xr, h0, o15, rec, y, imp, proj)
    if mode == _M_MIN and imp[0] != 0.0:
        ang = _NO_IMPACT  # the max-range kick's full burn does not come down: reach.py words that case
    flights += 1
    res[6], res[7], res[8] = (imp[2], imp[3], imp[4]) if imp[0] == 0.0 else (math.nan, math.nan, math.nan)
    vx = o15[_O_VX] + phys[0] * o15[_O_RY]
    vy = o15[_O_VY] - phys[0] * o15[_O_RX]
    res[9] = math.sqrt(vx * vx + vy * vy + o15[_O_VZ] ** 2)
    if ang < ang_t:
        res[2], res[4], res[5] = _C_SHORT, flights, cuts
        return  # the full burn falls short along this azimuth
    t_me, n = _cut_search(veh, phys, r0, h0, math.sqrt(kick_mr * kick_mr + w * w), rec, nrec, norec, t_min,
                          ang - ang_t, ang_t, r_launch, y, imp, k1, k2, k3, k4, tmp, hr, proj)
    cuts += n
    res[1] = t_me
    res[10] = _quantity(_Q_SPEED, y, imp, phys[0])
    if mode == _M_MIN:
        res[4], res[5] = flights, cuts
        return
    q_me = _quantity(mode, y, imp, phys[0]) if mode >= _M_APOGEE else math.nan
    if mode == _M_LOFTED:
        lofted = True
    elif mode == _M_DEPRESSED:
        lofted = False
    else:
        lofted = value >= q_me
    # the end of this side of the curve: the tilt whose full burn lands on the target
    u_far = -kick_mr if lofted else _KICK_HI
    a_far = _burn_at(veh, phys, r0, u_far, w, hr, xr, h0, o15, norec, y, imp, proj)[1]
    flights += 1
    f_far = a_far - ang_t
    if f_far >= 0.0:
        u_end = u_far  # even the most extreme tilt overshoots: the curve ends there with a cut-off
        full = False
    else:
        a, fa, b, fb = u_far, f_far, kick_mr, ang - ang_t  # fa < 0 <= fb; b stays on the landing side
        side = 0
        for _ in range(_KICK_SEARCH):
            u = (a * fb - b * fa) / (fb - fa)
            if not (min(a, b) < u < max(a, b)):
                u = 0.5 * (a + b)
            f = _burn_at(veh, phys, r0, u, w, hr, xr, h0, o15, norec, y, imp, proj)[1] - ang_t
            flights += 1
            a, fa, b, fb, side = _illinois(f >= 0.0, u, f, a, fa, b, fb, side)
            if fb * r_launch < _CUT_TOL_KM or abs(b - a) < 1e-12:
                break
        u_end = b
        full = fb * r_launch < _CUT_TOL_KM
    if mode == _M_LOFTED or mode == _M_DEPRESSED:
        res[0], res[1] = u_end, t_full
        _burn_at(veh, phys, r0, u_end, w, hr, xr, h0, o15, norec, y, imp, proj)
        res[4], res[5] = flights + 1, cuts
        if not full:
            # no full burn lands here on this side (it overshoots up to the ground or the backward kick)
            res[2] = _C_NO_FULL
        return
    t_end, q_end, n = _on_curve(mode, veh, phys, r0, u_end, w, hr, xr, h0, ang_t, r_launch, t_min, rec, norec,
                                o15, y, imp, k1, k2, k3, k4, tmp)
    flights += 1
    cuts += n - 1
    beyond = (value > q_end) if lofted else (value < q_end)
    if beyond or not math.isfinite(q_end):
        res[0], res[1], res[2], res[3] = u_end, t_end, _C_ABOVE if value > q_end else _C_BELOW, q_end
        res[4], res[5] = flights, cuts
        return
    # the shape's root between the curve's end and the min-energy point
    a, ga, ta, b, gb, tb = u_end, q_end - value, t_end, kick_mr, q_me - value, t_me
    tol = _SHAPE_TOL[mode]
    u, t, g = a, ta, ga  # the last flight evaluated (y and imp hold it)
    if abs(gb) < tol <= abs(ga):
        u, t, g = b, tb, gb
        _on_curve(mode, veh, phys, r0, u, w, hr, xr, h0, ang_t, r_launch, t_min, rec, norec, o15, y, imp, k1,
                  k2, k3, k4, tmp)
        flights += 1
    side = 0
    for _ in range(_KICK_SEARCH):
        if abs(g) < tol:
            break
        u = (a * gb - b * ga) / (gb - ga)
        if not (min(a, b) < u < max(a, b)):
            u = 0.5 * (a + b)
        t, q, n = _on_curve(mode, veh, phys, r0, u, w, hr, xr, h0, ang_t, r_launch, t_min, rec, norec, o15, y,
                            imp, k1, k2, k3, k4, tmp)
        flights += 1
        cuts += n - 1
        if not math.isfinite(q):
            g = math.inf
            break
        g = q - value
        to_b = (g > 0.0) != (ga > 0.0)
        a, ga, b, gb, side = _illinois(to_b, u, g, a, ga, b, gb, side)
        if to_b:
            tb = t
        else:
            ta = t
        if abs(b - a) < 1e-12:
            break
    if abs(g) >= tol:
        # the last point tried is not the shape: fly the better end of the bracket again (the result's
        # check against the tolerance then words it)
        u, t = (a, ta) if abs(ga) < abs(gb) else (b, tb)
        _on_curve(mode, veh, phys, r0, u, w, hr, xr, h0, ang_t, r_launch, t_min, rec, norec, o15, y, imp, k1,
                  k2, k3, k4, tmp)
        flights += 1
    res[0], res[1] = u, t
    res[4], res[5] = flights, cuts


@numba.njit(cache=True)
def _fit_route(veh, phys, r0, east, north, az0, target, fit, grid, g_lo, g_n, g_ref, g_step, iterations,
               passes, t_min, mode, value, rec, out):
    """The whole fit of one route into ``out`` (columns ``_F_*``) for the shape ``mode`` and its ``value``
    (`_shape_pass`); only the max-range kick when ``fit`` is False (a row of a launch point's kick
    table)."""
    norec = np.empty((0, 8))
    o15 = np.empty(_NOUT)
    y = np.empty(10)
    imp = np.empty(6)
    k1, k2, k3, k4, tmp = np.empty(10), np.empty(10), np.empty(10), np.empty(10), np.empty(10)
    h0 = np.empty(3)
    flights = cuts = 0

    hr, xr = np.empty(3), np.empty(3)

    def heading(az, h):
        s, c = math.sin(math.radians(az)), math.cos(math.radians(az))
        for i in range(3):
            h[i] = s * east[i] + c * north[i]

    def kick_at(az):
        # the launch point's kick table (linear between its azimuths), else a search at this azimuth
        if g_n > 1:
            x = ((((az - g_ref) + 180.0) % 360.0 - 180.0) - grid[g_lo, 0]) / g_step
            if 0.0 <= x <= g_n - 1:
                j = min(int(x), g_n - 2)
                w = x - j
                return (1.0 - w) * grid[g_lo + j, 1] + w * grid[g_lo + j + 1, 1], 0
        heading(az, h0)
        return _max_range_kick(veh, phys, r0, h0, iterations, o15, norec, y, imp), iterations + 2

    def bearing(px, py, pz):
        dx, dy, dz = px - r0[0], py - r0[1], pz - r0[2]
        return math.degrees(math.atan2(dx * east[0] + dy * east[1] + dz * east[2],
                                       dx * north[0] + dy * north[1] + dz * north[2]))

    def across(px, py, pz):
        # geocentric angle of a point out of the plane of the launch point and the route's heading, rad
        return math.asin((px * xr[0] + py * xr[1] + pz * xr[2]) / math.sqrt(px * px + py * py + pz * pz))

    az = az0
    kick, n = kick_at(az)
    flights += n
    out[_F_KICK0] = kick
    if not fit:
        out[_F_KICK] = kick
        return
    t_full = veh[5]
    r_launch = math.sqrt(r0[0] * r0[0] + r0[1] * r0[1] + r0[2] * r0[2])
    ang_t = math.atan2(math.sqrt((r0[1] * target[2] - r0[2] * target[1]) ** 2
                                 + (r0[2] * target[0] - r0[0] * target[2]) ** 2
                                 + (r0[0] * target[1] - r0[1] * target[0]) ** 2),
                       r0[0] * target[0] + r0[1] * target[1] + r0[2] * target[2])
    brg_t = bearing(target[0], target[1], target[2])
    heading(az0, hr)
    heading(az0 + 90.0, xr)
    x_t = across(target[0], target[1], target[2])
    if mode != _M_MIN:  # the target's angle in the plane of the launch point and the route's heading
        ang_t = math.atan2(target[0] * hr[0] + target[1] * hr[1] + target[2] * hr[2],
                           (target[0] * r0[0] + target[1] * r0[1] + target[2] * r0[2]) / r_launch)
    prev_az = prev_turn = prev_w = prev_x = math.nan
    w = 0.0  # the shapes' cross-range tilt, deg (`_tilt`); min-energy turns the azimuth instead
    t = t_full
    px = py = pz = miss = math.nan
    res = np.full(11, math.nan)
    u = kick
    for p in range(passes):
        if mode == _M_MIN:
            heading(az, hr)
        _shape_pass(mode, value, veh, phys, r0, hr, xr, w, kick, ang_t, r_launch, t_min, rec, norec, o15, y,
                    imp, h0, k1, k2, k3, k4, tmp, res)
        u, t, code = res[0], res[1], int(res[2])
        flights += int(res[4])
        cuts += int(res[5])
        out[_F_CODE], out[_F_LIMIT], out[_F_VME] = code, res[3], res[10]
        if p == 0:  # the full burn at the route's own azimuth: its impact and speed
            out[_F_PX], out[_F_PY], out[_F_PZ], out[_F_SPEED0] = res[6], res[7], res[8], res[9]
        px, py, pz = imp[2], imp[3], imp[4]
        if code == _C_SHORT:
            t = t_full
            break  # the full burn falls short along this azimuth
        miss = math.sqrt((px - target[0]) ** 2 + (py - target[1]) ** 2 + (pz - target[2]) ** 2)
        if imp[0] != 0.0:
            miss = math.nan
        if miss < _MISS_DONE_KM or p == passes - 1 or not math.isfinite(miss):
            break
        if mode != _M_MIN:
            # secant on the cross-range tilt; the first step from the geometry of a turned azimuth
            # (a cross tilt w turns the kick by w/u rad, the impact by sin(range angle) w/u rad)
            x = across(px, py, pz)
            dw = w - prev_w
            slope = (x - prev_x) / dw if abs(dw) > 1e-14 else math.nan
            guess = math.sin(ang_t) / max(abs(u), 1e-3)
            if not (math.isfinite(slope) and slope * guess > 0.0):
                slope = guess
            prev_w, prev_x = w, x
            step = (x_t - x) / slope
            lim = max(abs(u), 0.01)
            w += min(max(step, -lim), lim)
            continue
        # secant on the launch azimuth (the impact azimuth need not turn one-for-one with it: the max-range
        # kick is a fraction of a degree, so the Earth's rotation shares in the pitch-over); one-for-one on
        # the first pass or when the observed slope is implausible
        turn = (brg_t - bearing(px, py, pz) + 180.0) % 360.0 - 180.0
        d_az = (az - prev_az + 180.0) % 360.0 - 180.0
        slope = (prev_turn - turn) / d_az if abs(d_az) > 1e-12 else math.nan
        if not (math.isfinite(slope) and 0.05 < slope < 3.0):
            slope = 1.0
        prev_az, prev_turn = az, turn
        az = (az + min(max(turn / slope, -60.0), 60.0)) % 360.0
        if abs(turn) > 0.5:
            # the kick belongs to the azimuth flown; re-solved while the azimuth still moves by more than
            # half a degree, then held, because the flat range optimum leaves a searched kick noisy
            kick, n = kick_at(az)
            flights += n
    if mode != _M_MIN:
        # the tilt flown as a kick and its azimuth (a negative u kicks against the route's heading)
        az = (az0 + math.degrees(math.atan2(w, u))) % 360.0
        u = math.sqrt(u * u + w * w)
    out[_F_AZ], out[_F_KICK], out[_F_TCUT] = az, u, t
    out[_F_MISS] = miss
    out[_F_FLIGHTS], out[_F_CUTS] = flights, cuts


@numba.njit(cache=True, parallel=True)
def _fit_many(veh, phys, r0, east, north, az0, target, fit, grid, g_lo, g_n, g_ref, g_step, iterations,
              passes, t_min, mode, value, cap, out):
    """`_fit_route` for every row (``prange``); ``cap`` rows of step record per fitted route."""
    for i in numba.prange(r0.shape[0]):
        rec = np.empty((cap if fit[i] else 0, 8))
        _fit_route(veh, phys, r0[i], east[i], north[i], az0[i], target[i], fit[i], grid, g_lo[i], g_n[i],
                   g_ref[i], g_step, iterations, passes, t_min, mode[i], value[i], rec, out[i])


_KICK_GRID_DEG = 10.0
"""Azimuth step of a launch point's kick table, deg (`_kick_tables`)."""
_KICK_GRID_MARGIN_DEG = 5.0  # the table reaches this far past its routes' azimuths (room for the correction)


def _kick_tables(lat, lon, az):
    """Which routes share a kick table, and the tables' azimuths.

    The range-maximising kick is a smooth function of the launch azimuth (the Earth's rotation adds the
    same eastward speed along every route from a launch point), so the routes from one launch point can
    read it from a table solved once every `_KICK_GRID_DEG` over their azimuths (linear interpolation;
    ``tests/test_staged_threats.py`` bounds what this costs in range). A launch point gets a table only when
    it has more routes than the table has azimuths; its other routes search their own kick.

    Returns
    -------
    grid : ndarray (M, 2)
        Azimuth relative to the point's reference azimuth (deg) and, to be filled, the kick (deg).
    g_lo, g_n : ndarray (N,) of int
        Each route's first table row and row count (0: no table).
    g_ref : ndarray (N,)
        Each route's reference azimuth, deg.
    rows : ndarray (M,) of int
        A route from the table row's launch point (its latitude and longitude are the row's).
    """
    n = lat.size
    g_lo, g_n = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    g_ref = np.zeros(n)
    grid, rows = [], []
    _, inverse = np.unique(np.stack([lat, lon], axis=1), axis=0, return_inverse=True)
    for g in np.unique(inverse):
        idx = np.flatnonzero(inverse.ravel() == g)
        ref = az[idx[0]]
        rel = np.mod(az[idx] - ref + 180.0, 360.0) - 180.0
        lo = math.floor((rel.min() - _KICK_GRID_MARGIN_DEG) / _KICK_GRID_DEG) * _KICK_GRID_DEG
        hi = math.ceil((rel.max() + _KICK_GRID_MARGIN_DEG) / _KICK_GRID_DEG) * _KICK_GRID_DEG
        if hi - lo >= 360.0:
            lo, hi = -180.0, 180.0
        m = int(round((hi - lo) / _KICK_GRID_DEG)) + 1
        if m >= idx.size:
            continue
        g_lo[idx], g_n[idx], g_ref[idx] = len(grid), m, ref
        grid += [[lo + k * _KICK_GRID_DEG, math.nan] for k in range(m)]
        rows += [idx[0]] * m
    return (np.array(grid, dtype=float).reshape(-1, 2), g_lo, g_n, g_ref, np.array(rows, dtype=np.int64))


def _fit(vehicle, payload, lat, lon, az0, lat2, lon2, earth, rotation, mode=None, value=None) -> np.ndarray:
    """Run the compiled fit for every route (columns ``_F_*``): kick tables first, then the routes.

    ``mode`` (``_M_*``, default min-energy) and ``value`` (the shape's apogee or flight time)
    are arrays of the routes' length."""
    n_all = np.size(lat)
    mode = np.zeros(n_all, dtype=np.int64) if mode is None else np.asarray(mode, dtype=np.int64)
    value = np.zeros(n_all) if value is None else np.asarray(value, dtype=float)
    pitch = PitchProgram()
    veh = (np.array([s.row for s in vehicle.stages], dtype=float), len(vehicle.stages), payload,
           float(pitch.vertical_rise_s), float(pitch.kick_duration_s), float(vehicle.burn_time_s))
    a_e, e2 = _earth.ellipsoid(earth)
    lr, lp, aa = _atmosphere_table()
    cdm, cdv = _cd_table(vehicle.cd_mach)
    omega = _earth.rotation_rate(rotation)
    step = 0.5  # fly_batch's default base step, as the final flights use
    phys = (float(omega), _GRAV_CODE["central"], MU_KM3_S2, J2_WGS84, a_e, a_e, e2, True, lr, lp, aa, cdm,
            cdv, step)
    # every step but a phase's last is at least step * _MIN_STEP long: the record cannot overflow
    cap = int(math.ceil(vehicle.burn_time_s / (step * _MIN_STEP))) + 64

    def run(la, lo, az, la2, lo2, fit, grid, g_lo, g_n, g_ref, mode, value):
        r0 = np.ascontiguousarray(np.reshape(_earth.geodetic_to_ecef(la, lo, 0.0, earth), (-1, 3)))
        east, north, _ = (np.ascontiguousarray(np.reshape(x, (-1, 3)))
                          for x in _earth.enu_basis(la, lo, earth))
        tgt = np.ascontiguousarray(np.reshape(_earth.geodetic_to_ecef(la2, lo2, 0.0, earth), (-1, 3)))
        out = np.full((la.size, _FIT_OUT), np.nan)
        _fit_many(veh, phys, r0, east, north, np.asarray(az, dtype=float), tgt, fit, grid, g_lo, g_n, g_ref,
                  _KICK_GRID_DEG, _KICK_ITERATIONS, _AZIMUTH_PASSES, _MIN_CUT_S, mode, value, cap, out)
        return out

    grid, g_lo, g_n, g_ref, rows = _kick_tables(lat, lon, az0)
    if rows.size:
        m = rows.size
        k = run(lat[rows], lon[rows], np.mod(g_ref[rows] + grid[:, 0], 360.0), lat[rows], lon[rows],
                np.zeros(m, dtype=bool), grid, np.zeros(m, dtype=np.int64), np.zeros(m, dtype=np.int64),
                np.zeros(m), np.zeros(m, dtype=np.int64), np.zeros(m))
        grid[:, 1] = k[:, _F_KICK]
    return run(lat, lon, az0, lat2, lon2, np.ones(lat.size, dtype=bool), grid, g_lo, g_n, g_ref, mode, value)


MAX_ROUTES = 200_000
"""Most routes one `staged_trajectories` call fits (a staged footprint's cells count here)."""


def staged_trajectories(
    vehicle: Vehicle,
    launch_latitude_deg,
    launch_longitude_deg,
    target_latitude_deg,
    target_longitude_deg,
    *,
    shape: str = "min-energy",
    apogee_km=None,
    flight_time_s=None,
    payload_kg=None,
    earth: str = "wgs84",
    rotation: bool = True,
) -> dict:
    """Fit the staged boost (kick and thrust termination) and coast to each target; batched over routes.

    Parameters
    ----------
    vehicle : shieldcheck.boost.Vehicle
        The missile's stages, payload and drag curve.
    launch_latitude_deg, launch_longitude_deg, target_latitude_deg, target_longitude_deg : array_like
        Surface points, deg; broadcast to one batch of N routes.
    shape : {"min-energy", "lofted", "depressed", "apogee", "flight-time"}
        Which of the flights that land on the target (module notes, "Shapes"): the least burn on the
        max-range program (``min-energy``); the full burn's high or low arc (``lofted``, ``depressed``);
        a cut-off and kick that give ``apogee_km`` (km above the Earth model) or ``flight_time_s``
        (launch to impact, s), one number or one per route. ``burnout-speed`` does not fly staged: along
        the landing curve the burnout speed is not monotonic (a steep full burn loses more to gravity
        than the min-energy cut-off gains), so a speed does not name one trajectory.
    payload_kg : float, optional
        Overrides the vehicle's payload, kg.
    earth : {"wgs84", "sphere"}
    rotation : bool

    Returns
    -------
    dict of ndarray
        The fields of :class:`shieldcheck.threats.Trajectory` (``shape`` as asked, ``boost``
        ``"staged"``), each of shape ``(N,)`` (vectors ``(N, 3)``), plus ``kick_deg`` and ``miss_km``
        (impact point to target, km). ``max_range_km`` is the full-burn maximum range along the route's
        azimuth and ``range_margin_km`` the maximum range minus the ground range; ``launch_azimuth_deg``
        is the launch azimuth flown (the route's, corrected for the Earth's rotation; the kick's direction).
        A row is ``ok`` only when it lands within `MISS_TOLERANCE_KM` of the target and flies the asked
        apogee or flight time within `SHAPE_TOLERANCE`; a value this missile cannot fly to
        the target is ``unreachable``, with the reachable limit in the reason, and the row then describes
        the flight at that limit.

    Raises
    ------
    InputError
        Inputs out of range (from the boost solver), an unknown shape, a shape without its value, or a
        payload light enough to reach orbit.
    """
    earth = _earth.check_earth(earth)
    if not isinstance(rotation, (bool, np.bool_)):
        raise InputError(f"rotation must be True or False, got {rotation!r}")
    lat1, lon1, lat2, lon2 = (
        np.array(np.ravel(x), dtype=float)
        for x in _broadcast(  # validated first: text or None raised numpy's ValueError (fuzz, issue 9)
            require_array_within("launch_latitude_deg", launch_latitude_deg, -90.0, 90.0),
            require_array_within("launch_longitude_deg", launch_longitude_deg, -360.0, 360.0),
            require_array_within("target_latitude_deg", target_latitude_deg, -90.0, 90.0),
            require_array_within("target_longitude_deg", target_longitude_deg, -360.0, 360.0),
        )
    )
    n = lat1.size
    if n == 0:  # else fly_batch's "vehicle must name at least one Vehicle" named the wrong field
        raise InputError("launch and target coordinates must hold at least one route, got none")
    if n > MAX_ROUTES:  # each fit costs 1-10 ms of CPU: the bound keeps one call under about an hour
        raise InputError(f"a staged batch flies at most {MAX_ROUTES:,} routes (each fit costs 1-10 ms; "
                         f"split the grid or coarsen it), got {n:,}")
    ground, az0, _ = (np.atleast_1d(np.asarray(x, dtype=float))
                      for x in _earth.geodesic_inverse(lat1, lon1, lat2, lon2, earth=earth))
    az0 = np.mod(az0, 360.0)
    if not isinstance(vehicle, Vehicle):
        raise InputError(f"vehicle must be a shieldcheck.boost.Vehicle, got {type(vehicle).__name__}")
    _numbers("latitude_deg", lat1, -90.0, 90.0)
    _numbers("longitude_deg", lon1, -360.0, 360.0)
    if payload_kg is not None:
        # the payload is set before any cut: a cut vehicle carries the stages above it as payload
        payload = _numbers("payload_kg", payload_kg, 0.0, 1e6)
        if np.ndim(payload) != 0:
            raise InputError(f"payload_kg must be a single number, got {payload_kg!r:.80}")
        vehicle = vehicle.with_payload(float(payload))
    mode, value = _shape_mode(shape, apogee_km, flight_time_s, n)
    shape = str(shape).strip().lower()
    t_full = vehicle.burn_time_s
    f = _fit(vehicle, vehicle.payload_kg, lat1, lon1, az0, lat2, lon2, earth, rotation, mode, value)
    kick, az, t_cut = f[:, _F_KICK], f[:, _F_AZ], f[:, _F_TCUT]
    imp = f[:, _F_PX:_F_PZ + 1]
    landed = np.isfinite(imp[:, 0])  # the full burn's impact (none when it crashes or reaches orbit)
    stand_in = [_earth.ellipsoid(earth)[0], 0.0, 0.0]
    ilat, ilon, _ = (np.atleast_1d(x)
                     for x in _earth.ecef_to_geodetic(np.where(landed[:, None], imp, stand_in), earth))
    far = np.atleast_1d(_earth.geodesic_inverse(lat1, lon1, ilat, ilon, earth=earth)[0])
    max_range = np.where(landed, far, 0.0)
    reachable = max_range >= ground
    status = np.where(reachable, "ok", "unreachable").astype(object)
    reason = np.full(n, "", dtype=object)
    for i in np.flatnonzero(~reachable):
        reason[i] = (f"out of reach: the target is {ground[i]:,.0f} km away and the missile's full burn "
                     f"reaches {max_range[i]:,.0f} km along this azimuth, {ground[i] - max_range[i]:,.0f} km "
                     "short")
    code = np.where(reachable, f[:, _F_CODE], _C_SHORT).astype(int)
    for i in np.flatnonzero(reachable & (code != _C_OK)):
        status[i], reason[i] = _shape_reason(code[i], mode[i], value[i], f[i, _F_LIMIT], ground[i])
    # a route out of reach flies its full burn along the route's azimuth, at that azimuth's kick; a shape
    # out of reach flies the limit the reason names
    kick = np.where(reachable, kick, f[:, _F_KICK0])
    az = np.where(reachable, az, az0)
    t_cut = np.where(reachable, t_cut, float(t_full))

    # the final state: cut flights for reachable rows, full burns for the others
    b, ff = _fly_cut(vehicle, lat1, lon1, az, kick, t_cut, earth, rotation)
    miss = np.atleast_1d(_earth.geodesic_inverse(
        np.nan_to_num(ff["impact_latitude_deg"]), np.nan_to_num(ff["impact_longitude_deg"]), lat2, lon2,
        earth=earth)[0])
    miss = np.where(np.isfinite(ff["range_km"]), miss, np.nan)
    bad = reachable & (code != _C_NO_FULL) & (code != _C_SHORT) & ~(miss <= MISS_TOLERANCE_KM)
    for i in np.flatnonzero(bad):
        status[i] = "no_solution"
        near = (f"nearest impact {miss[i]:.1f} km away" if np.isfinite(miss[i]) else
                "the flight found does not come down on a coast: it hits the ground under thrust or does not "
                "fall back")
        reason[i] = ("the staged boost found no kick and thrust-termination time that land on the target "
                     f"({near})")
    out = _fields(b, ff, status, reason, lat1, lon1, lat2, lon2, ground, kick, az, miss, max_range,
                  f[:, _F_SPEED0], earth, rotation)
    out["shape"][:] = shape
    if shape != "min-energy":  # the route's least speed: the min-energy point's at this shape's tilt
        out["min_energy_speed_km_s"] = np.where(reachable, f[:, _F_VME], np.nan)
    # the shape asked is the shape returned: its quantity, as flown, within the stated tolerance
    key = {_M_APOGEE: "apogee_km", _M_TIME: "flight_time_s"}.get(int(mode[0]))
    if key is not None:
        tol = SHAPE_TOLERANCE[shape]
        got = out[key]
        for i in np.flatnonzero((status == "ok") & ~(np.abs(got - value) <= tol)):
            status[i] = "no_solution"
            reason[i] = (f"the staged fit flew {_fmt_q(mode[i], got[i])}, not the "
                         f"{_fmt_q(mode[i], value[i])} asked (tolerance {_fmt_value(mode[i], tol)})")
    from shieldcheck.threats import mark_atmospheric_coasts  # (threats imports this module lazily)

    mark_atmospheric_coasts(out)  # a coast mostly below 100 km is not physics here: status in_atmosphere
    return out


SHAPES = ("min-energy", "lofted", "depressed", "apogee", "flight-time")
"""The shapes a staged threat flies (`staged_trajectories`)."""
SHAPE_TOLERANCE = {"apogee": 0.5, "flight-time": 0.5}
"""How close a staged ``apogee`` (km) or ``flight-time`` (s) trajectory flies to the value asked, or it is
not ``ok``."""
MAX_APOGEE_KM = 100000.0
MAX_FLIGHT_TIME_S = 86400.0
"""Bounds of the shapes' values (as for the kinematic shapes of `shieldcheck.threats`)."""


def _shape_mode(shape, apogee_km, flight_time_s, n):
    """The compiled fit's shape code and value for each of ``n`` routes; raises InputError on bad input."""
    shape = str(shape).strip().lower()
    if shape not in SHAPES:
        raise InputError(f"shape must be one of {', '.join(SHAPES)}, got {shape!r}")
    need = {"apogee": ("apogee_km", apogee_km, MAX_APOGEE_KM, _M_APOGEE),
            "flight-time": ("flight_time_s", flight_time_s, MAX_FLIGHT_TIME_S, _M_TIME)}
    if shape not in need:
        code = {"min-energy": _M_MIN, "lofted": _M_LOFTED, "depressed": _M_DEPRESSED}[shape]
        return np.full(n, code, dtype=np.int64), np.zeros(n)
    name, raw, hi, code = need[shape]
    if raw is None:
        raise InputError(f"{name} is required for shape {shape!r}")
    v = _numbers(name, raw, 0.0, hi, lo_open=True)
    if v.size not in (1, n):
        raise InputError(f"{name} must be one number or one per route ({n}), got {v.size} values")
    return (np.full(n, code, dtype=np.int64),
            np.ascontiguousarray(np.broadcast_to(v.ravel(), (n,)), dtype=float))


def _fmt_value(mode, x) -> str:
    """A shape's value with its unit."""
    unit = "km" if mode == _M_APOGEE else "s"
    d = 1 if abs(x) < 10 else 0
    return f"{round(x, d) + 0.0:,.{d}f} {unit}"  # + 0.0: never "-0.0"


def _fmt_q(mode, x) -> str:
    """A shape's quantity in words with its unit."""
    name = "apogee" if mode == _M_APOGEE else "flight time"
    return f"{name} {_fmt_value(mode, x)}"


def _shape_reason(code, mode, value, limit, ground) -> tuple[str, str]:
    """Status and reason of a route whose shape the missile cannot fly (compiled codes ``_C_*``)."""
    if code == _C_NO_FULL:
        arc = "lofted" if mode == _M_LOFTED else "depressed"
        how = ("the steepest full burn, kicked back against the heading, still overshoots"
               if mode == _M_LOFTED else
               "the flattest full burn that clears the ground still overshoots, or it crashes first")
        return "no_solution", (f"no {arc} full-burn arc lands {ground:,.0f} km away: {how}; a shorter "
                               "burn (shape min-energy, apogee or flight-time) reaches the target")
    if code == _C_SHORT:
        # a later pass (the cross-range tilt corrected) whose full burn falls short in the route's plane,
        # though the route's own azimuth reaches: no flight of this shape was found (short routes)
        return "no_solution", (f"the staged boost found no {_MODE_NAMES[int(mode)]} flight that lands "
                               f"{ground:,.1f} km away: with the cross-range tilt corrected, its full burn "
                               "falls short in the route's plane")
    word = {(_M_APOGEE, _C_ABOVE): "highest apogee", (_M_APOGEE, _C_BELOW): "lowest apogee",
            (_M_TIME, _C_ABOVE): "longest flight time", (_M_TIME, _C_BELOW): "shortest flight time",
            }[(int(mode), int(code))]
    return "unreachable", (f"the {_fmt_q(mode, value)} asked is out of this missile's reach on this route: "
                           f"the {word} it can fly to a target {ground:,.0f} km away is "
                           f"{_fmt_value(mode, limit)}")


def _fields(b, ff, status, reason, lat1, lon1, lat2, lon2, ground, kick, az, miss, max_range, v_full, earth,
            rotation) -> dict:
    """Trajectory fields from the burnout batch and its free flight."""
    n = lat1.size
    t_bo = np.asarray(b.burnout_time_s, dtype=float)
    r_b = np.asarray(b.r_eci_km, dtype=float)
    v_b = np.asarray(b.v_eci_km_s, dtype=float)
    t_f = np.asarray(ff["flight_time_s"], dtype=float)
    apo, t_apo = _apogee(r_b, v_b, t_bo, earth, rotation)
    # a flight that hits the ground under thrust ends a step's overshoot below it (-0.03 km): the ground is
    # 0 km, and + 0.0 leaves no negative zero for a view to print as "-0.0"
    h_bo = np.where(np.asarray(b.burnout_altitude_km, dtype=float) < 0.0, 0.0,
                    np.asarray(b.burnout_altitude_km, dtype=float)) + 0.0
    apo = np.where(apo < 0.0, 0.0, apo) + 0.0
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
        "burnout_altitude_km": h_bo,
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

    With ``vehicle`` (the one flown), every row that flew (status ``ok`` or ``in_atmosphere``) carries its
    tabulated boost
    (`boost_profile`) in ``Trajectory.boost_profile``, which `shieldcheck.threats.trajectory_state` and the
    sensors then follow during boost.
    """
    from shieldcheck.threats import Trajectory

    names = set(Trajectory.__dataclass_fields__)
    # a flight in the atmosphere flew too (its coast is not physics, its boost is): it keeps its table
    flown = [i for i in range(len(fields["status"]))
             if vehicle is not None and fields["status"][i] in ("ok", "in_atmosphere")]
    tables = dict(zip(flown, boost_profiles(
        vehicle, *(np.asarray(fields[k])[flown] for k in ("launch_latitude_deg", "launch_longitude_deg",
                                                          "launch_azimuth_deg", "kick_deg", "burn_time_s")),
        earth=fields["earth"][0], rotation=bool(fields["rotation"][0]), payload_kg=payload_kg),
        strict=True) if flown else ())
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
        if i in tables:
            kw["boost_profile"] = tables[i]
        out.append(Trajectory(**kw))
    return out


def _broadcast(*arrays):
    """``np.broadcast_arrays``, with shapes that do not broadcast an `InputError` naming them."""
    try:
        return np.broadcast_arrays(*arrays)
    except ValueError:
        shapes = ", ".join(str(np.shape(a)) for a in arrays)
        raise InputError(f"launch and target coordinates must have one shape, got {shapes}") from None


def staged_trajectory(vehicle: Vehicle, launch, target, **kwargs):
    """One staged threat trajectory from ``launch`` to ``target`` ((lat, lon) pairs, deg).

    Returns a :class:`shieldcheck.threats.Trajectory` with ``boost == "staged"``; keyword arguments as
    for :func:`staged_trajectories`.
    """
    for name, point in (("launch", launch), ("target", target)):
        try:
            pair = not isinstance(point, (str, bytes)) and np.shape(point) == (2,)
        except ValueError:  # ragged
            pair = False
        if not pair:
            raise InputError(f"{name} must be a (latitude_deg, longitude_deg) pair, got {point!r:.80}")
    return to_trajectories(staged_trajectories(vehicle, launch[0], launch[1], target[0], target[1],
                                               **kwargs), vehicle, kwargs.get("payload_kg"))[0]
