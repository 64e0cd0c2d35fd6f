"""The report opens in a real browser with the network cut off, and its map images render.

Headless Chromium (Debian's `chromium`, installed by `make test` where apt is available) loads the file
with every host name unresolvable and a dead proxy, takes a screenshot, and the test looks for the map's
land and sea colours in it. Skipped, with the reason, where no Chromium is installed.
"""

import shutil
import subprocess

import numpy as np
import pytest
from matplotlib import image as mpimg
from matplotlib.colors import to_rgb

from shieldcheck.report import maps
from shieldcheck.report.html import build_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(
    CHROMIUM is None, reason="headless Chromium is not installed (make test installs it via apt)"
)
def test_report_renders_offline_in_chromium(tmp_path):
    result = build_report("european-third-site-2007", tmp_path, resolution_deg=2.0)
    shot = tmp_path / "shot.png"
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--proxy-server=127.0.0.1:9",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--window-size=1200,2400",
        f"--screenshot={shot}",
        result.path.resolve().as_uri(),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert shot.exists(), proc.stderr[-2000:]
    img = mpimg.imread(shot)[..., :3]
    assert img.shape[1] == 1200

    def fraction(color, tol=0.03):
        return float(np.mean(np.all(np.abs(img - np.asarray(to_rgb(color))) < tol, axis=-1)))

    # the architecture map sits in the first screen: its land and sea fills are visible
    assert fraction(maps.LAND_COLOR) > 0.005
    assert fraction(maps.OCEAN_COLOR) > 0.005
    # and the page is mostly the white report, not an error page
    assert fraction("#ffffff") > 0.4
