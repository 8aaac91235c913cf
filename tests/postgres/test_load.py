"""Loading the day's input: all or nothing, idempotent, and a row that differs from the journal reported, not loaded."""

from __future__ import annotations

import functools

import pytest
from wechatpay_payscore_client.batch import EventKind, JournalError, OrderRecord, Phase
from wechatpay_payscore_client.batch._postgres import LoadResult, PostgresJournal

from tests.postgres.cluster import Database
from tests.postgres.helpers import REQUEST, at_once, change, open_journal, pending, send


def test_loading_the_same_file_again_loads_nothing(pg_database: Database) -> None:
    journal = open_journal(pg_database)
    day = pending("A", 5)
    first = journal.load(day, loaded_by="w1", source="day.csv")
    assert first == LoadResult(loaded=tuple(record.out_order_no for record in day))
    assert journal.records() == day
    again = journal.load(day, loaded_by="w2", source="day.csv")
    assert again == LoadResult(already=tuple(record.out_order_no for record in day))
    assert journal.records() == day
    journal.close()


def test_a_row_that_differs_from_the_journal_is_reported_and_the_journal_keeps_its_own(pg_database: Database) -> None:
    journal = open_journal(pg_database)
    day = pending("B", 3)
    journal.load(day)
    sent, event = send(day[1])
    journal.write([(sent, event)])  # B0001 is under way with the request as first loaded
    corrected = pending("B", 3, paid_time="20261127111111", paid_time_given="20261127111111")
    extra = pending("C", 1)
    result = journal.load([day[0], corrected[1], *extra, corrected[0]])
    assert result.loaded == ("C0000",)
    assert result.already == ("B0000",)
    assert [(item.out_order_no, item.phase) for item in result.differing] == [
        ("B0000", Phase.PENDING),  # the same order twice in one input, the second differing from the first
        ("B0001", Phase.SENDING),
    ]
    assert result.differing[1].held == REQUEST
    assert result.differing[1].given["paid_time"] == "20261127111111"
    held = journal.get_many(["B0000", "B0001"])
    assert held["B0001"] == sent and held["B0000"] == day[0]
    journal.close()


def load_as(loaders: list[PostgresJournal], records: list[OrderRecord], index: int) -> LoadResult:
    return loaders[index].load(records, loaded_by=f"w{index}")


def test_two_loaders_of_one_file_at_once_load_it_once(pg_database: Database) -> None:
    loaders = [open_journal(pg_database) for _ in range(2)]
    day = pending("T", 300)
    for attempt in range(3):
        records = [record.evolve(out_order_no=f"{attempt}-{record.out_order_no}") for record in day]
        results = at_once(2, functools.partial(load_as, loaders, records))
        assert sorted(len(result.loaded) for result in results) == [0, 300]
        assert sorted(len(result.already) for result in results) == [0, 300]
        assert all(result.differing == () for result in results)
    assert len(loaders[0].records()) == 900
    with pg_database.connect() as connection:
        loads = connection.execute("SELECT loaded_by, rows, loaded FROM journal.loads").fetchall()
    assert len(loads) == 6 and sorted(loaded for _, _, loaded in loads) == [0, 0, 0, 300, 300, 300]
    for loader in loaders:
        loader.close()


def test_a_load_that_fails_loads_nothing(pg_database: Database) -> None:
    journal = open_journal(pg_database)
    day = pending("F", 50)
    broken = [*day[:49], day[49].evolve(line=2**40)]  # the last row's line number does not fit: the load fails
    with pytest.raises(JournalError, match="cannot load"):
        journal.load(broken)
    assert journal.records() == []
    assert journal.load(day).loaded == tuple(record.out_order_no for record in day)
    journal.close()


def test_only_orders_not_yet_sent_are_loaded(pg_database: Database) -> None:
    journal = open_journal(pg_database)
    (record,) = pending("P", 1)
    with pytest.raises(ValueError, match="PENDING records"):
        journal.load([change(record, EventKind.SEND, phase=Phase.SENDING)[0]])
    assert journal.load([]) == LoadResult()
    journal.close()


def test_two_loads_of_a_row_saying_now_agree_though_each_resolved_it_at_its_own_moment(pg_database: Database) -> None:
    journal = open_journal(pg_database)
    first = journal.load(pending("N", 2, paid_time="20261127101010", paid_time_given="now"), loaded_by="w1")
    later = journal.load(pending("N", 2, paid_time="20261127101013", paid_time_given="now"), loaded_by="w2")
    assert first.loaded == ("N0000", "N0001")
    assert later.already == ("N0000", "N0001") and later.differing == ()
    assert journal.get_many(["N0000"])["N0000"].request["paid_time"] == "20261127101010"  # the first words win
    other = journal.load(pending("N", 1, paid_time="20261127101013", paid_time_given="20261127101013"))
    assert [item.out_order_no for item in other.differing] == ["N0000"]  # a time given outright must match
    journal.close()
