"""Group commit: the journal's writes from every worker, batched into one durable transaction at a time.

All journal calls run on one thread of their own, so that an fsync never blocks the event loop, and every write a
worker awaits is durable when the await returns. Writes that arrive while a transaction is being committed are
committed together in the next one: the cost of `synchronous=FULL` is shared by all the orders in flight.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Mapping, Sequence

from ._journal import Journal, JournalEvent, OrderRecord

__all__ = ["JournalWriter"]

Change = tuple[OrderRecord, JournalEvent]
_GATHER_S = 0.005  # how long a commit waits for more writes to join it, unless enough are there already
_GATHER_CHANGES = 64


class JournalWriter:
    """The runner's only door to the journal (reads included, so the journal sees one thread at a time)."""

    def __init__(self, journal: Journal) -> None:
        self._journal = journal
        self._executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="batch-journal")
        self._pending: list[tuple[Sequence[Change], asyncio.Future[None]]] = []
        self._wake = asyncio.Event()
        self._closing = False
        self._task: asyncio.Task[None] | None = None
        self.transactions = 0

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._commit_loop(), name="batch-journal-writer")

    def submit(self, changes: Sequence[Change]) -> asyncio.Future[None]:
        """Queue `changes`; the future is done when they are durable (or failed: `JournalError`)."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if self._closing:
            future.set_exception(RuntimeError("the journal writer is closed"))
            return future
        self._pending.append((changes, future))
        self._wake.set()
        return future

    async def write(self, changes: Sequence[Change]) -> None:
        """Write `changes` durably. A cancelled caller does not withdraw them: they are committed all the same."""
        await asyncio.shield(self.submit(changes))

    async def get_many(self, out_order_nos: Sequence[str]) -> Mapping[str, OrderRecord]:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._journal.get_many, out_order_nos)

    async def _commit_loop(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._wake.wait()
            self._wake.clear()
            if not self._closing and sum(len(part) for part, _ in self._pending) < _GATHER_CHANGES:
                # Group commit: a moment's wait lets the other workers' writes join this transaction (one fsync for
                # them all). Workers do not wait for their final writes, so this delays only the results.
                await asyncio.sleep(_GATHER_S)
            batch, self._pending = self._pending, []
            if not batch:
                if self._closing:
                    return
                continue
            changes = [change for part, _ in batch for change in part]
            try:
                await loop.run_in_executor(self._executor, self._journal.write, changes)
            except Exception as exc:  # noqa: BLE001 - handed to every waiter, who stops the batch
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
            else:
                self.transactions += 1
                for _, future in batch:
                    if not future.done():
                        future.set_result(None)
            self._wake.set()  # look again: writes may have arrived during the commit

    async def close(self) -> None:
        """Commit what is queued, then stop the thread (waiting for a transaction in progress to end)."""
        self._closing = True
        self._wake.set()
        if self._task is not None:
            await self._task
        self._executor.shutdown(wait=True)
