"""Errors raised at shieldcheck's input boundary.

Every error names the field, the rule and the value received, so a user can fix the input without reading
a traceback. Inner numerical kernels never raise for physics outcomes ("not reachable" is a result with a
status); they trust inputs validated here.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["InputError", "interval_text", "require_array_within", "require_broadcast", "require_within"]


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


def require_broadcast(names: str, *arrays) -> list[np.ndarray]:
    """`numpy.broadcast_arrays`, with an `InputError` naming the parameters when the shapes disagree.

    The one rule for array inputs that must go together (the geodesy, the doctrine formulas): equal
    shapes, scalars or shapes numpy broadcasts; anything else is the user's input, never numpy's
    ``ValueError``.

    >>> [a.tolist() for a in require_broadcast("sspk and n", 0.5, [1, 2])]
    [[0.5, 0.5], [1, 2]]
    >>> try:
    ...     require_broadcast("sspk and n", [0.5, 0.6], [1, 2, 3])
    ... except InputError as e:
    ...     print(e)
    sspk and n must broadcast to one shape (equal lengths or scalars), got shapes (2,), (3,)
    """
    try:
        return np.broadcast_arrays(*arrays)
    except ValueError:
        shapes = ", ".join(str(np.shape(a)) for a in arrays)
        raise InputError(f"{names} must broadcast to one shape (equal lengths or scalars), got shapes "
                         f"{shapes}") from None


def _is_bool(x) -> bool:
    return isinstance(x, (bool, np.bool_))


def require_array_within(
    name: str, value, lo: float = -math.inf, hi: float = math.inf, *, lo_open: bool = False,
    hi_open: bool = False,
) -> np.ndarray:
    """``value`` (a number or an array of numbers) as a float array, every element finite and in range.

    The array form of `require_within`, and the one rule every array input of the physics layer follows:
    booleans (alone, in a list such as ``[90.0, False]`` or as a boolean array), text, None and objects
    are refused, as are NaN, infinities and values outside the interval.

    Parameters
    ----------
    name : str
        The field, as the message names it.
    value : float or array_like
    lo, hi : float
        The interval's ends (infinite ends: only finiteness is checked).
    lo_open, hi_open : bool
        Whether an end is excluded.

    Returns
    -------
    numpy.ndarray
        Float array of ``value``'s shape (0-d for a scalar).

    Raises
    ------
    InputError
        Naming the field, the rule and the first offending value.

    >>> require_array_within("latitude_deg", [10.0, 95.0], -90.0, 90.0)
    Traceback (most recent call last):
    ...
    shieldcheck.errors.InputError: latitude_deg must be within [-90, 90], got 95.0
    >>> require_array_within("payload_kg", [500.0, True], 0.0, 1e6)
    Traceback (most recent call last):
    ...
    shieldcheck.errors.InputError: payload_kg must be a number or an array of numbers, got [500.0, True]
    >>> require_array_within("gain_db", float("nan"))
    Traceback (most recent call last):
    ...
    shieldcheck.errors.InputError: gain_db must be a finite number, got nan
    """
    def not_number() -> InputError:  # built only when raised: an array's repr costs ~0.2 ms per call
        return InputError(f"{name} must be a number or an array of numbers, got {value!r:.80}")

    if isinstance(value, (str, bytes)) or value is None or _is_bool(value):
        raise not_number()
    try:
        raw = np.asarray(value)
    except ValueError:  # ragged nesting
        raise not_number() from None
    if raw.dtype.kind == "O" or (raw.dtype.kind == "f" and not isinstance(value, np.ndarray) and raw.ndim):
        # an object array, or a list numpy turned into floats: a bool inside ([90.0, False]) is not a number
        items = np.asarray(value, dtype=object).ravel()
        if any(_is_bool(x) or isinstance(x, (str, bytes)) or x is None for x in items):
            raise not_number()
    if raw.dtype.kind not in "iuf":
        try:
            raw = raw.astype(float) if raw.dtype.kind == "O" else raw
        except (TypeError, ValueError):
            raise not_number() from None
        if raw.dtype.kind not in "iuf":
            raise not_number()
    a = raw.astype(float)
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(a) | ((a <= lo) if lo_open else (a < lo)) | ((a >= hi) if hi_open else (a > hi))
    if np.any(bad):
        v = float(a[bad].ravel()[0])
        if math.isinf(lo) and math.isinf(hi):
            raise InputError(f"{name} must be a finite number, got {v!r}")
        raise InputError(f"{name} must be within {interval_text(lo, hi, lo_open, hi_open)}, got {v!r}")
    return a
