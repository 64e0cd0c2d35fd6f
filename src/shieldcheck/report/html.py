"""The scenario report: one self-contained HTML file (figures embedded), readable with no network.

Sections: the question; the architecture; every assumption with its source; the engagement table;
footprints on maps; sensitivity to the interceptor's speed; the variants side by side; the model's limits.
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from shieldcheck import __version__
from shieldcheck._format import fmt_number
from shieldcheck.engagement import interceptor_path
from shieldcheck.footprint import REASON_CODES
from shieldcheck.interceptors import reach_fan
from shieldcheck.scenario import load_scenario
from shieldcheck.study import (
    BASE,
    below_climb_speed,
    build_study,
    climb_artefact_note,
    speed_sensitivity,
    study_footprints,
)
from shieldcheck.study import map_extent as _bbox
from shieldcheck.threats import sample_trajectory

__all__ = ["ReportResult", "build_report", "LIMITS"]

LIMITS = [
    "Kinematics only: the coast under central gravity (no J2), no atmosphere during the coast. No homing, "
    "guidance, divert, discrimination, countermeasures, warhead or accuracy modelling.",
    "An interceptor can reach a point if the Lambert arc from its burnout point (above its site) needs no "
    "more than its burnout speed; the burnout speed is treated as available in any direction.",
    "Radars see along straight lines above an elevation mask, out to a range scaled as σ^¼; no clutter, "
    "no resource limits, no raid saturation. Early-warning satellites only cue the radars.",
    "Many parameters are public estimates or marked engineering estimates (see the assumptions table); the "
    "contested ones are carried as variants. Every number here is a model estimate, not a measurement.",
]

BOOST_LIMITS = {
    "kinematic": "A kinematic boost is reduced to its end state (a fixed burnout point from the class's "
    "figures), drawn with an illustrative profile.",
    "staged": "A staged boost is a 3-DOF point mass (thrust, drag, J2) flown stage by stage with a "
    "gravity-turn pitch program and the thrust cut to land on the target; the stage data are mostly "
    "estimates.",
}
"""The limit each threat boost flown adds to `LIMITS` (`model_limits`)."""


def model_limits(study) -> list[str]:
    """The model's limits for a study: how its threats were flown (`shieldcheck.study.boost_note`, from the
    study's trajectories), the limit of each boost flown, then `LIMITS`."""
    from shieldcheck.study import boost_note, boosts_flown

    note = boost_note(study)
    first = f"How the threats were flown: {note[0].upper()}{note[1:]}."
    return [first, *(BOOST_LIMITS[k] for k in boosts_flown(study) if k in BOOST_LIMITS), *LIMITS]


_CSS = """
body{font-family:Georgia,'Times New Roman',serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222;
line-height:1.45}
h1{font-size:1.7em;margin-bottom:.2em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.8em}
table{border-collapse:collapse;font-family:Helvetica,Arial,sans-serif;font-size:.8em;margin:.6em 0}
th,td{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}th{background:#f3f3f3}
td.num{text-align:right;font-variant-numeric:tabular-nums}.yes{color:#1b5e20;font-weight:bold}
.no{color:#b71c1c}.note{color:#555;font-size:.9em}.answer{background:#f6f8fa;border-left:4px solid #1f5fa8;
padding:.6em 1em}figure{margin:1em 0}figcaption{font-size:.85em;color:#444}img{max-width:100%}
.estimate{background:#fff8e1;border:1px solid #ffe082;padding:.5em 1em}
"""


@dataclass(frozen=True)
class ReportResult:
    """Where the report went and what it says in a few lines."""

    path: Path
    key_answers: tuple[str, ...]
    """The headline first (`headline`), then one line per threat group on the least interceptor speed,
    then the boost-phase lines: all of the reported variant (the base scenario unless one was asked)."""
    seconds: float
    model_note: str = ""
    """How the threats were flown (`shieldcheck.study.boost_note`), for the console's key answers."""
    variant_changes: tuple = ()
    """How each other variant changes the answer: dicts with ``variant``, ``changes`` (what it sets, as
    text) and ``groups`` (threat group name -> ``(defended, reachable)``), the reported variant first."""

    @property
    def headline(self) -> str:
        """The one sentence to quote: routes defended per threat group, with the estimate caveat."""
        return self.key_answers[0]


def _img(png: bytes, alt: str) -> str:
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{base64.b64encode(png).decode()}">'


def _fmt(v, digits=0) -> str:
    if isinstance(v, float):
        return fmt_number(v, digits, missing="–")
    return "–" if v is None else html.escape(str(v))


