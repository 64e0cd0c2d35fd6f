"""Rebuild the offline map data shipped in ``src/shieldcheck/report/mapdata``.

shieldcheck draws maps with cartopy, which downloads Natural Earth shapefiles on first use and fails
offline. This script builds the few layers the maps need, in Natural Earth's own file layout, so that
cartopy finds them through ``cartopy.config["pre_existing_data_dir"]``:

    shapefiles/natural_earth/physical/ne_{110m,50m}_land.shp                      land polygons
    shapefiles/natural_earth/physical/ne_{110m,50m}_coastline.shp                 coastlines (lines)
    shapefiles/natural_earth/cultural/ne_{110m,50m}_admin_0_boundary_lines_land.shp   land borders

Source: the npm package ``world-atlas`` (ISC licence; TopoJSON of Natural Earth, which is in the public
domain), version `WORLD_ATLAS_VERSION`, fetched with ``npm pack`` and checked against the registry's
sha512 integrity string. Only npm is used (to fetch the tarball); everything else is plain Python with
numpy, shapely and pyshp (the ``[maps]`` extra).

Steps
-----
1. Decode the TopoJSON: arcs of delta-encoded quantized positions, mapped to degrees by the topology's
   ``transform`` (TopoJSON specification 1.0, M. Bostock, 2013, sections 2.1.2 and 2.2).
2. Assemble each polygon's rings from its arcs (a negative index ``~i`` means arc ``i`` reversed, and
   consecutive arcs share their joining point).
3. Fix the antimeridian. world-atlas stores geometry "stitched" for a spherical renderer: a ring that
   crosses ±180° simply jumps from 179.9° to -180°, and Antarctica is a ring that winds once around the
   pole. Each ring is unwrapped (longitude made continuous), a ring that winds around a pole is closed
   through that pole, and every polygon is clipped to the 360°-wide strips [-180 + 360k, 180 + 360k]
   and shifted back, so that every output polygon and line lies within [-180, 180] with no segment
   longer than 180° in longitude.
4. Coastlines are the rings of the fixed land polygons minus the artificial edges (along ±180° and at
   the pole). Land borders are the arcs of ``countries`` shared by two different countries, merged into
   lines per pair of countries.
5. Write shapefiles with pyshp (exterior rings clockwise, holes counter-clockwise, as the format
   requires), a WGS84 ``.prj``, a ``.cpg``, and a fixed ``.dbf`` header date so that the bytes do not
   depend on the day of the build. The output is deterministic: running the script twice gives
   identical files (``SHA256SUMS`` lists them).

Usage::

    python tools/build_mapdata.py                      # npm pack world-atlas@2.0.2 into a temp dir
    python tools/build_mapdata.py --tarball world-atlas-2.0.2.tgz   # from a tarball already fetched
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np
import shapefile  # pyshp
import shapely
import shapely.affinity
from shapely.geometry import LineString, MultiLineString, Polygon, box
from shapely.geometry.polygon import orient

WORLD_ATLAS_VERSION = "2.0.2"
"""The world-atlas release the shipped data was built from."""
WORLD_ATLAS_INTEGRITY = (
    "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ=="
)
"""The npm registry's ``dist.integrity`` of world-atlas-2.0.2.tgz (``npm view world-atlas@2.0.2``)."""
RESOLUTIONS = ("110m", "50m")
DBF_DATE = (100, 1, 1)
"""Fixed .dbf header date (years since 1900, month, day) = 2000-01-01, for reproducible bytes."""
POLE_STEP_DEG = 5.0
"""Vertex spacing of the edge added along a pole to close a ring that winds around it."""
EDGE_TOL_DEG = 1e-9
"""A coordinate this close to ±180° longitude lies on the cut made at the antimeridian."""
POLE_LAT_DEG = 89.9
"""Rings and edges entirely poleward of this latitude are artefacts of the spherical stitching."""

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "src" / "shieldcheck" / "report" / "mapdata"

WGS84_PRJ = (
    'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],'
    'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]'
)


# ------------------------------------------------------------------------------------------- fetching
def fetch_tarball(dest: Path) -> Path:
    """Fetch world-atlas with ``npm pack`` into ``dest`` and return the tarball's path."""
    cmd = ["npm", "pack", f"world-atlas@{WORLD_ATLAS_VERSION}", "--pack-destination", str(dest), "--silent"]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    path = dest / f"world-atlas-{WORLD_ATLAS_VERSION}.tgz"
    if not path.exists():
        raise SystemExit(f"npm pack did not produce {path}")
    return path


