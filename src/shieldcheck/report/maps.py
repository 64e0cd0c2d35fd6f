"""Static maps for papers, drawn fully offline: base maps, places, ground tracks, boundaries and fields.

Built on matplotlib and cartopy (the ``[maps]`` extra). Cartopy downloads Natural Earth shapefiles on
first use; shieldcheck instead ships the layers it draws (land, coastlines and land borders at 1:110m and
1:50m, public-domain Natural Earth v4.1.0 via the ISC-licensed npm package world-atlas 2.0.2; see
``mapdata/README.md`` and ``tools/build_mapdata.py``). Importing this module therefore changes cartopy's
global configuration:

- ``cartopy.config["pre_existing_data_dir"]`` and ``cartopy.config["data_dir"]`` point at the shipped
  ``mapdata`` folder, and
- the Natural Earth downloader is replaced by one that raises an `InputError` naming the layers that are
  shipped instead of fetching anything, so no map drawn with shieldcheck ever touches the network.

Figures are plain `matplotlib.figure.Figure` objects with an Agg canvas (no pyplot, no display needed).
Coordinates at the API are geodetic latitude and longitude in degrees (``_deg``); longitudes may be given
in [-180, 180] or [0, 360]. Geometry is drawn as geodesics on the map (cartopy's ``Geodetic`` CRS), so
lines and polygons crossing the antimeridian are cut correctly. Every overlay given a ``label`` joins
the axes legend, which is redrawn below the map (outside the axes, so it never covers a track) after each
one. Place-name labels are placed when the figure is saved (`fig_to_png_bytes`): each takes the first of a
few offsets around its marker that overlaps no label placed before it and no marker (greedy placement).

>>> fig, ax = base_map((-12.0, 42.0, 34.0, 62.0), title="Europe")
>>> _ = plot_places(ax, ["Warsaw"], [52.23], [21.01], kind="city")
>>> png = fig_to_png_bytes(fig, dpi=50)
>>> png[:4] == b"\\x89PNG"
True
"""

from __future__ import annotations

import io
import math
import textwrap
import weakref
from pathlib import Path

import cartopy
import cartopy.crs as ccrs
import cartopy.feature as cfeature
import matplotlib.colors as mcolors
import matplotlib.patches as mpatches
import matplotlib.patheffects as patheffects
import numpy as np
from cartopy.io.shapereader import NEShpDownloader
from cartopy.mpl.geoaxes import GeoAxes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from shieldcheck.earth import (
    SPHERE_RADIUS_KM,
)
from shieldcheck.errors import InputError
from shieldcheck.sensors import coverage_boundary

__all__ = [
    "MAPDATA_DIR",
    "RESOLUTIONS",
    "PROJECTIONS",
    "PLACE_KINDS",
    "LAND_COLOR",
    "OCEAN_COLOR",
    "COASTLINE_COLOR",
    "BORDER_COLOR",
    "default_resolution",
    "base_map",
    "plot_places",
    "plot_ground_track",
    "plot_boundary",
    "plot_field",
    "plot_mask",
    "radar_coverage_boundary",
    "save_png",
    "fig_to_png_bytes",
]

# ============================================================================ offline data
MAPDATA_DIR = Path(__file__).resolve().with_name("mapdata")
"""The shipped Natural-Earth-layout shapefiles (``shapefiles/natural_earth/{physical,cultural}/``)."""
RESOLUTIONS = ("110m", "50m")
"""Natural Earth scales shipped with shieldcheck (10m is not shipped)."""
SHIPPED_LAYERS = (
    ("physical", "land"),
    ("physical", "coastline"),
    ("cultural", "admin_0_boundary_lines_land"),
)
"""(category, name) of the Natural Earth layers shipped at each resolution."""


class _OfflineNaturalEarth(NEShpDownloader):
    """Cartopy's Natural Earth downloader with the download replaced by an error that teaches.

    A shipped file is found through ``pre_existing_data_dir`` before ``acquire_resource`` is ever called;
    reaching it means the layer is not shipped.
    """

    def acquire_resource(self, target_path, format_dict):
        shipped = ", ".join(f"{c}/{n}" for c, n in SHIPPED_LAYERS)
        raise InputError(
            "shieldcheck draws maps offline and ships Natural Earth layers only at resolutions "
            f"{' and '.join(RESOLUTIONS)} ({shipped}), got resolution={format_dict['resolution']!r} "
            f"{format_dict['category']}/{format_dict['name']}: use one of the shipped layers"
        )


def _configure_cartopy() -> None:
    """Point cartopy at the shipped data and make sure it never downloads Natural Earth."""
    cartopy.config["pre_existing_data_dir"] = MAPDATA_DIR
    cartopy.config["data_dir"] = MAPDATA_DIR
    template = str(Path("{config[pre_existing_data_dir]}", "shapefiles", "natural_earth", "{category}"))
    name = "ne_{resolution}_{name}.shp"
    cartopy.config["downloaders"][("shapefiles", "natural_earth")] = _OfflineNaturalEarth(
        target_path_template=str(Path(template, name)),
        pre_downloaded_path_template=str(Path(template, name)),
    )


_configure_cartopy()

# ============================================================================ style
LAND_COLOR = "#eeebe4"
"""Land fill: a warm light grey."""
OCEAN_COLOR = "#dde9f1"
"""Sea fill: a pale blue-grey."""
COASTLINE_COLOR = "#4a4a4a"
"""Coastlines: dark grey."""
BORDER_COLOR = "#9b9b9b"
"""Land borders: mid grey, thinner than coastlines."""
_GRID_COLOR = "#8c8c8c"
_TEXT_HALO = [patheffects.withStroke(linewidth=2.2, foreground="white")]
_REGIONAL_SPAN_DEG = 60.0
"""Extents at most this wide (in equatorial degrees) default to 50m data, wider ones to 110m."""

