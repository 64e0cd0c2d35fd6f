"""How every view writes a number: the one formatter of the CLI tables, the HTML report and the exports.

A view writes a number with a fixed count of decimals (``1,234.5``) so that columns line up, but never
rounds a small number away: a non-zero value smaller than one unit of the last decimal shown (an apogee of
0.001 km at one decimal) is written with two significant digits instead (``0.001``), never as ``0.0``.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["fmt_number", "echo_number"]


def fmt_number(value, digits: int = 1, *, missing: str = "-", significant: bool = False) -> str:
    """A number as text: ``digits`` decimals with thousands separators, small values kept.

    Parameters
    ----------
    value : float, int or None
        The number; None, NaN and infinities are written as ``missing``.
    digits : int
        Decimals shown (or, with ``significant``, significant digits at most).
    missing : str
        Text for a value that is not a finite number.
    significant : bool
        Write at most ``digits`` significant digits, trailing zeros dropped (``6.3``, ``1,500``, ``0.001``):
        for echoing a number as the user or the scenario gave it.

    Returns
    -------
    str

    Notes
    -----
    With fixed decimals, a non-zero value below ``10**-digits`` in magnitude (which would show as ``0`` or
    as one unit of the last decimal) is written with two significant digits in plain notation.

    >>> fmt_number(0.001), fmt_number(1234.56), fmt_number(0.06), fmt_number(float("nan"))
    ('0.001', '1,234.6', '0.06', '-')
    >>> fmt_number(6.3, 6, significant=True), fmt_number(1500.0, 6, significant=True)
    ('6.3', '1,500')
    """
    if value is None or isinstance(value, bool):
        return missing if value is None else str(value)
    if isinstance(value, (int, np.integer)) and not significant:
        return f"{int(value):,}"
    v = float(value) + 0.0  # + 0.0: a negative zero is written "0", never "-0"
    if not math.isfinite(v):
        return missing
    if significant:
        if v != 0.0 and (abs(v) >= 10.0 ** max(digits, 1) or abs(v) < 1e-4):
            return np.format_float_positional(v, precision=max(digits, 1), unique=True, fractional=False,
                                              trim="-")
        return f"{v:,.{max(digits, 1)}g}"
    if v != 0.0 and abs(v) < 10.0 ** -digits:
        return np.format_float_positional(v, precision=2, unique=False, fractional=False, trim="-")
    return f"{v:,.{digits}f}"


def echo_number(value: float) -> str:
    """A number the user gave, written back with every digit they typed: the shortest text that reads
    back as the same float, in plain notation (``0.001``, ``1200``, ``7.25``).

    >>> echo_number(0.001), echo_number(1200.0), echo_number(0.1 + 0.2)
    ('0.001', '1200', '0.30000000000000004')
    """
    v = float(value)
    if not math.isfinite(v):
        return str(v)
    return np.format_float_positional(v, unique=True, trim="-")
