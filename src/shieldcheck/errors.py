"""Errors raised at shieldcheck's input boundary.

Every error names the field, the rule and the value received, so a user can fix the input without reading
a traceback. Inner numerical kernels never raise for physics outcomes ("not reachable" is a result with a
status); they trust inputs validated here.
"""

from __future__ import annotations

__all__ = ["InputError"]


class InputError(ValueError):
    """Bad user input: the message states the field, the allowed range and the value received.

    >>> raise InputError("latitude_deg must be within [-90, 90], got 95.0")
    Traceback (most recent call last):
    ...
    shieldcheck.errors.InputError: latitude_deg must be within [-90, 90], got 95.0
    """