PLACE_KINDS = {
    # kind: (marker, colour, size in points², legend label)
    "radar": ("^", "#1f5fa8", 55.0, "Radar"),
    "interceptor": ("s", "#ff6f00", 50.0, "Interceptor site"),
    "launch": ("*", "#c62828", 110.0, "Launch area"),
    "target": ("D", "#6a1b9a", 40.0, "Target"),
    "city": ("o", "#303030", 22.0, "City"),
    "site": ("o", "#e07b00", 30.0, "Site"),
}
"""Marker style per kind of place: ``(marker, colour, size_pt2, legend_label)``. The interceptor-site
orange is used by nothing else a map draws (tracks are green/red, coverage and reach blue), so a site
can always be found on the picture."""
_PLACED_LABELS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
"""Per axes: the place-name annotations and marker positions awaiting label placement."""
_LABEL_OFFSETS_PT = [
    (4.0, 3.0, "left", "bottom"),
    (4.0, -3.0, "left", "top"),
    (-4.0, 3.0, "right", "bottom"),
    (-4.0, -3.0, "right", "top"),
    (0.0, 6.0, "center", "bottom"),
    (0.0, -6.0, "center", "top"),
    (7.0, 0.0, "left", "center"),
    (-7.0, 0.0, "right", "center"),
]
"""Candidate label offsets from a marker (points) with the text's alignment, tried in order."""

PROJECTIONS = ("lambert", "platecarree", "orthographic", "mercator", "robinson", "azimuthal")
"""Projection names `base_map` accepts (a cartopy ``Projection`` instance is accepted too)."""

_LEGEND_PROXIES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
"""Legend handles for artists that cannot stand in a legend themselves (filled contours), per axes."""


# ============================================================================ helpers
def _as_1d(name: str, values, *, lo: float = -math.inf, hi: float = math.inf) -> np.ndarray:
    """A 1-D float array with every element finite and within [lo, hi], or an `InputError`."""
    try:
        arr = np.atleast_1d(np.asarray(values, dtype=float))
    except (TypeError, ValueError):
        raise InputError(f"{name} must be numbers, got {values!r}") from None
    if arr.ndim != 1:
        raise InputError(f"{name} must be one-dimensional, got shape {arr.shape}")
    bad = ~np.isfinite(arr) | (arr < lo) | (arr > hi)
    if np.any(bad):
        rng = f"within [{lo:g}, {hi:g}]" if math.isfinite(lo) else "finite"
        raise InputError(f"{name} must be {rng}, got {float(arr[bad][0])!r}")
    return arr


def _wrap180(lon_deg):
    """Longitude in [-180, 180)."""
    return np.mod(np.asarray(lon_deg, dtype=float) + 180.0, 360.0) - 180.0


def _unwrap(lon_deg: np.ndarray) -> np.ndarray:
    """Longitudes made continuous along a sequence (each step the shorter way round)."""
    if lon_deg.size < 2:
        return lon_deg.copy()
    step = _wrap180(np.diff(lon_deg))
    return np.concatenate([lon_deg[:1], lon_deg[0] + np.cumsum(step)])


def _centred_crs(lon_deg: np.ndarray) -> tuple[ccrs.PlateCarree, np.ndarray]:
    """A PlateCarree CRS centred on continuous longitudes, and the longitudes relative to its centre.

    Plotting in this CRS keeps every point within (-180, 180) of the centre, so shapes that straddle
    the antimeridian are not torn apart.
    """
    centre = 0.5 * (float(np.min(lon_deg)) + float(np.max(lon_deg)))
    centre = float(_wrap180(centre))
    return ccrs.PlateCarree(central_longitude=centre), _wrap180(lon_deg - centre)


def _slerp_densify(lat_deg: np.ndarray, lon_deg: np.ndarray, max_step_km: float, closed: bool):
    """Insert great-circle points so that no step is longer than ``max_step_km`` (sphere, for drawing)."""
    lat, lon = np.radians(lat_deg), np.radians(lon_deg)
    xyz = np.column_stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)])
    if closed:
        xyz = np.vstack([xyz, xyz[:1]])
    out = [xyz[:1]]
    for p, q in zip(xyz[:-1], xyz[1:], strict=True):
        angle = math.atan2(np.linalg.norm(np.cross(p, q)), float(p @ q))
        n = max(1, math.ceil(angle * SPHERE_RADIUS_KM / max_step_km))
        if n == 1 or angle < 1e-12:
            out.append(q[None, :])
            continue
        t = np.arange(1, n + 1)[:, None] / n
        pts = (np.sin((1.0 - t) * angle) * p + np.sin(t * angle) * q) / math.sin(angle)
        out.append(pts)
    xyz = np.vstack(out)
    if closed:
        xyz = xyz[:-1]
    lat_out = np.degrees(np.arctan2(xyz[:, 2], np.hypot(xyz[:, 0], xyz[:, 1])))
    lon_out = np.degrees(np.arctan2(xyz[:, 1], xyz[:, 0]))
    return lat_out, lon_out


def _refresh_legend(ax) -> None:
    """(Re)draw the axes legend from every labelled artist, plus the stored proxy handles."""
    handles, labels = ax.get_legend_handles_labels()
    for proxy in _LEGEND_PROXIES.get(ax, []):
        handles.append(proxy)
        labels.append(proxy.get_label())
    seen, h_out, l_out = set(), [], []
    for h, lab in zip(handles, labels, strict=True):
        if lab and not lab.startswith("_") and lab not in seen:
            seen.add(lab)
            h_out.append(h)
            l_out.append(lab)
    if h_out:
        legend = ax.legend(
            h_out,
            l_out,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.07),
            ncol=min(3, len(h_out)),
            fontsize=8,
            framealpha=0.9,
            edgecolor="#bbbbbb",
        )
        legend.set_zorder(10)


def _label_cost(b, boxes, axbox) -> float:
    """Area of label box ``b`` overlapping ``boxes`` ((x0, y0, x1, y1), display) or outside ``axbox``."""
    over = 0.0
    for x0, y0, x1, y1 in boxes:
        over += max(0.0, min(b.x1, x1) - max(b.x0, x0)) * max(0.0, min(b.y1, y1) - max(b.y0, y0))
    inside = max(0.0, min(b.x1, axbox.x1) - max(b.x0, axbox.x0)) * max(
        0.0, min(b.y1, axbox.y1) - max(b.y0, axbox.y0)
    )
    return over + (b.width * b.height - inside)


