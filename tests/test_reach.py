"""Reach maps: maximum range against azimuth on the rotating Earth, margins to places, GeoJSON.

Independent checks: the boundary points lie at the maximum range along their azimuth (geographiclib's
geodesic, not shieldcheck's), Earth rotation favours eastward shots, and a place's margin is its maximum
range minus its geographiclib distance.
"""

from __future__ import annotations

import json

import pytest
from geographiclib.geodesic import Geodesic
from typer.testing import CliRunner

from shieldcheck.catalog import resolve_place
from shieldcheck.catalog.boosters import get_booster
from shieldcheck.cli import app
from shieldcheck.errors import InputError
from shieldcheck.reach import reach, reach_geojson

SEMNAN = (35.58, 53.39)


@pytest.fixture(scope="module")
def sejjil():
    places = [resolve_place(n) for n in ("tehran", "berlin", "washington")]
    return reach(get_booster("sejjil-2").vehicle, *SEMNAN, azimuth_step_deg=90.0, places=places)


def test_boundary_at_max_range_along_azimuth(sejjil):
    for az, rng, la, lo in zip(
        sejjil.azimuths_deg,
        sejjil.max_range_km,
        sejjil.boundary_latitude_deg,
        sejjil.boundary_longitude_deg,
        strict=True,
    ):
        g = Geodesic.WGS84.Inverse(SEMNAN[0], SEMNAN[1], la, lo)
        assert g["s12"] / 1e3 == pytest.approx(rng, abs=1e-3)
        assert (g["azi1"] % 360.0) == pytest.approx(az, abs=1e-6)


def test_rotation_favours_east(sejjil):
    east = sejjil.max_range_km[sejjil.azimuths_deg.index(90.0)]
    west = sejjil.max_range_km[sejjil.azimuths_deg.index(270.0)]
    assert east > west + 50.0


def test_place_margins(sejjil):
    by = {m.name: m for m in sejjil.places}
    assert by["tehran"].margin_km > 0 > by["washington"].margin_km
    t = resolve_place("berlin")
    d = Geodesic.WGS84.Inverse(SEMNAN[0], SEMNAN[1], t.latitude_deg, t.longitude_deg)["s12"] / 1e3
    assert by["berlin"].distance_km == pytest.approx(d, abs=1e-3)
    assert by["berlin"].margin_km == pytest.approx(by["berlin"].max_range_km - d, abs=1e-6)
    assert [m.margin_km for m in sejjil.places] == sorted((m.margin_km for m in sejjil.places), reverse=True)


def test_geojson_ring_closed(sejjil):
    gj = reach_geojson(sejjil, name="test")
    ring = gj["features"][0]["geometry"]["coordinates"]
    assert ring[0] == ring[-1] and len(ring) == len(sejjil.azimuths_deg) + 1
    json.dumps(gj)


def test_bad_input():
    with pytest.raises(InputError, match=r"azimuth_step_deg must be within \[0.25, 90\], got 0.1"):
        reach(get_booster("sejjil-2").vehicle, *SEMNAN, azimuth_step_deg=0.1)


@pytest.mark.parametrize(
    ("args", "kw", "words"),
    [
        ((True, 53.39), {}, "latitude_deg must be a number, got True"),
        ((35.58, float("nan")), {}, r"longitude_deg must be within \[-360, 360\], got nan"),
        ((35.58, 400.0), {}, r"longitude_deg must be within \[-360, 360\], got 400.0"),
        (SEMNAN, {"payload_kg": True}, "payload_kg must be a number, got True"),
        (SEMNAN, {"azimuth_step_deg": float("inf")}, r"azimuth_step_deg must be within .* got inf"),
        (SEMNAN, {"iterations": True}, r"iterations must be a whole number within \[5, 80\], got True"),
        (SEMNAN, {"iterations": 1000}, r"iterations must be within \[5, 80\], got 1000"),
    ],
)
def test_numeric_parameters_refuse_bools_nan_inf_and_out_of_range(args, kw, words):
    with pytest.raises(InputError, match=words):
        reach(get_booster("sejjil-2").vehicle, *args, azimuth_step_deg=kw.pop("azimuth_step_deg", 90.0), **kw)


def test_longitude_300_is_normalised_to_minus_60():
    # the breaker's reach(vehicle, 39, 300): east longitudes 0-360 mean the same place as -60
    v = get_booster("sejjil-2").vehicle
    a = reach(v, 39.0, 300.0, azimuth_step_deg=90.0)
    b = reach(v, 39.0, -60.0, azimuth_step_deg=90.0)
    assert a.launch_longitude_deg == -60.0
    assert a.max_range_km == b.max_range_km and a.boundary_longitude_deg == b.boundary_longitude_deg


