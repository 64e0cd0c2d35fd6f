"""The computed study of a scenario: what every view (CLI, JSON/CSV, report, exports, sweeps) reads.

A `Study` is computed once from a scenario and its variants: engagement rows keyed by (variant, threat
group, launch, target, site), never by row order, and the summaries drawn from them once:

* per route (variant, threat, launch, target): ``defended`` (some site has a window), ``not_defended``, or
  ``threat_cannot_reach`` (the threat's own trajectory has no solution, could not be set up, or its coast
  stays in the atmosphere where this model is not physics, reason code ``threat_in_atmosphere``; counted
  apart, since it is not a failure of the defense), the engaging sites, the best window and the latest
  fire decision;
* per threat group and variant: routes the threat can reach, routes defended, the targets not defended and
  why;
* per route and site (and for "any site", site ``""``): the **threshold interceptor speed**, the least
  burnout speed (km/s, relative to the Earth) at which the site gets an intercept window, found by
  bisection to 0.01 km/s on the same compiled kernel as every engagement; ``none_below_escape`` where no
  speed below the escape speed at the interceptor's burnout altitude will do.

Units: km, s (after the threat's launch), km/s. All numbers are kinematic model estimates.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass, field, fields

import numpy as np

from shieldcheck.earth import MU_KM3_S2
from shieldcheck.engagement import (
    _C_ALT0,
    _C_CODE,
    _C_COS,
    _C_START,
    _NCOL,
    _OK,
    EngagementResult,
    _ew_times,
    _run_kernel,
    _stack,
    _threat_arrays,
    engage_many,
    escape_speed_km_s,
    scenario_trajectories,
)
from shieldcheck.errors import InputError

__all__ = [
    "BASE",
    "MAX_STUDY_ROUTES",
    "THRESHOLD_TOLERANCE_KM_S",
    "Study",
    "StudyRow",
    "RouteSummary",
    "GroupSummary",
    "ThresholdRecord",
    "InterceptorRecord",
    "BoostPhaseRecord",  # noqa: F822 - made on first use (module __getattr__)
    "StudyBasingZone",
    "build_study",
    "speed_sensitivity",
    "StudyFootprints",
    "map_extent",
    "study_footprints",
    "boosts_flown",
    "boost_note",
    "variant_changes",
    "headline_basis",
    "stage_data_basis",
    "STATUS_CAPTIONS",
    "check_footprint_resolution",
    "route_outcome",
    "status_caption",
]

BASE = "base"
"""The name of the scenario without a variant, in every table, option and key."""
THRESHOLD_TOLERANCE_KM_S = 0.01
"""Bisection tolerance of the threshold speeds, km/s."""
MAX_STUDY_ROUTES = 200_000
"""Bound on variants × routes × sites of one study (a user controls all three)."""
ROUTE_STATUSES = ("defended", "not_defended", "threat_cannot_reach")
THRESHOLD_STATUSES = ("found", "none_below_escape", "threat_cannot_reach")
STATUS_CAPTIONS: dict[str, str] = {
    # route outcomes (`route_outcome`: the route status, the threat's own reason where it has no flight)
    "defended": "defended",
    "not_defended": "not defended",
    "threat_cannot_reach": "threat cannot reach the target",
    "threat_in_atmosphere": "threat's coast in the atmosphere: not modelled",
    "threat_invalid": "threat route could not be set up",
    # threshold statuses (a found speed is shown as its number)
    "found": "least speed found",
    "none_below_escape": "none up to escape speed",
    # boost-phase statuses
    "engageable": "engageable before burnout",
    "too_late": "too late",
    "out_of_reach": "out of reach",
    "beyond_horizon": "below the horizon",
}
"""The words for every status a view shows: the CLI, the report, the comparison page and the web app read
them here (one vocabulary; no view keeps its own). Each status has its own words: a route counted apart
because its threat's coast stays in the atmosphere is not a threat that "cannot reach"."""


def route_outcome(route) -> str:
    """What a route's status says, with the threat's own reason where it has no modelled flight.

    ``defended`` or ``not_defended``; for a ``threat_cannot_reach`` route, the reason code when it is
    ``threat_in_atmosphere`` (the coast flies mostly below 100 km: not modelled) or ``threat_invalid``
    (the route could not be set up), else ``threat_cannot_reach``. A key of `STATUS_CAPTIONS`.

    >>> from types import SimpleNamespace as R
    >>> route_outcome(R(status="threat_cannot_reach", reason_code="threat_in_atmosphere"))
    'threat_in_atmosphere'
    >>> status_caption(route_outcome(R(status="not_defended", reason_code="too_slow")))
    'not defended'
    """
    status = route["status"] if isinstance(route, dict) else route.status
    code = route["reason_code"] if isinstance(route, dict) else route.reason_code
    if status == "threat_cannot_reach" and code in ("threat_in_atmosphere", "threat_invalid"):
        return code
    return status


def status_caption(status: str) -> str:
    """The words for a status (`STATUS_CAPTIONS`); an unknown one is shown as its key, underscores as
    spaces."""
    return STATUS_CAPTIONS.get(status, str(status).replace("_", " "))

StudyRow = dataclasses.make_dataclass(
    "StudyRow",
    [("variant", str)] + [(f.name, f.type) for f in fields(EngagementResult)],
    frozen=True,
    namespace={
        "__doc__": "One engagement: `shieldcheck.engagement.EngagementResult`'s fields plus ``variant``.",
        "to_dict": lambda self: _jsonable(dataclasses.asdict(self)),
        "decision_time_s": EngagementResult.decision_time_s,  # deprecated spelling of decision_s; warns
    },
)
StudyRow.__module__ = __name__


def _jsonable(d: dict) -> dict:
    out = {}
    for k, v in d.items():
        if isinstance(v, float) and not math.isfinite(v):
            v = None
        elif isinstance(v, tuple):
            v = list(v)
        out[k] = v
    return out


class _Record:
    def to_dict(self) -> dict:
        return _jsonable({f.name: getattr(self, f.name) for f in fields(self)})


@dataclass(frozen=True)
class RouteSummary(_Record):
    """One route (variant, threat group, launch, target) over every site.

    ``status`` is ``defended``, ``not_defended`` or ``threat_cannot_reach``; ``best_site`` has the longest
    window; ``window_*`` are that site's; ``latest_fire_decision_s`` is the latest fire decision that still
    gives an intercept from any engaging site (its latest launch less its launch delay); ``reason`` and
    ``reason_code`` explain a route that is not defended (one site's reason, or every site's joined by
    "; " with code ``several_reasons`` when they differ).
    """

    variant: str
    threat: str
    launch: str
    target: str
    status: str
    engaging_sites: tuple[str, ...]
    best_site: str
    window_start_s: float
    window_end_s: float
    window_s: float
    latest_fire_decision_s: float
    reason: str
    reason_code: str


@dataclass(frozen=True)
class GroupSummary(_Record):
    """One threat group in one variant: routes, routes the threat can reach, routes defended, and the
    routes not defended (``not_defended``: tuple of dicts with launch, target, reason_code, reason)."""

    variant: str
    threat: str
    routes: int
    routes_reachable: int
    routes_defended: int
    not_defended: tuple


@dataclass(frozen=True)
class ThresholdRecord(_Record):
    """The least interceptor burnout speed (km/s, relative to the Earth) that gives a window.

    ``site`` is ``""`` for "any site" (the least over the sites). ``threshold_status`` is ``found``,
    ``none_below_escape`` (NaN speed) or ``threat_cannot_reach``. At the threshold speed the first window
    opens at ``first_intercept_s`` from ``first_window_site`` at ``first_intercept_altitude_km``;
    ``tail_chase`` is true when the interceptor arrives moving with the threat (the angle between their
    inertial velocities is below 90°) rather than meeting it.
    """

    variant: str
    threat: str
    launch: str
    target: str
    site: str
    threshold_speed_km_s: float
    threshold_status: str
    first_window_site: str
    first_intercept_s: float
    first_intercept_altitude_km: float
    tail_chase: bool


INTERCEPTOR_MODELS = ("integrated from its stages", "fixed burnout point")
"""How an interceptor type's burnout speed, burn time and burnout altitude were obtained
(`InterceptorRecord.model`): its stages integrated (``staged: true``), or the numbers of the scenario."""

