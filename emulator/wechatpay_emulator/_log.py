"""The request log: what reached the emulator's API and how it was answered, and what is being handled now.

Each request carries two precise times, `arrived_at` (its headers reached the app) and `finished_at` (its answer
was handed to the server, its connection was cut, or its client went away before its body arrived): a test can
tell whether two requests of one order were ever handled at once, and count the requests in any window of time.
"""

from __future__ import annotations

import base64
import collections
import threading
import time
from typing import Any

import attrs

from ._errors import ControlError

__all__ = [
    "DEFAULT_REQUEST_LOG_CAPACITY",
    "LOGGED_BODY_LIMIT",
    "LOGGED_HEADER_LIMIT",
    "MAX_REQUEST_LOG_CAPACITY",
    "InFlight",
    "InFlightRequest",
    "RequestLog",
    "RequestLogEntry",
    "precise_time",
    "truncated_headers",
]

# The log keeps the newest requests only: a flood at the emulator must not grow its memory without bound.
DEFAULT_REQUEST_LOG_CAPACITY = 10_000
# The most entries the log may be asked to keep: a bound on its memory (each entry holds up to LOGGED_BODY_LIMIT of
# body), and on what `collections.deque` accepts (a C ssize_t: a larger `maxlen` raises OverflowError).
MAX_REQUEST_LOG_CAPACITY = 1_000_000
# What the log keeps of each request: a sync body is a few hundred bytes, an Authorization header about 500.
LOGGED_BODY_LIMIT = 2048
LOGGED_HEADER_LIMIT = 2048

# Request times are the monotonic clock, anchored once to the wall clock: Unix seconds that never go backwards and
# whose differences are exact, whatever the configured clock (which tests freeze) or a step of the system clock.
_WALL_ANCHOR = time.time()
_MONOTONIC_ANCHOR = time.monotonic()


def precise_time() -> float:
    """Now, in Unix seconds with sub-millisecond precision, on the clock of the request times."""
    return _WALL_ANCHOR + (time.monotonic() - _MONOTONIC_ANCHOR)


@attrs.frozen(kw_only=True)
class RequestLogEntry:
    """One API request as received and answered.

    `target` is the raw request target (path and query, percent-escapes untouched), `body` the raw bytes, cut at
    `LOGGED_BODY_LIMIT` (`body_size` is the size received, `body_truncated` says whether it was cut; header values
    are cut at `LOGGED_HEADER_LIMIT` characters). `status` is None when the connection was dropped without an answer.
    `signature_verified` is None when the request was answered before its signature was checked (a missing header,
    an injected fault before checks).

    `received_at` is the configured clock's whole second when the request was logged; `arrived_at` and `finished_at`
    are `precise_time()` when the request arrived and when it was finished (see the module). `peer` is the client's
    `host:port` as the server saw it; `operation` the contract's `operationId` and `out_order_no` the order the
    request names (None: no operation matched, or the request names no order).
    """

    request_id: str
    received_at: int
    arrived_at: float
    finished_at: float
    peer: str | None = None
    operation: str | None = None
    out_order_no: str | None = None
    method: str
    target: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    body_size: int = attrs.field(default=attrs.Factory(lambda self: len(self.body), takes_self=True))
    body_truncated: bool = False
    status: int | None
    code: str | None
    signature_verified: bool | None
    fault: str | None

    def header(self, name: str) -> str | None:
        """The first value of a request header, case-insensitively."""
        lowered = name.lower()
        return next((value for key, value in self.headers if key.lower() == lowered), None)

    def to_json(self) -> dict[str, Any]:
        """The JSON form served by `/_emulator/requests` (the body as text when UTF-8, and as Base64)."""
        try:
            text: str | None = self.body.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        return {
            "request_id": self.request_id,
            "received_at": self.received_at,
            "arrived_at": self.arrived_at,
            "finished_at": self.finished_at,
            "peer": self.peer,
            "operation": self.operation,
            "out_order_no": self.out_order_no,
            "method": self.method,
            "target": self.target,
            "headers": [list(pair) for pair in self.headers],
            "body": text,
            "body_base64": base64.b64encode(self.body).decode("ascii"),
            "body_size": self.body_size,
            "body_truncated": self.body_truncated,
            "status": self.status,
            "code": self.code,
            "signature_verified": self.signature_verified,
            "fault": self.fault,
        }


