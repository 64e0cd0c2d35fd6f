"""Fuzz what landed in the fourth session: powered flight and boost-phase intercept (issue 9, "Must show").

The promise, asserted on generated input: every outcome is a result with a documented status (no NaN or
infinity where the status says the numbers exist), or an `InputError` naming the parameter (through the
API; a scenario file's error names the file), or, on the command line, exit 0 or exit 2 with one line;
never another exception and never a run past `TIME_BOUND_S`. Covered: the scenario's ``boost_phase:``
block (generated blocks through the loader, then ``engage --table boost_phase --json`` in-process through
typer's runner), `boost_profile`, `engage_boost` and `basing_zone` arguments, `reconstruct` observations,
`reach` and `staged_flyout` arguments, and staged trajectories with payload overrides
(`staged_trajectory`, and ``trajectory FROM TO --missile X --booster Y``).

Bounded for ``make test`` (a few examples per test, about a minute in all); a long run:

    SHIELDCHECK_FUZZ_EXAMPLES=300 SHIELDCHECK_FUZZ_RANDOM=1 \
        .venv/bin/python -m pytest tests/test_fuzz_powered.py -q -s -p no:cacheprovider

The README ("Trustworthy under any input") reports what the long run tried and found.
"""

from __future__ import annotations

import json
import math
import os
import time

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import shieldcheck as sc
from shieldcheck.cli import app
from shieldcheck.errors import InputError

EXAMPLES = int(os.environ.get("SHIELDCHECK_FUZZ_EXAMPLES", "6"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not os.environ.get("SHIELDCHECK_FUZZ_RANDOM"),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                           HealthCheck.filter_too_much],
    database=None,
)
TIME_BOUND_S = 60.0
"""Longest any one call may take (the kernels are compiled, and the boost profile solved, by fixtures)."""
COUNTS = {"inputs": 0, "results": 0, "input_errors": 0, "exit_0": 0, "exit_2": 0, "boost_records": 0}
"""Inputs tried in this process (printed by the long run's summary test)."""

EDGE = [0.0, -0.0, 1e-300, -1.0, 1e300, math.nan, math.inf, -math.inf, 2.0**63, 90.0, -90.0, 180.0, 360.0,
        1e-9, 1e9, 0.5, 5.0, 40.0, 300.0]
any_float = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(EDGE))
junk = st.one_of(st.none(), st.text(max_size=4), st.booleans(), st.lists(st.floats(-1, 1), max_size=2))
number_or_junk = st.one_of(any_float, any_float, any_float, junk)


def outcome(fn, *args, names=(), several=False, **kwargs):
    """Call ``fn``; its result, or None after checking that an `InputError` is one line naming a parameter
    (``several``: one line per fault, as a scenario file's errors are; the CLI prints them as one)."""
    COUNTS["inputs"] += 1
    t0 = time.perf_counter()
    try:
        result = fn(*args, **kwargs)
        COUNTS["results"] += 1
        return result
    except InputError as exc:
        COUNTS["input_errors"] += 1
        msg = str(exc)
        assert msg and (several or "\n" not in msg.strip()), msg
        if names:
            assert any(n in msg for n in names), f"{msg!r} names none of {names}"
        return None
    finally:
        assert time.perf_counter() - t0 < TIME_BOUND_S


def finite(obj, keys) -> None:
    for k in keys:
        v = getattr(obj, k)
        assert isinstance(v, (int, float)) and math.isfinite(v), (k, v)


@pytest.fixture(scope="module", autouse=True)
def warm_up():
    """Compile the staged fit's kernels once, so that the time bound measures the calls, not the compiler
    (a first staged_trajectory on a cold cache took 89 s on the loaded 2-core machine)."""
    from shieldcheck.catalog.boosters import get_booster
    from shieldcheck.staged import staged_trajectory

    staged_trajectory(get_booster("nodong").vehicle, (38.08, 46.29), (48.21, 16.37))


@pytest.fixture(scope="module")
def profile():
    """One staged boost (Nodong class, short burn) toward Vienna, solved once for the engage/zone tests."""
    return sc.boost_profile("nodong", 38.08, 46.29, toward=(48.21, 16.37))


