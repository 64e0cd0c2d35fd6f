"""The study: rows keyed by (variant, threat, launch, target, site), summaries recounted independently from
`engage_scenario`, the 2007 headline results, threshold speeds checked by `engage` either side."""

from __future__ import annotations

import dataclasses
import json
import math
from collections import defaultdict

import pytest

from shieldcheck.engagement import engage, engage_scenario, escape_speed_km_s
from shieldcheck.errors import InputError
from shieldcheck.scenario import build, load_scenario
from shieldcheck.study import BASE, build_study

FLAG = "european-third-site-2007"
SPEED_VARIANTS = ["speed-mda-slides", "speed-mda", "speed-postol-8", "speed-postol-9"]


@pytest.fixture(scope="module")
def model():
    return load_scenario(FLAG)


@pytest.fixture(scope="module")
def study(model):
    return build_study(model, variants=[BASE, *SPEED_VARIANTS])


def _recount(rows):
    """Route statuses and group counts from plain engagement rows (the test's own count)."""
    routes = defaultdict(list)
    for r in rows:
        routes[(r.threat, r.launch, r.target)].append(r)
    status = {}
    for key, rs in routes.items():
        if rs[0].threat_status != "ok":
            status[key] = "threat_cannot_reach"
        else:
            status[key] = "defended" if any(r.engageable for r in rs) else "not_defended"
    groups = defaultdict(lambda: [0, 0, 0])
    for (threat, _l, _t), st in status.items():
        groups[threat][0] += 1
        groups[threat][1] += st != "threat_cannot_reach"
        groups[threat][2] += st == "defended"
    return status, {k: tuple(v) for k, v in groups.items()}


def test_rows_routes_and_groups_recounted_from_engage_scenario(model, study):
    for variant in [BASE, *SPEED_VARIANTS]:
        rows = engage_scenario(build(model, variant=None if variant == BASE else variant))
        mine = [r for r in study.rows if r.variant == variant]
        assert len(mine) == len(rows) == 58
        by_key = {(r.threat, r.launch, r.target, r.site): r for r in mine}
        for r in rows:
            s = by_key[(r.threat, r.launch, r.target, r.site)]
            assert {k: v for k, v in dataclasses.asdict(s).items() if k != "variant"} == pytest.approx(
                dataclasses.asdict(r), nan_ok=True
            )
        status, groups = _recount(rows)
        for key, st in status.items():
            assert study.route(variant, key[1], key[2], threat=key[0]).status == st
        for threat, counts in groups.items():
            g = study.group(variant, threat)
            assert (g.routes, g.routes_reachable, g.routes_defended) == counts
            assert len(g.not_defended) == counts[1] - counts[2]


def test_flagship_headline_results_unchanged(study):
    # README table and the 2007 debate: Iran to Europe 36/39 and to the East Coast 9/9 at every claimed speed;
    # Russia to Washington/New York 0/10 at 5.4 and 6.3 km/s, 10/10 at 8 and 9 (kinematic model).
    russia = {"speed-mda-slides": 0, "speed-mda": 0, BASE: 0, "speed-postol-8": 10, "speed-postol-9": 10}
    for variant, n in russia.items():
        assert (
            study.group(variant, "iran-europe").routes_defended,
            study.group(variant, "iran-europe").routes,
        ) == (
            36,
            39,
        )
        assert study.group(variant, "iran-us-east-coast").routes_defended == 9
        assert (
            study.group(variant, "russia-us").routes_defended,
            study.group(variant, "russia-us").routes,
        ) == (n, 10)


def test_flagship_threshold_band_russia_to_washington_and_new_york(study):
    ths = [t for t in study.thresholds if t.variant == BASE and t.threat == "russia-us" and t.site == ""]
    assert len(ths) == 10 and all(t.threshold_status == "found" for t in ths)
    speeds = [t.threshold_speed_km_s for t in ths]
    # README: "needs 6.35-6.97 km/s"
    assert round(min(speeds), 2) == pytest.approx(6.35, abs=0.011)
    assert round(max(speeds), 2) == pytest.approx(6.97, abs=0.011)
    for t in ths:
        assert t.first_window_site == "redzikowo" and 100.0 <= t.first_intercept_altitude_km <= 2000.0


