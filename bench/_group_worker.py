"""One process of the group section (`bench/_group.py`): it gets ready, waits for the start, runs one contender, says
when it finished.

Everything the run needs is imported before the process says it is ready, so interpreter start-up and imports are
not timed; the client, the journal (PostgreSQL: connect and migrate) and the reading of the day's CSV are, as in a
real run.
"""

from __future__ import annotations

import asyncio
import time
import traceback
from dataclasses import dataclass, field
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

from wechatpay_payscore_client.batch import Outcome, open_rows

from bench import _batch
from bench._contenders import project_client

__all__ = ["ATTEMPT_S", "LEASE_S", "Job", "Report", "work"]

ATTEMPT_S = 10.0  # one request's time bound (the client's timeout, the runner's attempt_seconds)
LEASE_S = 60.0  # well above twice a request's bound plus the margin GroupRunner asks for
_SETTLED = (Outcome.SYNCED, Outcome.SYNCED_BY_EARLIER_ATTEMPT)


@dataclass(frozen=True)
class Job:
    """What one process runs: `kind` is gather (no journal), sqlite (`BatchRunner` + `SqliteJournal`) or postgres
    (`GroupRunner` + `PostgresJournal`, one worker of the group)."""

    kind: str
    base_url: str
    numbers: tuple[str, ...]  # the orders this process sends (gather) or the day's input (the batch runners)
    concurrency: int
    workdir: str
    dsn: str = ""
    schema: str = ""
    worker: str = ""


@dataclass
class Report:
    """When the process finished (time.monotonic(): one clock for every process of the machine) and what it did."""

    worker: str
    settled_at: float = 0.0  # its last order settled
    ended_at: float = 0.0  # it returned (a worker of the group waits for the others' orders before it does)
    cpu_s: float = 0.0
    settled: int = 0
    stats: dict[str, int] = field(default_factory=dict)
    error: str = ""


async def _postgres(job: Job, report: Report) -> None:
    from wechatpay_payscore_client.batch._group import GroupRunner  # psycopg: only in the group's processes
    from wechatpay_payscore_client.batch._postgres import PostgresJournal

    client = project_client(job.base_url, timeout=ATTEMPT_S)
    journal = await asyncio.to_thread(PostgresJournal, job.dsn, schema=job.schema)
    runner = GroupRunner(
        client,
        journal,
        worker=job.worker,
        lease=LEASE_S,
        attempt_seconds=ATTEMPT_S,
        concurrency=job.concurrency,
        rate=None,
    )
    try:
        async with client:
            with open_rows(Path(job.workdir) / f"batch-{job.numbers[0]}.csv") as rows:
                async for result in runner.run(rows):
                    if result.outcome not in _SETTLED:
                        raise RuntimeError(f"group: {result.out_order_no} {result.outcome} {result.message}")
                    report.settled += 1
                    report.settled_at = time.monotonic()
    finally:
        journal.close()
    stats = runner.stats
    report.stats = {
        "loaded": stats.loaded,
        "claimed": stats.claimed,
        "taken_over": stats.taken_over,
        "sends": stats.sends,
        "queries": stats.queries,
        "fenced": stats.fenced,
        "rate_limited": stats.rate_limited,
    }


async def _reused(job: Job, report: Report) -> None:
    """The batch section's own contenders: `_gather` (no journal) and `_batch` (`BatchRunner` + `SqliteJournal`)."""
    contender = _batch._gather if job.kind == "gather" else _batch._batch
    await contender(job.base_url, job.numbers, job.concurrency, Path(job.workdir))
    report.settled = len(job.numbers)
    report.settled_at = time.monotonic()
    report.stats = {"lost": _batch.LOST["gather"]} if job.kind == "gather" else {}


def work(
    job: Job,
    ready: Queue[str],
    start: Event,
    done: Queue[Report],
) -> None:
    """The process's target: ready, wait for `start`, run, put the report (an error is reported, not raised)."""
    report = Report(worker=job.worker)
    if job.kind == "postgres":
        import wechatpay_payscore_client.batch._group  # imports are not timed
        import wechatpay_payscore_client.batch._postgres  # noqa: F401
    project_client(job.base_url, timeout=ATTEMPT_S)  # a first client builds what every later one reuses: not timed
    ready.put(job.worker)
    start.wait()
    cpu = time.process_time()
    try:
        run: Any = _postgres if job.kind == "postgres" else _reused
        asyncio.run(run(job, report))
    except BaseException:  # the parent reports it and stops the run
        report.error = traceback.format_exc()
    report.ended_at = time.monotonic()
    report.cpu_s = time.process_time() - cpu
    done.put(report)
