"""Tests for shieldcheck.catalog: the packaged data, name and coordinate resolution, and teaching errors."""

from __future__ import annotations

import math
import re
import shutil
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shieldcheck.catalog import (
    KINDS,
    MissileClass,
    Place,
    get_missile,
    load_missiles,
    load_places,
    missiles,
    places,
    resolve_place,
)
from shieldcheck.errors import InputError

# Constants of the minimum-energy closed form (shared references.md, "Constants").
MU_KM3_S2 = 398600.4418
R_SPHERE_KM = 6371.0

SOURCED_FIELDS = {
    "stages",
    "range_km",
    "burn_time_s",
    "burnout_altitude_km",
    "burnout_range_km",
    "max_burnout_speed_km_s",
}


def min_energy_burnout_speed_km_s(range_km: float) -> float:
    """Bate, Mueller & White 1971, ch. 6: Q* = 2 sin(Ψ/2)/(1 + sin(Ψ/2)), v = sqrt(Q* μ/R), Ψ = range/R."""
    s = math.sin(range_km / R_SPHERE_KM / 2.0)
    return math.sqrt(2.0 * s / (1.0 + s) * MU_KM3_S2 / R_SPHERE_KM)


# --------------------------------------------------------------------------------------------------------
# The packaged catalog


def test_catalog_loads_and_validates():
    all_places = places()
    all_missiles = missiles()
    assert len(all_places) >= 80
    assert len(all_missiles) >= 7
    assert all(isinstance(p, Place) for p in all_places)
    assert all(isinstance(m, MissileClass) for m in all_missiles)
    assert {p.kind for p in all_places} == set(KINDS)
    assert len({p.name for p in all_places}) == len(all_places)
    assert len({m.name for m in all_missiles}) == len(all_missiles)


def test_every_place_has_a_source_and_valid_coordinates():
    for p in places():
        assert p.source.strip(), p.name
        assert p.label.strip() and p.country.strip(), p.name
        assert -90.0 <= p.latitude_deg <= 90.0, p.name
        assert -180.0 <= p.longitude_deg <= 180.0, p.name
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", p.name), p.name


def test_every_missile_number_has_a_source():
    for m in missiles():
        assert set(m.sources) == SOURCED_FIELDS, m.name
        for field_name, text in m.sources.items():
            assert text.strip(), (m.name, field_name)
        assert m.propellant in ("liquid", "solid")
        assert m.stages >= 1
        assert m.range_km > 0 and m.burn_time_s > 0 and m.max_burnout_speed_km_s > 0
        assert 0 <= m.burnout_altitude_km
        assert 0 < m.burnout_range_km < m.range_km


def test_estimates_are_marked_as_estimates():
    # An engineering estimate says so at the start of its source and asks to be replaced.
    for m in missiles():
        for field_name, text in m.sources.items():
            if "estimate" in text.lower():
                assert text.startswith("estimate:"), (m.name, field_name)
                assert text.endswith("replace with better data"), (m.name, field_name)


def test_min_energy_closed_form_reference_vector():
    # shared references.md table (Bate, Mueller & White 1971 ch. 6): 1,000 / 3,000 / 10,000 km.
    assert min_energy_burnout_speed_km_s(1000.0) == pytest.approx(3.0161, abs=1e-4)
    assert min_energy_burnout_speed_km_s(3000.0) == pytest.approx(4.8650, abs=1e-4)
    assert min_energy_burnout_speed_km_s(10000.0) == pytest.approx(7.1981, abs=1e-4)


@pytest.mark.parametrize("missile", missiles(), ids=lambda m: m.name)
def test_max_burnout_speed_matches_min_energy_closed_form(missile):
    # The data may never drift from its stated derivation: recompute to 1e-4 km/s.
    expected = min_energy_burnout_speed_km_s(missile.range_km)
    assert missile.max_burnout_speed_km_s == pytest.approx(expected, abs=1e-4)
    assert missile.sources["max_burnout_speed_km_s"].startswith("derived:")
    assert "Bate, Mueller & White 1971" in missile.sources["max_burnout_speed_km_s"]


def test_aps_2003_boost_durations():
    # APS 2003 as reported by IEEE Spectrum 2005: liquid ~250 s, solid ~170 s (shared references.md).
    assert get_missile("icbm-liquid").burn_time_s == 250.0
    assert get_missile("icbm-solid").burn_time_s == 170.0
    assert "APS" in get_missile("icbm-liquid").sources["burn_time_s"]