STAGED_FLYOUT_APPROXIMATION = (
    "the engagement kernel keeps the burnout point above the site at the integrated burnout altitude and "
    "time (the integrated burnout lies {range_km:,.0f} km downrange, a direction the reach sphere does not "
    "fix); the burn's own reach before burnout is not used"
)
"""What the midcourse kernel does with an integrated burn (`InterceptorRecord.note`)."""


@dataclass(frozen=True)
class InterceptorRecord(_Record):
    """One interceptor type in one variant, as every engagement of the study flew it.

    ``model`` is ``integrated from its stages`` (the type has ``staged: true``: burnout speed, burn time and
    burnout altitude come from `shieldcheck.interceptors.integrated_flyout`, with the stages' rocket-equation
    speed ``ideal_delta_v_km_s`` and the ``gravity_loss_km_s`` and ``drag_loss_km_s`` the integration found)
    or ``fixed burnout point`` (the scenario's numbers; the integration fields are NaN). ``stages_from``
    says whose stages (``catalog gbi-2stage`` or ``scenario booster:``); ``replaces`` lists the fixed
    numbers the integration replaced and who set them; ``note`` states the kernel's approximation.
    Units: km/s, s, km, deg, kg.
    """

    variant: str
    interceptor: str
    sites: tuple[str, ...]
    model: str
    burnout_speed_km_s: float
    burn_time_s: float
    burnout_altitude_km: float
    launch_delay_s: float
    burnout_range_km: float
    flight_path_angle_deg: float
    ideal_delta_v_km_s: float
    gravity_loss_km_s: float
    drag_loss_km_s: float
    payload_kg: float
    stages_from: str
    replaces: str
    note: str
    replaced: dict = field(default_factory=dict, repr=False, compare=False)
    """``replaces`` as data: field -> (value, who set it); not a table column."""

    def to_dict(self) -> dict:
        return _jsonable({f.name: getattr(self, f.name) for f in fields(self) if f.name != "replaced"})


def _interceptors_of(variant: str, built) -> list[InterceptorRecord]:
    """The interceptor records of one built variant (read from the built scenario: nothing is flown)."""
    types: dict = {}
    for site in built.architecture.sites:
        types.setdefault(site.interceptor.name, (site.interceptor, []))[1].append(site.name)
    out = []
    nan = math.nan
    for name, (it, sites) in types.items():
        st = getattr(built, "staged_types", {}).get(name)
        if st is None:
            extra = dict(burnout_range_km=nan, flight_path_angle_deg=nan, ideal_delta_v_km_s=nan,
                         gravity_loss_km_s=nan, drag_loss_km_s=nan, payload_kg=nan, stages_from="",
                         replaces="", note="")
            model = INTERCEPTOR_MODELS[1]
        else:
            fo = st.flyout
            extra = dict(
                burnout_range_km=fo.burnout_range_km,
                flight_path_angle_deg=fo.flight_path_angle_deg,
                ideal_delta_v_km_s=fo.ideal_delta_v_km_s,
                gravity_loss_km_s=fo.gravity_loss_km_s,
                drag_loss_km_s=fo.drag_loss_km_s,
                payload_kg=fo.payload_kg,
                stages_from=st.stages_from,
                replaces="; ".join(f"{f} {v:g} from {by}" for f, v, by in st.replaced),
                note=STAGED_FLYOUT_APPROXIMATION.format(range_km=fo.burnout_range_km),
                replaced={f: (v, by) for f, v, by in st.replaced},
            )
            model = INTERCEPTOR_MODELS[0]
        out.append(InterceptorRecord(
            variant, name, tuple(sites), model, it.burnout_speed_km_s, it.burn_time_s, it.burnout_altitude_km,
            it.launch_delay_s, **extra,
        ))
    return out


_TABLES = ("rows", "routes", "groups", "thresholds", "boost_phase", "interceptors")


@dataclass(frozen=True)
class Study:
    """A scenario's computed study (see the module docstring); build it with `build_study`.

    Attributes
    ----------
    scenario, title, question : str
    scenario_hash : str
        Hash of the base scenario with the ``--set`` overrides (`BuiltScenario.scenario_hash`).
    sets : tuple of str
        The ``--set`` overrides, applied to every variant.
    version : str
        shieldcheck's version.
    variants : tuple of str
        ``"base"`` first when present, then the variants in the order asked.
    built : dict
        Variant name -> `shieldcheck.scenario.BuiltScenario`.
    trajectories : dict
        Variant name -> tuple of `shieldcheck.threats.Trajectory`, one per threat case in
        ``built[variant].threats`` order (status ``invalid`` where a route could not be set up).
    rows, routes, groups, thresholds : tuple
        `StudyRow`, `RouteSummary`, `GroupSummary`, `ThresholdRecord` records.
    claims : tuple of dict
        The scenario's ``claims:`` (label, quantity, value, source), for views to draw.
    boost_phase : tuple
        `BoostPhaseRecord` per (variant, boost-phase base, route) when the scenario has a ``boost_phase:``
        block (else empty).
    interceptors : tuple
        `InterceptorRecord` per (variant, interceptor type used by a site): the numbers the engagements
        flew, and for a type with ``staged: true`` its integrated burn (ideal delta-v, losses).
    basing_zones : tuple
        `StudyBasingZone` per (variant, threat group) when the block asks for a ``zone``.
    """

    scenario: str
    title: str
    question: str
    scenario_hash: str
    sets: tuple[str, ...]
    version: str
    variants: tuple[str, ...]
    built: dict
    trajectories: dict
    rows: tuple
    routes: tuple
    groups: tuple
    thresholds: tuple
    claims: tuple
    boost_phase: tuple = ()
    basing_zones: tuple = ()
    interceptors: tuple = ()

    def provenance(self) -> dict:
        """What produced the study: scenario name and hash, variants, ``--set`` overrides, version."""
        return {
            "scenario": self.scenario,
            "scenario_hash": self.scenario_hash,
            "variants": list(self.variants),
            "sets": list(self.sets),
            "shieldcheck_version": self.version,
        }

    def table(self, name: str) -> list[dict]:
        """One table (``rows``, ``routes``, ``groups``, ``thresholds``, ``boost_phase`` or ``interceptors``)
        as a list of JSON-able dicts."""
        if name not in _TABLES:
            raise InputError(f"table must be one of {', '.join(_TABLES)}, got {name!r}")
        return [r.to_dict() for r in getattr(self, name)]

    def to_dict(self) -> dict:
        """Provenance, title, question, claims and every table, JSON-able (NaN becomes None)."""
        return {
            **self.provenance(),
            "title": self.title,
            "question": self.question,
            "claims": [dict(c) for c in self.claims],
            **{name: self.table(name) for name in _TABLES},
            "basing_zones": [z.to_dict() for z in self.basing_zones],
        }

    def route(self, variant: str, launch: str, target: str, threat: str | None = None) -> RouteSummary:
        """The route summary of (variant, launch, target) (and threat group, if several fly the route)."""
        found = [
            r
            for r in self.routes
            if r.variant == variant
            and r.launch == launch
            and r.target == target
            and (threat is None or r.threat == threat)
        ]
        if len(found) != 1:
            what = "no route" if not found else f"{len(found)} routes (give threat=)"
            raise InputError(f"route ({variant}, {launch}, {target}): {what} in the study")
        return found[0]

    def group(self, variant: str, threat: str) -> GroupSummary:
        """The summary of one threat group in one variant."""
        for g in self.groups:
            if g.variant == variant and g.threat == threat:
                return g
        raise InputError(f"group ({variant}, {threat}): not in the study")

    def threshold(self, variant: str, launch: str, target: str, site: str = "") -> ThresholdRecord:
        """The threshold record of a route for one site (``""``: any site)."""
        for t in self.thresholds:
            if (t.variant, t.launch, t.target, t.site) == (variant, launch, target, site):
                return t
        raise InputError(f"threshold ({variant}, {launch}, {target}, site {site!r}): not in the study")


# ------------------------------------------------------------------------------------------------ build
def _version() -> str:
    from shieldcheck import __version__

    return __version__


