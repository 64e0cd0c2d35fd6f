"""Parameter sweeps and Monte Carlo over scenario inputs, on local processes or a Dask cluster.

A sweep varies scenario inputs (any ``--set`` path, e.g. ``interceptor_types.gbi-2stage.burnout_speed_km_s``)
over a grid (``--vary path=start:stop:step``) and/or draws them at random (``--sample path=normal(mu,sigma)``,
``-n`` draws per grid point), builds the study (:func:`shieldcheck.study.build_study`) at each point, and
adds the shot-doctrine effectiveness of :mod:`shieldcheck.doctrine` to every engagement row.

Paths starting with ``effectiveness.`` vary the effectiveness model instead of the scenario
(``effectiveness.sspk=0.5:0.9:0.1``); see `Effectiveness` for the fields.

The flow, for a CLI or a notebook::

    spec = SweepSpec.from_cli("european-third-site-2007",
                              vary=["interceptor_types.gbi-2stage.burnout_speed_km_s=5.5:8.5:0.5",
                                    "timeline.decision_s=30:120:30"],
                              effectiveness={"sspk": 0.7, "doctrine": "sls", "raid_warheads": 3})
    path = run_sweep(spec, "out/sweep1")                           # or executor="dask", dask_address=...
    query("out/sweep1", 'select "timeline.decision_s", avg(p_no_leak) from sweep group by 1')

Output layout (``out_dir``)::

    sweep.json          the spec, the base scenario hash, the number of points (checked on resume)
    points/NNNNNNN-<point_id>.parquet   one file per finished point, written atomically (temp + os.replace)
    sweep.parquet       all points in one file, written when a run completes
    runs.jsonl          one line per run: points planned, already done, computed, failed, seconds
    errors.json         points whose inputs were rejected (only if any)

An interrupted run is resumed by running the same spec into the same ``out_dir``: finished points are
kept and not recomputed; a different spec in the same directory is refused. One run per ``out_dir`` at a
time.

Table: one row per (point, threat, launch, target, site). Columns: ``point_index``, ``point_id``,
``scenario``, ``variant``, ``scenario_hash`` (of the effective scenario at that point), the inputs,
**named by their dotted path exactly as given** (``"timeline.decision_s"``; quote them in SQL), the
`shieldcheck.engagement.EngagementResult` fields, and with an effectiveness model ``p_sys``, ``pk``,
``raid_warheads``, ``site_inventory``, ``warheads_unengaged``, ``p_no_leak``, ``expected_leakers``,
``interceptors_expended``.

Reproducibility: sampled inputs are drawn in :func:`plan`, in the calling process, from
``numpy.random.default_rng([seed, i])`` for point ``i``: a point's draws depend only on the seed and its
index, never on the executor or the number of workers.

>>> p = parse_vary("timeline.decision_s=30:90:30")
>>> p[0], p[1].tolist()
('timeline.decision_s', [30, 60, 90])
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import datetime as _dt
import functools
import hashlib
import itertools
import json
import math
import multiprocessing
import os
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from shieldcheck import doctrine as _doctrine
from shieldcheck.errors import InputError
from shieldcheck.study import BASE

__all__ = [
    "Distribution",
    "Effectiveness",
    "SweepSpec",
    "evaluate_point",
    "load",
    "parse_sample",
    "parse_vary",
    "plan",
    "query",
    "run_sweep",
    "spec_hash",
]

FORMAT_VERSION = 1
EFFECTIVENESS_PREFIX = "effectiveness."
_MAX_VALUES = 100_000
MAX_POINTS = 1_000_000
"""Most points one sweep may have (each writes one file)."""
MAX_WORKERS = 256
"""Most local worker processes a sweep may start."""
_NUMBER_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_INT_RE = re.compile(r"[+-]?\d+")
_META_COLUMNS = ("point_index", "point_id", "scenario", "variant", "scenario_hash")
_EFFECT_COLUMNS = {
    "p_sys": "float64",
    "pk": "float64",
    "raid_warheads": "int64",
    "site_inventory": "int64",
    "warheads_unengaged": "int64",
    "p_no_leak": "float64",
    "expected_leakers": "float64",
    "interceptors_expended": "float64",
}


# --------------------------------------------------------------------------------------------------------
# Parsing --vary and --sample


def _number(text: str, where: str) -> int | float:
    t = text.strip()
    if _INT_RE.fullmatch(t):
        return int(t)
    if _NUMBER_RE.fullmatch(t):
        v = float(t)
        if math.isfinite(v):
            return v
    raise InputError(f"{where}: {t!r} is not a number")


def _decimals(text: str) -> int | None:
    t = text.strip()
    if "e" in t.lower():
        return None
    return len(t.split(".")[1]) if "." in t else 0


def _split_path(text: str, option: str, form: str) -> tuple[str, str]:
    if "=" not in text:
        raise InputError(f"{option} {text!r}: expected {form}; no '=' found")
    path, rhs = (s.strip() for s in text.split("=", 1))
    if not path or any(not part for part in path.split(".")):
        raise InputError(f"{option} {text!r}: expected {form}; the path before '=' is empty or malformed")
    if not rhs:
        raise InputError(f"{option} {text!r}: expected {form}; nothing after '='")
    return path, rhs


def parse_vary(text: str) -> tuple[str, np.ndarray]:
    """Parse ``--vary``: ``PATH=START:STOP:STEP`` (stop included) or ``PATH=V1,V2,...``.

    Parameters
    ----------
    text : str
        E.g. ``"interceptor_types.gbi-2stage.burnout_speed_km_s=5.5:8.5:0.5"`` or
        ``"timeline.decision_s=30,60,120"``.

    Returns
    -------
    (str, ndarray)
        The path and its values: integers when every number in the text is an integer, floats otherwise.
        A range includes ``STOP`` when it lies on the grid within a floating-point tolerance (1e-9 of a
        step); values are rounded to the decimals written in the text, so ``0.1:0.3:0.1`` gives
        ``[0.1, 0.2, 0.3]``.

    Raises
    ------
    InputError
        No ``=``, a non-numeric bound or value, a zero step, a step pointing away from ``STOP``, repeated
        values, or more than 100,000 values. Unknown paths are reported by :func:`plan` (the scenario
        knows its paths).

    >>> parse_vary("x.y=6:8:0.5")[1].tolist()
    [6.0, 6.5, 7.0, 7.5, 8.0]
    >>> parse_vary("x.y=8:6:-1")[1].tolist()
    [8, 7, 6]
    >>> parse_vary("x.y=6:8:0")
    Traceback (most recent call last):
    ...
    shieldcheck.errors.InputError: --vary 'x.y=6:8:0': step must not be 0
    """
    form = "PATH=START:STOP:STEP or PATH=V1,V2,..."
    path, rhs = _split_path(text, "--vary", form)
    where = f"--vary {text!r}"
    if ":" in rhs:
        parts = rhs.split(":")
        if len(parts) != 3:
            raise InputError(f"{where}: a range needs START:STOP:STEP (3 numbers), got {len(parts)} part(s)")
        start, stop, step = (_number(p, where) for p in parts)
        if step == 0:
            raise InputError(f"{where}: step must not be 0")
        span = stop - start
        if span != 0 and (span > 0) != (step > 0):
            raise InputError(
                f"{where}: empty range: step {step} points away from STOP {stop} (START {start}); "
                f"use a step of sign {'+' if span > 0 else '-'}"
            )
        count = math.floor(span / step + 1e-9) + 1
        if count > _MAX_VALUES:
            raise InputError(f"{where}: {count} values is more than {_MAX_VALUES}; use a larger step")
        if all(isinstance(v, int) for v in (start, stop, step)):
            values = start + step * np.arange(count, dtype=np.int64)
        else:
            values = start + step * np.arange(count, dtype=float)
            digits = [_decimals(p) for p in parts]
            if None not in digits:
                values = np.round(values, max(digits))
        return path, values
    items = [s for s in rhs.split(",")]
    if any(not s.strip() for s in items):
        raise InputError(f"{where}: empty value in the list; expected {form}")
    nums = [_number(s, where) for s in items]
    if len(set(nums)) != len(nums):
        raise InputError(f"{where}: values repeat; list each value once")
    if len(nums) > _MAX_VALUES:
        raise InputError(f"{where}: {len(nums)} values is more than {_MAX_VALUES}")
    dtype = np.int64 if all(isinstance(v, int) for v in nums) else float
    return path, np.asarray(nums, dtype=dtype)


def _choice_value(text: str, where: str) -> Any:
    t = text.strip()
    if not t:
        raise InputError(f"{where}: empty value in choice(...)")
    try:
        return _number(t, where)
    except InputError:
        pass
    if t.lower() in ("true", "false"):
        return t.lower() == "true"
    if re.fullmatch(r"[A-Za-z0-9_.\-]+", t):
        return t
    raise InputError(f"{where}: {t!r} is not a number, true/false or a plain name")


@dataclass(frozen=True)
class Distribution:
    """A distribution to draw one input from: ``uniform``, ``normal``, ``triangular`` or ``choice``.

    Attributes
    ----------
    kind : str
    params : tuple
        ``(a, b)``, ``(mu, sigma)``, ``(a, mode, b)``, or the choices.
    text : str
        The spec as written (``"normal(60,15)"``).
    """

    kind: str
    params: tuple
    text: str

    def draw(self, rng: np.random.Generator) -> Any:
        """One value from ``rng`` (a Python int, float, bool or str)."""
        if self.kind == "uniform":
            return float(rng.uniform(*self.params))
        if self.kind == "normal":
            return float(rng.normal(*self.params))
        if self.kind == "triangular":
            return float(rng.triangular(*self.params))
        return self.params[int(rng.integers(len(self.params)))]

    @property
    def arrow_type(self) -> str:
        """The column type of the drawn values: ``float64``, ``int64``, ``bool`` or ``string``."""
        return _arrow_name(self.params) if self.kind == "choice" else "float64"


def _arrow_name(values: Iterable[Any]) -> str:
    kinds = {type(v) for v in values}
    if kinds == {int}:
        return "int64"
    if kinds == {bool}:
        return "bool"
    if kinds <= {int, float}:
        return "float64"
    return "string"


_DIST_ARITY = {
    "uniform": (2, "uniform(a,b)"),
    "normal": (2, "normal(mu,sigma)"),
    "triangular": (3, "triangular(a,mode,b)"),
}


def parse_sample(text: str) -> tuple[str, Distribution]:
    """Parse ``--sample``: ``PATH=uniform(a,b)``, ``normal(mu,sigma)``, ``triangular(a,mode,b)`` or
    ``choice(v1,v2,...)``.

    ``choice`` values may be numbers, ``true``/``false`` or plain names (a place, a missile class).

    Returns
    -------
    (str, Distribution)

    Raises
    ------
    InputError
        Unknown distribution, wrong number of parameters, non-numeric parameters, ``a >= b`` for
        uniform, ``sigma <= 0``, ``mode`` outside ``[a, b]``, an empty or repeating choice.

    >>> path, dist = parse_sample("timeline.decision_s=triangular(30,60,120)")
    >>> path, dist.kind, dist.params
    ('timeline.decision_s', 'triangular', (30.0, 60.0, 120.0))
    >>> parse_sample("timeline.decision_s=gauss(60,10)")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    shieldcheck.errors.InputError: --sample '...=gauss(60,10)': unknown distribution 'gauss'; ...
    """
    forms = "uniform(a,b), normal(mu,sigma), triangular(a,mode,b) or choice(v1,v2,...)"
    path, rhs = _split_path(text, "--sample", f"PATH=DIST(...) with DIST one of {forms}")
    where = f"--sample {text!r}"
    m = re.fullmatch(r"([A-Za-z_]+)\s*\((.*)\)", rhs)
    if not m:
        raise InputError(f"{where}: expected a distribution such as {forms}, got {rhs!r}")
    kind, args = m.group(1).lower(), m.group(2)
    if kind == "choice":
        values = tuple(_choice_value(s, where) for s in args.split(","))
        if len(set(map(repr, values))) != len(values):
            raise InputError(f"{where}: choice values repeat; list each value once")
        return path, Distribution("choice", values, rhs)
    if kind not in _DIST_ARITY:
        raise InputError(f"{where}: unknown distribution {kind!r}; use {forms}")
    arity, form = _DIST_ARITY[kind]
    parts = args.split(",")
    if len(parts) != arity or any(not p.strip() for p in parts):
        raise InputError(f"{where}: {kind} takes {arity} numbers, {form}; got {args!r}")
    p = tuple(float(_number(s, where)) for s in parts)
    if kind == "uniform" and not p[0] < p[1]:
        raise InputError(f"{where}: uniform(a,b) needs a < b, got a={p[0]:g}, b={p[1]:g}")
    if kind == "normal" and not p[1] > 0:
        raise InputError(f"{where}: normal(mu,sigma) needs sigma > 0, got sigma={p[1]:g}")
    if kind == "triangular" and not (p[0] <= p[1] <= p[2] and p[0] < p[2]):
        raise InputError(
            f"{where}: triangular(a,mode,b) needs a <= mode <= b and a < b, "
            f"got a={p[0]:g}, mode={p[1]:g}, b={p[2]:g}"
        )
    return path, Distribution(kind, p, rhs)


# --------------------------------------------------------------------------------------------------------
# The effectiveness model and the spec


@dataclass(frozen=True)
class Effectiveness:
    """Shot doctrine and reliabilities applied to every engagement row (see :mod:`shieldcheck.doctrine`).

    Attributes
    ----------
    sspk : float
        Single-shot kill probability of one interceptor.
    detection, track, discrimination, interceptor_reliability : float
        Kill-chain links; their product is P_sys. Default 1.
    doctrine : {"barrage", "sls"}
        ``"sls"`` (shoot-look-shoot) applies where the engagement allows 2 shots, else a barrage of
        ``shots_per_warhead``.
    shots_per_warhead : int
        Barrage size n (n₁, the first salvo, under ``"sls"``). Default 1.
    second_salvo : int
        n₂ under ``"sls"``. Default 1.
    p_ka : float
        Kill-assessment probability under ``"sls"``. Default 1.
    raid_warheads : int
        W warheads per raid on each row's route, engaged from the row's site inventory (the whole
        inventory is assumed available to each row). Default 1.
    """

    sspk: float
    detection: float = 1.0
    track: float = 1.0
    discrimination: float = 1.0
    interceptor_reliability: float = 1.0
    doctrine: str = "barrage"
    shots_per_warhead: int = 1
    second_salvo: int = 1
    p_ka: float = 1.0
    raid_warheads: int = 1

    def __post_init__(self):
        for name in ("sspk", "detection", "track", "discrimination", "interceptor_reliability", "p_ka"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float, np.number)):
                raise InputError(f"effectiveness.{name} must be a probability within [0, 1], got {v!r}")
            _doctrine._probability(f"effectiveness.{name}", v)
            object.__setattr__(self, name, float(v))
        for name in ("shots_per_warhead", "second_salvo", "raid_warheads"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float, np.number)):
                raise InputError(f"effectiveness.{name} must be a whole number >= 0, got {v!r}")
            object.__setattr__(self, name, int(_doctrine._count(f"effectiveness.{name}", v)))
        if self.doctrine not in _doctrine.DOCTRINES:
            raise InputError(
                f"effectiveness.doctrine must be one of {', '.join(_doctrine.DOCTRINES)}, "
                f"got {self.doctrine!r}"
            )

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Effectiveness:
        """Build from a dict (e.g. parsed CLI options); unknown keys raise `InputError` naming valid ones."""
        names = [f.name for f in dataclasses.fields(cls)]
        unknown = sorted(set(data) - set(names))
        if unknown:
            raise InputError(
                f"effectiveness: unknown key(s) {', '.join(unknown)}; valid keys: {', '.join(names)}"
            )
        if "sspk" not in data:
            raise InputError("effectiveness: sspk (single-shot kill probability, within [0, 1]) is required")
        return cls(**data)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


def _python(v: Any) -> Any:
    return v.item() if isinstance(v, np.generic) else v


@dataclass(frozen=True)
class SweepSpec:
    """What to sweep. Build it with :meth:`from_cli` from the CLI's strings, or directly.

    Attributes
    ----------
    scenario : str
        A built-in scenario name or a YAML path (as for :func:`shieldcheck.scenario.load_scenario`).
    variant : str or None
        A scenario variant applied before everything else.
    vary : tuple of (path, tuple of values)
        Grid axes; the grid is their Cartesian product, the first axis varying slowest.
    samples : tuple of (path, Distribution)
        Inputs drawn at random, ``n`` times per grid point.
    n : int
        Draws per grid point (>= 1; above 1 only with ``samples``).
    seed : int
        Seed for the draws.
    fixed : tuple of str
        ``"path=value"`` overrides applied at every point (the CLI's ``--set``), e.g. to reduce the
        threat set.
    effectiveness : Effectiveness or dict or None
        Shot doctrine and reliabilities; without it the effectiveness columns are left out.
    """

    scenario: str
    variant: str | None = None
    vary: tuple = ()
    samples: tuple = ()
    n: int = 1
    seed: int = 0
    fixed: tuple[str, ...] = ()
    effectiveness: Effectiveness | None = field(default=None)

    def __post_init__(self):
        object.__setattr__(self, "scenario", os.fspath(self.scenario))
        if self.variant == BASE:  # "base" and None both mean the scenario as written
            object.__setattr__(self, "variant", None)
        vary = tuple(
            (str(p), tuple(_python(v) for v in np.atleast_1d(vals).tolist())) for p, vals in self.vary
        )
        object.__setattr__(self, "vary", vary)
        samples = []
        for p, d in self.samples:
            if isinstance(d, str):
                p, d = parse_sample(f"{p}={d}")
            samples.append((str(p), d))
        object.__setattr__(self, "samples", tuple(samples))
        object.__setattr__(self, "fixed", tuple(self.fixed))
        if isinstance(self.effectiveness, Mapping):
            object.__setattr__(self, "effectiveness", Effectiveness.from_mapping(self.effectiveness))
        for name in ("n", "seed"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < (1 if name == "n" else 0):
                raise InputError(
                    f"{'-n' if name == 'n' else '--seed'} must be a whole number >= "
                    f"{1 if name == 'n' else 0}, got {v!r}"
                )
        if self.n > 1 and not self.samples:
            raise InputError(
                f"-n {self.n} needs at least one --sample: without draws every repeat is the same"
            )
        for p, vals in vary:
            if not vals:
                raise InputError(f"--vary {p}: no values")
        total = math.prod(len(vals) for _, vals in vary) * self.n
        if total > MAX_POINTS:
            raise InputError(
                f"the sweep has {total:,} points (grid values multiplied, times -n), more than "
                f"{MAX_POINTS:,}; use fewer values or split it into several sweeps"
            )
        seen: dict[str, str] = {}
        for option, path in (
            [("--set", s.split("=", 1)[0].strip()) for s in self.fixed]
            + [("--vary", p) for p, _ in vary]
            + [("--sample", p) for p, _ in self.samples]
        ):
            if path in seen:
                raise InputError(f"{option} {path}: the path is already given by {seen[path]}; give it once")
            seen[path] = option

    @classmethod
    def from_cli(
        cls,
        scenario: str,
        *,
        variant: str | None = None,
        vary: Sequence[str] = (),
        sample: Sequence[str] = (),
        n: int = 1,
        seed: int = 0,
        fixed: Sequence[str] = (),
        effectiveness: Mapping[str, Any] | Effectiveness | None = None,
    ) -> SweepSpec:
        """The spec from CLI strings: ``--vary`` and ``--sample`` texts, ``-n``, ``--seed``, ``--set``."""
        return cls(
            scenario=scenario,
            variant=variant,
            vary=tuple(parse_vary(t) for t in vary),
            samples=tuple(parse_sample(t) for t in sample),
            n=n,
            seed=seed,
            fixed=tuple(fixed),
            effectiveness=effectiveness,
        )

    @property
    def paths(self) -> tuple[str, ...]:
        """The input paths, in column order (grid axes, then samples)."""
        return tuple(p for p, _ in self.vary) + tuple(p for p, _ in self.samples)

    def to_dict(self) -> dict:
        """A JSON-ready description (written to ``sweep.json``)."""
        return {
            "scenario": self.scenario,
            "variant": self.variant or BASE,
            "vary": [[p, list(v)] for p, v in self.vary],
            "samples": [[p, d.text] for p, d in self.samples],
            "n": self.n,
            "seed": self.seed,
            "fixed": list(self.fixed),
            "effectiveness": None if self.effectiveness is None else self.effectiveness.to_dict(),
        }


# --------------------------------------------------------------------------------------------------------
# Planning


@functools.lru_cache(maxsize=8)
def _load_cached(scenario: str):
    from shieldcheck.scenario import load_scenario

    return load_scenario(scenario)


def _model(scenario):
    from shieldcheck.scenario import ScenarioModel

    return scenario if isinstance(scenario, ScenarioModel) else _load_cached(os.fspath(scenario))


def _set_text(path: str, value: Any) -> str:
    """``path=value`` in a form the scenario's YAML-scalar reader takes back exactly."""
    if isinstance(value, bool):
        return f"{path}={'true' if value else 'false'}"
    if isinstance(value, (int, np.integer)):
        return f"{path}={int(value)}"
    if isinstance(value, (float, np.floating)):
        text = repr(float(value))
        if "e" in text and "." not in text.split("e")[0]:
            mantissa, exponent = text.split("e")
            text = f"{mantissa}.0e{exponent if exponent[0] in '+-' else '+' + exponent}"
        return f"{path}={text}"
    return f"{path}={value}"


def _split_inputs(inputs: Mapping[str, Any], effectiveness: Effectiveness | None):
    scenario_sets = [_set_text(p, v) for p, v in inputs.items() if not p.startswith(EFFECTIVENESS_PREFIX)]
    overrides = {
        p[len(EFFECTIVENESS_PREFIX) :]: v for p, v in inputs.items() if p.startswith(EFFECTIVENESS_PREFIX)
    }
    if overrides:
        names = [f.name for f in dataclasses.fields(Effectiveness)]
        for k in overrides:
            if k not in names:
                raise InputError(
                    f"unknown effectiveness field {k!r}; valid paths: "
                    + ", ".join(EFFECTIVENESS_PREFIX + n for n in names)
                )
        if effectiveness is None:
            if "sspk" not in overrides:
                raise InputError(
                    f"{', '.join(EFFECTIVENESS_PREFIX + k for k in overrides)}: varying the effectiveness "
                    "model needs a base model with sspk (give effectiveness={'sspk': ...})"
                )
            effectiveness = Effectiveness(**overrides)
        else:
            effectiveness = dataclasses.replace(effectiveness, **overrides)
    return scenario_sets, effectiveness


def _point_id(
    base_hash: str, variant: str | None, inputs: Mapping[str, Any], eff: Effectiveness | None
) -> str:
    payload = {
        "format": FORMAT_VERSION,
        "scenario_hash": base_hash,
        "variant": variant,
        "inputs": sorted((p, _python(v)) for p, v in inputs.items()),
        "effectiveness": None if eff is None else eff.to_dict(),
    }
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]


