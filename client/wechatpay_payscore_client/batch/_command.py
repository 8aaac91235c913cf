"""`wechatpay-payscore sync-batch INPUT`: settle a day's collected orders, each exactly once.

`add_sync_batch_parser(subparsers)` declares the command; `run_sync_batch(args, out=..., err=...)` runs it and
returns the exit status: 0 every order settled; 3 some refused or invalid, none unresolved; 5 some unresolved;
2 bad configuration or an input that cannot be read; 130 interrupted (run the same command again to finish).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import itertools
import math
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import attrs
from wechatpay_auth import ConfigurationError, WechatPayError

from .._factory import DEFAULT_TIMEOUT
from .._options import add_merchant_arguments
from .._settings import settings_from_args
from ._exits import BatchExit, exit_for
from ._group import GroupRunner, default_worker_name
from ._group_command import day_exit, run_group
from ._input import BatchInputError, RawRow, open_rows
from ._journal import Journal, JournalError, OrderRecord, SqliteJournal
from ._pg_group import DEFAULT_LEASE_SECONDS
from ._progress import Tally, count_rows, json_summary, make_progress, print_summary
from ._report import ReportWriter, same_file
from ._runner import BatchRunner
from ._signals import interrupts
from ._target import JournalTarget, add_journal_arguments, journal_target

if TYPE_CHECKING:
    from .._factory import WechatPayClient
    from ._journal import JournalEvent

__all__ = ["BatchExit", "add_sync_batch_parser", "default_journal_path", "run_sync_batch"]


EPILOG = """\
INPUT is CSV with a header row, or JSON Lines (.jsonl, or a first character '{'), with the columns
out_order_no, service_id, sub_mchid, channel_id, paid_time; '-' reads standard input (then --journal is required).
paid_time takes every form `sync --paid-time` does: now, yyyyMMddHHmmss, yyyyMMdd, an ISO 8601 date or date-time.

The journal (SQLite) makes the batch safe to interrupt and to run again: an order is recorded before its request
leaves; an order with a final outcome is never sent again; an order whose answer was lost is queried before
anything is sent again. Run the same command again after a crash, a Ctrl-C or exit 5.

examples:
  wechatpay-payscore sync-batch collected-2026-11-27.csv --report result.csv
  wechatpay-payscore sync-batch orders.jsonl --dry-run
  produce-orders | wechatpay-payscore sync-batch - --journal today.journal --json

exit status:
  0 every order settled (synced, or confirmed done)   3 some refused or invalid, none unresolved
  5 some unresolved: run the same command again        2 bad configuration or unreadable input (nothing sent)
  130 interrupted: run the same command again
"""


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


_MIN_RATE = 0.01  # one request per 100 s: below that a batch of any size would look hung


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of requests per second, got {text!r}") from None
    if not math.isfinite(value) or value < _MIN_RATE:
        raise argparse.ArgumentTypeError(f"must be a finite number of requests per second >= {_MIN_RATE}, got {text}")
    return value


def add_sync_batch_parser(subparsers: Any) -> None:
    """Declare `sync-batch` on the `wechatpay-payscore` parser's subcommands (`parser.add_subparsers(...)`)."""
    parser = subparsers.add_parser(
        "sync-batch",
        help="sync every order of a CSV / JSON Lines file, each exactly once, with a journal to resume from",
        description="Sync a batch of service orders paid through other channels, each exactly once.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EPILOG,
    )
    parser.add_argument(
        "input",
        metavar="INPUT",
        nargs="?",
        help="CSV or JSON Lines file, or - for standard input (optional for a worker of a PostgreSQL journal: it "
        "settles what was loaded)",
    )
    add_journal_arguments(parser, file_default="INPUT.journal beside INPUT")
    parser.add_argument(
        "--concurrency", type=_positive_int, default=8, metavar="N", help="requests in flight (default 8)"
    )
    parser.add_argument("--rate", type=_rate, default=50.0, metavar="PER_SECOND", help="request ceiling (default 50/s)")
    parser.add_argument("--report", metavar="FILE", help="one row per order: .csv, .json or .jsonl")
    parser.add_argument("--dry-run", action="store_true", help="check every row (and the journal); send nothing")
    parser.add_argument("--json", action="store_true", help="print one JSON summary instead of the table")
    group = parser.add_argument_group("several workers on one PostgreSQL journal")
    group.add_argument(
        "--lease",
        type=_lease,
        default=None,
        metavar="SECONDS",
        help="how long a worker holds the orders it claimed without renewing them "
        f"(default {DEFAULT_LEASE_SECONDS:g}); at least twice --timeout plus 1",
    )
    group.add_argument("--worker", metavar="NAME", help="this worker's name in the journal (default HOST:PID)")
    group.add_argument(
        "--load-only", action="store_true", help="load INPUT into the journal and exit (one loader, many workers)"
    )
    merchant = parser.add_argument_group("merchant configuration (flags override WECHATPAY_* variables and --config)")
    # No --max-attempts: the runner decides every re-send itself, after a query (the client never retries).
    add_merchant_arguments(merchant, exclude=("max_attempts",))


