"""Serving the app with uvicorn: in a background thread for tests, or in the foreground for the command."""

from __future__ import annotations

import contextlib
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from ._app import ABORT_EXTENSION
from ._errors import ServerStartError

__all__ = ["bind", "run", "serve_in_thread"]

_START_TIMEOUT = 30.0


class _AbortableH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, plus a scope extension with which the app can cut the TCP connection.

    ASGI has no way to close a connection without answering (an exception makes uvicorn send a 500), but a dropped
    connection is exactly what a `drop_connection` fault must reproduce.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        inner: ASGIApp = self.app

        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            extensions = {**scope.get("extensions", {}), ABORT_EXTENSION: self._abort}
            await inner({**scope, "extensions": extensions}, receive, send)

        self.app = app

    def _abort(self) -> None:
        self.transport.abort()


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket; port 0 picks a free port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP named explicitly: asyncio turns Nagle's algorithm off (TCP_NODELAY) only on connections whose
    # socket says so, and with it on, an answer's body waits ~40 ms behind its headers for the client's delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    return sock


def base_url(sock: socket.socket) -> str:
    """`http://HOST:PORT` of a bound socket."""
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _config(app: ASGIApp, *, log_level: str, access_log: bool) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        http=_AbortableH11Protocol,
        lifespan="off",
        log_level=log_level,
        access_log=access_log,
        timeout_graceful_shutdown=1,
    )


class _ForegroundServer(uvicorn.Server):
    """uvicorn's server without its own signal handling.

    uvicorn installs its handlers only once serving starts and re-raises the signal after shutting down (so the
    process dies by the signal); the command installs its own before announcing its URL instead, so that a signal
    sent as soon as the URL is read still stops it, with exit status 0.
    """

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def run(app: ASGIApp, sock: socket.socket, *, announce: Callable[[], None], log_level: str = "info") -> None:
    """Serve in the foreground; `announce` runs once SIGINT/SIGTERM are handled; those stop the server cleanly."""
    server = _ForegroundServer(_config(app, log_level=log_level, access_log=True))

    def stop(signum: int, _frame: FrameType | None) -> None:
        # A second signal abandons the graceful shutdown, as uvicorn does on a second Ctrl-C.
        server.force_exit = server.should_exit
        server.should_exit = True

    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        announce()
        server.run(sockets=[sock])
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextlib.contextmanager
def serve_in_thread(app: ASGIApp, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve `app` from a daemon thread; yields the base URL once the server accepts connections; stops on exit."""
    sock = bind(host, port)
    server = uvicorn.Server(_config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="wechatpay-emulator", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + _START_TIMEOUT
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise ServerStartError("the emulator's uvicorn server did not start")
            time.sleep(0.01)
        yield base_url(sock)
    finally:
        server.should_exit = True
        thread.join(timeout=_START_TIMEOUT)
        sock.close()
