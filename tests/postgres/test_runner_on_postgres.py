"""Today's single-process runner, unchanged, on the PostgreSQL journal: the same audit as on SQLite."""

from __future__ import annotations

import asyncio
from typing import Any

from wechatpay_emulator import Emulator, Fault
from wechatpay_payscore_client.batch import BatchRunner, EventKind, OrderResult, Outcome
from wechatpay_payscore_client.batch._postgres import PostgresJournal

from tests.batch.conftest import PAID_TIME, make_client, mch_details, order_numbers, row, seed
from tests.postgres.cluster import Database


def run(base_url: str, database: Database, rows: Any, **options: Any) -> tuple[list[OrderResult], BatchRunner]:
    async def main() -> tuple[list[OrderResult], BatchRunner]:
        client = make_client(base_url, timeout=3.0)
        journal = PostgresJournal(database.dsn, schema="day")
        runner = BatchRunner(client, journal, rate=None, **options)
        try:
            async with client:
                return [result async for result in runner.run(rows)], runner
        finally:
            journal.close()

    return asyncio.run(main())


def test_every_order_settled_once_through_lost_answers_and_a_second_run_sends_nothing(
    emulator_server: tuple[Emulator, str], pg_database: Database
) -> None:
    emulator, base_url = emulator_server
    emulator.reset()
    numbers = order_numbers("G", 30)
    seed(emulator, numbers)
    faults = [Fault.apply_then_drop()] * 4 + [Fault.drop_connection()] * 2 + [Fault.rate_limited(retry_after=1)]
    for number, fault in zip(numbers, faults, strict=False):
        emulator.inject(fault, times=1, out_order_no=number)
    rows = [row(number) for number in numbers]
    results, runner = run(base_url, pg_database, rows, concurrency=6)
    assert sorted(result.out_order_no for result in results) == numbers
    assert runner.stats.queries >= 6

    journal = PostgresJournal(pg_database.dsn, schema="day", read_only=True)
    records = {record.out_order_no: record for record in journal.records()}
    for number in numbers:
        payments = mch_details(emulator, number)
        assert len(payments) == 1 and payments[0].paid_time == PAID_TIME, number
        assert emulator.order(number).state == "DONE"
        expected = Outcome.SYNCED_BY_EARLIER_ATTEMPT if number in numbers[:4] else Outcome.SYNCED
        assert records[number].outcome is expected, (number, records[number])
        sent = False  # every re-send follows a query or an answer that proves the last attempt not applied
        for event in journal.events(number):
            if event.kind is EventKind.SEND:
                assert not sent, f"{number}: attempt {event.attempt} sent with no query since the last one"
                sent = True
            elif (event.kind is EventKind.VERDICT and event.detail.startswith("not_applied")) or (
                event.kind is EventKind.ANSWER and event.detail.startswith(("rate_limited", "not_sent"))
            ):
                sent = False
    journal.close()

    emulator.clear_requests()
    again, runner = run(base_url, pg_database, rows)
    assert all(result.from_journal for result in again) and len(again) == len(numbers)
    assert runner.stats.sends == 0 and emulator.requests == []