def _routes_of(variant: str, built, rows: list) -> list[RouteSummary]:
    nsite = len(built.architecture.sites)
    delays = {s.name: s.interceptor.launch_delay_s for s in built.architecture.sites}
    out = []
    for i in range(0, len(rows), nsite):
        per = rows[i : i + nsite]
        r0 = per[0]
        ok = [r for r in per if r.engageable]
        nan = math.nan
        if r0.reason_code in ("threat_cannot_reach", "threat_invalid", "threat_in_atmosphere"):
            status, best, reason, code = "threat_cannot_reach", None, r0.reason, r0.reason_code
        elif ok:
            status, best, reason, code = "defended", max(ok, key=lambda r: r.window_s), "", "engageable"
        else:
            status, best = "not_defended", None
            codes = {r.reason_code for r in per}
            code = per[0].reason_code if len(codes) == 1 else "several_reasons"
            reason = per[0].reason if len(per) == 1 else "; ".join(f"{r.site}: {r.reason}" for r in per)
        latest = [r.latest_launch_s - delays[r.site] for r in ok if math.isfinite(r.latest_launch_s)]
        out.append(
            RouteSummary(
                variant=variant,
                threat=r0.threat,
                launch=r0.launch,
                target=r0.target,
                status=status,
                engaging_sites=tuple(r.site for r in ok),
                best_site=best.site if best else "",
                window_start_s=best.window_start_s if best else nan,
                window_end_s=best.window_end_s if best else nan,
                window_s=best.window_s if best else 0.0,
                latest_fire_decision_s=max(latest) if latest else nan,
                reason=reason,
                reason_code=code,
            )
        )
    return out


def _groups_of(variant: str, routes: list[RouteSummary]) -> list[GroupSummary]:
    names = list(dict.fromkeys(r.threat for r in routes))
    out = []
    for name in names:
        rs = [r for r in routes if r.threat == name]
        out.append(
            GroupSummary(
                variant=variant,
                threat=name,
                routes=len(rs),
                routes_reachable=sum(r.status != "threat_cannot_reach" for r in rs),
                routes_defended=sum(r.status == "defended" for r in rs),
                not_defended=tuple(
                    {"launch": r.launch, "target": r.target, "reason_code": r.reason_code, "reason": r.reason}
                    for r in rs
                    if r.status == "not_defended"
                ),
            )
        )
    return out


def _site_thresholds(built, trajs, site, results, step_s: float) -> list[tuple]:
    """Per threat: (status, threshold km/s, first intercept s, its altitude km, tail chase) for one site.

    All threats are bisected together: each pass runs the compiled engagement kernel once over the threats
    still unresolved, each with its own trial speed, until every bracket [no window, window] is narrower
    than the tolerance. Starting brackets come from the engagement rows (``results``): an engageable route
    has a window at the speed one of its samples needed; a route too slow now is tried at ±0.04 km/s
    around the least speed its samples needed; the others at the escape speed (no window there:
    ``none_below_escape``).
    """
    arch = built.architecture
    n = len(trajs)
    res: list = [("threat_cannot_reach", math.nan, math.nan, math.nan, False)] * n
    good = [i for i, t in enumerate(trajs) if t.status == "ok"]
    if not good:
        return res
    data = _stack([trajs[i] for i in good])
    rcs = [built.threats[i].rcs_m2 for i in good]
    arrays = _threat_arrays(data, rcs, arch.radars, arch.earth)
    t_ew = _ew_times(arch, data["burn_time_s"])
    v_esc = float(escape_speed_km_s(site.interceptor.burnout_altitude_km))

    def run(idx: np.ndarray, speeds: np.ndarray) -> np.ndarray:
        sub = tuple(a[idx] for a in arrays)
        return _run_kernel(
            sub,
            t_ew[idx],
            arch,
            site,
            step_s=step_s,
            iters=14,
            detail=False,
            mu_km3_s2=MU_KM3_S2,
            speeds_km_s=speeds,
            probe=True,
        )

    m = len(good)
    g = np.asarray([results[i].required_speed_km_s for i in good], dtype=float)
    engageable = np.array([results[i].engageable for i in good], dtype=bool)
    lo = np.zeros(m)
    hi = np.full(m, v_esc)
    best = np.full((m, _NCOL), np.nan)
    # engageable now: a window exists at the speed one of its samples needed (an upper bound)
    found = engageable.copy()
    hi[engageable] = np.where(np.isfinite(g[engageable]), g[engageable], site.interceptor.burnout_speed_km_s)
    # too slow now: the least speed its samples needed is close to the threshold; bracket it
    gi = np.flatnonzero(~engageable & np.isfinite(g) & (g + 0.04 < v_esc))
    g_lo, g_hi = np.maximum(g[gi] - 0.04, 0.0), g[gi] + 0.04
    rows = run(np.concatenate([gi, gi]), np.concatenate([g_lo, g_hi]))
    lo_ok = rows[: gi.size, _C_CODE] == _OK
    hi_ok = rows[gi.size :, _C_CODE] == _OK
    found[gi[hi_ok | lo_ok]] = True
    hi[gi[hi_ok]] = g_hi[hi_ok]
    best[gi[hi_ok]] = rows[gi.size :][hi_ok]
    hi[gi[lo_ok]] = g_lo[lo_ok]
    best[gi[lo_ok]] = rows[: gi.size][lo_ok]
    lo[gi[~lo_ok]] = g_lo[~lo_ok]
    # the rest: is there a window at the escape speed at all?
    rest = np.flatnonzero(~found)
    if rest.size:
        rows = run(rest, np.full(rest.size, v_esc))
        ok = rows[:, _C_CODE] == _OK
        found[rest[ok]] = True
        best[rest[ok]] = rows[ok]
    active = np.flatnonzero(found & (hi - lo > THRESHOLD_TOLERANCE_KM_S))
    while active.size:
        mid = 0.5 * (lo[active] + hi[active])
        rows = run(active, mid)
        ok = rows[:, _C_CODE] == _OK
        hi[active[ok]] = mid[ok]
        best[active[ok]] = rows[ok]
        lo[active[~ok]] = mid[~ok]
        active = active[hi[active] - lo[active] > THRESHOLD_TOLERANCE_KM_S]
    # the first window at the threshold itself, where no pass ran at that speed
    redo = np.flatnonzero(found & (best[:, _C_CODE] != _OK))
    if redo.size:
        rows = run(redo, hi[redo])
        best[redo] = rows
        found[redo] = rows[:, _C_CODE] == _OK
    for k, i in enumerate(good):
        if found[k]:
            b = best[k]
            res[i] = ("found", float(hi[k]), float(b[_C_START]), float(b[_C_ALT0]), bool(b[_C_COS] > 0.0))
        else:
            res[i] = ("none_below_escape", math.nan, math.nan, math.nan, False)
    return res


def _thresholds_of(variant: str, built, trajs, results, step_s: float) -> list[ThresholdRecord]:
    sites = built.architecture.sites
    per_site = [_site_thresholds(built, trajs, s, res, step_s) for s, res in zip(sites, results, strict=True)]
    out = []
    for i, case in enumerate(built.threats):
        key = dict(variant=variant, threat=case.group, launch=case.launch.name, target=case.target.name)
        recs = []
        for s, res in zip(sites, per_site, strict=True):
            status, v, t0, alt, tail = res[i]
            recs.append(
                ThresholdRecord(
                    **key,
                    site=s.name,
                    threshold_speed_km_s=v,
                    threshold_status=status,
                    first_window_site=s.name if status == "found" else "",
                    first_intercept_s=t0,
                    first_intercept_altitude_km=alt,
                    tail_chase=tail,
                )
            )
        hits = [r for r in recs if r.threshold_status == "found"]
        if hits:
            b = min(hits, key=lambda r: (r.threshold_speed_km_s, r.first_intercept_s))
            anyr = dataclasses.replace(b, site="")
        else:
            anyr = dataclasses.replace(recs[0], site="", first_window_site="")
        out.extend(recs)
        out.append(anyr)
    return out


def _claims(model) -> tuple:
    return tuple(c.model_dump(mode="json") for c in getattr(model, "claims", []))


