"""`shieldcheck compare`: studies side by side, read from the studies (nothing recomputed)."""

import csv
import json

import numpy as np
import pytest
from typer.testing import CliRunner

from shieldcheck.cli import app
from shieldcheck.compare import MAX_COMPARE, compare, parse_spec
from shieldcheck.errors import InputError
from shieldcheck.study import build_study


@pytest.fixture(scope="module")
def turkey_vs_poland():
    return compare(["turkey-alternative-2007", "turkey-alternative-2007:poland"])


def test_columns_equal_the_studies_they_come_from(turkey_vs_poland):
    c = turkey_vs_poland
    assert c.labels == ("turkey-alternative-2007", "turkey-alternative-2007:poland")
    assert c.studies[0] is c.studies[1]  # variants of one scenario share one study
    study = build_study("turkey-alternative-2007", variants=["base", "poland"], thresholds=False)
    for row in c.groups_table():
        for label, variant in zip(c.labels, ("base", "poland"), strict=True):
            g = study.group(variant, row["threat"])
            assert row[label] == f"{g.routes_defended}/{g.routes_reachable}"


def test_the_turkey_table_tells_the_story(turkey_vs_poland):
    groups = {r["threat"]: r for r in turkey_vs_poland.groups_table()}
    assert groups["iran-us-east-coast"]["turkey-alternative-2007"] == "0/9"
    assert groups["iran-us-east-coast"]["turkey-alternative-2007:poland"] == "9/9"
    # The README's band for Russia to Washington/New York from Poland, and the higher one from Turkey.
    assert groups["russia-us"]["turkey-alternative-2007:poland threshold"] == "6.35-6.97 km/s"
    assert groups["russia-us"]["turkey-alternative-2007 threshold"] == "8.06-9.18 km/s"
    targets = {(r["threat"], r["target"]): r for r in turkey_vs_poland.targets_table()}
    assert targets[("iran-europe", "ankara")]["turkey-alternative-2007:poland"] == "0/3"
    assert targets[("iran-europe", "ankara")]["turkey-alternative-2007"] == "2/3"
    assert targets[("iran-europe", "ankara")]["turkey-alternative-2007:poland window_s"] is None


def test_compare_across_the_date_line_and_cannot_reach():
    c = compare(["us-homeland-north-korea", "us-homeland-north-korea:taepodong-2-class"], thresholds=False)
    targets = {r["target"]: r for r in c.targets_table()}
    assert targets["honolulu"]["us-homeland-north-korea"] == "2/2"
    assert targets["new-york"]["us-homeland-north-korea:taepodong-2-class"] == "cannot reach"
    assert targets["anchorage"]["us-homeland-north-korea:taepodong-2-class"] == "2/2"
    data = json.loads(json.dumps(c.to_dict()))
    assert [col["variant"] for col in data["columns"]] == ["base", "taepodong-2-class"]
    assert [s["label"] for s in data["columns"][0]["sites"]] == ["Fort Greely", "Vandenberg"]
    assert len(data["routes"]) == 14
    route = next(r for r in data["routes"] if r["target"] == "new-york" and r["launch"] == "pyongyang")
    assert route["us-homeland-north-korea:taepodong-2-class"] == "threat_cannot_reach"


def test_side_by_side_map_across_the_date_line(tmp_path):
    from PIL import Image

    c = compare(["us-homeland-north-korea", "us-homeland-north-korea:no-sbx"], thresholds=False)
    path = c.write_map(tmp_path / "side.png")
    with Image.open(path) as im:
        width, height = im.size
        assert width > 1000 and height > 300
        # the "none defended" red (Honolulu without SBX) appears only in the right-hand panel
        px = np.asarray(im.convert("RGB")).astype(int)
    red = (abs(px[..., 0] - 0xD7) < 12) & (abs(px[..., 1] - 0x30) < 12) & (abs(px[..., 2] - 0x27) < 12)
    cols = np.flatnonzero(red.any(axis=0))
    assert cols.size and cols.min() > width // 2


