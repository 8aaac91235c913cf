"""What a test holds while the emulator delivers notifications to its application: where they go, and what the
application received and answered (the emulator's delivery log, filtered by order and event)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wechatpay_emulator import Emulator, Notification, NotificationAttempt

__all__ = ["NotificationReceiver"]

# How often `wait_for` looks at the delivery log: far below a delivery's own time on loopback.
_POLL = 0.005


class NotificationReceiver:
    """The application served for this test at `url`, which the emulator's notifications are sent to.

    `notifications(...)` and `attempts(...)` read the emulator's delivery log (every attempt with its status,
    answer, duration and outcome); `wait()` and `wait_for(...)` wait for deliveries. Filters: `out_order_no` and
    `event_type` (`"PAYSCORE.USER_CONFIRM"`, ...), None for any.
    """

    def __init__(self, emulator: Emulator, url: str) -> None:
        self.emulator = emulator
        self.url = url

    def notifications(self, out_order_no: str | None = None, event_type: str | None = None) -> list[Notification]:
        """The notifications written so far (to any URL), oldest first, with their attempts."""
        return [
            entry
            for entry in self.emulator.notifications
            if (out_order_no is None or entry.out_order_no == out_order_no)
            and (event_type is None or entry.event_type == event_type)
        ]

    def attempts(self, out_order_no: str | None = None, event_type: str | None = None) -> list[NotificationAttempt]:
        """Every delivery attempt of those notifications, in the order they were made."""
        found = [attempt for entry in self.notifications(out_order_no, event_type) for attempt in entry.attempts]
        return sorted(found, key=lambda attempt: attempt.at)

    def wait(self, timeout: float = 10.0) -> None:
        """Wait until no attempt is in progress or due within `timeout` (see `Emulator.wait_idle`); an
        `AssertionError` when the emulator is still busy then."""
        if not self.emulator.wait_idle(timeout):
            raise AssertionError(f"notifications were still being delivered after {timeout:g} s")

    def wait_for(
        self,
        out_order_no: str | None = None,
        event_type: str | None = None,
        *,
        attempts: int = 1,
        timeout: float = 10.0,
    ) -> list[NotificationAttempt]:
        """Wait until at least `attempts` attempts of the matching notifications are recorded; returns them all.
        An `AssertionError` naming what was seen when that does not happen within `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.attempts(out_order_no, event_type)
            if len(found) >= attempts:
                return found
            if time.monotonic() > deadline:
                seen = [(entry.event_type, entry.state, entry.reason) for entry in self.notifications()]
                raise AssertionError(
                    f"{len(found)} of {attempts} attempt(s) of {event_type or 'any event'} for "
                    f"{out_order_no or 'any order'} after {timeout:g} s; notifications: {seen}"
                )
            time.sleep(_POLL)