def check_integrity(tarball: Path) -> None:
    """Stop unless the tarball's sha512 matches the registry's integrity string."""
    digest = base64.b64encode(hashlib.sha512(tarball.read_bytes()).digest()).decode()
    if f"sha512-{digest}" != WORLD_ATLAS_INTEGRITY:
        raise SystemExit(
            f"{tarball} is not world-atlas {WORLD_ATLAS_VERSION}: sha512-{digest} != {WORLD_ATLAS_INTEGRITY}"
        )


def read_package(tarball: Path) -> dict[str, bytes]:
    """The files of the npm tarball (``package/`` prefix removed), by name."""
    out = {}
    with tarfile.open(tarball, "r:gz") as tar:
        for member in tar.getmembers():
            if member.isfile():
                name = member.name.split("/", 1)[1]
                out[name] = tar.extractfile(member).read()
    return out


# ------------------------------------------------------------------------------------------- TopoJSON
def decode_arcs(topology: dict) -> list[np.ndarray]:
    """Arcs of a topology as ``(n, 2)`` arrays of (longitude, latitude) in degrees.

    A quantized topology stores each arc's first position as integers and the others as differences from
    the previous one; a position maps to degrees by ``x * scale + translate`` (TopoJSON 1.0, 2.1.2).
    """
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        a = np.asarray(arc, dtype=float)[:, :2]
        if transform is not None:
            a = np.cumsum(a, axis=0) * np.asarray(transform["scale"]) + np.asarray(transform["translate"])
        # round-off in scale * n can land a hair outside the globe (180.00000000000006)
        arcs.append(np.column_stack([np.clip(a[:, 0], -180.0, 180.0), np.clip(a[:, 1], -90.0, 90.0)]))
    return arcs


def ring_coords(arcs: list[np.ndarray], indices: list[int]) -> np.ndarray:
    """A ring's positions from its arc indices (``~i`` is arc ``i`` reversed; joins not repeated)."""
    parts = []
    for k, i in enumerate(indices):
        a = arcs[i] if i >= 0 else arcs[~i][::-1]
        parts.append(a if k == 0 else a[1:])
    return np.concatenate(parts)


def geometry_polygons(geometry: dict) -> list[list[list[int]]]:
    """The polygons (each a list of rings of arc indices) of a Polygon or MultiPolygon geometry."""
    kind = geometry.get("type")
    if kind == "Polygon":
        return [geometry["arcs"]]
    if kind == "MultiPolygon":
        return list(geometry["arcs"])
    if kind == "GeometryCollection":
        return [p for g in geometry["geometries"] for p in geometry_polygons(g)]
    return []


def geometry_arc_ids(geometry: dict) -> set[int]:
    """Indices (non-negative) of all arcs a geometry uses."""
    return {i if i >= 0 else ~i for poly in geometry_polygons(geometry) for ring in poly for i in ring}


# ------------------------------------------------------------------------------------------- antimeridian
def unwrap_lon(lon: np.ndarray) -> np.ndarray:
    """Longitudes made continuous: each step is taken as the shorter way round (|step| <= 180)."""
    step = np.mod(np.diff(lon) + 180.0, 360.0) - 180.0
    return np.concatenate([[lon[0]], lon[0] + np.cumsum(step)])


def _polygons_of(geom) -> list[Polygon]:
    """The non-empty polygons inside any shapely geometry."""
    if geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom] if geom.area > 0.0 else []
    if hasattr(geom, "geoms"):
        return [p for g in geom.geoms for p in _polygons_of(g)]
    return []


