"""The client's memory of orders whose outcome is in doubt, so that a later `ORDER_DONE` reads "already synced".

Written ahead: a call is counted in flight for its order before its first attempt leaves, and leaves that count
only when it ends; whatever ends it without a definite answer — a lost answer, a cancellation, `KeyboardInterrupt`
during a send, a read or a retry wait — leaves the order in doubt. Calls for the same order running at once never
clear each other's doubt: each releases only its own count. A hint that dies with the process; a query of the order
(reconciliation) is the evidence.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

__all__ = ["OrderMemory"]


class OrderMemory:
    """Per order: calls in flight and a lasting doubt. Bounded (oldest forgotten first) and thread-safe."""

    def __init__(self, capacity: int = 4096) -> None:
        self._capacity = capacity
        # order -> [calls in flight, in doubt]
        self._orders: OrderedDict[str, list[int | bool]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._orders)

    def in_doubt(self, order: str) -> bool:
        """An earlier call's outcome is unknown, or another call for this order is under way."""
        if not self._orders:  # the common case, without taking the lock
            return False
        with self._lock:
            entry = self._orders.get(order)
            return entry is not None and (bool(entry[1]) or int(entry[0]) > 0)

    def begin(self, order: str) -> None:
        """A call for `order` is about to send its first attempt."""
        with self._lock:
            entry = self._orders.setdefault(order, [0, False])
            entry[0] = int(entry[0]) + 1
            self._orders.move_to_end(order)
            while len(self._orders) > self._capacity:
                self._orders.popitem(last=False)

    def end(self, order: str, *, doubt: bool, final: bool = False) -> None:
        """A call for `order` ended; `doubt`: what it did is unknown; `final`: the order is settled (DONE)."""
        with self._lock:
            entry = self._orders.get(order)
            if entry is None:
                if doubt:
                    self._orders[order] = [0, True]
                return
            entry[0] = max(0, int(entry[0]) - 1)
            if final:
                entry[1] = False
            if doubt:
                entry[1] = True
            if entry[0] == 0 and not entry[1]:
                del self._orders[order]
