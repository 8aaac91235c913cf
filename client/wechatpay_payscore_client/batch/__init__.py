"""Batch sync: settle a day's collected orders, each exactly once, with a durable journal to resume from.

From the command line: `wechatpay-payscore sync-batch INPUT` (`add_sync_batch_parser`, `run_sync_batch`).
From Python, for a service that syncs from its own queue:

    from wechatpay_payscore_client.batch import BatchRunner, SqliteJournal

    async with client:
        runner = BatchRunner(client, SqliteJournal("sync.journal"), concurrency=8, rate=50)
        async for result in runner.run(rows):   # dicts with out_order_no, service_id, sub_mchid, channel_id, paid_time
            ...                                  # result.outcome: synced, refused, unresolved, ...

Several workers on several hosts settling one day through a PostgreSQL journal (`wechatpay-payscore[postgres]`):

    from wechatpay_payscore_client.batch import GroupRunner, PostgresJournal

    journal = PostgresJournal("postgresql://batch@db.internal/payments", schema="payscore_batch")
    runner = GroupRunner(client, journal, lease=120, concurrency=8, rate=50)
    async for result in runner.run(rows):        # the same rows on every worker, or None to only claim
        ...

`PostgresJournal` and `GroupBucket` are imported on first use, so psycopg is needed only by those who use them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._command import BatchExit, add_sync_batch_parser, default_journal_path, run_sync_batch
from ._group import GroupRunner, GroupStats
from ._input import COLUMNS, BatchInputError, RawRow, open_rows, sniff_format
from ._journal import EventKind, Journal, JournalError, JournalEvent, OrderRecord, Phase, SqliteJournal
from ._outcome import SETTLED, OrderResult, Outcome, RowProblem
from ._pacing import Pacer
from ._report import REPORT_COLUMNS, ReportWriter
from ._rows import BatchRow, RowChecker
from ._runner import BatchRunner, BatchStats, RowInput
from ._target import JournalTarget

if TYPE_CHECKING:
    from ._postgres import GroupBucket, PostgresJournal

_LAZY = {"PostgresJournal", "GroupBucket"}  # they import psycopg: loaded when first named


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from . import _postgres  # noqa: PLC0415 - psycopg only for those who use PostgreSQL

        return getattr(_postgres, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "COLUMNS",
    "REPORT_COLUMNS",
    "SETTLED",
    "BatchExit",
    "BatchInputError",
    "BatchRow",
    "BatchRunner",
    "BatchStats",
    "EventKind",
    "GroupBucket",
    "GroupRunner",
    "GroupStats",
    "Journal",
    "JournalError",
    "JournalEvent",
    "JournalTarget",
    "OrderRecord",
    "OrderResult",
    "Outcome",
    "Pacer",
    "Phase",
    "PostgresJournal",
    "RawRow",
    "ReportWriter",
    "RowChecker",
    "RowInput",
    "RowProblem",
    "SqliteJournal",
    "add_sync_batch_parser",
    "default_journal_path",
    "open_rows",
    "run_sync_batch",
    "sniff_format",
]
