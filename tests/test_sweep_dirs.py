"""Sweep folders under damage (issue 9, kind 13): truncated point files, stray copies, a corrupt manifest,
and a SIGKILLed sweep's worker processes."""

import concurrent.futures as cf
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from shieldcheck.errors import InputError
from shieldcheck.sweep import SweepSpec, load, query, run_sweep

FLAGSHIP = "european-third-site-2007"
DECISION = "timeline.decision_s"
FEW = (
    "threats.iran-europe.launch=[tehran]",
    "threats.iran-europe.targets=[berlin]",
    "threats.iran-us-east-coast.launch=[tehran]",
    "threats.iran-us-east-coast.targets=[washington]",
    "threats.russia-us.launch=[kozelsk]",
    "threats.russia-us.targets=[washington]",
)
SRC = str(Path(__file__).resolve().parents[1] / "src")


class _Counting(cf.ThreadPoolExecutor):
    def __init__(self):
        super().__init__(max_workers=1)
        self.submitted = 0
        self._lock = threading.Lock()

    def submit(self, fn, *args, **kwargs):
        with self._lock:
            self.submitted += 1
        return super().submit(fn, *args, **kwargs)


def _spec():
    return SweepSpec.from_cli(FLAGSHIP, vary=[f"{DECISION}=30:90:30"], fixed=FEW)  # 3 points x 3 rows


@pytest.fixture
def done(tmp_path):
    with _Counting() as ex:
        run_sweep(_spec(), tmp_path, executor=ex, progress=False)
    return tmp_path


def _points(out):
    return sorted((out / "points").glob("*.parquet"))


