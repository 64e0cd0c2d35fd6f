"""Exports of a scenario's results: KML, CZML, GeoJSON, CSV and Parquet.

`collect` computes everything once into an `ExportBundle` (threat tracks, engagement rows, interceptor
fly-outs, radar coverage boundaries); the writers only format it:

=========  ===============================================================================================
KML        Google Earth: folders of sites, radar coverage, 3-D threat and interceptor tracks, intercept
           points, with balloons giving the engagement-table row numbers and time spans (`write_kml`,
           written with ElementTree in the order of the OGC KML 2.2 schema, which it validates against).
CZML       CesiumJS: time-dynamic threats and interceptors over a clock spanning the longest flight
           (`write_czml`, czml3).
GeoJSON    GIS tools: sites, tracks (split at the antimeridian), coverage polygons, and any footprint
           features from another module (`write_geojson`).
CSV        the engagement table with a fixed column order (`write_table`); Parquet: the same columns.
           Every table of a study (`study_table`) goes through the one writer, `write_rows`.
=========  ===============================================================================================

Coordinates in every file are WGS84 longitude and latitude in degrees, and altitude in meters above the
WGS84 ellipsoid (KML's ``absolute`` altitude mode nominally means above mean sea level: Google Earth
draws our heights shifted by the geoid undulation, at most ~110 m). Degrees are written with 7 decimals
(~1 cm) and meters with 2 decimals. A scenario on ``earth: sphere`` is written with its spherical
latitudes and longitudes labelled as WGS84 (they are not converted). Times are seconds after the threat's
launch; every threat is launched at the CZML epoch (a display convention: the scenario has no clock).

Every number in these files is a model estimate from shieldcheck's kinematic models and the scenario's
cited assumptions, and the files say so.

>>> export(None, "shp", "out.shp")
Traceback (most recent call last):
...
shieldcheck.errors.InputError: fmt must be one of kml, czml, geojson, csv, parquet, got 'shp'
"""

from __future__ import annotations

import csv
import datetime as _dt
import json
import math
import re
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np

from shieldcheck import earth as _earth
from shieldcheck._format import fmt_number
from shieldcheck.engagement import COLUMNS, EngagementResult, interceptor_path
from shieldcheck.errors import InputError
from shieldcheck.sensors import coverage_boundary
from shieldcheck.threats import sample_trajectory, trajectory_state

__all__ = [
    "FORMATS",
    "PROVENANCE_COLUMNS",
    "TABLE_COLUMNS",
    "ExportBundle",
    "collect",
    "export",
    "geojson_document",
    "study_table",
    "write_rows",
    "write_czml",
    "write_geojson",
    "write_kml",
    "write_table",
]

FORMATS = ("kml", "czml", "geojson", "csv", "parquet")
"""Formats `export` writes."""

PROVENANCE_COLUMNS = ("row", "scenario", "scenario_hash", "variant", "sets", "shieldcheck_version")
"""The first columns of every table written: a 1-based row number and what produced the row (scenario name,
the hash of its effective inputs for that variant, the variant, the ``--set`` overrides joined by ``; ``,
the shieldcheck version)."""

TABLE_COLUMNS = (*PROVENANCE_COLUMNS, *COLUMNS)
"""Column order of the engagement table (CSV, Parquet, JSON): `PROVENANCE_COLUMNS`, then the
`EngagementResult` fields."""

NOTE = (
    "Model estimate: shieldcheck's models with the scenario's cited assumptions; "
    "not a prediction of real-world performance."
)
"""The note of a table written alone; a bundle's files carry `ExportBundle.note`, which also says how the
threats were flown."""


def model_note(study, variants=None) -> str:
    """The note every file of a study's export carries: model estimates, how the threats were flown (the
    study's `shieldcheck.study.boost_note`: kinematic, staged or both), the interceptors' kinematic reach."""
    from shieldcheck.study import boost_note

    return (f"Model estimate: shieldcheck's models ({boost_note(study, variants)}; interceptors: kinematic "
            "reach, no homing) with the scenario's cited assumptions; not a prediction of real-world "
            "performance.")

_DEG = 7  # decimals written for degrees (1e-7 deg ~ 1 cm)
_M = 2  # decimals written for meters
_TIME = 3  # decimals written for seconds


# ============================================================================ the bundle
@dataclass(frozen=True)
class ExportBundle:
    """Everything the writers need, computed once by `collect`.

    Attributes
    ----------
    scenario, variant, scenario_hash, title : str (variant may be None)
        Identity of the built scenario (`shieldcheck.scenario.BuiltScenario`).
    sites : list of dict
        ``name``, ``label``, ``kind`` (``"interceptor_site"``, ``"radar"``, ``"launch"`` or
        ``"target"``), ``latitude_deg``, ``longitude_deg``, ``altitude_km`` and ``details`` (a dict of
        the site's parameters).
    radars : list of dict
        ``name``, ``latitude_deg``, ``longitude_deg``, ``altitude_km``, ``max_range_km``,
        ``reference_rcs_m2``, ``fire_control`` and ``coverage``: ``{altitude_km: (latitude_deg array,
        longitude_deg array)}``, the closed outer boundary (first vertex repeated last) of targets seen
        at that altitude; empty arrays where the radar sees nothing there.
    threats : list of dict
        One per threat case: ``id``, ``threat`` (the group), ``launch``, ``target``, ``status``,
        ``engageable`` (by any site), ``reason`` (why not, per site), ``rows`` (1-based row numbers in
        ``rows``), ``flight_time_s``, ``apogee_km``, ``ground_range_km``, ``burnout_s`` (end of the
        boost: the track's velocity is not continuous there) and ``samples``: a dict of arrays
        ``t_s``, ``latitude_deg``, ``longitude_deg``, ``altitude_km`` (None unless ``status == "ok"``).
    intercepts : list of dict
        One per engageable row, the first intercept of the window: ``id``, ``row``, ``site``, ``threat``,
        ``threat_id``, ``launch``, ``target``, ``launch_s`` (interceptor lift-off), ``intercept_s``,
        ``latitude_deg``, ``longitude_deg``, ``altitude_km`` (the threat there), ``burnout_s`` (the
        interceptor's burnout) and ``samples`` (the interceptor's fly-out, a dict of arrays as for
        threats).
    rows : list of dict
        The engagement table: keys `TABLE_COLUMNS` in that order (NaN written as None).
    footprints : sequence of dict
        Optional GeoJSON-like features ``{"geometry": shapely geometry or GeoJSON dict, "properties":
        {...}}`` (e.g. footprint contours), in lon/lat degrees.
    note : str
        The model note every feature, placemark and packet carries (`model_note` of the study).
    """

    scenario: str
    variant: str | None
    scenario_hash: str
    title: str
    sites: list[dict]
    radars: list[dict]
    threats: list[dict]
    intercepts: list[dict]
    rows: list[dict]
    footprints: list[dict] | tuple = ()
    note: str = NOTE