def test_public_ranges_from_references():
    # shared references.md: Shahab-3 1,300-2,000 km; Sejjil ~2,000; Taepodong-2 6,700; SS-25/SS-27 ~10,500.
    assert get_missile("mrbm-1300").range_km == 1300.0
    assert get_missile("mrbm-2000").range_km == 2000.0
    assert get_missile("icbm-liquid").range_km == 6700.0
    assert get_missile("icbm-solid").range_km == 10500.0


# shared references.md, "Places (approximate)" and the 2007 European site table.
REFERENCE_PLACES = {
    "tehran": (35.69, 51.39),
    "semnan": (35.58, 53.39),
    "tabriz": (38.08, 46.29),
    "moscow": (55.76, 37.62),
    "kozelsk": (54.04, 35.78),
    "teykovo": (56.86, 40.54),
    "tatishchevo": (51.67, 45.60),
    "yoshkar-ola": (56.63, 47.89),
    "vypolzovo": (57.88, 33.67),
    "dombarovsky": (50.76, 59.53),
    "uzhur": (55.31, 89.83),
    "washington": (38.90, -77.04),
    "new-york": (40.71, -74.01),
    "berlin": (52.52, 13.40),
    "london": (51.51, -0.13),
    "paris": (48.86, 2.35),
    "warsaw": (52.23, 21.01),
    "prague": (50.08, 14.44),
    "redzikowo": (54.472, 17.124),
    "brdy": (49.62, 13.73),
    "kurecik": (38.35, 37.79),
    "fort-greely": (63.95, -145.73),
    "vandenberg": (34.74, -120.57),
}


@pytest.mark.parametrize("name", sorted(REFERENCE_PLACES))
def test_reference_places_match_references_md(name):
    lat, lon = REFERENCE_PLACES[name]
    p = resolve_place(name)
    assert p.name == name
    assert p.latitude_deg == pytest.approx(lat, abs=0.005)  # 0.005° ≈ 0.5 km
    assert p.longitude_deg == pytest.approx(lon, abs=0.005)


def test_places_by_kind():
    sites = places("defense_site")
    assert {"redzikowo", "fort-greely", "vandenberg", "deveselu"} <= {p.name for p in sites}
    assert all(p.kind == "defense_site" for p in sites)
    assert {"brdy", "kurecik", "fylingdales", "pituffik", "shemya", "vardo"} <= {
        p.name for p in places("radar_site")
    }
    assert sum(len(places(k)) for k in KINDS) == len(places())


def test_places_unknown_kind():
    with pytest.raises(InputError, match=re.escape("kind must be one of city, launch_area, icbm_field")):
        places("town")


def test_cache_returns_equal_data_and_is_not_mutated_through_results():
    assert places() == places()
    first = missiles()[0]
    first.sources["range_km"] = "tampered"
    assert missiles()[0].sources["range_km"] != "tampered"
    get_missile("icbm-solid").sources.clear()
    assert get_missile("icbm-solid").sources


# --------------------------------------------------------------------------------------------------------
# Names, labels and aliases


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("tehran", "tehran"),
        ("Tehran", "tehran"),
        ("  TEHRAN  ", "tehran"),
        ("Kurecik", "kurecik"),
        ("Kürecik", "kurecik"),
        ("KÜRECIK", "kurecik"),
        ("new york", "new-york"),
        ("New-York", "new-york"),
        ("new_york", "new-york"),
        ("New York", "new-york"),
        ("NYC", "new-york"),
        ("Washington, D.C.", "washington"),
        ("washington dc", "washington"),
        ("Yoshkar Ola", "yoshkar-ola"),
        ("Vardø", "vardo"),
        ("vardo", "vardo"),
        ("Globus II", "vardo"),
        ("Thule", "pituffik"),
        ("Musudan-ri", "tonghae"),
        ("Kiev", "kyiv"),
        ("Chisinau", "chisinau"),
        ("Chișinău", "chisinau"),
        ("Reykjavik", "reykjavik"),
        ("Cobra Dane", "shemya"),
        ("Shahrud", "shahroud"),
    ],
)
def test_resolve_place_by_name_label_alias_and_accent(text, name):
    assert resolve_place(text).name == name


# --------------------------------------------------------------------------------------------------------
# Coordinates