def test_truncated_point_file_is_recomputed_on_resume(done):
    victim = _points(done)[1]
    data = victim.read_bytes()
    victim.write_bytes(data[: len(data) // 2])  # a copy cut short / a full disk
    with pytest.raises(InputError, match=r"damaged sweep point file .*run the same sweep again"):
        load(done)
    with pytest.raises(InputError, match=r"damaged sweep point file"):
        query(done, "select count(*) from sweep")
    with _Counting() as ex:
        run_sweep(_spec(), done, executor=ex, progress=False)
    assert ex.submitted == 1  # only the damaged point
    assert victim.read_bytes() != data[: len(data) // 2]
    assert load(done).num_rows == 9


def test_stray_copies_are_not_counted_twice(done):
    first = _points(done)[0]
    shutil.copy(first, first.with_name(first.stem + " (copy).parquet"))
    shutil.copy(first, first.with_name("backup.parquet"))
    shutil.copy(first, done / "points" / f".{first.name}.123.tmp")
    assert load(done).num_rows == 9  # 3 points x 3 threats, each once
    (counts,) = query(done, "select count(*) as n, count(distinct point_id) as p from sweep")
    assert counts == {"n": 9, "p": 3}
    # a renamed copy claiming the same point index is ambiguous: an error naming both files
    shutil.copy(first, first.with_name(first.name[:8] + "0" * 20 + ".parquet"))
    with pytest.raises(InputError, match=r"two result files for point 0: .* remove the other"):
        load(done)


def test_corrupt_manifest_is_a_clear_error(done):
    (done / "sweep.json").write_text('{"format": 1, "spec": ', encoding="utf-8")
    with pytest.raises(InputError, match=r"sweep\.json: not a readable sweep manifest \(Expecting value: "
                                         r"line 1 column 23 \(char 22\)\); delete it"):
        run_sweep(_spec(), done, progress=False)
    (done / "sweep.json").write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(InputError, match=r"not a sweep manifest \(a JSON object is expected\)"):
        run_sweep(_spec(), done, progress=False)


def test_unreachable_dask_scheduler_is_a_clear_error_in_bounded_time(tmp_path):
    t0 = time.monotonic()
    message = r"--dask tcp://127\.0\.0\.1:1: no Dask scheduler answered within 1 s"
    with pytest.raises(InputError, match=message):
        run_sweep(_spec(), tmp_path / "s", executor="dask", dask_address="tcp://127.0.0.1:1", progress=False,
                  dask_timeout_s=1)
    # the wait is bounded by shieldcheck, not by Dask's retries: 1 s + 5 s grace, with room for load
    assert time.monotonic() - t0 < 20
    assert not (tmp_path / "s").exists()
    with pytest.raises(InputError, match=r"--dask 'tcp://h:99999': a scheduler address looks like"):
        run_sweep(_spec(), tmp_path, executor="dask", dask_address="tcp://h:99999", progress=False)


KILL_SCRIPT = textwrap.dedent(
    """
    import json, sys
    from shieldcheck.sweep import SweepSpec, run_sweep

    if __name__ == "__main__":
        spec = SweepSpec(**json.loads(sys.argv[2]))
        run_sweep(spec, sys.argv[1], executor="local", workers=2, progress=False)
    """
)


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(x) for x in text.split()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc to find the workers")
def test_sigkilled_sweep_leaves_no_workers(tmp_path):
    spec = SweepSpec.from_cli(FLAGSHIP, vary=[f"{DECISION}=10:600:10"])  # 60 points x 58 rows: slow enough
    args = {"scenario": FLAGSHIP, "vary": [[p, list(map(int, v))] for p, v in spec.vary]}
    script = tmp_path / "run.py"
    script.write_text(KILL_SCRIPT)
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen([sys.executable, str(script), str(tmp_path / "out"), json.dumps(args)], env=env)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            workers = [c for c in _children(proc.pid) if "spawn_main" in Path(f"/proc/{c}/cmdline")
                       .read_bytes().decode(errors="replace")] if _children(proc.pid) else []
            if len(workers) >= 2 and list((tmp_path / "out" / "points").glob("*.parquet")):
                break
            time.sleep(0.05)
        else:
            pytest.fail("the sweep did not start its two workers and write a point within 120 s")
        os.kill(proc.pid, signal.SIGKILL)  # only the sweep process itself, as the OOM killer would
        proc.wait(timeout=30)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(w) for w in workers):
            time.sleep(0.05)
        assert not any(_alive(w) for w in workers), "workers outlived their sweep by more than 10 s"
    finally:
        if proc.poll() is None:
            proc.kill()
        for w in workers:  # only the worker processes this test's sweep started
            if _alive(w):
                os.kill(w, signal.SIGKILL)


def test_sweep_sizes_are_bounded(tmp_path):
    with pytest.raises(InputError, match=r"the sweep has 10,000,000,000 points .* more than 1,000,000"):
        SweepSpec.from_cli(
            FLAGSHIP,
            vary=[f"{DECISION}=1:100000:1", "radars.brdy-xband.max_range_km=1:100000:1"],
        )
    with pytest.raises(InputError, match=r"the sweep has 1,000,000,000,000 points"):
        SweepSpec.from_cli(FLAGSHIP, sample=[f"{DECISION}=uniform(1,2)"], n=10**12)
    with pytest.raises(InputError, match=r"workers must be a whole number within \[1, 256\], got 1000000"):
        run_sweep(_spec(), tmp_path, workers=10**6, progress=False)


def test_dask_connect_gives_up_even_when_dask_does_not(monkeypatch):
    # a client that never returns (Dask's own retries stuck, as in a 379 s loaded run): shieldcheck's
    # wall-clock bound ends the wait at the timeout plus the grace
    from shieldcheck import sweep

    class Hangs:
        def __init__(self, *args, **kwargs):
            time.sleep(30)

    monkeypatch.setattr(sweep, "_DASK_GRACE_S", 0.5)
    t0 = time.monotonic()
    with pytest.raises(InputError, match=r"no Dask scheduler answered within 0\.5 s \(no answer\)"):
        sweep._connect(Hangs, "tcp://127.0.0.1:1", 0.5)
    assert time.monotonic() - t0 < 5
