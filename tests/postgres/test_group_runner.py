"""`GroupRunner`: several workers (here in one process, each with its own connections) settle one day together.

Against the real emulator on 127.0.0.1 and the real throwaway PostgreSQL; the process-level test with SIGKILL and
SIGSTOP is `test_group_processes.py`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Any

from wechatpay_emulator import Emulator, Fault
from wechatpay_payscore.api.payscore import sync_service_order
from wechatpay_payscore_client.batch import EventKind, OrderRecord, OrderResult, Outcome, Phase
from wechatpay_payscore_client.batch._group import GroupRunner
from wechatpay_payscore_client.batch._postgres import PostgresJournal
from wechatpay_payscore_client.batch._rows import sync_body
from wechatpay_payscore_client.batch._step import event

from tests.batch.conftest import PAID_TIME, make_client, mch_details, order_numbers, row, seed
from tests.postgres.cluster import Database

SCHEMA = "day"


async def _worker(
    base_url: str, database: Database, name: str, rows: Sequence[dict[str, str]] | None, **options: Any
) -> tuple[list[OrderResult], GroupRunner]:
    client = make_client(base_url, timeout=2.0)
    journal = await asyncio.to_thread(PostgresJournal, database.dsn, schema=SCHEMA)
    options.setdefault("lease", 6.0)
    options.setdefault("attempt_seconds", 2.0)
    options.setdefault("rate", None)
    runner = GroupRunner(client, journal, worker=name, poll=0.1, **options)
    try:
        async with client:
            return [result async for result in runner.run(rows)], runner
    finally:
        journal.close()


def run_workers(
    base_url: str, database: Database, plans: Sequence[tuple[str, Sequence[dict[str, str]] | None]], **options: Any
) -> list[tuple[list[OrderResult], GroupRunner]]:
    async def main() -> list[tuple[list[OrderResult], GroupRunner]]:
        return list(await asyncio.gather(*(_worker(base_url, database, name, rows, **options) for name, rows in plans)))

    return asyncio.run(main())


def audit(database: Database, emulator: Emulator, numbers: Sequence[str]) -> dict[str, Any]:
    """One final outcome per order matching the emulator; every send after the first follows a query or a proof
    that nothing was applied; every event was written by the worker holding the order."""
    journal = PostgresJournal(database.dsn, schema=SCHEMA, read_only=True)
    try:
        records = {record.out_order_no: record for record in journal.records()}
        for number in numbers:
            record = records[number]
            assert record.phase is Phase.FINAL, (number, record)
            payments = mch_details(emulator, number)
            assert len(payments) == 1, (number, payments)
            assert payments[0].paid_time == PAID_TIME
            assert emulator.order(number).state == "DONE"
            assert record.outcome in (Outcome.SYNCED, Outcome.SYNCED_BY_EARLIER_ATTEMPT), (number, record)
            sent = False
            for event in journal.events(number):
                if event.kind is EventKind.SEND:
                    assert not sent, f"{number}: attempt {event.attempt} sent with no query since the last"
                    sent = True
                elif (event.kind is EventKind.VERDICT and event.detail.startswith("not_applied")) or (
                    event.kind is EventKind.ANSWER and event.detail.startswith(("rate_limited", "not_sent"))
                ):
                    sent = False
        return {"records": records, "claims": journal.claim_history()}
    finally:
        journal.close()


def test_two_workers_loading_the_same_file_settle_every_order_once_between_them(
    emulator: Emulator, emulator_server: tuple[Emulator, str], pg_database: Database
) -> None:
    numbers = order_numbers("W", 80)
    seed(emulator, numbers)
    for number in numbers[:6]:
        emulator.inject(Fault.apply_then_drop(), times=1, out_order_no=number)
    rows = [row(number) for number in numbers]
    outcomes = run_workers(emulator_server[1], pg_database, [("alpha", rows), ("beta", rows)], concurrency=4)
    settled = [result.out_order_no for results, _ in outcomes for result in results]
    assert sorted(settled) == numbers  # each order's result comes from exactly one worker
    alpha, beta = (runner for _, runner in outcomes)
    assert alpha.stats.settled > 0 and beta.stats.settled > 0  # both worked
    assert alpha.stats.loaded + beta.stats.loaded == len(numbers)  # the day was loaded once
    assert alpha.stats.fenced == beta.stats.fenced == 0
    found = audit(pg_database, emulator, numbers)
    lost = {number for number, record in found["records"].items() if record.lost_attempts}
    assert lost == set(numbers[:6])
    assert all(found["records"][number].outcome is Outcome.SYNCED_BY_EARLIER_ATTEMPT for number in numbers[:6])


def test_a_worker_with_no_input_settles_what_another_loaded(
    emulator: Emulator, emulator_server: tuple[Emulator, str], pg_database: Database
) -> None:
    numbers = order_numbers("L", 20)
    seed(emulator, numbers)
    rows = [row(number) for number in numbers]

    loader, worker = asyncio.run(_load_then_work(emulator_server[1], pg_database, rows))
    assert loader.stats.loaded == len(numbers) and loader.stats.sends == 0
    assert worker.stats.settled == len(numbers) and worker.stats.loaded == 0
    audit(pg_database, emulator, numbers)


async def _load_then_work(base_url: str, database: Database, rows: Sequence[dict[str, str]]) -> tuple[Any, Any]:
    client = make_client(base_url, timeout=2.0)
    journal = await asyncio.to_thread(PostgresJournal, database.dsn, schema=SCHEMA)
    loader = GroupRunner(client, journal, worker="loader", lease=6.0, attempt_seconds=2.0, rate=None)
    try:
        async with client:
            _ = [result async for result in loader.run(rows, settle=False)]
    finally:
        journal.close()
    _, worker = await _worker(base_url, database, "worker", None, concurrency=4)
    return loader, worker


def test_a_taken_over_order_whose_attempt_may_have_left_is_queried_before_anything_is_sent(
    emulator: Emulator, emulator_server: tuple[Emulator, str], pg_database: Database
) -> None:
    numbers = order_numbers("T", 4)
    seed(emulator, numbers)
    journal = PostgresJournal(pg_database.dsn, schema=SCHEMA)
    try:
        journal.load(
            [OrderRecord(out_order_no=n, request=_request(), phase=Phase.PENDING) for n in numbers], loaded_by="t"
        )
        # A worker that died after recording its intent for two orders (one of which really reached WeChat Pay).
        gone = journal.claim(2, "gone", lease_seconds=0.5)
        for claimed in gone:
            sending = claimed.record.evolve(phase=Phase.SENDING, attempts=1)
            journal.write_held([claimed.lease], [(sending, event(sending, EventKind.SEND, "first attempt"))])
        applied = gone[0].record.out_order_no
        client = make_client(emulator_server[1])
        with client:
            sync_service_order.sync_detailed(applied, client=client, body=sync_body(gone[0].record.request))
    finally:
        journal.close()
    time.sleep(0.6)
    emulator.clear_requests()
    [(_, runner)] = run_workers(emulator_server[1], pg_database, [("taker", None)], concurrency=4)
    assert runner.stats.taken_over == 2
    found = audit(pg_database, emulator, numbers)
    assert found["records"][applied].outcome is Outcome.SYNCED_BY_EARLIER_ATTEMPT
    other = gone[1].record.out_order_no
    kinds = [event.kind for event in PostgresJournal(pg_database.dsn, schema=SCHEMA).events(other)]
    assert kinds.index(EventKind.QUERY) < len(kinds) - 1 - kinds[::-1].index(EventKind.SEND)
    # The taker's first request for each taken-over order was a query (GET), never a sync.
    for number in (applied, other):
        first = next(entry for entry in emulator.requests if number in entry.target)
        assert first.method == "GET", (number, first.method, first.target)


def _request() -> dict[str, str]:
    fields = row("x")
    return {
        "service_id": fields["service_id"],
        "sub_mchid": fields["sub_mchid"],
        "channel_id": fields["channel_id"],
        "paid_time": PAID_TIME,
        "paid_time_given": PAID_TIME,
    }


def test_the_group_rate_holds_across_workers(
    emulator: Emulator, emulator_server: tuple[Emulator, str], pg_database: Database
) -> None:
    numbers = order_numbers("R", 60)
    seed(emulator, numbers)
    rows = [row(number) for number in numbers]
    rate = 40.0
    run_workers(emulator_server[1], pg_database, [("a", rows), ("b", rows), ("c", rows)], concurrency=8, rate=rate)
    audit(pg_database, emulator, numbers)
    times = sorted(entry.arrived_at for entry in emulator.requests)
    assert len(times) >= len(numbers)
    # The bucket spaces grants by 1/rate: any window of W seconds holds at most rate x W + 1 of them; arrival
    # jitter (a grant's request may reach the emulator a little late) is allowed one more.
    window = 0.5
    worst = max(sum(1 for later in times[index:] if later - start < window) for index, start in enumerate(times))
    assert worst <= rate * window + 2, worst


def test_running_the_day_again_settles_what_an_earlier_run_left_unresolved(
    emulator: Emulator, emulator_server: tuple[Emulator, str], pg_database: Database
) -> None:
    numbers = order_numbers("U", 5)
    seed(emulator, numbers)
    emulator.inject(Fault.rate_limited(retry_after=0), times=1, out_order_no=numbers[0])
    emulator.inject(Fault.apply_then_drop(), times=1, out_order_no=numbers[1])
    emulator.inject(Fault.system_error(), times=None, out_order_no=numbers[1])  # its queries fail too
    rows = [row(number) for number in numbers]
    [(first, _)] = run_workers(emulator_server[1], pg_database, [("first", rows)], max_waits=0, max_queries=1)
    unresolved = sorted(result.out_order_no for result in first if result.outcome is Outcome.UNRESOLVED)
    assert unresolved == numbers[:2]
    emulator.clear_faults()
    [(second, runner)] = run_workers(emulator_server[1], pg_database, [("second", rows)])
    assert runner.stats.reopened == 2
    assert sorted(result.out_order_no for result in second) == numbers[:2]  # the settled ones are left alone
    found = audit(pg_database, emulator, numbers)
    assert found["records"][numbers[0]].outcome is Outcome.SYNCED
    assert found["records"][numbers[1]].outcome is Outcome.SYNCED_BY_EARLIER_ATTEMPT


def test_a_worker_whose_order_was_taken_over_mid_request_records_nothing_and_the_taker_queries_first(
    emulator: Emulator, emulator_server: tuple[Emulator, str], pg_database: Database
) -> None:
    number = "S00001"
    seed(emulator, [number])
    emulator.inject(Fault.latency(1.5), times=1, out_order_no=number)  # its sync is held open, then applied

    def steal() -> None:
        # What a long pause of this worker looks like to the group: its lease ran out and another worker claimed
        # the order while its request was in flight (the lease is cut short here, in the database itself).
        deadline = time.monotonic() + 20
        while not any(request.out_order_no == number for request in emulator.in_flight):
            assert time.monotonic() < deadline, "the sync never reached the emulator"
            time.sleep(0.02)
        with pg_database.connect() as connection:
            connection.execute("UPDATE day.orders SET lease_until = now() - interval '1 second'")
        thief = PostgresJournal(pg_database.dsn, schema=SCHEMA)
        try:
            [claimed] = thief.claim(1, "thief", lease_seconds=1.0)  # then gone: its lease runs out in 1 s
            assert claimed.query_first and claimed.taken_from == "stale"
        finally:
            thief.close()

    async def main() -> tuple[list[OrderResult], GroupRunner]:
        stealing = asyncio.create_task(asyncio.to_thread(steal))
        outcome = await _worker(emulator_server[1], pg_database, "stale", [row(number)], concurrency=1)
        await stealing
        return outcome

    results, runner = asyncio.run(main())
    assert runner.stats.fenced == 1  # its 204 arrived after the take-over: nothing recorded
    assert runner.stats.taken_over == 1  # it took the order back from the vanished thief, as anyone would
    assert [result.outcome for result in results] == [Outcome.SYNCED_BY_EARLIER_ATTEMPT]
    syncs = [entry for entry in emulator.requests if entry.out_order_no == number and entry.method == "POST"]
    assert len(syncs) == 1  # never sent again: the take-over queried and found it applied
    journal = PostgresJournal(pg_database.dsn, schema=SCHEMA, read_only=True)
    try:
        kinds = [event.kind for event in journal.events(number)]
        assert kinds == [
            EventKind.SEND,  # stale, first attempt
            EventKind.ANSWER,  # stale again, after taking it back: no answer recorded by the thief
            EventKind.QUERY,
            EventKind.VERDICT,
            EventKind.OUTCOME,
        ], kinds
        assert [(entry.worker, entry.taken_from) for entry in journal.claim_history(number)] == [
            ("stale", None),
            ("thief", "stale"),
            ("stale", "thief"),
        ]
    finally:
        journal.close()
    audit(pg_database, emulator, [number])
