"""The flagship's CZML loaded by CesiumJS itself, in headless Chromium, offline (issue 9, "Must show").

CesiumJS 1.140 (``tests/vendor/cesium``, rebuilt by ``tools/build_cesium_test.py`` from the npm registry,
version and SHA-256 pinned) is the reference reader of CZML. The page, Cesium.js and the CZML are served
by Playwright's request interception from memory; every other request is aborted and recorded, and the
test asserts none was attempted (no Ion token, no imagery, no viewer: only ``Cesium.CzmlDataSource.load``).
Asserted: no error on the page or in the console; one entity per packet, with the packet's id and name;
every sampled position, evaluated by Cesium at its own sample times, and every constant position equal to
the file's longitude, latitude and height (Cesium converts them to WGS84 Cartesian and back). Skipped,
with the reason, where Chromium or the playwright package is missing.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import shutil
import urllib.parse
from pathlib import Path

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")

from typer.testing import CliRunner  # noqa: E402

from shieldcheck.cli import app  # noqa: E402

CHROMIUM = next((p for p in ("/usr/bin/chromium",) if os.path.exists(p)), None) or shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="headless Chromium is not installed (make test installs Debian's chromium via apt)",
)
CESIUM = Path(__file__).resolve().parent / "vendor" / "cesium" / "Cesium.js.gz"
ORIGIN = "http://czml.test"
TIMEOUT_MS = 180_000  # parsing 5.8 MB of JavaScript on a loaded 2-core machine; it takes seconds idle
PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>czml</title>
<script src="/Cesium.js"></script></head><body></body></html>"""
EVALUATE = """async ([czml, probes]) => {
  const ds = await Cesium.CzmlDataSource.load(czml);
  const entities = ds.entities.values.map((e) => ({id: e.id, name: e.name}));
  const out = [];
  for (const [id, iso, seconds] of probes) {
    const e = ds.entities.getById(id);
    let time = Cesium.JulianDate.fromIso8601(iso);
    time = Cesium.JulianDate.addSeconds(time, seconds, new Cesium.JulianDate());
    const p = e && e.position ? e.position.getValue(time) : undefined;
    if (!p) { out.push(null); continue; }
    const c = Cesium.Cartographic.fromCartesian(p, Cesium.Ellipsoid.WGS84);
    out.push([Cesium.Math.toDegrees(c.longitude), Cesium.Math.toDegrees(c.latitude), c.height]);
  }
  return {entities, out};
}"""


def _flagship_czml(tmp_path) -> list:
    result = CliRunner().invoke(
        app, ["export", "european-third-site-2007", "--format", "czml", "-o", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    return json.loads((tmp_path / "european-third-site-2007.czml").read_text())


def _probes(czml: list) -> tuple[list, list]:
    """(id, epoch, seconds) at which to evaluate positions, and the file's (lon, lat, height) there.

    Sampled intervals are probed at their interior sample times (a time on an interval's edge belongs to
    two intervals); constant positions at the document's start.
    """
    start = czml[0]["clock"]["interval"].split("/")[0]
    probes, expected = [], []
    for packet in czml[1:]:
        pos = packet.get("position")
        if pos is None:
            continue
        if isinstance(pos, dict):
            probes.append((packet["id"], start, 0.0))
            expected.append(pos["cartographicDegrees"][:3])
            continue
        for interval in pos:
            lo, hi = (_seconds(interval["epoch"], s) for s in interval["interval"].split("/"))
            samples = interval["cartographicDegrees"]
            for k in range(0, len(samples), 4):
                t = samples[k]
                if lo + 1e-6 < t < hi - 1e-6:
                    probes.append((packet["id"], interval["epoch"], t))
                    expected.append(samples[k + 1 : k + 4])
    return probes, expected


def _seconds(epoch: str, iso: str) -> float:
    parse = lambda s: dt.datetime.fromisoformat(s.replace("Z", "+00:00"))  # noqa: E731
    return (parse(iso) - parse(epoch)).total_seconds()


def test_cesium_loads_the_flagship_czml_offline(tmp_path):
    czml = _flagship_czml(tmp_path)
    probes, expected = _probes(czml)
    assert len(probes) > 1000  # threats, interceptors and sites all probed
    body = gzip.decompress(CESIUM.read_bytes())
    blocked: list[str] = []

    def gate(route):
        url = urllib.parse.urlparse(route.request.url)
        if f"{url.scheme}://{url.netloc}" == ORIGIN and url.path == "/":
            return route.fulfill(body=PAGE, content_type="text/html")
        if f"{url.scheme}://{url.netloc}" == ORIGIN and url.path == "/Cesium.js":
            return route.fulfill(body=body, content_type="text/javascript")
        if url.scheme in ("data", "blob"):
            return route.continue_()
        blocked.append(route.request.url)
        return route.abort()

    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--proxy-server=127.0.0.1:9"],
        )
        try:
            page = browser.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            page.route("**/*", gate)
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(f"{ORIGIN}/")
            page.wait_for_function("typeof Cesium !== 'undefined'")
            version = page.evaluate("Cesium.VERSION")
            got = page.evaluate(EVALUATE, [czml, probes])
        finally:
            browser.close()
    assert version == "1.140.0"
    assert not errors, errors[:5]
    assert not blocked, f"requests to the network: {blocked[:5]}"
    packets = {p["id"]: p.get("name") for p in czml[1:]}
    assert {e["id"]: e["name"] for e in got["entities"]} == packets
    worst_deg = worst_m = 0.0
    for (pid, _, t), want, have in zip(probes, expected, got["out"], strict=True):
        assert have is not None, f"{pid}: Cesium has no position at {t} s"
        dlon = abs((have[0] - want[0] + 180.0) % 360.0 - 180.0)
        worst_deg = max(worst_deg, dlon, abs(have[1] - want[1]))
        worst_m = max(worst_m, abs(have[2] - want[2]))
    # the file's 7 decimals of a degree are 1 cm; the round trip through Cartesian keeps far better
    assert worst_deg < 1e-9 and worst_m < 1e-3, (worst_deg, worst_m)
