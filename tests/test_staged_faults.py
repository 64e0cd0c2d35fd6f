"""Staged threats' faults closed in session 6, and coasts that fly through the atmosphere (issue 10).

* a staged request on a route the staged boost cannot fly (under 1 km, near-antipodal) says that nothing
  was flown, instead of handing back the kinematic solver's answer labelled ``kinematic``;
* a staged flight that hits the ground under thrust has no negative altitude, and no formatter prints "-0";
* an ``unreachable`` trajectory's JSON (and ``Trajectory.to_dict``) carries no flight numbers, staged too;
* a coast mostly below 100 km is ``in_atmosphere`` (kinematic and staged), with its reason in words.

Route lengths come from geographiclib (Karney 2013); arcs on a non-rotating sphere from the closed forms
of Bate, Mueller & White (1971), eq. 6.2-16 and §6.2, written out here.
"""

from __future__ import annotations

import json
import math

import pytest
from geographiclib.geodesic import Geodesic
from typer.testing import CliRunner

from shieldcheck.cli import app
from shieldcheck.threats import NEEDED_ARC, trajectory

MU = 398600.4418  # km^3/s^2 (WGS84 GM)
R_SPHERE = 6371.0  # km, the ``sphere`` Earth model's radius


def _geod_km(p, q):
    return Geodesic.WGS84.Inverse(*p, *q)["s12"] / 1000.0


@pytest.mark.parametrize("boost", ["staged", "auto"])
@pytest.mark.parametrize("target, words", [((54.7145, 20.51), "under 1 km"),
                                           ((-54.0, -159.0), "near-antipodal")])
def test_staged_request_on_a_route_it_cannot_fly_says_nothing_was_flown(boost, target, words):
    launch = (54.71, 20.51)
    t = trajectory(launch, target, missile="icbm-solid", boost=boost)
    assert t.status == "no_solution" and t.boost == "staged"
    assert "nothing was flown" in t.reason and words in t.reason
    d = t.to_dict()
    assert d["flight_time_s"] is None and d["apogee_km"] is None and d["max_range_km"] is None
    assert t.ground_range_km == pytest.approx(_geod_km(launch, target), abs=1e-3)
    if words == "near-antipodal":
        # 19,920 km (geographiclib): past the staged limit but short of the kinematic solver's antipodal
        # rule, so the kinematic boost answers this route; before, that answer came back labelled kinematic
        assert 19815.0 < _geod_km(launch, target) < 19960.0
        assert trajectory(launch, target, missile="icbm-solid", boost="kinematic").boost == "kinematic"


def test_staged_crash_in_boost_has_no_negative_zero():
    # a depressed full burn on a 22 km route hits the ground under thrust: its end state is a step's
    # overshoot below the ground (-0.03 km), printed "apogee -0.0 km" before
    t = trajectory((40.0, 20.0), (40.2, 20.0), missile="icbm-solid", shape="depressed", boost="staged")
    assert t.status == "no_solution"
    for k in ("apogee_km", "burnout_altitude_km"):
        v = getattr(t, k)
        assert v == 0.0 and math.copysign(1.0, v) == 1.0, k
    res = CliRunner().invoke(app, ["trajectory", "40,20", "40.2,20", "--missile", "icbm-solid", "--shape",
                                   "depressed"])
    assert res.exit_code == 0, res.output
    assert "-0.0" not in res.stdout and "0.0 km at" in res.stdout
    res = CliRunner().invoke(app, ["trajectory", "40,20", "40.2,20", "--missile", "icbm-solid", "--shape",
                                   "depressed", "--json"])
    assert "-0.0" not in res.stdout


@pytest.mark.parametrize("value", [-0.03, -0.0, -0.4])
def test_number_formatters_never_print_negative_zero(value):
    from shieldcheck.cli import _fmt as cli_fmt
    from shieldcheck.report.exports import _fmt as export_fmt
    from shieldcheck.report.html import _fmt as html_fmt
    from shieldcheck.staged import _M_APOGEE, _fmt_value

    # one formatter (shieldcheck._format): a negative zero is "0"; a small non-zero value keeps its digits
    # (never rounded to "0.0" nor to "-0.0")
    small = {-0.03: "-0.03", -0.0: None, -0.4: "-0.4"}[value]
    assert cli_fmt(value) == (small or "0.0")
    assert html_fmt(value) == (small or "0") and export_fmt(value, "km") == f"{small or '0'} km"
    assert _fmt_value(_M_APOGEE, value) == ("0.0 km" if value > -0.05 else "-0.4 km")


