"""The map app in headless Chromium (Debian's /usr/bin/chromium driven by Playwright), network cut off.

Every request that is not to the loopback test server, a ``file://`` page, ``data:`` or ``blob:`` is
aborted and recorded; the tests assert none was attempted. Expected counts come from the CLI's
``shieldcheck engage --set ... --json``, never from the page or the web module. Screenshots of each
state are kept under the folder printed at the start (``SHIELDCHECK_ARTIFACTS`` or the temp folder).
Skipped, with the reason, where Chromium or the playwright package is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import urllib.parse
from pathlib import Path

import numpy as np
import pytest

playwright_api = pytest.importorskip("playwright.sync_api")
pytest.importorskip("fastapi")

from typer.testing import CliRunner  # noqa: E402

from shieldcheck.cli import app as cli_app  # noqa: E402
from web_server import running_server  # noqa: E402

CHROMIUM = next((p for p in ("/usr/bin/chromium",) if os.path.exists(p)), None) or shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="headless Chromium is not installed (make test installs Debian's chromium via apt)",
)
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--proxy-server=127.0.0.1:9",  # anything that slipped past the route filter goes to a dead port
]
FLAGSHIP = "european-third-site-2007"
SPEED = "interceptor_types.gbi-2stage.burnout_speed_km_s"
TIMEOUT_MS = 240_000  # a shared 2-core machine under load; a normal run takes seconds
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
ARTIFACTS = (
    Path(os.environ.get("SHIELDCHECK_ARTIFACTS", tempfile.gettempdir())) / "shieldcheck-web-screenshots"
)
LAND = (0xEF, 0xEA, 0xDC)  # app.css / app.js colours of land and sea
SEA = (0xA9, 0xCB, 0xE8)


@pytest.fixture(scope="module")
def server():
    with running_server() as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory, server):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    print(f"\nweb screenshots: {ARTIFACTS}")
    blocked: list[str] = []
    api_calls: list[str] = []

    def gate(route):
        url = urllib.parse.urlparse(route.request.url)
        if url.hostname == "127.0.0.1" and url.path.startswith("/api/"):
            api_calls.append(route.request.url)
        if url.scheme in ("file", "data", "blob") or url.hostname == "127.0.0.1":
            if url.path == "/__test__/axe.min.js":  # axe-core for the accessibility test, same origin
                return route.fulfill(path=str(AXE), content_type="text/javascript")
            return route.continue_()
        blocked.append(route.request.url)
        return route.abort()

    with playwright_api.sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=CHROMIUM,
            args=ARGS,
            headless=True,
            viewport={"width": 1400, "height": 900},
            accept_downloads=True,
        )
        ctx.set_default_timeout(TIMEOUT_MS)
        ctx.route("**/*", gate)
        ctx.blocked = blocked
        yield ctx
        ctx.close()
    assert not blocked, f"requests to other hosts: {blocked[:5]}"
    # the page sends the API only parameters it declares (the server refuses others with 422)
    from web_server import call

    doc = call(server, "/openapi.json")[2]
    declared = {path: {p["name"] for op in ops.values() for p in op.get("parameters", [])
                       if p["in"] == "query"} for path, ops in doc["paths"].items()}
    assert api_calls, "the page made no API request"
    for u in api_calls:
        url = urllib.parse.urlparse(u)
        keys = {k for k, _ in urllib.parse.parse_qsl(url.query, keep_blank_values=True)}
        assert url.path in declared and keys <= declared[url.path], (u, declared.get(url.path))


def open_page(browser, url):
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    page.goto(url)
    page.wait_for_selector("body[data-ready]")
    return page


def ready(page) -> str:
    return page.evaluate("document.body.dataset.ready")


def wait_recomputed(page, before: str):
    wait_until(page, "(b) => document.body.dataset.ready && document.body.dataset.ready !== b", before)


def wait_until(page, predicate: str, arg=None):
    """Poll a JS function until it is truthy (``wait_for_function`` would need 'unsafe-eval' in the CSP)."""
    import time

    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while not page.evaluate(predicate, arg):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {predicate}; status: {page.inner_text('#status')}")
        page.wait_for_timeout(100)


def counts(page) -> dict[str, int]:
    out = {}
    for el in page.query_selector_all("#groups [data-testid]"):
        out[el.get_attribute("data-testid").removeprefix("defended-")] = int(el.inner_text())
    return out


def cli_counts(*sets: str) -> dict[str, int]:
    args = ["engage", FLAGSHIP, "--json"]
    for s in sets:
        args += ["--set", s]
    result = CliRunner().invoke(cli_app, args)
    assert result.exit_code == 0, result.output
    defended: dict[str, set] = {}
    for r in json.loads(result.output):
        defended.setdefault(r["threat"], set())
        if r["engageable"]:
            defended[r["threat"]].add((r["launch"], r["target"]))
    return {k: len(v) for k, v in defended.items()}


def shot(page, name: str) -> Path:
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def colour_fraction(png: Path, rgb, tol: int = 6) -> float:
    from matplotlib import image as mpimg

    img = (mpimg.imread(png)[..., :3] * 255).round()
    return float(np.mean(np.all(np.abs(img - np.asarray(rgb)) <= tol, axis=-1)))


def test_page_loads_without_errors_and_draws_the_map(browser, server):
    page = open_page(browser, server + "/")
    assert page.errors == []
    png = ARTIFACTS / "01-loaded-map.png"
    page.locator("#map").screenshot(path=str(png))
    shot(page, "01-loaded")
    assert colour_fraction(png, LAND) > 0.05  # land drawn from the bundled Natural Earth layer
    assert colour_fraction(png, SEA) > 0.05
    assert page.locator("#routes tbody tr").count() == 58
    assert counts(page) == cli_counts()
    # the legend and the route table say each outcome in the study's words (one vocabulary): the legend
    # called an in-atmosphere route "threat cannot reach"
    from shieldcheck.study import STATUS_CAPTIONS

    legend = page.evaluate("Array.from(document.querySelectorAll('#legend li')).map("
                           "li => [li.dataset.outcome, li.textContent.trim()])")
    assert dict(legend) == {k: STATUS_CAPTIONS[k] for k in ("defended", "not_defended", "threat_cannot_reach",
                                                            "threat_in_atmosphere", "threat_invalid")}
    shown = set(page.evaluate("Array.from(document.querySelectorAll('#routes tbody td:nth-child(4)'))"
                              ".map(td => td.textContent)"))
    assert shown and shown <= set(STATUS_CAPTIONS.values()), shown
    page.close()


def test_interceptor_speed_changes_the_russian_count_as_engage_set_does(browser, server):
    page = open_page(browser, server + "/")
    base = counts(page)
    field = page.locator(f'input[data-path="{SPEED}"]')
    for speed in ("8", "5.4"):
        before = ready(page)
        field.fill(speed)
        field.dispatch_event("change")
        wait_recomputed(page, before)
        expected = cli_counts(f"{SPEED}={speed}")
        assert counts(page) == expected
        shot(page, f"02-speed-{speed}")
    assert cli_counts(f"{SPEED}=8")["russia-us"] != base["russia-us"]  # the change is visible at all
    assert page.errors == []
    page.close()


def drag_site(page, dx: int, dy: int):
    box, previous = None, {}
    while box != previous:  # wait for the map's zoom animation to settle
        previous, box = box, page.locator(".site-icon").first.bounding_box()
        page.wait_for_timeout(300)
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for k in range(1, 11):
        page.mouse.move(x + dx * k / 10, y + dy * k / 10)
    page.mouse.up()


def set_speed(page, value: str):
    """Type an interceptor burnout speed into its field and wait for the recomputed view."""
    field = page.locator(f'input[data-path="{SPEED}"]')
    before = ready(page)
    field.fill(value)
    field.dispatch_event("change")
    wait_recomputed(page, before)


def moved_place(page) -> str:
    query = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
    places = [s for s in query.get("set", []) if s.startswith("interceptor_sites.redzikowo.place=")]
    assert len(places) == 1, page.url
    return places[0]


def test_dragging_the_site_recomputes_and_the_permalink_reloads_it(browser, server):
    page = open_page(browser, server + "/")
    set_speed(page, "8")
    before = ready(page)
    drag_site(page, 40, 150)  # south, toward the Balkans
    wait_recomputed(page, before)
    place = moved_place(page)
    expected = cli_counts(f"{SPEED}=8", place)
    assert counts(page) == expected
    assert counts(page) != cli_counts(f"{SPEED}=8")  # moving the site changed an answer
    shot(page, "03-dragged")
    rows = page.locator("#routes tbody").inner_text()
    # the permalink reproduces the view in a fresh page
    again = open_page(browser, page.url)
    assert counts(again) == expected
    assert again.locator(f'input[data-path="{SPEED}"]').input_value() == "8"
    assert again.locator("#routes tbody").inner_text() == rows
    assert moved_place(again) == place
    shot(again, "04-permalink")
    assert page.errors == [] and again.errors == []
    page.close()
    again.close()


def test_route_details_and_footprint(browser, server):
    page = open_page(browser, server + "/")
    page.locator("#routes tbody button.route").first.click()
    page.wait_for_selector("#detail:not([hidden]) #timeline svg")
    assert page.locator("#profile svg polyline").count() == 1
    assert "redzikowo" in page.locator("#reasons").inner_text()
    page.select_option("#fp-res", "1")
    page.click("#fp-draw")
    wait_until(page, "() => document.querySelector('#status').textContent === 'footprint drawn'")
    assert "fp=defended_area" in urllib.parse.unquote(page.url)
    shot(page, "05-route-and-footprint")
    assert page.errors == []
    page.close()


def test_snapshot_opens_from_file_with_the_same_answers(browser, server, tmp_path):
    page = open_page(browser, server + f"/?scenario={FLAGSHIP}&variant=speed-postol-8")
    live = page.locator("#groups").inner_text()
    page.select_option("#fp-res", "1")
    page.click("#fp-draw")
    wait_until(page, "() => document.querySelector('#status').textContent === 'footprint drawn'")
    with page.expect_download() as info:
        page.click("#dl-snapshot")
    path = tmp_path / "snapshot.html"
    info.value.save_as(path)
    page.close()
    snap = browser.new_page()
    requests: list[str] = []
    snap.on("request", lambda r: requests.append(r.url))
    errors: list[str] = []
    snap.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    snap.on("pageerror", lambda e: errors.append(str(e)))
    snap.goto(path.as_uri())
    snap.wait_for_selector("body[data-ready=snapshot]")
    assert snap.locator("#groups").inner_text() == live
    assert snap.locator("#routes tbody tr").count() == 58
    assert not snap.locator("#controls").is_visible()
    assert snap.evaluate("() => document.querySelectorAll('path[fill=\"#1a7f37\"]').length") >= 1  # footprint
    assert [u for u in requests if not u.startswith(("file:", "data:", "blob:"))] == []
    png = ARTIFACTS / "06-snapshot-map.png"
    snap.locator("#map").screenshot(path=str(png))
    assert colour_fraction(png, LAND) > 0.05
    shot(snap, "06-snapshot")
    assert errors == []
    snap.close()


def test_axe_core_finds_no_serious_or_critical_violation(browser, server):
    page = open_page(browser, server + "/")
    page.locator("#routes tbody button.route").first.click()
    page.add_script_tag(url=server + "/__test__/axe.min.js")
    violations = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
             .filter(v => v.impact === 'serious' || v.impact === 'critical')
             .map(v => ({id: v.id, impact: v.impact, help: v.help,
                         nodes: v.nodes.slice(0, 3).map(n => n.target)}))"""
    )
    assert violations == [], json.dumps(violations, indent=1)
    page.close()


