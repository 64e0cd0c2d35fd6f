"""Sources a reader can follow: nothing in the package cites a file outside it, and every ``source:`` in its
data files is a non-empty public citation (or an ``estimate:`` with its reason), never an internal file."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

PKG = Path(__file__).resolve().parents[1] / "src" / "shieldcheck"
# words that point at a file of ours rather than a public document
INTERNAL = re.compile(r"references\.md|shared/|/work/|\.\./|see the (team|project)'s", re.I)


def _text_files():
    for p in sorted(PKG.rglob("*")):
        if p.is_file() and p.suffix in (".py", ".yaml", ".yml", ".md", ".txt", ".json", ".html", ".css"):
            if "__pycache__" not in p.parts and "mapdata" not in p.parts:
                yield p


def _sources(node, path=""):
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("source", "sources") and isinstance(v, str):
                yield f"{path}.{k}", v
            elif k == "sources" and isinstance(v, dict):
                for kk, vv in v.items():
                    yield f"{path}.sources.{kk}", vv
            else:
                yield from _sources(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _sources(v, f"{path}[{i}]")


def _bad_sources(files):
    bad = []
    for p in files:
        for where, text in _sources(yaml.safe_load(p.read_text(encoding="utf-8"))):
            if not str(text).strip() or INTERNAL.search(str(text)):
                bad.append(f"{p.relative_to(PKG)}{where}: {text!r}")
    return bad


def test_scenario_sources_name_public_documents():
    files = sorted((PKG / "scenarios").glob("*.yaml"))
    assert files
    assert _bad_sources(files) == []


def test_study_and_report_text_cites_nothing_outside_the_package():
    mine = [PKG / "study.py", PKG / "engagement.py", PKG / "cli.py", *sorted((PKG / "report").glob("*.py"))]
    mine += sorted((PKG / "scenarios").glob("*.yaml"))
    bad = [str(p.relative_to(PKG)) for p in mine if INTERNAL.search(p.read_text(encoding="utf-8"))]
    assert bad == []


def test_no_text_in_the_package_refers_outside_it_and_every_source_is_public():
    bad = [str(p.relative_to(PKG)) for p in _text_files() if INTERNAL.search(p.read_text(encoding="utf-8"))]
    bad += _bad_sources(sorted(PKG.rglob("*.yaml")))
    assert bad == []
