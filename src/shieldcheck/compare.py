"""Side-by-side comparison of studies: scenarios, or variants of one scenario.

A view of `shieldcheck.study.Study` objects: nothing is recomputed here. For each threat group (matched
by name across the studies) it gives the routes defended over the routes the threat can reach and the
band of threshold interceptor speeds; for each (threat group, target) the launches defended and the
longest window. Columns are named ``scenario`` or ``scenario:variant``.

>>> c = compare(["european-third-site-2007", "turkey-alternative-2007"], thresholds=False)
>>> [r["european-third-site-2007"] for r in c.groups_table()]
['36/39', '9/9', '0/10']
>>> [r["turkey-alternative-2007"] for r in c.groups_table()]
['38/39', '0/9', '0/10']
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from shieldcheck.errors import InputError

__all__ = ["MAX_COMPARE", "Comparison", "compare", "parse_spec"]

MAX_COMPARE = 8
"""Bound on the number of studies compared side by side."""


def parse_spec(text: str) -> tuple[str, str]:
    """``"scenario"`` or ``"scenario:variant"`` -> (scenario, variant); the base variant is ``"base"``.

    >>> parse_spec("turkey-alternative-2007:poland")
    ('turkey-alternative-2007', 'poland')
    """
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"each study to compare must be SCENARIO or SCENARIO:VARIANT, got {text!r}")
    name, _, variant = text.strip().rpartition(":") if ":" in text else (text.strip(), "", "base")
    if not name or not variant:
        raise InputError(f"each study to compare must be SCENARIO or SCENARIO:VARIANT, got {text!r}")
    return name, variant


@dataclass(frozen=True)
class Comparison:
    """Studies side by side (see the module docstring).

    Attributes
    ----------
    labels : tuple of str
        One column per study: ``scenario`` or ``scenario:variant``.
    specs : tuple of (str, str)
        (scenario, variant) of each column.
    studies : tuple of Study
        The study behind each column (a scenario's variants share one study).
    """

    labels: tuple
    specs: tuple
    studies: tuple

    def climb_artefacts(self) -> list[tuple[str, str]]:
        """(label, note) for each column whose threshold speeds fall below the climb to the interceptor's
        fixed burnout altitude (`shieldcheck.study.climb_artefact_note`)."""
        from shieldcheck.study import climb_artefact_note

        notes = []
        for label, (_, variant), study in zip(self.labels, self.specs, self.studies, strict=True):
            note = climb_artefact_note(study, [t for t in study.thresholds if t.variant == variant])
            if note:
                notes.append((label, note))
        return notes

    def model_note(self) -> str:
        """How the threats of every column were flown, said once (`shieldcheck.study.boost_note` of each
        column's variant): one note when the columns agree, else each column's note after its label.

        >>> c = compare(["turkey-alternative-2007", "turkey-alternative-2007:poland"], thresholds=False)
        >>> print(c.model_note())
        threat boost: kinematic (a fixed burnout point from the class's figures)
        """
        from shieldcheck.study import boost_note

        notes = {}
        for label, (_, variant), study in zip(self.labels, self.specs, self.studies, strict=True):
            notes[label] = boost_note(study, [variant] if variant in study.built else None)
        if len(set(notes.values())) == 1:
            return next(iter(notes.values()))
        return "; ".join(f"{label}: {note}" for label, note in notes.items())

    def _groups(self, k: int) -> dict:
        variant = self.specs[k][1]
        return {g.threat: g for g in self.studies[k].groups if g.variant == variant}

    def threat_groups(self) -> list[str]:
        """Threat group names in first-seen order across the columns."""
        names: dict[str, None] = {}
        for k in range(len(self.labels)):
            names.update(dict.fromkeys(self._groups(k)))
        return list(names)

    def _band(self, k: int, threat: str) -> str:
        variant = self.specs[k][1]
        recs = [
            t
            for t in self.studies[k].thresholds
            if t.variant == variant and t.threat == threat and t.site == ""
        ]
        if not recs:
            return ""
        found = [t.threshold_speed_km_s for t in recs if t.threshold_status == "found"]
        none = sum(t.threshold_status == "none_below_escape" for t in recs)
        if not found:
            return "none below escape speed" if none else "-"
        lo, hi = min(found), max(found)
        text = f"{lo:.2f}" if math.isclose(lo, hi, abs_tol=0.005) else f"{lo:.2f}-{hi:.2f}"
        word = "route" if none == 1 else "routes"
        return f"{text} km/s" + (f" ({none} {word}: none below escape speed)" if none else "")

    def groups_table(self) -> list[dict]:
        """One row per threat group: for each column ``defended/reachable`` and ``<label> threshold``."""
        rows = []
        for threat in self.threat_groups():
            row: dict = {"threat": threat}
            for k, label in enumerate(self.labels):
                g = self._groups(k).get(threat)
                row[label] = "-" if g is None else f"{g.routes_defended}/{g.routes_reachable}"
                row[f"{label} threshold"] = "-" if g is None else self._band(k, threat)
            rows.append(row)
        return rows

    def targets_table(self) -> list[dict]:
        """One row per (threat group, target): per column ``defended launches/launches`` (``cannot reach``
        where the threat reaches it from no launch area) and ``<label> window_s`` (the longest window)."""
        keys: dict[tuple[str, str], None] = {}
        per: list[dict] = []
        for k in range(len(self.labels)):
            variant = self.specs[k][1]
            acc: dict[tuple[str, str], list] = {}
            for r in self.studies[k].routes:
                if r.variant != variant:
                    continue
                key = (r.threat, r.target)
                keys[key] = None
                a = acc.setdefault(key, [0, 0, 0.0])
                if r.status != "threat_cannot_reach":
                    a[1] += 1
                if r.status == "defended":
                    a[0] += 1
                    a[2] = max(a[2], r.window_s)
            per.append(acc)
        rows = []
        for threat, target in keys:
            row: dict = {"threat": threat, "target": target}
            for k, label in enumerate(self.labels):
                a = per[k].get((threat, target))
                if a is None:
                    row[label], row[f"{label} window_s"] = "-", None
                elif a[1] == 0:
                    row[label], row[f"{label} window_s"] = "cannot reach", None
                else:
                    row[label] = f"{a[0]}/{a[1]}"
                    row[f"{label} window_s"] = round(a[2], 1) if a[0] else None
            rows.append(row)
        return rows

    def routes_table(self) -> list[dict]:
        """One row per (threat group, launch, target): per column the route's ``status`` (``defended``,
        ``not_defended``, ``threat_cannot_reach`` or ``-`` where the study has no such route), ``<label>
        outcome`` (`shieldcheck.study.route_outcome`: the status with the threat's own reason), and
        ``<label> window_s`` (the best site's window) or ``<label> reason`` (why it is not defended), as
        the study's route summaries give them."""
        from shieldcheck.study import route_outcome

        keys: dict[tuple[str, str, str], None] = {}
        per: list[dict] = []
        for k in range(len(self.labels)):
            variant = self.specs[k][1]
            found = {
                (r.threat, r.launch, r.target): r for r in self.studies[k].routes if r.variant == variant
            }
            keys.update(dict.fromkeys(found))
            per.append(found)
        rows = []
        for threat, launch, target in keys:
            row: dict = {"threat": threat, "launch": launch, "target": target}
            for k, label in enumerate(self.labels):
                r = per[k].get((threat, launch, target))
                row[label] = "-" if r is None else r.status
                row[f"{label} outcome"] = "-" if r is None else route_outcome(r)
                row[f"{label} window_s"] = round(r.window_s, 1) if r and r.status == "defended" else None
                row[f"{label} reason"] = r.reason if r and r.status != "defended" else ""
            rows.append(row)
        return rows

    def target_status(self, label: str) -> dict[str, str]:
        """Target -> ``all``, ``some``, ``none`` (launches defended, its worst threat group) or ``cannot
        reach`` (no launch area reaches it), for one column; what the map colours.

        >>> c = compare(["turkey-alternative-2007", "turkey-alternative-2007:poland"], thresholds=False)
        >>> s = c.target_status("turkey-alternative-2007")
        >>> s["ankara"], s["washington"], s["berlin"]
        ('some', 'none', 'all')
        """
        order = ["none", "some", "cannot reach", "all"]
        status: dict[str, str] = {}
        for row in self.targets_table():
            text = row[label]
            if text == "-":
                continue
            if text == "cannot reach":
                kind = "cannot reach"
            else:
                d, m = (int(x) for x in text.split("/"))
                kind = "all" if d == m else "none" if d == 0 else "some"
            prev = status.get(row["target"])
            if prev is None or order.index(kind) < order.index(prev):
                status[row["target"]] = kind
        return status

    def write_map(self, path, *, dpi: float = 110.0):
        """Write `map_figure` to a PNG file; returns its path."""
        from shieldcheck.report import maps

        return maps.save_png(self.map_figure(), path, dpi=dpi)

    def map_figure(self):
        """One map per column, side by side: interceptor sites (by their place's name), radars, launch
        areas and targets coloured by `target_status`.

        The extent covers every place drawn in every column (correct across the antimeridian)."""
        import cartopy.crs as ccrs
        import numpy as np
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        from shieldcheck.report import maps

        places: list[tuple[float, float]] = []
        for k in range(len(self.labels)):
            built = self.studies[k].built[self.specs[k][1]]
            places += [(s.latitude_deg, s.longitude_deg) for s in built.architecture.sites]
            places += [(r.latitude_deg, r.longitude_deg) for r in built.architecture.radars]
            for c in built.threats:
                places += [(c.launch.latitude_deg, c.launch.longitude_deg)]
                places += [(c.target.latitude_deg, c.target.longitude_deg)]
        lat = np.array([p[0] for p in places])
        lon = np.array([p[1] for p in places])
        east = np.mod(lon, 360.0)
        if np.ptp(east) < np.ptp(lon):  # the places straddle the antimeridian: work in [0, 360)
            lon = east
        lon_min, lon_max = float(lon.min()) - 6.0, float(lon.max()) + 6.0
        lat_min, lat_max = max(-89.0, float(lat.min()) - 5.0), min(89.0, float(lat.max()) + 5.0)
        centre = float((0.5 * (lon_min + lon_max) + 180.0) % 360.0 - 180.0)
        wrap = lambda x: float((x + 180.0) % 360.0 - 180.0)  # noqa: E731
        extent = (wrap(lon_min), wrap(lon_max), lat_min, lat_max)
        n = len(self.labels)
        aspect = (lat_max - lat_min) / max(1.0, lon_max - lon_min)
        fig = Figure(figsize=(6.0 * n, min(8.0, max(3.0, 6.0 * aspect + 1.2))), layout="constrained")
        FigureCanvasAgg(fig)
        colours = {"all": "#1a9850", "some": "#fdae61", "none": "#d73027", "cannot reach": "#999999"}
        for k, label in enumerate(self.labels):
            ax = fig.add_subplot(1, n, k + 1, projection=ccrs.PlateCarree(central_longitude=centre))
            maps.base_map(extent, ax=ax, title=label, gridlines=False)
            built = self.studies[k].built[self.specs[k][1]]
            arch = built.architecture
            maps.plot_places(
                ax,
                [built.display_name(s.name) for s in arch.sites],
                [s.latitude_deg for s in arch.sites],
                [s.longitude_deg for s in arch.sites],
                kind="interceptor",
            )
            if arch.radars:
                maps.plot_places(
                    ax,
                    [r.name for r in arch.radars],
                    [r.latitude_deg for r in arch.radars],
                    [r.longitude_deg for r in arch.radars],
                    kind="radar",
                    label=False,
                )
            where = {c.target.name: c.target for c in built.threats}
            where |= {c.launch.name: c.launch for c in built.threats}
            launches = sorted({c.launch.name for c in built.threats})
            maps.plot_places(
                ax,
                launches,
                [where[x].latitude_deg for x in launches],
                [where[x].longitude_deg for x in launches],
                kind="launch",
                label=False,
            )
            status = self.target_status(label)
            for kind, colour in colours.items():
                names = [t for t, v in status.items() if v == kind]
                if names:
                    maps.plot_places(
                        ax,
                        names,
                        [where[t].latitude_deg for t in names],
                        [where[t].longitude_deg for t in names],
                        kind="target",
                        color=colour,
                        label=False,
                        legend_label=f"target: {kind} defended"
                        if kind != "cannot reach"
                        else "target: out of the threat's reach",
                    )
        fig.suptitle("Side by side (kinematic model estimates): targets by launches defended")
        return fig

    def to_dict(self) -> dict:
        """JSON-able: each column's provenance and interceptor sites (key, place name, interceptor type and
        burnout speed), the groups, targets and routes tables."""

        def sites(k: int) -> list[dict]:
            built = self.studies[k].built[self.specs[k][1]]
            return [
                {
                    "name": s.name,
                    "label": built.display_name(s.name),
                    "interceptor": s.interceptor.name,
                    "burnout_speed_km_s": s.interceptor.burnout_speed_km_s,
                }
                for s in built.architecture.sites
            ]

        return {
            "columns": [
                {
                    "label": label,
                    **self.studies[k].provenance(),
                    "variant": self.specs[k][1],
                    "sites": sites(k),
                }
                for k, label in enumerate(self.labels)
            ],
            "groups": self.groups_table(),
            "targets": self.targets_table(),
            "routes": self.routes_table(),
            "estimate": "kinematic model estimates",
        }


def compare(specs, *, sets=(), thresholds: bool = True, step_s: float = 5.0) -> Comparison:
    """Build the studies named by ``specs`` (``scenario`` or ``scenario:variant``) and set them side by side.

    Parameters
    ----------
    specs : sequence of str
        Two to `MAX_COMPARE` studies; variants of one scenario share one study.
    sets : iterable of str
        ``--set`` overrides applied to every study.
    thresholds : bool
        Compute threshold speeds (needed for the threshold columns).
    step_s : float
        Window-scan step of the studies, s.

    Raises
    ------
    InputError
        Fewer than two or more than `MAX_COMPARE` studies, a malformed spec, an unknown scenario or
        variant.
    """
    from shieldcheck.study import build_study

    specs = [parse_spec(s) for s in specs]
    if not 2 <= len(specs) <= MAX_COMPARE:
        raise InputError(f"compare needs 2 to {MAX_COMPARE} studies, got {len(specs)}")
    by_scenario: dict[str, list[str]] = {}
    for name, variant in specs:
        by_scenario.setdefault(name, [])
        if variant not in by_scenario[name]:
            by_scenario[name].append(variant)
    studies = {
        name: build_study(name, variants=variants, sets=tuple(sets), thresholds=thresholds, step_s=step_s)
        for name, variants in by_scenario.items()
    }
    labels = tuple(name if variant == "base" else f"{name}:{variant}" for name, variant in specs)
    if len(set(labels)) != len(labels):
        raise InputError(f"each study may be named once, got {', '.join(labels)}")
    return Comparison(labels=labels, specs=tuple(specs), studies=tuple(studies[n] for n, _ in specs))
