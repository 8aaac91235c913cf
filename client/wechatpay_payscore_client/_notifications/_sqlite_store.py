"""The default notification store: one SQLite file, shared by the threads and processes of one host.

Each operation opens its own connection (so the store is safe in any thread, and after a fork) and runs one short
`BEGIN IMMEDIATE` transaction: the write lock is taken before the id is read, so two processes cannot both find it
free. The file is in WAL mode, so readers never wait for that lock, and commits are synchronous (`FULL`): a claim or
an answer acknowledged to WeChat Pay survives a crash of the process or of the machine.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ._answers import Answer
from ._store import DEFAULT_LEASE, DEFAULT_RETENTION, NotificationClaim, check_durations

__all__ = ["SQLiteNotificationStore"]

# Well under the answer deadline: a store that cannot be written in this time answers 503 rather than time out.
_BUSY_TIMEOUT = 2.0
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS wechatpay_notifications ("
    " id TEXT PRIMARY KEY,"
    " state TEXT NOT NULL CHECK (state IN ('claimed', 'done')),"
    " token TEXT NOT NULL,"
    " expires_at REAL NOT NULL,"  # a claim's lease end, or a done id's retention end (Unix seconds)
    " status INTEGER, headers TEXT, body BLOB"  # the answer, once done
    ")",
    "CREATE INDEX IF NOT EXISTS wechatpay_notifications_expires_at ON wechatpay_notifications (expires_at)",
)


class SQLiteNotificationStore:
    """A `NotificationStore` in the SQLite file at `path` (created if needed), in table `wechatpay_notifications`.

    A done id is kept `retention` seconds (48 h by default; never less than WeChat Pay's 24 h 4 min retry schedule),
    a claim holds `lease` seconds (120 s); expired rows are purged lazily, by the next claim. `clock` gives Unix
    seconds. Processes sharing the file must be on one host (WAL needs shared memory: not a network file system).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        retention: float = DEFAULT_RETENTION,
        lease: float = DEFAULT_LEASE,
        clock: Callable[[], float] = time.time,
    ) -> None:
        check_durations(retention, lease)
        if os.fspath(path) in ("", ":memory:"):
            raise ValueError(
                "SQLiteNotificationStore needs a file that every connection shares; for a store in memory, use "
                "MemoryNotificationStore"
            )
        # Absolute now: a later change of the working directory must not move the store.
        self._path = str(Path(path).absolute())
        self._retention = float(retention)
        self._lease = float(lease)
        self._clock = clock
        with self._connect() as connection:
            mode = connection.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise ValueError(f"{self._path}: SQLite could not switch this file to WAL mode (it is in {mode!r})")
            for statement in _SCHEMA:
                connection.execute(statement)

    @property
    def path(self) -> str:
        """The absolute path of the SQLite file."""
        return self._path

    def __repr__(self) -> str:
        return f"SQLiteNotificationStore({self._path!r}, retention={self._retention:g}, lease={self._lease:g})"

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        connection = sqlite3.connect(self._path, timeout=_BUSY_TIMEOUT, isolation_level=None)
        try:
            connection.execute("PRAGMA synchronous=FULL")
            yield connection
        finally:
            connection.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._connect() as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    def claim(self, notification_id: str, token: str) -> NotificationClaim | Answer:
        """See `NotificationStore.claim`; purges the expired rows in the same transaction."""
        with self._transaction() as connection:
            now = self._clock()
            connection.execute("DELETE FROM wechatpay_notifications WHERE expires_at <= ?", (now,))
            row = connection.execute(
                "SELECT state, status, headers, body FROM wechatpay_notifications WHERE id = ?", (notification_id,)
            ).fetchone()
            if row is not None:
                state, status, headers, body = row
                if state == "done":
                    return Answer(int(status), json.loads(headers), bytes(body))
                return NotificationClaim.BUSY
            connection.execute(
                "INSERT INTO wechatpay_notifications (id, state, token, expires_at) VALUES (?, 'claimed', ?, ?)",
                (notification_id, token, now + self._lease),
            )
            return NotificationClaim.CLAIMED

    def complete(self, notification_id: str, token: str, answer: Answer) -> None:
        """See `NotificationStore.complete`: recorded even if the claim expired meanwhile (the work is done)."""
        with self._transaction() as connection:
            connection.execute(
                "INSERT INTO wechatpay_notifications (id, state, token, expires_at, status, headers, body)"
                " VALUES (?, 'done', ?, ?, ?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET state = 'done', token = excluded.token,"
                " expires_at = excluded.expires_at, status = excluded.status, headers = excluded.headers,"
                " body = excluded.body",
                (
                    notification_id,
                    token,
                    self._clock() + self._retention,
                    answer.status,
                    json.dumps(answer.headers, ensure_ascii=False),
                    answer.body,
                ),
            )

    def release(self, notification_id: str, token: str) -> None:
        """See `NotificationStore.release`."""
        with self._transaction() as connection:
            connection.execute(
                "DELETE FROM wechatpay_notifications WHERE id = ? AND token = ? AND state = 'claimed'",
                (notification_id, token),
            )
