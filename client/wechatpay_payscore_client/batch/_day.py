"""The day's report, from the journal alone: every order once, what each worker did, and what is left to do.

`build_day_report(records, events=..., activity=...)` reads a journal's records once (streaming: memory holds the
counts and the first orders not settled, never the whole day) and returns a `DayReport`:

- every order with its **status**: its final outcome (`synced`, `synced_by_earlier_attempt`,
  `already_done_otherwise`, `refused`, `invalid`, `unresolved`), or, not finished yet, where it stands:
  `pending` (nothing may have left: never sent, or its last attempt proven not applied), `in_flight` (held by a
  worker on a live lease; in an SQLite journal, an attempt recorded as about to leave) or `in_doubt` (an attempt may
  have been applied and nobody is on it: its answer was lost, or its worker's lease ended while it was sending);
- the counts per status, and the exit status a script reads (`BatchExit`, as `sync-batch`'s): 0 every order settled;
  3 some refused or invalid, none unresolved or unfinished; 5 some unresolved or not finished;
- per worker (`WorkerActivity`): orders finished (its event recorded the order's final outcome), syncs sent (intents
  recorded and not withdrawn), queries made, and, in a PostgreSQL journal, claims, orders taken over and from whom,
  orders held now. An SQLite journal has one worker, unnamed (`worker` None), as has a PostgreSQL journal written
  by the single-process runner;
- each order not settled with what to do (`DayEntry.advice`; the words of `sync-batch`'s summary for a refused or
  invalid order).

`DayEntry.result` is the order's `--report` row as an `OrderResult`, so `ReportWriter` writes the same columns as
`sync-batch`. An order not finished has no outcome yet: its row says `unresolved` (what a script must treat it as:
not settled, look again), with `code` PENDING, IN_FLIGHT or IN_DOUBT and `message` saying where it stands.

A journal read while workers run gives a moment's picture: read the activity (`PostgresJournal.worker_activity()`)
before the records, so that an order finished in between is reported as finished.
"""

from __future__ import annotations

import datetime
import enum
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from ._exits import BatchExit, exit_for
from ._journal import EventKind, JournalEvent, OrderRecord, Phase
from ._outcome import SETTLED, OrderResult, Outcome

__all__ = [
    "STATUSES",
    "DayEntry",
    "DayReport",
    "GroupActivity",
    "Hold",
    "Standing",
    "WorkerActivity",
    "activity_from_events",
    "build_day_report",
    "day_entry",
    "group_activity",
]

SHOWN_UNSETTLED = 50  # orders listed one by one in the summary, as sync-batch's; the report has them all


class Standing(enum.StrEnum):
    """Where an order without a final outcome stands."""

    PENDING = "pending"  # nothing may have left: never sent, or the last attempt proven not applied
    IN_FLIGHT = "in_flight"  # a worker is on it (a live lease), or (SQLite) an attempt is recorded as about to leave
    IN_DOUBT = "in_doubt"  # an attempt may have been applied and nobody is on it: queried before anything else


STATUSES: tuple[str, ...] = (*(str(outcome) for outcome in Outcome if outcome is not Outcome.NOT_SENT), *Standing)


def _timestamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@attrs.frozen(kw_only=True)
class Hold:
    """A worker's lease on an open order, as a PostgreSQL journal holds it (by the database's clock)."""

    out_order_no: str
    worker: str
    until: datetime.datetime
    live: bool  # the lease had not ended when it was read

    @property
    def until_text(self) -> str:
        return _timestamp(self.until)


def _sorted_counts(value: Mapping[str, int]) -> dict[str, int]:
    return {key: value[key] for key in sorted(value)}


@attrs.frozen(kw_only=True)
class WorkerActivity:
    """What one worker did in the day's journal. `worker` None: events recorded without a name (one process)."""

    worker: str | None
    finished: int = 0  # orders whose final outcome this worker recorded (and that are still final)
    syncs_sent: int = 0  # intents to send recorded, less those withdrawn before they left
    queries: int = 0  # reconciling queries recorded
    claims: int = 0  # PostgreSQL: claims made (take-overs included)
    took_over: Mapping[str, int] = attrs.field(factory=dict, converter=_sorted_counts)  # from whom, how many
    holding: int = 0  # PostgreSQL: open orders held on a live lease when the journal was read

    @property
    def name(self) -> str:
        return self.worker if self.worker is not None else "(unnamed)"

    def to_json(self, taken_over_by: Mapping[str, int] | None = None) -> dict[str, Any]:
        return {
            "worker": self.worker,
            "finished": self.finished,
            "syncs_sent": self.syncs_sent,
            "queries": self.queries,
            "claims": self.claims,
            "took_over": dict(self.took_over),
            "taken_over_by": _sorted_counts(taken_over_by or {}),
            "holding": self.holding,
        }


@attrs.frozen(kw_only=True)
class GroupActivity:
    """What a PostgreSQL journal says about its workers: their activity, and who holds which open order now."""

    workers: tuple[WorkerActivity, ...] = ()
    holds: Mapping[str, Hold] = attrs.field(factory=dict)


