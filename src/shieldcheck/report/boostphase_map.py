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
    title : str
        Map title; "(model estimate)" is appended.
    tracks : sequence of (latitude_deg, longitude_deg) arrays, optional
        Boost ground tracks to draw (default: the zone's own).
    launches : sequence of (latitude_deg, longitude_deg), optional
        Launch points (default: the zone's).
    bases : sequence of (name, latitude_deg, longitude_deg), optional
        Boost-phase bases to mark.
    label : str, optional
        Legend text of the shaded zone (default: "can engage before <deadline> s (interceptor, speed)").
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
    """Draw a basing zone and write it as a PNG.

    Parameters
    ----------
    zone : shieldcheck.boostphase.BasingZone
    path : str or Path
        PNG file to write.
    title : str
        Map title; "(model estimate)" is appended.

    Returns
    -------
    Path of the PNG.
    """
    return save_png(basing_zone_figure(zone, title=title), path)
