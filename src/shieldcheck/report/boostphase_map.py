"""Boost-phase basing-zone map: where an interceptor base must stand to reach a missile before burnout.

A view of a computed :class:`shieldcheck.boostphase.BasingZone`: it draws, never recomputes. The least
interceptor burnout speed per candidate base is filled in colour (capped at 12 km/s), the cells whose least
speed the chosen interceptor has are shaded and outlined, and the missile's boost ground track and launch
point are drawn on offline Natural Earth data. A study's zone for a whole threat group
(`shieldcheck.study.StudyBasingZone`) passes every route's boost track, its launch points and the
scenario's boost-phase bases.
"""

from __future__ import annotations

import numpy as np

from shieldcheck.report.maps import base_map, plot_field, plot_ground_track, plot_mask, plot_places, save_png

__all__ = ["basing_zone_figure", "plot_basing_zone", "SPEED_LEVELS_KM_S"]

SPEED_LEVELS_KM_S = (0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 10.0, 12.0)
"""Colour levels of the least-speed field, km/s (above 12 km/s: not drawn)."""


def basing_zone_figure(zone, *, title: str = "", tracks=None, launches=None, bases=None, label=None):
    """Draw a basing zone; return the matplotlib figure (the caller saves or embeds it).

    Parameters
    ----------
    zone : shieldcheck.boostphase.BasingZone
        The computed zone: its ``footprint`` grid (``n_lat`` latitudes by ``n_lon`` longitudes of cell
        centres, deg, increasing; longitudes may pass 180 to cross the antimeridian) and its values
        ``required_speed_km_s`` (float, shape ``(n_lat, n_lon)``, km/s; inf where no speed reaches the
        missile before the deadline) and ``engageable`` (bool, shape ``(n_lat, n_lon)``), its deadline
        (``deadline_s``, s after the threat's launch), interceptor name and speed (km/s).
    title : str
        Map title; " (model estimate)" is appended.
    tracks : sequence of (latitude_deg, longitude_deg), optional
        Boost ground tracks, each a pair of arrays of shape ``(K,)`` in deg (default: the zone's own
        track, ``zone.track_latitude_deg`` and ``zone.track_longitude_deg``).
    launches : sequence of (latitude_deg, longitude_deg), optional
        Launch points, deg (default: the zone's launch point).
    bases : sequence of (name, latitude_deg, longitude_deg), optional
        Boost-phase bases to mark: a label and a position in deg.
    label : str, optional
        Legend text of the shaded zone (default: "can engage before <deadline> s (interceptor, speed)").

    Returns
    -------
    matplotlib.figure.Figure
        The map (PlateCarree over the grid's extent, offline Natural Earth data): least speed filled in
        colour up to 12 km/s (`SPEED_LEVELS_KM_S`), the engageable cells shaded and outlined, the boost
        tracks, launch points and bases.

    Colours and positions are the zone's numbers, drawn as given: nothing is recomputed.

    >>> import numpy as np
    >>> from shieldcheck.boostphase import basing_zone, BoostProfile
    >>> p = BoostProfile.from_arrays([0.0, 100.0], [[6378.137, 0, 0], [6478.137, 0, 0]],
    ...                              [[0.0, 0, 0], [2.0, 0, 0]], name="test")
    >>> z = basing_zone(p, (-2.0, 2.0, -2.0, 2.0), 1.0, speed_km_s=5.0)
    >>> fig = basing_zone_figure(z, title="test")
    >>> fig.axes[0].get_title()
    'test (model estimate)'
    >>> import matplotlib.pyplot as plt; plt.close(fig)
    """
    g = zone.footprint.grid
    lat, lon = g.latitude_deg, g.longitude_deg
    v = zone.footprint.values
    extent = (float(lon[0]), float(lon[-1]), float(lat[0]), float(lat[-1]))
    if extent[1] > 180.0:
        extent = (extent[0], extent[1] - 360.0, extent[2], extent[3])
    fig, ax = base_map(extent, title=(title + " (model estimate)").strip())
    speed = np.asarray(v["required_speed_km_s"], dtype=float)
    shown = np.where(np.isfinite(speed) & (speed <= SPEED_LEVELS_KM_S[-1]), speed, np.nan)
    if np.any(np.isfinite(shown)):
        plot_field(
            ax,
            lat,
            lon,
            shown,
            levels=list(SPEED_LEVELS_KM_S),
            cmap="viridis_r",
            alpha=0.6,
            colorbar_label="least interceptor burnout speed (km/s)",
        )
    if np.any(v["engageable"]):
        plot_mask(
            ax,
            lat,
            lon,
            np.asarray(v["engageable"], dtype=bool),
            color="#d81b60",
            alpha=0.0,
            label=label
            or (
                f"can engage before {zone.deadline_s:.0f} s "
                f"({zone.interceptor}, {zone.interceptor_speed_km_s:.1f} km/s)"
            ),
        )
    tracks = tracks if tracks is not None else [(zone.track_latitude_deg, zone.track_longitude_deg)]
    for k, (tla, tlo) in enumerate(tracks):
        plot_ground_track(
            ax, tla, tlo, label=f"{zone.profile_name} boost" if k == 0 else None, mark_ends=False
        )
    launches = launches if launches is not None else [(zone.launch_latitude_deg, zone.launch_longitude_deg)]
    plot_places(
        ax,
        ["launch"] * len(launches),
        [p[0] for p in launches],
        [p[1] for p in launches],
        kind="launch",
        label=len(launches) == 1,
    )
    if bases:
        plot_places(
            ax, [b[0] for b in bases], [b[1] for b in bases], [b[2] for b in bases], kind="interceptor"
        )
    return fig


def plot_basing_zone(zone, path, *, title: str = ""):
    """Draw a basing zone (`basing_zone_figure`) and write it as a PNG.

    Parameters
    ----------
    zone : shieldcheck.boostphase.BasingZone
        As for `basing_zone_figure` (grid of shape ``(n_lat, n_lon)``, least speed in km/s).
    path : str or os.PathLike
        PNG file to write (200 dpi); its folder must exist.
    title : str
        Map title; " (model estimate)" is appended.

    Returns
    -------
    pathlib.Path
        The PNG written.
    """
    return save_png(basing_zone_figure(zone, title=title), path)
