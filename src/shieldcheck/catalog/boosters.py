"""Staged boosters: stage data for powered flight, each number with its public source.

The data live in ``boosters.yaml`` beside this module (package data). Each entry is a generic booster
class modelled on a publicly described missile or interceptor (Nodong, Sejjil-2, Hwasong-14/15,
Topol-M, Minuteman III, the APS 2003 study's model ICBMs, the two- and three-stage GBI). Which booster
flies a threat class of ``missiles.yaml`` is said once, in that file: the class's ``booster: {name, why}``
(:func:`class_booster`); ``Booster.missile_class`` is read back from those links. Every numeric field is
``{value, source}``; sources that begin with ``estimate:`` are engineering estimates with the reason they
are plausible.

Units: kg, s, m; specific impulse in s.

>>> b = get_booster("minuteman-iii")
>>> len(b.vehicle.stages), b.vehicle.payload_kg
(3, 950.0)
>>> get_booster("icbm-solid").name  # a missiles.yaml class name finds the booster that stands for it
'topol-m'
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import yaml

from shieldcheck.boost import STANDARD_CD_MACH, Stage, Vehicle
from shieldcheck.errors import InputError

__all__ = ["ROLES", "Booster", "boosters", "class_booster", "get_booster", "load_boosters", "with_booster"]

ROLES = ("threat", "interceptor")
_FILE = "boosters.yaml"
_STAGE_FIELDS = ("propellant_mass_kg", "dry_mass_kg", "burn_time_s", "isp_vac_s", "isp_sl_s", "diameter_m")
_TOP_FIELDS = {"name", "label", "role", "payload_kg", "cd_mach", "stages", "note"}


@dataclass(frozen=True, slots=True)
class Booster:
    """A catalog booster: the flyable :class:`~shieldcheck.boost.Vehicle` and the sources of its numbers.

    Attributes
    ----------
    name, label : str
        Canonical id (``"hwasong-15"``) and display name.
    role : str
        ``"threat"`` or ``"interceptor"``.
    missile_class : str
        The ``missiles.yaml`` class whose ``booster`` link names this booster (empty when none does).
    vehicle : Vehicle
        Stages, payload and drag curve, ready for :func:`shieldcheck.boost.fly_batch`.
    sources : dict of str to str
        ``"payload_kg"`` and ``"stages[k].field"`` -> public source of that number.
    note : str
        Free-text remark.
    """

    name: str
    label: str
    role: str
    missile_class: str
    vehicle: Vehicle
    sources: dict = field(repr=False)
    note: str = ""


def _number(entry: str, where: str, node, file: str = _FILE) -> tuple[float, str]:
    if not isinstance(node, dict) or set(node) != {"value", "source"}:
        raise InputError(f"{file}: {entry}: {where} must be {{value, source}}, got {node!r}")
    value, source = node["value"], node["source"]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(f"{file}: {entry}: {where}.value must be a number, got {value!r}")
    if not isinstance(source, str) or len(source.strip()) < 8:
        raise InputError(f"{file}: {entry}: {where}.source must name a public source, got {source!r}")
    return float(value), source


def _parse(raw, links: dict | None = None, file: str = _FILE) -> Booster:
    """One booster entry validated; errors name ``file`` (the catalog file, or a scenario's field path)."""
    if not isinstance(raw, dict) or "name" not in raw:
        raise InputError(f"{file}: every entry must be a mapping with a name, got {raw!r}")
    name = str(raw["name"])
    unknown = set(raw) - _TOP_FIELDS
    if unknown:
        raise InputError(
            f"{file}: {name}: unknown field(s) {sorted(unknown)}; allowed: {sorted(_TOP_FIELDS)}"
        )
    role = raw.get("role")
    if role not in ROLES:
        raise InputError(f"{file}: {name}: role must be one of {', '.join(ROLES)}, got {role!r}")
    sources: dict[str, str] = {}
    payload, sources["payload_kg"] = _number(name, "payload_kg", raw.get("payload_kg"), file)
    cd = raw.get("cd_mach", "standard")
    if cd == "standard":
        cd_mach = STANDARD_CD_MACH
    elif isinstance(cd, list) and all(isinstance(p, list) and len(p) == 2 for p in cd):
        cd_mach = tuple((float(m), float(c)) for m, c in cd)
    else:
        raise InputError(
            f"{file}: {name}: cd_mach must be 'standard' or a list of [Mach, Cd] pairs, got {cd!r}"
        )
    stages_raw = raw.get("stages")
    if not isinstance(stages_raw, list) or not stages_raw:
        raise InputError(f"{file}: {name}: stages must be a non-empty list, got {stages_raw!r}")
    stages = []
    for k, st in enumerate(stages_raw):
        if not isinstance(st, dict):
            raise InputError(f"{file}: {name}: stages[{k}] must be a mapping, got {st!r}")
        extra = set(st) - set(_STAGE_FIELDS) - {"coast_after_s"}
        missing = set(_STAGE_FIELDS) - set(st)
        if extra or missing:
            raise InputError(
                f"{file}: {name}: stages[{k}] must have the fields {', '.join(_STAGE_FIELDS)} "
                f"(and optionally coast_after_s); missing {sorted(missing)}, unknown {sorted(extra)}"
            )
        vals = {}
        for f in (*_STAGE_FIELDS, "coast_after_s"):
            if f in st:
                vals[f], sources[f"stages[{k}].{f}"] = _number(name, f"stages[{k}].{f}", st[f], file)
        try:
            stages.append(Stage(**vals))
        except InputError as err:
            raise InputError(f"{file}: {name}: stages[{k}]: {err}") from None
    try:
        vehicle = Vehicle(tuple(stages), payload, cd_mach, name)
    except InputError as err:
        raise InputError(f"{file}: {name}: {err}") from None
    return Booster(
        name,
        str(raw.get("label", name)),
        role,
        (links or {}).get(name, ""),
        vehicle,
        sources,
        str(raw.get("note", "")),
    )


@cache
def load_boosters() -> tuple[Booster, ...]:
    """All catalog boosters, validated (errors name the file, the entry and the field); cached."""
    text = resources.files("shieldcheck.catalog").joinpath(_FILE).read_text(encoding="utf-8")
    entries = yaml.safe_load(text) or []
    from shieldcheck.catalog import missiles

    links = {m.booster: m.name for m in missiles() if m.booster}
    out = tuple(_parse(e, links) for e in entries)
    names = [b.name for b in out]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise InputError(f"{_FILE}: booster names must be unique, repeated: {sorted(dupes)}")
    threats = {b.name for b in out if b.role == "threat"}
    for booster, cls in links.items():
        if booster not in threats:
            raise InputError(f"missiles.yaml: {cls}: booster.name must name a threat booster of {_FILE} "
                             f"({', '.join(sorted(threats))}), got {booster!r}")
    return out


def boosters(role: str | None = None) -> list[Booster]:
    """Catalog boosters, optionally of one role (``"threat"`` or ``"interceptor"``)."""
    if role is not None and role not in ROLES:
        raise InputError(f"role must be one of {', '.join(ROLES)}, got {role!r}")
    return [b for b in load_boosters() if role is None or b.role == role]


def _key(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def get_booster(name: str, field: str = "missile") -> Booster:
    """The booster with this name, or the one standing for this ``missiles.yaml`` class.

    Raises
    ------
    InputError
        When no booster matches; the message lists close names.

    >>> get_booster("Hwasong 15").label
    'Hwasong-15 class, two-stage liquid ICBM'
    >>> get_booster("hwasong-16")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    shieldcheck.errors.InputError: missile 'hwasong-16' has no stage data; did you mean 'hwasong-15'? ...
    """
    if not isinstance(name, str) or not name.strip():
        raise InputError(f"{field} must be a booster or missile class name, got {name!r}")
    k = _key(name)
    for b in load_boosters():
        if _key(b.name) == k:
            return b
    from shieldcheck.catalog import missiles

    for m in missiles():
        if m.booster and _key(m.name) == k:
            return class_booster(m)
    names = [b.name for b in load_boosters()]
    close = difflib.get_close_matches(name.lower(), names, n=1)
    hint = f"; did you mean {close[0]!r}? Boosters" if close else "; boosters"
    raise InputError(f"{field} {name!r} has no stage data{hint} with stages: {', '.join(names)}")


def class_booster(missile) -> Booster | None:
    """The booster that flies a missile class when its boost is staged, or None when it has none.

    Parameters
    ----------
    missile : shieldcheck.catalog.MissileClass or str
        A class (its ``booster`` field is used, so a class with a replaced ``booster`` flies that one) or
        a class name from ``missiles.yaml``.

    Raises
    ------
    InputError
        An unknown class name, or a ``booster`` that names no threat booster.

    >>> class_booster("icbm-liquid-10000").name, class_booster("irbm-3700")
    ('aps2003-liquid', None)
    >>> import dataclasses
    >>> from shieldcheck.catalog import get_missile
    >>> class_booster(dataclasses.replace(get_missile("icbm-liquid-10000"), booster="hwasong-15")).name
    'hwasong-15'
    """
    if isinstance(missile, str):
        from shieldcheck.catalog import get_missile

        missile = get_missile(missile)
    name = getattr(missile, "booster", "")
    if not name:
        return None
    for b in load_boosters():
        if b.name == name and b.role == "threat":
            return b
    threats = ", ".join(b.name for b in boosters("threat"))
    raise InputError(f"booster must name a threat booster with stages ({threats}), got {name!r} for missile "
                     f"{getattr(missile, 'name', missile)!r}")


def with_booster(missile, booster: str, *, need: str = "missile"):
    """The missile class flying another stage set: a copy with ``booster`` replaced, checked.

    Parameters
    ----------
    missile : shieldcheck.catalog.MissileClass or None
    booster : str
        A threat booster of ``boosters.yaml`` (case and spaces do not matter).
    need : str
        How the caller names the missile class, for the error when there is none.

    Raises
    ------
    InputError
        No missile class, or a name that is not a threat booster.

    >>> from shieldcheck.catalog import get_missile
    >>> with_booster(get_missile("icbm-liquid-10000"), "Hwasong-15").booster
    'hwasong-15'
    """
    import dataclasses

    if missile is None:
        raise InputError(f"a booster needs a missile class ({need}), got none")
    if not isinstance(booster, str) or not booster.strip():
        raise InputError(f"booster must be a threat booster name, got {booster!r}")
    k = _key(booster)
    name = next((b.name for b in boosters("threat") if _key(b.name) == k), booster.strip())
    replaced = dataclasses.replace(missile, booster=name)
    class_booster(replaced)
    return replaced
