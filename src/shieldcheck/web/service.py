"""What the web API answers, as plain dicts: no HTTP here, so the same calls serve tests and benchmarks.

Every number comes from the library (scenario build, engagements, exports' map layers, footprints); this
module only selects, bounds, caches and shapes. The study's tables come from
`shieldcheck.study.build_study` (through `study_view`), so the numbers on screen are the CLI's.
"""

from __future__ import annotations

import functools
import json
import math
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from shieldcheck._format import echo_number
from shieldcheck.errors import InputError

FLAGSHIP = "european-third-site-2007"
"""The scenario the page opens when none was named on the command line (the README's worked example)."""

SETS_FROM = "request sets"
"""How error messages and assumption origins name the overrides of a request (the CLI's are ``--set``)."""
NAME_RULE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
"""Scenario, variant and site names the API accepts (no path separators, no leading dot)."""


@dataclass(frozen=True)
class Limits:
    """Bounds on every size a web user controls.

    Attributes
    ----------
    max_body_bytes : int
        Largest request body, bytes (413 beyond).
    max_sets : int
        Most ``--set`` overrides in one request.
    max_set_chars : int
        Longest ``--set`` string.
    max_added_sites : int
        Most interceptor sites added in one request.
    max_grid_cells : int
        Most cells in one footprint grid (a 0.5° grid over Europe has about 15,000; 0.25° about 40,000).
    compute_timeout_s : float
        Longest computation per request, s (503 beyond; the worker pool is never left waiting).
    max_concurrent : int
        Computations run at once; others wait (within the timeout).
    grid_max_pause_s : float
        Longest a grid (footprint) waits for route tables at a time, s; then it runs its next chunk
        even if route tables keep coming, so that a stream of slider moves cannot starve it (``inf``:
        route tables always first; measured worse for both lanes with four clients, see the README).
    cache_entries : int
        Computed views kept in memory (least recently used dropped first).
    """

    max_body_bytes: int = 64 * 1024
    max_sets: int = 40
    max_set_chars: int = 400
    max_added_sites: int = 8
    max_grid_cells: int = 60_000
    compute_timeout_s: float = 60.0
    max_concurrent: int = 2
    grid_max_pause_s: float = 0.1
    cache_entries: int = 64


# ------------------------------------------------------------------------------------------ scheduling
class Cancelled(Exception):  # noqa: N818 - a state, not a fault
    """A computation stopped at a chunk boundary: its request ran out of time or its client went away."""


class Job:
    """One request's computation: its lane (urgent or not), a flag that stops it, and where its time went.

    ``checkpoint`` is what grid work calls between chunks (see `shieldcheck.footprint.defended_area`):
    it raises `Cancelled` once `cancel` was called, and pauses while urgent work runs or waits.
    ``wait_s`` is the time spent waiting for a slot (queued, or paused for urgent work) and ``run_s``
    the time spent computing in one, s (the server reports both in a ``Server-Timing`` header).
    """

    def __init__(self, scheduler: Scheduler, urgent: bool):
        self.scheduler = scheduler
        self.urgent = urgent
        self.cancelled = threading.Event()
        self.wait_s = 0.0
        self.run_s = 0.0
        self._holding = False
        self._since = 0.0

    def cancel(self) -> None:
        """Stop at the next chunk boundary (or before starting, if still waiting for a slot)."""
        self.cancelled.set()
        with self.scheduler.cond:
            self.scheduler.cond.notify_all()

    def checkpoint(self) -> None:
        if self.cancelled.is_set():
            with self.scheduler.cond:
                self.scheduler.stats["cancelled"] += 1
            raise Cancelled
        self.scheduler.let_urgent_through(self)