@pytest.mark.parametrize(
    ("specs", "message"),
    [
        (["european-third-site-2007"], f"compare needs 2 to {MAX_COMPARE} studies, got 1"),
        (["european-third-site-2007", "european-third-site-2007"], "each study may be named once"),
        (["european-third-site-2007", "european-third-site-2007:"], "SCENARIO or SCENARIO:VARIANT"),
        (["european-third-site-2007", "european-third-site-2007:nope"], "variant 'nope' is not defined"),
    ],
)
def test_bad_specs_are_named(specs, message):
    with pytest.raises(InputError, match=message):
        compare(specs, thresholds=False)


def test_parse_spec_keeps_paths_with_colons_apart():
    assert parse_spec("turkey-alternative-2007") == ("turkey-alternative-2007", "base")
    assert parse_spec("a.yaml:fast") == ("a.yaml", "fast")


def test_cli_compare_table_json_csv_and_exit_2(tmp_path):
    runner = CliRunner()
    args = ["compare", "european-third-site-2007", "turkey-alternative-2007", "--no-thresholds"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "38/39" in result.output and "36/39" in result.output
    result = runner.invoke(app, [*args, "--json"])
    assert json.loads(result.output)["groups"][0]["turkey-alternative-2007"] == "38/39"
    out = tmp_path / "t.csv"
    result = runner.invoke(app, [*args, "--csv", str(out)])
    assert result.exit_code == 0 and f"wrote {out}" in " ".join(result.output.split())  # never silent
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["target"] for r in rows} >= {"ankara", "washington"}
    result = runner.invoke(app, ["compare", "european-third-site-2007"])
    assert result.exit_code == 2
    assert "compare needs 2 to" in result.output


def test_band_says_what_none_means():
    from types import SimpleNamespace as NS

    from shieldcheck.compare import Comparison

    recs = [
        NS(variant="base", threat="t", site="", threshold_status="found", threshold_speed_km_s=1.5),
        NS(
            variant="base",
            threat="t",
            site="",
            threshold_status="none_below_escape",
            threshold_speed_km_s=None,
        ),
    ]
    c = object.__new__(Comparison)
    object.__setattr__(c, "specs", [("s", "base")])
    object.__setattr__(c, "studies", [NS(thresholds=recs)])
    assert c._band(0, "t") == "1.50 km/s (1 route: none below escape speed)"


def test_side_by_side_map_marks_sites_by_their_place(tmp_path, monkeypatch):
    from shieldcheck.report import maps

    drawn: list = []
    real = maps.plot_places

    def spy(ax, names, *args, kind=None, **kwargs):
        if kind == "interceptor":
            drawn.append(list(names))
        return real(ax, names, *args, kind=kind, **kwargs)

    monkeypatch.setattr(maps, "plot_places", spy)
    c = compare(["turkey-alternative-2007", "turkey-alternative-2007:poland"], thresholds=False)
    c.write_map(tmp_path / "m.png")
    assert drawn == [["Incirlik Air Base"], ["Redzikowo"]]


# --------------------------------------------------------------------------------------------------------
# The comparison as an HTML page (a view of the comparison: same numbers, nothing recomputed)


def _page_parts(text):
    import re

    images = re.findall(r'<img alt="([^"]*)" src="data:image/png;base64,([^"]+)"', text)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", text, re.S)
    return images, cells


