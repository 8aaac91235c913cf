"""A notification store in this process's memory: for tests, and for one process that may forget on restart."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import attrs

from ._answers import Answer
from ._store import DEFAULT_LEASE, DEFAULT_RETENTION, NotificationClaim, check_durations

__all__ = ["MemoryNotificationStore"]

# Expired entries are swept at most this often (clock seconds): claims check expiry themselves, so a sweep only
# bounds memory, and sparing it keeps a claim O(1).
_SWEEP_INTERVAL = 60.0


@attrs.frozen
class _Entry:
    token: str
    expires_at: float
    answer: Answer | None  # None while claimed


class MemoryNotificationStore:
    """A `NotificationStore` in a dict behind a lock: safe across threads, not shared with other processes, lost on
    exit (a restart may run a handler again for a notification delivered before it). Same `retention`, `lease` and
    `clock` as `SQLiteNotificationStore`."""

    def __init__(
        self,
        *,
        retention: float = DEFAULT_RETENTION,
        lease: float = DEFAULT_LEASE,
        clock: Callable[[], float] = time.time,
    ) -> None:
        check_durations(retention, lease)
        self._retention = float(retention)
        self._lease = float(lease)
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()
        self._next_sweep = -float("inf")

    def __repr__(self) -> str:
        return f"MemoryNotificationStore(retention={self._retention:g}, lease={self._lease:g})"

    def __len__(self) -> int:
        """How many ids are held (claimed or done), expired ones not yet swept included."""
        return len(self._entries)

    def _sweep(self, now: float) -> None:
        if now >= self._next_sweep:
            self._entries = {key: entry for key, entry in self._entries.items() if entry.expires_at > now}
            self._next_sweep = now + _SWEEP_INTERVAL

    def claim(self, notification_id: str, token: str) -> NotificationClaim | Answer:
        """See `NotificationStore.claim`."""
        with self._lock:
            now = self._clock()
            self._sweep(now)
            entry = self._entries.get(notification_id)
            if entry is not None and entry.expires_at > now:
                return NotificationClaim.BUSY if entry.answer is None else _copy(entry.answer)
            self._entries[notification_id] = _Entry(token, now + self._lease, None)
            return NotificationClaim.CLAIMED

    def complete(self, notification_id: str, token: str, answer: Answer) -> None:
        """See `NotificationStore.complete`."""
        with self._lock:
            self._entries[notification_id] = _Entry(token, self._clock() + self._retention, _copy(answer))

    def release(self, notification_id: str, token: str) -> None:
        """See `NotificationStore.release`."""
        with self._lock:
            entry = self._entries.get(notification_id)
            if entry is not None and entry.answer is None and entry.token == token:
                del self._entries[notification_id]


def _copy(answer: Answer) -> Answer:
    # Answer is a tuple, but its headers are a dict: neither the caller nor the store may change the other's.
    return Answer(answer.status, dict(answer.headers), answer.body)
