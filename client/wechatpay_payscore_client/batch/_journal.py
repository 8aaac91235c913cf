"""The batch's durable memory: what was about to be sent, what came back, and each order's one final outcome.

Write-ahead rule: an order is recorded as `SENDING` (with its attempt number) before its request may leave, and the
answer (or its loss) is recorded before the next step for that order. So after `kill -9` at any instant:

- `PENDING` / `RETRY`: nothing is in doubt; the next attempt may be sent;
- `SENDING` / `IN_DOUBT`: an attempt may have been applied; the order is reconciled by a query before anything else;
- `FINAL`: never sent again (an `UNRESOLVED` or `INVALID` final outcome is re-examined: the former by a query first,
  the latter only when a corrected row comes, since nothing was sent).

`Journal` is the interface a service implements to keep this in its own database; `SqliteJournal` is the embedded
default (standard-library `sqlite3`, WAL, `synchronous=FULL`: each `write` is durable when it returns).
"""

from __future__ import annotations

import datetime
import enum
import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import attrs
from wechatpay_auth import WechatPayError

from ._outcome import Outcome

__all__ = ["EventKind", "Journal", "JournalError", "JournalEvent", "OrderRecord", "Phase", "SqliteJournal", "utc_now"]

SCHEMA_VERSION = 1


def utc_now() -> str:
    """An ISO 8601 UTC timestamp with milliseconds, as every journal row and report line carries."""
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JournalError(WechatPayError):
    """The journal cannot be opened or written (not a journal, another version, a full disk...)."""


class Phase(enum.StrEnum):
    """Where an order stands; see the module's docstring for what a resumed run does in each."""

    PENDING = "pending"  # known, nothing sent
    SENDING = "sending"  # attempt `attempts` may have left; its answer is not recorded
    IN_DOUBT = "in_doubt"  # an attempt's answer was lost or cannot tell the outcome: query before anything else
    RETRY = "retry"  # the last attempt is proven not applied (a 429, nothing sent, or a query): may send again
    FINAL = "final"  # `outcome` is set


class EventKind(enum.StrEnum):
    """What a journal event records: the audit trail that proves every re-send was preceded by a query."""

    INVALID = "invalid"  # the row was refused before anything was sent
    SEND = "send"  # attempt N is about to leave (written before the request)
    UNSEND = "unsend"  # attempt N was recorded but never left (a stop before its turn): withdrawn
    ANSWER = "answer"  # attempt N's answer, or the fact that it was lost
    QUERY = "query"  # a reconciling query is about to leave (written before the request)
    VERDICT = "verdict"  # what the query proved, or why it could not
    OUTCOME = "outcome"  # the final outcome


@attrs.frozen(kw_only=True)
class OrderRecord:
    """One order's state in the journal.

    `request` holds the fields of the sync request (service_id, sub_mchid, channel_id, paid_time, paid_time_given);
    `attempts` counts the sends ever recorded, `lost_attempts` those whose answer was lost or in doubt (what tells
    "synced by an earlier attempt" from "done by other means").
    """

    out_order_no: str
    request: Mapping[str, str]
    phase: Phase
    attempts: int = 0
    lost_attempts: int = 0
    outcome: Outcome | None = None
    code: str | None = None
    message: str | None = None
    request_ids: tuple[str, ...] = ()
    line: int | None = None
    updated_at: str = attrs.field(factory=utc_now)
    finished_at: str | None = None

    def evolve(self, **changes: Any) -> OrderRecord:
        """A copy with `changes`, stamped now."""
        return attrs.evolve(self, updated_at=utc_now(), **changes)

    def with_request_id(self, request_id: str | None) -> tuple[str, ...]:
        return (*self.request_ids, request_id) if request_id else self.request_ids


@attrs.frozen(kw_only=True)
class JournalEvent:
    """One step of one order, appended in the order it happened (`detail` is free text or JSON)."""

    out_order_no: str
    kind: EventKind
    attempt: int
    detail: str = ""
    request_id: str | None = None
    at: str = attrs.field(factory=utc_now)
    sequence: int | None = None  # assigned by the journal

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> JournalEvent:
        """The event an events row holds, by the column order every journal selects: sequence, out_order_no,
        kind, attempt, detail, request_id, at (columns after these, as PostgreSQL's worker, are not the event's)."""
        return cls(
            sequence=row[0],
            out_order_no=row[1],
            kind=EventKind(row[2]),
            attempt=row[3],
            detail=row[4],
            request_id=row[5],
            at=row[6],
        )


