"""A group worker's writes, committed together: every order's step waits for its own verdict, in one transaction.

Rule kept (the journal's write-ahead rule, as `JournalWriter` keeps it for one process): a step is durable before
anything it announces happens — the intent of a request before the request leaves. Orders being settled at once
(`--concurrency`) each have at most one write waiting (each awaits its step before taking the next), so the writes
that arrive while one transaction commits go together in the next (`GroupJournal.write_held` takes many orders and
gives one verdict per order): one commit, one disk flush, for all of them.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Sequence

import attrs

from ._journal import JournalEvent, OrderRecord
from ._pg_group import GroupJournal, Held, Lease

__all__ = ["HeldWriter", "Written"]

Change = tuple[OrderRecord, JournalEvent]


@attrs.frozen
class Written:
    """One order's verdict, and when (by the writer's clock) the transaction that decided it began."""

    held: Held
    started: float


@attrs.define
class _Waiting:
    lease: Lease
    changes: Sequence[Change]
    done: asyncio.Future[Written]


class HeldWriter:
    """`await writer.write(lease, changes)` → `Written`; started by `start()`, stopped by `close()`."""

    def __init__(self, journal: GroupJournal, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._journal = journal
        self._clock = clock  # the clock the caller checks its leases by
        self._waiting: list[_Waiting] = []
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self.transactions = 0  # commits made (for the benchmark: how well the writes were grouped)

    def start(self) -> None:
        self._task = asyncio.create_task(self._commit_loop(), name="batch-journal-writer")

    async def write(self, lease: Lease, changes: Sequence[Change]) -> Written:
        """Write one order's changes with whatever other orders' writes are waiting; its verdict once committed."""
        if self._task is None or self._task.done():
            raise RuntimeError("the journal writer is not running")
        done: asyncio.Future[Written] = asyncio.get_running_loop().create_future()
        self._waiting.append(_Waiting(lease, changes, done))
        self._wake.set()
        return await asyncio.shield(done)  # a cancelled waiter leaves the write to finish: it was asked for

    async def _commit_loop(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            batch, self._waiting = self._waiting, []
            if not batch:
                continue
            started = self._clock()
            try:
                verdicts = await asyncio.to_thread(
                    self._journal.write_held,
                    [item.lease for item in batch],
                    [change for item in batch for change in item.changes],
                )
            except Exception as exc:  # noqa: BLE001 - each waiter gets the journal's failure as its own
                for item in batch:
                    if not item.done.done():
                        item.done.set_exception(exc)
                continue
            self.transactions += 1
            for item in batch:
                if not item.done.done():
                    item.done.set_result(Written(verdicts.get(item.lease.out_order_no, Held.NOT_HELD), started))

    async def close(self) -> None:
        """Stop once the writes asked for are done (none is dropped)."""
        while self._waiting:
            await asyncio.sleep(0.001)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
