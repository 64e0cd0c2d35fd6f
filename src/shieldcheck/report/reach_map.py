"""Reach map: the boundary of a missile's reach from a launch point, with named places and their margins.

A view of a computed :class:`shieldcheck.reach.Reach`: it draws, never recomputes. Azimuthal equidistant
projection centred on the launch point (true distances from it), whole globe, offline Natural Earth data.
"""

from __future__ import annotations

import cartopy.crs as ccrs
import numpy as np

from shieldcheck.report.maps import base_map, plot_places, save_png

__all__ = ["plot_reach"]


def plot_reach(r, path, *, title: str = ""):
    """Draw the reach boundary, the launch point and the places (within reach in red, short in grey).

    Parameters
    ----------
    r : shieldcheck.reach.Reach
        The computed reach: launch point (``launch_latitude_deg``, ``launch_longitude_deg``, deg), the
        boundary ``boundary_latitude_deg`` and ``boundary_longitude_deg`` (each of shape ``(M,)``, deg:
        the point at the maximum range along each of the M azimuths, closed into a ring here) and
        ``places`` (named places with ``margin_km``, km beyond (>= 0) or short of (< 0) the reach).
    path : str or os.PathLike
        PNG file to write (200 dpi); its folder must exist.
    title : str
        Map title; " (model estimate)" is appended.

    Returns
    -------
    pathlib.Path
        The PNG written: an azimuthal equidistant map centred on the launch point (distances from it
        are true), the whole globe, offline Natural Earth data. Nothing is recomputed.

    >>> import tempfile, pathlib
    >>> from shieldcheck.reach import Reach
    >>> r = Reach(40.0, 127.0, (0.0, 120.0, 240.0), (5000.0,) * 3, (1.0,) * 3,
    ...           (84.0, 10.0, 10.0), (127.0, 170.0, 84.0), (), 500.0)
    >>> with tempfile.TemporaryDirectory() as d:
    ...     plot_reach(r, pathlib.Path(d) / "reach.png", title="test").name
    'reach.png'
    """
    proj = ccrs.AzimuthalEquidistant(
        central_longitude=r.launch_longitude_deg, central_latitude=r.launch_latitude_deg
    )
    fig, ax = base_map(None, projection=proj, title=(title + " (model estimate)").strip(), figsize=(8, 8))
    lons = np.append(r.boundary_longitude_deg, r.boundary_longitude_deg[0])
    lats = np.append(r.boundary_latitude_deg, r.boundary_latitude_deg[0])
    # project the points and join them with straight segments (the azimuth grid is fine enough)
    xy = proj.transform_points(ccrs.PlateCarree(), lons, lats)
    ax.plot(
        xy[:, 0], xy[:, 1], transform=proj, color="#b2182b", linewidth=1.5, label="maximum range", zorder=9
    )
    plot_places(ax, ["launch"], [r.launch_latitude_deg], [r.launch_longitude_deg], kind="launch")
    inside = [p for p in r.places if p.margin_km >= 0]
    short = [p for p in r.places if p.margin_km < 0]
    from shieldcheck.catalog import resolve_place

    for group, color, label in ((inside, "#b2182b", "within reach"), (short, "#777777", "out of reach")):
        if group:
            pl = [resolve_place(p.name) for p in group]
            plot_places(
                ax,
                [p.label for p in group],
                [q.latitude_deg for q in pl],
                [q.longitude_deg for q in pl],
                color=color,
                legend_label=label,
                fontsize=6.0,
            )
    return save_png(fig, path)
