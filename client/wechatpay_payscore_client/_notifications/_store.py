"""What deduplicating notifications needs from storage: claim an id, then mark it done or release it.

WeChat Pay delivers a notification again until it sees a 2xx, and sometimes twice at once over another route, so
the handler must not run twice for one notification `id`. A `NotificationStore` records, per `id`, either a live
claim (a delivery is running the handler; the claim is a lease, so that a crashed process's claim expires) or the
answer given once the handler succeeded (kept for `retention`, longer than WeChat Pay's longest retry schedule).
The application may implement this Protocol on its own database; `SQLiteNotificationStore` and
`MemoryNotificationStore` are the two given here.
"""

from __future__ import annotations

import enum
import math
from typing import Protocol, runtime_checkable

from ._answers import Answer

__all__ = [
    "DEFAULT_LEASE",
    "DEFAULT_RETENTION",
    "LONGEST_RETRY_SCHEDULE",
    "NotificationClaim",
    "NotificationStore",
    "check_durations",
]

# Protocol rule: the longest published retry schedule, 15s/15s/30s/3m/10m/20m/30m/30m/30m/60m/3h/3h/3h/6h/6h,
# totals 24 h 4 min; an id forgotten sooner would let a late retry run the handler again.
LONGEST_RETRY_SCHEDULE = 24 * 3600 + 4 * 60
# Twice that: a margin for clock differences and for a schedule that grows.
DEFAULT_RETENTION = 48 * 3600.0
# How long a claim holds without an outcome: far beyond the answer deadline (under 5 s), so that a slow handler
# keeps its claim, yet short enough that a crashed process's notification is handled again by a later delivery.
DEFAULT_LEASE = 120.0


class NotificationClaim(enum.Enum):
    """What `NotificationStore.claim` found when the id had no recorded answer."""

    CLAIMED = "claimed"  # the caller holds the claim now: it runs the handler, then completes or releases
    BUSY = "busy"  # another delivery holds a live claim: its handler is running


@runtime_checkable
class NotificationStore(Protocol):
    """Storage for deduplicating notifications by `id`; every method is atomic and safe across threads.

    `token` is the caller's random name for one claim, so that a delivery whose lease expired cannot release the
    claim another delivery took since.
    """

    def claim(self, notification_id: str, token: str) -> NotificationClaim | Answer:
        """Claim `notification_id` for this delivery, or say why not.

        Returns the `Answer` recorded by `complete` (the notification was handled: answer it again, without running
        the handler), `NotificationClaim.BUSY` while another delivery's claim is live, and otherwise records a
        claim under `token` that holds for the store's lease and returns `NotificationClaim.CLAIMED`.
        """
        ...

    def complete(self, notification_id: str, token: str, answer: Answer) -> None:
        """The handler succeeded: record `answer` as the notification's answer, kept for the store's retention."""
        ...

    def release(self, notification_id: str, token: str) -> None:
        """The handler failed or asked for a retry: drop the claim under `token` (if it is still this one's), so
        that the next delivery runs the handler again. A recorded answer is never dropped."""
        ...


def check_durations(retention: float, lease: float) -> None:
    """Refuse a retention shorter than WeChat Pay's longest retry schedule, and a lease that is not a duration."""
    if isinstance(retention, bool) or not isinstance(retention, int | float) or not math.isfinite(retention):
        raise ValueError(f"retention must be a finite number of seconds, got {retention!r}")
    if retention < LONGEST_RETRY_SCHEDULE:
        raise ValueError(
            f"retention is {retention!r} s, shorter than WeChat Pay's longest retry schedule "
            f"({LONGEST_RETRY_SCHEDULE} s, 24 h 4 min): a late retry would run the handler again"
        )
    if isinstance(lease, bool) or not isinstance(lease, int | float) or not (0 < lease < math.inf):
        raise ValueError(f"lease must be a positive, finite number of seconds, got {lease!r}")
