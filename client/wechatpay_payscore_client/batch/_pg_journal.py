"""`PostgresJournal`: the batch's journal in the institution's PostgreSQL, for one process or a group of workers.

It holds, per order, what `SqliteJournal` holds (the record: the request as read, phase, attempts, outcome...; and the
append-only events: every intent written before its request leaves, every answer, query and verdict, the outcome),
so it drives today's single-process runner through the `Journal` protocol unchanged (`get_many`, `write`, `close`);
and it implements `GroupJournal` (see `_pg_group`) for several workers: load, claim, write while holding, heartbeat,
release. The group's rate bucket is `bucket()` (see `_pg_bucket`).

Design (each rule is named where it is kept):

- one schema per journal, as one SQLite file per journal: orders are keyed by out_order_no alone, as there; the
  schema is created and migrated on open (`_pg_schema`), its name chosen by the user (`_pg_connect`);
- every method is one transaction; each `write` is durable when it returns (with the server's `synchronous_commit`);
- a group write locks the orders it touches in key order, as the heartbeat and release do, and a claim skips locked
  orders: concurrent workers never deadlock on each other;
- leases and fences are decided by the database's clock, never the workers' (hosts' clocks may differ);
- every failure is a `JournalError` naming the journal by host, port, database and schema, never by its password.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from psycopg.rows import TupleRow
from psycopg.types.json import Jsonb

from ._day import GroupActivity, Hold, group_activity
from ._journal import EventKind, JournalEvent, OrderRecord, Phase, utc_now
from ._outcome import Outcome
from ._pg_bucket import GroupBucket
from ._pg_connect import DEFAULT_SCHEMA, Session, check_schema_name, lock_key
from ._pg_group import (
    DEFAULT_LEASE_SECONDS,
    Claimed,
    ClaimEntry,
    Held,
    Lease,
    LoadConflict,
    LoadResult,
)
from ._pg_schema import check_version, migrate
from ._pg_sql import ADVISORY_LOCK, SNAPSHOT, ReportStatements, Statements

__all__ = ["PostgresJournal"]

Change = tuple[OrderRecord, JournalEvent]
_SENDABLE = frozenset({Phase.PENDING, Phase.RETRY})  # the phases from which a new attempt may be recorded
_WORKER_MAX = 200
# The intent of a request (a sync or a query) renews the lease for a full term: the request then has a whole lease,
# far longer than it may take, before anyone may take the order over.
_RENEWING = frozenset({EventKind.SEND, EventKind.QUERY})


class PostgresJournal:
    """The journal in PostgreSQL: `PostgresJournal("postgresql://user@host/db", schema="payscore_batch")`.

    The password is best given through `PGPASSWORD` or `~/.pgpass` (libpq reads both), not in the DSN. `read_only`
    opens an existing journal of this program's version and changes nothing (for reports). Calls may come from any
    thread; they are served one at a time on one connection (a worker that heartbeats from another thread opens a
    second `PostgresJournal`, or uses this one between its writes).
    """

    def __init__(
        self,
        dsn: str,
        *,
        schema: str = DEFAULT_SCHEMA,
        read_only: bool = False,
        application_name: str = "wechatpay-payscore batch",
    ) -> None:
        self.schema = check_schema_name(schema)
        self.read_only = read_only
        self._sql = Statements(schema)
        self._session = Session(dsn, schema=schema, application_name=application_name, read_only=read_only)
        self.where = self._session.where
        self.migrated_now: list[int] = []  # the schema versions this opening applied (none: it was up to date)
        with self._session.use("open") as connection:
            if read_only:
                check_version(connection, schema, self._sql)
            else:
                self.migrated_now = migrate(connection, schema, self._sql)

    def __repr__(self) -> str:
        return f"PostgresJournal({self.where})"

    # -- the Journal protocol (one owner) ------------------------------------------------------------------------

    def get_many(self, out_order_nos: Sequence[str]) -> dict[str, OrderRecord]:
        keys = list(dict.fromkeys(out_order_nos))
        if not keys:
            return {}
        with self._session.use("read") as connection:
            rows = connection.execute(self._sql.get_many, (keys,)).fetchall()
        return {row[0]: _record(row) for row in rows}

    def write(self, changes: Sequence[Change]) -> None:
        """Each record replaces the order's (its last state in `changes` wins) and each event is appended, at once."""
        if not changes:
            return
        latest = {record.out_order_no: record for record, _ in changes}
        with self._session.use("write") as connection, connection.transaction(), connection.cursor() as cursor:
            cursor.executemany(self._sql.upsert, [_record_params(latest[key]) for key in sorted(latest)])
            cursor.executemany(self._sql.append_event, [_event_params(event, None) for _, event in changes])

    def close(self) -> None:
        self._session.close()

    # -- reading back (reports, audits) --------------------------------------------------------------------------

    def records(self) -> list[OrderRecord]:
        """Every order, in out_order_no order."""
        with self._session.use("read") as connection:
            return [_record(row) for row in connection.execute(self._sql.records).fetchall()]

    def events(self, out_order_no: str | None = None) -> list[JournalEvent]:
        """The events of one order (or all), oldest first."""
        with self._session.use("read") as connection:
            rows = connection.execute(
                self._sql.events, {"every": out_order_no is None, "out_order_no": out_order_no}
            ).fetchall()
        return [JournalEvent.from_row(row) for row in rows]

    def claim_history(self, out_order_no: str | None = None) -> list[ClaimEntry]:
        """Every claim made (of one order, or all), oldest first: who took what, from whom, in which phase."""
        with self._session.use("read") as connection:
            rows = connection.execute(
                self._sql.claim_log, {"every": out_order_no is None, "out_order_no": out_order_no}
            ).fetchall()
        return [
            ClaimEntry(out_order_no=row[0], claim=row[1], worker=row[2], taken_from=row[3], phase=Phase(row[4]))
            for row in rows
        ]

    def day_counts(self) -> dict[str, int]:
        """The day at a glance: orders per outcome (final) or phase (open), and `total`, `open`, `held` (under a
        live lease), for every worker's progress display and to tell when the day is settled."""
        with self._session.use("read") as connection:
            rows = connection.execute(self._sql.day_counts).fetchall()
        counts = {str(row[0]): int(row[1]) for row in rows}
        counts["total"] = sum(int(row[1]) for row in rows)
        counts["open"] = sum(int(row[3]) for row in rows)
        counts["held"] = sum(int(row[2]) for row in rows)
        return counts

    def reopen_unresolved(self, worker: str) -> list[str]:
        """Put every order an earlier run left `unresolved` back in doubt (queried before anything is sent), so
        that running the day again settles it, as with the SQLite journal; the orders reopened."""
        _check_worker(worker)
        params = {
            "at": utc_now(),
            "worker": worker,
            "detail": f"reopened by {worker}: unresolved by an earlier run; queried before anything is sent",
        }
        with self._session.use("reopen the unresolved orders in") as connection, connection.transaction():
            connection.execute(ADVISORY_LOCK, (lock_key("reopen", self.schema),))
            return sorted(row[0] for row in connection.execute(self._sql.reopen, params).fetchall())

    # -- the group (GroupJournal) --------------------------------------------------------------------------------

    def load(
        self, records: Iterable[OrderRecord], *, loaded_by: str | None = None, source: str | None = None
    ) -> LoadResult:
        """Add the day's PENDING records the journal does not hold, all in one transaction; report the others.

        Loaders are serialized by an advisory lock, so the second of two loaders of one file finds every order
        held and loads nothing. A row whose request differs from what the journal holds for its order (or from an
        earlier row of the same input) is reported in `differing`; identical repeated rows count once.
        """
        first: dict[str, OrderRecord] = {}
        repeated: list[OrderRecord] = []
        for record in records:
            if record.phase is not Phase.PENDING:
                raise ValueError(f"load takes the day's PENDING records; {record.out_order_no} is {record.phase}")
            if record.out_order_no in first:
                repeated.append(record)
            else:
                first[record.out_order_no] = record
        keys = sorted(first)
        with self._session.use("load") as connection, connection.transaction():
            connection.execute(ADVISORY_LOCK, (lock_key("load", self.schema),))
            params = {
                "orders": keys,
                "requests": [json.dumps(dict(first[key].request), ensure_ascii=False) for key in keys],
                "lines": [first[key].line for key in keys],
                "updated": [first[key].updated_at for key in keys],
            }
            inserted = {row[0] for row in connection.execute(self._sql.load, params).fetchall()}
            others = [key for key in keys if key not in inserted]
            held: dict[str, tuple[dict[str, str], Phase]] = {}
            if others:
                for row in connection.execute(self._sql.loaded_as, (others,)).fetchall():
                    held[row[0]] = (dict(row[1]), Phase(row[2]))
            for key in inserted:
                held[key] = (dict(first[key].request), Phase.PENDING)
            already = [key for key in others if same_request(first[key].request, held[key][0])]
            differing: list[LoadConflict] = []
            for record in [first[key] for key in others] + repeated:
                request, phase = held[record.out_order_no]
                if same_request(record.request, request):
                    continue
                differing.append(
                    LoadConflict(
                        out_order_no=record.out_order_no,
                        line=record.line,
                        given=dict(record.request),
                        held=request,
                        phase=phase,
                    )
                )
            connection.execute(
                self._sql.log_load, (loaded_by, source, len(keys) + len(repeated), len(inserted), len(differing))
            )
        return LoadResult(
            loaded=tuple(sorted(inserted)),
            already=tuple(already),
            differing=tuple(sorted(differing, key=lambda item: (item.out_order_no, item.line or 0))),
        )

    def claim(self, n: int, worker: str, lease_seconds: float = DEFAULT_LEASE_SECONDS) -> list[Claimed]:
        """Up to `n` open orders nobody holds or whose lease expired, now leased to `worker` for `lease_seconds`.

        An order whose phase is SENDING or IN_DOUBT comes back with `query_first`; one taken from a worker whose
        lease expired names it in `taken_from`. Orders another claimer is taking at this instant are skipped, not
        waited for: two claims at once never return the same order.
        """
        if n < 1:
            raise ValueError(f"claim at least 1 order, not {n}")
        _check_worker(worker)
        _check_seconds(lease_seconds)
        with self._session.use("claim") as connection:
            rows = connection.execute(
                self._sql.claim, {"n": n, "worker": worker, "seconds": float(lease_seconds)}
            ).fetchall()
        return [
            Claimed(
                record=_record(row),
                lease=Lease(out_order_no=row[0], worker=worker, claim=row[12], until=row[13]),
                taken_from=row[14],
            )
            for row in rows
        ]

    def write_held(self, leases: Iterable[Lease], changes: Sequence[Change]) -> dict[str, Held]:
        """Write each order's changes (in order) only if its lease in `leases` still holds; one verdict per order.

        All of an order's changes apply, or none (`Held`): NOT_HELD when the order was taken over or released;
        QUERY_FIRST when a SEND would follow a phase other than PENDING or RETRY as the journal holds it;
        LEASE_EXPIRED when a SEND or a QUERY (the intent of a request) is to be recorded on a lease no longer
        live. Recording either renews the lease; a FINAL record releases the order. Applied orders are committed
        together.
        """
        by_order = {lease.out_order_no: lease for lease in leases}
        chains: dict[str, list[Change]] = {}
        for record, event in changes:
            if event.out_order_no != record.out_order_no:
                raise ValueError(f"an event of {event.out_order_no} given with the record of {record.out_order_no}")
            if record.out_order_no not in by_order:
                raise ValueError(f"no lease given for {record.out_order_no}")
            chains.setdefault(record.out_order_no, []).append((record, event))
        if not chains:
            return {}
        keys = sorted(chains)
        held_params = {
            "orders": keys,
            "claims": [by_order[key].claim for key in keys],
            "workers": [by_order[key].worker for key in keys],
        }
        with self._session.use("write") as connection, connection.transaction():
            state = {
                row[0]: (Phase(row[1]), bool(row[2]))
                for row in connection.execute(self._sql.lock_held, held_params).fetchall()
            }
            verdicts = {key: _verdict(chains[key], state.get(key)) for key in keys}
            applied = [key for key in keys if verdicts[key] is Held.APPLIED]
            if applied:
                with connection.cursor() as cursor:
                    cursor.executemany(
                        self._sql.update_held,
                        [
                            _record_params(chains[key][-1][0])
                            | {"renew": any(event.kind in _RENEWING for _, event in chains[key])}
                            for key in applied
                        ],
                    )
                    cursor.executemany(
                        self._sql.append_event,
                        [
                            _event_params(event, by_order[record.out_order_no].worker)
                            for record, event in changes
                            if verdicts[record.out_order_no] is Held.APPLIED
                        ],
                    )
        return verdicts

    def heartbeat(self, worker: str, leases: Iterable[Lease] | None = None) -> list[Lease]:
        """Renew `worker`'s live leases (every one, or those given) for their full term; the renewed leases.

        A lease missing from the answer is lost (expired, taken over or released): its worker must not send that
        order again without claiming it anew.
        """
        _check_worker(worker)
        given = list(leases) if leases is not None else []
        if any(lease.worker != worker for lease in given):
            raise ValueError(f"a heartbeat of {worker} renews only its own leases")
        params = {
            "worker": worker,
            "every": leases is None,
            "orders": [lease.out_order_no for lease in given],
            "claims": [lease.claim for lease in given],
        }
        with self._session.use("renew the leases in") as connection:
            rows = connection.execute(self._sql.heartbeat, params).fetchall()
        return sorted(
            (Lease(out_order_no=row[0], worker=row[1], claim=row[2], until=row[3]) for row in rows),
            key=lambda lease: lease.out_order_no,
        )

    def release(self, leases: Iterable[Lease]) -> list[str]:
        """Give back the orders still held under `leases` (claimable by anyone at once); those released."""
        given = sorted(leases, key=lambda lease: lease.out_order_no)
        if not given:
            return []
        params = {
            "orders": [lease.out_order_no for lease in given],
            "claims": [lease.claim for lease in given],
            "workers": [lease.worker for lease in given],
        }
        with self._session.use("release orders in") as connection:
            rows = connection.execute(self._sql.release, params).fetchall()
        return sorted(row[0] for row in rows)

    def bucket(self, rate: float | None, *, name: str = "requests") -> GroupBucket:
        """The group's rate bucket `name` (one row of this journal), on a connection of its own."""
        return GroupBucket(self._session.sibling("bucket"), self._sql, name=name, rate=rate)

    # -- the day's report (`batch-report`) -----------------------------------------------------------------------

    def worker_activity(self) -> GroupActivity:
        """What each worker did (syncs sent, queries, orders finished, claims, take-overs and from whom) and who
        holds which open order now, read in one snapshot. Read it before `records()` for a report (see `_day`)."""
        statements = ReportStatements(self.schema)
        with self._session.use("read") as connection, connection.transaction():
            connection.execute(SNAPSHOT)
            sent = [(row[0], int(row[1]), int(row[2])) for row in connection.execute(statements.worker_events)]
            finished = [(row[0], int(row[1])) for row in connection.execute(statements.worker_finished)]
            claims = [(row[0], row[1], int(row[2])) for row in connection.execute(statements.worker_claims)]
            holds = [
                Hold(out_order_no=row[0], worker=row[1], until=row[2], live=bool(row[3]))
                for row in connection.execute(statements.holds)
            ]
        return group_activity(sent, finished, claims, holds)


