"""The ASGI app of ``shieldcheck serve``: a JSON API and the offline single-page map.

Interfaces only: requests are validated (pydantic here, then the scenario models through
`shieldcheck.scenario.apply_sets`), handed to `shieldcheck.web.service.Service`, and answered as JSON.
Bad input is a 4xx whose ``error`` names the field, the rule and the value; a computation past the time
limit is a 503 naming the limit. Every response carries a strict Content-Security-Policy; no CORS
headers are sent unless ``cors_origins`` is given.
"""

from __future__ import annotations

import asyncio
import functools
import html
import json
from typing import Annotated, Literal

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from shieldcheck.errors import InputError
from shieldcheck.footprint import unwrap_longitudes
from shieldcheck.web.service import (
    Job,
    Limits,
    ScenarioSource,
    Scheduler,
    Service,
    ViewKey,
    catalog_view,
    reach_view,
    static_dir,
)
from shieldcheck.web.service import trajectory_view as _trajectory_view

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
"""Content-Security-Policy of every response: nothing inline, nothing from another origin."""

_NAME = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"

# ---- boost-phase intercept (issue 10, item 5): carried by the study endpoint, documented here
STUDY_DESCRIPTION = (
    "`Study.to_dict()` of the view (`shieldcheck engage --json` has the same rows). A scenario with a "
    "`boost_phase:` block also carries `boost_phase` (one record per boost-phase base and route: `status` "
    "`engageable`, `too_late` or `out_of_reach`, `reason` in words, `time_available_s`, "
    "`required_speed_km_s`, `first_intercept_s`, `intercept_altitude_km`, ...; the CLI's "
    "`engage --table boost_phase --json`) and `basing_zones` (per threat group: cells that engage every "
    "route before burnout, with the outline as GeoJSON, for the map's boost-phase layer); both empty "
    "otherwise. `--set`-style overrides reach the block (`boost_phase.bases.NAME.burnout_speed_km_s=6`). "
    "`model_note` says how the threats were flown (kinematic boost, staged, or both, per threat group). "
    "Model estimates."
)


class _Body(BaseModel):
    # strict, as scenario files are: a bool or a string is never a number ("0.5" and true are refused);
    # NaN and infinity (which Python's JSON reader accepts) are refused by the finite rule, not a bound
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


class AddedSite(_Body):
    """An interceptor site added on the map."""

    name: Annotated[str, Field(pattern=_NAME)]
    latitude_deg: Annotated[float, Field(ge=-90.0, le=90.0)]
    longitude_deg: Annotated[float, Field(ge=-180.0, le=180.0)]
    interceptor: Annotated[str | None, Field(default=None, pattern=_NAME)] = None
    inventory: Annotated[int, Field(ge=0, le=10_000)] = 10


class ViewRequest(_Body):
    """A scenario, a variant (``base`` for none) and ``--set``-style overrides."""

    scenario: Annotated[str, Field(pattern=_NAME)]
    variant: Annotated[str, Field(pattern=_NAME)] = "base"
    sets: Annotated[list[Annotated[str, Field(max_length=400)]], Field(max_length=40)] = []
    add_sites: Annotated[list[AddedSite], Field(max_length=8)] = []

    def key(self) -> ViewKey:
        return ViewKey(
            self.scenario,
            self.variant,
            tuple(self.sets),
            tuple(
                (s.name, s.latitude_deg, s.longitude_deg, s.interceptor or "", s.inventory)
                for s in self.add_sites
            ),
        )


