"""The request log: what reached the emulator's API and how it was answered."""

from __future__ import annotations

import base64
import threading
from typing import Any

import attrs

__all__ = ["InFlight", "RequestLog", "RequestLogEntry"]


@attrs.frozen(kw_only=True)
class RequestLogEntry:
    """One API request as received and answered.

    `target` is the raw request target (path and query, percent-escapes untouched), `body` the raw bytes.
    `status` is None when the connection was dropped without an answer. `signature_verified` is None when the
    request was answered before its signature was checked (a missing header, an injected fault before checks).
    """

    request_id: str
    received_at: int
    method: str
    target: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
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
            "method": self.method,
            "target": self.target,
            "headers": [list(pair) for pair in self.headers],
            "body": text,
            "body_base64": base64.b64encode(self.body).decode("ascii"),
            "status": self.status,
            "code": self.code,
            "signature_verified": self.signature_verified,
            "fault": self.fault,
        }


class InFlight:
    """Counts API requests being handled, so that a test can wait for stragglers (a request whose client gave up
    on a slow answer is still processed to the end, as on WeChat Pay: its outcome is unknown, not void)."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._count = 0

    @property
    def count(self) -> int:
        """Requests currently being handled."""
        with self._condition:
            return self._count

    def enter(self) -> None:
        """A request arrived."""
        with self._condition:
            self._count += 1

    def leave(self) -> None:
        """A request was answered, dropped or abandoned."""
        with self._condition:
            self._count -= 1
            self._condition.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        """Block until no request is being handled; False if that did not happen within `timeout` seconds."""
        with self._condition:
            return self._condition.wait_for(lambda: self._count == 0, timeout=timeout)


class RequestLog:
    """An append-only, thread-safe list of `RequestLogEntry`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[RequestLogEntry] = []

    def append(self, entry: RequestLogEntry) -> None:
        """Record one answered (or dropped) request."""
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