def test_csv_and_geojson_downloads(browser, server, tmp_path):
    import csv

    page = open_page(browser, server + "/")
    with page.expect_download() as info:
        page.click("#dl-csv")
    path = tmp_path / "routes.csv"
    info.value.save_as(path)
    with open(path, newline="") as fh:
        routes = list(csv.DictReader(fh))
    assert len(routes) == 58
    defended = {}
    for r in routes:
        defended[r["threat"]] = defended.get(r["threat"], 0) + (r["status"] == "defended")
    assert defended == cli_counts()
    with page.expect_download() as info:
        page.click("#dl-geojson")
    path = tmp_path / "layers.geojson"
    info.value.save_as(path)
    layers = json.loads(path.read_text())
    kinds = [f["geometry"]["type"] for f in layers["features"]]
    tracks = [f for f in layers["features"] if f["properties"].get("kind") == "threat_track"]
    # the export's own document (exports.geojson_document): a threat track per route, plus interceptor
    # tracks, intercepts, sites and radar coverage
    assert len(tracks) == 58 and "Polygon" in kinds and "Point" in kinds
    assert layers["scenario"] == "european-third-site-2007" and "estimate" in layers["note"].lower()
    assert page.errors == []
    page.close()


def test_adding_a_site_by_clicking_the_map_recomputes(browser, server):
    page = open_page(browser, server + "/")
    page.click("#add-site")
    assert page.get_attribute("#add-site", "aria-pressed") == "true"
    box = page.locator("#map").bounding_box()
    before = ready(page)
    page.mouse.click(box["x"] + box["width"] * 0.62, box["y"] + box["height"] * 0.62)
    wait_recomputed(page, before)
    query = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)
    assert len(query.get("add", [])) == 1 and query["add"][0].startswith("added-1@")
    assert page.locator(".site-icon.added").count() == 1
    assert "added-1" in page.locator("#overrides").inner_text()
    shot(page, "07-added-site")
    assert page.errors == []
    page.close()