class FootprintSpec(_Body):
    """A defended-area (fixed launch) or launch-area (fixed target) footprint on a lat/lon grid."""

    kind: Literal["defended_area", "launch_area"] = "defended_area"
    threat: Annotated[str, Field(pattern=_NAME)]
    place: Annotated[str, Field(pattern=_NAME)]
    lat_min_deg: Annotated[float, Field(ge=-90.0, le=90.0)] = 30.0
    lat_max_deg: Annotated[float, Field(ge=-90.0, le=90.0)] = 72.0
    lon_min_deg: Annotated[float, Field(ge=-360.0, le=360.0)] = -30.0
    lon_max_deg: Annotated[float, Field(ge=-360.0, le=360.0)] = 60.0
    resolution_deg: Annotated[float, Field(ge=0.1, le=10.0)] = 0.5

    @model_validator(mode="after")
    def _across_the_date_line(self):
        """A box across the antimeridian (lon_max < lon_min) wraps, as the CLI's --region does."""
        self.lon_min_deg, self.lon_max_deg = unwrap_longitudes(self.lon_min_deg, self.lon_max_deg)
        return self

    def spec(self) -> dict:
        return self.model_dump(include=set(FootprintSpec.model_fields))


class FootprintRequest(ViewRequest, FootprintSpec):
    """A view and a footprint on it."""


class ReachRequest(_Body):
    """A staged booster class and a launch place: maximum range against azimuth on the rotating Earth."""

    launch: Annotated[str, Field(min_length=1, max_length=100)]
    missile: Annotated[str, Field(pattern=_NAME)]
    payload_kg: Annotated[float | None, Field(gt=0.0, le=1e6)] = None
    azimuth_step_deg: Annotated[float, Field(ge=1.0, le=90.0)] = 5.0


class SnapshotRequest(ViewRequest):
    """A view, and the footprint layer shown on it (if any)."""

    footprint: FootprintSpec | None = None


def _error_text(err: dict) -> str:
    if err.get("type") == "json_invalid":  # loc is then a character offset, input the parser's context
        why = (err.get("ctx") or {}).get("error", "invalid JSON")
        return f"request body: must be valid JSON, got {why} at character {err.get('loc', ('', '?'))[-1]}"
    loc = ".".join(str(x) for x in err.get("loc", ()) if x not in ("body", "query", "path"))
    msg = err.get("msg", "invalid").removeprefix("Value error, ")
    got = err.get("input")
    shown = repr(got) if not isinstance(got, (dict, list)) else type(got).__name__
    if len(shown) > 80:
        shown = shown[:77] + "..."
    return f"{loc or 'request'}: {msg[:1].lower() + msg[1:]}, got {shown}"


def _given_twice(query: bytes) -> str | None:
    """The first query parameter given more than once (``?step_s=5&step_s=20``), else None."""
    from urllib.parse import parse_qsl

    seen: dict[str, str] = {}
    for k, v in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
        if k in seen:
            return f"{k}: must be given once, got {seen[k]!r} and {v!r}"
        seen[k] = v
    return None


def _keys_given_twice(body: bytes) -> str | None:
    """The first key written twice in one object of a JSON body, else None (a body that is not JSON is
    left to the request model, which says so)."""
    found: list[str] = []

    def pairs(items):
        keys: set = set()
        for k, _ in items:
            if k in keys and not found:
                found.append(k)
            keys.add(k)
        return dict(items)

    try:
        json.loads(body, object_pairs_hook=pairs)
    except (ValueError, RecursionError):
        return None
    return f"request body: key {found[0]!r} must be given once, got it twice" if found else None


def _ambiguous(text: str) -> JSONResponse:
    """A parameter or key given twice, or a query parameter the endpoint does not take: refused (422, the
    API's error shape) rather than a value taken or dropped silently."""
    return JSONResponse({"error": text}, status_code=422)


