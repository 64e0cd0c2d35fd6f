"""Typed scenarios: a YAML file describing a defense architecture and the threats to run against it.

A scenario file names the places, interceptor types and sites, radars, early-warning satellites, the
kill-chain timeline and groups of threats (launch areas × targets × missile class) behind one public
question, plus named *variants* that swap in contested figures. :func:`load_scenario` validates a file
against strict pydantic models; :func:`build` applies a variant and ``--set`` overrides, re-validates,
and returns plain shieldcheck objects (`Architecture`, one `ThreatCase` per launch/target pair) with every
number listed as an `Assumption` beside its source.

The format (units ride in the field names: ``_km``, ``_s``, ``_km_s``, ``_deg``, ``_m2``, ...)::

    name: my-scenario                  # lower-case letters and digits joined by '-'
    title: "..."
    question: "..."                    # the public question, in words
    description: "..."                 # optional
    earth: wgs84                       # or sphere
    rotation: true
    places:                            # optional extra places (catalog names and "lat,lon" also work)
      - {name: my-site, label: "My site", latitude_deg: 50.0, longitude_deg: 20.0, source: "..."}
    interceptor_types:                 # name -> kinematics (see InterceptorType)
      gbi-2stage:
        burnout_speed_km_s: {value: 6.3, source: "AFP, Aug 2007"}   # any number: plain or {value, source}
        burn_time_s: 120
        burnout_altitude_km: 200
    interceptor_sites:
      - {name: redzikowo, place: redzikowo, interceptor: gbi-2stage, inventory: 10}
    radars:                            # max_range_km, or radar_equation: {average_power_w, ...}
      - {name: brdy-xband, place: brdy, max_range_km: 2000}
    early_warning:
      - {name: dsp-sbirs, detection_delay_s: 60}
    timeline: {track_formation_s: 30, decision_s: 60, kill_assessment_s: 60}
    threats:                           # one case per (group, launch, target)
      - {name: iran-europe, launch: [tehran], targets: [berlin, paris], missile: irbm-5500}
      # shape: min-energy (default), apogee (apogee_km), flight-time (flight_time_s), burnout-speed
      # (burnout_speed_km_s, branch), or lofted / depressed (the full burn's high or low arc, as the API);
      # boost: kinematic (default), staged or auto (staged when the class has stage data, no boost figure
      # is given and the shape is not burnout-speed: shieldcheck.threats.staged_vehicle)
      - {name: russia-us, launch: [kozelsk], targets: [washington], missile: icbm-solid, shape: depressed,
         boost: auto}
    variants:                          # name -> dotted-path overrides, applied by build(variant=...)
      fast-gbi:
        description: "..."
        source: "..."
        set: {interceptor_types.gbi-2stage.burnout_speed_km_s: 8.0}
    claims:                            # optional: public claims views draw beside results
      - {label: "MDA: 6.3 km/s", quantity: interceptor_types.gbi-2stage.burnout_speed_km_s, value: 6.3,
         source: "MDA statement as reported by AFP, Aug 2007"}
    boost_phase:                       # optional: boost-phase intercept bases (see BoostPhaseSpec)
      bases:
        - {name: ship, place: "40.5,133.3", platform: sea, burnout_speed_km_s: 5, burn_time_s: 40,
           delay_s: 90, threats: [iran-europe]}
      zone: {base: ship, lat_min_deg: 33, lat_max_deg: 50, lon_min_deg: 120, lon_max_deg: 145, step_deg: 1}

Paths name list items by their ``name`` (``radars.brdy-xband.max_range_km``); an integer index also
works in ``--set``. Every error is an `InputError` naming the file, the field path and the rule, e.g.
``x.yaml: timeline.decision_s: must be within [0, 86400], got -1.0``.

>>> s = build(load_scenario("european-third-site-2007"), variant="speed-postol-9")
>>> s.architecture.sites[0].interceptor.burnout_speed_km_s
9.0
>>> len(s.threats)
58
"""

import copy
import difflib
import hashlib
import json
import math
import os
import re
import types
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as _field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from shieldcheck._yaml import load_yaml, read_text
from shieldcheck.catalog import (
    MissileClass,
    Place,
    _check_name,
    _check_text,
    _did_you_mean,
    _key,
    _missile_index,
    _place_index,
    get_interceptor,
    get_missile,
    get_radar,
    resolve_place,
)
from shieldcheck.engagement import Architecture, Timeline
from shieldcheck.errors import InputError
from shieldcheck.interceptors import InterceptorSite, InterceptorType

if TYPE_CHECKING:
    from shieldcheck.threats import Trajectory

__all__ = [
    "Assumption",
    "BoostPhaseBase",
    "BoostPhasePlan",
    "BuiltScenario",
    "Count",
    "StagedType",
    "Quantity",
    "ScenarioModel",
    "ThreatCase",
    "apply_sets",
    "build",
    "list_scenarios",
    "load_scenario",
    "scenario_schema",
]

_PACKAGE = "shieldcheck.scenarios"
_DEFAULT_SOURCE = "default: shieldcheck's default value (not given in the scenario)"
_NAME_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_NUMBER_FORM = "{value: <number>, source: '<citation>'}"
_MAX_ERROR_LINES = 12
_MAX_SET_CHARS = 65_536


# --------------------------------------------------------------------------------------------------------
# Numbers with sources, and field rules


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Quantity(_Strict):
    """A number with its public source; in YAML either a plain number or ``{value, source}``."""

    value: float
    source: str = ""


class Count(_Strict):
    """A whole number with its public source (e.g. an inventory)."""

    value: int
    source: str = ""


def _number_text(value: float) -> str:
    return repr(float(value))


def _bound_text(x: float) -> str:
    return f"{x:g}"


def _wrap_number(value: Any) -> Any:
    """Accept a plain number as ``{value: number, source: ''}``; mappings pass through to the model."""
    if isinstance(value, bool) or not isinstance(value, (int, float, dict, Quantity, Count)):
        raise PydanticCustomError(
            "number",
            "must be a number or a mapping {form}, got {got}",
            {"form": _NUMBER_FORM, "got": repr(value)},
        )
    if isinstance(value, (int, float)):
        return {"value": value, "source": ""}
    return value


def _rule(lo: float, hi: float, lo_open: bool, hi_open: bool) -> str:
    if math.isinf(hi):
        return f"{'>' if lo_open else '>='} {_bound_text(lo)}"
    if math.isinf(lo):
        return f"{'<' if hi_open else '<='} {_bound_text(hi)}"
    return f"within {'(' if lo_open else '['}{_bound_text(lo)}, {_bound_text(hi)}{')' if hi_open else ']'}"


def _check_range(value: float, lo: float, hi: float, lo_open: bool, hi_open: bool) -> None:
    if not math.isfinite(value):
        raise PydanticCustomError(
            "finite", "must be a finite number, got {got}", {"got": _number_text(value)}
        )
    too_low = value <= lo if lo_open else value < lo
    too_high = value >= hi if hi_open else value > hi
    if too_low or too_high:
        raise PydanticCustomError(
            "range",
            "must be {rule}, got {got}",
            {"rule": _rule(lo, hi, lo_open, hi_open), "got": _number_text(value)},
        )


def _q(lo: float = -math.inf, hi: float = math.inf, *, lo_open: bool = False, hi_open: bool = False):
    """Field type: a `Quantity` whose value must lie in the given interval."""

    def check(q: Quantity) -> Quantity:
        _check_range(q.value, lo, hi, lo_open, hi_open)
        return q

    return Annotated[
        Quantity,
        BeforeValidator(_wrap_number, json_schema_input_type=Union[float, Quantity]),  # noqa: UP007
        AfterValidator(check),
    ]


def _count(lo: int = 0):
    def check(c: Count) -> Count:
        if c.value < lo:
            raise PydanticCustomError(
                "range", "must be a whole number >= {lo}, got {got}", {"lo": lo, "got": c.value}
            )
        return c

    return Annotated[
        Count,
        BeforeValidator(_wrap_number, json_schema_input_type=Union[int, Count]),  # noqa: UP007
        AfterValidator(check),
    ]


def _float_in(lo: float, hi: float):
    def check(v: float) -> float:
        _check_range(v, lo, hi, False, False)
        return v

    return Annotated[float, AfterValidator(check)]


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


_Name = Annotated[str, AfterValidator(_check_name)]
_Text = Annotated[str, AfterValidator(_check_text)]
_PlaceList = Annotated[list[_Text], BeforeValidator(_as_list), Field(min_length=1)]


def _default(value: float) -> Quantity:
    return Quantity(value=value, source=_DEFAULT_SOURCE)


# --------------------------------------------------------------------------------------------------------
# The scenario models (the input boundary)


class PlaceSpec(_Strict):
    """An extra named place for this scenario; its ``source`` covers both coordinates."""

    name: _Name
    label: str = ""
    latitude_deg: _float_in(-90.0, 90.0)
    longitude_deg: _float_in(-180.0, 180.0)
    source: _Text


def _from_catalog(kind: str, data: Any, handler: Any) -> Any:
    """Validate a spec, first filling the fields it leaves out from a catalog entry (``catalog: NAME``).

    The scenario's own fields win over the catalog's, so any number can be overridden. Only the fields
    the scenario wrote (plus ``name``) count as set, so a dump re-merges from the catalog and a variant
    that changes ``alternative`` takes effect.
    """
    if not isinstance(data, dict) or data.get("catalog") is None:
        if isinstance(data, dict) and data.get("alternative") is not None:
            raise PydanticCustomError(
                "alternative", "alternative needs a catalog entry: give catalog: NAME as well"
            )
        return handler(data)
    name, alternative = data["catalog"], data.get("alternative")
    for what, text in (("catalog", name), ("alternative", alternative)):
        if text is not None and not isinstance(text, str):
            raise PydanticCustomError(
                "catalog", "{what} must be a name (text), got {got}", {"what": what, "got": repr(text)}
            )
    try:
        system = (get_interceptor if kind == "interceptor" else get_radar)(name, field="catalog")
        merged: dict[str, Any] = dict(system.fields(alternative))
    except InputError as exc:
        raise PydanticCustomError("catalog", "{msg}", {"msg": str(exc)}) from None
    merged["label"] = system.label
    if kind == "radar":
        merged["name"] = system.name
        merged["fire_control"] = merged["fire_control"]["value"]
        merged["source"] = f"catalog {system.name}: {system.label}"
        if system.place:
            merged["place"] = system.place
    merged.update(data)
    model = handler(merged)
    given = {f for f in data if f in type(model).model_fields} | ({"name"} if kind == "radar" else set())
    object.__setattr__(model, "__pydantic_fields_set__", given)
    return model


