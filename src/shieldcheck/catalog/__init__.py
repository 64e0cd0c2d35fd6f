"""Catalog of named places, threat missile classes, interceptors and radars, each number with its source.

The data live beside this module in four YAML files, shipped as package data:

``places.yaml``
    cities, launch areas, ICBM fields, missile-defense and radar sites: decimal degrees (north and east
    positive, WGS84), each with a ``source``.
``missiles.yaml``
    generic threat classes (``srbm-600`` ... ``icbm-solid``), not specific systems. Every numeric field is
    ``{value, source}``; sources that begin with ``estimate:`` are marked engineering estimates.
    ``max_burnout_speed_km_s`` is derived from ``range_km`` by the minimum-energy closed form on a
    non-rotating sphere (Bate, Mueller & White, *Fundamentals of Astrodynamics*, 1971, ch. 6), and the
    test suite recomputes it.
``interceptors.yaml``, ``radars.yaml``
    publicly described defense systems (GBI, SM-3 blocks, THAAD, Arrow 3; AN/TPY-2, the early-warning
    radars, Cobra Dane, SBX, LRDR, SPY-1, Gabala, Armavir). Every number is ``{value, source}``;
    contested figures are named ``alternatives``. Scenarios refer to an entry by name
    (``{catalog: sm3-iia}``) and may override any number (see `shieldcheck.scenario`).

All files are validated at load time by strict pydantic models (unknown fields, wrong types and values
out of range are errors naming the file, the entry and the field) and cached. Users name places by
catalog name, label or alias, ignoring case, accents, spaces, hyphens and underscores, or give
coordinates as ``"lat,lon"`` in decimal degrees, optionally with hemisphere letters (``"38.9N,77.04W"``).

Units: degrees for latitude and longitude, km for ranges and altitudes, s for times, km/s for speeds.

>>> resolve_place("Kurecik").label
'Kürecik'
>>> resolve_place("new york").name
'new-york'
>>> resolve_place("38.9N, 77.04W").name
'38.9,-77.04'
>>> get_missile("icbm-solid").burn_time_s
170.0
>>> get_interceptor("sm3-iib").values["burnout_speed_km_s"]
5.5
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from shieldcheck.errors import InputError

__all__ = [
    "KINDS",
    "PROPELLANTS",
    "CatalogAlternative",
    "CatalogSystem",
    "MissileClass",
    "Place",
    "get_interceptor",
    "get_missile",
    "get_radar",
    "interceptors",
    "load_interceptors",
    "load_missiles",
    "load_places",
    "load_radars",
    "missiles",
    "places",
    "radars",
    "resolve_place",
]

#: Kinds of catalog place. A place made from user coordinates has kind ``"point"``.
KINDS: tuple[str, ...] = ("city", "launch_area", "icbm_field", "defense_site", "radar_site")

#: Propellant types of a missile class.
PROPELLANTS: tuple[str, ...] = ("liquid", "solid")

_PLACES_FILE = "places.yaml"
_MISSILES_FILE = "missiles.yaml"
_LIST_PLACES_HINT = "list places with: shieldcheck places"
_LIST_MISSILES_HINT = "list missiles with: shieldcheck missiles"


# --------------------------------------------------------------------------------------------------------
# Public result types


@dataclass(frozen=True, slots=True)
class Place:
    """A named place, or a point given by the user as coordinates.

    Attributes
    ----------
    name : str
        Canonical id, lower-case and hyphenated (``"new-york"``); for user coordinates ``"lat,lon"``.
    label : str
        Display name (``"New York"``).
    kind : str
        One of :data:`KINDS`, or ``"point"`` for user coordinates.
    country : str
        Country (empty for user coordinates).
    latitude_deg, longitude_deg : float
        Geodetic latitude and longitude, degrees, north and east positive.
    source : str
        Public source of the coordinates (``"user coordinates"`` for a point).
    aliases : tuple of str
        Other accepted spellings.
    note : str
        Free-text remark (e.g. that a city stands in for a nearby military area).
    """

    name: str
    label: str
    kind: str
    country: str
    latitude_deg: float
    longitude_deg: float
    source: str
    aliases: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True)
class MissileClass:
    """A generic threat missile class with a public source for every number.

    Attributes
    ----------
    name, label : str
        Canonical id (``"icbm-solid"``) and display name.
    propellant : str
        ``"liquid"`` or ``"solid"``.
    stages : int
        Number of stages.
    range_km : float
        Nominal maximum ground range, km.
    burn_time_s : float
        Time from launch to final-stage burnout, s.
    burnout_altitude_km : float
        Altitude above the surface at burnout, km.
    burnout_range_km : float
        Ground distance downrange of the launch point at burnout, km.
    max_burnout_speed_km_s : float
        Minimum-energy burnout speed for ``range_km`` on a non-rotating sphere (R = 6371 km,
        μ = 398600.4418 km³/s²), burnout at the surface: Ψ = range/R, Q* = 2 sin(Ψ/2)/(1 + sin(Ψ/2)),
        v = √(Q* μ/R) (Bate, Mueller & White 1971, ch. 6). km/s.
    sources : dict of str to str
        Field name -> public source of that number (``stages`` included).
    note : str
        Free-text remark.
    booster : str
        The stage set (``catalog/boosters.yaml``) that flies this class when its boost is staged; empty
        when the class has none (kinematic boost only). Replace it (``dataclasses.replace``) to fly
        another stage set.
    booster_why : str
        Why that stage set stands for the class.
    """

    name: str
    label: str
    propellant: str
    stages: int
    range_km: float
    burn_time_s: float
    burnout_altitude_km: float
    burnout_range_km: float
    max_burnout_speed_km_s: float
    sources: dict[str, str] = field(hash=False)
    note: str = ""
    booster: str = ""
    booster_why: str = ""


# --------------------------------------------------------------------------------------------------------
# Validation models for the YAML files (the input boundary)

_NAME_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _number_text(value: float) -> str:
    return repr(float(value))


def _check_text(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("empty", "must not be empty")
    return value


def _check_name(value: str) -> str:
    if not _NAME_RE.fullmatch(value):
        raise PydanticCustomError(
            "name",
            "must be lower-case letters and digits joined by '-', e.g. 'new-york', got {got}",
            {"got": repr(value)},
        )
    return value


def _check_finite(value: float) -> float:
    if not math.isfinite(value):
        raise PydanticCustomError(
            "finite", "must be a finite number, got {got}", {"got": _number_text(value)}
        )
    return value


def _check_within(value: float, lo: int, hi: int) -> float:
    _check_finite(value)
    if not lo <= value <= hi:
        raise PydanticCustomError(
            "range",
            "must be within [{lo}, {hi}], got {got}",
            {"lo": lo, "hi": hi, "got": _number_text(value)},
        )
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class _PlaceModel(_Strict):
    name: str
    label: str
    aliases: list[str] = []
    kind: str
    country: str
    latitude_deg: float
    longitude_deg: float
    source: str
    note: str = ""

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _check_name(value)

    @field_validator("label", "country", "source")
    @classmethod
    def _text(cls, value: str) -> str:
        return _check_text(value)

    @field_validator("aliases")
    @classmethod
    def _aliases(cls, value: list[str]) -> list[str]:
        for alias in value:
            if not _key(alias):
                raise PydanticCustomError(
                    "alias", "each alias needs a letter or digit, got {got}", {"got": repr(alias)}
                )
        return value

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        if value not in KINDS:
            raise PydanticCustomError(
                "kind", "must be one of {kinds}; got {got}", {"kinds": ", ".join(KINDS), "got": repr(value)}
            )
        return value

    @field_validator("latitude_deg")
    @classmethod
    def _latitude(cls, value: float) -> float:
        return _check_within(value, -90, 90)

    @field_validator("longitude_deg")
    @classmethod
    def _longitude(cls, value: float) -> float:
        return _check_within(value, -180, 180)


class _Sourced(_Strict):
    value: float
    source: str

    @field_validator("source")
    @classmethod
    def _source(cls, value: str) -> str:
        return _check_text(value)


class _Positive(_Sourced):
    @field_validator("value")
    @classmethod
    def _positive(cls, value: float) -> float:
        _check_finite(value)
        if value <= 0:
            raise PydanticCustomError("positive", "must be > 0, got {got}", {"got": _number_text(value)})
        return value


class _NonNegative(_Sourced):
    @field_validator("value")
    @classmethod
    def _non_negative(cls, value: float) -> float:
        _check_finite(value)
        if value < 0:
            raise PydanticCustomError("non_negative", "must be >= 0, got {got}", {"got": _number_text(value)})
        return value


class _Stages(_Strict):
    value: int
    source: str

    @field_validator("value")
    @classmethod
    def _at_least_one(cls, value: int) -> int:
        if value < 1:
            raise PydanticCustomError("stages", "must be a whole number >= 1, got {got}", {"got": value})
        return value

    @field_validator("source")
    @classmethod
    def _source(cls, value: str) -> str:
        return _check_text(value)


_SOURCED_FIELDS = (
    "stages",
    "range_km",
    "burn_time_s",
    "burnout_altitude_km",
    "burnout_range_km",
    "max_burnout_speed_km_s",
)


class _BoosterLink(_Strict):
    """A class's stage set: ``booster: {name, why}`` (the name is checked against boosters.yaml on load)."""

    name: Annotated[str, AfterValidator(_check_name)]
    why: Annotated[str, AfterValidator(_check_text)]


