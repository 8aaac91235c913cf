"""The journal's schema: created and migrated by the project, versioned, safe when workers start at once; errors
that name the journal without its password."""

from __future__ import annotations

import functools

import psycopg
import pytest
from wechatpay_payscore_client.batch import EventKind, JournalError, JournalEvent
from wechatpay_payscore_client.batch._postgres import SCHEMA_VERSION, PostgresJournal

from tests.postgres.cluster import Cluster, Database
from tests.postgres.helpers import at_once, open_journal, pending, send


def open_first(database: Database, schema: str, _: int) -> PostgresJournal:
    return open_journal(database, schema)


def test_workers_opening_a_new_journal_at_once_create_its_schema_once(pg_database: Database) -> None:
    for attempt in range(6):
        schema = f"race_{attempt}"
        journals = at_once(4, functools.partial(open_first, pg_database, schema))
        try:
            assert sorted(journal.migrated_now for journal in journals) == [[], [], [], [SCHEMA_VERSION]]
            journals[0].load(pending("R", 3))
            assert len(journals[3].records()) == 3
        finally:
            for journal in journals:
                journal.close()
        with pg_database.connect() as connection:
            versions = connection.execute(f"SELECT version FROM {schema}.migrations").fetchall()  # noqa: S608
        assert versions == [(SCHEMA_VERSION,)]


def test_opening_again_changes_nothing(pg_database: Database) -> None:
    first = open_journal(pg_database)
    record, event = send(pending("A", 1)[0])
    first.write([(record, event)])
    first.close()
    again = open_journal(pg_database)
    assert again.migrated_now == []
    assert again.records() == [record]
    assert [item.kind for item in again.events()] == [EventKind.SEND]
    again.close()


@pytest.mark.parametrize("schema", ["", "Upper", "1day", "pg_journal", "a-b", "x" * 64, 'j"; DROP TABLE x; --'])
def test_a_schema_name_that_is_not_a_plain_identifier_is_refused_before_connecting(schema: str) -> None:
    with pytest.raises(ValueError, match="not a usable schema name"):
        PostgresJournal("postgresql://nobody@127.0.0.1:1/none", schema=schema)


def test_the_schema_name_is_quoted_and_journals_in_one_database_are_apart(pg_database: Database) -> None:
    reserved = open_journal(pg_database, "order")  # an SQL keyword: usable because it is always quoted
    other = open_journal(pg_database, "day_2026_11_27")
    reserved.load(pending("K", 2))
    assert [record.out_order_no for record in reserved.records()] == ["K0000", "K0001"]
    assert other.records() == []
    reserved.close()
    other.close()


def test_a_journal_of_a_newer_version_is_refused(pg_database: Database) -> None:
    open_journal(pg_database).close()
    with pg_database.connect() as connection:
        connection.execute("INSERT INTO journal.migrations (version, description) VALUES (99, 'from the future')")
    with pytest.raises(JournalError, match="version 99, newer than this program reads"):
        open_journal(pg_database)
    with pytest.raises(JournalError, match="version 99, newer than this program reads"):
        open_journal(pg_database, read_only=True)


def test_a_reader_needs_an_existing_journal_and_writes_nothing(pg_database: Database) -> None:
    with pytest.raises(JournalError, match="holds no journal"):
        open_journal(pg_database, "nothing_here", read_only=True)
    open_journal(pg_database).close()
    reader = open_journal(pg_database, read_only=True)
    assert reader.records() == []
    with pytest.raises(JournalError, match="read-only transaction"):
        reader.write([send(pending("A", 1)[0])])
    reader.close()


def test_events_are_append_only(pg_database: Database) -> None:
    journal = open_journal(pg_database)
    journal.write([send(pending("A", 1)[0])])
    with pg_database.connect() as connection:
        for statement in ("UPDATE journal.events SET detail = 'edited'", "DELETE FROM journal.events"):
            with pytest.raises(psycopg.errors.IntegrityConstraintViolation, match="append-only"):
                connection.execute(statement)
    assert [event.detail for event in journal.events()] == ["about to leave"]
    journal.close()


def test_errors_name_the_journal_by_host_port_and_database_never_by_its_password(
    pg_cluster: Cluster, pg_database: Database
) -> None:
    wrong = pg_database.dsn.replace(pg_database.password, "Wrong-Secret-123")
    with pytest.raises(JournalError) as refused:
        PostgresJournal(wrong, schema="journal")
    message = str(refused.value)
    assert f"127.0.0.1:{pg_cluster.port}/{pg_database.dbname} (schema journal)" in message
    assert "password authentication failed" in message
    assert "Wrong-Secret-123" not in message and refused.value.__cause__ is None
    with pytest.raises(JournalError) as malformed:
        PostgresJournal(f"host=127.0.0.1 password=Wrong-Secret-123 {pg_database.password}", schema="journal")
    assert "not a PostgreSQL connection string" in str(malformed.value)
    assert "Wrong-Secret-123" not in str(malformed.value) and pg_database.password not in str(malformed.value)
    closed_port = pg_database.dsn.replace(f":{pg_cluster.port}/", ":1/")
    with pytest.raises(JournalError, match=r"127\.0\.0\.1:1/") as unreachable:
        PostgresJournal(closed_port, schema="journal")
    assert pg_database.password not in str(unreachable.value)


def test_a_broken_connection_fails_one_call_and_the_next_reconnects(pg_cluster: Cluster, pg_database: Database) -> None:
    journal = PostgresJournal(pg_database.dsn, schema="journal", application_name="journal-under-test")
    journal.load(pending("A", 2))
    with pg_cluster.admin(pg_database.dbname) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s", ["journal-under-test"]
        )
    with pytest.raises(JournalError, match="cannot read"):
        journal.get_many(["A0000"])
    assert set(journal.get_many(["A0000", "A0001"])) == {"A0000", "A0001"}
    event = JournalEvent(out_order_no="A0000", kind=EventKind.QUERY, attempt=0)
    journal.write([(journal.get_many(["A0000"])["A0000"], event)])
    assert [item.kind for item in journal.events("A0000")] == [EventKind.QUERY]
    journal.close()