def test_keyboard_moves_a_site_with_the_arrow_keys_and_with_the_fields(browser, server):
    page = open_page(browser, server + "/")
    set_speed(page, "8")
    start = [float(page.input_value(f"#site-{k}")) for k in ("lat", "lon")]
    assert page.input_value("#site-pick") == "redzikowo"
    # arrow keys on the focused marker: a burst of presses is one move (10 x 2° south)
    page.locator(".site-icon").first.focus()
    before = ready(page)
    for _ in range(10):
        page.keyboard.press("Shift+ArrowDown")
    wait_recomputed(page, before)
    place = moved_place(page)
    assert place == f"interceptor_sites.redzikowo.place={start[0] - 20:.4f},{start[1]:.4f}"
    assert counts(page) == cli_counts(f"{SPEED}=8", place)
    assert counts(page) != cli_counts(f"{SPEED}=8")  # the move changed an answer
    assert page.evaluate("document.activeElement.classList.contains('site-icon')")  # focus survives redraw
    shot(page, "08-keyboard-moved")
    # the fields: type a place and press Enter
    page.fill("#site-lat", "45.5")
    page.fill("#site-lon", "21.25")
    before = ready(page)
    page.press("#site-lon", "Enter")
    wait_recomputed(page, before)
    place = moved_place(page)
    assert place == "interceptor_sites.redzikowo.place=45.5000,21.2500"
    assert counts(page) == cli_counts(f"{SPEED}=8", place)
    page.fill("#site-lat", "95")
    page.click("#site-move-btn")
    assert page.inner_text("#status") == "latitude must be within [-90, 90], got 95"
    assert page.errors == []
    page.close()


