"""Engagements see the real boost (issue 10, item 2): the compiled engagement kernel follows a staged
threat's tabulated boost, and every path (``engage --json``, the study, footprints, the web app) shows the
same figures for a staged threat group.

Expected values are independent of shieldcheck's boost integrator: scipy's DOP853 flies the same boost
again (the reference integration of tests/test_boost.py, read through its dense output), and detection
times come from a brute-force scan of that re-flight. Until this change the kernel drew a staged threat's
boost as the kinematic (t/t_b)^2 sketch, 40 km from the integrated boost at cut-off for these routes.
"""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp
from typer.testing import CliRunner

import test_boost
from shieldcheck import earth as _earth
from shieldcheck.catalog.boosters import get_booster
from shieldcheck.cli import app
from shieldcheck.earth import OMEGA_RAD_S
from shieldcheck.engagement import (
    Architecture,
    Timeline,
    _sighting_state,
    _stack,
    _threat_arrays,
    engage,
)
from shieldcheck.interceptors import InterceptorSite, InterceptorType
from shieldcheck.sensors import GroundRadar
from shieldcheck.staged import cut_vehicle, staged_trajectories
from shieldcheck.threats import trajectory, trajectory_state

KALININGRAD = (54.71, 20.51)
WASHINGTON = (38.90, -77.04)
# A fire-control radar in Finland, 800 km north of the boost's ground point at 140 s, whose range just
# reaches the integrated boost at about 140 s; the sketch (40 km away near cut-off) enters it near 93 s.
SIDE_RADAR = GroundRadar("side", 62.36, 21.45, max_range_km=816.5, source="test geometry")


@pytest.fixture(scope="module")
def flight():
    """The staged Kaliningrad -> Washington trajectory and a DOP853 re-flight of its boost.

    Returns (trajectory, state(t) -> ECEF position km from the re-flight).
    """
    traj = trajectory(f"{KALININGRAD[0]},{KALININGRAD[1]}", f"{WASHINGTON[0]},{WASHINGTON[1]}",
                      missile="icbm-solid", boost="staged")
    assert traj.status == "ok" and traj.boost == "staged" and traj.boost_profile is not None
    vehicle = get_booster("icbm-solid").vehicle
    fit = staged_trajectories(vehicle, *KALININGRAD, *WASHINGTON)  # the fit's azimuth and kick
    segments = []

    def dense(f, span, y0, **kw):  # the reference integration, keeping each phase's dense output
        sol = solve_ivp(f, span, y0, dense_output=True, **kw)
        segments.append((span[0], span[1], sol.sol))
        return sol

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(test_boost, "solve_ivp", dense)
        t_end, _ = test_boost._dop853_reference(
            cut_vehicle(vehicle, traj.burn_time_s), *KALININGRAD, float(fit["launch_azimuth_deg"][0]),
            float(fit["kick_deg"][0]),
        )
    assert t_end == pytest.approx(traj.burn_time_s, abs=1e-6)

    def state(t: float) -> np.ndarray:
        for t0, t1, sol in segments:
            if t0 <= t <= t1:
                y = sol(t)
                c, s = math.cos(OMEGA_RAD_S * t), math.sin(OMEGA_RAD_S * t)  # ECI (= ECEF at launch) to ECEF
                return np.array([c * y[0] + s * y[1], -s * y[0] + c * y[1], y[2]])
        raise ValueError(t)

    return traj, state


def _kernel_positions(traj, times) -> np.ndarray:
    """The compiled kernel's threat position (ECEF, km) at each time, as its radar sightings see it."""
    arrays = _threat_arrays(_stack([traj]), None, (), traj.earth)
    th, boost = arrays[:7], arrays[7:11]
    a, e2 = _earth.ellipsoid(traj.earth)
    env = (_earth.rotation_rate(traj.rotation), _earth.MU_KM3_S2, a, e2)
    w = np.empty((6, 3))
    out = np.empty((len(times), 3))
    for k, t in enumerate(times):
        _sighting_state(float(t), 0, th, boost, env, w)
        out[k] = w[2]
    return out


def test_kernel_boost_follows_the_staged_integration_dop853(flight):
    traj, state = flight
    tb = traj.burn_time_s
    times = np.concatenate([np.linspace(0.3, tb - 1e-3, 57), [10.0, 10.5, 60.0, 61.0, tb - 0.5]])
    mine = _kernel_positions(traj, times)
    hermite = trajectory_state(traj, times)[0]  # the Python interpolation of the same table (scipy)
    ref = np.array([state(t) for t in times])
    assert np.max(np.linalg.norm(mine - hermite, axis=1)) < 1e-3  # km: the same interpolant
    assert np.max(np.linalg.norm(mine - ref, axis=1)) < 0.1  # km, at every time
    # no jump where the coast begins: the boost's end meets the coast's start (was 40 km with the sketch)
    ends = _kernel_positions(traj, [tb - 1e-6, tb])
    assert np.linalg.norm(ends[0] - ends[1]) < 0.01
    # a kinematic threat is still drawn by the sketch (Python and kernel agree there too)
    kin = trajectory("54.71,20.51", "washington", missile="icbm-solid")
    t_k = np.linspace(1.0, kin.burn_time_s - 1.0, 9)
    assert np.max(np.linalg.norm(_kernel_positions(kin, t_k) - trajectory_state(kin, t_k)[0], axis=1)) < 1e-6


def _first_seen(positions, times) -> float:
    seen = np.asarray(SIDE_RADAR.sees(positions))
    assert seen.any()
    return float(times[np.argmax(seen)])


