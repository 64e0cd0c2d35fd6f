"""Sweeps: parsing, planning, effectiveness rows, executor equivalence, kill-and-resume, DuckDB, plots."""

import concurrent.futures as cf
import functools
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from shieldcheck import doctrine
from shieldcheck.errors import InputError
from shieldcheck.study import BASE
from shieldcheck.sweep import (
    SweepSpec,
    evaluate_point,
    load,
    parse_sample,
    parse_vary,
    plan,
    query,
    run_sweep,
)

FLAGSHIP = "european-third-site-2007"
SPEED = "interceptor_types.gbi-2stage.burnout_speed_km_s"
DECISION = "timeline.decision_s"
BRDY = "radars.brdy-xband.max_range_km"
# Three threats instead of 58: one per group (keeps each point ~0.05 s).
FEW = (
    "threats.iran-europe.launch=[tehran]",
    "threats.iran-europe.targets=[berlin]",
    "threats.iran-us-east-coast.launch=[tehran]",
    "threats.iran-us-east-coast.targets=[washington]",
    "threats.russia-us.launch=[kozelsk]",
    "threats.russia-us.targets=[washington]",
)
EFFECT = {"sspk": 0.7, "doctrine": "sls", "p_ka": 0.9, "raid_warheads": 3, "detection": 0.95}
SRC = str(Path(__file__).resolve().parents[1] / "src")


def _spec(**kw) -> SweepSpec:
    args = dict(vary=[f"{SPEED}=6:8:2", f"{DECISION}=30:90:60"], fixed=FEW, effectiveness=EFFECT)
    args.update(kw)
    return SweepSpec.from_cli(FLAGSHIP, **args)


def _rows(table) -> list[dict]:
    return sorted(table.to_pylist(), key=lambda r: (r["point_index"], r["threat"], r["launch"], r["target"]))


# --- parsing -------------------------------------------------------------------------------------------


def test_parse_vary_ranges_include_stop():
    assert parse_vary(f"{SPEED}=6:8:2")[1].tolist() == [6, 8]
    assert parse_vary("a.b=0.1:0.3:0.1")[1].tolist() == [0.1, 0.2, 0.3]  # fp noise rounded away
    assert parse_vary("a.b=30:100:30")[1].tolist() == [30, 60, 90]  # stop off the grid: not included
    assert parse_vary("a.b=5:5:1")[1].tolist() == [5]
    assert parse_vary("a.b=8.5:5.5:-1.5")[1].tolist() == [8.5, 7.0, 5.5]
    path, values = parse_vary(f"{SPEED} = 5.4, 6.3,9")
    assert path == SPEED and values.tolist() == [5.4, 6.3, 9.0]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a.b", "--vary 'a.b': expected PATH=START:STOP:STEP or PATH=V1,V2,...; no '=' found"),
        ("a.b=", "--vary 'a.b=': expected PATH=START:STOP:STEP or PATH=V1,V2,...; nothing after '='"),
        ("=1:2:1", "--vary '=1:2:1': expected PATH=START:STOP:STEP or PATH=V1,V2,...; the path before '='"),
        ("a.b=6:8:0", "--vary 'a.b=6:8:0': step must not be 0"),
        ("a.b=6:8:-1", "--vary 'a.b=6:8:-1': empty range: step -1 points away from STOP 8 (START 6)"),
        ("a.b=6:x:1", "--vary 'a.b=6:x:1': 'x' is not a number"),
        ("a.b=6:8", "--vary 'a.b=6:8': a range needs START:STOP:STEP (3 numbers), got 2 part(s)"),
        ("a.b=1,fast", "--vary 'a.b=1,fast': 'fast' is not a number"),
        ("a.b=1,,2", "--vary 'a.b=1,,2': empty value in the list"),
        ("a.b=1,2,1", "--vary 'a.b=1,2,1': values repeat"),
        ("a.b=nan", "--vary 'a.b=nan': 'nan' is not a number"),
        ("a.b=0:1e9:1", "--vary 'a.b=0:1e9:1': 1000000001 values is more than 100000"),
    ],
)
def test_parse_vary_errors(text, message):
    with pytest.raises(InputError) as info:
        parse_vary(text)
    assert str(info.value).startswith(message)


