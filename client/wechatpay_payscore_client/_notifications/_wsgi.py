"""`NotificationWSGIApp`: the notify_url endpoint as a pure WSGI application (no web framework needed).

Dispatch to it from any WSGI framework (e.g. werkzeug's `DispatcherMiddleware` in Flask) or serve it alone: it
answers POST requests with `handle_notification`, after reading the raw body as received (bounded by
`max_body_bytes`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeAlias

from ._answers import Answer
from ._core import handle_notification
from ._http import NotificationEndpoint, method_not_allowed, status_line, too_large

__all__ = ["NotificationWSGIApp"]

StartResponse: TypeAlias = Callable[..., Any]


class NotificationWSGIApp(NotificationEndpoint):
    """A WSGI application that answers WeChat Pay's notifications: POST only (405 otherwise), a body of at most
    `max_body_bytes` (413 otherwise), then `handle_notification(source, headers, body, handler, store=store,
    deadline=deadline, handle_unknown=handle_unknown)`; the server's request thread waits at most `deadline`.
    """

    def __call__(self, environ: Mapping[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        answer = self._answer(environ)
        headers = [*answer.headers.items(), ("Content-Length", str(len(answer.body)))]
        start_response(status_line(answer.status), headers)
        return [answer.body]

    def _answer(self, environ: Mapping[str, Any]) -> Answer:
        if environ.get("REQUEST_METHOD") != "POST":
            return method_not_allowed()
        body = _body(environ, self.max_body_bytes)
        if body is None:
            return too_large(self.max_body_bytes)
        return handle_notification(
            self.source,
            _headers(environ),
            body,
            self.handler,
            store=self.store,
            deadline=self.deadline,
            handle_unknown=self.handle_unknown,
        )


def _headers(environ: Mapping[str, Any]) -> dict[str, str]:
    """The request headers under their HTTP names (`HTTP_WECHATPAY_SERIAL` is `Wechatpay-Serial`)."""
    headers = {key[5:].replace("_", "-").title(): value for key, value in environ.items() if key.startswith("HTTP_")}
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.replace("_", "-").title()] = environ[key]
    return headers


def _body(environ: Mapping[str, Any], limit: int) -> bytes | None:
    """The raw body, or None when it is larger than `limit` bytes (then not read).

    Protocol rule (PEP 3333): read no more than `CONTENT_LENGTH`; without it, only a server that marks its input as
    terminated (`wsgi.input_terminated`, e.g. for a chunked body) can be read to the end.
    """
    stream = environ["wsgi.input"]
    declared = str(environ.get("CONTENT_LENGTH") or "")
    if declared.isdigit():
        length = int(declared)
        if length > limit:
            return None
        data: bytes = stream.read(length) if length else b""
        return data
    if environ.get("wsgi.input_terminated"):
        data = stream.read(limit + 1)
        return None if len(data) > limit else data
    return b""