# ------------------------------------------------------------------------- boost-phase API arguments
BOOST_STATUSES = {"engageable", "too_late", "too_slow", "beyond_horizon"}


@FUZZ
@given(st.one_of(st.floats(-90, 90), any_float), st.one_of(st.floats(-180, 360), any_float),
       st.one_of(st.floats(0.5, 12), number_or_junk), st.one_of(st.floats(0, 200), number_or_junk),
       st.one_of(st.floats(0, 300), number_or_junk), st.one_of(st.none(), number_or_junk),
       st.one_of(st.just(0.0), st.floats(0, 30), number_or_junk), st.one_of(st.just(0.0), number_or_junk),
       st.sampled_from(["straight", "ballistic", "nope", "", None, 1]))
def test_fuzz_engage_boost(profile, la, lo, speed, burn, delay, deadline, alt, carrier, flyout):
    r = outcome(sc.engage_boost, profile, la, lo, speed_km_s=speed, burn_time_s=burn, delay_s=delay,
                deadline_s=deadline, base_altitude_km=alt, carrier_speed_km_s=carrier, flyout=flyout,
                names=("latitude_deg", "longitude_deg", "speed_km_s", "burn_time_s", "delay_s", "deadline_s",
                       "base_altitude_km", "carrier_speed_km_s", "flyout", "altitude", "carrier"))
    if r is not None:
        assert r.status in BOOST_STATUSES and r.reason, r
        if r.status == "engageable":
            finite(r, ("time_available_s", "required_speed_km_s", "first_intercept_s"))


@FUZZ
@given(st.tuples(number_or_junk, number_or_junk, number_or_junk, number_or_junk)
       | st.tuples(st.floats(20, 60), st.floats(20, 60), st.floats(-30, 80), st.floats(-30, 80))
       | junk, st.one_of(st.floats(0.05, 20), number_or_junk), st.one_of(st.floats(0.5, 12), number_or_junk))
def test_fuzz_basing_zone(profile, region, step, speed):
    z = outcome(sc.basing_zone, profile, region, step, speed_km_s=speed, burn_time_s=40.0,
                names=("region", "resolution_deg", "speed_km_s", "lat", "lon", "cells", "grid"))
    if z is not None:
        z.to_dict()
        json.dumps(z.to_geojson(), allow_nan=False)


BOOSTERS = st.sampled_from(["nodong", "sejjil-2", "hwasong-15", "aps2003-solid", "NODONG ", "nope", "", 3,
                            None, "gbi-2stage"])


@FUZZ
@given(BOOSTERS, st.one_of(st.floats(-90, 90), any_float), st.one_of(st.floats(-180, 180), any_float),
       st.one_of(st.none(), number_or_junk),
       st.one_of(st.none(), st.tuples(st.floats(-90, 90), st.floats(-180, 180)),
                 st.tuples(any_float, any_float), junk),
       st.one_of(st.none(), st.floats(1, 5000), number_or_junk), st.one_of(st.just(2.0), number_or_junk))
def test_fuzz_boost_profile(booster, la, lo, az, toward, payload, step):
    p = outcome(sc.boost_profile, booster, la, lo, azimuth_deg=az, toward=toward, payload_kg=payload,
                step_s=step, names=("missile", "booster", "latitude_deg", "longitude_deg", "azimuth_deg",
                                    "toward", "payload_kg", "step_s", "azimuth"))
    if p is not None:
        r = outcome(sc.engage_boost, p, la if isinstance(la, float) and abs(la) <= 89 else 0.0, 0.0,
                    speed_km_s=5.0, burn_time_s=40.0)
        assert r is None or r.status in BOOST_STATUSES


@FUZZ
@given(st.sampled_from(["gbi-2stage", "gbi-2stage", "gbi-3stage", "sm3-iia", "nope", "", None, 3]),
       st.one_of(st.floats(0, 89), st.floats(0, 89), number_or_junk),
       st.one_of(st.just(0.0), st.floats(0, 600), number_or_junk),
       st.one_of(st.floats(0.1, 10), st.just(1.0), number_or_junk))
