"""The runner from Python against the emulator: faults, rate limits, orders in every state; the journal audited."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from wechatpay_emulator import Emulator, Fault
from wechatpay_payscore.api.payscore import sync_service_order
from wechatpay_payscore.models import SyncServiceOrderRequest
from wechatpay_payscore_client.batch import (
    BatchRunner,
    EventKind,
    JournalError,
    JournalEvent,
    OrderRecord,
    OrderResult,
    Outcome,
    Phase,
    SqliteJournal,
)

from .conftest import PAID_TIME, SEED, audit, make_client, mch_details, order_numbers, row, seed


def run(base_url: str, journal: Path, rows: Any, **options: Any) -> tuple[list[OrderResult], BatchRunner]:
    async def main() -> tuple[list[OrderResult], BatchRunner]:
        client = make_client(base_url, timeout=options.pop("timeout", 3.0))
        store = SqliteJournal(journal)
        runner = BatchRunner(client, store, **{"rate": None, **options})
        try:
            async with client:
                return [result async for result in runner.run(rows)], runner
        finally:
            store.close()

    return asyncio.run(main())


def test_every_order_synced_once_through_lost_answers_5xx_and_429(
    emulator: Emulator, base_url: str, tmp_path: Path
) -> None:
    numbers = order_numbers("F", 60)
    seed(emulator, numbers)
    # Each fault armed for one order's first request: its sync (a query comes only after it).
    faults = [Fault.apply_then_drop()] * 4 + [Fault.apply_then_500()] * 2
    faults += [Fault.drop_connection()] * 3 + [Fault.system_error()] * 3 + [Fault.rate_limited(retry_after=1)] * 2
    for number, fault in zip(numbers, faults, strict=False):
        emulator.inject(fault, times=1, out_order_no=number)
    results, runner = run(base_url, tmp_path / "j", [row(number) for number in numbers], concurrency=8)
    outcomes = audit(tmp_path / "j", emulator, numbers)
    assert sorted(result.out_order_no for result in results) == numbers
    applied_then_lost = numbers[:6]
    assert {outcomes[number] for number in applied_then_lost} == {Outcome.SYNCED_BY_EARLIER_ATTEMPT}
    assert {outcomes[number] for number in numbers[6:]} == {Outcome.SYNCED}
    assert runner.stats.queries >= 12  # one per lost answer or 5xx, at least
    assert runner.stats.rate_limited == 2


def test_orders_in_the_wrong_state_are_refused_or_confirmed_done(
    emulator: Emulator, base_url: str, tmp_path: Path
) -> None:
    doing = order_numbers("D", 3)
    seed(emulator, doing)
    seed(emulator, ["NEWTON1"], state="DONE")  # paid through Pay Score: done by other means
    seed(emulator, ["REVOKED1"], state="REVOKED")
    seed(emulator, ["CONFIRM1"], state="DOING", state_description="USER_CONFIRM")
    rows = [row(number) for number in [*doing, "NEWTON1", "REVOKED1", "CONFIRM1", "MISSING1"]]
    results, _ = run(base_url, tmp_path / "j", rows)
    by_order = {result.out_order_no: result for result in results}
    assert by_order["NEWTON1"].outcome is Outcome.ALREADY_DONE_OTHERWISE
    assert by_order["NEWTON1"].request_ids  # the sync's ORDER_DONE and the query's answer
    assert by_order["REVOKED1"].outcome is Outcome.REFUSED
    assert by_order["CONFIRM1"].outcome is Outcome.REFUSED
    assert by_order["CONFIRM1"].code == "INVALID_ORDER_STATE"
    assert by_order["MISSING1"].outcome is Outcome.REFUSED
    assert by_order["MISSING1"].code == "ORDER_NOT_EXIST"
    assert "query it" in by_order["CONFIRM1"].advice()
    audit(tmp_path / "j", emulator, [*doing, "NEWTON1", "REVOKED1", "CONFIRM1"])


def test_a_second_run_sends_nothing_again(emulator: Emulator, base_url: str, tmp_path: Path) -> None:
    numbers = order_numbers("R", 10)
    seed(emulator, numbers)
    rows = [row(number) for number in numbers]
    run(base_url, tmp_path / "j", rows)
    emulator.clear_requests()
    results, runner = run(base_url, tmp_path / "j", rows)
    assert all(result.from_journal and result.outcome is Outcome.SYNCED for result in results)
    assert runner.stats.sends == 0
    assert emulator.requests == []


def test_a_row_that_differs_from_the_journal_is_reported_not_sent(
    emulator: Emulator, base_url: str, tmp_path: Path
) -> None:
    seed(emulator, ["C1"])
    run(base_url, tmp_path / "j", [row("C1")])
    emulator.clear_requests()
    results, _ = run(base_url, tmp_path / "j", [row("C1", paid_time="20261127111111")])
    (result,) = results
    assert result.conflict and result.outcome is Outcome.INVALID
    assert result.problems[0].field == "paid_time"
    assert emulator.requests == []
    assert len(mch_details(emulator, "C1")) == 1


def test_latency_beyond_the_timeout_is_reconciled(emulator: Emulator, base_url: str, tmp_path: Path) -> None:
    numbers = order_numbers("L", 4)
    seed(emulator, numbers)
    # The first sync of two orders outlives the client's timeout; the emulator applies it later all the same.
    emulator.inject(Fault.latency(1.5), times=1, out_order_no=numbers[0])
    emulator.inject(Fault.latency(1.5), times=1, out_order_no=numbers[2])
    _, runner = run(base_url, tmp_path / "j", [row(number) for number in numbers], timeout=0.5, concurrency=1)
    assert emulator.wait_idle(10)
    # Queried while the late sync was still pending: "not applied", sent again, and the late one then met ORDER_DONE
    # on the emulator — or the query saw it applied. Either way exactly one sync, confirmed.
    outcomes = audit(tmp_path / "j", emulator, numbers)
    assert set(outcomes.values()) <= {Outcome.SYNCED, Outcome.SYNCED_BY_EARLIER_ATTEMPT}
    assert runner.stats.queries >= 2


def test_the_emulators_rate_limit_slows_the_whole_batch(emulator: Emulator, base_url: str, tmp_path: Path) -> None:
    numbers = order_numbers("T", 30)
    seed(emulator, numbers)
    emulator.set_rate_limit(10)
    _, runner = run(base_url, tmp_path / "j", [row(number) for number in numbers], concurrency=8)
    outcomes = audit(tmp_path / "j", emulator, numbers)
    assert set(outcomes.values()) == {Outcome.SYNCED}
    assert runner.pacer is not None
    assert runner.pacer.paused_seconds >= 1  # the emulator's Retry-After (whole seconds) was honoured
    # One pause for the whole batch: after a 429 every worker waits, so at most the requests already in flight meet
    # the limit in each window; workers backing off on their own would each have hit it again and again.
    assert 0 < runner.stats.rate_limited < len(numbers)


def test_a_rate_ceiling_keeps_under_the_emulators_limit(emulator: Emulator, base_url: str, tmp_path: Path) -> None:
    numbers = order_numbers("P", 12)
    seed(emulator, numbers)
    emulator.set_rate_limit(10)
    _, runner = run(base_url, tmp_path / "j", [row(number) for number in numbers], concurrency=8, rate=8)
    assert runner.stats.rate_limited == 0
    audit(tmp_path / "j", emulator, numbers)


def test_async_rows_from_a_service_queue(emulator: Emulator, base_url: str, tmp_path: Path) -> None:
    numbers = order_numbers("Q", 5)
    seed(emulator, numbers)

    async def rows() -> Any:
        for number in numbers:
            await asyncio.sleep(0)
            yield row(number)

    results, _ = run(base_url, tmp_path / "j", rows(), concurrency=2)
    assert sorted(result.out_order_no for result in results) == numbers
    journal = SqliteJournal(tmp_path / "j")
    kinds = [event.kind for event in journal.events(numbers[0])]
    journal.close()
    assert kinds == [EventKind.SEND, EventKind.OUTCOME]  # recorded before it left; the answer and its outcome


class FailingJournal:
    """A `Journal` of one's own (the protocol a service implements in its database) whose disk fills up."""

    def __init__(self, inner: SqliteJournal, writes: int) -> None:
        self.inner = inner
        self.writes = writes

    def get_many(self, out_order_nos: Any) -> Any:
        return self.inner.get_many(out_order_nos)

    def write(self, changes: Any) -> None:
        if self.writes <= 0:
            raise JournalError("database or disk is full")
        self.writes -= 1
        self.inner.write(changes)

    def close(self) -> None:
        self.inner.close()