def _base_hash(model, spec_variant, fixed) -> str:
    from shieldcheck.scenario import build

    return build(model, spec_variant, sets=fixed).scenario_hash


def _variant_sets(model, variant: str | None) -> list[str]:
    """A variant's overrides as ``path=value`` texts (JSON is YAML), to validate points cheaply."""
    if variant is None:
        return []
    return [
        f"{k}={json.dumps(v.model_dump() if hasattr(v, 'model_dump') else v)}"
        for k, v in model.variants[variant].set.items()
    ]


def plan(spec: SweepSpec, *, validate: bool = True) -> list[dict]:
    """The sweep's points, in order: the grid (first axis slowest) × ``n`` draws.

    Parameters
    ----------
    spec : SweepSpec
    validate : bool, optional
        Check every point's inputs against the scenario's rules before any work starts (about 0.3 ms a
        point). Default True.

    Returns
    -------
    list of dict
        ``{"index": i, "point_id": str, "inputs": {path: value}}``. Draws for point ``i`` come from
        ``numpy.random.default_rng([seed, i])``. ``point_id`` is a stable hash of the base scenario hash
        (after the variant and ``fixed``), the variant name, the inputs and the effectiveness model.

    Raises
    ------
    InputError
        Unknown paths (the scenario's message, naming the path and the valid keys), values breaking a
        rule (naming the point), a bad variant or ``fixed`` override.

    >>> spec = SweepSpec.from_cli("european-third-site-2007", vary=["timeline.decision_s=30:90:60"],
    ...                           sample=["radars.brdy-xband.max_range_km=uniform(1500,2500)"], n=2, seed=7)
    >>> [(p["index"], p["inputs"]["timeline.decision_s"]) for p in plan(spec)]
    [(0, 30), (1, 30), (2, 90), (3, 90)]
    """
    from shieldcheck.scenario import apply_sets

    model = _model(spec.scenario)
    base_hash = _base_hash(model, spec.variant, spec.fixed)
    before = [*_variant_sets(model, spec.variant), *spec.fixed]
    # where each override came from, so that an error blames the option that gave the value
    before_from = [f"variant {spec.variant}"] * (len(before) - len(spec.fixed)) + ["--set"] * len(spec.fixed)

    def origins(inputs) -> list[str]:
        return before_from + ["--vary" if p in grid_paths else "--sample" for p in inputs
                              if not p.startswith(EFFECTIVENESS_PREFIX)]
    axes = [vals for _, vals in spec.vary]
    grid_paths = [p for p, _ in spec.vary]
    if validate:
        first = {p: vals[0] for p, vals in spec.vary}
        first |= {p: d.draw(np.random.default_rng([spec.seed, 0])) for p, d in spec.samples}
        for p, v in first.items():
            option = "--vary" if p in grid_paths else "--sample"
            try:
                sets, _ = _split_inputs({p: v}, spec.effectiveness)
                apply_sets(model, [*before, *sets], origins=origins({p: v}))
            except InputError as exc:
                raise InputError(f"{option} {p}: {exc}") from None
    points = []
    for g, combo in enumerate(itertools.product(*axes)):
        for r in range(spec.n):
            i = g * spec.n + r
            inputs = dict(zip(grid_paths, combo, strict=True))
            if spec.samples:
                rng = np.random.default_rng([spec.seed, i])
                for p, d in spec.samples:
                    inputs[p] = d.draw(rng)
            if validate:
                try:
                    sets, eff = _split_inputs(inputs, spec.effectiveness)
                    apply_sets(model, [*before, *sets], origins=origins(inputs))
                except InputError as exc:
                    shown = ", ".join(_set_text(p, v) for p, v in inputs.items())
                    raise InputError(f"sweep point {i} ({shown}): {exc}") from None
            points.append(
                {
                    "index": i,
                    "point_id": _point_id(base_hash, spec.variant, inputs, spec.effectiveness),
                    "inputs": inputs,
                }
            )
    return points