@example("gbi-2stage", 20.0, 0.0, 1.0)  # valid calls, which random draws seldom combine
@example("gbi-3stage", 45.0, 100.0, 0.5)
def test_fuzz_staged_flyout(vehicle, angle, delay, step):
    f = outcome(sc.staged_flyout, vehicle, flight_path_angle_deg=angle, launch_delay_s=delay, step_s=step,
                names=("vehicle", "interceptor", "flight_path_angle_deg", "launch_delay_s", "step_s",
                       "booster", "stages"))
    if f is not None:
        finite(f, ("burnout_speed_km_s", "burn_time_s"))


# ------------------------------------------------------------------------- reconstruct and reach
OBS = st.one_of(st.floats(1, 10000), any_float, st.sampled_from(["2802", "abc", "", "nan", "1e400"]), junk)


@FUZZ
@given(OBS, OBS, OBS, st.sampled_from([None, "hwasong-14", "hwasong-15", "nope", ""]),
       st.one_of(st.just(0.0), number_or_junk), st.one_of(st.just(0.0), number_or_junk),
       st.sampled_from([None, "pyongyang", "95,0", "nope"]))
def test_fuzz_reconstruct(apogee, rng, tof, missile, s_apo, s_rng, launch):
    # a missile's staged fit takes seconds: only with numbers
    numbers = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (apogee, rng, tof))
    if missile and not numbers:
        missile = None
    r = outcome(sc.reconstruct, apogee, rng, tof, missile=missile, apogee_sigma_km=s_apo,
                range_sigma_km=s_rng, launch=launch, azimuth_step_deg=90.0,
                names=("apogee_km", "range_km", "flight_time_s", "missile", "apogee_sigma_km",
                       "range_sigma_km", "launch", "place", "booster", "sigma"))
    if r is not None:
        assert r.status in {"ok", "no-fit", "sigma-unknown", "global", "time-mismatch"}, r.status
        if r.status == "no-fit":
            assert r.reason
        if r.status == "ok":
            finite(r, ("burnout_speed_km_s", "flight_path_angle_deg", "predicted_flight_time_s"))


@FUZZ
@given(st.sampled_from(["nodong", "sejjil-2", "hwasong-15"]), st.one_of(st.floats(-90, 90), any_float),
       st.one_of(st.floats(-180, 180), any_float), st.one_of(st.none(), st.floats(1, 1e4), number_or_junk),
       st.one_of(st.floats(5, 90), number_or_junk))
def test_fuzz_reach(booster, la, lo, payload, step):
    from shieldcheck.catalog.boosters import get_booster

    r = outcome(sc.reach, get_booster(booster).vehicle, la, lo, payload_kg=payload, azimuth_step_deg=step,
                names=("latitude_deg", "longitude_deg", "payload_kg", "azimuth_step_deg", "payload"))
    if r is not None:
        assert all(math.isfinite(x) and 0.0 <= x <= 20_100.0 for x in r.max_range_km), r.max_range_km


# ------------------------------------------------------------------------- staged trajectories
PLACES = st.sampled_from(["tehran", "berlin", "pyongyang", "seattle", "kozelsk", "0,0", "0,180", "90,0",
                          "-90,0", "95,0", "nan,1", "", "nope", "38.08,46.29", "38.081,46.291"])


POINTS = st.one_of(
    st.sampled_from([(38.08, 46.29), (52.52, 13.40), (39.02, 125.75), (47.61, -122.33), (54.0, 35.8),
                     (0.0, 0.0), (0.0, 180.0), (90.0, 0.0), (38.081, 46.291)]),
    st.tuples(st.floats(-90, 90), st.floats(-180, 180)),
    st.tuples(any_float, any_float),
    PLACES,
    junk,
)


@FUZZ
@given(st.sampled_from(["nodong", "hwasong-15", "topol-m"]), POINTS, POINTS,
       st.one_of(st.none(), st.floats(1, 5000), number_or_junk))