class _MissileModel(_Strict):
    name: str
    label: str
    propellant: str
    stages: _Stages
    range_km: _Positive
    burn_time_s: _Positive
    burnout_altitude_km: _NonNegative
    burnout_range_km: _Positive
    max_burnout_speed_km_s: _Positive
    note: str = ""
    booster: _BoosterLink | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _check_name(value)

    @field_validator("label")
    @classmethod
    def _text(cls, value: str) -> str:
        return _check_text(value)

    @field_validator("propellant")
    @classmethod
    def _propellant(cls, value: str) -> str:
        if value not in PROPELLANTS:
            raise PydanticCustomError(
                "propellant",
                "must be one of {allowed}; got {got}",
                {"allowed": ", ".join(PROPELLANTS), "got": repr(value)},
            )
        return value

    @model_validator(mode="after")
    def _burnout_before_impact(self) -> _MissileModel:
        if self.burnout_range_km.value >= self.range_km.value:
            raise PydanticCustomError(
                "burnout_range",
                "burnout_range_km must be less than range_km, got {br} >= {r}",
                {"br": _number_text(self.burnout_range_km.value), "r": _number_text(self.range_km.value)},
            )
        return self


# --------------------------------------------------------------------------------------------------------
# Reading and checking the files


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe YAML loader that rejects a key repeated within one mapping (PyYAML keeps the last)."""


def _construct_unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                "while reading a mapping",
                node.start_mark,
                f"found the key {key!r} twice",
                key_node.start_mark,
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping)


def _read_entries(text: str, filename: str) -> list[dict[str, Any]]:
    from shieldcheck._yaml import load_yaml  # YAML 1.2 core schema, bounded, one-line errors

    data = load_yaml(text, filename)
    if not isinstance(data, list) or not data:
        raise InputError(f"{filename}: must be a non-empty YAML list of entries, got {type(data).__name__}")
    for index, entry in enumerate(data, start=1):
        if not isinstance(entry, dict):
            raise InputError(
                f"{filename}: entry {index}: must be a mapping of fields, got {type(entry).__name__}"
            )
    return data


def _read_text(path: str | os.PathLike[str] | None, default_name: str) -> tuple[str, str]:
    if path is None:
        return resources.files(__name__).joinpath(default_name).read_text(encoding="utf-8"), default_name
    from shieldcheck._yaml import read_text  # bounded size, UTF-8 checked, one-line errors

    p = Path(path)
    return read_text(p, "catalog file"), p.name


def _validation_error(filename: str, index: int, entry: dict[str, Any], err: ValidationError) -> InputError:
    ident = entry.get("name") if isinstance(entry.get("name"), str) else "unnamed"
    lines = []
    for e in err.errors(include_url=False):
        loc = ".".join(str(part) for part in e["loc"])
        msg = e["msg"]
        if e["type"] == "extra_forbidden":
            msg = "unknown field (check the spelling against the other entries)"
        elif e["type"] == "missing":
            msg = "required field is missing"
        elif e["type"] in ("model_type", "model_attributes_type", "dict_type"):
            msg = f"must be a mapping {{value: <number>, source: '<citation>'}}, got {e['input']!r}"
        elif e["type"].endswith("_type"):
            msg = f"{msg[:1].lower()}{msg[1:]}, got {e['input']!r}"
        where = f"{filename}: entry {index} ({ident})"
        lines.append(f"{where} {loc}: {msg}" if loc else f"{where}: {msg}")
    return InputError("\n".join(lines))


def _validate(
    entries: Iterable[tuple[int, dict[str, Any]]], model: type[_Strict], filename: str
) -> list[Any]:
    out = []
    for index, entry in entries:
        try:
            out.append(model.model_validate(entry))
        except ValidationError as err:
            raise _validation_error(filename, index, entry, err) from None
    return out


def _parse_places(text: str, filename: str) -> list[Place]:
    entries = _read_entries(text, filename)
    checked: list[_PlaceModel] = _validate(enumerate(entries, start=1), _PlaceModel, filename)
    owner: dict[str, tuple[int, str]] = {}
    for index, m in enumerate(checked, start=1):
        for what, spelling in [("name", m.name), ("label", m.label), *(("aliases", a) for a in m.aliases)]:
            key = _key(spelling)
            previous = owner.get(key)
            if previous is not None and previous[0] != index:
                raise InputError(
                    f"{filename}: entry {index} ({m.name}) {what}: {spelling!r} already names entry "
                    f"{previous[0]} ({previous[1]}); names, labels and aliases must be unique"
                )
            owner[key] = (index, m.name)
    return [
        Place(
            name=m.name,
            label=m.label,
            kind=m.kind,
            country=m.country,
            latitude_deg=m.latitude_deg,
            longitude_deg=m.longitude_deg,
            source=m.source,
            aliases=tuple(m.aliases),
            note=m.note,
        )
        for m in checked
    ]


def _parse_missiles(text: str, filename: str) -> list[MissileClass]:
    entries = _read_entries(text, filename)
    checked: list[_MissileModel] = _validate(enumerate(entries, start=1), _MissileModel, filename)
    first: dict[str, int] = {}
    for index, m in enumerate(checked, start=1):
        if m.name in first:
            raise InputError(
                f"{filename}: entry {index} ({m.name}) name: already used by entry {first[m.name]}; "
                "names must be unique"
            )
        first[m.name] = index
    return [
        MissileClass(
            name=m.name,
            label=m.label,
            propellant=m.propellant,
            stages=m.stages.value,
            range_km=m.range_km.value,
            burn_time_s=m.burn_time_s.value,
            burnout_altitude_km=m.burnout_altitude_km.value,
            burnout_range_km=m.burnout_range_km.value,
            max_burnout_speed_km_s=m.max_burnout_speed_km_s.value,
            sources={f: getattr(m, f).source for f in _SOURCED_FIELDS},
            note=m.note,
            booster=m.booster.name if m.booster else "",
            booster_why=m.booster.why if m.booster else "",
        )
        for m in checked
    ]


def load_places(path: str | os.PathLike[str] | None = None) -> list[Place]:
    """Read and validate a places file (default: the packaged ``places.yaml``), without caching.

    Parameters
    ----------
    path : str or path-like, optional
        A YAML file in the ``places.yaml`` format. ``None`` reads the packaged catalog.

    Returns
    -------
    list of Place

    Raises
    ------
    InputError
        If the file cannot be read, is not YAML, or an entry breaks a rule; the message names the file,
        the entry (1-based) and the field, e.g.
        ``places.yaml: entry 3 (tehran) latitude_deg: must be within [-90, 90], got 95.0``.

    >>> len(load_places()) == len(places())
    True
    """
    text, filename = _read_text(path, _PLACES_FILE)
    return _parse_places(text, filename)


def load_missiles(path: str | os.PathLike[str] | None = None) -> list[MissileClass]:
    """Read and validate a missile-class file (default: the packaged ``missiles.yaml``), without caching.

    Parameters
    ----------
    path : str or path-like, optional
        A YAML file in the ``missiles.yaml`` format. ``None`` reads the packaged catalog.

    Returns
    -------
    list of MissileClass

    Raises
    ------
    InputError
        As :func:`load_places`, e.g.
        ``missiles.yaml: entry 2 (mrbm-1300) range_km.value: must be > 0, got -5.0``.

    >>> [m.name for m in load_missiles()][:2]
    ['srbm-600', 'mrbm-1300']
    """
    text, filename = _read_text(path, _MISSILES_FILE)
    return _parse_missiles(text, filename)


@cache
def _catalog_places() -> tuple[Place, ...]:
    return tuple(load_places())


@cache
def _catalog_missiles() -> tuple[MissileClass, ...]:
    return tuple(load_missiles())


# --------------------------------------------------------------------------------------------------------
# Name matching

_FOLD = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"})


def _key(text: str) -> str:
    """Matching key: case, accents and runs of spaces/punctuation ('-', '_', '.', ',') do not matter."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_FOLD)
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


