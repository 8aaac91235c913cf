"""The client's memory of orders whose outcome is in doubt, so that a later "already there" reads "ours".

Keyed by the order (`out_order_no`; one client is one merchant), wherever the operation carries the number (the
path, or a create's body), and per order by operation: a lost sync and a later cancel of the same order see
each other's doubt, and each knows which call it was.

Written ahead: a call is counted in flight for its order before its first attempt leaves, and leaves that count
only when it ends; whatever ends it without a definite answer — a lost answer, a cancellation, `KeyboardInterrupt`
during a send, a read or a retry wait — leaves the operation in doubt. Calls for the same order running at once
never clear each other's doubt: each releases only its own count. A hint that dies with the process; a query of
the order (reconciliation) is the evidence.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import attrs

__all__ = ["OrderMemory"]


@attrs.define
class _Entry:
    in_flight: dict[str, int] = attrs.field(factory=dict)  # operation -> calls under way
    doubt: set[str] = attrs.field(factory=set)  # operations whose outcome is unknown

    def idle(self) -> bool:
        return not self.doubt and not any(self.in_flight.values())


class OrderMemory:
    """Per order and operation: calls in flight and a lasting doubt. Bounded (oldest forgotten first), thread-safe."""

    def __init__(self, capacity: int = 4096) -> None:
        self._capacity = capacity
        self._orders: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._orders)

    def in_doubt(self, order: str) -> frozenset[str]:
        """The operations of this order whose outcome is unknown or that are under way (empty: none)."""
        if not self._orders:  # the common case, without taking the lock
            return frozenset()
        with self._lock:
            entry = self._orders.get(order)
            if entry is None:
                return frozenset()
            return frozenset(entry.doubt | {operation for operation, count in entry.in_flight.items() if count})

    def begin(self, order: str, operation: str) -> None:
        """A call of `operation` for `order` is about to send its first attempt."""
        with self._lock:
            entry = self._orders.get(order)
            if entry is None:
                entry = self._orders[order] = _Entry()
            entry.in_flight[operation] = entry.in_flight.get(operation, 0) + 1
            self._orders.move_to_end(order)
            while len(self._orders) > self._capacity:
                self._orders.popitem(last=False)

    def end(self, order: str, operation: str, *, doubt: bool, settled: bool = False, ends_order: bool = False) -> None:
        """A call ended. `doubt`: what it did is unknown. `settled`: its effect (or the order's end) is established,
        which clears the operation's doubt — every operation's when `ends_order` (the order is final)."""
        with self._lock:
            entry = self._orders.get(order)
            if entry is None:
                if doubt:
                    self._orders[order] = _Entry(doubt={operation})
                return
            entry.in_flight[operation] = max(0, entry.in_flight.get(operation, 0) - 1)
            if settled:
                if ends_order:
                    entry.doubt.clear()
                else:
                    entry.doubt.discard(operation)
            if doubt:
                entry.doubt.add(operation)
            if entry.idle():
                del self._orders[order]
