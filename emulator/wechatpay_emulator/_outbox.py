"""The notification outbox: every notification written at its change, its delivery attempts, and the retries due.

A notification is written here under the order store's lock, in the same step as the change it reports, so that no
change is lost and the notifications of one order are written in the order of its changes. The delivery worker
(`_delivery`) takes what is due, one at a time, and reports each attempt back; this module decides what follows:

- a 2xx answer in time: `delivered`;
- anything else (another status, no answer, a timeout): the next delay of the notification's schedule, multiplied
  by the time scale, then `pending` again; with the schedule used up, `failed`;
- a URL the emulator may not contact: `refused` when written, never attempted.

Retry schedule (notifications §1.3, the payment-notice pages and the Pay Score copies of them):
15s/15s/30s/3m/10m/20m/30m/30m/30m/60m/3h/3h/3h/6h/6h — 16 attempts over 24 h 4 min. `PAYSCORE.MCH_PREPAY` is
attempted once: its pages promise no retry ("微信认为通知失败" and no more), and the user waits on 立即支付 for that
one answer. Retries run on real time (scaled), not on the order clock.
"""

from __future__ import annotations

import base64
import collections
import heapq
import itertools
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from ._notification_content import MCH_PREPAY
from ._notification_wire import Message
from ._notify_settings import NotificationSettings

__all__ = [
    "ANSWER_LIMIT",
    "DUPLICATE_GAP",
    "NOTIFICATION_LOG_CAPACITY",
    "RETRY_SCHEDULE",
    "Delivery",
    "Notification",
    "NotificationAttempt",
    "Outbox",
    "retries_of",
]

RETRY_SCHEDULE: tuple[float, ...] = (
    15, 15, 30, 180, 600, 1200, 1800, 1800, 1800, 3600, 10800, 10800, 10800, 21600, 21600,
)  # fmt: skip
# A duplicate follows its original by a second ("换一条链路进行通知 … 收到两次通知", 1 s apart; notifications §1.2).
DUPLICATE_GAP = 1.0
# The newest notifications kept in the log (pending ones are delivered even once they are out of it).
NOTIFICATION_LOG_CAPACITY = 10_000
# How much of each answer is kept: a MCH_PREPAY answer may carry Base64 of a whole prepay exchange.
ANSWER_LIMIT = 16 * 1024


def retries_of(event_type: str) -> tuple[float, ...]:
    """The delays (seconds, before scaling) between the attempts of an `event_type` notification."""
    return () if event_type == MCH_PREPAY else RETRY_SCHEDULE