@cache
def _place_index() -> dict[str, Place]:
    index: dict[str, Place] = {}
    for place in _catalog_places():
        for spelling in (place.name, place.label, *place.aliases):
            index[_key(spelling)] = place
    return index


@cache
def _missile_index() -> dict[str, MissileClass]:
    return {_key(m.name): m for m in _catalog_missiles()}


def _did_you_mean(key: str, index: dict[str, Any]) -> str:
    """Suggest the closest catalog names: similarity >= 0.6 and within 0.1 of the best match."""
    scored = sorted(
        ((difflib.SequenceMatcher(None, key, k).ratio(), k) for k in index), key=lambda t: (-t[0], t[1])
    )
    best = scored[0][0] if scored else 0.0
    names: list[str] = []
    for ratio, close in scored:
        if ratio < max(0.6, best - 0.1):
            break
        name = index[close].name
        if name not in names:
            names.append(name)
    quoted = [f"'{n}'" for n in names[:3]]
    if not quoted:
        return ""
    if len(quoted) == 1:
        return f"; did you mean {quoted[0]}?"
    return f"; did you mean {', '.join(quoted[:-1])} or {quoted[-1]}?"


# --------------------------------------------------------------------------------------------------------
# Coordinates

_COORD_PART = re.compile(
    r"(?P<num>[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?|[+-]?(?:nan|inf(?:inity)?))\s*°?\s*(?P<hemi>[nsew])?",
    re.IGNORECASE,
)
_NUMERIC_HINT = re.compile(r"\d|\b(?:nan|inf|infinity)\b", re.IGNORECASE)
_EXAMPLES = "e.g. '54.47,17.12', '-33.9, 18.4' or '38.9N,77.04W'"


