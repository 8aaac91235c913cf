"""The network layer: one attempt on the wire, bounded in time and in size, never leaving a poisoned connection.

httpx bounds each socket operation, not an attempt: an answer trickled a byte at a time, or an endless run of
`100 Continue`, never trips a per-read timeout. Here every connect, read and write of an attempt is given at most
the time left before the attempt's deadline (a context variable set around the attempt, so one pooled connection
serves attempts with different deadlines, in threads and tasks alike). The answer's body is read raw, up to a cap,
before anything parses it; compressed answers are refused rather than inflated; and a bodiless answer (204, 304,
HEAD) that announces a body marks its connection unusable, so its stray bytes can never be read as the answer to
another call.
"""

from __future__ import annotations

import contextvars
import ssl
import time
from collections.abc import Iterable
from typing import Any

import httpcore
import httpx

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "AnswerRefused",
    "AsyncBoundedTransport",
    "BoundedTransport",
    "attempt_deadline",
    "read_answer",
    "read_answer_async",
]

# WeChat Pay's answers are small (an order object is a few KiB); anything far larger is not an answer to trust.
DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024

_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("wechatpay_attempt_deadline", default=None)


class attempt_deadline:
    """Within this block, every socket operation of this thread or task ends by `deadline` (monotonic seconds)."""

    def __init__(self, deadline: float) -> None:
        self._deadline = deadline
        self._token: contextvars.Token[float | None] | None = None

    def __enter__(self) -> None:
        self._token = _deadline.set(self._deadline)

    def __exit__(self, *_: object) -> None:
        if self._token is not None:
            _deadline.reset(self._token)


def _bounded(timeout: float | None, error: type[httpcore.TimeoutException]) -> float | None:
    deadline = _deadline.get()
    if deadline is None:
        return timeout
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise error("the attempt's deadline passed")
    return remaining if timeout is None else min(timeout, remaining)


class AnswerRefused(Exception):
    """The answer arrived but is not one the client will read (too large, compressed): treated as lost."""


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner
        self.poisoned = False

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        return _Stream(self._inner.start_tls(ssl_context, server_hostname, _bounded(timeout, httpcore.ConnectTimeout)))

    def get_extra_info(self, info: str) -> Any:
        # httpcore asks "is_readable" of an idle connection before reusing it: readable means "server hung up".
        if info == "is_readable" and self.poisoned:
            return True
        return self._inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.connect_tcp(host, port, bounded, local_address, socket_options))

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _Stream(self._inner.connect_unix_socket(path, bounded, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _AsyncStream(httpcore.AsyncNetworkStream):
    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        self.poisoned = False

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout))

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, _bounded(timeout, httpcore.WriteTimeout))

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _AsyncStream(await self._inner.start_tls(ssl_context, server_hostname, bounded))

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable" and self.poisoned:
            return True
        return self._inner.get_extra_info(info)


class _AsyncBackend(httpcore.AsyncNetworkBackend):
    def __init__(self) -> None:
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _AsyncStream(await self._inner.connect_tcp(host, port, bounded, local_address, socket_options))

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        bounded = _bounded(timeout, httpcore.ConnectTimeout)
        return _AsyncStream(await self._inner.connect_unix_socket(path, bounded, socket_options))

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def _pool_options(verify: Any, limits: httpx.Limits) -> dict[str, Any]:
    context = verify if isinstance(verify, ssl.SSLContext) else httpx.create_ssl_context(verify=verify)
    return {
        "ssl_context": context,
        "max_connections": limits.max_connections,
        "max_keepalive_connections": limits.max_keepalive_connections,
        "keepalive_expiry": limits.keepalive_expiry,
    }


class BoundedTransport(httpx.HTTPTransport):
    """httpx's own transport, on a network backend that enforces the attempt's deadline."""

    def __init__(self, *, verify: Any, limits: httpx.Limits) -> None:
        super().__init__(verify=verify, limits=limits)
        # Same pool as httpx builds, on the bounded backend (httpx offers no argument for it).
        self._pool = httpcore.ConnectionPool(**_pool_options(verify, limits), network_backend=_Backend())