def _coverage_ring(radar, altitude_km: float, earth: str, az_step_deg: float = 5.0):
    """Closed outer boundary (lat, lon arrays) of the targets ``radar`` sees at ``altitude_km``.

    Along azimuths every ``az_step_deg`` (plus the edges of a sector, traced 0.05° inside), the limit from
    `shieldcheck.sensors.coverage_boundary` (bisected to 1 cm). An azimuth along which nothing is seen
    contributes the radar's own position (once per run of such azimuths). Uses the radar's reference RCS.
    """
    az = np.arange(0.0, 360.0, az_step_deg)
    if radar.boresight_azimuth_deg is not None and radar.half_width_deg < 180.0:
        b, w = radar.boresight_azimuth_deg, radar.half_width_deg
        az = np.sort(np.mod(np.concatenate([az, [b - w + 0.05, b + w - 0.05]]), 360.0))
    lat, lon = coverage_boundary(
        radar, altitude_km, azimuths_deg=az, earth=earth, samples=300, tolerance_km=1e-5
    )
    lon = np.mod(lon + 180.0, 360.0) - 180.0
    dist, _, _ = _earth.geodesic_inverse(radar.latitude_deg, radar.longitude_deg, lat, lon, earth=earth)
    dist = np.where(np.atleast_1d(dist) < 1e-6, 0.0, np.atleast_1d(dist))
    keep = np.ones(lat.size, dtype=bool)  # drop repeats of the radar's position (sector radars)
    keep[1:] = (dist[1:] > 0.0) | (dist[:-1] > 0.0)
    if dist[0] == 0.0 and dist[-1] == 0.0:
        keep[0] = False if keep[1:].any() else keep[0]
    lat, lon = lat[keep], lon[keep]
    if lat.size < 3:
        return np.empty(0), np.empty(0)
    return np.append(lat, lat[0]), np.append(lon, lon[0])


def _threat_id(case, seen: dict) -> str:
    base = f"threat/{case.group}/{case.launch.name}/{case.target.name}"
    seen[base] = seen.get(base, 0) + 1
    return base if seen[base] == 1 else f"{base}#{seen[base]}"


def _samples(t, lat, lon, alt) -> dict:
    return {
        "t_s": np.asarray(t, dtype=float),
        "latitude_deg": np.asarray(lat, dtype=float),
        "longitude_deg": np.mod(np.asarray(lon, dtype=float) + 180.0, 360.0) - 180.0,
        "altitude_km": np.asarray(alt, dtype=float),
    }


def _flat(v):
    """A table cell: lists and tuples of plain values become one ``; ``-joined string (CSV-safe)."""
    if isinstance(v, (list, tuple)):
        return "; ".join(
            (f"{x['launch']} to {x['target']} ({x['reason_code']})" if isinstance(x, dict) else str(x))
            for x in v
        )
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def study_table(study, name: str = "rows", variants=None) -> list[dict]:
    """One table of a `shieldcheck.study.Study` as flat dicts: `PROVENANCE_COLUMNS` first, then the record's
    fields; lists become ``; ``-joined text and NaN becomes None. The same rows feed JSON, CSV and Parquet.

    >>> from shieldcheck.study import build_study
    >>> rows = study_table(build_study("european-third-site-2007", thresholds=False), "groups")
    >>> [(r["variant"], r["threat"], r["routes_defended"], r["routes_reachable"]) for r in rows][:2]
    [('base', 'iran-europe', 36, 39), ('base', 'iran-us-east-coast', 9, 9)]
    """
    recs = study.table(name)
    keep = None if variants is None else set(variants)
    out = []
    for rec in recs:
        v = rec["variant"]
        if keep is not None and v not in keep:
            continue
        row = {
            "row": len(out) + 1,
            "scenario": study.scenario,
            "scenario_hash": study.built[v].scenario_hash,
            "variant": v,
            "sets": "; ".join(study.sets),
            "shieldcheck_version": study.version,
        }
        row.update({k: _flat(x) for k, x in rec.items() if k != "variant"})
        out.append(row)
    return out