def _schema_required(*keep: str):
    def edit(schema: dict) -> None:
        required = [f for f in schema.get("required", []) if f in keep]
        if required:
            schema["required"] = required
        else:
            schema.pop("required", None)

    return edit


class BoosterStageSpec(_Strict):
    """One stage of an interceptor's booster (fields and ranges of `shieldcheck.boost.Stage`)."""

    propellant_mass_kg: _q(0.0, 1e7, lo_open=True)
    dry_mass_kg: _q(0.0, 1e7)
    burn_time_s: _q(0.0, 2000.0, lo_open=True)
    isp_vac_s: _q(0.0, 600.0, lo_open=True)
    isp_sl_s: _q(0.0, 600.0, lo_open=True)
    diameter_m: _q(0.0, 20.0)
    coast_after_s: _q(0.0, 3000.0) | None = None


_MachCd = Annotated[list[Annotated[float, Field(allow_inf_nan=False)]], Field(min_length=2, max_length=2)]


class BoosterSpec(_Strict):
    """An interceptor's stages written in the scenario, in the layout of the catalog's ``booster:`` blocks
    (``interceptors.yaml``, ``boosters.yaml``): ``payload_kg`` (the kill vehicle and what rides with it),
    ``cd_mach`` (``standard`` or ``[[Mach, C_d], ...]``) and 1 to 4 ``stages``. Parsed by the catalog's own
    code (`shieldcheck.catalog.boosters`), so the same rules hold."""

    payload_kg: _q(0.0, 1e8)
    cd_mach: Literal["standard"] | Annotated[list[_MachCd], Field(min_length=1, max_length=50)] = "standard"
    stages: Annotated[list[BoosterStageSpec], Field(min_length=1, max_length=4)]


class InterceptorTypeSpec(_Strict):
    """Kinematics of an interceptor type (fields and ranges of `InterceptorType`).

    ``catalog: NAME`` (``shieldcheck interceptors``) fills every number this spec leaves out from the
    catalog entry, ``alternative: NAME`` picks the entry's named contested figures; numbers given here win.

    ``staged: true`` flies the type's own stages (`shieldcheck.interceptors.staged_flyout`, pitch program
    solved for ``flight_path_angle_deg``, default 20°): the integrated burnout speed, burn time and
    burnout altitude replace the three fixed numbers. The stages are the inline ``booster:`` block, else
    the ``booster:`` of the catalog entry named by ``catalog:``, else of the catalog interceptor with the
    type's own name (``gbi-2stage``). Precedence, by layer (catalog < scenario file < variant < ``--set``):
    the integrated numbers replace fixed numbers from an earlier layer than the one that set ``staged``;
    a fixed number given in the same layer as ``staged: true`` or a later one is refused (the error names
    both fields).
    """

    model_config = ConfigDict(json_schema_extra=_schema_required())

    label: str = ""
    # required unless staged: true (then integrated from the stages; _check_staged)
    burnout_speed_km_s: _q(0.0, 15.0, lo_open=True) | None = None
    burn_time_s: _q(0.0, 1000.0) | None = None
    burnout_altitude_km: _q(0.0, 2000.0) | None = None
    min_intercept_altitude_km: _q(0.0, 10000.0) = _default(100.0)
    max_intercept_altitude_km: _q(0.0, 40000.0) = _default(2000.0)
    max_coast_time_s: _q(0.0, 86400.0, lo_open=True) = _default(1500.0)
    launch_delay_s: _q(0.0, 86400.0) = _default(0.0)
    staged: bool = False
    flight_path_angle_deg: _q(0.0, 80.0) | None = None
    booster: BoosterSpec | None = None
    note: str = ""
    catalog: str | None = None
    alternative: str | None = None

    @model_validator(mode="wrap")
    @classmethod
    def _catalog(cls, data: Any, handler: Any) -> Any:
        return _from_catalog("interceptor", data, handler)


class InterceptorSiteSpec(_Strict):
    """An interceptor site: a place, an interceptor type (a key of ``interceptor_types``), an inventory."""

    name: _Name
    label: str = ""
    place: _Text
    interceptor: _Text
    inventory: _count(0)


class RadarEquationSpec(_Strict):
    """Parameters of the average-power radar equation (see `shieldcheck.sensors`)."""

    average_power_w: _q(0.0, lo_open=True)
    aperture_m2: _q(0.0, lo_open=True)
    aperture_efficiency: _q(0.0, 1.0, lo_open=True)
    wavelength_m: _q(0.0, lo_open=True)
    system_temperature_k: _q(0.0, lo_open=True)
    losses_db: _q(0.0)
    dwell_s: _q(0.0, lo_open=True)
    required_snr_db: _q()


class RadarSpec(_Strict):
    """A ground radar (fields and ranges of `GroundRadar`): ``max_range_km`` or ``radar_equation``.

    ``catalog: NAME`` (``shieldcheck radars``) fills every field this spec leaves out (the name, the place
    of a fixed radar, every number) from the catalog entry; ``alternative: NAME`` picks its named contested
    figures; fields given here win.
    """

    model_config = ConfigDict(json_schema_extra=_schema_required())

    name: _Name
    label: str = ""
    place: _Text
    altitude_km: _q(0.0, 10.0) = _default(0.0)
    max_range_km: _q(0.0, 50000.0, lo_open=True) | None = None
    radar_equation: RadarEquationSpec | None = None
    reference_rcs_m2: _q(0.0, 1e4, lo_open=True) = _default(1.0)
    elevation_mask_deg: _q(-5.0, 90.0, hi_open=True) = _default(0.0)
    max_elevation_deg: _q(-5.0, 90.0, lo_open=True) = _default(90.0)
    k_factor: _q(1.0, 2.0) = _default(1.0)
    boresight_azimuth_deg: _q(0.0, 360.0, hi_open=True) | None = None
    half_width_deg: _q(0.0, 180.0, lo_open=True) | None = None
    fire_control: bool = True
    source: str = ""
    catalog: str | None = None
    alternative: str | None = None

    @model_validator(mode="wrap")
    @classmethod
    def _catalog(cls, data: Any, handler: Any) -> Any:
        return _from_catalog("radar", data, handler)


class EarlyWarningSpec(_Strict):
    """Space-based infrared early warning (`EarlyWarningSatellites`)."""

    name: _Name
    label: str = ""
    detection_delay_s: _q(0.0, 3600.0)
    source: str = ""


class TimelineSpec(_Strict):
    """Kill-chain delays (`Timeline`)."""

    track_formation_s: _q(0.0, 86400.0) = _default(30.0)
    decision_s: _q(0.0, 86400.0) = _default(60.0)
    kill_assessment_s: _q(0.0, 86400.0) = _default(60.0)
    track_required_for_intercept: bool = True


class ThreatGroupSpec(_Strict):
    """Launch places × targets flown by one missile class on one trajectory shape."""

    name: _Name
    label: str = ""
    launch: _PlaceList
    targets: _PlaceList
    missile: _Text | None = None
    # lofted / depressed: the full burn's high or low arc to the target (shieldcheck.threats.FULL_BURN_SHAPES)
    shape: Literal[
        "min-energy", "apogee", "flight-time", "burnout-speed", "lofted", "depressed"
    ] = "min-energy"
    apogee_km: _q(0.0, 100000.0, lo_open=True) | None = None
    flight_time_s: _q(0.0, 86400.0, lo_open=True) | None = None
    burnout_speed_km_s: _q(0.0, 20.0, lo_open=True) | None = None
    branch: Literal["lofted", "depressed"] = "lofted"
    burn_time_s: _q(0.0, 3600.0) | None = None
    burnout_altitude_km: _q(0.0, 5000.0) | None = None
    burnout_range_km: _q(0.0, 20000.0) | None = None
    max_burnout_speed_km_s: _q(0.0, lo_open=True) | None = None
    rcs_m2: _q(0.0, 1e4, lo_open=True) | None = None
    # powered flight (issue 10): kinematic (the class's fixed burnout point), staged (the class's stages
    # flown and cut off to land on the target; shieldcheck.staged) or auto (as in the API: staged where the
    # class has stage data, no boost figure is given and the shape is not burnout-speed;
    # shieldcheck.threats.staged_vehicle decides)
    boost: Literal["kinematic", "staged", "auto"] = "kinematic"
    # the stage set flown when the boost is staged (catalog/boosters.yaml); None: the class's own
    # (missiles.yaml booster.name)
    booster: _Name | None = None
    note: str = ""


class VariantSpec(_Strict):
    """A named set of overrides: ``set`` maps dotted paths to new values."""

    description: _Text
    source: str = ""
    set: Annotated[dict[str, Any], Field(min_length=1)]


class ClaimSpec(_Strict):
    """A public claim to draw beside the results (e.g. a claimed interceptor speed on a sensitivity plot).

    ``quantity`` is the dotted path of the number the claim is about (as for ``--set``); a claim changes
    no computation (variants do that).
    """

    label: _Text
    quantity: _Text
    value: Annotated[float, Field(allow_inf_nan=False)]
    source: _Text


# boost-phase intercept (issue 10, item 5): bases that try to reach a missile while its rocket burns
_BP_MAX_BASES = 20
_BP_MAX_ZONE_CELLS = 60_000
_BP_MAX_ZONE_EVALUATIONS = 1_000_000
"""Bounds of a ``boost_phase:`` block: bases, basing-zone cells, and cells × routes of every zone."""