def _lease(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds, got {text!r}") from None
    if not math.isfinite(value) or value <= 0 or value > 86_400:
        raise argparse.ArgumentTypeError(f"must be a number of seconds > 0 and at most a day, got {text}")
    return value


def default_journal_path(input_path: str) -> Path:
    """`orders.csv` → `orders.csv.journal`, beside the input."""
    path = Path(input_path)
    return path.with_name(path.name + ".journal")


class _EmptyJournal:
    """A dry run without a journal file: nothing recorded, nothing written."""

    def get_many(self, out_order_nos: Sequence[str]) -> Mapping[str, OrderRecord]:
        return {}

    def write(self, changes: Sequence[tuple[OrderRecord, JournalEvent]]) -> None:
        raise JournalError("a dry run writes no journal")  # pragma: no cover - the runner writes nothing in a dry run

    def close(self) -> None:
        pass


def _journal_target(args: argparse.Namespace) -> JournalTarget:
    default = default_journal_path(args.input) if args.input not in (None, "-") else None
    try:
        target = journal_target(args, default_path=default)
    except ConfigurationError as exc:
        if args.input == "-" and default is None and not (args.journal or args.journal_dsn_env):
            raise ConfigurationError("--journal FILE is required when INPUT is - (standard input)") from None
        raise ConfigurationError(str(exc)) from None
    if not target.is_postgres:
        if args.input is None:
            raise ConfigurationError("INPUT is required (only a worker of a PostgreSQL journal runs without one)")
        given = [flag for flag, value in (("--lease", args.lease), ("--worker", args.worker)) if value is not None]
        given += ["--load-only"] if args.load_only else []
        if given:
            raise ConfigurationError(f"{', '.join(given)}: for several workers on a PostgreSQL journal only")
    else:
        if args.dry_run:
            raise ConfigurationError(
                "--dry-run reads an SQLite journal; for a PostgreSQL journal, `batch-report` shows the day"
            )
        if args.load_only and args.input is None:
            raise ConfigurationError("--load-only needs INPUT, the day's file to load")
    return target


def _open_journal(args: argparse.Namespace, path: Path) -> Journal:
    if args.dry_run:
        return SqliteJournal(path, read_only=True) if path.exists() else _EmptyJournal()
    return SqliteJournal(path)


def _check_report_path(args: argparse.Namespace, journal_path: Path | None) -> None:
    """The report replaces its file: it may be neither the input nor the journal (nor the journal's SQLite files)."""
    if not args.report:
        return
    report = Path(args.report)
    if args.input not in (None, "-") and same_file(report, Path(args.input)):
        raise ConfigurationError(f"--report {args.report} is the input itself; choose another file")
    if journal_path is None:
        return
    for suffix in ("", "-journal", "-wal", "-shm"):
        if same_file(report, journal_path.with_name(journal_path.name + suffix)):
            raise ConfigurationError(f"--report {args.report} is the journal {journal_path}; choose another file")


def _opened_input(args: argparse.Namespace, stack: contextlib.ExitStack) -> Iterable[RawRow]:
    """The input's rows, opened (and a file's header read) before the journal is created: a missing or unreadable
    input leaves no journal behind. Standard input is not read ahead: its first row may be long in coming."""
    rows = stack.enter_context(open_rows(args.input))
    if args.input == "-":
        return rows
    first = next(rows, None)
    return rows if first is None else itertools.chain([first], rows)


async def _run(
    *,
    args: argparse.Namespace,
    client: WechatPayClient | None,
    tally: Tally,
    err: IO[str],
    session: _Session,
    rows: Iterable[RawRow],
) -> BatchRunner:
    report, journal = session.report, session.journal
    assert journal is not None  # noqa: S101 - opened by _execute before the run
    runner = BatchRunner(
        client,  # type: ignore[arg-type]  # None only in a dry run, which sends nothing
        journal,
        concurrency=args.concurrency,
        rate=args.rate,
        dry_run=args.dry_run,
        # A pipe may pause between rows: read it row by row, so that none waits for the next ones to arrive.
        chunk=64 if args.input != "-" and Path(args.input).is_file() else 1,
    )
    session.runner = runner  # the summary reads its counters even if the run fails
    progress = make_progress(err, count_rows(args.input))
    try:
        with interrupts(
            runner,
            err,
            first="stopping: no new orders; waiting for those in flight (Ctrl-C again: at once)",
            second="stopping at once; orders in flight will be queried by the next run",
        ):
            if client is None:
                async for result in runner.run(rows):
                    tally.add(result)
                    if report is not None:
                        report.write(result)
                    progress.update(tally)
            else:
                async with client:
                    async for result in runner.run(rows):
                        tally.add(result)
                        if report is not None:
                            report.write(result)
                        progress.update(tally)
    finally:
        progress.close(tally)
    return runner


def _exit_code(tally: Tally, runner: BatchRunner | GroupRunner | None, day: Mapping[str, int] | None) -> BatchExit:
    stats = runner.stats if runner is not None else None
    if day is not None and stats is not None and not (stats.aborted or stats.stopped):
        # A group worker ends when no order of the day is open: its status is the day's.
        return day_exit(day, tally)
    # A second Ctrl-C cancels what is in flight: interrupted even if every row was read.
    if stats is not None and (stats.aborted or (stats.stopped and (stats.unfinished or not stats.input_exhausted))):
        return BatchExit.INTERRUPTED if stats.fatal is None else BatchExit.SOME_UNRESOLVED
    return exit_for(tally.counts)


@attrs.define
class _Session:
    """What one `sync-batch` run got to, for its summary (whatever stopped it)."""

    journal_path: Path | None = None
    journal_shown: str | None = None
    runner: BatchRunner | GroupRunner | None = None
    report: ReportWriter | None = None
    journal: Journal | None = None
    failure: str | None = None
    code: BatchExit | None = None
    group: Any = None  # the PostgreSQL journal a group worker uses
    day: Mapping[str, int] | None = None  # the day's counts at the end (a group worker)


def run_sync_batch(args: argparse.Namespace, *, out: IO[str] | None = None, err: IO[str] | None = None) -> int:
    """Run `sync-batch` with parsed `args`; print the summary on `out`, progress and problems on `err`.

    Every ending prints its summary (with `--json`, one JSON object on `out`), a refusal to start included.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    tally = Tally()
    session = _Session()
    with contextlib.ExitStack() as stack:
        try:
            _execute(args, session, tally, err, stack)
        except (BatchInputError, ConfigurationError, JournalError) as exc:
            if session.runner is not None and isinstance(exc, JournalError):  # mid-run: what was in flight is in doubt
                session.failure = f"the batch stopped: {exc}"
            else:  # an unusable configuration, input (standard input's header) or journal: nothing was sent
                session.failure, session.code = str(exc), BatchExit.BAD_CONFIGURATION
        except OSError as exc:
            if session.journal is None:  # the journal or the report could not be opened: nothing was sent
                session.failure, session.code = str(exc), BatchExit.BAD_CONFIGURATION
            else:
                session.failure = f"the batch stopped: {type(exc).__name__}: {exc}"
        except WechatPayError as exc:
            session.failure = f"the batch stopped: {exc}"
        except KeyboardInterrupt:  # before the run's own handlers were installed: nothing was sent
            session.failure, session.code = "interrupted before the batch started", BatchExit.INTERRUPTED
        except Exception as exc:  # noqa: BLE001 - a bug must still leave the operator a summary and what to do
            session.failure = f"the batch stopped on an unexpected error: {type(exc).__name__}: {exc}"
        finally:
            _close_report(session)
    return _print_ending(args, session, tally, out, err)


def _close_report(session: _Session) -> None:
    if session.report is None:
        return
    if session.code is BatchExit.BAD_CONFIGURATION or (session.group is not None and session.failure):
        # Nothing was run; or a group worker failed before writing the day's report: an earlier one stays.
        session.report.discard()
    else:
        session.report.close()


def _execute(
    args: argparse.Namespace, session: _Session, tally: Tally, err: IO[str], stack: contextlib.ExitStack
) -> None:
    # Nothing is created (journal, report) before the configuration and the input proved usable.
    target = _journal_target(args)
    session.journal_path, session.journal_shown = target.path, target.shown
    _check_report_path(args, session.journal_path)
    rows = _opened_input(args, stack) if args.input is not None else None
    # No retry policy and no reconciliation inside the call: the runner journals each attempt and each query.
    settings = None if args.dry_run else settings_from_args(args)
    client = None if settings is None else settings.create_client(retry=None, reconcile=False)
    session.report = ReportWriter(args.report) if args.report else None
    if target.is_postgres:
        assert client is not None  # noqa: S101 - no dry run on PostgreSQL
        assert settings is not None  # noqa: S101
        # A request's whole time bound: the largest part of its timeout (the pipeline's per-attempt deadline).
        default = max(part for part in DEFAULT_TIMEOUT.as_dict().values() if part)
        args.attempt_seconds = float(settings.timeout) if settings.timeout else default
        args.lease = args.lease or DEFAULT_LEASE_SECONDS
        if args.lease < 2 * args.attempt_seconds + 1:
            raise ConfigurationError(
                f"--lease {args.lease:g} is too short for requests that may take {args.attempt_seconds:g} s "
                f"(--timeout): give at least {2 * args.attempt_seconds + 1:g}, so that a request always ends "
                "before another worker may take its order"
            )
        journal = target.open_postgres(role=f"batch {args.worker or default_worker_name()}")
        session.journal = journal
        stack.callback(journal.close)
        session.group = journal
        asyncio.run(
            run_group(
                args=args,
                client=client,
                journal=journal,
                tally=tally,
                err=err,
                rows=rows,
                report=session.report,
                on_runner=functools.partial(setattr, session, "runner"),
            )
        )
        # A loader's status is its load's (rows reported or not); a worker's is the day's, read once it ended.
        session.day = None if args.load_only else journal.day_counts()
        return
    assert rows is not None  # noqa: S101 - checked by _journal_target
    assert session.journal_path is not None  # noqa: S101 - an SQLite journal has a path
    session.journal = _open_journal(args, session.journal_path)
    stack.callback(session.journal.close)
    asyncio.run(_run(args=args, client=client, tally=tally, err=err, session=session, rows=rows))


def _print_ending(args: argparse.Namespace, session: _Session, tally: Tally, out: IO[str], err: IO[str]) -> int:
    runner, failure = session.runner, session.failure
    report_error = None
    if session.report is not None and session.report.error is not None:
        # The journal holds every outcome: the batch's exit status stands; a rerun writes the report again.
        report_error = f"the report {args.report} could not be written ({session.report.error}); run again for it"
        err.write(f"sync-batch: {report_error}\n")
    code = session.code or (BatchExit.SOME_UNRESOLVED if failure else _exit_code(tally, runner, session.day))
    if failure and runner is None and code in (BatchExit.BAD_CONFIGURATION, BatchExit.INTERRUPTED):
        err.write(f"sync-batch: {failure}\n")
    shown_journal = session.journal_shown
    if args.json:
        document: dict[str, Any] = {
            **tally.summary(),
            "input": args.input,
            "journal": shown_journal,
            "dry_run": bool(args.dry_run),
            "exit_status": int(code),
            "interrupted": code is BatchExit.INTERRUPTED,
            "unfinished": len(runner.stats.unfinished) if runner else 0,
            "sends": runner.stats.sends if runner else 0,
            "queries": runner.stats.queries if runner else 0,
            "rate_limited": runner.stats.rate_limited if runner else 0,
            "error": failure or (runner.stats.fatal if runner else None),
            "report_error": report_error,
            "unsettled": [{**result.to_report(), "advice": result.advice()} for result in tally.unsettled],
        }
        if isinstance(runner, GroupRunner):
            document["worker"] = runner.worker
            document["group"] = _group_document(runner, session.day)
        json_summary(out, document)
    elif runner is not None or code is not BatchExit.BAD_CONFIGURATION:
        footer = _footer(args, shown_journal, runner, failure, code, session.day)
        if report_error:
            footer.insert(-1, report_error)
        header = f"sync-batch {args.input or '(worker)'}" + (" (dry run: nothing sent)" if args.dry_run else "")
        print_summary(out, tally, header=header, footer=footer)
    return int(code)


def _group_document(runner: GroupRunner, day: Mapping[str, int] | None) -> dict[str, Any]:
    stats = runner.stats
    return {
        "day": dict(day) if day is not None else None,
        "loaded": stats.loaded,
        "already_loaded": stats.already,
        "differing": stats.differing,
        "claimed": stats.claimed,
        "taken_over": stats.taken_over,
        "settled_here": stats.settled,
        "fenced": stats.fenced,
        "released": stats.released,
        "reopened": stats.reopened,
    }


def _group_footer(runner: GroupRunner, day: Mapping[str, int] | None) -> list[str]:
    stats = runner.stats
    lines = [
        f"worker {runner.worker}: loaded {stats.loaded} (already held {stats.already}, differing {stats.differing}); "
        f"claimed {stats.claimed} ({stats.taken_over} taken over from workers whose lease ended), "
        f"settled {stats.settled}"
    ]
    if stats.fenced:
        lines.append(
            f"{stats.fenced} order(s) were taken over by another worker while this one could not renew its lease "
            "(it was paused or cut off): it recorded and sent nothing more for them"
        )
    if day is not None:
        still = day.get("open", 0)
        lines.append(
            f"the day: {day.get('total', 0) - still}/{day.get('total', 0)} order(s) final"
            + (f", {still} still open: run sync-batch again against this journal" if still else "")
            + " (batch-report shows every order)"
        )
    if stats.stopped and stats.unfinished:
        lines.append(
            f"stopped: {len(stats.unfinished)} order(s) left to the group (those possibly sent: queried first)"
        )
    return lines


def _footer(  # noqa: PLR0917 - one private caller, every argument a part of the ending
    args: argparse.Namespace,
    journal_path: str | None,
    runner: BatchRunner | GroupRunner | None,
    failure: str | None,
    code: BatchExit,
    day: Mapping[str, int] | None = None,
) -> list[str]:
    lines = [f"journal: {journal_path}" + (" (read only)" if args.dry_run else "")] if journal_path else []
    if runner is not None:
        lines.append(
            f"requests: {runner.stats.sends} sync(s), {runner.stats.queries} query(ies), "
            f"{runner.stats.rate_limited} rate-limited answer(s)"
        )
        if runner.stats.fatal:
            lines.append(runner.stats.fatal)
        if isinstance(runner, GroupRunner):
            lines += _group_footer(runner, day)
        elif runner.stats.unfinished:
            lines.append(
                f"interrupted: {len(runner.stats.unfinished)} order(s) not finished; run the same command again "
                "(orders that may have been sent are queried first)"
            )
    if failure:
        lines.append(failure + "; run the same command again once it is fixed")
    lines.append(f"exit status {int(code)} ({code.name.lower().replace('_', ' ')})")
    return lines