def collect(
    built,
    *,
    step_s: float = 10.0,
    coverage_altitudes_km=(100.0, 500.0, 1000.0),
    footprints=(),
    variant: str | None = None,
) -> ExportBundle:
    """Gather what the exports show: tracks, engagement rows, interceptor fly-outs, radar coverage.

    Parameters
    ----------
    built : shieldcheck.study.Study or shieldcheck.scenario.BuiltScenario
        A study (its engagement rows are used as they are) or one built variant (a study of it is built).
    step_s : float
        Sampling step of the threat and interceptor tracks, s (event times such as burnout, apogee and
        impact are always samples).
    coverage_altitudes_km : sequence of float
        Target altitudes at which each radar's coverage boundary is traced, km.
    footprints : sequence of dict
        Optional GeoJSON-like features to carry along (see `ExportBundle`).
    variant : str, optional
        Which of a study's variants to export (default: its first).

    Returns
    -------
    ExportBundle

    Notes
    -----
    The engagement rows are the study's (`study_table`, threat by threat, then site by site): nothing is
    engaged again here. For each engageable row the interceptor is flown from ``first_intercept_launch_s``
    to the window's start, ``window_start_s`` (`shieldcheck.engagement.interceptor_path`: a Lambert arc
    after an illustrative vertical boost). Threat tracks are the study's trajectories sampled by
    `shieldcheck.threats.sample_trajectory` (exact Kepler coast, illustrative boost). Radar coverage is
    traced on the azimuths every 5° with `GroundRadar.sees` at the radar's reference RCS.
    """
    from shieldcheck.study import Study, build_study

    step = float(step_s)
    if not (math.isfinite(step) and step > 0.0):
        raise InputError(f"step_s must be a finite number > 0, got {step_s!r}")
    study = built if isinstance(built, Study) else build_study(built, thresholds=False)
    variant = study.variants[0] if variant is None else variant
    if variant not in study.built:
        raise InputError(f"variant must be one of {', '.join(study.variants)}, got {variant!r}")
    built = study.built[variant]
    trajs = study.trajectories[variant]
    arch = built.architecture
    earth, rotation = arch.earth, arch.rotation
    rows = study_table(study, "rows", variants=[variant])

    n_sites = len(arch.sites)
    sites_by_name = {s.name: s for s in arch.sites}
    ids: dict[str, int] = {}
    threats, intercepts = [], []
    for k, case in enumerate(built.threats):
        traj = trajs[k]
        mine = rows[k * n_sites : (k + 1) * n_sites]
        samples = None
        if traj.status == "ok":
            s = sample_trajectory(traj, step)
            samples = _samples(s.t_s, s.latitude_deg, s.longitude_deg, s.altitude_km)
        reasons = [(r["site"], r["reason"]) for r in mine if not r["engageable"]]
        tid = _threat_id(case, ids)
        threats.append(
            {
                "id": tid,
                "threat": case.group,
                "launch": case.launch.name,
                "target": case.target.name,
                "status": traj.status,
                "engageable": any(r["engageable"] for r in mine),
                "reason": "; ".join(why if n_sites == 1 else f"{site}: {why}" for site, why in reasons),
                "rows": [r["row"] for r in mine],
                "flight_time_s": float(traj.flight_time_s),
                "apogee_km": float(traj.apogee_km),
                "ground_range_km": float(traj.ground_range_km),
                "burnout_s": float(traj.burn_time_s),
                "samples": samples,
            }
        )
        for r in mine:
            if not r["engageable"]:
                continue
            t_launch, t_int = r["first_intercept_launch_s"], r["window_start_s"]
            if t_launch is None or t_int is None:
                continue
            path = interceptor_path(
                sites_by_name[r["site"]], t_launch, t_int, traj, earth=earth, rotation=rotation, step_s=step
            )
            r_ecef, _, _, _ = trajectory_state(traj, t_int)
            lat, lon, alt = _earth.ecef_to_geodetic(r_ecef, earth)
            intercepts.append(
                {
                    "id": f"interceptor/{r['site']}/row-{r['row']}",
                    "row": r["row"],
                    "site": r["site"],
                    "threat": case.group,
                    "threat_id": tid,
                    "launch": case.launch.name,
                    "target": case.target.name,
                    "launch_s": float(t_launch),
                    "intercept_s": float(t_int),
                    "latitude_deg": float(lat),
                    "longitude_deg": float(np.mod(float(lon) + 180.0, 360.0) - 180.0),
                    "altitude_km": float(alt),
                    "burnout_s": float(t_launch) + float(sites_by_name[r["site"]].interceptor.burn_time_s),
                    "samples": _samples(
                        path["t_s"], path["latitude_deg"], path["longitude_deg"], path["altitude_km"]
                    ),
                }
            )

    sites = []
    for s in arch.sites:
        it = s.interceptor
        sites.append(
            {
                "name": s.name,
                "label": built.display_name(s.name),
                "kind": "interceptor_site",
                "latitude_deg": float(s.latitude_deg),
                "longitude_deg": float(s.longitude_deg),
                "altitude_km": 0.0,
                "details": {
                    "interceptor": it.name,
                    "burnout_speed_km_s": it.burnout_speed_km_s,
                    "burn_time_s": it.burn_time_s,
                    "burnout_altitude_km": it.burnout_altitude_km,
                    "inventory": s.inventory,
                },
            }
        )
    radars = []
    for r in arch.radars:
        details = {
            "max_range_km": r.max_range_km,
            "reference_rcs_m2": r.reference_rcs_m2,
            "elevation_mask_deg": r.elevation_mask_deg,
            "boresight_azimuth_deg": r.boresight_azimuth_deg,
            "half_width_deg": r.half_width_deg,
            "fire_control": r.fire_control,
        }
        sites.append(
            {
                "name": r.name,
                "label": built.display_name(r.name),
                "kind": "radar",
                "latitude_deg": float(r.latitude_deg),
                "longitude_deg": float(r.longitude_deg),
                "altitude_km": float(r.altitude_km),
                "details": details,
            }
        )
        coverage = {float(h): _coverage_ring(r, float(h), earth) for h in coverage_altitudes_km}
        radars.append(
            {
                "name": r.name,
                "latitude_deg": float(r.latitude_deg),
                "longitude_deg": float(r.longitude_deg),
                "altitude_km": float(r.altitude_km),
                "max_range_km": float(r.max_range_km),
                "reference_rcs_m2": float(r.reference_rcs_m2),
                "fire_control": bool(r.fire_control),
                "coverage": coverage,
            }
        )
    places: dict[tuple[str, str], object] = {}
    for case in built.threats:
        places.setdefault(("launch", case.launch.name), case.launch)
        places.setdefault(("target", case.target.name), case.target)
    for (kind, name), p in places.items():
        sites.append(
            {
                "name": name,
                "label": p.label or name,
                "kind": kind,
                "latitude_deg": float(p.latitude_deg),
                "longitude_deg": float(p.longitude_deg),
                "altitude_km": 0.0,
                "details": {"country": p.country, "source": p.source},
            }
        )

    return ExportBundle(
        scenario=built.name,
        variant=variant,
        scenario_hash=built.scenario_hash,
        title=built.title,
        sites=sites,
        radars=radars,
        threats=threats,
        intercepts=intercepts,
        rows=rows,
        footprints=list(footprints),
        note=model_note(study, [variant]),
    )


# ============================================================================ shared helpers
def _deg(x) -> float:
    return round(float(x), _DEG)


def _m(altitude_km) -> float:
    return round(float(altitude_km) * 1000.0, _M)


def _jsonable(v):
    """Plain JSON values: numpy scalars to Python, NaN and infinity to None."""
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, np.ndarray):
        return [_jsonable(x) for x in v.tolist()]
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return float(v) if math.isfinite(v) else None
    return v


def _line_geometry(samples: dict) -> dict:
    """GeoJSON LineString (or MultiLineString across the antimeridian) of a track, [lon, lat, alt_m]."""
    lon = np.round(samples["longitude_deg"], _DEG)
    lat = np.round(samples["latitude_deg"], _DEG)
    alt = np.round(np.asarray(samples["altitude_km"]) * 1000.0, _M)
    parts = _earth.split_antimeridian(lon, lat, alt)
    coords = [[[_deg(x), _deg(y), round(h, _M)] for x, y, h in p] for p in parts]
    if len(coords) == 1:
        return {"type": "LineString", "coordinates": coords[0]}
    return {"type": "MultiLineString", "coordinates": coords}


def _ring_polygons(lat, lon):
    """A shapely (Multi)Polygon in lon/lat degrees for a closed ring, split at the antimeridian.

    The ring's longitudes are unwrapped, the closing edge included; if they wind once around the pole (a
    ring enclosing a pole) the ring is closed through that pole exactly 360° from its start. The unwrapped
    polygon is then cut at ±180° and the pieces shifted back and merged
    (`shieldcheck.footprint.wrap_longitudes`): valid, longitudes in [-180, 180], RFC 7946 ring order.
    """
    import shapely
    from shapely.geometry import Polygon

    from shieldcheck.footprint import wrap_longitudes

    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    step = np.mod(np.diff(lon) + 180.0, 360.0) - 180.0
    lon_u = np.concatenate([[lon[0]], lon[0] + np.cumsum(step)])
    closing = float(np.mod(lon[0] - lon[-1] + 180.0, 360.0) - 180.0)
    winding = lon_u[-1] + closing - lon_u[0]
    xs, ys = list(lon_u), list(lat)
    if abs(winding) > 180.0:  # encloses a pole: the one on the side of the ring's mean latitude
        pole = 90.0 if np.mean(lat) > 0.0 else -90.0
        end = lon_u[0] + math.copysign(360.0, winding)
        xs += [end, end, lon_u[0]]
        ys += [lat[0], pole, pole]
    poly = Polygon(zip(xs, ys, strict=True))
    if not poly.is_valid:
        poly = shapely.make_valid(poly)
    return wrap_longitudes(poly)


def _geometry_with_altitude(geom, altitude_m: float | None) -> dict:
    """GeoJSON dict of a shapely geometry, rounding coordinates and adding a constant altitude."""
    from shapely.geometry import mapping

    def fix(c):
        if isinstance(c[0], (int, float)):
            out = [_deg(c[0]), _deg(c[1])]
            if altitude_m is not None:
                out.append(round(float(altitude_m), _M))
            elif len(c) > 2:
                out.append(round(float(c[2]), _M))
            return out
        return [fix(x) for x in c]

    m = mapping(geom)
    return {"type": m["type"], "coordinates": fix(m["coordinates"])}


