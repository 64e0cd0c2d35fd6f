"""Issue 9, sixth session: what a fresh user and a breaker still found on main (each test failed before
its fix). The expected texts are the promise itself (what the scenario file says was flown, the digits the
user typed); the expected numbers come from the scenario file, not from shieldcheck."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from example_scenarios import minimal_with_group
from shieldcheck.cli import app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "minimal-scenario.yaml"
RUN = CliRunner()
ENV = {"COLUMNS": "400"}  # one footer line, so that the texts can be searched whole


def _mixed(tmp_path) -> Path:
    """The README's minimal example with a second threat group that flies its stages (``boost: staged``)."""
    return minimal_with_group(tmp_path, "{name: tabriz-near, launch: [tabriz], targets: [ankara, sofia], "
                              "missile: mrbm-2000, boost: staged}", "mixed.yaml")


def _flat(text: str) -> str:
    return " ".join(text.split())


# ------------------------------------------------------------------ 1. say what was flown
def test_engage_and_threshold_footers_say_which_boost_each_group_flew(tmp_path):
    # `engage` of a scenario with a staged group ended "Kinematic model estimates from public figures": the
    # footer guessed. The scenario file says tabriz-near flies `boost: staged`, tabriz-west the default.
    p = _mixed(tmp_path)
    for cmd in (["engage", str(p)], ["threshold", str(p)]):
        out = RUN.invoke(app, cmd, env=ENV)
        assert out.exit_code == 0, out.output
        foot = _flat(out.output)
        assert "Kinematic model estimates" not in foot
        assert re.search(r"kinematic \(a fixed burnout point[^;]*\) for tabriz-west", foot), foot[-600:]
        assert re.search(r"staged \(the class's stages integrated[^;]*\) for tabriz-near", foot), foot[-600:]
    # a scenario of kinematic groups only says kinematic, and never staged
    out = RUN.invoke(app, ["engage", str(EXAMPLE)], env=ENV)
    assert out.exit_code == 0, out.output
    foot = _flat(out.output).split("Model estimates from public figures")[1]
    assert "threat boost: kinematic" in foot and "staged" not in foot


def test_exports_and_the_web_study_say_which_boost_each_group_flew(tmp_path):
    from shieldcheck.report.exports import collect, write_geojson, write_kml
    from shieldcheck.study import build_study
    from shieldcheck.web.service import study_view

    study = build_study(str(_mixed(tmp_path)), thresholds=False)
    bundle = collect(study, step_s=60.0)
    assert "for tabriz-west" in bundle.note and "staged (" in bundle.note and "for tabriz-near" in bundle.note
    kml = write_kml(bundle, tmp_path / "x.kml").read_text(encoding="utf-8")
    gj = write_geojson(bundle, tmp_path / "x.geojson").read_text(encoding="utf-8")
    for text in (kml, gj):
        assert "kinematic models" not in text and "for tabriz-near" in text
    view = study_view(study.built["base"])
    assert "for tabriz-near" in view["model_note"] and "for tabriz-west" in view["model_note"]
    page = (ROOT / "src" / "shieldcheck" / "web" / "static" / "index.html").read_text(encoding="utf-8")
    assert "Kinematic model estimates" not in page and 'id="model-note"' in page


def test_a_group_staged_in_one_variant_only_is_named_with_it(tmp_path):
    from shieldcheck.study import boost_note, boosts_flown, build_study

    p = _mixed(tmp_path)
    text = p.read_text(encoding="utf-8").replace(
        "set: {interceptor_types.notional-5.burnout_speed_km_s: 6.0}",
        "set: {interceptor_types.notional-5.burnout_speed_km_s: 6.0, threats.tabriz-west.missile: mrbm-2000,"
        " threats.tabriz-west.boost: staged}",
    )
    p.write_text(text, encoding="utf-8")
    study = build_study(str(p), all_variants=True, thresholds=False)
    flown = boosts_flown(study)
    assert flown == {"kinematic": ["tabriz-west (base)"], "staged": ["tabriz-near", "tabriz-west (faster)"]}
    assert "tabriz-west (faster)" in boost_note(study)
    assert boost_note(study, ["base"]).count("tabriz-west") == 1


