"""The day on several workers: one `GroupRunner` per process, all sharing one `GroupJournal` (PostgreSQL).

    journal = PostgresJournal(dsn, schema="payscore_batch")
    runner = GroupRunner(client, journal, worker="host-a:4242", lease=120, concurrency=8, rate=50)
    async for result in runner.run(rows):    # rows: the day's input, or None for a worker that only claims
        ...

Each worker, whatever the others do:

1. **loads** the day's input, all or nothing and idempotently (`GroupJournal.load`): rows that break the contract,
   repeat an order of the input or differ from what the journal holds for that order are reported, never sent;
2. **claims** open orders in batches (as many as it has free places), each under a lease, and **renews** its leases
   every third of their term while it works (`heartbeat`);
3. settles each claimed order with the journal's decision table (`_step`), writing every step through
   `write_held`: a step applies only while this worker still holds the order, and the intent of a send only while
   the lease is live, from PENDING or RETRY. A step that does not apply means another worker took the order over
   (this one was stopped, or lost its database): it **fences itself**, dropping that order without recording or
   sending anything more;
4. never lets a request leave unless its lease, as this process's own monotonic clock measures it, outlives the
   request's whole time bound (`attempt_seconds`): a worker paused past its lease (a stopped process, a long GC, a
   suspended VM) finds its leases over when it wakes and sends nothing;
5. takes every request's turn from the group's one rate bucket (`GroupBucket`), and pauses the group on a 429;
6. ends when no order of the day is open: it waits for orders other workers hold, and takes them over if their
   leases expire. An order taken over in phase SENDING or IN_DOUBT is queried before anything is sent again.

The one window no lease can close: a worker stalled between its last check (4) and its request leaving, for longer
than the whole lease. The taker has queried by then; the late request meets an order already settled (WeChat Pay
answers `ORDER_DONE`) or is the only one to apply, and the taker's next query records it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Sequence
from typing import TYPE_CHECKING

import attrs

from ._calls import Budget, Reconciler, RunStats, query_once, send_sync
from ._held_writer import HeldWriter
from ._journal import EventKind, JournalError, JournalEvent, OrderRecord, Phase
from ._outcome import OrderResult, result_of
from ._pg_group import DEFAULT_LEASE_SECONDS, Bucket, BucketState, Claimed, GroupJournal, Held, Lease, LoadResult
from ._reading import (
    Reading,
    RowInput,
    checked_chunks,
    conflict_result,
    default_checker,
    duplicate_result,
    invalid_result,
)
from ._rows import BatchRow, RowChecker, sync_body
from ._seen import SeenOrders
from ._step import (
    Answer,
    Next,
    Step,
    after_send,
    after_verdict,
    answer_of,
    event,
    one_line,
    out_of_queries,
    out_of_sends,
    out_of_waits,
    outcome_event,
    rate_limited_in,
)

if TYPE_CHECKING:
    import datetime

    from .._factory import WechatPayClient

__all__ = ["GroupRunner", "GroupStats", "default_worker_name"]

_LEASE_MARGIN_S = 1.0  # besides the request's own bound: scheduling, the journal's write, clock granularity
_POLL_S = 0.5  # how often an idle worker looks for orders to claim (others' leases that expired, or none left)
_SUCCEEDED_EVERY_S = 1.0  # a worker tells the bucket "not a 429" at most this often (one statement, not one per answer)
_UNREACHABLE_BACKOFF_S = (1.0, 30.0)  # this host cannot reach WeChat Pay: it backs off alone, the group goes on
_log = logging.getLogger("wechatpay_payscore_client.batch")


def _lease_clock() -> float:
    """The clock leases are checked by: one that counts a suspended machine's sleep (CLOCK_BOOTTIME, Linux), so a
    host that wakes from suspend finds its leases over; else the monotonic clock."""
    return time.clock_gettime(_BOOTTIME) if _BOOTTIME is not None else time.monotonic()


_BOOTTIME: int | None = getattr(time, "CLOCK_BOOTTIME", None)


def default_worker_name() -> str:
    """`host:pid:random`: tells an operator where to look, and stays unique when hosts' names and pids repeat
    (containers each running as pid 1 on one host's network)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


@attrs.define
class GroupStats(RunStats):
    """What this worker did, for its progress line and summary (the day's totals come from the journal)."""

    loaded: int = 0
    already: int = 0
    differing: int = 0
    claimed: int = 0
    taken_over: int = 0
    settled: int = 0
    fenced: int = 0  # orders this worker lost to a take-over: it recorded and sent nothing more for them
    released: int = 0
    reopened: int = 0  # orders an earlier run left unresolved, put back in doubt by this worker
    heartbeat_failures: int = 0  # renewals that could not reach the journal (the leases then lapse: sends stop)


class _Fenced(Exception):
    """This worker no longer holds the order (`Held` says why): it records and sends nothing more for it."""

    def __init__(self, held: Held) -> None:
        super().__init__(str(held))
        self.held = held


@attrs.define
class _Hold:
    """One claimed order as this worker holds it: the lease, and when it ends by this process's monotonic clock."""

    lease: Lease
    deadline: float
    since: float  # monotonic time the claim returned: a heartbeat started earlier cannot tell about it
    phase: Phase  # as this worker last recorded it (SENDING: a request may be in flight)
    lost: bool = False


class GroupRunner:
    """One worker of a group settling one day through a shared journal (see the module's docstring).

    `client` is built without a retry policy (the runner decides every re-send, after a query). `attempt_seconds`
    bounds one request of the client, connect to last byte (its timeout); the lease must be well above it.
    """

    def __init__(
        self,
        client: WechatPayClient,
        journal: GroupJournal,
        *,
        worker: str | None = None,
        lease: float = DEFAULT_LEASE_SECONDS,
        attempt_seconds: float = 10.0,
        concurrency: int = 8,
        rate: float | None = 50.0,
        bucket: Bucket | None = None,
        max_sends: int = 3,
        max_queries: int = 4,
        max_waits: int = 20,
        checker: RowChecker | None = None,
        reconcile: Reconciler | None = None,
        source: str | None = None,
        now: Callable[[], datetime.datetime] | None = None,
        poll: float = _POLL_S,
    ) -> None:
        if concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, got {concurrency}")
        if not lease >= 2 * attempt_seconds + _LEASE_MARGIN_S:
            raise ValueError(
                f"the lease ({lease:g} s) must be at least twice a request's time bound ({attempt_seconds:g} s) "
                f"plus {_LEASE_MARGIN_S:g} s: a request must end well before anyone may take its order over"
            )
        self._client = client
        self._journal = journal
        self.worker = worker or default_worker_name()
        self._lease = float(lease)
        self._attempt_seconds = float(attempt_seconds)
        self._concurrency = concurrency
        self._rate = rate
        self._bucket_given = bucket
        self._bucket: Bucket | None = bucket
        self._last_state: BucketState | None = None
        self._max_sends, self._max_queries, self._max_waits = max_sends, max_queries, max_waits
        self._checker = checker
        self._reconcile: Reconciler = reconcile or query_once
        self._source = source
        self._now = now
        self._poll = poll
        self.stats = GroupStats()
        self.load_result: LoadResult | None = None
        self._holds: dict[str, _Hold] = {}
        self._to_release: list[Lease] = []  # orders given up mid-run, released with the next claim
        self._held_writer: HeldWriter | None = None
        self._unreachable = 0.0  # this host's own backoff while WeChat Pay cannot be reached (seconds)
        self._told_succeeded = float("-inf")
        self._stopping = False
        self._stop_event: asyncio.Event | None = None
        self._tasks: set[asyncio.Task[OrderResult | None]] = set()

    # -- control -------------------------------------------------------------------------------------------------

    def stop(self) -> None:
        """Claim nothing more; let the requests in flight end; give back what was claimed and not started."""
        self._stopping = True
        self.stats.stopped = True
        if self._stop_event is not None:
            self._stop_event.set()

    def abort(self) -> None:
        """Stop at once: cancel the requests in flight (their orders stay held until the lease ends, then are
        queried by whoever takes them)."""
        self.stop()
        self.stats.aborted = True
        for task in self._tasks:
            task.cancel()

    def bucket_state(self) -> BucketState | None:
        """The group's rate bucket as it stands (for the progress display): as the run left it once it ended;
        None before the run."""
        return self._bucket.state() if self._bucket is not None else self._last_state

    # -- the run -------------------------------------------------------------------------------------------------

    async def run(
        self, rows: Iterable[RowInput] | AsyncIterable[RowInput] | None, *, settle: bool = True
    ) -> AsyncIterator[OrderResult]:
        """Load `rows` (None: load nothing, only claim), then settle the day with the group (`settle=False`: only
        load, for one loader and many workers).

        Yields the rows reported rather than sent (invalid, duplicate, conflicting) and every order this worker
        settled. Raises `JournalError` if the journal cannot be used (after stopping the work in flight).
        """
        self._stop_event = asyncio.Event()
        if self._stopping:
            self._stop_event.set()
        if rows is not None:
            for result in await self._load(rows):
                yield result
        if self._stopping or not settle:
            return
        if rows is None and not await self._day_loaded():
            return
        # Running the day again looks again at what an earlier run left unresolved (queried first).
        self.stats.reopened = len(await asyncio.to_thread(self._journal.reopen_unresolved, self.worker))
        if self._bucket is None:
            self._bucket = await asyncio.to_thread(self._journal.bucket, self._rate)
        self._held_writer = HeldWriter(self._journal, clock=_lease_clock)
        self._held_writer.start()
        heart = asyncio.create_task(self._heartbeat(), name="batch-heartbeat")
        failure: BaseException | None = None
        try:
            async for result in self._claim_and_settle():
                yield result
        except BaseException as exc:
            failure = exc
            raise
        finally:
            heart.cancel()
            ended = await asyncio.gather(heart, return_exceptions=True)
            if self._tasks:  # an error or the consumer left early: stop the rest now
                self.abort()
                await asyncio.gather(*self._tasks, return_exceptions=True)
            await self._held_writer.close()
            await self._release(failure, ending=True)
            if failure is None and isinstance(ended[0], Exception):
                raise ended[0]  # the heartbeat failed on something other than the journal: a bug, not hidden
            if self._bucket_given is None and self._bucket is not None:
                with contextlib.suppress(JournalError):
                    self._last_state = await asyncio.to_thread(self._bucket.state)
                self._bucket.close()
                self._bucket = None

    async def _claim_and_settle(self) -> AsyncIterator[OrderResult]:
        assert self._stop_event is not None  # noqa: S101 - set by run()
        fatal: BaseException | None = None
        while True:
            claimed: list[Claimed] = []
            free = self._concurrency - len(self._tasks)
            await self._release(None, ending=False)
            if not self._stopping and free > 0:
                asked = _lease_clock()  # the leases began no earlier than this: the local deadline errs early
                claimed = await asyncio.to_thread(self._journal.claim, free, self.worker, self._lease)
                self._start(claimed, asked)
            if not self._tasks:
                if self._stopping:
                    return
                if not claimed:
                    if await asyncio.to_thread(self._open_orders) == 0:
                        return  # the day is settled
                    await self._pause(self._poll)  # others hold the rest: wait for them, or for their leases
                continue
            waiter = asyncio.ensure_future(self._stop_event.wait())
            done, _ = await asyncio.wait(
                {*self._tasks, waiter},
                timeout=None if free <= len(claimed) or self._stopping else self._poll,
                return_when=asyncio.FIRST_COMPLETED,
            )
            waiter.cancel()
            for task in [task for task in self._tasks if task in done]:
                self._tasks.discard(task)
                if task.cancelled():
                    continue
                exc = task.exception()
                if exc is not None:
                    fatal = fatal or exc
                    self.abort()
                    continue
                result = task.result()
                if result is not None:
                    yield result
            if fatal is not None and not self._tasks:
                raise fatal

    def _start(self, claimed: Sequence[Claimed], asked: float) -> None:
        now = _lease_clock()
        for item in claimed:
            self.stats.claimed += 1
            self.stats.taken_over += item.taken_from is not None
            hold = _Hold(lease=item.lease, deadline=asked + self._lease, since=now, phase=item.record.phase)
            self._holds[item.record.out_order_no] = hold
            task = asyncio.create_task(self._settle(item, hold), name=f"batch-order-{item.record.out_order_no}")
            self._tasks.add(task)

    def _open_orders(self) -> int:
        return self._journal.day_counts().get("open", 0)

    async def _day_loaded(self) -> bool:
        """A worker without input settles a day another loaded: it waits (up to one lease) for the day to be in
        the journal, so that a worker started before its loader ends does not take an empty journal for a day
        settled. False (and `stats.fatal`) if it never came."""
        deadline = _lease_clock() + self._lease
        while not self._stopping:
            counts = await asyncio.to_thread(self._journal.day_counts)
            if counts.get("total", 0):
                return True
            if _lease_clock() >= deadline:
                self.stats.fatal = (
                    f"the journal holds no orders after {self._lease:g} s: load the day first "
                    "(sync-batch INPUT --load-only), or give INPUT to this worker"
                )
                return False
            await self._pause(self._poll)
        return False

    async def _pause(self, seconds: float) -> None:
        assert self._stop_event is not None  # noqa: S101
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop_event.wait(), timeout=seconds)

    # -- loading -------------------------------------------------------------------------------------------------

    async def _load(self, rows: Iterable[RowInput] | AsyncIterable[RowInput]) -> list[OrderResult]:
        """Read and check every row, then load the valid ones in one transaction; the rows reported, not sent."""
        checker = self._checker or default_checker(self._now)
        seen = SeenOrders()
        reported: list[OrderResult] = []
        valid: dict[str, BatchRow] = {}
        try:
            async for chunk in checked_chunks(rows, checker, seen, Reading(), 256):
                self.stats.rows += len(chunk)
                for item in chunk:
                    if item.duplicate_of is not None:
                        reported.append(duplicate_result(item))
                    elif isinstance(item.checked, BatchRow):
                        valid[item.checked.out_order_no] = item.checked
                    else:
                        reported.append(invalid_result(item))
                if self._stopping:
                    self.stats.input_exhausted = False
                    return reported  # nothing loaded: a stop while reading leaves the journal as it was
        finally:
            seen.close()
        records = [
            OrderRecord(out_order_no=key, request=row.request_fields(), phase=Phase.PENDING, line=row.line)
            for key, row in valid.items()
        ]
        result = await asyncio.to_thread(self._journal.load, records, loaded_by=self.worker, source=self._source)
        self.load_result = result
        self.stats.loaded, self.stats.already = len(result.loaded), len(result.already)
        self.stats.differing = len(result.differing)
        for conflict in result.differing:
            row = valid.get(conflict.out_order_no)
            if row is None:  # pragma: no cover - every differing order came from this input
                continue
            held_as = f"{conflict.phase}, with another request,"
            reported.append(conflict_result(row, row.differences(conflict.held), held_as=held_as))
        return reported

    # -- one order -----------------------------------------------------------------------------------------------

    async def _settle(self, claimed: Claimed, hold: _Hold) -> OrderResult | None:
        record = claimed.record
        budget = Budget(sends=self._max_sends, queries=self._max_queries, waits=self._max_waits)
        try:
            if record.phase is Phase.SENDING:
                # Its last attempt was recorded as leaving and nobody recorded the answer: in doubt, queried first.
                whose = f"the worker {claimed.taken_from}" if claimed.taken_from else "an earlier run"
                record = record.evolve(phase=Phase.IN_DOUBT, lost_attempts=record.lost_attempts + 1)
                said = f"no answer recorded by {whose}: in doubt, queried before anything is sent"
                await self._write(hold, [(record, event(record, EventKind.ANSWER, said))])
            while record.phase is not Phase.FINAL:
                if self._stopping or hold.lost:
                    self._unfinished(record.out_order_no)  # left as the journal holds it, for the next holder
                    return None
                if record.phase is Phase.IN_DOUBT:
                    record = await self._query(hold, record, budget)
                elif budget.sends <= 0:
                    done = out_of_sends(record, self._max_sends)
                    record = await self._write(hold, [(done, outcome_event(done))])
                else:
                    record = await self._send(hold, record, budget)
        except _Fenced as fenced:
            hold.lost = True
            self._unfinished(record.out_order_no)
            if fenced.held is Held.NOT_HELD:
                # Taken over while this worker could not renew its lease: it records and sends nothing more.
                self.stats.fenced += 1
            return None
        self.stats.settled += 1
        return result_of(record)

    async def _send(self, hold: _Hold, record: OrderRecord, budget: Budget) -> OrderRecord:
        """One new attempt: its intent recorded (the send fence), its turn, the request, its answer recorded."""
        sending = record.evolve(phase=Phase.SENDING, attempts=record.attempts + 1)
        said = "first attempt" if record.attempts == 0 else "sent again: proven not applied"
        await self._write(hold, [(sending, event(sending, EventKind.SEND, said))], renews=True)
        # The token is taken after the intent is durable and just before the request, so the request leaves at its
        # turn; then the lease is checked once more, by this process's clock, a pause in between included.
        if not await self._turn() or not self._may_send(hold):
            return await self._withdraw(hold, sending, "did not leave: the worker stopped or its lease ran short")
        budget.sends -= 1
        self.stats.sends += 1
        try:
            response = await send_sync(self._client, sending.out_order_no, sync_body(sending.request))
        except (asyncio.CancelledError, KeyboardInterrupt):
            raise  # the journal says SENDING: whoever takes the order queries it first
        except BaseException as exc:  # noqa: BLE001 - every failure is classified; nothing is lost
            answer = answer_of(exc)
        else:
            answer = Answer("synced", request_id=response.headers.get("Request-ID"))
        step = after_send(sending, answer)
        if step.next is Next.WAIT_THEN_SEND:
            budget.sends += 1  # proven not applied: no attempt spent
            budget.waits -= 1
            await self._wait_after(answer)
            if budget.waits < 0:
                done = out_of_waits(sending, answer, self._max_waits)
                return await self._write(hold, [(step.record, step.event), (done, outcome_event(done))])
        else:
            await self._succeeded()
        if step.next is Next.STOP_RUN:
            self.stats.fatal = f"WeChat Pay rejected the signature ({answer.message}): fix the keys; stopping"
            self.stop()
        return await self._write_step(hold, step)

    async def _query(self, hold: _Hold, record: OrderRecord, budget: Budget) -> OrderRecord:
        """Reconcile an order in doubt with one query: its intent recorded (renewing the lease), its turn, one GET."""
        if budget.queries <= 0:
            done = out_of_queries(record, self._max_queries, budget.last_error)
            return await self._write(hold, [(done, outcome_event(done))])
        budget.queries -= 1
        await self._write(hold, [(record, event(record, EventKind.QUERY, "reconciling query"))], renews=True)
        if not await self._turn() or not self._may_send(hold):
            self._give_back(hold)  # nothing left: the order is in doubt as before, for whoever takes it
            return record
        self.stats.queries += 1
        try:
            reconciliation = await self._reconcile(self._client, record.out_order_no, sync_body(record.request))
        except (asyncio.CancelledError, KeyboardInterrupt):
            raise
        except BaseException as exc:  # noqa: BLE001 - a failed query leaves the order in doubt, never guessed
            limited = rate_limited_in(exc)
            if limited is not None:
                self.stats.rate_limited += 1
                await asyncio.to_thread(self._the_bucket().rate_limited, limited.retry_after)
                budget.queries += 1  # a 429 is no failed attempt to establish the outcome
                budget.waits -= 1
                if budget.waits < 0:
                    budget.queries = 0
            budget.last_error = one_line(exc)
            return await self._write(
                hold, [(record, event(record, EventKind.VERDICT, f"query failed: {budget.last_error}"))]
            )
        await self._succeeded()
        step = after_verdict(record, str(reconciliation.verdict), reconciliation.explanation, reconciliation.request_id)
        return await self._write_step(hold, step)

    async def _withdraw(self, hold: _Hold, sending: OrderRecord, why: str) -> OrderRecord:
        """An attempt recorded as leaving that did not leave: withdrawn (RETRY, as it was), and the order given
        back at once so that the group need not wait for its lease."""
        withdrawn = sending.evolve(phase=Phase.RETRY)
        with contextlib.suppress(_Fenced):
            await self._write(hold, [(withdrawn, event(withdrawn, EventKind.UNSEND, why))])
        self._give_back(hold)
        return withdrawn

    async def _wait_after(self, answer: Answer) -> None:
        """After a 429, the group pauses (the bucket); when this host cannot reach WeChat Pay, it backs off alone."""
        if answer.kind == "rate_limited":
            self.stats.rate_limited += 1
            await asyncio.to_thread(self._the_bucket().rate_limited, answer.retry_after)
            return
        first, most = _UNREACHABLE_BACKOFF_S
        self._unreachable = min(max(self._unreachable * 2, first), most)
        await self._pause(self._unreachable)

    async def _succeeded(self) -> None:
        """Not a 429: the group's rate may climb back (told at most once a second by each worker)."""
        self._unreachable = 0.0
        now = _lease_clock()
        if now - self._told_succeeded >= _SUCCEEDED_EVERY_S:
            self._told_succeeded = now
            await asyncio.to_thread(self._the_bucket().succeeded)

    # -- the journal, the lease, the bucket ----------------------------------------------------------------------

    async def _write_step(self, hold: _Hold, step: Step) -> OrderRecord:
        changes = [(step.record, step.event)]
        if step.outcome_event is not None:
            changes.append((step.record, step.outcome_event))
        return await self._write(hold, changes)

    async def _write(
        self, hold: _Hold, changes: Sequence[tuple[OrderRecord, JournalEvent]], *, renews: bool = False
    ) -> OrderRecord:
        """Write one order's changes only while this worker holds it (`write_held`); `_Fenced` if it does not."""
        written = await self._writer().write(hold.lease, changes)
        if written.held is not Held.APPLIED:
            raise _Fenced(written.held)
        if renews:  # recording a request's intent renewed the lease for a whole term, by the database's clock
            hold.deadline = written.started + self._lease
        record = changes[-1][0]
        hold.phase = record.phase
        if record.phase is Phase.FINAL:
            self._holds.pop(record.out_order_no, None)  # a final record released the order
        return record

    def _writer(self) -> HeldWriter:
        if self._held_writer is None:  # pragma: no cover - run() starts it before any order starts
            raise RuntimeError("the runner is not running")
        return self._held_writer

    def _may_send(self, hold: _Hold) -> bool:
        """A request may leave only if the lease outlives it (this process's clock, which a pause cannot fool)."""
        return not hold.lost and _lease_clock() + self._attempt_seconds + _LEASE_MARGIN_S < hold.deadline

    async def _turn(self) -> bool:
        """This request's turn from the group's bucket; False if the worker stops first."""
        bucket = self._the_bucket()
        while not self._stopping:
            take = await asyncio.to_thread(bucket.take)
            if take.granted:
                return True
            await self._pause(min(max(take.wait, 0.001), 1.0))
        return False

    def _the_bucket(self) -> Bucket:
        if self._bucket is None:  # pragma: no cover - run() opens it before any order starts
            raise RuntimeError("the runner is not running")
        return self._bucket

    async def _heartbeat(self) -> None:
        """Renew the leases this worker holds and works on, every third of their term; one missing from the
        answer is lost (its order was taken over: nothing more is recorded or sent for it)."""
        while True:
            await asyncio.sleep(self._lease / 3)
            holds = [hold for hold in self._holds.values() if not hold.lost]
            if not holds:
                continue
            started = _lease_clock()
            try:
                renewed = await asyncio.to_thread(self._journal.heartbeat, self.worker, [h.lease for h in holds])
            except JournalError as exc:
                # The leases lapse by the local clock and sending stops; the next write says whether to go on.
                self.stats.heartbeat_failures += 1
                _log.warning("sync-batch worker %s could not renew its leases: %s", self.worker, exc)
                continue
            live = {lease.out_order_no for lease in renewed}
            for hold in holds:
                if hold.lease.out_order_no in live:
                    hold.deadline = max(hold.deadline, started + self._lease)
                elif hold.since < started:
                    hold.lost = True  # taken over, released or expired while this worker could not renew it

    def _give_back(self, hold: _Hold) -> None:
        """Stop working on an order now, and release it (later, with the others) unless a request may be out."""
        hold.lost = True
        if hold.phase is not Phase.SENDING:
            self._to_release.append(hold.lease)
        self._holds.pop(hold.lease.out_order_no, None)

    def _unfinished(self, out_order_no: str) -> None:
        if out_order_no not in self.stats.unfinished:
            self.stats.unfinished.append(out_order_no)

    async def _release(self, failure: BaseException | None, *, ending: bool) -> None:
        """Give back at once the orders given up, and at the end every order still held whose request cannot be
        in flight (not SENDING), so the group need not wait for their leases; a SENDING one is left to its lease,
        then queried by whoever takes it."""
        leases, self._to_release = self._to_release, []
        if ending:
            leases += [hold.lease for hold in self._holds.values() if hold.phase is not Phase.SENDING]
            self._holds.clear()
        if not leases:
            return
        try:
            released = await asyncio.to_thread(self._journal.release, leases)
        except JournalError:
            if failure is None and ending:
                raise
            return  # the leases simply run out
        self.stats.released += len(released)


# -- helpers ---------------------------------------------------------------------------------------------------------