def _footprint_geojson(feature: dict) -> dict:
    geom = feature.get("geometry")
    if geom is None:
        raise InputError(f"footprint features need a 'geometry', got keys {sorted(feature)}")
    if hasattr(geom, "__geo_interface__"):
        geom = geom.__geo_interface__
    return {
        "type": "Feature",
        "geometry": _jsonable(geom),
        "properties": _jsonable({"kind": "footprint", **dict(feature.get("properties") or {})}),
    }


def _details_text(details: dict, sep: str) -> str:
    return sep.join(f"{k}: {v}" for k, v in details.items() if v is not None)


def _row(bundle: ExportBundle, number: int) -> dict:
    return bundle.rows[number - 1]


def _fmt(v, unit: str = "", digits: int = 0) -> str:
    if v is None:
        return "-"
    return f"{fmt_number(v, digits)}{(' ' + unit) if unit else ''}"


# ============================================================================ KML
def _kml_coords(samples: dict) -> list[tuple[str, str, str]]:
    return [
        (f"{x:.{_DEG}f}", f"{y:.{_DEG}f}", f"{h * 1000.0:.{_M}f}")
        for x, y, h in zip(
            samples["longitude_deg"], samples["latitude_deg"], samples["altitude_km"], strict=True
        )
    ]


def _row_text(bundle: ExportBundle, number: int) -> str:
    r = _row(bundle, number)
    head = f"Row {number} ({r['site']}): "
    if r["engageable"]:
        return head + (
            f"engageable; intercept window {_fmt(r['window_start_s'], 's')} to {_fmt(r['window_end_s'], 's')}"
            f" after launch ({_fmt(r['window_s'], 's')}); first intercept at "
            f"{_fmt(r['first_intercept_altitude_km'], 'km')} altitude; shots {r['shots']}"
        )
    return head + f"not engageable: {r['reason']}"


_KML_NS = "http://www.opengis.net/kml/2.2"
_NCNAME_BAD = re.compile(r"[^A-Za-z0-9._-]")

# One style per kind of point: a colour and a size, and no image. Icons linked from the internet
# (simplekml's default, maps.google.com) leave every point invisible offline; with no <Icon> a viewer
# draws its own built-in placemark in the style's colour. KML colours are aabbggrr.
_KML_POINT_STYLES = {
    "interceptor_site": ("ffffff00", 1.2),  # cyan
    "radar": ("ff00ff00", 1.0),  # green
    "launch": ("ff5050ff", 1.0),  # red
    "target": ("ffffffff", 1.0),  # white
    "intercept": ("ff00ffff", 1.1),  # yellow
}


class _KmlIds:
    """Unique XML ids (``xsd:ID``: an NCName, so no '/' and no leading digit) from readable names."""

    def __init__(self):
        self._seen: set[str] = set()

    def __call__(self, text: str) -> str:
        base = _NCNAME_BAD.sub(".", text)
        if not base or not (base[0].isalpha() or base[0] == "_"):
            base = "id." + base
        name, k = base, 1
        while name in self._seen:
            k += 1
            name = f"{base}.{k}"
        self._seen.add(name)
        return name


def _kml_el(parent, tag: str, text=None, **attrib):
    import xml.etree.ElementTree as ET

    el = ET.SubElement(parent, f"{{{_KML_NS}}}{tag}", attrib)
    if text is not None:
        el.text = str(text)
    return el


def _kml_feature(
    parent,
    tag: str,
    fid: str,
    name: str,
    description: str | None = None,
    *,
    begin: str | None = None,
    end: str | None = None,
    style: str | None = None,
):
    """A KML Feature with its children in the order the OGC KML 2.2 schema requires."""
    el = _kml_el(parent, tag, id=fid)
    _kml_el(el, "name", name)
    if description is not None:
        _kml_el(el, "description", description)
    if begin is not None or end is not None:
        span = _kml_el(el, "TimeSpan")
        if begin is not None:
            _kml_el(span, "begin", begin)
        if end is not None:
            _kml_el(span, "end", end)
    if style is not None:
        _kml_el(el, "styleUrl", f"#{style}")
    return el


def _kml_coordinates(parent, triples) -> None:
    _kml_el(parent, "coordinates", " ".join(",".join(t) for t in triples))


