"""The orders, keyed by merchant and `out_order_no`, and the one place where they change.

Every call on an order goes through `OrderStore.apply` (or `create`) under one lock, in the same order of checks:
the order exists (`404 ORDER_NOT_EXIST`), time has been applied to it (a `CREATED` order untouched for 30 days is
`EXPIRED`; a deduction past its 24 hours has lapsed), the ids the call names are the order's (`403 NO_AUTH`),
the lifecycle table allows the operation in the order's state (`_lifecycle.decide`), then the operation's own
effect. The lock makes each call an atomic check-and-set, so concurrent calls on one order see one winner, as
WeChat Pay's own order service does; each change is recorded as an event, and every allowed operation is handed to
the `on_applied` hook in that same step (the notifier writes the notifications it sends there, so that none is
lost and they keep the order of the changes).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence

import attrs

from ._errors import UnknownOrderError
from ._events import EventLog
from ._lifecycle import CAUSES, Refusal, Step, decide, state_key
from ._orders import Order

__all__ = ["EXPIRY", "Applied", "Effect", "Ids", "OrderStore", "canonical", "same_order_number", "unchanged"]

# A CREATED order untouched this long becomes EXPIRED ("CREATED" 超过30天未变动则失效, O-query).
EXPIRY = 30 * 24 * 3600

# The ids a call names, by order field: the value sent, or None when the call did not send it.
Ids = Mapping[str, str | None]
# What an operation does to the order the table allowed it on: the changed order (its state is then set from the
# table's step), the same order for a call that changes nothing, or a refusal of its own.
Effect = Callable[[Order, Step, int], Order | Refusal]
# Told, under the store's lock, of every operation the table allowed: its name, the order as stored after it (the
# same order when nothing changed) and the order clock's time.
Applied = Callable[[str, Order, int], None]

_NOT_FOUND = Refusal(404, "ORDER_NOT_EXIST", "订单不存在")


def _system_clock() -> int:
    return int(time.time())


def canonical(document: object) -> str:
    """A JSON value as text that is equal exactly when the values are: keys sorted, no spaces; `1` and `1.0`,
    `1` and `true`, stay different, as they are different parameters to WeChat Pay."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def same_order_number() -> Refusal:
    """`400 INVALID_REQUEST`: the same order number with other parameters than the call it repeats."""
    return Refusal(400, "INVALID_REQUEST", "请确认相同单号是否使用了不同的参数")


def _no_auth(order: Order, ids: Ids) -> Refusal | None:
    for name, sent in ids.items():
        if sent is not None and sent != getattr(order, name):
            return Refusal(403, "NO_AUTH", f"商户暂无权限使用此服务: {name} 与订单的不一致")
    return None


