"""Scenario threat groups fly every shape of the API (issue 10): ``shape: lofted`` / ``shape: depressed``.

A scenario's lofted/depressed group is the API's full burn: staged (the class's stages, the kick whose full
burn lands on the target) or kinematic (the ``burnout-speed`` arc at the class's maximum burnout speed).
The reference path is `shieldcheck.threats.trajectory` of the same route (its physics was checked against
DOP853 and closed forms in tests/test_staged_shapes.py and tests/test_threats.py); the kinematic full burn
on a non-rotating sphere is also held against the closed forms of Bate, Mueller & White (1971), eq. 6.2-16
(flight-path angles), §6.2 (apogee) and eq. 6.3-7 (time of free flight), written out here.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import yaml

from shieldcheck.engagement import engage_scenario, scenario_trajectories
from shieldcheck.errors import InputError
from shieldcheck.scenario import build, load_scenario
from shieldcheck.threats import trajectory

MU = 398600.4418  # km^3/s^2 (WGS84 GM, as in earth.py)
R_SPHERE = 6371.0  # km, the radius of the ``sphere`` Earth model (README, "The model")


def _scenario(tmp_path, threats, earth="wgs84", rotation=True, name="shapes.yaml"):
    data = {
        "name": "shapes",
        "title": "Shapes",
        "question": "Do scenario groups fly every shape?",
        "earth": earth,
        "rotation": rotation,
        "interceptor_types": {"fast": {"burnout_speed_km_s": 7, "burn_time_s": 100,
                                       "burnout_altitude_km": 150}},
        "interceptor_sites": [{"name": "a", "place": "54.0,18.0", "interceptor": "fast", "inventory": 4}],
        "radars": [{"name": "r", "place": "54.5,18.5", "max_range_km": 3000}],
        "threats": threats,
    }
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return build(load_scenario(path))


def _same(a, b):
    """Two trajectories of one route agree: status, shape, boost and the flight's numbers."""
    assert (a.status, a.shape, a.boost) == (b.status, b.shape, b.boost), (a.reason, b.reason)
    for k in ("apogee_km", "flight_time_s", "burnout_speed_relative_km_s", "burn_time_s"):
        assert getattr(a, k) == pytest.approx(getattr(b, k), rel=1e-9, abs=1e-6), k


KINEMATIC = [
    {"name": "irbm-lofted", "launch": ["tehran"], "targets": ["berlin", "warsaw"], "missile": "irbm-3700",
     "shape": "lofted"},
    {"name": "irbm-depressed", "launch": ["tehran"], "targets": ["berlin", "warsaw"], "missile": "irbm-3700",
     "shape": "depressed"},
    {"name": "irbm-min", "launch": ["tehran"], "targets": ["berlin", "warsaw"], "missile": "irbm-3700"},
]
STAGED = [
    {"name": "icbm-lofted", "launch": ["kozelsk"], "targets": ["washington", "new-york"],
     "missile": "icbm-solid", "shape": "lofted", "boost": "staged"},
    {"name": "icbm-depressed", "launch": ["kozelsk"], "targets": ["washington", "new-york"],
     "missile": "icbm-solid", "shape": "depressed", "boost": "auto"},
    {"name": "icbm-min", "launch": ["kozelsk"], "targets": ["washington", "new-york"],
     "missile": "icbm-solid", "boost": "auto"},
]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return _scenario(tmp_path_factory.mktemp("shapes"), KINEMATIC + STAGED)


def test_scenario_rows_equal_the_api_trajectory(built):
    # the batch path (one batch per group: solve_trajectories / staged_routes) against the API's scalar path
    trajs = scenario_trajectories(built)
    seen = set()
    for case, t in zip(built.threats, trajs, strict=True):
        g = next(x for x in KINEMATIC + STAGED if x["name"] == case.group)
        api = trajectory(case.launch, case.target, missile=g["missile"], shape=g.get("shape", "min-energy"),
                         boost=g.get("boost", "kinematic"))
        _same(t, api)
        seen.add((t.shape, t.boost))
    assert seen == {(s, b) for s in ("lofted", "depressed", "min-energy") for b in ("kinematic", "staged")}


def test_row_order_depressed_below_and_shorter_lofted_above_and_longer(built):
    # Kepler arcs through the same two points: the flatter (depressed) arc is lower and faster, the steeper
    # (lofted) higher and slower than the minimum-energy one (Bate, Mueller & White 1971, §6.2-6.3); read
    # from the engagement rows every view shows (threat_apogee_km, threat_flight_time_s)
    rows = engage_scenario(built)
    by = {(r.threat, r.target): r for r in rows}
    for kind, targets in (("irbm", ("berlin", "warsaw")), ("icbm", ("washington", "new-york"))):
        for target in targets:
            lo, me, hi = (by[(f"{kind}-{s}", target)] for s in ("depressed", "min", "lofted"))
            assert (lo.threat_status, me.threat_status, hi.threat_status) == ("ok", "ok", "ok"), target
            assert lo.threat_apogee_km < me.threat_apogee_km < hi.threat_apogee_km, (kind, target)
            assert lo.threat_flight_time_s < me.threat_flight_time_s < hi.threat_flight_time_s, (kind, target)