# ------------------------------------------------------------------ 2. echo the digits typed
def test_trajectory_echoes_the_apogee_typed_and_never_rounds_a_small_value_to_zero():
    # `trajectory ... --apogee-km 0.001` printed "apogee 0.0 km": the user's number rounded away.
    out = RUN.invoke(app, ["trajectory", "tehran", "berlin", "--apogee-km", "0.001"], env=ENV)
    assert out.exit_code == 0, out.output
    assert "(apogee 0.001 km;" in out.output  # the title echoes the input as typed
    apogee = [ln for ln in out.output.splitlines() if "│ apogee" in ln][0]
    assert "0.0 km" not in apogee and "0.001 km" in apogee
    out = RUN.invoke(app, ["trajectory", "tehran", "berlin", "--flight-time-s", "1234.5678"], env=ENV)
    assert out.exit_code == 0 and "(flight-time 1234.5678 s;" in out.output


def test_the_one_formatter_keeps_small_values_and_echoes_every_digit():
    from shieldcheck._format import echo_number, fmt_number

    # expected: the decimal text a person writes for these numbers
    assert [fmt_number(x, 1) for x in (0.001, -0.004, 0.06, 0.1, 12.34, 0.0)] == [
        "0.001", "-0.004", "0.06", "0.1", "12.3", "0.0"]
    assert [fmt_number(x, 0) for x in (0.4, 1234.4, 7)] == ["0.4", "1,234", "7"]
    assert [echo_number(x) for x in (0.001, 52.123456789, 1200.0, -1e-7)] == [
        "0.001", "52.123456789", "1200", "-0.0000001"]
    for x in (0.001, 52.123456789, 1e-7, 123456.789):
        assert float(echo_number(x)) == x  # round trip: every digit typed is kept


def test_a_web_added_site_keeps_the_coordinates_given():
    # the web app wrote an added site's place as f"{lat:.4f},{lon:.4f}": 11 m off what was asked
    from shieldcheck.scenario import load_scenario
    from shieldcheck.web.service import ViewKey, site_sets

    key = ViewKey("european-third-site-2007", "base", (), (("x", 52.123456789, 17.00000123, None, 10),))
    (s,) = site_sets(load_scenario("european-third-site-2007"), key)
    assert '"52.123456789,17.00000123"' in s


# ------------------------------------------------------------------ 3. threshold's counts named
def test_threshold_group_table_names_what_it_counts_and_the_counts_add_up():
    # the per-group table had a column "routes": routes tried? defended? It counts the routes whose least
    # speed was found below escape speed; with "none <= escape" and "cannot reach" it makes every route.
    out = RUN.invoke(app, ["threshold", str(EXAMPLE)], env=ENV)
    assert out.exit_code == 0, out.output
    text = out.output
    assert "engageable below escape" in text and "routes counted once each" in text
    head = [ln for ln in text.splitlines() if "least km/s (range)" in ln][0]
    assert not re.search(r"[│┃]\s*routes\s*[│┃]", head)
    row = [ln for ln in text.splitlines() if "tabriz-west" in ln and "–" in ln][-1]
    cells = [c.strip() for c in re.split(r"[│┃]", row) if c.strip()]
    found, none, cannot = (int(c) for c in cells[-4:-1])
    assert found + none + cannot == 2  # the file: one launch (tabriz) x two targets (rome, vienna)


# ------------------------------------------------------------------ 4. variants with their numbers
def test_variant_changes_are_the_numbers_the_file_sets():
    from shieldcheck.study import build_study, variant_changes

    study = build_study(str(EXAMPLE), all_variants=True, thresholds=False)
    # the file: notional-5 has 5.0 km/s; variant faster sets 6.0
    assert variant_changes(study, "faster") == [
        {"path": "interceptor_types.notional-5.burnout_speed_km_s", "base": 5.0, "value": 6.0, "unit": "km/s",
         "origin": "variant faster", "same": False, "written": None, "replaced_by": ""}
    ]
    assert variant_changes(study, "base") == []


def test_report_variant_section_shows_description_and_values_and_limits_say_what_was_flown(tmp_path):
    from shieldcheck.report.html import build_report

    result = build_report(str(_mixed(tmp_path)), tmp_path, resolution_deg=3.0)
    text = result.path.read_text(encoding="utf-8")
    variants = text.split("id='variants'")[1].split("<h2")[0]
    assert "6 km/s instead of 5" in variants and "(illustration)" in variants
    assert "<code>interceptor_types.notional-5.burnout_speed_km_s</code>: 5 km/s → <b>6 km/s</b>" in variants
    limits = text.split("id='limits'")[1].split("<h2")[0]
    assert "boost phase reduced to its end state" not in limits
    assert "for tabriz-near" in limits and "A staged boost is a 3-DOF point mass" in limits
    assert "A kinematic boost is reduced to its end state" in limits
    assert "for tabriz-near" in result.model_note


# ------------------------------------------------------------------ 5. the README's commands
_OUTPUT_OPTIONS = ("--csv", "-o", "--out", "--map", "--geojson", "--kml", "--czml", "--html", "--parquet",
                   ">")