def test_fuzz_staged_trajectory_payload(booster, launch, target, payload):
    from shieldcheck.catalog.boosters import get_booster
    from shieldcheck.staged import staged_trajectory

    t = outcome(staged_trajectory, get_booster(booster).vehicle, launch, target, payload_kg=payload,
                names=("payload_kg", "launch", "target", "latitude", "longitude", "shape"))
    if t is not None:
        assert t.status in {"ok", "unreachable", "no_solution", "in_atmosphere"}, t.status
        if t.status == "ok":
            finite(t, ("flight_time_s", "apogee_km", "burnout_speed_relative_km_s", "ground_range_km"))
        else:
            assert t.reason


def _one_line_or_result(args):
    COUNTS["inputs"] += 1
    t0 = time.perf_counter()
    r = CliRunner().invoke(app, args)
    assert time.perf_counter() - t0 < TIME_BOUND_S, args
    assert r.exit_code in (0, 2), (args, r.exit_code, r.output, r.exception)
    COUNTS[f"exit_{r.exit_code}"] += 1
    if r.exit_code == 2:
        lines = [x for x in r.stderr.splitlines() if x.strip()]
        assert len(lines) == 1 and lines[0].startswith("error: "), (args, r.stderr)
    return r


@FUZZ
@given(PLACES, PLACES, st.sampled_from(["icbm-solid", "icbm-liquid-10000", "mrbm-1300", "irbm-5500", "nope"]),
       st.sampled_from([None, "hwasong-15", "nodong", "gbi-2stage", "nope", ""]),
       st.sampled_from(["auto", "staged", "kinematic", "x"]), st.booleans())
def test_fuzz_cli_staged_trajectory(launch, target, missile, booster, boost, as_json):
    args = ["trajectory", launch, target, "--missile", missile, "--boost", boost]
    if booster is not None:
        args += ["--booster", booster]
    if as_json:
        args.append("--json")
    r = _one_line_or_result(args)
    if r.exit_code == 0 and as_json:
        d = json.loads(r.stdout)
        assert d["status"] in {"ok", "unreachable", "no_solution", "in_atmosphere"}
        if d["status"] == "ok":
            assert all(d[k] is not None for k in ("flight_time_s", "apogee_km"))


# ------------------------------------------------------------------------- the scenario's boost_phase: block
SCENARIO = """name: fuzz-boost-phase
title: "Fuzz: boost-phase block"
question: "Does a generated boost_phase block end in a result or a clear error?"
interceptor_types:
  notional-5:
    burnout_speed_km_s: {{value: 5.0, source: "estimate"}}
    burn_time_s: {{value: 60, source: "estimate"}}
    burnout_altitude_km: {{value: 100, source: "estimate"}}
    min_intercept_altitude_km: 100
    max_intercept_altitude_km: 1000
    max_coast_time_s: 900
    launch_delay_s: 5
interceptor_sites:
  - {{name: deveselu, place: deveselu, interceptor: notional-5, inventory: 24}}
radars:
  - {{name: kurecik-radar, place: kurecik, max_range_km: 1500, source: "estimate"}}
early_warning:
  - {{name: ew, detection_delay_s: 60, source: "estimate"}}
threats:
  - {{name: tabriz-west, launch: [tabriz], targets: [vienna], missile: mrbm-1300}}
boost_phase:
{block}
"""
TOKENS = st.one_of(
    st.sampled_from(["5", "4.5", "40", "90", "0", "-1", "12", "0.2", ".nan", ".inf", "1e400", "010", "1:30",
                     "no", "abc", "''", "[]", "{value: 5, source: x}", "{value: .nan, source: x}", "1e-300",
                     "9999999", "~", "true", "{value: 5}"]),
    st.floats(-1e6, 1e6).map(repr),
)
PLACE_TOKENS = st.sampled_from(["\"40.0,44.0\"", "\"38.1,46.3\"", "yerevan", "\"95,0\"", "nope", "\"0,180\"",
                                "tabriz", "''", "[1, 2]"])


GOOD = st.sampled_from(["5", "4.5", "40", "90", "12", "0.2", "30", "6"])
NUM = st.one_of(GOOD, GOOD, GOOD, TOKENS)
"""Mostly valid numbers, so that many generated blocks get through the loader to the engagement."""