class Journal(Protocol):
    """What the batch runner needs from its durable store. Calls come from one thread at a time."""

    def get_many(self, out_order_nos: Sequence[str]) -> Mapping[str, OrderRecord]:
        """The records of those orders that the journal holds."""
        ...

    def write(self, changes: Sequence[tuple[OrderRecord, JournalEvent]]) -> None:
        """Store each record (replacing the order's earlier one) and append its event, all at once, durably:
        when this returns, a crash of the process or the machine loses none of it."""
        ...

    def close(self) -> None:
        """Release the store; nothing is lost by not calling it."""
        ...


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS orders (
    out_order_no TEXT PRIMARY KEY,
    request TEXT NOT NULL,
    phase TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    lost_attempts INTEGER NOT NULL,
    outcome TEXT,
    code TEXT,
    message TEXT,
    request_ids TEXT NOT NULL,
    line INTEGER,
    updated_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE TABLE IF NOT EXISTS events (
    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
    out_order_no TEXT NOT NULL,
    kind TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    detail TEXT NOT NULL,
    request_id TEXT,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_order ON events (out_order_no, sequence);
"""
_ORDER_COLUMNS = (
    "out_order_no, request, phase, attempts, lost_attempts, outcome, code, message, request_ids, line, updated_at, "
    "finished_at"
)


class SqliteJournal:
    """The embedded journal: one SQLite file (WAL, `synchronous=FULL`), safe against `kill -9` and power loss.

    Open it with `SqliteJournal(path)`; `records()` and `events()` read it back (for reports and audits).
    The connection may be used from any one thread at a time (the runner uses a single writer thread).
    """

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        try:
            if read_only:  # a dry run: check against what is recorded, change nothing
                uri = self.path.resolve().as_uri() + "?mode=ro"
                self._db = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
                self._check_version(self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone())
                return
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30.0)
            self._db.execute("PRAGMA journal_mode=WAL")
            # FULL: the WAL is synced on every commit, so a recorded transition survives a power loss too.
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(_SCHEMA)
            version = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if version is None:
                self._db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            self._check_version(version)
        except sqlite3.DatabaseError as exc:
            raise JournalError(f"cannot open the journal {self.path}: {exc}") from None

    def _check_version(self, version: Sequence[Any] | None) -> None:
        if version is not None and version[0] != str(SCHEMA_VERSION):
            raise JournalError(f"{self.path}: journal schema version {version[0]}, this program reads {SCHEMA_VERSION}")

    def __repr__(self) -> str:
        return f"SqliteJournal({str(self.path)!r})"

    def get_many(self, out_order_nos: Sequence[str]) -> dict[str, OrderRecord]:
        found: dict[str, OrderRecord] = {}
        keys = list(dict.fromkeys(out_order_nos))
        with self._lock:
            for start in range(0, len(keys), 500):  # SQLite's bound-parameter limit is at least 999
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT {_ORDER_COLUMNS} FROM orders WHERE out_order_no IN ({marks})",  # noqa: S608 - only '?'s
                    chunk,
                ).fetchall()
                found.update((row[0], _record(row)) for row in rows)
        return found

    def write(self, changes: Sequence[tuple[OrderRecord, JournalEvent]]) -> None:
        if not changes:
            return
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                latest = {record.out_order_no: record for record, _ in changes}  # an order's last state wins
                self._db.executemany(
                    f"INSERT OR REPLACE INTO orders ({_ORDER_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",  # noqa: S608
                    [_row(record) for record in latest.values()],
                )
                self._db.executemany(
                    "INSERT INTO events (out_order_no, kind, attempt, detail, request_id, at) VALUES (?,?,?,?,?,?)",
                    [
                        (event.out_order_no, str(event.kind), event.attempt, event.detail, event.request_id, event.at)
                        for _, event in changes
                    ],
                )
                self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise JournalError(f"cannot write the journal {self.path}: {exc}") from exc

    def records(self) -> Iterator[OrderRecord]:
        """Every order, in out_order_no order."""
        cursor = self._db.execute(f"SELECT {_ORDER_COLUMNS} FROM orders ORDER BY out_order_no")  # noqa: S608
        for row in cursor:
            yield _record(row)

    def events(self, out_order_no: str | None = None) -> list[JournalEvent]:
        """The events of one order (or all), oldest first."""
        sql = "SELECT sequence, out_order_no, kind, attempt, detail, request_id, at FROM events"
        params: tuple[str, ...] = ()
        if out_order_no is not None:
            sql += " WHERE out_order_no = ?"
            params = (out_order_no,)
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY sequence", params).fetchall()
        return [JournalEvent.from_row(row) for row in rows]

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _row(record: OrderRecord) -> tuple[Any, ...]:
    return (
        record.out_order_no,
        json.dumps(dict(record.request), sort_keys=True, ensure_ascii=False),
        str(record.phase),
        record.attempts,
        record.lost_attempts,
        None if record.outcome is None else str(record.outcome),
        record.code,
        record.message,
        json.dumps(list(record.request_ids)),
        record.line,
        record.updated_at,
        record.finished_at,
    )


def _record(row: Sequence[Any]) -> OrderRecord:
    return OrderRecord(
        out_order_no=row[0],
        request=json.loads(row[1]),
        phase=Phase(row[2]),
        attempts=row[3],
        lost_attempts=row[4],
        outcome=None if row[5] is None else Outcome(row[5]),
        code=row[6],
        message=row[7],
        request_ids=tuple(json.loads(row[8])),
        line=row[9],
        updated_at=row[10],
        finished_at=row[11],
    )