_RUN_CHEAP = ("trajectory", "places", "missiles", "scenarios", "schema", "engage")


def _readme_commands() -> list[list[str]]:
    """Every `shieldcheck` command line in the README's code blocks (continuations joined, comments and
    the `...` placeholders left out), split as a shell would."""
    import shlex

    blocks, lang, lines = [], None, []
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("```"):
            if lang is None:
                lang, lines = line.strip()[3:], []
            else:
                blocks += ["\n".join(lines)] if lang in ("", "sh") else []
                lang = None
        elif lang is not None:
            lines.append(line)
    out = []
    for block in blocks:
        for line in block.replace("\\\n", " ").splitlines():
            m = re.match(r"\s*(?:\.venv/bin/)?shieldcheck (.*)", line)
            if m and "..." not in m.group(1):
                out.append(shlex.split(m.group(1), comments=True))
    return out


def test_readme_commands_write_under_out_and_parse_as_written():
    # The tour wrote table.csv, heat.png, scenario.schema.json, tehran-london.csv (and the sweep folder)
    # into the repository root; every output now goes under out/ (git-ignored; the tour's first line makes
    # it), and every command line still parses with the options it names.
    import typer.main

    cmds = _readme_commands()
    assert len(cmds) >= 28  # the tour, compare/siting, serve, reconstruct/reach, boost-phase
    group = typer.main.get_command(app)
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert "/out/" in ignored
    tour = (ROOT / "README.md").read_text(encoding="utf-8").split("## A short tour")[1]
    assert tour.split("```sh\n")[1].startswith("mkdir -p out")
    for argv in cmds:
        for opt, value in zip(argv, argv[1:], strict=False):
            if opt in _OUTPUT_OPTIONS:
                assert value == "-" or value == "out" or value.startswith("out/"), argv
        args = argv[: argv.index(">")] if ">" in argv else argv
        with group.make_context("shieldcheck", list(args), resilient_parsing=True) as ctx:
            name, sub, rest = group.resolve_command(ctx, list(args))
            sub.make_context(name, rest, parent=ctx).close()  # a usage error raises here


