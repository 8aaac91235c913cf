"""What happened to orders: one event per change, from which notifications (PAYSCORE.USER_CONFIRM, USER_PAID, ...)
can be sent.

An event is recorded for every change of an order made by an API call or a control action (`create`,
`USER_CONFIRM`, `complete`, `modify`, `registerdeductinfo`, `collect`, `USER_PAID`, `sync`, `cancel`,
`lapse-deduction`) and by the passing of time (`expire`: 30 days untouched in `CREATED`; `deduction-lapsed`: a
deduction's 24 hours ran out). A call that changes nothing — a re-entry (原参重入), a refusal, a read — records
nothing. Seeding and reset are not changes of an order's life and record nothing either.
"""

from __future__ import annotations

import collections
import itertools
import threading
from typing import Any

import attrs

from ._clock import beijing_time

__all__ = ["EVENT_LOG_CAPACITY", "Event", "EventLog"]

# The newest events kept: a long run must not grow the emulator's memory without bound.
EVENT_LOG_CAPACITY = 100_000


@attrs.frozen(kw_only=True)
class Event:
    """One change of one order: when (`time`, Unix seconds of the order clock), which order, from which state to
    which, and its `cause`. `seq` numbers events in the order they were recorded, from 1. A change that follows
    from time passing is dated when it happened (the 30th day, the 24th hour), even if it is noticed later."""

    seq: int
    time: int
    out_order_no: str
    mchid: str
    cause: str
    from_state: str | None
    from_state_description: str | None
    to_state: str
    to_state_description: str | None

    def to_json(self) -> dict[str, Any]:
        """The JSON form served by `GET /_emulator/events`, with `beijing_time` (`yyyyMMddHHmmss`) beside `time`."""
        data = attrs.asdict(self)
        data["beijing_time"] = beijing_time(self.time)
        return data


class EventLog:
    """The events, oldest first, the newest `EVENT_LOG_CAPACITY` of them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seq = itertools.count(1)
        self._events: collections.deque[Event] = collections.deque(maxlen=EVENT_LOG_CAPACITY)

    def record(
        self,
        *,
        time: int,
        out_order_no: str,
        mchid: str,
        cause: str,
        before: tuple[str, str | None] | None,
        after: tuple[str, str | None],
    ) -> Event:
        """Append one event; `before` None for an order that did not exist (a create)."""
        with self._lock:
            event = Event(
                seq=next(self._seq),
                time=time,
                out_order_no=out_order_no,
                mchid=mchid,
                cause=cause,
                from_state=None if before is None else before[0],
                from_state_description=None if before is None else before[1],
                to_state=after[0],
                to_state_description=after[1],
            )
            self._events.append(event)
            return event

    def entries(self) -> list[Event]:
        """Every event kept, oldest first (a snapshot)."""
        with self._lock:
            return list(self._events)

    def clear(self) -> None:
        """Forget every event; numbering starts again at 1."""
        with self._lock:
            self._events.clear()
            self._seq = itertools.count(1)
