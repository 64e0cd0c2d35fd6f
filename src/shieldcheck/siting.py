"""Siting maps: where should the interceptors go?

For a candidate interceptor site at the centre of every cell of a latitude/longitude grid, the number
(and share) of each threat group's routes that a site there could engage, with the scenario's radars,
early warning, timeline and interceptor type, against the scenario's threats. Each cell is one pass of
the compiled engagement kernel over every threat (`shieldcheck.engagement`), in its probe mode: the scan
stops at the first intercept time of the window, which is all a share needs. The scenario's real sites
are evaluated at their exact places with the same kernel, so that a map can be checked against the
scenario's study.

Cost: cells x threats kernel evaluations, each a window scan over the threat's coast (about
``flight time / step_s`` intercept checks, each a Lambert solve), so the time grows linearly with the
number of cells and with the number of threats, and inversely with ``step_s``; see
``benchmarks/bench_siting.py`` for measured figures.

Units: degrees, km, s, km/s. All results are kinematic model estimates.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from shieldcheck.earth import MU_KM3_S2
from shieldcheck.engagement import (
    _C_CODE,
    _OK,
    _ew_times,
    _run_kernel,
    _stack,
    _threat_arrays,
    scenario_trajectories,
)
from shieldcheck.errors import InputError, require_within
from shieldcheck.interceptors import InterceptorSite

__all__ = [
    "MAX_SITING_CELLS",
    "MAX_THRESHOLD_CELLS",
    "SitingMap",
    "parse_region",
    "siting_grid",
    "siting_map",
]

MAX_SITING_CELLS = 50_000
"""Bound on the number of grid cells of one siting map (a user controls the region and the step)."""

MAX_THRESHOLD_CELLS = 400
"""Bound on the cells of a siting map with ``thresholds=True``: each cell bisects the least speed per
route (about 0.5 to 1 s per cell for the flagship scenario on one core, so at most a few minutes)."""


@dataclass(frozen=True)
class SitingMap:
    """Route shares of a candidate interceptor site at every cell centre (see `siting_map`).

    Attributes
    ----------
    scenario, variant, interceptor : str
        Scenario name, variant (``"base"`` for none) and the interceptor type placed at every cell.
    region : tuple of float
        ``(lat0, lat1, lon0, lon1)``, deg, as asked; ``lon1 < lon0`` crosses the antimeridian.
    step_deg : float
        Cell size, deg.
    latitudes_deg, longitudes_deg : ndarray
        Cell centres, shapes (nlat,) and (nlon,); longitudes wrapped to [-180, 180).
    groups : tuple of str
        Threat groups, in scenario order.
    routes : dict of str to int
        Routes per group; ``routes_reachable`` those the threat can reach.
    engaged : dict of str to ndarray
        Group -> routes a site at the cell could engage, int array of shape (nlat, nlon).
    sites : tuple of dict
        The scenario's real sites: ``name``, ``label`` (the display name of its place, e.g. ``Incirlik Air
        Base``; what maps show), ``latitude_deg``, ``longitude_deg`` and ``engaged`` (group -> routes),
        from the same kernel at their exact places.
    provenance : dict
        Scenario hash, variant, ``--set`` overrides, ``step_s``, shieldcheck version.
    threshold_any, threshold_all : dict of str to ndarray
        With ``thresholds=True``: group -> the least interceptor burnout speed (km/s, relative to the
        Earth) at which a site at the cell engages at least one of the group's routes (``any``) or every
        reachable route (``all``); NaN where no speed below the escape speed will do. Empty otherwise.
    """

    scenario: str
    variant: str
    interceptor: str
    region: tuple
    step_deg: float
    latitudes_deg: np.ndarray = field(repr=False)
    longitudes_deg: np.ndarray = field(repr=False)
    groups: tuple
    routes: dict
    routes_reachable: dict
    engaged: dict = field(repr=False)
    sites: tuple
    provenance: dict
    threshold_any: dict = field(default_factory=dict, repr=False)
    threshold_all: dict = field(default_factory=dict, repr=False)

    def share(self, group: str) -> np.ndarray:
        """Share (0-1) of the group's reachable routes engaged from each cell; NaN if none reachable."""
        if group not in self.engaged:
            raise InputError(f"group must be one of {', '.join(self.groups)}, got {group!r}")
        n = self.routes_reachable[group]
        return self.engaged[group] / n if n else np.full(self.engaged[group].shape, np.nan)

    def cell_of(self, latitude_deg: float, longitude_deg: float) -> tuple[int, int]:
        """Index (i, j) of the cell containing a point; raises `InputError` outside the region."""
        lat0, lon0 = self.latitudes_deg[0] - self.step_deg / 2, self.longitudes_deg[0] - self.step_deg / 2
        i = math.floor((latitude_deg - lat0) / self.step_deg)
        j = math.floor(((longitude_deg - lon0) % 360.0) / self.step_deg)
        if not (0 <= i < self.latitudes_deg.size and 0 <= j < self.longitudes_deg.size):
            raise InputError(f"point ({latitude_deg}, {longitude_deg}) is outside the siting region")
        return i, j

    def to_rows(self) -> list[dict]:
        """One row per (cell, group): the Parquet/CSV layout, with the provenance columns."""
        out = []
        for i, lat in enumerate(self.latitudes_deg):
            for j, lon in enumerate(self.longitudes_deg):
                for g in self.groups:
                    n = self.routes_reachable[g]
                    k = int(self.engaged[g][i, j])
                    out.append(
                        {
                            "scenario": self.scenario,
                            "scenario_hash": self.provenance["scenario_hash"],
                            "variant": self.variant,
                            "interceptor": self.interceptor,
                            "latitude_deg": float(lat),
                            "longitude_deg": float(lon),
                            "threat": g,
                            "routes_reachable": n,
                            "routes_engaged": k,
                            "share": k / n if n else None,
                            **{
                                f"threshold_{w}_km_s": _num(t[g][i, j])
                                for w, t in (("any", self.threshold_any), ("all", self.threshold_all))
                                if g in t
                            },
                        }
                    )
        return out

    def to_geojson(self) -> dict:
        """A FeatureCollection: one square polygon per cell (properties: engaged and share per group)
        and one point per real site. Cells that straddle the antimeridian are split at ±180°."""
        h = self.step_deg / 2
        feats = []
        for i, lat in enumerate(self.latitudes_deg):
            for j, lon in enumerate(self.longitudes_deg):
                props = {"latitude_deg": float(lat), "longitude_deg": float(lon)}
                for g in self.groups:
                    n = self.routes_reachable[g]
                    props[f"{g}.engaged"] = int(self.engaged[g][i, j])
                    props[f"{g}.share"] = int(self.engaged[g][i, j]) / n if n else None
                    for w, t in (("any", self.threshold_any), ("all", self.threshold_all)):
                        if g in t:
                            props[f"{g}.threshold_{w}_km_s"] = _num(t[g][i, j])
                w, e = lon - h, lon + h
                rings = (
                    [(w, e)]
                    if -180 <= w and e <= 180
                    else ([(w + 360 if w < -180 else w, 180.0), (-180.0, e - 360 if e > 180 else e)])
                )
                polys = [
                    [[[a, lat - h], [b, lat - h], [b, lat + h], [a, lat + h], [a, lat - h]]] for a, b in rings
                ]
                geom = (
                    {"type": "Polygon", "coordinates": polys[0]}
                    if len(polys) == 1
                    else {"type": "MultiPolygon", "coordinates": polys}
                )
                feats.append({"type": "Feature", "geometry": geom, "properties": props})
        for s in self.sites:
            props = {
                "site": s["name"],
                "label": s["label"],
                **{f"{g}.engaged": s["engaged"][g] for g in self.groups},
            }
            geom = {"type": "Point", "coordinates": [s["longitude_deg"], s["latitude_deg"]]}
            feats.append({"type": "Feature", "geometry": geom, "properties": props})
        return {
            "type": "FeatureCollection",
            "features": feats,
            "properties": {**self.provenance, "estimate": "kinematic model estimate"},
        }

    def write(self, directory, formats=("geojson", "parquet", "png")) -> list[Path]:
        """Write ``<scenario>-siting.geojson``, ``.parquet`` and one PNG map per threat group (with
        thresholds, also ``-<group>-threshold-any.png`` and ``-threshold-all.png``: the least speed).

        Every check comes first: a grid the maps cannot draw is refused before any file is written."""
        if "png" in formats:
            siting_grid(self.region, self.step_deg, maps=True)
        out_dir = Path(directory)
        out_dir.mkdir(parents=True, exist_ok=True)
        stem = f"{self.scenario}-siting" + ("" if self.variant == "base" else f"-{self.variant}")
        paths = []
        if "geojson" in formats:
            p = out_dir / f"{stem}.geojson"
            p.write_text(json.dumps(self.to_geojson()), encoding="utf-8")
            paths.append(p)
        if "parquet" in formats:
            import pyarrow as pa
            import pyarrow.parquet as pq

            p = out_dir / f"{stem}.parquet"
            table = pa.Table.from_pylist(self.to_rows())
            table = table.replace_schema_metadata({"provenance": json.dumps(self.provenance)})
            pq.write_table(table, p)
            paths.append(p)
        if "png" in formats:
            paths += self._write_maps(out_dir, stem)
        return paths

    def _write_maps(self, out_dir: Path, stem: str) -> list[Path]:
        paths = []
        for g in self.groups:
            title = (
                f"{self.scenario}: share of '{g}' routes a site here could engage "
                f"({self.interceptor}; model estimate)"
            )
            label = f"share of {self.routes_reachable[g]} reachable routes engaged"
            levels = np.linspace(0.0, 1.0, 11)
            paths.append(
                self._map(out_dir / f"{stem}-{g}.png", title, self.share(g), levels, "viridis", label)
            )
        for kind, table in (("any", self.threshold_any), ("all", self.threshold_all)):
            which = "at least one" if kind == "any" else "every reachable"
            for g in self.groups:
                if g not in table:
                    continue
                title = (
                    f"{self.scenario}: least {self.interceptor} burnout speed engaging {which} '{g}' route "
                    "(blank: none below escape speed; model estimate)"
                )
                finite = table[g][np.isfinite(table[g])]
                levels = None
                if finite.size:
                    lo, hi = math.floor(finite.min() * 2.0) / 2.0, math.ceil(finite.max() * 2.0) / 2.0
                    levels = np.linspace(lo, max(hi, lo + 0.5), 11)
                label = "least interceptor burnout speed, km/s (relative to the Earth)"
                path = out_dir / f"{stem}-{g}-threshold-{kind}.png"
                paths.append(self._map(path, title, table[g], levels, "magma_r", label))
        return paths

    def _map(self, path: Path, title: str, values, levels, cmap: str, colorbar_label: str) -> Path:
        """One map of a per-cell field (nothing drawn when ``levels`` is None), real sites marked."""
        from shieldcheck.report import maps

        lat0, lat1, lon0, lon1 = self.region
        fig, ax = maps.base_map((lon0, lon1, lat0, lat1), title=title, figsize=(9.0, 6.5))
        if levels is not None:
            # wrapped in [-180, 180): maps unwraps them itself (unwrapping here ran past its 360 bound
            # for a region wider than about 180 deg that starts east of Greenwich)
            lons = np.asarray(self.longitudes_deg, dtype=float)
            maps.plot_field(
                ax, self.latitudes_deg, lons, values, levels=levels, cmap=cmap, colorbar_label=colorbar_label,
                cells=True,  # the values are the region's cells: shade them to the region's edges
            )
        if self.sites:
            maps.plot_places(
                ax,
                [s["label"] for s in self.sites],
                [s["latitude_deg"] for s in self.sites],
                [s["longitude_deg"] for s in self.sites],
                kind="interceptor",
            )
        return maps.save_png(fig, path, dpi=110)