def test_readme_cheap_commands_run_as_written_and_leave_nothing_outside_out(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out").mkdir()  # the tour's first line: mkdir -p out
    ran = 0
    for argv in _readme_commands():
        if argv[0] not in _RUN_CHEAP or (argv[0] == "engage" and "--csv" not in argv):
            continue
        redirect = argv[argv.index(">") + 1] if ">" in argv else None
        args = argv[: argv.index(">")] if redirect else argv
        out = RUN.invoke(app, args, env=ENV)
        assert out.exit_code == 0, (argv, out.output[-500:])
        if redirect:
            Path(redirect).write_text(out.stdout, encoding="utf-8")
        ran += 1
    assert ran >= 9
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["scenario.schema.json", "table.csv", "tehran-london.csv"]


# ------------------------------------------------------------------ 6. a timed-out grid stops
def test_a_staged_footprint_past_its_time_limit_frees_the_server_promptly(capsys):
    # A staged footprint that timed out kept fitting its grid for 30-40 s after the client got its 503:
    # the checkpoint sat only between engagement chunks, and the staged fit of the whole grid was one
    # call. It now fits STAGED_CHUNK_CELLS cells at a time with a checkpoint between chunks.
    import time

    pytest.importorskip("fastapi")
    pytest.importorskip("uvicorn")
    from shieldcheck.footprint import STAGED_CHUNK_CELLS
    from shieldcheck.web import Limits, create_app
    from web_server import call, running_server

    app_ = create_app(limits=Limits(compute_timeout_s=2.0))
    sched = app_.state.scheduler
    view = {"scenario": "european-third-site-2007", "sets": ["threats.russia-us.boost=staged"]}
    spec = {"threat": "russia-us", "place": "kozelsk", "kind": "defended_area", "resolution_deg": 1.0}
    small = {**view, **spec, "lat_min_deg": 38.5, "lat_max_deg": 39.5, "lon_min_deg": -77.5,
             "lon_max_deg": -76.5}
    # 4,000 cells: about 14 s of CPU of staged fits here (3.5 ms a cell), far past the 2 s limit
    big = {**view, **spec, "lat_min_deg": 20.25, "lat_max_deg": 60.25, "lon_min_deg": -100.25,
           "lon_max_deg": -0.25}
    assert 40 * 100 > 10 * STAGED_CHUNK_CELLS
    from shieldcheck.web.service import ViewKey

    key = ViewKey(view["scenario"], sets=tuple(view["sets"]))
    app_.state.service.footprint(key, {k: v for k, v in small.items() if k not in view})  # build, compile
    with running_server(app=app_) as url:
        assert call(url, "/api/footprint", small)[0] == 200  # cached: only the big grid is timed
        status, _, answer = call(url, "/api/footprint", big)
        t_503 = time.monotonic()
        assert status == 503 and "must finish within 2 s" in answer["error"]
        deadline = t_503 + 120.0
        while (sched._free != sched.slots or sched._grid_owner is not None) and time.monotonic() < deadline:
            time.sleep(0.01)
        freed_s = time.monotonic() - t_503
        assert sched.stats["cancelled"] >= 1
        # one chunk in progress at most: about 1 s of CPU (a few seconds of wall clock under load)
        assert freed_s < 10.0, freed_s
        t0 = time.monotonic()
        assert call(url, "/api/footprint", small)[0] == 200  # and grid work is served again
        with capsys.disabled():
            print(f"\nstaged footprint past its limit: server free {freed_s:.2f} s after the 503; "
                  f"next grid answered in {time.monotonic() - t0:.2f} s")


# ------------------------------------------------------------------ 8. output options, fuzzed
def _out_commands(path: str, costly: bool = False) -> list[tuple[list[str], str]]:
    """(argv, kind) for every command's output options, writing to ``path``; kind: file or folder. With
    ``costly``, the commands that take seconds to tens of seconds (compare, report) instead."""
    ex = str(EXAMPLE)
    if costly:
        pair = ["compare", ex, f"{ex}:faster"]
        return [
            ([*pair, "--csv", path], "file"),
            ([*pair, "--map", path], "file"),
            ([*pair, "-o", path], "folder"),
            (["report", ex, "--resolution-deg", "3", "-o", path], "folder"),
        ]
    return [
        (["trajectory", "tehran", "berlin", "--csv", path], "file"),
        (["engage", ex, "--csv", path], "file"),
        (["engage", ex, "--table", "groups", "--csv", path], "file"),
        (["threshold", ex, "--csv", path], "file"),
        (["export", ex, "--format", "csv", "--format", "geojson", "-o", path], "folder"),
        (["export", ex, "--format", "kml", "--format", "czml", "--format", "parquet", "-o", path], "folder"),
        (["reach", "pyongyang", "--missile", "hwasong-14", "--azimuth-step-deg", "30", "--geojson", path],
         "file"),
        (["reach", "pyongyang", "--missile", "hwasong-14", "--azimuth-step-deg", "30", "--map", path],
         "file"),
        (["boost-phase", "40,127", "--missile", "aps2003-solid", "--azimuth", "45", "--speed-km-s", "5",
          "--burn-time-s", "40", "--region", "36,44,122,132", "--step-deg", "2", "--csv", path], "file"),
        (["boost-phase", "40,127", "--missile", "aps2003-solid", "--azimuth", "45", "--speed-km-s", "5",
          "--burn-time-s", "40", "--region", "36,44,122,132", "--step-deg", "2", "--geojson", path], "file"),
    ]


_SUFFIX = {"--csv": ".csv", "--geojson": ".geojson", "--map": ".png", "-o": ""}


def _path_kinds(tmp: Path, suffix: str) -> dict:
    """Named output paths of every kind a user might type (relative to ``tmp``)."""
    (tmp / "exists").mkdir(parents=True, exist_ok=True)
    (tmp / "exists" / f"old{suffix}").write_text("old")
    (tmp / "ro").mkdir(exist_ok=True)
    (tmp / "ro").chmod(0o555)  # read-only (root writes anyway: then a file is written, also kept)
    return {
        "plain": str(tmp / f"plain{suffix}"),
        "spaces": str(tmp / f"a name with spaces{suffix}"),
        "unicode": str(tmp / f"Kürecik → Brdy ✓ 東京{suffix}"),
        "existing file": str(tmp / "exists" / f"old{suffix}"),
        "missing folder": str(tmp / "no" / "such" / f"x{suffix}"),
        "read-only folder": str(tmp / "ro" / f"x{suffix}"),
        "proc": f"/proc/none/x{suffix}",
        "dev null": "/dev/null",
        "long": str(tmp / ("n" * 300 + suffix)),
        "long unicode": str(tmp / ("é" * 128 + suffix)),  # 256 bytes: one past the file system's limit
        "a folder": str(tmp / "exists"),
        "empty": "",
        "stdout": "-",
        "wrong suffix": str(tmp / "x.txt"),
        "trailing slash": str(tmp / f"t{suffix}") + "/",
        "nul": str(tmp / f"a\x00b{suffix}"),
    }


def _check_output_outcome(argv: list[str], kind: str, path: str) -> str:
    out = RUN.invoke(app, argv, env=ENV)
    if out.exit_code == 2:
        lines = [ln for ln in out.stderr.splitlines() if ln.strip()]
        assert len(lines) == 1 and lines[0].startswith("error:"), (argv, out.stderr)
        return "exit 2"
    assert out.exit_code == 0, (argv, out.exit_code, out.output[-800:], out.stderr[-800:])
    if path == "-":
        assert out.stdout.strip(), argv
        return "stdout"
    p = Path(path)
    if kind == "folder":
        assert p.is_dir() and any(p.iterdir()), argv
    else:
        assert p.is_file() and p.stat().st_size > 0 and p.read_bytes() != b"old", argv
    return "written"


def test_output_options_of_every_command_write_a_file_or_exit_2_with_one_line(tmp_path):
    # fixed cases: every command's output option against every kind of path (bounded for CI: the cheap
    # commands get every kind, the others a sample); the promise is the outcome, not a message
    seen: dict = {}
    for k, (argv, kind) in enumerate(_out_commands("PATH")):
        opt = argv[argv.index("PATH") - 1]
        paths = _path_kinds(tmp_path / f"c{k}", _SUFFIX[opt])
        names = list(paths) if k in (0, 1, 4) else ["plain", "unicode", "missing folder", "long", "stdout"]
        for name in names:
            path = paths[name]
            if kind == "folder" and name in ("existing file", "a folder"):
                path = str(Path(paths["existing file"])) if name == "existing file" else path
            args = [path if a == "PATH" else a for a in argv]
            seen[(argv[0], opt, name)] = _check_output_outcome(args, kind, path)
    # the costly commands: a name of each kind that is written, and two refused before any work
    for k, (argv, kind) in enumerate(_out_commands("PATH", costly=True)):
        opt = argv[argv.index("PATH") - 1]
        paths = _path_kinds(tmp_path / f"x{k}", _SUFFIX[opt])
        for name in ("unicode", "missing folder", "long") if argv[0] == "compare" else ("spaces", "long"):
            path = paths[name]
            args = [path if a == "PATH" else a for a in argv]
            seen[(argv[0], opt, name)] = _check_output_outcome(args, kind, path)
    assert seen[("report", "-o", "spaces")] == seen[("compare", "--map", "unicode")] == "written"
    assert seen[("report", "-o", "long")] == seen[("compare", "--csv", "long")] == "exit 2"
    (tmp_path / "c0" / "ro").chmod(0o755)
    # what each kind gave for the trajectory CSV (the rules of README "Output paths")
    got = {name: seen[("trajectory", "--csv", name)] for name in _path_kinds(tmp_path / "c0", ".csv")}
    assert got["plain"] == got["spaces"] == got["unicode"] == got["existing file"] == "written"
    assert got["trailing slash"] == "written"  # "t.csv/" is the file t.csv, as the shell's tools read it
    assert got["stdout"] == "stdout"
    for name in ("missing folder", "proc", "dev null", "long", "long unicode", "a folder", "empty",
                 "wrong suffix", "nul"):
        assert got[name] == "exit 2", (name, got[name])


FUZZ_EXAMPLES = int(__import__("os").environ.get("SHIELDCHECK_FUZZ_EXAMPLES", "12"))


def test_fuzz_output_option_names(tmp_path_factory):
    # generated names (any text, path separators, dots, very long) for every command's output option
    import os

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    cmds = _out_commands("PATH")
    names = st.one_of(
        st.text(min_size=0, max_size=40),
        st.text(alphabet=st.sampled_from("a./ -_é→\\:*?\"<>|\x7f"), min_size=1, max_size=300),
        st.sampled_from(["..", ".", "~", "-", "--", "-o", "x.csv/..", "CON", "x" * 256, "é" * 200]),
    )

    @settings(max_examples=FUZZ_EXAMPLES, deadline=None, database=None,
              derandomize=not os.environ.get("SHIELDCHECK_FUZZ_RANDOM"),
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(k=st.integers(0, len(cmds) - 1), name=names, suffix=st.booleans())
    def run(k, name, suffix):
        argv, kind = cmds[k]
        opt = argv[argv.index("PATH") - 1]
        d = tmp_path_factory.mktemp("fz")
        path = name if name in ("-", "") else str(d / (name + (_SUFFIX[opt] if suffix else "")))
        _check_output_outcome([path if a == "PATH" else a for a in argv], kind, path)

    run()