@pytest.mark.parametrize(
    ("text", "lat", "lon", "name"),
    [
        ("54.47,17.12", 54.47, 17.12, "54.47,17.12"),
        ("54.47, 17.12", 54.47, 17.12, "54.47,17.12"),
        (" 54.47 ,  17.12 ", 54.47, 17.12, "54.47,17.12"),
        ("-33.9,18.4", -33.9, 18.4, "-33.9,18.4"),
        ("51.51,-0.13", 51.51, -0.13, "51.51,-0.13"),
        ("+10,+20", 10.0, 20.0, "10,20"),
        ("38.9N,77.04W", 38.9, -77.04, "38.9,-77.04"),
        ("38.9 N, 77.04 W", 38.9, -77.04, "38.9,-77.04"),
        ("38.9°N, 77.04°W", 38.9, -77.04, "38.9,-77.04"),
        ("33.9s,18.4e", -33.9, 18.4, "-33.9,18.4"),
        ("77.04W, 38.9N", 38.9, -77.04, "38.9,-77.04"),
        ("38.9N 77.04W", 38.9, -77.04, "38.9,-77.04"),
        ("54.47; 17.12", 54.47, 17.12, "54.47,17.12"),
        ("90,180", 90.0, 180.0, "90,180"),
        ("-90,-180", -90.0, -180.0, "-90,-180"),
        ("-0,0", 0.0, 0.0, "0,0"),
    ],
)
def test_resolve_place_coordinates(text, lat, lon, name):
    p = resolve_place(text)
    assert (p.latitude_deg, p.longitude_deg) == (pytest.approx(lat, abs=1e-12), pytest.approx(lon, abs=1e-12))
    assert p.name == name
    assert p.kind == "point"
    assert p.source == "user coordinates"


@given(
    st.floats(min_value=-90.0, max_value=90.0, allow_nan=False),
    st.floats(min_value=-180.0, max_value=180.0, allow_nan=False),
)
def test_coordinates_round_trip_signed_and_hemisphere_forms(lat, lon):
    signed = resolve_place(f"{lat!r},{lon!r}")
    lettered = resolve_place(f"{abs(lat)!r}{'S' if lat < 0 else 'N'}, {abs(lon)!r}{'W' if lon < 0 else 'E'}")
    for p in (signed, lettered):
        assert p.latitude_deg == lat
        assert p.longitude_deg == lon
        assert p.kind == "point"


# --------------------------------------------------------------------------------------------------------
# Errors that teach (assert the text)


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        (
            "Teheran",
            "place",
            "place 'Teheran' is not in the catalog; did you mean 'tehran'? "
            "(list places with: shieldcheck places)",
        ),
        ("Redzikovo", "TO", "TO 'Redzikovo' is not in the catalog; did you mean 'redzikowo'?"),
        ("xyzzy", "place", "place 'xyzzy' is not in the catalog and is not coordinates (list places with"),
        ("95,0", "place", "place latitude_deg must be within [-90, 90], got 95.0"),
        ("-90.5, 0", "place", "place latitude_deg must be within [-90, 90], got -90.5"),
        ("0,200", "place", "place longitude_deg must be within [-180, 180], got 200.0"),
        ("95,0", "FROM", "FROM latitude_deg must be within [-90, 90], got 95.0"),
        ("0, -181", "FROM", "FROM longitude_deg must be within [-180, 180], got -181.0"),
        ("91N,0", "place", "place latitude_deg must be within [-90, 90], got 91.0"),
        ("nan,17", "place", "place latitude_deg must be a finite number, got nan"),
        ("54, inf", "place", "place longitude_deg must be a finite number, got inf"),
        ("54, -Infinity", "place", "place longitude_deg must be a finite number, got -inf"),
        ("", "place", "place must not be empty"),
        ("   ", "FROM", "FROM must not be empty"),
        ("54.47", "place", "place coordinates must be two numbers 'lat,lon' in decimal degrees"),
        ("1,2,3", "place", "place coordinates must be two numbers 'lat,lon'"),
        ("54.47,abc", "place", "place coordinates must be decimal degrees"),
        ("38.9E,77W", "place", "place coordinates need latitude first (N/S) then longitude (E/W)"),
        ("38.9N,77N", "place", "place coordinates need latitude first (N/S) then longitude (E/W)"),
        (
            "-38.9N,77W",
            "place",
            "place latitude_deg: give a sign or a hemisphere letter, not both, got '-38.9N'",
        ),
    ],
)
def test_resolve_place_errors(text, field, message):
    with pytest.raises(InputError, match=re.escape(message)):
        resolve_place(text, field=field)


def test_resolve_place_rejects_non_text():
    with pytest.raises(
        InputError, match=re.escape("place must be text (a catalog name or 'lat,lon'), got float")
    ):
        resolve_place(54.47)  # type: ignore[arg-type]


