"""Rebuild the offline assets of the web app shipped in ``src/shieldcheck/web/static/vendor``.

``shieldcheck serve`` must work with no network: every JavaScript/CSS library and every map layer ships
inside the package. This script makes those files reproducibly:

1. **Leaflet** (BSD-2-Clause), version `LEAFLET_VERSION`, fetched with ``npm pack`` into a temporary
   folder, its tarball checked against the pinned SHA-256 and the registry's sha512 integrity string;
   ``dist/leaflet.js``, ``dist/leaflet.css``, ``dist/images/*`` and ``LICENSE`` are copied to
   ``vendor/leaflet/``.
2. **axe-core** (MPL-2.0), version `AXE_VERSION`, for the accessibility test only: ``axe.min.js`` and its
   licences go to ``tests/vendor/axe-core/`` (not into the package).
3. **Map layers**: land polygons, coastlines and land borders as GeoJSON (``vendor/mapdata/*.geojson``),
   read from the Natural Earth 1:50m shapefiles already shipped in ``src/shieldcheck/report/mapdata``
   (built by ``tools/build_mapdata.py`` from world-atlas, ISC; Natural Earth is public domain),
   simplified with shapely (Douglas-Peucker, `SIMPLIFY_DEG`) and rounded to `DECIMALS` decimals, a few
   hundred KB in all.

``SHA256SUMS`` beside the output lists every file written; running the script twice gives identical bytes.
Only npm is used (to fetch the tarballs); nothing is fetched at run time.

Usage::

    python tools/build_webassets.py                     # npm pack into a temp dir
    python tools/build_webassets.py --tarballs DIR      # from leaflet-1.9.4.tgz / axe-core-4.14.1.tgz in DIR
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VENDOR = REPO / "src" / "shieldcheck" / "web" / "static" / "vendor"
AXE_DIR = REPO / "tests" / "vendor" / "axe-core"
SHAPEFILES = REPO / "src" / "shieldcheck" / "report" / "mapdata" / "shapefiles" / "natural_earth"

LEAFLET_VERSION = "1.9.4"
AXE_VERSION = "4.14.1"
PACKAGES = {
    # name: (version, sha256 of the npm tarball, registry dist.integrity)
    "leaflet": (
        LEAFLET_VERSION,
        "84c65a256e50657896f54c33bd857b6849ebe94c817803be818bf32a3dde0b77",
        "sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA==",
    ),
    "axe-core": (
        AXE_VERSION,
        "e6b0ce02b84d892e2e33e403485e7f3d6c29e2be6df65daf44d89ba564139745",
        "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==",
    ),
}
SIMPLIFY_DEG = 0.12
"""Douglas-Peucker tolerance for the map layers, degrees (about 13 km; the app draws whole continents)."""
DECIMALS = 2
"""Decimals kept in the GeoJSON coordinates (0.01° is about 1 km)."""
LAYERS = {
    "land": "physical/ne_50m_land.shp",
    "coastline": "physical/ne_50m_coastline.shp",
    "borders": "cultural/ne_50m_admin_0_boundary_lines_land.shp",
}


def fetch(name: str, dest: Path, tarballs: Path | None) -> Path:
    """The checked npm tarball of ``name`` (``npm pack`` into ``dest`` unless ``tarballs`` has it)."""
    version, sha256, integrity = PACKAGES[name]
    fname = f"{name}-{version}.tgz"
    if tarballs is not None:
        path = tarballs / fname
    else:
        cmd = ["npm", "pack", f"{name}@{version}", "--pack-destination", str(dest), "--silent"]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        path = dest / fname
    data = path.read_bytes()
    got = hashlib.sha256(data).hexdigest()
    if got != sha256:
        raise SystemExit(f"{path}: sha256 {got} is not the pinned {sha256}")
    got512 = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    if got512 != integrity:
        raise SystemExit(f"{path}: {got512} is not the registry's integrity {integrity}")
    return path


def extract(tarball: Path, members: dict[str, Path]) -> None:
    """Copy the tarball's ``package/<name>`` members to the given paths."""
    with tarfile.open(tarball, "r:gz") as tar:
        for name, out in members.items():
            f = tar.extractfile(f"package/{name}")
            if f is None:
                raise SystemExit(f"{tarball} has no {name}")
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(f.read())