class Scheduler:
    """Compute slots shared by every request, with a priority lane for short work.

    Urgent work (a route table after a slider moves: ``/api/study``, layers, parameters) takes any free
    slot. Grid work (footprints, snapshots, threshold searches) runs one job at a time, in arrival
    order, and starts only when no urgent work runs or waits; at each chunk boundary it pauses (giving
    its slot up) while urgent work runs or waits, for at most ``grid_max_pause_s``, then runs its next
    chunk, ahead of any later grid work. So a slider update waits at most for the chunk in progress
    (2,048 cells, tens of ms) and the route tables ahead of it, and a stream of slider moves slows a
    footprint without starving it.

    Why not run a grid beside route tables, or two grids at once: all are compiled kernels that
    already spread over every core (`shieldcheck._numba`), so running two at once gains no throughput and
    slows each by the other's share of the cores; one grid after another also answers the first
    sooner than two grids sharing the cores. A cancelled job leaves the queue or stops at its next
    chunk boundary.

    Parameters
    ----------
    slots : int
        Computations running at once (route tables may use them all; grids one).
    grid_max_pause_s : float
        Longest a grid waits for route tables at a time, s (``inf``: route tables always first).
    """

    def __init__(self, slots: int, grid_max_pause_s: float = math.inf):
        self.slots = slots
        self.grid_max_pause_s = grid_max_pause_s
        self.cond = threading.Condition()
        self._free = slots
        self._urgent_waiting = 0
        self._urgent_running = 0
        self._grid_queue: list[Job] = []  # grid jobs waiting for the grid lane, in arrival order
        self._grid_owner: Job | None = None  # the grid job holding the lane (running or paused)
        self.stats = {"yielded": 0, "cancelled": 0}

    def _may_start(self, job: Job, waited_s: float) -> bool:
        if self._free == 0:
            return False
        if job.urgent:
            return True
        if (self._urgent_waiting or self._urgent_running) and waited_s < self.grid_max_pause_s:
            return False
        if self._grid_owner is not None:
            return self._grid_owner is job
        return self._grid_queue[0] is job

    def _acquire(self, job: Job) -> None:
        t0 = time.perf_counter()
        with self.cond:
            if job.urgent:
                self._urgent_waiting += 1
            elif self._grid_owner is not job:
                self._grid_queue.append(job)
            try:
                while not self._may_start(job, time.perf_counter() - t0):
                    if job.cancelled.is_set():
                        break
                    # a grid wakes when its pause limit runs out; else a release or a cancel notifies
                    left = self.grid_max_pause_s - (time.perf_counter() - t0)
                    self.cond.wait(left if not job.urgent and 0.0 < left < 0.5 else 0.5)
                if job.cancelled.is_set():
                    self.stats["cancelled"] += 1
                    raise Cancelled
                self._free -= 1
                job._holding = True
                if job.urgent:
                    self._urgent_running += 1
                else:
                    self._grid_owner = job
            finally:
                if job.urgent:
                    self._urgent_waiting -= 1
                elif job in self._grid_queue:
                    self._grid_queue.remove(job)
                if not job._holding:  # cancelled while waiting: let the next grid job have the lane
                    if self._grid_owner is job:
                        self._grid_owner = None
                    self.cond.notify_all()
        job._since = time.perf_counter()
        job.wait_s += job._since - t0

    def _release(self, job: Job, done: bool) -> None:
        with self.cond:
            if job._holding:
                job._holding = False
                job.run_s += time.perf_counter() - job._since
                self._free += 1
                self._urgent_running -= job.urgent
            if done and self._grid_owner is job:
                self._grid_owner = None
            self.cond.notify_all()

    def run(self, job: Job, fn, *args, **kwargs):
        """``fn(*args, **kwargs)`` inside a slot of ``job``'s lane."""
        self._acquire(job)
        try:
            return fn(*args, **kwargs)
        finally:
            self._release(job, done=True)

    def let_urgent_through(self, job: Job) -> None:
        """Called by running grid work: while urgent work runs or waits, give the slot up and wait."""
        with self.cond:
            if job.urgent or not (self._urgent_waiting or self._urgent_running):
                return
            self.stats["yielded"] += 1
        self._release(job, done=False)
        self._acquire(job)


