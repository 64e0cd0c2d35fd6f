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

__all__ = [
    "announce_compilation",
    "await_compile_ahead",
    "cache_location",
    "compile_ahead",
    "configure_cache",
    "drop_stale_kernels",
    "run_chunks",
    "threads",
    "warm",
]

_STATE = {"location": None, "announced": False, "registered": False, "pool": None, "ahead": None,
          "sources_checked": False}


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


def drop_stale_kernels(folder: Path | None = None) -> int:
    """Delete the cached kernels of every module when any of the package's sources changed; returns the
    files deleted.

    Numba checks a cached kernel only against the file that defines it, but shieldcheck's kernels inline
    kernels and constants of other modules (``staged.py`` compiles ``boost.py``'s integrator into its
    fit): after ``boost.py`` changed, ``staged.py``'s cached fit kept flying the old step rule while
    ``fly_batch`` flew the new one, and the two disagreed by up to 1.2 m (s4). A fingerprint of all the
    package's top-level sources, kept beside the cache, drops every cached kernel when any of them
    changes. Called when :mod:`shieldcheck.earth` is imported, which every module with kernels imports
    first; the default folder is checked once per process (the sources do not change under it).
    ``folder``: the cache folder to check (default: where `configure_cache` puts this package's).
    """
    import hashlib

    pkg = Path(__file__).parent
    if folder is None:
        if _STATE["sources_checked"]:
            return 0
        _STATE["sources_checked"] = True
        where = configure_cache()
        if where == "none":
            return 0
        if where == "in-tree":
            folder = pkg / "__pycache__"
        else:
            try:
                from numba.core.caching import _CacheLocator

                sub = _CacheLocator.get_suitable_cache_subpath(__file__)
                folder = Path(os.environ["NUMBA_CACHE_DIR"]) / sub
            except (ImportError, AttributeError, KeyError):  # another numba layout: leave its cache alone
                return 0
    digest = hashlib.sha256()
    for f in sorted(pkg.glob("*.py")):
        digest.update(f.name.encode() + b"\0" + f.read_bytes())
    stamp = folder / "shieldcheck-sources.sha256"
    try:
        if stamp.read_text() == digest.hexdigest():
            return 0
    except OSError:
        pass
    gone = 0
    for f in [*folder.glob("*.nbi"), *folder.glob("*.nbc")]:
        try:
            f.unlink()
            gone += 1
        except OSError:
            pass
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{stamp.name}.{os.getpid()}"
        tmp.write_text(digest.hexdigest())
        os.replace(tmp, stamp)
    except OSError:
        pass
    return gone


def cache_location() -> str:
    """Where compiled kernels are cached in this process (see `configure_cache`)."""
    return configure_cache()


def threads() -> int:
    """Threads a batch kernel runs on: numba's own count (``NUMBA_NUM_THREADS``, default the number of
    cores), or what ``numba.set_num_threads`` chose once numba's thread pool runs (sweep workers do)."""
    from numba.core import config
    from numba.np.ufunc import parallel

    if parallel._is_initialized:
        return parallel.get_num_threads()
    return config.NUMBA_NUM_THREADS