@st.composite
def blocks(draw):
    """A boost_phase block as YAML text: a valid base with at most one field broken, left out or unknown,
    then optional boosters, zone, fly-out and sample step drawn mostly valid."""
    base = {
        "name": "ship",
        "place": "\"40.0,44.0\"",
        "source": "\"estimate\"",
        "platform": draw(st.sampled_from(["ground", "sea", "airborne"])),
        "burnout_speed_km_s": draw(GOOD),
        "burn_time_s": draw(GOOD),
        "delay_s": draw(GOOD),
        "interceptor": "notional-5",
        "threats": "[tabriz-west]",
    }
    if base["platform"] == "airborne":
        base |= {"altitude_km": "12", "carrier_speed_km_s": "0.2"}
    broken = {
        "name": st.sampled_from(["a b", "''", "x" * 120, "[1]"]),
        "place": PLACE_TOKENS,
        "platform": st.sampled_from(["space", "1", "~"]),
        "interceptor": st.sampled_from(["nope", "~", "[]"]),
        "threats": st.sampled_from(["[nope]", "[]", "tabriz-west"]),
    }
    field = draw(st.sampled_from([None, "surprise", *sorted(base)]))
    if field == "surprise":
        base["surprise"] = "1"
    elif field is not None:
        if draw(st.booleans()):
            del base[field]
        else:
            base[field] = draw(broken.get(field, TOKENS))
    base_text = "{" + ", ".join(f"{k}: {v}" for k, v in base.items()) + "}"
    lines = ["  bases:", f"    - {base_text}"]
    if draw(st.booleans()):
        booster = draw(st.sampled_from(["nodong", "nodong", "nodong", "nope", "gbi-2stage", "1"]))
        payload = f", payload_kg: {draw(st.one_of(st.just('1000'), TOKENS))}" if draw(st.booleans()) else ""
        lines += ["  boosters:", f"    tabriz-west: {{booster: {booster}{payload}}}"]
    if draw(st.booleans()):
        zone = {"base": "ship", "lat_min_deg": "36", "lat_max_deg": "44", "lon_min_deg": "40",
                "lon_max_deg": "50", "step_deg": "1"}
        bad = draw(st.sampled_from([None, None, *sorted(zone)]))
        if bad is not None:
            zone[bad] = draw(st.sampled_from(["nope", "-95", ".nan", "170", "-400", "200", "0", "0.01",
                                              "34"]))
        lines += ["  zone: {" + ", ".join(f"{k}: {v}" for k, v in zone.items()) + "}"]
    if draw(st.booleans()):
        lines += [f"  flyout: {draw(st.sampled_from(['straight', 'ballistic', 'x']))}"]
    if draw(st.booleans()):
        lines += [f"  sample_step_s: {draw(NUM)}"]
    return "\n".join(lines)


@FUZZ
@given(blocks())
def test_fuzz_boost_phase_block(tmp_path, block):
    from shieldcheck.scenario import build, load_scenario

    path = tmp_path / "bp.yaml"
    path.write_text(SCENARIO.format(block=block), encoding="utf-8")
    model = outcome(load_scenario, path, names=("bp.yaml",), several=True)
    if model is None:
        return
    built = outcome(build, model, names=("bp.yaml",), several=True)
    if built is None:
        return
    r = _one_line_or_result(["engage", str(path), "--table", "boost_phase", "--json"])
    if r.exit_code == 0:
        COUNTS["boost_records"] += len(json.loads(r.stdout))
        for rec in json.loads(r.stdout):
            assert rec["status"] in {"engageable", "too_late", "out_of_reach", "beyond_horizon"}, rec
            assert rec["reason"]
            if rec["status"] == "engageable":
                assert all(rec[k] is not None for k in ("time_available_s", "required_speed_km_s",
                                                        "first_intercept_s")), rec


def test_fuzz_inputs_tried():
    """Says how many inputs this process tried (the long run's count for the README)."""
    print(f"\nfuzz (powered flight, boost phase): {COUNTS}")
