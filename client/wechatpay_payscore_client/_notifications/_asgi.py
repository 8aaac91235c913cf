"""`NotificationASGIApp`: the notify_url endpoint as a pure ASGI application (no web framework needed).

Mount it in any ASGI framework or serve it alone: it answers POST requests with `ahandle_notification`, after
reading the raw body as received (bounded by `max_body_bytes`), and answers the lifespan protocol when it is the
server's top application.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, TypeAlias

from ._answers import Answer
from ._core import ahandle_notification
from ._http import NotificationEndpoint, method_not_allowed, too_large

__all__ = ["NotificationASGIApp"]

Scope: TypeAlias = MutableMapping[str, Any]
Message: TypeAlias = MutableMapping[str, Any]
Receive: TypeAlias = Callable[[], Awaitable[Message]]
Send: TypeAlias = Callable[[Message], Awaitable[None]]


class _Disconnected(Exception):
    """The client went away before its body was read: there is no one to answer."""


class NotificationASGIApp(NotificationEndpoint):
    """An ASGI application that answers WeChat Pay's notifications: POST only (405 otherwise), a body of at most
    `max_body_bytes` (413 otherwise), then `ahandle_notification(source, headers, body, handler, store=store,
    deadline=deadline, handle_unknown=handle_unknown)`.

    A coroutine function handler is awaited on the server's event loop (asyncio); any other runs in a worker thread.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
        elif scope["type"] == "http":
            await self._http(scope, receive, send)
        else:  # a websocket: closed before it is accepted (the server answers 403)
            await send({"type": "websocket.close", "code": 1008})

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] != "POST":
            await _answer(send, method_not_allowed())
            return
        headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            await _answer(send, too_large(self.max_body_bytes))
            return
        try:
            body = await _body(receive, self.max_body_bytes)
        except _Disconnected:
            return
        if body is None:
            await _answer(send, too_large(self.max_body_bytes))
            return
        answer = await ahandle_notification(
            self.source,
            headers,
            body,
            self.handler,
            store=self.store,
            deadline=self.deadline,
            handle_unknown=self.handle_unknown,
        )
        await _answer(send, answer)


async def _body(receive: Receive, limit: int) -> bytes | None:
    """The request body as received, or None as soon as it exceeds `limit` bytes (the rest is not read)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _Disconnected
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _answer(send: Send, answer: Answer) -> None:
    headers = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in answer.headers.items()]
    headers.append((b"content-length", str(len(answer.body)).encode("ascii")))
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": answer.body})


async def _lifespan(receive: Receive, send: Send) -> None:
    # Nothing to set up or tear down: the store opens its connections per operation.
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