def _label_forms(text: str) -> list[str]:
    """A label as drawn, then wrapped onto lines of about 22 characters, then its part before the first
    comma (wrapped): the forms `_place_labels` tries, in order, until one stays inside the map."""
    import textwrap

    forms = [text]
    if len(text) > 22 and "\n" not in text:
        forms.append(textwrap.fill(text, 22))
        head = text.split(",", 1)[0]
        if head != text:
            forms.append(textwrap.fill(head, 22))
    return forms


_HIDDEN_LABELS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
"""Axes -> the text under it naming the labels `_place_labels` found no room for."""


def _place_labels(fig) -> None:
    """Greedy label placement on every axes of ``fig`` (after layout, in display coordinates).

    Each label, in drawing order, takes the first offset of `_LABEL_OFFSETS_PT` (then the same offsets
    twice and three times as far) whose box overlaps no label already placed and no marker and stays inside
    the axes; if none does, the one with the least overlap that stays inside. A label that fits inside at
    no offset is wrapped, then cut to its part before the first comma (`_label_forms`). A label that still
    overlaps a label or a marker is not drawn: its name goes to a line under the map and its legend ("Not
    labelled for want of room: ..."), so no two names are drawn on top of each other. A label repeating
    the text of a label already placed for a point within 12 px (a site and its radar at one place) is not
    drawn twice.
    """
    pending = [(ax, _PLACED_LABELS[ax]) for ax in fig.axes if ax in _PLACED_LABELS]
    if not pending:
        return
    fig.draw_without_rendering()  # settle the layout first: positions below are final
    renderer = fig.canvas.get_renderer()
    for ax, (anns, markers) in pending:
        axbox = ax.get_window_extent(renderer)
        marks = []
        for lon, lat in markers:
            x, y = ax.projection.transform_point(lon, lat, ccrs.PlateCarree())
            px, py = ax.transData.transform((x, y))
            r = 4.0 * fig.dpi / 72.0
            marks.append((px - r, py - r, px + r, py + r))
        placed: list = []
        anchors: list = []  # (text, x, y) of the labels drawn
        hidden: list[str] = []

        for ann in anns:
            if not ann.get_visible():
                continue
            x, y = ax.projection.transform_point(*ann.xy, ccrs.PlateCarree())
            px, py = ax.transData.transform((x, y))
            name = ann.get_text()
            if any(t == name and math.hypot(px - qx, py - qy) < 12.0 for t, qx, qy in anchors):
                ann.set_text("")
                ann.set_visible(False)  # a site and its radar at one place: one name
                continue
            best = None
            for text in _label_forms(ann.get_text()):  # a long label that fits nowhere wraps, then shortens
                ann.set_text(text)
                for scale in (1.0, 2.0, 3.0):
                    for dx, dy, ha, va in _LABEL_OFFSETS_PT:
                        ann.xyann = (dx * scale, dy * scale)
                        ann.set_ha(ha)
                        ann.set_va(va)
                        b = ann.get_window_extent(renderer)
                        c = _label_cost(b, placed + marks, axbox)
                        outside = b.x0 < axbox.x0 or b.x1 > axbox.x1 or b.y0 < axbox.y0 or b.y1 > axbox.y1
                        key = (outside, c)
                        if best is None or key < best[0]:
                            best = (key, (dx * scale, dy * scale), ha, va, b, text)
                        if c <= 0.0:
                            break
                    if best[0][1] <= 0.0:
                        break
                if not best[0][0] and best[0][1] <= 0.0:  # a shorter form may find room where this did not
                    break
            (outside, cost), xy, ha, va, b, text = best
            if outside or cost > 0.0:  # no room: never drawn over another name or a marker
                ann.set_text("")
                ann.set_visible(False)
                if name not in hidden:
                    hidden.append(name.replace("\n", " "))
                continue
            ann.set_text(text)
            ann.xyann = xy
            ann.set_ha(ha)
            ann.set_va(va)
            placed.append((b.x0, b.y0, b.x1, b.y1))
            anchors.append((name, px, py))
        if hidden:  # said under the map and its legend: a name is never lost, only moved off the map
            width_chars = max(40, int(axbox.width / (0.6 * 8.0 * fig.dpi / 72.0)))
            note = textwrap.fill("Not labelled for want of room: " + ", ".join(hidden) + ".", width_chars)
            below = ax.get_tightbbox(renderer).y0 - 3.0 * fig.dpi / 72.0  # under the legend and tick labels
            if fig.get_layout_engine() is not None:
                fig.set_layout_engine("none")  # the layout the labels were placed in stays as it is
            _HIDDEN_LABELS[ax] = fig.text(axbox.x0 / fig.bbox.width, below / fig.bbox.height, note, ha="left",
                                          va="top", fontsize=8, color="#333333")
        del _PLACED_LABELS[ax]


def _add_proxy(ax, proxy) -> None:
    _LEGEND_PROXIES.setdefault(ax, []).append(proxy)


def _check_geoaxes(ax) -> None:
    if not isinstance(ax, GeoAxes):
        raise InputError(
            f"ax must be a cartopy GeoAxes (e.g. from base_map), got {type(ax).__name__}: "
            "create the map with base_map(...) first"
        )


