"""Seventh session: what the views say (README "Seventh session: views").

Each test guards one fault kind found by the sixth session's breaker and new-user trial; each was seen
failing with its fix taken out (the README says how).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shieldcheck.cli import app

RUN = CliRunner()
ENV = {"COLUMNS": "200"}


def _flat(text: str) -> str:
    return " ".join(text.split())


# ------------------------------------------------------------------------------------- compare's caveat
def test_compare_says_its_model_caveat_once():
    # three columns printed "Model estimates from public figures (...)" three times, once per column
    args = ["compare", "turkey-alternative-2007", "turkey-alternative-2007:poland",
            "turkey-alternative-2007:speed-postol-9", "--no-thresholds"]
    out = RUN.invoke(app, args, env=ENV)
    assert out.exit_code == 0, out.output
    text = _flat(out.output)
    assert text.count("Model estimates from public figures") == 1, text[-800:]
    assert text.count("interceptors: kinematic reach, no homing") == 1
    assert "every source is in the scenario files" in text


# ------------------------------------------------------------------- web: unknown query parameters
@pytest.fixture(scope="module")
def web(web_url):
    return web_url


def test_every_api_endpoint_refuses_a_query_parameter_it_does_not_declare(web):
    # `/api/study?scenario=...&bogus=1` answered 200, the parameters ignored. Walk the OpenAPI document:
    # every operation, given an undeclared parameter, answers 422 naming it and the ones it accepts.
    from web_server import call

    doc = call(web, "/openapi.json")[2]
    good_query = {"/api/trajectory": "launch=tehran&target=berlin&step_s=60"}
    bodies = {"/api/reach": {"launch": "tehran", "missile": "icbm-solid"}}
    seen = 0
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            declared = [p["name"] for p in op.get("parameters", []) if p["in"] == "query"]
            query = good_query.get(path, "")
            body = None if method == "get" else bodies.get(path, {"scenario": "european-third-site-2007"})
            status, _, answer = call(web, f"{path}?{query + '&' if query else ''}bogus_parameter=1", body)
            assert status == 422, (path, status, answer)
            text = answer["error"]
            assert text.startswith("bogus_parameter: unknown query parameter; " + path), text
            if declared:
                assert f"accepts {', '.join(declared)}" in text, text
            else:
                assert "takes no query parameters" in text, text
            seen += 1
    assert seen >= 10
    # the declared ones still work, and the page's own permalink (not under /api/) keeps its keys
    status, _, answer = call(web, "/api/trajectory?launch=tehran&target=berlin&step_s=60")
    assert status == 200 and answer["launch"] == "tehran"
    assert call(web, "/?scenario=european-third-site-2007&set=a=1&set=b=2")[0] == 200


# ------------------------------------------------------- output options: a late write names its option
@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["trajectory", "tehran", "berlin", "--csv", "/proc/x.csv"],
         "--csv /proc/x.csv: cannot write this file"),
        (["engage", "european-third-site-2007", "--csv", "/proc/x.csv"],
         "--csv /proc/x.csv: cannot write this file"),
        (["export", "european-third-site-2007", "--format", "geojson", "-o", "/proc/y/z"],
         "-o/--out /proc/y/z: cannot make or write into this folder"),
    ],
)
def test_a_write_that_fails_after_the_checks_names_its_option(args, named, monkeypatch):
    # the checks cannot foresee everything (a disk that fills, a folder removed meanwhile): with the check
    # of the folder taken out, the write fails late and the error still names the option, the value and why
    from shieldcheck import cli

    monkeypatch.setattr(cli, "_writable_here", lambda *a: None)
    r = RUN.invoke(app, args, env=ENV)
    assert r.exit_code == 2, r.output
    lines = [x for x in r.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"error: {named}: "), r.stderr
    assert "No such file or directory" in lines[0]


# ------------------------------------------------------------ error messages: no word or field said twice
_REPEATED = re.compile(r"(?<![\w.])([A-Za-z_][\w.\-\[\]]*):?\s+\1(?![\w])", re.IGNORECASE)
"""A word repeated ("coordinates coordinates") or a field named twice ("x.place: x.place ...")."""
_FLAGSHIP_FILE = (Path(__file__).resolve().parents[1] / "src/shieldcheck/scenarios"
                  / "european-third-site-2007.yaml")
_BAD_PLACES = ["10,x", "1,2,3", "95,0", "0,200", "nan,0", "-10N,5E", "", "tehrn", "zzzz", "54.47"]


def _bad_command_lines(tmp_path) -> list[list[str]]:
    f = "european-third-site-2007"
    cases = []
    for p in _BAD_PLACES:
        cases += [["trajectory", p, "berlin"], ["trajectory", "tehran", p],
                  ["reach", p, "--missile", "icbm-solid"],
                  ["boost-phase", "tehran", "--missile", "icbm-solid", "--toward", p],
                  ["boost-phase", "tehran", "--missile", "icbm-solid", "--base", p]]
    for n in ["nan", "-1", "abc", "1e400", "0"]:
        for opt in ["--apogee-km", "--flight-time-s", "--burnout-speed-km-s", "--step-s", "--burn-time-s"]:
            cases.append(["trajectory", "tehran", "berlin", opt, n])
    for s in ["x=1", "interceptor_types.gbi-2stage.burnout_speed_km_s=-1", "timeline.decision_s=nan",
              "interceptor_types.gbi-2stage.burnout_speed_km_s=abc", "noequals", "timeline.decision_s=",
              "interceptor_types.nope.burnout_speed_km_s=5", "interceptor_sites.redzikowo.place=10,x"]:
        cases.append(["engage", f, "--set", s])
    cases += [["engage", f, "--variant", "nope"], ["engage", "nope-scenario"],
              ["engage", "/nonexistent.yaml"],
              ["siting", f, "--region", "1,2"], ["siting", f, "--region", "60,50,10,20"],
              ["export", f, "--format", "xyz"], ["sweep", f, "--vary", "x=1:2"], ["compare", f],
              ["compare", f, f + ":nope"], ["reach", "tehran", "--missile", "nope"],
              ["trajectory", "tehran", "berlin", "--shape", "nope"], ["report", f, "--resolution-deg", "0"],
              ["trajectory", "tehran", "berlin", "--csv", "/proc/x.csv"], ["report", f, "-o", "/dev/null"]]
    # scenario files with a bad place for a site, a radar, a launch area and a target
    text = _FLAGSHIP_FILE.read_text(encoding="utf-8")
    for i, p in enumerate(["10,x", "95,0", "1,2,3", "-10N,5E", "zzzz"]):
        for old, new in [("place: redzikowo", f'place: "{p}"'), ("place: brdy", f'place: "{p}"'),
                         ("launch: [tehran, semnan", f'launch: ["{p}", semnan'),
                         ("targets: [washington, new-york]", f'targets: [washington, "{p}"]')]:
            path = tmp_path / f"bad-{i}-{len(cases)}.yaml"
            path.write_text(text.replace(old, new, 1), encoding="utf-8")
            cases.append(["engage", str(path)])
    return cases


def test_no_error_message_repeats_a_word_or_a_field(tmp_path):
    # A scenario's malformed 'lat,lon' said "coordinates coordinates must be ..." (the resolver's field
    # name was the noun the message adds). Every error of a table of bad inputs is scanned.
    assert _REPEATED.search("x.yaml: sites.a.place: coordinates coordinates must be")
    assert _REPEATED.search("x.yaml: sites.a.place: sites.a.place coordinates must be")
    assert not _REPEATED.search("x.yaml: sites.a.place coordinates must be two numbers, got '1,1'")
    seen = 0
    for args in _bad_command_lines(tmp_path):
        r = RUN.invoke(app, args, env=ENV)
        lines = [x for x in r.stderr.splitlines() if x.strip().startswith("error:")]
        if r.exit_code == 0:  # some of these are valid after all (a number a flag accepts)
            continue
        assert r.exit_code == 2 and len(lines) == 1, (args, r.exit_code, r.output[-300:])
        m = _REPEATED.search(lines[0])
        assert m is None, (args, m.group(0), lines[0])
        seen += 1
    assert seen > 100


# --------------------------------------------------------------- one vocabulary of status captions
_VIEWS = ["cli.py", "compare.py", "report/html.py", "report/compare_html.py", "report/maps.py",
          "report/exports.py", "web/service.py", "web/app.py", "web/static/app.js", "web/static/index.html"]


def test_every_status_has_its_own_words_in_one_table_that_every_view_reads():
    # The web legend called a route whose threat's coast stays in the atmosphere "threat cannot reach";
    # the report, the comparison page, the CLI and the page each kept their own words for the statuses.
    from shieldcheck.study import STATUS_CAPTIONS, route_outcome, status_caption

    words = list(STATUS_CAPTIONS.values())
    assert len(set(words)) == len(words)  # each status its own words
    assert status_caption("threat_in_atmosphere") != status_caption("threat_cannot_reach")
    in_air = {"status": "threat_cannot_reach", "reason_code": "threat_in_atmosphere"}
    assert route_outcome(in_air) == "threat_in_atmosphere"
    assert route_outcome({"status": "threat_cannot_reach", "reason_code": "threat_cannot_reach"}) == (
        "threat_cannot_reach")
    assert route_outcome({"status": "not_defended", "reason_code": "too_slow"}) == "not_defended"
    # no view keeps a copy: no table from a status key to words ("too_late": "too late"), no legend written
    # in the page, and no words of a route status but through the table
    src = Path(__file__).resolve().parents[1] / "src" / "shieldcheck"
    keys = "|".join(STATUS_CAPTIONS)
    table = re.compile(rf"""["']?\b({keys})\b["']?\s*:\s*["'](?!#)[A-Za-z]""")
    for name in _VIEWS:
        text = (src / name).read_text(encoding="utf-8")
        m = table.search(text)
        assert m is None, (name, text[m.start(): m.start() + 80])
        assert "threat cannot reach<" not in text and ".replace(/_/g, \" \")" not in text.replace(
            "String(key).replace(/_/g, \" \")", ""), name


def test_the_web_study_carries_each_route_outcome_and_the_study_captions():
    pytest.importorskip("fastapi")
    from shieldcheck.scenario import build, load_scenario
    from shieldcheck.study import STATUS_CAPTIONS, route_outcome
    from shieldcheck.web.service import study_view

    example = Path(__file__).resolve().parents[1] / "examples" / "minimal-scenario.yaml"
    view = study_view(build(load_scenario(str(example))))
    assert view["status_captions"] == STATUS_CAPTIONS
    assert view["routes"] and all(r["outcome"] == route_outcome(r) for r in view["routes"])


def test_a_fault_of_shieldcheck_answers_500_in_the_api_shape(monkeypatch):
    # the session-7 breaker's zero-mass booster made /api/study answer Starlette's plain-text 500
    pytest.importorskip("fastapi")
    from shieldcheck.web import create_app
    from web_server import call, running_server

    def fault(*args, **kwargs):
        raise ZeroDivisionError("float division by zero")

    app = create_app()
    monkeypatch.setattr(app.state.service, "parameters", fault)
    with running_server(app) as url:
        status, _, body = call(url, "/api/parameters", {"scenario": "european-third-site-2007"})
    assert status == 500
    assert "internal error (a bug in shieldcheck" in body["error"] and "ZeroDivisionError" in body["error"]