def _plain_value(value, unit: str = "", origin: str = "") -> str:
    """A value for a cell or a sentence, unescaped (`fmt_number`): a switch as yes/no, an integrated number
    to 2 decimals, any other number as the scenario gives it (at most 6 significant digits), with its unit;
    ``–`` for a value the base does not have."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        text = fmt_number(value, 2) if origin == "integrated" else fmt_number(value, 6, significant=True)
    else:
        text = str(value)
    return text + (f" {unit}" if unit else "")


def _value_text(value, unit: str, origin: str = "") -> str:
    """`_plain_value`, escaped for HTML."""
    return html.escape(_plain_value(value, unit, origin))


def _change_cell(c: dict) -> str:
    """One `shieldcheck.study.variant_changes` entry for the variants table: ``path: base → value``, the
    variant's own value when something replaced it, and ``unchanged (same as base)`` when it moves nothing."""
    head = f"<code>{html.escape(c['path'])}</code>: "
    if c["replaced_by"]:
        flown = html.escape(c["replaced_by"])
        return (head + f"the variant's {_value_text(c['written'], c['unit'])} <b>replaced by {flown}</b>"
                + (" — unchanged (same as base)" if c["same"] else
                   f" (base {_value_text(c['base'], c['unit'], c['origin'])})"))
    if c["same"]:
        return head + f"{_value_text(c['value'], c['unit'], c['origin'])}: unchanged (same as base)"
    return (head + f"{_value_text(c['base'], c['unit'], c['origin'])} → "
            f"<b>{_value_text(c['value'], c['unit'], c['origin'])}</b>")


def _variants_table(model, names, entries: dict) -> str:
    """What each variant is (its description and source, from the scenario, marked as overridden where
    something replaced its own value) and what it sets against the base scenario (``entries``: variant ->
    its `shieldcheck.study.variant_changes`, `_variant_entries`): every entry is listed, the ones that move
    nothing marked ``unchanged (same as base)``."""
    body = []
    for v in names:
        if v == BASE:
            continue
        spec = model.variants[v]
        changes = entries[v]
        what = "<br>".join(_change_cell(c) for c in changes)
        replaced = [c for c in changes if c["replaced_by"]]
        over = (
            " <b>Overridden in this study:</b> "
            + "; ".join(
                html.escape(f"{c['path']} {_plain_value(c['written'], c['unit'])} "
                            f"replaced by {c['replaced_by']}")
                for c in replaced
            )
            + "."
            if replaced else ""
        )
        body.append(
            [
                html.escape(v),
                html.escape(spec.description or "")
                + (f" ({html.escape(spec.source)})" if spec.source else "")
                + over,
                what or "–",
            ]
        )
    if not body:
        return ""
    return (
        "<p>What each variant changes against the base scenario (base value → the variant's; an entry "
        "that moves nothing is kept and marked <i>unchanged (same as base)</i>, and a variant value that "
        "something else replaced in this study says what replaced it):</p>"
        + _table(["variant", "description (source)", "values it sets"], body)
    )