def build_study(
    scenario,
    *,
    variants=None,
    all_variants: bool = False,
    sets=(),
    thresholds: bool = True,
    step_s: float = 5.0,
) -> Study:
    """Compute the study of a scenario: engagement rows, route and group summaries, threshold speeds.

    Parameters
    ----------
    scenario : str, path, ScenarioModel or BuiltScenario
        A built-in scenario name, a YAML path, a model from `shieldcheck.scenario.load_scenario`, or one
        built variant (`shieldcheck.scenario.build`; then ``variants``, ``all_variants`` and ``sets`` are
        those it was built with).
    variants : list of str, optional
        Variant names; ``"base"`` is the scenario without a variant. Default: ``["base"]``.
    all_variants : bool
        The base and every variant of the scenario (overrides ``variants``).
    sets : iterable of str
        ``"path=value"`` overrides applied to every variant.
    thresholds : bool
        Compute the threshold speeds (one bisection per route and site).
    step_s : float
        Sampling step of the window scans, s, within [0.5, 60].

    Returns
    -------
    Study

    Raises
    ------
    InputError
        An unknown variant, a bad override, a bad ``step_s`` or a study larger than `MAX_STUDY_ROUTES`.
        A route whose threat cannot be solved or set up is not an error: it is a row and a route with its
        reason.

    >>> s = build_study("european-third-site-2007", thresholds=False)
    >>> g = s.group("base", "iran-europe")
    >>> (g.routes_defended, g.routes_reachable)
    (36, 39)
    """
    from shieldcheck.scenario import BuiltScenario, ScenarioModel, build, load_scenario

    if not (isinstance(step_s, (int, float)) and 0.5 <= step_s <= 60.0):
        raise InputError(f"step_s must be within [0.5, 60] s, got {step_s!r}")
    if isinstance(scenario, BuiltScenario):
        # one built variant (e.g. from an export or a sweep point): a study of that variant alone
        b = scenario
        name = b.variant or BASE
        return _assemble(
            b.name, b.title, b.question, b.scenario_hash, b.sets, {name: b}, (), thresholds, step_s
        )
    model = scenario if isinstance(scenario, ScenarioModel) else load_scenario(scenario)
    names = [BASE, *model.variants] if all_variants else list(variants or [BASE])
    names = list(dict.fromkeys(names))
    sets = tuple(sets)
    builts = {}
    for name in names:
        builts[name] = build(model, variant=None if name == BASE else name, sets=sets)
    base_hash = build(model, sets=sets).scenario_hash if BASE not in builts else builts[BASE].scenario_hash
    return _assemble(
        model.name, model.title, model.question, base_hash, sets, builts, _claims(model), thresholds, step_s
    )


def _assemble(name0, title, question, base_hash, sets, builts, claims, thresholds, step_s) -> Study:
    size = sum(len(b.threats) * len(b.architecture.sites) for b in builts.values())
    if size > MAX_STUDY_ROUTES:
        raise InputError(
            f"study size (variants x routes x sites) must be at most {MAX_STUDY_ROUTES:,}, got {size:,}; "
            "ask for fewer variants or split the threat groups"
        )
    rows: list = []
    routes: list = []
    groups: list = []
    ths: list = []
    bps: list = []
    zones: list = []
    its: list = []
    solved = {}
    for name, built in builts.items():
        its += _interceptors_of(name, built)
        trajs = scenario_trajectories(built)
        solved[name] = tuple(trajs)
        arch = built.architecture
        labels = [dict(threat=c.group, launch=c.launch.name, target=c.target.name) for c in built.threats]
        rcs = [c.rcs_m2 for c in built.threats]
        per_site = [engage_many(trajs, s, arch, labels=labels, rcs_m2=rcs, step_s=step_s) for s in arch.sites]
        results = [per_site[j][i] for i in range(len(trajs)) for j in range(len(arch.sites))]
        vrows = [StudyRow(variant=name, **dataclasses.asdict(r)) for r in results]
        vroutes = _routes_of(name, built, vrows)
        rows += vrows
        routes += vroutes
        groups += _groups_of(name, vroutes)
        if thresholds:
            ths += _thresholds_of(name, built, trajs, per_site, step_s)
        if built.boost_phase is not None:
            profiles = _route_profiles(built)
            bps += _boost_phase_of(name, built, profiles)
            zones += _basing_zones_of(name, built, profiles)
    return Study(
        scenario=name0,
        title=title,
        question=question,
        scenario_hash=base_hash,
        sets=tuple(sets),
        version=_version(),
        variants=tuple(builts),
        built=builts,
        trajectories=solved,
        rows=tuple(rows),
        routes=tuple(routes),
        groups=tuple(groups),
        thresholds=tuple(ths),
        claims=tuple(claims),
        boost_phase=tuple(bps),
        basing_zones=tuple(zones),
        interceptors=tuple(its),
    )


# ------------------------------------------------------------------------------------------ boost phase
BOOST_PHASE_STATUSES = ("engageable", "too_late", "out_of_reach", "beyond_horizon")
"""Statuses of a boost-phase record: the interceptor can meet the boosting missile before burnout; it would
be fired after burnout; it cannot reach the missile before burnout from this base (`engage_boost`'s
``too_slow``); the missile stays below the base's horizon until burnout (`engage_boost`'s own)."""


@functools.cache
def _boost_phase_record():
    from shieldcheck.boostphase import BoostPhaseResult

    cls = dataclasses.make_dataclass(
        "BoostPhaseRecord",
        [(n, str) for n in ("variant", "base", "threat", "launch", "target", "booster", "platform")]
        + [(f.name, f.type) for f in fields(BoostPhaseResult)]
        + [("boost_note", str), ("base_label", str)],
        bases=(_Record,),
        frozen=True,
        namespace={"__doc__": BOOST_PHASE_RECORD_DOC},
    )
    cls.__module__ = __name__
    return cls


BOOST_PHASE_RECORD_DOC = """One boost-phase base against one threat route (a ``boost_phase:`` block's).

    The numbers are `shieldcheck.boostphase.engage_boost`'s for the route's staged boost
    (`shieldcheck.boostphase.boost_profile` toward the target); ``status`` is ``engageable``, ``too_late``
    or ``out_of_reach`` (see `BOOST_PHASE_STATUSES`) and ``reason`` says it in words. ``deadline_s`` is the
    missile's burnout; ``boost_note`` says how its pitch program was chosen (range to target, or its
    maximum range when the target is beyond it). ``base_latitude_deg``, ``base_longitude_deg`` and
    ``base_altitude_km`` place the base (the altitude of an airborne one); ``base_label`` is the name
    every view shows for it (its place's name, as for interceptor sites; its key when it stands at
    coordinates). ``time_available_s`` is 0 for ``too_late`` (the reason says how late).

    Fields: ``variant``, ``base``, ``threat``, ``launch``, ``target``, ``booster``, ``platform``, then
    `shieldcheck.boostphase.BoostPhaseResult`'s (``status`` mapped as above), then ``boost_note`` and
    ``base_label``.
    """


def __getattr__(name: str):
    # BoostPhaseRecord is made on first use: its fields are boostphase's, and a study without a
    # ``boost_phase:`` block (the flagship engage) need not import boostphase at all (start-up time)
    if name == "BoostPhaseRecord":
        return _boost_phase_record()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class StudyBasingZone:
    """Where a boost-phase base could stand to engage every route of a threat group before burnout.

    ``zone`` is a `shieldcheck.boostphase.BasingZone` over the scenario's ``boost_phase.zone`` grid with the
    kinematics of base ``base`` (interceptor, platform, delay); its footprint holds ``engageable`` (every
    route of the group; the basing zone), ``engageable_any`` (at least one route) and
    ``required_speed_km_s`` (the least burnout speed that engages every route: the largest of the routes'
    least speeds), each ``(n_lat, n_lon)``. ``tracks`` are the routes' boost ground tracks
    ``(latitude_deg, longitude_deg)``; ``caption`` says what the map shows; ``base_label`` is the base's
    name as every view shows it (`BoostPhaseRecord.base_label`).
    """

    variant: str
    threat: str
    base: str
    routes: int
    cells: int
    cells_engageable: int
    cells_engageable_any: int
    zone: object = field(repr=False)
    tracks: tuple = field(repr=False)
    launches: tuple = field(repr=False)
    caption: str = ""
    base_label: str = ""

    def to_dict(self) -> dict:
        """Summary, the grid's bounds and the zone's outline as GeoJSON (what the web map draws)."""
        g = self.zone.footprint.grid
        return {
            "variant": self.variant,
            "threat": self.threat,
            "base": self.base,
            "base_label": self.base_label,
            "routes": self.routes,
            "cells": self.cells,
            "cells_engageable": self.cells_engageable,
            "cells_engageable_any": self.cells_engageable_any,
            "resolution_deg": g.resolution_deg,
            "bounds_deg": [g.lat_min_deg, g.lat_max_deg, g.lon_min_deg, g.lon_max_deg],
            "interceptor_speed_km_s": self.zone.interceptor_speed_km_s,
            "caption": self.caption,
            "geojson": self.zone.to_geojson(),
        }


