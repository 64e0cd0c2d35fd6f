"""Command-line interface: parse, call the API, print. No physics here.

Exit codes: 0 for any computed result (``unreachable`` and ``no_solution`` included), 2 with a one-line
message for bad input.
"""

from __future__ import annotations

import dataclasses
import errno
import json
import math
import os
import sys
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.console import Console
from rich.table import Table
from typer.core import TyperGroup

from shieldcheck.errors import InputError


def _line(text: object, limit: int = 2000) -> str:
    """One line of at most ``limit`` characters (messages may quote user input verbatim)."""
    one = " ".join(str(text).split())
    return one if len(one) <= limit else one[: limit - 3] + "..."


def _os_error_text(exc: OSError) -> str:
    name = exc.filename if exc.filename is not None else exc.filename2
    why = exc.strerror or str(exc)
    return f"{_line(name, 200)}: {why}" if name is not None else why


class _Commands(TyperGroup):
    """Every command's last net: bad input, unusable files and usage errors end in exit 2 and one line.

    Commands raise `InputError` (or let it through); this turns it, an `OSError` on a file the user named
    (an output folder that does not exist, ``-o /dev/null``, a name too long for the file system), a file
    that is not UTF-8 and click's usage errors into ``error: <one line>`` on stderr with exit code 2.
    Ctrl-C exits 130. Anything else is a bug: one line saying so, exit 1 (``SHIELDCHECK_DEBUG=1`` shows
    the traceback). It sits in the command group, so typer's in-process test runner exercises it too.
    """

    def invoke(self, ctx):
        _OUTPUTS.clear()
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort):
            raise
        except InputError as exc:
            cause = exc.__cause__  # a writer's "cannot write PATH": say which option named PATH
            _error((_output_error_text(cause) if isinstance(cause, OSError) else None) or _line(exc), 2)
        except UnicodeError as exc:
            _error(f"input is not UTF-8 text: {_line(exc, 300)}", 2)
        except OSError as exc:
            if exc.errno == errno.EPIPE:  # output piped into `head`: not an error
                raise typer.Exit(0) from None
            _error(_output_error_text(exc) or _os_error_text(exc), 2)
        except KeyboardInterrupt:
            _error("interrupted", 130)
        except Exception as exc:
            if hasattr(exc, "format_message") and isinstance(getattr(exc, "exit_code", None), int):
                # click's usage errors (typer ships its own copy of click): unknown option, bad value
                sub = getattr(exc, "ctx", None)
                where = sub.command_path if sub is not None else "shieldcheck"
                _error(f"{where}: {_line(exc.format_message())} (see '{where} --help')", exc.exit_code)
            if os.environ.get("SHIELDCHECK_DEBUG"):
                raise
            _error(
                f"internal error (a bug in shieldcheck, please report it with the command line): "
                f"{type(exc).__name__}: {_line(exc, 500)} (SHIELDCHECK_DEBUG=1 shows the traceback)",
                1,
            )


def _error(message: str, code: int):
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


app = typer.Typer(
    cls=_Commands,
    add_completion=False,
    no_args_is_help=True,
    help="shieldcheck: re-runnable physics for ballistic-missile-defense questions. "
    "All outputs are model estimates, not measurements.",
)
class _Console(Console):
    """A console whose tables never lose a character: on a terminal, cells wrap instead of ending in "…";
    piped (no terminal to follow: text 130 columns wide), a table wider than that is printed at its full
    width, so a file gets every column of every row."""

    def __init__(self, piped: bool):
        super().__init__(width=130 if piped else None, log_path=False)  # no "cli.py:714" after log lines
        self.piped = piped

    def print(self, *objects, **kwargs):
        tables = [o for o in objects if isinstance(o, Table)]
        for t in tables:
            for c in t.columns:
                if c.overflow == "ellipsis":
                    c.overflow = "fold"
        width = self.width
        if self.piped and tables:
            wide = self.options.update_width(100_000)
            self.width = max(width, *(self.measure(t, options=wide).maximum for t in tables))
        try:
            super().print(*objects, **kwargs)
        finally:
            self.width = width


def _new_console() -> Console:
    # a terminal's width (or COLUMNS) when there is one; piped output has none to follow: 130 columns
    return _Console(piped=not (os.environ.get("COLUMNS") or sys.stdout.isatty()))


console = _new_console()


def _fail(message: str) -> None:
    cause = getattr(sys.exc_info()[1], "__cause__", None)  # called in `except InputError`: a failed write
    named = _output_error_text(cause) if isinstance(cause, OSError) else None  # names its output option
    typer.echo(f"error: {named or _line(message)}", err=True)
    raise typer.Exit(2)


_NEEDED_ARC = ("flight_time_s", "coast_time_s", "apogee_km", "apogee_time_s", "burnout_speed_relative_km_s",
               "burnout_speed_inertial_km_s", "flight_path_angle_deg", "burnout_azimuth_deg",
               "impact_speed_relative_km_s", "reentry_angle_deg")
"""`trajectory --json` keys that are null for a kinematic route the missile cannot fly (see `_flown`)."""


def _flown(t) -> bool:
    """False for a trajectory the missile cannot fly (status ``unreachable``): its numbers are the arc the
    route would need (kinematic) or a staged flight that is not the one asked (a full burn that falls
    short, a shape's limit), which no sample file or JSON may show as the flight (`Trajectory.to_dict`)."""
    return t.status != "unreachable"


def _fmt(value, digits: int = 1) -> str:
    """A float with ``digits`` decimals, never rounding a small one to 0 (`shieldcheck._format`)."""
    from shieldcheck._format import fmt_number

    return fmt_number(value, digits) if isinstance(value, float) or value is None else str(value)