def same_request(given: Mapping[str, str], held: Mapping[str, str]) -> bool:
    """Two loads of one order agree: the same fields, where `paid_time` given in the same words (`now`, resolved by
    each loader at its own moment) stands for the time the journal holds."""
    if given.get("paid_time_given") is not None and given.get("paid_time_given") == held.get("paid_time_given"):
        return {**given, "paid_time": ""} == {**held, "paid_time": ""}
    return dict(given) == dict(held)


def _verdict(chain: Sequence[Change], state: tuple[Phase, bool] | None) -> Held:
    """The send fence, applied to one order's changes against its phase as the journal holds it (locked)."""
    if state is None:
        return Held.NOT_HELD
    phase, live = state
    for record, event in chain:
        if event.kind is EventKind.SEND and phase not in _SENDABLE:
            return Held.QUERY_FIRST
        if event.kind in _RENEWING and not live:
            return Held.LEASE_EXPIRED  # a request (sync or query) leaves only on a live lease
        phase = record.phase
    return Held.APPLIED


def _check_worker(worker: str) -> None:
    if not worker or len(worker) > _WORKER_MAX or not worker.isprintable():
        raise ValueError(f"a worker is named by 1 to {_WORKER_MAX} printable characters, not {worker!r}")


def _check_seconds(seconds: float) -> None:
    if not (math.isfinite(seconds) and seconds > 0):
        raise ValueError(f"a lease lasts a finite number of seconds > 0, not {seconds!r}")


def _record_params(record: OrderRecord) -> dict[str, Any]:
    return {
        "out_order_no": record.out_order_no,
        "request": Jsonb(dict(record.request)),
        "phase": str(record.phase),
        "attempts": record.attempts,
        "lost_attempts": record.lost_attempts,
        "outcome": None if record.outcome is None else str(record.outcome),
        "code": record.code,
        "message": record.message,
        "request_ids": list(record.request_ids),
        "line": record.line,
        "updated_at": record.updated_at,
        "finished_at": record.finished_at,
    }


def _event_params(event: JournalEvent, worker: str | None) -> tuple[Any, ...]:
    return (event.out_order_no, str(event.kind), event.attempt, event.detail, event.request_id, event.at, worker)


def _record(row: TupleRow) -> OrderRecord:
    request: Mapping[str, str] = dict(row[1])
    return OrderRecord(
        out_order_no=row[0],
        request=request,
        phase=Phase(row[2]),
        attempts=row[3],
        lost_attempts=row[4],
        outcome=None if row[5] is None else Outcome(row[5]),
        code=row[6],
        message=row[7],
        request_ids=tuple(row[8]),
        line=row[9],
        updated_at=row[10],
        finished_at=row[11],
    )
