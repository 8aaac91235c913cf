"""The emulator's order clock: the configured clock plus an offset that tests advance instead of waiting.

Order times (creation, last change, a deduction's 24 hours, the 30 days after which an unconfirmed order
expires, the `paid_time` of a collection) follow this clock. Request signatures do not: a client signs with its own
clock, and WeChat Pay's 300-second window and the answers' `Wechatpay-Timestamp` stay on the configured clock, so
advancing the order clock by a month does not make every request a `401 SIGN_ERROR`.
"""

from __future__ import annotations

import datetime
import math
import threading
from collections.abc import Callable

from ._errors import ControlError

__all__ = ["BEIJING", "MAX_OFFSET", "OrderClock", "beijing_time"]

# WeChat Pay's times are Beijing time (UTC+8, no daylight saving).
BEIJING = datetime.timezone(datetime.timedelta(hours=8), "Asia/Shanghai")
# A hundred years: more than any test needs, and far from the year 9999, after which a time has no yyyyMMdd form.
MAX_OFFSET = 100 * 366 * 24 * 3600


def beijing_time(unix_seconds: int) -> str:
    """`yyyyMMddHHmmss` in Beijing time, the form of WeChat Pay's `paid_time`."""
    return datetime.datetime.fromtimestamp(unix_seconds, BEIJING).strftime("%Y%m%d%H%M%S")


class OrderClock:
    """`now()` = the configured clock + the offset advanced so far (whole seconds; fractions accumulate)."""

    def __init__(self, base: Callable[[], int]) -> None:
        self._base = base
        self._lock = threading.Lock()
        self._offset = 0.0

    @property
    def offset(self) -> float:
        """Seconds the clock was advanced since the last reset."""
        with self._lock:
            return self._offset

    def now(self) -> int:
        """The order clock's time, Unix seconds."""
        with self._lock:
            offset = self._offset
        return self._base() + math.floor(offset)

    def advance(self, seconds: object) -> int:
        """Move the clock forward by `seconds` (a finite number ≥ 0); returns the new `now()`.

        `ControlError` for anything else (a negative, NaN or infinite number, a boolean, text), or for an advance
        that would take the clock more than `MAX_OFFSET` seconds ahead: time only moves forward, as WeChat Pay's.
        """
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            raise ControlError("advance_seconds must be a number of seconds")
        if isinstance(seconds, float) and not math.isfinite(seconds):
            raise ControlError("advance_seconds must be a finite number")
        if seconds < 0:
            raise ControlError("advance_seconds must not be negative: the clock only moves forward")
        with self._lock:
            if self._offset + seconds > MAX_OFFSET:
                raise ControlError(f"the clock may be advanced by at most {MAX_OFFSET} seconds in all")
            self._offset += float(seconds)
        return self.now()

    def reset(self) -> None:
        """Back to the configured clock."""
        with self._lock:
            self._offset = 0.0