def _projection(name, extent) -> ccrs.Projection:
    """A cartopy projection from a name, centred on the extent (lon_min, lon_max, lat_min, lat_max)."""
    if isinstance(name, ccrs.Projection):
        return name
    if extent is None:
        lon0, lat0, lat1, lat2 = 0.0, 0.0, -90.0, 90.0
    else:
        lon_min, lon_max, lat1, lat2 = extent
        lon0 = float(_wrap180(0.5 * (lon_min + lon_max)))
        lat0 = 0.5 * (lat1 + lat2)
    key = str(name).lower().replace(" ", "").replace("_", "").replace("-", "")
    if key in ("lambert", "lambertconformal", "lcc"):
        if extent is None:
            raise InputError(
                "projection='lambert' needs a regional extent_deg, got extent_deg=None: "
                "pass (lon_min, lon_max, lat_min, lat_max) or use projection='robinson' for the world"
            )
        span = lat2 - lat1
        p1, p2 = lat1 + span / 6.0, lat2 - span / 6.0
        if p1 * p2 <= 0.0 or abs(lat0) < 5.0:  # straddles the equator: a conformal cylinder instead
            return ccrs.Mercator(central_longitude=lon0)
        return ccrs.LambertConformal(
            central_longitude=lon0, central_latitude=lat0, standard_parallels=(p1, p2)
        )
    if key in ("platecarree", "equirectangular", "latlon"):
        return ccrs.PlateCarree(central_longitude=lon0)
    if key in ("orthographic", "ortho", "globe"):
        return ccrs.Orthographic(central_longitude=lon0, central_latitude=lat0)
    if key == "mercator":
        return ccrs.Mercator(central_longitude=lon0)
    if key == "robinson":
        return ccrs.Robinson(central_longitude=lon0)
    if key in ("azimuthal", "azimuthalequidistant", "aeqd"):
        return ccrs.AzimuthalEquidistant(central_longitude=lon0, central_latitude=lat0)
    raise InputError(
        f"projection must be one of {', '.join(PROJECTIONS)} or a cartopy Projection, got {name!r}"
    )


def _check_extent(extent_deg) -> tuple[float, float, float, float] | None:
    """Validate (lon_min, lon_max, lat_min, lat_max); lon_max < lon_min means across the antimeridian."""
    if extent_deg is None:
        return None
    vals = _as_1d("extent_deg", extent_deg)
    if vals.size != 4:
        raise InputError(f"extent_deg must be (lon_min, lon_max, lat_min, lat_max), got {extent_deg!r}")
    lon_min, lon_max, lat_min, lat_max = (float(v) for v in vals)
    for nm, v in (("lat_min", lat_min), ("lat_max", lat_max)):
        if not -90.0 <= v <= 90.0:
            raise InputError(f"extent_deg {nm} must be within [-90, 90], got {v!r}")
    for nm, v in (("lon_min", lon_min), ("lon_max", lon_max)):
        if not -180.0 <= v <= 360.0:
            raise InputError(f"extent_deg {nm} must be within [-180, 360], got {v!r}")
    if lat_min >= lat_max:
        raise InputError(f"extent_deg needs lat_min < lat_max, got lat_min={lat_min!r}, lat_max={lat_max!r}")
    if lon_max <= lon_min:  # e.g. (170, -170): across the antimeridian
        lon_max += 360.0
    if lon_max - lon_min > 360.0:
        raise InputError(f"extent_deg spans more than 360° of longitude: {extent_deg!r}")
    return lon_min, lon_max, lat_min, lat_max


def default_resolution(extent_deg) -> str:
    """Natural Earth scale for an extent: ``"50m"`` for regional maps, ``"110m"`` for wider ones.

    The width is measured in equatorial degrees (longitude span times the cosine of the mid-latitude);
    an extent at most 60° wide or tall (e.g. Europe, the Middle East) gets 50m.

    >>> default_resolution((-12.0, 42.0, 34.0, 62.0)), default_resolution(None)
    ('50m', '110m')
    """
    ext = _check_extent(extent_deg)
    if ext is None:
        return "110m"
    lon_min, lon_max, lat_min, lat_max = ext
    width = (lon_max - lon_min) * math.cos(math.radians(0.5 * (lat_min + lat_max)))
    return "50m" if max(width, lat_max - lat_min) <= _REGIONAL_SPAN_DEG else "110m"


