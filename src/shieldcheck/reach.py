"""Reach of a staged missile from a launch point on the rotating Earth: maximum range against azimuth.

Units: km, s, kg; angles in degrees. For each azimuth the pitch-over kick is solved for the largest range
(:func:`shieldcheck.boost.solve_kick`, goal ``"max-range"``) with the boost integrated over the rotating
WGS84 Earth and a Keplerian coast to the ellipsoid (no drag on re-entry): eastward shots reach farther than
westward ones. The boundary of the reachable area is the set of points at the maximum range along each
azimuth (geodesic from the launch point); a named place is within reach when its geodesic distance is below
the maximum range along its own azimuth. Ranges beyond half the Earth's circumference (about 20,000 km)
are reported as 20,003.9 km (half the WGS84 meridian): the geodesic measure then saturates; so are
azimuths whose longest arc does not come down at all (orbital speed, or a perigee above the ground).

>>> from shieldcheck.catalog.boosters import get_booster
>>> r = reach(get_booster("sejjil-2").vehicle, 35.58, 53.39, azimuth_step_deg=90.0)
>>> len(r.azimuths_deg), bool(min(r.max_range_km) > 1500.0)
(4, True)
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from shieldcheck.boost import solve_kick
from shieldcheck.earth import (
    MU_KM3_S2,
    SPHERE_RADIUS_KM,
    geodesic_direct,
    geodesic_inverse,
    split_antimeridian,
)
from shieldcheck.errors import InputError, require_within

HALF_MERIDIAN_KM = 20003.931  # WGS84 pole-to-pole distance (geographiclib: 20,003.931 km)

__all__ = ["Reach", "PlaceMargin", "reach", "reach_geojson"]


@dataclass(frozen=True, slots=True)
class PlaceMargin:
    """A place, its distance and azimuth from the launch point, and the missile's margin there.

    ``margin_km`` is the maximum range along the place's azimuth minus its distance: positive means the
    place is within reach by that many km, negative means short by that many km.
    """

    name: str
    label: str
    distance_km: float
    azimuth_deg: float
    max_range_km: float
    margin_km: float


@dataclass(frozen=True, slots=True)
class Reach:
    """Maximum range against azimuth from one launch point.

    Attributes
    ----------
    launch_latitude_deg, launch_longitude_deg : float
    azimuths_deg, max_range_km, kick_deg : tuple of float
        Azimuth grid (deg from north), maximum range there (km) and the kick that gives it (deg).
    boundary_latitude_deg, boundary_longitude_deg : tuple of float
        The point at the maximum range along each azimuth.
    places : tuple of PlaceMargin
        Named places with their margins (sorted by margin, largest first).
    payload_kg : float
        Payload flown.
    """

    launch_latitude_deg: float
    launch_longitude_deg: float
    azimuths_deg: tuple
    max_range_km: tuple
    kick_deg: tuple
    boundary_latitude_deg: tuple
    boundary_longitude_deg: tuple
    places: tuple
    payload_kg: float


def reach(
    vehicle,
    latitude_deg: float,
    longitude_deg: float,
    *,
    payload_kg: float | None = None,
    azimuth_step_deg: float = 1.0,
    places=(),
    iterations: int = 20,
) -> Reach:
    """Maximum range against azimuth on the rotating WGS84 Earth, and margins to named places.

    Parameters
    ----------
    vehicle : shieldcheck.boost.Vehicle
    latitude_deg, longitude_deg : float
        Launch point, deg (longitude in [-360, 360], reported in [-180, 180)).
    payload_kg : float, optional
        Overrides the vehicle's payload, kg.
    azimuth_step_deg : float
        Azimuth spacing, deg, in [0.25, 90].
    places : sequence of shieldcheck.catalog.Place
        Places to report margins for (each is also flown along its own azimuth).
    iterations : int
        Golden-section steps of the kick search, in [5, 80] (20 pin the kick to 0.005 deg, where range
        is flat).

    Raises
    ------
    InputError
        Inputs out of range (bools and text are not numbers), or a payload the missile cannot fly (too
        heavy to lift off). A payload light enough to reach orbit along some azimuths is not an error:
        those azimuths reach everywhere and report ``HALF_MERIDIAN_KM``.
    """
    lat = require_within("latitude_deg", latitude_deg, -90.0, 90.0)
    # east longitudes 0-360 are a common convention: accept [-360, 360] and report in [-180, 180)
    lon = require_within("longitude_deg", longitude_deg, -360.0, 360.0)
    if not -180.0 <= lon < 180.0:
        lon = (lon + 180.0) % 360.0 - 180.0
    step = require_within("azimuth_step_deg", azimuth_step_deg, 0.25, 90.0)
    if payload_kg is not None:
        payload_kg = require_within("payload_kg", payload_kg, 0.0, 1e6)
    if isinstance(iterations, bool) or not isinstance(iterations, (int, np.integer)):
        raise InputError(f"iterations must be a whole number within [5, 80], got {iterations!r:.80}")
    from shieldcheck.catalog import Place

    if (isinstance(places, (str, Place)) or not hasattr(places, "__iter__")
            or not all(isinstance(p, Place) for p in places)):
        raise InputError(f"places must be a sequence of shieldcheck.catalog.Place, got {places!r:.200}")
    az = np.arange(0.0, 360.0 - 1e-9, step)
    # the launch point itself (or a place within 1 km of it) has no meaningful margin
    places = tuple(
        p for p in places if float(geodesic_inverse(lat, lon, p.latitude_deg, p.longitude_deg)[0]) > 1.0
    )
    p_d = np.array([float(geodesic_inverse(lat, lon, p.latitude_deg, p.longitude_deg)[0]) for p in places])
    p_az = np.array(
        [float(np.mod(geodesic_inverse(lat, lon, p.latitude_deg, p.longitude_deg)[1], 360.0)) for p in places]
    )
    all_az = np.concatenate([az, p_az])
    kw = {} if payload_kg is None else {"payload_kg": payload_kg}
    s = solve_kick(vehicle, lat, lon, all_az, "max-range", iterations=iterations, **kw)
    # at or above circular speed the "longest" arc does not come down (range NaN) or wraps the globe, so
    # the max-range search is meaningless there: refuse, rather than report 0 km or a wrapped range
    st = np.asarray(s["status"]).astype(str)
    if np.any(st != "ok"):
        # a payload too heavy to lift off (or a crashed boost) is not an orbital one: say which it is
        p = vehicle.payload_kg if payload_kg is None else payload_kg
        raise InputError(f"payload_kg: the missile cannot fly this boost with {p:g} kg "
                         f"({st[st != 'ok'][0]}); check its stages and payload")
    # an azimuth whose longest arc does not come down (burnout at or above circular speed, or a perigee
    # above the ground: a light payload on a big booster) reaches every point along it: its range is
    # reported as half the meridian, the saturation of the geodesic measure (module notes)
    v_bo = np.asarray(s["burnout_speed_km_s"], dtype=float)
    v_circ = np.sqrt(MU_KM3_S2 / (SPHERE_RADIUS_KM + np.asarray(s["burnout_altitude_km"], dtype=float)))
    rng = np.asarray(s["range_km"], dtype=float).copy()
    rng[~np.isfinite(rng) | (v_bo >= v_circ)] = HALF_MERIDIAN_KM
    blat, blon, _ = geodesic_direct(np.full(az.size, lat), np.full(az.size, lon), az, rng[: az.size])
    margins = [
        PlaceMargin(p.name, p.label, float(d), float(a), float(m), float(m - d))
        for p, d, a, m in zip(places, p_d, p_az, rng[az.size :], strict=True)
    ]
    margins.sort(key=lambda m: -m.margin_km)
    return Reach(
        lat,
        lon,
        tuple(float(a) for a in az),
        tuple(float(r) for r in rng[: az.size]),
        tuple(float(k) for k in s["kick_deg"][: az.size]),
        tuple(float(x) for x in np.atleast_1d(blat)),
        tuple(float(x) for x in np.atleast_1d(blon)),
        tuple(margins),
        float(vehicle.payload_kg if payload_kg is None else payload_kg),
    )


def reach_geojson(r: Reach, *, name: str = "") -> dict:
    """The reach boundary as a GeoJSON FeatureCollection (a closed line, lon/lat in degrees), the
    launch point, and the places with their margins (RFC 7946).

    The boundary is given as a closed line rather than a polygon: near and beyond the antipode the area
    can wrap around the globe, where a lon/lat polygon would be ambiguous. A boundary that crosses the
    antimeridian is cut there into a MultiLineString (RFC 7946, sec. 3.1.9;
    `shieldcheck.earth.split_antimeridian`).
    """
    if not r.azimuths_deg:
        raise InputError("reach has no azimuths")
    lon = np.append(r.boundary_longitude_deg, r.boundary_longitude_deg[0])
    lat = np.append(r.boundary_latitude_deg, r.boundary_latitude_deg[0])
    parts = [[list(p) for p in part] for part in split_antimeridian(lon, lat)]
    boundary = (
        {"type": "LineString", "coordinates": parts[0]}
        if len(parts) == 1
        else {"type": "MultiLineString", "coordinates": parts}
    )
    feats = [
        {
            "type": "Feature",
            "properties": {
                "kind": "reach-boundary",
                "name": name,
                "payload_kg": r.payload_kg,
                "note": "model estimate: maximum range along each azimuth, rotating Earth",
            },
            "geometry": boundary,
        },
        {
            "type": "Feature",
            "properties": {"kind": "launch", "name": name},
            "geometry": {"type": "Point", "coordinates": [r.launch_longitude_deg, r.launch_latitude_deg]},
        },
    ]
    return {"type": "FeatureCollection", "features": feats}


def dumps(obj) -> str:
    """JSON text of a reach GeoJSON (helper for the CLI)."""
    return json.dumps(obj, indent=1)
