"""The report's headline, variants table and staged-interceptor footer say what their numbers rest on
(session 7, new-user trial): every ``--set``, a variant's changed values, an interceptor flown on estimated
stage data; a variant value that an integration replaced is shown as replaced, and an entry that moves
nothing as unchanged.

Oracles: the scenario and catalog YAML files read here with PyYAML (the variants' values, the base's values,
the stage numbers' sources), and the integrated GBI burnout speed of 8.55 km/s that
``tests/test_scenario_istaged.py`` reproduces with its own DOP853 integration of the catalog stages.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from shieldcheck.report.html import _change_text, _headline, _variant_entries, _variants_table, build_report
from shieldcheck.scenario import load_scenario
from shieldcheck.study import boost_note, build_study, headline_basis, stage_data_basis, variant_changes

ROOT = Path(__file__).resolve().parents[1] / "src" / "shieldcheck"
FLAG = "european-third-site-2007"
STAGED = "interceptor_types.gbi-2stage.staged=true"
VARIANTS = ["base", "speed-postol-9", "speed-mda", "fylingdales-warning-only"]
INTEGRATED = "8.55 km/s"  # the catalog stages flown by test_scenario_istaged's independent DOP853 integration


def _yaml(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


FLAG_YAML = _yaml(ROOT / "scenarios" / f"{FLAG}.yaml")


def _set(variant: str, path: str):
    v = FLAG_YAML["variants"][variant]["set"][path]
    return v["value"] if isinstance(v, dict) else v


def _base_speed() -> float:
    v = FLAG_YAML["interceptor_types"]["gbi-2stage"]["burnout_speed_km_s"]
    return v["value"] if isinstance(v, dict) else v


SPEED = "interceptor_types.gbi-2stage.burnout_speed_km_s"


@pytest.fixture(scope="module")
def model():
    return load_scenario(FLAG)


@pytest.fixture(scope="module")
def plain(model):
    return build_study(model, variants=VARIANTS, thresholds=False)


@pytest.fixture(scope="module")
def staged(model):
    return build_study(model, variants=VARIANTS, sets=[STAGED], thresholds=False)


def _labels(model):
    return {t.name: (t.label or t.name) for t in model.threats}


def test_headline_names_the_variants_value(model, plain):
    # the trial: "In variant speed-postol-9, ... 10 of 10" did not say 9 km/s
    nine, base = _set("speed-postol-9", SPEED), _base_speed()
    basis = headline_basis(plain, "speed-postol-9", model.variants["speed-postol-9"].set)
    assert basis == f"with gbi-2stage's burnout speed set to {nine:g} km/s (base {base:g} km/s)"
    line = _headline(plain, "speed-postol-9", _labels(model), basis)
    assert line.startswith(f"In variant speed-postol-9 {basis}, by this model's estimate from public figures")
    # the base scenario with no --set rests on nothing else; a variant that moves nothing adds nothing
    assert headline_basis(plain, "base") == ""
    assert headline_basis(plain, "speed-mda", model.variants["speed-mda"].set) == ""
    assert (headline_basis(plain, "fylingdales-warning-only", model.variants["fylingdales-warning-only"].set)
            == "with fylingdales-uewr's fire control set to no (base yes)")


def test_headline_names_the_set_and_the_estimated_stages(model, staged):
    # the trial: "In the base scenario, ... 10 of 10 routes defended" under --set ...staged=true, from stage
    # data that are all estimates (read from the catalog below), said nothing of either
    basis = headline_basis(staged, "base")
    assert basis == (f"with --set {STAGED} and gbi-2stage's burnout speed taken as the {INTEGRATED} "
                     "integrated from estimated stage data (not a published figure)")
    assert _headline(staged, "base", _labels(model), basis).startswith(f"In the base scenario {basis}, by")
    nine = _set("speed-postol-9", SPEED)
    assert headline_basis(staged, "speed-postol-9", model.variants["speed-postol-9"].set) == (
        f"with gbi-2stage's burnout speed of {nine:g} km/s replaced by the {INTEGRATED} integrated from "
        f"estimated stage data (not a published figure) and --set {STAGED}")


def _catalog_sources(name: str) -> list[str]:
    for entry in _yaml(ROOT / "catalog" / "interceptors.yaml"):
        if entry["name"] == name:
            b = entry["booster"]
            return [b["payload_kg"]["source"]] + [v["source"] for st in b["stages"] for v in st.values()]
    raise KeyError(name)


SMALL = """
name: staged-small
title: "One staged interceptor against one IRBM"
question: "What do its stages give?"
interceptor_types:
  kv: {{staged: true, launch_delay_s: 5, booster: {{payload_kg: {{value: 150, source: '{payload}'}},
       cd_mach: standard, stages: [{stages}]}}}}
interceptor_sites:
  - {{name: redzikowo, place: redzikowo, interceptor: kv, inventory: 10}}
radars:
  - {{name: brdy, place: "49.62,13.73", max_range_km: 2000, elevation_mask_deg: 2}}
early_warning:
  - {{name: ew, detection_delay_s: 60}}
threats:
  - {{name: iran-uk, launch: [tehran], targets: [london], missile: irbm-5500}}
"""


def _small(tmp_path, payload_source: str, stage_source: str) -> Path:
    """The catalog's gbi-2stage stages written into a scenario under another name, with other sources."""
    entry = next(e for e in _yaml(ROOT / "catalog" / "interceptors.yaml") if e["name"] == "gbi-2stage")
    stages = ", ".join(
        "{" + ", ".join(f"{k}: {{value: {v['value']}, source: '{stage_source}'}}" for k, v in st.items())
        + "}"
        for st in entry["booster"]["stages"])
    path = tmp_path / "small.yaml"
    path.write_text(SMALL.format(payload=payload_source, stages=stages), encoding="utf-8")
    return path


