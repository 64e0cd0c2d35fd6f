"""Errors raised at shieldcheck's input boundary.

Every error names the field, the rule and the value received, so a user can fix the input without reading
a traceback. Inner numerical kernels never raise for physics outcomes ("not reachable" is a result with a
status); they trust inputs validated here.
"""

from __future__ import annotations

import math

__all__ = ["InputError", "interval_text", "require_within"]


class InputError(ValueError):
    """Bad user input: the message states the field, the allowed range and the value received.

    >>> raise InputError("latitude_deg must be within [-90, 90], got 95.0")
    Traceback (most recent call last):
    ...
    shieldcheck.errors.InputError: latitude_deg must be within [-90, 90], got 95.0
    """


def interval_text(lo: float, hi: float, lo_open: bool = False, hi_open: bool = False) -> str:
    """An interval as users read it: ``[0, 90)``, ``(0, inf)``.

    >>> interval_text(0.0, math.inf, lo_open=True)
    '(0, inf)'
    """
    lb = "(" if lo_open else "["
    hb = ")" if hi_open or math.isinf(hi) else "]"
    hi_txt = "inf" if math.isinf(hi) else f"{hi:g}"
    lo_txt = "-inf" if math.isinf(lo) else f"{lo:g}"
    return f"{lb}{lo_txt}, {hi_txt}{hb}"


def require_within(
    name: str, value, lo: float, hi: float, *, lo_open: bool = False, hi_open: bool = False
) -> float:
    """Return ``value`` as a float, or raise an `InputError` naming the field, the range and the value.

    >>> require_within("burn_time_s", -1.0, 0.0, 1000.0)
    Traceback (most recent call last):
    ...
    shieldcheck.errors.InputError: burn_time_s must be within [0, 1000], got -1.0
    >>> require_within("burn_time_s", True, 0.0, 1000.0)
    Traceback (most recent call last):
    ...
    shieldcheck.errors.InputError: burn_time_s must be a number, got True
    """
    # a bool is an int to Python (True == 1), never a number a user meant: refuse it like text
    if isinstance(value, (str, bytes, bool)) or value is None or type(value).__name__ == "bool_":
        raise InputError(f"{name} must be a number, got {value!r}")
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a number, got {value!r}") from None
    ok = math.isfinite(v) and (v > lo if lo_open else v >= lo) and (v < hi if hi_open else v <= hi)
    if not ok:
        raise InputError(f"{name} must be within {interval_text(lo, hi, lo_open, hi_open)}, got {v!r}")
    return v