def _split_coordinates(text: str) -> list[str] | None:
    """The two parts of a coordinate pair, or None if the text does not look like one."""
    if "," in text or ";" in text:
        parts = re.split(r"[,;]", text)
    else:
        parts = text.split()
    if not any(_NUMERIC_HINT.search(p) for p in parts):
        return None
    return [p.strip() for p in parts]


def _parse_coordinates(text: str, field: str) -> tuple[float, float] | None:
    parts = _split_coordinates(text)
    if parts is None:
        return None
    if len(parts) != 2:
        raise InputError(
            f"{field} coordinates must be two numbers 'lat,lon' in decimal degrees ({_EXAMPLES}), "
            f"got {text!r}"
        )
    read: list[tuple[float, str, str]] = []
    for part in parts:
        match = _COORD_PART.fullmatch(part)
        if match is None:
            raise InputError(
                f"{field} coordinates must be decimal degrees ({_EXAMPLES}); "
                f"could not read {part!r} in {text!r}"
            )
        read.append((float(match["num"]), (match["hemi"] or "").upper(), part))
    (a, ha, pa), (b, hb, pb) = read
    if ha in ("E", "W") and hb in ("N", "S"):  # written as 'lon,lat' with letters: swap
        (a, ha, pa), (b, hb, pb) = (b, hb, pb), (a, ha, pa)
    if ha in ("E", "W") or hb in ("N", "S"):
        raise InputError(
            f"{field} coordinates need latitude first (N/S) then longitude (E/W), got {text!r}; {_EXAMPLES}"
        )
    values = []
    for name, value, hemi, part in (("latitude_deg", a, ha, pa), ("longitude_deg", b, hb, pb)):
        if hemi and (value < 0 or part.lstrip().startswith(("+", "-"))):
            raise InputError(f"{field} {name}: give a sign or a hemisphere letter, not both, got {part!r}")
        values.append(-value if hemi in ("S", "W") else value)
    lat, lon = values
    for name, value, bound in (("latitude_deg", lat, 90), ("longitude_deg", lon, 180)):
        if not math.isfinite(value):
            raise InputError(f"{field} {name} must be a finite number, got {_number_text(value)}")
        if not -bound <= value <= bound:
            raise InputError(f"{field} {name} must be within [-{bound}, {bound}], got {_number_text(value)}")
    return lat, lon


