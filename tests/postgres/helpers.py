"""Small helpers of the PostgreSQL journal's tests: journals on a test database, records, events, threads at once."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

from wechatpay_payscore_client.batch import EventKind, JournalEvent, OrderRecord, Phase
from wechatpay_payscore_client.batch._postgres import PostgresJournal

from tests.postgres.cluster import Database

T = TypeVar("T")
REQUEST = {
    "service_id": "500001",
    "sub_mchid": "1900000109",
    "channel_id": "",
    "paid_time": "20261127101010",
    "paid_time_given": "20261127101010",
}


def open_journal(database: Database, schema: str = "journal", *, read_only: bool = False) -> PostgresJournal:
    return PostgresJournal(database.dsn, schema=schema, read_only=read_only)


def pending(prefix: str, count: int, **request: str) -> list[OrderRecord]:
    """The day's orders as loaded: PENDING records, one per row of the input."""
    return [
        OrderRecord(
            out_order_no=f"{prefix}{index:04d}", request={**REQUEST, **request}, phase=Phase.PENDING, line=index
        )
        for index in range(count)
    ]


def change(
    record: OrderRecord, kind: EventKind, detail: str = "", **fields: object
) -> tuple[OrderRecord, JournalEvent]:
    """A new state of `record` with the event that records it, as the runner writes them."""
    new = record.evolve(**fields)
    return new, JournalEvent(out_order_no=new.out_order_no, kind=kind, attempt=new.attempts, detail=detail)


def send(record: OrderRecord) -> tuple[OrderRecord, JournalEvent]:
    """The intent of a new attempt, written before its request leaves."""
    return change(record, EventKind.SEND, "about to leave", phase=Phase.SENDING, attempts=record.attempts + 1)


def at_once(count: int, work: Callable[[int], T]) -> list[T]:
    """Run `work(0..count-1)` on `count` threads released together by a barrier; their results, or the first error."""
    barrier = threading.Barrier(count)
    results: dict[int, T] = {}
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except BaseException as exc:
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread did not finish"
    if errors:
        raise errors[0]
    return [results[index] for index in range(count)]


def keys(items: Sequence[OrderRecord]) -> list[str]:
    return [item.out_order_no for item in items]