# --------------------------------------------------------------------------------------------------------
# One point


def _effect_columns(results, sites_inventory: Mapping[str, int], eff: Effectiveness) -> dict[str, np.ndarray]:
    d = _doctrine
    shots = np.array([r.shots for r in results], dtype=np.int64)
    inventory = np.array([sites_inventory[r.site] for r in results], dtype=np.int64)
    p_sys = float(
        d.system_reliability(eff.detection, eff.track, eff.discrimination, eff.interceptor_reliability)
    )
    n1, n2 = eff.shots_per_warhead, eff.second_salvo
    pk = d.engagement_pk(eff.sspk, shots, doctrine=eff.doctrine, n1=n1, n2=n2, p_ka=eff.p_ka, p_sys=p_sys)
    sls = (eff.doctrine == "sls") & (shots >= 2)
    reserve = np.where(shots == 0, 0, np.where(sls, n1 + n2, n1))
    expected = np.where(sls, d.sls_expected_shots(eff.sspk, n1, n2, eff.p_ka, p_sys), float(n1))
    r = d.raid(eff.raid_warheads, pk, inventory, reserve, expected_shots_per_warhead=expected)
    n = len(results)
    return {
        "p_sys": np.full(n, p_sys),
        "pk": np.broadcast_to(pk, (n,)),
        "raid_warheads": np.full(n, eff.raid_warheads, dtype=np.int64),
        "site_inventory": inventory,
        "warheads_unengaged": np.broadcast_to(r.warheads_unengaged, (n,)),
        "p_no_leak": np.broadcast_to(r.p_no_leak, (n,)),
        "expected_leakers": np.broadcast_to(r.expected_leakers, (n,)),
        "interceptors_expended": np.broadcast_to(r.interceptors_expended, (n,)),
    }


