"""`wechatpay-payscore batch-report`: the day's one report, from the journal alone, changing nothing.

    wechatpay-payscore batch-report --journal FILE|DSN | --journal-dsn-env NAME [--journal-schema S]
                                    [--report FILE] [--json]

Any worker at the end of the day, or an operator at any moment, runs it against the day's journal (the SQLite file
`sync-batch` wrote, or the PostgreSQL journal a group of workers shares). It opens the journal read-only (an SQLite
file with `mode=ro`, a PostgreSQL session whose every transaction is read-only), never creates one, sends nothing,
and says (`_day`): every order's outcome once, or where an unfinished order stands (pending, in flight, in doubt);
what each worker did; and each order not settled with what to do.

Output: a table on standard output, or with `--json` exactly one JSON object on standard output, whatever the
ending (a refused command line or an unreadable journal is `{"error": "...", "exit_status": 2}`):

    {"journal": str, "kind": "sqlite" | "postgresql", "read_at": str (UTC),
     "orders": int, "counts": {status: int}, "settled": int, "finished": int, "unfinished": int,
     "workers": [{"worker": str | null, "finished": int, "syncs_sent": int, "queries": int, "claims": int,
                  "took_over": {worker: int}, "taken_over_by": {worker: int}, "holding": int}],
     "unsettled_total": int,
     "unsettled": [{the --report columns, "status", "phase", "held_by", "lease_until", "lease_live", "advice"}],
     "report": str | null, "report_error": str | null, "exit_status": int, "error": null}

`unsettled` lists the first 50 orders not settled (`unsettled_total` counts them all; `--report` has every order,
with `sync-batch`'s columns). The exit status is `sync-batch`'s (`BatchExit`): 0 every order settled; 3 some refused
or invalid, none unresolved or unfinished; 5 some unresolved or not finished; 2 bad configuration, or a journal
missing or unreadable. A DSN's password is never printed: the journal is shown by host, port, database and schema.
"""

from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from wechatpay_auth import ConfigurationError

from ._day import DayEntry, DayReport, Standing, build_day_report
from ._exits import BatchExit
from ._journal import JournalError, SqliteJournal, utc_now
from ._report import ReportWriter, same_file
from ._target import JournalTarget, add_journal_arguments, journal_target

__all__ = ["COMMAND", "EPILOG", "add_batch_report_parser", "mask_passwords", "refused_command_line", "run_batch_report"]

COMMAND = "batch-report"

EPILOG = """\
The report reads the journal only: it sends nothing, changes nothing, creates nothing, and may run while workers
are still settling the day (it is then a moment's picture). Each order is counted once, with its final outcome, or
where it stands when not finished:
  pending    nothing may have left: never sent, or its last attempt proven not applied
  in_flight  held by a worker on a live lease (PostgreSQL), or recorded as about to leave (SQLite)
  in_doubt   an attempt may have been applied and nobody is on it: the next run queries it first
Per worker: orders finished, syncs sent, queries made; with PostgreSQL also claims, orders taken over (and from
whom) and orders held now. An SQLite journal has one worker, unnamed. Each order not settled is listed with what to
do (the first 50; --report has every order, with the columns of sync-batch's report).

examples:
  wechatpay-payscore batch-report --journal collected-2026-11-27.csv.journal
  wechatpay-payscore batch-report --journal postgresql://report@db.internal/payments --journal-schema day_1127
  PAYSCORE_DSN="$(cat /run/secrets/payscore-dsn)" wechatpay-payscore batch-report --journal-dsn-env PAYSCORE_DSN \\
      --journal-schema day_1127 --report day.csv --json

exit status:
  0 every order settled (synced, or confirmed done)   3 some refused or invalid, none unresolved or unfinished
  5 some unresolved or not finished                   2 bad configuration, or the journal missing or unreadable
"""


def add_batch_report_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Declare `batch-report` on the `wechatpay-payscore` parser's subcommands; its parser."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        COMMAND,
        help="the day's report from a batch journal (SQLite or PostgreSQL): outcomes, workers, what is left to do",
        description="Report a day's batch from its journal, read-only.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EPILOG,
    )
    add_journal_arguments(parser)
    parser.add_argument("--report", metavar="FILE", help="one row per order: .csv, .json or .jsonl")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    return parser