def _table(header: list[str], rows: list[list[str]], num_cols=()) -> str:
    out = ["<table><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header) + "</tr>"]
    for r in rows:
        out.append(
            "<tr>"
            + "".join(
                f'<td class="num">{c}</td>' if i in num_cols else f"<td>{c}</td>" for i, c in enumerate(r)
            )
            + "</tr>"
        )
    out.append("</table>")
    return "\n".join(out)


def _speed(built) -> float:
    return max(s.interceptor.burnout_speed_km_s for s in built.architecture.sites)


def _headline(study, base: str, labels: dict, basis: str = "") -> str:
    """One sentence a reader can quote: routes defended of those the threat can reach, per threat group, in
    the reported variant, with what its numbers rest on when they are not the scenario's own (``basis``,
    `shieldcheck.study.headline_basis`) and the estimate caveat (the routes the threat cannot reach counted
    apart)."""
    parts = []
    for g, label in labels.items():
        b = next(x for x in study.groups if x.threat == g and x.variant == base)
        text = f"{label}: {b.routes_defended} of {b.routes_reachable} routes defended"
        if b.routes_reachable < b.routes:
            text += f" ({b.routes - b.routes_reachable} more the threat cannot reach)"
        parts.append(text)
    which = "the base scenario" if base == BASE else f"variant {base}"
    which += f" {basis}" if basis else ""
    return (f"In {which}, by this model's estimate from public figures (not a measurement): "
            + "; ".join(parts) + ".")


def _key_answers(study, base: str, labels: dict, basis: str = "") -> list[str]:
    """The headline (`_headline`, with ``basis``), then one line per threat group on the threshold speeds
    of the reported variant (groups without any are left out)."""
    out = [_headline(study, base, labels, basis)]
    for g, label in labels.items():
        ths = [t for t in study.thresholds if t.variant == base and t.threat == g and t.site == ""]
        found = [t.threshold_speed_km_s for t in ths if t.threshold_status == "found"]
        none = sum(t.threshold_status == "none_below_escape" for t in ths)
        text = ""
        if found:
            lo, hi = min(found), max(found)
            span = f"{lo:.2f} km/s" if round(lo, 2) == round(hi, 2) else f"{lo:.2f}–{hi:.2f} km/s"
            text = f"{label}: least interceptor speed that engages each route ({base}): {span}"
        if none:
            text = (text + "," if text else f"{label}:") + f" none up to escape speed for {none} route" + (
                "s" if none > 1 else "")
        low, climb = below_climb_speed(study, ths)
        if low:
            text += (
                f" ({low} below the {climb} km/s needed just to climb to the interceptor's fixed burnout "
                "altitude: an artefact of that assumption, not a speed to quote)"
            )
        if text:
            out.append(text + ".")
    return out


def _change_text(c: dict) -> str:
    """One `shieldcheck.study.variant_changes` entry as plain text: ``path: base → value unit``."""
    def shown(v, origin=c["origin"]):
        if isinstance(v, (list, tuple)) and all(isinstance(x, dict) and "name" in x for x in v):
            return ", ".join(str(x["name"]) for x in v) or "none"  # a list of sites or radars: their names
        if isinstance(v, (list, tuple, dict)):
            return "a new value (in the variants table below)"
        return _plain_value(v, c["unit"], origin)

    if c["replaced_by"]:
        return (f"{c['path']}: the variant's {shown(c['written'], '')} replaced by {c['replaced_by']}"
                + (", unchanged (same as base)" if c["same"] else ""))
    if c["same"]:
        return f"{c['path']}: {shown(c['value'])}, unchanged (same as base)"
    return f"{c['path']}: {shown(c['base'])} → {shown(c['value'])}"


def _variant_entries(study, model) -> dict:
    """Variant -> what it sets against the base scenario (`shieldcheck.study.variant_changes`; none for the
    base), computed once for the headline's table and the variants table."""
    from shieldcheck.study import variant_changes

    return {v: variant_changes(study, v, model.variants[v].set) if v in model.variants else []
            for v in study.variants}


def _variant_changes(study, base: str, labels: dict, entries: dict) -> list[dict]:
    """How each variant changes the answer: the reported variant first, then every other one, each with
    what it sets (``entries``, `_variant_entries`) and its routes defended / reachable per group."""
    out = []
    for v in [base, *(x for x in study.variants if x != base)]:
        changes = entries[v]
        groups = {}
        for g in labels:
            x = next(y for y in study.groups if y.threat == g and y.variant == v)
            groups[g] = (x.routes_defended, x.routes_reachable)
        out.append({"variant": v, "changes": "; ".join(_change_text(c) for c in changes), "groups": groups})
    return out


def _variant_changes_table(rows: list[dict]) -> str:
    """The compact table under the headline: one row per variant, a cell per threat group, the cells that
    differ from the reported variant's in bold."""
    if len(rows) < 2:
        return ""
    first = rows[0]["groups"]
    body = []
    for i, r in enumerate(rows):
        cells = []
        for label, (d, n) in r["groups"].items():
            text = f"{d}/{n}"
            cells.append(f"<b>{text}</b>" if i and (d, n) != first[label] else text)
        what = html.escape(r["changes"]) if i else "(the answer above)"
        body.append([html.escape(r["variant"]), what, *cells])
    n = len(first)
    return (
        "<p>How the variants change it (routes defended / routes the threat can reach; in bold where a "
        "variant's answer differs):</p>"
        + _table(["variant", "what it changes", *first], body, num_cols=tuple(range(2, 2 + n)))
    )


def _shown(built, name: str) -> str:
    """A site or radar for a table cell, escaped: ``Incirlik Air Base (gbi-site)``."""
    label = built.display_name(name)
    return html.escape(name if label == name else f"{label} ({name})")


def _places(maps, ax, items, kind: str, shown=None) -> None:
    """Mark objects with ``name``, ``latitude_deg`` and ``longitude_deg`` on a map, labelled with
    ``shown(name)`` (e.g. `BuiltScenario.display_name`: the place, not the scenario's key)."""
    items = list(items)
    maps.plot_places(
        ax,
        [shown(p.name) if shown else p.name for p in items],
        [p.latitude_deg for p in items],
        [p.longitude_deg for p in items],
        kind=kind,
    )


def _boost_phase_section(study, base: str) -> tuple[list[str], str]:
    """The key-answer lines and the HTML section of the study's boost-phase records and basing zones
    (empty when the scenario has no ``boost_phase:`` block): a view, nothing recomputed."""
    recs = [r for r in study.boost_phase if r.variant == base]
    if not recs:
        return [], ""
    from shieldcheck.report import maps
    from shieldcheck.report.boostphase_map import basing_zone_figure

    built = study.built[base]
    answers = []
    for b in built.boost_phase.bases:
        rs = [r for r in recs if r.base == b.name]
        ok = sum(r.status == "engageable" for r in rs)
        answers.append(
            f"Boost phase ({base}, estimate): from {built.display_name(b.name)} ({b.platform}), a "
            f"{b.burnout_speed_km_s:.1f} km/s interceptor fired {b.delay_s + b.launch_delay_s:.0f} s after "
            f"launch can reach the missile before burnout on {ok} of {len(rs)} routes."
        )
    from shieldcheck.study import status_caption
    rows = [
        [
            _shown(built, r.base),
            html.escape(r.platform),
            html.escape(f"{r.launch} → {r.target}"),
            (
                "<span class='yes'>yes</span>"
                if r.status == "engageable"
                else f"<span class='no'>{html.escape(status_caption(r.status))}</span>"
            ),
            _fmt(r.distance_km),
            _fmt(r.time_available_s),
            _fmt(r.interceptor_speed_km_s, 2),
            _fmt(r.required_speed_km_s, 2),
            _fmt(r.first_intercept_s),
            _fmt(r.intercept_altitude_km),
            html.escape(r.reason),
        ]
        for r in recs
    ]
    parts = ["<h2 id='boost-phase'>Boost-phase intercept</h2>"]
    parts.append(
        "<p>Could an interceptor reach the missile while its rocket still burns? For each boost-phase base "
        "of the scenario and each route, the missile's staged boost toward the target "
        f"({html.escape(', '.join(sorted({r.booster for r in recs})))}) against an interceptor fired "
        "after detection and decision that flies straight out at its burnout speed after its burn. "
        "<b>Model estimates</b>: kinematics only, no homing, divert, kill assessment or altitude band; the "
        "bases and interceptors are the scenario's, with their sources in the assumptions table.</p>"
    )
    parts.append(
        _table(
            [
                "base",
                "platform",
                "route",
                "engageable",
                "from launch km",
                "time available s",
                "has km/s",
                "least km/s",
                "first intercept s",
                "missile alt km",
                "why",
            ],
            rows,
            num_cols=(4, 5, 6, 7, 8, 9),
        )
    )
    parts.append(
        "<p class='note'>Time available: from the interceptor's launch to the missile's burnout. Least "
        "speed: the smallest interceptor burnout speed that meets the missile before burnout from that "
        "base. First intercept: the earliest time (after the threat's launch) the interceptor can meet "
        "the missile, and the missile's altitude then.</p>"
    )
    bases = [(built.display_name(b.name), b.latitude_deg, b.longitude_deg) for b in built.boost_phase.bases]
    for z in study.basing_zones:
        if z.variant != base:
            continue
        fig = basing_zone_figure(
            z.zone,
            title=f"Boost-phase basing zone: {z.threat} ({built.display_name(z.base)}'s interceptor)",
            tracks=z.tracks,
            launches=z.launches,
            bases=bases,
            label=f"engages every {z.threat} route before burnout",
        )
        img = _img(maps.fig_to_png_bytes(fig), z.caption)
        parts.append(f"<figure>{img}<figcaption>{html.escape(z.caption)}</figcaption></figure>")
    return answers, "\n".join(parts)


def build_report(
    scenario: str,
    out_dir="out",
    *,
    variant: str | None = None,
    sets=(),
    progress=None,
    resolution_deg: float = 0.5,
) -> ReportResult:
    """Compute everything for a scenario and write ``<out_dir>/<scenario>.html``.

    ``progress`` (optional) is called with a short text before each step, for a terminal display.
    """
    from shieldcheck.report import maps

    t_start = time.perf_counter()
    say = progress or (lambda _msg: None)
    from shieldcheck.study import check_footprint_resolution

    check_footprint_resolution(resolution_deg)  # the footprint grid's rule, checked before any work
    model = load_scenario(scenario)
    out_dir = Path(out_dir)  # made when the page is written: a refusal on the way leaves nothing behind

    say("study: engagements and threshold speeds, base scenario and every variant")
    base = variant or BASE
    names = [base] + [v for v in [BASE, *model.variants] if v != base]
    study = build_study(model, variants=names, sets=list(sets))
    built = study.built[base]
    arch = built.architecture
    per_variant = {v: [r for r in study.rows if r.variant == v] for v in names}
    rows = per_variant[base]
    builts = study.built
    trajs = list(study.trajectories[base])
    routes = [r for r in study.routes if r.variant == base]

    # ----------------------------------------------------------------- key answers
    group_labels = {t.name: (t.label or t.name) for t in model.threats}
    from shieldcheck.study import headline_basis

    spec = model.variants.get(base)
    basis = headline_basis(study, base, spec.set if spec is not None else None)
    answers = _key_answers(study, base, group_labels, basis)
    entries = _variant_entries(study, model)
    changes = _variant_changes(study, base, group_labels, entries)
    say("boost-phase section (when the scenario has one)")
    bp_answers, bp_html = _boost_phase_section(study, base)
    answers += bp_answers

    figures: dict[str, str] = {}
    site = arch.sites[0]

    # ----------------------------------------------------------------- maps: architecture and tracks
    say("maps: architecture, radar coverage and ground tracks")
    all_lat = (
        [s.latitude_deg for s in arch.sites]
        + [r.latitude_deg for r in arch.radars]
        + [c.launch.latitude_deg for c in built.threats]
        + [c.target.latitude_deg for c in built.threats]
    )
    all_lon = (
        [s.longitude_deg for s in arch.sites]
        + [r.longitude_deg for r in arch.radars]
        + [c.launch.longitude_deg for c in built.threats]
        + [c.target.longitude_deg for c in built.threats]
    )
    extent = _bbox(all_lat, all_lon, margin=6.0)
    fig, ax = maps.base_map(
        extent,
        projection="lambert" if extent[1] - extent[0] < 120 else "robinson",
        title=f"{built.title}: architecture and threat ground tracks",
    )
    for i, r in enumerate(routes):  # routes in threat-case order
        if trajs[i].status != "ok":
            continue
        s = sample_trajectory(trajs[i], step_s=30.0)
        maps.plot_ground_track(
            ax,
            s.latitude_deg,
            s.longitude_deg,
            color="#2e7d32" if r.status == "defended" else "#c62828",
            linewidth=0.8,
            mark_ends=False,
        )
    for radar in arch.radars:
        lat_b, lon_b = maps.radar_coverage_boundary(radar, 500.0, earth=arch.earth)
        maps.plot_boundary(ax, lat_b, lon_b, fill=True, alpha=0.08, label=f"{radar.name} (target at 500 km)")
    _places(maps, ax, arch.radars, "radar", built.display_name)
    _places(maps, ax, arch.sites, "interceptor", built.display_name)
    launches = {c.launch.name: c.launch for c in built.threats}
    _places(maps, ax, launches.values(), "launch")
    targets = {c.target.name: c.target for c in built.threats}
    _places(maps, ax, targets.values(), "target")
    n_def = sum(r.status == "defended" for r in routes)
    figures["architecture"] = _img(
        maps.fig_to_png_bytes(fig),
        f"Map of {len(arch.sites)} interceptor site(s), {len(arch.radars)} radar(s) and {len(routes)} threat "
        f"ground tracks, {n_def} of them defended (green) and {len(routes) - n_def} not (red)",
    )

    # ----------------------------------------------------------------- footprints
    say(f"footprints at {resolution_deg}°: defended area and launch-area footprint")
    fastest = max(names, key=lambda v: _speed(builts[v]))
    fps = study_footprints(
        study, variant=base, launch_variants=[base, fastest], resolution_deg=resolution_deg
    )
    first, fp, box = fps.defended_case, fps.defended, fps.defended_extent
    g = fp.grid
    fig, ax = maps.base_map(
        (box[0], box[1], box[2], box[3]),
        projection="lambert",
        title=f"Defended area against {first.missile.name if first.missile else 'threats'} "
        f"from {first.launch.label if hasattr(first.launch, 'label') else first.launch.name}",
    )
    hatched = maps.plot_not_computed(ax, box)
    field = np.where(fp.values["engageable"], fp.values["window_s"], np.nan)
    if np.isfinite(field).any():
        maps.plot_field(
            ax, g.latitude_deg, g.longitude_deg, field, cmap="Greens", colorbar_label="intercept window (s)"
        )
    else:  # an empty result is a drawn map that says so
        ax.text(
            0.5,
            0.5,
            "no cell can be engaged",
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=12,
            bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "#999999"},
        )
    _places(maps, ax, arch.sites, "interceptor", built.display_name)
    _places(maps, ax, [first.launch], "launch")
    n_ok = int(np.asarray(fp.values["engageable"]).sum())
    figures["defended"] = _img(
        maps.fig_to_png_bytes(fig),
        f"defended-area footprint: cells that a threat from {first.launch.name} aimed at them can be "
        f"engaged, shaded by window length ({n_ok:,} of {g.shape[0] * g.shape[1]:,} cells)"
        + ("; hatched: outside the computed grid" if hatched else ""),
    )
    # interceptor reach fans: where the site's interceptor can be, at an altitude, some time after launch
    fan_alt = 500.0
    fan_times = (300.0, 600.0, 900.0)
    fig, ax = maps.base_map(
        _bbox([s.latitude_deg for s in arch.sites], [s.longitude_deg for s in arch.sites], margin=30.0),
        projection="lambert",
        title=f"Interceptor reach at {fan_alt:g} km altitude, from every site",
    )
    for fan_site in arch.sites:  # every site, not only the first
        for tt, color in zip(fan_times, ("#0d47a1", "#1976d2", "#64b5f6"), strict=True):
            fan = reach_fan(
                fan_site, tt, fan_alt, np.arange(0.0, 360.0, 5.0), earth=arch.earth, rotation=arch.rotation
            )
            maps.plot_boundary(
                ax,
                fan.latitude_deg,
                fan.longitude_deg,
                color=color,
                label=f"{tt:g} s after launch" if fan_site is arch.sites[0] else None,
            )
    _places(maps, ax, arch.sites, "interceptor", built.display_name)
    figures["reach"] = _img(
        maps.fig_to_png_bytes(fig),
        f"interceptor reach fans: the farthest points at {fan_alt:g} km altitude reachable 300, 600 and "
        f"900 s after launch from {', '.join(built.display_name(x.name) for x in arch.sites)}",
    )
    counts = {REASON_CODES[k]: int((fp.values["reason_code"] == k).sum()) for k in REASON_CODES}
    fp_caption = (
        f"Cells {g.resolution_deg}° apart ({g.shape[0] * g.shape[1]:,} cells): shaded where a threat "
        f"from {first.launch.name} aimed at the cell can be engaged, by window length. Cell counts: "
        + ", ".join(f"{k} {v:,}" for k, v in counts.items() if v)
        + "."
    )

    last, lbox, lfps = fps.launch_case, fps.launch_extent, fps.launch_areas
    lg = next(iter(lfps.values())).grid
    for v, lfp in lfps.items():
        sp = _speed(builts[v])
        fig, ax = maps.base_map(
            (lbox[0], lbox[1], lbox[2], lbox[3]),
            projection="lambert",
            title=f"Launch areas from which a {last.missile.name if last.missile else 'threat'} "
            f"aimed at {last.target.name} can be engaged ({sp:g} km/s)",
        )
        hatched = maps.plot_not_computed(ax, lbox)
        if np.asarray(lfp.values["engageable"]).any():
            maps.plot_mask(
                ax, lg.latitude_deg, lg.longitude_deg, lfp.values["engageable"], label="engageable"
            )
        else:
            ax.text(
                0.5,
                0.5,
                "no launch cell can be engaged",
                transform=ax.transAxes,
                ha="center",
                va="center",
                fontsize=12,
                bbox={"facecolor": "white", "alpha": 0.8, "edgecolor": "#999999"},
            )
        _places(maps, ax, launches.values(), "launch")
        _places(maps, ax, arch.sites, "interceptor", built.display_name)
        figures[f"launch_area_{v}"] = _img(
            maps.fig_to_png_bytes(fig),
            f"launch-area footprint: launch cells from which a threat aimed at {last.target.name} can be "
            f"engaged ({v}, {sp:g} km/s)" + ("; hatched: outside the computed grid" if hatched else ""),
        )

    # ----------------------------------------------------------------- profiles and timelines
    say("profiles, timelines and sensitivity curves")
    picks = []
    for gname in group_labels:
        cand = [(k, r) for k, r in enumerate(rows) if r.threat == gname]
        if cand:
            picks.append(cand[0])
    profile_imgs = []
    for k, r in picks:
        from shieldcheck.report.plots import png_bytes, profile_figure

        idx = k // len(arch.sites)
        traj = trajs[idx]
        if traj.status != "ok":
            continue
        sp_rows = per_variant[fastest] if not r.engageable else per_variant[base]
        rr = sp_rows[k]
        b = builts[fastest] if not r.engageable else built
        path = None
        if rr.engageable:
            path = interceptor_path(
                b.architecture.sites[0],
                rr.first_intercept_launch_s,
                rr.window_start_s,
                traj,
                earth=arch.earth,
                rotation=arch.rotation,
            )
        sp = _speed(b)
        title = f"{r.launch} → {r.target}: threat and first interceptor ({sp:g} km/s)"
        if not rr.engageable:
            title = f"{r.launch} → {r.target}: no intercept at {sp:g} km/s ({rr.reason[:60]})"
        fig = profile_figure(
            sample_trajectory(traj, 10.0),
            title,
            path,
            rr.window_start_s if rr.engageable else None,
            arch.earth,
        )
        profile_imgs.append(_img(png_bytes(fig), title))

    from shieldcheck.report.plots import png_bytes, sensitivity_figure, timeline_figure

    tl_rows = [rows[k] for k, _ in picks]
    figures["timeline"] = _img(
        png_bytes(
            timeline_figure(
                tl_rows,
                [f"{r.launch}→{r.target}" for r in tl_rows],
                f"Kill chain at {_speed(built):g} km/s ({base})",
            )
        ),
        "kill-chain timeline (warning, detection, track, decision, launch, intercept window) for "
        + ", ".join(f"{r.launch} to {r.target}" for r in tl_rows),
    )
    speeds_grid = np.round(np.arange(4.5, 10.01, 0.25), 2)
    # computed in the study layer (the same kernel as every engagement), formatted here
    sens = speed_sensitivity(
        study, speeds_grid, variant=base, site=site.name, routes=[(r.launch, r.target) for _k, r in picks]
    )
    curves = {f"{lt[0]}→{lt[1]}": wd for lt, wd in sens.items()}
    figures["sensitivity"] = _img(
        png_bytes(
            sensitivity_figure(
                speeds_grid,
                curves,
                f"Sensitivity to the interceptor's burnout speed ({built.display_name(site.name)})",
                claims=[
                    (c["value"], c["label"])
                    for c in study.claims
                    if c["quantity"] == f"interceptor_types.{site.interceptor.name}.burnout_speed_km_s"
                ],
            )
        ),
        "intercept window and time to decide against the interceptor burnout speed, from "
        + built.display_name(site.name)
        + " for "
        + (", ".join(curves) or "no route"),
    )

    # ----------------------------------------------------------------- HTML
    say("writing the report")
    parts = [
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(built.title)}"
        f"</title><meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<style>{_CSS}</style></head><body><main>"
    ]
    parts.append(f"<h1>{html.escape(built.title)}</h1>")
    parts.append(
        f"<p class='note'>shieldcheck {__version__} · scenario <code>{built.name}</code>"
        f"{' · variant ' + html.escape(variant) if variant else ''}"
        + "".join(f" · --set <code>{html.escape(x)}</code>" for x in study.sets)
        + f" · hash <code>{built.scenario_hash[:16]}"
        f"</code> · generated {_dt.datetime.now(_dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}</p>"
        + (f"<p class='note'><b>These numbers are not the scenario's own:</b> {html.escape(basis)}.</p>"
           if basis else "")
    )
    parts.append(
        "<div class='estimate'><b>All results are model estimates</b> from public figures and "
        "engineering estimates (each marked below); see <a href='#limits'>the model's limits</a>.</div>"
    )
    parts.append(f"<h2 id='question'>The question</h2><p>{html.escape(built.question)}</p>")
    if model.description:
        parts.append(f"<p class='note'>{html.escape(model.description)}</p>")
    parts.append(
        f"<div class='answer'><b>Key answers</b><p class='headline'>{html.escape(answers[0])}</p><ul>"
        + "".join(f"<li>{html.escape(a)}</li>" for a in answers[1:])
        + "</ul>"
        + _variant_changes_table(changes)
        + "</div>"
    )

    parts.append("<h2 id='architecture'>The architecture</h2>")
    parts.append(
        _table(
            ["site", "lat °", "lon °", "interceptor", "burnout km/s", "burn s", "inventory"],
            [
                [
                    _shown(built, s.name),
                    _fmt(s.latitude_deg, 3),
                    _fmt(s.longitude_deg, 3),
                    s.interceptor.name,
                    _fmt(s.interceptor.burnout_speed_km_s, 2),
                    _fmt(s.interceptor.burn_time_s),
                    str(s.inventory),
                ]
                for s in arch.sites
            ],
            num_cols=(1, 2, 4, 5, 6),
        )
    )
    parts.append(
        _table(
            ["radar", "lat °", "lon °", "range km (ref. RCS)", "mask °", "azimuth field", "fire control"],
            [
                [
                    _shown(built, r.name),
                    _fmt(r.latitude_deg, 2),
                    _fmt(r.longitude_deg, 2),
                    _fmt(r.max_range_km),
                    _fmt(r.elevation_mask_deg, 1),
                    "all"
                    if r.boresight_azimuth_deg is None
                    else f"{r.boresight_azimuth_deg:g}° ± {r.half_width_deg:g}°",
                    "yes" if r.fire_control else "no",
                ]
                for r in arch.radars
            ],
            num_cols=(1, 2, 3, 4),
        )
    )
    tlm = arch.timeline
    ew = ", ".join(f"{e.name} after {e.detection_delay_s:g} s" for e in arch.early_warning) or "none"
    track_rule = (
        "only while a fire-control radar tracks the threat"
        if tlm.track_required_for_intercept
        else "without a track requirement"
    )
    parts.append(
        f"<p>Early warning: {html.escape(ew)}. Timeline: track formation {tlm.track_formation_s:g} s, "
        f"decision {tlm.decision_s:g} s, kill assessment {tlm.kill_assessment_s:g} s; intercepts "
        f"{track_rule}.</p>"
    )
    parts.append(
        f"<figure>{figures['architecture']}<figcaption>Sites, radars (coverage of a target at 500 km "
        "altitude) and minimum-energy ground tracks: green where the base scenario can engage the "
        "threat, red where it cannot.</figcaption></figure>"
    )

    parts.append("<h2 id='engagements'>Engagement table (base scenario)</h2>")
    parts.append(
        _table(
            [
                "threat",
                "from",
                "to",
                "site",
                "engageable",
                "window s",
                "first–last intercept s",
                "intercept alt km",
                "from site km",
                "decide s",
                "shots",
                "reason",
            ],
            [
                [
                    html.escape(r.threat),
                    html.escape(r.launch),
                    html.escape(r.target),
                    _shown(built, r.site),  # the place, as the architecture table and the maps show it
                    "<span class='yes'>yes</span>" if r.engageable else "<span class='no'>no</span>",
                    _fmt(r.window_s) if r.engageable else "–",
                    f"{_fmt(r.window_start_s)}–{_fmt(r.window_end_s)}" if r.engageable else "–",
                    f"{_fmt(r.first_intercept_altitude_km)}–{_fmt(r.last_intercept_altitude_km)}"
                    if r.engageable
                    else "–",
                    _fmt(r.first_intercept_site_range_km),
                    _fmt(r.time_to_decide_s),
                    str(r.shots),
                    html.escape(r.reason),
                ]
                for r in rows
            ],
            num_cols=(5, 6, 7, 8, 9, 10),
        )
    )
    parts.append(
        f"<figure>{figures['timeline']}<figcaption>Kill chain for one threat of each group: warning, "
        "detection, track, decision, earliest and latest useful launch, and the intercept window."
        "</figcaption></figure>"
    )
    for im in profile_imgs:
        parts.append(f"<figure>{im}</figure>")

    parts.append("<h2 id='thresholds'>Least interceptor speed per route</h2>")
    from shieldcheck.study import status_caption
    parts.append(
        _table(
            [
                "threat",
                "from",
                "to",
                "least burnout speed km/s",
                "first window from",
                "at altitude km",
                "tail chase",
            ],
            [
                [
                    html.escape(t.threat),
                    html.escape(t.launch),
                    html.escape(t.target),
                    _fmt(t.threshold_speed_km_s, 2)
                    if t.threshold_status == "found"
                    else html.escape(status_caption(t.threshold_status)),
                    _shown(built, t.first_window_site) if t.first_window_site else "–",
                    _fmt(t.first_intercept_altitude_km),
                    "yes" if t.tail_chase else "–",
                ]
                for t in study.thresholds
                if t.variant == base and t.site == ""
            ],
            num_cols=(3, 5),
        )
    )
    parts.append(
        "<p class='note'>The least burnout speed (relative to the Earth) at which some site gets an "
        "intercept window, everything else as in this scenario; found by bisection to 0.01 km/s on the same "
        "model as the engagement table. A tail chase: the interceptor arrives moving with the threat.</p>"
    )
    climb_note = climb_artefact_note(study, [t for t in study.thresholds if t.variant == base])
    if climb_note:  # beside the table too, not only in the key answers: the low speeds are not to be quoted
        parts.append(f"<p class='note'><strong>{html.escape(climb_note)}.</strong></p>")
    if bp_html:
        parts.append(bp_html)
    parts.append("<h2 id='footprints'>Footprints</h2>")
    parts.append(f"<figure>{figures['defended']}<figcaption>{html.escape(fp_caption)}</figcaption></figure>")
    parts.append(
        f"<figure>{figures['reach']}<figcaption>Interceptor reach fans: the farthest points at "
        f"{fan_alt:g} km altitude the interceptor can occupy the given times after its launch "
        "(kinematic model, Earth rotation included).</figcaption></figure>"
    )
    for v in lfps:
        parts.append(
            f"<figure>{figures[f'launch_area_{v}']}<figcaption>Launch cells ({lg.resolution_deg}°) from "
            f"which a threat aimed at {html.escape(last.target.name)} can be engaged, "
            f"{'base scenario' if v == BASE else 'variant ' + html.escape(v)}.</figcaption></figure>"
        )

    parts.append("<h2 id='sensitivity'>Sensitivity to the interceptor's speed</h2>")
    parts.append(
        f"<figure>{figures['sensitivity']}<figcaption>Window length and time left to decide as the "
        "burnout speed varies, everything else as in the base scenario"
        + (
            "; dashed lines mark the claims listed in the scenario file (with their sources below)"
            if study.claims
            else ""
        )
        + ".</figcaption></figure>"
    )

    parts.append("<h2 id='variants'>Variants side by side</h2>")
    header = ["threat group"] + names
    body = []
    for gname in group_labels:
        gs = {x.variant: x for x in study.groups if x.threat == gname}
        body.append(
            [html.escape(gname)] + [f"{gs[v].routes_defended}/{gs[v].routes_reachable}" for v in names]
        )
    parts.append(_table(header, body, num_cols=tuple(range(1, len(header)))))
    parts.append("<p class='note'>Routes defended / routes the threat can reach, per threat group.</p>")
    parts.append(_variants_table(model, names, entries))
    body = []
    per_route = {v: [r for r in study.routes if r.variant == v] for v in names}
    for k, r in enumerate(routes):
        cells = []
        for v in names:
            rv = per_route[v][k]
            cells.append(_fmt(rv.window_s) if rv.status == "defended" else "–")
        body.append([html.escape(f"{r.launch}→{r.target}")] + cells)
    parts.append(_table(["route (best window s)"] + names, body, num_cols=tuple(range(1, len(names) + 1))))

    parts.append("<h2 id='assumptions'>Assumptions and sources</h2>")
    parts.append(
        _table(
            ["parameter", "value", "unit", "source", "origin"],
            [
                [
                    html.escape(a.path),
                    (f"{a.value:,.6g}" if isinstance(a.value, float) else _fmt(a.value)),
                    html.escape(a.unit or ""),
                    html.escape(a.source or ""),
                    html.escape(a.origin or ""),
                ]
                for a in built.assumptions
            ],
            num_cols=(1,),
        )
    )

    parts.append(
        "<h2 id='limits'>The model's limits</h2><ul>"
        + "".join(f"<li>{html.escape(x)}</li>" for x in model_limits(study))
        + "</ul>"
    )
    parts.append(
        "<p class='note'>Re-run: <code>shieldcheck report " + html.escape(built.name) + "</code>; the "
        "numbers behind every row: <code>shieldcheck engage "
        + html.escape(built.name)
        + " --json</code>.</p></main></body></html>"
    )
    path = out_dir / f"{built.name}{'-' + variant if variant else ''}.html"
    out_dir.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(parts), encoding="utf-8")
    from shieldcheck.study import boost_note

    return ReportResult(path, tuple(answers), time.perf_counter() - t_start, boost_note(study),
                        tuple(changes))
