"""Issue 9, fourth session: the known open faults of the README's caveats, fixed by kind.

Each test states the rule it checks; expected values come from the rule itself (exit 2 and one line
naming the field, the rule and the value) or from an independent source (geographiclib).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from shieldcheck.errors import InputError, require_array_within

# ---------------------------------------------------------- kind 7: one array validator, bools refused


@pytest.mark.parametrize(
    "value",
    [True, np.bool_(False), [10.0, True], np.array([True, False]), "10", None, [1.0, None],
     [[1.0], [1.0, 2.0]]],
)
def test_require_array_within_refuses_non_numbers(value):
    with pytest.raises(InputError, match=r"^x_km must be a number or an array of numbers, got "):
        require_array_within("x_km", value, 0.0, 100.0)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (math.nan, "x_km must be within [0, 100], got nan"),
        ([1.0, 101.0], "x_km must be within [0, 100], got 101.0"),
        (np.array([0.0]), "x_km must be within (0, 100], got 0.0"),
    ],
)
def test_require_array_within_names_rule_and_value(value, message):
    lo_open = isinstance(value, np.ndarray)
    with pytest.raises(InputError) as info:
        require_array_within("x_km", value, 0.0, 100.0, lo_open=lo_open)
    assert str(info.value) == message


def test_require_array_within_keeps_numbers_and_shape():
    a = require_array_within("x_km", [[1, 2], [3, 4]], 0.0, 100.0)
    assert a.dtype == float and a.shape == (2, 2)
    assert require_array_within("x_km", 5).shape == ()


def _earth_call():
    from shieldcheck.earth import geodetic_to_ecef

    return lambda v: geodetic_to_ecef(v, 0.0)


def _sensors_call():
    from shieldcheck.sensors import radar_range_single_pulse_km

    return lambda v: radar_range_single_pulse_km(v, 10e-6, 20.0, 0.03, 1.0, 290.0, 0.0, 6.0)


def _boost_call():
    from shieldcheck.boost import atmosphere

    return atmosphere


@pytest.mark.parametrize(
    ("make", "field"),
    [(_earth_call, "latitude_deg"), (_sensors_call, "peak_power_w"), (_boost_call, "altitude_km")],
)
@pytest.mark.parametrize("bad", [True, [1.0, False]])
def test_every_array_call_site_refuses_bools(make, field, bad):
    """earth, sensors and boost share one rule: a bool is never a number (earth, sensors took True as 1)."""
    with pytest.raises(InputError, match=rf"{field} must be a number or an array of numbers, got "):
        make()(bad)
