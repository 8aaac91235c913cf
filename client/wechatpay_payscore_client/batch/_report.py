"""`--report FILE`: one row per order (and per reported row), written as results settle: CSV, JSON or JSON Lines."""

from __future__ import annotations

import contextlib
import csv
import json
import os
import tempfile
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from types import TracebackType

    from ._outcome import OrderResult

__all__ = ["REPORT_COLUMNS", "ReportWriter", "same_file"]

REPORT_COLUMNS = (
    "out_order_no",
    "outcome",
    "code",
    "message",
    "request_id",
    "attempts",
    "paid_time",
    "finished_at",
    "line",
)


class ReportWriter:
    """Streams the report: `.json` a JSON array, `.jsonl` / `.ndjson` JSON Lines, anything else CSV with a header.

    A regular file (or a new one) is written beside it under a temporary name and renamed over it by `close()`, so
    that an interrupted run never leaves half a report in its place. A report that cannot be written (a full disk)
    does not stop the batch — the journal holds every outcome: `error` says why, and writing stops.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.error: str | None = None
        suffix = self.path.suffix.lower()
        self._kind = "json" if suffix == ".json" else "jsonl" if suffix in (".jsonl", ".ndjson") else "csv"
        self._temporary: Path | None = None
        if self.path.is_file() or not self.path.exists():
            descriptor, name = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
            self._temporary = Path(name)
            self._file: IO[str] = os.fdopen(descriptor, "w", encoding="utf-8", newline="")
        else:  # a device or a pipe (/dev/stdout): written as is
            self._file = self.path.open("w", encoding="utf-8", newline="")
        self._count = 0
        self._csv: Any = None
        if self._kind == "csv":
            self._csv = csv.DictWriter(self._file, fieldnames=REPORT_COLUMNS, extrasaction="ignore")
            self._guarded(self._csv.writeheader)
        elif self._kind == "json":
            self._guarded(self._file.write, "[")

    def _guarded(self, write: Any, *args: Any) -> None:
        if self.error is not None:
            return
        try:
            write(*args)
        except OSError as exc:
            self.error = exc.strerror or str(exc)

    def write(self, result: OrderResult) -> None:
        if self.error is not None:
            return
        row = dict(result.to_report())
        if self._kind == "csv":
            self._guarded(self._csv.writerow, {key: "" if value is None else value for key, value in row.items()})
        else:
            text = json.dumps(row, ensure_ascii=False, sort_keys=False)
            if self._kind == "json":
                text = ("\n  " if self._count == 0 else ",\n  ") + text
            else:
                text += "\n"
            self._guarded(self._file.write, text)
        self._count += 1

    def close(self) -> None:
        """Finish the report and put it in place (a report that failed is not put in place)."""
        if self._kind == "json":
            self._guarded(self._file.write, "\n]\n" if self._count else "]\n")
        self._guarded(self._file.flush)
        try:
            self._file.close()
        except OSError as exc:
            self.error = self.error or exc.strerror or str(exc)
        if self._temporary is None:
            return
        if self.error is None:
            try:
                self._temporary.replace(self.path)
            except OSError as exc:
                self.error = exc.strerror or str(exc)
            else:
                return
        self._temporary.unlink(missing_ok=True)

    def discard(self) -> None:
        """Nothing was run: leave no report behind."""
        with contextlib.suppress(OSError):
            self._file.close()
        if self._temporary is not None:
            self._temporary.unlink(missing_ok=True)

    def __enter__(self) -> ReportWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


def same_file(first: Path, second: Path) -> bool:
    """Whether two paths name one file (or would: a report may be about to replace either): a report may never
    be written over the input or the journal."""
    try:
        if first.exists() and second.exists():
            return os.path.samefile(first, second)
        return first.resolve() == second.resolve()
    except OSError:
        return False