def _boost_profile(booster, payload_kg, lat, lon, tlat, tlon, step_s, earth, rotation):
    """`boost_profile` toward the target (cached by `shieldcheck.boostphase.profile_cache`)."""
    from shieldcheck.boostphase import boost_profile

    return boost_profile(
        booster,
        lat,
        lon,
        toward=(tlat, tlon),
        payload_kg=payload_kg,
        step_s=step_s,
        earth=earth,
        rotation=rotation,
    )


@functools.lru_cache(maxsize=64)
def _zone(profile_args, region, step, options):
    """`basing_zone` of the profile `_boost_profile(*profile_args)`, cached: the web app's slider changes
    recompute the midcourse study, not the zones they leave unchanged."""
    from shieldcheck.boostphase import basing_zone

    return basing_zone(_boost_profile(*profile_args), region, step, **dict(options))


def _route_profiles(built) -> dict:
    """(group, launch, target) -> the `_boost_profile` arguments of every route a boost-phase base faces.

    The routes of one booster are flown together (`shieldcheck.boostphase.boost_profiles`: one kick
    search and one sampling pass for all), and kept in its cache for the other variants and later runs."""
    from shieldcheck.boostphase import boost_profiles

    plan = built.boost_phase
    arch = built.architecture
    out = {}
    for c in built.threats:
        if c.group not in plan.boosters or (c.group, c.launch.name, c.target.name) in out:
            continue
        booster, payload = plan.boosters[c.group]
        out[(c.group, c.launch.name, c.target.name)] = (
            booster,
            payload,
            c.launch.latitude_deg,
            c.launch.longitude_deg,
            c.target.latitude_deg,
            c.target.longitude_deg,
            plan.sample_step_s,
            arch.earth,
            arch.rotation,
        )
    batches: dict = {}
    for key, args in out.items():
        batches.setdefault(args[:2] + args[6:], []).append(key)
    for (booster, payload, step, earth, rotation), keys in batches.items():
        lat, lon, tlat, tlon = (np.array([out[k][j] for k in keys]) for j in (2, 3, 4, 5))
        try:
            boost_profiles(booster, lat, lon, toward=(tlat, tlon), payload_kg=payload, step_s=step,
                           earth=earth, rotation=rotation)  # fmt: skip
        except InputError:
            for g, launch, target in keys:  # the route that fails, named
                try:
                    _boost_profile(*out[(g, launch, target)])
                except InputError as exc:
                    raise InputError(
                        f"{built.name}: boost_phase.boosters.{g} ({launch} -> {target}): {exc}"
                    ) from None
            raise
    return out


def _base_options(base, plan, earth: str, rotation: bool) -> dict:
    """`engage_boost` keywords for a built boost-phase base."""
    return dict(
        speed_km_s=base.burnout_speed_km_s,
        burn_time_s=base.burn_time_s,
        burnout_altitude_km=base.burnout_altitude_km,
        launch_delay_s=base.launch_delay_s,
        delay_s=base.delay_s,
        base_altitude_km=base.altitude_km,
        carrier_speed_km_s=base.carrier_speed_km_s,
        flyout=plan.flyout,
        earth=earth,
        rotation=rotation,
    )


def _faces(base, case) -> bool:
    return case.group in base.threats and (not base.launches or case.launch.name in base.launches)


def _boost_phase_of(variant: str, built, profiles: dict) -> list:
    from shieldcheck.boostphase import engage_boost

    plan = built.boost_phase
    arch = built.architecture
    out = []
    for b in plan.bases:
        kw = _base_options(b, plan, arch.earth, arch.rotation)
        seen = set()
        for c in built.threats:
            key = (c.group, c.launch.name, c.target.name)
            if not _faces(b, c) or key in seen:
                continue
            seen.add(key)
            prof = _boost_profile(*profiles[key])
            r = engage_boost(prof, b.latitude_deg, b.longitude_deg, **kw)
            status = {"too_slow": "out_of_reach"}.get(r.status, r.status)
            reason = r.reason
            if status == "engageable":
                reason = (
                    f"a {r.interceptor_speed_km_s:.1f} km/s interceptor fired "
                    f"{r.interceptor_launch_s:,.0f} s after launch from {r.distance_km:,.0f} km away can "
                    f"meet the missile from {r.first_intercept_s:,.0f} s "
                    f"({r.intercept_altitude_km:,.0f} km up), "
                    f"{r.deadline_s - r.first_intercept_s:,.0f} s before burnout ({r.deadline_s:,.0f} s)"
                )
            out.append(
                _boost_phase_record()(
                    variant=variant,
                    base=b.name,
                    threat=c.group,
                    launch=c.launch.name,
                    target=c.target.name,
                    booster=prof.name,
                    platform=b.platform,
                    **{**dataclasses.asdict(r), "status": status, "reason": reason},
                    boost_note=prof.note,
                    base_label=built.display_name(b.name),
                )
            )
    return out


def _basing_zones_of(variant: str, built, profiles: dict) -> list[StudyBasingZone]:
    """Per threat group the zone base faces: the cells that engage every route (and any route)."""
    from shieldcheck.footprint import Footprint

    plan = built.boost_phase
    if plan.zone is None:
        return []
    arch = built.architecture
    name, lat0, lat1, lon0, lon1, step = plan.zone
    b = next(x for x in plan.bases if x.name == name)
    kw = _base_options(b, plan, arch.earth, arch.rotation)
    out = []
    for group in b.threats:
        keys = list(
            dict.fromkeys((c.group, c.launch.name, c.target.name) for c in built.threats if _faces(b, c))
        )
        keys = [k for k in keys if k[0] == group]
        if not keys:
            continue
        region = (lat0, lat1, lon0, lon1)
        zones = [_zone(profiles[k], region, step, tuple(kw.items())) for k in keys]
        every = np.logical_and.reduce([z.footprint.values["engageable"] for z in zones])
        anyr = np.logical_or.reduce([z.footprint.values["engageable"] for z in zones])
        need = np.max([z.footprint.values["required_speed_km_s"] for z in zones], axis=0)
        z0 = zones[0]
        fp = Footprint(
            "boost_phase_basing_zone",
            z0.footprint.grid,
            {"engageable": every, "engageable_any": anyr, "required_speed_km_s": need},
            {**z0.footprint.metadata, "routes": len(keys), "threat": group, "base": name},
        )
        zone = dataclasses.replace(z0, footprint=fp)
        n_all, n_any = int(every.sum()), int(anyr.sum())
        cells = int(every.size)
        caption = (
            f"Boost-phase basing zone for {group} ({len(keys)} route(s), {zones[0].profile_name} boosts): "
            f"cells {step:g}° apart from which a {b.burnout_speed_km_s:.1f} km/s interceptor "
            f"({built.display_name(name)}'s: {b.burn_time_s:,.0f} s burn, {b.platform}"
            + (f" at {b.altitude_km:g} km" if b.platform == "airborne" else "")
            + f") fired {b.delay_s + b.launch_delay_s:,.0f} s after launch could reach the missile before "
            f"burnout on every route: {n_all:,} of {cells:,} cells ({n_any:,} on at least one route). "
            "Colour: the least burnout speed that reaches every route. Kinematic model estimate "
            f"({plan.flyout} fly-out): no homing, divert or kill assessment."
        )
        out.append(
            StudyBasingZone(
                variant=variant,
                threat=group,
                base=name,
                routes=len(keys),
                cells=cells,
                cells_engageable=n_all,
                cells_engageable_any=n_any,
                zone=zone,
                tracks=tuple((z.track_latitude_deg, z.track_longitude_deg) for z in zones),
                launches=tuple(
                    dict.fromkeys(
                        (round(z.launch_latitude_deg, 6), round(z.launch_longitude_deg, 6)) for z in zones
                    )
                ),
                caption=caption,
                base_label=built.display_name(name),
            )
        )
    return out