# ------------------------------------------------------------------------------------------ scenarios
class ScenarioSource:
    """Where scenarios come from: the built-ins, files named on the command line, and one directory.

    A name given by a request never becomes a path by itself: it is looked up among the built-ins and
    the files named at start-up, or joined to ``scenario_dir`` as ``<name>.yaml`` and then refused unless
    the resolved file (symlinks followed) lies inside the resolved directory.

    Parameters
    ----------
    files : sequence of str or path
        Scenario YAML files (or built-in names) given to ``shieldcheck serve``; a file is served under its
        ``name`` field.
    scenario_dir : str or path, optional
        A directory of ``*.yaml`` scenarios.
    """

    def __init__(self, files=(), scenario_dir=None):
        from shieldcheck.scenario import list_scenarios, load_scenario

        self._builtin = dict(list_scenarios())
        self._files: dict[str, Path] = {}
        self._given: list[str] = []
        for f in files:
            if f in self._builtin:
                self._given.append(f)
                continue
            model = load_scenario(f)
            path = Path(f).resolve()
            other = "a built-in scenario" if model.name in self._builtin else self._files.get(model.name)
            if other is not None and other != path:  # else one of the two would silently not be served
                raise InputError(
                    f"{f}: name: must differ from every other scenario served, got {model.name!r}, "
                    f"already the name of {other if isinstance(other, str) else str(other)}"
                )
            self._files[model.name] = path
            self._given.append(model.name)
        self.scenario_dir = None
        if scenario_dir is not None:
            d = Path(scenario_dir)
            if not d.is_dir():
                raise InputError(f"--scenario-dir must be an existing directory, got {str(scenario_dir)!r}")
            self.scenario_dir = d.resolve()

    def _dir_names(self) -> list[str]:
        if self.scenario_dir is None:
            return []
        return sorted(p.stem for p in self.scenario_dir.glob("*.yaml") if NAME_RULE.match(p.stem))

    def names(self) -> list[str]:
        """Every scenario name served, in a stable order."""
        seen = dict.fromkeys([*self._builtin, *self._files, *self._dir_names()])
        return list(seen)

    @property
    def default(self) -> str:
        """The scenario the page opens first: the first named on the command line, else `FLAGSHIP`
        (when served), else the first served."""
        if self._given:
            return self._given[0]
        names = self.names()
        return FLAGSHIP if FLAGSHIP in names else names[0]

    def path_of(self, name: str) -> str:
        """What `shieldcheck.scenario.load_scenario` should read for ``name`` (built-in name or path)."""
        check_name("scenario", name)
        if name in self._builtin:
            return name
        if name in self._files:
            return str(self._files[name])
        if self.scenario_dir is not None:
            candidate = self.scenario_dir / f"{name}.yaml"
            try:
                real = candidate.resolve(strict=True)
            except (OSError, RuntimeError):
                real = None
            if real is not None:
                if not real.is_relative_to(self.scenario_dir):
                    raise InputError(
                        f"scenario: must be a file inside the scenario directory, got {name!r} "
                        "(a link that leads outside it)"
                    )
                return str(real)
        raise InputError(f"scenario: must be one of {', '.join(self.names())}, got {name!r}")

    @functools.lru_cache(maxsize=32)  # noqa: B019 - one source per server, cached for its lifetime
    def load(self, name: str):
        """The validated `ScenarioModel` for ``name``."""
        from shieldcheck.scenario import load_scenario

        return load_scenario(self.path_of(name))

    def summary(self) -> list[dict]:
        """``[{name, title, variants, default}]`` for the picker; ``default`` is true for `default` only."""
        out = []
        first = self.default
        for name in self.names():
            try:
                m = self.load(name)
            except InputError as exc:
                out.append(
                    {
                        "name": name,
                        "title": "",
                        "variants": ["base"],
                        "default": name == first,
                        "error": str(exc),
                    }
                )
                continue
            out.append(
                {"name": name, "title": m.title, "variants": ["base", *m.variants], "default": name == first}
            )
        return out


def check_name(field: str, value: str) -> str:
    """Refuse names that could be paths or markup: ``field: must match ..., got ...``."""
    if not isinstance(value, str) or not NAME_RULE.match(value):
        raise InputError(
            f"{field}: must be 1-100 letters, digits, '.', '_' or '-' (not starting with '.' or '-'), "
            f"got {value!r}"
        )
    return value