@attrs.frozen(kw_only=True)
class InFlightRequest:
    """One API request being handled: what it is as far as it has been read (`operation`, `out_order_no` and `fault`
    are known once its body is read and its route matched), who sent it and since when."""

    request_id: str
    method: str
    target: str
    peer: str | None
    arrived_at: float
    operation: str | None = None
    out_order_no: str | None = None
    fault: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The JSON form served by `/_emulator/requests/in-flight`."""
        return {
            "request_id": self.request_id,
            "method": self.method,
            "target": self.target,
            "peer": self.peer,
            "arrived_at": self.arrived_at,
            "operation": self.operation,
            "out_order_no": self.out_order_no,
            "fault": self.fault,
        }


class InFlight:
    """The API requests being handled, so that a test can see what is held open (and by whom), or wait for
    stragglers (a request whose client gave up on a slow answer is still processed to the end, as on WeChat Pay:
    its outcome is unknown, not void)."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._requests: dict[str, InFlightRequest] = {}

    @property
    def count(self) -> int:
        """Requests currently being handled."""
        with self._condition:
            return len(self._requests)

    def requests(self) -> list[InFlightRequest]:
        """The requests being handled, oldest first (a snapshot)."""
        with self._condition:
            return sorted(self._requests.values(), key=lambda request: request.arrived_at)

    def enter(self, request: InFlightRequest) -> None:
        """A request arrived."""
        with self._condition:
            self._requests[request.request_id] = request

    def describe(self, request_id: str, *, operation: str | None, out_order_no: str | None, fault: str | None) -> None:
        """What a request turned out to be once read and matched."""
        with self._condition:
            request = self._requests.get(request_id)
            if request is not None:
                self._requests[request_id] = attrs.evolve(
                    request, operation=operation, out_order_no=out_order_no, fault=fault
                )

    def leave(self, request_id: str) -> None:
        """A request was answered, dropped or abandoned."""
        with self._condition:
            self._requests.pop(request_id, None)
            self._condition.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Block until no request is being handled; False if that did not happen within `timeout` seconds."""
        with self._condition:
            return self._condition.wait_for(lambda: not self._requests, timeout=timeout)


class RequestLog:
    """A thread-safe ring buffer of `RequestLogEntry`: the newest `capacity` requests, oldest first."""

    def __init__(self, capacity: int = DEFAULT_REQUEST_LOG_CAPACITY) -> None:
        self._lock = threading.Lock()
        self._entries: collections.deque[RequestLogEntry] = collections.deque(maxlen=_checked_capacity(capacity))

    @property
    def capacity(self) -> int:
        """How many entries are kept; older ones are forgotten first."""
        assert self._entries.maxlen is not None  # noqa: S101 - always set in __init__
        return self._entries.maxlen

    def set_capacity(self, capacity: int) -> None:
        """Keep at most `capacity` entries from now on (the newest ones when shrinking)."""
        with self._lock:
            self._entries = collections.deque(self._entries, maxlen=_checked_capacity(capacity))

    def append(self, entry: RequestLogEntry) -> None:
        """Record one answered (or dropped) request, forgetting the oldest when full."""
        with self._lock:
            self._entries.append(entry)

    def entries(self) -> list[RequestLogEntry]:
        """A snapshot, oldest first."""
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()


def _checked_capacity(capacity: int) -> int:
    """A request log capacity: an integer from 1 to `MAX_REQUEST_LOG_CAPACITY` (else `ControlError`, a 400)."""
    if isinstance(capacity, bool) or not isinstance(capacity, int) or not 1 <= capacity <= MAX_REQUEST_LOG_CAPACITY:
        raise ControlError(f"the request log capacity must be an integer from 1 to {MAX_REQUEST_LOG_CAPACITY}")
    return capacity


def truncated_headers(headers: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """Header pairs with each value cut at `LOGGED_HEADER_LIMIT` characters, for the log."""
    return tuple((name, value[:LOGGED_HEADER_LIMIT]) for name, value in headers)
