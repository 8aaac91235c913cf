"""The `Journal` protocol on PostgreSQL holds what the SQLite journal holds, call for call."""

from __future__ import annotations

from pathlib import Path

from wechatpay_payscore_client.batch import EventKind, Journal, JournalEvent, OrderRecord, Outcome, Phase, SqliteJournal

from tests.postgres.cluster import Database
from tests.postgres.helpers import change, open_journal, pending, send

Change = tuple[OrderRecord, JournalEvent]


def lives(records: list[OrderRecord]) -> list[list[Change]]:
    """The writes of a run, as the runner makes them: first attempts together, then each order's own steps."""
    first = [send(record) for record in records]
    a1, b1, c1, d1 = (record for record, _ in first)
    b2 = change(b1, EventKind.ANSWER, "lost: read timeout", phase=Phase.IN_DOUBT, lost_attempts=1)
    b3 = change(b2[0], EventKind.QUERY, "reconciling query")
    b4 = change(b3[0], EventKind.VERDICT, "not_applied: DOING", phase=Phase.RETRY, request_ids=("q-1",))
    b5 = send(b4[0])
    c2 = change(c1, EventKind.ANSWER, "rate_limited: 429; batch paused 1.0s", phase=Phase.RETRY, request_ids=("r-1",))
    c3 = send(c2[0])
    d2 = change(d1, EventKind.UNSEND, "stopped before this attempt left", phase=Phase.PENDING)
    a2 = change(
        a1,
        EventKind.OUTCOME,
        "synced (answer: 204)",
        phase=Phase.FINAL,
        outcome=Outcome.SYNCED,
        request_ids=("s-1",),
        finished_at="2026-11-27T10:10:11.000Z",
    )
    b6 = change(
        b5[0],
        EventKind.OUTCOME,
        "refused ORDER_NOT_EXIST: 订单不存在",
        phase=Phase.FINAL,
        outcome=Outcome.REFUSED,
        code="ORDER_NOT_EXIST",
        message="订单不存在",
    )
    return [first, [b2, c2, c3], [b3], [b4, b5, d2], [a2, b6], []]


def replay(journal: Journal, writes: list[list[Change]]) -> None:
    for changes in writes:
        journal.write(changes)


def test_the_same_writes_leave_the_same_records_and_events_as_in_sqlite(pg_database: Database, tmp_path: Path) -> None:
    records = pending("P", 4, paid_time="20261127101010")
    writes = lives(records)
    sqlite = SqliteJournal(tmp_path / "day.journal")
    postgres = open_journal(pg_database)
    try:
        replay(sqlite, writes)
        replay(postgres, writes)
        assert postgres.records() == list(sqlite.records())
        assert postgres.events() == sqlite.events()
        assert postgres.events("P0001") == sqlite.events("P0001")
        keys = ["P0003", "NOPE", "P0001", "P0003"]
        assert postgres.get_many(keys) == sqlite.get_many(keys)
        assert set(postgres.get_many(keys)) == {"P0001", "P0003"}
        assert postgres.get_many([]) == {}
        final = postgres.get_many(["P0000"])["P0000"]
        assert (final.phase, final.outcome, final.request_ids) == (Phase.FINAL, Outcome.SYNCED, ("s-1",))
    finally:
        sqlite.close()
        postgres.close()


def test_within_one_write_an_orders_last_state_wins_and_every_event_is_appended(pg_database: Database) -> None:
    journal = open_journal(pg_database)
    record = pending("W", 1)[0]
    sent = send(record)
    lost = change(sent[0], EventKind.ANSWER, "lost", phase=Phase.IN_DOUBT, lost_attempts=1)
    journal.write([sent, lost])
    assert journal.get_many([record.out_order_no])[record.out_order_no] == lost[0]
    assert [event.kind for event in journal.events()] == [EventKind.SEND, EventKind.ANSWER]
    assert [event.sequence for event in journal.events()] == [1, 2]
    journal.close()