def test_staged_unreachable_json_and_csv_carry_no_flight():
    # icbm-liquid (Hwasong-14-class stages) falls 3,013 km short of Washington from Tehran: the full burn's
    # numbers are no flight to Washington; JSON null (as kinematic rows and engagement rows), no CSV samples
    t = trajectory("tehran", "washington", missile="icbm-liquid", boost="auto")
    assert t.status == "unreachable" and t.boost == "staged" and math.isfinite(t.flight_time_s)
    d = t.to_dict()
    assert all(d[k] is None for k in NEEDED_ARC)
    assert d["max_range_km"] is not None and d["range_margin_km"] < 0
    res = CliRunner().invoke(app, ["trajectory", "tehran", "washington", "--missile", "icbm-liquid",
                                   "--json"])
    assert res.exit_code == 0, res.output
    j = json.loads(res.stdout)
    assert j["boost"] == "staged" and j["flight_time_s"] is None and j["apogee_km"] is None
    res = CliRunner().invoke(app, ["trajectory", "tehran", "washington", "--missile", "icbm-liquid", "--csv",
                                   "-"])
    assert res.exit_code == 0 and "t_s" not in res.stdout


def _sphere_apogee(v_km_s, psi_rad, low=True):
    """Apogee altitude (km) of the low (depressed) or high arc at speed v over the angle Ψ, sphere."""
    q = v_km_s**2 * R_SPHERE / MU
    x = math.asin((2.0 - q) / q * math.sin(psi_rad / 2.0))
    gamma = (x - psi_rad / 2.0) / 2.0 if low else (math.pi - x - psi_rad / 2.0) / 2.0
    e = math.sqrt(1.0 + q * (q - 2.0) * math.cos(gamma) ** 2)
    return R_SPHERE / (2.0 - q) * (1.0 + e) - R_SPHERE


def test_kinematic_depressed_burnout_speed_arc_in_the_atmosphere():
    # An impulsive 6.5 km/s depressed arc over 2,000 km on a non-rotating sphere: its apogee (closed form)
    # is under 100 km, so the whole coast is below the edge: in_atmosphere, the reason quoting the whole
    # ground range; the lofted arc of the same speed flies high and is ok.
    kw = dict(shape="burnout-speed", burnout_speed_km_s=6.5, earth="sphere", rotation=False)
    target = (0.0, math.degrees(2000.0 / R_SPHERE))
    assert _sphere_apogee(6.5, 2000.0 / R_SPHERE) < 100.0
    t = trajectory((0.0, 0.0), target, branch="depressed", **kw)
    assert t.status == "in_atmosphere"
    assert t.apogee_km == pytest.approx(_sphere_apogee(6.5, 2000.0 / R_SPHERE), abs=0.1)
    assert "the depressed arc's coast stays below 100 km for 2,000 km of its 2,000 km" in t.reason
    assert "drag" in t.reason
    up = trajectory((0.0, 0.0), target, branch="lofted", **kw)
    assert up.status == "ok" and up.apogee_km > 1000.0


@pytest.mark.parametrize("v, status", [(5.7, "in_atmosphere"), (5.5, "ok")])
def test_share_below_100_km_decides_not_the_apogee(v, status):
    # Depressed arcs over 2,500 km on a non-rotating sphere, both with apogees above 100 km (closed form):
    # at 5.7 km/s (apogee 127 km) 54 % of the ground distance is below 100 km (in_atmosphere), at 5.5 km/s
    # (apogee 151 km) 42 % (ok). The height along the arc from r = p/(1 - e cos(theta - psi/2)), apogee at
    # mid-range; the reason's distance below 100 km matches the closed form's to 2 %.
    psi = 2500.0 / R_SPHERE
    q = v**2 * R_SPHERE / MU
    x = math.asin((2.0 - q) / q * math.sin(psi / 2.0))
    gamma = (x - psi / 2.0) / 2.0
    e = math.sqrt(1.0 + q * (q - 2.0) * math.cos(gamma) ** 2)
    p = R_SPHERE / (2.0 - q) * (1.0 - e * e)
    n = 20000
    below = sum(1 for k in range(n)
                if p / (1.0 - e * math.cos((k + 0.5) / n * psi - psi / 2.0)) - R_SPHERE < 100.0) / n * 2500.0
    assert (below > 1250.0) == (status == "in_atmosphere")
    t = trajectory((0.0, 0.0), (0.0, math.degrees(psi)), shape="burnout-speed", burnout_speed_km_s=v,
                   branch="depressed", earth="sphere", rotation=False)
    assert t.apogee_km > 100.0 and t.status == status
    if status == "in_atmosphere":
        quoted = float(t.reason.split("for ")[1].split(" km")[0].replace(",", ""))
        assert quoted == pytest.approx(below, rel=0.02)