def test_get_missile_by_name_case_and_separators():
    assert get_missile("icbm-solid").name == "icbm-solid"
    assert get_missile("ICBM Solid").name == "icbm-solid"
    assert get_missile("icbm_liquid_10000").name == "icbm-liquid-10000"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "icbm-liqid",
            "missile 'icbm-liqid' is not in the catalog; did you mean 'icbm-liquid'? "
            "(list missiles with: shieldcheck missiles)",
        ),
        ("irbm", "did you mean 'irbm-3700' or 'irbm-5500'?"),
        ("minuteman", "missile 'minuteman' is not in the catalog (list missiles with: shieldcheck missiles)"),
        ("", "missile must not be empty"),
    ],
)
def test_get_missile_errors(name, message):
    with pytest.raises(InputError, match=re.escape(message)):
        get_missile(name)


# --------------------------------------------------------------------------------------------------------
# Broken files are rejected naming the file, the entry and the field

GOOD_PLACE = """\
- name: {name}
  label: "{label}"
  kind: city
  country: "Somewhere"
  latitude_deg: {lat}
  longitude_deg: 10.0
  source: "test"
"""


def _places_text(third: str) -> str:
    return (
        GOOD_PLACE.format(name="alpha", label="Alpha", lat=1.0)
        + GOOD_PLACE.format(name="beta", label="Beta", lat=2.0)
        + third
    )


def _write(tmp_path: Path, filename: str, text: str) -> Path:
    path = tmp_path / filename
    path.write_text(text, encoding="utf-8")
    return path


def test_load_places_from_a_path(tmp_path):
    path = _write(
        tmp_path, "places.yaml", _places_text(GOOD_PLACE.format(name="tehran", label="Tehran", lat=35.69))
    )
    loaded = load_places(path)
    assert [p.name for p in loaded] == ["alpha", "beta", "tehran"]
    assert loaded[2].latitude_deg == 35.69


def test_packaged_files_reload_from_a_copy(tmp_path):
    for filename, loader in (("places.yaml", load_places), ("missiles.yaml", load_missiles)):
        copy = tmp_path / filename
        with resources.as_file(resources.files("shieldcheck.catalog") / filename) as original:
            shutil.copyfile(original, copy)
        assert loader(copy) == loader()


@pytest.mark.parametrize(
    ("third", "message"),
    [
        (
            GOOD_PLACE.format(name="tehran", label="Tehran", lat=95.0),
            "places.yaml: entry 3 (tehran) latitude_deg: must be within [-90, 90], got 95.0",
        ),
        (
            GOOD_PLACE.format(name="tehran", label="Tehran", lat=".nan"),
            "places.yaml: entry 3 (tehran) latitude_deg: must be a finite number, got nan",
        ),
        (
            GOOD_PLACE.format(name="tehran", label="Tehran", lat='"35.69"'),
            "places.yaml: entry 3 (tehran) latitude_deg: input should be a valid number, got '35.69'",
        ),
        (
            GOOD_PLACE.format(name="tehran", label="Tehran", lat=35.69).replace(
                "longitude_deg: 10.0", "longitude_deg: 200"
            ),
            "places.yaml: entry 3 (tehran) longitude_deg: must be within [-180, 180], got 200.0",
        ),
        (
            GOOD_PLACE.format(name="tehran", label="Tehran", lat=35.69).replace("kind: city", "kind: town"),
            "places.yaml: entry 3 (tehran) kind: must be one of city, launch_area, icbm_field, defense_site, "
            "radar_site; got 'town'",
        ),
        (
            GOOD_PLACE.format(name="tehran", label="Tehran", lat=35.69).replace('  source: "test"\n', ""),
            "places.yaml: entry 3 (tehran) source: required field is missing",
        ),
        (
            GOOD_PLACE.format(name="tehran", label="Tehran", lat=35.69).replace(
                'source: "test"', 'source: "  "'
            ),
            "places.yaml: entry 3 (tehran) source: must not be empty",
        ),
        (
            GOOD_PLACE.format(name="tehran", label="Tehran", lat=35.69) + "  population: 9000000\n",
            "places.yaml: entry 3 (tehran) population: unknown field",
        ),
        (
            GOOD_PLACE.format(name="Tehran City", label="Tehran", lat=35.69),
            "places.yaml: entry 3 (Tehran City) name: must be lower-case letters and digits joined by '-'",
        ),
        (
            GOOD_PLACE.format(name="tehran", label="Alpha", lat=35.69),
            "places.yaml: entry 3 (tehran) label: 'Alpha' already names entry 1 (alpha)",
        ),
        (
            GOOD_PLACE.format(name="beta", label="Beta 2", lat=35.69),
            "places.yaml: entry 3 (beta) name: 'beta' already names entry 2 (beta)",
        ),
        (
            GOOD_PLACE.format(name="tehran", label="Tehran", lat=35.69) + "  aliases: [beta]\n",
            "places.yaml: entry 3 (tehran) aliases: 'beta' already names entry 2 (beta)",
        ),
        (
            GOOD_PLACE.format(name="tehran", label="Tehran", lat=35.69) + "  latitude_deg: 1.0\n",
            "places.yaml: not valid YAML: line 22, column 3: found the key 'latitude_deg' twice",
        ),
        ("- just a string\n", "places.yaml: entry 3: must be a mapping of fields, got str"),
        ("- name: [unclosed\n", "places.yaml: not valid YAML"),
    ],
)
def test_broken_places_file_is_rejected(tmp_path, third, message):
    path = _write(tmp_path, "places.yaml", _places_text(third))
    with pytest.raises(InputError, match=re.escape(message)):
        load_places(path)