def evaluate_point(
    scenario,
    variant: str | None,
    inputs: Mapping[str, Any],
    effectiveness: Effectiveness | Mapping[str, Any] | None = None,
    *,
    fixed: Sequence[str] = (),
    point_id: str | None = None,
    point_index: int = 0,
) -> list[dict]:
    """Build the scenario at one point, run every engagement, and add effectiveness: one dict per row.

    Parameters
    ----------
    scenario : str or ScenarioModel
        A scenario name/path or a loaded model (what workers receive, so they need no file access).
    variant : str or None
    inputs : dict
        ``{path: value}``; ``effectiveness.*`` paths override the effectiveness model.
    effectiveness : Effectiveness or dict, optional
    fixed : sequence of str
        ``path=value`` overrides applied before the inputs.
    point_id : str, optional
        Computed as :func:`plan` does when not given.
    point_index : int, optional

    Returns
    -------
    list of dict
        Keys: the table columns described in the module docstring, non-finite floats as None.

    >>> few = ["threats.iran-europe.launch=[tehran]", "threats.iran-europe.targets=[berlin]",
    ...        "threats.iran-us-east-coast.launch=[tehran]",
    ...        "threats.iran-us-east-coast.targets=[washington]",
    ...        "threats.russia-us.launch=[kozelsk]", "threats.russia-us.targets=[washington]"]
    >>> rows = evaluate_point("european-third-site-2007", None, {"timeline.decision_s": 60},
    ...                       {"sspk": 0.7, "raid_warheads": 2}, fixed=few)
    >>> [(r["target"], r["engageable"], r["pk"], round(r["p_no_leak"], 2)) for r in rows]
    [('berlin', True, 0.7, 0.49), ('washington', True, 0.7, 0.49), ('washington', False, 0.0, 0.0)]
    """
    from shieldcheck.scenario import build
    from shieldcheck.study import build_study

    model = _model(scenario)
    if isinstance(effectiveness, Mapping):
        effectiveness = Effectiveness.from_mapping(effectiveness)
    inputs = {p: _python(v) for p, v in inputs.items()}
    sets, eff = _split_inputs(inputs, effectiveness)
    if point_id is None:
        point_id = _point_id(_base_hash(model, variant, tuple(fixed)), variant, inputs, effectiveness)
    built = build(model, variant, sets=[*fixed, *sets])
    results = build_study(built, thresholds=False).rows  # the study's rows: what every view reads
    meta = {
        "point_index": point_index,
        "point_id": point_id,
        "scenario": built.name,
        "variant": variant or BASE,  # spelled as everywhere (the point id keeps None: old folders resume)
        "scenario_hash": built.scenario_hash,
    }
    rows = [{**meta, **inputs, **{k: v for k, v in r.to_dict().items() if k != "variant"}} for r in results]
    if eff is not None and results:
        cols = _effect_columns(results, {s.name: s.inventory for s in built.architecture.sites}, eff)
        for k, arr in cols.items():
            for row, v in zip(rows, arr.tolist(), strict=True):
                row[k] = v
    return rows


