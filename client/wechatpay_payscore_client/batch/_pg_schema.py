"""The journal's schema, created and migrated by the project: versioned, idempotent, safe when workers start at once.

Rule: a migration runs once, in order, recorded in `<schema>.migrations` in the transaction that applies it. Every
worker that opens the journal runs `migrate`, which takes a transaction-level advisory lock first (one key per
schema): the second of two workers starting at once waits for the first to commit, then finds nothing left to do.
The schema itself is created only when missing (`CREATE SCHEMA` needs the CREATE privilege on the database; a schema
created beforehand by an administrator needs only the privileges on that schema). A journal migrated by a newer
program (a version this one does not know) is refused, never written.
"""

from __future__ import annotations

import psycopg
from psycopg.rows import TupleRow

from ._journal import JournalError
from ._pg_connect import lock_key
from ._pg_sql import ADVISORY_LOCK, MIGRATIONS, SCHEMA_EXISTS, Statements

__all__ = ["SCHEMA_VERSION", "check_version", "migrate"]

SCHEMA_VERSION = MIGRATIONS[-1].version


def migrate(connection: psycopg.Connection[TupleRow], schema: str, statements: Statements) -> list[int]:
    """Bring `schema` to `SCHEMA_VERSION` (creating it if need be); the versions applied now (none if up to date)."""
    applied_now: list[int] = []
    with connection.transaction():
        connection.execute(ADVISORY_LOCK, (lock_key("migrate", schema),))
        row = connection.execute(SCHEMA_EXISTS, (schema,)).fetchone()
        if row is None or not row[0]:
            connection.execute(statements.create_schema)
        connection.execute(statements.create_migrations)
        applied = _applied(connection, statements)
        _refuse_newer(applied, schema)
        for migration, bound in statements.migrations:
            if migration.version in applied:
                continue
            for statement in bound:
                connection.execute(statement)
            connection.execute(statements.record_migration, (migration.version, migration.description))
            applied_now.append(migration.version)
    return applied_now


def check_version(connection: psycopg.Connection[TupleRow], schema: str, statements: Statements) -> None:
    """For a reader that must not change anything: the schema exists and is exactly at `SCHEMA_VERSION`."""
    row = connection.execute(SCHEMA_EXISTS, (schema,)).fetchone()
    if row is None or not row[0]:
        raise JournalError(f"schema {schema} holds no journal (it does not exist)")
    applied = _applied(connection, statements)
    _refuse_newer(applied, schema)
    if max(applied, default=0) < SCHEMA_VERSION:
        raise JournalError(
            f"schema {schema} holds a journal of version {max(applied, default=0)}; this program reads "
            f"{SCHEMA_VERSION}: open it once for writing to migrate it"
        )


def _applied(connection: psycopg.Connection[TupleRow], statements: Statements) -> set[int]:
    try:
        rows = connection.execute(statements.applied).fetchall()
    except psycopg.errors.UndefinedTable:
        return set()
    return {int(row[0]) for row in rows}


def _refuse_newer(applied: set[int], schema: str) -> None:
    newest = max(applied, default=0)
    if newest > SCHEMA_VERSION:
        raise JournalError(
            f"schema {schema} holds a journal of version {newest}, newer than this program reads ({SCHEMA_VERSION}): "
            "upgrade wechatpay-payscore"
        )
