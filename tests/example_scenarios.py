"""Scenario files for tests: the README's minimal example with one threat group added."""

from __future__ import annotations

from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "minimal-scenario.yaml"
_ANCHOR = ("  - {name: tabriz-west, launch: [tabriz], targets: [rome, vienna], missile: irbm-3700, "
           "shape: min-energy}\n")


def minimal_with_group(tmp_path: Path, group: str, file_name: str) -> Path:
    """Write the minimal example with ``group`` (one YAML flow-mapping line) after its first threat group."""
    text = EXAMPLE.read_text(encoding="utf-8")
    assert _ANCHOR in text
    p = tmp_path / file_name
    p.write_text(text.replace(_ANCHOR, _ANCHOR + "  - " + group + "\n"), encoding="utf-8")
    return p