def _short(value: float) -> str:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _point(lat: float, lon: float) -> Place:
    lat, lon = lat + 0.0, lon + 0.0  # fold -0.0 into 0.0
    label = f"{_short(abs(lat))}°{'N' if lat >= 0 else 'S'} {_short(abs(lon))}°{'E' if lon >= 0 else 'W'}"
    return Place(
        name=f"{_short(lat)},{_short(lon)}",
        label=label,
        kind="point",
        country="",
        latitude_deg=lat,
        longitude_deg=lon,
        source="user coordinates",
    )


# --------------------------------------------------------------------------------------------------------
# Public API


def places(kind: str | None = None) -> list[Place]:
    """Catalog places, in file order, optionally only those of one kind.

    Parameters
    ----------
    kind : str, optional
        One of :data:`KINDS`.

    Returns
    -------
    list of Place

    >>> [p.name for p in places("defense_site")]
    ['redzikowo', 'fort-greely', 'vandenberg', 'deveselu', 'incirlik']
    """
    if kind is not None and kind not in KINDS:
        raise InputError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
    return [p for p in _catalog_places() if kind is None or p.kind == kind]


def missiles() -> list[MissileClass]:
    """Catalog missile classes, in file order.

    Returns
    -------
    list of MissileClass
        Fresh objects each call (their ``sources`` dicts may be changed without touching the cache).

    >>> [m.name for m in missiles() if m.propellant == "solid"][:2]
    ['mrbm-2000', 'icbm-solid']
    """
    return [dataclasses.replace(m, sources=dict(m.sources)) for m in _catalog_missiles()]