def test_every_threshold_checked_by_engage_either_side(model, study):
    """0.02 km/s below the threshold `engage` finds no window, 0.02 above it finds one."""
    built = study.built[BASE]
    arch = built.architecture
    site = arch.sites[0]
    trajs = {
        (c.launch.name, c.target.name): (c, c.trajectory(arch.earth, arch.rotation)) for c in built.threats
    }
    checked = 0
    for t in study.thresholds:
        if t.variant != BASE or t.site != site.name:
            continue
        case, traj = trajs[(t.launch, t.target)]

        def window(v, case=case, traj=traj):
            s = dataclasses.replace(
                site, interceptor=dataclasses.replace(site.interceptor, burnout_speed_km_s=v)
            )
            return engage(traj, s, arch, rcs_m2=case.rcs_m2).engageable

        if t.threshold_status == "found":
            assert not window(t.threshold_speed_km_s - 0.02), t
            assert window(t.threshold_speed_km_s + 0.02), t
            checked += 1
        else:
            assert t.threshold_status == "none_below_escape"
            assert not window(float(escape_speed_km_s(site.interceptor.burnout_altitude_km)) - 0.02)
    assert checked == 56


def test_any_site_threshold_is_the_least_over_sites(study):
    per = defaultdict(list)
    for t in study.thresholds:
        per[(t.variant, t.launch, t.target)].append(t)
    for recs in per.values():
        anyr = [t for t in recs if t.site == ""]
        sites = [t for t in recs if t.site != ""]
        assert len(anyr) == 1
        found = [t.threshold_speed_km_s for t in sites if t.threshold_status == "found"]
        if found:
            assert anyr[0].threshold_speed_km_s == min(found)
        else:
            assert math.isnan(anyr[0].threshold_speed_km_s)


def test_reasons_in_words_with_stable_codes(study):
    ankara = study.route(BASE, "tabriz", "ankara")
    assert ankara.status == "not_defended" and ankara.reason_code == "out_of_reach"
    assert ankara.reason == (
        "out of reach from Redzikowo: no interceptor slower than escape speed could get there before impact"
    )
    tehran = study.route(BASE, "tehran", "ankara")
    assert tehran.reason_code == "track_lost"
    assert (
        tehran.reason.startswith("radar track lost at ") and "earliest kinematic intercept" in tehran.reason
    )
    kozelsk = [
        r for r in study.rows if r.variant == BASE and r.launch == "kozelsk" and r.target == "washington"
    ][0]
    assert kozelsk.reason_code == "too_slow"
    need = kozelsk.required_speed_km_s
    assert kozelsk.reason == (
        "too slow from Redzikowo: an interceptor would need a burnout speed of "
        f"{need:.2f} km/s, this one has 6.30 km/s"
    )


def test_to_dict_is_json_with_provenance(study):
    d = study.to_dict()
    text = json.dumps(d, allow_nan=False)
    back = json.loads(text)
    assert back["scenario"] == FLAG and back["variants"] == [BASE, *SPEED_VARIANTS]
    assert len(back["scenario_hash"]) == 64 and back["shieldcheck_version"]
    assert (
        len(back["rows"]) == 5 * 58
        and len(back["routes"]) == 5 * 58
        and len(back["thresholds"]) == 5 * 58 * 2
    )
    assert {r["reason_code"] for r in back["rows"]} <= {
        "engageable",
        "out_of_reach",
        "track_lost",
        "too_slow",
    }
    with pytest.raises(
        InputError,
        match="table must be one of rows, routes, groups, thresholds, boost_phase, interceptors, got 'x'",
    ):
        study.table("x")


SCENARIO = """
name: odd-routes
title: "Routes that cannot be flown"
question: "Does one bad route spoil the others?"
interceptor_types:
  fast:
    burnout_speed_km_s: 7.0
    burn_time_s: 60
    burnout_altitude_km: 100
    min_intercept_altitude_km: 100
    max_intercept_altitude_km: 2000
    max_coast_time_s: 1200
    launch_delay_s: 5
interceptor_sites:
  - {name: redzikowo, place: redzikowo, interceptor: fast, inventory: 10}
radars:
  - {name: brdy, place: brdy, max_range_km: 3000, source: "estimate"}
early_warning:
  - {name: ew, detection_delay_s: 60, source: "estimate"}
threats:
  - {name: iran-berlin, launch: [tehran], targets: [berlin], missile: irbm-5500}
  - {name: short, launch: [tehran], targets: ["35.70,51.40"], missile: irbm-5500}
  - {name: too-far, launch: [tehran], targets: [washington], missile: irbm-5500}
"""


