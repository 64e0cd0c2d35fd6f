"""Shot doctrine: closed forms against hand-computed values, invariants, and Monte Carlo cross-checks.

Source of every formula: shared references.md, "Shot doctrine (standard forms)".
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shieldcheck import doctrine
from shieldcheck.doctrine import (
    barrage_pk,
    engagement_pk,
    layered_leak,
    monte_carlo_raid,
    raid,
    shoot_look_shoot_pk,
    sls_expected_shots,
    system_reliability,
)
from shieldcheck.errors import InputError

Z99 = 2.5758293035489004  # two-sided 99 % normal quantile

prob = st.floats(0.0, 1.0)
count = st.integers(0, 6)


# --- closed forms against hand-computed values -------------------------------------------------------


def test_system_reliability_is_the_product():
    # 0.99 × 0.95 × 0.9 × 0.97 = 0.8210565 (by hand)
    assert system_reliability(0.99, 0.95, 0.9, 0.97) == pytest.approx(0.8210565, abs=1e-12)
    assert system_reliability() == 1.0


def test_barrage_hand_computed():
    # P_k = P_sys [1 − (1 − p)^n]: 0.9 × (1 − 0.2²) = 0.864
    assert barrage_pk(0.8, 2, p_sys=0.9) == pytest.approx(0.864, abs=1e-12)
    assert barrage_pk(0.5, 3) == pytest.approx(0.875, abs=1e-12)
    assert barrage_pk(0.5, 0) == 0.0


def test_shoot_look_shoot_hand_computed():
    # P_k = P_sys {1 − q^n1 [1 − p_ka (1 − q^n2)]}, q = 1 − p
    # p=0.5, n1=n2=1, p_ka=0.9: 1 − 0.5 (1 − 0.9·0.5) = 0.725
    assert shoot_look_shoot_pk(0.5, 1, 1, 0.9) == pytest.approx(0.725, abs=1e-12)
    # p=0.7, n1=2, n2=1, p_ka=0.8, P_sys=0.95: q²=0.09; 1 − 0.8·0.7 = 0.44; 0.95 (1 − 0.0396) = 0.91238
    assert shoot_look_shoot_pk(0.7, 2, 1, 0.8, p_sys=0.95) == pytest.approx(0.91238, abs=1e-12)


def test_shoot_look_shoot_falls_back_to_barrage_without_a_second_shot():
    sls = shoot_look_shoot_pk(0.6, 2, 2, 0.9, p_sys=0.95, shots=[0, 1, 2, 3])
    barrage = barrage_pk(0.6, 2, p_sys=0.95)
    full = shoot_look_shoot_pk(0.6, 2, 2, 0.9, p_sys=0.95)
    np.testing.assert_allclose(sls, [barrage, barrage, full, full], rtol=0, atol=1e-15)


def test_engagement_pk_zero_where_no_shot():
    pk = engagement_pk(0.5, [0, 1, 2], doctrine="sls", n1=1, n2=1, p_ka=1.0)
    np.testing.assert_allclose(pk, [0.0, 0.5, 0.75], atol=1e-15)
    np.testing.assert_allclose(engagement_pk(0.5, [0, 3], doctrine="barrage", n1=2), [0.0, 0.75], atol=1e-15)


def test_layered_leak_hand_computed():
    # Π (1 − P_k,i): 0.2 × 0.5 × 0.7 = 0.07
    assert layered_leak([0.8, 0.5, 0.3]) == pytest.approx(0.07, abs=1e-15)
    np.testing.assert_allclose(layered_leak([[0.8, 0.5], [0.5, 0.5]], axis=0), [0.1, 0.25], atol=1e-15)


def test_raid_all_engaged_hand_computed():
    # W=4, N=10, n=2: W_engaged = min(4, 5) = 4; P(no leak) = 0.9⁴ = 0.6561; leakers 4 × 0.1
    r = raid(4, 0.9, inventory=10, shots_per_warhead=2)
    assert (int(r.warheads_engaged), int(r.warheads_unengaged)) == (4, 0)
    assert r.p_no_leak == pytest.approx(0.6561, abs=1e-12)
    assert r.expected_leakers == pytest.approx(0.4, abs=1e-12)
    assert r.interceptors_expended == 8.0
    assert r.interceptors_left == 2.0


def test_raid_inventory_exhaustion_counts():
    # W=7, N=10, n=3: floor(10/3) = 3 engaged, 4 leak with certainty; leakers 3 × 0.1 + 4 = 4.3
    r = raid(7, 0.9, inventory=10, shots_per_warhead=3)
    assert (int(r.warheads_engaged), int(r.warheads_unengaged)) == (3, 4)
    assert r.p_no_leak == 0.0
    assert r.expected_leakers == pytest.approx(4.3, abs=1e-12)
    assert r.interceptors_expended == 9.0
    # no interceptors reserved per warhead (not engageable): nothing engaged, nothing expended
    r0 = raid(3, 0.0, inventory=10, shots_per_warhead=0)
    assert (int(r0.warheads_unengaged), float(r0.interceptors_expended)) == (3, 0.0)


def test_raid_vectorised_matches_scalars():
    w = np.array([0, 1, 5, 6, 12])
    r = raid(w, 0.8, inventory=10, shots_per_warhead=2)
    for i, wi in enumerate(w):
        s = raid(int(wi), 0.8, 10, 2)
        assert r.p_no_leak[i] == s.p_no_leak
        assert r.expected_leakers[i] == s.expected_leakers
        assert r.warheads_unengaged[i] == s.warheads_unengaged
    assert r.to_dict()["warheads_unengaged"] == [0, 0, 0, 1, 7]


def test_sls_expected_shots_hand_computed():
    # n1 + n2 p_ka [P_sys q^n1 + (1 − P_sys)]: 2 + 1 × 0.8 × (0.9 × 0.16 + 0.1) = 2.1952
    assert sls_expected_shots(0.6, 2, 1, 0.8, p_sys=0.9) == pytest.approx(2.1952, abs=1e-12)


# --- invariants --------------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(p=prob, n1=count, n2=count, ka=prob, ps=prob)
def test_sls_at_least_barrage_of_n1(p, n1, n2, ka, ps):
    sls = shoot_look_shoot_pk(p, n1, n2, ka, ps)
    assert sls >= barrage_pk(p, n1, ps) - 1e-15
    assert 0.0 <= sls <= 1.0
    if ka == 0.0:
        assert sls == pytest.approx(barrage_pk(p, n1, ps), abs=1e-15)


@settings(max_examples=100, deadline=None)
@given(p=prob, n=count, ps=prob)
def test_barrage_monotone_in_shots_and_scalar_array_parity(p, n, ps):
    assert barrage_pk(p, n + 1, ps) >= barrage_pk(p, n, ps) - 1e-15
    arr = barrage_pk(np.array([p, p]), np.array([n, n]), ps)
    assert arr.shape == (2,)
    # numpy's vectorised pow may differ from its scalar path in the last bit
    assert arr[0] == pytest.approx(barrage_pk(p, n, ps), rel=1e-14, abs=1e-300)
    assert np.ndim(barrage_pk(p, n, ps)) == 0


@settings(max_examples=100, deadline=None)
@given(pks=st.lists(prob, min_size=1, max_size=5))
def test_layered_leak_is_product(pks):
    assert layered_leak(pks) == pytest.approx(math.prod(1.0 - p for p in pks), abs=1e-12)


# --- validation messages -----------------------------------------------------------------------------


_W = "whole number within [0, 1,000,000,000]"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: barrage_pk(1.2, 1), "sspk must be a probability within [0, 1], got 1.2"),
        (lambda: barrage_pk(0.5, -1), "n must be a " + _W + ", got -1"),
        (lambda: barrage_pk(0.5, 1.5), "n must be a " + _W + ", got 1.5"),
        (
            lambda: shoot_look_shoot_pk(0.5, 1, 1, p_ka=float("nan")),
            "p_ka must be a probability within [0, 1], got nan",
        ),
        (lambda: system_reliability(track=-0.1), "track must be a probability within [0, 1], got -0.1"),
        (lambda: raid(2.5, 0.9, 10, 1), "warheads must be a " + _W + ", got 2.5"),
        (lambda: raid(2, 0.9, [10, -3], 1), "inventory must be a " + _W + ", got -3"),
        (lambda: raid(2, 0.9, 10, "two"), "shots_per_warhead must be a " + _W + ", got 'two'"),
        (
            lambda: engagement_pk(0.5, 1, doctrine="volley"),
            "doctrine must be one of barrage, sls, got 'volley'",
        ),
        (
            lambda: monte_carlo_raid(2, 0.5, 10, trials=1),
            "trials must be a whole number within [2, 10,000,000], got 1",
        ),
    ],
)
def test_validation_messages(call, message):
    with pytest.raises(InputError) as info:
        call()
    assert str(info.value) == message


# --- Monte Carlo against the closed forms -------------------------------------------------------------


def _closed(w, p, n_inv, doctrine, n1, n2, ka, ps, shots):
    sls = doctrine == "sls" and shots >= 2
    pk = float(engagement_pk(p, shots, doctrine=doctrine, n1=n1, n2=n2, p_ka=ka, p_sys=ps))
    reserve = 0 if shots == 0 else (n1 + n2 if sls else n1)
    expected = float(sls_expected_shots(p, n1, n2, ka, ps)) if sls else float(n1)
    return raid(w, pk, n_inv, reserve, expected_shots_per_warhead=expected)


CASES = [
    # (warheads, sspk, inventory, doctrine, n1, n2, p_ka, p_sys, shots, seed)
    (3, 0.7, 10, "barrage", 2, 1, 1.0, 0.95, 1, 11),
    (4, 0.6, 12, "sls", 1, 2, 0.8, 0.9, 2, 12),
    (5, 0.5, 20, "sls", 2, 2, 0.7, 1.0, 3, 13),
    (2, 0.8, 10, "sls", 1, 1, 0.9, 0.9, 1, 14),  # one shot opportunity: barrage of n1
    (6, 0.9, 10, "barrage", 2, 1, 1.0, 1.0, 1, 15),  # exhaustion: 5 engaged, 1 leaks
    (8, 0.7, 10, "sls", 1, 1, 1.0, 0.95, 2, 17),  # exhaustion under SLS reservation: 5 engaged
]


@pytest.mark.parametrize("case", CASES)
def test_monte_carlo_within_99pct_of_closed_form(case):
    w, p, n_inv, doctrine, n1, n2, ka, ps, shots, seed = case
    mc = monte_carlo_raid(
        w, p, n_inv, doctrine=doctrine, n1=n1, n2=n2, p_ka=ka, p_sys=ps, shots=shots, trials=40_000, seed=seed
    )
    exact = _closed(w, p, n_inv, doctrine, n1, n2, ka, ps, shots)
    assert mc.warheads_engaged == int(exact.warheads_engaged)
    assert mc.warheads_unengaged == int(exact.warheads_unengaged)
    for est, value in (
        (mc.p_no_leak, exact.p_no_leak),
        (mc.leakers, exact.expected_leakers),
        (mc.interceptors_expended, exact.interceptors_expended),
    ):
        if est.stderr == 0.0:  # a certain outcome (e.g. P(no leak) = 0 once the inventory runs out)
            assert est.mean == pytest.approx(float(value), abs=1e-12)
        else:
            assert abs(est.mean - float(value)) <= Z99 * est.stderr
            assert est.ci95_low < est.mean < est.ci95_high


def test_monte_carlo_same_seed_identical_and_exhaustion_counts():
    a = monte_carlo_raid(6, 0.8, 10, n1=2, trials=5000, seed=42)
    b = monte_carlo_raid(6, 0.8, 10, n1=2, trials=5000, seed=42)
    c = monte_carlo_raid(6, 0.8, 10, n1=2, trials=5000, seed=43)
    assert a == b
    assert a != c
    assert (a.warheads_engaged, a.warheads_unengaged) == (5, 1)
    assert a.p_no_leak.mean == 0.0
    assert a.leakers.mean >= 1.0
    assert a.interceptors_expended.mean == 10.0  # barrage: every reserved interceptor is fired


# ------------------------------------------------------------------ issue 9: trustworthy under any input
@pytest.mark.parametrize(
    "call, field",
    [
        (lambda: doctrine.barrage_pk(0.2, 2**63), "n"),
        (lambda: doctrine.barrage_pk(0.2, 2**70), "n"),
        (lambda: doctrine.raid(1e19, 0.9, 10, 2), "warheads"),
        (lambda: doctrine.raid(6, 0.0, 5, 2, expected_shots_per_warhead=4.4), "expected_shots_per_warhead"),
        (lambda: doctrine.raid(6, 0.0, 5, 2, expected_shots_per_warhead=float("nan")),
         "expected_shots_per_warhead"),
        (lambda: doctrine.monte_carlo_raid(10**9, 0.7, 10**9), "trials"),
        (lambda: doctrine.monte_carlo_raid(3, 0.7, 10, trials=10**12), "trials"),
        (lambda: doctrine.monte_carlo_raid(3, 0.7, 10, seed=-1), "seed"),
        (lambda: doctrine.monte_carlo_raid(3, 0.7, 10, seed="x"), "seed"),
        (lambda: doctrine.shoot_look_shoot_pk(0.5, 1, "2", 0.9), "n2"),
    ],
)
def test_counts_and_sizes_are_bounded(call, field):
    # Issue 9 items 6 and 11: counts >= 2**63 wrapped (barrage_pk was -inf), raid had negative warheads,
    # interceptors_left went negative, monte_carlo_raid(10**9, ...) tried to allocate 10**18 cells.
    with pytest.raises(InputError, match=field):
        call()


def test_interceptors_left_never_negative_closed_form():
    # Closed form: N - W_engaged * e with e <= n and W_engaged <= N // n is >= 0.
    r = doctrine.raid(6, 0.0, 5, 2, expected_shots_per_warhead=2.0)
    assert r.interceptors_left == 1.0
    big = doctrine.raid(10**9, 0.9, 10**9, 1)
    assert big.warheads_unengaged == 0 and big.interceptors_left == 0.0
    assert float(doctrine.barrage_pk(0.2, 10**9)) == 1.0


def test_barrage_small_sspk_no_cancellation_closed_form():
    # 1 - (1 - p)^2 = 2p - p^2 exactly; the plain form loses 12 digits at p = 1e-4 (hypothesis found the
    # scalar and array paths 5e-13 apart there).
    p = 1e-4
    exact = 2 * p - p * p
    # the plain form is 3.6e-13 off here (checked against exact rational arithmetic); 2.5e-9 is 4.8e-9 off
    assert barrage_pk(2.5e-9, 2) == pytest.approx(2 * 2.5e-9 - 2.5e-9**2, rel=1e-14, abs=0)
    assert barrage_pk(p, 2) == pytest.approx(exact, rel=1e-14, abs=0)
    assert barrage_pk(np.array([p, p]), np.array([2, 2]))[0] == pytest.approx(exact, rel=1e-14, abs=0)
    assert barrage_pk(1.0, 0) == 0.0 and barrage_pk(1.0, 3) == 1.0