def fix_polygon(rings: list[np.ndarray]) -> list[Polygon]:
    """One stitched TopoJSON polygon as valid shapely polygons within [-180, 180] degrees.

    The exterior ring is unwrapped; if it winds once around a pole (Antarctica) it is closed through
    that pole; holes are unwrapped and moved by whole turns next to the exterior; rings lying entirely
    at the pole are dropped. The polygon is then cut into 360°-wide strips and each piece shifted back.
    """
    shell = rings[0].copy()
    shell[:, 0] = unwrap_lon(shell[:, 0])
    turns = round((shell[-1, 0] - shell[0, 0]) / 360.0)
    if turns != 0:
        pole = -90.0 if np.mean(shell[:, 1]) < 0.0 else 90.0
        # along the pole in 5° steps, so that polar projections have vertices to bend
        n = int(np.ceil(abs(shell[-1, 0] - shell[0, 0]) / POLE_STEP_DEG)) + 1
        lons = np.linspace(shell[-1, 0], shell[0, 0], n)
        shell = np.vstack([shell, np.column_stack([lons, np.full(n, pole)])])
    mid = 0.5 * (shell[:, 0].min() + shell[:, 0].max())
    holes = []
    for ring in rings[1:]:
        if np.all(np.abs(ring[:, 1]) >= POLE_LAT_DEG):
            continue
        h = ring.copy()
        h[:, 0] = unwrap_lon(h[:, 0])
        h[:, 0] -= 360.0 * round((0.5 * (h[:, 0].min() + h[:, 0].max()) - mid) / 360.0)
        holes.append(h)
    poly = Polygon(shell, holes)
    if not poly.is_valid:
        poly = shapely.make_valid(poly)
    lo, hi = shell[:, 0].min(), shell[:, 0].max()
    if lo >= -180.0 - EDGE_TOL_DEG and hi <= 180.0 + EDGE_TOL_DEG:
        pieces = _polygons_of(poly)
    else:
        pieces = []
        for k in range(int(np.floor((lo + 180.0) / 360.0)), int(np.floor((hi + 180.0) / 360.0)) + 1):
            piece = poly.intersection(box(-180.0 + 360.0 * k, -90.0, 180.0 + 360.0 * k, 90.0))
            pieces.extend(shapely.affinity.translate(p, xoff=-360.0 * k) for p in _polygons_of(piece))
    # shifting by 360 leaves round-off such as 180.00000000000006: snap onto the globe
    return [shapely.transform(p, _clip_to_globe) for p in pieces]


def _clip_to_globe(xy: np.ndarray) -> np.ndarray:
    return np.column_stack([np.clip(xy[:, 0], -180.0, 180.0), np.clip(xy[:, 1], -90.0, 90.0)])


def split_antimeridian(coords: np.ndarray) -> list[np.ndarray]:
    """Split a line at every segment with |Δlon| > 180°, ending and starting the pieces at ±180°.

    The crossing latitude is interpolated linearly in (unwrapped) longitude. Pieces shorter than two
    distinct points are dropped.
    """
    pieces, current = [], [coords[0]]
    for p, q in zip(coords[:-1], coords[1:], strict=True):
        d = q[0] - p[0]
        if abs(d) > 180.0:
            edge = 180.0 if d < 0.0 else -180.0  # p's side of the cut
            q_unwrapped = q[0] + (360.0 if d < 0.0 else -360.0)
            t = (edge - p[0]) / (q_unwrapped - p[0]) if q_unwrapped != p[0] else 0.0
            lat = p[1] + t * (q[1] - p[1])
            current.append(np.array([edge, lat]))
            pieces.append(np.array(current))
            current = [np.array([-edge, lat])]
        current.append(q)
    pieces.append(np.array(current))
    out = []
    for piece in pieces:
        keep = np.concatenate([[True], np.any(np.diff(piece, axis=0) != 0.0, axis=1)])
        piece = piece[keep]
        if len(piece) >= 2:
            out.append(piece)
    return out


def _artificial(p: np.ndarray, q: np.ndarray) -> bool:
    """Whether the segment p→q is an edge made by cutting at ±180° or closing at a pole."""
    on_cut = abs(abs(p[0]) - 180.0) <= EDGE_TOL_DEG and abs(abs(q[0]) - 180.0) <= EDGE_TOL_DEG
    at_pole = abs(p[1]) >= POLE_LAT_DEG and abs(q[1]) >= POLE_LAT_DEG
    return on_cut or at_pole


def ring_to_lines(ring: np.ndarray) -> list[np.ndarray]:
    """The real coastline pieces of a closed ring (artificial edges removed)."""
    n = len(ring) - 1  # ring[-1] == ring[0]
    fake = [_artificial(ring[i], ring[i + 1]) for i in range(n)]
    if not any(fake):
        return [ring]
    start = (fake.index(True) + 1) % n  # begin just after an artificial edge
    order = [(start + j) % n for j in range(n)]
    lines, current = [], []
    for i in order:
        if fake[i]:
            if len(current) >= 2:
                lines.append(np.array(current))
            current = []
            continue
        if not current:
            current.append(ring[i])
        current.append(ring[i + 1])
    if len(current) >= 2:
        lines.append(np.array(current))
    return [piece for line in lines for piece in split_antimeridian(line)]


# ------------------------------------------------------------------------------------------- layers
def land_polygons(topology: dict) -> list[Polygon]:
    """The land polygons of a world-atlas ``land-*.json`` topology, fixed and oriented."""
    arcs = decode_arcs(topology)
    out = []
    for rings in geometry_polygons(topology["objects"]["land"]):
        coords = [ring_coords(arcs, r) for r in rings]
        out.extend(orient(p, sign=-1.0) for p in fix_polygon(coords))
    return out