def write_kml(bundle: ExportBundle, path, epoch="2007-08-30T00:00:00Z") -> Path:
    """Write a KML 2.2 file for Google Earth and other viewers, valid against the OGC KML 2.2 schema.

    Folders: ``Sites`` (interceptor sites, radars, launch areas and targets as points), ``Radar
    coverage`` (one polygon per radar and altitude, drawn at that altitude, altitude mode absolute),
    ``Threat tracks`` (3-D LineStrings, altitude mode absolute; styled by whether any site can engage
    the threat), ``Interceptor tracks`` and ``Intercept points`` (the first intercept of each engageable
    row), and ``Footprints`` if the bundle has polygon or line footprints (clamped to the ground).
    Balloons give the engagement-table row numbers (as in `write_table`) and say "model estimate".

    Tracks carry a ``TimeSpan`` (threats from launch to impact, interceptors from lift-off to the
    intercept) and intercept points a ``TimeSpan`` that begins at the intercept, on the same clock as
    `write_czml` (every threat launched at ``epoch``), so a viewer's time slider replays the
    engagement. Point styles have a colour and no image link (nothing is fetched from the internet);
    ids are readable strings (``threat.iran-europe.tehran.berlin``) and elements follow the schema's
    order (OGC 07-147r2, OGC KML 2.2.0, 2008).

    Coordinates are WGS84 longitude, latitude (deg, 7 decimals) and altitude in meters (2 decimals)
    above the ellipsoid; KML's ``absolute`` nominally means above sea level, so Google Earth shows the
    tracks offset by the geoid undulation (at most ~110 m).

    Parameters
    ----------
    bundle : ExportBundle
        From `collect`.
    path : str or path-like
        The ``.kml`` file to write.
    epoch : str or datetime
        The threats' launch time on the file's clock, ISO 8601 with a time zone.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    InputError
        ``epoch`` is not an ISO 8601 date and time with a time zone.
    """
    import xml.etree.ElementTree as ET

    path = Path(path)
    t0 = _parse_epoch(epoch)

    def at(seconds: float) -> str:
        return _iso(t0 + _dt.timedelta(seconds=float(seconds)))

    ids = _KmlIds()
    ET.register_namespace("", _KML_NS)
    root = ET.Element(f"{{{_KML_NS}}}kml")
    variant = bundle.variant or "(base)"
    doc = _kml_feature(
        root,
        "Document",
        ids(f"scenario.{bundle.scenario}"),
        bundle.title,
        f"Scenario {bundle.scenario}, variant {variant}, scenario hash {bundle.scenario_hash}.<br/>"
        f"Engagement table rows are numbered as in the CSV/Parquet export. Times: every threat is "
        f"launched at {at(0)} (a display convention).<br/>{bundle.note}",
    )

    def style(sid: str, *, icon=None, line=None, poly=None) -> str:
        st = _kml_el(doc, "Style", id=sid)
        if icon is not None:
            ic = _kml_el(st, "IconStyle")
            _kml_el(ic, "color", icon[0])
            _kml_el(ic, "scale", f"{icon[1]:g}")
        if line is not None:
            ls = _kml_el(st, "LineStyle")
            _kml_el(ls, "color", line[0])
            _kml_el(ls, "width", f"{line[1]:g}")
        if poly is not None:
            ps = _kml_el(st, "PolyStyle")
            _kml_el(ps, "color", poly)
        return sid

    st_eng = style("track-engageable", line=("ff00a5ff", 2.5))  # orange
    st_not = style("track-not-engageable", line=("ff0000ff", 2.5))  # red
    st_int = style("interceptor-track", line=("ffffff00", 2.0))  # cyan
    st_cov = style("radar-coverage", line=("ff00ff00", 1.5), poly="3300ff00")
    st_fp = style("footprint", line=("ffff00ff", 1.0), poly="40ff00ff")
    st_point = {k: style(f"point-{k.replace('_', '-')}", icon=v) for k, v in _KML_POINT_STYLES.items()}

    def folder(parent, name: str):
        return _kml_feature(parent, "Folder", ids(f"folder.{name.lower().replace(' ', '-')}"), name)

    f_sites = folder(doc, "Sites")
    for s in bundle.sites:
        kind = s["kind"].replace("_", " ")
        pm = _kml_feature(
            f_sites,
            "Placemark",
            ids(f"site.{s['kind']}.{s['name']}"),
            f"{s['label']} ({kind})",
            f"{kind} {s['name']}<br/>{_details_text(s['details'], '<br/>')}<br/>{bundle.note}",
            style=st_point.get(s["kind"], st_point["launch"]),
        )
        pt = _kml_el(pm, "Point")
        _kml_coordinates(pt, [(f"{s['longitude_deg']:.{_DEG}f}", f"{s['latitude_deg']:.{_DEG}f}", "0.00")])

    f_cov = folder(doc, "Radar coverage")
    for r in bundle.radars:
        fr = folder(f_cov, r["name"])
        for h, (lat, lon) in r["coverage"].items():
            if len(lat) == 0:
                continue
            pm = _kml_feature(
                fr,
                "Placemark",
                ids(f"coverage.{r['name']}.{h:g}km"),
                f"{r['name']}: targets at {h:g} km",
                f"Outer limit of {r['name']}'s coverage of targets at {h:g} km altitude "
                f"(max range {r['max_range_km']:g} km against {r['reference_rcs_m2']:g} m²; "
                f"elevation mask, horizon and field of regard included).<br/>{bundle.note}",
                style=st_cov,
            )
            pol = _kml_el(pm, "Polygon")
            _kml_el(pol, "altitudeMode", "absolute")
            ring = _kml_el(_kml_el(pol, "outerBoundaryIs"), "LinearRing")
            _kml_coordinates(
                ring,
                [
                    (f"{x:.{_DEG}f}", f"{y:.{_DEG}f}", f"{h * 1000.0:.{_M}f}")
                    for x, y in zip(lon, lat, strict=True)
                ],
            )

    f_thr = folder(doc, "Threat tracks")
    for t in bundle.threats:
        if t["samples"] is None:
            continue
        lines = [_row_text(bundle, n) for n in t["rows"]]
        pm = _kml_feature(
            f_thr,
            "Placemark",
            ids(t["id"]),
            f"{t['threat']}: {t['launch']} → {t['target']}",
            f"Threat {t['id']}: flight {_fmt(t['flight_time_s'], 's')}, apogee "
            f"{_fmt(t['apogee_km'], 'km')}, ground range {_fmt(t['ground_range_km'], 'km')}.<br/>"
            + "<br/>".join(lines)
            + f"<br/>{bundle.note}",
            begin=at(t["samples"]["t_s"][0]),
            end=at(t["samples"]["t_s"][-1]),
            style=st_eng if t["engageable"] else st_not,
        )
        ls = _kml_el(pm, "LineString")
        _kml_el(ls, "tessellate", "0")
        _kml_el(ls, "altitudeMode", "absolute")
        _kml_coordinates(ls, _kml_coords(t["samples"]))

    f_int = folder(doc, "Interceptor tracks")
    f_hit = folder(doc, "Intercept points")
    for c in bundle.intercepts:
        text = (
            f"Interceptor from {c['site']} at {c['threat']}: {c['launch']} → {c['target']}; lift-off "
            f"{c['launch_s']:,.0f} s, intercept {c['intercept_s']:,.0f} s after the threat's launch.<br/>"
            f"{_row_text(bundle, c['row'])}<br/>{bundle.note}"
        )
        pm = _kml_feature(
            f_int,
            "Placemark",
            ids(c["id"]),
            f"{c['site']} → {c['threat']} {c['launch']}-{c['target']} (row {c['row']})",
            text,
            begin=at(c["samples"]["t_s"][0]),
            end=at(c["samples"]["t_s"][-1]),
            style=st_int,
        )
        ls = _kml_el(pm, "LineString")
        _kml_el(ls, "altitudeMode", "absolute")
        _kml_coordinates(ls, _kml_coords(c["samples"]))
        pm = _kml_feature(
            f_hit,
            "Placemark",
            ids(f"intercept.{c['site']}.row-{c['row']}"),
            f"Intercept, row {c['row']}",
            text,
            begin=at(c["intercept_s"]),
            style=st_point["intercept"],
        )
        pt = _kml_el(pm, "Point")
        _kml_el(pt, "altitudeMode", "absolute")
        _kml_coordinates(
            pt,
            [
                (
                    f"{c['longitude_deg']:.{_DEG}f}",
                    f"{c['latitude_deg']:.{_DEG}f}",
                    f"{c['altitude_km'] * 1000.0:.{_M}f}",
                )
            ],
        )

    if bundle.footprints:
        from shapely.geometry import shape

        f_fp = folder(doc, "Footprints")
        for i, feat in enumerate(bundle.footprints):
            geom = feat["geometry"]
            geom = geom if hasattr(geom, "geom_type") else shape(geom)
            props = dict(feat.get("properties") or {})
            name = str(props.get("name", props.get("label", f"footprint {i + 1}")))
            desc = "<br/>".join(f"{k}: {v}" for k, v in props.items()) + f"<br/>{bundle.note}"
            for g in getattr(geom, "geoms", [geom]):
                if g.geom_type not in ("Polygon", "LineString"):
                    continue
                pm = _kml_feature(f_fp, "Placemark", ids(f"footprint.{i + 1}"), name, desc, style=st_fp)
                if g.geom_type == "Polygon":
                    pol = _kml_el(pm, "Polygon")
                    ring = _kml_el(_kml_el(pol, "outerBoundaryIs"), "LinearRing")
                    _kml_coordinates(
                        ring, [(f"{x:.{_DEG}f}", f"{y:.{_DEG}f}") for x, y, *_ in g.exterior.coords]
                    )
                    for hole in g.interiors:
                        ring = _kml_el(_kml_el(pol, "innerBoundaryIs"), "LinearRing")
                        _kml_coordinates(
                            ring, [(f"{x:.{_DEG}f}", f"{y:.{_DEG}f}") for x, y, *_ in hole.coords]
                        )
                else:
                    ls = _kml_el(pm, "LineString")
                    _kml_el(ls, "tessellate", "1")
                    _kml_coordinates(ls, [(f"{x:.{_DEG}f}", f"{y:.{_DEG}f}") for x, y, *_ in g.coords])
    tree = ET.ElementTree(root)
    ET.indent(tree, space=" ")
    tree.write(path, encoding="UTF-8", xml_declaration=True)
    return path