def speed_sensitivity(
    study: Study, speeds_km_s, *, variant: str = BASE, site: str | None = None, routes=None
):
    """Window length and time left to decide for some routes of a study as one site's burnout speed varies.

    Parameters
    ----------
    study : Study
    speeds_km_s : array_like
        Burnout speeds to try (km/s, relative to the Earth), at most 200.
    variant : str
        Which of the study's variants (its other assumptions are kept).
    site : str, optional
        The site whose interceptor speed varies (default: the first).
    routes : iterable of (launch, target), optional
        Default: every route of the variant.

    Returns
    -------
    dict
        ``(launch, target)`` -> ``(window_s, time_to_decide_s)`` arrays over ``speeds_km_s`` (NaN where there
        is no window), from the same compiled kernel as every engagement (one pass per speed over the routes).
    """
    speeds = np.atleast_1d(np.asarray(speeds_km_s, dtype=float))
    if speeds.size > 200 or not np.all(np.isfinite(speeds) & (speeds > 0.0)):
        raise InputError(f"speeds_km_s must be at most 200 finite speeds > 0, got {speeds.size} values")
    if variant not in study.built:
        raise InputError(f"variant must be one of {', '.join(study.variants)}, got {variant!r}")
    built = study.built[variant]
    arch = built.architecture
    by_name = {s.name: s for s in arch.sites}
    the_site = by_name[site] if site is not None else arch.sites[0]
    want = None if routes is None else {tuple(r) for r in routes}
    idx = [
        i
        for i, c in enumerate(built.threats)
        if (want is None or (c.launch.name, c.target.name) in want)
        and study.trajectories[variant][i].status == "ok"
    ]
    trajs = [study.trajectories[variant][i] for i in idx]
    rcs = [built.threats[i].rcs_m2 for i in idx]
    win = np.full((len(idx), speeds.size), np.nan)
    dec = np.full((len(idx), speeds.size), np.nan)
    for k, v in enumerate(speeds):
        it = dataclasses.replace(the_site.interceptor, burnout_speed_km_s=float(v))
        res = (
            engage_many(trajs, dataclasses.replace(the_site, interceptor=it), arch, rcs_m2=rcs)
            if trajs
            else []
        )
        for j, r in enumerate(res):
            if r.engageable:
                win[j, k] = r.window_s
                dec[j, k] = r.time_to_decide_s
    return {
        (built.threats[i].launch.name, built.threats[i].target.name): (win[j], dec[j])
        for j, i in enumerate(idx)
    }


def map_extent(lats, lons, margin: float = 4.0) -> tuple[float, float, float, float]:
    """(lon_min, lon_max, lat_min, lat_max) around the points, safe across the antimeridian and the poles.

    Longitudes are unwrapped around their circular mean, so points on both sides of 180° give one narrow
    box (lon_min in [-180, 180), lon_max up to 360); latitudes are kept within ±89°; a box wider than
    300° becomes the whole world. Margins in degrees.

    >>> map_extent([50.0, 60.0], [175.0, -175.0], margin=1.0)
    (174.0, 186.0, 49.0, 61.0)
    """
    lon = np.radians(np.asarray(lons, dtype=float))
    c = math.degrees(math.atan2(np.sin(lon).mean(), np.cos(lon).mean()))
    rel = (np.degrees(lon) - c + 180.0) % 360.0 - 180.0
    lo, hi = c + rel.min() - margin, c + rel.max() + margin
    if hi - lo >= 300.0:
        lo, hi = -180.0, 180.0
    while lo < -180.0:
        lo, hi = lo + 360.0, hi + 360.0
    while lo >= 180.0:
        lo, hi = lo - 360.0, hi - 360.0
    lat_lo = max(float(min(lats)) - margin, -89.0)
    lat_hi = min(float(max(lats)) + margin, 89.0)
    return float(lo), float(hi), lat_lo, lat_hi


@dataclass(frozen=True)
class StudyFootprints:
    """The footprints a report draws, computed from a study (see `study_footprints`).

    Attributes
    ----------
    variant : str
        The variant of the defended-area footprint.
    defended_case : ThreatCase
        The threat case whose launch point and missile the defended-area footprint uses (the first).
    defended : Footprint
        `shieldcheck.footprint.defended_area` over ``defended_extent``.
    defended_extent : tuple of float
        ``(lon_min, lon_max, lat_min, lat_max)`` in degrees: the grid's bounds, which views use as the map's.
    launch_case : ThreatCase
        The threat case whose target and missile the launch-area footprints use (the last).
    launch_areas : dict
        Variant name -> `shieldcheck.footprint.launch_area_footprint` over ``launch_extent``.
    launch_extent : tuple of float
        As ``defended_extent``, for the launch-area grid.
    """

    variant: str
    defended_case: object
    defended: object
    defended_extent: tuple
    launch_case: object
    launch_areas: dict
    launch_extent: tuple


def check_footprint_resolution(resolution_deg) -> None:
    """Refuse a footprint grid step `study_footprints` would refuse, before any work (the report checks it
    first: it refused a 0 only after computing the study).

    Raises
    ------
    InputError
        ``resolution_deg`` is not a finite number within the grid's bounds (`shieldcheck.footprint.grid`).

    >>> check_footprint_resolution(0)
    Traceback (most recent call last):
    ...
    shieldcheck.errors.InputError: grid resolution_deg must be within [0.001, 30], got 0
    """
    from shieldcheck.footprint import grid

    grid(-1.0, 1.0, 0.0, 1.0, resolution_deg)


def study_footprints(
    study: Study,
    *,
    variant: str = BASE,
    launch_variants=None,
    resolution_deg: float = 0.5,
    margin_deg: float = 5.0,
) -> StudyFootprints:
    """The defended-area and launch-area footprints of a study's variant, on grids that cover their maps.

    The defended area is for threats from the first threat case's launch point (its missile), over the box
    around that group's targets and the launch point (``margin_deg`` around them); the launch areas are for
    threats aimed at the last case's target, over the box around every launch point (twice the margin,
    cells ``max(2 * resolution_deg, 1)`` degrees), one per variant of ``launch_variants`` (default
    ``[variant]``). Views draw these grids' bounds as the maps' extents and mark any part of a drawn map
    outside them as not computed.

    Parameters
    ----------
    study : Study
    variant : str
        One of ``study.variants``.
    launch_variants : sequence of str, optional
        Variants for which to compute the launch-area footprint (each one of ``study.variants``).
    resolution_deg : float
        Defended-area cell size, degrees (see `shieldcheck.footprint.grid` for its bounds).
    margin_deg : float
        Margin around the places, degrees, within [0, 45].

    Returns
    -------
    StudyFootprints

    Raises
    ------
    InputError
        An unknown variant, a margin out of bounds, or a grid `shieldcheck.footprint.grid` refuses.
    """
    from shieldcheck.footprint import defended_area, grid, launch_area_footprint

    if not (isinstance(margin_deg, (int, float)) and 0.0 <= margin_deg <= 45.0):
        raise InputError(f"margin_deg must be within [0, 45], got {margin_deg!r}")
    lvs = [variant] if launch_variants is None else list(dict.fromkeys(launch_variants))
    for v in [variant, *lvs]:
        if v not in study.built:
            raise InputError(f"variant must be one of {', '.join(study.variants)}, got {v!r}")
    built = study.built[variant]
    arch = built.architecture
    first = built.threats[0]
    group0 = [c for c in built.threats if c.group == first.group]
    box = map_extent(
        [c.target.latitude_deg for c in group0] + [first.launch.latitude_deg],
        [c.target.longitude_deg for c in group0] + [first.launch.longitude_deg],
        margin=margin_deg,
    )
    g = grid(box[2], box[3], box[0], box[1], resolution_deg)
    # each footprint flies its group's own trajectories (shape and its value, boost figures, boost)
    defended = defended_area(arch, first.launch, g, **first.trajectory_kw())
    last = built.threats[-1]
    lbox = map_extent(
        [c.launch.latitude_deg for c in built.threats],
        [c.launch.longitude_deg for c in built.threats],
        margin=2.0 * margin_deg,
    )
    lg = grid(lbox[2], lbox[3], lbox[0], lbox[1], max(resolution_deg * 2.0, 1.0))
    launch_areas = {
        v: launch_area_footprint(study.built[v].architecture, last.target, lg, **last.trajectory_kw())
        for v in lvs
    }
    return StudyFootprints(variant, first, defended, box, last, launch_areas, lbox)


def below_climb_speed(study, thresholds) -> tuple[int, str]:
    """Count the any-site `thresholds` rows below sqrt(2 mu (1/R - 1/(R+h))), h the burnout altitude of
    the first window's site: the climb alone needs more, so those speeds are artefacts of the fixed burnout
    point (not to be quoted). Returns the count and the climb speed(s) involved, for the note."""
    low, speeds = 0, set()
    for t in thresholds:
        if t.site != "" or t.threshold_status != "found":
            continue
        climb = climb_speed_km_s(study, t.variant, t.first_window_site)
        if climb is not None and t.threshold_speed_km_s < climb:
            low += 1
            speeds.add(f"{climb:.2f}")
    return low, "/".join(sorted(speeds))