def _evaluate_batch(model, spec_core: tuple, batch: list[dict], numba_threads: int | None) -> list[tuple]:
    """Worker task: evaluate points, returning ``(index, point_id, rows, error)`` for each."""
    if numba_threads:
        import numba

        numba.set_num_threads(max(1, min(numba_threads, numba.config.NUMBA_NUM_THREADS)))
    variant, fixed, eff = spec_core
    out = []
    for p in batch:
        try:
            rows = evaluate_point(
                model, variant, p["inputs"], eff, fixed=fixed, point_id=p["point_id"], point_index=p["index"]
            )
            out.append((p["index"], p["point_id"], rows, None))
        except InputError as exc:
            out.append((p["index"], p["point_id"], None, str(exc)))
    return out


# --------------------------------------------------------------------------------------------------------
# Storage


def _arrow_types(spec: SweepSpec) -> dict[str, Any]:
    import pyarrow as pa

    from shieldcheck.engagement import EngagementResult

    py = {"str": pa.string(), "bool": pa.bool_(), "float": pa.float64(), "int": pa.int64()}
    named = {"float64": pa.float64(), "int64": pa.int64(), "bool": pa.bool_(), "string": pa.string()}
    types: dict[str, Any] = {
        "point_index": pa.int64(),
        "point_id": pa.string(),
        "scenario": pa.string(),
        "variant": pa.string(),
        "scenario_hash": pa.string(),
    }
    for p, vals in spec.vary:
        types[p] = named[_arrow_name(vals)]
    for p, d in spec.samples:
        types[p] = named[d.arrow_type]
    for f in dataclasses.fields(EngagementResult):
        ann = f.type if isinstance(f.type, str) else getattr(f.type, "__name__", "")
        types[f.name] = py.get(ann)  # None: let pyarrow infer
    if spec.effectiveness is not None or any(p.startswith(EFFECTIVENESS_PREFIX) for p in spec.paths):
        types |= {k: named[v] for k, v in _EFFECT_COLUMNS.items()}
    return types


def _table(rows: list[dict], types: Mapping[str, Any]):
    import pyarrow as pa

    columns = {}
    for name, t in types.items():
        columns[name] = pa.array([r.get(name) for r in rows], type=t)
    return pa.table(columns)