def coastlines(polygons: list[Polygon]) -> list[np.ndarray]:
    """Coastline lines: every ring of the land polygons without its artificial edges."""
    lines = []
    for poly in polygons:
        for ring in [poly.exterior, *poly.interiors]:
            lines.extend(ring_to_lines(np.asarray(ring.coords)))
    return lines


def land_borders(topology: dict) -> list[tuple[np.ndarray, str, str]]:
    """Land borders between countries: arcs shared by two different country geometries.

    Returns ``(coords, country_a, country_b)`` with the names in alphabetical order, one entry per merged
    line, sorted by the pair of names.
    """
    arcs = decode_arcs(topology)
    countries = topology["objects"]["countries"]["geometries"]
    users: dict[int, list[int]] = {}
    for gi, geometry in enumerate(countries):
        for a in sorted(geometry_arc_ids(geometry)):
            users.setdefault(a, []).append(gi)

    def name(gi: int) -> str:
        props = countries[gi].get("properties") or {}
        return str(props.get("name") or countries[gi].get("id") or f"#{gi}")

    groups: dict[tuple[str, str], list[np.ndarray]] = {}
    for a in sorted(users):
        if len(users[a]) < 2:
            continue  # coast: used by one country only
        pair = tuple(sorted({name(gi) for gi in users[a][:2]}))
        if len(pair) < 2:
            continue
        for piece in split_antimeridian(arcs[a]):
            for line in ring_to_lines_open(piece):
                groups.setdefault(pair, []).append(line)
    out = []
    for pair in sorted(groups):
        merged = shapely.line_merge(MultiLineString([LineString(c) for c in groups[pair]]))
        geoms = merged.geoms if hasattr(merged, "geoms") else [merged]
        out.extend((np.asarray(g.coords), pair[0], pair[1]) for g in geoms)
    return out


def ring_to_lines_open(line: np.ndarray) -> list[np.ndarray]:
    """An open line without artificial edges (segments along ±180° or at a pole)."""
    lines, current = [], [line[0]]
    for p, q in zip(line[:-1], line[1:], strict=True):
        if _artificial(p, q):
            if len(current) >= 2:
                lines.append(np.array(current))
            current = [q]
        else:
            current.append(q)
    if len(current) >= 2:
        lines.append(np.array(current))
    return lines


# ------------------------------------------------------------------------------------------- writing
def _finish(path: Path) -> None:
    """Write the .prj and .cpg sidecars and fix the .dbf header date."""
    path.with_suffix(".prj").write_text(WGS84_PRJ)
    path.with_suffix(".cpg").write_text("UTF-8")
    dbf = path.with_suffix(".dbf")
    raw = bytearray(dbf.read_bytes())
    raw[1:4] = bytes(DBF_DATE)
    dbf.write_bytes(bytes(raw))


def write_polygons(path: Path, polygons: list[Polygon], featurecla: str) -> None:
    """A polygon shapefile, one record per polygon (exterior clockwise, holes counter-clockwise)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with shapefile.Writer(str(path.with_suffix("")), shapeType=shapefile.POLYGON, encoding="utf-8") as w:
        w.field("featurecla", "C", size=32)
        w.field("scalerank", "N", size=4, decimal=0)
        for poly in polygons:
            parts = [np.asarray(poly.exterior.coords).tolist()]
            parts += [np.asarray(r.coords).tolist() for r in poly.interiors]
            w.poly(parts)
            w.record(featurecla, 0)
    _finish(path)


def write_lines(path: Path, lines: list[np.ndarray], records: list[tuple], fields: list[tuple]) -> None:
    """A polyline shapefile, one record per line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with shapefile.Writer(str(path.with_suffix("")), shapeType=shapefile.POLYLINE, encoding="utf-8") as w:
        for f in fields:
            w.field(*f)
        for coords, rec in zip(lines, records, strict=True):
            w.line([np.asarray(coords).tolist()])
            w.record(*rec)
    _finish(path)


