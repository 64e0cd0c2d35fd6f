"""shieldcheck: re-runnable physics for public questions about ballistic-missile defense.

The curated import surface. Units ride in names (``_km``, ``_s``, ``_deg``, ``_km_s``); time is seconds
after the threat's launch. Every number is a model estimate.

>>> import shieldcheck as sc
>>> t = sc.trajectory("tehran", "berlin", missile="irbm-3700")
>>> print(t.status, round(t.ground_range_km), round(t.burnout_speed_relative_km_s, 2))
ok 3511 4.97
>>> sol = sc.lambert([7000.0, 0.0, 0.0], [0.0, 7000.0, 0.0], 1500.0)
>>> print(int(sol.status))
0
"""

from shieldcheck import _numba  # noqa: F401 - first: chooses numba's cache folder before any kernel exists
from shieldcheck.catalog import MissileClass, Place, get_missile, missiles, places, resolve_place
from shieldcheck.earth import (
    MU_KM3_S2,
    OMEGA_RAD_S,
    SPHERE_RADIUS_KM,
    ecef_to_aer,
    ecef_to_eci,
    ecef_to_geodetic,
    eci_to_ecef,
    geodesic_direct,
    geodesic_inverse,
    geodetic_to_ecef,
)
from shieldcheck.errors import InputError
from shieldcheck.orbits import LambertSolution, LambertStatus, kepler, lambert, lambert_numpy
from shieldcheck.threats import (
    Trajectory,
    TrajectoryBatch,
    TrajectorySamples,
    sample_trajectory,
    solve_trajectories,
    sphere_min_energy,
    trajectory,
)

__version__ = "0.1.0"

_LAZY = {name: "shieldcheck.study" for name in ("Study", "build_study", "study_footprints")}


def __getattr__(name: str):
    # the study layer imports the compiled engagement kernels: loaded on first use, not at import
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'shieldcheck' has no attribute {name!r}")


__all__ = [
    "MU_KM3_S2",
    "OMEGA_RAD_S",
    "SPHERE_RADIUS_KM",
    "InputError",
    "Study",
    "build_study",
    "study_footprints",
    "LambertSolution",
    "LambertStatus",
    "MissileClass",
    "Place",
    "Trajectory",
    "TrajectoryBatch",
    "TrajectorySamples",
    "ecef_to_aer",
    "ecef_to_eci",
    "ecef_to_geodetic",
    "eci_to_ecef",
    "geodesic_direct",
    "geodesic_inverse",
    "geodetic_to_ecef",
    "get_missile",
    "kepler",
    "lambert",
    "lambert_numpy",
    "missiles",
    "places",
    "resolve_place",
    "sample_trajectory",
    "solve_trajectories",
    "sphere_min_energy",
    "trajectory",
]

# powered flight (issue 10): staged boost, lofted-test reconstruction, reach
from shieldcheck.boost import PitchProgram, Stage, Vehicle, fly, fly_batch, solve_kick  # noqa: E402
from shieldcheck.reach import reach  # noqa: E402
from shieldcheck.reconstruct import reconstruct  # noqa: E402

__all__ += ["PitchProgram", "Stage", "Vehicle", "fly", "fly_batch", "reach", "reconstruct", "solve_kick"]

# --- the debate's atlas (issue 11): the defense-system catalog; siting maps and comparisons (lazy, like
# the study, since they load the compiled engagement kernels)
from shieldcheck.catalog import get_interceptor, get_radar  # noqa: E402

_LAZY |= {
    "Comparison": "shieldcheck.compare",
    "SitingMap": "shieldcheck.siting",
    "siting_map": "shieldcheck.siting",
}


def compare_studies(specs, **kwargs):
    """`shieldcheck.compare.compare` (named apart from the ``shieldcheck.compare`` module)."""
    from shieldcheck.compare import compare

    return compare(specs, **kwargs)


__all__ += ["Comparison", "SitingMap", "compare_studies", "get_interceptor", "get_radar", "siting_map"]

# --- boost-phase intercept and interceptors with stages (issue 10), lazy like the study
_LAZY |= {
    "basing_zone": "shieldcheck.boostphase",
    "boost_profile": "shieldcheck.boostphase",
    "engage_boost": "shieldcheck.boostphase",
    "least_speed_curve": "shieldcheck.boostphase",
    "staged_flyout": "shieldcheck.interceptors",
}
__all__ += ["basing_zone", "boost_profile", "engage_boost", "least_speed_curve", "staged_flyout"]
