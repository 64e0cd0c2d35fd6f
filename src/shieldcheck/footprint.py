"""Footprints: engagements, reach and coverage on latitude/longitude grids.

Units: degrees for the grid, km, s. A grid is cell *centres* from the south-west corner, ``resolution_deg``
apart; arrays are shaped ``(n_lat, n_lon)`` (row 0 is the southernmost).

defended area
    one launch area, every target cell: can the architecture engage a threat aimed at that cell?
launch-area footprint
    one defended target, every launch cell: can a threat from that cell be engaged?
reach
    burnout speed an interceptor needs to be over each cell at an altitude a given time after launch.
coverage
    which cells a radar sees at a given target altitude.

Every engagement cell runs through the same compiled kernel as `shieldcheck.engagement.engage`, so a cell
and a single engagement with the same ``step_s`` and ``refine_iterations`` agree exactly. Grids default to
a 30 s time step (window edges are still refined by bisection, to ~0.1 s), so a window shorter than the
step can be missed; pass ``step_s=5`` to match the engagement table's sampling.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np

from shieldcheck import earth as _earth
from shieldcheck.engagement import (
    _C_CODE,
    _C_WINDOW,
    _NCOL,
    _THREAT,
    Architecture,
    _ew_times,
    _run_kernel,
    _stack,
    _threat_arrays,
    staged_routes,
)
from shieldcheck.errors import InputError, require_array_within
from shieldcheck.interceptors import InterceptorSite, required_speed
from shieldcheck.threats import solve_trajectories

__all__ = [
    "REASON_CODES",
    "Grid",
    "Footprint",
    "grid",
    "unwrap_longitudes",
    "defended_area",
    "launch_area_footprint",
    "reach_footprint",
    "coverage_footprint",
]

REASON_CODES = {
    0: "engageable",
    1: "no threat trajectory",
    2: "never seen by a fire-control radar",
    3: "outside altitude limits",
    4: "no intercept inside radar track",
    5: "never tracked in the altitude band",
    6: "window closes before launch",
    7: "too slow",
}
"""Meaning of the ``reason_code`` cells (the words of `EngagementResult.reason`, shortened)."""


@dataclass(frozen=True)
class Grid:
    """A regular latitude/longitude grid of cell centres (build with `grid`)."""

    lat_min_deg: float
    lat_max_deg: float
    lon_min_deg: float
    lon_max_deg: float
    resolution_deg: float

    @property
    def latitude_deg(self) -> np.ndarray:
        n = int(math.floor((self.lat_max_deg - self.lat_min_deg) / self.resolution_deg + 1e-9)) + 1
        return self.lat_min_deg + self.resolution_deg * np.arange(n)

    @property
    def longitude_deg(self) -> np.ndarray:
        n = int(math.floor((self.lon_max_deg - self.lon_min_deg) / self.resolution_deg + 1e-9)) + 1
        return self.lon_min_deg + self.resolution_deg * np.arange(n)

    @property
    def shape(self) -> tuple[int, int]:
        return self.latitude_deg.size, self.longitude_deg.size

    def mesh(self) -> tuple[np.ndarray, np.ndarray]:
        """Latitude and longitude of every cell, each ``(n_lat, n_lon)``."""
        lon, lat = np.meshgrid(self.longitude_deg, self.latitude_deg)
        return lat, lon


def unwrap_longitudes(lon_min_deg: float, lon_max_deg: float) -> tuple[float, float]:
    """A box's west and east longitudes with east past west, as `grid` takes them.

    A box written across the antimeridian (east < west, e.g. 150 to -150) gets one end moved by 360 deg:
    the east end when it is at or west of Greenwich, else the west end, so that both stay within
    [-360, 360]. Other boxes are returned unchanged. The CLI's ``--region`` and the web API's footprint
    boxes share this rule.

    >>> unwrap_longitudes(150.0, -150.0), unwrap_longitudes(170.0, 10.0), unwrap_longitudes(-30.0, 60.0)
    ((150.0, 210.0), (-190.0, 10.0), (-30.0, 60.0))
    """
    lon0, lon1 = float(lon_min_deg), float(lon_max_deg)
    if lon1 < lon0:
        lon0, lon1 = (lon0, lon1 + 360.0) if lon1 <= 0.0 else (lon0 - 360.0, lon1)
    return lon0, lon1


def grid(
    lat_min_deg: float,
    lat_max_deg: float,
    lon_min_deg: float,
    lon_max_deg: float,
    resolution_deg: float,
    *,
    max_cells: int | None = 4_000_000,
) -> Grid:
    """A validated grid; longitudes may run past 180 (e.g. 170 to 200) to cross the antimeridian.

    ``max_cells`` is the general bound on the cell count; a caller with its own, smaller limit passes
    ``None`` and checks it with its own message (the limit the user must meet is the one named).

    >>> g = grid(30.0, 72.0, -30.0, 60.0, 0.25)
    >>> g.shape, g.shape[0] * g.shape[1]
    ((169, 361), 61009)
    """
    vals = dict(
        lat_min_deg=lat_min_deg,
        lat_max_deg=lat_max_deg,
        lon_min_deg=lon_min_deg,
        lon_max_deg=lon_max_deg,
        resolution_deg=resolution_deg,
    )
    for k, v in vals.items():
        if isinstance(v, bool) or not (isinstance(v, (int, float)) and math.isfinite(v)):
            raise InputError(f"grid {k} must be a finite number, got {v!r}")
    for k in ("lat_min_deg", "lat_max_deg"):
        if not -90.0 <= vals[k] <= 90.0:
            raise InputError(f"grid {k} must be within [-90, 90], got {vals[k]:g}")
    for k in ("lon_min_deg", "lon_max_deg"):
        if not -360.0 <= vals[k] <= 360.0:
            raise InputError(f"grid {k} must be within [-360, 360], got {vals[k]:g}")
    if lat_max_deg <= lat_min_deg:
        raise InputError(f"grid lat_max_deg must exceed lat_min_deg ({lat_min_deg:g}), got {lat_max_deg:g}")
    if not 0.0 < lon_max_deg - lon_min_deg <= 360.0:
        raise InputError(
            f"grid lon_max_deg must exceed lon_min_deg ({lon_min_deg:g}) by at most 360, got {lon_max_deg:g}"
        )
    if not 0.001 <= resolution_deg <= 30.0:
        raise InputError(f"grid resolution_deg must be within [0.001, 30], got {resolution_deg:g}")
    g = Grid(
        float(lat_min_deg), float(lat_max_deg), float(lon_min_deg), float(lon_max_deg), float(resolution_deg)
    )
    if max_cells is not None and g.shape[0] * g.shape[1] > max_cells:
        raise InputError(
            f"grid has {g.shape[0] * g.shape[1]:,} cells; at most {max_cells:,} allowed (coarsen it)"
        )
    return g


@dataclass(frozen=True)
class Footprint:
    """A footprint: named 2-D arrays on a grid, with metadata (what, for whom, with which settings)."""

    kind: str
    grid: Grid
    values: dict = field(repr=False)
    metadata: dict = field(default_factory=dict)

    def value_at(self, name: str, latitude_deg: float, longitude_deg: float):
        """The value of array ``name`` in the grid cell containing a point.

        Longitudes compare modulo 360° (a grid from 150° to 200° contains -179.5°). Raises `InputError`
        for an unknown ``name`` or a point outside the grid (beyond half a cell from its outer centres).
        """
        if name not in self.values:
            raise InputError(f"name must be one of {', '.join(self.values)}, got {name!r}")
        lat = require_array_within("latitude_deg", latitude_deg, -90.0, 90.0)
        lon = require_array_within("longitude_deg", longitude_deg, -540.0, 540.0)
        h = 0.5 * self.grid.resolution_deg * (1.0 + 1e-9)
        dlat = np.abs(self.grid.latitude_deg - float(lat))
        dlon = np.abs(np.mod(self.grid.longitude_deg - float(lon) + 180.0, 360.0) - 180.0)
        i = int(np.argmin(dlat))
        j = int(np.argmin(dlon))
        if dlat[i] > h or dlon[j] > h:
            raise InputError(
                f"({float(lat):g}, {float(lon):g}) is outside the footprint's grid (latitude "
                f"[{self.grid.lat_min_deg:g}, {self.grid.lat_max_deg:g}], longitude "
                f"[{self.grid.lon_min_deg:g}, {self.grid.lon_max_deg:g}])"
            )
        return self.values[name][i, j]

    def polygons(self, name: str = "engageable", threshold: float | None = None):
        """Shapely (multi)polygon of the cells where ``values[name]`` is true (or ``> threshold``).

        Cells are unioned edge to edge, so the outline follows the grid at its resolution. Each row's
        runs of consecutive cells enter the union as one rectangle (the same area as its cells, a
        fraction of the work: tens of rectangles instead of thousands of cells on a 0.5° map).
        """
        import shapely

        v = self.values[name]
        mask = v > threshold if threshold is not None else v.astype(bool)
        lat, lon = self.grid.latitude_deg, self.grid.longitude_deg
        h = self.grid.resolution_deg / 2.0
        # a run of a row starts where the padded row steps 0 -> 1 and ends where it steps 1 -> 0
        step = np.diff(np.pad(mask.astype(np.int8), ((0, 0), (1, 1))), axis=1)
        row, first = np.nonzero(step == 1)
        _, end = np.nonzero(step == -1)  # the same rows, in the same order
        if row.size == 0:
            return shapely.MultiPolygon()
        # cells are clipped to the poles; the union is then cut at ±180° and shifted into [-180, 180]
        boxes = shapely.box(
            lon[first] - h,
            np.maximum(lat[row] - h, -90.0),
            lon[end - 1] + h,
            np.minimum(lat[row] + h, 90.0),
        )
        return wrap_longitudes(shapely.union_all(boxes))

    def to_geojson(self, name: str = "engageable", threshold: float | None = None) -> dict:
        """GeoJSON FeatureCollection of the polygon from `polygons`, with the metadata as properties."""
        import shapely

        geom = self.polygons(name, threshold)
        props = {
            "kind": self.kind,
            "field": name,
            "threshold": threshold,
            "resolution_deg": self.grid.resolution_deg,
            **{k: v for k, v in self.metadata.items() if isinstance(v, (str, int, float, bool))},
        }
        features = (
            []
            if geom.is_empty
            else [{"type": "Feature", "geometry": shapely.geometry.mapping(geom), "properties": props}]
        )
        return {"type": "FeatureCollection", "features": features}


def wrap_longitudes(geom):
    """A lon/lat shapely geometry with longitudes beyond ±180° cut at the antimeridian and shifted back.

    The pieces are unioned and snapped to a 1e-7° grid (the precision of the exports), so that pieces
    meeting at a seam merge and the result is valid (OGC simple features) with every longitude in
    [-180, 180] and exterior rings counter-clockwise (RFC 7946, sec. 3.1.6 and 3.1.9).

    >>> import shapely
    >>> g = wrap_longitudes(shapely.box(170.0, 0.0, 190.0, 10.0))
    >>> g.geom_type, sorted(round(p.bounds[0]) for p in g.geoms)
    ('MultiPolygon', [-180, 170])
    """
    import shapely
    from shapely.affinity import translate
    from shapely.geometry import MultiPolygon, box
    from shapely.geometry.polygon import orient

    if geom.is_empty:
        return MultiPolygon()
    pieces = []
    for shift in (-720.0, -360.0, 0.0, 360.0, 720.0):
        part = geom.intersection(box(-180.0 - shift, -90.0, 180.0 - shift, 90.0))
        if not part.is_empty:
            pieces.append(translate(part, xoff=shift))
    merged = shapely.set_precision(shapely.union_all(pieces), 1e-7)
    if not merged.is_valid:
        merged = shapely.make_valid(merged)
    polys = [g for g in getattr(merged, "geoms", [merged]) if g.geom_type == "Polygon" and g.area > 0.0]
    polys = [orient(g, 1.0) for g in polys]
    if not polys:
        return MultiPolygon()
    return polys[0] if len(polys) == 1 else MultiPolygon(polys)


def _place_latlon(p, name: str) -> tuple[float, float, str]:
    if isinstance(p, str):
        from shieldcheck.catalog import resolve_place

        place = resolve_place(p, field=name)
        return place.latitude_deg, place.longitude_deg, place.name
    if hasattr(p, "latitude_deg"):
        return p.latitude_deg, p.longitude_deg, getattr(p, "name", name)
    lat, lon = p
    return float(lat), float(lon), f"{lat:g},{lon:g}"


_BOOST_FIGURES = ("burn_time_s", "burnout_altitude_km", "burnout_range_km", "max_burnout_speed_km_s")


def _missile_kw(missile, kw: dict) -> tuple[dict, object]:
    """(trajectory keywords with the missile's boost figures filled in, the staged `Vehicle` or None).

    ``kw["boost"]`` (default ``"kinematic"``) chooses the boost as `shieldcheck.threats.trajectory` does
    (`shieldcheck.threats.staged_vehicle`); a staged grid flies the class's stages and needs no figures.
    """
    from shieldcheck.threats import kinematic_shape, staged_vehicle

    if isinstance(missile, str):
        from shieldcheck.catalog import get_missile

        missile = get_missile(missile)
    out = dict(kw)
    explicit = [k for k in _BOOST_FIGURES if out.get(k) is not None]
    vehicle = staged_vehicle(missile, out.get("shape", "min-energy"), out.pop("boost", "kinematic"), explicit)
    for k in _BOOST_FIGURES:
        if out.get(k) is None:
            out[k] = getattr(missile, k) if missile is not None else (np.inf if k.startswith("max") else 0.0)
    if vehicle is None and "shape" in out:
        # a kinematic full burn (lofted, depressed): the burnout-speed arc at the largest speed, as
        # shieldcheck.threats.trajectory flies it
        out["shape"], out["branch"], out["burnout_speed_km_s"] = kinematic_shape(
            out["shape"], out.get("branch", "lofted"), out.get("burnout_speed_km_s"),
            out["max_burnout_speed_km_s"])
        if out["burnout_speed_km_s"] is None:
            del out["burnout_speed_km_s"]
    return out, vehicle


_TRAJECTORY_CACHE: OrderedDict = OrderedDict()
_TRAJECTORY_CACHE_SIZE = 4
_TRAJECTORY_LOCK = threading.Lock()
_TRAJECTORY_PENDING: dict = {}


STAGED_CHUNK_CELLS = 256
"""Cells of a staged grid fitted per `staged_routes` call (about 1 s of CPU here). A staged batch reads its
kick from a table over the batch's azimuths, so fixed chunks make a footprint's cells depend on its grid
only (the same for the CLI, the report and the web app), and grid work can stop between chunks."""


def _grid_trajectories(key, lat1, lon1, lat2, lon2, earth, rotation, kw, vehicle=None, checkpoint=None):
    """Solved threat trajectories of the ``valid`` cells, ``(cells, data)``; reused while ``key`` repeats.

    The trajectories depend on the places, the grid, the missile and the Earth model, never on the
    defence: moving a site or changing an interceptor reuses them. ``key`` is None when an argument is
    not hashable (then nothing is kept). Callers must not modify the arrays returned (they are shared;
    they stay writeable so that the compiled kernels see the array type they were compiled for).
    ``checkpoint`` (optional) is called between the chunks of a staged grid (`STAGED_CHUNK_CELLS`); what
    it raises stops the solve and nothing is kept.
    """
    if key is not None:
        with _TRAJECTORY_LOCK:
            if key in _TRAJECTORY_CACHE:
                _TRAJECTORY_CACHE.move_to_end(key)
                return _TRAJECTORY_CACHE[key]
            pending = _TRAJECTORY_PENDING.get(key)
            if pending is None:  # this call solves; others asking meanwhile wait for it (one solve)
                _TRAJECTORY_PENDING[key] = threading.Event()
        if pending is not None:
            pending.wait()
            return _grid_trajectories(key, lat1, lon1, lat2, lon2, earth, rotation, kw, vehicle, checkpoint)
        try:
            return _solve_grid(key, lat1, lon1, lat2, lon2, earth, rotation, kw, vehicle, checkpoint)
        finally:
            with _TRAJECTORY_LOCK:
                _TRAJECTORY_PENDING.pop(key).set()
    return _solve_grid(key, lat1, lon1, lat2, lon2, earth, rotation, kw, vehicle, checkpoint)


def _solve_grid(key, lat1, lon1, lat2, lon2, earth, rotation, kw, vehicle=None, checkpoint=None):
    if vehicle is not None:
        # staged: the class's stages fitted to each cell, with their tabulated boosts (as in scenarios), in
        # fixed chunks with a checkpoint between them (a 60,000-cell grid is minutes of fitting)
        rows, trajs = [np.empty(0, dtype=np.int64)], []
        for c0 in range(0, lat1.size, STAGED_CHUNK_CELLS):
            if checkpoint is not None:
                checkpoint()
            part = slice(c0, c0 + STAGED_CHUNK_CELLS)
            r, t = staged_routes(vehicle, lat1[part], lon1[part], lat2[part], lon2[part], earth, rotation,
                                  shape=kw.get("shape", "min-energy"), apogee_km=kw.get("apogee_km"),
                                  flight_time_s=kw.get("flight_time_s"))
            rows.append(np.asarray(r, dtype=np.int64) + c0)
            trajs += t
        rows = np.concatenate(rows)
        ok = [k for k, t in enumerate(trajs) if t.status == "ok"]
        good = rows[ok]
        data = _stack([trajs[k] for k in ok]) if ok else {}
        return _keep(key, good, data)
    dist, _, _ = _earth.geodesic_inverse(lat1, lon1, lat2, lon2, earth=earth)
    r1 = _earth.geodetic_to_ecef(lat1, lon1, 0.0, earth)
    r2 = _earth.geodetic_to_ecef(lat2, lon2, 0.0, earth)
    cosang = np.sum(r1 * r2, -1) / (np.linalg.norm(r1, axis=-1) * np.linalg.norm(r2, axis=-1))
    # no trajectory inside the burnout range or to (nearly) the antipode: those cells keep code 1
    valid = (dist > np.maximum(1.0, kw["burnout_range_km"] + 1.0)) & (cosang > math.cos(math.radians(179.5)))
    idx = np.flatnonzero(valid)
    good, data = idx, {}
    if idx.size:
        batch = solve_trajectories(
            lat1[idx], lon1[idx], lat2[idx], lon2[idx], earth=earth, rotation=rotation, **kw
        )
        ok = batch.data["status"] == "ok"
        good = idx[ok]
        data = {k: v[ok] for k, v in batch.data.items()}
    return _keep(key, good, data)


def _keep(key, good, data):
    if key is not None:
        with _TRAJECTORY_LOCK:
            _TRAJECTORY_CACHE[key] = (good, data)
            while len(_TRAJECTORY_CACHE) > _TRAJECTORY_CACHE_SIZE:
                _TRAJECTORY_CACHE.popitem(last=False)
    return good, data


def _cache_key(kind, place, g: Grid, earth, rotation, kw):
    key = (kind, place, g, earth, rotation, tuple(sorted(kw.items())))
    try:
        hash(key)
    except TypeError:
        return None
    return key


def _engagement_grid(
    kind,
    architecture: Architecture,
    lat1,
    lon1,
    lat2,
    lon2,
    g: Grid,
    *,
    missile,
    sites,
    rcs_m2,
    step_s,
    refine_iterations,
    meta,
    traj_kw,
    place,
    engageable_only=False,
    checkpoint=None,
    chunk_cells=2048,
) -> Footprint:
    kw, vehicle = _missile_kw(missile, traj_kw)
    sites = list(sites or architecture.sites)
    meta = {
        **meta,
        "missile": getattr(missile, "name", missile) or "custom",
        "shape": traj_kw.get("shape", "min-energy"),
        "boost": "kinematic" if vehicle is None else f"staged ({vehicle.name})",
    }
    lat1, lon1, lat2, lon2 = (
        np.ravel(np.broadcast_to(x, g.shape)).astype(float) for x in (lat1, lon1, lat2, lon2)
    )
    # any longitude grid() accepts (-360 to 360) is a place on the Earth: wrap into [-180, 180)
    lon1, lon2 = (np.mod(x + 180.0, 360.0) - 180.0 for x in (lon1, lon2))
    earth = architecture.earth
    n = lat1.size
    code = np.full(n, float(_THREAT))
    window = np.zeros(n)
    best = np.full(n, -1.0)
    key = _cache_key(kind, place, g, earth, architecture.rotation, {**kw, "vehicle": vehicle})
    good, data = _grid_trajectories(key, lat1, lon1, lat2, lon2, earth, architecture.rotation, kw, vehicle,
                                    checkpoint)
    if good.size:
        arrays = _threat_arrays(
            data, None if rcs_m2 is None else [rcs_m2] * good.size, architecture.radars, earth
        )
        t_ew = _ew_times(architecture, data["burn_time_s"])
        step = good.size if checkpoint is None else max(1, int(chunk_cells))
        for s in sites:
            # engageable_only: a cell another site already engages needs no more work
            todo = np.flatnonzero(code[good] != 0) if engageable_only else np.arange(good.size)
            rows = np.full((todo.size, _NCOL), np.nan)
            for c0 in range(0, todo.size, step):
                if checkpoint is not None:
                    checkpoint()
                part = todo[c0 : c0 + step]
                whole = part.size == good.size
                rows[c0 : c0 + step] = _run_kernel(
                    arrays if whole else tuple(np.ascontiguousarray(a[part]) for a in arrays),
                    t_ew if whole else t_ew[part],
                    architecture,
                    s,
                    step_s=step_s,
                    iters=refine_iterations,
                    detail=False,
                    mu_km3_s2=_earth.MU_KM3_S2,
                    probe=engageable_only,
                )
            cells = good[todo]
            if engageable_only:  # windows are not measured: a site with one wins
                better = rows[:, _C_CODE] == 0
            else:
                better = rows[:, _C_WINDOW] > best[cells]
            # a site with a window wins; among sites without one, keep the first site's reason
            take = better | (best[cells] < 0)
            code[cells[take]] = rows[take, _C_CODE]
            window[cells[take]] = rows[take, _C_WINDOW]
            best[cells[take]] = rows[take, _C_WINDOW]
    code2 = code.reshape(g.shape).astype(np.int8)
    values = {"engageable": code2 == 0}
    if not engageable_only:
        values.update({"window_s": window.reshape(g.shape), "reason_code": code2})
    return Footprint(
        kind,
        g,
        values,
        {
            **meta,
            "sites": ", ".join(s.name for s in sites),
            "step_s": step_s,
            "refine_iterations": refine_iterations,
            "earth": earth,
            "rotation": architecture.rotation,
            "engageable_only": bool(engageable_only),
            "estimate": "kinematic model estimate",
        },
    )


def defended_area(
    architecture: Architecture,
    launch,
    g: Grid,
    *,
    missile=None,
    sites=None,
    rcs_m2=None,
    step_s: float = 30.0,
    refine_iterations: int = 8,
    engageable_only: bool = False,
    checkpoint=None,
    **trajectory_kw,
) -> Footprint:
    """Which target cells can the architecture defend against threats from ``launch``?

    Each cell is the target of a threat trajectory (``missile`` and ``trajectory_kw`` as in
    `shieldcheck.threats.solve_trajectories`: shape, apogee_km, ...) engaged by every site (``sites``,
    default all); a cell is engageable if any site has a window, and ``window_s`` is the longest window.
    Cells the missile cannot reach carry reason code 1 (as do cells inside the burnout range).

    Parameters
    ----------
    architecture : Architecture
        Sensors, sites and timeline.
    launch : str, place or (latitude_deg, longitude_deg)
        The launch area.
    g : Grid
        Target cells.
    missile : str or missile, optional
        Catalog missile whose burn time, burnout altitude and range shape the threats.
    sites : sequence of InterceptorSite, optional
        Sites that may engage (default: all of the architecture's).
    rcs_m2 : float, optional
        Threat radar cross-section, m² (default: each radar's reference).
    step_s, refine_iterations : float, int
        Window-scan step, s, and bisections per window edge.
    engageable_only : bool
        Compute only ``values["engageable"]`` (no ``window_s``, no ``reason_code``): each cell's scan
        stops at the first intercept opportunity, cells without one are not diagnosed, and a cell
        one site engages is not tried at the other sites. The answer per cell is the same as with the
        full computation (the first window edge is found by the same scan); about half the work.
    checkpoint : callable, optional
        Called with no argument before each chunk of cells (2,048) is engaged; whatever it raises
        stops the computation (a server uses it to cancel and to let shorter requests through).
    **trajectory_kw
        As in `shieldcheck.threats.solve_trajectories` (``shape``, ``apogee_km``, ...), and ``boost``
        (``"kinematic"``, the default, ``"staged"`` or ``"auto"``, as in `shieldcheck.threats.trajectory`):
        a staged grid fits the missile class's stages to every cell, each with its tabulated boost, as a
        scenario's staged threat group does (`shieldcheck.engagement.staged_routes`; several ms per cell).

    Returns
    -------
    Footprint
        ``values`` ``engageable`` (bool), ``window_s`` (s) and ``reason_code`` (`REASON_CODES`), each
        shaped ``g.shape``; metadata names the launch, missile, sites and settings.

    Notes
    -----
    The threat trajectories of a grid depend only on the places, the grid, the missile and the Earth
    model; the last four sets solved are kept, so a footprint after a site moves or a speed changes
    engages the same trajectories without solving them again.

    >>> from shieldcheck.scenario import build, load_scenario
    >>> arch = build(load_scenario("european-third-site-2007")).architecture
    >>> fp = defended_area(arch, "tehran", grid(50.0, 54.0, 10.0, 14.0, 2.0), missile="irbm-5500")
    >>> fp.values["engageable"].shape, bool(fp.value_at("engageable", 52.0, 14.0))
    ((3, 3), True)
    """
    lat, lon, name = _place_latlon(launch, "launch")
    tlat, tlon = g.mesh()
    return _engagement_grid(
        "defended_area",
        architecture,
        lat,
        lon,
        tlat,
        tlon,
        g,
        missile=missile,
        sites=sites,
        rcs_m2=rcs_m2,
        step_s=step_s,
        refine_iterations=refine_iterations,
        meta={"launch": name},
        traj_kw=trajectory_kw,
        place=(lat, lon),
        engageable_only=engageable_only,
        checkpoint=checkpoint,
    )


def launch_area_footprint(
    architecture: Architecture,
    target,
    g: Grid,
    *,
    missile=None,
    sites=None,
    rcs_m2=None,
    step_s: float = 30.0,
    refine_iterations: int = 8,
    engageable_only: bool = False,
    checkpoint=None,
    **trajectory_kw,
) -> Footprint:
    """From which launch cells can a threat aimed at ``target`` be engaged?

    Parameters and returns as in `defended_area`, with ``target`` (a place or ``(latitude_deg,
    longitude_deg)``) fixed and every cell a launch point.
    """
    lat, lon, name = _place_latlon(target, "target")
    llat, llon = g.mesh()
    return _engagement_grid(
        "launch_area",
        architecture,
        llat,
        llon,
        lat,
        lon,
        g,
        missile=missile,
        sites=sites,
        rcs_m2=rcs_m2,
        step_s=step_s,
        refine_iterations=refine_iterations,
        meta={"target": name},
        traj_kw=trajectory_kw,
        place=(lat, lon),
        engageable_only=engageable_only,
        checkpoint=checkpoint,
    )


def reach_footprint(
    site: InterceptorSite,
    time_after_launch_s: float,
    altitude_km: float,
    g: Grid,
    *,
    earth: str = "wgs84",
    rotation: bool = True,
) -> Footprint:
    """Burnout speed needed to be over each cell at ``altitude_km``, ``time_after_launch_s`` after launch.

    ``values["reachable"]`` marks the cells the site's interceptor can reach (the interceptor's reach fan
    as an area).
    """
    lat, lon = g.mesh()
    pts = _earth.geodetic_to_ecef(lat, lon, altitude_km, earth)
    need = np.asarray(required_speed(site, pts, time_after_launch_s, earth, rotation))
    return Footprint(
        "reach",
        g,
        {"required_speed_km_s": need, "reachable": need <= site.interceptor.burnout_speed_km_s},
        {
            "site": site.name,
            "time_after_launch_s": float(time_after_launch_s),
            "altitude_km": float(altitude_km),
            "earth": earth,
            "rotation": rotation,
        },
    )


def coverage_footprint(radar, altitude_km: float, g: Grid, *, rcs_m2=None, earth: str = "wgs84") -> Footprint:
    """Cells where ``radar`` sees a target ``altitude_km`` above the surface."""
    lat, lon = g.mesh()
    seen = np.asarray(radar.sees(_earth.geodetic_to_ecef(lat, lon, altitude_km, earth), rcs_m2, earth))
    return Footprint(
        "coverage",
        g,
        {"covered": seen},
        {"radar": radar.name, "altitude_km": float(altitude_km), "earth": earth},
    )
