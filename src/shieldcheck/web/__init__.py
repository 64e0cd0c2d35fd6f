"""``shieldcheck serve``: a local JSON API and an offline single-page map (needs the ``[web]`` extra).

`create_app` builds the ASGI app; `shieldcheck.web.service` holds the bounded, cached computations it
serves, with no HTTP in them. Every library and map layer the page needs ships in ``static/``
(rebuilt by ``tools/build_webassets.py``); no request leaves the machine.
"""

from shieldcheck.web.service import Limits, ScenarioSource, Service, ViewKey

__all__ = ["Limits", "ScenarioSource", "Service", "ViewKey", "create_app"]


def create_app(*args, **kwargs):
    """The ASGI app (see `shieldcheck.web.app.create_app`); imports FastAPI only when called."""
    from shieldcheck.web.app import create_app as _create

    return _create(*args, **kwargs)
