"""The batch runner: every order of an (async) iterable of rows settled exactly once, on one async client.

    runner = BatchRunner(client, SqliteJournal("today.journal"), concurrency=8, rate=50)
    async for result in runner.run(rows):        # rows: dicts with the five columns, or `RawRow`s
        print(result.out_order_no, result.outcome)

One producer reads and checks rows (in chunks, off the event loop), records in the journal each order's first
attempt *before* handing it to a worker, and reports invalid, duplicate and conflicting rows without sending them.
`concurrency` workers share one client and one `Pacer`. Per order, a worker follows the journal's rules:

- a 204 is `synced`; a signed refusal is `refused` (its code and message);
- a lost answer, a 5xx, an unverifiable answer, `ORDER_DONE`: the order is reconciled by a query (`reconcile`) —
  never blindly re-sent; it is sent again only when the query proves the sync was not applied, and the new attempt is
  journaled first;
- a 429 pauses the whole batch (`Pacer`) and the order is sent again once the pause is over (a 429 is WeChat Pay's
  signed word that nothing was done), as is an attempt that never reached WeChat Pay.

`stop()` (the first Ctrl-C) stops taking new orders: orders not yet sent are withdrawn from the journal, orders in
flight end; `abort()` (the second) cancels everything at once. Either way the journal stays consistent: an order
whose attempt may have left without a recorded answer is reconciled by the next run before anything is sent.
"""

from __future__ import annotations

import asyncio
import datetime
import functools
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Sequence
from typing import TYPE_CHECKING

import attrs

from ._calls import Budget, Reconciler, RunStats, query_once, send_sync
from ._journal import EventKind, Journal, JournalEvent, OrderRecord, Phase
from ._outcome import OrderResult, Outcome, result_of
from ._pacing import Pacer
from ._reading import (
    Checked,
    Reading,
    RowInput,
    checked_chunks,
    conflict_result,
    default_checker,
    duplicate_result,
    invalid_result,
)
from ._rows import BatchRow, RowChecker, shown_text
from ._seen import SeenOrders
from ._step import Answer as _Answer
from ._step import Next, Step, after_send, after_verdict, out_of_queries, out_of_sends, out_of_waits, outcome_event
from ._step import answer_of as _answer_of
from ._step import event as _event
from ._step import one_line as _one_line
from ._step import rate_limited_in as _rate_limited_in
from ._writer import Change, JournalWriter

if TYPE_CHECKING:
    from wechatpay_payscore.models import SyncServiceOrderRequest

    from .._factory import WechatPayClient

__all__ = ["BatchRunner", "BatchStats", "Reconciler", "RowInput"]

_CHUNK = 64  # rows read, checked and journaled together: one journal transaction for their first attempts
_RESULTS_HIGH_WATER = 1024  # the producer waits while this many results are not yet taken by the consumer


@attrs.define
class BatchStats(RunStats):
    """Counters of one run, for the progress line and the summary."""

    withdrawn: int = 0
    input_exhausted: bool = False  # every row of the input was read (set once it was)


@attrs.frozen
class _Work:
    row: BatchRow
    record: OrderRecord
    prior: OrderRecord | None
    marked: bool  # the producer recorded attempt `record.attempts` as SENDING: send it first, without a query


