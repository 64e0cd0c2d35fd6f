"""Start-up (issue 9, item 16): one compiled specialisation per kernel, and `--help` without numba.

A literal argument at a jitted call site (``f(0, ...)``, ``g(..., False)``) or an omitted default makes
numba compile the callee again for ``Literal[int](0)`` / ``Literal[bool](False)`` / ``omitted(...)``:
42 specialisations of 28 kernels made the first `engage` compile for 29 s CPU. These tests run the
flagship in a fresh process with an empty cache and count the specialisations of every shieldcheck
kernel, so the kind cannot come back; and check that `shieldcheck --help` and `import shieldcheck`
import neither numba nor scipy.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

ALLOWANCE: dict[str, int] = {}
"""Kernels allowed more than one specialisation in the flagship engage (none today), with the reason."""

COUNT = textwrap.dedent(
    """
    import json, sys
    from typer.testing import CliRunner
    from shieldcheck.cli import app
    args = json.loads(sys.argv[1])
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    from numba.core.registry import CPUDispatcher
    counts = {}
    for name, mod in list(sys.modules.items()):
        if name.startswith("shieldcheck"):
            for key, value in vars(mod).items():
                if isinstance(value, CPUDispatcher) and value.__module__ == name:
                    counts[f"{name}.{key}"] = [str(s) for s in value.signatures]
    print(json.dumps(counts))
    """
)


def _fresh(tmp_path, code: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba-cache")}
    return subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, timeout=900
    )


def test_flagship_engage_compiles_one_specialisation_per_kernel(tmp_path):
    args = ["engage", "european-third-site-2007"]
    for group, launch, target in (
        ("iran-europe", "tehran", "berlin"),
        ("iran-us-east-coast", "tehran", "washington"),
        ("russia-us", "kozelsk", "washington"),
    ):  # one route per group: the same argument types, so the same kernels, as the whole table
        args += ["--set", f"threats.{group}.launch=[{launch}]"]
        args += ["--set", f"threats.{group}.targets=[{target}]"]
    proc = _fresh(tmp_path, COUNT, json.dumps(args))
    assert proc.returncode == 0, proc.stderr[-3000:]
    counts = json.loads(proc.stdout.strip().splitlines()[-1])
    assert len([k for k, v in counts.items() if v]) >= 18  # the engage kernels did compile (19 today)
    extra = {k: v for k, v in counts.items() if len(v) > ALLOWANCE.get(k, 1)}
    assert not extra, f"kernels compiled more than once (literal or omitted arguments?): {extra}"


def test_help_and_import_do_not_load_numba(tmp_path):
    code = textwrap.dedent(
        """
        import sys
        import shieldcheck
        assert shieldcheck.InputError and "numba" not in sys.modules and "scipy" not in sys.modules
        sys.argv = ["shieldcheck", "--help"]
        from shieldcheck.cli import main
        try:
            main()
        except SystemExit as exc:
            assert exc.code in (0, None)
        print(sorted(m for m in ("numba", "scipy", "pydantic") if m in sys.modules))
        """
    )
    proc = _fresh(tmp_path, code)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip().splitlines()[-1] == "[]"


def test_lazy_names_resolve_to_the_api():
    import shieldcheck as sc
    import shieldcheck.reach  # noqa: F401 - binding the submodule must not hide the function
    import shieldcheck.reconstruct  # noqa: F401

    assert callable(sc.reach) and callable(sc.reconstruct)
    assert sc.reach.__module__ == "shieldcheck.reach"
    assert set(sc.__all__) <= set(dir(sc))
    for name in sc.__all__:
        assert getattr(sc, name) is not None


def test_first_compilation_is_announced_once(tmp_path):
    code = textwrap.dedent(
        """
        from shieldcheck import _numba
        _numba.announce_compilation()
        import shieldcheck as sc
        sc.ecef_to_geodetic([7000.0, 0.0, 0.0])
        sc.geodetic_to_ecef(10.0, 20.0)
        """
    )
    cold = _fresh(tmp_path, code)
    assert cold.returncode == 0, cold.stderr[-3000:]
    assert cold.stderr.count("compiling numerical kernels") == 1
    assert "first run only" in cold.stderr
    warm = _fresh(tmp_path, code)  # same cache folder: nothing compiles, nothing is said
    assert warm.returncode == 0 and "compiling" not in warm.stderr


def test_kernels_load_without_scipy_linalg_and_numba_still_finds_blas(tmp_path):
    # numba's array library imports scipy.linalg at load only to ask whether BLAS exists (0.1-0.3 s per
    # start); shieldcheck answers from the files, and numba's own check still guards real BLAS use
    code = textwrap.dedent(
        """
        import sys
        import numpy as np
        import shieldcheck as sc
        sc.ecef_to_geodetic([7000.0, 0.0, 0.0])
        assert "scipy.linalg" not in sys.modules
        import numba
        import numba.np.arraymath as arraymath
        import numba.np.linalg as linalg
        assert arraymath._HAVE_BLAS and arraymath.ensure_blas is linalg.ensure_blas
        assert linalg.ensure_blas.__module__ == "numba.np.linalg"  # numba's check is back
        dot = numba.njit(lambda a, b: np.dot(a, b))
        assert dot(np.eye(2), np.full((2, 2), 3.0)).tolist() == [[3.0, 3.0], [3.0, 3.0]]
        print("scipy.linalg" in sys.modules)
        """
    )
    for _ in range(2):  # a cold and a warm cache
        proc = _fresh(tmp_path, code)
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert proc.stdout.strip().splitlines()[-1] == "True"  # np.dot imported it when it needed it


def test_engagement_rows_do_not_depend_on_the_thread_chunks(monkeypatch):
    # the batch kernels are serial row ranges run on a thread pool: any split gives the same rows, to the
    # last digit (JSON text compared; NaN written as null)
    from shieldcheck import _numba
    from shieldcheck.engagement import engage_many, scenario_trajectories
    from shieldcheck.scenario import build, load_scenario

    built = build(load_scenario("european-third-site-2007"))
    arch = built.architecture
    runs = []
    for k in (1, 2, 3):
        monkeypatch.setattr(_numba, "threads", lambda k=k: k)
        trajs = scenario_trajectories(built)
        rows = [r.to_dict() for s in arch.sites for r in engage_many(trajs, s, arch)]
        runs.append(json.dumps([[t.to_dict() for t in trajs], rows]))
    assert len(runs[0]) > 10_000 and runs[0] == runs[1] == runs[2]


def test_make_demo_warm_up_covers_the_reports_reach_fans_and_says_one_line(tmp_path):
    # `make demo` warms the kernels, then writes the report, whose reach fans compiled
    # interceptors._fan_kernel afresh ("compiling numerical kernels ... ~13 s" in the middle of the report);
    # and the warm-up itself was announced as ~13 s when it takes about a minute. WARM_COMMANDS emptied
    # here: only the extra warm-up runs.
    code = textwrap.dedent(
        """
        from shieldcheck import _numba
        _numba.WARM_COMMANDS = []
        _numba.main()
        """
    )
    cold = _fresh(tmp_path, code)
    assert cold.returncode == 0, cold.stderr[-3000:]
    assert cold.stderr.count("preparing the compiled kernels") == 1
    from shieldcheck import _numba

    assert f"~{_numba.COLD_COMPILE_S} s" not in cold.stderr
    report_fans = textwrap.dedent(
        """
        from shieldcheck import _numba
        _numba.announce_compilation()
        from shieldcheck.interceptors import InterceptorSite, InterceptorType, reach_fan
        site = InterceptorSite("redzikowo", 54.472, 17.124, InterceptorType("gbi-2", 6.3, 120.0, 200.0))
        reach_fan(site, 600.0, 500.0, __import__("numpy").arange(0.0, 360.0, 5.0))
        """
    )
    after = _fresh(tmp_path, report_fans)  # the same cache: the report's fans compile nothing
    assert after.returncode == 0 and "compiling" not in after.stderr, after.stderr[-3000:]


def test_a_fresh_cache_keeps_kernels_cached_before_the_first_staged_import(tmp_path):
    # On a fresh install the sources' fingerprint was first written when `boost` was imported, and that
    # first write deleted every kernel cached before it: `make demo`'s warm-up ran engage, threshold and
    # trajectory, then a staged command, so `shieldcheck demo` and `report` compiled their kernels again.
    code = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from shieldcheck import earth
        earth.ecef_to_geodetic([7000.0, 0.0, 0.0])       # compiles and caches earth's kernels
        import shieldcheck.boost                          # the first staged import
        print(len(list(Path(sys.argv[1]).rglob("earth._geodetic_many-*.nbi"))))
        """
    )
    proc = _fresh(tmp_path, code, str(tmp_path / "numba-cache"))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip().splitlines()[-1] == "1"