def test_parse_sample_kinds_draw_in_support():
    rng = np.random.default_rng(0)
    _, u = parse_sample("a.b=uniform(1500, 2500)")
    _, t = parse_sample("a.b=triangular(30,60,120)")
    _, n = parse_sample("a.b=normal(60,15)")
    _, c = parse_sample("a.b=choice(5.4, 6.3, 9)")
    _, names = parse_sample("a.b=choice(true,false)")
    assert all(1500 <= u.draw(rng) <= 2500 for _ in range(100))
    assert all(30 <= t.draw(rng) <= 120 for _ in range(100))
    assert abs(np.mean([n.draw(rng) for _ in range(4000)]) - 60) < 1.0
    assert {c.draw(rng) for _ in range(100)} == {5.4, 6.3, 9}
    assert {names.draw(rng) for _ in range(50)} == {True, False}
    assert (u.arrow_type, c.arrow_type, names.arrow_type) == ("float64", "float64", "bool")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a.b=gauss(1,2)", "--sample 'a.b=gauss(1,2)': unknown distribution 'gauss'; use uniform(a,b)"),
        ("a.b=uniform(2,1)", "--sample 'a.b=uniform(2,1)': uniform(a,b) needs a < b, got a=2, b=1"),
        ("a.b=uniform(1)", "--sample 'a.b=uniform(1)': uniform takes 2 numbers, uniform(a,b); got '1'"),
        ("a.b=normal(60,0)", "--sample 'a.b=normal(60,0)': normal(mu,sigma) needs sigma > 0, got sigma=0"),
        ("a.b=normal(x,1)", "--sample 'a.b=normal(x,1)': 'x' is not a number"),
        (
            "a.b=triangular(1,5,3)",
            "--sample 'a.b=triangular(1,5,3)': triangular(a,mode,b) needs a <= mode <= b",
        ),
        ("a.b=choice(1,1)", "--sample 'a.b=choice(1,1)': choice values repeat"),
        ("a.b=uniform", "--sample 'a.b=uniform': expected a distribution such as uniform(a,b)"),
        ("a.b:uniform(1,2)", "--sample 'a.b:uniform(1,2)': expected PATH=DIST(...)"),
    ],
)
def test_parse_sample_errors(text, message):
    with pytest.raises(InputError) as info:
        parse_sample(text)
    assert str(info.value).startswith(message)


# --- planning -------------------------------------------------------------------------------------------


def test_plan_unknown_path_reports_the_scenario_error():
    spec = _spec(vary=[f"{SPEED}x=6:8:2"])
    with pytest.raises(InputError) as info:
        plan(spec)
    msg = str(info.value)
    assert msg.startswith(f"--vary {SPEED}x: european-third-site-2007.yaml: --vary {SPEED}x: unknown key")
    assert "did you mean 'burnout_speed_km_s'?" in msg


def test_plan_value_breaking_a_rule_names_the_point():
    spec = _spec(vary=[f"{DECISION}=30:90:60"], sample=[f"{BRDY}=normal(1000,800)"], n=20, seed=1)
    with pytest.raises(InputError) as info:
        plan(spec)
    msg = str(info.value)
    assert (
        msg.startswith("sweep point ") and "radars.brdy-xband.max_range_km: must be within (0, 50000]" in msg
    )


def test_plan_rule_breaking_grid_value():
    with pytest.raises(InputError, match=r"--vary interceptor_types.gbi-2stage.burnout_speed_km_s: .*"):
        plan(_spec(vary=[f"{SPEED}=16,6"]))
    with pytest.raises(
        InputError, match=r"^sweep point 1 \(interceptor_types.gbi-2stage.burnout_speed_km_s=16"
    ):
        plan(_spec(vary=[f"{SPEED}=6,16"]))