@app.command("trajectory")
def trajectory_cmd(
    launch: Annotated[
        str,
        typer.Argument(
            metavar="FROM",
            help="Launch place: catalog name or 'lat,lon' "
            "(use 33.9S,18.4E style or put '--' before negative numbers).",
        ),
    ],
    target: Annotated[str, typer.Argument(metavar="TO", help="Target place: catalog name or 'lat,lon'.")],
    missile: Annotated[
        str | None,
        typer.Option(
            help="Missile class from `shieldcheck missiles`: sets the boost and the maximum burnout speed."
        ),
    ] = None,
    shape: Annotated[
        str | None,
        typer.Option(
            help="min-energy (default), apogee, flight-time or burnout-speed (implied by the options below), "
            "or lofted / depressed: the full burn's high or low arc to the target."
        ),
    ] = None,
    apogee_km: Annotated[float | None, typer.Option("--apogee-km", help="Fixed apogee altitude, km.")] = None,
    flight_time_s: Annotated[
        float | None, typer.Option("--flight-time-s", help="Fixed total flight time (boost + coast), s.")
    ] = None,
    burnout_speed_km_s: Annotated[
        float | None,
        typer.Option("--burnout-speed-km-s", help="Fixed burnout speed relative to the Earth, km/s."),
    ] = None,
    branch: Annotated[str, typer.Option(help="lofted or depressed (with --burnout-speed-km-s).")] = "lofted",
    burn_time_s: Annotated[float | None, typer.Option("--burn-time-s", help="Boost duration, s.")] = None,
    burnout_altitude_km: Annotated[float | None, typer.Option("--burnout-altitude-km")] = None,
    burnout_range_km: Annotated[
        float | None, typer.Option("--burnout-range-km", help="Ground distance to burnout, km.")
    ] = None,
    max_burnout_speed_km_s: Annotated[
        float | None, typer.Option("--max-burnout-speed-km-s", help="Missile's largest burnout speed, km/s.")
    ] = None,
    earth: Annotated[str, typer.Option(help="wgs84 or sphere.")] = "wgs84",
    no_rotation: Annotated[bool, typer.Option("--no-rotation", help="Switch Earth rotation off.")] = False,
    step_s: Annotated[
        float | None, typer.Option("--step-s", help="Sample step for --csv, s (default 10).")
    ] = None,
    csv_path: Annotated[
        str | None,
        typer.Option("--csv", help="Write the sampled trajectory to this CSV file ('-': standard output)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    boost: Annotated[
        str,
        typer.Option(
            help="auto (staged when the missile class has stage data and the shape is not burnout-speed), "
            "staged (the class's stages flown, pitch-over kick and thrust termination fitted to land on the "
            "target with the shape asked; an apogee or flight time the missile cannot fly is unreachable, "
            "with its limit) or kinematic."
        ),
    ] = "auto",
    booster: Annotated[
        str | None,
        typer.Option(help="Stage set to fly for --missile when the boost is staged (a threat booster of "
                          "catalog/boosters.yaml); default: the class's own (`shieldcheck missiles`)."),
    ] = None,
) -> None:
    """Ballistic trajectory from FROM to TO on a rotating Earth."""
    from shieldcheck.threats import sample_trajectory, trajectory

    given = {
        "apogee": apogee_km is not None,
        "flight-time": flight_time_s is not None,
        "burnout-speed": burnout_speed_km_s is not None,
    }
    implied = [k for k, v in given.items() if v]
    if len(implied) > 1:
        _fail("give at most one of --apogee-km, --flight-time-s, --burnout-speed-km-s")
    if shape is None:
        shape = implied[0] if implied else "min-energy"
    elif implied and shape != implied[0]:
        _fail(f"--shape {shape} conflicts with the option for shape {implied[0]}")
    try:
        csv_path = _out_file(csv_path, "--csv", CSV_SUFFIXES)
        _one_stdout(**{"--json": STDOUT if as_json else None, "--csv": csv_path})  # one was dropped silently
        if step_s is not None:  # checked even when unused: a bad value is never accepted silently
            from shieldcheck.errors import require_within

            require_within("--step-s", step_s, 0.0, 86400.0, lo_open=True)
            if csv_path is None:
                raise InputError(f"--step-s {step_s:g} sets the sampling of --csv; give --csv too")
        step_s = 10.0 if step_s is None else step_s
        from shieldcheck.catalog import get_missile, resolve_place
        from shieldcheck.catalog.boosters import class_booster, with_booster

        flown = get_missile(missile) if missile else None
        if booster is not None:
            try:
                flown = with_booster(flown, booster, need="--missile")
            except InputError as exc:
                raise InputError(f"--booster: {exc}") from None
        t = trajectory(
            resolve_place(launch, field="FROM"),
            resolve_place(target, field="TO"),
            missile=flown,
            shape=shape,
            apogee_km=apogee_km,
            flight_time_s=flight_time_s,
            burnout_speed_km_s=burnout_speed_km_s,
            branch=branch,
            burn_time_s=burn_time_s,
            burnout_altitude_km=burnout_altitude_km,
            burnout_range_km=burnout_range_km,
            max_burnout_speed_km_s=max_burnout_speed_km_s,
            earth=earth,
            rotation=not no_rotation,
            boost=boost,
        )
        samples = None
        if csv_path is not None and t.status != "no_solution" and _flown(t):
            samples = sample_trajectory(t, step_s=step_s)
    except InputError as exc:
        _fail(str(exc))
    if samples is not None:
        from shieldcheck.report.exports import write_rows

        write_rows(samples.to_rows(), csv_path, "csv")
        if csv_path == STDOUT:
            return
    elif csv_path is not None:  # the needed arc of a route the missile cannot fly is no flight to sample
        typer.echo(f"note: --csv {csv_path}: nothing written, no flight to sample ({t.status})", err=True)
        if csv_path == STDOUT:
            return
    result = t.to_dict()
    if not _flown(t):  # the JSON blanks what the table blanks: the needed arc's numbers read as flown
        result.update(dict.fromkeys(_NEEDED_ARC))
    result["launch"] = launch
    result["target"] = target
    result["missile"] = missile
    result["booster"] = class_booster(flown).name if t.boost == "staged" else None
    if as_json:
        typer.echo(json.dumps(result))
        return
    from shieldcheck._format import echo_number

    asked = {"apogee": (apogee_km, "km"), "flight-time": (flight_time_s, "s"),
             "burnout-speed": (burnout_speed_km_s, "km/s")}.get(shape, (None, ""))
    shown = shape + (f" {echo_number(asked[0])} {asked[1]}" if asked[0] is not None else "")
    table = Table(title=f"{launch} → {target}  ({shown}; {earth}, rotation {'off' if no_rotation else 'on'})")
    table.add_column("quantity", overflow="fold")
    table.add_column("value", justify="right", overflow="fold")
    rows = [
        ("status", t.status + (f": {t.reason}" if t.reason else "")),
        ("ground range", f"{_fmt(t.ground_range_km)} km"),
        ("flight time (boost + coast)", f"{_fmt(t.flight_time_s)} s"),
        ("boost / coast", f"{_fmt(t.burn_time_s)} s / {_fmt(t.coast_time_s)} s"),
        ("apogee", f"{_fmt(t.apogee_km)} km at {_fmt(t.apogee_time_s)} s"),
        ("burnout speed, relative to Earth", f"{_fmt(t.burnout_speed_relative_km_s, 3)} km/s"),
        ("burnout speed, inertial", f"{_fmt(t.burnout_speed_inertial_km_s, 3)} km/s"),
        ("flight-path angle at burnout", f"{_fmt(t.flight_path_angle_deg, 2)}°"),
        ("burnout azimuth", f"{_fmt(t.burnout_azimuth_deg, 1)}°"),
        ("minimum-energy speed for this route", f"{_fmt(t.min_energy_speed_km_s, 3)} km/s"),
        (
            "impact speed / re-entry angle",
            f"{_fmt(t.impact_speed_relative_km_s, 3)} km/s / {_fmt(t.reentry_angle_deg, 1)}°",
        ),
    ]
    rows.insert(1, ("boost", f"staged, stages of {result['booster']} (kick and thrust termination fitted)"
                    if t.boost == "staged" else "kinematic (fixed burnout point)"))
    if t.boost == "staged" and t.status == "unreachable" and t.range_margin_km >= 0:
        # a shape out of reach: the numbers are the limit the reason names, which does land on the target
        rows.insert(2, ("rows below", "the flight at that limit, which lands on the target"))
    elif t.boost == "staged" and t.status == "unreachable":
        # the numbers are the full burn's arc, which falls short: not the route's, and not its least speed
        rows.insert(2, ("rows below", "the full burn's trajectory, which falls short of the target"))
        rows = [(k, "-" if k == "minimum-energy speed for this route" else v) for k, v in rows]
    elif not _flown(t):
        # the arc the route needs, which this missile cannot fly: its flight numbers would read as flown
        keep = ("status", "boost", "ground range", "minimum-energy speed for this route")
        rows = [(k, v if k in keep else "-") for k, v in rows]
    if math.isfinite(t.range_margin_km):
        word = "beyond the target" if t.range_margin_km >= 0 else "short of the target"
        how = "along this azimuth" if t.boost == "staged" else "(non-rotating estimate)"
        rows.append((f"maximum range {how} / margin",
                     f"{_fmt(t.max_range_km)} km / {_fmt(abs(t.range_margin_km))} km {word}"))
    for k, v in rows:
        table.add_row(k, v)
    console.print(table)
    if samples is not None:
        console.print(f"samples: {len(samples.t_s)} rows written to {csv_path}")
    model = (
        "staged powered flight (thrust, drag, gravity) then a Keplerian coast"
        if t.boost == "staged"
        else "a Keplerian model (central gravity, no drag)"
    )
    console.print(f"[dim]Estimates from {model}; see the README.[/dim]")


@app.command("places")
def places_cmd(
    kind: Annotated[
        str | None, typer.Option(help="city, launch_area, icbm_field, defense_site, radar_site")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """List the catalog's named places with their sources."""
    from shieldcheck.catalog import places

    try:
        items = places(kind)
    except InputError as exc:
        _fail(str(exc))
    if as_json:
        typer.echo(json.dumps([dataclasses.asdict(p) for p in items]))
        return
    table = Table(title="places")
    for col in ("name", "label", "kind", "lat °", "lon °", "source"):
        table.add_column(col, overflow="fold")
    for p in items:
        table.add_row(p.name, p.label, p.kind, f"{p.latitude_deg:.3f}", f"{p.longitude_deg:.3f}", p.source)
    console.print(table)


@app.command("missiles")
def missiles_cmd(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """List the generic threat missile classes and the sources of their numbers."""
    from shieldcheck.catalog import missiles

    items = missiles()
    if as_json:
        typer.echo(json.dumps([dataclasses.asdict(m) for m in items]))
        return
    table = Table(title="generic missile classes (estimates; see sources with --json)")
    for col in ("name", "label", "range km", "burn s", "burnout alt km", "burnout range km", "max v km/s",
                "stages (booster)"):
        table.add_column(col, overflow="fold")
    for m in items:
        table.add_row(
            m.name,
            m.label,
            f"{m.range_km:,.0f}",
            f"{m.burn_time_s:.0f}",
            f"{m.burnout_altitude_km:.0f}",
            f"{m.burnout_range_km:.0f}",
            f"{m.max_burnout_speed_km_s:.3f}",
            m.booster or "-",
        )
    console.print(table)
    console.print("stages (booster): the stage set flown when the boost is staged, and why it stands for the "
                  "class: --json (booster, booster_why); override with trajectory --booster or "
                  "--set threats.<group>.booster=NAME")


DEMO_ROUTES = [
    ("tehran", "berlin", "irbm-3700"),
    ("tehran", "london", "irbm-5500"),
    ("tehran", "washington", "icbm-liquid-10000"),
    ("semnan", "new-york", "icbm-liquid-10000"),
    ("tehran", "washington", "icbm-liquid"),
    ("kozelsk", "washington", "icbm-solid"),
    ("teykovo", "new-york", "icbm-solid"),
    ("uzhur", "washington", "icbm-solid"),
    ("sohae", "los-angeles", "icbm-liquid-10000"),
]


@app.command("demo")
def demo_cmd() -> None:
    """Print a table of threat trajectories between catalog places (minimum energy, rotating WGS84)."""
    from shieldcheck.catalog import get_missile
    from shieldcheck.threats import trajectory

    table = Table(title="Minimum-energy threat trajectories, rotating WGS84 Earth (estimates)")
    for col in (
        "from",
        "to",
        "missile",
        "status",
        "range km",
        "flight s",
        "apogee km",
        "v_rel km/s",
        "v_inert km/s",
        "γ °",
    ):
        left = col in ("from", "to", "missile", "status")
        table.add_column(col, justify="left" if left else "right", overflow="fold", no_wrap=left)
    for launch, target, missile in DEMO_ROUTES:
        m = get_missile(missile)
        t = trajectory(launch, target, missile=m)
        flown = [
            _fmt(t.flight_time_s, 0),
            _fmt(t.apogee_km, 0),
            _fmt(t.burnout_speed_relative_km_s, 3),
            _fmt(t.burnout_speed_inertial_km_s, 3),
            _fmt(t.flight_path_angle_deg, 1),
        ]
        table.add_row(
            launch, target, missile, t.status, _fmt(t.ground_range_km, 0),
            *(flown if _flown(t) else ["-"] * len(flown)),
        )
    console.print(table)
    console.print(
        "Each row (kinematic boost): `shieldcheck trajectory FROM TO --missile NAME --boost kinematic` "
        "for details, `--json` for machines; without `--boost kinematic` a class with stage data flies "
        "its stages and may give another answer."
    )


def _study(scenario: str, variants, all_variants: bool, sets, thresholds: bool):
    from shieldcheck.study import build_study

    return build_study(
        scenario,
        variants=list(variants or []) or None,
        all_variants=all_variants,
        sets=sets or [],
        thresholds=thresholds,
    )


def _write_or_print(rows, as_json: bool, csv_path: str | None, columns) -> bool:
    """JSON to standard output, or CSV through the one table writer; True when nothing else should print.

    ``--csv FILE`` writes quietly; ``--csv -`` writes to standard output.
    """
    from shieldcheck.report.exports import write_rows

    if as_json:
        typer.echo(json.dumps(rows, allow_nan=False))
        return True
    if csv_path is not None:
        write_rows(rows, csv_path, "csv", columns=columns)
        return True
    return False


def _fit_table(title: str, columns: list[str], rows: list[list[str]], *, drop_variant: bool = False) -> Table:
    """A table that folds to the terminal's width; with ``drop_variant`` the first column (the variant, the
    same on every row) moves into the title."""
    if drop_variant and rows:
        title = f"{title} ({rows[0][0]})"
        columns, rows = columns[1:], [r[1:] for r in rows]
    table = Table(title=title, expand=False)
    for c in columns:
        table.add_column(c, overflow="fold")
    for r in rows:
        table.add_row(*r)
    return table


_VARIANT_HELP = "Named variant (repeatable; 'base' is the scenario without a variant)."
_SET_HELP = (
    "Override a number: path=value (repeatable), e.g. interceptor_types.gbi-2stage.burnout_speed_km_s=8."
)
_CSV_HELP = "Write the rows as CSV to this file (quietly), or '-' for standard output."


@app.command("engage")
def engage_cmd(
    scenario: Annotated[
        str, typer.Argument(help="A built-in scenario name (see `shieldcheck scenarios`) or a YAML path.")
    ],
    variant: Annotated[list[str] | None, typer.Option("--variant", help=_VARIANT_HELP)] = None,
    all_variants: Annotated[bool, typer.Option("--all-variants", help="The base and every variant.")] = False,
    set_: Annotated[list[str] | None, typer.Option("--set", help=_SET_HELP)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the rows as a JSON array.")] = False,
    csv_path: Annotated[str | None, typer.Option("--csv", help=_CSV_HELP)] = None,
    summary: Annotated[
        bool | None,
        typer.Option(
            "--summary/--rows",
            help="Per threat group and per target (default when there are more than 30 rows), or every row.",
        ),
    ] = None,
    table_name: Annotated[
        str,
        typer.Option(
            "--table",
            help="Study table for --json/--csv: rows, routes, groups, thresholds, boost_phase or "
            "interceptors.",
        ),
    ] = "rows",
) -> None:
    """Engagement table: one row per variant, threat, launch, target and site; or its summary.

    A scenario with a ``boost_phase:`` block also gets a short boost-phase table (every row:
    ``--table boost_phase --json`` or ``--csv``)."""
    from shieldcheck.report.exports import TABLE_COLUMNS, study_table

    try:
        csv_path = _out_file(csv_path, "--csv", CSV_SUFFIXES)
        _one_stdout(**{"--json": STDOUT if as_json else None, "--csv": csv_path})  # one was dropped silently
        machine = as_json or csv_path is not None
        # an option that only one output reads is refused without it, never accepted without effect
        if table_name != "rows" and not machine:
            raise InputError(f"--table chooses the table --json or --csv writes, got {table_name!r} without "
                             "either: give --json or --csv FILE too, or drop --table")
        if summary is not None and machine:
            flag = "--summary" if summary else "--rows"
            raise InputError(f"{flag} chooses the console table, got it with "
                             f"{'--json' if as_json else '--csv'}, which writes the --table rows (default "
                             f"rows): drop {flag}, or use --table groups/routes for the summary's tables")
        study = _study(scenario, variant, all_variants, set_, thresholds=table_name == "thresholds")
        if table_name == "boost_phase" and not study.boost_phase:
            raise InputError(f"--table boost_phase: scenario {study.scenario!r} has no boost_phase: block")
        if machine:  # (the summary needs no row dicts)
            rows = study_table(study, table_name)  # checks the table's name too
            if _write_or_print(rows, as_json, csv_path, TABLE_COLUMNS if table_name == "rows" else None):
                return
    except InputError as exc:
        _fail(str(exc))
    out = _new_console()  # the width rule of every command (a bare Console() wraps piped output at 80)
    one = len(study.variants) == 1
    if summary if summary is not None else len(study.rows) > 30:
        _print_summary(out, study)
    else:
        rows = study_table(study, "rows")
        body, notes = [], []
        for r in rows:
            ok = r["engageable"]
            route = f"{r['launch']} → {r['target']}"
            site = study.built[r["variant"]].display_name(r["site"])  # the place, as maps and reports show it
            if not ok:
                notes.append(f"[{len(notes) + 1}] {r['variant']}, {route}, {site}: {r['reason']}")
            body.append(
                [
                    r["variant"],
                    r["threat"],
                    route,
                    site,
                    f"{r['window_s']:,.0f}" if ok else f"no [{len(notes)}]",
                    f"{r['window_start_s']:,.0f}–{r['window_end_s']:,.0f}" if ok else "-",
                    f"{r['first_intercept_altitude_km']:,.0f}" if ok else "-",
                    _fmt(r["time_to_decide_s"], 0),
                ]
            )
        cols = ["variant", "threat", "route", "site", "window s", "first–last s", "1st alt km", "decide s"]
        out.print(_fit_table(f"{study.scenario}: engagement windows", cols, body, drop_variant=one))
        for n in notes:
            out.print(n, markup=False, highlight=False)
    if study.boost_phase:
        _print_boost_phase(out, study)
    out.print(_model_footer(study, "every source is in the scenario file"), style="dim", markup=False)


def _model_footer(study, rest: str, *, note: str | None = None) -> str:
    """The closing line of a study's table: model estimates, how the threats were flown (the study's
    `shieldcheck.study.boost_note`: kinematic, staged or both, or ``note`` when given: a comparison's
    `Comparison.model_note`), the interceptors' kinematic reach."""
    from shieldcheck.study import boost_note

    # --set overrides are named here: the tables' titles say "(base)", which alone would read as the
    # scenario's own numbers
    sets = "; ".join(getattr(study, "sets", ()) or ())
    changed = f"; numbers changed with --set: {sets} (not the scenario's own)" if sets else ""
    note = boost_note(study) if note is None else note
    return (f"Model estimates from public figures ({note}; interceptors: kinematic reach, "
            f"no homing){changed}; {rest}.")


def _print_boost_phase(out: Console, study) -> None:
    """The study's boost-phase records, per (variant, base, threat, launch): formatted, never recomputed."""
    one = len(study.variants) == 1
    per: dict = {}
    for r in study.boost_phase:
        per.setdefault((r.variant, r.base, r.threat, r.launch), []).append(r)
    body, notes = [], []
    for (v, _, threat, launch), rs in per.items():
        ok = [r for r in rs if r.status == "engageable"]
        need = [r.required_speed_km_s for r in rs if math.isfinite(r.required_speed_km_s)]
        for r in rs:
            if r.status != "engageable":
                notes.append(f"{v}, {r.base_label}, {r.launch} → {r.target}: {r.status} ({r.reason})")
        body.append(
            [
                v,
                rs[0].base_label,
                threat,
                launch,
                f"{len(ok)}/{len(rs)}",
                f"{rs[0].time_available_s:,.0f}",
                f"{rs[0].interceptor_speed_km_s:.2f}",
                (f"{min(need):.2f}–{max(need):.2f}" if need else "-"),
                (f"{min(r.first_intercept_s for r in ok):,.0f}" if ok else "-"),
            ]
        )
    cols = [
        "variant",
        "base",
        "threat",
        "from",
        "engageable",
        "time avail. s",
        "has km/s",
        "needs km/s",
        "1st s",
    ]
    out.print(
        _fit_table(
            f"{study.scenario}: boost-phase intercept (routes before burnout)", cols, body, drop_variant=one
        )
    )
    for n in notes[:12]:
        out.print(n, markup=False, highlight=False)
    if len(notes) > 12:
        out.print(f"... and {len(notes) - 12} more (--table boost_phase --json)", markup=False)
    for z in study.basing_zones:
        out.print(f"{z.variant}: {z.caption}", markup=False, highlight=False)


def _print_summary(out: Console, study) -> None:
    from shieldcheck.study import route_outcome

    one = len(study.variants) == 1
    body = [
        [
            g.variant,
            g.threat,
            f"{g.routes_defended}/{g.routes_reachable}",
            str(g.routes - g.routes_reachable),
            ", ".join(f"{d['launch']}→{d['target']}" for d in g.not_defended) or "-",
        ]
        for g in study.groups
    ]
    cols = ["variant", "threat", "defended/reachable", "counted apart", "not defended"]
    out.print(_fit_table(f"{study.scenario}: routes defended per threat group", cols, body, drop_variant=one))
    per: dict = {}
    for r in study.routes:
        k = (r.variant, r.threat, r.target)
        d = per.setdefault(k, {"n": 0, "ok": 0, "cannot": 0, "codes": {}})
        d["n"] += 1
        d["ok"] += r.status == "defended"
        d["cannot"] += r.status == "threat_cannot_reach"
        if r.status != "defended":  # counted apart: the threat's own reason (one vocabulary with the views)
            code = r.reason_code if r.status == "not_defended" else route_outcome(r)
            d["codes"][code] = d["codes"].get(code, 0) + 1
    body = [
        [
            v,
            t,
            tgt,
            f"{d['ok']}/{d['n'] - d['cannot']}",
            str(d["cannot"]),
            ", ".join(f"{c} ×{n}" for c, n in d["codes"].items()) or "-",
        ]
        for (v, t, tgt), d in per.items()
    ]
    cols = ["variant", "threat", "target", "defended/reachable", "counted apart", "why not"]
    out.print(_fit_table("per target (routes from every launch area)", cols, body, drop_variant=one))
    out.print("[dim]Counted apart: routes with no modelled flight to defend (the threat cannot reach the "
              "target, its coast stays in the atmosphere, or the route could not be set up); 'why not' names "
              "which.[/dim]")
    out.print("[dim]Every row: --rows; machine-readable: --json or --csv FILE.[/dim]")


@app.command("threshold")
def threshold_cmd(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario name or a YAML path.")],
    variant: Annotated[list[str] | None, typer.Option("--variant", help=_VARIANT_HELP)] = None,
    all_variants: Annotated[bool, typer.Option("--all-variants", help="The base and every variant.")] = False,
    set_: Annotated[list[str] | None, typer.Option("--set", help=_SET_HELP)] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the threshold rows as a JSON array.")
    ] = False,
    csv_path: Annotated[str | None, typer.Option("--csv", help=_CSV_HELP)] = None,
    per_site: Annotated[
        bool, typer.Option("--per-site", help="Also a row per site, not only any site.")
    ] = False,
) -> None:
    """The least interceptor burnout speed (km/s, relative to the Earth) that engages each route.

    Found by bisection on the engagement kernel to 0.01 km/s: per route (any site, and per site with
    --per-site), which site's window opens first at that speed and at what intercept altitude, and whether
    it is a tail chase; then the range per threat group.
    """
    from shieldcheck.report.exports import study_table

    try:
        csv_path = _out_file(csv_path, "--csv", CSV_SUFFIXES)
        _one_stdout(**{"--json": STDOUT if as_json else None, "--csv": csv_path})  # one was dropped silently
        study = _study(scenario, variant, all_variants, set_, thresholds=True)
        from shieldcheck.study import climb_speed_km_s

        rows = [r for r in study_table(study, "thresholds") if per_site or r["site"] == ""]
        for i, r in enumerate(rows):
            r["row"] = i + 1
            # each row below the climb to the fixed burnout altitude carries its own flag (a footer count
            # alone let "1.42 km/s" be quoted from the row): the README's Limits artefact
            climb = (climb_speed_km_s(study, r["variant"], r["first_window_site"])
                     if r["threshold_status"] == "found" else None)
            r["below_climb_speed"] = bool(climb is not None and r["threshold_speed_km_s"] < climb)
        if _write_or_print(rows, as_json, csv_path, None):
            return
    except InputError as exc:
        _fail(str(exc))
    from shieldcheck.study import status_caption

    out = _new_console()  # the width rule of every command (a bare Console() wraps piped output at 80)
    one = len(study.variants) == 1
    body = []
    for r in rows:
        v = r["threshold_speed_km_s"]
        what = (f"{v:.2f}" if v is not None else "-") if r["threshold_status"] == "found" else (
            status_caption(r["threshold_status"]))  # the study's words, as the report's
        what += " †" if r["below_climb_speed"] else ""
        alt = r["first_intercept_altitude_km"]
        shown = study.built[r["variant"]].display_name  # the place, as engage's table shows a site
        first = f"{shown(r['first_window_site'])}, {alt:,.0f} km" if alt is not None else "-"
        line = [r["variant"], r["threat"], f"{r['launch']} → {r['target']}"]
        line += [shown(r["site"]) if r["site"] else "any"] if per_site else []
        line += [what, first, "yes" if r["tail_chase"] else "-"]
        body.append(line)
    cols = ["variant", "threat", "route"] + (["site"] if per_site else [])
    cols += ["least km/s", "first window: site, altitude", "tail chase"]
    out.print(
        _fit_table(f"{study.scenario}: least interceptor speed per route", cols, body, drop_variant=one)
    )
    groups: dict = {}
    for t in study.thresholds:
        if t.site == "":
            groups.setdefault((t.variant, t.threat), []).append(t)
    body = []
    for (v, th), ts in groups.items():
        found = [t.threshold_speed_km_s for t in ts if t.threshold_status == "found"]
        none = sum(t.threshold_status == "none_below_escape" for t in ts)
        cannot = sum(t.threshold_status == "threat_cannot_reach" for t in ts)
        span = f"{min(found):.2f}–{max(found):.2f}" if found else "-"
        tail = sum(t.tail_chase for t in ts)
        body.append([v, th, span, str(len(found)), str(none), str(cannot), str(tail)])
    cols = [
        "variant",
        "threat",
        "least km/s (range)",
        "engageable below escape",
        "none ≤ escape",
        "cannot reach",
        "tail chases",
    ]
    title = ("per threat group: routes counted once each (any site), by outcome: a least speed found "
             "below escape speed, none below it, or the threat cannot reach the target")
    out.print(_fit_table(title, cols, body))
    from shieldcheck.study import climb_artefact_note

    note = climb_artefact_note(study, study.thresholds)
    if note:
        out.print(f"{note} (README, Limits).")
    if any(r["below_climb_speed"] for r in rows):
        out.print("† below the speed it takes just to climb to the interceptor's fixed burnout altitude: an "
                  "artefact of that assumption, not a speed to quote (--json: below_climb_speed).",
                  markup=False, highlight=False)
    out.print(_model_footer(study, "bisected to 0.01 km/s; other assumptions: the scenario's"), style="dim",
              markup=False)



@app.command("report")
def report_cmd(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario name or a YAML path.")],
    out: Annotated[str, typer.Option("-o", "--out", help="Output directory.")] = "out",
    variant: Annotated[str | None, typer.Option("--variant", help="Report a named variant.")] = None,
    set_: Annotated[list[str] | None, typer.Option("--set", help="Override a number: path=value.")] = None,
    resolution_deg: Annotated[float, typer.Option("--resolution-deg", help="Footprint grid, degrees.")] = 0.5,
) -> None:
    """Write one self-contained HTML report (figures embedded) for a scenario."""
    from shieldcheck.report.html import build_report

    try:
        out = _out_dir(out, "-o/--out")
        with console.status("starting") as status:

            def progress(msg: str) -> None:
                status.update(msg)
                console.log(msg)

            result = build_report(
                scenario,
                out,
                variant=variant,
                sets=set_ or [],
                progress=progress,
                resolution_deg=resolution_deg,
            )
    except InputError as exc:
        _fail(str(exc))
    from rich.markup import escape

    console.print(f"[bold]Key answers[/bold] (model estimates; {escape(result.model_note)}):")
    console.print(f"  {escape(result.headline)}", style="bold")
    for a in result.key_answers[1:]:
        console.print(f"  • {escape(a)}")
    if len(result.variant_changes) > 1:  # the report's table of how the variants change the answer
        first = result.variant_changes[0]
        body = [[r["variant"], r["changes"] if i else "(the answer above)",
                 *(f"{d}/{n}" + (" *" if i and (d, n) != first["groups"][g] else "") for g, (d, n) in
                   r["groups"].items())] for i, r in enumerate(result.variant_changes)]
        console.print(_fit_table("how the variants change it: routes defended / reachable (* differs)",
                                 ["variant", "what it changes", *first["groups"]], body))
    console.print(
        f"Report written to [bold]{result.path}[/bold] in {result.seconds:.1f} s "
        "(self-contained: open it in any browser, no network needed)."
    )


@app.command("export")
def export_cmd(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario name or a YAML path.")],
    fmt: Annotated[
        list[str], typer.Option("--format", help="kml, czml, geojson, csv or parquet (repeatable).")
    ],
    out: Annotated[str, typer.Option("-o", "--out", help="Output directory.")] = "out",
    variant: Annotated[str | None, typer.Option("--variant", help="Export a named variant.")] = None,
    set_: Annotated[list[str] | None, typer.Option("--set", help="Override a number: path=value.")] = None,
    step_s: Annotated[
        float | None,
        typer.Option("--step-s", help="Track sampling step for kml, czml, geojson, s (default 10)."),
    ] = None,
) -> None:
    """Tracks, sites, radar coverage and the engagement table for Google Earth, CesiumJS, GIS or tables."""
    from shieldcheck.report.exports import FORMATS, collect, export

    try:
        bad = [f for f in fmt if f.strip().lower() not in FORMATS]
        if bad:
            raise InputError(f"--format must be one of {', '.join(FORMATS)}, got {bad[0]!r}")
        tracks = {"kml", "czml", "geojson"} & {f.strip().lower() for f in fmt}
        if step_s is not None and not tracks:  # the tables have no tracks: the step would change nothing
            raise InputError(f"--step-s samples the tracks of kml, czml or geojson, got {step_s:g} with only "
                             f"--format {', '.join(fmt)}: add one of those formats, or drop --step-s")
        step_s = 10.0 if step_s is None else step_s
        out = _out_dir(out, "-o/--out")
        study = _study(scenario, [variant] if variant else None, False, set_, thresholds=False)
        with console.status("computing tracks and coverage"):
            bundle = collect(study, step_s=step_s)
        Path(out).mkdir(parents=True, exist_ok=True)
        stem = study.scenario + (f"-{variant}" if variant and variant != "base" else "")
        for f in fmt:
            key = f.strip().lower()
            path = export(bundle, key, Path(out) / f"{stem}.{key}")
            console.print(f"{key}: [bold]{path}[/bold]")
    except InputError as exc:
        _fail(str(exc))
    console.print("[dim]Model estimates; see the scenario file for every source.[/dim]")


@app.command("sweep")
def sweep_cmd(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario name or a YAML path.")],
    vary: Annotated[
        list[str] | None,
        typer.Option("--vary", help="Grid axis: path=start:stop:step or path=v1,v2,... (repeatable)."),
    ] = None,
    sample: Annotated[
        list[str] | None,
        typer.Option(
            "--sample",
            help="Random input: path=uniform(a,b), normal(mu,sigma), triangular(a,mode,b) or choice(v1,...).",
        ),
    ] = None,
    n: Annotated[int, typer.Option("-n", help="Draws per grid point (with --sample).")] = 1,
    seed: Annotated[int, typer.Option("--seed", help="Random seed; results do not depend on workers.")] = 0,
    variant: Annotated[str | None, typer.Option("--variant", help="Start from a named variant.")] = None,
    set_: Annotated[list[str] | None, typer.Option("--set", help="Fixed override at every point.")] = None,
    sspk: Annotated[
        float | None,
        typer.Option(
            "--sspk", help="Single-shot kill probability: adds P_k, P(no leak), expected leakers per row."
        ),
    ] = None,
    doctrine: Annotated[str, typer.Option(help="barrage or sls (shoot-look-shoot).")] = "barrage",
    shots: Annotated[
        int, typer.Option("--shots-per-warhead", help="Interceptors per warhead in the (first) salvo.")
    ] = 1,
    shots_old: Annotated[
        int | None, typer.Option("--shots", hidden=True, help="Deprecated: --shots-per-warhead.")
    ] = None,
    p_ka: Annotated[float, typer.Option("--p-ka", help="Kill-assessment probability (sls).")] = 1.0,
    reliability: Annotated[float, typer.Option("--reliability", help="Interceptor reliability.")] = 1.0,
    raid: Annotated[int, typer.Option("--raid", help="Warheads per raid on each route.")] = 1,
    dask: Annotated[str | None, typer.Option("--dask", help="Address of an existing Dask scheduler.")] = None,
    dask_timeout_s: Annotated[
        float, typer.Option("--dask-timeout-s", help="Wait at most this long for the --dask scheduler, s.")
    ] = 10.0,
    workers: Annotated[int | None, typer.Option("--workers", help="Local worker processes.")] = None,
    out: Annotated[str | None, typer.Option("--out", help="Output directory (resumable).")] = None,
) -> None:
    """Parameter sweep to Parquet (resumable; local cores or a Dask cluster); query it with DuckDB."""
    from shieldcheck.sweep import SweepSpec, run_sweep, spec_hash

    if shots_old is not None:  # the row column `shots` counts shoot-look-shoot opportunities, not a salvo
        typer.echo("warning: --shots is deprecated; use --shots-per-warhead (the salvo size)", err=True)
        shots = shots_old
    effectiveness = None
    if sspk is not None:
        effectiveness = dict(
            sspk=sspk,
            doctrine=doctrine,
            shots_per_warhead=shots,
            p_ka=p_ka,
            interceptor_reliability=reliability,
            raid_warheads=raid,
        )
    try:
        if out is not None:
            out = _out_dir(out, "--out")
        spec = SweepSpec.from_cli(
            scenario,
            variant=variant,
            vary=vary or [],
            sample=sample or [],
            n=n,
            seed=seed,
            fixed=set_ or [],
            effectiveness=effectiveness,
        )
        out_dir = out or f"sweeps/{spec_hash(spec)[:8]}"
        path = run_sweep(
            spec,
            out_dir,
            executor="dask" if dask else "local",
            dask_address=dask,
            workers=workers,
            progress=True,
            dask_timeout_s=dask_timeout_s,
        )
    except InputError as exc:
        _fail(str(exc))
    console.print(
        f"Sweep table: [bold]{path}[/bold] (one row per point, threat, target and site; estimates)."
    )
    console.print(
        f"Query it: duckdb -c \"select * from '{Path(out_dir) / 'points'}/*.parquet' limit 5\" "
        f"or shieldcheck.sweep.query('{out_dir}', sql)"
    )


# ------------------------------------------------------------------ output paths: one rule for every command
_OUTPUTS: dict[str, tuple[str, str, str]] = {}
"""The outputs the running command was given: absolute path -> (option, value as typed, "file" or "folder"),
recorded by `_out_file`/`_out_dir`, so that a write that fails later (after the computing) names its option
(`_output_error_text`); cleared at the start of each command."""


def _output_error_text(exc: OSError) -> str | None:
    """One line naming the output option whose file or folder ``exc`` is about (the path itself, a file
    inside a folder option, or a parent folder being made), else None."""
    name = exc.filename if exc.filename is not None else exc.filename2
    if name is None or not _OUTPUTS:
        return None
    try:
        failed = os.path.abspath(os.fsdecode(name))
    except (TypeError, ValueError):
        return None
    for path, (option, value, kind) in _OUTPUTS.items():
        if os.path.commonpath([failed, path]) in (failed, path):
            why = exc.strerror or str(exc)
            where = "" if failed == path else f" ({_line(failed, 200)})"
            what = "make or write into this folder" if kind == "folder" else "write this file"
            return f"{option} {_line(value, 200)}: cannot {what}: {why}{where}"
    return None


def _nearest_existing(path: Path) -> Path:
    """``path`` or its nearest ancestor that exists (the root when none does)."""
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _writable_here(folder: Path, option: str, value: str, kind: str) -> None:
    """Refuse, naming the option, an output whose nearest existing folder cannot take it: a part of the
    path that is a file, a folder without write permission, or a file system that makes nothing there
    (``/proc``, ``/sys``; root passes the permission test there). Probed by making and removing an empty
    folder (``.shieldcheck-probe-*``) in that existing folder: the output itself is not created here, so
    a command's other refusals still come before anything is written."""
    import tempfile

    anc = _nearest_existing(folder)
    what = "make this folder" if kind == "folder" else "write this file"
    if not anc.is_dir():
        raise InputError(f"{option} {_line(value, 200)}: cannot {what}: {_line(anc, 200)} is a file, not a "
                         "folder")
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".shieldcheck-probe-", dir=anc))
    except OSError as exc:
        raise InputError(f"{option} {_line(value, 200)}: cannot {what}: nothing can be written in "
                         f"{_line(anc, 200)} ({exc.strerror or exc})") from None


def _too_long(path: str, option: str) -> None:
    full = os.fsencode(os.path.abspath(path))
    if len(full) >= 4096:  # PATH_MAX: the file system refuses it (and Path.exists() raises)
        raise InputError(f"{option} {_line(path, 80)}: the path is longer than 4,095 bytes")


CSV_SUFFIXES = (".csv",)
GEOJSON_SUFFIXES = (".geojson", ".json")
PNG_SUFFIXES = (".png",)
STDOUT = "-"
"""An output file named ``-`` is standard output, for text formats (CSV, GeoJSON); images refuse it."""


def _figure_suffixes() -> tuple[str, ...]:
    from matplotlib.backend_bases import FigureCanvasBase

    return tuple(sorted("." + k for k in FigureCanvasBase.get_supported_filetypes()))


def _path_text_ok(path: str, option: str) -> None:
    """A name the file system can hold: no NUL byte, and encodable (a lone surrogate is not); found by the
    output-option fuzz (``--csv 'a<NUL>b.csv'`` ended in "ValueError: embedded null byte", exit 1)."""
    if "\x00" in path:
        raise InputError(f"{option} {_line(repr(path), 200)}: a file or folder name cannot hold a NUL byte")
    try:
        os.fsencode(path)
    except UnicodeError:
        raise InputError(f"{option} {_line(repr(path), 200)}: not a name the file system can store "
                         "(characters that cannot be encoded)") from None


def _out_file(path, option: str, suffixes: tuple[str, ...], *, text: bool = True) -> str | None:
    """The one rule for an output file a user names, checked before anything is computed or written.

    ``None`` (not asked for) passes through. Refused, with exit 2 and one line naming the option, the rule
    and the value: an empty name; ``-`` for a binary format (``-`` is standard output for text formats,
    ``text=True``); a suffix not in ``suffixes`` (the message lists them); a name longer than 255 bytes;
    a folder that does not exist; a path that is a folder.
    """
    if path is None:
        return None
    path = str(path)
    if not path.strip():
        raise InputError(f"{option} needs a file name, got {path!r}")
    if path == STDOUT:
        if text:
            return STDOUT
        raise InputError(
            f"{option} -: standard output takes text only; give a file name ending in "
            f"{' or '.join(suffixes[:3])}{' ...' if len(suffixes) > 3 else ''}"
        )
    _path_text_ok(path, option)
    p = Path(path)
    if p.suffix.lower() not in suffixes:
        shown = p.suffix or "(no suffix)"
        allowed = ", ".join(suffixes) + (" or - (standard output)" if text else "")
        raise InputError(f"{option} {_line(path, 200)}: unknown suffix {shown}; use {allowed}")
    if len(os.fsencode(p.name)) > 255:
        raise InputError(f"{option} {_line(path, 80)}: the file name is longer than 255 bytes")
    if any(len(os.fsencode(part)) > 255 for part in p.parts):
        raise InputError(f"{option} {_line(path, 80)}: a folder name is longer than 255 bytes")
    _too_long(path, option)
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        anc = _nearest_existing(parent)
        if anc.exists() and not anc.is_dir():
            raise InputError(f"{option} {_line(path, 200)}: cannot write: {_line(anc, 200)} is a file, not a "
                             "folder")
        raise InputError(
            f"{option} {_line(path, 200)}: cannot write: the folder {_line(parent, 200)} does not exist"
        )
    if p.is_dir():
        raise InputError(f"{option} {_line(path, 200)}: is a folder; give a file name")
    _writable_here(parent, option, path, "file")
    _OUTPUTS[os.path.abspath(path)] = (option, path, "file")
    return path


FILE_SUFFIXES = (".csv", ".czml", ".geojson", ".htm", ".html", ".json", ".kml", ".parquet", ".pdf", ".png",
                 ".svg", ".txt", ".yaml", ".yml")
"""Suffixes of files: a folder option given such a name (``report -o r.html``) is refused, not created."""


def _out_dir(path, option: str) -> str:
    """The rule for an output folder: created if missing, with any missing parent folders (unlike an output
    file, whose folder must exist); refused: an empty name, ``-``, an existing file, a name ending in a
    file suffix (`FILE_SUFFIXES`: ``-o out/r.html`` would make a folder named ``r.html``), a part longer
    than 255 bytes."""
    path = str(path)
    if not path.strip():
        raise InputError(f"{option} needs a folder name, got {path!r}")
    if path == STDOUT:
        raise InputError(f"{option} -: a folder is needed here, standard output cannot hold several files")
    _path_text_ok(path, option)
    p = Path(path)
    if p.suffix.lower() in FILE_SUFFIXES:
        raise InputError(
            f"{option} {_line(path, 200)}: names a folder to write into, not a file; give a folder name "
            f"without the {p.suffix} suffix"
        )
    if any(len(os.fsencode(part)) > 255 for part in p.parts):
        raise InputError(f"{option} {_line(path, 80)}: a folder name is longer than 255 bytes")
    _too_long(path, option)
    if p.exists() and not p.is_dir():
        raise InputError(f"{option} {_line(path, 200)}: is a file, not a folder")
    _writable_here(p, option, path, "folder")  # checked, not made: the folder is made when written
    _OUTPUTS[os.path.abspath(path)] = (option, path, "folder")
    return path


def _one_stdout(**paths) -> bool:
    """At most one output may be standard output; True when one is (the command then prints nothing else)."""
    to_stdout = [k for k, v in paths.items() if v == STDOUT]
    if len(to_stdout) > 1:
        raise InputError(f"only one output can be standard output (-), got {' and '.join(to_stdout)}")
    return bool(to_stdout)


def _write_text(path: str, text: str) -> None:
    """A text output: to standard output for ``-``, else to the file (UTF-8)."""
    if path == STDOUT:
        typer.echo(text)
    else:
        Path(path).write_text(text, encoding="utf-8")


def _announce(*paths: str | None, err: bool = False) -> None:
    """Say which files were written (every file written is announced; on stderr when stdout carries data)."""
    for p in paths:
        if p is not None and p != STDOUT:
            if err:
                typer.echo(f"wrote {p}", err=True)
            else:
                console.print(f"wrote [bold]{p}[/bold]")


@app.command("sweep-plot")
def sweep_plot_cmd(
    sweep_dir: Annotated[str, typer.Argument(help="A sweep's output directory.")],
    x: Annotated[str, typer.Option("--x", help="Swept path on the x axis.")],
    y: Annotated[
        str | None, typer.Option("--y", help="Second swept path: a heat map (else a line plot).")
    ] = None,
    value: Annotated[
        str | None,
        typer.Option(help="Column: window_s (default), p_no_leak, engageable, time_to_decide_s ..."),
    ] = None,
    threat: Annotated[str | None, typer.Option(help="Keep the rows of one threat group.")] = None,
    boundary: Annotated[
        bool, typer.Option("--boundary", help="Draw where engagements become possible.")
    ] = False,
    output: Annotated[str, typer.Option("-o", "--output", help="PNG file to write.")] = "sweep.png",
) -> None:
    """Heat map (two inputs), feasibility boundary or line plot from a sweep table."""
    from shieldcheck.report import sweep_plots
    from shieldcheck.sweep import load

    try:
        _out_file(output, "-o/--output", _figure_suffixes(), text=False)
        if boundary and y is None:  # refused, never a line plot that silently ignores --boundary
            raise InputError("--boundary draws where engagements become possible over two swept inputs: "
                             "give --y too, or drop --boundary")
        if boundary and value is not None:
            raise InputError(f"--value colours a heat map or a line plot, got {value!r} with --boundary, "
                             "which draws the engageable boundary: drop --value or --boundary")
        value = value or "window_s"
        table = load(sweep_dir)
        where = {"threat": threat} if threat else None
        if y is not None and boundary:
            fig = sweep_plots.feasibility_boundary(table, x, y, where=where)
        elif y is not None:
            fig = sweep_plots.heatmap(table, x, y, value=value, where=where)
        else:
            fig = sweep_plots.line_plot(table, x, value=value, where=where)
    except InputError as exc:
        _fail(str(exc))
    fig.savefig(output, dpi=150, bbox_inches="tight", facecolor="white")
    console.print(f"Figure written to [bold]{output}[/bold].")


@app.command("scenarios")
def scenarios_cmd() -> None:
    """List the built-in scenarios."""
    from shieldcheck.scenario import list_scenarios, load_scenario

    table = Table(title="built-in scenarios")
    table.add_column("name", no_wrap=True)  # names stay whole; titles and variants wrap
    table.add_column("title", overflow="fold")
    table.add_column("variants", overflow="fold")
    for name, title in list_scenarios():
        table.add_row(name, title, ", ".join(load_scenario(name).variants.keys()))
    console.print(table)


@app.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of scenario files."""
    from shieldcheck.scenario import scenario_schema

    typer.echo(json.dumps(scenario_schema(), indent=2))


# ---------------------------------------------------------------------------------- powered flight (issue 10)
@app.command("reconstruct")
def reconstruct_cmd(
    apogee_km: Annotated[
        str, typer.Option("--apogee-km", help="Observed apogee, km (e.g. 2802 or 2802±10).")
    ],
    range_km: Annotated[str, typer.Option("--range-km", help="Observed ground range, km (e.g. 933±5).")],
    flight_time_s: Annotated[str, typer.Option("--flight-time-s", help="Observed flight time, s.")],
    missile: Annotated[
        str | None, typer.Option(help="Booster class with stages (staged fit); impulsive when omitted.")
    ] = None,
    apogee_sigma_km: Annotated[float | None, typer.Option("--apogee-sigma-km")] = None,
    range_sigma_km: Annotated[float | None, typer.Option("--range-sigma-km")] = None,
    launch: Annotated[
        str | None, typer.Option("--from", help="Launch point for the rotating-Earth reach.")
    ] = None,
    targets: Annotated[list[str] | None, typer.Option("--to", help="Named target (repeatable).")] = None,
    fit: Annotated[
        str | None,
        typer.Option(
            "--fit",
            help="With --missile: what is scaled to meet the apogee, payload (default) or propellant (every "
            "stage's propellant mass by one factor in [0.2, 3] at the class's burn times).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Burnout state and standard-trajectory range implied by a lofted test's apogee, range and time."""
    from shieldcheck.reconstruct import FITS, parse_measurement, reconstruct

    try:
        if fit is not None and fit not in FITS:
            raise InputError(f"--fit must be one of {', '.join(FITS)}, got {fit!r}")
        if fit is not None and not missile:
            raise InputError(f"--fit {fit} needs --missile (a class with stages): the impulsive method "
                             "fits no payload or propellant")
        a, a_sig = parse_measurement(apogee_km, "apogee_km")
        r, r_sig = parse_measurement(range_km, "range_km")
        t, _ = parse_measurement(flight_time_s, "flight_time_s")
        res = reconstruct(
            a, r, t, missile=missile,
            apogee_sigma_km=apogee_sigma_km if apogee_sigma_km is not None else a_sig,
            range_sigma_km=range_sigma_km if range_sigma_km is not None else r_sig,
            launch=launch, targets=tuple(targets or ()), fit=fit or "payload",
        )
    except InputError as exc:
        _fail(str(exc))
    if as_json:
        # payload_kg is NaN for the impulsive method: JSON has no NaN, so it is null there
        out = {k: None if isinstance(v, float) and not math.isfinite(v) else v
               for k, v in dataclasses.asdict(res).items()}
        typer.echo(json.dumps(out, indent=2, allow_nan=False))
        return
    fitted = ", propellant fit" if res.fit == "propellant" else ""  # the payload fit's title as before
    table = Table(title=f"reconstruction ({res.method}{', ' + res.missile if res.missile else ''}{fitted})")
    table.add_column("quantity", overflow="fold")
    table.add_column("value", justify="right", overflow="fold")
    rows = [
        ("burnout speed, km/s", _fmt(res.burnout_speed_km_s, 3)),
        ("flight-path angle at burnout, deg", _fmt(res.flight_path_angle_deg, 2)),
        ("burnout altitude, km", _fmt(res.burnout_altitude_km)),
        ("burnout time, s", _fmt(res.burnout_time_s)),
        ("fitted payload, kg" if res.fit != "propellant" else "payload (the class's), kg",
         _fmt(res.payload_kg, 0)),
    ]
    if res.fit == "propellant":
        rows += [
            ("fitted propellant factor", _fmt(res.propellant_factor, 4)),
            ("propellant per stage, kg", ", ".join(_fmt(x, 0) for x in res.stage_propellant_kg) or "-"),
            ("burn time per stage, s (the class's)",
             ", ".join(_fmt(x, 1) for x in res.stage_burn_time_s) or "-"),
        ]
    rows += [
        ("predicted flight time, s (observed)",
         f"{_fmt(res.predicted_flight_time_s, 0)} ({res.flight_time_s:g})"),
        ("standard-trajectory range, km",
         _fmt(res.standard_range_km, 0)
         # no "± 0" when no sigma was given: it would read as an exact figure
         + (f" ± {_fmt(res.standard_range_sigma_km, 0)} (1 sigma)"
            if res.standard_range_sigma_km and math.isfinite(res.standard_range_sigma_km) else "")),
    ]
    # a reach at or past the antipode is status `global`'s rule per azimuth: a number there would be
    # quoted as a range
    rows += [
        (f"reach at azimuth {a:g} deg, km", "global (antipode or orbit)" if g else _fmt(x, 0))
        for a, x, g in zip(res.azimuths_deg, res.reach_km, res.reach_global, strict=True)
    ]
    for m in res.targets:
        if m.global_reach:
            said = "within reach (global along its azimuth)"
        elif not math.isfinite(m.margin_km):
            said = "-"
        else:
            said = f"{abs(m.margin_km):,.0f} {'beyond it' if m.margin_km >= 0 else 'short of it'}"
        rows.append((f"margin to {m.name}, km ({m.distance_km:,.0f} km away)", said))
    for row in rows:
        table.add_row(*row)
    console.print(table)
    if res.status != "ok":
        console.print(f"{res.status}: {res.reason}", markup=False, highlight=False)
    where = (f"; the reach and margins from {res.launch} are on the rotating WGS84 Earth"
             if res.launch else "")
    console.print(f"Model estimate: the standard range is on a non-rotating sphere{where} "
                  "(shieldcheck.reconstruct).", markup=False, highlight=False)


@app.command("reach")
def reach_cmd(
    launch: Annotated[str, typer.Argument(metavar="FROM", help="Launch place: catalog name or 'lat,lon'.")],
    missile: Annotated[str, typer.Option(help="Booster class with stages (e.g. hwasong-15, topol-m).")],
    payload_kg: Annotated[float | None, typer.Option("--payload-kg", help="Payload mass, kg.")] = None,
    azimuth_step_deg: Annotated[float, typer.Option("--azimuth-step-deg")] = 1.0,
    geojson: Annotated[
        str | None, typer.Option("--geojson", help="Write the reach boundary here ('-': standard output).")
    ] = None,
    map_png: Annotated[str | None, typer.Option("--map", help="Write a reach map (PNG) here.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Maximum range against azimuth on the rotating Earth and the margin to each catalog city."""
    from shieldcheck.catalog import places as all_places
    from shieldcheck.catalog import resolve_place
    from shieldcheck.catalog.boosters import get_booster
    from shieldcheck.reach import reach, reach_geojson

    try:
        geojson = _out_file(geojson, "--geojson", GEOJSON_SUFFIXES)
        map_png = _out_file(map_png, "--map", PNG_SUFFIXES, text=False)
        _one_stdout(**{"--json": STDOUT if as_json else None, "--geojson": geojson})
        lp = resolve_place(launch)
        b = get_booster(missile)
        cities = all_places(kind="city")
        res = reach(b.vehicle, lp.latitude_deg, lp.longitude_deg, payload_kg=payload_kg,
                    azimuth_step_deg=azimuth_step_deg, places=cities)
    except InputError as exc:
        _fail(str(exc))
    if map_png is not None:
        from shieldcheck.report.reach_map import plot_reach

        plot_reach(res, map_png, title=f"{b.label} from {lp.label}")
    if geojson is not None:
        _write_text(geojson, json.dumps(reach_geojson(res, name=f"{b.name} from {lp.name}"), indent=1))
        if geojson == STDOUT:
            _announce(map_png, err=True)
            return
    if as_json:
        typer.echo(json.dumps(dataclasses.asdict(res), indent=2))
        _announce(map_png, geojson, err=True)
        return
    table = Table(title=f"{b.label} from {lp.label}, payload {res.payload_kg:,.0f} kg (model estimate)")
    for col in ("city", "distance km", "azimuth deg", "max range km", "margin km"):
        table.add_column(col, justify="left" if col == "city" else "right", overflow="fold")
    for m in res.places:
        table.add_row(m.label, _fmt(m.distance_km, 0), _fmt(m.azimuth_deg, 0), _fmt(m.max_range_km, 0),
                      f"{m.margin_km:+,.0f}")
    console.print(table)
    r = res.max_range_km
    i_hi, i_lo = r.index(max(r)), r.index(min(r))
    console.print(f"maximum range {r[i_hi]:,.0f} km (azimuth {res.azimuths_deg[i_hi]:g} deg), "
                  f"minimum {r[i_lo]:,.0f} km (azimuth {res.azimuths_deg[i_lo]:g} deg)")
    from shieldcheck.reach import HALF_MERIDIAN_KM

    n_all = sum(x == HALF_MERIDIAN_KM for x in r)
    if n_all:
        console.print(f"{n_all} azimuth(s) reach everywhere: the longest arc does not come down (orbital "
                      f"speed or a perigee above the ground), shown as half the meridian, "
                      f"{HALF_MERIDIAN_KM:,.0f} km")
    _announce(map_png, geojson)


# ------------------------------------------------------------------------------------- serve (issue 12)
@app.command("serve")
def serve_cmd(
    scenarios: Annotated[
        list[str] | None,
        typer.Argument(metavar="[SCENARIO ...]", help="Scenario files to serve besides the built-ins."),
    ] = None,
    host: Annotated[
        str, typer.Option(help="Address to bind; anything but loopback is reachable by others.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port (1-65535).")] = 8000,
    scenario_dir: Annotated[
        str | None,
        typer.Option("--scenario-dir", help="Serve the *.yaml scenarios of this directory (only these)."),
    ] = None,
) -> None:
    """Start the local web app: an offline map and a JSON API.

    Needs the web extra: pip install "shieldcheck\\[web]".
    """
    if not 1 <= port <= 65535:
        _fail(f"--port must be within [1, 65535], got {port}")
    try:
        import uvicorn

        from shieldcheck.web import create_app
    except ImportError as exc:
        _fail(
            f"shieldcheck serve needs the web extra: pip install 'shieldcheck[web]' ({exc.name} is missing)"
        )
    loopback = host in ("127.0.0.1", "localhost", "::1")
    if not loopback:
        typer.echo(
            f"warning: binding {host}: anyone who can reach this address can use the server "
            "(there is no login); use 127.0.0.1 unless you mean it",
            err=True,
        )
    try:
        web_app = create_app(
            scenarios or [],
            scenario_dir,
            allowed_hosts=("127.0.0.1", "localhost", "::1") if loopback else ("*",),
        )
    except InputError as exc:
        _fail(str(exc))
    shown = f"[{host}]" if ":" in host else host
    console.print(
        f"shieldcheck map at [bold]http://{shown}:{port}/[/bold] (API: /openapi.json); Ctrl-C stops it."
    )
    uvicorn.run(web_app, host=host, port=port, log_level="warning")


# --- defense-system catalog (issue 11) ------------------------------------------------------------------


def _systems_table(kind: str, as_json: bool, show_sources: bool) -> None:
    from shieldcheck.catalog import interceptors, radars

    items = interceptors() if kind == "interceptor" else radars()
    if as_json:
        typer.echo(json.dumps([dataclasses.asdict(s) for s in items]))
        return
    columns = (
        ("burnout_speed_km_s", "v km/s"),
        ("burn_time_s", "burn s"),
        ("min_intercept_altitude_km", "min alt km"),
        ("max_intercept_altitude_km", "max alt km"),
        ("max_coast_time_s", "coast s"),
    )
    if kind == "radar":
        columns = (
            ("max_range_km", "range km"),
            ("reference_rcs_m2", "at m²"),
            ("boresight_azimuth_deg", "boresight °"),
            ("half_width_deg", "± °"),
            ("fire_control", "fire control"),
        )
    extra = ("place", "band") if kind == "radar" else ()
    title = f"{kind}s in the catalog (public figures and marked estimates; sources with --sources or --json)"
    table = Table(title=title)
    for col in ("name", "label", "status", *extra, *(c for _, c in columns), "alternatives"):
        table.add_column(col)
    for s in items:
        cells = []
        for f, _ in columns:
            v = s.values.get(f)
            cells.append("-" if v is None else ("yes" if v is True else "no" if v is False else f"{v:,.4g}"))
        cells_extra = [getattr(s, e) or "-" for e in extra]
        table.add_row(s.name, s.label, s.status, *cells_extra, *cells, ", ".join(s.alternatives) or "-")
    console.print(table)
    if show_sources:
        for s in items:
            console.print(f"[bold]{s.name}[/bold]")
            for f, text in s.sources.items():
                console.print(f"  {f} = {s.values[f]}: {text}", highlight=False)
            for a in s.alternatives.values():
                for f, text in a.sources.items():
                    console.print(f"  alternative {a.name}: {f} = {a.values[f]}: {text}", highlight=False)


@app.command("interceptors")
def interceptors_cmd(
    as_json: Annotated[bool, typer.Option("--json")] = False,
    sources: Annotated[bool, typer.Option("--sources", help="Print the source of every number.")] = False,
) -> None:
    """List the catalog's interceptor types (GBI, SM-3, THAAD, Arrow 3) with their sources."""
    _systems_table("interceptor", as_json, sources)


@app.command("radars")
def radars_cmd(
    as_json: Annotated[bool, typer.Option("--json")] = False,
    sources: Annotated[bool, typer.Option("--sources", help="Print the source of every number.")] = False,
) -> None:
    """List the catalog's radars (AN/TPY-2, early-warning radars, Cobra Dane, SBX, LRDR, ...) with sources."""
    _systems_table("radar", as_json, sources)


@app.command("siting")
def siting_cmd(
    scenario: Annotated[str, typer.Argument(help="A built-in scenario name or a YAML path.")],
    region: Annotated[
        str, typer.Option("--region", help="LAT0,LAT1,LON0,LON1 in degrees (LON1 < LON0 crosses 180°).")
    ],
    step_deg: Annotated[float, typer.Option("--step-deg", help="Cell size, degrees.")] = 1.0,
    variant: Annotated[str, typer.Option("--variant", help="A variant name, or base.")] = "base",
    interceptor: Annotated[
        str | None, typer.Option("--interceptor", help="Interceptor type to place (default: first site's).")
    ] = None,
    set_: Annotated[list[str] | None, typer.Option("--set", help="Override a number: path=value.")] = None,
    out: Annotated[str, typer.Option("-o", "--out", help="Output directory.")] = "out",
    fmt: Annotated[
        list[str] | None, typer.Option("--format", help="geojson, parquet, png (repeatable; default all).")
    ] = None,
    thresholds: Annotated[
        bool,
        typer.Option(
            "--thresholds",
            help="Also the least speed engaging any/every route (~10x cost; at most 400 cells).",
        ),
    ] = False,
) -> None:
    """Where should the interceptors go? The share of each threat group's routes a site could engage
    from every cell of a region, as maps, GeoJSON and Parquet, with the scenario's real sites."""
    from shieldcheck.siting import siting_map

    try:
        formats = [f.strip().lower() for f in (fmt or ["geojson", "parquet", "png"])]
        bad = [f for f in formats if f not in ("geojson", "parquet", "png")]
        if bad:
            raise InputError(f"--format must be one of geojson, parquet, png, got {bad[0]!r}")
        out = _out_dir(out, "-o/--out")
        from shieldcheck.siting import siting_grid

        siting_grid(region, step_deg, thresholds=thresholds, maps="png" in formats)  # before any work
        with console.status("computing the siting grid"):
            m = siting_map(
                scenario,
                region,
                step_deg,
                variant=variant,
                interceptor=interceptor,
                sets=set_ or [],
                thresholds=thresholds,
            )
            paths = m.write(out, formats)
    except InputError as exc:
        _fail(str(exc))
    table = Table(title=f"siting: {m.scenario} ({m.variant}), {m.interceptor} at every cell (estimates)")
    for col in ("threat group", "reachable routes", "best cell share", "best cell (lat, lon)", "real sites"):
        table.add_column(col)
    for g in m.groups:
        share = m.share(g)
        if np.isfinite(share).any():
            i, j = np.unravel_index(int(np.nanargmax(share)), share.shape)
            best = f"{share[i, j]:.0%}"
            where = f"{m.latitudes_deg[i]:.2f}, {m.longitudes_deg[j]:.2f}"
            if share[i, j] == 0:  # a tie of zeros: naming its first cell would read as a best place
                where = "none (no cell engages)"
        else:
            best, where = "-", "-"
        real = ", ".join(f"{s['label']} {s['engaged'][g]}/{m.routes_reachable[g]}" for s in m.sites)
        if thresholds:
            speeds = [
                f"{s['label']}: any {s['threshold_any_km_s'][g]:.2f}, "
                f"all {s['threshold_all_km_s'][g]:.2f} km/s"
                for s in m.sites
            ]
            real += "\n" + "; ".join(speeds).replace("nan", "none")
        table.add_row(g, str(m.routes_reachable[g]), best, where, real)
    console.print(table)
    for p in paths:
        console.print(f"wrote [bold]{p}[/bold]")


@app.command("compare")
def compare_cmd(
    studies: Annotated[
        list[str], typer.Argument(help="Two or more SCENARIO or SCENARIO:VARIANT (e.g. x.yaml:poland).")
    ],
    set_: Annotated[list[str] | None, typer.Option("--set", help="Override a number: path=value.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON.")] = False,
    csv_path: Annotated[
        str | None, typer.Option("--csv", help="Write the per-target table to FILE ('-': standard output).")
    ] = None,
    no_thresholds: Annotated[bool, typer.Option("--no-thresholds", help="Skip threshold speeds.")] = False,
    map_path: Annotated[str | None, typer.Option("--map", help="Write the side-by-side map PNG.")] = None,
    out: Annotated[
        str | None, typer.Option("-o", "--out", help="Write the comparison as an HTML page in DIR.")
    ] = None,
) -> None:
    """Scenarios (or variants of one) side by side: routes defended per threat group, threshold speeds,
    and which targets each defends with what window."""
    from shieldcheck.compare import compare

    try:
        csv_path = _out_file(csv_path, "--csv", CSV_SUFFIXES)
        map_path = _out_file(map_path, "--map", PNG_SUFFIXES, text=False)
        out = None if out is None else _out_dir(out, "-o/--out")
        _one_stdout(**{"--json": STDOUT if as_json else None, "--csv": csv_path})
        with console.status("building the studies"):
            c = compare(studies, sets=set_ or [], thresholds=not no_thresholds)
    except InputError as exc:
        _fail(str(exc))
    written = []
    if map_path is not None:
        written.append(c.write_map(map_path))
    if out is not None:
        from shieldcheck.report.compare_html import write_compare_report

        with console.status("drawing the comparison page"):
            written.append(write_compare_report(c, out))
    if csv_path is not None:
        from shieldcheck.report.exports import write_rows

        write_rows(c.targets_table(), csv_path, "csv")
        if csv_path == STDOUT:
            return
        written.append(csv_path)
    if as_json:
        typer.echo(json.dumps(c.to_dict()))
        return
    table = Table(title="routes defended / routes the threat can reach (threshold speed: any site)")
    table.add_column("threat group")
    for label in c.labels:
        table.add_column(label)
    for row in c.groups_table():
        cells = [f"{row[label]}\n{row[label + ' threshold']}".rstrip() for label in c.labels]
        table.add_row(row["threat"], *cells)
    console.print(table)
    table = Table(title="per target: launches defended / launches that reach it (longest window, s)")
    table.add_column("threat group")
    table.add_column("target")
    for label in c.labels:
        table.add_column(label)
    for row in c.targets_table():
        cells = []
        for label in c.labels:
            w = row[f"{label} window_s"]
            cells.append(row[label] + (f" ({w:,.0f} s)" if w else ""))
        table.add_row(row["threat"], row["target"], *cells)
    console.print(table)
    for label, note in c.climb_artefacts():
        console.print(f"{label}: {note}.")
    # said once for every column (it was printed once per column, three times for three studies)
    console.print(_model_footer(c.studies[0], "every source is in the scenario files", note=c.model_note()),
                  style="dim", markup=False)
    for path in written:
        console.print(f"wrote [bold]{path}[/bold]")


# ------------------------------------------------------------------------------ boost-phase (issue 10)
_BP_DISTANCES_KM = tuple(range(0, 2001, 100))


def _bp_region(text: str) -> tuple[float, float, float, float]:
    try:
        lat0, lat1, lon0, lon1 = (float(x) for x in text.split(","))
    except ValueError:
        raise InputError(f"--region must be LAT0,LAT1,LON0,LON1 in degrees, got {text!r}") from None
    from shieldcheck.footprint import unwrap_longitudes

    return (lat0, lat1, *unwrap_longitudes(lon0, lon1))  # across the antimeridian: as the web API


@app.command("boost-phase")
def boost_phase_cmd(
    launch: Annotated[str, typer.Argument(metavar="FROM", help="Launch place: catalog name or 'lat,lon'.")],
    missile: Annotated[str, typer.Option(help="Booster class with stages (e.g. aps2003-solid, hwasong-15).")],
    toward: Annotated[str | None, typer.Option("--toward", help="Target place (sets the azimuth).")] = None,
    azimuth_deg: Annotated[
        float | None, typer.Option("--azimuth", help="Launch azimuth, deg from north.")
    ] = None,
    interceptor: Annotated[
        str | None, typer.Option("--interceptor", help="Catalog interceptor type (see `interceptors`).")
    ] = None,
    staged: Annotated[bool, typer.Option("--staged", help="Fly the interceptor's own stages.")] = False,
    speed_km_s: Annotated[
        float | None, typer.Option("--speed-km-s", help="Interceptor burnout speed.")
    ] = None,
    burn_time_s: Annotated[
        float | None, typer.Option("--burn-time-s", help="Interceptor burn time, s (bare speed: 0).")
    ] = None,
    delay_s: Annotated[
        float, typer.Option("--delay-s", help="Detection + decision: threat launch to fire command, s.")
    ] = 60.0,
    deadline_s: Annotated[
        float | None,
        typer.Option(
            "--deadline-s",
            help="Time after the threat's launch by which the intercept must happen, s (default: burnout).",
        ),
    ] = None,
    before_s: Annotated[
        float | None, typer.Option("--before-s", hidden=True, help="Deprecated: --deadline-s.")
    ] = None,
    base: Annotated[str | None, typer.Option("--base", help="One base: catalog name or 'lat,lon'.")] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="Basing zone grid: LAT0,LAT1,LON0,LON1 (deg).")
    ] = None,
    step_deg: Annotated[
        float | None, typer.Option("--step-deg", help="Basing zone cell size, deg (--region; default 1).")
    ] = None,
    base_altitude_km: Annotated[float, typer.Option("--base-altitude-km", help="Airborne base, km.")] = 0.0,
    carrier_speed_km_s: Annotated[
        float, typer.Option("--carrier-speed-km-s", help="Airborne carrier speed toward the launch, km/s.")
    ] = 0.0,
    flyout: Annotated[
        str | None, typer.Option("--flyout", help="straight (default) or ballistic; --staged flies its own.")
    ] = None,
    payload_kg: Annotated[float | None, typer.Option("--payload-kg", help="Missile payload, kg.")] = None,
    map_png: Annotated[
        str | None, typer.Option("--map", help="Basing-zone map (PNG), with --region.")
    ] = None,
    geojson: Annotated[
        str | None,
        typer.Option("--geojson", help="Basing-zone outline, with --region ('-': standard output)."),
    ] = None,
    csv_path: Annotated[
        str | None, typer.Option("--csv", help="Basing-zone cells, with --region ('-': standard output).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Boost-phase intercept: can an interceptor reach a missile before burnout, from where, how fast?

    Without --base or --region: the time available and the least interceptor speed against the base's
    distance from the launch point (under the track, abeam, behind); with --speed-km-s or a catalog
    --interceptor, the distances that speed covers are marked. --base: one base. --region: the
    boost-phase basing zone (map, GeoJSON, CSV). Kinematic model estimates: no homing or divert."""
    from shieldcheck.boostphase import basing_zone, boost_profile, engage_boost, least_speed_curve
    from shieldcheck.catalog import resolve_place
    from shieldcheck.errors import require_within
    from shieldcheck.interceptors import catalog_type, staged_flyout

    if before_s is not None:  # it was always a time after launch, never a duration before burnout
        typer.echo("warning: --before-s is deprecated; use --deadline-s (a time after launch, s)", err=True)
        if deadline_s is not None:
            _fail("give --deadline-s only (--before-s is its old name)")
        deadline_s = before_s
    try:
        if base is not None and region is not None:
            raise InputError("give --base or --region, not both")
        map_png = _out_file(map_png, "--map", PNG_SUFFIXES, text=False)
        geojson = _out_file(geojson, "--geojson", GEOJSON_SUFFIXES)
        csv_path = _out_file(csv_path, "--csv", CSV_SUFFIXES)
        quiet = _one_stdout(
            **{"--json": STDOUT if as_json else None, "--geojson": geojson, "--csv": csv_path}
        )
        if (map_png or geojson or csv_path) and region is None:
            raise InputError("--map, --geojson and --csv draw a basing zone: give --region too")
        if step_deg is not None and region is None:  # it was accepted and had no effect
            raise InputError(
                f"--step-deg sets the basing zone's cell size, got {step_deg:g} without --region: give "
                "--region LAT0,LAT1,LON0,LON1 too, or drop --step-deg"
            )
        step_deg = 1.0 if step_deg is None else step_deg
        if map_png is not None:  # checked before any work: the map cannot draw a grid one cell tall or wide
            from shieldcheck.footprint import grid

            shape = grid(*_bp_region(region), step_deg).shape
            if min(shape) < 2:
                raise InputError(
                    f"--map needs a basing-zone grid at least 2 cells tall and 2 wide, got {shape[0]} x "
                    f"{shape[1]} at --step-deg {step_deg:g}; use a smaller --step-deg or a larger --region"
                )
        if interceptor is None and speed_km_s is None:
            raise InputError("give --interceptor TYPE or --speed-km-s V")
        if speed_km_s is not None:
            require_within("speed_km_s", speed_km_s, 0.0, 15.0, lo_open=True)
        if (azimuth_deg is None) == (toward is None):
            raise InputError("boost-phase needs exactly one of --azimuth DEG and --toward TARGET")
        # --flyout staged is --staged (it was a catalog type without its stages: an error naming the API)
        asked_staged = flyout is not None and str(flyout).strip().lower() == "staged"
        if staged and flyout is not None and not asked_staged:  # it was accepted without effect
            raise InputError(f"--staged flies the interceptor's own fly-out table; drop --flyout {flyout}")
        staged = staged or asked_staged
        flyout = "straight" if flyout is None else flyout
        if staged and interceptor is None:
            raise InputError("--staged needs --interceptor TYPE (a type with stages in interceptors.yaml)")
        if staged and (speed_km_s is not None or burn_time_s is not None):
            raise InputError("--staged flies the interceptor's stages: drop --speed-km-s and --burn-time-s")
        lp = resolve_place(launch, field="FROM")
        tgt = resolve_place(toward, field="--toward") if toward is not None else None
        prof = boost_profile(
            missile,
            lp.latitude_deg,
            lp.longitude_deg,
            azimuth_deg=azimuth_deg,
            toward=None if tgt is None else (tgt.latitude_deg, tgt.longitude_deg),
            payload_kg=payload_kg,
        )
        it = None
        if interceptor is not None:
            it = catalog_type(interceptor)
            if staged:  # the type's launch delay rides with its stages (it was dropped: 5 s late for GBIs)
                it = staged_flyout(interceptor, launch_delay_s=it.launch_delay_s)
        kw = dict(
            delay_s=delay_s,
            deadline_s=deadline_s,
            base_altitude_km=base_altitude_km,
            carrier_speed_km_s=carrier_speed_km_s,
            flyout="staged" if staged else flyout,
        )
        speed_kw = {} if staged else dict(speed_km_s=speed_km_s, burn_time_s=burn_time_s)
        head = (
            f"{prof.name} from {lp.label}, azimuth {prof.azimuth_deg:.0f} deg ({prof.note}): burnout "
            f"{prof.burnout_time_s:,.0f} s, {prof.burnout_altitude_km:,.0f} km up, "
            f"{prof.burnout_range_km:,.0f} km downrange, {prof.burnout_speed_km_s:.2f} km/s"
        )
        if base is not None:
            bp = resolve_place(base, field="--base")
            r = engage_boost(prof, bp.latitude_deg, bp.longitude_deg, it, **speed_kw, **kw)
            if as_json:
                typer.echo(
                    json.dumps(
                        {
                            k: (v if not isinstance(v, float) or math.isfinite(v) else None)
                            for k, v in dataclasses.asdict(r).items()
                        }
                    )
                )
                return
            console.print(head, highlight=False)
            if staged:
                console.print(
                    f"{it.name} stages (integrated): burnout {it.burnout_speed_km_s:.2f} km/s after "
                    f"{it.burn_time_s:,.0f} s, {it.burnout_altitude_km:,.0f} km up, "
                    f"{it.burnout_range_km:,.0f} km downrange (estimated stage data)",
                    highlight=False,
                )
            console.print(
                f"base {bp.label}, {r.distance_km:,.0f} km from the launch point: {r.status}"
                + (f" ({r.reason})" if r.reason else ""),
                highlight=False,
            )
            console.print(
                f"interceptor fired at {r.interceptor_launch_s:,.0f} s; {r.time_available_s:,.0f} s "
                f"available until burnout/deadline ({r.deadline_s:,.0f} s)",
                highlight=False,
            )
            if r.status == "engageable":
                console.print(
                    f"intercept possible from {r.first_intercept_s:,.0f} s (missile "
                    f"{r.intercept_altitude_km:,.0f} km up, {r.intercept_downrange_km:,.0f} km downrange) "
                    f"to {r.last_intercept_s:,.0f} s",
                    highlight=False,
                )
            if math.isfinite(r.required_speed_km_s):
                console.print(
                    f"least burnout speed from this base: {r.required_speed_km_s:.2f} km/s", highlight=False
                )
            console.print("[dim]Kinematic model estimate: straight or ballistic fly-out, no homing.[/dim]")
            return
        if region is not None:
            z = basing_zone(prof, _bp_region(region), step_deg, it, **speed_kw, **kw)
            if map_png is not None:
                from shieldcheck.report.boostphase_map import plot_basing_zone

                plot_basing_zone(z, map_png, title=f"Boost-phase basing zone: {prof.name} from {lp.label}")
            if geojson is not None:
                _write_text(geojson, json.dumps(z.to_geojson(), indent=1))
            if csv_path is not None:
                from shieldcheck.report.exports import write_rows

                write_rows(z.table(), csv_path, "csv")
            if quiet and not as_json:
                _announce(map_png, geojson, csv_path, err=True)
                return
            if as_json:
                typer.echo(json.dumps(z.to_dict(), allow_nan=False))
                _announce(map_png, geojson, csv_path, err=True)
                return
            console.print(head, highlight=False)
            console.print(
                f"{z.interceptor} ({z.interceptor_speed_km_s:.2f} km/s, {z.flyout}) fired "
                f"at {z.interceptor_launch_s:,.0f} s: {z.time_available_s:,.0f} s to "
                f"{z.deadline_s:,.0f} s",
                highlight=False,
            )
            console.print(
                f"basing zone: {z.cells_engageable:,} of {z.cells:,} cells ({step_deg:g} deg) "
                "can engage before the deadline",
                highlight=False,
            )
            console.print("[dim]Kinematic model estimate: no homing, divert or kill assessment.[/dim]")
            _announce(map_png, geojson, csv_path)
            return
        if staged:
            raise InputError("--staged has no free speed: give --base or --region for a staged interceptor")
        curves = {}
        for label, off in (("under the track", 0.0), ("abeam", 90.0), ("behind the launch", 180.0)):
            c = least_speed_curve(
                prof,
                _BP_DISTANCES_KM,
                bearing_deg=(prof.azimuth_deg + off) % 360.0,
                interceptor=it,
                burn_time_s=burn_time_s,
                **kw,
            )
            curves[label] = c["required_speed_km_s"]
        # the speed the table is read against: --speed-km-s, else the catalog type's (the curve itself is
        # the least speed, whatever the interceptor's: without this mark --speed-km-s had no effect)
        given = speed_km_s if speed_km_s is not None else (it.burnout_speed_km_s if it is not None else None)
        given_from = "--speed-km-s" if speed_km_s is not None else (
            f"{it.name}'s burnout speed" if it is not None else "")
    except InputError as exc:
        _fail(str(exc))
    # the timeline is the curves' (the same for every bearing)
    t_launch, deadline, avail = (c[k] for k in ("interceptor_launch_s", "deadline_s", "time_available_s"))
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "missile": prof.name,
                    "azimuth_deg": prof.azimuth_deg,
                    "burnout_time_s": prof.burnout_time_s,
                    "interceptor_launch_s": t_launch,
                    "deadline_s": deadline,
                    "time_available_s": avail,
                    "distance_km": list(_BP_DISTANCES_KM),
                    "required_speed_km_s": {
                        k: [None if not math.isfinite(x) else float(x) for x in v] for k, v in curves.items()
                    },
                    "speed_km_s": given,
                    "fast_enough": None if given is None else {
                        k: [bool(x <= given) for x in v] for k, v in curves.items()
                    },
                }
            )
        )
        return
    console.print(head, highlight=False)
    console.print(
        f"interceptor fired at {_fmt(t_launch, 0)} s; {_fmt(avail, 0)} s available until burnout/deadline "
        f"({_fmt(deadline, 0)} s)"
        + (f": too late by {_fmt(t_launch - deadline, 0)} s, no boost-phase intercept" if avail <= 0 else ""),
        highlight=False,
    )
    table = Table(title="least interceptor burnout speed (km/s) against the base's distance from the launch")
    table.add_column("distance km", justify="right")
    for label in curves:
        table.add_column(label, justify="right")
    def cell(x: float) -> str:
        text = f"{x:.2f}" if x < 15.0 else "> 15"
        return text + (" *" if given is not None and x <= given else "")

    for i, d in enumerate(_BP_DISTANCES_KM):
        table.add_row(f"{d:,}", *[cell(v[i]) for v in curves.values()])
    console.print(table)
    if given is not None:
        console.print(f"*: a base at this distance can engage with {given:.2f} km/s ({given_from})"
                      + ("" if avail > 0 else "; none can, no time is available"), highlight=False)
    console.print("[dim]Kinematic model estimate: straight-line fly-out after the interceptor's burn.[/dim]")


def _command_group(argv: list[str]):
    """The click group `main` runs: only the command that ``argv`` starts with, when it names one.

    typer makes a click command of every registered function (reading its signature and annotations)
    before it parses anything: about 20 commands, some 30-50 ms of every start. A command line that starts
    with a command's exact name needs that command alone, built by typer as it builds it in the full
    group. Anything else (``--help``, no argument, a misspelt or unknown command) gets the full group, so
    listings and suggestions are unchanged; ``app`` itself keeps every command (typer's test runner and
    `shieldcheck._numba.warm` invoke it).
    """
    import copy

    from typer.main import get_command, get_command_name, get_group

    name = argv[0] if argv else ""
    one = [c for c in app.registered_commands if (c.name or get_command_name(c.callback.__name__)) == name]
    if len(one) != 1:
        return get_command(app)
    single = copy.copy(app)
    single.registered_commands = one
    return get_group(single)  # a group of one (get_command would make the command the whole program)


def _keep_for_good() -> None:
    """Take every object made so far out of the garbage collector's reach (`gc.freeze`), for this process.

    A warm flagship `engage` holds about 130,000 objects that live until the process exits: numba's type
    registries and runtime, typer, rich, pydantic and numpy's modules, the scenario models. Python's cyclic
    collector walks all of them at every full collection: twice while the command runs and again as the
    interpreter shuts down (its final collections), some 0.2-0.3 s of CPU in a run of about 1 s, for
    objects that are never garbage. `main` calls this when it starts (the modules imported so far), right
    after numba is imported (its registries) and when the command has finished (nothing more is made:
    the shutdown then walks only what the command made after the last freeze). Frozen objects are still
    freed by reference counting; a reference cycle among them is simply not collected before the process
    ends, which the operating system does at exit anyway. Every file shieldcheck writes is closed before
    its command returns, so nothing waits for a collection to be flushed. Only the console command does
    this: the API, the web app's and a sweep's library use keep Python's collector as it is.
    """
    import gc

    gc.freeze()


def main() -> None:
    """Console entry point: bad input ends with exit 2 and one line, never a traceback (see `_Commands`)."""
    from shieldcheck import _numba

    _keep_for_good()  # the modules imported so far, then numba's once imported (see _keep_for_good)
    _numba._after_import("numba", _keep_for_good)
    _numba.announce_compilation()
    _numba.compile_ahead(sys.argv[1:])  # a first run: the engagement kernel compiles on the other core
    try:
        _command_group(sys.argv[1:])()
    except InputError as exc:  # pragma: no cover - _Commands catches these; this is the last net
        typer.echo(f"error: {_line(exc)}", err=True)
        sys.exit(2)
    finally:
        _keep_for_good()  # the process ends next: its shutdown need not walk the start-up's objects


if __name__ == "__main__":
    main()