# ============================================================================ CZML
def _parse_epoch(epoch) -> _dt.datetime:
    if isinstance(epoch, _dt.datetime):
        when = epoch
    else:
        try:
            when = _dt.datetime.fromisoformat(str(epoch))
        except ValueError:
            raise InputError(
                f"epoch must be an ISO 8601 date and time, e.g. '2007-08-30T00:00:00Z', got {epoch!r}"
            ) from None
    if when.tzinfo is None:
        raise InputError(f"epoch must carry a time zone (e.g. '2007-08-30T00:00:00Z' for UTC), got {epoch!r}")
    return when.astimezone(_dt.UTC)


def _iso(when: _dt.datetime) -> str:
    text = when.strftime("%Y-%m-%dT%H:%M:%S.%f").rstrip("0").rstrip(".")
    return text + "Z"


def _czml_samples(samples: dict) -> list[float]:
    out: list[float] = []
    for t, x, y, h in zip(
        samples["t_s"], samples["longitude_deg"], samples["latitude_deg"], samples["altitude_km"], strict=True
    ):
        out += [round(float(t), _TIME), _deg(x), _deg(y), _m(h)]
    return out


def write_czml(bundle: ExportBundle, path, epoch="2007-08-30T00:00:00Z") -> Path:
    """Write a CZML file for CesiumJS (czml3).

    Packets, in order: the document (``id="document"``, the scenario title as ``name``, ``version``
    "1.0", a clock from the epoch to the end of the longest flight, a description); one static point per
    site (``site/<kind>/<name>``); radar coverage polygons (``coverage/<radar>/<altitude>km``, drawn at
    their altitude); one packet per threat (its ``id`` from the bundle, e.g.
    ``threat/iran-europe/tehran/berlin``) and per interceptor (``interceptor/<site>/row-<n>``) with a
    time-dynamic ``position`` (``epoch`` and ``cartographicDegrees`` samples ``[t, lon, lat, height_m,
    ...]``, t in seconds after the epoch), a ``path`` and an ``availability`` interval over the flight;
    and one point per intercept (``intercept/<site>/row-<n>``) available from the intercept on.

    Parameters
    ----------
    bundle : ExportBundle
    path : str or path-like
    epoch : str or datetime
        The threats' launch time in the file (all threats launch together), ISO 8601 with a time zone.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    InputError
        ``epoch`` is not an ISO 8601 date and time with a time zone.

    Notes
    -----
    Heights are meters above the WGS84 ellipsoid (CZML's cartographic convention); degrees have 7
    decimals, meters 2, seconds 3. Positions are interpolated by Cesium with 5th-degree Lagrange
    polynomials between samples (10 s apart by default). A track's position is written as two
    intervals meeting at its burnout (``burnout_s``), where the drawn boost meets the coast and the
    velocity jumps: interpolated across that kink the track was off by up to 5 km; per interval the
    interpolated track stays within 1 km of the model's (checked in the tests at 0.5 s steps).
    """
    from czml3 import (
        CZML_VERSION,
        Clock,
        Color,
        Document,
        Label,
        Material,
        Packet,
        Point,
        Polygon,
        PolylineMaterial,
        Position,
        PositionList,
        SolidColorMaterial,
        TimeInterval,
    )
    from czml3 import Path as CzPath
    from czml3.enums import ClockRanges, ClockSteps, InterpolationAlgorithms
    from czml3.types import Cartesian2Value

    path = Path(path)
    t0 = _parse_epoch(epoch)
    start = _iso(t0)

    def at(seconds: float) -> str:
        return _iso(t0 + _dt.timedelta(seconds=float(seconds)))

    longest = max([t["samples"]["t_s"][-1] for t in bundle.threats if t["samples"] is not None] or [0.0])
    variant = bundle.variant or "(base)"
    packets = [
        Packet(
            id="document",
            name=bundle.title,
            version=CZML_VERSION,
            description=(
                f"Scenario {bundle.scenario}, variant {variant}, scenario hash {bundle.scenario_hash}. "
                f"Time is counted from the threats' launch at the epoch. {bundle.note}"
            ),
            clock=Clock(
                interval=TimeInterval(start=start, end=at(longest)),
                currentTime=start,
                multiplier=10,
                range=ClockRanges.LOOP_STOP,
                step=ClockSteps.SYSTEM_CLOCK_MULTIPLIER,
            ),
        )
    ]

    def rgba(r, g, b, a=255):
        return Color(rgba=[r, g, b, a])

    kind_color = {
        "interceptor_site": rgba(0, 255, 255),
        "radar": rgba(0, 255, 0),
        "launch": rgba(255, 80, 80),
        "target": rgba(255, 255, 255),
    }
    for s in bundle.sites:
        packets.append(
            Packet(
                id=f"site/{s['kind']}/{s['name']}",
                name=f"{s['label']} ({s['kind'].replace('_', ' ')})",
                description=(
                    f"{s['kind'].replace('_', ' ')} {s['name']}: {_details_text(s['details'], '; ')}. "
                    f"{bundle.note}"
                ),
                position=Position(
                    cartographicDegrees=[_deg(s["longitude_deg"]), _deg(s["latitude_deg"]), 0.0]
                ),
                point=Point(pixelSize=8, color=kind_color.get(s["kind"], rgba(200, 200, 200))),
                label=Label(text=s["label"], scale=0.5, pixelOffset=Cartesian2Value(values=[0.0, -16.0])),
            )
        )
    for r in bundle.radars:
        for h, (lat, lon) in r["coverage"].items():
            if len(lat) == 0:
                continue
            flat: list[float] = []
            for x, y in zip(lon[:-1], lat[:-1], strict=True):  # CZML polygons close themselves
                flat += [_deg(x), _deg(y), _m(h)]
            packets.append(
                Packet(
                    id=f"coverage/{r['name']}/{h:g}km",
                    name=f"{r['name']}: coverage of targets at {h:g} km",
                    description=f"Outer limit of {r['name']}'s coverage at {h:g} km altitude. {bundle.note}",
                    polygon=Polygon(
                        positions=PositionList(cartographicDegrees=flat),
                        perPositionHeight=True,
                        material=Material(solidColor=SolidColorMaterial(color=rgba(0, 255, 0, 40))),
                        outline=True,
                        outlineColor=rgba(0, 255, 0, 200),
                    ),
                )
            )

    kinks: dict[str, float] = {}

    def moving(pid, name, desc, samples, color, width, kink_s=None):
        t_first, t_last = float(samples["t_s"][0]), float(samples["t_s"][-1])
        if kink_s is not None and t_first < kink_s < t_last:
            kinks[pid] = float(kink_s)
        return Packet(
            id=pid,
            name=name,
            description=desc,
            availability=TimeInterval(start=at(t_first), end=at(t_last)),
            position=Position(
                epoch=start,
                cartographicDegrees=_czml_samples(samples),
                interpolationAlgorithm=InterpolationAlgorithms.LAGRANGE,
                interpolationDegree=5,
            ),
            point=Point(pixelSize=6, color=color),
            path=CzPath(
                material=PolylineMaterial(solidColor=SolidColorMaterial(color=color)),
                width=width,
                leadTime=0,
                trailTime=max(1.0, t_last - t_first),
                resolution=10,
            ),
        )

    for t in bundle.threats:
        if t["samples"] is None:
            continue
        desc = (
            f"{t['threat']}: {t['launch']} to {t['target']}. "
            + " ".join(_row_text(bundle, n) + "." for n in t["rows"])
            + f" {bundle.note}"
        )
        color = rgba(255, 165, 0) if t["engageable"] else rgba(255, 0, 0)
        packets.append(
            moving(
                t["id"],
                f"{t['threat']}: {t['launch']} → {t['target']}",
                desc,
                t["samples"],
                color,
                2,
                t.get("burnout_s"),
            )
        )
    for c in bundle.intercepts:
        desc = (
            f"Interceptor from {c['site']} at {c['threat']} ({c['launch']} to {c['target']}): lift-off "
            f"{c['launch_s']:,.0f} s, intercept {c['intercept_s']:,.0f} s. "
            f"{_row_text(bundle, c['row'])}. {bundle.note}"
        )
        packets.append(
            moving(
                c["id"],
                f"Interceptor {c['site']} (row {c['row']})",
                desc,
                c["samples"],
                rgba(0, 255, 255),
                2,
                c.get("burnout_s"),
            )
        )
        packets.append(
            Packet(
                id=f"intercept/{c['site']}/row-{c['row']}",
                name=f"Intercept (row {c['row']})",
                description=desc,
                availability=TimeInterval(start=at(c["intercept_s"]), end=at(max(longest, c["intercept_s"]))),
                position=Position(
                    cartographicDegrees=[
                        _deg(c["longitude_deg"]),
                        _deg(c["latitude_deg"]),
                        _m(c["altitude_km"]),
                    ]
                ),
                point=Point(pixelSize=10, color=rgba(255, 255, 0)),
            )
        )
    doc = json.loads(Document(packets=packets).model_dump_json(exclude_none=True))
    for packet in doc:
        if packet.get("id") in kinks:
            packet["position"] = _split_position(packet["position"], kinks[packet["id"]], at)
    path.write_text(json.dumps(doc, separators=(",", ":"), ensure_ascii=False), encoding="utf-8")
    return path


