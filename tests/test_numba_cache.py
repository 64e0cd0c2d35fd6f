"""A read-only install with a read-only home still imports and computes (issue 9, kind 16).

The package is copied to a temporary folder that is made read-only: by a read-only bind mount in a
private mount namespace when running as root (root ignores file modes), by file modes otherwise.
"""

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import shieldcheck

SCRIPT = textwrap.dedent(
    """
    import shieldcheck as sc, shieldcheck._numba as n
    lat, lon, alt = sc.ecef_to_geodetic([6378.137 + 1.0, 0.0, 0.0])  # a compiled kernel
    print(n.cache_location())
    print(round(float(alt), 9))
    """
)


def _run(tmp_path: Path, readonly: list[Path], env_extra: dict, cwd=None) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONDONTWRITEBYTECODE": "1"}
    env |= {"PYTHONPATH": str(tmp_path / "site"), **env_extra}
    cmd = [sys.executable, "-c", SCRIPT]
    if os.geteuid() == 0:
        if shutil.which("unshare") is None:
            pytest.skip("running as root without unshare: cannot make a folder read-only for root")
        mounts = "; ".join(f"mount --bind {d} {d} && mount -o remount,bind,ro {d}" for d in readonly)
        probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
        if probe.returncode != 0:
            pytest.skip("no mount namespaces here (unshare -m failed)")
        shell = f"{mounts} && exec \"$@\""
        cmd = ["unshare", "-m", "sh", "-c", shell, "sh", *cmd]
    else:
        for d in readonly:
            for p in [d, *d.rglob("*")]:
                p.chmod(p.stat().st_mode & ~0o222)
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, cwd=cwd)


@pytest.fixture
def readonly_install(tmp_path):
    src = Path(shieldcheck.__file__).parent
    shutil.copytree(src, tmp_path / "site" / "shieldcheck", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "home").mkdir()
    (tmp_path / "tmp").mkdir()
    yield tmp_path
    for p in tmp_path.rglob("*"):  # let pytest clean up
        if not p.is_symlink():
            p.chmod(p.stat().st_mode | 0o200)


def test_import_and_compute_with_nothing_writable(readonly_install):
    t = readonly_install
    # the package, the home and every temporary folder the tempfile module would try are read-only
    ro = [t / "site", t / "home", t / "tmp"]
    env = {"HOME": str(t / "home"), "TMPDIR": str(t / "tmp")}
    if os.geteuid() == 0:
        ro += [p for p in (Path("/tmp"), Path("/var/tmp"), Path("/usr/tmp")) if p.is_dir()]
    else:
        pytest.skip("without root, /tmp cannot be made read-only here; covered by the next test")
    r = _run(t, ro, env, cwd=t / "tmp")
    assert r.returncode == 0, r.stderr[-2000:]
    where, alt_km = r.stdout.splitlines()
    assert where == "none"
    assert abs(float(alt_km) - 1.0) < 1e-9  # 1 km above the WGS84 equator (a = 6378.137 km)


def test_import_with_read_only_package_and_home_caches_in_a_private_temporary_folder(readonly_install):
    t = readonly_install
    (t / "writable-tmp").mkdir()
    r = _run(t, [t / "site", t / "home"], {"HOME": str(t / "home"), "TMPDIR": str(t / "writable-tmp")})
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.splitlines()[0] == "temporary folder"
    uid = os.getuid()
    cache = t / "writable-tmp" / f"shieldcheck-numba-{uid}"
    assert (cache.stat().st_mode & 0o777) == 0o700
    assert any(cache.rglob("*.nbi")), "numba wrote its cache index there"


def test_read_only_package_with_a_writable_home_uses_the_user_cache(readonly_install):
    t = readonly_install
    (t / "xdg").mkdir()
    r = _run(t, [t / "site"], {"HOME": str(t / "home"), "XDG_CACHE_HOME": str(t / "xdg")})
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.splitlines()[0] == "user cache"
    assert any((t / "xdg" / "shieldcheck" / "numba").rglob("*.nbi"))
