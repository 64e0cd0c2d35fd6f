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
from shieldcheck.errors import InputError

__version__ = "0.1.0"

# Every other name loads on first use (PEP 562), so that `import shieldcheck` and `shieldcheck --help`
# import neither numba nor scipy (issue 9, item 16): name -> the module that defines it.
_LAZY = {
    **dict.fromkeys(
        ("MissileClass", "Place", "get_interceptor", "get_missile", "get_radar", "missiles", "places"),
        "catalog",
    ),
    "resolve_place": "catalog",
    **dict.fromkeys(
        (
            "MU_KM3_S2",
            "OMEGA_RAD_S",
            "SPHERE_RADIUS_KM",
            "ecef_to_aer",
            "ecef_to_eci",
            "ecef_to_geodetic",
            "eci_to_ecef",
            "geodesic_direct",
            "geodesic_inverse",
            "geodetic_to_ecef",
        ),
        "earth",
    ),
    **dict.fromkeys(("LambertSolution", "LambertStatus", "kepler", "lambert", "lambert_numpy"), "orbits"),
    **dict.fromkeys(
        (
            "Trajectory",
            "TrajectoryBatch",
            "TrajectorySamples",
            "sample_trajectory",
            "solve_trajectories",
            "sphere_min_energy",
            "trajectory",
        ),
        "threats",
    ),
    **dict.fromkeys(("Study", "build_study", "study_footprints"), "study"),
    # powered flight (issue 10): staged boost, lofted-test reconstruction, reach
    **dict.fromkeys(("PitchProgram", "Stage", "Vehicle", "fly", "fly_batch", "solve_kick"), "boost"),
    "reach": "reach",
    "reconstruct": "reconstruct",
    # the debate's atlas (issue 11): siting maps and comparisons
    "Comparison": "compare",
    **dict.fromkeys(("SitingMap", "siting_map"), "siting"),
    # boost-phase intercept and interceptors with stages (issue 10)
    **dict.fromkeys(("basing_zone", "boost_profile", "engage_boost", "least_speed_curve"), "boostphase"),
    "staged_flyout": "interceptors",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f"shieldcheck.{_LAZY[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'shieldcheck' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


class _Package(type(_numba)):
    """``shieldcheck.reach`` and ``shieldcheck.reconstruct`` name the functions, not their modules.

    Importing a submodule binds it on the package (``import shieldcheck.reach`` sets
    ``shieldcheck.reach``); with lazy names that would hide the function of the same name. The modules
    stay in ``sys.modules`` (``from shieldcheck.reach import Reach`` works as before).
    """

    def __setattr__(self, name, value):
        if name in ("reach", "reconstruct") and isinstance(value, type(_numba)):
            return
        super().__setattr__(name, value)


import sys as _sys  # noqa: E402

_sys.modules[__name__].__class__ = _Package

__all__ = ["InputError", "compare_studies", *_LAZY]


def compare_studies(specs, **kwargs):
    """`shieldcheck.compare.compare` (named apart from the ``shieldcheck.compare`` module)."""
    from shieldcheck.compare import compare

    return compare(specs, **kwargs)