def test_stage_data_basis_reads_the_sources(staged, tmp_path):
    # the word comes from the stage numbers' sources, for any type: the catalog's gbi-2stage (every source an
    # estimate, read from the YAML here), and a scenario's own booster: block named otherwise
    assert all(s.lower().startswith("estimate") for s in _catalog_sources("gbi-2stage"))
    assert stage_data_basis(staged, "base", "gbi-2stage") == "estimated stage data"
    doc = "Vendor, Motor data sheet, 2001, https://example.org/motor"
    public = build_study(str(_small(tmp_path, doc, doc)), thresholds=False)
    assert stage_data_basis(public, "base", "kv") == "stage data from public sources"
    assert "not a published figure" not in boost_note(public)
    mixed = build_study(str(_small(tmp_path, "estimate: a guess", doc)), thresholds=False)
    assert stage_data_basis(mixed, "base", "kv") == "partly estimated stage data"
    assert "integrated from partly estimated stage data (not a published figure)" in boost_note(mixed)


def test_variants_table_marks_replaced_and_unchanged_values(model, plain, staged):
    names = VARIANTS
    html_staged = _variants_table(model, names, _variant_entries(staged, model))
    nine = _set("speed-postol-9", SPEED)
    row = next(r for r in html_staged.split("<tr>") if "<td>speed-postol-9</td>" in r)
    # the variant's own value, rounded, and what replaced it; the description marked as overridden
    assert f"the variant's {nine:g} km/s <b>replaced by the {INTEGRATED} integrated from estimated" \
        in row
    assert "<b>Overridden in this study:</b>" in row
    assert "8.55166" not in html_staged and "→ 8.55" not in html_staged
    html_plain = _variants_table(model, names, _variant_entries(plain, model))
    mda = next(r for r in html_plain.split("<tr>") if "<td>speed-mda</td>" in r)
    assert f"{_set('speed-mda', SPEED):g} km/s: unchanged (same as base)" in mda
    assert "Overridden" not in html_plain
    fyl = next(r for r in html_plain.split("<tr>") if "<td>fylingdales-warning-only</td>" in r)
    # the base's value from the scenario file (fire_control defaults to true where the file says nothing)
    radar = next(r for r in FLAG_YAML["radars"] if r["name"] == "fylingdales-uewr")
    assert radar.get("fire_control", True) is True
    assert _set("fylingdales-warning-only", "radars.fylingdales-uewr.fire_control") is False
    assert "yes → <b>no</b>" in fyl and "False" not in html_plain
    # the compact table's text says the same
    texts = {v: "; ".join(_change_text(c) for c in variant_changes(staged, v, model.variants[v].set))
             for v in names[1:]}
    assert texts["speed-postol-9"] == (f"{SPEED}: the variant's {nine:g} km/s replaced by the {INTEGRATED} "
                                       "integrated from estimated stage data (not a published figure), "
                                       "unchanged (same as base)")
    assert texts["fylingdales-warning-only"] == "radars.fylingdales-uewr.fire_control: yes → no"


def test_boost_note_is_one_plain_sentence_with_units(staged):
    note = boost_note(staged)
    assert note.count("interceptor gbi-2stage:") == 1  # one sentence for all variants, not one each
    assert re.search(r"\d\.\d\d km/s gravity loss and \d\.\d\d km/s drag loss", note)
    assert f"{INTEGRATED} burnout speed integrated from estimated stage data (not a published figure)" in note
    depth = deepest = 0
    for ch in note:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        deepest = max(deepest, depth)
    assert deepest == 1 and depth == 0
    # every variant's replaced speed is named once, with who set it, from the scenario file
    for v in ("speed-postol-9", "speed-mda"):
        assert f"{_set(v, SPEED):g} km/s from variant {v}" in note


def test_report_header_and_headline_name_the_override(tmp_path):
    # the whole path through build_report, on a one-route scenario: the header lists the --set and what the
    # numbers rest on, and ReportResult.headline (printed by the CLI) carries the same phrase
    text = FAST.format(speed=_set("speed-postol-9", SPEED))
    path = tmp_path / "fast.yaml"
    path.write_text(text, encoding="utf-8")
    res = build_report(str(path), tmp_path / "out", variant="fast",
                       sets=["interceptor_types.gbi.staged=true"], resolution_deg=4.0)
    page = res.path.read_text(encoding="utf-8")
    assert " · --set <code>interceptor_types.gbi.staged=true</code>" in page
    want = (f"with gbi&#x27;s burnout speed of {_set('speed-postol-9', SPEED):g} km/s replaced by the "
            f"{INTEGRATED} integrated from estimated stage data (not a published figure) and --set "
            "interceptor_types.gbi.staged=true")
    assert f"<b>These numbers are not the scenario's own:</b> {want}." in page
    assert res.headline.startswith("In variant fast with gbi's burnout speed of ")
    assert "not a published figure" in res.headline


FAST = """
name: fast-small
title: "One GBI against one IRBM"
question: "Is it defended?"
interceptor_types:
  gbi: {{catalog: gbi-2stage}}
interceptor_sites:
  - {{name: redzikowo, place: redzikowo, interceptor: gbi, inventory: 10}}
radars:
  - {{name: brdy, place: "49.62,13.73", max_range_km: 2000, elevation_mask_deg: 2}}
early_warning:
  - {{name: ew, detection_delay_s: 60}}
threats:
  - {{name: iran-uk, launch: [tehran], targets: [london], missile: irbm-5500}}
variants:
  fast:
    description: "Postol's figure"
    source: "estimate: for the test"
    set: {{interceptor_types.gbi.burnout_speed_km_s: {speed}}}
"""