def get_missile(name: str, field: str = "missile") -> MissileClass:
    """The missile class with this catalog name (case, spaces and underscores do not matter).

    Parameters
    ----------
    name : str
        Catalog name, e.g. ``"icbm-liquid"``.
    field : str, optional
        Name of the user-facing field, used in error messages.

    Returns
    -------
    MissileClass

    Raises
    ------
    InputError
        If the name is not in the catalog; the message suggests close names.

    >>> get_missile("ICBM liquid").range_km
    6700.0
    >>> get_missile("icbm-liqid")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    shieldcheck.errors.InputError: missile 'icbm-liqid' is not in the catalog; did you mean 'icbm-liquid'? ...
    """
    if not isinstance(name, str):
        raise InputError(f"{field} must be a missile class name (text), got {type(name).__name__}")
    if not name.strip():
        raise InputError(f"{field} must not be empty; give a missile class name, e.g. 'icbm-solid'")
    found = _missile_index().get(_key(name))
    if found is None:
        hint = _did_you_mean(_key(name), _missile_index())
        raise InputError(f"{field} {name.strip()!r} is not in the catalog{hint} ({_LIST_MISSILES_HINT})")
    return dataclasses.replace(found, sources=dict(found.sources))


def resolve_place(text: str, field: str = "place") -> Place:
    """A catalog place by name, label or alias, or a point from ``"lat,lon"`` decimal degrees.

    Names match ignoring case, accents, spaces, hyphens and underscores (``"Kurecik"``, ``"Kürecik"``,
    ``"new york"``, ``"New-York"``). Coordinates are latitude then longitude, separated by a comma (or a
    semicolon, or spaces), with a sign or a hemisphere letter: ``"54.47, 17.12"``, ``"-33.9,18.4"``,
    ``"38.9N,77.04W"``. A point gets name ``"lat,lon"``, kind ``"point"`` and source ``"user coordinates"``.

    Parameters
    ----------
    text : str
        What the user typed.
    field : str, optional
        Name of the user-facing field (e.g. ``"FROM"``), used in error messages.

    Returns
    -------
    Place

    Raises
    ------
    InputError
        For an empty or unknown name (with close names suggested), unreadable coordinates, non-finite
        values, or latitude/longitude outside [-90, 90]/[-180, 180]. Messages name the field and rule.

    >>> p = resolve_place("Redzikowo")
    >>> (p.kind, p.latitude_deg, p.longitude_deg)
    ('defense_site', 54.472, 17.124)
    >>> resolve_place("54.47, 17.12").name
    '54.47,17.12'
    >>> resolve_place("95,0", field="FROM")
    Traceback (most recent call last):
    ...
    shieldcheck.errors.InputError: FROM latitude_deg must be within [-90, 90], got 95.0
    """
    if not isinstance(text, str):
        raise InputError(f"{field} must be text (a catalog name or 'lat,lon'), got {type(text).__name__}")
    stripped = text.strip()
    if not stripped:
        raise InputError(
            f"{field} must not be empty; give a catalog name such as 'tehran' or coordinates 'lat,lon' "
            f"in decimal degrees ({_EXAMPLES})"
        )
    index = _place_index()
    found = index.get(_key(stripped))
    if found is not None:
        return found
    coordinates = _parse_coordinates(stripped, field)
    if coordinates is not None:
        return _point(*coordinates)
    hint = _did_you_mean(_key(stripped), index)
    if hint:
        raise InputError(f"{field} {stripped!r} is not in the catalog{hint} ({_LIST_PLACES_HINT})")
    raise InputError(
        f"{field} {stripped!r} is not in the catalog and is not coordinates ({_LIST_PLACES_HINT}; "
        f"or give 'lat,lon' in decimal degrees, {_EXAMPLES})"
    )


# --------------------------------------------------------------------------------------------------------
# Defense systems: interceptor types and radars

_INTERCEPTORS_FILE = "interceptors.yaml"
_RADARS_FILE = "radars.yaml"

#: Numeric fields of an interceptor entry (those of `shieldcheck.interceptors.InterceptorType`).
INTERCEPTOR_FIELDS: tuple[str, ...] = (
    "burnout_speed_km_s",
    "burn_time_s",
    "burnout_altitude_km",
    "min_intercept_altitude_km",
    "max_intercept_altitude_km",
    "max_coast_time_s",
    "launch_delay_s",
)
#: Numeric fields of a radar entry (those of `shieldcheck.sensors.GroundRadar`).
RADAR_FIELDS: tuple[str, ...] = (
    "max_range_km",
    "reference_rcs_m2",
    "altitude_km",
    "elevation_mask_deg",
    "max_elevation_deg",
    "k_factor",
    "boresight_azimuth_deg",
    "half_width_deg",
)
#: Status of a defense system.
STATUSES: tuple[str, ...] = ("deployed", "cancelled", "closed", "proposed")


@dataclass(frozen=True, slots=True)
class CatalogAlternative:
    """A named set of contested figures for one catalog system.

    Attributes
    ----------
    name, description : str
    values : dict of str to float or bool
        Field -> value that replaces the base value.
    sources : dict of str to str
        Field -> public source (or ``estimate: ...``) of that value.
    """

    name: str
    description: str
    values: dict[str, Any] = field(hash=False)
    sources: dict[str, str] = field(hash=False)