class BoostPhaseBaseSpec(_Strict):
    """A boost-phase interceptor base: where, on what platform, which interceptor, which threats.

    ``platform`` is ``ground``, ``sea`` or ``airborne`` (only an airborne base has ``altitude_km`` and
    ``carrier_speed_km_s``; its carrier flies toward the launch point). The interceptor is a key of
    ``interceptor_types`` (``interceptor:``), or its numbers given here (``burnout_speed_km_s``,
    ``burn_time_s``, ``burnout_altitude_km``), which win over the type's. ``delay_s`` is detection,
    tracking and decision: threat launch to the fire command. ``threats`` names the threat groups the base
    faces; ``launch`` (optional) keeps only those launch places of them. ``source`` says why the base
    stands where it does (a public proposal, or ``estimate:`` with why).
    """

    name: _Name
    label: str = ""
    place: _Text
    platform: Literal["ground", "sea", "airborne"] = "ground"
    altitude_km: _q(0.0, 30.0) | None = None
    carrier_speed_km_s: _q(0.0, 1.0) | None = None
    interceptor: _Text | None = None
    burnout_speed_km_s: _q(0.0, 15.0, lo_open=True) | None = None
    burn_time_s: _q(0.0, 1000.0) | None = None
    burnout_altitude_km: _q(0.0, 2000.0) | None = None
    delay_s: _q(0.0, 3600.0)
    threats: Annotated[list[_Name], BeforeValidator(_as_list), Field(min_length=1, max_length=50)]
    launch: Annotated[list[_Text], BeforeValidator(_as_list), Field(max_length=50)] = []
    source: str = ""
    note: str = ""


class BoostPhaseZoneSpec(_Strict):
    """A basing-zone grid: cells from which ``base``'s interceptor (and platform, and delay) could engage
    every route of each threat group it faces before burnout. Cell centres, deg; ``lon_max_deg`` may pass
    180 to cross the antimeridian."""

    base: _Name
    lat_min_deg: _q(-90.0, 90.0)
    lat_max_deg: _q(-90.0, 90.0)
    lon_min_deg: _q(-360.0, 360.0)
    lon_max_deg: _q(-360.0, 360.0)
    step_deg: _q(0.1, 10.0) = _default(1.0)


class BoostPhaseThreatSpec(_Strict):
    """Which staged booster class flies a threat group's boost (`shieldcheck.catalog.boosters`)."""

    booster: _Text
    payload_kg: _q(0.0, 1e6, lo_open=True) | None = None
    source: str = ""


class BoostPhaseSpec(_Strict):
    """Boost-phase intercept: bases, the boosters of the threat groups they face, an optional basing zone.

    ``boosters`` maps a threat group to the staged booster class that flies its boost (default: the
    booster that stands for the group's missile class, when one does). ``sample_step_s`` spaces the
    boost samples (s). See `shieldcheck.boostphase` for the model.
    """

    bases: Annotated[list[BoostPhaseBaseSpec], Field(min_length=1, max_length=_BP_MAX_BASES)]
    boosters: dict[_Name, BoostPhaseThreatSpec] = {}
    zone: BoostPhaseZoneSpec | None = None
    flyout: Literal["straight", "ballistic"] = "straight"
    sample_step_s: _q(0.5, 30.0) = _default(2.0)


class ScenarioModel(_Strict):
    """A whole scenario file, validated (see the module docstring for the format)."""

    name: _Name
    title: _Text
    question: _Text
    description: str = ""
    earth: Literal["wgs84", "sphere"] = "wgs84"
    rotation: bool = True
    places: list[PlaceSpec] = []
    interceptor_types: dict[_Name, InterceptorTypeSpec]
    interceptor_sites: Annotated[list[InterceptorSiteSpec], Field(min_length=1)]
    radars: list[RadarSpec] = []
    early_warning: list[EarlyWarningSpec] = []
    timeline: TimelineSpec = TimelineSpec()
    threats: Annotated[list[ThreatGroupSpec], Field(min_length=1)]
    variants: dict[_Name, VariantSpec] = {}
    claims: Annotated[list[ClaimSpec], Field(max_length=100)] = []
    boost_phase: BoostPhaseSpec | None = None

    _filename: str = PrivateAttr(default="<scenario>")

    @property
    def filename(self) -> str:
        """Name of the file the scenario came from (used in error messages)."""
        return self._filename


# --------------------------------------------------------------------------------------------------------
# Walking the model types (for error paths, --set paths and assumptions)


def _unwrap(tp: Any) -> Any:
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
            continue
        if origin in (Union, types.UnionType):
            args = [a for a in get_args(tp) if a is not type(None)]
            if len(args) == 1:
                tp = args[0]
                continue
        return tp


def _kind(tp: Any) -> tuple[str, Any]:
    """('number' | 'model' | 'list' | 'dict' | 'leaf', inner type)."""
    tp = _unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, (Quantity, Count)):
        return "number", tp
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return "model", tp
    origin = get_origin(tp)
    if origin is list:
        return "list", get_args(tp)[0]
    if origin is dict:
        return "dict", get_args(tp)[1]
    return "leaf", tp


def _fields_at(loc: Iterable[Any]) -> list[str] | None:
    """Field names of the model at ``loc`` (a pydantic location), or None if it is not a model."""
    tp: Any = ScenarioModel
    for part in loc:
        kind, inner = _kind(tp)
        if kind == "model":
            field = inner.model_fields.get(part)
            if field is None:
                return None
            tp = field.annotation
        elif kind in ("list", "dict"):
            tp = inner
        elif kind == "number":
            return None
        else:
            return None
    kind, inner = _kind(tp)
    if kind == "number":
        return ["value", "source"]
    return list(inner.model_fields) if kind == "model" else None


def _item_name(item: Any) -> Any:
    """The name a list item goes by: its ``name``, else the catalog entry it takes its name from."""
    if not isinstance(item, dict):
        return None
    return item.get("name") if item.get("name") is not None else item.get("catalog")