def test_cli_reach(tmp_path):
    out = tmp_path / "reach.geojson"
    res = CliRunner().invoke(
        app, ["reach", "semnan", "--missile", "sejjil-2", "--azimuth-step-deg", "90", "--geojson", str(out)]
    )
    assert res.exit_code == 0, res.output
    assert "margin km" in res.output and json.loads(out.read_text())["type"] == "FeatureCollection"
    res = CliRunner().invoke(app, ["reach", "semnan", "--missile", "nodong-9"])
    assert res.exit_code == 2 and "has no stage data" in res.output


def test_orbital_azimuths_reach_everywhere_not_zero_km_nor_an_error():
    # The catalog's Hwasong-15 (700 kg) puts its longest arc into orbit along one azimuth from Pyongyang
    # (168 deg at 1 deg steps: the coast never comes down): `reach` refused the whole map with "payload_kg
    # must leave the missile suborbital" (and bench_boost crashed on it); payload 0 used to be reported as
    # 0 km. Such an azimuth reaches every point along it: half the WGS84 meridian (geographiclib), and its
    # burnout state is a conic whose perigee is above the ground or whose speed is circular (closed form).
    import numpy as np

    from shieldcheck.boost import fly
    from shieldcheck.earth import MU_KM3_S2
    from shieldcheck.reach import HALF_MERIDIAN_KM

    half = Geodesic.WGS84.Inverse(90.0, 0.0, -90.0, 0.0)["s12"] / 1e3
    assert HALF_MERIDIAN_KM == pytest.approx(half, abs=1e-3)
    v = get_booster("hwasong-15").vehicle
    r = reach(v, 39.03, 125.75, azimuth_step_deg=1.0)
    rng = np.array(r.max_range_km)
    assert np.all(np.isfinite(rng)) and np.all(rng <= half + 1e-6) and np.all(rng > 5000.0)
    saturated = np.flatnonzero(rng == HALF_MERIDIAN_KM)
    assert saturated.size >= 1
    for i in saturated[:3]:
        b = fly(v, 39.03, 125.75, r.azimuths_deg[i], r.kick_deg[i])
        rv, vv = np.asarray(b.r_eci_km, float), np.asarray(b.v_eci_km_s, float)
        rn, vn = np.linalg.norm(rv), np.linalg.norm(vv)
        energy = vn**2 / 2 - MU_KM3_S2 / rn
        h = np.linalg.norm(np.cross(rv, vv))
        if energy < 0:
            a_ = -MU_KM3_S2 / (2 * energy)
            e = np.sqrt(max(0.0, 1 - h**2 / (MU_KM3_S2 * a_)))
            perigee = a_ * (1 - e)
        else:
            perigee = np.inf
        assert perigee > 6356.75 or vn >= np.sqrt(MU_KM3_S2 / rn)
    z = reach(v, 39.0, 125.75, payload_kg=0.0, azimuth_step_deg=30.0)
    assert set(z.max_range_km) == {HALF_MERIDIAN_KM}
    args = ["reach", "39,125.75", "--missile", "icbm-liquid-13000", "--payload-kg", "0"]
    args += ["--azimuth-step-deg", "30"]
    out = CliRunner().invoke(app, args)
    assert out.exit_code == 0 and "12 azimuth(s) reach everywhere" in " ".join(out.output.split())


def test_too_heavy_payload_is_no_liftoff_not_orbital():
    # payload 50,000 kg: the boost cannot lift off (range NaN, burnout speed 0), yet the error said the
    # missile "reaches orbital speed" and advised a heavier payload; now it names the no-liftoff
    from shieldcheck.catalog.boosters import get_booster
    from shieldcheck.errors import InputError
    from shieldcheck.reach import reach

    with pytest.raises(InputError, match=r"payload_kg: .*50000 kg \(no-liftoff\)") as e:
        reach(get_booster("hwasong-15").vehicle, 39.0, 125.75, payload_kg=50000.0, azimuth_step_deg=30.0)
    assert "orbital" not in str(e.value) and "heavier" not in str(e.value)


def test_places_of_the_wrong_type_are_an_input_error():
    # places="tokyo" was iterated letter by letter: AttributeError 'str' object has no attribute ...
    from shieldcheck.catalog.boosters import get_booster
    from shieldcheck.errors import InputError
    from shieldcheck.reach import reach

    with pytest.raises(InputError, match="places must be a sequence"):
        reach(get_booster("hwasong-15").vehicle, 39.0, 125.75, azimuth_step_deg=90.0, places="tokyo")
    # places=None (not iterable) was a TypeError "'NoneType' object is not iterable"
    with pytest.raises(InputError, match="places must be a sequence"):
        reach(get_booster("hwasong-15").vehicle, 39.0, 125.75, azimuth_step_deg=90.0, places=None)