# ============================================================================ base map
def base_map(
    extent_deg=None,
    *,
    projection="lambert",
    resolution: str | None = None,
    ax=None,
    figsize=(8.0, 6.0),
    title: str | None = None,
    borders: bool = True,
    gridlines: bool = True,
):
    """A clean base map: sea and land fill, coastlines, land borders and labelled graticule.

    Parameters
    ----------
    extent_deg : (lon_min, lon_max, lat_min, lat_max) or None
        Region shown, deg. ``lon_max < lon_min`` means the region crosses the antimeridian, e.g.
        ``(160, -150, 40, 70)``. None shows the whole globe (not with ``projection="lambert"``).
    projection : str or cartopy.crs.Projection
        One of `PROJECTIONS`, centred on the extent: ``"lambert"`` (conformal conic with standard
        parallels at 1/6 and 5/6 of the latitude span, the usual choice for mid-latitude regions;
        Mercator if the extent straddles the equator), ``"platecarree"``, ``"orthographic"`` (the whole
        visible hemisphere, centred on the extent), ``"mercator"``, ``"robinson"`` (world maps),
        ``"azimuthal"`` (equidistant about the centre: true distances from it, good for range rings).
    resolution : {"50m", "110m"} or None
        Natural Earth scale; None picks `default_resolution` (50m for regional extents, 110m for wider).
    ax : cartopy GeoAxes or None
        Draw into this axes (its projection is kept) instead of a new figure.
    figsize : (float, float)
        Size of a new figure, inches.
    title : str or None
        Axes title.
    borders, gridlines : bool
        Draw land borders; draw the graticule with degree labels on the left and bottom.

    Returns
    -------
    (matplotlib.figure.Figure, cartopy.mpl.geoaxes.GeoAxes)

    Notes
    -----
    A new figure is a bare `matplotlib.figure.Figure` with an Agg canvas: nothing needs a display, and
    nothing is registered with pyplot. Colours: `LAND_COLOR`, `OCEAN_COLOR`, `COASTLINE_COLOR`,
    `BORDER_COLOR`. Data: Natural Earth v4.1.0 via world-atlas 2.0.2 (see the module docstring).

    Examples
    --------
    >>> fig, ax = base_map((160.0, -150.0, 40.0, 70.0), projection="platecarree", resolution="110m")
    >>> type(ax).__name__
    'GeoAxes'
    """
    extent = _check_extent(extent_deg)
    if resolution is None:
        resolution = default_resolution(extent_deg)
    if resolution not in RESOLUTIONS:
        raise InputError(
            f"resolution must be one of {', '.join(repr(r) for r in RESOLUTIONS)} (the scales shipped for "
            f"offline maps), got {resolution!r}"
        )
    if ax is None:
        crs = _projection(projection, extent)
        fig = Figure(figsize=figsize, layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot(1, 1, 1, projection=crs)
    else:
        _check_geoaxes(ax)
        fig = ax.figure
    if extent is None or isinstance(ax.projection, ccrs.Orthographic):
        ax.set_global()  # a view of the globe shows the whole visible hemisphere
    else:
        lon_min, lon_max, lat_min, lat_max = extent
        ref, rel = _centred_crs(np.array([lon_min, lon_max]))
        ax.set_extent([float(rel[0]), float(rel[1]), lat_min, lat_max], crs=ref)

    ax.set_facecolor(OCEAN_COLOR)
    land = cfeature.NaturalEarthFeature("physical", "land", resolution)
    coast = cfeature.NaturalEarthFeature("physical", "coastline", resolution)
    ax.add_feature(land, facecolor=LAND_COLOR, edgecolor="none", zorder=0.5)
    if borders:
        lines = cfeature.NaturalEarthFeature("cultural", "admin_0_boundary_lines_land", resolution)
        ax.add_feature(lines, facecolor="none", edgecolor=BORDER_COLOR, linewidth=0.5, zorder=0.8)
    ax.add_feature(coast, facecolor="none", edgecolor=COASTLINE_COLOR, linewidth=0.6, zorder=0.9)
    if gridlines:
        labelled = not isinstance(ax.projection, ccrs.Orthographic)
        gl = ax.gridlines(
            crs=ccrs.PlateCarree(),
            draw_labels=labelled,
            linewidth=0.5,
            color=_GRID_COLOR,
            alpha=0.6,
            linestyle=(0, (2, 2)),
            zorder=1.0,
            x_inline=False,
            y_inline=False,
            rotate_labels=False,
        )
        if labelled:
            gl.top_labels = False
            gl.right_labels = False
            gl.xlabel_style = {"size": 8, "color": "#333333"}
            gl.ylabel_style = {"size": 8, "color": "#333333"}
    ax.spines["geo"].set_edgecolor("#666666")
    ax.spines["geo"].set_linewidth(0.8)
    if title:
        ax.set_title(textwrap.fill(title, 80), fontsize=11)  # one long line would widen the picture
    return fig, ax


# ============================================================================ overlays
def plot_places(
    ax,
    names,
    latitudes_deg,
    longitudes_deg,
    *,
    kind=None,
    marker: str | None = None,
    color=None,
    label: bool = True,
    legend_label: str | None = None,
    fontsize: float = 8.0,
    zorder: float = 6.0,
):
    """Mark places (radars, interceptor sites, cities, launch areas, targets) with labelled markers.

    Parameters
    ----------
    ax : cartopy GeoAxes
    names : str or sequence of str
        Place names (used for the text labels).
    latitudes_deg, longitudes_deg : float or sequence of float
        Positions, deg.
    kind : str, sequence of str, or None
        One of `PLACE_KINDS` (``"radar"``, ``"interceptor"``, ``"launch"``, ``"target"``, ``"city"``,
        ``"site"``) for all places or one per place; None means ``"site"``. Each kind gets its own marker
        and colour and one legend entry.
    marker, color : optional
        Override the kind's marker and colour (for every place given).
    label : bool
        Write each name beside its marker (with a white halo; not drawn if the place is off the map).
    legend_label : str or None
        Legend text instead of the kind's (only when all places are of one kind).
    fontsize : float
        Name label size, points.
    zorder : float

    Returns
    -------
    list of matplotlib.artist.Artist
        One ``PathCollection`` per kind, then the name labels (``Annotation``).

    Examples
    --------
    >>> fig, ax = base_map((10.0, 30.0, 45.0, 58.0), resolution="110m")
    >>> arts = plot_places(ax, ["Radar", "Site"], [49.6, 54.5], [13.7, 17.0], kind=["radar", "interceptor"])
    >>> [a.get_label() for a in arts[:2]]
    ['Radar', 'Interceptor site']
    """
    _check_geoaxes(ax)
    names_list = [names] if isinstance(names, str) else [str(n) for n in names]
    lat = _as_1d("latitudes_deg", latitudes_deg, lo=-90.0, hi=90.0)
    lon = _as_1d("longitudes_deg", longitudes_deg, lo=-180.0, hi=360.0)
    n = len(names_list)
    if lat.size != n or lon.size != n:
        raise InputError(
            "names, latitudes_deg and longitudes_deg must have the same length, "
            f"got {n}, {lat.size}, {lon.size}"
        )
    kinds = ["site"] * n if kind is None else [kind] * n if isinstance(kind, str) else list(kind)
    if len(kinds) != n:
        raise InputError(f"kind must be one string or one per place ({n}), got {len(kinds)}")
    for k in kinds:
        if k not in PLACE_KINDS:
            raise InputError(f"kind must be one of {', '.join(PLACE_KINDS)}, got {k!r}")
    if legend_label is not None and len(set(kinds)) > 1:
        raise InputError(
            "legend_label needs all places of one kind: give one kind, or leave legend_label None"
        )
    geo = ccrs.PlateCarree()
    artists = []
    for k in dict.fromkeys(kinds):  # kinds in order of first appearance
        sel = np.array([kk == k for kk in kinds])
        mk, col, size, text = PLACE_KINDS[k]
        artists.append(
            ax.scatter(
                lon[sel],
                lat[sel],
                s=size,
                marker=marker or mk,
                c=[mcolors.to_rgba(color or col)],
                edgecolors="white",
                linewidths=0.7,
                transform=geo,
                zorder=zorder + (0.2 if k == "interceptor" else 0.0),  # a site is never hidden by a radar
                label=legend_label or text,
            )
        )
    anns, markers = _PLACED_LABELS.setdefault(ax, ([], []))
    markers.extend(zip(lon.tolist(), lat.tolist(), strict=True))
    if label:
        for nm, la, lo in zip(names_list, lat, lon, strict=True):
            anns.append(
                ax.annotate(
                    nm,
                    xy=(lo, la),
                    transform=geo,
                    xytext=(4.0, 3.0),
                    textcoords="offset points",
                    fontsize=fontsize,
                    color="#1a1a1a",
                    path_effects=_TEXT_HALO,
                    annotation_clip=True,
                    zorder=zorder + 0.5,
                )
            )
            artists.append(anns[-1])
    _refresh_legend(ax)
    return artists


def plot_ground_track(
    ax,
    latitude_deg,
    longitude_deg,
    *,
    label: str | None = None,
    color="#c62828",
    linewidth: float = 1.6,
    mark_ends: bool = True,
    **kw,
):
    """Draw a ground track (e.g. a missile's sub-trajectory points) as geodesic segments.

    Consecutive points are joined along geodesics (cartopy's ``Geodetic`` CRS), which also cuts the line
    correctly where it crosses the antimeridian or leaves the map. Non-finite points (samples outside the
    flight) are dropped.

    Parameters
    ----------
    ax : cartopy GeoAxes
    latitude_deg, longitude_deg : sequence of float
        Points along the track, deg, in order.
    label : str or None
        Legend entry.
    color, linewidth : line style.
    mark_ends : bool
        Mark the start with a small open circle and the end with a filled one.
    **kw
        Passed to ``Axes.plot`` (e.g. ``linestyle``, ``alpha``, ``zorder``).

    Returns
    -------
    list of matplotlib.lines.Line2D
        The track, then the end markers if drawn.

    Examples
    --------
    >>> fig, ax = base_map((150.0, -150.0, 30.0, 70.0), projection="platecarree", resolution="110m")
    >>> lines = plot_ground_track(ax, [40.0, 60.0], [170.0, -160.0], label="across 180°")
    >>> lines[0].get_label()
    'across 180°'
    """
    _check_geoaxes(ax)
    lat = np.atleast_1d(np.asarray(latitude_deg, dtype=float))
    lon = np.atleast_1d(np.asarray(longitude_deg, dtype=float))
    if lat.shape != lon.shape or lat.ndim != 1:
        raise InputError(
            "latitude_deg and longitude_deg must be 1-D of the same length, "
            f"got shapes {lat.shape}, {lon.shape}"
        )
    ok = np.isfinite(lat) & np.isfinite(lon)
    lat, lon = lat[ok], lon[ok]
    if lat.size < 2:
        raise InputError(f"a ground track needs at least 2 finite points, got {lat.size}")
    _as_1d("latitude_deg", lat, lo=-90.0, hi=90.0)
    kw.setdefault("zorder", 4.0)
    kw.setdefault("solid_capstyle", "round")
    geo = ccrs.Geodetic()
    (track,) = ax.plot(lon, lat, color=color, linewidth=linewidth, transform=geo, label=label, **kw)
    out = [track]
    if mark_ends:
        z = kw["zorder"] + 0.1
        ms = 2.2 * linewidth + 1.5
        out += ax.plot(lon[:1], lat[:1], "o", ms=ms, mfc="white", mec=color, mew=1.0, transform=geo, zorder=z)
        out += ax.plot(
            lon[-1:], lat[-1:], "o", ms=ms, mfc=color, mec="white", mew=0.6, transform=geo, zorder=z
        )
    _refresh_legend(ax)
    return out


def plot_boundary(
    ax,
    latitude_deg,
    longitude_deg,
    *,
    fill: bool = False,
    alpha: float = 0.2,
    label: str | None = None,
    color="#1f5fa8",
    linewidth: float = 1.2,
    max_step_km: float = 50.0,
    **kw,
):
    """Draw a closed boundary, such as a radar coverage limit or a reach fan, optionally filled.

    The points are taken in order and the polygon is closed back to the first point. Edges follow great
    circles (densified to ``max_step_km`` on a sphere of radius 6371 km, ample for drawing), and the
    polygon is drawn in a plate carrée frame centred on it, so it may straddle the antimeridian. A polygon
    that encloses a pole is not supported.

    Parameters
    ----------
    ax : cartopy GeoAxes
    latitude_deg, longitude_deg : sequence of float
        Vertices, deg, in order around the boundary (at least 3).
    fill : bool
        Fill the inside with ``color`` at opacity ``alpha`` (the outline stays opaque).
    alpha : float
        Fill opacity in [0, 1].
    label : str or None
        Legend entry.
    color, linewidth : outline (and fill) style.
    max_step_km : float
        Longest straight step drawn between vertices, km.
    **kw
        Passed to the patch (e.g. ``linestyle``, ``zorder``, ``hatch``).

    Returns
    -------
    matplotlib.patches.Polygon

    Examples
    --------
    >>> fig, ax = base_map((0.0, 40.0, 40.0, 60.0), resolution="110m")
    >>> patch = plot_boundary(ax, [45.0, 55.0, 50.0], [10.0, 15.0, 30.0], fill=True, label="fan")
    >>> patch.get_label()
    'fan'
    """
    _check_geoaxes(ax)
    lat = _as_1d("latitude_deg", latitude_deg, lo=-90.0, hi=90.0)
    lon = _as_1d("longitude_deg", longitude_deg, lo=-180.0, hi=360.0)
    if lat.size != lon.size or lat.size < 3:
        raise InputError(
            f"a boundary needs at least 3 vertices, one latitude per longitude, got {lat.size} and {lon.size}"
        )
    if not 0.0 <= alpha <= 1.0:
        raise InputError(f"alpha must be within [0, 1], got {alpha!r}")
    dlat, dlon = _slerp_densify(lat, lon, max_step_km, closed=True)
    dlon = _unwrap(dlon)
    ref, rel = _centred_crs(dlon)
    rel = _unwrap(rel)
    face = mcolors.to_rgba(color, alpha) if fill else "none"
    kw.setdefault("zorder", 3.0)
    patch = mpatches.Polygon(
        np.column_stack([rel, dlat]),
        closed=True,
        facecolor=face,
        edgecolor=mcolors.to_rgba(color),
        linewidth=linewidth,
        transform=ref,
        label=label,
        **kw,
    )
    ax.add_patch(patch)
    _refresh_legend(ax)
    return patch


def _grid(lat_deg_1d, lon_deg_1d, values_2d, name: str):
    """Validated (lat, relative lon, values, CRS) for a lat/lon grid, the values shaped (n_lat, n_lon)."""
    lat = _as_1d("lat_deg_1d", lat_deg_1d, lo=-90.0, hi=90.0)
    lon = _as_1d("lon_deg_1d", lon_deg_1d, lo=-180.0, hi=360.0)
    vals = np.asarray(values_2d)
    if vals.shape != (lat.size, lon.size):
        raise InputError(
            f"{name} must have shape (len(lat_deg_1d), len(lon_deg_1d)) = ({lat.size}, {lon.size}), "
            f"got {vals.shape}"
        )
    if lat.size < 2 or lon.size < 2:
        raise InputError(f"a grid needs at least 2 latitudes and 2 longitudes, got {lat.size} and {lon.size}")
    lon_c = _unwrap(lon)
    lat_monotonic = np.all(np.diff(lat) > 0.0) or np.all(np.diff(lat) < 0.0)
    if not (lat_monotonic and np.all(np.diff(lon_c) > 0.0)):
        raise InputError("lat_deg_1d must be monotonic and lon_deg_1d increasing (eastward), as in a grid")
    ref, rel = _centred_crs(lon_c)
    rel = _unwrap(rel)
    return lat, rel, vals, ref


def _to_cell_edges(lat, rel, vals):
    """A grid of cell centres widened by half a step on every side, the edge rows and columns repeated
    there (latitudes kept within [-90, 90]), so that filled contours cover the whole outer cells."""
    lat_out = np.r_[lat[0] - (lat[1] - lat[0]) / 2, lat, lat[-1] + (lat[-1] - lat[-2]) / 2].clip(-90.0, 90.0)
    rel_out = np.r_[rel[0] - (rel[1] - rel[0]) / 2, rel, rel[-1] + (rel[-1] - rel[-2]) / 2]
    padded = np.ma.concatenate([vals[:1], vals, vals[-1:]], axis=0)
    padded = np.ma.concatenate([padded[:, :1], padded, padded[:, -1:]], axis=1)
    return lat_out, rel_out, padded


def plot_field(
    ax,
    lat_deg_1d,
    lon_deg_1d,
    values_2d,
    *,
    levels=None,
    cmap="viridis",
    alpha: float = 0.65,
    colorbar_label: str | None = None,
    extend: str = "neither",
    zorder: float = 2.0,
    cells: bool = False,
):
    """Filled contours of a field on a latitude/longitude grid; NaN cells are left transparent.

    Parameters
    ----------
    ax : cartopy GeoAxes
    lat_deg_1d, lon_deg_1d : sequence of float
        Grid latitudes (monotonic) and longitudes (increasing eastward; may run past 180, e.g. 170 to
        190, or be given wrapped), deg.
    values_2d : array, shape (len(lat_deg_1d), len(lon_deg_1d))
        The field (e.g. warning time in s, required speed in km/s). NaN = no value (not drawn).
    levels : int, sequence or None
        Contour levels (as for ``contourf``); None lets matplotlib choose.
    cmap : str or Colormap
    alpha : float
        Opacity of the fill in [0, 1]. ``contourf`` draws non-overlapping polygons, so a translucent fill
        has no seams (unlike ``pcolormesh`` with alpha).
    colorbar_label : str or None
        If given, add a colour bar with this label (with units, e.g. ``"warning time (s)"``).
    extend : {"neither", "both", "min", "max"}
    zorder : float
    cells : bool
        The values are cells centred on the grid points (as `shieldcheck.siting` maps are): the fill
        reaches the outer cells' edges, half a step beyond the outer points (the edge values repeated
        there), instead of stopping at the outer cells' centres. Default: the values are samples at the
        points, and the fill covers exactly the points' hull.

    Returns
    -------
    matplotlib.contour.QuadContourSet
        With ``.colorbar`` set when a colour bar was added.

    Examples
    --------
    >>> fig, ax = base_map((0.0, 30.0, 40.0, 60.0), resolution="110m")
    >>> lat, lon = np.linspace(42, 58, 9), np.linspace(2, 28, 14)
    >>> cs = plot_field(ax, lat, lon, np.add.outer(lat, lon), colorbar_label="sum (deg)")
    >>> cs.colorbar is not None
    True
    """
    _check_geoaxes(ax)
    lat, rel, vals, ref = _grid(lat_deg_1d, lon_deg_1d, values_2d, "values_2d")
    vals = np.ma.masked_invalid(np.asarray(vals, dtype=float))
    if vals.mask.all():
        raise InputError("values_2d has no finite value: nothing to draw")
    if not 0.0 <= alpha <= 1.0:
        raise InputError(f"alpha must be within [0, 1], got {alpha!r}")
    if cells:
        lat, rel, vals = _to_cell_edges(lat, rel, vals)
    cs = ax.contourf(
        rel, lat, vals, levels=levels, cmap=cmap, alpha=alpha, extend=extend, transform=ref, zorder=zorder
    )
    if colorbar_label is not None:
        cbar = ax.figure.colorbar(cs, ax=ax, shrink=0.8, pad=0.02, aspect=30)
        cbar.set_label(colorbar_label, fontsize=9)
        cbar.ax.tick_params(labelsize=8)
        if cbar.solids is not None:
            cbar.solids.set_alpha(1.0)  # the bar shows the colours at full strength, like a key
    return cs


NOT_COMPUTED_COLOR = "#9e9e9e"
"""Hatch colour of map areas outside a computed grid."""


def plot_not_computed(ax, extent_deg, *, label: str = "not computed (outside the grid)") -> bool:
    """Hatch the part of the drawn map that lies outside a computed grid, with a legend entry.

    A lat/lon box drawn in a conic or other projection fills a larger rectangle on the page; this marks
    what lies outside the box so that an empty area is never mistaken for a computed "no".

    Parameters
    ----------
    ax : cartopy GeoAxes
    extent_deg : (lon_min, lon_max, lat_min, lat_max)
        The grid's bounds, deg (longitudes may run past 180, as in `base_map`).
    label : str
        Legend entry.

    Returns
    -------
    bool
        True if some of the map lies outside the grid (and was hatched).

    Examples
    --------
    >>> fig, ax = base_map((0.0, 40.0, 40.0, 60.0), projection="lambert", resolution="110m")
    >>> plot_not_computed(ax, (0.0, 40.0, 40.0, 60.0))
    True
    """
    import shapely

    _check_geoaxes(ax)
    ext = _check_extent(extent_deg)
    if ext is None:
        return False
    lo, hi, lat_lo, lat_hi = ext
    if hi - lo >= 359.9 and lat_lo <= -89.0 and lat_hi >= 89.0:
        return False
    ref, rel = _centred_crs(np.array([lo, hi]))
    rel_lo, rel_hi = float(rel[0]), float(rel[0]) + (hi - lo)
    try:
        x0, x1, y0, y1 = ax.get_extent(crs=ref)
    except Exception:  # noqa: BLE001 - an extent cartopy cannot invert: hatch nothing rather than fail
        return False
    outer = shapely.box(max(x0, -180.0), max(y0, -90.0), min(x1, 180.0), min(y1, 90.0))
    inner = shapely.box(rel_lo, lat_lo, rel_hi, lat_hi)
    rest = shapely.segmentize(outer.difference(inner), 0.5)
    if rest.is_empty or rest.area < 1e-3 * max(outer.area, 1e-9):
        return False
    ax.add_geometries(
        [rest],
        crs=ref,
        facecolor=mcolors.to_rgba("#ffffff", 0.55),
        edgecolor=NOT_COMPUTED_COLOR,
        hatch="///",
        linewidth=0.0,
        zorder=2.4,
    )
    _add_proxy(
        ax,
        mpatches.Patch(
            facecolor=mcolors.to_rgba("#ffffff", 0.55), edgecolor=NOT_COMPUTED_COLOR, hatch="///", label=label
        ),
    )
    _refresh_legend(ax)
    return True


def plot_mask(
    ax,
    lat_deg_1d,
    lon_deg_1d,
    mask_2d,
    *,
    color="#2e7d32",
    alpha: float = 0.35,
    label: str | None = None,
    outline: bool = True,
    zorder: float = 2.5,
):
    """Shade the grid cells where a boolean mask is True (e.g. "defended"), with an optional outline.

    The shading is the filled contour at 0.5 of the mask (so its edge runs half-way between a True and a
    False grid point) in one colour.

    Parameters
    ----------
    ax : cartopy GeoAxes
    lat_deg_1d, lon_deg_1d : sequence of float
        Grid, deg (as in `plot_field`).
    mask_2d : array of bool, shape (len(lat_deg_1d), len(lon_deg_1d))
    color : colour of the shading and outline.
    alpha : float
        Opacity of the shading in [0, 1].
    label : str or None
        Legend entry (a patch of the shading colour).
    outline : bool
        Draw the edge of the shaded region as a thin line.
    zorder : float

    Returns
    -------
    matplotlib.contour.QuadContourSet or None
        The shading; None if no cell is True.

    Examples
    --------
    >>> fig, ax = base_map((0.0, 30.0, 40.0, 60.0), resolution="110m")
    >>> lat, lon = np.linspace(42, 58, 9), np.linspace(2, 28, 14)
    >>> cs = plot_mask(ax, lat, lon, np.add.outer(lat, lon) > 60.0, label="defended")
    >>> cs is not None
    True
    """
    _check_geoaxes(ax)
    lat, rel, mask, ref = _grid(lat_deg_1d, lon_deg_1d, mask_2d, "mask_2d")
    mask = np.asarray(mask, dtype=bool)
    if not 0.0 <= alpha <= 1.0:
        raise InputError(f"alpha must be within [0, 1], got {alpha!r}")
    if not mask.any():
        return None
    z = mask.astype(float)
    cs = ax.contourf(
        rel, lat, z, levels=[0.5, 1.5], colors=[color], alpha=alpha, transform=ref, zorder=zorder
    )
    if outline and not mask.all():
        ax.contour(
            rel, lat, z, levels=[0.5], colors=[color], linewidths=0.9, transform=ref, zorder=zorder + 0.1
        )
    if label:
        _add_proxy(ax, mpatches.Patch(facecolor=mcolors.to_rgba(color, alpha), edgecolor=color, label=label))
        _refresh_legend(ax)
    return cs


# ============================================================================ radar coverage
radar_coverage_boundary = coverage_boundary
"""Alias of `shieldcheck.sensors.coverage_boundary` (the coverage limit belongs to the physics layer)."""


# ============================================================================ output
def _close(fig) -> None:
    """Release a figure: unregister it from pyplot if pyplot manages it, and clear it."""
    manager = getattr(fig.canvas, "manager", None)
    if manager is not None:
        import matplotlib.pyplot as plt  # only for figures pyplot already manages

        plt.close(fig)
    fig.clear()


def save_png(fig, path, dpi: float = 200.0) -> Path:
    """Write a figure to a PNG file (tight bounding box, white background) and close it.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    path : str or os.PathLike
        Output file; its folder must exist.
    dpi : float
        Resolution, dots per inch (200 suits print; 100 the screen).

    Returns
    -------
    pathlib.Path
        The path written.
    """
    out = Path(path)
    if not out.parent.is_dir():
        raise InputError(f"path must be in an existing folder, got {str(path)!r}: create {str(out.parent)!r}")
    fig.set_dpi(dpi)
    _place_labels(fig)  # as fig_to_png_bytes does: labels were left where drawn, overflowing their panel
    fig.savefig(out, dpi=dpi, format="png", bbox_inches="tight", facecolor="white")
    _close(fig)
    return out


def fig_to_png_bytes(fig, dpi: float = 150.0) -> bytes:
    """A figure as PNG bytes (tight bounding box, white background); the figure is closed.

    Examples
    --------
    >>> fig, _ = base_map(None, projection="robinson")
    >>> fig_to_png_bytes(fig, dpi=40)[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'
    """
    buf = io.BytesIO()
    fig.set_dpi(dpi)
    _place_labels(fig)
    fig.savefig(buf, dpi=dpi, format="png", bbox_inches="tight", facecolor="white")
    _close(fig)
    return buf.getvalue()