def test_unsolvable_and_invalid_threats_are_routes_with_reasons(tmp_path):
    p = tmp_path / "odd.yaml"
    p.write_text(SCENARIO)
    s = build_study(p)
    short = [r for r in s.routes if r.threat == "short"][0]
    # issue 9 item 14 (physics side): a target inside the burnout range is a no_solution trajectory with
    # its reason, no longer an InputError
    assert short.status == "threat_cannot_reach" and short.reason_code == "threat_cannot_reach"
    assert "inside the missile's burnout range" in short.reason
    far = [r for r in s.routes if r.threat == "too-far"][0]
    assert far.status == "threat_cannot_reach" and far.reason_code == "threat_cannot_reach"
    assert far.reason.startswith("the threat cannot reach the target: too slow")
    good = [r for r in s.routes if r.threat == "iran-berlin"][0]
    assert good.status == "defended"
    g = s.group(BASE, "too-far")
    assert (g.routes, g.routes_reachable, g.routes_defended, g.not_defended) == (1, 0, 0, ())
    th = s.threshold(BASE, "tehran", "washington")
    assert th.threshold_status == "threat_cannot_reach" and math.isnan(th.threshold_speed_km_s)


def test_bad_inputs_name_the_field(model):
    with pytest.raises(InputError, match=r"step_s must be within \[0.5, 60\] s, got 0"):
        build_study(model, step_s=0)
    with pytest.raises(InputError, match="variant 'nope' is not defined"):
        build_study(model, variants=["nope"])


def test_study_footprints_cover_their_places_and_match_footprint_module(model, study):
    import numpy as np

    from shieldcheck.footprint import defended_area, grid
    from shieldcheck.study import study_footprints

    fps = study_footprints(study, launch_variants=[BASE, "speed-postol-9"], resolution_deg=3.0)
    built = study.built[BASE]
    first = built.threats[0]
    lo, hi, lat_lo, lat_hi = fps.defended_extent
    g = fps.defended.grid
    assert (g.lon_min_deg, g.lon_max_deg, g.lat_min_deg, g.lat_max_deg) == (lo, hi, lat_lo, lat_hi)
    for c in [x for x in built.threats if x.group == first.group]:
        for p in (c.target, c.launch):
            assert lat_lo < p.latitude_deg < lat_hi
            assert lo < p.longitude_deg < hi or lo < p.longitude_deg + 360.0 < hi
    llo, lhi, llat_lo, llat_hi = fps.launch_extent
    for c in built.threats:
        assert llat_lo < c.launch.latitude_deg < llat_hi
    assert set(fps.launch_areas) == {BASE, "speed-postol-9"}
    # the same numbers as the footprint module's own call on that grid
    again = defended_area(
        built.architecture, first.launch, grid(lat_lo, lat_hi, lo, hi, 3.0), missile=first.missile
    )
    for k in ("engageable", "window_s"):
        np.testing.assert_array_equal(fps.defended.values[k], again.values[k])
    # a faster interceptor engages at least the launch cells a slower one does
    slow = np.asarray(fps.launch_areas[BASE].values["engageable"])
    fast = np.asarray(fps.launch_areas["speed-postol-9"].values["engageable"])
    assert fast.sum() >= slow.sum() and not (slow & ~fast).any()
    with pytest.raises(InputError, match="variant"):
        study_footprints(study, variant="nope")
    with pytest.raises(InputError, match="margin_deg"):
        study_footprints(study, margin_deg=-1.0)


def test_report_package_computes_no_footprint():
    """Footprints come from the study: nothing under report/ calls the footprint module's solvers."""
    import ast
    from pathlib import Path

    import shieldcheck.report

    banned = {"defended_area", "launch_area_footprint", "reach_footprint", "coverage_footprint", "grid"}
    for path in Path(shieldcheck.report.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "shieldcheck.footprint":
                assert not banned & {a.name for a in node.names}, (path.name, ast.dump(node))


def test_decision_s_is_the_timelines_name_and_the_old_spelling_warns(model, study):
    row = study.rows[0]
    assert row.decision_s == model.timeline.decision_s.value == row.to_dict()["decision_s"]
    assert "decision_time_s" not in row.to_dict()
    with pytest.warns(DeprecationWarning, match="decision_s"):
        assert row.decision_time_s == row.decision_s
    plain = engage_scenario(build(model))[0]
    with pytest.warns(DeprecationWarning, match="decision_s"):
        assert plain.decision_time_s == plain.decision_s


def test_readme_iran_europe_threshold_exceptions(study):
    """The README names the Iran → Europe routes without a threshold below escape speed."""
    recs = [t for t in study.thresholds if t.variant == BASE and t.site == "" and t.threat == "iran-europe"]
    none = {(t.launch, t.target) for t in recs if t.threshold_status == "none_below_escape"}
    assert none == {("tehran", "ankara"), ("tabriz", "ankara")}
    semnan = next(t for t in recs if (t.launch, t.target) == ("semnan", "ankara"))
    assert semnan.threshold_speed_km_s == pytest.approx(10.51, abs=0.01)
