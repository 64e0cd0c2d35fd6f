"""Catalog of named places and generic threat missile classes, each number with its public source.

The data live beside this module in two YAML files, shipped as package data:

``places.yaml``
    cities, launch areas, ICBM fields, missile-defense and radar sites: decimal degrees (north and east
    positive, WGS84), each with a ``source``.
``missiles.yaml``
    generic threat classes (``srbm-600`` ... ``icbm-solid``), not specific systems. Every numeric field is
    ``{value, source}``; sources that begin with ``estimate:`` are marked engineering estimates.
    ``max_burnout_speed_km_s`` is derived from ``range_km`` by the minimum-energy closed form on a
    non-rotating sphere (Bate, Mueller & White, *Fundamentals of Astrodynamics*, 1971, ch. 6), and the
    test suite recomputes it.

Both files are validated at load time by strict pydantic models (unknown fields, wrong types and values
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
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from shieldcheck.errors import InputError

__all__ = [
    "KINDS",
    "PROPELLANTS",
    "MissileClass",
    "Place",
    "get_missile",
    "load_missiles",
    "load_places",
    "missiles",
    "places",
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
    ['redzikowo', 'fort-greely', 'vandenberg', 'deveselu']
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