def test_the_page_opens_the_scenario_named_on_the_command_line(browser):
    with running_server(scenarios=["turkey-alternative-2007"]) as url:
        page = open_page(browser, url + "/")
        assert page.input_value("#scenario") == "turkey-alternative-2007"
        assert page.errors == []
        page.close()


def test_boost_phase_layer_toggles_with_no_console_error(browser, server, tmp_path):
    import yaml

    from test_study_boostphase import SCENARIO

    path = tmp_path / "bp-test.yaml"
    path.write_text(yaml.safe_dump(SCENARIO), encoding="utf-8")
    with running_server(scenarios=[str(path)]) as url:
        page = open_page(browser, url + "/")
        assert page.is_visible("#boost-phase")
        assert page.locator("#bp-list li").count() == 4 + 1  # one line per base, one per basing zone
        assert page.locator(".bp-base").count() == 0
        page.check("#bp-show")
        assert page.locator(".bp-base").count() == 4 and page.locator(".bp-zone").count() >= 1
        shot(page, "10-boost-phase-layer")
        page.uncheck("#bp-show")
        assert page.locator(".bp-base").count() == 0 and page.locator(".bp-zone").count() == 0
        assert page.errors == []
        page.close()
    flagship = open_page(browser, server + "/")  # no boost_phase: block, no section
    assert not flagship.is_visible("#boost-phase") and flagship.errors == []
    flagship.close()
