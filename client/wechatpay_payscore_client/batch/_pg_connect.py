"""One connection to the journal's database: opened lazily, reopened after a break, every failure a `JournalError`.

Rules kept here:

- A DSN's password never appears in a message: the journal is named by host, port, database and schema only, and the
  driver's messages are reduced to the server's primary message with the password (if any) masked. A DSN that cannot
  be parsed is refused without quoting it.
- The schema name is an identifier the user chooses, checked against a plain pattern (lower case, digits, `_`; not
  `pg_`: reserved by PostgreSQL) and always quoted by `psycopg.sql`, never pasted into SQL text.
- Every public operation of the journal is one transaction (autocommit outside `transaction()` blocks), so a broken
  connection is simply reopened on the next call: nothing of a half-done operation is left to resume.
- Advisory-lock keys are derived from the schema, so two journals in one database never wait for each other.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import threading
from collections.abc import Iterator
from typing import Final

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.rows import TupleRow

from ._journal import JournalError

__all__ = ["DEFAULT_SCHEMA", "Session", "check_schema_name", "lock_key"]

DEFAULT_SCHEMA: Final = "wechatpay_batch"
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_CONNECT_TIMEOUT_S = 10  # libpq waits forever by default; a journal that cannot be reached must say so


def check_schema_name(schema: str) -> str:
    """`schema` if it is a plain PostgreSQL identifier of at most 63 characters, else `ValueError`."""
    if not _IDENTIFIER.fullmatch(schema) or schema.startswith("pg_"):
        raise ValueError(
            f"not a usable schema name: {schema!r} (lower-case letters, digits and _, at most 63, "
            "not starting with a digit or pg_)"
        )
    return schema


def lock_key(purpose: str, schema: str) -> int:
    """A signed 64-bit advisory-lock key for one purpose ("migrate", "load") in one schema."""
    digest = hashlib.blake2b(f"wechatpay-payscore journal {purpose} {schema}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class Session:
    """The journal's connection: `with session.use("write") as conn:` runs under a lock and translates errors."""

    def __init__(self, dsn: str, *, schema: str, application_name: str, read_only: bool = False) -> None:
        self._dsn, self._schema, self._application_name = dsn, schema, application_name
        self.read_only = read_only
        try:
            params = conninfo_to_dict(dsn)
        except psycopg.Error:
            # The driver's message quotes the string, password included: say what is wrong without it.
            raise JournalError(
                "not a PostgreSQL connection string: give postgresql://USER@HOST:PORT/DBNAME or key=value pairs "
                "(the password through PGPASSWORD or ~/.pgpass rather than on a command line)"
            ) from None
        self._password = str(params.get("password") or "")
        host = params.get("host") or os.environ.get("PGHOST") or "localhost"
        port = params.get("port") or os.environ.get("PGPORT") or "5432"
        dbname = params.get("dbname") or os.environ.get("PGDATABASE") or "(the user's database)"
        self.where = f"the PostgreSQL journal {host}:{port}/{dbname} (schema {schema})"
        extra: dict[str, str | int] = {"application_name": application_name}
        if "connect_timeout" not in params:
            extra["connect_timeout"] = _CONNECT_TIMEOUT_S
        self._conninfo = make_conninfo(dsn, **extra)
        self._lock = threading.RLock()
        self._connection: psycopg.Connection[TupleRow] | None = None

    @contextlib.contextmanager
    def use(self, action: str) -> Iterator[psycopg.Connection[TupleRow]]:
        """The connection (opened or reopened as needed), for one caller at a time; `JournalError` on failure."""
        with self._lock:
            try:
                connection = self._connection
                if connection is None or connection.closed or connection.broken:
                    connection = self._connection = psycopg.connect(self._conninfo, autocommit=True)
                    if self.read_only:  # a reader's every transaction is refused any write by the server itself
                        connection.execute("SET default_transaction_read_only = on")
                yield connection
            except psycopg.Error as exc:
                raise JournalError(f"cannot {action} {self.where}: {self._describe(exc)}") from None

    def sibling(self, role: str) -> Session:
        """Another session to the same journal, with a connection of its own (`role` is added to its name)."""
        return Session(
            self._dsn,
            schema=self._schema,
            application_name=f"{self._application_name} {role}",
            read_only=self.read_only,
        )

    def _describe(self, exc: psycopg.Error) -> str:
        text = exc.diag.message_primary or " ".join(str(exc).split()) or type(exc).__name__
        if exc.sqlstate:
            text += f" (SQLSTATE {exc.sqlstate})"
        if self._password:
            text = text.replace(self._password, "***")
        return text

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                with contextlib.suppress(psycopg.Error):
                    self._connection.close()
                self._connection = None