# ------------------------------------------------------------------------------------------ requests
@dataclass(frozen=True)
class ViewKey:
    """What identifies one computed view: scenario, variant, overrides, added sites (all hashable)."""

    scenario: str
    variant: str = "base"
    sets: tuple[str, ...] = ()
    add_sites: tuple[tuple[str, float, float, str, int], ...] = ()


def site_sets(model, key: ViewKey) -> list[str]:
    """The ``--set`` that adds ``key.add_sites`` to the scenario's interceptor sites.

    The whole ``interceptor_sites`` list is replaced by itself plus the new sites (JSON is YAML), so the
    result goes through the same validation as a scenario file.
    """
    if not key.add_sites:
        return []
    current = [s.model_dump(mode="json", exclude_unset=True) for s in model.interceptor_sites]
    known = {s["name"] for s in current}
    default_type = next(iter(model.interceptor_types), None)
    for name, lat, lon, interceptor, inventory in key.add_sites:
        if name in known:
            raise InputError(f"add_sites.name: must differ from the existing sites, got {name!r}")
        known.add(name)
        current.append(
            {
                "name": name,
                "label": f"added site {name}",
                "place": f"{echo_number(lat)},{echo_number(lon)}",  # as given (1e-4 deg rounding: 11 m)
                "interceptor": interceptor or default_type,
                "inventory": {"value": inventory, "source": "web: added site"},
            }
        )
    return ["interceptor_sites=" + json.dumps(current)]