def _split_position(position: dict, kink_s: float, at) -> list[dict]:
    """One sampled CZML position as two intervals meeting at ``kink_s`` (both hold the sample there).

    Lagrange interpolation across a velocity discontinuity (the end of the drawn boost) is off by
    kilometres near it; interpolating each side on its own samples is not.
    """
    v = position["cartographicDegrees"]
    times = v[0::4]
    out = []
    for lo, hi in ((times[0], kink_s), (kink_s, times[-1])):
        keep: list[float] = []
        for i, t in enumerate(times):
            if lo - 6e-4 <= t <= hi + 6e-4:  # times are written to 1 ms
                keep += v[4 * i : 4 * i + 4]
        piece = {k: val for k, val in position.items() if k != "cartographicDegrees"}
        piece["interval"] = f"{at(lo)}/{at(hi)}"
        piece["cartographicDegrees"] = keep
        if len(keep) // 4 <= piece.get("interpolationDegree", 1):  # too few samples for the degree
            piece["interpolationDegree"] = max(1, len(keep) // 4 - 1)
        out.append(piece)
    return out


# ============================================================================ GeoJSON
def write_geojson(bundle: ExportBundle, path) -> Path:
    """Write `geojson_document` of ``bundle`` to ``path`` (a ``.geojson`` file); returns the path written.

    >>> import tempfile, pathlib
    >>> from shieldcheck.scenario import build, load_scenario
    >>> b = collect(build(load_scenario("european-third-site-2007")))
    >>> p = write_geojson(b, pathlib.Path(tempfile.mkdtemp()) / "x.geojson")
    >>> p.read_text(encoding="utf-8").startswith('{"type": "FeatureCollection"')
    True
    """
    path = Path(path)
    doc = geojson_document(bundle)
    path.write_text(json.dumps(doc, ensure_ascii=False, allow_nan=False), encoding="utf-8")
    return path


def geojson_document(bundle: ExportBundle) -> dict:
    """The GeoJSON FeatureCollection (RFC 7946) of an export bundle, as a dict: what `write_geojson`
    writes and the web app's "Download layers (GeoJSON)" serves (one geometry code for both).

    Features, each with a ``kind`` property: ``interceptor_site``, ``radar``, ``launch`` and ``target``
    Points; ``threat_track`` and ``interceptor_track`` LineStrings (MultiLineStrings where a track
    crosses the antimeridian, split there); ``intercept`` Points; ``radar_coverage`` Polygons (one per
    radar and altitude; MultiPolygons across the antimeridian); then ``bundle.footprints`` as given.
    Track and intercept features carry the engagement-table row fields (interceptors and intercepts one
    row each, threats their row numbers, the fields shared by those rows, and ``engageable`` by any site).
    The collection's top level carries ``scenario``, ``variant``, ``scenario_hash`` and ``note``.

    Coordinates are ``[longitude_deg, latitude_deg, altitude_m]`` on WGS84 (altitude above the
    ellipsoid): tracks and intercepts at their altitude, coverage polygons at the target altitude, sites
    at the ground (two coordinates).

    Parameters
    ----------
    bundle : ExportBundle
        From `collect`; ``bundle.footprints`` are written as given (their coordinates are not rounded).

    Returns
    -------
    dict
        The FeatureCollection, JSON-serialisable with ``allow_nan=False``.
    """
    features: list[dict] = []

    def feature(geometry: dict, properties: dict) -> None:
        features.append({"type": "Feature", "geometry": geometry, "properties": _jsonable(properties)})

    for s in bundle.sites:
        feature(
            {"type": "Point", "coordinates": [_deg(s["longitude_deg"]), _deg(s["latitude_deg"])]},
            {"kind": s["kind"], "name": s["name"], "label": s["label"], **s["details"]},
        )
    for t in bundle.threats:
        if t["samples"] is None:
            continue
        mine = [_row(bundle, n) for n in t["rows"]]
        shared = {k: v for k, v in mine[0].items() if all(r[k] == v for r in mine)}
        shared.pop("row", None)
        props = {
            "kind": "threat_track",
            "id": t["id"],
            **shared,
            "engageable": t["engageable"],
            "reason": t["reason"],
            "rows": t["rows"],
            "note": bundle.note,
        }
        feature(_line_geometry(t["samples"]), props)
    for c in bundle.intercepts:
        row = _row(bundle, c["row"])
        feature(
            _line_geometry(c["samples"]),
            {
                "kind": "interceptor_track",
                "id": c["id"],
                **row,
                "launch_s": c["launch_s"],
                "intercept_s": c["intercept_s"],
                "note": bundle.note,
            },
        )
        feature(
            {
                "type": "Point",
                "coordinates": [_deg(c["longitude_deg"]), _deg(c["latitude_deg"]), _m(c["altitude_km"])],
            },
            {
                "kind": "intercept",
                "id": f"intercept/{c['site']}/row-{c['row']}",
                **row,
                "intercept_s": c["intercept_s"],
                "note": bundle.note,
            },
        )
    for r in bundle.radars:
        for h, (lat, lon) in r["coverage"].items():
            if len(lat) == 0:
                continue
            geom = _ring_polygons(lat, lon)
            feature(
                _geometry_with_altitude(geom, h * 1000.0),
                {
                    "kind": "radar_coverage",
                    "radar": r["name"],
                    "altitude_km": h,
                    "max_range_km": r["max_range_km"],
                    "reference_rcs_m2": r["reference_rcs_m2"],
                    "note": bundle.note,
                },
            )
    for feat in bundle.footprints:
        features.append(_footprint_geojson(feat))
    doc = {
        "type": "FeatureCollection",
        "scenario": bundle.scenario,
        "variant": bundle.variant,
        "scenario_hash": bundle.scenario_hash,
        "title": bundle.title,
        "note": bundle.note,
        "features": features,
    }
    return doc


# ============================================================================ tables
_ARROW_TYPES = {"str": "string", "bool": "bool_", "float": "float64", "int": "int64"}


def _column_types() -> dict[str, str]:
    kinds = {f.name: str(f.type) for f in fields(EngagementResult)}
    out = {"row": "int", "scenario": "str", "scenario_hash": "str", "variant": "str", "sets": "str"}
    out["shieldcheck_version"] = "str"
    out.update({name: kinds[name] for name in COLUMNS})
    return out


def _kind_of(values) -> str:
    for v in values:
        if v is None:
            continue
        if isinstance(v, bool):
            return "bool"
        if isinstance(v, int):
            return "int"
        if isinstance(v, float):
            return "float"
        return "str"
    return "str"


def _csv_value(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v) if math.isfinite(v) else ""
    return str(v)


def write_rows(rows, path, fmt: str = "csv", *, columns=None, metadata=None, types=None):
    """The one table writer: rows (dicts with the same keys) as CSV or Parquet.

    CSV: a header line, then one line per row; floats in full precision (``repr``), booleans as
    ``true``/``false``, missing values (None, NaN) as empty fields. Parquet (pyarrow): the same columns,
    typed (int64, string, bool, float64; missing values are nulls), with ``metadata`` and the model-estimate
    ``note`` in the file's key-value metadata. Units ride in the column names (``_s``, ``_km``, ``_km_s``).

    Parameters
    ----------
    rows : list of dict
        E.g. `study_table` or `ExportBundle.rows`.
    path : str, path-like or text file object
        The file to write; ``"-"`` (CSV only) writes to standard output.
    fmt : {"csv", "parquet"}
    columns : sequence of str, optional
        Column order (default: the first row's keys).
    metadata : dict, optional
        Parquet key-value metadata (str to str).
    types : dict, optional
        Column -> ``"str"``, ``"int"``, ``"float"`` or ``"bool"`` (default: from the values).

    Returns
    -------
    pathlib.Path or None
        The file written (None for standard output or a file object).

    Raises
    ------
    InputError
        ``fmt`` is neither ``"csv"`` nor ``"parquet"``, or the file cannot be written (the message names
        the path and the reason).
    """
    import sys

    fmt_key = str(fmt).strip().lower()
    if fmt_key not in ("csv", "parquet"):
        raise InputError(f"table fmt must be one of csv, parquet, got {fmt!r}")
    rows = list(rows)
    cols = tuple(columns) if columns is not None else (tuple(rows[0]) if rows else ())
    if fmt_key == "csv":
        if hasattr(path, "write") or path == "-":
            fh = sys.stdout if path == "-" else path
            w = csv.writer(fh)
            w.writerow(cols)
            for row in rows:
                w.writerow([_csv_value(row.get(c)) for c in cols])
            return None
        try:
            with Path(path).open("w", newline="", encoding="utf-8") as fh:
                w = csv.writer(fh)
                w.writerow(cols)
                for row in rows:
                    w.writerow([_csv_value(row.get(c)) for c in cols])
        except OSError as exc:
            raise InputError(f"cannot write {path}: {exc.strerror or exc}") from exc  # CLI: names the option
        return Path(path)

    import pyarrow as pa
    import pyarrow.parquet as pq

    if path == "-" or hasattr(path, "write"):
        raise InputError("parquet needs a file path, got standard output")
    arrays = []
    schema_fields = []
    for c in cols:
        values = [row.get(c) for row in rows]
        kind = (types or {}).get(c) or _kind_of(values)
        typ = getattr(pa, _ARROW_TYPES[kind])()
        if kind == "float":
            values = [None if v is None or not math.isfinite(v) else float(v) for v in values]
        arrays.append(pa.array(values, type=typ))
        schema_fields.append(pa.field(c, typ))
    meta = {**{str(k): str(v) for k, v in (metadata or {}).items()}, "note": NOTE}
    table = pa.Table.from_arrays(arrays, schema=pa.schema(schema_fields, metadata=meta))
    try:
        pq.write_table(table, path)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc}") from exc  # the CLI names the option
    return Path(path)