def _closed_form(v_km_s, psi_rad, radius_km):
    """Apogee altitude (km) and time of free flight (s) of the low and high arcs at speed v over angle Ψ."""
    q = v_km_s**2 * radius_km / MU
    x = math.asin((2.0 - q) / q * math.sin(psi_rad / 2.0))
    out = []
    for gamma in ((x - psi_rad / 2.0) / 2.0, (math.pi - x - psi_rad / 2.0) / 2.0):
        a = radius_km / (2.0 - q)
        e = math.sqrt(1.0 + q * (q - 2.0) * math.cos(gamma) ** 2)
        c = math.cos(psi_rad / 2.0)
        e1 = math.acos((e - c) / (1.0 - e * c))
        time = 2.0 * math.sqrt(a**3 / MU) * (math.pi - e1 + e * math.sin(e1))
        out.append((a * (1.0 + e) - radius_km, time))
    return out


def test_kinematic_full_burn_matches_closed_form_on_a_sphere(tmp_path):
    # an impulsive missile of 5.5 km/s (no class): depressed and lofted arcs of 3,400 and 3,800 km (maximum
    # range 4,030 km; depressed apogees 332 and 481 km), sphere, no rotation; the closed forms give apogee
    # and time to 0.1 km / 0.1 s
    threats = [{"name": s, "launch": ["0,0"], "targets": ["0,30.577", "0,34.174"], "shape": s,
                "max_burnout_speed_km_s": 5.5} for s in ("lofted", "depressed")]
    b = _scenario(tmp_path, threats, earth="sphere", rotation=False)
    for case, t in zip(b.threats, scenario_trajectories(b), strict=True):
        low, high = _closed_form(5.5, t.ground_range_km / R_SPHERE, R_SPHERE)
        apo, time = low if case.group == "depressed" else high
        assert t.status == "ok" and t.shape == case.group
        assert t.apogee_km == pytest.approx(apo, abs=0.1)
        assert t.flight_time_s == pytest.approx(time, abs=0.1)


def test_full_burn_without_a_burnout_speed_is_refused(tmp_path):
    threats = [{"name": "g", "launch": ["tehran"], "targets": ["berlin"], "shape": "depressed"}]
    with pytest.raises(InputError, match=r"threats\.g\.shape: shape 'depressed' .* needs a burnout speed.*"
                                         r"missile class or max_burnout_speed_km_s, got neither"):
        _scenario(tmp_path, threats)


def test_set_override_accepts_the_full_burn_shapes(tmp_path):
    path = tmp_path / "s.yaml"
    b = _scenario(tmp_path, KINEMATIC[2:], name="s.yaml")
    assert b.threats[0].shape == "min-energy"
    b2 = build(load_scenario(path), sets=["threats.irbm-min.shape=depressed"])
    assert {c.shape for c in b2.threats} == {"depressed"}
    t = scenario_trajectories(b2)[0]
    assert t.shape == "depressed" and t.boost == "kinematic" and t.status == "ok"


def test_depressed_full_burn_in_the_atmosphere_is_a_result(tmp_path):
    # a long-range missile's depressed full burn on a 3,500 km route never rises above ~86 km: the
    # drag-free coast is not physics there; the row says so (in_atmosphere) and the engagement skips it
    threats = [{"name": "g", "launch": ["tehran"], "targets": ["berlin", "warsaw"], "missile": "icbm-solid",
                "shape": "depressed", "boost": "staged"}]
    b = _scenario(tmp_path, threats)
    trajs = scenario_trajectories(b)
    assert [t.status for t in trajs] == ["in_atmosphere"] * 2
    assert "stays below 100 km for" in trajs[0].reason and "drag" in trajs[0].reason
    # it flew: its staged boost is tabulated for the sensors and the track (not the kinematic sketch)
    assert all(t.boost == "staged" and t.boost_profile is not None for t in trajs)
    rows = engage_scenario(b, trajectories=trajs)
    assert {r.reason_code for r in rows} == {"threat_in_atmosphere"}
    assert all(np.isnan(r.threat_apogee_km) for r in rows)


@pytest.mark.parametrize("group", ["irbm-depressed", "icbm-lofted"])
def test_footprint_flies_the_group_shape(built, group):
    # a footprint of a group (web layer, report maps: ThreatCase.trajectory_kw) flies the group's shape:
    # each cell's window equals the API trajectory's engaged by the same kernel at the same step
    from shieldcheck.engagement import engage
    from shieldcheck.footprint import defended_area, grid

    case = next(c for c in built.threats if c.group == group)
    g = grid(case.target.latitude_deg, case.target.latitude_deg + 1.0, case.target.longitude_deg,
             case.target.longitude_deg + 1.0, 1.0)
    arch = built.architecture
    fp = defended_area(arch, case.launch, g, step_s=5.0, refine_iterations=14, **case.trajectory_kw())
    assert fp.metadata["shape"] == case.shape
    lat, lon = g.mesh()
    for i, j in np.ndindex(lat.shape):
        t = trajectory(case.launch, (lat[i, j], lon[i, j]), missile=case.missile, shape=case.shape,
                       boost=case.boost)
        assert t.status == "ok" and t.shape == case.shape
        r = engage(t, arch.sites[0], arch)
        # a staged grid of 4 cells from one launch point reads its kick from a table (staged._kick_tables:
        # ranges within 1 km of the per-route search): its windows agree to 1 s, the kinematic ones exactly
        tol = 1.0 if case.boost == "staged" else 1e-6
        assert fp.values["window_s"][i, j] == pytest.approx(r.window_s, abs=tol), (i, j)
