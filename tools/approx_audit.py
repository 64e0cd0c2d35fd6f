"""pytest plugin: list the ``pytest.approx`` comparisons that pass only thanks to the default ``abs=1e-12``.

``pytest.approx(x)`` accepts ``|actual - x| <= max(1e-6 * |x|, 1e-12)``: for an expected value below about
1e-6 the absolute term decides, and a relative error of 10x can pass (one hid a wrong small value in the
second session). This plugin wraps pytest's scalar comparison and records every comparison without an
explicit ``abs`` that passed although the relative tolerance alone would have failed it; at the end of the
session it prints them (test file and line, expected, actual). Give each one an explicit ``rel``/``abs``.

Usage::

    PYTHONPATH=tools .venv/bin/python -m pytest -p approx_audit -q
"""

from __future__ import annotations

import traceback

from _pytest import approx as _approx

FOUND: list[tuple[str, float, float]] = []
_compare = _approx.ApproxScalar.__eq__


def _audited(self, actual) -> bool:
    ok = _compare(self, actual)
    numbers = isinstance(self.expected, (int, float)) and isinstance(actual, (int, float))
    if ok and self.abs is None and numbers:
        diff = abs(float(actual) - float(self.expected))
        rel = 1e-6 if self.rel is None else float(self.rel)
        if diff > rel * abs(float(self.expected)):
            frames = [f for f in traceback.extract_stack() if "/tests/" in f.filename]
            where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
            FOUND.append((where, float(self.expected), float(actual)))
    return ok


_approx.ApproxScalar.__eq__ = _audited


def pytest_terminal_summary(terminalreporter):
    terminalreporter.section("approx audit")
    if not FOUND:
        terminalreporter.write_line("no approx comparison passed only thanks to the default abs=1e-12")
    for where, expected, actual in FOUND:
        terminalreporter.write_line(f"{where}: expected {expected!r}, got {actual!r}")