def _write_atomic(table, path: Path) -> None:
    import pyarrow.parquet as pq

    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    pq.write_table(table, tmp)
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)


def _write_text_atomic(text: str, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


_POINT_FILE_RE = re.compile(r"(\d{7})-([0-9a-f]{20})\.parquet")


def _point_file(points_dir: Path, index: int, point_id: str) -> Path:
    return points_dir / f"{index:07d}-{point_id}.parquet"


def _readable_parquet(path: Path) -> bool:
    """True if the file ends in a valid Parquet footer (a truncated or damaged file does not)."""
    import pyarrow.parquet as pq

    try:
        pq.read_metadata(path)
        return True
    except Exception:  # pyarrow raises ArrowInvalid, OSError, ... for a damaged file
        return False


def _point_files(out_dir: Path) -> list[Path]:
    """The sweep's point files: only names the sweep writes (``NNNNNNN-<20 hex>.parquet``).

    Stray copies (``0000003-... (copy).parquet``, ``backup.parquet``) and temporary files are ignored;
    two files for the same point index (a copy from another sweep renamed by hand) or a damaged file
    are an `InputError` naming them, never a table that counts a point twice.
    """
    points_dir = Path(out_dir) / "points"
    try:
        names = sorted(p.name for p in points_dir.iterdir())
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise InputError(f"{points_dir}: cannot list the sweep's point files: {exc.strerror}") from None
    by_index: dict[str, str] = {}
    files = []
    for name in names:
        m = _POINT_FILE_RE.fullmatch(name)
        if m is None:
            continue
        if m.group(1) in by_index:
            raise InputError(
                f"{points_dir}: two result files for point {int(m.group(1))}: {by_index[m.group(1)]} and "
                f"{name}; keep the one from this sweep (see sweep.json) and remove the other"
            )
        by_index[m.group(1)] = name
        files.append(points_dir / name)
    return files


# --------------------------------------------------------------------------------------------------------
# Executors


class _Progress:
    def __init__(self, enabled: bool, total: int, done: int, label: str):
        self.enabled = enabled
        self._p = None
        if not enabled:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            ProgressColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.text import Text

        class Rate(ProgressColumn):  # points computed by this run per second of this run
            def render(self, task):
                new = task.completed - task.fields["done_before"]
                elapsed = task.finished_time if task.finished else task.elapsed
                if not new or not elapsed:
                    return Text("   -   points/s")
                return Text(f"{new / elapsed:7.2f} points/s")

        self._p = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("points"),
            Rate(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
        )
        self._task = self._p.add_task(label, total=total, completed=done, done_before=done)

    def __enter__(self):
        if self._p is not None:
            self._p.__enter__()
        return self

    def advance(self, k: int = 1):
        if self._p is not None:
            self._p.advance(self._task, k)

    def __exit__(self, *exc):
        if self._p is not None:
            self._p.__exit__(*exc)


def _dask_threads(client) -> int:
    """Numba threads per task on a Dask cluster: a host's cores shared by its worker threads."""
    info = client.scheduler_info()["workers"]
    cores = client.run(os.cpu_count)
    per_host: dict[str, int] = {}
    for w in info.values():
        per_host[w["host"]] = per_host.get(w["host"], 0) + int(w.get("nthreads", 1))
    shares = [max(1, (cores.get(addr) or 1) // per_host[w["host"]]) for addr, w in info.items()]
    return min(shares) if shares else 1


_DASK_CONNECT_TIMEOUT_S = 10.0
"""Default wait for a Dask scheduler to answer (`run_sweep`'s ``dask_timeout_s``, the CLI's
``--dask-timeout-s``)."""
DASK_TIMEOUT_BOUNDS_S = (0.5, 600.0)
"""Bounds of ``dask_timeout_s``, s."""
_DASK_GRACE_S = 5.0
"""Beyond the timeout given to Dask, how long `_connect` waits for Dask to give up before it does."""
_PARENT_POLL_S = 0.25


def _watch_parent(parent_pid: int) -> None:
    while True:
        time.sleep(_PARENT_POLL_S)
        if os.getppid() != parent_pid:  # the sweep process is gone (killed): stop computing for nobody
            os._exit(1)


def _exit_with_parent(parent_pid: int) -> None:
    """Worker initializer: end this worker within a fraction of a second of its sweep process dying.

    A SIGKILLed parent cannot shut its process pool down; without this its workers stayed alive for
    over a minute.
    """
    import threading

    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True, name="exit-with-parent").start()


def _check_dask_timeout(timeout_s) -> float:
    lo, hi = DASK_TIMEOUT_BOUNDS_S
    if isinstance(timeout_s, bool) or not isinstance(timeout_s, (int, float)) or not lo <= timeout_s <= hi:
        raise InputError(f"--dask-timeout-s must be a number of seconds within [{lo:g}, {hi:g}], got "
                         f"{timeout_s!r}")
    return float(timeout_s)


def _connect(client_cls, address: str, timeout_s: float = _DASK_CONNECT_TIMEOUT_S):
    """A ``distributed.Client`` on ``address``, or an `InputError` naming it after a bounded wait.

    The timeout is given to Dask twice (the client's ``timeout`` and the ``distributed.comm.timeouts.connect``
    setting its connections read); the client is made in a helper thread that is given up on
    `_DASK_GRACE_S` after that, so the wait ends even if Dask's own retries do not (an unreachable scheduler
    once held a loaded test run for 379 s).
    """
    import threading

    import dask

    timeout_s = _check_dask_timeout(timeout_s)
    text = str(address).strip()
    m = re.fullmatch(r"(tcp|tls|ws|wss|ucx)://([^\s/]+):(\d{1,5})", text)
    if m is None or not 1 <= int(m.group(3)) <= 65535:
        raise InputError(
            f"--dask {text!r}: a scheduler address looks like tcp://HOST:PORT with PORT in [1, 65535], "
            "e.g. tcp://10.0.0.5:8786"
        )
    got: dict = {}

    def make() -> None:
        try:
            with dask.config.set({"distributed.comm.timeouts.connect": f"{timeout_s}s"}):
                got["client"] = client_cls(text, timeout=timeout_s)
        except Exception as exc:  # OSError (timed out, refused), ValueError: no scheduler there
            got["error"] = exc

    helper = threading.Thread(target=make, daemon=True, name="shieldcheck-dask-connect")
    helper.start()
    helper.join(timeout_s + _DASK_GRACE_S)
    if "client" in got:
        return got["client"]
    exc = got.get("error")
    why = "no answer" if exc is None else " ".join(str(exc).split())[:200] or type(exc).__name__
    raise InputError(
        f"--dask {text}: no Dask scheduler answered within {timeout_s:g} s ({why}); start one with "
        "`dask scheduler`, check the address or allow longer (--dask-timeout-s)"
    ) from None


class _Runner:
    """The executor behind a sweep: ``submit(fn, *args) -> future`` and ``as_completed(futures)``."""

    def __init__(self, executor, dask_address, workers, dask_timeout_s=_DASK_CONNECT_TIMEOUT_S):
        self.kind = executor if isinstance(executor, str) else "custom"
        self._own = None
        self._client = None
        self.numba_threads: int | None = None
        self.workers = workers
        if executor == "local":
            n = workers or os.cpu_count() or 1
            self.workers = n
            self._own = cf.ProcessPoolExecutor(
                max_workers=n,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_exit_with_parent,
                initargs=(os.getpid(),),
            )
            self._submit = self._own.submit
            self._as_completed = cf.as_completed
            self.numba_threads = max(1, (os.cpu_count() or 1) // n)
        elif executor == "dask":
            from distributed import Client

            if dask_address is None:
                self._client = Client(
                    n_workers=workers or os.cpu_count() or 1,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                )
            else:
                self._client = _connect(Client, dask_address, dask_timeout_s)
            self._own = self._client
            self._setup_dask(self._client)
        elif isinstance(executor, str):
            raise InputError(f"executor must be 'local', 'dask' or an executor object, got {executor!r}")
        elif type(executor).__module__.startswith("distributed"):
            self._setup_dask(executor)
        elif hasattr(executor, "submit"):
            self._submit = executor.submit
            self._as_completed = cf.as_completed
        else:
            raise InputError(f"executor must be 'local', 'dask' or have a submit method, got {executor!r}")

    def _setup_dask(self, client) -> None:
        from distributed import as_completed

        self.kind = "dask"
        self.workers = len(client.scheduler_info()["workers"])
        self.numba_threads = _dask_threads(client)

        def submit(fn, *args, key=None):
            return client.submit(fn, *args, key=key, pure=False)

        self._submit = submit
        self._as_completed = as_completed

    def submit(self, fn, *args, key=None):
        if self.kind == "dask":
            return self._submit(fn, *args, key=key)
        return self._submit(fn, *args)

    def as_completed(self, futures):
        return self._as_completed(futures)

    def cancel(self, futures) -> None:
        for f in futures:
            f.cancel()

    def close(self) -> None:
        if self._own is None:
            return
        if isinstance(self._own, cf.Executor):
            self._own.shutdown(wait=True, cancel_futures=True)
        else:
            self._own.close()


# --------------------------------------------------------------------------------------------------------
# Running


def _read_manifest(path: Path) -> dict:
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else " ".join(str(exc).split())
        raise InputError(
            f"{path}: not a readable sweep manifest ({why}); delete it to start this sweep afresh in the "
            "same folder (finished points are checked against the spec again), or use another --out"
        ) from None
    if not isinstance(old, dict):
        raise InputError(
            f"{path}: not a sweep manifest (a JSON object is expected); delete it or use another --out"
        )
    return old


def _check_manifest(out_dir: Path, manifest: dict) -> None:
    path = out_dir / "sweep.json"
    if path.exists():
        old = _read_manifest(path)
        if isinstance(old.get("spec"), dict) and old["spec"].get("variant", BASE) is None:
            old["spec"] = {**old["spec"], "variant": BASE}  # folders written before "base" was spelled out
        keys = ("format", "spec", "base_scenario_hash")
        if any(old.get(k) != manifest[k] for k in keys):
            raise InputError(
                f"{out_dir}: holds a different sweep (sweep.json differs in spec or scenario); "
                "resume only with the same spec, or use another --out directory"
            )


def run_sweep(
    spec: SweepSpec,
    out_dir: str | os.PathLike[str],
    *,
    executor: str | Any = "local",
    dask_address: str | None = None,
    workers: int | None = None,
    progress: bool = True,
    batch_size: int = 1,
    dask_timeout_s: float = _DASK_CONNECT_TIMEOUT_S,
) -> Path:
    """Run (or resume) a sweep into ``out_dir``; return the path of the consolidated ``sweep.parquet``.

    Parameters
    ----------
    spec : SweepSpec
    out_dir : path
        Created if needed. Re-running the same spec resumes: points already written are not recomputed.
    executor : {"local", "dask"} or object, optional
        ``"local"``: a ``ProcessPoolExecutor`` (spawned processes) with ``workers`` processes (default
        ``os.cpu_count()``). ``"dask"``: a ``distributed.Client`` on ``dask_address`` (the CLI's
        ``--dask``), or on a new local cluster of ``workers`` single-threaded processes when no address
        is given. Any object with a ``concurrent.futures``-style ``submit`` (or a ``distributed.Client``)
        is used as is and not closed.
    dask_address : str, optional
        Scheduler address, e.g. ``"tcp://10.0.0.5:8786"``.
    workers : int, optional
    progress : bool, optional
        A rich progress bar on stderr (points done, points/s, time left).
    batch_size : int, optional
        Points per task (a file is still written per point). Larger batches cut scheduling overhead for
        cheap points.
    dask_timeout_s : float, optional
        How long to wait for the scheduler at ``dask_address`` to answer, s (within
        `DASK_TIMEOUT_BOUNDS_S`; default 10); past it (and a few seconds' grace for Dask to give up) an
        `InputError` names the address.

    Returns
    -------
    Path
        ``out_dir / "sweep.parquet"``.

    Raises
    ------
    InputError
        Bad spec, ``out_dir`` holding a different sweep, a Dask scheduler that does not answer, or points
        whose combined inputs the scenario rejects (listed in ``errors.json``; every other point is still
        written). Every refusal before the first point (spec, manifest, scheduler) comes before
        ``out_dir`` is created or written.

    Notes
    -----
    Workers receive the loaded scenario model, so a remote Dask worker needs shieldcheck installed but
    not the scenario file; results come back to this process, which alone writes ``out_dir`` (workers
    need no shared file system). Numba threads per task are set to the cores per worker process, to
    avoid oversubscription. Scripts that call this with the local executor need an
    ``if __name__ == "__main__":`` guard (spawned workers re-import the main module).
    """
    if not isinstance(batch_size, int) or batch_size < 1:
        raise InputError(f"batch_size must be a whole number >= 1, got {batch_size!r}")
    if workers is not None and (
        isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= MAX_WORKERS
    ):
        raise InputError(f"workers must be a whole number within [1, {MAX_WORKERS}], got {workers!r}")
    _check_dask_timeout(dask_timeout_s)
    started = time.time()
    out = Path(out_dir)
    points_dir = out / "points"
    model = _model(spec.scenario)
    points = plan(spec)
    base_hash = _base_hash(model, spec.variant, spec.fixed)
    types = _arrow_types(spec)
    manifest = {
        "format": FORMAT_VERSION,
        "spec": spec.to_dict(),
        "base_scenario_hash": base_hash,
        "points": len(points),
        "columns": list(types),
        "input_columns": list(spec.paths),
    }
    _check_manifest(out, manifest)  # reads only: nothing is created before the refusals below
    existing = {p.name for p in points_dir.glob("*.parquet")} if points_dir.is_dir() else set()
    todo = []
    for p in points:
        f = _point_file(points_dir, p["index"], p["point_id"])
        if f.name in existing and _readable_parquet(f):
            continue
        if f.name in existing:  # truncated or damaged (disk full, a partial copy): compute it again
            f.unlink(missing_ok=True)
        todo.append(p)
    done_before = len(points) - len(todo)
    errors: list[dict] = []
    computed = 0
    spec_core = (spec.variant, spec.fixed, spec.effectiveness)
    runner = None
    if todo:
        runner = _Runner(executor, dask_address, workers, dask_timeout_s)
    try:  # the folder is made once the scheduler answered (an unreachable one left an empty sweep behind)
        points_dir.mkdir(parents=True, exist_ok=True)
        _write_text_atomic(json.dumps(manifest, indent=2, sort_keys=True) + "\n", out / "sweep.json")
        for stale in points_dir.glob(".*.tmp"):
            stale.unlink(missing_ok=True)
    except BaseException:
        if runner is not None:
            runner.close()
        raise
    try:
        with _Progress(progress, len(points), done_before, f"sweep {spec_hash(spec)[:8]}") as bar:
            if runner is not None:
                batches = [todo[i : i + batch_size] for i in range(0, len(todo), batch_size)]
                futures = [
                    runner.submit(
                        _evaluate_batch,
                        model,
                        spec_core,
                        b,
                        runner.numba_threads,
                        key=f"shieldcheck-sweep-{b[0]['point_id']}-{len(b)}",
                    )
                    for b in batches
                ]
                try:
                    for fut in runner.as_completed(futures):
                        for index, pid, rows, err in fut.result():
                            if err is not None:
                                errors.append({"index": index, "point_id": pid, "error": err})
                            else:
                                _write_atomic(_table(rows, types), _point_file(points_dir, index, pid))
                                computed += 1
                            bar.advance()
                except BaseException:
                    runner.cancel(futures)
                    raise
    finally:
        if runner is not None:
            runner.close()
        record = {
            "started_utc": _dt.datetime.fromtimestamp(started, _dt.UTC).isoformat(),
            "seconds": round(time.time() - started, 3),
            "executor": runner.kind if runner is not None else None,
            "workers": runner.workers if runner is not None else None,
            "planned": len(points),
            "already_done": done_before,
            "computed": computed,
            "failed": len(errors),
        }
        with open(out / "runs.jsonl", "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record) + "\n")
    final = out / "sweep.parquet"
    wanted = {_point_file(points_dir, p["index"], p["point_id"]) for p in points}
    files = sorted(f for f in wanted if f.exists())
    if files:
        _write_atomic(_read_files(files), final)
    if errors:
        _write_text_atomic(json.dumps(errors, indent=2) + "\n", out / "errors.json")
        shown = "; ".join(f"point {e['index']}: {e['error']}" for e in errors[:3])
        raise InputError(
            f"{len(errors)} of {len(points)} sweep points were rejected by the scenario (all listed in "
            f"{out / 'errors.json'}): {shown}"
        )
    (out / "errors.json").unlink(missing_ok=True)
    return final


def spec_hash(spec: SweepSpec) -> str:
    """SHA-256 (hex) of the spec's JSON: a name for a default output directory (``sweeps/<hash[:8]>``)."""
    text = json.dumps(spec.to_dict(), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------------------------------------
# Reading results


def _read_files(files: Iterable[Path]):
    import pyarrow as pa
    import pyarrow.parquet as pq

    tables = []
    for f in files:
        try:
            tables.append(pq.read_table(f))
        except Exception as exc:  # ArrowInvalid, OSError: truncated or damaged
            raise InputError(
                f"{f}: damaged sweep point file ({' '.join(str(exc).split())[:200]}); run the same sweep "
                "again into this folder to recompute it"
            ) from None
    table = pa.concat_tables(tables, promote_options="default")
    import pyarrow.compute as pc

    if "decision_time_s" in table.column_names:  # older folders: the column was named decision_time_s
        old = table["decision_time_s"]
        table = table.drop_columns(["decision_time_s"])
        if "decision_s" in table.column_names:  # points written before and after the rename
            i = table.column_names.index("decision_s")
            table = table.set_column(i, "decision_s", pc.coalesce(table["decision_s"], old))
        else:
            table = table.append_column("decision_s", old)
    if "variant" in table.column_names:  # older folders wrote None for the base scenario
        col = pc.fill_null(table["variant"].cast(pa.string()), BASE)
        table = table.set_column(table.column_names.index("variant"), "variant", col)
    keys = [k for k in ("point_index", "threat", "launch", "target", "site") if k in table.column_names]
    return table.sort_by([(k, "ascending") for k in keys])


def load(out_dir: str | os.PathLike[str]):
    """All finished points of a sweep as one ``pyarrow.Table``, sorted by point, threat, launch, target, site.

    Reads ``points/*.parquet`` (so it also works on a partial or running sweep).
    """
    files = _point_files(Path(out_dir))
    if not files:
        raise InputError(f"{out_dir}: no sweep results (no points/*.parquet); run the sweep first")
    return _read_files(files)


def query(out_dir: str | os.PathLike[str], sql: str) -> list[dict]:
    """Run DuckDB SQL over a sweep's results, available as the view ``sweep``; one dict per result row.

    Input columns are named by their dotted paths: quote them, ``"timeline.decision_s"``.

    >>> # query("out/s1", 'select "timeline.decision_s" as d, avg(p_no_leak) as p from sweep group by d')
    """
    import duckdb

    files = _point_files(Path(out_dir))
    if not files:
        raise InputError(f"{out_dir}: no sweep results (no points/*.parquet); run the sweep first")
    for f in files:  # a damaged file is named, not reported by DuckDB as a long internal error
        if not _readable_parquet(f):
            _read_files([f])
    listed = ", ".join("'" + str(f.resolve()).replace("'", "''") + "'" for f in files)
    con = duckdb.connect()
    try:
        src = f"read_parquet([{listed}], union_by_name=true)"
        names = [r[0] for r in con.execute(f"describe select * from {src}").fetchall()]
        star = "* replace (coalesce(variant, 'base') as variant)" if "variant" in names else "*"
        if "decision_time_s" in names:  # older folders: the column was named decision_time_s
            both = "decision_s" in names
            new = "coalesce(decision_s, decision_time_s)" if both else "decision_time_s"
            drop = "decision_time_s, decision_s" if both else "decision_time_s"
            star = f"{star.replace('*', f'* exclude ({drop})', 1)}, {new} as decision_s"
        con.execute(f"create view sweep as select {star} from {src}")  # old folders: None was the base
        cur = con.execute(sql)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    finally:
        con.close()