def write_table(bundle: ExportBundle, path, fmt: str = "csv") -> Path:
    """Write the engagement rows as CSV or Parquet, columns `TABLE_COLUMNS` in that order (`write_rows`).

    Parquet metadata: ``scenario``, ``variant``, ``scenario_hash`` and ``note``.

    Parameters
    ----------
    bundle : ExportBundle
        From `collect`.
    path : str or path-like
        The file to write.
    fmt : {"csv", "parquet"}

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    InputError
        ``fmt`` is neither ``"csv"`` nor ``"parquet"``.
    """
    meta = {
        "scenario": bundle.scenario,
        "variant": bundle.variant or "",
        "scenario_hash": bundle.scenario_hash,
    }
    return write_rows(bundle.rows, path, fmt, columns=TABLE_COLUMNS, metadata=meta, types=_column_types())


# ============================================================================ one call
_COLLECT_KW = ("step_s", "coverage_altitudes_km", "footprints")


def export(built, fmt: str, path, **kw) -> Path:
    """Compute and write one export: ``fmt`` in `FORMATS` (kml, czml, geojson, csv, parquet).

    ``built`` is a `shieldcheck.scenario.BuiltScenario` (then `collect` runs first) or an `ExportBundle`
    (to write several formats from one computation). Keyword arguments ``step_s``,
    ``coverage_altitudes_km`` and ``footprints`` go to `collect`; the rest to the writer (e.g. ``epoch``
    for CZML). Returns the path written.

    Raises
    ------
    InputError
        ``fmt`` is not one of `FORMATS` (the message lists them).
    """
    key = str(fmt).strip().lower()
    if key not in FORMATS:
        raise InputError(f"fmt must be one of {', '.join(FORMATS)}, got {fmt!r}")
    collect_kw = {k: kw.pop(k) for k in _COLLECT_KW if k in kw}
    bundle = built if isinstance(built, ExportBundle) else collect(built, **collect_kw)
    if key == "kml":
        return write_kml(bundle, path, **kw)
    if key == "czml":
        return write_czml(bundle, path, **kw)
    if key == "geojson":
        return write_geojson(bundle, path, **kw)
    return write_table(bundle, path, fmt=key, **kw)