def _num(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def _thresholds(run, n: int, v_esc: float, tol: float) -> np.ndarray:
    """Per threat: the least burnout speed with a window (bisection to ``tol``), NaN if none below
    ``v_esc``. ``run(idx, speeds)`` returns the kernel's engageable flags for threats ``idx``."""
    out = np.full(n, np.nan)
    idx = np.arange(n)
    found = run(idx, np.full(n, v_esc))
    active = idx[found]
    lo, hi = np.zeros(n), np.full(n, v_esc)
    while active.size:
        mid = 0.5 * (lo[active] + hi[active])
        ok = run(active, mid)
        hi[active[ok]] = mid[ok]
        lo[active[~ok]] = mid[~ok]
        active = active[hi[active] - lo[active] > tol]
    out[found] = hi[found]
    return out


def parse_region(text: str) -> tuple[float, float, float, float]:
    """``"LAT0,LAT1,LON0,LON1"`` in degrees; ``LON1 < LON0`` crosses the antimeridian.

    >>> parse_region("30,65,-10,45")
    (30.0, 65.0, -10.0, 45.0)
    """
    parts = str(text).split(",")
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        values = ()
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise InputError(f"--region must be four numbers LAT0,LAT1,LON0,LON1 in degrees, got {text!r}")
    lat0, lat1, lon0, lon1 = values
    if not (-90 <= lat0 < lat1 <= 90):
        raise InputError(f"--region latitudes must satisfy -90 <= LAT0 < LAT1 <= 90, got {lat0:g}, {lat1:g}")
    for v in (lon0, lon1):
        if not -180 <= v <= 180:
            raise InputError(f"--region longitudes must be within [-180, 180], got {v:g}")
    if lon0 == lon1:
        raise InputError(f"--region LON0 and LON1 must differ, got {lon0:g}")
    return values


def _axes(region, step_deg) -> tuple[np.ndarray, np.ndarray]:
    lat0, lat1, lon0, lon1 = region
    span = (lon1 - lon0) % 360.0 or 360.0  # -180 to 180 is the whole circle
    nlat = max(1, round((lat1 - lat0) / step_deg))
    nlon = max(1, round(span / step_deg))
    lats = lat0 + step_deg * (np.arange(nlat) + 0.5)
    lons = lon0 + step_deg * (np.arange(nlon) + 0.5)
    lons = (lons + 180.0) % 360.0 - 180.0
    return lats, lons


def siting_grid(region, step_deg, *, thresholds: bool = False, maps: bool = False):
    """The cell-centre latitudes and longitudes of a siting grid, after every check on its size.

    Called before anything is computed or written (the CLI checks its request with it first).

    Parameters
    ----------
    region : (lat0, lat1, lon0, lon1) or str
        Degrees; ``lon1 < lon0`` crosses the antimeridian.
    step_deg : float
        Cell size, deg, within [0.05, 10].
    thresholds : bool
        The grid will also carry threshold speeds: at most `MAX_THRESHOLD_CELLS` cells.
    maps : bool
        PNG maps will be drawn: the grid needs at least 2 cells in each direction.

    Returns
    -------
    (latitudes_deg, longitudes_deg) : numpy.ndarray
        Cell centres; longitudes wrapped to [-180, 180).

    Raises
    ------
    InputError
        A bad region or step, more than `MAX_SITING_CELLS` cells (`MAX_THRESHOLD_CELLS` with
        thresholds), or a grid one cell tall or wide for maps.

    >>> lats, lons = siting_grid("53,55,16,20", 1.0)
    >>> lats.tolist(), lons.tolist()
    ([53.5, 54.5], [16.5, 17.5, 18.5, 19.5])
    """
    if isinstance(region, str):
        region = parse_region(region)
    try:
        region = tuple(float(v) for v in region)
    except (TypeError, ValueError):
        raise InputError(
            f"region must be four numbers (LAT0, LAT1, LON0, LON1) in degrees or 'LAT0,LAT1,LON0,LON1', "
            f"got {region!r}"
        ) from None
    parse_region(",".join(repr(v) for v in region))
    step_deg = require_within("--step-deg", step_deg, 0.05, 10.0)
    lats, lons = _axes(region, step_deg)
    n = lats.size * lons.size
    if n > MAX_SITING_CELLS:
        raise InputError(
            f"siting grid must have at most {MAX_SITING_CELLS:,} cells, got {n:,} "
            f"({lats.size} x {lons.size}); use a larger --step-deg or a smaller --region"
        )
    if thresholds and n > MAX_THRESHOLD_CELLS:
        raise InputError(
            f"siting --thresholds must have at most {MAX_THRESHOLD_CELLS:,} cells (each costs about 1 s), "
            f"got {n:,} ({lats.size} x {lons.size}); use a larger --step-deg, a smaller --region, or no "
            "--thresholds"
        )
    if maps and min(lats.size, lons.size) < 2:
        raise InputError(
            f"siting maps need a grid at least 2 cells tall and 2 wide, got {lats.size} x {lons.size} "
            f"at --step-deg {step_deg:g}; use a smaller --step-deg or a larger --region (or --format "
            "geojson/parquet only)"
        )
    return lats, lons


def siting_map(
    scenario,
    region,
    step_deg: float,
    *,
    variant: str = "base",
    interceptor: str | None = None,
    sets=(),
    step_s: float = 5.0,
    thresholds: bool = False,
) -> SitingMap:
    """Route shares of a candidate interceptor site at every cell centre of a region.

    Parameters
    ----------
    scenario : str, path, ScenarioModel or `shieldcheck.study.Study`
        A built-in name, a YAML path, a model, or a study (its built ``variant`` is used).
    region : (lat0, lat1, lon0, lon1) or str
        Degrees; ``lon1 < lon0`` crosses the antimeridian (``"40,70,150,-120"``).
    step_deg : float
        Cell size, deg, within [0.05, 10].
    variant : str
        ``"base"`` or a variant of the scenario.
    interceptor : str, optional
        Key of the scenario's ``interceptor_types`` placed at every cell; default: the first site's.
    sets : iterable of str
        ``--set`` overrides (ignored when ``scenario`` is a study).
    step_s : float
        Window-scan step, s, within [0.5, 60] (the study's default, 5 s, makes the real sites agree
        with the study exactly).
    thresholds : bool
        Also find, per cell and group, the least burnout speed that engages any and every route
        (bisection to 0.01 km/s on the same kernel, about ten times the cost of the shares).

    Returns
    -------
    SitingMap

    Raises
    ------
    InputError
        A bad region or step, an unknown variant or interceptor type, or more cells than
        `MAX_SITING_CELLS` (`MAX_THRESHOLD_CELLS` with ``thresholds``): see `siting_grid`.

    >>> m = siting_map("european-third-site-2007", (53.5, 55.5, 16.5, 18.5), 1.0)
    >>> m.engaged["iran-us-east-coast"].tolist(), m.routes_reachable["iran-us-east-coast"]
    ([[9, 9], [9, 9]], 9)
    """
    from shieldcheck.scenario import ScenarioModel, build, load_scenario
    from shieldcheck.study import BASE, Study

    lats, lons = siting_grid(region, step_deg, thresholds=thresholds)
    region = parse_region(region) if isinstance(region, str) else tuple(float(v) for v in region)
    if not (isinstance(step_s, (int, float)) and 0.5 <= step_s <= 60.0):
        raise InputError(f"step_s must be within [0.5, 60] s, got {step_s!r}")
    if isinstance(scenario, Study):
        if variant not in scenario.built:
            raise InputError(f"variant must be one of {', '.join(scenario.built)}, got {variant!r}")
        built, sets = scenario.built[variant], scenario.sets
    else:
        model = scenario if isinstance(scenario, ScenarioModel) else load_scenario(os.fspath(scenario))
        built = build(model, variant=None if variant == BASE else variant, sets=tuple(sets))
    arch = built.architecture
    types = {s.interceptor.name: s.interceptor for s in arch.sites}
    if interceptor is None:
        itype = arch.sites[0].interceptor
    elif interceptor in types:
        itype = types[interceptor]
    else:
        raise InputError(
            f"--interceptor must be an interceptor type used by a site of the scenario "
            f"({', '.join(types)}), got {interceptor!r}"
        )
    trajs = scenario_trajectories(built)
    groups = tuple(dict.fromkeys(c.group for c in built.threats))
    group_of = np.array([c.group for c in built.threats])
    ok = np.array([t.status == "ok" for t in trajs])
    routes = {g: int((group_of == g).sum()) for g in groups}
    reachable = {g: int(((group_of == g) & ok).sum()) for g in groups}
    idx = np.flatnonzero(ok)
    engaged = {g: np.zeros((lats.size, lons.size), dtype=np.int32) for g in groups}
    th_any = {g: np.full((lats.size, lons.size), np.nan) for g in groups} if thresholds else {}
    th_all = {g: np.full((lats.size, lons.size), np.nan) for g in groups} if thresholds else {}
    real: list[dict] = []
    if idx.size:
        data = _stack([trajs[k] for k in idx])
        arrays = _threat_arrays(data, [built.threats[k].rcs_m2 for k in idx], arch.radars, arch.earth)
        t_ew = _ew_times(arch, data["burn_time_s"])
        masks = {g: group_of[idx] == g for g in groups}

        from shieldcheck.engagement import escape_speed_km_s
        from shieldcheck.study import THRESHOLD_TOLERANCE_KM_S

        v_esc = float(escape_speed_km_s(itype.burnout_altitude_km))

        def speeds(site: InterceptorSite) -> tuple[dict, dict]:
            def run(sel: np.ndarray, v: np.ndarray) -> np.ndarray:
                rows = _run_kernel(
                    tuple(a[sel] for a in arrays),
                    t_ew[sel],
                    arch,
                    site,
                    step_s=float(step_s),
                    iters=14,
                    detail=False,
                    mu_km3_s2=MU_KM3_S2,
                    speeds_km_s=v,
                    probe=True,
                )
                return rows[:, _C_CODE] == _OK

            th = _thresholds(run, idx.size, v_esc, THRESHOLD_TOLERANCE_KM_S)
            lo_, hi_ = {}, {}
            for g in groups:
                v = th[masks[g]]
                lo_[g] = float(np.nanmin(v)) if np.isfinite(v).any() else math.nan
                hi_[g] = float(v.max()) if v.size and np.isfinite(v).all() else math.nan
            return lo_, hi_

        def count(site: InterceptorSite) -> dict[str, int]:
            rows = _run_kernel(
                arrays,
                t_ew,
                arch,
                site,
                step_s=float(step_s),
                iters=14,
                detail=False,
                mu_km3_s2=MU_KM3_S2,
                probe=True,
            )
            hit = rows[:, _C_CODE] == _OK
            return {g: int((hit & masks[g]).sum()) for g in groups}

        for i, lat in enumerate(lats):
            for j, lon in enumerate(lons):
                cell = InterceptorSite("candidate", float(lat), float(lon), itype, 1)
                c = count(cell)
                for g in groups:
                    engaged[g][i, j] = c[g]
                if thresholds:
                    lo_, hi_ = speeds(cell)
                    for g in groups:
                        th_any[g][i, j], th_all[g][i, j] = lo_[g], hi_[g]
        for s in arch.sites:
            here = InterceptorSite(s.name, s.latitude_deg, s.longitude_deg, itype, 1)
            rec = {
                "name": s.name,
                "label": built.display_name(s.name),
                "latitude_deg": s.latitude_deg,
                "longitude_deg": s.longitude_deg,
                "engaged": count(here),
            }
            if thresholds:
                rec["threshold_any_km_s"], rec["threshold_all_km_s"] = speeds(here)
            real.append(rec)
    else:
        real = [
            {
                "name": s.name,
                "label": built.display_name(s.name),
                "latitude_deg": s.latitude_deg,
                "longitude_deg": s.longitude_deg,
                "engaged": dict.fromkeys(groups, 0),
            }
            for s in arch.sites
        ]
    from shieldcheck.study import _version

    return SitingMap(
        scenario=built.name,
        variant=variant,
        interceptor=itype.name,
        region=region,
        step_deg=float(step_deg),
        latitudes_deg=lats,
        longitudes_deg=lons,
        groups=groups,
        routes=routes,
        routes_reachable=reachable,
        engaged=engaged,
        sites=tuple(real),
        threshold_any=th_any,
        threshold_all=th_all,
        provenance={
            "scenario": built.name,
            "scenario_hash": built.scenario_hash,
            "variant": variant,
            "sets": list(sets),
            "interceptor": itype.name,
            "region": list(region),
            "step_deg": float(step_deg),
            "step_s": float(step_s),
            "shieldcheck_version": _version(),
        },
    )