def test_places_file_must_be_a_list(tmp_path):
    path = _write(tmp_path, "my-places.yaml", "name: tehran\n")
    with pytest.raises(
        InputError, match=re.escape("my-places.yaml: must be a non-empty YAML list of entries")
    ):
        load_places(path)


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match=re.escape("cannot read the catalog file")):
        load_places(tmp_path / "nope.yaml")


GOOD_MISSILE = """\
- name: test-icbm
  label: "Test ICBM"
  propellant: solid
  stages: {value: 3, source: "test"}
  range_km: {value: 10000, source: "test"}
  burn_time_s: {value: 170, source: "test"}
  burnout_altitude_km: {value: 200, source: "test"}
  burnout_range_km: {value: 450, source: "test"}
  max_burnout_speed_km_s: {value: 7.1981, source: "test"}
"""


def test_load_missiles_from_a_path(tmp_path):
    (m,) = load_missiles(_write(tmp_path, "missiles.yaml", GOOD_MISSILE))
    assert (m.name, m.stages, m.range_km, m.max_burnout_speed_km_s) == ("test-icbm", 3, 10000.0, 7.1981)
    assert m.sources["burn_time_s"] == "test"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'range_km: {value: 10000, source: "test"}',
            'range_km: {value: -5, source: "test"}',
            "missiles.yaml: entry 1 (test-icbm) range_km.value: must be > 0, got -5.0",
        ),
        (
            'burn_time_s: {value: 170, source: "test"}',
            "burn_time_s: {value: 170}",
            "missiles.yaml: entry 1 (test-icbm) burn_time_s.source: required field is missing",
        ),
        (
            'burn_time_s: {value: 170, source: "test"}',
            "burn_time_s: 170",
            "missiles.yaml: entry 1 (test-icbm) burn_time_s: must be a mapping {value: <number>, source:",
        ),
        (
            'burnout_altitude_km: {value: 200, source: "test"}',
            'burnout_altitude_km: {value: -1, source: "test"}',
            "missiles.yaml: entry 1 (test-icbm) burnout_altitude_km.value: must be >= 0, got -1.0",
        ),
        (
            'burnout_range_km: {value: 450, source: "test"}',
            'burnout_range_km: {value: 12000, source: "test"}',
            "missiles.yaml: entry 1 (test-icbm): burnout_range_km must be less than range_km, "
            "got 12000.0 >= 10000.0",
        ),
        (
            'stages: {value: 3, source: "test"}',
            'stages: {value: 2.5, source: "test"}',
            "missiles.yaml: entry 1 (test-icbm) stages.value: input should be a valid integer, got 2.5",
        ),
        (
            "propellant: solid",
            "propellant: hybrid",
            "missiles.yaml: entry 1 (test-icbm) propellant: must be one of liquid, solid; got 'hybrid'",
        ),
        (
            'range_km: {value: 10000, source: "test"}',
            'range_km: {value: 10000, source: "test", note: "x"}',
            "missiles.yaml: entry 1 (test-icbm) range_km.note: unknown field",
        ),
    ],
)
def test_broken_missiles_file_is_rejected(tmp_path, old, new, message):
    assert old in GOOD_MISSILE
    path = _write(tmp_path, "missiles.yaml", GOOD_MISSILE.replace(old, new))
    with pytest.raises(InputError, match=re.escape(message)):
        load_missiles(path)


def test_duplicate_missile_names_rejected(tmp_path):
    path = _write(tmp_path, "missiles.yaml", GOOD_MISSILE + GOOD_MISSILE)
    with pytest.raises(
        InputError, match=re.escape("missiles.yaml: entry 2 (test-icbm) name: already used by entry 1")
    ):
        load_missiles(path)
