"""Test helper: run `shieldcheck serve`'s app on a loopback port in a thread, and call it with urllib."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
import urllib.error
import urllib.request


@contextlib.contextmanager
def running_server(app=None, **kwargs):
    """Yield the base URL of ``app`` (default ``create_app(**kwargs)``) served by uvicorn on 127.0.0.1."""
    import uvicorn

    from shieldcheck.web import create_app

    app = app if app is not None else create_app(**kwargs)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()


def call(base: str, path: str, body=None, *, raw: bytes | None = None, headers=None, timeout: float = 600):
    """``(status, headers, parsed JSON or text)`` of a GET (no body) or POST (JSON body or raw bytes)."""
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    req = urllib.request.Request(base + path, data=data, method="GET" if data is None else "POST")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never via a proxy
    try:
        with opener.open(req, timeout=timeout) as resp:
            status, hdrs, payload = resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        status, hdrs, payload = err.code, dict(err.headers), err.read()
    text = payload.decode("utf-8", "replace")
    if hdrs.get("content-type", "").startswith("application/json"):
        return status, hdrs, json.loads(text)
    return status, hdrs, text
