"""The report is right for any scenario: key answers counted from `engage` rows by the test itself, for a
site moved to Turkey, a Pacific scenario across the date line with a site in Alaska, one where nothing can be
engaged, and one with two sites. Each must build (never exit 2) and list every variant and every site."""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
from collections import defaultdict

import numpy as np
import pytest
from matplotlib import image as mpimg
from matplotlib.colors import to_rgb
from scipy import ndimage

from shieldcheck.engagement import engage_scenario
from shieldcheck.report import maps
from shieldcheck.report.html import build_report
from shieldcheck.scenario import build, load_scenario

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

COMMON = """
interceptor_types:
  fast:
    burnout_speed_km_s: {speed}
    burn_time_s: 120
    burnout_altitude_km: 200
    min_intercept_altitude_km: 100
    max_intercept_altitude_km: 2000
    max_coast_time_s: 1500
    launch_delay_s: 5
early_warning:
  - {{name: ew, detection_delay_s: 60, source: "estimate"}}
variants:
  faster:
    description: "1.5 km/s faster"
    source: "illustration"
    set: {{interceptor_types.fast.burnout_speed_km_s: {faster}}}
"""

PACIFIC = """
name: pacific-test
title: "Pacific: a site in Alaska, targets on both sides of the date line"
question: "Which routes from North Korea can an interceptor in Alaska engage?"
interceptor_sites:
  - {name: fort-greely, place: "63.95,-145.73", interceptor: fast, inventory: 40}
radars:
  - {name: shemya, place: "52.72,174.10", max_range_km: 4000, source: "estimate"}
  - {name: clear, place: "64.29,-149.19", max_range_km: 4800, source: "estimate"}
threats:
  - {name: nk-pacific, launch: ["39.00,125.75"], targets: ["21.31,-157.86", "61.22,-149.90", "13.44,144.79",
     "47.61,-122.33"], missile: icbm-liquid-10000}
""" + COMMON.format(speed=7.0, faster=8.5)

NOTHING = """
name: nothing-test
title: "Nothing can be engaged"
question: "A slow interceptor far from every route"
interceptor_sites:
  - {name: far-away, place: "-40.0,-60.0", interceptor: fast, inventory: 4}
radars:
  - {name: r, place: "-40.0,-60.0", max_range_km: 1000, source: "estimate"}
threats:
  - {name: iran-europe, launch: [tehran], targets: [berlin, rome], missile: irbm-5500}
""" + COMMON.format(speed=1.0, faster=2.5)

TWO_SITES = """
name: two-sites-test
title: "Two sites"
question: "Poland and Romania against Iranian IRBMs"
interceptor_sites:
  - {name: redzikowo, place: redzikowo, interceptor: fast, inventory: 10}
  - {name: deveselu, place: deveselu, interceptor: fast, inventory: 24}
radars:
  - {name: kurecik-radar, place: kurecik, max_range_km: 1500, source: "estimate"}
  - {name: brdy, place: brdy, max_range_km: 2000, source: "estimate"}
threats:
  - {name: iran-europe, launch: [tehran, tabriz], targets: [berlin, rome, athens, ankara], missile: irbm-5500}
""" + COMMON.format(speed=5.0, faster=6.5)


def _counts(rows):
    """routes defended and routes the threat can reach per threat group, from plain engagement rows."""
    routes = defaultdict(list)
    for r in rows:
        routes[(r.threat, r.launch, r.target)].append(r)
    out = defaultdict(lambda: [0, 0])
    for (threat, _l, _t), rs in routes.items():
        out[threat][1] += rs[0].threat_status == "ok"
        out[threat][0] += any(r.engageable for r in rs)
    return {k: tuple(v) for k, v in out.items()}


def _check(result, model, sets=()):
    text = result.path.read_text(encoding="utf-8")
    labels = {t.name: t.label or t.name for t in model.threats}
    for v in [None, *model.variants]:
        counts = _counts(engage_scenario(build(model, variant=v, sets=list(sets))))
        for threat, (ok, reach) in counts.items():
            row = next(r for r in result.variant_changes if r["variant"] == (v or "base"))
            assert row["groups"][threat] == (ok, reach), (v, threat, row)
            if v is None:  # the headline quotes the base scenario's counts
                assert f"{labels[threat]}: {ok} of {reach} routes defended" in result.headline
    for s in build(model, sets=list(sets)).architecture.sites:
        assert s.name in text
    assert "<main>" in text and "name='viewport'" in text
    # pixels: the architecture map shows the targets' and the sites' marker colours
    alt, b64 = re.findall(r'<img alt="(Map of [^"]*)" src="data:image/png;base64,([^"]+)"', text)[0]
    img = mpimg.imread(io.BytesIO(base64.b64decode(b64)), format="png")[..., :3]
    rgb = np.asarray(to_rgb(maps.PLACE_KINDS["target"][1]))
    assert np.mean(np.all(np.abs(img - rgb) < 0.03, axis=-1)) > 1e-5, alt
    # every site is found, for certain: one blob of the site colour per distinct site place, each the size
    # of a marker, plus the legend's key (no track, fill or label uses that colour, no marker hides a site)
    rgb = np.asarray(to_rgb(maps.PLACE_KINDS["interceptor"][1]))
    blobs, n = ndimage.label(np.all(np.abs(img - rgb) < 0.03, axis=-1))
    sizes = np.bincount(blobs.ravel())[1:]
    places = {(s.latitude_deg, s.longitude_deg) for s in build(model, sets=list(sets)).architecture.sites}
    assert n == len(places) + 1, (n, sizes, alt)  # and the legend's key
    assert np.all((sizes > 40) & (sizes < 2000)), (sizes, alt)
    _chromium(result.path)
    return text


def _chromium(path):
    """Open the report offline in headless Chromium: a screenshot of the page, no console error."""
    if CHROMIUM is None:
        return
    shot = path.with_suffix(".png")
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        f"--user-data-dir={path.parent / 'profile'}",
        "--proxy-server=127.0.0.1:9",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--enable-logging=stderr",
        "--v=0",
        "--window-size=1000,2400",  # key answers and the variants table come before the map
        f"--screenshot={shot}",
        path.resolve().as_uri(),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert shot.exists(), proc.stderr[-2000:]
    console = [ln for ln in proc.stderr.splitlines() if "CONSOLE" in ln]
    assert console == []
    img = mpimg.imread(shot)[..., :3]
    assert img.shape[1] == 1000
    land = np.mean(np.all(np.abs(img - np.asarray(to_rgb(maps.LAND_COLOR))) < 0.03, axis=-1))
    assert land > 0.002 and np.mean(np.all(img > 0.97, axis=-1)) > 0.3


@pytest.mark.parametrize(
    ("name", "text"), [("pacific", PACIFIC), ("nothing", NOTHING), ("two-sites", TWO_SITES)]
)
def test_report_right_for_any_scenario(tmp_path, name, text):
    p = tmp_path / f"{name}.yaml"
    p.write_text(text)
    model = load_scenario(p)
    result = build_report(str(p), tmp_path, resolution_deg=3.0)
    _check(result, model)


def test_report_with_the_site_moved_to_turkey(tmp_path):
    sets = [
        "interceptor_sites.redzikowo.place=kurecik",
        "threats.iran-europe.targets=[berlin, ankara, athens]",
        "threats.russia-us.launch=[kozelsk]",
    ]
    model = load_scenario("european-third-site-2007")
    result = build_report("european-third-site-2007", tmp_path, sets=sets, resolution_deg=3.0)
    text = _check(result, model, sets)
    # the 2007 captions come from the scenario's claims:, not from code
    assert "MDA statement as reported by" in text
