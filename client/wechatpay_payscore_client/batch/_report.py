"""`--report FILE`: one row per order (and per reported row), written as results settle: CSV, JSON or JSON Lines."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from types import TracebackType

    from ._outcome import OrderResult

__all__ = ["REPORT_COLUMNS", "ReportWriter"]

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
    """Streams the report: `.json` a JSON array, `.jsonl` / `.ndjson` JSON Lines, anything else CSV with a header."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        suffix = self.path.suffix.lower()
        self._kind = "json" if suffix == ".json" else "jsonl" if suffix in (".jsonl", ".ndjson") else "csv"
        self._file: IO[str] = self.path.open("w", encoding="utf-8", newline="")
        self._count = 0
        self._csv: Any = None
        if self._kind == "csv":
            self._csv = csv.DictWriter(self._file, fieldnames=REPORT_COLUMNS, extrasaction="ignore")
            self._csv.writeheader()
        elif self._kind == "json":
            self._file.write("[")

    def write(self, result: OrderResult) -> None:
        row = dict(result.to_report())
        if self._kind == "csv":
            self._csv.writerow({key: "" if value is None else value for key, value in row.items()})
        else:
            text = json.dumps(row, ensure_ascii=False, sort_keys=False)
            if self._kind == "json":
                text = ("\n  " if self._count == 0 else ",\n  ") + text
            else:
                text += "\n"
            self._file.write(text)
        self._count += 1

    def close(self) -> None:
        if self._kind == "json":
            self._file.write("\n]\n" if self._count else "]\n")
        self._file.close()

    def __enter__(self) -> ReportWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()