class _BodyLimit:
    """Pure ASGI middleware: refuse request bodies over ``max_bytes`` with 413 (declared or streamed), and
    an API query parameter or a JSON body key given twice with 422 (`_given_twice`, `_keys_given_twice`;
    the page's permalink, ``/?set=...&set=...``, repeats ``set`` on purpose).

    Having read the body, it is the connection's only reader: ``scope["shieldcheck.client_gone"]``
    (an `asyncio.Event`) is set when the client disconnects.
    """

    def __init__(self, app, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        # the API's query parameters are single-valued; the page's own URL (a permalink) repeats set=
        twice = _given_twice(scope.get("query_string", b"")) if scope["path"].startswith("/api/") else None
        if twice:
            return await _ambiguous(twice)(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        too_big = JSONResponse(
            {"error": f"request body: must be at most {self.max_bytes:,} bytes"}, status_code=413
        )
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            return await too_big(scope, receive, send)
        chunks, seen, more = [], 0, True
        while more:  # read the whole body first (chunked uploads carry no length), refusing past the limit
            message = await receive()
            if message["type"] != "http.request":
                return
            chunks.append(message.get("body", b""))
            seen += len(chunks[-1])
            if seen > self.max_bytes:
                return await too_big(scope, receive, send)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        twice = _keys_given_twice(body)
        if twice:
            return await _ambiguous(twice)(scope, receive, send)
        replayed = False
        # one reader of the connection from here on: it notes when the client goes away (the page
        # aborted a superseded request), so that a computation for nobody can stop
        gone = asyncio.Event()

        async def watch():
            while (await receive())["type"] != "http.disconnect":
                pass
            gone.set()

        watcher = asyncio.ensure_future(watch())
        scope["shieldcheck.client_gone"] = gone

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            await gone.wait()
            return {"type": "http.disconnect"}

        try:
            return await self.app(scope, replay, send)
        finally:
            watcher.cancel()


def _unknown_query(query: bytes, path: str, accepted: tuple[str, ...], body: bool = False) -> str | None:
    """The first query parameter ``path`` does not declare, with the ones it accepts, else None
    (``body``: the endpoint reads a JSON request body, which the message then points to)."""
    from urllib.parse import parse_qsl

    for k, _ in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
        if k not in accepted:
            shown = k if len(k) <= 80 else k[:77] + "..."
            if accepted:
                takes = f"{path} accepts {', '.join(accepted)}"
            else:
                takes = f"{path} takes no query parameters" + (" (its input is the JSON request body)"
                                                               if body else "")
            return f"{shown}: unknown query parameter; {takes}"
    return None


class _KnownQuery:
    """Pure ASGI middleware: refuse an API query parameter the endpoint does not declare with 422 in the
    API's shape (``/api/study?bogus=1`` answered 200, the parameter ignored). The accepted names are read
    from the app's routes (each endpoint's declared query parameters, by alias), so a parameter added to
    an endpoint is accepted with it. Paths outside ``/api/`` (the page, whose permalink the page itself
    reads) and unknown paths (404) pass through."""

    def __init__(self, app, routes_of):
        self.app = app
        self.routes_of = routes_of
        self._accepted: dict[str, tuple[tuple[str, ...], bool]] | None = None

    def accepted(self) -> dict[str, tuple[tuple[str, ...], bool]]:
        """Path -> (its query parameters, whether it reads a request body)."""
        if self._accepted is None:
            found: dict[str, tuple[list[str], list[bool]]] = {}
            for r in self.routes_of.routes:
                dependant = getattr(r, "dependant", None)
                if dependant is None or not r.path.startswith("/api/"):
                    continue
                names, body = found.setdefault(r.path, ([], [False]))
                names += [p.alias for p in dependant.query_params if p.alias not in names]
                body[0] = body[0] or bool(dependant.body_params)
            self._accepted = {k: (tuple(v), b[0]) for k, (v, b) in found.items()}
        return self._accepted

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"].startswith("/api/"):
            known = self.accepted().get(scope["path"])
            if known is not None:
                bad = _unknown_query(scope.get("query_string", b""), scope["path"], *known)
                if bad:
                    return await _ambiguous(bad)(scope, receive, send)
        return await self.app(scope, receive, send)


class _HostCheck:
    """Pure ASGI middleware: refuse a ``Host`` header not in ``allowed_hosts`` (``"*"``: any) with a 400 in
    the API's shape, ``{"error": ...}`` (a loopback server's guard against DNS rebinding)."""

    def __init__(self, app, allowed_hosts=("*",)):
        self.app = app
        self.allowed = {h.lower() for h in allowed_hosts}

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or "*" in self.allowed:
            return await self.app(scope, receive, send)
        raw = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1").strip().lower()
        host = raw[1:].split("]", 1)[0] if raw.startswith("[") else raw.rsplit(":", 1)[0] if raw.count(
            ":") == 1 else raw  # [::1]:8000, name:8000, a bare IPv6 address
        if host in self.allowed:
            return await self.app(scope, receive, send)
        shown = raw if len(raw) <= 80 else raw[:77] + "..."
        refusal = JSONResponse(
            {"error": f"Host header: must be one of {', '.join(sorted(self.allowed))}, got {shown!r}"},
            status_code=400,
        )
        return await refusal(scope, receive, send)


def create_app(
    scenarios=(),
    scenario_dir=None,
    limits: Limits | None = None,
    allowed_hosts=("127.0.0.1", "localhost", "testserver"),
    cors_origins=(),
) -> FastAPI:
    """Build the ASGI app.

    Parameters
    ----------
    scenarios : sequence of str
        Scenario files (or built-in names) to serve besides the built-ins.
    scenario_dir : str or path, optional
        Directory of ``*.yaml`` scenarios; requests can name only files inside it.
    limits : Limits, optional
        Request size, overrides, grid cells and compute time bounds.
    allowed_hosts : sequence of str
        ``Host`` headers accepted (guards a loopback server against DNS rebinding).
    cors_origins : sequence of str
        Origins allowed by CORS; none by default (no CORS headers at all).

    Returns
    -------
    fastapi.FastAPI

    Raises
    ------
    InputError
        A scenario file that does not validate, or a ``scenario_dir`` that is not a directory.

    >>> app = create_app()
    >>> sorted(r.path for r in app.routes if r.path.startswith("/api/"))[:3]
    ['/api/catalog', '/api/footprint', '/api/layers']
    """
    limits = limits or Limits()
    service = Service(ScenarioSource(scenarios, scenario_dir), limits)
    app = FastAPI(
        title="shieldcheck",
        summary="Re-runnable ballistic-missile-defense kinematics (model estimates).",
        version=_version(),
        docs_url=None,  # Swagger UI would load its assets from a CDN: the OpenAPI document is served alone
        redoc_url=None,
    )
    app.state.service = service
    scheduler = Scheduler(limits.max_concurrent, limits.grid_max_pause_s)
    app.state.scheduler = scheduler

    async def compute(
        fn, *args, urgent=True, request: Request | None = None, media_type="application/json", headers=None
    ):
        """Run ``fn`` in a worker thread inside a slot of its lane, within the time limit; the answer.

        Grid work (``urgent=False``) gets the `Job` as ``job=`` and stops at its next chunk boundary
        when the time limit passes or the client (``request``) goes away, e.g. because the page sent
        a newer request for the same layer; the thread is never left computing for nobody. The
        result is serialised in the worker too (`_body`), not in the event loop that every other
        request waits on; the ``Server-Timing`` header says how long the request waited for a slot
        (``queue``, including pauses for route tables) and how long it computed (``compute``), ms.
        """
        job = Job(scheduler, urgent)
        work = fn if urgent else functools.partial(fn, job=job)
        task = asyncio.ensure_future(run_in_threadpool(_serialised, scheduler.run, job, work, *args))
        task.add_done_callback(_consume)
        waits = {task}
        gone = request.scope.get("shieldcheck.client_gone") if request is not None else None
        if gone is not None:
            waits.add(asyncio.ensure_future(gone.wait()))
        done, _ = await asyncio.wait(
            waits, timeout=limits.compute_timeout_s, return_when=asyncio.FIRST_COMPLETED
        )
        for w in waits - {task}:
            w.cancel()
        if task in done:
            timing = f"queue;dur={job.wait_s * 1e3:.1f}, compute;dur={job.run_s * 1e3:.1f}"
            return Response(
                task.result(), media_type=media_type, headers={**(headers or {}), "Server-Timing": timing}
            )
        job.cancel()
        if done:  # the client went away: nobody reads this answer
            return JSONResponse({"error": "request cancelled: the client closed it"}, status_code=499)
        return JSONResponse(
            {
                "error": f"computation: must finish within {limits.compute_timeout_s:g} s per request "
                "(limit of this server); try a coarser grid or fewer overrides"
            },
            status_code=503,
        )

    @app.exception_handler(InputError)
    async def _input_error(request: Request, exc: InputError):
        return JSONResponse({"error": str(exc)}, status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException):
        """Starlette's and FastAPI's own 4xx (no such path, wrong method, a body that cannot be parsed)
        in the API's shape, ``{"error": ...}``, like every other 4xx."""
        if exc.status_code == 404:
            text = f"path: no such endpoint, got {request.url.path!r}"
        elif exc.status_code == 405:
            allow = (exc.headers or {}).get("Allow", "")
            text = f"method: {request.method} is not allowed on {request.url.path}" + (
                f"; use {allow}" if allow else ""
            )
        elif exc.status_code == 400 and "parsing the body" in str(exc.detail):
            text = "request body: could not be read as JSON (malformed, or nested too deeply)"
        else:
            text = str(exc.detail)
        return JSONResponse({"error": text}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception):
        """A fault of shieldcheck's own still answers in the API's shape (it was Starlette's plain-text
        "Internal Server Error"; found by the session-7 breaker); the server's log keeps the traceback."""
        return JSONResponse(
            {"error": f"internal error (a bug in shieldcheck, please report it with the request): "
                      f"{type(exc).__name__} on {request.url.path}"},
            status_code=500,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        errors = exc.errors()
        return JSONResponse({"error": "; ".join(_error_text(e) for e in errors[:5])}, status_code=422)

    @app.middleware("http")
    async def _headers(request: Request, call_next):
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.get("/", include_in_schema=False)
    async def index():
        return FileResponse(static_dir() / "index.html", media_type="text/html")

    @app.get("/api/scenarios", summary="Scenarios served, with their variants")
    async def scenarios_list():
        return await compute(service.source.summary)

    @app.get("/api/catalog", summary="Catalog places and missile classes, with sources")
    async def catalog():
        return await compute(catalog_view)

    @app.get("/api/trajectory", summary="One minimum-energy threat trajectory, sampled")
    async def trajectory(
        launch: Annotated[str, Query(max_length=100)],
        target: Annotated[str, Query(max_length=100)],
        missile: Annotated[str | None, Query(max_length=100)] = None,
        step_s: Annotated[float, Query(ge=1.0, le=600.0, allow_inf_nan=False)] = 10.0,
        # the CLI's choices and default (`trajectory --boost`); the answer's `boost` says what flew
        boost: Annotated[Literal["auto", "kinematic", "staged"], Query()] = "auto",
    ):
        return await compute(_trajectory_view, launch, target, missile, step_s, boost)

    @app.post(
        "/api/study",
        summary="The study of a scenario + variant + overrides: rows, routes, groups",
        description=STUDY_DESCRIPTION,
    )
    async def study(req: ViewRequest):
        return await compute(service.study, req.key())

    @app.post("/api/thresholds", summary="The study with threshold interceptor speeds per route and site")
    async def thresholds(req: ViewRequest, request: Request):
        return await compute(_no_job(service.thresholds), req.key(), urgent=False, request=request)

    @app.post("/api/layers", summary="Map layers: sites, radars with coverage, tracks")
    async def layers(req: ViewRequest):
        return await compute(service.layers, req.key())

    @app.post("/api/parameters", summary="The contested numbers of a view, with sources and slider bounds")
    async def parameters(req: ViewRequest):
        return await compute(service.parameters, req.key())

    @app.post("/api/footprint", summary="Defended-area or launch-area footprint (GeoJSON)")
    async def footprint(req: FootprintRequest, request: Request):
        return await compute(service.footprint, req.key(), req.spec(), urgent=False, request=request)

    @app.post("/api/reach", summary="Reach of a staged booster from a place, with margins to catalog cities")
    async def reach(req: ReachRequest, request: Request):
        args = (req.launch, req.missile, req.payload_kg, req.azimuth_step_deg)
        return await compute(_no_job(reach_view), *args, urgent=False, request=request)

    @app.post("/api/snapshot", summary="A self-contained HTML snapshot of a view (opens from file://)")
    async def snapshot(req: SnapshotRequest, request: Request):
        key = req.key()

        def make(job=None):
            fp = service.footprint(key, req.footprint.spec(), job) if req.footprint is not None else None
            return render_snapshot(
                service.study(key), service.layers(key), service.parameters(key), key, footprint=fp
            )

        disposition = f'attachment; filename="{key.scenario}-{key.variant}.html"'
        return await compute(
            make,
            urgent=False,
            request=request,
            media_type="text/html",
            headers={"Content-Disposition": disposition},
        )

    app.mount("/static", StaticFiles(directory=static_dir()), name="static")
    app.add_middleware(_KnownQuery, routes_of=app)  # inside the Host check: a foreign Host is refused first
    app.add_middleware(_HostCheck, allowed_hosts=tuple(allowed_hosts))
    if cors_origins:
        from starlette.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(cors_origins), allow_methods=["GET", "POST"])
    app.add_middleware(_BodyLimit, max_bytes=limits.max_body_bytes)  # outermost: before any parsing
    return app


def _serialised(run, *args) -> bytes:
    """``run(*args)`` as response bytes: text as UTF-8, anything else as compact JSON (NaN refused).

    The same bytes Starlette's ``JSONResponse`` writes (``ensure_ascii=False``, no spaces); the
    answers are plain JSON types already (the service rounds and cleans them), so FastAPI's generic
    ``jsonable_encoder`` walk (about 5 ms for a route table, 12 ms for the layers) is not needed.
    """
    value = run(*args)
    if isinstance(value, str):
        return value.encode("utf-8")
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


def _consume(task: asyncio.Future) -> None:
    """Retrieve a finished worker's outcome (an answer nobody waits for, or `Cancelled`)."""
    if not task.cancelled():
        task.exception()


def _no_job(fn):
    """``fn`` for the grid lane when it has no chunk boundaries (it runs to its end once started)."""

    def run(*args, job=None):
        return fn(*args)

    return run


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("shieldcheck")
    except PackageNotFoundError:  # pragma: no cover
        return "0"


def _script_text(text: str) -> str:
    """Text safe inside an inline ``<script>``: no ``</script`` or ``<!--`` can end it early."""
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def render_snapshot(study: dict, layers: dict, parameters: list, key: ViewKey, footprint=None) -> str:
    """One HTML file with the page's code, the map data and the view's data inlined (no server needed).

    The page is the app's own ``index.html`` run in snapshot mode: it draws from the embedded data and
    hides the controls that would need the server. Data is embedded as JSON in a non-executed
    ``<script type="application/json">`` with ``<`` escaped, so no user string can become markup.
    """
    root = static_dir()
    vendor = root / "vendor"
    data = {
        "study": study,
        "layers": layers,
        "parameters": parameters,
        "footprint": footprint,
        "view": {
            "scenario": key.scenario,
            "variant": key.variant,
            "sets": list(key.sets),
            "add_sites": [list(s) for s in key.add_sites],
        },
        "map": {
            name: json.loads((vendor / "mapdata" / f"{name}.geojson").read_text())
            for name in ("land", "borders")
        },
    }
    payload = json.dumps(data, separators=(",", ":"), allow_nan=False).replace("<", "\\u003c")
    css = (vendor / "leaflet" / "leaflet.css").read_text() + "\n" + (root / "app.css").read_text()
    css = css.replace("</", "<\\/")
    scripts = [(vendor / "leaflet" / "leaflet.js").read_text(), (root / "app.js").read_text()]
    title = html.escape(f"shieldcheck snapshot: {study.get('title') or key.scenario} ({key.variant})")
    body = (root / "index.html").read_text()
    body = body.split("<body>", 1)[1].split("<!-- scripts -->", 1)[0]
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<style>{css}</style>\n</head>\n<body class="snapshot">\n'
        f"{body}\n"
        f'<script type="application/json" id="snapshot-data">{payload}</script>\n'
        + "".join(f"<script>{_script_text(s)}</script>\n" for s in scripts)
        + "</body>\n</html>\n"
    )