RUN_MAIN = textwrap.dedent(
    """
    import json, sys
    from numba.core import event
    from shieldcheck import _numba
    if len(sys.argv) > 2 and sys.argv[2]:
        _numba.AHEAD["engage"] = (_numba.AHEAD["engage"][0], sys.argv[2])  # the second process's job
    here = []

    class Listener(event.Listener):
        def on_start(self, ev):
            fn = getattr((ev.data or {}).get("dispatcher"), "py_func", None)
            if fn is not None and fn.__module__.startswith("shieldcheck"):
                here.append(fn.__name__)

        def on_end(self, ev):
            pass

    event.register("numba:compile", Listener())
    sys.argv = ["shieldcheck", *json.loads(sys.argv[1])]
    from shieldcheck.cli import main
    try:
        main()
    finally:
        print(json.dumps({"compiled_here": here, "second_process": _numba._STATE["ahead"] is not None}))
    """
)


def _main(tmp_path, args, job="", **env):
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba-cache"), **env}
    proc = subprocess.run(
        [sys.executable, "-c", RUN_MAIN, json.dumps(args), job],
        env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    *rows, status = proc.stdout.strip().splitlines()
    return "\n".join(rows), json.loads(status)


def test_first_run_compiles_the_engagement_kernel_in_a_second_process(tmp_path):
    # a fresh cache: `shieldcheck engage` starts a second process that compiles the engagement kernel while
    # this one compiles the trajectory solver, then loads that kernel from the shared cache; the rows are
    # the same to the last digit as when one process compiles everything, and a warm run starts nothing
    args = ["engage", "european-third-site-2007", "--json"]
    routes = (("iran-europe", "tehran", "berlin"), ("russia-us", "kozelsk", "washington"))
    for group, launch, target in routes:
        args += ["--set", f"threats.{group}.launch=[{launch}]"]
        args += ["--set", f"threats.{group}.targets=[{target}]"]
    rows, cold = _main(tmp_path, args)
    assert cold["second_process"]
    here = cold["compiled_here"]
    assert "_solve_direct_batch" in here and "_engage_kernel" not in here, cold
    assert not list((tmp_path / "numba-cache").rglob("*.lock")), "the second process left its lock behind"
    rows_warm, warm = _main(tmp_path, args)
    assert warm == {"compiled_here": [], "second_process": False}
    alone, _ = _main(tmp_path / "alone", args, SHIELDCHECK_COMPILE_AHEAD="0")
    assert rows == rows_warm == alone and len(rows) > 1000


def test_a_second_process_that_dies_only_costs_time(tmp_path):
    # the second process killed (SIGABRT, as a kill -9 would: no clean-up, its lock stays): this process
    # compiles the engagement kernel itself and the rows are unchanged
    args = ["engage", "european-third-site-2007", "--json", "--set", "threats.iran-europe.targets=[berlin]"]
    rows, died = _main(tmp_path, args, "os:abort")
    assert died["second_process"] and "_engage_kernel" in died["compiled_here"]
    alone, _ = _main(tmp_path / "alone", args, SHIELDCHECK_COMPILE_AHEAD="0")
    assert rows == alone and len(rows) > 1000


def test_no_second_process_without_a_cold_writable_cache(monkeypatch):
    import numba

    from shieldcheck import _numba
    from shieldcheck.engagement import _engage_kernel

    flagship = ["engage", "european-third-site-2007"]
    monkeypatch.setattr(_numba, "_STATE", {**_numba._STATE, "ahead": None})
    assert _numba._cold(_engage_kernel) is None  # the test session's cache holds it: not a fresh install
    for argv in (["engage", "--help"], ["trajectory", "tehran", "berlin"], [], ["--help"]):
        assert not _numba.compile_ahead(argv)
    monkeypatch.setenv("SHIELDCHECK_COMPILE_AHEAD", "0")
    assert not _numba.compile_ahead(flagship)
    assert _numba._cold(lambda: None) is None  # NUMBA_DISABLE_JIT: kernels are plain functions
    assert _numba._cold(numba.njit(lambda: None)) is None  # a kernel without a cache
    monkeypatch.setitem(_numba._STATE, "location", "none")  # no writable folder anywhere: nothing to share
    assert _numba._cold(_engage_kernel) is None


def test_main_builds_only_the_command_it_runs(monkeypatch, capsys):
    # typer makes a click command of every registered function before it parses anything; main() builds
    # only the one its first argument names, exactly as the full group builds it, and the full group for
    # anything else (--help, no argument, a misspelt command), so listings and suggestions are unchanged
    import typer.main

    from shieldcheck import cli

    full = typer.main.get_command(cli.app)
    names = list(full.commands)
    assert len(names) >= 20
    built = []
    original = typer.main.get_command_from_info

    def counting(command_info, **kw):
        built.append(command_info.name)
        return original(command_info, **kw)

    monkeypatch.setattr(typer.main, "get_command_from_info", counting)
    for name in names:
        built.clear()
        group = cli._command_group([name, "--json"])
        assert list(group.commands) == [name] and built == [name]
        assert (type(group), group.name, group.help) == (type(full), full.name, full.help)
    for argv in ([], ["--help"], ["engag"], ["--json", "engage"], ["ENGAGE"]):
        assert list(cli._command_group(argv).commands) == names
    monkeypatch.setenv("COLUMNS", "100")
    for argv in (["engage", "--help"], ["trajectory", "--help"], ["boost-phase", "--help"], ["--help"]):
        texts = []
        for group in (cli._command_group(argv), typer.main.get_command(cli.app)):
            group.main(args=argv, prog_name="shieldcheck", standalone_mode=False)
            texts.append(capsys.readouterr().out)
        assert texts[0] == texts[1] and "Usage: shieldcheck" in texts[0]


NOT_NEEDED_BY_ENGAGE = (
    "shieldcheck.boostphase", "shieldcheck.staged", "shieldcheck.boost", "shieldcheck.reach",
    "shieldcheck.reconstruct", "shieldcheck.footprint", "shieldcheck.siting", "shieldcheck.sweep",
    "shieldcheck.compare", "shieldcheck.report.html", "shieldcheck.web", "pyarrow", "matplotlib", "shapely",
    "scipy.linalg", "scipy.integrate", "scipy.optimize", "dask", "pandas", "fastapi",
)  # fmt: skip
"""Modules the flagship engage (a scenario without a ``boost_phase:`` block) does not need at start-up."""


def test_flagship_engage_and_help_import_only_what_they_need():
    # a regression guard for start-up time, not a clock: each run in a fresh process, then sys.modules
    code = textwrap.dedent(
        """
        import json, sys
        sys.argv = ["shieldcheck", *json.loads(sys.argv[1])]
        from shieldcheck.cli import main
        try:
            main()
        except SystemExit as exc:
            assert exc.code in (0, None), exc.code
        print(json.dumps(sorted(sys.modules)))
        """
    )
    heavy_for_help = (*NOT_NEEDED_BY_ENGAGE, "numba", "scipy", "pydantic", "pyproj", "yaml",
                      "shieldcheck.scenario", "shieldcheck.study", "shieldcheck.engagement")  # fmt: skip
    for args, unwanted in (
        (["engage", "european-third-site-2007", "--set", "threats.iran-europe.targets=[berlin]"],
         NOT_NEEDED_BY_ENGAGE),
        (["--help"], heavy_for_help),
        (["engage", "--help"], [m for m in heavy_for_help if m != "pydantic"]),  # typer parses with pydantic
    ):  # fmt: skip
        proc = subprocess.run(
            [sys.executable, "-c", code, json.dumps(args)], capture_output=True, text=True, timeout=900
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
        loaded = set(json.loads(proc.stdout.strip().splitlines()[-1]))
        assert "shieldcheck.cli" in loaded
        assert not loaded & set(unwanted), f"shieldcheck {' '.join(args)} imported {loaded & set(unwanted)}"


def test_the_console_command_keeps_its_start_up_objects_out_of_the_collector():
    # a regression guard for start-up time, not a clock (issue 9, kind 16; seventh session): Python's cyclic
    # collector walked the ~130,000 objects of numba's registries, typer, pydantic and numpy at every full
    # collection, twice during a warm flagship engage and again at shutdown (0.2-0.3 s of CPU). `main`
    # freezes them (gc.freeze) when it starts, after numba's import and when its command is done: counted
    # here in a fresh process, the second run of the same command (the first may compile)
    code = textwrap.dedent(
        """
        import gc, json, sys
        full = []
        gc.callbacks.append(lambda phase, info: full.append(1) if (phase, info["generation"]) == ("stop", 2)
                            else None)
        sys.argv = ["shieldcheck", *json.loads(sys.argv[1])]
        from shieldcheck.cli import main
        try:
            main()
        except SystemExit as exc:
            assert exc.code in (0, None), exc.code
        print(json.dumps([len(full), gc.get_freeze_count(), len(gc.get_objects())]))
        """
    )
    args = ["engage", "european-third-site-2007", "--set", "threats.iran-europe.targets=[berlin]"]
    for _ in range(2):
        proc = subprocess.run(
            [sys.executable, "-c", code, json.dumps(args)], capture_output=True, text=True, timeout=900
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
    full, frozen, left = json.loads(proc.stdout.strip().splitlines()[-1])
    assert frozen > 50_000, frozen  # numba's registries and the modules are frozen
    assert left < frozen // 20, (left, frozen)  # the shutdown's collections walk (almost) nothing
    assert full <= 1, full  # one full collection in the run (numba's registry refresh), not two or more