class BatchRunner:
    """Settle every order of a stream of rows exactly once, through one client and one journal.

    `client` is a ready client (`create_client(...)`), built without a retry policy: the runner decides every
    re-send itself, after a query. `journal` is any `Journal` (`SqliteJournal(path)` by default in the command).
    `concurrency` bounds the requests in flight; `rate` (requests per second, None: no ceiling) bounds syncs and
    queries together. `dry_run` checks every row against the contract and the journal and sends nothing.
    `chunk` rows of a plain iterable are read and checked at a time (one journal transaction for their first
    attempts); use 1 for a source that may pause between rows (a pipe), so that no row waits for the next ones.
    `reconcile` is the query step (default: `reconcile_sync_async`, bounded by the client's `ReconcilePolicy`).
    """

    def __init__(
        self,
        client: WechatPayClient,
        journal: Journal,
        *,
        concurrency: int = 8,
        rate: float | None = 50.0,
        dry_run: bool = False,
        max_sends: int = 3,
        max_queries: int = 4,
        max_waits: int = 20,
        chunk: int = _CHUNK,
        checker: RowChecker | None = None,
        reconcile: Reconciler | None = None,
        now: Callable[[], datetime.datetime] | None = None,
    ) -> None:
        if concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, got {concurrency}")
        self._client = client
        self._journal = journal
        self._concurrency = concurrency
        self._rate = rate
        self._dry_run = dry_run
        self._max_sends = max_sends
        self._max_queries = max_queries
        self._max_waits = max_waits
        self._chunk = max(1, chunk)
        self._checker = checker
        self._reconcile: Reconciler = reconcile or query_once
        self._now = now
        self.stats = BatchStats()
        self.pacer: Pacer | None = None
        self._stopping = False
        self._tasks: list[asyncio.Task[None]] = []
        self._durable: dict[str, asyncio.Future[None]] = {}  # the final write of each order a worker just settled
        self._emitting: set[asyncio.Future[None]] = set()
        self._failure: BaseException | None = None
        self._reading = Reading()
        self._unfinished_seen: set[str] = set()

    def _pacer(self) -> Pacer:
        if self.pacer is None:  # pragma: no cover - run() sets it before any worker starts
            raise RuntimeError("the runner is not running")
        return self.pacer

    # -- control -------------------------------------------------------------------------------------------------

    def stop(self) -> None:
        """Stop taking new orders; let the requests in flight end. Safe from a signal handler on the loop."""
        self._stopping = True
        self.stats.stopped = True
        if self.pacer is not None:
            self.pacer.stop()  # a worker waiting for its turn (a rate token, a 429 pause) sends nothing more
        if self._reading.future is not None and self._tasks:
            self._tasks[0].cancel()  # the reader waits for input: stop waiting (nothing of it was dispatched)

    def abort(self) -> None:
        """Stop at once: cancel the requests in flight (their attempts stay journaled as possibly sent)."""
        self.stop()
        self.stats.aborted = True
        for task in self._tasks:
            task.cancel()

    # -- the run -------------------------------------------------------------------------------------------------

    async def run(self, rows: Iterable[RowInput] | AsyncIterable[RowInput]) -> AsyncIterator[OrderResult]:
        """Yield each order's result as it settles (and each invalid, duplicate or conflicting row's).

        Orders left without an outcome by `stop()` / `abort()` are not yielded; `stats.unfinished` names them.
        Raises `JournalError` if the journal cannot be written (after stopping the workers).
        """
        checker = self._checker or default_checker(self._now)
        self.pacer = Pacer(self._rate)
        writer = JournalWriter(self._journal)
        writer.start()
        seen = SeenOrders()
        results: asyncio.Queue[OrderResult | None] = asyncio.Queue()
        work: asyncio.Queue[_Work | None] = asyncio.Queue(maxsize=self._concurrency)
        producer = asyncio.create_task(
            self._produce(rows=rows, checker=checker, seen=seen, writer=writer, work=work, results=results),
            name="batch-reader",
        )
        workers = [
            asyncio.create_task(self._work(writer, work, results), name=f"batch-worker-{n}")
            for n in range(self._concurrency)
        ]
        self._tasks = [producer, *workers]
        finisher = asyncio.create_task(self._finish(producer, workers, writer, work, results))
        failure: BaseException | None = None
        try:
            while True:
                item = await results.get()
                if item is None:
                    break
                yield item
        finally:
            if not finisher.done():
                self.abort()
            outcome = await asyncio.gather(finisher, return_exceptions=True)
            await writer.close()
            if self._reading.future is None or self._reading.future.done():
                seen.close()
            # else a thread still waits for input (standard input): its temporary table goes when the process ends
            if isinstance(outcome[0], BaseException) and not isinstance(outcome[0], asyncio.CancelledError):
                failure = outcome[0]
        if failure is not None:
            raise failure

    async def _finish(
        self,
        producer: asyncio.Task[None],
        workers: Sequence[asyncio.Task[None]],
        writer: JournalWriter,
        work: asyncio.Queue[_Work | None],
        results: asyncio.Queue[OrderResult | None],
    ) -> None:
        """When the producer ends, let the workers drain the queue and end; then end the results."""
        failures: list[BaseException] = []
        try:
            done = await asyncio.gather(producer, return_exceptions=True)
            failures += [item for item in done if isinstance(item, BaseException)]
            if failures and not isinstance(failures[0], asyncio.CancelledError):
                self.stop()  # the input failed: finish what is in flight, take nothing more
            for _ in workers:
                while not self.stats.aborted:
                    try:
                        work.put_nowait(None)
                        break
                    except asyncio.QueueFull:
                        await asyncio.sleep(0.01)
            ended = await asyncio.gather(*workers, return_exceptions=True)
            failures += [item for item in ended if isinstance(item, BaseException)]
            left = [item for item in _drain(work) if item is not None]
            if left:  # abort(): orders journaled as about to leave that no worker took
                try:
                    await self._withdraw(writer, left)
                except Exception as exc:  # noqa: BLE001 - the journal failed: they stay SENDING, queried next run
                    failures.append(exc)
                    for item in left:
                        self._unfinished(item.row.out_order_no)
            await asyncio.gather(*self._emitting, return_exceptions=True)  # the last results become durable
            await asyncio.sleep(0)  # let their callbacks hand them out
            if self._failure is not None:
                failures.append(self._failure)
        finally:
            results.put_nowait(None)
        real = [item for item in failures if not isinstance(item, asyncio.CancelledError)]
        if real:
            raise real[0]

    # -- reading and checking ------------------------------------------------------------------------------------

    async def _produce(
        self,
        *,
        rows: Iterable[RowInput] | AsyncIterable[RowInput],
        checker: RowChecker,
        seen: SeenOrders,
        writer: JournalWriter,
        work: asyncio.Queue[_Work | None],
        results: asyncio.Queue[OrderResult | None],
    ) -> None:
        async for chunk in checked_chunks(rows, checker, seen, self._reading, self._chunk):
            if self._stopping:
                return
            while results.qsize() > _RESULTS_HIGH_WATER:
                await asyncio.sleep(0.005)
            self.stats.rows += len(chunk)
            await self._dispatch(chunk, writer, work, results)
        self.stats.input_exhausted = not self._stopping

    async def _dispatch(
        self,
        chunk: Sequence[Checked],
        writer: JournalWriter,
        work: asyncio.Queue[_Work | None],
        results: asyncio.Queue[OrderResult | None],
    ) -> None:
        keys = [item.key for item in chunk if item.key is not None and item.duplicate_of is None]
        records = await writer.get_many(keys) if keys else {}
        changes: list[Change] = []
        emit: list[OrderResult] = []
        queue: list[_Work] = []
        for item in chunk:
            record = records.get(item.key) if item.key is not None else None
            if item.duplicate_of is not None:
                emit.append(duplicate_result(item))
            elif isinstance(item.checked, list):
                result, change = self._invalid(item, record)
                emit.append(result)
                if change is not None:
                    changes.append(change)
            else:
                self._classify(item.checked, record, changes, emit, queue)
        if changes:
            await writer.write(changes)  # durable before any of these orders' requests may leave
        for result in emit:
            results.put_nowait(result)
        for index, next_work in enumerate(queue):
            if self._stopping:
                await self._withdraw(writer, queue[index:])
                return
            try:
                await work.put(next_work)
            except asyncio.CancelledError:
                # abort() while waiting for a free worker: these orders were journaled as about to leave, never did.
                await self._withdraw(writer, queue[index:])
                raise

    def _invalid(self, item: Checked, record: OrderRecord | None) -> tuple[OrderResult, Change | None]:
        result = invalid_result(item)
        if self._dry_run or item.key is None or (record is not None and record.outcome is not Outcome.INVALID):
            # An order the journal holds in another state keeps it: a broken row cannot undo what was sent.
            return result, None
        fields = item.raw_fields or {}
        new = OrderRecord(
            out_order_no=item.key,
            request={
                shown_text(str(name)): shown_text(value) for name, value in fields.items() if isinstance(value, str)
            },
            phase=Phase.FINAL,
            outcome=Outcome.INVALID,
            code=result.code,
            message=result.message,
            line=item.line,
            finished_at=result.finished_at,
        )
        return result, (
            new,
            JournalEvent(out_order_no=item.key, kind=EventKind.INVALID, attempt=0, detail=result.message or ""),
        )

    def _classify(
        self,
        row: BatchRow,
        record: OrderRecord | None,
        changes: list[Change],
        emit: list[OrderResult],
        queue: list[_Work],
    ) -> None:
        if record is not None and record.outcome is not Outcome.INVALID:
            differences = row.differences(record.request)
            if differences:
                emit.append(
                    conflict_result(
                        row, differences, held_as=str(record.outcome or record.phase), attempts=record.attempts
                    )
                )
                return
            if record.phase is Phase.FINAL and record.outcome is not Outcome.UNRESOLVED:
                emit.append(result_of(record, line=row.line, from_journal=True))
                return
        if self._dry_run:
            in_doubt = record is not None and record.phase in (Phase.SENDING, Phase.IN_DOUBT, Phase.FINAL)
            emit.append(
                OrderResult(
                    out_order_no=row.out_order_no,
                    outcome=Outcome.NOT_SENT,
                    line=row.line,
                    paid_time=row.paid_time,
                    attempts=record.attempts if record else 0,
                    explanation="would be reconciled by a query first" if in_doubt else "would be sent",
                )
            )
            return
        if record is None or record.phase in (Phase.PENDING, Phase.RETRY) or record.outcome is Outcome.INVALID:
            base = record if record is not None and record.outcome is not Outcome.INVALID else None
            request = row.request_fields()
            if base is not None and base.request.get("paid_time"):
                request["paid_time"] = base.request["paid_time"]  # the same words as recorded: the same time
            marked = OrderRecord(
                out_order_no=row.out_order_no,
                request=request,
                phase=Phase.SENDING,
                attempts=(base.attempts if base else 0) + 1,
                lost_attempts=base.lost_attempts if base else 0,
                request_ids=base.request_ids if base else (),
                line=row.line,
            )
            changes.append((marked, _event(marked, EventKind.SEND, "first attempt of this run")))
            queue.append(_Work(row=row, record=marked, prior=base, marked=True))
        else:
            # SENDING or IN_DOUBT (an earlier run ended without the answer), or UNRESOLVED: query first.
            queue.append(_Work(row=row, record=record.evolve(line=row.line), prior=record, marked=False))

    async def _withdraw(self, writer: JournalWriter, items: Sequence[_Work]) -> None:
        """Orders journaled as about to be sent but never handed to the network: put them back as they were."""
        changes: list[Change] = []
        for item in items:
            self._unfinished(item.row.out_order_no)
            if not item.marked:
                continue
            self.stats.withdrawn += 1
            restored = item.prior or OrderRecord(
                out_order_no=item.row.out_order_no, request=item.row.request_fields(), phase=Phase.PENDING
            )
            restored = restored.evolve()
            changes.append((restored, _event(item.record, EventKind.UNSEND, "stopped before this attempt left")))
        if changes:
            await writer.write(changes)

    def _unfinished(self, out_order_no: str) -> None:
        if out_order_no not in self._unfinished_seen:
            self._unfinished_seen.add(out_order_no)
            self.stats.unfinished.append(out_order_no)

    # -- one order -----------------------------------------------------------------------------------------------

    async def _work(
        self, writer: JournalWriter, work: asyncio.Queue[_Work | None], results: asyncio.Queue[OrderResult | None]
    ) -> None:
        while True:
            item = await work.get()
            if item is None:
                return
            if self._stopping:
                await self._withdraw(writer, [item])
                continue
            try:
                result = await self._settle(writer, item)
            except asyncio.CancelledError:
                # abort(): this order's attempt may have left (the journal says SENDING or IN_DOUBT), or never did.
                self._unfinished(item.row.out_order_no)
                raise
            except Exception as exc:  # noqa: BLE001 - the journal failed: nothing may be sent without it
                self._failure = self._failure or exc
                self.abort()
                return
            durable = self._durable.pop(item.row.out_order_no, None)
            if result is None:
                continue
            if durable is None or durable.done():
                self._emit(result, durable, results=results)
            else:
                self._emitting.add(durable)
                durable.add_done_callback(functools.partial(self._emit, result, results=results))

    def _emit(
        self, result: OrderResult, durable: asyncio.Future[None] | None, *, results: asyncio.Queue[OrderResult | None]
    ) -> None:
        """Hand out a result once its outcome is durable; a journal that cannot be written stops the batch."""
        if durable is not None:
            self._emitting.discard(durable)
            failure = durable.exception() if not durable.cancelled() else None
            if failure is not None:
                self._failure = self._failure or failure
                self.abort()
                return
        results.put_nowait(result)

    async def _settle(self, writer: JournalWriter, item: _Work) -> OrderResult | None:
        row, record = item.row, item.record
        recorded = record.request.get("paid_time")
        if recorded and recorded != row.paid_time:
            # The row says `now` (or the like) again: the query and any re-send carry the paid_time the journal
            # recorded as sent, not a new one, or a sync applied earlier would look like someone else's.
            row = attrs.evolve(row, paid_time=recorded)
        body = row.body()
        budget = Budget(sends=self._max_sends, queries=self._max_queries, waits=self._max_waits)
        if item.marked:
            budget.sends -= 1
            record = await self._send(writer, row, body, record, budget)
        elif record.phase is Phase.SENDING:
            # The earlier run recorded this attempt as leaving and ended before its answer was recorded.
            record = record.evolve(phase=Phase.IN_DOUBT, lost_attempts=record.lost_attempts + 1)
            await writer.write([(record, _event(record, EventKind.ANSWER, "no answer recorded before the run ended"))])
        elif record.phase is Phase.FINAL:  # UNRESOLVED: look again, by a query
            record = record.evolve(phase=Phase.IN_DOUBT, outcome=None, finished_at=None)
        while record.phase is not Phase.FINAL:
            if self._stopping:
                self._unfinished(row.out_order_no)
                return None
            if record.phase is Phase.IN_DOUBT:
                record = await self._query(writer, row, body, record, budget)
            elif record.phase in (Phase.RETRY, Phase.PENDING):
                if budget.sends <= 0:
                    record = await self._final(writer, out_of_sends(record, self._max_sends))
                    break
                budget.sends -= 1
                record = record.evolve(phase=Phase.SENDING, attempts=record.attempts + 1)
                await writer.write([(record, _event(record, EventKind.SEND, "sent again: proven not applied"))])
                record = await self._send(writer, row, body, record, budget)
            else:  # pragma: no cover - SENDING is always followed by its answer
                raise AssertionError(f"unexpected phase {record.phase}")
        return result_of(record, line=row.line)

    async def _send(
        self, writer: JournalWriter, row: BatchRow, body: SyncServiceOrderRequest, record: OrderRecord, budget: Budget
    ) -> OrderRecord:
        """Send attempt `record.attempts` (already journaled as SENDING) and journal what its answer means."""
        pacer = self._pacer()
        while True:
            if not await pacer.acquire():
                # Stopped before this attempt's turn: it never left, so it is withdrawn, not left in doubt.
                record = record.evolve(phase=Phase.RETRY)
                await writer.write([(record, _event(record, EventKind.UNSEND, "stopped before this attempt left"))])
                return record
            self.stats.sends += 1
            try:
                response = await send_sync(self._client, row.out_order_no, body)
            except (asyncio.CancelledError, KeyboardInterrupt):
                raise  # the journal says SENDING: the next run reconciles this order first
            except BaseException as exc:  # noqa: BLE001 - every failure is classified; nothing is lost
                answer = _answer_of(exc)
            else:
                answer = _Answer("synced", request_id=response.headers.get("Request-ID"))
            if answer.kind != "rate_limited":
                pacer.succeeded()
            step = after_send(record, answer)  # the decision table: what this answer means
            if step.next is Next.WAIT_THEN_SEND:
                self.stats.rate_limited += answer.kind == "rate_limited"
                pause = pacer.rate_limited(answer.retry_after)
                budget.waits -= 1
                if budget.waits < 0:
                    return await self._final(writer, out_of_waits(record, answer, self._max_waits))
                record = step.record
                said = f"{step.event.detail}; batch paused {pause:.1f}s"
                changes: list[Change] = [(record, _event(record, EventKind.ANSWER, said, answer.request_id))]
                if self._stopping:
                    await writer.write(changes)
                    return record  # left as RETRY: the next run sends it without a query
                retry = record.evolve(phase=Phase.SENDING, attempts=record.attempts + 1)
                changes.append((retry, _event(retry, EventKind.SEND, f"sent again after {answer.kind}")))
                await writer.write(changes)
                record = retry
                continue
            if step.next is Next.STOP_RUN:
                self.stats.fatal = f"WeChat Pay rejected the signature ({answer.message}): fix the keys; stopping"
                self.stop()
            return await self._record(writer, step)

    async def _query(
        self, writer: JournalWriter, row: BatchRow, body: SyncServiceOrderRequest, record: OrderRecord, budget: Budget
    ) -> OrderRecord:
        """Reconcile an order in doubt with one query, journaled before it leaves; return the record it leads to."""
        pacer = self._pacer()
        if budget.queries <= 0:
            return await self._final(writer, out_of_queries(record, self._max_queries, budget.last_error))
        budget.queries -= 1
        if not await pacer.acquire():
            return record  # stopped before the query's turn: still in doubt, queried first by the next run
        await writer.write([(record, _event(record, EventKind.QUERY, "reconciling query"))])
        self.stats.queries += 1
        try:
            reconciliation = await self._reconcile(self._client, row.out_order_no, body)
        except (asyncio.CancelledError, KeyboardInterrupt):
            raise
        except BaseException as exc:  # noqa: BLE001 - a failed query leaves the order in doubt, never guessed
            limited = _rate_limited_in(exc)
            if limited is not None:
                self.stats.rate_limited += 1
                pacer.rate_limited(limited.retry_after)
                budget.queries += 1  # a 429 is no failed attempt to establish the outcome
                budget.waits -= 1
                if budget.waits < 0:
                    budget.queries = 0
            budget.last_error = _one_line(exc)
            await writer.write([(record, _event(record, EventKind.VERDICT, f"query failed: {budget.last_error}"))])
            return record
        pacer.succeeded()
        step = after_verdict(record, str(reconciliation.verdict), reconciliation.explanation, reconciliation.request_id)
        return await self._record(writer, step)

    async def _record(self, writer: JournalWriter, step: Step) -> OrderRecord:
        """Journal one step of the decision table; a final one is handed out once durable (see `_final`)."""
        changes: list[Change] = [(step.record, step.event)]
        if step.outcome_event is not None:
            changes.append((step.record, step.outcome_event))
        if step.record.phase is Phase.FINAL:
            self._durable[step.record.out_order_no] = writer.submit(changes)
        else:
            await writer.write(changes)
        return step.record

    async def _final(self, writer: JournalWriter, done: OrderRecord) -> OrderRecord:
        """An outcome this runner's own bounds decide (sends, queries or waits spent): unresolved, run again."""
        request_id = done.request_ids[-1] if done.request_ids else None
        # Not awaited here: the worker may start its next order (already journaled as SENDING) while this commits;
        # the result is handed out only once it is durable (`_work`), so the answer is recorded before that step.
        self._durable[done.out_order_no] = writer.submit([(done, outcome_event(done, request_id))])
        return done


# -- helpers ---------------------------------------------------------------------------------------------------------


def _drain(queue: asyncio.Queue[_Work | None]) -> list[_Work | None]:
    items = []
    while not queue.empty():
        items.append(queue.get_nowait())
    return items