# A password inside a word of the command line: postgresql://user:PASSWORD@host... or password=PASSWORD.
_PASSWORDS = (
    re.compile(r"postgres(?:ql)?://[^:/@\s]*:([^@\s]+)@", re.IGNORECASE),
    re.compile(r"\bpassword\s*=\s*'?([^'\s]+)", re.IGNORECASE),
)


def mask_passwords(message: str, arguments: Sequence[str]) -> str:
    """`message` with every password found in `arguments` (a DSN's, or a `password=` pair's) replaced by ***."""
    found = {match for word in arguments for pattern in _PASSWORDS for match in pattern.findall(word)}
    for password in sorted(found, key=len, reverse=True):
        message = message.replace(password, "***")
    return message


def refused_command_line(
    message: str, *, as_json: bool, out: IO[str], err: IO[str], arguments: Sequence[str] = ()
) -> int:
    """A command line that was refused before anything was read: exit 2, `message` with any password in
    `arguments` masked (argparse quotes what it refuses, and a DSN is not a secret's shape)."""
    message = mask_passwords(message, arguments)
    if not as_json:
        err.write(f"{message}\n  (see --help)\n")
        return int(BatchExit.BAD_CONFIGURATION)
    return _refuse(message, as_json=True, out=out, err=err)


def _refuse(message: str, *, as_json: bool, out: IO[str], err: IO[str]) -> int:
    code = int(BatchExit.BAD_CONFIGURATION)
    if as_json:
        out.write(json.dumps({"error": message, "exit_status": code}, ensure_ascii=False) + "\n")
    else:
        err.write(f"{COMMAND}: {message}\n")
    return code


def _check_paths(args: argparse.Namespace, target: JournalTarget) -> None:
    """The SQLite journal exists (a report creates none); the report does not replace the journal's files."""
    if target.path is None:
        return
    path = target.path
    if not path.exists():
        raise ConfigurationError(
            f"no journal at {target.shown}: give the journal sync-batch wrote (INPUT.journal beside its INPUT by "
            "default); a report creates none"
        )
    if not path.is_file():
        raise ConfigurationError(f"--journal {target.shown} is not a file")
    if args.report:
        report = Path(args.report)
        for suffix in ("", "-journal", "-wal", "-shm"):
            if same_file(report, path.with_name(path.name + suffix)):
                raise ConfigurationError(f"--report {args.report} is the journal {target.shown}; choose another file")


def _read(target: JournalTarget, writer: ReportWriter | None) -> DayReport:
    """The day's report, every order's row written to `writer` as it is read."""

    def on_entry(entry: DayEntry) -> None:
        if writer is not None:
            writer.write(entry.result)

    if target.is_postgres:
        journal = target.open_postgres(read_only=True, role=COMMAND)
        try:
            activity = journal.worker_activity()  # before the records: an order finished since counts as finished
            return build_day_report(journal.records(), activity=activity, on_entry=on_entry)
        finally:
            journal.close()
    sqlite_journal = target.open(read_only=True)
    assert isinstance(sqlite_journal, SqliteJournal)  # noqa: S101 - a target without a DSN is an SQLite file
    try:
        return build_day_report(sqlite_journal.records(), events=sqlite_journal.events(), on_entry=on_entry)
    finally:
        sqlite_journal.close()


