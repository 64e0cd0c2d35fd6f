"""Every command's bad input and unusable files end in exit 2 with one line (issue 9, kind 12).

In-process through typer's runner: the error net sits in the command group (`cli._Commands`), so the
runner exercises the same path as the installed `shieldcheck` command.
"""

import pytest
from typer.testing import CliRunner

from shieldcheck.cli import app

FLAGSHIP = "european-third-site-2007"


def _run(*args):
    return CliRunner().invoke(app, list(args))


def _one_line_exit_2(r, *fragments):
    assert r.exit_code == 2, (r.exit_code, r.output, r.exception)
    lines = [x for x in r.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), r.stderr
    assert "Traceback" not in r.output
    for f in fragments:
        assert f in lines[0], (f, lines[0])
    return lines[0]


def test_csv_into_a_missing_folder():
    _one_line_exit_2(_run("trajectory", "tehran", "berlin", "--csv", "/proc/none/x.csv"),
                     "/proc/none/x.csv", "cannot write: the folder /proc/none does not exist")


def test_output_folder_that_is_a_file(tmp_path):
    f = tmp_path / "a-file"
    f.write_text("x")
    _one_line_exit_2(_run("export", FLAGSHIP, "--format", "csv", "-o", str(f)), str(f))


def test_over_long_scenario_name():
    _one_line_exit_2(_run("engage", "x" * 300), "File name too long")


def test_non_utf8_scenario(tmp_path):
    p = tmp_path / "l1.yaml"
    p.write_bytes(b"name: k\xfcrecik\n")
    _one_line_exit_2(_run("engage", str(p)), "not UTF-8 text (byte 0xfc at offset 7)")


def test_yaml_syntax_error_is_one_line(tmp_path):
    p = tmp_path / "bad.yaml"
    p.write_text("name: x\nplaces: [a, b\n")
    _one_line_exit_2(_run("engage", str(p)), "bad.yaml: not valid YAML: line 3, column 1")


@pytest.mark.parametrize("name", ["heat.xyz", "heat", "heat.PNG.gz"])
def test_sweep_plot_unknown_suffix(tmp_path, name):
    _one_line_exit_2(_run("sweep-plot", str(tmp_path), "--x", "a", "-o", str(tmp_path / name)),
                     "unknown suffix", ".png")


def test_sweep_plot_into_a_missing_folder(tmp_path):
    _one_line_exit_2(_run("sweep-plot", str(tmp_path), "--x", "a", "-o", "/proc/none/heat.png"),
                     "the folder /proc/none does not exist")


def test_unreachable_dask_is_one_line_within_its_timeout(tmp_path):
    # Once 379 s in a loaded fresh-clone run (12 s alone): the wait is now --dask-timeout-s, given to Dask
    # and enforced by shieldcheck (`sweep._connect`: at most the timeout plus _DASK_GRACE_S = 5 s). The
    # bound asserted, 30 s, is that 7 s plus the scenario's load, with room for a machine at load 10.
    import time

    t0 = time.monotonic()
    line = _one_line_exit_2(
        _run("sweep", FLAGSHIP, "--vary", "timeline.decision_s=30,60", "--dask", "tcp://127.0.0.1:1",
             "--dask-timeout-s", "2", "--out", str(tmp_path / "s")),
        "--dask tcp://127.0.0.1:1: no Dask scheduler answered within 2 s",
    )
    assert time.monotonic() - t0 < 30
    assert len(line) < 400
    assert not (tmp_path / "s").exists()  # refused before the sweep folder is made
    _one_line_exit_2(_run("sweep", FLAGSHIP, "--vary", "timeline.decision_s=30,60", "--dask",
                          "tcp://127.0.0.1:1", "--dask-timeout-s", "0", "--out", str(tmp_path / "s")),
                     "--dask-timeout-s must be a number of seconds within [0.5, 600], got 0.0")


def test_usage_errors_are_one_line():
    _one_line_exit_2(_run("engage", FLAGSHIP, "--bogus"), "No such option: --bogus")
    _one_line_exit_2(_run("no-such-command"), "No such command")
    _one_line_exit_2(_run("trajectory", "tehran", "berlin", "--step-s", "abc"), "--step-s")


@pytest.mark.parametrize("value", ["nan", "-1", "0", "1e400"])
def test_trajectory_step_s_is_checked_even_without_csv(value):
    # found by the session-7 error scan: --step-s only samples --csv, and without it any value passed
    _one_line_exit_2(_run("trajectory", "tehran", "berlin", "--step-s", value),
                     "--step-s must be within (0, 86400]")


def test_trajectory_step_s_without_csv_is_refused():
    _one_line_exit_2(_run("trajectory", "tehran", "berlin", "--step-s", "5"), "give --csv too")


def test_set_with_yaml_1_1_sexagesimal_names_the_field():
    _one_line_exit_2(_run("engage", FLAGSHIP, "--set", "timeline.decision_s=1:30"),
                     "timeline.decision_s", "'1:30'")