def test_html_page_across_the_date_line(tmp_path):
    import base64
    import io
    import re

    from PIL import Image

    from shieldcheck.report.compare_html import write_compare_report

    c = compare(["us-homeland-north-korea", "us-homeland-north-korea:no-sbx"], thresholds=False)
    path = write_compare_report(c, tmp_path)
    assert path.name == "compare-us-homeland-north-korea--us-homeland-north-korea-no-sbx.html"
    text = path.read_text(encoding="utf-8")
    # the report's standards: one landmark, a language, nothing fetched, no script, alt texts
    assert text.count("<main>") == 1 and "<html lang='en'>" in text
    assert not re.search(r"<(script|link|iframe)\b", text, re.I)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", text, re.I)
    assert "All results are model estimates" in text and "id='limits'" in text
    images, cells = _page_parts(text)
    ((alt, b64),) = images
    assert "no launch defended: honolulu" in alt  # without SBX, as the targets table says
    # the page's cells are the comparison's numbers, in order
    groups = c.groups_table()
    for row in groups:
        k = cells.index(row["threat"])
        assert cells[k + 1].startswith(row["us-homeland-north-korea"])
        assert cells[k + 2].startswith(row["us-homeland-north-korea:no-sbx"])
    targets = {r["target"]: r for r in c.targets_table()}
    assert targets["honolulu"]["us-homeland-north-korea:no-sbx"] == "0/2"
    assert "Fort Greely (fort-greely)" in text
    # every route, with Honolulu's reason without SBX
    assert "id='routes'" in text and "<details>" in text
    assert text.count("pyongyang → honolulu") == 1
    # the map spans the date line: the Korean launch areas at the left edge, the U.S. East Coast at the
    # right; the red of the undefended Honolulu appears only in the right-hand (no-SBX) panel
    with Image.open(io.BytesIO(base64.b64decode(b64))) as im:
        px = np.asarray(im.convert("RGB")).astype(int)
    width = px.shape[1]
    red = (abs(px[..., 0] - 0xD7) < 12) & (abs(px[..., 1] - 0x30) < 12) & (abs(px[..., 2] - 0x27) < 12)
    cols = np.flatnonzero(red.any(axis=0))
    assert cols.size and cols.min() > width // 2


def test_html_page_escapes_every_text(tmp_path):
    from shieldcheck.report.compare_html import compare_page

    text = (
        "name: esc\n"
        'title: "<script>alert(1)</script> & co"\n'
        'question: "Is <b>bold</b> escaped?"\n'
        "places:\n"
        '  - {name: odd, label: "<img src=x onerror=alert(2)>", latitude_deg: 44.1, longitude_deg: 24.3, '
        'source: "estimate"}\n'
        "interceptor_types:\n"
        "  i5:\n"
        "    burnout_speed_km_s: {value: 5.0, source: estimate}\n"
        "    burn_time_s: {value: 60, source: estimate}\n"
        "    burnout_altitude_km: {value: 100, source: estimate}\n"
        "interceptor_sites:\n"
        "  - {name: s1, place: odd, interceptor: i5, inventory: 4}\n"
        "threats:\n"
        "  - {name: g, launch: [tabriz], targets: [rome], missile: irbm-3700}\n"
        "variants:\n"
        "  faster: {description: d, source: s, set: {interceptor_types.i5.burnout_speed_km_s: 6.0}}\n"
    )
    path = tmp_path / "esc.yaml"
    path.write_text(text, encoding="utf-8")
    c = compare([str(path), f"{path}:faster"], thresholds=False)
    page = compare_page(c, map_png=b"\x89PNG\r\n\x1a\n")
    assert "<script>" not in page and "<img src=x" not in page and "<b>bold" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    assert "&lt;img src=x onerror=alert(2)&gt; (s1)" in page