def activity_from_events(events: Iterable[JournalEvent], *, finished: int) -> WorkerActivity:
    """The one unnamed worker of a journal without worker names (SQLite): its sends and queries from the events."""
    sends = withdrawn = queries = 0
    for event in events:
        if event.kind is EventKind.SEND:
            sends += 1
        elif event.kind is EventKind.UNSEND:
            withdrawn += 1
        elif event.kind is EventKind.QUERY:
            queries += 1
    return WorkerActivity(worker=None, finished=finished, syncs_sent=sends - withdrawn, queries=queries)


_RUN_AGAIN = "Run the day's batch again with this journal (sync-batch, or any worker of the group)"


@attrs.frozen(kw_only=True)
class DayEntry:
    """One order of the day: its status, its `--report` row, who holds it (PostgreSQL), and what to do."""

    record: OrderRecord
    status: str  # an `Outcome` value, or a `Standing` value when the order is not finished
    result: OrderResult
    hold: Hold | None = None
    advice: str = ""  # empty for a settled order

    @property
    def settled(self) -> bool:
        return self.result.settled

    def to_json(self) -> dict[str, Any]:
        return {
            **self.result.to_report(),
            "status": self.status,
            "phase": str(self.record.phase),
            "held_by": self.hold.worker if self.hold else None,
            "lease_until": self.hold.until_text if self.hold else None,
            "lease_live": self.hold.live if self.hold else None,
            "advice": self.advice,
        }


def day_entry(record: OrderRecord, hold: Hold | None = None, *, leases_known: bool = False) -> DayEntry:
    """The entry of one order. `leases_known`: the journal says who holds what (PostgreSQL), so an attempt that may
    have left with nobody holding the order is in doubt; without it (SQLite), such an order is in flight."""
    if record.phase is Phase.FINAL and record.outcome is not None:
        result = _result(record, record.outcome, record.code, record.message)
        if record.outcome is Outcome.UNRESOLVED:
            advice = (
                f"unresolved after {record.attempts} attempt(s): {record.message or 'no definitive answer'}. "
                f"{_RUN_AGAIN}: it queries the order before sending anything"
            )
        else:
            advice = result.advice()
        return DayEntry(record=record, status=str(record.outcome), result=result, hold=hold, advice=advice)
    standing, where, advice = _standing(record, hold, leases_known=leases_known)
    result = _result(record, Outcome.UNRESOLVED, standing.upper(), f"not finished: {where}")
    return DayEntry(record=record, status=str(standing), result=result, hold=hold, advice=advice)


def _result(record: OrderRecord, outcome: Outcome, code: str | None, message: str | None) -> OrderResult:
    return OrderResult(
        out_order_no=record.out_order_no,
        outcome=outcome,
        line=record.line,
        code=code,
        message=message,
        request_ids=record.request_ids,
        attempts=record.attempts,
        paid_time=record.request.get("paid_time"),
        finished_at=record.finished_at,
        from_journal=True,
    )


def _standing(record: OrderRecord, hold: Hold | None, *, leases_known: bool) -> tuple[Standing, str, str]:
    """Where an unfinished order stands, in words, and what to do about it."""
    attempt = record.attempts
    if record.phase is Phase.SENDING:
        phase = f"attempt {attempt} may have left (recorded as about to leave; no answer recorded)"
    elif record.phase is Phase.IN_DOUBT:
        phase = f"attempt {attempt} may have been applied (its answer was lost or did not tell)"
    elif record.phase is Phase.RETRY:
        phase = f"attempt {attempt} was proven not applied; to be sent again"
    else:
        phase = "nothing sent yet" if attempt == 0 else f"{attempt} attempt(s), none applied; to be sent again"
    may_have_left = record.phase in (Phase.SENDING, Phase.IN_DOUBT)
    if hold is not None and hold.live:
        where = f"held by {hold.worker} until {hold.until_text}; {phase}"
        advice = (
            f"{where}. {hold.worker} is on it: look again later. If {hold.worker} stopped, the order is taken over "
            "once its lease ends" + (", and queried before anything is sent again" if may_have_left else "")
        )
        return Standing.IN_FLIGHT, where, advice
    ended = f"; {hold.worker}'s lease ended at {hold.until_text}" if hold is not None else ""
    if record.phase is Phase.SENDING and not leases_known:
        where = phase
        advice = (
            f"{phase}: a run is sending it now, or one stopped while it was. If no run is going on, "
            f"{_RUN_AGAIN[0].lower()}{_RUN_AGAIN[1:]}: it queries the order before sending anything"
        )
        return Standing.IN_FLIGHT, where, advice
    if may_have_left:
        where = phase + ended
        return Standing.IN_DOUBT, where, f"{where}. {_RUN_AGAIN}: it queries the order before sending anything"
    where = phase + ended
    return Standing.PENDING, where, f"{where}. {_RUN_AGAIN} to send it"


