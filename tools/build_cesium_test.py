"""Rebuild ``tests/vendor/cesium/``: CesiumJS for the CZML test only (never shipped in the package).

``tests/test_czml_cesium.py`` loads shieldcheck's CZML with ``Cesium.CzmlDataSource.load`` in headless
Chromium, offline. This script fetches the ``cesium`` npm package, version `CESIUM_VERSION` (Apache-2.0),
with ``npm pack``, checks the tarball against the pinned SHA-256 and the registry's sha512 integrity
string, and writes

- ``Cesium.js.gz``: ``Build/Cesium/Cesium.js`` (the self-contained IIFE build, 5.8 MB), gzip level 9
  with no name or time in the header, so that two runs give identical bytes (1.7 MB in the repository);
- ``LICENSE.md``: the package's licence and its third-party notices;
- ``SHA256SUMS``: the hashes of the tarball and of the files written.

Only npm is used (to fetch the tarball); the test reads these files and fetches nothing.

Usage::

    python tools/build_cesium_test.py                  # npm pack into a temp dir
    python tools/build_cesium_test.py --tarballs DIR   # from cesium-1.140.0.tgz in DIR
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_webassets  # noqa: E402 - its checked npm fetch and tarball extraction

OUT = build_webassets.REPO / "tests" / "vendor" / "cesium"
CESIUM_VERSION = "1.140.0"
"""The last CesiumJS release that runs on Node 20 (STACK.md); the test uses no Node, only the browser."""
CESIUM = (
    CESIUM_VERSION,
    "cc3032346e2d922af0c33b36039bff72a928b42862f0c63841eeda55daa2df16",
    "sha512-3RvW0rvZWuXiS6regtNE5u9vt0uXohgpsRBIo6Qc922IIIamkitYiEdr4fg+u4qX4EoK9xS3BosCza7iPOExEQ==",
)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tarballs", type=Path, help="Folder holding cesium-<version>.tgz already fetched.")
    args = ap.parse_args(argv)
    build_webassets.PACKAGES["cesium"] = CESIUM
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tarball = build_webassets.fetch("cesium", Path(tmp), args.tarballs)
        plain = Path(tmp) / "Cesium.js"
        build_webassets.extract(tarball, {"Build/Cesium/Cesium.js": plain, "LICENSE.md": OUT / "LICENSE.md"})
        with open(OUT / "Cesium.js.gz", "wb") as raw, gzip.GzipFile(
            filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0
        ) as gz:
            gz.write(plain.read_bytes())
        sums = [f"{CESIUM[1]}  cesium-{CESIUM_VERSION}.tgz (npm)"]
        sums += [
            f"{hashlib.sha256((OUT / name).read_bytes()).hexdigest()}  {name}"
            for name in ("Cesium.js.gz", "LICENSE.md")
        ]
        sums.append(f"{hashlib.sha256(plain.read_bytes()).hexdigest()}  Cesium.js (inside Cesium.js.gz)")
    (OUT / "SHA256SUMS").write_text("\n".join(sums) + "\n")
    print(f"wrote {OUT.relative_to(build_webassets.REPO)}: cesium {CESIUM_VERSION} (Apache-2.0)")


if __name__ == "__main__":
    main()