def climb_speed_km_s(study, variant: str, site_name: str) -> float | None:
    """The speed it takes just to climb to the fixed burnout altitude h of the interceptor at `site_name`.

    sqrt(2 mu (1/R - 1/(R+h))) on the sphere (energy conservation, vertical climb from rest): a least speed
    below it is an artefact of the fixed burnout point, not a speed to quote (README, Limits). None when
    the variant has no such site (e.g. no window at all).

    >>> s = build_study("european-third-site-2007", thresholds=False)
    >>> round(climb_speed_km_s(s, "base", "redzikowo"), 2)
    1.95
    """
    from shieldcheck.earth import SPHERE_RADIUS_KM

    built = study.built.get(variant)
    sites = built.architecture.sites if built else ()
    site = next((s for s in sites if s.name == site_name), None)
    if site is None:
        return None
    h = site.interceptor.burnout_altitude_km
    return math.sqrt(2 * MU_KM3_S2 * (1 / SPHERE_RADIUS_KM - 1 / (SPHERE_RADIUS_KM + h)))


def climb_artefact_note(study, thresholds) -> str:
    """The sentence that flags `thresholds` rows below the climb to the fixed burnout altitude (see
    `below_climb_speed`), or "" when there are none; the threshold table and the comparison (console and page)
    print it."""
    low, climb = below_climb_speed(study, thresholds)
    if not low:
        return ""
    return (
        f"{low} route(s) need less than the {climb} km/s it takes just to climb to the interceptor's fixed "
        "burnout altitude: an artefact of that assumption, not a speed to quote"
    )


# ------------------------------------------------------------------------------ what the views must say
BOOST_WORDS = {
    "kinematic": "kinematic (a fixed burnout point from the class's figures)",
    "staged": "staged (the class's stages integrated, thrust cut to land on the target)",
    "not flown": "nothing flown (no route has a trajectory: each is no_solution or invalid)",
}
"""How a view names each threat boost a study flies (`boosts_flown`, `boost_note`); ``"not flown"`` is a
group none of whose routes has a trajectory."""

NOT_FLOWN = ("no_solution", "invalid")
"""Trajectory statuses with no flight behind them: the boost they name was asked for, not flown."""


def boosts_flown(study, variants=None) -> dict:
    """Which threat boost each threat group flew, from the study's trajectories (``Trajectory.boost``).

    Returns ``{"kinematic": [...], "staged": [...], "not flown": [...]}`` (only the kinds present, in that
    order), each a list of group names, a group written ``group (variant a, variant b)`` when it flew that
    boost only in some of the study's variants. A trajectory with status ``no_solution`` or ``invalid``
    (`NOT_FLOWN`) flew nothing: its ``boost`` is the one asked for, so it does not count; a group none of
    whose routes flew in a variant is ``"not flown"`` there. ``variants`` (default: all the study's) limits
    what is read.

    >>> s = build_study("european-third-site-2007", thresholds=False)
    >>> boosts_flown(s)
    {'kinematic': ['iran-europe', 'iran-us-east-coast', 'russia-us']}
    """
    seen: dict = {}  # (kind, group) -> variants
    groups: dict = {}  # group -> variants it appears in
    idle: dict = {}  # group -> variants where a route flew nothing
    for v in study.variants if variants is None else variants:
        for case, t in zip(study.built[v].threats, study.trajectories[v], strict=True):
            groups.setdefault(case.group, set()).add(v)
            if t.status in NOT_FLOWN:
                idle.setdefault(case.group, set()).add(v)
            else:
                seen.setdefault((t.boost, case.group), []).append(v)
    for g, vs in idle.items():
        flew = {v for (_, gg), fv in seen.items() if gg == g for v in fv}
        for v in sorted(vs - flew):
            seen.setdefault(("not flown", g), []).append(v)
    out: dict = {}
    for kind in (*BOOST_WORDS, *sorted({k for k, _ in seen} - set(BOOST_WORDS))):
        names = []
        for (k, g), vs in seen.items():
            if k != kind:
                continue
            only = sorted(set(vs)) if set(vs) != groups[g] else []
            names.append(g + (f" ({', '.join(only)})" if only else ""))
        if names:
            out[kind] = names
    return out


def boost_note(study, variants=None) -> str:
    """The sentence every view prints about how the study's threats were flown (see `boosts_flown`).

    Says kinematic, staged or both, naming the groups when both were flown (and the groups of which nothing
    was flown), and the boost-phase records' staged boosts when there are any.

    >>> print(boost_note(build_study("european-third-site-2007", thresholds=False)))
    threat boost: kinematic (a fixed burnout point from the class's figures)
    """
    flown = boosts_flown(study, variants)
    if len(flown) == 1:
        (kind,) = flown
        parts = [f"threat boost: {BOOST_WORDS.get(kind, kind)}"]
    else:
        parts = ["threat boost: " + "; ".join(f"{BOOST_WORDS.get(k, k)} for {', '.join(gs)}"
                                              for k, gs in flown.items())]
    if any(variants is None or r.variant in variants for r in study.boost_phase):
        parts.append("boost-phase intercept: the booster catalog's stages integrated toward each target")
    parts += _staged_interceptor_notes(study, variants)
    return "; ".join(parts)


def _is_estimate(source: str) -> bool:
    """Whether a source string marks an engineering estimate (``estimate: ...``), not a public document."""
    return source.strip().lower().startswith("estimate")


def stage_data_basis(study, variant: str, interceptor: str) -> str:
    """What an interceptor type flown on its stages rests on, read from the stage numbers' own sources.

    ``"estimated stage data"`` when every stage number of the type (the catalog booster's or the
    scenario's ``booster:`` block, under ``interceptor_types.NAME.booster.``) is an ``estimate:``,
    ``"partly estimated stage data"`` when some are, and
    ``"stage data from public sources"`` when none is (the sources are read, never the type's name).

    >>> s = build_study("european-third-site-2007", variants=["base"], thresholds=False,
    ...                 sets=["interceptor_types.gbi-2stage.staged=true"])
    >>> stage_data_basis(s, "base", "gbi-2stage")
    'estimated stage data'
    """
    prefix = f"interceptor_types.{interceptor}.booster."
    sources = [a.source for a in study.built[variant].assumptions if a.path.startswith(prefix)]
    estimated = sum(_is_estimate(x) for x in sources)
    if sources and estimated == len(sources):
        return "estimated stage data"
    if estimated:
        return "partly estimated stage data"
    return "stage data from public sources"


def _basis_text(study, variant: str, interceptor: str) -> str:
    """`stage_data_basis`, with ``(not a published figure)`` after estimated data."""
    basis = stage_data_basis(study, variant, interceptor)
    return basis + (" (not a published figure)" if "estimated" in basis else "")


def _number(value, unit: str = "") -> str:
    """A number for a sentence: as the scenario gives it (up to 6 significant digits), with its unit."""
    from shieldcheck._format import fmt_number

    text = fmt_number(value, 6, significant=True) if isinstance(value, (int, float)) else str(value)
    return text + (f" {unit}" if unit else "")