@dataclass(frozen=True, slots=True)
class CatalogSystem:
    """An interceptor type or radar from the catalog, every number with its source.

    Attributes
    ----------
    name, label : str
        Canonical id (``"sm3-iia"``) and display name.
    kind : str
        ``"interceptor"`` or ``"radar"``.
    status : str
        One of :data:`STATUSES`.
    values : dict of str to float or bool
        Field -> base value (units in the field names; radars also have ``fire_control``, a bool).
    sources : dict of str to str
        Field -> public source of that value (or ``estimate: ...``).
    alternatives : dict of str to CatalogAlternative
        Named contested figures.
    place : str
        Catalog place of a fixed radar (empty for mobile radars and for interceptors).
    band, sites, note : str
        Radar band; where an interceptor is (or was to be) based; a remark.
    """

    name: str
    label: str
    kind: str
    status: str
    values: dict[str, Any] = field(hash=False)
    sources: dict[str, str] = field(hash=False)
    alternatives: dict[str, CatalogAlternative] = field(hash=False)
    place: str = ""
    band: str = ""
    sites: str = ""
    note: str = ""

    def fields(self, alternative: str | None = None) -> dict[str, dict[str, Any]]:
        """The entry as scenario fields ``{field: {value, source}}``, with an alternative applied.

        Sources are prefixed with the catalog entry (``"catalog sm3-iia: ..."``) so that a report's
        assumptions table shows where each number came from.

        Raises
        ------
        InputError
            If ``alternative`` is not defined for this entry (the message lists those that are).

        >>> get_interceptor("gbi-2stage").fields("postol-2007")["burnout_speed_km_s"]["value"]
        8.0
        """
        values, sources = dict(self.values), dict(self.sources)
        tags = dict.fromkeys(values, f"catalog {self.name}")
        if alternative is not None:
            alt = self.alternatives.get(alternative)
            if alt is None:
                names = ", ".join(self.alternatives) or "(none)"
                raise InputError(
                    f"alternative {alternative!r} is not defined for catalog {self.kind} {self.name!r}; "
                    f"alternatives: {names}"
                )
            values |= alt.values
            sources |= alt.sources
            tags |= dict.fromkeys(alt.values, f"catalog {self.name}, alternative {alternative}")
        return {f: {"value": values[f], "source": f"{tags[f]}: {sources[f]}"} for f in values}


class _SourcedBool(_Strict):
    value: bool
    source: str

    @field_validator("source")
    @classmethod
    def _source(cls, value: str) -> str:
        return _check_text(value)


class _Finite(_Sourced):
    @field_validator("value")
    @classmethod
    def _finite(cls, value: float) -> float:
        return _check_finite(value)


def _system_model(kind: str) -> tuple[type[_Strict], type[_Strict]]:
    numbers = INTERCEPTOR_FIELDS if kind == "interceptor" else RADAR_FIELDS
    required = (
        INTERCEPTOR_FIELDS
        if kind == "interceptor"
        else ("max_range_km", "reference_rcs_m2", "altitude_km", "elevation_mask_deg", "max_elevation_deg")
    )
    alt_fields: dict[str, Any] = {f: (_Finite | None, None) for f in numbers}
    entry_fields: dict[str, Any] = {
        f: ((_Finite, ...) if f in required else (_Finite | None, None)) for f in numbers
    }
    if kind == "radar":
        alt_fields["fire_control"] = (_SourcedBool | None, None)
        entry_fields["fire_control"] = (_SourcedBool, ...)
        entry_fields["place"] = (str, "")
        entry_fields["band"] = (str, "")
    else:
        entry_fields["sites"] = (str, "")
        # optional stage data, read and validated by shieldcheck.interceptors.catalog_booster
        entry_fields["booster"] = (dict[str, Any] | None, None)
    alt = create_model(f"_{kind.title()}Alternative", __base__=_Strict, description=(str, ...), **alt_fields)
    entry = create_model(
        f"_{kind.title()}Entry",
        __base__=_Strict,
        name=(str, ...),
        label=(str, ...),
        status=(str, ...),
        note=(str, ""),
        alternatives=(dict[str, alt], {}),
        **entry_fields,
    )
    return entry, alt