class DayReport:
    """The day's counts, workers and orders not settled; fed one record at a time by `add` (see the module)."""

    def __init__(
        self,
        *,
        activity: GroupActivity | None = None,
        shown_unsettled: int = SHOWN_UNSETTLED,
    ) -> None:
        self.leases_known = activity is not None
        self._holds: Mapping[str, Hold] = activity.holds if activity is not None else {}
        self.workers: tuple[WorkerActivity, ...] = activity.workers if activity is not None else ()
        self.counts: Counter[str] = Counter()
        self.orders = 0
        self.unsettled: list[DayEntry] = []
        self.unsettled_total = 0
        self._shown = shown_unsettled

    def add(self, record: OrderRecord) -> DayEntry:
        """Count one order (each once) and keep it if it is among the first not settled; its entry."""
        entry = day_entry(record, self._holds.get(record.out_order_no), leases_known=self.leases_known)
        self.orders += 1
        self.counts[entry.status] += 1
        if not entry.settled:
            self.unsettled_total += 1
            if len(self.unsettled) < self._shown:
                self.unsettled.append(entry)
        return entry

    @property
    def settled(self) -> int:
        return sum(self.counts[str(outcome)] for outcome in SETTLED)

    @property
    def unfinished(self) -> int:
        return sum(self.counts[str(standing)] for standing in Standing)

    @property
    def finished(self) -> int:
        return self.orders - self.unfinished

    def ordered_counts(self) -> dict[str, int]:
        """The counts per status, in the order of `STATUSES`, without zeros."""
        return {status: self.counts[status] for status in STATUSES if self.counts[status]}

    def exit_status(self) -> BatchExit:
        return exit_for(self.counts, unfinished=self.unfinished)

    def taken_over_by(self) -> dict[str, dict[str, int]]:
        """For each worker, the workers that took orders over from it, and how many (the other side of took_over)."""
        lost: dict[str, Counter[str]] = {}
        for activity in self.workers:
            for previous, count in activity.took_over.items():
                if activity.worker is not None:
                    lost.setdefault(previous, Counter())[activity.worker] += count
        return {worker: dict(counter) for worker, counter in lost.items()}

    def workers_json(self) -> list[dict[str, Any]]:
        lost = self.taken_over_by()
        return [
            activity.to_json(lost.get(activity.worker) if activity.worker is not None else None)
            for activity in self.workers
        ]

    def to_json(self) -> dict[str, Any]:
        """The report's JSON keys (the command adds the journal, the report file and the exit status)."""
        return {
            "orders": self.orders,
            "counts": self.ordered_counts(),
            "settled": self.settled,
            "finished": self.finished,
            "unfinished": self.unfinished,
            "workers": self.workers_json(),
            "unsettled_total": self.unsettled_total,
            "unsettled": [entry.to_json() for entry in self.unsettled],
        }


def build_day_report(
    records: Iterable[OrderRecord],
    *,
    events: Iterable[JournalEvent] | None = None,
    activity: GroupActivity | None = None,
    on_entry: Callable[[DayEntry], None] | None = None,
    shown_unsettled: int = SHOWN_UNSETTLED,
) -> DayReport:
    """The report of a journal: its `records` (each order once), and either `activity` (PostgreSQL: workers and
    leases) or `events` (one unnamed worker's sends and queries). `on_entry` sees every order's entry, in the
    records' order (for `--report`)."""
    report = DayReport(activity=activity, shown_unsettled=shown_unsettled)
    for record in records:
        entry = report.add(record)
        if on_entry is not None:
            on_entry(entry)
    if activity is None and events is not None:
        report.workers = (activity_from_events(events, finished=report.finished),)
    return report


def group_activity(
    event_counts: Sequence[tuple[str | None, int, int]],
    finished: Sequence[tuple[str | None, int]],
    claims: Sequence[tuple[str, str | None, int]],
    holds: Sequence[Hold],
) -> GroupActivity:
    """Put together what a PostgreSQL journal's report statements read: per worker (worker, syncs sent, queries),
    (worker, orders finished), (worker, taken from, claims), and the holds; workers in name order, unnamed first."""
    names: set[str | None] = {row[0] for row in event_counts} | {row[0] for row in finished}
    names |= {row[0] for row in claims} | {hold.worker for hold in holds}
    sent = {row[0]: (row[1], row[2]) for row in event_counts}
    done = dict(finished)
    made: Counter[str | None] = Counter()
    took: dict[str | None, Counter[str]] = {}
    for worker, taken_from, count in claims:
        made[worker] += count
        if taken_from is not None and taken_from != worker:
            took.setdefault(worker, Counter())[taken_from] += count
    holding = Counter(hold.worker for hold in holds if hold.live)
    workers = tuple(
        WorkerActivity(
            worker=name,
            finished=done.get(name, 0),
            syncs_sent=sent.get(name, (0, 0))[0],
            queries=sent.get(name, (0, 0))[1],
            claims=made[name],
            took_over=dict(took.get(name, {})),
            holding=holding[name] if name is not None else 0,
        )
        for name in sorted(names, key=lambda name: (name is not None, name or ""))
    )
    return GroupActivity(workers=workers, holds={hold.out_order_no: hold for hold in holds})
