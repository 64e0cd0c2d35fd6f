"""Numba's compilation cache on any install, and a word to the user while kernels compile.

shieldcheck's kernels are ``numba.njit(cache=True)``: compiled machine code is written next to the
sources (``__pycache__``) so that later runs start fast. Numba refuses to *define* such a function when
it can write no cache anywhere (``cannot cache function ...: no locator available``), which made
``import shieldcheck`` fail on a read-only install with a read-only home. This module, imported first by
the package, picks where the cache goes before any kernel is defined:

1. ``NUMBA_CACHE_DIR`` if the user set it (numba's own setting, respected as is);
2. next to the sources, numba's default, when that folder is writable (a virtualenv, an editable install);
3. else ``$XDG_CACHE_HOME/shieldcheck/numba`` (``~/.cache/shieldcheck/numba``);
4. else a private folder (mode 0700, owned by this user) in the system's temporary folder;
5. else no cache at all: every run compiles again (slow, but it runs).

:func:`announce_compilation` (called by the CLI) prints one line to stderr the first time a kernel is
actually compiled in a process (a cache miss: the first run after installing or upgrading), so a user
does not wait in silence.

>>> cache_location() in ("NUMBA_CACHE_DIR", "in-tree", "user cache", "temporary folder", "none")
True
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from pathlib import Path

__all__ = ["announce_compilation", "cache_location", "configure_cache", "warm"]

_STATE = {"location": None, "announced": False, "registered": False}


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=folder).close()
        return True
    except OSError:
        return False


def _private(folder: Path) -> bool:
    """A folder only this user can write (a shared temporary folder must not serve anyone's code)."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        st = os.lstat(folder)
    except OSError:
        return False
    if not stat.S_ISDIR(st.st_mode) or (st.st_mode & 0o077):
        return False
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        return False
    return _writable(folder)


def _use(folder: Path, location: str) -> str:
    os.environ["NUMBA_CACHE_DIR"] = str(folder)
    if "numba" in sys.modules:  # numba read its settings at import: tell it too
        from numba.core import config

        config.CACHE_DIR = str(folder)
    return location


def _uncached() -> str:
    """Define ``cache=True`` kernels without a cache when numba can write none (instead of failing)."""
    from numba.core import dispatcher

    if getattr(dispatcher.Dispatcher.enable_caching, "_shieldcheck", False):
        return "none"
    original = dispatcher.Dispatcher.enable_caching

    def enable_caching(self):
        try:
            original(self)
        except RuntimeError as exc:
            if "cannot cache" not in str(exc):
                raise

    enable_caching._shieldcheck = True
    dispatcher.Dispatcher.enable_caching = enable_caching
    return "none"


def configure_cache() -> str:
    """Choose where numba caches compiled kernels (see the module docstring); idempotent.

    Returns
    -------
    str
        ``"NUMBA_CACHE_DIR"``, ``"in-tree"``, ``"user cache"``, ``"temporary folder"`` or ``"none"``.
    """
    if _STATE["location"] is not None:
        return _STATE["location"]
    if os.environ.get("NUMBA_CACHE_DIR"):
        where = "NUMBA_CACHE_DIR"
        if not _writable(Path(os.environ["NUMBA_CACHE_DIR"])):
            where = _uncached()
    elif _writable(Path(__file__).parent / "__pycache__"):
        where = "in-tree"
    else:
        home_cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
        uid = os.getuid() if hasattr(os, "getuid") else os.getpid()
        try:
            temp: Path | None = Path(tempfile.gettempdir()) / f"shieldcheck-numba-{uid}"
        except OSError:  # no usable temporary folder at all
            temp = None
        if _writable(Path(home_cache) / "shieldcheck" / "numba"):
            where = _use(Path(home_cache) / "shieldcheck" / "numba", "user cache")
        elif temp is not None and _private(temp):
            where = _use(temp, "temporary folder")
        else:
            where = _uncached()
    _STATE["location"] = where
    return where


def cache_location() -> str:
    """Where compiled kernels are cached in this process (see `configure_cache`)."""
    return configure_cache()


COLD_COMPILE_S = 20
"""Seconds the flagship engage compiles on a fresh install (2-core machine; benchmarks/bench_startup.py)."""


def announce_compilation(stream=None) -> None:
    """Print one line to ``stream`` (stderr) when this process first compiles a shieldcheck kernel.

    A cache hit compiles nothing and prints nothing; numba reports real compilations through its event
    API (``numba.core.event``, kind ``"numba:compile"``). When numba is not imported yet the listener is
    registered right after its import (a one-shot import hook), so that a command that needs no kernel
    (``shieldcheck --help``) does not import numba at all.
    """
    if _STATE["registered"]:
        return
    _STATE["registered"] = True
    _STATE["stream"] = stream
    if "numba" in sys.modules:
        _listen()
    else:
        sys.meta_path.insert(0, _AfterNumba())


class _AfterNumba:
    """A meta-path finder that runs `_listen` once numba has finished importing, then removes itself."""

    def find_spec(self, name, path=None, target=None):
        if name != "numba":
            return None
        sys.meta_path.remove(self)
        import importlib.util

        spec = importlib.util.find_spec("numba")
        if spec is None or spec.loader is None:
            return spec
        exec_module = spec.loader.exec_module

        def exec_then_listen(module):
            exec_module(module)
            _listen()

        spec.loader.exec_module = exec_then_listen
        return spec


def _listen() -> None:
    from numba.core import event

    class _Announce(event.Listener):
        def on_start(self, ev):
            if _STATE["announced"]:
                return
            disp = (ev.data or {}).get("dispatcher")
            module = getattr(getattr(disp, "py_func", None), "__module__", "") or ""
            if not module.startswith("shieldcheck"):
                return
            _STATE["announced"] = True
            cached = "not cached: no writable folder" if configure_cache() == "none" else "first run only"
            print(
                f"shieldcheck: compiling numerical kernels for this machine ({cached}, "
                f"~{COLD_COMPILE_S} s)...",
                file=_STATE.get("stream") or sys.stderr,
                flush=True,
            )

        def on_end(self, ev):
            pass

    event.register("numba:compile", _Announce())


FLAGSHIP = "european-third-site-2007"
_ONE_ROUTE_EACH = [
    "--set", "threats.iran-europe.launch=[tehran]",
    "--set", "threats.iran-europe.targets=[berlin]",
    "--set", "threats.iran-us-east-coast.launch=[tehran]",
    "--set", "threats.iran-us-east-coast.targets=[washington]",
    "--set", "threats.russia-us.launch=[kozelsk]",
    "--set", "threats.russia-us.targets=[washington]",
]  # fmt: skip
WARM_COMMANDS = [  # fmt: skip
    ["engage", FLAGSHIP, *_ONE_ROUTE_EACH],
    ["threshold", FLAGSHIP, *_ONE_ROUTE_EACH],
    ["trajectory", "tehran", "berlin"],
    ["trajectory", "54.71N,20.51E", "berlin", "--missile", "icbm-solid"],  # the staged fit (staged._fit_many)
    ["reconstruct", "--apogee-km", "2802", "--range-km", "933", "--flight-time-s", "2340"],
    ["reconstruct", "--apogee-km", "2802", "--range-km", "933", "--flight-time-s", "2340",
     "--missile", "hwasong-14"],
    ["reach", "pyongyang", "--missile", "hwasong-14", "--payload-kg", "500"],
    ["siting", "turkey-alternative-2007", "--region", "38,40,30,32", "--step-deg", "1", "-o", "{out}"],
    ["export", FLAGSHIP, *_ONE_ROUTE_EACH, "--format", "czml", "--format", "kml", "--format", "geojson",
     "-o", "{out}"],
    ["boost-phase", "40,127", "--missile", "aps2003-solid", "--azimuth", "45", "--speed-km-s", "5",
     "--burn-time-s", "40"],
    ["boost-phase", "pyongyang", "--missile", "hwasong-15", "--toward", "seattle", "--interceptor",
     "gbi-2stage", "--staged", "--base", "41,131"],
    ["boost-phase", "40,127", "--missile", "aps2003-liquid", "--azimuth", "45", "--interceptor", "sm3-iia",
     "--speed-km-s", "5.5", "--delay-s", "60", "--region", "40,42,128,130", "--step-deg", "1"],
]
"""The commands `warm` runs once, with small inputs of the same argument types as the README tour's (the
compiled code depends on types, never on values), so that every command of ``make demo`` and the README
starts from the cache. A new command with new kernels belongs here."""


def warm(commands=None) -> float:
    """Compile (or load from the cache) the kernels of every command in `WARM_COMMANDS`; return seconds.

    ``make demo`` runs this once after installing, so the first real command starts warm. Each command
    runs in this process through typer's runner (output discarded); a command that fails raises
    ``RuntimeError`` with its output.
    """
    import time

    from typer.testing import CliRunner

    from shieldcheck.cli import app

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="shieldcheck-warm-") as out:
        for args in commands or WARM_COMMANDS:
            args = [a.replace("{out}", out) for a in args]
            result = CliRunner().invoke(app, args)
            if result.exit_code != 0:
                raise RuntimeError(f"shieldcheck {' '.join(args)} failed while warming: {result.output}")
    return time.perf_counter() - t0


def main() -> None:
    """Warm the cache with a word to the user (``make demo``)."""
    announce_compilation(sys.stderr)  # this stream: the commands below run with theirs captured
    print(f"shieldcheck: kernels ready in {warm():.1f} s (cache: {cache_location()})")


configure_cache()
