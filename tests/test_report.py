"""The HTML report: every section, real map images (pixels), and no network references."""

import base64
import io
import re

import numpy as np
import pytest
from matplotlib import image as mpimg
from matplotlib.colors import to_rgb

from shieldcheck.report import maps
from shieldcheck.report.html import LIMITS, build_report

SECTIONS = (
    "question",
    "thresholds",
    "architecture",
    "assumptions",
    "engagements",
    "footprints",
    "sensitivity",
    "variants",
    "limits",
)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    steps = []
    result = build_report("european-third-site-2007", out, progress=steps.append, resolution_deg=1.0)
    return result, result.path.read_text(encoding="utf-8"), steps


def _images(text):
    return re.findall(r'<img alt="([^"]*)" src="data:image/png;base64,([^"]+)"', text)


def test_report_has_every_section_and_says_estimate(report):
    result, text, steps = report
    for s in SECTIONS:
        assert f"id='{s}'" in text, s
    assert "All results are model estimates" in text
    assert "id='boost-phase'" not in text  # no boost_phase: block, no section
    for limit in LIMITS:
        assert limit[:40].replace("'", "&#x27;") in text
    assert len(steps) >= 4
    # the debate, in the key answers
    russia = [a for a in result.key_answers if a.startswith("Russian")][0]
    counts = {r["variant"]: r["groups"]["russia-us"] for r in result.variant_changes}
    assert counts["base"] == (0, 10) and counts["speed-mda-slides"] == (0, 10)
    assert counts["speed-postol-9"] == (10, 10)
    assert "least interceptor speed that engages each route (base): 6.35–6.97 km/s" in russia
    # Tehran and Tabriz to Ankara: two rows of the threshold table, and once in the key answers
    assert text.count("none up to escape speed") == 3
    # every variant is listed, none dropped for sharing a speed with another
    assert set(counts) == {"base", "speed-mda-slides", "speed-mda", "speed-postol-8", "speed-postol-9",
                           "emr-oreilly-2007", "fbx-nrc-2012", "fbx-lewis-postol-2012",
                           "fylingdales-warning-only"}
    # sources of the contested speeds appear in the assumptions table
    assert "AFP, Aug 2007" in text and "SpaceNews" in text


def test_key_answers_flag_thresholds_below_the_climb_to_burnout(report):
    # Iran -> Europe's 1.41 km/s is below the 1.95 km/s needed just to climb to the GBI's 200 km burnout
    # point (README, Limits: an artefact); the key answer must not let a reader quote it bare
    result, text, _ = report
    europe = [a for a in result.key_answers if a.startswith("Iranian IRBMs")][0]
    assert "1.41–10.51 km/s" in europe and "below the 1.95 km/s" in europe and "artefact" in europe
    assert all("artefact" not in a for a in result.key_answers if not a.startswith("Iranian IRBMs"))
    assert "below the 1.95 km/s" in text


def test_threshold_table_carries_the_climb_artefact_note(report):
    # The table lists Tehran -> Berlin at 1.42 km/s; the warning was only in the key answers, far above it,
    # so a reader of the table could quote the artefact bare.
    _, text, _ = report
    section = text[text.index("id='thresholds'") : text.index("id='footprints'")]
    assert "6 route(s) need less than the 1.95 km/s it takes just to climb" in section
    assert "not a speed to quote" in section


def test_report_is_self_contained(report):
    _, text, _ = report
    assert not re.search(r"<(script|link|iframe)\b", text, re.I)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", text, re.I)
    for _alt, b64 in _images(text):
        png = base64.b64decode(b64)
        assert png[:8] == b"\x89PNG\r\n\x1a\n"


def _fraction(img, color, tol=0.03):
    rgb = np.asarray(to_rgb(color))
    return float(np.mean(np.all(np.abs(img[..., :3] - rgb) < tol, axis=-1)))


def test_map_figures_show_land_sea_and_coastlines(report):
    _, text, _ = report
    imgs = {alt: b64 for alt, b64 in _images(text)}
    assert len(_images(text)) >= 7
    arch = [
        a
        for a in imgs
        if a.startswith("Map of 1 interceptor site(s), 3 radar(s) and 58 threat ground tracks")
    ]
    assert len(arch) == 1 and "45 of them defended (green) and 13 not (red)" in arch[0]
    defended = [a for a in imgs if a.startswith("defended-area footprint: cells that a threat from tehran")]
    assert len(defended) == 1
    for alt in (arch[0], *defended):
        img = mpimg.imread(io.BytesIO(base64.b64decode(imgs[alt])), format="png")
        assert img.shape[0] > 300 and img.shape[1] > 600
        land = _fraction(img, maps.LAND_COLOR)
        sea = _fraction(img, maps.OCEAN_COLOR)
        coast = _fraction(img, maps.COASTLINE_COLOR, tol=0.06)
        assert land > 0.05, (alt, land)
        assert sea > 0.02, (alt, sea)
        assert coast > 0.001, (alt, coast)


def test_report_for_a_user_scenario(tmp_path):
    # The report is generic: the README's minimal example (one variant, no labels) builds too.
    from pathlib import Path

    example = Path(__file__).resolve().parents[1] / "examples" / "minimal-scenario.yaml"
    result = build_report(str(example), tmp_path, resolution_deg=2.0)
    text = result.path.read_text(encoding="utf-8")
    for s in SECTIONS:
        assert f"id='{s}'" in text
    assert result.headline == ("In the base scenario, by this model's estimate from public figures (not a "
                               "measurement): tabriz-west: 2 of 2 routes defended.")
    assert result.key_answers[1].startswith(
        "tabriz-west: least interceptor speed that engages each route (base): ")
    assert [(r["variant"], r["groups"]) for r in result.variant_changes] == [
        ("base", {"tabriz-west": (2, 2)}), ("faster", {"tabriz-west": (2, 2)})]


def test_footprint_maps_mark_what_lies_outside_their_grid(report):
    """Lambert maps of a lat/lon box draw more than the box: that part is hatched and the caption says so."""
    _, text, _ = report
    alts = [a for a, _ in _images(text) if "footprint:" in a]
    assert len(alts) >= 2
    assert all("hatched: outside the computed grid" in a for a in alts), alts


def test_key_answers_lead_with_one_quotable_sentence_then_a_table_of_variants(report):
    # The key answers listed all nine variants' counts in every line, burying the headline. Now: one
    # sentence for the base scenario with the estimate caveat, threshold lines, then a compact table.
    result, text, _ = report
    head = result.headline
    assert head == result.key_answers[0] and head.startswith("In the base scenario, by this model's estimate")
    assert "not a measurement" in head and head.endswith(".") and not re.search(r"[a-z0-9)]\.\s", head)
    # counts from `shieldcheck engage`'s summary (the CLI's table of the same scenario)
    assert "Iranian IRBMs at European capitals: 36 of 39 routes defended" in head
    assert "Washington and New York: 0 of 10 routes defended" in head
    variants = [r["variant"] for r in result.variant_changes]
    assert variants[0] == "base" and len(variants) == 9
    assert not any(v in a for a in result.key_answers for v in variants[1:])  # variants are in the table only
    box = text[text.index("<b>Key answers</b>"): text.index("id='architecture'")]
    assert box.index(head.replace("'", "&#x27;")) < box.index("How the variants change it")
    row = box[box.index("<td>speed-postol-9</td>"):]
    row = row[: row.index("</tr>")]
    assert "burnout_speed_km_s: 6.3 km/s → 9 km/s" in row and "<b>10/10</b>" in row