class Service:
    """Cached, bounded computations behind the API.

    Parameters
    ----------
    source : ScenarioSource
    limits : Limits
    """

    def __init__(self, source: ScenarioSource, limits: Limits | None = None):
        self.source = source
        self.limits = limits or Limits()
        self._cache: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    # ---- cache
    def _cached(self, key, fn):
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        value = fn()
        with self._lock:
            self._cache[key] = value
            while len(self._cache) > self.limits.cache_entries:
                self._cache.popitem(last=False)
        return value

    # ---- validation
    def check_key(self, key: ViewKey) -> ViewKey:
        lim = self.limits
        check_name("scenario", key.scenario)
        check_name("variant", key.variant)
        if len(key.sets) > lim.max_sets:
            raise InputError(f"sets: must have at most {lim.max_sets} items, got {len(key.sets)}")
        for s in key.sets:
            if len(s) > lim.max_set_chars:
                raise InputError(f"sets: each must be at most {lim.max_set_chars} characters, got {len(s)}")
        if len(key.add_sites) > lim.max_added_sites:
            raise InputError(
                f"add_sites: must have at most {lim.max_added_sites} items, got {len(key.add_sites)}"
            )
        return key

    def built(self, key: ViewKey):
        """The `BuiltScenario` for a view (validated by the scenario models, as a file would be)."""
        from shieldcheck.scenario import build

        self.check_key(key)

        def make():
            model = self.source.load(key.scenario)
            if key.variant != "base" and key.variant not in model.variants:
                raise InputError(
                    f"variant: must be one of {', '.join(['base', *model.variants])}, got {key.variant!r}"
                )
            sets = [*site_sets(model, key), *key.sets]
            variant = None if key.variant == "base" else key.variant
            return build(model, variant=variant, sets=sets, sets_from=SETS_FROM)

        return self._cached(("built", key), make)

    # ---- views
    def _by_scenario(self, what: str, key: ViewKey, fn) -> dict:
        """``fn(built)`` cached by the effective scenario (its hash), not by the request's spelling: "8"
        and "8.0", an override repeated or restating the default, a slider moved back to an earlier
        value, all find one entry. Only the ``sets`` echoed in the answer follow the request."""
        built = self.built(key)
        value = self._cached((what, built.scenario_hash, key.scenario, key.variant), lambda: fn(built))
        return {**value, "sets": list(built.sets)} if "sets" in value else value

    def study(self, key: ViewKey) -> dict:
        """The study's tables for a view (see `study_view`), without threshold speeds."""
        return self._by_scenario(
            "study", key, lambda built: study_view(built, key.variant, self._claims(key))
        )

    def thresholds(self, key: ViewKey) -> dict:
        """The study with its threshold speeds (least burnout speed per route and site)."""
        claims = self._claims(key)
        return self._by_scenario(
            "thresholds", key, lambda built: study_view(built, key.variant, claims, thresholds=True)
        )

    def _claims(self, key: ViewKey):
        return [c.model_dump(mode="json") for c in getattr(self.source.load(key.scenario), "claims", [])]

    def layers(self, key: ViewKey) -> dict:
        """Map layers for a view: sites, radars with coverage, launch areas, targets, threat tracks."""
        return self._by_scenario("layers", key, layers_view)

    def parameters(self, key: ViewKey) -> list[dict]:
        """The contested numbers of a view, with their values, units and sources (for the sliders)."""
        return contested_parameters(self.built(key))

    def footprint(self, key: ViewKey, request: dict, job: Job | None = None) -> dict:
        """Defended-area or launch-area footprint as GeoJSON (cells bounded by `Limits.max_grid_cells`).

        Only the engageable cells are computed (`shieldcheck.footprint.defended_area` with
        ``engageable_only``: the same cells as the full footprint, about half the work); with a ``job``
        the grid runs in chunks that `Job.checkpoint` can pause or stop.
        """
        from shieldcheck.footprint import defended_area, grid, launch_area_footprint

        built = self.built(key)
        kind = request["kind"]
        if kind not in ("defended_area", "launch_area"):
            raise InputError(f"kind: must be defended_area or launch_area, got {kind!r}")
        g = grid(
            request["lat_min_deg"],
            request["lat_max_deg"],
            request["lon_min_deg"],
            request["lon_max_deg"],
            request["resolution_deg"],
            max_cells=None,
        )
        cells = g.shape[0] * g.shape[1]
        if cells > self.limits.max_grid_cells:
            raise InputError(
                f"resolution_deg: the grid would have {cells:,} cells; at most "
                f"{self.limits.max_grid_cells:,} per request (coarsen it or shrink the area)"
            )
        groups = {c.group: c for c in built.threats}
        threat = request["threat"]
        if threat not in groups:
            raise InputError(f"threat: must be one of {', '.join(groups)}, got {threat!r}")
        case = groups[threat]
        place = request["place"]
        cases = [c for c in built.threats if c.group == threat]
        names = {c.launch.name: c.launch for c in cases} if kind == "defended_area" else {}
        names.update({c.target.name: c.target for c in cases} if kind == "launch_area" else {})
        if place not in names:
            what = "launch" if kind == "defended_area" else "target"
            raise InputError(f"place: must be a {what} of {threat} ({', '.join(names)}), got {place!r}")
        kw = case.trajectory_kw()  # the group's own flight: shape and its value, boost figures, boost
        # canonical: the effective scenario's hash, so "8" and "8.0" (or an override repeated) are one entry
        fkey = ("footprint", built.scenario_hash, kind, threat, place, g)

        def make():
            fn = defended_area if kind == "defended_area" else launch_area_footprint
            check = job.checkpoint if job is not None else None
            fp = fn(built.architecture, names[place], g, engageable_only=True, checkpoint=check, **kw)
            out = fp.to_geojson("engageable")
            out["properties"] = {
                "kind": kind,
                "threat": threat,
                "place": place,
                "cells": cells,
                "cells_engageable": int(fp.values["engageable"].sum()),
                "resolution_deg": g.resolution_deg,
            }
            return out

        return self._cached(fkey, make)


# ------------------------------------------------------------------------------------------ adapters
def _clean(v):
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def study_view(built, variant: str = "base", claims=(), thresholds: bool = False) -> dict:
    """The study of one built scenario and variant as JSON (`shieldcheck.study.build_study`).

    Parameters
    ----------
    built : BuiltScenario
        The scenario with its variant, overrides and added sites applied.
    variant : str
        The variant's name (``"base"`` for none), repeated in the answer.
    claims : sequence of dict
        The scenario's sourced ``claims:`` (a built scenario does not carry them).
    thresholds : bool
        Compute the threshold speeds too (one bisection per route and site; slower).

    Returns
    -------
    dict
        `Study.to_dict` (provenance, title, question, claims, ``rows``, ``routes``, ``groups``,
        ``thresholds``) plus ``variant``, ``model_note`` (`shieldcheck.study.boost_note`: how the
        threats were flown), each route's ``outcome`` (`shieldcheck.study.route_outcome`) and
        ``status_captions`` (`shieldcheck.study.STATUS_CAPTIONS`: the words the page shows for them).
    """
    from shieldcheck.study import STATUS_CAPTIONS, boost_note, build_study, route_outcome

    study = build_study(built, thresholds=thresholds)
    out = study.to_dict()
    for r in out["routes"]:
        r["outcome"] = route_outcome(r)  # the page colours and words a route by it, from the study's table
    out["status_captions"] = dict(STATUS_CAPTIONS)
    out["model_note"] = boost_note(study)  # how the threats were flown, for the page's estimate line
    out["variant"] = variant
    out["claims"] = [dict(c) for c in claims]
    return out