def test_cli_compare_writes_the_page_and_reports_a_bad_folder(tmp_path):
    runner = CliRunner()
    args = ["compare", "turkey-alternative-2007", "turkey-alternative-2007:poland", "--no-thresholds"]
    speed = "interceptor_types.gbi-2stage.burnout_speed_km_s=8"
    result = runner.invoke(app, [*args, "--set", speed, "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    (page,) = tmp_path.glob("*.html")
    assert page.name in result.output.replace("\n", "")
    text = page.read_text(encoding="utf-8")
    assert "Incirlik Air Base (gbi-site): 10 × gbi-2stage, 8 km/s" in text and "Redzikowo (gbi-site)" in text
    assert text.count(f"--set <code>{speed}</code>") == 2  # the override, stated for each column
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(app, [*args, "-o", str(blocker / "sub")])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1


def test_readme_three_way_threshold_bands():
    # The README's `compare` example: the bands of least interceptor speed for Russia -> DC/NY.
    c = compare(
        [
            "european-third-site-2007",
            "turkey-alternative-2007",
            "phased-adaptive-approach-2009:phase-4-cancelled",
        ]
    )
    russia = next(r for r in c.groups_table() if r["threat"] == "russia-us")
    assert russia["european-third-site-2007 threshold"] == "6.35-6.97 km/s"
    assert russia["turkey-alternative-2007 threshold"] == "8.06-9.18 km/s"
    assert russia["phased-adaptive-approach-2009:phase-4-cancelled threshold"] == "6.47-6.97 km/s"
    assert [russia[label] for label in c.labels] == ["0/10", "0/10", "0/10"]


def test_every_route_side_by_side(turkey_vs_poland):
    # Which routes, not only how many: per route the status, the window or the reason; the counts agree
    # with the groups table.
    c = turkey_vs_poland
    rows = c.routes_table()
    assert len(rows) == 39 + 9 + 10
    for label in c.labels:
        for g in c.groups_table():
            defended = sum(r[label] == "defended" for r in rows if r["threat"] == g["threat"])
            assert f"{defended}/" in g[label] and g[label].startswith(f"{defended}/")
    route = {(r["launch"], r["target"]): r for r in rows}
    tabriz_ankara = route[("tabriz", "ankara")]
    assert tabriz_ankara["turkey-alternative-2007"] == "not_defended"
    assert tabriz_ankara["turkey-alternative-2007 reason"]
    tehran_dc = route[("tehran", "washington")]
    assert tehran_dc["turkey-alternative-2007:poland"] == "defended"
    assert tehran_dc["turkey-alternative-2007:poland window_s"] > 0
    assert "too slow" in tehran_dc["turkey-alternative-2007 reason"]


def test_html_page_in_chromium_offline_with_axe(tmp_path):
    # The page in a real browser with every non-file request aborted: the map loads, and axe-core (the
    # accessibility checker the web app's tests use) finds no serious or critical violation.
    import os
    import shutil
    import urllib.parse
    from pathlib import Path

    playwright_api = pytest.importorskip("playwright.sync_api")
    chromium = "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else shutil.which("chromium")
    if chromium is None:
        pytest.skip("headless Chromium is not installed (make test installs Debian's chromium via apt)")
    axe = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
    from shieldcheck.report.compare_html import write_compare_report

    c = compare(["us-homeland-north-korea", "us-homeland-north-korea:no-sbx"], thresholds=False)
    page_path = write_compare_report(c, tmp_path)
    asked: list[str] = []

    def gate(route):
        asked.append(route.request.url)
        scheme = urllib.parse.urlparse(route.request.url).scheme
        return route.continue_() if scheme in ("file", "data") else route.abort()

    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            page.route("**/*", gate)
            page.goto(page_path.resolve().as_uri())
            loaded = page.evaluate(
                "[...document.images].map(i => [i.complete && i.naturalWidth > 800, i.alt])"
            )
            page.add_script_tag(path=str(axe))
            violations = page.evaluate(
                "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                ".filter(v => ['serious', 'critical'].includes(v.impact)).map(v => v.id)"
            )
        finally:
            browser.close()
    assert loaded and all(ok and alt for ok, alt in loaded)
    assert violations == []
    assert all(urllib.parse.urlparse(u).scheme in ("file", "data") for u in asked), asked


def test_cli_flags_threshold_bands_below_the_climb_to_burnout(tmp_path):
    # the flagship's Iran -> Europe band starts at 1.41 km/s, below the 1.95 km/s the GBI needs just to climb
    # to its fixed 200 km burnout point (README, Limits: an artefact); the console and the page must say so
    result = CliRunner().invoke(
        app,
        [
            "compare", "european-third-site-2007", "european-third-site-2007:speed-postol-9",
            "-o", str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "1.41-10.51 km/s" in text
    assert "european-third-site-2007: 6 route(s) need less than the 1.95 km/s" in text and "artefact" in text
    assert "european-third-site-2007:speed-postol-9: 6 route(s)" in text
    (page,) = tmp_path.glob("compare-*.html")
    html = " ".join(page.read_text().split())
    assert "6 route(s) need less than the 1.95 km/s" in html and "not a speed to quote" in html
