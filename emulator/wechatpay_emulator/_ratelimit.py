"""An optional per-merchant request-rate ceiling, so that a client's pacing can be tested.

WeChat Pay answers `429 FREQUENCY_LIMITED` above a rate it does not publish; the emulator does the same above
`per_second` requests in any sliding one-second window, per merchant (`mchid`), with a `Retry-After` in whole
seconds. A refused request does not count, and has no effect.
"""

from __future__ import annotations

import collections
import math
import threading
import time
from collections.abc import Callable

from ._errors import ControlError

__all__ = ["RateLimiter", "check_rate"]

_WINDOW = 1.0


def check_rate(per_second: object) -> int | None:
    """`per_second` when it is a positive integer or None (no limit), else `ControlError`."""
    if per_second is None:
        return None
    if isinstance(per_second, bool) or not isinstance(per_second, int) or per_second < 1:
        raise ControlError("the rate limit must be a positive integer of requests per second, or null for none")
    return per_second


class RateLimiter:
    """Sliding-window counters per merchant; thread-safe, memory bounded by `per_second` per merchant."""

    def __init__(self, per_second: int | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._per_second = check_rate(per_second)
        self._admitted: dict[str, collections.deque[float]] = {}

    @property
    def per_second(self) -> int | None:
        """The ceiling, or None when there is none."""
        return self._per_second

    def set(self, per_second: int | None) -> None:
        """A new ceiling (None: no limit); the counts start afresh."""
        checked = check_rate(per_second)
        with self._lock:
            self._per_second = checked
            self._admitted.clear()

    def admit(self, mchid: str) -> int | None:
        """None when a request of `mchid` may proceed (it is counted), else the `Retry-After` seconds (>= 1)."""
        with self._lock:
            limit = self._per_second
            if limit is None:
                return None
            now = self._clock()
            times = self._admitted.setdefault(mchid, collections.deque())
            while times and now - times[0] >= _WINDOW:
                times.popleft()
            if len(times) >= limit:
                return max(1, math.ceil(_WINDOW - (now - times[0])))
            times.append(now)
            return None