def _jsonable(v):
    import numpy as np

    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, np.ndarray):
        return [_jsonable(x) for x in v.tolist()]
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float):
        return _clean(round(v, 6))
    return v


def layers_view(built, coverage_altitude_km: float = 500.0, step_s: float = 30.0) -> dict:
    """Map layers from `shieldcheck.report.exports.collect` (the exports' own geometry), as JSON.

    Radar coverage is the boundary at ``coverage_altitude_km``; tracks are sampled every ``step_s``.
    Engagement colours are not here: the page colours tracks and targets from the study's routes.
    """
    from shieldcheck.report.exports import collect, geojson_document

    bundle = collect(built, step_s=step_s, coverage_altitudes_km=(coverage_altitude_km,))
    sites = [s for s in bundle.sites if s["kind"] in ("interceptor_site", "radar", "launch", "target")]
    radars = []
    for r in bundle.radars:
        lat, lon = r["coverage"].get(coverage_altitude_km, ((), ()))
        radars.append(
            {
                "name": r["name"],
                "latitude_deg": r["latitude_deg"],
                "longitude_deg": r["longitude_deg"],
                "max_range_km": r["max_range_km"],
                "fire_control": r["fire_control"],
                "coverage_altitude_km": coverage_altitude_km,
                "coverage": [[a, b] for a, b in zip(lat, lon, strict=True)],
            }
        )
    tracks = []
    for t in bundle.threats:
        s = t["samples"]
        tracks.append(
            {
                "threat": t["threat"],
                "launch": t["launch"],
                "target": t["target"],
                "status": t["status"],
                "flight_time_s": t["flight_time_s"],
                "apogee_km": t["apogee_km"],
                "ground_range_km": t["ground_range_km"],
                "t_s": None if s is None else s["t_s"],
                "latitude_deg": None if s is None else s["latitude_deg"],
                "longitude_deg": None if s is None else s["longitude_deg"],
                "altitude_km": None if s is None else s["altitude_km"],
            }
        )
    return _jsonable(
        {
            "scenario": built.name,
            "scenario_hash": built.scenario_hash,
            "sites": sites,
            "radars": radars,
            "tracks": tracks,
            # the "Download layers (GeoJSON)" file: the export's own document (RFC 7946: tracks and coverage
            # cut at the antimeridian, rings wound and closed round the poles), not rebuilt by the page
            "geojson": geojson_document(bundle),
        }
    )


CONTESTED = (
    re.compile(r"^interceptor_types\.[^.]+\.burnout_speed_km_s$"),
    re.compile(r"^timeline\.(decision_s|track_formation_s)$"),
    re.compile(r"^radars\.[^.]+\.max_range_km$"),
    re.compile(r"^early_warning\.[^.]+\.delay_s$"),
)
"""Paths offered as sliders: the numbers the public debate is about (speed, decision time, radar range)."""

_SLIDER = {"km/s": (1.0, 12.0, 0.1), "s": (0.0, 600.0, 5.0), "km": (0.0, 6000.0, 50.0)}


def contested_parameters(built) -> list[dict]:
    """The contested numbers of a built scenario: ``path``, ``value``, ``unit``, ``source``, slider bounds."""
    out = []
    for a in built.assumptions:
        if any(p.match(a.path) for p in CONTESTED):
            lo, hi, step = _SLIDER.get(a.unit, (0.0, max(1.0, 4 * a.value), 1.0))
            out.append(
                {
                    "path": a.path,
                    "value": a.value,
                    "unit": a.unit,
                    "source": a.source,
                    "origin": a.origin,
                    "min": lo,
                    "max": max(hi, a.value),
                    "step": step,
                }
            )
    return out