def test_a_journal_that_cannot_be_written_stops_the_batch_and_nothing_leaves_unrecorded(
    emulator: Emulator, base_url: str, tmp_path: Path
) -> None:
    numbers = order_numbers("E", 200)
    seed(emulator, numbers)

    async def main() -> None:
        client = make_client(base_url)
        journal = FailingJournal(SqliteJournal(tmp_path / "j"), writes=12)
        runner = BatchRunner(client, journal, concurrency=4, rate=None)
        async with client:
            with pytest.raises(JournalError, match="disk is full"):
                async for _ in runner.run([row(number) for number in numbers]):
                    pass

    asyncio.run(main())
    assert emulator.wait_idle(10)
    journal = SqliteJournal(tmp_path / "j")
    records = {record.out_order_no: record for record in journal.records()}
    journal.close()
    synced = [number for number in numbers if mch_details(emulator, number)]
    assert 0 < len(synced) < len(numbers)  # it stopped part way
    # Write-ahead: every sync that reached WeChat Pay was journaled as (possibly) sent before it left.
    assert all(number in records and records[number].attempts >= 1 for number in synced)


def test_an_attempt_journaled_without_its_answer_is_queried_before_anything_is_sent(
    emulator: Emulator, base_url: str, tmp_path: Path
) -> None:
    # What a `kill -9` leaves behind: two orders journaled as being sent, their answers never recorded. One of the
    # requests had reached WeChat Pay and was applied; the other never left.
    seed(emulator, ["LEFT1", "NEVER1"])
    journal = SqliteJournal(tmp_path / "j")
    for number in ("LEFT1", "NEVER1"):
        record = OrderRecord(
            out_order_no=number,
            request={**{k: v for k, v in row(number).items() if k != "out_order_no"}, "paid_time_given": PAID_TIME},
            phase=Phase.SENDING,
            attempts=1,
        )
        journal.write([(record, JournalEvent(out_order_no=number, kind=EventKind.SEND, attempt=1))])
    journal.close()
    client = make_client(base_url)
    with client:
        sync_service_order.sync_detailed("LEFT1", client=client, body=body())  # the lost attempt, applied
    emulator.clear_requests()
    results, runner = run(base_url, tmp_path / "j", [row("LEFT1"), row("NEVER1")])
    by_order = {result.out_order_no: result for result in results}
    assert by_order["LEFT1"].outcome is Outcome.SYNCED_BY_EARLIER_ATTEMPT
    assert by_order["NEVER1"].outcome is Outcome.SYNCED
    assert by_order["NEVER1"].attempts == 2
    methods = [(entry.method, entry.target.split("?")[0].rsplit("/", 2)[-2]) for entry in emulator.requests]
    # LEFT1: one query, no sync; NEVER1: a query first ("not applied"), then the sync.
    assert sorted(method for method, _ in methods) == ["GET", "GET", "POST"]
    assert [method for method, _ in methods if method == "POST"] == ["POST"]
    assert runner.stats.sends == 1
    audit(tmp_path / "j", emulator, ["LEFT1", "NEVER1"])


def body() -> SyncServiceOrderRequest:
    return SyncServiceOrderRequest.from_dict(
        {
            "service_id": SEED.service_id,
            "sub_mchid": SEED.sub_mchid,
            "channel_id": SEED.channel_id,
            "type": "Order_Paid",
            "detail": {"paid_time": PAID_TIME},
        }
    )