class AsyncBoundedTransport(httpx.AsyncHTTPTransport):
    """The async twin of `BoundedTransport`."""

    def __init__(self, *, verify: Any, limits: httpx.Limits) -> None:
        super().__init__(verify=verify, limits=limits)
        self._pool = httpcore.AsyncConnectionPool(**_pool_options(verify, limits), network_backend=_AsyncBackend())


def _check_encoding(response: httpx.Response) -> None:
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        # The client asks for identity; inflating an unasked-for gzip bomb is how 494 bytes become 438 MiB.
        raise AnswerRefused(f"the answer is compressed (Content-Encoding: {encoding[:40]}), which was not asked for")


def _too_large(limit: int) -> AnswerRefused:
    return AnswerRefused(f"the answer's body exceeds {limit} bytes (max_response_bytes)")


def _framed_body(request: httpx.Request, response: httpx.Response) -> bool:
    """A bodiless answer (RFC 9110 §6.4.1: HEAD, 1xx, 204, 304) that still announces body bytes."""
    bodiless = request.method == "HEAD" or response.status_code in (204, 304) or response.status_code < 200
    if not bodiless:
        return False
    length = response.headers.get("Content-Length", "0").strip()
    return length not in ("", "0") or "Transfer-Encoding" in response.headers


def _poison(response: httpx.Response) -> None:
    stream = response.extensions.get("network_stream")
    if isinstance(stream, _Stream | _AsyncStream):
        stream.poisoned = True


def _rebuilt(request: httpx.Request, response: httpx.Response, body: bytes) -> httpx.Response:
    answer = httpx.Response(
        response.status_code,
        headers=response.headers,
        content=body,
        request=request,
        extensions=response.extensions,
    )
    answer.read()
    return answer


def _before_body(request: httpx.Request, response: httpx.Response) -> bool:
    """Checks made on the head of the answer; whether its framing was hostile (its connection is then dropped)."""
    hostile = _framed_body(request, response)
    if hostile:
        _poison(response)
    _check_encoding(response)
    return hostile


class _Body:
    """The raw body as it arrives, refused past `max_bytes`."""

    def __init__(self, response: httpx.Response, max_bytes: int) -> None:
        self._response = response
        self._max = max_bytes
        self._chunks: list[bytes] = []
        self._size = 0

    def add(self, chunk: bytes) -> None:
        self._size += len(chunk)
        if self._size > self._max:
            _poison(self._response)
            raise _too_large(self._max)
        self._chunks.append(chunk)

    def value(self) -> bytes:
        return b"".join(self._chunks)


def read_answer(
    transport: httpx.BaseTransport, request: httpx.Request, *, max_bytes: int
) -> tuple[httpx.Response, bool]:
    """Send `request` and read its raw answer, at most `max_bytes`; return it and whether its framing was hostile."""
    response = transport.handle_request(request)
    body = _Body(response, max_bytes)
    try:
        hostile = _before_body(request, response)
        if response.is_stream_consumed:  # an in-memory answer (a test transport) arrives whole
            body.add(response.content)
        else:
            for chunk in response.iter_raw():
                body.add(chunk)
    finally:
        response.close()
    return _rebuilt(request, response, body.value()), hostile


async def read_answer_async(
    transport: httpx.AsyncBaseTransport, request: httpx.Request, *, max_bytes: int
) -> tuple[httpx.Response, bool]:
    """The async twin of `read_answer`."""
    response = await transport.handle_async_request(request)
    body = _Body(response, max_bytes)
    try:
        hostile = _before_body(request, response)
        if response.is_stream_consumed:
            body.add(response.content)
        else:
            async for chunk in response.aiter_raw():
                body.add(chunk)
    finally:
        await response.aclose()
    return _rebuilt(request, response, body.value()), hostile
