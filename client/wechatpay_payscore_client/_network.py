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
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "AnswerRefused",
    "attempt_deadline",
    "deadline_var",
    "read_answer",
    "read_answer_async",
]

# WeChat Pay's answers are small (an order object is a few KiB); anything far larger is not an answer to trust.
DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024

deadline_var: contextvars.ContextVar[float | None] = contextvars.ContextVar("wechatpay_attempt_deadline", default=None)


class attempt_deadline:
    """Within this block, every socket operation of this thread or task ends by `deadline` (monotonic seconds)."""

    def __init__(self, deadline: float) -> None:
        self._deadline = deadline
        self._token: contextvars.Token[float | None] | None = None

    def __enter__(self) -> None:
        self._token = deadline_var.set(self._deadline)

    def __exit__(self, *_: object) -> None:
        if self._token is not None:
            deadline_var.reset(self._token)


class AnswerRefused(Exception):
    """The answer arrived but is not one the client will read (too large, compressed): treated as lost."""


# The headers whose presence `_before_body` reads (lower case, as httpx keeps them).
_CONTENT_ENCODING = b"content-encoding"
_CONTENT_LENGTH = b"content-length"
_TRANSFER_ENCODING = b"transfer-encoding"


def _check_encoding(response: httpx.Response, present: set[bytes]) -> None:
    if _CONTENT_ENCODING not in present:
        return  # no Content-Encoding: identity
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        # The client asks for identity; inflating an unasked-for gzip bomb is how 494 bytes become 438 MiB.
        raise AnswerRefused(f"the answer is compressed (Content-Encoding: {encoding[:40]}), which was not asked for")


def _too_large(limit: int) -> AnswerRefused:
    return AnswerRefused(f"the answer's body exceeds {limit} bytes (max_response_bytes)")


def _framed_body(request: httpx.Request, response: httpx.Response, present: set[bytes]) -> bool:
    """A bodiless answer (RFC 9110 §6.4.1: HEAD, 1xx, 204, 304) that still announces body bytes."""
    bodiless = request.method == "HEAD" or response.status_code in (204, 304) or response.status_code < 200
    if not bodiless:
        return False
    length = response.headers.get("Content-Length", "0").strip() if _CONTENT_LENGTH in present else "0"
    return length not in ("", "0") or _TRANSFER_ENCODING in present


def _poison(response: httpx.Response) -> None:
    # The bounded backend's streams (`_backend`) carry the flag; another transport's streams are left alone.
    stream: Any = response.extensions.get("network_stream")
    if hasattr(stream, "poisoned"):
        stream.poisoned = True


class _Capped(httpx.SyncByteStream):
    def __init__(self, inner: Any, body: _Body) -> None:
        self._inner = inner
        self._body = body

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            self._body.add(chunk)
            yield chunk

    def close(self) -> None:
        self._inner.close()


class _AsyncCapped(httpx.AsyncByteStream):
    def __init__(self, inner: Any, body: _Body) -> None:
        self._inner = inner
        self._body = body

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            self._body.add(chunk)
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()


def _left_over(stream: Any) -> bool:
    """Whether the connection that carried this answer holds bytes past its end (another answer, smuggled).

    Read from h11's receive buffer, which httpcore does not expose: the path below is httpcore 1.x's (the
    version is pinned); where it does not hold, nothing is concluded and the check is skipped.
    """
    pool_request = getattr(getattr(stream, "_httpcore_stream", None), "_pool_request", None)
    connection = getattr(getattr(pool_request, "connection", None), "_connection", None)
    state = getattr(connection, "_h11_state", None)
    trailing = getattr(state, "trailing_data", None)
    return isinstance(trailing, tuple) and bool(trailing[0])


def _before_body(request: httpx.Request, response: httpx.Response) -> bool:
    """Checks made on the head of the answer; whether its framing was hostile (its connection is then dropped)."""
    # The names of the answer's headers, read once: a lookup of an absent header costs httpx a scan and an exception.
    present = {name.lower() for name, _ in response.headers.raw}
    hostile = _framed_body(request, response, present)
    if hostile:
        _poison(response)
    _check_encoding(response, present)
    return hostile


class _Body:
    """Counts the raw body as it arrives and refuses it past `max_bytes`."""

    def __init__(self, response: httpx.Response, max_bytes: int) -> None:
        self._response = response
        self._max = max_bytes
        self._size = 0

    def add(self, chunk: bytes) -> None:
        self._size += len(chunk)
        if self._size > self._max:
            _poison(self._response)
            raise _too_large(self._max)


def read_answer(
    transport: httpx.BaseTransport, request: httpx.Request, *, max_bytes: int
) -> tuple[httpx.Response, bool]:
    """Send `request` and read its answer, at most `max_bytes`; return it and whether its framing was hostile."""
    response = transport.handle_request(request)
    response.request = request
    try:
        hostile = _before_body(request, response)
        body = _Body(response, max_bytes)
        if response.is_stream_consumed:  # an in-memory answer (a test transport) arrives whole
            body.add(response.content)
        else:
            original = response.stream
            response.stream = _Capped(original, body)
            response.read()
            if _left_over(original):
                _poison(response)
                hostile = True
    finally:
        response.close()
    return response, hostile


async def read_answer_async(
    transport: httpx.AsyncBaseTransport, request: httpx.Request, *, max_bytes: int
) -> tuple[httpx.Response, bool]:
    """The async twin of `read_answer`."""
    response = await transport.handle_async_request(request)
    response.request = request
    try:
        hostile = _before_body(request, response)
        body = _Body(response, max_bytes)
        if response.is_stream_consumed:
            body.add(response.content)
        else:
            original = response.stream
            response.stream = _AsyncCapped(original, body)
            await response.aread()
            if _left_over(original):
                _poison(response)
                hostile = True
    finally:
        await response.aclose()
    return response, hostile