class OrderStore:
    """Orders keyed by merchant and `out_order_no` (and by `query_id`), changed under one lock.

    `clock` is the order clock (Unix seconds); `events` receives one event per change; `on_applied` is told of
    every operation the lifecycle table allowed, changed or not, in the same step.
    """

    def __init__(
        self,
        default_mchid: str,
        clock: Callable[[], int] | None = None,
        events: EventLog | None = None,
        on_applied: Applied | None = None,
    ) -> None:
        self._default_mchid = default_mchid
        self._clock = clock or _system_clock
        self._events = events if events is not None else EventLog()
        self._on_applied = on_applied
        self._lock = threading.Lock()
        self._orders: dict[tuple[str, str], Order] = {}
        self._by_query_id: dict[tuple[str, str], str] = {}

    @property
    def events(self) -> EventLog:
        """Where changes are recorded."""
        return self._events

    def now(self) -> int:
        """The order clock's time."""
        return self._clock()

    def _key(self, mchid: str | None, out_order_no: str) -> tuple[str, str]:
        return (mchid or self._default_mchid, out_order_no)

    def _store(self, order: Order) -> Order:
        # Caller holds the lock.
        stored = order if order.mchid else attrs.evolve(order, mchid=self._default_mchid)
        assert stored.mchid is not None  # noqa: S101 - just filled in
        key = (stored.mchid, stored.out_order_no)
        previous = self._orders.get(key)
        if previous is not None and previous.query_id is not None:
            self._by_query_id.pop((stored.mchid, previous.query_id), None)
        self._orders[key] = stored
        if stored.query_id is not None:
            self._by_query_id[(stored.mchid, stored.query_id)] = stored.out_order_no
        return stored

    def _seeded(self, order: Order, now: int) -> Order:
        # A seeded order's times default to the moment it is seeded (it was created and last changed "now").
        created = order.created_at if order.created_at is not None else order.updated_at
        created = now if created is None else created
        updated = order.updated_at if order.updated_at is not None else created
        if (created, updated) == (order.created_at, order.updated_at):
            return order
        return attrs.evolve(order, created_at=created, updated_at=updated)

    def _record(self, order: Order, cause: str, before: Order | None, at: int) -> None:
        assert order.mchid is not None  # noqa: S101 - stored orders have their merchant
        self._events.record(
            time=at,
            out_order_no=order.out_order_no,
            mchid=order.mchid,
            cause=cause,
            before=None if before is None else state_key(before),
            after=state_key(order),
        )

    def _refresh(self, order: Order, now: int) -> Order:
        """The order with time applied up to `now` (caller holds the lock): deductions past their 24 hours lapse,
        a `CREATED` order untouched for 30 days expires; each recorded as an event dated when it happened."""
        current = order
        for index, deduction in enumerate(current.deductions):
            if deduction.state == "EFFECTIVE" and deduction.expires_at <= now:
                lapsed = attrs.evolve(deduction, state="LAPSED")
                deductions = (*current.deductions[:index], lapsed, *current.deductions[index + 1 :])
                before = current
                current = attrs.evolve(current, deductions=deductions, updated_at=deduction.expires_at)
                self._record(current, "deduction-lapsed", before, deduction.expires_at)
        untouched_since = current.updated_at if current.updated_at is not None else now
        if current.state == "CREATED" and now >= untouched_since + EXPIRY:
            step = decide("expire", current, now)
            if isinstance(step, Step) and step.to is not None:
                at = untouched_since + EXPIRY
                before = current
                current = attrs.evolve(current, state=step.to[0], state_description=step.to[1], updated_at=at)
                self._record(current, CAUSES["expire"], before, at)
        return self._store(current) if current is not order else order

    # -- seeding and reading -------------------------------------------------------------------------------------

    def seed(self, order: Order) -> Order:
        """Add or replace an order; returns it with its merchant and times filled in."""
        with self._lock:
            return self._store(self._seeded(order, self._clock()))

    def seed_many(self, orders: Sequence[Order]) -> list[Order]:
        """Add or replace many orders under one lock (thousands per call); returns them as stored."""
        with self._lock:
            now = self._clock()
            return [self._store(self._seeded(order, now)) for order in orders]

    def replace_all(self, orders: Iterable[Order]) -> None:
        """Forget every order, then seed `orders`."""
        with self._lock:
            self._orders.clear()
            self._by_query_id.clear()
            now = self._clock()
            for order in orders:
                self._store(self._seeded(order, now))

    def get(self, out_order_no: str, mchid: str | None = None) -> Order:
        """The current state of an order (time applied); `UnknownOrderError` when there is none."""
        with self._lock:
            order = self._orders.get(self._key(mchid, out_order_no))
            if order is None:
                raise UnknownOrderError(out_order_no)
            return self._refresh(order, self._clock())

    def all(self) -> list[Order]:
        """Every order (time applied), in seeding order."""
        with self._lock:
            now = self._clock()
            return [self._refresh(order, now) for order in list(self._orders.values())]

    def sweep(self) -> None:
        """Apply time to every order now (after the clock moved), so that its events are recorded at once."""
        self.all()

    def __len__(self) -> int:
        with self._lock:
            return len(self._orders)

    def find(
        self, mchid: str, ids: Ids, *, out_order_no: str | None = None, query_id: str | None = None
    ) -> Order | Refusal:
        """The order a read addresses, by number or by `query_id`: `404 ORDER_NOT_EXIST` for no such order of this
        merchant, `403 NO_AUTH` when the ids the read names are not the order's."""
        with self._lock:
            if out_order_no is None and query_id is not None:
                out_order_no = self._by_query_id.get((mchid, query_id))
            order = None if out_order_no is None else self._orders.get((mchid, out_order_no))
            if order is None:
                return _NOT_FOUND
            order = self._refresh(order, self._clock())
        return _no_auth(order, ids) or order

    # -- changing ------------------------------------------------------------------------------------------------

    def apply(self, operation: str, mchid: str | None, out_order_no: str, ids: Ids, effect: Effect) -> Order | Refusal:
        """Apply `operation` to an order: the checks in the module's order, then `effect`; the state is set from
        the table's step. Returns the order as stored after it (unchanged for a re-entry), or the refusal."""
        with self._lock:
            now = self._clock()
            order = self._orders.get(self._key(mchid, out_order_no))
            if order is None:
                return _NOT_FOUND
            return self._apply(operation, self._refresh(order, now), ids, effect, now)

    def create(self, mchid: str, candidate: Order, ids: Ids, effect: Effect) -> Order | Refusal:
        """Store a new order (`CREATED` or `DOING` as the candidate says), or, when the number is taken, apply the
        create's re-entry to the existing order through the table (`effect` compares the parameters)."""
        with self._lock:
            now = self._clock()
            existing = self._orders.get((mchid, candidate.out_order_no))
            if existing is not None:
                return self._apply("createServiceOrder", self._refresh(existing, now), ids, effect, now)
            stored = self._store(attrs.evolve(candidate, mchid=mchid, created_at=now, updated_at=now))
            self._record(stored, CAUSES["createServiceOrder"], None, now)
            return stored

    def _apply(self, operation: str, order: Order, ids: Ids, effect: Effect, now: int) -> Order | Refusal:
        # Caller holds the lock; `order` has time applied.
        refusal = _no_auth(order, ids)
        if refusal is not None:
            return refusal
        decision = decide(operation, order, now)
        if isinstance(decision, Refusal):
            return decision
        result = effect(order, decision, now)
        if isinstance(result, Refusal):
            return result
        if decision.to is not None:
            result = attrs.evolve(result, state=decision.to[0], state_description=decision.to[1])
        if result == order:
            self._applied(operation, order, now)
            return order
        stored = self._store(attrs.evolve(result, updated_at=now))
        self._record(stored, CAUSES.get(operation, operation), order, now)
        self._applied(operation, stored, now)
        return stored

    def _applied(self, operation: str, order: Order, now: int) -> None:
        # Caller holds the lock.
        if self._on_applied is not None:
            self._on_applied(operation, order, now)


def unchanged(order: Order, _step: Step, _now: int) -> Order:
    """The effect of a call that changes nothing but the state the table names (confirm, cancel, a read)."""
    return order
