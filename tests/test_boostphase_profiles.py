"""Boost profiles flown in batches and kept in a cache (issue 10, item 5: boost-phase intercept fast).

Expected values come from outside the code under test: each sample against the vehicle cut short at that
moment and flown by `fly_batch` on its own (`cut_vehicle`, the definition of a sample), one cut-off
against scipy's DOP853 (`test_boost._dop853_reference`), and a profile read from the disk cache against
one flown afresh with the cache off.
"""

from __future__ import annotations

import numpy as np
import pytest

from shieldcheck import boostphase
from shieldcheck.boost import cut_vehicle, fly_batch
from shieldcheck.boostphase import boost_profile, boost_profiles, profile_cache
from shieldcheck.catalog.boosters import get_booster
from shieldcheck.earth import OMEGA_RAD_S
from shieldcheck.errors import InputError
from test_boost import _dop853_reference

PYONGYANG, TONGHAE = (39.02, 125.75), (40.85, 129.67)
TARGETS = ((47.61, -122.33), (38.90, -77.04), (61.22, -149.90))  # Seattle, Washington, Anchorage


@pytest.fixture
def disk_cache(tmp_path):
    """The profile cache in a fresh folder, put back as it was afterwards."""
    before = (profile_cache._folder, profile_cache._chosen)
    profile_cache.use_folder(tmp_path)
    yield tmp_path
    profile_cache.use_folder(before[0])
    profile_cache._chosen = before[1]


@pytest.mark.parametrize("name", ["hwasong-15", "aps2003-solid", "minuteman-iii"])
def test_samples_equal_the_cut_vehicles_flown_alone(name):
    # a sample is, by definition, the burnout state of the vehicle cut short then: fly each cut vehicle
    # with fly_batch (its own steps from launch) and compare; the Hwasong-15 has a staging coast
    p = boost_profile(name, *TONGHAE, toward=TARGETS[0], cache=False)
    v = get_booster(name).vehicle
    b = fly_batch([cut_vehicle(v, float(t)) for t in p.time_s[1:]], *TONGHAE, p.azimuth_deg, p.kick_deg)
    assert np.all(b.status == "ok")
    np.testing.assert_allclose(p.r_ecef_km[1:], b.r_ecef_km, rtol=0, atol=1e-9)  # km
    np.testing.assert_allclose(p.v_ecef_km_s[1:], b.v_rel_km_s, rtol=0, atol=1e-12)  # km/s
    assert p.burnout_speed_km_s == pytest.approx(b.burnout_speed_km_s[-1], abs=1e-12)


def test_one_cut_off_against_dop853_within_100_m():
    # the second stage cut about 60 s into its burn, re-flown by scipy's DOP853 at 1e-12 tolerance; samples
    # every 1.3 s or less so that the sample falls between the integrator's steps (4 s there)
    p = boost_profile("hwasong-15", *PYONGYANG, toward=TARGETS[1], step_s=1.3, cache=False)
    v = get_booster("hwasong-15").vehicle
    t_cut = v.stages[0].burn_time_s + v.stages[0].coast_after_s + 60.0
    k = int(np.argmin(np.abs(p.time_s - t_cut)))
    assert abs(p.time_s[k] - t_cut) < 1.0  # a sample close to it: flown to its own time below
    cut = cut_vehicle(v, float(p.time_s[k]))
    t_ref, y_ref = _dop853_reference(cut, *PYONGYANG, p.azimuth_deg, p.kick_deg)
    assert t_ref == pytest.approx(p.time_s[k], abs=1e-9)
    c, s = np.cos(OMEGA_RAD_S * t_ref), np.sin(OMEGA_RAD_S * t_ref)
    r_ecef = np.array([c * y_ref[0] + s * y_ref[1], -s * y_ref[0] + c * y_ref[1], y_ref[2]])
    assert np.linalg.norm(p.r_ecef_km[k] - r_ecef) < 0.1  # 100 m


def test_a_batch_gives_each_route_what_it_gets_alone():
    lat = [PYONGYANG[0]] * 3 + [TONGHAE[0]] * 3
    lon = [PYONGYANG[1]] * 3 + [TONGHAE[1]] * 3
    tla, tlo = (np.array([t[j] for t in TARGETS] * 2) for j in (0, 1))
    batch = boost_profiles("hwasong-15", lat, lon, toward=(tla, tlo), cache=False)
    for i, p in enumerate(batch):
        alone = boost_profile("hwasong-15", lat[i], lon[i], toward=(tla[i], tlo[i]), cache=False)
        assert p.kick_deg == alone.kick_deg and p.note == alone.note  # the same search, bit for bit
        np.testing.assert_array_equal(p.r_ecef_km, alone.r_ecef_km)
        np.testing.assert_array_equal(p.v_ecef_km_s, alone.v_ecef_km_s)
    az = boost_profiles("aps2003-solid", 40.0, 127.0, azimuth_deg=[10.0, 45.0], step_s=10.0, cache=False)
    assert [round(p.azimuth_deg) for p in az] == [10, 45]


