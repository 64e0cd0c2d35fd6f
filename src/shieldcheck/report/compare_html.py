"""The comparison page: studies side by side in one self-contained HTML file (the map embedded).

A view of a `shieldcheck.compare.Comparison`: it formats the comparison's tables and draws its map, and
computes nothing of its own. Same standards as the scenario report (`shieldcheck.report.html`): one file,
no script and nothing fetched from the network, every text escaped, alt texts on the figure, a ``<main>``
landmark, and the model's limits stated.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import html
import re
from pathlib import Path

from shieldcheck import __version__
from shieldcheck.report.html import _CSS, BOOST_LIMITS, LIMITS, _img, _table

__all__ = ["compare_page", "write_compare_report"]

_WORDS = {
    "all": "every launch defended",
    "some": "some launches defended",
    "none": "no launch defended",
    "cannot reach": "out of the threat's reach",
}


def _e(text) -> str:
    return html.escape(str(text))


def _stem(labels) -> str:
    """A file name for the page from its column labels (``compare-a--b``), at most about 120 characters."""
    parts = [re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") or "study" for label in labels]
    stem = "compare-" + "--".join(parts)
    if len(stem) > 120:
        digest = hashlib.sha256("\n".join(labels).encode("utf-8")).hexdigest()[:10]
        stem = stem[:100].rstrip("-") + "-" + digest
    return stem


def _map_alt(comparison) -> str:
    """The map in words, from the same statuses the map colours."""
    lines = []
    for label in comparison.labels:
        status = comparison.target_status(label)
        said = []
        for kind, words in _WORDS.items():
            names = [t for t, v in status.items() if v == kind]
            if names:
                said.append(f"{words}: {', '.join(names)}")
        lines.append(f"{label}: " + ("; ".join(said) or "no targets"))
    return (
        "Side-by-side maps, one per study, of interceptor sites, radars, launch areas and targets coloured "
        "by the launches defended. " + ". ".join(lines) + "."
    )


def _flown(c) -> list[str]:
    """How each study's threats were flown (`shieldcheck.study.boost_note` of its variant), and the limit
    of each boost flown (`shieldcheck.report.html.BOOST_LIMITS`)."""
    from shieldcheck.study import boost_note, boosts_flown

    out, kinds = [], []
    for label, (_, variant), study in zip(c.labels, c.specs, c.studies, strict=True):
        v = [variant] if variant in study.built else None
        out.append(f"{label}: {boost_note(study, v)}.")
        kinds += [k for k in boosts_flown(study, v) if k not in kinds]
    return out + [BOOST_LIMITS[k] for k in kinds if k in BOOST_LIMITS]


def compare_page(comparison, *, map_png: bytes | None = None) -> str:
    """The comparison as one HTML page (text).

    Parameters
    ----------
    comparison : shieldcheck.compare.Comparison
    map_png : bytes, optional
        The side-by-side map as PNG bytes; drawn with `Comparison.map_figure` when not given.

    Returns
    -------
    str
        A complete HTML document.
    """
    from shieldcheck.report import maps

    c = comparison
    labels = c.labels
    if map_png is None:
        map_png = maps.fig_to_png_bytes(c.map_figure(), dpi=100)
    title = "Side by side: " + ", ".join(labels)
    parts = [
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{_e(title)}</title>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'><style>{_CSS}</style>"
        "</head><body><main>",
        f"<h1>{_e(title)}</h1>",
        f"<p class='note'>shieldcheck {_e(__version__)} · generated "
        f"{_dt.datetime.now(_dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}</p>",
        "<div class='estimate'><b>All results are model estimates</b> from public figures and "
        "engineering estimates (every number and its source is in each scenario's report and file); see "
        "<a href='#limits'>the model's limits</a>.</div>",
    ]

    parts.append("<h2 id='studies'>The studies</h2>")
    body = []
    for k, label in enumerate(labels):
        study, variant = c.studies[k], c.specs[k][1]
        built = study.built[variant]
        arch = built.architecture
        sites = "; ".join(
            f"{built.display_name(s.name)} ({s.name}): {s.inventory} × {s.interceptor.name}, "
            f"{s.interceptor.burnout_speed_km_s:g} km/s"
            for s in arch.sites
        )
        radars = ", ".join(f"{built.display_name(r.name)} ({r.name})" for r in arch.radars) or "none"
        body.append(
            [
                f"<b>{_e(label)}</b>",
                _e(study.title),
                _e(variant),
                _e(study.question),
                _e(sites),
                _e(radars),
                f"<code>{_e(study.scenario_hash[:16])}</code>"
                + "".join(f"<br>--set <code>{_e(x)}</code>" for x in study.sets),
            ]
        )
    parts.append(
        _table(
            ["column", "scenario", "variant", "question", "interceptor sites", "radars", "hash, overrides"],
            body,
        )
    )

    parts.append("<h2 id='groups'>Routes defended per threat group</h2>")
    body = []
    for row in c.groups_table():
        cells = [_e(row["threat"])]
        for label in labels:
            band = row[f"{label} threshold"]
            cells.append(_e(row[label]) + (f"<br><span class='note'>{_e(band)}</span>" if band else ""))
        body.append(cells)
    parts.append(_table(["threat group", *labels], body, num_cols=tuple(range(1, len(labels) + 1))))
    parts.append(
        "<p class='note'>Routes (launch area, target) some site of the study can engage / routes the threat "
        "can reach; below, the least interceptor burnout speed that engages the group's routes (any site; "
        "bisected to 0.01 km/s), where computed.</p>"
    )
    for label, note in c.climb_artefacts():
        parts.append(f"<p class='note'><b>{_e(label)}</b>: {_e(note)}.</p>")

    parts.append("<h2 id='map'>Side by side on the map</h2>")
    parts.append(
        f"<figure>{_img(map_png, _map_alt(c))}<figcaption>One panel per study: interceptor sites (named by "
        "their place), radars, launch areas, and targets coloured green (every launch defended), orange "
        "(some), red (none) or grey (out of the threat's reach), by their worst threat group."
        "</figcaption></figure>"
    )

    parts.append("<h2 id='targets'>Per target</h2>")
    body = []
    for row in c.targets_table():
        cells = [_e(row["threat"]), _e(row["target"])]
        for label in labels:
            w = row[f"{label} window_s"]
            cells.append(_e(row[label]) + (f" ({w:,.0f} s)" if w else ""))
        body.append(cells)
    parts.append(_table(["threat group", "target", *labels], body, num_cols=tuple(range(2, len(labels) + 2))))
    parts.append(
        "<p class='note'>Launches defended / launches that reach the target, and the longest intercept "
        "window in seconds; “cannot reach”: no launch area of the group reaches the target.</p>"
    )

    parts.append("<h2 id='routes'>Every route</h2>")
    from shieldcheck.study import status_caption
    body = []
    for row in c.routes_table():
        cells = [_e(row["threat"]), _e(f"{row['launch']} → {row['target']}")]
        for label in labels:
            status, w, why = row[label], row[f"{label} window_s"], row[f"{label} reason"]
            shown = "-" if status == "-" else status_caption(row[f"{label} outcome"])
            text = shown + (f" ({w:,.0f} s)" if w else "")
            cells.append(
                f"<span class='{'yes' if status == 'defended' else 'no'}'>{_e(text)}</span>"
                + (f"<br><span class='note'>{_e(why)}</span>" if why else "")
            )
        body.append(cells)
    parts.append(
        f"<details><summary>Each route in each study, with the window of its best site or the reason it "
        f"is not defended ({len(body)} routes)</summary>"
        + _table(["threat group", "route", *labels], body)
        + "</details>"
    )

    parts.append(
        "<h2 id='limits'>The model's limits</h2><ul>"
        + "".join(f"<li>{_e(x)}</li>" for x in _flown(c))
        + "".join(f"<li>{_e(x)}</li>" for x in LIMITS)
        + "</ul>"
    )
    parts.append(
        "<p class='note'>Re-run: <code>shieldcheck compare "
        + _e(" ".join(labels))
        + "</code> (add <code>--json</code> for the numbers); each study's every assumption and source: "
        "<code>shieldcheck report SCENARIO</code>.</p></main></body></html>"
    )
    return "\n".join(parts)


def write_compare_report(comparison, out_dir="out") -> Path:
    """Write `compare_page` to ``<out_dir>/compare-<labels>.html``; returns the path.

    Raises
    ------
    OSError
        The folder cannot be created or the file written (the CLI reports it in one line).

    Examples
    --------
    >>> from shieldcheck.compare import compare
    >>> import tempfile
    >>> c = compare(["turkey-alternative-2007", "turkey-alternative-2007:poland"], thresholds=False)
    >>> write_compare_report(c, tempfile.mkdtemp()).name
    'compare-turkey-alternative-2007--turkey-alternative-2007-poland.html'
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{_stem(comparison.labels)}.html"
    path.write_text(compare_page(comparison), encoding="utf-8")
    return path
