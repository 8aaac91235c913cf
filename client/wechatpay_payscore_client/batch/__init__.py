"""Batch sync: settle a day's collected orders, each exactly once, with a durable journal to resume from.

From the command line: `wechatpay-payscore sync-batch INPUT` (`add_sync_batch_parser`, `run_sync_batch`).
From Python, for a service that syncs from its own queue:

    from wechatpay_payscore_client.batch import BatchRunner, SqliteJournal

    async with client:
        runner = BatchRunner(client, SqliteJournal("sync.journal"), concurrency=8, rate=50)
        async for result in runner.run(rows):   # dicts with out_order_no, service_id, sub_mchid, channel_id, paid_time
            ...                                  # result.outcome: synced, refused, unresolved, ...
"""

from __future__ import annotations

from ._command import BatchExit, add_sync_batch_parser, default_journal_path, run_sync_batch
from ._input import COLUMNS, BatchInputError, RawRow, open_rows, sniff_format
from ._journal import EventKind, Journal, JournalError, JournalEvent, OrderRecord, Phase, SqliteJournal
from ._outcome import SETTLED, OrderResult, Outcome, RowProblem
from ._pacing import Pacer
from ._report import REPORT_COLUMNS, ReportWriter
from ._rows import BatchRow, RowChecker
from ._runner import BatchRunner, BatchStats, RowInput

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
    "Journal",
    "JournalError",
    "JournalEvent",
    "OrderRecord",
    "OrderResult",
    "Outcome",
    "Pacer",
    "Phase",
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
