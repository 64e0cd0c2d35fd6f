"""Fuzz the command line: every outcome is a result (exit 0) or exit 2 with one line, never a traceback.

In-process through typer's runner (the error net is in the command group, as for the installed command).
Bounded for `make test` (about 30 s); a long run: ``SHIELDCHECK_FUZZ_EXAMPLES=5000 pytest
tests/test_fuzz_cli.py``. ``SHIELDCHECK_FUZZ_RANDOM=1`` draws new inputs instead of the fixed sequence.
"""

import os
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from shieldcheck.cli import app

EXAMPLES = int(os.environ.get("SHIELDCHECK_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not os.environ.get("SHIELDCHECK_FUZZ_RANDOM"),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    database=None,
)
TIME_BOUND_S = 60.0

NUMBERS = st.one_of(
    st.sampled_from(
        [
            "0",
            "-0",
            "1e-300",
            "1e300",
            "nan",
            "inf",
            "-inf",
            "010",
            "1:30",
            "1.5e3",
            "0x1F",
            "-5",
            "2**63",
            "9" * 30,
            "",
            " ",
            "abc",
            ".5",
            "1_000",
            "NaN",
            "-1e-9",
        ]
    ),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
PLACES = st.one_of(
    st.sampled_from(
        [
            "tehran",
            "berlin",
            "washington",
            "kozelsk",
            "no",
            "",
            "35.69N,51.39E",
            "95,0",
            "0,180",
            "0,-180",
            "90,0",
            "-90,0",
            "0,0",
            "0,172",
            "38.9,-77",
            "nan,nan",
            "1e400,0",
            "a" * 300,
            "../etc/passwd",
            "<script>",
            "tehran\nberlin",
            "\x00",
            "é",
        ]
    ),
    st.builds(lambda a, b: f"{a},{b}", st.floats(-200, 200), st.floats(-400, 400)),
    st.text(max_size=20),
)
SET_PATHS = st.sampled_from(
    [
        "timeline.decision_s",
        "timeline.track_formation_s",
        "interceptor_types.gbi-2stage.burnout_speed_km_s",
        "interceptor_types.gbi-2stage.burn_time_s",
        "radars.brdy-xband.max_range_km",
        "interceptor_sites.0.inventory",
        "threats.iran-europe.targets",
        "threats.iran-europe.missile",
        "earth",
        "rotation",
        "name",
        "nope.x",
        "radars.999.max_range_km",
        "",
        ".",
        "timeline..decision_s",
    ]
)
SET_VALUES = st.one_of(
    NUMBERS,
    st.sampled_from(
        [
            "[berlin]",
            "[no]",
            "[]",
            "{value: 5, source: x}",
            "true",
            "sphere",
            "*a",
            "[" * 50,
            "{",
            "!!python/object:os.system x",
            "[tehran, berlin, paris]",
            "null",
        ]
    ),
)


def _check(args, r, elapsed):
    assert elapsed < TIME_BOUND_S, (args, elapsed)
    assert "Traceback" not in r.output, (args, r.output[-2000:])
    assert r.exit_code in (0, 2), (args, r.exit_code, r.output[-2000:], repr(r.exception))
    if r.exit_code == 2:
        lines = [x for x in r.stderr.splitlines() if x.strip()]
        assert len(lines) == 1 and lines[0].startswith("error: "), (args, r.stderr[-2000:])


def _invoke(args):
    t0 = time.monotonic()
    r = CliRunner().invoke(app, args)
    _check(args, r, time.monotonic() - t0)


@FUZZ
@given(
    launch=PLACES,
    target=PLACES,
    options=st.lists(
        st.tuples(
            st.sampled_from(
                [
                    "--apogee-km",
                    "--flight-time-s",
                    "--burnout-speed-km-s",
                    "--burn-time-s",
                    "--burnout-altitude-km",
                    "--burnout-range-km",
                    "--max-burnout-speed-km-s",
                    "--step-s",
                    "--shape",
                    "--branch",
                    "--earth",
                    "--missile",
                ]
            ),
            st.one_of(
                NUMBERS,
                st.sampled_from(
                    [
                        "lofted",
                        "depressed",
                        "sphere",
                        "wgs84",
                        "apogee",
                        "icbm-solid",
                        "irbm-3700",
                        "srbm-600",
                        "x",
                    ]
                ),
            ),
        ),
        max_size=3,
    ),
    flags=st.lists(st.sampled_from(["--json", "--no-rotation"]), max_size=2, unique=True),
)
def test_trajectory_command(launch, target, options, flags):
    args = ["trajectory", "--", launch, target] if launch.startswith("-") else ["trajectory", launch, target]
    for name, value in options:
        args[1:1] = [name, value]
    _invoke(args + flags)


@FUZZ
@given(
    sets=st.lists(st.builds(lambda p, v: f"{p}={v}", SET_PATHS, SET_VALUES), min_size=1, max_size=3),
    variant=st.sampled_from([None, "speed-postol-9", "nope", ""]),
)
def test_engage_with_overrides(sets, variant):
    args = [
        "engage",
        "examples/minimal-scenario.yaml" if variant is None else "european-third-site-2007",
        "--json",
    ]
    for s in sets:
        args += ["--set", s]
    if variant:
        args += ["--variant", variant]
    _invoke(args)


@FUZZ
@given(
    output=st.one_of(
        st.sampled_from(
            [
                "h.png",
                "h.xyz",
                "h",
                "/proc/none/h.png",
                "/dev/null",
                "a" * 300 + ".png",
                ".png",
                "h.PDF",
                "dir/",
                "h.svg",
            ]
        ),
        st.text(max_size=30),
    ),
    sweep_dir=st.sampled_from(["/nonexistent-sweep", ".", "/proc/self", "a" * 300]),
)
def test_sweep_plot_paths(output, sweep_dir, tmp_path_factory):
    base = tmp_path_factory.mktemp("plot")
    out = output if output.startswith("/") else str(base / output) if output else ""
    _invoke(["sweep-plot", sweep_dir, "--x", "timeline.decision_s", "-o", out])


@FUZZ
@given(
    text=st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "--vary",
                    "--sample",
                    "-n",
                    "--seed",
                    "--workers",
                    "--dask",
                    "--sspk",
                    "--shots",
                    "--shots-per-warhead",
                    "--raid",
                    "--doctrine",
                ]
            ),
            st.sampled_from(
                [
                    "timeline.decision_s=30:90:0",
                    "x=1:2",
                    "timeline.decision_s=a",
                    "timeline.decision_s=uniform(1)",
                    "timeline.decision_s=1e9:1:1",
                    "nope.x=1,2",
                    "-1",
                    "0",
                    "2.5",
                    "foo://x",
                    "tcp://h:99999",
                    "sls",
                    "x",
                ]
            ),
        ),
        max_size=6,
    )
)
def test_sweep_bad_options_fail_before_running(text, tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep")
    args = ["sweep", "european-third-site-2007", *text, "--out", str(out)]
    if "--vary" not in text and "--sample" not in text:
        args += ["--vary", "timeline.decision_s=1:2:0"]  # never a real sweep here (too slow for a fuzz)
    _invoke(args)


# ------------------------------------------- output options: bad paths name their option (seventh session)
_OUT_COMMANDS = {
    # command line before the output option, the option as typed, the option as the error names it, kind
    "sweep-plot": (["sweep-plot", "SWEEP", "--x", "timeline.decision_s"], "-o", "-o/--output", "file"),
    "siting": (["siting", "european-third-site-2007", "--region", "50,56,10,20"], "-o", "-o/--out", "folder"),
    "sweep": (["sweep", "european-third-site-2007", "--vary", "timeline.decision_s=30,60"], "--out", "--out",
              "folder"),
    "report": (["report", "european-third-site-2007"], "-o", "-o/--out", "folder"),
    "compare": (["compare", "turkey-alternative-2007", "turkey-alternative-2007:poland", "--no-thresholds"],
                "-o", "-o/--out", "folder"),
}
_BAD_FOLDERS = ["/proc/x", "/proc/y/z", "/sys/x", "/dev/null", "FILE/sub", "a" * 300, "a\x00b", "r.html",
                "/dev/null/x"]
_BAD_FILES = ["/proc/x.png", "/sys/x.png", "/dev/null", "FILE/x.png", "a" * 300 + ".png", "a\x00b.png",
              "h.xyz", "FILE"]


@pytest.mark.parametrize(
    ("command", "bad"),
    [(c, b) for c in _OUT_COMMANDS for b in (_BAD_FILES if _OUT_COMMANDS[c][3] == "file" else _BAD_FOLDERS)],
)
def test_output_options_refuse_bad_paths_naming_the_option_before_any_work(command, bad, tmp_path):
    # `sweep --out /proc/x` failed after the work with "/proc/x: No such file or directory", naming the folder
    # but not the option. Each refusal: exit 2, one line starting with the option, the value shown, within
    # a few seconds (nothing computed), and nothing created.
    head, option, named, _ = _OUT_COMMANDS[command]
    (tmp_path / "FILE").write_text("x", encoding="utf-8")
    (tmp_path / "sweep").mkdir()
    path = bad.replace("FILE", str(tmp_path / "FILE")) if bad.startswith("FILE") else bad
    if not path.startswith("/"):
        path = str(tmp_path / path)
    args = [str(tmp_path / "sweep") if a == "SWEEP" else a for a in head] + [option, path]
    before = sorted(p.name for p in tmp_path.iterdir())
    t0 = time.monotonic()
    r = CliRunner().invoke(app, args)
    took = time.monotonic() - t0
    assert r.exit_code == 2, (args, r.exit_code, r.output)
    lines = [x for x in r.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"error: {named} "), (args, r.stderr)
    assert path.replace("\x00", "\\x00")[:60] in lines[0], (path, lines[0])  # the value, as typed
    assert took < 15, (args, took)  # refused before any computing (a report takes ~30 s)
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert not os.path.exists("/proc/x") and not os.path.exists("/sys/x")