def test_spec_errors():
    with pytest.raises(InputError, match=r"^-n 3 needs at least one --sample"):
        _spec(n=3)
    with pytest.raises(InputError, match=r"^--vary timeline.decision_s: the path is already given by --set"):
        _spec(fixed=(*FEW, f"{DECISION}=10"))
    with pytest.raises(InputError, match=r"^effectiveness: unknown key\(s\) ssp; valid keys: sspk"):
        _spec(effectiveness={"ssp": 0.5})
    with pytest.raises(
        InputError, match=r"^effectiveness.sspk must be a probability within \[0, 1\], got 1.5"
    ):
        _spec(effectiveness={"sspk": 1.5})
    with pytest.raises(
        InputError,
        match=r"^--vary effectiveness.nope: unknown effectiveness field 'nope'; valid paths: effectiveness.s",
    ):
        plan(_spec(vary=["effectiveness.nope=1,2"]))


def test_plan_points_and_seeded_draws():
    spec = _spec(
        sample=[f"{BRDY}=uniform(1500,2500)", "timeline.track_formation_s=choice(20,30,40)"], n=3, seed=9
    )
    points = plan(spec)
    assert [p["index"] for p in points] == list(range(12))
    assert [(p["inputs"][SPEED], p["inputs"][DECISION]) for p in points[::3]] == [
        (6, 30),
        (6, 90),
        (8, 30),
        (8, 90),
    ]
    for p in points:  # point i's draws depend only on (seed, i)
        rng = np.random.default_rng([9, p["index"]])
        assert p["inputs"][BRDY] == rng.uniform(1500, 2500)
        assert p["inputs"]["timeline.track_formation_s"] == (20, 30, 40)[rng.integers(3)]
    ids = [p["point_id"] for p in points]
    assert len(set(ids)) == len(ids)
    assert ids == [p["point_id"] for p in plan(spec)]  # stable
    other = plan(
        _spec(
            sample=[f"{BRDY}=uniform(1500,2500)", "timeline.track_formation_s=choice(20,30,40)"], n=3, seed=10
        )
    )
    assert ids[0] != other[0]["point_id"]


def test_evaluate_point_effectiveness_matches_doctrine():
    rows = evaluate_point(FLAGSHIP, None, {SPEED: 6.3, "effectiveness.raid_warheads": 4}, EFFECT, fixed=FEW)
    assert [(r["threat"], r["engageable"]) for r in rows] == [
        ("iran-europe", True),
        ("iran-us-east-coast", True),
        ("russia-us", False),
    ]
    p_sys = 0.95
    for r in rows:
        assert r[SPEED] == 6.3 and r["effectiveness.raid_warheads"] == 4 and r["site_inventory"] == 10
        shots = r["shots"]
        if shots >= 2:
            pk, reserve = doctrine.shoot_look_shoot_pk(0.7, 1, 1, 0.9, p_sys), 2
        elif shots == 1:
            pk, reserve = doctrine.barrage_pk(0.7, 1, p_sys), 1
        else:
            pk, reserve = 0.0, 0
        assert r["pk"] == pytest.approx(pk, abs=1e-15)
        expect = doctrine.raid(4, pk, 10, reserve)
        assert r["p_no_leak"] == pytest.approx(float(expect.p_no_leak), abs=1e-15)
        assert r["warheads_unengaged"] == int(expect.warheads_unengaged)
    assert rows[2]["p_no_leak"] == 0.0 and rows[2]["warheads_unengaged"] == 4
    assert rows[2]["interceptors_expended"] == 0.0


# --- executors ----------------------------------------------------------------------------------------