def _parse_systems(text: str, filename: str, kind: str) -> list[CatalogSystem]:
    entries = _read_entries(text, filename)
    model, _ = _system_model(kind)
    checked = _validate(enumerate(entries, start=1), model, filename)
    out: list[CatalogSystem] = []
    first: dict[str, int] = {}
    for index, m in enumerate(checked, start=1):
        where = f"{filename}: entry {index} ({m.name})"
        try:
            _check_name(m.name)
            _check_text(m.label)
        except PydanticCustomError as exc:
            raise InputError(f"{where} name/label: {exc.message()}") from None
        if m.status not in STATUSES:
            raise InputError(f"{where} status: must be one of {', '.join(STATUSES)}; got {m.status!r}")
        if m.name in first:
            raise InputError(f"{where} name: already used by entry {first[m.name]}; names must be unique")
        first[m.name] = index
        if kind == "radar" and m.place:
            resolve_place(m.place, field=f"{where} place")
        numbers = [
            f for f in type(m).model_fields if f in INTERCEPTOR_FIELDS + RADAR_FIELDS + ("fire_control",)
        ]
        values = {f: getattr(m, f).value for f in numbers if getattr(m, f) is not None}
        sources = {f: getattr(m, f).source for f in numbers if getattr(m, f) is not None}
        alternatives = {}
        for aname, a in m.alternatives.items():
            try:
                _check_name(aname)
            except PydanticCustomError as exc:
                raise InputError(f"{where} alternatives.{aname}: {exc.message()}") from None
            given = [f for f in numbers if getattr(a, f) is not None]
            if not given:
                raise InputError(f"{where} alternatives.{aname}: must set at least one number")
            alternatives[aname] = CatalogAlternative(
                name=aname,
                description=a.description,
                values={f: getattr(a, f).value for f in given},
                sources={f: getattr(a, f).source for f in given},
            )
        out.append(
            CatalogSystem(
                name=m.name,
                label=m.label,
                kind=kind,
                status=m.status,
                values=values,
                sources=sources,
                alternatives=alternatives,
                place=getattr(m, "place", ""),
                band=getattr(m, "band", ""),
                sites=getattr(m, "sites", ""),
                note=m.note,
            )
        )
    return out


def load_interceptors(path: str | os.PathLike[str] | None = None) -> list[CatalogSystem]:
    """Read and validate an interceptor file (default: the packaged ``interceptors.yaml``), uncached.

    Raises
    ------
    InputError
        As :func:`load_places`, naming the file, the entry and the field.

    >>> [s.name for s in load_interceptors()][:2]
    ['gbi-3stage', 'gbi-2stage']
    """
    text, filename = _read_text(path, _INTERCEPTORS_FILE)
    return _parse_systems(text, filename, "interceptor")


def load_radars(path: str | os.PathLike[str] | None = None) -> list[CatalogSystem]:
    """Read and validate a radar file (default: the packaged ``radars.yaml``), uncached.

    >>> load_radars()[0].name
    'an-tpy-2-fbm'
    """
    text, filename = _read_text(path, _RADARS_FILE)
    return _parse_systems(text, filename, "radar")


@cache
def _catalog_systems(kind: str) -> dict[str, CatalogSystem]:
    items = load_interceptors() if kind == "interceptor" else load_radars()
    return {s.name: s for s in items}


def _copy_system(s: CatalogSystem) -> CatalogSystem:
    return dataclasses.replace(
        s, values=dict(s.values), sources=dict(s.sources), alternatives=dict(s.alternatives)
    )


def interceptors() -> list[CatalogSystem]:
    """Catalog interceptor types, in file order (fresh copies).

    >>> "thaad" in [s.name for s in interceptors()]
    True
    """
    return [_copy_system(s) for s in _catalog_systems("interceptor").values()]


def radars() -> list[CatalogSystem]:
    """Catalog radars, in file order (fresh copies).

    >>> get_radar("cobra-dane").place
    'shemya'
    """
    return [_copy_system(s) for s in _catalog_systems("radar").values()]


def _get_system(kind: str, name: str, field: str) -> CatalogSystem:
    if not isinstance(name, str) or not name.strip():
        raise InputError(f"{field} must be a catalog {kind} name (text), got {name!r}")
    index = {_key(n): s for n, s in _catalog_systems(kind).items()}
    found = index.get(_key(name))
    if found is None:
        hint = _did_you_mean(_key(name), index)
        raise InputError(
            f"{field} {name.strip()!r} is not in the {kind} catalog{hint} "
            f"(list them with: shieldcheck {kind}s)"
        )
    return _copy_system(found)


def get_interceptor(name: str, field: str = "catalog") -> CatalogSystem:
    """The catalog interceptor type with this name (case, spaces and underscores do not matter).

    Raises
    ------
    InputError
        If the name is not in the catalog; the message suggests close names.

    >>> get_interceptor("SM3 IIA").values["max_intercept_altitude_km"]
    1000.0
    """
    return _get_system("interceptor", name, field)


def get_radar(name: str, field: str = "catalog") -> CatalogSystem:
    """The catalog radar with this name (case, spaces and underscores do not matter).

    >>> get_radar("european midcourse radar").values["max_range_km"]
    2000.0
    """
    return _get_system("radar", name, field)
