"""What an operator sees while the batch runs and when it ends.

On a terminal: a rich progress bar with the counts per outcome, the rate and the time left. Elsewhere (a log, a
pipe): one plain line every few seconds. At the end: a summary table, then, for each order not settled, what
happened and what to do; or, with `--json`, one JSON object.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from typing import IO, TYPE_CHECKING, Any

from ._outcome import SETTLED, Outcome

if TYPE_CHECKING:
    from ._outcome import OrderResult

__all__ = ["PlainProgress", "RichProgress", "Tally", "count_rows", "make_progress"]

_SHOWN_UNSETTLED = 50  # orders listed one by one in the summary; the report has them all
_ORDER = (*Outcome,)


class Tally:
    """Counts per outcome, and the first orders not settled (bounded: memory stays flat in the rows)."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.rows = 0
        self.unsettled: list[OrderResult] = []
        self.unsettled_total = 0
        self.from_journal = 0
        self.started = time.monotonic()

    def add(self, result: OrderResult) -> None:
        self.rows += 1
        self.counts[str(result.outcome)] += 1
        self.from_journal += result.from_journal
        if result.outcome not in SETTLED and result.outcome is not Outcome.NOT_SENT:  # a dry run's valid row
            self.unsettled_total += 1
            if len(self.unsettled) < _SHOWN_UNSETTLED:
                self.unsettled.append(result)

    def elapsed(self) -> float:
        return max(time.monotonic() - self.started, 1e-9)

    def counts_text(self) -> str:
        return " · ".join(f"{name} {self.counts[name]}" for name in map(str, _ORDER) if self.counts[name])

    def summary(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "counts": {str(name): self.counts[str(name)] for name in _ORDER if self.counts[str(name)]},
            "settled_earlier": self.from_journal,
            "unsettled_total": self.unsettled_total,
            "elapsed_s": round(self.elapsed(), 3),
            "rows_per_s": round(self.rows / self.elapsed(), 1),
        }


def count_rows(path: str) -> int | None:
    """Rows in a file, for the bar and the time left (lines minus a CSV header; None for standard input)."""
    if path == "-":
        return None
    lines, first, last = 0, b"", b""
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                first = first or block[:64]
                lines += block.count(b"\n")
                last = block
    except OSError:
        return None
    if first and not last.endswith(b"\n"):
        lines += 1
    is_jsonl = path.lower().endswith((".jsonl", ".ndjson")) or first.lstrip(b"\xef\xbb\xbf").lstrip().startswith(b"{")
    return max(lines - (0 if is_jsonl else 1), 0)


class PlainProgress:
    """A line every `interval` seconds (and at the end) on `err`."""

    def __init__(self, err: IO[str], total: int | None, *, interval: float = 5.0) -> None:
        self._err = err
        self._total = total
        self._interval = interval
        self._last = time.monotonic()
        self.group = ""  # a group worker's view of the whole day (set by its command), shown after its own counts

    def update(self, tally: Tally) -> None:
        now = time.monotonic()
        if now - self._last >= self._interval:
            self._last = now
            self._line(tally)

    def _line(self, tally: Tally) -> None:
        rate = tally.rows / tally.elapsed()
        done = f"{tally.rows}/{self._total}" if self._total is not None else f"{tally.rows}"
        left = ""
        if self._total is not None and rate > 0 and tally.rows < self._total:
            left = f", about {int((self._total - tally.rows) / rate)} s left"
        group = f"; {self.group}" if self.group else ""
        self._err.write(
            f"sync-batch: {done} rows ({tally.counts_text() or 'none yet'}), {rate:.1f} rows/s{left}{group}\n"
        )
        self._err.flush()

    def close(self, tally: Tally) -> None:
        self._line(tally)


class RichProgress:
    """A rich progress bar on a terminal."""

    def __init__(self, err: IO[str], total: int | None) -> None:
        from rich.console import Console  # noqa: PLC0415 - only on a terminal
        from rich.progress import (  # noqa: PLC0415
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            TextColumn("[bold]sync-batch"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]:.1f}/s"),
            TimeRemainingColumn(),
            TextColumn("{task.description}"),
            console=Console(file=err),
            transient=False,
        )
        self._task = self._progress.add_task("", total=total, rate=0.0)
        self._progress.start()
        self.group = ""  # a group worker's view of the whole day (set by its command), shown after its own counts

    def update(self, tally: Tally) -> None:
        description = tally.counts_text() + (f" | {self.group}" if self.group else "")
        self._progress.update(
            self._task, completed=tally.rows, description=description, rate=tally.rows / tally.elapsed()
        )

    def close(self, tally: Tally) -> None:
        self.update(tally)
        self._progress.stop()


def make_progress(err: IO[str], total: int | None) -> PlainProgress | RichProgress:
    return RichProgress(err, total) if err.isatty() else PlainProgress(err, total)


def print_summary(out: IO[str], tally: Tally, *, header: str, footer: list[str]) -> None:
    """The final table, then each order not settled with what to do."""
    from rich.console import Console  # noqa: PLC0415 - rich loads for the summary, not at import
    from rich.table import Table  # noqa: PLC0415

    console = Console(file=out, soft_wrap=True, highlight=False)
    table = Table(title=header, title_justify="left")
    table.add_column("outcome")
    table.add_column("rows", justify="right")
    for name in map(str, _ORDER):
        if tally.counts[name]:
            table.add_row(name, str(tally.counts[name]))
    table.add_row("total", str(tally.rows), style="bold")
    console.print(table)
    if tally.unsettled:
        console.print(f"Not settled ({tally.unsettled_total}):", style="bold")
        for result in tally.unsettled:
            where = f"line {result.line}" if result.line is not None else "-"
            console.print(
                f"  {result.out_order_no or '(no out_order_no)'} ({where}, {result.outcome}): {result.advice()}",
                markup=False,
            )
        if tally.unsettled_total > len(tally.unsettled):
            console.print(f"  ... and {tally.unsettled_total - len(tally.unsettled)} more: see --report", markup=False)
    for line in footer:
        console.print(line, markup=False)


def json_summary(out: IO[str], document: dict[str, Any]) -> None:
    out.write(json.dumps(document, ensure_ascii=False, sort_keys=True) + "\n")