SAMPLED = dict(sample=[f"{BRDY}=uniform(1500,2500)"], n=2, seed=5)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The 2×2 (× 2 draws) sweep on one local worker process: the table others must reproduce."""
    out = tmp_path_factory.mktemp("ref")
    path = run_sweep(_spec(**SAMPLED), out, executor="local", workers=1, progress=False)
    return out, path


def test_reference_sweep_layout_and_counts(reference):
    out, path = reference
    assert path == out / "sweep.parquet" and path.exists()
    assert len(list((out / "points").glob("*.parquet"))) == 8
    manifest = json.loads((out / "sweep.json").read_text())
    assert manifest["points"] == 8 and manifest["input_columns"] == [SPEED, DECISION, BRDY]
    table = load(out)
    assert table.num_rows == 8 * 3
    for col in ("point_id", "scenario_hash", "variant", SPEED, DECISION, BRDY, "window_s", "p_no_leak"):
        assert col in table.column_names
    assert len(set(table.column("scenario_hash").to_pylist())) == 8  # each point is a different scenario


def test_local_two_workers_same_table(reference, tmp_path):
    run_sweep(_spec(**SAMPLED), tmp_path, executor="local", workers=2, progress=False, batch_size=3)
    assert _rows(load(tmp_path)) == _rows(load(reference[0]))


def test_dask_local_cluster_same_table(reference, tmp_path):
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        run_sweep(
            _spec(**SAMPLED),
            tmp_path,
            executor="dask",
            dask_address=cluster.scheduler_address,
            progress=False,
        )
    assert _rows(load(tmp_path)) == _rows(load(reference[0]))
    runs = [json.loads(line) for line in (tmp_path / "runs.jsonl").read_text().splitlines()]
    assert runs[-1]["executor"] == "dask" and runs[-1]["workers"] == 2 and runs[-1]["computed"] == 8


def test_query_counts(reference):
    out, _ = reference
    rows = query(
        out,
        f'select "{DECISION}" as d, count(*) as n, count(distinct point_id) as p '
        "from sweep group by d order by d",
    )
    assert rows == [{"d": 30, "n": 12, "p": 4}, {"d": 90, "n": 12, "p": 4}]
    (eng,) = query(out, "select count(*) as n from sweep where engageable and threat = 'iran-europe'")
    assert eng["n"] == 8


def test_other_spec_in_same_directory_refused(reference):
    with pytest.raises(InputError, match="holds a different sweep"):
        run_sweep(
            _spec(seed=99, **{k: v for k, v in SAMPLED.items() if k != "seed"}), reference[0], progress=False
        )


class _CountingExecutor(cf.ThreadPoolExecutor):
    def __init__(self):
        super().__init__(max_workers=1)
        self.submitted = 0
        self._lock = threading.Lock()

    def submit(self, fn, *args, **kwargs):
        with self._lock:
            self.submitted += 1
        return super().submit(fn, *args, **kwargs)


KILL_SCRIPT = textwrap.dedent(
    """
    import concurrent.futures as cf, json, sys, time
    from shieldcheck.sweep import SweepSpec, run_sweep

    def slow(fn, *args):
        time.sleep(0.25)
        return fn(*args)

    class Slow(cf.ThreadPoolExecutor):
        def submit(self, fn, *args):
            return super().submit(slow, fn, *args)

    if __name__ == "__main__":
        spec = SweepSpec(**json.loads(sys.argv[2]))
        with Slow(max_workers=1) as ex:
            run_sweep(spec, sys.argv[1], executor=ex, progress=False)
    """
)


def test_kill_and_resume(tmp_path):
    spec = _spec(vary=[f"{SPEED}=6:8:1", f"{DECISION}=30:90:30"], effectiveness=None)  # 9 points
    args = {"scenario": FLAGSHIP, "vary": [[p, list(v)] for p, v in spec.vary], "fixed": list(FEW)}
    script = tmp_path / "run.py"
    script.write_text(KILL_SCRIPT)
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen(
        [sys.executable, str(script), str(out), json.dumps(args)], env=env, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if len(list((out / "points").glob("*.parquet"))) >= 3:
                break
            if proc.poll() is not None:
                pytest.fail(f"sweep subprocess exited early with {proc.returncode}")
            time.sleep(0.02)
        else:
            pytest.fail("no points written within 60 s")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the group holds only the subprocess this test started
        proc.wait(timeout=30)
    before = {f.name: f.stat().st_mtime_ns for f in (out / "points").glob("*.parquet")}
    assert 3 <= len(before) < 9, "the kill must land mid-run"
    assert not (out / "sweep.parquet").exists()

    with _CountingExecutor() as ex:
        run_sweep(
            SweepSpec(**{**args, "vary": tuple(map(tuple, args["vary"]))}), out, executor=ex, progress=False
        )
    assert ex.submitted == 9 - len(before)  # finished points were not recomputed
    after = {f.name: f.stat().st_mtime_ns for f in (out / "points").glob("*.parquet")}
    assert {k: after[k] for k in before} == before  # and their files were not rewritten
    assert sorted(int(name[:7]) for name in after) == list(range(9))  # every point exactly once
    assert not list((out / "points").glob(".*.tmp"))
    (counts,) = query(out, "select count(*) as rows, count(distinct point_id) as points from sweep")
    assert counts == {"rows": 27, "points": 9}
    assert load(out).num_rows == 27
    runs = [json.loads(line) for line in (out / "runs.jsonl").read_text().splitlines()]
    assert (runs[-1]["already_done"], runs[-1]["computed"]) == (len(before), 9 - len(before))


# --- plots ----------------------------------------------------------------------------------------------


def test_plots_from_a_sweep(reference, tmp_path):
    from shieldcheck.report.sweep_plots import feasibility_boundary, heatmap, line_plot

    table = load(reference[0])
    fig = heatmap(table, SPEED, DECISION, value="p_no_leak", agg="min", where={"threat": ["iran-europe"]})
    ax = fig.axes[0]
    assert (ax.get_xlabel(), ax.get_ylabel()) == (
        "Burnout speed, gbi-2stage (km/s)",
        "Decision, timeline (s)",
    )
    fig.savefig(tmp_path / "heat.png")
    fig = feasibility_boundary(table, SPEED, DECISION)
    fig.savefig(tmp_path / "feasible.png")
    fig = line_plot(table, SPEED, "engageable_fraction", group_by="threat")
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == [
        "iran-europe",
        "iran-us-east-coast",
        "russia-us",
    ]
    fig.savefig(tmp_path / "line.png")
    assert all((tmp_path / f).stat().st_size > 1000 for f in ("heat.png", "feasible.png", "line.png"))
    with pytest.raises(InputError, match="value 'p_leak' is not a column of the table; swept inputs: "):
        heatmap(table, SPEED, DECISION, value="p_leak")
    with pytest.raises(InputError, match=r"where=\{'threat': 'nobody'\} keeps no rows"):
        line_plot(table, SPEED, where={"threat": "nobody"})


def test_feasibility_boundary_draws_a_contour():
    from shieldcheck.report.sweep_plots import feasibility_boundary

    x, y = np.meshgrid(np.arange(5.0, 9.0, 0.5), np.arange(0.0, 200.0, 20.0))
    ok = x - y / 100 > 6.5  # a diagonal boundary
    table = {
        "a.speed_km_s": x.ravel(),
        "b.delay_s": y.ravel(),
        "engageable": ok.ravel(),
        "window_s": 100.0 * ok.ravel(),
    }
    fig = feasibility_boundary(table, "a.speed_km_s", "b.delay_s")
    assert len(fig.axes[0].collections) >= 2  # the mesh and the contour


def test_resuming_a_finished_sweep_computes_nothing(reference):
    out, path = reference
    before = path.stat().st_mtime_ns
    with _CountingExecutor() as ex:
        assert run_sweep(_spec(**SAMPLED), out, executor=ex, progress=False) == path
    assert ex.submitted == 0
    runs = [json.loads(line) for line in (out / "runs.jsonl").read_text().splitlines()]
    assert (runs[-1]["already_done"], runs[-1]["computed"]) == (8, 0)
    assert path.stat().st_mtime_ns >= before and load(out).num_rows == 24


def test_plan_validates_with_the_variant_applied():
    # speed-postol-9 sets the speed to 9 km/s; a --vary of another field still validates against it
    spec = _spec(variant="speed-postol-9", vary=[f"{DECISION}=30,60"])
    assert len(plan(spec)) == 2
    with pytest.raises(InputError, match="variant 'speed-9' is not defined"):
        plan(_spec(variant="speed-9"))


def test_points_rejected_at_run_time_are_listed_and_the_rest_written(tmp_path, monkeypatch):
    import shieldcheck.sweep as sweep

    # A point the planner's check would catch, let through to show what happens if build() rejects it.
    monkeypatch.setattr(sweep, "plan", functools.partial(plan, validate=False))
    spec = _spec(vary=[f"{SPEED}=6,16"], effectiveness=None)
    with cf.ThreadPoolExecutor(1) as ex, pytest.raises(InputError) as info:
        run_sweep(spec, tmp_path, executor=ex, progress=False)
    msg = str(info.value)
    assert msg.startswith("1 of 2 sweep points were rejected by the scenario")
    assert "point 1: european-third-site-2007.yaml: interceptor_types.gbi-2stage.burnout_speed_km_s" in msg
    errors = json.loads((tmp_path / "errors.json").read_text())
    assert [e["index"] for e in errors] == [1]
    assert load(tmp_path).num_rows == 3 and (tmp_path / "sweep.parquet").exists()


def test_base_variant_spelled_base_and_old_folders_with_none_still_read(tmp_path):
    """The sweep's base variant is "base" (as in every table); folders written when it was None (and the
    rows' decision_s was decision_time_s) resume and read the same (the point ids did not change)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    spec = _spec(vary=[f"{DECISION}=30"], effectiveness=None)
    run_sweep(spec, tmp_path, progress=False)
    assert set(load(tmp_path).column("variant").to_pylist()) == {BASE}
    assert SweepSpec.from_cli(FLAGSHIP, variant=BASE).to_dict()["variant"] == BASE
    manifest = json.loads((tmp_path / "sweep.json").read_text())
    assert manifest["spec"]["variant"] == BASE
    # make the folder look like an old one: None in the manifest and in the point files
    manifest["spec"]["variant"] = None
    (tmp_path / "sweep.json").write_text(json.dumps(manifest))
    for f in (tmp_path / "points").glob("*.parquet"):
        t = pq.read_table(f)
        i = t.column_names.index("variant")
        t = t.set_column(i, "variant", pa.nulls(t.num_rows, pa.string()))
        t = t.rename_columns(["decision_time_s" if c == "decision_s" else c for c in t.column_names])
        pq.write_table(t, f)
    table = load(tmp_path)
    assert set(table.column("variant").to_pylist()) == {BASE}
    assert set(table.column("decision_s").to_pylist()) == {30.0}
    assert "decision_time_s" not in table.column_names
    assert query(tmp_path, "select distinct variant, decision_s from sweep") == [
        {"variant": BASE, "decision_s": 30.0}
    ]
    run_sweep(spec, tmp_path, progress=False)  # resumes: not "a different sweep"


def test_heatmap_of_engageable_writes_fractions_not_rounded_counts():
    # README's sweep-plot uses --value engageable: a cell where 6 of 10 routes engage averages 0.6 and was
    # written as "1" (".0f"), so a reader saw every route engaged
    from shieldcheck.report.sweep_plots import heatmap

    table = {
        "x": np.array([1.0] * 10 + [2.0] * 10),
        "y": np.array([5.0] * 20),
        "engageable": np.array([True] * 6 + [False] * 4 + [True] * 10),
    }
    fig = heatmap(table, "x", "y", value="engageable")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert sorted(texts) == ["0.60", "1.00"]