def _path_text(loc: Iterable[Any], data: Any) -> str:
    """A pydantic location as a dotted path, naming list items by their ``name`` where they have one."""
    parts: list[str] = []
    node = data
    for part in loc:
        if part == "[key]":
            continue
        if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            item = node[part]
            name = _item_name(item)
            ok = isinstance(name, str) and _NAME_RE.fullmatch(name)
            unique = ok and sum(_item_name(x) == name for x in node) == 1
            parts.append(name if unique else str(part))
            node = item
        elif isinstance(node, dict) and part in node:
            parts.append(str(part))
            node = node[part]
        elif part == "value" and isinstance(node, (int, float)):
            continue  # a plain number stands for its value
        else:
            parts.append(str(part))
            node = None
    return ".".join(parts)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _message(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    loc = error["loc"]
    if kind == "extra_forbidden":
        bad = str(loc[-1])
        valid = _fields_at(loc[:-1]) or []
        close = difflib.get_close_matches(bad, valid, n=1, cutoff=0.6)
        if close:
            return f"unknown field (did you mean '{close[0]}'?)"
        return f"unknown field; valid fields: {', '.join(valid)}" if valid else "unknown field"
    if kind == "missing":
        return "field required"
    if kind == "too_short":
        return f"must not be empty (at least {error.get('ctx', {}).get('min_length', 1)} item needed)"
    msg = error["msg"]
    if kind in ("range", "finite", "number", "name", "empty", "catalog", "alternative"):
        return msg
    msg = _lower_first(msg.replace("Input should be", "must be"))
    value = error.get("input")
    if isinstance(value, (str, int, float, bool)) or value is None:
        return f"{msg}, got {value!r}"
    return f"{msg}, got a {type(value).__name__}"


def _validation_error(
    err: ValidationError, data: Any, filename: str, touched: Mapping[str, str]
) -> InputError:
    lines = []
    errors = sorted(err.errors(include_url=False), key=lambda e: e["type"] != "extra_forbidden")
    for e in errors:  # a typo'd field first: the "field required" it causes is then self-explanatory
        path = _path_text(e["loc"], data)
        text = f"{filename}: {path}: {_message(e)}" if path else f"{filename}: {_message(e)}"
        origin = _origin_of(path, touched)
        if origin:
            text += f" (value from {origin})"
        lines.append(text)
    if len(lines) > _MAX_ERROR_LINES:
        lines = lines[:_MAX_ERROR_LINES] + [f"... and {len(lines) - _MAX_ERROR_LINES} more"]
    return InputError("\n".join(lines))


def _origin_of(path: str, touched: Mapping[str, str]) -> str | None:
    found = None
    for prefix, origin in touched.items():  # later overrides win
        if path == prefix or path.startswith(prefix + "."):
            found = origin
    return found


# --------------------------------------------------------------------------------------------------------
# Validation beyond field rules: names, references, cross-field rules


def _hint(bad: str, names: Iterable[str]) -> str:
    names = list(names)
    close = difflib.get_close_matches(bad, names, n=3, cutoff=0.6)
    if close:
        quoted = [f"'{c}'" for c in close]
        return f"; did you mean {' or '.join(quoted)}?"
    return f"; defined: {', '.join(names)}" if names else ""


def _point_key(place: Place) -> tuple[float, float]:
    """A place's point for comparing launch and target (longitude in [0, 360))."""
    return (float(place.latitude_deg), float(place.longitude_deg) % 360.0)


class _Resolver:
    """Resolves place names: the scenario's own places first, then the catalog, then 'lat,lon'."""

    def __init__(self, model: ScenarioModel):
        self.own = {
            _key(p.name): Place(
                name=p.name,
                label=p.label or p.name,
                kind="point",
                country="",
                latitude_deg=p.latitude_deg,
                longitude_deg=p.longitude_deg,
                source=p.source,
            )
            for p in model.places
        }

    def __call__(self, text: str, path: str, filename: str) -> Place:
        found = self.own.get(_key(text))
        if found is not None:
            return found
        try:  # the path names the field once (".place coordinates must ...", not "place: coordinates ...")
            return resolve_place(text, field=path)
        except InputError as exc:
            if "is not in the catalog" not in str(exc):
                raise InputError(f"{filename}: {exc}") from None
        index = {**_place_index(), **self.own}
        hint = _did_you_mean(_key(text), index)
        raise InputError(
            f"{filename}: {path}: unknown place {text.strip()!r} (not in this file's places nor the catalog)"
            f"{hint} (list places with: shieldcheck places; or give 'lat,lon' in decimal degrees)"
        ) from None


def _check_unique(items: list[Any], section: str, filename: str) -> None:
    first: dict[str, int] = {}
    for i, item in enumerate(items):
        if item.name in first:
            raise InputError(
                f"{filename}: {section}.{i}.name: duplicate name {item.name!r} (already used by "
                f"{section}.{first[item.name]}); names must be unique"
            )
        first[item.name] = i


def _check_semantics(model: ScenarioModel, filename: str) -> None:
    for section in ("places", "interceptor_sites", "radars", "early_warning", "threats"):
        _check_unique(getattr(model, section), section, filename)
    catalog = _place_index()
    for p in model.places:
        if _key(p.name) in catalog:
            raise InputError(
                f"{filename}: places.{p.name}.name: {p.name!r} already names a catalog place; use the "
                "catalog entry or choose another name"
            )
    for name, t in model.interceptor_types.items():
        if t.max_intercept_altitude_km.value < t.min_intercept_altitude_km.value:
            raise InputError(
                f"{filename}: interceptor_types.{name}.max_intercept_altitude_km: must be >= "
                f"min_intercept_altitude_km ({_bound_text(t.min_intercept_altitude_km.value)}), got "
                f"{_number_text(t.max_intercept_altitude_km.value)}"
            )
    resolve = _Resolver(model)
    for s in model.interceptor_sites:
        resolve(s.place, f"interceptor_sites.{s.name}.place", filename)
        if s.interceptor not in model.interceptor_types:
            raise InputError(
                f"{filename}: interceptor_sites.{s.name}.interceptor: unknown interceptor type "
                f"{s.interceptor!r}{_hint(s.interceptor, model.interceptor_types)}"
            )
    for r in model.radars:
        where = f"radars.{r.name}"
        resolve(r.place, f"{where}.place", filename)
        if (r.max_range_km is None) == (r.radar_equation is None):
            both = "not both" if r.max_range_km is not None else "one is required"
            raise InputError(f"{filename}: {where}: give max_range_km or radar_equation ({both})")
        if r.max_elevation_deg.value <= r.elevation_mask_deg.value:
            raise InputError(
                f"{filename}: {where}.max_elevation_deg: must be > elevation_mask_deg "
                f"({_bound_text(r.elevation_mask_deg.value)}), got {_number_text(r.max_elevation_deg.value)}"
            )
        if (r.boresight_azimuth_deg is None) != (r.half_width_deg is None):
            missing = "half_width_deg" if r.half_width_deg is None else "boresight_azimuth_deg"
            raise InputError(
                f"{filename}: {where}.{missing}: field required with "
                f"{'boresight_azimuth_deg' if missing == 'half_width_deg' else 'half_width_deg'} "
                "(give both, or neither for all azimuths)"
            )
    needs = {"apogee": "apogee_km", "flight-time": "flight_time_s", "burnout-speed": "burnout_speed_km_s"}
    for g in model.threats:
        where = f"threats.{g.name}"
        # the same point, not the same name key: '10,179.9' and '10,-179.9' share a key ('10-179-9')
        launch_points = {_point_key(resolve(text, f"{where}.launch.{i}", filename))
                         for i, text in enumerate(g.launch)}
        for i, text in enumerate(g.targets):
            if _point_key(resolve(text, f"{where}.targets.{i}", filename)) in launch_points:
                raise InputError(
                    f"{filename}: {where}.targets.{i}: {text!r} is also a launch place of this group; "
                    "launch and target must differ"
                )
        if g.missile is not None and _missile_index().get(_key(g.missile)) is None:
            hint = _did_you_mean(_key(g.missile), _missile_index())
            raise InputError(
                f"{filename}: {where}.missile: unknown missile class {g.missile!r}{hint} "
                "(list missiles with: shieldcheck missiles)"
            )
        if g.shape in ("lofted", "depressed") and g.missile is None and g.max_burnout_speed_km_s is None:
            raise InputError(
                f"{filename}: {where}.shape: shape {g.shape!r} (the full burn's {g.shape} arc) needs a "
                "burnout speed to burn to: give the group a missile class or max_burnout_speed_km_s, got "
                "neither"
            )
        for shape, field in needs.items():
            given = getattr(g, field) is not None
            if g.shape == shape and not given:
                raise InputError(f"{filename}: {where}.{field}: field required for shape {shape!r}")
            if g.shape != shape and given:
                raise InputError(
                    f"{filename}: {where}.{field}: only used with shape {shape!r}, but shape is {g.shape!r}"
                )


def _check_boost_phase(model: ScenarioModel, filename: str) -> None:
    """Cross-field rules of the ``boost_phase:`` block (references, platforms, the zone's size)."""
    bp = model.boost_phase
    if bp is None:
        return
    _check_unique(bp.bases, "boost_phase.bases", filename)
    groups = {g.name: g for g in model.threats}
    resolve = _Resolver(model)
    for b in bp.bases:
        where = f"{filename}: boost_phase.bases.{b.name}"
        resolve(b.place, f"boost_phase.bases.{b.name}.place", filename)
        if b.platform != "airborne":
            for f in ("altitude_km", "carrier_speed_km_s"):
                if getattr(b, f) is not None:
                    raise InputError(
                        f"{where}.{f}: only for platform 'airborne', but platform is {b.platform!r}"
                    )
        elif b.altitude_km is None:
            raise InputError(f"{where}.altitude_km: field required for platform 'airborne'")
        if b.interceptor is not None and b.interceptor not in model.interceptor_types:
            raise InputError(
                f"{where}.interceptor: unknown interceptor type {b.interceptor!r}"
                f"{_hint(b.interceptor, model.interceptor_types)}"
            )
        if b.interceptor is None:
            for f in ("burnout_speed_km_s", "burn_time_s"):
                if getattr(b, f) is None:
                    raise InputError(f"{where}.{f}: field required without interceptor (a type's name)")
        launches = set()
        for i, t in enumerate(b.threats):
            if t not in groups:
                raise InputError(f"{where}.threats.{i}: unknown threat group {t!r}{_hint(t, groups)}")
            launches |= {_key(x) for x in groups[t].launch}
        for i, text in enumerate(b.launch):
            if _key(text) not in launches:
                raise InputError(
                    f"{where}.launch.{i}: {text!r} is not a launch place of {', '.join(b.threats)}"
                )
    for g, spec in bp.boosters.items():
        if g not in groups:
            raise InputError(f"{filename}: boost_phase.boosters.{g}: unknown threat group{_hint(g, groups)}")
        _booster_of(spec.booster, f"{filename}: boost_phase.boosters.{g}.booster")
    for g in dict.fromkeys(t for b in bp.bases for t in b.threats):
        if g not in bp.boosters:
            missile = groups[g].missile
            if missile is None:
                raise InputError(
                    f"{filename}: boost_phase.boosters.{g}: field required (threat group {g!r} names no "
                    "missile class; give a booster class with stages)"
                )
            _booster_of(
                missile,
                f"{filename}: boost_phase.boosters.{g}: field required (the missile class {missile!r} of "
                "this group has no stage data; give a booster class with stages)",
                bare=True,
            )
    z = bp.zone
    if z is not None:
        names = {b.name: b for b in bp.bases}
        if z.base not in names:
            raise InputError(
                f"{filename}: boost_phase.zone.base: unknown base {z.base!r}{_hint(z.base, names)}"
            )
        from shieldcheck.footprint import grid

        step = z.step_deg.value
        try:
            g = grid(z.lat_min_deg.value, z.lat_max_deg.value, z.lon_min_deg.value, z.lon_max_deg.value, step,
                     max_cells=None)
        except InputError as exc:
            raise InputError(f"{filename}: boost_phase.zone: {str(exc).removeprefix('grid ')}") from None
        cells = g.shape[0] * g.shape[1]
        if cells > _BP_MAX_ZONE_CELLS:
            raise InputError(
                f"{filename}: boost_phase.zone.step_deg: the grid would have {cells:,} cells; at most "
                f"{_BP_MAX_ZONE_CELLS:,} (coarsen step_deg or shrink the region), got {_number_text(step)}"
            )
        base = names[z.base]
        routes = sum(len(groups[t].launch) * len(groups[t].targets) for t in base.threats)
        if cells * routes > _BP_MAX_ZONE_EVALUATIONS:
            raise InputError(
                f"{filename}: boost_phase.zone.step_deg: {cells:,} cells x {routes} routes is more than "
                f"{_BP_MAX_ZONE_EVALUATIONS:,} evaluations (coarsen step_deg), got {_number_text(step)}"
            )


_FIXED_BURN = ("burnout_speed_km_s", "burn_time_s", "burnout_altitude_km")
"""The fixed-burnout numbers of an interceptor type that ``staged: true`` replaces by integrated ones."""
_NO_SOURCE = "scenario value without a source"


def _layer(path: str, written: bool, touched: Mapping[str, str]) -> tuple[int, str]:
    """Which layer set a field: 0 catalog or default, 1 the scenario file, 2 a variant, 3 ``--set``."""
    origin = _origin_of(path, touched)
    if origin is None:
        return (1, "the scenario file") if written else (0, "the catalog or default")
    return (2, origin) if origin.startswith("variant ") else (3, origin)


def _raw_booster(spec: BoosterSpec) -> dict:
    """An inline ``booster:`` block as the catalog's raw layout (``{value, source}`` numbers)."""

    def num(q: Quantity) -> dict:
        source = q.source if len(q.source.strip()) >= 8 else (f"{_NO_SOURCE} ({q.source})" if q.source
                                                              else _NO_SOURCE)
        return {"value": q.value, "source": source}

    stages = []
    for st in spec.stages:
        stages.append({f: num(getattr(st, f)) for f in type(st).model_fields if getattr(st, f) is not None})
    cd = spec.cd_mach if spec.cd_mach == "standard" else [list(p) for p in spec.cd_mach]
    return {"payload_kg": num(spec.payload_kg), "cd_mach": cd, "stages": stages}


def _type_stages(name: str, t: InterceptorTypeSpec, filename: str):
    """The stages ``staged: true`` flies for type ``name``, and where they come from.

    Returns ``(vehicle, origin)``: a `shieldcheck.boost.Vehicle`, and ``"scenario booster:"`` or
    ``"catalog NAME"``. Raises `InputError` naming the type and the field when there are none.
    """
    from shieldcheck.catalog.boosters import _parse
    from shieldcheck.interceptors import catalog_booster

    where = f"{filename}: interceptor_types.{name}"
    if t.booster is not None:
        raw = {"name": name, "role": "interceptor", **_raw_booster(t.booster)}
        return _parse(raw, file=f"{where}.booster").vehicle, "scenario booster:"
    catalog = t.catalog if t.catalog is not None else name
    try:
        system = get_interceptor(catalog, field="catalog")
    except InputError:
        system = None
    if system is None or (t.catalog is None and _key(system.name) != _key(name)):
        staged_ones = _staged_catalog()
        raise InputError(
            f"{where}.staged: interceptor type {name!r} has no stages: give booster: (payload_kg, cd_mach, "
            f"stages, as in the catalog) or catalog: an interceptor with stages ({staged_ones}); or staged: "
            "false"
        )
    vehicle = catalog_booster(system.name)
    if vehicle is None:
        staged_ones = _staged_catalog()
        raise InputError(
            f"{where}.staged: interceptor type {name!r} has no stages: catalog interceptor {system.name!r} "
            f"has no booster: block (interceptors with stages: {staged_ones}); give booster: or staged: false"
        )
    return vehicle, f"catalog {system.name}"


def _staged_catalog() -> str:
    """The catalog interceptors with stages, for an error message (each reads its booster: block)."""
    from shieldcheck.catalog import interceptors
    from shieldcheck.interceptors import catalog_booster

    return ", ".join(i.name for i in interceptors() if catalog_booster(i.name) is not None)


def _check_staged(model: ScenarioModel, data: Any, filename: str, touched: Mapping[str, str]) -> None:
    """Rules of ``staged:`` (see `InterceptorTypeSpec`): stages exist; its fields are used; precedence."""
    written_all = data.get("interceptor_types") if isinstance(data, dict) else None
    for name, t in model.interceptor_types.items():
        where = f"interceptor_types.{name}"
        written = written_all.get(name) if isinstance(written_all, dict) else None
        written = written if isinstance(written, dict) else {}
        if not t.staged:
            for f in _FIXED_BURN:
                if getattr(t, f) is None:
                    raise InputError(f"{filename}: {where}.{f}: field required (or staged: true with stages)")
            # an override may switch staging off a type whose file asks for it; a field given by the same
            # or a later layer than that switch has no effect and is refused (the session-7 breaker found
            # `--set X.staged=false --set X.flight_path_angle_deg=30` accepted without effect)
            rank, by = _layer(f"{where}.staged", "staged" in written, touched)
            for f in ("flight_path_angle_deg", "booster"):
                if getattr(t, f) is None:
                    continue
                f_rank, f_by = _layer(f"{where}.{f}", f in written, touched)
                if f_rank >= rank:
                    raise InputError(
                        f"{filename}: {where}.{f}: only used with staged: true, but staged is false (from "
                        f"{by}; {f} given by {f_by})"
                    )
            continue
        _type_stages(name, t, filename)
        rank, by = _layer(f"{where}.staged", "staged" in written, touched)
        for f in _FIXED_BURN:
            f_rank, f_by = _layer(f"{where}.{f}", f in written, touched)
            if f_rank >= rank:
                raise InputError(
                    f"{filename}: {where}.{f}: given by {f_by} while {where}.staged: true (from {by}) "
                    f"replaces it with the value integrated from the stages; drop one of the two"
                )


def _booster_of(name: str, where: str, bare: bool = False):
    from shieldcheck.catalog.boosters import get_booster

    try:
        return get_booster(name, field="booster")
    except InputError as exc:
        raise InputError(where if bare else f"{where}: {exc}") from None


def _validate(data: Any, filename: str, touched: Mapping[str, str] | None = None) -> ScenarioModel:
    touched = touched or {}
    if not isinstance(data, dict):
        raise InputError(f"{filename}: must be a YAML mapping of scenario fields, got {type(data).__name__}")
    try:
        model = ScenarioModel.model_validate(data)
    except ValidationError as err:
        raise _validation_error(err, data, filename, touched) from None
    _check_semantics(model, filename)
    _check_staged(model, data, filename, touched)
    _check_boost_phase(model, filename)
    model._filename = filename
    return model


# --------------------------------------------------------------------------------------------------------
# Overrides: variants and --set


def _parse_set(item: str, filename: str) -> tuple[str, Any]:
    if not isinstance(item, str) or "=" not in item:
        raise InputError(
            f"{filename}: --set {item!r}: must be PATH=VALUE, e.g. "
            "'interceptor_types.gbi-2stage.burnout_speed_km_s=8.0'"
        )
    path, _, text = item.partition("=")
    if len(item) > _MAX_SET_CHARS:
        raise InputError(
            f"{filename}: --set {item[:40]!r}...: {len(item):,} characters is more than {_MAX_SET_CHARS:,}"
        )
    # the YAML 1.2 core schema, as for files: 010 is 10, 1.5e3 is 1500.0, no and 1:30 are text
    value = load_yaml(text, f"{filename}: --set {path.strip()}") if text.strip() else None
    return path.strip(), value


def _unknown_key(filename: str, label: str, path: str, part: str, where: str, valid: list[str]) -> InputError:
    close = difflib.get_close_matches(part, valid, n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    under = f" under {where}" if where else " at the top level"
    return InputError(
        f"{filename}: {label} {path}: unknown key {part!r}{under}{hint}; valid keys: "
        f"{', '.join(valid) if valid else '(none)'}"
    )


def _apply_one(data: dict, path: str, value: Any, source: str, label: str, filename: str) -> str:
    """Set one dotted path in the scenario dict; return the canonical path (items by name)."""
    parts = path.split(".")
    if not path or any(not p for p in parts):
        raise InputError(
            f"{filename}: {label} {path!r}: empty path segment; use dotted names like timeline.decision_s"
        )
    node: Any = data
    tp: Any = ScenarioModel
    walked: list[str] = []
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        kind, inner = _kind(tp)
        where = ".".join(walked)
        if kind == "model":
            if part not in inner.model_fields:
                raise _unknown_key(filename, label, path, part, where, list(inner.model_fields))
            key: Any = part
            child_tp = inner.model_fields[part].annotation
        elif kind == "dict":
            if part not in node:
                raise _unknown_key(filename, label, path, part, where, list(node))
            key, child_tp = part, inner
        elif kind == "list":
            names = [x.get("name") for x in node if isinstance(x, dict)]
            if part in names:
                key = names.index(part)
            elif part.isdigit() and int(part) < len(node):
                key = int(part)
            else:
                raise _unknown_key(filename, label, path, part, where, [str(n) for n in names])
            child_tp = inner
        elif kind == "number":
            if part not in ("value", "source"):
                raise _unknown_key(filename, label, path, part, where, ["value", "source"])
            key, child_tp = part, (float if part == "value" else str)
        else:
            raise InputError(
                f"{filename}: {label} {path}: {where} is a single value, not a section; "
                f"it has no key {part!r}"
            )
        shown = node[key].get("name", part) if kind == "list" and isinstance(node[key], dict) else part
        walked.append(str(shown))
        child_kind, _ = _kind(child_tp)
        if last:
            if child_kind == "number" and not isinstance(value, dict) and value is not None:
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    raise InputError(f"{filename}: {label} {path}: must be a number, got {value!r}")
                value = {"value": value, "source": source}
            elif kind == "number" and key == "value" and isinstance(node, dict):
                node["source"] = source
            node[key] = copy.deepcopy(value)
            return ".".join(walked[:-1] if kind == "number" else walked)
        child = node.get(key) if isinstance(node, dict) else node[key]
        if child is None and part == "booster" and len(walked) == 3 and walked[0] == "interceptor_types":
            # one field of a booster the scenario does not write out: the block is parsed whole, never merged
            t = walked[1]
            raise InputError(
                f"{filename}: {label} {path}: interceptor type {t!r} has no booster: block in the scenario "
                f"(its stages, if any, come from the catalog, and are not merged field by field): a booster: "
                f"block is written whole (payload_kg, cd_mach, stages: a list of 1 to 4 stages) under "
                f"interceptor_types.{t} with staged: true, in the scenario file or as one value, e.g. --set "
                f"'interceptor_types.{t}.booster={{payload_kg: 150, stages: [{{propellant_mass_kg: 15000, "
                f"dry_mass_kg: 1400, burn_time_s: 69, isp_vac_s: 285, isp_sl_s: 255, diameter_m: 1.27}}]}}' "
                f"--set interceptor_types.{t}.staged=true "
                f"--set interceptor_types.{t}.flight_path_angle_deg=30 "
                f"(README, Interceptors with stages in scenarios)"
            )
        if child is None:
            if child_kind in ("model", "dict"):
                child = node[key] = {}
            else:
                raise InputError(
                    f"{filename}: {label} {path}: {'.'.join(walked)} is not set, so none of its items can "
                    f"be: set it whole first, e.g. {label} '{'.'.join(walked)}=[...]' (a YAML list) before "
                    f"this one, or write it in the scenario file"
                )
        elif child_kind == "number" and isinstance(child, (int, float)):
            child = node[key] = {"value": child, "source": ""}
        node, tp = child, child_tp
    raise AssertionError("unreachable")  # pragma: no cover


def _apply(
    data: dict, items: Iterable[Any], source: str, label: str, origin: str, filename: str
) -> dict[str, str]:
    touched: dict[str, str] = {}
    for item in items:
        path, value = item if isinstance(item, tuple) else _parse_set(item, filename)
        touched[_apply_one(data, path, value, source, label, filename)] = origin
    return touched


def _dump(model: ScenarioModel) -> dict:
    return model.model_dump(mode="python", exclude_unset=True)


def apply_sets(
    model_or_dict: ScenarioModel | dict, sets: Iterable[str], *, origins: Sequence[str] | None = None
) -> ScenarioModel | dict:
    """Apply ``PATH=VALUE`` overrides (the CLI's ``--set``) and re-validate.

    ``PATH`` is dotted; list items are addressed by ``name`` (or an integer index); ``VALUE`` is read as
    a YAML scalar (``8``, ``8.0``, ``true``, ``berlin``, ``[berlin, paris]``, ``{value: 8, source: x}``).
    A plain number given for a sourced number replaces it as ``{value, source: "--set"}``.

    Parameters
    ----------
    model_or_dict : ScenarioModel or dict
        A validated model, or the scenario as a YAML-like dict.
    sets : iterable of str
        ``"path=value"`` strings, applied in order.
    origins : sequence of str, optional
        Where each of ``sets`` came from, as error messages name it (default ``"--set"`` for all; a sweep
        passes ``"variant NAME"``, ``"--set"``, ``"--vary"`` or ``"--sample"``, so that an error blames the
        option the value came from). One per item of ``sets``.

    Returns
    -------
    ScenarioModel or dict
        Of the same kind as the input, validated.

    Raises
    ------
    InputError
        Unknown path (the message lists the valid keys at the failing level), a non-numeric value for a
        number, or a value breaking a rule after re-validation.

    >>> m = apply_sets(load_scenario("european-third-site-2007"), ["timeline.decision_s=120"])
    >>> m.timeline.decision_s
    Quantity(value=120.0, source='--set')
    >>> apply_sets(m, ["timeline.decison_s=1"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    shieldcheck.errors.InputError: ... unknown key 'decison_s' ... (did you mean 'decision_s'?); ...
    """
    if isinstance(model_or_dict, ScenarioModel):
        filename = model_or_dict.filename
        data = _dump(model_or_dict)
    else:
        filename = "<scenario>"
        data = copy.deepcopy(dict(model_or_dict))
    sets = list(sets)
    if origins is None:
        touched = _apply(data, sets, "--set", "--set", "--set", filename)
    else:
        if len(origins) != len(sets):
            raise InputError(f"origins: one per override, got {len(origins)} for {len(sets)}")
        touched = {}
        for item, origin in zip(sets, origins, strict=True):
            touched |= _apply(data, [item], "--set", origin, origin, filename)
    model = _validate(data, filename, touched)
    return model if isinstance(model_or_dict, ScenarioModel) else data


# --------------------------------------------------------------------------------------------------------
# Loading


def _builtin_names() -> list[str]:
    root = resources.files(_PACKAGE)
    return sorted(p.name[: -len(".yaml")] for p in root.iterdir() if p.name.endswith(".yaml"))


def _read_yaml(text: str, filename: str) -> Any:
    return load_yaml(text, filename)  # YAML 1.2 core schema, bounded, one-line errors


def list_scenarios() -> list[tuple[str, str]]:
    """Built-in scenarios as ``(name, title)`` pairs, sorted by name.

    >>> ("european-third-site-2007" in dict(list_scenarios()))
    True
    """
    out = []
    for name in _builtin_names():
        text = resources.files(_PACKAGE).joinpath(f"{name}.yaml").read_text(encoding="utf-8")
        data = load_yaml(text, f"{name}.yaml")
        title = data.get("title", "") if isinstance(data, dict) else ""
        out.append((name, str(title)))
    return out


def load_scenario(name_or_path: str | os.PathLike[str]) -> ScenarioModel:
    """Read and validate a scenario: a built-in name (see :func:`list_scenarios`) or a YAML file path.

    Parameters
    ----------
    name_or_path : str or path-like
        ``"european-third-site-2007"``, or a path such as ``"my/scenario.yaml"``.

    Returns
    -------
    ScenarioModel

    Raises
    ------
    InputError
        Unknown built-in name (with close names), unreadable file, invalid YAML, or a rule broken; the
        message names the file, the field path and the rule.

    >>> m = load_scenario("european-third-site-2007")
    >>> m.interceptor_types["gbi-2stage"].burnout_speed_km_s.value
    6.3
    >>> load_scenario("european-third-site")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    shieldcheck.errors.InputError: scenario 'european-third-site' is not built in; did you mean ...
    """
    if not isinstance(name_or_path, (str, os.PathLike)):
        raise InputError(f"scenario must be a built-in name or a YAML path, got {name_or_path!r}")
    text_name = os.fspath(name_or_path)
    path = Path(text_name)
    looks_like_path = path.suffix in (".yaml", ".yml") or os.sep in text_name or "/" in text_name
    try:
        is_file = path.is_file()
    except (OSError, ValueError):  # a name too long for the file system, or a NUL byte
        is_file = False
        looks_like_path = looks_like_path or len(text_name) > 255
    if is_file or looks_like_path:
        text = read_text(path, "scenario file")
        filename = path.name if len(path.name) <= 80 else path.name[:77] + "..."
    else:
        names = _builtin_names()
        if text_name not in names:
            close = difflib.get_close_matches(text_name[:200], names, n=3, cutoff=0.5)
            hint = f"did you mean {', '.join(repr(c) for c in close)}? " if close else ""
            shown = text_name if len(text_name) <= 80 else text_name[:77] + "..."
            raise InputError(
                f"scenario {shown!r} is not built in; {hint}(built-in: {', '.join(names)}; "
                "or give a path to a .yaml file)"
            )
        filename = f"{text_name}.yaml"
        text = resources.files(_PACKAGE).joinpath(filename).read_text(encoding="utf-8")
    data = _read_yaml(text, filename)
    model = _validate(data, filename)
    for vname, variant in model.variants.items():  # every variant must apply cleanly
        trial = _dump(model)
        items = [(k, v) for k, v in variant.set.items()]
        touched = _apply(trial, items, variant.source, f"variants.{vname}.set:", f"variant {vname}", filename)
        _validate(trial, filename, touched)
    _check_claims(model, filename)
    return model


def _check_claims(model: ScenarioModel, filename: str) -> None:
    """Every ``claims:`` entry must name a number of the scenario (a path `build` lists as an assumption).

    A claim drawn beside a quantity that does not exist (a typo, a renamed interceptor type) would
    silently draw nothing; it is an error naming the claim and the path instead.
    """
    if not model.claims:
        return
    numbers: list[Assumption] = []
    _collect(model, "", {}, numbers)
    paths = [a.path for a in numbers]
    for i, c in enumerate(model.claims):
        if c.quantity.removesuffix(".value") not in paths:
            close = difflib.get_close_matches(c.quantity, paths, n=1, cutoff=0.6)
            hint = (
                f"; did you mean '{close[0]}'?"
                if close
                else f" (give the dotted path of a number, as for --set, e.g. '{paths[0]}')"
            )
            raise InputError(
                f"{filename}: claims.{i}.quantity: claim {c.label!r} names {c.quantity!r}, which is not a "
                f"number of this scenario{hint}"
            )


def scenario_schema() -> dict:
    """JSON Schema of the scenario YAML format (for editors and ``shieldcheck schema``).

    >>> sorted(scenario_schema()["required"])
    ['interceptor_sites', 'interceptor_types', 'name', 'question', 'threats', 'title']
    """
    schema = ScenarioModel.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "shieldcheck scenario"
    return schema


# --------------------------------------------------------------------------------------------------------
# Building


@dataclass(frozen=True)
class Assumption:
    """One number behind a built scenario.

    Attributes
    ----------
    path : str
        Dotted path (``interceptor_types.gbi-2stage.burnout_speed_km_s``; catalog numbers as
        ``catalog.missiles.icbm-solid.burn_time_s`` and ``catalog.places.tehran.latitude_deg``).
    value : float
    unit : str
        From the field name's suffix (``km/s``, ``km``, ``s``, ``deg``, ``m²``, ...); ``""`` for counts.
    source : str
        Public source, ``estimate: ...``, or the default/override that set it.
    origin : str
        ``"scenario"``, ``"default"``, ``"catalog"``, ``"variant <name>"`` or ``"--set"``.
    """

    path: str
    value: float
    unit: str
    source: str
    origin: str


_UNITS = (
    ("_km_s", "km/s"),
    ("_km", "km"),
    ("_kg", "kg"),
    ("_m2", "m²"),
    ("_deg", "deg"),
    ("_db", "dB"),
    ("_s", "s"),
    ("_w", "W"),
    ("_m", "m"),
    ("_k", "K"),
)


def _unit(field: str) -> str:
    for suffix, unit in _UNITS:
        if field.endswith(suffix):
            return unit
    return ""


@dataclass(frozen=True)
class ThreatCase:
    """One threat: a launch place, a target and how the missile flies (None means "from the missile").

    ``trajectory()`` solves it with `shieldcheck.threats.trajectory`.
    """

    group: str
    launch: Place
    target: Place
    missile: MissileClass | None
    shape: str
    apogee_km: float | None
    flight_time_s: float | None
    burnout_speed_km_s: float | None
    branch: str
    burn_time_s: float | None
    burnout_altitude_km: float | None
    burnout_range_km: float | None
    max_burnout_speed_km_s: float | None
    rcs_m2: float | None
    boost: str = "kinematic"

    def trajectory_kw(self) -> dict:
        """How this threat flies, as keywords of `shieldcheck.footprint.defended_area` and
        `shieldcheck.threats.trajectory` (missile, shape and its value, boost figures, boost), so that a
        footprint of the group flies the group's own trajectories.

        >>> sorted(build(load_scenario("european-third-site-2007")).threats[0].trajectory_kw())[:3]
        ['apogee_km', 'boost', 'branch']
        """
        return dict(missile=self.missile, shape=self.shape, apogee_km=self.apogee_km,
                    flight_time_s=self.flight_time_s, burnout_speed_km_s=self.burnout_speed_km_s,
                    branch=self.branch, burn_time_s=self.burn_time_s,
                    burnout_altitude_km=self.burnout_altitude_km, burnout_range_km=self.burnout_range_km,
                    max_burnout_speed_km_s=self.max_burnout_speed_km_s, boost=self.boost)

    def trajectory(self, earth: str = "wgs84", rotation: bool = True) -> "Trajectory":
        """Solve this threat's trajectory (see `shieldcheck.threats.trajectory`).

        >>> case = build(load_scenario("european-third-site-2007")).threats[0]
        >>> case.trajectory().status
        'ok'
        """
        from shieldcheck.threats import trajectory

        return trajectory(
            self.launch,
            self.target,
            missile=self.missile,
            shape=self.shape,
            apogee_km=self.apogee_km,
            flight_time_s=self.flight_time_s,
            burnout_speed_km_s=self.burnout_speed_km_s,
            branch=self.branch,
            burn_time_s=self.burn_time_s,
            burnout_altitude_km=self.burnout_altitude_km,
            burnout_range_km=self.burnout_range_km,
            max_burnout_speed_km_s=self.max_burnout_speed_km_s,
            earth=earth,
            rotation=rotation,
            boost=self.boost,
        )


@dataclass(frozen=True)
class BoostPhaseBase:
    """A built boost-phase base (``boost_phase.bases``): plain numbers, units in the names.

    ``launch_delay_s`` is the interceptor type's (0 for numbers given on the base); ``launches`` the launch
    places kept (empty: every launch place of ``threats``).
    """

    name: str
    label: str
    latitude_deg: float
    longitude_deg: float
    platform: str
    altitude_km: float
    carrier_speed_km_s: float
    interceptor: str
    burnout_speed_km_s: float
    burn_time_s: float
    burnout_altitude_km: float
    launch_delay_s: float
    delay_s: float
    threats: tuple[str, ...]
    launches: tuple[str, ...] = ()


@dataclass(frozen=True)
class BoostPhasePlan:
    """A built ``boost_phase:`` block: the bases, each faced group's booster ``(name, payload_kg or
    None)``, the basing-zone grid ``(base, lat_min, lat_max, lon_min, lon_max, step)`` or None, the
    fly-out model and the boost sample spacing (s)."""

    bases: tuple[BoostPhaseBase, ...]
    boosters: dict
    zone: tuple | None
    flyout: str
    sample_step_s: float


def _build_boost_phase(eff, types_built: dict, place, shown: dict, shown_name) -> BoostPhasePlan | None:
    bp = eff.boost_phase
    if bp is None:
        return None
    groups = {g.name: g for g in eff.threats}
    bases = []
    for b in bp.bases:
        p = place(b.place, f"boost_phase.bases.{b.name}.place")
        shown[b.name] = shown_name(b.name, p)
        it = types_built.get(b.interceptor) if b.interceptor else None

        def num(field: str, fallback: float, _b=b, _it=it) -> float:
            q = getattr(_b, field)
            if q is not None:
                return q.value
            return getattr(_it, field) if _it is not None else fallback

        bases.append(
            BoostPhaseBase(
                name=b.name,
                label=b.label or shown[b.name],
                latitude_deg=p.latitude_deg,
                longitude_deg=p.longitude_deg,
                platform=b.platform,
                altitude_km=_value(b.altitude_km) or 0.0,
                carrier_speed_km_s=_value(b.carrier_speed_km_s) or 0.0,
                interceptor=b.interceptor or "interceptor",
                burnout_speed_km_s=num("burnout_speed_km_s", math.nan),
                burn_time_s=num("burn_time_s", 0.0),
                burnout_altitude_km=num("burnout_altitude_km", 0.0),
                launch_delay_s=it.launch_delay_s if it is not None else 0.0,
                delay_s=b.delay_s.value,
                threats=tuple(b.threats),
                launches=tuple(b.launch),
            )
        )
    boosters = {}
    for g in dict.fromkeys(t for b in bp.bases for t in b.threats):
        spec = bp.boosters.get(g)
        if spec is not None:
            boosters[g] = (spec.booster, _value(spec.payload_kg))
        else:
            boosters[g] = (groups[g].missile, None)
    z = bp.zone
    zone = None
    if z is not None:
        zone = (
            z.base,
            z.lat_min_deg.value,
            z.lat_max_deg.value,
            z.lon_min_deg.value,
            z.lon_max_deg.value,
            z.step_deg.value,
        )
    return BoostPhasePlan(tuple(bases), boosters, zone, bp.flyout, bp.sample_step_s.value)


@dataclass(frozen=True)
class StagedType:
    """An interceptor type flown on its own stages (``staged: true``), as built.

    Attributes
    ----------
    flyout : shieldcheck.interceptors.StagedFlyout
        The integrated burn (burnout speed, burn time, burnout altitude and range, flight-path angle,
        ideal delta-v, gravity and drag losses), with the type's launch delay.
    stages_from : str
        ``"scenario booster:"`` or ``"catalog NAME"``.
    replaced : tuple of (str, float, str)
        The fixed numbers the integration replaced: field, value, and who set it (``the scenario file``,
        ``variant NAME``, ``the catalog or default``).
    stage_sources : tuple of (str, float, str, str)
        Each stage number of a catalog booster: path under the type, value, unit and public source (an
        inline ``booster:`` block's numbers are in the assumption list under its own path).
    """

    flyout: Any
    stages_from: str
    replaced: tuple
    stage_sources: tuple = ()


def _stage_type(name: str, t: InterceptorTypeSpec, filename: str, touched: Mapping[str, str]) -> StagedType:
    from shieldcheck.interceptors import _catalog_booster_entry, integrated_flyout

    where = f"{filename}: interceptor_types.{name}"
    vehicle, stages_from = _type_stages(name, t, filename)
    fpa = 20.0 if t.flight_path_angle_deg is None else t.flight_path_angle_deg.value
    try:
        fo = integrated_flyout(vehicle, fpa, launch_delay_s=t.launch_delay_s.value, name=name)
    except InputError as exc:
        raise InputError(f"{where}.flight_path_angle_deg: {exc}") from None
    written = set(t.model_fields_set)
    replaced = []
    for f in _FIXED_BURN:
        _, by = _layer(f"interceptor_types.{name}.{f}", f in written, touched)
        if getattr(t, f) is not None:
            replaced.append((f, getattr(t, f).value, by))
    sources = ()
    if stages_from.startswith("catalog "):
        entry = _catalog_booster_entry(stages_from.removeprefix("catalog "))
        sources = tuple(
            (f"booster.{k.replace('[', '.').replace(']', '')}", _stage_value(entry.vehicle, k),
             _unit(k.rsplit(".", 1)[-1]), src)
            for k, src in entry.sources.items()
        )
    return StagedType(fo, stages_from, tuple(replaced), sources)


def _stage_value(vehicle, key: str) -> float:
    if key == "payload_kg":
        return float(vehicle.payload_kg)
    head, field = key.split(".")
    return float(getattr(vehicle.stages[int(head[len("stages["):-1])], field))


def _staged_assumptions(assumptions: list, staged: Mapping[str, StagedType]) -> list:
    """The assumption list with each staged type's three fixed numbers replaced by the integrated ones
    (origin ``integrated``) and its catalog stage numbers added with their sources."""
    if not staged:
        return assumptions
    out = []
    for a in assumptions:
        parts = a.path.split(".")
        st = staged.get(parts[1]) if len(parts) == 3 and parts[0] == "interceptor_types" else None
        if st is None or parts[2] not in _FIXED_BURN:
            out.append(a)
    for name, st in staged.items():
        fo = st.flyout
        was = {f: (v, by) for f, v, by in st.replaced}
        for f in _FIXED_BURN:
            replaces = f"; replaces {was[f][0]:g} from {was[f][1]}" if f in was else ""
            out.append(Assumption(
                f"interceptor_types.{name}.{f}",
                float(getattr(fo, f)),
                _unit(f),
                f"integrated from its stages ({st.stages_from}; pitch program solved for a "
                f"{fo.flight_path_angle_deg:.0f}° burnout flight-path angle){replaces}",
                "integrated",
            ))
        for path, value, unit, source in st.stage_sources:
            out.append(Assumption(f"interceptor_types.{name}.{path}", value, unit, source, "catalog"))
    return out


@dataclass(frozen=True)
class BuiltScenario:
    """A scenario ready to run: the architecture, the threats, and every number with its source.

    Attributes
    ----------
    name, title, question : str
    variant : str or None
        The variant applied, if any.
    architecture : Architecture
    threats : tuple of ThreatCase
        One per (group, launch, target), in file order.
    assumptions : tuple of Assumption
        Every number used, with path, value, unit, source and origin.
    scenario_hash : str
        SHA-256 (hex) of the canonical JSON of the effective scenario (after the variant and ``--set``;
        the ``variants`` and ``claims`` sections are left out): equal hashes mean equal inputs.
    sets : tuple of str
        The ``--set`` overrides applied.
    display_names : dict of str to str
        Interceptor site and radar name -> the name of its place for maps and tables (the catalog's or
        the scenario's label, e.g. ``gbi-site`` -> ``Incirlik Air Base``); the object's own name where
        the place is given as coordinates.
    boost_phase : BoostPhasePlan or None
        The ``boost_phase:`` block, built (None when the scenario has none).
    staged_types : dict of str to StagedType
        Interceptor types with ``staged: true``: their integrated fly-out, whose burnout speed, burn time
        and burnout altitude the architecture's `InterceptorType` carries.
    """

    name: str
    title: str
    question: str
    variant: str | None
    architecture: Architecture
    threats: tuple[ThreatCase, ...]
    assumptions: tuple[Assumption, ...]
    scenario_hash: str
    sets: tuple[str, ...] = ()
    display_names: dict = _field(default_factory=dict, hash=False, compare=False)
    boost_phase: BoostPhasePlan | None = None
    staged_types: dict = _field(default_factory=dict, hash=False, compare=False)

    def display_name(self, name: str) -> str:
        """The display name of an interceptor site or radar (its own name if it has none).

        >>> build(load_scenario("turkey-alternative-2007")).display_name("gbi-site")
        'Incirlik Air Base'
        """
        return self.display_names.get(name, name)


def _value(q: Quantity | None) -> float | None:
    return None if q is None else q.value


def _canonical_hash(model: ScenarioModel) -> str:
    data = model.model_dump(mode="json", exclude={"variants", "claims"})
    for t in data["interceptor_types"].values():  # fields added in session 7: unset, the hash stays as before
        for f, unset in (("staged", False), ("flight_path_angle_deg", None), ("booster", None)):
            if t.get(f, unset) == unset:
                t.pop(f, None)
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _collect(model: BaseModel, path: str, touched: Mapping[str, str], out: list[Assumption]) -> None:
    for field, info in type(model).model_fields.items():
        value = getattr(model, field)
        if value is None:
            continue
        here = f"{path}.{field}" if path else field
        kind, _ = _kind(info.annotation)
        if isinstance(value, (Quantity, Count)):
            origin = _origin_of(here, touched)
            if origin is None:
                origin = "scenario" if field in model.model_fields_set else "default"
                if origin == "default" and value.source.startswith("catalog "):
                    origin = "catalog"
            out.append(Assumption(here, float(value.value), _unit(field), value.source, origin))
        elif isinstance(value, BaseModel):
            _collect(value, here, touched, out)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, PlaceSpec):
                    for coord in ("latitude_deg", "longitude_deg"):
                        p = f"{here}.{item.name}.{coord}"
                        origin = _origin_of(p, touched) or "scenario"
                        out.append(Assumption(p, getattr(item, coord), "deg", item.source, origin))
                elif isinstance(item, BaseModel):
                    _collect(item, f"{here}.{getattr(item, 'name', i)}", touched, out)
        elif isinstance(value, dict) and field != "variants":
            for key, item in value.items():
                if isinstance(item, BaseModel):
                    _collect(item, f"{here}.{key}", touched, out)


_MISSILE_FIELDS = (
    "range_km",
    "burn_time_s",
    "burnout_altitude_km",
    "burnout_range_km",
    "max_burnout_speed_km_s",
)


def _wrap_build_error(filename: str, where: str, exc: InputError) -> InputError:
    return InputError(f"{filename}: {where}: {exc}")


def build(
    model: ScenarioModel, variant: str | None = None, sets: Iterable[str] = (), *, sets_from: str = "--set"
) -> BuiltScenario:
    """Apply a variant and ``--set`` overrides, re-validate, and construct the architecture and threats.

    Parameters
    ----------
    model : ScenarioModel
        From :func:`load_scenario`.
    variant : str, optional
        A key of ``model.variants``; its ``set`` is applied first (plain numbers take the variant's
        ``source``).
    sets : iterable of str
        ``"path=value"`` overrides applied after the variant (see :func:`apply_sets`).
    sets_from : str
        Where ``sets`` came from, as error messages and `Assumption.origin` name it: ``"--set"`` (the
        CLI), or ``"request sets"`` (the web API). Their values' ``source`` stays ``"--set"``,
        so the scenario hash does not depend on the interface.

    Returns
    -------
    BuiltScenario

    Raises
    ------
    InputError
        Unknown variant (the message lists them), bad overrides, or values breaking a rule.

    >>> m = load_scenario("european-third-site-2007")
    >>> s = build(m, sets=["radars.brdy-xband.max_range_km=3000"])
    >>> [a.origin for a in s.assumptions if a.path == "radars.brdy-xband.max_range_km"]
    ['--set']
    >>> build(m, variant="speed-9")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    shieldcheck.errors.InputError: european-third-site-2007.yaml: variant 'speed-9' is not defined; ...
    """
    filename = model.filename
    sets = tuple(sets)
    data = _dump(model)
    touched: dict[str, str] = {}
    if variant is not None:
        if variant not in model.variants:
            names = list(model.variants)
            close = difflib.get_close_matches(variant, names, n=2, cutoff=0.5)
            hint = f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""
            raise InputError(
                f"{filename}: variant {variant!r} is not defined; {hint}"
                f"variants: {', '.join(names) if names else '(none)'}"
            )
        v = model.variants[variant]
        source = f"variant {variant}: {v.source}" if v.source else f"variant {variant}"
        items = [(k, val) for k, val in v.set.items()]
        touched |= _apply(data, items, source, f"variants.{variant}.set:", f"variant {variant}", filename)
    touched |= _apply(data, sets, "--set", sets_from, sets_from, filename)
    eff = _validate(data, filename, touched) if touched else model

    from shieldcheck import sensors  # imported here: the scenario layer does not need it to load files

    resolve = _Resolver(eff)
    used_places: dict[str, Place] = {}

    def place(text: str, path: str) -> Place:
        p = resolve(text, path, filename)
        used_places.setdefault(p.name, p)
        return p

    types_built = {}
    staged_types: dict[str, StagedType] = {}
    for name, t in eff.interceptor_types.items():
        burn = {f: _value(getattr(t, f)) for f in _FIXED_BURN}  # all given unless staged (_check_staged)
        if t.staged:
            staged_types[name] = st = _stage_type(name, t, filename, touched)
            burn = {f: getattr(st.flyout, f) for f in _FIXED_BURN}
        try:
            types_built[name] = InterceptorType(
                name=name,
                **burn,
                min_intercept_altitude_km=t.min_intercept_altitude_km.value,
                max_intercept_altitude_km=t.max_intercept_altitude_km.value,
                max_coast_time_s=t.max_coast_time_s.value,
                launch_delay_s=t.launch_delay_s.value,
            )
        except InputError as exc:
            raise _wrap_build_error(filename, f"interceptor_types.{name}", exc) from None
    shown: dict[str, str] = {}  # display names: the place's label; the object's own name at coordinates

    def shown_name(own: str, p: Place) -> str:
        at_coordinates = p.kind == "point" and _key(p.name) not in resolve.own
        return own if at_coordinates else p.label or p.name

    sites = []
    for s in eff.interceptor_sites:
        p = place(s.place, f"interceptor_sites.{s.name}.place")
        shown[s.name] = shown_name(s.name, p)
        try:
            sites.append(
                InterceptorSite(
                    s.name, p.latitude_deg, p.longitude_deg, types_built[s.interceptor], s.inventory.value,
                    label=shown[s.name],
                )
            )
        except InputError as exc:
            raise _wrap_build_error(filename, f"interceptor_sites.{s.name}", exc) from None
    radars = []
    for r in eff.radars:
        p = place(r.place, f"radars.{r.name}.place")
        shown[r.name] = shown_name(r.name, p)
        kwargs = dict(
            altitude_km=r.altitude_km.value,
            reference_rcs_m2=r.reference_rcs_m2.value,
            elevation_mask_deg=r.elevation_mask_deg.value,
            max_elevation_deg=r.max_elevation_deg.value,
            k_factor=r.k_factor.value,
            boresight_azimuth_deg=_value(r.boresight_azimuth_deg),
            half_width_deg=_value(r.half_width_deg),
            fire_control=r.fire_control,
            source=r.source,
        )
        try:
            if r.radar_equation is not None:
                eq = {f: getattr(r.radar_equation, f).value for f in type(r.radar_equation).model_fields}
                radars.append(
                    sensors.GroundRadar.from_radar_equation(
                        r.name, p.latitude_deg, p.longitude_deg, **eq, **kwargs
                    )
                )
            else:
                radars.append(
                    sensors.GroundRadar(
                        r.name, p.latitude_deg, p.longitude_deg, max_range_km=r.max_range_km.value, **kwargs
                    )
                )
        except InputError as exc:
            raise _wrap_build_error(filename, f"radars.{r.name}", exc) from None
    early = []
    for e in eff.early_warning:
        try:
            early.append(sensors.EarlyWarningSatellites(e.name, e.detection_delay_s.value, e.source))
        except InputError as exc:
            raise _wrap_build_error(filename, f"early_warning.{e.name}", exc) from None
    tl = eff.timeline
    timeline = Timeline(
        track_formation_s=tl.track_formation_s.value,
        decision_s=tl.decision_s.value,
        kill_assessment_s=tl.kill_assessment_s.value,
        track_required_for_intercept=tl.track_required_for_intercept,
    )
    architecture = Architecture(
        sites=tuple(sites),
        radars=tuple(radars),
        early_warning=tuple(early),
        timeline=timeline,
        earth=eff.earth,
        rotation=eff.rotation,
    )

    cases = []
    used_missiles: dict[str, MissileClass] = {}
    for g in eff.threats:
        missile = get_missile(g.missile, field=f"threats.{g.name}.missile") if g.missile else None
        if g.booster is not None:
            from shieldcheck.catalog.boosters import with_booster

            try:
                missile = with_booster(missile, g.booster, need=f"threats.{g.name}.missile")
            except InputError as exc:
                raise InputError(f"{filename}: threats.{g.name}.booster: {exc}") from None
        if missile is not None:
            used_missiles.setdefault(missile.name, missile)  # catalog numbers listed once per class
        if g.boost == "staged":  # a class without stages is the user's input, not a row's status
            from shieldcheck.threats import staged_vehicle

            explicit = [k for k in ("burn_time_s", "burnout_altitude_km", "burnout_range_km",
                                    "max_burnout_speed_km_s") if getattr(g, k) is not None]
            try:
                staged_vehicle(missile, g.shape, g.boost, explicit)
            except InputError as exc:
                raise InputError(f"threats.{g.name}.boost: {exc}") from None
        launches = [place(t, f"threats.{g.name}.launch.{i}") for i, t in enumerate(g.launch)]
        targets = [place(t, f"threats.{g.name}.targets.{i}") for i, t in enumerate(g.targets)]
        for launch in launches:
            for target in targets:
                cases.append(
                    ThreatCase(
                        group=g.name,
                        launch=launch,
                        target=target,
                        missile=missile,
                        shape=g.shape,
                        apogee_km=_value(g.apogee_km),
                        flight_time_s=_value(g.flight_time_s),
                        burnout_speed_km_s=_value(g.burnout_speed_km_s),
                        branch=g.branch,
                        burn_time_s=_value(g.burn_time_s),
                        burnout_altitude_km=_value(g.burnout_altitude_km),
                        burnout_range_km=_value(g.burnout_range_km),
                        max_burnout_speed_km_s=_value(g.max_burnout_speed_km_s),
                        rcs_m2=_value(g.rcs_m2),
                        boost=g.boost,
                    )
                )

    boost_phase = _build_boost_phase(eff, types_built, place, shown, shown_name)

    assumptions: list[Assumption] = []
    _collect(eff, "", touched, assumptions)
    assumptions = _staged_assumptions(assumptions, staged_types)
    own = {p.name for p in eff.places}
    for p in used_places.values():
        if p.name in own:
            continue
        origin = "coordinates" if p.kind == "point" else "catalog"
        for coord in ("latitude_deg", "longitude_deg"):
            assumptions.append(
                Assumption(f"catalog.places.{p.name}.{coord}", getattr(p, coord), "deg", p.source, origin)
            )
    for missile in used_missiles.values():
        for f in _MISSILE_FIELDS:
            assumptions.append(
                Assumption(
                    f"catalog.missiles.{missile.name}.{f}",
                    getattr(missile, f),
                    _unit(f),
                    missile.sources[f],
                    "catalog",
                )
            )

    return BuiltScenario(
        name=eff.name,
        title=eff.title,
        question=eff.question,
        variant=variant,
        architecture=architecture,
        threats=tuple(cases),
        assumptions=tuple(assumptions),
        scenario_hash=_canonical_hash(eff),
        sets=sets,
        display_names=shown,
        boost_phase=boost_phase,
        staged_types=staged_types,
    )