def _text(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


@attrs.frozen(kw_only=True)
class NotificationAttempt:
    """One attempt to deliver a notification: when (`at`, Unix seconds, real time), where, what was sent (`headers`,
    `body`), what came back (`status`, None without an answer; `answer`, the first `ANSWER_LIMIT` bytes of its
    body), how long it took (`duration`, seconds) and what it counted as (`outcome`: `delivered`, `failed` or
    `timeout`), with `error` saying why when not delivered and `fault` the notification fault that spoiled it."""

    number: int
    at: float
    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    status: int | None
    error: str | None
    answer: bytes
    answer_truncated: bool
    duration: float
    outcome: str
    fault: str | None

    def header(self, name: str) -> str | None:
        """A header that was sent, case-insensitively."""
        lowered = name.lower()
        return next((value for key, value in self.headers if key.lower() == lowered), None)

    def to_json(self) -> dict[str, Any]:
        """The JSON form served in `GET /_emulator/notifications` (bodies as text, null when not UTF-8, and
        Base64)."""
        return {
            "number": self.number,
            "at": self.at,
            "url": self.url,
            "headers": [list(pair) for pair in self.headers],
            "body": _text(self.body),
            "status": self.status,
            "error": self.error,
            "answer": _text(self.answer),
            "answer_base64": base64.b64encode(self.answer).decode("ascii"),
            "answer_truncated": self.answer_truncated,
            "duration": self.duration,
            "outcome": self.outcome,
            "fault": self.fault,
        }


@attrs.frozen(kw_only=True)
class Notification:
    """One notification and its delivery: `seq` numbers them in the order written (from 1); `id`, `event_type`,
    `create_time`, `summary` are the envelope's, `resource` its decrypted resource, `body` the envelope as sent;
    `url` where it goes; `state` `pending` (an attempt is due, `next_attempt_at` in Unix seconds), `sending`,
    `delivered`, `failed` (no 2xx in time after the last attempt) or `refused` (not contacted: `reason` says
    why); `attempts` oldest first; `duplicate_of` the `seq` this one repeats (a `duplicate` fault)."""

    seq: int
    id: str
    event_type: str
    out_order_no: str
    mchid: str
    url: str
    create_time: str
    summary: str
    resource: Mapping[str, Any]
    body: bytes
    state: str
    reason: str | None
    attempts: tuple[NotificationAttempt, ...]
    next_attempt_at: float | None
    duplicate_of: int | None

    def to_json(self) -> dict[str, Any]:
        """The JSON form served by `GET /_emulator/notifications`."""
        return {
            "seq": self.seq,
            "id": self.id,
            "event_type": self.event_type,
            "out_order_no": self.out_order_no,
            "mchid": self.mchid,
            "url": self.url,
            "create_time": self.create_time,
            "summary": self.summary,
            "resource": dict(self.resource),
            "body": self.body.decode("utf-8"),
            "state": self.state,
            "reason": self.reason,
            "attempts": [attempt.to_json() for attempt in self.attempts],
            "next_attempt_at": self.next_attempt_at,
            "duplicate_of": self.duplicate_of,
        }


@attrs.define(kw_only=True)
class Delivery:
    """The outbox's working record of one notification (mutable, under the outbox's lock)."""

    seq: int
    message: Message
    url: str
    state: str
    reason: str | None = None
    attempts: list[NotificationAttempt] = attrs.Factory(list)
    delays: list[float] = attrs.Factory(list)
    due: float | None = None  # time.monotonic() of the next attempt while pending
    duplicate_of: int | None = None
    epoch: int = 0

    def snapshot(self) -> Notification:
        next_at = None if self.due is None else time.time() + (self.due - time.monotonic())
        return Notification(
            seq=self.seq,
            id=self.message.id,
            event_type=self.message.event_type,
            out_order_no=self.message.out_order_no,
            mchid=self.message.mchid,
            url=self.url,
            create_time=self.message.create_time,
            summary=self.message.summary,
            resource=self.message.resource,
            body=self.message.body,
            state=self.state,
            reason=self.reason,
            attempts=tuple(self.attempts),
            next_attempt_at=next_at if self.state == "pending" else None,
            duplicate_of=self.duplicate_of,
        )


class Outbox:
    """The notifications written, oldest first (the newest `NOTIFICATION_LOG_CAPACITY`), and the deliveries due.

    Thread-safe: the order store writes under its own lock, delivery workers take and finish attempts, tests read.
    `reset()` forgets everything; an attempt in progress then is not recorded.
    """

    def __init__(self, settings: NotificationSettings, capacity: int = NOTIFICATION_LOG_CAPACITY) -> None:
        self._condition = threading.Condition()
        self._settings = settings
        self._seq = itertools.count(1)
        self._log: collections.deque[Delivery] = collections.deque(maxlen=capacity)
        self._due: list[tuple[float, int, Delivery]] = []  # a heap by (due, seq)
        self._sending = 0
        self._workers = 0
        self._epoch = 0

    # -- settings ------------------------------------------------------------------------------------------------

    @property
    def settings(self) -> NotificationSettings:
        """How notifications are delivered now."""
        with self._condition:
            return self._settings

    def set_settings(self, settings: NotificationSettings) -> None:
        """Deliver with `settings` from now on (a new time scale applies to the retries scheduled after it)."""
        with self._condition:
            self._settings = settings

    # -- writing -------------------------------------------------------------------------------------------------

    def write(
        self,
        message: Message,
        url: str,
        delays: Sequence[float],
        *,
        after: float = 0.0,
        duplicate_of: int | None = None,
    ) -> int:
        """Write a notification to deliver to `url` in `after` seconds (real time), retried after `delays`
        (scaled when each is scheduled); returns its `seq`."""
        with self._condition:
            delivery = Delivery(
                seq=next(self._seq),
                message=message,
                url=url,
                state="pending",
                delays=list(delays),
                due=time.monotonic() + after,
                duplicate_of=duplicate_of,
                epoch=self._epoch,
            )
            self._log.append(delivery)
            heapq.heappush(self._due, (delivery.due or 0.0, delivery.seq, delivery))
            self._condition.notify_all()
            return delivery.seq

    def refuse(self, message: Message, url: str, reason: str) -> int:
        """Record a notification that is not sent (`refused`, with `reason`); returns its `seq`."""
        with self._condition:
            delivery = Delivery(seq=next(self._seq), message=message, url=url, state="refused", reason=reason)
            self._log.append(delivery)
            self._condition.notify_all()
            return delivery.seq

    # -- delivering ----------------------------------------------------------------------------------------------

    def attach_worker(self) -> None:
        """A delivery worker started: pending deliveries will be attempted (and `wait_settled` waits for them)."""
        with self._condition:
            self._workers += 1
            self._condition.notify_all()

    def detach_worker(self) -> None:
        """A delivery worker stopped."""
        with self._condition:
            self._workers -= 1
            self._condition.notify_all()

    def wake(self) -> None:
        """Wake every waiting worker (to notice that it is asked to stop)."""
        with self._condition:
            self._condition.notify_all()

    def take_due(self, timeout: float, stopping: threading.Event) -> Delivery | None:
        """The delivery whose attempt is due first (marked `sending`), waiting at most `timeout` seconds for one;
        None on timeout or when `stopping` is set."""
        end = time.monotonic() + timeout
        with self._condition:
            while not stopping.is_set():
                now = time.monotonic()
                if self._due and self._due[0][0] <= now:
                    _, _, delivery = heapq.heappop(self._due)
                    delivery.state, delivery.due = "sending", None
                    self._sending += 1
                    return delivery
                remaining = end - now
                if remaining <= 0:
                    return None
                wait = remaining if not self._due else min(remaining, self._due[0][0] - now)
                self._condition.wait(max(wait, 0.0))
        return None

    def finish(self, delivery: Delivery, attempt: NotificationAttempt) -> None:
        """Record an attempt of a delivery taken with `take_due`, and decide what follows (see the module)."""
        with self._condition:
            self._sending -= 1
            if delivery.epoch == self._epoch:
                delivery.attempts.append(attempt)
                if attempt.outcome == "delivered":
                    delivery.state, delivery.reason = "delivered", None
                elif delivery.delays:
                    delay = delivery.delays.pop(0) * self._settings.time_scale
                    delivery.state, delivery.reason = "pending", attempt.error
                    delivery.due = time.monotonic() + delay
                    heapq.heappush(self._due, (delivery.due, delivery.seq, delivery))
                else:
                    delivery.state = "failed"
                    delivery.reason = f"{attempt.error}; no attempt left after {len(delivery.attempts)}"
            self._condition.notify_all()

    # -- reading and waiting -------------------------------------------------------------------------------------

    def entries(self) -> list[Notification]:
        """Every notification kept, oldest first (snapshots)."""
        with self._condition:
            return [delivery.snapshot() for delivery in self._log]

    def _settled(self, deadline: float) -> bool:
        if self._sending:
            return False
        if not self._workers:
            return True  # nothing will be delivered until a worker runs: nothing to wait for
        return not self._due or self._due[0][0] > deadline

    def wait_settled(self, deadline: float) -> bool:
        """Block until no attempt is in progress and no attempt is due before `deadline` (`time.monotonic()`);
        False when that did not happen by then. Without a worker running, pending deliveries are not waited for."""
        with self._condition:
            while not self._settled(deadline):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._condition.wait(remaining)
            return True

    def reset(self, settings: NotificationSettings) -> None:
        """Forget every notification and pending delivery; deliver with `settings`. An attempt in progress is
        finished by its worker but not recorded."""
        with self._condition:
            self._epoch += 1
            self._log.clear()
            self._due.clear()
            self._seq = itertools.count(1)
            self._settings = settings
            self._condition.notify_all()