def _and(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _staged_interceptor_notes(study, variants=None) -> list[str]:
    """One plain phrase per interceptor type flown on its stages (`InterceptorRecord`, model ``integrated
    from its stages``): its integrated numbers with units, what the stage data rest on
    (`stage_data_basis`), the ideal delta-v and losses, the fixed numbers it replaces and who set them,
    and the kernel's approximation; variants that share the same integrated numbers are merged."""
    from shieldcheck._format import fmt_number

    seen: dict = {}  # text -> ([variants], {replacement phrase: None})
    for r in getattr(study, "interceptors", ()):
        if r.model != INTERCEPTOR_MODELS[0] or (variants is not None and r.variant not in variants):
            continue
        src = r.stages_from
        src = (f"catalog booster {src.removeprefix('catalog ')}" if src.startswith("catalog ")
               else "the scenario's booster: block")
        text = (
            f"interceptor {r.interceptor}: {fmt_number(r.burnout_speed_km_s, 2)} km/s burnout speed "
            f"integrated from {_basis_text(study, r.variant, r.interceptor)} of {src}, after a "
            f"{fmt_number(r.burn_time_s, 0)} s burn to {fmt_number(r.burnout_altitude_km, 0)} km altitude, "
            f"an ideal delta-v of {fmt_number(r.ideal_delta_v_km_s, 2)} km/s less "
            f"{fmt_number(r.gravity_loss_km_s, 2)} km/s gravity loss and {fmt_number(r.drag_loss_km_s, 2)} "
            "km/s drag loss"
        )
        vs, by = seen.setdefault(text, ([], {}))  # by: who set them -> {value text: None}, in order
        vs.append(r.variant)
        for f, unit in (("burnout_speed_km_s", "km/s"), ("burn_time_s", "s"), ("burnout_altitude_km", "km")):
            value, who = r.replaced.get(f, (None, None))
            if value is not None:
                by.setdefault(who, {})[_number(value, unit)] = None
    every = list(study.variants if variants is None else variants)
    out = []
    for text, (vs, by) in seen.items():
        repl = [f"{_and(list(values))} from {who}" for who, values in by.items()]
        text += f", replacing {_and(repl)}" if repl else ""
        text += ", with its burnout point kept above the site"
        out.append(text if vs == every else f"{text} (in {', '.join(vs)})")
    return out


def _built_value(built, path: str):
    """The value at a dotted scenario path in a built architecture (``radars.NAME.fire_control``), or None
    where the path names nothing there or nothing plain (a switch or a number, not a section)."""
    node = built.architecture
    for part in path.split("."):
        if isinstance(node, (list, tuple)):
            node = next((x for x in node if getattr(x, "name", None) == part), None)
        else:
            node = getattr(node, part, None)
        if node is None:
            return None
    return node if isinstance(node, (bool, int, float, str)) else None


def _written(value):
    """A ``set:`` entry's value as written: the number of ``{value: ..., source: ...}``, else itself."""
    return value.get("value") if isinstance(value, dict) and "value" in value else value


def variant_changes(study, variant: str, sets=None) -> list:
    """What a variant changes against the base scenario, from the study's built scenarios.

    Parameters
    ----------
    study : Study
    variant : str
        One of ``study.variants``.
    sets : mapping, optional
        The variant's ``set:`` entries (path -> value as written); an entry that moves no number of the
        assumption list (a switch, a name) is listed too, with the base's value where the built
        architecture has it (``radars.NAME.fire_control``).

    Returns
    -------
    list of dict
        One per change: ``path``; ``base`` (the base scenario's value, None when the study has no base or
        the base has no such value); ``value`` (what was flown); ``unit``; ``origin`` (the flown value's
        assumption origin: ``variant NAME``, ``integrated``, ``--set``, ...; ``""`` for a value outside the
        assumption list); ``same`` (True when the flown value equals the base's: the entry changes
        nothing); ``written`` (the variant's own value when something else replaced it, else None) and
        ``replaced_by`` (what replaced it, e.g. ``the 8.55 km/s integrated from estimated stage data (not a
        published figure)``, else ``""``). Every number of the variant's assumption list that differs from
        the base's comes first, then the variant's numbers replaced by an integration, then the ``sets``
        entries not among them.

    Raises
    ------
    InputError
        ``variant`` is not one of the study's.

    >>> s = build_study("european-third-site-2007", variants=["base", "speed-postol-9"], thresholds=False)
    >>> [(c["path"], c["base"], c["value"], c["same"]) for c in variant_changes(s, "speed-postol-9")]
    [('interceptor_types.gbi-2stage.burnout_speed_km_s', 6.3, 9.0, False)]
    """
    from shieldcheck._format import fmt_number

    if variant not in study.built:
        raise InputError(f"variant must be one of {', '.join(study.variants)}, got {variant!r}")
    base = study.built.get(BASE)
    before = {a.path: a.value for a in base.assumptions} if base is not None and variant != BASE else {}
    mine = {a.path: a for a in study.built[variant].assumptions}

    def entry(path, old, value, unit, origin, written=None, replaced_by=""):
        same = old is not None and (old == value or (old != old and value != value))
        return {"path": path, "base": old, "value": value, "unit": unit, "origin": origin, "same": same,
                "written": written, "replaced_by": replaced_by}

    out = []
    for a in study.built[variant].assumptions if variant != BASE else ():
        c = entry(a.path, before.get(a.path), a.value, a.unit, a.origin)
        if not c["same"] and (base is not None or a.origin.startswith("variant")):
            out.append(c)
    done = {c["path"]: c for c in out}
    for r in getattr(study, "interceptors", ()) if variant != BASE else ():
        if r.variant != variant or r.model != INTERCEPTOR_MODELS[0]:
            continue
        for f, (value, who) in r.replaced.items():
            if who != f"variant {variant}":
                continue
            path = f"interceptor_types.{r.interceptor}.{f}"
            a = mine[path]
            by = (f"the {fmt_number(a.value, 2)} {a.unit} integrated from "
                  f"{_basis_text(study, variant, r.interceptor)}")
            c = done.get(path)
            if c is None:
                c = done[path] = entry(path, before.get(path), a.value, a.unit, a.origin)
                out.append(c)
            c.update(written=value, replaced_by=by)
    for path, value in (sets or {}).items():
        if path in done:
            continue
        a = mine.get(path)  # a number set to the base's own value is still what the variant says
        if a is not None:
            old = before.get(path)
            written = _written(value) if a.origin == "--set" else None
            out.append(entry(path, old, a.value, a.unit, a.origin, written,
                             "--set" if written is not None else ""))
        else:
            old = _built_value(base, path) if base is not None and variant != BASE else None
            out.append(entry(path, old, _written(value), "", ""))
    return out


def _field_words(path: str) -> str:
    """``interceptor_types.gbi-2stage.burnout_speed_km_s`` -> ``gbi-2stage's burnout speed``; a path of
    another shape is returned as it is."""
    from shieldcheck.scenario import _UNITS

    parts = path.split(".")
    if len(parts) != 3:
        return path
    name = parts[2]
    for suffix, _unit_text in _UNITS:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return f"{parts[1]}'s {name.replace('_', ' ')}"


def _plain(value, unit: str = "") -> str:
    """A value for a sentence: a switch as yes/no, a number with its unit (`_number`)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return _number(value, unit)


def headline_basis(study, variant: str, sets=None) -> str:
    """What a variant's numbers rest on when they are not the base scenario's own, as a phrase for the
    report's headline: ``with ...`` or ``""``.

    Names every change of the variant that changes something (`variant_changes`: value, base value, and
    what replaced the variant's own value), every ``--set`` override of the study, and every interceptor type
    flown on its stages (its integrated burnout speed and `stage_data_basis`), so that the sentence cannot
    be quoted without the assumption that produced it.

    Parameters
    ----------
    study : Study
    variant : str
        One of ``study.variants``.
    sets : mapping, optional
        The variant's ``set:`` entries, as for `variant_changes`.

    Returns
    -------
    str

    Raises
    ------
    InputError
        ``variant`` is not one of the study's.

    >>> s = build_study("european-third-site-2007", variants=["base", "speed-postol-9"], thresholds=False)
    >>> headline_basis(s, "speed-postol-9")
    "with gbi-2stage's burnout speed set to 9 km/s (base 6.3 km/s)"
    >>> headline_basis(s, "base")
    ''
    """
    from shieldcheck._format import fmt_number

    phrases = []
    integrated = set()
    for c in variant_changes(study, variant, sets) if variant != BASE else ():
        what = _field_words(c["path"])
        if c["replaced_by"]:
            phrases.append(f"{what} of {_plain(c['written'], c['unit'])} replaced by {c['replaced_by']}")
            integrated.add(c["path"].split(".")[1])
        elif not c["same"]:
            was = f" (base {_plain(c['base'], c['unit'])})" if c["base"] is not None else ""
            phrases.append(f"{what} set to {_plain(c['value'], c['unit'])}{was}")
    phrases += [f"--set {x}" for x in study.sets]
    for r in getattr(study, "interceptors", ()):
        if r.variant != variant or r.model != INTERCEPTOR_MODELS[0] or r.interceptor in integrated:
            continue
        speed = fmt_number(r.burnout_speed_km_s, 2)
        phrases.append(f"{r.interceptor}'s burnout speed taken as the {speed} km/s integrated from "
                       f"{_basis_text(study, variant, r.interceptor)}")
    return "with " + _and(phrases) if phrases else ""
