"""`sync-batch` on a PostgreSQL journal: this process is one worker of the group that settles the day.

The command is the same on every host (`sync-batch INPUT --journal-dsn-env NAME`), or one loader
(`--load-only`) and many workers without INPUT. What differs from the single-process run:

- the exit status is the **day's** (every order of the journal), not only this worker's: a worker ends when no order
  is open, so its status is the group's;
- `--report FILE` is the day's report, read from the journal at the end: every order once, then the rows of this
  worker's input that were reported rather than sent (invalid, duplicate, conflicting);
- the progress line shows the day's counts and the group's rate beside this worker's own.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import Callable, Iterable, Mapping
from typing import IO, TYPE_CHECKING

from ._exits import BatchExit, exit_for
from ._group import GroupRunner
from ._journal import JournalError
from ._outcome import OrderResult, Outcome
from ._progress import Tally, make_progress
from ._signals import interrupts

if TYPE_CHECKING:
    from .._factory import WechatPayClient
    from ._input import RawRow
    from ._pg_group import BucketState
    from ._postgres import PostgresJournal
    from ._progress import PlainProgress, RichProgress
    from ._report import ReportWriter

__all__ = ["day_exit", "day_results", "group_progress_text", "run_group"]

_GROUP_REFRESH_S = 2.0  # how often the progress line re-reads the day's counts (one cheap query)


async def run_group(
    *,
    args: argparse.Namespace,
    client: WechatPayClient,
    journal: PostgresJournal,
    tally: Tally,
    err: IO[str],
    rows: Iterable[RawRow] | None,
    report: ReportWriter | None,
    on_runner: Callable[[GroupRunner], None],
) -> GroupRunner:
    """Run this worker until the day is settled (or it is stopped); the day's report is written at the end."""
    runner = GroupRunner(
        client,
        journal,
        worker=args.worker,
        lease=args.lease,
        attempt_seconds=args.attempt_seconds,
        concurrency=args.concurrency,
        rate=args.rate,
        source=None if args.input in (None, "-") else str(args.input),
    )
    on_runner(runner)
    progress = make_progress(err, None)
    reported: list[OrderResult] = []
    refresher = asyncio.create_task(_refresh(journal, runner, progress, tally))
    try:
        with interrupts(
            runner,
            err,
            first="stopping: claiming nothing more; finishing the orders in flight",
            second="stopping at once; the group takes this worker's orders when their leases end",
        ):
            async with client:
                async for result in runner.run(rows, settle=not args.load_only):
                    tally.add(result)
                    if result.outcome is Outcome.INVALID:
                        reported.append(result)
                    progress.update(tally)
    finally:
        refresher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await refresher
        with contextlib.suppress(JournalError):  # the last line shows where the day stands as this worker ends
            progress.group = await _group_text(journal, runner)
        progress.close(tally)
    if report is not None:
        for result in await asyncio.to_thread(day_results, journal):
            report.write(result)
        for result in reported:
            report.write(result)
    return runner


async def _refresh(
    journal: PostgresJournal, runner: GroupRunner, progress: PlainProgress | RichProgress, tally: Tally
) -> None:
    """Keep the day's counts and the group's rate on the progress line (read off the event loop)."""
    while True:
        await asyncio.sleep(_GROUP_REFRESH_S)
        with contextlib.suppress(JournalError):
            progress.group = await _group_text(journal, runner)
            progress.update(tally)


async def _group_text(journal: PostgresJournal, runner: GroupRunner) -> str:
    counts = await asyncio.to_thread(journal.day_counts)
    state = await asyncio.to_thread(runner.bucket_state)
    return group_progress_text(counts, state, runner.worker)


def group_progress_text(counts: Mapping[str, int], state: BucketState | None, worker: str) -> str:
    """ "day: 640/1000 final (synced 600 ...), 12 held; group rate 40.0/s of 50/s (paused 2.0 s)"."""
    total, still = counts.get("total", 0), counts.get("open", 0)
    finals = [
        f"{name} {counts[str(name)]}" for name in Outcome if counts.get(str(name)) and name is not Outcome.NOT_SENT
    ]
    text = f"day: {total - still}/{total} final" + (f" ({', '.join(finals)})" if finals else "")
    text += f", {counts.get('held', 0)} held by workers"
    if state is not None:
        if state.rate is not None:
            text += f"; group rate {state.rate:.1f}/s of {state.ceiling:g}/s"
        if state.paused_for > 0:
            text += f" (paused {state.paused_for:.1f} s after a 429)"
    return text + f"; this worker {worker}"


def day_results(journal: PostgresJournal) -> list[OrderResult]:
    """Every order of the day once, as the journal holds it and as `batch-report` reports it (`_day`): an open
    order as `unresolved`, its code saying where it stands."""
    from ._day import day_entry  # noqa: PLC0415 - the report's builder, needed only for --report

    return [day_entry(record).result for record in journal.records()]


def day_exit(counts: Mapping[str, int], tally: Tally) -> BatchExit:
    """A group worker's status: the day's (its open orders count as unfinished), with the rows of this worker's
    input reported rather than loaded; 2 when there is no day at all (no orders loaded, no input)."""
    if not counts.get("total", 0) and not tally.rows:
        return BatchExit.BAD_CONFIGURATION  # nothing was settled, whatever else happened
    reported = {name: tally.counts[name] for name in (str(Outcome.INVALID), str(Outcome.REFUSED))}
    merged = {name: counts.get(name, 0) + reported.get(name, 0) for name in {*counts, *reported}}
    return exit_for(merged, unfinished=counts.get("open", 0))