def run_batch_report(args: argparse.Namespace, *, out: IO[str] | None = None, err: IO[str] | None = None) -> int:
    """Run `batch-report` with parsed `args`: the report on `out` (or its failure on `err`); the exit status."""
    out = out or sys.stdout
    err = err or sys.stderr
    as_json = bool(getattr(args, "json", False))
    writer: ReportWriter | None = None
    try:
        target = journal_target(args)
        _check_paths(args, target)
        read_at = utc_now()
        writer = ReportWriter(args.report) if args.report else None
        day = _read(target, writer)
    except (ConfigurationError, JournalError, OSError, sqlite3.Error) as exc:
        if writer is not None:
            writer.discard()  # nothing was reported: leave no half report behind
        return _refuse(_reason(exc), as_json=as_json, out=out, err=err)
    report_error = None
    if writer is not None:
        writer.close()
        if writer.error is not None:
            # The journal holds every outcome: the exit status stands; run the report again for the file.
            report_error = f"the report {args.report} could not be written ({writer.error}); run again for it"
            err.write(f"{COMMAND}: {report_error}\n")
    code = day.exit_status()
    if as_json:
        document = {
            "journal": target.shown,
            "kind": "postgresql" if target.is_postgres else "sqlite",
            "read_at": read_at,
            **day.to_json(),
            "report": args.report if writer is not None else None,
            "report_error": report_error,
            "exit_status": int(code),
            "error": None,
        }
        out.write(json.dumps(document, ensure_ascii=False, sort_keys=False) + "\n")
    else:
        _print(out, day, target=target, read_at=read_at, report=args.report, report_error=report_error, code=code)
    return int(code)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, sqlite3.Error):
        return f"cannot read the journal: {exc}"
    if isinstance(exc, OSError) and not isinstance(exc, ConfigurationError | JournalError):
        where = f" {exc.filename}" if exc.filename else ""
        return f"cannot write the report{where}: {exc.strerror or exc}"
    return str(exc)


_STATUS_WORDS = {str(Standing.IN_FLIGHT): "in flight", str(Standing.IN_DOUBT): "in doubt"}


def _worker_line(day: DayReport, index: int, lost: dict[str, dict[str, int]]) -> str:
    activity = day.workers[index]
    parts = [
        f"finished {activity.finished}",
        f"{activity.syncs_sent} sync(s) sent",
        f"{activity.queries} query(ies)",
    ]
    if day.leases_known:
        parts.append(f"{activity.claims} claim(s)")
    if activity.took_over:
        parts.append("took over " + ", ".join(f"{count} from {name}" for name, count in activity.took_over.items()))
    taken = lost.get(activity.worker) if activity.worker is not None else None
    if taken:
        parts.append("lost " + ", ".join(f"{count} to {name}" for name, count in sorted(taken.items())))
    if day.leases_known:
        parts.append(f"holds {activity.holding} now")
    name = activity.name if day.leases_known else "(one worker, unnamed)"
    return f"  {name}: " + ", ".join(parts)


def _print(
    out: IO[str],
    day: DayReport,
    *,
    target: JournalTarget,
    read_at: str,
    report: str | None,
    report_error: str | None,
    code: BatchExit,
) -> None:
    from rich.console import Console  # noqa: PLC0415 - rich loads for the table, not at import
    from rich.table import Table  # noqa: PLC0415
    from rich.text import Text  # noqa: PLC0415

    console = Console(file=out, soft_wrap=True, highlight=False)
    table = Table(title=Text(f"batch-report {target.shown}"), title_justify="left")
    table.add_column("status")
    table.add_column("orders", justify="right")
    for status, count in day.ordered_counts().items():
        table.add_row(_STATUS_WORDS.get(status, status), str(count))
    table.add_row("total", str(day.orders), style="bold")
    console.print(table, markup=False)
    console.print(f"Workers ({len(day.workers)}):", style="bold")
    lost = day.taken_over_by()
    for index in range(len(day.workers)):
        console.print(_worker_line(day, index, lost), markup=False)
    if not day.workers:
        console.print("  none yet (nothing claimed or recorded)", markup=False)
    if day.unsettled_total:
        console.print(f"Not settled ({day.unsettled_total}):", style="bold")
        for entry in day.unsettled:
            where = f"line {entry.result.line}" if entry.result.line is not None else "-"
            status = _STATUS_WORDS.get(entry.status, entry.status)
            console.print(f"  {entry.record.out_order_no} ({where}, {status}): {entry.advice}", markup=False)
        if day.unsettled_total > len(day.unsettled):
            more = day.unsettled_total - len(day.unsettled)
            console.print(f"  ... and {more} more: see --report", markup=False)
    lines = [f"journal: {target.shown} (read only, at {read_at})"]
    if report and not report_error:
        lines.append(f"report: {report} ({day.orders} order(s))")
    if report_error:
        lines.append(report_error)
    lines.append(f"exit status {int(code)} ({code.name.lower().replace('_', ' ')})")
    for line in lines:
        console.print(line, markup=False)