def _round(coords):
    if isinstance(coords, (int, float)):
        return round(float(coords), DECIMALS)
    return [_round(c) for c in coords]


def build_layer(shp: Path) -> dict:
    """One shapefile as a simplified GeoJSON FeatureCollection (geometry only)."""
    import shapefile  # pyshp, from the [maps] extra
    import shapely
    from shapely.geometry import mapping, shape

    features = []
    with shapefile.Reader(str(shp)) as reader:
        for rec in reader.shapes():
            geom = shape(rec.__geo_interface__)
            geom = shapely.simplify(geom, SIMPLIFY_DEG, preserve_topology=True)
            if geom.is_empty or (geom.geom_type.endswith("Polygon") and geom.area < SIMPLIFY_DEG**2):
                continue
            g = mapping(geom)
            features.append(
                {
                    "type": "Feature",
                    "properties": {},
                    "geometry": {**g, "coordinates": _round(g["coordinates"])},
                }
            )
    return {"type": "FeatureCollection", "features": features}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tarballs", type=Path, help="Folder holding the npm tarballs already fetched.")
    args = ap.parse_args(argv)
    if VENDOR.exists():
        shutil.rmtree(VENDOR)
    with tempfile.TemporaryDirectory() as tmp:
        leaflet = fetch("leaflet", Path(tmp), args.tarballs)
        files = {
            "dist/leaflet.js": VENDOR / "leaflet" / "leaflet.js",
            "dist/leaflet.css": VENDOR / "leaflet" / "leaflet.css",
            "LICENSE": VENDOR / "leaflet" / "LICENSE",
        }
        for img in (
            "layers.png",
            "layers-2x.png",
            "marker-icon.png",
            "marker-icon-2x.png",
            "marker-shadow.png",
        ):
            files[f"dist/images/{img}"] = VENDOR / "leaflet" / "images" / img
        extract(leaflet, files)
        axe = fetch("axe-core", Path(tmp), args.tarballs)
        extract(
            axe,
            {
                "axe.min.js": AXE_DIR / "axe.min.js",
                "LICENSE": AXE_DIR / "LICENSE",
                "LICENSE-3RD-PARTY.txt": AXE_DIR / "LICENSE-3RD-PARTY.txt",
            },
        )
    maps = VENDOR / "mapdata"
    maps.mkdir(parents=True, exist_ok=True)
    for name, rel in LAYERS.items():
        layer = build_layer(SHAPEFILES / rel)
        (maps / f"{name}.geojson").write_text(json.dumps(layer, separators=(",", ":")))
    shutil.copy(REPO / "src" / "shieldcheck" / "report" / "mapdata" / "LICENSE.world-atlas.txt", maps)
    (VENDOR / "README.md").write_text(
        "# Vendored web assets (generated by tools/build_webassets.py; do not edit)\n\n"
        f"- leaflet/: Leaflet {LEAFLET_VERSION} from the npm registry (BSD-2-Clause, see leaflet/LICENSE).\n"
        "- mapdata/: land, coastlines and land borders as GeoJSON, simplified from Natural Earth 1:50m\n"
        "  (public domain) via world-atlas 2.0.2 (ISC, see mapdata/LICENSE.world-atlas.txt).\n"
        f"- axe-core {AXE_VERSION} (MPL-2.0) for the accessibility test lives in tests/vendor/axe-core/.\n"
    )
    lines = []
    for root in (VENDOR, AXE_DIR):
        for p in sorted(root.rglob("*")):
            if p.is_file() and p.name != "SHA256SUMS":
                lines.append(f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(REPO)}")
    (VENDOR / "SHA256SUMS").write_text("\n".join(lines) + "\n")
    total = sum(p.stat().st_size for p in VENDOR.rglob("*") if p.is_file())
    print(
        f"wrote {len(lines)} files to {VENDOR.relative_to(REPO)} and {AXE_DIR.relative_to(REPO)}; "
        f"package assets {total / 1024:.0f} KiB"
    )


if __name__ == "__main__":
    main()
