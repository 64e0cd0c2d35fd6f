"""Issue 10 audit (session 6): the gaps the line-by-line audit found in the existing tests.

See tests/data/issue10_audit.md for the audit itself. Expected values come from outside shieldcheck:
- the rocket thrust equation F = F_vac - p A_e, so that F(sea level) = mdot g0 Isp_sl and
  F(vacuum) = mdot g0 Isp_vac (G. P. Sutton & O. Biblarz, *Rocket Propulsion Elements*, 9th ed., Wiley 2017,
  eqs. 2-14 and 3-21); the ambient pressure from the `ambiance` package (U.S. Standard Atmosphere 1976);
- drag D = 1/2 rho v^2 C_d(M) A with rho and the speed of sound from `ambiance` and C_d(M) from scipy's
  PCHIP through the drag curve's published points (the curve itself is data, not code);
- the catalogs' own rule for sources (each catalog file's header): every number names a public document
  or begins 'estimate:' and says why.

The existing closed-form tests fly with Isp_sl = Isp_vac and without drag, and the DOP853 reference
integrates shieldcheck's own right-hand side, so neither notices a wrong thrust-pressure law or a wrong
drag force; these two tests do (seen failing with the sign of the pressure term flipped and with the
dynamic pressure doubled in boost._rhs).
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest
import yaml
from ambiance import Atmosphere
from scipy.interpolate import PchipInterpolator

from shieldcheck import boost
from shieldcheck.boost import G0_KM_S2, STANDARD_CD_MACH

R = 6371.0
P0 = 101325.0  # Pa, sea-level pressure of the U.S. Standard Atmosphere 1976


def _accel(h_km, v_km_s, mode, *, drag, mdot=0.0, fvac=0.0, fp=0.0, area=1.0, m=1000.0):
    """Acceleration (km/s^2) from boost's compiled right-hand side on a non-rotating sphere, no gravity,
    at height h on the equator (x axis), moving along +y at v."""
    rhs, table = boost._state_rhs_for_tests()
    lr, lp, aa = table()
    cdm, cdv = boost._cd_table(STANDARD_CD_MACH)
    y = np.zeros(10)
    y[0] = R + h_km
    y[4] = v_km_s
    dy = np.zeros(10)
    # fmt: off
    rhs(0.0, y, dy, mode, m, mdot, 0.0, fvac, fp, area, 0.0, 0.0, 1.0, 0.0, 0.0, 0, 398600.4418, 0.0, R, R,
        0.0, drag, lr, lp, aa, cdm, cdv)
    # fmt: on
    return dy[3:6]


@pytest.mark.parametrize("h_km", [0.0, 5.0, 12.0, 30.0, 200.0])
def test_thrust_between_sea_level_and_vacuum_isp_follows_the_ambient_pressure(h_km):
    # a stage of Isp 230 s (sea level) / 265 s (vacuum), 100 kg/s, vertical thrust (mode 1), no drag
    mdot, isp_sl, isp_vac, m = 100.0, 230.0, 265.0, 20000.0
    fvac = mdot * G0_KM_S2 * isp_vac
    fp = (isp_vac - isp_sl) * mdot * G0_KM_S2 / P0  # boost.py's input: the nozzle exit area times 1e-3
    a = _accel(h_km, 0.0, 1, drag=False, mdot=mdot, fvac=fvac, fp=fp, m=m)
    p = float(np.ravel(Atmosphere(h_km * 1e3).pressure)[0]) if h_km <= 80.0 else 0.0
    expected = mdot * G0_KM_S2 * (isp_vac - (isp_vac - isp_sl) * p / P0) / m  # Sutton & Biblarz eq. 3-21
    assert a[0] == pytest.approx(expected, rel=1e-6)
    assert abs(a[1]) < 1e-15 and abs(a[2]) < 1e-15
    if h_km == 0.0:
        assert a[0] == pytest.approx(mdot * G0_KM_S2 * isp_sl / m, rel=1e-9)


@pytest.mark.parametrize(("h_km", "v_km_s"), [(0.0, 0.2), (8.0, 0.33), (15.0, 0.6), (30.0, 1.5), (60.0, 3.0)])
def test_drag_is_half_rho_v_squared_cd_area(h_km, v_km_s):
    # coast (mode 0), no gravity: the only acceleration is drag, against the velocity
    area, m = math.pi * 0.85**2, 15000.0
    a = _accel(h_km, v_km_s, 0, drag=True, area=area, m=m)
    atm = Atmosphere(h_km * 1e3)
    rho = float(np.ravel(atm.density)[0])
    mach = v_km_s * 1e3 / float(np.ravel(atm.speed_of_sound)[0])
    pts = np.asarray(STANDARD_CD_MACH)
    cd = float(PchipInterpolator(pts[:, 0], pts[:, 1])(mach))
    expected = 0.5 * rho * (v_km_s * 1e3) ** 2 * cd * area / m * 1e-3  # km/s^2
    # the atmosphere is a 0.1 km table (within 2e-4 of ambiance between nodes): 1e-3 relative
    assert -a[1] == pytest.approx(expected, rel=1e-3)
    assert abs(a[0]) < 1e-15 and abs(a[2]) < 1e-15


# ----------------------------------------------------------------------- catalog sources follow the rule
CATALOG = Path(__file__).resolve().parents[1] / "src" / "shieldcheck" / "catalog"
# a public document: a year, a web address or domain, or a named publication ('Title' or *Title*)
DOCUMENT = re.compile(r"\b(1[89]\d\d|20[0-4]\d)\b|https?://|\b[\w-]+\.(org|com|mil|gov|edu|int|net)\b|'[^']{6,}'")


def _numbers(node, path):
    if isinstance(node, dict):
        if "value" in node and "source" in node:
            yield path, node["value"], str(node["source"]).strip()
            return
        own = node.get("source") if isinstance(node.get("source"), str) else None
        for k, v in node.items():
            if own is not None and isinstance(v, (int, float)) and not isinstance(v, bool):
                yield f"{path}.{k}", v, own.strip()  # a place's coordinates under the place's source
            else:
                yield from _numbers(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            key = v.get("name", i) if isinstance(v, dict) else i
            yield from _numbers(v, f"{path}[{key}]")
    elif isinstance(node, (int, float)) and not isinstance(node, bool):
        yield path, node, None


def _why(text: str) -> str:
    return text.split(":", 1)[1].strip()


SCENARIOS = CATALOG.parent / "scenarios"


@pytest.mark.parametrize(
    "name",
    ["boosters", "interceptors", "missiles", "radars",
     *(f"../scenarios/{p.stem}" for p in sorted(SCENARIOS.glob("*.yaml")))],
)
def test_every_catalog_number_names_a_document_or_says_why_it_is_an_estimate(name):
    # the rule of each catalog file's header: {value, source}, the source a public document (author or
    # publisher, title, date, URL where one exists) or 'estimate:' with why the value is plausible;
    # 'derived:' (a closed form stated in the source) and a class's 'nominal value' are the two other kinds
    data = yaml.safe_load((CATALOG / f"{name}.yaml").read_text(encoding="utf-8"))
    bad = []
    for path, value, src in _numbers(data, name):
        if src is None:
            bad.append(f"{path} = {value}: a bare number without a source")
        elif src.lower().startswith("estimate:"):
            if len(_why(src).split()) < 3:  # 'estimate: body diameter' names the number, not why
                bad.append(f"{path}: estimate without a reason: {src!r}")
        elif src.lower().startswith("derived:"):
            if "recomputed by" not in src and "=" not in src:
                bad.append(f"{path}: derived without its formula: {src!r}")
        elif src.lower().startswith("nominal value"):
            if not DOCUMENT.search(src):
                bad.append(f"{path}: nominal class value without the class definition's source: {src!r}")
        elif not DOCUMENT.search(src):
            bad.append(f"{path}: neither a document (title, date or address) nor an estimate: {src!r}")
    assert bad == []


def test_every_place_coordinate_has_a_public_source():
    data = yaml.safe_load((CATALOG / "places.yaml").read_text(encoding="utf-8"))
    public = re.compile(r"GeoNames|Wikipedia|OpenStreetMap|estimate:")
    bad = [p["name"] for p in data if not str(p.get("source", "")).strip()
           or not (DOCUMENT.search(p["source"]) or public.search(p["source"]))]
    assert bad == []


# ----------------------------------------------------------------- reconstruct's band against closed forms
MU = 398600.4418


def _standard_range_closed_form(apogee_km: float, range_km: float) -> float:
    """Impulsive surface burnout on a non-rotating sphere (Bate, Mueller & White 1971, ch. 6): the lofted
    (v, gamma) with this apogee and range, found by scipy's brentq on gamma; then the maximum range for the
    same Q, sin(Psi_max / 2) = Q / (2 - Q)."""
    from scipy.optimize import brentq

    half = 0.5 * range_km / R
    tan_h = math.tan(half)

    def q_of(g):  # range equation tan(Psi/2) = Q sin g cos g / (1 - Q cos^2 g), solved for Q
        return tan_h / (math.sin(g) * math.cos(g) + tan_h * math.cos(g) ** 2)

    def apogee_miss(g):
        q = q_of(g)
        e = math.sqrt(1.0 + q * (q - 2.0) * math.cos(g) ** 2)
        return R / (2.0 - q) * (1.0 + e) - R - apogee_km

    # the apogee grows with gamma on the lofted side of the minimum-energy angle, until Q reaches 2
    # (escape): bracket the root on a scan of gamma, then refine
    grid = np.linspace(math.radians(45.0) - 0.5 * half + 1e-6, math.radians(89.99), 20000)
    miss = [apogee_miss(g) if q_of(g) < 2.0 else math.inf for g in grid]
    k = next(i for i in range(len(grid) - 1) if miss[i] <= 0.0 < miss[i + 1])
    g = brentq(apogee_miss, grid[k], grid[k + 1], xtol=1e-15)
    q = q_of(g)
    return 2.0 * R * math.asin(q / (2.0 - q))


@pytest.mark.parametrize(
    ("apogee", "rng", "sa", "sr"),
    [(2802.0, 933.0, 10.0, 5.0), (3724.9, 998.0, 20.0, 0.0), (2111.5, 787.0, 0.0, 8.0)],
)
def test_impulsive_band_is_the_closed_form_central_difference(apogee, rng, sa, sr):
    # issue 10: "uncertainty bands from the observation's stated precision". The 1-sigma band of the
    # standard range, propagated linearly from apogee and range (central differences, in quadrature),
    # against the same propagation through the closed forms above (an independent inversion)
    from shieldcheck.reconstruct import reconstruct

    r = reconstruct(apogee, rng, 2400.0, apogee_sigma_km=sa, range_sigma_km=sr)
    f = _standard_range_closed_form
    assert r.standard_range_km == pytest.approx(f(apogee, rng), rel=1e-6)
    da = 0.5 * (f(apogee + sa, rng) - f(apogee - sa, rng)) if sa else 0.0
    dr = 0.5 * (f(apogee, rng + sr) - f(apogee, rng - sr)) if sr else 0.0
    assert r.standard_range_sigma_km == pytest.approx(math.hypot(da, dr), rel=1e-4)


# ------------------------------------------------------- the interceptor's own burn in the latest launch
def test_latest_launch_of_a_staged_interceptor_counts_its_integrated_burn():
    # issue 10: "Interceptor types may also carry stages, so that fly-out, reach fans and the latest launch
    # include the interceptor's own burn". The two-stage GBI's integrated burn (StagedFlyout) replaces the
    # fixed 120 s; the latest launch the engagement reports must be the last moment from which the burnout
    # state (integrated burn time, altitude, speed) still reaches the threat inside the window: launching a
    # little earlier reaches it, 2 s later does not (required_speed: the Lambert solve from the burnout point,
    # checked against lamberthub in test_orbits.py)
    from shieldcheck.engagement import Architecture, Timeline, engage
    from shieldcheck.interceptors import InterceptorSite, InterceptorType, required_speed, staged_flyout
    from shieldcheck.sensors import EarlyWarningSatellites, GroundRadar
    from shieldcheck.threats import trajectory, trajectory_state

    base = InterceptorType("gbi", 6.3, 120.0, 200.0, min_intercept_altitude_km=100.0,
                           max_intercept_altitude_km=2000.0, max_coast_time_s=1500.0, launch_delay_s=5.0)
    flyout = staged_flyout("gbi-2stage")
    it = flyout.interceptor_type(base)
    assert it.burn_time_s == pytest.approx(flyout.burn_time_s) and it.burn_time_s != base.burn_time_s
    site = InterceptorSite("redzikowo", 54.472, 17.124, it, 10)
    radars = (GroundRadar("brdy", 49.62, 13.73, 0.6, max_range_km=2000.0, elevation_mask_deg=2.0),
              GroundRadar("fylingdales", 54.36, -0.67, 0.3, max_range_km=4800.0, elevation_mask_deg=3.0))
    ew = (EarlyWarningSatellites("ew", 60.0),)
    arch = Architecture((site,), radars, ew, Timeline(30.0, 60.0, 60.0, True))
    threat = trajectory("tehran", "london", missile="irbm-5500")
    r = engage(threat, site, arch)
    assert r.engageable
    ts = np.linspace(r.window_start_s, r.window_end_s, 400)
    p_ecef, _, _, _ = trajectory_state(threat, ts)

    def reaches(launch_s):
        return any(required_speed(site, p_ecef[i], ts[i] - launch_s) <= it.burnout_speed_km_s
                   for i in range(ts.size) if ts[i] - launch_s > it.burn_time_s)

    assert reaches(r.latest_launch_s - 5.0)
    assert not reaches(r.latest_launch_s + 2.0)
