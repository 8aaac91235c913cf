"""What the ASGI and WSGI applications share: the request limits and the answers to requests that are no
notification (another method, a body too large)."""

from __future__ import annotations

from http import HTTPStatus

from ._answers import Answer, failure_answer
from ._core import DEFAULT_DEADLINE, check_arguments
from ._handling import NotificationHandler
from ._open import NotificationSource
from ._store import NotificationStore

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "NotificationEndpoint",
    "check_max_body",
    "method_not_allowed",
    "status_line",
    "too_large",
]

# A notification body is an envelope around one encrypted order (a few KiB); 1 MiB bounds what a stranger can make
# the server hold in memory, with a wide margin for the largest order.
DEFAULT_MAX_BODY_BYTES = 1024 * 1024


def check_max_body(max_body_bytes: int) -> None:
    if isinstance(max_body_bytes, bool) or not isinstance(max_body_bytes, int) or max_body_bytes < 1:
        raise ValueError(f"max_body_bytes must be a positive int, got {max_body_bytes!r}")


def method_not_allowed() -> Answer:
    """Protocol rule: WeChat Pay delivers notifications with POST only; any other method is 405 with `Allow`."""
    answer = failure_answer("a notification is delivered with POST", 405)
    return Answer(answer.status, {**answer.headers, "Allow": "POST"}, answer.body)


def too_large(max_body_bytes: int) -> Answer:
    """413: the body is larger than the application accepts (it is not read)."""
    return failure_answer(f"the body is larger than {max_body_bytes} bytes", 413)


def status_line(status: int) -> str:
    """`"204 No Content"`: the status and its reason phrase, as WSGI's `start_response` takes it."""
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


class NotificationEndpoint:
    """The settings of an ASGI or WSGI notification application, checked once at construction (before any request
    arrives): what answers (`source`, `handler`, `store`, `deadline`, `handle_unknown`) and how much it reads."""

    def __init__(
        self,
        source: NotificationSource,
        handler: NotificationHandler,
        *,
        store: NotificationStore,
        deadline: float = DEFAULT_DEADLINE,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        handle_unknown: bool = False,
    ) -> None:
        check_arguments(handler, store, deadline)
        check_max_body(max_body_bytes)
        self.source = source
        self.handler = handler
        self.store = store
        self.deadline = deadline
        self.max_body_bytes = max_body_bytes
        self.handle_unknown = handle_unknown

    def __repr__(self) -> str:
        # The source (a client holding keys) is left out: a repr shows what answers, never with which secrets.
        name = getattr(self.handler, "__qualname__", type(self.handler).__name__)
        return f"{type(self).__name__}(handler={name}, store={self.store!r}, deadline={self.deadline:g})"
