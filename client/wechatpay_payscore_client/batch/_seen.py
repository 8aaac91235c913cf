"""Which `out_order_no`s this input already had, kept on disk so that memory stays flat in the number of rows."""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Sequence
from pathlib import Path

__all__ = ["SeenOrders"]


class SeenOrders:
    """A throwaway SQLite table (in a temporary directory, no fsync: it only has to live as long as one run)."""

    def __init__(self) -> None:
        self._directory = tempfile.TemporaryDirectory(prefix="wechatpay-batch-")
        self._db = sqlite3.connect(
            Path(self._directory.name) / "seen.sqlite3", isolation_level=None, check_same_thread=False
        )
        self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("CREATE TABLE seen (out_order_no TEXT PRIMARY KEY, line INTEGER NOT NULL)")

    def first_lines(self, keys: Sequence[tuple[str, int]]) -> list[int | None]:
        """For each (out_order_no, line): None when it is new, else the line where it came first."""
        answers: list[int | None] = []
        self._db.execute("BEGIN")
        try:
            for key, line in keys:
                row = self._db.execute("SELECT line FROM seen WHERE out_order_no = ?", (key,)).fetchone()
                if row is None:
                    self._db.execute("INSERT INTO seen VALUES (?, ?)", (key, line))
                answers.append(None if row is None else int(row[0]))
        finally:
            self._db.execute("COMMIT")
        return answers

    def close(self) -> None:
        self._db.close()
        self._directory.cleanup()
