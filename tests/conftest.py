"""Test-wide settings.

Property tests draw the same examples on every run (``derandomize``), so that ``make test`` and CI are
reproducible; set ``SHIELDCHECK_FUZZ_RANDOM=1`` to explore with random draws (failures found that way
become regression tests). Tests that set their own ``@settings`` keep them and take the rest from here.
"""

import os

import pytest
from hypothesis import settings

settings.register_profile("reproducible", derandomize=True, database=None)
settings.register_profile("random")
settings.load_profile("random" if os.environ.get("SHIELDCHECK_FUZZ_RANDOM") else "reproducible")


@pytest.fixture(scope="module")
def web_url():
    """A `shieldcheck serve` app on a free local port for one test module (skipped without the web extra)."""
    pytest.importorskip("fastapi")
    pytest.importorskip("uvicorn")
    from web_server import running_server

    with running_server() as url:
        yield url