def catalog_view() -> dict:
    """Places and missile classes of the catalog, with their sources."""
    import dataclasses

    from shieldcheck.catalog import missiles, places

    return _jsonable(
        {
            "places": [dataclasses.asdict(p) for p in places()],
            "missiles": [dataclasses.asdict(m) for m in missiles()],
        }
    )


def trajectory_view(
    launch: str, target: str, missile: str | None, step_s: float, boost: str = "auto"
) -> dict:
    """One minimum-energy trajectory (as ``shieldcheck trajectory --json``) with samples every ``step_s``.

    ``boost`` is the CLI's ``--boost`` (``"auto"``, its default, flies the class's stages when it has
    them). The answer carries ``boost`` (what was flown), ``boost_asked`` and ``booster`` (the stage set
    flown when staged, else None), as the CLI's JSON does.
    """
    from shieldcheck.catalog import get_missile, resolve_place
    from shieldcheck.catalog.boosters import class_booster
    from shieldcheck.threats import BOOSTS, sample_trajectory, trajectory

    if not (isinstance(step_s, (int, float)) and 1.0 <= step_s <= 600.0):
        raise InputError(f"step_s: must be within [1, 600], got {step_s!r}")
    if boost not in BOOSTS:
        raise InputError(f"boost: must be one of {', '.join(BOOSTS)}, got {boost!r}")
    flown = get_missile(missile) if missile else None
    t = trajectory(
        resolve_place(launch, field="launch"), resolve_place(target, field="target"), missile=flown,
        boost=boost,
    )
    out = {"launch": launch, "target": target, "missile": missile, **t.to_dict()}
    out["boost_asked"] = boost
    out["booster"] = class_booster(flown).name if t.boost == "staged" else None
    if t.status != "no_solution":
        s = sample_trajectory(t, step_s=step_s)
        out["samples"] = {
            "t_s": s.t_s,
            "latitude_deg": s.latitude_deg,
            "longitude_deg": s.longitude_deg,
            "altitude_km": s.altitude_km,
        }
    return _jsonable(out)


@functools.lru_cache(maxsize=32)
def reach_view(launch: str, missile: str, payload_kg: float | None, azimuth_step_deg: float) -> dict:
    """Reach of a catalog booster from a place (`shieldcheck.reach.reach`), as ``shieldcheck reach --json``.

    Parameters
    ----------
    launch : str
        Catalog place or ``"lat,lon"``.
    missile : str
        Booster class with stages (`shieldcheck.catalog.boosters.get_booster`).
    payload_kg : float or None
        Payload, kg (None: the booster's own).
    azimuth_step_deg : float
        Azimuth spacing, deg.

    Returns
    -------
    dict
        ``reach``: the `Reach` fields (the CLI's ``--json``, margins to every catalog city);
        ``geojson``: the boundary, launch point and margins (`shieldcheck.reach.reach_geojson`).

    Raises
    ------
    InputError
        An unknown place or booster, or numbers out of range (as the CLI says them).
    """
    import dataclasses

    from shieldcheck.catalog import places, resolve_place
    from shieldcheck.catalog.boosters import get_booster
    from shieldcheck.reach import reach, reach_geojson

    lp = resolve_place(launch, field="launch")
    b = get_booster(missile)
    res = reach(
        b.vehicle,
        lp.latitude_deg,
        lp.longitude_deg,
        payload_kg=payload_kg,
        azimuth_step_deg=azimuth_step_deg,
        places=places(kind="city"),
    )
    out = {"reach": dataclasses.asdict(res), "geojson": reach_geojson(res, name=f"{b.name} from {lp.name}")}
    out["reach"]["missile"] = b.name
    out["reach"]["label"] = f"{b.label} from {lp.label}"
    return _jsonable(out)


def static_dir() -> Path:
    """The folder of the page and its vendored assets."""
    return Path(__file__).resolve().parent / "static"