def test_each_row_of_a_kick_search_stops_on_its_own():
    # two boosters whose longest-range kicks differ 145-fold (0.27 and 39 deg) stop their golden-section
    # searches at different steps (about 40 and 30: each step shrinks the bracket by 0.618, down to 1e-6 of
    # the kick); a row must not be searched on after it is done (its kick would move)
    from shieldcheck.boost import solve_kick

    vs = [get_booster("hwasong-15").vehicle, get_booster("aps2003-solid").vehicle]
    for goal, kw in (("max-range", {}), ("range", {"range_km": [9000.0, 6000.0]})):
        both = solve_kick(vs, [40.0, 40.0], 127.0, 45.0, goal, iterations=45, **kw)
        for i, v in enumerate(vs):
            one = solve_kick(v, 40.0, 127.0, 45.0, goal, iterations=45, **{k: x[i] for k, x in kw.items()})
            assert both["kick_deg"][i] == one["kick_deg"][0] and both["range_km"][i] == one["range_km"][0]


def test_a_cached_profile_is_the_fresh_one(disk_cache):
    fresh = boost_profile("hwasong-15", *TONGHAE, toward=TARGETS[2], cache=False)
    assert not list(disk_cache.iterdir())  # cache=False stores nothing
    first = boost_profile("hwasong-15", *TONGHAE, toward=TARGETS[2])
    files = list(disk_cache.glob("*.npz"))
    assert len(files) == 1
    profile_cache.use_folder(disk_cache)  # forget the copy in memory: the next one is read from disk
    again = boost_profile("hwasong-15", *TONGHAE, toward=TARGETS[2])
    assert again is not first
    for p in (first, again):
        for f in ("time_s", "r_ecef_km", "v_ecef_km_s"):
            np.testing.assert_array_equal(getattr(p, f), getattr(fresh, f))
        for f in ("name", "note", "kick_deg", "azimuth_deg", "burnout_time_s", "burnout_altitude_km",
                  "burnout_speed_km_s", "burnout_range_km", "launch_latitude_deg", "launch_longitude_deg"):
            assert getattr(p, f) == getattr(fresh, f), f


def test_every_input_number_is_in_the_key(disk_cache):
    base = dict(toward=TARGETS[0], payload_kg=700.0, step_s=2.0)
    boost_profile("hwasong-15", *TONGHAE, **base)
    changed = [
        dict(base, payload_kg=701.0),
        dict(base, step_s=2.5),
        dict(base, toward=(TARGETS[0][0], TARGETS[0][1] + 1e-9)),
    ]
    for kw in changed:
        p = boost_profile("hwasong-15", *TONGHAE, **kw)
        fresh = boost_profile("hwasong-15", *TONGHAE, **kw, cache=False)
        np.testing.assert_array_equal(p.r_ecef_km, fresh.r_ecef_km)
    p = boost_profile("hwasong-15", TONGHAE[0], TONGHAE[1] + 1e-9, **base)
    assert len(list(disk_cache.glob("*.npz"))) == 5  # five inputs, five profiles: none taken for another
    assert p.launch_longitude_deg == TONGHAE[1] + 1e-9


def test_a_damaged_file_is_flown_again_and_a_read_only_folder_stores_nothing(disk_cache):
    fresh = boost_profile("aps2003-solid", 40.0, 127.0, azimuth_deg=45.0, step_s=10.0, cache=False)
    boost_profile("aps2003-solid", 40.0, 127.0, azimuth_deg=45.0, step_s=10.0)
    (path,) = disk_cache.glob("*.npz")
    path.write_bytes(path.read_bytes()[:200])  # a truncated file (a crash mid-copy, a full disk)
    profile_cache.use_folder(disk_cache)
    p = boost_profile("aps2003-solid", 40.0, 127.0, azimuth_deg=45.0, step_s=10.0)
    np.testing.assert_array_equal(p.r_ecef_km, fresh.r_ecef_km)
    blocked = disk_cache / "a-file"  # a folder that cannot be made (even by root): beneath a file
    blocked.write_text("")
    profile_cache.use_folder(blocked / "boost-profiles")
    p = boost_profile("aps2003-solid", 40.0, 127.0, azimuth_deg=45.0, step_s=10.0)
    np.testing.assert_array_equal(p.r_ecef_km, fresh.r_ecef_km)
    assert blocked.is_file()


def test_the_disk_cache_is_bounded(disk_cache, monkeypatch):
    monkeypatch.setattr(boostphase, "PROFILE_CACHE_MAX_FILES", 4)
    boost_profiles("aps2003-solid", 40.0, 127.0, azimuth_deg=np.arange(10.0, 90.0, 10.0), step_s=10.0)
    assert len(list(disk_cache.glob("*.npz"))) <= 4
    assert not list(disk_cache.glob("*.tmp"))  # every file written whole, then renamed


def test_batch_bounds_and_shapes_are_checked():
    with pytest.raises(InputError, match="1 to 1,000 launches at once, got 1,001"):
        boost_profiles("aps2003-solid", np.zeros(1001), 127.0, azimuth_deg=45.0)
    with pytest.raises(InputError, match="must broadcast to one shape"):
        boost_profiles("aps2003-solid", [40.0, 41.0], 127.0, azimuth_deg=[1.0, 2.0, 3.0])
    with pytest.raises(InputError, match="toward latitude_deg must be within"):
        boost_profiles("aps2003-solid", 40.0, 127.0, toward=([95.0], [127.0]))