def run_chunks(kernel, n: int, *args, chunks_per_thread: int = 4) -> None:
    """Run ``kernel(lo, hi, *args)`` over the rows ``[0, n)`` in chunks on `threads` threads.

    The batch kernels are serial ``numba.njit(nogil=True)`` loops over a row range: compiled without
    ``parallel=True``, they compile in a fraction of the time of a ``prange`` kernel (no parfor
    lowering, no gufunc), and run on as many cores from this thread pool, since they release the GIL.
    Several chunks per thread even out rows of unequal cost. Each row must be independent of the others
    (it writes only its own outputs). A kernel's exception reaches the caller.

    >>> import numpy as np
    >>> out = np.zeros(10)
    >>> def kernel(lo, hi, out):
    ...     out[lo:hi] = np.arange(lo, hi)
    >>> run_chunks(kernel, 10, out)
    >>> out.tolist() == list(range(10))
    True
    """
    k = max(1, min(threads(), n))
    if k == 1:
        kernel(0, n, *args)
        return
    edges = [n * j // (k * chunks_per_thread) for j in range(k * chunks_per_thread + 1)]
    spans = sorted({(lo, hi) for lo, hi in zip(edges[:-1], edges[1:], strict=True) if hi > lo})
    pool = _pool(k)
    for f in [pool.submit(kernel, lo, hi, *args) for lo, hi in spans]:
        f.result()


def _pool(k: int):
    """A pool of ``k`` worker threads, made again after a fork (threads do not survive one) or for a new k."""
    from concurrent.futures import ThreadPoolExecutor

    key = (os.getpid(), k)
    if _STATE["pool"] is None or _STATE["pool"][0] != key:
        _STATE["pool"] = (key, ThreadPoolExecutor(max_workers=k, thread_name_prefix="shieldcheck"))
    return _STATE["pool"][1]


COLD_COMPILE_S = 10
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
    _after_import("numba", _listen)


def _after_import(module: str, action) -> None:
    """Run ``action()`` now if ``module`` is imported, else right after its import (a one-shot hook)."""
    if module in sys.modules:
        action()
    else:
        sys.meta_path.insert(0, _AfterImport(module, action))


class _AfterImport:
    """A meta-path finder that runs an action once a module has finished importing, then removes itself."""

    def __init__(self, module: str, action):
        self.module, self.action = module, action

    def find_spec(self, name, path=None, target=None):
        if name != self.module:
            return None
        sys.meta_path.remove(self)
        import importlib.util

        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        exec_module = spec.loader.exec_module

        def exec_then_act(module):
            exec_module(module)
            self.action()

        spec.loader.exec_module = exec_then_act
        return spec


def _blas_from_files() -> None:
    """Let numba learn that scipy's BLAS exists without importing scipy.linalg (0.1-0.3 s per start).

    Numba's array library (``numba.np.arraymath``), which numba loads before it compiles or loads any
    cached kernel, asks once at import whether BLAS is there by importing ``scipy.linalg.cython_blas``:
    every shieldcheck start paid for importing scipy.linalg, which no shieldcheck kernel uses. Right after
    ``numba.np.linalg`` is imported, this answers that one question from the file system instead (the
    compiled ``scipy/linalg/cython_blas`` extension is present) and puts numba's own check back, so a
    kernel that does use linear algebra still imports and checks scipy.linalg as numba does. If numba
    ever changes this code, the hook does nothing.
    """
    import importlib.machinery
    import importlib.util

    linalg = sys.modules.get("numba.np.linalg")
    original = getattr(linalg, "ensure_blas", None)
    if original is None or "numba.np.arraymath" in sys.modules:
        return

    def probe():
        linalg.ensure_blas = original  # one question only: numba's check for everything after it
        arraymath = sys.modules.get("numba.np.arraymath")
        if getattr(arraymath, "ensure_blas", None) is probe:
            arraymath.ensure_blas = original
        scipy = importlib.util.find_spec("scipy")
        if "scipy.linalg" in sys.modules or scipy is None or not scipy.submodule_search_locations:
            return original()
        for folder in scipy.submodule_search_locations:
            for suffix in importlib.machinery.EXTENSION_SUFFIXES:
                if Path(folder, "linalg", "cython_blas" + suffix).is_file():
                    return None
        return original()

    linalg.ensure_blas = probe


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
    ["trajectory", "tehran", "berlin", "--apogee-km", "1200"],  # apogee and burnout-speed arcs (_solve_batch)
    ["trajectory", "54.71N,20.51E", "berlin", "--missile", "icbm-solid", "--apogee-km", "100"],  # shapes
    ["trajectory", "54.71N,20.51E", "berlin", "--missile", "icbm-solid", "--shape", "lofted"],
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
    if commands is None:  # the report's reach fans (`make demo` writes the report): its one kernel of its own
        from shieldcheck.interceptors import InterceptorSite, InterceptorType, reach_fan

        site = InterceptorSite("warm", 54.5, 17.1, InterceptorType("warm", 6.3, 120.0, 200.0))
        reach_fan(site, 400.0, 500.0, [0.0, 90.0, 180.0, 270.0])
    return time.perf_counter() - t0


def main() -> None:
    """Warm the cache with a word to the user (``make demo``)."""
    # one line of its own: the per-command note ("~10 s") understates compiling every command at once
    print("shieldcheck: preparing the compiled kernels of every README command (first run after install: "
          "about a minute on two free cores; cached afterwards)...", file=sys.stderr, flush=True)
    _STATE["registered"] = True  # no second, per-command compile note from the listener
    print(f"shieldcheck: kernels ready in {warm():.1f} s (cache: {cache_location()})")


# ---------------------------------------------------------------- compiling on the second core
_ENGAGEMENT = ("shieldcheck.engagement:_engage_kernel", "shieldcheck.engagement:compile_ahead")
AHEAD = {"engage": _ENGAGEMENT, "threshold": _ENGAGEMENT, "export": _ENGAGEMENT}
"""Commands whose first run compiles a kernel in a second process: (the kernel whose empty cache marks a
first run, the function that compiles it there), as ``module:name`` (see `compile_ahead`)."""

AHEAD_WAIT_S = 300.0
"""Longest wait for the second process's kernels before compiling them here after all (s)."""

_LOCK = "shieldcheck-compile-ahead.lock"


def _cold(dispatcher) -> Path | None:
    """The cache folder of a ``cache=True`` kernel when its cache holds nothing for this source, else None.

    None too whenever that cannot be told (no cache, JIT disabled, a numba whose cache layout differs): the
    caller then does nothing special. Reads numba's cache index (``numba.core.caching``).
    """
    try:
        from numba.core import config

        if config.DISABLE_JIT or configure_cache() == "none":
            return None
        cache_file = dispatcher._cache._cache_file
        if cache_file._load_index():  # an entry for this source: not a fresh install
            return None
        return Path(dispatcher._cache._cache_path)
    except Exception:  # any surprise: behave as before (compile here, when needed)
        return None


def compile_ahead(argv: list[str]) -> bool:
    """On a cold cache, compile the kernels a command needs later in a second process; True if started.

    The first `engage` after installing spends most of its time compiling (about 12 s of CPU on this
    2-core machine). Its two compiled halves are independent: the trajectory solver (needed first) and
    the engagement kernel (needed once the trajectories exist). For a command in `AHEAD`, when the
    engagement kernel's cache is really empty, this starts ``python -c`` with the job (a function that
    compiles the kernel on empty inputs, so with the types a real call has) while this process goes on
    and compiles the solver; `await_compile_ahead`, called just before the engagement kernel first runs,
    waits for that process, and numba then loads its kernels from the shared on-disk cache (numba writes
    cache files by atomic replacement). Nothing happens for ``--help``, a warm cache, no writable cache, a
    disabled JIT, or ``SHIELDCHECK_COMPILE_AHEAD=0``; one second process at a time per cache folder (a lock
    file, taken over when older than `AHEAD_WAIT_S`). A second process that fails, is killed or is slow
    only costs time: this process then compiles what it lacks itself, as without it.
    """
    if _STATE["ahead"] is not None or os.environ.get("SHIELDCHECK_COMPILE_AHEAD", "1") == "0":
        return False
    words = [a for a in argv if not a.startswith("-")]
    if not words or words[0] not in AHEAD or "--help" in argv:
        return False
    import importlib
    import subprocess
    import time

    kernel, job = AHEAD[words[0]]
    module, name = kernel.split(":")
    try:
        folder = _cold(getattr(importlib.import_module(module), name, None))
    except Exception:  # a broken install: the command itself says what is wrong, inside its error net
        return False
    if folder is None:
        return False
    lock = folder / _LOCK
    try:
        if lock.exists() and time.time() - lock.stat().st_mtime < AHEAD_WAIT_S:
            return False  # another process compiles these right now
        tmp = folder / f"{_LOCK}.{os.getpid()}"
        tmp.write_text(str(os.getpid()))
        os.replace(tmp, lock)
    except OSError:
        return False
    drop_stale_kernels()  # settle the sources' fingerprint now: a later check must not delete its output
    root = str(Path(__file__).resolve().parents[1])
    env = {**os.environ, "SHIELDCHECK_COMPILE_AHEAD": "0"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    module, func = job.split(":")
    code = (
        "import importlib, os, sys\n"
        "try:\n"
        f"    getattr(importlib.import_module({module!r}), {func!r})()\n"
        "finally:\n"
        f"    try: os.remove({str(lock)!r})\n"
        "    except OSError: pass\n"
    )
    try:
        proc = subprocess.Popen(
            [sys.executable, "-c", code],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    except OSError:
        lock.unlink(missing_ok=True)
        return False
    _STATE["ahead"] = proc
    return True


def await_compile_ahead() -> None:
    """Wait (at most `AHEAD_WAIT_S`) for the kernels `compile_ahead` compiles elsewhere; else nothing."""
    proc = _STATE["ahead"]
    if proc is None or proc.returncode is not None:
        return
    import subprocess

    try:
        proc.wait(AHEAD_WAIT_S)
    except subprocess.TimeoutExpired:  # compile here after all; the other process may still finish
        pass


configure_cache()
_after_import("numba.np.linalg", _blas_from_files)
