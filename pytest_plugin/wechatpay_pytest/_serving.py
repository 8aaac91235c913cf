"""Serving an application's notification endpoint on 127.0.0.1 from a thread: uvicorn for an ASGI app, werkzeug's
threaded server for a WSGI app. The servers' packages are imported when a server starts, so that the plugin loads
without them."""

from __future__ import annotations

import contextlib
import inspect
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

__all__ = ["KINDS", "app_kind", "serve_app"]

KINDS = ("auto", "asgi", "wsgi")
_START_TIMEOUT = 30.0


def app_kind(app: object, kind: str = "auto") -> str:
    """`asgi` or `wsgi`: `kind` when it names one; for `auto`, ASGI when the app (or its `__call__`) is a coroutine
    function — `async def app(scope, receive, send)`, Starlette, FastAPI — else WSGI (Flask, Django's WSGI
    handler, `def app(environ, start_response)`)."""
    if kind not in KINDS:
        raise ValueError(f"the notification app kind must be one of {list(KINDS)}, not {kind!r}")
    if kind != "auto":
        return kind
    if not callable(app):
        raise TypeError(f"the notification app must be an ASGI or WSGI callable, not {type(app).__name__}")
    # An instance's `__call__` is looked up on its type, as the server calls it.
    method = inspect.getattr_static(type(app), "__call__", None)
    asynchronous = inspect.iscoroutinefunction(app) or inspect.iscoroutinefunction(method)
    return "asgi" if asynchronous else "wsgi"


def _bound_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


@contextlib.contextmanager
def _serve_asgi(app: Any) -> Iterator[str]:
    import uvicorn  # noqa: PLC0415 - the emulator extra's server, needed only here

    sock = _bound_socket()
    port = sock.getsockname()[1]
    # `lifespan="auto"`: an app with startup work (FastAPI, Starlette) gets it; a bare ASGI callable that refuses
    # the lifespan scope is served anyway.
    config = uvicorn.Config(app, lifespan="auto", log_level="warning", access_log=False, timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="wechatpay-receiver", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + _START_TIMEOUT
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the notification app's uvicorn server did not start")
            time.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=_START_TIMEOUT)
        sock.close()


@contextlib.contextmanager
def _serve_wsgi(app: Any) -> Iterator[str]:
    from werkzeug.serving import make_server  # noqa: PLC0415 - the emulator extra's server, needed only here

    server = make_server("127.0.0.1", 0, app, threaded=True)
    # A short poll: `shutdown()` waits for the loop to look, and each test stops its own server.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="wechatpay-receiver", daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=_START_TIMEOUT)


@contextlib.contextmanager
def serve_app(app: Any, kind: str = "auto") -> Iterator[str]:
    """Serve `app` (ASGI or WSGI, see `app_kind`) on 127.0.0.1, a free port; yields `http://127.0.0.1:PORT`."""
    serve = _serve_asgi if app_kind(app, kind) == "asgi" else _serve_wsgi
    with serve(app) as base_url:
        yield base_url
