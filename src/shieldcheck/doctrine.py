"""Shot doctrine, layered defenses and raids against a finite interceptor inventory.

Closed forms for the probability that a defense kills an engaged warhead, given the single-shot kill
probability of one interceptor and the reliability of the rest of the kill chain; the leakage of
independent layers; and what a raid of W warheads does to a site holding N interceptors. A Monte Carlo
simulation at the level of single interceptors cross-checks the closed forms.

All functions broadcast over numpy arrays (a scalar in gives a scalar out) except
:func:`monte_carlo_raid`, which takes scalars. Probabilities are plain numbers in [0, 1]; counts are
whole numbers >= 0.

The model, in one place (every function states the part it uses):

- The kill chain works for a given warhead with probability P_sys (detection × track × discrimination
  × interceptor reliability), independently of other warheads. When it fails, the interceptors assigned
  to that warhead are still fired and all miss (a discrimination failure is the typical case).
- Each interceptor kills with probability p (SSPK) independently of the others.
- Shoot-look-shoot: a first salvo of n₁; a look that recognises a surviving warhead with probability
  p_ka (kill assessment) and never mistakes a killed warhead for a survivor; a second salvo of n₂ fired
  only after a positive look. The second salvo needs a second shot opportunity in the engagement's
  timeline (``EngagementResult.shots >= 2``); without one the doctrine falls back to a barrage of n₁.
- Raids: the defense engages warheads one by one while its inventory lasts, reserving the full
  doctrine (n shots, or n₁ + n₂ for shoot-look-shoot) for each engaged warhead, so
  W_engaged = min(W, floor(N / n)). Warheads beyond that are not engaged and leak with certainty.

Sources
-------
The formulas are elementary probability for independent trials, derived in place rather than taken from
a table (W. Feller, *An Introduction to Probability Theory and Its Applications*, vol. 1, 3rd ed., Wiley,
1968, ch. VI, the binomial distribution: the chance of at least one success in n independent trials is
1 − (1 − p)ⁿ; products of independent events): barrage P_k = P_sys [1 − (1 − p)ⁿ]; P(no leak) = P_kᵂ
and expected leakers W (1 − P_k) for W warheads engaged independently, with W ≤ N/n; shoot-look-shoot
P_k = P_sys {1 − (1 − p)^{n₁} [1 − p_ka (1 − (1 − p)^{n₂})]}; independent layers
P_leak = Π (1 − P_k,i).

>>> round(float(barrage_pk(0.8, 2, p_sys=0.9)), 4)
0.864
>>> r = raid(12, 0.864, inventory=10, shots_per_warhead=2)
>>> int(r.warheads_engaged), int(r.warheads_unengaged), float(r.p_no_leak)
(5, 7, 0.0)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Literal

import numpy as np

from shieldcheck.errors import InputError, require_broadcast

__all__ = [
    "Estimate",
    "MonteCarloRaid",
    "Raid",
    "barrage_pk",
    "engagement_pk",
    "layered_leak",
    "monte_carlo_raid",
    "raid",
    "shoot_look_shoot_pk",
    "sls_expected_shots",
    "system_reliability",
]

Doctrine = Literal["barrage", "sls"]
DOCTRINES = ("barrage", "sls")


# --------------------------------------------------------------------------------------------------------
# Validation at the boundary


def _scalar_or_array(x: np.ndarray):
    """Return a numpy scalar for 0-d results (scalar in, scalar out) and the array otherwise."""
    return x[()] if x.ndim == 0 else x


def _probability(name: str, value) -> np.ndarray:
    try:
        a = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"{name} must be a probability within [0, 1], got {value!r}") from None
    bad = ~((a >= 0.0) & (a <= 1.0))  # NaN is bad too
    if np.any(bad):
        got = a[bad].flat[0] if a.ndim else float(a)
        raise InputError(f"{name} must be a probability within [0, 1], got {float(got)!r}")
    return a


MAX_COUNT = 10**9
"""Largest count (warheads, interceptors, shots) the doctrine functions accept; beyond it int64 products
could overflow and no real raid or inventory comes close."""
MAX_MC_CELLS = 10**7
"""Largest ``trials × warheads engaged`` of `monte_carlo_raid` (about 0.3 GB of working arrays)."""


def _count(name: str, value) -> np.ndarray:
    rule = f"{name} must be a whole number within [0, {MAX_COUNT:,}]"
    if isinstance(value, (str, bytes)):
        raise InputError(f"{rule}, got {value!r}")
    try:
        a = np.asarray(value)
        if a.dtype == bool or a.dtype.kind not in "iuf":
            raise TypeError
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"{rule}, got {value!r}") from None
    if a.dtype.kind == "f":
        bad = ~(np.isfinite(a) & (a >= 0) & (a <= MAX_COUNT) & (np.floor(a) == a))
    else:
        bad = (a < 0) | (a > MAX_COUNT)
    if np.any(bad):
        got = a[bad].flat[0] if a.ndim else a[()]
        raise InputError(f"{rule}, got {got.item()!r}")
    return a.astype(np.int64)


# --------------------------------------------------------------------------------------------------------
# One engagement


def system_reliability(detection=1.0, track=1.0, discrimination=1.0, interceptor_reliability=1.0):
    """Probability that the kill chain works for one warhead: the product of its links.

    Parameters
    ----------
    detection, track, discrimination : float or array_like
        Probabilities that the threat is detected, tracked to fire-control quality, and that the
        warhead is told apart from decoys and debris.
    interceptor_reliability : float or array_like
        Probability that an interceptor launches and flies as designed (its kill vehicle then kills
        with the single-shot kill probability).

    Returns
    -------
    float or ndarray
        P_sys, the product; the links are assumed independent.

    Notes
    -----
    Source: the product rule for independent events (Feller 1968, ch. V; see the module's Sources).

    >>> round(float(system_reliability(0.99, 0.95, 0.9, 0.97)), 6)
    0.821056
    """
    p = _probability("detection", detection)
    factors = [
        _probability(name, v)
        for name, v in (
            ("track", track),
            ("discrimination", discrimination),
            ("interceptor_reliability", interceptor_reliability),
        )
    ]
    names = "detection, track, discrimination and interceptor_reliability"
    for f in require_broadcast(names, p, *factors)[1:]:
        p = p * f
    return _scalar_or_array(np.asarray(p))


def _barrage(p, n, p_sys):
    # 1 - (1 - p)^n as -expm1(n log1p(-p)): no cancellation for small p (at p = 1e-4, n = 2 the plain form
    # loses 12 digits and its scalar and array paths differ by 5e-13 relative); p = 1 apart (0 * -inf)
    p = np.asarray(p, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        kill = -np.expm1(n * np.log1p(-np.minimum(p, 1.0)))
    kill = np.where(p >= 1.0, np.where(n > 0, 1.0, 0.0), kill)
    return p_sys * kill


def _sls(p, n1, n2, p_ka, p_sys):
    q = 1.0 - p
    return p_sys * (1.0 - q**n1 * (1.0 - p_ka * (1.0 - q**n2)))


def barrage_pk(sspk, n, p_sys=1.0):
    """Kill probability of a barrage: n interceptors fired at once at one warhead.

    P_k = P_sys [1 − (1 − p)ⁿ].

    Parameters
    ----------
    sspk : float or array_like
        Single-shot kill probability p of one interceptor, in [0, 1].
    n : int or array_like
        Interceptors in the barrage, >= 0 (n = 0 gives P_k = 0).
    p_sys : float or array_like, optional
        System reliability (see :func:`system_reliability`), default 1.

    Returns
    -------
    float or ndarray
        P_k, broadcast over the inputs.

    Notes
    -----
    Assumes independent shots. Source: the binomial chance of at least one kill in n independent shots
    (Feller 1968, ch. VI; see the module's Sources).

    >>> float(barrage_pk(0.5, 2))
    0.75
    >>> barrage_pk([0.5, 0.8], 2, p_sys=0.9).round(3).tolist()
    [0.675, 0.864]
    """
    p = _probability("sspk", sspk)
    n = _count("n", n)
    ps = _probability("p_sys", p_sys)
    p, n, ps = require_broadcast("sspk, n and p_sys", p, n, ps)
    return _scalar_or_array(np.asarray(_barrage(p, n, ps)))


def shoot_look_shoot_pk(sspk, n1, n2, p_ka, p_sys=1.0, shots=None):
    """Kill probability of shoot-look-shoot: a salvo of n₁, a look, and a salvo of n₂ if needed.

    P_k = P_sys {1 − (1 − p)^{n₁} [1 − p_ka (1 − (1 − p)^{n₂})]}.

    Parameters
    ----------
    sspk : float or array_like
        Single-shot kill probability p.
    n1, n2 : int or array_like
        Interceptors in the first and second salvo, >= 0.
    p_ka : float or array_like
        Probability that the kill assessment recognises a surviving warhead (so the second salvo is
        fired at it).
    p_sys : float or array_like, optional
        System reliability, default 1.
    shots : int or array_like, optional
        Shot opportunities the engagement allows (``EngagementResult.shots``). Where ``shots < 2`` there
        is no time for a look and a second salvo, and the result falls back to a barrage of n₁ (where
        ``shots == 0`` that barrage is still returned: use :func:`engagement_pk` to get 0 for
        engagements that are not possible). Default: a second shot is assumed possible.

    Returns
    -------
    float or ndarray
        P_k. With p_ka > 0 and n₂ > 0 it is at least the barrage-of-n₁ value.

    Notes
    -----
    Source: independent trials conditioned on the look (Feller 1968, ch. V-VI). The look is assumed never
    to call a killed warhead a survivor; that matters only for the interceptors expended
    (:func:`sls_expected_shots`), not for P_k.

    >>> round(float(shoot_look_shoot_pk(0.5, 1, 1, p_ka=0.9)), 4)
    0.725
    >>> float(shoot_look_shoot_pk(0.5, 1, 1, p_ka=0.9, shots=1))   # no second shot: barrage of 1
    0.5
    """
    p = _probability("sspk", sspk)
    n1 = _count("n1", n1)
    n2 = _count("n2", n2)
    ka = _probability("p_ka", p_ka)
    ps = _probability("p_sys", p_sys)
    s = None if shots is None else _count("shots", shots)
    p, n1, n2, ka, ps, _ = require_broadcast(
        "sspk, n1, n2, p_ka, p_sys and shots", p, n1, n2, ka, ps, 2 if s is None else s
    )
    pk = _sls(p, n1, n2, ka, ps)
    if s is not None:
        pk = np.where(s >= 2, pk, _barrage(p, n1, ps))
    return _scalar_or_array(np.asarray(pk))


def sls_expected_shots(sspk, n1, n2, p_ka, p_sys=1.0):
    """Expected interceptors fired at one warhead under shoot-look-shoot.

    n₁ + n₂ · p_ka · [P_sys (1 − p)^{n₁} + (1 − P_sys)]: the second salvo follows a positive look at a
    surviving warhead, and a warhead survives the first salvo either because all n₁ shots missed or
    because the kill chain failed (see the module's model).

    >>> round(float(sls_expected_shots(0.5, 1, 1, p_ka=1.0)), 3)
    1.5
    """
    p = _probability("sspk", sspk)
    n1 = _count("n1", n1)
    n2 = _count("n2", n2)
    ka = _probability("p_ka", p_ka)
    ps = _probability("p_sys", p_sys)
    p, n1, n2, ka, ps = require_broadcast("sspk, n1, n2, p_ka and p_sys", p, n1, n2, ka, ps)
    e = n1 + n2 * ka * (ps * (1.0 - p) ** n1 + (1.0 - ps))
    return _scalar_or_array(np.asarray(e, dtype=float))


def engagement_pk(sspk, shots, *, doctrine: Doctrine = "barrage", n1=1, n2=1, p_ka=1.0, p_sys=1.0):
    """P_k for engagements with a given number of shot opportunities (``EngagementResult.shots``).

    ``shots == 0`` (no intercept possible) gives 0. Barrage: a barrage of n₁ wherever ``shots >= 1``.
    ``"sls"``: shoot-look-shoot where ``shots >= 2``, a barrage of n₁ where ``shots == 1``.

    Parameters
    ----------
    sspk : float or array_like
        Single-shot kill probability.
    shots : int or array_like
        Shot opportunities per engagement, >= 0.
    doctrine : {"barrage", "sls"}
    n1, n2 : int
        Barrage size (n₁) and, for ``"sls"``, the second salvo (n₂).
    p_ka, p_sys : float
        Kill-assessment probability (``"sls"`` only) and system reliability.

    Returns
    -------
    float or ndarray

    >>> engagement_pk(0.5, [0, 1, 2], doctrine="sls", n1=1, n2=1, p_ka=1.0).tolist()
    [0.0, 0.5, 0.75]
    """
    if doctrine not in DOCTRINES:
        raise InputError(f"doctrine must be one of {', '.join(DOCTRINES)}, got {doctrine!r}")
    s = _count("shots", shots)
    if doctrine == "barrage":
        pk = barrage_pk(sspk, n1, p_sys)
    else:
        pk = shoot_look_shoot_pk(sspk, n1, n2, p_ka, p_sys, shots=s)
    s, pk = require_broadcast("sspk, n1, n2, p_ka, p_sys and shots", s, pk)
    return _scalar_or_array(np.asarray(np.where(s >= 1, pk, 0.0)))


def layered_leak(pks, axis=0):
    """Probability that a warhead leaks through independent layers: Π (1 − P_k,i).

    Parameters
    ----------
    pks : array_like
        Kill probabilities of the layers along ``axis``.
    axis : int, optional
        The layer axis (default 0).

    Returns
    -------
    float or ndarray

    Notes
    -----
    Assumes the layers fail independently (no common-mode failure such as a shared discrimination
    error). Source: the product rule for independent events (Feller 1968, ch. V).

    >>> round(float(layered_leak([0.8, 0.5])), 3)
    0.1
    """
    p = _probability("pks", pks)
    if p.ndim == 0:
        return _scalar_or_array(np.asarray(1.0 - p))
    return _scalar_or_array(np.asarray(np.prod(1.0 - p, axis=axis)))


# --------------------------------------------------------------------------------------------------------
# Raids


@dataclass(frozen=True)
class Raid:
    """A raid of W warheads against one site's inventory, in closed form. Fields broadcast together.

    Attributes
    ----------
    warheads : int or ndarray
        W.
    warheads_engaged : int or ndarray
        min(W, floor(N / n)) (0 where n = 0).
    warheads_unengaged : int or ndarray
        W − W_engaged: not engaged for lack of interceptors; each leaks with certainty.
    p_no_leak : float or ndarray
        P_kᵂ if every warhead is engaged, else 0.
    expected_leakers : float or ndarray
        W_engaged (1 − P_k) + W_unengaged.
    interceptors_expended : float or ndarray
        W_engaged × the expected shots per warhead (n for a barrage).
    interceptors_left : float or ndarray
        N − interceptors_expended (expected).
    """

    warheads: object
    warheads_engaged: object
    warheads_unengaged: object
    p_no_leak: object
    expected_leakers: object
    interceptors_expended: object
    interceptors_left: object

    def to_dict(self) -> dict:
        out = {}
        for f in fields(self):
            v = np.asarray(getattr(self, f.name))
            out[f.name] = v.item() if v.ndim == 0 else v.tolist()
        return out


def raid(warheads, pk_per_warhead, inventory, shots_per_warhead, *, expected_shots_per_warhead=None) -> Raid:
    """W warheads engaged one by one from an inventory of N interceptors, n reserved per warhead.

    Parameters
    ----------
    warheads : int or array_like
        W, >= 0.
    pk_per_warhead : float or array_like
        P_k of the doctrine against one engaged warhead (from :func:`barrage_pk`,
        :func:`shoot_look_shoot_pk` or :func:`engagement_pk`).
    inventory : int or array_like
        N interceptors at the site, >= 0.
    shots_per_warhead : int or array_like
        n interceptors reserved per engaged warhead (n₁ + n₂ for shoot-look-shoot). n = 0 engages
        nothing.
    expected_shots_per_warhead : float or array_like, optional
        Interceptors actually fired per engaged warhead, on average (default: n; for
        shoot-look-shoot pass :func:`sls_expected_shots`).

    Returns
    -------
    Raid

    Notes
    -----
    W_engaged = min(W, floor(N / n)); P(no leak) = P_k^{W} when W_engaged = W, else 0 (unengaged
    warheads leak with certainty); expected leakers W_engaged (1 − P_k) + (W − W_engaged). Warheads are
    engaged independently. Source: independent trials (Feller 1968, ch. V-VI) (P(no leak) = P_kᵂ,
    expected leakers W (1 − P_k), W ≤ N/n).

    >>> r = raid([1, 5, 6], 0.9, inventory=10, shots_per_warhead=2)
    >>> r.warheads_unengaged.tolist(), r.p_no_leak.round(4).tolist()
    ([0, 0, 1], [0.9, 0.5905, 0.0])
    >>> r.expected_leakers.round(2).tolist()
    [0.1, 0.5, 1.5]
    """
    w = _count("warheads", warheads)
    pk = _probability("pk_per_warhead", pk_per_warhead)
    n_inv = _count("inventory", inventory)
    n = _count("shots_per_warhead", shots_per_warhead)
    if expected_shots_per_warhead is None:
        e = n.astype(float)
    else:
        try:
            e = np.asarray(expected_shots_per_warhead, dtype=float)
        except (TypeError, ValueError):
            raise InputError(
                f"expected_shots_per_warhead must be a number, got {expected_shots_per_warhead!r}"
            ) from None
    w, pk, n_inv, n, e = require_broadcast(
        "warheads, pk_per_warhead, inventory, shots_per_warhead and expected_shots_per_warhead",
        w, pk, n_inv, n, e,
    )
    # at most the n reserved per warhead can be fired at it: otherwise the inventory goes negative
    bad_e = ~(np.isfinite(e) & (e >= 0.0) & ((e <= n) | (n == 0)))  # n = 0 engages nothing: e is then unused
    if np.any(bad_e):
        raise InputError(
            "expected_shots_per_warhead must be within [0, shots_per_warhead] (no more interceptors can be "
            f"fired at a warhead than are reserved for it), got {float(e[bad_e].flat[0])!r} with "
            f"shots_per_warhead {int(n[bad_e].flat[0])}"
        )
    affordable = np.where(n > 0, n_inv // np.maximum(n, 1), 0)
    engaged = np.minimum(w, affordable)
    unengaged = w - engaged
    p_no_leak = np.where(unengaged == 0, pk**engaged, 0.0)
    leakers = engaged * (1.0 - pk) + unengaged
    expended = engaged * e
    return Raid(
        warheads=_scalar_or_array(np.asarray(w)),
        warheads_engaged=_scalar_or_array(np.asarray(engaged)),
        warheads_unengaged=_scalar_or_array(np.asarray(unengaged)),
        p_no_leak=_scalar_or_array(np.asarray(p_no_leak, dtype=float)),
        expected_leakers=_scalar_or_array(np.asarray(leakers, dtype=float)),
        interceptors_expended=_scalar_or_array(np.asarray(expended, dtype=float)),
        interceptors_left=_scalar_or_array(np.asarray(n_inv - expended, dtype=float)),
    )


# --------------------------------------------------------------------------------------------------------
# Monte Carlo


@dataclass(frozen=True)
class Estimate:
    """A Monte Carlo mean with its standard error and a normal-approximation 95 % interval."""

    mean: float
    stderr: float
    ci95_low: float
    ci95_high: float

    @classmethod
    def of(cls, samples: np.ndarray) -> Estimate:
        m = float(np.mean(samples))
        se = float(np.std(samples, ddof=1) / math.sqrt(samples.size)) if samples.size > 1 else math.nan
        return cls(m, se, m - 1.959963984540054 * se, m + 1.959963984540054 * se)


@dataclass(frozen=True)
class MonteCarloRaid:
    """Monte Carlo estimates for a raid (see :func:`monte_carlo_raid`).

    ``p_no_leak``, ``leakers`` and ``interceptors_expended`` are `Estimate` s (mean, stderr, 95 %
    interval); ``warheads_engaged`` and ``warheads_unengaged`` are fixed by the inventory rule.
    """

    trials: int
    seed: int
    warheads_engaged: int
    warheads_unengaged: int
    p_no_leak: Estimate
    leakers: Estimate
    interceptors_expended: Estimate


def monte_carlo_raid(
    warheads: int,
    sspk: float,
    inventory: int,
    *,
    doctrine: Doctrine = "barrage",
    n1: int = 1,
    n2: int = 1,
    p_ka: float = 1.0,
    p_sys: float = 1.0,
    shots: int = 2,
    trials: int = 10_000,
    seed: int = 0,
) -> MonteCarloRaid:
    """Simulate a raid interceptor by interceptor; a cross-check of :func:`raid` and the P_k forms.

    Each trial: W_engaged = min(W, floor(N / n)) warheads are engaged (n = n₁ for a barrage, n₁ + n₂
    reserved for shoot-look-shoot when ``shots >= 2``); per engaged warhead the kill chain works with
    probability P_sys, the first salvo of n₁ kills if any shot kills (each with probability p, and only
    if the chain works); a surviving warhead is recognised with probability p_ka and gets a second salvo
    of n₂. Unengaged warheads leak.

    Parameters
    ----------
    warheads, inventory : int
        W and N, >= 0.
    sspk : float
        Single-shot kill probability.
    doctrine : {"barrage", "sls"}
    n1, n2, p_ka, p_sys : as in :func:`shoot_look_shoot_pk` (n₁ is the barrage size).
    shots : int, optional
        Shot opportunities of the engagement (default 2); ``"sls"`` with ``shots < 2`` is a barrage of n₁,
        ``shots == 0`` engages nothing.
    trials : int
        Number of simulated raids, in [2, `MAX_MC_CELLS`]; ``trials × warheads engaged`` is bounded by
        `MAX_MC_CELLS` too (memory).
    seed : int
        Seed of ``numpy.random.default_rng``, in [0, 2**63): the same seed gives identical results.

    Returns
    -------
    MonteCarloRaid

    >>> mc = monte_carlo_raid(3, 0.7, inventory=10, n1=2, trials=20000, seed=1)
    >>> exact = raid(3, barrage_pk(0.7, 2), 10, 2).p_no_leak
    >>> bool(mc.p_no_leak.ci95_low - 0.01 < exact < mc.p_no_leak.ci95_high + 0.01)
    True
    """
    if doctrine not in DOCTRINES:
        raise InputError(f"doctrine must be one of {', '.join(DOCTRINES)}, got {doctrine!r}")
    for name, v in (("sspk", sspk), ("p_ka", p_ka), ("p_sys", p_sys)):
        if np.ndim(v) != 0:  # an array was broadcast over the engaged warheads, or raised numpy's error
            raise InputError(f"{name} must be a single probability for monte_carlo_raid, got {v!r}")
        _probability(name, v)
    for name, v in (
        ("warheads", warheads),
        ("inventory", inventory),
        ("n1", n1),
        ("n2", n2),
        ("shots", shots),
    ):
        if np.ndim(v) != 0:
            raise InputError(f"{name} must be a single whole number for monte_carlo_raid, got {v!r}")
        _count(name, v)
    bad_trials = isinstance(trials, bool) or not isinstance(trials, (int, np.integer))
    bad_trials = bad_trials or not 2 <= trials <= MAX_MC_CELLS
    if bad_trials:
        raise InputError(f"trials must be a whole number within [2, {MAX_MC_CELLS:,}], got {trials!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**63:
        raise InputError(f"seed must be a whole number within [0, 2**63), got {seed!r}")
    w, n_inv, n1, n2, shots = int(warheads), int(inventory), int(n1), int(n2), int(shots)
    sls = doctrine == "sls" and shots >= 2
    reserve = n1 + n2 if sls else n1
    engaged = 0 if shots == 0 or reserve == 0 else min(w, n_inv // reserve)
    unengaged = w - engaged
    if trials * max(engaged, 1) > MAX_MC_CELLS:
        raise InputError(
            f"trials × warheads engaged must be at most {MAX_MC_CELLS:,} (memory), got {trials:,} × "
            f"{engaged:,}: use fewer trials, or the closed form `raid` for large raids"
        )

    rng = np.random.default_rng(seed)
    shape = (trials, engaged)
    works = rng.random(shape) < p_sys
    first = (rng.binomial(n1, sspk, shape) > 0) & works
    fired = np.full(shape, float(n1))
    killed = first
    if sls:
        look = rng.random(shape) < p_ka
        second_fired = ~first & look
        second = (rng.binomial(n2, sspk, shape) > 0) & works & second_fired
        fired = fired + n2 * second_fired
        killed = first | second
    leakers = (~killed).sum(axis=1) + unengaged
    return MonteCarloRaid(
        trials=int(trials),
        seed=seed,
        warheads_engaged=engaged,
        warheads_unengaged=unengaged,
        p_no_leak=Estimate.of((leakers == 0).astype(float)),
        leakers=Estimate.of(leakers.astype(float)),
        interceptors_expended=Estimate.of(fired.sum(axis=1)),
    )