def readme(sizes: dict[str, int], counts: dict[str, tuple[int, int]]) -> str:
    """The mapdata README: provenance, licence, rebuild command and the file list."""
    rows = "\n".join(
        f"| `{name}` | {counts[name][0]} | {counts[name][1]} | {sizes[name] / 1024:.0f} KiB |"
        for name in counts
    )
    total = sum(sizes.values())
    return f"""# Offline map data

Natural-Earth-layout shapefiles that `shieldcheck.report.maps` hands to cartopy through
`cartopy.config["pre_existing_data_dir"]`, so that maps draw with no network.

## Provenance and licence
- Geometry: [Natural Earth](https://www.naturalearthdata.com/) 1:110m and 1:50m (v4.1 as packaged by
  world-atlas), **public domain** ("No permission is needed to use Natural Earth").
- Conversion source: the npm package **world-atlas {WORLD_ATLAS_VERSION}** (TopoJSON by Mike Bostock;
  **ISC licence**, copied in `LICENSE.world-atlas.txt`), files `land-110m.json`, `land-50m.json`,
  `countries-110m.json`, `countries-50m.json`. Tarball integrity: `{WORLD_ATLAS_INTEGRITY}`.
- Built by `tools/build_mapdata.py` (decodes the TopoJSON, fixes the antimeridian, derives coastlines from
  the land rings and land borders from the arcs two countries share, writes shapefiles with pyshp).

Differences from the original Natural Earth files: coastlines are the rings of the land polygons (no
separate coastline simplification; lakes appear only where they are holes in the land, like the Caspian
Sea), borders
are land borders between world-atlas's countries (disputed lines as drawn there), and the attribute
tables are minimal (`featurecla`, `scalerank`; borders also `adm0_a`, `adm0_b`). Only 110m and 50m are
shipped; 10m is not.

## Rebuild
```
python tools/build_mapdata.py            # needs npm (registry) once; output is byte-for-byte reproducible
```
`SHA256SUMS` lists the files; a rebuild must reproduce it.

## Files ({total / 1024 / 1024:.2f} MiB of shapefiles)
| layer | records | points | size (.shp + .shx + .dbf) |
|---|---|---|---|
{rows}
"""


def build(out: Path, files: dict[str, bytes]) -> None:
    """Write every layer for both resolutions into ``out``."""
    root = out / "shapefiles" / "natural_earth"
    if root.exists():
        shutil.rmtree(root)
    sizes: dict[str, int] = {}
    counts: dict[str, tuple[int, int]] = {}

    def note(path: Path, n_records: int, n_points: int) -> None:
        name = str(path.relative_to(out))
        sizes[name] = sum(path.with_suffix(s).stat().st_size for s in (".shp", ".shx", ".dbf"))
        counts[name] = (n_records, n_points)

    for res in RESOLUTIONS:
        land = land_polygons(json.loads(files[f"land-{res}.json"]))
        path = root / "physical" / f"ne_{res}_land.shp"
        write_polygons(path, land, "Land")
        n_pts = sum(len(p.exterior.coords) + sum(len(r.coords) for r in p.interiors) for p in land)
        note(path, len(land), n_pts)

        coast = coastlines(land)
        path = root / "physical" / f"ne_{res}_coastline.shp"
        write_lines(
            path,
            coast,
            [("Coastline", 0)] * len(coast),
            [("featurecla", "C", 32), ("scalerank", "N", 4, 0)],
        )
        note(path, len(coast), sum(len(c) for c in coast))

        borders = land_borders(json.loads(files[f"countries-{res}.json"]))
        path = root / "cultural" / f"ne_{res}_admin_0_boundary_lines_land.shp"
        write_lines(
            path,
            [b[0] for b in borders],
            [("International boundary (verify)", 0, b[1], b[2]) for b in borders],
            [("featurecla", "C", 40), ("scalerank", "N", 4, 0), ("adm0_a", "C", 64), ("adm0_b", "C", 64)],
        )
        note(path, len(borders), sum(len(b[0]) for b in borders))

    (out / "LICENSE.world-atlas.txt").write_bytes(files["LICENSE"])
    (out / "README.md").write_text(readme(sizes, counts))
    sums = []
    for path in sorted(p for p in out.rglob("*") if p.is_file() and p.name != "SHA256SUMS"):
        sums.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.relative_to(out).as_posix()}")
    (out / "SHA256SUMS").write_text("\n".join(sums) + "\n")
    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"wrote {len(sums)} files, {total / 1024 / 1024:.2f} MiB, to {out}")
    for name, (n_rec, n_pts) in counts.items():
        print(f"  {name}: {n_rec} records, {n_pts} points, {sizes[name] / 1024:.0f} KiB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tarball", type=Path, help=f"world-atlas-{WORLD_ATLAS_VERSION}.tgz already fetched")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: %(default)s)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tarball = args.tarball or fetch_tarball(Path(tmp))
        check_integrity(tarball)
        files = read_package(tarball)
    build(args.out, files)
    return 0


if __name__ == "__main__":
    sys.exit(main())