def test_radar_detection_during_boost_is_the_dop853_one(flight):
    traj, state = flight
    arch = Architecture(sites=(), radars=(SIDE_RADAR,), early_warning=(), timeline=Timeline())
    it = InterceptorType("fast", burnout_speed_km_s=7.0, burn_time_s=60.0, burnout_altitude_km=100.0)
    site = InterceptorSite("site", 57.0, 18.0, it, 1)
    row = engage(traj, site, arch)
    # brute force over the re-flight: the first of 0.01 s samples the radar sees
    times = np.arange(0.0, traj.burn_time_s, 0.01)
    ref = _first_seen(np.array([state(t) for t in times]), times)
    assert 100.0 < ref < traj.burn_time_s  # seen during boost
    # the kernel bisects to ~1e-4 s; its boost is within 100 m of DOP853 and the range to the radar
    # closes at about 1.3 km/s here, so 0.1 s
    assert row.radar_detection_s == pytest.approx(ref, abs=0.1)
    # the geometry tells the two boosts apart: the sketch enters the radar's range tens of seconds apart
    sketch = dataclasses.replace(traj, boost_profile=None)
    assert abs(_first_seen(trajectory_state(sketch, times)[0], times) - ref) > 20.0


# Kozelsk -> Washington and New York, staged, against the flagship's Redzikowo site (its radars see these
# boosts; the README's before/after). At 7.0 km/s the kinematic class is engaged (needs 6.67 km/s) and
# the staged one is not (needs 7.18): a footprint that flew the kinematic boost disagrees with the table.
FLAGSHIP = "european-third-site-2007"
ROUTES = ("threats.russia-us.boost=staged", "threats.russia-us.launch=[kozelsk]",
          "threats.russia-us.targets=[washington, new-york]",
          "threats.iran-europe.launch=[tehran]", "threats.iran-europe.targets=[berlin]",
          "threats.iran-us-east-coast.launch=[tehran]", "threats.iran-us-east-coast.targets=[washington]")
SPEED = "interceptor_types.gbi-2stage.burnout_speed_km_s"


@pytest.mark.parametrize("speed", [7.0, 8.0])
def test_staged_group_has_one_timeline_everywhere(speed):
    from shieldcheck.footprint import defended_area, grid
    from shieldcheck.scenario import build, load_scenario
    from shieldcheck.study import build_study

    sets = (*ROUTES, f"{SPEED}={speed}")
    args = ["engage", FLAGSHIP, "--json"]
    for s in sets:
        args += ["--set", s]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    cli = {(r["target"], r["site"]): r for r in json.loads(res.output) if r["threat"] == "russia-us"}
    built = build(load_scenario(FLAGSHIP), sets=sets)
    study = build_study(built, thresholds=False)
    rows = {(r.target, r.site): r.to_dict() for r in study.rows if r.threat == "russia-us"}
    assert rows.keys() == cli.keys() and len(rows) == 2
    for key, r in rows.items():
        for k in ("radar_detection_s", "early_warning_s", "window_start_s", "window_s", "engageable",
                  "required_speed_km_s", "first_intercept_altitude_km"):
            assert r[k] == cli[key][k] or (r[k] is None and cli[key][k] is None), (key, k)
    wash = cli[("washington", "redzikowo")]
    traj = [t for c, t in zip(built.threats, _trajs(built), strict=True)
            if c.group == "russia-us" and c.target.name == "washington"][0]
    assert wash["radar_detection_s"] < traj.burn_time_s  # seen during the boost
    assert wash["engageable"] is (speed == 8.0)
    # the footprint: its Washington cell engages the same staged trajectory through the same kernel
    case = [c for c in built.threats if c.group == "russia-us"][0]
    w = [c.target for c in built.threats if c.target.name == "washington"][0]
    # one cell: a staged batch reads its kick from a table over the batch's azimuths, so a wider grid's
    # fit of the same route can differ slightly (0.7 s of window for a 2 x 2 grid; README)
    g = grid(w.latitude_deg, w.latitude_deg + 0.5, w.longitude_deg, w.longitude_deg + 0.5, 1.0)
    fp = defended_area(built.architecture, case.launch, g, missile=case.missile, boost=case.boost,
                       step_s=5.0, refine_iterations=14)
    assert fp.metadata["boost"] == "staged (topol-m)"
    assert fp.values["window_s"][0, 0] == wash["window_s"]
    assert bool(fp.values["engageable"][0, 0]) is wash["engageable"]
    # the web app's footprint layer (its own grid settings) and study view
    pytest.importorskip("fastapi")
    from shieldcheck.web.service import ScenarioSource, Service, ViewKey

    svc = Service(ScenarioSource())
    key = ViewKey(FLAGSHIP, sets=sets)
    spec = {"kind": "defended_area", "threat": "russia-us", "place": "kozelsk", "resolution_deg": 1.0,
            "lat_min_deg": w.latitude_deg, "lat_max_deg": w.latitude_deg + 0.5,
            "lon_min_deg": w.longitude_deg, "lon_max_deg": w.longitude_deg + 0.5}  # one cell
    web = svc.footprint(key, spec)
    assert web["properties"]["cells"] == 1
    assert web["properties"]["cells_engageable"] == int(wash["engageable"])
    view = {(r["target"], r["site"]): r for r in svc.study(key)["rows"] if r["threat"] == "russia-us"}
    for key2, r in view.items():
        assert r["radar_detection_s"] == cli[key2]["radar_detection_s"]
        assert r["window_s"] == cli[key2]["window_s"]


def _trajs(built):
    from shieldcheck.engagement import scenario_trajectories

    return scenario_trajectories(built)
